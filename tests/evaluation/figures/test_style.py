"""Tests for climann/evaluation/figures/style.py: the shared pieces of every figure."""

import pytest

from climann.evaluation.figures.style import _period


@pytest.mark.parametrize(
    ("years", "text"),
    [
        pytest.param([1997, 1997, 1997], "1997", id="one-year"),
        pytest.param([1997, 1998, 1999], "1997–1999", id="consecutive"),
        pytest.param([1997.0, 1997.5, 1998.99], "1997–1998", id="decimal-years"),
        pytest.param([1997, 1997, 1999, 1999], "1997–1999, every 2nd year", id="every-2nd"),
        pytest.param([2014, 2017], "2014–2017, every 3rd year", id="every-3rd"),
        pytest.param([2000, 2011, 2022], "2000–2022, every 11th year", id="every-11th"),
        pytest.param([2000, 2021], "2000–2021, every 21st year", id="every-21st"),
        pytest.param([1990, 1991, 1995], "1990–1995", id="uneven-gaps"),
        pytest.param([], "no time steps", id="none"),
    ],
)
def test_a_period_names_its_first_and_last_year_and_a_stride_of_years(years, text):
    """A run's test maps of every n-th test year say so in their titles."""
    assert _period(years) == text
