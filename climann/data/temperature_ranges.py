"""Temperatures beyond any that Earth's air, sea, soil or surface holds: a scale or unit forgotten.

GHCN-Daily's ``.dly`` files store TMAX and TMIN in tenths of °C; a conversion that forgot the
division by 10 wrote ``air_temperature`` in ``degC`` from -114 to 352, which no check caught
(break46d A4: a value below absolute zero is read as missing, :mod:`climann.data.absolute_zero`,
but 352 °C is above it). A temperature of a known kind (:func:`temperature_kind`: the air near
the surface or aloft, sea or lake water, soil, a land or sea surface, by its ``standard_name``,
else its name or ``long_name``) read (after its units are converted to °C by pint) beyond the
range that kind reaches on Earth (:data:`EARTH_RANGES`, °C, each with its source) is named in one
warning per variable (:func:`warn_beyond_earth`): its lowest and highest values, the kind's
range, and the way out that brings the values into it, if one does:

- values in K under a Celsius or Fahrenheit unit (250 to 310 "degC"): the ``ncatted`` that sets
  ``units`` to ``K``;
- values ten or a hundred times the temperature (tenths or hundredths of a degree, GHCN-Daily's
  and ISD's): the ``ncatted`` that sets the ``scale_factor`` 0.1 or 0.01 (times the one the file
  has, its ``add_offset`` too), so that every reader decodes them (NUG, "Attribute Conventions").

A scale or unit is judged by the values as a whole, not by the lowest and highest alone: the share
of the values in the kind's range, counted as the extremes are read, as they are and read each way
proposed (a robust statistic, as percentiles are: one cell out of range moves the extremes, not the
share). A field of which at least :data:`PLAUSIBLE_SHARE` lie in range as they are holds a few values
out of range, not values of another scale, and its warning says so without a scale (break53a A3:
NEMO's votemper from -5.04 to 31.8 degC, 0.08 % below -3 °C, median 16.3 °C, was "most likely tenths
of a degree", a tropical 31.8 °C made 3.18 °C); a scale is proposed when that share of the values it
reads lie in range (the same field in tenths was told "hundredths", its one -50.4 read as -5.04 °C).

Values are warned of, not refused nor masked: only the file's maker knows the scale, and a
warning names the values a scale fault leaves (a GHCN station whose every TMAX lies in range
has none). Only the kinds listed are checked: a potential or equivalent potential temperature
(hundreds of K above the air's in the stratosphere), a brightness temperature or a fire's have
no such range here, and temperature differences (anomalies, :func:`~climann.data.absolute_zero.absolute_zero`
None) none at all. The values are read in the pass of the run's other checks of every value
(:mod:`climann.data.value_checks`); fill-like values no attribute marks (-9999, 1e20) are left
out, being named by their own warning (:mod:`climann.data.fill_like`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.absolute_zero import absolute_zero
from climann.data.fill_like import (BlockReads, blocks_by_place, command_target, fill_like_values, marking_command,
                                   name_in_command)
from climann.data.shell import ncatted_attribute, ncatted_number, ncatted_type
from climann.data.notes import with_store_notes
from climann.data.sources import files_text, source_files
from climann.data.standard_names import standard_name_of
from climann.data.units import parse_units, unit_registry
from climann.errors import ClimannError

__all__ = ["EARTH_RANGES", "PLAUSIBLE_SHARE", "SCALES", "planned_temperature_extremes", "temperature_kind",
           "warn_beyond_earth"]

_log = logging.getLogger(__name__)

#: The range of each kind of temperature on Earth, in °C, widened a little beyond the records
#: (a model's or a reanalysis's extremes reach a few degrees past them), and where it comes from.
EARTH_RANGES: dict[str, tuple[float, float, str]] = {
    "air near the surface": (-100.0, 60.0, "the coldest air measured, -89.2 °C at Vostok, and the hottest, 56.7 °C "
                             "in Death Valley (WMO Archive of Weather and Climate Extremes)"),
    "air aloft": (-150.0, 60.0, "the mesopause's air, near -130 °C at its coldest, to the hottest near the surface"),
    "sea water": (-3.0, 40.0, "sea water freezes near -1.9 °C (-2.5 °C supercooled under ice shelves); the warmest "
                  "open sea, the Persian Gulf's, reaches about 36 °C"),
    "lake or river water": (-1.0, 45.0, "fresh water freezes at 0 °C; the warmest lakes reach about 40 °C"),
    "soil": (-70.0, 85.0, "soil follows the air in a polar winter and reaches 70 to 80 °C at the surface of a "
             "hot desert"),
    "land or sea surface": (-100.0, 95.0, "the coldest snow surface measured from space, -98 °C on the East "
                            "Antarctic plateau, and the hottest land surface, 80.8 °C in the Lut desert (MODIS)"),
}

#: The scale factors tried, in order, to bring values of tenths or hundredths of a degree into range.
SCALES = (0.1, 0.01)

#: The share of a temperature's values in its kind's range (:data:`EARTH_RANGES`) as they are from
#: which no scale or unit is proposed for the others: at least 99 % in range (the 0.5th and 99.5th
#: percentiles within it, or the values beyond all on one side) is a field in its units with a few
#: values out of range (a model's supercooled cells), not one whose every value is ten times it.
PLAUSIBLE_SHARE = 0.99

#: CF ``standard_name`` → kind (:data:`EARTH_RANGES`); ``air_temperature`` is of the air near the
#: surface or aloft by its vertical coordinate (:func:`_aloft`).
_KIND_BY_STANDARD_NAME = {
    "air_temperature": "air", "dew_point_temperature": "air near the surface",
    "wet_bulb_temperature": "air near the surface",
    "sea_surface_temperature": "sea water", "sea_water_temperature": "sea water",
    "sea_water_potential_temperature": "sea water", "sea_water_conservative_temperature": "sea water",
    "sea_surface_foundation_temperature": "sea water", "sea_surface_subskin_temperature": "sea water",
    "sea_surface_skin_temperature": "sea water", "lake_surface_temperature": "lake or river water",
    "soil_temperature": "soil", "surface_temperature": "land or sea surface",
}

#: Names (lower case) of temperatures without a ``standard_name``: CMIP's, ERA5's, GHCN-Daily's.
_KIND_BY_NAME = {
    **dict.fromkeys(("tas", "tasmax", "tasmin", "t2m", "2t", "mx2t", "mn2t", "tmax", "tmin", "tavg", "tmean",
                     "tx", "tn", "tg", "d2m", "2d"), "air near the surface"),
    **dict.fromkeys(("ta",), "air"),
    **dict.fromkeys(("sst", "tos", "thetao", "analysed_sst", "sosstsst"), "sea water"),
    **dict.fromkeys(("tsl", "stl1", "stl2", "stl3", "stl4"), "soil"),
    **dict.fromkeys(("skt", "ts"), "land or sea surface"),
}

#: Words of a ``long_name`` that say a kind, the first found deciding.
_KIND_WORDS = (
    (re.compile(r"potential|equivalent|virtual|brightness|fire|dew\s*point\s*depression", re.IGNORECASE), None),
    (re.compile(r"\bsoil\b", re.IGNORECASE), "soil"),
    (re.compile(r"\b(sea|ocean)\b.*\btemperature|\bSST\b", re.IGNORECASE), "sea water"),
    (re.compile(r"\b(lake|river)\b.*\btemperature", re.IGNORECASE), "lake or river water"),
    (re.compile(r"\b(skin|surface)\s+temperature", re.IGNORECASE), "land or sea surface"),
    (re.compile(r"\bair\s+temperature|\b2\s*m(etre|eter)?\s+temperature|\b(maximum|minimum|mean)\s+temperature|"
                r"\bdew\s*point", re.IGNORECASE), "air"),
)


def temperature_kind(name: str, variable: xr.DataArray) -> str | None:
    """Which kind of Earth's temperatures a variable holds (a key of :data:`EARTH_RANGES`), or None.

    Parameters
    ----------
    name : str
        The variable's name (``tas``, ``TMAX``: :data:`_KIND_BY_NAME`, read case-blind).
    variable : xarray.DataArray
        Decoded: its ``standard_name`` (:data:`_KIND_BY_STANDARD_NAME`), else its name, else its
        ``long_name``; its vertical coordinates tell the air aloft from the air near the surface.

    Returns
    -------
    str or None
        None for a temperature of no kind listed (a potential temperature, a brightness
        temperature), or for what is no temperature on a scale (:func:`~climann.data.absolute_zero.absolute_zero`).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> temperature_kind("TMAX", xr.DataArray(np.zeros(2), dims="time", attrs={"units": "degC"}))
    'air near the surface'
    >>> temperature_kind("theta", xr.DataArray(np.zeros(2), dims="time", attrs={"units": "K",
    ...     "standard_name": "air_potential_temperature"})) is None
    True
    """
    if absolute_zero(name, variable) is None:
        return None
    standard = standard_name_of(variable.attrs)
    if standard:
        kind = _KIND_BY_STANDARD_NAME.get(standard)
    elif name.lower() in _KIND_BY_NAME:
        kind = _KIND_BY_NAME[name.lower()]
    else:
        long_name = str(variable.attrs.get("long_name", ""))
        kind = next((said for words, said in _KIND_WORDS if words.search(long_name)), None)
    if kind == "air":
        return "air aloft" if _aloft(variable) else "air near the surface"
    return kind


def _aloft(variable: xr.DataArray) -> bool:
    """Whether a variable lies on levels of the free atmosphere: a coordinate (a dimension or a
    scalar) in units of a pressure, or a vertical one (``axis = "Z"``, ``positive``) of lengths
    beyond 10 m (CMIP's ``height = 2 m`` of ``tas`` is near the surface)."""
    import pint

    for coordinate in variable.coords.values():
        attrs = coordinate.attrs
        units = attrs.get("units")
        try:
            dimensions = dict(parse_units(str(units), variable=str(coordinate.name)).dimensionality) if units else {}
        except (ClimannError, pint.PintError):  # a coordinate's unreadable units say nothing of the level
            dimensions = {}
        if dimensions == {"[mass]": 1, "[length]": -1, "[time]": -2}:
            return True
        vertical = attrs.get("axis") == "Z" or "positive" in attrs
        if vertical and coordinate.dtype.kind in "fiu" and coordinate.size:
            if dimensions != {"[length]": 1} or float(np.nanmax(np.abs(coordinate.values))) > 10:
                return True
    return False


def _extremes(block: np.ndarray, excluded: Sequence[float], ranges: Sequence[tuple[float, float]] = ()
              ) -> tuple[float, float, tuple[int, ...], int]:
    """The lowest and highest finite value of ``block``, the ``excluded`` values left out ((inf,
    -inf) when none is), how many of them lie in each of ``ranges`` (inclusive) and how many there are."""
    block = np.asarray(block)
    kept = np.isfinite(block) if block.dtype.kind == "f" else np.ones(block.shape, dtype=bool)
    if len(excluded):
        kept &= ~np.isin(block, excluded)
    if not kept.any():
        return np.inf, -np.inf, (0,) * len(ranges), 0
    values = block[kept]
    inside = tuple(int(np.count_nonzero((values >= low) & (values <= high))) for low, high in ranges)
    return float(values.min()), float(values.max()), inside, int(values.size)


def _reading_ranges(kind: str, units: str, name: str) -> dict[float | str, tuple[float, float]]:
    """The values that are in the kind's range (:data:`EARTH_RANGES`) read each way
    :func:`_way_out` may propose, as stored under ``units``: as they are (key 1.0), as kelvins
    (``"K"``, under units that are not kelvins), and times each of :data:`SCALES`; empty when
    ``units`` are not read (by pint)."""
    import pint

    low, high, _ = EARTH_RANGES[kind]
    registry = unit_registry()
    try:
        quantity = parse_units(units, variable=name)
        edges = registry.Quantity(np.array([low, high]), "degC").to(quantity.units).magnitude / float(
            quantity.magnitude)
    except (ClimannError, pint.PintError):
        return {}
    ranges: dict[float | str, tuple[float, float]] = {
        scale: (float(min(edges) / scale), float(max(edges) / scale)) for scale in (1.0, *SCALES)}
    if quantity.units != registry.Unit("kelvin"):
        ranges["K"] = (low + 273.15, high + 273.15)
    return ranges


def planned_temperature_extremes(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = ()
                                 ) -> BlockReads:
    """The reads of every block of the temperatures of a known kind among ``names``
    (:func:`temperature_kind`), answering variable name → (lowest, highest, shares): its extremes in
    its units, and the share of its values in its kind's range read each way :func:`_reading_ranges`
    gives (as they are: key 1.0; none when its units are not read), fill-like values left out, for
    :func:`warn_beyond_earth`.

    ``shared``: the variables whose blocks keep the keys of the file's reads
    (:func:`~climann.data.fill_like.blocks_by_step`), read once with the other checks."""
    tasks, owners, readings = [], [], {}
    for name in names:
        if name not in dataset.data_vars or (kind := temperature_kind(name, dataset[name])) is None:
            continue
        variable = dataset[name]
        excluded = [float(form) for value in fill_like_values(variable) for form in value.decoded]
        readings[name] = _reading_ranges(kind, str(variable.attrs["units"]), name)
        for block, _ in blocks_by_place(variable.data, shared=name in shared):
            tasks.append(dask.delayed(_extremes)(block, excluded, tuple(readings[name].values())))
            owners.append(name)

    def finish(results: Sequence[tuple[float, float, tuple[int, ...], int]]
               ) -> dict[str, tuple[float, float, dict[float | str, float]]]:
        found: dict[str, tuple[float, float, np.ndarray, int]] = {}
        for name, (low, high, inside, count) in zip(owners, results, strict=True):
            before = found.get(name, (np.inf, -np.inf, np.zeros(len(inside), dtype=np.int64), 0))
            found[name] = (min(before[0], low), max(before[1], high), before[2] + inside, before[3] + count)
        return {name: (low, high, {reading: int(held) / count for reading, held in zip(readings[name], inside)})
                for name, (low, high, inside, count) in found.items() if np.isfinite(low)}

    return BlockReads(tasks, finish)


def _in_celsius(values: Sequence[float], units: str, name: str) -> np.ndarray:
    """``values`` in ``units`` (a temperature on a scale) converted to °C by pint."""
    quantity = parse_units(units, variable=name)
    registry = unit_registry()
    return registry.Quantity(np.asarray(values, dtype=float) * quantity.magnitude, quantity.units).to("degC").magnitude


def _within(celsius: np.ndarray, kind: str) -> bool:
    low, high, _ = EARTH_RANGES[kind]
    return bool(low <= celsius.min() and celsius.max() <= high)


def _way_out(name: str, variable: xr.DataArray, edges: tuple[float, float], kind: str,
             file: str | Path | None, shares: Mapping[float | str, float] | None = None) -> str:
    """The words and ``ncatted`` that bring the values into the kind's range: units ``K`` for
    kelvins under a Celsius or Fahrenheit unit, else the first of :data:`SCALES` that does (times
    the file's own packing); "" when none does. A reading brings them in when :data:`PLAUSIBLE_SHARE`
    of them or more are then in range (``shares``, :func:`planned_temperature_extremes`), else, its
    share not known, when both ``edges`` are. None of them when that many are in range as they are:
    words that say so instead."""
    units = str(variable.attrs["units"])
    shares = shares or {}
    if shares.get(1.0, 0.0) >= PLAUSIBLE_SHARE:
        return (f"; {_percent(shares[1.0])} of them lie in that range, {_percent(1 - shares[1.0])} beyond it: a "
                f"few values out of range, not a scale or unit forgotten, which would put most of them beyond it")

    def plausible(reading: float | str, celsius: np.ndarray) -> bool:
        return shares[reading] >= PLAUSIBLE_SHARE if reading in shares else _within(celsius, kind)

    target = command_target(variable, np.array([]), file)
    name = name_in_command(name, variable, np.array([]), file)  # as the file holds it (a rename's source)
    if parse_units(units, variable=name).units != unit_registry().Unit("kelvin") and plausible(
            "K", _in_celsius(edges, "K", name)):
        fix = marking_command([ncatted_attribute("units", name, "o", "c", "K")], target, folder="units_fixed")
        return f"; if they are kelvins, as their values read, say so: {fix}"
    for scale in SCALES:
        if not plausible(scale, _in_celsius(np.multiply(edges, scale), units, name)):
            continue
        encoding = variable.encoding
        packed = {key: encoding[key] for key in ("scale_factor", "add_offset") if key in encoding}
        stored = np.dtype(encoding.get("dtype", variable.dtype))
        kind_of = np.result_type(*[np.asarray(value).dtype for value in packed.values()]) if packed else (
            stored if stored.kind == "f" else np.dtype("f4"))
        changes = [ncatted_attribute(key, name, "o", ncatted_type(kind_of),
                                     ncatted_number(float(packed.get(key, 1.0 if key == "scale_factor" else 0.0))
                                                    * scale, kind_of))
                   for key in ("scale_factor", *(["add_offset"] if packed.get("add_offset") else []))]
        tenths = {0.1: "tenths", 0.01: "hundredths"}[scale]
        return (f"; most likely they are {tenths} of a degree (×{scale:g}: {np.multiply(edges, scale)[0]:g} to "
                f"{np.multiply(edges, scale)[1]:g} {units}), as GHCN-Daily's .dly files store TMAX and TMIN: a "
                f"scale_factor says so to every reader: {marking_command(changes, target, folder='scaled')}")
    return ""


def _percent(share: float) -> str:
    """``share`` (0…1) as a percentage of three significant digits, never rounded to 100 % or 0 %
    when it is not."""
    percent = 100 * share
    text = f"{percent:.3g}"
    if float(text) == 100 and percent < 100:
        text = f"{percent:.6g}" if f"{percent:.6g}" != "100" else "99.9999"
    return f"{text} %"


def warn_beyond_earth(dataset: xr.Dataset, found: Mapping[str, tuple], *, where: str,
                      file: str | Path | None) -> list[str]:
    """Warn, one line per variable, when a temperature of a known kind (:func:`temperature_kind`)
    holds values beyond that kind's range on Earth (:data:`EARTH_RANGES`), with the way out that
    brings them into it (:func:`_way_out`); they are used as data as they are.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    found : mapping
        :func:`planned_temperature_extremes`'s answer: variable name → (lowest, highest, shares),
        the shares of the values in range read each way optional (:func:`_way_out`).
    where : str
        The files, for the message, when the variable does not record its own.
    file : str or Path or None
        The file the command names when the variable records none.

    Returns
    -------
    list of str
        The warnings logged.
    """
    said = []
    for name, reading in found.items():
        edges, shares = (reading[0], reading[1]), (reading[2] if len(reading) > 2 else None)
        variable = dataset[name]
        kind = temperature_kind(name, variable)
        units = str(variable.attrs["units"])
        if kind is None or _within(_in_celsius(edges, units, name), kind):
            continue
        low, high, source = EARTH_RANGES[kind]
        files = source_files(variable)
        message = (f"'{name}' in {files_text(files) if files else where} holds temperatures from {edges[0]:g} to "
                   f"{edges[1]:g} {units}, beyond any of the {kind} on Earth ({low:g} to {high:g} °C: {source}); they "
                   f"are used as data as they are{_way_out(name, variable, edges, kind, file, shares)}")
        _log.warning("%s", with_store_notes(message))
        said.append(message)
    return said
