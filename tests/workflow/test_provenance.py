"""provenance.json: checksums, versions and the git commit of a run."""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import climann
from climann.workflow import provenance
from climann.errors import ClimannError
from climann.workflow.provenance import file_record, git_state, package_versions, run_provenance, sha256_of


@pytest.fixture
def data_file(tmp_path):
    path = tmp_path / "input.nc"
    # Several hash chunks and a partial last one, so that the chunked reading is exercised.
    path.write_bytes(bytes(range(256)) * 9000 + b"tail")
    return path


def test_sha256_matches_hashlib_over_several_chunks(data_file, monkeypatch):
    monkeypatch.setattr(provenance, "CHUNK_BYTES", 100_000)
    assert sha256_of(data_file) == hashlib.sha256(data_file.read_bytes()).hexdigest()


def test_a_small_file_is_recorded_with_its_checksum(data_file):
    assert file_record(data_file) == {
        "path": str(data_file.resolve()), "size": 256 * 9000 + 4,
        "sha256": hashlib.sha256(data_file.read_bytes()).hexdigest(),
    }


def test_a_file_over_the_limit_is_recorded_by_size_and_mtime(data_file, monkeypatch):
    monkeypatch.setattr(provenance, "HASH_LIMIT_BYTES", 1000)
    os.utime(data_file, (0, 1_700_000_000))
    assert file_record(data_file) == {
        "path": str(data_file.resolve()), "size": 256 * 9000 + 4, "mtime": "2023-11-14T22:13:20+00:00",
    }
    assert datetime.datetime.fromisoformat(file_record(data_file)["mtime"]).timestamp() == 1_700_000_000


def test_a_directory_store_is_recorded_over_all_its_files(tmp_path, monkeypatch):
    store = tmp_path / "fields.zarr"
    (store / "tas" / "c").mkdir(parents=True)
    contents = {"zarr.json": b'{"node_type": "group"}', "tas/zarr.json": b"{}", "tas/c/0": b"\x00\x01" * 50}
    for name, content in contents.items():
        (store / name).write_bytes(content)
    expected = hashlib.sha256()
    for name in sorted(contents):  # relative path then content, in path order
        expected.update(name.encode() + b"\0" + contents[name])
    record = file_record(store)
    assert record == {"path": str(store.resolve()), "size": sum(map(len, contents.values())),
                      "sha256": expected.hexdigest()}
    (store / "tas" / "c" / "0").write_bytes(b"\x00\x02" * 50)  # one chunk changed: another checksum
    assert file_record(store)["sha256"] != record["sha256"]
    monkeypatch.setattr(provenance, "HASH_LIMIT_BYTES", 10)
    os.utime(store / "tas" / "zarr.json", (0, 1_700_000_000))
    os.utime(store / "zarr.json", (0, 1_600_000_000))
    os.utime(store / "tas" / "c" / "0", (0, 1_500_000_000))
    assert file_record(store)["mtime"] == "2023-11-14T22:13:20+00:00"  # the latest of its files


def test_an_unreadable_input_is_a_user_error(tmp_path):
    with pytest.raises(ClimannError, match="cannot read input file"):
        file_record(tmp_path / "missing.nc")


def test_versions_of_the_declared_dependencies():
    versions = package_versions()
    assert {"numpy", "xarray", "dask", "netCDF4"} <= set(versions)
    import numpy

    assert versions["numpy"] == numpy.__version__
    assert "pytest" not in versions  # an extra, not a runtime dependency
    assert package_versions(["surely-not-installed-zz"]) == {"surely-not-installed-zz": None}


def _installed(site: Path, version: str, *, mtime: int) -> Path:
    """A distribution 'climann-fake-dist' of ``version`` in ``site`` (a .dist-info folder, as pip writes)."""
    folder = site / "climann_fake_dist-0.dist-info"
    folder.mkdir(exist_ok=True)
    metadata = folder / "METADATA"
    metadata.write_text(f"Metadata-Version: 2.1\nName: climann-fake-dist\nVersion: {version}\n")
    os.utime(metadata, (mtime, mtime))
    return metadata


def test_a_version_is_read_once_and_again_when_the_package_changes(tmp_path, monkeypatch):
    """The metadata file is parsed once while unchanged; upgraded in place (another version
    written, its time and size changed) its new version is recorded, not the one read before."""
    import importlib.metadata

    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    reads, find = [], importlib.metadata.distribution

    def counted(name):  # each metadata file the distribution found reads (whichever finder's class it is)
        distribution = find(name)
        read_text = distribution.read_text
        distribution.read_text = lambda filename: reads.append(filename) or read_text(filename)
        return distribution

    monkeypatch.setattr(importlib.metadata, "distribution", counted)
    _installed(tmp_path, "1.0", mtime=1_700_000_000)
    assert package_versions(["climann-fake-dist"]) == {"climann-fake-dist": "1.0"}
    assert package_versions(["climann-fake-dist"]) == {"climann-fake-dist": "1.0"}
    assert reads == ["METADATA"]  # parsed once
    _installed(tmp_path, "1.0.1", mtime=1_700_000_100)
    assert package_versions(["climann-fake-dist"]) == {"climann-fake-dist": "1.0.1"}
    _installed(tmp_path, "2.0.0.1", mtime=1_700_000_100)  # the same time, another size
    assert package_versions(["climann-fake-dist"]) == {"climann-fake-dist": "2.0.0.1"}
    assert provenance.installed_version("climann-fake-dist") == importlib.metadata.version("climann-fake-dist")


REPOSITORY = Path(climann.__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("git") is None or not (REPOSITORY / ".git").exists(), reason="not a git checkout")
def test_git_commit_matches_the_checkout():
    head = subprocess.run(["git", "-C", str(REPOSITORY), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    state = git_state()
    assert state is not None and state["commit"] == head and isinstance(state["dirty"], bool)


def test_no_checkout_gives_no_git_state(tmp_path):
    assert git_state(tmp_path) is None


def test_without_git_the_state_is_none(monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert git_state() is None


def test_run_provenance_records_everything(data_file):
    record = run_provenance([data_file], command_line="climann train --epochs 1")
    assert record["command_line"] == "climann train --epochs 1"
    assert record["climann_version"] == climann.__version__
    assert record["inputs"] == [file_record(data_file)]
    assert {"python", "platform", "packages", "git", "created"} <= set(record)


# --- whether a recorded input differs now (climann evaluate RUN, --resume) --------------------------
def _same_size_other_bytes(path):
    content = bytearray(path.read_bytes())
    content[-1] ^= 0xFF
    path.write_bytes(bytes(content))


def test_an_unchanged_file_does_not_differ_from_its_record(data_file):
    assert provenance.changed_inputs([file_record(data_file)], [data_file]) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        pytest.param(_same_size_other_bytes, "sha256 differs from provenance.json", id="same-size"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes() + b"more"),
                     f"size differs from provenance.json: {256 * 9000 + 4} bytes then, {256 * 9000 + 8} now",
                     id="longer"),
        pytest.param(lambda path: path.unlink(), "missing", id="missing"),
    ],
)
def test_a_changed_file_is_named_with_what_differs(data_file, change, expected):
    record = file_record(data_file)
    change(data_file)
    assert provenance.changed_inputs([record], [data_file]) == [{"path": str(data_file.resolve()), "change": expected}]


def test_a_file_of_another_size_is_not_hashed(data_file, monkeypatch):
    record = file_record(data_file)
    data_file.write_bytes(b"short")
    monkeypatch.setattr(provenance, "sha256_of", lambda path: pytest.fail("hashed"))
    assert provenance.record_difference(record).startswith("size differs")


def test_a_file_over_the_limit_is_compared_by_its_modification_time_unhashed(data_file, monkeypatch):
    monkeypatch.setattr(provenance, "HASH_LIMIT_BYTES", 1000)
    os.utime(data_file, (0, 1_700_000_000))
    record = file_record(data_file)
    monkeypatch.setattr(provenance, "sha256_of", lambda path: pytest.fail("hashed"))
    _same_size_other_bytes(data_file)
    os.utime(data_file, (0, 1_700_000_000))  # same size and time: taken as the same (it is not hashed)
    assert provenance.record_difference(record) is None
    os.utime(data_file, (0, 1_700_000_060))
    assert provenance.record_difference(record).startswith("modification time differs from provenance.json")


def test_a_file_without_a_record_is_not_checked(data_file, tmp_path):
    other = tmp_path / "other.nc"
    other.write_bytes(b"x")
    record = file_record(other)
    other.write_bytes(b"changed")
    assert provenance.changed_inputs([record], [data_file]) == []


def test_a_run_without_provenance_json_has_no_recorded_inputs(tmp_path, data_file):
    assert provenance.recorded_inputs(tmp_path) == []
    (tmp_path / "provenance.json").write_text(json.dumps({"inputs": [file_record(data_file)]}))
    assert provenance.recorded_inputs(tmp_path) == [file_record(data_file)]
