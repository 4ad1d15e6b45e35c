import logging
import shlex

import cftime
import numpy as np
import pytest

from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.zarr_metadata import stale_consolidated_arrays
from tests.conftest import grid_dataset
from tests.fresh_python import bare_python, run_python

zarr = pytest.importorskip("zarr")

#: The steps written and consolidated first, of the two years written in all.
FIRST, ALL = 12, 24


def _appended_after_consolidation(store, zarr_format, *, route):
    """A store of :func:`grid_dataset`'s two years whose consolidated metadata say its first
    year only: the second year added after the metadata were consolidated, by xarray's
    ``to_zarr(append_dim="time", consolidated=False)`` (``route="append"``; in Zarr format 2:
    format 3 drops the consolidated metadata on such an append) or by zarr's ``Array.resize``
    and a write of the new steps (``route="resize"``)."""
    full = grid_dataset(n_years=2)
    full.isel(time=slice(0, FIRST)).to_zarr(store, consolidated=True, zarr_format=zarr_format)
    if route == "append":
        full.isel(time=slice(FIRST, ALL)).to_zarr(store, append_dim="time", consolidated=False)
        return full
    group = zarr.open_group(store, mode="r+", use_consolidated=False)
    for name, variable in full.data_vars.items():
        if "time" in variable.dims:
            group[name].resize((ALL, *group[name].shape[1:]))
            group[name][FIRST:] = variable.values[FIRST:]
    time = group["time"]
    time.resize((ALL,))
    time[FIRST:] = cftime.date2num(full["time"].values[FIRST:], time.attrs["units"], time.attrs["calendar"])
    return full


STALE_STORES = [
    pytest.param(2, "append", id="v2-xarray-append-consolidated-False"),
    pytest.param(2, "resize", id="v2-zarr-resize"),
    pytest.param(3, "resize", id="v3-zarr-resize"),
]


@pytest.mark.parametrize("zarr_format, route", STALE_STORES)
def test_a_store_appended_after_consolidation_is_read_whole_with_a_warning(tmp_path, monkeypatch, caplog, zarr_format,
                                                                           route):
    monkeypatch.chdir(tmp_path)
    forget_notes()
    store = tmp_path / "stale.zarr"
    full = _appended_after_consolidation(store, zarr_format, route=route)
    with caplog.at_level(logging.WARNING):
        dataset = open_dataset([store])
    assert dataset.sizes["time"] == ALL
    np.testing.assert_array_equal(dataset["tas"].transpose("time", "lat", "lon").values, full["tas"].values)
    assert [time.year for time in dataset["time"].values] == [2000] * 12 + [2001] * 12
    said = [record.getMessage() for record in caplog.records if "consolidated metadata" in record.getMessage()]
    assert len(said) == 1
    assert said[0].startswith("stale.zarr: its consolidated metadata are out of date ('time' shape (12,) there, "
                              "shape (24,) in its own metadata;")
    assert bare_python(said[0]).endswith("""to update them: python -c 'import zarr; zarr.consolidate_metadata("stale.zarr")'""")


@pytest.mark.parametrize("zarr_format, route", STALE_STORES)
def test_the_warnings_command_updates_the_consolidated_metadata(tmp_path, monkeypatch, caplog, zarr_format, route):
    monkeypatch.chdir(tmp_path)
    forget_notes()
    store = tmp_path / "stale.zarr"
    _appended_after_consolidation(store, zarr_format, route=route)
    with caplog.at_level(logging.WARNING):
        open_dataset([store])
    (said,) = [record.getMessage() for record in caplog.records if "consolidated metadata" in record.getMessage()]
    command = shlex.split(said.rsplit("to update them: ", 1)[1])
    run_python(*command[1:], check=True, cwd=tmp_path)
    assert stale_consolidated_arrays(store) == {}


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_a_store_whose_consolidated_metadata_agree_is_not_stale(tmp_path, zarr_format):
    store = tmp_path / "fresh.zarr"
    grid_dataset(n_years=1).to_zarr(store, consolidated=True, zarr_format=zarr_format)
    assert stale_consolidated_arrays(store) == {}


def test_an_array_added_without_consolidation_is_stale(tmp_path):
    """A variable written into the store after consolidation is absent from the consolidated metadata."""
    store = tmp_path / "added.zarr"
    dataset = grid_dataset(n_years=1)
    dataset[["tas"]].to_zarr(store, consolidated=True, zarr_format=2)
    dataset[["pred"]].to_zarr(store, mode="a", consolidated=False)
    assert stale_consolidated_arrays(store) == {"pred": (None, [12, 4, 6])}
