"""A grid with two sets of points (CESM POP's T and U points): each variable's coordinates
attribute names its own (CF 1.8 §5); a run's grid is its target's (climann/data/grid_points.py)."""

import json
import shlex
import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr

from climann.data.info import describe
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.conftest import assert_circular_mixture, unwrapped_report

#: The T points' rows and columns: a regular grid (areas by hand below), cells 18° × 30°.
T_LATITUDES = np.arange(-81.0, 82.0, 18.0)
T_LONGITUDES = np.arange(0.0, 360.0, 30.0)
N_YEARS = 6
DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] * N_YEARS, dtype=float)


def _pop_history(path, *, named=True, seed=18):
    """A POP2 history file as CESM writes it: SST and SSH on the T points (``coordinates =
    "TLONG TLAT time"``), UVEL on the U points half a cell north-east (``"ULONG ULAT z_t
    time"``), 2-D TLAT/TLONG/ULAT/ULONG without standard_name, TAREA in cm², the static depth
    index KMT, time stamped at the months' ends with ``time_bound``, noleap, land 9.96921e36.
    Returns SST (n_time, n_lat, n_lon), NaN on land."""
    rng = np.random.default_rng(seed)
    t_lat, t_lon = np.meshgrid(T_LATITUDES, T_LONGITUDES, indexing="ij")
    land = (t_lon > 60) & (t_lon < 130) & (t_lat > -30)
    month = np.tile(np.arange(12), N_YEARS)
    sst = 15 + 12 * np.cos(np.radians(t_lat))[None] + 4 * np.sin(np.radians(t_lat))[None] \
        * np.cos(2 * np.pi * month / 12)[:, None, None] + rng.normal(0, 0.7, (month.size, *t_lat.shape))
    ssh = 10 * (sst - 10) + rng.normal(0, 5, sst.shape)
    sst[:, land], ssh[:, land] = np.nan, np.nan
    fill = {"_FillValue": np.float32(9.96921e36)}
    edges = 365.0 + np.concatenate([[0.0], np.cumsum(DAYS)])
    time_units = {"units": "days since 0000-01-01 00:00:00", "calendar": "noleap"}
    t_coordinates = {"coordinates": "TLONG TLAT time"} if named else {}
    dims = ("time", "nlat", "nlon")
    dataset = xr.Dataset(
        {"SST": (dims, sst.astype("f4"), {"long_name": "Surface Potential Temperature", "units": "degC",
                                          **t_coordinates, **fill}),
         "SSH": (dims, ssh.astype("f4"), {"long_name": "Sea Surface Height", "units": "centimeter", **t_coordinates,
                                          **fill}),
         "UVEL": (("time", "z_t", *dims[1:]), np.repeat(ssh[:, None] * 0.1, 2, axis=1).astype("f4"),
                  {"long_name": "Velocity in grid-x direction", "units": "centimeter/s",
                   "coordinates": "ULONG ULAT z_t time", **fill}),
         "TAREA": (dims[1:], np.cos(np.radians(t_lat)) * 1e16, {"long_name": "area of T cells",
                                                                 "units": "centimeter^2"}),
         "KMT": (dims[1:], np.where(land, 0, 60).astype("i4"), {"long_name": "k Index of Deepest Grid Cell on T "
                                                                             "Grid"}),
         "time_bound": (("time", "d2"), np.stack([edges[:-1], edges[1:]], axis=1), time_units)},
        coords={"time": ("time", edges[1:], {"bounds": "time_bound", **time_units}),
                "z_t": ("z_t", [500.0, 1500.0], {"units": "centimeters", "positive": "down"}),
                "ULONG": (dims[1:], t_lon + 15, {"long_name": "array of u-grid longitudes", "units": "degrees_east"}),
                "ULAT": (dims[1:], t_lat + 9, {"long_name": "array of u-grid latitudes", "units": "degrees_north"}),
                "TLONG": (dims[1:], t_lon, {"long_name": "array of t-grid longitudes", "units": "degrees_east"}),
                "TLAT": (dims[1:], t_lat, {"long_name": "array of t-grid latitudes", "units": "degrees_north"})},
        attrs={"Conventions": "CF-1.0", "source": "CCSM POP2, the CCSM Ocean Component"},
    )
    for name in ("SST", "SSH", "UVEL", "TAREA", "KMT"):  # as POP writes them: xarray would list every coordinate
        dataset[name].encoding["coordinates"] = dataset[name].attrs.pop("coordinates", None)
    dataset.to_netcdf(path, encoding={name: {"_FillValue": None} for name in ("time", "z_t", "TAREA", *dataset.coords)})
    return sst


def _climatology_test_mse(sst):
    """The monthly climatology of years 1–4 scored on year 6, area-weighted by hand: T cells
    with edges midway between the rows (clipped at ±90°), equal widths: sin φ₂ − sin φ₁."""
    edges = np.clip(np.concatenate([[T_LATITUDES[0] - 9], T_LATITUDES + 9]), -90, 90)
    by_month = sst.reshape(N_YEARS, 12, *sst.shape[1:])
    errors = np.nanmean(by_month[:4], axis=0) - by_month[5]
    weights = np.broadcast_to(np.diff(np.sin(np.radians(edges)))[None, :, None], errors.shape)
    present = np.isfinite(errors)
    return float((weights[present] * errors[present] ** 2).sum() / weights[present].sum()), int(present.sum())


def _train(path, run_dir, target, predictors, **data):
    config = build_config({
        "data": {"paths": [str(path)], "target": target, "predictors": predictors, "features": ["lat", "season"],
                 "split_years": {"train": [1, 4], "val": [5, 5], "test": [6, 6]}, **data},
        "model": {"hidden": [2]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    return run_training(config, run_dir=run_dir).run_dir


def test_a_pop_history_file_trains_on_its_targets_points(tmp_path):
    """SST names TLONG TLAT: those are its grid, though ULAT/ULONG look like latitude and
    longitude too (refused before: "several coordinates look like latitude", break14 F3)."""
    sst = _pop_history(tmp_path / "pop.h.nc")
    run_dir = _train(tmp_path / "pop.h.nc", tmp_path / "run", "SST", ["SSH"])
    climatology = json.loads((run_dir / "metrics.json").read_text())["splits"]["test"]["climatology"]
    mse, n_values = _climatology_test_mse(sst)
    assert climatology["n_samples"] == n_values == 12 * 106  # 120 cells less 14 of land
    assert climatology["mse"] == pytest.approx(mse, rel=1e-5)
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        assert {"TLAT", "TLONG"} <= set(predictions.coords) and "ULAT" not in predictions.variables


def test_a_variable_on_other_points_is_refused_as_a_predictor(tmp_path):
    """UVEL lies half a cell north-east of SST in every cell (a B grid): used at SST's points
    without a word before (break14 F8)."""
    _pop_history(tmp_path / "pop.h.nc")
    with pytest.raises(ClimannError) as error:
        _train(tmp_path / "pop.h.nc", tmp_path / "run", "SST", ["SSH", "UVEL"], select={"z_t": 500.0})
    assert str(error.value) == (
        "variable 'UVEL' lies on other points than the target's: its coordinates attribute names ULAT and ULONG, the "
        "target's TLAT and TLONG (a staggered grid, as POP's U and T points); interpolate it to the target's points "
        "first (e.g. with xESMF), or choose another variable")


def test_a_variable_on_the_u_points_trains_on_them(tmp_path):
    _pop_history(tmp_path / "pop.h.nc")
    run_dir = _train(tmp_path / "pop.h.nc", tmp_path / "run", "UVEL", [], select={"z_t": 500.0})
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        assert {"ULAT", "ULONG"} <= set(predictions.coords) and "TLAT" not in predictions.variables
        np.testing.assert_allclose(predictions["ULAT"].values[:, 0], T_LATITUDES + 9)


def test_info_on_a_pop_file_proposes_a_config_without_constants_areas_or_other_points(tmp_path):
    """info refused the file, and after a standard_name fix proposed KMT and TAREA as predictors
    and then refused its own choice (break14 F3, F8)."""
    _pop_history(tmp_path / "pop.h.nc")
    report = unwrapped_report(describe(str(tmp_path / "pop.h.nc")))
    data = tomllib_loads(report)["data"]
    assert (data["target"], data["predictors"]) == ("SST", ["SSH"])
    assert "latitude  'TLAT' (2-D, in the file)" in report
    assert ("points    'TLAT' and 'TLONG', those most variables name in their coordinates attribute; other points: "
            "UVEL on ULAT and ULONG, left out here") in report
    assert "# left out of the default predictors: TAREA, the cells' areas" in report
    assert "# left out of the default predictors: KMT (= 60), one value wherever 'SST' is present" in report


def tomllib_loads(report):
    import tomllib

    return tomllib.loads(report)


def test_a_target_that_names_no_points_is_refused_with_an_ncatted_that_works(tmp_path):
    """Without the coordinates attributes nothing says which pair is SST's: refused in one
    line whose ncatted gives the T points their CF standard names, after which it trains."""
    sst = _pop_history(tmp_path / "pop.h.nc", named=False)
    with pytest.raises(ClimannError) as error:
        _train(tmp_path / "pop.h.nc", tmp_path / "run", "SST", ["SSH"])
    fixed = tmp_path / "pop.h_fixed.nc"
    assert str(error.value) == (
        "pop.h.nc: several 2-D coordinates look like latitude (TLAT, ULAT) and 'SST' names none of them in its "
        "coordinates attribute, nor does any carry a CF standard_name; say which are its points, e.g. ncatted -a "
        f"standard_name,TLAT,o,c,latitude -a standard_name,TLONG,o,c,longitude {tmp_path}/pop.h.nc {fixed}")
    if not shutil.which("ncatted"):
        pytest.skip("NCO's ncatted is not installed")
    subprocess.run(shlex.split(str(error.value).split("e.g. ")[1]), check=True)
    run_dir = _train(fixed, tmp_path / "run_fixed", "SST", ["SSH"])
    climatology = json.loads((run_dir / "metrics.json").read_text())["splits"]["test"]["climatology"]
    assert climatology["mse"] == pytest.approx(_climatology_test_mse(sst)[0], rel=1e-5)


def _staggered_axes_file(path, *, model="cam", seed=19):
    """A grid with two sets of 1-D axes, none with a CF standard_name. ``cam``: a CESM CAM-FV
    history file, TREFHT and PS on ``lat``/``lon``, ``US(time, slat, lon)`` and ``VS(time, lat,
    slon)`` on the staggered axes half a cell off, ``w_stag(slat)``. ``mom``: a GFDL MOM5 /
    ACCESS-OM2 ocean file, ``sst`` and ``sss`` on ``yt_ocean``/``xt_ocean`` (units degrees_N,
    degrees_E, ``cartesian_axis``), ``usurf`` on ``yu_ocean``/``xu_ocean``. Noleap months
    stamped mid-month. Returns the target (n_time, n_lat, n_lon)."""
    rng = np.random.default_rng(seed)
    month = np.tile(np.arange(12), N_YEARS)
    lat2d = np.broadcast_to(T_LATITUDES[:, None], (T_LATITUDES.size, T_LONGITUDES.size))
    target = 15 + 12 * np.cos(np.radians(lat2d))[None] + 4 * np.sin(np.radians(lat2d))[None] \
        * np.cos(2 * np.pi * month / 12)[:, None, None] + rng.normal(0, 0.7, (month.size, *lat2d.shape))
    other = 10 * (target - 10) + rng.normal(0, 5, target.shape)
    staggered_lat, staggered_lon = T_LATITUDES[:-1] + 9, T_LONGITUDES + 15
    off = rng.normal(0, 1, (month.size, staggered_lat.size, T_LONGITUDES.size))
    time = {"units": "days since 0001-01-01 00:00:00", "calendar": "noleap"}
    times = ("time", np.concatenate([[0.0], np.cumsum(DAYS)])[:-1] + DAYS / 2, time)
    if model == "cam":
        north, east = {"units": "degrees_north"}, {"units": "degrees_east"}
        variables = {
            "TREFHT": (("time", "lat", "lon"), target.astype("f4"), {"units": "K", "long_name": "Reference height "
                                                                                            "temperature"}),
            "PS": (("time", "lat", "lon"), other.astype("f4"), {"units": "Pa", "long_name": "Surface pressure"}),
            "US": (("time", "slat", "lon"), off.astype("f4"), {"units": "m/s", "long_name": "Zonal wind, staggered"}),
            "VS": (("time", "lat", "slon"), other.astype("f4"), {"units": "m/s", "long_name": "Meridional wind, "
                                                                                              "staggered"}),
            "w_stag": (("slat",), np.diff(np.sin(np.radians(T_LATITUDES))), {"long_name": "staggered latitude "
                                                                                          "weights"}),
        }
        coords = {"lat": ("lat", T_LATITUDES, {"long_name": "latitude", **north}),
                  "lon": ("lon", T_LONGITUDES, {"long_name": "longitude", **east}),
                  "slat": ("slat", staggered_lat, {"long_name": "staggered latitude", **north}),
                  "slon": ("slon", staggered_lon, {"long_name": "staggered longitude", **east}),
                  "time": times}
    else:
        def axis(values, units, letter, name):
            return (name, values, {"units": units, "cartesian_axis": letter, "long_name": name})
        variables = {
            "sst": (("time", "yt_ocean", "xt_ocean"), target.astype("f4"), {"units": "deg_C",
                                                                            "long_name": "Potential temperature"}),
            "sss": (("time", "yt_ocean", "xt_ocean"), other.astype("f4"), {"units": "psu", "long_name": "salinity"}),
            "usurf": (("time", "yu_ocean", "xu_ocean"), np.concatenate([off, off[:, :1]], axis=1).astype("f4"),
                      {"units": "m/sec", "long_name": "i-current"}),
        }
        coords = {"yt_ocean": axis(T_LATITUDES, "degrees_N", "Y", "yt_ocean"),
                  "xt_ocean": axis(T_LONGITUDES, "degrees_E", "X", "xt_ocean"),
                  "yu_ocean": axis(T_LATITUDES + 9, "degrees_N", "Y", "yu_ocean"),
                  "xu_ocean": axis(staggered_lon, "degrees_E", "X", "xu_ocean"), "time": times}
    xr.Dataset(variables, coords=coords).to_netcdf(path)
    return target


@pytest.mark.parametrize("model, target, predictors", [
    pytest.param("cam", "TREFHT", ["PS"], id="cesm-cam-fv-slat-slon"),
    pytest.param("mom", "sst", ["sss"], id="gfdl-mom5-t-and-u-cells"),
])
def test_a_grid_with_staggered_axes_trains_on_its_targets_axes(tmp_path, model, target, predictors):
    """CAM-FV's slat/slon and MOM5's yu_ocean/xu_ocean look like latitude and longitude too:
    refused "several coordinates look like latitude (lat, slat)" before (break19a F2), though
    the target's own dimensions say which are its axes."""
    values = _staggered_axes_file(tmp_path / "h0.nc", model=model)
    run_dir = _train(tmp_path / "h0.nc", tmp_path / "run", target, predictors)
    climatology = json.loads((run_dir / "metrics.json").read_text())["splits"]["test"]["climatology"]
    mse, n_values = _climatology_test_mse(values)
    assert climatology["n_samples"] == n_values == 12 * 120
    assert climatology["mse"] == pytest.approx(mse, rel=1e-5)
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        assert not {"slat", "slon", "yu_ocean", "xu_ocean"} & set(predictions.variables)


@pytest.mark.parametrize("model, target, predictor, message", [
    pytest.param("cam", "TREFHT", "US", "along slat and lon, the target 'TREFHT' along lat and lon", id="cam-US"),
    pytest.param("cam", "TREFHT", "VS", "along lat and slon, the target 'TREFHT' along lat and lon", id="cam-VS"),
    pytest.param("mom", "sst", "usurf", "along yu_ocean and xu_ocean, the target 'sst' along yt_ocean and xt_ocean",
                 id="mom-usurf"),
])
def test_a_predictor_on_staggered_axes_is_refused_naming_both_grids(tmp_path, model, target, predictor, message):
    _staggered_axes_file(tmp_path / "h0.nc", model=model)
    with pytest.raises(ClimannError) as error:
        _train(tmp_path / "h0.nc", tmp_path / "run", target, [predictor])
    points = message.rsplit(" along ", 1)[1].replace(" and ", "_")
    assert str(error.value) == (
        f"variable '{predictor}' lies on another grid than the target's: {message} (a staggered grid, as CAM-FV's "
        "slat/slon or MOM's U and T cells, half a cell apart); interpolate it to the target's grid first, e.g. cdo "
        f"selvar,{target} {tmp_path}/h0.nc {target}_grid.nc; cdo remapbil,{target}_grid.nc -selvar,{predictor} "
        f"{tmp_path}/h0.nc {predictor}_on_{points}.nc, or choose variables of the target's grid "
        f"({', '.join(['TREFHT', 'PS'] if model == 'cam' else ['sst', 'sss'])})")


def test_a_variable_on_staggered_axes_trains_on_them(tmp_path):
    _staggered_axes_file(tmp_path / "h0.nc")
    run_dir = _train(tmp_path / "h0.nc", tmp_path / "run", "US", [])
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        np.testing.assert_allclose(predictions["slat"].values, T_LATITUDES[:-1] + 9)
        assert "lat" not in predictions.variables


@pytest.mark.parametrize("model, target, predictors, axes, other", [
    pytest.param("cam", "TREFHT", ["PS"], "'lat' and 'lon'", "US on slat and lon; VS on lat and slon", id="cam"),
    pytest.param("mom", "sst", ["sss"], "'yt_ocean' and 'xt_ocean'", "usurf on yu_ocean and xu_ocean", id="mom"),
])
def test_info_on_staggered_axes_proposes_variables_of_one_grid(tmp_path, model, target, predictors, axes, other):
    _staggered_axes_file(tmp_path / "h0.nc", model=model)
    report = unwrapped_report(describe(str(tmp_path / "h0.nc")))
    data = tomllib_loads(report)["data"]
    assert (data["target"], data["predictors"]) == (target, predictors)
    assert f"points    {axes}, those most variables lie along; other points: {other}, left out here" in report


def _smap_am_pm(path):
    """SMAP L3 with its AM and PM groups merged by xarray: ``soil_moisture`` on ``latitude``/``longitude``
    and ``soil_moisture_pm`` on ``latitude_pm``/``longitude_pm``, the same cells (a 6 × 8 curvilinear grid,
    no grid mapping), each pair missing (-9999) where its half of the day had no retrieval, monthly 6 years."""
    rng = np.random.default_rng(52)
    rows, columns = np.meshgrid(np.arange(6.0), np.arange(8.0), indexing="ij")
    lat, lon = -50.0 + 20.0 * rows + 2.0 * np.sin(columns), -170.0 + 45.0 * columns + 3.0 * rows
    am_gap, pm_gap = np.zeros((6, 8), bool), np.zeros((6, 8), bool)
    am_gap[1, 2] = am_gap[4, 5] = pm_gap[2, 6] = True
    times = xr.date_range("0001-01-01", periods=12 * N_YEARS, freq="MS", calendar="noleap", use_cftime=True)
    am, pm = rng.uniform(0.05, 0.45, (2, times.size, 6, 8))
    fill = {"_FillValue": -9999.0}
    xr.Dataset(
        {"soil_moisture": (("time", "y", "x"), np.where(am_gap, np.nan, am),
                           {"units": "cm**3/cm**3", "coordinates": "latitude longitude"}),
         "soil_moisture_pm": (("time", "y", "x"), np.where(pm_gap, np.nan, pm),
                              {"units": "cm**3/cm**3", "coordinates": "latitude_pm longitude_pm"}),
         **{name: (("y", "x"), np.where(gap, np.nan, values), {"units": units, **fill})
            for name, values, units, gap in (("latitude", lat, "degrees_north", am_gap),
                                             ("longitude", lon, "degrees_east", am_gap),
                                             ("latitude_pm", lat, "degrees_north", pm_gap),
                                             ("longitude_pm", lon, "degrees_east", pm_gap))}},
        coords={"time": times}).to_netcdf(path)
    return lat, lon, am_gap


def test_a_variable_on_a_pair_equal_to_the_targets_is_on_the_same_points(tmp_path):
    """break52b A5: SMAP's soil_moisture_pm names latitude_pm/longitude_pm, equal to latitude/longitude
    wherever both are given (each pair missing where its half-day had no retrieval): it was refused as "on
    other points than the target's (a staggered grid …); interpolate it first". It is on the target's
    points: it trains as a predictor, and the run's grid is latitude/longitude filled from the PM pair
    where only the AM one is missing (NumPy); a pair half a cell away stays refused (the POP tests above)."""
    from climann.data.grid_points import on_points_of
    from climann.data.open import open_dataset

    lat, lon, am_gap = _smap_am_pm(tmp_path / "smap.nc")
    joined, points = on_points_of(open_dataset([tmp_path / "smap.nc"]), "soil_moisture",
                                  used=("soil_moisture", "soil_moisture_pm"))
    assert points == ("latitude", "longitude") and "latitude_pm" not in joined.variables
    np.testing.assert_array_equal(joined["latitude"].values, lat)  # the AM gaps filled from the PM pair
    np.testing.assert_array_equal(joined["longitude"].values, lon)
    run_dir = _train(tmp_path / "smap.nc", tmp_path / "run", "soil_moisture", ["soil_moisture_pm"], features=[])
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        assert "latitude_pm" not in predictions.variables
        np.testing.assert_allclose(predictions["latitude"].values, lat)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs cdo")
def test_a_direction_on_staggered_axes_is_interpolated_to_its_circular_mean(tmp_path):
    """fix52k: a wind direction on CAM-FV's staggered ``slat`` was advised `cdo remapbil,… -selvar,WDIR …`,
    which interpolates the angle as a number: between 350° and 10° it gave 180° (up to 180° off). Each
    staggered value is 350° or 10°, ``SHARE`` is 1 where it is 10°: CDO's bilinear remapping of ``SHARE``
    (plain numbers) is the weight w each target point gives the 10° values, so the circular mean by NumPy is
    atan2(w sin 10° + (1−w) sin 350°, w cos 10° + (1−w) cos 350°); the advised lines, run with bash, give it."""
    import re

    _staggered_axes_file(tmp_path / "h0.nc")
    rng = np.random.default_rng(52)
    with xr.open_dataset(tmp_path / "h0.nc", decode_times=False) as opened:
        cam = opened.load()
    tens = rng.random(cam["US"].shape) < 0.5
    cam["WDIR"] = cam["US"].copy(data=np.where(tens, 10.0, 350.0).astype("f8"))
    cam["WDIR"].attrs = {"units": "degree", "long_name": "Wind direction, staggered"}
    cam["SHARE"] = cam["US"].copy(data=tens.astype("f8"))
    cam["SHARE"].attrs = {"units": "1", "long_name": "share of 10 degree values"}
    cam["WDIR"].encoding = cam["SHARE"].encoding = {}  # float64, as computed (US's encoding is float32)
    cam.to_netcdf(tmp_path / "h1.nc")
    with pytest.raises(ClimannError) as error:
        _train(tmp_path / "h1.nc", tmp_path / "run", "TREFHT", ["WDIR"])
    grid, remap = re.search(r"e\.g\. (cdo selvar\S+ \S+ \S+); (cdo .+? WDIR_on_lat_lon\.nc), or",
                            str(error.value)).groups()
    subprocess.run(["bash", "-c", f"{grid} && {remap}"], check=True, cwd=tmp_path, capture_output=True)
    subprocess.run(["cdo", "remapbil,TREFHT_grid.nc", "-selvar,SHARE", "h1.nc", "share.nc"], check=True,
                   cwd=tmp_path, capture_output=True)
    with xr.open_dataset(tmp_path / "WDIR_on_lat_lon.nc", decode_times=False) as remapped, \
            xr.open_dataset(tmp_path / "share.nc", decode_times=False) as shares:
        assert set(remapped.data_vars) - {"time_bnds"} == {"WDIR"}
        held, share = remapped["WDIR"].values, shares["SHARE"].values
    assert_circular_mixture(held, share)
