"""The template of `climann config init`: generated from the schema, complete, valid."""

import dataclasses
import tomllib

import pytest

from climann.workflow.config import SECTIONS, RunConfig, build_config, config_to_toml
from climann.workflow.config_template import attribute_descriptions, config_template, write_config_template
from climann.errors import ClimannError


def test_the_template_parses_back_to_the_default_config():
    assert build_config(tomllib.loads(config_template())) == RunConfig()


@pytest.mark.parametrize("section", [pytest.param(name, id=name) for name in SECTIONS])
def test_the_template_lists_every_key_of_every_section(section):
    parsed = tomllib.loads(config_template())
    assert list(parsed[section]) == [field.name for field in dataclasses.fields(SECTIONS[section])]


@pytest.mark.parametrize("section", [pytest.param(name, id=name) for name in SECTIONS])
def test_every_key_is_documented_in_its_dataclass(section):
    descriptions = attribute_descriptions(SECTIONS[section])
    undocumented = [f.name for f in dataclasses.fields(SECTIONS[section]) if not descriptions.get(f.name)]
    assert undocumented == []


def test_each_key_follows_its_description():
    lines = config_template().splitlines()
    index = lines.index("epochs = 15")
    assert lines[index - 1] == "# Passes over the training samples."


class Documented:
    """A class.

    Attributes
    ----------
    first : int
        The ``first`` one,
        on two lines.
    second, third : str
        Shared :class:`~x.Y` text.

    Notes
    -----
    not_an_attribute : int
        Not read.
    """


def test_attribute_descriptions_read_numpydoc():
    assert attribute_descriptions(Documented) == {
        "first": "The first one, on two lines.",
        "second": "Shared x.Y text.",
        "third": "Shared x.Y text.",
    }


def test_write_refuses_an_existing_file_unless_overwrite(tmp_path):
    path = tmp_path / "climann.toml"
    assert write_config_template(path) == path
    edited = config_template() + "\n# my notes\n"
    path.write_text(edited)
    with pytest.raises(ClimannError, match="exists; .*--overwrite"):
        write_config_template(path)
    assert path.read_text() == edited
    write_config_template(path, overwrite=True)
    assert path.read_text() == config_template()
    assert [p.name for p in tmp_path.iterdir()] == ["climann.toml"]  # no temporary left


def test_overwrite_replaces_climanns_configurations_only(tmp_path):
    """A run's resolved config.toml may be replaced; a TOML file of the user's is kept."""
    run_config = tmp_path / "config.toml"
    run_config.write_text(config_to_toml(RunConfig()))
    write_config_template(run_config, overwrite=True)
    assert run_config.read_text() == config_template()
    own = tmp_path / "own.toml"
    own.write_text("[training]\nepochs = 3\n")
    with pytest.raises(ClimannError, match="own.toml exists and is not a template that `climann config init` wrote"):
        write_config_template(own, overwrite=True)
    assert own.read_text() == "[training]\nepochs = 3\n"


@pytest.mark.parametrize("name", [pytest.param("report.md", id="report"), pytest.param("metrics.json", id="metrics")])
def test_overwrite_never_puts_a_template_over_another_output_of_climann(tmp_path, name):
    from tests.conftest import write_climann_file

    before = write_climann_file(tmp_path / name)
    with pytest.raises(ClimannError, match=rf"/{name} is a file climann wrote, but not a template that `climann "
                                           r"config init` wrote \(nor a resolved configuration\), and --overwrite"):
        write_config_template(tmp_path / name, overwrite=True)
    assert (tmp_path / name).read_bytes() == before


def test_write_into_a_missing_directory_is_a_user_error(tmp_path):
    with pytest.raises(ClimannError, match="cannot write config file"):
        write_config_template(tmp_path / "missing" / "climann.toml")


def test_overwrite_never_replaces_a_run_directorys_own_config(tmp_path):
    """verify21b F0b: ``config init RUN/config.toml --overwrite`` replaced a run's record with the template (exit 0);
    evaluate then re-scored the run with the template's data and settings."""
    from climann.model import Network

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    Network([2, 3, 1]).save(run_dir / "model.npz", metadata={"features": ["a"]})
    recorded = config_to_toml(RunConfig())
    (run_dir / "config.toml").write_text(recorded)
    with pytest.raises(ClimannError, match=r"config init .*config.toml is the config.toml of the run .*; writing there "
                                           r"would replace the run's own results"):
        write_config_template(run_dir / "config.toml", overwrite=True)
    assert (run_dir / "config.toml").read_text() == recorded
