import logging

import numpy as np
import pytest
import xarray as xr

from climann.data.bounds_dimensions import extra_bounds_dimensions
from climann.data.info import describe
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.pointwise import PointwiseSource
from climann.data.subset import select_values
from climann.errors import ClimannError

#: A model's own latitude edges, not midway between the centres: areas from midpoints differ.
LATITUDE_EDGES = np.array([-90.0, -60.0, -40.0, -25.0, -10.0, 0.0, 10.0, 25.0, 40.0, 60.0, 90.0])
LONGITUDE_EDGES = np.array([0.0, 60.0, 180.0, 240.0, 360.0])

#: Days from 1990-01-01 (noleap) to the first of each month of a year.
MONTH_STARTS = np.array([0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334])


def _model_grid(path, members=(), *, shifted=False):
    """tas(*members, time, lat, lon) on :data:`LATITUDE_EDGES` × :data:`LONGITUDE_EDGES`, with
    lat_bnds and lon_bnds broadcast over ``members`` (name → labels), as xarray's
    ``expand_dims``/``concat`` and intake-esm stores give them; ``shifted``: the latitude
    bounds of the second label of the first member dimension moved by 1°."""
    lat_bnds = np.stack([LATITUDE_EDGES[:-1], LATITUDE_EDGES[1:]], axis=1)
    lon_bnds = np.stack([LONGITUDE_EDGES[:-1], LONGITUDE_EDGES[1:]], axis=1)
    lat, lon = lat_bnds.mean(axis=1), lon_bnds.mean(axis=1)
    shape = tuple(len(labels) for labels in members.values()) if members else ()
    member_dims = tuple(members)
    tas = 280.0 + np.random.default_rng(0).standard_normal((*shape, 24, lat.size, lon.size))
    lat_values = np.broadcast_to(lat_bnds, (*shape, *lat_bnds.shape)).copy()
    if shifted:
        lat_values[1, 1:-1] += 1.0
    xr.Dataset(
        {"tas": ((*member_dims, "time", "lat", "lon"), tas.astype(np.float32), {"units": "K"}),
         "lat_bnds": ((*member_dims, "lat", "bnds"), lat_values),
         "lon_bnds": ((*member_dims, "lon", "bnds"), np.broadcast_to(lon_bnds, (*shape, *lon_bnds.shape)))},
        coords={**{name: (name, labels) for name, labels in members.items()},
                "time": ("time", 15.0 + 30.0 * np.arange(24), {"units": "days since 2000-01-01",
                                                              "calendar": "360_day", "standard_name": "time"}),
                "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude", "bounds": "lat_bnds"}),
                "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude", "bounds": "lon_bnds"})},
    ).to_netcdf(path)
    return path


def _true_area_weights() -> np.ndarray:
    """(sin φ₂ − sin φ₁)(λ₂ − λ₁) of each cell, from the edges themselves, mean 1, shape (lat, lon)."""
    rows = np.diff(np.sin(np.deg2rad(LATITUDE_EDGES)))
    columns = np.diff(np.deg2rad(LONGITUDE_EDGES))
    areas = rows[:, None] * columns[None, :]
    return areas / areas.mean()


def _area_weights(dataset: xr.Dataset) -> np.ndarray:
    source = PointwiseSource(dataset, target="tas", predictors=(), features=("lat",))
    return source.layout.cell_area_weights()


@pytest.mark.parametrize("members", [
    pytest.param({}, id="plain"),
    pytest.param({"member_id": ["r1i1p1f1"]}, id="expand_dims-member_id"),
    pytest.param({"member_id": ["r1i1p1f1"], "dcpp_init_year": [np.nan]}, id="intake-esm-member_id-dcpp_init_year"),
])
def test_bounds_with_length_1_member_dimensions_give_the_areas_of_their_edges(tmp_path, members):
    dataset = open_dataset([_model_grid(tmp_path / "model.nc", members)])
    assert dataset["lat_bnds"].dims == ("lat", "bnds")
    np.testing.assert_allclose(_area_weights(dataset), _true_area_weights(), rtol=1e-6)


def test_bounds_that_differ_along_a_member_dimension_are_refused(tmp_path):
    path = _model_grid(tmp_path / "two_grids.nc", {"member_id": ["r1", "r2"]}, shifted=True)
    with pytest.raises(ClimannError) as caught:
        open_dataset([path])
    message = str(caught.value)
    assert "two_grids.nc" in message and "'lat_bnds'" in message and "'member_id'" in message
    assert "isel(member_id=[0])" in message and "ncks -d member_id,0" in message
    assert "\n" not in message


def _cesm_members(path, members=("r1",), n_years=2):
    """A CESM timeseries (stamped at each month's end, time_bnds = [start, end], noleap) of
    ``members`` joined by ``xr.concat(members, dim="member_id")``, which broadcasts the time
    bounds: ``time_bnds(member_id, time, nbnd)``."""
    start = np.concatenate([365 * year + MONTH_STARTS for year in range(n_years)]).astype(np.float64)
    end = np.append(start[1:], 365.0 * n_years)
    n_members = len(members)
    xr.Dataset(
        {"TREFHT": (("member_id", "time", "lat", "lon"), np.ones((n_members, start.size, 2, 3), np.float32),
                    {"units": "K"}),
         "time_bnds": (("member_id", "time", "nbnd"), np.repeat(np.stack([start, end], axis=1)[None], n_members, 0))},
        coords={"member_id": ("member_id", list(members)),
                "time": ("time", end, {"units": "days since 1990-01-01", "calendar": "noleap", "bounds": "time_bnds"}),
                "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east"})},
    ).to_netcdf(path)
    return path


@pytest.mark.parametrize("members, chosen", [
    pytest.param(("r1",), {}, id="one-member-kept-by-isel-member_id-[0]"),
    pytest.param(("r1", "r2"), {"member_id": "r2"}, id="two-members-one-selected"),
])
def test_time_bounds_with_a_member_dimension_date_month_end_stamps_by_their_cells(tmp_path, caplog, members, chosen):
    forget_notes()
    with caplog.at_level(logging.WARNING):
        dataset = select_values(open_dataset([_cesm_members(tmp_path / "cesm_member.nc", members)]), chosen)
    times = dataset["time"].values
    # January 1990, stamped 1990-02-01, is the cell of days 0 to 31: its middle is 1990-01-16 12:00
    assert (times[0].year, times[0].month, times[0].day, times[0].hour) == (1990, 1, 16, 12)
    assert [time.month for time in times] == list(range(1, 13)) * 2
    assert any("time stamps at the ends of their time_bnds cells" in record.getMessage() for record in caplog.records)


def test_info_dates_month_end_stamps_with_member_time_bounds_by_their_cells(tmp_path):
    report = describe([str(_cesm_members(tmp_path / "cesm_info.nc"))])
    assert "Time 'time': 1990-01-16 12:00 to 1991-12-16 12:00" in report


@pytest.mark.parametrize("bounds_dims, sizes, expected", [
    pytest.param(("lat", "bnds"), (3, 2), [], id="plain"),
    pytest.param(("member_id", "lat", "bnds"), (1, 3, 2), ["member_id"], id="member-first"),
    pytest.param(("member_id", "dcpp_init_year", "lat", "bnds"), (1, 1, 3, 2), ["member_id", "dcpp_init_year"],
                 id="intake-esm"),
    pytest.param(("lat", "bnds", "member_id"), (3, 2, 1), ["member_id"], id="member-after-the-vertices"),
    pytest.param(("bnds", "lat"), (2, 3), [], id="vertices-first"),
])
def test_extra_bounds_dimensions_are_those_beside_the_coordinates_and_the_vertices(bounds_dims, sizes, expected):
    latitude = xr.DataArray(np.zeros(3), dims="lat")
    bounds = xr.DataArray(np.zeros(sizes), dims=bounds_dims)
    assert extra_bounds_dimensions(latitude, bounds) == expected


def test_extra_bounds_dimensions_of_curvilinear_corners():
    latitude = xr.DataArray(np.zeros((2, 3)), dims=("y", "x"))
    corners = xr.DataArray(np.zeros((1, 2, 3, 4)), dims=("member_id", "y", "x", "nv"))
    assert extra_bounds_dimensions(latitude, corners) == ["member_id"]
