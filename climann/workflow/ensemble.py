"""Ensembles in a run: ``[training] ensemble = N`` (``climann train --ensemble N``).

N networks are trained on the same prepared data (one after the other here, in parallel on a
dask cluster), member k with the seed
``seed + k`` (its initial weights and its batch order; :func:`member_config`), each exactly
as a single run's network (:func:`climann.workflow.pipeline.fit_network`). The run's
prediction is their mean and its spread their standard deviation
(:mod:`climann.evaluation.ensemble`).

Files: ``model.npz`` is member 0 (seed ``seed``) with the run's metadata, which also records
``ensemble = {"size", "seeds", "members_file"}``, so code that reads ``model.npz`` alone still
loads a working network (member 0, not the mean); ``model_members.npz`` holds every member
(:func:`climann.model.ensemble.write_members`). :func:`load_run_network` reads both, so that
``climann predict``, ``climann evaluate`` and ``climann explain`` use the ensemble mean.

With a dask cluster (``--workers N``, ``--scheduler``) the members train in parallel on its
workers, one member per task (:func:`fit_ensemble_on_cluster`), the same networks as one after
the other here. The data are prepared in this process and must fit in memory (streamed data:
refused in one line). An ensemble run writes no checkpoint: Ctrl-C stops it with nothing written, and ``--resume`` is
refused; the run is started again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from climann.errors import ClimannError
from climann.evaluation.ensemble import SPREAD_DDOF, block_spread_skill
from climann.evaluation.report import PARALLEL_MEMBERS
from climann.evaluation.scores import whole_grid_sums
from climann.evaluation.sums import metrics_from_sums
from climann.model import History, Network
from climann.model.ensemble import Ensemble, member_seeds, read_members, write_members
from climann.workflow.config import RunConfig
from climann.workflow.outputs import ENSEMBLE_RUN_FILES
from climann.workflow.runlog import epoch_logger

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["MEMBERS_FILE", "PARALLEL_MEMBERS", "cluster_ensemble_training", "ensemble_metrics", "ensemble_record",
           "fit_ensemble", "fit_ensemble_on_cluster",
           "is_ensemble", "load_run_network", "member_config", "refuse_ensemble_resume", "save_members"]

#: The file of every member of an ensemble run, beside ``model.npz`` (member 0).
MEMBERS_FILE = ENSEMBLE_RUN_FILES[0]

#: How ``metrics.json`` describes the spread–skill ratio (see :mod:`climann.evaluation.ensemble`).
RATIO_DEFINITION = (
    "spread = sqrt(area-weighted mean over the block of the members' variance, ddof=1); skill = RMSE of the "
    "ensemble mean; spread_skill_ratio = spread / sqrt(MSE - spread^2 / size), with WeatherBench 2's "
    "finite-ensemble correction of the MSE (DebiasedEnsembleMeanMSE; Rasp et al. 2024): 1 for a perfectly "
    "reliable ensemble, below 1 over-confident; spread_skill_ratio_uncorrected = spread / RMSE"
)


def is_ensemble(config: RunConfig) -> bool:
    """Whether ``config`` trains an ensemble (``[training] ensemble`` > 1)."""
    return config.training.ensemble > 1


def member_config(config: RunConfig, index: int) -> RunConfig:
    """The configuration member ``index`` (0-based) trains with: the seed ``seed + index``."""
    training = dataclasses.replace(config.training, seed=config.training.seed + index, ensemble=1)
    return dataclasses.replace(config, training=training)


def fit_ensemble(
    config: RunConfig, fit_member: Callable[[RunConfig], tuple[Network, History]], *,
    member_progress: Callable[[int], AbstractContextManager] | None = None,
) -> tuple[Ensemble, list[History]]:
    """Train the ``[training] ensemble`` members one after the other, each by
    ``fit_member(member_config(config, k))`` (a single network's training on the run's
    prepared data: :func:`climann.workflow.pipeline.fit_network`, without checkpoints);
    "member k of N (seed s)" is logged before each (train.log and the terminal).
    ``member_progress(index)`` is entered around each member's training (a progress display).

    Returns
    -------
    ensemble : Ensemble
    histories : list of History
        Each member's, in seed order.
    """
    seeds = member_seeds(config.training.seed, config.training.ensemble)
    members, histories = [], []
    for index, seed in enumerate(seeds):
        epoch_logger.info("member %d of %d (seed %d)", index + 1, len(seeds), seed)
        with member_progress(index) if member_progress else nullcontext():
            network, history = fit_member(member_config(config, index))
        members.append(network)
        histories.append(history)
    return Ensemble(tuple(members), tuple(seeds)), histories


def fit_ensemble_on_cluster(
    client: Client, config: RunConfig, data: object, fit_member: Callable[[RunConfig, object], tuple[Network, History]],
) -> tuple[Ensemble, list[History]]:
    """Train the ``[training] ensemble`` members in parallel on a dask cluster, one member per
    task: ``fit_member(member_config(config, k), data)`` (a single network's training on the
    run's prepared data, :func:`climann.workflow.pipeline.fit_network`), ``data`` sent to the
    workers once (:meth:`distributed.Client.scatter`). Each member is trained as in this
    process, by one worker thread with one BLAS thread, so the members and their mean are
    those of :func:`fit_ensemble` (the tests compare them bit for bit); as many train at once
    as the cluster has worker threads.

    "member k of N (seed s)" is logged when it starts on the cluster, and its last losses
    when it is done (train.log and the terminal).

    Returns
    -------
    ensemble : Ensemble
    histories : list of History
        Each member's, in seed order.
    """
    from distributed import as_completed

    seeds = member_seeds(config.training.seed, config.training.ensemble)
    shared = client.scatter(data, broadcast=True, hash=False)
    futures, index_of = [], {}
    for index, seed in enumerate(seeds):
        epoch_logger.info("member %d of %d (seed %d) sent to the cluster", index + 1, len(seeds), seed)
        future = client.submit(fit_member, member_config(config, index), shared, pure=False,
                               key=f"climann-ensemble-member-{index}-{seed}")
        futures.append(future)
        index_of[future.key] = index
    trained: dict[int, tuple[Network, History]] = {}
    for future in as_completed(futures):
        index = index_of[future.key]
        trained[index] = future.result()
        history = trained[index][1]
        val = f", val_loss {history.val_loss[-1]:.5f}" if history.val_loss else ""
        epoch_logger.info("member %d of %d (seed %d) trained: train_loss %.5f%s", index + 1, len(seeds),
                          seeds[index], history.train_loss[-1], val)
    members = [trained[index][0] for index in range(len(seeds))]
    return Ensemble(tuple(members), tuple(seeds)), [trained[index][1] for index in range(len(seeds))]


def cluster_ensemble_training(client: Client, size: int) -> dict:
    """``metrics.json`` ``training`` of an ensemble trained by :func:`fit_ensemble_on_cluster`:
    ``route`` "cluster", ``workers`` (the cluster's, when the members were sent), ``method``
    :data:`PARALLEL_MEMBERS`, ``members`` (N) and ``members_at_once`` (N or the cluster's
    worker threads, if fewer). Each member trains on the whole prepared data in memory, as in
    one process (mini-batch SGD shuffling every training sample each epoch): no chunks, no
    rounds of local SGD, so neither is recorded (fix37b: such a run recorded "in memory").

    Parameters
    ----------
    client : distributed.Client
        The client the members were trained with.
    size : int
        The number of members, N.

    Returns
    -------
    dict
        E.g. ``{"route": "cluster", "workers": 2, "method": "ensemble members in parallel",
        "members": 3, "members_at_once": 2}``.
    """
    workers = client.scheduler_info()["workers"]
    threads = sum(int(worker.get("nthreads", 1)) for worker in workers.values())
    return {"route": "cluster", "workers": len(workers), "method": PARALLEL_MEMBERS, "members": size,
            "members_at_once": max(1, min(size, threads))}


def member_block_mse(members: np.ndarray, truth: np.ndarray, area: np.ndarray,
                     time_masks: Mapping[str, np.ndarray]) -> list[dict[str, float]]:
    """Each member's area-weighted MSE per block, scored as the network of a single run is
    (:func:`~climann.evaluation.scores.whole_grid_sums`: where the truth and its prediction are
    present).

    Parameters
    ----------
    members : ndarray, shape (n_members, n_time, n_lat, n_lon)
    truth : ndarray, shape (n_time, n_lat, n_lon)
    area : ndarray, shape (n_lat, n_lon)
    time_masks : mapping of block to ndarray of bool, shape (n_time,)
    """
    scores = []
    for grid in members:
        total, names = whole_grid_sums({"model": grid}, truth, area, time_masks)
        splits, _ = metrics_from_sums(total, list(time_masks), names)
        scores.append({block: splits[block]["model"]["mse"] for block in time_masks})
    return scores


def ensemble_metrics(
    seeds: Sequence[int], members: np.ndarray, mean: np.ndarray, spread: np.ndarray, truth: np.ndarray,
    area: np.ndarray, time_masks: Mapping[str, np.ndarray],
) -> dict:
    """The ``ensemble`` entry of ``metrics.json``.

    Parameters
    ----------
    seeds : sequence of int
    members : ndarray, shape (n_members, n_time, n_lat, n_lon)
    mean, spread, truth : ndarray, shape (n_time, n_lat, n_lon)
    area : ndarray, shape (n_lat, n_lon)
    time_masks : mapping of block to ndarray of bool, shape (n_time,)

    Returns
    -------
    dict
        ``size``, ``seeds``, ``spread_ddof``, ``members`` (each one's ``seed`` and ``mse``
        per block), ``splits`` (per block: ``spread``, ``rmse`` of the mean,
        ``spread_skill_ratio``, ``spread_skill_ratio_uncorrected``, ``n_samples``) and the
        ``spread_skill_ratio_definition``.
    """
    member_mse = member_block_mse(members, truth, area, time_masks)
    return {
        "size": len(seeds), "seeds": [int(seed) for seed in seeds], "spread_ddof": SPREAD_DDOF,
        "members": [{"seed": int(seed), "mse": mse} for seed, mse in zip(seeds, member_mse, strict=True)],
        "splits": block_spread_skill(mean, spread, truth, area, time_masks, len(seeds)),
        "spread_skill_ratio_definition": RATIO_DEFINITION,
    }


def ensemble_record(ensemble: Ensemble) -> dict:
    """The ``ensemble`` entry of ``model.npz``'s metadata: ``size``, ``seeds``, ``members_file``."""
    return {"size": ensemble.size, "seeds": list(ensemble.seeds), "members_file": MEMBERS_FILE}


def save_members(directory: Path, ensemble: Ensemble) -> None:
    """Write ``directory/model_members.npz`` (every member, see :mod:`climann.model.ensemble`)."""
    write_members(Path(directory) / MEMBERS_FILE, ensemble)


def load_run_network(run_dir: Path, network: Network) -> Network | Ensemble:
    """The model of a run: ``network`` (its ``model.npz``) alone, or, when its metadata names an
    ensemble, the ensemble read from ``model_members.npz`` (every member with that metadata).

    Raises
    ------
    ClimannError
        If the members file is missing or does not match the recorded ensemble.
    """
    record = network.metadata.get("ensemble")
    if not record:
        return network
    path = Path(run_dir) / MEMBERS_FILE
    if not path.is_file():
        raise ClimannError(f"{run_dir} is an ensemble run of {record.get('size')} members, but {path.name} is "
                           "missing; restore it, or retrain the run")
    ensemble = read_members(path, metadata=network.metadata)
    if list(ensemble.seeds) != list(record.get("seeds", [])):
        raise ClimannError(f"{path} holds the members of seeds {list(ensemble.seeds)}, model.npz records "
                           f"{record.get('seeds')}: the files are of different runs; retrain the run")
    return ensemble


def refuse_ensemble_resume(config: RunConfig, run_dir: Path) -> None:
    """``--resume`` of an ensemble run: refused (it writes no checkpoint).

    Raises
    ------
    ClimannError
    """
    if is_ensemble(config):
        raise ClimannError(f"--resume {run_dir}: an ensemble run ([training] ensemble = {config.training.ensemble}) "
                           "writes no checkpoint and cannot be resumed; start it again with --out and --overwrite")
