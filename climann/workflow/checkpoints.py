"""Checkpoints of a run: the training state kept in the run directory, and ``--resume``.

While a run trains, ``RUN_DIR/checkpoint.npz`` holds its training state
(:mod:`climann.model.state`: parameters, optimizer state, shuffling generator, best weights,
history, position inside an epoch), the run's resolved configuration and a fingerprint of its
training data. It is written atomically (complete or absent) after every ``[training]
checkpoint_every`` epochs, after the last epoch, and when SIGINT (Ctrl-C), SIGTERM or SIGHUP
(a closed terminal) arrives: the run then stops after the current batch (after the current
round of chunks when streamed or on a cluster), writes the checkpoint and exits with 130, 143 or 129. A signal
at another moment (reading data, evaluating, drawing figures) stops the run at once, with
what it was writing removed (:mod:`climann.workflow.interrupts`). SIGKILL cannot be caught: the last
periodic checkpoint is what is left, and the next run there (or ``--resume``) removes the
hidden temporaries that the killed one left (:func:`climann.workflow.outputs.remove_leftovers`).

The run's own files still appear only when complete: the pipeline builds them under a
temporary name and renames that over ``RUN_DIR``, which also removes the checkpoint. A run
directory holding ``checkpoint.npz`` is therefore an unfinished run; ``climann train --resume
RUN_DIR`` continues it, with the recorded configuration, and ends with weights bit-identical
to those of a run that was never interrupted (same machine, same data). Resuming refuses a
configuration that differs from the recorded one (naming the keys; only ``checkpoint_every``
and the cluster's size and address may change) and data whose fingerprint differs. Runs on a
dask cluster checkpoint between epochs, stop on a signal after the current round of local SGD
(the checkpoint then continues the epoch at the next round: "in epoch E, after round N")
and resume on any cluster (``--workers`` or ``--scheduler``) with the number of replicas
recorded in the checkpoint (a ``--workers`` of another number starts one local worker per replica,
:meth:`Checkpointing.with_recorded_replicas`, and ``config.toml`` records that number); not in
one process: their steps are local SGD rounds. Streamed
runs train through the same rounds (one replica, in this process:
:mod:`climann.workflow.compute.executor`) and checkpoint, stop and resume alike.

A run that diverges (a non-finite loss) keeps its best weights in ``RUN_DIR/best_model.npz``
(a model file like ``model.npz``, which ``climann.model.Network.load`` reads) and drops its
checkpoint, which would only diverge again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import shlex
import signal
import threading
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from climann.workflow.compute.cluster import uses_cluster
from climann.workflow.config import RunConfig, build_config, config_to_dict, config_to_toml
from climann.data.scaling import Standardizer
from climann.errors import ClimannError, Interrupted
from climann.run_files import (
    cut_short,
    is_checkpoint_file,
    is_model_file,
    is_published_checkpoint,
    is_run_directory,
    model_sha256,
    not_a_run,
    training_kind,
)
from climann.workflow.outputs import (  # noqa: F401 (refuse_unfinished_run re-exported)
    CHECKPOINT_FILES,
    RunDirectoryTaken,
    publish_run,
    refuse_unfinished_run,
    remove_leftovers,
    signals_deferred,
)
from climann.workflow.interrupts import (
    STOP_SIGNALS,
    Terminated,
    announce,
    interruption_behind,
    raise_lost_signal,
    signal_number,
)
from climann.model import (
    Network,
    StopRequest,
    TrainingDiverged,
    TrainingInterrupted,
    TrainingState,
    load_state,
    save_state,
)

__all__ = [
    "BEST_MODEL_NAME",
    "CHECKPOINT_NAME",
    "Checkpointing",
    "config_differences",
    "data_fingerprint",
    "recorded_settings",
    "interrupted",
    "refuse_unfinished_run",
    "training_hooks",
    "written_run_interrupted",
]

CHECKPOINT_NAME = CHECKPOINT_FILES[0]
BEST_MODEL_NAME = "best_model.npz"

_log = logging.getLogger("climann")

#: Keys that may differ between a checkpoint and the run that resumes it: they do not
#: change what is computed.
MAY_DIFFER = {
    ("training", "checkpoint_every"),
    ("compute", "threads_per_worker"), ("compute", "memory_limit_gb"), ("compute", "connect_timeout"),
}

#: Keys that may differ when both runs compute on a dask cluster: the same chunks give the
#: same sums on any cluster (an HPC job that resumes gets a new scheduler address).
MAY_DIFFER_ON_CLUSTERS = {("compute", "workers"), ("compute", "scheduler")}


def data_fingerprint(input_scaler: Standardizer, target_scaler: Standardizer) -> str:
    """A fingerprint of the training data: a hash of the means and standard deviations
    fitted on the training block (every feature and the target), which change with any
    change of those data.

    Returns
    -------
    str
        64 hexadecimal digits (SHA-256).
    """
    scaling = {"inputs": input_scaler.to_dict(), "target": target_scaler.to_dict()}
    return hashlib.sha256(json.dumps(scaling, sort_keys=True).encode()).hexdigest()


def config_differences(config: RunConfig, recorded: RunConfig) -> list[str]:
    """The keys whose values differ, as ``"[training] epochs = 30 here, 20 in the checkpoint"``
    (keys in :data:`MAY_DIFFER` left out, and those in :data:`MAY_DIFFER_ON_CLUSTERS` when
    both configurations compute on a dask cluster)."""
    given, saved = config_to_dict(config), config_to_dict(recorded)
    may_differ = MAY_DIFFER | (
        MAY_DIFFER_ON_CLUSTERS if uses_cluster(config.compute) and uses_cluster(recorded.compute) else set()
    )
    differences = []
    for section, values in given.items():
        for key, value in values.items():
            before = saved.get(section, {}).get(key)
            if (section, key) not in may_differ and value != before:
                differences.append(
                    f"[{section}] {key} = {json.dumps(value)} here, {json.dumps(before)} in the checkpoint"
                )
    return differences


def start_again(run_dir: Path) -> str:
    """``"start the run again from its first epoch with its recorded settings: climann train
    --resume RUN --overwrite"``, for refusals of ``--resume`` (break28b A5: "start again with
    --overwrite" was not a command that worked as read)."""
    return (f"start the run again from its first epoch with its recorded settings: climann train --resume "
            f"{shlex.quote(str(run_dir))} --overwrite")


def refuse_changed_inputs(run_dir: str | Path, records: Sequence[dict]) -> None:
    """Refuse to resume the run in ``run_dir`` when an input file differs from the checkpoint's
    record of it (``records``: :func:`climann.workflow.provenance.file_record` of each input
    now). Called before the data are read, so that the refusal comes at once, not after
    reading them (break28b A5: 13 s).

    The data fingerprint sees only the training block's scaling: a file changed in its
    validation or test years, or with the same means and standard deviations, would be
    resumed on without a word, leaving one run trained and validated on two versions of
    its data, and a ``provenance.json`` naming only the second. A file corrected on
    purpose means a new run.

    Raises
    ------
    ClimannError
        If an input file differs from the checkpoint's record of it (each named), or
        ``run_dir`` has no readable checkpoint.
    """
    run_dir = Path(run_dir)
    _, metadata = _checkpoint(run_dir)
    _refuse_changed(run_dir, metadata.get("inputs"), records)


def _refuse_changed(run_dir: Path, resumed_inputs: Sequence[dict] | None, records: Sequence[dict]) -> None:
    """The refusal of :func:`refuse_changed_inputs`, against the checkpoint's ``inputs``."""
    from climann.workflow.provenance import records_difference

    recorded = {str(entry.get("path")): entry for entry in resumed_inputs or [] if isinstance(entry, dict)}
    changes = [f"{record['path']} ({difference})" for record in records if record["path"] in recorded
               and (difference := records_difference(recorded[record["path"]], record, source="the checkpoint"))]
    if changes:
        raise ClimannError(
            f"--resume {run_dir}: input files changed since the checkpoint: {'; '.join(changes)}; the run would be "
            f"trained on two versions of its data: put the files back, or {start_again(run_dir)}"
        )


def _checkpoint(run_dir: Path) -> tuple[TrainingState, dict]:
    """The checkpoint of ``run_dir``; refused if there is none, or if the folder (or the
    checkpoint) is not climann's (by content, :mod:`climann.run_files`)."""
    path = run_dir / CHECKPOINT_NAME
    if run_dir.is_dir() and not is_checkpoint_file(path) and (damaged := cut_short(run_dir)) is not None:
        raise ClimannError(f"--resume {run_dir}: {damaged}")
    if run_dir.is_dir() and not is_run_directory(run_dir) and any(run_dir.iterdir()):
        raise ClimannError(f"--resume {not_a_run(run_dir)}; give the run directory of an unfinished run (climann "
                           "train --out)")
    if not path.is_file():
        if is_model_file(run_dir / "model.npz"):
            # its recorded settings: --out and --overwrite alone trained the sample's default run over it (verify28 V6)
            recorded = run_dir / "config.toml"
            again = (f"again with its recorded settings: climann train --config {shlex.quote(str(recorded))} --out "
                     f"{shlex.quote(str(run_dir))} --overwrite" if recorded.is_file() else
                     f"again, start a new run with --out {run_dir} --overwrite")
            raise ClimannError(
                f"--resume {run_dir}: no checkpoint ({CHECKPOINT_NAME}) there (a finished run has none); to train it "
                f"{again} (it replaces the finished run)"
            )
        raise ClimannError(
            f"--resume {run_dir}: no checkpoint ({CHECKPOINT_NAME}) there; start a new run with --out {run_dir}"
        )
    if not is_checkpoint_file(path):
        raise ClimannError(f"--resume {run_dir}: its {CHECKPOINT_NAME} was not written by climann (no climann "
                           "training state in it); it is left as it is: give the run directory of an unfinished run")
    return load_state(path)


def _recorded_config(metadata: dict, run_dir: Path) -> RunConfig:
    try:
        settings = tomllib.loads(metadata["config"])
        # a checkpoint from before [data] season_dated_by trained on season features dated by stamps
        settings.setdefault("data", {}).setdefault("season_dated_by", "stamp")
        # and from before 3 December 2026 chose months by the stamps, without the step before its time_range
        settings["data"].setdefault("selection_dated_by", "stamp")
        settings["data"].setdefault("step_before_range", False)
        settings["data"].setdefault("steps_before_range", 1)  # before 4 December 2026: one step, whatever the lags
        settings["data"].setdefault("steps_before_months", False)  # and none with months or seasons
        settings["data"].setdefault("cell_edges", "straight")  # and cell corners joined by straight edges
        settings["data"].setdefault("weigh_by_area_fraction", False)  # and weighed whole cells
        settings["data"].setdefault("area_means_by_fraction", False)  # and before 7 December 2026 in area means
        # and from before 4 December 2026 trained local SGD with chunk k on replica k mod K every epoch
        settings.setdefault("compute", {}).setdefault("chunks_to_replicas", "fixed")
        return build_config(settings)
    except (KeyError, TypeError, tomllib.TOMLDecodeError, ClimannError) as error:
        raise ClimannError(
            f"--resume {run_dir}: the checkpoint's configuration is not readable by this "
            f"climann version ({error})"
        ) from None


def recorded_settings(run_dir: str | Path) -> dict:
    """The configuration recorded in the checkpoint of the unfinished run ``run_dir``, as
    settings (``{section: {key: value}}``) that command-line flags may be merged into.

    Raises
    ------
    ClimannError
        If ``run_dir`` holds no readable checkpoint.
    """
    _, metadata = _checkpoint(Path(run_dir))
    return config_to_dict(_recorded_config(metadata, Path(run_dir)))


@dataclass
class Checkpointing:
    """How one run writes its checkpoints and, when resumed, where it continues.

    Create with :meth:`start` (a new run) or :meth:`resume`.

    Attributes
    ----------
    run_dir : Path
    every : int
        ``[training] checkpoint_every``.
    config_toml : str
        The run's resolved configuration, recorded in each checkpoint.
    resumed : TrainingState or None
        The state to continue from.
    fingerprint : str or None
        The data fingerprint recorded with ``resumed``.
    stop : StopRequest
        Set by the signal handlers while training.
    signal_number : int or None
        The signal that set ``stop``.
    run_log : callable or None
        Returns the run's log so far (the content of ``train.log``), recorded in each
        checkpoint so that a resumed run's ``train.log`` holds the whole run.
    resumed_log : str
        The log recorded in the resumed checkpoint ("" for a new run or an older checkpoint).
    resumed_chunks : list of [start, stop], or None
        The training chunks (time steps) recorded in the resumed checkpoint of a cluster or
        streamed run; None for a new run, an in-memory run or a checkpoint of a climann
        that did not record them (before 1 Dec 2026).
    inputs : list of dict or None
        The input files' records (:func:`climann.workflow.provenance.file_record`), saved in
        each checkpoint (see :meth:`record_inputs`).
    resumed_inputs : list of dict or None
        Those saved in the resumed checkpoint (None for a new run or an older checkpoint).
    replaces : bool
        Whether the finished run may replace a climann run in ``run_dir``
        (:meth:`publish`): ``--overwrite`` for a new run; for a resumed one, whether the
        finished run there now is the one it was started to replace (:attr:`replaces_model`).
    replaces_model : str or None
        The SHA-256 of the ``model.npz`` of the run that a new run started with
        ``--overwrite`` found in ``run_dir`` (None: none, or no ``--overwrite``), recorded in
        each checkpoint: the run, new or resumed, replaces that run when it is published
        (:func:`~climann.workflow.outputs.publish_run`), not one that another ``climann
        train`` wrote there meanwhile (that one is kept, and this run goes to ``RUN-2``).
    trained : bool
        Training has ended (:meth:`after_training` was entered).
    published : Path or None
        Where :meth:`publish` put the finished run, complete (``run_dir``, or ``RUN-2`` beside
        it when that was taken); None before. A signal after that says so (:meth:`interrupted`).
    members : int
        ``[training] ensemble``: an ensemble of more than one writes no checkpoint.
    """

    run_dir: Path
    every: int
    config_toml: str
    resumed: TrainingState | None = None
    fingerprint: str | None = None
    stop: StopRequest = field(default_factory=StopRequest)
    signal_number: int | None = None
    run_log: Callable[[], str] | None = None
    resumed_log: str = ""
    resumed_chunks: list | None = None
    inputs: list | None = None
    resumed_inputs: list | None = None
    replaces: bool = False
    replaces_model: str | None = None
    trained: bool = False
    published: Path | None = None
    members: int = 1
    _written: tuple | None = field(default=None, repr=False)
    _found: tuple | None = field(default=None, repr=False)

    @classmethod
    def start(cls, config: RunConfig, run_dir: Path, *, overwrite: bool = False) -> Checkpointing:
        """For a new run of the resolved ``config``; ``overwrite``: it may replace a climann
        run in ``run_dir``."""
        return cls(Path(run_dir), config.training.checkpoint_every, config_to_toml(config), replaces=overwrite,
                   replaces_model=model_sha256(Path(run_dir) / "model.npz") if overwrite else None,
                   members=config.training.ensemble, _found=_identity(Path(run_dir) / CHECKPOINT_NAME))

    @classmethod
    def resume(cls, config: RunConfig, run_dir: Path) -> Checkpointing:
        """For ``--resume run_dir`` with the resolved ``config``.

        Raises
        ------
        ClimannError
            If ``run_dir`` has no readable checkpoint, or ``config`` differs from the one
            recorded there (the message names every differing key).
        """
        run_dir = Path(run_dir)
        remove_leftovers(run_dir)
        state, metadata = _checkpoint(run_dir)
        differences = config_differences(config, _recorded_config(metadata, run_dir))
        if differences:
            raise ClimannError(
                f"--resume {run_dir}: the configuration differs from the checkpoint's: "
                f"{'; '.join(differences)}; resume without --config and flags to use the recorded one, or add "
                "--overwrite to start the run again from its first epoch with them"
            )
        return cls(
            run_dir, config.training.checkpoint_every, config_to_toml(config),
            resumed=state, fingerprint=metadata.get("fingerprint"), resumed_log=str(metadata.get("log", "")),
            resumed_chunks=metadata.get("chunks"), resumed_inputs=metadata.get("inputs"),
            **_replaces_on_resume(run_dir, metadata), _found=_identity(run_dir / CHECKPOINT_NAME),
        )

    def with_recorded_replicas(self, config: RunConfig) -> RunConfig:
        """``config`` with ``[compute] workers`` set to the replicas of local SGD recorded in the
        resumed checkpoint, when it resumes on a local cluster of another size (``--workers``):
        the checkpoint's replicas train on (the weights of the uninterrupted run), one per local
        worker, and ``config.toml`` and ``model.npz`` then record the number that trained, so that
        ``climann train --config RUN/config.toml`` trains the same model (verify25 F4). Said in
        one line. Unchanged for a new run, a run in this process, or on a cluster given by
        ``--scheduler`` (its workers are its own)."""
        local_sgd = self.resumed.rng.get("local_sgd", {}) if self.resumed is not None else {}
        replicas = local_sgd.get("replicas") if isinstance(local_sgd, dict) else None
        workers = config.compute.workers
        if not replicas or config.compute.scheduler or workers <= 0 or workers == replicas:
            return config
        _log.warning(f"--resume {self.run_dir}: the checkpoint trained local SGD on {replicas} replicas, which the "
                     f"run keeps (its weights are those of the uninterrupted run): resumed on {replicas} local "
                     f"workers instead of --workers {workers}, and recorded so in config.toml")
        config = dataclasses.replace(config, compute=dataclasses.replace(config.compute, workers=int(replicas)))
        self.config_toml = config_to_toml(config)
        return config

    def record_inputs(self, records: Sequence[dict]) -> None:
        """Keep the input files' records (``inputs`` of ``provenance.json``) to save in each
        checkpoint; when resuming, refuse inputs that differ from those the checkpoint saved
        (:func:`refuse_changed_inputs`).

        Raises
        ------
        ClimannError
            If an input file differs from the checkpoint's record of it (each named).
        """
        _refuse_changed(self.run_dir, self.resumed_inputs, records)
        self.inputs = list(records)

    @property
    def path(self) -> Path:
        return self.run_dir / CHECKPOINT_NAME

    def train_keywords(self, fingerprint: str, chunks: Sequence[tuple[int, int]] | None = None) -> dict:
        """The keywords of :func:`climann.model.train` that write checkpoints and continue
        from the resumed state.

        Parameters
        ----------
        fingerprint : str
            :func:`data_fingerprint` of the training data now.
        chunks : sequence of (start, stop), optional
            A cluster or streamed run's training chunks (time steps): recorded in each
            checkpoint, and compared with the resumed one's. Local SGD's rounds and where an
            interrupted epoch continues are counted in these chunks, and the scaling is
            merged over them, so a run resumes only with the same chunks.

        Raises
        ------
        ClimannError
            If ``chunks`` differ from those recorded in the resumed checkpoint (or, with a
            checkpoint that recorded none, if the fingerprint differs too: a checkpoint of an
            earlier climann, which cut the data otherwise); or if ``fingerprint`` differs
            from the resumed checkpoint's.
        """
        chunk_list = None if chunks is None else [[int(start), int(stop)] for start, stop in chunks]
        if self.resumed is not None and chunk_list is not None and chunk_list != self.resumed_chunks and (
            self.resumed_chunks is not None or fingerprint != self.fingerprint
        ):
            recorded = (f"{len(self.resumed_chunks)} chunks then, {len(chunk_list)} now"
                        if self.resumed_chunks is not None else "its chunks are not recorded")
            raise ClimannError(
                f"--resume {self.run_dir}: the checkpoint was taken with the training data cut into other chunks "
                f"({recorded}): it was written by another version of climann, which cuts the time axis otherwise; "
                f"resume it with that version, or {start_again(self.run_dir)}"
            )
        if self.resumed is not None and fingerprint != self.fingerprint:
            raise ClimannError(
                f"--resume {self.run_dir}: the training data differ from those of the checkpoint "
                "(their means and standard deviations changed: were the input files replaced?); "
                f"{start_again(self.run_dir)}"
            )

        def save(state: TrainingState) -> None:
            try:
                self.run_dir.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ClimannError(f"cannot create run directory {self.run_dir}: {error.strerror}") from None
            metadata = {"config": self.config_toml, "fingerprint": fingerprint}
            if chunk_list is not None:
                metadata["chunks"] = chunk_list
            if self.inputs is not None:
                metadata["inputs"] = self.inputs
            if self.run_log is not None:
                metadata["log"] = self.run_log()
            metadata["replaces_model"] = self.replaces_model
            self._refuse_another_runs_checkpoint()
            save_state(self.path, state, metadata=metadata)
            self._written = _identity(self.path)

        return {
            "initial_state": self.resumed,
            "checkpoint_every": self.every,
            "on_checkpoint": save,
            "stop": self.stop,
        }

    def skip_trained_epochs(self, *streams: object) -> None:
        """Position each stream of batches (a ``BatchStream``) after the resumed state's epochs."""
        if self.resumed is not None:
            for stream in streams:
                stream.skip_epochs(self.resumed.epoch)  # type: ignore[attr-defined]

    @contextlib.contextmanager
    def guard(self, network: Network, model_metadata: Callable[[], dict]) -> Iterator[None]:
        """Around :func:`climann.model.train`: SIGINT, SIGTERM and SIGHUP stop training with a
        checkpoint (:class:`~climann.errors.Interrupted`); divergence keeps the best weights."""
        with self._signals_stop_training():
            try:
                yield
            except TrainingInterrupted as stopped:
                raise self._interrupted(stopped.state.describe()) from None
            except TrainingDiverged as diverged:
                raise self._keep_best(network, diverged, model_metadata) from None

    @contextlib.contextmanager
    def after_training(self, phase: str | Callable[[], str | None] = "evaluating") -> Iterator[None]:
        """Around the evaluation and the writing of the run directory: a signal there says
        what the run was doing (``phase``, or what it returns when the signal came: a
        :class:`~climann.workflow.runlog.PhaseTimer`'s current phase) and that the training
        is checkpointed.

        Also a signal whose exception Python lost (:func:`~climann.workflow.interrupts.take_lost_signal`:
        raised inside a weak reference's callback during an import, say): raised again at the
        end of the block, before the run directory is published."""
        self.trained = True
        try:
            yield
            raise_lost_signal()
        except (KeyboardInterrupt, Terminated, Exception) as error:
            stopped = interruption_behind(error)  # (a signal inside an import arrives as an ImportError)
            if stopped is None or not self.path.is_file():
                raise
            doing = ((phase() if callable(phase) else phase) or "evaluating").split(" (")[0]  # no "(on the cluster)"
            raise self._interrupted(f"while {doing} (the training is checkpointed)", signal_number(stopped)) from None

    def publish(self, staging: Path) -> None:
        """Put the finished run in ``staging`` into :attr:`run_dir`
        (:func:`~climann.workflow.outputs.publish_run`, replacing a climann run there only
        when :attr:`replaces`, and only the run :attr:`replaces_model` names, the one found
        when the run started). When the directory was taken meanwhile the run goes beside
        it, and this run's own checkpoint, if still there, is removed: its run is complete
        elsewhere.

        Raises
        ------
        RunDirectoryTaken
        """
        ours = self._checkpoint_is_ours()
        if ours:
            self._record_publication(staging)
        # a signal waits until the run is in place and :attr:`published` says so (its message, :meth:`interrupted`)
        with signals_deferred():
            try:
                publish_run(staging, self.run_dir, overwrite=self.replaces, replaces=self.replaces_model,
                            keep=() if ours else (CHECKPOINT_NAME,))
            except RunDirectoryTaken as taken:
                self.published = taken.kept
                if self._written is not None and _identity(self.path) == self._written:
                    self.path.unlink(missing_ok=True)
                raise
            self.published = self.run_dir

    def _record_publication(self, staging: Path) -> None:
        """Record in this run's checkpoint (if there is one) the SHA-256 of the ``model.npz``
        about to be published (``publishes_model``): killed after the last rename, before the
        checkpoint is removed, the run left is known as this one, whole
        (:func:`climann.run_files.is_published_checkpoint`), not as the run it replaces."""
        if not self.path.is_file():
            return
        state, metadata = load_state(self.path)
        save_state(self.path, state, metadata={**metadata, "publishes_model": model_sha256(staging / "model.npz")})
        self._written = _identity(self.path)

    def _checkpoint_is_ours(self) -> bool:
        """Whether the checkpoint in :attr:`run_dir` (if any) is the one this run wrote last, or
        found when it started (the one it resumes, or replaces with ``--overwrite``): not one
        that another ``climann train`` into the same directory wrote meanwhile."""
        return _identity(self.path) in (None, self._found if self._written is None else self._written)

    def _refuse_another_runs_checkpoint(self) -> None:
        """Before writing a checkpoint: stop when another ``climann train`` into the same
        directory has written one since (two terminals, a script started twice). Writing over
        it would lose that run's training, and its ``--resume`` would continue this one.

        Raises
        ------
        ClimannError
            Naming the directory and when the other checkpoint was written.
        """
        if self._checkpoint_is_ours():
            return
        import time

        try:
            age = f", {max(time.time() - self.path.stat().st_mtime, 0.0):.0f} s ago"
        except OSError:
            age = ""
        raise ClimannError(
            f"another climann train is training into {self.run_dir}: its {CHECKPOINT_NAME} was written by that run"
            f"{age}, not by this one; this run stops here and leaves it alone (two runs in one directory would "
            f"replace each other's checkpoints): train this one into another --out")

    def resumed_note(self) -> str | None:
        """For ``train.log`` of a resumed run, between the interrupted part and the resumed
        one: that the run was interrupted, and the checkpoint it resumes from, timed as that
        checkpoint was written (None for a new run)."""
        if self.resumed is None:
            return None
        import datetime

        try:
            written = datetime.datetime.fromtimestamp(self.path.stat().st_mtime)
        except OSError:
            written = datetime.datetime.now()
        return (f"{written.isoformat(timespec='milliseconds')} interrupted; resumed by the command below from the "
                f"checkpoint written here {self.resumed.describe()}")

    def _interrupted(self, where: str, number: int | None = None) -> Interrupted:
        return interrupted(self.run_dir, number or self.signal_number or signal.SIGINT, where)

    def interrupted(self, number: int) -> Interrupted:
        """The :class:`~climann.errors.Interrupted` of this run stopped by signal ``number``
        outside training (after :meth:`guard`, :meth:`after_training` and :meth:`publish`,
        which say their own): the run is complete once published
        (:func:`written_run_interrupted`); before that :func:`interrupted` (its checkpoint, if
        any), saying that the training had ended when it had (break36b B1: a run stopped as
        its local cluster shut down, after its directory was in place, was told that no
        checkpoint was written and to start again, which ``--out`` then refused)."""
        if self.published is not None:
            return written_run_interrupted(self.published, number)
        if self.trained and not self.path.is_file():
            # fix37b: an ensemble was told that checkpoint_every = 1 writes none between epochs
            why = (f"an ensemble ([training] ensemble = {self.members}) writes none" if self.members > 1 else
                   f"[training] checkpoint_every = {self.every} writes none between epochs")
            return Interrupted(
                f"interrupted by {signal.Signals(number).name} after training, before the run directory was written: "
                f"nothing of this run is in {self.run_dir} (no checkpoint: {why}); start the run again",
                exit_code=128 + number)
        return interrupted(self.run_dir, number)

    def _keep_best(
        self, network: Network, diverged: TrainingDiverged, model_metadata: Callable[[], dict]
    ) -> ClimannError:
        """Save the best weights (the network holds them now) and drop the checkpoint (this run's only)."""
        if self._checkpoint_is_ours():
            self.path.unlink(missing_ok=True)
        if diverged.best_epoch is None:
            return ClimannError(f"{diverged}; no epoch had finished, so no weights were kept")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        metadata = model_metadata() | {"diverged_in_epoch": diverged.epoch, "best_epoch": diverged.best_epoch}
        network.save(self.run_dir / BEST_MODEL_NAME, metadata=metadata)
        return ClimannError(f"{diverged}; those weights are in {self.run_dir / BEST_MODEL_NAME}")

    @contextlib.contextmanager
    def _signals_stop_training(self) -> Iterator[None]:
        """SIGINT, SIGTERM and SIGHUP set :attr:`stop` (the loop then stops after the current
        batch); a second signal acts as without this handler. Only in the main thread, where
        Python runs signal handlers; an ignored signal (``nohup``) stays ignored."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous: dict[int, object] = {}

        def handle(number: int, frame: object) -> None:
            self.stop.requested, self.signal_number = True, number
            for other, handler in previous.items():
                signal.signal(other, handler)  # type: ignore[arg-type]
            announce("climann: stopping to write a checkpoint after the current batch (a streamed or cluster "
                     "run: after the current round); send the signal again to stop at once")

        for number in STOP_SIGNALS:
            if signal.getsignal(number) == signal.SIG_IGN:
                continue
            handler = signal.signal(number, handle)
            previous[number] = signal.SIG_DFL if handler is None else handler
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)  # type: ignore[arg-type]


def remove_published_checkpoint(run_dir: str | Path) -> None:
    """``--resume`` of a run whose training (or retraining) had finished (killed after its
    files were in place, before it removed its checkpoint,
    :func:`climann.run_files.is_published_checkpoint`): the checkpoint and the temporaries are
    removed, and nothing is trained.

    A refusal (exit 2), as ``--resume`` of a finished run without a checkpoint is: the option
    asks to train the rest, and there is none; the run's files are not changed.

    Raises
    ------
    ClimannError
        When it removed them, saying so (there is nothing to resume) and whether it was a
        first training or a retraining (verify23 F4); nothing when the checkpoint is not such a
        leftover.
    """
    run_dir = Path(run_dir)
    if not is_published_checkpoint(run_dir):
        return
    kind = training_kind(run_dir)
    remove_leftovers(run_dir)
    (run_dir / CHECKPOINT_NAME).unlink(missing_ok=True)
    raise ClimannError(
        f"--resume {run_dir}: nothing to resume: its {kind} had finished (stopped after the run was in place, before "
        f"it removed its checkpoint) and the run there is whole; removed the {CHECKPOINT_NAME} it left"
    )


def _replaces_on_resume(run_dir: Path, metadata: dict) -> dict:
    """``replaces`` and ``replaces_model`` of a resumed run: it replaces the finished run in
    ``run_dir`` only if that is the one its ``--overwrite`` start found (by SHA-256); a
    checkpoint of a climann that did not record it (before 2 Dec 2026) replaces any. A
    ``model.npz`` that is the one this run was publishing when it was stopped
    (``publishes_model``, :func:`climann.run_files.holds_published_model`: a run into a folder
    without a model puts its model first) is its own, and is replaced too (verify22b F7: it was
    refused as another run's, and the run written to ``RUN-2``)."""
    found = model_sha256(run_dir / "model.npz")
    if found is not None and found == metadata.get("publishes_model"):
        return {"replaces": True, "replaces_model": found}
    if "replaces_model" not in metadata:
        return {"replaces": found is not None, "replaces_model": found}
    recorded = metadata["replaces_model"]
    return {"replaces": found is not None and found == recorded, "replaces_model": recorded}


def _identity(path: Path) -> tuple | None:
    """Which file ``path`` is now (inode, size, modification time), None if there is none."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns


def interrupted(run_dir: Path, number: int, where: str = "") -> Interrupted:
    """The :class:`~climann.errors.Interrupted` of a run in ``run_dir`` stopped by signal
    ``number``: how to resume it when it has a checkpoint, else that nothing was kept."""
    where = f" {where}" if where else ""
    if (Path(run_dir) / CHECKPOINT_NAME).is_file():
        advice = f"resume with: climann train --resume {shlex.quote(str(run_dir))}"
    else:
        advice = "no checkpoint was written yet; start the run again"
    return Interrupted(f"interrupted by {signal.Signals(number).name}{where}; {advice}", exit_code=128 + number)


def written_run_interrupted(run_dir: Path, number: int) -> Interrupted:
    """The :class:`~climann.errors.Interrupted` of a ``climann train`` stopped by signal
    ``number`` once its run was in place (:meth:`Checkpointing.publish`, all its files at
    once): the run in ``run_dir`` is complete, and nothing needs doing again."""
    quoted = shlex.quote(str(run_dir))
    return Interrupted(
        f"interrupted by {signal.Signals(number).name} after the run was written: {run_dir} is complete (its scores "
        f"are in {Path(run_dir) / 'report.md'}; climann evaluate {quoted} scores it again)", exit_code=128 + number)


def training_hooks(
    checkpointing: Checkpointing | None,
    network: Network,
    *,
    fingerprint: Callable[[], str],
    model_metadata: Callable[[], dict],
    chunks: Sequence[tuple[int, int]] | None = None,
) -> tuple[dict, contextlib.AbstractContextManager]:
    """The keywords for :func:`climann.model.train` and the context to call it in: those of
    ``checkpointing`` (see :meth:`Checkpointing.train_keywords`, :meth:`Checkpointing.guard`),
    or none. ``chunks``: a cluster or streamed run's training chunks."""
    if checkpointing is None:
        return {}, contextlib.nullcontext()
    return checkpointing.train_keywords(fingerprint(), chunks), checkpointing.guard(network, model_metadata)
