"""Every experiment in experiments/ is a valid configuration, and every sweep there (a
configuration with a [sweep] section, see climann.workflow.sweep) valid for each of its values."""

from pathlib import Path

import pytest

from climann.workflow.config import build_config, load_config_file
from climann.workflow.sweep import load_sweep

FILES = sorted((Path(__file__).parent.parent / "experiments").glob("*.toml"))
SWEEPS = [path for path in FILES if "sweep" in load_config_file(path)]
EXPERIMENTS = [path for path in FILES if path not in SWEEPS]


def test_there_are_experiments():
    assert len(EXPERIMENTS) >= 3


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in EXPERIMENTS])
def test_experiment_validates(path):
    config = build_config(load_config_file(path))
    assert config.data.paths == ("data/sample.nc",)


def test_there_is_a_sweep():
    assert [path.name for path in SWEEPS] == ["sweep.toml"]


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in SWEEPS])
def test_sweep_validates(path):
    sweep = load_sweep(path)
    values = load_config_file(path)["sweep"]["values"]
    section, key = sweep.key.split(".")
    assert [getattr(getattr(run.config, section), key) for run in sweep.runs] == values
    assert all(run.config.data.paths == ("data/sample.nc",) for run in sweep.runs)
