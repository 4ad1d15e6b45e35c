"""The member ``--select`` takes from an ensemble file, beside the member of another variable's file.

An ensemble saved on a member axis (Pangeo and intake-esm's ``member_id``, ``ncecat -u member``'s
record dimension, a ``realization`` or ``ensemble`` coordinate) is trained one member at a time:
``--select member_id=r4i1p1f1``. Another variable in a file of one member (a CMIP6 download:
``sos_Omon_EC-Earth3_historical_r1i1p1f1_gn_199001-199912.nc``) is that member's, whatever was
selected: the r4 target was paired step by step with r1's predictor without a word (break57d A2).
:mod:`climann.data.paired_simulations` compares files by their global attributes, and an ensemble
file's (``variant_label``, kept by ``xr.concat`` from its first member) names no member of it.

Here each file's member is what the selection takes from its member axis, or what a file of one
member says it is: a member coordinate of one value, its global ``variant_label`` or ``member_id``
(CMIP6: Taylor et al., "CMIP6 Global Attributes, DRS, Filenames, Directory Structure, and CV's"),
else its CMIP6 or CMIP5 file name's ``rNiNpNfN``. A selected member of another label than the target's
(or the target's selected member beside a predictor of another) is refused naming both; so is a
selected member that names no label to compare (an index of ``ncecat``'s ``member`` dimension, a
number beside a variant label): which member it is cannot be told.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import NamedTuple

import xarray as xr

from climann.data.members import member_values
from climann.data.simulations import member_labels
from climann.errors import ClimannError

__all__ = ["check_selected_members"]

#: A CMIP variant label (CMIP6 ``r1i1p1f1``, CMIP5 ``r1i1p1``), found in a member_id (``s1960-r1i1p1f1``) too.
_VARIANT = re.compile(r"r\d+i\d+p\d+(?:f\d+)?")

#: The member of a CMIP6 or CMIP5 file name (DRS): variable_table_model_experiment_member[_grid][_dates].nc
_NAMED_MEMBER = re.compile(r"^[^_]+_[^_]+_[^_]+_[^_]+_(?P<member>(?:s\d+-)?r\d+i\d+p\d+(?:f\d+)?)(?:_|\.)")


class _Member(NamedTuple):
    """The member of one file: its label (None: not told), how it was found, and whether --select chose it."""

    label: str | None
    said: str
    axis: str | None  # the member axis --select chose it on; None: a file of one member
    among: tuple[str, ...] = ()  # the labels of that axis


def _text(value: object) -> str:
    """A member value as text, a number as the same text whether stored as integer or float."""
    if hasattr(value, "item"):
        value = value.item()
    return format(value, "g") if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _selected(dataset: xr.Dataset, axis: str, values: list, chosen: object) -> _Member | None:
    """The member ``--select {axis}={chosen}`` takes from a file of several; None if no value is it
    (the selection refuses it later, naming the values)."""
    wanted = _text(chosen).strip()
    if axis not in dataset.variables:  # ncecat's record dimension: its values are indices, no labels
        index = next((index for index in range(len(values)) if str(index) == wanted), None)
        return None if index is None else _Member(None, f"{axis}={wanted} selected, an index without a label", axis)
    found = next((value for value in values if _text(value).strip() == wanted), None)
    among = tuple(_text(value).strip() for value in values)
    return None if found is None else _Member(_text(found).strip(), f"{axis}={wanted} selected", axis, among)


def _member_of(dataset: xr.Dataset, path: Path, select: Mapping[str, object]) -> _Member | None:
    """The member the run takes from one file (:class:`_Member`), or None (several members not
    selected, or a file that names none)."""
    for axis, values in member_values(dataset).items():
        if len(values) > 1:
            return _selected(dataset, axis, values, select[axis]) if axis in select else None
    for axis, label in member_labels(dataset).items():
        return _Member(label, f"member coordinate {axis} {label}", None)
    for attribute in ("variant_label", "member_id"):
        if label := str(dataset.attrs.get(attribute, "")).strip():
            return _Member(label, f"global attribute {attribute} {label}", None)
    named = _NAMED_MEMBER.match(path.name)
    return _Member(named["member"], f"its file name's {named['member']}", None) if named else None


def _same(one: str, other: str) -> bool | None:
    """Whether two member labels are one member; None when they cannot be compared (a number beside a
    variant label)."""
    variants = [_VARIANT.search(label) for label in (one, other)]
    if all(variants):
        return variants[0][0] == variants[1][0]
    return one == other if not any(variants) else None


def _series(dataset: xr.Dataset, variables: Collection[str] | None) -> list[str]:
    """The file's data variables along a time axis that the run uses."""
    from climann.data.coords import time_coordinate

    time = time_coordinate(dataset)
    if time is None:
        return []
    dims = set(dataset[time].dims)
    return [str(name) for name, variable in dataset.data_vars.items()
            if dims and dims <= set(variable.dims) and (variables is None or name in variables)]


def _refusal(target: str, target_path: Path, own: _Member, held: list[str], path: Path, other: _Member,
             select: Mapping[str, object]) -> ClimannError:
    """One line: both variables, files and members (or the member that cannot be told) and the way out."""
    shown = ", ".join(f"'{name}'" for name in held)
    told = f"the target '{target}' in {target_path.name} ({own.said}) and {shown} in {path.name} ({other.said})"
    chosen = " ".join(f"--select {axis}={value}" for axis, value in select.items() if axis in (own.axis, other.axis))
    if own.label is None or other.label is None or _same(own.label, other.label) is None:
        return ClimannError(
            f"which ensemble members {told} are cannot be told apart, so each time step may pair the target with "
            f"another member's weather: give files that name their member (a member coordinate of labels, or the "
            f"CMIP6 global attribute variant_label), or --data files of one member only, without {chosen}")
    files_of = f"the file of {shown} of {own.label} in place of {path.name}"
    selected = own if own.axis is not None else other
    held_there = next((label for label in selected.among if _same(label, (other if selected is own else own).label)),
                      None)
    # the other file's member, when the ensemble file holds it: one --select pairs the two
    switch = f"--select {selected.axis}={held_there} in place of {chosen}, or give " if held_there else "give "
    way = f"{switch}{files_of}" if own.axis is None or other.axis is None else f"give {files_of}"
    return ClimannError(
        f"{told} are of different ensemble members ({chosen}): each time step would pair the target of one member "
        f"with the weather of another; {way}, or leave {path.name} out of --data")


def check_selected_members(datasets: Mapping[Path, xr.Dataset], target: str | None,
                           variables: Collection[str] | None, select: Mapping[str, object] | None) -> None:
    """Refuse a member selected from an ensemble file beside another member's file (see the module).

    Parameters
    ----------
    datasets : mapping of Path to xarray.Dataset
        The run's files, opened lazily before the selection; their member axes, global attributes
        and names are read.
    target : str or None
        The target's name; None (``info`` of files): nothing is compared.
    variables : collection of str, optional
        The predictors the run uses; None: every variable of the files.
    select : mapping of dimension name to value, optional
        The run's selection (``[data] select``).

    Raises
    ------
    ClimannError
        When the target's member and a predictor's series' member differ (one of them selected from a
        member axis), or one of them is selected and the two cannot be compared.
    """
    if target is None or not select:
        return
    members = {path: _member_of(dataset, path, select) for path, dataset in datasets.items()}
    holders = [path for path, dataset in datasets.items() if target in _series(dataset, None)]
    for target_path in holders:
        own = members[target_path]
        for path, dataset in datasets.items():
            other = members[path]
            held = [name for name in _series(dataset, variables) if name != target]
            if path == target_path or own is None or other is None or not held or (own.axis is None
                                                                                        and other.axis is None):
                continue
            if own.label is None or other.label is None or not _same(own.label, other.label):
                raise _refusal(target, target_path, own, held, path, other, select)
