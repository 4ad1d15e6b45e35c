"""Codes of repeated digits far outside the data (IGRA2's -8888), named with the ncatted that marks them (break46d A2)."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess

import dask.array
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.fill_like import fill_like_counts
from climann.data.open import open_dataset
from climann.data.sentinel_codes import block_ends, code_like, merged_ends, standing_codes
from climann.data.value_checks import warn_held_values
from tests.console import run_main

needs_ncatted = pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")


@pytest.mark.parametrize(("value", "dtype", "code"), [
    pytest.param(-8888.0, np.float32, True, id="IGRA2-QA-8888"),
    pytest.param(-7777.0, np.float64, True, id="7777"),
    pytest.param(9999.9, np.float32, True, id="ISD-9999.9"),
    pytest.param(99999, np.int32, True, id="int-99999"),
    pytest.param(-99.99, np.float32, True, id="99.99"),
    pytest.param(0.0, np.float32, False, id="zero-a-bound"),
    pytest.param(-99.0, np.float32, False, id="two-digits"),
    pytest.param(5025.0, np.float32, False, id="a-height"),
    pytest.param(111.5, np.float32, False, id="mixed-digits"),
    pytest.param(np.float64(np.float32(9999.9)), np.float64, False, id="float32-9999.9-as-a-double"),
])
def test_code_like(value, dtype, code):
    assert code_like(value, dtype) is code


def _ends_of(values: np.ndarray, chunks: int, skip=()) -> list[tuple[float, int, float, float]]:
    """standing_codes of ``values`` (time first) read in blocks of ``chunks`` steps, as the checks read them:
    each code, its count, and the data's other values' lowest and highest."""
    data = dask.array.from_array(values, chunks=(chunks,) + values.shape[1:])
    offsets = np.cumsum([0, *data.chunks[0]])[:-1]
    parts = [(block_ends(np.asarray(block.compute()), 0, skip=skip), int(offset))
             for block, offset in zip(data.to_delayed().ravel(), offsets, strict=True)]
    return [(code, int(by_step.sum()), low, high)
            for code, by_step, low, high in standing_codes(*merged_ends(parts, values.shape[0]))]


@pytest.mark.parametrize("chunks", [pytest.param(400, id="one-block"), pytest.param(100, id="blocks-of-100"),
                                    pytest.param(37, id="blocks-of-37")])
def test_codes_found_over_blocks_are_numpys(chunks):
    """-8888 below heights of 5025-6002 m and 9999.9 above them, in blocks that hold them or not (the first 100
    steps hold no code below), with -9999 (a usual fill value, counted by its own rule) passed over: the codes,
    their counts and the data's range are numpy's, whatever the blocks."""
    rng = np.random.default_rng(0)
    values = rng.uniform(5025.0, 6002.0, (400, 3)).astype(np.float32)
    values[rng.random(values.shape) < 0.02] = -8888.0
    values[rng.random(values.shape) < 0.01] = np.float32(9999.9)
    values[rng.random(values.shape) < 0.01] = -9999.0
    values[:100] = np.where(values[:100] < 0, np.float32(5500.0), values[:100])
    other = values[(values > 0) & (values < 9000)]
    span = (float(other.min()), float(other.max()))
    expected = [(-8888.0, int((values == -8888.0).sum()), *span),
                (float(np.float32(9999.9)), int((values == np.float32(9999.9)).sum()), *span)]
    assert _ends_of(values, chunks, skip=[-9999.0]) == expected


@pytest.mark.parametrize("values", [
    # rain of whole tenths of a mm, 0 on most days (a physical bound, held thousands of times), a wet day's extreme
    # 99.9 mm held twice 19.9 mm beyond the rest (0 to 80): data
    pytest.param(np.concatenate([np.zeros(3000), np.random.default_rng(1).uniform(0.1, 80.0, 500).round(1),
                                 [99.9, 99.9]]), id="rain-extreme-99.9-and-zeros"),
    # a temperature whose coldest value, -55.5 degC, is held at three stations: the data's end, nothing beyond it
    pytest.param(np.concatenate([np.random.default_rng(2).uniform(-50.0, 35.0, 900).round(1), [-55.5] * 3]),
                 id="cold-extreme-repeated"),
    # a code-like value held once: an outlier, not a code said to be repeated
    pytest.param(np.concatenate([np.random.default_rng(3).uniform(5025.0, 6002.0, 900), [-8888.0]]),
                 id="held-once"),
])
def test_real_extremes_are_no_codes(values):
    assert _ends_of(values.astype(np.float32)[:, None], 128) == []


def _sondes(path, rng: np.random.Generator, *, marked: bool = True) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """An IGRA2 station converted to NetCDF (break46d's mk_igra): soundings at 00 and 12 UTC of 2014-2019, some
    missed, geopotential height and temperature at 850 and 500 hPa; -9999 (missing) marked by _FillValue, -8888
    (removed by IGRA2's quality assurance) left as a number at 1 % of the values; -9999 too unless ``marked``."""
    times = pd.date_range("2014-01-01", "2019-12-31 12:00", freq="12h")
    times = times[rng.random(times.size) > 0.06]
    pressure = np.array([85000.0, 50000.0])
    seasonal = 10 - 12 * np.cos(2 * np.pi * (times.day_of_year.values - 20) / 365.25)
    anomaly = np.zeros(times.size)
    for step in range(1, times.size):
        anomaly[step] = 0.9 * anomaly[step - 1] + rng.normal(0, 1.5)
    kelvin = (seasonal + anomaly + 273.15)[:, None] * (pressure / 100000.0) ** 0.19
    gph = np.round(1500.0 + 29.3 * (kelvin[:, :1] + kelvin) / 2 * np.log(85000.0 / pressure) + rng.normal(0, 5, kelvin.shape))
    gph[:, 0] = np.round(1500.0 + rng.normal(0, 30, times.size))
    temp = np.round(kelvin - 273.15, 1)
    gph[rng.random(gph.shape) < 0.02] = -9999.0
    gph[rng.random(gph.shape) < 0.01] = -8888.0
    fill = {"_FillValue": np.float32(-9999.0)} if marked else {}
    xr.Dataset({"gph": (("time", "pressure"), gph.astype("f4"), {"units": "m", "standard_name": "geopotential_height",
                                                                 **fill}),
                "temp": (("time", "pressure"), temp.astype("f4"), {"units": "degC", "standard_name": "air_temperature",
                                                                   **fill})},
               coords={"time": times, "pressure": ("pressure", pressure, {"units": "Pa", "positive": "down", "axis": "Z",
                                                                          "standard_name": "air_pressure"}),
                       "lat": ((), 40.53, {"units": "degrees_north"}), "lon": ((), -80.22, {"units": "degrees_east"})},
               attrs={"comment": "-8888: value removed by IGRA quality assurance; -9999: missing"}).to_netcdf(
        path, encoding={"time": {"units": "hours since 1900-01-01 00:00"},
                        **({} if marked else {name: {"_FillValue": None} for name in ("gph", "temp")})})
    return times, gph[:, 1], temp[:, 1]


def _climatology_rmse(times: pd.DatetimeIndex, values: np.ndarray, run) -> float:
    """The test block's climatology RMSE by numpy (break46d's check): per hour of the day (00, 12 UTC) and day of
    the year, the training years' values weighted by WeatherBench 2's triangular 61-day window (1 - |k|/30),
    cyclic over 366 days; -9999 missing."""
    periods = json.loads((run / "metrics.json").read_text())["split_periods"]
    years = {name: [int(year) for year in re.findall(r"\d{4}", text)] for name, text in periods.items()}
    train = (times.year >= years["train"][0]) & (times.year <= years["train"][-1])
    test = (times.year >= years["test"][0]) & (times.year <= years["test"][-1])
    day, hour = times.day_of_year.values - 1, times.hour.values // 12
    values = np.where(values == -9999.0, np.nan, values)
    sums, counts = np.zeros((366, 2)), np.zeros((366, 2))
    kept = train & np.isfinite(values)
    np.add.at(sums, (day[kept], hour[kept]), values[kept])
    np.add.at(counts, (day[kept], hour[kept]), 1)
    lags = np.arange(-30, 31)
    weights = 1 - np.abs(lags) / 30
    windows = (np.arange(366)[:, None] + lags) % 366
    climatology = (weights[None, :, None] * sums[windows]).sum(1) / (weights[None, :, None] * counts[windows]).sum(1)
    scored = test & np.isfinite(values)
    return float(np.sqrt(np.mean((climatology[day, hour] - values)[scored] ** 2)))


@needs_ncatted
def test_igra2_qa_code_is_named_and_its_ncatted_gives_numpys_climatology(tmp_path, monkeypatch, capfd, caplog):
    """break46d A2: IGRA2's -8888 (removed by QA) in geopotential height, beside -9999 marked by _FillValue, was
    trained on as data with no word (test climatology RMSE 1277.6 m where it is 78.0 m with -8888 missing). It is
    named, with the ncatted that marks it; run as printed, the copy reads -8888 as missing, and the run on it
    scores the test climatology as numpy does with the codes missing, far below numpy's with them as data."""
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    times, gph, temp = _sondes(tmp_path / "igra.nc", np.random.default_rng(1))
    with caplog.at_level(logging.WARNING):
        warn_held_values(open_dataset([tmp_path / "igra.nc"]).sel(pressure=50000.0), ["gph", "temp"],
                         where="igra.nc", file="igra.nc")
    (line,) = [record.getMessage() for record in caplog.records if "-8888" in record.getMessage()]
    count = int((gph == -8888.0).sum())
    others = gph[(gph != -8888.0) & (gph != -9999.0)]
    assert line.startswith(f"'gph' in igra.nc holds -8888 at {count} of the ")
    assert (f"a code of repeated digits {others.min() + 8888:g} m below the data's other values ({others.min():g} to "
            f"{others.max():g} m)") in line
    printed = line.split("if they are missing values: `", 1)[1].split("`", 1)[0]
    # its copy in a new folder (fix55a: igra_fixed.nc beside igra.nc, which a glob over the folder took with it)
    assert printed.endswith(" && mkdir -p missing_marked && ncatted -a missing_value,gph,o,f,-8888 igra.nc "
                            "missing_marked/igra.nc")
    data = line.split("then give --data ", 1)[1].split(" in place of igra.nc", 1)[0]
    assert data == "missing_marked/igra.nc"
    subprocess.run(printed, shell=True, check=True, capture_output=True, cwd=tmp_path)  # as printed
    assert sorted(path.name for path in tmp_path.iterdir()) == ["igra.nc", "missing_marked"]
    marked = open_dataset([tmp_path / data]).sel(pressure=50000.0)
    np.testing.assert_array_equal(np.isnan(marked["gph"].values).ravel(), np.isin(gph, [-8888.0, -9999.0]))
    assert fill_like_counts(marked, ["gph"]) == {}
    finished = run_main("train", "--data", data, "--target", "gph", "--predictors", "temp", "--select",
                        "pressure=50000", "--epochs", "1", "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert finished.returncode == 0, finished.stderr
    assert "-8888" not in finished.stderr.replace("'temp'", "")  # no word of gph's codes now
    scored = json.loads((tmp_path / "run" / "metrics.json").read_text())["splits"]["test"]["climatology"]["rmse"]
    missing = _climatology_rmse(times, np.where(gph == -8888.0, np.nan, gph), tmp_path / "run")
    assert scored == pytest.approx(missing, rel=1e-6)
    assert scored < 0.2 * _climatology_rmse(times, gph, tmp_path / "run")


@needs_ncatted
def test_an_unmarked_usual_fill_beside_the_code_is_marked_by_the_same_command(tmp_path, caplog):
    """IGRA2's -9999 left unmarked too (no _FillValue): one line names -9999 (a usual fill value) and -8888 (a
    code standing apart), and its one ncatted marks both in one missing_value (two -a of one attribute keep only
    the second's); run as printed, the copy reads both missing (numpy)."""
    _, gph, _ = _sondes(tmp_path / "igra.nc", np.random.default_rng(2), marked=False)
    with caplog.at_level(logging.WARNING):
        warn_held_values(open_dataset([tmp_path / "igra.nc"]).sel(pressure=50000.0), ["gph"], where="igra.nc",
                         file=tmp_path / "igra.nc")
    (line,) = [record.getMessage() for record in caplog.records if "'gph'" in record.getMessage()]
    assert f"holds -9999 at {int((gph == -9999.0).sum())} of the " in line
    assert f", and -8888 at {int((gph == -8888.0).sum())} (a code of repeated digits " in line
    printed = line.split("if they are missing values: `", 1)[1].split("`", 1)[0]
    assert printed.endswith(f" && ncatted -a missing_value,gph,o,f,-9999,-8888 {tmp_path}/igra.nc "
                            f"{tmp_path}/missing_marked/igra.nc")  # in a new folder (fix55a)
    subprocess.run(printed, shell=True, check=True, capture_output=True, cwd=tmp_path)  # as printed
    assert sorted(path.name for path in tmp_path.iterdir()) == ["igra.nc", "missing_marked"]
    marked = open_dataset([tmp_path / "missing_marked/igra.nc"]).sel(pressure=50000.0)
    np.testing.assert_array_equal(np.isnan(marked["gph"].values).ravel(), np.isin(gph, [-8888.0, -9999.0]))
