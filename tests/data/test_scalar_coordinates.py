"""A station series with scalar latitude and longitude (CF §5.7), read as a 1×1 grid
(climann/data/scalar_coordinates.py): opened, described, trained, predicted and selected as the
same data written with 1-long ``lat`` and ``lon`` dimensions."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from climann.data.info import describe
from climann.data.open import open_dataset
from climann.data.scalar_coordinates import with_scalar_time_as_axis
from climann.data.subset import select_region, select_values
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.workflow.predict import predict_files
from tests.conftest import grid_dataset

LAT_ATTRS = {"standard_name": "latitude", "units": "degrees_north"}
LON_ATTRS = {"standard_name": "longitude", "units": "degrees_east"}
#: The cell of grid_dataset(n_lat=4, n_lon=6) taken as the station: lat 22.5, lon 150.
ROW, COLUMN = 2, 2


def _grid() -> xr.Dataset:
    """grid_dataset's 4×6 grid with time bounds (as CMIP files have them)."""
    grid = grid_dataset(n_years=4)
    months = np.asarray(grid["time"].values)
    grid["time_bnds"] = (("time", "bnds"), np.stack([months - np.timedelta64(14, "D").item(),
                                                     months + np.timedelta64(14, "D").item()], axis=1))
    grid["time"].attrs["bounds"] = "time_bnds"
    grid["time_bnds"].encoding.update(grid["time"].encoding)
    return grid


def _station(grid: xr.Dataset) -> xr.Dataset:
    """One cell of ``grid`` as ``ncks -d``/``isel`` give it: scalar lat and lon coordinates."""
    return grid.isel(lat=ROW, lon=COLUMN)


def _one_by_one(station: xr.Dataset) -> xr.Dataset:
    """The same data with lat and lon as dimensions of length 1, the fields on (time, lat, lon)."""
    fields = {name: station[name].expand_dims(["lat", "lon"], axis=[1, 2]) for name in ("tas", "pred", "landonly")}
    return station.drop_vars(["lat", "lon"]).assign(
        {**fields, "static": station["static"].expand_dims(["lat", "lon"])}
    ).assign_coords(lat=("lat", [float(station["lat"])], LAT_ATTRS), lon=("lon", [float(station["lon"])], LON_ATTRS))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("station")
    grid = _grid()
    paths = {"grid": folder / "grid.nc", "station": folder / "station.nc", "one_by_one": folder / "station_1x1.nc"}
    grid.to_netcdf(paths["grid"])
    _station(grid).to_netcdf(paths["station"])
    _one_by_one(_station(grid)).to_netcdf(paths["one_by_one"])
    return folder, paths


@pytest.mark.parametrize(
    ("lat_attrs", "lon_attrs"),
    [
        pytest.param(LAT_ATTRS, LON_ATTRS, id="standard_name-and-units"),
        pytest.param({"standard_name": "latitude"}, {"standard_name": "longitude"}, id="standard_name"),
        pytest.param({"units": "degrees_north"}, {"units": "degree_east"}, id="units"),
        pytest.param({"axis": "Y"}, {"axis": "X"}, id="axis"),
    ],
)
def test_a_station_opens_as_a_1x1_grid_with_its_values(tmp_path, lat_attrs, lon_attrs):
    station = _station(_grid())
    station["lat"].attrs, station["lon"].attrs = lat_attrs, lon_attrs
    station.to_netcdf(tmp_path / "station.nc")
    opened = open_dataset([tmp_path / "station.nc"])
    assert opened["tas"].dims == ("time", "lat", "lon") and opened["tas"].shape == (48, 1, 1)
    assert opened["static"].dims == ("lat", "lon")
    assert opened["time_bnds"].dims == ("time", "bnds")  # a bounds variable is not a field
    np.testing.assert_array_equal(opened["lat"].values, [22.5])
    np.testing.assert_array_equal(opened["lon"].values, [150.0])
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _grid()["tas"].values[:, ROW, COLUMN])


def test_a_station_whose_lat_lon_no_variable_names_as_coordinates_is_a_1x1_grid(tmp_path):
    """``lat``/``lon`` left data variables (no ``coordinates`` attribute) are still coordinates."""
    station = _station(_grid()).reset_coords(["lat", "lon"])
    station.to_netcdf(tmp_path / "station.nc")
    opened = open_dataset([tmp_path / "station.nc"])
    assert opened["tas"].shape == (48, 1, 1) and "lat" not in opened.data_vars


def test_the_bounds_of_a_scalar_latitude_follow_it_and_are_not_taken_for_it(tmp_path):
    station = _station(_grid()).assign_coords(lat_bnds=("bnds", [0.0, 45.0]))
    station["lat"].attrs["bounds"] = "lat_bnds"
    station.to_netcdf(tmp_path / "station.nc")
    opened = open_dataset([tmp_path / "station.nc"])
    assert opened["tas"].dims == ("time", "lat", "lon")
    assert opened["lat_bnds"].dims == ("lat", "bnds")
    np.testing.assert_array_equal(opened["lat_bnds"].values, [[0.0, 45.0]])


def test_a_scalar_latitude_beside_a_longitude_axis_is_a_row_of_the_grid(tmp_path):
    grid = _grid()
    grid.isel(lat=ROW).to_netcdf(tmp_path / "row.nc")
    opened = open_dataset([tmp_path / "row.nc"])
    assert opened["tas"].dims == ("time", "lat", "lon") and opened["tas"].shape == (48, 1, 6)
    np.testing.assert_array_equal(opened["tas"].values[:, 0, :], grid["tas"].values[:, ROW, :])


def test_info_describes_the_station_grid_without_calling_lat_missing(files):
    report = describe([str(files[1]["station"])])
    assert "no latitude" not in report and "No config to start from" not in report
    assert "'lat': one value, 22.5" in report and "'lon': one value, 150" in report


def test_a_region_without_the_station_is_refused_naming_where_it_is(files):
    opened = open_dataset([files[1]["station"]])
    with pytest.raises(ClimannError, match=r"contains no grid cell; .* latitude 22\.5…22\.5 and longitude 150…150"):
        select_region(opened, (-10, 10, 0, 10))
    np.testing.assert_array_equal(select_region(opened, (0, 30, 140, 160))["tas"].values, opened["tas"].values)


def test_selecting_one_latitude_and_longitude_of_a_grid_gives_the_station(files):
    grid, station = (open_dataset([files[1][name]]) for name in ("grid", "station"))
    selected = select_values(grid, {"lat": 22.5, "lon": 150.0})
    assert selected["tas"].dims == ("time", "lat", "lon")
    np.testing.assert_array_equal(selected["tas"].values, station["tas"].values)


def _train(folder, path, name, **data):
    config = build_config({
        "data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"], "lags": {"tas": [1]},
                 **data},
        "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False},
    })
    return run_training(config, run_dir=folder / name).run_dir


def _metrics(run_dir):
    metrics = json.loads((run_dir / "metrics.json").read_text())
    return {key: metrics[key] for key in ("splits", "seasons", "n_samples", "area_weighted")}


@pytest.fixture(scope="module")
def station_runs(files):
    folder, paths = files
    return {name: _train(folder, paths[name], f"run_{name}") for name in ("station", "one_by_one", "grid")}


def test_a_station_trains_exactly_as_its_1x1_twin(station_runs):
    station, twin = (_metrics(station_runs[name]) for name in ("station", "one_by_one"))
    assert station == twin
    assert station["splits"]["test"]["model"]["n_samples"] == 12


def test_a_single_cells_scores_are_its_plain_means(station_runs):
    """One cell: any positive area weight, so the area-weighted MSE is the plain mean."""
    run_dir = station_runs["station"]
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=False) as predictions:
        split = predictions["split"]
        test_flag = split.attrs["flag_values"][split.attrs["flag_meanings"].split().index("test")]
        test = predictions.isel(time=np.flatnonzero(split.values == test_flag))
        errors = (test["tas_pred"] - test["tas"]).values.astype(np.float64)
    assert errors.shape == (12, 1, 1)
    mse = json.loads((run_dir / "metrics.json").read_text())["splits"]["test"]["model"]["mse"]
    np.testing.assert_allclose(mse, np.nanmean(errors**2), rtol=1e-5)


def test_a_gridded_run_predicts_at_the_station_its_grid_cells_values(station_runs, files, tmp_path):
    predict_files(station_runs["grid"], [str(files[1]["station"])], tmp_path / "p.nc")
    predict_files(station_runs["grid"], [str(files[1]["grid"])], tmp_path / "p_grid.nc")
    with xr.open_dataset(tmp_path / "p.nc") as at_station, xr.open_dataset(tmp_path / "p_grid.nc") as on_grid:
        assert at_station["tas_pred"].shape == (48, 1, 1)
        np.testing.assert_allclose(at_station["tas_pred"].values[:, 0, 0],
                                   on_grid["tas_pred"].values[:, ROW, COLUMN], rtol=1e-6)
        assert np.isfinite(at_station["tas_pred"].values[1:]).all()


def _monthly_maps(folder, grid: xr.Dataset, *, with_bounds: bool) -> list:
    """One file per month: ``tas(lat, lon)`` with ``time`` a CF scalar coordinate, as
    ``grid.isel(time=i).to_netcdf()`` writes it (``tas:coordinates = "time"``)."""
    paths = []
    for step in range(grid.sizes["time"]):
        one = grid[["tas", "pred", "time_bnds"] if with_bounds else ["tas", "pred"]].isel(time=step)
        one = one.assign(static=grid["static"])
        if not with_bounds:
            one["time"].attrs.pop("bounds", None)
        paths.append(folder / f"tas_{step:03d}.nc")
        one.to_netcdf(paths[-1])
    return paths


@pytest.mark.parametrize("with_bounds", [False, True])
def test_one_map_per_file_with_a_scalar_time_is_a_series_of_one_step_per_file(tmp_path, with_bounds):
    """break16 F4: 'unexpected error: IndexError' in info and train; each file is one step."""
    grid = _grid().isel(time=slice(0, 12))  # a year of files
    paths = _monthly_maps(tmp_path, grid, with_bounds=with_bounds)
    assert xr.open_dataset(paths[0])["time"].ndim == 0  # the files are what the finding describes
    opened = open_dataset([str(path) for path in paths])
    assert opened["tas"].dims == ("time", "lat", "lon")
    np.testing.assert_array_equal(opened["tas"].values, np.stack([grid["tas"].values[i] for i in range(len(paths))]))
    np.testing.assert_array_equal(opened["time"].values, grid["time"].values)
    # xarray names the scalar time in every variable's coordinates attribute: static too, at each step
    np.testing.assert_array_equal(opened["static"].values, np.broadcast_to(grid["static"].values, (12, 4, 6)))
    if with_bounds:
        np.testing.assert_array_equal(opened["time_bnds"].values, grid["time_bnds"].values)
    report = describe([str(path) for path in paths])
    assert "12 steps" in report and "tas" in report


def test_one_map_with_a_scalar_time_predicts_as_the_same_map_with_a_time_dimension(tmp_path):
    """break16 F4: predict said 'no time coordinate found … time (scalar)'."""
    grid = _grid()
    grid[["tas", "pred", "time_bnds"]].to_netcdf(tmp_path / "series.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "series.nc")], "target": "tas", "predictors": ["pred"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_training(config, run_dir=tmp_path / "run")
    map_path = tmp_path / "one.nc"
    grid[["tas", "pred", "time_bnds"]].isel(time=[40]).isel(time=0).to_netcdf(map_path)
    with_dim = tmp_path / "one_dim.nc"
    grid[["tas", "pred", "time_bnds"]].isel(time=[40]).to_netcdf(with_dim)
    predict_files(tmp_path / "run", [str(map_path)], tmp_path / "p1.nc")
    predict_files(tmp_path / "run", [str(with_dim)], tmp_path / "p2.nc")
    one, two = xr.open_dataset(tmp_path / "p1.nc"), xr.open_dataset(tmp_path / "p2.nc")
    assert one["tas_pred"].shape == (1, 4, 6)
    np.testing.assert_array_equal(one["tas_pred"].values, two["tas_pred"].values)
    np.testing.assert_array_equal(one["time"].values, grid["time"].values[[40]])


@pytest.mark.parametrize("named_by", [("tas",), ()])
def test_a_scalar_time_belongs_to_the_variables_whose_coordinates_name_it(named_by):
    """CF §5.7: a scalar coordinate applies to the variables that name it; when none does
    (NCO's ``ncwa -a time`` writes no coordinates attribute), to every field."""
    one = _grid().isel(time=3)[["tas", "static"]]
    for name in named_by:
        one[name].encoding["coordinates"] = "time"
    expanded = with_scalar_time_as_axis(one)
    assert expanded["tas"].dims == ("time", "lat", "lon")
    assert expanded["static"].dims == (("lat", "lon") if named_by else ("time", "lat", "lon"))
    np.testing.assert_array_equal(expanded["tas"].values[0], one["tas"].values)
    np.testing.assert_array_equal(expanded["time"].values, [one["time"].values])
