"""NetCDF-4 user-defined types: enums read as CF flags, variable-length and compound values as no numbers.

NetCDF-4 lets a file define its own types (NetCDF User Guide, "User Defined Data Types"):

- an **enum** (``lc_t``: ``forest = 1, grass = 2, desert = 3, ice = 4, fill = 255``) stores
  integer codes with a name for each. It is what CF's ``flag_values`` and ``flag_meanings``
  (CF-1.11 §3.5) say in attributes; xarray keeps the dictionary only in
  ``encoding["dtype"].metadata["enum"]`` (netCDF4 in ``Variable.datatype.enum_dict``) and
  reads the codes as amounts. Each enum variable is therefore given ``flag_values`` (every
  member's code, the fill member's too, in increasing order) and ``flag_meanings`` (their
  names) as it is read (:func:`with_enum_as_flags`), so that every rule of
  :mod:`climann.data.flags` sees classes (break41b B2: an enum of land-cover classes was
  proposed and trained as the target). A member that names missing data (``no_data = 255``)
  of an enum without ``_FillValue`` or ``missing_value`` is read as missing, said once
  (:func:`enum_missing_note`): the file itself names it, and NCO cannot add a ``_FillValue``
  to an enum variable (``ncatted`` finds no variable of that name in such a file and ``ncap2``
  stops at the enum type, NCO 5.1: break41b B2b), so no ``ncatted`` line is given for it;
- a **variable-length** (VLEN) array at each cell (``station_obs(lat, lon)``, a list of
  observations of its own length) is no number: xarray reports the base type (float32) for
  what are arrays of objects, which crashed every computation on it (break41b B4). It is
  given an ``object`` dtype as it is read (:func:`with_vlen_as_objects`), so that it is left
  out of the data variables with the other non-numeric ones, and refused as a target or
  predictor in one line (:func:`user_type_message`);
- a **compound** value (``wind_t = {u: float32, v: float32}``) is a record of named fields.
  Each numeric field is a variable of its own once written so; :func:`user_type_message`
  names the fields and gives the xarray line that does it (break41b B10).

Example
-------
>>> enum_flags({"forest": 1, "grass": 2, "fill": 255}, np.dtype("u1"))  # doctest: +SKIP
(array([  1,   2, 255], dtype=uint8), 'forest grass fill')
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.enum_files import note_enum_file
from climann.data.notes import note_once
from climann.data.shell import python_command, whole_write, working_path
from climann.errors import ClimannError

__all__ = ["ENUM_MISSING_KEY", "VLEN_KEY", "compound_fields_command", "enum_flags", "enum_missing_note",
           "refuse_user_type_variables", "user_type_kind", "user_type_message", "with_enum_as_flags",
           "with_vlen_as_objects"]

_log = logging.getLogger(__name__)

#: ``encoding`` key of an enum variable whose missing-data member is read as missing: (member, code).
ENUM_MISSING_KEY = "climann_enum_missing"

#: ``encoding`` key of a variable-length variable: its base type's name (``float32``).
VLEN_KEY = "climann_vlen"

#: Names of an enum member that marks missing data (``no_data``, ``missing``, ``fill``, ``_FillValue``).
_MISSING_MEMBER = re.compile(r"^_?(no_?data|nodata|missing(_?data|_?values?)?|fill(_?values?)?|fillvalue|"
                             r"not_?available|undefined)$", re.IGNORECASE)


def enum_flags(members: Mapping[str, int], dtype: np.dtype) -> tuple[np.ndarray, str]:
    """An enum's dictionary as CF ``flag_values`` and ``flag_meanings`` (CF-1.11 §3.5).

    Parameters
    ----------
    members : mapping of str to int
        The enum's names and codes (netCDF4's ``EnumType.enum_dict``).
    dtype : numpy.dtype
        The enum's base integer type.

    Returns
    -------
    (numpy.ndarray, str)
        Every code in increasing order, of ``dtype`` (shape (n_members,)), and the names in
        the same order, joined by blanks (a blank inside a name becomes ``_``, as
        ``flag_meanings`` separates meanings by blanks).
    """
    ordered = sorted(members.items(), key=lambda item: item[1])
    codes = np.array([code for _, code in ordered], dtype=dtype)
    return codes, " ".join(re.sub(r"\s+", "_", str(name).strip()) for name, _ in ordered)


def with_enum_as_flags(name: str, variable: xr.Variable, members: Mapping[str, int]) -> xr.Variable:
    """The raw (undecoded) enum ``variable`` with its members as ``flag_values`` and
    ``flag_meanings`` (:func:`enum_flags`), unless it has flag attributes of its own; its
    missing-data member (``no_data``) as its ``missing_value`` when it has no ``_FillValue``
    nor ``missing_value``, recorded under :data:`ENUM_MISSING_KEY` (changed in place).

    Parameters
    ----------
    name : str
        The variable's name, for the note.
    variable : xarray.Variable
        As the netCDF4 backend reads it (its codes, attributes as stored).
    members : mapping of str to int
        The enum's dictionary.

    Returns
    -------
    xarray.Variable
        The same variable.
    """
    attrs = variable.attrs
    if variable.encoding.get("source"):  # NCO stops at the file's enum type: its advice is Python
        note_enum_file(variable.encoding["source"], name)
    if "flag_values" not in attrs and "flag_masks" not in attrs:
        attrs["flag_values"], attrs["flag_meanings"] = enum_flags(members, variable.dtype)
    if "_FillValue" in attrs or "missing_value" in attrs:
        return variable
    missing = [(member, code) for member, code in members.items() if _MISSING_MEMBER.match(str(member))]
    if len(missing) == 1:  # two members that both say "missing" are read as the file names them
        member, code = missing[0]
        attrs["missing_value"] = np.asarray(code, dtype=variable.dtype)
        variable.encoding[ENUM_MISSING_KEY] = (str(member), int(code))
        source = variable.encoding.get("source")
        note_once(_log, logging.WARNING, enum_missing_note(name, Path(source).name if source else "the data",
                                                           str(member), int(code)),
                  key=("enum missing member", source, name))
    return variable


def enum_missing_note(name: str, where: str, member: str, code: int) -> str:
    """The note that an enum's missing-data member is read as missing.

    Examples
    --------
    >>> enum_missing_note("mask", "a.nc", "no_data", 255)  # doctest: +NORMALIZE_WHITESPACE
    "'mask' in a.nc is a NetCDF-4 enum whose member no_data = 255 is read as missing (the variable has no
    _FillValue); its other members are classes (CF flag_values)"
    """
    return (f"'{name}' in {where} is a NetCDF-4 enum whose member {member} = {code} is read as missing (the "
            f"variable has no _FillValue); its other members are classes (CF flag_values)")


def with_vlen_as_objects(variable: xr.Variable, base: np.dtype) -> xr.Variable:
    """The raw variable-length ``variable`` (netCDF4's ``VLType``) with an ``object`` dtype, as
    its values are (one array per cell), and its base type recorded under :data:`VLEN_KEY`.

    xarray's netCDF4 backend gives such a variable its base type (float32), and the arrays it
    reads then crash NumPy's arithmetic ("setting an array element with a sequence").

    Parameters
    ----------
    variable : xarray.Variable
        As the netCDF4 backend reads it.
    base : numpy.dtype
        The VLEN type's base type.

    Returns
    -------
    xarray.Variable
        A new variable on the same lazily read values.
    """
    data = variable._data  # xarray's lazily indexed array over the backend's wrapper
    wrapper = getattr(data, "array", None)
    if wrapper is not None and hasattr(wrapper, "dtype"):
        wrapper.dtype = np.dtype(object)
    encoding = {**variable.encoding, "dtype": np.dtype(object), VLEN_KEY: np.dtype(base).name}
    return xr.Variable(variable.dims, data, variable.attrs, encoding)


def user_type_kind(variable: xr.DataArray) -> str | None:
    """What a NetCDF-4 variable-length or compound ``variable`` holds, for a list of variables
    left out (``"variable-length arrays of float32"``, ``"a compound of u, v"``); None for another."""
    if VLEN_KEY in variable.encoding:
        return f"variable-length arrays of {variable.encoding[VLEN_KEY]}"
    fields = variable.dtype.fields
    return f"a compound of {', '.join(fields)}" if fields else None


def user_type_message(name: str, variable: xr.DataArray, where: str, *, role: str) -> str | None:
    """Why ``variable``, of a NetCDF-4 variable-length or compound type, cannot be a target
    or predictor, and the way out; None for another variable.

    Parameters
    ----------
    name : str
        The variable's name.
    variable : xarray.DataArray
        As opened.
    where : str
        The files, for the message.
    role : str
        ``"target"`` or ``"feature"``.

    Returns
    -------
    str or None
        For a VLEN variable: that each cell holds an array of its own length; for a compound one,
        its numeric fields and an xarray line that writes each as its own variable
        (``wind_u``, ``wind_v``) into a copy of the file.
    """
    if VLEN_KEY in variable.encoding:
        return (f"variable '{name}' in {where} is a NetCDF-4 variable-length (VLEN) array of "
                f"{variable.encoding[VLEN_KEY]}: each cell holds a list of values of its own length, not one number, "
                f"so it cannot be a {role}; reduce each cell to one number first (its mean, its count) into a "
                f"variable of its own, or leave it out")
    fields = variable.dtype.fields
    if not fields:
        return None
    numeric = [field for field, (kind, *_) in fields.items() if np.dtype(kind).kind in "biuf"]
    shown = ", ".join(f"{field} ({np.dtype(fields[field][0]).name})" for field in fields)
    if not numeric:
        return (f"variable '{name}' in {where} is a NetCDF-4 compound of fields {shown}, none of them numbers, "
                f"so it cannot be a {role}")
    stored = str(variable.encoding.get("source") or where)
    source, copy = working_path(stored), working_path(Path(stored).with_name(f"{Path(stored).stem}_{name}_fields.nc"))
    return (f"variable '{name}' in {where} is a NetCDF-4 compound of the numeric fields {shown}, not one number, "
            f"so it cannot be a {role} as it is; write each field as its own variable into a copy (without the "
            f"file's compound and variable-length variables, which xarray does not write; then name "
            f"{' or '.join(repr(f'{name}_{field}') for field in numeric)}): "
            f"{compound_fields_command(source, name, numeric, copy)}")


def compound_fields_command(source: str, name: str, fields: list[str], copy: str) -> str:
    """One Python line (netCDF4 and xarray) that writes a copy of ``source`` without the
    compound variable ``name``, with each of its ``fields`` as a variable ``NAME_FIELD`` on
    the same dimensions, its attributes kept; the file's compound and variable-length
    variables are left out of the copy (xarray writes neither back).

    Examples
    --------
    >>> from climann.data.shell import advised_python
    >>> line = compound_fields_command("a.nc", "wind", ["u", "v"], "a_wind_fields.nc")
    >>> line.startswith(advised_python() + " -c ")  # the interpreter that runs climann (fix57d)
    True
    >>> print(line[line.index("-c "):])  # doctest: +NORMALIZE_WHITESPACE
    -c "import sys, netCDF4, xarray as xr; f = netCDF4.Dataset('a.nc'); c = f['wind']; a = c[:];
    d = xr.open_dataset('a.nc', drop_variables=[k for k, w in f.variables.items() if isinstance(w.datatype,
    (netCDF4.CompoundType, netCDF4.VLType))]); d = d.assign({'wind_' + k: (c.dimensions, a[k],
    {n: c.getncattr(n) for n in c.ncattrs() if n not in ('_FillValue',)}) for k in ['u', 'v']});
    import os,shutil,numpy;p='a_wind_fields.nc'+'.part';os.path.lexists('a_wind_fields.nc') and
    sys.exit('a_wind_fields.nc'+' is there already: left as it is, nothing written; move it away or write another
    name');sys.excepthook=lambda *e:(shutil.rmtree(p,True) if
    os.path.isdir(p) else os.path.exists(p) and
    os.remove(p),sys.__excepthook__(*e));[v.encoding.setdefault('_FillValue',
    numpy.ravel(v.encoding.pop('missing_value'))[0]) for v in d.variables.values() if 'missing_value' in v.encoding
    and not numpy.array_equal(numpy.ravel(v.encoding['missing_value']), numpy.ravel(v.encoding.get('_FillValue',
    numpy.nan)), equal_nan=True)];d.to_netcdf(p);os.replace(p,'a_wind_fields.nc')"
    """
    return python_command(
        f"import sys, netCDF4, xarray as xr; f = netCDF4.Dataset({source!r}); c = f[{name!r}]; a = c[:]; "
        f"d = xr.open_dataset({source!r}, drop_variables=[k for k, w in f.variables.items() "
        f"if isinstance(w.datatype, (netCDF4.CompoundType, netCDF4.VLType))]); "
        f"d = d.assign({{{name + '_'!r} + k: (c.dimensions, a[k], "
        f"{{n: c.getncattr(n) for n in c.ncattrs() if n not in ('_FillValue',)}}) "
        f"for k in {fields!r}}}); " + whole_write(target=repr(copy)))


def refuse_user_type_variables(dataset: xr.Dataset, names: Sequence[str], *, where: str) -> None:
    """Refuse, in one line, the first of ``names`` (the target first, then the predictors) that
    is a NetCDF-4 variable-length or compound variable (:func:`user_type_message`): before any
    check reads its values, which NumPy cannot compute on (break41b B4, B10).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The target and the predictors the user named (those absent are skipped).
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        For such a variable, with what it holds and the way out.
    """
    for index, name in enumerate(names):
        if name in dataset.data_vars:
            message = user_type_message(name, dataset[name], where, role="target" if index == 0 else "feature")
            if message is not None:
                raise ClimannError(message)
