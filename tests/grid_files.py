"""Tiny NetCDF files on curvilinear, rotated-pole and projected grids, for tests.

The geographic coordinates of the rotated-pole grid come from the rotation written out by
hand (as in the shared ``cordex_rotated`` case), independently of pyproj, which climann uses.
"""

from __future__ import annotations

import functools
from pathlib import Path

import netCDF4
import numpy as np
import xarray as xr

POLE_LATITUDE, POLE_LONGITUDE = 39.25, 198.0  # EURO-CORDEX's rotated north pole
RLAT = np.arange(-10.0, 12.0, 4.4)  # 5 rows
RLON = np.arange(-12.0, 14.0, 4.4)  # 6 columns


def rotated_to_geographic(rlat: np.ndarray, rlon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geographic latitude and longitude of rotated coordinates (CF rotated_latitude_longitude):
    rotate about y by −(90° − pole latitude), then about z by the pole longitude − 180°."""
    phi, lam = np.deg2rad(rlat), np.deg2rad(rlon)
    x, y, z = np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)
    theta = -(np.pi / 2 - np.deg2rad(POLE_LATITUDE))
    x2 = np.cos(theta) * x + np.sin(theta) * z
    z2 = -np.sin(theta) * x + np.cos(theta) * z
    turn = np.deg2rad(POLE_LONGITUDE - 180.0)
    x3 = np.cos(turn) * x2 - np.sin(turn) * y
    y3 = np.sin(turn) * x2 + np.cos(turn) * y
    return np.rad2deg(np.arcsin(z2)), np.rad2deg(np.arctan2(y3, x3))


def _time(nc: netCDF4.Dataset, n_time: int) -> None:
    nc.createDimension("time", None)
    variable = nc.createVariable("time", "f8", ("time",))
    variable.units, variable.calendar, variable.standard_name = "days since 1971-01-01", "360_day", "time"
    variable[:] = 15 + 30 * np.arange(n_time)


def _field(n_time: int, latitude: np.ndarray, seed: int) -> np.ndarray:
    """A temperature that depends on the true latitude and the season, plus a little noise."""
    months = np.arange(n_time) % 12
    season = 8 * np.cos(2 * np.pi * (months - 6) / 12)[:, None, None]
    noise = np.random.default_rng(seed).normal(0, 0.3, (n_time, *latitude.shape))
    return 288 - 0.6 * (latitude - 45)[None] + season + noise


def write_rotated(path: Path, *, with_latlon: bool = True, n_time: int = 24, seed: int = 0) -> Path:
    """A EURO-CORDEX-like file: 1-D rlat/rlon, optional 2-D lat/lon, a ``rotated_pole`` mapping."""
    latitude, longitude = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    with netCDF4.Dataset(path, "w") as nc:
        _time(nc, n_time)
        nc.createDimension("rlat", RLAT.size)
        nc.createDimension("rlon", RLON.size)
        for name, values, standard_name in (("rlat", RLAT, "grid_latitude"), ("rlon", RLON, "grid_longitude")):
            variable = nc.createVariable(name, "f8", (name,))
            variable.standard_name, variable.units, variable.axis = standard_name, "degrees", {"rlat": "Y", "rlon": "X"}[name]
            variable[:] = values
        if with_latlon:
            for name, values, units in (("lat", latitude, "degrees_north"), ("lon", longitude, "degrees_east")):
                variable = nc.createVariable(name, "f8", ("rlat", "rlon"))
                variable.standard_name, variable.units = {"lat": "latitude", "lon": "longitude"}[name], units
                variable[:] = values
        mapping = nc.createVariable("rotated_pole", "c")
        mapping.grid_mapping_name = "rotated_latitude_longitude"
        mapping.grid_north_pole_latitude, mapping.grid_north_pole_longitude = POLE_LATITUDE, POLE_LONGITUDE
        tas = nc.createVariable("tas", "f4", ("time", "rlat", "rlon"))
        tas.standard_name, tas.units, tas.grid_mapping = "air_temperature", "K", "rotated_pole"
        if with_latlon:
            tas.coordinates = "lat lon"
        tas[:] = _field(n_time, latitude, seed)
    return path


def curvilinear_coordinates(n_y: int = 5, n_x: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """A distorted ocean-like grid: 2-D latitude and longitude on index dims (y, x)."""
    j, i = np.meshgrid(np.arange(n_y), np.arange(n_x), indexing="ij")
    return -60 + 30 * j + 3 * np.sin(i), 20 + 60 * i + 5 * j


def write_curvilinear(path: Path, *, n_time: int = 24, seed: int = 1) -> Path:
    """An ocean-model file (NEMO-like): dims y, x without coordinate variables, 2-D nav_lat/nav_lon."""
    latitude, longitude = curvilinear_coordinates()
    with netCDF4.Dataset(path, "w") as nc:
        _time(nc, n_time)
        nc.createDimension("y", latitude.shape[0])
        nc.createDimension("x", latitude.shape[1])
        for name, values, standard_name, units in (
            ("nav_lat", latitude, "latitude", "degrees_north"), ("nav_lon", longitude, "longitude", "degrees_east")
        ):
            variable = nc.createVariable(name, "f8", ("y", "x"))
            variable.standard_name, variable.units = standard_name, units
            variable[:] = values
        tos = nc.createVariable("tos", "f4", ("time", "y", "x"))
        tos.standard_name, tos.units, tos.coordinates = "sea_surface_temperature", "degC", "nav_lat nav_lon"
        tos[:] = _field(n_time, latitude, seed) - 273.15
    return path


#: A Lambert conformal conic grid mapping centred on (50°N, 10°E).
LAMBERT = {
    "grid_mapping_name": "lambert_conformal_conic", "standard_parallel": [35.0, 65.0],
    "longitude_of_central_meridian": 10.0, "latitude_of_projection_origin": 50.0,
}


def write_lambert(path: Path, *, units: str = "km", n_time: int = 24) -> Path:
    """A projected file with only a grid mapping: 1-D x/y (``units``), no latitude or longitude."""
    scale = {"km": 1.0, "m": 1000.0}[units]
    x, y = np.arange(-250.0, 260.0, 100.0) * scale, np.arange(-200.0, 210.0, 100.0) * scale  # 6 × 5 cells
    with netCDF4.Dataset(path, "w") as nc:
        _time(nc, n_time)
        for name, values in (("y", y), ("x", x)):
            nc.createDimension(name, values.size)
            variable = nc.createVariable(name, "f8", (name,))
            variable.standard_name, variable.units = f"projection_{name}_coordinate", units
            variable[:] = values
        crs = nc.createVariable("crs", "i4")
        crs.setncatts(LAMBERT)
        tas = nc.createVariable("tas", "f4", ("time", "y", "x"))
        tas.units, tas.grid_mapping = "K", "crs"
        tas[:] = 280 + np.random.default_rng(2).normal(0, 1, (n_time, y.size, x.size))
    return path


def wrf_coordinates(n_south_north: int = 5, n_west_east: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """A Lambert-like WRF domain: 2-D latitude and longitude on (south_north, west_east)."""
    j, i = np.meshgrid(np.arange(n_south_north), np.arange(n_west_east), indexing="ij")
    return 30 + 5 * j + 0.3 * i, -100 + 4 * i + 0.2 * j


def write_wrf(path: Path, *, repeated: bool = True, n_time: int = 36, months: range | None = None,
              moved_from: int | None = None, staggered: bool = False, seed: int = 3) -> Path:
    """WRF output after monthly averaging (the shared ``wrf`` case): dims Time, south_north,
    west_east; XTIME in minutes; a ``Times`` character array; XLAT/XLONG in degree_north/east
    without standard_name, on (Time, south_north, west_east) when ``repeated`` (as WRF writes
    them, the same every step) or on (south_north, west_east); T2 (K) and SWDOWN (W m-2) with
    ``coordinates = "XLONG XLAT XTIME"``. ``months`` picks the months written (default all);
    ``moved_from``: XLAT moves 0.5° north from that step on (a moving nest). ``staggered``: also
    the winds U on (Time, south_north, west_east_stag) and V on (Time, south_north_stag,
    west_east) with their XLAT_U/XLONG_U, XLAT_V/XLONG_V, as wrfout has them (``stagger``
    "X", "Y"; the mass points' "")."""
    import cftime

    latitude, longitude = wrf_coordinates()
    rng = np.random.default_rng(seed)
    month = np.arange(n_time) % 12
    swdown = 250 * np.cos(np.deg2rad(latitude))[None] + 120 * np.cos(2 * np.pi * (month - 6) / 12)[:, None, None]
    t2 = 230 + 0.2 * swdown + rng.normal(0, 0.5, swdown.shape)
    days = 365 * (np.arange(n_time) // 12) + np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30])[month] + 15
    kept = list(months if months is not None else range(n_time))
    dates = cftime.num2date(days[kept], "days since 1990-01-01", calendar="noleap")
    grid_dims = ("south_north", "west_east")
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("Time", None)
        nc.createDimension("DateStrLen", 19)
        for name, size in zip(grid_dims, latitude.shape):
            nc.createDimension(name, size)
        nc.MAP_PROJ, nc.TRUELAT1, nc.TRUELAT2, nc.STAND_LON = 1, 30.0, 60.0, -90.0
        times = nc.createVariable("Times", "S1", ("Time", "DateStrLen"))
        times[:] = netCDF4.stringtochar(np.array([d.strftime("%Y-%m-%d_%H:%M:%S") for d in dates], "S19"))
        xtime = nc.createVariable("XTIME", "f4", ("Time",))
        xtime.units, xtime.calendar = "minutes since 1990-01-01 00:00:00", "noleap"
        xtime[:] = days[kept] * 1440.0
        for name, values, units in (("XLAT", latitude, "degree_north"), ("XLONG", longitude, "degree_east")):
            variable = nc.createVariable(name, "f4", (("Time",) if repeated else ()) + grid_dims)
            variable.units, variable.description = units, f"{name}, as WRF writes it"
            if repeated:
                values = np.repeat(values[None], len(kept), axis=0)
                if moved_from is not None and name == "XLAT":
                    values[moved_from:] += 0.5
            variable[:] = values
            variable.stagger = ""
        for name, values, units in (("T2", t2, "K"), ("SWDOWN", swdown, "W m-2")):
            variable = nc.createVariable(name, "f4", ("Time", *grid_dims))
            variable.units, variable.coordinates, variable.stagger = units, "XLONG XLAT XTIME", ""
            variable[:] = values[kept]
        if staggered:
            _write_wrf_winds(nc, latitude, longitude, len(kept), repeated=repeated)
    return path


def _write_wrf_winds(nc: netCDF4.Dataset, latitude: np.ndarray, longitude: np.ndarray, n_time: int, *,
                     repeated: bool) -> None:
    """U and V on WRF's staggered grids, between the mass points, with their own XLAT_U … XLONG_V."""
    nc.createDimension("west_east_stag", latitude.shape[1] + 1)
    nc.createDimension("south_north_stag", latitude.shape[0] + 1)
    for suffix, dims, axis in (("U", ("south_north", "west_east_stag"), 1), ("V", ("south_north_stag", "west_east"), 0)):
        stagger = "X" if suffix == "U" else "Y"
        for name, centres, units in (("XLAT", latitude, "degree_north"), ("XLONG", longitude, "degree_east")):
            step = np.diff(centres, axis=axis).take([0], axis=axis)
            edges = np.concatenate([centres.take([0], axis=axis) - step / 2,
                                    (centres[:-1] + centres[1:]) / 2 if axis == 0 else
                                    (centres[:, :-1] + centres[:, 1:]) / 2,
                                    centres.take([-1], axis=axis) + step / 2], axis=axis)
            variable = nc.createVariable(f"{name}_{suffix}", "f4", (("Time",) if repeated else ()) + dims)
            variable.units, variable.stagger = units, stagger
            variable[:] = np.repeat(edges[None], n_time, axis=0) if repeated else edges
        wind = nc.createVariable(suffix, "f4", ("Time", *dims))
        wind.units, wind.stagger, wind.coordinates = "m s-1", stagger, f"XLONG_{suffix} XLAT_{suffix} XTIME"
        wind[:] = np.random.default_rng(4).normal(0, 3, (n_time, *(nc.dimensions[d].size for d in dims)))


#: NARR's Lambert conformal grid mapping (PSL's files), its false origin written in km, as CF
#: appendix F says it is beside x/y in km ("in the unit of the projection_x_coordinate").
NARR_KM = {"grid_mapping_name": "lambert_conformal_conic", "standard_parallel": 50.0,
           "longitude_of_central_meridian": -107.0, "latitude_of_projection_origin": 50.0,
           "false_easting": 5632.64222547, "false_northing": 4612.54565137, "earth_radius": 6371200.0}
#: The same in metres, as NARR's own files write it beside x/y in km.
NARR_M = {**NARR_KM, "false_easting": 5632642.22547, "false_northing": 4612545.65137}
NARR_X_KM, NARR_Y_KM = np.arange(3000.0, 3400.0, 32.463), np.arange(3500.0, 3800.0, 32.463)  # 13 × 10 cells


def proj4_positions(proj4: str, x_m, y_m) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of the points (x_m, y_m) in metres, by hand with a PROJ string."""
    longitude, latitude = _proj4_to_lonlat(proj4).transform(x_m, y_m)
    return np.asarray(latitude), np.asarray(longitude)


@functools.lru_cache(maxsize=16)
def _proj4_to_lonlat(proj4: str):
    """pyproj's transformer from a PROJ string to longitude, latitude, made once per string
    (PROJ's search for the operation takes some 30 ms; the helper is called hundreds of times)."""
    import pyproj

    return pyproj.Transformer.from_crs(pyproj.CRS.from_proj4(proj4), "EPSG:4326", always_xy=True)


#: NARR's projection with the false origin at its true place, in metres (PROJ's +x_0/+y_0).
NARR_PROJ4 = ("+proj=lcc +lat_1=50 +lat_2=50 +lat_0=50 +lon_0=-107 +x_0=5632642.22547 +y_0=4612545.65137 "
              "+R=6371200 +units=m")


def write_narr(path: Path, mapping: dict, *, positions: tuple[np.ndarray, np.ndarray] | None = None) -> Path:
    """A 13 × 10 tile of NARR's grid, x/y in km, with ``mapping`` and, when given, the 2-D
    ``(lat, lon)`` in the file."""
    time = xr.date_range("2000-01-01", periods=24, freq="MS", use_cftime=True)
    variables = {"air": (("time", "y", "x"), np.random.default_rng(5).normal(280, 1, (24, 10, 13)).astype(np.float32),
                         {"units": "K", "grid_mapping": "Lambert_Conformal"}),
                 "Lambert_Conformal": ((), np.int32(0), mapping)}
    coords = {"time": time, "x": ("x", NARR_X_KM, {"units": "km", "standard_name": "projection_x_coordinate"}),
              "y": ("y", NARR_Y_KM, {"units": "km", "standard_name": "projection_y_coordinate"})}
    if positions is not None:
        coords["lat"] = (("y", "x"), positions[0], {"units": "degrees_north", "standard_name": "latitude"})
        coords["lon"] = (("y", "x"), positions[1], {"units": "degrees_east", "standard_name": "longitude"})
        variables["air"][2]["coordinates"] = "lat lon"
    xr.Dataset(variables, coords=coords).to_netcdf(path)
    return path


def narr_true_positions() -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of the NARR tile's cells, by hand (:data:`NARR_PROJ4`), each shape (10, 13)."""
    return proj4_positions(NARR_PROJ4, *np.meshgrid(NARR_X_KM * 1000, NARR_Y_KM * 1000))


#: NSIDC's north polar stereographic grid mapping (EPSG:3411, Hughes ellipsoid), as in G02202 files.
NSIDC_NORTH = {
    "grid_mapping_name": "polar_stereographic", "straight_vertical_longitude_from_pole": -45.0,
    "latitude_of_projection_origin": 90.0, "standard_parallel": 70.0, "false_easting": 0.0,
    "false_northing": 0.0, "semi_major_axis": 6378273.0, "semi_minor_axis": 6356889.449,
}
_HEMISPHERE = "Passive Microwave Monthly Northern Hemisphere Sea Ice Concentration"


def _packed_concentration(nc: netCDF4.Dataset, name: str, values: np.ndarray, long_name: str,
                          **attrs: object) -> None:
    """A G02202 concentration: an _Unsigned byte of 0…100 × 0.01, with status codes 251…254
    (pole hole, lakes, coast, land) beside the data and 255 as fill."""
    variable = nc.createVariable(name, "i1", ("time", "y", "x"), fill_value=np.int8(-1))
    variable.set_auto_maskandscale(False)
    variable.setncatts({
        "_Unsigned": "true", "long_name": long_name, "standard_name": "sea_ice_area_fraction", "units": "1",
        "scale_factor": np.float32(0.01), "valid_range": np.array([0, 100], "i1"),
        "flag_values": np.array([-5, -4, -3, -2], "i1"), "flag_meanings": "pole_hole lakes coastal land",
        "grid_mapping": "projection", "coverage_content_type": "image", **attrs,
    })
    stored = np.round(values * 100).astype(np.uint8)
    stored[:, 0, 0] = 254  # a land cell
    variable[:] = stored.view(np.int8)


def write_nsidc_cdr(path: Path, *, ancillary_variables: bool = False, n_time: int = 24, seed: int = 5) -> Path:
    """A small monthly NOAA/NSIDC sea-ice concentration CDR (G02202 v4) file with its variables'
    names and attributes: ``cdr_seaice_conc`` (the maximum of the NASA Team and Bootstrap
    concentrations ``nsidc_nt_seaice_conc`` and ``nsidc_bt_seaice_conc``), its source
    standard deviation ``stdev_of_cdr_seaice_conc``, the QC bit field ``qa_of_cdr_seaice_conc``,
    the interpolation flags and ``melt_onset_day_cdr_seaice_conc``, on 25 km polar stereographic
    cells (6 × 5). ``ancillary_variables``: whether the CDR names its standard deviation and QC
    flags in ``ancillary_variables`` (CF 3.4); without it, the file must be read by its names."""
    rng = np.random.default_rng(seed)
    shape = (n_time, 5, 6)
    season = 0.4 * np.cos(2 * np.pi * np.arange(n_time) / 12)[:, None, None]
    team = np.clip(0.5 + season + rng.normal(0, 0.15, shape), 0, 1)
    bootstrap = np.clip(team + rng.normal(0, 0.05, shape), 0, 1)
    with netCDF4.Dataset(path, "w") as nc:
        _time(nc, n_time)
        for name, size, start in (("y", 5, 100_000.0), ("x", 6, -50_000.0)):
            nc.createDimension(name, size)
            axis = nc.createVariable(name, "f8", (name,))
            axis.standard_name, axis.units, axis.axis = f"projection_{name}_coordinate", "meters", name.upper()
            axis[:] = start + 25_000.0 * np.arange(size) * (-1 if name == "y" else 1)
        projection = nc.createVariable("projection", "S1")
        projection.setncatts(NSIDC_NORTH)
        cdr = {"ancillary_variables": "stdev_of_cdr_seaice_conc qa_of_cdr_seaice_conc"} if ancillary_variables else {}
        _packed_concentration(nc, "cdr_seaice_conc", np.maximum(team, bootstrap),
                              f"NOAA/NSIDC Climate Data Record of {_HEMISPHERE}", **cdr)
        _packed_concentration(nc, "nsidc_nt_seaice_conc", team, f"{_HEMISPHERE} by NASA Team algorithm processed by NSIDC")
        _packed_concentration(nc, "nsidc_bt_seaice_conc", bootstrap,
                              f"{_HEMISPHERE} by Bootstrap algorithm processed by NSIDC")
        stdev = nc.createVariable("stdev_of_cdr_seaice_conc", "f4", ("time", "y", "x"), fill_value=np.float32(-1))
        stdev.setncatts({"long_name": f"{_HEMISPHERE} Source Estimated Standard Deviation", "units": "1",
                         "valid_range": np.array([0, 1], "f4"), "grid_mapping": "projection",
                         "coverage_content_type": "qualityInformation"})
        stdev[:] = np.abs(team - bootstrap) / 2 + rng.uniform(0, 0.02, shape)
        qa = nc.createVariable("qa_of_cdr_seaice_conc", "i1", ("time", "y", "x"))
        qa.setncatts({"_Unsigned": "true", "long_name": f"{_HEMISPHERE} QC flags",
                      "standard_name": "sea_ice_area_fraction status_flag",
                      "flag_masks": np.array([1, 2, 4, 8, 16, 32, 64, -128], "i1"),
                      "flag_meanings": "average_concentration_exceeds_0.15 average_concentration_exceeds_0.30 "
                                       "at_least_half_the_days_have_sea_ice_conc_exceeds_0.15 "
                                       "at_least_half_the_days_have_sea_ice_conc_exceeds_0.30 "
                                       "region_masked_by_ocean_climatology "
                                       "at_least_one_day_during_month_has_spatial_interpolation "
                                       "at_least_one_day_during_month_has_temporal_interpolation "
                                       "at_least_one_day_during_month_has_melt_detected",
                      "grid_mapping": "projection", "coverage_content_type": "qualityInformation"})
        qa[:] = rng.integers(0, 64, shape).astype(np.int8)
        spatial = nc.createVariable("spatial_interpolation_flag", "i1", ("time", "y", "x"))
        spatial.setncatts({"long_name": f"{_HEMISPHERE} spatial interpolation flags",
                           "flag_masks": np.array([1, 2, 4, 8, 16, 32], "i1"),
                           "flag_meanings": "19v_tb_value_interpolated 19h_tb_value_interpolated "
                                            "22v_tb_value_interpolated 37v_tb_value_interpolated "
                                            "37h_tb_value_interpolated pole_hole_spatially_interpolated",
                           "grid_mapping": "projection", "coverage_content_type": "qualityInformation"})
        spatial[:] = rng.integers(0, 64, shape).astype(np.int8)
        temporal = nc.createVariable("temporal_interpolation_flag", "i1", ("time", "y", "x"))
        temporal.setncatts({"long_name": f"{_HEMISPHERE} temporal interpolation flags",
                            "flag_values": np.array([0, 1, 10, 11], "i1"),
                            "flag_meanings": "no_interpolation one_day_after one_day_before one_day_before_and_after",
                            "grid_mapping": "projection", "coverage_content_type": "qualityInformation"})
        temporal[:] = rng.choice(np.array([0, 1, 10, 11], "i1"), shape)
        melt = nc.createVariable("melt_onset_day_cdr_seaice_conc", "i2", ("time", "y", "x"), fill_value=np.int16(-1))
        melt.setncatts({"long_name": "Day of Snow Melt Onset Over Sea Ice", "units": "1",
                        "valid_range": np.array([60, 244], "i2"), "grid_mapping": "projection",
                        "coverage_content_type": "auxiliaryInformation"})
        melt[:] = rng.integers(60, 245, shape).astype(np.int16)
    return path


#: GPM IMERG V07 monthly (3B-MO) variables of the precipitation group → (units, LongName).
IMERG_MONTHLY = {
    "precipitation": ("mm/hr", "Merged satellite-gauge precipitation estimate"),
    "randomError": ("mm/hr", "Random error for merged satellite-gauge precipitation"),
    "gaugeRelativeWeighting": ("percent", "Weighting of gauge precipitation relative to the multi-satellite "
                                          "precipitation"),
    "probabilityLiquidPrecipitation": ("percent", "Probability of liquid precipitation phase"),
    "precipitationQualityIndex": ("equivalent gauges per 2.5 degree box", "Quality Index for precipitation field"),
}


def write_imerg_monthly(path: Path, *, long_name_key: str = "LongName", n_time: int = 24, seed: int = 7) -> Path:
    """A small GPM IMERG V07 monthly file as ``xr.open_dataset(..., group="Grid").to_netcdf``
    leaves it (the advice climann gives for the HDF5 group): ``precipitation(time, lon, lat)``
    in mm/hr beside its ``randomError`` (computed from the rate, as IMERG's is), the gauges'
    relative weighting, the probability of liquid precipitation and the quality index, each with
    IMERG's HDF5 attributes ``Units``, ``CodeMissingValue``, ``DimensionNames`` and the long name
    under ``long_name_key`` (``LongName`` as IMERG writes it, or ``long_name``), on 4 × 3 cells.
    Time in seconds since the GPS epoch, months 2001-01 on."""
    rng = np.random.default_rng(seed)
    shape = (n_time, 4, 3)
    season = np.cos(2 * np.pi * np.arange(n_time) / 12)[:, None, None]
    rate = np.clip(0.1 + 0.05 * season + rng.gamma(2.0, 0.02, shape), 0, None)
    values = {"precipitation": rate, "randomError": 0.5 * np.sqrt(rate) + rng.normal(0, 0.002, shape),
              "gaugeRelativeWeighting": np.clip(60 + 10 * rng.normal(size=shape), 0, 100),
              "probabilityLiquidPrecipitation": np.clip(90 + 5 * season + rng.normal(0, 3, shape), 0, 100),
              "precipitationQualityIndex": rng.uniform(0, 3, shape)}
    starts = [np.datetime64(f"{2001 + month // 12}-{month % 12 + 1:02d}-01") for month in range(n_time)]
    seconds = [(start - np.datetime64("1980-01-06")).astype("timedelta64[s]").astype("i8") for start in starts]
    time = xr.Variable("time", np.array(seconds, "i4"), {"units": "seconds since 1980-01-06 00:00:00 UTC",
                                                         "calendar": "standard", "standard_name": "time"})
    dataset = xr.Dataset(coords={
        "time": time,
        "lon": ("lon", np.array([-1.5, -0.5, 0.5, 1.5], "f4"), {"units": "degrees_east", "standard_name": "longitude"}),
        "lat": ("lat", np.array([40.5, 45.5, 50.5], "f4"), {"units": "degrees_north", "standard_name": "latitude"})})
    for name, (units, long_name) in IMERG_MONTHLY.items():
        attrs = {"units": units, "Units": units, long_name_key: long_name, "CodeMissingValue": "-9999.9",
                 "DimensionNames": "time,lon,lat"}
        dataset[name] = (("time", "lon", "lat"), values[name].astype("f4"), attrs)
    dataset.to_netcdf(path, encoding={name: {"_FillValue": np.float32(-9999.9)} for name in IMERG_MONTHLY})
    return path


#: TRMM 3B42 daily (version 7) variables → units and long_name as the product writes them.
TRMM_3B42_DAILY = {
    "precipitation": ("mm", "Daily accumulated precipitation (combined microwave-IR) estimate"),
    "precipitation_cnt": ("count", "Count of all valid 3-hourly precipitation observations"),
    "IRprecipitation": ("mm", "Daily accumulated IR precipitation estimate"),
    "IRprecipitation_cnt": ("count", "Count of all valid 3-hourly IR precipitation observations"),
    "HQprecipitation": ("mm", "Daily accumulated High Quality precipitation from all available MW sources"),
    "HQprecipitation_cnt": ("count", "Count of all valid 3-hourly HQ precipitation observations"),
    "randomError": ("mm", "Daily accumulated random error estimate for combined microwave-IR"),
    "randomError_cnt": ("count", "Count of valid 3-hourly random error estimates"),
}


def write_trmm_3b42_daily(path: Path, *, n_time: int = 60, seed: int = 9) -> Path:
    """TRMM 3B42 daily files stacked on a time axis (what the ``ncap2`` advice for its dateless
    daily files gives): ``(time, lon, lat)`` variables of :data:`TRMM_3B42_DAILY`, no standard
    names, on 4 × 3 cells. As 3B42 merges them, ``precipitation`` is the high-quality microwave
    estimate where there is one (5 of 8 three-hour slots) and the infrared one elsewhere; the
    counts are int16 in units "count"."""
    rng = np.random.default_rng(seed)
    shape = (n_time, 4, 3)
    hq_count = rng.integers(3, 6, shape)
    ir, hq = rng.gamma(1.0, 4.0, shape), rng.gamma(1.0, 4.0, shape)
    values = {"HQprecipitation": hq, "HQprecipitation_cnt": hq_count,
              "IRprecipitation": ir, "IRprecipitation_cnt": np.full(shape, 8),
              "precipitation": (hq * hq_count + ir * (8 - hq_count)) / 8, "precipitation_cnt": np.full(shape, 8),
              "randomError_cnt": np.full(shape, 8)}
    values["randomError"] = 0.3 * np.sqrt(values["precipitation"])
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in (("time", n_time), ("lon", 4), ("lat", 3)):
            nc.createDimension(dim, size)
        nc.createVariable("time", "f8", ("time",))[:] = np.arange(n_time)
        nc["time"].setncatts({"units": "days since 2005-01-01", "calendar": "standard"})
        nc.createVariable("lon", "f4", ("lon",))[:] = [-1.5, -0.5, 0.5, 1.5]
        nc.createVariable("lat", "f4", ("lat",))[:] = [40.5, 45.5, 50.5]
        nc["lon"].setncatts({"units": "degrees_east", "long_name": "Longitude"})
        nc["lat"].setncatts({"units": "degrees_north", "long_name": "Latitude"})
        for name, (units, long_name) in TRMM_3B42_DAILY.items():
            counted = units == "count"
            variable = nc.createVariable(name, "i2" if counted else "f4", ("time", "lon", "lat"),
                                         fill_value=None if counted else np.float32(-9999.9))
            variable.setncatts({"units": units, "long_name": long_name})
            variable[:] = values[name]
    return path


def write_trmm_3b43(path: Path, *, n_time: int = 36, seed: int = 10) -> Path:
    """A TRMM 3B43 monthly file (version 7 as netCDF): ``precipitation(time, nlon, nlat)`` in mm/hr
    beside ``relativeError`` in mm/hr, each with its own name as long_name; time in seconds since
    1970-01-01 from 1998-01, on 4 × 3 cells."""
    rng = np.random.default_rng(seed)
    shape = (n_time, 4, 3)
    rate = rng.gamma(2.0, 0.05, shape)
    starts = [np.datetime64(f"{1998 + month // 12}-{month % 12 + 1:02d}-01") for month in range(n_time)]
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in (("time", n_time), ("nlon", 4), ("nlat", 3)):
            nc.createDimension(dim, size)
        nc.createVariable("time", "i4", ("time",))[:] = [(start - np.datetime64("1970-01-01")).astype("timedelta64[s]")
                                                        .astype("i8") for start in starts]
        nc["time"].setncatts({"units": "seconds since 1970-01-01 00:00:00 UTC", "standard_name": "time"})
        nc.createVariable("nlon", "f4", ("nlon",))[:] = [-1.5, -0.5, 0.5, 1.5]
        nc.createVariable("nlat", "f4", ("nlat",))[:] = [40.5, 45.5, 50.5]
        nc["nlon"].setncatts({"units": "degrees_east", "standard_name": "longitude"})
        nc["nlat"].setncatts({"units": "degrees_north", "standard_name": "latitude"})
        for name, data in (("precipitation", rate), ("relativeError", 0.2 + 0.4 * np.sqrt(rate))):
            variable = nc.createVariable(name, "f4", ("time", "nlon", "nlat"), fill_value=np.float32(-9999.9))
            variable.setncatts({"units": "mm/hr", "long_name": name})
            variable[:] = data
    return path


def write_tripolar(path: Path, *, rows=slice(None), numbered_from: int | None = None, variable: str = "siconc",
                   n_time: int = 3) -> Path:
    """A CMIP ocean file on a global 12×8 curvilinear grid (index axes j/i with CMOR's attributes,
    2-D latitude/longitude with vertices; its rows north of 37.5°N bent towards two northern
    poles as a tripolar grid's are, so that their longitudes fill the gaps between the columns of
    the rows below), cut to ``rows`` as ``ncks -d j,…`` cuts it (keeping the whole grid's j
    values), or with its j numbered afresh from ``numbered_from``; ``siconc`` (%) on ``n_time``
    days of a noleap calendar, or the grid's ``areacello``."""
    n_j, n_i = 12, 8
    jj, ii = np.meshgrid(np.arange(n_j), np.arange(n_i), indexing="ij")
    lat = -82.5 + 15.0 * jj - 2.0 * np.maximum(0, jj - 8) * np.cos(np.deg2rad(45.0 * ii))
    lon = np.mod(22.5 + 45.0 * ii + 10.0 * np.maximum(0, jj - 8) * np.sin(np.deg2rad(45.0 * ii)), 360.0)
    corners = np.stack([np.clip(lat + d, -90, 90) for d in (-7.5, -7.5, 7.5, 7.5)], axis=-1)
    lon_corners = np.stack([np.mod(lon + d, 360) for d in (-22.5, 22.5, 22.5, -22.5)], axis=-1)
    index = {"j": ("j", np.arange(n_j), {"units": "1", "long_name": "cell index along second dimension"}),
             "i": ("i", np.arange(n_i), {"units": "1", "long_name": "cell index along first dimension"})}
    coords = {**index,
              "latitude": (("j", "i"), lat, {"standard_name": "latitude", "units": "degrees_north",
                                             "bounds": "vertices_latitude"}),
              "longitude": (("j", "i"), lon, {"standard_name": "longitude", "units": "degrees_east",
                                              "bounds": "vertices_longitude"})}
    bounds = {"vertices_latitude": (("j", "i", "vertices"), corners, {"units": "degrees_north"}),
              "vertices_longitude": (("j", "i", "vertices"), lon_corners, {"units": "degrees_east"})}
    if variable == "areacello":
        area = 6.371e6 ** 2 * np.deg2rad(45.0) * np.abs(np.sin(np.deg2rad(np.clip(lat + 7.5, -90, 90)))
                                                        - np.sin(np.deg2rad(np.clip(lat - 7.5, -90, 90))))
        data = {"areacello": (("j", "i"), area, {"standard_name": "cell_area", "units": "m2"})}
    else:
        days = np.arange(n_time)
        season = np.cos(2 * np.pi * (days % 365 - 70) / 365)[:, None, None]
        values = np.clip(100 / (1 + np.exp(-(np.abs(lat)[None] - 62 - 8 * season) / 2.5)), 0, 100)
        values = values + np.random.default_rng(4).normal(0, 1, values.shape)
        data = {"siconc": (("time", "j", "i"), np.clip(values, 0, 100),
                           {"standard_name": "sea_ice_area_fraction", "units": "%", "cell_measures": "area: areacello"})}
        coords["time"] = ("time", days + 0.5, {"units": "days since 1850-01-01", "calendar": "noleap",
                                               "standard_name": "time"})
    dataset = xr.Dataset({**data, **bounds}, coords=coords).isel(j=rows)
    if numbered_from is not None:
        dataset = dataset.assign_coords(j=("j", numbered_from + np.arange(dataset.sizes["j"]), index["j"][2]))
    dataset.to_netcdf(path)
    return path


#: ECCO v4r4's first twelve tracer depths Z(k) in m, positive up (break40b ecco/mk.py).
ECCO_Z = np.array([-5.0, -15.0, -25.0, -35.0, -45.0, -55.0, -65.0, -75.005, -85.025, -95.095, -105.31, -115.87],
                  np.float32)


def write_ecco(path: Path, *, n_time: int = 24, seed: int = 3) -> Path:
    """An ECCO v4r4 LLC90-like file (two 5 × 6 tiles): THETA(time, k, tile, j, i) on the index
    ``k`` (``swap_dim = "Z"``), whose depths are the float32 coordinate ``Z(k)`` in m,
    positive up; YC/XC(tile, j, i) the cells' latitude and longitude. THETA at level k is
    ``10 + k`` plus noise, so that the level taken is told by its values."""
    latitude, longitude = curvilinear_coordinates()
    rng = np.random.default_rng(seed)
    theta = (10.0 + np.arange(ECCO_Z.size)[None, :, None, None, None]
             + rng.normal(0.0, 0.1, (n_time, ECCO_Z.size, 2, *latitude.shape))).astype(np.float32)
    xr.Dataset(
        {"THETA": (("time", "k", "tile", "j", "i"), theta,
                   {"units": "degree_C", "standard_name": "sea_water_potential_temperature"})},
        coords={"time": ("time", 15.0 + 30.0 * np.arange(n_time), {"units": "days since 1992-01-01",
                                                                      "calendar": "360_day"}),
                "k": ("k", np.arange(ECCO_Z.size, dtype=np.int32),
                      {"long_name": "grid index in z for tracer variables", "axis": "Z", "swap_dim": "Z"}),
                "tile": ("tile", np.arange(2, dtype=np.int32), {"long_name": "lat-lon-cap tile index"}),
                "Z": ("k", ECCO_Z, {"long_name": "depth of tracer grid cell center", "units": "m", "positive": "up",
                                    "standard_name": "depth"}),
                "YC": (("tile", "j", "i"), np.stack([latitude, latitude + 1.0]),
                       {"units": "degrees_north", "standard_name": "latitude"}),
                "XC": (("tile", "j", "i"), np.stack([longitude, longitude + 1.0]),
                       {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)
    return path


def ease2_smos(path, *, two_dimensional: bool):
    """A SMOS L3-like (CATDS) file on the EASE-2 global grid (EPSG:6933, 25 km cells; 24 rows × 6 columns of
    it, x/y in metres) with its lambert_cylindrical_equal_area grid mapping: ``lat(y)``, ``lon(x)`` as CATDS
    gives them, or the same positions as ``lat(y, x)``, ``lon(y, x)``; 24 monthly steps of Soil_Moisture.
    Returns the values (24, 24, 6) and the latitudes and longitudes (24, 6) by pyproj."""
    import pyproj

    cell = 25025.26
    y = 7314540.83 - cell * (np.arange(200, 224) + 0.5)
    x = -17367530.45 + cell * (np.arange(690, 696) + 0.5)
    lon, lat = pyproj.Transformer.from_crs("EPSG:6933", "EPSG:4326", always_xy=True).transform(*np.meshgrid(x, y))
    values = (0.2 + 0.1 * np.cos(2 * np.pi * np.arange(24) / 12)[:, None, None]
              + 0.03 * np.random.default_rng(1).standard_normal((24, 24, 6)))
    positions = ({"lat": (("y", "x"), lat), "lon": (("y", "x"), lon)} if two_dimensional
                 else {"lat": ("y", lat[:, 0]), "lon": ("x", lon[0])})
    xr.Dataset(
        {"Soil_Moisture": (("time", "y", "x"), values, {"units": "m3/m3", "grid_mapping": "EASE2_global_projection"}),
         "EASE2_global_projection": ((), np.int32(0), {
             "grid_mapping_name": "lambert_cylindrical_equal_area", "standard_parallel": 30.0,
             "longitude_of_central_meridian": 0.0, "false_easting": 0.0, "false_northing": 0.0,
             "semi_major_axis": 6378137.0, "inverse_flattening": 298.257223563})},
        coords={"time": ("time", [15.0 + 30.4375 * k for k in range(24)], {"units": "days since 2011-01-01"}),
                "y": ("y", y, {"standard_name": "projection_y_coordinate", "units": "m"}),
                "x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "m"}),
                **{name: (dims, data, {"units": f"degrees_{'north' if name == 'lat' else 'east'}",
                                       "standard_name": "latitude" if name == "lat" else "longitude"})
                   for name, (dims, data) in positions.items()}}).to_netcdf(path)
    return values, lat, lon

