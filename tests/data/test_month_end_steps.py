"""cfgrib's monthly means of a seasonal forecast (``time`` × ``step``, step = end of each averaged
month) read on the lead month ``forecastMonth``, as the new CDS gives them (break53c A1)."""

import logging
import shlex
import subprocess

import numpy as np
import pytest
import xarray as xr

from climann.data.month_end_steps import with_steps_as_lead_months
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.forecast_files import cfgrib_layout, cfgrib_month_end_layout, seasonal_pair


@pytest.fixture
def pair():
    return seasonal_pair(starts=40, leads=4)  # every start month of 1993–1996 (1996: a leap February)


def _months(values: np.ndarray) -> np.ndarray:
    return np.array([f"{stamp.year:04d}-{stamp.month:02d}" if hasattr(stamp, "year")
                     else str(stamp)[:7] for stamp in np.ravel(values)]).reshape(np.shape(values))


def test_the_fixture_splits_one_lead_month_over_several_steps(pair):
    """The fixture is the fault's layout: lead month 1 lies on 28, 29, 30 and 31 days, NaN elsewhere."""
    hindcast, _ = pair
    layout = cfgrib_month_end_layout(hindcast)
    days = layout["step"].values / np.timedelta64(1, "D")
    assert {28, 29, 30, 31} <= set(days.tolist()) and len(days) > 4 * 3
    held = layout["t2m"].isel(number=0, latitude=0, longitude=0).notnull().values
    assert (held.sum(axis=1) == 4).all()  # each start: 4 lead months on 4 of the steps


@pytest.mark.parametrize("step_type", [pytest.param("avg", id="grib_avg"), pytest.param(None, id="no_grib_keys")])
def test_each_start_and_lead_month_gets_the_value_of_the_step_ending_that_month(tmp_path, pair, step_type):
    """Opened, the cfgrib file holds the new CDS's values at each (start, forecastMonth), checked
    against the fixture's arrays, and its valid times are the months each lead month is of."""
    hindcast, _ = pair
    cfgrib_month_end_layout(hindcast, step_type=step_type).to_netcdf(tmp_path / "fc.nc")
    forget_notes()
    opened = open_dataset([tmp_path / "fc.nc"])
    assert "step" not in opened.variables
    regrouped = opened["t2m"].transpose("number", "time", "forecastMonth", "latitude", "longitude")
    np.testing.assert_array_equal(regrouped.values, hindcast["t2m"].values)
    np.testing.assert_array_equal(opened["forecastMonth"].values, [1, 2, 3, 4])
    np.testing.assert_array_equal(_months(opened["valid_time"].transpose("time", "forecastMonth").values),
                                  _months(hindcast["valid_time"].values))


def test_a_chosen_lead_month_is_read_on_its_valid_months(tmp_path, pair):
    """``--select forecastMonth=2`` reads one series on the valid months, as the new CDS's file."""
    hindcast, _ = pair
    cfgrib_month_end_layout(hindcast).to_netcdf(tmp_path / "fc.nc")
    forget_notes()
    chosen = open_dataset([tmp_path / "fc.nc"], select={"forecastMonth": 2})
    np.testing.assert_array_equal(chosen["t2m"].transpose("number", "time", ...).values, hindcast["t2m"].values[:, :, 1])
    np.testing.assert_array_equal(_months(chosen["time"].values), _months(hindcast["valid_time"].values[:, 1]))


def test_a_step_chosen_is_refused_with_the_lead_month_to_choose(tmp_path, pair):
    """One step holds lead month 1 of 31-day months and no month of the others: refused, naming
    forecastMonth."""
    hindcast, _ = pair
    cfgrib_month_end_layout(hindcast).to_netcdf(tmp_path / "fc.nc")
    with pytest.raises(ClimannError, match=r"fc\.nc: 'step' of t2m is the end of each averaged month .* "
                                           r"choose the lead month instead of step=744, e\.g\. --select forecastMonth=1"):
        open_dataset([tmp_path / "fc.nc"], select={"step": 744})


def test_instantaneous_values_keep_their_steps(pair):
    """GRIB_stepType instant: values at their valid times, no month means; left as they are."""
    hindcast, _ = pair
    layout = cfgrib_month_end_layout(hindcast, step_type="instant")
    assert with_steps_as_lead_months(layout, where="fc.nc") is layout


def test_steps_that_end_no_month_are_left_as_they_are():
    """6-hourly lead times of a weather forecast (cfgrib's own layout, stepType avg) are no lead months."""
    layout = cfgrib_layout([6, 12, 18])
    for name in layout.data_vars:
        layout[name].attrs["GRIB_stepType"] = "avg"
    assert with_steps_as_lead_months(layout, where="fc.nc") is layout


def test_means_beside_instants_are_refused_with_a_line_that_keeps_the_means(tmp_path, pair):
    """Some forecasts say instant, others avg: refused in one line whose ncks line, pasted, writes the means
    alone, which then open on forecastMonth."""
    hindcast, _ = pair
    layout = cfgrib_month_end_layout(hindcast)
    layout["t2m_max"] = layout["t2m"].assign_attrs(GRIB_stepType="instant", GRIB_dataType="fc")
    layout.to_netcdf(tmp_path / "fc.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "fc.nc"])
    message = str(refused.value)
    assert "\n" not in message and "t2m_max say their values are instantaneous" in message
    line = message.split("`")[1]
    assert line.startswith("ncks -x -v t2m_max")
    subprocess.run(line, shell=True, check=True, cwd=tmp_path, capture_output=True)
    written = [path for path in tmp_path.iterdir() if path.name != "fc.nc"]
    assert len(written) == 1, [path.name for path in written]
    forget_notes()
    opened = open_dataset([written[0]])
    assert set(opened.data_vars) == {"t2m"} and "forecastMonth" in opened.dims
    assert shlex.split(line)[-1].endswith(written[0].name)


def test_values_at_steps_ending_no_month_are_not_regrouped(pair):
    """A value at 28 days from a November start (no month ends there): not this layout, left as it is."""
    hindcast, _ = pair
    layout = cfgrib_month_end_layout(hindcast).load()
    november = int(np.nonzero(layout["time"].dt.month.values == 11)[0][0])
    feb = int(np.nonzero(layout["step"].values == np.timedelta64(28, "D"))[0][0])
    layout["t2m"][:, november, feb] = 280.0
    assert with_steps_as_lead_months(layout, where="fc.nc") is layout


def test_one_step_per_lead_month_without_grib_keys_is_left_as_it_is(caplog):
    """Starts only in November of non-leap years, no GRIB keys: each lead month on one step; nothing says the
    values are month means, so the steps stay as they are (a step is then chosen as for any forecast), and one
    warning (fix54d; nothing was said) names the steps, the two readings and the attribute that makes them means."""
    hindcast, _ = seasonal_pair(starts=36, leads=3)
    november = hindcast.isel(forecast_reference_time=[10, 22, 34])  # 1993, 1994, 1995
    layout = cfgrib_month_end_layout(november, step_type=None)
    assert layout.sizes["step"] == 3
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        assert with_steps_as_lead_months(layout, where="fc.nc") is layout
        assert with_steps_as_lead_months(layout, where="fc.nc") is layout
    said = [record.getMessage() for record in caplog.records]
    assert said == [
        "fc.nc: t2m lies at 'step' 30, 61, 92 days (3 steps, one a lead month: forecastMonth 1 … 3), each the end of a "
        "calendar month of its start, as cfgrib lays out monthly means of a seasonal forecast, but nothing in the file "
        "(no GRIB_stepType or GRIB_dataType) says whether they are means of the month ending there or values at that "
        "instant; read as they are, each at its valid time (the 1st of the month after the one a mean would be of); if "
        "they are month means, give them so and they are read as lead months: the attribute GRIB_stepType = \"avg\" "
        "on t2m"], said
    said = xr.Dataset(layout.data_vars, layout.coords)
    said["t2m"].attrs["GRIB_stepType"] = "avg"
    assert "forecastMonth" in with_steps_as_lead_months(said, where="fc.nc").dims


def test_the_line_that_says_one_step_per_lead_month_are_means_reads_them_as_lead_months(tmp_path, caplog):
    """fix54d: the warning's line for the file on disk, run as printed, writes a copy in a new folder whose steps are
    read as lead months, each (start, forecastMonth) the fixture's value (numpy), the original left as it was."""
    import shutil

    if shutil.which("ncatted") is None:
        pytest.skip("the line is NCO's")
    hindcast, _ = seasonal_pair(starts=36, leads=3)
    november = hindcast.isel(forecast_reference_time=[10, 22, 34])
    cfgrib_month_end_layout(november, step_type=None).to_netcdf(tmp_path / "fc.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        kept = open_dataset([tmp_path / "fc.nc"])
    assert "forecastMonth" not in kept.dims and kept.sizes["step"] == 3
    said = next(record.getMessage() for record in caplog.records if "lies at 'step'" in record.getMessage())
    line = said.split("they are read as lead months: ")[1]
    command, then = line.split(" (its copy in a new folder), then give --data ")
    subprocess.run(command, shell=True, check=True, cwd=tmp_path, capture_output=True)
    copy = tmp_path / then.split(" in place of ")[0]
    forget_notes()
    regrouped = open_dataset([copy])["t2m"].transpose("number", "time", "forecastMonth", "latitude", "longitude")
    np.testing.assert_array_equal(regrouped.values, november["t2m"].values)
    with xr.open_dataset(tmp_path / "fc.nc") as original:
        assert "GRIB_stepType" not in original["t2m"].attrs
