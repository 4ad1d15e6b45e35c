import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from climann.data.scaling import RunningMoments, Standardizer
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


# --- streaming fit ------------------------------------------------------------------------------
def split_rows(values: np.ndarray, cuts) -> list[np.ndarray]:
    return np.split(values, cuts)


@pytest.mark.parametrize(
    "cuts",
    [
        pytest.param([], id="one-block"),
        pytest.param([1, 2, 3], id="single-rows-first"),
        pytest.param([0, 0, 500, 500, 999], id="with-empty-blocks"),
        pytest.param(list(range(10, 1000, 10)), id="many-small-blocks"),
    ],
)
def test_streaming_fit_equals_fit_on_the_concatenation(cuts):
    rng = np.random.default_rng(0)
    values = (rng.normal(size=(1000, 3)) * [1.0, 1e-3, 50.0] + [0.0, 7.0, 280.0]).astype(np.float32)
    streamed = Standardizer.fit_streaming(split_rows(values, cuts), ["a", "b", "c"])
    whole = Standardizer.fit(values, ["a", "b", "c"])
    np.testing.assert_allclose(streamed.mean, whole.mean, rtol=1e-12)
    np.testing.assert_allclose(streamed.std, whole.std, rtol=1e-12)
    assert streamed.names == ("a", "b", "c")


def test_streaming_fit_is_stable_for_a_large_offset():
    """1e9 + noise of σ ≈ 0.6: Σx² − n x̄² loses every digit of σ² in float64; the exact
    answer comes from integer arithmetic on the same values, scaled by 2⁻²⁰. The means of
    the 7 blocks are only known to ≈ 1e-7 (float64 near 1e9), which bounds the accuracy."""
    rng = np.random.default_rng(1)
    integers = rng.integers(-(2**20), 2**20, size=3000)
    values = (1e9 + integers / 2**20)[:, None]  # exact in float64
    streamed = Standardizer.fit_streaming(np.array_split(values, 7), ["x"])
    n = integers.size
    exact_variance = (n * (integers**2).sum() - integers.sum() ** 2) / n**2 / 2**40
    naive = (values**2).mean() - values.mean() ** 2
    assert abs(naive - exact_variance) > 0.1 * exact_variance  # the test can tell
    np.testing.assert_allclose(streamed.std[0] ** 2, exact_variance, rtol=1e-7)
    np.testing.assert_allclose(streamed.mean[0] - 1e9, integers.mean() / 2**20, atol=1e-6)


def test_streaming_fit_names_constant_features_across_blocks():
    blocks = [np.array([[1.0, 5.0], [2.0, 5.0]]), np.array([[3.0, 5.0]])]
    with pytest.raises(ClimannError, match="feature\\(s\\) flat do not vary"):
        Standardizer.fit_streaming(blocks, ["ok", "flat"])


@pytest.mark.parametrize(
    "blocks, message",
    [
        pytest.param([], "no training sample", id="no-block"),
        pytest.param([np.empty((0, 2))], "no training sample", id="only-empty-blocks"),
        pytest.param([np.ones((3, 3))], "does not have the 2 columns", id="wrong-columns"),
    ],
)
def test_streaming_fit_refuses_unusable_blocks(blocks, message):
    with pytest.raises(ClimannError, match=message):
        Standardizer.fit_streaming(iter(blocks), ["a", "b"])


def test_running_moments_split_large_blocks(monkeypatch):
    """Blocks above ROWS_PER_PASS rows are merged in parts, with the same result."""
    monkeypatch.setattr(RunningMoments, "ROWS_PER_PASS", 7)
    values = np.random.default_rng(2).normal(size=(100, 2))
    moments = RunningMoments(2)
    moments.update(values)
    np.testing.assert_allclose(moments.mean, values.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(moments.m2, ((values - values.mean(axis=0)) ** 2).sum(axis=0), rtol=1e-12)
    assert moments.count == 100


@settings(max_examples=50, deadline=None)
@given(
    values=arrays(np.float64, st.tuples(st.integers(2, 60), st.just(2)), elements=st.floats(-1e6, 1e6)),
    cuts=st.lists(st.integers(0, 60), max_size=6),
)
def test_streaming_fit_matches_fit_for_any_blocks(values, cuts):
    assume((values.std(axis=0) > 1e-3 * (1 + np.abs(values).max())).all())
    streamed = Standardizer.fit_streaming(split_rows(values, sorted(cuts)), ["a", "b"])
    whole = Standardizer.fit(values, ["a", "b"])
    np.testing.assert_array_equal(streamed.minimum, values.min(axis=0))
    np.testing.assert_array_equal(streamed.maximum, values.max(axis=0))
    np.testing.assert_allclose(streamed.mean, whole.mean, rtol=1e-9, atol=1e-9 * np.abs(values).max())
    np.testing.assert_allclose(streamed.std, whole.std, rtol=1e-9)


@pytest.mark.parametrize(
    "cuts", [pytest.param([0, 500, 1000], id="halves"), pytest.param([0, 1, 1, 700, 1000], id="uneven-with-empty")]
)
def test_merged_moments_of_chunks_equal_the_fit_on_all_samples(cuts):
    values = np.random.default_rng(5).normal(280.0, 12.0, size=(1000, 3))
    merged = RunningMoments(3)
    for start, stop in zip(cuts[:-1], cuts[1:]):
        chunk = RunningMoments(3)
        chunk.update(values[start:stop])
        merged.merge(chunk)
    fitted = Standardizer.fit(values, ["a", "b", "c"])
    scaler = merged.standardizer(["a", "b", "c"])
    assert merged.count == 1000
    np.testing.assert_allclose(scaler.mean, fitted.mean, rtol=1e-13)
    np.testing.assert_allclose(scaler.std, fitted.std, rtol=1e-12)
    # the range seen: the same from the chunks as from all samples, and that of the values
    np.testing.assert_array_equal(scaler.minimum, values.min(axis=0))
    np.testing.assert_array_equal(scaler.maximum, values.max(axis=0))
    np.testing.assert_array_equal(fitted.minimum, values.min(axis=0))
    np.testing.assert_array_equal(fitted.maximum, values.max(axis=0))
    assert scaler.range_dict() == {"names": ["a", "b", "c"], "min": values.min(axis=0).tolist(),
                                   "max": values.max(axis=0).tolist()}
    with pytest.raises(ClimannError, match="cannot merge"):
        merged.merge(RunningMoments(2))


def _moments(values):
    moments = RunningMoments(values.shape[1])
    moments.update(values)
    return moments


@pytest.mark.parametrize(
    "fit",
    [
        pytest.param(lambda values: Standardizer.fit(values, ["tas"], role="target"), id="in-memory"),
        pytest.param(lambda values: _moments(values).standardizer(["tas"], role="target"), id="streamed"),
    ],
)
def test_a_constant_target_is_called_the_target(fit):
    with pytest.raises(ClimannError, match=r"^the target tas does not vary over the training block "
                                           r"\(every value is 288.5\); there is nothing to learn"):
        fit(np.full((5, 1), 288.5))
