import datetime
import logging
from pathlib import Path

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.notes import forget_notes
from climann.data.open import concat_blocks, open_dataset
from climann.data.pointwise import build_pointwise_samples
from climann.data.subset import select_time, subset_dataset
from climann.data.time_axis import TimeStep
from climann.data.time_cells import (
    FILE_TIME_COORDINATE,
    cell_lengths,
    cell_middles,
    inferred_cells,
    season_feature_times,
    season_score_times,
)
from climann.errors import ClimannError
from tests.followed_twice import ONE_COPY, run_one_copy
from tests.fresh_python import shell_path

#: Days from 1990-01-01 (noleap) to the first of each month of a year.
MONTH_STARTS = np.array([0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334])


def cesm_like(path, *, n_years=2, stamp="end"):
    """Monthly means with time_bnds = [start, end] (days since 1990-01-01, noleap), stamped at
    the end of each month (CESM history files), or at its middle; tas = 100·year + month."""
    start = np.concatenate([365 * year + MONTH_STARTS for year in range(n_years)]).astype(np.float64)
    end = np.append(start[1:], 365.0 * n_years)
    stamps = end if stamp == "end" else (start + end) / 2
    months = np.tile(np.arange(1, 13), n_years)
    years = np.repeat(1990 + np.arange(n_years), 12)
    tas = (100.0 * years + months)[:, None, None] * np.ones((1, 2, 3))
    time_attrs = {"units": "days since 1990-01-01", "calendar": "noleap", "standard_name": "time",
                  "bounds": "time_bnds"}
    xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas.astype(np.float32), {"units": "K", "cell_methods": "time: mean"}),
         "time_bnds": (("time", "nbnd"), np.stack([start, end], axis=1))},
        coords={"time": ("time", stamps, time_attrs),
                "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)
    return path


def test_end_stamped_monthly_means_are_dated_by_their_cells_middles(tmp_path):
    dataset = open_dataset([cesm_like(tmp_path / "cesm.nc")])
    times = dataset["time"].values
    # January 1990's cell is days 0 to 31: its middle is day 15.5, 1990-01-16 12:00
    assert (times[0].year, times[0].month, times[0].day, times[0].hour) == (1990, 1, 16, 12)
    assert [time.month for time in times] == list(range(1, 13)) * 2
    assert [time.year for time in times] == [1990] * 12 + [1991] * 12  # December 1991 is in 1991
    stamps = dataset[FILE_TIME_COORDINATE].values
    assert (stamps[0].year, stamps[0].month, stamps[0].day) == (1990, 2, 1)
    assert (stamps[-1].year, stamps[-1].month, stamps[-1].day) == (1992, 1, 1)
    assert dataset["time"].encoding["units"] == "days since 1990-01-01"


def test_months_1_selects_the_january_means_of_a_cesm_file(tmp_path):
    dataset = select_time(open_dataset([cesm_like(tmp_path / "cesm.nc")]), months=(1,))
    # tas = 100·year + month: the January means are 1990·100 + 1 and 1991·100 + 1
    np.testing.assert_array_equal(dataset["tas"].values[:, 0, 0], [199001.0, 199101.0])
    samples = build_pointwise_samples(dataset, target="tas", predictors=(), features=("lat",))
    assert [time.month for time in samples.layout.time.values] == [1, 1]
    assert [(t.year, t.month, t.day) for t in samples.layout.file_times] == [(1990, 2, 1), (1991, 2, 1)]


def test_a_warning_names_end_stamps_once(tmp_path, caplog):
    path = cesm_like(tmp_path / "warned_once.nc")  # a name no other test opens: once per process
    with caplog.at_level(logging.WARNING):
        open_dataset([path])
        open_dataset([path])
    messages = [record.getMessage() for record in caplog.records if "time_bnds" in record.getMessage()]
    assert len(messages) == 1
    assert "warned_once.nc: time stamps at the ends of their time_bnds cells (1990-02-01 for 1990-01-01 to 1990-02-01" \
        ", …, as CESM history files stamp means)" in messages[0]
    assert "the value stamped 1990-02-01 counts in January 1990" in messages[0]
    assert messages[0].endswith("prediction files keep the file's stamps (time) as their time, with these cells as "
                                "time_bnds")


def test_stamps_at_the_cells_middles_are_kept_unchanged(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        dataset = open_dataset([cesm_like(tmp_path / "mid.nc", stamp="middle")])
    assert FILE_TIME_COORDINATE not in dataset.coords
    assert [time.month for time in dataset["time"].values] == list(range(1, 13)) * 2
    assert not [record for record in caplog.records if "time_bnds" in record.getMessage()]


@pytest.mark.parametrize(
    "bounds, expected",
    [
        pytest.param([[0.0, 31.0], [31.0, 59.0]], [15.5, 45.0], id="end-stamps"),
        pytest.param([[31.0, 0.0], [59.0, 31.0]], [15.5, 45.0], id="upper-vertex-first"),
        pytest.param([[0.0, 20.0], [31.0, 59.0]], None, id="a-stamp-outside-its-cell"),
        pytest.param([[31.0, 31.0], [31.0, 59.0]], None, id="an-empty-cell"),
    ],
)
def test_cell_middles(bounds, expected):
    decode = xr.coders.CFDatetimeCoder(use_cftime=True)
    attrs = {"units": "days since 1990-01-01", "calendar": "noleap"}
    times = decode.decode(xr.Variable("time", [31.0, 59.0], attrs)).values
    cells = decode.decode(xr.Variable(("time", "nbnd"), np.array(bounds), attrs)).values
    middles = cell_middles(times, cells)
    if expected is None:
        assert middles is None
    else:
        wanted = decode.decode(xr.Variable("time", expected, attrs)).values
        assert list(middles) == list(wanted)


# Season and year features without time bounds: each step dated by the middle of the cell
# inferred from the axis's step (climann.data.time_cells.season_feature_times).

#: Days in each month of 1990 and 1992 (standard calendar; 1992 is a leap year).
DAYS_1990 = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
DAYS_1992 = DAYS_1990 + (np.arange(12) == 1)


def _monthly_standard(path, stamp):
    """Monthly means of 1990 and 1992 (standard calendar, days since 1990-01-01): stamped on
    the 1st (ERA5, CDO monmean with setday,1) or on the 15th without bounds, or at the middles
    of their time_bnds; "dangling": on the 1st, with ``bounds = "time_bnds"`` but no time_bnds
    (xarray's ``ds[["tas"]].to_netcdf()`` of a file that had them, ``ncks -C -v tas``)."""
    starts = np.concatenate([np.cumsum(np.r_[0, DAYS_1990[:-1]]), 730 + np.cumsum(np.r_[0, DAYS_1992[:-1]])])
    ends = starts + np.concatenate([DAYS_1990, DAYS_1992])
    values = {"first": starts, "15th": starts + 14.0, "bounds": (starts + ends) / 2,
              "dangling": starts}[stamp].astype(np.float64)
    attrs = {"units": "days since 1990-01-01", "calendar": "standard", "standard_name": "time"}
    if stamp == "dangling":
        attrs["bounds"] = "time_bnds"
    variables = {"tas": (("time", "lat", "lon"), np.full((24, 1, 2), 280.0, np.float32), {"units": "K"})}
    if stamp == "bounds":
        attrs["bounds"] = "time_bnds"
        variables["time_bnds"] = (("time", "nbnd"), np.stack([starts, ends], axis=1).astype(np.float64))
    xr.Dataset(variables, coords={
        "time": ("time", values, attrs),
        "lat": ("lat", [10.0], {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", [0.0, 90.0], {"units": "degrees_east", "standard_name": "longitude"})}).to_netcdf(path)
    return path


def _season_columns(path, dated_by="cell_middle"):
    samples = build_pointwise_samples(open_dataset([path]), target="tas", predictors=[],
                                      features=["season", "year"], season_dated_by=dated_by)
    first_cell = samples.inputs[::2]  # one sample per time step (two cells each)
    return first_cell[:, 0], first_cell[:, 1], first_cell[:, 2]


def _month_middle_fractions():
    """Fraction of its year at each month's middle, by hand: (days before + length / 2) / year."""
    return np.concatenate([(np.cumsum(np.r_[0, days[:-1]]) + days / 2) / days.sum() for days in (DAYS_1990, DAYS_1992)])


@pytest.mark.parametrize("stamp", [pytest.param("first", id="on-the-1st-without-bounds"),
                                   pytest.param("15th", id="on-the-15th-without-bounds"),
                                   pytest.param("bounds", id="with-time-bnds"),
                                   pytest.param("dangling", id="on-the-1st-bounds-attribute-without-time-bnds")])
def test_monthly_season_and_year_features_are_those_of_the_months_middles(tmp_path, stamp):
    season_sin, season_cos, year = _season_columns(_monthly_standard(tmp_path / f"m_{stamp}.nc", stamp))
    fraction = _month_middle_fractions()
    np.testing.assert_allclose(season_sin, np.sin(2 * np.pi * fraction), atol=1e-6)
    np.testing.assert_allclose(season_cos, np.cos(2 * np.pi * fraction), atol=1e-6)
    np.testing.assert_allclose(year, np.repeat([1990.0, 1992.0], 12) + fraction, rtol=0, atol=1e-3)


def test_models_trained_before_the_record_keep_features_of_the_stamps(tmp_path):
    season_sin, season_cos, _ = _season_columns(_monthly_standard(tmp_path / "old.nc", "first"), "stamp")
    fraction = np.concatenate([np.cumsum(np.r_[0, days[:-1]]) / days.sum() for days in (DAYS_1990, DAYS_1992)])
    np.testing.assert_allclose(season_sin, np.sin(2 * np.pi * fraction), atol=1e-6)
    np.testing.assert_allclose(season_cos, np.cos(2 * np.pi * fraction), atol=1e-6)


def test_stamps_on_the_1st_are_read_as_the_months_they_open_in_one_warning(tmp_path, caplog):
    path = _monthly_standard(tmp_path / "first_warned_once.nc", "first")
    forget_notes()  # a new run: said once in it
    with caplog.at_level(logging.WARNING):
        _season_columns(path)
        _season_columns(path)
    said = [record.getMessage() for record in caplog.records if "stamped at the start of each month" in record.getMessage()]
    assert len(said) == 1 and "read as the mean of the month beginning there" in said[0] and "time_bnds" in said[0]


@pytest.mark.parametrize(("cell_methods", "said"), [
    # break35b D2: xclim's monthly growing degree days (a sum over the days) were "read as the mean of the month"
    pytest.param("time: mean within days time: sum over days", "each value is read as the total of the month "
                 "beginning there", id="xclim-sum-over-days"),
    pytest.param("area: mean time: sum", "each value is read as the total of the month beginning there", id="sum"),
    pytest.param("time: maximum", "each value is read as that of the month beginning there", id="maximum"),
])
def test_the_start_of_month_warning_says_total_mean_or_value_by_cell_methods(tmp_path, caplog, cell_methods, said):
    dataset = open_dataset([_monthly_standard(tmp_path / "first.nc", "first")])
    dataset["tas"].attrs["cell_methods"] = cell_methods
    forget_notes()
    with caplog.at_level(logging.WARNING):
        build_pointwise_samples(dataset, target="tas", predictors=[], features=["season"])
    warned = [record.getMessage() for record in caplog.records
              if "stamped at the start of each month" in record.getMessage()]
    assert len(warned) == 1 and said in warned[0], warned


@pytest.mark.parametrize(("cell_methods", "recipe", "averages"), [
    # fix36c: monthly precipitation totals were said to be stamped as "monmean with setday,1" stamps them
    pytest.param("area: mean time: sum", "monsum with setday,1", "monmean", id="sum"),
    pytest.param("time: mean within days time: sum over days", "monsum with setday,1", "monmean",
                 id="xclim-sum-over-days"),
    pytest.param("time: maximum", "monmax or monmin with setday,1", "monmean", id="maximum"),
    pytest.param("time: mean", "monmean with setday,1", "monsum", id="mean"),
])
def test_the_start_of_month_warning_names_the_cdo_operator_of_the_values_statistic(tmp_path, caplog, cell_methods,
                                                                                    recipe, averages):
    dataset = open_dataset([_monthly_standard(tmp_path / "first.nc", "first")])
    dataset["tas"].attrs["cell_methods"] = cell_methods
    forget_notes()
    with caplog.at_level(logging.WARNING):
        build_pointwise_samples(dataset, target="tas", predictors=[], features=["season"])
    (warned,) = [record.getMessage() for record in caplog.records
                 if "stamped at the start of each month" in record.getMessage()]
    assert recipe in warned and averages not in warned, warned


def test_stamps_inside_their_months_are_not_warned_about(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        _season_columns(_monthly_standard(tmp_path / "fifteenth.nc", "15th"))
    assert not [record for record in caplog.records if "no bounds" in record.getMessage()]


def _dates(days, calendar="noleap"):
    return np.array([cftime.num2date(day, "days since 1990-01-01", calendar) for day in days], dtype=object)


@pytest.mark.parametrize(
    "stamps, step, cell_days",
    [
        pytest.param([0.0, 90.0, 181.0, 273.0], TimeStep(months=3), [[0, 90], [90, 181], [181, 273], [273, 365]],
                     id="seasonal-on-the-1st"),
        pytest.param([0.0, 1.0, 2.0], TimeStep(duration=datetime.timedelta(days=1)), [[0, 1], [1, 2], [2, 3]],
                     id="daily-at-00h"),
        pytest.param([14.0, 45.0], TimeStep(months=1), [[0, 31], [31, 59]], id="monthly-on-the-15th"),
        pytest.param([0.0, 0.25], TimeStep(duration=datetime.timedelta(hours=6)), None, id="6-hourly-instants"),
        pytest.param([45.0, 135.0], TimeStep(months=3), None, id="seasonal-inside-the-cells"),
        pytest.param([0.5, 1.5], TimeStep(duration=datetime.timedelta(days=1)), None, id="daily-at-noon"),
        pytest.param([0.0], None, None, id="one-step"),
        pytest.param([0.0, 365.0], TimeStep(months=12), [[0, 365], [365, 730]], id="yearly-on-1-january"),
        # DJF means on 1 December: the 12 months from there would date each in June
        pytest.param([334.0, 699.0], TimeStep(months=12), None, id="one-a-year-on-1-december"),
    ],
)
def test_inferred_cells(stamps, step, cell_days):
    found = inferred_cells(_dates(stamps), step)
    if cell_days is None:
        assert found is None
    else:
        assert found[0].tolist() == [list(_dates(cell)) for cell in cell_days]


def monthly_block(path, *, first_year, stamp="middle", bounds=True):
    """Two years of monthly means (noleap, days since 2000-01-01) on a 2×3 grid, stamped at
    the middles or the starts of the months, with time_bnds = [start, end] or without;
    tas = 100·year + month."""
    starts = np.concatenate([365 * (first_year - 2000 + year) + MONTH_STARTS for year in range(2)]).astype(float)
    ends = np.append(starts[1:], starts[0] + 730.0)
    months = np.tile(np.arange(1, 13), 2)
    years = np.repeat(first_year + np.arange(2), 12)
    time_attrs = {"units": "days since 2000-01-01", "calendar": "noleap", "standard_name": "time"}
    variables = {"tas": (("time", "lat", "lon"), ((100.0 * years + months)[:, None, None] * np.ones((1, 2, 3))),
                         {"units": "K"})}
    if bounds:
        variables["time_bnds"] = (("time", "nbnd"), np.stack([starts, ends], axis=1))
        time_attrs["bounds"] = "time_bnds"
    xr.Dataset(variables, coords={
        "time": ("time", (starts + ends) / 2 if stamp == "middle" else starts, time_attrs),
        "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east", "standard_name": "longitude"}),
    }).to_netcdf(path)
    return path


def decoded(days):
    """Days since 2000-01-01 (noleap) as cftime dates."""
    return cftime.num2date(np.asarray(days), "days since 2000-01-01", "noleap")


def month_days(first_year):
    """Days since 2000-01-01 of the starts and the ends of two years of months (noleap)."""
    starts = np.concatenate([365 * (first_year - 2000 + year) + MONTH_STARTS for year in range(2)]).astype(float)
    return starts, np.append(starts[1:], starts[0] + 730.0)


def test_split_blocks_with_and_without_time_bounds_combine_without_bounds(tmp_path, caplog):
    train = open_dataset([monthly_block(tmp_path / "hist.nc", first_year=2000)])
    test = open_dataset([monthly_block(tmp_path / "ssp_nobnds.nc", first_year=2050, bounds=False)])
    with caplog.at_level(logging.WARNING):
        combined = concat_blocks([train, train, test], ("train", "val", "test"), sources=["hist.nc"] * 2 + ["ssp.nc"])
    assert "time_bnds" not in combined.variables and "bounds" not in combined["time"].attrs
    hist, ssp = month_days(2000), month_days(2050)
    # each block dated as on its own: by its cells' middles, from the bounds or the step (here the stamps)
    expected = decoded(np.concatenate([(hist[0] + hist[1]) / 2] * 2 + [(ssp[0] + ssp[1]) / 2]))
    assert list(combined["time"].values) == list(expected)
    np.testing.assert_array_equal(combined["tas"].values[48:, 0, 0], 100.0 * np.repeat([2050, 2051], 12)
                                  + np.tile(np.arange(1, 13), 2))
    warned = [record.getMessage() for record in caplog.records if "no time bounds" in record.getMessage()]
    assert warned == ["ssp.nc (test) has no time bounds while hist.nc (train) has ('time_bnds'): each is dated as "
                      "on its own (by its cells' middles where the bounds give them, by the cells its time step "
                      "implies elsewhere) and the time bounds are dropped for all"]


def _djf_means(path, years, *, bounds):
    """DJF means (noleap) stamped on 1 December of each year, with time_bnds of their three
    months (December to February) or without; tas = the year of the December."""
    december = np.array([cftime.DatetimeNoLeap(year, 12, 1) for year in years], dtype=object)
    variables = {"tas": (("time", "lat", "lon"), np.repeat(np.array(years, np.float32), 2).reshape(-1, 1, 2),
                         {"units": "K"})}
    if bounds:
        ends = [cftime.DatetimeNoLeap(year + 1, 3, 1) for year in years]
        variables["time_bnds"] = (("time", "nbnd"), np.stack([december, np.array(ends, dtype=object)], axis=1))
    dataset = xr.Dataset(variables, coords={
        "time": ("time", december, {"standard_name": "time", **({"bounds": "time_bnds"} if bounds else {})}),
        "lat": ("lat", [10.0], {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", [0.0, 90.0], {"units": "degrees_east", "standard_name": "longitude"})})
    dataset["time"].encoding.update(units="days since 1980-01-01", calendar="noleap")
    dataset.to_netcdf(path)
    return path


def test_djf_means_a_year_apart_without_bounds_are_dated_by_their_stamps_beside_a_block_with_bounds(tmp_path, caplog):
    """DJF means on 1 December without bounds were dated by the 12 months from there, in June
    of the next year, when combined with a block that has bounds: counted as JJA by --seasons
    and per-season scores, and in the next year by the split into years."""
    forget_notes()
    train = open_dataset([_djf_means(tmp_path / "djf_bnds.nc", range(1980, 1984), bounds=True)])
    test = open_dataset([_djf_means(tmp_path / "djf.nc", range(1990, 1994), bounds=False)])
    with caplog.at_level(logging.WARNING):
        combined = concat_blocks([train, test], ("train", "test"), sources=["djf_bnds.nc", "djf.nc"])
    # by hand: the middles of Dec–Feb (90 days) are 45 days after 1 December (15 January);
    # the block without bounds keeps its stamps, 1 December
    expected = [cftime.DatetimeNoLeap(year + 1, 1, 15) for year in range(1980, 1984)] + \
               [cftime.DatetimeNoLeap(year, 12, 1) for year in range(1990, 1994)]
    assert list(combined["time"].values) == expected
    assert subset_dataset(combined, seasons=["DJF"]).sizes["time"] == 8
    assert "stamped on the 1st of December (1990-12-01, …): each may be the mean of the 12 months or of one " \
           "season or month beginning there" in caplog.text


def test_year_feature_of_djf_means_on_1_december_is_that_of_the_stamps(tmp_path):
    """The year feature of DJF means stamped on 1 December without bounds is the stamps' (the
    season feature of one value a year is refused since fix35f: break35a A1, samples a year or
    more apart have no seasonal cycle to give it)."""
    dataset = open_dataset([_djf_means(tmp_path / "djf.nc", range(1990, 1994), bounds=False)])
    samples = build_pointwise_samples(dataset, target="tas", predictors=[], features=["year"],
                                      season_dated_by="cell_middle")
    fraction = 334 / 365  # 1 December in noleap: 334 days of the year elapsed
    np.testing.assert_allclose(samples.inputs[::2, 0], np.arange(1990, 1994) + fraction, rtol=0, atol=1e-4)
    with pytest.raises(ClimannError, match="the season feature needs a seasonal cycle"):
        build_pointwise_samples(dataset, target="tas", predictors=[], features=["season", "year"],
                                season_dated_by="cell_middle")


def test_split_blocks_stamped_at_other_points_of_their_cells_combine_at_the_middles(tmp_path):
    train = open_dataset([monthly_block(tmp_path / "hist.nc", first_year=2000)])
    test = open_dataset([monthly_block(tmp_path / "ssp_first.nc", first_year=2050, stamp="start")])
    combined = concat_blocks([train, train, test], ("train", "val", "test"))
    hist, ssp = month_days(2000), month_days(2050)
    middles = np.concatenate([(hist[0] + hist[1]) / 2] * 2 + [(ssp[0] + ssp[1]) / 2])
    assert list(combined["time"].values) == list(decoded(middles))
    # the files' own stamps, written back to predictions files: the middles, and the test file's 1sts
    stamps = np.concatenate([(hist[0] + hist[1]) / 2] * 2 + [ssp[0]])
    assert list(combined[FILE_TIME_COORDINATE].values) == list(decoded(stamps))
    assert list(combined["time_bnds"].values.ravel()) == list(decoded(np.stack(
        [np.concatenate([hist[0]] * 2 + [ssp[0]]), np.concatenate([hist[1]] * 2 + [ssp[1]])], axis=1).ravel()))


def test_a_time_known_only_by_its_units_stays_the_one_time_coordinate_when_its_stamps_are_kept(tmp_path):
    """A hand-written file: time has only units, calendar and bounds (no standard_name, axis or
    long_name), stamped on the 15th of each month. Dated by the cells' middles, its stamps are
    kept beside in climann's own coordinate, which is never taken for a second time coordinate
    (it was: 'several coordinates look like time (climann_file_stamp, time)')."""
    from climann.data.coords import time_coordinate

    starts = np.array([0.0, 31.0, 59.0, 90.0])  # 2001-01-01 … 2001-04-01, days since 2001-01-01
    ends = np.array([31.0, 59.0, 90.0, 120.0])
    dataset = xr.Dataset(
        {"pr": (("time", "lat", "lon"), np.ones((3, 2, 2), np.float32), {"units": "kg m-2 s-1"}),
         "time_bnds": (("time", "bnds"), np.stack([starts[:3], ends[:3]], axis=1))},
        coords={"time": ("time", starts[:3] + 14.0, {"units": "days since 2001-01-01", "calendar": "standard",
                                                     "bounds": "time_bnds"}),
                "lat": ("lat", [-45.0, 45.0], {"units": "degrees_north"}),
                "lon": ("lon", [90.0, 270.0], {"units": "degrees_east"})},
    )
    dataset.to_netcdf(tmp_path / "hand.nc")
    opened = open_dataset([tmp_path / "hand.nc"])
    assert time_coordinate(opened) == "time"
    assert [(t.month, t.day) for t in opened[FILE_TIME_COORDINATE].values] == [(1, 15), (2, 15), (3, 15)]
    middles = [cftime.DatetimeGregorian(2001, 1, 1) + datetime.timedelta(days=(a + b) / 2)
               for a, b in zip(starts[:3], ends[:3], strict=True)]
    assert list(opened["time"].values) == middles


def _noleap(*dates):
    return np.array([cftime.DatetimeNoLeap(*date) for date in dates], dtype=object)


@pytest.mark.parametrize(
    ("times", "bounds", "days"),
    [
        pytest.param(_noleap((2001, 1, 16, 12), (2001, 2, 15)), None, [31, 28], id="monthly-stamps"),
        pytest.param(_noleap((2001, 1, 1, 12), (2001, 1, 2, 12), (2001, 1, 4, 12)), None, [1, 1, 1],
                     id="daily-at-noon-with-a-gap"),
        pytest.param(_noleap((2001, 1, 16), (2001, 7, 16)),
                     np.stack([_noleap((2000, 12, 1), (2001, 6, 1)), _noleap((2001, 3, 1), (2001, 9, 1))], axis=1),
                     [90, 92], id="bounds-djf-jja"),
    ],
)
def test_cell_lengths_from_bounds_else_the_step(times, bounds, days):
    np.testing.assert_array_equal(cell_lengths(times, bounds), np.array(days) * 86400.0)


@pytest.mark.parametrize(
    "times",
    [pytest.param(_noleap((2001, 1, 16)), id="single-time"),
     pytest.param(_noleap((2001, 1, 16), (2001, 4, 16)), id="seasons-stamped-inside"),
     # the seasons starting there, those ending there, or January and April alone
     pytest.param(_noleap((2001, 1, 1), (2001, 4, 1)), id="3-months-apart-on-the-1st"),
     # years, or one winter (DJF) of each year
     pytest.param(_noleap((2000, 12, 1), (2001, 12, 1)), id="12-months-apart-on-the-1st"),
     pytest.param(_noleap((2001, 1, 1), (2001, 1, 3), (2001, 1, 6)), id="irregular"),
     # totals over the 6 hours before each stamp, or ERA5's over the hour before it
     pytest.param(_noleap((2001, 1, 1, 0), (2001, 1, 1, 6), (2001, 1, 1, 12)), id="6-hourly"),
     pytest.param(_noleap((2001, 1, 1, 0), (2001, 1, 1, 3), (2001, 1, 1, 6)), id="3-hourly")],
)
def test_cell_lengths_are_unknown_without_bounds_or_a_step_that_gives_them(times):
    assert cell_lengths(times) is None


def test_cell_lengths_of_hourly_stamps_are_the_hour():
    np.testing.assert_array_equal(cell_lengths(_noleap((2001, 1, 1, 0), (2001, 1, 1, 1), (2001, 1, 1, 2))), 3600.0)


@pytest.mark.parametrize(("times", "said", "not_said"), [
    pytest.param([cftime.DatetimeNoLeap(1990, 1, day) for day in (1, 2, 3)], "start of each day", "monmean",
                 id="daily-no-monthly-recipe"),
    pytest.param([cftime.DatetimeNoLeap(1990, month, 1) for month in (1, 2, 3)], "monmean with setday,1", "each day",
                 id="monthly-with-the-cdo-recipe"),
])
def test_the_start_stamp_warning_cites_a_recipe_of_the_datas_step(caplog, times, said, not_said):
    """The CDO recipe that stamps means at the start of their cells is monthly (monmean with
    setday,1): a daily axis stamped at 00:00 is said to be stamped as ERA5 stamps it (recheck4 #4)."""
    from climann.data.time_cells import season_feature_times

    forget_notes()
    with caplog.at_level(logging.WARNING):
        season_feature_times(xr.DataArray(np.array(times, dtype=object), dims="time", name="time"),
                             dated_by="cell_middle")
    (message,) = [record.getMessage() for record in caplog.records if "no bounds" in record.getMessage()]
    assert said in message and not_said not in message


def _monthly_file(path, months, *, day_of, bounds=False, shift_bounds=0, first_year=2000, seed=0):
    """Monthly values (standard calendar) of ``months`` months from January of ``first_year``,
    month k stamped at ``day_of(k)`` = (day, hour); with ``bounds`` the calendar months
    shifted by ``shift_bounds`` months as time_bnds; tas random on a 2×3 grid."""
    def month_start(k):
        return cftime.datetime(first_year + k // 12, k % 12 + 1, 1, calendar="standard")

    stamps = [month_start(k).replace(day=day_of(k)[0], hour=day_of(k)[1]) for k in months]
    units = "days since 2000-01-01"
    tas = np.random.default_rng(seed).normal(280, 5, (len(stamps), 2, 3))
    time_attrs = {"units": units, "calendar": "standard", "standard_name": "time"}
    variables = {"tas": (("time", "lat", "lon"), tas, {"units": "K"})}
    if bounds:
        edges = [[month_start(k + shift_bounds), month_start(k + shift_bounds + 1)] for k in months]
        variables["time_bnds"] = (("time", "nbnd"), cftime.date2num(edges, units, "standard"))
        time_attrs["bounds"] = "time_bnds"
    xr.Dataset(variables, coords={
        "time": ("time", cftime.date2num(stamps, units, "standard"), time_attrs),
        "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)
    return path


def test_bounds_that_do_not_hold_their_stamps_are_refused_naming_the_step_and_both_datings(tmp_path):
    from climann.errors import ClimannError

    path = _monthly_file(tmp_path / "bad.nc", range(24), day_of=lambda k: (15, 0), bounds=True, shift_bounds=-1)
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    message = str(error.value)
    assert "\n" not in message
    assert "time step 0 (counting from 0) is stamped 2000-01-15 outside its cell 1999-12-01 to 2000-01-01" in message
    assert "January 2000 by its stamp and in December 1999 by its cell" in message
    assert "ncks -x -v time_bnds" in message and "ncap2" in message


@pytest.mark.parametrize(
    ("day_of", "shift", "months"),
    [
        pytest.param(lambda k: (1, 0), 1, list(range(1, 13)) * 2, id="stamped-at-the-upper-edge-cesm"),
        pytest.param(lambda k: (1, 0), 0, list(range(1, 13)) * 2, id="stamped-at-the-lower-edge"),
        pytest.param(lambda k: (15, 0) if k < 12 else (1, 0), 0, list(range(1, 13)) * 2,
                     id="15th-then-1st-with-bounds"),
    ],
)
def test_cells_that_hold_their_stamps_date_each_value_by_its_cell(tmp_path, day_of, shift, months):
    # CESM: the value of month k is stamped at the 1st of month k+1, its cell is month k
    stamps_of = (lambda k: day_of(k)) if shift == 0 else day_of
    path = _monthly_file(tmp_path / "cells.nc", [k + shift for k in range(24)] if shift else range(24),
                         day_of=stamps_of, bounds=True, shift_bounds=-shift)
    times = open_dataset([path])["time"].values
    assert [time.month for time in times] == months
    assert all(time.day in (15, 16) for time in times)  # the middles of the months


def test_monthly_stamps_switching_between_the_1st_and_mid_month_without_bounds_are_refused(tmp_path):
    from climann.errors import ClimannError

    _monthly_file(tmp_path / "a.nc", range(24), day_of=lambda k: (15, 0))
    _monthly_file(tmp_path / "b.nc", range(24, 48), day_of=lambda k: (1, 0))
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])
    message = str(error.value)
    assert "\n" not in message
    assert "inside the month (2001-12-15) in a.nc then on the 1st at 00:00 (2002-01-01) in b.nc" in message
    assert "cdo setday,15" in message
    opening, closing = _restamped_both_ways(message, tmp_path, "b.nc")
    stamps = _times(tmp_path / "b.nc")  # 2002-01-01, 2002-02-01 …
    assert [(time.year, time.month, time.day) for time in opening] == [(time.year, time.month, 15) for time in stamps]
    before = [time - datetime.timedelta(days=1) for time in stamps]  # the month each closes
    assert [(time.year, time.month, time.day) for time in closing] == [(time.year, time.month, 15) for time in before]


def _times(path) -> list:
    with xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as opened:
        return list(opened["time"].values)


def _restamped_both_ways(message: str, folder, name: str) -> tuple[list, list]:
    """Run the two restamping lines of ``message`` as printed, by bash: each writes its copy of ``name`` into a
    new folder of its own (fix56b: both wrote b_restamped.nc beside b.nc, which a glob over the folder took with
    it, and the second line met the first's copy); the copies' times, decoded."""
    import shutil

    if shutil.which("cdo") is None:
        pytest.skip("needs CDO")
    first = run_one_copy(message, folder)
    second = run_one_copy(message[message.index("if they close the"):], folder)
    assert (Path(first["copy"]).parent.name, Path(second["copy"]).parent.name) == ("restamped_as_opening",
                                                                                   "restamped_as_closing")
    assert Path(first["copy"]).name == Path(second["copy"]).name == name
    assert sorted(path.name for path in folder.iterdir()) == ["a.nc", "b.nc", "restamped_as_closing",
                                                              "restamped_as_opening"]
    return _times(folder / first["copy"]), _times(folder / second["copy"])


def test_one_stamp_on_the_1st_among_mid_month_stamps_is_refused_naming_it(tmp_path):
    from climann.errors import ClimannError

    path = _monthly_file(tmp_path / "one.nc", range(36), day_of=lambda k: (1, 0) if k == 17 else (15, 0))
    with pytest.raises(ClimannError, match=r"inside the month \(2001-05-15\) then on the 1st at 00:00 \(2001-06-01\)"):
        open_dataset([path])


def test_monthly_files_restamped_with_bounds_are_one_monthly_series_keyed_per_calendar_month(tmp_path):
    from climann.evaluation.baselines import climatology_prediction, season_name

    _monthly_file(tmp_path / "a.nc", range(36), day_of=lambda k: (15, 0), bounds=True, seed=1)
    _monthly_file(tmp_path / "b.nc", range(36, 60), day_of=lambda k: (1, 0), bounds=True, seed=2)
    dataset = open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])
    times = dataset["time"].values
    truth = dataset["tas"].values
    train = np.array([time.year < 2003 for time in times])
    assert season_name(times) == "calendar month"
    month = np.arange(60) % 12
    raw = np.concatenate([xr.open_dataset(tmp_path / name)["tas"].values for name in ("a.nc", "b.nc")])
    by_hand = np.stack([raw[train & (month == m)].mean(axis=0) for m in range(12)])
    np.testing.assert_allclose(climatology_prediction(truth, times, train, window_days=61), by_hand[month])


def test_cmip_mid_month_stamps_varying_by_a_day_and_hours_stay_monthly_without_a_word(tmp_path, caplog):
    from climann.evaluation.baselines import season_name

    path = _monthly_file(tmp_path / "cmip.nc", range(24), day_of=lambda k: (16, 12) if k % 2 else (15, 0))
    with caplog.at_level(logging.WARNING):
        times = open_dataset([path])["time"].values
    assert season_name(times) == "calendar month"
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def _daily_file(path, days, *, hour, seed=0):
    """tas once a day (noleap, days since 2000-01-01) at ``hour``, no bounds."""
    stamps = np.asarray(days, np.float64) + hour / 24
    rng = np.random.default_rng(seed)
    xr.Dataset({"tas": (("time", "lat", "lon"), rng.normal(280, 5, (len(stamps), 2, 3)), {"units": "K"})}, coords={
        "time": ("time", stamps, {"units": "days since 2000-01-01", "calendar": "noleap", "standard_name": "time"}),
        "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)
    return path


def test_daily_stamps_switching_between_noon_and_midnight_without_bounds_are_refused(tmp_path):
    """A stamp at 00:00 may open its day or close the day before: a set switching from 12:00
    to 00:00 was read as 12-hourly with every other step missing, its climatology per day of
    year and hour (each hour's from part of the years)."""
    from climann.errors import ClimannError

    _daily_file(tmp_path / "a.nc", range(0, 730), hour=12)
    _daily_file(tmp_path / "b.nc", range(730, 1095), hour=0)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])
    message = str(error.value)
    assert "\n" not in message
    assert ("daily values without time bounds are stamped inside the day (2001-12-31 12:00) in a.nc then at 00:00 "
            "(2002-01-01) in b.nc") in message
    assert "cdo settime,12:00:00" in message
    opening, closing = _restamped_both_ways(message, tmp_path, "b.nc")
    stamps = _times(tmp_path / "b.nc")  # 2002-01-01 00:00 …
    assert opening == [time + datetime.timedelta(hours=12) for time in stamps]  # noon of the day each opens
    assert closing == [time - datetime.timedelta(hours=12) for time in stamps]  # noon of the day before


def test_daily_stamps_at_two_hours_inside_the_day_are_one_daily_series_keyed_per_day_of_year(tmp_path):
    from climann.evaluation.baselines import climatology_prediction, season_name

    _daily_file(tmp_path / "a.nc", range(0, 730), hour=12, seed=1)
    _daily_file(tmp_path / "b.nc", range(730, 1095), hour=6, seed=2)
    dataset = open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])
    times = dataset["time"].values
    assert season_name(times) == "day of year"
    train = np.array([time.year < 2002 for time in times])
    raw = np.concatenate([xr.open_dataset(tmp_path / name)["tas"].values for name in ("a.nc", "b.nc")])
    day = np.arange(1095) % 365
    by_hand = np.stack([raw[train & (day == d)].mean(axis=0) for d in range(365)])
    np.testing.assert_allclose(climatology_prediction(dataset["tas"].values, times, train, window_days=1), by_hand[day])



@pytest.mark.parametrize(("stamps", "value_step", "middles"), [
    pytest.param([cftime.datetime(1990, 2, 21, calendar="standard") + datetime.timedelta(days=7 * k) for k in range(3)],
                 None, ["1990-02-24T12", "1990-03-03T12", "1990-03-10T12"], id="weekly-cells-cross-into-march"),
    pytest.param([cftime.datetime(1990, month, 1, calendar="noleap") for month in (2, 4, 6)],
                 TimeStep(months=1), ["1990-02-15T00", "1990-04-16T00", "1990-06-16T00"],
                 id="monthly-means-kept-every-other-month-stay-in-their-month"),
])
def test_seasons_are_scored_by_the_middles_of_the_time_cells(stamps, value_step, middles):
    """The scores per season date a step as the season feature does: weekly means stamped at the
    start of their 7 days by stamp + 3.5 days (the week from 28 Feb 1990 is MAM), monthly means kept
    every other month by their calendar month (not the middle of 2 months)."""
    from climann.data.time_cells import season_score_times

    time = xr.DataArray(np.array(stamps, dtype=object), dims="time", name="time")
    dated = season_score_times(time, value_step=value_step)
    assert [date.strftime("%Y-%m-%dT%H") for date in dated] == middles


def test_seasons_of_a_time_with_bounds_are_its_coordinate_of_middles():
    from climann.data.time_cells import season_score_times

    stamps = np.array([cftime.datetime(1990, 1, 16, 12, calendar="standard")], dtype=object)
    time = xr.DataArray(stamps, dims="time", name="time", attrs={"bounds": "time_bnds"})
    assert list(season_score_times(time)) == list(stamps)


def test_the_start_stamps_warning_is_given_once_for_an_axis_and_its_selection(caplog):
    """verify21a F4: pentads stamped at their start, without bounds, chosen with --months 6,7,8: the selection reads
    the whole axis's cells and the run the kept axis's, and the warning was printed twice (first 2000-01-01, then
    2000-05-30); it is one warning for the variable."""
    import datetime

    import cftime

    from climann.data.notes import forget_notes
    from climann.data.time_cells import season_score_times

    forget_notes()
    start = cftime.DatetimeNoLeap(2000, 1, 1)
    stamps = np.array([start + datetime.timedelta(days=5 * k) for k in range(146)])
    whole = xr.DataArray(stamps, dims="time", name="time")
    with caplog.at_level("WARNING", logger="climann"):
        season_score_times(whole)
        kept = whole[[stamp.month in (6, 7, 8) for stamp in season_score_times(whole)]]
        season_score_times(kept)
    said = [r.getMessage() for r in caplog.records if "stamped at the start of" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("'time' has no bounds and holds one value every 5 days, each "
                                                 "stamped at the start of a day (2000-01-01, …)")
    forget_notes()


def _daily_standard_with_bounds(path):
    """Two years of daily tas (2000 holds 29 February) in the standard calendar, stamped at
    12:00 with CF time bounds, as a daily observation product."""
    days = np.arange(731, dtype="f8")
    xr.Dataset({"tas": (("time", "lat", "lon"), 280 + np.random.default_rng(0).normal(size=(731, 2, 3)).astype("f4"),
                        {"units": "K"}),
                "time_bnds": (("time", "nv"), np.stack([days, days + 1], axis=1))},
               coords={"time": ("time", days + 0.5, {"units": "days since 2000-01-01", "calendar": "standard",
                                                     "bounds": "time_bnds"}),
                       "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(path)
    return path


def test_bounds_left_in_another_calendar_by_a_conversion_are_refused_naming_both(tmp_path):
    """break28a A1: a standard file converted to noleap with xarray's convert_calendar, as
    climann's calendar advice said: the time is noleap, its bounds still standard dates (xarray
    does not convert them); comparing them was "unexpected error: TypeError" in info and
    "cannot open … as NetCDF" in train. A refusal naming both calendars and the bounds; the
    advice followed (the bounds dropped before converting) opens, each step dated by its stamp."""
    original = _daily_standard_with_bounds(tmp_path / "obs.nc")
    from climann.errors import ClimannError

    cftime_dates = xr.coders.CFDatetimeCoder(use_cftime=True)
    with xr.open_dataset(original, decode_times=cftime_dates) as opened:
        opened.convert_calendar("noleap").to_netcdf(tmp_path / "obs_noleap.nc")
    with xr.open_dataset(tmp_path / "obs_noleap.nc", decode_times=False) as raw:
        # as the tester's file: the time in noleap, its bounds with a calendar of their own
        assert (raw["time"].attrs["calendar"], raw["time_bnds"].attrs["calendar"]) == ("noleap", "standard")
    with pytest.raises(ClimannError, match=r"obs_noleap\.nc: the time bounds 'time_bnds' are dated in the standard "
                                           r"calendar and 'time' in the noleap calendar: CF 7\.1 .* drop the bounds"):
        open_dataset([tmp_path / "obs_noleap.nc"])
    with xr.open_dataset(original, decode_times=cftime_dates) as opened:
        opened.drop_vars("time_bnds").convert_calendar("noleap").to_netcdf(tmp_path / "obs_noleap_nobounds.nc")
    dataset = open_dataset([tmp_path / "obs_noleap_nobounds.nc"])
    times = dataset["time"].values
    assert times.size == 730 and {date.calendar for date in times} == {"noleap"}
    assert (times[0].month, times[0].day, times[0].hour) == (1, 1, 12)


def test_one_value_every_other_day_without_bounds_says_the_mean_is_assumed_and_how_to_say_otherwise(tmp_path, caplog):
    """break29a A6: NSIDC's SMMR-era sea ice (one day's value every other day, no bounds) was told "each value is
    read as the mean of the 2 days beginning there", which climann cannot know: the warning says it is assumed,
    what else it may be, and the bounds of one day that say so."""
    from climann.data.time_cells import season_feature_times

    forget_notes()
    stamps = np.array([cftime.DatetimeGregorian(1979, 1, 2) + datetime.timedelta(days=2 * k) for k in range(40)])
    with caplog.at_level("WARNING", logger="climann"):
        middles = season_feature_times(xr.DataArray(stamps, dims="time", name="time"), dated_by="cell_middle")
    forget_notes()
    (said,) = [r.getMessage() for r in caplog.records if "no bounds" in r.getMessage()]
    assert "is read as the mean" not in said
    assert "it is assumed to be the mean of the 2 days beginning there" in said
    assert "or one day's value every 2 days" in said
    assert "say so with time bounds of that day (time_bnds [stamp, stamp + 1 day], CF 7.1)" in said
    assert list(middles) == [stamp + datetime.timedelta(days=1) for stamp in stamps]  # the assumption, as said
    # the way out it gives: time_bnds [stamp, stamp + 1 day] date each value at its day's noon, with no warning
    caplog.clear()
    days = np.arange(0.0, 80.0, 2.0)
    xr.Dataset({"siconc": (("time", "x"), np.ones((40, 3), "f4"), {"units": "1"}),
                "time_bnds": (("time", "nv"), np.stack([days, days + 1], axis=1))},
               coords={"time": ("time", days, {"units": "days since 1979-01-02", "bounds": "time_bnds"})}
               ).to_netcdf(tmp_path / "smmr.nc")
    with caplog.at_level("WARNING", logger="climann"):
        opened = open_dataset([tmp_path / "smmr.nc"])
    forget_notes()
    assert not [r for r in caplog.records if "no bounds" in r.getMessage()]
    expected = [cftime.DatetimeGregorian(1979, 1, 2, 12) + datetime.timedelta(days=day) for day in days]
    assert [cftime.DatetimeGregorian(t.year, t.month, t.day, t.hour) for t in opened["time"].values] == expected


def _daily_at_midnight(path, attrs):
    """A year of daily fields stamped at 00:00 without bounds, as CAMS's 00 UTC forecasts at one
    lead (cfgrib writes ``GRIB_stepType``) or WRF's daily history output (``MemoryOrder``,
    ``description``)."""
    xr.Dataset({"tas": (("time", "lat", "lon"), np.full((365, 1, 2), 280.0, np.float32), {"units": "K", **attrs})},
               coords={
        "time": ("time", np.arange(365.0), {"units": "days since 2019-01-01", "calendar": "standard"}),
        "lat": ("lat", [50.0], {"units": "degrees_north"}), "lon": ("lon", [4.0, 5.0], {"units": "degrees_east"}),
    }).to_netcdf(path)
    return path


_INSTANT = ("its values are instantaneous (GRIB_stepType instant, cell_methods time: point, or a WRF history field), "
            "each the value at its stamp, its valid time;")


@pytest.mark.parametrize(("attrs", "said"), [
    # break34a A6: CAMS's instantaneous fields were told "each value is read as the mean of the day"
    pytest.param({"GRIB_stepType": "instant"}, _INSTANT, id="instant"),
    pytest.param({"GRIB_stepType": "avg"}, "each value is read as the mean of the day beginning there", id="daily-mean"),
    # break38a B5 / rerun38: WRF's T2 at 00:00 of daily wrfout files was read as "the mean of the day beginning there"
    pytest.param({"MemoryOrder": "XY ", "FieldType": np.int32(104), "description": "TEMP at 2 M"}, _INSTANT,
                 id="wrf-history-field"),
    pytest.param({"MemoryOrder": "XY ", "FieldType": np.int32(104), "description": "MEAN TEMP AT 2 M"},
                 "each value is read as the mean of the day beginning there", id="wrf-interval-mean"),
])
def test_the_start_of_day_warning_words_values_by_their_kind(tmp_path, caplog, attrs, said):
    forget_notes()
    with caplog.at_level(logging.WARNING):
        season_sin, season_cos, _ = _season_columns(_daily_at_midnight(tmp_path / "daily.nc", attrs))
    warned = [record.getMessage() for record in caplog.records if "stamped at the start of each day" in record.getMessage()]
    assert len(warned) == 1 and said in warned[0], warned
    assert ("mean of the day" in warned[0]) == said.startswith("each value is read as the mean")
    fraction = (np.arange(365) + 0.5) / 365  # the season from the day's middle either way: only the words differ
    np.testing.assert_allclose(season_sin, np.sin(2 * np.pi * fraction), atol=1e-6)
    np.testing.assert_allclose(season_cos, np.cos(2 * np.pi * fraction), atol=1e-6)


def _glofas_dis24(path, year: int) -> np.ndarray:
    """GloFAS v4's dis24 of one year (2019 + ``year``), stamped 00 UTC without bounds, long_name "Mean
    discharge in the last 24 hours"; its values."""
    stamps = (np.arange(365) + 365 * year) * 86400
    values = np.random.default_rng(year).random((365, 1, 2)).astype(np.float32) + 5.0
    xr.Dataset({"dis24": (("valid_time", "latitude", "longitude"), values,
                          {"units": "m**3 s**-1", "long_name": "Mean discharge in the last 24 hours",
                           "GRIB_stepType": "avg", "GRIB_shortName": "dis24"})},
               coords={"valid_time": ("valid_time", stamps, {"units": "seconds since 2019-01-01",
                                                             "calendar": "proleptic_gregorian",
                                                             "standard_name": "time"}),
                       "latitude": ("latitude", [50.0], {"units": "degrees_north"}),
                       "longitude": ("longitude", [4.0, 5.0], {"units": "degrees_east"})}).to_netcdf(path)
    return values


@pytest.mark.parametrize("n_files", [pytest.param(1, id="one-file"), pytest.param(2, id="a-folder")])
def test_a_mean_over_the_last_24_hours_is_said_to_end_at_its_stamp_and_the_bounds_line_dates_it(
        tmp_path, caplog, n_files):
    """GloFAS v4's dis24 stamped 00 UTC without bounds, long_name "Mean discharge in the last 24 hours" (break39b B9):
    the warning called each value the mean of the day beginning at its stamp; it is the day ending there. The
    warning says so and gives the line that writes bounds [stamp - 1 day, stamp]; run with bash as printed (it
    printed `IN OUT` in place of the files until fix40c), in a folder whose name has a space, the copies' values
    are dated by the middles of the days before their stamps (12:00 of the day before), their values unchanged."""
    import os
    import re
    import subprocess

    folder = tmp_path / "glo fas"
    folder.mkdir()
    values = [_glofas_dis24(folder / f"glofas_dis24_{year}.nc", year) for year in range(n_files)]
    forget_notes()
    with caplog.at_level(logging.INFO):
        build_pointwise_samples(open_dataset(sorted(folder.glob("*.nc"))), target="dis24", predictors=[],
                                features=["season"])
    (warned,) = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING
                 and "stamped at the end of each day" in record.getMessage()]
    assert ("its values are the mean of the day ending at its stamp, as its long_name 'Mean discharge in the last "
            "24 hours' says (the value stamped 2019-01-01 is that of the day before it)") in warned
    assert "the day beginning there (as ERA5" not in warned
    # one short line on every run (fix47m: ~1 100 characters with its Python line); the line at INFO, for train.log
    assert warned.endswith("date each value by its own day (the line that writes them: climann info on the files, "
                           "train.log)") and len(warned) < 500, warned
    assert "python" not in warned
    (told,) = [record.getMessage() for record in caplog.records if record.levelno == logging.INFO
               and "stamped at the end of each day:" in record.getMessage()]
    assert told.startswith("'valid_time' stamped at the end of each day: time bounds [time - 1 day, time]"), told
    path = shell_path()  # the printed `python`
    if n_files > 1:
        line = re.search(r"own day: (.*?)(?: \(a copy of each.*)?$", told).group(1)
        subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path,
                       env={**os.environ, "PATH": path})
    else:  # its copy in a new folder too (fix53j: glofas_dis24_0_fixed.nc beside it, taken with it by a glob)
        followed = run_one_copy(told, tmp_path, env={**os.environ, "PATH": path})
        assert followed["copy"] == str(folder / "time_bounded" / "glofas_dis24_0.nc")
        assert sorted(path.name for path in folder.glob("*.nc")) == ["glofas_dis24_0.nc"]  # nothing beside
    copies = sorted((folder / "time_bounded").glob("*.nc"))
    assert len(copies) == n_files
    fixed = open_dataset(copies)
    expected = [cftime.DatetimeProlepticGregorian(2018, 12, 31, 12) + datetime.timedelta(days=day)
                for day in range(365 * n_files)]
    time = fixed[[name for name in fixed.coords if fixed[name].dims == fixed["dis24"].dims[:1]][0]]
    assert [cftime.DatetimeProlepticGregorian(t.year, t.month, t.day, t.hour) for t in time.values] == expected
    np.testing.assert_array_equal(fixed["dis24"].values, np.concatenate(values))



def test_a_run_says_the_ending_window_in_one_line_and_writes_its_bounds_line_to_train_log(tmp_path, caplog,
                                                                                           monkeypatch):
    """fix47m: a run on GloFAS's dis24 (no bounds) warned on the terminal in ~1 100 characters, its Python line
    included, on every run. The run's warning is one short line that points to climann info and train.log; the
    line is in train.log, and run with bash as printed from there, the copy has the bounds of the day before
    each stamp (cftime by hand), written into a new folder, and a run on the --data the line names warns no more."""

    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)  # its warning and train.log are read, its figures (2.3 of 2.8 CPU-s) never
    monkeypatch.chdir(tmp_path)
    values = np.concatenate([_glofas_dis24(tmp_path / f"year{year}.nc", year) for year in range(3)])
    years = [xr.open_dataset(tmp_path / f"year{year}.nc", decode_times=False) for year in range(3)]
    xr.concat(years, "valid_time").to_netcdf(tmp_path / "dis24.nc")  # three years in one file, for the split
    for year in years:
        year.close()
    forget_notes()
    with caplog.at_level(logging.INFO):
        result = CliRunner().invoke(app, ["train", "--data", "dis24.nc", "--target", "dis24", "--epochs", "1",
                                          "--hidden", "4", "--out", "run"],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (warned,) = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING
                 and "stamped at the end of each day" in record.getMessage()]
    assert warned.endswith("(the line that writes them: climann info on the files, train.log)"), warned
    assert len(warned) < 500 and "python" not in warned, warned
    logged = (tmp_path / "run" / "train.log").read_text()
    (told,) = [text for text in logged.splitlines() if "'valid_time' stamped at the end of each day: " in text]
    followed = run_one_copy(told, tmp_path, env={"PATH": shell_path()})
    assert (followed["copy"], followed["original"]) == ("time_bounded/dis24.nc", "dis24.nc")
    copy = xr.open_dataset(tmp_path / followed["copy"], use_cftime=True)
    stamps = [cftime.DatetimeProlepticGregorian(2019, 1, 1) + datetime.timedelta(days=day) for day in range(1095)]
    np.testing.assert_array_equal(copy["valid_time_bnds"].values,
                                  [[stamp - datetime.timedelta(days=1), stamp] for stamp in stamps])
    np.testing.assert_array_equal(copy["dis24"].values, values)
    copy.close()
    # the run on the --data the line names: its bounds read, no warning of a stamp at the end of each day (fix53j)
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        again = CliRunner().invoke(app, ["train", "--data", followed["copy"], "--target", "dis24", "--epochs", "1",
                                         "--hidden", "4", "--out", "run2"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert not [record for record in caplog.records if "stamped at the end of each day" in record.getMessage()]


def test_the_bounds_loop_copies_the_dated_files_and_keeps_only_the_other_files_given(tmp_path, caplog):
    """break46b A4: beside GloFAS dis24 files, the loop ran also over the static uparea file given with them (the
    line fails on a file without valid_time, and its copy was missing), and the other files "given as before"
    were every file of the folder, IMERG Early and Final never given among them. The check of a run's files
    (check_trains, as info and train make it) loops over the dis24 files only, names uparea alone as given
    before, and the loop, run as printed, dates each copy by the day before its stamp."""
    import re
    import subprocess

    from climann.data.notes import notes_in_full
    from climann.workflow.preparation import check_trains
    from climann.workflow.terminal import with_positional_paths

    folder = tmp_path / "glofas"
    folder.mkdir()
    values = [_glofas_dis24(folder / f"glofas_dis24_{year}.nc", year) for year in range(2)]
    xr.Dataset({"uparea": (("latitude", "longitude"), [[1e9, 2e9]], {"units": "m2"})},
               coords={"latitude": ("latitude", [50.0], {"units": "degrees_north"}),
                       "longitude": ("longitude", [4.0, 5.0], {"units": "degrees_east"})}).to_netcdf(folder / "uparea.nc")
    xr.Dataset({"precipitation": (("time",), [1.0])}, coords={"time": [0]}).to_netcdf(folder / "imerg_not_given.nc")
    forget_notes()
    settings = {"data": {"paths": [str(folder / "glofas_dis24_*.nc"), str(folder / "uparea.nc")], "target": "dis24",
                         "predictors": ["uparea"], "features": ["season"]}, "training": {"epochs": 1}}
    with caplog.at_level(logging.WARNING), notes_in_full():  # as climann info checks them: the line in full
        check_trains(settings)
    (warned,) = [record.getMessage() for record in caplog.records if "stamped at the end of each day" in
                 record.getMessage()]
    loop = re.search(r"(mkdir -p .*?; done \))", warned).group(1)
    # the dis24 files' shared glob, which matches neither uparea nor the IMERG file never given (fix46o: the run's
    # variables' files alone, as one glob, where every file given was listed)
    assert f"for f in {folder}/glofas_dis24_*.nc; do" in loop, loop
    assert sorted(folder.glob("glofas_dis24_*.nc")) == [folder / "glofas_dis24_0.nc", folder / "glofas_dis24_1.nc"]
    assert warned.endswith(f"then give --data '{folder}/time_bounded/*.nc' in place of the originals, with the other "
                           f"files of {folder} given as before (--data {folder}/uparea.nc)"), warned
    assert with_positional_paths(warned).endswith(
        f"then give '{folder}/time_bounded/*.nc' in place of the originals, with the other files of {folder} given "
        f"as before ({folder}/uparea.nc)")
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={"PATH": shell_path()})
    fixed = open_dataset([*sorted((folder / "time_bounded").glob("*.nc")), folder / "uparea.nc"])
    time = fixed[[name for name in fixed.coords if fixed[name].dims == fixed["dis24"].dims[:1]][0]]
    expected = [cftime.DatetimeProlepticGregorian(2018, 12, 31, 12) + datetime.timedelta(days=day)
                for day in range(730)]
    assert [cftime.DatetimeProlepticGregorian(t.year, t.month, t.day, t.hour) for t in time.values] == expected
    np.testing.assert_array_equal(fixed["dis24"].values, np.concatenate(values))
    np.testing.assert_array_equal(fixed["uparea"].values, [[1e9, 2e9]])


def test_the_day_ending_bounds_line_leaves_out_a_file_whose_time_has_bounds(tmp_path):
    """fix46o: GloFAS's dis24 (time valid_time, no bounds) beside IMERG's days (time with time_bnds): the season
    warning's line was to give imerg_daily.nc the day before its stamp as bounds, one day off its own. A file whose
    time has bounds needs none and is left out of the line."""
    from climann.data.time_cells import _ending_bounds_advice

    days = np.arange(3.0)
    xr.Dataset({"pr": (("time",), days)}, coords={"time": ("time", days, {"units": "days since 2000-01-01"})}
               ).to_netcdf(tmp_path / "plain.nc")
    bounded = xr.Dataset({"pr": (("time",), days), "time_bnds": (("time", "nv"), np.stack([days, days + 1], 1))},
                         coords={"time": ("time", days, {"units": "days since 2000-01-01", "bounds": "time_bnds"})})
    bounded.to_netcdf(tmp_path / "bounded.nc")
    line = _ending_bounds_advice("time", "time", [str(tmp_path / "plain.nc"), str(tmp_path / "bounded.nc")])
    printed = ONE_COPY.search(line)  # plain.nc's copy in a new folder (fix53j), bounded.nc given as it is
    assert "plain.nc" in printed["command"] and "bounded.nc" not in printed["command"], line
    assert (printed["copy"], printed["original"]) == (str(tmp_path / "time_bounded" / "plain.nc"),
                                                      str(tmp_path / "plain.nc"))
    assert line.endswith(f"with the other files of {tmp_path} given as before (--data {tmp_path / 'bounded.nc'})")


_SEASON_OF_MONTH = np.array(["DJF", "DJF", "MAM", "MAM", "MAM", "JJA", "JJA", "JJA", "SON", "SON", "SON", "DJF"])


def _stamped(freq: str):
    """A time coordinate ``valid_time`` without bounds, stamped from 2019-11-01 to 2020-04-01 every ``freq``
    (pandas), decoded to cftime as climann opens a file; and the stamps (pandas)."""
    import pandas as pd

    stamps = pd.date_range("2019-11-01", "2020-04-01", freq=freq)
    hours = np.asarray((stamps - stamps[0]) / pd.Timedelta("1h"))
    encoded = xr.Dataset(coords={"valid_time": ("valid_time", hours, {"units": "hours since 2019-11-01",
                                                                      "calendar": "proleptic_gregorian"})})
    return xr.decode_cf(encoded, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))["valid_time"], stamps


@pytest.mark.parametrize(("name", "attrs", "freq", "window"), [
    # fix47d: GloFAS's dis24 stamped 1 March 00 UTC is 29 February's mean; its season was MAM, a day late
    pytest.param("dis24", {"long_name": "Mean discharge in the last 24 hours"}, "D", "24h", id="glofas-dis24-daily"),
    # WRF's PREC_ACC_NC of daily output with prec_acc_dt = 1440: the total of the day ending at its stamp (fix39d)
    pytest.param("PREC_ACC_NC", {"description": "ACCUMULATED GRID SCALE PRECIPITATION OVER prec_acc_dt PERIODS OF TIME"},
                 "D", "24h", id="wrf-prec-acc-daily"),
    pytest.param("tp6", {"long_name": "Total precipitation in the last 6 hours"}, "6h", "6h", id="last-6-hours"),
    # monthly means of dis24 (cdo monmean keeps the long_name): months, not the 24 hours before their stamps
    pytest.param("dis24", {"long_name": "Mean discharge in the last 24 hours"}, "MS", None, id="monthly-dis24"),
])
def test_values_over_the_window_ending_at_their_stamps_are_dated_by_that_window(caplog, name, attrs, freq, window):
    """The scores per season, the season and year features and the ``--seasons`` selection date a value said to be
    over the window ending at its stamp (a long_name's "in the last 24 hours", "last 6 hours"; WRF's prec_acc_dt
    windows) by that window's middle, ``stamp - window / 2`` (pandas, by hand): the value stamped 2020-03-01 00:00 is
    in DJF. A monthly axis is not read so: each month stamped on its 1st is dated by its own middle (pandas: the 1st
    plus half the month), not shifted by a day nor by a month."""
    import pandas as pd

    from climann.data.subset import _selection_months
    from climann.data.window_totals import window_end_reason

    time, stamps = _stamped(freq)
    if window is None:
        expected = stamps + (stamps + pd.offsets.MonthBegin(1) - stamps) / 2
    else:
        expected = stamps - pd.Timedelta(window) / 2
    reason = window_end_reason(name, attrs)
    forget_notes()
    with caplog.at_level(logging.WARNING):
        scored = season_score_times(time, window_ends=reason, value_word="total" if name != "dis24" else "mean")
        featured = season_feature_times(time, dated_by="cell_middle", window_ends=reason)
    shown = expected.strftime("%Y-%m-%d %H:%M").tolist()
    assert [date.strftime("%Y-%m-%d %H:%M") for date in scored] == shown
    assert [date.strftime("%Y-%m-%d %H:%M") for date in featured] == shown
    dataset = xr.Dataset({name: (("valid_time",), np.zeros(len(stamps)), attrs)}, coords={"valid_time": time})
    np.testing.assert_array_equal(_selection_months(dataset, "valid_time", "cell_middle"), expected.month)
    march_first = np.flatnonzero(stamps == pd.Timestamp("2020-03-01"))[0]
    seasons = _SEASON_OF_MONTH[np.array([date.month for date in scored]) - 1]
    assert seasons[march_first] == ("MAM" if window is None else "DJF")
    warned = [record.getMessage() for record in caplog.records if "no bounds" in record.getMessage()]
    assert len(warned) == 1, warned
    if window is None:
        assert "read as the mean of the month beginning there" in warned[0] and "ending at its stamp" not in warned[0]
    else:
        span = "day" if window == "24h" else "6 hours"
        assert f"stamped at the end of each {span} (2019-11-01, …)" in warned[0], warned
        assert f"are those of the middle of the {span} before its stamp ({shown[0]})" in warned[0], warned


def test_the_ending_bounds_line_names_the_files_own_time_beside_another_files_time(tmp_path, caplog):
    """fix47d: GloFAS's dis24 (its time ``valid_time``, no bounds) beside a predictor whose time is ``time`` with
    bounds: the two are merged on ``time``, and the season warning's line read ``IN.nc OUT.nc`` with
    ``d['time']``, which neither names dis24's file nor runs on it (and the warning began ``'time' has no bounds``
    until fix47j). The warning and its line name dis24.nc's ``valid_time``;
    run with bash as printed, the copy holds bounds [stamp - 1 day, stamp] (cftime by hand), and read beside the
    predictor it warns no more and gives the same season features."""

    _glofas_dis24(tmp_path / "dis24.nc", 0)
    days = np.arange(365.0) + 0.5
    xr.Dataset({"pr": (("time", "latitude", "longitude"), np.ones((365, 1, 2)), {"units": "mm day-1"}),
                "time_bnds": (("time", "nv"), np.stack([days - 0.5, days + 0.5], 1))},
               coords={"time": ("time", days, {"units": "days since 2019-01-01", "bounds": "time_bnds"}),
                       "latitude": ("latitude", [50.0], {"units": "degrees_north"}),
                       "longitude": ("longitude", [4.0, 5.0], {"units": "degrees_east"})}).to_netcdf(tmp_path / "pr.nc")
    forget_notes()
    with caplog.at_level(logging.INFO):
        before = build_pointwise_samples(open_dataset([tmp_path / "dis24.nc", tmp_path / "pr.nc"]), target="dis24",
                                         predictors=["pr"], features=["season"])
    (warned,) = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING
                 and "stamped at the end of each day" in record.getMessage()]
    # fix47j: the warning began "'time' has no bounds", a name dis24.nc does not have
    assert warned.startswith("'valid_time' has no bounds and is stamped at the end of each day (2019-01-02, …)")
    (told,) = [record.getMessage() for record in caplog.records if record.levelno == logging.INFO
               and "stamped at the end of each day:" in record.getMessage()]
    assert told.startswith("'valid_time' stamped at the end of each day:"), told
    line = ONE_COPY.search(told)["command"]
    assert "IN.nc" not in line and "d['valid_time']" in line and "'time'" not in line, line
    followed = run_one_copy(told, tmp_path, env={"PATH": shell_path()})
    assert followed["copy"] == str(tmp_path / "time_bounded" / "dis24.nc")
    copy = xr.open_dataset(followed["copy"], use_cftime=True)
    stamps = [cftime.DatetimeProlepticGregorian(2019, 1, 1) + datetime.timedelta(days=day) for day in range(365)]
    np.testing.assert_array_equal(copy["valid_time_bnds"].values,
                                  [[stamp - datetime.timedelta(days=1), stamp] for stamp in stamps])
    copy.close()
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        after = build_pointwise_samples(open_dataset([followed["copy"], tmp_path / "pr.nc"]),
                                        target="dis24", predictors=["pr"], features=["season"])
    assert not [record for record in caplog.records if "no bounds" in record.getMessage()]
    np.testing.assert_allclose(after.inputs, before.inputs, atol=1e-12)


@pytest.mark.parametrize(("attrs", "word"), [
    # fix47d: ERA5's daily tp in m without cell_methods was "the mean of the day beginning there"
    pytest.param({"units": "m", "long_name": "Total precipitation"}, "total", id="ecmwf-tp-in-m"),
    pytest.param({"units": "mm", "long_name": "daily precipitation"}, "total", id="precipitation-in-mm"),
    pytest.param({"units": "kg m-2", "standard_name": "precipitation_amount"}, "total", id="cf-amount-kg-m-2"),
    pytest.param({"units": "J m-2", "GRIB_shortName": "ssrd"}, "total", id="ecmwf-ssrd-in-j-m-2"),
    pytest.param({"units": "m", "GRIB_shortName": "e", "long_name": "Evaporation"}, "total", id="ecmwf-e"),
    pytest.param({"units": "kg m-2 s-1", "long_name": "precipitation"}, "mean rate", id="precipitation-rate"),
    pytest.param({"units": "mm day-1", "long_name": "Total precipitation"}, "mean rate", id="tp-as-a-rate"),
    pytest.param({"units": "m s-1", "long_name": "Wind speed"}, "mean", id="wind-speed-no-amount"),
    pytest.param({"units": "m", "long_name": "Snow depth"}, "mean", id="snow-depth-state"),
    pytest.param({"units": "kg m-2", "long_name": "Total Soil Moisture Content"}, "mean", id="soil-moisture-state"),
    pytest.param({"units": "m", "long_name": "precipitation", "cell_methods": "time: maximum"}, "value",
                 id="cell-methods-decide"),
])
def test_the_start_of_day_warning_calls_an_accumulation_a_total_and_a_rate_or_state_a_mean(tmp_path, caplog, attrs,
                                                                                         word):
    """Daily values stamped 00:00 without bounds and without cell_methods over time: an amount accumulated over the
    day (units of an amount, m, mm, kg m-2, J m-2, with an accumulated ECMWF parameter or words of an amount) is
    "the total of the day beginning there", a rate of such an amount "the mean rate" (break56b A5), another rate
    (a wind speed) or a state (snow depth, soil moisture) "the mean"; cell_methods over time decide when given."""
    forget_notes()
    with caplog.at_level(logging.WARNING):
        _season_columns(_daily_at_midnight(tmp_path / "daily.nc", attrs))
    (warned,) = [record.getMessage() for record in caplog.records
                 if "stamped at the start of each day" in record.getMessage()]
    said = "that" if word == "value" else f"the {word}"
    assert f"each value is read as {said} of the day beginning there" in warned, warned


def test_the_period_dates_are_the_season_dates_on_an_axis_with_seasons_and_the_stamps_on_one_of_years():
    """fix47j: the split by years, the printed periods and --time-range count each step by the date of its season
    (period_dates), unless its steps are a year or more apart: a decadal mean stamped 1 January 1900, whose middle
    is 1905, stays in 1900. Each expected date is the stamp minus half a day, or the stamp, by hand."""
    from climann.data.time_cells import period_dates

    days = np.array([cftime.DatetimeProlepticGregorian(2018, 12, 31) + datetime.timedelta(days=k) for k in range(4)])
    middles = np.array([day - datetime.timedelta(hours=12) for day in days])
    assert [date.year for date in period_dates(days, middles)] == [2018, 2018, 2019, 2019]
    decades = np.array([cftime.DatetimeProlepticGregorian(year, 1, 1) for year in (1900, 1910, 1920)])
    centres = np.array([cftime.DatetimeProlepticGregorian(year, 1, 1) for year in (1905, 1915, 1925)])
    np.testing.assert_array_equal(period_dates(decades, centres), decades)
    np.testing.assert_array_equal(period_dates(days[:1], middles[:1]), days[:1])


def test_a_cf_climatology_stamped_on_the_1st_is_dated_by_its_months_without_the_no_bounds_warning(caplog):
    """break55b A6: predicting on PSL's CF climatology (time:climatology = 'climatology_bounds', 12 months stamped on
    the 1st of year 1) warned "'time' has no bounds … needs time_bnds", though its climatology bounds give each
    step's period. The steps are dated at their months' middles (hand-computed), and nothing of bounds is said."""
    from climann.data.time_cells import season_feature_times, season_score_times

    stamps = np.array([cftime.DatetimeGregorian(1, month, 1) for month in range(1, 13)], dtype=object)
    time = xr.DataArray(stamps, dims="time", name="time", attrs={"climatology": "climatology_bounds"})
    ends = [cftime.DatetimeGregorian(1 + month // 12, month % 12 + 1, 1) for month in range(1, 13)]
    middles = [start + (end - start) / 2 for start, end in zip(stamps, ends)]
    forget_notes()
    with caplog.at_level(logging.WARNING):
        dated = season_feature_times(time, dated_by="cell_middle")
        scored = season_score_times(time)
    assert list(dated) == middles and list(scored) == middles
    assert not [record for record in caplog.records if "no bounds" in record.getMessage()]
