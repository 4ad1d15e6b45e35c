"""New data against what a run was trained on: the time step and the time cell methods.

``predict`` and ``evaluate --data`` apply a trained model to other files. Variable names and
units can match while the values mean something else:

- another time step (a model trained on monthly means given daily values): a lag is
  "k steps of the axis's nominal frequency" (:mod:`climann.data.time_axis`), so ``tas_lag1``
  would be yesterday's value instead of last month's, and a ``target_anomaly`` climatology
  per calendar month would be looked up per day of the year. With such features the data are
  refused; without them the model still sees values of another averaging period, which is
  said in one warning line;
- another time cell method (CF 1.8 section 7.3: ``time: maximum`` instead of ``time: mean``):
  a predictor of another quantity is warned about; so is the target in ``predict`` (its
  error column compares different quantities); ``evaluate --data`` refuses it, since its
  scores would be those of another quantity than the model predicts;
- another calendar (CF-1.8 §4.4.1: a ``360_day`` or leap year on a ``noleap`` run): a
  ``target_anomaly`` climatology per day of year is looked up at the same fraction of the
  year, not by day number (:func:`climann.evaluation.baselines.climatology_days`), which is
  said in one warning line;
- another level (CF conventions 1.8 §5.7: a file of ``ua`` with the scalar coordinate
  ``plev = 25000 Pa`` given to a model trained on ``ua`` at ``plev = 85000 Pa``; ``height``
  10 m against 100 m, ``depth``): another quantity under the same name and units. A
  variable at another level than in training is refused (:func:`check_levels`); the same
  level in other units (850 hPa, 85000 Pa) is the same level, and data that do not say
  their level (ERA5's ``t2m`` for a CMIP ``tas`` at 2 m) are taken as they are. The
  predictions are labelled with the data's own level where they give it, else with the run's
  (:func:`with_training_levels`);
- another quantity, or the same counted the other way (CF ``standard_name`` and ``positive``:
  ``surface_downward_latent_heat_flux``, ``positive = "down"``, given to a run trained on
  ``surface_upward_latent_heat_flux``, ``positive = "up"``, has the opposite sign): refused,
  with the ``ncap2`` that converts the file (:func:`check_quantities`,
  :mod:`climann.data.quantities`);
- anomalies of a temperature given to a run trained on the temperature on its scale, or the
  reverse (CF-1.11 §3.1.2 ``units_metadata``: anomalies in degC marked
  ``"temperature: difference"`` are converted to K without the offset, and were scored
  against 288 K): refused, with the ``ncatted`` that marks a mislabelled copy
  (:func:`check_temperature_readings`, :mod:`climann.data.temperature_readings`);
- another area under an area-mean feature (``[data] global_means``, ``regional_means``): a
  "global mean" of data cut to the tropics is the tropical mean, another quantity with the
  same name. Data whose grid (for a regional mean: whose cells in its box) is not the area
  the mean was taken over in training, to within half a grid cell, are refused
  (:func:`check_area_means`); another resolution over the same area is the same quantity.

The model file records them at training (``time_step``, ``time_cell_methods``, ``levels``, ``quantities``,
``temperature_readings``, the climatology's ``calendar``, see
:func:`climann.workflow.run_directory.model_metadata`). Whatever is unknown on either side —
an attribute missing, an axis without a nominal step, a model file written before they were
recorded — is not compared: such a model file predicts as it always did (one note says so).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from climann.data.cell_methods import time_cell_method, with_time_method, within_years_method
from climann.data.layout import Coordinate, GridLayout
from climann.data.shell import attribute_command, copies_of_files, input_and_copy, ncatted_attribute
from climann.data.sources import files_text, source_files
from climann.data.standard_names import standard_name_of
from climann.data.time_axes import series_averaging_advice
from climann.data.time_axis import PeriodStep, TimeStep, cell_time_step, date_text, values_text
from climann.errors import ClimannError

if TYPE_CHECKING:
    import xarray as xr

    from climann.workflow.predict import TrainedRun

__all__ = ["check_area_means", "check_calendar", "check_cell_methods", "check_levels", "check_like_training",
           "check_place", "other_place", "solar_time_shift",
           "with_trained_input_levels",
           "check_quantities", "check_temperature_readings", "check_time_of_day", "check_time_step", "member_notes",
           "require_recorded_inputs", "training_target_attributes", "with_run_weights_of", "with_training_levels",
           "with_training_quantity", "with_training_step"]

_log = logging.getLogger(__name__)


def check_like_training(run: TrainedRun, layout: GridLayout, *, scoring: bool) -> None:
    """Check new data's levels (:func:`check_levels`), quantities and sign conventions
    (:func:`check_quantities`), temperatures or anomalies (:func:`check_temperature_readings`),
    time step (:func:`check_time_step`), time of day (:func:`check_time_of_day`), calendar
    (:func:`check_calendar`), time cell methods (:func:`check_cell_methods`), the area of their area-mean features
    (:func:`check_area_means`) and their place (:func:`check_place`) against the run's training data.

    Parameters
    ----------
    run : TrainedRun
    layout : GridLayout
        The new data's layout (its time axis, files and variables' ``cell_methods``), from
        their coordinates (:func:`~climann.data.variables.grid_layout`): every route checks
        before it reads a sample, so that large data are refused at once.
    scoring : bool
        Whether the target is scored (``evaluate --data``) rather than only predicted.

    Raises
    ------
    ClimannError
        As the checks.
    """
    check_levels(run, layout)
    check_quantities(run, layout)
    check_temperature_readings(run, layout)
    check_area_means(run, layout)
    check_time_step(run, layout, scoring=scoring)
    check_time_of_day(run, layout)
    check_calendar(run, layout)
    check_cell_methods(run, layout, scoring=scoring)
    check_place(run, layout)


def other_place(run: TrainedRun, layout: GridLayout) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The (latitude, longitude) of a run trained at one place and of new data of one place
    elsewhere (more than :data:`~climann.workflow.training_cells.SAME_CELL_DEGREES` away in
    either), or None: the same place, or data of several places, or a run of several.

    Parameters
    ----------
    run : TrainedRun
        Its model file's ``grid_axes`` give the training place.
    layout : GridLayout
        The new data's.

    Returns
    -------
    tuple of ((float, float), (float, float)) or None
        Degrees north and east: the training place, then the new one.
    """
    from climann.workflow.training_cells import SAME_CELL_DEGREES

    axes = list((run.network.metadata.get("grid_axes") or {}).values())
    if (len(axes) != 2 or any(len(values) != 1 for values in axes) or layout.geographic is not None
            or layout.latitude.values.size != 1 or layout.longitude.values.size != 1):
        return None
    trained = (float(axes[0][0]), float(axes[1][0]))
    new = (float(layout.latitude.values.ravel()[0]), float(layout.longitude.values.ravel()[0]))
    east = abs((new[1] - trained[1] + 180.0) % 360.0 - 180.0)  # 350°E is −10°E
    if abs(new[0] - trained[0]) <= SAME_CELL_DEGREES and east <= SAME_CELL_DEGREES:
        return None
    return trained, new


def check_place(run: TrainedRun, layout: GridLayout) -> None:
    """Warn, in one line naming both places, when a run trained at one place (one station or
    point: one latitude and one longitude in its model file's ``grid_axes``) is given data of one
    place elsewhere (another station of a station file, chosen by its index, or another
    one-point file; more than :data:`~climann.workflow.training_cells.SAME_CELL_DEGREES` away).

    The network maps inputs to the target at its training place; at another place its
    predictions and scores are those of a transfer it was never fitted for, which nothing said
    (fix44d). Runs whose climatology or map is tied to the place refuse such data already
    (:func:`climann.workflow.predict.other_place_message`). Data of several places (a grid, 1-D
    or 2-D) are compared place by place (fix45d: only one place was, and a grid of 9 cells
    around and beyond the training station got no word): one line says how many lie elsewhere,
    whether the training place is among them, and how far the others are (:func:`_places_elsewhere_text`).
    A run with the ``hour`` feature (the UTC hour) given one place at another longitude is also
    told how far its local solar day is shifted (:func:`solar_shift_message`; break45a A3).
    """
    from climann.data.point_pairs import position_text, position_words

    axes = list((run.network.metadata.get("grid_axes") or {}).values())
    if len(axes) == 2 and (beyond := _cells_beyond_training_grid(run, layout)) is not None:
        _log.warning(beyond)
    if len(axes) != 2 or any(len(values) != 1 for values in axes):
        return
    trained = (float(axes[0][0]), float(axes[1][0]))
    latitude, longitude = _new_places(layout)
    record = run.network.metadata.get("station") or {}
    paths = [str(path) for path in run.config.data.paths]
    label = Path(paths[0]).name if len(paths) == 1 and not any(char in paths[0] for char in "*?[") else \
        "the training data"
    trained_at = (f"{'station ' + str(record['name']) + ' ' if record.get('name') else ''}at "
                  f"{position_words(*map(position_text, trained))} in {label}")
    elsewhere = ~_at_place(latitude, longitude, trained)
    if not elsewhere.any():
        return
    if latitude.size > 1:
        _log.warning(_places_elsewhere_text(layout, latitude, longitude, elsewhere, trained, trained_at))
        return
    new = (float(latitude[0]), float(longitude[0]))
    names = [str(each.values) for each in layout.scalar_coordinates if each.attrs.get("cf_role") == "timeseries_id"]
    new_at = f"{'station ' + names[0] + ' ' if names else ''}at {position_words(*map(position_text, new))}"
    _log.warning(f"{files_text(layout.source_files)} holds another place than the run was trained on: {new_at}, "
                 f"not {trained_at}; the network was fitted at its training place only, so its predictions (and "
                 "scores) here are of a transfer to a place it never saw (give data of the training place, or "
                 "train a run on this one)")
    if "hour" in (run.config.data.features or ()):
        shift = solar_time_shift(trained[1], new[1])
        if abs(shift) >= SOLAR_SHIFT_HOURS:
            _log.warning(solar_shift_message(trained[1], new[1], shift))


#: A transfer whose local mean solar time differs from the training place's by at least this many
#: hours (7.5° of longitude) is warned of for a run with the UTC ``hour`` feature.
SOLAR_SHIFT_HOURS = 0.5


def solar_time_shift(trained_longitude: float, new_longitude: float) -> float:
    """How many hours later in the local mean solar day the same UTC instant falls at the new
    place than at the training place: (λ_new − λ_trained) / 15° per hour, the difference of
    longitudes taken in (−180°, 180°]. Local mean solar time = UTC + λ/15 (λ in degrees east).

    Parameters
    ----------
    trained_longitude, new_longitude : float
        Degrees east.

    Returns
    -------
    float
        Hours, in (−12, 12].

    Examples
    --------
    >>> round(solar_time_shift(-72.1715, 13.5651), 3)  # US-Ha1 → DE-Tha
    5.716
    """
    east = -((trained_longitude - new_longitude + 180.0) % 360.0 - 180.0)
    return east / 15.0


def solar_shift_message(trained_longitude: float, new_longitude: float, shift: float) -> str:
    """The warning of a run with the ``hour`` feature (the UTC hour) applied at another longitude:
    the shift of solar time, and local mean solar noon in UTC at both places (12 − λ/15 hours)."""
    def noon(longitude: float) -> str:
        minutes = round((12.0 - longitude / 15.0) * 60) % 1440
        return f"{minutes // 60:02d}:{minutes % 60:02d} UTC"

    way = "later" if shift > 0 else "earlier"
    return (f"the run's hour feature is the UTC hour, and these data are {abs(shift):.1f} h {way} in the local solar "
            f"day than its training place at the same UTC hour (local mean solar noon at {noon(new_longitude)} "
            f"here, {noon(trained_longitude)} there; solar time = UTC + longitude/15°): the network's diurnal cycle "
            f"is put {abs(shift):.1f} h off; train without it (--features season) to transfer between longitudes, "
            "or give predictors that carry the time of day (shortwave radiation)")


def _cells_beyond_training_grid(run: TrainedRun, layout: GridLayout) -> str | None:
    """The warning for data of a run trained on a latitude-longitude grid of several cells whose
    cells lie partly outside it (beyond its latitudes, or its longitudes from its west end to
    its east end, by more than :data:`~climann.workflow.training_cells.SAME_CELL_DEGREES`): how
    many, and the nearest and the farthest of them with their distances from the nearest
    training cell (WGS84, :class:`pyproj.Geod`; the nearest found on the unit sphere by
    :class:`scipy.spatial.cKDTree`); None when none is, or when the run's axes are not its
    latitudes and longitudes (a projected or curvilinear grid: their range is not its
    ``lat_range``). A pointwise model predicts any cell from its features; beyond the training
    grid those predictions are extrapolations in space (fix45d: only a note said the grid
    differed)."""
    from climann.workflow.training_cells import SAME_CELL_DEGREES

    metadata = run.network.metadata
    axes, grid = list((metadata.get("grid_axes") or {}).values()), metadata.get("grid") or {}
    lats, lons = (np.asarray(values, np.float64) for values in axes)
    if (lats.size * lons.size < 2 or "grid_mapping" in metadata or not grid.get("lat_range")
            or not np.allclose([lats.min(), lats.max()], grid["lat_range"], atol=SAME_CELL_DEGREES)):
        return None
    latitude, longitude = _new_places(layout)
    west, east = grid.get("lon_ends") or (float(lons.min()), float(lons.max()))
    span = (east - west) % 360.0
    step = float(np.median(np.diff(np.sort(lons % 360.0)))) if lons.size > 1 else 0.0
    # a global grid (its ends no further apart round the back than two of its steps) holds every longitude
    outside_lon = ((longitude - west) % 360.0 > span + SAME_CELL_DEGREES) & (360.0 - span > 2 * step)
    beyond = (latitude < lats.min() - SAME_CELL_DEGREES) | (latitude > lats.max() + SAME_CELL_DEGREES) | outside_lon
    beyond &= np.isfinite(latitude) & np.isfinite(longitude)
    if not beyond.any():
        return None
    return _beyond_text(layout, latitude[beyond], longitude[beyond], latitude.size, lats, lons, grid)


def _unit_vectors(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Points on the unit sphere, shape (n, 3): nearest by chord is nearest by great circle."""
    phi, lam = np.radians(latitude), np.radians(longitude)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)


def _beyond_text(layout: GridLayout, latitude: np.ndarray, longitude: np.ndarray, n_cells: int, lats: np.ndarray,
                 lons: np.ndarray, grid: dict) -> str:
    """:func:`_cells_beyond_training_grid`'s line for the cells ``latitude``, ``longitude`` beyond it."""
    from pyproj import Geod
    from scipy.spatial import cKDTree

    from climann.data.geometry import longitude_ends_text
    from climann.data.point_pairs import position_text, position_words

    train_lat, train_lon = (values.ravel() for values in np.meshgrid(lats, lons, indexing="ij"))
    nearest = cKDTree(_unit_vectors(train_lat, train_lon)).query(_unit_vectors(latitude, longitude))[1]
    km = Geod(ellps="WGS84").inv(train_lon[nearest], train_lat[nearest], longitude, latitude)[2] / 1000.0

    def at(index: int) -> str:
        where = position_words(position_text(latitude[index]), position_text(longitude[index]))
        return f"{km[index]:.3g} km at {where}"

    span = at(int(np.argmin(km))) if km.size == 1 else f"from {at(int(np.argmin(km)))} to {at(int(np.argmax(km)))}"
    box = (f"latitudes {position_text(lats.min())}…{position_text(lats.max())}, longitudes "
           f"{longitude_ends_text(tuple(grid.get('lon_ends') or (lons.min(), lons.max())))}")
    verb = "lie" if latitude.size > 1 else "lies"
    return (f"{latitude.size} of the {n_cells} cells of {files_text(layout.source_files)} {verb} beyond the training "
            f"grid ({box}), {span} from its nearest cell; the network was fitted on the training grid's cells only, "
            f"so its predictions (and scores) there are extrapolations in space (give data on the training grid, "
            f"or train a run that covers these cells)")


def _new_places(layout: GridLayout) -> tuple[np.ndarray, np.ndarray]:
    """The latitude and longitude (degrees) of every cell of the new data, flattened: a 2-D grid's
    own (:meth:`GridLayout.geographic_coordinates`), else the product of its 1-D axes."""
    if layout.geographic is not None:
        latitude, longitude = layout.geographic_coordinates()
        return np.ravel(latitude).astype(np.float64), np.ravel(longitude).astype(np.float64)
    latitude, longitude = np.meshgrid(np.ravel(layout.latitude.values), np.ravel(layout.longitude.values),
                                      indexing="ij")
    return latitude.ravel().astype(np.float64), longitude.ravel().astype(np.float64)


def _at_place(latitude: np.ndarray, longitude: np.ndarray, place: tuple[float, float]) -> np.ndarray:
    """Whether each position is ``place`` (within :data:`~climann.workflow.training_cells.SAME_CELL_DEGREES`
    in latitude and in longitude, 350°E being −10°E)."""
    from climann.workflow.training_cells import SAME_CELL_DEGREES

    east = np.abs((longitude - place[1] + 180.0) % 360.0 - 180.0)
    return (np.abs(latitude - place[0]) <= SAME_CELL_DEGREES) & (east <= SAME_CELL_DEGREES)


def _places_elsewhere_text(layout: GridLayout, latitude: np.ndarray, longitude: np.ndarray, elsewhere: np.ndarray,
                           trained: tuple[float, float], trained_at: str) -> str:
    """The warning for data of several places given to a run of one place: how many of them lie
    elsewhere, whether the training place is among the others, and the distance of the nearest
    and farthest of them from it (on the WGS84 ellipsoid, :class:`pyproj.Geod`), each named."""
    from pyproj import Geod

    from climann.data.point_pairs import position_text, position_words

    far = Geod(ellps="WGS84").inv(np.full(latitude.size, trained[1]), np.full(latitude.size, trained[0]),
                                  longitude, latitude)[2] / 1000.0
    others = np.flatnonzero(elsewhere)
    nearest, farthest = others[np.argmin(far[others])], others[np.argmax(far[others])]

    def at(index: int) -> str:
        where = position_words(position_text(latitude[index]), position_text(longitude[index]))
        return f"{far[index]:.3g} km away at {where}"

    among = (f"{latitude.size - others.size} at the training place" if others.size < latitude.size
             else "none at the training place")
    span = at(nearest) if others.size == 1 else f"from {at(nearest)} to {at(farthest)}"
    verb = "holds" if len(layout.source_files) <= 1 else "hold"
    return (f"{files_text(layout.source_files)} {verb} {latitude.size} places and the run was trained at one, "
            f"{trained_at}: {others.size} of them lie elsewhere, {span} ({among}); the network was fitted at its "
            f"training place only, so its predictions (and scores) at the others are of a transfer to places it "
            f"never saw (give data of the training place, or train a run on these)")


def check_time_of_day(run: TrainedRun, layout: GridLayout) -> None:
    """Refuse new data without a time of day for a run that takes the ``hour`` feature.

    A run trained with ``hour`` (the UTC time of day, :func:`~climann.data.features.hour_sin_cos`)
    needs values of an instant or of a cell shorter than a day: a daily or longer mean has no
    time of day, and the hour its stamp or cell middle falls on (00:00 or 12:00) would be read as
    one. The values are taken to be of a day or longer when their time bounds say so (CF 1.8
    section 7.1, :func:`~climann.data.time_axis.cell_time_step`), or, without bounds, when no day
    holds two of them and some input is not an instant (its ``cell_methods`` says no
    ``time: point``): 6-hourly instants, or 3-hourly ones at 12:00 only (``cdo selhour,12``),
    are taken at their hours; ``check_time_step`` warns of another spacing. A run without ``hour``
    (every run trained before it existed) is not concerned.

    Raises
    ------
    ClimannError
        If the run has ``hour`` and the new data's values are of a day or longer.
    """
    from climann.data.features import sub_daily

    if "hour" not in (run.config.data.features or ()):
        return
    cells = cell_time_step(layout.time_bounds) if layout.time_bounds is not None else None
    if cells is not None:
        daily = cells.approximate_days >= 1
        what = f"{cells.name} values (their time bounds)"
    else:
        inputs = [run.config.data.target, *run.config.data.predictors]
        methods = {name: time_cell_method(layout.variable_cell_methods.get(name), layout.time.name)
                   for name in inputs if name in layout.variable_units}
        means = [name for name, method in methods.items() if method != "time: point"]
        daily = bool(means) and not sub_daily(layout.time.values)
        said = [f"{name}'s cell_methods say '{methods[name]}'" if methods[name] else f"{name} has no cell_methods"
                for name in means]
        what = (f"one value a day at most of {', '.join(means)}, with no time bounds, and nothing says they are "
                f"instants (time: point): {'; '.join(said)}")
    if daily:
        raise ClimannError(
            f"this run takes the time of day (its 'hour' feature), which {_files(layout)} "
            f"{'has' if len(layout.source_files) <= 1 else 'have'} not: {what}; give sub-daily data "
            f"(instants or means shorter than a day), or retrain the run without 'hour' in [data] features")


def check_area_means(run: TrainedRun, layout: GridLayout) -> None:
    """Refuse new data whose area-mean features would be taken over another area than in training.

    Each area-mean feature's area in training (``area_extents`` of the model file, see
    :class:`~climann.data.area_means.AreaExtent`) is compared with the area the new data give
    it (``layout.area_extents``): the outer cell edges must agree to within half a cell of the
    coarser grid, longitudes modulo 360° (another order, longitude convention or resolution
    over the same area is the same quantity). A model file written before the record gives
    its training grid's axes (``grid_axes``) instead, when the run selected no ``region`` (the
    means were then taken over that grid); otherwise one warning line says the area is not
    checked.

    Parameters
    ----------
    run : TrainedRun
    layout : GridLayout
        The new data's layout, with the extents of their area-mean series.

    Raises
    ------
    ClimannError
        Naming the feature, its area in training, the data's, and the way out.
    """
    from climann.data.area_means import AreaExtent, area_mean_requests

    data = run.config.data
    requests = area_mean_requests(data.global_means, data.regional_means)
    recorded = run.network.metadata.get("area_extents")
    if recorded is None and requests:
        recorded = _extents_of_trained_grid(run, requests)
        if recorded is None:
            _log.warning(f"this run's model.npz predates the record of the area its area means ({requests[0][0]}, …) "
                         "were taken over: the new data's are not checked to be over the same area (retrain to check "
                         "them)")
            return
    for column, name, box in requests:
        if column not in recorded or column not in layout.area_extents:
            continue
        trained, new = AreaExtent.from_record(recorded[column]), AreaExtent.from_record(layout.area_extents[column])
        if new.covers(trained) and trained.covers(new):
            continue
        setting = f"[data] regional_means.{name}" if box else "[data] global_means"
        way_out = ("cut the data to that area (e.g. cdo sellonlatbox)" if new.covers(trained)
                   else "give data that cover the whole box" if box
                   else "give the data on the whole grid the mean was taken over")
        way_out += "" if new.covers(trained) else " (cut the predictions afterwards)"
        raise ClimannError(
            f"the feature {column} is the area mean over {trained} in training, but {_files(layout)} "
            f"give{'s' if len(layout.source_files) <= 1 else ''} it over {new}, another quantity: {way_out}, or "
            f"retrain without {setting}")


def _extents_of_trained_grid(run: TrainedRun, requests: list) -> dict[str, list[float]] | None:
    """The area-mean features' areas as a model file without ``area_extents`` tells them: on
    its regular training grid (``grid_axes``, no grid mapping) when the run selected no
    ``region`` (its grid was then the whole grid); None when it cannot tell."""
    from climann.data.area_means import axes_box_extent

    meta = run.network.metadata
    axes = list((meta.get("grid_axes") or {}).values())
    if run.config.data.region or len(axes) != 2 or meta.get("grid_mapping") is not None:
        return None
    extents = {column: axes_box_extent(*axes, box) for column, _, box in requests}
    if any(extent is None for extent in extents.values()):
        return None
    return {column: extent.record() for column, extent in extents.items()}


def _trained_levels(run: TrainedRun) -> dict[str, tuple[Coordinate, ...]]:
    """The levels of the run's inputs as ``model.npz`` records them (``levels``, see
    :func:`climann.workflow.run_directory.input_levels`): variable → levels; empty for a model
    file written before they were recorded."""
    from climann.data.levels import from_record

    return {str(name): tuple(from_record(str(level), record) for level, record in levels.items())
            for name, levels in (run.network.metadata.get("levels") or {}).items()}


def with_trained_input_levels(run: TrainedRun, layout: GridLayout) -> GridLayout:
    """``layout`` of new data with the levels of the inputs besides the target
    (:attr:`~climann.data.layout.GridLayout.input_levels`, which the predictions file names) as
    the run records them (``model.npz`` ``levels``): the network's inputs were at them, and
    :func:`check_levels` refuses new data at others. New data may say none (ERA5's ``t2m`` for a
    2 m ``tas``), or one the run did not take (a file rewritten by xarray lists a scalar
    ``height`` among every variable's ``coordinates``); a model file written before the record
    names none.

    Parameters
    ----------
    run : TrainedRun
    layout : GridLayout
        Of the new data.

    Returns
    -------
    GridLayout
    """
    trained = _trained_levels(run)
    return dataclasses.replace(layout, input_levels={name: levels for name, levels in trained.items()
                                                     if name != layout.target_name and levels})


def check_levels(run: TrainedRun, layout: GridLayout) -> None:
    """Refuse new data holding a variable at another level than the run was trained on.

    Each level recorded at training (a CF scalar coordinate, CF conventions 1.8 §5.7:
    ``plev = 85000 Pa`` of ``ua``; :mod:`climann.data.levels`) is compared with the same
    variable's level in the new data (``layout.variable_levels``; the level of the same name,
    else of the same ``standard_name``), converted to the recorded units with pint
    (:func:`climann.data.levels.same_level`: 850 hPa is 85000 Pa). A level of another kind
    only (``plev`` where the run's ``tas`` was at ``height`` 2 m: a pressure-level air
    temperature renamed ``tas``) is another level, and so is a level of the same name of another
    kind (:func:`climann.data.levels.level_kind`: model level 6 of an ocean sigma-z ``lev`` for
    the run's depth ``lev = 6 m``), refused naming both kinds. A variable without a level in the new data
    (ERA5's ``t2m`` for a 2 m ``tas``), or a model file written before the levels were
    recorded, is not compared.

    Raises
    ------
    ClimannError
        Naming the variable, both levels and the way out.
    """
    from climann.data.levels import level_kind, level_text, matching_level, other_kind_text, same_level

    for name, trained_levels in _trained_levels(run).items():
        levels = layout.variable_levels.get(name, ())
        for trained in trained_levels:
            level = matching_level(trained, levels)
            if level is None and levels and not any(matching_level(each, levels) for each in trained_levels):
                level = levels[0]  # a level of another kind: 850 hPa given for a 2 m height (verify23 F3)
            if level is None or same_level(trained, level):
                continue
            kind = level_kind(trained)  # a depth given as a model level of the same number (break42b A1)
            refusal = None if kind is None or level.name != trained.name else other_kind_text(
                level.name, kind, level, value=np.asarray(trained.values).item(),
                units=str(trained.attrs.get("units", "")), positive=trained.attrs.get("positive"),
                where=_variable_files(layout, name), reference=f"the model's training data of {name}",
                chosen_by="CF scalar coordinate")
            if refusal is not None:
                raise ClimannError(refusal)
            raise ClimannError(
                f"{name} in {_variable_files(layout, name)} is at {level_text(level)}, the model was trained on "
                f"{name} at {level_text(trained)} (CF scalar coordinate): give {name} at {level_text(trained)}, or "
                f"retrain the run on {name} at {level_text(level)}")


def require_recorded_inputs(run: TrainedRun, dataset: xr.Dataset, files: Sequence[str | Path], *,
                            with_target: bool) -> None:
    """Refuse new data that hold one of the run's inputs under another name only: a variable
    of the run (its predictors, and its target when ``with_target``) missing under its name
    while exactly one variable of the data has the ``standard_name`` recorded for it at
    training (``model.npz`` ``quantities``): ERA5's ``t2m`` for a run trained on CMIP's ``tas``,
    ``tcc`` for ``clt``. It is named, never used in its place (its values may still be
    another field: the user says so by renaming it). Data missing a variable without such a
    namesake are left to the usual refusal (:func:`climann.data.variables.require_variable`).

    Raises
    ------
    ClimannError
        Naming the missing variable, the one with its standard_name, and the ``ncrename``
        that renames it in a copy of the file.
    """
    from climann.data.variables import require_variable, same_standard_name_variables

    recorded = run.network.metadata.get("quantities") or {}
    target = run.config.data.target
    where = files_text(files) or "the data"
    for name in ([target] if with_target else []) + [p for p in run.config.data.predictors if p != target]:
        standard_name = (recorded.get(name) or {}).get("standard_name", "")
        if name not in dataset.data_vars and len(same_standard_name_variables(dataset, standard_name)) == 1:
            require_variable(dataset, name, where, role="target" if name == target else "variable",
                             standard_name=standard_name, taken=(target, *run.config.data.predictors))


def check_quantities(run: TrainedRun, layout: GridLayout) -> None:
    """Refuse new data holding a variable of another quantity, or of the opposite sign
    convention, than the run was trained on.

    Each variable's ``standard_name`` and ``positive`` recorded at training (``model.npz``
    ``quantities``, :func:`climann.workflow.run_directory.input_quantities`) are compared
    with the new data's (``layout.variable_quantities``) by
    :func:`climann.data.quantities.quantity_clash`: ``surface_downward_latent_heat_flux``
    (``positive = "down"``, ERA5 and ocean files) given to a run trained on CMIP's
    ``surface_upward_latent_heat_flux`` (``positive = "up"``) would be read with the wrong
    sign. An attribute missing on either side is not compared; a model file written before
    the record compares nothing, with one note.

    Raises
    ------
    ClimannError
        Naming the variable, both records and the ``ncap2`` that converts a copy of its file.
    """
    from climann.data.quantities import quantity_refusal

    recorded = run.network.metadata.get("quantities")
    if recorded is None:
        _log.info("this run's model.npz predates the record of its inputs' standard_name and positive attributes: "
                  "the new data's quantities and sign conventions are not compared with them (retrain to compare them)")
        return
    _refuse_unlike_training(recorded, layout.variable_quantities, layout, quantity_refusal)


def check_temperature_readings(run: TrainedRun, layout: GridLayout) -> None:
    """Refuse new data holding anomalies of a temperature the run was trained on as
    temperatures on their scale, or the reverse (CF-1.11 §3.1.2 ``units_metadata``).

    Each variable's reading at training (``model.npz`` ``temperature_readings``,
    :func:`climann.workflow.run_directory.input_temperature_readings`: ``"on_scale"`` or
    ``"difference"``) is compared with the new data's (``layout.variable_temperature_readings``,
    :func:`climann.data.temperature_readings.temperature_reading`): anomalies in degC marked
    ``"temperature: difference"`` are converted to K without the offset and, given to a run
    trained on absolute temperatures, were predicted and scored against 288 K (MSE 8e4 K²). A
    variable that is not a temperature on either side is not compared; a model file written
    before the record compares nothing, with one note.

    Raises
    ------
    ClimannError
        Naming the variable, its file, both readings and the way out (the data of the run's
        kind, or the ``ncatted`` that corrects a mislabelled copy).
    """
    from climann.data.temperature_readings import temperature_reading_refusal

    recorded = run.network.metadata.get("temperature_readings")
    if recorded is None:
        _log.info("this run's model.npz predates the record of how its temperatures were read (on their scale or as "
                  "differences): the new data's are not compared with it (retrain to compare them)")
        return
    _refuse_unlike_training({name: str(trained) for name, trained in recorded.items()},
                            layout.variable_temperature_readings, layout, temperature_reading_refusal)


def _refuse_unlike_training(recorded: Mapping[str, object], found: Mapping[str, object], layout: GridLayout,
                            refusal: Callable[..., str | None]) -> None:
    """Raise the first ``refusal`` of a variable recorded at training (``recorded``, from
    ``model.npz``) whose record in the new data (``found``) differs; a variable the new data
    record nothing for is not compared.

    Raises
    ------
    ClimannError
        ``refusal(name, trained, new, where=its files, file=its first file, own=its name there)``
        when that is not None.
    """
    for name, trained in recorded.items():
        new = found.get(name)
        if new is None:
            continue
        file = _variable_file(layout, name)
        refused = refusal(name, trained, new, where=_variable_files(layout, name), file=file,
                          own=layout.name_in_file(name, file))
        if refused is not None:
            raise ClimannError(refused)


def training_target_attributes(run: TrainedRun) -> dict[str, str]:
    """The target's ``standard_name``, ``long_name`` and ``cell_methods`` as the run recorded
    them (``model.npz`` ``target_attributes``); for a model file from before that record, the
    ``standard_name`` of its ``quantities`` and the time part of its ``cell_methods``
    (``time_cell_methods``), which it records."""
    target = run.config.data.target
    metadata = run.network.metadata
    recorded = metadata.get("target_attributes")
    if recorded is not None:
        return dict(recorded)
    older = {"standard_name": (metadata.get("quantities") or {}).get(target, {}).get("standard_name"),
             "cell_methods": (metadata.get("time_cell_methods") or {}).get(target)}
    return {key: value for key, value in older.items() if value}


def with_training_quantity(run: TrainedRun, dataset: xr.Dataset) -> xr.Dataset:
    """New data whose target has no ``standard_name`` carry the run's: the name its file gave
    was dropped as the values were converted to the run's units of another quantity
    (``precipitation_amount`` in ``mm month-1`` made ``kg m-2 s-1``,
    :func:`climann.data.units.convert_variable`), or the file gave none. The predictions file
    then says what its values are. Unchanged without the target or a recorded name."""
    target = run.config.data.target
    name = training_target_attributes(run).get("standard_name")
    if target not in dataset or not name or standard_name_of(dataset[target].attrs):
        return dataset
    return dataset.assign({target: dataset[target].assign_attrs(standard_name=name)})


def with_training_levels(run: TrainedRun, dataset: xr.Dataset) -> xr.Dataset:
    """New data whose target carries the run's levels (``model.npz`` ``levels``) where it does
    not say its own (a target absent, or without the coordinate): the predictions are of the
    target at the level the model learnt, and their file is labelled so. A target at the same
    level keeps its file's own coordinate, value and attributes (``plev = 85000 Pa`` stays
    85000 Pa for a run trained at 850 hPa): the predictions file keeps the input's conventions,
    and its copy of the target is labelled as its file labels it. A target at another level, or
    at levels of another kind only (``plev`` where the run's was at ``height``), is left as it
    is, for :func:`check_levels` to refuse. Unchanged for a model file without the
    record."""
    from climann.data.levels import LEVELS_KEY, matching_level, same_level
    from climann.data.variables import variable_levels

    target = run.config.data.target
    trained = _trained_levels(run).get(target)
    if not trained or target not in dataset:
        return dataset
    own = variable_levels(dataset, target)
    matches = [matching_level(level, own) for level in trained]
    if any(level is not None and not same_level(old, level) for old, level in zip(trained, matches)):
        return dataset
    if own and all(level is None for level in matches):
        return dataset  # a level of another kind only (plev for a 2 m height): check_levels refuses it
    levels = tuple(old if level is None else level for old, level in zip(trained, matches))
    others = tuple(level for level in own if all(level is not match for match in matches))
    variable = dataset[target].variable.copy(deep=False)
    variable.encoding = {**variable.encoding, LEVELS_KEY: (*levels, *others)}
    return dataset.assign({target: variable})


def with_run_weights_of(run_dir: str | Path, dataset: xr.Dataset) -> xr.Dataset:
    """Other data marked with what weighed the cells of the run's own scores (``metrics.json``
    ``weighted_by`` of ``run_dir``, :func:`climann.data.area_fractions.with_run_weights`): a
    "where land" target without the land fraction the run weighed by is then warned to be scored
    otherwise than the run was (verify25 F1). Unchanged for a run without the record."""
    from climann.data.area_fractions import with_run_weights
    from climann.data.coords import time_coordinate

    try:
        recorded = json.loads((Path(run_dir) / "metrics.json").read_text())
    except (OSError, ValueError):
        return dataset
    weighted_by = recorded.get("weighted_by") if isinstance(recorded, dict) else None
    name = time_coordinate(dataset)
    if not isinstance(weighted_by, str) or name is None:
        return dataset
    return with_run_weights(dataset, name, weighted_by)


def warn_other_cell_areas(run_dir: str | Path, layout: GridLayout, target_attrs: Mapping[str, object]) -> None:
    """Warn in one line when the run's scores were weighed by its data's own cell areas
    (``metrics.json`` ``cell_areas``: ``areacello``; a run from before the record: its
    ``predictions.nc``'s target's ``cell_measures``) and the new data's are weighed by areas
    computed from the grid, their target's ``cell_measures`` naming a variable whose file is not
    given (break42b A6: MSE 26.49701 by the computed areas against 26.50151 by ``areacello``,
    unsaid). The new scores record ``cell_areas = "computed"``.

    Parameters
    ----------
    run_dir : str or Path
        The run directory.
    layout : GridLayout
        The new data's layout.
    target_attrs : mapping
        The new data's target's attributes (its ``cell_measures``).
    """
    from climann.evaluation.cell_measures import COMPUTED_AREAS, cell_areas_source

    recorded = _run_cell_areas(Path(run_dir), layout.target_name)
    if recorded in (None, COMPUTED_AREAS) or cell_areas_source(layout) != COMPUTED_AREAS:
        return
    named = re.search(r"area:\s*(\S+)", str(target_attrs.get("cell_measures", "")))
    lacking = (f"{layout.target_name}'s cell_measures names {named.group(1)}, whose file is not among them"
               if named else f"they give {layout.target_name} no cell areas")
    _log.warning(f"the run's scores were weighed by its data's own cell areas ({recorded}), these data's are weighed "
                 f"by areas computed from the grid ({lacking}), so the two scores weigh the cells slightly "
                 f"differently; to weigh as the run did, give the file of {named.group(1) if named else recorded} "
                 f"with the data (another --data)")


def _run_cell_areas(run_dir: Path, target: str) -> str | None:
    """Whose areas weighed the run's scores: ``metrics.json``'s ``cell_areas``, or for a run from
    before the record the variable its ``predictions.nc`` names in the target's ``cell_measures``
    (the input's own areas are written under their name, computed ones as ``cell_area``); None
    when neither says."""
    from climann.data.handles import open_netcdf
    from climann.evaluation.cell_measures import CELL_AREA_NAME, COMPUTED_AREAS

    try:
        recorded = json.loads((run_dir / "metrics.json").read_text())
    except (OSError, ValueError):
        recorded = None
    if isinstance(recorded, dict) and isinstance(recorded.get("cell_areas"), str):
        return recorded["cell_areas"]
    try:
        with open_netcdf(run_dir / "predictions.nc", decode_times=False) as predictions:
            measures = str(predictions[target].attrs.get("cell_measures", "")) if target in predictions else ""
    except (OSError, ValueError):
        return None
    named = re.search(r"area:\s*(\S+)", measures)
    if named is None:
        return None
    return COMPUTED_AREAS if named.group(1).startswith(CELL_AREA_NAME) else named.group(1)


def with_training_step(run: TrainedRun, dataset: xr.Dataset) -> xr.Dataset:
    """New data with the run's training step (``model.npz`` metadata ``time_step``) recorded
    as the step of values whose time axis cannot tell it (a single time step), for the
    ``season`` and ``year`` features to date it by the cell that step implies, as within a
    longer series (:func:`climann.data.time_cells.with_known_step`); unchanged for a model
    file without the record.

    Times further apart than the training step without time bounds are taken as values of
    the training step (a subset, :func:`check_time_step` warns so): that step is recorded as
    the step of their values (:func:`climann.data.time_cells.with_value_step`), so that
    persistence, which forecasts with the value one such step earlier, is left out rather than
    scored with the value of the previous time in the file (break20 F1: 2 months back on monthly
    data every other month). The time is marked as new data for the run
    (:func:`climann.data.time_cells.for_trained_run`): the run's ``season`` feature is the season
    of each new date, one start a year included."""
    from climann.data.coords import time_coordinate
    from climann.data.time_axis import axis_time_step
    from climann.data.time_cells import VALUE_STEP_KEY, for_trained_run, with_known_step, with_value_step
    from climann.data.variables import _time_bounds

    record = run.network.metadata.get("time_step")
    trained = TimeStep.from_record(record) if record else None
    dataset = for_trained_run(with_known_step(dataset, trained))
    name = time_coordinate(dataset)
    unbounded = name is not None and _time_bounds(dataset, name) is None
    if trained is None and unbounded and _no_periods_shown(dataset[name]):
        dataset = _with_trained_periods(run, dataset)
    if trained is None or name is None or _time_bounds(dataset, name) is not None:
        return dataset
    spacing = axis_time_step(dataset[name].values)
    recorded = dataset[name].encoding.get(VALUE_STEP_KEY)
    finer = recorded is None or TimeStep.from_record(recorded).approximate_days > trained.approximate_days
    if spacing is not None and spacing.approximate_days > trained.approximate_days and finer:
        return with_value_step(dataset, trained)
    return dataset


def _no_periods_shown(time: xr.DataArray) -> bool:
    """Whether times without bounds are too few to be dated by a calendar of periods by themselves:
    one time; a few of no calendar (:func:`~climann.data.composites.period_positions`: two dekads
    stamped on their last days, 1980-08-31 and 1980-09-10); or a few evenly spaced, which are read as
    cells of that spacing (:func:`~climann.data.time_axis.axis_time_step`: 1980-08-31, 09-10 and 09-20
    as 10-day cells from each stamp, where a series of dekads, 8 to 11 days apart, has no such step)."""
    from climann.data.composites import period_positions
    from climann.data.time_axis import axis_time_step

    values = list(np.asarray(time.values))
    if len(values) < 2 or not all(hasattr(value, "calendar") for value in values):
        return True
    return period_positions(values) is None or axis_time_step(np.asarray(values)) is not None


def _fits_periods(values: list, periods: PeriodStep) -> bool:
    """Whether times are consecutive periods of ``periods`` (or some of them): one period each,
    in order, and no two consecutive times further apart than the longer of their periods
    (:func:`~climann.data.composites.period_cells`): monthly means are not every third dekad."""
    from climann.data.composites import period_cells

    if not all(hasattr(value, "calendar") for value in values):
        return False
    found = period_cells(values, periods)
    if found is None:
        return False
    cells = found[1]
    days = [(high - low).total_seconds() / 86400.0 for low, high in cells]
    for k in range(1, len(values)):
        gap = (values[k] - values[k - 1]).total_seconds() / 86400.0
        if not cells[k - 1][1] <= cells[k][0] or gap > max(days[k - 1], days[k]):
            return False
    return True


def _with_trained_periods(run: TrainedRun, dataset: xr.Dataset) -> xr.Dataset:
    """Time steps without bounds too few to show their calendar (:func:`_no_periods_shown`: one
    step; a dekad given by ``--time-range`` with the step kept before it for persistence, 1980-08-31
    and 1980-09-10) given to a run trained on a calendar of periods (``model.npz``
    ``time_periods``, ``time_periods_a_year``: CPC's pentads, dekads, MODIS's composites), with that
    calendar recorded as their values' (:func:`climann.data.time_cells.with_value_periods`) when
    they fit it (:func:`_fits_periods`): their ``season`` feature is then dated by each period's
    middle, as each step of the training series (:func:`climann.data.time_cells.inferred_cells`), not
    by the stamp, and ``predictions.nc`` carries the periods as ``time_bnds``
    (:func:`climann.evaluation.predictions.written_time_cells`) as it does for more steps (break51
    N5: one dekad predicted had none, three had them). Unchanged for a run trained on no such
    calendar."""
    from climann.data.composites import MONTH_PERIOD_NAMES
    from climann.data.coords import time_coordinate
    from climann.data.time_cells import with_value_periods

    period, per_year = _trained_periods(run)
    per_month = {name: count for count, name in MONTH_PERIOD_NAMES.items() if name != "pentad"}
    if per_year is None and period in per_month:  # recorded before the count (5 December 2026): one count each
        per_year = 12 * per_month[period]
    composite = str(period).endswith("-day composite")
    if not (period == "pentad" or period in per_month or composite) or (per_year is None and not composite):
        return dataset
    per_year = int(per_year or 0)  # a composite's cell is of its days alone
    periods = PeriodStep(str(period), per_year, f"{period}s ({per_year} a year)")
    values = list(np.asarray(dataset[time_coordinate(dataset)].values))
    if len(values) > 1 and not _fits_periods(values, periods):
        return dataset
    return with_value_periods(dataset, periods)


def check_calendar(run: TrainedRun, layout: GridLayout) -> None:
    """Say, in one warning line, when the run's target climatology per day of year
    (``[data] target_anomaly``) is looked up for the new data at the same fraction of the
    year rather than by day number: their calendar is not the training data's and some of
    their years have another length in it (:func:`climann.evaluation.baselines.climatology_days`).
    Nothing is said for a climatology per calendar month, or one whose model file predates
    the record of its calendar (looked up by day number, as then)."""
    from climann.evaluation.baselines import climatology_days

    record = run.network.metadata.get("target_climatology") or {}
    calendar, times, per = record.get("calendar"), layout.time.values, record.get("per")
    by_date = per in ("calendar month", "whole record") or record.get("month_periods")  # not day numbers
    if calendar is None or not len(times) or times[0].calendar == calendar or by_date:
        return
    days = np.array([time.dayofyr for time in times])
    moved = np.flatnonzero(climatology_days(times, calendar) != days)
    if not moved.size:
        return
    last = moved[-1]
    _log.warning(
        f"{_files(layout)} {'is' if len(layout.source_files) <= 1 else 'are'} in the {times[0].calendar} calendar, the "
        f"run's climatology per {per} (target_anomaly) in {calendar}: at {moved.size} of {len(times)} "
        "time steps it is looked up at the same fraction of the year, not by day number (as xarray's "
        f"convert_calendar align_on='year'; e.g. {date_text(times[last], precision='day')}, day {days[last]} → day "
        f"{climatology_days(times[last:last + 1], calendar)[0]})"
    )


def _files(layout: GridLayout) -> str:
    """The new data's files for a message: ``daily.nc``, ``a.nc, b.nc`` or ``a.nc, b.nc …``."""
    names = [Path(file).name for file in layout.source_files] or ["the new data"]
    return ", ".join(names[:2]) + (" …" if len(names) > 2 else "")


def _variable_files(layout: GridLayout, name: str) -> str:
    """The files of the new data holding the variable ``name``, for a message about it
    (:func:`climann.data.sources.files_text`; all of them when not recorded)."""
    return files_text(layout.files_of(name)) or "the new data"


def _first_file(layout: GridLayout) -> str:
    """The new data's first file, for commands (``FILE.nc`` when unknown)."""
    return layout.source_files[0] if layout.source_files else "FILE.nc"


def _variable_file(layout: GridLayout, name: str) -> str:
    """The first file holding the variable ``name``, for a command that changes it
    (``FILE.nc`` when unknown)."""
    files = layout.files_of(name)
    return files[0] if files else "FILE.nc"


def _step_dependent(run: TrainedRun) -> list[str]:
    """The run's features whose meaning depends on the time step: lags (k steps earlier) and
    a ``target_anomaly`` climatology (per calendar month or day of the year, by the step)."""
    data = run.config.data
    lags = " ".join(f"{name}={','.join(map(str, steps))}" for name, steps in data.lags.items() if steps)
    return ([f"lags ({lags})"] if lags else []) + (["target_anomaly"] if data.target_anomaly else [])


def _lag_text(run: TrainedRun) -> tuple[str, int]:
    """The run's lags for a message (``tas=1 rsdt=1,2``) and the longest of them, 0 without lags."""
    lags = {name: steps for name, steps in run.config.data.lags.items() if steps}
    text = " ".join(f"{name}={','.join(map(str, steps))}" for name, steps in lags.items())
    return text, max((max(steps) for steps in lags.values()), default=0)


def _lags_refusal(run: TrainedRun, layout: GridLayout, trained: TimeStep, spacing: TimeStep | None,
                  cells: TimeStep | None) -> ClimannError:
    """Why a lagged run cannot predict the new data: the values its lags take, ``trained``
    steps before each one, are not in them (a single time, irregular times, or values further
    apart than the lags reach, as a ``cdo selmon,1`` subset of monthly data)."""
    lags, longest = _lag_text(run)
    files, verb = _files(layout), "holds" if len(layout.source_files) <= 1 else "hold"
    times = layout.time.values
    if len(times) == 1:
        found = f"{files} {verb} a single time step ({times[0]})"
    elif spacing is None:
        found = f"the times of {files} ({times[0]} … {times[-1]}) have no regular step to count them by"
    else:
        what = (f"{trained.name} values {spacing.span()} apart" if cells == trained else
                f"values {spacing.span()} apart ({trained.name} ones of a subset, or {spacing.name} ones: no time "
                f"bounds tell which)")
        found = f"{files} {verb} {what}, so the earlier ones are not in it"
    return ClimannError(f"the run's lags ({lags}) take the values {trained.span(longest)} before each step, and "
                        f"{found}; give the whole {trained.name} series, from at least {trained.span(longest)} before "
                        f"the first step to predict")


def _trained_periods(run: TrainedRun) -> tuple[str | None, int | None]:
    """The run's calendar of periods as ``model.npz`` records it: ``time_periods`` and
    ``time_periods_a_year``. A file written before the count was recorded (5 December 2026)
    with ``"pentad"`` was trained on CPC's pentads (73 a year): CHIRPS's were not yet told from
    them; its other periods have one count each and are not compared by it (None)."""
    from climann.data.composites import PENTADS_A_YEAR

    meta = run.network.metadata
    trained, per_year = meta.get("time_periods"), meta.get("time_periods_a_year")
    if per_year is None and trained == "pentad":
        per_year = PENTADS_A_YEAR
    return trained, None if per_year is None else int(per_year)


def _check_time_periods(run: TrainedRun, layout: GridLayout) -> None:
    """Refuse new data whose periods are not the ones the run's lags count: a run trained on
    a calendar of periods (``model.npz`` metadata ``time_periods``: pentads, dekads, MODIS's
    composites, :func:`climann.data.composites.period_positions`) counts its lags in those
    periods, and on daily data would take the value k days back as the value k pentads back.

    CPC's pentads (73 a year) and CHIRPS's (72, six a month) are both "pentad": the count a year
    (``time_periods_a_year``) tells them apart.

    Raises
    ------
    ClimannError
        If the run has lags and the new data are not of its period calendar.
    """
    from climann.data.composites import PENTAD_CALENDARS, period_positions
    from climann.data.time_axis import axis_time_step

    trained, per_year = _trained_periods(run)
    lags, longest = _lag_text(run)
    if not trained or not longest:
        return
    times = np.unique(layout.time.values)
    found = period_positions(times) if len(times) > 1 else None
    if found is not None and found[0].period == trained and per_year in (None, found[0].per_year):
        return
    if found is not None and found[0].period == trained:  # CPC's pentads and CHIRPS's: both "pentad"
        calendar = PENTAD_CALENDARS.get(per_year, f"{trained}s ({per_year} a year)")
        new_calendar = PENTAD_CALENDARS.get(found[0].per_year, found[0].description)
        raise ClimannError(f"the run's lags ({lags}) count {calendar}, as it was trained on them, and "
                           f"{_files(layout)} {'holds' if len(layout.source_files) <= 1 else 'hold'} {new_calendar}: "
                           f"the {trained}s of one calendar are not those of the other; give {calendar.split(' (')[0]}"
                           f", or retrain the run on {new_calendar.split(' (')[0]}")
    step = axis_time_step(times) if len(times) > 1 else None
    what = (found[0].description if found is not None else "a single time step" if len(times) == 1 else
            f"{step.name} values" if step is not None else "times of no regular step and no period calendar")
    raise ClimannError(f"the run's lags ({lags}) take the values {longest} {trained}{'s' if longest > 1 else ''} "
                       f"before each step, as it was trained on {trained}s, and {_files(layout)} "
                       f"{'holds' if len(layout.source_files) <= 1 else 'hold'} {what}; give {trained}s of the same "
                       f"calendar, from at least {longest} {trained}{'s' if longest > 1 else ''} before the first step "
                       f"to predict")


def persistence_step_text(run: TrainedRun, layout: GridLayout) -> str | None:
    """What the persistence baseline of new data is when their step is not the run's, or None.

    Persistence predicts each value by the one before it in the data given (the previous
    step of their time axis): on 6-hourly data scored by a 3-hourly run, a 6-hour
    persistence, which is harder to beat than the run's own 3-hour one (break40b B6: MSE
    22.36 K² against 19.54 K²). The run's own step cannot be taken from data that lack the
    values between; the sentence says which persistence the table holds.

    Parameters
    ----------
    run : TrainedRun
    layout : GridLayout
        The new data's layout (their time axis).

    Returns
    -------
    str or None
        "persistence is the previous step of the data given, 6 hours before; the run's own (3
        hours before, its 3-hourly step) needs 3-hourly data"; the step of the data alone when the
        run records none ("… 1 year before", rerun41 R6: training had left persistence out); None
        when the steps agree, the data's is unknown, or persistence is left out of these data
        (:func:`~climann.evaluation.baselines.persistence_left_out`). In a run on a forecast at one
        lead, persistence is the value observed before each forecast's start whatever the step
        (:func:`~climann.evaluation.baselines.forecast_persistence`), and the sentence says that:
        "the previous step of the data given" was said of Feb/May/Aug/Nov starts at
        ``forecastMonth = 3`` whose persistence was the month before each start.
    """
    from climann.evaluation.baselines import forecast_persistence, persistence_left_out
    from climann.workflow.run_directory import nominal_time_step

    record = run.network.metadata.get("time_step")
    spacing = nominal_time_step(layout)
    # monthly values 12 months apart: persistence is left out (its month before is not in the data), with its note
    if spacing is None or persistence_left_out(layout) is not None:
        return None
    if (forecast := forecast_persistence(layout)) is not None:  # by each forecast's start, not by the data's step
        trained = TimeStep.from_record(record) if record else None
        return None if spacing == trained else (
            f"persistence is the target's value of {forecast.before}, as in the run's own scores, whatever the "
            f"spacing of the data given ({spacing.span()})")
    if not record:  # S2S starts of one day a year, trained beside others (no step): rerun41 R6
        return (f"persistence is the previous step of the data given, {spacing.span()} before; the run records no "
                f"time step of its own (its training data had none, or it predates the record) to compare with")
    trained = TimeStep.from_record(record)
    if spacing == trained:
        return None
    return (f"persistence is the previous step of the data given, {spacing.span()} before; the run's own "
            f"({trained.span()} before, its {trained.name} step) needs {trained.name} data")


def check_time_step(run: TrainedRun, layout: GridLayout, *, scoring: bool = False) -> None:
    """Compare what each value of the new data is — the length of its time cell — with the
    training data's step (``model.npz`` metadata ``time_step``).

    The cell length comes from the time bounds (CF 1.8 section 7.1,
    :func:`climann.data.time_axis.cell_time_step`) and is compared with the training cells'
    (``time_cell``) when the run recorded them: a run trained on DJF means (3-month cells 12
    months apart) takes DJF means with bounds as its own values; else it comes from the spacing
    of the times: January
    means of several years with monthly bounds are monthly values 12 months apart, as
    ``cdo selmon,1`` gives. Another cell length is refused when the run has features that count
    in steps (lags, ``target_anomaly``), and warned about in one line otherwise. Values of the
    training step that lie further apart than one step (a subset of months) are predicted as
    they are, except by a run with lags, whose earlier values they lack. Times further apart
    than the training step without bounds may be either (January means, or yearly means): they
    are taken as values of the training step, with one warning. Nothing is compared when the
    axis has no nominal step, unless the run has lags; a model file written before the step was
    recorded is used as before, with one note. Values whose cells and spacing differ (DJF means
    one a year) are named by both (:func:`climann.data.time_axis.values_text`) and never advised
    to be averaged to a step they already have one value per; values with bounds at the spacing
    of a run that recorded no cells are taken as its own, with one warning that it cannot tell.
    A climatology's steps (CF §7.4) are its periods, which tile the year, so their spacing is
    their cell: a seasonal climatology given to a monthly run is seasonal values, not monthly
    ones of a subset. Finer instants given to a run that learned sub-daily instants
    (``time: point``) are advised picked at the run's times of day, not averaged
    (:func:`_picking_advice`).

    When ``scoring`` (``evaluate --data``), a warning of values further apart than the run's
    steps also says which persistence is scored (:func:`persistence_step_text`).

    Raises
    ------
    ClimannError
        If the values are of another step and the run has lags or ``target_anomaly``, or the
        run has lags and the new data lack the values the lags take.
    """
    from climann.workflow.run_directory import nominal_time_step

    metadata = run.network.metadata
    if "time_step" not in metadata:
        _log.info("this run's model.npz predates the record of its training time step: the new data's step is not "
                  "compared with it (retrain to compare it)")
        return
    if metadata["time_step"] is None:
        _check_time_periods(run, layout)
        return
    trained = TimeStep.from_record(metadata["time_step"])
    spacing = nominal_time_step(layout)
    cells = cell_time_step(layout.time_bounds) if layout.time_bounds is not None else None
    if cells is None and layout.is_climatology:
        # a climatology's steps are its periods (CF §7.4), which tile the year: seasons stamped 3 months
        # apart are 3-month means, not monthly values of a subset (fix36b: "taken as monthly")
        cells = spacing
    lagged = bool(_lag_text(run)[1])
    if metadata.get("time_cell") and cells is not None:  # both know what each value is: compare that
        trained_cells = TimeStep.from_record(metadata["time_cell"])
        if cells == trained_cells:  # DJF values 12 months apart, as trained: the lags go by the spacing
            if lagged and spacing != trained:
                raise _lags_refusal(run, layout, trained, spacing, cells)
            return
        trained = trained_cells
    values = cells or spacing
    if values == trained or (cells is None and spacing is not None
                             and spacing.approximate_days > trained.approximate_days):
        if lagged and spacing != trained:
            raise _lags_refusal(run, layout, trained, spacing, cells)
        if values != trained:
            verb = "are" if len(layout.source_files) <= 1 else "are each"
            persistence = persistence_step_text(run, layout) if scoring else None
            _log.warning(f"the times of {_files(layout)} {verb} {spacing.span()} apart without time bounds, so their "
                         f"values may be {trained.name} ones of a subset or {spacing.name} ones: "
                         f"taken as {trained.name}, as the run was trained on; if they are {spacing.name}, give "
                         f"{trained.name} data, or retrain the run on {spacing.name} data"
                         + (f"; {persistence}" if persistence else ""))
        return
    if lagged and spacing is None:
        raise _lags_refusal(run, layout, trained, spacing, cells)
    if values is None:
        return
    if cells is not None and spacing == trained and not metadata.get("time_cell"):
        _log.warning(_unrecorded_cells_text(layout, trained, values_text(cells, spacing, layout.time_bounds)))
        return
    recorded = TimeStep.from_record(metadata["time_cell"]) if metadata.get("time_cell") else None
    trained_text = values_text(recorded, TimeStep.from_record(metadata["time_step"]))
    new_text = values_text(cells, spacing, layout.time_bounds)
    depending = _step_dependent(run)
    if trained_text == trained.name and new_text == values.name:  # each side's cells are its steps
        if values.approximate_days < trained.approximate_days:
            advice = _picking_advice(run, layout, trained)
            lone = None if advice is not None else _lone_values_advice(layout, trained)
            part = None if lone is None else _part_of_period_text(layout, trained)
            if part is not None:  # its bounds say it is of part of the period (break53d A3's 2-day "monthly" mean)
                raise ClimannError(f"the run was trained on {trained.name} data and {part}")
            advice = advice or lone
            if advice is None:  # a mean of each period only of whole periods (break53d A3: 2 days as January's)
                whole = _whole_periods(layout, trained, values)
                if whole.startswith("cover "):
                    raise ClimannError(f"the run was trained on {trained.name} data and {_files(layout)} "
                                       f"{'is' if len(layout.source_files) <= 1 else 'are'} {values.name}, and they "
                                       f"{whole}")
                advice = (f"average them to {trained.name} steps first ({whole}), "
                          f"{_averaging_advice(run, layout, trained, values)}")
        elif layout.is_climatology:  # its periods are its cells: a climatology of the run's periods is the way
            advice = f"give a {trained.name} climatology, or retrain the run on {values.name} data"
        else:
            advice = f"give {trained.name} data, or retrain the run on {values.name} data"
        verb = "is" if len(layout.source_files) <= 1 else "are"
        said = f"the run was trained on {trained.name} data and {_files(layout)} {verb} {values.name}"
        if depending:
            raise ClimannError(f"{said}: the run's {' and '.join(depending)} would count {values.name} steps here "
                               f"instead of {trained.name} ones; {advice}")
        _log.warning(f"{said}: the model is given {values.name} values as if they were {trained.name}; {advice}")
        return
    # cells and spacing differ on a side (DJF means one a year): naming either alone would say
    # something untrue, and averaging one value a step to that step would change nothing
    verb = "holds" if len(layout.source_files) <= 1 else "hold"
    said = f"the run was trained on {_as_values(trained_text)} and {_files(layout)} {verb} {_as_values(new_text)}"
    advice = f"give {_as_values(trained_text)}, or retrain the run on these"
    if depending:
        raise ClimannError(f"{said}: the run's {' and '.join(depending)} would take them as the values it was "
                           f"trained on; {advice}")
    _log.warning(f"{said}: the model is given them as if they were the values it was trained on; {advice}")


def _picking_advice(run: TrainedRun, layout: GridLayout, trained: TimeStep) -> str | None:
    """How to bring finer values at instants to the sub-daily step of a run that learned
    instants: its values at the run's own times of day picked, not averaged (fix45k: hourly
    instants given to a run trained on 3-hourly ``time: point`` values were advised 3-hourly
    means, ``time: mean``, a quantity the run never learned; CF 1.8 section 7.3). The run
    recorded where its stamps lay (``time_stamp_hours``, fix44k) and the ``time: point`` of its
    variables (``time_cell_methods``); the copy of each of the new data's files (a loop over
    several: fix45l, the first file's copy alone left the others as they were) keeps its steps
    at those times of day (``cdo selhour,0,3,…,21``,
    :func:`~climann.data.time_commands.times_of_day_command`), written into a folder of its own
    (:func:`~climann.data.shell.copies_folder`) that the ``--data`` advised takes alone.

    Returns
    -------
    str or None
        The advice, or None when the run did not learn instants at fixed times of day (means,
        time bounds, a step that does not divide a day, no recorded stamps), some time-varying
        variable of the files is not at instants (its ``cell_methods`` name another time
        method, or it has time bounds), or the files lack some of the run's times of day.
    """
    from climann.data.paths import is_zarr_store
    from climann.data.shell import copies_command, copies_data, copies_folder, shown_path
    from climann.data.time_commands import cdo_copies, times_of_day_command

    metadata = run.network.metadata
    phase = metadata.get("time_stamp_hours")
    if phase is None or metadata.get("time_cell") or layout.time_bounds is not None or trained.duration is None:
        return None
    step = round(trained.duration.total_seconds() / 60)
    if step <= 0 or 1440 % step:
        return None
    files = list(dict.fromkeys(layout.source_files)) or [_first_file(layout)]
    varying = []
    for file in files:  # every file's time-varying variables: each file gets its copy (fix45l)
        named = [name for name in layout.variable_units if file in layout.files_of(name)]
        static = set(_kinds_in_file(layout, file, named)[0])
        varying += [name for name in named if name not in static and name not in varying]
    recorded = {name: (metadata.get("time_cell_methods") or {}).get(name) for name in varying}
    time = layout.time.name
    if not any(recorded.values()) or any(method not in (None, "time: point") for method in recorded.values()) \
            or any(time_cell_method(layout.variable_cell_methods.get(name), time) not in (None, "time: point")
                   for name in varying):
        return None
    start = round(float(phase) * 60)
    minutes = sorted((start + k * step) % 1440 for k in range(1440 // step))
    try:
        held = {value.hour * 60 + value.minute for value in np.asarray(layout.time.values) if not value.second}
    except AttributeError:  # times that are not dates
        return None
    if not set(minutes) <= held:
        return None
    clocks = [f"{minute // 60:02d}:{minute % 60:02d}" for minute in minutes]
    clocks = ", ".join(clocks) if len(clocks) <= 3 else f"{clocks[0]}, {clocks[1]}, …, {clocks[-1]}"
    # a copy of each file (a loop over several: fix45l, the first file's alone left the others as they were), in a
    # folder of its own that a glob over the originals' folder does not take (as series_averaging_advice's)
    if any(is_zarr_store(file) for file in files):  # a store's copy is a new store beside it, as before
        command = times_of_day_command(minutes, time, input_and_copy(files[0], trained.name))
        return (f"take their values at the run's own times of day ({clocks}) first, e.g. `{command}`: the run "
                f"learned values at instants (time: point) and these are instants too, which are picked at its hours, "
                f"not averaged (a {trained.name} mean of them is a time: mean value, which the run never learned)")
    cdo = cdo_copies(str(files[0]), time)
    folder = copies_folder(Path(files[0]).parent, trained.name)
    command = copies_command(lambda source, copy: times_of_day_command(minutes, time, f"{source} {copy}", cdo=cdo),
                             folder, files)
    replaced = shown_path(files[0]) if len(files) == 1 else f"the {len(files)} files"
    return (f"take their values at the run's own times of day ({clocks}) first, e.g. `{command}`, then give --data "
            f"{copies_data(folder, files)} in place of {replaced}: the run learned values at instants (time: point) "
            f"and these are instants too, which are picked at its hours, not averaged (a {trained.name} mean of them "
            f"is a time: mean value, which the run never learned)")


def _averaging_advice(run: TrainedRun, layout: GridLayout, trained: TimeStep, values: TimeStep) -> str:
    """How to bring the new data's first file, of ``values`` finer than the run's ``trained``
    step, to that step: each of its variables summed or averaged by its ``cell_methods``
    (:func:`~climann.data.time_axes.series_averaging_advice`), its CF flag variables left out
    (codes have no mean: COSMOS-UK's ``COSMOS_VWC_FLAG`` averaged was no code). The other files
    holding its variables are merged with it by time first (``cdo -mergetime``): a month's mean is
    of every step of the month, and the first of 16 one-step GLDAS-2.1 3-hourly files averaged alone
    was one 3-hour step taken as July's mean (break48b A1)."""
    file = _first_file(layout)
    named = [name for name in layout.variable_units if file in layout.files_of(name)]
    # the other files of the first one's series (one step each: GLDAS-2.1 3-hourly) are merged before averaging
    series = [each for each in (layout.time_files() or (file,)) if all(each in layout.files_of(name) for name in named)]
    static, flags, texts = _kinds_in_file(layout, file, named)
    methods = {name: layout.variable_cell_methods.get(name) for name in named
               if name not in static and name not in flags}
    # a run trained on sub-daily stamps without bounds read each value at its stamp (00:00, 03:00 …): the means
    # advised are centred there, not stamped at the middles of cells starting there (fix44k: 1.5 h off its hours);
    # a run that did not record where its stamps lay (before fix44k) is taken at 00:00, as the advice says
    metadata = run.network.metadata
    centred_on = float(metadata.get("time_stamp_hours") or 0.0) if not metadata.get("time_cell") \
        and trained.duration is not None and trained.duration < datetime.timedelta(days=1) else None
    return series_averaging_advice(file, trained.name, methods, time=layout.time.name, step=values.name,
                                   centred_on=centred_on,
                                   bounded=layout.time_bounds is not None or layout.is_climatology,
                                   units=_units_in_file(layout, file, methods), static=static, flags=flags,
                                   texts=texts, series=series, learnt=metadata.get("time_cell_methods") or {})


#: A trained step's name → the calendar period its values are each of, as a key of a date
#: (:func:`_lone_values_advice`).
_PERIOD_KEYS: dict[str, tuple[str, Callable[[object], tuple[int, ...]]]] = {
    "monthly": ("month", lambda date: (date.year, date.month)),
    "yearly": ("year", lambda date: (date.year,)),
    "daily": ("day", lambda date: (date.year, date.month, date.day)),
}


def _lone_values_advice(layout: GridLayout, trained: TimeStep) -> str | None:
    """The way out for values finer than the run's ``trained`` calendar step (monthly, yearly,
    daily) of which each such period holds one alone (dated by its cell's middle, else its stamp):
    averaging them to that step changes nothing, so the averaging line is not given again (break48b
    A1: the "monthly mean" of one 3-hour step, its cell still 3 hours, was advised averaged once more,
    into ``monthly/monthly/…``, without end); the period's mean needs its every step. None when some
    period holds several values (averaging them is the way), or the step is no calendar period."""
    if trained.name not in _PERIOD_KEYS or layout.time is None or len(layout.time.values) == 0:
        return None
    period, key = _PERIOD_KEYS[trained.name]
    dates = list(layout.time.values)
    if layout.time_bounds is not None:
        dates = [start + (end - start) / 2 for start, end in layout.time_bounds]
    try:
        keys = [key(_as_date(date)) for date in dates]
    except (AttributeError, TypeError, ValueError):
        return None
    if len(set(keys)) < len(keys):
        return None
    some = "its one value" if len(keys) == 1 else f"each of its {len(keys)} values"
    return (f"{some} is alone in its {period}, so averaging to {trained.name} steps changes nothing: a "
            f"{trained.name} value is over the whole {period}; give data holding every step of each {period} (files "
            f"of one step each merged by time before averaging: `cdo -mergetime FILES OUT.nc`), or {trained.name} data")


def _part_of_period_text(layout: GridLayout, trained: TimeStep) -> str | None:
    """Words naming what part of its period (month, year, day of the run's ``trained`` step) the
    first value covers by its time bounds, where each value of the new data is alone in its period
    (:func:`_lone_values_advice`) and bounded within it: ``twoday.nc's one value covers 2020-01-01
    00:00 to 2020-01-02 21:00 by its time bounds, 1.875 of the 31 days of January 2020: …``, with
    the way out. Its mean is of those days alone, which the model would take as the period's
    (break53d A3: ``cdo monmean`` of 16 3-hourly steps, one value in January with ``time_bnds``
    of 1.875 days, was predicted with a warning, exit 0). None without bounds (nothing says how
    much of the period a lone value is of: the warning stands), or with a cell not inside its
    period."""
    if trained.name not in _PERIOD_KEYS or layout.time_bounds is None or len(layout.time_bounds) == 0:
        return None
    period, key = _PERIOD_KEYS[trained.name]
    try:
        start, end = (_as_date(each) for each in layout.time_bounds[0])
        found = key(start + (end - start) / 2)
        first = type(start)(*found, *([1] * (3 - len(found))))
        after = (type(start)(found[0] + 1, 1, 1) if period == "year" else
                 type(start)(*((found[0] + 1, 1) if found[1] == 12 else (found[0], found[1] + 1)), 1)
                 if period == "month" else first + datetime.timedelta(days=1))
        if not first <= start < end <= after:
            return None
        days, length = ((end - start) / datetime.timedelta(days=1), (after - first) / datetime.timedelta(days=1))
        span = f"{start.strftime('%Y-%m-%d %H:%M')} to {end.strftime('%Y-%m-%d %H:%M')}"
        name = {"month": f"{first.strftime('%B')} {first.year}", "year": f"{first.year}",
                "day": first.strftime("%Y-%m-%d")}[period]
    except (AttributeError, TypeError, ValueError, OverflowError):
        return None
    count = len(layout.time_bounds)
    held = f"{_files(layout)}'s one value covers" if count == 1 else \
        f"each of the {count} values of {_files(layout)}, alone in its {period}, covers part of it, the first"
    share = (f"{days:.4g} of the {length:.4g} days of {name}" if period != "day" else
             f"{days * 24:.4g} of the 24 hours of {name}")
    return (f"{held} {span} by its time bounds, {share}: a mean of part of the {period}, which the model would take "
            f"as the {period}'s; give data holding every step of each {period} (then average them to {trained.name} "
            f"steps), or {trained.name} data")


def _whole_periods(layout: GridLayout, trained: TimeStep, values: TimeStep) -> str:
    """Whether the new data's values, of the step ``values`` finer than the run's calendar step
    ``trained`` (monthly, yearly, daily), cover each such period whole: words that begin "cover "
    and name the first period not whole (``cover 2 of the 31 days of January 2020 (16 of its 248
    3-hourly steps): …``, with the way out) when one is not, else how many steps each period holds
    (``each month whole: 248 3-hourly steps of January 2020``). A period's mean is of its every step:
    16 one-step GLDAS-2.1 3-hourly files of 1–2 January were advised ``cdo monmean -mergetime``, whose
    "monthly" mean of 2 days the model took as January's (break53d A3). Values are dated by their
    cells' middles (else their stamps); a period's length by the calendar of its dates (cftime's or
    the proleptic Gregorian), its steps by ``values``' duration, or by its months. ``""`` when the
    periods cannot be counted (no calendar step, dates that are no dates, a step that does not divide
    the period)."""
    if trained.name not in _PERIOD_KEYS or layout.time is None or len(layout.time.values) == 0:
        return ""
    period, key = _PERIOD_KEYS[trained.name]
    dates = list(layout.time.values)
    if layout.time_bounds is not None:
        dates = [start + (end - start) / 2 for start, end in layout.time_bounds]
    try:
        dates = [_as_date(date) for date in dates]
        held: dict[tuple[int, ...], list[object]] = {}
        for date in dates:
            held.setdefault(key(date), []).append(date)
        counted = []
        for found, members in held.items():
            first = members[0]
            start = type(first)(*found, *([1] * (3 - len(found))))
            end = (type(first)(found[0] + 1, 1, 1) if period == "year" else
                   type(first)(*((found[0] + 1, 1) if found[1] == 12 else (found[0], found[1] + 1)), 1)
                   if period == "month" else start + datetime.timedelta(days=1))
            length = end - start
            if values.months:
                expected = 12 // values.months if period == "year" and not 12 % values.months else None
                present = len({(date.year, date.month) for date in members})
            else:
                expected = length / values.duration
                expected = round(expected) if abs(expected - round(expected)) < 1e-9 else None
                present = len(members)
            if expected is None:
                return ""
            counted.append((found, start, length, present, expected))
    except (AttributeError, TypeError, ValueError, OverflowError):
        return ""
    names = {"month": lambda start: f"{start.strftime('%B')} {start.year}", "year": lambda start: f"{start.year}",
             "day": lambda start: f"{start.year:04d}-{start.month:02d}-{start.day:02d}"}
    unit = "months" if values.months else f"{values.name} steps" if not values.name.startswith("every ") \
        else f"steps of {values.name.removeprefix('every ')}"
    whole = [each for each in counted if each[3] >= each[4]]
    partial = [each for each in counted if each[3] < each[4]]
    if not whole:  # no period whole: no mean of one is to be had from them
        found, start, length, present, expected = partial[0]
        if values.months:
            covered = f"{present} of the {expected} months of {names[period](start)}"
        elif period == "day":
            covered = f"{present} of the {expected} {unit} of {names[period](start)}"
        else:
            days = len({(date.year, date.month, date.day) for date in held[found]})
            covered = f"{days} of the {length.days} days of {names[period](start)} ({present} of its {expected} {unit})"
        more = f", and {len(partial) - 1} other {period}{'s' if len(partial) > 2 else ''} in part" \
            if len(partial) > 1 else ""
        return (f"cover {covered}{more}: a {trained.name} mean of them is no mean of the {period}, and the model "
                f"would take it as one; give data holding every step of each {period} (then average them to "
                f"{trained.name} steps), or {trained.name} data")
    _, start, _, present, expected = whole[0]
    count = len(whole)
    plural = "s" if count > 1 else ""
    said = (f"{'the' if count == 1 and not partial else f'each of the {count}' if not partial else count} {period}"
            f"{plural} whole: {present} {unit} in {names[period](start)}")
    if partial:
        _, start, _, present, expected = partial[0]
        others = f" (and {len(partial) - 1} more {period}{'s' if len(partial) > 2 else ''})" if len(partial) > 1 \
            else ""
        said += (f"; {names[period](start)} holds {present} of its {expected}{others}: its mean is of those alone, "
                 f"leave it out for {trained.name} values only")
    return said


def _as_date(value: object) -> object:
    """A date with ``year``, ``month`` and ``day``: a cftime or datetime as it is, a
    ``numpy.datetime64`` as a pandas Timestamp."""
    if isinstance(value, np.datetime64):
        import pandas as pd

        return pd.Timestamp(value)
    return value


def _kinds_in_file(layout: GridLayout, file: str,
                   names: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """Those of ``names`` that ``file`` holds without its time dimension (``orog``, ``sftlf``,
    ``areacella``): static fields, which no averaging over time changes (fix38d: they were named
    among the variables assumed to be means); those with time that are CF flag variables
    (``flag_values`` or ``flag_masks``, CF 3.5), whose codes no average keeps; and the static
    ones stored as text (NetCDF-4 strings, char arrays: COSMOS-UK's ``station_name``), which
    CDO does not read (fix43l: "copied as it is", and CDO left it out). None when the file
    cannot be opened here. Opened through the file's one handle
    (:func:`~climann.data.open.open_input`), as every input is."""
    from climann.data.open import open_input

    try:
        with open_input(Path(file), decode_cf=False) as opened:
            held = {name: opened[layout.name_in_file(name, file)] for name in names
                    if layout.name_in_file(name, file) in opened.variables}
            time = layout.time.name if layout.time.name in opened.dims else None
            static = [name for name, variable in held.items() if time is not None and time not in variable.dims]
            flags = [name for name, variable in held.items() if name not in static
                     and ("flag_values" in variable.attrs or "flag_masks" in variable.attrs)]
            texts = [name for name in static if held[name].dtype.kind in "SUO"]
            return static, flags, texts
    except (OSError, ValueError, KeyError, TypeError):  # advice must not fail for it
        return [], [], []


def _units_in_file(layout: GridLayout, file: str, names: Sequence[str]) -> dict[str, str | None]:
    """Each of ``names``' ``units`` as ``file`` itself holds them (the layout's are converted to the
    run's: a daily ``g C m-2 day-1`` rate, its advice's input, is there a daily ``g C m-2``
    amount); the layout's when the file cannot be opened here.

    The file is opened through its one handle in the process (:func:`~climann.data.open.open_input`,
    :mod:`climann.data.handles`): the run's datasets of it are still open, and a second handle of
    its own, closed after reading a NetCDF-4 string (COSMOS-UK's scalar ``station_name``), left
    HDF5 a stale pointer that killed ``predict`` and ``evaluate`` with a segmentation fault before
    this advice was printed (break43d A5)."""
    from climann.data.open import open_input

    try:
        with open_input(Path(file), decode_cf=False) as opened:
            return {name: opened[layout.name_in_file(name, file)].attrs.get("units")
                    if layout.name_in_file(name, file) in opened else layout.variable_units.get(name)
                    for name in names}
    except (OSError, ValueError, KeyError, TypeError):  # advice must not fail for it
        return {name: layout.variable_units.get(name) for name in names}


def _as_values(described: str) -> str:
    """``values_text`` as what files hold: "monthly values", "values of 3-month cells … apart"."""
    return described if described.startswith("values ") else f"{described} values"


def _unrecorded_cells_text(layout: GridLayout, trained: TimeStep, described: str) -> str:
    """The warning for new data with time bounds, spaced as the run's values, when the run
    recorded no cells (trained without bounds): what each training value covered is unknown,
    so the values are taken as the run's own (DJF means one a year, as trained on DJF means
    stamped in January without bounds), and the one case where that is wrong is named."""
    verb = "holds" if len(layout.source_files) <= 1 else "hold"
    apart = "a year" if trained.months == 12 else trained.span()
    return (f"the run was trained on values {apart} apart without time bounds (what each covered is not recorded), "
            f"and {_files(layout)} {verb} {described}: taken as the run's own values; if each of the run's values "
            f"covered the whole {trained.span()}, give values of such cells instead")


def _totals_per_cell(trained: str, new: str, units: str | None, run: TrainedRun) -> bool:
    """Whether ``time: sum`` and ``time: mean`` name the same values: those in units per the
    length of their time cell (``mm month-1`` on monthly steps, per year on yearly ones), where
    the total over each cell is its mean rate — as climann reads such units when it converts
    them by the days of each step's month or year (:func:`climann.data.units.calendar_factor`)."""
    from climann.data.units import per_calendar_period

    record = run.network.metadata.get("time_step")
    as_means = {with_time_method(method, "sum", "mean") for method in (trained, new)}
    if not units or not record or len(as_means) > 1:
        return False
    period = {1: "month", 12: "year"}.get(TimeStep.from_record(record).months)
    return period is not None and per_calendar_period(units, period)


def _corrected(attribute: str, new: str, trained: str, time_name: str) -> str:
    """The attribute with its time method ``new`` replaced by ``trained`` and the rest (other
    axes, qualifiers, comments) kept; the time part alone when either has several time entries."""
    old_method, new_method = new.removeprefix("time: "), trained.removeprefix("time: ")
    if "time:" in old_method or "time:" in new_method:
        return trained
    corrected = with_time_method(attribute, old_method, new_method, time_name)
    return corrected if time_cell_method(corrected, time_name) == trained else trained


def check_cell_methods(run: TrainedRun, layout: GridLayout, *, scoring: bool) -> None:
    """Compare the time part of each variable's CF ``cell_methods`` (CF 1.8 section 7.3, see
    :func:`climann.data.cell_methods.time_cell_method`) in the new data with the one recorded
    at training (``model.npz`` metadata ``time_cell_methods``).

    A predictor that differs is warned about in one line; so is the target when it is only
    predicted beside. A target that differs when it is ``scoring`` (``evaluate --data``) is
    refused: the scores would measure the model against another quantity than it predicts.
    A variable whose attribute is missing (or says nothing about time) on either side is not
    compared. A climatology's means over years of a method (``time: mean within years time:
    mean over years``) compare as that method (:func:`~climann.data.cell_methods.within_years_method`):
    the means of the quantity the model learnt.

    Raises
    ------
    ClimannError
        If ``scoring`` and the target's time cell method differs.
    """
    recorded = run.network.metadata.get("time_cell_methods") or {}
    target = run.config.data.target
    for name, recorded_method in recorded.items():
        trained = time_cell_method(recorded_method)  # as recorded, read again by today's rule
        attribute = layout.variable_cell_methods.get(name)
        # a climatology of means over years (new data only) holds the means of what each year gave
        new = within_years_method(time_cell_method(attribute, layout.time.name))
        if new is None or new == trained or _totals_per_cell(trained, new, layout.variable_units.get(name), run):
            continue
        said = f"{name} in {_variable_files(layout, name)} is {new}, the model was trained on"
        if name != target:
            _log.warning(f"{said} {trained} (CF cell_methods): it is given another quantity than it learnt from; "
                         f"give {trained} {name}, or correct the attribute if it is wrong")
        elif scoring:
            corrected = ncatted_attribute("cell_methods", name, "o", "c", _corrected(attribute, new, trained,
                                                                                      layout.time.name))
            # each file's copy into a new folder (break57c A4: X_fixed.nc beside it, which a glob took with it)
            files = layout.files_of(name) or [_variable_file(layout, name)]
            fix = copies_of_files(lambda arguments, _: attribute_command([corrected], arguments), files,
                                  name="cell_methods_fixed") if layout.files_of(name) else \
                attribute_command([corrected], input_and_copy(files[0]))
            raise ClimannError(
                f"{said} and predicts {trained} (CF cell_methods): its scores against {new} would measure another "
                f"quantity; score it on {trained} {name}, or, if the attribute is wrong, correct it in a copy ({fix})"
            )
        else:
            _log.warning(f"{said} and predicts {trained} (CF cell_methods): {name}_error and the scores compare "
                         f"the predicted {trained} with {new}")


def member_notes(run: TrainedRun, dataset: xr.Dataset, files: Sequence[str | Path]) -> list[str]:
    """Which ensemble member the new data are (:func:`climann.data.members.member_values`),
    beside the member the run was trained on (its ``[data] select`` of a member axis), one
    note per member axis: a run trained on one member predicts any other, and data without
    members (observations), as the same quantity (:mod:`climann.data.members`).

    Parameters
    ----------
    run : TrainedRun
    dataset : xarray.Dataset
        The new data, opened and selected (one member left on each member axis).
    files : sequence of path
        The new data's files, for the notes.
    """
    from climann.data.members import is_member_axis, member_values

    names = _files_named(files)
    trained = {dim: value for dim, value in run.config.data.select.items() if is_member_axis(dataset, dim)}
    notes = []
    for dim, values in member_values(dataset).items():
        shown = ", ".join(map(str, values))
        was = f" (the run was trained on {dim}={_shown(trained[dim])})" if dim in trained else ""
        # a scalar coordinate of one file's variables is every variable's once merged: their own coordinates say
        holding = [name for name, variable in dataset.data_vars.items() if dim in variable.dims
                   or dim in str(variable.encoding.get("coordinates", variable.attrs.get("coordinates", ""))).split()]
        # the files of the variables on the member axis, not every file given (break54d A3: HadISST named with it)
        own = _files_named(list(dict.fromkeys(file for name in holding for file in source_files(dataset[name])))
                           ) or names
        if statistic := _member_statistic(dataset, holding, dim):  # HadCRUT5's realization = 100, "realization: mean"
            notes.append(f"{own}: an ensemble {statistic[0]} ({statistic[1]}), not one member")
        elif (chosen := _chosen_among(dataset, dim)) is not None and chosen[1]:
            # the run's own member taken among the file's several, no --select given (fix55d: "no ensemble member")
            notes.append(f"{own}: ensemble member {dim}={shown} of the {chosen[0]} the data hold, the run's own "
                         f"(no --select {dim} given; another with --select {dim}=VALUE)")
        else:
            notes.append(f"{own}: ensemble member {dim}={shown}{was}")
    for dim in trained.keys() - member_values(dataset).keys():
        notes.append(f"{names}: no ensemble member ({dim}), predicted as the member the run was trained on "
                     f"({dim}={_shown(trained[dim])}) would be")
    return notes


def _chosen_among(dataset: xr.Dataset, dim: str) -> tuple[int, bool] | None:
    """(how many members, taken as the run's own) when ``select`` took ``dim``'s value among the
    new data's several members (:func:`climann.data.members.with_chosen_members`), else None."""
    from climann.data.members import MEMBER_CHOSEN_KEY

    return dataset[dim].encoding.get(MEMBER_CHOSEN_KEY) if dim in dataset.coords else None


def _files_named(files: Sequence[str | Path]) -> str:
    """The first two of ``files`` by name, ``…`` after them when there are more."""
    return ", ".join(Path(file).name for file in list(files)[:2]) + (" …" if len(files) > 2 else "")


def _member_statistic(dataset: xr.Dataset, names: Sequence[str], dim: str) -> tuple[str, str] | None:
    """``("mean", "cell_methods 'realization: mean'")`` when the ``cell_methods`` (CF §7.3) of
    one of the variables ``names`` says a statistic over the member axis ``dim``: its value is no
    member (HadCRUT5's ensemble mean stores a scalar ``realization = 100`` with bounds 1…200);
    None otherwise."""
    for name in names:
        said = str(dataset[name].attrs.get("cell_methods", dataset[name].encoding.get("cell_methods", "")))
        if match := re.search(rf"(?:^|\s){re.escape(dim)}:\s*([a-z_]+)", said):
            return match.group(1).replace("_", " "), f"cell_methods '{dim}: {match.group(1)}'"
    return None


def _shown(value: object) -> str:
    """``1.0`` → ``"1"`` (a member number read from the configuration as a float)."""
    return f"{value:g}" if isinstance(value, float) else str(value)
