"""Compression by gathering (CF §8.2, climann/data/gathered.py): land-only ``tas(time, land)``
with ``land:compress = "lat lon"`` is read on its grid, each value in its cell (numpy's
``full.reshape(n_time, -1)[:, land] = tas``), the sea missing."""

from __future__ import annotations

import dask
import numpy as np
import pytest
import xarray as xr

from climann.data.gathered import ungathered
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset

#: Land cells of the 4 × 6 grid as CF's flat positions (lat_index * 6 + lon_index), not in order
#: of rows: the list need not be sorted.
LAND = np.array([1, 2, 7, 9, 14, 15, 16, 23, 8])


@pytest.fixture(scope="module")
def grid() -> xr.Dataset:
    return grid_dataset(n_years=2)


def _gathered(grid: xr.Dataset, land: np.ndarray = LAND) -> xr.Dataset:
    """``tas`` and ``pred`` of ``grid`` at the cells ``land`` only, as a land model writes them."""
    flat = {name: grid[name].values.reshape(grid.sizes["time"], -1)[:, land % 24] for name in ("tas", "pred")}
    dataset = xr.Dataset(
        {name: (("time", "land"), values, grid[name].attrs) for name, values in flat.items()},
        coords={"time": grid["time"], "lat": grid["lat"], "lon": grid["lon"],
                "land": ("land", land.astype("int32"), {"compress": "lat lon"})},
        attrs={"Conventions": "CF-1.8"},
    )
    dataset["time"].encoding.update(grid["time"].encoding)
    return dataset


def _by_hand(grid: xr.Dataset, name: str) -> np.ndarray:
    """The uncompressed field: each listed cell's value, NaN elsewhere (CF §8.2 by numpy)."""
    full = np.full((grid.sizes["time"], 4 * 6), np.nan)
    full[:, LAND] = grid[name].values.reshape(grid.sizes["time"], -1)[:, LAND]
    return full.reshape(grid[name].shape)


def test_a_gathered_field_is_read_on_its_grid(tmp_path, grid):
    _gathered(grid).to_netcdf(tmp_path / "land.nc")
    opened = open_dataset([tmp_path / "land.nc"])
    assert opened["tas"].dims == ("time", "lat", "lon") and "land" not in opened.variables
    np.testing.assert_array_equal(opened["tas"].values, _by_hand(grid, "tas"))
    np.testing.assert_array_equal(opened["pred"].values, _by_hand(grid, "pred"))
    assert np.isnan(opened["tas"].values[:, 0, 0]).all() and opened["tas"].attrs["units"] == "K"


def test_the_data_stay_lazy(tmp_path, grid):
    _gathered(grid).to_netcdf(tmp_path / "land.nc")

    def raising(graph, keys, **kwargs):
        raise AssertionError("dask computed the data while ungathering")

    with xr.open_dataset(tmp_path / "land.nc", chunks={}) as dataset, dask.config.set(scheduler=raising):
        on_grid = ungathered(dataset, "land.nc")
    assert on_grid["tas"].chunks is not None
    np.testing.assert_array_equal(on_grid["tas"].values, _by_hand(grid, "tas"))


@pytest.mark.parametrize(("land", "expected"), [
    pytest.param(LAND + 1, "positions 2 to 24, but the 4 × 6 grid (lat lon) has cells 0 to 23", id="counted-from-1"),
    pytest.param(np.array([1, 2, 2]), "with repeats", id="a-cell-twice"),
])
def test_a_list_that_is_not_a_cf_list_is_refused(tmp_path, grid, land, expected):
    _gathered(grid, land % 24).assign_coords(land=("land", land.astype("int32"), {"compress": "lat lon"})
                                             ).to_netcdf(tmp_path / "land.nc")
    with pytest.raises(ClimannError, match="compression by gathering") as error:
        open_dataset([tmp_path / "land.nc"])
    assert expected in str(error.value)
