"""Time axes in years before present (climann/data/before_present.py): refused with a way out that runs."""

import shlex

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.before_present import before_present_problem, years_per_unit
from climann.data.open import open_dataset
from climann.data.variables import grid_layout
from climann.errors import ClimannError
from tests.conftest import unwrapped_report
from tests.fresh_python import bare_python, run_python

# TraCE-21ka's decadal means: 22.00 ka BP … 21.77 ka BP stored as float32 -22.00, -21.99 …
TRACE = -22.0 + 0.01 * np.arange(24)


def _write(path, values, units="ka BP", dtype="f4"):
    """``TREFHT(time, lat, lon)`` and ``SOLIN`` on a 3 × 4 grid, ``time`` as given (no calendar)."""
    rng = np.random.default_rng(0)
    shape = (len(values), 3, 4)
    dataset = xr.Dataset(
        {"TREFHT": (("time", "lat", "lon"), (280 + rng.normal(size=shape)).astype("f4"), {"units": "K"}),
         "SOLIN": (("time", "lat", "lon"), (340 + rng.normal(size=shape)).astype("f4"), {"units": "W/m2"})},
        coords={"time": ("time", np.asarray(values, dtype=dtype), {"units": units, "long_name": "time"}),
                "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})},
    )
    if str(path).endswith(".zarr"):
        dataset.to_zarr(path)
    else:
        dataset.to_netcdf(path)
    return path


def _refusal(path):
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([path]), "TREFHT", [str(path)])
    return str(error.value)


def _python_line(message):
    """The ``python -c …`` way out of ``message``, run with this interpreter."""
    command = next(part for part in bare_python(message).split("`") if part.startswith("python -c "))
    return shlex.split(command)[1:]  # after `python`: -c CODE ARGS


@pytest.mark.parametrize(("units", "years"), [
    pytest.param("ka BP", 1000, id="trace-ka-bp"), pytest.param("kyr BP", 1000, id="kyr-bp"),
    pytest.param("ka before present", 1000, id="ka-before-present"), pytest.param("cal yr BP", 1, id="cal-yr-bp"),
    pytest.param("years BP", 1, id="years-bp"), pytest.param("ka", None, id="ka-alone-not-said-bp"),
    pytest.param("years since 1950-01-01", None, id="cf-units"), pytest.param("K", None, id="not-time"),
])
def test_units_before_present_are_recognised(units, years):
    assert years_per_unit(units) == years


@pytest.mark.parametrize(("values", "units", "name", "first_year", "reading"), [
    pytest.param(TRACE, "ka BP", "trace.nc", -20050, "values below 0 count back from 1950", id="trace-signed"),
    pytest.param(21.0 - 0.01 * np.arange(24), "kyr BP", "ages.nc", -19050, "the values are ages before 1950",
                 id="positive-ages"),
    pytest.param(TRACE, "ka BP", "trace.zarr", -20050, "values below 0 count back from 1950", id="zarr-store"),
])
def test_the_printed_python_line_writes_a_copy_climann_reads_and_trains_on(tmp_path, monkeypatch, values, units, name,
                                                                           first_year, reading):
    """break32b A5: "ka BP" was refused with "CF expects units = 'days since 1970-01-01'" and no
    command. The refusal names its reading; its Python line (the one that runs without NCO, the
    only one for a Zarr store, which NCO does not read) writes a copy whose steps are 1 January
    of 1950 + value × 1000 years (by hand: -22.00 ka BP is the year -20050, an age of 21 ka
    the year -19050), and the copy trains."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / name, values, units)
    message = _refusal(path)
    assert f"if {values[0]:g} {units} is the year {first_year} ({reading}" in message
    assert ("`ncap2 " in message) != name.endswith(".zarr")
    run_python(*_python_line(message), check=True, capture_output=True, cwd=tmp_path)
    copy = tmp_path / name.replace(".", "_fixed.")
    dataset = open_dataset([copy])
    sign = 1 if (values < 0).any() else -1
    years = 1950 + sign * np.round(np.asarray(values, dtype="f4").astype("f8") * 1000)
    assert list(dataset["time"].values) == [cftime.datetime(int(year), 1, 1, calendar="noleap") for year in years]
    with xr.open_dataset(path, engine="zarr" if name.endswith(".zarr") else None) as original:
        np.testing.assert_array_equal(dataset["TREFHT"].values, original["TREFHT"].values)
    settings = {"data": {"paths": [str(copy)], "target": "TREFHT", "predictors": ["SOLIN"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    assert set(run.metrics["splits"]) == {"train", "val", "test"}


def test_time_bounds_are_converted_with_their_axis(tmp_path, monkeypatch):
    """Bounds in the axis's units (CF §7.1) would otherwise be read as days since 1950."""
    monkeypatch.chdir(tmp_path)
    time = xr.DataArray(TRACE.astype("f8"), dims="time", name="time", attrs={"units": "ka BP", "bounds": "time_bnds"})
    message = before_present_problem(time, tmp_path / "t.nc")
    assert "d['time_bnds'] = d['time_bnds'].copy(data=(d['time_bnds'].data.astype('f8') * 365000.0).round())" in message
    assert "-s 'time_bnds=round(double(time_bnds)*365000.0)'" in message


def test_other_units_are_left_to_the_other_checks():
    time = xr.DataArray(TRACE, dims="time", name="time", attrs={"units": "days since 1950-01-01"})
    assert before_present_problem(time, None) is None


def test_fractional_ages_are_written_as_whole_years_when_they_stay_apart(tmp_path, monkeypatch):
    """break35a A1: ages of 49.7 … years BP were written as -age × 365 days, 49.7 BP as
    1900-04-21: the age model's fraction of a year became a day of the year. When rounding
    keeps every age apart, each is written on 1 January of its nearest year (by hand: 49.7 BP
    is 1950 − 50 = 1900)."""
    monkeypatch.chdir(tmp_path)
    ages = np.array([49.7, 80.2, 121.9, 140.4, 190.5, 205.1, 251.6])
    path = _write(tmp_path / "core.nc", ages, units="years BP", dtype="f8")
    message = _refusal(path)
    assert "each value on 1 January of its nearest whole year" in message
    run_python(*_python_line(message), check=True, capture_output=True, cwd=tmp_path)
    years = [1900, 1870, 1828, 1810, 1760, 1745, 1698]  # 190.5 BP is 1759.5: the later year, as ncap2's line gives
    assert list(open_dataset([tmp_path / "core_fixed.nc"])["time"].values) == [
        cftime.datetime(int(year), 1, 1, calendar="noleap") for year in sorted(years)]  # read oldest first


def test_fractional_ages_that_rounding_would_merge_are_kept_and_said_to_be_no_season(tmp_path, monkeypatch):
    """Two ages 0.1 year apart (80.2 and 80.3 BP) would share the year 1870 when rounded:
    the fractions are kept as days, and the refusal says that those days are no season."""
    monkeypatch.chdir(tmp_path)
    ages = np.array([0.0497, 0.0802, 0.0803, 0.1219, 0.1404, 0.1905])
    path = _write(tmp_path / "core.nc", ages, units="ka BP", dtype="f8")
    message = _refusal(path)
    assert ("the fractions of a year are kept as days, since rounding them would put 1 of the values in a year that "
            "holds another: those days of the year are no season") in message
    run_python(*_python_line(message), check=True, capture_output=True, cwd=tmp_path)
    days = [(time - cftime.datetime(1950, 1, 1, calendar="noleap")).days
            for time in open_dataset([tmp_path / "core_fixed.nc"])["time"].values]
    assert days == sorted(np.round(-ages * 365000))  # read oldest first


def _core(path, units, *, axis=None):
    """A sediment core as its record is archived: ``d18O(age)`` and ``sst(age)`` at one site
    (scalar lat/lon), ``age(age)`` in ``units`` with no ``axis`` or ``standard_name`` (unless
    ``axis``), 0.125 to 20 ka BP every 125 years (in the units' own scale)."""
    scale = 1 if years_per_unit(units) == 1000 else 1000
    age = (0.125 * np.arange(1, 161) * scale).astype("f8")
    rng = np.random.default_rng(3)
    attrs = {"units": units, "long_name": "age"} | ({"axis": axis} if axis else {})
    xr.Dataset({"d18O": ("age", rng.normal(4.0, 0.5, age.size), {"units": "permil", "long_name": "benthic d18O"}),
                "sst": ("age", rng.normal(15.0, 2.0, age.size), {"units": "degC"})},
               coords={"age": ("age", age, attrs), "lat": ((), 40.0, {"units": "degrees_north"}),
                       "lon": ((), -30.0, {"units": "degrees_east"})}).to_netcdf(path)
    return path


CORE_UNITS = [pytest.param(units, id=units.replace(" ", "-"))
              for units in ("ka BP", "kyr BP", "cal ka BP", "years BP", "yr BP", "a BP")]


@pytest.mark.parametrize("units", CORE_UNITS)
def test_an_age_axis_before_present_without_axis_gets_the_years_bp_refusal(tmp_path, monkeypatch, units):
    """fix36a: a core's age(age) in "ka BP" with no axis or standard_name was an extra dimension,
    `info` advising `select = {age = 0.125}` (one sample); with axis = "T" it was refused with the
    command that dates it. The units alone say time: the same refusal, word for word."""
    (tmp_path / "axis").mkdir()
    monkeypatch.chdir(tmp_path / "axis")
    with pytest.raises(ClimannError) as told:
        grid_layout(open_dataset([_core(tmp_path / "axis" / "core.nc", units, axis="T")]), "sst", ["core.nc"])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([_core(tmp_path / "core.nc", units)]), "sst", ["core.nc"])
    assert str(error.value) == str(told.value)
    assert f"'age' in core.nc could not be read as dates: its units are '{units}', years before present" in str(
        error.value)


@pytest.mark.parametrize("units", CORE_UNITS)
def test_info_on_a_core_dated_before_present_gives_the_line_that_dates_it(tmp_path, monkeypatch, units):
    """`climann info` names no age to select: it says why no config, with the Python line, which
    writes a copy dated 1950 minus the age (by hand: 0.125 ka BP is 1 January 1825, 20 ka BP -18050)."""
    from climann.data.info import describe

    monkeypatch.chdir(tmp_path)
    report = unwrapped_report(describe([str(_core(tmp_path / "core.nc", units))]))
    assert "select = {age" not in report
    assert "# No config to start from: time coordinate 'age' in core.nc could not be read as dates" in report
    run_python(*_python_line(report), check=True, capture_output=True, cwd=tmp_path)
    dataset = open_dataset([tmp_path / "core_fixed.nc"])
    # oldest first once opened: 20 ka BP is the year -18050, 0.125 ka BP 1825, every 125 years
    assert list(dataset["age"].values) == [cftime.datetime(1950 - 125 * k, 1, 1, calendar="noleap")
                                           for k in range(160, 0, -1)]


def _ice_core_bp(path):
    """An ice core in years BP, youngest last: ages 3000 … 970 (decreasing), units "years BP", axis T, one cell."""
    ages = np.arange(3000.0, 969.0, -30.0)
    rng = np.random.default_rng(1)
    dataset = xr.Dataset(
        {"d18O": (("time", "lat", "lon"), (-35 + rng.normal(0, 1, (len(ages), 1, 1))).astype("f4"), {"units": "1"}),
         "CH4": (("time", "lat", "lon"), (600 + rng.normal(0, 30, (len(ages), 1, 1))).astype("f4"), {"units": "1e-9"})},
        coords={"time": ("time", ages, {"units": "years BP", "axis": "T"}),
                "lat": ("lat", [-75.1], {"units": "degrees_north"}), "lon": ("lon", [123.35], {"units": "degrees_east"})},
    )
    dataset.to_netcdf(path)
    return path


def test_info_gives_the_years_bp_advice_once(tmp_path, monkeypatch):
    """fix36b: ``climann info`` printed the years-BP advice three times (the Time section, the
    reason for no config, and the error line); the other two now point to the Time section."""
    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    _ice_core_bp(tmp_path / "core.nc")
    result = CliRunner().invoke(app, ["info", "core.nc"])
    assert result.exit_code == 2
    assert result.output.count("write the times as days since 1950-01-01") == 1
    assert result.output.count("python -c") == 1
    assert result.output.rstrip().splitlines()[-1] == (
        "climann: error: no config to start from: time coordinate 'time' in core.nc could not be read as dates (its "
        "units are 'years BP'): see Time above for the way out")


def test_info_signs_only_the_negative_year_of_a_record_across_year_0(tmp_path, monkeypatch):
    """The converted core's Time line (3000 BP is 1950 − 3000 = -1050; 990 BP, the youngest,
    0960): fix36b signed both years ("to +0960-01-01"), while a split's blocks sign only a
    negative year (break41c P1: "-0001 to 0004"); fix41m: one rule everywhere, the sign only
    where a year is negative."""
    from climann.data.info import describe

    monkeypatch.chdir(tmp_path)
    with xr.open_dataset(_ice_core_bp(tmp_path / "core.nc"), decode_times=False) as core:
        message = before_present_problem(core["time"], tmp_path / "core.nc")
    run_python(*_python_line(message), check=True, capture_output=True, cwd=tmp_path)
    report = describe([str(tmp_path / "core_fixed.nc")])
    assert "# Time 'time': -1050-01-01 to 0960-01-01, every 360 months, 68 steps" in report


def _python_lines(report):
    """Every ``python -c …`` way out of an info report, run with this interpreter."""
    flat = bare_python(" ".join(line.lstrip("# ").strip() for line in report.splitlines()))
    return [shlex.split(part)[1:] for part in flat.split("`") if part.startswith("python -c ")]  # after `python`


def test_two_advices_in_a_row_number_the_second_copy_and_keep_the_first(tmp_path, monkeypatch):
    """fix36b: a LiPD-like core, age(depth) in years BP: info's first advice (make 'age' the
    dimension) writes core_fixed.nc; info on that copy advised core_fixed_fixed.nc. The second
    copy is numbered, core_fixed_2.nc, and the first is left as it was; the result reads as
    dates (970 BP is 1950 − 970 = 980, 2980 BP is -1030)."""
    from climann.data.info import describe

    monkeypatch.chdir(tmp_path)
    ages = np.arange(970.0, 3001.0, 30.0)
    rng = np.random.default_rng(2)
    xr.Dataset(
        {"d18O": (("depth", "lat", "lon"), (-35 + rng.normal(0, 1, (len(ages), 1, 1))).astype("f4"), {"units": "1"})},
        coords={"depth": ("depth", np.linspace(10, 500, len(ages)), {"units": "m"}),
                "age": ("depth", ages, {"units": "years BP"}),
                "lat": ("lat", [-75.1], {"units": "degrees_north"}), "lon": ("lon", [123.35], {"units": "degrees_east"})},
    ).to_netcdf(tmp_path / "core.nc")
    (first,) = _python_lines(describe(["core.nc"]))
    assert first[-1].endswith("d.to_netcdf(p);os.replace(p,'core_fixed.nc')")
    run_python(*first, check=True, capture_output=True, cwd=tmp_path)
    written = (tmp_path / "core_fixed.nc").read_bytes()
    (second,) = _python_lines(describe(["core_fixed.nc"]))
    assert "core_fixed_fixed" not in second[-1] and second[-1].endswith(
        "d.to_netcdf(p);os.replace(p,'core_fixed_2.nc')")
    run_python(*second, check=True, capture_output=True, cwd=tmp_path)
    assert (tmp_path / "core_fixed.nc").read_bytes() == written
    times = open_dataset([tmp_path / "core_fixed_2.nc"])["age"].values
    assert (times[0].year, times[-1].year) == (-1030, 980)  # 2980 BP and 970 BP
