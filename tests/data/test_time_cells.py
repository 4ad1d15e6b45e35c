import logging

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.open import concat_blocks, open_dataset
from climann.data.pointwise import build_pointwise_samples
from climann.data.subset import select_time
from climann.data.time_cells import FILE_TIME_COORDINATE, cell_middles

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
        in messages[0]


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
    # each block dated as on its own: by its cells' middles, or by its stamps (here also the middles)
    expected = decoded(np.concatenate([(hist[0] + hist[1]) / 2] * 2 + [(ssp[0] + ssp[1]) / 2]))
    assert list(combined["time"].values) == list(expected)
    np.testing.assert_array_equal(combined["tas"].values[48:, 0, 0], 100.0 * np.repeat([2050, 2051], 12)
                                  + np.tile(np.arange(1, 13), 2))
    warned = [record.getMessage() for record in caplog.records if "no time bounds" in record.getMessage()]
    assert warned == ["ssp.nc (test) has no time bounds while hist.nc (train) has ('time_bnds'): each is dated as "
                      "on its own (by its cells' middles where the bounds give them, by its time stamps elsewhere) "
                      "and the time bounds are dropped for all, as the cells of stamps without bounds are not known"]


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
