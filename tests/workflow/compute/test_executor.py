"""Tests for climann/workflow/compute/executor.py: a streamed run (data beyond ``[data]
in_memory_limit_gb``) trains through the chunk route of a cluster run in this process — the
weights of one replica of local SGD over the same chunks, computed here from the model layer's
pieces; one chunk in memory at a time; stopped between rounds, it resumes to the same weights."""

import os
import signal
import weakref
from pathlib import Path

import numpy as np
import pytest

from climann.data.batches import blocks_in_split, fit_standardizers, standardised_table
from climann.data.scaling import Standardizer
from climann.errors import Interrupted
from climann.model import Network
from climann.model.threads import one_blas_thread
from climann.workflow.checkpoints import CHECKPOINT_NAME
from climann.workflow.compute import chunks
from climann.workflow.compute.chunks import chunk_blocks
from climann.workflow.compute.executor import STREAMED_BLOCKS_PER_CHUNK, streamed_blocks, streamed_chunk_mb
from climann.workflow.config import build_config, training_options
from climann.workflow.pipeline import run_training
from climann.workflow.preparation import open_selected, pointwise_source, split_for
from tests.workflow.compute.test_training import _local_sgd_in_process

#: ≈ 0.2 MB: the tiny file's ≈ 0.4 MB of samples stream, in chunks of a quarter of that, 0.05 MiB
#: (3 time steps: 16 chunks).
STREAMED = 2e-4
TRAINING = {"epochs": 3, "batch_size": 64, "learning_rate": 3e-3, "seed": 5}


def _settings(tiny_file, **training):
    return {"data": {"paths": [str(tiny_file)], "in_memory_limit_gb": STREAMED}, "model": {"hidden": [8]},
            "training": TRAINING | training, "evaluation": {"figures": False, "baselines": []},
            "compute": {"chunk_mb": 0.01}}


def _blocks(config):
    """The source, split and blocks of a streamed run of ``config`` (4 to a chunk)."""
    source = pointwise_source(config, open_selected(config))
    split = split_for(config, source.layout)
    # a quarter of the chunk's 0.05 MiB: one time step each, 48 blocks
    blocks = chunk_blocks(source, chunk_mb=streamed_chunk_mb(config) / 4, min_chunks=1)
    assert streamed_blocks(config, source) == (blocks, STREAMED_BLOCKS_PER_CHUNK) and STREAMED_BLOCKS_PER_CHUNK == 4
    return source, split, blocks


def _scaler(record: dict) -> Standardizer:
    return Standardizer(np.array(record["mean"]), np.array(record["std"]), tuple(record["names"]))


def test_a_streamed_run_trains_one_replica_of_local_sgd_over_the_chunks(streamed_run):
    """The run's weights equal, bit for bit, one replica of local SGD (ordinary mini-batch SGD
    chunk after chunk) computed here over the chunks read by the data layer: chunk j the
    samples of training blocks j, j + n, j + 2n, j + 3n (n = ⌈blocks / 4⌉), from every part of
    the period, so that each batch mixes the period's years."""
    assert "streamed from disk while training" in (streamed_run.run_dir / "train.log").read_text()
    model = Network.load(streamed_run.run_dir / "model.npz")
    config = streamed_run.config
    source, split, blocks = _blocks(config)
    blocks = blocks_in_split(blocks, split.time_masks["train"])
    assert len(blocks) > 4
    # the scaling of the run's model file is that of the training block, as the data layer fits it
    input_scaler, target_scaler = (_scaler(model.metadata[key]) for key in ("input_scaling", "target_scaling"))
    expected_input, expected_target = fit_standardizers(source, blocks)
    np.testing.assert_allclose(input_scaler.mean, expected_input.mean, rtol=1e-12)
    np.testing.assert_allclose(target_scaler.std, expected_target.std, rtol=1e-12)
    assert config.training.area_weighted  # the default: each sample weighs its cell's area
    cells = source.layout.cell_area_weights().ravel()
    n_chunks = -(-len(blocks) // 4)
    tables = [np.concatenate([standardised_table(source.read(start, stop), input_scaler, target_scaler,
                                                 dtype=np.dtype("float32"), cell_weights=cells)
                              for start, stop in blocks[first::n_chunks]])
              for first in range(n_chunks)]
    options = training_options(config)
    batch_size, seed = options.pop("batch_size"), options.pop("seed")
    network = Network([len(source.feature_names), 8, 1], activation=config.model.activation,
                      output_activation=config.model.output_activation, init=config.model.init, seed=seed)
    with one_blas_thread():  # as the run's executor: the same BLAS, one thread
        expected = _local_sgd_in_process(network, tables, [len(table) for table in tables], len(source.feature_names),
                                         True, options, batch_size=batch_size, seed=seed, replicas=1, sync_every=0)
    assert not np.array_equal(expected, network.parameter_vector)  # it trained
    np.testing.assert_array_equal(model.parameter_vector, expected)
    assert streamed_run.history.train_loss[-1] < streamed_run.history.train_loss[0]


#: What :func:`_counting_table` saw: the reads (chunks alive when each started, block) and
#: the chunks alive now. Module-level, as the function: dask pickles a task's function (by
#: reference for a module's function), so that a closure would count in a copy.
_RECORD: dict = {}
_READ_TABLE = chunks._table


def _forgotten():
    _RECORD["alive"] -= 1


def _counting_table(source, start, stop, *args):
    _RECORD["reads"].append((_RECORD["alive"], (start, stop)))
    if _RECORD["on_read"] is not None:
        _RECORD["on_read"](len(_RECORD["reads"]))
    table = _READ_TABLE(source, start, stop, *args)
    _RECORD["alive"] += 1
    weakref.finalize(table, _forgotten)
    return table


def _counting_tables(monkeypatch, on_read=None):
    """Patch the chunk reading of the chunk route; returns the list of (chunks alive when a read
    starts, block) it fills."""
    _RECORD.update(alive=0, reads=[], on_read=on_read)
    monkeypatch.setattr(chunks, "_table", _counting_table)
    return _RECORD["reads"]


@pytest.fixture(scope="module")
def counted_streamed_run(tiny_file, tmp_path_factory):
    """The streamed run of :func:`_settings` and its chunk reads (:func:`_counting_tables`, which
    changes no value read): one run for the tests of its weights, its reads and its resumption."""
    with pytest.MonkeyPatch.context() as patch:
        reads = _counting_tables(patch)
        result = run_training(build_config(_settings(tiny_file)), run_dir=tmp_path_factory.mktemp("streamed") / "run")
    return result, list(reads)


@pytest.fixture(scope="module")
def streamed_run(counted_streamed_run):
    return counted_streamed_run[0]


def test_a_streamed_run_holds_one_chunk_at_a_time_and_reads_each_every_epoch(counted_streamed_run):
    result, reads = counted_streamed_run
    config = result.config
    source, split, blocks = _blocks(config)
    train, val = (blocks_in_split(blocks, split.time_masks[name]) for name in ("train", "val"))
    epochs = config.training.epochs
    # every training and validation block read once per epoch (nothing persisted) …
    assert sorted(block for _, block in reads) == sorted(epochs * (train + val))
    # … and at most the blocks of the chunk being read still alive when its next block is read
    # (joined into its table after): never all of them
    assert max(count for count, _ in reads) <= STREAMED_BLOCKS_PER_CHUNK - 1 < len(train)


def test_a_streamed_run_stopped_between_rounds_resumes_to_the_uninterrupted_weights(
    tiny_file, tmp_path, monkeypatch, streamed_run
):
    config = build_config(_settings(tiny_file))
    source, split, blocks = _blocks(streamed_run.config)
    n_train, n_val = (len(blocks_in_split(blocks, split.time_masks[name])) for name in ("train", "val"))
    # SIGTERM while the 3rd training chunk of epoch 2 is read (its first block; 4 blocks to a
    # chunk): the run stops after that round
    assert n_train % STREAMED_BLOCKS_PER_CHUNK == 0
    target = n_train + n_val + 2 * STREAMED_BLOCKS_PER_CHUNK + 1

    def terminate(count):
        if count == target:
            os.kill(os.getpid(), signal.SIGTERM)

    with monkeypatch.context() as patch:
        _counting_tables(patch, on_read=terminate)
        with pytest.raises(Interrupted) as interrupted:
            run_training(config, run_dir=tmp_path / "run")
    assert interrupted.value.exit_code == 128 + signal.SIGTERM
    assert "in epoch 2, after round 3; resume with" in str(interrupted.value)  # rounds of one chunk, not batches
    assert [path.name for path in (tmp_path / "run").iterdir()] == [CHECKPOINT_NAME]
    epochs = []
    resumed = run_training(config, run_dir=tmp_path / "run", resume=True, on_epoch=lambda e, h: epochs.append(e))
    assert epochs == [2, 3]
    assert resumed.history == streamed_run.history
    first, second = (Network.load(Path(run.run_dir) / "model.npz") for run in (resumed, streamed_run))
    np.testing.assert_array_equal(first.parameter_vector, second.parameter_vector)


def test_streamed_chunks_take_a_quarter_of_the_memory_limit_and_short_ones_are_warned_about(
    tiny_file, tmp_path, streamed_run
):
    config = build_config(_settings(tiny_file))
    assert streamed_chunk_mb(config) == pytest.approx(0.25 * STREAMED * 1024)
    assert streamed_chunk_mb(build_config({"compute": {"chunk_mb": 64}})) == 512  # of the default 2 GB
    assert streamed_chunk_mb(build_config({"compute": {"chunk_mb": 600}})) == 600
    # 4 blocks of 1 monthly step per chunk: the run says so, and what to do
    log = (streamed_run.run_dir / "train.log").read_text()
    assert "streamed chunks of 4 time steps, less than a year (12 steps)" in log
    assert "raise [data] in_memory_limit_gb" in log
    # chunks of 16 steps (0.27 MiB read; the file's ≈ 0.46 MB of samples stream beyond 0.4 MB): no warning
    settings = _settings(tiny_file, epochs=1)
    settings["data"]["in_memory_limit_gb"] = 4e-4
    settings["compute"]["chunk_mb"] = 0.27
    result = run_training(build_config(settings), run_dir=tmp_path / "yearly")
    log = (result.run_dir / "train.log").read_text()
    assert "streamed from disk while training" in log
    assert ("chunks: 3 of ≤ 0.27 MiB, each of 4 blocks from every part of the period (12 blocks of ≤ 0.0675 MiB)"
            in log)
    assert "less than a year" not in log


def test_the_in_process_cluster_does_not_warn_when_the_dashboard_port_is_taken():
    """A notebook's dask cluster often holds port 8787: a streamed run must not print dask's
    'Port 8787 is already in use' on the terminal."""
    import socket
    import warnings

    from climann.workflow.compute.executor import in_process_client

    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", 8787))
        except OSError:
            pass  # already taken by something else: the same situation
        taken.listen()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with in_process_client() as client:
                assert client.submit(sum, [1, 2]).result() == 3
    assert not [str(w.message) for w in caught if "already in use" in str(w.message)]
