"""The grid a set of samples came from, and how to put per-sample values back on it."""

from __future__ import annotations

import functools

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from climann.data.boxes import cells_in_box
from climann.data.cell_edges import CELL_EDGES as CELL_EDGES  # re-exported
from climann.data.cell_edges import STRAIGHT_CELL_EDGES_KEY as STRAIGHT_CELL_EDGES_KEY  # re-exported
from climann.data.geometry import bounds_from_centres, centre_spacing_areas, polygon_areas, wrapped_difference
from climann.data.point_lists import point_weights
from climann.data.time_axis import TimeStride, cell_time_step
from climann.data.value_words import is_amount_rate, time_value_word_of
from climann.data.instant_values import holds_instants
from climann.data.window_totals import window_end_reason
from climann.data.time_cells import period_dates, season_score_times
from climann.data.time_values import is_climatology_method

if TYPE_CHECKING:
    import dask.array

    from climann.data.projections import ProjectionReading
    from climann.data.time_axis import PeriodStep, TimeStep

#: A coordinate along time naming the split block of each step when the blocks come from
#: different files (``[data] split_files``); see :func:`climann.data.open.concat_blocks`.
SPLIT_BLOCK_COORDINATE = "climann_split_block"

#: A coordinate along time naming the series each step of a split by files belongs to: the
#: first block of blocks that are consecutive pieces of one series (the 2019 monthly files after
#: the 2004–2018 file, break44a A7), whose lags and persistence reach across their boundary as
#: in a split by years; a block that overlaps another in time (an ensemble member) is its own
#: series. See :func:`climann.data.open.concat_blocks`.
SPLIT_SERIES_COORDINATE = "climann_split_series"

#: The attribute of an area-mean feature series holding the extent of the cells it averages
#: (:meth:`climann.data.area_means.AreaExtent.record`).
AREA_EXTENT_ATTRIBUTE = "climann_area_extent"

#: The key of a time coordinate's ``encoding`` holding the run's ``grid_stride`` (every n-th
#: row and column kept, :func:`climann.data.subset.select_grid_stride`); see
#: :attr:`GridLayout.grid_stride`. On the time coordinate, which every layout has, as the
#: time selection's records (:data:`climann.data.time_cells.VALUE_STEP_KEY`).
GRID_STRIDE_KEY = "climann_grid_stride"

#: The key of a time coordinate's ``encoding`` holding the cells of the grid before ``[data]
#: region`` cut it (:func:`climann.data.subset.subset_dataset`); see
#: :attr:`GridLayout.region_grid_cells`.
REGION_GRID_CELLS_KEY = "climann_region_grid_cells"

#: The key of a time coordinate's ``encoding`` holding the areas climann computed on the whole
#: grid for the cells a cut (``[data] region``) kept (:func:`climann.data.region_areas.cut_grid`):
#: ``(how, areas)``, ``how`` :data:`AXES_AREAS` or :data:`CENTRE_SPACING_AREAS`, ``areas`` shape
#: (n_rows, n_columns) of the cut, steradians; see :attr:`GridLayout.whole_grid_areas`.
WHOLE_GRID_AREAS_KEY = "climann_whole_grid_areas"

#: Areas from the 1-D axes' edges, (sin φ₂ − sin φ₁)(λ₂ − λ₁) (:func:`latitude_longitude_areas`).
AXES_AREAS = "axes"

#: Areas from corners midway between 2-D cell centres (:func:`~climann.data.geometry.centre_spacing_areas`).
CENTRE_SPACING_AREAS = "centre spacing"

#: ``encoding`` key of a data variable: the names of the scalar coordinates that a selection
#: (:func:`climann.data.subset.select_values`) left it, as against those its file gave it (ERA5's
#: ``height`` of 2 m air temperature); see :attr:`GridLayout.input_selections`.
SELECTED_COORDINATES_KEY = "climann_selected_coordinates"

#: ``encoding`` key of a forecast's data variable whose values are a statistic over a window of
#: lead times (:func:`climann.data.forecast_windows.with_window_cells`): the window's lead times
#: ``(first, last)`` in the chosen lead's units (CFSv2's week 2: ``(7.0, 14.0)`` days), so that
#: the forecast's start is the end of its time cell − ``last``; see :attr:`GridLayout.forecast_window`.
FORECAST_WINDOW_KEY = "climann_forecast_window"

#: The global attribute by which a file says that its land, seas and mountains are invented
#: (climann's synthetic sample, :mod:`climann.data.sample_data`), its value beginning with
#: :data:`SYNTHETIC_GEOGRAPHY`: its maps get no coastlines of the Earth, which would lie across
#: the invented continents. CF has no attribute for this; CF 1.8 §2.6.2 allows a file's own.
GEOGRAPHY_ATTRIBUTE = "geography"
SYNTHETIC_GEOGRAPHY = "synthetic"

#: At most this many bytes of a fraction that changes with time (``siconc``, as float64) are read
#: at once to sum it (:attr:`GridLayout._part_mean`) or check its range
#: (:func:`climann.data.area_fractions.file_area_fraction`): it stays in its files, read chunk by chunk.
FRACTION_READ_BYTES = 16 * 2**20

#: What the sample generator wrote in a file's ``history`` (and a run's predictions inherit in
#: theirs) before the sample said its geography in :data:`GEOGRAPHY_ATTRIBUTE`.
_SAMPLE_HISTORY = re.compile(r"^created by climann \S+ write_sample_dataset\(", re.MULTILINE)


def geography_of(attrs: Mapping[str, object]) -> str:
    """A file's :data:`GEOGRAPHY_ATTRIBUTE` from its global attributes ``attrs``; for a sample
    written before the attribute existed (``data/sample.nc`` of an earlier ``make demo``, kept
    by later ones), or a file made from one (a run's ``predictions.nc``, whose ``history``
    carries the input's), ``synthetic: …`` from the generator's line in ``history``; ''
    otherwise."""
    if GEOGRAPHY_ATTRIBUTE in attrs:
        return str(attrs[GEOGRAPHY_ATTRIBUTE])
    if _SAMPLE_HISTORY.search(str(attrs.get("history", ""))):
        return f"{SYNTHETIC_GEOGRAPHY}: climann's sample (its history names the sample generator)"
    return ""


@dataclass(frozen=True)
class Coordinate:
    """One coordinate axis as plain data: its name, values and CF attributes."""

    name: str
    values: np.ndarray
    attrs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GeographicGrid:
    """The true latitude and longitude of every cell of a curvilinear, rotated-pole or
    projected grid, whose row and column axes are not latitude and longitude.

    Attributes
    ----------
    latitude, longitude : Coordinate
        Values of shape (n_rows, n_columns), degrees north and east, with the file's name
        (``lat``, ``nav_lat``, …) and attributes; computed from the grid mapping with pyproj
        when the file has none (see :func:`climann.data.grids.geographic_grid`).
    latitude_bounds, longitude_bounds : Coordinate, optional
        Cell corners, values of shape (n_rows, n_columns, n_vertices), in degrees.
    vertex_dim : str
        The name of the bounds' vertex dimension.
    cell_areas : ndarray, shape (n_rows, n_columns), optional
        Each cell's area (any unit; only relative areas are used) when known better than
        from the latitude and longitude corners: on a map projection, the geodesic areas of
        the cells' projected corners (:func:`climann.data.grids.geographic_grid`).
    projection : ProjectionReading, optional
        On a map projection, how pyproj reads its x/y axes and grid mapping (false origin and
        axes in metres: :func:`climann.data.projections.projection_reading`).
    point_list : str
        Why the 2-D coordinates list points rather than lay out a grid's cells (a JULES
        land-point list, :func:`climann.data.point_lists.listed_points`); '' for a grid.
    """

    latitude: Coordinate
    longitude: Coordinate
    latitude_bounds: Coordinate | None = None
    longitude_bounds: Coordinate | None = None
    vertex_dim: str = "nv"
    cell_areas: np.ndarray | None = None
    projection: ProjectionReading | None = None
    point_list: str = ""


@dataclass(frozen=True)
class GridLayout:
    """Everything needed to turn a vector of per-sample values back into a gridded field.

    Samples are numbered by their position in the canonical (time, latitude, longitude)
    array: ``flat_index = (t * n_lat + i) * n_lon + j``.

    Attributes
    ----------
    time, latitude, longitude : Coordinate
        The axes, with values in the input's order (e.g. latitude north-to-south).
    time_units, calendar : str
        The input's time encoding, to write times back exactly.
    file_dims : tuple of str
        The target's dimension order in the input file.
    target_name : str
        The target variable.
    target_attrs : dict
        Its attributes (``units``, ``standard_name``, ``long_name``, …), no encoding.
    source_files : tuple of str
        The input files.
    latitude_bounds, longitude_bounds : ndarray, shape (n, 2), optional
        Cell edges in degrees, when the input has CF bounds (of the rotated axes on a
        rotated-pole grid).
    time_blocks : tuple of str
        With a split by dataset, the block (``train``, ``val``, ``test``) each time step was
        read for; the time axis is then the blocks' axes one after another and may repeat
        dates (two scenarios over the same years). Empty otherwise.
    series_blocks : tuple of str
        With a split by dataset, the series each time step belongs to: the first block of
        blocks that are consecutive pieces of one series (:data:`SPLIT_SERIES_COORDINATE`),
        whose lags and persistence reach across their boundary. Empty: each block its own
        series (``time_blocks``).
    geographic : GeographicGrid, optional
        On a curvilinear, rotated-pole or projected grid, the true latitude and longitude of
        each cell; ``latitude`` and ``longitude`` are then the grid's row and column axes
        (e.g. ``rlat``/``rlon``, projection ``y``/``x``, or index-only ``y``/``x``). None
        on a regular latitude-longitude grid.
    grid_mapping : Coordinate, optional
        The grid-mapping variable (name, attributes; a scalar value) the target refers to.
    map_projection : Coordinate, optional
        Without a grid mapping, the CF grid mapping of a projection the input says otherwise
        (WRF's global ``MAP_PROJ``, ``TRUELAT1`` …: :func:`climann.data.wrf_projections.wrf_map_projection`),
        written to prediction files; the run's grid is the file's own latitude and longitude.
    projection_attributes : dict
        The input's global attributes that say that projection (WRF's), kept in prediction files.
    index_dims : tuple of str
        Row or column dimensions without a coordinate variable in the file (their values
        are 0, 1, …); they are not written back as coordinates.
    time_bounds : ndarray, shape (n_time, 2), optional
        The time cell bounds (decoded dates, like ``time``) when the input has CF bounds
        of time; named by ``time.attrs["bounds"]``, as the latitude and longitude bounds by
        their axes' ``bounds`` attribute.
    climatology_bounds : ndarray, shape (n_time, 2), optional
        The climatology bounds of a climatological time axis (CF-1.8 §7.4: decoded dates, the
        start of each step's first year and the end of its last), named by
        ``time.attrs["climatology"]``; written back with it, so that predictions of a
        climatology are one (fix36d).
    bounds_dim : str
        The name of the 2-vertex dimension of the input's 1-D bounds variables.
    scalar_coordinates : tuple of Coordinate
        The target's single-valued coordinates (values of shape ()): CF scalar coordinates
        such as ``height = 2 m``, the pressure level chosen with ``[data] select``, an
        ensemble member, or a size-1 dimension's value.
    input_selections : tuple of Coordinate
        The values ``[data] select`` (``--select``) chose along dimensions of the predictors that
        the target lacks (an NMME forecast's member ``M`` and lead ``L`` for an observed target):
        the predictions are made from them, and predictions files name them as scalar
        coordinates of the predictions (break40c C7). A predictor's vertical level is not one.
    forecast_window : (float, float), optional
        When the predictors are a forecast whose values are a statistic over a window of lead
        times (:data:`FORECAST_WINDOW_KEY`), the window's first and last lead times in the chosen
        lead's units: each step's time cell is that window, so the forecast started at the
        cell's end − the last (:func:`climann.evaluation.baselines.forecast_start_times`).
    file_times : ndarray of cftime.datetime, shape (n_time,), optional
        The input's own time stamps when ``time`` holds the middles of the time cells
        instead (stamps at the ends of the cells, as in CESM history files; see
        :mod:`climann.data.time_cells`): written back to prediction files. None when
        ``time`` holds the input's stamps.
    known_time_step : TimeStep, optional
        The step of the values when the time axis cannot tell it (a single time step): a
        trained model's, for new data (see :data:`climann.data.time_cells.KNOWN_STEP_KEY`);
        the ``season`` feature infers the time cell from it.
    for_trained_run : bool
        New data for a trained run (``predict``, ``evaluate --data``; see
        :data:`climann.data.time_cells.TRAINED_RUN_KEY`): its features are the run's, not judged
        anew on these times.
    value_time_step : TimeStep, optional
        The step of the time axis before the run's own time selection thinned it
        (``time_stride``, ``months``; see :data:`climann.data.time_cells.VALUE_STEP_KEY`): the
        values are cells of that step, further apart. None when the axis was not thinned.
    value_periods : PeriodStep, optional
        The calendar of periods that restart each year or month (CPC's pentads, dekads,
        MODIS's composites) the time axis was of before the run's own time selection thinned
        it (see :data:`climann.data.time_cells.VALUE_PERIODS_KEY`): such an axis has no fixed
        step for ``value_time_step``. None when the axis was not thinned or is of no such calendar.
    time_stride : int
        The run's ``time_stride`` (see :data:`climann.data.time_cells.TIME_STRIDE_KEY`); 1 when
        the axis was not strided.
    steps_before_range : int
        The steps at the start of the time axis read from just before the chosen period
        (``--time-range``; see :data:`climann.data.time_cells.STEPS_BEFORE_RANGE_KEY`), for
        persistence and the lags of the period's first step only: in no block, never scored
        or trained on. 0 when none was read.
    steps_before_common : int
        How many of those, the first, lie before the variables' common period (the target's
        steps observed before a forecast's first valid times, :mod:`climann.data.earlier_steps`;
        :data:`climann.data.time_cells.STEPS_READ_BEFORE_COMMON_KEY`): only the target's files
        hold values there. 0 when none was read.
    selected_by_stamps : bool
        Whether the run's ``months``/``seasons`` chose the steps by their stamps
        (``[data] selection_dated_by = "stamp"``), not by their time cells' middles.
    straight_cell_edges : bool
        Whether 2-D cell corners are joined by edges straight in the (λ, sin φ) plane, as for
        runs trained before 4 December 2026 (``[data] cell_edges = "straight"``,
        :data:`STRAIGHT_CELL_EDGES_KEY`), not by great circles
        (:func:`~climann.data.geometry.polygon_areas`).
    input_history : str
        The input's global ``history`` attribute (of the first file), '' when it has none.
    geography : str
        The input's global :data:`GEOGRAPHY_ATTRIBUTE` (of the first file), '' when it has
        none; ``synthetic: …`` for an invented planet (see :attr:`synthetic_geography`).
    cell_areas : ndarray, shape (n_lat, n_lon), optional
        The cell areas the input gives (its target's CF ``cell_measures``, e.g. NEMO's or
        CMIP's ``areacello``), NaN where missing; they take precedence over computed ones.
    cell_measure : Coordinate, optional
        Their variable as the input gives it (name, values shape (n_lat, n_lon), attributes),
        written to prediction files with the fields' ``cell_measures``.
    area_fraction : Coordinate, optional
        For a target that is a mean over part of each cell (``cell_methods = "area: mean where
        land"``), the fraction of each cell it is a mean over, as the data give it (``sftlf``),
        values of shape (n_lat, n_lon), or (n_time, n_lat, n_lon) for one that changes with time
        (``siconc`` of a ``where sea_ice`` target), in units of 1, NaN where the data hold none
        (:func:`climann.data.area_fractions.file_area_fraction`): the weights are the cells' areas
        times it (0 where NaN). None: whole cells. One that changes with time is a lazy dask array
        when the data are (as opened from files): it stays in its files like the data, and each
        chunk of time steps reads its own steps' (:meth:`cell_area_weights` with ``steps``).
    variable_units : dict of str to str
        The ``units`` attribute of each data variable and scalar coordinate (the level
        chosen with ``[data] select``) of the input ('' when it has none), recorded in the
        model file so that new data can be checked against it.
    input_levels : dict of str to tuple of Coordinate
        The levels (as :attr:`variable_levels`) of the data variables the features are made of
        besides the target (predictors, lagged, anomaly and area-mean variables) that have one:
        set by the sample source (:class:`climann.data.pointwise.PointwiseSource`, field
        samples) from the data, and for new data to the run's record of them
        (:func:`climann.workflow.new_data.with_trained_input_levels`); prediction files name
        them beside the predictions. Empty until a source sets it.
    variable_levels : dict of str to tuple of Coordinate
        The levels (CF scalar vertical coordinates, values of shape (): ``plev = 85000 Pa``,
        ``height = 2 m``) of each data variable that has one, as its own file gave them
        (:func:`climann.data.variables.variable_levels`), recorded in the model file so that new
        data can be checked to be at the same levels.
    variable_cell_methods : dict of str to str
        The CF ``cell_methods`` attribute of each data variable of the input that has one,
        recorded in the model file likewise (see :mod:`climann.data.cell_methods`).
    variable_quantities : dict of str to dict
        The quantity and sign convention of each data variable whose ``standard_name`` or
        ``positive`` attribute says them (:func:`climann.data.quantities.quantity_record`),
        recorded in the model file likewise: an upward flux is not a downward one.
    variable_temperature_readings : dict of str to TemperatureReading
        How each data variable that is a temperature is read, on its scale or as a
        difference (an anomaly; CF-1.11 §3.1.2,
        :func:`climann.data.temperature_readings.temperature_reading`), recorded in the model
        file likewise: anomalies are not temperatures. A stand-in target (``predict`` of data
        without it) has none.
    grid_stride : int
        Every how many rows and columns of the input the run kept (``grid_stride``,
        :data:`GRID_STRIDE_KEY`); 1 when it kept all. Midway edges between kept centres without
        bounds then span ``grid_stride`` input cells: weights, not the input's cells' areas.
    region_grid_cells : int
        The cells of the grid before ``[data] region`` cut it (:data:`REGION_GRID_CELLS_KEY`):
        the region is said as "56 of 2 592 cells"; 0 without a region.
    whole_grid_areas : tuple of (str, ndarray of shape (n_lat, n_lon)), optional
        The areas climann computed on the whole grid for the cells a region kept, and how
        (:data:`WHOLE_GRID_AREAS_KEY`): :meth:`computed_cell_areas` takes them, not areas
        computed from the cut, whose edge cells have lost their neighbours.
    time_storage : str
        Why the time axis has no regular step when the cause is its storage in a floating
        type too coarse for its step (:func:`climann.data.time_precision.coarse_storage`),
        '' otherwise: named when lags are refused.
    area_extents : dict of str to list of float
        For each area-mean feature series of the input (``tas_global_mean``, …), the extent
        of the cells it averages (:meth:`climann.data.area_means.AreaExtent.record`), recorded
        in the model file so that new data can be checked to cover the same area.
    variable_files : dict of str to tuple of str
        The files each data variable was read from (:mod:`climann.data.sources`), named in
        the messages about it; a variable without a record, the ``source_files``.
    unused_files : tuple of str
        The files given beside the target on its grid, each with a time axis without bounds,
        that hold none of the variables the run uses (:data:`climann.data.sources.UNUSED_FILES_KEY`):
        in :meth:`time_files`.
    variable_file_names : dict of str to dict of str to str
        For each data variable, {file: its own name in that file} where a ``[data] rename``
        rule renamed it (:func:`climann.data.sources.source_names`): the name a command that
        changes the file is to use (:meth:`name_in_file`).
    value_dtype : {"float32", "float64"}
        The floating type the target's values are held in (:mod:`climann.data.value_precision`:
        float64 where float32 would lose their variation, or with ``[model] dtype = "float64"``):
        the type its baselines and predictions are written in.
    """

    time: Coordinate
    latitude: Coordinate
    longitude: Coordinate
    time_units: str
    calendar: str
    file_dims: tuple[str, ...]
    target_name: str
    target_attrs: dict
    source_files: tuple[str, ...] = ()
    latitude_bounds: np.ndarray | None = None
    longitude_bounds: np.ndarray | None = None
    time_blocks: tuple[str, ...] = ()
    series_blocks: tuple[str, ...] = ()
    geographic: GeographicGrid | None = None
    grid_mapping: Coordinate | None = None
    map_projection: Coordinate | None = None
    projection_attributes: dict = field(default_factory=dict)
    index_dims: tuple[str, ...] = ()
    time_bounds: np.ndarray | None = None
    climatology_bounds: np.ndarray | None = None
    bounds_dim: str = "bnds"
    scalar_coordinates: tuple[Coordinate, ...] = ()
    input_selections: tuple[Coordinate, ...] = ()
    forecast_window: tuple[float, float] | None = None
    input_history: str = ""
    geography: str = ""
    file_times: np.ndarray | None = None
    known_time_step: TimeStep | None = None
    value_time_step: TimeStep | None = None
    value_periods: PeriodStep | None = None
    time_stride: int = 1
    for_trained_run: bool = False
    steps_before_range: int = 0
    steps_before_common: int = 0
    selected_by_stamps: bool = False
    straight_cell_edges: bool = False
    cell_areas: np.ndarray | None = None
    cell_measure: Coordinate | None = None
    area_fraction: Coordinate | None = None
    time_storage: str = ""
    grid_stride: int = 1
    region_grid_cells: int = 0
    whole_grid_areas: tuple[str, np.ndarray] | None = None
    value_dtype: str = "float32"

    @property
    def is_rotated_pole(self) -> bool:
        """Whether the rows and columns are the rotated latitude and longitude (degrees) of a
        ``rotated_latitude_longitude`` grid mapping."""
        return rotated_pole_axes(self.grid_mapping, self.latitude.attrs, self.longitude.attrs)

    @property
    def is_climatology(self) -> bool:
        """Whether the time steps are a climatology (CF §7.4: a ``climatology`` attribute of
        the time axis, or the target's ``cell_methods`` ``time: … within years time: … over
        years``), each period's mean over years, as new data of a trained run read one
        (:func:`climann.data.time_values.climatology_steps_note`): no series of years."""
        return bool(self.time.attrs.get("climatology")) or is_climatology_method(
            self.variable_cell_methods.get(self.target_name), self.time.name)

    @property
    def synthetic_geography(self) -> bool:
        """Whether the input says its geography is invented (:data:`GEOGRAPHY_ATTRIBUTE`): the
        Earth's coastlines are not drawn on its maps."""
        return self.geography.strip().lower().startswith(SYNTHETIC_GEOGRAPHY)

    @property
    def is_curvilinear(self) -> bool:
        """Whether the rows and columns are not latitude and longitude (see ``geographic``)."""
        return self.geographic is not None

    @property
    def is_point_list(self) -> bool:
        """Whether the 2-D coordinates list points, not a grid's cells (a JULES land-point list,
        :mod:`climann.data.point_lists`): weighed by cos φ, no cell areas written, drawn as dots."""
        return self.geographic is not None and bool(self.geographic.point_list)

    def geographic_coordinates(self) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude of every cell in degrees, each shape (n_lat, n_lon).

        The 2-D coordinates of a curvilinear grid, or the 1-D axes of a regular grid spread
        over the cells.
        """
        if self.geographic is not None:
            return (np.asarray(self.geographic.latitude.values, np.float64),
                    np.asarray(self.geographic.longitude.values, np.float64))
        latitude, longitude = np.meshgrid(
            np.asarray(self.latitude.values, np.float64), np.asarray(self.longitude.values, np.float64),
            indexing="ij",
        )
        return latitude, longitude

    def levels_of(self, names: Sequence[str]) -> dict[str, tuple[Coordinate, ...]]:
        """The levels (:attr:`variable_levels`) of the variables ``names`` besides the target,
        each once, in their order, those without a level left out: the sources' ``input_levels``.

        Parameters
        ----------
        names : sequence of str
            Data variables the features are made of.

        Returns
        -------
        dict of str to tuple of Coordinate
        """
        return {name: self.variable_levels[name] for name in dict.fromkeys(names)
                if name != self.target_name and self.variable_levels.get(name)}

    def cells_in_region(self, region: Sequence[float]) -> np.ndarray:
        """Which cells of the grid the run's ``[data] region`` box holds: those it scores.

        On a curvilinear, rotated-pole or projected grid the region keeps the rectangle of
        rows and columns around the box, its data missing outside the box
        (:func:`climann.data.subset.select_region`): the cells inside are those whose true
        latitude and longitude are in the box, by the same rule and the same coordinate values
        (:func:`climann.data.boxes.cells_in_box`). On a regular grid the rows and columns kept
        are the box's, so every cell is inside; so is every cell without a region.

        Parameters
        ----------
        region : (south, north, west, east), or empty
            Degrees, as ``[data] region`` gives it.

        Returns
        -------
        ndarray of bool, shape (n_lat, n_lon)
        """
        if not region or self.geographic is None:
            return np.ones(self.shape[1:], dtype=bool)
        return cells_in_box(self.geographic.latitude.values, self.geographic.longitude.values, region)
    variable_units: dict = field(default_factory=dict)
    variable_cell_methods: dict = field(default_factory=dict)
    variable_levels: dict = field(default_factory=dict)
    input_levels: dict = field(default_factory=dict)
    variable_quantities: dict = field(default_factory=dict)
    variable_temperature_readings: dict = field(default_factory=dict)
    area_extents: dict = field(default_factory=dict)
    variable_files: dict = field(default_factory=dict)
    variable_file_names: dict = field(default_factory=dict)
    unused_files: tuple[str, ...] = ()

    @property
    def shape(self) -> tuple[int, int, int]:
        """(n_time, n_lat, n_lon)."""
        return (len(self.time.values), len(self.latitude.values), len(self.longitude.values))

    @property
    def n_cells(self) -> int:
        """Grid cells per time step, n_lat · n_lon."""
        return self.shape[1] * self.shape[2]

    @property
    def target_units(self) -> str:
        """The target's units ('' when the file gives none)."""
        return str(self.target_attrs.get("units", ""))

    def files_of(self, name: str) -> tuple[str, ...]:
        """The files holding the variable ``name`` (``variable_files``), else ``source_files``."""
        return tuple(self.variable_files.get(name) or self.source_files)

    def time_files(self) -> tuple[str, ...]:
        """Every file the data's time axis was read from: those of each data variable
        (``variable_files``, in their order, each once), and the ``source_files``. A command that
        changes the time axis (its bounds) is for all of them: ORAS5 split by variable, the advice
        looped over one variable's 120 files of 480 (break45c A5). Only those files when any is
        recorded: the ``source_files`` hold every file given, and the MERRA-2 files a run left out
        on another grid beside MODIS AOD were counted (144 files, not 72) and looped over (fix46o).
        With them the ``unused_files``: the files on the target's grid whose time lacks bounds
        and whose variables the run does not use (E-OBS's ``rr`` spread in a run of ``tg`` on
        ``rr`` and ``tg_spread``: 3 of its 4 daily files were looped over, and a ``--data`` of
        the copies lost the fourth, fix54e)."""
        files = [file for held in self.variable_files.values() for file in held]
        return tuple(dict.fromkeys([*files, *self.unused_files] if files else self.source_files))

    def name_in_file(self, name: str, file: str) -> str:
        """The variable ``name``'s own name in ``file`` (``variable_file_names``), for a command
        that changes that file: ERA5's ``lsm`` read as ``sftlf``; ``name`` when not renamed."""
        return self.variable_file_names.get(name, {}).get(str(file), name)

    def time_index(self, flat_index: np.ndarray) -> np.ndarray:
        """Time step of each sample, shape (n,)."""
        return flat_index // self.n_cells

    def to_grid(self, values: np.ndarray, flat_index: np.ndarray) -> np.ndarray:
        """Scatter per-sample values onto the canonical grid, NaN where there is no sample.

        Parameters
        ----------
        values : ndarray, shape (n,)
            One value per sample.
        flat_index : ndarray of int, shape (n,)
            Each sample's position, as in the class description.

        Returns
        -------
        ndarray, shape (n_time, n_lat, n_lon)
        """
        grid = np.full(int(np.prod(self.shape)), np.nan, dtype=np.result_type(values, np.float32))
        grid[flat_index] = values
        return grid.reshape(self.shape)

    @property
    def climatology_value_step(self) -> TimeStep | PeriodStep | None:
        """The step of the values that keys their climatology when the axis's spacing is coarser
        (:func:`climann.evaluation.baselines.climatology_keys`): :attr:`value_periods` or
        :attr:`value_time_step` when the run's own time selection thinned the axis, else the
        common length of the CF time cells (section 7.1,
        :func:`~climann.data.time_axis.cell_time_step` of :attr:`time_bounds`).

        CPC's pentads kept every other pentad (``time_stride = 2``) are keyed per pentad of the
        year (:attr:`value_periods`), each kept step under its own pentad: keyed by the kept
        axis's 10-day spacing, each "10-day period of the year" pooled two pentads.

        Daily means stamped at the valid days of twice-weekly S2S forecasts (1-day ``time_bnds``,
        3 and 4 days apart) are daily means: keyed by their spacing, each "4-day period of the
        year" held about one training value a year and its raw mean (break31a A4); keyed by the
        day of year they get the smoothed day-of-year climatology of daily data. None when
        neither is known: without bounds the spacing is all there is.
        """
        if self.value_periods is not None:
            return self.value_periods
        if self.value_time_step is not None or self.time_bounds is None:
            return self.value_time_step
        return cell_time_step(self.time_bounds)

    def time_segment_starts(self) -> np.ndarray:
        """Each time step's first step of its series, shape (n_time,) (:func:`segment_starts`):
        the blocks of ``split_files`` are each their own series (two members of the same years
        repeat every date) unless they are consecutive pieces of one (``series_blocks``), one
        segment without them."""
        return segment_starts(self.series_blocks or self.time_blocks, self.shape[0])

    def season_times(self) -> np.ndarray:
        """The dates the scores per season take each step's season from, shape (n_time,): the
        middles of the time cells (:func:`climann.data.time_cells.season_score_times`), as the
        ``season`` feature dates the steps."""
        return season_score_times(self.time, segment_starts=self.time_segment_starts(),
                                  known_step=self.known_time_step, value_step=self.value_time_step,
                                  value_periods=self.value_periods, files=self.time_files(),
                                  **self.time_value_words())

    def time_value_words(self) -> dict:
        """What each value is over its time step, for the warnings about the cells the stamps are
        read as (``instants``, ``window_ends``, ``value_word`` of
        :func:`~climann.data.time_cells.season_feature_times`), and the first step they name
        (``shown_from``: the period asked for, not a step before it read for persistence). Said
        of the target when its values were read (``variable_files`` holds it, or records no
        variable); of new data without it (``predict``), "the value": the run's target's words
        called ERA5's instantaneous t2m at 00 UTC "the total of the day" (break52a A6)."""
        own = not self.variable_files or self.target_name in self.variable_files
        word = time_value_word_of(self.target_name, self.target_attrs, str(self.time.name)) if own else "value"
        # a rate of an amount (CHIRPS's monthly precip in mm/month) is the mean rate over its cell, in mm/month its
        # total: "the mean of the month" read as an average of something within it (break56b A5)
        word = "mean rate" if word == "mean" and is_amount_rate(self.target_name, self.target_attrs) else word
        return {"instants": own and holds_instants(self.target_attrs, self.target_name),
                "window_ends": window_end_reason(self.target_name, self.target_attrs) if own else "",
                "value_word": word, "shown_from": self.steps_before_range}

    def period_times(self) -> np.ndarray:
        """The dates by which each step is counted in its year, shape (n_time,): the split into
        blocks of years and the blocks' printed periods
        (:func:`climann.data.time_cells.period_dates`: its season's date, :meth:`season_times`,
        on an axis with seasons; its stamp on one of steps a year or more apart), as
        ``--time-range`` chooses it (:func:`climann.data.subset.selection_dates`)."""
        return period_dates(np.asarray(self.time.values), self.season_times())

    @property
    def strided_series(self) -> TimeStride | None:
        """The run's ``time_stride`` over the axis it thinned (:class:`~climann.data.time_axis.TimeStride`):
        the series whose step persistence goes by; None without a stride, or when the axis before
        it had no step or calendar of periods (:attr:`value_time_step`, :attr:`value_periods`)."""
        native = self.value_periods or self.value_time_step
        return TimeStride(native, self.time_stride) if self.time_stride > 1 and native is not None else None

    def selection_dates(self) -> np.ndarray | None:
        """The dates by which the run's own time selection (``--months``, ``--seasons``,
        ``time_stride``) chose the steps, shape (n_time,): their time cells' middles
        (:meth:`season_times`; a calendar of periods' too, :attr:`value_periods`); None when no selection
        thinned the axis. The warnings that
        name a month the selection left out as the cause of a missing lag or persistence
        (:func:`climann.data.time_axis.in_months_left_out`) judge by them: a weekly mean
        stamped 30 November, whose middle is 3 December, is in DJF, and the week before it
        is not. A run that chose by the stamps (:attr:`selected_by_stamps`) is judged by them."""
        if self.value_time_step is None and self.value_periods is None:
            return None
        return np.asarray(self.time.values) if self.selected_by_stamps else self.season_times()

    def cell_area_weights(self, *, whole_cells: bool = False, steps: slice | None = None) -> np.ndarray:
        """Relative area of each grid cell, shape (n_lat, n_lon), with mean 1: the weights of
        every score (and of an area-weighted training loss); shape (n_time, n_lat, n_lon) when
        the fraction below changes with time (:attr:`weights_change_with_time`). Either way
        ``weights.reshape(-1)[flat_index % weights.size]`` is each sample's weight, and a score
        over time steps ``steps`` takes :func:`steps_weights` of them, or those steps' alone with
        ``steps`` (a chunk's: shape (n_steps, n_lat, n_lon), on the same scale as the whole's).

        For a target that is a mean over the land (or sea, sea-ice) part of each cell, the area
        is that part's: the cell's area times ``area_fraction`` (CF 1.8 section 7.3.3; the CMIP
        and IPCC land averages; for ``sea_ice``, each step's ``siconc``), 0 for a cell without
        land or whose fraction is missing (NaN); ``whole_cells`` weighs whole cells instead
        (the area means of the input features, which are over whole cells).

        On a sphere a cell between latitudes φ₁ and φ₂ and longitudes λ₁ and λ₂ has area
        ∝ (sin φ₂ − sin φ₁)(λ₂ − λ₁), with the edges from the file's CF bounds, or without
        bounds midway between the centres (:func:`~climann.data.geometry.bounds_from_centres`:
        the spacing of irregular and Gaussian grids counts; on an even spacing Δ this is
        2 sin(Δ/2) cos φ, the cos φ weighting, and a centre at a pole gets its polar cap).
        Mean 1 keeps a weighted loss on the same scale as an unweighted one. On a rotated-pole
        grid the same formulas apply to the rotated latitude and longitude (exact: the rotation
        keeps areas). On a map projection they are the geodesic areas of the cells' corners, which
        are exact in the projection's coordinates (``geographic.cell_areas``). On another
        curvilinear grid the areas come from the 2-D cell corners when the file has them
        (:func:`~climann.data.geometry.polygon_areas`), else from corners midway between the
        centres (:func:`~climann.data.geometry.centre_spacing_areas`: a cell on a pole too).
        A list of points written as a curvilinear grid (:attr:`is_point_list`: a JULES land-point
        list) has no cells: each point weighs cos φ (:func:`~climann.data.point_lists.point_weights`).
        The file's own areas (``cell_areas``, from its CF ``cell_measures``) come first, on
        every grid: a model knows its cells best (CF conventions section 7.2).
        """
        area = self._areas
        if self.area_fraction is not None and not whole_cells and self._part_mean > 0:
            # a region without any land (mean 0) is weighed by whole cells, not by the fraction's 0
            fraction = self.area_fraction.values
            if steps is not None and np.ndim(fraction) == 3:  # of each step when it changes with time
                fraction = fraction[steps]  # only those steps are read from a lazy fraction
            return area * np.nan_to_num(loaded(fraction)) / self._part_mean  # none held (or outside --region): 0
        return area / area.mean()

    @functools.cached_property
    def _areas(self) -> np.ndarray:
        """The cells' areas, shape (n_lat, n_lon): the file's (0 where missing), else computed;
        computed once, not for each chunk of steps."""
        if self.cell_areas is not None:
            return np.where(np.isfinite(self.cell_areas), self.cell_areas, 0.0)
        return self.computed_cell_areas()

    @functools.cached_property
    def _part_mean(self) -> float:
        """The mean over the grid (and time) of each cell's area × ``area_fraction``, which
        :meth:`cell_area_weights` divides by: computed once, not for each chunk of steps. Of a
        fraction that changes with time, the sum of each step's sum, read at most
        :data:`FRACTION_READ_BYTES` at a time: the same number however the steps are chunked,
        whether the fraction is in memory or in its files."""
        fraction = self.area_fraction.values
        if np.ndim(fraction) != 3:
            return float(np.mean(self._areas * np.nan_to_num(fraction)))
        n_time, n_cells = fraction.shape[0], self.n_cells
        per_read = max(1, FRACTION_READ_BYTES // (8 * n_cells))
        step_sums = [(self._areas * np.nan_to_num(loaded(fraction[start:start + per_read]))).reshape(-1, n_cells).sum(1)
                     for start in range(0, n_time, per_read)]
        return float(np.concatenate(step_sums).sum() / (n_time * n_cells))

    def __getstate__(self) -> dict:
        """What pickling sends (to each worker of a cluster): the attributes with the cached areas
        and their mean (:attr:`_part_mean`), computed here first, so that no worker reads a
        fraction that changes with time whole to compute them again."""
        if self.area_fraction is not None:
            self._part_mean  # noqa: B018 (computed and cached)
        return dict(self.__dict__)

    @property
    def weights_change_with_time(self) -> bool:
        """Whether :meth:`cell_area_weights` has a time axis: the target is a mean over a part of
        each cell that changes with time (``where sea_ice``, weighed by each step's ``siconc``)."""
        return self.area_fraction is not None and np.ndim(self.area_fraction.values) == 3

    def computed_cell_areas(self) -> np.ndarray:
        """The cell areas climann computes from the grid, shape (n_lat, n_lon), steradians
        (on the unit sphere; on a map projection, its ellipsoid's authalic sphere), 0 for a
        cell without a position: the areas :meth:`cell_area_weights` weighs with when the file
        gives none (the formulas there)."""
        if self.geographic is not None and not self.is_rotated_pole:
            return self._curvilinear_cell_areas()
        areas = self._whole_grid_areas(AXES_AREAS)
        return areas if areas is not None else latitude_longitude_areas(*self.axis_bounds())

    def _whole_grid_areas(self, how: str) -> np.ndarray | None:
        """The whole grid's areas of these cells (:attr:`whole_grid_areas`) when computed as
        ``how`` is and for these cells (not thinned by ``grid_stride`` since); else None."""
        if self.whole_grid_areas is None or self.grid_stride != 1:
            return None
        recorded_how, areas = self.whole_grid_areas
        return areas if recorded_how == how and np.shape(areas) == self.shape[1:] else None

    def axis_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The cells' edges along the latitude and longitude axes (the rotated ones on a
        rotated-pole grid), shapes (n_lat, 2) and (n_lon, 2), degrees: the file's CF bounds
        (CF conventions section 7.1), else midway between the centres, latitudes clipped at
        ±90° (:func:`~climann.data.geometry.bounds_from_centres`: a centre at a pole has its
        polar cap as its cell). The edges of the area weights and of the maps."""
        latitude_bounds, longitude_bounds = self.latitude_bounds, self.longitude_bounds
        if latitude_bounds is None:
            latitude_bounds = bounds_from_centres(self.latitude.values, latitude=True)
        if longitude_bounds is None:
            longitude_bounds = bounds_from_centres(self.longitude.values, longitude=True)
        return np.asarray(latitude_bounds, np.float64), np.asarray(longitude_bounds, np.float64)

    def _curvilinear_cell_areas(self) -> np.ndarray:
        """Cell areas (unit sphere) of a curvilinear grid, shape (n_lat, n_lon)."""
        grid = self.geographic
        if grid.cell_areas is not None:
            area = np.asarray(grid.cell_areas, np.float64)
        elif grid.point_list:  # points have no cells: each weighs as its cell on an even grid would
            area = point_weights(grid.latitude.values)
        elif grid.latitude_bounds is not None and grid.longitude_bounds is not None:
            area = polygon_areas(grid.latitude_bounds.values, grid.longitude_bounds.values,
                                 straight_edges=self.straight_cell_edges)
        else:
            area = self._whole_grid_areas(CENTRE_SPACING_AREAS)
            if area is None:
                area = centre_spacing_areas(*self.geographic_coordinates())
        return np.where(np.isfinite(area), area, 0.0)  # a cell without a position has no area


def rotated_pole_axes(grid_mapping: Coordinate | None, latitude_attrs: Mapping, longitude_attrs: Mapping) -> bool:
    """Whether rows and columns with these attributes are the rotated latitude and longitude
    (degrees) of a ``rotated_latitude_longitude`` ``grid_mapping`` (:attr:`GridLayout.is_rotated_pole`)."""
    return (
        grid_mapping is not None
        and grid_mapping.attrs.get("grid_mapping_name") == "rotated_latitude_longitude"
        and latitude_attrs.get("standard_name") == "grid_latitude"
        and longitude_attrs.get("standard_name") == "grid_longitude"
    )


def latitude_longitude_areas(latitude_bounds: np.ndarray, longitude_bounds: np.ndarray) -> np.ndarray:
    """Areas of the cells of a latitude-longitude grid on the unit sphere (steradians),
    (sin φ₂ − sin φ₁)(λ₂ − λ₁), shape (n_lat, n_lon), from the edges of each axis, shapes
    (n_lat, 2) and (n_lon, 2), degrees."""
    edges = np.deg2rad(np.asarray(latitude_bounds, np.float64))
    by_latitude = np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))
    longitude_bounds = np.asarray(longitude_bounds, np.float64)
    # a cell across the dateline (179.5 … −179.5) is 1° wide, not 359°
    by_longitude = np.deg2rad(np.abs(wrapped_difference(longitude_bounds[:, 1], longitude_bounds[:, 0])))
    return np.outer(by_latitude, by_longitude)


def loaded(values: np.ndarray | dask.array.Array) -> np.ndarray:
    """``values`` as a NumPy array: read now from a dask array, by this thread alone (as
    :meth:`~climann.data.pointwise.PointwiseSource.read` inside a task on a cluster worker, so that
    the worker reads them itself rather than sending tasks to the cluster it runs on)."""
    if getattr(values, "chunks", None) is not None:  # dask's (imported only where files are wrapped)
        return np.asarray(values.compute(scheduler="synchronous"))
    return np.asarray(values)


def sample_weights(weights: np.ndarray, flat_index: np.ndarray, *, first_step: int = 0) -> np.ndarray:
    """Each sample's cell weight from the weights of the time steps from ``first_step`` on:
    ``weights`` of shape (n_lat, n_lon) (they do not change with time) or (n_steps, n_lat, n_lon)
    (:meth:`GridLayout.cell_area_weights` with ``steps`` starting at ``first_step``, or without:
    every step, ``first_step`` 0), shape (n_samples,).

    Parameters
    ----------
    weights : ndarray, shape (n_lat, n_lon) or (n_steps, n_lat, n_lon)
        Or flattened, shape (n_cells,) or (n_time · n_cells,): weights that do not change with
        time, or of every step (``first_step`` 0).
    flat_index : ndarray of int, shape (n_samples,)
        Each sample's position in the whole (time, latitude, longitude) array
        (:class:`GridLayout`), from the steps the weights are of.
    first_step : int
        The time step of ``weights[0]`` when they have a time axis.

    Returns
    -------
    ndarray, shape (n_samples,)
        ``weights.reshape(-1)[(flat_index − first_step · n_cells) mod weights.size]``.
    """
    offset = first_step * weights[0].size if weights.ndim == 3 else 0  # a multiple of n_cells changes no cell
    cells = weights.reshape(-1)
    return cells[(flat_index - offset) % cells.size]


def steps_weights(weights: np.ndarray, steps: slice | np.ndarray) -> np.ndarray:
    """The cell weights of the time steps ``steps`` (a slice or an index of the axis):
    ``weights[steps]`` when they change with time, shape (n_time, n_lat, n_lon)
    (:meth:`GridLayout.cell_area_weights` of a ``where sea_ice`` target), else ``weights``, shape
    (n_lat, n_lon), which broadcast over any steps."""
    return weights[steps] if np.ndim(weights) == 3 else weights


def segment_starts(time_blocks: tuple[str, ...], n_time: int) -> np.ndarray:
    """For each time step, the index of the first step of its contiguous block, shape (n_time,).

    Without blocks the whole axis is one segment (all zeros): "k steps earlier" never
    crosses from one dataset's time axis into another's.
    """
    if not time_blocks:
        return np.zeros(n_time, dtype=np.int64)
    labels = np.asarray(time_blocks)
    new_segment = np.concatenate([[True], labels[1:] != labels[:-1]])
    return np.maximum.accumulate(np.where(new_segment, np.arange(n_time), 0))
