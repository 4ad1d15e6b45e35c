import logging
import os
import re
import shlex
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data import shell
from climann.data.coords import bare_coordinates, find_coordinate, fixed_in_time, two_dimensional_coordinates
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset, ice_drift_dataset
from tests.grid_files import ease2_smos
from tests.followed_twice import ONE_COPY, run_one_copy, without_guards
from tests.fresh_python import run_python, shell_path


@pytest.mark.parametrize(
    "names",
    [
        pytest.param(("time", "lat", "lon"), id="lat-lon"),
        pytest.param(("t", "latitude", "longitude"), id="latitude-longitude"),
        pytest.param(("valid_time", "nav_lat", "nav_lon"), id="nemo-names"),
        pytest.param(("T", "Y", "X"), id="capital-letters"),
    ],
)
def test_coordinates_found_by_cf_attributes_whatever_their_names(names):
    dataset = grid_dataset(names=names)
    assert [find_coordinate(dataset, kind) for kind in ("time", "latitude", "longitude")] == list(names)


def test_units_identify_a_coordinate_without_standard_name():
    dataset = xr.Dataset(coords={"yy": ("yy", [0.0, 1.0], {"units": "degrees_north"})})
    assert find_coordinate(dataset, "latitude") == "yy"


def test_missing_coordinate_is_a_clear_error():
    dataset = xr.Dataset(coords={"a": ("a", np.arange(3))})
    with pytest.raises(ClimannError, match="no latitude coordinate found.*coordinates present: a"):
        find_coordinate(dataset, "latitude")


def test_a_scalar_latitude_is_named_as_such_not_called_missing():
    dataset = xr.Dataset(
        {"tas": ("time", [280.0, 281.0])},
        coords={"time": ("time", [0, 1]), "lat": ((), 52.5, {"standard_name": "latitude", "units": "degrees_north"})},
    )
    with pytest.raises(ClimannError) as raised:
        find_coordinate(dataset, "latitude")
    assert str(raised.value) == (
        "the latitude 'lat' is a scalar coordinate (one value, 52.5), not an axis of the data; make it a dimension "
        "of length 1, e.g. with xarray's expand_dims('lat')"
    )


def test_two_equally_good_candidates_are_refused():
    attrs = {"standard_name": "latitude"}
    dataset = xr.Dataset(coords={"lat1": ("a", [0.0], attrs), "lat2": ("b", [1.0], attrs)})
    with pytest.raises(ClimannError, match="several coordinates look like latitude") as raised:
        find_coordinate(dataset, "latitude")
    # both have the standard_name already: advice to give one a standard_name cannot be followed
    assert "each by its CF standard_name" in str(raised.value) and "give the right one" not in str(raised.value)
    assert "--rename 'FILE:lat2=lat1'" in str(raised.value)


def _without_coordinate_attributes(names):
    dataset = grid_dataset(names=names)
    for name in dataset.coords:
        dataset[name].attrs = {}
    return dataset


@pytest.mark.parametrize(
    "names",
    [
        pytest.param(("time", "lat", "lon"), id="lat-lon"),
        pytest.param(("t", "latitude", "longitude"), id="latitude-longitude"),
        pytest.param(("time_counter", "nav_lat", "nav_lon"), id="nemo-names"),
        pytest.param(("time", "Latitude", "Longitude"), id="capitalised"),
    ],
)
def test_coordinates_without_attributes_are_guessed_after_decoding(tmp_path, names):
    # Written and reopened: the time's units move into its encoding, so the time is found
    # by its decoded (cftime) values, whatever its name ("date" matches no name pattern).
    path = tmp_path / "bare.nc"
    _without_coordinate_attributes(names).to_netcdf(path)
    dataset = open_dataset([path])
    assert not any(dataset[name].attrs for name in names)
    assert [find_coordinate(dataset, kind) for kind in ("time", "latitude", "longitude")] == list(names)


def test_guessing_does_not_modify_the_dataset():
    dataset = _without_coordinate_attributes(("time", "nav_lat", "nav_lon"))
    assert find_coordinate(dataset, "latitude") == "nav_lat"
    assert dataset["nav_lat"].attrs == {}


@pytest.mark.parametrize(
    "names",
    [
        pytest.param(("time", "lat", "lon"), id="lat-lon"),
        pytest.param(("time_counter", "nav_lat", "nav_lon"), id="nemo-names"),
        pytest.param(("date", "latitude", "longitude"), id="latitude-longitude"),
    ],
)
def test_a_datasets_axes_are_guessed_once_for_its_time_latitude_and_longitude(tmp_path, monkeypatch, names):
    """cf_xarray's guess (tens of milliseconds, a scan of every variable for each coordinate
    and pattern) runs once for a dataset's metadata, whichever coordinates are then looked
    for, and gives them as the guess itself does."""
    import cf_xarray.accessor

    from climann.data import coords
    from climann.data.coords import _guessed_axes, scalar_coordinate

    path = tmp_path / "bare.nc"
    _without_coordinate_attributes(names).to_netcdf(path)
    dataset = open_dataset([path]).assign_coords(height=2.0)
    guesses = []
    guess = cf_xarray.accessor.CFDatasetAccessor.guess_coord_axis
    monkeypatch.setattr(cf_xarray.accessor.CFDatasetAccessor, "guess_coord_axis",
                        lambda self, *args, **kwargs: guesses.append(1) or guess(self, *args, **kwargs))
    for remembered in vars(coords).values():  # nothing guessed while the file was opened is kept
        getattr(remembered, "answers", {}).clear()
    found = [find_coordinate(dataset, kind) for kind in ("time", "latitude", "longitude")]
    assert found == list(names)
    assert scalar_coordinate(dataset, "latitude") is None
    assert len(guesses) == 1
    by_cf_xarray = dataset.cf.guess_coord_axis()
    ours = _guessed_axes(dataset)
    assert {name: ours[name].attrs for name in ours.variables} == \
        {name: by_cf_xarray[name].attrs for name in by_cf_xarray.variables}
    assert not any(dataset[name].attrs for name in names)  # the dataset itself is not changed


@pytest.mark.parametrize(
    ("kind", "attrs"),
    [
        pytest.param("latitude", {"units": "degrees_N"}, id="latitude-degrees_N"),
        pytest.param("longitude", {"units": "degree_east"}, id="longitude-degree_east"),
        pytest.param("latitude", {"axis": "Y", "units": "degrees"}, id="latitude-axis-in-degrees"),
        pytest.param("time", {"axis": "T"}, id="time-axis"),
    ],
)
def test_one_attribute_identifies_a_coordinate_with_any_name(kind, attrs):
    dataset = xr.Dataset(coords={"dim_1": ("dim_1", [0.0, 1.0], attrs), "other": ("other", [0.0])})
    assert find_coordinate(dataset, kind) == "dim_1"


def test_standard_name_wins_over_units_alone():
    dataset = xr.Dataset(
        coords={
            "clat": ("c", [0.0, 1.0], {"units": "degrees_north"}),
            "lat": ("lat", [0.0, 1.0], {"units": "degrees_north", "standard_name": "latitude"}),
        }
    )
    assert find_coordinate(dataset, "latitude") == "lat"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(lambda ds: ds["clat"].attrs.update(standard_name="latitude") or ds, "several", id="attribute-added"),
        pytest.param(lambda ds: ds["lat"].attrs.pop("standard_name") and ds, "several", id="attribute-removed"),
        pytest.param(lambda ds: ds["lat"].attrs.update(standard_name="height", units="m") or ds, "clat",
                     id="attribute-changed"),
        pytest.param(lambda ds: ds.rename({"lat": "lat2"}), "lat2", id="renamed"),
        pytest.param(lambda ds: ds.drop_vars("lat"), "clat", id="dropped"),
        pytest.param(lambda ds: ds.assign_coords(lat=ds["lat"] + 1.0), "lat", id="values-changed"),
    ],
)
def test_a_coordinate_is_found_again_when_the_metadata_change_and_not_when_only_values_do(change, expected):
    """find_coordinate remembers its answers by the metadata it reads; a change of them in
    place or in a copy is a new question, a change of values is the same one."""
    dataset = xr.Dataset(coords={"clat": ("c", [0.0, 1.0], {"units": "degrees_north"}),
                                 "lat": ("lat", [0.0, 1.0], {"units": "degrees_north", "standard_name": "latitude"})})
    assert find_coordinate(dataset, "latitude") == "lat"
    changed = change(dataset)
    if expected == "several":
        with pytest.raises(ClimannError, match="several coordinates look like latitude"):
            find_coordinate(changed, "latitude")
    else:
        assert find_coordinate(changed, "latitude") == expected


def test_a_coordinate_of_dates_is_a_time_and_one_of_text_with_the_same_metadata_is_not():
    """cf_xarray guesses a time from the values' type: a remembered answer for one cannot
    stand for the other."""
    import cftime

    dates = [cftime.DatetimeNoLeap(2000, month, 1) for month in (1, 2)]
    with_dates = xr.Dataset(coords={"when": ("step", np.array(dates, dtype=object))})
    with_text = xr.Dataset(coords={"when": ("step", np.array(["a", "b"], dtype=object))})
    assert find_coordinate(with_dates, "time") == "when"
    with pytest.raises(ClimannError, match="no time coordinate"):
        find_coordinate(with_text, "time")
    assert find_coordinate(with_dates, "time") == "when"


def _when(values, layout):
    """A coordinate ``when`` of ``values`` on its own dimension (an index), on another (not one),
    or as the level of a MultiIndex beside a level of numbers."""
    values = np.array(values, dtype=object)
    if layout == "index":
        return xr.Dataset(coords={"when": ("when", values)})
    if layout == "not-an-index":
        return xr.Dataset(coords={"when": ("step", values)})
    index = pd.MultiIndex.from_arrays([values, [1, 2]], names=("when", "member"))
    return xr.Dataset(coords=xr.Coordinates.from_pandas_multiindex(index, "sample"))


@pytest.mark.parametrize("layout", ["index", "not-an-index", "multiindex-level"])
def test_the_metadata_key_tells_a_coordinate_of_dates_from_one_of_text_however_it_is_held(layout):
    """:func:`_metadata_key` reads the first value of a 1-D coordinate of objects (cf_xarray takes
    cftime dates for a time): read from a pandas index or from the values, it must tell dates
    from text with the same metadata, or a remembered answer for one would stand for the other."""
    import cftime

    from climann.data.coords import _metadata_key

    dates = [cftime.DatetimeNoLeap(2000, month, 1) for month in (1, 2)]
    with_dates, with_text = _when(dates, layout), _when(["a", "b"], layout)
    assert with_dates["when"].dtype == with_text["when"].dtype == object
    assert _metadata_key(with_dates) != _metadata_key(with_text)


@pytest.mark.parametrize("order", [("lat\tlon", "lat lon"), ("lat lon", "lat\tlon")], ids=["tab-first", "space-first"])
def test_the_datasets_coordinates_attribute_is_read_as_cf_xarray_reads_it_whatever_was_asked_before(order):
    """cf_xarray splits a dataset's ``coordinates`` on spaces only (cache15 F1): a tab-separated
    attribute names no coordinate it knows, a space-separated one the 2-D pair; each answer must
    be the one a fresh process gives, in either order."""
    def curvilinear(attribute):
        lat = np.array([[0.0, 1.0], [2.0, 3.0]])
        dataset = xr.Dataset({"tas": (("y", "x"), lat)},
                             coords={"lat": (("y", "x"), lat, {"units": "degrees_north"}),
                                     "lon": (("y", "x"), lat + 10.0, {"units": "degrees_east"})})
        dataset.attrs["coordinates"] = attribute
        return dataset

    for attribute in order:
        if "\t" in attribute:
            with pytest.raises(ClimannError, match="no latitude coordinate found"):
                find_coordinate(curvilinear(attribute), "latitude")
        else:
            assert find_coordinate(curvilinear(attribute), "latitude") == "y"


def test_cf_xarrays_custom_criteria_are_in_force_only_while_they_are_set():
    """A criterion set with ``cf_xarray.set_options`` finds a coordinate; once it is unset, the
    same dataset has none (cache15 F2)."""
    import cf_xarray

    row = xr.Dataset(coords={"row": ("row", [0.0, 1.0], {"long_name": "grid latitude in degrees"})})
    with cf_xarray.set_options(custom_criteria={"latitude": {"long_name": "grid latitude.*"}}):
        assert find_coordinate(row, "latitude") == "row"
    with pytest.raises(ClimannError, match="no latitude coordinate found"):
        find_coordinate(row, "latitude")


def _rotated_pole_dataset():
    rlat, rlon = np.array([-1.0, 0.0, 1.0]), np.array([-2.0, 0.0, 2.0, 4.0])
    true_lat = 40.0 + rlat[:, None] + 0.1 * rlon[None, :]
    return xr.Dataset(
        coords={
            "rlat": ("rlat", rlat, {"standard_name": "grid_latitude", "units": "degrees", "axis": "Y"}),
            "rlon": ("rlon", rlon, {"standard_name": "grid_longitude", "units": "degrees", "axis": "X"}),
            "lat": (("rlat", "rlon"), true_lat, {"standard_name": "latitude", "units": "degrees_north"}),
            "lon": (("rlat", "rlon"), 10.0 + 0 * true_lat, {"standard_name": "longitude", "units": "degrees_east"}),
        }
    )


def test_rotated_pole_axes_are_the_grid_when_latitude_is_2d():
    dataset = _rotated_pole_dataset()
    assert (find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude")) == ("rlat", "rlon")


@pytest.mark.parametrize(
    "xy_attrs",
    [
        pytest.param({"standard_name": "projection_y_coordinate", "units": "m", "axis": "Y"}, id="projection-attrs"),
        pytest.param({"units": "km", "axis": "Y"}, id="axis-in-km"),
        pytest.param({}, id="no-attributes"),
    ],
)
def test_curvilinear_grid_rows_and_columns_are_the_dims_of_its_2d_latitude(xy_attrs):
    """1-D projected y/x (or bare y) with 2-D lat/lon: rows and columns are lat's dims."""
    y = np.array([0.0, 1000.0, 2000.0])
    geographic = {"standard_name": "latitude", "units": "degrees_north"}
    dataset = xr.Dataset(
        coords={
            "y": ("y", y, xy_attrs),
            "lat": (("y", "x"), np.zeros((3, 2)), geographic),
            "lon": (("y", "x"), np.zeros((3, 2)), {"standard_name": "longitude", "units": "degrees_east"}),
        }
    )
    assert (find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude")) == ("y", "x")


def test_2d_latitude_without_a_matching_longitude_is_refused():
    dataset = xr.Dataset(
        coords={"lat": (("y", "x"), np.zeros((3, 2)), {"standard_name": "latitude", "units": "degrees_north"})}
    )
    with pytest.raises(ClimannError, match=r"2-D latitude and longitude do not match \(lat \('y', 'x'\)\)"):
        find_coordinate(dataset, "latitude")


@pytest.mark.parametrize(
    "attrs",
    [
        pytest.param({"units": "m", "axis": "Y"}, id="projected"),
        pytest.param({"standard_name": "grid_latitude", "units": "degrees", "axis": "Y"}, id="rotated"),
    ],
)
def test_a_grid_axis_without_grid_mapping_or_2d_coordinates_is_refused_not_taken_as_latitude(attrs):
    """Rotated degrees are not latitudes: without a grid mapping their position is unknown."""
    dataset = xr.Dataset(coords={"y": ("y", [0.0, 1.0], attrs)})
    with pytest.raises(ClimannError, match=r"'y' is a rotated-pole or projected axis \(the grid's rows, not a latitude\).*grid mapping"):
        find_coordinate(dataset, "latitude")


def test_a_grid_axis_with_a_grid_mapping_is_the_row_axis():
    dataset = xr.Dataset(
        {
            "tas": (("rlat", "rlon"), np.zeros((2, 3)), {"grid_mapping": "rotated_pole"}),
            "rotated_pole": ((), 0, {"grid_mapping_name": "rotated_latitude_longitude",
                                     "grid_north_pole_latitude": 39.25, "grid_north_pole_longitude": 198.0}),
        },
        coords={
            "rlat": ("rlat", [0.0, 1.0], {"standard_name": "grid_latitude", "units": "degrees"}),
            "rlon": ("rlon", [0.0, 1.0, 2.0], {"standard_name": "grid_longitude", "units": "degrees"}),
        },
    )
    assert (find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude")) == ("rlat", "rlon")


def _bare(lat_name="lat", lon_name="lon", lat=(-45.0, 45.0), attrs=None):
    return xr.Dataset(
        {"tas": ((lat_name, lon_name), np.zeros((2, 3)))},
        coords={lat_name: (lat_name, list(lat), attrs or {}), lon_name: (lon_name, [0.0, 120.0, 240.0])},
    )


@pytest.mark.parametrize(
    ("lat_name", "lon_name"),
    [pytest.param("lat", "lon", id="lat-lon"), pytest.param("latitude", "longitude", id="latitude-longitude"),
     pytest.param("Lat", "LON", id="any-case")],
)
def test_bare_coordinates_named_lat_and_lon_are_recognised(lat_name, lon_name):
    dataset = _bare(lat_name, lon_name)
    assert bare_coordinates(dataset) == {lat_name: "latitude", lon_name: "longitude"}
    assert (find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude")) == (lat_name, lon_name)


@pytest.mark.parametrize(
    "dataset",
    [
        pytest.param(_bare(attrs={"units": "degrees_north"}), id="has-units"),
        pytest.param(_bare(lat=(-100.0, 45.0)), id="not-degrees"),
        pytest.param(_bare("y", "x"), id="other-names"),
    ],
)
def test_coordinates_with_attributes_out_of_range_or_otherwise_named_are_not_bare(dataset):
    assert list(dataset.coords)[0] not in bare_coordinates(dataset)


def test_opening_bare_coordinates_warns_once_naming_them(tmp_path, caplog):
    path = tmp_path / "bare.nc"
    grid = grid_dataset()
    for name in ("lat", "lon"):
        grid[name].attrs.clear()
    grid.to_netcdf(path)
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([path])
        open_dataset([path])
    warnings = [record.getMessage() for record in caplog.records
                if record.levelno == logging.WARNING and record.name.startswith("climann")]  # (not pint's own)
    assert warnings == [
        "bare.nc: coordinates without CF attributes recognised by name: 'lat' as latitude, 'lon' as longitude; "
        "add standard_name and units to the file to say so"
    ]


# --- latitude and longitude repeated at every time step (WRF's XLAT/XLONG) -----------------------
def _repeated_coordinates(latitude_steps, *, as_coordinates=True):
    """A WRF-like dataset: XLAT/XLONG (Time, south_north, west_east) in degree_north/east, no standard_name."""
    import cftime

    n_time = len(latitude_steps)
    longitude = np.broadcast_to(np.array([[-100.0, -96.0, -92.0]]), (n_time, 2, 3))
    variables = {
        "XLAT": (("Time", "south_north", "west_east"), np.asarray(latitude_steps), {"units": "degree_north"}),
        "XLONG": (("Time", "south_north", "west_east"), longitude.copy(), {"units": "degree_east"}),
        "T2": (("Time", "south_north", "west_east"), np.zeros((n_time, 2, 3)), {"units": "K"}),
    }
    times = [cftime.DatetimeNoLeap(1990, month + 1, 16) for month in range(n_time)]
    dataset = xr.Dataset({"T2": variables.pop("T2")}, coords={"Time": ("Time", times)})
    return dataset.assign_coords(variables) if as_coordinates else dataset.assign(variables)


LATITUDE = np.array([[30.0, 30.3, 30.6], [35.0, 35.3, np.nan]])  # a NaN too: equal to itself


@pytest.mark.parametrize("as_coordinates", [pytest.param(True, id="coordinates"),
                                            pytest.param(False, id="data-variables")])
def test_a_latitude_repeated_at_every_step_is_the_first_steps_2d_coordinate(as_coordinates):
    dataset = _repeated_coordinates([LATITUDE] * 4, as_coordinates=as_coordinates).chunk({"Time": 1})
    fixed = fixed_in_time(dataset, "wrf.nc")
    assert fixed["XLAT"].dims == ("south_north", "west_east") and "XLAT" in fixed.coords
    np.testing.assert_array_equal(fixed["XLAT"].values, LATITUDE)
    np.testing.assert_array_equal(fixed["XLONG"].values, [[-100.0, -96.0, -92.0]] * 2)
    assert fixed["XLAT"].attrs == {"units": "degree_north"} and fixed["T2"].dims == ("Time", "south_north", "west_east")
    assert find_coordinate(fixed, "latitude") == "south_north" and find_coordinate(fixed, "longitude") == "west_east"


@pytest.mark.parametrize("moved_by", [pytest.param(0.5, id="half-a-degree"), pytest.param(1e-5, id="one-rounding")])
def test_a_latitude_that_changes_in_time_is_refused_naming_it_and_the_step(moved_by):
    moved = LATITUDE.copy()
    moved[0, 1] += moved_by
    dataset = _repeated_coordinates([LATITUDE, LATITUDE, moved, moved])
    with pytest.raises(ClimannError, match=rf"^wrf.nc: 'XLAT' changes in time \(at time step 2 counting from 0, 1990-03-16 00:00:00, by "
                                           rf"up to {moved_by:.6g} degree_north\): the grid moves \(a moving nest or a "
                                           r"box that follows a storm\).*interpolate each time step from its own grid "
                                           "to one fixed grid first"):
        fixed_in_time(dataset, "wrf.nc")


@pytest.mark.parametrize("units", [pytest.param("degrees_north", id="degrees-north"),
                                   pytest.param("degrees_east", id="degrees-east")])
def test_a_latitude_named_field_on_a_1d_grid_is_data_not_a_moving_grid(tmp_path, units):
    """A storm-track field ``storm_lat(time, lat, lon)`` in degrees on 1-D lat and lon (the latitude
    of the maximum density, at each cell and step) is data on a fixed grid: kept as it is, not
    read as a 2-D latitude that changes in time ("the grid moves", fix44c)."""
    rng = np.random.default_rng(4)
    values = 40.0 + rng.normal(0.0, 3.0, (3, 2, 4))  # changes from step to step
    dataset = xr.Dataset(
        {"storm_lat": (("time", "lat", "lon"), values, {"units": units, "long_name": "latitude of maximum density"})},
        coords={"time": pd.date_range("2000-01-01", periods=3, freq="MS"),
                "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 5.0, 10.0, 15.0], {"units": "degrees_east"})})
    fixed = fixed_in_time(dataset, "storm.nc")
    assert fixed["storm_lat"].dims == ("time", "lat", "lon") and "storm_lat" in fixed.data_vars
    np.testing.assert_array_equal(fixed["storm_lat"].values, values)
    dataset.to_netcdf(tmp_path / "storm.nc")
    opened = open_dataset(tmp_path / "storm.nc")
    np.testing.assert_array_equal(opened["storm_lat"].values, values)
    assert find_coordinate(opened, "latitude") == "lat" and find_coordinate(opened, "longitude") == "lon"


def test_without_a_time_coordinate_nothing_is_changed():
    dataset = _repeated_coordinates([LATITUDE] * 2).drop_vars("Time")
    assert fixed_in_time(dataset) is dataset


# --- WRF's staggered grids: XLAT_U, XLAT_V beside the mass points' XLAT ------------------------------
@pytest.mark.parametrize(
    "stagger_attribute",
    [pytest.param(True, id="stagger-attribute-and-stag-dims"), pytest.param(False, id="stag-dims-only")],
)
def test_the_2d_coordinates_are_the_mass_points_not_the_staggered_grids(stagger_attribute):
    def coordinate(dims, units, stagger):
        return dims, np.zeros((2 + (dims[0] == "south_north_stag"), 3 + (dims[1] == "west_east_stag"))), {
            "units": units, **({"stagger": stagger} if stagger_attribute else {})}

    mass, u, v = ("south_north", "west_east"), ("south_north", "west_east_stag"), ("south_north_stag", "west_east")
    dataset = xr.Dataset(coords={
        "XLAT_U": coordinate(u, "degree_north", "X"), "XLONG_U": coordinate(u, "degree_east", "X"),
        "XLAT": coordinate(mass, "degree_north", ""), "XLONG": coordinate(mass, "degree_east", ""),
        "XLAT_V": coordinate(v, "degree_north", "Y"), "XLONG_V": coordinate(v, "degree_east", "Y"),
    })
    assert two_dimensional_coordinates(dataset) == ("XLAT", "XLONG")
    assert find_coordinate(dataset, "latitude") == "south_north" and find_coordinate(dataset, "longitude") == "west_east"


# --- data without a latitude or longitude: the way out -----------------------------------------
def _unplaced(path, dims):
    """tas and rsdt on ``dims`` (of time, lat, lon; 24 months, 3 latitudes, 4 longitudes) as a
    zonal mean (time, lat) or a series (time) is written by xarray's mean."""
    sizes = {"time": 24, "lat": 3, "lon": 4}
    rng = np.random.default_rng(5)
    coords = {"time": ("time", xr.date_range("2000-01-01", periods=24, freq="MS", use_cftime=True)),
              "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
              "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east", "standard_name": "longitude"})}
    shape = tuple(sizes[dim] for dim in dims)
    dataset = xr.Dataset({"tas": (dims, rng.normal(280.0, 3.0, shape), {"units": "K"}),
                          "rsdt": (dims, rng.normal(300.0, 9.0, shape), {"units": "W m-2"})},
                         coords={dim: coords[dim] for dim in dims})
    dataset.to_netcdf(path)
    return dataset


@pytest.mark.parametrize(
    ("dims", "kind", "added"),
    [
        pytest.param(("time", "lat"), "longitude", ("lon",), id="zonal-mean"),
        pytest.param(("time",), "latitude", ("lat", "lon"), id="global-mean-series"),
        pytest.param(("time", "lon"), "latitude", ("lat",), id="meridional-mean"),
    ],
)
@pytest.mark.parametrize("tool", ["ncap2", "xarray"])
def test_data_without_a_position_are_refused_with_a_command_that_gives_them_one(tmp_path, monkeypatch, dims, kind,
                                                                               added, tool):
    """Refused before without a way out ('no longitude coordinate found …; coordinates present: time, lat')."""
    if tool == "ncap2" and shutil.which("ncap2") is None:
        pytest.skip("NCO's ncap2 is not installed")
    monkeypatch.chdir(tmp_path)
    original = _unplaced(tmp_path / "mean.nc", dims)
    with pytest.raises(ClimannError) as raised:
        find_coordinate(open_dataset([tmp_path / "mean.nc"]), kind)
    message = str(raised.value)
    assert message.startswith(f"no {kind} coordinate found")
    # run as printed: the copy in a new folder, nothing beside mean.nc (fix53j)
    line = message if tool == "ncap2" else message.split("(or xarray: ", 1)[1]
    followed = run_one_copy(line, tmp_path, env={**os.environ, "PATH": shell_path()})
    assert without_guards(followed["command"]).startswith(
        f"mkdir -p positioned && {shell.advised_python() if tool == 'xarray' else tool} ")
    assert (followed["copy"], followed["original"]) == ("positioned/mean.nc", "mean.nc")
    assert sorted(os.listdir(tmp_path)) == ["mean.nc", "positioned"]
    _assert_placed(open_dataset([tmp_path / followed["copy"]]), original, dims, added)


def test_the_xarray_line_that_gives_a_position_writes_its_copy_whole_or_not_at_all(tmp_path, monkeypatch):
    """fix45m: the one-file xarray way out wrote mean_fixed.nc itself, and a write that failed half-way (xarray
    refusing tas's conflicting _FillValue NaN and missing_value -999 once the file was begun) left a 239-byte
    mean_fixed.nc that a glob then took as data. Now it writes mean_fixed.nc.part, renamed when whole: the failed
    line leaves no file."""
    monkeypatch.chdir(tmp_path)
    dataset = _unplaced(tmp_path / "good.nc", ("time", "lat"))
    dataset["tas"][0, 0] = np.nan
    dataset.to_netcdf(tmp_path / "conflicting.nc")  # tas's _FillValue NaN, as xarray writes it
    subprocess.run(["ncatted", "-O", "-a", "missing_value,tas,o,d,-999", "conflicting.nc"], check=True)
    with pytest.raises(ClimannError) as raised:
        find_coordinate(xr.open_dataset(tmp_path / "conflicting.nc"), "longitude")
    printed = ONE_COPY.search(str(raised.value).split("(or xarray: ", 1)[1])
    assert without_guards(printed["command"]).startswith(f"mkdir -p positioned && {shell.advised_python()} -c ")
    assert (printed["copy"], printed["original"]) == ("positioned/conflicting.nc", "conflicting.nc")  # fix56a
    # since fix47e the line writes that copy (the conflicting missing_value left to _FillValue); its failure is
    # now made at the end, a folder of the copy's name in the way of the rename: the whole .part is removed (the
    # line run past its guard, which refuses a copy there before the write begins)
    (tmp_path / "positioned" / "conflicting.nc").mkdir(parents=True)
    (tmp_path / "positioned" / "conflicting.nc" / "kept").write_text("")
    env = {**os.environ, "PATH": shell_path()}
    refused = subprocess.run(printed["command"], shell=True, capture_output=True, text=True, env=env)
    assert refused.returncode != 0 and "positioned/conflicting.nc is there already" in refused.stderr
    failed = subprocess.run(without_guards(printed["command"]), shell=True, capture_output=True, text=True, env=env)
    assert failed.returncode != 0 and "positioned/conflicting.nc" in failed.stderr
    assert sorted(os.listdir(tmp_path)) == ["conflicting.nc", "good.nc", "positioned"]
    assert os.listdir(tmp_path / "positioned") == ["conflicting.nc"]
    assert os.listdir(tmp_path / "positioned" / "conflicting.nc") == ["kept"]


@pytest.mark.parametrize(
    ("dims", "kind", "added"),
    [
        pytest.param(("time", "lat"), "longitude", ("lon",), id="zonal-mean"),
        pytest.param(("time",), "latitude", ("lat", "lon"), id="global-mean-series"),
    ],
)
def test_a_store_without_a_position_is_refused_with_an_xarray_line_that_gives_it_one(tmp_path, monkeypatch, dims,
                                                                                    kind, added):
    """fix32d: a Zarr store was given `ncap2 -s '…' mean.zarr mean_fixed.nc`, which NCO cannot read, and an
    xarray line that read it with open_dataset and wrote a NetCDF copy; now one xarray line that, run as
    printed, writes a store beside it with the scalar coordinates, read at one place with the values kept."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    original = _unplaced(tmp_path / "mean.nc", dims)
    original.to_zarr(tmp_path / "mean.zarr")
    with pytest.raises(ClimannError) as raised:
        find_coordinate(open_dataset([tmp_path / "mean.zarr"]), kind)
    message = str(raised.value)
    assert message.startswith(f"no {kind} coordinate found")
    assert "ncap2" not in message and "to_netcdf" not in message
    words = shlex.split(re.search(r"python -c .*$", message).group(0))
    assert words[:2] == ["python", "-c"] and len(words) == 3, message
    run_python("-c", words[2], check=True, capture_output=True)
    _assert_placed(open_dataset([tmp_path / "mean_fixed.zarr"]), original, dims, added)


def _assert_placed(fixed, original, dims, added):
    """The copy has lat and lon, each ``added`` one a scalar 0.0, and the values of ``original``."""
    assert {find_coordinate(fixed, "latitude"), find_coordinate(fixed, "longitude")} == {"lat", "lon"}
    for name in added:
        assert fixed.sizes[name] == 1 and fixed[name].values.tolist() == [0.0]
    for name in ("tas", "rsdt"):
        np.testing.assert_array_equal(fixed[name].transpose(*dims, ...).values.reshape(original[name].shape),
                                      original[name].values)


def test_no_position_is_advised_where_a_dimension_may_be_the_missing_one(tmp_path):
    """tas(time, lat, xc): xc, without a coordinate variable, may be the longitude under another name."""
    dataset = _unplaced(tmp_path / "unused.nc", ("time", "lat")).expand_dims(xc=2, axis=-1)
    with pytest.raises(ClimannError) as raised:
        find_coordinate(dataset, "longitude")
    assert str(raised.value).endswith("coordinates present: time, lat")


# --- tiled grids: lat-lon-cap (ECCO, MITgcm) and cubed sphere ---------------------------------------
def _lat_lon_cap(path, *, as_coordinates=True):
    """ECCO v4r4's native layout, small: SSH (time, tile, j, i), XC/YC (tile, j, i), the cell areas rA
    named by cell_measures; the index axes j, i hold 0, 1, 2… (what cf_xarray's guess takes for axes)."""
    import cftime

    rng = np.random.default_rng(31)
    n_tiles, n = 3, 4
    latitude = np.stack([np.linspace(-60 + 40 * k, -30 + 40 * k, n)[:, None] * np.ones((1, n)) for k in range(n_tiles)])
    longitude = np.stack([np.linspace(90 * k, 60 + 90 * k, n)[None, :] * np.ones((n, 1)) for k in range(n_tiles)])
    areas = 1e10 * np.cos(np.radians(latitude)) * (1 + 0.5 * rng.random(latitude.shape))
    times = [cftime.DatetimeGregorian(1992 + month // 12, month % 12 + 1, 16) for month in range(48)]
    ssh = rng.normal(0, 0.05, (48, n_tiles, n, n)) + np.cos(np.arange(48) * np.pi / 6)[:, None, None, None]
    positions = {"XC": (("tile", "j", "i"), longitude, {"units": "degrees_east", "standard_name": "longitude"}),
                 "YC": (("tile", "j", "i"), latitude, {"units": "degrees_north", "standard_name": "latitude"})}
    dataset = xr.Dataset(
        {"SSH": (("time", "tile", "j", "i"), ssh, {"units": "m", "coordinates": "XC YC time", "cell_measures": "area: rA"}),
         "rA": (("tile", "j", "i"), areas, {"units": "m2", "standard_name": "cell_area"})},
        coords={"time": ("time", times), "tile": ("tile", np.arange(n_tiles)), "j": ("j", np.arange(n)),
                "i": ("i", np.arange(n))})
    dataset = dataset.assign_coords(positions) if as_coordinates else dataset.assign(positions)
    dataset.to_netcdf(path, encoding={"time": {"units": "hours since 1992-01-01"}})
    return ssh, areas, [time.year for time in times]


@pytest.mark.parametrize("as_coordinates", [pytest.param(True, id="coordinates"),
                                            pytest.param(False, id="data-variables")])
def test_a_grid_of_tiles_is_refused_with_the_tile_to_choose_not_read_on_its_index_axes(tmp_path, as_coordinates):
    """Before: 'j' and 'i' (0, 1, 2…) were the latitude and longitude, 'every 1°' in info, and
    train blamed the cell measure rA for lying on (tile, j, i) (break15 F17)."""
    _lat_lon_cap(tmp_path / "SSH_llc.nc", as_coordinates=as_coordinates)
    dataset = open_dataset([tmp_path / "SSH_llc.nc"])
    for kind in ("latitude", "longitude"):
        with pytest.raises(ClimannError, match=r"^latitude 'YC' and longitude 'XC' lie on \('tile', 'j', 'i'\): a grid of "
                                               r"3 tiles \(along tile\) of 4 × 4 cells .*choose a tile with --select "
                                               r"tile=VALUE .*or regrid the tiles to a latitude-longitude grid"):
            find_coordinate(dataset, kind)
    assert find_coordinate(dataset, "time") == "time"


def test_one_tile_of_a_grid_of_tiles_is_a_curvilinear_grid_weighted_by_its_cell_measure(tmp_path, monkeypatch):
    """The way out the refusal gives: --select tile=1 trains on that tile, rA its weights
    (the climatology's test MSE by hand)."""
    import json

    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    ssh, areas, years = _lat_lon_cap(tmp_path / "SSH_llc.nc")
    arguments = ["train", "--data", str(tmp_path / "SSH_llc.nc"), "--target", "SSH", "--predictors", "",
                 "--epochs", "1"]
    refused = CliRunner().invoke(app, [*arguments, "--out", str(tmp_path / "all")])
    assert refused.exit_code == 2 and "choose a tile with --select tile=VALUE" in refused.output
    result = CliRunner().invoke(app, [*arguments, "--select", "tile=1", "--out", str(tmp_path / "tile1")])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "tile1" / "metrics.json").read_text())
    periods = metrics["split_periods"]
    values, weights, years = ssh[:, 1], areas[1], np.array(years)
    months = np.arange(48) % 12
    train = (years >= int(periods["train"][:4])) & (years <= int(periods["train"][-4:]))
    test = (years >= int(periods["test"][:4])) & (years <= int(periods["test"][-4:]))
    climatology = np.stack([values[train & (months == month)].mean(axis=0) for month in range(12)])
    errors = (values[test] - climatology[months[test]]) ** 2
    expected = (errors * weights).sum() / (weights.sum() * test.sum())
    assert metrics["splits"]["test"]["climatology"]["mse"] == pytest.approx(expected, rel=1e-6)


def test_the_corners_of_a_curvilinear_grids_cells_are_no_grid_of_tiles():
    """CMIP's vertices_latitude(j, i, vertices) in degrees_north, its bounds attribute lost:
    three dimensions, but no data variable lies on 'vertices'."""
    latitude = np.array([[10.0, 10.5], [11.0, 11.5]])
    corners = latitude[..., None] + np.array([-0.25, -0.25, 0.25, 0.25])
    dataset = xr.Dataset(
        {"tos": (("time", "j", "i"), np.zeros((2, 2, 2)), {"units": "degC"}),
         "vertices_latitude": (("j", "i", "vertices"), corners, {"units": "degrees_north"}),
         "vertices_longitude": (("j", "i", "vertices"), corners + 100, {"units": "degrees_east"})},
        coords={"time": ("time", [0.0, 1.0], {"units": "days since 2000-01-01", "standard_name": "time"}),
                "latitude": (("j", "i"), latitude, {"standard_name": "latitude", "units": "degrees_north"}),
                "longitude": (("j", "i"), latitude + 100, {"standard_name": "longitude", "units": "degrees_east"})})
    assert find_coordinate(dataset, "latitude") == "j" and find_coordinate(dataset, "longitude") == "i"


def test_a_place_given_at_each_time_step_is_read_as_that_point(tmp_path):
    """A mooring written from a table: ``lat(time)`` and ``lon(time)``, the same at every step.
    It was "an unstructured grid" to remap (and for a moment this session, positions that
    move); it is one place, read exactly as the same file with scalar ``lat`` and ``lon``."""
    rng = np.random.default_rng(2)
    time = ("time", 15.0 + 30.0 * np.arange(24), {"units": "days since 2000-01-01"})
    values = {"tas": ("time", 280 + rng.normal(size=24), {"units": "K"}),
              "x1": ("time", rng.normal(size=24), {"units": "1"})}
    lat, lon = {"units": "degrees_north"}, {"units": "degrees_east"}
    xr.Dataset(values, coords={"time": time, "lat": ("time", np.full(24, 45.0), lat),
                               "lon": ("time", np.full(24, -30.0), lon)}).to_netcdf(tmp_path / "mooring.nc")
    xr.Dataset(values, coords={"time": time, "lat": ((), 45.0, lat), "lon": ((), -30.0, lon)}
               ).to_netcdf(tmp_path / "point.nc")
    mooring, point = (open_dataset([tmp_path / name]) for name in ("mooring.nc", "point.nc"))
    for name in ("tas", "x1", "lat", "lon"):
        assert mooring[name].dims == point[name].dims
        np.testing.assert_array_equal(mooring[name].values, point[name].values)


def test_a_place_that_changes_in_time_is_left_for_the_refusal_of_moving_positions(tmp_path):
    """The same layout whose positions change (a ship's track without a featureType) is no point."""
    xr.Dataset({"sst": ("time", np.arange(6.0), {"units": "K"})},
               coords={"time": ("time", 6.0 * np.arange(6), {"units": "hours since 2010-01-01"}),
                       "lat": ("time", 30 + 0.1 * np.arange(6), {"units": "degrees_north"}),
                       "lon": ("time", np.full(6, -40.0), {"units": "degrees_east"})}).to_netcdf(tmp_path / "track.nc")
    with pytest.raises(ClimannError, match="positions move in time"):
        open_dataset([tmp_path / "track.nc"])


def _daily_file(day: int) -> xr.Dataset:
    """A daily file as opened undecoded: its time's units name its own day (xarray writes them so)."""
    return xr.Dataset({"tas": (("time", "lat"), [[280.0, 281.0]])},
                      coords={"time": ("time", [0.0], {"units": f"days since 2001-01-{day:02d} 00:00:00",
                                                       "calendar": "standard"}),
                              "lat": ("lat", [0.0, 1.0], {"units": "degrees_north"})})


def test_files_differing_only_in_their_times_reference_date_are_one_question():
    """A series of daily files, each with its own 'days since <its day>', is looked for once
    (issue 15: each file's coordinates were looked for anew through cf_xarray)."""
    from climann.data.coords import _found_coordinate

    _found_coordinate.answers.clear()
    assert find_coordinate(_daily_file(1), "latitude") == "lat"
    asked = len(_found_coordinate.answers)  # its latitude, and its time (a tiled grid is looked for first)
    for day in range(2, 6):
        assert find_coordinate(_daily_file(day), "latitude") == "lat"
    assert len(_found_coordinate.answers) == asked


def test_a_custom_criterion_on_time_units_still_reads_the_reference_date():
    """A cf_xarray criterion may be a pattern on the whole units: the reference date then counts."""
    import cf_xarray

    with cf_xarray.set_options(custom_criteria={"time": {"units": "days since 2001-01-05.*"}}):
        with pytest.raises(ClimannError, match="no time coordinate"):
            find_coordinate(_daily_file(6).rename(time="period"), "time")
        assert find_coordinate(_daily_file(5).rename(time="period"), "time") == "period"


def _write_xesmf_without_attributes(path, corners: str, *, flipped: bool = False):
    """xESMF's output whose target grid was built as xr.Dataset({'lat': (['y', 'x'], …)}): 2-D lat/lon
    without attributes, and cell corners of one more row and column under the name ``corners`` % kind."""
    edges_lat, edges_lon = np.array([-90.0, -30.0, 0.0, 30.0, 90.0]), np.arange(-180.0, 181.0, 60.0)
    lon, lat = np.meshgrid((edges_lon[1:] + edges_lon[:-1]) / 2, (edges_lat[1:] + edges_lat[:-1]) / 2)
    lon_b, lat_b = np.meshgrid(edges_lon, edges_lat)
    if flipped:
        lat = lat[::-1]
    xr.Dataset({"tas": (("time", "y", "x"), np.zeros((2, *lat.shape)), {"units": "K"})}, coords={
        "time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01"}),
        "lat": (("y", "x"), lat), "lon": (("y", "x"), lon),
        corners % "lat": (("y_b", "x_b"), lat_b), corners % "lon": (("y_b", "x_b"), lon_b),
    }).to_netcdf(path)
    return path


@pytest.mark.parametrize("corners, flipped", [
    pytest.param("%s_b", False, id="xesmf-corners"),
    pytest.param("%s_b", True, id="xesmf-corners-not-surrounding-the-centres"),
    pytest.param("%s_corners", False, id="corners-of-another-name"),
])
def test_2d_lat_lon_without_attributes_beside_cell_corners_are_refused_with_the_units_that_would(
        tmp_path, monkeypatch, corners, flipped):
    """break29b A4: the corners, 2-D too and named like a latitude and longitude, hid the advice. fix56a: its copy
    was written beside the file (xesmf_fixed.nc), which a glob over their folder took with it; run as printed, the
    line writes degrees/xesmf.nc alone, whose lat/lon are the file's values, now read as the grid's."""
    from climann.data.variables import grid_layout

    if shutil.which("ncatted") is None:
        pytest.skip("needs NCO's ncatted")
    monkeypatch.chdir(tmp_path)
    path = _write_xesmf_without_attributes(tmp_path / "xesmf.nc", corners, flipped=flipped)
    with pytest.raises(ClimannError, match=(
            r"^no latitude coordinate found .*; 'lat'/'lon' \(2-D on \('y', 'x'\)\) look like the grid's latitude and "
            r"longitude, but their units \(none/none\) do not say so .*mkdir -p degrees && ncatted -a "
            r"units,lat,o,c,degrees_north -a units,lon,o,c,degrees_east xesmf.nc degrees/xesmf.nc \(its copy in a new "
            r"folder\), then give --data degrees/xesmf.nc in place of xesmf.nc$")) as raised:
        grid_layout(open_dataset([path]), "tas", [])
    followed = run_one_copy(str(raised.value), tmp_path)
    assert (followed["copy"], followed["original"]) == ("degrees/xesmf.nc", "xesmf.nc")
    assert sorted(os.listdir(tmp_path)) == ["degrees", "xesmf.nc"]
    latitude, longitude = grid_layout(open_dataset(["degrees/xesmf.nc"]), "tas", []).geographic_coordinates()
    with xr.open_dataset(path) as original:
        np.testing.assert_array_equal(np.asarray(latitude), original["lat"].values)
        np.testing.assert_array_equal(np.asarray(longitude), original["lon"].values)


def _map_axes(path, y_attrs, x_attrs, *, positions=None):
    """``tas`` on 1-D ``y``/``x`` of 0, 1, 2 (and 0 … 3) with attributes ``y_attrs``/``x_attrs``,
    and, with ``positions``, 2-D ``lat``/``lon`` near 52°N 10°E with those attributes."""
    y, x = np.arange(3.0), np.arange(4.0)
    dataset = xr.Dataset({"tas": (("time", "y", "x"), np.full((2, 3, 4), 280.0), {"units": "K"})},
                         coords={"time": ("time", [0.0, 1.0], {"units": "days since 2000-01-01"}),
                                 "y": ("y", y, y_attrs), "x": ("x", x, x_attrs)})
    if positions is not None:
        dataset["lat"] = (("y", "x"), 52.0 + 0.01 * np.add.outer(y, 0 * x), positions)
        dataset["lon"] = (("y", "x"), 10.0 + 0.015 * np.add.outer(0 * y, x), positions)
    dataset.to_netcdf(path)
    return path


@pytest.mark.parametrize(("y_attrs", "x_attrs", "positions", "said", "fixed"), [
    pytest.param({}, {}, None, "'y' (no units) and 'x' (no units) are the grid's rows and columns", "y",
                 id="bare-y-x"),
    pytest.param({"axis": "Y"}, {"axis": "X"}, None, "'y' (no units) and 'x' (no units) are the grid's rows", "y",
                 id="axis-alone"),
    pytest.param({}, {}, {}, "'lat'/'lon' (2-D on ('y', 'x')) look like the grid's latitude and longitude", "lat",
                 id="2-d-lat-lon-without-units"),
    pytest.param({"units": "m"}, {"units": "m"}, None, "'y' (in m) and 'x' (in m) are the grid's rows and columns "
                 "(the y and x of a map projection), not a latitude", None, id="metres-without-a-grid-mapping"),
])
def test_rows_and_columns_not_in_degrees_are_not_taken_for_latitude_and_longitude(
        tmp_path, monkeypatch, y_attrs, x_attrs, positions, said, fixed):
    """fix37j: 1-D ``y``/``x`` of 0, 1, 2 with no units (found by their names, or by ``axis``
    alone) were read as latitudes 0°…2°, even beside the file's 2-D ``lat`` of 52°
    (``climann info``: "latitude 'y': 3 values, 0 to 2 … every 1°"); in metres without a grid
    mapping they were "data without a position (one station's series?)". The printed ncatted
    gives them the positions they have."""
    monkeypatch.chdir(tmp_path)
    path = _map_axes(tmp_path / "map.nc", y_attrs, x_attrs, positions=positions)
    with pytest.raises(ClimannError) as raised:
        find_coordinate(open_dataset([path]), "latitude")
    message = str(raised.value)
    assert said in message and "latitude 'y'" not in message and "station" not in message, message
    if fixed is None:
        assert "ncatted" not in message and "add a grid mapping" in message
        return
    if shutil.which("ncatted") is None:
        pytest.skip("needs NCO's ncatted")
    followed = run_one_copy(message, tmp_path)  # as printed (fix56a: map_fixed.nc was written beside map.nc)
    assert (followed["copy"], followed["original"]) == ("degrees/map.nc", "map.nc")
    assert sorted(os.listdir(tmp_path)) == ["degrees", "map.nc"]
    fixed_dataset = open_dataset([tmp_path / followed["copy"]])
    from climann.data.variables import grid_layout

    latitude, _ = grid_layout(fixed_dataset, "tas", ()).geographic_coordinates()
    expected = np.arange(3.0) if fixed == "y" else 52.0 + 0.01 * np.arange(3.0)
    np.testing.assert_allclose(np.asarray(latitude)[:, 0], expected)


def test_profiles_all_at_one_site_are_read_as_that_point(tmp_path):
    """break41b B7: a CF featureType=profile file whose lat(profile), lon(profile) never change
    (soundings at one site, on fixed depths z) was refused as "profiles, each at its own place";
    it is one place, read exactly as the same file with scalar lat and lon."""
    rng = np.random.default_rng(6)
    temp = ("time", "z"), 280 + rng.normal(size=(24, 3)), {"units": "K"}
    coords = {"time": ("time", 15.0 + 30.0 * np.arange(24), {"units": "days since 2000-01-01",
                                                              "standard_name": "time"}),
              "z": ("z", [0.0, 10.0, 20.0], {"standard_name": "depth", "units": "m", "positive": "down"})}
    lat, lon = {"units": "degrees_north"}, {"units": "degrees_east"}
    xr.Dataset({"temp": temp}, coords={**coords, "lat": ("time", np.full(24, 40.53), lat),
                                       "lon": ("time", np.full(24, -80.22), lon)},
               attrs={"featureType": "profile"}).to_netcdf(tmp_path / "site.nc")
    xr.Dataset({"temp": temp}, coords={**coords, "lat": ((), 40.53, lat), "lon": ((), -80.22, lon)}
               ).to_netcdf(tmp_path / "point.nc")
    site, point = (open_dataset([tmp_path / name]) for name in ("site.nc", "point.nc"))
    for name in ("temp", "lat", "lon"):
        assert site[name].dims == point[name].dims
        np.testing.assert_array_equal(site[name].values, point[name].values)


def _storm_box(path, *, moving: bool = True):
    """A storm-following box (SHIPS-like): latitude(time, y), longitude(time, x), the fields on
    (time, y, x); the box's centre moves 0.25° a step (or stays)."""
    rng = np.random.default_rng(7)
    centre = 15 + (0.25 * np.arange(8) if moving else np.zeros(8))
    offsets = np.array([-0.5, 0.0, 0.5])
    xr.Dataset({"vmax": (("time", "y", "x"), rng.normal(40, 5, (8, 3, 3)), {"units": "kt",
                                                                          "coordinates": "latitude longitude"})},
               coords={"time": ("time", 6.0 * np.arange(8), {"units": "hours since 2017-09-01",
                                                             "standard_name": "time"}),
                       "latitude": (("time", "y"), centre[:, None] + offsets, {"units": "degrees_north"}),
                       "longitude": (("time", "x"), -centre[:, None] + offsets, {"units": "degrees_east"})}
               ).to_netcdf(path)
    return path


def test_a_box_that_follows_a_storm_is_refused_as_a_moving_grid_with_a_way_out_that_works(tmp_path, monkeypatch):
    """break41b B5, B6: latitude(time, y), longitude(time, x) was "a curvilinear grid whose 2-D
    latitude and longitude do not match"; the moving-nest advice named cdo remapbil, which puts
    every step on the first step's grid. The box's own frame (the copy the line writes) opens."""
    monkeypatch.chdir(tmp_path)
    _storm_box(tmp_path / "box.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset(["box.nc"])
    message = str(error.value)
    assert message.startswith("box.nc: 'latitude' changes in time (at time step 1 counting from 0, 2017-09-01 "
                              "06:00:00, by up to 0.25 degrees_north): the grid moves")
    assert "interpolate each time step from its own grid to one fixed grid first" in message
    assert "cdo" not in message.lower()
    if shutil.which("ncks") is None or shutil.which("ncap2") is None:
        pytest.skip("NCO is not installed")
    # the line as printed, its guard against a file already there (fix51j) included, its copy in a new folder
    # (fix56a: box_relative.nc beside box.nc was taken with it by a glob over their folder)
    followed = run_one_copy(message, tmp_path)
    assert (followed["copy"], followed["original"]) == ("nominal_position/box.nc", "box.nc")
    assert sorted(os.listdir(tmp_path)) == ["box.nc", "nominal_position"]
    relative = open_dataset([followed["copy"]])
    assert relative["vmax"].sizes["y"] == 3 and relative["vmax"].sizes["x"] == 3
    np.testing.assert_array_equal(relative["vmax"].squeeze().values,
                                  xr.open_dataset("box.nc")["vmax"].values)


def test_a_box_given_at_each_step_that_never_moves_is_read_on_its_axes(tmp_path):
    """The same layout whose latitude and longitude are the same at every step is a fixed grid:
    lat(y), lon(x) of the first step."""
    _storm_box(tmp_path / "still.nc", moving=False)
    dataset = open_dataset([tmp_path / "still.nc"])
    np.testing.assert_allclose(dataset["vmax"]["latitude"].values, [14.5, 15.0, 15.5])
    np.testing.assert_allclose(dataset["vmax"]["longitude"].values, [-15.5, -15.0, -14.5])


def test_two_files_naming_both_2d_coordinates_otherwise_are_told_both_renames_in_the_file():
    """break43a A1: "give them one name (--rename 'FILE:latitude=lat' …)" named the latitude alone, though the
    longitudes differed too, and a FILE to fill in. The options name both, in the file each coordinate came from."""
    attrs = {"latitude": {"standard_name": "latitude"}, "longitude": {"standard_name": "longitude"}}
    values = np.arange(4.0).reshape(2, 2)
    dataset = xr.Dataset(coords={name: (("y", "x"), values, attrs["latitude" if name.startswith("lat") else "longitude"])
                                 for name in ("lat", "lon", "latitude", "longitude")})
    for name in ("latitude", "longitude"):
        dataset[name].encoding["source"] = "/data/nsidc/seaice_conc_monthly_nh.nc"
    with pytest.raises(ClimannError) as raised:
        find_coordinate(dataset, "latitude")
    assert str(raised.value).endswith("(--rename 'seaice_conc_monthly_nh.nc:latitude=lat' "
                                      "--rename 'seaice_conc_monthly_nh.nc:longitude=lon')")


def test_a_file_holding_two_grids_is_told_ncks_lines_that_split_it_as_printed(tmp_path, monkeypatch):
    """fix44d: "one copy per axis, e.g. ncks -v VARIABLES IN.nc OUT.nc" left the variables and files to fill in.
    The lines name them (tas on lat/lon, sst on latitude/longitude); run as printed, each copy has one latitude,
    opens, and holds its variable's values unchanged."""
    import re
    import shutil
    import subprocess

    if shutil.which("ncks") is None:
        pytest.skip("needs NCO")
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(5)
    y, x = np.meshgrid(np.arange(3.0), np.arange(4.0), indexing="ij")
    attrs = {"lat": {"standard_name": "latitude", "units": "degrees_north"},
             "lon": {"standard_name": "longitude", "units": "degrees_east"}}
    values = {name: rng.normal(280, 1, size=(2, 3, 4)) for name in ("tas", "sst")}
    xr.Dataset({"tas": (("time", "y", "x"), values["tas"], {"coordinates": "lat lon"}),
                "sst": (("time", "y", "x"), values["sst"], {"coordinates": "latitude longitude"})},
               coords={"time": ("time", [0.0, 1.0], {"units": "days since 2000-01-01"}),
                       "lat": (("y", "x"), 50 + y, attrs["lat"]), "lon": (("y", "x"), 5 + x, attrs["lon"]),
                       "latitude": (("y", "x"), 50 + y, attrs["lat"]), "longitude": (("y", "x"), 5 + x, attrs["lon"])},
               ).to_netcdf(tmp_path / "both.nc")
    with xr.open_dataset(tmp_path / "both.nc") as dataset, pytest.raises(ClimannError) as raised:
        find_coordinate(dataset, "latitude")
    message = str(raised.value)
    lines = re.findall(r"`([^`]+)`", message)
    assert [without_guards(line) for line in lines] == [
        "mkdir -p with_lat && ncks -v tas,lat,lon both.nc with_lat/both.nc",
        "mkdir -p with_latitude && ncks -v sst,latitude,longitude both.nc with_latitude/both.nc"]
    assert "then give --data with_lat/both.nc in place of both.nc" in message
    assert "then give --data with_latitude/both.nc in place of both.nc" in message
    for line in lines:  # as printed (fix56a: both_lat.nc, both_latitude.nc were written beside both.nc)
        subprocess.run(line, shell=True, check=True, capture_output=True)
    assert sorted(os.listdir(tmp_path)) == ["both.nc", "with_lat", "with_latitude"]
    for name, latitude in (("tas", "lat"), ("sst", "latitude")):
        with xr.open_dataset(tmp_path / f"with_{latitude}" / "both.nc") as copy:
            assert [each for each in copy.variables if copy[each].attrs.get("standard_name") == "latitude"] == [latitude]
            np.testing.assert_array_equal(copy[name].values, values[name])
        np.testing.assert_array_equal(open_dataset([tmp_path / f"with_{latitude}" / "both.nc"])[name].values,
                                      values[name])


def test_end_positions_beside_the_named_fixed_lat_lon_are_data_not_a_moving_grid(tmp_path):
    """break45c A1: an OSI-405 drift file's ``lat1``/``lon1(time, yc, xc)`` (where each displacement
    ends) beside the ``lat``/``lon`` that ``dX`` names in ``coordinates`` was refused as "the grid
    moves". The grid is the named one: its positions are the file's own lat/lon (compared with the raw
    arrays the file was written from), and lat1/lon1 stay data, value for value."""
    raw = ice_drift_dataset(end_positions=True)
    assert np.ptp(raw["lat1"].values, axis=0).max() > 0  # they do change in time
    raw.to_netcdf(tmp_path / "drift.nc")
    opened = open_dataset([tmp_path / "drift.nc"])
    assert opened["dX"]["lat"].dims == ("yc", "xc") and opened["dX"]["lon"].dims == ("yc", "xc")
    np.testing.assert_array_equal(opened["lat"].values, raw["lat"].values)
    np.testing.assert_array_equal(opened["lon"].values, raw["lon"].values)
    assert {"lat1", "lon1"} <= set(opened.data_vars)
    np.testing.assert_array_equal(opened["lat1"].values, raw["lat1"].values)


def test_the_way_out_of_a_moving_grid_never_overwrites_a_position_the_file_keeps(tmp_path, monkeypatch):
    """break45c A1: the refusal's ``ncap2 'lat=0.0;…;lon=0.0'`` replaced the file's real 2-D lat/lon with
    0, 0. When the variables do name the moving positions (so the refusal stands) and the file keeps
    fixed ``lat``/``lon`` too, the printed line only drops the moving ones; run, it leaves lat/lon as
    they were, compared with the raw arrays."""
    monkeypatch.chdir(tmp_path)
    raw = ice_drift_dataset(end_positions=True)
    for name in ("dX", "dY"):
        raw[name].attrs["coordinates"] = "lat1 lon1"
    raw.to_netcdf("drift.nc")
    with pytest.raises(ClimannError, match=r"^drift.nc: 'lat1' changes in time") as error:
        open_dataset(["drift.nc"])
    command = re.search(r"`([^`]*)`", str(error.value)).group(1)
    assert "ncap2" not in command and "lat=" not in command
    if shutil.which("ncks") is None:
        pytest.skip("NCO is not installed")
    followed = run_one_copy(str(error.value), tmp_path)  # as printed (fix56a: drift_relative.nc beside drift.nc)
    assert (followed["copy"], followed["original"]) == ("positions_dropped/drift.nc", "drift.nc")
    assert sorted(os.listdir(tmp_path)) == ["drift.nc", "positions_dropped"]
    with xr.open_dataset(followed["copy"]) as copy:
        assert "lat1" not in copy.variables and "lon1" not in copy.variables
        np.testing.assert_array_equal(copy["lat"].values, raw["lat"].values)
        np.testing.assert_array_equal(copy["lon"].values, raw["lon"].values)


def _write_mod08(path, month: int, *, y_units: str | None = "none", x_values=None) -> np.ndarray:
    """A MOD08_M3 month as netCDF-C reads the HDF-EOS file (break46c A4): dimensions 'YDim:mod08' and
    'XDim:mod08', the geolocation YDim (59.5 to 0.5) and XDim (-29.5 to 59.5) on them with units
    "none", the AOD packed in int16 (scale 0.001, _FillValue -9999); returns the AOD unpacked."""
    import netCDF4

    rng = np.random.default_rng(month)
    latitude, longitude = np.arange(59.5, 0, -10.0), np.arange(-29.5, 60, 15.0) if x_values is None else x_values
    packed = np.round((0.2 + 0.1 * rng.random((latitude.size, longitude.size))) / 0.001).astype("i2")
    packed[rng.random(packed.shape) < 0.15] = -9999
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("YDim:mod08", latitude.size)
        nc.createDimension("XDim:mod08", longitude.size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar = f"days since 2003-{month:02d}-01", "standard"
        time[:] = [0]
        for name, values, units in (("YDim", latitude, y_units), ("XDim", longitude, "none")):
            axis = nc.createVariable(name, "f4", (f"{name}:mod08",))
            axis[:] = values
            axis.long_name = name
            if units is not None:
                axis.units = units
        aod = nc.createVariable("AOD", "i2", ("time", "YDim:mod08", "XDim:mod08"), fill_value=np.int16(-9999))
        aod.set_auto_maskandscale(False)
        aod.scale_factor, aod.add_offset, aod.units = 0.001, 0.0, "none"
        aod[:] = packed[None]
    return np.where(packed == -9999, np.nan, packed * 0.001)


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO")
@pytest.mark.parametrize("y_units", [pytest.param("none", id="units-none"), pytest.param(None, id="no-units")])
def test_hdf_eos_axes_without_degrees_are_refused_with_the_ncatted_loop_that_reads_them(tmp_path, monkeypatch,
                                                                                      y_units):
    """break46c A4: MOD08_M3 as netCDF-C reads it (XDim/YDim on 'XDim:mod08'/'YDim:mod08', units "none") was
    refused "no latitude coordinate found" with no way out; never read as degrees silently, it is refused
    naming both axes, with the ncatted loop over the files that gives them degrees. Run as printed, the
    copies open with YDim as latitude and XDim as longitude, their values the files', and the AOD unpacked."""
    from climann.data.open import expand_paths

    monkeypatch.chdir(tmp_path)
    aod = np.stack([_write_mod08(tmp_path / f"MOD08_M3.A2003{month:02d}.061.nc", month, y_units=y_units)
                    for month in (1, 2, 3)])
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset(expand_paths(["MOD08_M3.A*.061.nc"]), variables=("AOD",)), "latitude")
    message = str(refused.value)
    assert message.startswith("no latitude coordinate read: 'YDim' (on 'YDim:mod08', 59.5 to 9.5, "
                              f"{'units' if y_units else 'no units'}"), message
    loop = re.search(r"(mkdir -p degrees && \( for f in \S+; do ncatted -a units,YDim,o,c,degrees_north -a "
                     r"units,XDim,o,c,degrees_east \"\$f\" degrees/\"\$\{f##\*/\}\" \|\| exit 1; done \)) \(a copy of each of its 3 "
                     r"files in a new folder\), then give --data ('degrees/\*\.nc') in place", message)
    assert loop, message
    subprocess.run(["bash", "-c", loop.group(1)], check=True, cwd=tmp_path, capture_output=True,
                   env={**os.environ, "PATH": shell_path()})
    opened = open_dataset(expand_paths(shlex.split(loop.group(2))), variables=("AOD",))
    assert find_coordinate(opened, "latitude") == "YDim" and find_coordinate(opened, "longitude") == "XDim"
    np.testing.assert_array_equal(opened["YDim"].values, np.arange(59.5, 0, -10.0))
    np.testing.assert_array_equal(opened["XDim"].values, np.arange(-29.5, 60, 15.0))
    np.testing.assert_allclose(opened["AOD"].transpose(..., "YDim", "XDim").values, aod, rtol=1e-6)


@pytest.mark.parametrize(("y_units", "x_values"), [
    pytest.param("km", None, id="y-in-km"),
    pytest.param("none", np.arange(100.0, 460, 60.0), id="x-beyond-360"),
])
def test_axes_named_like_hdf_eos_but_not_degrees_get_no_degrees_advice(tmp_path, y_units, x_values):
    """An XDim/YDim in km, or beyond a longitude's range, are no latitude and longitude: no ncatted that
    calls them degrees."""
    _write_mod08(tmp_path / "a.nc", 1, y_units=y_units, x_values=x_values)
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset([tmp_path / "a.nc"], variables=("AOD",)), "latitude")
    assert "named and valued like" not in str(refused.value)


def test_cordex_corners_beside_a_cdo_written_file_of_the_grid_stay_bounds(tmp_path):
    """break54c A4: a CORDEX file (2-D lat/lon, ``bounds = "lat_vertices"``) beside a file of the same grid written by
    CDO (its corners renamed ``lat_bnds``): the combined ``lat`` names one of them, and ``climann info`` listed
    lat_vertices/lon_vertices as variables with an extra dimension 'vertices' (``select = {vertices = 0}``). Both
    names are bounds now: info lists the corners among the metadata left out, tas and pr alone as variables, no
    extra dimension."""
    from climann.data.coords import bounds_names
    from climann.data.info import describe

    rng = np.random.default_rng(3)
    lat = 48.0 + 0.1 * np.arange(4)[:, None] + 0.01 * np.arange(5)[None, :]
    lon = 13.0 + 0.1 * np.arange(5)[None, :] + 0.01 * np.arange(4)[:, None]
    corners = np.stack([lat - 0.05, lat - 0.05, lat + 0.05, lat + 0.05], -1)
    corners_lon = np.stack([lon - 0.05, lon + 0.05, lon + 0.05, lon - 0.05], -1)
    days = pd.date_range("2006-01-01", periods=30, freq="D")
    for name, corner_name, variable in (("tas_cordex.nc", "vertices", "tas"), ("pr_cdo.nc", "bnds", "pr")):
        dataset = xr.Dataset(
            {variable: (("time", "rlat", "rlon"), rng.normal(size=(30, 4, 5)), {"units": "K" if variable == "tas" else "mm"}),
             f"lat_{corner_name}": (("rlat", "rlon", "vertices"), corners),
             f"lon_{corner_name}": (("rlat", "rlon", "vertices"), corners_lon)},
            coords={"time": ("time", days), "rlat": ("rlat", np.arange(4) * 0.11, {"standard_name": "grid_latitude"}),
                    "rlon": ("rlon", np.arange(5) * 0.11, {"standard_name": "grid_longitude"}),
                    "lat": (("rlat", "rlon"), lat, {"standard_name": "latitude", "units": "degrees_north",
                                                    "bounds": f"lat_{corner_name}"}),
                    "lon": (("rlat", "rlon"), lon, {"standard_name": "longitude", "units": "degrees_east",
                                                    "bounds": f"lon_{corner_name}"})})
        dataset.to_netcdf(tmp_path / name)
    opened = open_dataset([tmp_path / "tas_cordex.nc", tmp_path / "pr_cdo.nc"])
    assert {"lat_vertices", "lon_vertices", "lat_bnds", "lon_bnds"} <= bounds_names(opened)
    report = describe([str(tmp_path / "tas_cordex.nc"), str(tmp_path / "pr_cdo.nc")])
    assert "select = {vertices" not in report and "Extra dimensions: none" in report, report
    listed = [line.split()[1] for line in report.splitlines() if re.match(r"#   \w+ ", line)]
    assert "lat_vertices" not in listed and "lon_vertices" not in listed, report


def test_latitudes_of_rows_and_longitudes_of_columns_of_an_equal_area_grid_are_read_as_its_2d_positions(tmp_path):
    """break57b A1: SMOS L3 on EASE-2 with ``lat(y)``, ``lon(x)`` (CATDS, NSIDC) was refused as "not on latitude
    and longitude" with advice to regrid (xESMF), though the same grid with ``lat(y, x)``, ``lon(y, x)`` was read.
    The 1-D form is read as the 2-D one: the same positions (pyproj's) and the projection's equal cell areas."""
    from climann.data.variables import grid_layout

    _, lat, lon = ease2_smos(tmp_path / "rows.nc", two_dimensional=False)
    ease2_smos(tmp_path / "cells.nc", two_dimensional=True)
    rows, cells = open_dataset([tmp_path / "rows.nc"]), open_dataset([tmp_path / "cells.nc"])
    assert rows["lat"].dims == rows["lon"].dims == ("y", "x")
    np.testing.assert_allclose(rows["lat"].values, lat)
    np.testing.assert_allclose(rows["lon"].values, lon)
    weights = grid_layout(rows, "Soil_Moisture", []).cell_area_weights()
    np.testing.assert_allclose(weights, grid_layout(cells, "Soil_Moisture", []).cell_area_weights(), rtol=1e-12)
    np.testing.assert_allclose(weights, 1.0, rtol=1e-5)  # an equal-area projection's cells
