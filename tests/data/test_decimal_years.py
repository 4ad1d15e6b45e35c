"""Time axes in decimal years (climann/data/decimal_years.py): refused with the CDO line that restamps them."""

import shutil
import subprocess

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.decimal_years import decimal_year_step, decimal_years_problem, whole_years_problem
from climann.data.open import open_dataset
from climann.data.variables import grid_layout
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python
from tests.followed_twice import without_guards

# Berkeley Earth's monthly stamps: the middle of each month as a twelfth of the year
BERKELEY = 1980 + (np.arange(24) + 0.5) / 12


def _write(path, values, units="year A.D."):
    """``temperature(time, latitude, longitude)`` on a 3 × 4 grid with ``time`` as given."""
    rng = np.random.default_rng(0)
    dataset = xr.Dataset(
        {"temperature": (("time", "latitude", "longitude"), rng.normal(size=(len(values), 3, 4)).astype("f4"),
                         {"units": "degree C"})},
        coords={"time": ("time", np.asarray(values, dtype=np.float64), {"units": units, "standard_name": "time"}),
                "latitude": ("latitude", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                "longitude": ("longitude", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})},
    )
    dataset.to_netcdf(path)
    return path


def _refusal(path):
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([path]), "temperature", [str(path)])
    return str(error.value)


@pytest.mark.parametrize(
    ("values", "units", "start", "increment", "steps"),
    [
        pytest.param(BERKELEY, "year A.D.", "1980-01-15,00:00:00", "1mon", "monthly steps of 1/12 year",
                     id="berkeley-mid-month"),
        pytest.param(2001 + np.arange(24) / 12, "years", "2001-01-01,00:00:00", "1mon", "monthly steps of 1/12 year",
                     id="month-starts"),
        # months as their days / 365 (28 to 31 days: steps 0.0767 to 0.0849)
        pytest.param(1990 + np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30]) / 365, "common_era",
                     "1990-01-01,00:00:00", "1mon", "monthly steps of 1/12 year", id="months-by-days"),
        # the middle of each day of 1980 (a leap year: 366 days), 0.5/366 after 1 January
        pytest.param(1980 + (np.arange(40) + 0.5) / 366, "year", "1980-01-01,12:00:00", "1day",
                     "daily steps of 1/365 year", id="daily-mid-day"),
        pytest.param(1900.5 + np.arange(30), "Year", "1900-07-01,00:00:00", "1year", "yearly steps", id="mid-years"),
        # the last millennium (PMIP past1000, PAGES 2k) from 850, years of the common era (verify19 F6)
        pytest.param(850.0 + np.arange(30), "common_era", "0850-01-01,00:00:00", "1year", "yearly steps",
                     id="past1000-common-era"),
        pytest.param(1.0 + np.arange(24) / 12, "year CE", "0001-01-01,00:00:00", "1mon", "monthly steps of 1/12 year",
                     id="year-1-ce"),
    ],
)
def test_a_decimal_year_axis_is_refused_with_the_cdo_line_that_restamps_it(tmp_path, monkeypatch, values, units,
                                                                          start, increment, steps):
    """break18 F12: Berkeley Earth's 'year A.D.' was refused only with "CF expects units = 'days
    since …'", no way out."""
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "be.nc", values, units)
    shown = f"{values[0]:.8g}, {values[1]:.8g}"
    assert without_guards(_refusal(path)) == (
        f"time coordinate 'time' in be.nc could not be read as dates: it holds decimal years (units '{units}': "
        f"{shown}, …, {steps}), which name no calendar date (CF expects units = 'days since 1970-01-01' and a "
        f"calendar), and climann does not guess them: if {values[0]:.8g} is {start[:10]} {start[11:16]}, write the "
        f"dates into a copy, e.g. `cdo -settunits,days -settaxis,{start},{increment} be.nc be_fixed.nc`"
    )


@pytest.mark.parametrize(
    ("values", "units"),
    [
        pytest.param(BERKELEY, "years since 1980-01-01", id="cf-years-since"),  # CF's own, handled elsewhere
        pytest.param(np.arange(1.0, 25.0), "years", id="model-years-1-to-24"),  # no calendar year
        pytest.param(850.0 + np.arange(24), "year", id="year-850-not-said-common-era"),  # model years as well
        pytest.param(BERKELEY[[0, 1, 3, 4, 6, 7]], "year A.D.", id="irregular-steps"),
        pytest.param(1980 + np.arange(24) / 52, "year A.D.", id="weekly"),
        pytest.param(BERKELEY, "degree C", id="not-years"),
    ],
)
def test_other_times_are_not_taken_for_decimal_years(values, units):
    time = xr.DataArray(values, dims="time", name="time", attrs={"units": units})
    assert decimal_year_step(time) is None
    assert decimal_years_problem(time, None) is None


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_the_printed_cdo_line_gives_a_file_climann_reads_at_the_stated_dates(tmp_path, monkeypatch):
    """The command runs as printed (CDO 2.1.1) and its copy is read as the 24 months from
    1980-01-15, each on the 15th, in days since that date."""
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "be.nc", BERKELEY)
    command = _refusal(path).split("`")[1]
    subprocess.run(["bash", "-c", command], check=True, capture_output=True)
    dataset = open_dataset([tmp_path / "be_fixed.nc"])
    calendar = dataset["time"].values[0].calendar
    expected = [cftime.datetime(1980 + month // 12, month % 12 + 1, 15, calendar=calendar) for month in range(24)]
    assert list(dataset["time"].values) == expected
    with xr.open_dataset(path) as original:
        np.testing.assert_array_equal(dataset["temperature"].values, original["temperature"].values)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_the_printed_cdo_line_restamps_years_before_1000(tmp_path, monkeypatch):
    """CDO 2.1.1 writes 0850-01-01 as printed, and its copy is read from year 850 (verify19 F6)."""
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "be.nc", 850.0 + np.arange(30), "common_era")
    command = _refusal(path).split("`")[1]
    subprocess.run(["bash", "-c", command], check=True, capture_output=True)
    dataset = open_dataset([tmp_path / "be_fixed.nc"])
    calendar = dataset["time"].values[0].calendar
    assert list(dataset["time"].values) == [cftime.datetime(850 + year, 1, 1, calendar=calendar) for year in range(30)]


@pytest.mark.parametrize(
    ("values", "units", "expected"),
    [
        pytest.param(BERKELEY, "year A.D.", [(1980 + month // 12, month % 12 + 1, 15, 0) for month in range(24)],
                     id="berkeley-mid-month"),
        pytest.param(1980 + (np.arange(40) + 0.5) / 366, "year", [(1980, 1 + (day >= 31), day + 1 - 31 * (day >= 31), 12)
                                                                 for day in range(40)], id="daily-mid-day"),
        pytest.param(850.0 + np.arange(30), "common_era", [(850 + year, 1, 1, 0) for year in range(30)],
                     id="past1000-common-era"),
    ],
)
def test_a_decimal_year_zarr_store_is_refused_with_an_xarray_line_that_dates_a_copy(tmp_path, monkeypatch, values,
                                                                                  units, expected):
    """fix33c: a Zarr store in decimal years was told `cdo -settunits,days -settaxis,… be.zarr be_fixed.nc`,
    which CDO cannot run on a store. The way out is one xarray line; run as printed, its copy beside the store
    is read by climann at the stated dates (standard calendar), its values unchanged."""
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "be.nc", values, units)
    with xr.open_dataset(path, decode_times=False) as original:
        original.to_zarr(tmp_path / "be.zarr")
        temperature = original["temperature"].values
    refusal = _refusal(tmp_path / "be.zarr")
    (command,) = bare_python(refusal).split("`")[1:2]
    assert "cdo" not in refusal and "be_fixed.zarr" in command
    run_python("-c", shlex.split(command)[2], check=True, cwd=tmp_path)
    dataset = open_dataset([tmp_path / "be_fixed.zarr"])
    assert list(dataset["time"].values) == [cftime.datetime(*date, calendar="standard") for date in expected]
    np.testing.assert_array_equal(dataset["temperature"].values, temperature)


def _psmsl_like(path, *, time_major: bool):
    """A PSMSL-like CF station file (break38b B2): ``sea_level(station, time)`` int32 mm with
    _FillValue -99999 (or ``(time, station)``), the stations named in a char ``station_name``,
    ``station_id`` their CF timeseries_id, time in decimal years (units 'year', mid-month)."""
    values = np.arange(48, dtype="i4").reshape(2, 24) * 3 + 7000
    values[1, 5] = -99999
    dims = ("station", "time")
    dataset = xr.Dataset(
        {"sea_level": (dims, values, {"units": "mm", "_FillValue": np.int32(-99999), "coordinates": "lat lon"}),
         "station_name": ("station", np.array([b"BREST", b"GENOVA"], "S8"), {"long_name": "station name"})},
        coords={"time": ("time", BERKELEY, {"units": "year", "standard_name": "time"}),
                "station_id": ("station", np.array([7, 61], "i4"), {"cf_role": "timeseries_id"}),
                "lat": ("station", [48.4, 44.4], {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": ("station", [-4.5, 8.9], {"standard_name": "longitude", "units": "degrees_east"})},
        attrs={"featureType": "timeSeries", "Conventions": "CF-1.8"})
    dataset["station_name"].encoding.update(dtype="S1", char_dim_name="name_strlen")
    if time_major:
        dataset = dataset.transpose("time", "station", ...)
    dataset.to_netcdf(path)
    return np.where(values == -99999, np.nan, values)


@pytest.mark.parametrize("time_major", [pytest.param(False, id="station-major"), pytest.param(True, id="time-major")])
def test_a_decimal_year_station_file_gets_a_line_that_runs_on_it(tmp_path, monkeypatch, time_major):
    """break38b B2: PSMSL's station file in decimal years was told `cdo -settunits,days -settaxis,… IN OUT`; CDO
    refuses ``sea_level(station, time)`` ("Time must be the first dimension", "Open failed ... Unsupported file
    structure") and writes nothing, and of ``(time, station)`` writes a copy without the char station_name (no
    station is then chosen by its name). The way out is the xarray line, which run as printed writes a copy
    climann reads at the stated dates, GENOVA chosen by name, its values and gap unchanged."""
    import shlex

    monkeypatch.chdir(tmp_path)
    expected = _psmsl_like(tmp_path / "psmsl.nc", time_major=time_major)
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([tmp_path / "psmsl.nc"], select={"station": "GENOVA"}), "sea_level",
                    [str(tmp_path / "psmsl.nc")])
    refusal = str(error.value)
    (command,) = bare_python(refusal).split("`")[1:2]
    assert "cdo" not in refusal and command.startswith("python -c") and "psmsl_fixed.nc" in command
    run_python("-c", shlex.split(command)[2], check=True, cwd=tmp_path)
    dataset = open_dataset([tmp_path / "psmsl_fixed.nc"], select={"station": "GENOVA"})
    assert list(dataset["time"].values) == [cftime.datetime(1980 + month // 12, month % 12 + 1, 15,
                                                            calendar="standard") for month in range(24)]
    np.testing.assert_array_equal(dataset["sea_level"].values.ravel(), expected[1])


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_cdo_does_not_open_a_station_major_file(tmp_path):
    """Why the station file gets the xarray line: the CDO line it was given fails on it and writes nothing."""
    _psmsl_like(tmp_path / "psmsl.nc", time_major=False)
    done = subprocess.run(["cdo", "-settunits,days", "-settaxis,1980-01-15,00:00:00,1mon", "psmsl.nc", "out.nc"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "Unsupported file structure" in done.stderr
    assert not (tmp_path / "out.nc").exists()


def _whole_years(path, years, attrs):
    """``yield(time, lat, lon)`` on a 2 × 3 grid with ``time`` the integers ``years`` (int32)."""
    rng = np.random.default_rng(1)
    xr.Dataset({"yield": (("time", "lat", "lon"), rng.uniform(1, 9, (len(years), 2, 3)).astype("f4"),
                          {"units": "t ha-1"})},
               coords={"time": ("time", np.asarray(years, dtype="int32"), attrs),
                       "lat": ("lat", [40.0, 40.5], {"units": "degrees_north"}),
                       "lon": ("lon", [-100.0, -99.5, -99.0], {"units": "degrees_east"})}).to_netcdf(path)
    return path


@pytest.mark.parametrize(("years", "attrs"), [
    pytest.param(1961 + np.arange(61), {"long_name": "year"}, id="faostat-long-name-year"),
    pytest.param(1981 + np.arange(36), {}, id="gdhy-no-attributes"),
    pytest.param([1961, 1965, 1970, 1980], {"units": "year"}, id="uneven-years-units-year"),
])
def test_whole_years_without_units_are_refused_with_a_line_that_dates_them(tmp_path, monkeypatch, years, attrs):
    """break37b T2: 'it has no units; CF expects units = days since 1970-01-01' and no way out; followed
    literally, 1961 … were read as days of 1975. The printed line, run as printed, gives 1 January of each
    year, the values unchanged."""
    import shlex

    monkeypatch.chdir(tmp_path)
    path = _whole_years(tmp_path / "crop.nc", years, attrs)
    refusal = _refusal(path)
    assert f"its values {years[0]}, {years[1]}, …, {years[-1]} (whole numbers" in refusal
    assert "look like calendar years" in refusal
    (command,) = bare_python(refusal).split("`")[1:2]
    run_python("-c", shlex.split(command)[2], check=True, cwd=tmp_path)
    dataset = open_dataset([tmp_path / "crop_dated.nc"])
    assert list(dataset["time"].values) == [cftime.datetime(int(year), 1, 1, calendar="standard") for year in years]
    with xr.open_dataset(path) as original:
        np.testing.assert_array_equal(dataset["yield"].values, original["yield"].values)


@pytest.mark.parametrize(("values", "attrs"), [
    pytest.param(np.arange(1, 31), {}, id="model-years-1-30"),
    pytest.param([1990, 1990, 1991], {}, id="repeated"),
    pytest.param([1990, 1991], {"units": "days"}, id="other-units"),
])
def test_other_integers_are_not_taken_for_years(values, attrs):
    time = xr.DataArray(np.asarray(values, dtype="int32"), dims="time", name="time", attrs=attrs)
    assert whole_years_problem(time, None) is None
