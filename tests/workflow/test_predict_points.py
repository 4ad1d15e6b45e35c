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
from tests.fresh_python import run_python

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
    code = re.search(r'`python -c "(.*)"`', message).group(1)
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
