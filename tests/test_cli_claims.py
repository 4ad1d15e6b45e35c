"""Every command that writes files claims them (:func:`climann.atomic.claimed_output`): a
second climann writing the same output at once is refused in one line, and a file that another
program puts under an output's name while the command runs is kept, never replaced or removed.
"""

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from climann.cli import app
from tests.console import run_main

runner = CliRunner()
USERS = "a file of the user's\n"


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A tiny finished pointwise run (its predictions.nc, what `plot FILE` maps)."""
    folder = tmp_path_factory.mktemp("claims")
    sample = folder / "tiny.nc"
    assert runner.invoke(app, ["sample-data", str(sample), "--years", "3", "--resolution", "30"]).exit_code == 0
    run_dir = folder / "run"
    trained = runner.invoke(app, ["train", "--data", str(sample), "--out", str(run_dir), "--epochs", "2",
                                  "--hidden", "4", "--quiet", "--set", "evaluation.figures=false"])
    assert trained.exit_code == 0, trained.output
    return run_dir


#: command (with {run} for the finished run and {out} for the output), the output (relative to
#: the test's folder), whether it is a folder, and the file whose publishing a user's file precedes.
COMMANDS = [
    pytest.param("sample-data {out} --years 1 --resolution 30", "s.nc", False, "s.nc", id="sample-data"),
    pytest.param("config init {out}", "c.toml", False, "c.toml", id="config-init"),
    pytest.param("plot lesson --out {out} --dpi 20", "lesson", True, "loss_surface.png", id="plot-lesson"),
    pytest.param("compare {run} --out {out} --dpi 20", "cmp", True, "comparison.md", id="compare"),
    pytest.param("explain {run} --out {out} --repeats 1", "ex", True, "importance.json", id="explain"),
    pytest.param("plot {run}/predictions.nc --out {out} --dpi 20", "maps", True, "predictions_map_mean.png", id="plot-file"),
]
#: evaluate claimed its folder already; a user's file there was then removed when it cleaned up.
WRITERS = [*COMMANDS, pytest.param("evaluate {run} --out {out}", "scores", True, "report.md", id="evaluate")]
#: The way out that each refusal names, besides waiting.
WAY_OUT = {"sample-data": "choose another PATH", "config": "choose another FILE"}


def _arguments(command: str, run_dir: Path, out: Path) -> list[str]:
    return command.format(run=run_dir, out=out).split()


@pytest.mark.parametrize("command, out, folder, name", WRITERS)
def test_a_file_put_under_an_outputs_name_while_the_command_runs_is_kept_and_the_command_refused(
        finished_run, tmp_path, capfd, monkeypatch, command, out, folder, name):
    from climann import atomic

    original, put = atomic._publish, []

    def users_file_first(temporary, target, path, what):  # another program, the instant before climann publishes
        if target.name == name and not put:
            put.append(target)
            target.write_text(USERS)
        return original(temporary, target, path, what)

    monkeypatch.setattr(atomic, "_publish", users_file_first)
    result = run_main(*_arguments(command, finished_run, tmp_path / out), capfd=capfd, monkeypatch=monkeypatch)
    written = tmp_path / out / name if folder else tmp_path / out
    assert put == [written.absolute()], "the command did not publish the file the test watches"
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1].startswith("climann: error: cannot write ")
    assert "appeared while this command ran" in result.stderr.splitlines()[-1]
    assert written.read_text() == USERS  # neither replaced nor removed when the command cleaned up
    assert not [entry for entry in os.listdir(written.parent) if entry.startswith(".")]  # no claim, no temporary


@pytest.mark.parametrize("command, out, folder, name", COMMANDS)
def test_a_second_command_writing_the_same_output_at_once_is_refused_naming_the_first(
        finished_run, tmp_path, capfd, monkeypatch, holder, command, out, folder, name):
    arguments = _arguments(command, finished_run, tmp_path / out)
    claimed = tmp_path / out / name if name == "predictions_map_mean.png" else tmp_path / out  # plot FILE claims its figure
    if claimed.parent != tmp_path:
        claimed.parent.mkdir()
    first = holder(claimed, folder=folder and claimed == tmp_path / out)
    result = run_main(*arguments, "--overwrite", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"climann: error: another climann (process {first.pid}) is "
                                                     f"writing ")
    way_out = WAY_OUT.get(command.split()[0], "choose another --out")
    assert result.stderr.splitlines()[-1].endswith(f"{claimed} now; this one stops and leaves it alone: wait for it "
                                                   f"to finish, or {way_out}")
    assert not (tmp_path / out / name if folder else tmp_path / out).exists()  # nothing written meanwhile
    first.communicate("\n", timeout=60)
    again = run_main(*arguments, capfd=capfd, monkeypatch=monkeypatch)  # the claim released: written now
    assert again.returncode == 0, again.stderr
    assert (tmp_path / out / name if folder else tmp_path / out).exists()


def test_plot_run_while_another_climann_rewrites_the_run_is_refused_and_the_run_left_as_it_was(
        finished_run, tmp_path, capfd, monkeypatch, holder):
    import shutil

    run_dir = tmp_path / "run"
    shutil.copytree(finished_run, run_dir)  # the module's run is not changed
    first = holder(run_dir, folder=True)  # as `evaluate RUN`, re-scoring it in place, claims it
    result = run_main("plot", run_dir, "--dpi", "20", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"climann: error: another climann (process {first.pid}) is writing run directory {run_dir} now; this one "
        f"stops and leaves it alone: wait for it to finish, or copy the run elsewhere (cp -r {run_dir} NEW) and "
        "plot that")
    assert not (run_dir / "figures").exists()
    first.communicate("\n", timeout=60)
    again = run_main("plot", run_dir, "--dpi", "20", capfd=capfd, monkeypatch=monkeypatch)
    assert again.returncode == 0, again.stderr
    assert (run_dir / "figures" / "learning_curves.png").exists()
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".")]  # its claim removed


def _model_bytes(run_dir: Path) -> bytes:
    return (run_dir / "model.npz").read_bytes()


@pytest.mark.parametrize("arguments, way_out", [
    pytest.param(["--overwrite"], "choose another --out", id="overwrite"),
    pytest.param([], "choose another --out", id="new-run"),
])
def test_train_into_a_run_directory_another_climann_writes_is_refused_and_the_run_left_as_it_was(
        finished_run, tmp_path, capfd, monkeypatch, holder, arguments, way_out):
    """Two `train --out R --overwrite` at once, or a train while `evaluate R` re-scores R: train
    did not claim its run directory, and the two interleaved."""
    import shutil

    run_dir = tmp_path / "run"
    shutil.copytree(finished_run, run_dir)
    before = sorted(os.listdir(run_dir)), _model_bytes(run_dir)
    first = holder(run_dir, folder=True)
    result = run_main("train", "--data", finished_run.parent / "tiny.nc", "--out", run_dir, "--epochs", "1",
                      "--hidden", "4", "--quiet", *arguments, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"climann: error: another climann (process {first.pid}) is writing run directory {run_dir} now; this one "
        f"stops and leaves it alone: wait for it to finish, or {way_out}")
    assert (sorted(os.listdir(run_dir)), _model_bytes(run_dir)) == before
    first.communicate("\n", timeout=60)
    assert sorted(name for name in os.listdir(tmp_path) if name.startswith(".")) == []


@pytest.mark.parametrize("command", [
    pytest.param("predict {run} --data {data} --out {run}/p.nc", id="predict"),
    pytest.param("evaluate {run} --out {run}/scores", id="evaluate"),
])
def test_writing_into_a_run_directory_that_train_claims_is_refused_naming_the_run(
        finished_run, tmp_path, capfd, monkeypatch, holder, command):
    """`predict --out R/p.nc` while `train --out R --overwrite` runs: train removes the replaced
    run's predictions when it publishes, and predict wrote the old model's beside the new one."""
    import shutil

    run_dir = tmp_path / "run"
    shutil.copytree(finished_run, run_dir)
    first = holder(run_dir, folder=True)  # as train claims it
    arguments = command.format(run=run_dir, data=finished_run.parent / "tiny.nc").split()
    result = run_main(*arguments, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"climann: error: another climann (process {first.pid}) is writing {run_dir} now, which "
                           f"holds "), last
    assert last.endswith("this one stops and leaves it alone: wait for it to finish, or choose another --out")
    assert sorted(os.listdir(run_dir)) == sorted(os.listdir(finished_run))
    first.communicate("\n", timeout=60)


#: ``climann ARGS`` in a process that stops for good the moment it publishes its first file, as a
#: command killed half-way leaves it: its temporary written, not yet renamed.
STALLED = """
import sys, time
from climann import atomic
def stall(temporary, target, path, what):
    print("publishing", flush=True)
    time.sleep(600)
atomic._publish = stall
from climann.cli import main
sys.argv = ["climann", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("command, out", [
    pytest.param("sample-data {out} --years 1 --resolution 30", "s.nc", id="sample-data"),
    pytest.param("predict {run} --data {data} --out {out}", "p.nc", id="predict"),
    pytest.param("evaluate {run} --out {out}", "scores", id="evaluate"),
])
def test_a_command_killed_half_way_leaves_nothing_once_it_is_run_again(
        finished_run, tmp_path, capfd, monkeypatch, command, out):
    """SIGKILL half-way, then the same command again: the killed one's temporary (a 500 MB
    predictions file each time) was left for good beside the output."""
    import subprocess
    import sys

    arguments = command.format(run=finished_run, data=finished_run.parent / "tiny.nc", out=tmp_path / out).split()
    process = subprocess.Popen([sys.executable, "-c", STALLED, *arguments], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert process.stdout.readline() == "publishing\n"
    process.kill()
    process.wait(timeout=60)
    left = [path for path in tmp_path.rglob(".*") if f".{process.pid}." in path.name]
    assert left, "the killed command left no temporary: the test does not kill it half-way"
    again = run_main(*arguments, capfd=capfd, monkeypatch=monkeypatch)
    assert again.returncode == 0, again.stderr
    assert [path for path in tmp_path.rglob(".*")] == []  # neither its temporaries nor its claim
    assert (tmp_path / out).exists()
