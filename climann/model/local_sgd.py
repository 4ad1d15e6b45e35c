"""Local SGD's two halves, in plain NumPy: one replica's mini-batch steps, and the average of replicas.

Local SGD with periodic averaging (Stich 2019, "Local SGD converges fast and communicates
little", ICLR; Lin et al. 2020, "Don't use large mini-batches, use local SGD", ICLR; McMahan
et al. 2017, "Communication-efficient learning of deep networks from decentralized data"
(FedAvg), AISTATS) trains K copies (*replicas*) of one network on K parts of the data at once:

1. every replica starts a round from the same parameters ``θ`` and optimizer state ``s``;
2. replica k runs ordinary mini-batch steps over its data (:func:`local_steps`: the step of
   :func:`climann.model.train` itself, :class:`~climann.model.training.Stepper`, with the
   optimizer, L2 penalty, gradient clipping and sample weights), ending at ``θ_k``, ``s_k``
   after observing the (weighted) number of samples ``W_k``;
3. the next round starts from the weighted averages (:func:`average_replicas`)::

       θ = Σ_k W_k θ_k / Σ_k W_k        s = Σ_k W_k s_k / Σ_k W_k

   for the parameters and every optimizer state vector (velocity, moments), all of shape
   (n_parameters,); Adam's step count is the largest of the replicas'.

The replicas step at K times the learning rate of one process (:func:`replica_learning_rate`):
over the same samples they take K times fewer steps of the average.

Where the replicas run (processes of a dask cluster, :mod:`climann.workflow.compute.training`) is
not this module's concern.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from climann.errors import ClimannError
from climann.model.batches import Batch, ShuffledBatches
from climann.model.losses import Loss, get_loss, total_weight
from climann.model.network import Network
from climann.model.optimizers import Optimizer, get_optimizer
from climann.model.training import Stepper

__all__ = ["CHUNKS_TO_REPLICAS", "ReplicaResult", "StepsOver", "average_replicas", "chained_steps", "local_steps",
           "replica_learning_rate"]

#: How an epoch of local SGD gives the chunks to the replicas (``[compute] chunks_to_replicas``):
#: ``"dealt"``, in a new order each epoch drawn from ``default_rng([seed, epoch])`` and dealt out
#: in turn (replica ``r`` takes the r-th, (r + K)-th … chunk of it); ``"fixed"``, chunk k to
#: replica k mod K every epoch (runs trained before 4 December 2026). With chunks shorter than
#: a year whose length divides it, fixed replicas train on the same calendar months every epoch
#: and the averaged model is that of models of different seasons (6-month chunks of 12 years
#: of monthly data on 2 workers: test MSE 0.638 against 0.337 in one process).
CHUNKS_TO_REPLICAS = ("dealt", "fixed")


@dataclass(frozen=True)
class ReplicaResult:
    """Where one replica's round ended.

    Attributes
    ----------
    parameters : ndarray, shape (n_parameters,)
        ``θ_k``, the flat parameter vector after the round.
    optimizer : dict
        ``s_k``, :meth:`state_dict` of the optimizer after the round.
    loss_sum : float
        ``Σ_b W_b J_b`` over the round's batches ``b`` (each ``J_b`` before its step).
    weight_sum : float
        ``W_k = Σ_b W_b``: the (weighted) number of samples the round observed.
    n_steps : int
        Optimizer steps taken in the round.
    """

    parameters: np.ndarray
    optimizer: dict
    loss_sum: float
    weight_sum: float
    n_steps: int


def local_steps(
    network: Network,
    parameters: np.ndarray,
    optimizer: Optimizer,
    data: Batch,
    *,
    loss: str | Loss = "mse",
    l2: float = 0.0,
    clip_norm: float | None = None,
    batch_size: int,
    rng: np.random.Generator,
    first_batch: int = 0,
    n_batches: int | None = None,
) -> ReplicaResult:
    """One replica's round: mini-batch steps over ``data`` from ``parameters`` and ``optimizer``.

    The batches are those of one epoch of :func:`climann.model.train` over ``data`` (a
    permutation of the rows drawn from ``rng``, then ``batch_size`` rows at a time), from
    batch ``first_batch`` on, at most ``n_batches`` of them; each is one
    :meth:`Stepper.step <climann.model.training.Stepper.step>` (gradient, ``l2·W``,
    clipping to ``clip_norm``, the optimizer's update). Nothing given is modified.

    Parameters
    ----------
    network : Network
        The architecture (its parameters are not used).
    parameters : ndarray, shape (n_parameters,)
        ``θ`` at the start of the round.
    optimizer : Optimizer
        The optimizer (settings, learning rate and state) at the start of the round.
    data : Batch
        ``X : (m, n_in)``, ``y : (m, n_out)``, sample weights ``(m,)`` or None, mask or None,
        in the network's dtype.
    loss, l2, clip_norm, batch_size
        As for :func:`climann.model.train`.
    rng : numpy.random.Generator
        Draws the permutation of the rows (the same generator state gives the same batches).
    first_batch : int
        Batches of the permutation skipped (those of an earlier round over the same data).
    n_batches : int, optional
        At most this many steps (all the remaining batches if None).

    Returns
    -------
    ReplicaResult

    Raises
    ------
    climann.model.training.Diverged
        If a loss or weight became non-finite.
    """
    return chained_steps(network, parameters, optimizer, [StepsOver(data, rng, first_batch, n_batches)], loss=loss,
                         l2=l2, clip_norm=clip_norm, batch_size=batch_size)


@dataclass(frozen=True)
class StepsOver:
    """One stretch of a replica's round: batches ``first_batch …`` (at most ``n_batches``) of
    one epoch over ``data`` whose rows are permuted by ``rng`` (see :func:`local_steps`)."""

    data: Batch
    rng: np.random.Generator
    first_batch: int = 0
    n_batches: int | None = None


def chained_steps(
    network: Network,
    parameters: np.ndarray,
    optimizer: Optimizer,
    stretches: Sequence[StepsOver],
    *,
    loss: str | Loss = "mse",
    l2: float = 0.0,
    clip_norm: float | None = None,
    batch_size: int,
) -> ReplicaResult:
    """A replica's round over several stretches of data, one after the other.

    The same as :func:`local_steps` over the first stretch, then over the second from where
    the first ended (parameters and optimizer state), and so on: a round of several chunks,
    with one average at its end instead of one per chunk. Nothing given is modified.

    Parameters
    ----------
    network, parameters, optimizer, loss, l2, clip_norm, batch_size
        As for :func:`local_steps`.
    stretches : sequence of StepsOver
        In the order the replica steps through them.

    Returns
    -------
    ReplicaResult
        ``loss_sum``, ``weight_sum`` and ``n_steps`` over all the stretches.

    Raises
    ------
    climann.model.training.Diverged
        If a loss or weight became non-finite.
    """
    replica = network.copy()
    np.copyto(replica.parameter_vector, parameters)
    own_optimizer = get_optimizer(optimizer)
    own_optimizer.load_state_dict(optimizer.state_dict())
    stepper = Stepper(replica, own_optimizer, get_loss(loss), l2, clip_norm)
    loss_sum, weight_sum, n_steps = 0.0, 0.0, 0
    for stretch in stretches:
        batches = ShuffledBatches(stretch.data, batch_size=batch_size, rng=stretch.rng).epoch(skip=stretch.first_batch)
        for batch in itertools.islice(batches, stretch.n_batches):
            batch_weight = total_weight(batch.sample_weight, batch.mask, shape=batch.targets.shape)
            if batch_weight == 0:
                continue
            loss_sum += batch_weight * stepper.step(batch)
            weight_sum += batch_weight
            n_steps += 1
    return ReplicaResult(replica.parameter_vector.copy(), own_optimizer.state_dict(), float(loss_sum),
                         float(weight_sum), n_steps)


def replica_learning_rate(learning_rate: float, replicas: int) -> float:
    """The learning rate of each of K replicas: ``λ_K = K·λ``, with ``λ`` one process's.

    Over the same samples, one process takes ``K·H`` steps where each of K replicas takes
    ``H`` and the round's average moves about as far as one replica: ``H`` steps' worth.
    Stepping at ``K·λ`` gives the average the drift of one process's ``K·H`` steps (``K·H·λ``)
    and, averaging K independent noises, the same noise (``K·λ·√(H/K) = λ·√(K·H)``). This is
    the linear scaling rule of Goyal et al. (2017, "Accurate, large minibatch SGD: training
    ImageNet in 1 hour", arXiv:1706.02677) for a K-times larger mini-batch, with which Lin et
    al. (2020, "Don't use large mini-batches, use local SGD", ICLR) train local SGD on K
    workers. Measured on climann's sample (2 replicas, Adam, 10 seeds): test MSE 1.011× one
    process's with ``2λ``, 1.109× with ``λ`` (``benchmarks/bench_scale.py``).

    Parameters
    ----------
    learning_rate : float
        ``λ``, the epoch's learning rate of one process (from the schedule).
    replicas : int
        K ≥ 1.

    Returns
    -------
    float
        ``K·λ``.

    Raises
    ------
    ClimannError
        If ``replicas`` is below 1.
    """
    if replicas < 1:
        raise ClimannError(f"local SGD needs at least 1 replica; got {replicas!r}")
    return replicas * learning_rate


def _weighted_mean(vectors: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """``Σ_k w_k v_k / Σ_k w_k``, accumulated in float64 in the order given (the same inputs
    give the same bits), returned in the vectors' dtype."""
    total = math.fsum(weights)
    accumulated = np.zeros(vectors[0].shape, dtype=np.float64)
    for vector, weight in zip(vectors, weights, strict=True):
        accumulated += (weight / total) * vector.astype(np.float64)
    return accumulated.astype(vectors[0].dtype)


def average_replicas(results: Sequence[ReplicaResult]) -> tuple[np.ndarray, dict]:
    """The start of the next round: the replicas' parameters and optimizer states, averaged.

    With ``W_k`` each replica's ``weight_sum``, for the parameters ``θ_k`` and each optimizer
    state vector ``s_k`` (all shape (n_parameters,))::

        θ = Σ_k W_k θ_k / Σ_k W_k        s = Σ_k W_k s_k / Σ_k W_k

    summed in float64 in the order of ``results``; Adam's ``n_steps`` (bias correction) is
    the largest of the replicas'. Replicas that observed nothing (``W_k = 0``) are left out.

    Parameters
    ----------
    results : sequence of ReplicaResult
        In a fixed order (the order decides the last bits of the sums).

    Returns
    -------
    parameters : ndarray, shape (n_parameters,)
    optimizer : dict
        A state for :meth:`Optimizer.load_state_dict`.

    Raises
    ------
    ClimannError
        If no replica observed a sample of positive weight.
    """
    kept = [result for result in results if result.weight_sum > 0]
    if not kept:
        raise ClimannError("no replica of the round observed a sample of positive weight")
    weights = [result.weight_sum for result in kept]
    parameters = _weighted_mean([result.parameters for result in kept], weights)
    optimizer: dict = {}
    for name, value in kept[0].optimizer.items():
        if name == "n_steps":
            optimizer[name] = max(int(result.optimizer[name]) for result in kept)
        else:
            optimizer[name] = _weighted_mean([np.asarray(result.optimizer[name]) for result in kept], weights)
    return parameters, optimizer
