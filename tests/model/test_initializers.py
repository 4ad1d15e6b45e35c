"""Tests for climann/model/initializers.py."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model.initializers import get_initializer

N_IN, N_OUT = 400, 300

# Standard deviation each scheme should give, from its definition:
# U(−r, r) has std r/√3.
EXPECTED_STD = {
    "glorot_uniform": np.sqrt(6 / (N_IN + N_OUT)) / np.sqrt(3),
    "glorot_normal": np.sqrt(2 / (N_IN + N_OUT)),
    "he_uniform": np.sqrt(6 / N_IN) / np.sqrt(3),
    "he_normal": np.sqrt(2 / N_IN),
    "lecun_normal": np.sqrt(1 / N_IN),
}


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in EXPECTED_STD])
def test_scale_shape_and_dtype(name):
    weights = get_initializer(name)(
        n_in=N_IN, n_out=N_OUT, rng=np.random.default_rng(0), dtype=np.float32
    )
    assert weights.shape == (N_IN, N_OUT)
    assert weights.dtype == np.float32
    # 120 000 draws: the sample std is within 1 % of the true one.
    assert weights.std() == pytest.approx(EXPECTED_STD[name], rel=0.01)
    assert abs(weights.mean()) < 0.05 * EXPECTED_STD[name]  # standard error: 0.003 std


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in ("glorot_uniform", "he_uniform")])
def test_uniform_schemes_stay_within_their_limit(name):
    fan_sum = N_IN + N_OUT if name.startswith("glorot") else N_IN
    weights = get_initializer(name)(
        n_in=N_IN, n_out=N_OUT, rng=np.random.default_rng(0), dtype=np.float64
    )
    assert np.abs(weights).max() <= np.sqrt(6 / fan_sum)


@pytest.mark.parametrize(
    "alias, name",
    [
        pytest.param("glorot", "glorot_uniform", id="glorot"),
        pytest.param("xavier", "glorot_uniform", id="xavier"),
        pytest.param("he", "he_normal", id="he"),
        pytest.param("kaiming", "he_normal", id="kaiming"),
        pytest.param("lecun", "lecun_normal", id="lecun"),
    ],
)
def test_aliases(alias, name):
    assert get_initializer(alias) is get_initializer(name)


def test_same_generator_state_gives_same_weights_and_no_global_state():
    draw = get_initializer("he")
    np.random.seed(1)
    first = draw(n_in=3, n_out=2, rng=np.random.default_rng(5), dtype=np.float64)
    np.random.seed(2)  # the global generator must play no part
    second = draw(n_in=3, n_out=2, rng=np.random.default_rng(5), dtype=np.float64)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(
        first, draw(n_in=3, n_out=2, rng=np.random.default_rng(6), dtype=np.float64)
    )


def test_unknown_initializer_lists_valid_names():
    with pytest.raises(
        ClimannError, match=r"unknown initializer 'hee'.*valid names:.*glorot.*did you mean 'he'"
    ):
        get_initializer("hee")
