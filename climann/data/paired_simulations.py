"""The target's simulation beside its predictors' and beside the fields that weigh its scores.

A network learns each time step's target from the predictors of that step: both must come from
one simulation, whose weather they share. A folder that holds CMIP6 ``mrso`` of member
``r1i1p1f1`` beside ``pr``, ``tas`` and ``rsds`` of member ``r2i1p1f1`` (a mis-sorted download)
pairs each month's soil moisture with another simulation's weather: trained so, the network was
told its predictors carry no information (break52c A3: test skill 0.04 against 0.97 with the
target's own member). :mod:`climann.data.simulations` refuses two simulations of one variable;
this module compares the target's files with every other file of the run, on the global
attributes that name the simulation (CMIP6 ``source_id``, ``variant_label``, ``member_id``,
``experiment_id``, ``grid_label``: Taylor et al., "CMIP6 Global Attributes, DRS, Filenames,
Directory Structure, and CV's"; CMIP5 ``model_id``, ``realization``, ``initialization_method``,
``physics_version``; CORDEX ``driving_model_id``, ``driving_model_ensemble_member``,
``rcm_version_id`` and CORDEX-CMIP6's ``driving_source_id``, ``driving_variant_label``,
``version_realization``; ISIMIP's impact model outputs' ``climate_forcing`` and
``climate_scenario``), and, where a file has none of them, on its CMIP6 or CMIP5 file name
(``mrso_Lmon_CanESM5_historical_r1i1p1f1_gn_199501-200412.nc``: the DRS, a fallback only).

What is refused, in one line naming both values, both files and the way out:

- a predictor's series of another model or another ensemble member than the target's (an
  attribute of :data:`MODEL_ATTRIBUTES` whose values differ, or one of :data:`MEMBER_ATTRIBUTES`
  whose values differ and that no continuing run names as its parent's: ``parent_variant_label``);
- a predictor's series of an impact model driven by another climate forcing or scenario than the
  target's (ISIMIP ``climate_forcing``, ``climate_scenario``: discharge of CWatM driven by
  ``gfdl-esm4`` beside runoff driven by ``ukesm1-0-ll``);
- a predictor's series of another experiment over the same years (``ssp245`` beside ``ssp585``,
  ``amip`` beside ``historical``): experiments that continue each other (``ssp585`` whose
  ``parent_experiment_id`` is ``historical``, or files of different years) are one series;
- a time-independent field (``sftlf``, ``areacella``, ``orog``) of another model or grid label than
  the target's: it would weigh the scores (break52c A7: MIROC6's land fraction beside CanESM5's
  ``mrso`` gave every land cell south of the equator weight 0, test climatology MSE 21579.8
  instead of 20712.6). Its member and experiment are not compared: CMIP6 publishes ``fx`` fields
  for one member and one experiment of each model (``r1i1p1f1``, ``historical`` or ``piControl``).

What is warned of: a model's target beside observations or a reanalysis (``activity_id`` or
``project_id`` obs4MIPs / ana4MIPs, ``product`` observations or reanalysis), or the reverse. A
free-running simulation does not share the observed weather, but a run driven by observations
does (``amip``, a CORDEX evaluation run driven by ERA-Interim, a hindcast), and the files do not
say which: the warning names both. Warned of too: a target that names no simulation at all (ERA5 from
the CDS: ``Conventions`` and ``history`` alone) beside a model's predictors, whose model and member the
warning names: climann cannot tell whether the target is that simulation's output (saved without its
attributes) or observations. What passes without a word: a target that names no simulation beside
predictors that name none either or are observations (a reanalysis from its own archive, a user's own
files), predictors that name none beside a model's target, forcing data (``input4MIPs``), and files
whose values agree.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import NamedTuple

import xarray as xr

from climann.data.coords import time_coordinate
from climann.data.members import member_values
from climann.data.notes import note_once
from climann.data.simulations import member_labels, years_spanned
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

__all__ = ["MEMBER_ATTRIBUTES", "MODEL_ATTRIBUTES", "check_paired_simulations", "simulation_names"]

_log = logging.getLogger("climann")

#: Global attributes naming the model (the model of a regional run, and its driving model). Unlike a
#: member or an experiment, a model is never continued by another: CMIP6's ``parent_source_id`` names
#: the model itself (the attribute kept by an edited copy, ``ncatted -a source_id``, links nothing).
MODEL_ATTRIBUTES = ("source_id", "model_id", "driving_source_id", "driving_model_id", "rcm_version_id",
                    "version_realization")

#: Global attributes naming the ensemble member (of the model, and of a regional run's driving model).
MEMBER_ATTRIBUTES: dict[str, str | None] = {
    "variant_label": "parent_variant_label", "member_id": None, "realization": None,
    "initialization_method": None, "physics_version": None, "driving_model_ensemble_member": None,
    "driving_variant_label": None,
}

#: Projects of observations and reanalyses (obs4MIPs, ana4MIPs) and of forcing data (input4MIPs).
OBSERVATION_PROJECTS = ("obs4mips", "ana4mips")
FORCING_PROJECTS = ("input4mips",)
OBSERVATION_PRODUCTS = ("observations", "reanalysis", "reanalyses")

#: CMIP6 and CMIP5 file names (DRS): variable_table_model_experiment_member[_grid][_dates].nc
_CMIP6_NAME = re.compile(r"^[^_]+_[^_]+_(?P<source_id>[^_]+)_(?P<experiment_id>[^_]+)_"
                         r"(?P<variant_label>(?:s\d+-)?r\d+i\d+p\d+f\d+)_(?P<grid_label>g[a-z0-9]+)(?:_|\.)")
_CMIP5_NAME = re.compile(r"^[^_]+_[^_]+_(?P<model_id>[^_]+)_(?P<experiment_id>[^_]+)_"
                         r"(?P<variant_label>r\d+i\d+p\d+)(?:_|\.)")

#: ISIMIP's global attributes naming the weather an impact model was driven by (ISIMIP3 protocol:
#: ``climate_forcing = "gswp3-w5e5"``, ``climate_scenario = "obsclim"``) → what two values say.
FORCING_ATTRIBUTES = {"climate_forcing": "another climate forcing", "climate_scenario": "another climate scenario"}

_NAMING = (*MODEL_ATTRIBUTES, *MEMBER_ATTRIBUTES, *FORCING_ATTRIBUTES, "experiment_id", "grid_label")


def _text(dataset: xr.Dataset, name: str) -> str:
    return str(dataset.attrs.get(name, "")).strip()


def simulation_names(dataset: xr.Dataset, path: Path) -> dict[str, str]:
    """What names the simulation of a file: its global attributes of :data:`MODEL_ATTRIBUTES`,
    :data:`MEMBER_ATTRIBUTES`, ``experiment_id`` and ``grid_label`` and their parents' (the
    ``parent_*`` attributes of a continuing run), and its member coordinate of one value (a file
    with a member axis is told by it alone: a global ``variant_label`` is then its first
    member's); when it has none of them, what its CMIP6 (or CMIP5) DRS file name says.

    Examples
    --------
    >>> simulation_names(xr.Dataset(), Path("pr_Amon_CanESM5_historical_r2i1p1f1_gn_199501-201412.nc"))
    {'source_id': 'CanESM5', 'experiment_id': 'historical', 'variant_label': 'r2i1p1f1', 'grid_label': 'gn'}
    """
    names = {name: value for name in (*_NAMING, "parent_source_id", "parent_variant_label", "parent_experiment_id")
             if (value := _text(dataset, name))}
    if member_values(dataset):  # a file of members (Pangeo's member_id) is told by them, not its first's label
        names = {name: value for name, value in names.items() if name not in MEMBER_ATTRIBUTES}
    names |= {f"member coordinate {name}": value for name, value in member_labels(dataset).items()}
    if not any(name in names for name in _NAMING) and not any(name.startswith("member ") for name in names):
        found = _CMIP6_NAME.match(path.name) or _CMIP5_NAME.match(path.name)
        names |= found.groupdict() if found else {}
    return names


def _project(dataset: xr.Dataset) -> str:
    """"observations", "forcing" or "model" (a file that names no project: "model")."""
    projects = {_text(dataset, name).lower() for name in ("activity_id", "project_id", "project")}
    if projects & set(OBSERVATION_PROJECTS) or _text(dataset, "product").lower() in OBSERVATION_PRODUCTS:
        return "observations"
    return "forcing" if projects & set(FORCING_PROJECTS) else "model"


def _series(dataset: xr.Dataset) -> list[str]:
    """The file's variables along its time axis."""
    time = time_coordinate(dataset)
    if time is None:
        return []
    dims = set(dataset[time].dims)
    return [name for name in data_variable_names(dataset) if dims and dims <= set(dataset[name].dims)]


def _linked(one: Mapping[str, str], other: Mapping[str, str], name: str, parent: str | None) -> bool:
    """Whether two files' values of ``name`` are one run's: equal, or one file continues the
    other's run in another experiment and names the other's value as its parent's (a scenario's
    ``parent_variant_label`` its historical run's member). Two members of one experiment are never
    one run, whatever their parents (two ssp585 members branched from one historical member)."""
    if one[name] == other[name]:
        return True
    if parent is None:
        return False
    for child, run in ((one, other), (other, one)):
        same_experiment = "experiment_id" in child and child.get("experiment_id") == run.get("experiment_id")
        if child.get(parent) == run[name] and not same_experiment:
            return True
    return False


def _overlapping(datasets: Mapping[Path, xr.Dataset], one: Path, other: Path) -> bool:
    """Whether two files' years overlap (unknown years: taken as overlapping)."""
    first, second = years_spanned(datasets, [one]), years_spanned(datasets, [other])
    return first is None or second is None or (first[0] <= second[1] and second[0] <= first[1])


def _driving(target: Mapping[str, str], names: Mapping[str, str]) -> Mapping[str, str]:
    """The target's names as a file of its driving model's run would give them, when the file
    ``names`` is of that model (a regional model's target beside its driving model's fields: the
    predictors of an RCM emulator, Doury et al. 2023, Clim. Dyn.); else the target's own."""
    model = target.get("driving_source_id") or target.get("driving_model_id")
    own = names.get("source_id") or names.get("model_id")
    if not model or own != model or "driving_source_id" in names or "driving_model_id" in names:
        return target
    view = {"source_id": model, "model_id": model}
    if member := target.get("driving_variant_label") or target.get("driving_model_ensemble_member"):
        view["variant_label"] = member
    if experiment := (target.get("driving_experiment_id") or target.get("driving_experiment_name")
                      or target.get("driving_experiment")):
        view["experiment_id"] = experiment
    return view


def _differing(names: Mapping[str, str], target: Mapping[str, str], *, static: bool,
               overlapping: Callable[[], bool]) -> tuple[str, str] | None:
    """(what differs, attribute) between a file's names and the target file's, or None."""
    for name in MODEL_ATTRIBUTES:
        if name in names and name in target and names[name] != target[name]:
            return "another model", name
    if static:
        grid = "grid_label" in names and "grid_label" in target and names["grid_label"] != target["grid_label"]
        return ("another grid", "grid_label") if grid else None
    for name, kind in FORCING_ATTRIBUTES.items():
        if name in names and name in target and names[name] != target[name]:
            return kind, name
    members = {**MEMBER_ATTRIBUTES, **{key: None for key in names if key.startswith("member coordinate ")}}
    for name, parent in members.items():
        if name in names and name in target and not _linked(names, target, name, parent):
            return "another ensemble member", name
    if ("experiment_id" in names and "experiment_id" in target
            and not _linked(names, target, "experiment_id", "parent_experiment_id") and overlapping()):
        return "another experiment over the same years", "experiment_id"
    return None


def _role(dataset: xr.Dataset, held: list[str]) -> str:
    """What a time-independent file's field does in the run, for the refusal."""
    standard = {str(dataset[name].attrs.get("standard_name", "")) for name in held}
    if "cell_area" in standard:
        return "its cell areas would weigh every score"
    if any(name.endswith("area_fraction") for name in standard):
        return f"its {', '.join(sorted(standard))} would weigh every score of the target"
    return "it would be a predictor at every cell"


def _wanted_name(path: Path, value: str, own: str) -> str:
    """The file name the target's simulation would give ``path``: its value replaced by the target's
    (``pr_Amon_CanESM5_historical_r1i1p1f1_gn_199501-201412.nc``), or a description without one."""
    parts = path.name.split("_")
    if value in parts:
        return "_".join(own if part == value else part for part in parts)
    return f"the file of {own}"


class _Other(NamedTuple):
    """A file beside the target's of another simulation."""

    path: Path
    held: list[str]  # its variables the run uses
    value: str  # its value of the attribute that differs
    role: str  # what its fields would do in the run


def _refusal(target: str, target_path: Path, own: str, differing: tuple[str, str], others: list[_Other]
             ) -> ClimannError:
    """One line: the variables, the files (the first named, the others counted), the attribute and
    both values, what the files would do, and the files of the target's simulation to give instead."""
    kind, attribute = differing
    where = attribute if attribute.startswith("member coordinate ") else f"global attribute {attribute}"
    held = list(dict.fromkeys(name for other in others for name in other.held))
    shown = ", ".join(f"'{name}'" for name in held[:4]) + (f" and {len(held) - 4} more" if len(held) > 4 else "")
    first, count = others[0], len(others)
    files = first.path.name + (f" and {count - 1} more file{'s' * (count > 2)} of {first.value}" if count > 1 else "")
    them = "them" if count > 1 else "it"
    return ClimannError(
        f"{shown} in {files} {'is' if len(held) == 1 and count == 1 else 'are'} of {kind} than the target "
        f"'{target}' in {target_path.name} ({where} {first.value}, the target's {own}): {first.role}; give "
        f"the files of the target's {attribute} {own} in place of {them} "
        f"({_wanted_name(first.path, first.value, own)}{', …' if count > 1 else ''}), or leave {them} out of --data"
    )


def _simulation_text(model: Mapping[str, str]) -> str:
    """``CanESM5 r1i1p1f1 historical``: the model, member and experiment a file names."""
    named = model.get("source_id") or model.get("model_id") or "a model"
    return " ".join(filter(None, (named, model.get("variant_label") or model.get("member_id"),
                                  model.get("experiment_id"))))


def _say_observations(target: str, target_path: Path, model: Mapping[str, str], path: Path, held: list[str],
                      target_observed: bool) -> None:
    simulation = _simulation_text(model)
    observed, simulated = (target_path, path) if target_observed else (path, target_path)
    note_once(_log, logging.WARNING, (
        f"the target '{target}' ({target_path.name}) and '{held[0]}' ({path.name}) pair observations "
        f"({observed.name}) with a simulation ({simulated.name}: {simulation}) step by step: right for a run "
        f"driven by observations (amip, a CORDEX evaluation run, a hindcast), not for a free-running one, whose "
        f"weather is not the observed weather"), key="observations beside a model's target")


#: What names a model's simulation in a file (global attributes or its DRS file name): its model, experiment or
#: member, not a member coordinate alone (ERA5's ensemble ``number``) nor an impact model's forcing.
_MODEL_NAMING = (*MODEL_ATTRIBUTES, *MEMBER_ATTRIBUTES, "experiment_id")


def _say_unnamed_target(datasets: Mapping[Path, xr.Dataset], holders: list[Path], target: str,
                        variables: Collection[str] | None) -> None:
    """Warn, once, of a target whose files name no simulation (ERA5 from the CDS: ``Conventions`` and
    ``history`` alone) beside predictors of a model's (``source_id``, ``experiment_id``, …): climann cannot
    tell whether the target is that simulation's. Not refused: the user may know it is (a model's output
    saved without its attributes); observed predictors beside it pass (both may be observations)."""
    target_path = holders[0]
    observed = _project(datasets[target_path]) == "observations"
    own = set(holders)
    for path, dataset in sorted(datasets.items()):
        if path in own:  # before reading its names: every file of a daily series holds the target (fix54i)
            continue
        held = [name for name in _series(dataset) if variables is None or name in variables]
        names = simulation_names(dataset, path)
        if (not held or _project(dataset) != "model"
                or not any(name in names for name in _MODEL_NAMING)):
            continue
        if observed:  # a reanalysis that says so (product) without naming itself: the observations' warning
            _say_observations(target, target_path, names, path, held, target_observed=True)
            return
        note_once(_log, logging.WARNING, (
            f"the target '{target}' ({target_path.name}) names no simulation (no source_id, experiment_id or "
            f"variant_label, nor a CMIP file name) beside '{held[0]}' ({path.name}) of {_simulation_text(names)}: "
            f"climann cannot tell whether the target is of that simulation; a free-running simulation's weather "
            f"is not the observed weather (ERA5 beside a historical run), so pair them step by step only if the "
            f"target is that simulation's output"), key="a target that names no simulation beside a model's")
        return


def _held_twice(datasets: Mapping[Path, xr.Dataset], holders: list[Path]) -> bool:
    """Whether the target's own files are of two simulations over the same years (two scenarios or
    members of it side by side): :mod:`climann.data.duplicate_files` refuses the target held twice,
    which is said first."""
    named = {path: simulation_names(datasets[path], path) for path in holders}
    return any(_differing(named[one], named[other], static=False,
                          overlapping=lambda one=one, other=other: _overlapping(datasets, one, other)) is not None
               for index, one in enumerate(holders) for other in holders[index + 1:])


def check_paired_simulations(datasets: Mapping[Path, xr.Dataset], target: str | None,
                             variables: Collection[str] | None = None) -> None:
    """Refuse predictors, fractions and cell areas of another simulation than the target's.

    Parameters
    ----------
    datasets : mapping of Path to xarray.Dataset
        The files of one set (one run's ``--data``, or one block of a split by files), opened
        lazily; only their global attributes, member coordinates and years are read.
    target : str or None
        The target's name; None (``info`` of files): nothing is compared.
    variables : collection of str, optional
        The predictors the run uses; None: every variable of the files.

    Raises
    ------
    ClimannError
        When a file beside the target's holds a used series of another model, ensemble member, or
        experiment over the same years (one that the other does not continue), or a
        time-independent field of another model or grid label: naming the variable, both files,
        the attribute, both values and the way out (see the module's description).
    """
    if target is None:
        return
    holders = [path for path, dataset in datasets.items() if target in _series(dataset)]
    if not holders or _held_twice(datasets, holders):
        return
    unnamed_said = False
    for target_path in holders:
        target_names = simulation_names(datasets[target_path], target_path)
        target_project = _project(datasets[target_path])
        if target_project == "forcing":
            continue
        if not any(name in target_names for name in _NAMING):  # said of the target's first file
            if not unnamed_said:  # once: it reads every file, and said once (1 096 OISST files: 1.2 million reads)
                _say_unnamed_target(datasets, holders, target, variables)
                unnamed_said = True
            continue
        found: dict[tuple[str, str, str], list[_Other]] = {}
        for path, dataset in datasets.items():
            if path in holders:
                continue
            series = [name for name in _series(dataset) if variables is None or name in variables]
            static = not _series(dataset)
            held = data_variable_names(dataset) if static else series
            project = _project(dataset)
            if not held or project == "forcing":
                continue
            names = simulation_names(dataset, path)
            if project != target_project:
                if not static and any(name in names for name in _NAMING):
                    _say_observations(target, target_path, names if project == "model" else target_names, path,
                                      held, target_observed=target_project == "observations")
                continue
            if project == "observations":
                continue
            compared = _driving(target_names, names)
            differing = _differing(names, compared, static=static,
                                   overlapping=lambda: _overlapping(datasets, path, target_path))
            if differing is not None:
                role = (_role(dataset, held) if static else
                        "each time step would pair the target of one simulation with the weather of another")
                own = compared[differing[1]]
                found.setdefault((*differing, own), []).append(_Other(path, held, names[differing[1]], role))
        if found:
            (kind, attribute, own), others = next(iter(found.items()))
            others = sorted(others, key=lambda other: other.path.name)
            raise _refusal(target, target_path, own, (kind, attribute), others)
