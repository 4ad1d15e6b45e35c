"""Attributes that other writers name otherwise than CF, read under CF's names.

- HDF-EOS (OMI's level-3 grids, ``.he5``) writes a variable's units as ``Units``
  (``molec/cm2``): read as ``units`` where a variable has none (``NoUnits``, HDF-EOS's word for
  none, left out; break38a B3: info showed "-"). GPM IMERG writes ``Units`` beside CF's
  ``units`` on every variable, its time's among them, whose ``units`` xarray keeps in the
  encoding once it has decoded the times: that is the time's own ``units`` (break46b A2: a
  ``units`` added beside it made every IMERG file unwritable).
- WRF (``wrfout`` files) describes each field in ``description`` (``TEMP at 2 M``,
  ``ACCUMULATED TOTAL GRID SCALE PRECIPITATION``) and writes no ``long_name``: read as the
  ``long_name`` (CF §3.2: "a descriptive name") of a variable that has WRF's own
  ``MemoryOrder`` attribute and no ``long_name`` (break38a B5: figures titled "T2 (T2)", the
  predictions file's long_name falling back to the name). ``description`` of other writers is
  left alone: it may be a paragraph.
- Some writers (scripts that set the attribute by hand, in R or elsewhere) spell ``long_name``
  without its underscore, ``longname``: read as the ``long_name`` of a variable that has none
  (break40c C8: info's long_name column was empty), said in a note (``train.log``,
  ``--verbose``).

Only attributes the variable lacks are added; the file's own are kept as they are.

A variable with both, ``units`` and ``Units``, is read in CF's ``units``. Where the two differ
(``K`` and ``degC``, ``mm`` and ``m``: pint, with cf_xarray's UDUNITS registry, converts one
to the other with another number; a time's epochs differ as text), one of them is wrong and
the values may be read 1000 times too large or 273.15 off: one warning per variable names
both and the ``ncatted`` that removes the wrong one (:func:`disagreeing_units_warning`).
Spellings of the same units (``mm/hr`` and ``mm hr-1``, ``m`` and ``metre``) say nothing.

HDF-EOS's packing, ``ScaleFactor`` and ``Offset`` (OMI's level-3 grids: 1 and 0, as OMNO2d
writes them), is no CF packing: neither the netCDF library nor xarray applies it, and the
products do not all combine them alike, so a variable whose ``ScaleFactor`` is not 1 or whose
``Offset`` is not 0, without CF's ``scale_factor``/``add_offset``, is refused
(:func:`refuse_hdfeos_packing`) rather than read as the stored numbers.
"""

from __future__ import annotations

import logging

import numpy as np
import xarray as xr

from climann.data.notes import note_once
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

__all__ = ["with_cf_names", "refuse_hdfeos_packing", "disagreeing_units_warning", "same_units"]

#: HDF-EOS's word for "no units".
_NO_UNITS = "nounits"


def _added(attrs: dict, encoding: dict) -> dict[str, str]:
    """The CF attributes that one variable's foreign ones give (see the module's description).
    A ``units`` that xarray moved into the ``encoding`` as it decoded the variable (a time's
    ``seconds since 1980-01-06 00:00:00 UTC``) is the variable's own: IMERG writes its ``Units``
    beside it, and a ``units`` added to the attributes as well could not be written back
    (xarray refuses a key in both; break46b A2)."""
    added = {}
    units = attrs.get("Units")
    own = "units" in attrs or "units" in encoding
    if not own and isinstance(units, str) and units.strip() and units.strip().lower() != _NO_UNITS:
        added["units"] = units.strip()
    description = attrs.get("description")
    if ("long_name" not in attrs and "MemoryOrder" in attrs and isinstance(description, str)
            and description.strip()):
        added["long_name"] = description.strip()
    longname = attrs.get("longname")
    if "long_name" not in attrs and "long_name" not in added and isinstance(longname, str) and longname.strip():
        added["long_name"] = longname.strip()
    return added


def with_cf_names(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` whose variables have HDF-EOS's ``Units`` as ``units`` and WRF's
    ``description`` as ``long_name`` where they lack them (a shallow copy; the input untouched).

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file.

    Returns
    -------
    xarray.Dataset
        The same data; the input itself when nothing is added.
    """
    added = {name: extra for name, variable in dataset.variables.items()
             if (extra := _added(variable.attrs, variable.encoding))}
    if not added:
        return dataset
    copied = dataset.copy(deep=False)
    for name, extra in added.items():
        copied[name].attrs = {**copied[name].attrs, **extra}
    spelt = [str(name) for name, variable in dataset.variables.items()
             if "long_name" in added.get(name, {}) and "longname" in variable.attrs]
    if spelt:
        note_once(_log, logging.INFO, f"the attribute 'longname' of {', '.join(spelt)} read as its long_name (CF "
                                      "§3.2 spells it with an underscore)")
    return copied


def refuse_hdfeos_packing(dataset: xr.Dataset, where: str) -> None:
    """Refuse a variable packed the HDF-EOS way (``ScaleFactor`` not 1 or ``Offset`` not 0, and no
    CF ``scale_factor``/``add_offset``), which nothing applies on reading.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file.
    where : str
        Its name, for the message.

    Raises
    ------
    ClimannError
        Naming the variable, its ScaleFactor and Offset, and the way out: CF's attributes for the
        product's own formula.
    """
    for name, variable in dataset.data_vars.items():
        attrs = variable.attrs
        if "scale_factor" in attrs or "add_offset" in attrs or ("ScaleFactor" not in attrs and "Offset" not in attrs):
            continue
        try:
            scale = float(np.ravel(attrs.get("ScaleFactor", 1.0))[0])
            offset = float(np.ravel(attrs.get("Offset", 0.0))[0])
        except (TypeError, ValueError, IndexError):
            continue
        if scale == 1.0 and offset == 0.0:
            continue
        raise ClimannError(
            f"'{name}' in {where} is packed the HDF-EOS way (ScaleFactor = {scale:g}, Offset = {offset:g}), which "
            f"neither the netCDF library nor climann applies, and products combine them differently: climann does "
            f"not guess; write CF's packing for your product's formula (its documentation says which), e.g. for value "
            f"= stored × ScaleFactor + Offset: ncatted -a scale_factor,{name},o,d,{scale:g} -a add_offset,{name},o,d,"
            f"{offset:g} -a ScaleFactor,{name},d,, -a Offset,{name},d,, IN.nc OUT.nc"
        )


def same_units(one: str, other: str) -> bool | None:
    """Whether two units strings mean the same units: ``True`` for spellings of one unit
    (``mm/hr``, ``mm hr-1``), ``False`` where a value in one is another number in the other
    (``mm`` and ``m``, ``K`` and ``degC``, two epochs of a time); ``None`` where the units library
    reads neither the same nor differing (a string it cannot read)."""
    from climann.data.units import parse_units, unit_registry

    if " ".join(one.split()) == " ".join(other.split()):  # not lower case: Mm is a megametre
        return True
    if " since " in one.lower() or " since " in other.lower():  # a time's units: a unit and an epoch
        return False
    try:
        first, second = parse_units(one, variable=""), parse_units(other, variable="")
    except ClimannError:
        return None
    if not first.is_compatible_with(second):
        return False
    registry = unit_registry()
    # two points, 0 and 1, in the first units read in the second: a scale and an offset alike
    read = [float(registry.Quantity(value * first.magnitude, first.units).to(second.units).magnitude) / second.magnitude
            for value in (0.0, 1.0)]
    return bool(np.allclose(read, [0.0, 1.0], rtol=1e-9, atol=1e-12))


def disagreeing_units_warning(dataset: xr.Dataset, where: str) -> str | None:
    """One warning line for the variables of ``dataset`` whose ``units`` and ``Units`` differ
    (see the module's description), or ``None``.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file, before :func:`with_cf_names` (a time's ``units`` in its encoding).
    where : str
        The file's path, for the message and the ``ncatted`` lines.

    Returns
    -------
    str or None
        ``'tas' in f.nc has units 'K' and Units 'degC', which differ (1 K is -272.15 degC): read in
        its CF units 'K'; if 'degC' is right: ncatted -a units,tas,o,c,degC -a Units,tas,d,, f.nc
        f_fixed.nc; if 'K' is: ncatted -a Units,tas,d,, f.nc f_fixed.nc``; one line for them all.
    """
    from climann.data.shell import input_and_copy, ncatted_attribute, ncatted_command, shown_path

    files = input_and_copy(where)
    parts = []
    for name, variable in dataset.variables.items():
        ours, theirs = variable.attrs.get("units", variable.encoding.get("units")), variable.attrs.get("Units")
        if not (isinstance(ours, str) and isinstance(theirs, str) and ours.strip() and theirs.strip()):
            continue
        if theirs.strip().lower() == _NO_UNITS or same_units(ours, theirs) is not False:
            continue
        name = str(name)
        parts.append(
            f"'{name}' has units '{ours}' and Units '{theirs}', which differ{_one_in_the_other(ours, theirs)}: read "
            f"in its CF units '{ours}'; if '{theirs}' is right: "
            + ncatted_command([ncatted_attribute("units", name, "o", "c", theirs.strip()),
                               ncatted_attribute("Units", name, "d")], files)
            + f"; if '{ours}' is: " + ncatted_command([ncatted_attribute("Units", name, "d")], files))
    if not parts:
        return None
    return f"{shown_path(where)}: " + "; ".join(parts)


def _one_in_the_other(ours: str, theirs: str) -> str:
    """`` (1 mm is 0.001 m)`` where pint converts ``ours`` into ``theirs``, else ``""``."""
    import pint

    from climann.data.units import parse_units, unit_registry

    try:
        first, second = parse_units(ours, variable=""), parse_units(theirs, variable="")
        read = unit_registry().Quantity(first.magnitude, first.units).to(second.units).magnitude / second.magnitude
    except (ClimannError, pint.PintError):  # not convertible (other quantities): nothing to add
        return ""
    return f" (1 {ours} is {float(read):.6g} {theirs})"
