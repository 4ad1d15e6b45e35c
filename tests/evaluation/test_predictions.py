import re

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.pointwise import build_pointwise_samples
from climann.evaluation.predictions import predictions_dataset, split_labels, write_predictions
from tests.conftest import grid_dataset


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"lat_descending": True, "calendar": "360_day"}, id="descending-lat-360_day"),
        pytest.param({"lon_start": -180.0, "calendar": "julian"}, id="lon-180-julian"),
    ],
)
def test_predictions_file_round_trip(tmp_path, options):
    source = grid_dataset(**options)
    source["lat"].attrs["bounds"] = "lat_bnds"
    source["tas"].encoding.update({"dtype": "int16", "scale_factor": 0.01, "add_offset": 250.0})
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    predicted = truth + 0.5
    predicted[0, 0, 0] = np.nan
    labels = ["train"] * 12 + ["val"] * 12 + ["test"] * 12
    dataset = predictions_dataset(layout, truth, predicted, labels, history="climann train --test")
    path = write_predictions(dataset, tmp_path / "predictions.nc", layout)

    with xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as reopened:
        assert reopened["tas"].dims == ("time", "lat", "lon")
        np.testing.assert_array_equal(reopened["lat"].values, source["lat"].values)
        np.testing.assert_array_equal(reopened["lon"].values, source["lon"].values)
        assert list(reopened["time"].values) == list(source["time"].values)
        assert reopened["time"].encoding["calendar"] == options["calendar"]
        np.testing.assert_allclose(reopened["tas_error"].values[0, 1], 0.5, rtol=1e-5)
        assert np.isnan(reopened["tas_pred"].values[0, 0, 0])
        assert reopened["tas_pred"].attrs["units"] == "K"
        assert reopened["tas_pred"].attrs["standard_name"] == "air_temperature"
        assert "standard_name" not in reopened["tas_error"].attrs
        assert reopened["tas"].attrs["standard_name"] == "air_temperature"
        assert list(split_labels(reopened["split"])[[0, 12, 35]]) == ["train", "val", "test"]
        assert reopened.attrs["Conventions"] == "CF-1.8"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: climann train --test", reopened.attrs["history"])
    with netCDF4.Dataset(path) as raw:  # the input's packing must not leak into the output
        assert raw["tas"].dtype == np.float32
        assert not hasattr(raw["tas"], "scale_factor")
        for coordinate in ("time", "lat", "lon"):  # CF: no fill values on coordinates
            assert "_FillValue" not in raw[coordinate].ncattrs()
        assert "bounds" not in raw["lat"].ncattrs()  # lat_bnds is not in this file
        assert raw["split"].dtype == np.int8  # not a string: CDO and other tools read it
    assert [p.name for p in tmp_path.iterdir()] == ["predictions.nc"]  # no temporary left


# --- curvilinear and rotated-pole grids -------------------------------------------------------------
def _write_round_trip(dataset, target, path):
    samples = build_pointwise_samples(dataset, target=target, predictors=(), features=("lat",))
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    output = predictions_dataset(layout, truth, truth + 0.5, [""] * layout.shape[0], history="test")
    return write_predictions(output, path, layout)


@pytest.mark.parametrize("with_latlon", [pytest.param(True, id="2d-latlon"), pytest.param(False, id="mapping-only")])
def test_predictions_of_a_rotated_grid_keep_dims_latlon_and_grid_mapping(tmp_path, with_latlon):
    from climann.data.open import open_dataset
    from tests.grid_files import RLAT, RLON, rotated_to_geographic, write_rotated

    source = open_dataset([write_rotated(tmp_path / "rotated.nc", with_latlon=with_latlon)])
    path = _write_round_trip(source, "tas", tmp_path / "predictions.nc")
    true_lat, true_lon = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    with netCDF4.Dataset(path) as raw:
        assert raw["tas_pred"].dimensions == ("time", "rlat", "rlon")
        for name in ("tas", "tas_pred", "tas_error"):
            assert raw[name].grid_mapping == "rotated_pole"
            assert set(raw[name].coordinates.split()) == {"lat", "lon"}
        assert raw["lat"].dimensions == ("rlat", "rlon") and raw["lat"].units == "degrees_north"
        np.testing.assert_allclose(raw["lat"][:], true_lat, atol=1e-9)
        np.testing.assert_allclose((raw["lon"][:] - true_lon + 180) % 360 - 180, 0, atol=1e-9)
        np.testing.assert_array_equal(raw["rlat"][:], RLAT)
        assert raw["rlat"].standard_name == "grid_latitude"
        mapping = raw["rotated_pole"]
        assert mapping.grid_mapping_name == "rotated_latitude_longitude"
        assert (mapping.grid_north_pole_latitude, mapping.grid_north_pole_longitude) == (39.25, 198.0)
        if not with_latlon:  # computed, with the cell corners
            assert raw["lat"].bounds == "lat_bnds" and raw["lat_bnds"].dimensions == ("rlat", "rlon", "nv")
        np.testing.assert_allclose(raw["tas_error"][:], 0.5, rtol=1e-5)
    with xr.open_dataset(path) as reopened:  # xarray reads lat/lon back as coordinates
        assert reopened["tas_pred"].coords["lat"].dims == ("rlat", "rlon")


def test_predictions_of_a_curvilinear_grid_keep_index_dims_and_2d_coordinates_with_bounds(tmp_path):
    lat2d, lon2d = np.array([[10.0, 11.0, 12.0], [20.0, 21.0, 22.0]]), np.array([[0.0, 10.0, 20.0], [2.0, 12.0, 22.0]])
    corners = np.stack([lat2d - 5, lat2d - 5, lat2d + 5, lat2d + 5], axis=-1)
    times = xr.date_range("2000-01-01", periods=3, freq="MS", calendar="noleap", use_cftime=True)
    source = xr.Dataset(
        {"tos": (("time", "j", "i"), np.arange(18.0).reshape(3, 2, 3), {"units": "degC"}),
         "bounds_lat": (("j", "i", "nvertex"), corners),
         "bounds_lon": (("j", "i", "nvertex"), np.stack([lon2d - 5, lon2d + 5, lon2d + 5, lon2d - 5], axis=-1))},
        coords={"time": times,
                "nav_lat": (("j", "i"), lat2d, {"standard_name": "latitude", "bounds": "bounds_lat"}),
                "nav_lon": (("j", "i"), lon2d, {"standard_name": "longitude", "bounds": "bounds_lon"})},
    )
    path = _write_round_trip(source, "tos", tmp_path / "predictions.nc")
    with netCDF4.Dataset(path) as raw:
        assert raw["tos_pred"].dimensions == ("time", "j", "i")
        assert "j" not in raw.variables and "i" not in raw.variables  # index-only dims stay so
        assert not hasattr(raw["tos_pred"], "grid_mapping")
        assert raw["nav_lat"].bounds == "bounds_lat" and raw["bounds_lat"].dimensions == ("j", "i", "nvertex")
        np.testing.assert_array_equal(raw["bounds_lat"][:], corners)
        np.testing.assert_array_equal(raw["nav_lon"][:], lon2d)
        for name in ("nav_lat", "nav_lon", "bounds_lat"):
            assert "_FillValue" not in raw[name].ncattrs()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        pytest.param({"time_units": "months since 2000-01-01"}, "units 'months since 2000-01-01'", id="months-since"),
        pytest.param({"time_units": "days since 2000-01-01", "calendar": "martian"}, "calendar 'martian'",
                     id="unknown-calendar"),
    ],
)
def test_an_output_encoding_that_cannot_be_written_is_refused_up_front(change, named):
    import dataclasses

    from climann.errors import ClimannError
    from climann.evaluation.predictions import check_predictions_encodable

    layout = build_pointwise_samples(grid_dataset(), target="tas", predictors=("pred",), features=()).layout
    check_predictions_encodable(layout, ["persistence"])  # the input's own encoding is writable
    with pytest.raises(ClimannError, match=f"predictions.nc could not be written .*{named}"):
        check_predictions_encodable(dataclasses.replace(layout, **change), ["persistence"])
