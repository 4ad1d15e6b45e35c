"""Predictors that hold the target, found by the values on the training block
(climann/data/target_copies.py, break32a A1): DUACS's adt = sla + mdt, packed as CMEMS packs it,
checked against standard deviations and correlations computed with NumPy from the decoded file."""

from __future__ import annotations

import logging
import threading
import weakref

import dask
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.defaults import default_inputs
from climann.data.notes import forget_notes
from climann.data import target_copies as target_copies_module
from climann.data.open import open_dataset
from climann.data.target_copies import (CORRELATION_THRESHOLD, OFFSET_TOLERANCE, SEASONAL_TOLERANCE, calendar_groups,
                                        check_named_target_copies, copy_text, target_copies, units_conversion)
from climann.errors import ClimannError

N_YEARS, N_LAT, N_LON = 10, 6, 8
#: The first 7 years train (the default split's 0.7 of 10 years).
TRAIN = np.arange(12 * N_YEARS) < 12 * 7


def _duacs(path, *, adt_after_training=None, extra=None) -> xr.Dataset:
    """A DUACS-like file: sla, adt = sla + mdt (mdt from −0.8 to 0.8 m), ugos (unrelated), all int32
    packed with scale 1e-4 and a fill value as CMEMS writes them; ``adt_after_training``: another adt
    on the steps after the training block; ``extra``: more variables (name → values in m)."""
    rng = np.random.default_rng(3)
    n_time = 12 * N_YEARS
    sla = 0.05 * rng.standard_normal((n_time, N_LAT, N_LON))
    mdt = rng.uniform(-0.8, 0.8, (N_LAT, N_LON))
    adt = sla + mdt
    if adt_after_training is not None:
        adt[~TRAIN] = adt_after_training[~TRAIN]
    fields = {"sla": sla, "adt": adt, "ugos": 0.1 * rng.standard_normal(sla.shape), **(extra or {})}
    with netCDF4.Dataset(path, "w") as out:
        out.createDimension("time", n_time)
        out.createDimension("latitude", N_LAT)
        out.createDimension("longitude", N_LON)
        time = out.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.standard_name = "days since 1993-01-01", "standard", "time"
        time[:] = 30.4 * np.arange(n_time) + 15
        lat = out.createVariable("latitude", "f4", ("latitude",))
        lat.units, lat.standard_name = "degrees_north", "latitude"
        lat[:] = np.linspace(30.125, 31.375, N_LAT)
        lon = out.createVariable("longitude", "f4", ("longitude",))
        lon.units, lon.standard_name = "degrees_east", "longitude"
        lon[:] = np.linspace(-70.125, -68.375, N_LON)
        for name, values in fields.items():
            variable = out.createVariable(name, "i4", ("time", "latitude", "longitude"), fill_value=-2147483647)
            variable.scale_factor, variable.add_offset, variable.units = 1e-4, 0.0, "m"
            variable[:] = values
    return open_dataset([path])


def _decoded(path, name) -> np.ndarray:
    with netCDF4.Dataset(path) as raw:
        return np.asarray(raw[name][:], dtype=np.float64)


def test_adt_is_found_as_sla_plus_a_field_constant_in_time(tmp_path):
    """adt − sla varies in time by the packing's rounding only: its largest standard deviation over
    the training steps is that of NumPy on the decoded values; the lowest |correlation| too."""
    dataset = _duacs(tmp_path / "duacs.nc")
    found = target_copies(dataset, "sla", ["adt", "ugos"], time_dim="time", training_steps=TRAIN)
    assert list(found) == ["adt"]
    copy = found["adt"]
    sla, adt = _decoded(tmp_path / "duacs.nc", "sla")[TRAIN], _decoded(tmp_path / "duacs.nc", "adt")[TRAIN]
    assert copy.plus_constant and copy.linear and copy.cells == N_LAT * N_LON
    assert copy.offset_spread == pytest.approx(np.std(adt - sla, axis=0).max(), rel=1e-6)
    assert copy.offset_spread > OFFSET_TOLERANCE * np.std(sla, axis=0).min()  # allowed for the packing's rounding
    by_cell = [abs(np.corrcoef(adt[:, i, j], sla[:, i, j])[0, 1]) for i in range(N_LAT) for j in range(N_LON)]
    assert copy.lowest_correlation == pytest.approx(min(by_cell), abs=1e-9)


def test_only_the_training_block_is_looked_at(tmp_path):
    """An adt unrelated to sla after the training block is still found (the check looks at the training
    steps only); checked on the steps after it instead, it is not."""
    other = np.random.default_rng(9).uniform(-1, 1, (12 * N_YEARS, N_LAT, N_LON))
    dataset = _duacs(tmp_path / "duacs.nc", adt_after_training=other)
    assert "adt" in target_copies(dataset, "sla", ["adt"], time_dim="time", training_steps=TRAIN)
    assert not target_copies(dataset, "sla", ["adt"], time_dim="time", training_steps=~TRAIN)


def test_an_exact_linear_function_of_the_target_is_linear_but_no_offset(tmp_path):
    """−2 × sla + a field (another sign and scale) correlates exactly but its difference from sla varies."""
    rng = np.random.default_rng(3)
    sla = 0.05 * rng.standard_normal((12 * N_YEARS, N_LAT, N_LON))  # _duacs's sla: the same seed and draw
    dataset = _duacs(tmp_path / "duacs.nc", extra={"flipped": -2 * sla + 0.3})
    copy = target_copies(dataset, "sla", ["flipped"], time_dim="time", training_steps=TRAIN)["flipped"]
    assert copy.linear and not copy.plus_constant and copy.offset_share == 0.0
    assert copy.lowest_correlation >= CORRELATION_THRESHOLD


def test_the_default_predictors_leave_adt_out_and_say_why(tmp_path, caplog):
    dataset = _duacs(tmp_path / "duacs.nc")
    chosen = default_inputs(dataset, "sla")
    assert chosen.predictors == ("ugos",)
    note = next(line for line in chosen.notes("sla") if "adt" in line)
    assert note.startswith("left out of the default predictors: adt, which holds 'sla': adt − sla is constant in time "
                           f"at 100% of the {N_LAT * N_LON} cells")
    assert 'keep_target_copies = ["adt"]' in note


def test_a_named_copy_is_refused_with_both_ways_out_and_kept_when_asked(tmp_path, caplog):
    dataset = _duacs(tmp_path / "duacs.nc")
    found = target_copies(dataset, "sla", ["ugos", "adt"], time_dim="time", training_steps=TRAIN)
    with pytest.raises(ClimannError, match=r"^predictor 'adt' holds the target 'sla': adt − sla is constant in time .*"
                                           r"leave adt out \(--predictors ugos\), or, to train on it anyway .*set "
                                           r"\[data\] keep_target_copies = \[\"adt\"\]$"):
        check_named_target_copies(found, ["ugos", "adt"], "sla")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        check_named_target_copies(found, ["ugos", "adt"], "sla", kept=["adt"])
    assert "predictor 'adt' holds the target 'sla'" in caplog.text


@pytest.mark.parametrize(("spread", "copy"), [
    pytest.param(0.3, False, id="indicator-beside-a-0.3-K-temperature"),
    pytest.param(30.0, True, id="rounded-copy-of-a-30-K-spread"),
])
def test_an_integer_predictor_is_a_copy_only_where_its_step_is_small_beside_the_target(tmp_path, spread, copy):
    """fix39j (following break39b B1's advice): a 0/1 land-cover indicator (int, step 1; constant in time but at a
    few cells) beside an annual lst varying by 0.3 K was refused as "lst plus a field constant in time": σ(p − y) is
    within the step 1 allowed for rounding whatever p is. Where the step is small beside the target's spread, a
    rounded copy (round(y) + a constant field) is still found."""
    rng = np.random.default_rng(3)
    shape = (24, N_LAT, N_LON)
    target = 285.0 + spread * rng.standard_normal(shape)
    indicator = np.broadcast_to(rng.integers(0, 2, shape[1:]), shape).copy()
    indicator[5:, 0, 0] = 1 - indicator[5:, 0, 0]
    predictor = np.round(target).astype("i4") + indicator if copy else indicator.astype("i4")
    xr.Dataset({"lst": (("time", "latitude", "longitude"), target, {"units": "K"}),
                # the copy in the target's units: p − y is read in one unit only (break50c A1)
                "p": (("time", "latitude", "longitude"), predictor, {"units": "K" if copy else "1"})},
               coords={"time": ("time", np.arange(24.0), {"units": "days since 2000-01-01"}),
                       "latitude": ("latitude", np.linspace(30.125, 31.375, N_LAT), {"units": "degrees_north"}),
                       "longitude": ("longitude", np.linspace(-70.125, -68.375, N_LON), {"units": "degrees_east"})},
               ).to_netcdf(tmp_path / "lc.nc")
    found = target_copies(open_dataset([tmp_path / "lc.nc"]), "lst", ["p"], time_dim="time",
                          training_steps=np.arange(24))
    assert ("p" in found and found["p"].plus_constant) == copy


def _phases() -> np.ndarray:
    """The fraction of the year of _duacs's steps, 1993-01-01 + 30.4 k + 15 days, by hand."""
    dates = np.datetime64("1993-01-01") + np.round((30.4 * np.arange(12 * N_YEARS) + 15) * 86400).astype(
        "timedelta64[s]")
    years = dates.astype("datetime64[Y]")
    length = ((years + 1).astype("datetime64[D]") - years.astype("datetime64[D]")).astype(float)
    return (dates - years.astype("datetime64[s]")).astype(float) / 86400 / length


def _seasonal_cycle() -> np.ndarray:
    """A seasonal cycle per cell (annual 3 cm, semi-annual 1 cm, phases by cell) at _duacs's steps."""
    phase = _phases()
    shift = np.random.default_rng(5).uniform(0, 2 * np.pi, (2, N_LAT, N_LON))
    angle = 2 * np.pi * phase[:, None, None]
    return 0.03 * np.cos(angle + shift[0]) + 0.01 * np.sin(2 * angle + shift[1]) + 0.002


@pytest.mark.parametrize("loaded", [False, True], ids=["dask-blocks", "in-memory"])
def test_the_target_less_its_seasonal_cycle_is_found_and_left_out(tmp_path, loaded):
    """break42b A3: GSFC's gmsl_nos (gmsl with its annual and semi-annual signal removed) beside the season
    feature gave test RMSE 0.0107 mm against 18.75 mm for climatology. sla less a seasonal cycle is found (the
    residual of the difference regressed on the harmonics, by numpy's lstsq, is the spread said); the same
    with noise of 5 % of sla's spread, an anomaly that is not sla, is kept."""
    rng = np.random.default_rng(3)
    sla = 0.05 * rng.standard_normal((12 * N_YEARS, N_LAT, N_LON))  # _duacs's sla: the same seed and draw
    noise = 0.0025 * np.random.default_rng(11).standard_normal(sla.shape)
    dataset = _duacs(tmp_path / "duacs.nc", extra={"sla_nos": sla - _seasonal_cycle(),
                                                   "sla_other": sla - _seasonal_cycle() + noise})
    dataset = dataset.load() if loaded else dataset
    found = target_copies(dataset, "sla", ["ugos", "sla_nos", "sla_other"], time_dim="time", training_steps=TRAIN)
    assert list(found) == ["sla_nos"]
    copy = found["sla_nos"]
    assert copy.less_seasonal and copy.held and not copy.plus_constant and copy.seasonal_share == 1.0
    difference = (_decoded(tmp_path / "duacs.nc", "sla_nos") - _decoded(tmp_path / "duacs.nc", "sla"))[TRAIN]
    phase = _phases()[TRAIN]
    basis = np.column_stack([np.ones_like(phase), np.cos(2 * np.pi * phase), np.sin(2 * np.pi * phase),
                             np.cos(4 * np.pi * phase), np.sin(4 * np.pi * phase)])
    flat = difference.reshape(difference.shape[0], -1)
    residual = flat - basis @ np.linalg.lstsq(basis, flat, rcond=None)[0]
    assert copy.seasonal_spread == pytest.approx(residual.std(axis=0).max(), rel=1e-3)
    chosen = default_inputs(dataset, "sla")
    assert chosen.predictors == ("ugos", "sla_other")
    note = next(line for line in chosen.notes("sla") if "sla_nos" in line)
    assert note.startswith("left out of the default predictors: sla_nos, which holds 'sla': sla − sla_nos is a "
                           "seasonal cycle (a constant and the annual and semi-annual harmonics) at 100% of the")
    with pytest.raises(ClimannError, match=r"^predictor 'sla_nos' holds the target 'sla': .*seasonal cycle removed"):
        check_named_target_copies(found, ["ugos", "sla_nos"], "sla")
    # a missing value: that cell's sums over the steps where both are present (its own Gram matrix)
    dataset["sla_nos"] = dataset["sla_nos"].where(dataset["sla_nos"].copy(data=np.arange(dataset["sla_nos"].size)
                                                                          .reshape(dataset["sla_nos"].shape) != 9))
    missing = target_copies(dataset, "sla", ["sla_nos"], time_dim="time", training_steps=TRAIN)["sla_nos"]
    kept = np.ones(flat.shape[0], bool)
    kept[0] = False  # value 9: the first step of cell 9
    cell = flat[kept, 9] - basis[kept] @ np.linalg.lstsq(basis[kept], flat[kept, 9], rcond=None)[0]
    assert missing.seasonal_share == 1.0 and missing.seasonal_spread >= cell.std() * (1 - 1e-3)


def _months() -> np.ndarray:
    """The calendar month (0 … 11) of each of _duacs's steps."""
    dates = np.datetime64("1993-01-01") + (30.4 * np.arange(12 * N_YEARS) + 15).astype("timedelta64[D]")
    return (dates.astype("datetime64[M]").astype(int) % 12).astype(int)


def _less_group_means(values: np.ndarray, groups: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """``values`` less, in each group, their mean over ``steps`` (numpy's per-group climatology)."""
    means = {group: values[steps & (groups == group)].mean(axis=0) for group in np.unique(groups[steps])}
    return values - np.stack([means.get(group, np.zeros(values.shape[1:])) for group in groups])


@pytest.mark.parametrize("loaded", [False, True], ids=["dask-blocks", "in-memory"])
def test_the_target_less_its_monthly_climatology_is_found_where_the_harmonics_miss_it(tmp_path, loaded):
    """fix43b: sla less its climatology per calendar month (the mean of each month over the training years, as
    ``groupby("time.month")`` gives it) was kept: that climatology's noise leaves the harmonics more than 1 % of sla's
    spread (numpy's lstsq below), and the predictor trained with exit 0 (a monthly tas: test MSE 0.55 K² against the
    climatology's 2.62). Found by the residual of predictor − target less its mean in each calendar month on the
    training steps, said as numpy's; the steps after training are not looked at; an anomaly with noise of 5 % of sla's
    spread (no copy) is kept."""
    rng = np.random.default_rng(3)
    sla = 0.05 * rng.standard_normal((12 * N_YEARS, N_LAT, N_LON))  # _duacs's sla: the same seed and draw
    months = _months()
    anomaly = _less_group_means(sla + _seasonal_cycle(), months, TRAIN) - _seasonal_cycle()
    anomaly[~TRAIN] = 0.05 * np.random.default_rng(8).standard_normal(anomaly[~TRAIN].shape)  # never looked at
    noisy = anomaly + 0.0025 * np.random.default_rng(11).standard_normal(sla.shape)
    dataset = _duacs(tmp_path / "duacs.nc", extra={"sla_anom": anomaly, "sla_other": noisy})
    dataset = dataset.load() if loaded else dataset
    found = target_copies(dataset, "sla", ["ugos", "sla_anom", "sla_other"], time_dim="time", training_steps=TRAIN)
    assert list(found) == ["sla_anom"]
    copy = found["sla_anom"]
    assert copy.less_climatology and copy.held and not copy.less_seasonal and not copy.plus_constant
    assert copy.groups == "calendar month" and copy.climatology_share == 1.0
    difference = (_decoded(tmp_path / "duacs.nc", "sla_anom") - _decoded(tmp_path / "duacs.nc", "sla"))
    residual = _less_group_means(difference, months, TRAIN)[TRAIN]
    assert copy.climatology_spread == pytest.approx(residual.std(axis=0).max(), rel=1e-3)
    phase = _phases()[TRAIN]
    basis = np.column_stack([np.ones_like(phase), np.cos(2 * np.pi * phase), np.sin(2 * np.pi * phase),
                             np.cos(4 * np.pi * phase), np.sin(4 * np.pi * phase)])
    flat = difference[TRAIN].reshape(int(TRAIN.sum()), -1)
    harmonic = flat - basis @ np.linalg.lstsq(basis, flat, rcond=None)[0]
    spread = _decoded(tmp_path / "duacs.nc", "sla")[TRAIN].reshape(int(TRAIN.sum()), -1).std(axis=0)
    assert (harmonic.std(axis=0) > SEASONAL_TOLERANCE * spread).mean() > 0.5  # what the harmonics alone missed
    assert default_inputs(dataset, "sla").predictors == ("ugos", "sla_other")
    with pytest.raises(ClimannError, match=r"^predictor 'sla_anom' holds the target 'sla': sla − sla_anom is the same "
                                           r"in each calendar month .*anomaly from its climatology per calendar month"):
        check_named_target_copies(found, ["ugos", "sla_anom"], "sla")


def _daily(path, *, years=6, seed=4):
    """Daily tas (noleap) on 3×4 cells: a seasonal cycle and noise; the first 4 years train."""
    rng = np.random.default_rng(seed)
    n_time = 365 * years
    day = np.arange(n_time) % 365
    tas = 280 + 8 * np.cos(2 * np.pi * (day - 200) / 365)[:, None, None] + rng.normal(0, 2, (n_time, 3, 4))
    train = np.arange(n_time) < 365 * 4
    return tas, day, train


@pytest.mark.parametrize("loaded", [False, True], ids=["dask-blocks", "in-memory"])
def test_the_target_less_its_day_of_year_climatology_is_found_in_daily_data(tmp_path, loaded):
    """Daily data: the anomaly from each day of the year's mean over the training years (noise of 2 K over 4 years
    leaves the harmonics and the calendar months far from it) is found by the day-of-year groups, said as numpy's."""
    tas, day, train = _daily(tmp_path)
    # 1 mK of rounding, as a file's float32 holds: a residual numpy and the sums both see (an exact 0 is within the
    # float64 rounding of the sums of squares of values near 280 K, 1e-5 K)
    anomaly = _less_group_means(tas, day, train) + 1e-3 * np.random.default_rng(2).standard_normal(tas.shape)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas, {"units": "K"}), "dtas": (("time", "lat", "lon"), anomaly, {"units": "K"}),
         "other": (("time", "lat", "lon"), anomaly + np.random.default_rng(9).normal(0, 0.5, tas.shape))},
        coords={"time": xr.date_range("2001-01-01", periods=tas.shape[0], freq="D", calendar="noleap",
                                      use_cftime=True), "lat": [10.0, 20.0, 30.0], "lon": [0.0, 10.0, 20.0, 30.0]})
    dataset = dataset if loaded else dataset.chunk({"time": 365})
    found = target_copies(dataset, "tas", ["dtas", "other"], time_dim="time", training_steps=train)
    assert list(found) == ["dtas"] and found["dtas"].less_climatology and found["dtas"].groups == "day of the year"
    residual = _less_group_means(anomaly - tas, day, train)[train]
    assert found["dtas"].climatology_spread == pytest.approx(residual.std(axis=0).max(), rel=1e-4)
    months = dataset["time"].dt.month.values - 1
    by_month = _less_group_means(anomaly - tas, months, train)[train]
    assert (by_month.std(axis=0) > SEASONAL_TOLERANCE * tas[train].std(axis=0)).all()  # months alone miss it


def test_daily_steps_are_grouped_by_day_of_the_year_unless_their_sums_would_not_fit():
    times = xr.DataArray(xr.date_range("2001-01-01", periods=800, freq="D", calendar="standard", use_cftime=True),
                         dims="time")
    groups, count, name = calendar_groups(times, cells=100)
    assert (count, name) == (366, "day of the year") and groups[365] == 0 and groups[59] == 59  # 1 March 2001: day 60
    assert calendar_groups(times, cells=10**6)[1:] == (12, "calendar month")  # 2 × 366 × 8 B × 1e6 > 256 MiB
    monthly = xr.DataArray(xr.date_range("2001-01-16", periods=24, freq="MS", calendar="noleap", use_cftime=True),
                           dims="time")
    assert calendar_groups(monthly, cells=1)[1:] == (12, "calendar month")


@pytest.mark.parametrize(("units", "said"), [("1", ""), ("", ""), ("m", " m")])
def test_a_pure_number_s_units_are_not_printed_after_its_spread(tmp_path, units, said):
    """break44b B8: SPEI in units "1" given twice read "its standard deviation over time at most 0 1:"; a pure
    number's spread is said without units, metres' with them (the spread is NumPy's, as above)."""
    dataset = _duacs(tmp_path / "duacs.nc")
    for name in ("sla", "adt"):
        dataset[name].attrs["units"] = units
    copy = target_copies(dataset, "sla", ["adt"], time_dim="time", training_steps=TRAIN)["adt"]
    sla, adt = _decoded(tmp_path / "duacs.nc", "sla")[TRAIN], _decoded(tmp_path / "duacs.nc", "adt")[TRAIN]
    spread = np.std(adt - sla, axis=0).max()
    assert f"(its standard deviation over time at most {spread:.3g}{said}: within" in copy_text(copy)


def _daymet_like(years: int = 3) -> xr.Dataset:
    """Daymet v4's daily variables on 4×5 cells (365 days a year): the astronomical daylength ``dayl`` in s (a
    function of latitude and day of year only, as Daymet computes it), and prcp (mm/day), tmax (degrees C), srad
    (W/m2); ``small`` in s, a variable small beside dayl with its own day-to-day variation; tmax_K, tmax in K;
    tmax_nos, tmax in K less a seasonal cycle."""
    rng = np.random.default_rng(50)
    n_time, lat = 365 * years, np.linspace(30.0, 50.0, 4)
    day = np.arange(n_time) % 365
    seasonal = np.cos(2 * np.pi * (day - 172) / 365)[:, None, None]
    dayl = 43200 + 15000 * seasonal * (lat[None, :, None] / 45.0) * np.ones((1, 1, 5))
    tmax = 12 + 14 * seasonal + 3 * rng.standard_normal((n_time, 4, 5))
    # 1 mK of rounding, as a file's float32 holds: a residual both numpy and the float64 sums see
    cycle = 2 + 14 * seasonal + 1e-3 * rng.standard_normal((n_time, 4, 5))
    values = {"dayl": (dayl, "s", "daylength"),
              "prcp": (np.where(rng.random(dayl.shape) < 0.3, rng.gamma(0.8, 6, dayl.shape), 0.0), "mm/day",
                       "daily total precipitation"),
              "tmax": (tmax, "degrees C", "daily maximum temperature"),
              "srad": (250 + 150 * seasonal + 30 * rng.standard_normal(dayl.shape), "W/m2", "shortwave radiation"),
              "small": (20 * seasonal + 4 * rng.standard_normal(dayl.shape), "s", "a small variable in seconds"),
              "tmax_K": (tmax + 273.15, "K", "tmax in kelvin"),
              "tmax_nos": (tmax - cycle + 273.15, "K", "tmax less a seasonal cycle, in kelvin")}
    return xr.Dataset(
        {name: (("time", "lat", "lon"), data.astype(np.float64), {"units": units, "long_name": long_name})
         for name, (data, units, long_name) in values.items()},
        coords={"time": xr.date_range("2018-01-01", periods=n_time, freq="D", calendar="noleap", use_cftime=True),
                "lat": lat, "lon": np.linspace(-110.0, -106.0, 5)})


def _harmonic_residual(values: np.ndarray, day: np.ndarray) -> np.ndarray:
    """numpy's lstsq residual of each cell's series on a constant and the annual and semi-annual harmonics."""
    phase = day / 365
    basis = np.column_stack([np.ones_like(phase), np.cos(2 * np.pi * phase), np.sin(2 * np.pi * phase),
                             np.cos(4 * np.pi * phase), np.sin(4 * np.pi * phase)])
    flat = values.reshape(len(values), -1)
    return flat - basis @ np.linalg.lstsq(basis, flat, rcond=None)[0]


@pytest.mark.parametrize("loaded", [False, True], ids=["dask-blocks", "in-memory"])
def test_a_predictor_of_other_units_or_small_beside_an_astronomical_target_is_no_copy(tmp_path, loaded):
    """break50c A1: Daymet's dayl (s) is a seasonal cycle itself, so dayl − prcp (mm/day minus s) left less than 1 %
    of σ(dayl) once the harmonics were taken out, and prcp, srad, swe, tmax, tmin were all "dayl with its seasonal
    cycle removed". p − y is read only in one unit (a predictor in K converted to the target's degrees C), and what
    it leaves is compared with the smaller spread of the two: ``small`` (in s, σ 15 s) passed the old test (numpy:
    its residual within 1 % of σ(dayl)) and is kept now (its residual is its own noise, not 1 % of its spread);
    tmax in K is tmax plus a constant, tmax less its seasonal cycle in K is held."""
    dataset = _daymet_like()
    dataset = dataset.load() if loaded else dataset.chunk({"time": 365})
    day = np.arange(dataset.sizes["time"]) % 365
    y = dataset["dayl"].values
    small = _harmonic_residual(dataset["small"].values - y, day).std(axis=0)
    assert (small <= SEASONAL_TOLERANCE * y.std(axis=0).ravel()).all()  # the old test: a copy
    assert (small > SEASONAL_TOLERANCE * dataset["small"].values.std(axis=0).ravel()).all()  # its own noise
    names = ["prcp", "tmax", "srad", "small"]
    assert target_copies(dataset, "dayl", names, time_dim="time", training_steps=None) == {}
    assert default_inputs(dataset, "dayl").predictors == ("prcp", "tmax", "srad", "small", "tmax_K", "tmax_nos")
    found = target_copies(dataset, "tmax", ["dayl", "prcp", "srad", "tmax_K", "tmax_nos"], time_dim="time",
                          training_steps=None)
    assert set(found) == {"tmax_K", "tmax_nos"}
    assert found["tmax_K"].plus_constant and found["tmax_nos"].less_seasonal
    # the spread said is numpy's, in degrees C: tmax_K − 273.15 − tmax is float64 rounding, tmax_nos's residual too
    assert found["tmax_K"].offset_spread < 1e-9
    residual = _harmonic_residual(dataset["tmax_nos"].values - 273.15 - dataset["tmax"].values, day).std(axis=0)
    assert found["tmax_nos"].seasonal_spread == pytest.approx(residual.max(), rel=1e-3)
    assert default_inputs(dataset, "tmax").predictors == ("dayl", "prcp", "srad", "small")


def test_units_are_converted_or_found_of_other_dimensions():
    """pint's conversions: degrees C → K (1, 273.15), m → mm (1000, 0); mm/day and s of other dimensions (None);
    missing units compared as they are."""
    assert units_conversion("degC", "K") == pytest.approx((1.0, 273.15))
    assert units_conversion("m", "mm") == pytest.approx((1000.0, 0.0))
    assert units_conversion("mm/day", "s") is None and units_conversion("W/m2", "degrees C") is None
    assert units_conversion(None, "K") == (1.0, 0.0) and units_conversion("K", "K") == (1.0, 0.0)


class _HeldBlockSums:
    """:func:`climann.data.target_copies._block_sums` wrapped to count the per-block sums it makes and
    the most alive at once (each forgotten when its array is freed)."""

    def __init__(self, block_sums) -> None:
        self.block_sums, self.computed, self.alive, self.most_alive = block_sums, 0, 0, 0
        self.lock = threading.Lock()

    def __call__(self, *args, **kwargs) -> np.ndarray:
        sums = self.block_sums(*args, **kwargs)
        with self.lock:
            self.computed += 1
            self.alive += 1
            self.most_alive = max(self.most_alive, self.alive)
        weakref.finalize(sums, self._freed)
        return sums

    def _freed(self) -> None:
        with self.lock:
            self.alive -= 1


def _one_step_files(folder, n_files: int) -> tuple[list, np.ndarray, np.ndarray]:
    """``n_files`` daily files of one step each (as OISST's), sst and sst_plus = sst + a field
    constant in time on 3×4 cells, float32: the paths and the values written (time, lat, lon)."""
    rng = np.random.default_rng(11)
    sst = rng.normal(15.0, 2.0, (n_files, 3, 4)).astype(np.float32)
    plus = (sst + rng.uniform(-1.0, 1.0, (3, 4))).astype(np.float32)
    paths = []
    for day in range(n_files):
        path = folder / f"oisst.{day:03d}.nc"
        with netCDF4.Dataset(path, "w") as out:
            for name, size in (("time", None), ("lat", 3), ("lon", 4)):
                out.createDimension(name, size)
            time = out.createVariable("time", "f8", ("time",))
            time.units, time.calendar, time.standard_name = "days since 1978-01-01", "standard", "time"
            time[:] = [1339.0 + day]  # from 1981-09-01
            for name, units, values in (("lat", "degrees_north", [10.0, 20.0, 30.0]),
                                        ("lon", "degrees_east", [0.0, 10.0, 20.0, 30.0])):
                coordinate = out.createVariable(name, "f4", (name,))
                coordinate.units, coordinate[:] = units, values
            for name, values in (("sst", sst), ("sst_plus", plus)):
                variable = out.createVariable(name, "f4", ("time", "lat", "lon"))
                variable.units, variable[:] = "degC", values[day:day + 1]
        paths.append(path)
    return paths, sst.astype(np.float64), plus.astype(np.float64)


@pytest.mark.parametrize("checked", [
    pytest.param(lambda dataset: target_copies(dataset, "sst", ["sst_plus"], time_dim="time", training_steps=None),
                 id="alone"),
    pytest.param(lambda dataset: default_inputs(dataset, "sst"), id="with-the-other-checks"),
])
@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_one_step_files_sums_are_added_as_they_come_not_held_for_every_file(tmp_path, monkeypatch, checked,
                                                                            scheduler):
    """break51a: each one-step file's block gave its per-cell sums (52 × 1 036 800 float64, 431 MB, for
    OISST's grid), all held until they were added (60 daily files: 18.9 GB). Each is added to its
    place's total as it is made: of 30 files' sums, alone or computed with default_inputs' other checks
    of the same blocks, a few are alive at once (dask's threads, plus the total), not one per file."""
    paths, _, _ = _one_step_files(tmp_path, 30)
    dataset = open_dataset(paths)
    assert dataset["sst"].chunks[0] == (1,) * 30  # one block per file, as the files hold them
    counting = _HeldBlockSums(target_copies_module._block_sums)
    monkeypatch.setattr(target_copies_module, "_block_sums", counting)
    with dask.config.set(scheduler=scheduler, num_workers=2):
        checked(dataset)
    assert counting.computed >= 20  # every training step's block (30 alone, the default split's 22 with the others)
    assert counting.most_alive <= 4


def test_the_sums_of_one_step_files_find_numpy_s_copy(tmp_path):
    """The copy found in 30 one-step files, their sums added as they come, is that of NumPy on the
    values written."""
    paths, sst, plus = _one_step_files(tmp_path, 30)
    copy = target_copies(open_dataset(paths), "sst", ["sst_plus"], time_dim="time", training_steps=None)["sst_plus"]
    assert copy.plus_constant and copy.cells == 12
    assert copy.offset_spread == pytest.approx(np.std(plus - sst, axis=0).max(), rel=1e-6)
