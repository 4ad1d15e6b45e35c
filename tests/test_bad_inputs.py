"""Every bad input of the data-layer issue: exit code 2, one line on stderr, no run directory.

The console script runs in this process (:func:`tests.console.run_main`: its stderr and warnings
as a subprocess would print them)."""

import re

import netCDF4
import numpy as np
import pytest

from tests.conftest import grid_dataset
from tests.console import run_main


def _not_netcdf(tmp_path):
    (tmp_path / "bad.nc").write_text("hello")
    return ["--data", str(tmp_path / "bad.nc")]


def _truncated(tmp_path):
    grid_dataset().to_netcdf(tmp_path / "full.nc")
    data = (tmp_path / "full.nc").read_bytes()
    (tmp_path / "cut.nc").write_bytes(data[: len(data) // 2])
    return ["--data", str(tmp_path / "cut.nc")]


def _target_nan_in_training_block(tmp_path):
    dataset = grid_dataset(n_years=5)
    dataset["tas"][:36] = np.nan  # the first three years, the training block with the default split
    dataset.to_netcdf(tmp_path / "gappy.nc")
    return ["--data", str(tmp_path / "gappy.nc")]


def _different_grids(tmp_path):
    grid_dataset(n_lat=4)[["tas"]].to_netcdf(tmp_path / "tas.nc")
    grid_dataset(n_lat=6)[["pred"]].to_netcdf(tmp_path / "pred.nc")
    return ["--data", str(tmp_path / "tas.nc"), "--data", str(tmp_path / "pred.nc")]


def _unknown_calendar(tmp_path):
    path = tmp_path / "martian.nc"
    grid_dataset().to_netcdf(path)
    with netCDF4.Dataset(path, "a") as raw:
        raw["time"].calendar = "martian"
    return ["--data", str(path)]


def _months_since_gregorian(tmp_path):
    path = tmp_path / "obs.nc"
    grid_dataset().to_netcdf(path)
    with netCDF4.Dataset(path, "a") as raw:
        raw["time"].units, raw["time"].calendar = "months since 2000-01-01", "gregorian"
        raw["time"][:] = np.arange(raw["time"].size) + 0.5
    return ["--data", str(path)]


def _overlapping_files(tmp_path):
    dataset = grid_dataset(n_years=3)
    dataset.isel(time=slice(0, 24)).to_netcdf(tmp_path / "hist.nc")
    dataset.isel(time=slice(18, 36)).to_netcdf(tmp_path / "ssp.nc")
    return ["--data", str(tmp_path / "hist.nc"), "--data", str(tmp_path / "ssp.nc")]


def _zero_variance(tmp_path):
    dataset = grid_dataset()
    dataset["pred"][:] = 1.0
    dataset.to_netcdf(tmp_path / "flat.nc")
    return ["--data", str(tmp_path / "flat.nc")]


def _constant_target(tmp_path):
    dataset = grid_dataset()
    dataset["tas"][:] = 273.5
    dataset.to_netcdf(tmp_path / "flat_target.nc")
    return ["--data", str(tmp_path / "flat_target.nc")]


def _empty_split_block(tmp_path):
    grid_dataset(n_years=5).to_netcdf(tmp_path / "five.nc")
    config = tmp_path / "split.toml"
    config.write_text('[data]\nsplit_years = {train = [2000, 2002], val = [2003, 2003], test = [2010, 2011]}\n')
    return ["--data", str(tmp_path / "five.nc"), "--config", str(config)]


def _sample_file(tmp_path):
    grid_dataset(n_years=5).to_netcdf(tmp_path / "five.nc")
    return ["--data", str(tmp_path / "five.nc")]


@pytest.mark.parametrize(
    ("make_arguments", "extra", "message"),
    [
        pytest.param(lambda p: ["--data", str(p / "none_*.nc")], [], "no file matches", id="no-file"),
        pytest.param(_not_netcdf, [], "bad.nc is not a readable NetCDF file \\(truncated or another format\\)$",
                     id="not-netcdf"),
        pytest.param(_truncated, [], "cut.nc is cut short: its NetCDF-4 \\(HDF5\\) header says the file ends at byte "
                     "[0-9,]+ but it holds [0-9,]+ bytes .*; fetch or copy the file again$",
                     id="truncated"),
        pytest.param(_sample_file, ["--target", "tsa"], "variable 'tsa' not in five.nc; available: .*did you mean 'tas'", id="missing-variable"),
        pytest.param(_target_nan_in_training_block, [], "the train block \\(2000–2002\\) has no sample", id="target-nan-in-train"),
        pytest.param(_different_grids, [], "different grids", id="different-grids"),
        pytest.param(_sample_file, ["--region", "0,10,0,10"], "contains no grid cell", id="empty-region"),
        pytest.param(_sample_file, ["--time-range", "1950,1960"], "time selection .* is empty", id="empty-time"),
        pytest.param(_empty_split_block, [], "test block 2010–2011 has no time step", id="empty-split-block"),
        pytest.param(_unknown_calendar, [], "calendar 'martian'", id="unknown-calendar"),
        pytest.param(_months_since_gregorian, [], "'months since 2000-01-01' in the 'gregorian' calendar, where a month "
                     "is not a fixed length of time.*cdo -setreftime", id="months-since-gregorian"),
        pytest.param(_overlapping_files, [], "hist.nc and ssp.nc overlap in time \\(2001-07-15 … 2001-12-15, 6 time "
                     "steps in both", id="overlapping-files"),
        pytest.param(_zero_variance, [], "feature\\(s\\) pred do not vary", id="zero-variance"),
        pytest.param(_constant_target, ["--target", "tas"], "the target tas does not vary over the training block \\(every value is "
                     "273.5\\); there is nothing to learn", id="constant-target"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_run_directory(tmp_path, capfd, monkeypatch, make_arguments, extra,
                                                              message):
    arguments = make_arguments(tmp_path)
    out = tmp_path / "runs" / "bad"
    result = run_main("train", *arguments, "--predictors", "pred", "--features", "lat", "--out", str(out), "--quiet",
                      *extra, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: "), result.stderr
    assert re.search(message, lines[0]), lines[0]
    assert not out.exists() and not (tmp_path / "runs").exists()
