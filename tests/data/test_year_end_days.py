"""Days of the year that wrap past 31 December: refused as a target with a line that counts them on, warned of as
predictors; a day of year that never wraps trains as before (break42a A7)."""

import json
import logging
import re
import shlex
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.year_end_days import day_of_year_name, is_day_of_year
from tests.fresh_python import run_python

needs_ncatted = pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")

LATS = np.arange(-25.5, -36.0, -1.0)
LONS = np.arange(140.5, 146.0, 1.0)
YEARS = np.arange(2001, 2021)


def _greenup(seed=11):
    """mk_sh.py of the report: a southern-hemisphere greenup 320…400 days after 1 January of the season's first
    year (cooler springs later), written as a calendar day of year (300…365, then 1…40), and the spring's
    temperature; the days as counted on (``continuous``) and as written (``written``)."""
    rng = np.random.default_rng(seed)
    shape = (YEARS.size, LATS.size, LONS.size)
    spring = 14 + 0.3 * (LATS + 25)[None, :, None] + rng.normal(0, 1, shape)
    continuous = (360 - 8 * (spring - 14) + rng.normal(0, 6, shape)).round()
    continuous = np.clip(continuous, 300, 420)
    written = np.where(continuous > 365, continuous - 365, continuous)
    return spring, continuous, written


def _write(path, written, spring, *, units="day of year", long_name="day of year of greenup onset", name="greenup"):
    coords = {"time": pd.to_datetime([f"{year}-07-01" for year in YEARS]),
              "lat": ("lat", LATS, {"units": "degrees_north", "standard_name": "latitude"}),
              "lon": ("lon", LONS, {"units": "degrees_east", "standard_name": "longitude"})}
    dims = ("time", "lat", "lon")
    attrs = {key: value for key, value in {"units": units, "long_name": long_name}.items() if value is not None}
    dataset = xr.Dataset({"tas_SON": (dims, spring.astype("f4"), {"units": "degC", "long_name": "Sep-Nov mean"}),
                          name: (dims, written.astype("i2"), attrs)}, coords=coords)
    dataset.to_netcdf(path, encoding={name: {"_FillValue": np.int16(32767)}})


def _run_cli(arguments, monkeypatch, capsys):
    from climann.cli import main

    monkeypatch.setattr(sys, "argv", ["climann", *arguments])
    with pytest.raises(SystemExit) as exited:
        main()
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def _follow(err, directory):
    """Run what the output ``err`` prints, in order, as printed: the units warning's ``ncatted`` (units 'day'), then
    the refusal's python line (which reads the copy the ncatted writes)."""
    (units,) = re.findall(r"readable units .*?: (\{ \[ ! -e .*? ncatted -a units,\S+ \S+\.nc \S+\.nc)(?= \(its copy in a new "
                          r"folder\))", err)
    assert " && mkdir -p units_fixed && ncatted -a units,greenup,o,c,day " in units
    subprocess.run(units, shell=True, executable="/bin/bash", check=True, cwd=directory, capture_output=True)
    (line,) = [line for line in err.splitlines() if line.startswith("climann: error:")]
    run_python("-c", shlex.split(re.search(r'python -c "[^"]+"', line).group(0))[2], check=True, cwd=directory)


def _test_climatology_rmse(values, run):
    """The test block's climatology RMSE by NumPy: each cell's training-years mean, cell areas of the regular 1° grid
    (∝ sin φ₊ − sin φ₋) as weights."""
    periods = json.loads((run / "metrics.json").read_text())["split_periods"]
    years = {name: [int(year) for year in re.findall(r"\d{4}", text)] for name, text in periods.items()}
    train = (YEARS >= years["train"][0]) & (YEARS <= years["train"][-1])
    test = (YEARS >= years["test"][0]) & (YEARS <= years["test"][-1])
    climatology = values[train].mean(axis=0)
    area = np.sin(np.radians(LATS + 0.5)) - np.sin(np.radians(LATS - 0.5))
    weights = np.broadcast_to(area[None, :, None], values[test].shape)
    return float(np.sqrt(np.average((values[test] - climatology) ** 2, weights=weights)))


@pytest.mark.parametrize(("name", "attrs", "expected"), [
    pytest.param("greenup", {"units": "day of year"}, True, id="units-day-of-year"),
    pytest.param("sos", {"units": "DOY"}, True, id="units-DOY"),
    pytest.param("x", {"units": "Julian_day"}, True, id="units-julian-day"),
    pytest.param("sos", {"units": "day", "long_name": "start of season, day of the year"}, True, id="day-long-name"),
    pytest.param("sos", {"long_name": "SOS (DOY)"}, True, id="no-units-DOY-long-name"),
    pytest.param("los", {"units": "days", "long_name": "length of season"}, False, id="a-duration"),
    pytest.param("t", {"units": "K", "long_name": "mean over day of year"}, False, id="other-units"),
])
def test_days_of_year_are_read_by_units_or_long_name(name, attrs, expected):
    assert is_day_of_year(name, attrs) is expected


@needs_ncatted
def test_a_day_of_year_target_across_the_year_end_is_refused_and_its_printed_line_counts_it_on(
        tmp_path, monkeypatch, capsys):
    """break42a A7: trained as read, test climatology RMSE 135.0 days where the circular error gives 10.43. Refused in
    one line; its python line, run as printed, writes the days counted on past 31 December (= the continuous days,
    exactly), in units 'day', on which the test climatology RMSE is NumPy's on the continuous days."""
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    spring, continuous, written = _greenup()
    _write(tmp_path / "sh.nc", written, spring)
    code, _, err = _run_cli(["train", "--data", "sh.nc", "--target", "greenup", "--epochs", "2"], monkeypatch, capsys)
    assert code == 2 and not (tmp_path / "runs").exists()
    (line,) = [line for line in err.splitlines() if line.startswith("climann: error:")]
    assert line.startswith("climann: error: the target 'greenup' in sh.nc is a day of the year whose values cross "
                           "31 December (all its")
    assert "so its loss and every score of it would be wrong" in line
    _follow(err, tmp_path)
    with xr.open_dataset(tmp_path / "sh_unwrapped.nc") as copy:
        np.testing.assert_array_equal(copy["greenup"].values, continuous)
        assert copy["greenup"].attrs["units"] == "day"
    code, _, err = _run_cli(["train", "--data", "sh_unwrapped.nc", "--target", "greenup", "--epochs", "2",
                             "--out", "run"], monkeypatch, capsys)
    assert code == 0, err
    assert "cross 31 December" not in err and "cannot read the units" not in err
    scores = json.loads((tmp_path / "run" / "metrics.json").read_text())["splits"]["test"]["climatology"]
    assert scores["rmse"] == pytest.approx(_test_climatology_rmse(continuous, tmp_path / "run"), rel=1e-6)
    assert scores["rmse"] < 0.2 * _test_climatology_rmse(written.astype(float), tmp_path / "run")


@needs_ncatted
def test_only_the_cells_that_wrap_are_counted_on_when_others_never_near_the_year_end(tmp_path, monkeypatch, capsys):
    """A file of two regions: cells whose greenup crosses the year end, and cells of days 100…200 (a northern
    spring). Each wrapping cell is refused and counted on by the line; the others are left as they are."""
    monkeypatch.chdir(tmp_path)
    spring, continuous, written = _greenup()
    northern = np.arange(LONS.size) >= 3
    rng = np.random.default_rng(3)
    spring_days = rng.integers(100, 200, written.shape)
    written = np.where(northern[None, None, :], spring_days, written)
    _write(tmp_path / "two.nc", written, spring)
    code, _, err = _run_cli(["train", "--data", "two.nc", "--target", "greenup", "--epochs", "1"], monkeypatch, capsys)
    assert code == 2
    (line,) = [line for line in err.splitlines() if line.startswith("climann: error:")]
    wraps = (written <= 60).any(0) & (written >= 306).any(0) & ~((written >= 121) & (written <= 245)).any(0)
    assert f"at {int(wraps.sum())} of its {written[0].size} cells" in line
    _follow(err, tmp_path)
    expected = np.where(wraps[None] & (written <= 183), written + 365, written)
    with xr.open_dataset(tmp_path / "two_unwrapped.nc") as copy:
        np.testing.assert_array_equal(copy["greenup"].values, expected)
        np.testing.assert_array_equal(copy["greenup"].values[:, :, northern], spring_days[:, :, northern])


def test_a_day_of_year_that_never_wraps_trains_as_before(tmp_path, monkeypatch, capsys):
    """A northern greenup (days 80…180) near no year end: trained, no refusal, its scores in days."""
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    spring, continuous, _ = _greenup()
    _write(tmp_path / "nh.nc", continuous - 230, spring)
    code, out, err = _run_cli(["train", "--data", "nh.nc", "--target", "greenup", "--epochs", "1", "--out", "run"],
                              monkeypatch, capsys)
    assert code == 0, err
    assert "cross 31 December" not in err
    assert "greenup (day of year), area-weighted: RMSE and bias in day\n" in out  # a date's error is in days


def test_a_day_of_year_predictor_across_the_year_end_is_warned_of(tmp_path, caplog):
    from climann.data.value_checks import warn_held_values

    spring, _, written = _greenup()
    _write(tmp_path / "sh.nc", written, spring)
    with xr.open_dataset(tmp_path / "sh.nc", chunks={}) as dataset, caplog.at_level(logging.WARNING):
        warn_held_values(dataset, ["tas_SON", "greenup"], where="sh.nc", file=tmp_path / "sh.nc", target="tas_SON")
    (warning,) = [record.getMessage() for record in caplog.records if "31 December" in record.getMessage()]
    assert warning.startswith("the predictor 'greenup' in sh.nc is a day of the year whose values cross 31 December")
    assert "its scores stay right" in warning and "python -c" in warning


def _units_advice(err):
    """The units warning's (or refusal's) line of a day of year, as printed: its guard, the new folder's
    ``mkdir -p`` and the ``ncatted`` that writes the copy there (fix56a), run by bash."""
    (units,) = re.findall(r"readable units \(.*?\): (\{ \[ ! -e .*? && ncatted .+? \S+\.nc \S+\.nc)(?= \(its copy in a "
                          r"new folder\))", err)
    return units


@needs_ncatted
def test_the_units_advice_keeps_a_day_of_year_whose_long_name_does_not_say_it(tmp_path, monkeypatch, capsys):
    """fix43b: the advice for units 'day of year' wrote units 'day' alone; a long_name that does not say day of year
    ("greenup onset") then left a copy read as a count of days, whose dates across 31 December were trained on as
    numbers (exit 0). The advice writes the long_name too; run as printed, the copy is a day of year and refused."""
    monkeypatch.chdir(tmp_path)
    spring, _, written = _greenup()
    _write(tmp_path / "sh.nc", written, spring, long_name="greenup onset")
    code, _, err = _run_cli(["train", "--data", "sh.nc", "--target", "greenup", "--epochs", "1"], monkeypatch, capsys)
    assert code == 2
    units = _units_advice(err)
    assert units.endswith("&& mkdir -p units_fixed && ncatted -a units,greenup,o,c,day -a long_name,greenup,o,c,"
                          "'greenup onset, day of year' sh.nc units_fixed/sh.nc")
    subprocess.run(units, shell=True, executable="/bin/bash", check=True, cwd=tmp_path, capture_output=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sh.nc", "units_fixed"]
    with xr.open_dataset(tmp_path / "units_fixed" / "sh.nc") as copy:
        assert is_day_of_year("greenup", copy["greenup"].attrs)
        np.testing.assert_array_equal(copy["greenup"].values, written)
    code, _, err = _run_cli(["train", "--data", "units_fixed/sh.nc", "--target", "greenup", "--epochs", "1"],
                            monkeypatch, capsys)
    assert code == 2 and "cannot read the units" not in err
    assert "climann: error: the target 'greenup' in sh.nc is a day of the year whose values cross 31 December" in err


@needs_ncatted
@pytest.mark.parametrize("command", [pytest.param("evaluate", id="evaluate"), pytest.param("predict", id="predict")])
def test_new_data_that_wrap_are_refused_by_a_run_trained_on_days_counted_on(tmp_path, monkeypatch, capsys, command):
    """fix43b: a run trained on the days counted on past 31 December (the refusal's copy, units 'day'), given the raw
    dates as new data with the units advice followed, scored them as numbers: RMSE 158.8 days against 0.088 for the same
    dates counted on (evaluate --data, exit 0). The copy the advice writes is a day of year, refused as in training."""
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    spring, continuous, written = _greenup()
    _write(tmp_path / "counted.nc", continuous, spring, units="day", long_name="greenup onset, counted on")
    code, _, err = _run_cli(["train", "--data", "counted.nc", "--target", "greenup", "--epochs", "1", "--out", "run"],
                            monkeypatch, capsys)
    assert code == 0, err
    (tmp_path / "new").mkdir()
    _write(tmp_path / "new" / "raw.nc", written, spring, long_name="greenup onset")
    out = ["--out", "scored"] if command == "evaluate" else ["--out", "predicted.nc"]
    code, _, err = _run_cli([command, "run", "--data", "new/raw.nc", *out], monkeypatch, capsys)
    assert code == 2 and "cannot read the units 'day of year'" in err
    subprocess.run(_units_advice(err), shell=True, executable="/bin/bash", check=True, cwd=tmp_path,
                   capture_output=True)
    assert sorted(path.name for path in (tmp_path / "new").iterdir()) == ["raw.nc", "units_fixed"]
    code, _, err = _run_cli([command, "run", "--data", "new/units_fixed/raw.nc", *out], monkeypatch, capsys)
    assert code == 2, err
    assert "the target 'greenup' in " in err and "raw.nc is a day of the year whose values cross 31 December" in err
    assert not (tmp_path / "scored").exists() and not (tmp_path / "predicted.nc").exists()


# --- fix44e: a day of year said by its name alone (plain 'day', no long_name) ----------------------------------
@pytest.mark.parametrize(("name", "expected"), [
    pytest.param("doy", True, id="doy"), pytest.param("dayofyear", True, id="dayofyear"),
    pytest.param("day_of_year", True, id="day_of_year"), pytest.param("julian_day", True, id="julian_day"),
    pytest.param("snow_onset", True, id="snow-onset"), pytest.param("sos", True, id="timesat-sos"),
    pytest.param("Greenup", True, id="mcd12q2-greenup"), pytest.param("end_of_season", True, id="end-of-season"),
    pytest.param("onset_date", True, id="onset-date"), pytest.param("los", False, id="length-of-season"),
    pytest.param("pose", False, id="a-word-with-pos"), pytest.param("ndays", False, id="a-count"),
])
def test_names_that_say_a_day_of_year(name, expected):
    assert day_of_year_name(name) is expected


def test_a_wrapped_day_of_year_said_by_its_name_only_is_refused_and_its_line_counts_it_on(
        tmp_path, monkeypatch, capsys):
    """fix44e: ``doy(time, lat, lon)`` in plain 'day', no long_name, 1…366 wrapping at the new year, trained as
    straight days (test RMSE 122.6 days in the report's file). Refused as the day of year its long_name would say;
    the python line, run as printed, writes NumPy's continuous days exactly, and the copy trains with the test
    climatology RMSE NumPy computes on them."""
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    spring, continuous, written = _greenup()
    _write(tmp_path / "sh.nc", written, spring, units="day", long_name=None, name="doy")
    code, _, err = _run_cli(["train", "--data", "sh.nc", "--target", "doy", "--epochs", "2"], monkeypatch, capsys)
    assert code == 2 and not (tmp_path / "runs").exists()
    (line,) = [line for line in err.splitlines() if line.startswith("climann: error:")]
    assert line.startswith("climann: error: the target 'doy' in sh.nc is a day of the year (by its name, in units "
                           "'day' with every value within 1…366;")
    run_python("-c", shlex.split(re.search(r'python -c "[^"]+"', line).group(0))[2], check=True, cwd=tmp_path)
    with xr.open_dataset(tmp_path / "sh_unwrapped.nc") as copy:
        np.testing.assert_array_equal(copy["doy"].values, continuous)
    code, _, err = _run_cli(["train", "--data", "sh_unwrapped.nc", "--target", "doy", "--epochs", "2",
                             "--out", "run"], monkeypatch, capsys)
    assert code == 0, err
    assert "cross 31 December" not in err
    scores = json.loads((tmp_path / "run" / "metrics.json").read_text())["splits"]["test"]["climatology"]
    assert scores["rmse"] == pytest.approx(_test_climatology_rmse(continuous, tmp_path / "run"), rel=1e-6)


@pytest.mark.parametrize(("name", "attrs", "shift", "warned"), [
    pytest.param("doy", {"units": "day"}, 0, True, id="doy-day"),
    pytest.param("sos", {}, 0, True, id="sos-no-units"),
    pytest.param("doy", {"units": "day"}, -1, False, id="values-from-0-no-day-of-year"),
    pytest.param("doy", {"units": "day", "long_name": "days since snow melt"}, 0, False, id="a-long-name-says-other"),
    pytest.param("los", {"units": "days"}, 0, False, id="a-duration-name"),
    pytest.param("doy", {"units": "K"}, 0, False, id="physical-units"),
])
def test_a_day_of_year_predictor_said_by_its_name_is_warned_of(tmp_path, caplog, name, attrs, shift, warned):
    """Only the name, plain units, no long_name and every value within 1…366 say a day of year: a 0 is no day of
    a year counted from 1 (the values here are the written days, shifted down by one where ``shift``)."""
    from climann.data.value_checks import warn_held_values

    spring, _, written = _greenup()
    written = written + shift
    assert bool(written.min() >= 1) == (shift == 0)  # the evidence, by NumPy
    _write(tmp_path / "sh.nc", written, spring, units=attrs.get("units"), long_name=attrs.get("long_name"), name=name)
    with xr.open_dataset(tmp_path / "sh.nc", chunks={}) as dataset, caplog.at_level(logging.WARNING):
        warn_held_values(dataset, ["tas_SON", name], where="sh.nc", file=tmp_path / "sh.nc", target="tas_SON")
    said = [record.getMessage() for record in caplog.records if "31 December" in record.getMessage()]
    assert bool(said) is warned
    if warned:
        assert said[0].startswith(f"the predictor '{name}' in sh.nc is a day of the year (by its name")
