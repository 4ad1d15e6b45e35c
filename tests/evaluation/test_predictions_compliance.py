"""predictions.nc against the CF 1.8 suite of the IOOS compliance checker (``compliance-checker``,
in the ``dev`` extra): no high-priority failure, on a regular grid (a tiny run of the CMIP-like
sample) and on rotated-pole, curvilinear and projected grids.

The checker runs offline: it reads the CF standard-name table it ships with, and would
download another version only for a file whose global ``standard_name_vocabulary`` names
a version other than its own; climann writes no such attribute. The tests forbid network
connections while the checker runs, so that a download would fail them.
"""

import shutil
import socket

import netCDF4
import numpy as np
import pytest

pytest.importorskip("compliance_checker")

from climann.workflow.config import build_config  # noqa: E402
from climann.data.open import open_dataset  # noqa: E402
from climann.data.pointwise import build_pointwise_samples  # noqa: E402
from climann.data.sample_data import write_sample_dataset  # noqa: E402
from climann.evaluation.predictions import predictions_dataset, write_predictions  # noqa: E402
from climann.workflow.pipeline import run_training  # noqa: E402
from tests.grid_files import write_curvilinear, write_lambert, write_rotated  # noqa: E402


def cf_failures(path, monkeypatch, priority="high_priorities") -> list[str]:
    """The checks of the ``cf:1.8`` suite that ``path`` fails at ``priority``, with their
    messages; no network connection allowed meanwhile."""
    from compliance_checker.runner import CheckSuite

    def refuse(*args, **kwargs):
        raise OSError("the compliance checker tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    CheckSuite.load_all_available_checkers()
    suite = CheckSuite()
    dataset = suite.load_dataset(str(path))
    try:
        results, errors = suite.run_all(dataset, ["cf:1.8"], skip_checks=[])["cf:1.8"]
        assert not errors, errors  # a check that crashed checked nothing
        structure = suite.build_structure("cf:1.8", results, str(path), 1)
    finally:
        dataset.close()
        monkeypatch.undo()
    return [f"{result.name}: {'; '.join(result.msgs)}" for result in structure[priority]
            if result.value[0] < result.value[1]]


@pytest.fixture(scope="module")
def run_predictions(tmp_path_factory):
    """predictions.nc of a tiny run on the sample data (bounds, height = 2 m, cell_methods)."""
    folder = tmp_path_factory.mktemp("cf")
    sample = write_sample_dataset(folder / "sample.nc", years=3, resolution=30.0, seed=1)
    config = build_config({"data": {"paths": [str(sample)]}, "model": {"hidden": [4]}, "training": {"epochs": 1},
                           "evaluation": {"figures": False}})  # predictions.nc only
    return run_training(config, run_dir=folder / "run", command_line="climann train --test").run_dir / "predictions.nc"


def test_a_runs_predictions_pass_the_cf_checker(run_predictions, monkeypatch):
    assert cf_failures(run_predictions, monkeypatch) == []
    with netCDF4.Dataset(run_predictions) as raw:  # what the checker has checked is there
        assert raw["tas_pred"].cell_methods == "area: time: mean" and raw["tas_pred"].coordinates == "height"
        assert {"time_bnds", "lat_bnds", "lon_bnds", "height"} <= set(raw.variables)
        assert raw["split"].flag_meanings == "train val test"
        assert "standard_name_vocabulary" not in raw.ncattrs()  # else the checker would download a table


@pytest.mark.parametrize(
    ("write", "target"),
    [
        pytest.param(write_rotated, "tas", id="rotated-pole-2d-latlon"),
        pytest.param(write_curvilinear, "tos", id="curvilinear-index-dims"),
        pytest.param(write_lambert, "tas", id="lambert-mapping-only"),
    ],
)
def test_predictions_on_other_grids_pass_the_cf_checker(tmp_path, monkeypatch, write, target):
    source = open_dataset([write(tmp_path / "input.nc")])
    samples = build_pointwise_samples(source, target=target, predictors=(), features=("lat",))
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    labels = ["train"] * 12 + ["val"] * 6 + ["test"] * 6
    output = predictions_dataset(layout, truth, truth + 0.5, labels, history="climann train --test")
    path = write_predictions(output, tmp_path / "predictions.nc", layout)
    assert cf_failures(path, monkeypatch) == []


def test_the_check_finds_a_broken_file(run_predictions, tmp_path, monkeypatch):
    """The check can fail: the run's file with flags that do not match and unknown units."""
    broken = shutil.copy(run_predictions, tmp_path / "broken.nc")
    with netCDF4.Dataset(broken, "a") as raw:
        raw["split"].flag_values = np.array([1, 2], dtype=np.int8)
        raw["tas_pred"].units = "kelvinish"
    failures = cf_failures(broken, monkeypatch)
    assert any("flag_meanings" in failure for failure in failures)
    assert any("kelvinish" in failure for failure in failures)


def test_an_ensembles_spread_passes_the_cf_checker(tmp_path, monkeypatch):
    """``<target>_spread`` beside the ensemble mean: no failure at any priority, as a single
    run's file (the statistic over the members is in ``comment``, not ``cell_methods``)."""
    sample = write_sample_dataset(tmp_path / "sample.nc", years=2, resolution=30.0, seed=1)
    samples = build_pointwise_samples(open_dataset([sample]), target="tas", predictors=(), features=("lat",))
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    labels = ["train"] * 12 + ["test"] * 12
    output = predictions_dataset(layout, truth, truth + 0.5, labels, history="climann train --test",
                                 spread=np.abs(truth - 280.0) * 0.01, n_members=3)
    path = write_predictions(output, tmp_path / "predictions.nc", layout)
    for priority in ("high_priorities", "medium_priorities", "low_priorities"):
        assert cf_failures(path, monkeypatch, priority) == []
    with netCDF4.Dataset(path) as raw:
        assert raw["tas_spread"].cell_methods == raw["tas"].cell_methods == "area: time: mean"
        assert raw["tas_spread"].comment.startswith("realization: standard_deviation of the 3 ensemble members")
        assert raw["tas_pred"].comment.startswith("realization: mean of the 3 ensemble members")
        assert raw["tas_spread"].units == "K" and "standard_name" not in raw["tas_spread"].ncattrs()
