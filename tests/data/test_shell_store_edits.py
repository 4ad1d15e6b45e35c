"""A Zarr store's attribute line (climann.data.shell.attribute_command) edits the store in place, a store
climann did not create: the message says so, names each attribute changed with its value before, and gives the
line that puts those back; run after the edit, that line leaves every attribute as it was (fix53a)."""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
import xarray as xr

from climann.data.notes import with_store_notes
from climann.data.shell import attribute_command, input_and_copy, ncatted_attribute
from tests.conftest import run_store_edit
from tests.console import run_main

#: The words after the line, and the line that puts the attributes back, in backticks.
_UNDO = re.compile(r"\(this line changes the store's own attributes in place \(no copy: a store's may be as large "
                   r"as its data\): (?P<named>.*?); the line that puts them back: `(?P<undo>\S*python -c [^`]+)`\)")


def _attributes(store) -> dict:
    """Every array's attributes and the group's, as zarr reads them from the arrays' own metadata."""
    import zarr

    group = zarr.open_group(str(store), mode="r", use_consolidated=False)
    return {None: dict(group.attrs), **{str(name): dict(array.attrs) for name, array in group.arrays()}}


def _store(store, zarr_format: int, monkeypatch) -> None:
    time = xr.Variable("time", np.arange(4.0), {"units": "days since 2000-01-01"})
    dataset = xr.Dataset({"tas": (("time", "lat"), np.ones((4, 2), "f4"), {"units": "degC", "bounds": "x"})},
                         coords={"time": time, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"})},
                         attrs={"title": "a run", "history": "made so"})
    with monkeypatch.context() as patched:  # xarray's to_zarr in the format under test
        patched.setattr(xr.Dataset, "to_zarr", functools.partialmethod(xr.Dataset.to_zarr, zarr_format=zarr_format))
        dataset.to_zarr(store)


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_a_stores_edit_says_what_it_changes_and_its_undo_puts_every_attribute_back(tmp_path, monkeypatch,
                                                                                    zarr_format):
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "run.zarr"
    _store(store, zarr_format, monkeypatch)
    original = _attributes(store)
    edits = [ncatted_attribute("units", "tas", "o", "c", "K"), ncatted_attribute("calendar", "time", "o", "c", "noleap"),
             ncatted_attribute("bounds", "", "d"), ncatted_attribute("title", "global", "o", "c", "another"),
             ncatted_attribute("_FillValue", "tas", "o", "f", "-999")]
    line = attribute_command(edits, input_and_copy(store))
    message = with_store_notes(f"set them: `{line}`, then train again")
    assert with_store_notes(message) == message  # said once, however often the message is shown
    told = _UNDO.search(message)
    assert told is not None and message.startswith(f"set them: `{line}` (this line"), message
    assert message.endswith("`), then train again")
    # each attribute changed, with its value before (None: the group's; as written above)
    assert told["named"] == ("units of 'tas' ('degC' before), calendar of 'time' (none before), bounds of 'lat' "
                             "(none before), bounds of 'tas' ('x' before), bounds of 'time' (none before), the store's "
                             "title ('a run' before) and 1 more")
    run_store_edit(line, tmp_path)
    edited = _attributes(store)
    assert edited["tas"]["units"] == "K" and edited["time"]["calendar"] == "noleap" and edited[None]["title"] == "another"
    assert "bounds" not in edited["tas"] and edited["tas"]["missing_value"] == -999.0
    run_store_edit(told["undo"], tmp_path)
    assert _attributes(store) == original  # attribute for attribute, every array's and the group's
    with xr.open_zarr(store) as reopened:  # and the consolidated metadata, which xarray reads, agree
        assert reopened["tas"].attrs == {"units": "degC", "bounds": "x"} and reopened.attrs == original[None]


def test_the_cli_shows_a_stores_edit_with_its_undo_and_both_run_as_printed(tmp_path, monkeypatch, capfd):
    """A store whose time says calendar 'none' is refused with the calendar to set: `climann info` shows the
    edit with the words and the line that puts 'none' back; run in turn, the store is as it was."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    time = xr.Variable("time", np.arange(12.0) * 30, {"units": "days since 2000-01-01", "calendar": "none"})
    xr.Dataset({"tas": (("time", "lat", "lon"), np.ones((12, 2, 3), "f4"), {"units": "K"})},
               coords={"time": time, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_zarr(tmp_path / "data.zarr")
    original = _attributes(tmp_path / "data.zarr")
    finished = run_main("info", "data.zarr", capfd=capfd, monkeypatch=monkeypatch)
    assert finished.returncode == 2
    (error,) = [line for line in finished.stderr.splitlines() if line.startswith("climann: error:")]
    edit = re.search(r"`(\S*python -c [^`]+)` \(this line changes the store's own attributes in place", error)
    told = _UNDO.search(error)
    assert edit is not None and told is not None, error
    assert told["named"] == "calendar of 'time' ('none' before)"
    run_store_edit(edit[1], tmp_path)
    assert _attributes(tmp_path / "data.zarr")["time"]["calendar"] != "none"
    run_store_edit(told["undo"], tmp_path)
    assert _attributes(tmp_path / "data.zarr") == original


def _unreadable_store(path) -> None:
    """A Zarr store of three years of daily tas and a predictor whose units, 'fraction', cannot be read: a run
    warns with the zarr-python line that labels them '1' in the store itself."""
    rng = np.random.default_rng(5)
    shape = (3 * 365, 2, 3)
    xr.Dataset({"tas": (("time", "lat", "lon"), rng.normal(280, 3, shape).astype("f4"), {"units": "K"}),
                "tcc": (("time", "lat", "lon"), rng.uniform(0, 1, shape).astype("f4"), {"units": "fraction"})},
               coords={"time": ("time", np.arange(shape[0], dtype=float),
                                {"units": "days since 2000-01-01", "calendar": "noleap"}),
                       "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_zarr(path)


def test_a_stores_edit_is_said_with_its_undo_in_train_log_and_to_a_python_callers_log(tmp_path, monkeypatch, caplog):
    """fix54b: the words on a store's edit in place, with the line that undoes it, were added on the terminal
    only; train.log and the log records a Python caller reads gave the line without them. Both now say them, and
    the undo line read from train.log, run after the edit, leaves the store as it was. (report.md records no data
    warnings: nothing to say there.)"""
    import logging

    from typer.testing import CliRunner

    from climann.cli import app
    from climann.data.notes import forget_notes
    from tests.conftest import draw_no_run_figures

    pytest.importorskip("zarr")
    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    _unreadable_store(tmp_path / "obs.zarr")
    original = _attributes(tmp_path / "obs.zarr")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = CliRunner().invoke(app, ["train", "--data", "obs.zarr", "--target", "tas", "--predictors", "tcc",
                                          "--epochs", "1", "--hidden", "2", "--out", "run"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (record,) = [record.getMessage() for record in caplog.records if "readable units" in record.getMessage()]
    logged = [line for line in (tmp_path / "run" / "train.log").read_text().splitlines() if "readable units" in line]
    assert len(logged) == 1
    for said in (record, logged[0]):
        edit = re.search(r"(\S*python -c (?:'[^']+'|\"[^\"]+\")) \(this line changes the store's own attributes "
                         r"in place",
                         said)
        told = _UNDO.search(said)
        assert edit is not None and told is not None, said
        assert told["named"] == "units of 'tcc' ('fraction' before)"
    assert "zarr.open_group" not in (tmp_path / "run" / "report.md").read_text()  # it records no data warning
    run_store_edit(edit[1], tmp_path)
    assert _attributes(tmp_path / "obs.zarr")["tcc"]["units"] == "1"
    run_store_edit(told["undo"], tmp_path)
    assert _attributes(tmp_path / "obs.zarr") == original


def test_a_refusal_says_a_stores_edit_with_its_undo_to_a_python_caller(tmp_path, monkeypatch):
    """fix54b: str(ClimannError) gave the store's edit without the words on it and its undo line, which only the
    command line added; a Python caller now reads them in the error itself, as `climann info` shows them."""
    from climann.data.open import open_dataset
    from climann.errors import ClimannError

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    time = xr.Variable("time", np.arange(12.0) * 30, {"units": "days since 2000-01-01", "calendar": "none"})
    xr.Dataset({"tas": (("time", "lat", "lon"), np.ones((12, 2, 3), "f4"), {"units": "K"})},
               coords={"time": time, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_zarr(tmp_path / "data.zarr")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "data.zarr"])
    told = _UNDO.search(str(refused.value))
    assert told is not None, str(refused.value)
    assert told["named"] == "calendar of 'time' ('none' before)"
    assert str(refused.value) == with_store_notes(str(refused.value))  # once, however often shown
