"""`climann config init` and `climann config show`, and the examples in every command's help."""

import re
import tomllib

import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.workflow.config import RunConfig, build_config, load_config_file
from climann.workflow.config_template import config_template
from tests.conftest import grid_dataset
from tests.console import run_main

runner = CliRunner()

COMMANDS = [["train"], ["evaluate"], ["predict"], ["plot"], ["info"], ["sample-data"], ["config", "init"], ["config", "show"]]


def run_console_script(*arguments, capfd, monkeypatch):
    """The console script's entry point in this process (exit code, stdout, stderr as a
    subprocess gives them; tests/test_console.py starts the real script)."""
    return run_main(*arguments, capfd=capfd, monkeypatch=monkeypatch)


@pytest.mark.parametrize("command", [pytest.param(c, id=" ".join(c)) for c in COMMANDS])
def test_every_command_shows_an_example_in_its_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Example: climann {' '.join(command)}" in " ".join(result.output.split())


def test_init_writes_the_template_and_refuses_to_overwrite(tmp_path, capfd, monkeypatch):
    path = tmp_path / "mine.toml"
    result = runner.invoke(app, ["config", "init", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text() == config_template()
    assert build_config(load_config_file(path)) == RunConfig()
    edited = config_template().replace("\nepochs = 15\n", "\nepochs = 3\n")  # the user's edit of the template
    assert edited != config_template()
    path.write_text(edited)
    refused = run_console_script("config", "init", str(path), capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (f"climann: error: {path} exists; choose another file or pass --overwrite to "
                                      "replace it")
    assert path.read_text() == edited
    replaced = runner.invoke(app, ["config", "init", str(path), "--overwrite"])
    assert replaced.exit_code == 0 and path.read_text() == config_template()


@pytest.mark.parametrize("options", [pytest.param([], id="plain"), pytest.param(["--overwrite"], id="overwrite")])
def test_init_never_replaces_a_file_climann_did_not_write(tmp_path, capfd, monkeypatch, options):
    """--overwrite replaces a template (or a run's config.toml), never the user's own TOML."""
    path = tmp_path / "pyproject.toml"
    path.write_text("[project]\nname = 'mine'\n")
    refused = run_console_script("config", "init", str(path), *options, capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (f"climann: error: {path} exists and is not a template that `climann config init` "
                                      "wrote (nor a resolved configuration); choose another name (or remove that "
                                      "file yourself)")
    assert path.read_text() == "[project]\nname = 'mine'\n"


def test_init_refuses_the_config_that_info_printed_without_saying_climann_did_not_write_it(tmp_path, capfd,
                                                                                          monkeypatch):
    """The README's tour saves ``climann info my_data/ > my.toml``; ``config init my.toml`` then
    said that my.toml "was not written by climann". It is refused still (climann did not write
    the file: the shell did, and the user may have edited it), as what it is not."""
    data = tmp_path / "data.nc"
    grid_dataset(n_years=2)[["tas", "pred"]].to_netcdf(data)
    printed = run_console_script("info", str(data), capfd=capfd, monkeypatch=monkeypatch)
    assert printed.returncode == 0 and "[data]" in printed.stdout
    path = tmp_path / "my.toml"
    path.write_text(printed.stdout)
    refused = run_console_script("config", "init", str(path), capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2
    assert "not written by climann" not in refused.stderr
    assert refused.stderr.startswith(f"climann: error: {path} exists and is not a template that `climann config "
                                     "init` wrote")
    assert "choose another name (or remove that file yourself)" in refused.stderr
    assert path.read_text() == printed.stdout


def test_init_dash_prints_the_template():
    result = runner.invoke(app, ["config", "init", "-"])
    assert result.exit_code == 0 and result.output == config_template()


def test_show_prints_the_resolved_config_with_overrides(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[training]\nepochs = 3\n[evaluation]\nbaselines = ["linear"]\n')
    result = runner.invoke(app, ["config", "show", str(path), "--set", "model.hidden=[8]"])
    assert result.exit_code == 0, result.output
    shown = build_config(tomllib.loads(result.output))
    assert shown.training.epochs == 3 and shown.model.hidden == (8,) and shown.evaluation.baselines == ("linear",)
    assert shown.training.batch_size == RunConfig().training.batch_size  # defaults filled in
    assert build_config(tomllib.loads(runner.invoke(app, ["config", "show"]).output)) == RunConfig()


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        pytest.param("[training]\nepoks = 3\n", r"unknown key \[training\] 'epoks'.*did you mean 'epochs'", id="unknown-key"),
        pytest.param("[training]\nepochs = \"3\"\n", r"\[training\] epochs must be of type int", id="wrong-type"),
        pytest.param("[evaluation]\ndpi = 0\n", r"\[evaluation\] dpi must be in", id="out-of-range"),
        pytest.param("[training\n", "not valid TOML", id="not-toml"),
    ],
)
def test_show_refuses_a_bad_config_in_one_line(tmp_path, contents, message, capfd, monkeypatch):
    path = tmp_path / "bad.toml"
    path.write_text(contents)
    result = run_console_script("config", "show", str(path), capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: ")
    assert re.search(message, lines[0]), lines[0]


@pytest.mark.parametrize("command", [pytest.param(["config", "show"], id="show"),
                                     pytest.param(["config", "init", "-"], id="init")])
def test_every_comment_line_fits_an_80_column_terminal(command):
    """config show's first line was 81 characters: on an 80-column terminal its final "."
    stood alone on the next line, outside the comment (the screen copied into a file is then
    invalid TOML); the template's comments were wrapped at 92."""
    printed = runner.invoke(app, command)
    assert printed.exit_code == 0
    comments = [line for line in printed.output.splitlines() if line.startswith("#")]
    assert len(comments) >= (1 if command[1] == "show" else 50)
    assert [line for line in comments if len(line) > 80] == []
    tomllib.loads(printed.output)  # still TOML that climann reads back
