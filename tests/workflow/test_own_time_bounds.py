"""A variable's own time bounds decide whether its period is known, not the combined data's (break47d A1): ERA5
``tp`` (a GRIB accumulation) given the bounds climann asks for was refused again as "no bounds" beside CEMS-Flood's
``dis24`` (stamped at the end of its day, read so by its long_name, no bounds), whose stamps the combined data
take and whose files hold no bounds; the refusal named every file. A ``tp`` without bounds beside a ``dis24``
with bounds was accepted (the target's bounds passed for tp's) and read as the day starting at each stamp."""

import json
import re

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training

#: The days whose totals tp holds (1095: three years of 2000–2002), each stamped at its start.
DAYS = pd.date_range("2000-01-01", periods=1095, freq="D")
LAT, LON = [50.0, 50.5], [5.0, 5.5, 6.0]


def _write(path, name, values, stamps, attrs, bounds=None):
    """``name`` (valid_time, latitude, longitude) at ``stamps`` (seconds since 1970), with ``bounds`` (n, 2) as
    ``valid_time_bnds`` when given."""
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in (("valid_time", len(stamps)), ("latitude", 2), ("longitude", 3), ("bnds", 2)):
            nc.createDimension(dim, size)
        time = nc.createVariable("valid_time", "i8", ("valid_time",))
        time.setncatts({"units": "seconds since 1970-01-01", "calendar": "proleptic_gregorian",
                        "standard_name": "time", **({"bounds": "valid_time_bnds"} if bounds is not None else {})})
        time[:] = stamps
        if bounds is not None:
            nc.createVariable("valid_time_bnds", "i8", ("valid_time", "bnds"))[:] = bounds
        for dim, units, coordinate in (("latitude", "degrees_north", LAT), ("longitude", "degrees_east", LON)):
            variable = nc.createVariable(dim, "f8", (dim,))
            variable.setncatts({"units": units, "standard_name": dim})
            variable[:] = coordinate
        variable = nc.createVariable(name, "f4", ("valid_time", "latitude", "longitude"))
        variable.setncatts(attrs)
        variable[:] = values


def _seconds(times) -> np.ndarray:
    return ((times - pd.Timestamp("1970-01-01")).total_seconds()).astype("i8")


def _files(tmp_path, *, tp_bounds: bool, dis_bounds: bool, same_stamps: bool = False):
    """tp of each day of :data:`DAYS`, stamped at its start (bounds [D, D + 1] when ``tp_bounds``), and dis24 =
    10 · tp of the day ending at its stamp + 1, stamped at D + 1 00:00 (bounds [D, D + 1] when ``dis_bounds``;
    at tp's stamps when ``same_stamps``, as the two files of break47d's repro: the values then unrelated);
    returns tp's values, shape (1095, 2, 3)."""
    tp = np.random.default_rng(47).gamma(0.6, 0.003, (len(DAYS), 2, 3)).astype("f4")
    starts, ends = _seconds(DAYS), _seconds(DAYS + pd.Timedelta("1D"))
    cells = np.stack([starts, ends], 1)
    _write(tmp_path / "era5_tp.nc", "tp", tp, starts, {"units": "m", "long_name": "Total precipitation",
                                                        "GRIB_paramId": 228, "GRIB_stepType": "accum"},
           cells if tp_bounds else None)
    _write(tmp_path / "cems_dis24.nc", "dis24", 10 * tp.astype("f8") + 1, starts if same_stamps else ends,
           {"units": "m3 s-1", "long_name": "Mean discharge in the last 24 hours", "GRIB_stepType": "avg"},
           cells if dis_bounds else None)
    return tp


def _config(tmp_path):
    return build_config({"data": {"paths": [str(tmp_path / "cems_dis24.nc"), str(tmp_path / "era5_tp.nc")],
                                  "target": "dis24", "predictors": ["tp"], "features": ["lat"]},
                         "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})


def test_an_accumulation_with_its_own_bounds_trains_beside_a_target_without_bounds_paired_by_its_days(tmp_path):
    """tp with bounds beside dis24 without: the run trains, and each dis24 value is paired with tp of the day
    ending at its stamp: the linear baseline fits dis24 = 10 · tp + 1 (numpy's least squares on the same pairs
    gives 10 and 1, where tp of the day after leaves a residual of the size of dis24's variance)."""
    tp = _files(tmp_path, tp_bounds=True, dis_bounds=False)
    run_dir = run_training(_config(tmp_path), run_dir=tmp_path / "run").run_dir
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        stamps = pd.DatetimeIndex(predictions["valid_time"].values)
        truth, linear = predictions["dis24"].values.astype("f8"), predictions["dis24_linear"].values.astype("f8")
    day = DAYS.get_indexer(stamps - pd.Timedelta("1D"))  # the day ending at each stamp
    assert (day >= 0).all() and len(stamps) > 100
    x = tp[day].astype("f8").ravel()
    (slope, intercept), residual = np.linalg.lstsq(np.stack([x, np.ones_like(x)], 1), truth.ravel(), rcond=None)[:2]
    assert (slope, intercept) == pytest.approx((10.0, 1.0), rel=1e-5) and residual[0] / x.size < 1e-10
    later = tp[np.minimum(day + 1, len(DAYS) - 1)].astype("f8").ravel()
    off = np.linalg.lstsq(np.stack([later, np.ones_like(later)], 1), truth.ravel(), rcond=None)[1][0] / x.size
    assert off > 0.1 * truth.var()  # the day after: what a pairing one day off would be fitted from
    np.testing.assert_allclose(linear, truth, atol=1e-4 * np.abs(truth).max())  # the linear baseline found them


@pytest.mark.parametrize("dis_bounds", [False, True])
def test_an_accumulation_without_its_own_bounds_is_refused_naming_its_own_file(tmp_path, dis_bounds):
    """tp without bounds: refused beside dis24 with bounds too (the target's bounds do not say tp's days; they
    were taken for tp's before), and beside dis24 without bounds at the same stamps (break47d's files), naming
    tp's file alone, its commands on it. (With dis24 stamped a day after tp, the pairing's own refusal comes first,
    naming tp's file too: :mod:`climann.data.time_axes`.)"""
    _files(tmp_path, tp_bounds=False, dis_bounds=dis_bounds, same_stamps=True)
    with pytest.raises(ClimannError) as refused:
        run_training(_config(tmp_path), run_dir=tmp_path / "run")
    said = str(refused.value)
    assert said.startswith("'tp' in era5_tp.nc would be read as the value of each time step, but its time has no "
                           "bounds"), said
    commands = re.findall(r"ncap2 -s '[^']*' \S+ \S+", said)
    assert len(commands) == 2 and all(  # the ncap2 lines' files: tp's and its copy in a new folder (fix52e)
        command.endswith(f"{tmp_path / 'era5_tp.nc'} {tmp_path / 'time_cells_fixed' / 'era5_tp.nc'}")
        for command in commands)
    # dis24's file is named only as one to give again beside the copy
    assert said.count("cems_dis24") == said.count(f"given as before (--data {tmp_path / 'cems_dis24.nc'})") == 2
    assert not (tmp_path / "run").exists()


def test_a_predictors_own_bounds_do_not_make_the_targets_cells(tmp_path):
    """break48d A5: ERA5's t2m with bounds of the hour before each noon stamp, beside a daily index (GEFF's fwi)
    stamped at noon without bounds, made fwi "1 hour cells 1 day apart": persistence left out, the climatology per
    day of year and hour. The target's own cells decide both: persistence (the day before) and the climatology (the
    raw mean of each day of year over the training steps, [evaluation] climatology_window_days = 1) equal numpy's
    on fwi, with cell-area (cos-latitude) weights."""
    days = pd.date_range("2001-01-01T12", periods=1095, freq="D")
    rng = np.random.default_rng(48)
    season = 10 * np.cos(2 * np.pi * days.day_of_year.to_numpy() / 365.0)[:, None, None]
    fwi = (20 + season + np.cumsum(rng.normal(0, 1, (len(days), 2, 3)), 0) * 0.3
           + rng.normal(0, 2, (len(days), 2, 3))).astype("f4")
    t2m = (280 + 0.5 * fwi + rng.normal(0, 1, fwi.shape)).astype("f4")
    stamps = _seconds(days)
    _write(tmp_path / "era5_t2m.nc", "t2m", t2m, stamps, {"units": "K"}, np.stack([stamps - 3600, stamps], 1))
    _write(tmp_path / "geff_fwi.nc", "fwi", fwi, stamps, {"long_name": "Fire weather index", "units": "1"})
    config = build_config({"data": {"paths": [str(tmp_path / "geff_fwi.nc"), str(tmp_path / "era5_t2m.nc")],
                                    "target": "fwi", "predictors": ["t2m"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1},
                           "evaluation": {"figures": False, "climatology_window_days": 1}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["climatology_per"] == "day of year"
    assert metrics["split_periods"] == {"train": "2001", "val": "2002", "test": "2003"}
    blocks = {name: np.flatnonzero(days.year == int(year)) for name, year in metrics["split_periods"].items()}
    weights = np.broadcast_to(np.cos(np.deg2rad(LAT))[:, None], (2, 3))
    values = fwi.astype("f8")
    doy = days.day_of_year.to_numpy()
    train = blocks["train"]
    climatology = {day: values[train][doy[train] == day].mean(0) for day in np.unique(doy)}
    for name, steps in blocks.items():
        steps = steps[steps > 0]  # the first step has no day before; the others have it in the file
        error = values[steps] - values[steps - 1]
        scored = metrics["splits"][name]["persistence"]
        assert scored["n_samples"] == error.size
        assert scored["mse"] == pytest.approx(np.average(error ** 2, weights=np.broadcast_to(weights, error.shape)),
                                              rel=1e-6)
        steps = blocks[name]
        error = values[steps] - np.stack([climatology[day] for day in doy[steps]])
        assert metrics["splits"][name]["climatology"]["mse"] == pytest.approx(
            np.average(error ** 2, weights=np.broadcast_to(weights, error.shape)), rel=1e-6)


@pytest.mark.parametrize("features", [pytest.param(["lat"], id="lat"), pytest.param(["lat", "season"], id="season")])
def test_predict_on_the_predictors_alone_stamps_the_days_as_the_runs_target(tmp_path, features):
    """break55c A1: GloFAS' dis24 stamped at the end of its day (bounds [D, D + 1]) trained from tp stamped at
    the start of the same day (its own bounds): `climann predict` on tp's file alone stamped each day D, while
    the run's predictions.nc and dis24's file stamp it D + 1, so predictions aligned by label met the next
    day's discharge. predict's stamps are now the run's and the target file's, for the same bounds, and its
    predictions of those days equal the run's own (the season features dated as in training)."""
    from climann.workflow.predict import predict_files

    _files(tmp_path, tp_bounds=True, dis_bounds=True)
    config = build_config({"data": {"paths": [str(tmp_path / "cems_dis24.nc"), str(tmp_path / "era5_tp.nc")],
                                    "target": "dis24", "predictors": ["tp"], "features": features},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    predict_files(run_dir, [tmp_path / "era5_tp.nc"], tmp_path / "predicted.nc")
    with xr.open_dataset(tmp_path / "predicted.nc") as new, xr.open_dataset(run_dir / "predictions.nc") as own, \
            xr.open_dataset(tmp_path / "cems_dis24.nc") as target:
        bounds_name = new["valid_time"].attrs["bounds"]
        assert (pd.DatetimeIndex(new["valid_time"].values) == pd.DatetimeIndex(new[bounds_name].values[:, 1])).all()
        np.testing.assert_array_equal(new["valid_time"].values, target["valid_time"].values)
        common = np.intersect1d(own["valid_time"].values, new["valid_time"].values)
        assert len(common) == own.sizes["valid_time"] > 100
        np.testing.assert_array_equal(new[bounds_name].sel(valid_time=common).values,
                                      own[own["valid_time"].attrs["bounds"]].sel(valid_time=common).values)
        np.testing.assert_allclose(new["dis24_pred"].sel(valid_time=common).values,
                                   own["dis24_pred"].sel(valid_time=common).values, rtol=1e-6, atol=1e-6)
