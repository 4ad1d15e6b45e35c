"""Tests for climann/workflow/checkpoints.py: interrupting a run and resuming it bit-identically.

The end-to-end tests run ``climann train`` in a subprocess, send SIGINT, SIGTERM, SIGHUP or
SIGKILL once its first checkpoint exists (or while it draws its figures), then ``climann train --resume`` and compare the final
weights with those of an uninterrupted run. The others call the pipeline in this process.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from climann.workflow.checkpoints import (
    CHECKPOINT_NAME,
    Checkpointing,
    config_differences,
    data_fingerprint,
    refuse_unfinished_run,
)
from climann.cli import app
from climann.workflow.config import build_config
from climann.data.sample_data import write_sample_dataset
from climann.data.scaling import Standardizer
from climann.errors import ClimannError, Interrupted
from climann.model import Network, load_state
from climann.workflow.pipeline import check_run_directory, run_training
from tests.conftest import draw_no_run_figures, write_climann_file
from tests.console import run_main

CLIMANN = [sys.executable, "-c", "from climann.cli import main; main()"]


@pytest.fixture(scope="module")
def tiny_sample(tmp_path_factory):
    return write_sample_dataset(tmp_path_factory.mktemp("data") / "tiny.nc", years=4, resolution=15.0, seed=3)


@pytest.fixture(autouse=True)
def no_figures(monkeypatch):
    """Runs in this process draw no figures: they take most of a tiny run's time, and
    checkpoints do not concern them (the subprocesses draw them)."""
    draw_no_run_figures(monkeypatch)


@pytest.fixture(scope="module")
def reference(tiny_sample, tmp_path_factory):
    """An uninterrupted run of ``_settings`` (4 epochs, in memory), without figures (set up
    before the autouse ``no_figures``)."""
    with pytest.MonkeyPatch.context() as patch:
        draw_no_run_figures(patch)
        return run_training(build_config(_settings(tiny_sample)), run_dir=tmp_path_factory.mktemp("reference") / "run")


def _settings(sample, **training):
    options = {"epochs": 4, "batch_size": 64, "learning_rate": 3e-3} | training
    return {"data": {"paths": [str(sample)]}, "model": {"hidden": [8]}, "training": options}


def _weights(run_dir):
    with np.load(Path(run_dir) / "model.npz") as archive:
        return {name: archive[name] for name in archive.files if name != "metadata"}


def _assert_same_weights(run_dir, reference_dir):
    weights, reference = _weights(run_dir), _weights(reference_dir)
    assert weights.keys() == reference.keys()
    assert all(np.array_equal(weights[name], reference[name]) for name in reference)


def _signal_at_epoch(number, epoch):
    def on_epoch(current, history):
        if current == epoch:
            os.kill(os.getpid(), number)

    return on_epoch


# --- in this process: interrupted by a signal at the end of an epoch, then resumed ------------------
@pytest.mark.parametrize(
    "data, number",
    [
        pytest.param({}, signal.SIGINT, id="in-memory-SIGINT"),
        pytest.param({"in_memory_limit_gb": 2e-4}, signal.SIGTERM, id="streamed-SIGTERM"),
    ],
)
def test_an_interrupted_run_resumes_to_the_uninterrupted_weights(tiny_sample, tmp_path, data, number, request):
    settings = _settings(tiny_sample)
    settings["data"] |= data
    config = build_config(settings)
    # in memory, the module's reference is that run (the same settings, no figures); streaming trains differently
    reference = (run_training(config, run_dir=tmp_path / "reference") if data
                 else request.getfixturevalue("reference"))
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with pytest.raises(Interrupted) as interrupted:
        run_training(config, run_dir=tmp_path / "run", on_epoch=_signal_at_epoch(number, 2))
    assert interrupted.value.exit_code == 128 + number
    assert f"after epoch 2; resume with: climann train --resume {tmp_path / 'run'}" in str(interrupted.value)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
    assert [path.name for path in (tmp_path / "run").iterdir()] == [CHECKPOINT_NAME]
    epochs = []
    resumed = run_training(config, run_dir=tmp_path / "run", resume=True, on_epoch=lambda e, h: epochs.append(e))
    assert epochs == [3, 4]
    assert resumed.history == reference.history
    _assert_same_weights(tmp_path / "run", reference.run_dir)
    assert not (tmp_path / "run" / CHECKPOINT_NAME).exists()  # a finished run has no checkpoint
    # train.log holds the whole run: the part before the interruption (kept in the checkpoint), then the resumed part
    log = (tmp_path / "run" / "train.log").read_text()
    assert [int(n) for n in re.findall(r"^\S+ epoch +(\d+)/4", log, flags=re.MULTILINE)] == [1, 2, 3, 4]
    assert len(re.findall(r"^\S+ climann \S+", log, flags=re.MULTILINE)) == 2  # each part's first line
    # and says, between the two, that the run was interrupted there and resumed
    assert re.search(r"^\S+ epoch +2/4 .*\n(?:(?!\S+ epoch).*\n)*\S+ interrupted; resumed by the command below "
                     r"from the checkpoint written here after epoch 2\n\S+ climann \S+", log, flags=re.MULTILINE), log


def test_an_interruption_while_evaluating_resumes_without_training_again(
    tiny_sample, tmp_path, monkeypatch, reference
):
    config = build_config(_settings(tiny_sample))

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr("climann.workflow.pipeline.evaluate", interrupt)
        with pytest.raises(Interrupted, match="while evaluating") as interrupted:
            run_training(config, run_dir=tmp_path / "run")
    assert interrupted.value.exit_code == 130
    state, _ = load_state(tmp_path / "run" / CHECKPOINT_NAME)
    assert state.epoch == 4  # the checkpoint after the last epoch
    epochs = []
    run_training(config, run_dir=tmp_path / "run", resume=True, on_epoch=lambda e, h: epochs.append(e))
    assert epochs == []
    _assert_same_weights(tmp_path / "run", reference.run_dir)


def test_an_interruption_while_writing_the_run_directory_says_so(tiny_sample, tmp_path, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("climann.workflow.pipeline.write_run_files", interrupt)
    with pytest.raises(Interrupted, match="^interrupted by SIGINT while writing the run directory \\(the training is "
                                          "checkpointed\\); resume with: climann train --resume "):
        run_training(build_config(_settings(tiny_sample, epochs=1)), run_dir=tmp_path / "run")
    assert [path.name for path in tmp_path.iterdir()] == ["run"]  # no staging folder left
    assert [path.name for path in (tmp_path / "run").iterdir()] == [CHECKPOINT_NAME]


def test_a_run_published_into_its_directory_meanwhile_is_not_replaced(tiny_sample, tmp_path, reference):
    """Two trains into the same new --out: the other one finishes while this one trains (after
    which this one writes its checkpoint into the other's directory). This one is refused
    (exit 2) and kept, complete, beside it; its checkpoint is not left in the other run's
    directory, and the other run is untouched."""
    from climann.workflow.outputs import RunDirectoryTaken, publish_run, staging_directory
    from tests.conftest import write_climann_run

    run_dir = tmp_path / "same"

    def the_other_run_finishes_meanwhile(epoch, history):
        if epoch == 2:
            staging = staging_directory(run_dir)
            write_climann_run(staging, "the other run", figures=())
            publish_run(staging, run_dir)

    with pytest.raises(RunDirectoryTaken, match=rf"^run directory {run_dir}: another run was written there while this "
                                                rf"one ran .*: this run was written to {run_dir}-2 instead$"):
        run_training(build_config(_settings(tiny_sample)), run_dir=run_dir, on_epoch=the_other_run_finishes_meanwhile)
    assert "the other run" in (run_dir / "config.toml").read_text()
    assert not (run_dir / CHECKPOINT_NAME).exists()
    assert sorted(path.name for path in (tmp_path / "same-2").iterdir()) == sorted(
        path.name for path in reference.run_dir.iterdir())
    _assert_same_weights(tmp_path / "same-2", reference.run_dir)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["same", "same-2"]


def _another_run_checkpoints_into(run_dir, written):
    """An ``on_epoch`` hook: at epoch 2, another ``climann train`` into ``run_dir`` writes its checkpoint there
    (its bytes appended to ``written``)."""
    def on_epoch(epoch, history):
        if epoch == 2:
            written.append(write_climann_file(run_dir / CHECKPOINT_NAME, "the other run"))

    return on_epoch


def test_a_run_that_finds_another_runs_checkpoint_stops_and_leaves_it(tiny_sample, tmp_path):
    """Two trains into one new --out, both checkpointing every epoch: the one that would write
    over the other's checkpoint stops (exit 2), naming why; the other's checkpoint stays, so
    its --resume continues that run, not this one."""
    run_dir, other = tmp_path / "same", []
    with pytest.raises(ClimannError, match=rf"^another climann train is training into {re.escape(str(run_dir))}: its "
                                           r"checkpoint.npz was written by that run, \d+ s ago, not by this one; this "
                                           r"run stops here and leaves it alone .*: train this one into another --out$"):
        run_training(build_config(_settings(tiny_sample, checkpoint_every=1)), run_dir=run_dir,
                     on_epoch=_another_run_checkpoints_into(run_dir, other))
    assert (run_dir / CHECKPOINT_NAME).read_bytes() == other[0]
    assert sorted(path.name for path in run_dir.iterdir()) == [CHECKPOINT_NAME]


def test_a_finished_run_keeps_the_checkpoint_of_another_run_still_training(tiny_sample, tmp_path, reference):
    run_dir, other = tmp_path / "same", []
    written = run_training(build_config(_settings(tiny_sample, checkpoint_every=0)), run_dir=run_dir,
                           on_epoch=_another_run_checkpoints_into(run_dir, other))  # this one checkpoints only if stopped
    assert written.run_dir == run_dir
    _assert_same_weights(run_dir, reference.run_dir)
    assert (run_dir / CHECKPOINT_NAME).read_bytes() == other[0]


@pytest.mark.parametrize("overwrite", [pytest.param(True, id="overwrite-then-resumed"),
                                       pytest.param(False, id="another-run-published-meanwhile")])
def test_a_resumed_run_replaces_only_the_run_it_was_started_to_replace(tiny_sample, tmp_path, reference, overwrite):
    """An --overwrite run over a finished run, interrupted and resumed, replaces that run. A run
    without --overwrite, into whose directory another run was published (its checkpoint then
    written beside that run) and which was then interrupted, does not replace that run when
    resumed: the checkpoint records which run it may replace (by model.npz's SHA-256)."""
    from climann.workflow.outputs import RunDirectoryTaken, publish_run, staging_directory
    from tests.conftest import write_climann_run

    run_dir = tmp_path / "run"
    there = "the old run" if overwrite else "the other run"
    if overwrite:
        write_climann_run(run_dir, there, figures=())

    def publish_then_stop(epoch, history):
        if epoch == 2 and not overwrite:
            staging = staging_directory(run_dir)
            write_climann_run(staging, there, figures=())
            publish_run(staging, run_dir)
        if epoch == 3:
            os.kill(os.getpid(), signal.SIGINT)

    config = build_config(_settings(tiny_sample))
    with pytest.raises(Interrupted):
        run_training(config, run_dir=run_dir, overwrite=overwrite, on_epoch=publish_then_stop)
    assert there in (run_dir / "config.toml").read_text() and (run_dir / CHECKPOINT_NAME).is_file()
    if overwrite:
        run_training(config, run_dir=run_dir, resume=True)
        _assert_same_weights(run_dir, reference.run_dir)
        assert not (run_dir / CHECKPOINT_NAME).exists()
        return
    with pytest.raises(RunDirectoryTaken, match=f"this run was written to {run_dir}-2 instead"):
        run_training(config, run_dir=run_dir, resume=True)
    assert there in (run_dir / "config.toml").read_text()
    _assert_same_weights(tmp_path / "run-2", reference.run_dir)


@pytest.mark.parametrize("old_run", [pytest.param(True, id="over-a-run"), pytest.param(False, id="into-an-empty-folder")])
def test_an_overwrite_run_replaces_only_the_run_it_found_when_it_started(tiny_sample, tmp_path, reference, old_run):
    """Two `train --overwrite` into the same run at once (a script started twice): the other one
    publishes while this one trains. Both exited 0 saying `run directory: runs/same`, and the
    other run was gone; now this one is kept beside it, in same-2, as without --overwrite."""
    from climann.run_files import model_sha256
    from climann.workflow.outputs import RunDirectoryTaken, publish_run, staging_directory
    from tests.conftest import write_climann_run

    run_dir = tmp_path / "same"
    run_dir.mkdir()
    if old_run:
        write_climann_run(run_dir, "the old run", figures=())
    found_at_start = model_sha256(run_dir / "model.npz")
    assert (found_at_start is None) != old_run

    def the_other_overwrite_run_finishes_meanwhile(epoch, history):
        if epoch == 2:
            staging = staging_directory(run_dir)
            write_climann_run(staging, "the other run", figures=())
            publish_run(staging, run_dir, overwrite=True, replaces=found_at_start)  # what it found: replaced

    with pytest.raises(RunDirectoryTaken, match=rf"^run directory {run_dir}: another run was written there while this "
                                                r"one ran \(its model.npz is not the one this run set out to replace\); "
                                                r"--overwrite replaces only the run that was there when this one "
                                                rf"started: this run was written to {run_dir}-2 instead$"):
        run_training(build_config(_settings(tiny_sample)), run_dir=run_dir, overwrite=True,
                     on_epoch=the_other_overwrite_run_finishes_meanwhile)
    assert "the other run" in (run_dir / "config.toml").read_text()
    assert sorted(path.name for path in run_dir.iterdir()) == sorted(path.name for path in reference.run_dir.iterdir())
    _assert_same_weights(tmp_path / "same-2", reference.run_dir)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["same", "same-2"]


@pytest.fixture(scope="module")
def unfinished_run(tiny_sample, tmp_path_factory):
    """A run directory holding only the checkpoint after epoch 1 of 2 (checkpoint_every 0:
    written because of the signal)."""
    run_dir = tmp_path_factory.mktemp("unfinished") / "run"
    config = build_config(_settings(tiny_sample, epochs=2, checkpoint_every=0))
    with pytest.raises(Interrupted):
        run_training(config, run_dir=run_dir, on_epoch=_signal_at_epoch(signal.SIGINT, 1))
    return run_dir


@pytest.fixture
def unfinished(unfinished_run, tmp_path):
    return Path(shutil.copytree(unfinished_run, tmp_path / "run"))


# --- bad input ------------------------------------------------------------------------------------
def _cli(*arguments):
    result = CliRunner().invoke(app, [str(argument) for argument in arguments])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "arguments, message",
    [
        pytest.param(["--epochs", "5"], r"\[training\] epochs = 5 here, 2 in the checkpoint", id="flag"),
        pytest.param(["--set", "model.hidden=[4]", "--set", "training.seed=1"],
                     r"\[model\] hidden = \[4\] here, \[8\] in the checkpoint; \[training\] seed = 1 here, 0",
                     id="two-keys"),
    ],
)
def test_resuming_with_another_configuration_exits_2_naming_the_keys(unfinished, arguments, message):
    code, output = _cli("train", "--resume", unfinished, *arguments)
    assert code == 2
    assert "configuration differs from the checkpoint's" in output
    assert re.search(message, output)
    assert [path.name for path in unfinished.iterdir()] == [CHECKPOINT_NAME]


@pytest.mark.parametrize("arguments", [
    pytest.param(["--resume", "{run}"], id="resume"),
    pytest.param(["--data", "{sample}", "--out", "{run}", "--overwrite"], id="overwrite"),
])
def test_a_checkpoint_cut_short_is_said_to_be_so_and_left_as_it_is(tiny_sample, unfinished, arguments):
    """An interrupted copy of an unfinished run (cp -r, rsync) leaves its checkpoint cut short: not another program's."""
    checkpoint = unfinished / CHECKPOINT_NAME
    checkpoint.write_bytes(checkpoint.read_bytes()[:checkpoint.stat().st_size // 2])
    before = checkpoint.read_bytes()
    code, output = _cli("train", *(word.format(run=unfinished, sample=tiny_sample) for word in arguments))
    assert code == 2
    option = "--resume" if "--resume" in arguments else "--out"
    assert " ".join(output.split()) == (
        f"climann: error: {option} {unfinished}: {checkpoint} cannot be read: it is cut short (a zip archive without "
        "its end: a copy that did not finish, or a full disk?); copy it again from where the run was trained, or "
        "remove it and train again")
    assert checkpoint.read_bytes() == before and [path.name for path in unfinished.iterdir()] == [CHECKPOINT_NAME]


def test_resuming_with_the_same_config_file_is_accepted(tiny_sample, unfinished, tmp_path):
    config_file = tmp_path / "same.toml"
    config_file.write_text(
        f'[data]\npaths = ["{tiny_sample}"]\n[model]\nhidden = [8]\n'
        "[training]\nepochs = 2\nbatch_size = 64\nlearning_rate = 3e-3\ncheckpoint_every = 5\n"
    )
    code, output = _cli("train", "--resume", unfinished, "--config", config_file, "--quiet")
    assert code == 0, output
    assert (unfinished / "model.npz").is_file() and not (unfinished / CHECKPOINT_NAME).exists()


@pytest.mark.parametrize(
    "make, message",
    [
        pytest.param(lambda run: run.mkdir(), "no checkpoint", id="empty"),
        pytest.param(lambda run: None, "no checkpoint", id="missing"),
        pytest.param(lambda run: write_climann_file(run / "model.npz"),
                     "a finished run has none); to train it again, start a new run with --out {run} --overwrite",
                     id="finished"),
        pytest.param(lambda run: (write_climann_file(run / "model.npz"), (run / "config.toml").write_text("")),
                     "a finished run has none); to train it again with its recorded settings: climann train --config "
                     "{run}/config.toml --out {run} --overwrite (it replaces the finished run)",
                     id="finished-with-its-config"),  # verify28 V6: --out and --overwrite alone trained the sample
        pytest.param(lambda run: (run.mkdir(), np.savez(run / "model.npz", weights=np.ones(3))),
                     "--resume {run} is not a climann run directory; it holds model.npz, but no model.npz",
                     id="another-programs-model"),
        pytest.param(lambda run: (run.mkdir(), np.savez(run / "checkpoint.npz", weights=np.ones(3))),
                     "--resume {run} is not a climann run directory; it holds checkpoint.npz, but no model.npz",
                     id="a-users-checkpoint"),
    ],
)
def test_resuming_a_directory_without_a_checkpoint_exits_2(tmp_path, make, message):
    make(tmp_path / "run")
    code, output = _cli("train", "--resume", tmp_path / "run")
    assert code == 2 and message.format(run=tmp_path / "run") in output


def test_a_new_run_in_an_unfinished_directory_is_refused_unless_overwrite(tiny_sample, unfinished):
    code, output = _cli("train", "--data", tiny_sample, "--out", unfinished)
    assert code == 2
    assert f"holds an unfinished run ({CHECKPOINT_NAME}); continue it with: climann train --resume {unfinished}" in output
    refuse_unfinished_run(unfinished, overwrite=True)  # what --overwrite does first
    assert list(unfinished.iterdir()) == []


def test_resume_and_another_out_exit_2(unfinished, tmp_path):
    code, output = _cli("train", "--resume", unfinished, "--out", tmp_path / "elsewhere")
    assert code == 2 and "leave out --out" in output


def test_changed_data_are_refused_on_resume(tiny_sample, unfinished, tmp_path, capfd, monkeypatch):
    # In this process, which has read the original file: a file rewritten at its path is read anew
    # (tests/data/test_handles.py), as another process would read it
    original = tiny_sample.read_bytes()
    try:
        write_sample_dataset(tiny_sample, years=4, resolution=15.0, seed=4)  # same name, other values
        resumed = run_main("train", "--resume", unfinished, capfd=capfd, monkeypatch=monkeypatch)
    finally:
        tiny_sample.write_bytes(original)
    assert resumed.returncode == 2
    # named by the checkpoint's record of the files (a checkpoint without one: by the data fingerprint)
    assert f"input files changed since the checkpoint: {tiny_sample.resolve()} (" in resumed.stderr


def test_leftover_temporary_checkpoints_do_not_make_a_directory_unfinished(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / f".{CHECKPOINT_NAME}.123.abcd.tmp").write_bytes(b"half")
    refuse_unfinished_run(run_dir, overwrite=False)
    check_run_directory(run_dir, overwrite=False)  # empty now
    assert list(run_dir.iterdir()) == []


def test_config_differences_name_each_key_and_allow_another_checkpoint_interval():
    recorded = build_config({"training": {"epochs": 3}})
    given = build_config({"training": {"epochs": 4, "checkpoint_every": 7}, "model": {"activation": "tanh"}})
    assert config_differences(given, recorded) == [
        '[model] activation = "tanh" here, "relu" in the checkpoint',
        "[training] epochs = 4 here, 3 in the checkpoint",
    ]
    assert config_differences(recorded, recorded) == []


def test_the_data_fingerprint_changes_with_the_training_data():
    def scaler(mean):
        return Standardizer(mean=np.array([mean]), std=np.array([2.0]), names=("x",))

    assert data_fingerprint(scaler(1.0), scaler(0.0)) == data_fingerprint(scaler(1.0), scaler(0.0))
    assert data_fingerprint(scaler(1.0), scaler(0.0)) != data_fingerprint(scaler(1.0 + 1e-15), scaler(0.0))


# --- divergence -------------------------------------------------------------------------------------
def test_divergence_in_the_first_epoch_exits_2_suggesting_a_smaller_rate(tiny_sample, tmp_path):
    code, output = _cli("train", "--data", tiny_sample, "--out", tmp_path / "run", "--optimizer", "sgd",
                        "--learning-rate", "1e10", "--hidden", "8", "--quiet")
    assert code == 2
    assert "training diverged in epoch 1 with learning_rate=1e+10" in output
    assert "try a smaller learning rate, e.g. 1e+09" in output and "no epoch had finished" in output
    assert not (tmp_path / "run").exists() or list((tmp_path / "run").iterdir()) == []


def test_divergence_later_keeps_the_best_weights(tiny_sample, tmp_path, monkeypatch):
    from climann.workflow import pipeline

    class Explode:
        """The configured rate for two epochs, then one that makes the weights overflow."""

        def learning_rate(self, epoch, *, initial, epochs, losses):
            return initial if epoch <= 2 else 1e30

    options = pipeline.training_options
    monkeypatch.setattr(pipeline, "training_options", lambda config: options(config) | {"schedule": Explode()})
    config = build_config(_settings(tiny_sample, optimizer="sgd"))
    with pytest.raises(ClimannError, match=r"diverged in epoch 3 .* those weights are in .*best_model\.npz"):
        run_training(config, run_dir=tmp_path / "run")
    assert [path.name for path in (tmp_path / "run").iterdir()] == ["best_model.npz"]
    best = Network.load(tmp_path / "run" / "best_model.npz")
    assert best.metadata["diverged_in_epoch"] == 3 and best.metadata["best_epoch"] in (1, 2)
    assert best.metadata["input_scaling"]["names"][0] == "rsdt"
    assert all(np.isfinite(weights).all() for weights in best.weights)


# --- end to end: climann train in a subprocess, killed, resumed -------------------------------------
E2E = ["--epochs", "80", "--hidden", "16", "--batch-size", "32", "--quiet"]
# The runs whose figures no test looks at do without them (drawn after training, they do not
# change the weights; each set costs seconds): the reference and the killed-and-resumed runs.
NO_FIGURES = ["--set", "evaluation.figures=false"]
# The runs whose figures a test only finds on disk (or interrupts) draw them at a low resolution.
LOW_DPI = ["--set", "evaluation.dpi=40"]


@pytest.fixture(scope="module")
def e2e_reference(tiny_sample, tmp_path_factory):
    """The uninterrupted run, in this process (its weights are what a process of its own
    trains: the tests below resume processes killed by signals in this process too)."""
    run_dir = tmp_path_factory.mktemp("reference") / "run"
    code, output = _cli("train", "--data", tiny_sample, "--out", run_dir, *E2E, *NO_FIGURES)
    assert code == 0, output
    return run_dir


def _start_and_signal(command, checkpoint, number):
    """Start ``command``; once ``checkpoint`` exists, send it signal ``number``; wait."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not checkpoint.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(number)
    output, errors = process.communicate(timeout=120)
    return process.returncode, errors


@pytest.mark.parametrize(
    "number, code",
    [
        pytest.param(signal.SIGINT, 130, id="SIGINT"),
        pytest.param(signal.SIGTERM, 143, id="SIGTERM"),
        pytest.param(signal.SIGKILL, -signal.SIGKILL, id="SIGKILL"),
    ],
)
def test_a_killed_training_resumes_bit_identically(tiny_sample, tmp_path, e2e_reference, number, code, capfd,
                                                  monkeypatch):
    run_dir = tmp_path / "run"
    command = [*CLIMANN, "train", "--data", str(tiny_sample), "--out", str(run_dir), *E2E, *NO_FIGURES]
    returncode, errors = _start_and_signal(command, run_dir / CHECKPOINT_NAME, number)
    assert returncode == code, errors
    if number != signal.SIGKILL:
        assert f"resume with: climann train --resume {run_dir}" in errors.splitlines()[-1]
    assert [p.name for p in run_dir.iterdir() if not p.name.startswith(".")] == [CHECKPOINT_NAME]
    state, _ = load_state(run_dir / CHECKPOINT_NAME)
    assert 1 <= state.epoch < 80
    # resumed in this process (only the killed process needs one of its own)
    resumed = run_main("train", "--resume", run_dir, "--quiet", capfd=capfd, monkeypatch=monkeypatch)
    assert resumed.returncode == 0, resumed.stderr
    _assert_same_weights(run_dir, e2e_reference)
    assert (run_dir / "history.csv").read_text() == (e2e_reference / "history.csv").read_text()


def _start_and_signal_when(command, ready, number):
    """Start ``command``; once ``ready()`` is true, send it signal ``number``; wait."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert process.poll() is None, "the run ended before the moment to signal it"
    process.send_signal(number)
    output, errors = process.communicate(timeout=120)
    return process.returncode, errors


def _drawing_figures(run_dir):
    """True once the run builds its directory and has begun drawing figures."""
    return lambda: any(run_dir.parent.glob(f".{run_dir.name}.*.partial/figures"))


@pytest.mark.parametrize(
    "number, code, moment",
    [
        pytest.param(signal.SIGHUP, 129, "training", id="SIGHUP-training"),
        pytest.param(signal.SIGTERM, 143, "figures", id="SIGTERM-figures"),
        pytest.param(signal.SIGKILL, -signal.SIGKILL, "figures", id="SIGKILL-figures"),
    ],
)
def test_every_signal_leaves_only_the_checkpoint_and_resumes(tiny_sample, tmp_path, request, number, code, moment,
                                                             capfd, monkeypatch, caplog):
    """SIGHUP (a closed terminal) while training; SIGTERM and SIGKILL while drawing figures
    (after a short training: the weights are compared only when interrupted in training). The
    killed run's staging folder goes with its claim: the resumed run takes the claim over and
    removes what it recorded, in one INFO line."""
    run_dir = tmp_path / "runs" / "run"
    settings = E2E if moment == "training" else ["--epochs", "2", "--hidden", "4", "--quiet"]
    command = [*CLIMANN, "train", "--data", str(tiny_sample), "--out", str(run_dir), *settings, *LOW_DPI]
    ready = (lambda: (run_dir / CHECKPOINT_NAME).exists()) if moment == "training" else _drawing_figures(run_dir)
    returncode, errors = _start_and_signal_when(command, ready, number)
    assert returncode == code, errors
    leftovers = sorted(p.name for p in run_dir.parent.iterdir() if p.name.startswith("."))
    if number == signal.SIGKILL:  # what the next run cleans: the staging folder, recorded in the stale claim
        assert [name for name in leftovers if not name.endswith(".partial")] == [".run.claim"], leftovers
        staged = [name for name in leftovers if name.endswith(".partial")]
        assert len(staged) == 1
    else:
        name = signal.Signals(number).name
        assert errors.splitlines()[-1].startswith(f"climann: interrupted by {name}")
        assert errors.splitlines()[-1].endswith(f"resume with: climann train --resume {run_dir}")
        assert leftovers == []  # no staging directory
    assert [p.name for p in run_dir.iterdir()] == [CHECKPOINT_NAME]  # no run file, no hidden temporary
    # resumed in this process (only the killed process needs one of its own), drawing its figures
    monkeypatch.undo()  # the autouse no_figures
    with caplog.at_level("INFO", logger="climann.atomic"):
        resumed = run_main("train", "--resume", run_dir, capfd=capfd, monkeypatch=monkeypatch)
    assert resumed.returncode == 0, resumed.stderr
    said = [record.getMessage() for record in caplog.records if record.name == "climann.atomic"]
    if number == signal.SIGKILL:
        assert len(said) == 1 and said[0].startswith("removed ") and f"left: {staged[0]}" in said[0], said
    else:
        assert said == []
    assert not [line for line in resumed.stderr.splitlines() if line.startswith("climann: warning: removed")]
    assert sorted(p.name for p in run_dir.parent.iterdir()) == ["run"]
    assert not [p for p in run_dir.rglob(".*")]
    assert not (run_dir / CHECKPOINT_NAME).exists() and (run_dir / "figures" / "map_test.png").is_file()
    if moment == "training":
        _assert_same_weights(run_dir, request.getfixturevalue("e2e_reference"))


# --- signals outside training, nohup -----------------------------------------------------------------
def test_a_hangup_while_reading_data_stops_at_once_leaving_nothing(tiny_sample, tmp_path, monkeypatch):
    def hang_up(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(5)  # the handler raises before this ends
        raise AssertionError("SIGHUP did not stop the run")

    monkeypatch.setattr("climann.workflow.preparation.prepare_data", hang_up)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGHUP, signal.SIGTERM)}
    with pytest.raises(Interrupted) as interrupted:
        run_training(build_config(_settings(tiny_sample)), run_dir=tmp_path / "runs" / "run")
    assert interrupted.value.exit_code == 129
    assert str(interrupted.value) == "interrupted by SIGHUP; no checkpoint was written yet; start the run again"
    assert not (tmp_path / "runs").exists()
    assert {number: signal.getsignal(number) for number in handlers} == handlers


def test_an_ignored_hangup_stays_ignored_while_training(tmp_path):
    from climann.workflow.checkpoints import Checkpointing

    checkpointing = Checkpointing.start(build_config({}), tmp_path / "run")
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with checkpointing._signals_stop_training():
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


def _a_training_state():
    """The state after one epoch of a tiny network (what a checkpoint holds)."""
    from climann.model import train

    states = []
    X = np.random.default_rng(0).normal(size=(20, 2)).astype(np.float32)
    train(Network([2, 3, 1], seed=0), X, X[:, :1], epochs=1, batch_size=10, checkpoint_every=1,
          on_checkpoint=states.append)
    return states[-1]


def test_a_chunked_run_resumes_only_with_the_chunks_its_checkpoint_recorded(tmp_path):
    """A cluster or streamed run records its training chunks in each checkpoint; resumed with
    other chunks (an older climann cut them otherwise, and its scaling, merged chunk by chunk,
    then differs in its last bits) it is refused in one line that says so, not that the input
    files changed."""
    state, config = _a_training_state(), build_config({})
    new = Checkpointing.start(config, tmp_path / "run")
    new.train_keywords("fingerprint", [(0, 5), (5, 10)])["on_checkpoint"](state)
    resumed = Checkpointing.resume(config, tmp_path / "run")
    assert resumed.resumed_chunks == [[0, 5], [5, 10]]
    assert resumed.train_keywords("fingerprint", [(0, 5), (5, 10)])["initial_state"] is not None
    with pytest.raises(ClimannError, match=r"cut into other chunks \(2 chunks then, 3 now\).*another version"):
        resumed.train_keywords("fingerprint", [(0, 4), (4, 8), (8, 10)])
    # a checkpoint that recorded no chunks (an earlier climann): the same fingerprint resumes, another is explained
    older = Checkpointing(tmp_path / "run", 1, "", resumed=state, fingerprint="fingerprint")
    assert older.train_keywords("fingerprint", [(0, 5), (5, 10)])["initial_state"] is state
    with pytest.raises(ClimannError, match=r"other chunks \(its chunks are not recorded\)"):
        older.train_keywords("other fingerprint", [(0, 5), (5, 10)])
    # an in-memory run has no chunks: a changed fingerprint means changed data
    with pytest.raises(ClimannError, match="the training data differ from those of the checkpoint"):
        older.train_keywords("other fingerprint")


def test_a_signal_inside_an_import_while_evaluating_stops_with_the_checkpoint_kept(tmp_path):
    """SIGTERM while the figures import matplotlib arrives as ``ImportError: initialization
    failed`` raised from :class:`Terminated` (pybind11): the run stops as for the signal itself,
    saying that the training is checkpointed (exit code 143), instead of an unexpected error."""
    from climann.workflow.interrupts import Terminated

    state, config = _a_training_state(), build_config({})
    checkpointing = Checkpointing.start(config, tmp_path / "run")
    checkpointing.train_keywords("fingerprint")["on_checkpoint"](state)
    with pytest.raises(Interrupted, match="while evaluating") as interrupted, checkpointing.after_training():
        try:
            raise Terminated(signal.SIGTERM)
        except Terminated as stopped:
            raise ImportError("initialization failed") from stopped
    assert interrupted.value.exit_code == 143
    with pytest.raises(ImportError, match="no module"), checkpointing.after_training():  # a real import error
        raise ImportError("no module named x")


def test_inputs_changed_outside_the_training_block_are_refused_on_resume(tmp_path):
    # The data fingerprint sees only the training block's scaling: a change in the last (test)
    # time step left it equal, and the run resumed on other data than it started with.
    sample = write_sample_dataset(tmp_path / "data.nc", years=4, resolution=15.0, seed=3)
    config = build_config(_settings(sample, epochs=2, checkpoint_every=0))
    with pytest.raises(Interrupted):
        run_training(config, run_dir=tmp_path / "run", on_epoch=_signal_at_epoch(signal.SIGINT, 1))
    code = ("import netCDF4, sys; nc = netCDF4.Dataset(sys.argv[1], 'a'); nc['tas'][-1] = nc['tas'][-1] + 5.0; "
            "nc.close()")
    subprocess.run([sys.executable, "-c", code, str(sample)], check=True,
                   env={**os.environ, "HDF5_USE_FILE_LOCKING": "FALSE"})
    with pytest.raises(ClimannError) as refused:
        run_training(config, run_dir=tmp_path / "run", resume=True)
    assert str(refused.value) == (
        f"--resume {tmp_path / 'run'}: input files changed since the checkpoint: {sample.resolve()} (sha256 differs "
        "from the checkpoint); the run would be trained on two versions of its data: put the files back, or start "
        f"the run again from its first epoch with its recorded settings: climann train --resume {tmp_path / 'run'} "
        "--overwrite"
    )
    assert [path.name for path in (tmp_path / "run").iterdir()] == [CHECKPOINT_NAME]


def test_the_advice_on_changed_inputs_is_refused_before_reading_data_and_trains_the_run_again_when_followed(
        tmp_path, monkeypatch):
    """break28b A5: the refusal said "start again with --overwrite", and ``--resume RUN
    --overwrite`` gave the same refusal, each after reading the data. It comes before any data
    are read, and the command it gives trains the run from its first epoch on the files as they
    are now: the weights of a new run of the same settings in another folder."""
    import climann.workflow.pipeline as pipeline

    sample = write_sample_dataset(tmp_path / "data.nc", years=4, resolution=15.0, seed=3)
    config = build_config(_settings(sample, epochs=2, checkpoint_every=0))
    with pytest.raises(Interrupted):
        run_training(config, run_dir=tmp_path / "run", on_epoch=_signal_at_epoch(signal.SIGINT, 1))
    write_sample_dataset(tmp_path / "changed.nc", years=4, resolution=15.0, seed=4)
    (tmp_path / "changed.nc").replace(sample)  # same name, other values
    opened = pipeline.opened_for_run

    def not_read(*args, **kwargs):
        raise AssertionError("the data were read before the refusal")

    monkeypatch.setattr(pipeline, "opened_for_run", not_read)
    with pytest.raises(ClimannError, match=r"two versions of its data: .*: climann train --resume (\S+) --overwrite$"):
        run_training(config, run_dir=tmp_path / "run", resume=True)
    monkeypatch.setattr(pipeline, "opened_for_run", opened)
    run_training(config, run_dir=tmp_path / "run", resume=True, overwrite=True)
    run_training(config, run_dir=tmp_path / "new")
    _assert_same_weights(tmp_path / "run", tmp_path / "new")
    assert not (tmp_path / "run" / CHECKPOINT_NAME).exists()


class _Killed(BaseException):
    """SIGKILL: nothing catches it."""


@pytest.mark.parametrize(("replaced", "kind"), [pytest.param(None, "training", id="first-training"),
                                               pytest.param("0" * 64, "retraining", id="retraining")])
def test_resume_of_a_whole_run_says_whether_its_training_or_retraining_had_finished(reference, tmp_path, replaced,
                                                                                    kind):
    """verify23 F4: a first training killed after its last rename, before it removed its
    checkpoint, was said to be a finished "retraining". The checkpoint left (it records the
    model it publishes, and the run it replaces: none for a first training) is removed, and
    the run's files are not changed."""
    import json

    from climann.run_files import model_sha256
    from climann.workflow.checkpoints import remove_published_checkpoint

    run_dir = Path(shutil.copytree(reference.run_dir, tmp_path / "run"))
    files = {path.name: path.read_bytes() for path in run_dir.iterdir()}
    user = {"publishes_model": model_sha256(run_dir / "model.npz"), "replaces_model": replaced}
    np.savez(run_dir / CHECKPOINT_NAME, header=np.array(json.dumps({"user": user})))
    with pytest.raises(ClimannError) as refused:
        remove_published_checkpoint(run_dir)
    assert str(refused.value) == (
        f"--resume {run_dir}: nothing to resume: its {kind} had finished (stopped after the run was in place, before "
        f"it removed its checkpoint) and the run there is whole; removed the {CHECKPOINT_NAME} it left")
    assert {path.name: path.read_bytes() for path in run_dir.iterdir()} == files


@pytest.mark.parametrize("killed_after", [pytest.param("config.toml", id="before-model.npz-was-renamed"),
                                          pytest.param("model.npz", id="after-the-last-rename")])
def test_a_retraining_killed_while_published_is_whole_after_resume(tiny_sample, tmp_path, reference, monkeypatch,
                                                                  killed_after):
    """verify22b F1: `train --overwrite` killed after model.npz was renamed into place, before
    its checkpoint was removed, left the new run whole beside the checkpoint; every command
    warned that these were the results of the run it was to replace, and `--resume` wrote a
    duplicate into RUN-2. The checkpoint records the model it publishes: the run is known as
    whole, and `--resume` only removes the checkpoint. Killed earlier, `--resume` finishes it."""
    import climann.workflow.outputs as outputs
    from climann.run_files import interrupted_retraining, mixed_run_problem, model_sha256, recorded_model

    run_dir = tmp_path / "run"
    shutil.copytree(reference.run_dir, run_dir)
    config = build_config(_settings(tiny_sample, checkpoint_every=1, seed=1))
    rename = outputs._rename

    def killed(source, target):
        rename(source, target)
        if Path(target).name == killed_after:
            shutil.copy2(run_dir / outputs._REPLACED_MODEL, tmp_path / "claim")  # SIGKILL skips its removal
            raise _Killed

    monkeypatch.setattr(outputs, "_rename", killed)
    with pytest.raises(_Killed):
        run_training(config, run_dir=run_dir, overwrite=True)
    os.replace(tmp_path / "claim", run_dir / outputs._REPLACED_MODEL)
    monkeypatch.setattr(outputs, "_rename", rename)
    assert (run_dir / CHECKPOINT_NAME).is_file()
    published = killed_after == "model.npz"
    if published:
        assert mixed_run_problem(run_dir) is None and recorded_model(run_dir / "metrics.json") == model_sha256(
            run_dir / "model.npz")
        assert "the run is whole; remove the checkpoint with" in interrupted_retraining(run_dir)
        new_files = {name: (run_dir / name).read_bytes() for name in os.listdir(run_dir)
                     if name not in (CHECKPOINT_NAME, outputs._REPLACED_MODEL)}
        with pytest.raises(ClimannError, match=f"--resume {run_dir}: nothing to resume: its retraining had finished "
                                               f".* removed the {CHECKPOINT_NAME} it left"):
            run_training(config, run_dir=run_dir, resume=True)
        assert {name: (run_dir / name).read_bytes() for name in os.listdir(run_dir)} == new_files
    else:
        run_training(config, run_dir=run_dir, resume=True)
    assert not (run_dir / CHECKPOINT_NAME).exists() and not (run_dir / outputs._REPLACED_MODEL).exists()
    assert not (tmp_path / "run-2").exists() and interrupted_retraining(run_dir) is None
    assert mixed_run_problem(run_dir) is None
    assert recorded_model(run_dir / "metrics.json") == model_sha256(run_dir / "model.npz") != model_sha256(
        reference.run_dir / "model.npz")


@pytest.mark.parametrize("first, killed_before", [
    pytest.param("resumed", "metrics.json", id="resumed-into-a-new-folder-right-after-its-model-was-placed"),
    pytest.param("empty-folder", "config.toml", id="into-an-existing-empty-folder-before-its-last-rename"),
])
def test_a_first_training_killed_while_published_is_finished_by_resume(tiny_sample, unfinished_run, tmp_path,
                                                                      monkeypatch, first, killed_before):
    """verify22b F7: a run into a folder without a model places its model.npz first (its claim
    on the folder), then its other files. Killed -9 there, it left checkpoint.npz + model.npz
    (+ some of its files); `--resume`, the advice, refused the run's own model.npz as "another
    run" and wrote RUN-2 each time, or (since the checkpoint records the model it publishes)
    took the run for whole and removed the checkpoint, leaving a model.npz alone. `--resume`
    now finishes publishing into the same folder."""
    import climann.workflow.outputs as outputs
    from climann.run_files import (finished_run_problem, interrupted_retraining, is_published_checkpoint,
                                   mixed_run_problem, model_sha256, recorded_model)

    run_dir = tmp_path / "run"
    config = build_config(_settings(tiny_sample, epochs=2, checkpoint_every=1))
    if first == "resumed":
        shutil.copytree(unfinished_run, run_dir)  # the checkpoint after epoch 1 of 2
    else:
        run_dir.mkdir()
    rename = outputs._rename

    def killed(source, target):
        if Path(target).name == killed_before:
            raise _Killed
        rename(source, target)

    monkeypatch.setattr(outputs, "_rename", killed)
    with pytest.raises(_Killed):
        run_training(config, run_dir=run_dir, resume=first == "resumed")
    monkeypatch.setattr(outputs, "_rename", rename)
    placed = (run_dir / "model.npz").read_bytes()
    left = sorted(os.listdir(run_dir))
    assert CHECKPOINT_NAME in left and "model.npz" in left and "config.toml" not in left
    assert not is_published_checkpoint(run_dir) and interrupted_retraining(run_dir) is None
    assert finished_run_problem(run_dir) == (f"{run_dir} is an unfinished run ({CHECKPOINT_NAME}); finish it with: "
                                             f"climann train --resume {run_dir}")
    run_training(config, run_dir=run_dir, resume=True)
    assert sorted(os.listdir(tmp_path)) == ["run"]  # no run-2
    assert not (run_dir / CHECKPOINT_NAME).exists() and finished_run_problem(run_dir) is None
    assert (run_dir / "model.npz").read_bytes() == placed  # training is deterministic: the model it had placed
    assert mixed_run_problem(run_dir) is None
    assert recorded_model(run_dir / "metrics.json") == recorded_model(run_dir / "provenance.json") == model_sha256(
        run_dir / "model.npz")


def test_a_checkpoint_from_before_dealt_chunks_resumes_with_chunks_fixed_to_their_replicas(unfinished):
    """Local SGD's chunks were fixed to their replicas (chunk k to k mod K) before
    [compute] chunks_to_replicas: a checkpoint whose configuration lacks the key resumes so,
    as it was trained; one that records it keeps it."""
    from climann.model.state import save_state
    from climann.workflow.checkpoints import recorded_settings

    path = unfinished / CHECKPOINT_NAME
    state, metadata = load_state(path)
    assert recorded_settings(unfinished)["compute"]["chunks_to_replicas"] == "dealt"  # written by this version
    old = re.sub(r'(?m)^chunks_to_replicas = .*\n', "", metadata["config"])
    assert old != metadata["config"]
    save_state(path, state, metadata=metadata | {"config": old})
    assert recorded_settings(unfinished)["compute"]["chunks_to_replicas"] == "fixed"


# --- a signal after training: the message says what the run directory holds (break36b B1) ---------------
def _signal_once_published(monkeypatch, number):
    """A signal to this process as soon as the run's files are in place (a cluster run then shuts
    its cluster down, seconds in which a SIGTERM came)."""
    from climann.workflow import checkpoints

    real = checkpoints.publish_run

    def publish_then_signal(*args, **kwargs):
        real(*args, **kwargs)
        os.kill(os.getpid(), number)

    monkeypatch.setattr(checkpoints, "publish_run", publish_then_signal)


@pytest.mark.parametrize(
    "data", [pytest.param({}, id="in-memory"), pytest.param({"in_memory_limit_gb": 2e-4}, id="streamed")]
)
def test_a_signal_once_the_run_is_written_says_the_run_is_complete(tiny_sample, tmp_path, monkeypatch, data):
    """Not "no checkpoint was written yet; start the run again", which --out then refuses: the
    run directory is complete, its model that of an uninterrupted run."""
    settings = _settings(tiny_sample)
    settings["data"] |= data
    config = build_config(settings)
    reference = run_training(config, run_dir=tmp_path / "reference")
    _signal_once_published(monkeypatch, signal.SIGTERM)
    run_dir = tmp_path / "run"
    with pytest.raises(Interrupted) as interrupted:
        run_training(config, run_dir=run_dir)
    assert interrupted.value.exit_code == 143
    assert str(interrupted.value) == (f"interrupted by SIGTERM after the run was written: {run_dir} is complete (its "
                                      f"scores are in {run_dir / 'report.md'}; climann evaluate {run_dir} scores it "
                                      "again)")
    assert sorted(path.name for path in run_dir.iterdir()) == sorted(path.name for path in reference.run_dir.iterdir())
    _assert_same_weights(run_dir, reference.run_dir)
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_a_signal_after_training_without_a_checkpoint_says_training_had_ended(tiny_sample, tmp_path, monkeypatch):
    """[training] checkpoint_every = 0 keeps no checkpoint between epochs: a signal while
    evaluating loses the trained network, and the message says why instead of "no checkpoint
    was written yet" as if training had not ended."""
    def interrupt(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises before this ends
        raise AssertionError("SIGTERM did not stop the run")

    monkeypatch.setattr("climann.workflow.pipeline.evaluate", interrupt)
    run_dir = tmp_path / "run"
    with pytest.raises(Interrupted) as interrupted:
        run_training(build_config(_settings(tiny_sample, epochs=1, checkpoint_every=0)), run_dir=run_dir)
    assert str(interrupted.value) == (
        f"interrupted by SIGTERM after training, before the run directory was written: nothing of this run is in "
        f"{run_dir} (no checkpoint: [training] checkpoint_every = 0 writes none between epochs); start the run again")
    assert not run_dir.exists() or list(run_dir.iterdir()) == []


def test_a_signal_while_the_summary_is_printed_says_the_run_is_complete(tiny_sample, tmp_path, capfd, monkeypatch):
    """The command line: after run_training returned, a SIGTERM said only "interrupted by SIGTERM"."""
    def signal_instead(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
        raise AssertionError("SIGTERM did not stop the command")

    monkeypatch.setattr("climann.cli._print_summary", signal_instead)
    run_dir = tmp_path / "run"
    finished = run_main("train", "--data", tiny_sample, "--epochs", "1", "--hidden", "4", "--out", run_dir,
                        capfd=capfd, monkeypatch=monkeypatch)
    assert finished.returncode == 143, finished.stderr
    assert finished.stderr.splitlines()[-1] == (
        f"climann: interrupted by SIGTERM after the run was written: {run_dir} is complete (its scores are in "
        f"{run_dir / 'report.md'}; climann evaluate {run_dir} scores it again)")
    assert (run_dir / "model.npz").is_file() and not (run_dir / CHECKPOINT_NAME).exists()
