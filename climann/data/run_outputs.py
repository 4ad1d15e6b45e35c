"""climann's own outputs found in data: the variables of a predictions file.

A run's ``predictions.nc`` (and ``climann predict``'s output) holds the target ``T`` as it
was read and, beside it, what climann computed from it: ``T_pred``, ``T_error`` (prediction
minus truth), the baselines ``T_climatology``, ``T_linear``, ``T_persistence``, an
ensemble's ``T_spread``, the ``T_extrapolated`` flags and the ``split`` of each time step.
They are not data to learn ``T`` from: ``T_error + T`` is the prediction and ``T_pred −
T_error`` the target itself, so as predictors of ``T`` they leak it. Such a file is known by
its global ``title`` (``"climann predictions of T"``, written since climann's first version,
:func:`climann.evaluation.predictions.predictions_dataset`), or, where a tool dropped the
global attributes, by a ``T_pred`` whose ``long_name`` ends in :data:`PREDICTED_SUFFIX`.

A run directory itself (``config.toml`` beside climann's ``model.npz``, known by content:
:mod:`climann.run_files`) is no data either: its ``predictions.nc`` is such a file, and the
data it was trained on are named in its config (:func:`refuse_run_directory`). Another
program's folder of those names is not taken for one.
"""

from __future__ import annotations

import tomllib
import shlex
from collections.abc import Mapping
from pathlib import Path

import xarray as xr

from climann.errors import ClimannError
from climann.run_files import is_finished_run

__all__ = ["ERROR_SUFFIX", "OUTPUT_SUFFIXES", "PREDICTED_SUFFIX", "PREDICTIONS_TITLE", "SPREAD_WORDS",
           "is_own_difference", "predicted_targets", "refuse_run_directory", "run_outputs"]

#: The start of a predictions file's global ``title``; the target's name follows.
PREDICTIONS_TITLE = "climann predictions of "
#: The end of the prediction's long_name ("Near-Surface Air Temperature predicted by climann").
PREDICTED_SUFFIX = " predicted by climann"
#: The end of the error's long_name ("Near-Surface Air Temperature prediction error (prediction minus truth)").
ERROR_SUFFIX = " prediction error (prediction minus truth)"
#: What an ensemble's spread's long_name holds ("… ensemble spread (standard deviation of the 5 members)").
SPREAD_WORDS = " ensemble spread (standard deviation of the "
#: The names climann gives its outputs beside the target ``T``: ``T`` + suffix.
OUTPUT_SUFFIXES = ("_pred", "_error", "_climatology", "_linear", "_persistence", "_spread", "_extrapolated")
#: The variable of the split of each time step.
SPLIT_VARIABLE = "split"
#: The files that make a directory a finished climann run (climann.workflow.predict.load_run).
RUN_FILES = ("config.toml", "model.npz")


def is_own_difference(name: str, attrs: Mapping) -> bool:
    """Whether a variable is a difference that climann wrote into a predictions file: ``T_error``
    (prediction minus truth) or an ensemble's ``T_spread`` (a standard deviation), known by
    its name and the exact ``long_name`` climann gives it
    (:func:`climann.evaluation.predictions.predictions_dataset`, since climann's first
    version). Files written before their ``units_metadata = "temperature: difference"``
    (CF-1.11 §3.1.2) say so only thus: their negative errors in K are no values below
    absolute zero.

    Parameters
    ----------
    name : str
        The variable's name.
    attrs : mapping
        Its attributes.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_own_difference("tas_error", {"long_name": "Air Temperature prediction error (prediction minus truth)"})
    True
    >>> is_own_difference("tas_error", {"long_name": "error of my analysis"})
    False
    """
    long_name = str(attrs.get("long_name", ""))
    return ((name.endswith("_error") and long_name.endswith(ERROR_SUFFIX))
            or (name.endswith("_spread") and SPREAD_WORDS in long_name and long_name.endswith(" members)")))


def predicted_targets(dataset: xr.Dataset) -> list[str]:
    """The targets whose climann predictions ``dataset`` holds (none for ordinary data).

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened data, lazy (only attributes are read).
    """
    title = str(dataset.attrs.get("title", ""))
    targets = [title[len(PREDICTIONS_TITLE):].strip()] if title.startswith(PREDICTIONS_TITLE) else []
    for name in dataset.data_vars:
        labelled = str(dataset[name].attrs.get("long_name", "")).endswith(PREDICTED_SUFFIX)
        if str(name).endswith("_pred") and labelled and str(name)[:-len("_pred")] not in targets:
            targets.append(str(name)[:-len("_pred")])
    return [target for target in targets if target]


def run_outputs(dataset: xr.Dataset) -> dict[str, str]:
    """climann's outputs in ``dataset``: each output variable → the target it was computed from.

    Returns
    -------
    dict of str to str
        ``{"tas_pred": "tas", "tas_error": "tas", ..., "split": "tas"}``; empty for data that are
        not a predictions file.
    """
    outputs = {}
    for target in predicted_targets(dataset):
        outputs |= {f"{target}{suffix}": target for suffix in OUTPUT_SUFFIXES if f"{target}{suffix}" in dataset}
        if SPLIT_VARIABLE in dataset and "flag_meanings" in dataset[SPLIT_VARIABLE].attrs:
            outputs[SPLIT_VARIABLE] = target
    return outputs


def refuse_run_directory(path: str | Path) -> None:
    """Refuse a climann run directory given as data, naming the data it was trained on.

    Parameters
    ----------
    path : str or Path
        A file, glob or directory given as data (only a directory, or a ``.npz`` file in
        one, is looked at).

    Raises
    ------
    ClimannError
        If ``path`` is a directory holding :data:`RUN_FILES` that climann wrote
        (:func:`climann.run_files.is_finished_run`), or a ``.npz`` file in one
        (``model.npz``, which ``info`` would take for a zip archive): the message names its config's
        ``[data] paths`` (and ``split_files``), ``climann evaluate`` and ``climann predict``.
    """
    given = folder = Path(path)
    if folder.is_file() and folder.suffix == ".npz":  # model.npz, checkpoint.npz: a run's own files
        folder = folder.parent
    if not (folder.is_dir() and is_finished_run(folder)):
        return
    what = f"{folder} is a climann run directory" if given == folder else \
        f"{given.name} is a file of the climann run directory {folder}"
    try:
        data = tomllib.loads((folder / RUN_FILES[0]).read_text()).get("data", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    files = [*data.get("paths", []), *(f for block in data.get("split_files", {}).values() for f in block)]
    trained_on = ", ".join(dict.fromkeys(map(str, files))) or "files its config.toml does not name"
    shown = shlex.quote(str(folder))
    raise ClimannError(
        f"{what} ({', '.join(RUN_FILES)}), not data: it was trained on {trained_on} "
        f"(its config.toml's [data] paths): give those files to `climann info`, or use the run: climann evaluate "
        f"{shown}, or climann predict {shown} with --data and the files to predict from, --out and a new file for the "
        "predictions")
