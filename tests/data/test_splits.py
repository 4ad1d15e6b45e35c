import datetime

import cftime
import numpy as np
import pytest

from climann.data.splits import (
    TimeSplit, compact_periods, edge_years, next_year_months, part_year_blocks, season_years, split_by_blocks,
    split_by_year_ranges, split_time_blocks, with_dated_descriptions, with_season_year_note, years_text,
)
from climann.data.time_axis import TimeStep
from climann.errors import ClimannError


def test_twenty_years_split_into_contiguous_blocks_of_whole_years():
    years = np.repeat(np.arange(1980, 2000), 12)
    split = split_time_blocks(years, (0.7, 0.15, 0.15))
    assert split.descriptions == {"train": "1980–1993", "val": "1994–1996", "test": "1997–1999"}
    for name, (first, last) in {"train": (1980, 1993), "val": (1994, 1996), "test": (1997, 1999)}.items():
        chosen = np.flatnonzero(split.time_masks[name])
        assert np.all(np.diff(chosen) == 1)  # contiguous
        assert set(years[chosen]) == set(range(first, last + 1))
    labels = split.labels()
    assert list(labels[:168]) == ["train"] * 168 and labels[-1] == "test"


def test_blocks_never_overlap_and_cover_everything():
    years = np.repeat(np.arange(2000, 2007), 12)
    masks = split_time_blocks(years, (0.5, 0.25, 0.25)).time_masks
    total = masks["train"].astype(int) + masks["val"] + masks["test"]
    assert np.all(total == 1)


def test_fewer_than_three_years_split_by_time_steps():
    years = np.repeat([2000, 2001], 12)
    split = split_time_blocks(years, (0.5, 0.25, 0.25))
    assert [int(split.time_masks[n].sum()) for n in ("train", "val", "test")] == [12, 6, 6]
    assert np.flatnonzero(split.time_masks["test"]).min() > np.flatnonzero(split.time_masks["val"]).max()


def test_too_few_time_steps_is_a_clear_error():
    with pytest.raises(ClimannError, match="too few to split"):
        split_time_blocks(np.array([2000, 2000]), (0.7, 0.15, 0.15))


def test_gap_years_are_left_out_between_blocks():
    years = np.repeat(np.arange(1980, 2000), 12)
    split = split_time_blocks(years, (0.6, 0.2, 0.2), gap_years=1)
    # 20 years − 2 gap years = 18 usable: val and test round(0.2 × 18) = 4 each, train the other 10
    assert split.descriptions == {"train": "1980–1989", "val": "1991–1994", "test": "1996–1999"}
    train, val, test = (set(years[split.time_masks[n]]) for n in ("train", "val", "test"))
    assert max(train) + 2 == min(val) and max(val) + 2 == min(test)
    assert not split.labels()[years == max(train) + 1].any()


def test_explicit_year_ranges():
    years = np.repeat(np.arange(1980, 2000), 12)
    split = split_by_year_ranges(years, {"train": (1980, 1989), "val": (1992, 1994), "test": (1995, 1999)})
    assert int(split.time_masks["train"].sum()) == 120 and int(split.time_masks["val"].sum()) == 36
    assert split.labels()[12 * 10] == ""  # 1990 is in no block


@pytest.mark.parametrize(("split", "train"), [
    pytest.param(lambda years: split_time_blocks(years, (0.7, 0.15, 0.15)), "2000–2003, 2006–2007", id="default-blocks"),
    pytest.param(lambda years: split_by_year_ranges(years, {"train": (2000, 2007), "val": (2008, 2008),
                                                            "test": (2009, 2009)}), "2000–2003, 2006–2007",
                 id="year-ranges"),
])
def test_a_block_of_years_with_years_missing_in_the_data_is_named_by_its_runs(split, train):
    """Monthly 2000–2009 without 2004–2005: the train block holds 6 years, not "2000–2007"."""
    years = np.repeat([year for year in range(2000, 2010) if year not in (2004, 2005)], 12)
    made = split(years)
    held = sorted(set(years[made.time_masks["train"]].tolist()))
    assert held == [2000, 2001, 2002, 2003, 2006, 2007]
    assert made.descriptions["train"] == train
    times = np.array([cftime.datetime(year, month, 15, calendar="noleap") for year in set(years.tolist())
                      for month in range(1, 13)])
    times = np.sort(times)
    assert with_dated_descriptions(made, times, step=MONTHLY).descriptions["train"] == train


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        pytest.param({"train": (1980, 1989), "val": (2001, 2002), "test": (1995, 1999)}, "val block 2001–2002 has no time step", id="empty"),
        pytest.param({"train": (1980, 1990), "val": (1990, 1994), "test": (1995, 1999)}, "overlap", id="overlap"),
    ],
)
def test_bad_year_ranges(ranges, message):
    with pytest.raises(ClimannError, match=message):
        split_by_year_ranges(np.repeat(np.arange(1980, 2000), 12), ranges)


# --- split by dataset -----------------------------------------------------------------------
def test_blocks_by_dataset_follow_the_labels_and_describe_their_years():
    labels = ["train"] * 4 + ["val"] * 2 + ["test"] * 2
    years = [2000, 2000, 2001, 2001, 2000, 2000, 2000, 2001]
    split = split_by_blocks(labels, years)
    np.testing.assert_array_equal(split.time_masks["val"], [0, 0, 0, 0, 1, 1, 0, 0])
    assert split.descriptions["test"] == "2000–2001 (test files)"
    assert split.year_ranges is None  # the years overlap: the blocks are the files, not years


def test_a_block_without_steps_is_refused():
    with pytest.raises(ClimannError, match="val block's files have no time step"):
        split_by_blocks(["train", "test"], [2000, 2001])


def test_a_block_of_one_year_is_described_by_that_year():
    years = np.repeat(np.arange(2006, 2011), 12)  # five years: 3 + 1 + 1
    split = split_time_blocks(years, (0.7, 0.15, 0.15))
    assert split.descriptions == {"train": "2006–2008", "val": "2009", "test": "2010"}
    assert np.array_equal(years[split.time_masks["test"]], np.full(12, 2010))


def test_a_block_of_one_time_step_is_described_by_that_step():
    split = split_time_blocks(np.array([2015, 2015, 2015]), (0.7, 0.15, 0.15))  # three months: one step each
    assert split.descriptions == {"train": "time step 0", "val": "time step 1", "test": "time step 2"}


DAILY = TimeStep(duration=datetime.timedelta(days=1))
SIX_HOURLY = TimeStep(duration=datetime.timedelta(hours=6))
MONTHLY = TimeStep(months=1)


def _steps(first, last, step, calendar="standard"):
    """Dates from ``first`` to ``last`` (both (y, m, d[, h])) every ``step`` (a timedelta)."""
    time, end = cftime.datetime(*first, calendar=calendar), cftime.datetime(*last, calendar=calendar)
    times = []
    while time <= end:
        times.append(time)
        time = time + step
    return np.array(times)


def _monthly(first_year, last_year, day=16, months=range(1, 13)):
    return np.array([cftime.datetime(year, month, day, calendar="noleap")
                     for year in range(first_year, last_year + 1) for month in months])


def _dated(times, step, months=()):
    split = split_time_blocks(np.array([t.year for t in times]), (0.6, 0.2, 0.2))
    return with_dated_descriptions(split, times, step=step, months=months).descriptions


@pytest.mark.parametrize(("times", "step", "months", "expected"), [
    pytest.param(_steps((1995, 3, 10), (1999, 2, 20), datetime.timedelta(days=1)), DAILY, (),
                 {"train": "1995-03-10 to 1997-12-31", "val": "1998", "test": "1999-01-01 to 1999-02-20"},
                 id="daily-time-range-mid-year"),
    pytest.param(_steps((1995, 1, 1), (1999, 12, 31), datetime.timedelta(days=1)), DAILY, (),
                 {"train": "1995–1997", "val": "1998", "test": "1999"}, id="daily-whole-years"),
    pytest.param(_steps((1995, 1, 1, 6), (1999, 12, 31, 18), datetime.timedelta(hours=6)), SIX_HOURLY, (),
                 {"train": "1995-01-01 06:00 to 1997-12-31 18:00", "val": "1998", "test": "1999"},
                 id="6-hourly-without-the-first-step"),
    pytest.param(_monthly(1990, 1994), MONTHLY, (), {"train": "1990–1992", "val": "1993", "test": "1994"},
                 id="monthly-on-the-16th-whole-years"),
    pytest.param(_monthly(1990, 1994)[2:-1], MONTHLY, (),
                 {"train": "1990-03 to 1992-12", "val": "1993", "test": "1994-01 to 1994-11"},
                 id="monthly-from-march-to-november"),
    pytest.param(_monthly(1990, 1994, months=(6, 7, 8)), MONTHLY, (6, 7, 8),
                 {"train": "1990–1992", "val": "1993", "test": "1994"}, id="summers-selected-whole"),
    pytest.param(_steps((1995, 3, 10), (1999, 2, 20), datetime.timedelta(days=1)), None, (),
                 {"train": "1995–1997", "val": "1998", "test": "1999"}, id="no-nominal-step-kept"),
    pytest.param(_steps((2000, 1, 1), (2004, 12, 31), datetime.timedelta(hours=6)), SIX_HOURLY, (),
                 {"train": "2000–2002", "val": "2003", "test": "2004-01-01 00:00 to 2004-12-31 00:00"},
                 id="6-hourly-ending-at-midnight-before-its-year-does"),
])
def test_blocks_not_covering_their_years_whole_are_named_by_their_dates(times, step, months, expected):
    """metrics.json's split_periods keep the year form where it is exact (the contract) and give
    the first and last steps' dates where a block starts after 1 January or ends before 31
    December of its years (of the selected months)."""
    assert _dated(times, step, months) == expected


JULY = np.array([cftime.datetime(2030, 7, 16, 12, calendar="noleap")])


@pytest.mark.parametrize(("step", "expected"), [
    pytest.param(MONTHLY, "2030-07", id="a-month-of-monthly-data"),
    pytest.param(TimeStep(months=12), "2030", id="a-yearly-value-covers-its-year"),
    pytest.param(DAILY, "2030-07-16", id="a-day"),
    pytest.param(SIX_HOURLY, "2030-07-16 12:00", id="six-hours"),
    pytest.param(None, "2030-07-16 12:00", id="no-step-known-its-date"),
])
def test_a_block_of_one_step_is_named_by_that_step_not_by_its_year(step, expected):
    """One July of new data was named "2030", a year it does not cover."""
    split = TimeSplit({"all": np.ones(1, bool)}, {"all": "2030"})
    assert with_dated_descriptions(split, JULY, step=step).descriptions == {"all": expected}


def test_blocks_of_files_keep_their_suffix_when_dated():
    times = _steps((2000, 7, 1), (2002, 12, 31), datetime.timedelta(days=1))
    years = np.array([t.year for t in times])
    labels = np.where(years == 2000, "train", np.where(years == 2001, "val", "test"))
    split = with_dated_descriptions(split_by_blocks(labels, years), times, step=DAILY)
    assert split.descriptions == {"train": "2000-07-01 to 2000-12-31 (train files)", "val": "2001 (val files)",
                                  "test": "2002 (test files)"}


def _historical_and_scenario(first_scenario_month=1):
    """own-data.md's split_files: a train block of a historical file (1980–1985) and a scenario
    file (2015–2020, from ``first_scenario_month``), monthly; val and test scenario files."""
    historical, scenario = _monthly(1980, 1985), _monthly(2015, 2020)[first_scenario_month - 1:]
    times = np.concatenate([historical, scenario, _monthly(2015, 2020), _monthly(2015, 2020)])
    labels = ["train"] * (len(historical) + len(scenario)) + ["val"] * 72 + ["test"] * 72
    return times, labels


@pytest.mark.parametrize(("first_scenario_month", "train"), [
    pytest.param(1, "1980–1985, 2015–2020 (train files)", id="whole-years"),
    pytest.param(3, "1980–1985, 2015-03 to 2020-12 (train files)", id="scenario-from-march"),
])
def test_a_block_of_files_that_skips_years_is_named_by_its_parts(first_scenario_month, train):
    """Not "1980–2020 (train files)", which reads as 41 contiguous years; each part dated on its
    own when it does not cover its years whole. Contiguous blocks keep the old form."""
    times, labels = _historical_and_scenario(first_scenario_month)
    split = with_dated_descriptions(split_by_blocks(labels, [t.year for t in times]), times, step=MONTHLY)
    assert split.descriptions == {"train": train, "val": "2015–2020 (val files)", "test": "2015–2020 (test files)"}


@pytest.mark.parametrize(("months", "expected"), [
    pytest.param((12, 1, 2), (12,), id="DJF"),
    pytest.param((1, 2, 12), (12,), id="DJF-any-order"),
    pytest.param((11, 12, 1, 2, 3), (11, 12), id="NDJFM"),
    pytest.param((12, 1, 2, 6, 7, 8), (12,), id="DJF-and-JJA"),
    pytest.param((6, 7, 8), (), id="JJA"),
    pytest.param((11, 12), (), id="ND-without-January"),
    pytest.param((), (), id="all-months"),
    pytest.param(tuple(range(1, 13)), (), id="every-month-given"),
])
def test_months_counted_with_the_next_year_are_those_before_january_of_the_crossing_run(months, expected):
    assert next_year_months(months) == expected


def test_a_december_is_counted_in_the_winter_of_the_next_january():
    times = _monthly(1999, 2000, months=(1, 2, 12))  # Jan 1999, Feb 1999, Dec 1999, Jan 2000, …
    assert season_years(times, (12, 1, 2)).tolist() == [1999, 1999, 2000, 2000, 2000, 2000]  # the last December: its own
    assert season_years(times, ()).tolist() == [1999, 1999, 1999, 2000, 2000, 2000]


def _winter_blocks(times, months):
    split = split_time_blocks(season_years(times, months), (0.6, 0.2, 0.2))
    return with_season_year_note(with_dated_descriptions(split, times, step=MONTHLY, months=months), months)


def test_djf_blocks_keep_each_winter_whole():
    """Five DJF winters, December 1989 to February 1995 (whole winters 1990–1994): by season
    years train is winters 1990–1992, val 1993, test 1994; by hand, each block's steps."""
    times = _monthly(1989, 1994, months=(1, 2, 12))[2:-1]  # Dec 1989 … Feb 1994
    times = np.append(times, [cftime.datetime(1994, 12, 16, calendar="noleap"),
                              cftime.datetime(1995, 1, 16, calendar="noleap"),
                              cftime.datetime(1995, 2, 16, calendar="noleap")])
    split = _winter_blocks(times, (12, 1, 2))
    dates = {name: [f"{t.year}-{t.month:02d}" for t in times[mask]] for name, mask in split.time_masks.items()}
    assert dates == {
        "train": ["1989-12", "1990-01", "1990-02", "1990-12", "1991-01", "1991-02", "1991-12", "1992-01",
                  "1992-02", "1992-12", "1993-01", "1993-02"],
        "val": ["1993-12", "1994-01", "1994-02"],
        "test": ["1994-12", "1995-01", "1995-02"],
    }
    assert split.descriptions == {"train": "1990–1993 (December counted with the next year)",
                                  "val": "1994 (December counted with the next year)",
                                  "test": "1995 (December counted with the next year)"}


def test_djf_blocks_of_incomplete_winters_are_named_by_their_dates():
    """January 1990 to December 1994, DJF: five season years 1990–1994 (3 train, 1 val, 1
    test); the first lacks its December, and the last December, whose January is not in the
    data, stays in 1994 with the winter before: those blocks are dated, and the dates say what
    they hold without the season-year note (break28b A7: "1993-12 to 1994-12 (December counted
    with the next year)" read as if December 1994 were in 1995, outside the block)."""
    times = _monthly(1990, 1994, months=(1, 2, 12))
    split = _winter_blocks(times, (12, 1, 2))
    assert split.descriptions == {
        "train": "1990-01 to 1992-02",
        "val": "1993 (December counted with the next year)",
        "test": "1993-12 to 1994-12",
    }


def test_summer_blocks_are_not_noted():
    times = _monthly(1990, 1994, months=(6, 7, 8))
    split = _winter_blocks(times, (6, 7, 8))
    assert split.descriptions == {"train": "1990–1992", "val": "1993", "test": "1994"}


def _part_years(times, step, months=(), fractions=(0.6, 0.2, 0.2)):
    selected = np.isin([t.month for t in times], months) if months else np.ones(len(times), dtype=bool)
    times = times[selected]
    split = split_time_blocks(season_years(times, months), fractions)
    return part_year_blocks(split, times, step=step, months=months)


@pytest.mark.parametrize(("times", "step", "months", "expected"), [
    pytest.param(_monthly(2000, 2006)[1:-11], MONTHLY, (), {"test": 1}, id="verify24-F3-test-of-january-alone"),
    pytest.param(_monthly(1990, 1994)[2:-1], MONTHLY, (), {"test": 11}, id="test-of-eleven-months"),
    pytest.param(_monthly(1990, 1992)[11:], MONTHLY, (), {"train": 1}, id="train-of-one-december"),
    pytest.param(_monthly(1990, 1994)[2:], MONTHLY, (), {}, id="train-from-march-holds-two-whole-years"),
    pytest.param(_monthly(1990, 1994), MONTHLY, (), {}, id="whole-years"),
    pytest.param(np.delete(_monthly(1990, 1994), [56]), MONTHLY, (), {}, id="a-gap-inside-the-test-year"),
    pytest.param(_steps((1995, 3, 10), (1999, 2, 20), datetime.timedelta(days=1)), DAILY, (), {"test": 51},
                 id="daily-test-of-january-and-february"),
    # a seasonal subset without months selected (break51b A2: AVHRR NDVI of June–August 2009–2011): a summer is
    # its year whole
    pytest.param(_monthly(1990, 1994, months=(6, 7, 8)), MONTHLY, (), {}, id="jja-subset-whole-summers"),
    pytest.param(_monthly(1990, 1994, months=(6, 7, 8))[:-1], MONTHLY, (), {"test": 2},
                 id="jja-subset-last-summer-without-august"),
    pytest.param(_monthly(1990, 1994, months=(1, 2, 12)), MONTHLY, (), {}, id="djf-subset-by-calendar-years"),
    pytest.param(_monthly(1990, 1994), MONTHLY, (12, 1, 2), {}, id="djf-last-winter-whole-and-the-last-december"),
    pytest.param(_monthly(1990, 1994)[:-10], MONTHLY, (12, 1, 2), {}, id="djf-last-winter-whole"),
    pytest.param(_monthly(1990, 1994)[:-11], MONTHLY, (12, 1, 2), {"test": 2},
                 id="djf-last-winter-without-february"),
])
def test_a_block_of_less_than_a_year_is_found(times, step, months, expected):
    """verify24 F3: data ending in January gave a test block of that month alone, without a word.
    The counts are those of the block's steps, listed by hand."""
    assert _part_years(times, step, months) == expected


def _years(years, *, calendar="standard", month=1, day=1):
    return np.array([cftime.datetime(year, month, day, calendar=calendar) for year in years])


@pytest.mark.parametrize(("times", "step"), [
    # ESA CCI biomass: maps of 2010 and 2015–2021, one a year
    pytest.param(_years([2010, *range(2015, 2022)]), TimeStep(months=12), id="break40c-C4-esa-cci-biomass"),
    # every split below has a block of one step
    pytest.param(_years(range(1990, 1997), month=7, day=2), TimeStep(months=12), id="yearly-mid-year"),
    pytest.param(_years(range(1990, 1997), calendar="noleap"), TimeStep(duration=datetime.timedelta(days=365)),
                 id="yearly-noleap-365-days"),
    pytest.param(_years(range(1990, 1997), calendar="360_day"), TimeStep(duration=datetime.timedelta(days=360)),
                 id="yearly-360-day"),
    pytest.param(_years(range(1950, 1980, 5)), TimeStep(months=60), id="every-5-years"),
])
def test_a_block_of_one_yearly_step_is_a_whole_year(times, step):
    """break40c C4: yearly maps (ESA CCI biomass, 2010 and 2015–2021) were told "the test block
    holds 1 time step … less than a year … leave that year out, --time-range 2010,2020", and
    following it moved the warning to 2020. One value of a yearly or longer step is of a whole
    year, in the blocks of the split and in those of the advised time range alike."""
    fractions = (0.7, 0.15, 0.15)  # train's default
    split = split_time_blocks(np.array([t.year for t in times]), fractions)
    assert min(mask.sum() for mask in split.time_masks.values()) == 1  # a block of one step, as on a monthly axis
    assert _part_years(times, step, fractions=fractions) == {}
    assert _part_years(times[:-1], step, fractions=fractions) == {}


def _gappy_days(first, last, *, kept=0.6, seed=34):
    """Daily dates from ``first`` to ``last`` with only a random ``kept`` fraction of the days
    (AERONET's daily averages: a row on a day with a retrieval), each year's first and last
    three days missing too."""
    days = _steps(first, last, datetime.timedelta(days=1))
    keep = np.random.default_rng(seed).random(len(days)) < kept
    keep &= np.array([not ((t.month == 1 and t.day <= 3) or (t.month == 12 and t.day >= 29)) for t in days])
    return days[keep]


@pytest.mark.parametrize("months", [pytest.param((), id="all-months"), pytest.param((6, 7, 8), id="jja")])
def test_whole_years_of_a_gappy_daily_series_are_not_part_years(months):
    """break34a A4: complete years of a station series holding ~60 % of the days (215 of 365)
    were each told to be "less than a year", and leaving the last one out moved the warning to
    the year before. A year is short by the span of its dates, not by their count."""
    times = _gappy_days((1995, 1, 1), (1999, 12, 31))
    counts = {year: sum(t.year == year for t in times) for year in range(1995, 2000)}
    assert max(counts.values()) < 250  # far fewer steps than the 365 days of a year
    assert _part_years(times, DAILY, months) == {}


def test_a_gappy_daily_block_of_eight_months_is_a_part_year():
    """A test year spanning January to August (with gaps) is part of the seasonal cycle."""
    times = _gappy_days((1995, 1, 1), (1999, 8, 31))
    in_1999 = sum(t.year == 1999 for t in times)
    assert _part_years(times, DAILY) == {"test": in_1999}


def test_blocks_of_time_steps_and_of_files_are_not_checked():
    times = _monthly(2000, 2001)[:15]  # two years: blocks of time steps, which say so
    assert part_year_blocks(split_time_blocks(np.array([t.year for t in times]), (0.6, 0.2, 0.2)), times,
                            step=MONTHLY) == {}
    labels = ["train"] * 12 + ["val"] + ["test"] * 2
    assert part_year_blocks(split_by_blocks(labels, [t.year for t in times]), times, step=MONTHLY) == {}


def _decades(first, last):
    """The description split_by_year_ranges gives a block of decadal means: one year per decade."""
    return ", ".join(str(year) for year in range(first, last + 1, 10))


@pytest.mark.parametrize(("description", "expected"), [
    pytest.param(_decades(-20050, -12010), "-20050 … -12010 (805 decades)", id="decadal-paleo-block"),
    pytest.param(_decades(-20050, -19000) + ", " + _decades(-17000, -16010),
                 "-20050 … -19000 (106 decades), -17000 … -16010 (100 decades)", id="a-gap-starts-a-new-run"),
    pytest.param(", ".join(str(year) for year in range(1000, 2001, 100)), "1000 … 2000 (11 centuries)",
                 id="centennial"),
    pytest.param("1990, 1995, 2000, 2005", "1990 … 2005 (4 steps of 5 years)", id="every-5-years"),
    pytest.param("5, 10, 20, 30", "0005, 0010 … 0030 (3 decades)", id="the-step-changes"),
    pytest.param("-40, -30, -20, -10", "-0040 … -0010 (4 decades)", id="years-of-before-signed-years"),
    pytest.param("1990, 2000", "1990, 2000", id="two-years-listed"),
    pytest.param(_decades(1850, 1900) + " (test files)", "1850 … 1900 (6 decades) (test files)", id="files-note-kept"),
    pytest.param("1980–1985, 2015–2020 (train files)", "1980–1985, 2015–2020 (train files)", id="spans-kept"),
    pytest.param("1995-03-10 to 1997-12-31", "1995-03-10 to 1997-12-31", id="dates-kept"),
    pytest.param("1990, 2001-03 to 2004-12", "1990, 2001-03 to 2004-12", id="year-and-dates-kept"),
    pytest.param("time steps 0–7", "time steps 0–7", id="time-steps-kept"),
])
def test_periods_are_shown_as_runs_at_their_step(description, expected):
    """break32b A4: a decadal axis's block was printed decade by decade (3 223 characters)."""
    assert compact_periods(description) == expected


def test_decadal_blocks_are_described_one_decade_each_and_shown_compactly():
    """metrics.json keeps each block's years as split_by_year_ranges lists them (the contract);
    the terminal shows them compactly."""
    years = np.arange(-20050, -16050, 10)
    split = split_time_blocks(years, (0.7, 0.15, 0.15))
    assert split.descriptions["test"] == _decades(-16650, -16060)
    assert {name: compact_periods(text) for name, text in split.descriptions.items()} == {
        "train": "-20050 … -17260 (280 decades)", "val": "-17250 … -16660 (60 decades)",
        "test": "-16650 … -16060 (60 decades)"}


def test_irregular_years_far_apart_are_shown_as_first_last_and_counts():
    """break35a A9: an ice core's train block was printed year by year, 4 517 characters. By
    hand: 30 years (two of them a span of two years) in 29 periods, -27822 to -5000."""
    rng = np.random.default_rng(5)
    years = np.sort(rng.choice(np.arange(-27821, -5000), 27, replace=False))
    years = np.unique(np.concatenate([[-27822], years, [years[10] + 1], [-5000]]))
    spans = years_text(years)
    assert spans.count(", ") + 1 == len(years) - 1  # one span of two consecutive years among the periods
    assert compact_periods(spans + " (train files)") == (
        f"-27822 … -5000 ({len(years)} years hold values, in {len(years) - 1} separate periods) (train files)")


def _palaeo_monthly(calendar, months=()):
    """Monthly stamps on the 15th, years -20000 … -19990 (PMIP, TraCE-21ka), of ``months`` (all when empty)."""
    return np.array([cftime.datetime(year, month, 15, calendar=calendar) for year in range(-20000, -19989)
                     for month in range(1, 13) if not months or month in months])


@pytest.mark.parametrize("calendar", [pytest.param("proleptic_gregorian", id="proleptic"),
                                      pytest.param("360_day", id="360-day")])
def test_blocks_of_years_before_year_0_are_named_as_time_range_reads_them(calendar):
    """Each block's years as metrics.json and the terminal name them (were ``-20000–-19994``:
    an en dash before a minus sign), read back by --time-range, select exactly that block."""
    from climann.data.time_range import range_bounds

    times = _palaeo_monthly(calendar)
    split = with_dated_descriptions(split_time_blocks(season_years(times, ()), (0.7, 0.15, 0.15)), times,
                                    step=MONTHLY)
    assert split.descriptions == {"train": "-20000 to -19994", "val": "-19993 to -19992", "test": "-19991 to -19990"}
    for name, text in split.descriptions.items():
        start, after = range_bounds(text.split(" to "), calendar)
        assert ((times >= start) & (times < after)).tolist() == split.time_masks[name].tolist()


def test_a_winter_block_of_signed_years_gets_the_season_year_note():
    """_names_years read 4-digit unsigned years only: DJF blocks of -19993 … -19992 lost the
    note that says their December is counted with the next year."""
    times = _palaeo_monthly("proleptic_gregorian", months=(12, 1, 2))
    split = _winter_blocks(times, (12, 1, 2))
    assert split.descriptions["val"] == "-19993 to -19992 (December counted with the next year)"


@pytest.mark.parametrize(("calendar", "winter"), [pytest.param("standard", 1, id="standard"),
                                                  pytest.param("julian", 1, id="julian"),
                                                  pytest.param("proleptic_gregorian", 0, id="proleptic"),
                                                  pytest.param("360_day", 0, id="360-day")])
def test_the_december_of_1_bc_is_counted_in_a_winter_the_calendar_has(calendar, winter):
    """December of year -1 belongs to the winter of the next January: year 1 where the calendar
    has no year 0 (was year 0, printed '0000' and refused by --time-range)."""
    times = [cftime.datetime(year, month, 15, calendar=calendar) for year, month in ((-1, 1), (-1, 2), (-1, 12))]
    times += [cftime.datetime(winter, month, 15, calendar=calendar) for month in (1, 2, 12)]
    assert season_years(np.array(times), (12, 1, 2)).tolist() == [-1, -1, winter, winter, winter, winter]


def test_the_blocks_of_a_split_across_year_0_are_written_alike():
    """break41c P1: a split of years -29 … 10 read "train -0029 to -0002, val -0001 to +0004, test 0005–0010":
    two separators and a plus sign in one block only. Every block is written with ``to`` when the data hold a
    year before 0, the sign only where a year is negative."""
    from climann.data.splits import split_by_year_ranges

    years = np.repeat(np.arange(-29, 11), 12)
    split = split_by_year_ranges(years, {"train": (-29, -2), "val": (-1, 4), "test": (5, 10)})
    assert split.descriptions == {"train": "-0029 to -0002", "val": "-0001 to 0004", "test": "0005 to 0010"}


def test_a_block_of_time_steps_is_dated_beside_its_steps():
    """break41a A7: two years of hourly data, split by steps, said "train time steps 0–12263" alone; where the
    blocks fall is the dates, beside the steps (the form of metrics.json split_periods kept)."""
    times = _steps((2021, 1, 1, 0), (2022, 12, 31, 23), datetime.timedelta(hours=1))
    assert len(times) == 17520
    hourly = TimeStep(duration=datetime.timedelta(hours=1))
    assert _dated(times, hourly) == {
        "train": "time steps 0–10511 (2021-01-01 00:00 to 2022-03-14 23:00)",  # 2021-01-01 + 10511 h
        "val": "time steps 10512–14015 (2022-03-15 00:00 to 2022-08-07 23:00)",
        "test": "time steps 14016–17519 (2022-08-08 00:00 to 2022-12-31 23:00)"}
    val = "time steps 10512–14015 (2022-03-15 00:00 to 2022-08-07 23:00)"
    assert compact_periods(val) == val  # the terminal, train.log and report.md show it so


def test_pentads_of_djf_name_a_block_of_part_winters_by_its_dates():
    """rerun41 R4: CPC-like pentads 1999–2010 (no nominal step) with --seasons DJF named the blocks '1999–2006
    (December counted with the next year)' though train begins in January 1999 and test ends with December 2010,
    whose winter the data do not hold whole. Those blocks are named by their first and last steps' dates (as
    monthly data's are); val, from December to February, keeps its years."""
    start = cftime.DatetimeGregorian(1999, 1, 3, 12)
    every = [start + datetime.timedelta(days=5 * k) for k in range(876)]
    times = np.array([time for time in every if time.month in (12, 1, 2)])
    months = (12, 1, 2)
    split = split_time_blocks(season_years(times, months), (0.7, 0.15, 0.15))
    named = with_dated_descriptions(split, times, step=None, months=months).descriptions
    train, val, test = (times[split.time_masks[name]] for name in ("train", "val", "test"))
    assert (train[0].month, train[-1].month, val[0].month, val[-1].month, test[0].month, test[-1].month) == (
        1, 2, 12, 2, 12, 12)
    assert named["train"] == f"1999-01-03 12:00 to {train[-1].strftime('%Y-%m-%d %H:%M')}"
    assert named["val"] == f"{val[0].year + 1}–{val[-1].year}"
    assert named["test"] == f"{test[0].strftime('%Y-%m-%d %H:%M')} to {test[-1].strftime('%Y-%m-%d %H:%M')}"


def _consecutive_step_blocks(n_steps: int, fractions=(0.7, 0.15, 0.15)) -> dict[str, np.ndarray]:
    """The steps of each block of a split of ``n_steps`` by consecutive steps, counted by hand:
    val and test the rounded fractions, train the rest, in that order from step 0."""
    val, test = round(fractions[1] * n_steps), round(fractions[2] * n_steps)
    steps = np.arange(n_steps)
    return {"train": steps[: n_steps - val - test], "val": steps[n_steps - val - test : n_steps - test],
            "test": steps[n_steps - test :]}


def _hour_years(first: str, n_hours: int) -> np.ndarray:
    """The calendar year of each of ``n_hours`` hourly steps from ``first`` (UTC), by numpy."""
    times = np.datetime64(first, "h") + np.arange(n_hours).astype("timedelta64[h]")
    return times.astype("datetime64[Y]").astype(int) + 1970


@pytest.mark.parametrize(("first", "n_steps", "edge"), [
    pytest.param("2020-12-31T16:00", 17520, {2020: 2021}, id="hourly-local-plus-8h"),
    pytest.param("2021-01-01T05:00", 17520, {2023: 2022}, id="hourly-local-minus-5h"),
    pytest.param("2020-12-31T14:00", 3 * 8760, {2020: 2021}, id="ten-hours-beside-three-years"),
])
def test_a_first_or_last_year_of_a_few_hours_is_a_stamping_edge(first, n_steps, edge):
    """rerun41 R3: hourly data stamped in local time +08:00 begin on 2020-12-31 16:00 UTC; the 8
    hours of 2020 are < 1 % of the 8760 steps of 2021 (UTC−5: the last 5 hours fall in 2023)."""
    assert edge_years(_hour_years(first, n_steps)) == edge


@pytest.mark.parametrize(("years", "reason"), [
    pytest.param(np.repeat([2000, 2001, 2002, 2003], [1, 12, 12, 12]), "monthly", id="one-month-of-monthly-means"),
    pytest.param(np.repeat([2000, 2001, 2002, 2003], [1, 73, 73, 1]), "pentads", id="one-pentad-at-each-end"),
    pytest.param(np.array([2010, 2015, 2016, 2017, 2018, 2019, 2020, 2021]), "yearly", id="yearly-maps"),
    pytest.param(np.repeat([2020, 2021, 2022], [88, 8760, 8760]), "88 hours: 1.005 % of 8760", id="88-hours"),
    pytest.param(np.repeat([2020, 2021], [8, 8760]), "two years: no year between", id="two-years"),
])
def test_a_first_or_last_step_of_a_coarse_series_or_one_percent_of_a_year_is_no_edge(years, reason):
    """A month, a pentad or a yearly map is over 1 % of a year of real data (warned of where it is a
    block alone, test_train_warns_of_a_block_of_less_than_a_year); 88 hourly steps are 1 % of 8760."""
    assert edge_years(years) == {}, reason


def test_a_first_year_of_eight_hours_is_counted_with_the_next_and_two_years_split_by_steps():
    """rerun41 R3: 2021–2022 hourly in local time +08:00, in UTC from 2020-12-31 16:00: calendar years
    made the 8 hours of 2020 the train block (model RMSE 2.39e5 with exit 0). Counted with 2021, the
    two years left are split by consecutive steps, 0.7/0.15/0.15 of the 17520 from step 0."""
    years = _hour_years("2020-12-31T16:00", 17520)
    assert (years == 2020).sum() == 8  # the data as rerun41 read them
    split = split_time_blocks(years, (0.7, 0.15, 0.15))
    for name, steps in _consecutive_step_blocks(17520).items():
        np.testing.assert_array_equal(np.flatnonzero(split.time_masks[name]), steps)
    assert split.year_ranges is None
    assert split.notes == ("the data's first year, 2020, holds 8 time steps, under 1 % of the 8760 of the median "
                           "year between the first and the last (an edge of the stamping, as of local times brought "
                           "to UTC): counted with 2021 in the split by years, not made a train block of its own; the 2 "
                           "years left are too few for blocks of whole years, so the series is split by consecutive "
                           "time steps",)


def test_a_last_year_of_five_hours_is_counted_with_the_year_before_in_the_test_block():
    """UTC−5: 2018–2021 in local time end on 2022-01-01 04:00 UTC; its 5 hours were the test block.
    Counted with 2021, the four years split 2/1/1 (rounded 0.15 × 4 = 1): test = 2021 and those hours."""
    years = _hour_years("2018-01-01T05:00", 4 * 8760 + 24)  # 2020 is a leap year
    assert (years == 2022).sum() == 5
    split = split_time_blocks(years, (0.7, 0.15, 0.15))
    expected = {"train": (years >= 2018) & (years <= 2019), "val": years == 2020, "test": years >= 2021}
    for name, mask in expected.items():
        np.testing.assert_array_equal(split.time_masks[name], mask)
    assert split.year_ranges == {"train": (2018, 2019), "val": (2020, 2020), "test": (2021, 2022)}
    assert split.descriptions == {"train": "2018–2019", "val": "2020", "test": "2021–2022"}
    assert split.notes[0].startswith("the data's last year, 2022, holds 5 time steps, under 1 % of the 8760 of")
    assert split.notes[0].endswith("counted with 2021 in the split by years, not made a test block of its own")


@pytest.mark.parametrize(("years", "expected"), [
    pytest.param(np.repeat(np.arange(2020, 2030), [1] + [365] * 9), (2020, 2025), id="daily-edge-in-train"),
    pytest.param(np.repeat([2000, 2001, 2002, 2003], [12, 12, 12, 1]), (2000, 2001), id="monthly-one-month-test"),
    pytest.param(np.repeat([2020, 2021, 2022], [88, 8760, 8760]), (2020, 2020), id="hourly-88-hours-train"),
])
def test_blocks_that_are_not_an_edge_year_alone_are_kept(years, expected):
    """An edge year inside a block of other years (those blocks hold a year's data and are those of
    runs trained before: 1 + 9 years split 6/2/2 as before, not 9 years 7/1/1), a month of monthly
    means alone (warned of), 88 hours (1 %) alone: the split by calendar years as it was."""
    split = split_time_blocks(years, (0.7, 0.15, 0.15))
    assert split.year_ranges["train"] == expected
    assert split.notes == ()


def test_an_edge_year_whose_neighbour_leaves_too_few_years_for_gaps_is_refused_saying_so():
    """2020's 8 hours, 2021–2024 with 1-year gaps: five years made 2020 the train block; four are too
    few for three blocks with gaps, and the error says why the data's five years count as four."""
    years = _hour_years("2020-12-31T16:00", 4 * 8760 + 24)
    with pytest.raises(ClimannError, match=r"^the data cover 4 years: too few for three blocks with 1-year gaps; "
                                           r"the data's first year, 2020, holds 8 time steps"):
        split_time_blocks(years, (0.7, 0.15, 0.15), gap_years=1)
