"""``climann.workflow.training_cells``: new data on a part of the training grid take the
training climatology of their own cells, found by coordinate value; on a rotated-pole grid
under the training grid's mapping only, and never on index-only rows and columns."""

import shutil

import numpy as np
import pytest
import xarray as xr

from climann.errors import ClimannError
from climann.model import Network
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.workflow.predict import predict_files
from climann.workflow.training_cells import axis_positions, same_summarised_grid
from tests.conftest import without_model_record
from tests.grid_files import POLE_LONGITUDE, write_curvilinear, write_rotated


ROWS, COLUMNS = [-60.0, -30.0, 0.0, 30.0, 60.0], [7.5, 22.5, 37.5, 322.5]


@pytest.mark.parametrize(("training", "values", "longitude", "expected"), [
    pytest.param(ROWS, [30.0, 0.0, -30.0], False, [3, 2, 1], id="rows-north-to-south"),
    pytest.param(COLUMNS, [-37.5, 7.5, 22.5], True, [3, 0, 1], id="longitude-modulo-360"),
    pytest.param(ROWS, [30.0 + 1e-9, 15.0], False, [3, -1], id="float-rounding-and-no-training-row"),
    pytest.param(COLUMNS, [-37.5], False, [-1], id="not-modulo-360-on-other-axes"),
])
def test_axis_positions(training, values, longitude, expected):
    found = axis_positions(np.array(training), np.array(values), longitude=longitude)
    np.testing.assert_array_equal(found, expected)


GRID = {"n_lat": 5, "n_lon": 4, "lat_range": [-60.0, 60.0], "lon_range": [7.5, 322.5],
        "first_cell": [-60.0, 7.5], "last_cell": [60.0, 322.5]}


@pytest.mark.parametrize(("new", "entries", "expected"), [
    pytest.param({}, None, True, id="the-same"),
    pytest.param({"lat_range": [-60.0 + 9e-4, 60.0]}, None, True, id="float32-rounding"),
    pytest.param({"lat_range": [-60.0 + 2e-3, 60.0]}, None, False, id="moved-beyond-1e-3-degrees"),
    pytest.param({"n_lon": 5}, None, False, id="another-size"),
    pytest.param({"first_cell": [60.0, 7.5], "last_cell": [-60.0, 322.5]}, None, False, id="rows-reversed"),
    pytest.param({"first_cell": [60.0, 7.5], "last_cell": [-60.0, 322.5]}, ("lat_range", "lon_range"), True,
                 id="rows-reversed-same-extent"),
])
def test_same_summarised_grid(new, entries, expected):
    args = () if entries is None else (entries,)
    assert same_summarised_grid(GRID, {**GRID, **new}, *args) is expected


def test_a_summary_recorded_before_first_and_last_cell_compares_the_extent():
    old = {key: GRID[key] for key in ("n_lat", "n_lon", "lat_range", "lon_range")}
    assert same_summarised_grid(old, {**GRID, "first_cell": [60.0, 7.5]}) is True


def _run(folder, data, target):
    config = build_config({
        "data": {"paths": [str(data)], "target": target, "predictors": [], "features": ["season"],
                 "lags": {target: [1]}, "target_anomaly": True, "split_fractions": [0.5, 0.25, 0.25]},
        "model": {"hidden": [4]}, "training": {"epochs": 2, "batch_size": 64},
        "evaluation": {"figures": False},
    })
    return run_training(config, run_dir=folder / "run").run_dir


@pytest.fixture(scope="module")
def rotated_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rotated")
    data = write_rotated(folder / "tas_rotated.nc", n_time=48)
    return data, _run(folder, data, "tas")


def _box(data, path, **mapping):
    """Rows 1–3 and columns 2–4 of the file (its own rlat/rlon values), ``mapping`` attributes
    of its rotated_pole changed."""
    with xr.open_dataset(data, decode_times=False) as source:
        box = source.load().isel(rlat=slice(1, 4), rlon=slice(2, 5))
    box["rotated_pole"].attrs.update(mapping)
    box.to_netcdf(path)
    return path


def test_a_box_of_the_rotated_training_grid_is_predicted_as_on_the_whole_grid(rotated_run, tmp_path):
    data, run_dir = rotated_run
    box = predict_files(run_dir, [str(_box(data, tmp_path / "box.nc"))], tmp_path / "box_pred.nc").path
    whole = predict_files(run_dir, [str(data)], tmp_path / "pred.nc").path
    with xr.open_dataset(box) as got, xr.open_dataset(whole) as want:
        assert got["tas_pred"].shape[1:] == (3, 3) and "lat" in got.coords  # the box's grid, its 2-D lat/lon
        expected = want["tas_pred"].values[:, 1:4, 2:5]
        assert np.isfinite(expected).sum() > 300
        np.testing.assert_allclose(got["tas_pred"].values, expected, rtol=0, atol=1e-4)


def test_a_box_under_another_rotated_pole_is_refused(rotated_run, tmp_path):
    """The same rlat/rlon values under another pole are other places: refused in one line."""
    data, run_dir = rotated_run
    moved = _box(data, tmp_path / "moved.nc", grid_north_pole_longitude=POLE_LONGITUDE + 20.0)
    with pytest.raises(ClimannError, match=r"^this run's \[data\] target_anomaly adds back .*: the data's rows and "
                                           r"columns \(rlat, rlon\) are the training grid's, but are the same cells "
                                           r"only under the same grid mapping, which the data do not share"):
        predict_files(run_dir, [str(moved)], tmp_path / "moved_pred.nc")


def test_a_model_file_without_the_grid_mapping_refuses_a_box_of_a_rotated_grid(rotated_run, tmp_path):
    data, run_dir = rotated_run
    old = shutil.copytree(run_dir, tmp_path / "old_run")
    network = Network.load(old / "model.npz")
    network.save(old / "model.npz", metadata={key: value for key, value in network.metadata.items()
                                              if key != "grid_mapping"})
    without_model_record(old)  # an older climann's run names no model
    with pytest.raises(ClimannError, match="and this run's model.npz predates the record of its grid mapping: give the data on the whole"):
        predict_files(old, [str(_box(data, tmp_path / "box.nc"))], tmp_path / "box_pred.nc")


def test_a_box_of_an_index_only_curvilinear_grid_is_refused_saying_why(tmp_path):
    """y/x without coordinate values: the box's cells cannot be found by value (not "regrid")."""
    data = write_curvilinear(tmp_path / "tos.nc", n_time=48)
    run_dir = _run(tmp_path, data, "tos")
    with xr.open_dataset(data, decode_times=False) as source:
        source.load().isel(y=slice(1, 4), x=slice(2, 5)).to_netcdf(tmp_path / "box.nc")
    with pytest.raises(ClimannError, match=r"their cells cannot be found in it by value \(y, x without coordinate "
                                           r"values\): give the data on the whole training grid, or retrain"):
        predict_files(run_dir, [str(tmp_path / "box.nc")], tmp_path / "box_pred.nc")
