"""Every experiment in experiments/ is a valid configuration."""

from pathlib import Path

import pytest

from climann.workflow.config import build_config, load_config_file

EXPERIMENTS = sorted((Path(__file__).parent.parent / "experiments").glob("*.toml"))


def test_there_are_experiments():
    assert len(EXPERIMENTS) >= 3


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in EXPERIMENTS])
def test_experiment_validates(path):
    config = build_config(load_config_file(path))
    assert config.data.paths == ("data/sample.nc",)
