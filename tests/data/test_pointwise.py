import numpy as np
import pytest
import xarray as xr

from climann.data.pointwise import build_pointwise_samples, data_variable_names
from climann.errors import ClimannError
from tests.conftest import grid_dataset


def build(dataset, **options):
    settings = {"target": "tas", "predictors": ("pred",), "features": ("lat",)} | options
    return build_pointwise_samples(dataset, **settings)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({}, id="ascending-lat-0-360"),
        pytest.param({"lat_descending": True}, id="descending-lat"),
        pytest.param({"lon_start": -180.0}, id="lon-minus-180-180"),
        pytest.param({"calendar": "360_day"}, id="360_day"),
    ],
)
def test_each_sample_holds_the_values_of_its_cell(options):
    dataset = grid_dataset(**options)
    samples = build(dataset, predictors=("pred", "static"), features=("lat", "lon"))
    assert samples.feature_names == ("pred", "static", "lat", "lon_sin", "lon_cos")
    n_time, n_lat, n_lon = samples.layout.shape
    t, i, j = np.unravel_index(samples.flat_index, (n_time, n_lat, n_lon))
    np.testing.assert_array_equal(samples.target[:, 0], dataset["tas"].values[t, i, j])
    np.testing.assert_array_equal(samples.inputs[:, 0], dataset["pred"].values[t, i, j])
    np.testing.assert_array_equal(samples.inputs[:, 1], dataset["static"].values[i, j])
    np.testing.assert_allclose(samples.inputs[:, 2], dataset["lat"].values[i])
    np.testing.assert_allclose(samples.inputs[:, 3], np.sin(np.deg2rad(dataset["lon"].values[j])), rtol=1e-6)
    # the layout keeps the input's coordinate order and puts samples back where they came from
    np.testing.assert_array_equal(samples.layout.latitude.values, dataset["lat"].values)
    np.testing.assert_array_equal(
        samples.layout.to_grid(samples.target[:, 0], samples.flat_index), dataset["tas"].values
    )


def test_samples_with_a_missing_feature_are_dropped_and_counted():
    dataset = grid_dataset()
    samples = build(dataset, predictors=("landonly",))
    n_time, n_lat, _ = samples.layout.shape
    assert samples.n_dropped == n_time * n_lat  # the first longitude column is NaN
    assert np.isfinite(samples.inputs).all()
    assert not np.isin(samples.flat_index % samples.layout.shape[2], [0]).any()


def test_dimension_order_of_the_file_is_recorded():
    dataset = grid_dataset().transpose("time", "lon", "lat")
    samples = build(dataset)
    assert samples.layout.file_dims == ("time", "lon", "lat")
    expected = dataset["tas"].transpose("time", "lat", "lon").values
    np.testing.assert_array_equal(samples.layout.to_grid(samples.target[:, 0], samples.flat_index), expected)


def test_size_one_extra_dimension_is_squeezed():
    dataset = grid_dataset()
    dataset["tas"] = dataset["tas"].expand_dims(height=[2.0], axis=1)
    samples = build(dataset)
    assert samples.layout.file_dims == ("time", "lat", "lon")
    assert samples.inputs.shape[0] == dataset["pred"].size


def test_unselected_extra_dimension_is_named_with_its_size():
    dataset = grid_dataset()
    dataset["pred"] = dataset["pred"].expand_dims(plev=[85000.0, 50000.0], axis=1)
    with pytest.raises(ClimannError, match=r"'pred' has extra dimensions plev \(2 values\)"):
        build(dataset)


def test_missing_variable_lists_the_available_ones_and_the_closest():
    dataset = grid_dataset()
    with pytest.raises(ClimannError, match=r"variable 'tass' not in .*available: tas, pred, static, landonly; did you mean 'tas'\?"):
        build(dataset, target="tass")


def test_bounds_variables_are_not_data():
    dataset = grid_dataset()
    dataset["lat_bnds"] = (("lat", "bnds"), np.zeros((dataset.sizes["lat"], 2)))
    dataset["lat"].attrs["bounds"] = "lat_bnds"
    assert "lat_bnds" not in data_variable_names(dataset)


def test_a_target_that_is_all_missing_is_a_clear_error():
    dataset = grid_dataset()
    dataset["tas"] = xr.full_like(dataset["tas"], np.nan)
    with pytest.raises(ClimannError, match="no sample has 'tas'"):
        build(dataset)
