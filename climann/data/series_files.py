"""The files of one variable's series must hold one quantity: the same level, sign convention,
statistic over time and kind of temperature.

A variable split over several files (one per period, per download or per provider) is read
as one series: every later file is brought to the units of the first that holds it
(:class:`climann.data.open._FirstUnits`). Units are not all a file says of what its values
are. Per-level downloads all name the variable ``ta`` and say its level only in a CF scalar
coordinate (CF 1.8 §5.7: ``plev = 85000 Pa`` in one file, ``50000 Pa`` in the next); a flux
may be written upward in one file and downward in the next (``standard_name`` and
``positive``); a series may change from monthly means to monthly maxima (``cell_methods``,
CF §7.3) or from temperatures to anomalies (``units_metadata``, CF-1.11 §3.1.2). Joined, they
trained and scored one series of two quantities with exit 0 (break19b F2b–F2d: a 500 hPa year
inside an 850 hPa series, test climatology MSE 435.5 K² against 1.46). ``predict`` and
``evaluate`` already refuse new data that differ so from the model's
(:mod:`climann.workflow.new_data`); :func:`check_series_file` makes the same comparisons
between each later file of a series and the first, and refuses in one line naming both files,
both values and the way out. An attribute missing in either file is not compared (ERA5's
``t2m`` has no ``height``), except ``units_metadata = "temperature: difference"``, which an
absolute temperature never says.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.cell_methods import over_each_cell, time_cell_method
from climann.data.levels import level_text, matching_level, same_level
from climann.data.paths import is_grib_file
from climann.data.quantities import quantity_record, quantity_refusal, quantity_text
from climann.data.series_coordinates import scalar_coordinate_refusal, series_way_out, share_time_steps, value_suffix
from climann.data.shell import (
    attribute_command, copy_in_place_advice, copy_path, input_and_copy, ncatted_attribute, none_there,
    original_and_copy, working_path,
)
from climann.data.sources import name_in_file
from climann.data.time_zones import TIME_ZONE_READING_KEY
from climann.data.units import TEMPERATURE_DIFFERENCE
from climann.data.variables import variable_levels
from climann.errors import ClimannError

__all__ = ["check_series_file", "series_file_refusal"]


def _difference(attrs: dict) -> bool:
    """Whether ``units_metadata`` says a temperature difference (CF-1.11 §3.1.2)."""
    text = str(attrs.get("units_metadata", "")).replace(" ", "").lower()
    return text == "temperature:difference"


def check_series_file(name: str, first: xr.Dataset, first_path: Path, later: xr.Dataset, later_path: Path) -> None:
    """Refuse a later file of ``name``'s series whose values are of another quantity than the
    first file's (see the module's rules): :func:`series_file_refusal`, raised.

    Raises
    ------
    ClimannError
        The refusal, when there is one.
    """
    refusal = series_file_refusal(name, first, first_path, later, later_path)
    if refusal is not None:
        raise ClimannError(refusal)


def _forecast_start(dataset: xr.Dataset) -> np.ndarray | None:
    """The file's one forecast reference time (a scalar coordinate of CF ``standard_name =
    "forecast_reference_time"``, cfgrib's ``time``), or None."""
    for coordinate in dataset.coords.values():
        if coordinate.attrs.get("standard_name") == "forecast_reference_time" and coordinate.size == 1:
            return np.asarray(coordinate.values).ravel()[0]
    return None


def _steps_of_one_forecast(name: str, level, other, first: tuple[xr.Dataset, Path], later: tuple[xr.Dataset, Path]
                           ) -> str | None:
    """The refusal of one forecast's lead times (CF ``forecast_period``, cfgrib's ``step``) given one
    per file from the same start (NCEP GEFS's ``gec00.t00z.pgrb2a.0p50.f006`` … ``f180``): steps, not
    levels, which climann reads as a series of valid times from one file (break42c B2: "give the files
    of one level"); the way out joins them (GRIB messages concatenate: ``cat``). None when ``level``
    is no lead time or the files start at different times."""
    if level.attrs.get("standard_name") != "forecast_period":
        return None
    starts = [_forecast_start(dataset) for dataset, _ in (first, later)]
    if starts[0] is None or starts[1] is None or starts[0] != starts[1]:
        return None
    (_, first_path), (_, later_path) = first, later
    # the names' common start, without the digits of the step that begin there: gec00.t00z.pgrb2a.0p50.f
    prefix = re.sub(r"\d+$", "", first_path.name[:_common_length(first_path.name, later_path.name)])
    said = (f"'{name}' is at {level_text(level)} in {first_path.name} but at {level_text(other)} in "
            f"{later_path.name}, both from the forecast started {starts[0]}: lead times of one forecast, one "
            f"step per file, not levels; climann reads one forecast's steps as a series of valid times from one file")
    if not is_grib_file(first_path) or not prefix:
        return f"{said}: join the files into one along their valid times and give that file alone"
    suffix = first_path.suffix
    pattern = shlex.quote(working_path(first_path.with_name(prefix))) + "*" + (shlex.quote(suffix) if suffix else "")
    # named by the start before the step's letters (gec00.t00z.pgrb2a.0p50_steps.grib2): outside the pattern, never
    # an existing file (copy_path)
    base = re.sub(r"[^._-]*$", "", prefix).rstrip("._-") or "forecast"
    joined_path = copy_path(first_path.with_name(f"{base}{suffix}"), "steps", suffix)
    # the shell's > writes over a file there (followed twice, or the name taken since printed): none_there first
    joined = f"{none_there(joined_path)}cat {pattern} > {shlex.quote(working_path(joined_path))}"
    return f"{said}: join them (`{joined}`; GRIB messages join as they are) and give that file alone"


def _common_length(one: str, other: str) -> int:
    """How many characters ``one`` and ``other`` begin with in common."""
    length = 0
    while length < min(len(one), len(other)) and one[length] == other[length]:
        length += 1
    return length


def series_file_refusal(name: str, first: xr.Dataset, first_path: Path, later: xr.Dataset, later_path: Path, *,
                        later_name: str | None = None) -> str | None:
    """Why a later file's ``later_name`` (by default ``name``) is not one series with ``name``
    of the first file (see the module's rules), or None when it is.

    Parameters
    ----------
    name : str
        The variable, present in ``first``.
    first, later : xarray.Dataset
        The first file of the series that holds it, and a later one, as opened (lazy; only
        attributes and scalar coordinates are read).
    first_path, later_path : pathlib.Path
        Their files, for the messages and commands.
    later_name : str, optional
        The variable's name in ``later`` when it is another
        (:mod:`climann.data.series_names` asks whether ``t2m`` would join ``tas``).

    Returns
    -------
    str or None
        The one-line refusal: the files' time units carry a time-zone offset read on local
        dates in one file and as UTC instants in the other (:mod:`climann.data.time_zones`),
        or the variable is at another level (a scalar coordinate of the same name or
        ``standard_name`` with another value, compared in the first file's units with pint:
        850 hPa is 85000 Pa), at another value of a scalar coordinate that is no level
        (``wavelength``, ``area_type``, ``region``, ``threshold``:
        :func:`climann.data.series_coordinates.scalar_coordinate_refusal`), of another
        ``standard_name`` or ``positive``, of another time
        statistic (the time part of ``cell_methods``), or a temperature difference in one
        file and not in the other; naming both files, both values and the way out.
    """
    one, two = first_path.name, later_path.name
    own, theirs = first[name], later[later_name or name]
    readings = [{dataset[dim].encoding.get(TIME_ZONE_READING_KEY) for dim in variable.dims
                 if dim in dataset.coords} - {None} for dataset, variable in ((first, own), (later, theirs))]
    if readings[0] and readings[1] and readings[0] != readings[1]:
        local, utc = (one, two) if "local" in readings[0] else (two, one)
        return (
            f"the time units of '{name}' in {one} and {two} carry a time-zone offset, and each file holds too few "
            f"stamps to tell its step: {local}'s stamp, at local midnight, was read on its local date, {utc}'s as an "
            f"instant in UTC, so the series' stamps are not comparable; join the files first (cdo mergetime "
            f"FILES joined.nc: a series' step tells local days from instants), or give each file its time bounds "
            f"(cdo settbounds,1hour or settbounds,day)")
    for level in variable_levels(first, name):
        other = matching_level(level, variable_levels(later, later_name or name))
        if other is not None and not same_level(level, other):
            steps = _steps_of_one_forecast(name, level, other, (first, first_path), (later, later_path))
            if steps is not None:
                return steps
            way_out = series_way_out(name, "level", f"{name}_{value_suffix(other)}", later_path,
                                     side_by_side=share_time_steps(first, later))
            return (
                f"'{name}' is at {level_text(level)} in {one} but at {level_text(other)} in {two} (CF scalar "
                f"coordinates): the files of one variable are one series, at one level; {way_out}")
    # any other scalar coordinate of the quantity (wavelength, area_type, region, threshold): see
    # climann.data.series_coordinates
    refusal = scalar_coordinate_refusal(name, first, first_path, later, later_path, later_name=later_name)
    if refusal is not None:
        return refusal
    refusal = quantity_refusal(name, quantity_record(own.attrs), quantity_record(theirs.attrs),
                               where=two, file=str(later_path), reference=f"{one} gives",
                               otherwise="give the files of one convention (the files of one variable are one "
                                         "series of one quantity)")
    if refusal is not None:
        return _original_beside_copy(name, (first, first_path), (later, later_path), own.attrs, theirs.attrs) or refusal
    # a series' files are on ordinary time cells: Daymet's "time: sum within days time: sum over days" is time: sum
    method, other_method = (over_each_cell(time_cell_method(str(variable.attrs.get("cell_methods", "")) or None))
                            for variable in (own, theirs))
    if method and other_method and method != other_method:
        # each file's own name of the variable, not the one a rename rule gave it (verify28 V4)
        stored, wanted = name_in_file(theirs, later_name or name), own.attrs["cell_methods"]
        files = input_and_copy(str(later_path))
        script = shlex.quote(f'{stored}@cell_methods="{wanted}"')
        fix = attribute_command([ncatted_attribute("cell_methods", stored, "o", "c", wanted)], files,
                                file_command=f"ncap2 -s {script} {files}")
        statistic = other_method.split(":")[-1].strip().split()[0]
        way_out = series_way_out(name, "statistic", f"{name}_{statistic}", later_path,
                                 side_by_side=share_time_steps(first, later))
        return (
            f"'{name}' is of cell_methods '{method}' in {one} but '{other_method}' in {two}: another statistic over "
            f"each time step (CF §7.3), not one series; {way_out}; if the attribute of {two} is wrong, correct it "
            f"in a copy ({fix})")
    if _difference(own.attrs) != _difference(theirs.attrs):
        anomaly, absolute = (one, two) if _difference(own.attrs) else (two, one)
        marked = name_in_file(own, name) if anomaly == two else name_in_file(theirs, later_name or name)
        marking = ncatted_attribute("units_metadata", marked, "o", "c", TEMPERATURE_DIFFERENCE)
        said = (f"'{name}' is a temperature difference in {anomaly} (units_metadata = \"temperature: difference\", "
                f"CF-1.11 §3.1.2: an anomaly) but not in {absolute}: anomalies and temperatures are not one series; ")
        # the copy that marking wrote, given beside its original: the copy in place of it, never the same line
        # again (break55b A3: the refusal of the pair advised the ncatted that had written the copy)
        beside = _original_beside_copy(name, (first, first_path), (later, later_path), own.attrs, theirs.attrs,
                                       said=said)
        return beside or (
            f"{said}give the files of one kind, or, if the values of {absolute} are differences too, say so in a copy "
            f"({attribute_command([marking], input_and_copy(str(first_path if anomaly == two else later_path)))})")
    return None


def _original_beside_copy(name: str, first: tuple[xr.Dataset, Path], later: tuple[xr.Dataset, Path],
                          first_attrs: Mapping, later_attrs: Mapping, *, said: str | None = None) -> str | None:
    """The refusal of a file given beside the corrected copy written of it, whose ``name``
    differs in quantity (sign convention, ``standard_name``): the copy in place of the
    original, never a command that converts the copy back (break42b A5: ``X_fixed_2.nc``
    flipped the corrected sign again, ``X_fixed_3.nc`` once more; or marked a difference, break55b
    A3: the same ``ncatted`` advised again, with ``said`` how the two differ). A copy is known by its name
    (``X_fixed.nc`` beside ``X.nc``: :func:`~climann.data.shell.original_and_copy`) or by its
    global ``history``, where NCO records the command that wrote it from the other file (NCO
    manual, "History Attribute"); None for other files."""
    pair = original_and_copy(first[1], later[1]) or _copy_by_history(first, later) or _copy_by_history(later, first)
    if pair is None:
        return None
    original, copy = pair
    said = said or (f"'{name}' is {quantity_text(quantity_record(first_attrs))} in {first[1].name} but "
                    f"{quantity_text(quantity_record(later_attrs))} in {later[1].name}: not one series; ")
    if original_and_copy(*pair) == pair:
        return said + copy_in_place_advice(original, copy)
    return (said + f"{copy.name}'s history says it was written from {original.name}: give the copy in place of the "
            f"original: move {working_path(original)!r} out of the folder, or give --data files that leave it out")


def _copy_by_history(source: tuple[xr.Dataset, Path], written: tuple[xr.Dataset, Path]) -> tuple[Path, Path] | None:
    """(source's path, written's path) when a line of ``written``'s global ``history`` ends in a
    command reading ``source``'s file and writing ``written``'s (``ncap2 -s … X.nc X_down.nc``)."""
    for line in str(written[0].attrs.get("history", "")).splitlines():
        words = line.split()
        if len(words) >= 2 and [Path(word).name for word in words[-2:]] == [source[1].name, written[1].name]:
            return source[1], written[1]
    return None
