"""The notes of the values a target_anomaly run cannot predict (break28c C1)."""

import datetime

import cftime
import numpy as np
import pytest

from climann.workflow.unscored_anomalies import UNDEFINED_ANOMALY_REASONS, holds_day_366, unscored_anomaly_notes


def _days(first_year: int, n_years: int) -> np.ndarray:
    start = cftime.DatetimeGregorian(first_year, 1, 1)
    end = cftime.DatetimeGregorian(first_year + n_years, 1, 1)
    return np.array([start + datetime.timedelta(days=d) for d in range((end - start).days)])


def _climatology(times: np.ndarray, train: np.ndarray) -> np.ndarray:
    """A climatology by day of year of two cells, shape (366, 1, 2): defined on the days of year
    trained on, but not at cell 1 on day 366 (its leap day missing)."""
    climatology = np.full((366, 1, 2), np.nan)
    climatology[np.unique([time.dayofyr for time in times[train]]) - 1] = 1.0
    climatology[365, 0, 1] = np.nan
    return climatology


@pytest.mark.parametrize("block", [pytest.param("test", id="the-runs-own-block"),
                                   pytest.param("all", id="other-data-without-training-steps")])
@pytest.mark.parametrize(("first_year", "reason"), [
    pytest.param(2001, "day 366", id="no-leap-year-trained"),
    pytest.param(2000, "unseen", id="leap-year-trained-cell-without-it"),
])
def test_day_366_is_named_as_the_cause_only_when_the_training_climatology_holds_no_day_366(first_year, reason,
                                                                                           block):
    """Two cells, three training years and one test year (2004); the climatology is undefined at
    31 December 2004 on cell 1. With 2000 trained on, day 366 has training values (cell 0's),
    so the cause is a cell never seen that day, not a missing leap year: on the run's own
    blocks and on other data (``evaluate --data``, whose one block has no training steps: the
    climatology says it, fix31c)."""
    times = _days(first_year, 2004 - first_year + 1)
    years = np.array([time.year for time in times])
    train, test = years < first_year + 3, years == 2004
    time_index = np.repeat(np.arange(times.size), 2)
    undefined = np.zeros(time_index.size, bool)
    undefined[2 * (times.size - 1) + 1] = True
    masks = {"train": train, "test": test} if block == "test" else {"all": test}
    notes = unscored_anomaly_notes(undefined, time_index, times, masks,
                                   {"train": 2 * int(train.sum()), block: 2 * 366 - 1},
                                   climatology=_climatology(times, train))
    assert notes == [{"split": block, "model": "model", "n_samples": 731, "of": 732,
                      "reason": "1 value at 1 time step (2004-12-31) is neither predicted nor scored: "
                                + UNDEFINED_ANOMALY_REASONS[reason]}]


def test_a_monthly_climatology_never_lacks_day_366():
    monthly = np.ones((12, 1, 2))
    assert holds_day_366(monthly)
    assert not holds_day_366(np.full((366 * 4, 1, 2), np.nan))
