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

__all__ = ["with_cf_names", "refuse_hdfeos_packing"]

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
