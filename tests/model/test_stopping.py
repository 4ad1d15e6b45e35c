"""Tests for climann/model/stopping.py."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model.stopping import BestWeights, EarlyStopping


def test_best_weights_keep_the_lowest_loss_and_count_epochs_without_improvement():
    parameters = np.zeros(3)
    best = BestWeights(parameters)
    assert not best.restore(parameters)  # nothing saved yet
    for epoch, loss in enumerate([3.0, 2.0, 2.5, 1.95, 2.2], start=1):
        parameters[:] = epoch
        best.observe(epoch, loss, parameters, min_delta=0.1)
    # Epoch 4 is the lowest (saved), but only 0.05 below epoch 2: not an improvement
    # for the count, which has run since epoch 2.
    assert (best.epoch, best.loss, best.epochs_without_improvement) == (4, 1.95, 3)
    assert best.restore(parameters)
    np.testing.assert_array_equal(parameters, [4.0, 4.0, 4.0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        pytest.param({"patience": 0}, "patience >= 1", id="patience"),
        pytest.param({"patience": 2.5}, "patience >= 1", id="patience-float"),
        pytest.param({"min_delta": -0.1}, "min_delta >= 0", id="min-delta"),
    ],
)
def test_invalid_early_stopping(kwargs, message):
    with pytest.raises(ClimannError, match=message):
        EarlyStopping(**kwargs)


def test_best_weights_continue_from_their_state():
    parameters = np.zeros(3)
    best, continued = BestWeights(parameters), BestWeights(parameters)
    for epoch, loss in enumerate([3.0, 2.0, 2.5], start=1):
        parameters[:] = epoch
        best.observe(epoch, loss, parameters, min_delta=0.0)
    state = best.state_dict()
    parameters[:] = 9  # the state holds a copy of the best weights
    best.saved[:] = -1
    continued.load_state_dict(state)
    assert (continued.epoch, continued.loss, continued.epochs_without_improvement) == (2, 2.0, 1)
    assert continued.restore(parameters)
    np.testing.assert_array_equal(parameters, [2.0, 2.0, 2.0])


def test_best_weights_state_before_the_first_epoch_and_of_another_network():
    empty = BestWeights(np.zeros(3)).state_dict()
    assert empty == {"loss": np.inf, "epoch": None, "epochs_without_improvement": 0, "saved": None}
    with pytest.raises(ClimannError, match="this network needs"):
        BestWeights(np.zeros(4)).load_state_dict({**empty, "epoch": 1, "loss": 1.0, "saved": np.zeros(3)})
