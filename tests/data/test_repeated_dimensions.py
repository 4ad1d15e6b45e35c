"""A variable on one dimension twice (an averaging kernel, a covariance) left out when a file is
opened (climann/data/repeated_dimensions.py): break16 F5, 'unexpected error: ValueError' in
info and xarray's UserWarning at every opening."""

from __future__ import annotations

import logging
import warnings

import netCDF4
import numpy as np
import xarray as xr

from climann.data.info import describe
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from tests.conftest import grid_dataset


def _with_kernel(path) -> xr.Dataset:
    """grid_dataset's file plus ``averaging_kernel(nlev, nlev)``, as retrieval products write it
    (xarray cannot write a repeated dimension, netCDF4 can)."""
    grid = grid_dataset(n_years=2)
    grid[["tas", "pred"]].to_netcdf(path)
    with netCDF4.Dataset(path, "a") as handle:
        handle.createDimension("nlev", 3)
        kernel = handle.createVariable("averaging_kernel", "f4", ("nlev", "nlev"))
        kernel[:] = np.eye(3)
    return grid


def test_a_variable_on_one_dimension_twice_is_left_out_in_one_warning_and_the_file_is_described(tmp_path, caplog):
    path = tmp_path / "retrieval.nc"
    grid = _with_kernel(path)
    forget_notes()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, logger="climann"):
        warnings.simplefilter("always")
        opened = open_dataset([str(path)])
        report = describe([str(path)])
    assert "averaging_kernel" not in opened.variables
    np.testing.assert_array_equal(opened["tas"].values, grid["tas"].values)
    assert "tas" in report and "averaging_kernel" not in report
    assert not [str(w.message) for w in caught if "Duplicate dimension" in str(w.message)]
    said = [r.getMessage() for r in caplog.records if "averaging_kernel" in r.getMessage()]
    assert said == ["retrieval.nc: averaging_kernel(nlev, nlev) left out: a variable on one dimension twice (a matrix "
                    "such as an averaging kernel or an error covariance) is no field on the grid, and xarray cannot "
                    "compute with it"]
