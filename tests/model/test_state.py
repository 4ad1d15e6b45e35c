"""Tests for climann/model/state.py: the training state and its file."""

import json

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model import EarlyStopping, History, Network, StopRequest, TrainingInterrupted, train
from climann.model.state import TrainingState, load_state, save_state


def _interrupted_state(*, stop_batch):
    """A real state: adam with early stopping, stopped in epoch 2 after ``stop_batch``."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    stop = StopRequest()

    def request(epoch, batch, loss):
        if (epoch, batch) == (2, stop_batch):
            stop.requested = True

    with pytest.raises(TrainingInterrupted) as interrupted:
        train(
            Network([2, 4, 1], seed=0), X, X[:, :1] * X[:, 1:], epochs=3, batch_size=8,
            early_stopping=EarlyStopping(patience=2), stop=stop, batch_callbacks=[request],
        )
    return interrupted.value.state


def _assert_same_state(a: TrainingState, b: TrainingState) -> None:
    assert np.array_equal(a.parameters, b.parameters) and a.parameters.dtype == b.parameters.dtype
    assert a.optimizer.keys() == b.optimizer.keys()
    for name, value in a.optimizer.items():
        assert np.array_equal(value, b.optimizer[name])
    assert np.array_equal(a.best["saved"], b.best["saved"])
    assert {k: v for k, v in a.best.items() if k != "saved"} == {
        k: v for k, v in b.best.items() if k != "saved"
    }
    simple = ("epoch", "batch", "optimizer_kind", "rng", "history", "batch_size", "n_samples",
              "epoch_loss_sum", "epoch_weight_sum")
    assert {name: getattr(a, name) for name in simple} == {name: getattr(b, name) for name in simple}


def test_a_state_reads_back_exactly(tmp_path):
    state = _interrupted_state(stop_batch=3)
    assert (state.epoch, state.batch, state.optimizer_kind) == (1, 3, "Adam")
    assert state.optimizer["n_steps"] == 5 + 3  # 40 samples in batches of 8: 5 per epoch
    assert state.epoch_weight_sum == 3 * 8
    save_state(tmp_path / "state.npz", state, metadata={"config": {"epochs": 3}})
    loaded, metadata = load_state(tmp_path / "state.npz")
    _assert_same_state(loaded, state)
    assert metadata == {"config": {"epochs": 3}}
    assert [p.name for p in tmp_path.iterdir()] == ["state.npz"]  # no temporary left


def test_the_file_holds_no_pickled_objects(tmp_path):
    save_state(tmp_path / "state.npz", _interrupted_state(stop_batch=1))
    with np.load(tmp_path / "state.npz", allow_pickle=False) as archive:
        names = set(archive.files)
        header = json.loads(str(archive["header"]))
    assert names == {"header", "parameters", "optimizer.first_moment", "optimizer.second_moment",
                     "best_weights"}
    assert header["rng"]["bit_generator"] == "PCG64"


def test_a_state_before_any_best_epoch_has_no_best_weights(tmp_path):
    # Stopped in epoch 1: no epoch finished, no best weights to save.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 2))
    stop = StopRequest(requested=True)
    with pytest.raises(TrainingInterrupted) as interrupted:
        train(Network([2, 1]), X, X[:, :1], epochs=2, batch_size=8, stop=stop)
    state = interrupted.value.state
    assert (state.epoch, state.batch, state.best["saved"]) == (0, 1, None)
    save_state(tmp_path / "state.npz", state)
    loaded, _ = load_state(tmp_path / "state.npz")
    assert loaded.best == {"loss": np.inf, "epoch": None, "epochs_without_improvement": 0, "saved": None}
    assert loaded.history == History(learning_rate=[])


@pytest.mark.parametrize(
    "state, text",
    [
        pytest.param(TrainingState(3, 0, *[None] * 8), "after epoch 3", id="boundary"),
        pytest.param(TrainingState(3, 7, *[None] * 8), "in epoch 4, after batch 7", id="inside"),
        # training in rounds (streamed and cluster runs) records batch_size 0: its batch counts rounds
        pytest.param(TrainingState(3, 2, *[None] * 6, 0, None), "in epoch 4, after round 2", id="inside-rounds"),
    ],
)
def test_describe(state, text):
    assert state.describe() == text


@pytest.mark.parametrize(
    "make, message",
    [
        pytest.param(lambda path: None, "not found", id="missing"),
        pytest.param(lambda path: path.write_text("not a zip"), "not a readable", id="not-zip"),
        pytest.param(
            lambda path: np.savez(open(path, "wb"), parameters=np.zeros(3)), "no valid header", id="no-header"
        ),
        pytest.param(
            lambda path: np.savez(open(path, "wb"), header=np.array(json.dumps(
                {"format": "climann training state", "format_version": 99}))),
            "format_version 99", id="version",
        ),
        pytest.param(
            lambda path: np.savez(open(path, "wb"), header=np.array(json.dumps(
                {"format": "climann training state", "format_version": 1}))),
            "incomplete", id="incomplete",
        ),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(tmp_path, make, message):
    path = tmp_path / "state.npz"
    make(path)
    with pytest.raises(ClimannError, match=message):
        load_state(path)


def test_metadata_must_be_json(tmp_path):
    with pytest.raises(ClimannError, match="JSON-serialisable"):
        save_state(tmp_path / "state.npz", _interrupted_state(stop_batch=1), metadata={"x": object()})
    assert list(tmp_path.iterdir()) == []


def test_a_non_finite_loss_is_stored_as_strict_json_and_read_back_as_nan(tmp_path):
    state = _interrupted_state(stop_batch=3)
    state.history.train_loss.append(float("nan"))  # as a diverging epoch would record it
    save_state(tmp_path / "state.npz", state, metadata={"note": float("inf")})
    with np.load(tmp_path / "state.npz", allow_pickle=False) as archive:
        text = str(archive["header"])

    def refuse(constant):
        raise ValueError(constant)

    header = json.loads(text, parse_constant=refuse)  # strict JSON: null, not NaN
    assert header["history"]["train_loss"][-1] is None and header["user"] == {"note": None}
    loaded, _ = load_state(tmp_path / "state.npz")
    assert np.isnan(loaded.history.train_loss[-1])
    assert loaded.history.train_loss[:-1] == state.history.train_loss[:-1] != []
