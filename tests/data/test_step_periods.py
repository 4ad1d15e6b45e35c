"""A step's period as messages name it (climann/data/step_periods.py)."""

import cftime
import pytest

from climann.data.step_periods import period_text


@pytest.mark.parametrize(("period", "frequency", "expected"), [
    pytest.param(cftime.datetime(2003, 1, 1, calendar="noleap"), "yearly", "2003", id="yearly"),
    # ISO 8601 expanded years, as date_text writes them (break32b A4b): -9 was "-009"
    pytest.param(cftime.datetime(-9, 1, 1, calendar="noleap"), "yearly", "-0009", id="yearly-year-minus-9"),
    pytest.param(cftime.datetime(0, 1, 1, calendar="360_day"), "yearly", "0000", id="yearly-year-0"),
    pytest.param(cftime.datetime(-9, 3, 1, calendar="noleap"), "monthly", "-0009-03", id="monthly-year-minus-9"),
    pytest.param(cftime.datetime(850, 3, 16, calendar="noleap"), "daily", "0850-03-16", id="daily-year-850"),
])
def test_a_period_is_named_as_precisely_as_its_frequency_needs(period, frequency, expected):
    assert period_text(period, frequency) == expected
