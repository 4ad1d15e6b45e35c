"""The Makefile's run targets have real prerequisites: nothing is redone while the inputs are
unchanged, and a newer input redoes exactly the step that depends on it. Checked with
`make -n` (print, do not run) on a copy of the Makefile with stand-in files."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

MAKEFILE = Path(__file__).parent.parent / "Makefile"
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.fixture
def project(tmp_path):
    """A directory with the Makefile, a stamp of the installed package, an experiment whose
    data are a glob, and a finished run of it; every file one second newer than the last."""
    shutil.copy(MAKEFILE, tmp_path / "Makefile")
    files = [
        "pyproject.toml", ".venv/bin/python", ".venv/.installed", "data/a.nc", "data/b.nc", "experiments/x.toml",
        "runs/x/config.toml", "runs/x/model.npz", "runs/x/metrics.json", "runs/x/history.csv",
        "runs/x/predictions.nc", "runs/x/figures/area_mean_series.png", "runs/x/report.md",
    ]
    for age, name in enumerate(reversed(files)):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('[data]\npaths = ["data/*.nc"]\n' if name.endswith("x.toml") else "")
        os.utime(path, (1_700_000_000 - age, 1_700_000_000 - age))
    return tmp_path


def planned(project, *arguments):
    """The commands `make -n` would run."""
    result = subprocess.run(["make", "-n", *arguments], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if "climann" in line]


def touch(project, name, when=1_800_000_000):
    os.utime(project / name, (when, when))


def test_nothing_is_redone_while_the_inputs_are_unchanged(project):
    assert planned(project, "train", "CONFIG=experiments/x.toml") == []
    assert planned(project, "evaluate", "RUN=runs/x") == []
    assert planned(project, "figures", "RUN=runs/x") == []


@pytest.mark.parametrize(
    "changed", [pytest.param("experiments/x.toml", id="config"), pytest.param("data/b.nc", id="data-from-glob"),
                pytest.param(".venv/.installed", id="installed-package")],
)
def test_a_newer_config_or_data_file_retrains(project, changed):
    touch(project, changed)
    assert planned(project, "train", "CONFIG=experiments/x.toml") == [
        ".venv/bin/climann train --config experiments/x.toml --out runs/x --overwrite"
    ]


@pytest.mark.parametrize(
    ("changed", "target", "command"),
    [
        pytest.param("runs/x/model.npz", "evaluate", ".venv/bin/climann evaluate runs/x", id="model-rescored"),
        pytest.param("runs/x/config.toml", "evaluate", ".venv/bin/climann evaluate runs/x", id="config-rescored"),
        pytest.param("runs/x/predictions.nc", "figures", ".venv/bin/climann plot runs/x", id="predictions-redrawn"),
        pytest.param("runs/x/history.csv", "figures", ".venv/bin/climann plot runs/x", id="history-redrawn"),
    ],
)
def test_a_newer_run_file_redoes_the_step_that_reads_it(project, changed, target, command):
    touch(project, changed)
    assert planned(project, target, "RUN=runs/x") == [command]


@pytest.mark.parametrize("target", ["train", "evaluate", "figures"])
def test_a_missing_variable_is_a_usage_message(project, target):
    result = subprocess.run(["make", target], cwd=project, capture_output=True, text=True)
    assert result.returncode != 0 and "usage: make" in result.stderr


def test_rescoring_does_not_hide_newer_data_from_train(project):
    touch(project, "data/a.nc")
    touch(project, "runs/x/metrics.json", when=1_900_000_000)  # as `climann evaluate` rewrites it
    assert planned(project, "train", "CONFIG=experiments/x.toml") != []


def test_sweep_runs_the_sweep_command_of_the_default_or_given_file(project):
    """`make sweep` hands the work to `climann sweep`, which skips unchanged runs itself (a
    recorded fingerprint, tested in tests/workflow/test_sweep.py): Make only brings the sample."""
    (project / "data" / "sample.nc").write_text("")
    assert planned(project, "sweep") == [".venv/bin/climann sweep experiments/sweep.toml"]
    assert planned(project, "sweep", "SWEEP=experiments/widths.toml") == [".venv/bin/climann sweep experiments/widths.toml"]
