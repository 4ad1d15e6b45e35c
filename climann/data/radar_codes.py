"""ODIM's ``nodata`` and ``undetect``: a weather radar's "not scanned" and "no echo".

EUMETNET OPERA's composites and the national products in the OPERA Data Information Model
(ODIM_H5, Michelson et al., EUMETNET OPERA, versions 2.3 and 2.4, Table 2 "what" attributes)
mark two kinds of pixel with a raw value each:

- ``nodata``: "raw value used to denote areas void of data (never radiated)": missing;
- ``undetect``: "raw value used to denote areas below the measurement detection threshold
  (radiated but nothing detected)": the radar looked and saw no echo, which for a rain rate
  (``RATE``, mm/h) or an accumulation (``ACRR``, mm) is no rain, 0.

Converted to NetCDF (CIRRUS, wradlib, a national archive's own tools) the two codes often stay as
attributes of the variable beside its values, no ``_FillValue`` saying either. Read as data,
-8 888 000 mm/h was the value of 60 % of an OPERA field; marked missing as the fill-like
warnings advised, the dry pixels left the training with the void ones and the run scored the
rain rate of rainy pixels only (break38a A2: mean 0.596 mm/h for 0.238 mm/h). The attributes
say what each code is as explicitly as ``_FillValue`` does, so they are applied as each file is
read (:func:`read_radar_codes`): ``nodata`` missing, ``undetect`` 0 for a precipitation rate or
amount, both attributes then dropped (the values no longer hold them). Of another quantity
(reflectivity ``DBZH`` in dBZ, whose "below detection" is no number of its own: the radar's
detection threshold grows with range, so no one floor is the value there) ``undetect`` is read
as missing in a file that says it follows ODIM_H5 (global ``Conventions`` ``ODIM_H5/V2_…``), with
a warning that the run then describes the pixels with an echo only and the line that gives them
a value of the user's instead (a floor such as -32 dBZ). Missing, not a minimum: a number made up
for a censored value would be trained on and scored as if measured. Any other file (a copy whose
converter may or may not have kept ODIM's rules) is refused with that line.

The codes are raw values (before ODIM's ``gain`` and ``offset``); where the file packs the
variable by CF ``scale_factor``/``add_offset`` they are unpacked the same way to be compared
with the values read.

ODIM stores raw values, physical = ``offset`` + ``gain`` × raw (ODIM_H5 2.4, Table 2 "what":
``gain``, ``offset``; e.g. uint8 reflectivity of gain 0.5, offset -32 dBZ). A conversion that
keeps them as attributes, without CF's ``scale_factor``/``add_offset``, leaves the raw numbers
as the values (raw 150 read as 150 mm/h for 1.5 with gain 0.01). They are applied as the file
is read (:func:`odim_scaling`), after the codes are compared with the raw values, where the
values are stored as integers: raw values by their type, as ODIM writes them. Values stored as
floating point beside a ``gain`` or ``offset`` other than 1 and 0 are raw in a file that says it
follows ODIM_H5 (global ``Conventions`` ``ODIM_H5/V2_…``): ODIM_H5 2.3/2.4 define ``gain`` and
``offset`` ("what": "Coefficient 'a' in y=ax+b used to convert to unit") for the stored ``data``
with no exception by type (its data types include float and double), so they are applied there. In any
other file (a NetCDF copy whose converter put ODIM's "what" attributes on the variable) they may
be raw or already converted (a tool that converts and copies the attributes along); nothing in
the file tells which, so the file is refused with the ``ncatted`` line for each case. CF packing equal to
``gain`` and ``offset`` is the same scaling said twice: xarray applies it once.
"""

from __future__ import annotations

import logging

import numpy as np
import xarray as xr

from climann.data.notes import note_once
from climann.data.shell import (attribute_command, input_and_copy, ncap2_command, ncap2_name, one_copy_advice,
                                ncatted_attribute)
from climann.data.units import water_quantity
from climann.errors import ClimannError

__all__ = ["GAIN", "NODATA", "OFFSET", "UNDETECT", "odim_scaling", "read_radar_codes", "says_odim_h5",
           "undetect_is_zero"]

_log = logging.getLogger(__name__)

#: ODIM's attribute of the raw value of pixels never radiated (missing).
NODATA = "nodata"
#: ODIM's attribute of the raw value of pixels radiated where no echo was detected.
UNDETECT = "undetect"

#: ODIM's attributes of the raw values' scaling: physical = offset + gain × raw.
GAIN, OFFSET = "gain", "offset"

#: ODIM quantities (ODIM_H5 2.4, Table 16) whose value below detection is 0: rain rate (mm/h)
#: and accumulated precipitation (mm).
ZERO_BELOW_DETECTION = frozenset({"RATE", "ACRR"})

#: Water quantities (:func:`~climann.data.units.water_quantity`) whose value below detection is 0.
_ZERO_WATER = frozenset({"precipitation", "rain", "snowfall", "snowfall flux"})


def undetect_is_zero(name: str, variable: xr.DataArray) -> bool:
    """Whether "no echo detected" is 0 of ``variable``: its ODIM ``quantity`` is a rain rate or
    an accumulation (:data:`ZERO_BELOW_DETECTION`), or, without one, its name or words say a
    precipitation (:func:`~climann.data.units.water_quantity`).

    Examples
    --------
    >>> import xarray as xr
    >>> undetect_is_zero("RATE", xr.DataArray([0.0], attrs={"quantity": "RATE"}))
    True
    >>> undetect_is_zero("DBZH", xr.DataArray([0.0], attrs={"quantity": "DBZH", "units": "dBZ"}))
    False
    """
    quantity = str(variable.attrs.get("quantity", "")).strip().upper()
    if quantity:
        return quantity in ZERO_BELOW_DETECTION
    return water_quantity(name, variable.attrs) in _ZERO_WATER


def _code(variable: xr.DataArray, attribute: str) -> float | None:
    """The value read of the raw code ``attribute`` of ``variable``: unpacked as the values are (CF
    ``scale_factor``, ``add_offset`` in its encoding) and in the values' type; None without it."""
    raw = variable.attrs.get(attribute)
    if raw is None or isinstance(raw, str) or np.size(raw) != 1:
        return None
    value = float(np.asarray(raw).item())
    encoding = variable.encoding
    value = value * float(encoding.get("scale_factor", 1.0)) + float(encoding.get("add_offset", 0.0))
    return float(np.asarray(value, dtype=variable.dtype)) if variable.dtype.kind == "f" else value


def _number(variable: xr.DataArray, attribute: str) -> float | None:
    """A numeric attribute of ``variable`` as a float, None without it (or if it is text)."""
    value = variable.attrs.get(attribute)
    if value is None or isinstance(value, str) or np.size(value) != 1:
        return None
    return float(np.asarray(value).item())


def _odim_like(variable: xr.DataArray) -> bool:
    """Whether ``variable`` carries ODIM's "what" attributes: a code (``nodata``, ``undetect``)
    or a ``quantity`` beside its ``gain`` or ``offset`` (a bare "offset" says nothing of ODIM)."""
    return any(key in variable.attrs for key in (NODATA, UNDETECT, "quantity")) and (
        _number(variable, GAIN) is not None or _number(variable, OFFSET) is not None)


def odim_scaling(name: str, variable: xr.DataArray, *, where: str = "",
                 odim_file: bool = False) -> tuple[float, float] | None:
    """ODIM's ``(gain, offset)`` still to apply to the values read of ``variable``
    (physical = offset + gain × raw, ODIM_H5 2.4 Table 2), or None: no such attributes, or
    applied already by CF packing equal to them (xarray unpacks ``scale_factor`` and
    ``add_offset``).

    Parameters
    ----------
    name : str
        The variable's name, for the message.
    variable : xarray.DataArray
        As opened (``encoding`` its packing and stored ``dtype``).
    where : str
        The file, for the message.
    odim_file : bool
        Whether the file says it follows ODIM_H5 (:func:`says_odim_h5`): its values are raw
        whatever their type.

    Returns
    -------
    tuple of float or None
        Applied to values stored as integers (raw by their type), or as floating point in a file
        that follows ODIM_H5.

    Raises
    ------
    ClimannError
        CF packing that differs from ``gain``/``offset``, or floating-point values beside a
        ``gain``/``offset`` other than 1 and 0 (raw or converted: the file does not say), with the
        ``ncatted`` line of each case.
    """
    if not _odim_like(variable):
        return None
    gain, offset = _number(variable, GAIN), _number(variable, OFFSET)
    gain, offset = 1.0 if gain is None else gain, 0.0 if offset is None else offset
    encoding = variable.encoding
    packed = "scale_factor" in encoding or "add_offset" in encoding
    if packed and np.isclose(float(encoding.get("scale_factor", 1.0)), gain, rtol=1e-6, atol=0) and np.isclose(
            float(encoding.get("add_offset", 0.0)), offset, rtol=1e-6, atol=1e-12):
        return None
    stored = np.dtype(encoding.get("dtype", variable.dtype))
    if not packed and (stored.kind in "iu" or (odim_file and (gain, offset) != (1.0, 0.0))):
        return gain, offset
    if not packed and gain == 1.0 and offset == 0.0:
        return None
    raise ClimannError(_scaling_refusal(name, variable, gain, offset, where or "the file", packed))


def _scaling_refusal(name: str, variable: xr.DataArray, gain: float, offset: float, where: str,
                     packed: bool) -> str:
    """The refusal of :func:`odim_scaling`: the two readings, and the line that says each."""
    files = input_and_copy(variable.encoding.get("source", "IN.nc"), "scaled")
    drop = attribute_command([ncatted_attribute(GAIN, name, "d"), ncatted_attribute(OFFSET, name, "d")], files)
    cf = attribute_command([ncatted_attribute("scale_factor", name, "o", "d", f"{gain!r}"),
                            ncatted_attribute("add_offset", name, "o", "d", f"{offset!r}")], files)
    if packed:
        return (f"'{name}' in {where} has ODIM's gain = {gain:g}, offset = {offset:g} (physical = offset + gain x raw) "
                f"and CF packing scale_factor = {variable.encoding.get('scale_factor', 1.0)}, add_offset = "
                f"{variable.encoding.get('add_offset', 0.0)}, which differ: the file does not say which makes its "
                f"values physical; if the CF packing does, drop ODIM's: `{drop}`, then give the copy")
    return (f"'{name}' in {where} holds floating-point values beside ODIM's gain = {gain:g}, offset = {offset:g} "
            f"(ODIM_H5: physical = offset + gain x raw): they may be raw values or already converted, and the file "
            f"does not say which (an ODIM_H5 file's data are raw whatever their type, but this file does not say it is "
            f"one: no global Conventions ODIM_H5/V2_x; read as they are, raw values would be wrong by that scaling); "
            f"if they are raw, "
            f"say so in CF's terms: `{cf}`; if they are already physical: `{drop}`; then give the copy")


def _undetect_setting(name: str, variable: xr.DataArray, undetect: float, scaling: tuple[float, float] | None) -> str:
    """The lines that give the ``undetect`` pixels of ``variable`` a VALUE of the user's (raw, as
    the file's, where ``scaling`` is still to apply) in a copy, and drop the code there."""
    word = ncap2_name(name)
    files = input_and_copy(variable.encoding.get("source", "IN.nc"), "fixed")
    raw = (f" (a raw value, as the file's: physical = {scaling[1]:g} + {scaling[0]:g} x raw)"
           if scaling is not None else "")
    command = ncap2_command([f"where({word} == {undetect:g}) {word} = VALUE"], files)
    drop = ncatted_attribute(UNDETECT, name, "d")
    return (f"`{command}` with VALUE the quantity's value there{raw} (the detection threshold, or a floor such as -32 "
            f"dBZ), and `ncatted {drop} {files.split()[-1]}`, then give the copy")


def _refusal(name: str, variable: xr.DataArray, undetect: float, where: str) -> str:
    """The refusal of an ``undetect`` code of a quantity whose value below detection is not 0."""
    scaling = odim_scaling(name, variable, where=where)
    return (f"'{name}'{_quantity_said(variable)} in {where} marks pixels where the radar saw no echo with ODIM's "
            f"undetect = {undetect:g} (ODIM_H5: radiated, below the detection threshold): not missing, and its value "
            f"below detection is no number climann can give a quantity other than a precipitation rate or amount (0); "
            f"set it, e.g. {_undetect_setting(name, variable, undetect, scaling)}")


def _quantity_said(variable: xr.DataArray) -> str:
    """`` (ODIM quantity 'DBZH')``, or "" without a ``quantity``."""
    quantity = variable.attrs.get("quantity", "")
    return f" (ODIM quantity '{quantity}')" if quantity else ""


def _undetect_missing_note(name: str, variable: xr.DataArray, undetect: float, scaling: tuple[float, float] | None,
                           where: str) -> str:
    """The warning that the ``undetect`` pixels of a quantity other than a precipitation rate or
    amount (reflectivity) in an ODIM_H5 file are read as missing, and how to give them a value."""
    return (f"'{name}'{_quantity_said(variable)} in {where}: ODIM's undetect = {undetect:g} (ODIM_H5: radiated, "
            f"nothing detected: a value below the detection threshold, which itself varies with range) is read as "
            f"missing, as no number of this quantity is known there; the run describes the pixels with an echo only. "
            f"To train on every radiated pixel give them a value instead, e.g. "
            f"{_undetect_setting(name, variable, undetect, scaling)}")


def _marked_missing(variable: xr.DataArray, undetect: float) -> list[str]:
    """The attributes (``_FillValue``, ``missing_value``, as xarray keeps them in ``encoding``)
    that mark ``undetect`` missing, already masked as the file was opened."""
    marked, encoding = [], variable.encoding
    scale, offset = float(encoding.get("scale_factor", 1.0)), float(encoding.get("add_offset", 0.0))
    for key in ("_FillValue", "missing_value"):
        values = np.atleast_1d(np.asarray(encoding.get(key, []), dtype=np.float64)).ravel()
        if values.size and np.any(np.isclose(values * scale + offset, undetect, rtol=0, atol=abs(undetect) * 1e-7)):
            marked.append(key)
    return marked


def _unmarking_note(name: str, variable: xr.DataArray, undetect: float, marked: list[str]) -> str:
    """The warning for an ``undetect`` marked missing too (break38a A2: as climann advised
    before): those pixels are missing, and the run trains on the rainy ones only."""
    files = input_and_copy(variable.encoding.get("source", "IN.nc"), "fixed")
    drops = [ncatted_attribute(key, name, "d") for key in marked]
    command = one_copy_advice(lambda arguments: f"`{attribute_command(drops, arguments)}`", files, "undetect_kept")
    return (f"'{name}' marks ODIM's undetect = {undetect:g} (no echo detected: 0) missing by its "
            f"{' and '.join(marked)}, so the pixels where the radar saw no rain are left out and the run describes "
            f"the rain of rainy pixels only; to read them as 0 (its nodata stays missing), drop that mark: "
            f"{command}")


def says_odim_h5(dataset: xr.Dataset) -> bool:
    """Whether the file's global ``Conventions`` say ODIM_H5 (``ODIM_H5/V2_4``): its ``data``
    are then raw values, which ``gain`` and ``offset`` convert whatever their type."""
    return str(dataset.attrs.get("Conventions", "")).strip().upper().startswith("ODIM_H5")


def read_radar_codes(dataset: xr.Dataset, *, where: str = "") -> xr.Dataset:
    """``dataset`` (one file as opened) with ODIM's codes read: values equal to a variable's
    ``nodata`` missing (NaN), those equal to its ``undetect`` 0 where no echo is no
    precipitation (:func:`undetect_is_zero`), else (reflectivity) missing with a warning in a
    file that says it follows ODIM_H5 (:func:`says_odim_h5`); both attributes dropped from the
    variables read.
    Where ODIM's ``gain`` and ``offset`` are still to apply (:func:`odim_scaling`: raw values
    stored as integers) the codes are compared with the raw values, then the others become
    ``offset + gain * raw`` (float32) and both attributes are dropped too.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened by xarray (each variable's ``encoding`` its packing). Lazy variables
        stay lazy.
    where : str
        The file, for the messages.

    Returns
    -------
    xarray.Dataset
        ``dataset`` itself when no floating-point variable has either attribute.

    Raises
    ------
    ClimannError
        For an ``undetect`` code of another quantity (reflectivity) in a file that does not say
        it follows ODIM_H5: the line that sets it; for
        a ``gain``/``offset`` that the file does not say applied or not (:func:`odim_scaling`).
    """
    changed = {}
    odim_file = says_odim_h5(dataset)
    for name, variable in dataset.data_vars.items():
        if variable.dtype.kind not in "fiu" or not (NODATA in variable.attrs or UNDETECT in variable.attrs
                                                    or _odim_like(variable)):
            continue
        scaling = odim_scaling(str(name), variable, where=where, odim_file=odim_file)
        if variable.dtype.kind != "f" and scaling is None:
            continue  # integers of no scaling of ODIM's: codes such as flags, left to their own reading
        nodata, undetect = _code(variable, NODATA), _code(variable, UNDETECT)
        no_echo = 0.0  # no echo of a rain rate or amount: no rain
        if undetect is not None and not undetect_is_zero(str(name), variable):
            if not odim_file:  # a converted copy: which ODIM rules it keeps, the file does not say
                raise ClimannError(_refusal(str(name), variable, undetect, where or "the file"))
            no_echo = np.nan  # reflectivity below detection: censored, no value; said in a warning
            note_once(_log, logging.WARNING,
                      _undetect_missing_note(str(name), variable, undetect, scaling, where or "the file"),
                      key=("odim-undetect-missing", name))
        elif undetect is not None and (marked := _marked_missing(variable, undetect)):
            note_once(_log, logging.WARNING, _unmarking_note(str(name), variable, undetect, marked))
        read = variable
        if scaling is not None:  # the codes are raw values: compared before the scaling
            read = (read.astype(np.float32) * np.float32(scaling[0]) + np.float32(scaling[1]))
            read = read.where(variable != nodata) if nodata is not None else read
            read = read.where(variable != undetect, no_echo) if undetect is not None else read
        else:
            if nodata is not None:
                read = read.where(read != nodata)
            if undetect is not None:
                read = read.where(read != undetect, no_echo)
        dropped = (NODATA, UNDETECT, GAIN, OFFSET) if scaling is not None else (NODATA, UNDETECT)
        read.attrs = {key: value for key, value in variable.attrs.items() if key not in dropped}
        read.encoding = dict(variable.encoding)
        changed[name] = read
        if scaling is not None:
            note_once(_log, logging.INFO, f"'{name}': ODIM's gain = {scaling[0]:g}, offset = {scaling[1]:g} "
                                          f"applied to its raw values (physical = offset + gain x raw)",
                      key=("odim-scaling", name))
        if nodata is None and undetect is None:
            continue
        said = [f"nodata = {nodata:g} as missing" if nodata is not None else "",
                f"undetect = {undetect:g} (no echo detected) as {'missing' if np.isnan(no_echo) else 0}"
                if undetect is not None else ""]
        units = f" {variable.attrs['units']}" if variable.attrs.get("units") else ""
        note_once(_log, logging.INFO, f"'{name}': ODIM's {' and '.join(w for w in said if w)}{units} (ODIM_H5 "
                                      f"'what' attributes), read as each file is opened", key=("odim", name))
    return dataset.assign(changed) if changed else dataset
