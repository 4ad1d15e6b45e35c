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
