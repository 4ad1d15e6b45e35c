"""Inputs chosen from the data when a run does not name them: the user's own file trains as it is.

When ``[data] predictors`` is not given, the predictors are every other data variable on the
target's horizontal grid, time-varying or static, in the file's order (a Zarr store's in the
order of their names: a store has no definition order, see
:func:`~climann.data.handles.open_zarr`). Left out are:

- metadata: bounds, grid-mapping, auxiliary-coordinate and cell-measure variables
  (:func:`~climann.data.variables.data_variable_names`), and non-numeric variables;
- variables not on the grid (a global-mean series, a station list);
- variables with an extra dimension of several values (``plev``): one value must be chosen
  with ``select`` before they can be features;
- variables missing on more than :data:`MAX_MISSING_FRACTION` (5 %) of the samples where the
  target is present (a land-only soil moisture for a global temperature; HadISST's ``sst``, whose
  ice flag is missing exactly where the sea-ice concentration is 0.15 or more): their samples
  would be dropped, and the target scored only where they are present, a range of its values
  perhaps never seen (break33b B2);
- CF flag variables of more than two values (a land-cover class with ``flag_values`` and
  ``flag_meanings``, CF-1.11 §3.5): their codes are classes, not amounts
  (:mod:`climann.data.flags`). Named in ``[data] predictors`` they are used, with a warning. A
  flag variable the target's ``ancillary_variables`` name is its quality flag, left out as
  ancillary data (below), never offered as classes (:mod:`climann.data.quality_levels`);
- identifiers: numbers that name lakes, stations, basins or regions (ESA CCI Lakes' ``lakeid``,
  "Lake identifier"; a ``cf_role``; :mod:`climann.data.identifiers`): lake 1049 is not "more"
  than lake 6. Named in ``[data] predictors`` they are used, with a warning;
- directions (CF ``wind_from_direction``, ERA5's ``mwd`` in degrees, :mod:`climann.data.circular`):
  angles on a circle, which the network would read as numbers on a line (359° and 1° 358°
  apart). Named in ``[data] predictors`` they are used, with a warning that gives the line
  writing their sine and cosine; so is the other half of a target's sine and cosine (``wdir_cos``
  of ``wdir_sin``), which gives the target but its sign;
- the target's own anomaly (OISST's ``anom`` beside ``sst``), or the variable whose anomaly
  the target is (:mod:`climann.data.own_anomalies`): the target's own signal would leak into
  the inputs. Named in ``[data] predictors`` they are used, with a warning;
- totals accumulated since a start, by their words or CF cell methods (WRF's ``RAINNC``,
  "ACCUMULATED TOTAL GRID SCALE PRECIPITATION": :mod:`climann.data.running_totals`): the
  network would learn how long the simulation has run. Named in ``[data] predictors`` they are
  refused, with the line that writes each step's amount;
- WRF's amounts over ``prec_acc_dt`` windows other than the time step (``PREC_ACC_NC`` in 3-hourly
  output with ``prec_acc_dt = 60``: the last hour of each step only; :mod:`climann.data.window_totals`).
  Named in ``[data] predictors`` they are refused;
- data about how well the target's values are known (CF §3.4 ancillary data: CRU TS's
  station count ``stn``, OISST's error estimate ``err``, the NSIDC sea-ice CDR's
  ``stdev_of_cdr_seaice_conc``; MODIS's quality layers and the day of each composite's
  observation, ``_250m_16_days_composite_day_of_the_year``; :mod:`climann.data.ancillary`);
- ensemble spreads (E-OBS's ``tg`` of its ``_ens_spread_`` file renamed ``tg_spread``, long_name
  "mean temperature spread"; 20CRv3's "Ensemble Spread"; :mod:`climann.data.ensemble_spreads`):
  error estimates of the field as ancillary data are, not drivers of it (:func:`spread_note`);
- the target plus a field constant in time, found by the values on the training block (DUACS's
  ``adt`` = ``sla`` + the mean dynamic topography; :mod:`climann.data.target_copies`): it would
  rebuild the target. Named in ``[data] predictors`` it is refused unless ``[data]
  keep_target_copies`` names it. A predictor that is only an exact linear function of the target
  at each cell is kept, said in an INFO line;
- other estimates of the target's own quantity at the same time steps (the same CF
  ``standard_name``, ``cell_methods`` and scalar coordinates: the NASA Team and Bootstrap
  concentrations beside the NSIDC sea-ice CDR), or other statistics of it (ICOADS's
  ``sst_median`` and ``sst_sd`` beside ``sst``; :mod:`climann.data.same_quantity`);
- cell areas: static variables with CF ``standard_name = "cell_area"``, or with units of area
  and a name or long name that says cell areas (:data:`CELL_AREA_NAMES`: POP's ``TAREA`` in
  cm², CMIP's ``areacello``; :data:`CELL_AREA_LONG_NAMES`: "area of T cells"): where the cells
  are, not what happens in them. A static field in units of area otherwise named (an
  irrigated area per cell in ha, "area of lake cells") is data, and a predictor.
  An area that the target's ``cell_measures`` does not name does not weigh the scores either:
  the note says so and gives the ``ncatted`` that names it;
- grid metrics of NEMO's ``mesh_mask.nc`` (or ``domain_cfg.nc``) given beside the output:
  scale factors ``e1t``, ``e2u``, ``e3t_0`` …, the grid's own longitudes and latitudes
  ``glamt``, ``gphit`` …, depths ``gdept_0`` …, masks ``tmask``, ``umaskutil`` …, level
  indices ``mbathy``, ``mbkt`` …, by name (:data:`NEMO_GRID_METRICS`): like the areas, they say
  where the cells are, not what happens in them (``gphit`` repeats the ``lat`` feature);
- variables with one value wherever the target is present (found on the steps checked for
  missing values, then confirmed on every step: a sparse rain zero on those steps is no constant):
  POP's ``KMT`` on the ocean cells, a land fraction of 0 under an ocean
  target. Training refuses a feature that does not vary, so none is proposed;
- a land-sea mask whose land cells are where the target holds one value at every step
  checked (ROMS's ``mask_rho`` "land water" beside a ``temp`` with land stored as 0:
  :mod:`climann.data.land_masks`): it tells the network where the stored land is, which
  nothing else predicts, and is one value wherever the target is present once those cells
  are missing.

When ``[data] features`` is not given, the derived features are ``lat`` (when the grid has
more than one latitude) plus ``season`` when the time axis is finer than a year (some
calendar year has more than one step: monthly, daily…, but not yearly means, nor the
Januaries of a monthly file), plus ``hour`` (the UTC time of day) when it is finer than a
day (some calendar day has more than one step: hourly, 3-hourly, 6-hourly…), where the
climatology baseline holds a diurnal cycle per hour that the inputs would otherwise lack
(break40b B7).

Example
-------
>>> chosen = default_inputs(dataset, "tas")  # doctest: +SKIP
>>> chosen.predictors, chosen.features  # doctest: +SKIP
(('rsdt', 'orog', 'sftlf', 'clt'), ('lat', 'season'))
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
import dataclasses
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import re
import shlex
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.area_shapes import foreign_areas_text
from climann.data.circular import direction_note, direction_reading, sine_cosine_partner
from climann.data.ancillary import ancillary_note, ancillary_relations
from climann.data.ensemble_spreads import ensemble_spread_reason
from climann.data.rank_transforms import planned_monotone_relations, rank_note, rank_relations
from climann.data.running_totals import running_total_reasons
from climann.data.window_totals import window_mismatch
from climann.data.coordinate_values import position_kind
from climann.data.coords import find_coordinate, two_dimensional_coordinates
from climann.data.infinite_values import missing_values
from climann.data.dropped_targets import MAX_DROPPED_SHARE
from climann.data.flags import flag_classes, indicator_advice
from climann.data.identifiers import identifier_advice, identifier_reading
from climann.data.grids import cell_measure_name, station_coordinate
from climann.data.land_masks import StoredLand, land_stored_as_value
from climann.data.layout import SPLIT_BLOCK_COORDINATE
from climann.data.multiyear_steps import years_apart
from climann.data.notes import note_once
from climann.data.own_anomalies import anomaly_relations, leak_note
from climann.data.run_outputs import run_outputs
from climann.data.same_quantity import same_quantity_note, same_quantity_relations
from climann.data.vector_frames import component_partners, partner_note
from climann.data.paths import is_zarr_store
from climann.data.shell import (python_command, attribute_command, copies_data, copies_of_files, copy_folder_of,
                                copy_name, input_and_copy,
                                ncatted_attribute, none_there, one_copy_advice, shown_path, source_and_copy,
                                users_file_copied, whole_write, working_path)
from climann.data.sources import files_text, name_in_file, source_files
from climann.data.splits import DEFAULT_SPLIT_FRACTIONS, split_time_blocks
from climann.data.features import sub_daily
from climann.data.fill_like import BlockReads
from climann.data.target_copies import TargetCopy, copy_note, planned_target_copies
from climann.data.text_times import digit_dates
from climann.data.units import normalised_units, unit_registry
from climann.data.variables import data_variable_names, require_variable
from climann.errors import ClimannError

if TYPE_CHECKING:
    import dask.array as da

_log = logging.getLogger(__name__)

#: A variable missing on more than this fraction of the samples where the target is present
#: is not a default predictor (:data:`~climann.data.dropped_targets.MAX_DROPPED_SHARE`: named,
#: training warns when they drop more than that share of the target's values).
MAX_MISSING_FRACTION = MAX_DROPPED_SHARE

#: NEMO's grid metrics, as ``dom_wri`` writes them into ``mesh_mask.nc`` and the DOMAINcfg tool
#: into ``domain_cfg.nc`` (NEMO ocean engine reference manual, Madec et al., chapter "Space and
#: time domain": scale factors ``e1``/``e2``/``e3`` at the T, U, V, W and F points, geographic
#: positions ``glam``/``gphi``, depths ``gdep``, masks ``tmask`` … and ``tmaskutil`` …, the
#: bottom and top level indices ``mbathy``, ``mbkt``, ``mikt``, ``misf``, the Coriolis parameter
#: ``ff_t``/``ff_f``), static fields named so are no default predictors.
NEMO_GRID_METRICS = re.compile(
    r"e[123][tuvwf]w?(_0|_1d|_ps)?|e1e2[tuvf]|glam[tuvf]|gphi[tuvf]|gdep[tuvw](_0|_1d)?|ht_0|"
    r"[tuvf]mask(util)?|mbathy|mbk[tuv]|mik[tuvf]|misf|ff(_[tf])?|bathy_metry|bottom_level|top_level"
)

#: Names (any case) of the cell-area variables of models and data sets that write no CF
#: ``standard_name = "cell_area"``: CMIP's ``areacella``/``areacello``/``areacellr``, CESM POP's
#: and CICE's ``TAREA``/``UAREA``, MOM's ``area_t``/``area_u``, ICON's and CDO ``gridarea``'s
#: ``cell_area``, ``gridarea``. A static variable so named is the cells' areas only when its
#: units are of area (:func:`is_cell_area`). CLM's ``area`` is not among them: a bare ``area``
#: is the cells' only with a long name that says so or none (:data:`BARE_AREA_LONG_NAMES`).
CELL_AREA_NAMES = re.compile(r"areacell[a-z]?|[tu]area|area_[tuvc]|cell_?area|grid_?area")

#: Long names that say the cells' areas: POP's "area of T cells" and "area of U cells" (CICE's
#: "area of T grid cells"), CLM's "grid cell areas", CF's "cell area", ORCHIDEE's "Mesh areas"
#: (its ``Areas``, break42a A4), "grid box area" (and "gridbox area"). One letter before
#: "cells", the grid's point: "area of lake cells" is of the lakes (verify24 F4).
CELL_AREA_LONG_NAMES = re.compile(r"(grid[ _-]?)?cell[ _-]?areas?|area of (the )?([a-z] )?(grid[ _-]?)?cells?"
                                  r"|(mesh|grid[ _-]?box)[ _-]?areas?")

#: The long names with which a static variable named ``area`` (any case; CLM's history files,
#: long name "grid cell areas", and surface data ``AREA``, long name "area") is the cells'
#: areas, besides :data:`CELL_AREA_LONG_NAMES`: "area" or none. An ``area`` whose long name
#: says another area ("burned area") is data.
BARE_AREA_LONG_NAMES = ("", "area")

#: The missing fractions are counted on at most this many time steps, evenly spaced over the
#: axis (first and last included): a look at the data, not a second pass over all of it.
CHECKED_TIME_STEPS = 24

#: A target of at most this many values (cells × steps: a station's series, 52 608 half hours of
#: three years) has the missing fractions counted on every step: 24 of a station's 52 608 steps
#: saw 15 values and said 6.67 % of a predictor missing for 26.8 % (break45a A5).
EVERY_STEP_VALUES = 2_000_000

#: A variable one value wherever the target is present on those steps is read again at every
#: step, this many values of the target (cells × steps) at a time (:func:`_constant_at_every_step`).
CONSTANT_WINDOW_VALUES = 2_000_000

#: The default predictors are compared with the target (:mod:`climann.data.target_copies`) on at
#: most this many training steps, evenly spaced: an exact relation shows on any of them.
COPY_CHECKED_STEPS = 120


@dataclass(frozen=True)
class DefaultInputs:
    """The inputs of a run, with those not given chosen from the data.

    Attributes
    ----------
    predictors : tuple of str
    features : tuple of str
    mostly_missing : dict of str to float
        Variables left out of the default predictors because they are missing on more than
        :data:`MAX_MISSING_FRACTION` of the samples where the target is present → that fraction.
    checked_present : int
        The samples where the target is present on the time steps checked
        (:func:`checked_step_count`), of which ``mostly_missing`` gives fractions.
    checked_steps, n_steps : int
        The time steps counted on, of the ``n_steps`` of the data (equal when every step was).
    time_stamps : dict of str to str
        Dates written as digits (FLUXNET's ``TIMESTAMP_START``, :func:`~climann.data.text_times.digit_dates`),
        left out → their values and layout.
    several_values : dict of str to str
        Variables left out because of extra dimensions with several values → their names, in
        the variable's order, joined by ", " (``"frequency, direction"`` for a wave spectrum).
    off_grid : tuple of str
        Data variables not on the target's horizontal grid (never predictors by default).
    static : tuple of str
        Field mode: variables without a time axis, left out (a sample is a time step's map,
        so a static field is the same in every sample).
    flags : dict of str to str
        CF flag variables of more than two values, left out → their codes and meanings
        (:func:`~climann.data.flags.flag_classes`).
    flag_advice : str
        How to give the first of them as 0/1 indicators
        (:func:`~climann.data.flags.indicator_advice`).
    identifiers : dict of str to str
        Identifiers (lake, station, region numbers), left out → what says so
        (:func:`~climann.data.identifiers.identifier_reading`).
    outputs : dict of str to str
        climann's outputs in a predictions file, left out → the target they were computed
        from (:func:`~climann.data.run_outputs.run_outputs`).
    anomalies : dict of str to str
        The target's own anomaly, or the variable whose anomaly the target is, left out →
        why (:func:`~climann.data.own_anomalies.anomaly_relations`).
    ancillary : dict of str to str
        Data about the target's values (station counts, error estimates), left out → why
        (:func:`~climann.data.ancillary.ancillary_relations`).
    ranks : dict of str to str
        Ranks of the target's own values (a percentile, a rank, a monotone transform of them),
        left out → why (:func:`~climann.data.rank_transforms.rank_relations`,
        :func:`~climann.data.rank_transforms.monotone_relations`).
    same_quantity : dict of str to str
        Other estimates of the target's quantity at the same time steps, left out → why
        (:func:`~climann.data.same_quantity.same_quantity_relations`).
    target_copies : dict of str to TargetCopy
        Predictors that hold the target (:func:`~climann.data.target_copies.target_copies`): those
        that are the target plus a field constant in time, left out (:meth:`notes`); those only an
        exact linear function of it, kept (said at INFO level by the caller: a toy target made from
        its predictor is one).
    cell_areas : tuple of str
        Static cell areas (:func:`is_cell_area`), left out.
    area_advice : str
        What weighs the scores instead of them, and how to have the first weigh them
        (:func:`cell_area_advice`).
    grid_metrics : tuple of str
        Static NEMO grid metrics (:func:`is_grid_metric`), left out.
    metric_area_advice : str
        When they hold the T cells' areas (``e1e2t``, or ``e1t`` and ``e2t``) and the target
        names none, what weighs the scores and how to have those weigh them
        (:func:`nemo_area_advice`).
    constant : dict of str to float
        Variables with one value wherever the target is present, left out → that value.
    land_mask : StoredLand or None
        The land-sea mask whose land cells the target holds one value on, left out
        (:func:`~climann.data.land_masks.land_stored_as_value`).
    directions : dict of str to str
        Directions, left out → what says so (:func:`~climann.data.circular.direction_reading`).
    running_totals : dict of str to str
        Totals accumulated since a start (WRF's ``RAINNC``), left out → what says so
        (:func:`~climann.data.running_totals.running_total_reason`).
    window_totals : dict of str to str
        WRF's amounts over ``prec_acc_dt`` windows other than the time step, left out → what each
        value is instead (:func:`~climann.data.window_totals.window_mismatch`).
    positions : tuple of str
        Latitudes and longitudes left as data variables (MAR's ``LAT(y, x)`` in plain ``degrees``:
        :func:`~climann.data.coordinate_values.position_kind`), left out: where the cells are (the
        ``lat`` feature gives the latitude), not what happens in them.
    moving_positions : tuple of str
        Those of ``positions`` that change from step to step (:func:`changes_in_time`:
        ``storm_lat(time, lat, lon)``, a storm's or a front's track written on the grid): no cell's
        position, left out too, with a note of their own saying so (a position is no magnitude a
        default should guess at; named in predictors, they are used).
    direction_notes : tuple of str
        The notes on them and on the other half of the target's sine and cosine
        (:func:`~climann.data.circular.direction_note`).
    vector_partners : tuple of str
        The other component of the vector whose component the target is (OSI SAF drift's ``dY``
        beside ``dX``: :func:`~climann.data.vector_frames.component_partners`), left out: one
        measurement, not known without the target.
    """

    predictors: tuple[str, ...]
    features: tuple[str, ...]
    mostly_missing: dict[str, float] = field(default_factory=dict)
    checked_present: int = 0
    checked_steps: int = 0
    n_steps: int = 0
    time_stamps: dict[str, str] = field(default_factory=dict)
    several_values: dict[str, str] = field(default_factory=dict)
    off_grid: tuple[str, ...] = ()
    static: tuple[str, ...] = ()
    flags: dict[str, str] = field(default_factory=dict)
    flag_advice: str = ""
    identifiers: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    anomalies: dict[str, str] = field(default_factory=dict)
    ancillary: dict[str, str] = field(default_factory=dict)
    spreads: dict[str, str] = field(default_factory=dict)
    ranks: dict[str, str] = field(default_factory=dict)
    same_quantity: dict[str, str] = field(default_factory=dict)
    target_copies: dict[str, TargetCopy] = field(default_factory=dict)
    cell_areas: tuple[str, ...] = ()
    area_advice: str = ""
    grid_metrics: tuple[str, ...] = ()
    metric_area_advice: str = ""
    constant: dict[str, float] = field(default_factory=dict)
    land_mask: StoredLand | None = None
    directions: dict[str, str] = field(default_factory=dict)
    direction_notes: tuple[str, ...] = ()
    running_totals: dict[str, str] = field(default_factory=dict)
    window_totals: dict[str, str] = field(default_factory=dict)
    positions: tuple[str, ...] = ()
    moving_positions: tuple[str, ...] = ()
    vector_partners: tuple[str, ...] = ()

    def notes(self, target: str) -> list[str]:
        """What was left out of the default predictors and how to use it anyway, one line each."""
        notes = [f"left out of the default predictors: {leak_text(self.outputs)}"] if self.outputs else []
        if self.ancillary:
            notes.append(ancillary_note(self.ancillary, target))
        if self.spreads:
            notes.append(spread_note(self.spreads))
        if self.ranks:
            notes.append(rank_note(self.ranks, target))
        if self.same_quantity:
            notes.append(same_quantity_note(self.same_quantity, target))
        notes.extend(copy_note(copy, target) for copy in self.target_copies.values() if copy.held)
        notes.extend(self.direction_notes)
        if self.vector_partners:
            notes.append(partner_note(self.vector_partners, target))
        cell_positions = [name for name in self.positions if name not in self.moving_positions]
        if cell_positions:
            notes.append(f"left out of the default predictors: {', '.join(cell_positions)}, latitude and longitude: "
                         "where the cells are, not what happens in them (the lat feature gives the latitude); name "
                         "them in [data] predictors (--predictors) to use them anyway")
        if self.moving_positions:
            notes.append(f"left out of the default predictors: {', '.join(self.moving_positions)}, latitudes or "
                         "longitudes that change from step to step (a storm's or a front's track, or where each "
                         "drift vector ends?), not where the cells are: a position is no magnitude climann uses by "
                         "default; name them in [data] predictors (--predictors) to use them")
        if self.cell_areas:
            notes.append(f"left out of the default predictors: {', '.join(self.cell_areas)}, the cells' areas: where "
                         f"the cells are, not what happens in them; {self.area_advice}")
        if self.grid_metrics:
            notes.append(f"left out of the default predictors: {', '.join(self.grid_metrics)}, NEMO's grid metrics "
                         "(mesh_mask: cell widths, positions, masks): where the cells are, not what happens in them; "
                         "name them in [data] predictors (--predictors) to use them anyway"
                         + (f"; {self.metric_area_advice}" if self.metric_area_advice else ""))
        if self.running_totals:
            said: dict[str, list[str]] = {}
            for name, reason in self.running_totals.items():  # one reason for a file's every accumulation: once
                said.setdefault(reason, []).append(name)
            shown = "; ".join(f"{', '.join(names)}, {reason}" for reason, names in said.items())
            maybe = " (or that may be)" if any("too few to tell" in reason for reason in said) else ""
            notes.append(f"left out of the default predictors: totals accumulated since a start{maybe}, not amounts of "
                         f"each time step ({shown}); name them in [data] predictors (--predictors) to be given the "
                         "line that writes each step's amount")
        if self.window_totals:
            shown = "; ".join(f"{name}: {reason}" for name, reason in self.window_totals.items())
            notes.append(f"left out of the default predictors: WRF's precipitation over prec_acc_dt windows, not the "
                         f"amount of each time step ({shown})")
        if self.constant:
            shown = ", ".join(f"{name} (= {value:g})" for name, value in self.constant.items())
            notes.append(f"left out of the default predictors: {shown}, one value wherever '{target}' is present: "
                         "nothing to learn from")
        if self.land_mask is not None:
            found = self.land_mask
            notes.append(f"left out of the default predictors: {found.mask}, whose land cells are those where "
                         f"'{target}' holds {found.value:g} at every step checked: it would tell the network where "
                         f"that stored land is, nothing about '{target}' in the water; set those cells of '{target}' "
                         "missing (the warning about them gives the command)")
        if self.anomalies:
            them = "them" if len(self.anomalies) > 1 else "it"
            notes.append(f"left out of the default predictors: {leak_note(self.anomalies, target)}; name {them} in "
                         f"[data] predictors (--predictors) to use {them} anyway")
        if self.time_stamps:
            shown = ", ".join(f"{name} ({dates})" for name, dates in self.time_stamps.items())
            notes.append(f"left out of the default predictors: {shown}: dates written as digits, time stamps of the "
                         "steps (the time coordinate says when each value is), not amounts: as a predictor each later "
                         "year lies outside the range trained on; name them in [data] predictors (--predictors) to "
                         "use them anyway")
        if self.mostly_missing:
            shown = ", ".join(f"{name} ({100 * fraction:.3g}%: {round(fraction * self.checked_present)} of "
                              f"{self.checked_present})" for name, fraction in self.mostly_missing.items())
            counted = (f"on all {self.n_steps} time steps" if self.checked_steps >= self.n_steps else
                       f"an estimate from {self.checked_steps} evenly spaced of the {self.n_steps} time steps")
            notes.append(
                f"left out of the default predictors: {shown}, missing on more than "
                f"{100 * MAX_MISSING_FRACTION:g}% of the values of '{target}' ({counted}): their "
                f"samples would be dropped and '{target}' scored only where they are present; name them in [data] "
                "predictors (--predictors) to use them anyway (training says what they drop)"
            )
        if self.several_values:
            shown = ", ".join(f"{name} ({dim})" for name, dim in self.several_values.items())
            notes.append(
                f"left out of the default predictors: {shown}, with several values along each of these extra "
                "dimensions; choose one value of each with [data] select (--select DIM=VALUE) to use them"
            )
        if self.static:
            notes.append(
                f"left out of the default predictors: {', '.join(self.static)}, without a time axis: in field mode "
                "each sample is a time step's map, so a static field is the same in every sample"
            )
        if self.flags:
            shown = ", ".join(f"{name} ({classes})" for name, classes in self.flags.items())
            notes.append(
                f"left out of the default predictors: {shown}, CF flag variables whose codes are classes, not "
                f"amounts; to use them, {self.flag_advice}, or name them in [data] predictors (--predictors) to use "
                "their codes as numbers"
            )
        if self.identifiers:
            shown = ", ".join(f"{name} ({reading})" for name, reading in self.identifiers.items())
            notes.append(
                f"left out of the default predictors: {shown}, identifiers: numbers that name things, not amounts; "
                f"to use where they are, {identifier_advice(next(iter(self.identifiers)))}, or name them in [data] "
                "predictors (--predictors) to use their numbers as amounts"
            )
        return notes


def default_inputs(
    dataset: xr.Dataset,
    target: str,
    *,
    predictors: Sequence[str] | None = None,
    features: Sequence[str] | None = None,
    where: str = "the data",
    mode: str = "pointwise",
    training_steps: np.ndarray | None = None,
    value_totals: Mapping[str, str | None] | None = None,
    derived: Sequence[str] = (),
) -> DefaultInputs:
    """The run's predictors and derived features, those given as ``None`` chosen from the data.

    Parameters
    ----------
    dataset : xarray.Dataset
        The opened (and subset) data, lazy; only a few time steps are read, and only when
        the predictors are chosen.
    target : str
        The variable to predict.
    predictors, features : sequence of str or None
        As given by the user; ``None``: not given, chosen here (an empty sequence stays empty).
    where : str
        The files' names, for messages.
    mode : {"pointwise", "field"}
        ``[data] mode``: the default features depend on it (:func:`default_features`).
    training_steps : ndarray of bool, shape (n_time,), optional
        The run's training block, on which the predictors that hold the target are found
        (:mod:`climann.data.target_copies`); that of the default split
        (:data:`~climann.data.splits.DEFAULT_SPLIT_FRACTIONS`) when not given.
    value_totals : mapping of str to (str or None), optional
        The totals accumulated since a start found by their values in a read of every value
        already made (``climann info``'s,
        :func:`~climann.data.running_totals.planned_running_totals`: variable → the date each
        year they restart, or None), left out as those found by their words are: ``train``
        refuses both as predictors. Not given: only the words are looked at (nothing more is
        read here).
    derived : sequence of str, optional
        The run's other input columns (its lags, area means and anomalies: ``sst_global_mean``):
        with one of them, no predictor and no feature is no refusal (break54d A7).

    Returns
    -------
    DefaultInputs

    Raises
    ------
    ClimannError
        If the target or a grid coordinate is missing, or nothing is left to learn from
        (no predictor, no varying feature and nothing ``derived``).
    """
    require_variable(dataset, target, where, role="target")
    chosen = (_default_predictors(dataset, target, mode=mode, training_steps=training_steps,
                                  value_totals=value_totals) if predictors is None
              else DefaultInputs(tuple(predictors), ()))
    features = default_features(dataset, mode=mode) if features is None else tuple(features)
    if not chosen.predictors and not features and not derived:
        raise ClimannError(
            f"no inputs: no other variable on the grid of '{target}' to use as a predictor and no derived "
            "feature that varies; give [data] predictors or features (e.g. --features year), or lags, "
            "global_means, regional_means or anomalies"
        )
    return dataclasses.replace(chosen, features=features)


def default_features(dataset: xr.Dataset, *, mode: str = "pointwise") -> tuple[str, ...]:
    """``lat`` when there are several latitudes (of the cells: a curvilinear grid's 2-D ones;
    pointwise mode only: in field mode a sample
    is a whole map, where the latitude does not vary from one sample to the next), plus
    ``season`` when the time axis is finer than a year (see :func:`finer_than_yearly`), plus
    ``hour`` when it is finer than a day (:func:`climann.data.features.sub_daily`), each
    within the training block (the files' ``train`` block with ``split_files``, else that of the default split
    :data:`~climann.data.splits.DEFAULT_SPLIT_FRACTIONS`): three monthly files split by
    time steps leave one month to train on, where the time of year cannot be learnt (and
    training refuses a feature that does not vary there)."""
    features = []
    if mode == "pointwise":
        latitude = np.asarray(dataset[_latitude_name(dataset)].values, np.float64)
        features = ["lat"] if np.unique(latitude[np.isfinite(latitude)]).size > 1 else []
    times = dataset[find_coordinate(dataset, "time")].values
    if finer_than_yearly(times):
        trained = _training_times(dataset, times)
        if finer_than_yearly(trained):
            features.append("season")
        if sub_daily(trained):
            features.append("hour")
    return tuple(features)


def _training_times(dataset: xr.Dataset, times: np.ndarray) -> np.ndarray:
    """The times of the training block the features are judged on: the ``train`` block's own
    series when the files give the blocks (``split_files``, :data:`~climann.data.layout.SPLIT_BLOCK_COORDINATE`:
    two members of the same years as the training and the validation block repeat every date,
    which looked sub-daily, break43c A6), else those of the default split; all of them when too
    few to split (training says so)."""
    if SPLIT_BLOCK_COORDINATE in dataset.coords:
        training = np.asarray(dataset[SPLIT_BLOCK_COORDINATE].values) == "train"
        return times[training] if training.any() else times
    try:
        split = split_time_blocks(np.array([time.year for time in times]), DEFAULT_SPLIT_FRACTIONS)
    except ClimannError:
        return times
    return times[split.time_masks["train"]]


def _latitude_name(dataset: xr.Dataset) -> str:
    """The variable whose values are the cells' latitudes: a curvilinear grid's 2-D latitude
    (a single row of JULES land points has one row index but 60 latitudes, break42a A1b), else the
    latitude axis."""
    try:
        names = two_dimensional_coordinates(dataset)
    except ClimannError:  # refused with its advice where the grid is read
        names = None
    return names[0] if names is not None else find_coordinate(dataset, "latitude")


def finer_than_yearly(times: Sequence) -> bool:
    """Whether some calendar year has more than one time step: then the time of year varies
    (monthly, daily…), else (yearly means, one month of each year) ``season`` is constant;
    and the samples are not usually a year or more apart (an ice core's, decades apart, a few
    in one year: the day of the year they are dated to is no season,
    :func:`climann.data.multiyear_steps.years_apart`).

    Parameters
    ----------
    times : sequence of cftime.datetime, length n_time
    """
    if len(times) < 2 or not hasattr(times[0], "year"):
        return False
    return len({time.year for time in times}) < len(times) and not years_apart(times)


def changes_in_time(variable: xr.DataArray, *, time_dim: str) -> bool:
    """Whether ``variable`` holds other values at any time step than at its first (missing cells
    compared as equal): a latitude-named field that does (a storm-track file's ``storm_lat(time,
    lat, lon)``, the latitude of the densest track at each cell and step, read as data on the 1-D
    grid by :func:`~climann.data.coords.fixed_in_time`) is never where the cells are; one the
    same at each step repeats the cells' positions. Each step is compared (one read, chunk by
    chunk when lazy): a field that differs at one step only is no position either.

    Parameters
    ----------
    variable : xarray.DataArray
        Lazy or not, of shape (n_time, ...) in any order of its dimensions.
    time_dim : str
        The time dimension (absent: False).
    """
    if time_dim not in variable.dims or variable.sizes[time_dim] < 2:
        return False
    first = variable.isel({time_dim: 0}, drop=True)
    differs = variable != first
    if variable.dtype.kind in "fc":
        differs &= ~(variable.isnull() & first.isnull())
    return bool(differs.any())


def _default_predictors(dataset: xr.Dataset, target: str, *, mode: str = "pointwise",
                        training_steps: np.ndarray | None = None,
                        value_totals: Mapping[str, str | None] | None = None) -> DefaultInputs:
    """Every other numeric data variable on the target's grid (in field mode, with a time
    axis) that is not a flag variable of more than two values, nor identifiers, nor the target's own anomaly
    (or the variable whose anomaly the target is), the left-out ones by reason."""
    time_dim = find_coordinate(dataset, "time")
    horizontal = set(dataset[find_coordinate(dataset, "latitude")].dims)
    horizontal |= set(dataset[find_coordinate(dataset, "longitude")].dims)
    candidates, several_values, off_grid, static, flags, metrics, directions = [], {}, [], [], {}, [], {}
    positions: list[str] = []
    moving: list[str] = []
    identifiers: dict[str, str] = {}
    stamps: dict[str, str] = {}
    outputs = run_outputs(dataset)
    own_flags = set(str(dataset[target].attrs.get("ancillary_variables", "")).split())
    for name in data_variable_names(dataset):
        variable = dataset[name]
        if name == target or name in outputs or not (np.issubdtype(variable.dtype, np.number)
                                                     or variable.dtype == bool):
            continue
        if not horizontal <= set(variable.dims):
            off_grid.append(name)
            continue
        if is_grid_metric(str(name), variable, time_dim=time_dim):
            metrics.append(name)
            continue
        if position_kind(str(name), variable) is not None:
            positions.append(name)
            if changes_in_time(variable, time_dim=time_dim):
                moving.append(name)
            continue
        extra = [dim for dim in variable.dims if dim not in horizontal and dim != time_dim and variable.sizes[dim] > 1]
        if extra:
            several_values[name] = ", ".join(map(str, extra))
        elif name in own_flags:  # the target's quality flag: ancillary data below, never classes to learn from
            candidates.append(name)
        elif (dates := digit_dates(variable, time_dim=time_dim)) is not None:
            stamps[name] = f"{dates.quoted()}, {dates.format}"
        elif flag_classes(variable) is not None:
            flags[name] = flag_classes(variable)
        elif (named := identifier_reading(str(name), variable)) is not None:
            identifiers[name] = named
        elif (reading := direction_reading(str(name), variable.attrs)) is not None:
            directions[name] = reading
        elif mode == "field" and time_dim not in variable.dims:
            static.append(name)
        else:
            candidates.append(name)
    partner = sine_cosine_partner(target, candidates)
    vector_partners = component_partners(dataset, target, [name for name in candidates if name != partner])
    candidates = [name for name in candidates if name != partner and name not in vector_partners]
    anomalies = anomaly_relations(dataset, target, candidates)
    ancillary = ancillary_relations(dataset, target, [name for name in candidates if name not in anomalies])
    spreads = {name: why for name in candidates if name not in anomalies and name not in ancillary
               and (why := ensemble_spread_reason(dataset[name])) is not None}
    ancillary_or_spread = {**ancillary, **spreads}
    ranks = rank_relations(dataset, target, [name for name in candidates if name not in anomalies
                                             and name not in ancillary_or_spread])
    same = same_quantity_relations(dataset, target, [name for name in candidates
                                                     if name not in anomalies and name not in ancillary],
                                   time_dim=time_dim)
    areas = tuple(name for name in candidates if is_cell_area(dataset[name], time_dim=time_dim))
    # train's rule (its refusal of running totals), not a copy of it
    totals = running_total_reasons(dataset, candidates, found={name: date for name, date in (value_totals or {}).items()
                                                               if name in candidates})
    windows = {name: reason for name in candidates
               if (reason := window_mismatch(str(name), dataset[name], dataset)) is not None}
    candidates = [name for name in candidates if name not in anomalies and name not in ancillary_or_spread
                  and name not in ranks
                  and name not in same and name not in areas and name not in totals and name not in windows]
    land = land_stored_as_value(dataset, target, others=False)  # a mask to leave out, if any
    # NEMO's tmask over a target with land stored as a value: named as that mask, whose note says what to do
    land = land if land is not None and (land.mask in candidates or land.mask in metrics) else None
    candidates = [name for name in candidates if land is None or name != land.mask]
    metrics = [name for name in metrics if land is None or name != land.mask]
    checked_steps = checked_training_steps(dataset, time_dim, training_steps)
    copies_read = planned_target_copies(dataset, target, candidates, time_dim=time_dim, training_steps=checked_steps)
    # the safety net: a predictor (almost) a monotone function of the target, whatever its words (break47b A1),
    # its sample read in the same computation as the other checks' values
    monotone_read = planned_monotone_relations(dataset, target, candidates, time_dim=time_dim, steps=checked_steps)
    n_present, fractions, constant, copies, monotone = _where_target_present(
        dataset, target, candidates, time_dim=time_dim, copies=copies_read, monotone=monotone_read)
    candidates = [name for name in candidates if name not in copies or not copies[name].held]
    ranks |= {name: reason for name, reason in monotone.items()
              if name in candidates and name not in copies and name not in constant}
    candidates = [name for name in candidates if name not in ranks]
    mostly_missing = {name: fraction for name, fraction in fractions.items() if fraction > MAX_MISSING_FRACTION}
    constant = {name: value for name, value in constant.items() if name not in mostly_missing}
    predictors = tuple(name for name in candidates if name not in mostly_missing and name not in constant)
    return DefaultInputs(
        predictors=predictors,
        features=(),
        mostly_missing=mostly_missing,
        checked_present=n_present,
        checked_steps=checked_step_count(dataset, target, time_dim),
        n_steps=dataset.sizes.get(time_dim, 0),
        time_stamps=stamps,
        several_values=several_values,
        off_grid=tuple(off_grid),
        static=tuple(static),
        flags=flags,
        flag_advice=indicator_advice(next(iter(flags)), dataset[next(iter(flags))]) if flags else "",
        identifiers=identifiers,
        outputs={name: of for name, of in outputs.items() if name in data_variable_names(dataset)},
        anomalies=anomalies,
        ancillary=ancillary,
        spreads=spreads,
        ranks=ranks,
        same_quantity=same,
        target_copies=copies,
        cell_areas=areas,
        area_advice=cell_area_advice(dataset, target, areas[0], horizontal=horizontal) if areas else "",
        grid_metrics=tuple(metrics),
        metric_area_advice=nemo_area_advice(dataset, target, metrics, horizontal=horizontal),
        constant=constant,
        land_mask=land,
        directions=directions,
        direction_notes=tuple(direction_note(dataset, directions, partner, target, predictors)),
        running_totals=totals,
        window_totals=windows,
        positions=tuple(positions),
        moving_positions=tuple(moving),
        vector_partners=tuple(vector_partners),
    )


def checked_training_steps(dataset: xr.Dataset, time_dim: str, training_steps: np.ndarray | None) -> np.ndarray | None:
    """The training steps on which the default predictors are compared with the target
    (:mod:`climann.data.target_copies`): ``training_steps``, else those of the default split
    (:data:`~climann.data.splits.DEFAULT_SPLIT_FRACTIONS`), thinned to at most
    :data:`COPY_CHECKED_STEPS` evenly spaced ones (a look at the data, as for the missing values);
    None (no check) when there is no time axis or too few steps to split (training says so)."""
    if time_dim not in dataset.dims:
        return None
    if training_steps is None or len(training_steps) != dataset.sizes[time_dim]:
        times = dataset[time_dim].values
        try:
            training_steps = split_time_blocks(np.array([time.year for time in times]),
                                               DEFAULT_SPLIT_FRACTIONS).time_masks["train"]
        except (ClimannError, AttributeError):  # too few steps, or no dates: no training block to look at
            return None
    steps = np.flatnonzero(training_steps)
    if steps.size > COPY_CHECKED_STEPS:
        steps = steps[np.unique(np.linspace(0, steps.size - 1, COPY_CHECKED_STEPS).round().astype(int))]
    thinned = np.zeros(dataset.sizes[time_dim], dtype=bool)
    thinned[steps] = True
    return thinned


def is_cell_area(variable: xr.DataArray, *, time_dim: str) -> bool:
    """Whether a variable is a static field of cell areas: no ``time_dim``, and CF
    ``standard_name = "cell_area"``, or units of area (pint dimensionality length², e.g. POP's
    ``centimeter^2``, CMIP's ``m2``) and a name of :data:`CELL_AREA_NAMES` or a long name of
    :data:`CELL_AREA_LONG_NAMES` (a bare ``area``: with such a long name, "area" or none,
    :data:`BARE_AREA_LONG_NAMES`). Units of area alone say nothing of whose area: a static
    harvested area per cell in ha is data."""
    if time_dim in variable.dims:
        return False
    if variable.attrs.get("standard_name") == "cell_area":
        return True
    long_name = str(variable.attrs.get("long_name", "")).strip().lower()
    named = (CELL_AREA_NAMES.fullmatch(str(variable.name).lower()) is not None
             or (str(variable.name).lower() == "area" and long_name in BARE_AREA_LONG_NAMES))
    if not named and CELL_AREA_LONG_NAMES.fullmatch(long_name) is None:
        return False
    try:
        units = unit_registry()(normalised_units(str(variable.attrs.get("units", ""))))
    except Exception:  # noqa: BLE001 — units pint cannot read are no area
        return False
    return dict(getattr(units, "dimensionality", {})) == {"[length]": 2}


def cell_area_advice(dataset: xr.Dataset, target: str, area: str, *,
                     horizontal: Collection[str] | None = None) -> str:
    """What weighs the scores when the file holds cell areas ``area`` that the target's CF
    ``cell_measures`` (section 7.2) does not name, and the ``ncatted`` that names them: climann
    weighs by the areas a ``cell_measures`` names and by none it guesses (POP writes ``TAREA``
    but no ``cell_measures`` on ``SST``, break23a F5). No ``ncatted`` where there is nothing to
    weigh: one cell (``horizontal``, the grid's dimensions when given, of one place in all), or one area per
    station (a CF discrete sampling geometry, :func:`~climann.data.grids.station_coordinate`:
    HYPE's subbasin areas, which a ``cell_measures`` then had refused, break42d H1).

    Returns
    -------
    str
        ``"not used to weigh the scores: 'SST' names no cell areas (cell_measures), so they are
        weighed by areas climann computes from the grid; to weigh them by TAREA: ncatted …"``.
    """
    named = cell_measure_name(dataset[target].attrs)
    if named is not None:
        return (f"not used to weigh the scores: those of '{target}' are weighed by {named}, which its cell_measures "
                "names")
    if (station := station_coordinate(dataset, dataset[area])) is not None:
        return (f"one area per station ({station}): the area a station's series stands for (its catchment's), not "
                "a grid cell's, and not used to weigh the scores")
    if horizontal is not None and int(np.prod([dataset.sizes[dim] for dim in horizontal if dim in dataset.sizes])) == 1:
        return "one cell: nothing to weigh the scores by"
    if (foreign := foreign_areas_text(dataset, area)) is not None:  # remapped from another grid (break57a A2)
        return (f"not used to weigh the scores: {foreign}; the scores are weighed by the areas climann computes from "
                "the grid")
    own, areas = name_in_file(dataset[target], target), name_in_file(dataset[area], area)
    measures = ncatted_attribute("cell_measures", own, "o", "c", f"area: {areas}")
    files = source_and_copy(dataset[target], dataset[area], dataset)
    if users_file_copied(files) is None:  # no file named (data in memory), or a Zarr store changed in place
        command = f"{attribute_command([measures], files)}, and give that copy in place of the file"
    else:  # its copy in a new folder: beside it, a glob over their folder took both (fix55a)
        command = one_copy_advice(lambda arguments: f"`{attribute_command([measures], arguments)}`", files,
                                  "cell_measures")
    return (f"not used to weigh the scores: '{target}' names no cell areas (no CF cell_measures), so the scores are "
            f"weighed by areas climann computes from the grid (approximate without cell bounds); to weigh them by "
            f"{area}: {command}")


def nemo_area_advice(dataset: xr.Dataset, target: str, metrics: Sequence[str], *, horizontal: Collection[str]) -> str:
    """What weighs the scores when NEMO's grid metrics beside a T-point target hold its cells'
    areas, ``e1e2t`` (m², NEMO 4's ``mesh_mask.nc`` and ``domain_cfg.nc``) or the cell widths
    ``e1t`` and ``e2t`` (m) whose product it is (NEMO 3.6 writes no ``e1e2t``; reference
    manual, "Space and time domain": the T cell's area is e1t·e2t), that the target's CF
    ``cell_measures`` does not name: the command that names them (:func:`cell_area_advice`) and,
    without ``e1e2t``, the ``python -c`` that first writes it into a copy of the metrics' file
    (break37a C4: own-data.md promised this note; ``e1e2t`` linked so weighs the scores exactly),
    joined to the ``ncatted`` by ``&&`` in one line between backticks: info's comments wrap it,
    and its one-line warning (:func:`climann.data.info`) is pasted whole (fix54e).

    Parameters
    ----------
    dataset : xarray.Dataset
    target : str
    metrics : sequence of str
        The grid metrics found (:func:`is_grid_metric`).
    horizontal : collection of str
        The grid's dimensions: only metrics on them (a size-1 ``t`` dropped) are cell areas.

    Returns
    -------
    str
        ``""`` when the target names cell areas or the metrics hold none.
    """
    if cell_measure_name(dataset[target].attrs) is not None:
        return ""
    on_grid = {str(name).lower(): str(name) for name in metrics if set(dataset[name].dims) == set(horizontal)}
    if "e1e2t" in on_grid:
        return f"{on_grid['e1e2t']} is the T cells' areas (NEMO's e1t·e2t), " + cell_area_advice(
            dataset, target, on_grid["e1e2t"])
    if "e1t" not in on_grid or "e2t" not in on_grid:
        return ""
    e1t, e2t = on_grid["e1t"], on_grid["e2t"]
    metrics_file = dataset[e1t].encoding.get("source")
    target_files = source_files(dataset[target])
    if metrics_file and len(target_files) == 1 and _copies_in_one_folder(metrics_file, target_files[0]):
        return _nemo_area_copies(dataset, target, e1t, e2t, metrics_file, target_files[0])
    if metrics_file and len(target_files) > 1 and _netcdf_files([metrics_file, *target_files]):
        return _nemo_area_copies_of_series(dataset, target, e1t, e2t, metrics_file, target_files)
    files = input_and_copy(metrics_file) if metrics_file else "MESH_MASK.nc MESH_MASK_fixed.nc"
    source, copy = (working_path(word) for word in shlex.split(files))
    script = (f'import sys, xarray as xr; m = xr.open_dataset("{source}"); m["e1e2t"] = m["{e1t}"] * m["{e2t}"]; '
              f'm["e1e2t"].attrs = {{"standard_name": "cell_area", "units": "m2"}}; '
              + whole_write("m.to_netcdf", f'"{copy}"'))
    linked = attribute_command([ncatted_attribute("cell_measures", name_in_file(dataset[target], target), "o", "c",
                                                  "area: e1e2t")], source_and_copy(dataset[target], dataset))
    return (f"{e1t}·{e2t} is the T cells' areas (NEMO 3.6 writes no e1e2t), not used to weigh the scores: '{target}' "
            "names no cell areas (no CF cell_measures), so the scores are weighed by areas climann computes from the "
            f"grid (approximate without cell bounds); to weigh them by {e1t}·{e2t}: "
            f"`{python_command(script)} && {linked}` (writes it as e1e2t into a copy of "
            f"{shlex.split(files)[0]}, then names it in a copy of the target's file), and give both copies in place of "
            "the files")


def _copies_in_one_folder(metrics_file: str, target_file: str) -> bool:
    """Whether the NEMO metrics' file and the target's are NetCDF files of one folder, whose copies
    :func:`_nemo_area_copies` writes into one new folder."""
    paths = [Path(metrics_file).absolute(), Path(target_file).absolute()]  # one given relative, one absolute
    return (all(path.is_file() and not is_zarr_store(path) for path in paths) and paths[0].parent == paths[1].parent
            and copy_name(paths[0]) != copy_name(paths[1]))


def _nemo_area_copies(dataset: xr.Dataset, target: str, e1t: str, e2t: str, metrics_file: str,
                      target_file: str) -> str:
    """:func:`nemo_area_advice`'s words for a metrics' file and a target's file of one folder: one line,
    between backticks, that writes into a new folder ``cell_areas`` beside them a copy of the metrics'
    file with ``e1e2t = e1t·e2t`` (m², ``python -c``, whole or not at all: :func:`whole_write`) and a
    copy of the target's file whose ``cell_measures`` names it (``ncatted``, checked first not to write
    over a copy there: :func:`none_there`), then the ``--data`` that takes the two copies in place of
    the files. Both copies were written beside their files (``mesh_mask_fixed.nc``,
    ``oras5_fixed.nc``), where a glob over the folder took them with the originals, and the run refused
    two files of one variable (fix55a); the ``ncatted`` had no check."""
    folder = copy_folder_of(target_file, "cell_areas")  # a later line on the target's file reads its copy there
    metrics_copy, target_copy = folder / copy_name(metrics_file), folder / copy_name(target_file)
    script = (f'import sys, xarray as xr; m = xr.open_dataset(sys.argv[1]); m["e1e2t"] = m["{e1t}"] * m["{e2t}"]; '
              f'm["e1e2t"].attrs = {{"standard_name": "cell_area", "units": "m2"}}; '
              + whole_write("m.to_netcdf", quote='"'))
    measures = ncatted_attribute("cell_measures", name_in_file(dataset[target], target), "o", "c", "area: e1e2t")
    linked = attribute_command([measures], f"{shown_path(target_file)} {shown_path(target_copy)}")
    line = (f"{none_there(target_copy)}mkdir -p {shown_path(folder)} && {python_command(script)} "
            f"{shown_path(metrics_file)} {shown_path(metrics_copy)} && {linked}")
    metrics_name, target_name = Path(metrics_file).name, Path(target_file).name
    return (f"{e1t}·{e2t} is the T cells' areas (NEMO 3.6 writes no e1e2t), not used to weigh the scores: '{target}' "
            "names no cell areas (no CF cell_measures), so the scores are weighed by areas climann computes from the "
            f"grid (approximate without cell bounds); to weigh them by {e1t}·{e2t}: `{line}` (writes it as e1e2t into "
            f"a copy of {metrics_name}, then names it in a copy of {target_name}, both in a new folder), then give "
            f"--data {copies_data(folder, [metrics_file, target_file])} in place of {metrics_name} and {target_name}")


def _netcdf_files(files: Sequence[str]) -> bool:
    """Whether ``files`` are NetCDF files (not Zarr stores), whose copies a line writes into new folders."""
    return all(Path(file).is_file() and not is_zarr_store(file) for file in files)


def _nemo_area_copies_of_series(dataset: xr.Dataset, target: str, e1t: str, e2t: str, metrics_file: str,
                                target_files: Sequence[str]) -> str:
    """:func:`nemo_area_advice`'s words for a target read from several files (ORAS5's monthly files):
    one line, between backticks, that writes a copy of the metrics' file with ``e1e2t = e1t·e2t``
    (m²) into a new folder ``cell_areas`` beside it, then a copy of each of the target's files whose
    ``cell_measures`` names it into a new folder ``cell_measures`` beside them
    (:func:`~climann.data.shell.copies_of_files`), and the ``--data`` that takes the copies. The
    ``ncatted`` of the first file alone, written beside the originals, left the others without
    ``cell_measures``, and a glob over their folder took the copy with its original, dropped as a
    duplicate: the scores stayed weighed by computed areas (break56a A3)."""
    folder = copy_folder_of(metrics_file, "cell_areas")
    metrics_copy = folder / copy_name(metrics_file)
    script = (f'import sys, xarray as xr; m = xr.open_dataset("{working_path(metrics_file)}"); '
              f'm["e1e2t"] = m["{e1t}"] * m["{e2t}"]; '
              f'm["e1e2t"].attrs = {{"standard_name": "cell_area", "units": "m2"}}; '
              + whole_write("m.to_netcdf", f'"{working_path(metrics_copy)}"'))
    written = f"{none_there(metrics_copy)}mkdir -p {shown_path(folder)} && {python_command(script)}"
    measures = ncatted_attribute("cell_measures", name_in_file(dataset[target], target), "o", "c", "area: e1e2t")
    looped = copies_of_files(lambda arguments, _: f"`{written} && {attribute_command([measures], arguments)}`",
                             target_files, name="cell_measures")
    metrics_name = Path(metrics_file).name
    line, marker, after = looped.partition("` (a copy of each of its ")
    after = (f" (writes it as e1e2t into a copy of {metrics_name} in a new folder, then names it in a copy of each of "
             f"its {after}")
    return (f"{e1t}·{e2t} is the T cells' areas (NEMO 3.6 writes no e1e2t), not used to weigh the scores: '{target}' "
            "names no cell areas (no CF cell_measures), so the scores are weighed by areas climann computes from the "
            f"grid (approximate without cell bounds); to weigh them by {e1t}·{e2t}: "
            + (f"{line}`{after}, and give --data {shown_path(metrics_copy)} in place of {metrics_name}" if marker else
               f"{looped}, and give --data {shown_path(metrics_copy)} in place of {metrics_name}"))


def spread_note(spreads: Mapping[str, str]) -> str:
    """One line for the notes of the default predictors: the ensemble spreads left out
    (:func:`~climann.data.ensemble_spreads.ensemble_spread_reason`), each with what says so, and how
    to use them anyway.

    A spread is how uncertain a product's ensemble is (E-OBS's 100 members of gridded station data,
    20CRv3's 80 of the reanalysis): an error estimate of the field, as OISST's ``err`` or the NSIDC
    CDR's ``stdev_of_cdr_seaice_conc`` that the defaults leave out as ancillary data, not a driver of
    it. It is largest where and when stations are few, and a precipitation spread grows with the rain
    itself (dry days' members agree): a network fed it learns the product's sampling, and the spread
    of the target's own ensemble hints at its values. New data (a model's output, another product)
    have none (fix54e)."""
    shown = ", ".join(f"{name} ({why})" for name, why in spreads.items())
    them = "them" if len(spreads) > 1 else "it"
    return (f"left out of the default predictors: {shown}: ensemble spreads, how uncertain a product's ensemble "
            f"of estimates is (larger where observations are few, and for precipitation larger on wet days), "
            f"not the field itself: an error estimate, as CF ancillary data are, so a network fed {them} learns "
            f"the data's sampling; name {them} in [data] predictors (--predictors) to use {them} anyway")


def say_metric_areas(chosen: DefaultInputs) -> None:
    """Warn once of the T cells' areas among NEMO's grid metrics that do not weigh the scores, with
    the line that links them (:attr:`DefaultInputs.metric_area_advice`), for ``climann info``: its
    config's comments wrap the note that holds it, a line that cannot be pasted as printed
    (fix54e); a run says the note itself, on one line. Nothing when there is no such advice."""
    if chosen.metric_area_advice:
        note_once(_log, logging.WARNING, chosen.metric_area_advice)


def is_grid_metric(name: str, variable: xr.DataArray, *, time_dim: str) -> bool:
    """Whether a variable is one of NEMO's static grid metrics: no ``time_dim`` and a name of
    :data:`NEMO_GRID_METRICS` (``e1t``, ``glamt``, ``tmask``, ``mbathy`` …; any case)."""
    return time_dim not in variable.dims and NEMO_GRID_METRICS.fullmatch(name.lower()) is not None


def leak_text(outputs: Mapping[str, str]) -> str:
    """Why climann's outputs are no predictors: ``"tas_pred, tas_error, … are climann's outputs
    from a predictions file of tas, …"``, one line."""
    targets = sorted(set(outputs.values()))
    example = targets[0]
    return (f"{', '.join(outputs)} are climann's outputs in a predictions file of {', '.join(targets)} (its title "
            f"'climann predictions of {example}'), not data: as predictors of {example} they hold it "
            f"({example}_error = {example}_pred − {example}); train on the run's input files (its config.toml's "
            "[data] paths) instead")


def warn_run_outputs(dataset: xr.Dataset, predictors: Sequence[str], target: str, *, where: str) -> None:
    """Warn, in one line, when predictors of ``target`` are climann's outputs computed from
    that target (:func:`~climann.data.run_outputs.run_outputs`): they leak it."""
    leaking = {name: of for name, of in run_outputs(dataset).items() if name in predictors and of == target}
    if leaking:
        files = list(dict.fromkeys(file for name in leaking for file in source_files(dataset[name])))
        note_once(_log, logging.WARNING, f"predictors in {files_text(files) if files else where}: {leak_text(leaking)}")


def _squeezed(variable: xr.DataArray, keep: set[str]) -> xr.DataArray:
    """The variable without its size-1 dimensions other than ``keep``."""
    return variable.squeeze([dim for dim in variable.dims if dim not in keep and variable.sizes[dim] == 1], drop=True)


def _where_target_present(
    dataset: xr.Dataset, target: str, names: Sequence[str], *, time_dim: str, copies: BlockReads | None = None,
    monotone: BlockReads | None = None,
) -> tuple[int, dict[str, float], dict[str, float], dict[str, TargetCopy], dict[str, str]]:
    """The target's values on the checked steps, :func:`missing_where_target_present`, and the
    variables with one value wherever both they and the target are present → that value, from
    the same steps, the predictors that hold the target (``copies``:
    :func:`~climann.data.target_copies.planned_target_copies`, those found), and those (almost) a
    monotone function of it (``monotone``: :func:`~climann.data.rank_transforms.planned_monotone_relations`,
    those found), in one computation."""
    if not names:
        return 0, {}, {}, {}, {}
    present, checked = _checked_steps(dataset, target, time_dim=time_dim)
    copy_tasks = copies.tasks if copies is not None else []
    monotone_arrays = monotone.tasks if monotone is not None else []
    n_present, *by_block, copy_parts, monotone_parts = dask.compute(
        present.sum().data, *[_presence_by_block(checked(target), checked(name)) for name in names], copy_tasks,
        monotone_arrays)
    n_present, by_block = int(n_present), [np.reshape(block, (-1, 3)) for block in by_block]
    missing = [int(block[:, 0].sum()) for block in by_block]
    lowest = [np.min(block[:, 1], initial=np.inf) for block in by_block]
    highest = [np.max(block[:, 2], initial=-np.inf) for block in by_block]
    fractions = dict.fromkeys(names, 0.0) if n_present == 0 else {
        name: int(count) / n_present for name, count in zip(names, missing)}
    constant = {name: float(low) for name, low, high in zip(names, lowest, highest)
                if n_present and np.isfinite(float(low)) and float(low) == float(high)}
    constant = _constant_at_every_step(dataset, target, constant, time_dim=time_dim)
    found = copies.finish(copy_parts) if copies is not None else {}
    ranked = monotone.finish(monotone_parts) if monotone is not None and monotone_arrays else {}
    return n_present, fractions, constant, {name: copy for name, copy in found.items()
                                            if copy.held or copy.linear}, ranked


def _constant_at_every_step(dataset: xr.Dataset, target: str, candidates: Mapping[str, float], *,
                            time_dim: str) -> dict[str, float]:
    """Those of ``candidates`` (one value wherever the target is present on the checked steps) that
    hold it at every step where the target is present, all their values read: a sample of 24 of
    17 164 hourly steps said "precipitation (= 0)" of a station's rain that falls in 499 hours, and
    left the main driver of its soil moisture out (break42a A3). Only the variables one value on the
    sample are read again, with the target, a window of steps (:data:`CONSTANT_WINDOW_VALUES` values
    of the target) at a time, each dropped at the first window where it holds another value; none
    when every step was checked. On a 140 MB file (5 years hourly, 20 × 20 cells, rain in 300
    hours) ``climann info`` takes about 1 s of CPU more."""
    if not candidates or time_dim not in dataset[target].dims or every_step_checked(dataset, target, time_dim):
        return dict(candidates)
    _, every = _checked_steps(dataset, target, time_dim=time_dim, every_step=True)
    kept = dict(candidates)
    n_steps = dataset.sizes[time_dim]
    window = max(1, CONSTANT_WINDOW_VALUES // max(1, dataset[target].size // n_steps))
    for start in range(0, n_steps, window):
        steps = {time_dim: slice(start, start + window)}
        window_of = {name: every(name).isel(steps, missing_dims="ignore") for name in (target, *kept)}  # static: all
        parts = dask.compute(*[_presence_by_block(window_of[target], window_of[name]) for name in kept])
        for name, part in zip(list(kept), parts, strict=True):
            block = np.reshape(part, (-1, 3))
            low, high = np.min(block[:, 1], initial=np.inf), np.max(block[:, 2], initial=-np.inf)
            if np.isfinite(low) and not low == high == kept[name]:
                del kept[name]
        if not kept:
            break
    return kept


def _block_presence(target: np.ndarray, variable: np.ndarray) -> np.ndarray:
    """Of one block of the target and of a variable (the same shape): how many values the
    variable lacks where the target is present, and its lowest and highest value where both are
    present (±inf when there is none): shape (1, …, 1, 3), a 1 for each of the block's axes,
    float64 (counts exact below 2⁵³)."""
    def missing(values: np.ndarray) -> np.ndarray:
        return ~np.isfinite(values) if values.dtype.kind in "fc" else np.zeros(values.shape, dtype=bool)

    target, variable = np.asarray(target), np.asarray(variable)
    present, lacking = ~missing(target), missing(variable)
    both, values = present & ~lacking, variable.astype(np.float64)  # as xarray's masking promotes integers
    return np.array([[np.count_nonzero(present & lacking),
                      np.min(values, initial=np.inf, where=both), np.max(values, initial=-np.inf, where=both)]],
                    dtype=np.float64).reshape((1,) * target.ndim + (3,))


def _presence_by_block(target: xr.DataArray, variable: xr.DataArray) -> np.ndarray | da.Array:
    """:func:`_block_presence` of every block of the target and the variable (inner-aligned, the
    variable broadcast on the target: a static field counts at every step): shape (number of
    blocks along each axis, …, 3), lazy when either is a dask array. One task per block: the
    counts, minima and maxima are exact whatever the order they are taken in, and such a graph
    costs a fraction of the one of the masks and NaN-skipping reductions of xarray (most of this
    check's time on small files)."""
    if _on_the_targets_axes(target, variable):  # what align and broadcast would give, without their cost
        target_data, variable_data = target.data, _broadcast_on(variable, target)
    else:
        target, variable = xr.align(target, variable, join="inner", copy=False)
        target, variable = xr.broadcast(target, variable)
        target_data, variable_data = target.data, variable.transpose(*target.dims).data
    if not (dask.is_dask_collection(target_data) or dask.is_dask_collection(variable_data)):
        return _block_presence(target_data, variable_data)
    import dask.array as da  # imported here: ~0.2 s that a process opening no file need not pay

    index = tuple(range(target.ndim))
    _, (values, others) = da.core.unify_chunks(da.asarray(target_data), index, da.asarray(variable_data), index)
    return da.map_blocks(_block_presence, values, others, new_axis=values.ndim,
                         chunks=(*[(1,) * len(sizes) for sizes in values.chunks], (3,)), dtype=np.float64)


def _on_the_targets_axes(target: xr.DataArray, variable: xr.DataArray) -> bool:
    """Whether ``variable`` lies on axes of ``target`` (each of its dimensions one of the target's,
    of the same size, with an equal index or none on both): then aligning them changes nothing
    and broadcasting only repeats the variable along the target's other dimensions. xarray's
    align and broadcast took a fifth of :func:`default_inputs` on a small file."""
    for dim in variable.dims:
        if dim not in target.dims or variable.sizes[dim] != target.sizes[dim]:
            return False
        indexes = [array.indexes[dim] if dim in array.indexes else None for array in (target, variable)]
        if (indexes[0] is None) != (indexes[1] is None):
            return False
        if indexes[0] is not None and not indexes[0].equals(indexes[1]):
            return False
    return True


def _broadcast_on(variable: xr.DataArray, target: xr.DataArray) -> np.ndarray | da.Array:
    """The values of ``variable`` (on axes of ``target``, :func:`_on_the_targets_axes`) in the
    target's order of dimensions, repeated along those it lacks: as ``xr.broadcast`` then
    ``transpose`` give them (a view: numpy's or dask's ``broadcast_to``)."""
    values = variable.transpose(*[dim for dim in target.dims if dim in variable.dims]).data
    expanded = values[tuple(slice(None) if dim in variable.dims else None for dim in target.dims)]
    if expanded.shape == target.shape:
        return expanded
    if dask.is_dask_collection(expanded):
        import dask.array as da  # imported here: ~0.2 s that a process opening no file need not pay

        return da.broadcast_to(expanded, target.shape)
    return np.broadcast_to(expanded, target.shape)


def missing_where_target_present(
    dataset: xr.Dataset, target: str, names: Sequence[str], *, time_dim: str
) -> dict[str, float]:
    """Fraction of the samples (cell and time step) where the target is present that each
    variable lacks, counted on every time step of a small target (:func:`every_step_checked`),
    else on :data:`CHECKED_TIME_STEPS` evenly spaced ones, all in one computation.

    A static (lat, lon) variable counts at every step; a variable missing where the target
    is missing too costs nothing. 0 for every variable when the target is never present.

    Returns
    -------
    dict of str to float
        Values in [0, 1].
    """
    if not names:
        return {}
    present, checked = _checked_steps(dataset, target, time_dim=time_dim)
    counts = dask.compute(present.sum().data, *[(present & missing_values(checked(name))).sum().data
                                               for name in names])
    n_present = int(counts[0])
    if n_present == 0:
        return dict.fromkeys(names, 0.0)
    return {name: int(count) / n_present for name, count in zip(names, counts[1:])}


def every_step_checked(dataset: xr.Dataset, target: str, time_dim: str) -> bool:
    """Whether the missing fractions are counted on every time step: the target has no time axis,
    at most :data:`CHECKED_TIME_STEPS` steps, or at most :data:`EVERY_STEP_VALUES` values (a
    station's series is cheap to read whole, and 24 of its steps are too few to count on)."""
    variable = dataset[target]
    return (time_dim not in variable.dims or dataset.sizes[time_dim] <= CHECKED_TIME_STEPS
            or variable.size <= EVERY_STEP_VALUES)


def checked_step_count(dataset: xr.Dataset, target: str, time_dim: str) -> int:
    """The number of time steps the missing fractions are counted on (:func:`every_step_checked`:
    all of them, else :data:`CHECKED_TIME_STEPS` evenly spaced); 0 without a time axis."""
    n_steps = dataset.sizes.get(time_dim, 0)
    return n_steps if every_step_checked(dataset, target, time_dim) else min(n_steps, CHECKED_TIME_STEPS)


def _checked_steps(dataset: xr.Dataset, target: str, *, time_dim: str, every_step: bool = False):
    """Where the target is present on the checked steps (:func:`every_step_checked`: all of them,
    else :data:`CHECKED_TIME_STEPS` evenly spaced; lazy; all of them with ``every_step``), and a
    function giving a variable on those steps (its size-1 extra dimensions dropped)."""
    keep = {time_dim, *dataset[target].dims}
    steps = {}
    if not every_step and not every_step_checked(dataset, target, time_dim):
        chosen = np.linspace(0, dataset.sizes[time_dim] - 1, CHECKED_TIME_STEPS).round().astype(int)
        steps = {time_dim: np.unique(chosen)}

    def checked(name: str) -> xr.DataArray:
        variable = _squeezed(dataset[name], keep)
        return variable.isel({dim: index for dim, index in steps.items() if dim in variable.dims})

    return ~missing_values(checked(target)), checked
