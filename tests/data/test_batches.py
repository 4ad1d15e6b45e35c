import threading
from dataclasses import dataclass
from pathlib import Path

import dask
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from climann.data.batches import (
    BatchStream,
    blocks_in_split,
    estimated_bytes,
    fit_standardizers,
    even_blocks,
)
from climann.data.open import open_dataset
from climann.data.pointwise import PointwiseSource
from climann.data.sample_data import write_sample_dataset
from climann.data.scaling import Standardizer
from climann.errors import ClimannError
from tests.conftest import grid_dataset

FEATURES = ("pred", "static", "landonly", "lat", "season_sin", "season_cos")


@pytest.fixture
def source(write_grid) -> PointwiseSource:
    """3 years × 4 × 6 cells; ``landonly`` drops the first longitude column."""
    dataset = open_dataset([write_grid(n_years=3)])
    return PointwiseSource(dataset, target="tas", predictors=("pred", "static", "landonly"), features=("lat", "season"))


@pytest.fixture
def train_blocks(source) -> list[tuple[int, int]]:
    """Blocks of 5 steps cut to the first 28 of 36 steps: 6 blocks, the last of 3 steps."""
    mask = np.arange(source.n_time) < 28
    return blocks_in_split(source.time_blocks(max_bytes=5 * source.layout.n_cells * 4 * 11), mask)


def stream_of(source, blocks, **options) -> BatchStream:
    scalers = fit_standardizers(source, blocks)
    settings = {"batch_size": 7, "rng": 0, "area_weighted": True} | options
    return BatchStream(source, blocks, input_scaler=scalers[0], target_scaler=scalers[1], **settings)


def rows(batches) -> np.ndarray:
    """Every sample as one row (X, y, w), sorted, to compare multisets of samples."""
    table = np.concatenate([np.column_stack([X, y, w]) for X, y, w in batches])
    return table[np.lexsort(table.T[::-1])]


def copied(batches) -> list:
    return [tuple(None if a is None else a.copy() for a in batch) for batch in batches]


# --- blocks ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "mask, expected",
    [
        pytest.param("11111111", [(0, 4), (4, 8)], id="all"),
        pytest.param("01111011", [(1, 4), (4, 5), (6, 8)], id="gap-inside-a-block"),
        pytest.param("00001111", [(4, 8)], id="second-block-only"),
        pytest.param("10000001", [(0, 1), (7, 8)], id="ends"),
        pytest.param("00000000", [], id="none"),
    ],
)
def test_blocks_are_cut_to_the_split(mask, expected):
    time_mask = np.array([c == "1" for c in mask])
    assert blocks_in_split([(0, 4), (4, 8)], time_mask) == expected


def test_training_blocks_fixture_shape(source, train_blocks):
    assert [stop - start for start, stop in train_blocks] == [5, 5, 5, 5, 5, 3]
    assert train_blocks[-1][1] == 28


def test_estimated_bytes_counts_every_grid_point(source):
    per_sample = (len(FEATURES) + 2) * 4
    assert estimated_bytes(source) == 36 * 24 * per_sample
    assert estimated_bytes(source, [(0, 5), (10, 12)]) == 7 * 24 * per_sample


# --- one epoch ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "batch_size, buffer_blocks",
    [
        pytest.param(7, 4, id="default-buffer"),
        pytest.param(1, 1, id="batch-1-within-chunk"),
        pytest.param(64, 2, id="batches-span-chunks"),
        pytest.param(10_000, 4, id="one-batch"),
    ],
)
def test_every_training_sample_appears_once_standardised(source, train_blocks, batch_size, buffer_blocks):
    stream = stream_of(source, train_blocks, batch_size=batch_size, buffer_blocks=buffer_blocks)
    parts = [source.read(start, stop) for start, stop in train_blocks]
    inputs = np.concatenate([p.inputs for p in parts]).astype(np.float64)
    target = np.concatenate([p.target for p in parts]).astype(np.float64)
    cells = np.concatenate([p.flat_index for p in parts]) % source.layout.n_cells
    # independent scaling: mean and population std of the training samples, by hand
    expected = np.column_stack([
        (inputs - inputs.mean(axis=0)) / inputs.std(axis=0),
        (target - target.mean()) / target.std(),
        source.layout.cell_area_weights().ravel()[cells],
    ])
    got = rows(stream)
    assert got.shape == (len(inputs), len(FEATURES) + 2) and len(inputs) == 28 * 4 * 5
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected[np.lexsort(expected.T[::-1])], rtol=1e-5, atol=1e-5)


def test_batch_sizes_and_last_partial_batch(source, train_blocks):
    sizes = [X.shape[0] for X, y, w in stream_of(source, train_blocks, batch_size=64)]
    assert sizes == [64] * (560 // 64) + [560 % 64]


def test_weights_are_the_cell_areas_of_the_samples(source, train_blocks):
    """cos φ normalised to mean 1 over the grid, φ recovered from the (unscaled) lat feature."""
    stream = stream_of(source, train_blocks)
    scaler = fit_standardizers(source, train_blocks)[0]
    column = FEATURES.index("lat")
    latitudes = np.deg2rad(source.layout.latitude.values)
    for X, y, w in stream:
        latitude = np.deg2rad(X[:, column] * scaler.std[column] + scaler.mean[column])
        np.testing.assert_allclose(w, np.cos(latitude) / np.cos(latitudes).mean(), rtol=1e-5)


def test_no_weights_unless_asked(source, train_blocks):
    assert all(w is None for X, y, w in stream_of(source, train_blocks, area_weighted=False))


def test_weights_from_cell_bounds(tmp_path):
    """A file with lat/lon bounds: w ∝ sin φ₂ − sin φ₁ (a 30° grid, so cos φ would differ)."""
    path = write_sample_dataset(tmp_path / "bounds.nc", years=1, resolution=30)
    source = PointwiseSource(open_dataset([path]), target="tas", predictors=("rsdt",), features=("lat",))
    stream = stream_of(source, source.time_blocks(max_bytes=10_000))
    scaler = fit_standardizers(source, [(0, 12)])[0]
    edges = np.deg2rad(np.arange(-90, 91, 30))
    band_area = np.diff(np.sin(edges))
    for X, y, w in stream:
        latitude = X[:, 1] * scaler.std[1] + scaler.mean[1]
        band = np.floor((latitude + 90) / 30).astype(int)
        np.testing.assert_allclose(w, band_area[band] / band_area.mean(), rtol=1e-5)


# --- shuffling --------------------------------------------------------------------------------------
def test_same_seed_same_batches_and_epochs_differ(source, train_blocks):
    first, second = stream_of(source, train_blocks, rng=3), stream_of(source, train_blocks, rng=3)
    epochs_first = [copied(first) for _ in range(2)]
    epochs_second = [copied(second) for _ in range(2)]
    for a, b in zip(epochs_first, epochs_second):
        for batch_a, batch_b in zip(a, b, strict=True):
            for array_a, array_b in zip(batch_a, batch_b):
                np.testing.assert_array_equal(array_a, array_b)
    inputs = [np.concatenate([X for X, y, w in epoch]) for epoch in epochs_first]
    assert not np.array_equal(inputs[0], inputs[1])
    np.testing.assert_array_equal(rows(epochs_first[0]), rows(epochs_first[1]))
    other_seed = np.concatenate([X for X, y, w in stream_of(source, train_blocks, rng=4)])
    assert not np.array_equal(inputs[0], other_seed)


def test_batches_mix_time_steps_of_different_chunks(source, train_blocks):
    """With 4 of 6 chunks in the buffer, the first batches hold several seasons (chunks of 5
    months each); a reading in time order would give one or two."""
    stream = stream_of(source, train_blocks, batch_size=32)
    season = FEATURES.index("season_sin")
    first_batches = [X for X, y, w in stream][:5]
    assert len(np.unique(np.concatenate(first_batches)[:, season])) > 5


def test_an_abandoned_epoch_does_not_change_the_next(source, train_blocks):
    complete, abandoned = stream_of(source, train_blocks, rng=5), stream_of(source, train_blocks, rng=5)
    list(complete)
    for index, _ in enumerate(abandoned):
        if index == 2:
            break
    np.testing.assert_array_equal(rows(complete), rows(abandoned))
    np.testing.assert_array_equal(next(iter(complete)).inputs, next(iter(abandoned)).inputs)
    assert not any(t.name.startswith("climann-read") and t.is_alive() for t in threading.enumerate())


@pytest.mark.parametrize("skipped", [pytest.param(0, id="none"), pytest.param(1, id="one"), pytest.param(2, id="two")])
def test_skipping_epochs_gives_the_batches_of_the_following_epoch(source, train_blocks, skipped):
    # A resumed training run: a new stream, positioned after the epochs already trained.
    whole = stream_of(source, train_blocks, rng=6)
    epochs = [copied(whole) for _ in range(skipped + 1)]
    resumed = stream_of(source, train_blocks, rng=6)
    resumed.skip_epochs(skipped)
    for expected, batch in zip(epochs[-1], resumed, strict=True):
        np.testing.assert_array_equal(batch.inputs, expected[0])


def test_skipping_a_negative_number_of_epochs_is_refused(source, train_blocks):
    with pytest.raises(ClimannError, match="n_epochs must be an integer >= 0"):
        stream_of(source, train_blocks).skip_epochs(-1)


def test_reading_errors_reach_the_consumer(source, train_blocks, monkeypatch):
    stream = stream_of(source, train_blocks)

    def broken(start, stop):
        raise OSError("disk gone")

    monkeypatch.setattr(source, "read", broken)
    with pytest.raises(OSError, match="disk gone"):
        list(stream)


def test_count_samples(source, train_blocks):
    stream = stream_of(source, train_blocks)
    assert stream.max_samples == 28 * 24
    assert stream.count_samples() == 28 * 20  # the first longitude column is missing
    assert sum(X.shape[0] for X, y, w in stream) == stream.count_samples()


@dataclass(frozen=True)
class _Samples:
    inputs: np.ndarray
    target: np.ndarray
    flat_index: np.ndarray


class _CountingSource:
    """Duck-typed PointwiseSource: ``sizes[k]`` samples at step k, numbered consecutively."""

    feature_names = ("id",)

    def __init__(self, sizes):
        self.sizes, self.starts = sizes, np.concatenate([[0], np.cumsum(sizes)])
        self.n_time = len(sizes)
        self.layout = type("Layout", (), {"n_cells": max(sizes + [1]), "cell_area_weights": None})()

    def read(self, start, stop):
        ids = np.arange(self.starts[start], self.starts[stop], dtype=np.float64)
        return _Samples(ids[:, None], ids[:, None], np.zeros(ids.size, np.int64))


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 30), min_size=1, max_size=12),
    steps_per_block=st.integers(1, 4),
    batch_size=st.integers(1, 40),
    buffer_blocks=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_chunking_gives_each_sample_once_in_full_batches(sizes, steps_per_block, batch_size, buffer_blocks, seed):
    source = _CountingSource(sizes)
    blocks = [(start, min(start + steps_per_block, len(sizes))) for start in range(0, len(sizes), steps_per_block)]
    identity = Standardizer(np.zeros(1), np.ones(1), ("id",))
    stream = BatchStream(source, blocks, input_scaler=identity, target_scaler=identity, batch_size=batch_size,
                         rng=seed, buffer_blocks=buffer_blocks, dtype="float64")
    batches = list(stream)
    ids = np.concatenate([X[:, 0] for X, y, w in batches] or [np.empty(0)])
    np.testing.assert_array_equal(np.sort(ids), np.arange(sum(sizes)))
    assert all(X.shape[0] == batch_size for X, y, w in batches[:-1])
    assert all(np.array_equal(X, y) for X, y, w in batches)


def counting_stream(*, chunks: int, chunk_size: int, batch_size: int, buffer_blocks: int, rng=0) -> BatchStream:
    """A stream over ``chunks`` one-step blocks of ``chunk_size`` samples numbered 0, 1, …"""
    source = _CountingSource([chunk_size] * chunks)
    identity = Standardizer(np.zeros(1), np.ones(1), ("id",))
    return BatchStream(source, [(k, k + 1) for k in range(chunks)], input_scaler=identity, target_scaler=identity,
                       batch_size=batch_size, rng=rng, buffer_blocks=buffer_blocks, dtype="float64")


def test_chunks_are_visited_in_a_new_random_order_each_epoch():
    """buffer_blocks=1 and batches of one chunk: each batch is one chunk, shuffled inside."""
    stream = counting_stream(chunks=8, chunk_size=10, batch_size=10, buffer_blocks=1)
    orders = []
    for _ in range(3):
        batches = [X[:, 0] for X, y, w in stream]
        assert all(np.ptp(b // 10) == 0 and not (np.diff(b) > 0).all() for b in batches)
        orders.append([int(b[0] // 10) for b in batches])
    assert all(sorted(order) == list(range(8)) for order in orders)
    assert orders[0] != list(range(8)) and len({tuple(order) for order in orders}) == 3


@pytest.mark.parametrize(
    "buffer_blocks",
    [pytest.param(4, id="drawn-while-streaming"), pytest.param(9, id="all-drawn-at-the-end")],
)
def test_the_buffer_mixes_the_chunks_it_holds(buffer_blocks):
    """The first batch is drawn when ``buffer_blocks`` chunks are buffered (at the
    end of the epoch with 9): it holds samples of several of them, not a run of one chunk."""
    stream = counting_stream(chunks=8, chunk_size=10, batch_size=8, buffer_blocks=buffer_blocks)
    first = next(iter(stream)).inputs[:, 0]
    assert len(np.unique(first // 10)) >= 3


def test_streaming_fit_equals_the_in_memory_fit(source, train_blocks):
    xs, ys = fit_standardizers(source, train_blocks)
    inputs = np.concatenate([source.read(start, stop).inputs for start, stop in train_blocks])
    target = np.concatenate([source.read(start, stop).target for start, stop in train_blocks])
    expected_x, expected_y = Standardizer.fit(inputs, FEATURES), Standardizer.fit(target, ("tas",))
    np.testing.assert_allclose(xs.mean, expected_x.mean, rtol=1e-12)
    np.testing.assert_allclose(xs.std, expected_x.std, rtol=1e-12)
    np.testing.assert_allclose([ys.mean[0], ys.std[0]], [expected_y.mean[0], expected_y.std[0]], rtol=1e-12)
    assert xs.names == FEATURES and ys.names == ("tas",)
    # the training range of each feature, read in the same pass
    np.testing.assert_array_equal(xs.minimum, inputs.min(axis=0))
    np.testing.assert_array_equal(xs.maximum, inputs.max(axis=0))


@pytest.mark.parametrize(
    "options, message",
    [
        pytest.param({"batch_size": 0}, "batch_size must be an integer >= 1", id="batch-size"),
        pytest.param({"buffer_blocks": 0}, "buffer_blocks must be", id="buffer"),
        pytest.param({"dtype": "int8"}, "dtype must be float32 or float64", id="dtype"),
        pytest.param({"blocks": [(30, 40)]}, "within 0…36", id="past-the-end"),
        pytest.param({"blocks": []}, "non-empty", id="no-blocks"),
    ],
)
def test_invalid_settings_are_refused(source, train_blocks, options, message):
    xs, ys = fit_standardizers(source, train_blocks)
    settings = {"blocks": train_blocks, "batch_size": 8, "rng": 0} | options
    with pytest.raises(ClimannError, match=message):
        BatchStream(source, settings.pop("blocks"), input_scaler=xs, target_scaler=ys, **settings)


def test_scalers_of_other_features_are_refused(source, train_blocks):
    xs, ys = fit_standardizers(source, train_blocks)
    other = Standardizer(xs.mean[:2], xs.std[:2], ("pred", "static"))
    with pytest.raises(ClimannError, match="the source has"):
        BatchStream(source, train_blocks, input_scaler=other, target_scaler=ys, batch_size=8, rng=0)


# --- laziness ---------------------------------------------------------------------------------------
def raising_scheduler(graph, keys, **kwargs):
    raise AssertionError("dask computed before the batch boundary")


@pytest.fixture
def computations():
    """Keys of each dask computation, from any thread, while the fixture is active."""
    calls = []

    def counting_scheduler(graph, keys, **kwargs):
        calls.append(keys)
        return dask.get(graph, keys, **kwargs)

    with dask.config.set(scheduler=counting_scheduler):
        yield calls


def test_building_the_stream_computes_nothing_and_each_chunk_once(write_grid, train_blocks, computations):
    path = write_grid("lazy.nc", n_years=3)
    scalers = Standardizer(np.zeros(6), np.ones(6), FEATURES), Standardizer(np.zeros(1), np.ones(1), ("tas",))
    with dask.config.set(scheduler=raising_scheduler):
        dataset = open_dataset([path])
        source = PointwiseSource(
            dataset, target="tas", predictors=("pred", "static", "landonly"), features=("lat", "season")
        )
        stream = BatchStream(source, train_blocks, input_scaler=scalers[0], target_scaler=scalers[1],
                             batch_size=16, rng=0, area_weighted=True)
        assert estimated_bytes(source) > 0 and stream.max_samples == 28 * 24
    assert computations == []
    list(stream)
    assert len(computations) == len(train_blocks)


def test_streaming_fit_computes_once_per_block(source, train_blocks, computations):
    fit_standardizers(source, train_blocks)
    assert len(computations) == len(train_blocks)


def test_a_file_with_bounds_is_opened_without_computing_data(tmp_path):
    # bounds (cell edges) are read at open time like coordinates; data variables stay lazy
    path = write_sample_dataset(tmp_path / "bounds.nc", years=1, resolution=30)
    with dask.config.set(scheduler=raising_scheduler):
        PointwiseSource(open_dataset([Path(path)]), target="tas", predictors=("rsdt",), features=("lat",))


@pytest.mark.parametrize("with_latlon", [pytest.param(True, id="2d-latlon"), pytest.param(False, id="mapping-only")])
def test_a_rotated_grid_with_a_region_is_opened_and_planned_without_computing_data(tmp_path, with_latlon):
    """2-D coordinates are read at open time like coordinates; the region mask stays lazy."""
    from climann.data.subset import select_region
    from tests.grid_files import write_rotated

    path = write_rotated(tmp_path / "rotated.nc", with_latlon=with_latlon)
    with dask.config.set(scheduler=raising_scheduler):
        dataset = select_region(open_dataset([path]), (45.0, 55.0, 0.0, 20.0))
        source = PointwiseSource(dataset, target="tas", predictors=(), features=("lat", "lon"))
        assert source.layout.is_curvilinear and source.layout.cell_area_weights().shape == source.layout.shape[1:]


def test_even_blocks_cut_the_samples_training_years_into_equal_halves_for_two_replicas():
    """The sample's training block (168 months) in 11 blocks of 15 and one of 3: 12 of 14."""
    blocks = [(start, min(start + 15, 168)) for start in range(0, 168, 15)]
    assert even_blocks(blocks) == [(14 * k, 14 * (k + 1)) for k in range(12)]


def test_even_blocks_give_two_replicas_as_many_blocks_of_as_many_steps():
    """An odd number of blocks (9 of 6 steps) for 2 replicas: 10 blocks, 27 steps for each
    replica's every other block instead of 30 against 24."""
    blocks = [(6 * k, 6 * k + 6) for k in range(9)]
    cut = even_blocks(blocks, multiple_of=2)
    assert len(cut) == 10
    assert [sum(b - a for a, b in cut[replica::2]) for replica in (0, 1)] == [27, 27]
    assert [sum(b - a for a, b in blocks[replica::2]) for replica in (0, 1)] == [30, 24]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 40), st.integers(0, 3)), min_size=0, max_size=12), st.integers(1, 5))
def test_even_blocks_keep_the_steps_reach_the_multiple_and_never_lengthen_the_longest(lengths_and_gaps, multiple):
    blocks, start = [], 0
    for length, gap in lengths_and_gaps:
        start += gap
        blocks.append((start, start + length))
        start += length
    cut = even_blocks(blocks, multiple_of=multiple)
    steps = lambda bs: [step for first, last in bs for step in range(first, last)]  # noqa: E731
    assert steps(cut) == steps(blocks)
    wanted = -(-len(blocks) // multiple) * multiple
    assert len(cut) == min(wanted, len(steps(blocks)))  # at most one block per step
    assert even_blocks(blocks) == even_blocks(blocks, multiple_of=1) and len(even_blocks(blocks)) == len(blocks)
    assert max((b - a for a, b in cut), default=0) <= max((b - a for a, b in blocks), default=0)
    runs: list[list[int]] = []  # lengths within each run of consecutive blocks differ by at most one
    for (first, last), previous in zip(cut, [None, *cut[:-1]]):
        if previous is None or previous[1] != first:
            runs.append([])
        runs[-1].append(last - first)
    assert all(max(run) - min(run) <= 1 for run in runs)


def test_a_streamed_training_block_without_samples_names_the_missing_predictor(tmp_path):
    """fit_standardizers refuses, before fitting, a training block where a predictor is
    missing wherever the target is present, and names it."""
    dataset = grid_dataset(n_years=3)
    dataset["pred"][:12] = np.nan  # the first year
    path = tmp_path / "gaps.nc"
    dataset.to_netcdf(path)
    source = PointwiseSource(open_dataset([path]), target="tas", predictors=["pred"], features=[])
    with pytest.raises(ClimannError, match="^the training block has no sample with 'tas' and every feature present: "
                                           "pred is missing wherever 'tas' is present; leave it out"):
        fit_standardizers(source, [(0, 12)])
    n_target, missing = source.missing_where_target_present(np.arange(36) >= 6)  # half a year without pred
    tas_present = np.isfinite(dataset["tas"].values[6:])
    assert n_target == tas_present.sum()
    assert missing == {"pred": pytest.approx(np.isnan(dataset["pred"].values[6:])[tas_present].mean())}
    assert missing["pred"] == pytest.approx(6 / 30)
