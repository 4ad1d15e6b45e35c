"""Tests for climann/model/batches.py: shuffled array batches and checked streams."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model import Network
from climann.model.batches import Batch, ShuffledBatches, check_batch, check_stream, stream_batches


def test_shuffled_batches_cover_every_sample_once_per_epoch():
    network = Network([2, 1], activation=[])
    X = np.arange(20.0).reshape(10, 2)
    y = X[:, :1].copy()
    weights = np.arange(10.0) + 1
    data = check_batch(network, X, y, weights, np.ones((10, 1), dtype=bool), name="test")
    batches = ShuffledBatches(data, batch_size=4, rng=np.random.default_rng(0))
    orders = []
    for _ in range(2):
        epoch = list(batches.epoch())
        assert [len(batch.inputs) for batch in epoch] == [4, 4, 2]
        rows = np.concatenate([batch.inputs[:, 0] for batch in epoch]) / 2
        np.testing.assert_array_equal(np.sort(rows), np.arange(10))
        for batch in epoch:  # rows stay together
            np.testing.assert_array_equal(batch.targets[:, 0], batch.inputs[:, 0])
            np.testing.assert_array_equal(batch.sample_weight, batch.inputs[:, 0] / 2 + 1)
        orders.append(rows)
    assert not np.array_equal(orders[0], orders[1])  # a new order every epoch


def test_one_shot_iterator_needs_one_epoch():
    batches = iter([(np.ones((2, 2)), np.ones((2, 1)))])
    assert check_stream(batches, epochs=1) is batches
    with pytest.raises(ClimannError, match="one-shot iterator.*epochs=3.*re-iterable"):
        check_stream(batches, epochs=3)


def test_not_iterable():
    with pytest.raises(ClimannError, match="iterable of .* batches"):
        check_stream(3.0, epochs=1)


@pytest.mark.parametrize(
    "item, message",
    [
        pytest.param(np.ones((2, 2)), "must be a tuple", id="array"),
        pytest.param((np.ones((2, 2)),), "of length 1", id="short"),
        pytest.param((np.ones((2, 3)), np.ones((2, 1))), r"X must have shape", id="shape"),
        pytest.param(
            (np.ones((2, 2)), np.array([[1.0], [np.nan]])),
            "batch 1: y has 1 NaN.*or mask them",
            id="nan-y",
        ),
        pytest.param((np.ones((2, 2)), np.ones((2, 1)), -np.ones(2)), "non-negative", id="weights"),
    ],
)
def test_bad_stream_batch(item, message):
    network = Network([2, 1], activation=[])
    with pytest.raises(ClimannError, match=message):
        list(stream_batches(network, [item], name="training"))


def test_stream_batch_forms():
    network = Network([2, 1], activation=[])
    X, y = np.ones((3, 2)), np.array([[1.0], [np.nan], [2.0]])
    mask = np.array([[True], [False], [True]])
    items = [(X, np.ones((3, 1))), (X, np.ones((3, 1)), None), (X, y, np.ones(3), mask)]
    batches = list(stream_batches(network, items, name="training"))
    assert [b.sample_weight is None for b in batches] == [True, True, False]
    assert batches[2].mask is not None and batches[0].inputs.dtype == np.float32


@pytest.mark.parametrize("skip", [pytest.param(1, id="one"), pytest.param(2, id="two"), pytest.param(3, id="all")])
def test_an_epoch_can_skip_its_first_batches_with_the_same_permutation(skip):
    network = Network([2, 1], activation=[])
    X = np.arange(20.0).reshape(10, 2)
    data = check_batch(network, X, X[:, :1], name="test")
    whole = list(ShuffledBatches(data, batch_size=4, rng=np.random.default_rng(3)).epoch())
    rest = list(ShuffledBatches(data, batch_size=4, rng=np.random.default_rng(3)).epoch(skip))
    assert len(rest) == 3 - skip
    for expected, batch in zip(whole[skip:], rest, strict=True):
        np.testing.assert_array_equal(batch.inputs, expected.inputs)


def test_shuffled_batches_of_a_wider_tables_columns_are_contiguous_rows_with_the_same_values():
    """Local SGD hands a replica the columns of a table ``X | y | w`` as views (a row stride of
    the whole table), and of a buffer that arrived unaligned; the batches must be C-contiguous
    blocks of rows holding what batches of contiguous copies hold."""
    table = np.random.default_rng(0).standard_normal((50, 5)).astype(np.float32)
    raw = np.empty(table.nbytes + 1, np.uint8)[1:].view(np.float32).reshape(table.shape)  # unaligned
    raw[...] = table
    assert not raw.flags.aligned
    for source in (table, raw):
        views = Batch(source[:, :3], source[:, 3:4], source[:, 4], None)
        copies = Batch(*(np.ascontiguousarray(array) for array in views[:3]), None)
        from_views = list(ShuffledBatches(views, batch_size=16, rng=np.random.default_rng(1)).epoch())
        from_copies = list(ShuffledBatches(copies, batch_size=16, rng=np.random.default_rng(1)).epoch())
        for batch, expected in zip(from_views, from_copies, strict=True):
            for array, want in zip(batch[:3], expected[:3], strict=True):
                assert array.flags.c_contiguous and array.flags.aligned
                np.testing.assert_array_equal(array, want)
