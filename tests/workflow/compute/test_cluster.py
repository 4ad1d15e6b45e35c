"""Tests for climann/workflow/compute/cluster.py: connecting, local clusters, ordered sums."""

import dask
import numpy as np
import pytest

from climann.workflow.compute.cluster import cluster_client, connect, ordered_sum, uses_cluster
from climann.workflow.config import ComputeConfig
from climann.errors import ClimannError


@pytest.mark.parametrize(
    ("compute", "expected"),
    [
        pytest.param(ComputeConfig(), False, id="default-one-process"),
        pytest.param(ComputeConfig(workers=2), True, id="workers"),
        pytest.param(ComputeConfig(scheduler="tcp://h:8786"), True, id="scheduler"),
    ],
)
def test_uses_cluster(compute, expected):
    assert uses_cluster(compute) is expected


def test_an_unreachable_scheduler_is_one_error_naming_its_address():
    with pytest.raises(ClimannError, match=r"cannot reach the dask scheduler at tcp://127\.0\.0\.1:9 \(.*\); is it running"):
        connect("tcp://127.0.0.1:9", timeout=0.5)


def test_no_cluster_asked_for_is_refused():
    with pytest.raises(ClimannError, match="neither scheduler nor workers"):
        with cluster_client(ComputeConfig()):
            pass


def test_a_scheduler_address_connects_to_its_cluster_and_leaves_no_default_client(cluster):
    with cluster_client(ComputeConfig(scheduler=cluster.scheduler_address)) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        assert dask.base.get_scheduler() == client.get
    assert dask.base.get_scheduler() is None  # back to dask's local default


@pytest.mark.parametrize("n_parts", [pytest.param(1, id="one"), pytest.param(8, id="one-group"),
                                     pytest.param(21, id="two-levels")])
def test_ordered_sum_adds_in_order_on_the_workers(client, n_parts):
    rng = np.random.default_rng(n_parts)
    values = [rng.normal(size=5) * 10.0 ** rng.integers(-8, 8) for _ in range(n_parts)]
    futures = client.scatter(values)
    total = ordered_sum(client, futures, fan_in=4).result()
    np.testing.assert_allclose(total, np.sum(values, axis=0), rtol=1e-12)
    # The same tree on the same values gives the same bits, whoever holds them.
    again = ordered_sum(client, client.scatter(values[::-1])[::-1], fan_in=4).result()
    np.testing.assert_array_equal(total, again)
    with pytest.raises(ClimannError, match="nothing to sum"):
        ordered_sum(client, [])
