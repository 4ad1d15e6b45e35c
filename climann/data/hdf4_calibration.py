"""HDF4 SDS calibration attributes beside a ``scale_factor``: two readings of one number.

MODIS land products (MOD13 NDVI/EVI, MOD09 reflectances) are HDF-EOS (HDF4) files whose
scientific data sets carry the calibration of HDF4's ``SDsetcal``: ``scale_factor``,
``scale_factor_err``, ``add_offset``, ``add_offset_err`` and ``calibrated_nt``. MOD13 stores
``scale_factor = 10000`` and means value = stored / 10000 (the MODIS VI user guide: NDVI valid
range -2000…10000 for -0.2…1), while CF (§8.1), netCDF4-python and xarray multiply: value =
stored × scale_factor. Copied to NetCDF with these attributes kept (gdal_translate, pyhdf
scripts), an NDVI of 0.8 becomes 8e7, and every RMSE, MAE and map is 1e8 times too large
while the skill scores, which do not depend on the scale, look right (break33a A6). Other
MODIS land products (MOD11 LST, ``scale_factor = 0.02``) multiply, as ``SDsetcal`` itself does;
the attributes alone do not say which reading a scale above 1 means. ``SDsetcal``'s offset is
subtracted before the scaling (value = scale_factor × (stored - add_offset), the HDF4 User's
Guide, "Calibration attributes"; MOD06's cloud-top temperature, offset -15000), CF's added after
(value = stored × scale_factor + add_offset): with an offset the two differ at every value.

So a variable with HDF4 calibration attributes (``calibrated_nt`` or ``scale_factor_err``) is
refused in one line (:func:`refuse_hdf4_calibration`) when its ``scale_factor`` is above 1
(CF's reading then spreads a valid range of packed integers over tens of millions), or when its
``add_offset`` is not 0 in a file whose ``Conventions`` do not say CF. A scale_factor at or
below 1 without an offset reads one way (MOD11, MOD09) and is read as CF's. The line names both
readings (with the valid range each gives) and the ``ncatted`` that writes CF's packing of the
HDF4 reading (``scale_factor`` 1/X and ``add_offset`` -offset/X for MOD13's division;
``add_offset`` -offset × scale_factor for ``SDsetcal``'s) and removes the HDF4 attributes; for
values meant as CF reads them, the one that only removes the HDF4 attributes.

A conversion that writes only CF's attributes drops ``calibrated_nt`` and ``scale_factor_err``
and keeps MOD13's ``scale_factor = 10000`` (break56d A2: NDVI read up to 8e7, trained and
scored with exit 0). Such a variable is refused the same way (:func:`modis_divided`) when its
MODIS origin is evident: stored integers with a ``scale_factor`` above 1 and a two-number
``valid_range`` (in stored units, CF §8.1) beside HDF-EOS global attributes
(``StructMetadata.0``, ``CoreMetadata.0``…), units or a long name naming a spectral index
(``NDVI``), or a valid range whose top is the ``scale_factor`` itself (MODIS' stored range of an
index whose top is 1). Each line is a loop over every file given beside it that holds the variable
packed alike, writing the copies into a new folder (:func:`~climann.data.shell.copies_of_files`):
the line for the first of 144 monthly files alone, rerun, met the same refusal (break56d A3).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.handles import open_file
from climann.data.shell import attribute_command, copies_of_files, given_files, ncatted_attribute, ncatted_number
from climann.data.units import dimensionless_index
from climann.errors import ClimannError

__all__ = ["HDF4_CALIBRATION_ATTRIBUTES", "HDFEOS_ATTRIBUTES", "hdf4_calibrated", "modis_divided",
           "refuse_hdf4_calibration"]

#: The attributes HDF4's ``SDsetcal`` writes beside ``scale_factor`` and ``add_offset``; the first
#: two mark a variable as calibrated in HDF4's way (``add_offset_err`` is removed with them).
HDF4_CALIBRATION_ATTRIBUTES = ("calibrated_nt", "scale_factor_err", "add_offset_err")


def _packing(variable: xr.DataArray) -> tuple[float, float]:
    """``(scale_factor, add_offset)`` as opened (xarray moves them to ``encoding``), 1 and 0 without."""
    marks = {**variable.attrs, **variable.encoding}
    return float(np.asarray(marks.get("scale_factor", 1.0))), float(np.asarray(marks.get("add_offset", 0.0)))


def hdf4_calibrated(variable: xr.DataArray, conventions: str) -> bool:
    """Whether ``variable``'s packing cannot be read as CF's: it carries HDF4 calibration
    attributes (``calibrated_nt`` or ``scale_factor_err``) and a ``scale_factor`` above 1, or an
    ``add_offset`` other than 0 in a file whose ``Conventions`` (``conventions``) do not say CF.

    Parameters
    ----------
    variable : xarray.DataArray
        As opened.
    conventions : str
        The file's global ``Conventions`` attribute ("" without).

    Returns
    -------
    bool
    """
    if not any(key in variable.attrs for key in HDF4_CALIBRATION_ATTRIBUTES[:2]):
        return False
    scale, offset = _packing(variable)
    return scale > 1 or (offset != 0 and "CF" not in conventions.upper())


#: Global attributes that HDF-EOS (HDF4's and HDF5's) writes and a conversion to NetCDF keeps
#: (netCDF-C, ncks, gdal): the ODL of the grid and of the granule's inventory and archive.
HDFEOS_ATTRIBUTES = ("StructMetadata.0", "CoreMetadata.0", "ArchiveMetadata.0", "HDFEOSVersion")


def _named_index(variable: xr.DataArray) -> bool:
    """Whether ``variable``'s units or a word of its long name name a spectral index (``NDVI``,
    :func:`~climann.data.units.dimensionless_index`)."""
    words = [str(variable.attrs.get("units", "")), *re.findall(r"\w+", str(variable.attrs.get("long_name", "")))]
    return any(dimensionless_index(word) is not None for word in words)


def modis_divided(variable: xr.DataArray, attrs: dict) -> bool:
    """Whether ``variable`` is a MODIS land layer whose ``scale_factor`` means a division, with its
    HDF4 calibration attributes dropped: no ``calibrated_nt`` or ``scale_factor_err``, stored as
    integers with a ``scale_factor`` above 1 and a two-number ``valid_range``, and a MODIS origin
    evident: HDF-EOS global attributes (:data:`HDFEOS_ATTRIBUTES`, in ``attrs``), units or long name
    naming a spectral index, or the valid range's top equal to the ``scale_factor`` (the stored
    range of an index that ends at 1).

    Parameters
    ----------
    variable : xarray.DataArray
        As opened (packing in ``encoding``).
    attrs : dict
        The file's global attributes.

    Returns
    -------
    bool
    """
    if any(key in variable.attrs for key in HDF4_CALIBRATION_ATTRIBUTES[:2]):
        return False
    stored = np.dtype(variable.encoding.get("dtype", variable.dtype))
    limits = np.asarray(variable.attrs.get("valid_range", variable.encoding.get("valid_range", [])))
    scale = _packing(variable)[0]
    if stored.kind not in "iu" or scale <= 1 or limits.size != 2:
        return False
    return (any(key in attrs for key in HDFEOS_ATTRIBUTES) or _named_index(variable)
            or float(limits[1]) == scale)


def _divided(variable: xr.DataArray) -> bool:
    """Whether the HDF4 reading of ``variable`` divides by its ``scale_factor`` (MOD13's, above 1)
    rather than multiplies (``SDsetcal``'s)."""
    return _packing(variable)[0] > 1


def _hdf4_value(stored: float, scale: float, offset: float, divided: bool) -> float:
    """One stored number as the HDF4 reading gives it: (stored - offset) / or × scale."""
    return (stored - offset) / scale if divided else (stored - offset) * scale


def _readings(variable: xr.DataArray) -> str:
    """Both readings of ``variable``'s packing, with its valid range under each when it has one:
    ``"as CF, stored × 10000 (valid_range -2e+07…1e+08); as HDF4/MODIS land, stored / 10000 (-0.2…1)"``."""
    scale, offset = _packing(variable)
    limits = variable.attrs.get("valid_range", variable.encoding.get("valid_range"))
    shift = f" {'-' if offset < 0 else '+'} {abs(offset):g}" if offset else ""
    back = f"(stored {'+' if offset < 0 else '-'} {abs(offset):g})" if offset else "stored"
    divided = _divided(variable)
    as_cf = f"as CF, stored × {scale:g}{shift}"
    as_hdf4 = (f"as MODIS land's HDF4 calibration, {back} / {scale:g}" if divided
               else f"as HDF4's SDsetcal, {back} × {scale:g}")
    if limits is None or np.asarray(limits).size != 2:
        return f"{as_cf}; {as_hdf4}"
    low, high = (float(value) for value in np.asarray(limits))
    return (f"{as_cf} (valid_range {low * scale + offset:g}…{high * scale + offset:g}); "
            f"{as_hdf4} ({_hdf4_value(low, scale, offset, divided):g}…{_hdf4_value(high, scale, offset, divided):g})")


def _cf_attributes(name: str, variable: xr.DataArray) -> list[str]:
    """The ncatted ``-a`` that write CF's packing of the HDF4 reading and remove the HDF4 attributes:
    for value = (stored - offset) / X, ``scale_factor`` 1/X and ``add_offset`` -offset/X; for value =
    (stored - offset) × X, ``add_offset`` -offset × X."""
    scale, offset = _packing(variable)
    kind = np.dtype("float64")
    written = []
    if _divided(variable):
        written.append(ncatted_attribute("scale_factor", name, "o", "d", ncatted_number(1 / scale, kind)))
    if offset:
        cf_offset = -offset / scale if _divided(variable) else -offset * scale
        written.append(ncatted_attribute("add_offset", name, "o", "d", ncatted_number(cf_offset, kind)))
    return written + _removed(name, variable)


def _removed(name: str, variable: xr.DataArray) -> list[str]:
    """The ncatted ``-a`` that delete ``variable``'s HDF4 calibration attributes."""
    return [ncatted_attribute(key, name, "d") for key in HDF4_CALIBRATION_ATTRIBUTES if key in variable.attrs]


def _variable_files(source: str, name: str, variable: xr.DataArray) -> list[str]:
    """``source`` and every other file given beside it (:func:`~climann.data.shell.given_files`,
    in its folder, of its ending) that holds ``name`` packed alike (its header read), by name."""
    path = Path(source).resolve()
    files = [source]
    for other in sorted(given_files()):
        if other == path or other.parent != path.parent or other.suffix != path.suffix:
            continue
        try:
            header = open_file(other, decode_times=False)
        except (OSError, ValueError, KeyError, ClimannError):
            continue
        if name in header.data_vars and _packing(header[name]) == _packing(variable):
            files.append(str(other))
    return files


def _two_readings(dataset: xr.Dataset) -> list[str]:
    """The data variables of ``dataset`` whose ``scale_factor`` reads two ways: HDF4 calibration
    attributes beside it (:func:`hdf4_calibrated`) or MOD13's division with them dropped (:func:`modis_divided`)."""
    conventions = str(dataset.attrs.get("Conventions", ""))
    return [str(name) for name, variable in dataset.data_vars.items()
            if hdf4_calibrated(variable, conventions) or modis_divided(variable, dataset.attrs)]


def _commands(attributes: list[str], files: list[str] | None, name: str) -> str:
    """The ``ncatted`` making ``attributes`` on a copy of each of ``files`` in a new folder ``name``
    (:func:`~climann.data.shell.copies_of_files`, stopping at a failure); on ``IN.nc OUT.nc`` when the
    data name no file."""
    if files is None:
        return attribute_command(attributes, "IN.nc OUT.nc")
    return copies_of_files(lambda arguments, _: attribute_command(attributes, arguments), files, name=name)


def refuse_hdf4_calibration(dataset: xr.Dataset) -> None:
    """Refuse a file of which a data variable's ``scale_factor`` has two readings
    (:func:`hdf4_calibrated`, :func:`modis_divided`), in one line.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened by xarray (packing in each variable's ``encoding``).

    Raises
    ------
    ClimannError
        Naming the first such variable (and how many others), both readings, the ``ncatted``
        that writes CF's packing of the HDF4 reading for every one of them and the one that
        keeps CF's reading, each on a copy of every file given beside it that holds the first
        variable packed alike, in a new folder.
    """
    found = _two_readings(dataset)
    if not found:
        return
    source = dataset.encoding.get("source")
    where = Path(str(source)).name if source else "the file"
    first, others = found[0], found[1:]
    files = _variable_files(str(source), first, dataset[first]) if source else None
    variable = dataset[first]
    also = f" (and {len(others)} other variable{'s' * (len(others) > 1)}: {', '.join(others)})" if others else ""
    divided = _commands([part for name in found for part in _cf_attributes(name, dataset[name])], files,
                        "cf_packing")
    removed = [part for name in found for part in _removed(name, dataset[name])]
    scale, offset = _packing(variable)
    packing = f"scale_factor = {scale:g}" + (f" and add_offset = {offset:g}" if offset else "")
    meant = ("MODIS land products such as MOD13 mean the second" if _divided(variable)
             else "HDF4 files written by SDsetcal (MODIS atmosphere products) mean the second")
    hdf4_form = "/" if _divided(variable) else "×"
    marks = [key for key in HDF4_CALIBRATION_ATTRIBUTES if key in variable.attrs]
    if marks:
        what = f"has HDF4 calibration attributes ({', '.join(marks)}) beside {packing}"
        kept = f"remove the HDF4 attributes: {_commands(removed, files, 'hdf4_marks_removed')}"
    else:
        what = (f"is stored as integers with {packing} and a valid_range of stored values, as a MODIS land "
                f"layer copied from HDF4 without its calibration attributes (calibrated_nt)")
        dropped = [ncatted_attribute("valid_range", name, "d") for name in found]
        kept = (f"remove the valid_range, which then names no range of the values: "
                f"{_commands(dropped, files, 'valid_range_removed')}")
    raise ClimannError(
        f"'{first}' in {where}{also} {what}, which reads two ways: {_readings(variable)}; {meant}, CF and xarray "
        f"read the first; if the values are (stored - add_offset) {hdf4_form} {scale:g}, write CF's packing: "
        f"{divided}; if they are as CF reads them, {kept}")
