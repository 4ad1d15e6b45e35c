import os
import stat
from pathlib import Path

import pytest

from climann.atomic import atomic_directory, atomic_path
from climann.errors import ClimannError


def test_file_appears_complete_with_the_usual_permissions(tmp_path):
    previous = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "out.txt") as temporary:
            temporary.write_text("complete")
            assert not (tmp_path / "out.txt").exists()  # nothing under the final name yet
    finally:
        os.umask(previous)
    assert (tmp_path / "out.txt").read_text() == "complete"
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o644
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="crash"):
        with atomic_path(target) as temporary:
            temporary.write_text("half")
            raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_an_unwritable_place_is_a_clear_error(tmp_path):
    with pytest.raises(ClimannError, match="cannot write report .*missing.*No such file"):
        with atomic_path(tmp_path / "missing" / "out.txt", what="report"):
            pass


def test_a_directory_is_replaced_only_when_complete(tmp_path):
    target = tmp_path / "store.zarr"
    target.mkdir()
    (target / "old").write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_directory(target) as temporary:
            (temporary / "new").write_text("half")
            raise RuntimeError("interrupted")
    assert [path.name for path in tmp_path.iterdir()] == ["store.zarr"]
    assert (target / "old").read_text() == "old"
    with atomic_directory(target) as temporary:
        (temporary / "new").write_text("complete")
    assert [path.name for path in target.iterdir()] == ["new"]
    assert [path.name for path in tmp_path.iterdir()] == ["store.zarr"]
    (tmp_path / "file.zarr").write_text("a file")
    with pytest.raises(ClimannError, match="a file of that name exists"):
        with atomic_directory(tmp_path / "file.zarr"):
            pass


@pytest.mark.parametrize("existing", [pytest.param(False, id="not-yet"), pytest.param(True, id="replaced")])
def test_a_symbolic_link_is_written_through_and_kept(tmp_path, existing):
    """`ln -s scratch/pred.nc pred.nc`: the file goes where the link points; the link stays
    (the temporary renamed onto the link's own name replaced the link by a regular file)."""
    (tmp_path / "scratch").mkdir()
    if existing:
        (tmp_path / "scratch" / "pred.nc").write_text("old")
    link = tmp_path / "pred.nc"
    link.symlink_to("scratch/pred.nc")
    with atomic_path(link) as temporary:
        assert temporary.parent == tmp_path / "scratch"  # renamed within the target's file system
        temporary.write_text("new")
    assert os.readlink(link) == "scratch/pred.nc"
    assert (tmp_path / "scratch" / "pred.nc").read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["pred.nc", "scratch"] and os.listdir(tmp_path / "scratch") == ["pred.nc"]


def test_a_store_behind_a_symbolic_link_is_replaced_and_the_link_kept(tmp_path):
    (tmp_path / "scratch" / "p.zarr").mkdir(parents=True)
    (tmp_path / "scratch" / "p.zarr" / "old").write_text("old")
    link = tmp_path / "p.zarr"
    link.symlink_to(tmp_path / "scratch" / "p.zarr")
    with atomic_directory(link) as temporary:
        (temporary / "new").write_text("new")
    assert link.is_symlink() and os.listdir(tmp_path / "scratch") == ["p.zarr"]
    assert os.listdir(tmp_path / "scratch" / "p.zarr") == ["new"]


@pytest.mark.parametrize("make", [
    pytest.param(lambda target: atomic_path(target), id="file"),
    pytest.param(lambda target: atomic_directory(target), id="directory"),
])
def test_a_folder_literally_named_tilde_gets_what_a_library_writes_there(tmp_path, monkeypatch, make):
    """xarray and fsspec expand a leading ``~`` themselves: the temporary they are handed must
    be the one renamed into place, not its namesake in the home folder."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    (work / "~").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    with make("~/out") as temporary:
        written = Path(os.path.expanduser(temporary))  # as xarray.backends.common._normalize_path
        if written.is_dir():
            written = written / "part"
        written.write_text("complete")
    final = work / "~" / "out"
    assert (final / "part" if final.is_dir() else final).read_text() == "complete"
    assert os.listdir(home) == []
    assert os.listdir(work / "~") == ["out"]


# --- claimed outputs: two climann commands never write one output at once -------------------------

@pytest.mark.parametrize("folder", [pytest.param(False, id="file"), pytest.param(True, id="folder")])
def test_an_output_claimed_by_another_process_is_refused_naming_it_and_that_process(tmp_path, holder, folder):
    from climann.atomic import OutputClaimed, claimed_output

    out = tmp_path / ("scores" if folder else "pred.nc")
    other = holder(out, folder=folder)
    with pytest.raises(OutputClaimed, match=f"another climann \\(process {other.pid}\\) is writing predictions "
                                            f"{out} now"):
        with claimed_output(out, overwrite=True, folder=folder, what="predictions"):
            pytest.fail("the block ran although another process holds the claim")
    other.communicate("\n", timeout=60)
    assert other.returncode == 0
    with claimed_output(out, overwrite=False, folder=folder):  # released: free again
        pass
    assert os.listdir(tmp_path) == []  # no claim left behind


def test_a_claim_whose_process_is_gone_does_not_block_and_is_removed(tmp_path):
    import subprocess
    import sys

    from climann.atomic import CLAIM_HEADER, claim_path, claimed_output

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    claim = claim_path(tmp_path / "pred.nc")
    claim.write_text(f"{CLAIM_HEADER}{int(gone.stdout)}\n")  # as a killed command leaves it: nobody locks it
    with claimed_output(tmp_path / "pred.nc", overwrite=False):
        assert claim.read_text() == f"{CLAIM_HEADER}{os.getpid()}\n"  # taken over by this process
    assert os.listdir(tmp_path) == []


def test_a_killed_holders_claim_is_taken_over(tmp_path, holder):
    from climann.atomic import claim_path, claimed_output

    other = holder(tmp_path / "pred.nc")
    other.kill()
    other.wait(timeout=60)
    assert claim_path(tmp_path / "pred.nc").exists()  # left by the killed process
    with claimed_output(tmp_path / "pred.nc", overwrite=False):
        pass
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("folder", [pytest.param(False, id="file"), pytest.param(True, id="folder")])
def test_a_file_that_appears_while_claimed_without_overwrite_is_never_replaced(tmp_path, folder):
    from climann.atomic import claimed_output

    out = tmp_path / "scores"
    target = out / "metrics.json" if folder else out
    out.mkdir() if folder else None
    with pytest.raises(ClimannError, match=f"cannot write file {target}: a file of that name appeared while this "
                                           "command ran"):
        with claimed_output(out, overwrite=False, folder=folder), atomic_path(target) as temporary:
            temporary.write_text("this run's")
            target.write_text("another program's")
    assert target.read_text() == "another program's"
    assert sorted(os.listdir(out if folder else tmp_path)) == ["metrics.json" if folder else "scores"]


def test_a_claim_with_overwrite_replaces_the_file(tmp_path):
    from climann.atomic import claimed_output

    target = tmp_path / "pred.nc"
    target.write_text("old")
    with claimed_output(target, overwrite=True), atomic_path(target) as temporary:
        temporary.write_text("new")
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["pred.nc"]


def test_a_claim_in_missing_folders_creates_them_and_leaves_none_empty(tmp_path):
    from climann.atomic import claimed_output

    with claimed_output(tmp_path / "a" / "b" / "scores", overwrite=False, folder=True):
        assert (tmp_path / "a" / "b").is_dir()
    assert os.listdir(tmp_path) == []


def test_a_file_in_a_missing_folder_is_refused_before_any_work_naming_the_folder(tmp_path):
    from climann.atomic import claimed_output

    with pytest.raises(ClimannError, match=f"cannot write predictions {tmp_path}/new/sub/p.nc: the folder "
                                           f"{tmp_path}/new/sub does not exist; create it first"):
        with claimed_output(tmp_path / "new" / "sub" / "p.nc", overwrite=False, what="predictions"):
            pytest.fail("the block ran")
    assert os.listdir(tmp_path) == []


def test_published_here_knows_this_processs_files_and_not_one_put_in_their_place(tmp_path):
    from climann.atomic import published_here

    with atomic_path(tmp_path / "mine.json") as temporary:
        temporary.write_text("climann's")
    (tmp_path / "theirs.json").write_text("a user's")
    assert published_here(tmp_path / "mine.json") and not published_here(tmp_path / "theirs.json")
    (tmp_path / "mine.json").unlink()
    (tmp_path / "mine.json").write_text("a user's, under the same name")  # after climann's was removed
    assert not published_here(tmp_path / "mine.json") and not published_here(tmp_path / "absent.json")


# --- a killed command's temporaries go with its stale claim ---------------------------------------

#: A command that claims PATH (argv[1]; a folder when argv[2] == "folder"), makes its temporaries
#: as climann's writers do (a file's beside it; in a folder, a file's and a staging folder), prints
#: their names and waits to be killed (SIGKILL: no clean-up runs).
HALF_WAY = """
import sys, time
from pathlib import Path
from climann.atomic import atomic_path, claimed_output
out, folder = Path(sys.argv[1]), sys.argv[2] == "folder"
with claimed_output(out, overwrite=True, folder=folder):
    with atomic_path(out / "metrics.json" if folder else out) as temporary:
        temporary.write_text("half-written")
        made = [temporary]
        if folder:
            from climann.atomic import new_temporary

            made.append(new_temporary(out.absolute(), suffix=".partial"))
            (made[-1] / "predictions.nc").write_text("half-written")
        print(" ".join(str(path) for path in made), flush=True)
        time.sleep(600)
"""


def _killed_half_way(out, *, folder):
    """The temporaries of a command SIGKILLed while it wrote ``out``."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", HALF_WAY, str(out), "folder" if folder else "file"],
                               stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    made = [Path(name) for name in process.stdout.readline().split()]
    process.kill()
    process.wait(timeout=60)
    assert made and all(os.path.lexists(path) for path in made)  # left behind: SIGKILL runs no clean-up
    return process.pid, made


@pytest.mark.parametrize("folder", [pytest.param(False, id="file"), pytest.param(True, id="folder")])
def test_the_command_taking_over_a_killed_commands_claim_removes_exactly_its_temporaries(tmp_path, caplog, folder):
    """A 500 MB `.pred.nc.PID.HEX.tmp` of a killed predict stayed for good, one more each time;
    a user's file with such a name, or another process's temporary, is never touched."""
    from climann.atomic import claim_path, claimed_output

    out = tmp_path / ("scores" if folder else "pred.nc")
    if folder:
        out.mkdir()
    pid, made = _killed_half_way(out, folder=folder)
    place = out if folder else tmp_path
    others = [place / f".metrics.json.{os.getpid()}.0123abcd.tmp",  # a running process's (this test's)
              place / f".pred.nc.{pid}.notes",  # the user's, with the dead command's number in its name
              place / f".pred.nc.{pid}.0123abcd.tmp"]  # its name, but not recorded in the claim
    for other in others:
        other.write_text("not the killed command's")
    with caplog.at_level("INFO", logger="climann.atomic"), claimed_output(out, overwrite=True, folder=folder):
        assert not any(os.path.lexists(path) for path in made)
    assert all(other.read_text() == "not the killed command's" for other in others)
    assert not claim_path(out).exists()
    assert [record.getMessage() for record in caplog.records if record.levelname == "INFO"] == [
        f"removed {len(made)} temporar{'ies' if folder else 'y'} that climann process {pid}, killed while writing "
        f"{out}, left: {', '.join(path.name for path in made)}"]


def test_a_stale_claims_record_removes_nothing_but_the_dead_commands_own_temporaries(tmp_path):
    """A claim's record is read, not trusted: a line naming a user's file, a file outside the
    claimed place, another process's temporary or a symbolic link removes nothing."""
    from climann.atomic import CLAIM_HEADER, TEMPORARY_RECORD, claim_path, claimed_output

    (tmp_path / "out").mkdir()
    outside = tmp_path.parent / ".elsewhere.4242.0123abcd.tmp"
    named = {
        "own": tmp_path / "out" / ".metrics.json.4242.89abcdef.tmp",
        "user's": tmp_path / "out" / "notes.txt",
        "another pid": tmp_path / "out" / ".metrics.json.4243.89abcdef.tmp",
        "link": tmp_path / "out" / ".report.md.4242.89abcdef.tmp",
    }
    for key, path in named.items():
        if key == "link":
            path.symlink_to(tmp_path / "out" / "notes.txt")
        else:
            path.write_text(key)
    outside.write_text("outside")
    try:
        lines = [f"{TEMPORARY_RECORD}{path}\n" for path in (*named.values(), outside)]
        claim_path(tmp_path / "out").write_text(f"{CLAIM_HEADER}4242\n" + "".join(lines))  # nobody locks it
        with claimed_output(tmp_path / "out", overwrite=False, folder=True):
            pass
        assert not os.path.lexists(named["own"])
        assert all(os.path.lexists(path) for key, path in named.items() if key != "own")
        assert outside.read_text() == "outside" and (tmp_path / "out" / "notes.txt").read_text() == "user's"
    finally:
        outside.unlink(missing_ok=True)


def test_a_claims_record_names_the_temporaries_that_exist_and_stays_short(tmp_path):
    """A run checkpointing every epoch makes a temporary each time: the record holds those still
    there, not one line per epoch."""
    from climann.atomic import CLAIM_HEADER, TEMPORARY_RECORD, claim_path, claimed_output

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    with claimed_output(run_dir, overwrite=True, folder=True):
        for epoch in range(20):
            with atomic_path(run_dir / "checkpoint.npz") as temporary:
                temporary.write_text(f"epoch {epoch}")
                assert claim_path(run_dir).read_text() == (f"{CLAIM_HEADER}{os.getpid()}\n"
                                                           f"{TEMPORARY_RECORD}{temporary}\n")
    assert (run_dir / "checkpoint.npz").read_text() == "epoch 19"


# --- a claim on a folder covers what is inside it --------------------------------------------------

def test_an_output_inside_a_folder_another_command_claims_is_refused_naming_that_folder(tmp_path, holder):
    """`predict --out RUN/p.nc` while `train --out RUN --overwrite` (or `evaluate RUN`) runs: the
    run's outputs would be removed or replaced under it."""
    from climann.atomic import OutputClaimed, claimed_output

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    other = holder(run_dir, folder=True)
    with pytest.raises(OutputClaimed) as refused:
        with claimed_output(run_dir / "p.nc", overwrite=False, what="predictions"):
            pytest.fail("the block ran inside a folder another process claims")
    assert str(refused.value) == (
        f"another climann (process {other.pid}) is writing {run_dir} now, which holds predictions {run_dir}/p.nc; "
        "this one stops and leaves it alone: wait for it to finish, or choose another --out")
    assert os.listdir(run_dir) == []  # its own claim released
    other.communicate("\n", timeout=60)


def test_a_folder_in_which_another_command_writes_is_refused(tmp_path, holder):
    """`train --out RUN --overwrite` while `predict --out RUN/sub/p.nc` writes there."""
    from climann.atomic import OutputClaimed, claim_path, claimed_output

    run_dir = tmp_path / "run"
    (run_dir / "sub").mkdir(parents=True)
    other = holder(run_dir / "sub" / "p.nc")
    with pytest.raises(OutputClaimed, match=f"another climann \\(process {other.pid}\\) is writing {run_dir}/sub/p.nc "
                                            f"now, inside run directory {run_dir}; this one stops"):
        with claimed_output(run_dir, overwrite=True, folder=True, what="run directory"):
            pytest.fail("the block ran while another process writes inside the folder")
    assert not claim_path(run_dir).exists()
    other.communicate("\n", timeout=60)
    with claimed_output(run_dir, overwrite=True, folder=True):  # released: free again
        pass


@pytest.mark.parametrize("folder", [pytest.param(False, id="file"), pytest.param(True, id="folder")])
def test_a_users_file_with_a_claims_name_is_left_alone_and_the_command_refused(tmp_path, folder):
    """A file of the user's named `.pred.nc.claim` was taken for a killed command's claim and removed."""
    from climann.atomic import claim_path, claimed_output

    out = tmp_path / ("scores" if folder else "pred.nc")
    claim_path(out).write_text("the user's notes\n")
    with pytest.raises(ClimannError) as refused:
        with claimed_output(out, overwrite=True, folder=folder):
            pytest.fail("the block ran")
    assert str(refused.value) == (f"{claim_path(out)} has the name of climann's claim on {out}, but it is not "
                                  "climann's; it was left alone: move it away, or choose another name")
    assert claim_path(out).read_text() == "the user's notes\n"
    assert os.listdir(tmp_path) == [claim_path(out).name]


# --- a killed replacement of a store, a killed claim: what they leave is settled by the next claim --

#: A command that replaces the store PATH (argv[1]) with --overwrite, as a Zarr prediction is
#: written, and stops where argv[2] says, waiting to be killed: "aside" just after the earlier
#: store was moved aside (the new one not yet in place), "removal" just before the moved store
#: is removed, "claim" while its claim is being created (before the claim's name exists).
REPLACING = """
import os, shutil, sys, time
from pathlib import Path
from climann.atomic import atomic_directory, claimed_output
out, stop = Path(sys.argv[1]), sys.argv[2]
real_replace, real_rmtree, real_link = os.replace, shutil.rmtree, os.link
def wait():
    print("stopped", flush=True)
    time.sleep(600)
def replace(source, destination):
    real_replace(source, destination)
    if stop == "aside" and str(destination).endswith(".old"):
        wait()
def rmtree(path, *args, **kwargs):
    if stop == "removal" and str(path).endswith(".old"):
        wait()
    real_rmtree(path, *args, **kwargs)
def link(source, destination):
    if stop == "claim" and str(destination).endswith(".claim"):
        wait()
    real_link(source, destination)
os.replace, shutil.rmtree, os.link = replace, rmtree, link
with claimed_output(out, overwrite=True, what="Zarr store"):
    with atomic_directory(out, what="Zarr store") as temporary:
        (temporary / "values").write_text("new")
"""


def _killed_replacing(out, stop):
    """The process id of a command SIGKILLed at ``stop`` (see :data:`REPLACING`) while it replaced ``out``."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", REPLACING, str(out), stop], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert process.stdout.readline() == "stopped\n"
    process.kill()
    process.wait(timeout=60)
    return process.pid


def _earlier_store(tmp_path):
    out = tmp_path / "pred.zarr"
    out.mkdir()
    (out / "values").write_text("earlier")
    return out


def test_a_store_moved_aside_by_a_command_killed_before_the_new_one_was_in_place_is_put_back(tmp_path, caplog):
    """Killed between its two renames, a --overwrite left `.pred.zarr.PID.HEX.old`, the only copy
    of the user's earlier output, and no pred.zarr; the next command left it there for good."""
    from climann.atomic import claimed_output

    out = _earlier_store(tmp_path)
    pid = _killed_replacing(out, "aside")
    asides = list(tmp_path.glob(f".pred.zarr.{pid}.*.old"))
    assert not out.exists() and len(asides) == 1  # the state a kill there leaves
    with caplog.at_level("INFO", logger="climann.atomic"), claimed_output(out, overwrite=True):
        assert (out / "values").read_text() == "earlier"
    assert os.listdir(tmp_path) == ["pred.zarr"]  # the killed command's new store (a temporary) removed too
    assert f"put back {out}: climann process {pid}, killed while replacing it (--overwrite), had moved it aside as " \
           f"{asides[0].name}; it is the output from before that command" in [
               record.getMessage() for record in caplog.records if record.levelname == "WARNING"]


def test_a_store_moved_aside_by_a_command_killed_after_the_new_one_was_in_place_is_removed(tmp_path, caplog):
    from climann.atomic import claimed_output

    out = _earlier_store(tmp_path)
    pid = _killed_replacing(out, "removal")
    asides = list(tmp_path.glob(f".pred.zarr.{pid}.*.old"))
    assert len(asides) == 1 and (asides[0] / "values").read_text() == "earlier"
    with caplog.at_level("INFO", logger="climann.atomic"), claimed_output(out, overwrite=True):
        pass
    assert os.listdir(tmp_path) == ["pred.zarr"] and (out / "values").read_text() == "new"
    assert f"removed {asides[0].name}, the earlier {out} that climann process {pid}, killed while replacing it " \
           "(--overwrite), had moved aside: pred.zarr is the store it wrote" in [
               record.getMessage() for record in caplog.records if record.levelname == "INFO"]


def test_a_store_moved_aside_is_kept_when_another_store_took_its_name_and_a_users_folder_so_named_always(tmp_path,
                                                                                                      caplog):
    """The record is read, not trusted: the earlier store is removed only when the store in place
    is the very one the killed command wrote, and a folder the claim did not record is never touched."""
    from climann.atomic import claimed_output

    out = _earlier_store(tmp_path)
    pid = _killed_replacing(out, "aside")
    (aside,) = tmp_path.glob(f".pred.zarr.{pid}.*.old")
    out.mkdir()  # another program's store, after the kill
    (out / "values").write_text("another program's")
    users = tmp_path / f".pred.zarr.{pid}.0123abcd.old"
    users.mkdir()
    with caplog.at_level("INFO", logger="climann.atomic"), claimed_output(out, overwrite=True):
        pass
    assert (aside / "values").read_text() == "earlier" and (out / "values").read_text() == "another program's"
    assert users.is_dir()
    assert [record.getMessage() for record in caplog.records if record.levelname == "WARNING"] == [
        f"{aside} holds the earlier {out}, that climann process {pid}, killed while replacing it (--overwrite), had "
        "moved aside; pred.zarr is not the store that command wrote: both were left alone, keep the one you want"]


def test_a_claims_temporary_left_by_a_command_killed_while_claiming_goes_with_the_next_claim(tmp_path, caplog):
    """`..pred.zarr.claim.PID.HEX.tmp` stayed for good; an empty one (no header yet), or one whose
    header names another process than its name, is not known to be climann's and stays."""
    from climann.atomic import CLAIM_HEADER, claimed_output

    out = _earlier_store(tmp_path)
    pid = _killed_replacing(out, "claim")
    (left,) = tmp_path.glob(f"..pred.zarr.claim.{pid}.*.tmp")
    assert left.read_text() == f"{CLAIM_HEADER}{pid}\n"
    others = {tmp_path / f"..pred.zarr.claim.{pid}.0123abcd.tmp": "",
              tmp_path / f"..pred.zarr.claim.{pid}.89abcdef.tmp": f"{CLAIM_HEADER}{pid + 1}\n"}
    for path, text in others.items():
        path.write_text(text)
    with caplog.at_level("INFO", logger="climann.atomic"), claimed_output(out, overwrite=True):
        pass
    assert not os.path.lexists(left)
    assert all(path.read_text() == text for path, text in others.items())
    assert sorted(os.listdir(tmp_path)) == sorted(["pred.zarr", *(path.name for path in others)])
    assert [record.getMessage() for record in caplog.records if record.levelname == "INFO"] == [
        f"removed 1 temporary of the claim on {out} that climann commands killed while claiming it left: {left.name}"]


def test_a_store_moved_aside_goes_back_when_the_new_one_cannot_take_its_name(tmp_path, monkeypatch):
    """The new store's rename failing after the earlier one was moved aside left the output's name empty and
    the earlier store hidden as `.store.zarr.PID.HEX.old`: it is put back, and the write refused."""
    target = tmp_path / "store.zarr"
    target.mkdir()
    (target / "values").write_text("earlier")
    real_replace = os.replace

    def replace(source, destination):
        if Path(source).name.endswith(".tmp") and Path(destination) == target:
            raise OSError(28, "No space left on device")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ClimannError, match="cannot write Zarr store .*store.zarr: No space left on device"):
        with atomic_directory(target, what="Zarr store") as temporary:
            (temporary / "values").write_text("new")
    assert os.listdir(tmp_path) == ["store.zarr"] and (target / "values").read_text() == "earlier"
