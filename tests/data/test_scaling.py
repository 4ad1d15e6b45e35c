import numpy as np
import pytest

from climann.data.scaling import Standardizer
from climann.errors import ClimannError


def test_standardizer_matches_hand_computed_mean_and_std():
    values = np.array([[1.0, 10.0], [3.0, 10.5], [5.0, 12.5]], dtype=np.float32)
    scaler = Standardizer.fit(values, ["a", "b"])
    np.testing.assert_allclose(scaler.mean, [3.0, 11.0])
    np.testing.assert_allclose(scaler.std, [np.sqrt(8 / 3), np.sqrt((1 + 0.25 + 2.25) / 3)])
    scaled = scaler.transform(values)
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(scaler.inverse_transform(scaled), values, rtol=1e-6)


def test_zero_variance_feature_is_named():
    values = np.array([[1.0, 5.0], [2.0, 5.0]])
    with pytest.raises(ClimannError, match="feature\\(s\\) flat do not vary"):
        Standardizer.fit(values, ["ok", "flat"])
