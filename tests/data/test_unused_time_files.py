"""The line that gives a run's files time bounds is for every file on the target's grid whose time lacks them,
also those holding none of the run's variables (climann/data/sources.py, :data:`~climann.data.sources.UNUSED_FILES_KEY`;
:meth:`climann.data.layout.GridLayout.time_files`): E-OBS's mean and spread files of ``rr`` and ``tg``, the spreads
renamed, in a run of ``tg`` on ``rr`` and ``tg_spread``, got a loop over 3 of the 4 files and a ``--data`` of the
copies that lost ``rr``'s spread (fix54e)."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.data.renames import FileRenames
from tests.eobs_files import write_eobs

DAYS = 800
RENAMES = ["--rename", "rr_ens_spread_0.25deg_reg_v29.0e.nc:rr=rr_spread",
           "--rename", "tg_ens_spread_0.25deg_reg_v29.0e.nc:tg=tg_spread"]


def _eobs(folder):
    """E-OBS-like daily files (tests/eobs_files.py); the values written, by (name, kind)."""
    return write_eobs(folder, DAYS, seed=11)


def _bounds_loop(log: str) -> tuple[str, str]:
    """The day-ending bounds loop of train.log and the --data it says to give."""
    loop = re.search(r"give the (\d+) files those time bounds in copies in a new folder: `(\( for f in [^`]*?; done \))`",
                     log)
    assert loop, log
    given = re.search(r"then give --data ('[^']+') in place of them", log)
    assert given, log
    return loop[2], given[1].strip("'")


def test_a_file_of_no_variable_of_the_run_is_in_the_time_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _eobs(tmp_path / "eobs")
    result = CliRunner().invoke(app, ["train", "--data", "eobs/", *RENAMES, "--target", "tg", "--predictors",
                                      "rr,tg_spread", "--epochs", "1", "--out", "runs/a"])
    assert result.exit_code == 0, result.output
    log = (tmp_path / "runs/a/train.log").read_text()
    assert "give the 4 files those time bounds" in log  # 3 before: rr's spread, unused, was left out
    loop, _ = _bounds_loop(log)
    assert loop.count("for f in eobs/*_0.25deg_reg_v29.0e.nc;") == 2


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_the_bounds_loop_run_as_printed_gives_every_daily_file_bounds(tmp_path, monkeypatch):
    """The loop of train.log run as printed by bash: every file's copy, the spreads too, bounded by the day ending at
    its stamp (numpy's dates), values the files' own; the run of all four variables trains on the --data it names."""
    monkeypatch.chdir(tmp_path)
    written = _eobs(tmp_path / "eobs")
    result = CliRunner().invoke(app, ["train", "--data", "eobs/", *RENAMES, "--target", "tg", "--predictors",
                                      "rr,tg_spread", "--epochs", "1", "--out", "runs/a"])
    assert result.exit_code == 0, result.output
    loop, given = _bounds_loop((tmp_path / "runs/a/train.log").read_text())
    subprocess.run(["bash", "-c", loop], check=True, cwd=tmp_path, capture_output=True)
    copies = sorted(tmp_path.glob(given))
    assert [path.name for path in copies] == sorted(f"{name}_ens_{kind}_0.25deg_reg_v29.0e.nc"
                                                    for name in ("rr", "tg") for kind in ("mean", "spread"))
    rules = {"rr_ens_spread_0.25deg_reg_v29.0e.nc": {"rr": "rr_spread"},
             "tg_ens_spread_0.25deg_reg_v29.0e.nc": {"tg": "tg_spread"}}
    opened = open_dataset(copies, renames=FileRenames(copies, rules))
    stamps = np.datetime64("2001-01-01") + np.arange(DAYS)
    bounds = opened[opened["time"].attrs["bounds"]].values
    assert [str(value)[:10] for value in bounds[:, 0]] == [str(day) for day in stamps - 1]
    assert [str(value)[:10] for value in bounds[:, 1]] == [str(day) for day in stamps]
    for name in ("rr", "tg"):
        np.testing.assert_array_equal(opened[name].values, written[(name, "mean")])
        np.testing.assert_array_equal(opened[f"{name}_spread"].values, written[(name, "spread")])
    again = CliRunner().invoke(app, ["train", "--data", given, *RENAMES, "--target", "tg", "--predictors",
                                     "rr,rr_spread,tg_spread", "--epochs", "1", "--out", "runs/b"])
    assert again.exit_code == 0, again.output
    assert "time bounds" not in (tmp_path / "runs/b/train.log").read_text()
