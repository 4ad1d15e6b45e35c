"""Labels stored as character arrays, read as text once, as each file is opened.

NetCDF-3 files and CMOR store text as a ``char`` array with a string-length dimension last
(NetCDF User Guide, "Strings"; CF conventions 1.8 §2.2): CMIP6's plant functional types
``char vegtype(vegtype, strlen)``, a station file's ``char station_name(station, name_len)``
and its ``cf_role = "timeseries_id"`` (CF §9.5). xarray joins each row into one fixed-width
byte string (``b'bare'``; Fortran writers pad with blanks, C writers with NULs), which equals
no text: ``--select vegtype=bare`` matched nothing, and ``climann info`` listed ``b'bare'``
and advised ``select = {vegtype = "b'bare'"}``, which matched nothing either (break33a A7).

:func:`with_char_labels_as_text` turns every such variable into text (UTF-8, the encoding
xarray writes text in; CF 1.8 §2.2), stripped of its padding, as the same labels stored as
NetCDF-4 strings are read: every later reader (selection, ``info``, station names,
``predictions.nc``) sees one kind of label. Variables read lazily stay lazy.

xarray joins a char array's characters only when its string-length dimension has no variable of
its own (``xarray.conventions.decode_cf_variables``); WAVEWATCH III's point output writes one,
``int string16(string16)`` ("station_name number of characters", every value missing), beside
``char station_name(station, string16)``, and the names were left as lists of characters:
``climann info`` showed ``['6', '2', '0', '2', '9', '', …]`` and ``--select station=62029`` was
refused (break43c A4). A dimension that only char arrays end with, besides its own variable, is a
string length all the same (:func:`string_length_dimensions`): those arrays are joined as xarray
joins the others, and the dimension's own variable, which only counted the characters, is left out.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["as_text", "string_length_dimensions", "with_char_labels_as_text"]

#: What pads a label to its string length: blanks (Fortran), NULs (C).
_PADDING = " \t\n\r\0"


def as_text(values: np.ndarray) -> np.ndarray:
    """Fixed-width byte strings as text: decoded as UTF-8 (an undecodable byte shown as
    U+FFFD, never dropped), blanks and NULs at either end stripped.

    Parameters
    ----------
    values : ndarray of bytes (dtype ``S``), any shape

    Returns
    -------
    ndarray of str (dtype ``U``), the same shape

    Examples
    --------
    >>> as_text(np.array([b"bare", b"grass   ", b"crop\\x00\\x00"])).tolist()
    ['bare', 'grass', 'crop']
    """
    return np.char.strip(np.char.decode(np.asarray(values), "utf-8", errors="replace"), _PADDING)


def with_char_labels_as_text(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with each variable of fixed-width bytes (a ``char`` array xarray joined,
    see the module's description) as text of the same dimensions, attributes and encoding.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened (not modified).

    Returns
    -------
    xarray.Dataset
        The same dataset when it holds no bytes; else with those variables as text (``U``),
        coordinates staying coordinates (an index is rebuilt on the text); dask-backed
        variables are decoded lazily, block by block. Char arrays xarray left unjoined because
        their string-length dimension has a variable (:func:`string_length_dimensions`) are
        joined first, and that variable left out.
    """
    dataset = _with_char_arrays_joined(dataset)
    decoded = {name: _decoded(variable) for name, variable in dataset.variables.items() if variable.dtype.kind == "S"}
    if not decoded:
        return dataset
    coordinates = {name: variable for name, variable in decoded.items() if name in dataset.coords}
    data = {name: variable for name, variable in decoded.items() if name not in dataset.coords}
    return dataset.assign_coords(coordinates).assign(data)


def _decoded(variable: xr.Variable) -> xr.Variable:
    """One variable of bytes as text (:func:`as_text`), lazily when dask holds it."""
    text_dtype = np.dtype(f"U{max(variable.dtype.itemsize, 1)}")
    if variable.chunks is not None:  # dask's: decoded block by block when read (dask.array is not imported)
        values = variable.data.map_blocks(as_text, dtype=text_dtype)
    else:
        values = as_text(variable.values)
    return xr.Variable(variable.dims, values, variable.attrs, variable.encoding)


def string_length_dimensions(dataset: xr.Dataset) -> set[str]:
    """The dimensions of ``dataset`` that are a string length though they have a variable of their
    own (xarray joins the characters along the others itself): each is the last dimension of a
    char array (``S1``) left unjoined, and every other variable on it is such an array ending with it.

    Examples
    --------
    >>> chars = np.array([[b"6", b"2"], [b"D", b"I"]], dtype="S1")
    >>> dataset = xr.Dataset({"station_name": (("station", "string16"), chars)},
    ...                      coords={"string16": ("string16", [np.nan, np.nan])})
    >>> string_length_dimensions(dataset)
    {'string16'}
    """
    ends = {variable.dims[-1] for variable in dataset.variables.values() if variable.dtype == "S1" and variable.ndim}
    return {str(dimension) for dimension in ends if dimension in dataset.variables
            and all(variable.dtype == "S1" and variable.dims[-1] == dimension for name, variable
                    in dataset.variables.items() if dimension in variable.dims and name != dimension)}


def _with_char_arrays_joined(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with each char array along a :func:`string_length_dimensions` dimension joined
    into fixed-width bytes (xarray's own :class:`~xarray.coding.strings.CharacterArrayCoder`), and
    the dimension's variable left out."""
    dimensions = string_length_dimensions(dataset)
    if not dimensions:
        return dataset
    coder = xr.coding.strings.CharacterArrayCoder()
    joined = {}
    for name, variable in dataset.variables.items():
        if variable.dtype == "S1" and variable.ndim and variable.dims[-1] in dimensions:
            if variable.chunks is not None:  # xarray joins only one block along the characters
                variable = variable.chunk({variable.dims[-1]: -1})
            joined[name] = coder.decode(variable, name=name)
    trimmed = dataset.drop_vars([*joined, *dimensions])
    coordinates = {name: variable for name, variable in joined.items() if name in dataset.coords}
    data = {name: variable for name, variable in joined.items() if name not in dataset.coords}
    return trimmed.assign_coords(coordinates).assign(data)
