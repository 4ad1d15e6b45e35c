"""Files holding none of the variables a run uses are left out (climann/data/used_files.py,
applied where files are opened: climann.data.open.open_dataset)."""

import functools
import logging

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset, open_input
from climann.data.renames import FileRenames
from climann.data.used_files import FileHeaders, files_in_use
from climann.errors import ClimannError
from tests.conftest import grid_dataset

HEADER = functools.partial(open_input, decode_cf=False, chunks={})


def _headers(files) -> FileHeaders:
    """The files' headers without renames, read as open_dataset reads them."""
    return FileHeaders(FileRenames(files, {}), HEADER)


@pytest.fixture
def shifted_set(tmp_path):
    """tas on a 4×6 grid, and pr on the same grid shifted by half a cell (30°) in longitude:
    a CMIP folder with a variable of another model component."""
    full = grid_dataset(n_years=1)
    full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    shifted = full[["pred"]].rename(pred="pr")
    shifted.assign_coords(lon=shifted["lon"] + 30.0).to_netcdf(tmp_path / "pr_shifted.nc")
    return full, [tmp_path / "pr_shifted.nc", tmp_path / "tas.nc"]


def test_a_file_of_a_variable_the_run_does_not_use_on_another_grid_is_left_out(shifted_set, caplog):
    full, files = shifted_set
    with caplog.at_level(logging.INFO, logger="climann"):
        opened = open_dataset(files, grid_of="tas", variables=("tas",))
    assert "pr" not in opened.variables
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)
    np.testing.assert_array_equal(opened["lon"].values, full["lon"].values)  # tas's grid, not pr's
    assert "left out, as they hold none of the variables the run uses (tas): pr_shifted.nc" in caplog.text


def test_a_used_variable_on_another_grid_is_still_refused(shifted_set):
    _, files = shifted_set
    with pytest.raises(ClimannError, match="the files are on different grids: lon differs by up to 30°"):
        open_dataset(files, grid_of="tas", variables=("tas", "pr"))


def test_a_file_left_out_is_not_opened_beyond_its_header(tmp_path):
    """An unused file whose calendar no CF decoder knows (refused when its times are decoded)
    blocks nothing."""
    full = grid_dataset(n_years=1)
    full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    odd = full[["pred"]]
    odd["time"].encoding.update(units="days since 2000-01-01", calendar="noleap")
    odd.to_netcdf(tmp_path / "odd.nc")
    with netCDF4.Dataset(tmp_path / "odd.nc", "a") as nc:
        nc["time"].calendar = "martian"
    with pytest.raises(ClimannError, match="calendar 'martian'"):
        open_dataset([tmp_path / "tas.nc", tmp_path / "odd.nc"], grid_of="tas")
    opened = open_dataset([tmp_path / "tas.nc", tmp_path / "odd.nc"], grid_of="tas", variables=("tas",))
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)


def test_the_cell_areas_a_used_variable_names_are_kept_from_their_own_file(tmp_path):
    """CMIP's areacella_fx file beside the data (CF section 7.2 cell_measures)."""
    full = grid_dataset(n_years=1)
    tas = full[["tas"]]
    tas["tas"].attrs["cell_measures"] = "area: areacella"
    tas.to_netcdf(tmp_path / "tas.nc")
    areas = full["static"].rename("areacella")
    areas.to_dataset().to_netcdf(tmp_path / "areacella_fx.nc")
    full[["pred"]].to_netcdf(tmp_path / "pred.nc")
    files = [tmp_path / "areacella_fx.nc", tmp_path / "pred.nc", tmp_path / "tas.nc"]
    kept = files_in_use(files, ("tas",), _headers(files))
    assert kept == [tmp_path / "areacella_fx.nc", tmp_path / "tas.nc"]


def test_a_renamed_variable_counts_by_its_new_name_and_a_left_out_file_by_its_renames(tmp_path):
    full = grid_dataset(n_years=1)
    full[["tas"]].rename(tas="t2m").to_netcdf(tmp_path / "era5.nc")
    shifted = full[["pred"]].rename(pred="sst")
    shifted.assign_coords(lon=shifted["lon"] + 30.0).to_netcdf(tmp_path / "ocean.nc")
    files = [tmp_path / "era5.nc", tmp_path / "ocean.nc"]
    rules = {"era5.nc": {"t2m": "tas"}, "ocean.nc": {"sst": "tos"}}
    opened = open_dataset(files, rename=rules, grid_of="tas", variables=("tas",))
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)
    assert "tos" not in opened.variables  # and the ocean file's rule, found in its header, is not refused


def test_every_file_is_opened_when_a_used_variable_is_in_none(shifted_set):
    """A misspelt predictor is then refused with every file's variables named, as before."""
    _, files = shifted_set
    assert files_in_use(files, ("tas", "prr"), _headers(files)) == files
    assert files_in_use(files, None, _headers(files)) == files


def _land_set(tmp_path, shift=0.0):
    """tas as a mean "where land" and, in a file of its own, sftlf (on tas's grid, or on one shifted by
    ``shift`` degrees of longitude), with an unused pred file."""
    full = grid_dataset(n_years=1)
    tas = full[["tas"]]
    tas["tas"].attrs["cell_methods"] = "area: mean where land time: mean"
    tas.to_netcdf(tmp_path / "tas.nc")
    land = full["static"].rename("sftlf").assign_attrs(standard_name="land_area_fraction", units="%").to_dataset()
    land.assign_coords(lon=land["lon"] + shift).to_netcdf(tmp_path / "sftlf_fx.nc")
    full[["pred"]].to_netcdf(tmp_path / "pred.nc")
    return full, [tmp_path / "pred.nc", tmp_path / "sftlf_fx.nc", tmp_path / "tas.nc"]


def test_the_land_fraction_a_where_land_variable_is_a_mean_over_is_kept_from_its_own_file(tmp_path):
    """break24a F7: CMIP's sftlf_fx file beside a "where land" target weighs its cells; it was left out."""
    full, files = _land_set(tmp_path)
    kept = files_in_use(files, ("tas",), _headers(files))
    assert kept == [tmp_path / "sftlf_fx.nc", tmp_path / "tas.nc"]
    opened = open_dataset(files, grid_of="tas", variables=("tas",))
    np.testing.assert_array_equal(opened["sftlf"].values, full["static"].values)


def test_a_land_fraction_on_another_grid_is_left_out_not_refused(tmp_path, caplog):
    """It is not interpolated: the run weighs whole cells, as it did when the file was left out unread."""
    full, files = _land_set(tmp_path, shift=30.0)
    with caplog.at_level(logging.INFO, logger="climann"):
        opened = open_dataset(files, grid_of="tas", variables=("tas",))
    assert "sftlf" not in opened.variables
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)
    assert ("sftlf_fx.nc, the land or sea fraction its cell_methods name: the scores weigh whole cells; to weigh by "
            "that fraction, give its file on the target's grid") in caplog.text


def _mask_set(tmp_path, *, shift: float = 0.0):
    """tas, a ROMS-like grid file whose ``mask_rho`` (flag_meanings "land water") is on tas's
    grid (``shift`` 0) or shifted in longitude, and a file of pred the run does not use."""
    full = grid_dataset(n_years=1)
    full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    full[["pred"]].to_netcdf(tmp_path / "pred.nc")
    grid = full.isel(time=0, drop=True)
    land = (np.arange(grid.sizes["lat"] * grid.sizes["lon"]).reshape(grid.sizes["lat"], -1) % 3 == 0)
    mask = xr.Dataset({"mask_rho": (("lat", "lon"), np.where(land, 0.0, 1.0),
                                    {"flag_values": np.array([0.0, 1.0]), "flag_meanings": "land water"})},
                      coords={"lat": grid["lat"], "lon": grid["lon"]})
    mask.assign_coords(lon=mask["lon"] + shift).to_netcdf(tmp_path / "grd.nc")
    return [tmp_path / "grd.nc", tmp_path / "pred.nc", tmp_path / "tas.nc"]


def test_a_land_sea_mask_on_the_target_s_grid_is_kept_from_its_own_file(tmp_path):
    """break37a A1: NEMO's mesh_mask.nc (or a ROMS grid file) beside the output was left out of a run, as it holds
    none of its variables: the land its mask marks, stored as a value in the target, went unsaid."""
    files = _mask_set(tmp_path)
    kept = files_in_use(files, ("tas",), _headers(files))
    assert kept == [tmp_path / "grd.nc", tmp_path / "tas.nc"]
    assert "mask_rho" in open_dataset(files, grid_of="tas", variables=("tas",)).variables


def test_a_land_sea_mask_on_another_grid_is_left_out_not_refused(tmp_path, caplog):
    """It is not interpolated; the note says what is then not looked for."""
    files = _mask_set(tmp_path, shift=30.0)
    with caplog.at_level(logging.INFO, logger="climann"):
        opened = open_dataset(files, grid_of="tas", variables=("tas",))
    assert "mask_rho" not in opened.variables
    np.testing.assert_array_equal(opened["tas"].values, grid_dataset(n_years=1)["tas"].values)
    assert ("grd.nc, a land-sea mask: land stored as a value in the target is not looked for on its land "
            "(climann.data.land_masks); to have it looked for, give the mask on the target's grid") in caplog.text


@pytest.mark.parametrize("n_files", [pytest.param(2, id="two-files"), pytest.param(6, id="six-files")])
def test_each_file_s_header_is_read_once_when_a_run_opens_a_folder(tmp_path, monkeypatch, n_files):
    """A folder of one file per period (GHRSST's daily files): which files hold the run's variables,
    a land fraction and a land-sea mask are three questions of the same headers, each read once
    (issue 15: three times, 900 readings for 300 daily files)."""
    import climann.data.open as opening

    full = grid_dataset(n_years=n_files)
    files = []
    for number, (_, year) in enumerate(full[["tas", "pred"]].groupby("time.year")):
        files.append(tmp_path / f"part_{number}.nc")
        year.to_netcdf(files[-1])
    headers_read: list = []

    def counted(path, **options):
        if options.get("decode_cf") is False:
            headers_read.append(path.name)
        return open_input(path, **options)

    monkeypatch.setattr(opening, "open_input", counted)
    opened = open_dataset(files, grid_of="tas", variables=("tas", "pred"))
    assert sorted(headers_read) == sorted(path.name for path in files)
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)
