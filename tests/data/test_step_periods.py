"""A step's period as messages name it (climann/data/step_periods.py)."""

import cftime
import numpy as np
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


def test_the_other_files_given_are_one_glob_when_they_share_one(tmp_path, monkeypatch):
    """break38a B5: of 36 ICON months, the advice for the T_2M files named each of the 36 TOT_PREC files in a --data
    of its own (a 6 kB line). Now one glob that takes those files and nothing else (checked: it matches them)."""
    from pathlib import Path

    from climann.data.paths import matched_paths
    from climann.data.step_periods import bounds_advice

    monkeypatch.chdir(tmp_path)
    (tmp_path / "icon").mkdir()
    t2m, tp = ([Path("icon") / f"icon-eu_2019{month:02d}_{name}.nc" for month in (1, 2, 3)]
               for name in ("T_2M", "TOT_PREC"))
    for path in (*t2m, *tp):
        path.write_bytes(b"")
    advice = bounds_advice(t2m, "daily", given=[*t2m, *tp])
    assert "then give --data 'icon/icon-eu_20190*_TOT_PREC.nc' --data 'icon/with_bounds/*.nc' in place of" in advice
    assert "--data icon/icon-eu_201901_TOT_PREC.nc" not in advice
    assert matched_paths("icon/icon-eu_20190*_TOT_PREC.nc") == sorted(tp)


@pytest.mark.parametrize(("count", "frequency", "expected"), [
    pytest.param(24, "monthly", "24 monthly steps", id="adjective"),
    pytest.param(160, "7-day means", "160 steps of 7-day means", id="noun"),
    pytest.param(1, "16-day composites", "1 step of 16-day composites", id="one-step"),
    pytest.param(5, None, "5 steps", id="no-frequency"),
])
def test_steps_text(count, frequency, expected):
    """fix41m: "160 7-day composites steps" read as a noun before "steps"."""
    from climann.data.step_periods import steps_text

    assert steps_text(count, frequency) == expected


@pytest.mark.parametrize(("dims", "skipped"), [
    pytest.param(("station", "time"), "ta(station, time)", id="station-time-series"),
    pytest.param(("time", "station"), None, id="time-first"),
])
def test_the_bounds_advice_gives_cdo_only_for_files_whose_variables_cdo_reads(tmp_path, dims, skipped):
    """break43a A4: cdo reads only variables whose first dimension is time ("Time must be the first dimension! …
    Unsupported file structure" for a CF station file); for such a file the advice is the xarray line alone, for
    any refusal that gives it."""
    import xarray as xr

    from climann.data.step_periods import bounds_advice, cdo_skipped

    sizes = {"station": 2, "time": 3}
    xr.Dataset({"ta": (dims, np.zeros([sizes[dim] for dim in dims]))},
               coords={"time": ("time", [0.0, 31.0, 60.0], {"units": "days since 2000-01-01"})}).to_netcdf(
        tmp_path / "ta.nc")
    assert cdo_skipped([tmp_path / "ta.nc"]) == skipped
    advice = bounds_advice(tmp_path / "ta.nc", "monthly")
    assert ("cdo settbounds" in advice) == (skipped is None)
    assert ("(cdo reads no variable whose first dimension is not time, as ta(station, time))" in advice) == bool(skipped)
