"""Tests for climann/model/schedules.py: each learning-rate sequence against hand values."""

import math

import pytest

from climann.errors import ClimannError
from climann.model.schedules import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    ReduceOnPlateau,
    StepDecay,
    get_schedule,
)


def _rates(schedule, *, epochs, initial=0.1, losses=()):
    return [
        schedule.learning_rate(epoch, initial=initial, epochs=epochs, losses=list(losses))
        for epoch in range(1, epochs + 1)
    ]


# cos(π·e/4) for e = 0…3 is 1, √½, 0, −√½.
HALF = math.sqrt(0.5)

SEQUENCES = [
    pytest.param(Constant(), [0.1] * 5, id="constant"),
    pytest.param(StepDecay(step_size=2, gamma=0.5), [0.1, 0.1, 0.05, 0.05, 0.025], id="step"),
    pytest.param(StepDecay(step_size=10, gamma=0.1), [0.1] * 5, id="step-default-like"),
    pytest.param(
        ExponentialDecay(gamma=0.5), [0.1, 0.05, 0.025, 0.0125, 0.00625], id="exponential"
    ),
    pytest.param(
        CosineDecay(min_learning_rate=0.0),
        [0.1, 0.05 * (1 + HALF), 0.05, 0.05 * (1 - HALF)],
        id="cosine",
    ),
    pytest.param(
        CosineDecay(min_learning_rate=0.02),
        [0.1, 0.02 + 0.04 * (1 + HALF), 0.06, 0.02 + 0.04 * (1 - HALF)],
        id="cosine-min",
    ),
]


@pytest.mark.parametrize("schedule, expected", SEQUENCES)
def test_sequence_by_hand(schedule, expected):
    assert _rates(schedule, epochs=len(expected)) == pytest.approx(expected, rel=1e-14)


# Monitored losses of epochs 1…9; with patience 2 and factor 0.5, by hand:
#   e1 1.00 best          e2 0.90 best          e3 0.95 (1 bad)     e4 0.92 (2 bad → ×0.5)
#   e5 0.91 (1 bad)       e6 0.85 best          e7 0.86 (1 bad)     e8 0.87 (2 bad → ×0.5)
#   e9 0.88 (1 bad)
# Epoch e trains with the rate set by the losses of epochs 1 … e − 1.
PLATEAU_LOSSES = [1.0, 0.9, 0.95, 0.92, 0.91, 0.85, 0.86, 0.87, 0.88]


def test_reduce_on_plateau_on_a_crafted_loss_sequence():
    schedule = ReduceOnPlateau(factor=0.5, patience=2)
    expected = [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025]
    assert _rates(schedule, epochs=10, losses=PLATEAU_LOSSES) == pytest.approx(expected, rel=1e-15)


def test_reduce_on_plateau_stops_at_the_minimum():
    schedule = ReduceOnPlateau(factor=0.5, patience=2, min_learning_rate=0.03)
    rates = _rates(schedule, epochs=10, losses=PLATEAU_LOSSES)
    assert rates[-1] == 0.03 and rates[4] == 0.05


def test_reduce_on_plateau_min_delta():
    # e2 improves by 0.001 only: with min_delta 0.01 that is no improvement (but is the best).
    schedule = ReduceOnPlateau(factor=0.5, patience=2, min_delta=0.01)
    losses = [1.0, 0.999, 0.995, 0.98]
    assert _rates(schedule, epochs=5, losses=losses) == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05])


@pytest.mark.parametrize(
    "name, kind",
    [
        pytest.param(None, Constant, id="none"),
        pytest.param("constant", Constant, id="constant"),
        pytest.param("step", StepDecay, id="step"),
        pytest.param("Exponential", ExponentialDecay, id="exponential"),
        pytest.param("cosine", CosineDecay, id="cosine"),
        pytest.param("reduce_on_plateau", ReduceOnPlateau, id="plateau"),
        pytest.param("plateau", ReduceOnPlateau, id="plateau-alias"),
    ],
)
def test_get_schedule_by_name(name, kind):
    assert isinstance(get_schedule(name), kind)


def test_get_schedule_passes_objects_through_and_rejects_others():
    schedule = StepDecay(step_size=3)
    assert get_schedule(schedule) is schedule
    with pytest.raises(ClimannError, match="did you mean 'cosine'"):
        get_schedule("cosin")
    with pytest.raises(ClimannError, match="schedule must be a name"):
        get_schedule(0.1)


@pytest.mark.parametrize(
    "make, message",
    [
        pytest.param(lambda: StepDecay(step_size=0), "step_size to be an integer >= 1", id="step"),
        pytest.param(lambda: StepDecay(gamma=1.5), r"gamma > 0 and <= 1", id="gamma"),
        pytest.param(lambda: ExponentialDecay(gamma=0.0), r"gamma > 0", id="exp-gamma"),
        pytest.param(lambda: CosineDecay(min_learning_rate=-1.0), ">= 0", id="cosine-min"),
        pytest.param(lambda: ReduceOnPlateau(factor=1.0), "factor < 1", id="factor"),
        pytest.param(lambda: ReduceOnPlateau(patience=0), "patience", id="patience"),
    ],
)
def test_invalid_settings(make, message):
    with pytest.raises(ClimannError, match=message):
        make()
