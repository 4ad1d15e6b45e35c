"""Ensemble members: which member a run was trained on is not a level its new data must match.

A climate model's ensemble holds several *members* (realizations) of one simulation: the same
quantity on the same grid, from other initial conditions. The CF standard name table names
their axis ``standard_name = "realization"``; CMIP files keep one member per
file with a scalar ``realization`` coordinate, CMIP6 ensembles a ``member_id`` dimension, ECMWF's
ensembles (cfgrib) a ``number`` dimension. A run trained on one member (``[data] select =
{realization = 1}``, or a file of one member) applies to any other member, and to data without
members (observations, a reanalysis), as it applies to another scenario. A level (``plev``,
``height``) is another quantity, and stays compared.
"""

from __future__ import annotations

from collections.abc import Mapping

import xarray as xr

from climann.errors import ClimannError

__all__ = ["MEMBER_NAMES", "is_member_axis", "member_values", "new_data_selection", "says_ensemble",
           "with_member_labels_as_coordinates"]

#: The CF standard name of an ensemble member axis (CF standard name table).
MEMBER_STANDARD_NAME = "realization"

#: Names of ensemble member axes without the standard name: CF's, CMIP6's, cfgrib's (ECMWF).
MEMBER_NAMES = ("realization", "member", "member_id", "ensemble_member", "number")


def is_member_axis(dataset: xr.Dataset, name: str) -> bool:
    """Whether ``name`` is an ensemble member axis of ``dataset``: its coordinate has the CF
    ``standard_name = "realization"``, or (no such attribute, or no coordinate at all: data
    without members) its name is one of :data:`MEMBER_NAMES`."""
    # its variable's attributes, no DataArray made: asked of each dimension by many checks of each file
    attrs = dataset.variables[name].attrs if name in dataset.variables else {}
    if "standard_name" in attrs:
        return attrs["standard_name"] == MEMBER_STANDARD_NAME
    return name in MEMBER_NAMES


def with_member_labels_as_coordinates(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with each 0-D data variable whose ``standard_name`` is ``realization`` made a
    coordinate: a member label that no ``coordinates`` attribute names (HadCRUT5's member files
    rewritten by a tool that drops the attribute, break23a F6) is still the file's member, a
    CF scalar coordinate (CF 1.8 §5.7), never a field of its own.

    Examples
    --------
    >>> member = xr.Dataset({"tas": ("time", [1.0]), "realization": ((), 2, {"standard_name": "realization"})})
    >>> list(with_member_labels_as_coordinates(member).data_vars)
    ['tas']
    """
    names = [name for name, variable in dataset.data_vars.items()
             if variable.ndim == 0 and variable.attrs.get("standard_name") == MEMBER_STANDARD_NAME]
    return dataset.set_coords(names) if names else dataset


#: ecCodes' ``dataType`` of the fields of an ensemble: its control and perturbed forecasts
#: (ECMWF's GRIB keys, written by cfgrib as the ``GRIB_dataType`` attribute).
ENSEMBLE_DATA_TYPES = ("cf", "pf")

#: ecCodes keys (cfgrib's ``GRIB_`` attributes) that only fields of an ensemble carry.
ENSEMBLE_GRIB_KEYS = ("GRIB_totalNumber", "GRIB_numberOfForecastsInEnsemble", "GRIB_perturbationNumber")


def member_values(dataset: xr.Dataset) -> dict[str, list]:
    """The ensemble members ``dataset`` holds: member axis name → its values (a scalar
    coordinate's one value, or a dimension's coordinate values).

    cfgrib writes ecCodes' ``number`` (the perturbation number, with ``standard_name =
    "realization"``) as a scalar coordinate of every file, ``number = 0`` on a deterministic
    one: the new CDS's ERA5 files all have it. A scalar ``number`` of 0 is a member only when
    the file says it is from an ensemble (:func:`says_ensemble`: ``GRIB_dataType`` ``cf`` or
    ``pf``, or a GRIB key only ensembles have); else ERA5 itself was called "ensemble member
    number=0" (break28a A4). A non-zero ``number`` is a perturbed member (ECMWF numbers the
    control forecast 0)."""
    found = {}
    for name in dict.fromkeys([*dataset.coords, *dataset.dims]):
        if _deterministic_number(dataset, str(name)):
            continue
        if is_member_axis(dataset, str(name)):
            values = dataset[name].values.reshape(-1) if name in dataset.variables else range(dataset.sizes[name])
            found[str(name)] = [value.item() if hasattr(value, "item") else value for value in values]
    return found


def says_ensemble(dataset: xr.Dataset) -> bool:
    """Whether ``dataset``'s GRIB attributes (cfgrib's ``GRIB_*``, on the file or on a variable)
    say its fields are from an ensemble: ``GRIB_dataType`` ``cf`` (control forecast) or ``pf``
    (perturbed forecast), or a key of :data:`ENSEMBLE_GRIB_KEYS` (ecCodes' local ensemble
    definitions)."""
    for attrs in (dataset.attrs, *(variable.attrs for variable in dataset.variables.values())):
        if str(attrs.get("GRIB_dataType", "")).strip() in ENSEMBLE_DATA_TYPES:
            return True
        if any(key in attrs for key in ENSEMBLE_GRIB_KEYS):
            return True
    return False


#: The key of a member coordinate's ``encoding`` holding ``(n_members, by_run)`` when ``select``
#: took one of the new data's several members (:func:`with_chosen_members`): a scalar ``number = 0``
#: chosen so is a member, not a deterministic file's (:func:`_deterministic_number`).
MEMBER_CHOSEN_KEY = "climann_member_chosen"


def chosen_members(dataset: xr.Dataset, selection: Mapping[str, object],
                   given: Mapping[str, object] | None = None) -> dict[str, tuple[int, bool]]:
    """The member axes of ``dataset`` (several members on a dimension) that ``selection``
    (:func:`new_data_selection`) takes one of: axis → (how many members the data hold, whether
    the run's own member was taken because ``given`` (``--select``) chose none)."""
    given = given or {}
    return {str(dim): (int(dataset.sizes[dim]), dim not in given) for dim in selection
            if dim in dataset.dims and dataset.sizes[dim] > 1 and is_member_axis(dataset, str(dim))}


def with_chosen_members(dataset: xr.Dataset, members: Mapping[str, tuple[int, bool]]) -> xr.Dataset:
    """``dataset`` with each member coordinate of ``members`` (:func:`chosen_members`) marked as
    one chosen among several (:data:`MEMBER_CHOSEN_KEY`); unchanged without any."""
    for dim, chosen in members.items():
        if dim in dataset.coords:
            variable = dataset[dim].variable
            dataset = dataset.assign_coords({dim: xr.Variable(variable.dims, variable.values, variable.attrs,
                                                              {**variable.encoding, MEMBER_CHOSEN_KEY: chosen})})
    return dataset


def _deterministic_number(dataset: xr.Dataset, name: str) -> bool:
    """Whether ``name`` is cfgrib's scalar ``number`` coordinate of a deterministic file: 0, and
    nothing in the file saying an ensemble (:func:`says_ensemble`), nor ``select`` having taken it
    among several members (:data:`MEMBER_CHOSEN_KEY`)."""
    if name != "number" or name not in dataset.coords or dataset[name].ndim != 0:
        return False
    if MEMBER_CHOSEN_KEY in dataset[name].encoding:
        return False
    value = dataset[name].values
    return bool(value == 0) and not says_ensemble(dataset)


def new_data_selection(
    dataset: xr.Dataset, trained: Mapping[str, object], chosen: Mapping[str, object] | None = None, *,
    where: str = "these data",
) -> dict[str, object]:
    """The ``select`` to apply to new data (``predict``, ``evaluate --data``) of a run trained
    with the selection ``trained`` (``[data] select``), the user choosing ``chosen``
    (``--select``).

    A member axis the run selected (:func:`is_member_axis`) is left out: the new data are any
    member, or none; ``chosen`` picks one of several. Any other dimension the run selected (a
    level, a station) keeps the run's value, to be compared with the new data's; ``chosen`` may
    give that value again (:func:`_same_value`: ``--select reservoir=USACE_0457`` of a run
    trained on it), not another. ``chosen`` adds one value
    of a dimension the run did not select (a member of an ensemble file, for a run trained on
    one member's file). Several members left unchosen are the run's own member when the data
    hold it (a run trained on ``number=1`` of S2S files predicts ``number=1`` of new ones, said
    in predict's note); else refused: the model predicts one member at a time, and which one is the
    user's choice.

    Parameters
    ----------
    dataset : xarray.Dataset
        The new data, opened.
    trained, chosen : mapping of dimension name to value
    where : str
        The new data's files, for the messages.

    Returns
    -------
    dict
        Dimension name → value, for :func:`climann.data.subset.select_values`.

    Raises
    ------
    ClimannError
        If ``chosen`` gives another value of a dimension the run selected that is not a member
        axis (the model is fixed to its training level), or the data hold several members,
        ``chosen`` picks none and none is the run's.
    """
    chosen = dict(chosen or {})
    stations = _trained_stations(trained)
    fixed = [dim for dim in chosen if dim in trained and not is_member_axis(dataset, dim) and dim not in stations]
    # the run's own value given again is no other choice: taken (break40a A6: refused, "leave out --select")
    chosen = {dim: value for dim, value in chosen.items() if dim not in fixed or not _same_value(value, trained[dim])}
    fixed = [dim for dim in fixed if dim in chosen]
    if fixed:
        dim = fixed[0]
        # a station chosen as the files were opened (climann.data.stations): a run trained before its station was
        # recorded by its id (break47c A2) cannot tell it from a level
        station = (f"; if {dim} lists stations, the run was trained before a station chosen by its id was recorded "
                   f"as one: train it again to apply it at another station"
                   if dim in dataset.coords and dataset[dim].ndim == 0 and dim not in dataset.dims else "")
        raise ClimannError(f"the run was trained at {dim}={_shown(trained[dim])} ([data] select) and applies to data "
                           f"at that {dim} only: predict and evaluate select {dim}={_shown(trained[dim])} themselves; "
                           f"leave out --select {dim}={chosen[dim]} (or give the run's {dim}={_shown(trained[dim])})"
                           f"{station}")
    for dim in dataset.dims:
        if dim not in chosen and is_member_axis(dataset, str(dim)) and dataset.sizes[dim] > 1:
            values = member_values(dataset)[str(dim)]
            if dim in trained and any(_same_value(value, trained[dim]) for value in values):
                # the run's own member is among them: predicted, as a level the run selected is (break41c C3)
                chosen[str(dim)] = trained[dim]  # named in predict's note of the member predicted
                continue
            shown = ", ".join(map(str, values[:6])) + (", …" if len(values) > 6 else "")
            trained_on = f" (the run was trained on {dim}={_shown(trained[dim])})" if dim in trained else ""
            raise ClimannError(f"{where} hold{'s' if ', ' not in where else ''} {len(values)} ensemble members "
                               f"({dim}: {shown}){trained_on}; the model predicts one at a time: choose it with "
                               f"--select {dim}=VALUE, once per member")
    kept = {dim: value for dim, value in trained.items() if not is_member_axis(dataset, dim)
            and not (dim in stations and (dim in chosen or _elsewhere(dataset, dim, value, where)))}
    return {**kept, **chosen}


def _trained_stations(trained: Mapping[str, object]) -> set[str]:
    """The dimensions of ``trained`` that chose a station by the name the run recorded
    (:class:`~climann.data.stations.TrainedStation`): new data may be another station's."""
    from climann.data.stations import TrainedStation

    return {dim for dim, value in trained.items() if isinstance(value, TrainedStation)}


def _elsewhere(dataset: xr.Dataset, dim: str, station: object, where: str) -> bool:
    """Whether the new data were not cut to the run's ``station`` of ``dim`` as they were opened:
    another station, the one of a file cut to it (``ncks -d site,1``; said as it was opened), or
    no station dimension at all (a single place's file). A run of a station is applied to another
    place as a run of a single place's file is (break45a A4), which the check of the new data's
    place says (:mod:`climann.workflow.new_data`)."""
    if dim in dataset.dims:
        return False
    return dim not in dataset.coords or not _same_value(dataset[dim].values.item(), station)


def _same_value(given: object, trained: object) -> bool:
    """Whether ``--select``'s value is the run's ``[data] select`` value: equal numbers (``850`` and
    ``850.0``), or the same text (a station's name)."""
    numbers = all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in (given, trained))
    return float(given) == float(trained) if numbers else str(given).strip() == str(trained).strip()


def _shown(value: object) -> str:
    """``1.0`` → ``"1"`` (a member number read from the configuration as a float)."""
    return f"{value:g}" if isinstance(value, float) else str(value)
