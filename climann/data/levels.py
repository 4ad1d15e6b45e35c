"""The level a variable is at when its file gives it as a single value: a CF scalar coordinate.

A file of one pressure level (``ua`` with ``plev = 85000 Pa``, as ``cdo sellevel`` followed by
``ncwa``, or CMIP's ``ua850``, write it), a 2 m temperature (``tas`` with ``height = 2 m``) or
a 10 m wind (``height = 10 m``) says at which level its values are only through a *scalar
coordinate variable* (CF conventions 1.8 §5.7), or a coordinate of size 1: no dimension, one
value. The 250 hPa wind and the 850 hPa wind have the same name and units; only this value
tells them apart, as the lead time (CF ``forecast_period``) tells a forecast's 18-hour fields
from its 36-hour ones. A level is a vertical coordinate as CF §4.3 identifies one: its
``standard_name`` (``air_pressure``, ``height``, ``depth``, …), ``positive`` or ``axis = "Z"``
attribute (cf_xarray's criteria tables ``vertical`` and ``Z``), or units of pressure.

Files are combined with the first file's value of a coordinate they share (``height`` of
``tas.nc`` and of ``uas.nc``), so the level of each variable is recorded on it as each file is
opened (:func:`climann.data.variables.with_levels_recorded`, in the variable's ``encoding``,
:data:`LEVELS_KEY`), before they are combined; :func:`climann.data.variables.variable_levels`
reads it back. A trained run keeps its inputs' levels in ``model.npz``
(:func:`levels_record`), and new data are compared with them (:func:`same_level`, see
:func:`climann.workflow.new_data.check_levels`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr
from cf_xarray.criteria import coordinate_criteria

from climann.data.layout import Coordinate
from climann.data.notes import with_store_notes
from climann.data.stations import STATION_INDEX_NAME
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: The ``encoding`` key of a data variable that holds its levels as its file gave them.
LEVELS_KEY = "climann_levels"

#: The attributes of a level kept in a model file: what it is and its units.
KEPT_ATTRIBUTES = ("units", "standard_name", "long_name", "positive", "axis")

#: Two values of a level are the same within this relative difference (float rounding when a
#: file was written: a level 85000.000085 is the level 85000), as a selected value matches.
LEVEL_TOLERANCE = 1e-6


def is_level(coordinate: xr.DataArray | Coordinate) -> bool:
    """Whether a coordinate is a vertical one (CF conventions §4.3): one of its attributes
    matches cf_xarray's ``vertical`` or ``Z`` criteria (``standard_name = "air_pressure"``,
    ``positive = "down"``, ``axis = "Z"``, …), or its units are those of a pressure. A
    forecast's lead time (``standard_name = "forecast_period"``) counts too: the 18-hour and
    the 36-hour forecasts of ``tas`` have the same name and units, and only this value tells
    them apart (a run trained on one is refused the other)."""
    attrs = coordinate.attrs
    if attrs.get("standard_name") == "forecast_period":
        return True
    for kind in ("vertical", "Z"):
        if any(str(attrs.get(key, "")) in values for key, values in coordinate_criteria[kind].items()):
            return True
    return _is_pressure(str(attrs.get("units", "")))


#: CF's parametric vertical coordinates (CF 1.8 §4.3.3 and Appendix D), in words: a model level
#: whose pressure or height is computed from its ``formula_terms`` (``p = ap + b·ps`` for the
#: hybrid sigma-pressure level) and changes with the surface pressure or depth below it, so its
#: value is no pressure nor height even when it is given in hPa (CESM CAM's ``lev``, "hybrid
#: level at midpoints (1000*(A+B))": a nominal pressure for a surface pressure of 1000 hPa).
PARAMETRIC_LEVELS = {
    "atmosphere_hybrid_sigma_pressure_coordinate": "a hybrid sigma-pressure model level",
    "atmosphere_sigma_coordinate": "a sigma model level",
    "atmosphere_ln_pressure_coordinate": "a log-pressure level",
    "atmosphere_hybrid_height_coordinate": "a hybrid height model level",
    "atmosphere_sleve_coordinate": "a SLEVE model level",
    "ocean_sigma_coordinate": "an ocean sigma level",
    "ocean_s_coordinate": "an ocean s-level",
    "ocean_s_coordinate_g1": "an ocean s-level",
    "ocean_s_coordinate_g2": "an ocean s-level",
    "ocean_sigma_z_coordinate": "an ocean sigma-z level",
    "ocean_double_sigma_coordinate": "an ocean double-sigma level",
}


def parametric_level(coordinate: xr.DataArray | Coordinate) -> str | None:
    """What a parametric vertical coordinate is, in words (:data:`PARAMETRIC_LEVELS`:
    ``"a hybrid sigma-pressure model level"``), or None for any other coordinate. Known by its
    CF ``standard_name``, or, without one, by the ``formula_terms`` every parametric
    coordinate has (CF §4.3.3)."""
    name = _parametric_name(coordinate)
    if name is not None:
        return PARAMETRIC_LEVELS[name]
    return "a parametric model level" if "formula_terms" in coordinate.attrs else None


def _parametric_name(coordinate: xr.DataArray | Coordinate) -> str | None:
    """The CF ``standard_name`` of a parametric level (:data:`PARAMETRIC_LEVELS`) its
    ``standard_name`` gives, or, without one, its ``long_name`` (cf_xarray's ``Z`` criteria read
    both); None."""
    for key in ("standard_name", "long_name"):
        name = str(coordinate.attrs.get(key, "")).strip()
        if name in PARAMETRIC_LEVELS:
            return name
        if name and key == "standard_name":
            return None
    return None


#: The kind of level (:func:`level_kind`) of a model level known by its number, with no formula
#: to compute its pressure or height: CF's ``standard_name = "model_level_number"``, the ``level``
#: ECMWF's grib_to_netcdf writes for ERA5's model levels (``long_name = "model_level_number"``, no
#: units; model levels 1 to 137 share their numbers with the stratosphere's pressure levels 1 to
#: 125 hPa: break55a A1), a hybrid level without its formula, or a level counted ``positive`` up or
#: down in no units of a pressure or a length.
MODEL_LEVEL_KIND = "model_level_number"


def numbered_model_level(coordinate: xr.DataArray | Coordinate) -> str | None:
    """What says a vertical coordinate is a model level of :data:`MODEL_LEVEL_KIND`, in words for a
    message (``"long_name model_level_number, no units"``), or None: its ``standard_name`` or
    ``long_name`` ``model_level_number``; a ``long_name`` of a hybrid level (``"hybrid level"``)
    without units or in those of a pure number (``"1"``); a ``positive`` direction so (a height or
    depth has units of a length, a pressure of a pressure: CF §4.3). A parametric level
    (:func:`parametric_level`) is its own kind, not this one.

    Examples
    --------
    >>> numbered_model_level(xr.DataArray([30, 50], dims="level", attrs={"long_name": "model_level_number"}))
    'long_name model_level_number, no units'
    >>> numbered_model_level(xr.DataArray([30, 50], dims="level", attrs={"units": "millibars"})) is None
    True
    """
    attrs = coordinate.attrs
    if parametric_level(coordinate):
        return None
    units = str(attrs.get("units", "")).strip()
    unitless = f"units {units}" if units else "no units"
    for key in ("standard_name", "long_name"):
        if str(attrs.get(key, "")).strip().lower() == "model_level_number":
            return f"{key} model_level_number, {unitless}"
    if not _is_pure_number(units):  # "mb" of GrADS is a millibar on a pressure axis (positive down)
        return None
    long_name = str(attrs.get("long_name", "")).strip()
    if re.search(r"\bhybrid\b", long_name, re.IGNORECASE):
        return f"long_name \"{long_name}\", {unitless}"
    positive = str(attrs.get("positive", "")).strip().lower()
    # a height, depth or pressure whose units were lost reads so too: refused as a model level, never guessed
    return (f"positive {positive}, {unitless}, read as a model level: a height, depth or pressure would say its "
            f"units" if positive in ("up", "down") else None)


#: The kind of level a vertical coordinate is (:func:`level_kind`) when it is a pressure or a
#: height or depth, whatever its units: a parametric model level's kind is its CF ``standard_name``.
PRESSURE_KIND, LENGTH_KIND = "pressure", "length"

#: The key of a level's kind in a model file's record of it (:func:`levels_record`); no attribute.
KIND_KEY = "kind"


def level_kind(coordinate: xr.DataArray | Coordinate) -> str | None:
    """The kind of level a vertical coordinate is: the CF ``standard_name`` of a parametric model
    level (:data:`PARAMETRIC_LEVELS`: ``"ocean_sigma_z_coordinate"``; ``"parametric"`` for one
    known by its ``formula_terms`` only, CF 1.8 §4.3.3), :data:`MODEL_LEVEL_KIND` for a model
    level known by its number (:func:`numbered_model_level`: ERA5's ``level`` of long_name
    ``model_level_number``), :data:`PRESSURE_KIND` or :data:`LENGTH_KIND` for a level of pressure
    or of height or depth (its units, read with pint); None when neither is known (no units, an
    index, a member). Two levels of the same value are
    the same level only when of the same kind: level 6 of an ocean sigma-z coordinate (MIROC's
    ``lev``, in m) is no depth of 6 m, its depth changing from cell to cell (break42b A1).

    Parameters
    ----------
    coordinate : xarray.DataArray or Coordinate
        The level, with its attributes (a model file's record of it: :func:`recorded_kind`).

    Returns
    -------
    str or None
    """
    if parametric_level(coordinate):
        return _parametric_name(coordinate) or "parametric"
    if numbered_model_level(coordinate):
        return MODEL_LEVEL_KIND
    quantity = _vertical_quantity(coordinate, str(coordinate.attrs.get("units", "")))
    return {"pressure": PRESSURE_KIND, "length": LENGTH_KIND}.get(quantity or "")


def level_kind_text(kind: str, coordinate: xr.DataArray | Coordinate | None = None, *,
                    positive: str | None = None) -> str:
    """A level's kind (:func:`level_kind`) in words, for a message: ``"an ocean sigma-z level (a
    model level, standard_name ocean_sigma_z_coordinate)"``, ``"a depth (in m, positive down)"``,
    ``"a pressure (in hPa)"``; ``coordinate`` gives the units, direction and ``formula_terms``,
    ``positive`` the direction without it (a run's record: ``"down"`` is a depth)."""
    attrs = {} if coordinate is None else coordinate.attrs
    units = str(attrs.get("units", "")).strip()
    if kind == PRESSURE_KIND:
        return f"a pressure{f' (in {units})' if units else ''}"
    if kind == LENGTH_KIND:
        positive = str(attrs.get("positive", positive or "")).strip().lower()
        what = {"down": "a depth", "up": "a height"}.get(positive, "a height or depth")
        said = ", ".join(part for part in (f"in {units}" if units else "",
                                           f"positive {positive}" if positive in ("up", "down") else "") if part)
        return f"{what}{f' ({said})' if said else ''}"
    if kind == MODEL_LEVEL_KIND:
        said = numbered_model_level(coordinate) if coordinate is not None else None
        return f"a model level number{f' ({said})' if said else ''}"
    words = PARAMETRIC_LEVELS.get(kind, "a parametric model level")
    formula = str(attrs.get("formula_terms", "")).strip()
    named = f"standard_name {kind}" if kind in PARAMETRIC_LEVELS else ""
    said = "; ".join(part for part in (named, f"formula_terms \"{formula}\"" if formula else "") if part)
    return f"{words}{f' ({said})' if said else ''}"


def _is_model_kind(kind: str) -> bool:
    return kind not in (PRESSURE_KIND, LENGTH_KIND)


def _measured(kind: str) -> str:
    """What the levels of ``kind`` are interpolated to: ``"depth"`` for an ocean model level,
    ``"pressure"`` for an atmosphere's (a hybrid height or SLEVE level: ``"height"``)."""
    if kind == PRESSURE_KIND or kind.startswith("atmosphere_") and not re.search(r"height|sleve", kind):
        return "pressure"
    return "depth" if kind.startswith("ocean_") else "height" if kind.startswith("atmosphere_") else "depth or height"


def _interpolation(measured: str) -> str:
    """How model levels are interpolated to levels of ``measured``, for a message."""
    return {"pressure": "cdo ml2pl", "height": "cdo ml2hl"}.get(
        measured, "each cell's depths computed from the formula_terms, CF Appendix D, and the values interpolated to "
                  "the depth, e.g. with xgcm's Grid.transform")


def other_kind_text(name: str, trained: str, coordinate: xr.DataArray | Coordinate, *, value: object, units: str,
                    positive: str | None, where: str, reference: str, chosen_by: str = "[data] select") -> str | None:
    """The refusal of new data whose level ``name`` is of another kind (:func:`level_kind`) than
    the level ``trained`` a run selected in ``reference`` (its training data) at ``value``:
    naming both kinds and the way out (interpolate to the run's kind of level first, or train a
    run on the model levels of the new data); None when the kinds agree or either is unknown.

    Parameters
    ----------
    name : str
        The coordinate.
    trained : str
        The kind of the run's level (:meth:`climann.workflow.predict.TrainedRun.selection_kinds`).
    coordinate : xarray.DataArray or Coordinate
        The new data's coordinate ``name``.
    value, units, positive : object, str, str or None
        The run's value, its units and the way it counted positive (``"up"``, ``"down"``), as
        its training data gave them.
    where, reference : str
        The new files and the run's data, for the message.
    chosen_by : str
        What chose the run's level, for the message: its ``[data] select``, or its file (a CF
        scalar coordinate).

    Returns
    -------
    str or None
    """
    kind = level_kind(coordinate)
    if kind is None or not trained or kind == trained:
        return None
    number = f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)
    # a model level's number is no quantity of its units (MIROC's sigma-z lev in m)
    shown = number if _is_model_kind(trained) or not units else f"{number} {units}"
    said = (f"{reference} are at {name}={shown} ({chosen_by}), {level_kind_text(trained, positive=positive)}, but "
            f"'{name}' in {where} is {level_kind_text(kind, coordinate)}: a level of the one kind is no level of the "
            f"other")
    if _is_model_kind(kind) and not _is_model_kind(trained):
        measured = "pressure" if trained == PRESSURE_KIND else _measured(kind)
        return (f"{said} (a model level's {measured} changes from cell to cell); interpolate {where} to the run's "
                f"{measured} first ({_interpolation(measured)}), or train a run on these data's model levels "
                f"(--select {name}=<one of their values>, a bare number)")
    if _is_model_kind(trained) and not _is_model_kind(kind):
        measured = "pressure" if kind == PRESSURE_KIND else _measured(trained)
        return (f"{said} (the run's model level has no one {measured}); give data on the run's model levels, or "
                f"train a run on data interpolated to a {measured} ({_interpolation(measured)}), chosen with its "
                f"units (--select '{name}=<value> <units>')")
    return f"{said}; give data on the run's kind of level, or train a run on these data's levels"


def ml2pl_needs(coordinate: xr.DataArray | Coordinate, name: str) -> str:
    """What ``cdo ml2pl`` needs of a file to interpolate the hybrid sigma-pressure level ``name``
    to pressure levels, for a message: the surface pressure (the ``ps`` of its ``formula_terms``),
    and the hybrid coefficients at the layer interfaces, which a file of the mid-layer ones alone
    lacks. CDO reads them from the level's CF bounds and their own ``formula_terms`` (CF-1.8
    Appendix D, "Atmosphere hybrid sigma pressure coordinate": ``ap_bnds``, ``b_bnds``); with ERA5's
    ``hyam`` and ``hybm`` only it finds "No 3D variable with hybrid sigma pressure coordinate"
    (break39b B10f; checked with CDO 2.1.1: the same file with the bounds interpolates).

    Parameters
    ----------
    coordinate : xarray.DataArray or Coordinate
        The level, with its attributes.
    name : str
        Its name.

    Returns
    -------
    str
        ``"needs the surface pressure sp in the file"``, and, without bounds, what else.
    """
    formula = str(coordinate.attrs.get("formula_terms", ""))
    terms = dict(re.findall(r"(\w+):\s*(\S+)", formula)) or {"ap": "", "b": "", "ps": "ps"}
    pressure = f"the surface pressure {terms['ps']}" if "ps" in terms else "the surface pressure"
    if "bounds" in coordinate.attrs:
        return f"needs {pressure} in the file"
    # the bounds' terms are the level's, each coefficient at the interfaces (CAM's a and p0 form too)
    bounds = {term: variable if term in ("ps", "p0") else f"{term}_bnds" for term, variable in terms.items()}
    coefficients = [variable for term, variable in bounds.items() if term not in ("ps", "p0")]
    return (f"needs {pressure} in the file and the coefficients at the layer interfaces, which this file lacks: "
            f"the level's bounds (CF Appendix D), e.g. {name}:bounds = \"{name}_bnds\" and {name}_bnds:formula_terms "
            f"= \"{' '.join(f'{term}: {variable}' for term, variable in bounds.items())}\" with "
            f"{' and '.join(coefficients)} ({name}, 2) at each layer's upper and lower interface (ECMWF's L137 table "
            f"gives them for ERA5); with the mid-layer ones alone cdo finds no hybrid level")


#: What ``cdo ml2pl`` needs of a GRIB file of model levels that cfgrib reads (its ``hybrid``): the
#: hybrid coefficients are in each message (its ``pv`` array), the surface pressure must be beside
#: them (checked with CDO 2.1.1: t on 3 hybrid levels and lnsp on level 1, in one GRIB2 file,
#: interpolate to 5000 Pa linearly in pressure between the levels' mid-layer pressures).
GRIB_ML2PL_NEEDS = ("needs the surface pressure in the same GRIB file (ERA5's lnsp, on hybrid level 1, or sp; "
                    "cdo merge adds it); the hybrid coefficients are in the GRIB messages (their pv array)")


def parametric_level_advice(coordinate: xr.DataArray | Coordinate, name: str, example: str,
                            asked_units: str = "", *, grib: bool = False, asked: float | None = None) -> str:
    """Why a parametric level, or a model level known by its number (:func:`numbered_model_level`),
    is no pressure or height, and how to choose one (``example``, its first value as written) or
    get a pressure level (``cdo ml2pl``): for a message; ``asked_units``: the units a value was
    given in (``hPa``), which say what a numbered model level was taken for, ``asked`` the value
    given in them (``50``: ``cdo ml2pl,5000``; without it, 850 hPa for an example); ``grib``: the level
    is that of GRIB files cfgrib read (its ``hybrid``), whose messages hold the coefficients
    (:data:`GRIB_ML2PL_NEEDS`), which cdo interpolates as they are."""
    numbered = numbered_model_level(coordinate)
    what = parametric_level(coordinate) or (f"a model level number ({numbered})" if numbered
                                            else "a parametric model level")
    formula = str(coordinate.attrs.get("formula_terms", "")).strip()
    quantity = "pressure" if "pressure" in what or "sigma" in what and "ocean" not in what else "height"
    if numbered:  # no formula to read: the quantity the user asked for (level=50 hPa of ERA5's model levels)
        quantity = "height" if asked_units and is_pressure_or_height(asked_units) \
            and not _is_pressure(asked_units) else "pressure"
    needs = (GRIB_ML2PL_NEEDS if grib else ml2pl_needs(coordinate, name) if not numbered else
             "needs the surface pressure (ERA5's lnsp) and the level's hybrid coefficients, as the GRIB model-level "
             "data hold them: interpolate those before converting to NetCDF")
    pascals = _in_pascals(asked, asked_units) if asked is not None and _is_pressure(asked_units) else 85000
    extension = ".grib" if grib else ".nc"
    way = (f"for a pressure level interpolate first, e.g. cdo ml2pl,{pascals} IN{extension} OUT{extension} (levels "
           f"in Pa; {needs})"
           if quantity == "pressure"
           else "for a level of one height or depth interpolate first (e.g. cdo ml2hl, or cdo intlevel)")
    computed = (f"is computed from its formula_terms{' (' + formula + ')' if formula else ''}"
                if not numbered and (formula or not grib) else "is computed from the surface pressure below it")
    return (f"'{name}' is {what}, not a {quantity}: each level's {quantity} {computed} and changes from cell to cell; "
            f"choose a model level by its own value as a bare number (e.g. --select {name}={example}, [data] select "
            f"= {{{name} = {example}}}), or {way}")


def _is_pure_number(units: str) -> bool:
    """Whether ``units`` are none, or those of a pure number (``"1"``, ``"level"``, read with pint;
    unreadable units are not)."""
    from climann.data.units import parse_units

    if not units.strip() or units.strip().lower() in ("1", "level", "levels", "layer", "~"):
        return True
    try:
        return bool(parse_units(units, variable="level").dimensionless)
    except (ClimannError, AttributeError):
        return False


def _vertical_quantity(coordinate: xr.DataArray | None, units: str) -> str | None:
    """``"pressure"`` or ``"length"``: what a level measures, read from its units with pint
    (a parametric model level, whose value is no pressure, measures neither); None."""
    from climann.data.units import parse_units

    if not str(units).strip() or (coordinate is not None and parametric_level(coordinate)):
        return None
    try:
        parsed = parse_units(str(units), variable="level")
    except (ClimannError, AttributeError):
        return None
    return next((kind for kind in ("pressure", "length") if parsed.check(f"[{kind}]")), None)


def positive_direction(coordinate: xr.DataArray | Coordinate) -> str | None:
    """``"up"`` or ``"down"``: the way a vertical coordinate of lengths counts positive (its CF
    ``positive`` attribute, CF conventions §4.3); None for one without it, another attribute
    value, a pressure or a parametric model level (no height nor depth, whose sign says
    nothing of a direction) or units that are no length."""
    positive = str(coordinate.attrs.get("positive", "")).strip().lower()
    if positive not in ("up", "down"):
        return None
    units = str(coordinate.attrs.get("units", "")).strip()
    return positive if _vertical_quantity(coordinate, units) == "length" else None


def counted_positive(value: float, *, counted: str, positive: str) -> float:
    """A vertical position ``value`` of a coordinate counted positive ``counted`` as a coordinate
    counted positive ``positive`` gives it: the same number when both count the same way, else
    its opposite (CF conventions §4.3: ``positive = "down"`` counts a depth, ``"up"`` a height,
    so a depth of 15 m is ``-15`` of an axis positive up, as ROMS and ECCO write it).

    Parameters
    ----------
    value : float
        The position, in the coordinate's units.
    counted, positive : str
        ``"up"`` or ``"down"``: the direction ``value`` is counted in, and the one wanted.

    Returns
    -------
    float

    Examples
    --------
    >>> counted_positive(15.0, counted="down", positive="up"), counted_positive(-15.0, counted="up", positive="up")
    (-15.0, -15.0)
    """
    return -value if {counted, positive} == {"up", "down"} else value


def counted_positive_text(name: str, value: float, positive: str, units: str) -> str:
    """``'depth' is positive up (CF §4.3), so a depth of 15 m is depth=-15``: the rule of
    :func:`counted_positive` for a message, ``value`` being a position along ``name``, counted
    positive ``positive``, in ``units``: a height where it is counted the way the axis is
    positive up or a depth down, else the other."""
    upward = (positive == "up") == (float(value) >= 0)
    units = f" {units}" if units else ""
    return (f"'{name}' is positive {positive} (CF §4.3), so a {'height' if upward else 'depth'} of "
            f"{abs(float(value)):g}{units} is {name}={float(value):g}")


def in_own_direction(coordinate: xr.DataArray | Coordinate, name: str, value: object, counted: str | None, *,
                     where: str, reference: str, said: list[str] | None = None) -> object:
    """The position ``value``, counted positive ``counted`` (``"up"`` or ``"down"``, recorded
    with a trained run's level), as ``coordinate`` (``name`` in ``where``) counts it
    (:func:`counted_positive`), said in a warning when it changes: a run trained at depth 15 m
    of a file positive down (``depth = 15``) is given ``depth = -15`` of new data positive up
    (break41c D1). Unchanged when either direction is unknown (:func:`positive_direction`) or
    ``value`` is no number. With ``said``, the warning's text is added to it instead, for the
    caller to give once the value is found (break42b A8)."""
    positive = positive_direction(coordinate)
    if positive is None or counted not in ("up", "down") or positive == counted \
            or isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return value
    converted = counted_positive(float(value), counted=counted, positive=positive)
    units = str(coordinate.attrs.get("units", "")).strip()
    shown = f" {units}" if units else ""
    text = (f"{name}={value:g}{shown} of {reference} (counted positive {counted}) is selected as {name}={converted:g}"
            f"{shown} in {where}: {counted_positive_text(name, converted, positive, units)}")
    if said is not None:
        said.append(text)
    else:
        _log.warning("%s", with_store_notes(text))
    return converted


def levels_on_new_dimensions(
    dataset: xr.Dataset, selection: Mapping[str, object], units: Mapping[str, str], *, where: str,
) -> tuple[dict[str, object], dict[str, str]]:
    """A run's selection (``{"level": 850}``, in ``units[dim]``) with each dimension that the
    new data lack named as the new data's dimension of the same quantity.

    ECMWF's new CDS (2024) writes ERA5 pressure levels along ``pressure_level`` (hPa,
    ``standard_name = "air_pressure"``) where the old one wrote ``level`` (millibars): the same
    vertical coordinate under another name. A selected dimension missing from ``dataset`` is
    matched to the one data dimension, or scalar coordinate (a download of one level: CF §5.7),
    whose coordinate is a level (:func:`is_level`, CF §4.3) of the same quantity (pressure, or a
    height or depth: units read with pint; a model level is neither, :func:`parametric_level`);
    the value, in the run's units, is then converted to the new coordinate's by
    :func:`climann.data.subset.select_values`. Said in a warning.
    Anything else (none, or several such dimensions) is left as it is, and refused there.

    Returns
    -------
    (dict, dict)
        The selection and the units, keyed by the new data's dimension names.
    """
    selection, units = dict(selection), dict(units)
    used = {dim for name in dataset.data_vars for dim in dataset[name].dims}
    for dim in [dim for dim in selection if dim not in used and dim in units]:
        quantity = _vertical_quantity(None, units[dim])
        # a download of one level keeps it as a scalar coordinate (old CDS: level(1) = 850 millibars, break55a A2)
        candidates = [*(other for other in dataset.dims if other in used and other in dataset.coords),
                      *(other for other, coordinate in dataset.coords.items() if coordinate.ndim == 0)]
        same = [str(other) for other in candidates if other not in selection and is_level(dataset[other])
                and _vertical_quantity(dataset[other], str(dataset[other].attrs.get("units", ""))) == quantity]
        if quantity is None or len(same) != 1:
            continue
        new = same[0]
        selection[new], units[new] = selection.pop(dim), units.pop(dim)
        own = str(dataset[new].attrs.get("units", "")).strip()
        _log.warning("%s has no dimension '%s' of the run's [data] select; its '%s' (%s, in %s) is the same %s "
                     "coordinate under another name (as ECMWF's new CDS names ERA5's level pressure_level): "
                     "the run's %s=%s %s is taken at %s", where, dim, new,
                     dataset[new].attrs.get("standard_name", "no standard_name"), own or "no units", quantity, dim,
                     selection[new], units[new], _level_in_own_units(dataset[new], new, selection[new], units[new]))
    return selection, units


#: Names of a dimension of pressure levels in the products' layouts: the old CDS's ``level``
#: (millibars), the new CDS's ``pressure_level`` (hPa), CMIP's ``plev``, cfgrib's ``isobaricInhPa``.
PRESSURE_LEVEL_NAMES = frozenset({"level", "lev", "plev", "pressure_level", "isobaricInhPa", "pressure"})


def training_levels_on_new_dimensions(dataset: xr.Dataset, selection: Mapping[str, object], *,
                                      where: str) -> dict[str, object]:
    """A training ``--select`` of a pressure level under a name of another layout
    (:data:`PRESSURE_LEVEL_NAMES`: ``level=850`` of the old CDS on a new-CDS file's
    ``pressure_level``) taken on the data's one dimension of pressure levels, as
    :func:`levels_on_new_dimensions` takes a trained run's for new data (one route; break54b A5:
    train refused it, naming only the dimensions). A bare number is in that coordinate's units (as
    :func:`climann.data.subset.select_values` reads one), a value with units (``"85000 Pa"``)
    converted there. Anything else is left as it is, and refused or selected there.

    Returns
    -------
    dict
        The selection, keyed by the data's dimension names.
    """
    used = {dim for name in dataset.data_vars for dim in dataset[name].dims}
    # a download of one level keeps it as a scalar coordinate (JRA-55's lv_ISBL1(1) = 850 hPa), as predict takes it
    candidates = [*(dim for dim in used if dim in dataset.coords),
                  *(name for name, coordinate in dataset.coords.items() if coordinate.ndim == 0)]
    pressures = [str(dim) for dim in candidates if dim not in selection and is_level(dataset[dim])
                 and _vertical_quantity(dataset[dim], str(dataset[dim].attrs.get("units", ""))) == "pressure"]
    missing = [dim for dim in selection if dim not in used and dim in PRESSURE_LEVEL_NAMES]
    if len(missing) != 1 or len(pressures) != 1:
        return dict(selection)
    dim, value = missing[0], selection[missing[0]]
    number, _, written = str(value).strip().partition(" ")
    units = written.strip() if isinstance(value, str) and written.strip() else str(
        dataset[pressures[0]].attrs.get("units", ""))
    try:
        given = value if isinstance(value, (int, float)) and not isinstance(value, bool) else float(number)
    except ValueError:
        return dict(selection)
    renamed, _ = levels_on_new_dimensions(dataset, {**selection, dim: given}, {dim: units}, where=where)
    if pressures[0] in renamed and isinstance(value, str):
        renamed[pressures[0]] = value  # with its units: converted by select_values
    return renamed


def _level_in_own_units(coordinate: xr.DataArray, name: str, value: object, units: str) -> str:
    """``"level=850 millibars"``: the run's level ``value`` (in ``units``, hPa) in the units of
    the new data's ``coordinate`` ``name``, converted with pint as
    :func:`climann.data.subset.select_values` then selects it; ``"level"`` with its units when
    they do not convert (that selection then refuses it)."""
    from climann.data.units import conversion

    own = str(coordinate.attrs.get("units", "")).strip()
    try:
        found = conversion(str(units), own, variable=name, attrs=coordinate.attrs) if own else None
        if found is not None and not found.along_time:
            return f"{name}={found.scale * float(value) + found.offset:g} {own}"
    except (ClimannError, TypeError, ValueError):
        pass
    return f"{name} ({own or 'no units'})"


def is_pressure_or_height(units: str) -> bool:
    """Whether ``units`` are those of a pressure or a length (hPa, Pa, m, km), read with pint."""
    from climann.data.units import parse_units

    if not units.strip():
        return False
    try:
        parsed = parse_units(units, variable="level")
        return bool(parsed.check("[pressure]") or parsed.check("[length]"))
    except (ClimannError, AttributeError):
        return False


def _in_pascals(value: float, units: str) -> int:
    """``value`` of a pressure in ``units`` (hPa) in whole pascals, as ``cdo ml2pl`` takes it."""
    from climann.data.units import parse_units

    quantity = parse_units(units, variable="level")
    return round(float((value * quantity).to("Pa").magnitude))


def _is_pressure(units: str) -> bool:
    """Whether ``units`` are those of a pressure (hPa, Pa, mbar, …), read with pint."""
    from climann.data.units import parse_units

    if not units.strip():
        return False
    try:
        return bool(parse_units(units, variable="level").check("[pressure]"))
    except (ClimannError, AttributeError):
        return False


def levels_record(levels: tuple[Coordinate, ...]) -> dict[str, dict]:
    """Levels in JSON form for a model file: name → ``{"value": …, "units": …, …}`` (the
    :data:`KEPT_ATTRIBUTES` the coordinate has)."""
    return {level.name: {"value": np.asarray(level.values).item(),
                         **{key: str(level.attrs[key]) for key in KEPT_ATTRIBUTES if key in level.attrs},
                         **({KIND_KEY: kind} if (kind := level_kind(level)) is not None else {})}
            for level in levels}


def from_record(name: str, record: Mapping) -> Coordinate:
    """A level of :func:`levels_record` as a Coordinate of shape () (its kind, :data:`KIND_KEY`,
    no attribute of it: :func:`recorded_kind`)."""
    attrs = {key: value for key, value in record.items() if key not in ("value", KIND_KEY)}
    return Coordinate(name, np.asarray(record["value"]), attrs)


def recorded_kind(name: str, record: Mapping) -> str | None:
    """The kind (:func:`level_kind`) of a level of a model file's record (:func:`levels_record`):
    as recorded (:data:`KIND_KEY`), or, for a run trained before the record, read from the
    attributes it kept (``standard_name``, ``units``): a parametric level known by its
    ``formula_terms`` alone is then unknown (None)."""
    kind = record.get(KIND_KEY)
    return str(kind) if kind else level_kind(from_record(name, record))


def matching_level(trained: Coordinate, levels: tuple[Coordinate, ...]) -> Coordinate | None:
    """The level among ``levels`` that stands for ``trained``: of the same name, else the one
    of the same ``standard_name`` (``plev`` and ``pressure``, both ``air_pressure``); None."""
    for level in levels:
        if level.name == trained.name:
            return level
    kind = trained.attrs.get("standard_name")
    same_kind = [level for level in levels if kind and level.attrs.get("standard_name") == kind]
    return same_kind[0] if len(same_kind) == 1 else None


def same_level(trained: Coordinate, level: Coordinate) -> bool:
    """Whether ``level`` is the level ``trained``: the same value within a relative
    :data:`LEVEL_TOLERANCE` once converted to ``trained``'s units with pint
    (:func:`climann.data.units.conversion`: 850 hPa is 85000 Pa) and counted the way
    ``trained`` is (:func:`counted_positive`: depth 15 m of an axis positive down is depth
    -15 m of one positive up, CF §4.3); text values equal. A level whose units do not convert,
    or of another kind (:func:`level_kind`: level 6 of an ocean sigma-z coordinate, in m, is no
    depth of 6 m), is another level; the numbers are compared as they are when either side has
    no units."""
    from climann.data.units import conversion

    kinds = (level_kind(trained), level_kind(level))
    if None not in kinds and kinds[0] != kinds[1]:
        return False
    old, new = np.asarray(trained.values).item(), np.asarray(level.values).item()
    if isinstance(old, (str, bytes)) or isinstance(new, (str, bytes)):
        return old == new
    units, to = str(level.attrs.get("units", "")).strip(), str(trained.attrs.get("units", "")).strip()
    if units and to and units != to:
        try:
            found = conversion(units, to, variable=level.name, attrs=level.attrs)
        except ClimannError:
            return False
        if found is None or found.along_time:
            return False
        new = found.scale * float(new) + found.offset
    counted, positive = positive_direction(level), positive_direction(trained)
    if counted is not None and positive is not None:
        new = counted_positive(float(new), counted=counted, positive=positive)
    return bool(np.isclose(float(new), float(old), rtol=LEVEL_TOLERANCE, atol=0.0))


def chosen_levels(scalar_coordinates: Sequence[Coordinate]) -> list[Coordinate]:
    """The scalar coordinates (:attr:`~climann.data.layout.GridLayout.scalar_coordinates`) that
    say at which level (depth, height, pressure, member …) the values are, chosen with
    ``select`` or kept as the file's: numbers that are no station's name, number (CF
    ``cf_role``) or index (break38b C3: a borehole's series at 3 m was titled without its depth,
    and a depth of no value refused without naming it).

    Parameters
    ----------
    scalar_coordinates : sequence of Coordinate
        Each of one value.

    Returns
    -------
    list of Coordinate
        In their order; :func:`level_text` shows each (``depth = 3 m``).
    """
    return [coordinate for coordinate in scalar_coordinates
            if np.asarray(coordinate.values).dtype.kind in "iuf" and np.asarray(coordinate.values).size == 1
            and "cf_role" not in coordinate.attrs and coordinate.attrs.get("long_name") != STATION_INDEX_NAME]


def level_text(level: Coordinate) -> str:
    """``plev = 85000 Pa`` for a message."""
    value = np.asarray(level.values).item()
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    units = str(level.attrs.get("units", "")).strip()
    return f"{level.name} = {shown}{' ' + units if units else ''}"
