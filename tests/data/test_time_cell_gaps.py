"""Time cells that stop short of the next one (climann/data/time_cell_gaps.py): bounds that
give a period's last day rather than the next period's start."""

from __future__ import annotations

import datetime
import logging
import re

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.time_cell_gaps import short_gaps
from climann.data.units import convert_dataset
from tests.followed_twice import GUARD, without_guards


def _month(year, month):
    return cftime.datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, calendar="standard")


def _months(n, *, first=1, every=1):
    """The first ``n`` months from January 2000, ``every`` months apart: [start, next start]."""
    return np.array([[_month(2000, first + every * k), _month(2000, first + every * k + 1)] for k in range(n)])


def _last_days(cells):
    """The same cells with the upper bound on the period's last day (00:00)."""
    return np.array([[low, high - datetime.timedelta(days=1)] for low, high in cells])


@pytest.mark.parametrize(("cells", "expected"), [
    pytest.param(_last_days(_months(4)), [True, True, True], id="monthly-cells-ending-on-the-last-day"),
    pytest.param(_months(4), [False, False, False], id="contiguous-cells"),
    pytest.param(_months(3, every=12), [False, False], id="januaries-of-several-years"),
    pytest.param(np.array([[_month(2000, 12), _month(2001, 3)], [_month(2001, 12), _month(2002, 3)]]), [False],
                 id="djf-one-a-year"),
    pytest.param(np.concatenate([_months(2), _months(2, first=4)]), [False, False, False], id="a-missing-month"),
    pytest.param(np.concatenate([_last_days(_months(2)), _months(1, first=4)]), [True, False], id="last-days-then-a-gap"),
    # break39a F3 (GRACE JPL mascons): a missing 30-day month or February is shorter than the
    # 31-day months beside it, yet it is a missing step, not a cell that stops short
    pytest.param(np.concatenate([_months(5), _months(1, first=7)]), [False] * 5, id="a-missing-june"),
    pytest.param(np.concatenate([_months(1, first=13), _months(1, first=15)]), [False], id="a-missing-february"),
    pytest.param(np.concatenate([_months(1), _months(1, first=3)]), [False], id="a-missing-leap-february"),
    pytest.param(np.concatenate([_months(4), _months(2, first=8)]), [False] * 5, id="three-missing-months"),
    pytest.param(np.array([[_month(2000, 9), _month(2000, 12)], [_month(2001, 3), _month(2001, 6)]]), [False],
                 id="a-missing-djf-between-son-and-mam"),
    pytest.param(np.array([[cftime.datetime(2000, 1, d, calendar="standard"),
                            cftime.datetime(2000, 1, d + 1, calendar="standard")] for d in (1, 2, 4)]),
                 [False, False], id="a-missing-day"),
])
def test_only_gaps_shorter_than_the_cells_beside_them_count(cells, expected):
    np.testing.assert_array_equal(short_gaps(cells), expected)


def _totals(path, cells, attrs=None):
    """Monthly precipitation totals (mm, time: sum) of a rate of 5 mm/day, stamped mid-cell,
    with ``cells`` as time_bnds (``attrs`` in place of pr's units and cell_methods)."""
    full = np.array([(_month(low.year, low.month + 1) - low).days for low, _ in cells], np.float64)
    stamps = [low + (high - low) / 2 for low, high in cells]
    dataset = xr.Dataset(
        {"pr": (("time", "lat", "lon"), np.broadcast_to(5.0 * full[:, None, None], (len(cells), 2, 3)).copy(),
                attrs or {"units": "mm", "cell_methods": "time: sum"}),
         "time_bnds": (("time", "bnds"), cells)},
        coords={"time": ("time", stamps, {"bounds": "time_bnds", "standard_name": "time"}),
                "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})})
    encoding = {"units": "days since 1800-01-01", "calendar": "standard"}
    dataset.to_netcdf(path, encoding={"time": encoding, "time_bnds": encoding})
    return path, full


def test_cells_ending_on_the_last_day_are_warned_about_once_with_the_rate_error_and_the_fix(tmp_path, monkeypatch,
                                                                                            caplog):
    """break13 F18: totals over [1 Jan, 31 Jan] were divided by 30 days, the rates 3.3 % high
    (31/30) and 3.7 % in February 2001 (28/27), and nothing noted the gaps."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    path, days = _totals(tmp_path / "pr.nc", _last_days(_months(3)))
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([path])
    said = [without_guards(record.message) for record in caplog.records if "stop short" in record.message]
    assert said == [
        "pr.nc: the time cells of 'time_bnds' stop short of the next ones at 2 of 2 steps (the cell 2000-01-01 to "
        "2000-01-31 ends 1 day before the next starts), as bounds that give a period's last day rather than the next "
        "one's start; CF cells of a series share their edges (7.1): taken as they are, each is 1 day short, and a "
        "total over it converted to a rate is divided by 30 days instead of 31 days, 3.3 % too high; if each cell "
        "is meant to reach the next, make its upper bound the next cell's lower bound: mkdir -p "
        "time_cells_joined && ncap2 -s 'if(!exists(time_bnds@climann_cells_joined)){time_bnds(:,1)=time_bnds(:,1)+1;time_bnds@climann_cells_joined="
        "\"upper bounds moved by 1 to the lower bound of the next cell\";}' pr.nc time_cells_joined/pr.nc (its copy in a "
        "new folder), then give --data time_cells_joined/pr.nc in place of pr.nc"]
    # the rates as the cells say, by hand: 5 mm/day × the month's days / (the month's days − 1)
    rates = convert_dataset(opened, {"pr": "mm day-1"}, where="pr.nc", reference="the run",
                            cell_methods={"pr": "time: mean"})["pr"].values[:, 0, 0]
    np.testing.assert_allclose(rates, 5.0 * days / (days - 1), rtol=1e-12)
    assert rates[0] / 5.0 - 1 == pytest.approx(0.0333, abs=5e-5)  # the 3.3 % said


@pytest.mark.parametrize(("attrs", "warned"), [
    pytest.param({"units": "K", "cell_methods": "time: mean", "long_name": "Surface temperature anomaly"}, False,
                 id="gistemp-mean-anomaly"),
    pytest.param({"units": "K"}, False, id="no-cell-methods"),
    pytest.param({"units": "mm", "long_name": "total precipitation"}, True, id="an-amount-without-cell-methods"),
    pytest.param({"units": "mm", "cell_methods": "time: sum"}, True, id="a-total"),
])
def test_cells_ending_on_the_last_day_are_warned_about_for_totals_only(tmp_path, caplog, attrs, warned):
    """break51a A5: GISTEMP v4's time_bnds give each month's first and last day; every command
    on its temperature anomaly warned that "a total over it converted to a rate is divided by 30
    days, 3.3 % too high" — no rate is made of a mean."""
    forget_notes()
    path, _ = _totals(tmp_path / "pr.nc", _last_days(_months(3)), attrs)
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([path])
    assert any("stop short" in record.message for record in caplog.records) is warned


def test_cells_that_reach_the_next_are_not_warned_about_and_give_the_true_rate(tmp_path, caplog):
    forget_notes()
    path, _ = _totals(tmp_path / "pr.nc", _months(3))
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([path])
    assert not [record for record in caplog.records if "stop short" in record.message]
    rates = convert_dataset(opened, {"pr": "mm day-1"}, where="pr.nc", reference="the run",
                            cell_methods={"pr": "time: mean"})["pr"].values
    np.testing.assert_allclose(rates, 5.0, rtol=1e-12)


def test_cells_of_their_own_lengths_beside_a_file_without_time_are_said_as_they_are(tmp_path, monkeypatch, caplog):
    """GRACE's solution spans: gaps of 1 to 4 days and an overlap. The warning said 'each is N days
    short' of the first gap and named the land-mask file without time too (break16 F10)."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    day = datetime.timedelta(days=1)
    cells = np.array([[_month(2000, 1) + day, _month(2000, 2) - 2 * day],  # ends 2 days before the next
                      [_month(2000, 2), _month(2000, 3) - 3 * day],  # 1 day before the next, which starts 2 days early
                      [_month(2000, 3) - 2 * day, _month(2000, 4) + day],  # overlaps the next by a day
                      [_month(2000, 4), _month(2000, 5) - 4 * day],
                      [_month(2000, 5), _month(2000, 6)]])
    stamps = [low + (high - low) / 2 for low, high in cells]
    xr.Dataset({"lwe": (("time", "lat", "lon"), np.zeros((5, 2, 3)), {"units": "cm"}),
                "time_bounds": (("time", "bnds"), cells)},
               coords={"time": ("time", stamps, {"bounds": "time_bounds", "standard_name": "time"}),
                       "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(
        tmp_path / "grace.nc", encoding={"time": {"units": "days since 2000-01-01"},
                                         "time_bounds": {"units": "days since 2000-01-01"}})
    xr.Dataset({"land": (("lat", "lon"), np.ones((2, 3)))},
               coords={"lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(tmp_path / "mask.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "grace.nc", tmp_path / "mask.nc"])
    said = [record.message for record in caplog.records if "stop short" in record.message]
    assert len(said) == 1 and said[0].startswith("grace.nc: the time cells of 'time_bounds' stop short of the next "
                                                 "ones at 3 of 4 steps (the cell 2000-01-02 to 2000-01-30 ends 2 days")
    assert ("the gaps vary, from 1 day to 4 days, and 1 cell overlaps the next" in said[0]
            and "each is" not in said[0] and "mask.nc" not in said[0])


def _day(year, month, day):
    return cftime.datetime(year, month, day, calendar="standard")


# break44d A4: GRACE's partial and split months, windows shorter than their month on purpose
_GRACE_CELLS = [(_day(2015, 4, 1), _day(2015, 5, 1)), (_day(2015, 5, 1), _day(2015, 6, 15)),
                (_day(2015, 7, 1), _day(2015, 8, 1)), (_day(2016, 2, 1), _day(2016, 3, 1)),
                (_day(2016, 3, 1), _day(2016, 4, 11)), (_day(2016, 5, 1), _day(2016, 5, 16)),
                (_day(2016, 6, 1), _day(2016, 6, 9)), (_day(2016, 7, 1), _day(2016, 8, 1)),
                (_day(2016, 8, 1), _day(2016, 9, 1)), (_day(2016, 10, 1), _day(2016, 11, 1))]


def test_grace_windows_short_of_the_next_month_are_each_counted_and_not_called_last_days(tmp_path, monkeypatch,
                                                                                         caplog):
    """break44d A4: four GRACE windows ending 16–22 days before the next month's were counted as 1 of 9 (the
    others, shorter than the gap, were taken for missing steps; an 8-day window after a 16-day gap for a whole
    missing cell) and called "bounds that give a period's last day … 35.6 % too high"; the short ones counted
    here by hand: a gap of more than 0 and fewer than 28 days (no missing whole month: the gap of 2015-08 to
    2016-02 and 2016-09 are missing months)."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    gaps = [(after[0] - before[1]).days for before, after in zip(_GRACE_CELLS[:-1], _GRACE_CELLS[1:])]
    by_hand = [0 < gap < 28 for gap in gaps]
    assert sum(by_hand) == 4
    cells = np.array(_GRACE_CELLS)
    np.testing.assert_array_equal(short_gaps(cells), by_hand)
    stamps = [low + (high - low) / 2 for low, high in cells]
    xr.Dataset({"lwe_thickness": (("time", "lat", "lon"), np.zeros((len(cells), 2, 3)), {"units": "cm"}),
                "time_bounds": (("time", "bnds"), cells)},
               coords={"time": ("time", stamps, {"bounds": "time_bounds", "standard_name": "time"}),
                       "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(
        tmp_path / "grace.nc", encoding={"time": {"units": "days since 2002-01-01"},
                                         "time_bounds": {"units": "days since 2002-01-01"}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "grace.nc"])
    said = [record.message for record in caplog.records if "stop short" in record.message]
    short = [gap for gap, is_short in zip(gaps, by_hand) if is_short]
    assert len(said) == 1 and f"at {sum(by_hand)} of {len(gaps)} steps" in said[0]
    assert f"the gaps vary, from {min(short)} days to {max(short)} days (longer than the 1 day" in said[0]
    assert "last day rather than" not in said[0] and "too high" not in said[0]


def test_one_window_many_days_short_is_no_last_day_convention(tmp_path, monkeypatch, caplog):
    """break44d A4: one GRACE window 16 days short of the next month was "as bounds that give a period's last
    day … 35.6 % too high"; a last-day convention leaves 1 day."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    cells = np.array(_GRACE_CELLS[:4])
    stamps = [low + (high - low) / 2 for low, high in cells]
    xr.Dataset({"lwe_thickness": (("time", "lat", "lon"), np.zeros((len(cells), 2, 3)), {"units": "cm"}),
                "time_bounds": (("time", "bnds"), cells)},
               coords={"time": ("time", stamps, {"bounds": "time_bounds", "standard_name": "time"}),
                       "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(
        tmp_path / "grace.nc", encoding={"time": {"units": "days since 2002-01-01"},
                                         "time_bounds": {"units": "days since 2002-01-01"}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "grace.nc"])
    said = [record.message for record in caplog.records if "stop short" in record.message]
    gap = (_GRACE_CELLS[2][0] - _GRACE_CELLS[1][1]).days
    assert len(said) == 1 and "at 1 of 3 steps" in said[0] and f"the gap is {gap} days (longer than" in said[0]
    assert "last day rather than" not in said[0] and "too high" not in said[0]


def _six_hourly(path, cell_hours, cell_methods="area: time: mean"):
    """6-hourly values over 4 days, stamped at 00, 06, 12, 18 (as xarray's resample labels them),
    with cells [stamp, stamp + ``cell_hours``] in the time's units (hours)."""
    stamps = np.arange(16) * 6.0
    dataset = xr.Dataset(
        {"pr": (("time", "lat", "lon"), np.ones((16, 2, 3)), {"units": "kg m-2 s-1", "cell_methods": cell_methods}),
         "time_bnds": (("time", "bnds"), np.stack([stamps, stamps + cell_hours], 1))},
        coords={"time": ("time", stamps, {"bounds": "time_bnds", "standard_name": "time",
                                          "units": "hours since 2000-01-01", "calendar": "noleap"}),
                "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})})
    dataset.to_netcdf(path)
    return path


def test_means_over_3_hour_cells_every_6_hours_are_warned_about_with_the_fix(tmp_path, monkeypatch, caplog):
    """break33b B5: 6-hourly means whose bounds xarray's resample averaged, their units then deleted
    (climann's advice), carried cells [00:00, 03:00] 6 hours apart and were taken without a word,
    dated 01:30 and written so into predictions.nc."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    path = _six_hourly(tmp_path / "pr_6h.nc", 3)
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([path])
    said = [without_guards(record.message) for record in caplog.records if "apart" in record.message]
    assert said == [
        "pr_6h.nc: the time cells of 'time_bnds' are 3 hours long and 6 hours apart (the first 2000-01-01 to "
        "2000-01-01 03:00, the next from 2000-01-01 06:00): each value of pr (time: mean) is then over 3 hours of "
        "every 6 hours, and the 3 hours between are in no value; means over 6 hours whose bounds were averaged look so "
        "(xarray's Dataset.resample averages time_bnds), and they are dated by the middles of these cells; if each "
        "cell is meant to reach the next, make its upper bound the next cell's lower bound: mkdir -p "
        "time_cells_joined && ncap2 -s 'if(!exists(time_bnds@climann_cells_joined)){time_bnds(:,1)=time_bnds(:,1)+3;time_bnds@climann_cells_joined="
        "\"upper bounds moved by 3 to the lower bound of the next cell\";}' pr_6h.nc time_cells_joined/pr_6h.nc (its "
        "copy in a new folder), then give --data time_cells_joined/pr_6h.nc in place of pr_6h.nc"]
    assert opened["time"].values[0] == cftime.datetime(2000, 1, 1, 1, 30, calendar="noleap")  # as the cells say


@pytest.mark.parametrize(("cell_hours", "cell_methods"), [
    pytest.param(6, "area: time: mean", id="cells-that-reach-the-next"),
    pytest.param(3, "area: mean time: point", id="instants"),
    pytest.param(3, "area: mean", id="no-time-method"),
])
def test_cells_as_long_as_their_steps_or_values_of_no_statistic_are_not_warned_about(tmp_path, caplog, cell_hours,
                                                                                      cell_methods):
    forget_notes()
    path = _six_hourly(tmp_path / "pr_6h.nc", cell_hours, cell_methods)
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([path])
    assert not [record for record in caplog.records if "apart" in record.message]


def test_missing_thirty_day_months_and_februaries_in_a_file_are_missing_steps(tmp_path, caplog):
    """break39a F3: GRACE JPL mascons on calendar-month cells with the real missing months; the
    missing Junes and Februaries were said to be cells that stop short by 30 and 28 days, and the
    advice (make each upper bound the next cell's lower bound) would make May cover two months."""
    forget_notes()
    kept = [m for m in range(1, 25) if m not in (2, 6, 14, 16)]  # 2000-02 (29 d), 2000-06, 2001-02, 2001-04
    path, _ = _totals(tmp_path / "grace.nc", np.array([[_month(2000, m), _month(2000, m + 1)] for m in kept]))
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([path])
    assert not [record.message for record in caplog.records if "stop short" in record.message]
    assert opened.sizes["time"] == 20


def test_the_fix_for_a_folder_of_monthly_files_is_a_loop_that_joins_every_file_s_cells(tmp_path, caplog):
    """ESA Fire CCI's monthly files, time_bnds [first day, last day] one month per file (break39b B7): the fix
    was ncap2 on the first file only, into pr_fixed.nc beside it, which the folder's glob then read with the
    originals. Now one loop writes a copy of every file into a new folder; run with bash as printed, the copies'
    cells reach the next ones (no warning) and the totals give the true rate, 5 mm/day."""
    import re
    import shutil
    import subprocess

    if shutil.which("ncap2") is None:
        pytest.skip("NCO's ncap2 is not installed")
    folder = tmp_path / "fire cci"
    folder.mkdir()
    cells = _last_days(_months(3))
    for k in range(3):
        _totals(folder / f"2000{k + 1:02d}01-ESACCI-L4_FIRE-BA.nc", cells[k:k + 1])
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset(sorted(folder.glob("*.nc")))
    (said,) = [record.message for record in caplog.records if "stop short" in record.message]
    loop = re.search(rf"make its upper bound the next cell's lower bound: {GUARD}(mkdir -p .*?; done \)) \(a copy of each of "
                     r"its 3 files in a new folder\), then give --data '(.*?)' in place of the originals", said)
    assert loop is not None, said
    subprocess.run(["bash", "-c", loop.group(1)], check=True)
    assert sorted(path.name for path in folder.glob("*.nc")) == [f"2000{m:02d}01-ESACCI-L4_FIRE-BA.nc" for m in (1, 2, 3)]
    copies = sorted((folder / "time_cells_joined").glob("*.nc"))
    assert loop.group(2) == str(folder / "time_cells_joined" / "*.nc") and len(copies) == 3
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset(copies)
    assert not [record for record in caplog.records if "stop short" in record.message]
    rates = convert_dataset(opened, {"pr": "mm day-1"}, where="copies", reference="the run",
                            cell_methods={"pr": "time: mean"})["pr"].values[:, 0, 0]
    np.testing.assert_allclose(rates, 5.0, rtol=1e-12)


def test_daily_means_of_half_hourly_stamps_get_one_warning_whose_copy_joins_the_cells_once(tmp_path, monkeypatch,
                                                                                           caplog):
    """fix43l: `cdo daymean` of 30-minute stamps without bounds writes cells from each day's first stamp to its
    last, 23.5 hours, 1 day apart. Two warnings told that one fault, each with an `ncap2 … +30` loop, the second
    reading the first's copies: followed both, each cell ran to 00:30 the next day (1.0208-day cells, exit 0).
    Now one warning; its line run with bash as printed makes the cells pandas' calendar days, and the copy
    opens without a warning about its cells."""
    import re
    import shutil
    import subprocess

    import pandas as pd

    if shutil.which("ncap2") is None:
        pytest.skip("NCO's ncap2 is not installed")
    monkeypatch.chdir(tmp_path)
    days = pd.date_range("2014-01-01", periods=5, freq="D")
    lower = (days - days[0]).total_seconds().to_numpy() / 60  # minutes since 2014-01-01, as cdo writes them
    for name, method in (("vwc", "time: mean"), ("pr", "time: sum")):
        xr.Dataset({name: ("time", np.arange(5.0), {"units": "mm" if name == "pr" else "%", "cell_methods": method}),
                    "time_bnds": (("time", "bnds"), np.stack([lower, lower + 1410], 1))},
                   coords={"time": ("time", lower + 705, {"bounds": "time_bnds", "standard_name": "time",
                                                          "units": "minutes since 2014-01-01",
                                                          "calendar": "proleptic_gregorian"}),
                           "lat": ((), 51.6, {"units": "degrees_north", "standard_name": "latitude"}),
                           "lon": ((), -1.1, {"units": "degrees_east", "standard_name": "longitude"})},
                   ).to_netcdf(tmp_path / f"{name}_daily.nc")
    files = [tmp_path / "pr_daily.nc", tmp_path / "vwc_daily.nc"]
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset(files)
    said = [record.message for record in caplog.records if "time cells of" in record.message]
    assert len(said) == 1, said
    assert "stop short of the next ones at 4 of 4 steps" in said[0] and "ends 30 minutes before" in said[0]
    loop = re.search(rf"lower bound: {GUARD}(mkdir -p .*?; done \)) \(a copy of each of its 2 files in a new folder\)", said[0])
    assert loop is not None, said[0]
    subprocess.run(["bash", "-c", loop.group(1)], check=True, cwd=tmp_path)
    copies = sorted((tmp_path / "time_cells_joined").glob("*.nc"))
    assert [path.name for path in copies] == ["pr_daily.nc", "vwc_daily.nc"]
    for path in copies:
        with xr.open_dataset(path) as copy:
            cells = pd.DatetimeIndex(copy["time_bnds"].values[:, 1]) - pd.DatetimeIndex(copy["time_bnds"].values[:, 0])
            assert (pd.DatetimeIndex(copy["time_bnds"].values[:, 0]) == days).all()
            assert (pd.DatetimeIndex(copy["time_bnds"].values[:, 1]) == days + pd.Timedelta("1D")).all(), cells
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset(copies)
    assert not [record.message for record in caplog.records if "time cells of" in record.message]


@pytest.mark.parametrize("twice_on", [pytest.param("input", id="same-line-again"),
                                      pytest.param("copy", id="on-the-copy-put-in-place")])
def test_the_line_that_joins_the_cells_gives_the_same_cells_when_run_twice(tmp_path, monkeypatch, caplog, twice_on):
    """fix44d: `ncap2 -s 'time_bnds(:,1)=time_bnds(:,1)+1'` run a second time on its copy (put in place of the
    original, as the advice says) moved the upper bounds again: each cell a day into the next. The line, run as
    printed and then again (on the input to another copy, or on the copy itself), gives cells that reach the next
    (numpy: the upper bounds are the next lower bounds), and the copy opens without the warning."""
    import shlex
    import shutil
    import subprocess

    if shutil.which("ncap2") is None:
        pytest.skip("needs NCO")
    monkeypatch.chdir(tmp_path)
    forget_notes()
    path, _ = _totals(tmp_path / "pr.nc", _last_days(_months(4)))
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([path])
    (said,) = [record.message for record in caplog.records if "stop short" in record.message]
    # as printed: the copy in a new folder, with the --data to give (break52a A5)
    printed = re.search(rf": ({GUARD}mkdir -p time_cells_joined && (ncap2 -s '.*?' \S+ \S+)) \(its copy in a new folder\), "
                        r"then give --data time_cells_joined/pr\.nc in place of pr\.nc", said)
    assert printed is not None, said
    words = shlex.split(printed.group(2))
    assert words[0] == "ncap2" and words[-2:] == ["pr.nc", "time_cells_joined/pr.nc"]
    subprocess.run(printed.group(1), shell=True, check=True, capture_output=True)
    fixed = "time_cells_joined/pr.nc"
    again = [*words[:-2], "pr.nc", "pr_again.nc"] if twice_on == "input" else [*words[:-2], fixed, "pr_again.nc"]
    subprocess.run(again, check=True, capture_output=True)
    with xr.open_dataset(path, decode_times=False) as original:
        stored = original["time_bnds"].values
    for copy in (fixed, "pr_again.nc"):
        with xr.open_dataset(tmp_path / copy, decode_times=False) as fixed:
            bounds = fixed["time_bnds"].values
        np.testing.assert_array_equal(bounds[:, 0], stored[:, 0])
        np.testing.assert_array_equal(bounds[:-1, 1], stored[1:, 0])  # each cell reaches the next
        assert bounds[-1, 1] == stored[-1, 1] + 1  # the last, a day longer once: the first of the next month
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "pr_again.nc"])
    assert not [record for record in caplog.records if "stop short" in record.message]


def test_the_short_cells_are_told_of_the_file_that_holds_them_not_of_a_file_given_month_cells(tmp_path, monkeypatch,
                                                                                                caplog):
    """break53c A3: GRACE's cells beside ERA5's monthly means (no bounds in the file; ECMWF's month cells made
    from its GRIB attributes, so its variables count as bounded) were told as "GRCTellus….nc,
    era5_moda….nc: the time cells of 'time_bounds' stop short": the ERA5 file holds no cells at all."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    path, _ = _totals(tmp_path / "pr.nc", _last_days(_months(4)))
    starts = [_month(2000, k) for k in range(1, 5)]
    means = xr.Dataset(
        {"t2m": (("time", "lat", "lon"), np.full((4, 2, 3), 280.0),
                 {"units": "K", "GRIB_stepType": "avgua"})},
        coords={"time": ("time", starts, {"standard_name": "time"}),
                "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})},
        attrs={"GRIB_centre": "ecmf"})
    means.to_netcdf(tmp_path / "era5_means.nc",
                    encoding={"time": {"units": "days since 1800-01-01", "calendar": "standard"}})
    with xr.open_dataset(tmp_path / "era5_means.nc") as stored:
        assert not [name for name in stored.variables if "bnds" in name or "bounds" in stored[name].attrs]
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([path, tmp_path / "era5_means.nc"])
    said = [record.message for record in caplog.records if "stop short" in record.message]
    assert len(said) == 1, [record.message for record in caplog.records]
    assert said[0].startswith("pr.nc: the time cells of 'time_bnds' stop short"), said[0]
