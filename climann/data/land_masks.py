"""Land stored as a value, told by the file's own land-sea mask.

Ocean models write their fields over the whole grid: without a fill value (ROMS unless built
so, many regional-run archives, older NEMO output) the land cells hold a number, 0 most
often. In a temperature in °C that 0 cannot be told from a 0 °C sea surface by the values
alone (docs/own-data.md), and it is trained on and scored as data: break15 F4, a ROMS
``temp`` with its 33 land cells of 120 at 0.0, test climatology MSE 0.553948 over 43800 values
against 0.763653 over the 31755 ocean values. But the file often says which cells are land,
in a mask on the same grid (:func:`land_codes`):

- a CF flag variable (CF-1.11 §3.5) whose ``flag_meanings`` name land and water, sea or ocean:
  ROMS's ``mask_rho``, ``flag_values = 0., 1.``, ``flag_meanings = "land water"`` (its
  ``def_info.F`` and ``roms_matlab``); meanings split at blanks and commas (NEMO's SalishSeaCast
  mesh masks write ``"land, water"``), ``flag_values`` read by
  :func:`climann.data.flags.flag_codes`;
- ROMS's older ``option_0 = "land"``, ``option_1 = "water"`` (each ``option_N`` the meaning of
  code N; also FVCOM's ``wet_nodes``);
- a ``long_name``, ``comment`` or ``units`` that states the codes: MOM's ``wet``, "0 if land, 1
  if ocean at tracer points" (MOM5 and MOM6 static files), CICE's ``tmask`` comment "0 = land,
  1 = ocean", CLM's ``landmask`` "land/ocean mask (0.=ocean and 1.=land)";
- WRF's ``LANDMASK``, "LAND MASK (1 FOR LAND, 0 FOR WATER)" in its ``description``;
- a land-sea mask by its name (:data:`LAND_SEA_MASK_NAMES`: ``mask``, ``lsmask``, ``landmask``…)
  or its text ("ocean mask", "land-sea mask") that holds two values and states the code of one:
  the other is the other side ("ocean mask (1 = ocean)": 0 is land);
- CF's ``standard_name = land_binary_mask``: 1 on land, 0 elsewhere, and ``sea_binary_mask``:
  1 on sea, 0 elsewhere (CF standard name table, ``X_binary_mask``);
- a sea fraction, CF's ``sea_area_fraction`` (CMIP's ``sftof``, in ``1`` or ``%``), land where it
  is below one half (a land fraction above one half);
- a land fraction, land where it is above one half: CF's ``land_area_fraction`` (in ``1`` or in
  ``%``, CMIP's ``sftlf``) and ECMWF's ``lsm`` (ERA5, long_name "Land-sea mask" or GRIB
  parameter 172), "the proportion of land … grid boxes with a value of 0.5 and below can only be
  comprised of a water surface" (ECMWF parameter database, 172; the IFS takes land where it is
  above 0.5): a cell half land or less may be wet in the ocean model;
- NEMO's ``tmask`` and ``tmaskutil`` (``mesh_mask.nc``), most often without attributes: 0 on
  land, 1 in the ocean (NEMO reference manual, "Domain: space and time", the land/sea masks),
  when they hold only 0 and 1.

A land-sea mask by its name or text that says nothing of which value is land (a ``landmask``
without attributes, a ``mask`` whose long_name names no code) has no land codes: which value is
land is never guessed (NEMO's ``tmask`` is 1 in the sea, WRF's ``LANDMASK`` 1 on land). When it
holds two values and the target holds one value at every step on the cells of one of them only
(:func:`_unsaid_sides`), the warning names those cells by that value and says that the file does
not say it is land: the target's values tell, as they do without a mask.

When the target holds one value at every step checked (at most
:data:`~climann.data.fill_like.FILL_LIKE_CHECKED_STEPS` evenly spaced steps) on nearly all the
cells such a mask calls land
(:data:`NEARLY_ALL`), and not on most of its water cells (:data:`AT_MOST_IN_WATER`: a dry
field at 0 everywhere is no stored land), the land is stored as that value: one warning
names the mask, the cells and the value, with the ``ncap2`` that sets them missing
(:func:`warn_land_stored_as_value`); such a mask is no default predictor
(:mod:`climann.data.defaults`): it would hand the network where the stored land is.

NEMO's ``tmask(t, z, y, x)`` of a ``mesh_mask.nc`` is read at its first level, the surface
(:func:`_surface_level`); a mask written on the target's time axis (ERA5's ``lsm(time, latitude,
longitude)`` downloaded with the field) at its first step when it is the same map at every step
checked (:func:`_static_in_time`; a wet/dry mask that changes with the tide is none); and a file
given beside the data that holds such a mask on a used variable's grid is kept for it
(:func:`climann.data.used_files.mask_files`). Without a mask,
another variable of the target's grid and time axis that is missing at every step checked on
the cells where the target holds its one value says the same (ORAS5's ``sosstsst`` holds 0.0 on
land where its ``sossheig`` and ``somxl010`` are missing; break37a A1: the test RMSE 7.757 °C over
every cell, 4.430 over the sea): it is read as a mask, 0 where it is missing at every step
(:func:`_stored_where_others_missing`), and the warning names it, with an xarray line that sets
the target missing where that variable is. With neither, the target's own values may tell:
cells that hold one value at every step while the others vary (:mod:`climann.data.constant_cells`,
ORAS5's ``sosstsst`` alone), warned about with the line that sets them missing.

climann does not mask them on its own, as it does not mark a usual fill value missing
(:mod:`climann.data.fill_like`): nothing in the file ties the mask to the variable (no
``_FillValue``, no ``ancillary_variables``), and a field on the same grid may be defined over
land too (an atmospheric forcing of the ocean model, a river runoff); masking would be a
guess, the ``ncap2`` one command.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.constant_cells import (CellRanges, ConstantCells, cell_ranges, constant_cells, held_value_fix,
                                         may_be_held_on_ice)
from climann.data.file_encodings import commands_for_files, stored_forms
from climann.data.fill_like import checked_steps, time_dimension
from climann.data.flags import flag_codes
from climann.data.notes import note_once
from climann.data.paths import is_zarr_store
from climann.data.shell import (
    copies_of_files, copy_command, input_and_copy, ncap2_name, ncatted_number, ncatted_type, one_copy_advice,
    python_command, values_command, whole_write, working_path, xarray_command,
)
from climann.data.sources import source_files, variable_file, variable_where
from climann.data.stored_values import read_type

__all__ = ["AT_MOST_IN_WATER", "NEARLY_ALL", "LandCodes", "StoredLand", "land_codes", "land_fix",
           "land_stored_as_value", "warn_land_stored_as_value"]

_log = logging.getLogger(__name__)

#: The meanings of a mask's land code.
LAND_WORDS = frozenset({"land"})

#: The meanings of a mask's water codes.
WATER_WORDS = frozenset({"water", "sea", "ocean", "open_water", "sea_water", "ocean_water", "open_ocean", "open_sea"})

#: NEMO's land-sea masks, which its ``mesh_mask.nc`` most often writes without attributes:
#: 0 on land, 1 in the ocean.
NEMO_MASKS = frozenset({"tmask", "tmaskutil"})

#: The share of a mask's land cells on which the target must hold its one value: nearly all
#: (a mask edited after the run, a cell the model wets, may differ).
NEARLY_ALL = 0.9

#: At most this share of the mask's water cells may hold that value at every step checked: a
#: field that is one value nearly everywhere (a dry month's rain) stores no land.
AT_MOST_IN_WATER = 0.5

#: Land-sea masks by their names (lower case): ERA5's ``lsm``, WRF's ``LANDMASK``, CLM's ``landmask``,
#: NOAA OISST's ``lsmask``, ``land_mask``, ``mask``. A name says the variable is a land-sea mask, not
#: which value is land: that is read from its attributes (:func:`land_codes`).
LAND_SEA_MASK_NAMES = frozenset({"lsm", "landmask", "land_mask", "lsmask", "mask", "landsea", "land_sea_mask"})

#: A land-sea mask by its text: "land-sea mask", "ocean mask", "LAND MASK", "land/ocean mask".
_MASK_TEXT = re.compile(r"\b(?:land|sea|ocean|water)\b[\w\s/-]*\bmask\b", re.IGNORECASE)

#: ECMWF's long_name of its land-sea mask ``lsm`` (a land fraction), any case.
_ECMWF_LSM = "land-sea mask"

#: Codes stated in text: "0 if land", "0 = land", "1.=land", "1 FOR LAND" (WRF), and "land = 0".
_CODE_FIRST = re.compile(r"(?<![\w.])(\d+)\.?\s*(?:=|if|:|for)\s*(land|ocean|sea|water)\b", re.IGNORECASE)
_WORD_FIRST = re.compile(r"\b(land|ocean|sea|water)\s*(?:=|:)\s*(\d+)(?![\w.])", re.IGNORECASE)


@dataclass(frozen=True)
class LandCodes:
    """The codes a mask gives land, and what says so.

    Attributes
    ----------
    codes : tuple of float
        The values of the mask on land cells (none for a fraction).
    said_by : str
        For the message: ``"flag_meanings 'land water'"``, ``"long_name '0 if land, 1 if ocean …'"``.
    above : float or None
        For a land fraction: land where the mask is above this (0.5, or 50 in ``%``).
    below : float or None
        For a sea fraction: land where the mask is below this (0.5, or 50 in ``%``).
    stated : bool
        False for one side of a mask that does not say which of its values is land
        (:func:`_unsaid_sides`).
    """

    codes: tuple[float, ...]
    said_by: str
    above: float | None = None
    stated: bool = True
    below: float | None = None

    def on_land(self, mask: np.ndarray) -> np.ndarray:
        """Where ``mask`` (any shape) is land: one of :attr:`codes`, above :attr:`above` or below :attr:`below`."""
        if self.above is not None:
            return np.asarray(mask, float) > self.above
        if self.below is not None:
            return np.asarray(mask, float) < self.below
        return np.isin(mask, self.codes)

    def xarray_land(self, mask: str) -> str:
        """The xarray expression of where the mask named ``mask`` (``d['lsm']``, ``m``) is land."""
        if self.above is not None:
            return f"({mask} > {self.above!r})"
        return f"({mask} < {self.below!r})" if self.below is not None else f"{mask}.isin({list(self.codes)})"

    def ncap2_land(self, mask: str) -> str:
        """The ``ncap2`` condition of where the mask named ``mask`` is land: ``lsm>0.5``, ``mask_rho==0``."""
        if self.above is not None or self.below is not None:
            sign, bound = (">", self.above) if self.above is not None else ("<", self.below)
            return f"{mask}{sign}{ncatted_number(bound, np.dtype('f8'))}"
        return "||".join(f"{mask}=={ncatted_number(code, np.dtype('f8'))}" for code in self.codes)


def _meanings(codes: dict[float, str], said_by: str) -> LandCodes | None:
    """The land codes of ``codes`` (code → meaning) when they name land and water."""
    words = {code: meaning.lower() for code, meaning in codes.items()}
    land = tuple(code for code, word in words.items() if word in LAND_WORDS)
    if not land or not any(word in WATER_WORDS for word in words.values()):
        return None
    return LandCodes(land, said_by)


def land_codes(name: str, variable: xr.DataArray) -> LandCodes | None:
    """The codes of land in a land-sea mask (see the module's description), else None: never
    guessed when nothing in the file says which value is land.

    Parameters
    ----------
    name : str
        The variable's name (NEMO's masks are known by it).
    variable : xarray.DataArray
        Its attributes are read; its values only for NEMO's masks without attributes.

    Returns
    -------
    LandCodes or None

    Examples
    --------
    >>> import xarray as xr
    >>> mask = xr.DataArray([0.0, 1.0], dims="x", attrs={"flag_values": [0.0, 1.0], "flag_meanings": "land water"})
    >>> land_codes("mask_rho", mask).codes
    (0.0,)
    """
    attrs = variable.attrs
    meanings = [word for word in re.split(r"[\s,]+", str(attrs.get("flag_meanings", "")).strip()) if word]
    values = flag_codes(variable, "flag_values")
    if meanings and values.size == len(meanings) and values.dtype.kind in "iuf":
        return _meanings(dict(zip(values.astype(float).tolist(), meanings)),
                         f"flag_meanings '{attrs['flag_meanings']}'")
    options = {int(match.group(1)): str(value) for key, value in attrs.items()
               if (match := re.fullmatch(r"option_(\d+)", str(key)))}
    if options:
        shown = ", ".join(f"option_{code} '{meaning}'" for code, meaning in options.items())
        return _meanings({float(code): meaning for code, meaning in options.items()}, shown)
    if (found := _by_standard_name(name, variable)) is not None:
        return found
    for key in ("long_name", "comment", "units", "description"):
        text = str(attrs.get(key, ""))
        stated = {float(code): word for code, word in _CODE_FIRST.findall(text)}
        stated.update({float(code): word for word, code in _WORD_FIRST.findall(text)})
        if (found := _meanings(stated, f"{key} '{text}'")) is not None:
            return found
        if stated and (found := _other_of_two(name, variable, stated, f"{key} '{text}'")) is not None:
            return found
    if name in NEMO_MASKS and not meanings and variable.size and variable.size <= 10**8:
        if set(np.unique(np.asarray(variable.values)).tolist()) <= {0, 1}:
            return LandCodes((0.0,), "NEMO's land-sea mask, 0 on land")
    return None


def _by_standard_name(name: str, variable: xr.DataArray) -> LandCodes | None:
    """CF's ``land_binary_mask`` (1 on land) and ``sea_binary_mask`` (1 on sea), a land fraction
    (CF's ``land_area_fraction``, ECMWF's ``lsm``) read as land above one half, a sea fraction
    (CF's ``sea_area_fraction``) as land below one half (see the module's description)."""
    attrs = variable.attrs
    standard_name = str(attrs.get("standard_name", "")).strip()
    if standard_name == "land_binary_mask":
        return LandCodes((1.0,), "standard_name 'land_binary_mask', 1 on land")
    if standard_name == "sea_binary_mask":
        return LandCodes((0.0,), "standard_name 'sea_binary_mask', 1 on sea, 0 on land")
    if standard_name == "sea_area_fraction":
        return _fraction(variable, "standard_name 'sea_area_fraction'", side="below")
    ecmwf = name.lower() == "lsm" and (str(attrs.get("long_name", "")).strip().lower() == _ECMWF_LSM
                                       or str(attrs.get("GRIB_paramId", "")) == "172")
    if standard_name != "land_area_fraction" and not ecmwf:
        return None
    said_by = "standard_name 'land_area_fraction'" if standard_name else "ECMWF's land-sea mask 'lsm', a land fraction"
    return _fraction(variable, said_by, side="above")


def _fraction(variable: xr.DataArray, said_by: str, *, side: str) -> LandCodes | None:
    """A land fraction (``side`` "above": land above one half) or a sea fraction ("below": land
    below one half, where the sea covers less than half the cell), in ``%`` or ``1``; None for
    a fraction above 1 whose units do not say ``%``: which scale is not said."""
    half = 50.0 if str(variable.attrs.get("units", "")).strip().lower() in {"%", "percent"} else 0.5
    if half == 0.5:
        values = _small_values(variable)
        if values is None or values.size == 0 or np.nanmax(values) > 1.0:
            return None
    text = f"{said_by}, land {side} {half:g}{' %' if half == 50.0 else ''}"
    return LandCodes((), text, **{side: half})


def _small_values(variable: xr.DataArray) -> np.ndarray | None:
    """The mask's distinct values when it is small enough to read (a static map), else None."""
    if not variable.size or variable.size > 10**8:
        return None
    values = np.unique(np.asarray(variable.values))
    return values[np.isfinite(values.astype(float))] if values.dtype.kind in "iufb" else None


def _other_of_two(name: str, variable: xr.DataArray, stated: dict[float, str], said_by: str) -> LandCodes | None:
    """A land-sea mask (by its name, :data:`LAND_SEA_MASK_NAMES`, or its text) of two values whose
    text states the code of one side only: "ocean mask (1 = ocean)" makes 0 land, "1 = land" the
    other water. None when it holds other values or the text states more than one side."""
    text = " ".join(str(variable.attrs.get(key, "")) for key in ("long_name", "description", "comment"))
    if name.lower() not in LAND_SEA_MASK_NAMES and not _MASK_TEXT.search(text):
        return None
    words = {code: ("land" if word.lower() in LAND_WORDS else "water") for code, word in stated.items()}
    values = _small_values(variable)
    if values is None or values.size != 2 or len(set(words.values())) != 1 or not set(words) < set(values.tolist()):
        return None
    (side,) = set(words.values())
    other = [float(value) for value in values.tolist() if value not in words]
    land = tuple(words) if side == "land" else tuple(other)
    other_side = "water" if side == "land" else "land"
    return LandCodes(tuple(float(code) for code in land), f"{said_by}, the other of its two values {other_side}")


@dataclass(frozen=True)
class StoredLand:
    """Land stored as one value in a target, as a mask says where the land is.

    Attributes
    ----------
    mask : str
        The mask variable.
    codes : LandCodes
    value : float
        The value the target holds there at every step checked.
    n_held : int
        The land cells holding it.
    n_land : int
        The cells the mask calls land.
    n_steps : int
        The steps checked (of every extra dimension too).
    off_grid : bool
        Whether the mask's file gives it dimensions off the target's, taken at their first index:
        size 1 (NEMO's ``t``) or the level of a NEMO mask on the model's levels (``z``, the
        surface: :func:`_surface_level`); the command that sets the land missing takes them so.
    missing_in : bool
        Whether ``mask`` is no land-sea mask but another variable of the target's grid and
        time axis, missing at every step checked on the cells taken as land
        (:func:`_stored_where_others_missing`).
    time : str or None
        The target's time dimension when the mask is written on it, one map at every step
        (ERA5's ``lsm(time, latitude, longitude)``: :func:`_static_in_time`); the command that
        sets the land missing from another file takes its first step.
    """

    mask: str
    codes: LandCodes
    value: float
    n_held: int
    n_land: int
    n_steps: int
    off_grid: bool = False
    missing_in: bool = False
    time: str | None = None


def _masks(dataset: xr.Dataset, target: str) -> dict[str, tuple[xr.DataArray, tuple[LandCodes, ...]]]:
    """The land-sea masks on the target's grid: static, every dimension of several values one
    of the target's (its size-1 dimensions dropped, a NEMO mask on the model's levels at the
    surface: :func:`_surface_level`, a mask written on the target's time axis at its first step
    when it is the same at every step checked: :func:`_static_in_time`), each with its land
    codes, or each side of one that does not say which is land (:func:`_unsaid_sides`)."""
    variable = dataset[target]
    time = time_dimension(variable)
    found = {}
    for name in dataset.variables:
        if name == target or name in dataset.dims or dataset[name].dtype.kind not in "iufb":
            continue
        mask = dataset[name].squeeze([dim for dim in dataset[name].dims
                                      if dataset.sizes[dim] == 1 and dim not in variable.dims], drop=True)
        mask = _surface_level(str(name), mask, variable)
        in_time = time is not None and time in mask.dims and mask.ndim > 1
        first = mask.isel({time: 0}, drop=True) if in_time else mask
        if not first.dims or not set(first.dims) <= set(variable.dims) or set(first.dims) == set(variable.dims):
            continue  # no grid, another grid, or varying as the target does but in time (a 3-D wet/dry mask)
        if (codes := land_codes(str(name), first)) is not None:
            sides: tuple[LandCodes, ...] = (codes,)
        elif not (sides := _unsaid_sides(str(name), first)):
            continue
        if in_time and not _static_in_time(mask, time):
            continue  # a wet/dry mask that changes with the tide
        found[str(name)] = (first, sides)  # first.dims: those of dataset[name] not taken at their first
    return found


def _static_in_time(mask: xr.DataArray, time: str) -> bool:
    """Whether a mask on the target's time axis (ERA5's ``lsm(time, latitude, longitude)``, written
    at every step of a download) is the same map at every step checked
    (:func:`~climann.data.fill_like.checked_steps`): a land-sea mask repeated, not a wet/dry mask
    that changes with the tide (ROMS's ``wetdry_mask_rho``)."""
    sample = checked_steps(mask)
    same = (sample == sample.isel({time: 0})) | (sample.isnull() & sample.isel({time: 0}).isnull())
    return bool(same.all().compute())


def _unsaid_sides(name: str, mask: xr.DataArray) -> tuple[LandCodes, ...]:
    """Each value of a land-sea mask by its name (:data:`LAND_SEA_MASK_NAMES`) or text ("land-sea
    mask") of two values that does not say which is land, as the candidate land of
    :func:`land_stored_as_value`, which takes one only when the target holds one value on its
    cells and not on the other's; ``()`` for any other variable."""
    text = " ".join(str(mask.attrs.get(key, "")) for key in ("long_name", "description", "comment", "standard_name"))
    if name.lower() not in LAND_SEA_MASK_NAMES and not _MASK_TEXT.search(text):
        return ()
    values = _small_values(mask)
    if values is None or values.size != 2:
        return ()
    said_by = "its name" if name.lower() in LAND_SEA_MASK_NAMES else "its text"
    return tuple(LandCodes((float(value),), f"a land-sea mask by {said_by} that does not say which of its two "
                           "values is land; the target holds one value on the cells of this one only", stated=False)
                 for value in values.tolist())


def _surface_level(name: str, mask: xr.DataArray, variable: xr.DataArray) -> xr.DataArray:
    """A NEMO mask on the model's levels (``tmask(t, z, y, x)`` of ``mesh_mask.nc``) at its first
    level, the surface (NEMO numbers its levels down from the surface: reference manual, "Space and
    time domain"): land there is land at every level below, so it tells where a surface field, or
    a field on any level, stores land. Any other mask as it is."""
    extra = [dim for dim in mask.dims if dim not in variable.dims]
    if name.lower() not in NEMO_MASKS or len(extra) != 1 or mask.ndim < 3:
        return mask
    return mask.isel({extra[0]: 0}, drop=True)


def land_stored_as_value(dataset: xr.Dataset, target: str, *, others: bool = True,
                         cells: CellRanges | Callable[[], CellRanges] | None = None) -> StoredLand | None:
    """The land a mask on the target's grid marks, where the target holds one value at every
    step checked (see the module's description); None when there is none.

    The target is read on at most :data:`~climann.data.fill_like.FILL_LIKE_CHECKED_STEPS` evenly
    spaced time steps (and every value of its other dimensions off the mask's grid), reduced to
    its minimum, maximum and presence per cell (:func:`~climann.data.constant_cells.cell_ranges`):
    a map, not the data.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened and subset (lazy).
    target : str
    others : bool
        Whether, without such a mask, the other variables of the target's grid and time axis
        are read for cells they all leave missing (:func:`_stored_where_others_missing`); the
        default predictors, which leave out the mask only, do not read them.
    cells : CellRanges or callable or None
        The target's :func:`~climann.data.constant_cells.cell_ranges`, when the run's one read of
        its values made them (:mod:`climann.data.value_checks`), or the function that gives them;
        None: read here. Either way read only when there is a mask or another variable to
        compare with.

    Returns
    -------
    StoredLand or None
        The first mask (in the file's order) whose land cells the target fills so, else the
        first such other variable.
    """
    if target not in dataset.data_vars or dataset[target].dtype.kind not in "iuf":
        return None
    masks = _masks(dataset, target)
    for name, (mask, sides) in masks.items():
        cells = cell_ranges(dataset, target) if cells is None else cells() if callable(cells) else cells
        extra = [dim for dim in cells.lowest.dims if dim not in mask.dims]  # off the mask's grid: as more steps
        # NaN-skipping, as over time (cell_ranges): a cell missing at every level checked is NaN
        lowest, highest, present = (array.transpose(*extra, *mask.dims).values.reshape(-1, *mask.shape)
                                    for array in (cells.lowest, cells.highest, cells.present))
        lowest, highest, present = np.fmin.reduce(lowest), np.fmax.reduce(highest), present.all(axis=0)
        n_steps = cells.n_steps * int(np.prod([cells.lowest.sizes[dim] for dim in extra]))
        (mask_values,) = dask.compute(mask.data)
        held = [found for codes in sides if (found := _stored(
            name, codes, np.asarray(mask_values), lowest, highest, present, n_steps=n_steps)) is not None]
        found = held[0] if len(held) == 1 else None  # a mask that does not say which side is land: one side only
        if found is not None:
            time = time_dimension(dataset[target]) if time_dimension(dataset[target]) in dataset[name].dims else None
            off_grid = set(dataset[name].dims) - {time} != set(mask.dims) or _off_grid(dataset[name])
            return dataclasses.replace(found, off_grid=off_grid, time=time)
    if not others:
        return None
    return _stored_where_others_missing(dataset, target, cells or (lambda: cell_ranges(dataset, target)))


#: What says where the land is when no mask does (:func:`_stored_where_others_missing`).
_MISSING_IN_OTHERS = LandCodes((0.0,), "missing at every step checked")


def _stored_where_others_missing(dataset: xr.Dataset, target: str,
                                 cells: CellRanges | Callable[[], CellRanges]) -> StoredLand | None:
    """Land stored as a value where no mask says so but the file's other variables do: another
    variable on the target's grid and time axis (NEMO's ``sossheig`` beside ``sosstsst``, both
    of one ``grid_T`` file) missing at every step checked on the cells where the target holds
    one value at every step (ORAS5 writes 0.0 on land in ``sosstsst``, break37a A1), read as a
    mask that is 0 there (:func:`_stored`'s rules: nearly all those cells, not most of the
    others), when the target changes in time on most cells where that variable has values: a
    field that holds one value at most cells (land-cover classes, a static field written at
    every step) says nothing of where land is. The target's constant cells are found first: no
    other variable is read when it has none. The first such variable in the file's order is named.
    ``cells``: the target's :func:`~climann.data.constant_cells.cell_ranges`, or the function that
    reads them (called only when there is such a variable)."""
    time = time_dimension(dataset[target])
    others = [name for name in map(str, dataset.data_vars) if name != target and time is not None
              and set(dataset[name].dims) == set(dataset[target].dims) and dataset[name].dtype.kind == "f"]
    if not others:
        return None
    cells = cells() if callable(cells) else cells
    lowest, highest, present = (np.asarray(array) for array in (cells.lowest, cells.highest, cells.present))
    if not (present & (lowest == highest)).any():
        return None
    grid = list(cells.lowest.dims)
    presences = dask.compute(*[checked_steps(dataset[name]).notnull().any(time).transpose(*grid).data
                               for name in others])
    constant = present & (lowest == highest)
    for name, anywhere in zip(others, presences):
        water = np.asarray(anywhere, bool)
        if np.sum(water & constant) > AT_MOST_IN_WATER * np.sum(water):
            continue  # a field that holds one value on most cells everywhere (land cover, a class): it tells nothing
        found = _stored(name, _MISSING_IN_OTHERS, np.asarray(anywhere, float), lowest, highest, present,
                        n_steps=cells.n_steps)
        if found is not None:
            return dataclasses.replace(found, missing_in=True)
    return None


def _stored(name: str, codes: LandCodes, mask: np.ndarray, lowest: np.ndarray, highest: np.ndarray,
            present: np.ndarray, *, n_steps: int) -> StoredLand | None:
    """:class:`StoredLand` from the mask's values and the target's per-cell minimum, maximum and
    presence at every step (arrays of the mask's shape), when the land holds one value."""
    land = codes.on_land(mask)
    water = ~land & np.isfinite(mask.astype(float))
    constant = present & (lowest == highest)
    held_values = lowest[land & constant]
    if not land.any() or not water.any() or not held_values.size:
        return None
    values, counts = np.unique(held_values, return_counts=True)
    value = values[np.argmax(counts)]
    n_held, n_land = int(np.sum(land & constant & (lowest == value))), int(land.sum())
    in_water = int(np.sum(water & constant & (lowest == value)))
    if n_held < NEARLY_ALL * n_land or in_water > AT_MOST_IN_WATER * int(water.sum()):
        return None
    return StoredLand(name, codes, float(value), n_held, n_land, n_steps)


#: The netCDF default fill value of each type (netcdf.h ``NC_FILL_*``; NUG "Fill Values").
_DEFAULT_FILLS = {"f4": 9.969209968386869e36, "f8": 9.969209968386869e36, "i1": -127, "u1": 255, "i2": -32767,
                  "u2": 65535, "i4": -2147483647, "u4": 4294967295, "i8": -9223372036854775806,
                  "u8": 18446744073709551614}


def _fill_literal(variable: xr.DataArray) -> str:
    """The netCDF default fill value of the variable's stored type as an ``ncap2`` literal:
    ``9.96921e+36f`` for float, ``9.969209968386869e+36`` for double (unsuffixed: a double),
    ``-32767s`` for short (NUG "Fill Values"; NCO's literal suffixes are ncatted's type letters)."""
    stored = read_type(variable)
    number = ncatted_number(_DEFAULT_FILLS[stored.str[1:]], stored)
    return number if stored == np.float64 else f"{number}{ncatted_type(stored)}"


def land_fix(dataset: xr.Dataset, target: str, found: StoredLand, *, file: str | Path | None) -> str:
    """The command that sets the target missing on the mask's land cells: one ``ncap2`` on
    the target's file and a copy beside it, a ``_FillValue`` (netCDF's default fill of its
    type) set first where it has none (NCO's ``set_miss``/``get_miss``; checked on break15's
    ROMS file: the land cells NaN at every level and step, the rest unchanged); when the mask
    is in another file (a ROMS grid file), a ``python -c`` with xarray, as ``ncap2`` reads one.
    Of a series whose files differ in their stored type or ``_FillValue``
    (:func:`~climann.data.file_encodings.file_encodings`), one ``ncap2`` for each group of
    files, each as those files store the target (the first file's alone left a later file
    without a ``_FillValue`` given none: encodfix).

    Parameters
    ----------
    dataset : xarray.Dataset
    target : str
    found : StoredLand
    file : str or Path or None
        The file to name when the target does not record its one file
        (:func:`~climann.data.sources.variable_file`); None for several files.
    """
    variable = dataset[target]
    own = variable_file(variable) or file
    mask_file = variable_file(dataset[found.mask])
    if own is None and len(source_files(variable)) > 1 and not any(map(is_zarr_store, source_files(variable))):
        return _land_fix_of_files(dataset, target, found, mask_file)
    if found.missing_in:
        return _land_fix_where_missing(dataset, target, found, own, mask_file)
    own_name = ncap2_name(target)
    land = found.codes.ncap2_land(ncap2_name(found.mask))  # a mask on the target's time axis: equal at every step
    # for a store: xarray's where keeps the attributes, not the stored type (NaN needs a float)
    if own is not None and mask_file is not None and (Path(mask_file) != Path(own) or found.off_grid):
        # ncap2 reads one file, and broadcasts a mask on the model's levels (NEMO's tmask) on nothing;
        # a mask on the target's time axis in the same file is compared step by step, each step the same
        return _land_fix_from(own, mask_file, target, found)
    files = "IN.nc OUT.nc" if own is None else input_and_copy(own)
    script = f"where({land}) {own_name}={own_name}.get_miss();"
    statement = f"d[{target!r}] = d[{target!r}].where(~{found.codes.xarray_land(f'd[{found.mask!r}]')})"
    # a series whose files differ in their stored type or fill value: each group's own (file_encodings)
    return commands_for_files(stored_forms(variable, lambda stored: _set_fill(stored, own_name)),
                              lambda fill, arguments: values_command([f"{fill}{script}"], [statement], arguments),
                              files=files, copies=_LAND_COPIES_FOLDER)


#: The folder, beside a target's files, of their copies with the land set missing
#: (``land_masked_2`` … when taken, :func:`climann.data.shell.new_folder`).
_LAND_COPIES_FOLDER = "land_masked"


def _land_fix_of_files(dataset: xr.Dataset, target: str, found: StoredLand, mask_file: str | None) -> str:
    """:func:`land_fix`'s command for a target read from several files (a folder of 72 monthly
    files): a copy of each, in a new folder, with the land set missing, then the ``--data`` that
    takes them (:func:`~climann.data.shell.copies_of_files`; fix38d: the line named ``IN.nc
    OUT.nc``, one file's). Each file's own ``ncap2`` when the mask is in the target's files
    (their stored type and fill, :func:`_set_fill`), else an xarray line that reads the mask's
    file, or, for land told by another variable's missing values, that variable in the same file."""
    files = source_files(dataset[target])
    own_name = ncap2_name(target)
    if found.missing_in:
        other = (f"xr.open_dataset({working_path(mask_file)!r})"
                 if mask_file is not None and mask_file not in files else "d")
        time = time_dimension(dataset[target])
        statements = [f"d[{target!r}] = d[{target!r}].where({other}[{found.mask!r}].notnull().any({time!r})"
                      ".reset_coords(drop=True))"]
        return copies_of_files(lambda arguments, file: xarray_command(statements, arguments), files,
                               name=_LAND_COPIES_FOLDER)
    if mask_file is not None and (mask_file not in files or found.off_grid):  # ncap2 reads one file
        opener = "xr.open_zarr" if is_zarr_store(mask_file) else "xr.open_dataset"
        statements = [f"m = {opener}({working_path(mask_file)!r})[{found.mask!r}]",
                      *([_first_of(found, target, "'").rstrip("; ")] if found.off_grid else []),
                      f"d[{target!r}] = d[{target!r}].where(~{found.codes.xarray_land('m')})"]
        return copies_of_files(lambda arguments, file: xarray_command(statements, arguments), files,
                               name=_LAND_COPIES_FOLDER)
    mask = ncap2_name(found.mask)
    land = (f"{mask}>{ncatted_number(found.codes.above, np.dtype('f8'))}" if found.codes.above is not None else
            "||".join(f"{mask}=={ncatted_number(code, np.dtype('f8'))}" for code in found.codes.codes))
    script = f"where({land}) {own_name}={own_name}.get_miss();"
    statement = f"d[{target!r}] = d[{target!r}].where(~{found.codes.xarray_land(f'd[{found.mask!r}]')})"
    fills = {file: fill for held, fill in stored_forms(dataset[target], lambda stored: _set_fill(stored, own_name))
             for file in (held or files)}  # each file's stored type and fill (file_encodings)
    return copies_of_files(lambda arguments, file: values_command([f"{fills[file]}{script}"], [statement], arguments),
                           files, name=_LAND_COPIES_FOLDER)


def _land_fix_from(own: str | Path, mask_file: str | Path, target: str, found: StoredLand) -> str:
    """:func:`land_fix`'s command when the mask is in another file than the target (a ROMS grid file):
    a ``python -c`` with xarray that writes a NetCDF copy of the target's file; for a Zarr store, a copy
    of the store beside it (:func:`~climann.data.shell.copy_command`), the mask read from its file or store."""
    # written whole (whole_write; fix45m: a line interrupted half-way left a file under the copy's name); the file and
    # its copy as the line's arguments (sys.argv[1:3]), the copy in a new folder (fix55a: X_fixed.nc beside X.nc, which
    # a glob over their folder took with it); strings in double quotes, which the shell's single quotes hold unescaped
    script = (f'import sys, xarray as xr; d = xr.open_dataset(sys.argv[1]); '
              f'm = xr.open_dataset("{working_path(mask_file)}")["{found.mask}"]; {_first_of(found, target, chr(34))}'
              f'd["{target}"] = d["{target}"].where(~{found.codes.xarray_land("m")}); {whole_write(quote=chr(34))}')
    opener = "xr.open_zarr" if is_zarr_store(mask_file) else "xr.open_dataset"
    statements = [f"m = {opener}({working_path(mask_file)!r})[{found.mask!r}]",
                  *([_first_of(found, target, "'").rstrip("; ")] if found.off_grid or found.time else []),
                  f"d[{target!r}] = d[{target!r}].where(~{found.codes.xarray_land('m')})"]
    return _one_copy(lambda arguments: copy_command(f"{python_command(script)} {arguments}", statements,
                                                    arguments), input_and_copy(own))


def _land_fix_where_missing(dataset: xr.Dataset, target: str, found: StoredLand, own: str | Path | None,
                            other_file: str | Path | None) -> str:
    """:func:`land_fix`'s command when another variable's missing values tell the land
    (:attr:`StoredLand.missing_in`): a ``python -c`` with xarray that sets the target missing where
    that variable is missing at every step (``o.notnull().any(time)``: a cell it fills at one step
    is water), written to a copy beside the target's file (``IN.nc OUT.nc`` for each file of a
    series that holds both); for a Zarr store, a copy of the store (:func:`~climann.data.shell.copy_command`).
    Checked on break37a's ORAS5 file: the land NaN at every step, the water as it was."""
    time = time_dimension(dataset[target])
    other = "d" if other_file is None or own is None or Path(other_file) == Path(own) else "o"
    opener = f'o = xr.open_dataset("{working_path(other_file)}"); ' if other == "o" else ""
    kept = f'{other}["{found.mask}"].notnull().any("{time}").reset_coords(drop=True)'
    # the file and its copy as the line's arguments, the copy in a new folder (fix55a, as _land_fix_from's)
    script = (f'import sys, xarray as xr; d = xr.open_dataset(sys.argv[1]); {opener}'
              f'd["{target}"] = d["{target}"].where({kept}); {whole_write(quote=chr(34))}')
    statements = ([f"o = xr.open_dataset({working_path(other_file)!r})"] if other == "o" else []) + [
        f"d[{target!r}] = d[{target!r}].where({other}[{found.mask!r}].notnull().any({time!r}).reset_coords(drop=True))"]
    return _one_copy(lambda arguments: copy_command(f"{python_command(script)} {arguments}", statements,
                                                    arguments), "IN.nc OUT.nc" if own is None else input_and_copy(own))


def _one_copy(command: Callable[[str], str], files: str) -> str:
    """``command(files)``, a land line on ``files`` (``IN OUT``): for the user's file, its copy written
    into a new folder beside it (``land_masked``, as :func:`land_fix`'s ncap2 line), then the ``--data``
    to give in its place (:func:`~climann.data.shell.one_copy_advice`; fix55a: ``X_fixed.nc`` beside
    ``X.nc`` was taken with it by a glob over their folder, and the run refused the two files of one
    variable)."""
    return one_copy_advice(command, files, _LAND_COPIES_FOLDER)


def _off_grid(mask: xr.DataArray) -> bool:
    """Whether the mask's file gives it dimensions that opening dropped
    (size 1: NEMO's ``t``), by the shape it was stored with."""
    return len(mask.encoding.get("original_shape", mask.shape)) != mask.ndim


def _first_of(found: StoredLand, target: str, quote: str) -> str:
    """The statement that takes the mask ``m``'s dimensions off the target's at their first index,
    its coordinates dropped (they would be broadcast on the target, or clash with its own):
    ``m = m.isel({k: 0 for k in m.dims if k not in d["thetao"].dims}, drop=True).reset_coords(drop=True); ``
    — NEMO's ``tmask(t, z, y, x)`` at the surface (:func:`_surface_level`); and its first time
    step when it is on the target's time axis (:attr:`StoredLand.time`: the mask file's dates need
    not be the target's); ``""`` when there are none."""
    if not found.off_grid and not found.time:
        return ""
    time = f" or k == {quote}{found.time}{quote}" if found.time else ""
    return (f"m = m.isel({{k: 0 for k in m.dims if k not in d[{quote}{target}{quote}].dims{time}}}, drop=True)"
            ".reset_coords(drop=True); ")


def _set_fill(variable: xr.DataArray, own_name: str) -> str:
    """The ``ncap2`` statement that gives the variable, as its file stores it, netCDF's default
    fill value of its stored type as its missing value when it has no ``_FillValue`` (NCO's
    missing value is the ``_FillValue``); ``""`` when it has one."""
    if "_FillValue" in variable.encoding:
        return ""
    return f"{own_name}={own_name};{own_name}.set_miss({_fill_literal(variable)});"


def warn_land_stored_as_value(dataset: xr.Dataset, target: str, *, where: str,
                              file: str | Path | None = None, cells: CellRanges | None = None) -> None:
    """Warn, once per run, when the target holds one value at every step checked on the land
    cells of a land-sea mask on its grid (:func:`land_stored_as_value`): land stored as a
    value, trained on and scored as data. The message names the mask, the cells, the value and
    the ``ncap2`` that sets them missing (:func:`land_fix`); nothing is masked here (see the
    module's description). Without such a mask or another variable missing on the land, the
    cells that hold one value at every step while the others vary
    (:func:`~climann.data.constant_cells.constant_cells`) are warned about, with the xarray line
    that sets them missing (:func:`~climann.data.constant_cells.held_value_fix`).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened and subset.
    target : str
        The target's name (nothing is checked when it is absent).
    where : str
        The files, for the message, when the target does not record its own.
    file : str or Path or None
        The file to name in the command (see :func:`land_fix`).
    cells : CellRanges or None
        The target's :func:`~climann.data.constant_cells.cell_ranges` from the run's one read of
        its values (:func:`~climann.data.value_checks.warn_held_values`); None: read here, once
        for both rules.
    """
    if target not in dataset.data_vars:
        return

    read = [] if cells is None else [cells]  # read once, when a rule first needs them

    def ranges() -> CellRanges:
        read.extend([] if read else [cell_ranges(dataset, target)])
        return read[0]

    def message() -> str | None:
        found = land_stored_as_value(dataset, target, cells=ranges)
        if found is None:
            held = constant_cells(dataset, target, cells=ranges)  # nothing else says where land is: its own values
            return None if held is None else _held_value_text(dataset, target, held, where=where, file=file)
        cells = (f"where '{found.mask}' (same grid) is missing at every step checked, as an ocean model leaves "
                 "land" if found.missing_in else f"that '{found.mask}' calls land ({found.codes.said_by})"
                 if found.codes.stated else
                 f"where '{found.mask}' is {found.codes.codes[0]:g} ({found.codes.said_by})")
        tie = f"the missing values of '{found.mask}'" if found.missing_in else "the mask"
        return (f"'{target}' in {variable_where(dataset[target], where)} holds {found.value:g} at every step checked "
                f"({found.n_steps}) on {found.n_held} of the {found.n_land} cells {cells}: land stored as a value, "
                f"trained on and scored as data; climann does not mask it on its own (nothing ties {tie} to "
                f"'{target}'); to set those cells missing: {land_fix(dataset, target, found, file=file)}")

    note_once(_log, logging.WARNING, message,
              key=("land stored as a value", target, variable_where(dataset[target], where)))


def _held_value_text(dataset: xr.Dataset, target: str, held: ConstantCells, *, where: str,
                     file: str | Path | None) -> str:
    """The warning on cells that hold one value at every step checked while the others vary, with
    no mask nor other variable saying they are land (:func:`~climann.data.constant_cells.constant_cells`).

    For a quantity a model may hold at one value on glaciers, ice sheets or sea ice (an albedo, a
    snow or ice quantity: :func:`~climann.data.constant_cells.may_be_held_on_ice`) the cells may be
    real data: the warning names both readings and the masks that tell them apart, and says that
    the line deletes real values if the cells are ice (break38c C2: ERA5's ``fal`` held on glaciers
    was called "most likely land"). Nothing is said of the baselines: whether the climatology is
    scored on those cells is known only after the split (one year of data leaves it out)."""
    fix = held_value_fix(dataset, target, held, file=file)
    time = time_dimension(dataset[target])
    n_time = dataset[target].sizes[time] if time is not None else held.n_steps
    # a sample of the steps, said as one: an intermittent field is 0 at 24 of 26 279 hours by chance (break45b A8)
    checked = (f"at each of the {held.n_steps} steps checked (evenly spaced among its {n_time}; the others were not "
               f"read for this)" if n_time > held.n_steps else f"at every one of its {held.n_steps} steps")
    head = (f"'{target}' in {variable_where(dataset[target], where)} holds {held.value:g} {checked} on {held.n_held} "
            f"of its {held.n_cells} cells, no other value so, while {held.n_varying} cells vary")
    ice = may_be_held_on_ice(target, dataset[target])
    if ice is None:
        return (f"{head}: most likely land or no data stored as a value (no land-sea mask nor other variable in the "
                f"data says where land is), trained on and scored as data; climann does not mask it on its own; "
                f"unless {held.value:g} is real data there, to set those cells missing: {fix}")
    return (f"{head}: either land, sea or no data stored as a value, or real values a model holds on glaciers, ice "
            f"sheets or sea ice (a quantity of '{ice}'; IFS keeps its glaciers under 10 m of water equivalent of "
            f"snow, its sea ice 1.5 m thick); trained on and scored as data either way; the values cannot tell "
            f"which (no land-sea mask nor glacier mask in the data): compare the cells with the product's land-sea "
            f"mask and glacier or ice mask (ERA5: 'lsm', and the glacier cells where 'sd' holds 10 m of water "
            f"equivalent); climann does not mask them on its own; only if they are no data, to set those cells "
            f"missing (if they are ice, this deletes real values): {fix}")
