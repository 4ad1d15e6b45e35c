"""Attributes that other writers name otherwise than CF, read under CF's names.

- HDF-EOS (OMI's level-3 grids, ``.he5``) writes a variable's units as ``Units``
  (``molec/cm2``): read as ``units`` where a variable has none (``NoUnits``, HDF-EOS's word for
  none, left out; break38a B3: info showed "-").
- WRF (``wrfout`` files) describes each field in ``description`` (``TEMP at 2 M``,
  ``ACCUMULATED TOTAL GRID SCALE PRECIPITATION``) and writes no ``long_name``: read as the
  ``long_name`` (CF §3.2: "a descriptive name") of a variable that has WRF's own
  ``MemoryOrder`` attribute and no ``long_name`` (break38a B5: figures titled "T2 (T2)", the
  predictions file's long_name falling back to the name). ``description`` of other writers is
  left alone: it may be a paragraph.

Only attributes the variable lacks are added; the file's own are kept as they are.
"""

from __future__ import annotations

import xarray as xr

__all__ = ["with_cf_names"]

#: HDF-EOS's word for "no units".
_NO_UNITS = "nounits"


def _added(attrs: dict) -> dict[str, str]:
    """The CF attributes that one variable's foreign ones give (see the module's description)."""
    added = {}
    units = attrs.get("Units")
    if "units" not in attrs and isinstance(units, str) and units.strip() and units.strip().lower() != _NO_UNITS:
        added["units"] = units.strip()
    description = attrs.get("description")
    if ("long_name" not in attrs and "MemoryOrder" in attrs and isinstance(description, str)
            and description.strip()):
        added["long_name"] = description.strip()
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
    added = {name: extra for name, variable in dataset.variables.items() if (extra := _added(variable.attrs))}
    if not added:
        return dataset
    copied = dataset.copy(deep=False)
    for name, extra in added.items():
        copied[name].attrs = {**copied[name].attrs, **extra}
    return copied
