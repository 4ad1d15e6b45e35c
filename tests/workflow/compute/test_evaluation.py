"""Tests for climann/workflow/compute/evaluation.py: scores from chunk sums, baselines from the workers."""

import numpy as np
import pytest

from climann.workflow.compute.chunks import chunk_blocks
from climann.workflow.compute.evaluation import (
    ScoreSums,
    acc_sums,
    area_means,
    counts_from_sums,
    fit_baselines,
    metrics_from_sums,
    score_sums,
    scores_from_sums,
)
from climann.data.batches import blocks_in_split
from climann.evaluation.baselines import LinearRegression, climatology_prediction, season_keys, training_key_counts
from climann.evaluation.metrics import score
from climann.evaluation.scores import score_blocks
from climann.workflow.preparation import open_selected, pointwise_source, prepare_data, resolve_inputs


@pytest.mark.parametrize("shift", [pytest.param(0.0, id="unshifted"), pytest.param(285.0, id="shifted")])
def test_scores_from_the_nine_sums_equal_the_metrics(shift):
    rng = np.random.default_rng(0)
    truth = 280 + 10 * rng.normal(size=500)
    predicted = truth + rng.normal(0.5, 2.0, size=500)
    weights = rng.uniform(0.1, 1.0, size=500)
    sums, scored, _ = score_sums(truth[:, None, None], [predicted[:, None, None]], np.ones((1, 1)),
                                 np.zeros(500, dtype=int), 1, shift=shift)
    assert scored[0, 0] == 500
    unweighted = scores_from_sums(sums[0, 0])
    expected = score(predicted, truth)
    assert unweighted == pytest.approx(expected, rel=1e-9)
    sums, *_ = score_sums(truth.reshape(1, 1, -1), [predicted.reshape(1, 1, -1)], weights.reshape(1, -1),
                         np.zeros(1, dtype=int), 1, shift=shift)
    assert scores_from_sums(sums[0, 0]) == pytest.approx(score(predicted, truth, weights), rel=1e-9)


def test_chunk_sums_added_up_give_the_scores_of_the_whole_grid():
    rng = np.random.default_rng(1)
    truth = 280 + rng.normal(size=(10, 3, 4))
    truth[2, 1, 1] = np.nan
    predictions = {"model": truth + rng.normal(size=truth.shape), "climatology": truth + 0.5,
                   "persistence": np.concatenate([np.full((1, 3, 4), np.nan), truth[:-1]])}
    area = rng.uniform(0.5, 1.5, size=(3, 4))
    masks = {"train": np.arange(10) < 6, "val": (np.arange(10) >= 6) & (np.arange(10) < 8), "test": np.arange(10) >= 8}
    block_of_step = np.select(list(masks.values()), [0, 1, 2], default=-1)
    reference = 280 + rng.normal(size=truth.shape) * 0.3  # the anomalies' climatology
    reference[4, 0, 2] = np.nan
    names = list(predictions)
    parts = []
    for start, stop in ((0, 3), (3, 7), (7, 10)):
        chunk = [p[start:stop] for p in predictions.values()]
        sums, scored, gaps = score_sums(truth[start:stop], chunk, area,
                                        block_of_step[start:stop], 3, shift=280.0, reference=1, first_step=start == 0)
        acc = acc_sums(truth[start:stop], chunk, reference[start:stop], area, block_of_step[start:stop], 3)
        parts.append(ScoreSums(sums, scored, np.zeros(3, dtype=int), 0, gaps, acc))
    total = parts[0] + parts[1] + parts[2]
    splits, n_samples = metrics_from_sums(total, list(masks), names)
    expected = score_blocks(predictions, truth, area, masks, climatology=reference)
    assert splits["train"]["model"]["acc_n_steps"] == 6 and np.isfinite(splits["train"]["model"]["acc"])
    for block in masks:
        assert list(splits[block]) == list(expected[block])
        for name in names:
            assert splits[block][name] == pytest.approx(expected[block][name], rel=1e-9, abs=1e-12), (block, name)
    # the network: every present value (6 steps × 12 cells in train less the missing one)
    assert n_samples == {"train": 6 * 12 - 1, "val": 24, "test": 24}
    # persistence: also not at step 0 (nothing before it) nor at step 3 where step 2 is missing
    assert splits["train"]["persistence"]["n_samples"] == 6 * 12 - 1 - 12 - 1
    # only the gap after the missing value is worth a note; step 0 is expected
    counts = counts_from_sums(total, list(masks), names)
    assert counts["train"]["persistence"] == (58, 71, 1) and counts["val"]["persistence"] == (24, 24, 0)


@pytest.mark.parametrize("area_weighted", [pytest.param(False, id="unweighted"), pytest.param(True, id="area")])
def test_baselines_fitted_on_the_workers_equal_the_in_memory_baselines(client, tiny_config, area_weighted):
    config = resolve_inputs(tiny_config)
    source = pointwise_source(config, open_selected(config))
    data = prepare_data(config, source)
    train = data.sample_masks["train"]
    keys, season_index = np.unique(season_keys(source.layout.time.values), return_inverse=True)
    blocks = blocks_in_split(chunk_blocks(source, chunk_mb=32), data.split.time_masks["train"])
    linear, climatology, counts = fit_baselines(client, source, blocks, data.input_scaler, dtype="float32",
                                                season_index=season_index, key_values=keys,
                                                area_weighted=area_weighted, window_days=61)
    # the loss's weights: each sample's cell area (cos latitude, mean 1) when area weighted
    cell = source.layout.cell_area_weights().ravel()[data.samples.flat_index % source.layout.n_cells]
    expected = LinearRegression.fit(data.scaled_inputs[train], data.samples.target[train],
                                    cell[train] if area_weighted else None)
    np.testing.assert_allclose(linear.weights, expected.weights, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(linear.bias, expected.bias, rtol=1e-9)
    truth = source.layout.to_grid(data.samples.target[:, 0].astype(np.float64), data.samples.flat_index)
    in_memory = climatology_prediction(truth, source.layout.time.values, data.split.time_masks["train"],
                                       window_days=61)
    np.testing.assert_allclose(climatology[season_index], in_memory, rtol=1e-12)
    # the training values of each key at each cell, as the in-memory route counts them
    np.testing.assert_array_equal(counts, training_key_counts(truth, source.layout.time.values,
                                                              data.split.time_masks["train"]))


def test_area_means_are_taken_over_the_cells_where_truth_and_model_are_present_each_baseline_on_its_own():
    truth = np.array([[[1.0, 2.0], [3.0, np.nan]], [[5.0, 6.0], [7.0, 8.0]]])
    model = np.array([[[1.5, np.nan], [3.0, 4.0]], [[5.0, 6.0], [7.0, 9.0]]])
    area = np.array([[1.0, 1.0], [2.0, 2.0]])
    persistence = np.array([[[np.nan, 9.0], [np.nan, 9.0]], [[np.nan, 7.0], [8.0, 6.0]]])
    means = area_means({"truth": truth, "model": model, "climatology": np.full_like(truth, 10.0),
                        "persistence": persistence}, area)
    # step 0: only cells (0, 0) and (1, 0) have both, weights 1 and 2
    np.testing.assert_allclose(means["truth"], [(1 + 2 * 3) / 3, (5 + 6 + 14 + 16) / 6])
    np.testing.assert_allclose(means["model"], [(1.5 + 6) / 3, (5 + 6 + 14 + 18) / 6])
    np.testing.assert_allclose(means["climatology"], [10.0, 10.0])
    # persistence lacks cells the truth has: compared on the cells both have (step 1: (0, 1), (1, 0), (1, 1))
    assert np.isnan(means["persistence"][0])
    np.testing.assert_allclose(means["persistence"][1] - means["truth"][1],
                               ((7 - 6) + 2 * (8 - 7) + 2 * (6 - 8)) / 5)


def test_persistence_in_chunks_is_by_date_and_missing_after_a_gap():
    from climann.workflow.compute.evaluation import ChunkEvaluation, evaluate_chunk
    from climann.data.pointwise import PointwiseSource
    from climann.data.scaling import Standardizer
    from climann.data.lags import previous_steps
    from climann.evaluation.baselines import persistence_prediction
    from climann.model import Network
    from tests.conftest import grid_dataset

    dataset = grid_dataset(n_years=2).isel(time=[k for k in range(24) if k not in (5, 6)])  # June, July 2000 missing
    source = PointwiseSource(dataset, target="tas", predictors=("pred",), features=())
    samples = source.read(0, source.n_time)
    network = Network([1, 1], seed=0)
    context = ChunkEvaluation(
        source, network, Standardizer.fit(samples.inputs, ("pred",)), Standardizer.fit(samples.target, ("tas",)),
        ("model", "persistence"), np.zeros(source.n_time, dtype=np.int64), 1,
        previous=previous_steps(source.layout.time.values),
    )
    chunks = [evaluate_chunk(context, start, min(start + 4, source.n_time))[0] for start in range(0, source.n_time, 4)]
    persistence = np.concatenate([grids["persistence"] for grids in chunks])
    expected = persistence_prediction(dataset["tas"].values.astype(np.float64), dataset["time"].values)
    np.testing.assert_array_equal(persistence, expected)
    # August 2000 (its July is missing) has none, though the array step before it (May) exists
    assert np.isnan(persistence[5]).all() and np.isfinite(persistence[4]).all()
