import datetime

import cftime
import numpy as np
import pytest

from climann.data.composites import composite_positions, previous_composites


def _composites(days, *, calendar="standard", years=(2003, 2004, 2005), middles=False):
    """MODIS-like N-day composites restarting on 1 January, stamped at their starts or middles
    (the last of a year runs to 31 December: 5 or 6 days for 8-day ones)."""
    times = []
    for year in years:
        first, after = (cftime.datetime(year + extra, 1, 1, calendar=calendar) for extra in (0, 1))
        starts = [first + datetime.timedelta(days=days * k) for k in range(-(-(after - first).days // days))]
        ends = starts[1:] + [after]
        times += [start + (end - start) / 2 if middles else start for start, end in zip(starts, ends)]
    return np.array(times)


@pytest.mark.parametrize("days, per_year", [pytest.param(8, 46, id="8-day"), pytest.param(16, 23, id="16-day")])
@pytest.mark.parametrize("middles", [pytest.param(False, id="starts"), pytest.param(True, id="middles")])
def test_composites_are_counted_one_after_another_across_years(days, per_year, middles):
    """2003, 2004 (leap) and 2005: places 0 … 3·per_year − 1 without a gap, whether stamped at the
    composites' starts or middles (the last of a year, shorter, included)."""
    times = _composites(days, middles=middles)
    assert len(times) == 3 * per_year
    np.testing.assert_array_equal(composite_positions(times), np.arange(3 * per_year))
    previous = previous_composites(times)
    assert previous[0] == -1 and previous[per_year] == per_year - 1  # 1 January 2004 ← the last of 2003
    np.testing.assert_array_equal(previous[1:], np.arange(3 * per_year - 1))


def test_a_series_that_is_not_of_composites_has_none():
    monthly = [cftime.datetime(2003 + m // 12, m % 12 + 1, 15, calendar="noleap") for m in range(36)]
    assert composite_positions(monthly) is None and previous_composites(monthly) is None
