"""Predict of a run trained on one point onto a file of one point elsewhere
(climann/workflow/predict.py, other_place_message): two places, not a regridding."""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.workflow.predict import predict_files
from tests.fresh_python import bare_python, run_python

#: Paris-Montsouris (the training station) and a station near Lyon.
PARIS, LYON = (48.82, 2.34), (45.73, 5.08)


def _station(path, position, seed):
    """A one-point file with scalar lat/lon (CF §5.7): daily ``tas`` and ``huss`` for four years."""
    time = pd.date_range("2000-01-01", periods=4 * 365, freq="D")
    rng = np.random.default_rng(seed)
    humidity = rng.normal(size=time.size).astype(np.float32)
    tas = (283.0 + 8.0 * np.sin(2 * np.pi * time.dayofyear / 365.25) + humidity).astype(np.float32)
    xr.Dataset({"tas": ("time", tas, {"units": "K", "standard_name": "air_temperature"}),
                "huss": ("time", 0.008 + 0.001 * humidity, {"units": "1", "standard_name": "specific_humidity"})},
               coords={"time": ("time", time, {"bounds": "time_bnds"}),
                       "time_bnds": (("time", "nv"), np.stack([time, time + pd.Timedelta(days=1)], axis=1)),
                       "lat": ((), np.float32(position[0]), {"units": "degrees_north", "standard_name": "latitude"}),
                       "lon": ((), np.float32(position[1]), {"units": "degrees_east",
                                                             "standard_name": "longitude"})}).to_netcdf(path)
    return path


@pytest.fixture(scope="module", params=[pytest.param({"target_anomaly": True}, id="target-anomaly"),
                                        pytest.param({"anomalies": ["huss"]}, id="anomalies")])
def trained_at_paris(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("paris")
    data = _station(folder / "paris.nc", PARIS, seed=1)
    settings = {"data": {"paths": [str(data)], "target": "tas", "predictors": ["huss"], **request.param},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=folder / "run")
    return folder / "run"


def test_a_run_of_one_point_refuses_another_point_as_another_place(trained_at_paris, tmp_path, monkeypatch):
    """fix36a: the refusal advised regridding the data to the training grid (`cdo remapcon`), which
    cannot bring one point onto another; it says the two files hold different places, and its line
    writes the training position into a copy of the new file, which then predicts."""
    monkeypatch.chdir(tmp_path)
    _station(tmp_path / "lyon.nc", LYON, seed=2)
    with pytest.raises(ClimannError) as error:
        predict_files(trained_at_paris, [tmp_path / "lyon.nc"], tmp_path / "lyon_pred.nc")
    message = str(error.value)
    assert ("training climatology cell by cell, at its training point only: paris.nc and lyon.nc hold different "
            "places, one point each: paris.nc at 48.82° N, 2.34° E, lyon.nc at 45.73° N, 5.08° E; a point is not "
            "interpolated onto another point") in message
    assert "regrid the data" not in message and "remapcon" not in message
    assert not (tmp_path / "lyon_pred.nc").exists()
    code = re.search(r'`python -c "(.*)"`', bare_python(message)).group(1)
    run_python("-c", code, check=True, cwd=tmp_path)
    result = predict_files(trained_at_paris, [tmp_path / "lyon_at_training_point.nc"], tmp_path / "lyon_pred.nc")
    with xr.open_dataset(result.path) as written:
        np.testing.assert_array_equal(written["lat"].values.ravel(), np.float32([PARIS[0]]))
        assert np.isfinite(written["tas_pred"].values).all()


@pytest.fixture(scope="module")
def plain_run_at_paris(tmp_path_factory):
    """A run at Paris without a climatology: nothing in it refuses another place."""
    folder = tmp_path_factory.mktemp("plain")
    data = _station(folder / "paris.nc", PARIS, seed=1)
    settings = {"data": {"paths": [str(data)], "target": "tas", "predictors": ["huss"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=folder / "run")
    return folder / "run"


@pytest.mark.parametrize(("position", "warned"), [pytest.param(LYON, True, id="lyon"),
                                                  pytest.param(PARIS, False, id="paris")])
@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_a_run_of_one_place_given_another_place_says_so_naming_both(plain_run_at_paris, tmp_path, caplog, position,
                                                                     warned, command):
    """fix44d: a run trained at Paris predicted and scored Lyon's data without a word about the place. One warning
    line names both, with the training file; the training place itself is not warned about."""
    from climann.workflow.predict import evaluate_run

    _station(tmp_path / "new.nc", position, seed=2)
    with caplog.at_level(logging.WARNING, logger="climann"):
        if command == "predict":
            predict_files(plain_run_at_paris, [tmp_path / "new.nc"], tmp_path / "new_pred.nc")
        else:
            evaluate_run(plain_run_at_paris, [tmp_path / "new.nc"], tmp_path / "scores")
    said = [record.getMessage() for record in caplog.records if "another place" in record.getMessage()]
    expected = ("new.nc holds another place than the run was trained on: at 45.73° N, 5.08° E, not at 48.82° N, "
                "2.34° E in paris.nc; the network was fitted at its training place only")
    assert [message.startswith(expected) and "\n" not in message for message in said] == ([True] if warned else [])


def _grid(path, latitudes, longitudes, *, curvilinear=False, seed=3):
    """Daily ``tas`` and ``huss`` (as :func:`_station`'s) on the cells ``latitudes`` × ``longitudes``: 1-D axes, or
    2-D ``lat(y, x)``, ``lon(y, x)`` of the same cells (CF §5.2) when ``curvilinear``."""
    time = pd.date_range("2000-01-01", periods=2 * 365, freq="D")
    shape = (time.size, len(latitudes), len(longitudes))
    humidity = np.random.default_rng(seed).normal(size=shape).astype(np.float32)
    tas = (283.0 + 8.0 * np.sin(2 * np.pi * time.dayofyear / 365.25).values[:, None, None] + humidity)
    dims = ("y", "x") if curvilinear else ("lat", "lon")
    lat_attrs = {"units": "degrees_north", "standard_name": "latitude"}
    lon_attrs = {"units": "degrees_east", "standard_name": "longitude"}
    if curvilinear:
        lat2, lon2 = np.meshgrid(latitudes, longitudes, indexing="ij")
        coords = {"lat": (dims, lat2, lat_attrs), "lon": (dims, lon2, lon_attrs)}
    else:
        coords = {"lat": ("lat", np.asarray(latitudes), lat_attrs), "lon": ("lon", np.asarray(longitudes), lon_attrs)}
    xr.Dataset({"tas": (("time", *dims), tas.astype(np.float32), {"units": "K", "standard_name": "air_temperature"}),
                "huss": (("time", *dims), 0.008 + 0.001 * humidity, {"units": "1",
                                                                     "standard_name": "specific_humidity"})},
               coords={"time": ("time", time, {"bounds": "time_bnds"}),
                       "time_bnds": (("time", "nv"), np.stack([time, time + pd.Timedelta(days=1)], axis=1)),
                       **coords}).to_netcdf(path)
    return path


def _km(first, second):
    """Haversine distance on a sphere of the Earth's mean radius (6371.0088 km, IUGG), by hand."""
    (lat1, lon1), (lat2, lon2) = np.radians(first), np.radians(second)
    half = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(half))


@pytest.mark.parametrize("curvilinear", [pytest.param(False, id="1-D"), pytest.param(True, id="2-D")])
@pytest.mark.parametrize("with_paris", [pytest.param(True, id="paris-among-them"),
                                        pytest.param(False, id="all-elsewhere")])
@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_a_run_of_one_place_given_a_grid_says_how_many_places_lie_elsewhere_and_how_far(
        plain_run_at_paris, tmp_path, caplog, curvilinear, with_paris, command):
    """fix45d: a run trained at Paris given a grid of 6 cells (one at Paris or none) predicted and scored all of
    them with a note that the grid differs, and no word that the network never saw those places (only one place
    was compared). One line counts the places elsewhere and names the nearest and the farthest with their
    distances from Paris (numpy's haversine, within the sphere's 0.5 % of WGS84)."""
    from climann.workflow.predict import evaluate_run

    latitudes = [PARIS[0] if with_paris else 48.5, LYON[0]]
    longitudes = [PARIS[1], 4.0, LYON[1]]
    _grid(tmp_path / "grid.nc", latitudes, longitudes, curvilinear=curvilinear)
    with caplog.at_level(logging.WARNING, logger="climann"):
        if command == "predict":
            predict_files(plain_run_at_paris, [tmp_path / "grid.nc"], tmp_path / "grid_pred.nc")
        else:
            evaluate_run(plain_run_at_paris, [tmp_path / "grid.nc"], tmp_path / "scores")
    said = [record.getMessage() for record in caplog.records if "places" in record.getMessage()]
    assert len(said) == 1 and "\n" not in said[0], said
    cells = [(lat, lon) for lat in latitudes for lon in longitudes]
    others = [cell for cell in cells if cell != PARIS]
    distances = [_km(PARIS, cell) for cell in others]
    assert said[0].startswith("grid.nc holds 6 places and the run was trained at one, at 48.82° N, 2.34° E in "
                              f"paris.nc: {len(others)} of them lie elsewhere, from "), said[0]
    found = re.findall(r"([0-9.]+) km away at ([0-9.]+)° N, ([0-9.]+)° E", said[0])
    nearest, farthest = others[int(np.argmin(distances))], others[int(np.argmax(distances))]
    assert [(float(lat), float(lon)) for _, lat, lon in found] == [nearest, farthest]
    np.testing.assert_allclose([float(km) for km, _, _ in found], [min(distances), max(distances)], rtol=5e-3)
    assert ("(1 at the training place)" if with_paris else "(none at the training place)") in said[0]


TRAINING_LATS, TRAINING_LONS = [45.75, 47.25, 48.75], [2.25, 3.75, 5.25]


@pytest.fixture(scope="module")
def run_on_a_grid(tmp_path_factory):
    """A run trained on 3 × 3 cells of 1.5° over France."""
    folder = tmp_path_factory.mktemp("grid")
    data = _grid(folder / "france.nc", TRAINING_LATS, TRAINING_LONS, seed=4)
    settings = {"data": {"paths": [str(data)], "target": "tas", "predictors": ["huss"], "features": []},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=folder / "run")
    return folder / "run"


@pytest.mark.parametrize(("shift", "beyond"), [pytest.param(1.5, 5, id="shifted-a-cell"),
                                               pytest.param(0.0, 0, id="the-training-grid")])
@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_a_grid_partly_beyond_the_training_grid_is_said_to_be_so_cell_by_cell(run_on_a_grid, tmp_path, caplog,
                                                                                shift, beyond, command):
    """fix45d: a run trained on 3 × 3 cells given the grid shifted a cell north and east (4 cells in common, 5
    beyond) was told only that the grid differs. One line counts the cells beyond the training grid and names the
    nearest and the farthest with their distances from the nearest training cell (numpy: haversine to each of the 9
    training cells, the least, within the sphere's 0.5 % of WGS84); the training grid itself gets no such line."""
    from climann.workflow.predict import evaluate_run

    latitudes, longitudes = [lat + shift for lat in TRAINING_LATS], [lon + shift for lon in TRAINING_LONS]
    _grid(tmp_path / "shifted.nc", latitudes, longitudes, seed=5)
    with caplog.at_level(logging.WARNING, logger="climann"):
        if command == "predict":
            predict_files(run_on_a_grid, [tmp_path / "shifted.nc"], tmp_path / "pred.nc")
        else:
            evaluate_run(run_on_a_grid, [tmp_path / "shifted.nc"], tmp_path / "scores")
    said = [record.getMessage() for record in caplog.records if "beyond the training grid" in record.getMessage()]
    if not beyond:
        assert said == []
        return
    training = [(lat, lon) for lat in TRAINING_LATS for lon in TRAINING_LONS]
    outside = [(lat, lon) for lat in latitudes for lon in longitudes if (lat, lon) not in training]
    distances = [min(_km(cell, each) for each in training) for cell in outside]
    assert len(said) == 1 and said[0].startswith(
        f"{beyond} of the 9 cells of shifted.nc lie beyond the training grid (latitudes 45.75…48.75, longitudes "
        "2.25…5.25), from "), said
    found = re.findall(r"([0-9.]+) km at ([0-9.]+)° N, ([0-9.]+)° E", said[0])
    assert [(float(lat), float(lon)) for _, lat, lon in found] == [outside[int(np.argmin(distances))],
                                                                   outside[int(np.argmax(distances))]]
    np.testing.assert_allclose([float(km) for km, _, _ in found], [min(distances), max(distances)], rtol=5e-3)


#: Harvard Forest (US-Ha1, the training tower) and Tharandt (DE-Tha), 85.7° of longitude east of it.
HARVARD, THARANDT = (42.5378, -72.1715), (50.9626, 13.5651)


def _hourly_tower(path, position):
    """A one-point file of hourly ``gpp`` driven by ``sw`` (incoming shortwave at that longitude's local solar time)."""
    time = pd.date_range("2012-01-01", periods=3 * 365 * 24, freq="h")
    solar = (time.hour + position[1] / 15.0) % 24
    sw = np.clip(800 * np.sin(np.pi * (solar - 6) / 12), 0, None).astype(np.float32)
    xr.Dataset({"gpp": ("time", 0.02 * sw, {"units": "umol m-2 s-1"}), "sw": ("time", sw, {"units": "W m-2"})},
               coords={"lat": ((), position[0], {"units": "degrees_north", "standard_name": "latitude"}),
                       "lon": ((), position[1], {"units": "degrees_east", "standard_name": "longitude"}),
                       "time": time}).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def runs_at_harvard(tmp_path_factory):
    folder = tmp_path_factory.mktemp("harvard")
    data = _hourly_tower(folder / "us_ha1.nc", HARVARD)
    runs = {}
    for features in (["season", "hour"], ["season"]):
        settings = {"data": {"paths": [str(data)], "target": "gpp", "predictors": ["sw"], "features": features},
                    "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
        runs["+".join(features)] = run_training(build_config(settings), run_dir=folder / "+".join(features)).run_dir
    return runs


@pytest.mark.parametrize(("features", "position", "warned"), [
    pytest.param("season+hour", THARANDT, True, id="hour-at-tharandt"),
    pytest.param("season+hour", (HARVARD[0], HARVARD[1] + 5.0), False, id="hour-20-minutes-east"),
    pytest.param("season", THARANDT, False, id="no-hour-at-tharandt")])
def test_the_utc_hour_feature_at_another_longitude_is_warned_of_with_the_solar_time_shift(
        runs_at_harvard, tmp_path, caplog, features, position, warned):
    """break45a A3: a US-Ha1 run with the UTC hour feature scored at DE-Tha put Harvard's 17 UTC noon on Germany's
    evening (MSE 1.90 against 0.56 without hour), and only "another place" was said."""
    from climann.workflow.predict import evaluate_run

    _hourly_tower(tmp_path / "new.nc", position)
    with caplog.at_level(logging.WARNING, logger="climann"):
        evaluate_run(runs_at_harvard[features], [tmp_path / "new.nc"], tmp_path / "scores")
    said = [record.getMessage() for record in caplog.records if "hour feature is the UTC hour" in record.getMessage()]
    if not warned:
        assert said == []
        return
    shift = (np.float32(position[1]) - np.float32(HARVARD[1])) / 15.0  # local mean solar time = UTC + λ/15
    noon = [(12.0 - np.float32(longitude) / 15.0) * 60 for longitude in (position[1], HARVARD[1])]
    shown = [f"{int(round(minutes)) // 60:02d}:{int(round(minutes)) % 60:02d} UTC" for minutes in noon]
    assert said == [f"the run's hour feature is the UTC hour, and these data are {shift:.1f} h later in the local "
                    f"solar day than its training place at the same UTC hour (local mean solar noon at {shown[0]} here, "
                    f"{shown[1]} there; solar time = UTC + longitude/15°): the network's diurnal cycle is put "
                    f"{shift:.1f} h off; train without it (--features season) to transfer between longitudes, or give "
                    "predictors that carry the time of day (shortwave radiation)"]


@pytest.mark.parametrize(("position", "own_years"), [pytest.param(THARANDT, False, id="tharandt"),
                                                     pytest.param(HARVARD, True, id="harvard")])
def test_another_places_data_of_the_training_years_are_not_called_seen(runs_at_harvard, tmp_path, caplog, position,
                                                                        own_years):
    """break45a A8: scored at a tower 6 000 km away, a run was told its scores were "not of unseen data" because the
    years were its training years; at its own place they are."""
    from climann.workflow.predict import evaluate_run

    _hourly_tower(tmp_path / "new.nc", position)
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(runs_at_harvard["season"], [tmp_path / "new.nc"], tmp_path / "scores")
    said = [record.getMessage() for record in caplog.records if "not of unseen data" in record.getMessage()]
    assert len(said) == int(own_years)
    assert bool(metrics.get("own_years_scored")) == own_years
