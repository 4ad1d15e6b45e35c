"""climann.workflow.compute: runs on a dask.distributed cluster (``[compute]``, ``--workers``, ``--scheduler``).

The data stay where they are read: each worker reads its chunks of the NetCDF files,
standardises and keeps them (``chunks``); training sends only the weights to the workers:
full-batch steps bring back the loss and gradient sums of their chunks (the model layer's
:mod:`climann.model.sums`), mini-batches run as local SGD, each worker stepping through its
chunks and the client averaging (``training``, with :mod:`climann.model.local_sgd`);
evaluation and prediction run chunk by chunk and
write their files as the chunks are computed (``evaluation``, ``prediction``); ``run`` is the
whole run, ``cluster`` the connection. Importing this package starts nothing.
"""

from climann.workflow.compute.chunks import ChunkedSamples, chunk_blocks, fit_scalers, persist_samples, scatter_arrays
from climann.workflow.compute.cluster import cluster_client, connect, ordered_sum, shared_value, uses_cluster
from climann.workflow.compute.training import distributed_sums, local_sgd_plan, train_distributed

__all__ = [
    "ChunkedSamples",
    "chunk_blocks",
    "cluster_client",
    "connect",
    "distributed_sums",
    "fit_scalers",
    "local_sgd_plan",
    "ordered_sum",
    "persist_samples",
    "scatter_arrays",
    "shared_value",
    "train_distributed",
    "uses_cluster",
]
