"""Tests for climann/run_files.py: a run directory is climann's by what its files hold, not by their names."""

from __future__ import annotations

import json

import numpy as np
import pytest

from climann.model import Network, save_state, train
from climann.model.ensemble import Ensemble, write_members
from climann.run_files import (
    cut_short,
    finished_run_problem,
    interrupted_retraining,
    is_checkpoint_file,
    is_members_file,
    is_model_file,
    is_provenance_file,
    is_run_directory,
)


@pytest.fixture(scope="module")
def training_state():
    """The state after one epoch of a tiny network: what a checkpoint holds."""
    states = []
    inputs = np.random.default_rng(0).normal(size=(20, 2)).astype(np.float32)
    train(Network([2, 3, 1], seed=0), inputs, inputs[:, :1], epochs=1, batch_size=10, checkpoint_every=1,
          on_checkpoint=states.append)
    return states[-1]


def _npz(path, **arrays):
    with open(path, "wb") as handle:  # a handle: np.savez would append ".npz" to other names
        np.savez(handle, **arrays)


# Each writer is climann's own; the others are what another program (or a user) leaves under those names.
@pytest.mark.parametrize("write, model, checkpoint, members", [
    pytest.param(lambda path, state: Network([2, 3, 1]).save(path, metadata={"features": ["a"]}), True, False, False,
                 id="climanns-model-file"),
    pytest.param(lambda path, state: save_state(path, state, metadata={"config": ""}), False, True, False,
                 id="climanns-checkpoint"),
    pytest.param(lambda path, state: write_members(path, Ensemble([Network([2, 1], seed=s) for s in (0, 1)], [0, 1])),
                 False, False, True, id="climanns-members-file"),
    pytest.param(lambda path, state: _npz(path, w=np.ones(3)), False, False, False, id="plain-np-savez"),
    pytest.param(lambda path, state: _npz(path, metadata=np.array(json.dumps({"format_version": 1, "lr": 0.1}))),
                 False, False, False, id="another-tools-metadata"),
    pytest.param(lambda path, state: _npz(path, header=np.array(json.dumps({"format": "my training state"}))),
                 False, False, False, id="another-tools-header"),
    pytest.param(lambda path, state: np.save(open(path, "wb"), np.ones(3)), False, False, False, id="an-npy-file"),
    pytest.param(lambda path, state: path.write_bytes(b""), False, False, False, id="empty"),
    pytest.param(lambda path, state: path.write_text("not a zip"), False, False, False, id="text"),
])
def test_model_and_checkpoint_files_are_climanns_by_their_header(tmp_path, training_state, write, model, checkpoint,
                                                                members):
    path = tmp_path / "file.npz"
    write(path, training_state)
    assert (is_model_file(path), is_checkpoint_file(path), is_members_file(path)) == (model, checkpoint, members)


@pytest.mark.parametrize("content, expected", [
    pytest.param({"command_line": "climann train", "climann_version": "0.1.0"}, True, id="climanns"),
    pytest.param({"command_line": "python fit.py", "version": "2.0"}, False, id="another-tools"),
    pytest.param(["climann_version"], False, id="not-an-object"),
])
def test_provenance_is_climanns_by_its_version_key(tmp_path, content, expected):
    path = tmp_path / "provenance.json"
    path.write_text(json.dumps(content))
    assert is_provenance_file(path) is expected


def _another_tools_folder(folder):
    """config.toml + model.npz + history.csv: a common trio in machine-learning projects."""
    folder.mkdir()
    (folder / "config.toml").write_text("[model]\nlr = 0.1\n")
    _npz(folder / "model.npz", w=np.ones(3))
    (folder / "history.csv").write_text("step,loss\n1,0.5\n")


@pytest.mark.parametrize("make, is_run, problem", [
    pytest.param(_another_tools_folder, False, "is not a climann run directory; it holds config.toml, history.csv, "
                 "model.npz, but no model.npz, checkpoint.npz or provenance.json written by climann",
                 id="another-tools-folder"),
    pytest.param(lambda folder: (folder.mkdir(), _npz(folder / "checkpoint.npz", w=np.ones(3))), False,
                 "is not a climann run directory; it holds checkpoint.npz", id="a-users-checkpoint"),
    pytest.param(lambda folder: folder.mkdir(), False, "is empty, not a climann run directory", id="empty"),
    pytest.param(lambda folder: (folder.mkdir(), (folder / "config.toml").write_text("x"),
                                 Network([1, 1]).save(folder / "model.npz")), True, None, id="finished"),
    pytest.param(lambda folder: (folder.mkdir(), Network([1, 1]).save(folder / "best_model.npz")), True,
                 "is not a finished climann run: config.toml, model.npz missing", id="diverged"),
    pytest.param(lambda folder: (folder.mkdir(), (folder / "provenance.json").write_text('{"climann_version": "0"}')),
                 True, "is not a finished climann run: config.toml, model.npz missing", id="provenance-only"),
])
def test_a_run_directory_is_known_by_content(tmp_path, make, is_run, problem):
    folder = tmp_path / "folder"
    make(folder)
    assert is_run_directory(folder) is is_run
    found = finished_run_problem(folder)
    assert found is None if problem is None else found.startswith(f"{folder} {problem}")


def _cut_short(path):
    """``path`` cut to half its length, as a copy that did not finish leaves it."""
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


@pytest.mark.parametrize("name, write", [
    pytest.param("checkpoint.npz", lambda path, state: save_state(path, state, metadata={"config": ""}),
                 id="checkpoint"),
    pytest.param("model.npz", lambda path, state: Network([2, 3, 1]).save(path, metadata={"features": ["a"]}),
                 id="model"),
])
def test_a_run_file_cut_short_is_said_to_be_so_not_another_programs(tmp_path, training_state, name, write):
    (tmp_path / "config.toml").write_text("# climann resolved configuration\n")
    write(tmp_path / name, training_state)
    assert cut_short(tmp_path) is None
    _cut_short(tmp_path / name)
    expected = (f"{tmp_path / name} cannot be read: it is cut short (a zip archive without its end: a copy that did "
                "not finish, or a full disk?); copy it again from where the run was trained, or remove it and train "
                "again")
    assert cut_short(tmp_path) == expected
    assert finished_run_problem(tmp_path) == expected


@pytest.mark.parametrize("content", [pytest.param(b"", id="empty"), pytest.param(b"not a zip", id="text"),
                                     pytest.param(None, id="plain-np-savez")])
def test_another_programs_npz_file_is_not_cut_short(tmp_path, content):
    if content is None:
        _npz(tmp_path / "model.npz", w=np.ones(3))
    else:
        (tmp_path / "model.npz").write_bytes(content)
    assert cut_short(tmp_path) is None


def test_an_unfinished_run_is_told_how_to_resume(tmp_path, training_state):
    save_state(tmp_path / "checkpoint.npz", training_state, metadata={})
    assert is_run_directory(tmp_path)
    assert finished_run_problem(tmp_path) == (f"{tmp_path} is an unfinished run (checkpoint.npz); finish it with: "
                                              f"climann train --resume {tmp_path}")


def test_a_finished_run_with_a_checkpoint_says_where_its_retraining_stopped(tmp_path, training_state):
    """The state `train RUN --overwrite` leaves when stopped: the old run whole, plus the
    retraining's checkpoint (what every command then says, the same way)."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "config.toml").write_text("# climann resolved configuration\n")
    Network([2, 3, 1]).save(run_dir / "model.npz", metadata={"features": ["a"]})
    assert interrupted_retraining(run_dir) is None
    save_state(run_dir / "checkpoint.npz", training_state, metadata={"config": ""})
    assert interrupted_retraining(run_dir) == (
        f"{run_dir} also holds the checkpoint of a retraining that has not finished (after epoch "
        f"{training_state.epoch}; interrupted, or still running): these are the results of the finished run it is to "
        f"replace; finish the retraining with: climann train --resume {run_dir}")
    (run_dir / "model.npz").unlink()  # an unfinished run, not a finished one beside a retraining
    assert interrupted_retraining(run_dir) is None


@pytest.mark.parametrize("placed, record, published", [
    pytest.param(("model.npz", "metrics.json", "config.toml"), True, True, id="all-in-place"),
    pytest.param(("model.npz",), True, False, id="its-model-placed-first-alone"),
    pytest.param(("model.npz", "metrics.json"), True, False, id="its-model-and-metrics-without-config"),
    pytest.param(("model.npz", "metrics.json", "config.toml"), False, False, id="a-checkpoint-from-before-the-record"),
])
def test_a_checkpoint_beside_the_model_it_was_publishing_is_a_leftover_only_of_a_whole_run(
        tmp_path, training_state, placed, record, published):
    """verify22b F7: a run into a folder without a model places model.npz first, config.toml last;
    killed in between, the checkpoint that records that model (publishes_model) was taken for the
    leftover of a whole run, and --resume removed it, leaving model.npz alone. A checkpoint of a
    climann before the record (none) is read as before it: a retraining not finished."""
    from climann.run_files import is_published_checkpoint, model_sha256

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    Network([2, 3, 1]).save(run_dir / "model.npz", metadata={"features": ["a"]})
    sha = model_sha256(run_dir / "model.npz")
    if "metrics.json" in placed:
        (run_dir / "metrics.json").write_text(json.dumps({"target": "tas", "splits": {}, "model_sha256": sha}))
    if "config.toml" in placed:
        (run_dir / "config.toml").write_text("# climann resolved configuration\n")
    save_state(run_dir / "checkpoint.npz", training_state,
               metadata={"config": "", "replaces_model": None} | ({"publishes_model": sha} if record else {}))
    assert is_published_checkpoint(run_dir) == published
    warning = interrupted_retraining(run_dir)
    if published:
        # replaces_model None: a first training, not a retraining (verify23 F4)
        assert "the checkpoint of the training that wrote this run" in warning and "the run is whole" in warning
    elif "config.toml" in placed:
        assert "a retraining that has not finished" in warning
    else:
        assert warning is None and finished_run_problem(run_dir).startswith(f"{run_dir} is an unfinished run")


def test_a_run_whose_model_is_cut_short_is_refused_by_predict_and_evaluate_with_that_reason_alone(tmp_path):
    """verify21b F4: predict and evaluate said the cut-short reason, then "; give a directory written by climann
    train", of a folder that is one."""
    from climann.errors import ClimannError
    from climann.workflow.predict import load_run

    (tmp_path / "config.toml").write_text("# climann resolved configuration\n")
    Network([2, 3, 1]).save(tmp_path / "model.npz", metadata={"features": ["a"]})
    _cut_short(tmp_path / "model.npz")
    with pytest.raises(ClimannError) as refused:
        load_run(tmp_path)
    assert str(refused.value) == cut_short(tmp_path)
