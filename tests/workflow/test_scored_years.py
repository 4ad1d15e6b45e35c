"""Other data that hold a run's own training or validation years (climann/workflow/scored_years.py)."""

from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr

from climann.workflow.scored_years import scored_own_years


def _days(calendar):
    """Every day of 2010-2016 in ``calendar``."""
    last = "2016-12-30" if calendar == "360_day" else "2016-12-31"
    return xr.date_range("2010-01-01", last, freq="D", calendar=calendar, use_cftime=True)


def _run_dir(tmp_path, calendar):
    """A run directory whose predictions.nc has daily steps 2010-2016 in ``calendar``: train 2010-2014, val 2015,
    test 2016 (the ``split`` of each step as its label), and the run (daily: 0 months a step)."""
    times = _days(calendar)
    years = np.array([time.year for time in times])
    split = np.where(years <= 2014, "train", np.where(years == 2015, "val", "test"))
    xr.Dataset({"split": ("time", split)}, coords={"time": times}).to_netcdf(tmp_path / "predictions.nc")
    return SimpleNamespace(network=SimpleNamespace(metadata={"time_step": {"months": 0}}),
                           config=SimpleNamespace(data=SimpleNamespace(split_years=None)))


@pytest.mark.parametrize(("run_calendar", "data_calendar"), [
    pytest.param("360_day", "proleptic_gregorian", id="360_day-run-on-standard-data"),
    pytest.param("noleap", "standard", id="noleap-run-on-standard-data"),
    pytest.param("standard", "360_day", id="standard-run-on-360_day-data"),
    pytest.param("standard", "standard", id="one-calendar"),
])
def test_the_own_years_are_counted_in_the_scored_datas_calendar_and_the_range_after_them_starts_after(
        tmp_path, run_calendar, data_calendar):
    """break46a A1: a UKESM run (360_day) scored on ERA5 (proleptic_gregorian) 2010-2016 was told 1791 of the
    steps were of its training years 2010-2014 (the 1826 days less the 35 31sts its calendar lacks) and 358 of
    its validation year (365), and advised --time-range 2015-12-31,2016-12-31, a day of that year. The counts are
    of the scored dates in those years, and the range starts on the first scored date after them (by hand)."""
    run = _run_dir(tmp_path, run_calendar)
    scored = _days(data_calendar)
    years = np.array([time.year for time in scored])
    record = scored_own_years(tmp_path, run, list(scored))
    assert record["n_steps"] == len(scored)
    assert record["train"] == {"n_steps": int(((years >= 2010) & (years <= 2014)).sum()), "years": "2010–2014"}
    assert record["val"] == {"n_steps": int((years == 2015).sum()), "years": "2015"}
    after = [time for time in scored if time.year >= 2016]
    assert record["time_range"] == f"{after[0]:%Y-%m-%d},{after[-1]:%Y-%m-%d}"
    if data_calendar == "proleptic_gregorian":  # the tester's numbers
        assert (record["train"]["n_steps"], record["val"]["n_steps"]) == (1826, 365)
        assert record["time_range"] == "2016-01-01,2016-12-31"
