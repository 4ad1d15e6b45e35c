"""A synthetic CF-1.8 monthly climate-model file to train and teach on.

The file looks like one CMIP-style atmosphere model output on a regular latitude-longitude
grid (0…360 longitudes, ``noleap`` calendar, ``_FillValue`` 1e20, land-only soil moisture)
and its near-surface air temperature ``tas`` is a *nonlinear* function of the predictors:

- ``rsdt``  top-of-atmosphere insolation from the astronomical formula;
- ``orog``, ``sftlf``  synthetic continents with mountains (static);
- ``clt``   cloud cover: a latitudinal climatology plus smooth random weather;
- ``mrso``  soil moisture over land (missing over ocean), wetter under clouds;
- ``tas``   a one-layer radiative balance: absorbed sunlight (surface and cloud albedo),
  thermal inertia of land and ocean, heat transport towards the global mean,
  T = (F / (ε σ))^¼, evaporative and lapse-rate cooling, a warming trend and noise.

The continents, mountains and seas are invented: the global attribute ``geography``
(:data:`GEOGRAPHY`, see :data:`climann.data.layout.GEOGRAPHY_ATTRIBUTE`) says so, and maps of
the sample, of runs on it and of their predictions draw no coastlines of the Earth.

Each year is computed and written on its own (12 time steps), with its random draws from
``numpy.random.default_rng([seed, year_index])``, so memory does not grow with ``years``
and the result does not depend on the order in which years are written.
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path

import netCDF4
import numpy as np

from climann._version import __version__
from climann.data.sample_physics import (
    _SURFACE_STREAM,
    FILL_VALUE,
    Grid,
    month_bounds,
    regular_grid,
    synthetic_surface,
    year_fields,
)
from climann.atomic import atomic_path
from climann.data.layout import GEOGRAPHY_ATTRIBUTE, SYNTHETIC_GEOGRAPHY
from climann.data.time_axis import year_text
from climann.errors import ClimannError

_MAX_YEARS = 10_000

# --- CF metadata, kept as a table apart from the physics ---------------------------------
_AREA_TIME_MEAN = "area: time: mean"
# In file order, which is the order of the default predictors (rsdt, orog, sftlf, clt).
VARIABLES: dict[str, dict[str, str]] = {
    "tas": {"units": "K", "standard_name": "air_temperature",
            "long_name": "Near-Surface Air Temperature", "cell_methods": _AREA_TIME_MEAN,
            "coordinates": "height"},
    "rsdt": {"units": "W m-2", "standard_name": "toa_incoming_shortwave_flux",
             "long_name": "TOA Incident Shortwave Radiation", "cell_methods": _AREA_TIME_MEAN},
    "orog": {"units": "m", "standard_name": "surface_altitude",
             "long_name": "Surface Altitude", "cell_methods": "area: mean"},
    "sftlf": {"units": "%", "standard_name": "land_area_fraction",
              "long_name": "Percentage of the Grid Cell Occupied by Land (Including Lakes)",
              "cell_methods": "area: mean"},
    "clt": {"units": "%", "standard_name": "cloud_area_fraction",
            "long_name": "Total Cloud Cover Percentage", "cell_methods": _AREA_TIME_MEAN},
    "mrso": {"units": "kg m-2", "standard_name": "mass_content_of_water_in_soil",
             "long_name": "Total Soil Moisture Content",
             "cell_methods": "area: mean where land time: mean"},
}
#: The sample dataset's global ``title``: what tells it from climann's other NetCDF outputs.
SAMPLE_TITLE = "climann synthetic monthly sample: near-surface air temperature and predictors"
STATIC_VARIABLES = ("orog", "sftlf")
TIME_VARYING_VARIABLES = ("tas", "rsdt", "clt", "mrso")
#: The file's :data:`~climann.data.layout.GEOGRAPHY_ATTRIBUTE`: its continents are not the
#: Earth's, and maps of it (and of runs and predictions made from it) draw no coastlines.
GEOGRAPHY = (f"{SYNTHETIC_GEOGRAPHY}: invented continents, mountains and seas on an Earth-sized sphere, not the "
             "Earth's; maps of these data draw no coastlines")

COMMENT = (
    "Synthetic data, not a simulation. rsdt is the daily-mean top-of-atmosphere insolation "
    "at mid-month (S0 = 1361 W m-2, Spencer declination and eccentricity). Continents "
    "(sftlf, orog) are seeded Gaussian blobs on the sphere with mountains; clt is a "
    "latitudinal climatology plus smooth random anomalies; mrso (land only) is wetter under "
    "clouds and drier in summer. tas is a one-layer radiative balance computed for land and "
    "ocean and blended by sftlf: insolation lagged and damped by thermal inertia (land 15 d "
    "and 85 % of the seasonal cycle, ocean 60 d and 30 %), absorbed F = Q (1 - surface "
    "albedo)(1 - 0.35 clt/100), heat transport F + 0.55 (global mean F - F), "
    "T = (F / (0.6 sigma))^(1/4), evaporative cooling over wet land, -6.5 K/km lapse rate, "
    "+0.02 K/yr trend and Gaussian noise (sd 0.7 K)."
)


# --- the file ----------------------------------------------------------------------------------
def _is_whole(value: object, *, minimum: int, maximum: int | None = None) -> bool:
    """True for an integer (not a bool) with minimum ≤ value (≤ maximum)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return False
    return minimum <= value and (maximum is None or value <= maximum)


def _divides_180(resolution: object) -> bool:
    """True for a positive real r with 180 / r a whole number."""
    if isinstance(resolution, bool) or not isinstance(resolution, numbers.Real):
        return False
    if not (np.isfinite(resolution) and 0 < resolution <= 180):
        return False
    cells = 180.0 / resolution
    return abs(cells - round(cells)) < 1e-9


def _validate(path: str | os.PathLike, *, years: int, resolution: float, start_year: int,
              seed: int) -> Path:
    """Check the arguments; return the target path. Raises ClimannError with a fix."""
    if not _is_whole(years, minimum=1, maximum=_MAX_YEARS):
        raise ClimannError(f"years must be a whole number from 1 to {_MAX_YEARS}; got {years!r}")
    if not _is_whole(seed, minimum=0):
        raise ClimannError(f"seed must be a non-negative whole number; got {seed!r}")
    if not _is_whole(start_year, minimum=1, maximum=9999):
        raise ClimannError(f"start_year must be a whole number from 1 to 9999; got {start_year!r}")
    if not _divides_180(resolution):
        raise ClimannError(f"resolution must be a positive number of degrees that divides 180 "
                           f"evenly (e.g. 0.5, 1, 2.5, 5); got {resolution!r}")
    target = Path(path)
    if target.is_dir():
        raise ClimannError(f"{target} is a directory; give a file name such as {target}/sample.nc")
    if not target.parent.is_dir():
        raise ClimannError(f"cannot write {target}: directory {target.parent} does not exist; "
                           "create it first")
    return target


def _global_attributes(*, years: int, resolution: float, start_year: int,
                       seed: int) -> dict[str, object]:
    """CF-1.8 global attributes; deterministic (no timestamps) so files are reproducible."""
    call = (f"write_sample_dataset(years={years}, resolution={resolution}, "
            f"start_year={start_year}, seed={seed})")
    return {
        "Conventions": "CF-1.8",
        "title": SAMPLE_TITLE,
        "institution": "climann synthetic sample",
        "source": f"climann {__version__} sample generator",
        "history": f"created by climann {__version__} {call}",
        "comment": COMMENT,
        GEOGRAPHY_ATTRIBUTE: GEOGRAPHY,
        "frequency": "mon",
        "sample_years": np.int32(years),
        "sample_resolution_degrees": np.float64(resolution),
        "sample_start_year": np.int32(start_year),
        "sample_seed": np.int64(seed),
    }


def _define_coordinates(dataset: netCDF4.Dataset, grid: Grid, *, years: int,
                        start_year: int) -> None:
    """Dimensions time, lat, lon, bnds; coordinates with bounds; the scalar 2 m height."""
    dataset.createDimension("time", 12 * years)
    dataset.createDimension("lat", grid.lat.size)
    dataset.createDimension("lon", grid.lon.size)
    dataset.createDimension("bnds", 2)
    bounds = month_bounds(years=years)
    specs = {
        "time": (("time",), bounds.mean(axis=1), {
            "units": f"days since {year_text(start_year)}-01-01 00:00:00", "calendar": "noleap",
            "standard_name": "time", "long_name": "time", "axis": "T", "bounds": "time_bnds"}),
        "lat": (("lat",), grid.lat, {
            "units": "degrees_north", "standard_name": "latitude", "long_name": "latitude",
            "axis": "Y", "bounds": "lat_bnds"}),
        "lon": (("lon",), grid.lon, {
            "units": "degrees_east", "standard_name": "longitude", "long_name": "longitude",
            "axis": "X", "bounds": "lon_bnds"}),
        "height": ((), np.float64(2.0), {
            "units": "m", "standard_name": "height", "long_name": "height",
            "axis": "Z", "positive": "up"}),
        "time_bnds": (("time", "bnds"), bounds, {}),
        "lat_bnds": (("lat", "bnds"), grid.lat_bounds, {}),
        "lon_bnds": (("lon", "bnds"), grid.lon_bounds, {}),
    }
    for name, (dimensions, values, attributes) in specs.items():
        variable = dataset.createVariable(name, "f8", dimensions)
        variable.setncatts(attributes)
        variable[...] = values


def _define_data_variables(dataset: netCDF4.Dataset, grid: Grid) -> None:
    """float32 variables with CF attributes; time-varying ones chunked one year per chunk."""
    for name, attributes in VARIABLES.items():
        static = name in STATIC_VARIABLES
        dimensions = ("lat", "lon") if static else ("time", "lat", "lon")
        chunks = None if static else (12, grid.lat.size, grid.lon.size)
        variable = dataset.createVariable(name, "f4", dimensions, fill_value=FILL_VALUE,
                                          contiguous=static, chunksizes=chunks)
        variable.setncatts(attributes)
        if not static:  # whole chunks are written once: cache one, not netCDF's 64 MiB each
            variable.set_var_chunk_cache(size=4 * int(np.prod(chunks)))


def _as_stored(values: np.ndarray) -> np.ndarray:
    """float32 values with missing (NaN) entries replaced by the _FillValue 1e20."""
    return np.where(np.isnan(values), FILL_VALUE, values).astype(np.float32)


def _write_contents(dataset: netCDF4.Dataset, *, years: int, resolution: float,
                    start_year: int, seed: int) -> None:
    """Define the whole file, write the static fields, then one year (12 steps) at a time."""
    grid = regular_grid(resolution=resolution)
    surface = synthetic_surface(grid, rng=np.random.default_rng([seed, _SURFACE_STREAM]))
    dataset.setncatts(_global_attributes(years=years, resolution=resolution,
                                         start_year=start_year, seed=seed))
    _define_coordinates(dataset, grid, years=years, start_year=start_year)
    _define_data_variables(dataset, grid)
    dataset["sftlf"][...] = _as_stored(100.0 * np.clip(surface.land_fraction, 0.0, 1.0))
    dataset["orog"][...] = _as_stored(surface.altitude)
    for year_index in range(years):
        fields = year_fields(year_index, grid=grid, surface=surface, seed=seed)
        steps = slice(12 * year_index, 12 * (year_index + 1))
        for name in TIME_VARYING_VARIABLES:
            dataset[name][steps] = _as_stored(fields[name])


def write_sample_dataset(path: str | os.PathLike, *, years: int = 20, resolution: float = 5.0,
                         start_year: int = 1980, seed: int = 0) -> Path:
    """Write the synthetic CF-1.8 monthly sample file that ``make demo`` trains on.

    Parameters
    ----------
    path : str or os.PathLike
        Target NetCDF file; its directory must exist. An existing file is replaced.
    years : int
        Number of years of monthly data (12 × ``years`` time steps).
    resolution : float
        Grid spacing in degrees; must divide 180 evenly.
    start_year : int
        First year of the ``noleap`` time axis.
    seed : int
        Seed of all random draws; the same arguments give the same data.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ClimannError
        For invalid arguments or a path that cannot be written.

    Examples
    --------
    >>> write_sample_dataset("data/sample.nc", years=2, resolution=10.0)  # doctest: +SKIP
    PosixPath('data/sample.nc')
    """
    target = _validate(path, years=years, resolution=resolution, start_year=start_year,
                       seed=seed)
    with atomic_path(target, what="sample dataset") as temporary:
        with netCDF4.Dataset(temporary, "w", format="NETCDF4") as dataset:
            _write_contents(dataset, years=years, resolution=float(resolution),
                            start_year=start_year, seed=seed)
    return target
