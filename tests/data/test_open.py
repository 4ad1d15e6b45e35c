import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from climann.data.layout import SPLIT_BLOCK_COORDINATE
from climann.data.open import concat_blocks, expand_paths, files_on_grid_of, open_dataset
from climann.data.renames import FileRenames
from climann.data.subset import subset_dataset
from climann.data.variables import grid_layout
from climann.errors import ClimannError
from tests.conftest import grid_dataset, monthly_times, write_climann_file
from tests.grid_files import LAMBERT, curvilinear_coordinates, rotated_to_geographic
from tests.fresh_python import run_python, shell_path
from tests.followed_twice import GUARD, assert_left_as_it_is, run_one_copy, without_guards


def test_expand_paths_accepts_files_globs_and_directories(tmp_path):
    for year in (2001, 2000):
        grid_dataset().to_netcdf(tmp_path / f"tas_{year}.nc")
    (tmp_path / "notes.txt").write_text("not data")
    expected = [tmp_path / "tas_2000.nc", tmp_path / "tas_2001.nc"]
    assert expand_paths([str(tmp_path / "tas_*.nc")]) == expected
    assert expand_paths([tmp_path]) == expected
    assert expand_paths([tmp_path / "tas_2001.nc", str(tmp_path / "*.nc")]) == expected[::-1]


@pytest.mark.parametrize("given", [
    pytest.param(lambda folder: [folder], id="folder"),
    pytest.param(lambda folder: [str(folder / "tas_*.nc")], id="glob"),
    pytest.param(lambda folder: [folder / "tas_2000.nc", folder / "tas_2001.nc"], id="by-name"),
])
def test_a_broken_symbolic_link_is_named_with_its_target_not_the_good_files(tmp_path, given):
    """break17 F5: a link into a store that is not mounted gave "cannot open A, B, C … as NetCDF",
    blaming the good files."""
    folder = tmp_path / "data"
    folder.mkdir()
    grid_dataset().to_netcdf(folder / "tas_2000.nc")
    (folder / "tas_2001.nc").symlink_to("/nonexistent/store/tas_2001.nc")
    with pytest.raises(ClimannError) as error:
        expand_paths(given(folder))
    assert str(error.value) == ("tas_2001.nc is a broken symbolic link (to /nonexistent/store/tas_2001.nc): restore "
                                "its target (a store not mounted?) or leave it out of the files given")


def test_a_symbolic_link_to_a_file_is_read_as_that_file(tmp_path):
    """The link is kept as given (break51a A7: advised copies were named after its target, in the
    target's folder); given beside its target, the file is read once."""
    grid_dataset().to_netcdf(tmp_path / "store.nc")
    (tmp_path / "link.nc").symlink_to(tmp_path / "store.nc")
    assert expand_paths([tmp_path / "link.nc"]) == [tmp_path / "link.nc"]
    assert expand_paths([tmp_path / "link.nc", tmp_path / "store.nc"]) == [tmp_path / "link.nc"]
    xr.testing.assert_identical(open_dataset([tmp_path / "link.nc"]), open_dataset([tmp_path / "store.nc"]))


def test_a_grid_stored_the_other_way_round_and_shifted_names_the_shift(tmp_path):
    """A 45° grid north-to-south shifted by 10° beside one south-to-north: compared value by value the
    difference read 170°, the rows' distance when one runs the other way (break13 F17)."""
    grid_dataset(n_lat=4)[["tas"]].to_netcdf(tmp_path / "tas.nc")
    shifted = grid_dataset(n_lat=4)[["pred"]]
    shifted = shifted.assign_coords(lat=shifted["lat"] + 10.0).isel(lat=slice(None, None, -1))
    shifted.to_netcdf(tmp_path / "pred.nc")
    with pytest.raises(ClimannError, match=r"different grids: lat differs by up to 10° between pred\.nc and tas\.nc"):
        open_dataset([tmp_path / "pred.nc", tmp_path / "tas.nc"])


def test_cell_areas_of_another_grid_are_refused_as_areas_not_regridded(tmp_path):
    """A CMIP areacella of another grid beside the data: no cdo remapbil (areas are not interpolated); the
    areas of the data's own grid, or none."""
    grid_dataset(n_lat=4)[["tas"]].to_netcdf(tmp_path / "tas_Amon_gn.nc")
    lat = grid_dataset(n_lat=6)["lat"]
    lon = grid_dataset(n_lat=6)["lon"]
    areas = xr.DataArray(np.ones((lat.size, lon.size)), coords={"lat": lat, "lon": lon}, dims=("lat", "lon"),
                         attrs={"standard_name": "cell_area", "units": "m2"})
    areas.to_dataset(name="areacella").to_netcdf(tmp_path / "areacella_fx_gr.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "tas_Amon_gn.nc", tmp_path / "areacella_fx_gr.nc"])
    message = str(error.value)
    assert message.startswith("areacella_fx_gr.nc holds cell areas of another grid than tas_Amon_gn.nc: lat has ")
    assert "remapbil" not in message and "leave areacella_fx_gr.nc out" in message and "\n" not in message


@pytest.mark.parametrize(
    "pattern", [pytest.param("missing.nc", id="file"), pytest.param("missing_*.nc", id="glob")]
)
def test_nothing_matching_is_a_clear_error(tmp_path, pattern):
    with pytest.raises(ClimannError, match="no file matches"):
        expand_paths([str(tmp_path / pattern)])


@pytest.mark.parametrize("pattern", [pytest.param("my_data/", id="folder"), pytest.param("my_data/*.nc", id="glob"),
                                     pytest.param("missing.nc", id="file")])
def test_a_relative_pattern_matching_nothing_names_the_working_directory(tmp_path, monkeypatch, pattern):
    """break22b F12: "no file matches 'my_data/'" from a config used in another folder did not
    say where my_data/ was looked for; an absolute pattern needs no folder."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as refused:
        expand_paths([pattern])
    assert str(refused.value) == f"no file matches '{pattern}' in the working directory {tmp_path}"
    with pytest.raises(ClimannError) as refused:
        expand_paths([str(tmp_path / pattern)])
    assert str(refused.value) == f"no file matches '{tmp_path / pattern}'"


def test_a_directory_of_run_directories_is_said_to_hold_runs_not_data(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.toml").write_text("[data]\n")
        write_climann_file(tmp_path / name / "model.npz")  # climann's, by its content
    with pytest.raises(ClimannError, match=rf"^no file matches '{tmp_path}': the directory holds no NetCDF file "
                       rf"\(\*\.nc\) but climann run directories \(a, b\), which are not data; use a run with "
                       rf"climann evaluate {tmp_path / 'a'}, or climann predict {tmp_path / 'a'} with --data and the "
                       r"files to predict from, --out and a new file for the predictions$"):
        expand_paths([str(tmp_path)])
    for name in ("a", "b"):  # another program's config.toml + model.npz: no climann runs
        np.savez(tmp_path / name / "model.npz", weights=np.ones(3))
    with pytest.raises(ClimannError, match=r"the directory holds no file but directories \(a, b\); give the files in "
                       r"them by a glob"):
        expand_paths([str(tmp_path)])


def test_open_is_lazy_and_decodes_calendar_with_cftime(write_grid):
    dataset = open_dataset([write_grid(calendar="360_day")])
    assert dataset["tas"].chunks is not None  # dask-backed: nothing read yet
    assert dataset["time"].values[0].calendar == "360_day"


def test_many_files_combine_along_time(tmp_path):
    full = grid_dataset(n_years=4)
    for index, year_slice in enumerate((slice(0, 24), slice(24, 48))):
        full.isel(time=year_slice).to_netcdf(tmp_path / f"part{index}.nc")
    combined = open_dataset(expand_paths([str(tmp_path / "part*.nc")]))
    assert combined.sizes["time"] == 48
    assert (combined["tas"].values == full["tas"].values).all()


@pytest.mark.parametrize(
    "content",
    [pytest.param(b"this is not netcdf", id="text"), pytest.param(b"\x89HDF\r\n\x1a\n\x00\x00", id="truncated-hdf5")],
)
def test_a_file_that_is_not_netcdf_is_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.nc"
    path.write_bytes(content)
    with pytest.raises(ClimannError, match=r"^.*/bad.nc is not a readable NetCDF file \(truncated or another format\)$"):
        open_dataset([path])


def test_the_unreadable_file_among_several_is_named(tmp_path):
    grid_dataset().to_netcdf(tmp_path / "good.nc")
    (tmp_path / "bad.nc").write_bytes(b"this is not netcdf")
    with pytest.raises(ClimannError, match=r"bad.nc is not a readable NetCDF file \(truncated or another format\)$"):
        open_dataset([tmp_path / "good.nc", tmp_path / "bad.nc"])


def _yearly_files(folder, years, **grid):
    """One file per year of ``tas`` and ``pred``, each written as xarray and CDO do, in days
    since the start of its own year: every file's raw times are 0, 31, 59, … (noleap)."""
    full = grid_dataset(n_years=len(years), **grid)[["tas", "pred"]]
    paths = []
    for index, year in enumerate(years):
        part = full.isel(time=slice(12 * index, 12 * index + 12))
        part = part.assign_coords(time=[date.replace(year=year) for date in part["time"].values])
        part["time"].encoding = {"units": f"days since {year}-01-01", "calendar": "noleap"}
        paths.append(folder / f"y{year}.nc")
        part.to_netcdf(paths[-1])
    return paths


def test_a_truncated_file_among_yearly_files_is_named_not_two_good_ones(tmp_path):
    """The yearly files hold other years at the same raw times in other units; the unreadable
    third was blamed on the first two as 'the same times (two scenarios?)'."""
    paths = _yearly_files(tmp_path, (1990, 1991, 1992))
    content = paths[2].read_bytes()
    paths[2].write_bytes(content[: len(content) // 2])
    with pytest.raises(ClimannError, match=r"^y1992\.nc is cut short: its NetCDF-4 \(HDF5\) header says .*; fetch or copy"):
        open_dataset(paths)


def test_yearly_files_in_their_own_time_units_are_not_the_same_times(tmp_path):
    """Days since each file's own year: 0, 31, 59 in 1990 and in 1991 are other dates
    (CF 4.4), so a file on another grid is named as such, not as a second scenario."""
    first = _yearly_files(tmp_path, (1990,))
    other = tmp_path / "other"
    other.mkdir()
    second = _yearly_files(other, (1991,), n_lat=6)
    with pytest.raises(ClimannError, match=r"different grids: lat has 4 values in y1990\.nc and 6 in y1991\.nc"):
        open_dataset(first + second)


def test_months_on_a_valid_time_axis_beside_another_grid_are_not_the_same_times(tmp_path):
    """The new CDS's CAMS files date their steps by ``valid_time``, not ``time``: January and
    February of ``pm2p5`` beside an ERA5 file on another grid were refused as two scenarios
    "at the same times" (break44c A1); the refusal is the grid's, with the interpolation."""
    def month(start, n_lat, names):
        data = grid_dataset(n_years=1, n_lat=n_lat, names=("valid_time", "latitude", "longitude"))
        data = data[names].isel(valid_time=slice(start, start + 1))
        data["valid_time"].encoding = {"units": "seconds since 1970-01-01", "calendar": "noleap"}
        return data

    paths = []
    for start, tag in ((0, "201901"), (1, "201902")):
        paths.append(tmp_path / f"cams_{tag}.nc")
        month(start, 4, ["tas"]).rename(tas="pm2p5").to_netcdf(paths[-1])
    raw = [xr.open_dataset(path, decode_times=False) for path in paths]
    first, second = (float(r["valid_time"].values[0]) for r in raw)
    assert second - first == 31 * 86400.0  # other dates, a month apart, in one unit
    assert "time" not in raw[0].variables
    paths.append(tmp_path / "era5_blh_201901.nc")
    month(0, 6, ["pred"]).rename(pred="blh").to_netcdf(paths[-1])
    with pytest.raises(ClimannError) as refused:
        open_dataset(paths, grid_of="pm2p5", variables=["pm2p5", "blh"])
    said = str(refused.value)
    assert "two scenarios" not in said
    assert re.search(r"different grids: latitude has 4 values in cams_201901\.nc and 6 in era5_blh_201901\.nc", said)
    assert "cdo remapcon" in said  # onto the 4 latitudes of the target, from 6: an average (break46c A3)


def test_an_unknown_calendar_is_named(tmp_path):
    import netCDF4

    path = tmp_path / "martian.nc"
    with netCDF4.Dataset(path, "w") as raw:
        raw.createDimension("time", 2)
        time = raw.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "days since 2000-01-01", "martian"
        time[:] = [0, 1]
    with pytest.raises(ClimannError, match="'time' in martian.nc uses calendar 'martian'.*known: standard"):
        open_dataset([path])


def test_files_on_different_grids_are_named_with_their_grids(tmp_path):
    grid_dataset(n_lat=4)[["tas"]].to_netcdf(tmp_path / "tas.nc")
    grid_dataset(n_lat=6)[["pred"]].to_netcdf(tmp_path / "pred.nc")
    with pytest.raises(ClimannError, match=r"different grids: lat has 6 values in pred\.nc and 4 in tas\.nc; "
                       r"interpolate tas\.nc bilinearly onto pred\.nc's grid"):
        open_dataset(expand_paths([tmp_path]))


@pytest.mark.parametrize(
    "order", [pytest.param(("tgt.nc", "x.nc"), id="target-first"), pytest.param(("x.nc", "tgt.nc"), id="global-first")]
)
def test_a_regional_file_beside_a_global_one_on_its_grid_is_refused_with_the_cut(tmp_path, monkeypatch, caplog, order):
    """break10 #12: a regional target (the 2×3 cells south of the equator from 60 to 240°E) beside a
    global predictor on the same grid needs a cut of the global file, not an interpolation."""
    import logging

    from climann.data.notes import forget_notes

    monkeypatch.chdir(tmp_path)
    grid = grid_dataset(n_lat=4, n_lon=6)  # 45° by 60° cells: lat -67.5…67.5, lon 30…330
    grid[["tas"]].isel(lat=slice(0, 2), lon=slice(1, 4)).to_netcdf(tmp_path / "tgt.nc")
    grid[["pred"]].to_netcdf(tmp_path / "x.nc")
    cut = ("tgt.nc's 2×3 cells are cells of x.nc's grid, so no interpolation is needed: cut x.nc to them (longitude "
           "60…240, latitude -90…0), e.g. `mkdir -p cut && cdo sellonlatbox,60,240,-90,0 x.nc cut/x.nc` (its copy in a "
           "new folder), then give --data cut/x.nc in place of x.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / name for name in order], grid_of="tas", variables=["tas", "pred"])
    assert cut in without_guards(str(error.value)) and "remapbil" not in str(error.value)
    forget_notes()  # said once per run: the other order's test said it
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / name for name in order], grid_of="tas")  # predictors to be chosen: left out
    assert f"the predictors chosen from the data are the variables on the target's grid: {cut}" in \
        without_guards(caplog.text)


def test_a_file_on_another_grid_than_the_target_is_left_out_when_the_predictors_are_to_be_chosen(tmp_path, caplog):
    """``predictors = "auto"`` takes the variables on the target's grid: a folder that also
    holds a field on another grid was refused. The same cells north to south and in −180…180
    are the target's grid; named variables (``variables`` given) still count in every file."""
    import logging

    grid_dataset(n_lat=4)[["tas"]].to_netcdf(tmp_path / "a_tas.nc")
    flipped = grid_dataset(n_lat=4, lat_descending=True, lon_start=-180.0)
    flipped[["pred"]].to_netcdf(tmp_path / "b_pred.nc")
    grid_dataset(n_lat=6)[["static"]].rename(static="tos").to_netcdf(tmp_path / "c_tos.nc")
    files = expand_paths([tmp_path])
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset(files, grid_of="tas")
    assert set(opened.data_vars) == {"tas", "pred"}
    # pred aligned on tas's grid: rows south to north, columns from 30°E
    expected = flipped["pred"].sortby("lat").roll(lon=3, roll_coords=True).values
    np.testing.assert_array_equal(opened["pred"].values, expected)
    assert caplog.text.count("left out, on another grid than the target 'tas' (lat has 4 values in a_tas.nc and 6 "
                             "in c_tos.nc): c_tos.nc; the predictors chosen from the data are the variables on the "
                             "target's grid") == 1
    with pytest.raises(ClimannError, match=r"different grids: lat has 4 values in a_tas\.nc and 6 in c_tos\.nc"):
        open_dataset(files, grid_of="tas", variables=["tas", "tos"])
    with pytest.raises(ClimannError, match=r"different grids"):
        open_dataset(files)


def test_two_files_with_the_same_field_name_need_a_rename(tmp_path):
    grid_dataset(seed=1)[["tas"]].rename(tas="air_temperature").to_netcdf(tmp_path / "ssp126.nc")
    grid_dataset(seed=2)[["tas"]].rename(tas="air_temperature").to_netcdf(tmp_path / "ssp585.nc")
    files = expand_paths([tmp_path])
    with pytest.raises(ClimannError, match="'air_temperature' is in both ssp126.nc and ssp585.nc at the same times.*rename"):
        open_dataset(files)
    merged = open_dataset(files, rename={"*585*": {"air_temperature": "tas_ssp585"}})
    assert set(merged.data_vars) == {"air_temperature", "tas_ssp585"}
    np.testing.assert_array_equal(merged["tas_ssp585"].values, grid_dataset(seed=2)["tas"].values)


def test_a_rename_pattern_without_a_slash_matches_file_names_not_their_folders(tmp_path):
    """Both files lie in a folder whose name matches ``*585*``: the pattern picks the file
    named so (it picked both, when it was also matched against the whole path); a pattern
    with a ``/`` matches the path."""
    folder = tmp_path / "cmip6-585-runs"
    folder.mkdir()
    grid_dataset(seed=1)[["tas"]].rename(tas="air_temperature").to_netcdf(folder / "ssp126.nc")
    grid_dataset(seed=2)[["tas"]].rename(tas="air_temperature").to_netcdf(folder / "ssp585.nc")
    files = expand_paths([folder])
    for pattern in ("*585*", f"{folder}/ssp5*"):
        merged = open_dataset(files, rename={pattern: {"air_temperature": "tas_ssp585"}})
        np.testing.assert_array_equal(merged["tas_ssp585"].values, grid_dataset(seed=2)["tas"].values)
        np.testing.assert_array_equal(merged["air_temperature"].values, grid_dataset(seed=1)["tas"].values)


def _periods_named_differently(folder, layout):
    """2000–2001 of ``tas`` as ERA5's ``t2m`` and 2002–2003 as CMIP's ``tas``, with ``pred``
    beside each (layout "both") or in a file of its own over 2000–2003 ("separate"); and
    the same files with ``t2m`` renamed by hand (``ncrename -v t2m,tas``) in ``by_hand/``."""
    full = grid_dataset(n_years=4)[["tas", "pred"]]
    era5, cmip = full.isel(time=slice(0, 24)), full.isel(time=slice(24, 48))
    keep = ["tas", "pred"] if layout == "both" else ["tas"]
    for where, rename in ((folder, {"tas": "t2m"}), (folder / "by_hand", {})):
        where.mkdir(exist_ok=True)
        era5[keep].rename(rename).to_netcdf(where / f"{rename.get('tas', 'tas')}_2000-2001.nc")
        cmip[keep].to_netcdf(where / "tas_2002-2003.nc")
        if layout == "separate":
            full[["pred"]].to_netcdf(where / "pred_2000-2003.nc")
    return full


@pytest.mark.parametrize("layout", [pytest.param("both", id="target-and-predictor-in-each-file"),
                                    pytest.param("separate", id="one-variable-per-file")])
def test_a_variable_renamed_in_some_periods_joins_its_other_periods(tmp_path, layout):
    """The renamed files form one set with the others, combined in time as files renamed by
    hand are: all four years of tas, not a refusal (each file on its own) nor only the years
    under the new name (before, the renamed years were compared with the others as another
    variable, and only the common period kept)."""
    full = _periods_named_differently(tmp_path, layout)
    renamed = open_dataset(expand_paths([str(tmp_path / "*.nc")]), rename={"t2m_*": {"t2m": "tas"}})
    by_hand = open_dataset(expand_paths([str(tmp_path / "by_hand" / "*.nc")]))
    assert renamed.sizes["time"] == 48
    np.testing.assert_array_equal(renamed["tas"].values, full["tas"].values)
    np.testing.assert_array_equal(renamed["pred"].values, full["pred"].values)
    xr.testing.assert_identical(renamed, by_hand)


@pytest.mark.parametrize("pattern", [pytest.param("era5/*", id="relative"), pytest.param("./era5/t2m*", id="dot"),
                                     pytest.param("../{folder}/era5/*", id="parent")])
def test_a_rename_pattern_with_a_slash_matches_paths_as_given_from_the_working_directory(tmp_path, monkeypatch,
                                                                                          pattern):
    """``--data 'era5/*.nc' --rename 'era5/*:t2m=tas'``: the pattern names the files as
    ``--data`` does, relative to the working directory (it was matched against the absolute
    path alone, and matched nothing)."""
    full = grid_dataset(n_years=4)[["tas", "pred"]]
    for folder, name, years in (("era5", "t2m", slice(0, 24)), ("cmip", "tas", slice(24, 48))):
        (tmp_path / folder).mkdir()
        full.isel(time=years).rename(tas=name).to_netcdf(tmp_path / folder / f"{name}.nc")
    monkeypatch.chdir(tmp_path)
    files = expand_paths(["era5/*.nc", "cmip/*.nc"])
    combined = open_dataset(files, rename={pattern.format(folder=tmp_path.name): {"t2m": "tas"}})
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)


def test_variables_from_separate_files_on_one_grid_combine(tmp_path):
    full = grid_dataset()
    full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    full[["pred", "static"]].to_netcdf(tmp_path / "pred.nc")
    combined = open_dataset(expand_paths([tmp_path]))
    np.testing.assert_array_equal(combined["static"].values, full["static"].values)
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)


def test_a_rename_that_does_not_apply_is_an_error(tmp_path):
    grid_dataset().to_netcdf(tmp_path / "a.nc")
    with pytest.raises(ClimannError, match=r"rename pattern 'b\*\.nc' matches none"):
        open_dataset([tmp_path / "a.nc"], rename={"b*.nc": {"tas": "x"}})
    with pytest.raises(ClimannError, match="rename: 'air' is not in a.nc"):
        open_dataset([tmp_path / "a.nc"], rename={"a.nc": {"air": "x"}})


# --- blocks of a split by dataset -----------------------------------------------------------
def test_blocks_are_concatenated_along_time_with_their_labels(write_grid):
    parts = [open_dataset([write_grid(f"{name}.nc", n_years=years, seed=seed)])
             for name, years, seed in (("a", 2, 0), ("b", 1, 1), ("c", 1, 2))]
    combined = concat_blocks(parts, ("train", "val", "test"))
    assert combined.sizes["time"] == 48
    labels = combined[SPLIT_BLOCK_COORDINATE].values
    assert list(labels[[0, 23, 24, 35, 36, 47]]) == ["train", "train", "val", "val", "test", "test"]
    np.testing.assert_array_equal(combined["pred"].values[24:36], parts[1]["pred"].values)
    np.testing.assert_array_equal(combined["static"].values, parts[0]["static"].values)  # static: from the first
    # the dates repeat (each file covers 2000…): kept as they are
    assert combined["time"].values[24] == combined["time"].values[0]


def test_blocks_on_different_grids_or_without_a_variable_are_refused(write_grid):
    first = open_dataset([write_grid("a.nc")])
    other_grid = open_dataset([write_grid("b.nc", n_lat=6)])
    with pytest.raises(ClimannError, match="split blocks are on different grids"):
        concat_blocks([first, other_grid, first], ("train", "val", "test"))
    fewer = first.drop_vars("pred")
    with pytest.raises(ClimannError, match="val block's files lack 'pred'"):
        concat_blocks([first, fewer, first], ("train", "val", "test"))


def test_a_predictors_own_series_lag_made_in_one_block_only_is_taken_by_date_in_the_others(tmp_path):
    """break44d A1: each block opened on its own made ``pred@lag1`` only where its predictor held a step its
    target lacked (the train block's missing months): the val block, whose target and predictor hold the same
    months, was refused with "the val block's files lack 'pred@lag1', which the train block has", climann's
    internal name and no way out. Its lag is now its predictor's own month before, by numpy: missing at its first
    month and after its missing month, as the samples take a lag on a complete target's axis."""
    full = grid_dataset(n_years=3)
    times = full["time"].values
    (tmp_path / "train").mkdir()
    (tmp_path / "val").mkdir()
    full[["tas"]].isel(time=slice(0, 12)).drop_isel(time=[5]).to_netcdf(tmp_path / "train" / "tas.nc")
    full[["pred"]].isel(time=slice(0, 12)).to_netcdf(tmp_path / "train" / "pred.nc")
    val_steps = np.setdiff1d(np.arange(12, 24), [18])
    full[["tas", "pred"]].isel(time=val_steps).to_netcdf(tmp_path / "val" / "both.nc")
    train = open_dataset([tmp_path / "train" / "tas.nc", tmp_path / "train" / "pred.nc"], grid_of="tas",
                         lags={"pred": [1]})
    val = open_dataset([tmp_path / "val" / "both.nc"], grid_of="tas", lags={"pred": [1]})
    assert "pred@lag1" in train.data_vars and "pred@lag1" not in val.data_vars
    combined = concat_blocks([train, val, val], ("train", "val", "test"))
    values = combined["pred@lag1"].values
    in_val = combined[SPLIT_BLOCK_COORDINATE].values == "val"
    expected = np.full((val_steps.size, 4, 6), np.nan, np.float32)
    for index, step in enumerate(val_steps):
        if index > 0 and val_steps[index - 1] == step - 1:  # the month before is the block's own
            expected[index] = full["pred"].values[step - 1]
    np.testing.assert_array_equal(values[in_val], expected)
    assert np.isnan(values[in_val][[0, 6]]).all() and not np.isnan(values[in_val][[1, 5, 7]]).any()
    assert [t.month for t in combined["time"].values[in_val]][:8] == [times[step].month for step in val_steps[:8]]
    # the train block's lag is its predictor's own month before, also across its target's missing June
    np.testing.assert_array_equal(values[~in_val & (combined[SPLIT_BLOCK_COORDINATE].values == "train")][1:],
                                  full["pred"].values[np.setdiff1d(np.arange(12), [5])[1:] - 1])


def test_a_block_lacking_a_lagged_predictor_is_refused_in_the_users_words(tmp_path):
    full = grid_dataset(n_years=2)
    full[["tas"]].isel(time=slice(0, 12)).drop_isel(time=[5]).to_netcdf(tmp_path / "tas.nc")
    full[["pred"]].isel(time=slice(0, 12)).to_netcdf(tmp_path / "pred.nc")
    full[["tas"]].isel(time=slice(12, 24)).to_netcdf(tmp_path / "tas_val.nc")
    train = open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"], grid_of="tas", lags={"pred": [1]})
    val = open_dataset([tmp_path / "tas_val.nc"], grid_of="tas", lags={"pred": [1]})
    with pytest.raises(ClimannError, match=r"^the val block's files lack 'pred', which the train block's files hold; "
                                           r"give it in every block's files, or leave it out of the run: name its "
                                           r"predictors without it \(--predictors, \[data\] predictors\), or leave it "
                                           r"out of the train block's files \(e.g. ncks -x -v pred IN.nc OUT.nc\)$"):
        concat_blocks([train, val, val], ("train", "val", "test"))
    # the run's lagged predictor (used as 'pred', read as 'pred@lag1'): refused, not dropped as unused
    with pytest.raises(ClimannError, match=r"^the val block's files lack 'pred', which the train block's files hold "
                                           r"and the run uses"):
        concat_blocks([train, val.drop_vars("pred@lag1", errors="ignore"), val], ("train", "val", "test"),
                      used=("tas", "pred"))


def test_split_blocks_need_only_the_variables_the_run_uses(write_grid):
    """A val block without a variable the run does not use (RG's extension files lack the static
    ARGO_TEMPERATURE_MEAN) is combined; a variable along time that some block lacks is dropped,
    not filled with NaN; a used one that a block lacks is refused naming the way out."""
    first = open_dataset([write_grid("a.nc")])
    assert "time" in first["pred"].dims
    first = first.assign(static=first["tas"].isel(time=0, drop=True))
    fewer = first.drop_vars(["pred", "static"])
    combined = concat_blocks([first, fewer, first], ("train", "val", "test"), used=("tas",))
    assert "pred" not in combined.data_vars  # NaN in the val block's steps otherwise
    np.testing.assert_array_equal(combined["static"].values, first["static"].values)  # from the first block
    n = first.sizes["time"]
    np.testing.assert_array_equal(combined["tas"].values[n:2 * n], fewer["tas"].values)
    with pytest.raises(ClimannError, match=r"val block's files lack 'pred', which the train block's files hold and "
                                           r"the run uses; give it in every block's files"):
        concat_blocks([first, fewer, first], ("train", "val", "test"), used=("tas", "pred"))
    with pytest.raises(ClimannError, match=r"lack 'static'.*static field: give it in a shared file.*ncks -v static"):
        concat_blocks([first, fewer, first], ("train", "val", "test"), used=("tas", "static"))
    with pytest.raises(ClimannError, match=r"lack 'pred'.*--predictors.*ncks -x -v pred"):
        concat_blocks([first, fewer, first], ("train", "val", "test"))


# --- one variable in several files, in other units --------------------------------------------
@pytest.mark.parametrize("units, offset", [pytest.param("degC", 273.15, id="degC"), pytest.param("K", 0.0, id="same")])
def test_a_later_file_in_other_units_is_converted_to_the_first_files_units(tmp_path, caplog, units, offset):
    import logging

    full = grid_dataset(n_years=2)
    full["tas"].attrs["units"] = "K"
    first, second = full.isel(time=slice(0, 12)), full.isel(time=slice(12, 24))
    second = second.assign(tas=(second["tas"] - offset).assign_attrs(units=units))
    first.to_netcdf(tmp_path / "tas_2000.nc")
    second.to_netcdf(tmp_path / "tas_2001.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        combined = open_dataset(expand_paths([str(tmp_path / "tas_*.nc")]))
    np.testing.assert_allclose(combined["tas"].values, full["tas"].values, rtol=1e-6)
    assert combined["tas"].attrs["units"] == "K"
    converted = [r.getMessage() for r in caplog.records if "converted from" in r.getMessage()]
    # no units_metadata: on the scale, and the warning says it assumed so (climann/data/units.py)
    expected = "'tas' in tas_2001.nc converted from degC to K, the units of tas_2000.nc, assumed a temperature on"
    assert [message[: len(expected)] for message in converted] == ([expected] if offset else [])


def test_a_later_file_in_units_that_do_not_convert_is_refused(tmp_path):
    full = grid_dataset(n_years=2)
    full["tas"].attrs["units"] = "K"
    full.isel(time=slice(0, 12)).to_netcdf(tmp_path / "tas_2000.nc")
    second = full.isel(time=slice(12, 24))
    second.assign(tas=second["tas"].assign_attrs(units="m")).to_netcdf(tmp_path / "tas_2001.nc")
    with pytest.raises(ClimannError, match=r"^'tas' is in 'm' in tas_2001\.nc but in 'K' in tas_2000\.nc"):
        open_dataset(expand_paths([str(tmp_path / "tas_*.nc")]))


def _write_split_by_time_in_other_units(folder):
    """tas 2000 in K and 2001 in degC; pred 2000 in 1 and 2001 in % (each its own file);
    the reference (all in the first files' units) returned for a hand conversion."""
    full = grid_dataset(n_years=2)[["tas", "pred"]]
    halves = [full.isel(time=slice(0, 12)), full.isel(time=slice(12, 24))]
    halves[0]["tas"].to_dataset().to_netcdf(folder / "tas_2000.nc")
    (halves[1]["tas"] - 273.15).assign_attrs(units="degC").to_dataset().to_netcdf(folder / "tas_2001.nc")
    halves[0]["pred"].to_dataset().to_netcdf(folder / "pred_2000.nc")
    (halves[1]["pred"] * 100).assign_attrs(units="%").to_dataset().to_netcdf(folder / "pred_2001.nc")
    return full


@pytest.mark.parametrize(
    "names, expected_units",
    [
        pytest.param(["*.nc"], {"tas": "K", "pred": "1"}, id="one-glob-other-variable-first"),
        pytest.param(["tas_*.nc", "pred_*.nc"], {"tas": "K", "pred": "1"}, id="a-glob-per-variable"),
        pytest.param(["pred_2000.nc", "tas_2001.nc", "pred_2001.nc", "tas_2000.nc"], {"tas": "degC", "pred": "1"},
                     id="later-tas-file-first"),
        pytest.param(["pred_2001.nc", "pred_2000.nc", "tas_*.nc"], {"tas": "K", "pred": "%"},
                     id="later-pred-file-first"),
    ],
)
def test_every_file_of_a_variable_is_in_the_units_of_its_first_file(tmp_path, caplog, names, expected_units):
    import logging

    full = _write_split_by_time_in_other_units(tmp_path)
    with caplog.at_level(logging.WARNING, logger="climann"):
        combined = open_dataset(expand_paths([str(tmp_path / name) for name in names]))
    # by hand: K -> degC is minus 273.15; 1 -> % is times 100
    by_hand = {"K": full["tas"].values, "degC": full["tas"].values - 273.15,
               "1": full["pred"].values, "%": full["pred"].values * 100}
    for name, units in expected_units.items():
        assert combined[name].attrs["units"] == units
        np.testing.assert_allclose(combined[name].values, by_hand[units], rtol=1e-6, atol=1e-4)
    converted = sorted(r.getMessage() for r in caplog.records if "converted from" in r.getMessage())
    assert len(converted) == 2  # one per variable: its file in the other units


def test_files_of_one_name_in_two_folders_are_two_files_for_their_units(tmp_path):
    full = grid_dataset(n_years=2)[["tas"]]
    (tmp_path / "hist").mkdir()
    (tmp_path / "ssp").mkdir()
    full.isel(time=slice(0, 12)).to_netcdf(tmp_path / "hist" / "tas.nc")
    later = full["tas"].isel(time=slice(12, 24))
    (later - 273.15).assign_attrs(units="degC").to_dataset().to_netcdf(tmp_path / "ssp" / "tas.nc")
    combined = open_dataset([tmp_path / "hist" / "tas.nc", tmp_path / "ssp" / "tas.nc"])
    assert combined["tas"].attrs["units"] == "K"
    np.testing.assert_allclose(combined["tas"].values, full["tas"].values, rtol=1e-6)


def test_a_file_in_units_that_do_not_convert_is_refused_when_another_variable_comes_first(tmp_path):
    full = grid_dataset(n_years=2)
    full[["pred"]].to_netcdf(tmp_path / "a_pred.nc")
    full[["tas"]].isel(time=slice(0, 12)).to_netcdf(tmp_path / "b_tas_2000.nc")
    second = full["tas"].isel(time=slice(12, 24)).assign_attrs(units="m")
    second.to_dataset().to_netcdf(tmp_path / "b_tas_2001.nc")
    with pytest.raises(ClimannError, match=r"^'tas' is in 'm' in b_tas_2001\.nc but in 'K' in b_tas_2000\.nc"):
        open_dataset(expand_paths([str(tmp_path / "*.nc")]))


def _model_output_on_time_counter(months, *, extra_time=False, named="time_centered"):
    """A file as NEMO/XIOS writes it: the dimension ``time_counter`` without units (axis T,
    values 0) and the dates on the auxiliary coordinate ``time_centered(time_counter)``, named
    in the variable's ``coordinates`` attribute; on a curvilinear y/x grid with static cell
    corners in every file."""
    import xarray as xr

    rng = np.random.default_rng(months[0])
    n_y, n_x = 3, 4
    seconds = np.array([(30 * month + 15) * 86400.0 for month in months])  # 360_day: mid-month
    coords = {
        "time_counter": ("time_counter", np.zeros(len(months)), {"axis": "T"}),
        "time_centered": ("time_counter", seconds, {"standard_name": "time", "units": "seconds since 2015-01-01",
                                                    "calendar": "360_day"}),
        "nav_lat": (("y", "x"), np.linspace(-30, 30, n_y)[:, None] + np.zeros((n_y, n_x)),
                    {"standard_name": "latitude", "units": "degrees_north"}),
        "nav_lon": (("y", "x"), np.zeros((n_y, 1)) + np.linspace(0, 90, n_x)[None, :],
                    {"standard_name": "longitude", "units": "degrees_east"}),
    }
    if extra_time:
        coords["time_instant"] = ("time_counter", seconds + 15 * 86400, {"standard_name": "time",
                                                                         "units": "seconds since 2015-01-01",
                                                                         "calendar": "360_day"})
    tos = xr.DataArray(rng.normal(15, 3, (len(months), n_y, n_x)).astype("float32"), dims=("time_counter", "y", "x"),
                       attrs={"units": "degC", "standard_name": "sea_surface_temperature"})
    dataset = xr.Dataset({"tos": tos, "bounds_lon": (("y", "x", "nvertex"), np.ones((n_y, n_x, 4)))}, coords=coords)
    dataset["tos"].encoding["coordinates"] = f"{named} nav_lat nav_lon" if named else "nav_lat nav_lon"
    return dataset


def test_dates_on_an_auxiliary_coordinate_become_the_time_axis_of_one_file_and_of_many(tmp_path):
    """NEMO-style output: one file per month, the dimension time_counter holding 0 in each."""
    parts = [_model_output_on_time_counter([month]) for month in (0, 1, 2)]
    for month, part in enumerate(parts):
        part.to_netcdf(tmp_path / f"nemo_1m_{month}.nc")
    single = open_dataset([tmp_path / "nemo_1m_0.nc"])
    assert single["tos"].dims == ("time_centered", "y", "x") and "time_counter" not in single.variables
    combined = open_dataset(expand_paths([str(tmp_path / "nemo_1m_*.nc")]))
    assert combined["tos"].dims == ("time_centered", "y", "x")
    assert [(t.year, t.month, t.day) for t in combined["time_centered"].values] == [(2015, 1, 16), (2015, 2, 16),
                                                                                      (2015, 3, 16)]
    expected = np.concatenate([part["tos"].values for part in parts])
    assert np.array_equal(combined["tos"].values, expected)
    assert combined["bounds_lon"].dims == ("y", "x", "nvertex")  # static: once, not refused as a duplicate


def test_of_two_dated_coordinates_the_one_the_variables_name_is_the_time_axis(tmp_path):
    _model_output_on_time_counter([0, 1], extra_time=True).to_netcdf(tmp_path / "both.nc")
    opened = open_dataset([tmp_path / "both.nc"])
    assert opened["tos"].dims[0] == "time_centered"
    _model_output_on_time_counter([0, 1], extra_time=True, named=None).to_netcdf(tmp_path / "unnamed.nc")
    with pytest.raises(ClimannError, match="unnamed.nc: dimension 'time_counter' has several time coordinates "
                                           r"\(time_centered, time_instant\)") as error:
        open_dataset([tmp_path / "unnamed.nc"])
    assert str(error.value).endswith(f"ncks -C -x -v time_instant {tmp_path}/unnamed.nc {tmp_path}/unnamed_fixed.nc")


def test_a_store_of_two_unnamed_dated_coordinates_gets_a_line_that_keeps_one(tmp_path, monkeypatch):
    """fix32d: a Zarr store was given `ncks -C -x -v time_instant unnamed.zarr unnamed_fixed.nc`, which NCO
    cannot read; now an xarray line that, run as printed, writes a copy of the store without the second
    coordinate, which opens on the one left, its values kept."""
    import re
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    _model_output_on_time_counter([0, 1], extra_time=True, named=None).to_netcdf(tmp_path / "unnamed.nc")
    with xr.open_dataset(tmp_path / "unnamed.nc", decode_times=False) as opened:
        opened.load().to_zarr(tmp_path / "unnamed.zarr")
    with pytest.raises(ClimannError, match="has several time coordinates") as error:
        open_dataset([tmp_path / "unnamed.zarr"])
    assert "ncks" not in str(error.value)
    words = shlex.split(re.search(r'python -c "[^"]+"', str(error.value)).group(0))
    assert words[:2] == ["python", "-c"] and len(words) == 3, str(error.value)
    run_python("-c", words[2], check=True, cwd=tmp_path)
    kept = open_dataset([tmp_path / "unnamed_fixed.zarr"])
    assert kept["tos"].dims[0] == "time_centered" and "time_instant" not in kept.variables
    np.testing.assert_array_equal(kept["tos"].values, xr.open_dataset(tmp_path / "unnamed.nc")["tos"].values)


def _one_variable(dataset, name, path):
    dataset[[name]].to_netcdf(path)
    return path


#: The same cells in another order: rows north to south, or longitudes −180…180.
SAME_CELLS_REORDERED = [
    pytest.param(lambda d: d.isel(lat=slice(None, None, -1)), id="north-to-south"),
    pytest.param(lambda d: d.assign_coords(lon=((d.lon + 180.0) % 360.0) - 180.0).sortby("lon"), id="minus-180-to-180"),
]


@pytest.mark.parametrize("reorder", SAME_CELLS_REORDERED)
def test_the_same_cells_in_another_order_are_aligned_by_value(tmp_path, reorder):
    dataset = grid_dataset(n_years=1, n_lat=4, n_lon=6)  # lat −67.5 … 67.5, lon 30 … 330
    _one_variable(dataset, "tas", tmp_path / "b_tas.nc")
    other = _one_variable(reorder(dataset), "pred", tmp_path / "a_pred.nc")  # the first file, reference before
    opened = open_dataset([other, tmp_path / "b_tas.nc"], grid_of="tas")
    np.testing.assert_array_equal(opened.lat.values, dataset.lat.values)
    np.testing.assert_array_equal(opened.lon.values, dataset.lon.values)
    # each value at its cell: the predictor file read back by hand, looked up by value
    raw = xr.open_dataset(other)
    for i, lat in enumerate(dataset.lat.values):
        for j, lon in enumerate(dataset.lon.values):
            column = int(np.flatnonzero(np.isclose((raw.lon.values - lon) % 360.0, 0.0))[0])
            row = int(np.flatnonzero(raw.lat.values == lat)[0])
            np.testing.assert_array_equal(opened.pred.values[:, i, j], raw.pred.values[:, row, column])
    np.testing.assert_array_equal(opened.tas.values, dataset.tas.values)


def test_a_truly_different_grid_is_still_refused(tmp_path):
    dataset = grid_dataset(n_years=1, n_lat=4, n_lon=6)
    _one_variable(dataset, "tas", tmp_path / "b_tas.nc")
    shifted = _one_variable(dataset.assign_coords(lon=dataset.lon + 10.0), "pred", tmp_path / "a_pred.nc")
    # refused with the ready line onto the target's grid, as the check before opening gives it (break49b A3)
    with pytest.raises(ClimannError, match=r"different grids: lon differs by up to 10°.*interpolate a_pred.nc "
                                           r"bilinearly onto b_tas.nc's grid.*`" + GUARD + r"mkdir -p \S*regridded && "
                                           r"cdo remapbil,\S*b_tas.nc \S*a_pred.nc \S*regridded/a_pred.nc`"):
        open_dataset([shifted, tmp_path / "b_tas.nc"], grid_of="tas", variables=["tas", "pred"])


#: A rotated grid of 4.4° cells whose middle column (rlon = 0) runs along the meridian through
#: the grid pole: its 2-D longitude is constant down that column up to round-off (1e-15°).
ROTATED_AXIS = np.arange(-8.8, 9.0, 4.4)


def _rotated_file(path, name, *, rlat_shift=0.0, lon_offset=0.0, dtype="f8"):
    """``name`` on the rotated grid (CORDEX layout: 1-D rlat/rlon, 2-D lat/lon, rotated_pole),
    its 2-D coordinates stored as ``dtype``, its longitudes moved by ``lon_offset``, its cells'
    positions (the 2-D lat/lon alone) moved along rlat by ``rlat_shift``."""
    rlat = ROTATED_AXIS
    lat, lon = rotated_to_geographic(*np.meshgrid(rlat + rlat_shift, ROTATED_AXIS, indexing="ij"))
    values = np.random.default_rng(len(name)).normal(280.0, 5.0, (12, *lat.shape)).astype(np.float32)
    dataset = xr.Dataset(
        {name: (("time", "rlat", "rlon"), values, {"units": "K", "grid_mapping": "rotated_pole"}),
         "rotated_pole": ((), 0, {"grid_mapping_name": "rotated_latitude_longitude",
                                  "grid_north_pole_latitude": 39.25, "grid_north_pole_longitude": 198.0})},
        coords={"time": ("time", 15.0 + 30.0 * np.arange(12), {"units": "days since 2000-01-01",
                                                               "calendar": "360_day"}),
                "rlat": ("rlat", rlat, {"standard_name": "grid_latitude", "units": "degrees"}),
                "rlon": ("rlon", ROTATED_AXIS, {"standard_name": "grid_longitude", "units": "degrees"}),
                "lat": (("rlat", "rlon"), lat, {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": (("rlat", "rlon"), lon + lon_offset, {"standard_name": "longitude",
                                                            "units": "degrees_east"})})
    dataset.to_netcdf(path, encoding={"lat": {"dtype": dtype}, "lon": {"dtype": dtype}})
    return path


@pytest.mark.parametrize("change", [
    pytest.param({"dtype": "f4"}, id="float32-coordinates"),
    pytest.param({"lon_offset": 360.0}, id="longitudes-0-to-360"),
    pytest.param({"lon_offset": 360.0, "dtype": "f4"}, id="both"),
])
def test_the_same_rotated_cells_stored_otherwise_are_one_grid(tmp_path, change):
    """break24a F3: a CORDEX folder whose hurs file stores lat/lon in float32, or a predictor in
    the other longitude convention, was "another grid" (longitudes not compared modulo 360°, a
    tolerance of 1e-3 of a round-off step, 1e-18°): hurs left out of the predictors silently,
    refused when named. Both are the target's cells: the predictor is read on them."""
    target = _rotated_file(tmp_path / "a_tas.nc", "tas")
    other = _rotated_file(tmp_path / "b_hurs.nc", "hurs", **change)
    opened = open_dataset([target, other], grid_of="tas")
    assert set(opened.data_vars) >= {"tas", "hurs"}
    np.testing.assert_array_equal(opened["hurs"].values, xr.open_dataset(other)["hurs"].values)
    np.testing.assert_array_equal(opened["lon"].values, xr.open_dataset(target)["lon"].values)
    assert set(open_dataset([target, other], variables=["tas", "hurs"]).data_vars) >= {"tas", "hurs"}


@pytest.mark.parametrize("shift", [pytest.param(0.05, id="a-twentieth-of-a-cell"),
                                   pytest.param(0.5, id="half-a-cell")])
def test_a_rotated_grid_shifted_by_a_fraction_of_a_cell_is_another_grid(tmp_path, caplog, shift):
    """The tolerance of F3's fix takes the cells' size, not a pole's round-off: cells moved by a
    twentieth of a 4.4° cell (the same rlat/rlon written, another lat/lon), also in float32 and
    0…360, are still another grid: left out of the predictors chosen from the data, refused
    when named."""
    import logging
    import re

    target = _rotated_file(tmp_path / "a_tas.nc", "tas")
    other = _rotated_file(tmp_path / "b_hurs.nc", "hurs", rlat_shift=4.4 * shift, lon_offset=360.0, dtype="f4")
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([target, other], grid_of="tas")
    assert "hurs" not in opened.data_vars
    assert re.search(r"left out, on another grid than the target 'tas' \((lat|lon) differs by up to", caplog.text)
    with pytest.raises(ClimannError, match=r"different grids: (lat|lon) differs by up to"):
        open_dataset([target, other], variables=["tas", "hurs"])


def _cmip_ocean_files(folder, areas_change):
    """A CMIP-like ocean grid (index axes j/i stored as coordinates, 2-D latitude/longitude): tos, and
    areacello of its cells changed by ``areas_change``; the areas as written in tos's order."""
    latitude, longitude = curvilinear_coordinates()
    coords = {"j": ("j", np.arange(5), {"units": "1"}), "i": ("i", np.arange(6), {"units": "1"}),
              "latitude": (("j", "i"), latitude, {"standard_name": "latitude", "units": "degrees_north"}),
              "longitude": (("j", "i"), longitude, {"standard_name": "longitude", "units": "degrees_east"})}
    areas = np.random.default_rng(3).uniform(1e10, 2e10, latitude.shape)
    tos = np.random.default_rng(4).normal(15.0, 2.0, (12, *latitude.shape)).astype(np.float32)
    time = ("time", 15.0 + 30.0 * np.arange(12), {"units": "days since 2000-01-01", "calendar": "360_day"})
    xr.Dataset({"tos": (("time", "j", "i"), tos, {"units": "degC", "cell_measures": "area: areacello"})},
               coords={**coords, "time": time}).to_netcdf(folder / "tos_Omon.nc")
    written = xr.Dataset({"areacello": (("j", "i"), areas, {"standard_name": "cell_area", "units": "m2"})},
                         coords=coords)
    areas_change(written).to_netcdf(folder / "areacello_Ofx.nc")
    return areas


@pytest.mark.parametrize("change", [
    pytest.param(lambda d: d.isel(j=slice(None, None, -1)), id="rows-reversed"),
    pytest.param(lambda d: d.roll(i=2, roll_coords=True), id="columns-rolled"),
    pytest.param(lambda d: d.assign_coords(longitude=(d.longitude + 180.0) % 360.0 - 180.0), id="minus-180-to-180"),
])
def test_cell_areas_stored_in_another_order_are_matched_to_the_grid_by_coordinate(tmp_path, caplog, change):
    """break24a F4: an areacello whose rows are stored reversed, or whose columns are rolled, was "left out, on
    another grid" as a predictor, and the run weighed by computed areas without a word. Its j/i say which cell
    each value is: the areas are read in the target's order."""
    import logging

    areas = _cmip_ocean_files(tmp_path, change)
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset(expand_paths([tmp_path]), grid_of="tos")
    np.testing.assert_array_equal(opened["areacello"].values, areas)
    assert "another grid" not in caplog.text


def test_cell_areas_that_cannot_be_matched_to_the_grid_are_said_to_be_unused(tmp_path, caplog):
    """An areacello whose rows are reversed with no j/i to say so is on another grid: a warning says its areas are
    not used, not that a predictor is left out."""
    import logging

    _cmip_ocean_files(tmp_path, lambda d: d.drop_vars(["j", "i"]).isel(j=slice(None, None, -1)))
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset(expand_paths([tmp_path]), grid_of="tos")
    assert "areacello" not in opened.data_vars
    assert ("the cell areas of areacello_Ofx.nc are not used: they are on another grid than the target 'tos' "
            "(latitude differs by up to 120°") in caplog.text
    assert "left out" not in caplog.text and "remapbil" not in caplog.text


def _regridded_beside_native_areas(folder) -> None:
    """break43c A1: data ``cdo remapbil`` put on a regular grid (1-D ``lat``, ``lon``; 4 × 6 cells),
    still saying ``cell_measures = "area: areacello"``, beside the model's native-grid
    ``areacello(j, i)`` (2-D ``latitude``, ``longitude``; 5 × 6 cells): no coordinate name in common."""
    data = grid_dataset(n_years=3)[["tas", "pred"]]
    data["tas"].attrs["cell_measures"] = "area: areacello"
    data.to_netcdf(folder / "tas_Amon_gr.nc")
    latitude, longitude = curvilinear_coordinates()
    xr.Dataset({"areacello": (("j", "i"), np.full(latitude.shape, 1e10), {"standard_name": "cell_area", "units": "m2"})},
               coords={"j": ("j", np.arange(5), {"units": "1"}), "i": ("i", np.arange(6), {"units": "1"}),
                       "latitude": (("j", "i"), latitude, {"standard_name": "latitude", "units": "degrees_north"}),
                       "longitude": (("j", "i"), longitude, {"standard_name": "longitude", "units": "degrees_east"})},
               ).to_netcdf(folder / "areacello_Ofx_gn.nc")


def test_cell_areas_of_a_curvilinear_grid_beside_a_regular_one_are_refused_as_another_grid(tmp_path):
    """break43c A1: the two grids had no coordinate of one name, so nothing was compared and they were
    "one grid": the areas' j/i grid took over, and the data's lat and lon became extra dimensions."""
    _regridded_beside_native_areas(tmp_path)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "tas_Amon_gr.nc", tmp_path / "areacello_Ofx_gn.nc"])
    message = str(error.value)
    assert message.startswith(
        "areacello_Ofx_gn.nc holds cell areas of another grid than tas_Amon_gr.nc: the grid has 4 × 6 cells in "
        "tas_Amon_gr.nc (1-D lat, lon) and 5 × 6 in areacello_Ofx_gn.nc (2-D latitude, longitude on j, i)")
    assert "leave areacello_Ofx_gn.nc out" in message and "\n" not in message


@pytest.mark.parametrize("variables", [pytest.param(None, id="predictors-chosen"),
                                       pytest.param(("tas", "pred"), id="variables-named")])
def test_a_run_leaves_out_cell_areas_of_a_curvilinear_grid_beside_a_regular_one(tmp_path, caplog, variables):
    """A run's two openings (its predictors chosen, then its variables named) both leave the areas out with
    one warning; the second refused them after the first had said they were left out (break43c A1)."""
    import logging

    from climann.data.notes import forget_notes

    _regridded_beside_native_areas(tmp_path)
    forget_notes()  # said once per run: the other parameter's test said it
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset(expand_paths([tmp_path]), grid_of="tas", variables=variables)
    assert "areacello" not in opened.variables and opened["tas"].dims == ("time", "lat", "lon")
    assert "the cell areas of areacello_Ofx_gn.nc are not used: they are on another grid than the target 'tas' " \
           "(the grid has 4 × 6 cells" in caplog.text


def test_a_run_beside_cell_areas_of_another_grid_scores_with_the_areas_of_its_own_grid(tmp_path):
    """The whole run on the folder of break43c A1 trains (it was refused with "extra dimension lat …"), its
    cell areas computed from its own grid: the test block's persistence MSE weighted by the exact areas of
    the 45° cells, sin(φ + 22.5°) − sin(φ − 22.5°)."""
    import json

    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    _regridded_beside_native_areas(tmp_path)
    config = build_config({"data": {"paths": [str(tmp_path)], "target": "tas"}, "model": {"hidden": [4]},
                           "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run / "metrics.json").read_text())
    assert (metrics["cell_areas"], metrics["weighted_by"]) == ("computed", "cell area")
    with xr.open_dataset(run / "predictions.nc") as predictions:
        split = predictions["split"].values
    truth = grid_dataset(n_years=3)
    tas, lat = truth["tas"].values.astype(np.float64), truth["lat"].values
    test = np.flatnonzero(split == split.max())
    weights = np.broadcast_to((np.sin(np.radians(lat + 22.5)) - np.sin(np.radians(lat - 22.5)))[None, :, None],
                              tas[test].shape)
    persistence = np.sum(weights * (tas[test] - tas[test - 1]) ** 2) / weights.sum()
    assert metrics["splits"]["test"]["persistence"]["mse"] == pytest.approx(persistence, rel=1e-5)


def test_grids_without_a_coordinate_of_one_name_are_compared_by_their_cells_positions():
    from climann.data.open import grid_mismatch

    lat = xr.DataArray([-45.0, 45.0], dims="lat", attrs={"units": "degrees_north"})
    lon = xr.DataArray([0.0, 120.0, 240.0], dims="lon", attrs={"units": "degrees_east"})
    rows, columns = np.meshgrid(lat.values, lon.values, indexing="ij")

    def curvilinear(shift: float) -> dict[str, xr.DataArray]:
        return {"nav_lat": xr.DataArray(rows + shift, dims=("y", "x"), attrs={"standard_name": "latitude"}),
                "nav_lon": xr.DataArray(columns, dims=("y", "x"), attrs={"standard_name": "longitude"})}

    assert grid_mismatch({"lat": lat, "lon": lon}, curvilinear(0.0)) is None  # the same cells, stored 2-D
    assert grid_mismatch({"lat": lat, "lon": lon}, curvilinear(10.0), labels=("a.nc", "b.nc")).startswith(
        "latitude differs by up to 10° between a.nc and b.nc")


def test_a_file_with_a_netcdf4_string_coordinate_opens_again_and_again(tmp_path):
    """A CMIP6 member saved by xarray (scalar string ``member_id``) opened three times while the
    first stays open, as a run does: HDF5 crashed the interpreter (exit 139) at the third."""

    path = tmp_path / "member.nc"
    grid_dataset().assign_coords(member_id="r1i1p1f1").to_netcdf(path, engine="netcdf4")
    code = (
        "import sys; from pathlib import Path; from climann.data.open import open_dataset\n"
        "opened = [open_dataset([Path(sys.argv[1])]) for _ in range(3)]\n"
        "print(opened[-1]['member_id'].item(), float(opened[0]['tas'].astype('float64').sum()))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    member, total = result.stdout.split()
    assert member == "r1i1p1f1"
    np.testing.assert_allclose(float(total), grid_dataset()["tas"].values.astype(np.float64).sum(), rtol=1e-6)


LATITUDES, LONGITUDES = np.array([60.0, 30.0, 0.0, -30.0, -60.0]), np.array([0.0, 90.0, 180.0, 270.0])


def _grib_pair(directory):
    """t2m.grib2 and tisr.grib2, one variable each on one grid (as ERA5 downloads come), and
    their values: (24, 5, 4) each."""
    pytest.importorskip("cfgrib")
    from tests.grib_files import write_grib

    rng = np.random.default_rng(3)
    t2m = 250 + 40 * rng.random((24, len(LATITUDES), len(LONGITUDES)))
    tisr = 400 * rng.random((24, len(LATITUDES), len(LONGITUDES)))
    write_grib(directory / "t2m.grib2", "2t", t2m, latitudes=LATITUDES, longitudes=LONGITUDES)
    write_grib(directory / "tisr.grib2", "tisr", tisr, latitudes=LATITUDES, longitudes=LONGITUDES)
    return t2m, tisr


def test_several_grib_files_combine_keeping_the_attributes_they_agree_on(tmp_path):
    """cfgrib gives each file a history naming it: it differs, and is dropped; the centre is kept."""
    t2m, tisr = _grib_pair(tmp_path)
    combined = open_dataset(expand_paths([str(tmp_path / "*.grib2")]))
    np.testing.assert_allclose(combined["t2m"].values, t2m, rtol=1e-4)  # GRIB packs to ~16 bits
    np.testing.assert_allclose(combined["tisr"].values, tisr, rtol=1e-3, atol=0.01)
    assert combined.attrs["GRIB_centre"] == "ecmf"
    assert "history" not in combined.attrs


def test_a_library_message_in_an_error_is_cut_short(tmp_path, monkeypatch):
    """xarray puts both attribute dictionaries in a conflict's message (1000 characters)."""
    full = grid_dataset(n_years=2)
    for name, year in (("a.nc", slice(0, 12)), ("b.nc", slice(12, 24))):
        full.isel(time=year).to_netcdf(tmp_path / name)

    def fail(*args, **kwargs):
        raise ValueError("combine_attrs='no_conflicts', but some values are not the same: " + "{'GRIB': 1}" * 100)

    monkeypatch.setattr("xarray.combine_by_coords", fail)
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])
    message = str(raised.value)
    assert len(message) < 300 and message.endswith("…") and "combine_attrs='no_conflicts'" in message


@pytest.mark.parametrize(
    "grids",
    [
        pytest.param("one", id="combined"),
        pytest.param("two", id="refused-and-diagnosed"),  # the diagnosis opens each file again
    ],
)
def test_no_grib_index_file_is_written_beside_the_data(tmp_path, grids):
    """cfgrib writes <file>.<hash>.idx beside a GRIB file unless told not to: never in a user's folder."""
    _grib_pair(tmp_path)
    if grids == "two":
        from tests.grib_files import write_grib

        write_grib(tmp_path / "tisr.grib2", "tisr", np.ones((24, 3, 4)), latitudes=LATITUDES[::2],
                   longitudes=LONGITUDES)
    before = sorted(path.name for path in tmp_path.iterdir())
    try:
        open_dataset(expand_paths([str(tmp_path / "*.grib2")]))
    except ClimannError:
        assert grids == "two"
    assert sorted(path.name for path in tmp_path.iterdir()) == before


# --- WRF output: XLAT/XLONG repeated at every time step ------------------------------------------
def test_wrf_coordinates_repeated_in_time_open_as_the_2d_grid_of_one_file_and_of_many(tmp_path):
    from tests.grid_files import wrf_coordinates, write_wrf

    latitude, longitude = wrf_coordinates()
    control = open_dataset([write_wrf(tmp_path / "control.nc", repeated=False)])
    parts = [write_wrf(tmp_path / f"wrf_{year}.nc", months=range(12 * year, 12 * year + 12)) for year in range(3)]
    for opened in (open_dataset(parts[:1]), open_dataset(parts)):
        assert opened["XLAT"].dims == ("south_north", "west_east") and "XLAT" in opened.coords
        np.testing.assert_array_equal(opened["XLAT"].values, latitude.astype(np.float32))
        np.testing.assert_array_equal(opened["XLONG"].values, longitude.astype(np.float32))
    assert opened.sizes["XTIME"] == 36 and "Times" not in opened.coords
    np.testing.assert_array_equal(opened["T2"].values, control["T2"].values)


def test_a_wrf_grid_that_moves_in_the_second_file_is_refused_naming_that_file(tmp_path):
    from tests.grid_files import write_wrf

    parts = [write_wrf(tmp_path / "wrf_0.nc", months=range(12)),
             write_wrf(tmp_path / "wrf_1.nc", months=range(12, 24), moved_from=5)]
    with pytest.raises(ClimannError, match=r"^wrf_1.nc: 'XLAT' changes in time \(at time step 5 counting from 0, 1991-06-16 00:00:00, by "
                                           r"up to 0.5 degree_north\)"):
        open_dataset(parts)


# --- blocks of a split by dataset in another order or on another grid ---------------------------
@pytest.mark.parametrize("reorder", SAME_CELLS_REORDERED)
def test_a_block_with_the_same_cells_in_another_order_is_aligned_by_value(write_grid, reorder):
    first = open_dataset([write_grid("a.nc", n_years=1)])
    other = grid_dataset(n_years=1, seed=1)
    path = write_grid("b.nc", n_years=1, seed=1)
    reorder(xr.open_dataset(path).load()).to_netcdf(path.with_name("b_reordered.nc"))
    combined = concat_blocks([first, open_dataset([path.with_name("b_reordered.nc")]), first],
                             ("train", "val", "test"), sources=["a.nc", "b_reordered.nc", "a.nc"])
    np.testing.assert_array_equal(combined.lon.values, first.lon.values)
    np.testing.assert_array_equal(combined.lat.values, first.lat.values)
    np.testing.assert_array_equal(combined["pred"].values[12:24], other["pred"].values)  # each value at its cell


def test_blocks_on_different_grids_are_refused_naming_their_files(write_grid):
    first = open_dataset([write_grid("a.nc")])
    shifted = open_dataset([write_grid("b.nc", lon_start=10.0)])
    with pytest.raises(ClimannError, match=r"lon differs by up to 10° between a.nc \(train\) and b.nc \(val\)"):
        concat_blocks([first, shifted, first], ("train", "val", "test"), sources=["a.nc", "b.nc", "a.nc"])


# --- bounds follow a grid aligned by value --------------------------------------------------
#: Uneven cell edges (degrees), so that each cell's area is its own: 4 × 6 cells.
LAT_EDGES = np.array([-90.0, -50.0, -10.0, 20.0, 90.0])
LON_EDGES = np.array([0.0, 40.0, 90.0, 180.0, 200.0, 300.0, 360.0])


def _with_bounds(name, *, seed):
    """``name`` on the uneven grid, 0…360 and south-to-north, with CF bounds (contiguous:
    each cell's upper edge the next cell's lower, CF section 7.1)."""
    lat, lon = (LAT_EDGES[:-1] + LAT_EDGES[1:]) / 2, (LON_EDGES[:-1] + LON_EDGES[1:]) / 2
    values = np.random.default_rng(seed).uniform(0, 1, (12, lat.size, lon.size)).astype(np.float32)
    return xr.Dataset(
        {name: (("time", "lat", "lon"), values, {"units": "1"}),
         "lat_bnds": (("lat", "bnds"), np.stack([LAT_EDGES[:-1], LAT_EDGES[1:]], axis=1)),
         "lon_bnds": (("lon", "bnds"), np.stack([LON_EDGES[:-1], LON_EDGES[1:]], axis=1))},
        coords={"time": ("time", grid_dataset(n_years=1).time.values, {"standard_name": "time"}),
                "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north", "bounds": "lat_bnds"}),
                "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east", "bounds": "lon_bnds"})},
    )


def _minus_180_north_to_south(dataset):
    """The same cells written −180…180 and north-to-south, with their bounds so written too
    (contiguous in the file's order: a descending axis's cells from upper to lower edge)."""
    lon_bnds = (dataset.lon_bnds.values + 180.0) % 360.0 - 180.0
    lon_bnds[:, 1] = np.where(lon_bnds[:, 1] <= lon_bnds[:, 0], lon_bnds[:, 1] + 360.0, lon_bnds[:, 1])
    turned = dataset.assign_coords(lon=("lon", (dataset.lon.values + 180.0) % 360.0 - 180.0, dataset.lon.attrs))
    turned = turned.assign(lon_bnds=(("lon", "bnds"), lon_bnds)).sortby("lon").isel(lat=slice(None, None, -1))
    return turned.assign(lat_bnds=(("lat", "bnds"), turned.lat_bnds.values[:, ::-1]))


@pytest.mark.parametrize("target_turned", [pytest.param(False, id="target-0-to-360"),
                                           pytest.param(True, id="target-minus-180-north-to-south")])
@pytest.mark.parametrize("target_first", [pytest.param(True, id="target-first"),
                                          pytest.param(False, id="predictor-first")])
@pytest.mark.parametrize("region", [pytest.param((), id="global"),
                                    pytest.param((-60.0, 60.0, 300.0, 100.0), id="region-across-the-seam")])
def test_bounds_follow_the_cells_into_the_target_files_order_and_convention(
    tmp_path, target_turned, target_first, region
):
    target, predictor = _with_bounds("tas", seed=0), _with_bounds("pred", seed=1)
    target = _minus_180_north_to_south(target) if target_turned else target
    predictor = predictor if target_turned else _minus_180_north_to_south(predictor)
    target.to_netcdf(tmp_path / "tas.nc")
    predictor.to_netcdf(tmp_path / "pred.nc")
    files = [tmp_path / "tas.nc", tmp_path / "pred.nc"]
    opened = subset_dataset(open_dataset(files if target_first else files[::-1], grid_of="tas"), region=region)
    # the target file's bounds, as it wrote them, at the cells kept
    expected = subset_dataset(target, region=region)
    np.testing.assert_array_equal(opened.lon.values, expected.lon.values)
    np.testing.assert_array_equal(opened.lat_bnds.values, expected.lat_bnds.values)
    np.testing.assert_array_equal(opened.lon_bnds.values, expected.lon_bnds.values)
    # the area weights by hand: (sin φ₂ − sin φ₁)(λ₂ − λ₁) of each kept cell, mean 1
    rows = [int(np.flatnonzero(np.isclose((LAT_EDGES[:-1] + LAT_EDGES[1:]) / 2, lat))[0]) for lat in opened.lat.values]
    columns = [int(np.flatnonzero(np.isclose(((LON_EDGES[:-1] + LON_EDGES[1:]) / 2 - lon) % 360.0, 0.0))[0])
               for lon in opened.lon.values]
    by_hand = np.outer(np.diff(np.sin(np.deg2rad(LAT_EDGES)))[rows], np.diff(LON_EDGES)[columns])
    np.testing.assert_allclose(grid_layout(opened, "tas", ()).cell_area_weights(), by_hand / by_hand.mean())


def _lambert_with_bounds(name, *, descending):
    """A Lambert conformal grid (x, y in km) with uneven rows, CF bounds contiguous in the
    file's order; rows north-to-south when ``descending``."""
    y_edges, x_edges = np.array([-300.0, -200.0, -50.0, 100.0, 400.0]), np.arange(-300.0, 310.0, 100.0)
    y, x = (y_edges[:-1] + y_edges[1:]) / 2, (x_edges[:-1] + x_edges[1:]) / 2
    y_bnds = np.stack([y_edges[:-1], y_edges[1:]], axis=1)
    values = np.random.default_rng(len(name)).uniform(0, 1, (12, y.size, x.size)).astype(np.float32)
    dataset = xr.Dataset(
        {name: (("time", "y", "x"), values, {"units": "1", "grid_mapping": "crs"}),
         "crs": ((), 0, LAMBERT),
         "y_bnds": (("y", "bnds"), y_bnds),
         "x_bnds": (("x", "bnds"), np.stack([x_edges[:-1], x_edges[1:]], axis=1))},
        coords={"time": ("time", grid_dataset(n_years=1).time.values, {"standard_name": "time"}),
                "y": ("y", y, {"standard_name": "projection_y_coordinate", "units": "km", "bounds": "y_bnds"}),
                "x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "km", "bounds": "x_bnds"})},
    )
    if descending:
        dataset = dataset.isel(y=slice(None, None, -1))
        dataset = dataset.assign(y_bnds=(("y", "bnds"), dataset.y_bnds.values[:, ::-1]))
    return dataset


def test_projected_cells_have_their_own_areas_when_the_rows_of_one_file_are_reversed(tmp_path):
    _lambert_with_bounds("tas", descending=False).to_netcdf(tmp_path / "tas.nc")
    _lambert_with_bounds("pred", descending=True).to_netcdf(tmp_path / "pred.nc")
    alone = grid_layout(open_dataset([tmp_path / "tas.nc"]), "tas", ()).cell_area_weights()
    opened = open_dataset([tmp_path / "pred.nc", tmp_path / "tas.nc"], grid_of="tas")
    np.testing.assert_array_equal(opened.y_bnds.values, xr.open_dataset(tmp_path / "tas.nc").y_bnds.values)
    np.testing.assert_allclose(grid_layout(opened, "tas", ()).cell_area_weights(), alone, rtol=1e-12)


def test_bounds_of_a_regional_grid_across_greenwich_follow_into_the_target_files_convention(tmp_path):
    """A European box cut from a 0…360 model (350, 355, 0, 5, as cdo sellonlatbox leaves it)
    beside the same box in −180…180: the predictor file's bounds, kept, in the target's."""
    def box(name, lon):
        edges = np.stack([lon - 2.5, lon + 2.5], axis=1)
        lat = np.array([40.0, 50.0])
        return xr.Dataset(
            {name: (("time", "lat", "lon"), np.ones((12, 2, 4), np.float32), {"units": "1"}),
             "lat_bnds": (("lat", "bnds"), np.stack([lat - 5.0, lat + 5.0], axis=1)),
             "lon_bnds": (("lon", "bnds"), edges)},
            coords={"time": ("time", grid_dataset(n_years=1).time.values, {"standard_name": "time"}),
                    "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north", "bounds": "lat_bnds"}),
                    "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east", "bounds": "lon_bnds"})},
        )
    box("tas", np.array([350.0, 355.0, 0.0, 5.0])).to_netcdf(tmp_path / "tas.nc")
    box("pred", np.array([-10.0, -5.0, 0.0, 5.0])).to_netcdf(tmp_path / "pred.nc")
    opened = open_dataset([tmp_path / "pred.nc", tmp_path / "tas.nc"], grid_of="tas")
    np.testing.assert_array_equal(opened.lon.values, [350.0, 355.0, 0.0, 5.0])
    np.testing.assert_array_equal(opened.lon_bnds.values, [[347.5, 352.5], [352.5, 357.5], [-2.5, 2.5], [2.5, 7.5]])


# --- missing_value and _FillValue that differ ------------------------------------------------------
def test_missing_value_and_fill_value_that_differ_both_mark_missing_values_silently(tmp_path, recwarn):
    """CF-1.8 §2.5.1: both attributes mark missing data; xarray's warning would only alarm,
    also where the inputs are opened raw (to find the target's grid)."""
    import netCDF4

    path = tmp_path / "mv_fv.nc"
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", 3)
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 2)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time[:] = "days since 2000-01-01", "noleap", [15.0, 45.0, 74.0]
        for name, values, units in (("lat", [-10.0, 10.0], "degrees_north"), ("lon", [0.0, 90.0], "degrees_east")):
            variable = nc.createVariable(name, "f8", (name,))
            variable.units, variable[:] = units, values
        tas = nc.createVariable("tas", "f4", ("time", "lat", "lon"), fill_value=np.float32(1e20))
        tas.set_auto_maskandscale(False)
        tas.units, tas.missing_value = "K", np.float32(-999.0)
        stored = np.full((3, 2, 2), 280.0, np.float32)
        stored[0, 0, 0], stored[1, 1, 1] = -999.0, 1e20
        tas[:] = stored
    opened = open_dataset([path], grid_of="tas")
    expected = np.where((stored == -999.0) | (stored == 1e20), np.nan, stored)
    np.testing.assert_array_equal(opened["tas"].values, expected)
    assert [str(w.message) for w in recwarn if "fill values" in str(w.message)] == []


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_a_zarr_store_without_consolidated_metadata_opens_quietly_on_every_route(tmp_path, zarr_format):
    """Reading a store without consolidated metadata is right (most local stores have none):
    xarray's RuntimeWarning about it must not reach the user from any opening, the grid's
    order included (it was printed raw over 10 lines, even with -q)."""
    pytest.importorskip("zarr")
    import warnings

    from climann.workflow.config import build_config
    from climann.workflow.preparation import resolve_default_inputs, resolve_inputs, sample_source

    store = tmp_path / "data.zarr"
    grid_dataset(n_years=3).to_zarr(store, consolidated=False, zarr_format=zarr_format)
    config = resolve_default_inputs(resolve_inputs(build_config({"data": {"paths": [str(store)], "target": "tas"}})))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sample_source(config)
    assert not [str(warning.message) for warning in caught if "consolidated" in str(warning.message)]


def test_files_of_one_variable_each_with_time_bounds_combine_with_their_bounds(tmp_path):
    """Each later file is brought to the first's units with its time bounds at hand: they are read
    from a copy, and the file's own stay lazy, so the files' bounds concatenate (reading them in
    place made dask refuse to concatenate cftime objects)."""
    from tests.data.test_time_cells import decoded, month_days, monthly_block

    files = [monthly_block(tmp_path / f"tas_{year}.nc", first_year=year) for year in (2000, 2002)]
    combined = open_dataset(files)
    lower = np.concatenate([month_days(2000)[0], month_days(2002)[0]])
    assert list(combined["time_bnds"].values[:, 0]) == list(decoded(lower))


@pytest.mark.parametrize("stamp", [pytest.param("middle", id="stamped-mid-month"),
                                   pytest.param("start", id="stamped-on-the-1st")])
def test_files_of_one_variable_with_and_without_time_bounds_combine_as_split_blocks(tmp_path, stamp):
    """One period's file with time_bnds, the next one's without: dated each as on its own, by
    the middles of their months, and combined without bounds (as split blocks are)."""
    from tests.data.test_time_cells import decoded, month_days, monthly_block

    first = monthly_block(tmp_path / "tas_2000.nc", first_year=2000)
    later = monthly_block(tmp_path / "tas_2002.nc", first_year=2002, stamp=stamp, bounds=False)
    combined = open_dataset([first, later])
    assert "time_bnds" not in combined.variables and "bounds" not in combined["time"].attrs
    starts, ends = np.concatenate([month_days(2000)[0], month_days(2002)[0]]), np.concatenate(
        [month_days(2000)[1], month_days(2002)[1]])
    assert list(combined["time"].values) == list(decoded((starts + ends) / 2))
    np.testing.assert_array_equal(combined["tas"].values[:, 0, 0], 100.0 * np.repeat(np.arange(2000, 2004), 12)
                                  + np.tile(np.arange(1, 13), 4))


def test_a_file_stored_one_time_step_per_chunk_opens_in_chunks_of_many_steps(tmp_path):
    """netCDF-4 files with an unlimited time dimension (most CMIP and model output) store each
    time step in its own chunk; dask arrays of those chunks held one task per step, and
    `climann info` of 4 years of hourly values spent minutes ordering dask's graph. The file's
    2000 steps of 2 × 3 float32 values (48 kB) are one chunk of dask's 128 MiB default."""
    times = np.arange(2000.0)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), np.random.default_rng(0).normal(280.0, 5.0, (2000, 2, 3)).astype("float32"))},
        coords={"time": ("time", times, {"units": "days since 2000-01-01", "calendar": "noleap"}),
                "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})},
    )
    path = tmp_path / "unlimited.nc"
    dataset.to_netcdf(path, unlimited_dims=["time"], encoding={"tas": {"chunksizes": (1, 2, 3)}})
    with xr.open_dataset(path) as stored:
        assert stored.tas.encoding["chunksizes"] == (1, 2, 3)  # one step per storage chunk
    opened = open_dataset([path])
    assert opened.tas.chunks == ((2000,), (2,), (3,))
    np.testing.assert_array_equal(opened.tas.values, dataset.tas.values)


def test_a_label_of_each_step_that_only_some_files_have_is_left_out(tmp_path, caplog):
    """ERA5 from the old CDS (time) beside the new CDS (valid_time with its expver(valid_time)
    label and a scalar number): one series of every step, the label left out with a note; it
    was refused in xarray's words ("coordinate 'expver' not present in all datasets")."""
    import pandas as pd

    from climann.data.notes import forget_notes

    times = pd.date_range("2014-01-01", periods=30, freq="MS")
    values = np.random.default_rng(4).normal(280, 1, (30, 3, 4)).astype("f4")
    grid = {"latitude": ("latitude", [60.0, 0.0, -60.0], {"units": "degrees_north"}),
            "longitude": ("longitude", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})}

    def part(name, steps):
        return xr.Dataset({"t2m": ((name, "latitude", "longitude"), values[steps], {"units": "K"})},
                          coords={name: (name, times[steps], {"standard_name": "time"}), **grid})

    part("time", slice(0, 18)).to_netcdf(old := tmp_path / "t2m_old.nc")
    new = part("valid_time", slice(18, 30)).assign_coords(number=0, expver=("valid_time", ["0001"] * 11 + ["0005"]))
    new.to_netcdf(new_path := tmp_path / "t2m_new.nc", encoding={"valid_time": {"units": "seconds since 1970-01-01"}})
    forget_notes()
    with caplog.at_level("INFO"):
        dataset = open_dataset([old, new_path])
    assert "expver" not in dataset.coords and dataset.sizes["time"] == 30
    np.testing.assert_array_equal(dataset["t2m"].transpose("time", "latitude", "longitude").values, values)
    assert "expver, a label of each time step in t2m_new.nc that the other files do not have, is left out" in caplog.text


def _file_with_an_at_lag_variable(path, name="x@lag1"):
    """The report's case: y = 3·x(t − 1) + noise 0.1, a complete target, and an unrelated
    variable literally named ``x@lag1`` (netCDF allows '@')."""
    rng = np.random.default_rng(2)
    x, other = rng.normal(0, 1, (2, 48, 2, 3))
    y = np.zeros_like(x)
    y[1:] = 3 * x[:-1]
    y += rng.normal(0, 0.1, y.shape)
    attrs = {"units": "1"}
    xr.Dataset({"y": (("time", "lat", "lon"), y, attrs), "x": (("time", "lat", "lon"), x, attrs),
                name: (("time", "lat", "lon"), other, attrs)},
               coords={"lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east"}),
                       "time": xr.date_range("2000-01-01", periods=48, freq="MS", use_cftime=True)}).to_netcdf(path)
    return path


def test_a_variable_named_as_an_own_series_lag_is_refused_not_taken_for_the_lag(tmp_path):
    path = _file_with_an_at_lag_variable(tmp_path / "atname.nc")
    with pytest.raises(ClimannError, match=r"atname.nc: variable 'x@lag1' is named as climann names the lag 1 of "
                                           r"'x' .*ncrename -v x@lag1,x_at_lag1 .*--rename atname.nc:x@lag1=x_at_lag1"):
        open_dataset([path], lags={"x": (1,)})
    renamed = open_dataset([path], rename={"atname.nc": {"x@lag1": "x_at_lag1"}}, lags={"x": (1,)})
    assert "x@lag1" not in renamed.data_vars
    np.testing.assert_array_equal(renamed["x_at_lag1"].values, xr.open_dataset(path)["x@lag1"].values)


def test_a_stores_variable_named_as_an_own_series_lag_is_refused_with_a_rename_that_runs_on_it(tmp_path,
                                                                                              monkeypatch):
    """fix32d: a Zarr store was given `ncrename -v x@lag1,x_at_lag1 atname.zarr atname_fixed.nc`, which NCO
    cannot read; now an xarray line that, run as printed, writes a renamed copy beside the store, opened
    with the lag of x made and the store's x@lag1 values as x_at_lag1."""
    import re
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    path = _file_with_an_at_lag_variable(tmp_path / "atname.nc")
    with xr.open_dataset(path) as opened:
        opened.load().to_zarr(tmp_path / "atname.zarr")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "atname.zarr"], lags={"x": (1,)})
    message = str(refused.value)
    assert "ncrename" not in message
    words = shlex.split(re.search(r'python -c "[^"]+"', message).group(0))
    assert words[:2] == ["python", "-c"] and len(words) == 3, message
    run_python("-c", words[2], check=True, cwd=tmp_path)
    renamed = open_dataset([tmp_path / "atname_fixed.zarr"], lags={"x": (1,)})
    assert "x@lag1" not in renamed.data_vars
    np.testing.assert_array_equal(renamed["x_at_lag1"].values, xr.open_dataset(path)["x@lag1"].values)


def test_renamed_the_lag_of_x_is_xs_value_a_step_earlier(tmp_path, monkeypatch):
    """With the file's x@lag1 renamed, the lag 1 of x is x a month earlier: the first month is
    dropped (6 cells) and the linear baseline leaves the noise 0.1, where the file's unrelated
    variable taken for the lag left ≈ 3."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    path = _file_with_an_at_lag_variable(tmp_path / "atname.nc")
    config = build_config({"data": {"paths": [str(path)], "target": "y", "predictors": ["x"], "features": [],
                                    "lags": {"x": [1]}, "rename": {"atname.nc": {"x@lag1": "x_at_lag1"}},
                                    "split_years": {"train": [2000, 2001], "val": [2002, 2002],
                                                    "test": [2003, 2003]}},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}})
    metrics = run_training(config, run_dir=tmp_path / "run").metrics
    assert metrics["splits"]["train"]["model"]["n_samples"] == 23 * 6
    assert metrics["splits"]["test"]["linear"]["rmse"] == pytest.approx(0.1, rel=0.25)


def _daily_files(folder, n_days, *, moved_latitude=None):
    """n_days one-day files of tas and psl on a 4 × 6 grid, each its own 'days since' its day
    (as xarray writes them), and the same values in one file; ``moved_latitude``: (file index,
    shift) moving that file's second latitude."""
    import pandas as pd

    rng = np.random.default_rng(1)
    lat, lon = np.array([-30.0, -10.0, 10.0, 30.0]), np.arange(0.0, 360.0, 60.0)
    days = []
    for index, day in enumerate(pd.date_range("2001-01-01", periods=n_days, freq="D")):
        own = lat.copy()
        if moved_latitude is not None and moved_latitude[0] == index:
            own[1] += moved_latitude[1]
        dataset = xr.Dataset(
            {"tas": (("time", "lat", "lon"), rng.normal(280.0, 5.0, (1, 4, 6)).astype("f4"), {"units": "K"}),
             "psl": (("time", "lat", "lon"), rng.normal(1e5, 100.0, (1, 4, 6)).astype("f4"), {"units": "Pa"})},
            coords={"time": [day], "lat": ("lat", own, {"units": "degrees_north"}),
                    "lon": ("lon", lon, {"units": "degrees_east"})})
        dataset.to_netcdf(folder / f"day_{index:03d}.nc")
        days.append(dataset)
    if moved_latitude is None:
        joined = xr.concat(days, dim="time")
        joined["time"].encoding.update(units="days since 2001-01-01")
        joined.to_netcdf(folder / "joined.nc")
    return sorted(folder.glob("day_*.nc")), folder / "joined.nc"


def test_many_daily_files_read_bit_for_bit_as_the_same_values_in_one_file(tmp_path):
    """Issue 15: each file opened once per run and looked for once per distinct metadata; the
    values, coordinates and times are those of the one file, exactly, also when opened again."""
    daily, joined = _daily_files(tmp_path, 6)
    one = open_dataset([joined])
    for _ in range(2):  # the second opening from what the run kept
        many = open_dataset(daily)
        for name in ("tas", "psl", "lat", "lon"):
            assert many[name].dtype == one[name].dtype
            np.testing.assert_array_equal(many[name].values, one[name].values)
        assert list(many["time"].values) == list(one["time"].values)


def test_a_file_one_latitude_of_which_differs_by_a_millionth_keeps_its_own(tmp_path):
    """Nothing kept for the run stands for another file's grid: a latitude 1e-6 away is read
    as it is (within GRID_TOLERANCE the files are one grid, the first file's values used, as
    before), and a file opened alone is its own grid, also after the other was opened."""
    daily, _ = _daily_files(tmp_path, 3, moved_latitude=(2, 1e-6))
    together = open_dataset(daily)
    np.testing.assert_array_equal(together["lat"].values, [-30.0, -10.0, 10.0, 30.0])
    for path, second in zip(daily, (-10.0, -10.0, -10.0 + 1e-6)):
        assert open_dataset([path])["lat"].values[1] == second


def test_a_file_rewritten_in_the_run_is_opened_again(tmp_path):
    """A file kept for the run and then rewritten (same name and size, one latitude moved by
    1e-6, another modification time) is read anew, not from what was kept."""
    import os
    import shutil

    daily, _ = _daily_files(tmp_path, 1)
    assert open_dataset(daily)["lat"].values[1] == -10.0
    moved = xr.load_dataset(daily[0])
    size, modified = daily[0].stat().st_size, daily[0].stat().st_mtime_ns
    moved["lat"] = moved["lat"].copy(data=moved["lat"].values + np.array([0.0, 1e-6, 0.0, 0.0]))
    moved.to_netcdf(tmp_path / "moved.nc")
    shutil.copyfile(tmp_path / "moved.nc", daily[0])  # written into the same file (its inode kept)
    os.utime(daily[0], ns=(modified + 10**9, modified + 10**9))  # a later write, whatever the clock's tick
    assert daily[0].stat().st_size == size
    assert open_dataset(daily)["lat"].values[1] == -10.0 + 1e-6


def _curvilinear_days(folder, n_days, *, shift=0.0):
    """n_days one-step files of ``tos`` on a 5 × 6 curvilinear grid (2-D ``nav_lat``/``nav_lon``, its
    latitudes moved by ``shift``), each step the end of its day's ``time_bnds`` cell."""
    import netCDF4

    from tests.grid_files import curvilinear_coordinates

    latitude, longitude = curvilinear_coordinates()
    paths = []
    for day in range(n_days):
        path = folder / f"tos_{day:02d}.nc"
        with netCDF4.Dataset(path, "w") as nc:
            nc.createDimension("time", None), nc.createDimension("nv", 2)
            nc.createDimension("y", 5), nc.createDimension("x", 6)
            time = nc.createVariable("time", "f8", ("time",))
            time.setncatts({"standard_name": "time", "units": "days since 2001-01-01", "calendar": "standard",
                            "bounds": "time_bnds"})
            time[:] = [day + 1.0]
            nc.createVariable("time_bnds", "f8", ("time", "nv"))[:] = [[day, day + 1.0]]
            for name, values, standard_name, units in (("nav_lat", latitude + shift, "latitude", "degrees_north"),
                                                       ("nav_lon", longitude, "longitude", "degrees_east")):
                variable = nc.createVariable(name, "f8", ("y", "x"))
                variable.standard_name, variable.units = standard_name, units
                variable[:] = values
            tos = nc.createVariable("tos", "f4", ("time", "y", "x"))
            tos.standard_name, tos.units, tos.coordinates = "sea_surface_temperature", "K", "nav_lat nav_lon"
            tos[:] = 280.0 + day + np.arange(30.0).reshape(1, 5, 6)
        paths.append(path)
    return paths


def test_each_files_grid_and_bounds_are_read_once_per_run_and_anew_when_rewritten(tmp_path):
    """fix47b: what a run keeps of each file (climann.data.open._open_one) holds its 2-D latitude
    and longitude and its time bounds read, so that the run's second combination of the files
    (``climann info``'s config check) reads none of them again; the values are the files' own
    (read with netCDF4), and a file rewritten in the run, or a new run, reads them anew."""
    import cftime
    import netCDF4

    import climann.data.open as opening
    from climann.data.notes import forget_notes

    forget_notes()
    paths = _curvilinear_days(tmp_path, 3)
    first = open_dataset(paths)
    kept = list(opening._OPENED.values())
    assert len(kept) == 3
    for dataset in kept:
        assert all(dataset[name].chunks is None for name in ("nav_lat", "nav_lon", "time_bnds"))
    again = open_dataset(paths, grid_of="tos", select={})  # as the check opens them
    with netCDF4.Dataset(paths[0]) as nc:
        stored = nc["nav_lat"][:].data
    for combined in (first, again):
        np.testing.assert_array_equal(combined["nav_lat"].values, stored)
        assert combined["time_bnds"].values.tolist() == cftime.num2date(
            [[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]], "days since 2001-01-01", "standard", only_use_cftime_datetimes=True
        ).tolist()
    (tmp_path / "moved").mkdir()
    moved = _curvilinear_days(tmp_path / "moved", 3, shift=1e-3)
    for path, new in zip(paths, moved):
        modified = path.stat().st_mtime_ns
        shutil.copyfile(new, path)
        os.utime(path, ns=(modified + 10**9, modified + 10**9))
    np.testing.assert_array_equal(open_dataset(paths)["nav_lat"].values, stored + 1e-3)
    forget_notes()
    assert not opening._OPENED
    np.testing.assert_array_equal(open_dataset(paths)["nav_lat"].values, stored + 1e-3)


def test_each_file_is_opened_once_per_run_and_again_in_the_next(tmp_path, monkeypatch):
    """Issue 15: a run opening its inputs twice decodes and checks each file once; a new run
    (forget_notes, at its start) opens them again, saying their notes into its own log."""
    import climann.data.open as opening
    from climann.data.notes import forget_notes

    daily, _ = _daily_files(tmp_path, 3)
    opened = []
    real = opening._opened_one
    monkeypatch.setattr(opening, "_opened_one", lambda path, *args: opened.append(path) or real(path, *args))
    open_dataset(daily)
    open_dataset(daily, grid_of="tas", select={})  # as a run asks: no selection is an empty one
    assert opened == daily
    forget_notes()
    open_dataset(daily)
    assert opened == daily + daily


def _monthly_year(path, year, *, size_one=None, scalar=None, offset=250.0):
    """One year of monthly ``tas`` on a 2x3 grid; ``size_one``: (dim, value, attrs) of a size-1
    dimension before lat; ``scalar``: (name, value, attrs) of a CF scalar coordinate."""
    import cftime

    times = [cftime.DatetimeNoLeap(year, month, 15) for month in range(1, 13)]
    values = offset + np.arange(72, dtype=np.float32).reshape(12, 2, 3)
    dims = ("time", "lat", "lon")
    coords = {"time": times, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
              "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}
    if size_one is not None:
        dim, value, attrs = size_one
        values, dims = values[:, None], ("time", dim, "lat", "lon")
        coords[dim] = (dim, [value], attrs)
    dataset = xr.Dataset({"tas": (dims, values, {"units": "K"})}, coords=coords)
    if scalar is not None:
        name, value, attrs = scalar
        dataset = dataset.assign_coords({name: xr.Variable((), value, attrs)})
    dataset["time"].encoding.update(units="days since 2000-01-01", calendar="noleap")
    dataset.to_netcdf(path)
    return path


@pytest.mark.parametrize("first_has_it", [True, False])
@pytest.mark.parametrize("size_one", [("realization", 1, {"standard_name": "realization"}),
                                      ("height", 2.0, {"units": "m", "axis": "Z", "standard_name": "height"})])
def test_a_size_one_dimension_in_some_files_of_a_series_is_one_series_in_either_order(tmp_path, size_one, first_has_it):
    """break19b F7: tas(time, realization=1, lat, lon) in a.nc beside tas(time, lat, lon) in b.nc was
    refused in xarray's words ("Every dimension requires a corresponding 1D coordinate and index"),
    and read when the other file came first."""
    first = _monthly_year(tmp_path / "a.nc", 2001, size_one=size_one if first_has_it else None)
    second = _monthly_year(tmp_path / "b.nc", 2002, size_one=None if first_has_it else size_one, offset=260.0)
    tas = open_dataset([first, second])["tas"].squeeze(drop=True)
    assert tas.dims == ("time", "lat", "lon")
    expected = np.concatenate([250 + np.arange(72, dtype=np.float32), 260 + np.arange(72, dtype=np.float32)])
    np.testing.assert_array_equal(tas.values.ravel(), expected)


def test_a_size_one_level_beside_another_scalar_level_is_refused_as_another_level(tmp_path):
    first = _monthly_year(tmp_path / "a.nc", 2001, size_one=("height", 2.0, {"units": "m", "axis": "Z"}))
    second = _monthly_year(tmp_path / "b.nc", 2002, scalar=("height", 10.0, {"units": "m", "axis": "Z"}))
    with pytest.raises(ClimannError, match=r"^'tas' is at height = 2 m in a.nc but at height = 10 m in b.nc"):
        open_dataset([first, second])


@pytest.mark.parametrize(("files", "said"), [
    pytest.param(("MERRA2_300.tavgM_2d_slv_Nx.200801.nc4", "MERRA2_300.tavgM_2d_slv_Nx.200802.nc4", "README"),
                 "the directory holds no NetCDF file named *.nc; it holds 2 *.nc4, 1 without an ending; a directory "
                 "gives its *.nc files only: give the *.nc4 files by a glob ('{folder}/*.nc4')", id="merra2-nc4"),
    pytest.param(("era5.grib",), "the directory holds no NetCDF file named *.nc; it holds 1 *.grib; a directory "
                 "gives its *.nc files only: give the *.grib files by a glob ('{folder}/*.grib')", id="grib"),
    pytest.param(("notes.txt",), "the directory holds no NetCDF file (*.nc); it holds 1 *.txt; give its files by "
                 "name or a glob ('{folder}/*.EXT', EXT their ending)", id="no-data"),
    pytest.param(("2008/a.nc",), "the directory holds no file but directories (2008); give the files in them by "
                 "a glob ('{folder}/*/*.nc')", id="subfolders"),
    pytest.param((), "the directory is empty", id="empty"),
])
def test_a_directory_without_nc_files_says_what_it_holds_and_the_glob_that_gives_them(tmp_path, files, said):
    """MERRA-2's *.nc4 folder was "a directory that holds no NetCDF file", with a '*.grib' glob (break23a F3)."""
    folder = tmp_path / "merra2"
    folder.mkdir()
    for name in files:
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(b"")
    with pytest.raises(ClimannError) as refused:
        expand_paths([str(folder)])
    assert str(refused.value) == f"no file matches '{folder}': " + said.format(folder=folder)


def _year_with_latitude_edges(path, year, edges, *, descending=False):
    """tas of one year on latitudes −30, 0, 30 (north-to-south when ``descending``), 4 longitudes,
    with the latitude cell ``edges`` (n, 2) given as CF bounds."""
    latitude, edges = np.array([-30.0, 0.0, 30.0]), np.asarray(edges, float)
    values = np.arange(12 * 3 * 4, dtype="float32").reshape(12, 3, 4) + 280
    if descending:
        latitude, edges, values = latitude[::-1], edges[::-1, ::-1], values[:, ::-1]
    xr.Dataset(
        {"tas": (("time", "lat", "lon"), values, {"units": "K"}), "lat_bnds": (("lat", "bnds"), edges)},
        coords={"time": ("time", np.array([f"{year}-{month:02d}-16" for month in range(1, 13)], "datetime64[ns]")),
                "lat": ("lat", latitude, {"units": "degrees_north", "standard_name": "latitude", "bounds": "lat_bnds"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)
    return path


#: Latitude edges of the rows −30, 0, 30: to the poles, and midway to ±45°.
_TO_THE_POLES = [[-90, -15], [-15, 15], [15, 90]]
_TO_45 = [[-45, -15], [-15, 15], [15, 45]]


def test_files_on_one_grid_with_other_latitude_edges_are_refused(tmp_path):
    """fix31c: joined, the first file's edges gave both files' cell areas (the second's were never
    read). The largest difference: the outer rows' edges, 90° against 45°."""
    files = [_year_with_latitude_edges(tmp_path / "tas_2001.nc", 2001, _TO_THE_POLES),
             _year_with_latitude_edges(tmp_path / "tas_2002.nc", 2002, _TO_45)]
    largest = np.max(np.abs(np.subtract(_TO_THE_POLES, _TO_45)))
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    assert message.startswith(f"lat's cell bounds are not the same in the files: lat_bnds differs by up to "
                              f"{largest:g}° between tas_2001.nc and tas_2002.nc")
    copy = tmp_path / "tas_2002_bounds.nc"
    line = (f"{{ [ ! -e {copy} ] || {{ echo '{copy} is there already: left as it is, nothing written; move it away or "
            f"write another name' >&2; false; }}; }} && cp {files[1]} {copy} && ncks -A -v lat_bnds {files[0]} {copy}")
    assert f"({line})" in message and "\n" not in message
    if shutil.which("ncks") is None:
        pytest.skip("needs NCO's ncks")
    subprocess.run(["bash", "-c", line], check=True, capture_output=True)
    with xr.open_dataset(copy) as written:
        np.testing.assert_array_equal(written["lat_bnds"].values, _TO_THE_POLES)
    # fix51j: followed again, cp wrote over the file there (and ncks -A appended to it); now kept, the line says so
    assert_left_as_it_is(copy, lambda: subprocess.run(["bash", "-c", line], capture_output=True, text=True), files[0])


def test_the_same_latitude_edges_stored_north_to_south_are_one_grid(tmp_path):
    """The same cells in the other order (and each cell's edges the other way round) are not refused."""
    files = [_year_with_latitude_edges(tmp_path / "tas_2001.nc", 2001, _TO_THE_POLES),
             _year_with_latitude_edges(tmp_path / "tas_2002.nc", 2002, _TO_THE_POLES, descending=True)]
    opened = open_dataset(files)
    np.testing.assert_array_equal(np.sort(opened["lat_bnds"].values, axis=-1), _TO_THE_POLES)
    assert opened.sizes["time"] == 24


def _soil_moisture_pair(tmp_path, second_attrs, factor):
    """Volumetric ``sm`` in m3 m-3 written as sm_2000.nc, the next year times ``factor`` with
    ``second_attrs`` as sm_2001.nc (the first file given the second's standard_name, if any);
    returns the two years in m3 m-3."""
    full = grid_dataset(n_years=2)[["tas"]].rename(tas="sm")
    full["sm"] = full["sm"] / 1000.0
    full["sm"].attrs = {"units": "m3 m-3", "long_name": "Volumetric Soil Moisture"}
    first, second = full.isel(time=slice(0, 12)), full.isel(time=slice(12, 24))
    if "standard_name" in second_attrs:
        first["sm"].attrs["standard_name"] = second_attrs["standard_name"]
    first.to_netcdf(tmp_path / "sm_2000.nc")
    other = second["sm"] * factor
    other.attrs = second_attrs
    second.assign(sm=other).to_netcdf(tmp_path / "sm_2001.nc")
    return full


@pytest.mark.parametrize(("second_attrs", "refused"), [
    pytest.param({"units": "percent", "long_name": "Percent of Saturation Soil Moisture"}, True,
                 id="cci-active-percent-of-saturation"),
    pytest.param({"units": "percent", "standard_name": "volume_fraction_of_condensed_water_in_soil"}, False,
                 id="one-standard-name"),
])
def test_a_series_file_in_a_pure_number_beside_a_ratio_of_named_units_is_refused(tmp_path, second_attrs, refused):
    """ESA CCI COMBINED ``sm`` in m3 m-3 (2000) beside ACTIVE's percent of saturation (2001):
    not spliced as one quantity by ×100 unless both files name one standard_name (break31b B1)."""
    full = _soil_moisture_pair(tmp_path, second_attrs, 100.0)
    if refused:
        with pytest.raises(ClimannError, match=r"^'sm' is in 'percent' \(a pure number; long_name 'Percent of "
                                               r"Saturation Soil Moisture'\) in sm_2001\.nc but in 'm3 m-3' \(a ratio "
                                               r"of named units; long_name 'Volumetric Soil Moisture'\) in sm_2000\.nc"):
            open_dataset(expand_paths([str(tmp_path / "sm_*.nc")]))
        return
    combined = open_dataset(expand_paths([str(tmp_path / "sm_*.nc")]))
    np.testing.assert_allclose(combined["sm"].values, full["sm"].values, rtol=1e-6)


@pytest.mark.parametrize(("target", "expected"), [
    pytest.param("TMP_GDS0_HTGL_S123", {}, id="analysis-without-the-forecast-step"),
    pytest.param("TPRAT_GDS0_SFC_S130", {"forecast_time1": 3.0}, id="forecast-with-its-step"),
])
def test_a_lone_size_1_dimension_is_a_scalar_coordinate_only_of_the_variables_that_had_it(tmp_path, target, expected):
    """JRA-55 (ncl_convert2nc): the 2 m analysis beside a forecast precipitation with a size-1
    ``forecast_time1 = 3`` hours; the analysis has no forecast step (break31b B3)."""
    full = grid_dataset(n_years=1)
    analysis = full[["tas"]].rename(tas="TMP_GDS0_HTGL_S123")
    analysis["TMP_GDS0_HTGL_S123"].attrs = {"long_name": "Temperature", "units": "K"}
    forecast = full[["pred"]].rename(pred="TPRAT_GDS0_SFC_S130").expand_dims("forecast_time1", axis=1)
    forecast = forecast.assign_coords(forecast_time1=("forecast_time1", [3.0], {"units": "hours"}))
    forecast["TPRAT_GDS0_SFC_S130"].attrs = {"long_name": "Total precipitation", "units": "mm/day"}
    analysis.to_netcdf(tmp_path / "anl_surf125.nc")
    forecast.to_netcdf(tmp_path / "fcst_phy2m125.nc")
    opened = open_dataset([tmp_path / "anl_surf125.nc", tmp_path / "fcst_phy2m125.nc"])
    layout = grid_layout(opened, target, ())
    assert {c.name: float(c.values) for c in layout.scalar_coordinates} == expected


@pytest.mark.parametrize(("second_attrs", "factor", "refused"), [
    pytest.param({"units": "kg kg-1", "long_name": "Gravimetric Soil Moisture"}, 1.0, True, id="mass-per-mass"),
    pytest.param({"units": "m2 m-2", "long_name": "Leaf Area Index"}, 1.0, True, id="area-per-area"),
    pytest.param({"units": "L m-3"}, 1000.0, False, id="litres-per-cubic-metre"),
    pytest.param({"units": "kg kg-1", "standard_name": "volume_fraction_of_condensed_water_in_soil"}, 1.0, False,
                 id="one-standard-name"),
])
def test_a_series_file_in_a_ratio_of_another_kind_is_refused(tmp_path, second_attrs, factor, refused):
    """Volumetric ``sm`` in m3 m-3 (2000) beside a file of 2001 in kg kg-1: pint reads both as
    "1", but a gravimetric water content is the volumetric one only times the soil's bulk
    density over water's; spliced only when the second is a volume per volume too (250 L m-3 is
    0.25 m3 m-3) or both files name one standard_name."""
    full = _soil_moisture_pair(tmp_path, second_attrs, factor)
    if refused:
        with pytest.raises(ClimannError, match=rf"^'sm' is in '{second_attrs['units']}' \(a ratio of named units, "
                                               rf".* per .*; long_name '{second_attrs['long_name']}'\) in sm_2001\.nc "
                                               r"but in 'm3 m-3' \(a ratio of named units, volume per volume; long_name "
                                               r"'Volumetric Soil Moisture'\) in sm_2000\.nc: ratios of named units of "
                                               r"other kinds"):
            open_dataset(expand_paths([str(tmp_path / "sm_*.nc")]))
        return
    combined = open_dataset(expand_paths([str(tmp_path / "sm_*.nc")]))
    np.testing.assert_allclose(combined["sm"].values, full["sm"].values, rtol=1e-6)


@pytest.mark.parametrize("first", [pytest.param("PSU", id="PSU"), pytest.param("1", id="CF-newer-table-1")])
def test_salinity_files_in_psu_and_1e_3_join_without_a_factor_1000(tmp_path, first):
    """GLORYS-like sos split over two files, the first in PSU (or in '1', as CF's newer table writes
    practical salinity), the second in CMIP6's 1e-3: one scale (PSS-78 is on the g/kg scale), so the
    second file's values are kept as written (break32a B1)."""
    written = []
    for year, units in ((2000, first), (2001, "1e-3")):
        dataset = grid_dataset(n_years=1, seed=year).assign_coords(time=monthly_times(1, "noleap", year))
        sos = (34.5 + 0.1 * dataset["pred"]).assign_attrs(standard_name="sea_surface_salinity", units=units)
        xr.Dataset({"sos": sos}).to_netcdf(tmp_path / f"sos_{year}.nc")
        written.append(sos.values)
    combined = open_dataset([tmp_path / "sos_2000.nc", tmp_path / "sos_2001.nc"])
    np.testing.assert_allclose(combined["sos"].values, np.concatenate(written), rtol=1e-6)


def _regional_file(path, name: str, lat, lon, axes: tuple[str, str], field) -> None:
    """A monthly (noleap) file of ``name`` = field(lat, lon) + month on a 1-D grid whose axes are
    named ``axes`` and say what they are by their CF units."""
    times = monthly_times(1, "noleap")
    values = field(np.asarray(lat)[:, None], np.asarray(lon)[None, :]) + np.arange(12.0)[:, None, None]
    coords = {"time": times, axes[0]: (axes[0], lat, {"units": "degrees_north"}),
              axes[1]: (axes[1], lon, {"units": "degrees_east"})}
    xr.Dataset({name: (("time", *axes), values.astype(np.float32), {"units": "degC"})}, coords).to_netcdf(path)


def _bilinear(lat, lon):
    """A field that bilinear interpolation reproduces exactly: linear in latitude, in longitude and
    in their product."""
    return 20.0 + 0.1 * lat - 0.05 * lon + 0.002 * lat * lon


@pytest.mark.parametrize("axes", [pytest.param(("latitude", "longitude"), id="same-names"),
                                  pytest.param(("lat", "lon"), id="other-names")])
def test_files_on_different_grids_are_refused_alike_with_an_interpolation_that_works(tmp_path, axes):
    """A 0.25°-like target on latitude/longitude beside a coarser predictor on lat/lon was xarray's
    "conflicting sizes" (break32a A3); refused as when the names agree, and the xarray line of the
    advice puts the predictor on the target's grid: its values there are the bilinear field's."""
    lat, lon = [-30.0, -10.0, 10.0, 30.0], [0.0, 20.0, 40.0, 60.0]
    _regional_file(tmp_path / "tas.nc", "tas", lat, lon, ("latitude", "longitude"), lambda y, x: 0 * y + 0 * x)
    _regional_file(tmp_path / "sst.nc", "sst", [-40.0, 0.0, 40.0], [-10.0, 30.0, 70.0], axes, _bilinear)
    with pytest.raises(ClimannError, match=r"^the files are on different grids: latitude has 4 values in tas.nc and 3 "
                       r"in sst.nc; interpolate sst.nc bilinearly onto tas.nc's grid: `" + GUARD + r"mkdir -p \S*regridded && "
                       "cdo remapbil,") as error:
        # the predictor's file first: the target's grid is the one the advice puts it on
        open_dataset([tmp_path / "sst.nc", tmp_path / "tas.nc"], grid_of="tas", variables=("tas", "sst"))
    # the xarray line run as printed (writes OUT.part, renamed OUT once whole, fix45b), into a new folder (fix53j)
    followed = run_one_copy(str(error.value).split("without CDO", 1)[1],
                            env={**os.environ, "PATH": shell_path()})
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["sst.nc", "tas.nc"]  # nothing beside
    combined = open_dataset([tmp_path / "tas.nc", followed["copy"]])
    expected = _bilinear(np.array(lat)[:, None], np.array(lon)[None, :]) + np.arange(12.0)[:, None, None]
    np.testing.assert_allclose(combined["sst"].transpose("time", "latitude", "longitude").values, expected, rtol=1e-5)


def test_a_file_on_another_grid_named_otherwise_is_left_out_of_the_target_s_grid(tmp_path):
    """Predictors chosen from the data are those on the target's grid: a coarser lat/lon file is on
    another grid than the target's latitude/longitude (it was kept, then refused as xarray's text)."""
    _regional_file(tmp_path / "tas.nc", "tas", [-30.0, 30.0], [0.0, 60.0], ("latitude", "longitude"), _bilinear)
    _regional_file(tmp_path / "sst.nc", "sst", [-40.0, 0.0, 40.0], [-10.0, 70.0], ("lat", "lon"), _bilinear)
    files = [tmp_path / "tas.nc", tmp_path / "sst.nc"]
    assert files_on_grid_of(files, "tas", FileRenames(files, {})) == [tmp_path / "tas.nc"]


def test_a_directory_of_wrfout_files_without_an_ending_gets_the_glob_that_takes_them(tmp_path):
    """break38a B5: `climann info data/wrf/` (WRF's wrfout_d01_2005-01-01_00:00:00 …, NetCDF without an ending)
    advised 'data/wrf/*.EXT, EXT their ending'; they have none. Now the glob that takes them and nothing else,
    which then opens them (a README beside them is left out)."""
    folder = tmp_path / "wrf"
    folder.mkdir()
    for month in (1, 2):
        xr.Dataset({"T2": (("Time",), [270.0 + month])}).to_netcdf(folder / f"wrfout_d01_2005-0{month}-01_00:00:00")
    (folder / "README").write_text("WRF V4.2.1 output")
    with pytest.raises(ClimannError) as refused:
        expand_paths([str(folder)])
    message = str(refused.value)
    assert "*.EXT" not in message
    assert "it holds 3 without an ending, of which 2 are NetCDF (as WRF names its output)" in message
    pattern = re.search(r"by a glob \('([^']+)'\)", message).group(1)
    assert pattern == f"{folder}/wrfout_d01_2005-0*-01_00:00:00"
    assert [path.name for path in expand_paths([pattern])] == ["wrfout_d01_2005-01-01_00:00:00",
                                                                "wrfout_d01_2005-02-01_00:00:00"]


def _ghrsst_days(folder, n_days):
    """``n_days`` one-day files as GHRSST L4 writes them: ``analysed_sst`` packed in int16
    (scale 0.01, offset 273.15, ``_FillValue`` on land), a CF flag ``mask``, times in seconds
    since 1981-01-01."""
    folder.mkdir()
    lat, lon = np.arange(4) * 0.25 + 30.125, np.arange(6) * 0.25 - 40.125
    land = (lat[:, None] > 30.6) & (lon[None, :] > -39.0)
    for day in range(n_days):
        sst = np.where(land, np.nan, 290.0 + day + np.arange(24).reshape(4, 6) / 10)
        dataset = xr.Dataset(
            {"analysed_sst": (("time", "lat", "lon"), sst[None], {"units": "kelvin", "long_name": "analysed SST"}),
             "mask": (("time", "lat", "lon"), np.where(land, 2, 1)[None].astype("i1"),
                      {"flag_masks": np.array([1, 2], "i1"), "flag_meanings": "water land"})},
            coords={"time": [np.datetime64("2010-01-01T12") + np.timedelta64(day, "D")],
                    "lat": ("lat", lat, {"units": "degrees_north"}), "lon": ("lon", lon, {"units": "degrees_east"})})
        dataset.to_netcdf(folder / f"2010010{day + 1}120000-GHRSST.nc", encoding={
            "analysed_sst": {"dtype": "i2", "scale_factor": 0.01, "add_offset": 273.15, "_FillValue": np.int16(-32768)},
            "time": {"units": "seconds since 1981-01-01", "dtype": "i4"}})
    return sorted(folder.glob("*.nc"))


def test_climann_info_reads_each_header_once(tmp_path, monkeypatch):
    """fix40e: ``climann info`` on a folder of daily files read each file's header three times
    (the most common grid, undecoded times; which files the run uses, nothing decoded; and the
    data opened, times decoded): now the header once (nothing decoded, every other view made
    from it) and the data once, for the report and the checks of its config (what train checks)."""
    import collections
    import functools

    import climann.data.open as opening
    from climann.data.info import describe
    from climann.data.notes import forget_notes
    from climann.workflow.preparation import INFO_VALUES_LIMIT_GB, check_trains

    files = _ghrsst_days(tmp_path / "ghrsst", 3)
    forget_notes()  # a new command
    reads = collections.Counter()
    real = opening.open_netcdf

    def counted(path, **options):
        decoded_times = options.get("decode_cf", True) and options.get("decode_times", True)
        reads[(Path(path).name, "data" if decoded_times else "header")] += 1
        return real(path, **options)

    monkeypatch.setattr(opening, "open_netcdf", counted)
    report = describe([str(tmp_path / "ghrsst")], check=functools.partial(check_trains,
                                                                          values_up_to_gb=INFO_VALUES_LIMIT_GB))
    assert 'target = "analysed_sst"' in report  # the config was checked: the data were opened for the run
    assert reads == {(path.name, kind): 1 for path in files for kind in ("header", "data")}


@pytest.mark.parametrize("kind", [pytest.param("ghrsst", id="packed-fill-flag"),
                                  pytest.param("classic", id="netcdf3-char-labels-2d-coordinates")])
def test_a_header_decoded_but_its_times_is_the_file_opened_so(tmp_path, kind):
    """fix40e: the view of a file with its times undecoded (for its grid, fill values and
    diagnostics) is made from its header, read once: the same variables, values, attributes and
    encodings as the file opened without decoding its times."""
    from climann.data.open import _times_undecoded, open_input

    if kind == "ghrsst":
        path = _ghrsst_days(tmp_path / "ghrsst", 1)[0]
    else:
        path = tmp_path / "classic.nc"
        grid = xr.Dataset(
            {"tas": (("time", "y", "x"), np.arange(12.0).reshape(2, 2, 3), {"units": "K", "missing_value": 5.0}),
             "label": (("y",), np.array(["north", "south"], "S5")),
             "lat": (("y", "x"), np.arange(6.0).reshape(2, 3), {"units": "degrees_north"}),
             "lon": (("y", "x"), np.arange(6.0).reshape(2, 3) * 10, {"units": "degrees_east"})},
            coords={"time": ("time", [0, 31], {"units": "days since 2000-01-01", "calendar": "360_day"})})
        grid["tas"].attrs["coordinates"] = "lat lon"
        grid.to_netcdf(path, format="NETCDF3_CLASSIC")
    expected = open_input(path, decode_times=False, chunks={})
    found = _times_undecoded(path)
    xr.testing.assert_identical(found, expected)
    assert found.encoding == expected.encoding
    for name, variable in expected.variables.items():  # by repr: a _FillValue of NaN is not equal to itself
        assert repr(sorted(found[name].encoding.items())) == repr(sorted(variable.encoding.items())), name
        assert type(found[name].variable) is type(variable), name


def _in_mcm(path, n_stations=0):
    """ResOpsUS-like storage in 'MCM' (million cubic metres, which UDUNITS does not read): a grid, or a
    CF station file of ``n_stations``."""
    dataset = grid_dataset()[["tas"]].rename(tas="storage")
    if n_stations:
        dataset = dataset.isel(lat=0, lon=slice(0, n_stations)).rename(lon="station").drop_vars(["lat", "station"])
        dataset = dataset.assign_coords(
            lat=("station", np.linspace(30.0, 40.0, n_stations), {"units": "degrees_north", "standard_name": "latitude"}),
            lon=("station", np.linspace(-110.0, -100.0, n_stations), {"units": "degrees_east", "standard_name": "longitude"}),
            station_id=("station", [f"R{index}" for index in range(n_stations)], {"cf_role": "timeseries_id"}))
        dataset.attrs["featureType"] = "timeSeries"
    dataset["storage"].attrs = {"units": "MCM", "long_name": "reservoir storage"}
    dataset.to_netcdf(path)
    return path


def _advised_units_copy(path, caplog, units="hm3", select=None):
    """The ncatted line of the training warning run as printed, hm3 made ``units``: its copy in a new folder
    units_fixed/ (fix56a), nothing beside ``path``; then moved beside ``path`` as ``X_fixed.nc``, where the line
    wrote it before fix56a (a folder may still hold such a copy, and is told what to do with it)."""
    from climann.data.units import warn_unreadable_units

    with caplog.at_level("WARNING", logger="climann"):
        warn_unreadable_units(open_dataset([path], select=select), ["storage"], where=path.name)
    said = caplog.records[-1].getMessage()
    assert ",storage,o,c,hm3 " in said  # 'if MCM is million cubic metres'
    followed = run_one_copy(said.replace(",hm3 ", f",{units} "))
    written = Path(followed["copy"])
    assert written == path.parent / "units_fixed" / path.name and followed["original"] == str(path)
    assert sorted(os.listdir(path.parent)) == [path.name, "units_fixed"]
    beside = path.with_name(path.stem + "_fixed.nc")
    written.rename(beside)
    written.parent.rmdir()
    caplog.clear()
    return beside


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="NCO's ncatted is not installed")
def test_a_units_copy_beside_its_original_is_given_in_its_place(tmp_path, caplog):
    """break40a A3: the advised ncatted wrote resops_mcm_fixed.nc beside resops_mcm.nc; the folder then
    got "give 'storage' in resops_mcm_fixed.nc with units 'MCM' exactly as in resops_mcm.nc", undoing
    the fix. The two are told a file and its copy, the original to be moved out; then the copy's units."""
    folder = tmp_path / "res"
    folder.mkdir()
    original = _in_mcm(folder / "resops_mcm.nc")
    copy = _advised_units_copy(original, caplog)
    with pytest.raises(ClimannError) as refused:
        open_dataset(expand_paths([str(folder)]))
    assert str(refused.value) == (
        f"'storage' is in both resops_mcm.nc (units 'MCM') and resops_mcm_fixed.nc (units 'hm3'), and both are "
        f"read; resops_mcm_fixed.nc is named as a copy of resops_mcm.nc (such as the corrected copy a command "
        f"climann advised writes beside it): give the copy in place of the original: move {str(original)!r} out of "
        f"the folder, or give --data files that leave it out")
    second = folder / "resops_mcm_fixed_2.nc"  # a fix of the fix: both earlier files named at once
    subprocess.run(["ncatted", "-a", "units,storage,o,c,1e6 m3", str(copy), str(second)], check=True)
    with pytest.raises(ClimannError, match=re.escape(f"move {str(original)!r} and {str(copy)!r} out of the folder")):
        open_dataset(expand_paths([str(folder)]))
    original.rename(tmp_path / original.name)
    copy.rename(tmp_path / copy.name)
    assert open_dataset(expand_paths([str(folder)]))["storage"].attrs["units"] == "1e6 m3"
    assert second.exists()


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="NCO's ncatted is not installed")
def test_info_on_a_station_file_beside_its_copy_gives_the_same_refusal(tmp_path, caplog):
    """info on the folder of a station file and its units copy said "resops.nc holds 3 stations: choose one with
    --select" even with --select given (the files were opened for forecasts without it)."""
    from climann.data.info import describe

    folder = tmp_path / "res"
    folder.mkdir()
    original = _in_mcm(folder / "resops.nc", n_stations=3)
    _advised_units_copy(original, caplog, select={"station": 0})
    for select in (None, {"station": 1}):
        with pytest.raises(ClimannError, match=r"^'storage' is in both resops.nc \(units 'MCM'\) and resops_fixed.nc "
                                               r"\(units 'hm3'\), and both are read; .* move .* out of the folder"):
            describe(str(folder), select=select)


def _gefs_files(folder):
    """Two GRIB2 files of 2t under NCEP's GEFS names (``gec00.t00z.pgrb2a.0p50.f006``: no ``.grib2``),
    12 months each, and their values (24, 5, 4)."""
    pytest.importorskip("cfgrib")
    from tests.grib_files import write_grib

    folder.mkdir(exist_ok=True)
    values = 250 + 40 * np.random.default_rng(5).random((24, len(LATITUDES), len(LONGITUDES)))
    for index, name in enumerate(("gec00.t00z.pgrb2a.0p50.f006", "gec00.t00z.pgrb2a.0p50.f012")):
        write_grib(folder / name, "2t", values[12 * index:12 * (index + 1)], latitudes=LATITUDES,
                   longitudes=LONGITUDES, start_year=1990 + index)
    return values


@pytest.mark.parametrize(("given", "months"), [
    pytest.param("gefs/gec00.t00z.pgrb2a.0p50.f006", slice(0, 12), id="one-file"),
    pytest.param("gefs/gec00*", slice(0, 24), id="a-glob"),
    pytest.param("gec00.grib2", slice(0, 12), id="a-link-named-grib2"),
    pytest.param("copy.nc", slice(0, 12), id="named-netcdf"),
])
def test_grib_files_are_read_by_their_first_bytes_whatever_their_name(tmp_path, given, months):
    """break42c B1: GEFS GRIB2 under their own names gave 'OSError: NetCDF: Unknown file format' (a glob) or
    'is not a readable NetCDF file' (one file, no word of GRIB); a link X.grib2 -> X was read by X's name."""
    values = _gefs_files(tmp_path / "gefs")
    (tmp_path / "gec00.grib2").symlink_to(tmp_path / "gefs/gec00.t00z.pgrb2a.0p50.f006")
    shutil.copy(tmp_path / "gefs/gec00.t00z.pgrb2a.0p50.f006", tmp_path / "copy.nc")
    opened = open_dataset(expand_paths([str(tmp_path / given)]))
    np.testing.assert_allclose(opened["t2m"].values, values[months], rtol=1e-4)  # GRIB packs to ~16 bits


def test_a_directory_of_grib_files_without_a_grib_ending_gets_the_glob_that_takes_them(tmp_path):
    """break42c B1: `climann info gefs/` advised 'gefs/*.EXT', EXT their ending (.f006, .f012: lead times)."""
    values = _gefs_files(tmp_path / "gefs")
    (tmp_path / "gefs/README").write_text("GEFS 0.5 degree, pgrb2a")
    with pytest.raises(ClimannError) as refused:
        expand_paths([str(tmp_path / "gefs")])
    message = str(refused.value)
    assert "*.EXT" not in message and "of which 2 are GRIB (as NCEP names GEFS's; read by their first bytes)" in message
    pattern = re.search(r"by a glob \('([^']+)'\)", message).group(1)
    np.testing.assert_allclose(open_dataset(expand_paths([pattern]))["t2m"].values, values, rtol=1e-4)


@pytest.mark.parametrize(("content", "message"), [
    pytest.param(b"not a format at all", r"j1\.f006 is not a readable NetCDF file \(truncated or another format\)$",
                 id="unknown"),
    pytest.param(None, r"j1\.f006 is cut short \(a download or copy that did not finish\): its first message is "
                       r"\d+ bytes long but the file ends 100 bytes into it", id="cut-grib"),
])
def test_an_unreadable_file_among_several_is_one_line_when_forecasts_are_looked_for(tmp_path, content, message):
    """break42c B1: `climann info 'gefs/gec00*'` crashed with 'unexpected error: OSError' (forecasts_to_choose_in
    opened each file without the run's diagnosis), and a cut GRIB file was said to be 'interrupted by SIGINT'."""
    from climann.data.open import forecasts_to_choose_in

    _gefs_files(tmp_path / "gefs")
    for name in ("j1.f006", "j2.f006"):
        whole = (tmp_path / "gefs/gec00.t00z.pgrb2a.0p50.f006").read_bytes()
        (tmp_path / name).write_bytes(content if content is not None else whole[:100])
    with pytest.raises(ClimannError, match=message):
        forecasts_to_choose_in([tmp_path / "j1.f006", tmp_path / "j2.f006"])


def test_a_netcdf_file_is_decoded_once_per_run_for_its_diagnostics(tmp_path, monkeypatch):
    """break42c E1: ``climann info``'s diagnostics (undated files, simulations, calendars) asked for
    each file's undecoded-times dataset four times, and each time decoded its header again (160
    one-step files: 641 decodings). Decoded once per run; a rewritten file again; each caller
    gets its own copy."""
    import xarray as xr

    import climann.data.open as opening
    from climann.data.notes import forget_notes

    path = tmp_path / "one.nc"
    xr.Dataset({"tas": (("time", "lat"), np.array([[1.0, 2.0]]), {"units": "K", "scale_factor": 2.0})},
               coords={"time": ("time", [0.0], {"units": "days since 2001-01-01", "calendar": "noleap"}),
                       "lat": ("lat", [0.0, 1.0], {"units": "degrees_north"})}).to_netcdf(path)
    forget_notes()  # a new run
    decodings = []
    real = xr.decode_cf
    monkeypatch.setattr(opening.xr, "decode_cf", lambda *args, **options: decodings.append(1) or real(*args, **options))
    first = opening._times_undecoded(path)
    first["tas"].attrs["changed"] = 1
    second = opening._times_undecoded(path)
    assert len(decodings) == 1
    assert "changed" not in second["tas"].attrs and second["time"].values.tolist() == [0.0]
    np.testing.assert_array_equal(second["tas"].values, [[2.0, 4.0]])  # unpacked, times not decoded
    os.utime(path, ns=(1, 1))  # the file changed since
    opening._times_undecoded(path)
    assert len(decodings) == 2


def test_the_simulations_of_files_are_told_from_each_header_decoded_once_per_run(tmp_path, monkeypatch):
    """fix43c: ``climann info`` checks the simulations of its files three times (its own look, its
    report's opening, its config's check), and each decoded every file's header again. Now once
    per file, run and renames: the refusal of two models is the same at every call, a rename
    that leaves the variable in one file is honoured (nothing refused), and a new run decodes again."""
    from climann.data.notes import forget_notes
    from climann.data.open import check_files_of_one_simulation

    files = []
    for index, model in enumerate(("FAKE-ESM", "OTHER-ESM")):
        part = grid_dataset(n_years=1)[["tas"]].assign_coords(time=monthly_times(1, "noleap", 2000 + index))
        part.assign_attrs(source_id=model, variant_label="r1i1p1f1").to_netcdf(tmp_path / f"tas_{index}.nc")
        files.append(tmp_path / f"tas_{index}.nc")
    decoded = []
    decode = xr.decode_cf
    monkeypatch.setattr(xr, "decode_cf", lambda dataset, **options: (
        decoded.append(options.get("decode_times")) if options.get("decode_times") is not False else None,
        decode(dataset, **options))[1])
    forget_notes()

    refusals = []
    for _ in range(3):
        with pytest.raises(ClimannError) as refusal:
            check_files_of_one_simulation(files)
        refusals.append(str(refusal.value))
    assert len(set(refusals)) == 1 and "FAKE-ESM in tas_0.nc and OTHER-ESM in tas_1.nc" in refusals[0]
    assert len(decoded) == len(files)
    check_files_of_one_simulation(files, FileRenames(files, {"tas_1.nc": {"tas": "tas_other"}}))
    assert len(decoded) == len(files) + 1  # the renamed file's header, decoded under its new names
    forget_notes()
    with pytest.raises(ClimannError):
        check_files_of_one_simulation(files)
    assert len(decoded) == 2 * len(files) + 1


def test_files_of_one_grid_are_grouped_without_comparing_identical_grids(tmp_path, monkeypatch):
    """fix43c: ``climann info`` of a folder of one-day files compared each file's grid with the
    first's (sorted, reordered, value by value). A grid identical to the first (names, values,
    attributes) is one with it at once; the same cells from north to south still take the
    comparison that finds them one grid, and another grid is still left out naming its difference."""
    import climann.data.open as opening
    from climann.data.open import files_on_the_most_common_grid

    dataset = grid_dataset(n_years=1)[["tas"]]
    files = []
    for index in range(4):
        dataset.isel(time=[index]).to_netcdf(tmp_path / f"tas_{index}.nc")
        files.append(tmp_path / f"tas_{index}.nc")
    dataset.isel(time=[4], lat=slice(None, None, -1)).to_netcdf(tmp_path / "tas_4_north_first.nc")
    grid_dataset(n_years=1, n_lat=6)[["tas"]].isel(time=[5]).to_netcdf(tmp_path / "tas_5_finer.nc")
    files += [tmp_path / "tas_4_north_first.nc", tmp_path / "tas_5_finer.nc"]
    compared = []
    mismatch = opening.grid_mismatch
    monkeypatch.setattr(opening, "grid_mismatch", lambda *grids, **labels: compared.append(labels) or mismatch(
        *grids, **labels))

    kept, others = files_on_the_most_common_grid(files)
    assert kept == files[:5]
    assert list(others) == [files[5]] and others[files[5]].startswith("lat has 4 values in tas_0.nc and 6 in")
    assert len(compared) == 3  # north-first with the first; the finer grid with it, and for its message


@pytest.mark.parametrize("n_forecasts", [pytest.param(1, id="one-forecast"), pytest.param(2, id="two-forecasts")])
def test_check_forecast_names_refuses_a_forecast_beside_observations_of_its_name_and_its_copies_pass(
        tmp_path, monkeypatch, n_forecasts):
    """check_forecast_names (what `climann info` runs before opening, break31a B3) had no test of its own (fix44d):
    a forecast file of t2m beside observations of t2m is refused naming both and the rename; with two forecast files,
    every one of them. The ncrename copies it prints for info, run as printed, are passed; the observations alone,
    and forecasts alone, are never refused."""
    from climann.data.open import check_forecast_names, forecasts_to_choose_in
    from tests.forecast_files import s2s_pair

    if shutil.which("ncrename") is None:
        pytest.skip("needs NCO")
    monkeypatch.chdir(tmp_path)
    forecasts, observations = s2s_pair(weeks=4)
    names = ["s2s.nc", "s2s_b.nc"][:n_forecasts]
    for name in names:
        forecasts.rename(t2m_fc="t2m").to_netcdf(tmp_path / name)
    observations.to_netcdf(tmp_path / "era5.nc")
    files = [Path(name) for name in [*names, "era5.nc"]]
    with pytest.raises(ClimannError) as refused:
        check_forecast_names(files, forecasts_to_choose_in(files))
    message = str(refused.value)
    assert message.startswith(f"s2s.nc {'' if n_forecasts == 1 else '(and 1 more forecast file) '}holds forecasts of "
                              "t2m and era5.nc t2m without a lead time")
    line = re.search(r"`([^`]+)`", message).group(1)
    subprocess.run(line, shell=True, check=True, capture_output=True)
    copies = [Path("s2s_renamed.nc")] if n_forecasts == 1 else [Path("renamed") / name for name in names]
    given = [*copies, Path("era5.nc")]
    check_forecast_names(given, forecasts_to_choose_in(given))  # t2m_fc beside t2m: no name shared
    for alone in ([Path("era5.nc")], [Path(name) for name in names]):
        check_forecast_names(alone, forecasts_to_choose_in(alone))


def _swath_days(folder, *, shift_second: float = 0.0):
    """SMAP L3-like daily files (break44b B1): 2-D latitude/longitude and soil_moisture, all -9999 (their
    _FillValue) outside each day's swaths, which move from day to day; ``shift_second`` moves the second day's
    latitudes. Returns the files and the positions with every cell placed."""
    import netCDF4

    rows, columns = np.meshgrid(np.arange(8), np.arange(12), indexing="ij")
    latitude, longitude = 30.0 + 0.37 * rows + 0.01 * columns, 5.0 + 0.41 * columns - 0.02 * rows
    paths = []
    for day in range(3):
        swath = ((columns + 4 * day) // 4) % 3 != 0  # each day holds 2 of every 3 bands of columns
        path = folder / f"sm_2015040{day + 1}.nc"
        with netCDF4.Dataset(path, "w") as handle:
            handle.createDimension("time", 1)
            handle.createDimension("phony_dim_0", 8)
            handle.createDimension("phony_dim_1", 12)
            time = handle.createVariable("time", "f8", ("time",))
            time.units, time[:] = f"days since 2015-04-0{day + 1}", 0.0
            shift = shift_second if day == 1 else 0.0
            for name, values, units in (("latitude", latitude + shift, "degrees_north"),
                                        ("longitude", longitude, "degrees_east")):
                variable = handle.createVariable(name, "f4", ("phony_dim_0", "phony_dim_1"), fill_value=-9999.0)
                variable.units, variable[:] = units, np.where(swath, values, -9999.0)
            moisture = handle.createVariable("soil_moisture", "f4", ("time", "phony_dim_0", "phony_dim_1"),
                                             fill_value=-9999.0)
            moisture.units = "cm**3/cm**3"
            moisture[:] = np.where(swath, 0.1 + 0.01 * day, -9999.0)[None]
        paths.append(path)
    return paths, latitude, longitude


def test_2d_positions_missing_in_some_files_are_taken_from_the_files_that_hold_them(tmp_path):
    """break44b B1: SMAP L3's daily files place only the cells of the day's swaths (-9999 elsewhere); the first
    file's positions were taken for all, and its unplaced cells that other days hold data at were refused ("fill in
    the coordinates, e.g. from the model's mesh_mask file"). The files together place every cell and agree where two
    do: the positions are theirs together (numpy: the grid written before the fill)."""
    paths, latitude, longitude = _swath_days(tmp_path)
    dataset = open_dataset(paths)
    np.testing.assert_allclose(dataset["latitude"].values, latitude.astype("f4"), rtol=0, atol=0)
    np.testing.assert_allclose(dataset["longitude"].values, longitude.astype("f4"), rtol=0, atol=0)
    assert int(dataset["soil_moisture"].notnull().sum()) == 3 * 8 * 12 * 2 // 3


def test_2d_positions_that_two_files_hold_differently_are_refused(tmp_path):
    """The union is taken only where the files agree: a second day whose latitudes lie 0.2° north of the others'
    (half a cell) is another grid, refused as such."""
    paths, *_ = _swath_days(tmp_path, shift_second=0.2)
    with pytest.raises(ClimannError, match=r"latitude differs by up to 0\.2"):
        open_dataset(paths)


def _index_files(tmp_path):
    """GHCNDEX-style index files (break45d C1): TXx and TNn each holding ``Ann`` and ``Jan``, CDD ``Ann`` only,
    yearly on one grid; the values written, by (file word, name)."""
    full = grid_dataset(n_years=6)
    times = xr.date_range("1951-01-01", periods=6, freq="YS", calendar="standard", use_cftime=True)
    written = {}
    for index, (word, names) in enumerate([("CDD", ["Ann"]), ("TNn", ["Ann", "Jan"]), ("TXx", ["Ann", "Jan"])]):
        fields = {}
        for number, name in enumerate(names):
            values = full["tas"].values[: 6] + 10.0 * index + number
            written[word, name] = values
            fields[name] = (("time", "lat", "lon"), values)
        xr.Dataset(fields, coords={"time": times, "lat": full["lat"], "lon": full["lon"]}).to_netcdf(
            tmp_path / f"GHCND_{word}_1951-2010_RegularGrid.nc")
    return sorted(tmp_path.glob("GHCND_*.nc")), written


def test_every_name_clash_of_index_files_is_told_at_once_with_renames_that_work(tmp_path, monkeypatch):
    """Index files that all hold ``Ann`` (and two ``Jan``): one clash told per run, 15 runs for three files, and
    ``climann info`` had no way out (break45d C1). One message names every clash; the ``--rename`` options it
    gives open the files with each field under its file's word, the values as written; the ``ncrename`` copies
    it gives (climann info) open too, with the same fields; the glob it gives takes one file."""
    from climann.cli import _rename_rules

    files, written = _index_files(tmp_path)
    with pytest.raises(ClimannError) as raised:
        open_dataset(files)
    message = str(raised.value)
    assert message.startswith("'Ann', 'Jan' (2 names) are each in more than one of GHCND_CDD_1951-2010_RegularGrid.nc, "
                              "GHCND_TNn_1951-2010_RegularGrid.nc, GHCND_TXx_1951-2010_RegularGrid.nc at the same times")
    rules = _rename_rules(re.findall(r"--rename '([^']*)'", message))
    opened = open_dataset(files, renames=FileRenames(files, rules))
    assert sorted(opened.data_vars) == ["Ann_CDD", "Ann_TNn", "Ann_TXx", "Jan_TNn", "Jan_TXx"]
    for (word, name), values in written.items():
        np.testing.assert_array_equal(opened[f"{name}_{word}"].values, values)
    monkeypatch.chdir(tmp_path)
    command = re.search(rf"`({GUARD}mkdir -p [^`]*)`", message).group(1)
    subprocess.run(command, shell=True, check=True, capture_output=True)
    copies = open_dataset(sorted((tmp_path / "renamed").glob("*.nc")))
    assert sorted(copies.data_vars) == sorted(opened.data_vars)
    for name in opened.data_vars:
        np.testing.assert_array_equal(copies[name].values, opened[name].values)
    pattern = shlex.split(re.search(r"give one of the files alone, e.g. (\S+)$", message).group(1))[0]
    import glob as globbing

    assert [Path(path).name for path in globbing.glob(pattern)] == ["GHCND_TXx_1951-2010_RegularGrid.nc"]


def test_a_variable_at_the_same_times_on_two_grids_is_told_as_an_interpolated_copy(tmp_path):
    """break46c A3: a target's file beside its copy interpolated onto the predictors' grid (written into the
    same folder, taken with it by the glob) was refused as "two scenarios?", with a rename as the way out."""
    grid_dataset(n_lat=4)[["tas"]].to_netcdf(tmp_path / "tas.nc")
    grid_dataset(n_lat=6)[["tas"]].to_netcdf(tmp_path / "tas_regridded.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset(expand_paths([tmp_path]))
    message = str(refused.value)
    assert message.startswith("'tas' is in both tas.nc and tas_regridded.nc at the same times, on different grids "
                              "(lat: 4, lon: 6 and lat: 6, lon: 6): one interpolated from the other? If so, give the "
                              "interpolated file in place of its original"), message
    assert "two scenarios?" not in message


def test_many_files_left_out_on_another_grid_are_named_by_three_and_the_count(tmp_path, caplog):
    """break46c A5, the same kind: 72 MERRA-2 files left out beside MODIS's target were all named in one warning."""
    import logging

    grid_dataset(n_lat=4)[["tas"]].to_netcdf(tmp_path / "a_tas.nc")
    whole = grid_dataset(n_lat=6, n_years=6)[["pred"]]
    for year in sorted(set(whole.time.dt.year.values)):
        whole.sel(time=whole.time.dt.year == year).to_netcdf(tmp_path / f"pred_{year}.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset(expand_paths([tmp_path]), grid_of="tas")
    assert set(opened.data_vars) == {"tas"}
    names = sorted(path.name for path in tmp_path.glob("pred_*.nc"))
    assert f"): {', '.join(names[:3])} and 3 more files; the predictors chosen" in caplog.text, caplog.text
    assert names[3] not in caplog.text.split("; the predictors chosen")[0]


def _hourly_cams(path: Path, start: str, hours: int, rng: np.random.Generator) -> np.ndarray:
    """A CAMS-like file of ``hours`` hourly pm2p5 fields from ``start`` (time, level, latitude, longitude on one
    0.1° grid, hours since its day as CAMS writes them); returns the values written."""
    values = (12 + rng.gamma(2.0, 1.5, (hours, 1, 3, 4))).astype(np.float32)
    xr.Dataset(
        {"pm2p5_conc": (("time", "level", "latitude", "longitude"), values, {"units": "µg/m3"})},
        coords={"time": ("time", np.arange(hours, dtype="f4"), {"units": f"hours since {start} 00:00:00"}),
                "level": ("level", [0.0], {"units": "m"}),
                "latitude": ("latitude", [49.95, 49.85, 49.75], {"units": "degrees_north"}),
                "longitude": ("longitude", [0.05, 0.15, 0.25, 0.35], {"units": "degrees_east"})},
    ).to_netcdf(path)
    return values


def test_an_analysis_and_a_forecast_of_one_date_combine_with_overlap_first(tmp_path):
    """break56d A6: analyses of 24 h beside a forecast of 96 h from the first analysis' date (one grid) were refused
    with --overlap first as holding 'pm2p5_conc' "on different grids" with two identical size lists (the time's
    length compared with the grid), and a file whose every hour an earlier-starting file holds (the second day's
    analysis, inside the forecast) was combined as a file of coordinates alone. With "first" each hour is the
    earliest-starting file's (the first analysis', in name order where the two start together; then the
    forecast's): numpy's concatenation of the first analysis and the forecast's hours 24…95."""
    rng = np.random.default_rng(3)
    analyses = [_hourly_cams(tmp_path / f"cams_analysis_2021010{day}.nc", f"2021-01-0{day}", 24, rng)
                for day in (1, 2)]
    forecast = _hourly_cams(tmp_path / "cams_forecast_20210101.nc", "2021-01-01", 96, rng)
    opened = open_dataset(sorted(tmp_path.glob("*.nc")), overlap="first")
    expected = np.concatenate([analyses[0], forecast[24:]])
    assert opened["time"].values[0] == np.datetime64("2021-01-01T00") and opened.sizes["time"] == 96
    np.testing.assert_array_equal(opened["pm2p5_conc"].values, expected)


def test_the_same_variable_twice_on_one_grid_is_not_told_as_different_grids(tmp_path):
    """break56d A6: the duplicate check compared the shapes with time (24 and 96 steps): "on different grids
    (level: 1, latitude: 3, longitude: 4 and level: 1, latitude: 3, longitude: 4)". On one grid the clash is
    told as the same variable twice; on two grids their sizes differ in the message."""
    from climann.data.open import _duplicated_variable_message

    rng = np.random.default_rng(4)
    _hourly_cams(tmp_path / "a.nc", "2021-01-01", 24, rng)
    _hourly_cams(tmp_path / "b.nc", "2021-01-01", 96, rng)
    message = _duplicated_variable_message([tmp_path / "a.nc", tmp_path / "b.nc"])
    assert "different grids" not in message and message.startswith("'pm2p5_conc' is in both a.nc and b.nc at the same")
    with xr.open_dataset(tmp_path / "b.nc") as opened:
        other = opened.load().isel(longitude=slice(0, 3))  # three cells of another grid
        other.assign_coords(longitude=("longitude", [5.02, 5.12, 5.22], other["longitude"].attrs)).to_netcdf(
            tmp_path / "c.nc")
    message = _duplicated_variable_message([tmp_path / "a.nc", tmp_path / "c.nc"])
    assert ("on different grids (level: 1, latitude: 3, longitude: 4 and level: 1, latitude: 3, longitude: 3)"
            in message), message


def _cmor_curvilinear(folder, name, variable, values, *, units, standard_name=None, seed_years=None):
    """A CMOR-written file of UKESM1's curvilinear ocean grid (4 × 5 cells, j/i, 2-D latitude/longitude whose
    bounds attribute names vertices_latitude/vertices_longitude(j, i, vertices)): ``values`` (time, j, i) monthly
    from 2000 in 360_day, or (j, i) for an Ofx field."""
    import netCDF4

    rows, columns = np.meshgrid(np.arange(4), np.arange(5), indexing="ij")
    latitude = -45.0 + 30.0 * rows + 2.0 * columns / 5
    longitude = (72.0 * columns + 3.0 * rows) % 360
    with netCDF4.Dataset(folder / name, "w") as handle:
        for dim, size in (("j", 4), ("i", 5), ("vertices", 4)):
            handle.createDimension(dim, size)
        for axis, size in (("j", 4), ("i", 5)):
            handle.createVariable(axis, "i4", (axis,))[:] = np.arange(size)
        for centre, corners, half, value, units_of in (("latitude", "vertices_latitude", 15.0, latitude,
                                                        "degrees_north"),
                                                       ("longitude", "vertices_longitude", 36.0, longitude,
                                                        "degrees_east")):
            coordinate = handle.createVariable(centre, "f8", ("j", "i"))
            coordinate.standard_name, coordinate.units, coordinate.bounds = centre, units_of, corners
            coordinate[:] = value
            steps = np.array([-1, -1, 1, 1] if centre == "latitude" else [-1, 1, 1, -1])
            handle.createVariable(corners, "f8", ("j", "i", "vertices"))[:] = value[..., None] + half * steps
        dims = ("j", "i")
        if values.ndim == 3:
            handle.createDimension("time", None)
            time = handle.createVariable("time", "f8", ("time",))
            time.units, time.calendar, time.standard_name = "days since 2000-01-01", "360_day", "time"
            time[:] = 15.0 + 30.0 * np.arange(values.shape[0])
            dims = ("time", *dims)
            handle.external_variables = "areacello"
        field = handle.createVariable(variable, "f4", dims)
        field.units, field.coordinates = units, "latitude longitude"
        if values.ndim == 3:  # CMOR's Omon: its cells' areas the Ofx file's
            field.cell_measures, field.cell_methods = "area: areacello", "area: mean where sea time: mean"
        if standard_name:
            field.standard_name = standard_name
        field[:] = values
        handle.setncatts({"source_id": "UKESM1-0-LL", "variant_label": "r1i1p1f2", "grid_label": "gn",
                          "experiment_id": "historical", "variable_id": variable})


def test_two_cmor_ofx_files_of_a_curvilinear_grid_are_no_undated_files_of_their_vertices(tmp_path):
    """break57d A1: areacello and sftof of UKESM1's gn grid (each holding vertices_latitude, the bounds its
    latitude's bounds attribute names) were refused as "'vertices_latitude' is in both …, and neither has a time
    coordinate". Now the run trains, its test scores weighed by areacello × sftof / 100, as computed here."""
    import json

    import netCDF4
    from typer.testing import CliRunner

    from climann.cli import app

    rng = np.random.default_rng(7)
    months = 48
    cycle = 2 * np.cos(2 * np.pi * np.arange(months) / 12)[:, None, None]
    sos = 34 + rng.standard_normal((months, 4, 5))
    tos = 10 + cycle + 0.5 * (sos - 34) + 0.3 * rng.standard_normal((months, 4, 5))
    # the cells' own areas (30° × 72° boxes about each centre, as _cmor_curvilinear's vertices), each off by up to
    # 4 %: areas of other cells (remapped from another grid) are refused (break57a A2)
    rows, columns = np.meshgrid(np.arange(4), np.arange(5), indexing="ij")
    latitude = np.deg2rad(-45.0 + 30.0 * rows + 2.0 * columns / 5)
    own = 6.371e6**2 * np.deg2rad(72.0) * (np.sin(latitude + np.deg2rad(15.0)) - np.sin(latitude - np.deg2rad(15.0)))
    area = own * (1 + 0.04 * np.linspace(-1, 1, 20).reshape(4, 5))
    fraction = np.tile([100.0, 80.0, 50.0, 20.0, 100.0], (4, 1))
    for name, variable, values, units, standard in (
            ("tos_Omon_UKESM1-0-LL_historical_r1i1p1f2_gn_200001-200312.nc", "tos", tos, "degC", None),
            ("sos_Omon_UKESM1-0-LL_historical_r1i1p1f2_gn_200001-200312.nc", "sos", sos, "0.001", None),
            ("areacello_Ofx_UKESM1-0-LL_historical_r1i1p1f2_gn.nc", "areacello", area, "m2", "cell_area"),
            ("sftof_Ofx_UKESM1-0-LL_historical_r1i1p1f2_gn.nc", "sftof", fraction, "%", "sea_area_fraction")):
        _cmor_curvilinear(tmp_path, name, variable, values, units=units, standard_name=standard)
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path), "--target", "tos", "--predictors", "sos",
                                      "--epochs", "1", "--hidden", "4", "--out", str(tmp_path / "run"), "--quiet",
                                      "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["cell_areas"] == "areacello" and metrics["weighted_by"].endswith("sea_area_fraction (sftof)")
    with netCDF4.Dataset(tmp_path / "run" / "predictions.nc") as written:
        years = np.array([date.year for date in netCDF4.num2date(written["time"][:], written["time"].units,
                                                                 written["time"].calendar)])
        truth, model = (np.ma.filled(written[name][:].astype(np.float64), np.nan) for name in ("tos", "tos_pred"))
    where = np.isfinite(truth) & np.isfinite(model) & (years == 2003)[:, None, None]
    weights = np.broadcast_to(area * fraction / 100, truth.shape)[where]
    hand = (weights * (model[where] - truth[where]) ** 2).sum() / weights.sum()
    assert metrics["split_periods"]["test"] == "2003"
    assert metrics["splits"]["test"]["model"]["mse"] == pytest.approx(hand, rel=1e-5)
