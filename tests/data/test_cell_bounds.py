import logging

import numpy as np
import pytest
import xarray as xr

from climann.data.cell_bounds import MADE_BOUNDS_KEY, absent_bounds, with_made_time_bounds, without_absent_bounds
from climann.data.notes import forget_notes
from climann.data.open import open_dataset


def _regular(path, *, dangling=()):
    """tas(time, plev, lat, lon) on a 3×4 grid with lat_bnds; ``dangling``: coordinates given a
    ``bounds`` attribute naming a variable the file does not hold."""
    lat, lon = np.array([-60.0, 0.0, 60.0]), np.array([0.0, 90.0, 180.0, 270.0])
    coords = {
        "time": ("time", np.arange(4.0), {"units": "days since 2000-01-01", "standard_name": "time"}),
        "plev": ("plev", [85000.0], {"units": "Pa", "standard_name": "air_pressure", "positive": "down"}),
        "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude", "bounds": "lat_bnds"}),
        "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"}),
    }
    for name in dangling:
        coords[name][2]["bounds"] = f"{name}_bnds"
    data = np.arange(48.0, dtype=np.float32).reshape(4, 1, 3, 4)
    xr.Dataset({"tas": (("time", "plev", "lat", "lon"), data, {"units": "K"}),
                "lat_bnds": (("lat", "nb"), np.stack([lat - 30, lat + 30], axis=1))}, coords=coords).to_netcdf(path)
    return path


def _curvilinear(path, *, dangling=False):
    """tas(time, y, x) on 2-D lat/lon without corners; ``dangling``: their ``bounds`` name
    ``lat_vertices`` and ``lon_vertices``, which the file does not hold."""
    y, x = np.meshgrid(np.arange(3.0), np.arange(4.0), indexing="ij")
    lat_attrs = {"units": "degrees_north", "standard_name": "latitude"}
    lon_attrs = {"units": "degrees_east", "standard_name": "longitude"}
    if dangling:
        lat_attrs["bounds"], lon_attrs["bounds"] = "lat_vertices", "lon_vertices"
    xr.Dataset(
        {"tas": (("time", "y", "x"), np.ones((2, 3, 4), np.float32), {"units": "K", "coordinates": "lat lon"})},
        coords={"time": ("time", [0.0, 1.0], {"units": "days since 2000-01-01", "standard_name": "time"}),
                "lat": (("y", "x"), 10 * y + x, lat_attrs), "lon": (("y", "x"), 20 * x + y, lon_attrs)},
    ).to_netcdf(path)
    return path


@pytest.mark.parametrize("dangling", [
    pytest.param(("time",), id="time"),
    pytest.param(("lon",), id="longitude"),
    pytest.param(("plev",), id="level"),
    pytest.param(("time", "lon", "plev"), id="all-three"),
])
def test_a_file_whose_bounds_attribute_names_an_absent_variable_opens_as_the_file_without(tmp_path, dangling):
    plain = open_dataset([_regular(tmp_path / "plain.nc")])
    read = open_dataset([_regular(tmp_path / "dangling.nc", dangling=dangling)])
    for name in dangling:
        assert "bounds" not in read[name].attrs
    assert read["lat"].attrs["bounds"] == "lat_bnds"  # bounds that are there are kept
    xr.testing.assert_identical(read.drop_encoding(), plain.drop_encoding())


def test_2d_coordinates_whose_corners_are_absent_open_as_those_without(tmp_path):
    plain = open_dataset([_curvilinear(tmp_path / "plain.nc")])
    read = open_dataset([_curvilinear(tmp_path / "dangling.nc", dangling=True)])
    assert "bounds" not in read["lat"].attrs and "bounds" not in read["lon"].attrs
    xr.testing.assert_identical(read.drop_encoding(), plain.drop_encoding())


def test_each_dropped_attribute_is_named_in_one_note(tmp_path, caplog):
    path = _regular(tmp_path / "noted.nc", dangling=("time", "plev"))
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann.data.cell_bounds"):
        open_dataset([path])
        open_dataset([path])
    said = [record for record in caplog.records if record.name == "climann.data.cell_bounds"]
    assert len(said) == 1 and said[0].levelno == logging.INFO
    assert "noted.nc" in said[0].getMessage()
    assert "'time' names 'time_bnds'" in said[0].getMessage() and "'plev' names 'plev_bnds'" in said[0].getMessage()


def test_the_opened_dataset_itself_is_left_unchanged():
    dataset = xr.Dataset(
        {"lat_bnds": (("lat", "nb"), [[0.0, 1.0]])},
        coords={"time": ("time", [0.0], {"bounds": "time_bnds"}), "lat": ("lat", [0.5], {"bounds": "lat_bnds"})},
    )
    assert absent_bounds(dataset) == {"time": "time_bnds"}
    result = without_absent_bounds(dataset)
    assert "bounds" not in result["time"].attrs and result["lat"].attrs["bounds"] == "lat_bnds"
    assert dataset["time"].attrs["bounds"] == "time_bnds"
    assert without_absent_bounds(result) is result


LATITUDE_EDGES = np.array([-90.0, -50.0, -10.0, 0.0, 30.0, 90.0])
LONGITUDE_EDGES = np.arange(0.0, 361.0, 60.0)


def _bounded(path, *, vertices_first: bool):
    """tas(time, lat, lon), monthly (noleap), with lat_bnds, lon_bnds and time_bnds whose vertex dimension
    ``bnds`` is last (CF 7.1) or, ``vertices_first``, first; the latitude edges are not midway between the
    centres, the time stamps at the end of each month (CESM's), so that bounds misread change the areas and dates."""
    import cftime

    lat, lon = (LATITUDE_EDGES[1:] + LATITUDE_EDGES[:-1]) / 2, (LONGITUDE_EDGES[1:] + LONGITUDE_EDGES[:-1]) / 2
    starts = [cftime.DatetimeNoLeap(2000 + k // 12, k % 12 + 1, 1) for k in range(37)]
    dims = ("bnds", "{}") if vertices_first else ("{}", "bnds")

    def bounds(edges, name):
        pairs = np.stack([edges[:-1], edges[1:]], axis=1)
        return tuple(dim.format(name) for dim in dims), pairs.T if vertices_first else pairs

    data = 280 + np.random.default_rng(1).standard_normal((36, lat.size, lon.size)).astype(np.float32)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), data, {"units": "K"}),
         "lat_bnds": bounds(LATITUDE_EDGES, "lat"), "lon_bnds": bounds(LONGITUDE_EDGES, "lon"),
         "time_bnds": bounds(np.array(starts, dtype=object), "time")},
        coords={"time": ("time", starts[1:], {"standard_name": "time", "bounds": "time_bnds"}),
                "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude", "bounds": "lat_bnds"}),
                "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude", "bounds": "lon_bnds"})})
    for name in ("time", "time_bnds"):
        dataset[name].encoding.update({"units": "days since 2000-01-01", "calendar": "noleap"})
    dataset.to_netcdf(path)
    return path


def test_bounds_with_their_vertex_dimension_first_are_read_as_those_with_it_last(tmp_path):
    """break29b A5b: lat_bnds(bnds, lat) passed info and failed late in train, blaming the time encoding."""
    first = open_dataset([_bounded(tmp_path / "first.nc", vertices_first=True)])
    last = open_dataset([_bounded(tmp_path / "last.nc", vertices_first=False)])
    assert first["lat_bnds"].dims == ("lat", "bnds") and first["time_bnds"].dims == ("time", "bnds")
    xr.testing.assert_identical(first.drop_encoding(), last.drop_encoding())


def test_bounds_with_their_vertex_dimension_first_weigh_and_date_the_cells_as_they_say(tmp_path):
    """The areas (sin φ₂ − sin φ₁)(λ₂ − λ₁) from the edges and the months from the time bounds, by hand."""
    from climann.data.variables import grid_layout

    layout = grid_layout(open_dataset([_bounded(tmp_path / "first.nc", vertices_first=True)]), "tas", [])
    areas = np.diff(np.sin(np.deg2rad(LATITUDE_EDGES)))[:, None] * np.deg2rad(np.diff(LONGITUDE_EDGES))[None, :]
    np.testing.assert_allclose(layout.cell_area_weights(), areas / areas.mean(), rtol=1e-12)
    middles = layout.season_times()
    assert [(t.year, t.month) for t in middles[:13]] == [(2000, m) for m in range(1, 13)] + [(2001, 1)]


def test_bounds_with_their_vertex_dimension_first_are_named_in_a_note_with_the_fix(tmp_path, caplog):
    forget_notes()
    with caplog.at_level(logging.INFO):
        open_dataset([_bounded(tmp_path / "first.nc", vertices_first=True)])
    assert ("first.nc: cell bounds read with their vertex dimension last, as CF 7.1 wants them ('time_bnds' "
            "('bnds', 'time') as ('time', 'bnds'), 'lat_bnds' ('bnds', 'lat') as ('lat', 'bnds'), 'lon_bnds' "
            "('bnds', 'lon') as ('lon', 'bnds')); to store them so: ncpdq -a time,lat,lon,bnds IN OUT, or in xarray: "
            "ds['time_bnds'] = ds['time_bnds'].transpose('time', 'bnds'); ds['lat_bnds'] = "
            "ds['lat_bnds'].transpose('lat', 'bnds'); ds['lon_bnds'] = ds['lon_bnds'].transpose('lon', 'bnds')") in caplog.text


def test_a_run_on_bounds_with_their_vertex_dimension_first_writes_its_predictions(tmp_path):
    """Before: train refused at the end, "predictions.nc could not be written with the input's time encoding"."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    config = build_config({"data": {"paths": [str(_bounded(tmp_path / "first.nc", vertices_first=True))],
                                    "target": "tas", "predictors": []},
                           "model": {"hidden": [2]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    written = xr.open_dataset(run_dir / "predictions.nc")
    assert written["lat_bnds"].dims == ("lat", "bnds")
    np.testing.assert_allclose(written["lat_bnds"].values, np.stack([LATITUDE_EDGES[:-1], LATITUDE_EDGES[1:]], 1))


def test_made_time_bounds_take_the_first_free_name_and_a_vertex_dimension_of_their_own():
    import cftime
    stamps = np.array([cftime.DatetimeNoLeap(2000, month, 1) for month in (1, 2, 3)], dtype=object)
    cells = np.stack([stamps, np.array([cftime.DatetimeNoLeap(2000, month, 1) for month in (2, 3, 4)])], axis=1)
    taken = xr.Dataset({"time_bnds": (("time", "bnds"), np.zeros((3, 3)))},  # a bnds of length 3 and the first name
                       coords={"time": ("time", stamps, {"standard_name": "time"})})
    made = with_made_time_bounds(taken, "time", cells, extra_key="why")
    assert made["time"].attrs["bounds"] == "time_bounds"
    assert made["time_bounds"].dims == ("time", "bnds_climann")
    assert list(made["time_bounds"].values[:, 1]) == list(cells[:, 1])
    assert made["time_bounds"].encoding == {MADE_BOUNDS_KEY: True, "extra_key": "why"}
    assert "bounds" not in taken["time"].attrs  # the opened dataset keeps its own attributes
    plain = with_made_time_bounds(taken.drop_vars("time_bnds"), "time", cells)
    assert plain["time"].attrs["bounds"] == "time_bnds" and plain["time_bnds"].dims == ("time", "bnds")
