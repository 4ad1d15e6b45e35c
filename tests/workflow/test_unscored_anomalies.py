"""The notes of the values a target_anomaly run cannot predict (break28c C1)."""

import datetime

import cftime
import numpy as np
import pytest

from climann.workflow.unscored_anomalies import UNDEFINED_ANOMALY_REASONS, unscored_anomaly_notes


def _days(first_year: int, n_years: int) -> np.ndarray:
    start = cftime.DatetimeGregorian(first_year, 1, 1)
    end = cftime.DatetimeGregorian(first_year + n_years, 1, 1)
    return np.array([start + datetime.timedelta(days=d) for d in range((end - start).days)])


@pytest.mark.parametrize(("first_year", "reason"), [
    pytest.param(2001, "day 366", id="no-leap-year-trained"),
    pytest.param(2000, "unseen", id="leap-year-trained-cell-without-it"),
])
def test_day_366_is_named_as_the_cause_only_when_no_training_step_is_a_day_366(first_year, reason):
    """Two cells, three training years and one test year (2004); the climatology is undefined at
    31 December 2004 on cell 1. With 2000 trained on, day 366 has training values (cell 0's),
    so the cause is a cell never seen that day, not a missing leap year."""
    times = _days(first_year, 2004 - first_year + 1)
    years = np.array([time.year for time in times])
    train, test = years < first_year + 3, years == 2004
    time_index = np.repeat(np.arange(times.size), 2)
    undefined = np.zeros(time_index.size, bool)
    undefined[2 * (times.size - 1) + 1] = True
    notes = unscored_anomaly_notes(undefined, time_index, times, {"train": train, "test": test},
                                   {"train": 2 * int(train.sum()), "test": 2 * 366 - 1})
    assert notes == [{"split": "test", "model": "model", "n_samples": 731, "of": 732,
                      "reason": "1 value at 1 time step (2004-12-31) is neither predicted nor scored: "
                                + UNDEFINED_ANOMALY_REASONS[reason]}]
