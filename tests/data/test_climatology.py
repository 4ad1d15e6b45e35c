import numpy as np

from climann.data.climatology import monthly_climatology
from climann.data.pointwise import PointwiseSource
from tests.conftest import grid_dataset


def test_monthly_climatology_uses_only_the_chosen_years():
    dataset = grid_dataset(n_years=3)
    first_two_years = np.arange(36) < 24
    clim = monthly_climatology(dataset["pred"], first_two_years)
    hand = (dataset["pred"].values[0:12] + dataset["pred"].values[12:24]) / 2
    np.testing.assert_allclose(clim, hand, rtol=1e-6)


def test_months_without_data_are_nan():
    dataset = grid_dataset(n_years=1)
    clim = monthly_climatology(dataset["pred"], np.arange(12) < 6)
    assert np.isnan(clim[6:]).all() and np.isfinite(clim[:6]).all()


def test_anomaly_feature_is_value_minus_its_months_climatology():
    dataset = grid_dataset(n_years=3)
    clim = monthly_climatology(dataset["pred"], np.arange(36) < 24)
    source = PointwiseSource(dataset, target="tas", predictors=(), features=("lat",), anomalies={"pred": clim})
    samples = source.read_all()
    assert samples.feature_names == ("pred_anomaly", "lat")
    t, i, j = np.unravel_index(samples.flat_index, samples.layout.shape)
    np.testing.assert_allclose(samples.inputs[:, 0], dataset["pred"].values[t, i, j] - clim[t % 12, i, j], atol=1e-6)
