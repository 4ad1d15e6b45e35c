"""A target whose own quality flag calls some of its values unusable (climann/data/quality_levels.py)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import subprocess

import netCDF4 as nc
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.quality_levels import quality_flag, warn_low_quality_target
from climann.data.value_checks import warn_held_values
from climann.workflow.config import build_config
from climann.workflow.preparation import open_selected
from tests.fresh_python import bare_python, run_python, shell_path


def _write_ghrsst_l3c(out, n_days=12, seed=0, *, flag_meanings=None, valid_range=True, flags_as_text=False):
    """GHRSST L3C daily files (GDS 2.0, OSI SAF): packed int16 SST in kelvin, quality_level 0-5 named in its
    ancillary_variables (30 % of the sea at levels 1-2), l2p_flags bit field; the levels and the land.
    ``valid_range``: the SST's valid_min and valid_max written (a run reads their values again for its
    valid-range check, climann.data.valid_range_tails). ``flags_as_text``: flag_values and flag_masks written as
    text ("0b, 1b, …", as some writers copy ncdump's CDL)."""
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    lat, lon = np.arange(-7.5, 8, 3.0)[::-1].astype("f4"), np.arange(-10.5, 12, 3.0).astype("f4")
    lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
    land = (lat2 > 4) & (lon2 > 5)
    meanings = flag_meanings or "no_data bad_data worst_quality low_quality acceptable_quality best_quality"
    levels = []
    for d in range(n_days):
        day = dt.datetime(2015, 1, 1) + dt.timedelta(days=d)
        sst = 300 - 0.1 * np.abs(lat2) + np.sin(2 * np.pi * d / 365) + rng.normal(0, 0.3, lat2.shape)
        level = np.where(rng.random(lat2.shape) < 0.3, rng.integers(1, 3, lat2.shape), rng.integers(3, 6, lat2.shape))
        level = np.where(land, 0, level).astype("i1")
        levels.append(level)
        with nc.Dataset(out / f"{day:%Y%m%d}120000-OSISAF-L3C_GHRSST-SSTsubskin-AVHRR_SST_METOP_B-v02.0-fv01.0.nc",
                        "w") as f:
            for name, size in (("time", 1), ("lat", lat.size), ("lon", lon.size)):
                f.createDimension(name, size)
            t = f.createVariable("time", "i4", ("time",))
            t.standard_name, t.units, t.calendar = "time", "seconds since 1981-01-01 00:00:00", "gregorian"
            t[:] = int((day + dt.timedelta(hours=12) - dt.datetime(1981, 1, 1)).total_seconds())
            for name, values, units in (("lat", lat, "degrees_north"), ("lon", lon, "degrees_east")):
                axis = f.createVariable(name, "f4", (name,))
                axis.units, axis[:] = units, values
            v = f.createVariable("sea_surface_temperature", "i2", ("time", "lat", "lon"), fill_value=np.int16(-32768))
            v.standard_name, v.units = "sea_surface_subskin_temperature", "kelvin"
            v.add_offset, v.scale_factor = np.float32(273.15), np.float32(0.01)
            if valid_range:
                v.valid_min, v.valid_max = np.int16(-300), np.int16(4500)
            v.ancillary_variables = "quality_level l2p_flags"
            v[:] = np.ma.masked_array(sst, mask=land)[None]
            q = f.createVariable("quality_level", "i1", ("time", "lat", "lon"), fill_value=np.int8(-128))
            q.long_name, q.valid_min, q.valid_max = "quality level of SST pixel", np.int8(0), np.int8(5)
            q.flag_values = ", ".join(f"{v}b" for v in range(6)) if flags_as_text else np.arange(6, dtype="i1")
            q.flag_meanings = meanings
            q[:] = level[None]
            flags = f.createVariable("l2p_flags", "i2", ("time", "lat", "lon"))
            flags.flag_masks = "1s, 2s, 4s" if flags_as_text else np.array([1, 2, 4], "i2")
            flags.flag_meanings = "microwave land ice"
            flags[:] = np.where(land, 2, 0).astype("i2")[None]
    return np.array(levels), land


def _run_printed(said: str, tmp_path) -> None:
    """Run the one xarray line of ``said`` as printed: its copy goes into a new folder, which the line makes
    first (fix53a), then ``python -c`` (the interpreter of this test)."""
    folder, code = re.search(r'mkdir -p (\S+) && python -c "([^"]+)"', bare_python(said)).groups()
    (tmp_path / folder).mkdir()
    run_python("-c", code, check=True, cwd=tmp_path)


@pytest.mark.parametrize(("meanings", "said_levels", "flags_as_text"), [
    pytest.param(None, "0 no_data, 1 bad_data, 2 worst_quality", False, id="ghrsst-gds2"),
    pytest.param("unprocessed bad worst low acceptable best", "0 unprocessed, 1 bad, 2 worst", False, id="lakes-cci-short"),
    pytest.param(None, "0 no_data, 1 bad_data, 2 worst_quality", True, id="levels-as-text"),
])
def test_the_share_at_bad_levels_is_warned_and_the_printed_loop_masks_them(tmp_path, caplog, meanings, said_levels,
                                                                           flags_as_text):
    """break39b B4: a GHRSST L3C folder was trained and scored on every quality_level without a word. The warning
    gives the share of the SST's values at levels 0-2 (numpy on the written levels) and a loop that, run with bash
    as printed, writes copies whose SST is missing exactly there and unchanged elsewhere; the copies warn no more.
    break45c A4: ESA CCI Lakes' short words ("unprocessed bad worst low acceptable best") were "cannot rank"
    beside a level called bad, and the line came back on its own output. Session 71: levels written as text
    ("0b, 1b, …") were no quality flag at all, and every level was trained on without a word."""
    folder = tmp_path / "l3c"
    levels, land = _write_ghrsst_l3c(folder, n_days=4, flag_meanings=meanings, flags_as_text=flags_as_text)
    files = sorted(folder.glob("*.nc"))
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(open_dataset(files), "sea_surface_temperature", where="l3c")
    (said,) = [record.getMessage() for record in caplog.records]
    sea = ~np.broadcast_to(land, levels.shape)
    n_bad, n_sea = int((sea & (levels <= 2)).sum()), int(sea.sum())
    assert (f"{n_bad} of the {n_sea} values of 'sea_surface_temperature' ({100 * n_bad / n_sea:.1f} %) have "
            f"quality_level {said_levels}, the lowest levels") in said
    assert 0.2 < n_bad / n_sea < 0.4
    loop = re.search(r"to leave them out: (mkdir -p .*?; done \)) \(a copy of each of its 4 files in a new folder\), "
                     r"then give --data '(.*?)' in place of the originals", said)
    assert loop is not None, said
    # the printed line calls "python": this test's (with xarray) first on the PATH
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", loop.group(1)], check=True, env={**os.environ, "PATH": path})
    copies = sorted((folder / "quality_masked").glob("*.nc"))
    assert loop.group(2) == str(folder / "quality_masked" / "*.nc") and len(copies) == 4
    before = open_dataset(files)["sea_surface_temperature"].values
    after = open_dataset(copies)["sea_surface_temperature"].values
    np.testing.assert_array_equal(np.isnan(after), ~sea | (levels <= 2))
    np.testing.assert_array_equal(after[sea & (levels >= 3)], before[sea & (levels >= 3)])
    with nc.Dataset(copies[0]) as written:  # the packing kept: int16 hundredths of a kelvin
        assert written["sea_surface_temperature"].dtype == np.int16
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(open_dataset(copies), "sea_surface_temperature", where="copies")
    assert caplog.records == []


@pytest.mark.parametrize(("meanings", "found"), [
    pytest.param(None, ("quality_level", [0, 1, 2], ["no_data", "bad_data", "worst_quality"]), id="ghrsst-gds2"),
    pytest.param("missing bad good probably_good acceptable best", ("quality_level", [0, 1], ["missing", "bad"]),
                 id="plain-words"),
    pytest.param("clear cloudy snow land water ice", None, id="classes-not-levels"),
    pytest.param("unprocessed bad worst low acceptable best", ("quality_level", [0, 1, 2], ["unprocessed", "bad", "worst"]),
                 id="lakes-cci-short-words"),
    pytest.param("no_retrieval bad_retrieval very_bad marginal intermediate good",
                 ("quality_level", [0, 1, 2], ["no_retrieval", "bad_retrieval", "very_bad"]), id="words-holding-bad"),
    pytest.param("not_bad bad low acceptable good best", None, id="not-bad-is-not-ranked-bad"),
    pytest.param("good suspect bad good_data probably_bad_data gap-filled", ("quality_level", [2, 4], ["bad", "probably_bad_data"]),
                 id="station-and-argo-words"),
    pytest.param("pass not_evaluated suspect fail missing interpolated", ("quality_level", [3, 4], ["fail", "missing"]),
                 id="qartod-words"),
])
def test_only_flags_of_ordered_quality_levels_are_read(tmp_path, meanings, found):
    _write_ghrsst_l3c(tmp_path, n_days=1, flag_meanings=meanings)
    dataset = open_dataset(sorted(tmp_path.glob("*.nc")))
    assert quality_flag(dataset, "sea_surface_temperature") == found


def _share_said(n_bad: int, n_held: int) -> str:
    return (f"{n_bad} of the {n_held} values of 'sea_surface_temperature' ({100 * n_bad / n_held:.1f} %) have "
            f"quality_level 0 no_data, 1 bad_data, 2 worst_quality, the lowest levels of its own quality flag")


def test_the_quality_counts_read_the_target_in_the_value_checks_one_read(tmp_path, caplog, bytes_read):
    """fix40a: the counts of the warning were a dask.compute of their own, after the value checks': the target's
    values read twice. With the target given, the value checks read it once, as without it, the flag once beside
    it, and the warning's counts are numpy's on the written levels."""
    levels, land = _write_ghrsst_l3c(tmp_path, n_days=6)
    opened = open_dataset(sorted(tmp_path.glob("*.nc")))
    sea = ~np.broadcast_to(land, levels.shape)
    reads, said = {}, {}
    for target in (None, "sea_surface_temperature"):
        bytes_read.clear()
        forget_notes()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="climann"):
            warn_held_values(opened, ["sea_surface_temperature"], where="l3c", file=None, target=target)
        reads[target] = (bytes_read["sea_surface_temperature"], bytes_read["quality_level"])
        said[target] = [record.getMessage() for record in caplog.records if "quality flag" in record.getMessage()]
    stored = levels.size * 2  # int16, read once
    assert reads == {None: (stored, 0), "sea_surface_temperature": (stored, levels.size)}
    assert said[None] == []
    (message,) = said["sea_surface_temperature"]
    assert _share_said(int((sea & (levels <= 2)).sum()), int(sea.sum())) in message


def test_a_run_reads_its_target_and_its_quality_flag_once(tmp_path, caplog, bytes_read):
    """fix40a: a run's opening read a GHRSST target twice before training (the checks of every value, then the
    quality levels' counts); now once, and its quality_level once (no valid range here: its check reads a sample of
    its own, climann.data.valid_range_tails)."""
    levels, land = _write_ghrsst_l3c(tmp_path, n_days=6, valid_range=False)
    files = sorted(tmp_path.glob("*.nc"))
    config = build_config({"data": {"paths": [str(path) for path in files], "target": "sea_surface_temperature",
                                    "predictors": []}})
    forget_notes()
    bytes_read.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_selected(config)
    assert (bytes_read["sea_surface_temperature"], bytes_read["quality_level"]) == (levels.size * 2, levels.size)
    sea = ~np.broadcast_to(land, levels.shape)
    assert _share_said(int((sea & (levels <= 2)).sum()), int(sea.sum())) in caplog.text


@pytest.mark.parametrize("flag_dims", [pytest.param(("time", "lat", "lon"), id="by-step"),
                                       pytest.param(("lon", "lat"), id="static-transposed")])
def test_the_counts_pair_the_flag_with_the_target_block_by_block(caplog, flag_dims):
    """Blocks of the flag chunked otherwise than the target's, or on fewer dimensions in another order, are paired
    with the target's over the same cells: the counts are numpy's (missing values of the target not counted)."""
    rng = np.random.default_rng(40)
    sst = rng.normal(290.0, 2.0, (10, 4, 6))
    sst[rng.random(sst.shape) < 0.2] = np.nan
    shape = tuple({"time": 10, "lat": 4, "lon": 6}[dim] for dim in flag_dims)
    levels = rng.integers(0, 6, shape).astype("f4")
    attrs = {"flag_values": np.arange(6, dtype="i1"),
             "flag_meanings": "no_data bad_data worst_quality low_quality acceptable_quality best_quality"}
    dataset = xr.Dataset({"sea_surface_temperature": (("time", "lat", "lon"), sst,
                                                      {"units": "K", "ancillary_variables": "quality_level"}),
                          "quality_level": (flag_dims, levels, attrs)},
                         coords={"time": pd.date_range("2015-01-01", periods=10), "lat": np.arange(4.0),
                                 "lon": np.arange(6.0)})
    dataset = dataset.chunk({"time": 3, "lat": 4, "lon": 6})
    dataset["quality_level"] = dataset["quality_level"].chunk({"lat": 1, "lon": 4})
    on_target = dataset["quality_level"].transpose(*[dim for dim in ("time", "lat", "lon") if dim in flag_dims]).values
    held = ~np.isnan(sst)
    at_bad = held & np.broadcast_to(on_target <= 2, sst.shape)
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_held_values(dataset, ["sea_surface_temperature"], where="l3c", file=None, target="sea_surface_temperature")
    assert int(at_bad.sum()) > 0
    assert _share_said(int(at_bad.sum()), int(held.sum())) in caplog.text


def _write_ismn(path, n_hours=600, seed=4):
    """mk_ismn.py of the report, smaller: two stations' hourly soil moisture with ISMN's text flags (G; D01 5 %;
    C03 1 %, the value then 0.6 m3 m-3, above saturation) in a char array named in its ancillary_variables, and a
    few values missing. Returns the flags and the values as written (NaN where missing)."""
    rng = np.random.default_rng(seed)
    flags = np.full((2, n_hours), "G", dtype="U8")
    flags[rng.random(flags.shape) < 0.05] = "D01"
    bad = rng.random(flags.shape) < 0.01
    flags[bad] = "C03"
    values = np.where(bad, 0.6, rng.normal(0.25, 0.02, flags.shape))
    values[rng.random(flags.shape) < 0.02] = np.nan
    with nc.Dataset(path, "w") as f:
        f.createDimension("station", 2), f.createDimension("time", n_hours), f.createDimension("flag_strlen", 8)
        f.createDimension("name_strlen", 12)
        t = f.createVariable("time", "f8", ("time",))
        t.units, t.standard_name, t.calendar = "hours since 2015-01-01 00:00:00", "time", "gregorian"
        t[:] = np.arange(n_hours)
        names = f.createVariable("station_name", "S1", ("station", "name_strlen"))
        names.cf_role = "timeseries_id"
        names[:] = nc.stringtochar(np.array(["FR_Aqui_S1", "TERENO_W1"], "S12"))
        for name, value, units in (("lat", [44.6, 51.1], "degrees_north"), ("lon", [-0.9, 6.3], "degrees_east")):
            axis = f.createVariable(name, "f4", ("station",))
            axis.standard_name, axis.units, axis[:] = {"lat": "latitude", "lon": "longitude"}[name], units, value
        v = f.createVariable("soil_moisture", "f4", ("station", "time"), fill_value=np.float32(-9999.0))
        v.units, v.standard_name = "m3 m-3", "volume_fraction_of_condensed_water_in_soil"
        v.coordinates, v.ancillary_variables = "lat lon station_name", "soil_moisture_flag"
        v[:] = np.where(np.isnan(values), -9999.0, values)
        q = f.createVariable("soil_moisture_flag", "S1", ("station", "time", "flag_strlen"))
        q.long_name = "ISMN quality flag"
        q[:] = nc.stringtochar(flags.astype("S8"))
        f.featureType = "timeSeries"
    return flags, values.astype("f4")


def test_ismn_text_flags_other_than_good_are_warned_of_and_the_printed_line_keeps_only_good(tmp_path, caplog):
    """break42a A6: ISMN's soil_moisture_flag ('G', 'D01', 'C03': above saturation), named in the target's
    ancillary_variables, was only listed among the metadata left out, and its C03 values (0.6 m3 m-3) trained on
    without a note. The warning counts the target's values flagged other than G by code (numpy on the written
    flags) and its python line, run as printed, keeps exactly the values flagged G."""

    flags, values = _write_ismn(tmp_path / "ismn.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([tmp_path / "ismn.nc"], select={"station": "FR_Aqui_S1"})
        warn_held_values(dataset, ["soil_moisture"], where="ismn.nc", file=tmp_path / "ismn.nc",
                         target="soil_moisture")
    (said,) = [record.getMessage() for record in caplog.records if "soil_moisture_flag" in record.getMessage()]
    held = ~np.isnan(values[0])
    n_other = int((held & (flags[0] != "G")).sum())
    codes = {code: int((held & (flags[0] == code)).sum()) for code in ("C03", "D01")}
    assert min(codes.values()) > 0
    assert (f"{n_other} of the {int(held.sum())} values of 'soil_moisture' ({100 * n_other / held.sum():.1f} %) "
            f"have soil_moisture_flag other than G (good) (C03 {codes['C03']}, D01 {codes['D01']})") in said
    assert "which climann does not apply" in said
    _run_printed(said, tmp_path)
    with xr.open_dataset(tmp_path / "quality_masked" / "ismn.nc") as copy:
        np.testing.assert_array_equal(copy["soil_moisture"].values, np.where(flags == "G", values, np.nan))


def _write_station_qc(path, *, codes, meanings, weights, n_hours=900, seed=7):
    """An urban station network's hourly air temperature (mk_lcz.py of break43d, smaller): ``ta(time, station)``
    in degC naming ``ta_qc`` in its ancillary_variables, ``ta_qc`` a CF flag variable of ``codes`` and
    ``meanings`` drawn with ``weights``; the values flagged at the last code 15 degC off (a spiking sensor), a few
    values missing; a class variable ``lcz`` (local climate zone) and two predictors beside. Returns the flags
    and the values as written (NaN where missing), shape (n_hours, 3)."""
    rng = np.random.default_rng(seed)
    shape = (n_hours, 3)
    hours = np.arange(n_hours)
    truth = 15 + 4 * np.sin(np.pi * (hours % 24 - 9) / 12)[:, None] + rng.normal(0, 0.5, shape)
    flags = rng.choice(np.asarray(codes, "i1"), size=shape, p=weights)
    values = np.where(flags == codes[-1], truth + 15, truth)
    values[rng.random(shape) < 0.02] = np.nan
    with nc.Dataset(path, "w") as f:
        f.createDimension("time", n_hours), f.createDimension("station", 3)
        t = f.createVariable("time", "f8", ("time",))
        t.units, t.standard_name, t.calendar = "hours since 2019-01-01 00:00:00", "time", "standard"
        t[:] = hours
        for name, value, units in (("lat", [35.69, 35.67, 35.73], "degrees_north"),
                                   ("lon", [139.70, 139.82, 139.65], "degrees_east")):
            axis = f.createVariable(name, "f8", ("station",))
            axis.standard_name, axis.units, axis[:] = {"lat": "latitude", "lon": "longitude"}[name], units, value
        lcz = f.createVariable("lcz", "i1", ("station",))
        lcz.long_name, lcz.flag_values, lcz.flag_meanings = ("local climate zone", np.array([1, 2, 6], "i1"),
                                                             "compact_high_rise compact_midrise open_low_rise")
        lcz[:] = [1, 2, 6]
        v = f.createVariable("ta", "f4", ("time", "station"), fill_value=np.float32(-999.0))
        v.units, v.standard_name, v.coordinates, v.ancillary_variables = "degC", "air_temperature", "lat lon", "ta_qc"
        v[:] = np.where(np.isnan(values), -999.0, values)
        q = f.createVariable("ta_qc", "i1", ("time", "station"))
        q.long_name, q.flag_values, q.flag_meanings = "quality flag for ta", np.asarray(codes, "i1"), meanings
        q.coordinates = "lat lon"
        q[:] = flags
        for name, units, data in (("rh", "%", 70 - 2 * (truth - 15)), ("rsds", "W m-2", rng.uniform(0, 800, shape))):
            p = f.createVariable(name, "f4", ("time", "station"))
            p.units, p.coordinates, p[:] = units, "lat lon", data
        f.featureType = "timeSeries"
    return flags, values.astype("f4")


@pytest.mark.parametrize(("codes", "meanings", "bad", "doubtful"), [
    pytest.param([0, 1, 2], "good suspect bad", [2], [1], id="station-good-suspect-bad"),
    pytest.param([1, 2, 3, 4, 9], "PASS NOT_EVALUATED SUSPECT FAIL MISSING", [4, 9], [2, 3], id="qartod"),
    pytest.param([1, 2, 3, 4, 8], "good_data probably_good_data probably_bad_data bad_data interpolated_value",
                 [3, 4], [8], id="argo"),
])
def test_the_usual_qc_words_are_ranked_and_the_bad_values_warned_of_with_the_doubtful_kept_and_counted(
        tmp_path, caplog, codes, meanings, bad, doubtful):
    """break43d A1: ta_qc "good suspect bad" fell out of the word lists and 1.09 % of spikes 15 degC off were
    trained and scored on without a word. The usual QC words (QARTOD's, Argo's) are ranked: the warning says
    the share of the held values at the bad levels and the count at each doubtful level kept (numpy on the
    written flags, one station chosen), and its line, run as printed, masks exactly the bad levels' values
    (of every station: the line copies the file)."""

    weights = np.full(len(codes), 0.04)
    weights[0] = 1 - 0.04 * (len(codes) - 1)
    flags, values = _write_station_qc(tmp_path / "lcz.nc", codes=codes, meanings=meanings, weights=weights)
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([tmp_path / "lcz.nc"], select={"station": 1})
        warn_held_values(dataset, ["ta"], where="lcz.nc", file=tmp_path / "lcz.nc", target="ta")
    (said,) = [record.getMessage() for record in caplog.records if "ta_qc" in record.getMessage()]
    held = ~np.isnan(values[:, 1])
    n_bad = int((held & np.isin(flags[:, 1], bad)).sum())
    words = dict(zip(codes, meanings.lower().split()))
    assert n_bad > 0
    assert (f"{n_bad} of the {int(held.sum())} values of 'ta' ({100 * n_bad / held.sum():.1f} %) have ta_qc "
            f"{', '.join(f'{code} {words[code]}' for code in bad)}, the lowest levels of its own quality flag") in said
    kept = ", ".join(f"{code} {words[code]} ({int((held & (flags[:, 1] == code)).sum())})" for code in doubtful)
    assert f"(its levels {kept} are kept by it: " in said
    assert "GHRSST" not in said
    _run_printed(said, tmp_path)
    with xr.open_dataset(tmp_path / "quality_masked" / "lcz.nc") as copy:
        np.testing.assert_array_equal(copy["ta"].values, np.where(np.isin(flags, bad), np.nan, values))


def test_a_quality_flag_whose_meanings_cannot_be_ranked_is_told_with_a_line_that_keeps_the_levels_chosen(
        tmp_path, caplog):
    """A flag the target's ancillary_variables name whose meanings are no usual quality words is still its
    quality flag: the warning says that none of its levels is left out, the held values at each (numpy), and
    a line keeping the level holding the most values, which run as printed keeps exactly those values."""

    flags, values = _write_station_qc(tmp_path / "lcz.nc", codes=[0, 1, 2], meanings="A B C",
                                      weights=[0.9, 0.07, 0.03])
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(open_dataset([tmp_path / "lcz.nc"], select={"station": 2}), "ta", where="lcz.nc")
    (said,) = [record.getMessage() for record in caplog.records]
    held = ~np.isnan(values[:, 2])
    at = {code: int((held & (flags[:, 2] == code)).sum()) for code in (0, 1, 2)}
    assert ("'ta' has its own quality flag ta_qc (its ancillary_variables, CF 3.4) whose meanings a, b, c are not "
            "among the usual quality words (good, pass, suspect, bad, fail, missing …), so climann cannot rank its "
            "levels into good and bad and none of them is left out") in said
    assert f"the {int(held.sum())} values of 'ta' are trained and scored on at every level (0 a ({at[0]}), " \
           f"1 b ({at[1]}), 2 c ({at[2]}))" in said
    assert "to keep only the levels you trust (here [0], the level holding the most values: change the list)" in said
    _run_printed(said, tmp_path)
    with xr.open_dataset(tmp_path / "quality_masked" / "lcz.nc") as copy:
        np.testing.assert_array_equal(copy["ta"].values, np.where(flags == 0, values, np.nan))
    forget_notes()  # break45c A4: on its own output the line changes nothing, and is not offered again
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(open_dataset([tmp_path / "quality_masked" / "lcz.nc"], select={"station": 2}), "ta",
                                where="lcz_quality_masked.nc")
    assert [record.getMessage() for record in caplog.records if "ta_qc" in record.getMessage()] == []


def test_the_targets_quality_flag_is_ancillary_data_not_classes_to_learn_from(tmp_path, caplog):
    """break43d A1: the target's ta_qc was listed among the class variables, with the advice to give one 0/1
    variable per class: a predictor telling the network where the target is 15 degC off. It is left out as the
    target's ancillary data (the class variable lcz beside it still as classes), and named as a predictor it is
    told to be the target's quality flag, with no 0/1 advice."""
    from climann.data.defaults import default_inputs
    from climann.data.flags import warn_flag_predictors

    _write_station_qc(tmp_path / "lcz.nc", codes=[0, 1, 2], meanings="good suspect bad", weights=[0.9, 0.07, 0.03])
    dataset = open_dataset([tmp_path / "lcz.nc"], select={"station": 0})
    chosen = default_inputs(dataset, "ta")
    assert chosen.predictors == ("rh", "rsds")
    assert list(chosen.flags) == ["lcz"] and list(chosen.ancillary) == ["ta_qc"]
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_flag_predictors(dataset, ["ta_qc", "lcz"], where="lcz.nc", target="ta")
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 2
    assert said[0].startswith("'ta_qc' in ") and "is the quality flag of the target 'ta'" in said[0]
    assert "0/1" not in said[0] and "0/1 variable per class" in said[1]


def test_the_line_keeping_several_usable_levels_is_not_offered_again_on_its_own_output(tmp_path, caplog):
    """break45c A4: a flag with one word climann cannot rank beside usable ones ("raw good best") keeps the usable
    levels [1, 2]; its masked copy still holds values at both, and the same warning came back with a line writing
    …_quality_masked_2.nc. The message names the word it cannot rank; the copy (checked with numpy: the values
    at level 0 gone, the others unchanged) is not warned of again."""

    flags, values = _write_station_qc(tmp_path / "lcz.nc", codes=[0, 1, 2], meanings="raw good best",
                                      weights=[0.1, 0.5, 0.4])
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(open_dataset([tmp_path / "lcz.nc"], select={"station": 0}), "ta", where="lcz.nc")
    (said,) = [record.getMessage() for record in caplog.records]
    assert "whose meanings raw are not among the usual quality words" in said
    assert "(here [1, 2], its usable levels: change the list)" in said
    _run_printed(said, tmp_path)
    with xr.open_dataset(tmp_path / "quality_masked" / "lcz.nc") as copy:
        np.testing.assert_array_equal(copy["ta"].values, np.where(flags == 0, np.nan, values))
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(open_dataset([tmp_path / "quality_masked" / "lcz.nc"], select={"station": 0}), "ta",
                                where="lcz_quality_masked.nc")
    assert [record.getMessage() for record in caplog.records if "ta_qc" in record.getMessage()] == []


def _eea_station(path):
    """An EEA e-reporting PM2.5 series with its Validity flag as CF flag_meanings (-99 not valid: maintenance, -1 not
    valid, 1 valid, 2 valid below the detection limit, 3 the same replaced by half that limit)."""
    time = pd.date_range("2019-01-01", periods=24 * 90, freq="h")
    rng = np.random.default_rng(5)
    pm = (10 + rng.gamma(2, 3, time.size)).astype(np.float32)
    validity = rng.choice(np.array([-99, -1, 1, 2, 3], "i2"), time.size, p=[0.02, 0.05, 0.83, 0.05, 0.05])
    pm[validity == -1] *= 5
    xr.Dataset({"pm25": ("time", pm, {"units": "ug m-3", "ancillary_variables": "pm25_validity"}),
                "pm25_validity": ("time", validity, {
                    "standard_name": "status_flag", "flag_values": np.array([-99, -1, 1, 2, 3], "i2"),
                    "flag_meanings": "not_valid_maintenance not_valid valid valid_below_detection_limit "
                                     "valid_below_detection_limit_replaced"})},
               coords={"time": time, "lat": ((), 51.5225, {"units": "degrees_north"}),
                       "lon": ((), -0.1546, {"units": "degrees_east"})}).to_netcdf(path)
    return validity


def test_the_eea_validity_ranks_not_valid_as_bad_and_valid_below_the_detection_limit_as_kept(tmp_path, caplog):
    """break45a A6: "not_valid" (the EEA's and many networks' word) could not be ranked, and its 5x spikes were
    trained on; the line that masks them is run as printed and leaves exactly the not-valid values out."""
    validity = _eea_station(tmp_path / "eea.nc")
    dataset = open_dataset([tmp_path / "eea.nc"])
    assert quality_flag(dataset, "pm25") == ("pm25_validity", [-99, -1], ["not_valid_maintenance", "not_valid"])
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(dataset, "pm25", where="eea.nc")
    message = next(record.getMessage() for record in caplog.records if "pm25_validity" in record.getMessage())
    bad = np.isin(validity, [-99, -1])
    assert message.startswith(f"eea.nc: {bad.sum()} of the {validity.size} values of 'pm25' "
                              f"({100 * bad.mean():.2g} %) have pm25_validity -99 not_valid_maintenance, -1 not_valid")
    assert "3 valid_below_detection_limit_replaced" in message  # doubtful: named with its count, kept
    _run_printed(message, tmp_path)
    with xr.open_dataset(tmp_path / "quality_masked" / "eea.nc") as masked:
        np.testing.assert_array_equal(np.isnan(masked["pm25"].values), bad)


def _write_cci_sm(path, *, with_flag=True, seed=0):
    """An ESA CCI SM v08.1 COMBINED day file (0.25°, 6×8 cells): ``sm`` (m3 m-3, missing where the flag's
    bit 1 or 4 holds), its ``ancillary_variables`` naming ``flag`` (bit masks 1…64, CCI's meanings),
    ``dnflag`` (flag_values 0…3: nan day night day_night_combination) and ``sensor`` (bit masks of
    instruments); ``flag`` left out unless ``with_flag``. Returns the flag, dnflag and sm written."""
    rng = np.random.default_rng(seed)
    shape = (1, 6, 8)
    flag = rng.choice(np.array([0, 0, 0, 2, 8, 16, 32, 64, 2 | 16, 64 | 8], "i1"), size=shape)
    dnflag = rng.choice(np.array([1, 2, 3], "i1"), size=shape)
    sm = rng.uniform(0.05, 0.45, shape).astype("f4")
    sm[rng.random(shape) < 0.1] = np.nan
    with nc.Dataset(path, "w") as f:
        f.createDimension("time", None), f.createDimension("lat", 6), f.createDimension("lon", 8)
        t = f.createVariable("time", "f8", ("time",))
        t.units, t.standard_name, t.calendar = "days since 1970-01-01 00:00:00 UTC", "time", "standard"
        t[:] = [17532.0]
        for name, values, units in (("lat", 40.125 - 0.25 * np.arange(6), "degrees_north"),
                                    ("lon", 10.125 + 0.25 * np.arange(8), "degrees_east")):
            axis = f.createVariable(name, "f4", (name,))
            axis.standard_name, axis.units, axis[:] = {"lat": "latitude", "lon": "longitude"}[name], units, values
        v = f.createVariable("sm", "f4", ("time", "lat", "lon"), fill_value=np.float32(-9999.0))
        v.units, v.standard_name = "m3 m-3", "volume_fraction_of_condensed_water_in_soil"
        v.ancillary_variables = ("flag " if with_flag else "") + "dnflag sensor"
        v[:] = np.where(np.isnan(sm), -9999.0, sm)
        if with_flag:
            q = f.createVariable("flag", "i1", ("time", "lat", "lon"), fill_value=np.int8(127))
            q.long_name, q.flag_masks = "Flag", np.array([1, 2, 4, 8, 16, 32, 64], "i1")
            q.flag_meanings = ("snow_coverage_or_temperature_below_zero dense_vegetation "
                               "others_no_convergence_in_the_model_thus_no_valid_sm_estimates "
                               "soil_moisture_value_exceeds_physical_boundary weight_of_measurement_below_threshold "
                               "all_datasets_deemed_unreliable barren_ground_advisory_flag")
            q[:] = flag
        d = f.createVariable("dnflag", "i1", ("time", "lat", "lon"), fill_value=np.int8(0))
        d.long_name, d.flag_values = "Day / Night Flag", np.array([0, 1, 2, 3], "i1")
        d.flag_meanings = "NaN day night day_night_combination"
        d[:] = dnflag
        s = f.createVariable("sensor", "i2", ("time", "lat", "lon"), fill_value=np.int16(0))
        s.long_name, s.flag_masks = "Sensor", np.array([1, 2, 4, 8], "i2")
        s.flag_meanings = "NaN SMMR SSMI AMSR2"
        s[:] = np.full(shape, 4 | 8, "i2")
    return flag, dnflag, sm


def test_cci_sm_quality_bits_are_told_and_masked_bitwise_and_its_day_night_flag_is_no_quality_flag(
        tmp_path, caplog):
    """break48b A3: ESA CCI SM's dnflag (day/night) was called sm's quality flag and the line kept dnflag == 3,
    the level holding the most values (two thirds of sm dropped for no reason of quality), while its quality
    flag of bit masks, ``flag``, was never named. ``flag`` is told, the held values with each bit set counted
    (numpy), and its line, a bitwise test run as printed, keeps exactly the values whose flag is 0 (numpy); the
    day/night and sensor flags are no quality flags; on the line's own output nothing is said again."""
    from climann.data.quality_levels import is_quality_flag

    flag, dnflag, sm = _write_cci_sm(tmp_path / "cci.nc")
    dataset = open_dataset([tmp_path / "cci.nc"])
    assert [is_quality_flag(dataset, name) for name in ("flag", "dnflag", "sensor")] == [True, False, False]
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(dataset, "sm", where="cci.nc")
    (said,) = [record.getMessage() for record in caplog.records]
    held = ~np.isnan(sm)
    n_bad = int((held & (flag != 0)).sum())
    assert 0 < n_bad < held.sum()
    bits = ", ".join(f"{mask} {meaning} ({int((held & (flag & mask != 0)).sum())})" for mask, meaning in zip(
        [1, 2, 4, 8, 16], ["snow_coverage_or_temperature_below_zero", "dense_vegetation",
                           "others_no_convergence_in_the_model_thus_no_valid_sm_estimates",
                           "soil_moisture_value_exceeds_physical_boundary", "weight_of_measurement_below_threshold"]))
    assert (f"{n_bad} of the {int(held.sum())} values of 'sm' ({100 * n_bad / held.sum():.1f} %) have a bit of its "
            f"own quality flag flag set (its ancillary_variables, CF 3.4; bit masks, CF 3.5 flag_masks: {bits}, ") in said
    assert "dnflag" not in said and "(127 is the sum of their masks" in said
    _run_printed(said, tmp_path)
    with xr.open_dataset(tmp_path / "quality_masked" / "cci.nc") as copy:
        np.testing.assert_array_equal(copy["sm"].values, np.where(flag == 0, sm, np.nan))
        np.testing.assert_array_equal(copy["dnflag"].values, dnflag)  # the day/night flag as it was
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(open_dataset([tmp_path / "quality_masked" / "cci.nc"]), "sm", where="copy")
    assert [record.getMessage() for record in caplog.records] == []


def test_a_day_night_flag_alone_is_not_taken_for_the_targets_quality_flag(tmp_path, caplog):
    """break48b A3: with no quality flag among sm's ancillary variables, dnflag (day night day_night_combination)
    and sensor are not taken for one: no warning, no line dropping values by overpass time."""
    from climann.data.quality_levels import quality_flag_levels

    _write_cci_sm(tmp_path / "cci.nc", with_flag=False)
    dataset = open_dataset([tmp_path / "cci.nc"])
    assert quality_flag_levels(dataset, "sm") is None
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(dataset, "sm", where="cci.nc")
    assert [record.getMessage() for record in caplog.records if "flag" in record.getMessage()] == []


_OSI_MEANINGS = ("land lake open_water_filtered land_spill_over high_t2m spatial_interp temporal_interp "
                 "max_ice_climo")

#: OSI-450-a's status_flag:flag_descriptions (one line per bit, its mask in parentheses, bits numbered from 1).
_OSI_DESCRIPTIONS = (
    "\nall bits to 0 (flag 0): Nominal retrieval by the SIC algorithm\n"
    "bit 1 (flag 1): Position is over land\n"
    "bit 2 (flag 2): Position is lake\n"
    "bit 3 (flag 4): SIC is set to zero by the open water filter\n"
    "bit 4 (flag 8): SIC value is changed for correcting land spill-over effects\n"
    "bit 5 (flag 16): Handle with caution, the 2m air temperature is high at this position, and this might be "
    "false ice\n"
    "bit 6 (flag 32): Value is the result of spatial interpolation\n"
    "bit 7 (flag 64): Value is the result of temporal interpolation\n"
    "bit 8 (flag 128): SIC is set to zero since position is outside maximum sea ice climatology")


def _write_osi_450(path, *, with_bad=True, seed=3, day=0, descriptions=False, land_on_held=True):
    """An OSI-450-a-like daily file (OSI SAF sea-ice CDR v3): ``ice_conc`` int32 × 0.01 %, fill -32767, its
    ``status_flag`` a signed byte of bit masks 1…64, -128b (as distributed): open water set to 0 % by the
    open-water filter (bit 4), the interpolated pole hole (32), the maximum-ice climatology (-128b, bit 128),
    land (1) over missing values and, when ``with_bad``, on some held values too (``land_on_held`` False: high_t2m
    only); its ``flag_descriptions`` as distributed when ``descriptions``. Returns conc (%, NaN missing) and the
    flag as unsigned bits."""
    rng = np.random.default_rng(seed)
    shape = (2, 9, 10)
    conc = np.clip(rng.uniform(-40, 140, shape), 0, 100)
    flag = np.zeros(shape, "u1")
    flag[conc == 0] |= 4                      # open_water_filtered: a valid 0 %
    flag[:, :2, :2] |= 32                     # spatial_interp: the pole hole
    flag[:, -1, :] |= 128                     # max_ice_climo
    land = np.zeros(shape, bool)
    land[:, 4, 4:7] = True
    conc[land] = np.nan
    flag[land] |= 1
    if with_bad and land_on_held:
        flag[:, 6, :5] |= 1                   # a land bit on held values: a bad condition
    if with_bad:
        flag[:, 7, 5:] |= 16                  # high_t2m: bad by its word alone, doubtful by its description
    with nc.Dataset(path, "w") as f:
        for name, size in (("time", None), ("yc", 9), ("xc", 10)):
            f.createDimension(name, size)
        t = f.createVariable("time", "f8", ("time",))
        t.units, t.standard_name, t.calendar = "seconds since 1978-01-01 00:00:00", "time", "standard"
        t[:] = 1.2e9 + 86400.0 * (day + np.arange(2))
        for name in ("yc", "xc"):
            axis = f.createVariable(name, "f8", (name,))
            axis.units, axis.axis = "km", name[0].upper()
            axis.standard_name = f"projection_{name[0]}_coordinate"
            axis[:] = 250.0 * np.arange(f.dimensions[name].size)
        lat = f.createVariable("lat", "f4", ("yc", "xc"))
        lat.standard_name, lat.units = "latitude", "degrees_north"
        lat[:] = 70 + np.add.outer(np.arange(9.0), np.arange(10.0)) / 2
        lon = f.createVariable("lon", "f4", ("yc", "xc"))
        lon.standard_name, lon.units = "longitude", "degrees_east"
        lon[:] = np.add.outer(np.zeros(9), 10.0 * np.arange(10))
        v = f.createVariable("ice_conc", "i4", ("time", "yc", "xc"), fill_value=np.int32(-32767))
        v.scale_factor, v.units, v.standard_name = 0.01, "%", "sea_ice_area_fraction"
        v.coordinates, v.ancillary_variables = "lat lon", "status_flag"
        v.set_auto_maskandscale(False)  # packed here: × 100, missing as the fill
        v[:] = np.where(np.isnan(conc), -32767, np.round(np.nan_to_num(conc) * 100)).astype("i4")
        s = f.createVariable("status_flag", "i1", ("time", "yc", "xc"))
        s.long_name = "status flag bit array for sea ice concentration retrievals"
        s.standard_name = "sea_ice_area_fraction status_flag"
        s.flag_masks, s.flag_meanings = np.array([1, 2, 4, 8, 16, 32, 64, -128], "i1"), _OSI_MEANINGS
        if descriptions:
            s.flag_descriptions = _OSI_DESCRIPTIONS
        s[:] = flag.view("i1")
    return np.round(conc * 100) / 100, flag


@pytest.mark.parametrize(("meaning", "provenance"), [
    ("open_water_filtered", True), ("spatial_interp", True), ("temporal_interp", True), ("max_ice_climo", True),
    ("land_spill_over", True), ("interpolated", True), ("gap_filled", True), ("smoothed", True),
    ("land", False), ("lake", False), ("cloud_filtered", False), ("interpolation_failed", False),
    ("all_datasets_deemed_unreliable", False), ("dense_vegetation", False), ("bad_interpolated", False)])
def test_a_bit_that_says_how_a_value_was_made_is_provenance_not_quality(meaning, provenance):
    """break50b A1: the meaning's words decide: filtered, interpolated, climatology applied … say how a value
    was made; one that also says bad, cloud, failed … is a condition of quality."""
    from climann.data.quality_levels import is_provenance_meaning

    assert is_provenance_meaning(meaning) is provenance


def test_osi_450_processing_bits_are_provenance_and_the_line_keeps_every_valid_value(tmp_path, caplog):
    """break50b A1/A3: OSI-450's status_flag bits open_water_filtered, spatial_interp, max_ice_climo (processing
    notes: a 0 % set by the weather filter is a valid value) were warned of as quality and the printed line,
    run, deleted every open-water value. Now the line masks only the bad conditions (land, high_t2m): run as
    printed, the copy holds numpy's count and mean of the values with none of those bits set (every 0 % kept);
    the processing bits are named as provenance; the masks are the unsigned bits 128 and the sum 19 (1+2+16),
    never -128 or -1."""
    conc, flag = _write_osi_450(tmp_path / "osi.nc")
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        warn_low_quality_target(open_dataset([tmp_path / "osi.nc"]), "ice_conc", where="osi.nc")
    (said,) = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    held = ~np.isnan(conc)
    bad = held & (flag & (1 | 2 | 16) != 0)
    assert f"{int(bad.sum())} of the {int(held.sum())} values of 'ice_conc'" in said
    assert "-128" not in said and "-1 " not in said and "(19 is the sum of their masks" in said
    assert (f"4 open_water_filtered ({int((held & (flag & 4 != 0)).sum())}), 8 land_spill_over (0), 32 spatial_interp "
            f"({int((held & (flag & 32 != 0)).sum())}), 64 temporal_interp (0), 128 max_ice_climo "
            f"({int((held & (flag & 128 != 0)).sum())}) say how a value was made") in said
    _run_printed(said, tmp_path)
    with xr.open_dataset(tmp_path / "quality_masked" / "osi.nc") as copy:
        kept = copy["ice_conc"].values
    expected = conc[held & ~bad]
    assert np.isfinite(kept).sum() == expected.size and (expected == 0).sum() > 0
    np.testing.assert_allclose(np.nanmean(kept), expected.mean(), rtol=1e-12)
    assert (kept[np.isfinite(kept)] == 0).sum() == (expected == 0).sum()  # every open-water 0 % kept


def test_osi_450_with_only_processing_bits_set_is_told_in_one_note_and_nothing_is_masked(tmp_path, caplog):
    """break50b A1: with no bad bit on any held value (land only over missing values, as distributed), no
    warning and no line: one note names the bits left as provenance, with numpy's counts."""
    conc, flag = _write_osi_450(tmp_path / "osi.nc", with_bad=False)
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        warn_low_quality_target(open_dataset([tmp_path / "osi.nc"]), "ice_conc", where="osi.nc")
    said = [(record.levelno, record.getMessage()) for record in caplog.records if "status_flag" in record.getMessage()]
    held = ~np.isnan(conc)
    n = int((held & (flag & (4 | 8 | 32 | 64 | 128) != 0)).sum())
    assert len(said) == 1 and said[0][0] == logging.INFO
    assert f"{n} of the {int(held.sum())} values of 'ice_conc'" in said[0][1] and "left as provenance" in said[0][1]
    assert "python -c" not in said[0][1]


@pytest.mark.parametrize(("mask", "reading"), [
    pytest.param(1, "bad", id="land"), pytest.param(2, "bad", id="lake"),
    pytest.param(4, "provenance", id="open-water-filter"), pytest.param(8, "provenance", id="land-spill-over"),
    pytest.param(16, "doubtful", id="high-t2m-handle-with-caution"),
    pytest.param(32, "provenance", id="spatial-interpolation"), pytest.param(64, "provenance", id="temporal"),
    pytest.param(128, "provenance", id="max-ice-climatology")])
def test_each_osi_450_bit_is_read_by_its_flag_description(mask, reading):
    """fix51c: high_t2m has no word of provenance and was masked as bad; OSI SAF's flag_descriptions line for it
    asks for caution ("this might be false ice"): doubtful. Each line is found by its mask, not its bit number."""
    from climann.data.flag_descriptions import bit_descriptions
    from climann.data.quality_levels import bit_reading

    masks = [1, 2, 4, 8, 16, 32, 64, 128]
    described = bit_descriptions({"flag_descriptions": _OSI_DESCRIPTIONS}, masks)
    assert sorted(described) == masks and described[16].startswith("Handle with caution")
    assert bit_reading(_OSI_MEANINGS.split()[masks.index(mask)], described[mask]) == reading


@pytest.mark.parametrize(("description", "reading"), [
    pytest.param("SIC is set to zero by the 2m air temperature filter", "provenance", id="a-filter-set-ice-to-0"),
    pytest.param("Handle with caution, this might be false ice", "doubtful", id="caution"),
    pytest.param("Possibly cloud contaminated", "bad", id="bad-word-beats-caution"),
    pytest.param("", "bad", id="no-description-a-condition")])
def test_a_described_bit_is_provenance_doubtful_or_bad(description, reading):
    """The same word, high_t2m, read by what its description says the producer did with it."""
    from climann.data.quality_levels import bit_reading

    assert bit_reading("high_t2m", description) == reading


def test_osi_450_high_t2m_described_with_caution_is_kept_by_the_line_and_named(tmp_path, caplog):
    """fix51c: with OSI-450's flag_descriptions the line masks land and lake only (the sum 3, not 19): run as
    printed, the copy holds numpy's values with neither bit set, high_t2m's values kept; the warning names
    high_t2m as kept with numpy's count and its description."""
    conc, flag = _write_osi_450(tmp_path / "osi.nc", descriptions=True)
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        warn_low_quality_target(open_dataset([tmp_path / "osi.nc"]), "ice_conc", where="osi.nc")
    (said,) = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    held = ~np.isnan(conc)
    bad = held & (flag & (1 | 2) != 0)
    n_high = int((held & (flag & 16 != 0)).sum())
    assert n_high > 0 and f"{int(bad.sum())} of the {int(held.sum())} values of 'ice_conc'" in said
    assert "(3 is the sum of their masks" in said
    assert (f"its bits 16 high_t2m ({n_high}; 'Handle with caution, the 2m air temperature is high at this "
            "position, and this might be false ice') are kept by it") in said
    _run_printed(said, tmp_path)
    with xr.open_dataset(tmp_path / "quality_masked" / "osi.nc") as copy:
        kept = copy["ice_conc"].values
    expected = np.where(held & ~bad, conc, np.nan)
    np.testing.assert_allclose(kept, expected, rtol=0, atol=1e-9)
    assert np.isfinite(kept[flag & 16 != 0]).sum() == n_high


def test_osi_450_with_only_high_t2m_described_with_caution_is_warned_of_with_the_line_that_leaves_it_out(
        tmp_path, caplog):
    """No bad bit on a held value, high_t2m on some: one warning with numpy's count and the line masking bit 16
    only; run as printed, the copy holds numpy's values without bit 16 (every open-water 0 % kept)."""
    conc, flag = _write_osi_450(tmp_path / "osi.nc", descriptions=True, land_on_held=False)
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        warn_low_quality_target(open_dataset([tmp_path / "osi.nc"]), "ice_conc", where="osi.nc")
    (said,) = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    held = ~np.isnan(conc)
    high = held & (flag & 16 != 0)
    assert f"{int(high.sum())} of the {int(held.sum())} values of 'ice_conc'" in said
    assert "flag_descriptions ask to handle with caution" in said and "& 16) == 0" in said
    _run_printed(said, tmp_path)
    with xr.open_dataset(tmp_path / "quality_masked" / "osi.nc") as copy:
        kept = copy["ice_conc"].values
    np.testing.assert_allclose(kept, np.where(held & ~high, conc, np.nan), rtol=0, atol=1e-9)
    assert (kept == 0).sum() == (conc[held & ~high] == 0).sum() > 0


def test_a_region_of_a_projected_grid_keeps_the_files_the_line_names(tmp_path, caplog):
    """break50b A2: with --region on OSI-450's EASE2 grid the line named 'IN.nc'/'OUT.nc' placeholders, not the
    user's files (the mask by true latitude dropped the variables' records of their files). The region's
    variables record the files as without it, and the line names them, writing the copies the loop writes."""
    from climann.data.sources import source_files
    from climann.data.subset import select_region

    for year in (0, 1):
        _write_osi_450(tmp_path / f"osi_{year}.nc", seed=year, day=2 * year)
    files = [tmp_path / "osi_0.nc", tmp_path / "osi_1.nc"]
    dataset = open_dataset(files)
    region = select_region(dataset, (72.0, 90.0, -180.0, 180.0))
    assert region.sizes["yc"] < dataset.sizes["yc"] or region["ice_conc"].isnull().sum() > dataset["ice_conc"].isnull().sum()
    assert source_files(region["ice_conc"]) == source_files(dataset["ice_conc"]) and len(source_files(dataset["ice_conc"])) == 2
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_low_quality_target(region, "ice_conc", where="osi")
    (said,) = [record.getMessage() for record in caplog.records]
    assert "IN.nc" not in said and "OUT.nc" not in said
    assert "quality_masked" in said and str(tmp_path) in said
