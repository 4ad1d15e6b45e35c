"""The fill-like, below-absolute-zero and negative-value checks, the count of ±inf and the target's land stored as a
value read the data once for all."""

from __future__ import annotations

import logging

import dask
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from dask.callbacks import Callback

from climann.data.land_masks import warn_land_stored_as_value
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.value_checks import warn_held_values
from climann.workflow.config import build_config
from climann.workflow.preparation import open_selected


def _write(path) -> xr.Dataset:
    """24 days of a 6 x 8 grid: ``tas`` in K with land at 0 K and a fill 1e20, ``pr`` with a sign fault."""
    rng = np.random.default_rng(5)
    tas = rng.uniform(260, 300, (24, 6, 8)).astype("f4")
    tas[:, 0, :2] = 0.0  # land stored as 0 K: read as missing
    tas[4, 1, 3] = 1e20
    pr = rng.uniform(0, 50, (24, 6, 8)).astype("f4")
    pr[6, 2, 5] = -4.0
    spei = rng.normal(0, 1, (24, 6, 8)).astype("f4")  # SPEIbase's failed fits: -inf and +inf
    spei[3, 1, :3], spei[9, 2, 4], spei[12, 5, 5] = -np.inf, np.inf, np.inf
    dataset = xr.Dataset({"tas": (("time", "lat", "lon"), tas, {"units": "K"}),
                          "pr": (("time", "lat", "lon"), pr, {"units": "mm/day"}),
                          "spei": (("time", "lat", "lon"), spei, {"units": "1"})},
                         coords={"time": pd.date_range("2000-01-01", periods=24), "lat": np.arange(6.0),
                                 "lon": np.arange(8.0)})
    dataset.to_netcdf(path, encoding={name: {"_FillValue": None} for name in ("tas", "pr", "spei")})
    return dataset


@pytest.mark.parametrize("region", [pytest.param(None, id="whole"), pytest.param(slice(0, 3), id="region")])
def test_the_three_checks_read_every_value_once(tmp_path, caplog, bytes_read, region):
    written = _write(tmp_path / "d.nc")
    opened = open_dataset([tmp_path / "d.nc"])
    opened = opened.isel(lat=region) if region else opened
    bytes_read.clear()
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        warn_held_values(opened, ["tas", "pr", "spei"], where="d.nc", file=tmp_path / "d.nc")
    # the temperature's values below absolute zero are counted in the whole file (as opening
    # masked them), its others in the region: one read of the whole file serves both
    assert bytes_read["tas"] == written["tas"].nbytes
    assert bytes_read["pr"] == (written["pr"].isel(lat=region) if region else written["pr"]).nbytes
    # the -inf and +inf are counted in the same read (fix35c), of the region only
    spei = (written["spei"].isel(lat=region) if region else written["spei"]).values
    assert bytes_read["spei"] == spei.nbytes
    minus, plus = int(np.sum(spei == -np.inf)), int(np.sum(spei == np.inf))
    assert (minus, plus) == ((3, 1) if region else (3, 2))
    assert (f"'spei' in d.nc holds {minus} -inf and {plus} +inf ({100 * (minus + plus) / spei.size:.3g} % of its "
            f"{spei.size} values), read as missing, as NaN is") in caplog.text
    assert "'tas' in d.nc holds 1e+20 at 1 of the" in caplog.text
    assert "'tas' in d.nc holds 0 at 48 of the 1152 values checked" in caplog.text
    assert "'pr' in d.nc holds 1 negative values of the" in caplog.text


def test_the_command_that_marks_a_code_marks_the_unmarked_fill_value_too_and_works(tmp_path, caplog, monkeypatch):
    """break32b A2: MRMS as wgrib2 writes it, -999 (outage) and -3 (no coverage) both unmarked. Two commands
    that each write missing_value keep only the second's: the code's command marks -999 too, and run as printed
    (its copy in a new folder, fix55a) leaves neither as data."""
    import re
    import subprocess

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(7)
    rate = rng.gamma(0.5, 2.0, (10, 4, 6)).astype("f4")
    rate[:, :, 0] = -3.0  # offshore: 4 of the 24 cells at every step
    rate[3, 2, 2] = rate[6, 1, 4] = -999.0
    times = pd.date_range("2015-01-01", periods=10, freq="D")
    xr.Dataset({"PrecipRate": (("time", "lat", "lon"), rate,
                               {"long_name": "Radar Precipitation Rate [mm/hr]", "units": "mm/hr"})},
               coords={"time": times, "lat": np.arange(4.0), "lon": np.arange(6.0)}).to_netcdf(
        "mrms.nc", encoding={"PrecipRate": {"_FillValue": np.float32(9.999e20)}})
    opened = open_dataset([tmp_path / "mrms.nc"])
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_held_values(opened, ["PrecipRate"], where="mrms.nc", file="mrms.nc")
    (code,) = [record.getMessage() for record in caplog.records if "holds the value -3" in record.getMessage()]
    numbers, source, copy = re.search(r"ncatted -a missing_value,PrecipRate,o,f,(\S+) (\S+) (\S+)`", code).groups()
    assert numbers == "-999,-3" and "(which marks -999 too)" in code
    assert copy == "missing_marked/mrms.nc"  # in a new folder (fix55a: mrms_fixed.nc beside mrms.nc)
    subprocess.run(code.split("`")[1], shell=True, check=True, capture_output=True)  # as printed
    assert sorted(path.name for path in tmp_path.iterdir()) == ["missing_marked", "mrms.nc"]
    fixed = open_dataset([tmp_path / copy])["PrecipRate"].values
    np.testing.assert_array_equal(np.isnan(fixed), (rate == -3.0) | (rate == -999.0))
    assert np.nanmin(fixed) >= 0


def _ocean(tmp_path, kind: str, *, n_files: int) -> list:
    """40 monthly steps of an ORAS5-like ``sosstsst`` (degC, 0.0 on the 11 land cells of 30), in ``n_files`` files:
    alone (the target's own values tell the land), beside ``sossheig`` missing on land (another variable tells), or
    beside ROMS's ``mask_rho`` (a mask tells)."""
    rng = np.random.default_rng(39)
    land = np.zeros((5, 6), bool)
    land.flat[:11] = True
    sst = (15.0 + rng.normal(0.0, 1.0, (40, 5, 6))).astype("f4")
    sst[:, land] = 0.0
    variables = {"sosstsst": (("time", "y", "x"), sst, {"units": "degC"})}
    if kind == "other":
        variables["sossheig"] = (("time", "y", "x"), np.where(land, np.nan, sst / 100).astype("f4"), {"units": "m"})
    if kind == "mask":
        variables["mask_rho"] = (("y", "x"), (~land).astype("f8"), {"flag_values": np.array([0.0, 1.0]),
                                                                    "flag_meanings": "land water"})
    dataset = xr.Dataset(variables, coords={"time": pd.date_range("1990-01-15", periods=40, freq="MS"),
                                            "y": np.arange(5.0), "x": np.arange(6.0)})
    paths = []
    for part, steps in enumerate(np.array_split(np.arange(40), n_files)):
        paths.append(tmp_path / f"oras5_{part}.nc")
        dataset.isel(time=steps).to_netcdf(paths[-1], encoding={"sosstsst": {"_FillValue": None}})
    return paths


@pytest.mark.parametrize("n_files", [pytest.param(1, id="one-file"), pytest.param(4, id="four-files")])
@pytest.mark.parametrize("kind", [pytest.param("alone", id="own-values"), pytest.param("other", id="other-missing"),
                                  pytest.param("mask", id="mask")])
def test_the_land_checks_read_the_target_in_the_value_checks_one_read(tmp_path, caplog, bytes_read, kind, n_files):
    """fix39c: the land stored as a value (by a mask, by another variable's missing cells, by the target's own
    constant cells) read the target's checked steps again after the value checks' read: 2 reads of the target where
    1 serves. With the target given, the value checks read it once, as without the land checks, and the warning is the
    one the land check gives alone."""
    opened = open_dataset(_ocean(tmp_path, kind, n_files=n_files))
    stored = 40 * 5 * 6 * 4  # float32
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_land_stored_as_value(opened, "sosstsst", where="oras5")  # alone: its own read
    alone = [record.getMessage() for record in caplog.records]
    assert len(alone) == 1 and (("holds 0 at each of the 24 steps checked (evenly spaced among its 40" if kind == "alone" else
                                 "holds 0 at every step checked (24)") in alone[0])
    reads = {}
    for target in (None, "sosstsst"):
        bytes_read.clear()
        forget_notes()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="climann"):
            warn_held_values(opened, ["sosstsst"], where="oras5", file=None, target=target)
        reads[target] = bytes_read["sosstsst"]
    assert reads == {None: stored, "sosstsst": stored}  # every value once, with or without the land checks
    assert [record.getMessage() for record in caplog.records] == alone


def test_a_run_reads_its_target_once_for_its_checks(tmp_path, bytes_read):
    """fix39c: a run's opening read an ORAS5-like target twice before training, once for the checks of every value
    and once more for the constant cells of the land check; now once."""
    files = _ocean(tmp_path, "alone", n_files=4)
    config = build_config({"data": {"paths": [str(path) for path in files], "target": "sosstsst", "predictors": []}})
    forget_notes()
    bytes_read.clear()
    open_selected(config)
    assert bytes_read["sosstsst"] == 40 * 5 * 6 * 4


class _HeldBlocks(Callback):
    """Counts, after each task of dask's scheduler, the results it holds that are whole blocks of ``shape``."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape, self.most, self.made = shape, 0, 0

    def _posttask(self, key, result, dsk, state, worker_id) -> None:
        self.made += isinstance(result, np.ndarray) and result.shape == self.shape
        held = sum(isinstance(value, np.ndarray) and value.shape == self.shape for value in state["cache"].values())
        self.most = max(self.most, held)


def test_the_one_read_of_many_daily_files_holds_a_few_blocks_at_once_not_every_file_s(tmp_path):
    """fix56j: 1 095 daily files' one read of every value (warn_held_values) rose by about all their blocks' size
    (fix56c's sampler); dask must release each file's block once its checks have run, whatever the files."""
    rng = np.random.default_rng(56)
    files = []
    for day in range(40):
        path = tmp_path / f"tas_{day:03d}.nc"
        xr.Dataset({"tas": (("time", "lat", "lon"), rng.normal(280.0, 5.0, (1, 20, 30)), {"units": "K"})},
                   coords={"time": pd.date_range("2001-01-01", periods=40)[day:day + 1], "lat": np.arange(20.0),
                           "lon": np.arange(30.0)}).to_netcdf(path)
        files.append(path)
    opened = open_dataset(files)
    counter = _HeldBlocks((1, 20, 30))
    with counter, dask.config.set(scheduler="threads", num_workers=2):
        warn_held_values(opened, ["tas"], where="tas", file=None, target="tas")
    assert counter.made >= 40  # every file's block was read
    assert counter.most <= 6  # at most a few at once (every one of the 40 when held until all were read)
