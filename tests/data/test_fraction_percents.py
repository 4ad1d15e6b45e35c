"""Fractions labelled as percentages (break48a O1: OISST v2.1's ice, 0 … 1 under units '%')."""

import logging

import numpy as np
import pandas as pd
import xarray as xr

from climann.data.open import open_dataset
from climann.data.value_checks import warn_held_values
from tests.followed_twice import run_one_copy, without_guards


def _oisst(path, scale=0.01):
    """An OISST v2.1-like daily file: ``ice`` packed as shorts, ``scale_factor`` ``scale`` (0.01: 0 … 1
    unpacked, as NOAA's files), ``valid_max`` 100 packed, ``units`` '%'; returns the unpacked ice."""
    packed = np.random.default_rng(5).integers(0, 98, (4, 3, 5)).astype(np.int16)
    packed[0, 0, 0] = -999
    unpacked = np.where(packed == -999, np.nan, packed * scale)
    ice = xr.DataArray(unpacked, dims=("time", "lat", "lon"),
                       attrs={"long_name": "Sea ice concentration", "units": "%", "valid_min": np.int16(0),
                              "valid_max": np.int16(100)})
    xr.Dataset({"ice": ice}, coords={"time": pd.date_range("2020-01-01 12:00", periods=4, freq="D"),
                                     "lat": ("lat", [60.0, 70.0, 80.0], {"units": "degrees_north"}),
                                     "lon": ("lon", [0.0, 60.0, 120.0, 180.0, 240.0], {"units": "degrees_east"})},
               ).to_netcdf(path, encoding={"ice": {"dtype": "int16", "scale_factor": scale, "add_offset": 0.0,
                                                   "_FillValue": np.int16(-999)}})
    return unpacked


def _percent_warnings(caplog):
    return [record.getMessage() for record in caplog.records
            if record.levelno == logging.WARNING and "labelled a percentage" in record.getMessage()]


def test_a_fraction_labelled_percent_is_warned_once_with_its_largest_value_and_the_line_that_labels_it(
        tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    ice = _oisst(tmp_path / "oisst.nc")
    with caplog.at_level(logging.WARNING):
        warn_held_values(open_dataset([tmp_path / "oisst.nc"]), ["ice"], where="oisst.nc", file=tmp_path / "oisst.nc")
    said = _percent_warnings(caplog)
    assert len(said) == 1, said
    assert said[0].startswith(f"ice in oisst.nc is in '%' but all its values lie in 0 … 1 (largest {np.nanmax(ice):.4g}): "
                              "a fraction of the whole labelled a percentage"), said[0]
    assert without_guards(said[0].split("`")[1]) == "mkdir -p fraction && ncatted -a units,ice,o,c,1 oisst.nc fraction/oisst.nc"
    # run as printed: its copy in a new folder (fix54b: oisst_fraction.nc beside oisst.nc, taken with it by a glob)
    followed = run_one_copy(said[0], tmp_path)
    assert (followed["copy"], followed["original"]) == ("fraction/oisst.nc", "oisst.nc")
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["oisst.nc"]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        fixed = open_dataset([tmp_path / "fraction" / "oisst.nc"])
        warn_held_values(fixed, ["ice"], where="oisst.nc", file=tmp_path / "fraction" / "oisst.nc")
    assert fixed["ice"].attrs["units"] == "1" and not _percent_warnings(caplog)
    np.testing.assert_allclose(fixed["ice"].values, ice, rtol=1e-6)


def test_a_true_percentage_is_not_warned_of(tmp_path, caplog):
    """The same values packed with scale_factor 1: 0 … 97 %, a percentage, no warning."""
    ice = _oisst(tmp_path / "oisst.nc", scale=1.0)
    assert np.nanmax(ice) > 1
    with caplog.at_level(logging.WARNING):
        warn_held_values(open_dataset([tmp_path / "oisst.nc"]), ["ice"], where="oisst.nc", file=tmp_path / "oisst.nc")
    assert not _percent_warnings(caplog)
