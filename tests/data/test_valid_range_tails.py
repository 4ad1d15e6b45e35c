"""A valid range that cuts off a tail of the data is warned about; a few codes are not (climann/data/valid_range_tails.py)."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess

import cftime
import dask
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.file_encodings import every_file_records
from climann.data.valid_range_tails import OUTSIDE_VALID_RANGE_KEY, read_with_its_sample, warn_outside_valid_range
from climann.workflow.config import build_config
from climann.workflow.preparation import open_selected, prepare_data
from tests.followed_twice import GUARD, one_copy, run_one_copy, without_guards

LAT = np.array([-60.0, -20.0, 20.0, 60.0])
LON = np.arange(0.0, 360.0, 60.0)
N_TIME = 48
#: The evenly spaced steps the check reads (24 of 48), as climann.data.fill_like.checked_steps picks them.
STEPS = np.unique(np.linspace(0, N_TIME - 1, 24).round().astype(int))


def _values() -> np.ndarray:
    rng = np.random.default_rng(3)
    return (285 + 8 * rng.standard_normal((N_TIME, LAT.size, LON.size))).astype("f4")


def _write(path, values, *, dtype="f4", start=2000, **attrs):
    """tas(time, lat, lon) in K, monthly from ``start``, with ``attrs`` (a valid range) as given; ``dtype`` "i2"
    packs by 0.01 K."""
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", None), ("lat", LAT.size), ("lon", LON.size)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.standard_name = "days since 2000-01-01", "noleap", "time"
        time[:] = cftime.date2num([cftime.datetime(start + k // 12, k % 12 + 1, 15, calendar="noleap")
                                   for k in range(N_TIME)], time.units, "noleap")
        for name, axis, units in (("lat", LAT, "degrees_north"), ("lon", LON, "degrees_east")):
            variable = nc.createVariable(name, "f8", (name,))
            variable.units, variable[:] = units, axis
        tas = nc.createVariable("tas", dtype, ("time", "lat", "lon"))
        tas.units = "K"
        if dtype == "i2":
            tas.set_auto_maskandscale(False)
            tas.scale_factor, tas.add_offset = np.float32(0.01), np.float32(285.0)
            values = np.round((values - 285.0) / 0.01).astype("i2")
        for key, value in attrs.items():
            tas.setncattr(key, value)
        tas[:] = values
        nc.createVariable("pred", "f4", ("time", "lat", "lon"))[:] = np.arange(values.size, dtype="f4").reshape(
            values.shape)
    return path


def _said(caplog, path, level=logging.WARNING):
    """What the check says of tas in ``path`` (a file or a series of them), opened twice as a run does (once per
    run)."""
    forget_notes()
    caplog.clear()
    with caplog.at_level(level, logger="climann"):
        for _ in range(2):
            warn_outside_valid_range(open_dataset(path if isinstance(path, list) else [path]), ["tas"])
    return [record.getMessage() for record in caplog.records if record.levelno >= level]


def test_a_valid_max_that_cuts_the_warm_tail_is_warned_about_once(tmp_path, caplog):
    """break13 F16: valid_max 289 dropped the warmest 6.5 % of tas without a word. The line that removes it writes
    the copy into a new folder (fix53j: vmax_fixed.nc beside it was taken with it by a glob); run as printed, the
    copy's values are the file's, none missing, and nothing is said of it."""
    values = _values()
    path = _write(tmp_path / "vmax.nc", values, valid_max=np.float32(289.0))
    # by hand: the values above 289 on the 24 steps checked
    above = values[STEPS][values[STEPS] > 289.0]
    size = STEPS.size * LAT.size * LON.size
    assert np.unique(above).size > 5
    said = _said(caplog, path)
    assert [without_guards(text) for text in said] == [
        f"'tas' in vmax.nc: of the {size} values checked, {above.size} lie above its valid_max, 289 K (from "
        f"{above.min():g} to {above.max():g}), read as missing: not a few codes but a tail of the data "
        f"({100 * above.size / size:.1f} %), which every score then leaves out (CF §2.5.1 makes values outside the "
        f"valid range missing); if the limit is stale, remove it: "
        f"{one_copy('ncatted -a valid_max,tas,d,,', path, tmp_path / 'valid_range_removed')} (or set it beyond the "
        "data's extreme values)"]
    # still missing, as CF says
    assert int(np.isnan(open_dataset([path])["tas"].values).sum()) == int((values > 289.0).sum())
    followed = run_one_copy(said[0], tmp_path)
    assert sorted(item.name for item in tmp_path.iterdir()) == ["valid_range_removed", "vmax.nc"]  # none beside
    np.testing.assert_allclose(open_dataset([followed["copy"]])["tas"].values, values, rtol=1e-6)
    assert _said(caplog, followed["copy"]) == []


def test_a_valid_range_is_replaced_by_the_limit_that_stays(tmp_path, caplog):
    """Deleting valid_range would drop its minimum too: the command keeps it as valid_min, in its own type."""
    path = _write(tmp_path / "range.nc", _values(), valid_range=np.array([200.0, 289.0], "f4"))
    (said,) = _said(caplog, path)
    assert "lie above its valid_range, 289 K" in said
    assert (f"remove it: mkdir -p {tmp_path / 'valid_range_removed'} && ncatted -a valid_range,tas,d,, -a "
            f"valid_min,tas,o,f,200 {path} " in without_guards(said))


def test_a_packed_valid_range_keeps_its_packed_minimum(tmp_path, caplog):
    """Limits of the stored type are packed values (CF §8.1): -8500 is 200 K; the kept valid_min stays a short."""
    values = _values()
    path = _write(tmp_path / "packed.nc", values, dtype="i2", valid_range=np.array([-8500, 400], "i2"))
    (said,) = _said(caplog, path)
    # 400 × 0.01 + 285 = 289 K, the limit in the data's units
    assert "lie above its valid_range, 289 K" in said
    assert "ncatted -a valid_range,tas,d,, -a valid_min,tas,o,s,-8500 " in said


def test_both_tails_get_both_commands(tmp_path, caplog):
    path = _write(tmp_path / "both.nc", _values(), valid_min=np.float32(280.0), valid_max=np.float32(289.0))
    (said,) = _said(caplog, path)
    assert "lie below its valid_min, 280 K" in said and "lie above its valid_max, 289 K" in said
    assert "not a few codes but both tails of the data" in said
    assert f"ncatted -a valid_min,tas,d,, -a valid_max,tas,d,, {path} " in said


def test_a_few_codes_beyond_the_range_are_only_noted(tmp_path, caplog):
    """What a valid range is for: -999 and -888 below valid_min 0 are no tail of the data."""
    values = _values()
    values[:, 0, :3] = -999.0
    values[:, 1, :2] = -888.0
    path = _write(tmp_path / "codes.nc", values, valid_min=np.float32(0.0))
    assert _said(caplog, path) == []
    (note,) = _said(caplog, path, logging.INFO)
    # by hand: 3 + 2 cells on each of the 24 steps checked
    assert note == (f"'tas' in codes.nc: of the {STEPS.size * LAT.size * LON.size} values checked, {5 * STEPS.size} "
                    "lie below its valid_min, 0 K (from -999 to -888), read as missing: a few codes (CF §2.5.1)")


def test_data_inside_the_range_say_nothing(tmp_path, caplog):
    path = _write(tmp_path / "inside.nc", _values(), valid_range=np.array([100.0, 400.0], "f4"))
    assert _said(caplog, path, logging.INFO) == []


def test_opening_reads_nothing(tmp_path):
    """The data layer stays lazy until the batch boundary: the sample is part of the graph."""
    path = _write(tmp_path / "vmax.nc", _values(), valid_max=np.float32(289.0))

    def raising(graph, keys, **kwargs):
        raise AssertionError("dask computed while opening")

    with dask.config.set(scheduler=raising):
        tas = open_dataset([path])["tas"]
    assert tas.chunks is not None


def test_a_run_says_it_once_and_trains_on_the_kept_values(tmp_path, caplog):
    values = _values()
    path = _write(tmp_path / "vmax.nc", values, valid_max=np.float32(289.0))
    forget_notes()
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"], "features": []}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        data = prepare_data(config)
    assert caplog.text.count("lie above its valid_max, 289 K") == 1
    # the samples are the values at or below 289 K, as CF says
    assert data.samples.target.max() <= 289.0
    assert len(data.samples.target) == int((values <= 289.0).sum())


@pytest.mark.parametrize("first", [pytest.param({}, id="first-file-without-range"),
                                   pytest.param({"valid_max": np.float32(400.0)}, id="first-file-range-wider")])
def test_a_later_files_range_is_checked_with_its_own_values(tmp_path, caplog, first):
    """encodfix: xarray keeps the first file's encoding, so only the first file's range was checked, and a later
    file whose valid_max cut its warm tail was trained on without a word."""
    values = _values()
    files = [_write(tmp_path / "tas_2000.nc", _values() - 30.0, start=2000, **first),
             _write(tmp_path / "tas_2004.nc", values, start=2004, valid_max=np.float32(289.0)),
             _write(tmp_path / "tas_2008.nc", _values() - 30.0, start=2008, **first)]
    # by hand: the values of the second file above 289 on its 24 steps checked
    above = values[STEPS][values[STEPS] > 289.0]
    (said,) = _said(caplog, files)
    assert said.startswith(f"'tas' in tas_2004.nc: of the {STEPS.size * LAT.size * LON.size} values checked, "
                           f"{above.size} lie above its valid_max, 289 K (from {above.min():g} to {above.max():g})")
    # fix38i: a copy of each file of the series in a new folder, the limit removed from tas_2004.nc's
    # fix54b: the one file of its own command gets it on it, not a loop over it alone
    assert f"for tas_2004.nc: mkdir -p {tmp_path}/valid_range_removed && ncatted -a " in without_guards(said)
    assert (f" {files[1]} {tmp_path}/valid_range_removed/tas_2004.nc (its copy in a new folder, with the other "
            "files' copies)") in said
    assert f"do ncks \"$f\" {tmp_path}/valid_range_removed/" in said
    if shutil.which("ncatted") is not None:  # every line as printed, guards and all: a copy of each file
        lines = re.findall(rf"({GUARD}mkdir -p \S+/valid_range_removed && .*?) \((?:its copy|a copy)", said)
        assert len(lines) == 2, said
        for line in lines:
            subprocess.run(["bash", "-c", line], check=True, capture_output=True)
        copies = sorted((tmp_path / "valid_range_removed").glob("*.nc"))
        assert [copy.name for copy in copies] == ["tas_2000.nc", "tas_2004.nc", "tas_2008.nc"]
        with xr.open_dataset(copies[1], mask_and_scale=False) as copy:
            assert "valid_max" not in copy["tas"].attrs
        assert int(np.isnan(open_dataset(copies)["tas"].values).sum()) == 0  # no tail cut in any copy
    # masked in that file only, as before
    assert int(np.isnan(open_dataset(files)["tas"].values).sum()) == int((values > 289.0).sum())


def test_the_other_files_with_a_tail_are_named(tmp_path, caplog):
    files = [_write(tmp_path / f"tas_{start}.nc", _values(), start=start, **({"valid_max": np.float32(289.0)}
                                                                            if start > 2000 else {}))
             for start in (2000, 2004, 2008)]
    (said,) = _said(caplog, files)
    assert said.startswith("'tas' in tas_2004.nc: ")
    assert said.endswith(" (so does its valid range in 1 other file: tas_2008.nc)")


def test_a_folder_whose_files_all_cut_a_tail_gets_a_copy_of_each(tmp_path, caplog, monkeypatch):
    """fix38i: of 3 files with the same stale valid_max, the ncatted named the first alone (tas_2000.nc
    tas_2000_fixed.nc) and the others kept it; now a loop writes a copy of each without it, and the copies open
    with every value (none read as missing) and nothing to warn about."""
    import subprocess

    monkeypatch.chdir(tmp_path)
    (tmp_path / "tas").mkdir()
    values = {start: _values() + (start - 2000) / 10 for start in (2000, 2004, 2008)}
    files = [_write(tmp_path / "tas" / f"tas_{start}.nc", values[start], start=start, valid_max=np.float32(289.0))
             for start in values]
    (said,) = _said(caplog, files)
    assert "then give --data 'tas/valid_range_removed/*.nc' in place of the originals" in said
    # the loop with the guard before it (none_there_in_loop's check of every copy, then mkdir -p … done)
    command = said[said.index("( for f in "):said.index("; done )", said.index("mkdir -p ")) + len("; done )")]
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path)
    copies = sorted((tmp_path / "tas" / "valid_range_removed").glob("*.nc"))
    assert [copy.name for copy in copies] == ["tas_2000.nc", "tas_2004.nc", "tas_2008.nc"]
    np.testing.assert_array_equal(open_dataset(copies)["tas"].values,
                                  np.concatenate([values[start] for start in (2000, 2004, 2008)]))
    assert _said(caplog, copies) == []


@pytest.mark.parametrize("dtype", [pytest.param("f4", id="float32"), pytest.param("i2", id="packed-int16")])
def test_a_run_reads_a_file_whose_valid_range_cuts_a_tail_once(tmp_path, caplog, bytes_read, dtype):
    """fix41b: the tail's sample was a computation of its own after the checks of every value (the file read
    twice before training: each file's checked steps lie in every block of a small file). Now its blocks keep
    the keys of the file's reads and are counted in the same computation: each value is read once, and the
    warning's numbers are numpy's on the values as written."""
    values = _values()
    files = [_write(tmp_path / f"part{number}.nc", values + number, dtype=dtype, start=2000 + 4 * number,
                    valid_max=np.float32(289.0) if dtype == "f4" else np.int16(400)) for number in range(2)]
    config = build_config({"data": {"paths": [str(path) for path in files], "target": "tas", "predictors": ["pred"]}})
    forget_notes()
    bytes_read.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_selected(config)
    assert bytes_read["tas"] == 2 * values.size * np.dtype(dtype).itemsize
    (said,) = [record.getMessage() for record in caplog.records if "valid_max" in record.getMessage()]
    stored = values[STEPS] if dtype == "f4" else np.round((values[STEPS] - 285.0) / 0.01).astype("i2") * np.float32(
        0.01) + np.float32(285.0)
    above = stored[stored > 289.0]
    assert (f"of the {STEPS.size * LAT.size * LON.size} values checked, {above.size} lie above its valid_max, 289 K "
            f"(from {above.min():g} to {above.max():g})") in said
    assert "so does its valid range in 1 other file: part1.nc" in said


@pytest.mark.parametrize(("chunk_size", "every_block"), [
    pytest.param("100B", False, id="a-block-per-step-half-unsampled"),
    pytest.param("200B", True, id="two-steps-a-block"),
    pytest.param("128MiB", True, id="one-block"),
])
def test_a_region_of_a_file_is_read_once_however_its_blocks_are_sampled(tmp_path, caplog, bytes_read, chunk_size,
                                                                        every_block):
    """fix41b: the checks of every value read a variable from its valid range's sample reads only where the sample
    reads every block of the file (24 checked steps of 48 one-step blocks leave half unread: those checks then read
    their own, a region of each block); either way no value of the file is read twice for a run of a region."""
    path = _write(tmp_path / "blocks.nc", _values(), valid_max=np.float32(289.0))
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"],
                                    "region": "-30,70,0,360"}})
    forget_notes()
    bytes_read.clear()
    with dask.config.set({"array.chunk-size": chunk_size}), caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_selected(config)
    (record,) = every_file_records(opened["tas"], OUTSIDE_VALID_RANGE_KEY)
    assert record.every_block is every_block and read_with_its_sample(opened["tas"]) is every_block
    assert bytes_read["tas"] == N_TIME * LAT.size * LON.size * 4
    assert "lie above its valid_max, 289 K" in caplog.text
