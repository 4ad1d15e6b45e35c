"""How a variable's stored values are read: ``_Unsigned``, and fill values of another type.

xarray decodes a file's integers and fill values by the letter of its attributes, where other
readers and the conventions read their meaning. Before a NetCDF file's or a Zarr store's
variables are decoded (:func:`climann.data.handles.open_netcdf`,
:func:`~climann.data.handles.open_zarr`), each variable's raw attributes are brought to what
they say (:func:`with_stored_values_read`):

- ``calendar`` is read without the blanks or NUL that pad it (Fortran writes ``CHARACTER*9``
  attributes blank-padded: ``"noleap   "``); cftime knows the name only without them.
- ``_Unsigned`` (NUG "Attribute Conventions": integers stored signed but meant unsigned, as
  NetCDF-3 has no unsigned types) is read without regard to case or surrounding blanks, as
  netCDF-Java and netCDF4-python read it: ``"True"`` and ``"TRUE"`` are ``"true"``. xarray
  knows only ``"true"``: byte cloud cover of 0…200 × 0.5 % stored with ``_Unsigned = "True"``
  was read as −64…63.5 %, while its valid range (:mod:`climann.data.masking`, which already
  ignored case) was read unsigned. Data and limits now follow one rule. Any other value on
  integer data (``"yes"``, ``"1"``) is refused in one line: readers disagree on it.
- ``_FillValue`` and ``missing_value`` mark the values that equal them (CF-1.8 §2.5.1), in the
  variable's type (NUG "Fill Values"; for packed data the packed (stored) type, CF-1.8 §8.1).
  An attribute of another type is compared with the stored values at the precision of the less
  precise of the two types, a floating-point number standing for every value that rounds to it
  in its type, an integer for itself (:func:`fill_value_in_type`, :func:`with_stored_values_read`):

  * a float attribute more precise than the data is rounded to the data's type:
    ``missing_value = 1e20`` stored as a double (what netCDF4-python's ``v.missing_value =
    1e20`` writes) on float32 data marks the stored ``float32(1e20)``, which the double 1e20
    never equals; ``-999.0`` on ``short`` data marks ``-999s``;
  * a float attribute less precise than the data marks the values that round to it in its
    own type: ``missing_value = -999.9`` stored as a float (what ``ncatted -a
    missing_value,tas,o,f,-999.9`` writes on a double variable) marks the doubles ``x`` with
    ``float32(x) == float32(-999.9)``, the stored ``-999.9`` among them, which the float
    (``-999.9000244…`` as a double) never equals; likewise a float on ``int`` data;
  * an integer attribute is its number in the data's type (``-999`` on float data is
    ``-999.0``);
  * with ``_Unsigned = "true"`` a ``missing_value`` in the stored signed type marks the same
    bits unsigned (``-1b`` is 255), as xarray already reads ``_FillValue``.

  Either rounding is noted (``-v``, ``train.log``). An attribute no value of the data's type
  equals (``1e20`` on ``short`` data, ``-999.5`` on integers, a double beyond float32's range)
  marks nothing, and a warning says so. (netCDF4-python compares in the data's type without
  rounding the data: there the float ``-999.9`` marks nothing on double data; netCDF4 1.7.5.)

xarray's ``SerializationWarning`` about several fill values stays silenced where the files
are opened (:func:`climann.data.open.open_input`).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import numpy as np
import xarray as xr
from xarray.coding.common import lazy_elemwise_func

from climann.data.notes import note_once
from climann.data.shell import attribute_command, input_and_copy, ncatted_attribute
from climann.errors import ClimannError

__all__ = ["FILL_ATTRIBUTES", "exact_cast", "fill_value_in_type", "read_type", "rounds_the_data", "unpacked",
           "unsigned_flag", "with_signedness", "with_stored_values_read"]

_log = logging.getLogger(__name__)

#: What pads a text attribute without being part of it: blanks (Fortran ``CHARACTER*9``
#: attributes are written blank-padded: ``"noleap   "``) and NUL (C strings written with their end).
_PADDING = " \t\r\n\0"

#: The attributes whose values mark missing data (CF-1.8 §2.5.1).
FILL_ATTRIBUTES = ("_FillValue", "missing_value")


def unsigned_flag(name: str, variable: xr.Variable, source: str | None = None) -> str | None:
    """The variable's ``_Unsigned`` as ``"true"`` or ``"false"`` (any case, blanks stripped),
    None without one; ``source``: the file, for the message.

    Raises
    ------
    ClimannError
        If integer data carry an ``_Unsigned`` that is neither true nor false (in any case):
        naming the variable, the value and the ``ncatted`` that sets it.
    """
    if "_Unsigned" not in variable.attrs:
        return None
    given = variable.attrs["_Unsigned"]
    flag = str(given).strip().lower()
    if flag in ("true", "false") or variable.dtype.kind not in "iu":
        return flag
    files = input_and_copy(source) if source else "IN.nc OUT.nc"
    raise ClimannError(
        f"'{name}' in {_where(source)} has _Unsigned = {str(given)!r}, neither true nor false, so whether its "
        f"{variable.dtype} values are signed is not said; set it: "
        f"{attribute_command([ncatted_attribute('_Unsigned', name, 'o', 'c', 'true')], files)} "
        f"(or false)"
    )


def exact_cast(value: np.ndarray, dtype: np.dtype) -> np.ndarray | None:
    """``value`` in ``dtype`` when the cast keeps it (a float narrowed to its nearest float32
    counts: that is the value a writer of float32 data stores), else None: an integer type
    given a fraction or a number beyond its range, a float type given a number beyond its
    range, or a NaN for an integer type.

    Parameters
    ----------
    value : ndarray
        Numbers (an attribute's), any shape.
    dtype : numpy.dtype
        The type wanted.

    Returns
    -------
    ndarray or None
        ``value`` in ``dtype``, same shape.
    """
    if dtype.kind == "f":
        with np.errstate(over="ignore", invalid="ignore"):
            cast = value.astype(dtype)
        return cast if (np.isfinite(cast) | ~np.isfinite(value)).all() else None
    numbers = value.astype(np.float64) if value.dtype.kind == "f" else value
    limits = np.iinfo(dtype)
    if value.dtype.kind == "f" and not (np.isfinite(numbers).all() and (numbers == np.round(numbers)).all()):
        return None
    if not ((numbers >= limits.min) & (numbers <= limits.max)).all():
        return None
    return value.astype(dtype)


def rounds_the_data(given: np.dtype, stored: np.dtype) -> bool:
    """Whether a fill value of type ``given`` is compared with data of type ``stored`` at its
    own precision, the data rounded to it: a floating-point type that cannot hold every value
    of the data's type (float32 beside float64 or int32 data, float64 beside int64 data).
    Otherwise the attribute is read in the data's type (:func:`fill_value_in_type`)."""
    if given.kind != "f" or stored.kind not in "iuf":
        return False
    if stored.kind == "f":
        return given.itemsize < stored.itemsize
    digits = np.iinfo(stored).bits - (stored.kind == "i")  # int32: 31 binary digits; float32 holds 24
    return np.finfo(given).nmant + 1 < digits


def _flips_signedness(key: str, stored: np.dtype, unsigned: str | None) -> bool:
    """Whether ``key`` is compared with integer data converted to the other signedness by
    ``_Unsigned`` (xarray converts ``_FillValue`` itself, and compares ``missing_value`` with
    the converted data as given)."""
    return key == "missing_value" and stored.kind in "iu" and {"i": "true", "u": "false"}[stored.kind] == unsigned


def fill_value_in_type(key: str, value: object, stored: np.dtype, unsigned: str | None) -> np.ndarray | None:
    """A fill or missing value attribute in the type it is compared in, None when no value of
    that type equals it.

    The type is the stored one (CF-1.8 §2.5.1; packed data: the packed type, §8.1), except
    that with ``_Unsigned`` a ``missing_value`` is compared with the data converted to the
    other signedness, so its integer is taken bit for bit in that type (``-1b`` → 255): xarray
    converts ``_FillValue`` so, and compares ``missing_value`` with the converted data as given.
    A float attribute of a type less precise than the data's (:func:`rounds_the_data`) gives
    the values its data are rounded to meet, in the data's type (float32(-999.9) as a double).

    Parameters
    ----------
    key : {"_FillValue", "missing_value"}
    value : scalar or array-like
        The attribute as stored (numeric).
    stored : numpy.dtype
        The variable's stored type.
    unsigned : {"true", "false"} or None
        Its ``_Unsigned`` (:func:`unsigned_flag`).

    Returns
    -------
    ndarray or None
        Of the type compared in; the attribute itself when already of that type.
    """
    given = np.asarray(value)
    if not _flips_signedness(key, stored, unsigned):
        return given if given.dtype == stored else exact_cast(given, stored)
    target = np.dtype(f"{'u' if stored.kind == 'i' else 'i'}{stored.itemsize}")
    if given.dtype == target:
        return given
    if given.dtype != stored and (cast := exact_cast(given, target)) is not None:
        return cast  # a number of the type the data are read in: ubyte 255 on _Unsigned bytes
    in_stored = given if given.dtype == stored else exact_cast(given, stored)
    return None if in_stored is None else in_stored.view(target)  # the stored type's bits, read as the data are


def _rounded_to_marks(data: np.ndarray, *, marks: np.ndarray, in_data_type: np.ndarray) -> np.ndarray:
    """``data`` with each value that rounds to one of ``marks`` (in the marks' type) replaced
    by that mark in the data's type (``in_data_type``), the value xarray then masks."""
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.asarray(data).astype(marks.dtype)
    for mark, replacement in zip(marks, in_data_type, strict=True):
        data = np.where(rounded == mark, replacement, data)
    return data


def _marked_at_its_precision(name: str, key: str, given: np.ndarray, variable: xr.Variable,
                             where: str) -> xr.Variable:
    """The raw variable with the values that round to the float attribute ``key`` (of a type
    less precise than the data's, :func:`rounds_the_data`) set to that attribute's value in
    the data's type, which the attribute then holds: xarray masks them as it decodes. Lazy:
    the data are rounded as they are read. A NaN attribute marks the NaN data it always did."""
    marks = np.ravel(given)
    marks = marks[np.isfinite(marks)]
    if marks.size == 0:
        return variable
    in_data_type = exact_cast(marks, variable.dtype)
    if in_data_type is None:  # 1e20 as a float on int32 data: no int32 rounds to it
        _warn_marks_nothing(name, key, given, variable.dtype, where)
        return variable
    rounding = functools.partial(_rounded_to_marks, marks=marks, in_data_type=in_data_type)
    attrs = {**variable.attrs, key: in_data_type if given.ndim else in_data_type[0]}
    note_once(_log, logging.INFO, (
        f"'{name}' in {where}: {key} {_shown(given)} is stored as {given.dtype}, the data as {variable.dtype}: values "
        f"equal to it at {given.dtype}'s precision ({given.dtype}(x) == {given.dtype}({_shown(given)})) are missing "
        f"(CF §2.5.1)"))
    data = lazy_elemwise_func(variable._data, rounding, variable.dtype)
    return xr.Variable(variable.dims, data, attrs, variable.encoding, fastpath=True)


def with_stored_values_read(name: str, variable: xr.Variable, source: str | None = None) -> xr.Variable:
    """The raw (undecoded) variable with ``_Unsigned`` and its fill values as they are meant
    (see the module's rules), ready for xarray's decoding: changed in place, or, where a fill
    value less precise than the data rounds them (:func:`rounds_the_data`), a new variable
    whose values are rounded to it as they are read.

    Parameters
    ----------
    name : str
        The variable, for messages.
    variable : xarray.Variable
        As a data store gives it: stored type, attributes as in the file.
    source : str, optional
        The file, for messages.

    Returns
    -------
    xarray.Variable

    Raises
    ------
    ClimannError
        From :func:`unsigned_flag`.
    """
    attrs, where = variable.attrs, _where(source)
    calendar = attrs.get("calendar")
    if isinstance(calendar, str):  # Fortran's blank-padded CHARACTER*n, C's NUL: no part of the name
        attrs["calendar"] = calendar.strip(_PADDING)
    unsigned = unsigned_flag(name, variable, source)
    if unsigned is not None:
        attrs["_Unsigned"] = unsigned
    if variable.dtype.kind not in "iuf":
        return variable
    for key in FILL_ATTRIBUTES:
        given = np.asarray(variable.attrs.get(key, ""))
        if key not in variable.attrs or given.dtype.kind not in "biuf":
            continue  # text is refused with its fix (climann.data.masking.refuse_text_attributes)
        if rounds_the_data(given.dtype, variable.dtype) and not _flips_signedness(key, variable.dtype, unsigned):
            variable = _marked_at_its_precision(name, key, given, variable, where)
            continue
        typed = fill_value_in_type(key, given, variable.dtype, unsigned)
        if typed is None:
            _warn_marks_nothing(name, key, given, variable.dtype, where)
        elif typed.dtype != given.dtype:
            variable.attrs[key] = typed
            if given.dtype.kind == typed.dtype.kind == "f" and (typed.astype(np.float64) != given).any():
                note_once(_log, logging.INFO, (
                    f"'{name}' in {where}: {key} {_shown(given)} is stored as {given.dtype}, the data as "
                    f"{typed.dtype}: values equal to {typed.dtype}({_shown(given)}) are missing (CF §2.5.1)"))
    return variable


def with_signedness(limit: np.ndarray, encoding: dict) -> np.ndarray:
    """An integer attribute of the stored type (a valid-range limit, a flag value) reinterpreted
    (same bits) as unsigned when the variable's ``_Unsigned`` (in ``encoding``) is "true", as
    signed when it is "false"; other values unchanged. ``-2s`` becomes 65534, the byte
    ``-56b`` 200."""
    unsigned = str(encoding.get("_Unsigned", "")).strip().lower()
    kind = {"true": "i", "false": "u"}.get(unsigned)
    if kind is None or limit.dtype.kind != kind:
        return limit
    return limit.view(np.dtype(f"{'u' if kind == 'i' else 'i'}{limit.dtype.itemsize}"))


def read_type(variable: xr.DataArray | xr.Variable) -> np.dtype:
    """The type a decoded variable's stored values are read in before unpacking: the stored
    type (``encoding["dtype"]``), its integers of the other signedness where ``_Unsigned``
    says so (``"true"`` on ``short``: ``ushort``)."""
    stored = np.dtype(variable.encoding.get("dtype", variable.dtype))
    flag = str(variable.encoding.get("_Unsigned", variable.attrs.get("_Unsigned", ""))).strip().lower()
    if stored.kind in "iu" and {"i": "true", "u": "false"}[stored.kind] == flag:
        return np.dtype(f"{'u' if stored.kind == 'i' else 'i'}{stored.itemsize}")
    return stored


def unpacked(values: np.ndarray, encoding: dict, dtype: np.dtype) -> np.ndarray:
    """Stored (packed) values unpacked exactly as xarray unpacks the data: the same
    operations in the same order and type (in ``dtype``, times ``scale_factor``, plus
    ``add_offset``; CF-1.8 §8.1), so that the result equals the decoded data's value.

    Parameters
    ----------
    values : ndarray
        In the stored type (or numbers of it), any shape.
    encoding : dict
        The variable's, with its ``scale_factor`` and ``add_offset`` if packed.
    dtype : numpy.dtype
        The decoded data's type.

    Returns
    -------
    ndarray
        Of ``dtype``, same shape.
    """
    values = np.array(values).astype(dtype)
    if "scale_factor" in encoding:
        values *= encoding["scale_factor"]
    if "add_offset" in encoding:
        values += encoding["add_offset"]
    return values


def _where(source: str | None) -> str:
    return Path(source).name if source else "the file"


def _shown(value: np.ndarray) -> str:
    return ", ".join(f"{float(v):g}" for v in np.ravel(value))


def _warn_marks_nothing(name: str, key: str, given: np.ndarray, stored: np.dtype, where: str) -> None:
    """Warn once that a fill value no value of the data's type equals marks nothing."""
    note_once(_log, logging.WARNING, (
        f"'{name}' in {where} has {key} = {_shown(given)} stored as {given.dtype}, which no {stored} value of its data "
        f"equals, so it marks no value missing (a fill value is a value of the data's type, CF §2.5.1)"))
