import logging

import numpy as np
import pyproj
import pytest

from climann.data.defaults import default_inputs
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.vector_frames import component_frame, frame_mismatch, warn_frame_mismatch
from tests.conftest import OSI_PROJ4, ice_drift_dataset

LON_0 = -45.0  # OSI_PROJ4's lon_0


@pytest.mark.parametrize("standard_names", [pytest.param(True, id="cf-standard-names"),
                                            pytest.param(False, id="names-dX-dY-alone")])
def test_the_other_component_and_the_vectors_times_are_no_default_predictors(tmp_path, standard_names):
    """break45c A3: for the target dX, info proposed dY (the other half of the same measured displacement)
    and dt0 (when the vector's start was observed); OSI-455's t0/t1 are the same kind. The winds are kept."""
    raw = ice_drift_dataset(extra=("dt0", "t0", "t1"))
    if not standard_names:
        for name in ("dX", "dY"):
            del raw[name].attrs["standard_name"]
    raw.to_netcdf(tmp_path / "drift.nc")
    chosen = default_inputs(open_dataset([tmp_path / "drift.nc"]), "dX")
    assert chosen.predictors == ("u10", "v10")
    assert chosen.vector_partners == ("dY",)
    assert set(chosen.ancillary) == {"dt0", "t0", "t1"}
    notes = chosen.notes("dX")
    assert any(note.startswith("left out of the default predictors: dY, the other component of the vector whose "
                               "component 'dX' is") for note in notes)


def test_a_temperature_named_like_a_time_and_an_unrelated_y_variable_stay_predictors(tmp_path):
    """The rules are not names alone: ``t0`` in kelvin is no observation time, and ``ty`` in other
    units than ``tx`` is no component of tx's vector."""
    raw = ice_drift_dataset()
    rng = np.random.default_rng(3)
    shape = raw["u10"].shape
    raw["t0"] = raw["u10"].copy(data=rng.normal(260.0, 5.0, shape)).assign_attrs(units="K", standard_name="air_temperature")
    raw["tx"] = raw["u10"].copy(data=rng.normal(0.0, 0.1, shape)).assign_attrs(units="N m-2", standard_name="")
    raw["ty"] = raw["u10"].copy(data=rng.normal(0.0, 1.0, shape)).assign_attrs(units="m", standard_name="")
    raw.to_netcdf(tmp_path / "other.nc")
    chosen = default_inputs(open_dataset([tmp_path / "other.nc"]), "tx")
    assert {"t0", "ty"} <= set(chosen.predictors) and chosen.vector_partners == ()


def test_end_positions_of_the_vectors_are_moving_positions_left_out_with_their_note(tmp_path):
    """break45c A1, read on: lat1/lon1 (opened as data, beside the named fixed lat/lon) are positions that
    change in time, left out of the default predictors (with lat/lon they give the displacement itself)."""
    raw = ice_drift_dataset(end_positions=True)
    raw.to_netcdf(tmp_path / "drift.nc")
    chosen = default_inputs(open_dataset([tmp_path / "drift.nc"]), "dX")
    assert set(chosen.moving_positions) == {"lat1", "lon1"} and chosen.predictors == ("u10", "v10")


@pytest.mark.parametrize(("standard_name", "frame"), [
    pytest.param("sea_ice_x_displacement", "grid", id="ice-drift-x"),
    pytest.param("x_wind", "grid", id="x-wind"),
    pytest.param("sea_water_y_velocity", "grid", id="current-y"),
    pytest.param("eastward_wind", "geographic", id="eastward"),
    pytest.param("projection_x_coordinate", None, id="coordinate"),
    pytest.param("air_temperature", None, id="scalar"),
])
def test_the_frame_of_a_component_is_read_from_its_standard_name(standard_name, frame):
    variable = ice_drift_dataset(n_time=2)["dX"].assign_attrs(standard_name=standard_name)
    assert component_frame(variable) == frame


def _rotation_from_projection(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """γ (radians) by finite differences of the projection alone: the angle from the grid's x axis
    of a small step eastward, computed with pyproj's forward transform, independently of climann."""
    to_grid = pyproj.Transformer.from_crs("EPSG:4326", pyproj.CRS(OSI_PROJ4), always_xy=True)
    x0, y0 = to_grid.transform(lon, lat)
    x1, y1 = to_grid.transform(lon + 1e-4, lat)
    return np.arctan2(y1 - y0, x1 - x0)


def test_the_frame_warning_names_both_frames_and_a_rotation_that_holds(tmp_path, caplog):
    """break45c A2: dX along the polar-stereographic x axis against eastward/northward u10/v10 with the
    default features (lat, season) ran to skill 0.008 with no word. The warning names dX's grid frame, the
    winds' eastward/northward one and the way out. Its rotation is checked here: γ from the projection by
    finite differences is lon − lon₀, and a drift made along the grid's x axis is fitted by numpy's lstsq
    from the winds turned by it (R² ≈ 1), not from the winds and the latitude as they are."""
    raw = ice_drift_dataset(n_time=60)
    lon, lat = raw["lon"].values, raw["lat"].values
    gamma = _rotation_from_projection(lon, lat)
    np.testing.assert_allclose(np.angle(np.exp(1j * (gamma - np.deg2rad(lon - LON_0)))), 0.0, atol=1e-4)
    u, v = raw["u10"].values.astype(float), raw["v10"].values.astype(float)
    along_x = u * np.cos(gamma) - v * np.sin(gamma)
    raw["dX"] = raw["dX"].copy(data=(0.35 * along_x + np.random.default_rng(1).normal(0, 0.05, u.shape)).astype("f4"))
    raw.to_netcdf(tmp_path / "drift.nc")
    opened = open_dataset([tmp_path / "drift.nc"])
    forget_notes()
    with caplog.at_level(logging.WARNING):
        warn_frame_mismatch(opened, ["dY", "u10", "v10"], "dX", ("lat", "season"), where="drift.nc")
    said = [record.getMessage() for record in caplog.records if "meridian convergence" in record.getMessage()]
    assert len(said) == 1
    assert said[0].startswith("predictors in drift.nc: dX is a component along the x/y axes of the grid of "
                              "Polar_Stereographic_Grid (polar_stereographic), u10, v10 eastward/northward")
    assert "lon₀ = -45" in said[0] and "x = u·cos γ − v·sin γ" in said[0] and "--features lat,season,lon" in said[0]
    # the formula the warning gives, with γ = lon − lon₀, against the lstsq fits
    said_gamma = np.deg2rad(lon - LON_0)
    turned = (u * np.cos(said_gamma) - v * np.sin(said_gamma)).ravel()
    target = raw["dX"].values.astype(float).ravel()

    def r_squared(columns):
        design = np.column_stack([*columns, np.ones_like(target)])
        residual = target - design @ np.linalg.lstsq(design, target, rcond=None)[0]
        return 1.0 - residual.var() / target.var()

    as_given = r_squared([u.ravel(), v.ravel(), np.broadcast_to(lat, u.shape).ravel()])
    assert r_squared([turned]) > 0.99 and as_given < 0.6


@pytest.mark.parametrize(("target", "standard_name", "features", "warned"), [
    pytest.param("dX", "sea_ice_x_displacement", ("lat", "season"), True, id="grid-target-default-features"),
    pytest.param("dX", "sea_ice_x_displacement", ("lat", "lon", "season"), False, id="lon-feature-given"),
    pytest.param("dX", "eastward_sea_ice_velocity", ("lat", "season"), False, id="same-frame"),
    pytest.param("dX", "sea_ice_thickness", ("lat", "season"), False, id="no-vector"),
])
def test_the_frame_warning_only_when_the_frames_differ_and_lon_is_no_feature(target, standard_name, features, warned):
    dataset = ice_drift_dataset(n_time=2)
    dataset[target].attrs["standard_name"] = standard_name
    assert (frame_mismatch(dataset, target, ["u10", "v10"], features) is not None) == warned
