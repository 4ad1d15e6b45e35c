import numpy as np
import pytest

from climann.data.field import build_field_samples
from climann.errors import ClimannError
from tests.conftest import grid_dataset


def test_mean_inputs_are_area_weighted_means_and_outputs_are_whole_maps():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    samples = build_field_samples(dataset, target="tas", predictors=("pred",), features=("season",))
    assert samples.feature_names == ("pred_mean", "season_sin", "season_cos")
    weights = np.cos(np.deg2rad(dataset["lat"].values))[:, None] * np.ones((1, 4))
    hand = (dataset["pred"].values * weights).sum(axis=(1, 2)) / weights.sum()
    np.testing.assert_allclose(samples.inputs[:, 0], hand, rtol=1e-6)
    np.testing.assert_array_equal(samples.target, dataset["tas"].values.reshape(36, 12))
    assert samples.mask.all() and list(samples.time_index) == list(range(36))


def test_flattened_inputs_leave_out_cells_that_are_never_present():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    samples = build_field_samples(dataset, target="tas", predictors=("landonly",), features=(), field_inputs="flatten")
    assert samples.inputs.shape == (36, 12 - 3)  # the first longitude column is NaN throughout
    np.testing.assert_array_equal(samples.inputs[:, 0], dataset["landonly"].values[:, 0, 1])


def test_missing_target_cells_are_masked_and_incomplete_inputs_drop_the_time_step():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    dataset["tas"][:, 0, 0] = np.nan
    dataset["pred"][5] = np.nan
    samples = build_field_samples(dataset, target="tas", predictors=("pred",), features=())
    assert samples.n_dropped == 1 and 5 not in samples.time_index
    assert not samples.mask[:, 0].any() and samples.mask[:, 1:].all()
    # flat_index addresses exactly the present values, in target[mask] order
    positions = samples.flat_index
    np.testing.assert_array_equal(dataset["tas"].values.reshape(-1)[positions], samples.target[samples.mask])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"predictors": ("static",)}, "'static' is a static", id="static-predictor"),
        pytest.param({"features": ("lat",)}, "vary across the map", id="spatial-feature"),
        pytest.param({"field_inputs": "pca"}, "field_inputs 'pca'", id="bad-inputs"),
    ],
)
def test_field_mode_errors(options, message):
    settings = {"target": "tas", "predictors": ("pred",), "features": ()} | options
    with pytest.raises(ClimannError, match=message):
        build_field_samples(grid_dataset(), **settings)
