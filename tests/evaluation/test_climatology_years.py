"""A climatology from one training year is said to be one (climann/evaluation/climatology_years.py,
break29a A5: a forecast with no information scored a centred ACC of 0.57 against it)."""

import collections
import datetime
import json

import cftime
import numpy as np
import pytest

from climann.evaluation.climatology_years import few_years_note, values_per_key


def _composites(years: range) -> np.ndarray:
    """MODIS 8-day composites: 46 a year, restarting on 1 January."""
    return np.array([cftime.DatetimeGregorian(year, 1, 1) + datetime.timedelta(days=8 * k)
                     for year in years for k in range(46)])


def _months(years: range) -> np.ndarray:
    return np.array([cftime.DatetimeNoLeap(year, month, 16) for year in years for month in range(1, 13)])


@pytest.mark.parametrize(("times", "n_train", "expected"), [
    pytest.param(_months(range(2000, 2003)), 12, 1.0, id="one-year-of-months"),
    pytest.param(_months(range(2000, 2003)), 24, 2.0, id="two-years-of-months"),
    pytest.param(_months(range(2000, 2003)), 18, 18 / 12, id="a-year-and-a-half"),
    # one key per composite of the year (break33a A3; 45 windows of 8 days gave 46 / 45 before)
    pytest.param(_composites(range(2003, 2006)), 46, 1.0, id="modis-8-day-one-year"),
])
def test_values_per_key_are_counted_by_hand(times, n_train, expected):
    train = np.arange(times.size) < n_train
    assert values_per_key(times, train) == pytest.approx(expected)


def test_the_note_names_the_years_and_the_values_per_key():
    times = _months(range(2000, 2003))
    note = few_years_note(times, np.arange(times.size) < 12)
    assert note["n_years"] == 1 and note["values_per_key"] == 1.0 and note["split"] == "train"
    assert note["reason"].startswith("the climatology rests on 1 training year: all 12 of its calendar months hold "
                                     "fewer than 2 training values (1.00 per calendar month on average; WMO's "
                                     "climatological standard normals take 30 years, WMO-No. 1203)")
    assert few_years_note(times, np.arange(times.size) < 24) is None


def _days(years: range) -> np.ndarray:
    return np.array([cftime.DatetimeGregorian(year, 1, 1) + datetime.timedelta(days=k)
                     for year in years for k in range(366 if year % 4 == 0 else 365)])


def test_two_years_one_of_them_leap_are_said_fewer_than_2_per_day_with_a_number_below_2():
    """CPC daily 1995–1996: 731 values over 366 days of year, 1.997, not "2.00 … fewer than
    2" (break31b B4); and said as the days of the year that hold fewer than 2 values: day 366
    only (rerun33 R3b: "1.997 values per day of year on average, fewer than 2" read as a riddle)."""
    times = _days(range(1995, 1998))
    train = np.array([time.year < 1997 for time in times])
    note = few_years_note(times, train)
    per_day = collections.Counter(time.dayofyr for time in times[train])
    short = sorted(day for day, count in per_day.items() if count < 2)
    assert short == [366]
    assert note["reason"].startswith(f"the climatology rests on 2 training years: {len(short)} of its {len(per_day)} "
                                     "days of the year holds fewer than 2 training values (")
    shown = float(note["reason"].split("training values (", 1)[1].split(" per day of year on average")[0])
    assert shown == pytest.approx(731 / 366, abs=5e-4) and shown < 2
    assert note["values_per_key"] == shown


@pytest.mark.parametrize("limit_gb", [pytest.param(None, id="in-memory"), pytest.param(1e-4, id="streamed")])
@pytest.mark.parametrize("train_years", [pytest.param([1980, 1980], id="one-year"),
                                         pytest.param([1980, 1981], id="two-years")])
def test_a_run_trained_on_one_year_warns_in_every_record_and_keeps_its_scores(tmp_path, caplog, limit_gb,
                                                                              train_years):
    from climann.data.sample_data import write_sample_dataset
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    path = write_sample_dataset(tmp_path / "sample.nc", years=4, resolution=15.0, seed=3)
    data = {"paths": [str(path)], "split_years": {"train": train_years, "val": [1982, 1982], "test": [1983, 1983]}}
    if limit_gb is not None:
        data["in_memory_limit_gb"] = limit_gb
    config = build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1},
                           "evaluation": {"figures": False}})
    with caplog.at_level("WARNING"):
        run_training(config, run_dir=tmp_path / "run")
    said = [record.getMessage() for record in caplog.records if "climatology rests on" in record.getMessage()]
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    notes = [note for note in metrics.get("notes", []) if "values_per_key" in note]
    if train_years[1] == 1981:
        assert said == [] and notes == []
        return
    assert [note["n_years"] for note in notes] == [1] and notes[0]["values_per_key"] == 1.0
    assert (notes[0]["n_samples"], notes[0]["of"]) == (metrics["splits"]["train"]["climatology"]["n_samples"],
                                                       metrics["n_samples"]["train"])
    assert said == [notes[0]["reason"]]
    assert notes[0]["reason"] in (tmp_path / "run" / "train.log").read_text()
    assert f"- {notes[0]['reason']}" in (tmp_path / "run" / "report.md").read_text()
    # the scores are the climatology's own: skill against it from the test block's MSEs
    test = metrics["splits"]["test"]
    assert test["model"]["skill_vs_climatology"] == pytest.approx(
        1 - test["model"]["mse"] / test["climatology"]["mse"], rel=1e-6)


def _noleap_days(years: range) -> np.ndarray:
    return np.array([cftime.DatetimeNoLeap(year, 1, 1, 12) + datetime.timedelta(days=k)
                     for year in years for k in range(365)])


@pytest.mark.parametrize(("window_days", "expected"), [
    pytest.param(1, 1.0, id="raw-means"),
    # WeatherBench 2's 61 triangular weights 1 − |k|/30 vanish at k = ±30: 59 days of one value
    # each weigh, cyclic
    pytest.param(61, 59.0, id="61-day-window"),
    pytest.param(31, 29.0, id="31-day-window"),
])
def test_a_smoothed_climatology_counts_the_values_of_its_window(window_days, expected):
    """break34a: each value of the 61-day smoothed climatology rests on the ~59 days of its
    window, not on its own day's values; one training year of daily values, by hand."""
    times = _noleap_days(range(2001, 2003))
    train = np.array([time.year == 2001 for time in times])
    assert values_per_key(times, train, window_days=window_days) == pytest.approx(expected)


def test_the_note_is_not_given_for_two_years_smoothed_over_61_days():
    """Two training years of daily values: 1.997 values per day of year, but 122 per window."""
    times = _days(range(1995, 1998))
    train = np.array([time.year < 1997 for time in times])
    assert few_years_note(times, train, window_days=1) is not None
    assert few_years_note(times, train, window_days=61) is None


def test_the_note_is_given_when_the_window_holds_few_values():
    """A training year of two days: the window is narrowed to each day itself (the rest of the
    year is left out), 1 value each, by hand; said as within the window."""
    times = _noleap_days(range(2001, 2003))
    train = np.array([time.year == 2001 and time.dayofyr in (150, 200) for time in times])
    note = few_years_note(times, train, window_days=61)
    assert note is not None and note["values_per_key"] == 1.0
    assert "fewer than 2 training values within its 61-day window (1.00 per day of year on average" in note["reason"]


def _daily_of_months(calendar, years, months, *, leap_day=True):
    """Daily times at 12:00 in ``calendar`` over ``years``, those of ``months`` only (without
    29 February when not ``leap_day``)."""
    times = []
    for year in years:
        day = cftime.datetime(year, 1, 1, 12, calendar=calendar)
        while day.year == year:
            if day.month in months and (leap_day or (day.month, day.day) != (2, 29)):
                times.append(day)
            day += datetime.timedelta(days=1)
    return np.array(times)


LEAP_CALENDARS = ["standard", "proleptic_gregorian", "julian"]


@pytest.mark.parametrize("calendar", [pytest.param(name, id=name) for name in
                                      LEAP_CALENDARS + ["noleap", "360_day", "all_leap"]])
@pytest.mark.parametrize("first", [pytest.param(2003, id="first-year-not-leap"),
                                   pytest.param(2004, id="first-year-leap")])
def test_the_days_of_months_left_out_are_told_by_each_training_years_own_calendar(calendar, first):
    """January and February only (``--months 1,2``): day 366 is 31 December of a leap year,
    left out by the selection; matched to a month by a first training year of 365 days it was
    1 January of the next, and said to be narrowed near although the selection left it out.
    The same training years whichever comes first (2003–2006 or 2004–2006)."""
    from climann.evaluation.climatology_years import narrowed_days, selected_days

    times = _daily_of_months(calendar, range(first, 2007), (1, 2))
    train = np.ones(times.size, dtype=bool)
    assert narrowed_days(times, train, window_days=61, months=(1, 2)) is None
    selected = selected_days(times, (1, 2))
    longest = {"360_day": 60, "noleap": 59}.get(calendar, 60)  # 29 February in years of 366 days
    np.testing.assert_array_equal(np.flatnonzero(selected) + 1, np.arange(1, longest + 1))


@pytest.mark.parametrize("calendar", [pytest.param(name, id=name) for name in LEAP_CALENDARS])
@pytest.mark.parametrize("first", [pytest.param(2003, id="first-year-not-leap"),
                                   pytest.param(2004, id="first-year-leap")])
def test_a_29_february_the_file_lacks_is_a_day_of_the_months_selected(calendar, first):
    """February only, from a file without 29 February: day 60 (29 February of the leap years,
    1 March of the others) is a day of February the training years lack, near which the window
    narrows, whichever training year comes first (by the first year's calendar it was 1 March
    in 2003, and not said)."""
    from climann.evaluation.climatology_years import narrowed_days

    times = _daily_of_months(calendar, range(first, 2007), (2,), leap_day=False)
    train = np.ones(times.size, dtype=bool)
    assert narrowed_days(times, train, window_days=61, months=(2,)) == [60]


def _key_counts(present: np.ndarray, times: np.ndarray, train: np.ndarray) -> np.ndarray:
    """The training values of each calendar month at each cell, by hand: shape (12, n_cells)."""
    months = np.array([time.month for time in times])
    return np.stack([(present & (train & (months == month))[:, None]).sum(axis=0) for month in range(1, 13)])


def _half_the_years_at_one_cell(times, train):
    """Three cells; cell 1 holds the training block's last half of its years only."""
    present = np.ones((times.size, 3), dtype=bool)
    years = sorted({time.year for time in times[train]})
    present[:, 1] = [time.year not in years[:len(years) // 2] for time in times]
    return present


@pytest.mark.parametrize(("n_train_years", "expected"), [pytest.param(2, 1.0, id="two-years"),
                                                         pytest.param(4, 2.0, id="four-years")])
def test_values_per_key_are_those_of_the_cell_with_fewest(n_train_years, expected):
    """fix36d: the climatology is each cell's own (key_sums); a cell with half the years rests on
    half the values, which the training steps per key (2.0, 4.0) did not say."""
    times = _months(range(2000, 2006))
    train = np.arange(times.size) < 12 * n_train_years
    present = _half_the_years_at_one_cell(times, train)
    counts = _key_counts(present, times, train)
    assert values_per_key(times, train) == n_train_years
    assert values_per_key(times, train, counts=counts) == pytest.approx(expected)
    # every cell holding every step: the training steps per key, as before
    assert values_per_key(times, train, counts=_key_counts(np.ones_like(present), times, train)) == n_train_years


def test_the_note_says_at_some_cells_when_their_values_differ():
    times = _months(range(2000, 2004))
    train = np.arange(times.size) < 24
    present = _half_the_years_at_one_cell(times, train)
    assert few_years_note(times, train) is None  # the training steps: 2 per month
    note = few_years_note(times, train, counts=_key_counts(present, times, train))
    assert (note["values_per_key"], note["n_years"], note["n_cells_below"], note["n_cells"]) == (1.0, 2, 1, 3)
    assert note["reason"].startswith(
        "the climatology rests on 2 training years, at some cells on fewer values (each cell's climatology is its "
        "own): 1 of the 3 cells with training values holds fewer than 2 per calendar month on average; at the cell "
        "with fewest, all 12 of its calendar months hold fewer than 2 training values (1.00 per calendar month on "
        "average there; WMO's")
    # the same values at every cell: the note of the uniform grid, no count of cells
    one_year = np.arange(times.size) < 12
    uniform = few_years_note(times, one_year, counts=_key_counts(np.ones_like(present), times, one_year))
    assert "n_cells" not in uniform and uniform["reason"].startswith("the climatology rests on 1 training year: all")


def test_one_training_year_with_clouded_months_at_each_cell_says_the_climatology_s_12_months():
    """break38b C1: NASA L3m, 1 training year, each cell missing some months (clouds): every cell's mean is 1.00
    per month, and the note said "all 10 of its calendar months" (the first cell's 10, argmin of equal means);
    the climatology holds all 12 months (by hand: each month is held at some cell, by 1 value)."""
    times = _months(range(2000, 2003))
    train = np.arange(times.size) < 12
    present = np.ones((times.size, 3), dtype=bool)
    present[[0, 1], 0] = False  # cell 0: no January or February
    present[[5], 1] = False  # cell 1: no June
    counts = _key_counts(present, times, train)
    assert (counts.max(axis=1) == 1).all()  # every month held, once, at some cell
    note = few_years_note(times, train, counts=counts)
    assert "n_cells" not in note
    assert note["reason"].startswith("the climatology rests on 1 training year: all 12 of its calendar months hold "
                                     "fewer than 2 training values (1.00 per calendar month on average;")


@pytest.mark.parametrize("limit_gb", [pytest.param(None, id="in-memory"), pytest.param(1e-9, id="streamed")])
def test_a_station_with_half_the_training_years_is_said_to_rest_on_its_own(tmp_path, limit_gb):
    """A CF station file (featureType timeSeries) of 2 training years; station 1, chosen, has
    no value in the first: its climatology rests on 1 value per month, not the file's 2, and
    is said to (fix36d: no note, the file's training steps counted)."""
    import xarray as xr

    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    rng = np.random.default_rng(5)
    times = _months(range(2000, 2004))
    pred = rng.uniform(0, 1, (2, times.size)).astype("f4")
    tas = (280 + 10 * pred).astype("f4")
    tas[1, :12] = np.nan  # station 1: no value in 2000
    stations = xr.Dataset(
        {"tas": (("station", "time"), tas, {"units": "K", "standard_name": "air_temperature"}),
         "pred": (("station", "time"), pred, {"units": "1"})},
        coords={"time": ("time", cftime.date2num(times, "days since 2000-01-01", "noleap"),
                         {"units": "days since 2000-01-01", "calendar": "noleap", "standard_name": "time"}),
                "lat": ("station", [10.0, 40.0], {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("station", [20.0, 50.0], {"units": "degrees_east", "standard_name": "longitude"}),
                "station_name": ("station", ["AAA", "BBB"], {"cf_role": "timeseries_id"})},
        attrs={"Conventions": "CF-1.8", "featureType": "timeSeries"})
    stations.to_netcdf(tmp_path / "stations.nc")
    data = {"paths": [str(tmp_path / "stations.nc")], "target": "tas", "predictors": ["pred"],
            "select": {"station": 1}, "split_years": {"train": [2000, 2001], "val": [2002, 2002], "test": [2003, 2003]}}
    if limit_gb is not None:
        data["in_memory_limit_gb"] = limit_gb
    config = build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1},
                           "evaluation": {"figures": False}})
    metrics = run_training(config, run_dir=tmp_path / "run").metrics
    notes = [note for note in metrics.get("notes", []) if "values_per_key" in note]
    assert [(note["values_per_key"], note["n_years"]) for note in notes] == [(1.0, 2)]
    assert notes[0]["reason"].startswith("the climatology rests on 2 training years: all 12 of its calendar months "
                                         "hold fewer than 2 training values (1.00 per calendar month on average;")
    assert f"- {notes[0]['reason']}" in (tmp_path / "run" / "report.md").read_text()


def test_a_smoothed_climatology_counts_the_window_of_each_cell():
    """One training year of daily values at cell 0, two days of it at cell 1: 59 values per
    61-day window at cell 0, 1 at cell 1 (its window narrowed to each day), each as a file of
    that cell alone gives it; the cell with fewest is said."""
    from climann.evaluation.baselines import climatology_keys

    times = _noleap_days(range(2001, 2003))
    train = np.array([time.year == 2001 for time in times])
    two_days = train & np.array([time.dayofyr in (150, 200) for time in times])
    keys = climatology_keys(times)
    counts = np.stack([np.bincount(keys.of(times[steps]), minlength=keys.count + 1)[1:] for steps in (train, two_days)],
                      axis=1)
    alone = [values_per_key(times, steps, window_days=61) for steps in (train, two_days)]
    assert alone == [pytest.approx(59.0), pytest.approx(1.0)]
    assert values_per_key(times, train, window_days=61, counts=counts) == pytest.approx(1.0)
    note = few_years_note(times, train, window_days=61, counts=counts)
    assert (note["n_cells_below"], note["n_cells"]) == (1, 2)
    assert "fewer than 2 training values within its 61-day window (1.00 per day of year on average there" in note["reason"]
