"""Tests for climann/model/parameters.py: the flat layout and the views into it."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model.parameters import LayerArrays, count_parameters, layer_views


def test_count_parameters_by_hand():
    # weights 3·4 + 4·2 = 20, biases 4 + 2 = 6
    assert count_parameters([3, 4, 2]) == (20, 26)
    assert count_parameters([5, 1]) == (5, 6)


def test_layout_is_all_weights_then_all_biases():
    vector = np.arange(26.0)
    (W1, W2), (b1, b2) = layer_views(vector, [3, 4, 2])
    np.testing.assert_array_equal(W1, np.arange(12.0).reshape(3, 4))
    np.testing.assert_array_equal(W2, np.arange(12.0, 20.0).reshape(4, 2))
    np.testing.assert_array_equal(b1, [20, 21, 22, 23])
    np.testing.assert_array_equal(b2, [24, 25])
    assert all(np.shares_memory(view, vector) for view in (W1, W2, b1, b2))
    assert all(view.flags.c_contiguous for view in (W1, W2, b1, b2))


def test_layer_arrays_assign_into_the_views():
    vector = np.zeros(26)
    weights, _ = layer_views(vector, [3, 4, 2])
    arrays = LayerArrays(weights, kind="weights")
    assert len(arrays) == 2 and arrays[1] is weights[1]
    arrays[1] = np.ones((4, 2))
    arrays[0] += 2.0
    np.testing.assert_array_equal(vector[:12], np.full(12, 2.0))
    np.testing.assert_array_equal(vector[12:20], np.ones(8))
    assert len(arrays + arrays) == 4
    with pytest.raises(ClimannError, match=r"weights\[1\] has shape \(4, 2\)"):
        arrays[1] = np.ones(8)
