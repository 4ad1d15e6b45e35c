"""Whether a temperature is read as a temperature on its scale or as a difference (an anomaly).

CF-1.11 §3.1.2 lets a temperature say which it is: ``units_metadata = "temperature: on_scale"``
(15 degC is 288.15 K) or ``"temperature: difference"`` (an anomaly, an error, a spread: 1 degC
is 1 K, no offset). The two have the same units and another meaning: anomalies given to a
model trained on absolute temperatures (or the reverse) were converted, predicted and scored
against values of the other kind with exit 0 (fix30a: MSE 8e4 K²). A run records how each of
its temperatures was read (``model.npz`` ``temperature_readings``,
:func:`climann.workflow.run_directory.input_temperature_readings`); ``predict`` and
``evaluate --data`` refuse new data read otherwise
(:func:`climann.workflow.new_data.check_temperature_readings`).

A temperature is read as climann converts and masks it (:mod:`climann.data.units`,
:mod:`climann.data.absolute_zero`):

- ``"difference"``: ``units_metadata`` says so, or, when it does not say (absent or
  ``"temperature: unknown"``), its ``cell_methods`` are a standard deviation or a range, its
  name, ``standard_name`` or ``long_name`` say anomaly or change
  (:func:`climann.data.units.described_as_anomaly`) or bias, error, uncertainty, standard
  deviation or spread (:func:`climann.data.units.described_as_error`: GHRSST's ``sses_bias``,
  whose 0 K and below are no codes), or it is climann's own error or spread
  (:func:`climann.data.run_outputs.is_own_difference`);
- ``"on_scale"``: ``units_metadata`` says so, units of a scale (the IRI Data Library's
  ``Kelvin_scale``), or nothing says otherwise (CMIP's ``tas``, which has no
  ``units_metadata``: the conversion assumes the same).

Variables that are not temperatures (pint's dimensionality), or whose ``units`` or
``units_metadata`` cannot be read, have no reading and are not compared.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from climann.data.run_outputs import is_own_difference
from climann.data.paths import is_zarr_store
from climann.data.shell import attribute_command, input_and_copy, ncatted_attribute
from climann.data.units import described_as_anomaly, described_as_error, parse_units, temperature_kind
from climann.errors import ClimannError

__all__ = ["DIFFERENCE_METHODS", "TemperatureReading", "difference_by_cell_methods", "temperature_reading",
           "temperature_reading_refusal"]

#: The two readings of a temperature (CF-1.11 §3.1.2).
ON_SCALE, DIFFERENCE = "on_scale", "difference"

#: ``cell_methods`` whose values are differences of the variable's, in its units (CF-1.8
#: Appendix E: the units of a ``standard_deviation`` or ``range`` are the variable's): a
#: temperature's are temperature differences.
DIFFERENCE_METHODS = ("standard_deviation", "range")


def difference_by_cell_methods(attrs: Mapping) -> bool:
    """Whether a variable's ``cell_methods`` make its values differences of the variable's
    (:data:`DIFFERENCE_METHODS`: ``time: standard_deviation``, ``area: range``)."""
    methods = str(attrs.get("cell_methods", ""))
    return any(re.search(rf":\s*{method}\b", methods) for method in DIFFERENCE_METHODS)


@dataclass(frozen=True)
class TemperatureReading:
    """How a temperature's values are read, and what in its attributes said so.

    Attributes
    ----------
    kind : {"on_scale", "difference"}
        CF-1.11 §3.1.2: on its scale (15 degC = 288.15 K) or a difference (an anomaly).
    said_by : str
        What gave it, for messages: ``units_metadata = "temperature: difference"``,
        ``cell_methods 'time: standard_deviation'``, …
    """

    kind: str
    said_by: str


def temperature_reading(name: str, attrs: Mapping) -> TemperatureReading | None:
    """How a variable's values are read (see the module's rules), or None when it is not a
    temperature or its ``units`` or ``units_metadata`` cannot be read.

    Parameters
    ----------
    name : str
        The variable's name (an anomaly may say so only there: ``tas_anom``).
    attrs : mapping
        Its attributes: ``units``, ``units_metadata``, ``cell_methods``, ``standard_name``,
        ``long_name``.

    Returns
    -------
    TemperatureReading or None

    Examples
    --------
    >>> temperature_reading("tas", {"units": "K"}).kind
    'on_scale'
    >>> temperature_reading("tas", {"units": "degC", "units_metadata": "temperature: difference"}).kind
    'difference'
    >>> temperature_reading("pr", {"units": "kg m-2 s-1"}) is None
    True
    """
    units = attrs.get("units")
    if units is None or not str(units).strip():
        return None
    try:
        if not parse_units(str(units), variable=name).check("[temperature]"):
            return None
        kind = temperature_kind(name, attrs)
    except ClimannError:
        return None
    if kind in (DIFFERENCE, ON_SCALE):  # what the file says, first
        return TemperatureReading(kind, f'units_metadata = "temperature: {kind}"' if "units_metadata" in attrs
                                  else f"units '{units}'")
    if difference_by_cell_methods(attrs):
        return TemperatureReading(DIFFERENCE, f"cell_methods '{attrs['cell_methods']}'")
    if described_as_anomaly(name, attrs) or is_own_difference(name, attrs):
        return TemperatureReading(DIFFERENCE, "its names say anomaly or change and units_metadata does not say")
    if described_as_error(name, attrs):
        return TemperatureReading(DIFFERENCE, "its names say bias, error, uncertainty, standard deviation or spread "
                                  "and units_metadata does not say")
    return TemperatureReading(ON_SCALE, "units_metadata does not say it is a difference")


_DESCRIBED = {ON_SCALE: "temperatures on their scale", DIFFERENCE: "temperature differences, e.g. anomalies"}


def temperature_reading_refusal(name: str, trained: str, new: TemperatureReading, *, where: str, file: str,
                                own: str | None = None) -> str | None:
    """The one-line refusal of a variable read otherwise than the run read it at training;
    None when the readings agree.

    Parameters
    ----------
    name : str
        The variable.
    trained : {"on_scale", "difference"}
        Its reading at training (``model.npz`` ``temperature_readings``).
    new : TemperatureReading
        Its reading in the new data (:func:`temperature_reading`).
    where : str
        The new data's files holding it, for the message.
    file : str
        The file the command corrects (``ncatted`` writes its copy beside it; a Zarr store is
        changed by zarr-python, :func:`climann.data.shell.attribute_command`).
    own : str, optional
        The variable's own name in ``file`` when a ``[data] rename`` rule renamed it.

    Returns
    -------
    str or None
    """
    if new.kind == trained or trained not in _DESCRIBED:  # a record of another version says nothing here
        return None
    reading, reason = new.kind, new.said_by
    marking = ncatted_attribute("units_metadata", own or name, "o", "c", f"temperature: {trained}")
    said = (f"{name} in {where} is read as {_DESCRIBED[reading]} ({reason}, CF-1.11 §3.1.2), the model was trained "
            f"on {name} as {_DESCRIBED[trained]}: its predictions and scores would mix the two")
    if trained == ON_SCALE:
        way_out = (f"give {name} as temperatures on their scale (add the climatology back to anomalies, e.g. cdo "
                   f"ymonadd for monthly ones)")
    else:
        way_out = (f"give {name} as anomalies like the run's (subtract the climatology they were taken from, e.g. cdo "
                   f"ymonsub for monthly ones)")
    where_said = "in the store" if is_zarr_store(file) else "in a copy"
    return (f"{said}; {way_out}, or, if its values are {_DESCRIBED[trained]} and its attributes say otherwise, say so "
            f"{where_said} ({attribute_command([marking], input_and_copy(file))})")
