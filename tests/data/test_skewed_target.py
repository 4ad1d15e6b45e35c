"""A positive target strongly skewed to the right: the note that it is often modelled in log10
(climann/data/skewed_target.py)."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess

import netCDF4 as nc
import numpy as np
import pytest
import scipy.stats
import xarray as xr

from climann.data.fill_like import read_together
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.skewed_target import note_log_normal_target, planned_skewness
from tests.followed_twice import GUARD


def _write_chl(path, values, *, valid=True):
    """A CMEMS-like daily CHL file (mg m-3, valid_min 0.01), ``values`` shape (time, lat, lon), NaN missing."""
    with nc.Dataset(path, "w") as f:
        for name, size in zip(("time", "lat", "lon"), values.shape):
            f.createDimension(name, size)
        t = f.createVariable("time", "f8", ("time",))
        t.units, t.standard_name, t.calendar = "days since 1900-01-01", "time", "standard"
        t[:] = 40177.5 + np.arange(values.shape[0])
        for name, units, start in (("lat", "degrees_north", 50.0), ("lon", "degrees_east", -20.0)):
            axis = f.createVariable(name, "f4", (name,))
            axis.standard_name, axis.units = {"lat": "latitude", "lon": "longitude"}[name], units
            axis[:] = start + 0.25 * np.arange(f.dimensions[name].size)
        v = f.createVariable("CHL", "f4", ("time", "lat", "lon"), fill_value=np.float32(-999))
        v.units, v.standard_name = "milligram m-3", "mass_concentration_of_chlorophyll_a_in_sea_water"
        if valid:
            v.valid_min, v.valid_max = np.float32(0.001), np.float32(1000)
        v[:] = np.ma.masked_invalid(values.astype("f4"))


def _skewness(path):
    dataset = open_dataset([path])
    return dataset, read_together(planned_skewness(dataset, "CHL"))[0]()


def test_a_log_normal_target_is_noted_with_the_line_that_writes_its_log10(tmp_path, caplog):
    """break50b A5: log-normal chlorophyll (skewness > 5, of log10 near 0) was trained in mg m-3 without a word.
    The skewness and that of log10 are scipy's; the note gives an ncap2 line that, run as printed, writes a copy
    holding numpy's log10 of every held value."""
    rng = np.random.default_rng(0)
    values = 10 ** rng.normal(-0.4, 0.35, (6, 8, 9))
    values[:, 0, :2] = np.nan
    _write_chl(tmp_path / "chl.nc", values)
    dataset, found = _skewness(tmp_path / "chl.nc")
    held = values[np.isfinite(values)].astype("f4").astype("f8")
    assert found.n == held.size and found.positive
    assert found.skewness == pytest.approx(scipy.stats.skew(held), rel=1e-9)
    assert found.log_skewness == pytest.approx(scipy.stats.skew(np.log10(held)), rel=1e-6, abs=1e-9)
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        note_log_normal_target(dataset, "CHL", found, where="chl.nc")
    (record,) = [record for record in caplog.records if "log10" in record.getMessage()]
    said = record.getMessage()
    assert record.levelno == logging.WARNING  # on the terminal, as other advice on the data (break51 N3)
    assert f"skewness {scipy.stats.skew(held):.2f}; of their log10 {scipy.stats.skew(np.log10(held)):.2f}" in said
    if shutil.which("ncap2") is None:
        pytest.skip("NCO's ncap2 is not installed")
    # its copy in a new folder, with the --data to give (fix53a: chl_log10.nc beside it)
    line, copy_path = re.search(rf"({GUARD}mkdir -p \S+ && ncap2 .*) \(its copy in a new folder\), then give --data "
                                r"(\S+) in place of \S+$", said).groups()
    assert copy_path == str(tmp_path / "log10" / "chl.nc")
    ran = subprocess.run(line, shell=True, check=True, cwd=tmp_path, capture_output=True, text=True)
    assert ran.stderr == ""  # the file has no valid_range: its ram_delete warned (break51 N3)
    with xr.open_dataset(copy_path) as copy:
        logs = copy["CHL"].values
        assert copy["CHL"].attrs["units"] == "1" and "standard_name" not in copy["CHL"].attrs
    np.testing.assert_allclose(logs[np.isfinite(values)], np.log10(held), rtol=1e-6)
    assert np.isnan(logs[~np.isfinite(values)]).all()


@pytest.mark.parametrize("kind", ["normal", "with-zero", "exponential"])
def test_a_target_not_log_normal_gets_no_note(tmp_path, caplog, kind):
    """Normal values, values with a 0 (no log10) and an exponential distribution (skewness 2, of log10 about
    -1.1: log10 does not take it away) get no note."""
    rng = np.random.default_rng(1)
    values = {"normal": rng.normal(5, 1, (6, 8, 9)), "exponential": rng.exponential(1, (6, 8, 9)),
              "with-zero": 10 ** rng.normal(-0.4, 0.35, (6, 8, 9))}[kind]
    if kind == "with-zero":
        values[0, 0, 0] = 0.0
    _write_chl(tmp_path / "chl.nc", values, valid=kind != "with-zero")  # a 0 held, not outside a valid range
    dataset, found = _skewness(tmp_path / "chl.nc")
    assert found.n == np.isfinite(values).sum()
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        note_log_normal_target(dataset, "CHL", found, where="chl.nc")
    assert [record for record in caplog.records if "log10" in record.getMessage()] == []


def _write_chl_attributes(path, values, first_day, attributes):
    """:func:`_write_chl` with the target's valid range as ``attributes`` say (any of valid_min, valid_max,
    valid_range, or none) and its days from ``first_day``."""
    _write_chl(path, values, valid=False)
    with nc.Dataset(path, "a") as f:
        f["time"][:] = 40177.5 + first_day + np.arange(values.shape[0])
        for name, value in attributes.items():
            f["CHL"].setncattr(name, np.asarray(value, dtype="f4"))


def test_the_loop_of_the_note_on_several_files_runs_without_a_warning(tmp_path, caplog):
    """break51 N3: the note's loop over two files printed one NCO warning per file (ram_delete of a valid_range the
    files lack). Three files, one with valid_min and valid_max, one with valid_range, one with neither: the loop as
    printed writes each copy with numpy's log10 of its held values, no standard_name or valid range left, and NCO
    says nothing."""
    if shutil.which("ncap2") is None:
        pytest.skip("NCO's ncap2 is not installed")
    rng = np.random.default_rng(3)
    folder = tmp_path / "chl"
    folder.mkdir()
    written = {}
    for k, attributes in enumerate([{"valid_min": 0.001, "valid_max": 1000.0}, {"valid_range": [0.001, 1000.0]}, {}]):
        values = 10 ** rng.normal(-0.4, 0.35, (6, 8, 9))
        values[:, 0, :2] = np.nan
        path = folder / f"chl_{k}.nc"
        _write_chl_attributes(path, values, 6 * k, attributes)
        written[path.name] = values
    dataset = open_dataset(sorted(folder.glob("*.nc")))
    found = read_together(planned_skewness(dataset, "CHL"))[0]()
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        note_log_normal_target(dataset, "CHL", found, where="chl")
    (record,) = [record for record in caplog.records if "log10" in record.getMessage()]
    assert record.levelno == logging.WARNING
    loop = re.search(r"(mkdir -p .*; done \))", record.getMessage()).group(1)
    ran = subprocess.run(loop, shell=True, check=True, cwd=tmp_path, capture_output=True, text=True,
                         executable="/bin/bash")
    assert ran.stderr == "" and ran.stdout == ""
    copies = sorted(path.name for path in (folder / "log10").iterdir())
    assert copies == sorted(written)
    for name, values in written.items():
        with xr.open_dataset(folder / "log10" / name, mask_and_scale=True) as copy:
            attrs, logs = copy["CHL"].attrs, copy["CHL"].values
        assert attrs["units"] == "1"
        assert not {"standard_name", "valid_min", "valid_max", "valid_range"} & set(attrs)
        held = np.isfinite(values)
        np.testing.assert_allclose(logs[held], np.log10(values[held].astype("f4").astype("f8")), rtol=1e-6)
        assert np.isnan(logs[~held]).all()


def test_new_data_of_a_trained_run_get_no_advice_to_train_in_log10(tmp_path, caplog):
    """The advice is for training: new data given to a run trained on the values must be in its units, so
    ``warn_held_values`` of new data (``training_advice=False``) gives no note, and the run's own data do."""
    from climann.data.value_checks import warn_held_values

    values = 10 ** np.random.default_rng(0).normal(-0.4, 0.35, (6, 8, 9))
    _write_chl(tmp_path / "chl.nc", values)
    for advice in (False, True):
        forget_notes()
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="climann"):
            warn_held_values(open_dataset([tmp_path / "chl.nc"]), ["CHL"], where="chl.nc", file=tmp_path / "chl.nc",
                             target="CHL", training_advice=advice)
        said = [record for record in caplog.records if "log10" in record.getMessage()]
        assert len(said) == int(advice)
