"""Directions: angles on a circle, which squared errors and means read as numbers on a line.

A direction (a wind's, a current's, the waves' mean or peak direction, an azimuth) lives on a
circle: 359° and 1° are 2° apart, but as numbers 358°; the arithmetic mean of 350° and 10° is
180°, the opposite of their circular mean 0° (Fisher 1993, "Statistical analysis of circular
data", §2.2; Jammalamadaka & SenGupta 2001, "Topics in circular statistics", §1.3). A network
trained with J = 1/(2m) Σ(ŷ − y)² on such a target, its MSE, MAE, anomaly correlation and its
climatology (a mean of angles per calendar month) are all wrong across north, without a sign.

A variable is a direction (:func:`direction_reading`):

- by its CF ``standard_name`` (standard name table, :data:`DIRECTION_STANDARD_NAME`): the
  ``…_from_direction`` and ``…_to_direction`` families (``wind_from_direction``,
  ``sea_water_velocity_to_direction``, ``sea_surface_wave_from_direction_at_variance_spectral_
  density_maximum``), ``direction_of_…``, any name ending in ``_direction``
  (``ground_slope_direction``), the azimuths (``solar_azimuth_angle``) and a platform's course,
  orientation and yaw; not the ``directional_spread`` of waves (a width in degrees), nor the
  derivatives of a direction;
- else by units of plane angle (``degree``, ``degrees``, ``degree_true``, ERA5's ``Degree true``,
  ``rad``; read with the units registry, :func:`is_plane_angle`: not ``degrees_north`` nor
  ``degC``) together with a ``long_name`` or a name that says a direction
  (:data:`DIRECTION_WORDS`, :data:`DIRECTION_NAMES`: ERA5's ``mwd`` "Mean wave direction",
  ``dwi``, ``mdts``, WaveWatch III's ``dir`` and ``dp``, a ``wdir``). Units of angle alone say
  nothing: a slope or a zenith angle lies within 0…90°, far from any wrap.

As the target a direction is refused (:func:`refuse_direction_target`, no setting keeps it: no
score of it would be right); the way out is its vector's components when the files hold them
(``eastward_wind`` and ``northward_wind`` beside ``wind_from_direction``,
:func:`vector_components`), else its sine and cosine, one run each, written into a copy by a line
that runs as printed (:func:`sine_cosine_command`). As a predictor it is left out of the default
predictors with a note, and named it is used with a warning (:func:`warn_direction_predictors`):
the model is still a function of its inputs and its scores stay right, only the inputs read north
as two far-apart numbers; its lags too. Its area means and anomalies are refused
(:func:`refuse_direction_features`; in field mode with ``field_inputs = "mean"`` its area mean is
the predictor or lag itself, refused too): their values are no direction at all (an area mean of waves
from about north came out 185°), and the way out, the means of its sine and cosine, holds the
circular mean atan2(mean sine, mean cosine). The sine and cosine of one angle (``NAME_sin``, ``NAME_cos``) are
kept apart too: as a predictor of its sine, the cosine gives |sine| = √(1 − cos²).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping, Sequence
from functools import partial

import xarray as xr

from climann.data.averaged_quantities import AVERAGING_SETTINGS, refuse_averaged
from climann.data.direction_names import DIRECTION_NAMES, DIRECTION_STANDARD_NAME, DIRECTION_WORDS
from climann.data.direction_names import SPREAD_WORDS as _SPREAD_WORDS
from climann.data.notes import note_once
from climann.data.paths import is_zarr_store
from climann.data.shell import copies_of_files, in_place_note, source_and_copy, xarray_command
from climann.data.sources import name_in_file, source_files, variable_where
from climann.data.standard_name_aliases import current_standard_name
from climann.data.standard_names import standard_name_of
from climann.data.unit_spellings import readable_units, unit_registry
from climann.errors import ClimannError

__all__ = ["DIRECTION_NAMES", "DIRECTION_STANDARD_NAME", "DIRECTION_WORDS", "PLANE_ANGLE_UNITS", "direction_note",
           "direction_reading", "is_direction", "is_plane_angle", "refuse_direction_scores", "refuse_direction_target",
           "refuse_direction_features", "sine_cosine_command", "sine_cosine_partner", "vector_components",
           "warn_direction_predictors"]

_log = logging.getLogger(__name__)

#: The units registry's names of plane angles (after :func:`~climann.data.unit_spellings.readable_units`).
PLANE_ANGLE_UNITS = frozenset({"degree", "degrees", "radian", "arcminute", "arcsecond", "turn", "gradian"})
#: "true" after angle units: relative to true north (``degrees (true)``, ``deg T``, which the
#: registry does not read; it reads ERA5's ``Degree true``, ``degree_true`` and ``degrees_true`` as
#: degrees itself, :data:`climann.data.unit_spellings.UNIT_DEFINITIONS`).
_TRUE_NORTH = re.compile(r"(?:[\s_]+\(?true\)?|\s*\(true\)|[\s_]+t)$", re.IGNORECASE)


def is_plane_angle(units: object) -> bool:
    """Whether ``units`` are of a plane angle, read with the units registry
    (:func:`~climann.data.unit_spellings.unit_registry`): ``degree``, ``degrees``, ``rad``, ``radian``,
    ``arcmin``, with "true" after them (``degree_true``, ERA5's ``Degree true``); not
    ``degrees_north``, ``degrees_east`` (positions), ``degC`` (a temperature) nor ``1``.

    Examples
    --------
    >>> is_plane_angle("Degree true"), is_plane_angle("rad"), is_plane_angle("degrees_north")
    (True, True, False)
    """
    import pint.util

    text = _TRUE_NORTH.sub("", str(units or "").strip()).lower()
    if not text:
        return False
    try:
        unit = unit_registry().Unit(readable_units(text))
    except Exception:  # noqa: BLE001 — units the registry cannot read are no angle
        return False
    parts = dict(pint.util.to_units_container(unit))
    return len(parts) == 1 and set(parts.values()) == {1} and next(iter(parts)) in PLANE_ANGLE_UNITS


def direction_reading(name: str, attrs: Mapping) -> str | None:
    """What says that a variable is a direction (see the module), for messages; None when nothing does.

    Parameters
    ----------
    name : str
        The variable's name.
    attrs : mapping
        Its attributes (``standard_name``, ``units``, ``long_name``).

    Returns
    -------
    str or None
        ``"standard_name wind_from_direction"``, ``"units 'Degree true' and long_name 'Mean wave
        direction'"``, ``"units 'degree' and its name 'dp'"``, or None.

    Examples
    --------
    >>> direction_reading("wdir", {"standard_name": "wind_from_direction"})
    'standard_name wind_from_direction'
    >>> direction_reading("slope", {"units": "degree", "long_name": "terrain slope angle"}) is None
    True
    """
    standard_name = current_standard_name(standard_name_of(attrs))
    if standard_name and DIRECTION_STANDARD_NAME.fullmatch(standard_name):
        return f"standard_name {standard_name}"
    units = attrs.get("units")
    if not is_plane_angle(units):
        return None
    long_name = str(attrs.get("long_name", "")).strip()
    if long_name and _SPREAD_WORDS.search(long_name) is None and DIRECTION_WORDS.search(long_name):
        return f"units '{units}' and long_name '{long_name}'"
    if _SPREAD_WORDS.search(name) is None and DIRECTION_NAMES.fullmatch(name) and not _SPREAD_WORDS.search(long_name):
        return f"units '{units}' and its name '{name}'"
    return None


def is_direction(name: str, attrs: Mapping) -> bool:
    """Whether a variable is a direction, an angle on a circle (:func:`direction_reading`)."""
    return direction_reading(name, attrs) is not None


def _vector_quantity(standard_name: str) -> str | None:
    """The vector whose direction a standard name is: ``wind`` for ``wind_from_direction``,
    ``sea_water_velocity_due_to_tides`` for ``sea_water_velocity_to_direction_due_to_tides``,
    ``sea_ice_velocity`` for ``direction_of_sea_ice_velocity``; None for an azimuth or a course."""
    quantity = re.sub(r"^(?:to_|from_)?direction_of_|(?:^|_)(?:from|to)_direction(?=_|$)", "", standard_name)
    return quantity if quantity and quantity != standard_name else None


def vector_components(dataset: xr.Dataset, name: str) -> tuple[str, str] | None:
    """The variables holding the eastward and northward components of the vector whose
    direction ``name`` is, by their CF standard names (``eastward_wind`` and ``northward_wind``
    for ``wind_from_direction``); None when the dataset lacks either or ``name`` names no vector.

    Parameters
    ----------
    dataset : xarray.Dataset
    name : str
        A direction (:func:`is_direction`).

    Returns
    -------
    (str, str) or None
        The eastward and the northward component's names.
    """
    quantity = _vector_quantity(current_standard_name(standard_name_of(dataset[name].attrs)))
    if quantity is None:
        return None
    found = {current_standard_name(standard_name_of(dataset[other].attrs)): str(other)
             for other in dataset.data_vars if other != name}
    east, north = found.get(f"eastward_{quantity}"), found.get(f"northward_{quantity}")
    return (east, north) if east and north else None


def _radians_per_unit(units: object) -> float:
    """The factor that turns a direction in ``units`` into radians: 1 for radians, π/180 for
    degrees, and for units the registry cannot read (a direction named by its standard name
    alone) π/180, the degrees of CF's canonical units for every direction."""
    try:
        text = _TRUE_NORTH.sub("", str(units or "").strip()).lower()
        return float(unit_registry().Quantity(1.0, readable_units(text)).to("radian").magnitude)
    except Exception:  # noqa: BLE001 — see above
        return float(unit_registry().Quantity(1.0, "degree").to("radian").magnitude)


def sine_cosine_command(variable: xr.DataArray, name: str) -> str:
    """One xarray line that writes a copy of ``variable``'s file (``wind_sincos.nc`` beside
    ``wind.nc``; a store's beside it) holding ``NAME_sin`` and ``NAME_cos``, the sine and the
    cosine of the direction (units ``1``, missing where it is), which are amounts on a line
    (:func:`~climann.data.shell.xarray_command`: it runs where NCO is not installed; ncap2's
    new variables would inherit the direction's ``standard_name``).

    Parameters
    ----------
    variable : xarray.DataArray
        The direction as opened (its ``encoding["source"]`` names its file).
    name : str
        Its name in climann (:func:`~climann.data.sources.name_in_file` gives the file's).

    Returns
    -------
    str
    """
    return xarray_command(_sine_cosine_statements(variable, name_in_file(variable, name), name),
                          source_and_copy(variable, suffix="sincos"), suffix="sincos")


def _sine_cosine_statements(variable: xr.DataArray, stored: str, name: str) -> list[str]:
    """The Python statements on ``d`` of :func:`sine_cosine_command` for the direction stored as
    ``stored`` in a file."""
    what = str(variable.attrs.get("long_name") or name)
    factor = _radians_per_unit(variable.attrs.get("units"))
    angle = f"d[{stored!r}].data" if factor == 1.0 else f"d[{stored!r}].data * {factor!r}"
    statements = ["import numpy as np", f"r = {angle}"]
    for part, function in (("sin", "sine"), ("cos", "cosine")):
        attrs = {"units": "1", "long_name": f"{function} of {what}"}
        statements.append(f"d[{f'{stored}_{part}'!r}] = (d[{stored!r}].dims, np.{part}(r), {attrs!r})")
    return statements


#: The folder the sine and cosine copies of a direction read from several files go into.
_SINE_COSINE_FOLDER = "sincos"


def _sine_cosine_way(variable: xr.DataArray, name: str) -> str:
    """``python -c "…" (then …)``: the line of :func:`sine_cosine_command` and where the copy goes;
    for a variable read from several files, one loop that writes a copy of each into a new folder
    beside them and the ``--data`` that takes the copies (:func:`~climann.data.shell.copies_of_files`;
    the line of the first file alone, to be "run for each", left the user to edit it per file)."""
    files = source_files(variable)
    if files and not any(is_zarr_store(file) for file in files):  # one file's copy too in a folder (fix53a)
        return copies_of_files(lambda arguments, file: xarray_command(
            _sine_cosine_statements(variable, name_in_file(variable, name, file), name), arguments, suffix="sincos"),
            files, name=_SINE_COSINE_FOLDER)
    return f"{sine_cosine_command(variable, name)}{in_place_note(source_and_copy(variable, suffix='sincos'))}"


def _sine_cosine_advice(dataset: xr.Dataset, name: str, predictors: Collection[str] = ()) -> str:
    """How to have the sine and cosine of the direction ``name`` as predictors: that they are
    among ``predictors`` already, or to name them when the data hold them (``wdir_sin`` and
    ``wdir_cos``, a copy written by :func:`sine_cosine_command`), else the line that writes them
    (:func:`_sine_cosine_way`). "Name them" of predictors printed beside the note misled (break39b
    B10b)."""
    held = [f"{name}_{part}" for part in ("sin", "cos") if f"{name}_{part}" in dataset.data_vars]
    if len(held) == 2 and set(held) <= set(predictors):
        return f"its sine and cosine {held[0]} and {held[1]} are among the predictors already"
    if len(held) == 2:
        return f"its sine and cosine {held[0]} and {held[1]} are in the data: name them in [data] predictors"
    return f"write its sine and cosine, e.g. {_sine_cosine_way(dataset[name], name)}"


_WHY = ("an angle on a circle, where 359° and 1° are 2° apart, while squared errors, means and the climatology read "
        "it as a number on a line (359° and 1° 358° apart; the mean of 350° and 10° 180°, not 0°)")


def refuse_direction_target(dataset: xr.Dataset, target: str, *, where: str) -> None:
    """Refuse a target that is a direction (:func:`direction_reading`): its loss, MSE, MAE,
    anomaly correlation and climatology would all read an angle as a number on a line.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    target : str
        The target's name (nothing is checked when it is absent).
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        Naming the target, what says it is a direction, why, and the way out: the vector's
        components when the dataset holds them (:func:`vector_components`), else the line that
        writes its sine and cosine into a copy (:func:`sine_cosine_command`).
    """
    if target not in dataset.data_vars or (reading := direction_reading(target, dataset[target].attrs)) is None:
        return
    variable = dataset[target]
    components = vector_components(dataset, target)
    if components is not None:
        east, north = components
        way = (f"train on the vector's components instead, one run each: --target {east} "
               f"({standard_name_of(dataset[east].attrs)}) and --target {north} "
               f"({standard_name_of(dataset[north].attrs)}); the direction is computed from their predictions")
    else:
        stored = name_in_file(variable, target)
        way = (f"train on its sine and cosine instead, one run each (--target {stored}_sin, --target {stored}_cos; the "
               f"direction is atan2(sine, cosine) of their predictions), written into a copy by "
               f"{_sine_cosine_way(variable, target)}")
    raise ClimannError(f"the target '{target}' in {variable_where(variable, where)} is a direction ({reading}): "
                       f"{_WHY}, so its loss and every score of it would be wrong; {way}")


def sine_cosine_partner(name: str, names: Sequence[str]) -> str | None:
    """The other half of an angle's sine and cosine among ``names``: ``wdir_cos`` for
    ``wdir_sin`` (as :func:`sine_cosine_command` names them), and the reverse; None otherwise.
    As a predictor of the sine the cosine holds |sine| = √(1 − cos²)."""
    match = re.fullmatch(r"(?P<angle>.+)_(?P<part>sin|cos)", name)
    if match is None:
        return None
    other = f"{match['angle']}_{'cos' if match['part'] == 'sin' else 'sin'}"
    return other if other in names else None


def _is_angle_of(target: str, name: str) -> bool:
    """Whether ``target`` is the sine or the cosine of the direction ``name`` (``wdir_sin`` of ``wdir``)."""
    return target in (f"{name}_sin", f"{name}_cos")


def _angle_text(target: str, name: str) -> str:
    """Why the direction whose sine or cosine the target is holds it, one clause."""
    part = "sine" if target.endswith("_sin") else "cosine"
    return f"the direction whose {part} the target '{target}' is: it holds the target itself"


def direction_note(dataset: xr.Dataset, directions: Mapping[str, str], partner: str | None, target: str,
                   predictors: Collection[str] = ()) -> list[str]:
    """The notes on directions left out of the default predictors (``directions``: name →
    :func:`direction_reading`), and on the other half of the target's sine and cosine
    (``partner``, :func:`sine_cosine_partner`), one line each; ``predictors``: the default
    predictors, among which the sine and cosine of a direction may be already."""
    notes = []
    own = [name for name in directions if _is_angle_of(target, name)]
    directions = {name: reading for name, reading in directions.items() if name not in own}
    notes.extend(f"left out of the default predictors: {name}, {_angle_text(target, name)}" for name in own)
    if directions:
        first, several = next(iter(directions)), len(directions) > 1
        shown = ", ".join(f"{name} ({reading})" for name, reading in directions.items())
        them = "them" if several else "it"
        notes.append(f"left out of the default predictors: {shown}, {'directions' if several else 'a direction'}: "
                     f"{_WHY}; to use {them} as a predictor, give the sine and cosine ({first}: "
                     f"{_sine_cosine_advice(dataset, first, predictors)}), or name {them} in [data] predictors "
                     "(--predictors) to "
                     "use the angles as numbers")
    if partner is not None:
        notes.append(f"left out of the default predictors: {partner}, the other half of the angle whose half "
                     f"'{target}' is: it gives |{target}| = √(1 − {partner}²), the target itself but its sign; name it "
                     "in [data] predictors (--predictors) to use it anyway")
    return notes


#: What each ``[data]`` setting that averages a variable would do with the angles of a direction.
_AVERAGING_SETTINGS = {"global_means": "average its angles over the globe as numbers",
                       "regional_means": "average its angles over each box as numbers",
                       "anomalies": "subtract the mean of its angles for each calendar month, taken as numbers",
                       **dict.fromkeys(("predictors", "lags"), 'average its angles over the target\'s grid as numbers '
                                       '(field_inputs = "mean"; "flatten" gives each cell\'s angle)')}


def refuse_direction_features(dataset: xr.Dataset, averaged: Mapping[str, Sequence[str]], *, where: str) -> None:
    """Refuse a direction (:func:`direction_reading`) named in a ``[data]`` setting that averages
    it (``global_means``, ``regional_means``, ``anomalies``): the arithmetic mean of angles is no
    direction (waves from 350° and 10° average to 180°, the opposite one; break56c A1: ERA5 ``mwd``
    of 0° ± 25° had an area mean of 185°, its circular mean 360°), and the anomaly from a monthly
    mean of angles is as wrong; no setting keeps it. So are its ``predictors`` and ``lags`` in field
    mode with ``field_inputs = "mean"`` (the default: each the area mean of its map; fix57a: waves
    from about north gave ``mwd_mean`` near 180°). Named in ``predictors`` or ``lags`` otherwise
    each value is at least the angle itself, and :func:`warn_direction_predictors` warns instead.
    The way out: the means of its sine and cosine (a copy written by :func:`sine_cosine_command`), whose
    atan2(mean sine, mean cosine) is the circular mean direction (Fisher 1993, §2.2).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    averaged : mapping of str to sequence of str
        The variables each averaging setting names (read in turn by
        :func:`~climann.data.averaged_quantities.refuse_averaged`, which skips those absent).
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        For the first direction among them, naming the setting and the sine and cosine way out.
    """
    refuse_averaged(dataset, averaged, reading=lambda name, variable: direction_reading(name, variable.attrs),
                    message=partial(_averaged_direction_refusal, where=where))


def _averaged_direction_refusal(dataset: xr.Dataset, name: str, setting: str, reading: str, *, where: str) -> str:
    """The refusal of :func:`refuse_direction_features` for ``name``, a direction (``reading``)
    named in ``[data] setting``, with the way out of its sine and cosine."""
    flag, does = AVERAGING_SETTINGS[setting], _AVERAGING_SETTINGS[setting]
    stored = name_in_file(dataset[name], name)
    held = all(f"{name}_{part}" in dataset.data_vars for part in ("sin", "cos"))
    way = "they are in the data" if held else f"write them into a copy, e.g. {_sine_cosine_way(dataset[name], name)}"
    return (f"'{name}' in {variable_where(dataset[name], where)} is a direction ({reading}): {_WHY}, and [data] "
            f"{setting} ({flag}) would {does}, which gives no direction; name its sine and cosine in [data] "
            f"{setting} instead ({stored}_sin and {stored}_cos: atan2 of their means is the circular mean "
            f"direction): {way}")


def warn_direction_predictors(dataset: xr.Dataset, names: Sequence[str], target: str, *, where: str,
                              lags: Sequence[str] = ()) -> None:
    """Warn, one line per variable, when a predictor named by the user is a direction
    (:func:`direction_reading`: the network reads north as two far-apart numbers; its scores stay
    right), with the line that writes its sine and cosine (:func:`sine_cosine_command`); or the
    other half of the target's sine and cosine (:func:`sine_cosine_partner`).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The predictors (those absent are skipped).
    target : str
    where : str
        The files, for the message.
    lags : sequence of str, optional
        The variables of ``[data] lags``: a lag of a direction is its angle a step before, read as
        a number as the predictor is (break56c A1: ``--lags mwd=1`` went unwarned).
    """
    for name in dict.fromkeys([*names, *lags]):
        if name not in dataset.data_vars:
            continue
        variable = dataset[name]
        reading = direction_reading(name, variable.attrs)
        what = f"the predictor '{name}'" if name in names else f"the lags of '{name}' ([data] lags)"
        if reading is not None and _is_angle_of(target, name):
            note_once(_log, logging.WARNING, f"{what} {'is' if name in names else 'are'} {_angle_text(target, name)}")
        elif reading is not None:
            note_once(_log, logging.WARNING,
                      f"{what} in {variable_where(variable, where)} {'is' if name in names else 'are of'} a "
                      f"direction ({reading}): "
                      f"{_WHY}, so the network reads directions near north as far apart; to give it as a circle, use "
                      f"its sine and cosine as predictors instead: {_sine_cosine_advice(dataset, name, names)}")
        elif sine_cosine_partner(target, [name]) == name:
            note_once(_log, logging.WARNING,
                      f"{what} {'is' if name in names else 'are of'} the other half of the angle whose half the "
                      f"target '{target}' is: it gives |{target}| = √(1 − {name}²), the target itself but its sign")


def refuse_direction_scores(target: str, attrs: Mapping, *, run: str, data_file: str | None = None) -> None:
    """Refuse a run whose target is a direction (a run of a version that trained one:
    :func:`direction_reading` of the target's recorded attributes): its loss, MSE, MAE, anomaly
    correlation and skill read angles as numbers on a line, so neither its predictions nor its
    scores, nor a comparison of them, mean what they say.

    Parameters
    ----------
    target : str
    attrs : mapping
        The target's recorded ``standard_name``, ``long_name`` and ``units``.
    run : str
        The run directory, for the message.
    data_file : str, optional
        The run's one data file: the message gives the line that writes the sine and cosine into a
        copy of it (:func:`sine_cosine_command`); else it names ``climann train --config``, which
        refuses the target with that line.

    Raises
    ------
    ClimannError
        If the target is a direction.
    """
    reading = direction_reading(target, attrs)
    if reading is None:
        return
    if data_file is not None:
        variable = xr.DataArray([0.0], dims="time", name=target, attrs=dict(attrs))
        variable.encoding["source"] = data_file
        line = _sine_cosine_way(variable, target)
    else:
        line = f"the line that climann train --config {run}/config.toml gives"
    raise ClimannError(f"{run} was trained on '{target}', a direction ({reading}): {_WHY}, so its predictions and "
                       f"scores are wrong; train again on its vector's eastward and northward components, "
                       f"or on its sine and cosine (one run each), written into a copy by {line}")
