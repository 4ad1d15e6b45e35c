"""One path or a sequence of them, as the public API takes files and run directories."""

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from climann.data.paths import (
    home_expanded, is_zarr_store, matched_paths, path_list, relative_to_working_directory, user_path,
)
from climann.errors import ClimannError


@pytest.mark.parametrize(("given", "expected"), [
    pytest.param("data/polar.nc", ["data/polar.nc"], id="one-str"),
    pytest.param(Path("data/polar.nc"), [Path("data/polar.nc")], id="one-path"),
    pytest.param(["a.nc", Path("b.nc")], ["a.nc", Path("b.nc")], id="list"),
    pytest.param(("a.nc", "b*.nc"), ["a.nc", "b*.nc"], id="tuple"),
    pytest.param([], [], id="empty"),
])
def test_one_path_is_one_path_and_a_sequence_keeps_its_order(given, expected):
    assert path_list(given) == expected


@pytest.mark.parametrize(("given", "shown"), [
    pytest.param(xr.Dataset({"tas": ("x", [1.0])}), "got type xarray.core.dataset.Dataset", id="dataset"),
    pytest.param(3, "got type int", id="number"),
    pytest.param(b"polar.nc", "got type bytes", id="bytes"),
    pytest.param(["a.nc", 3.5], "item 1 has type float", id="list-holding-a-number"),
])
def test_anything_else_is_refused_naming_what_was_given(given, shown):
    with pytest.raises(ClimannError, match=rf"^data_paths must be a file name \(str or pathlib.Path\) or a list of "
                                           rf"them; {shown}$"):
        path_list(given, name="data_paths")


@pytest.mark.parametrize(("given", "expected"), [
    pytest.param("~/runs/x", "{home}/runs/x", id="home"),
    pytest.param("~", "{home}", id="home-itself"),
    pytest.param("~/data/*.nc", "{home}/data/*.nc", id="glob"),
    pytest.param("./~/x.nc", "./~/x.nc", id="literal-folder"),
    pytest.param("runs/~x", "runs/~x", id="inside"),
    pytest.param("/abs/x.nc", "/abs/x.nc", id="absolute"),
])
def test_a_leading_tilde_is_the_home_folder_as_the_shell_makes_it(tmp_path, monkeypatch, given, expected):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert home_expanded(given) == expected.format(home=tmp_path)


@pytest.mark.parametrize(("given", "expected"), [
    pytest.param("~/run", "{home}/run", id="home"),
    pytest.param("./~/run", "{work}/~/run", id="literal-folder-made-absolute"),
    pytest.param("runs/x", "runs/x", id="relative-kept"),
    pytest.param("./lesson", "lesson", id="dot-slash"),
])
def test_a_user_path_never_leaves_a_tilde_for_a_library_to_expand(tmp_path, monkeypatch, given, expected):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert user_path(given) == Path(expected.format(home=tmp_path / "home", work=tmp_path))


@pytest.mark.parametrize("pattern, expected", [
    pytest.param("my_data", ["my_data/a.nc", "my_data/b.nc"], id="a-folder-its-nc-files"),
    pytest.param("my_data/", ["my_data/a.nc", "my_data/b.nc"], id="a-folder-with-a-slash"),
    pytest.param("my_data/?.*", ["my_data/a.nc", "my_data/b.nc", "my_data/c.txt"], id="a-glob-sorted"),
    pytest.param("my_data/c.txt", ["my_data/c.txt"], id="a-file"),
    pytest.param("store.zarr", ["store.zarr"], id="a-zarr-store-itself"),
    pytest.param("link.nc", ["link.nc"], id="a-link-to-nothing"),
    pytest.param("nosuch.nc", [], id="nothing"),
    pytest.param("nosuch_*.nc", [], id="a-glob-of-nothing"),
])
def test_a_pattern_names_what_a_user_would_list(tmp_path, monkeypatch, pattern, expected):
    monkeypatch.chdir(tmp_path)
    Path("my_data").mkdir()
    for name in ("b.nc", "a.nc", "c.txt"):
        Path("my_data", name).write_text(name)
    Path("store.zarr").mkdir()
    Path("store.zarr", "x.nc").write_text("a chunk")
    Path("link.nc").symlink_to("gone.nc")
    assert matched_paths(pattern) == [Path(name) for name in expected]


def test_a_relative_pattern_is_said_to_be_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert relative_to_working_directory("my_data/") == f" in the working directory {tmp_path}"
    assert relative_to_working_directory(tmp_path / "my_data") == ""


@pytest.mark.parametrize("trailing", [pytest.param("", id="plain"), pytest.param("/", id="trailing-slash")])
@pytest.mark.parametrize("consolidated", [pytest.param(True, id="consolidated"), pytest.param(False, id="not-consolidated")])
def test_a_zarr_store_whose_name_does_not_end_in_zarr_is_one_input_read_as_the_store(tmp_path, trailing, consolidated):
    """break29b A5: a local copy of Pangeo's gs://cmip6/…/tas/gn/v20190308/ was taken for a folder of files,
    and the advice (a glob of *.nc in its subdirectories) matched nothing."""
    from climann.data.open import open_dataset

    dataset = xr.Dataset({"tas": (("time", "lat", "lon"), 250 + np.arange(24.0).reshape(2, 3, 4), {"units": "K"})},
                         coords={"time": ("time", [0.0, 31.0], {"units": "days since 2000-01-01"}),
                                 "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                                 "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})})
    store = tmp_path / "tas" / "gn" / "v20190308"
    dataset.to_zarr(store, consolidated=consolidated)
    dataset.to_zarr(tmp_path / "named.zarr", consolidated=consolidated)
    assert matched_paths(f"{store}{trailing}") == [Path(f"{store}{trailing}")]
    read = open_dataset([f"{store}{trailing}"])
    xr.testing.assert_identical(read.drop_encoding(), open_dataset([tmp_path / "named.zarr"]).drop_encoding())
    np.testing.assert_array_equal(read["tas"].values, dataset["tas"].values)


def test_a_folder_of_netcdf_files_is_still_its_files(tmp_path):
    (tmp_path / "a.nc").write_bytes(b"")
    (tmp_path / ".zgroup").write_text("{}")  # a stray marker beside NetCDF files: the files are what was meant
    assert matched_paths(tmp_path) == [tmp_path / "a.nc"]


def test_a_name_longer_than_the_system_takes_is_no_zarr_store(tmp_path, monkeypatch):
    """rerun34 F1: the units warning of three GGCMI files (names of about 95 characters) asked
    whether their comma-joined names were a Zarr store, and the lookup's ENAMETOOLONG ended
    `climann info` with an unexpected error."""
    monkeypatch.chdir(tmp_path)
    long_names = ", ".join(f"lpjml_gswp3-w5e5_obsclim_2015soc_default_yield-{crop}-noirr_global_annual"
                           "-gs_1981_2020_fixed.nc" for crop in ("mai", "ri1", "whe"))
    assert len(long_names) > 255
    assert not is_zarr_store(long_names)
