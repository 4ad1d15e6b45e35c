"""A configuration file's relative data paths, used from another folder (break22b F12)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from climann.errors import ClimannError
from climann.workflow.config import build_config, load_config_file
from climann.workflow.config_paths import check_config_file_paths


def _layout(root: Path, *, here: tuple[str, ...] = (), beside: tuple[str, ...] = ("a.nc", "b.nc")) -> Path:
    """``root/clone/my.toml`` naming ``my_data/`` (``beside`` its files there) and a working
    directory ``root/work`` holding ``here`` in its own ``my_data/``. Returns the config file."""
    for folder, names in ((root / "clone" / "my_data", beside), (root / "work" / "my_data", here)):
        folder.mkdir(parents=True)
        for name in names:
            (folder / name).write_text(f"{folder} {name}")
    config_file = root / "clone" / "my.toml"
    config_file.write_text('[data]\npaths = ["my_data/"]\n')
    return config_file


def _check(config_file: Path, **overrides: object) -> None:
    """What ``climann train --config FILE`` checks, with ``overrides`` of ``[data]`` from the command line."""
    settings = load_config_file(config_file)
    resolved = build_config({"data": {**settings["data"], **overrides}})
    check_config_file_paths(settings, config_file, [resolved])


def test_a_path_found_only_beside_the_file_is_refused_with_both_ways_out(tmp_path, monkeypatch):
    """`climann train --config /elsewhere/my.toml` said only "no file matches 'my_data/'"."""
    config_file = _layout(tmp_path)
    monkeypatch.chdir(tmp_path / "work")
    (tmp_path / "work" / "my_data").rmdir()
    folder = tmp_path / "clone"
    with pytest.raises(ClimannError) as refused:
        _check(config_file)
    assert str(refused.value) == (
        f"no file matches 'my_data/' in the working directory {tmp_path / 'work'}, which [data] paths of "
        f"{config_file} are relative to, but its folder {folder} holds {folder}/my_data/: run climann from there "
        f"(cd {folder}), or make the path absolute in my.toml (\"{folder}/my_data/\")")


@pytest.mark.parametrize("here", [
    pytest.param(("a.nc",), id="other-files-in-the-working-directory"),
    pytest.param(("a.nc", "b.nc"), id="files-of-the-same-names-elsewhere"),
])
def test_a_path_naming_other_files_in_the_working_directory_is_read_there_with_a_warning(
    tmp_path, monkeypatch, caplog, here
):
    """A working directory with its own my_data/ was trained on silently."""
    config_file = _layout(tmp_path, here=here)
    work = tmp_path / "work"
    monkeypatch.chdir(work)
    with caplog.at_level(logging.WARNING, logger="climann"):
        _check(config_file)
    more = " and 1 more" if len(here) > 1 else ""
    assert [record.getMessage() for record in caplog.records] == [
        f"'my_data/' of [data] paths in {config_file} is read in the working directory {work} "
        f"({work}/my_data/a.nc{more}), not in the file's folder, which holds other files under that name; to read "
        f"those, make the path absolute (\"{tmp_path / 'clone'}/my_data/\") or run climann from {tmp_path / 'clone'}"]


def test_split_files_are_checked_as_paths_are(tmp_path, monkeypatch):
    config_file = _layout(tmp_path, beside=("a.nc", "b.nc", "c.nc"))
    config_file.write_text('[data]\nsplit_files = {train = ["my_data/a.nc"], val = ["my_data/b.nc"], '
                           'test = ["my_data/c.nc"]}\n')
    monkeypatch.chdir(tmp_path / "work")
    with pytest.raises(ClimannError, match=r"^no file matches 'my_data/a.nc' in the working directory .*, which "
                                           r"\[data\] split_files.train of .* are relative to, but its folder"):
        _check(config_file)


def _nothing_beside(root: Path) -> Path:
    for name in ("a.nc", "b.nc"):
        (root / "clone" / "my_data" / name).unlink()
    return root / "work"


def _linked(root: Path) -> Path:
    """The working directory's my_data/ a symbolic link to the one beside the file: the same files."""
    (root / "work" / "my_data").rmdir()
    (root / "work" / "my_data").symlink_to(root / "clone" / "my_data")
    return root / "work"


@pytest.mark.parametrize("arrange, overrides", [
    pytest.param(_nothing_beside, {}, id="nothing-beside-the-file-either"),
    pytest.param(lambda root: root / "work", {"paths": ["elsewhere.nc"]}, id="replaced-by-data"),
    pytest.param(_linked, {}, id="the-same-files-both-ways"),
    pytest.param(lambda root: root / "clone", {}, id="run-in-the-files-own-folder"),
])
def test_nothing_is_said_where_the_file_s_folder_changes_nothing(tmp_path, monkeypatch, caplog, arrange, overrides):
    """Without a match beside the file (the reading fails later, naming the working directory),
    with paths of the command line, with the very same files, or from the file's own folder
    (experiments/*.toml run from the repository's root is the Makefile's way)."""
    config_file = _layout(tmp_path)
    monkeypatch.chdir(arrange(tmp_path))
    with caplog.at_level(logging.WARNING, logger="climann"):
        _check(config_file, **overrides)
    assert caplog.records == []
