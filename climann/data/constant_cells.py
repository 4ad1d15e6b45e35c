"""Land stored as a value, told by the target's own values when nothing else tells it.

Ocean reanalyses write their fields over the whole grid: ORAS5's ``sosstsst`` holds 0.0 on land
at every step, with ``missing_value = 1e20`` only, and a file of that one variable carries no
land-sea mask (:mod:`climann.data.land_masks`) nor another variable missing on land. The land is
then trained on and scored as 0 °C sea (the last round's tester file: test RMSE 7.826 °C over
every cell, about 0.98 over the sea; a 12 × 16 file of 66 land cells, 11.77 before the line the
warning gives, 0.99 after), and the climatology, which predicts a cell that never changes
perfectly, looks far better than it is.

The rule (:func:`constant_cells`): a target that changes in time is read on at most
:data:`~climann.data.fill_like.FILL_LIKE_CHECKED_STEPS` evenly spaced steps (at least
:data:`MIN_STEPS`); the cells that hold exactly one value at every one of them, present at each,
are counted. When nearly all of them (:data:`NEARLY_ALL`) hold one and the same value, they
make at least :data:`MIN_SHARE` of the cells, and at least :data:`MIN_VARYING` of the cells
change in time, those cells are most likely land or no data stored as a value: no measurement
and no model state repeats one number exactly over years, on many cells at once, while its
neighbours vary. The warning names the value, the cells and the xarray line that sets the cells
holding that value at every step missing (:func:`held_value_fix`). Nothing is masked on its
own: which value stands for land only the product's documentation says.

It is not warned where real data sit at that value at every step (:func:`physical_bound`):

- 0 of a quantity that cannot be negative: precipitation, snowfall, runoff and the contents
  and concentrations of :func:`~climann.data.nonnegative.cannot_be_negative`; a share of a
  whole (:func:`~climann.data.bounded_quantities.upper_bound`: cloud cover, sea-ice
  concentration, a burned-area fraction); and, by the words of its ``standard_name``,
  ``long_name`` or name (:data:`ZERO_BOUNDED_WORDS`), speeds, areas, snow, ice (and so their
  depths and thicknesses), rain, hail and graupel, burned area and fire, counts, downwelling and
  solar radiation (the polar night of a winter subset), discharge; or in units of an area. A
  desert's rain is 0 at every step, the tropics' snow and sea ice too. A thickness or depth is
  bounded by 0 only as a thickness of something that may be absent (snow, ice, rain): the ocean's
  mixed layer (ORAS5's ``somxl010``, ``ocean_mixed_layer_thickness_defined_by_sigma_theta``) and
  the other layers of the sea or air are never 0 thick where there is sea or air, so a 0 held
  there is land (rerun38 N2: ORAS5's land at 0 m trained on as sea, unwarned);
- the upper bound of a share: 100 % of a permanent ice cover, 1 of a fraction;
- the freezing point of sea water (:data:`SEA_WATER_FREEZING`, in a temperature of any scale, its edges
  widened by :data:`FREEZING_TOLERANCE` for float32 K):
  HadISST and OISST write -1.8 °C under sea ice, month after month in the central Arctic; ERA5
  271.46 K (IFS's ``RTFREEZSICE = RTT - 1.7`` with ``RTT = 273.16`` K, -1.69 °C);
- the melting point of ice, 0 °C (:data:`ICE_MELTING`, with IFS's 273.16 K), of a lake's (fresh
  water's) temperature (:data:`FRESH_WATER_WORDS`: CF ``lake_surface_temperature``, a
  ``long_name`` that says lake): a lake surface temperature is held at 273.15 K under its ice;
  and of the temperature of a surface, snow or ice that is not the sea's
  (:data:`MELTING_SURFACE_WORDS`): a melting glacier's skin stays at 273.16 K through a summer
  (IFS caps the temperature of snow and ice at ``RTT``; ERA5's ``skt`` over Greenland in JJA).
  A sea temperature held at 0 °C stays warned: ORAS5 writes its land as 0 °C of sea temperature;
- the snow IFS keeps on its glaciers, 10 m of water equivalent (:data:`GLACIER_SNOW`; ERA5's and
  ERA5-Land's ``sd``), of a snow amount in a water equivalent or a mass per area.

Other values held on glaciers, ice sheets or sea ice (an albedo a model fixes there, a sea-ice
thickness) cannot be told from stored land by the values alone: for a quantity of snow, ice or an
albedo (:data:`ICE_HELD_WORDS`) the warning names both and the masks that tell them apart
(:func:`may_be_held_on_ice`), and says that the line deletes real values if they are ice.

A usual fill value no attribute marks (CMIP's 1e20, -9999: :mod:`climann.data.fill_like`) has
its own warning, and is not named twice. A few cells by chance (fewer than :data:`MIN_SHARE` of
the grid), cells that each hold their own value (land-cover classes, a static field written at
every step) and a field that holds one value nearly everywhere (no cells change) are no land
stored as a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.absolute_zero import absolute_zero
from climann.data.bounded_quantities import upper_bound
from climann.data.fill_like import (BlockReads, checked_blocks, checked_step_numbers, fill_like_values, folded_by_place,
                                   read_together, time_dimension)
from climann.data.nonnegative import cannot_be_negative, is_thickness
from climann.data.shell import (copies_data, copies_folder, copy_command, copy_name, copy_path,
                                input_and_copy, is_zarr_store, python_command, shown_path, whole_write, working_path)
from climann.data.sources import source_files, variable_file
from climann.data.time_names import file_time_dimension
from climann.data.units import WATER_DENSITY, is_water_quantity, parse_units, unit_registry

__all__ = ["FREEZING_TOLERANCE", "FRESH_WATER_FREEZING", "FRESH_WATER_WORDS", "GLACIER_SNOW", "ICE_HELD_WORDS",
           "ICE_MELTING", "MELTING_SURFACE_WORDS", "MIN_SHARE", "MIN_STEPS", "MIN_VARYING", "NEARLY_ALL",
           "SEA_WATER_FREEZING", "ZERO_BOUNDED_WORDS", "CellRanges", "ConstantCells", "cell_ranges", "constant_cells",
           "held_value_fix", "may_be_held_on_ice", "physical_bound", "planned_cell_ranges"]

#: The fewest time steps checked: over two steps a slowly changing field, packed to a coarse
#: step, may repeat itself; over three evenly spaced steps of the record no real field does.
MIN_STEPS = 3

#: The share of the cells holding one value at every step that must hold the same one: nearly
#: all (as a mask's land cells, :data:`climann.data.land_masks.NEARLY_ALL`); a few coastal cells
#: of a regridded field may hold a blend.
NEARLY_ALL = 0.9

#: The cells holding the value must make at least this share of the target's cells: a cell or
#: two at one value among thousands may be chance; land is rarely so little of a grid.
MIN_SHARE = 0.01

#: At least this share of the target's cells must change in time: a field that holds one value
#: nearly everywhere (a dry season's rain, an ice cover) stores no land beside it.
MIN_VARYING = 0.1

#: Words of a ``standard_name``, ``long_name`` or name that make 0 a value real data hold at
#: every step (see the module's description); read with blanks and dashes as ``_``. No bare
#: "thickness" or "depth": those of snow, ice or rain are bounded by the substance's word, an
#: ocean's mixed layer is not bounded at all.
ZERO_BOUNDED_WORDS = re.compile(
    r"speed|(?<![a-z])area|snow|(?<![a-z])ice(?![a-z])|sea_ice|(?<![a-z])rain|hail|graupel|"
    r"burn|fire|(?<![a-z])count|number_of|"
    r"downwelling|incoming|insolation|solar|shortwave|discharge|streamflow|frequency|occurrence|cover(?![a-z])",
    re.IGNORECASE)

#: The freezing point of sea water in °C, as products write it under sea ice: -1.8 (HadISST,
#: OISST), -1.92 at a salinity of 35 at the surface (TEOS-10), down to -2; up to ERA5's 271.46 K,
#: -1.69 °C: IFS sets the sea under its ice to ``RTFREEZSICE = RTT - 1.7`` with ``RTT = 273.16`` K
#: (ecLand's ``sussoil_mod.F90``, github.com/ecmwf-ifs/ecland; break38c C1).
SEA_WATER_FREEZING = (-2.0, -1.69)

#: How far outside :data:`SEA_WATER_FREEZING` a value still is at its edges, in K (= °C): a float32
#: temperature in K is stored to 2**-15 K (3.1e-5 K) near 271 K, so 271.45 K as float32 reads
#: -1.69999 °C and 271.15 K -2.000006 °C (break38c C1: both were taken for stored land). 1e-3 K is
#: 30 such spacings, and far below any freezing point a product writes differently.
FREEZING_TOLERANCE = 1e-3

#: The freezing point of fresh water in °C (at the surface's pressure): a lake's surface
#: temperature under its ice (ESA CCI Lakes' LSWT, ERA5's ``lmlt``), written 273.15 K.
FRESH_WATER_FREEZING = 0.0

#: The melting point of ice in °C as products write it, each edge widened by
#: :data:`FREEZING_TOLERANCE`: 0 (273.15 K) and IFS's 273.16 K, 0.01 °C (``RTT``, the triple point
#: of water, at which IFS holds melting snow and ice: ``RTMELTSICE = RTT``, ecLand's
#: ``sussoil_mod.F90``; break38c C2: ERA5's ``skt`` on glaciers in JJA).
ICE_MELTING = (FRESH_WATER_FREEZING, 0.01)

#: Words of a ``standard_name``, ``long_name`` or name (blanks read as ``_``) that make a
#: temperature one of a surface, snow or ice, which melting holds at :data:`ICE_MELTING`: ERA5's
#: "Skin temperature" (``skt``), "Temperature of snow layer" (``tsn``), "Ice temperature layer 1"
#: (``istl1``), CF's ``surface_temperature`` (``ts``) and ``sea_ice_surface_temperature``, a land
#: surface temperature. Not of the sea (:data:`SEA_WORDS`).
MELTING_SURFACE_WORDS = re.compile(
    r"skin|surface_temperature|(?<![a-z])snow|(?<![a-z])ice(?![a-z])|glacier|firn", re.IGNORECASE)

#: Words that make a temperature one of the sea (its ``sea_surface_temperature``,
#: ``sea_surface_skin_temperature``, ``sea_water_temperature``, an ocean's), which
#: :data:`SEA_WATER_FREEZING` bounds and 0 °C does not.
SEA_WORDS = re.compile(r"sea_surface|sea_water|ocean|(?<![a-z])sst(?![a-z])", re.IGNORECASE)

#: The snow IFS keeps on its glaciers, in m of water equivalent: "the glaciers are represented in
#: HTESSEL as a large amount of snow which is kept fixed to 10 m of snow water equivalent"
#: (ECMWF forum, "Runoff component of glaciers melts in ERA5"; IFS Documentation Cy4x Part IV,
#: the snow scheme); ERA5's ``sd`` holds 10 on them at every step (break38c C2).
GLACIER_SNOW = 10.0

#: Words of a ``standard_name``, ``long_name`` or name (blanks read as ``_``) of a quantity a model
#: may hold at one value on glaciers, ice sheets or sea ice, beside the bounds it is known to hold
#: there (:data:`GLACIER_SNOW`, :data:`ICE_MELTING`): an albedo (IFS's permanent-snow albedo,
#: ``RALFMINPSN``), a snow or ice quantity (IFS's sea ice 1.5 m thick, ``RDARSICE``). The values
#: alone cannot tell them from stored land (:func:`may_be_held_on_ice`).
ICE_HELD_WORDS = re.compile(r"albedo|(?<![a-z])snow|(?<![a-z])ice(?![a-z])|sea_ice|glacier|firn|land_ice",
                            re.IGNORECASE)

#: Words of a ``standard_name`` or ``long_name`` (blanks read as ``_``) that make a temperature
#: one of fresh water: CF's ``lake_surface_temperature``, "lake surface skin temperature",
#: "freshwater", "river water temperature".
FRESH_WATER_WORDS = re.compile(r"(?<![a-z])lakes?(?![a-z])|fresh_?water|(?<![a-z])rivers?(?![a-z])",
                               re.IGNORECASE)


@dataclass(frozen=True)
class ConstantCells:
    """The cells of a target that hold one value at every step checked, taken for land or no data.

    Attributes
    ----------
    value : float
        The value they hold.
    n_held : int
        The cells that hold it at every step checked.
    n_cells : int
        The target's cells (present at one step checked at least).
    n_varying : int
        The cells whose values change in time.
    n_steps : int
        The steps checked.
    time : str
        The target's time dimension.
    file_time : str
        Its name in the target's files (:func:`~climann.data.time_names.file_time_dimension`:
        NEMO's ``time_counter`` where climann reads ``time_centered``), over which the advised
        line reduces; '' when the same.
    """

    value: float
    n_held: int
    n_cells: int
    n_varying: int
    n_steps: int
    time: str
    file_time: str = ""


@dataclass(frozen=True)
class CellRanges:
    """A variable's lowest and highest value in each cell over the steps checked
    (:func:`~climann.data.fill_like.checked_steps`), and where it is present: what
    :func:`constant_cells` and :func:`climann.data.land_masks.land_stored_as_value` look at.

    Attributes
    ----------
    lowest, highest : xarray.DataArray
        Shape (every dimension of the variable but time), in the variable's dtype; missing
        values skipped, NaN in a cell missing at every step checked.
    present : xarray.DataArray
        Bool, same shape: present at every step checked.
    anywhere : xarray.DataArray
        Bool, same shape: present at one step checked at least.
    n_steps : int
        The steps checked (1 for a static field).
    time : str or None
        The variable's time dimension; None for a static field.
    """

    lowest: xr.DataArray
    highest: xr.DataArray
    present: xr.DataArray
    anywhere: xr.DataArray
    n_steps: int
    time: str | None


def planned_cell_ranges(dataset: xr.Dataset, name: str, *, shared: bool = False) -> BlockReads:
    """The reads of :func:`cell_ranges`, to be computed with the run's other checks of every value
    (:func:`~climann.data.fill_like.read_together`, :mod:`climann.data.value_checks`): each block of
    the variable's data that holds a step checked is read as those checks read it
    (:func:`~climann.data.fill_like.blocks_by_place`, the same keys, so that dask reads it once
    for all) and reduced to its cells' ranges over the steps checked it holds; the blocks are then
    joined (a minimum of minima is the minimum).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened and subset (lazy).
    name : str
        The variable; one absent or not of numbers (dtype kind ``i``, ``u``, ``f``) has no reads and
        the answer None.
    shared : bool
        Whether its blocks keep the file's keys (:func:`~climann.data.fill_like.blocks_by_step`), as
        the other checks read it.

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: a :class:`CellRanges`, or None.
    """
    if name not in dataset.data_vars or dataset[name].dtype.kind not in "iuf":
        return BlockReads([], lambda parts: None)
    variable = dataset[name]
    time = time_dimension(variable)
    axis = None if time is None else variable.dims.index(time)
    steps = checked_step_numbers(variable)
    blocks = checked_blocks(variable, shared=shared)  # those that hold no step checked are not read
    # each place's blocks joined as they are read (one task and one result per place): held until
    # all were read, the 24 checked blocks' four per-cell arrays of daily 0.25° files were 324 MB
    tasks, places = folded_by_place([(_block_ranges, (block, axis, held), {}) for block, _, held in blocks],
                                    [place for _, place, _ in blocks], _joined_ranges)
    dims = [dim for dim in variable.dims if dim != time]
    shape = tuple(variable.sizes[dim] for dim in dims)

    def finish(parts: Sequence[tuple[np.ndarray, ...]]) -> CellRanges:
        lowest, highest = np.zeros(shape, variable.dtype), np.zeros(shape, variable.dtype)
        present, anywhere, seen = np.ones(shape, bool), np.zeros(shape, bool), np.zeros(shape, bool)
        for place, (low, high, every, some) in zip(places, parts, strict=True):
            region = tuple(slice(start, start + size) for start, size in zip(place, low.shape, strict=True))
            first = ~seen[region]  # the first block of these cells: its ranges as they are
            lowest[region] = np.where(first, low, np.fmin(lowest[region], low))
            highest[region] = np.where(first, high, np.fmax(highest[region], high))
            present[region] &= every
            anywhere[region] |= some
            seen[region] = True
        return CellRanges(*(xr.DataArray(array, dims=dims) for array in (lowest, highest, present & seen, anywhere)),
                          n_steps=int(steps.size), time=time)

    return BlockReads(tasks, finish)


def _block_ranges(block: np.ndarray, time_axis: int | None, held: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """Of one block, at its steps ``held`` (indices in the block) along ``time_axis`` (None: a
    static field, its values as they are): the lowest and highest value of each cell, missing
    values skipped (NaN where all are missing: NumPy's ``fmin``/``fmax``), and whether it is
    present at every one and at one of them."""
    values = np.asarray(block)
    values = values[np.newaxis] if time_axis is None else np.moveaxis(np.take(values, held, time_axis), time_axis, 0)
    present = ~np.isnan(values) if values.dtype.kind == "f" else np.ones(values.shape, bool)
    return (np.fmin.reduce(values, axis=0), np.fmax.reduce(values, axis=0), present.all(axis=0),
            present.any(axis=0))


def _joined_ranges(first: tuple[np.ndarray, ...], second: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """The ranges of one place's cells (:func:`_block_ranges`) over the steps of two of its blocks:
    the lower of the lowest (a missing one skipped, ``fmin``), the higher of the highest, present
    at every step of both, at one step of either."""
    return (np.fmin(first[0], second[0]), np.fmax(first[1], second[1]), first[2] & second[2],
            first[3] | second[3])


def cell_ranges(dataset: xr.Dataset, name: str) -> CellRanges | None:
    """:func:`planned_cell_ranges` read alone (one computation); None for a variable absent or
    not of numbers."""
    return read_together(planned_cell_ranges(dataset, name))[0]()


def constant_cells(dataset: xr.Dataset, target: str, *,
                   cells: CellRanges | Callable[[], CellRanges] | None = None) -> ConstantCells | None:
    """The cells where the target holds one value at every step checked, when they are most
    likely land or no data stored as a value (see the module's rule), else None.

    The target is read on at most :data:`~climann.data.fill_like.FILL_LIKE_CHECKED_STEPS`
    evenly spaced steps, reduced to its minimum, maximum and presence per cell (every
    dimension but time): :func:`cell_ranges`, given as ``cells`` when the run's one read of
    the target made them (:mod:`climann.data.value_checks`).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened and subset (lazy).
    target : str
    cells : CellRanges or callable or None
        The target's :func:`cell_ranges`, read with the other checks, or the function that gives
        them; None: read here (either way only when the target has :data:`MIN_STEPS` steps or more).

    Returns
    -------
    ConstantCells or None
        None also for a target without a time dimension, of fewer than :data:`MIN_STEPS` steps,
        or whose value is a physical bound of its quantity (:func:`physical_bound`).
    """
    if target not in dataset.data_vars or dataset[target].dtype.kind not in "iuf":
        return None
    time = time_dimension(dataset[target])
    n_steps = int(checked_step_numbers(dataset[target]).size)
    if time is None or n_steps < MIN_STEPS or "flag_values" in dataset[target].attrs:
        return None
    cells = cell_ranges(dataset, target) if cells is None else cells() if callable(cells) else cells
    lowest, highest, present, anywhere = (np.asarray(array) for array in (
        cells.lowest, cells.highest, cells.present, cells.anywhere))
    constant = present & (lowest == highest)
    n_cells, n_constant = int(anywhere.sum()), int(constant.sum())
    n_varying = int((anywhere & ~constant).sum())
    if not n_constant or n_varying < MIN_VARYING * n_cells:
        return None
    values, counts = np.unique(lowest[constant], return_counts=True)
    value, n_held = values[np.argmax(counts)], int(counts.max())
    if n_held < NEARLY_ALL * n_constant or n_held < MIN_SHARE * n_cells:
        return None  # cells of their own values (classes, a static field), or a few by chance
    if physical_bound(target, dataset[target], float(value)) is not None:
        return None
    if any(value in item.decoded for item in fill_like_values(dataset[target])):
        return None  # 1e20, -9999, a default fill: named by the fill-like values' own warning (value_checks)
    return ConstantCells(float(value), n_held, n_cells, n_varying, n_steps, time,
                         file_time=file_time_dimension(dataset, time))


def physical_bound(name: str, variable: xr.DataArray, value: float) -> str | None:
    """What makes ``value`` one that real data of this quantity hold at every step (see the
    module's description), for messages and tests; None when nothing does.

    Parameters
    ----------
    name : str
        The variable's name (``pr``, ``snd``).
    variable : xarray.DataArray
        Its attributes (``units``, ``standard_name``, ``long_name``) are read.
    value : float
        The value held, in the variable's units.

    Returns
    -------
    str or None

    Examples
    --------
    >>> import xarray as xr
    >>> physical_bound("pr", xr.DataArray([0.0], dims="x", attrs={"units": "mm/day"}), 0.0)
    "0, and its name 'pr' says it cannot be negative"
    >>> physical_bound("sosstsst", xr.DataArray([0.0], dims="x", attrs={"units": "degC"}), 0.0) is None
    True
    """
    share = upper_bound(name, variable)
    if share is not None and value in (0.0, share[0]):
        return f"{value:g}, a bound of a share ({share[1]})"
    freezing = _in_celsius(name, variable, value)
    if freezing is not None:
        if _within(freezing, SEA_WATER_FREEZING):
            return f"{value:g}, the freezing point of sea water"
        if not _within(freezing, ICE_MELTING):
            return None
        if (fresh := _fresh_water(variable)) is not None:
            return f"{value:g}, the freezing point of fresh water (its {fresh})"
        if (surface := _melting_surface(name, variable)) is not None:
            return f"{value:g}, the melting point of ice (a temperature of a surface, snow or ice: '{surface}')"
        return None
    if _is_glacier_snow(name, variable, value):
        return f"{value:g}, the {GLACIER_SNOW:g} m of water equivalent of snow IFS keeps on its glaciers"
    if value != 0.0:
        return None
    # a thickness is bounded by 0 as a thickness of a substance that may be absent (its words, below)
    if (said := cannot_be_negative(name, variable)) is not None and not is_thickness(name, variable):
        return f"0, and {said} says it cannot be negative"
    if (found := ZERO_BOUNDED_WORDS.search(_words(name, variable))) is not None:
        return f"0, a lower bound of a quantity of '{found.group(0)}'"
    return "0, the least of an area" if _is_area(name, variable) else None


def _within(celsius: float, edges: tuple[float, float]) -> bool:
    """Whether a temperature in °C lies between ``edges``, each widened by :data:`FREEZING_TOLERANCE`."""
    return edges[0] - FREEZING_TOLERANCE <= celsius <= edges[1] + FREEZING_TOLERANCE


def _words(name: str, variable: xr.DataArray) -> str:
    """The ``standard_name``, ``long_name`` and name, blanks and dashes read as ``_``."""
    words = " ".join(str(variable.attrs.get(key, "")) for key in ("standard_name", "long_name"))
    return re.sub(r"[\s-]+", "_", f"{words} {name}")


def _melting_surface(name: str, variable: xr.DataArray) -> str | None:
    """The word that makes a temperature one of a surface, snow or ice not of the sea
    (:data:`MELTING_SURFACE_WORDS`, :data:`SEA_WORDS`), for the message; None when none does."""
    words = _words(name, variable)
    if SEA_WORDS.search(words):
        return None
    found = MELTING_SURFACE_WORDS.search(words)
    return None if found is None else found.group(0)


def _is_glacier_snow(name: str, variable: xr.DataArray, value: float) -> bool:
    """Whether ``value`` is :data:`GLACIER_SNOW` of a snow amount: a water-equivalent depth (ERA5's
    ``m of water equivalent``, :func:`~climann.data.units.is_water_quantity`) or a mass per area
    (``kg m-2``, read with the density of liquid water), within float32's precision."""
    units = str(variable.attrs.get("units", "")).strip()
    if not units or not re.search(r"(?<![a-z])snow", _words(name, variable), re.IGNORECASE):
        return False
    try:
        quantity = parse_units(units, variable=name) * value
        registry = unit_registry()
        if quantity.dimensionality == registry.Quantity(1.0, "m").dimensionality:
            if not is_water_quantity(name, variable.attrs):
                return False  # a snow depth in m of snow, not of water
            depth = quantity.to("m").magnitude
        else:
            depth = (quantity / registry.Quantity(WATER_DENSITY, "kg m-3")).to("m").magnitude
    except Exception:  # noqa: BLE001 - units that are no depth nor mass per area: no snow amount
        return False
    return bool(np.isclose(depth, GLACIER_SNOW, rtol=1e-6, atol=0.0))


def may_be_held_on_ice(name: str, variable: xr.DataArray) -> str | None:
    """The word that makes the variable a quantity a model may hold at one value on glaciers, ice
    sheets or sea ice (:data:`ICE_HELD_WORDS`: an albedo, a snow or ice quantity), so that cells
    holding one value may be ice rather than land or no data; None when none does.

    Parameters
    ----------
    name : str
    variable : xarray.DataArray
        Its ``standard_name`` and ``long_name`` are read.

    Returns
    -------
    str or None

    Examples
    --------
    >>> import xarray as xr
    >>> may_be_held_on_ice("fal", xr.DataArray([0.85], dims="x", attrs={"long_name": "Forecast albedo"}))
    'albedo'
    >>> may_be_held_on_ice("sosstsst", xr.DataArray([0.0], dims="x", attrs={"units": "degC"})) is None
    True
    """
    found = ICE_HELD_WORDS.search(_words(name, variable))
    return None if found is None else found.group(0)


def _fresh_water(variable: xr.DataArray) -> str | None:
    """The attribute (``standard_name 'lake_surface_temperature'``) that says ``variable`` is
    of fresh water (:data:`FRESH_WATER_WORDS`), for the message; None when none does."""
    for key in ("standard_name", "long_name"):
        text = " ".join(str(variable.attrs.get(key, "")).split())
        if FRESH_WATER_WORDS.search(re.sub(r"[\s-]+", "_", text)):
            return f"{key} '{text}'"
    return None


def _in_celsius(name: str, variable: xr.DataArray, value: float) -> float | None:
    """``value`` in °C when the variable is a temperature on a scale
    (:func:`~climann.data.absolute_zero.absolute_zero`), else None."""
    if absolute_zero(name, variable) is None:
        return None
    quantity = parse_units(str(variable.attrs["units"]), variable=name)
    return float(unit_registry().Quantity(value * quantity.magnitude, quantity.units).to("degC").magnitude)


def _is_area(name: str, variable: xr.DataArray) -> bool:
    """Whether the variable's units are those of an area (a burned area in ha, m², km²)."""
    units = str(variable.attrs.get("units", "")).strip()
    if not units:
        return False
    try:
        quantity = parse_units(units, variable=name)
    except Exception:  # noqa: BLE001 - units that cannot be read are refused where they are converted
        return False
    return quantity.dimensionality == unit_registry().Quantity(1.0, "m^2").dimensionality


def held_value_fix(dataset: xr.Dataset, target: str, found: ConstantCells, *, file: str | Path | None) -> str:
    """The command that sets the target missing on the cells that hold ``found.value`` at every
    step: a ``python -c`` with xarray that writes a copy beside the target's file (``IN.nc
    OUT.nc`` for the files of a series), for a Zarr store a copy of the store
    (:func:`~climann.data.shell.copy_command`). Every step is compared, not only those checked:
    a cell that leaves the value once is kept. The value is written as the double the target
    reads it as (``0.0``; a float32 ``-1.8`` as ``-1.7999999523162842``), equal in either precision.

    Parameters
    ----------
    dataset : xarray.Dataset
    target : str
    found : ConstantCells
    file : str or Path or None
        The file to name when the target does not record its one file; None for several files.

    Returns
    -------
    str
        For a target read from several NetCDF files (a folder of monthly files), a copy of each
        in a new folder with the line that takes them (:func:`_held_value_fix_of_files`).
    """
    files = source_files(dataset[target])
    if len(files) > 1 and not any(is_zarr_store(each) for each in files):
        return _held_value_fix_of_files(target, found, files)
    own = variable_file(dataset[target]) or file
    source, copy = ("IN.nc", "OUT.nc") if own is None else (working_path(own), working_path(copy_path(own)))
    time = found.file_time or found.time  # the dimension as the file has it, where the line runs
    held = f'(d["{target}"] == {found.value!r}).all("{time}")'
    script = (f'import sys, xarray as xr; d = xr.open_dataset("{source}"); '
              f'd["{target}"] = d["{target}"].where(~{held}); ' + whole_write(target=f'"{copy}"'))
    statement = f"d[{target!r}] = d[{target!r}].where(~(d[{target!r}] == {found.value!r}).all({time!r}))"
    return copy_command(f"{python_command(script)}", [statement],
                        "IN.nc OUT.nc" if own is None else input_and_copy(own))


#: The folder :func:`_held_value_fix_of_files` writes the copies into.
_HELD_COPIES_FOLDER = "held_cells_missing"


def _held_value_fix_of_files(target: str, found: ConstantCells, files: Sequence[str]) -> str:
    """:func:`held_value_fix` for a target read from several files: one ``python -c`` that writes a
    copy of each into a new folder beside it (:func:`~climann.data.shell.copies_folder`; a copy
    of the first file alone left the others as they were), each copy's cells set missing where
    the value is held at every step of every file: a cell held through one file (a dry month) but
    not through the series is kept. Each file's target is read once (loaded, then compared and
    written from memory); a loop of one command per file read every file again for each (24
    files: 24 x 25 = 600 reads of a file, fix39c). The files are their folder's ``*.nc`` when that is all of them,
    else listed."""
    time = found.file_time or found.time  # the dimension as the files have it, where the line runs
    parents = {Path(file).parent for file in files}
    folders = {parent: copies_folder(parent, _HELD_COPIES_FOLDER) for parent in sorted(parents)}
    parent = next(iter(parents))
    every = sorted(str(path) for path in parent.glob("*.nc"))
    if len(parents) == 1 and every == sorted(str(Path(file)) for file in files):
        opened = (f"P = sorted(glob.glob({working_path(parent) + '/*.nc'!r})); "
                  f"O = [os.path.join({working_path(folders[parent])!r}, os.path.basename(p)) for p in P]")
    else:
        opened = (f"P = {[working_path(file) for file in files]!r}; "
                  f"O = {[working_path(folders[Path(file).parent] / copy_name(file)) for file in files]!r}")
    # followed twice, or a copy's name taken since printed: no copy written over a file there (break51a A3's kind)
    kept = ("[sys.exit(o + ' is there already: left as it is, nothing written; move it away or write another name') "
            "for o in O if os.path.lexists(o)]")
    script = (f"import glob, os, sys, xarray as xr; {opened}; {kept}; "
              "D = [xr.open_dataset(p, decode_times=False) for p in P]; "
              f"D = [d.assign({{{target!r}: d[{target!r}].load()}}) for d in D]; "
              f"m = (xr.concat([d[{target!r}] for d in D], {time!r}) == {found.value!r}).all({time!r}); "
              f"[(d.assign({{{target!r}: d[{target!r}].where(~m)}}).to_netcdf(o + '.part'), "
              f"os.replace(o + '.part', o)) for d, o in zip(D, O)]")
    made = " ".join(shown_path(folder) for folder in folders.values())
    data = " --data ".join(copies_data(folder, [file for file in files if Path(file).parent == source])
                           for source, folder in folders.items())
    return (f"mkdir -p {made} && {python_command(script)} (a copy of each of its {len(files)} files in a new "
            f"folder, each file read once), then give --data {data} in place of the originals")
