"""MATLAB datenums (climann/data/datenums.py): refused with the lines that date them, and the copy trains."""

import datetime
import shlex
import shutil
import subprocess

import netCDF4
import numpy as np
import pytest

from climann.data.datenums import counts_from_datenum_origin
from climann.data.open import open_dataset
from climann.data.variables import grid_layout
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python

#: Mid-month dates of 2 years, as the MATLAB file of break40c C6 holds them.
DATES = [datetime.datetime(2000 + month // 12, month % 12 + 1, 15) for month in range(24)]


def _datenums() -> np.ndarray:
    """MATLAB's datenum of :data:`DATES`: Python's proleptic ordinal (1 = 0001-01-01) + 366
    (datenum(1, 1, 1) = 367, the 366 days of year 0 before it); datenum(2000, 1, 15) = 730500."""
    return np.array([date.toordinal() + 366 for date in DATES], "f8")


def _write(path, units="days since 0000-01-00 00:00:00"):
    """MATLAB's output: dimensions (lon, lat, time), ``time`` in datenums, ``sst`` and ``chl``."""
    rng = np.random.default_rng(1)
    with netCDF4.Dataset(path, "w") as dataset:
        for name, size in (("lon", 4), ("lat", 3), ("time", len(DATES))):
            dataset.createDimension(name, size)
        time = dataset.createVariable("time", "f8", ("time",))
        time.units, time.long_name = units, "time (MATLAB datenum)"
        time[:] = _datenums()
        for name, values, units_ in (("lat", [-30.0, 0.0, 30.0], "degrees_north"),
                                     ("lon", [0.0, 90.0, 180.0, 270.0], "degrees_east")):
            dataset.createVariable(name, "f8", (name,)).units = units_
            dataset[name][:] = values
        sst = rng.normal(15, 3, (4, 3, len(DATES)))
        for name, values in (("sst", sst), ("chl", 2 * sst + rng.normal(0, 0.5, sst.shape))):
            dataset.createVariable(name, "f8", ("lon", "lat", "time")).units = "1"
            dataset[name][:] = values
    return path


def _refusal(path):
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([path]), "chl", [str(path)])
    return str(error.value)


def test_datenum_2000_01_15_is_730500():
    assert _datenums()[0] == 730500  # MathWorks' datenum documentation


@pytest.mark.parametrize("way", [pytest.param("ncap2", id="ncap2"), pytest.param("python", id="python")])
def test_the_advised_line_dates_datenums_and_the_copy_trains(tmp_path, monkeypatch, way):
    """break40c C6: 'days since 0000-01-00 00:00:00' was refused as "not written as a date" with
    no word of datenum; the exact reading ('days since -0001-12-31', proleptic_gregorian) could
    then not be written to predictions.nc. The refusal names datenum and gives lines that
    write days since 1970; the copy's dates are the datenums' (numpy/datetime, above), and a
    run on it trains and writes predictions.nc."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "matlab_out.nc")
    message = _refusal(path)
    assert "the origin of MATLAB's datenum" in message and "(730500 is then 2000-01-15)" in message
    if way == "ncap2":
        command = next(part for part in message.split("`") if part.startswith("ncap2 "))
        if shutil.which("ncap2") is None:
            pytest.skip("NCO's ncap2 is not installed")
        subprocess.run(shlex.split(command), check=True, capture_output=True)
    else:
        command = next(part for part in bare_python(message).split("`") if part.startswith("python -c "))
        run_python(*shlex.split(command)[1:], check=True, capture_output=True, cwd=tmp_path)
    copy = tmp_path / "matlab_out_fixed.nc"
    dataset = open_dataset([copy])
    assert [(t.year, t.month, t.day, t.hour) for t in dataset["time"].values] == [
        (d.year, d.month, d.day, d.hour) for d in DATES]
    settings = {"data": {"paths": [str(copy)], "target": "chl", "predictors": ["sst"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=tmp_path / "run")
    with netCDF4.Dataset(tmp_path / "run" / "predictions.nc") as predictions:
        written = netCDF4.num2date(predictions["time"][:], predictions["time"].units, predictions["time"].calendar)
    assert [(t.year, t.month, t.day) for t in written] == [(d.year, d.month, d.day) for d in DATES]


@pytest.mark.parametrize(("units", "datenum"), [
    pytest.param("days since 0000-01-00 00:00:00", True, id="matlab"),
    pytest.param("days since 0000-1-0", True, id="short"),
    pytest.param("days since 0000-01-01", False, id="year-zero-first"),
    pytest.param("days since 2000-01-00", False, id="another-year"),
])
def test_the_datenum_origin_is_recognised(units, datenum):
    assert counts_from_datenum_origin(units) is datenum
