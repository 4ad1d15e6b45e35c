"""The values of latitudes and longitudes as files give them (climann/data/coordinate_values.py),
checked through :func:`climann.data.open.open_dataset`, where every file is checked once."""

import logging
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.coords import find_coordinate
from climann.data.open import open_dataset
from climann.data.pointwise import area_weighted_mean
from climann.data.variables import grid_layout
from climann.data.notes import forget_notes
from climann.errors import ClimannError
from climann.evaluation.regions import box_cells, layout_regions
from tests.conftest import assert_circular_mixture
from tests.fresh_python import shell_path
from tests.followed_twice import run_one_copy, without_guards

#: The true grid of the fixtures: 30° × 60° cells centred at ±15, ±45, ±75° and 0…300°E.
LATITUDE = np.arange(-75.0, 76.0, 30.0)
LONGITUDE = np.arange(0.0, 360.0, 60.0)


@pytest.fixture(autouse=True)
def _notes_said_anew():
    """Each test sees its notes, though a run says each once."""
    forget_notes()


def true_weights(latitude=LATITUDE, longitude=LONGITUDE) -> np.ndarray:
    """(sin φ₂ − sin φ₁)·Δλ of each 30° × 60° cell, shape (n_lat, n_lon), mean 1."""
    edges = np.deg2rad(np.stack([latitude - 15.0, latitude + 15.0]))
    area = np.outer(np.sin(edges[1]) - np.sin(edges[0]), np.full(longitude.size, np.deg2rad(60.0)))
    return area / area.mean()


def field(latitude=LATITUDE, longitude=LONGITUDE) -> np.ndarray:
    """A field that tells its cells apart: 1000·latitude + longitude, shape (2, n_lat, n_lon)."""
    cells = 1000.0 * np.asarray(latitude)[:, None] + np.asarray(longitude)[None, :]
    return np.stack([cells, cells + 0.5])


def write(path, latitude, longitude, *, lat_attrs=None, lon_attrs=None, dims=("lat", "lon"), names=("lat", "lon"),
          tas=None):
    """A 2-step file of ``tas`` on the given latitude and longitude values (file units)."""
    lat_attrs = {"standard_name": "latitude", "units": "degrees_north", **(lat_attrs or {})}
    lon_attrs = {"standard_name": "longitude", "units": "degrees_east", **(lon_attrs or {})}
    lat_attrs, lon_attrs = ({k: v for k, v in attrs.items() if v is not None} for attrs in (lat_attrs, lon_attrs))
    tas = field(latitude, longitude) if tas is None else tas
    variables = {"tas": (("time", *dims), tas, {"units": "1"})}  # a field of the coordinates, no temperature
    coordinates = {"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01", "calendar": "noleap"})}
    for name, dim, values, attrs in zip(names, dims, (latitude, longitude), (lat_attrs, lon_attrs)):
        (coordinates if name == dim else variables)[name] = ((dim,), np.asarray(values, np.float64), attrs)
    xr.Dataset(variables, coords=coordinates).to_netcdf(path)
    return path


def weights_of(path, grid_of=None) -> np.ndarray:
    dataset = open_dataset([path], grid_of=grid_of)
    return grid_layout(dataset, "tas", [str(path)]).cell_area_weights()


@pytest.mark.parametrize("units", [pytest.param(u, id=u) for u in ("radian", "radians", "rad")])
def test_radians_are_converted_to_degrees(tmp_path, caplog, units):
    path = write(tmp_path / "rad.nc", np.deg2rad(LATITUDE), np.deg2rad(LONGITUDE),
                 lat_attrs={"units": units}, lon_attrs={"units": units})
    with caplog.at_level(logging.WARNING):
        dataset = open_dataset([path])
    np.testing.assert_allclose(dataset["lat"].values, LATITUDE)
    np.testing.assert_allclose(dataset["lon"].values, LONGITUDE, atol=1e-12)
    assert (dataset["lat"].attrs["units"], dataset["lon"].attrs["units"]) == ("degrees_north", "degrees_east")
    assert f"latitude 'lat' is in {units}, converted to degrees" in caplog.text
    np.testing.assert_allclose(weights_of(path), true_weights())
    bands = layout_regions(grid_layout(dataset, "tas", [str(path)]), None, region=())
    assert {name: region.n_cells for name, region in bands.items()} == {
        "tropics": 12, "northern_extratropics": 12, "southern_extratropics": 12}


def test_radian_bounds_are_converted_with_their_coordinate(tmp_path):
    path = write(tmp_path / "rad.nc", np.deg2rad(LATITUDE), LONGITUDE, lat_attrs={"units": "radian", "bounds": "lat_bnds"})
    with xr.open_dataset(path) as raw:
        edges = np.deg2rad(np.stack([LATITUDE - 15.0, LATITUDE + 15.0], axis=1))
        raw.load().assign(lat_bnds=(("lat", "nv"), edges)).to_netcdf(tmp_path / "bnds.nc")
    dataset = open_dataset([tmp_path / "bnds.nc"])
    np.testing.assert_allclose(dataset["lat_bnds"].values, np.stack([LATITUDE - 15.0, LATITUDE + 15.0], axis=1))


def test_southward_latitudes_are_negated(tmp_path, caplog):
    path = write(tmp_path / "lats.nc", -LATITUDE, LONGITUDE, lat_attrs={"units": "degrees_south"},
                 tas=field(LATITUDE, LONGITUDE))
    with caplog.at_level(logging.WARNING):
        dataset = open_dataset([path])
    np.testing.assert_array_equal(dataset["lat"].values, LATITUDE)
    # the row stored as 75 degrees_south is the 75°S row: its values are those of −75°
    np.testing.assert_array_equal(dataset["tas"].sel(lat=-75.0).values, field()[:, 0])
    assert "counted southward: negated" in caplog.text


def test_westward_longitudes_are_negated_and_a_box_keeps_the_true_cells(tmp_path):
    path = write(tmp_path / "lonw.nc", LATITUDE, -LONGITUDE, lon_attrs={"units": "degrees_west"})
    dataset = open_dataset([path])
    np.testing.assert_array_equal(dataset["lon"].values, LONGITUDE)
    latitude, longitude = grid_layout(dataset, "tas", [str(path)]).geographic_coordinates()
    cells = box_cells(latitude, longitude, (-90.0, 90.0, 50.0, 70.0))
    # the column stored as −60 degrees_west is 60°E (its values 1000·lat − 60 … as stored)
    np.testing.assert_array_equal(dataset["tas"].values[0][cells], field(LATITUDE, -LONGITUDE)[0][:, 1])


def test_latitudes_outside_the_globe_are_refused(tmp_path):
    path = write(tmp_path / "colat.nc", 90.0 - LATITUDE, LONGITUDE)
    with pytest.raises(ClimannError, match=r"^colat.nc: latitude 'lat' values 15…165 lie outside −90…90 .*ncap2"):
        open_dataset([path])


@pytest.mark.parametrize("grid_of", [pytest.param(None, id="first-file"), pytest.param("tas", id="target-grid")])
def test_unsorted_axes_are_sorted_with_their_data(tmp_path, caplog, grid_of):
    latitude = np.array([15.0, 45.0, 75.0, -75.0, -45.0, -15.0])
    longitude = np.array([0.0, 60.0, 120.0, 300.0, 240.0, 180.0])
    path = write(tmp_path / "unsorted.nc", latitude, longitude)
    with caplog.at_level(logging.WARNING):
        dataset = open_dataset([path], grid_of=grid_of)
    np.testing.assert_array_equal(dataset["lat"].values, LATITUDE)
    np.testing.assert_array_equal(dataset["lon"].values, LONGITUDE)
    np.testing.assert_array_equal(dataset["tas"].values, field())
    np.testing.assert_allclose(weights_of(path, grid_of), true_weights())
    assert "latitude 'lat' is not in order; its cells are sorted by latitude" in caplog.text


def test_a_longitude_axis_across_the_dateline_is_in_order(tmp_path):
    longitude = np.array([160.0, 170.0, 180.0, -170.0, -160.0])
    dataset = open_dataset([write(tmp_path / "dateline.nc", LATITUDE, longitude)])
    np.testing.assert_array_equal(dataset["lon"].values, longitude)


@pytest.mark.parametrize(("longitude", "noted"), [
    pytest.param(np.array([0.25, 2.75, 5.25, 355.25, 357.75]), False, id="ascending-in-0-to-360"),
    pytest.param(np.array([-177.5, -175.0, 170.0, 172.5, 175.0]), False, id="ascending-in-minus-180-to-180"),
    pytest.param(np.array([357.75, 355.25, 5.25, 2.75, 0.25]), True, id="descending-is-sorted"),
])
def test_a_region_across_the_seam_stored_ascending_is_in_order(tmp_path, caplog, longitude, noted):
    """break22c F6: a box across Greenwich as `cdo sellonlatbox,0,360,…` leaves it (ascending
    in 0…360, the western cells last) was said to be "not in order; its cells are sorted by
    longitude", and nothing was sorted: it is kept as stored, without a note. A box stored
    descending by value is still sorted, with the note that says so."""
    with caplog.at_level(logging.WARNING):
        dataset = open_dataset([write(tmp_path / "seam.nc", LATITUDE, longitude)])
    np.testing.assert_array_equal(dataset["lon"].values, np.sort(longitude))
    np.testing.assert_array_equal(dataset["tas"].values, field(LATITUDE, np.sort(longitude)))
    assert ("longitude 'lon' is not in order; its cells are sorted by longitude" in caplog.text) == noted


@pytest.mark.parametrize("axis", [pytest.param(0, id="latitude"), pytest.param(1, id="longitude")])
def test_a_repeated_value_is_refused(tmp_path, axis):
    values = [np.array([-30.0, 0.0, 30.0, 60.0]), np.array([0.0, 90.0, 180.0, 270.0])]
    values[axis] = np.array([-30.0, 0.0, 0.0, 30.0]) if axis == 0 else np.array([0.0, 90.0, 90.0, 270.0])
    name, repeated = ("lat", "0") if axis == 0 else ("lon", "90")
    with pytest.raises(ClimannError, match=rf"'{name}' holds {repeated} 2 times.*drop_duplicates\('{name}'\)"):
        open_dataset([write(tmp_path / "dup.nc", *values)])


def test_a_nan_in_an_axis_is_refused_naming_where(tmp_path):
    path = write(tmp_path / "nanlat.nc", np.array([-30.0, 0.0, np.nan, 30.0]), LONGITUDE)
    with pytest.raises(ClimannError, match=r"^nanlat.nc: latitude 'lat' has 1 missing \(NaN\) value \(at index 2 of 4\)"):
        open_dataset([path])


def test_1d_latitude_and_longitude_without_a_coordinates_link_are_the_axes(tmp_path):
    path = write(tmp_path / "aux1d.nc", LATITUDE, LONGITUDE, dims=("y", "x"), names=("latitude", "longitude"))
    dataset = open_dataset([path])
    assert (find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude")) == ("latitude", "longitude")
    assert dataset["tas"].dims == ("time", "latitude", "longitude")
    np.testing.assert_allclose(weights_of(path), true_weights())


@pytest.mark.parametrize(
    "dim, names, units",
    [pytest.param("ncells", ("clat", "clon"), "radian", id="icon"),
     pytest.param("nod2", ("lat", "lon"), "degrees", id="fesom")],
)
def test_an_unstructured_grid_is_refused_with_the_way_out(tmp_path, dim, names, units, standard_names=True):
    rng = np.random.default_rng(0)
    attrs = [{"standard_name": kind, "units": units} if standard_names else {"units": units}
             for kind in ("latitude", "longitude")]
    xr.Dataset(
        {"tas": (("time", dim), rng.normal(size=(2, 5)), {"units": "K", "coordinates": " ".join(names)})},
        coords={"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01"}),
                names[0]: (dim, rng.uniform(-1, 1, 5), attrs[0]), names[1]: (dim, rng.uniform(0, 6, 5), attrs[1])},
    ).to_netcdf(tmp_path / "u.nc")
    with pytest.raises(ClimannError, match=rf"the grid is unstructured .* dimension '{dim}'.*cdo remapdis,") as error:
        open_dataset([tmp_path / "u.nc"])
    assert "select" not in str(error.value)
    # the command names the file and its copy in a new folder, to be pasted as printed (its grid:
    # tests/data/test_remap_targets.py; fix56b: u_remapped.nc beside u.nc was taken with it by a glob over the folder)
    assert re.search(rf"cdo remapdis,\S+ {tmp_path}/u.nc {tmp_path}/remapped/u.nc` \(its copy in a new folder\), "
                     rf"then give --data {tmp_path}/remapped/u.nc in place of {tmp_path}/u.nc", str(error.value))


def _cells(path, *, corners: bool):
    """``tas(time, ncells)`` at 300 scattered centres in degrees, linked by ``coordinates`` (as CDO
    reads an unstructured grid), with triangles of CF bounds around each when ``corners``."""
    rng = np.random.default_rng(4)
    lat, lon = rng.uniform(-60, 60, 300), rng.uniform(0, 360, 300)
    coords = {"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01"}),
              "clat": ("ncells", lat, {"standard_name": "latitude", "units": "degrees_north"}),
              "clon": ("ncells", lon, {"standard_name": "longitude", "units": "degrees_east"})}
    if corners:
        coords["clat_bnds"] = (("ncells", "vertices"), np.stack([lat - 1, lat + 1, lat - 1], axis=1))
        coords["clon_bnds"] = (("ncells", "vertices"), np.stack([lon - 1, lon, lon + 1], axis=1))
        coords["clat"][2]["bounds"], coords["clon"][2]["bounds"] = "clat_bnds", "clon_bnds"
    values = rng.normal(280, 3, size=(2, 300))
    xr.Dataset({"tas": (("time", "ncells"), values, {"units": "K", "coordinates": "clat clon"})},
               coords=coords).to_netcdf(path)
    return values


@pytest.mark.parametrize("corners, method", [pytest.param(True, "remapcon", id="corners"),
                                             pytest.param(False, "remapdis", id="centres-only")])
def test_the_remap_advised_for_an_unstructured_grid_runs_with_what_the_file_has(tmp_path, monkeypatch, corners, method):
    """fix44d: a mesh without cell corners was advised `cdo remapcon,…`, which aborts ("Source grid cell corner
    coordinates missing!"). With corners: remapcon; without: remapdis (distance-weighted, from the centres), and the
    grid file in words, no GRIDFILE to paste. The printed line, run as printed, gives a grid climann reads, whose
    values lie within the file's (a weighted mean of its cells, for either method)."""
    import shutil
    import subprocess

    if shutil.which("cdo") is None:
        pytest.skip("needs CDO")
    monkeypatch.chdir(tmp_path)
    values = _cells(tmp_path / "u.nc", corners=corners)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "u.nc"])
    message = str(refused.value)
    assert "GRIDFILE" not in message and ("model's grid file" in message) is not corners
    followed = run_one_copy(message, tmp_path)  # as printed, by bash
    command = followed["command"]
    assert f"cdo {method}," in command and command.endswith(" u.nc remapped/u.nc")
    assert followed["original"] == "u.nc" and followed["copy"] == "remapped/u.nc"
    # the copy and its grid description in the new folder: beside u.nc, nothing (fix56b: u_remapped.nc was there)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["remapped", "u.nc"]
    remapped = open_dataset([tmp_path / "remapped" / "u.nc"])
    filled = remapped["tas"].values[np.isfinite(remapped["tas"].values)]
    assert filled.size and values.min() - 1e-6 <= filled.min() and filled.max() <= values.max() + 1e-6
    if not corners:  # the line it replaces fails on this file: the test can tell them apart
        failed = subprocess.run(without_guards(command).replace("remapdis", "remapcon").replace("remapped/u.nc",
                                                                                                 "u_con.nc"),
                                shell=True,
                                cwd=tmp_path, capture_output=True, text=True)
        assert failed.returncode != 0 and "corner" in failed.stderr


def test_mpas_cells_in_radians_without_standard_names_are_an_unstructured_grid(tmp_path):
    """MPAS's latCell/lonCell(nCells) in radians, with no standard_name: was 'no latitude coordinate
    found' (break15), now the unstructured grid's refusal with its remap."""
    test_an_unstructured_grid_is_refused_with_the_way_out(tmp_path, "nCells", ("latCell", "lonCell"), "radians",
                                                          standard_names=False)


def test_a_healpix_grid_is_refused_naming_it_and_the_way_out(tmp_path):
    """A HEALPix file as the WCRP/easy.gems ones are written: cells on one dimension, a ``healpix``
    grid mapping, no latitude or longitude (break15: 'no latitude coordinate found')."""
    crs = xr.DataArray(0, attrs={"grid_mapping_name": "healpix", "healpix_nside": 4, "healpix_order": "nest"})
    xr.Dataset({"tas": (("time", "cell"), np.zeros((2, 192)), {"units": "K", "grid_mapping": "crs"}), "crs": crs},
               coords={"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01"})}).to_netcdf(tmp_path / "hp.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "hp.nc"])
    assert str(error.value).startswith("hp.nc: the grid is HEALPix (grid mapping 'crs': nside 4, nest), its cells "
                                       "numbered on one dimension with no latitude or longitude")
    assert "remap the file to one first" in str(error.value)


_LAT = {"standard_name": "latitude", "units": "degrees_north"}
_LON = {"standard_name": "longitude", "units": "degrees_east"}


def _write_moving(path, feature_type, layout):
    """A CF discrete sampling geometry (CF 1.8 Appendix H) of 6 observations whose positions move
    in time: ``obs`` (one trajectory, points; H.4.1, H.1), ``profile`` (profiles ``temp(profile,
    z)``; H.3.1, H.6.1) or ``trajectory-obs`` (two trajectories on ``(trajectory, obs)``, H.4.2)."""
    rng = np.random.default_rng(1)
    hours = {"units": "hours since 2010-01-01", "standard_name": "time"}
    if layout == "trajectory-obs":
        dims, shape = ("trajectory", "obs"), (2, 6)
        data = {"sst": (dims, rng.normal(size=shape), {"units": "K", "coordinates": "time lat lon"}),
                "trajectory": ("trajectory", np.array(["a", "b"], dtype=object), {"cf_role": "trajectory_id"})}
    elif layout == "profile":
        dims, shape = ("profile",), (6,)
        data = {"temp": (("profile", "z"), rng.normal(size=(6, 3)), {"units": "degC", "coordinates": "time lat lon"}),
                "z": ("z", [0.0, 10.0, 20.0], {"standard_name": "depth", "units": "m", "positive": "down"})}
    else:
        dims, shape = ("obs",), (6,)
        data = {"sst": (dims, rng.normal(size=shape), {"units": "K", "coordinates": "time lat lon"})}
    attrs = {"featureType": feature_type} if feature_type else {}
    xr.Dataset({**data, "time": (dims, np.arange(12.0).reshape(shape) * 6 if len(shape) == 2 else np.arange(6.0) * 6,
                                 hours),
                "lat": (dims, 30 + rng.normal(size=shape), _LAT), "lon": (dims, -40 + rng.normal(size=shape), _LON)},
               attrs=attrs).to_netcdf(path)
    return path


@pytest.mark.parametrize(
    ("feature_type", "layout", "what", "along"),
    [
        pytest.param("trajectory", "obs", "a trajectory, positions that move in time as a drifter's or ship's "
                     "track (CF featureType 'trajectory')", "", id="trajectory"),
        # two trajectories on (trajectory, obs): was "unexpected error: ValueError" in info
        pytest.param("trajectory", "trajectory-obs", "a trajectory, positions that move in time as a drifter's or "
                     "ship's track (CF featureType 'trajectory')", " (dimensions trajectory, obs)",
                     id="trajectories-2d"),
        pytest.param("point", "obs", "points, each observation at its own place and time (CF featureType 'point')",
                     "", id="point"),
        pytest.param("Profile", "profile", "profiles, each at its own place and time (CF featureType 'Profile')", "",
                     id="profile-any-case"),
        pytest.param("trajectoryProfile", "profile", "profiles along a trajectory, each at its own place and time "
                     "(CF featureType 'trajectoryProfile')", "", id="trajectory-profile"),
        pytest.param(None, "obs", "observations whose positions move in time", "", id="no-feature-type"),
        # break35a A7: IBTrACS without featureType, time(storm, date_time): "curvilinear grid", then "no time"
        pytest.param(None, "trajectory-obs", "observations whose positions move in time", " (dimensions trajectory, obs)",
                     id="no-feature-type-tracks"),
    ],
)
@pytest.mark.parametrize("command", ["open", "info"])
def test_positions_that_move_in_time_are_named_so_not_an_unstructured_grid(tmp_path, capsys, feature_type, layout,
                                                                           what, along, command):
    """break18 F10: a drifter track was "an unstructured grid … on the one horizontal dimension
    'time'" with `cdo remapcon` advice, which would give one filled cell per step."""
    path = _write_moving(tmp_path / "track.nc", feature_type, layout)
    expected = (
        f"track.nc: the file holds {what}: latitude 'lat' and longitude 'lon' are given at each step of time "
        f"'time'{along}, so no place has a series and the file is not a grid; climann trains on grids and single "
        "places only: bin the observations onto a latitude-longitude grid and a time axis first (e.g. the mean of "
        "each 1° box and month: with pandas, group ds.to_dataframe() by the month and the rounded latitude and "
        "longitude, .mean().to_xarray())"
    ) + ("; the data also lie on z (z: temp), which such a mean would average together (a profile's every level "
         "into one value): first take one value of z at every step, or interpolate each profile to one fixed pressure "
         "or depth (numpy.interp on each profile's own pressures or depths), and bin that" if layout == "profile" else "")
    if command == "open":
        with pytest.raises(ClimannError) as error:
            open_dataset([path])
        assert str(error.value) == expected
    else:
        from climann.cli import app
        from typer.testing import CliRunner

        result = CliRunner().invoke(app, ["info", str(path)])
        assert result.exit_code == 2
        assert f"climann: error: {expected}" in " ".join(result.output.split())


@pytest.mark.parametrize("time_attrs", [
    pytest.param({"standard_name": "time"}, id="time-standard-name"),
    # break44d A2: IBTrACS as distributed, its time(storm, date_time) marked only by long_name and units:
    # "no time coordinate found … coordinates present: time, lat, lon", no way out
    pytest.param({"long_name": "time"}, id="as-distributed"),
])
def test_storm_tracks_without_feature_type_with_fills_are_moving_positions(tmp_path, time_attrs):
    """break35a A7: IBTrACS without featureType (time, lat, lon on (storm, date_time), the steps
    after each storm's end filled with -9999) was described as a curvilinear grid with no time."""
    rng = np.random.default_rng(10)
    times = 44000.0 + rng.uniform(0, 9000, (3, 1)) + 0.125 * np.arange(8)
    lat, lon = 10 + np.cumsum(rng.normal(0.3, 0.2, (3, 8)), axis=1), -50 - np.cumsum(rng.normal(0.5, 0.2, (3, 8)), axis=1)
    ends = (slice(None), slice(5, None))
    for values in (times, lat, lon):
        values[ends] = -9999.0
    dims = ("storm", "date_time")
    fill = {"_FillValue": -9999.0}
    xr.Dataset({"wmo_wind": (dims, rng.uniform(30, 90, (3, 8)), {"units": "kts", "coordinates": "time lat lon"}),
                "time": (dims, times, {"units": "days since 1858-11-17 00:00:00", **time_attrs}),
                "lat": (dims, lat, _LAT), "lon": (dims, lon, _LON)}).to_netcdf(
        tmp_path / "ibtracs.nc", encoding={name: fill for name in ("time", "lat", "lon")})
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "ibtracs.nc"])
    assert str(error.value).startswith(
        "ibtracs.nc: the file holds observations whose positions move in time: latitude 'lat' and longitude 'lon' are "
        "given at each step of time 'time' (dimensions storm, date_time), so no place has a series")
    assert "bin the observations onto a latitude-longitude grid" in str(error.value)


def test_a_station_file_is_not_taken_for_moving_positions(tmp_path):
    """Station files (featureType timeSeries) stay with climann.data.stations: its refusal, not this one."""
    rng = np.random.default_rng(0)
    xr.Dataset({"tas": (("station", "time"), rng.normal(size=(2, 4)), {"units": "K"}),
                "lat": ("station", [47.0, 48.0], _LAT), "lon": ("station", [15.0, 16.0], _LON)},
               coords={"time": ("time", [15.0, 45.0, 75.0, 105.0], {"units": "days since 2000-01-01"})},
               attrs={"featureType": "timeSeries"}).to_netcdf(tmp_path / "st.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "st.nc"])
    assert "holds 2 stations" in str(error.value) and "move in time" not in str(error.value)


def test_a_date_valued_field_on_a_curvilinear_grid_is_data_not_moving_positions(tmp_path):
    """verify19 F7: ``last_frost(y, x)`` in days since a date beside 2-D ``lat(y, x)`` and
    ``lon(y, x)`` was taken for a time along which the positions move, and the file refused as
    observations; it is a field of dates on the grid, and every cell keeps its series."""
    rng = np.random.default_rng(3)
    y, x = np.meshgrid(np.arange(3.0), np.arange(4.0), indexing="ij")
    grid = {"lat": (("y", "x"), 40 + y + 0.1 * x, _LAT), "lon": (("y", "x"), 10 + x + 0.1 * y, _LON)}
    xr.Dataset({"tas": (("time", "y", "x"), 280 + rng.normal(size=(24, 3, 4)), {"units": "K"}),
                "last_frost": (("y", "x"), rng.uniform(90, 150, (3, 4)),
                               {"units": "days since 2000-01-01", "long_name": "day of the last frost"})},
               coords={**grid, "time": ("time", 15.0 + 30.0 * np.arange(24), {"units": "days since 2000-01-01"})},
               ).to_netcdf(tmp_path / "curvilinear.nc")
    opened = open_dataset([tmp_path / "curvilinear.nc"])
    assert opened["tas"].shape == (24, 3, 4)
    np.testing.assert_array_equal(np.isfinite(opened["tas"].values), True)


def test_a_variable_named_like_a_latitude_in_other_units_is_no_latitude():
    """The names read for radians are read for angles only: a 'longwave' flux or a 'latent' heat
    in W m-2 stays a variable."""
    from climann.data.coordinate_values import geographic_kind

    for name in ("longwave", "latent_heat", "lon_flux"):
        assert geographic_kind(name, xr.DataArray(0.0, attrs={"units": "W m-2"})) is None
    assert geographic_kind("latCell", xr.DataArray(0.0, attrs={"units": "radians"})) == "latitude"
    assert geographic_kind("lonVertex", xr.DataArray(0.0, attrs={"units": "rad"})) == "longitude"


def test_radians_without_a_standard_name_are_known_by_the_name(tmp_path):
    path = write(tmp_path / "rad.nc", np.deg2rad(LATITUDE), np.deg2rad(LONGITUDE),
                 lat_attrs={"standard_name": None, "units": "rad"}, lon_attrs={"standard_name": None, "units": "rad"})
    np.testing.assert_allclose(weights_of(path), true_weights())


@pytest.mark.parametrize("command", [pytest.param(["info"], id="info"),
                                     pytest.param(["train", "--target", "tas", "--out", "run", "--data"], id="train")])
def test_the_cli_refuses_a_colatitude_in_one_line(tmp_path, capsys, monkeypatch, command):
    from climann.cli import main

    write(tmp_path / "colat.nc", 90.0 - LATITUDE, LONGITUDE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["climann", *command, "colat.nc"])
    with pytest.raises(SystemExit) as exited:
        main()
    error = capsys.readouterr().err.strip().splitlines()
    assert exited.value.code == 2
    given = "--data " if command[0] == "train" else ""  # info's advice names the file to give
    assert [without_guards(line) for line in error] == [
        "climann: error: colat.nc: latitude 'lat' values 15…165 lie outside −90…90 (a colatitude, or wrong units?); "
        "store latitudes in degrees_north, e.g. for a colatitude `mkdir -p latitudes_fixed && ncap2 -s 'lat=90-lat' "
        f"colat.nc latitudes_fixed/colat.nc` (its copy in a new folder), then give {given}latitudes_fixed/colat.nc in "
        "place of colat.nc"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["colat.nc"]
    if shutil.which("ncap2") is None:
        return
    # as printed, by bash: its copy in a new folder, none beside colat.nc
    subprocess.run(["bash", "-c", re.search(r"`([^`]+)`", error[0])[1]], check=True, capture_output=True, cwd=tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["colat.nc", "latitudes_fixed"]
    with xr.open_dataset(tmp_path / "latitudes_fixed" / "colat.nc") as fixed:
        np.testing.assert_allclose(fixed["lat"].values, LATITUDE)  # 90 minus each colatitude


# --- 2-D latitude and longitude in plain "degrees" (MAR) ---------------------------------------------
def _write_mar(path, *, lat_units="degrees", lon_units="degrees", lat_shift=0.0):
    """MAR's layout: dims TIME, Y21_50, X10_39 (x/y in km, no grid mapping), 2-D LAT/LON in plain
    "degrees" without standard_name, on a sheared grid (longitude turning with the row)."""
    rows, columns = np.meshgrid(np.arange(4.0), np.arange(5.0), indexing="ij")
    lat, lon = 68.0 + 0.5 * rows + 0.1 * columns + lat_shift, -50.0 + 1.0 * columns + 0.3 * rows
    attrs = lambda units: {} if units is None else {"units": units}  # noqa: E731
    xr.Dataset({
        "ST2": (("TIME", "Y21_50", "X10_39"), np.arange(2 * 20.0).reshape(2, 4, 5), {"units": "degC"}),
        "LAT": (("Y21_50", "X10_39"), lat, attrs(lat_units)),
        "LON": (("Y21_50", "X10_39"), lon, attrs(lon_units)),
    }, coords={
        "TIME": ("TIME", [15.0, 45.0], {"units": "DAYS since 1950-01-01 00:00:00", "calendar": "standard"}),
        "Y21_50": ("Y21_50", -2400.0 + 20 * np.arange(4), {"units": "km"}),
        "X10_39": ("X10_39", -200.0 + 20 * np.arange(5), {"units": "km"}),
    }).to_netcdf(path)
    return path, lat, lon


def test_mar_2d_lat_lon_in_plain_degrees_are_the_grid_positions_with_a_warning(tmp_path, caplog):
    path, lat, lon = _write_mar(tmp_path / "mar.nc")
    with caplog.at_level(logging.WARNING):
        layout = grid_layout(open_dataset([path]), "ST2", [])
    np.testing.assert_array_equal(layout.geographic.latitude.values, lat)
    np.testing.assert_array_equal(layout.geographic.longitude.values, lon)
    cf_path, _, _ = _write_mar(tmp_path / "mar_cf.nc", lat_units="degrees_north", lon_units="degrees_east")
    np.testing.assert_array_equal(layout.cell_area_weights(),
                                  grid_layout(open_dataset([cf_path]), "ST2", []).cell_area_weights())
    assert ("mar.nc: 'LAT'/'LON' (units 'degrees', which says neither north nor east) read as the grid's latitude "
            "and longitude") in caplog.text
    assert f"ncatted -a units,LAT,o,c,degrees_north -a units,LON,o,c,degrees_east {path}" in caplog.text


@pytest.mark.parametrize("lat_units, lat_shift, said", [
    pytest.param("degrees", 25.0, "'degrees'/'degrees'", id="latitude-beyond-90"),
    pytest.param(None, 0.0, "none/'degrees'", id="no-units"),
])
def test_2d_lat_lon_that_do_not_say_so_are_refused_with_the_units_that_would(tmp_path, lat_units, lat_shift, said):
    """fix56a: the ncatted wrote mar_fixed.nc beside mar.nc, which a glob over their folder took with it; run as
    printed, it writes degrees/mar.nc alone, its LAT/LON the file's values in CF's units."""
    import shutil

    path, _, _ = _write_mar(tmp_path / "mar.nc", lat_units=lat_units, lat_shift=lat_shift)
    copy = tmp_path / "degrees" / "mar.nc"
    with pytest.raises(ClimannError, match=(
            rf"^no latitude coordinate found .*; 'LAT'/'LON' \(2-D on \('Y21_50', 'X10_39'\)\) look like the grid's "
            rf"latitude and longitude, but their units \({said}\) do not say so .*mkdir -p {copy.parent} && ncatted -a "
            rf"units,LAT,o,c,degrees_north -a units,LON,o,c,degrees_east {path} {copy} \(its copy in a new folder\), "
            rf"then give --data {copy} in place of {path}$")) as refused:
        grid_layout(open_dataset([path]), "ST2", [])
    assert "station" not in str(refused.value)
    if shutil.which("ncatted") is None:
        pytest.skip("needs NCO's ncatted")
    followed = run_one_copy(str(refused.value))
    assert followed["copy"] == str(copy) and sorted(os.listdir(tmp_path)) == ["degrees", "mar.nc"]
    with xr.open_dataset(copy) as fixed, xr.open_dataset(path) as original:
        assert (fixed["LAT"].attrs["units"], fixed["LON"].attrs["units"]) == ("degrees_north", "degrees_east")
        for name in ("LAT", "LON", "ST2"):
            np.testing.assert_array_equal(fixed[name].values, original[name].values)


def test_2d_lat_lon_in_plain_degrees_beside_cf_axes_leave_the_regular_grid_as_it_is(tmp_path):
    """A regular grid's own axes say where it lies: a 2-D copy in plain degrees changes nothing."""
    lat2d, lon2d = np.meshgrid(LATITUDE, LONGITUDE, indexing="ij")
    xr.Dataset({"tas": (("time", "lat", "lon"), field()),
                "lat2d": (("lat", "lon"), lat2d, {"units": "degrees"}),
                "lon2d": (("lat", "lon"), lon2d, {"units": "degrees"})},
               coords={"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01", "calendar": "noleap"}),
                       "lat": ("lat", LATITUDE, {"units": "degrees_north"}),
                       "lon": ("lon", LONGITUDE, {"units": "degrees_east"})}).to_netcdf(tmp_path / "regular.nc")
    layout = grid_layout(open_dataset([tmp_path / "regular.nc"]), "tas", [])
    assert layout.geographic is None
    np.testing.assert_allclose(layout.cell_area_weights(), true_weights(), rtol=1e-12)


def test_an_unstructured_zarr_store_is_refused_with_a_line_that_writes_it_as_netcdf_for_cdo(tmp_path, monkeypatch):
    """fix33c: a store was told `cdo remapcon,r360x180 u.zarr u_remapped.nc`, which CDO cannot read. Remapping
    stays CDO's (NetCDF only, said so; xESMF for a store): the refusal's xarray line, run as printed, writes the
    store's values as NetCDF beside it, and the remap named is of that file, whose own refusal names the same."""
    import re

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    attrs = [{"standard_name": kind, "units": "degrees"} for kind in ("latitude", "longitude")]
    xr.Dataset(
        {"tas": (("time", "nod2"), rng.normal(280, 3, size=(2, 5)), {"units": "K", "coordinates": "lat lon"})},
        coords={"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01"}),
                "lat": ("nod2", rng.uniform(-60, 60, 5), attrs[0]), "lon": ("nod2", rng.uniform(0, 360, 5), attrs[1])},
    ).to_zarr(tmp_path / "u.zarr")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "u.zarr"])
    said = str(error.value)
    assert "reads NetCDF only" in said and "xESMF" in said and "u.zarr u_remapped" not in said
    export, remap = re.findall(r"`([^`]+)`", without_guards(said))[:2]
    assert re.fullmatch(r"mkdir -p as_netcdf/remapped && printf '[^']*' > as_netcdf/remapped/u_grid\.txt && "
                        r"cdo remapdis,as_netcdf/remapped/u_grid\.txt as_netcdf/u\.nc as_netcdf/remapped/u\.nc", remap)
    assert export.startswith(f"mkdir -p as_netcdf && {shell.advised_python()} -c ")
    subprocess.run(["bash", "-c", export], check=True, cwd=tmp_path, capture_output=True,
                   env={**os.environ, "PATH": shell_path()})  # as printed; the store's copy in a new folder (fix56b)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["as_netcdf", "u.zarr"]
    with xr.open_dataset(tmp_path / "as_netcdf" / "u.nc") as written, xr.open_zarr(tmp_path / "u.zarr") as store:
        np.testing.assert_array_equal(written["tas"].values, store["tas"].values)
        np.testing.assert_array_equal(written["lat"].values, store["lat"].values)
    with pytest.raises(ClimannError, match="the grid is unstructured") as again:
        open_dataset([tmp_path / "as_netcdf" / "u.nc"])
    assert f"`{remap}`" in without_guards(str(again.value))


# --- break41b B3, B7: positions in plain degrees; profiles binned whole ------------------------------
def _curtain(path, *, nominal: bool = False):
    """A CALIPSO-like curtain: Latitude(time)/Longitude(time) in "degrees" (no standard_name),
    Extinction(time, altitude); with ``nominal``, the scalar lat/lon an earlier advice added."""
    rng = np.random.default_rng(2)
    steps = 24
    track = np.linspace(-30, 30, steps)
    coords = {"time": ("time", 30.0 * np.arange(steps), {"units": "days since 2018-01-01"}),
              "altitude": ("altitude", [0.5, 1.5, 2.5], {"units": "km", "positive": "up"})}
    if nominal:
        coords |= {"lat": ((), 0.0, _LAT), "lon": ((), 0.0, _LON)}
    xr.Dataset({"Latitude": ("time", track, {"units": "degrees"}),
                "Longitude": ("time", 100 + 0.2 * track, {"units": "degrees"}),
                "Extinction": (("time", "altitude"), rng.uniform(0, 1, (steps, 3)), {"units": "km-1"})},
               coords=coords).to_netcdf(path)
    return path


@pytest.mark.parametrize("nominal", [pytest.param(False, id="as-written"), pytest.param(True, id="lat-lon-added")])
@pytest.mark.parametrize("command", ["info", "train"])
def test_a_track_in_plain_degrees_is_refused_as_moving_positions(tmp_path, monkeypatch, command, nominal):
    """break41b B3: Latitude(time) in "degrees" was no position: info advised adding lat=0/lon=0,
    then proposed Latitude as the target, and train scored the orbit's latitude."""
    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    _curtain(tmp_path / "cal.nc", nominal=nominal)
    arguments = ["info", "cal.nc"] if command == "info" else ["train", "--data", "cal.nc", "--target", "Latitude",
                                                              "--out", "run"]
    result = CliRunner().invoke(app, arguments)
    text = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert ("climann: error: cal.nc: the file holds observations whose positions move in time: latitude 'Latitude' "
            "and longitude 'Longitude' are given at each step of time 'time', so no place has a series") in text
    assert ("the data also lie on altitude (altitude: Extinction), which such a mean would average together") in text
    assert "lat=0.0" not in text and not (tmp_path / "run").exists()


def test_binning_advice_for_profiles_says_to_take_one_level_first(tmp_path):
    """break41b B7: the binning advice, followed on Argo's TEMP(N_PROF, N_LEVELS), averaged 5 to
    2000 dbar into one value."""
    rng = np.random.default_rng(5)
    dims = ("N_PROF", "N_LEVELS")
    xr.Dataset({"TEMP": (dims, rng.normal(10, 3, (5, 4)), {"units": "degree_Celsius"}),
                "JULD": ("N_PROF", 10.0 * np.arange(5), {"units": "days since 1950-01-01", "standard_name": "time"}),
                "LATITUDE": ("N_PROF", 10 + np.arange(5.0), _LAT), "LONGITUDE": ("N_PROF", -30 - np.arange(5.0), _LON)},
               attrs={"featureType": "trajectoryProfile"}).to_netcdf(tmp_path / "argo.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "argo.nc"])
    assert str(error.value).endswith(
        ".mean().to_xarray()); the data also lie on N_LEVELS (N_LEVELS: TEMP), which such a mean would average "
        "together (a profile's every level into one value): first take one value of N_LEVELS at every step, or "
        "interpolate each profile to one fixed pressure or depth (numpy.interp on each profile's own pressures or "
        "depths), and bin that")


def test_binning_advice_for_a_glider_says_to_bin_by_depth_too(tmp_path):
    """break41b B7: a glider's temperature(time) at depth(time) 0…100 m, binned by month and 1° box
    as advised, mixed every depth into one value."""
    steps = np.arange(20)
    depth = np.abs(np.sin(steps / 20 * np.pi)) * 100
    xr.Dataset({"temperature": ("time", 22 - 0.1 * depth, {"units": "degC", "coordinates": "time lat lon depth"}),
                "depth": ("time", depth, {"units": "m", "standard_name": "depth", "positive": "down", "axis": "Z"})},
               coords={"time": ("time", 10.0 * steps, {"units": "seconds since 2017-09-01", "standard_name": "time"}),
                       "lat": ("time", 38.5 + 1e-3 * steps, _LAT), "lon": ("time", -73.2 + 1e-3 * steps, _LON)},
               attrs={"featureType": "trajectory"}).to_netcdf(tmp_path / "glider.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "glider.nc"])
    assert str(error.value).endswith(
        f".mean().to_xarray()); each observation is at a depth of its own ('depth' spans 0…{depth.max():g} m), which "
        "such a mean would average together: group by the rounded depth too, or keep one layer of it, and bin that")


# --- fix41m: plain-degree positions beside a grid, and a mooring's constant ones ------------------------
def _monthly_grid(*, steps: int = 24) -> xr.Dataset:
    """A regular 3×4 grid (lat/lon axes in degrees_north/east), tas and ts monthly."""
    rng = np.random.default_rng(7)
    return xr.Dataset(
        {"tas": (("time", "lat", "lon"), 280 + rng.normal(size=(steps, 3, 4)), {"units": "K"}),
         "ts": (("time", "lat", "lon"), 280 + rng.normal(size=(steps, 3, 4)), {"units": "K"})},
        coords={"time": ("time", 30.0 * np.arange(steps) + 15, {"units": "days since 2001-01-01"}),
                "lat": ("lat", [10.0, 20.0, 30.0], _LAT), "lon": ("lon", [0.0, 10.0, 20.0, 30.0], _LON)})


def test_a_track_in_plain_degrees_beside_a_regular_grid_is_left_out_not_refused(tmp_path, caplog):
    """fix41m 1(a): a grid file that also holds a satellite's Latitude(time)/Longitude(time) in
    plain "degrees" was refused as observations whose positions move; the grid's lat/lon place
    the data, the track is left out (never data), with a warning."""
    grid = _monthly_grid()
    track = np.linspace(-60, 60, grid.sizes["time"])
    grid.assign(Latitude=("time", track, {"units": "degrees"}),
                Longitude=("time", 100 + track, {"units": "degrees"})).to_netcdf(tmp_path / "gt.nc")
    with caplog.at_level(logging.WARNING):
        opened = open_dataset([tmp_path / "gt.nc"])
    assert "Latitude" not in opened.variables and "Longitude" not in opened.variables
    assert sorted(map(str, opened.data_vars)) == ["tas", "ts"]
    np.testing.assert_array_equal(opened["tas"].transpose("time", "lat", "lon").values, grid["tas"].values)
    assert ("gt.nc: 'Latitude' and 'Longitude' (units 'degrees', on time) are positions of their own beside the "
            "grid's 'lat' and 'lon': the grid's coordinates place the data, and these are left out") in caplog.text


@pytest.mark.parametrize("units", [pytest.param("degrees", id="plain"), pytest.param("degree", id="singular")])
def test_a_constant_plain_degree_position_is_one_place_as_degrees_north_is(tmp_path, units):
    """fix41m 1(b): a mooring's constant Latitude(time)/Longitude(time) in plain "degrees" was no
    position (info advised adding lat=0/lon=0), while in degrees_north it is one point."""
    rng = np.random.default_rng(3)
    steps = 24
    base = {"tas": ("time", 280 + rng.normal(size=steps), {"units": "K"})}
    time = {"time": ("time", 30.0 * np.arange(steps) + 15, {"units": "days since 2001-01-01"})}
    for name, lat_units, lon_units in (("plain", units, units), ("cf", "degrees_north", "degrees_east")):
        xr.Dataset({**base, "Latitude": ("time", np.full(steps, -12.5), {"units": lat_units}),
                    "Longitude": ("time", np.full(steps, 40.25), {"units": lon_units})},
                   coords=time).to_netcdf(tmp_path / f"{name}.nc")
    plain, cf = open_dataset([tmp_path / "plain.nc"]), open_dataset([tmp_path / "cf.nc"])
    for opened in (plain, cf):
        assert opened[find_coordinate(opened, "latitude")].values.tolist() == [-12.5]
        assert opened[find_coordinate(opened, "longitude")].values.tolist() == [40.25]
        assert opened["Latitude"].attrs["units"] == "degrees_north"
        assert sorted(map(str, opened.data_vars)) == ["tas"]
    np.testing.assert_array_equal(plain["tas"].values.ravel(), cf["tas"].values.ravel())


# --- fix42d: grid axes in plain degrees; a track in degrees_north/east beside a grid ----------------------
_PLAIN = {"units": "degrees"}


def _regular_grid(latitude=(-60.0, -30.0, 0.0, 30.0, 60.0), *, names=("lat", "lon"), lat_attrs=_LAT, lon_attrs=_LON,
                  steps: int = 36) -> xr.Dataset:
    """A regular 5×6 grid every 30° × 60° (axes ``names``), tas and ts monthly, seeded."""
    rng = np.random.default_rng(11)
    latitude = np.asarray(latitude)
    shape = (steps, latitude.size, 6)
    tas = 280 + 20 * np.cos(np.deg2rad(latitude))[None, :, None] + rng.normal(size=shape)
    dims = ("time", *names)
    return xr.Dataset(
        {"tas": (dims, tas, {"units": "K"}), "ts": (dims, tas + rng.normal(size=shape), {"units": "K"})},
        coords={"time": ("time", 30.0 * np.arange(steps) + 15, {"units": "days since 2001-01-01"}),
                names[0]: (names[0], latitude, lat_attrs), names[1]: (names[1], np.arange(0.0, 360.0, 60.0), lon_attrs)})


@pytest.mark.parametrize("units", [pytest.param("degrees", id="degrees"), pytest.param("degree", id="degree")])
@pytest.mark.parametrize("names", [pytest.param(("lat", "lon"), id="lat-lon"),
                                   pytest.param(("latitude", "longitude"), id="latitude-longitude"),
                                   pytest.param(("LAT", "LON"), id="LAT-LON")])
def test_grid_axes_in_plain_degrees_are_read_as_in_degrees_north_and_east(tmp_path, caplog, monkeypatch, names,
                                                                          units):
    """fix42d 1: lat(lat)/lon(lon) in plain "degrees" (R, MATLAB, IDL writers) were taken as axes without
    being the file's latitude and longitude: no note, and none of a latitude's checks. They are read as
    degrees_north/east with a note, and weighed by cos(latitude) as the same grid in CF units. The note's
    ncatted, run as printed, writes its copy into a new folder (fix56b: plain_fixed.nc beside plain.nc)."""
    monkeypatch.chdir(tmp_path)
    plain = {"units": units}
    _regular_grid(names=names, lat_attrs=plain, lon_attrs=plain).to_netcdf(tmp_path / "plain.nc")
    with caplog.at_level(logging.WARNING):
        opened = open_dataset([tmp_path / "plain.nc"])
    assert opened[names[0]].attrs["units"] == "degrees_north" and opened[names[1]].attrs["units"] == "degrees_east"
    said = " ".join(caplog.text.split())
    assert (f"plain.nc: latitude '{names[0]}' and longitude '{names[1]}' (units '{units}', which says no direction) "
            "read as degrees_north and degrees_east, as the names say (each the axis of its own dimension); to say so "
            f"in the file: `mkdir -p units_fixed && ncatted -a units,{names[0]},o,c,degrees_north -a units,{names[1]},"
            "o,c,degrees_east plain.nc units_fixed/plain.nc` (its copy in a new folder), then give --data "
            "units_fixed/plain.nc in place of plain.nc") in without_guards(said)
    if shutil.which("ncatted") is not None:
        followed = run_one_copy(said, tmp_path)  # as printed, by bash
        assert sorted(path.name for path in tmp_path.iterdir()) == ["plain.nc", "units_fixed"]
        with xr.open_dataset(tmp_path / followed["copy"]) as fixed, xr.open_dataset(tmp_path / "plain.nc") as before:
            assert (fixed[names[0]].attrs["units"], fixed[names[1]].attrs["units"]) == ("degrees_north",
                                                                                        "degrees_east")
            np.testing.assert_array_equal(fixed["tas"].values, before["tas"].values)
    layout = grid_layout(opened, "tas", [str(tmp_path / "plain.nc")])
    assert (layout.latitude.name, layout.longitude.name) == names and layout.geographic is None
    tas = opened["tas"].transpose("time", *names).values
    cosine = np.broadcast_to(np.cos(np.deg2rad(opened[names[0]].values))[:, None], tas.shape[1:])
    np.testing.assert_allclose(area_weighted_mean(tas, layout.cell_area_weights()),
                               np.average(tas, axis=(1, 2), weights=np.broadcast_to(cosine, tas.shape)), rtol=1e-12)


@pytest.mark.parametrize(("latitude", "refusal"), [
    pytest.param((30.0, 60.0, 90.0, 120.0, 150.0), r"latitude 'lat' values 30…150 lie outside −90…90 \(a colatitude",
                 id="colatitude"),
    pytest.param((-60.0, -30.0, -30.0, 30.0, 60.0), r"latitude 'lat' holds -30 2 times", id="repeated"),
    pytest.param((-60.0, -30.0, np.nan, 30.0, 60.0), r"latitude 'lat' has 1 missing \(NaN\) value \(at index 2 of 5\)",
                 id="nan"),
])
def test_grid_axes_in_plain_degrees_are_checked_as_latitudes(tmp_path, latitude, refusal):
    """fix42d 1: a colatitude axis 30…150 in plain "degrees" was described as a latitude axis "30 to 150" and
    trained on; a repeated or missing latitude was "unordered, irregular". Each is refused as in degrees_north."""
    _regular_grid(latitude, lat_attrs=_PLAIN, lon_attrs=_PLAIN).to_netcdf(tmp_path / "plain.nc")
    _regular_grid(latitude).to_netcdf(tmp_path / "cf.nc")
    for name in ("plain", "cf"):
        with pytest.raises(ClimannError, match=rf"^{name}\.nc: {refusal}"):
            open_dataset([tmp_path / f"{name}.nc"])


def _with_track(grid: xr.Dataset, names=("storm_lat", "storm_lon"), units=("degrees_north", "degrees_east")):
    """``grid`` with a storm's track along its time: 40°S…40°N, 100°E…180°E."""
    track = np.linspace(-40.0, 40.0, grid.sizes["time"])
    return grid.assign({names[0]: ("time", track, {"units": units[0]}),
                        names[1]: ("time", 140.0 + track, {"units": units[1]})})


@pytest.mark.parametrize(("grid_units", "track_units", "names"), [
    pytest.param("cf", ("degrees_north", "degrees_east"), ("storm_lat", "storm_lon"), id="cf-grid-cf-track"),
    pytest.param("plain", ("degrees_north", "degrees_east"), ("storm_lat", "storm_lon"), id="plain-grid-cf-track"),
    # (in plain degrees only a name like a latitude's says it is one: break41b B3's CALIPSO Latitude(time))
    pytest.param("plain", ("degrees", "degrees"), ("Latitude", "Longitude"), id="plain-grid-plain-track"),
])
def test_a_track_beside_a_regular_grid_is_left_out_and_alone_refused(tmp_path, caplog, grid_units, track_units,
                                                                     names):
    """fix42d 2: a ship's or storm's lat(time)/lon(time) in degrees_north/east beside a regular grid was refused as
    observations whose positions move (fix41m left out only one in plain degrees), and beside axes in plain
    degrees either track was (the axes were even called 'positions of their own beside' the track). The grid
    places the data; the track is left out with a note; a track without a grid is still refused."""
    attrs = {"cf": {}, "plain": {"lat_attrs": _PLAIN, "lon_attrs": _PLAIN}}[grid_units]
    grid = _regular_grid(**attrs)
    _with_track(grid, names, track_units).to_netcdf(tmp_path / "gt.nc")
    with caplog.at_level(logging.WARNING):
        opened = open_dataset([tmp_path / "gt.nc"])
    assert sorted(map(str, opened.data_vars)) == ["tas", "ts"] and names[0] not in opened.variables
    np.testing.assert_array_equal(opened["tas"].transpose("time", "lat", "lon").values, grid["tas"].values)
    assert (f"gt.nc: '{names[0]}' and '{names[1]}' (units '{track_units[0]}', on time) are positions of their own "
            "beside the grid's 'lat' and 'lon': the grid's coordinates place the data, and these are left out"
            ) in " ".join(caplog.text.split())
    _with_track(grid.drop_vars(["tas", "ts", "lat", "lon"]).assign(
        sst=("time", grid["tas"].values[:, 0, 0], {"units": "K"})), names, track_units).to_netcdf(tmp_path / "alone.nc")
    with pytest.raises(ClimannError, match=rf"^alone\.nc: the file holds observations whose positions move in time: "
                                           rf"latitude '{names[0]}' and longitude '{names[1]}' are given at each step"):
        open_dataset([tmp_path / "alone.nc"])


def test_training_beside_a_track_scores_as_training_without_it(tmp_path, monkeypatch):
    """fix42d 2: `climann train` on a grid with a storm's track in degrees_north/east (refused before) gives
    the metrics of the same grid without the track, and the track is no default predictor."""
    import json

    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)  # the runs' metrics are compared, not their figures
    monkeypatch.chdir(tmp_path)
    grid = _regular_grid()
    grid.to_netcdf(tmp_path / "grid.nc")
    _with_track(grid).to_netcdf(tmp_path / "gt.nc")
    runs = {}
    for name in ("grid", "gt"):
        result = CliRunner().invoke(app, ["train", "--data", f"{name}.nc", "--target", "tas", "--epochs", "1",
                                          "--out", f"run_{name}"])
        assert result.exit_code == 0, result.output
        runs[name] = json.loads((tmp_path / f"run_{name}" / "metrics.json").read_text())
        runs[name].pop("model_sha256")  # names each run's own model.npz, whose metadata records its file
    assert "'storm_lat' and 'storm_lon' (units 'degrees_north', on time) are positions" in " ".join(
        result.output.split())
    assert runs["gt"] == runs["grid"]
    assert 'predictors = ["ts"]' in (tmp_path / "run_gt" / "config.toml").read_text()


# --- break43: storm positions named storm_lat/storm_lon, several storms, a lone latitude ------------------
@pytest.mark.parametrize("names", [
    pytest.param(("storm_lat", "storm_lon"), id="storm_lat"),
    pytest.param(("stormLat", "stormLon"), id="camel-case"),
    pytest.param(("TC_LATITUDE", "TC_LONGITUDE"), id="upper-case-suffix"),
    pytest.param(("lat_storm", "lon_storm"), id="lat_storm"),
])
def test_a_track_in_plain_degrees_named_for_its_storm_is_left_out_beside_a_grid(tmp_path, caplog, names):
    """break43: storm_lat/storm_lon in plain "degrees" were no positions (only names that begin like a latitude's
    were): no note on a track along time, and on the grid's cells (the track written at every cell) a default
    predictor. Left out, with the note, as lat_storm was."""
    from climann.data.defaults import default_inputs

    grid = _regular_grid()
    _with_track(grid, names, ("degrees", "degrees")).to_netcdf(tmp_path / "gt.nc")
    with caplog.at_level(logging.WARNING):
        opened = open_dataset([tmp_path / "gt.nc"])
    assert sorted(map(str, opened.data_vars)) == ["tas", "ts"]
    assert (f"gt.nc: '{names[0]}' and '{names[1]}' (units 'degrees', on time) are positions of their own beside the "
            "grid's 'lat' and 'lon'") in " ".join(caplog.text.split())
    track = _with_track(grid, names, ("degrees", "degrees"))
    on_cells = grid.assign({name: (("time", "lat", "lon"), np.broadcast_to(track[name].values[:, None, None],
                                                                           grid["tas"].shape).copy(), {"units": "degrees"})
                            for name in names})
    on_cells.to_netcdf(tmp_path / "cells.nc")
    inputs = default_inputs(open_dataset([tmp_path / "cells.nc"]), "tas")
    assert inputs.predictors == ("ts",) and inputs.positions == names


@pytest.mark.parametrize("units", [pytest.param(("degrees_north", "degrees_east"), id="cf"),
                                   pytest.param(("degrees", "degrees"), id="plain")])
def test_several_storms_tracks_beside_a_grid_are_left_out_not_refused_as_stations(tmp_path, caplog, units):
    """break43: storm_lat(time, storm)/storm_lon(time, storm) beside a grid were taken for stations whose positions
    are given at each step ('storm index 0 moves', exit 2): no data lie on 'storm'. Left out with the note; the
    grid's values are the file's."""
    grid = _regular_grid()
    rng = np.random.default_rng(43)
    tracks = rng.uniform(-40, 40, (grid.sizes["time"], 3))
    grid.assign(storm_lat=(("time", "storm"), tracks, {"units": units[0]}),
                storm_lon=(("time", "storm"), 140 + tracks, {"units": units[1]})).to_netcdf(tmp_path / "gs.nc")
    with caplog.at_level(logging.WARNING):
        opened = open_dataset([tmp_path / "gs.nc"])
    assert sorted(map(str, opened.data_vars)) == ["tas", "ts"] and "storm" not in opened.dims
    np.testing.assert_array_equal(opened["tas"].transpose("time", "lat", "lon").values, grid["tas"].values)
    assert (f"gs.nc: 'storm_lat' and 'storm_lon' (units '{units[0]}', on time, storm) are positions of their own "
            "beside the grid's 'lat' and 'lon'") in " ".join(caplog.text.split())


def test_stations_with_data_and_moving_positions_are_still_refused(tmp_path):
    """The places of data (WAVEWATCH III's hs(time, station)) are stations: one that moves is refused as before."""
    rng = np.random.default_rng(5)
    steps = 24
    latitude = np.tile([10.0, 20.0], (steps, 1))
    latitude[5:, 1] += 0.5
    xr.Dataset({"hs": (("time", "station"), rng.gamma(2, 1, (steps, 2)), {"units": "m"})},
               coords={"time": ("time", 30.0 * np.arange(steps) + 15, {"units": "days since 2001-01-01"}),
                       "latitude": (("time", "station"), latitude, _LAT),
                       "longitude": (("time", "station"), np.tile([100.0, 110.0], (steps, 1)), _LON)}
               ).to_netcdf(tmp_path / "ww3.nc")
    with pytest.raises(ClimannError, match=r"^ww3\.nc: the positions 'latitude' and 'longitude' are given at each time "
                                           r"step of each station, and station index 1 moves"):
        open_dataset([tmp_path / "ww3.nc"])


def test_a_lone_storm_latitude_beside_a_grid_is_left_out_with_a_note(tmp_path, caplog):
    """break43: a lat_storm(time) in degrees_north without its longitude beside a grid was kept as a variable,
    without a word."""
    grid = _regular_grid()
    grid.assign(lat_storm=("time", np.linspace(-40.0, 40.0, grid.sizes["time"]), {"units": "degrees_north"})
                ).to_netcdf(tmp_path / "lone.nc")
    with caplog.at_level(logging.WARNING):
        opened = open_dataset([tmp_path / "lone.nc"])
    assert "lat_storm" not in opened.variables
    assert ("lone.nc: 'lat_storm' (units 'degrees_north', on time) is a position of its own beside the grid's 'lat' "
            "and 'lon': the grid's coordinates place the data, and it is left out") in " ".join(caplog.text.split())


@pytest.mark.parametrize(("name", "kind"), [
    pytest.param("storm_lat", "latitude", id="storm_lat"), pytest.param("center-lon", "longitude", id="center-lon"),
    pytest.param("stormLon", "longitude", id="stormLon"), pytest.param("LAT", "latitude", id="LAT"),
    pytest.param("epsilon", None, id="epsilon"), pytest.param("salon", None, id="salon"),
    pytest.param("stormlat", None, id="no-word-boundary"), pytest.param("long_name", None, id="long_name"),
])
def test_position_names_end_or_begin_with_the_word(name, kind):
    from climann.data.coords import position_name_kind

    assert position_name_kind(name) == kind


def test_the_remap_followed_in_the_same_folder_names_the_remapped_copy_to_give(tmp_path, monkeypatch):
    """break49d A3: the remap advice run as printed beside the file, then both files given (a folder):
    before, its grid description u_grid.txt was called "its corrected copy" and a second remap into
    u_remapped_2.nc proposed; now u_remapped.nc is named the copy to give, and no remap is proposed. The advice
    now writes its copy into remapped/ (fix56b); a copy an earlier advice wrote beside the file (here the new
    line's, moved there) is still told so."""
    import shutil

    if shutil.which("cdo") is None:
        pytest.skip("needs CDO")
    monkeypatch.chdir(tmp_path)
    _cells(tmp_path / "u.nc", corners=True)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "u.nc"])
    followed = run_one_copy(str(refused.value), tmp_path)
    shutil.move(tmp_path / followed["copy"], tmp_path / "u_remapped.nc")
    with pytest.raises(ClimannError) as again:
        open_dataset([tmp_path / "u.nc", tmp_path / "u_remapped.nc"])
    message = str(again.value)
    assert "u_remapped.nc, beside it, is its remap to a regular grid" in message
    assert "give u_remapped.nc in place of u.nc" in message
    assert "cdo" not in message and "u_grid" not in message and "_2." not in message


def test_a_grid_description_beside_the_file_is_not_called_its_corrected_copy(tmp_path, monkeypatch):
    """A grid description u_grid.txt beside the file (the printf part of an earlier advice run), u_remapped.nc
    not: the .txt is not said to be a corrected copy of u.nc (break49d A3), and the advice writes its own
    description beside its copy, in the new folder remapped/ (fix56b), not over the one there."""
    monkeypatch.chdir(tmp_path)
    _cells(tmp_path / "u.nc", corners=True)
    (tmp_path / "u_grid.txt").write_text("gridtype = lonlat\n")
    from typer.testing import CliRunner

    from climann.cli import app

    result = CliRunner().invoke(app, ["info", "."])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "> remapped/u_grid.txt && cdo remapcon,remapped/u_grid.txt u.nc remapped/u.nc" \
        in said
    assert "may be its corrected copy" not in said


@pytest.mark.parametrize("corners, method", [pytest.param(True, "remapcon", id="corners"),
                                             pytest.param(False, "remapdis", id="centres-only")])
def test_a_direction_on_an_unstructured_grid_is_remapped_to_its_circular_mean(tmp_path, monkeypatch, corners, method):
    """fix52k: the remap advice for an unstructured grid (`cdo remapcon|remapdis,…`) averaged a wave direction
    as numbers, so cells mixing 350° and 10° came out near 180°. Each cell's ``mwd`` is 350° or 10°, and
    ``share`` is 1 where it is 10°: CDO's remapping of ``share`` (plain numbers) is the weight w each new cell
    gives the 10° cells, so the circular mean by NumPy is atan2(w sin 10° + (1−w) sin 350°, w cos 10° + (1−w)
    cos 350°); the printed line, run as printed, must give it (before: 350 − 340 w, up to 180° off)."""
    import shutil

    if shutil.which("cdo") is None:
        pytest.skip("needs CDO")
    monkeypatch.chdir(tmp_path)
    _cells(tmp_path / "u.nc", corners=corners)
    rng = np.random.default_rng(52)
    with xr.open_dataset(tmp_path / "u.nc") as cells:
        tens = rng.random(cells["tas"].shape) < 0.5
        cells = cells.load()
    cells["mwd"] = cells["tas"].copy(data=np.where(tens, 10.0, 350.0))
    cells["mwd"].attrs.update(units="Degree true", long_name="Mean wave direction")
    cells["share"] = cells["tas"].copy(data=tens.astype(np.float64))
    cells["share"].attrs["units"] = "1"
    cells.drop_vars("tas").to_netcdf(tmp_path / "w.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "w.nc"])
    followed = run_one_copy(str(refused.value), tmp_path)  # as printed, by bash
    assert f"{method}," in followed["command"] and followed["copy"] == "remapped/w.nc", followed
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["u.nc", "w.nc"]  # no copy beside (fix56b)
    with xr.open_dataset(tmp_path / followed["copy"]) as remapped:
        assert set(remapped.data_vars) == {"mwd", "share"}
        held, share = remapped["mwd"].values, remapped["share"].values
    assert_circular_mixture(held, share)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
@pytest.mark.parametrize("corners", [pytest.param(True, id="remapcon"), pytest.param(False, id="remapdis")])
def test_the_remap_line_runs_in_a_folder_with_a_space(tmp_path, monkeypatch, corners):
    """fix57i: CDO 2.1.1 opens no path with a space, quoted or not: the remap line of an unstructured grid's file
    in "my data" (its grid description and copy into remapped/) failed as printed. Run by bash as printed, it now
    runs CDO inside the folder: the copy is on a regular grid whose values lie within the file's (a weighted mean
    of its cells), and the folder holds only the file and the new folder."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "my data"
    folder.mkdir()
    values = _cells(folder / "u.nc", corners=corners)
    with pytest.raises(ClimannError) as refused:
        open_dataset([folder / "u.nc"])
    line = next(part for part in str(refused.value).split("`") if "cdo remap" in part)
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    assert sorted(path.name for path in folder.iterdir()) == ["remapped", "u.nc"]
    assert sorted(path.name for path in (folder / "remapped").iterdir()) == ["u.nc", "u_grid.txt"]  # its region's grid
    remapped = open_dataset([folder / "remapped" / "u.nc"])
    filled = remapped["tas"].values[np.isfinite(remapped["tas"].values)]
    assert filled.size > 100 and values.min() - 1e-6 <= filled.min() and filled.max() <= values.max() + 1e-6
    assert remapped["tas"].shape[0] == 2
