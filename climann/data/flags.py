"""CF flag variables as predictors or target: codes of classes, not amounts.

A flag variable (CF-1.11 §3.5 "Flags") holds ``flag_meanings`` with either ``flag_values``
(mutually exclusive codes: a land-cover class 1 forest, 2 grass, 3 desert, 4 ice) or
``flag_masks`` (a bit field: each bit one independent condition). A network given such a
variable reads its codes as numbers: desert (3) lies "between" grass (2) and ice (4), and a
bit combination 13 (bits 1, 4 and 8) is "more" than 8. So:

- a flag variable is left out of the default predictors, with a note naming it
  (:mod:`climann.data.defaults`);
- named in ``[data] predictors`` it is used as the user asks, with one warning that its
  codes are used as numbers and how to give one 0/1 variable per class instead
  (:func:`warn_flag_predictors`). It is not refused: an MLP can still learn a function of a
  variable that takes a few distinct values, bit field or not, only less well than from
  indicators, and the user may know the codes are ordered (quality levels 0…3).

Flags beside continuous data are no classes: codes all outside the valid range or fill values
(:func:`status_codes`), or, without a valid range, all beyond the range of a percentage or a
fraction (:func:`codes_beyond_units_range`), are read as missing when the file is opened.

As the target, a flag variable of more than two values is refused (:func:`refuse_flag_target`):
a regression on class codes predicts in-between numbers (2.6: "between grass and desert") and
scores its errors as distances between codes; no output is right. One class as a 0/1 target
(an ``ncap2`` line writes it) is a regression on its probability, and is meaningful. The example
class of such a line is the first that is one (:func:`_example_class`), not a fill class.

A flag variable of at most two values (``flag_values = 0, 1`` "sea land"; a single bit of
``flag_masks``; one mask with one or two values, ``flag_masks = 1`` and ``flag_values = 1``
"cloudy", CF §3.5's combined form) is an indicator already: once standardised, two codes are the same input as 0
and 1, so it is a predictor like any other. A boolean mask without flag attributes is too.
The test of the attributes is cf_xarray's ``DataArray.cf.is_flag_variable``; their codes are
read by :func:`flag_codes`, which also reads them from text (``flag_values = "0 1 2"``, as
some writers put them instead of numbers of the variable's type).

Example
-------
>>> flag_classes(dataset["lc"])  # doctest: +SKIP
'flag_values 1 2 3 4: forest grass desert ice'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

import cf_xarray  # noqa: F401  (registers the ``.cf`` accessor)
import numpy as np
import xarray as xr

from climann.data.averaged_quantities import refuse_averaged
from climann.data.file_encodings import every_file_records
from climann.data.fill_like import checked_steps
from climann.data.flag_codes import flag_codes
from climann.data.nonnegative import cannot_be_negative
from climann.data.paths import is_zarr_store
from climann.data.shell import (attribute_command, copies_of_files, identifier, ncap2_name, ncatted_attribute,
                                ncatted_number, ncatted_type, one_copy_advice, shown_path, source_and_copy,
                                values_command)
from climann.data.sources import name_in_file, source_files, variable_where
from climann.data.stored_values import FILL_ATTRIBUTES, read_type, unpacked, with_signedness

__all__ = ["code_of_meaning", "codes_beyond_units_range", "codes_of_a_quantity", "flag_classes", "flag_codes",
           "indicator_advice", "meaning_of_code", "values_with_meanings",
           "range_of_quantity", "range_of_units", "refuse_codes_within_range", "refuse_flag_features",
           "refuse_flag_target", "status_codes",
           "warn_flag_predictors", "ABSENCE_MEANINGS", "decoded_codes", "zero_amount_codes"]

_log = logging.getLogger(__name__)






def _meanings_by_code(coordinate: xr.DataArray) -> list[tuple[object, str]]:
    """The (code, meaning) pairs of ``flag_values`` and ``flag_meanings`` (CF-1.11 §3.5);
    empty without both, or when their counts differ."""
    codes = flag_codes(coordinate, "flag_values")
    meanings = str(coordinate.attrs.get("flag_meanings", "")).split()
    if not codes.size or len(meanings) != codes.size:
        return []
    return list(zip(codes.tolist(), meanings))


def code_of_meaning(coordinate: xr.DataArray, value: object) -> object:
    """The code of a flag meaning given for a coordinate with ``flag_values`` and
    ``flag_meanings`` (CF-1.11 §3.5): AMSR2's ``pass`` (flag_values 1 2, flag_meanings
    "ascending descending") selected as ``pass=descending`` is ``pass=2``.

    Parameters
    ----------
    coordinate : xarray.DataArray
        The coordinate, with its attributes.
    value : object
        A value to select: a meaning (matched exactly, else ignoring case), or anything else.

    Returns
    -------
    object
        The code (a number of the coordinate's type) of the meaning; ``value`` unchanged when it
        is no meaning of the coordinate.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> passes = xr.DataArray(np.array([1, 2], "i1"), dims="pass",
    ...                       attrs={"flag_values": np.array([1, 2], "i1"), "flag_meanings": "ascending descending"})
    >>> int(code_of_meaning(passes, "descending"))
    2
    """
    if not isinstance(value, str):
        return value
    pairs = _meanings_by_code(coordinate)
    for same in (lambda meaning: meaning == value.strip(), lambda meaning: meaning.lower() == value.strip().lower()):
        found = [code for code, meaning in pairs if same(meaning)]
        if len(found) == 1:
            code = found[0]
            return np.asarray(code, coordinate.dtype)[()] if coordinate.dtype.kind in "iuf" else code
    return value


def meaning_of_code(coordinate: xr.DataArray, value: object) -> object:
    """The flag meaning of a code of a coordinate with ``flag_values`` and ``flag_meanings``
    (CF-1.11 §3.5), the inverse of :func:`code_of_meaning`: AMSR2's ``pass`` 1 is
    ``"ascending"``. A config that selects ``{pass = "ascending"}`` says what it chose, where
    ``{pass = 1}`` needs the file's attributes to be read.

    Parameters
    ----------
    coordinate : xarray.DataArray
        The coordinate, with its attributes.
    value : object
        One of its values.

    Returns
    -------
    object
        The meaning (str) of ``value``; ``value`` unchanged when it has no meaning, or when
        its meaning would not select it again (a meaning given to two codes).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> passes = xr.DataArray(np.array([1, 2], "i1"), dims="pass",
    ...                       attrs={"flag_values": np.array([1, 2], "i1"), "flag_meanings": "ascending descending"})
    >>> meaning_of_code(passes, 1)
    'ascending'
    """
    meanings = [meaning for code, meaning in _meanings_by_code(coordinate) if code == value]
    if len(meanings) != 1 or code_of_meaning(coordinate, meanings[0]) != value:
        return value
    return meanings[0]


def values_with_meanings(coordinate: xr.DataArray, shown: Sequence[str], values: np.ndarray) -> list[str]:
    """Each value as ``shown``, followed by its flag meaning where the coordinate has
    ``flag_values`` and ``flag_meanings`` (CF-1.11 §3.5): ``["1 (ascending)", "2 (descending)"]``.

    Parameters
    ----------
    coordinate : xarray.DataArray
        The coordinate, with its attributes.
    shown : sequence of str, length n
        The values as text.
    values : ndarray, shape (n,)
        The values.

    Returns
    -------
    list of str, length n
    """
    pairs = _meanings_by_code(coordinate)
    texts = []
    for text, value in zip(shown, values):
        meaning = next((meaning for code, meaning in pairs if code == value), None)
        texts.append(f"{text} ({meaning})" if meaning is not None else str(text))
    return texts




def status_codes(variable: xr.DataArray, limits: tuple[float, float] | None, name: str | None = None
                 ) -> np.ndarray | None:
    """The ``flag_values`` of a continuous quantity, none of which is a value of it: every one
    lies outside its valid range or is one of its fill values, so opening reads them as missing
    (:func:`climann.data.masking.mask_invalid`), or says its substance is absent
    (:func:`zero_amount_codes`: 0 "snow_free" beside 999 "glacier" marked missing, read as 0 of
    it); None for a variable whose flags are classes.

    CF-1.8 §3.5 lets flags stand beside continuous data: NOAA/NSIDC's sea-ice concentration
    CDR (G02202) holds concentrations 0…100 × 0.01 (``valid_range = 0b, 100b``) and
    ``flag_values = 251 … 255`` (pole hole, lakes, coast, land, missing; ``_FillValue`` 255)
    in one ``_Unsigned`` byte variable. Such a variable is data with status codes, not a class
    variable (:func:`flag_classes`).

    Parameters
    ----------
    variable : xarray.DataArray
        As opened, before its valid range is applied: the flag values, like the valid range
        and the fill values, are stored (packed) values, read with the data's signedness.
    limits : (float, float) or None
        Its valid minimum and maximum in decoded units
        (:func:`climann.data.masking.valid_limits`), None without a valid range.
    name : str, optional
        Its name, for a quantity its name says (``variable.name`` by default).

    Returns
    -------
    ndarray or None
        The codes (stored values, as :func:`flag_codes` reads them), or None.
    """
    codes = flag_codes(variable, "flag_values")
    if not codes.size or codes.dtype.kind not in "iuf" or flag_codes(variable, "flag_masks").size:
        return None
    marks = {**variable.attrs, **variable.encoding}
    fills = np.concatenate([with_signedness(np.atleast_1d(np.asarray(marks[key])), marks).astype(np.float64)
                            for key in FILL_ATTRIBUTES if key in marks and np.asarray(marks[key]).dtype.kind in "iuf"]
                           or [np.array([])])
    outside = np.zeros(codes.size, bool)
    if limits is not None:
        decoded = unpacked(codes.astype(read_type(variable)) if codes.dtype.kind in "iu" else codes,
                           variable.encoding, variable.dtype).astype(np.float64)
        outside = (decoded < limits[0]) | (decoded > limits[1])
    absent = [code for code, _ in zero_amount_codes(str(variable.name if name is None else name), variable)]
    said = outside | np.isin(codes.astype(np.float64), fills) | np.isin(codes, absent)
    return codes if bool(np.all(said)) else None


#: Flag meanings that say a quantity's substance is absent (CF-1.8 §3.5 ``flag_meanings``): ESA Snow CCI's
#: ``no_snow`` (flag value 0 beside a valid range 1…500 mm of SWE), ``snow_free``, ``no_ice``,
#: ``ice_free``, ``no_rain``, ``no_precipitation``, ``dry``. The group ``substance`` names it
#: (``dry``: rain or precipitation).
ABSENCE_MEANINGS = re.compile(
    r"^(?:(?:no|zero|without)[_-]?(?P<substance>snow|ice|rain|precipitation|precip|hail|graupel)(?:[_-]?(?:cover|fall))?"
    r"|(?P<free>snow|ice|rain|precipitation)[_-]?free|(?P<dry>dry))$", re.IGNORECASE)


def zero_amount_codes(name: str, variable: xr.DataArray) -> list[tuple[object, str]]:
    """The ``flag_values`` (stored, with their meanings) that stand for 0 of the quantity: their
    meaning says its substance is absent (:data:`ABSENCE_MEANINGS`: ``no_snow``, ``ice_free``,
    ``dry``), of a quantity that cannot be negative
    (:func:`~climann.data.nonnegative.cannot_be_negative`, read without the flag attributes) or
    a percentage or fraction (:func:`range_of_units`: a snow cover in %, whose 255 "no_snow" is 0 %,
    fix50c: it was read as missing) whose ``standard_name``, ``long_name`` or name says that
    substance (snow for ``no_snow``, rain or precipitation for ``dry``). The code's value says
    nothing (0 beside a valid range 1…500, 255 beyond 0…100): its meaning does.

    No snow is 0 mm of snow water equivalent, a value: ESA Snow CCI writes it as the flag value 0
    beside ``valid_range = 1, 500`` and the codes of glaciers, mountains, water and no data
    (break49b A1). Read as missing like those, every snow-free month left training and the
    scores (49.5 % of the land values), and the network, which never saw one, predicted -87 mm
    of SWE in July. Such a code is read as 0 of the quantity (:func:`climann.data.masking.mask_invalid`);
    the other codes stay missing.

    Parameters
    ----------
    name : str
        The variable's name.
    variable : xarray.DataArray
        As opened, with its flag attributes.

    Returns
    -------
    list of (object, str)
        ``[(0, "no_snow")]``; empty when no code says so.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> swe = xr.DataArray(np.zeros(2, "i4"), dims="x", attrs={"long_name": "Snow Water Equivalent", "units": "mm",
    ...     "flag_values": np.array([-10, 0], "i4"), "flag_meanings": "Water no_snow"})
    >>> zero_amount_codes("swe", swe)
    [(0, 'no_snow')]
    """
    pairs = _meanings_by_code(variable)
    if not pairs or (cannot_be_negative(name, _without_flags(variable)) is None
                     and (range_of_units(variable) or (None,))[0] != 0):
        return []
    from climann.data.units import water_quantity

    words = " ".join(str(variable.attrs.get(key, "")) for key in ("standard_name", "long_name")) + f" {name}"
    found = []
    for code, meaning in pairs:
        absent = ABSENCE_MEANINGS.match(meaning)
        if absent is None or isinstance(code, str):
            continue
        substance = "dry" if absent["dry"] else (absent["substance"] or absent["free"]).lower()
        if substance in ("dry", "rain", "precip", "precipitation"):  # said of rain as of precipitation
            said = (water_quantity(name, variable.attrs) in ("precipitation", "rain")
                    or re.search(r"(?<![a-z])(?:rain|precip)", words, re.IGNORECASE))
        else:
            said = re.search(rf"(?<![a-z]){substance}", words, re.IGNORECASE)
        if said:
            found.append((code, meaning))
    return found


#: Units of a percentage, whose values lie within 0…100 (a concentration, a cover, a fraction in %).
PERCENT_UNITS = ("%", "percent", "percentage")


def range_of_units(variable: xr.DataArray) -> tuple[float, float] | None:
    """The range a variable's units and standard name bound it to, in its decoded units: a
    percentage (``units`` :data:`PERCENT_UNITS`) 0…100, a ``standard_name`` ending in
    ``_fraction`` in ``units`` "1" (or none) 0…1 (CF standard name table: "fraction" is a
    dimensionless ratio of a part to the whole); None for anything else."""
    units = str(variable.attrs.get("units", "")).strip().lower()
    if units in PERCENT_UNITS:
        return 0.0, 100.0
    if str(variable.attrs.get("standard_name", "")).strip().endswith("_fraction") and units in ("1", ""):
        return 0.0, 1.0
    return None


#: Units of a variable that holds no physical amount: a class, a code, a count of classes.
UNITLESS = ("", "1")

#: ``standard_name`` endings of CF's names for codes (``status_flag``, ``quality_flag``,
#: ``area_type``, ``land_cover_lccs``-like classes): such a variable is a flag variable, whatever its units.
_CODE_STANDARD_NAMES = re.compile(r"(flag|_type|type_|class|classification|lccs|^region)$")


def _without_flags(variable: xr.DataArray) -> xr.DataArray:
    """``variable`` without its flag attributes, to ask what the quantity itself is."""
    plain = variable.copy(deep=False)
    plain.attrs = {key: value for key, value in variable.attrs.items()
                   if key not in ("flag_values", "flag_masks", "flag_meanings")}
    return plain


def range_of_quantity(name: str, variable: xr.DataArray) -> tuple[tuple[float, float], str] | None:
    """The range a variable's quantity is bound to, in its decoded units, and what bounds it,
    for messages: a percentage's or a fraction's (:func:`range_of_units`), or 0…inf for a
    physical amount that cannot be negative (:func:`climann.data.nonnegative.cannot_be_negative`
    read without the flag attributes: GlobSnow's snow water equivalent in mm, standard_name
    ``lwe_thickness_of_surface_snow_amount``) in units other than "1"; None for anything else.

    Parameters
    ----------
    name : str
        The variable's name (a name such as ``pr`` says a quantity without a standard_name).
    variable : xarray.DataArray

    Returns
    -------
    ((float, float), str) or None
        ``((0.0, 100.0), "beyond the 0…100 of its units '%'")`` or ``((0.0, inf), "below 0,
        where its standard_name … cannot go")``.
    """
    units = str(variable.attrs.get("units", "")).strip()
    limits = range_of_units(variable)
    if limits is not None:
        return limits, f"beyond the {limits[0]:g}…{limits[1]:g} of its units '{units}'"
    if units in UNITLESS:
        return None
    reason = cannot_be_negative(name, _without_flags(variable))
    return None if reason is None else ((0.0, np.inf), f"below 0, where {reason} in '{units}' cannot go")


def codes_beyond_units_range(variable: xr.DataArray, name: str | None = None
                             ) -> tuple[np.ndarray, np.ndarray, tuple[float, float], str] | None:
    """The ``flag_values`` of a quantity without a valid range that all lie beyond the range
    its units or its quantity allow (:func:`range_of_quantity`): status codes of continuous
    data, not classes.

    NSIDC's sea-ice concentration CDR converted to percent (0…100, ``units = "%"``) keeps
    ``flag_values = 251 … 254`` (pole hole, lakes, coast, land) but loses ``valid_range``:
    no concentration is 251 %, so the codes are no values of it (CF-1.8 §3.5 lets flags
    stand beside continuous data) and are read as missing, as :func:`status_codes` reads
    those beyond a valid range. GlobSnow's snow water equivalent (mm,
    ``lwe_thickness_of_surface_snow_amount``) with ``flag_values = -2, -1`` (water, mountain)
    is the same case: no snow amount is negative (break33a A1: they were trained on as SWE).
    A class variable (land cover 1…17) has no such units, and a code within the range (a
    percentage with ``flag_values = 0 50 100``) is not read so (:func:`refuse_codes_within_range`).
    A code that says the quantity's substance is absent (:func:`zero_amount_codes`: ESA Snow
    CCI's 0 "no_snow" beside -2, -1) is 0 of it, within the range: it is left out of the codes
    returned (and of the check), and read as 0 (fix50c: with it among them, -2 and -1 were
    trained on as SWE).

    Parameters
    ----------
    variable : xarray.DataArray
        As opened (flag values in stored units, as :func:`flag_codes` reads them).
    name : str, optional
        Its name, for a quantity its name says (``variable.name`` by default).

    Returns
    -------
    (codes, decoded, range, said) or None
        The codes as stored (but those that say absence), the same in the data's decoded units,
        shape (n_codes,) each, the range and what bounds it (:func:`range_of_quantity`); None when
        a code lies within the range, or the variable has no numeric ``flag_values``, has
        ``flag_masks``, or no range.
    """
    bound = range_of_quantity(str(variable.name if name is None else name), variable)
    codes = flag_codes(variable, "flag_values")
    if (bound is None or not codes.size or codes.dtype.kind not in "iuf"
            or flag_codes(variable, "flag_masks").size):
        return None
    limits, said = bound
    absent = {code for code, _ in zero_amount_codes(str(variable.name if name is None else name), variable)}
    codes = codes[[code not in absent for code in codes.tolist()]]  # no_snow: 0 of it, a value (fix50c)
    decoded = _decoded(variable, codes)
    if not bool(np.all((decoded < limits[0]) | (decoded > limits[1]))):
        return None
    return codes, decoded, limits, said


def decoded_codes(variable: xr.DataArray, codes: np.ndarray) -> np.ndarray:
    """Stored flag ``codes`` of ``variable``, shape (n,), in the data's decoded units (unpacked as
    the data are), float64."""
    return _decoded(variable, np.asarray(codes))


def _decoded(variable: xr.DataArray, codes: np.ndarray) -> np.ndarray:
    """Stored ``codes`` in the data's decoded units (unpacked as the data are)."""
    return unpacked(codes.astype(read_type(variable)) if codes.dtype.kind in "iu" else codes,
                    variable.encoding, variable.dtype).astype(np.float64)


def codes_of_a_quantity(name: str, variable: xr.DataArray) -> str | None:
    """What makes ``variable`` a continuous quantity whose ``flag_values`` (CF §3.5) lie within
    the values it can take (``"lwe_thickness_of_surface_snow_amount in 'mm'"``), so that its codes
    cannot be told from its data; None for a class variable or one whose codes are read as
    missing (beyond its valid range or its quantity's range, or fill values).

    A continuous quantity: a ``standard_name`` that names no codes (not ``…_flag``, ``…_type``)
    and units other than "1" (the attributes only: :func:`refuse_codes_within_range` also asks
    for values other than the codes), or, without a ``standard_name``, a flag that says its
    substance is absent (:func:`zero_amount_codes`: 255 "no_snow" beside 254 "water" on a SWE
    in mm, fix50c: both were read as millimetres). A class variable (units "1" or none) keeps
    its handling (:func:`flag_classes`).
    """
    codes = flag_codes(variable, "flag_values")
    units = str(variable.attrs.get("units", "")).strip()
    standard = str(variable.attrs.get("standard_name", "")).strip()
    if (not codes.size or codes.dtype.kind not in "iuf" or flag_codes(variable, "flag_masks").size
            or units in UNITLESS or _CODE_STANDARD_NAMES.search(standard)):
        return None
    absent = zero_amount_codes(name, variable)  # a flag that says none of its substance: an amount, not classes
    if not standard and not absent:
        return None
    if codes_beyond_units_range(variable, name) is not None:
        return None  # read as missing (or as 0, those that say absence) when opened
    if standard:
        return f"{standard} in '{units}'"
    return f"{cannot_be_negative(name, _without_flags(variable)) or name} in '{units}', whose flag " + ", ".join(
        f"{code:g} ({meaning})" for code, meaning in absent) + " says none of it"


def _values_beside_codes(variable: xr.DataArray) -> bool:
    """Whether ``variable`` holds values other than its ``flag_values`` on the steps a check reads
    (:func:`~climann.data.fill_like.checked_steps`): data beside codes; a variable whose every value
    is a code is a flag variable whatever its attributes (a 0/1 mask that kept a temperature's)."""
    codes = _decoded(variable, flag_codes(variable, "flag_values"))
    sample = checked_steps(variable)
    return bool((sample.notnull() & ~sample.isin(codes.astype(variable.dtype))).any())


def refuse_codes_within_range(dataset: xr.Dataset, names: Sequence[str], *, where: str) -> None:
    """Refuse, in one line, a target or predictor that is a continuous quantity whose flag codes
    lie within its values (:func:`codes_of_a_quantity`) and that holds values other than its codes
    (:func:`_values_beside_codes`, read on a sample of its steps): read as data they are trained and scored
    as amounts (break33a A1), read as classes the amounts are lost; which is meant the file does
    not say. The line gives the ``ncatted`` (for a Zarr store the line that edits its attributes)
    that marks the codes ``missing_value`` (CF §2.5.1), but those that say the substance is
    absent (:func:`zero_amount_codes`: 0 "snow_free", 255 "no_snow"), which are then read as 0
    of it (fix50c: marked missing too, every snow-free value left the data), and the one that
    removes the flag attributes when the codes are values after all.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The target first, then the predictors (those absent are skipped).
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        For the first such variable.
    """
    from climann.errors import ClimannError

    for position, name in enumerate(names):
        if (name not in dataset.data_vars or (quantity := codes_of_a_quantity(name, dataset[name])) is None
                or not _values_beside_codes(dataset[name])):
            continue
        variable = dataset[name]
        codes, stored = flag_codes(variable, "flag_values"), name_in_file(variable, name)
        kind = np.dtype(variable.encoding.get("dtype", variable.dtype))
        files = source_and_copy(variable)
        absent = [code for code, _ in zero_amount_codes(name, variable)]  # 0 of it, a value: not marked missing
        marks = [ncatted_attribute("missing_value", stored, "o", ncatted_type(kind), ",".join(
            ncatted_number(code, kind) for code in codes if code not in absent))]
        removed = [ncatted_attribute(key, stored, "d") for key in ("flag_values", "flag_meanings")]
        # each way its copy in a new folder of its own: beside the file (X_fixed.nc), a glob over their folder took
        # both, and the two ways wrote one copy (fix56b)
        missing = one_copy_advice(lambda arguments: f"`{attribute_command(marks, arguments)}`", files,
                                  "flag_codes_missing")
        kept = one_copy_advice(lambda arguments: f"`{attribute_command(removed, arguments)}`", files, "flags_removed")
        shown = f"flag_values {' '.join(_shown(code) for code in codes)}: {variable.attrs.get('flag_meanings', '')}"
        raise ClimannError(
            f"{'the target' if position == 0 else 'the predictor'} '{name}' in {variable_where(variable, where)} is "
            f"a CF flag variable ({shown.strip()}) of a continuous quantity ({quantity}), and its codes lie within "
            f"the values that quantity can take, so they cannot be told from data; if they are status codes, mark "
            f"them missing: {missing} (or set a valid_min or valid_max that leaves them out); if they are values, "
            f"remove the flags: {kept}")


def _shown(code: object) -> str:
    """A code as a message and an ncap2 expression show it: ``3`` for 3.0, text as it is."""
    return f"{code:g}" if np.issubdtype(np.asarray(code).dtype, np.number) else str(code)


def _is_indicator(values: np.ndarray, masks: np.ndarray) -> bool:
    """Whether flag codes describe at most two values (CF-1.11 §3.5): two ``flag_values``,
    one ``flag_masks`` bit, or one mask (repeated or not) with one or two values."""
    if masks.size == 0:
        return values.size <= 2
    if values.size == 0:
        return masks.size == 1
    return np.unique(masks).size == 1 and values.size <= 2


def flag_classes(variable: xr.DataArray) -> str | None:
    """The classes of a CF flag variable of more than two values, for messages; else None.

    Parameters
    ----------
    variable : xarray.DataArray
        Any variable; its ``flag_values``, ``flag_masks`` and ``flag_meanings`` attributes
        are read (CF-1.11 §3.5).

    Returns
    -------
    str or None
        ``"flag_values 1 2 3 4: forest grass desert ice"`` (or ``flag_masks …``), a code of
        ``flag_values`` that is a fill value (``_FillValue``, ``missing_value``: an enum's
        ``fill = 255``) left out with its meaning, being read as missing; None for a
        variable without flag attributes, or with at most two values (``flag_values`` of two
        codes, one bit of ``flag_masks``, or one mask with one or two values): an
        indicator, used as it is.
    """
    if not variable.cf.is_flag_variable:
        return None
    values, masks = flag_codes(variable, "flag_values"), flag_codes(variable, "flag_masks")
    # a code that is the fill value marks no class (a NetCDF-4 enum's no_data member, CF flags
    # 0 1 255 "sea land fill" with _FillValue = 255): two classes beside it are an indicator
    if _is_indicator(values[~_fill_codes(variable, values)] if not masks.size else values, masks):
        return None
    kind, codes = ("flag_masks", masks) if masks.size else ("flag_values", values)
    meanings = str(variable.attrs["flag_meanings"]).split()
    # the code read as missing is no class of the list (rerun41 R8: an enum's "255: … fill")
    fill = _fill_codes(variable, codes) if not masks.size else np.zeros(codes.shape, bool)
    if fill.any() and len(meanings) == codes.size:
        codes, meanings = codes[~fill], [meaning for meaning, gone in zip(meanings, fill, strict=True) if not gone]
    return f"{kind} {' '.join(_shown(code) for code in codes)}: {' '.join(meanings)}"


#: ``flag_meanings`` of a code that marks no class: ESA CCI land cover's 0 ``no_data``, IMS's 0
#: ``outside_northern_hemisphere``, "missing", "fill_value", "unclassified". An example indicator
#: of it (break39b B1, B2: every example was of code 0) is of no use, and a user who adapts it
#: to a class keeps the rest of the line.
_NO_CLASS = re.compile(r"^(no_?data|missing(_?data|_?values?)?|fill(_?values?)?|undefined|unclassified|invalid|"
                       r"not_?(available|defined|classified|observed)|outside(_\w+)?)$", re.IGNORECASE)


def _fill_codes(variable: xr.DataArray, codes: np.ndarray) -> np.ndarray:
    """Which of the numeric ``codes`` are a fill value of ``variable`` (``_FillValue`` or
    ``missing_value``, as read or as decoded), shape of ``codes``; all False for text codes."""
    missing = np.zeros(codes.shape, bool)
    if codes.dtype.kind not in "iuf":
        return missing
    marks = {**variable.attrs, **variable.encoding}
    for key in FILL_ATTRIBUTES:
        if key in marks and np.asarray(marks[key]).dtype.kind in "iuf":
            fills = with_signedness(np.atleast_1d(np.asarray(marks[key])), marks).astype(np.float64)
            missing |= np.isin(codes.astype(np.float64), fills)
    return missing


def _example_class(variable: xr.DataArray) -> tuple[object, str]:
    """The code (of ``flag_values``, else of ``flag_masks``) and meaning of the class an example
    indicator is made of: the first that is a class, not a mark of no class (:data:`_NO_CLASS`),
    a fill value (``_FillValue``, ``missing_value``) or a code outside the valid range of any of
    the variable's files (read as missing when opened); the first code when none is.

    Parameters
    ----------
    variable : xarray.DataArray
        A flag variable as opened (CF-1.11 §3.5).

    Returns
    -------
    (code, str)
        ``(10, "cropland_rainfed")`` for ESA CCI land cover (0 ``no_data`` lies below its
        ``valid_min = 1``); the meaning is "class" where ``flag_meanings`` has none for the code.
    """
    from climann.data.valid_range_tails import OUTSIDE_VALID_RANGE_KEY  # imported here: it reads flags' rules

    values, masks = flag_codes(variable, "flag_values"), flag_codes(variable, "flag_masks")
    codes = masks if masks.size else values
    meanings = str(variable.attrs.get("flag_meanings", "")).split()
    missing = np.zeros(codes.size, bool)
    if not masks.size and codes.dtype.kind in "iuf":
        missing |= _fill_codes(variable, codes)
        decoded = _decoded(variable, codes)
        for found in every_file_records(variable, OUTSIDE_VALID_RANGE_KEY):
            missing |= (decoded < found.low) | (decoded > found.high)
    named = [meanings[k] if k < len(meanings) else "class" for k in range(codes.size)]
    usable = [k for k in range(codes.size) if not missing[k] and not _NO_CLASS.match(named[k])]
    first = usable[0] if usable else 0
    return codes[first], named[first]


def no_class_codes(variable: xr.DataArray) -> list[object]:
    """The ``flag_values`` codes of ``variable`` that mark no class (their meaning matches
    :data:`_NO_CLASS`: IMS's 0 ``outside_northern_hemisphere``, ESA CCI land cover's 0 ``no_data``)
    and are not read as missing already (a ``_FillValue`` or ``missing_value``); none for
    ``flag_masks``. A 0/1 indicator of a class must leave these cells missing: 0 there would be
    "not that class" where nothing was analysed (break47b A2: IMS's code 0, a quarter of the full
    disk, scored as certain "no snow").

    Parameters
    ----------
    variable : xarray.DataArray
        A flag variable as opened (CF-1.11 §3.5).

    Returns
    -------
    list
        The codes as :func:`flag_codes` reads them, in ``flag_values`` order.
    """
    if flag_codes(variable, "flag_masks").size:
        return []
    codes = flag_codes(variable, "flag_values")
    meanings = str(variable.attrs.get("flag_meanings", "")).split()
    if codes.dtype.kind not in "iuf" or len(meanings) != codes.size:
        return []
    filled = _fill_codes(variable, codes)
    return [code for code, meaning, fill in zip(codes, meanings, filled, strict=True)
            if not fill and _NO_CLASS.match(meaning)]


def _no_class_text(variable: xr.DataArray, code: object) -> str:
    """``"0 (outside_northern_hemisphere)"``: the codes of :func:`no_class_codes` other than
    ``code``, with their meanings, for messages; empty when none."""
    meanings = dict(zip((_shown(value) for value in flag_codes(variable, "flag_values")),
                        str(variable.attrs.get("flag_meanings", "")).split(), strict=False))
    return ", ".join(f"{_shown(other)} ({meanings.get(_shown(other), 'no class')})"
                     for other in no_class_codes(variable) if _shown(other) != _shown(code))


def _stored_forms(variable: xr.DataArray, code: object) -> list[str]:
    """A code as a command compares the stored values with it: ``["251", "-5"]`` for a byte
    stored signed with ``_Unsigned = "true"`` (a tool that reads the flag sees 251, one that
    does not sees -5; either finds one of the two, and no other value is either), else
    ``["251"]``."""
    shown = [_shown(code)]
    if np.asarray(code).dtype.kind in "iu":
        stored = np.dtype(variable.encoding.get("dtype", variable.dtype))
        if stored.kind in "iu" and stored != read_type(variable):
            shown.append(_shown(np.asarray(code).astype(read_type(variable)).view(stored)[()]))
    return shown


#: ncap2's type conversion functions (NCO manual, "ncap2": "Type Conversion"), by the numpy type they convert to.
_NCAP2_CONVERSIONS = {"i1": "byte", "u1": "ubyte", "i2": "short", "u2": "ushort", "i4": "int", "u4": "uint",
                      "i8": "int64", "u8": "uint64"}


def _is_code(name: str, variable: xr.DataArray, code: object) -> str:
    """The ncap2 expression that is 1 where ``name`` holds ``code``.

    NCO reads the stored type and ignores ``_Unsigned`` (break39b B1: ESA CCI land cover's bare
    areas, 200, are the byte -56 to ``ncap2``, and ``lccs_class==200`` finds none of them), so
    integers stored with the other signedness are converted to the type climann reads first
    (:func:`~climann.data.stored_values.read_type`): ``(ubyte(lccs_class)==200)``, which stays
    right when a user puts another class's code in it. Packed integers ncap2 unpacks as it
    reads them, in the stored signedness (NCO manual, "Packed data": ncap2 unpacks
    automatically), so the code is compared with the value ncap2 makes of it, within half the
    packing's step: ``(abs(conc-(-0.56))<0.005)`` for 200 stored as the byte -56 × 0.01."""
    forms, name = _stored_forms(variable, code), ncap2_name(name_in_file(variable, name))
    stored = np.dtype(variable.encoding.get("dtype", variable.dtype))
    if _is_packed(variable) and stored.kind in "iu" and np.asarray(code).dtype.kind in "iuf":
        scale = float(variable.encoding.get("scale_factor", variable.attrs.get("scale_factor", 1.0)))
        offset = float(variable.encoding.get("add_offset", variable.attrs.get("add_offset", 0.0)))
        seen = float(np.asarray(code).astype(read_type(variable)).view(stored)) * scale + offset
        return f"(abs({name}-({seen:.7g}))<{abs(scale) / 2:.7g})"  # 7 digits: within float32
    if len(forms) > 1:
        return f"({_NCAP2_CONVERSIONS[read_type(variable).str[1:]]}({name})=={forms[0]})"
    return f"({name}=={forms[0]})" if len(forms) == 1 else "(" + "||".join(f"{name}=={form}" for form in forms) + ")"


def _is_packed(variable: xr.DataArray) -> bool:
    """Whether ``variable`` is stored packed (CF-1.8 §8.1: ``scale_factor`` or ``add_offset``)."""
    return any(key in variable.encoding or key in variable.attrs for key in ("scale_factor", "add_offset"))


#: The attributes of a flag variable that its 0/1 variable made by ``ncap2`` must not keep: ncap2
#: gives the new variable the attributes of the first variable on the right (NCO manual, "ncap2":
#: attribute propagation), and with the flag variable's ``flag_values`` and ``flag_meanings`` the
#: indicator was read as a flag variable of 4 classes again (refused as a target); with its
#: ``valid_min`` of 1, its 0 values missing; with ``_Unsigned``, its int 0/1 read as unsigned.
#: Its ``missing_value`` too: ncap2 does not read it as missing (only ``_FillValue``), and kept
#: on the 0/1 variable, a ``missing_value = 0`` made every 0 missing to xarray. Nor its ``comment``
#: and ``flag_descriptions``, said of the flags, not of one class or bit: OSTIA's mask's "Water
#: points are only defined as water if they are not land or ice" stood on ``mask_water``, which
#: is 1 on ice too (break52d).
_NOT_INHERITED = ("flag_values", "flag_masks", "flag_meanings", "valid_range", "valid_min", "valid_max", "_Unsigned",
                  "missing_value", "comment", "flag_descriptions")

#: The fill value of a 0/1 variable whose flag variable's fill value is one of its values.
_INDICATOR_FILL = -1


def _fill_values(variable: xr.DataArray) -> dict[str, object]:
    """The flag variable's ``_FillValue`` and ``missing_value`` (as read, or as stored)."""
    found = {key: variable.encoding.get(key, variable.attrs.get(key)) for key in FILL_ATTRIBUTES}
    return {key: np.asarray(value).ravel()[0] for key, value in found.items()
            if value is not None and np.asarray(value).size}


def _kept_missing(made: str, name: str, variable: xr.DataArray, no_class: Sequence[object] = ()) -> str:
    """``;made.delete_miss();where(X.missing()) made=-1;made.set_miss(-1)``, when ``made``, the
    0/1 variable of a flag variable, would otherwise read its 0s (or 1s) as missing, or its
    flag variable's missing cells as data; empty when neither.

    ncap2 gives ``made`` the ``_FillValue`` of the flag variable and writes it where the flag
    variable is missing (NCO manual, "Missing values"); a ``_FillValue = 0`` (break41a A1: ESA
    CCI Lakes ``lswt_quality_level``, WUDAPT's ``LCZ``) then made every 0 of the 0/1 variable
    missing (96.8 % of the samples lost). ``ram_delete(made@_FillValue)`` fails in ncap2
    ("unable to find variable"); ``delete_miss()`` drops it, and the cells where the flag
    variable is missing are given their own fill value, -1, so that they stay missing. A
    ``missing_value`` that ncap2 does not read (it differs from ``_FillValue``) is found by
    comparing with it. The codes of ``no_class`` (:func:`no_class_codes`) are made missing too: a
    0 there would be "not this class" where nothing was analysed."""
    fills = _fill_values(variable)
    fill, missing = fills.get("_FillValue"), fills.get("missing_value")
    unread = missing is not None and (fill is None or not _same_fill(missing, fill))
    not_a_number = any(value is not None and _is_nan(value) for value in (fill, missing))
    if not unread and not not_a_number and not no_class and not any(value is not None and value in (0, 1)
                                                                      for value in (fill, missing)):
        return ""
    own = ncap2_name(name_in_file(variable, name))
    where_none = "".join(f";where({_is_code(name, variable, code)}) {made}={_INDICATOR_FILL}" for code in no_class)
    where_fill = f";where({own}.missing()) {made}={_INDICATOR_FILL}" if fill is not None and not _is_nan(fill) else ""
    # NaN equals nothing, itself included: ncap2's missing() and == never find it; x != x does (IEEE 754)
    where_nan = f";where({own}!={own}) {made}={_INDICATOR_FILL}" if not_a_number else ""
    where_missing = f";where({own}=={_shown(missing)}) {made}={_INDICATOR_FILL}" if unread and not _is_nan(missing) \
        else ""
    return f";{made}.delete_miss(){where_fill}{where_nan}{where_missing}{where_none};{made}.set_miss({_INDICATOR_FILL})"


def _is_nan(value: object) -> bool:
    """Whether a fill value is NaN (a float's; no integer or text is)."""
    return isinstance(value, (float, np.floating)) and bool(np.isnan(value))


def _same_fill(first: object, second: object) -> bool:
    """Whether two fill values are the same, NaN the same as NaN (``np.array_equal`` with
    ``equal_nan``; plain equality says NaN differs from itself, and a ``missing_value`` NaN
    beside a ``_FillValue`` NaN was taken for another, unread one: fix44d)."""
    if _is_nan(first) or _is_nan(second):
        return _is_nan(first) and _is_nan(second)
    return bool(np.array_equal(first, second))


def _without_inherited(made: str, variable: xr.DataArray) -> str:
    """``;ram_delete(made@flag_values);…``: the ncap2 statements that delete what ``made``
    inherited of :data:`_NOT_INHERITED` from ``variable`` (those it has, as read or, for a valid
    range applied as the files were opened, as stored in any of its files: break39b B1, ESA CCI
    land cover's ``valid_min = 1`` of a folder of yearly files was kept, and the 0s of the
    0/1 variable were missing; ncap2 only warns of an attribute a file lacks)."""
    from climann.data.valid_range_tails import OUTSIDE_VALID_RANGE_KEY  # imported here: it reads flags' rules

    held = {**variable.attrs,
            **{key: value for key, value in variable.encoding.items() if key in ("_Unsigned", "missing_value")}}
    for found in every_file_records(variable, OUTSIDE_VALID_RANGE_KEY):
        held.update(getattr(found, "limits", None) or {})
    return "".join(f";ram_delete({made}@{key})" for key in _NOT_INHERITED if key in held)


def _indicator_script(name: str, variable: xr.DataArray) -> str:
    """The ``ncap2`` script of the 0/1 variable of the first class (or bit) of a flag variable,
    without the flag variable's attributes (:func:`_without_inherited`)."""
    code, meaning = _example_class(variable)
    made = identifier(f"{name}_{meaning}")
    return _indicator_of(made, name, variable, code)


def _indicator_of(made: str, name: str, variable: xr.DataArray, code: object) -> str:
    """The ``ncap2`` script that makes ``made`` 1 where ``name`` holds ``code`` (or, of
    ``flag_masks``, has its bit), 0 where not, missing where ``name`` is missing
    (:func:`_kept_missing`), without ``name``'s flag attributes (:func:`_without_inherited`)."""
    no_class = [other for other in no_class_codes(variable) if _shown(other) != _shown(code)]
    kept = _kept_missing(made, name, variable, no_class)
    described = _own_long_name(made, variable, code)
    if flag_codes(variable, "flag_masks").size:
        bit = f"({_unsigned_in_ncap2(name, variable)}/{_shown(code)})%2"
        # int(): the bit has the flag variable's type, where an unsigned byte cannot hold the fill -1
        return f"{made}={f'int({bit})' if kept else bit}{kept}{_without_inherited(made, variable)}{described}"
    is_code = _is_code(name, variable, code)
    unsigned = np.dtype(variable.encoding.get("dtype", variable.dtype)).kind == "u"
    # an unsigned code's comparison cannot hold the fill -1: int() as for a bit
    is_code = f"int{is_code}" if no_class and unsigned else is_code
    return f"{made}={is_code}{kept}{_without_inherited(made, variable)}{described}"


def _unsigned_in_ncap2(name: str, variable: xr.DataArray) -> str:
    """``name`` as ncap2 reads its bits: a signed integer converted to the unsigned type of its
    size (``ubyte(status_flag)``), else itself.

    ncap2 reads the stored type, and its ``/`` and ``%`` truncate toward zero: OSI SAF's
    ``status_flag``, a signed byte with bit 128 set, is negative, and ``(status_flag/1)%2`` was
    -1 on 190 of 800 cells, ``(status_flag/-128)%2`` 0 where bit 128 is set beside another.
    The unsigned conversion keeps the bits (two's complement), and ``(ubyte(x)/m)%2`` is
    ``x & m != 0`` for every stored value."""
    own = ncap2_name(name_in_file(variable, name))
    stored = np.dtype(variable.encoding.get("dtype", variable.dtype))
    if stored.kind == "i" and f"u{stored.itemsize}" in _NCAP2_CONVERSIONS:
        return f"{_NCAP2_CONVERSIONS[f'u{stored.itemsize}']}({own})"
    return own


def _own_long_name(made: str, variable: xr.DataArray, code: object) -> str:
    """``;made@long_name="1 where …, 0 elsewhere"``: the 0/1 variable's own long name, when the
    variable it is made of has one. ncap2 gives ``made`` the ``long_name`` of the first variable
    on the right (NCO manual, "ncap2": attribute propagation): a land cover's "land cover type"
    or ERA5's "Type of high vegetation" kept on its 0/1 indicator said classes again, and the
    indicator was left out of the default predictors as a class map (fix45c). The new name holds
    neither the variable's name nor its long name, whose words say classes or identifiers."""
    if not isinstance(variable.attrs.get("long_name"), str):
        return ""
    meanings = str(variable.attrs.get("flag_meanings", "")).split()
    codes = flag_codes(variable, "flag_masks" if flag_codes(variable, "flag_masks").size else "flag_values")
    found = [meaning for value, meaning in zip(codes, meanings, strict=False) if _shown(value) == _shown(code)]
    what = f"bit {_shown(code)} set" if flag_codes(variable, "flag_masks").size else f"code {_shown(code)}"
    what += f" ({found[0]})" if found else ""
    unanalysed = _no_class_text(variable, code)
    text = re.sub(r"[\"'$`\\!]", "", f"1 where {what}, 0 elsewhere"
                  + (f", missing where code {unanalysed}" if unanalysed else ""))
    return f';{made}@long_name="{text}"'


def _indicator_statement_of(name: str, variable: xr.DataArray) -> str:
    """:func:`_indicator_script` as the statement of an xarray line on a Zarr store
    (:func:`_indicator_statement`)."""
    code, meaning = _example_class(variable)
    made, stored = identifier(f"{name}_{meaning}"), name_in_file(variable, name)
    if flag_codes(variable, "flag_masks").size:
        return _indicator_statement(made, stored, f"(d[{stored!r}] // {_shown(code)}) % 2")
    forms = ", ".join(_stored_forms(variable, code))
    no_class = [form for other in no_class_codes(variable) if _shown(other) != _shown(code)
                for form in _stored_forms(variable, other)]
    return _indicator_statement(made, stored, f"d[{stored!r}].isin([{forms}])", no_class)


#: The folder of the copies with 0/1 variables of a flag variable read from several files.
_INDICATOR_COPIES_FOLDER = "indicators"


def indicator_advice(name: str, variable: xr.DataArray, *, scripts: Sequence[str] = (),
                     statements: Sequence[str] = ()) -> str:
    """How to give a flag variable as one 0/1 variable per class (or per bit), for messages:
    an ``ncap2`` command for its first class, on the variable's file and a copy beside it
    (:func:`climann.data.shell.source_and_copy`); for a Zarr store, which NCO does not read, an
    xarray line that writes a copy of the store with it (:func:`~climann.data.shell.values_command`).
    ``scripts``: the ncap2 scripts of other flag variables of the same file, made by the same command
    (two commands each writing the copy from the file would keep only the second one's
    variables); ``statements``: the same for a store (:func:`_indicator_statement_of`)."""
    masks = flag_codes(variable, "flag_masks")
    every = list(dict.fromkeys([*scripts, _indicator_script(name, variable)]))  # the file's order, in every line
    together = f", one command for the {len(every)} flag variables of that file" if len(every) > 1 else ""
    per = "bit" if masks.size else "class"
    integer = ", for integer codes" if masks.size else ""
    made = [*statements, _indicator_statement_of(name, variable)]
    files = source_files(variable)
    if files and not any(is_zarr_store(file) for file in files):  # a copy of each, fix38i; of one too (fix53a)
        command = copies_of_files(lambda arguments, file: values_command(every, made, arguments), files,
                                  name=_INDICATOR_COPIES_FOLDER)
        together = together.replace("of that file", "of those files")
    else:
        command = values_command(every, made, source_and_copy(variable))
    return f"give one 0/1 variable per {per} instead (e.g. {command}{integer}{together})"


def warn_flag_predictors(dataset: xr.Dataset, names: Sequence[str], *, where: str,
                         target: str | None = None) -> None:
    """Warn, one line per variable, when a predictor named by the user is a CF flag variable of
    more than two values (:func:`flag_classes`): its codes are used as numbers. The flag
    variables of one file are given one ``ncap2`` command. A flag variable that the target's
    ``ancillary_variables`` name is its quality flag (:mod:`climann.data.quality_levels`): it is
    told so, and no 0/1 variables of its classes are advised (they would tell the network where
    the target's values are wrong).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The predictors (those absent are skipped).
    where : str
        The files, for the message.
    target : str or None
        The run's target, whose quality flags are told apart.
    """
    own = (set(str(dataset[target].attrs.get("ancillary_variables", "")).split())
           if target is not None and target in dataset.data_vars else set())
    for name in names:
        if name in own and name in dataset.data_vars and any(key in dataset[name].attrs
                                                             for key in ("flag_values", "flag_masks")):
            _log.warning(
                "'%s' in %s is the quality flag of the target '%s' (its ancillary_variables, CF 3.4): as a predictor "
                "it tells the network where the values of '%s' are wrong, not what drives them; leave it out of "
                "[data] predictors (--predictors) and leave out the values it flags instead (the warning about "
                "them gives the line)", name, variable_where(dataset[name], where), target, target)
    flagged = {name: classes for name in names if name in dataset.data_vars and name not in own
               and (classes := flag_classes(dataset[name])) is not None}
    by_file: dict[str, list[tuple[str, str]]] = {}
    for name in flagged:
        by_file.setdefault(source_and_copy(dataset[name]), []).append(
            (_indicator_script(name, dataset[name]), _indicator_statement_of(name, dataset[name])))
    for name, classes in flagged.items():
        changes = by_file[source_and_copy(dataset[name])]
        _log.warning(
            "'%s' in %s is a CF flag variable (%s): its codes are used as numbers, as if they were amounts; "
            "to use its classes, %s", name, variable_where(dataset[name], where), classes,
            indicator_advice(name, dataset[name], scripts=[script for script, _ in changes],
                             statements=[statement for _, statement in changes]),
        )


#: What each ``[data]`` setting that averages a variable would do with the codes of a flag variable.
_AVERAGING_SETTINGS = {"global_means": "average them over the globe",
                       "regional_means": "average them over its boxes",
                       "anomalies": "subtract their mean of each calendar month",
                       **dict.fromkeys(("predictors", "lags"), 'average them over the target\'s grid (field_inputs = '
                                       '"mean"; "flatten" gives each cell\'s class)')}


def refuse_flag_features(dataset: xr.Dataset, averaged: Mapping[str, Sequence[str]], *, where: str) -> None:
    """Refuse a CF flag variable of more than two values (:func:`flag_classes`) named in a
    ``[data]`` setting that averages it (``global_means``, ``regional_means``, ``anomalies``):
    a mean of class codes is no quantity (land-cover classes 10 and 50 average to 30, another
    class), whatever the network does with it (break54d A2); so are its ``predictors`` and ``lags``
    in field mode with ``field_inputs = "mean"`` (the default: each the area mean of its map,
    fix57a). Named in ``predictors`` or ``lags`` otherwise its codes are at least each one class,
    and :func:`warn_flag_predictors` warns instead. The
    way out is the one of that warning (:func:`indicator_advice`): one 0/1 variable per class,
    whose area mean is the area fraction of that class.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    averaged : mapping of str to sequence of str
        The variables each averaging setting names (read in turn by
        :func:`~climann.data.averaged_quantities.refuse_averaged`, which skips those absent).
    where : str
        The files, named in the refusal.

    Raises
    ------
    ClimannError
        For the first flag variable among them, naming the setting and the indicator line.
    """
    refuse_averaged(dataset, averaged, reading=lambda name, variable: flag_classes(variable),
                    message=partial(_averaged_flag_refusal, where=where))


def _averaged_flag_refusal(dataset: xr.Dataset, name: str, setting: str, classes: str, *, where: str) -> str:
    """The refusal of :func:`refuse_flag_features` for ``name``, a flag variable of ``classes``
    named in ``[data] setting``, with the way out of its indicators."""
    return (f"'{name}' in {variable_where(dataset[name], where)} is a CF flag variable ({classes}): its codes "
            f"are classes, not amounts, and [data] {setting} would {_AVERAGING_SETTINGS[setting]} (a mean of "
            f"class codes is no quantity); leave it out of [data] {setting}, or, to use its classes, "
            f"{indicator_advice(name, dataset[name])} and name those in [data] {setting} (the mean of one is "
            f"the area fraction of its class)")


def _indicator_statement(made: str, name: str, expression: str, no_class: Sequence[str] = ()) -> str:
    """The statement of a :func:`~climann.data.shell.values_command` for a Zarr store that adds
    the variable ``made``, ``expression`` (an xarray expression on ``d``) where ``name`` has a
    value, missing where it has none or holds one of the codes ``no_class`` (as shown:
    :func:`no_class_codes`), without ``name``'s attributes (its ``flag_values`` would
    make the 0/1 variable a flag variable of its classes again)."""
    outside = f" & ~d[{name!r}].isin([{', '.join(no_class)}])" if no_class else ""
    return f"d[{made!r}] = (d[{name!r}].dims, ({expression}).where(d[{name!r}].notnull(){outside}).data)"


def _class_map_example(variable: xr.DataArray, classes: np.ndarray) -> tuple[object, object, str]:
    """The class an example indicator of an integer class map is made of (its smallest value, as
    nothing names its classes): that value as opened, the same as the type climann reads it in
    before unpacking (what :func:`_is_code` compares a packed variable's values with), and its
    name in the made variable's, ``class_3``."""
    value = classes[0]
    if _is_packed(variable):
        scale = float(variable.encoding.get("scale_factor", variable.attrs.get("scale_factor", 1.0)))
        offset = float(variable.encoding.get("add_offset", variable.attrs.get("add_offset", 0.0)))
        code = np.asarray(np.rint((float(value) - offset) / scale)).astype(read_type(variable))[()]
    else:
        code = value
    return value, code, f"class_{_shown(value)}"


def refuse_flag_target(dataset: xr.Dataset, target: str, *, where: str) -> None:
    """Refuse a target that is a CF flag variable of more than two values (:func:`flag_classes`,
    CF-1.11 §3.5), or an integer map of more than two classes without flag attributes (GFED4.1s'
    ``source``, a land-cover type, a Köppen class: :func:`climann.data.identifiers.class_map_values`):
    its codes are classes, and a regression on them is meaningless (its MSE is one of class ids).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    target : str
        The target's name (nothing is checked when it is absent).
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        If the target is such a variable; the message says how to train on one class as a 0/1
        indicator instead (an ``ncap2`` line, or an xarray line for a Zarr store).
    """
    from climann.data.identifiers import class_map_values  # imported here: identifiers' rules read no flags
    from climann.errors import ClimannError

    if target not in dataset.data_vars:
        return
    variable = dataset[target]
    if (classes := flag_classes(variable)) is not None:
        code, meaning = _example_class(variable)
        value, what = code, f"a CF flag variable ({classes}): its codes are classes"
    elif (found := class_map_values(target, variable)) is not None:
        reading, values_found = found
        value, code, meaning = _class_map_example(variable, values_found)
        shown = " ".join(_shown(v) for v in values_found[:12]) + (" …" if values_found.size > 12 else "")
        what = (f"an integer map of classes without flag attributes ({reading}; values {shown}): "
                f"its values are classes")
    else:
        return
    values = flag_codes(variable, "flag_values")
    masks = flag_codes(variable, "flag_masks")
    source = variable.encoding.get("source") or (where if "," not in where else "IN.nc")
    made = identifier(f"{target}_{meaning}")
    stored = name_in_file(variable, target)

    def way_on(files: str) -> str:
        """The indicator's command on ``files`` (``IN OUT``).

        No ``cdo eqc,CODE``: it compares every variable of the file with the code (a
        temperature beside the classes becomes 0s) and keeps the class variable's name and
        flag attributes, so its copy was refused again (break39b B2)."""
        if not masks.size:
            forms = _stored_forms(variable, code) if values.size else [_shown(value)]
            script = _indicator_of(made, target, variable, code)
            no_class = [form for other in no_class_codes(variable) if _shown(other) != _shown(code)
                        for form in _stored_forms(variable, other)]
            ncap2 = values_command([script],
                                   [_indicator_statement(made, stored, f"d[{stored!r}].isin([{', '.join(forms)}])",
                                                         no_class)],
                                   files)
            unanalysed = _no_class_text(variable, code)
            return (f"{ncap2} (1 where {target} is {_shown(value)}{f', {meaning}' if values.size else ''}; 0 elsewhere"
                    f"{f'; missing where it is {unanalysed}' if unanalysed else ''})")
        bit = _indicator_statement(made, stored, f"(d[{stored!r}] // {_shown(code)}) % 2")
        script = _indicator_of(made, target, variable, code)
        return f"{values_command([script], [bit], files)} for integer codes"

    several = source_files(variable)
    if several and not any(is_zarr_store(file) for file in several):  # a copy of each (fix38i); of one too (fix53a)
        way = copies_of_files(lambda arguments, file: way_on(arguments), several, name=made)
    else:
        way = way_on(f"{shown_path(source)} {shown_path(Path(source).with_name(f'{made}.nc'))}")  # beside it
    raise ClimannError(
        f"the target '{target}' in {variable_where(variable, where)} is {what}, not amounts, "
        f"and a regression on them would predict codes between classes; train on a 0/1 indicator of one class "
        f"instead (its predictions are that class's probability), e.g. {way}"
    )
