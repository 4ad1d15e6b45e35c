"""CF station time series (featureType timeSeries, climann/data/stations.py): a file of one
station is that point, ``select`` picks one of several, and several left are refused with
advice for point data; each checked against the same values written with scalar lat/lon."""

from __future__ import annotations

import json
import logging
import os
import shlex
import shutil
import subprocess

import cftime

import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data import shell
from climann.data.subset import select_values
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.conftest import grid_dataset
from tests.fresh_python import bare_python, run_python, shell_path
from tests.followed_twice import run_one_copy, without_guards

#: Cells of grid_dataset(n_lat=4, n_lon=6) taken as the stations: (row, column).
CELLS = ((0, 1), (2, 2), (3, 5))
NAMES = ("BER", "PAR", "ROM")


def _point(grid: xr.Dataset, station: int) -> xr.Dataset:
    """One cell of ``grid`` with scalar lat and lon (the file climann already trains as a point)."""
    row, column = CELLS[station]
    return grid[["tas", "pred"]].isel(lat=row, lon=column)


def _stations(grid: xr.Dataset, which=(0, 1, 2), *, time_major: bool = False, feature_type: bool = True,
              coordinate: bool = False) -> xr.Dataset:
    """The cells ``which`` as a CF station file (CF 1.8 appendix H.2.1): ``tas(station, time)``,
    ``lat(station)``, ``lon(station)``, station names with cf_role timeseries_id; with
    ``coordinate`` the names are the station dimension's coordinate variable instead."""
    points = [_point(grid, index) for index in which]
    stations = xr.concat(points, dim="station", coords="all", compat="override")
    stations = stations.assign_coords(lat=("station", [float(p["lat"]) for p in points], grid["lat"].attrs),
                                      lon=("station", [float(p["lon"]) for p in points], grid["lon"].attrs))
    names = ("station", [NAMES[index] for index in which], {"cf_role": "timeseries_id"})
    stations = stations.assign_coords(station=names) if coordinate else stations.assign_coords(station_name=names)
    if time_major:
        stations = stations.transpose("time", "station")
    stations.attrs = {"Conventions": "CF-1.8", **({"featureType": "timeSeries"} if feature_type else {})}
    stations["time"].encoding.update(grid["time"].encoding)
    return stations


@pytest.fixture(scope="module")
def grid() -> xr.Dataset:
    return grid_dataset(n_years=4)


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param({}, id="station-major"),
        pytest.param({"time_major": True}, id="time-major"),
        pytest.param({"feature_type": False}, id="cf_role-only"),
    ],
)
def test_a_file_of_one_station_opens_as_its_point(tmp_path, grid, layout):
    _stations(grid, (1,), **layout).to_netcdf(tmp_path / "one.nc")
    _point(grid, 1).to_netcdf(tmp_path / "point.nc")
    one, point = open_dataset([tmp_path / "one.nc"]), open_dataset([tmp_path / "point.nc"])
    assert one["tas"].dims == point["tas"].dims == ("time", "lat", "lon")
    np.testing.assert_array_equal(one["tas"].values, point["tas"].values)
    np.testing.assert_array_equal(one["lat"].values, [grid["lat"].values[CELLS[1][0]]])
    np.testing.assert_array_equal(one["lon"].values, [grid["lon"].values[CELLS[1][1]]])


@pytest.mark.parametrize(
    ("coordinate", "value", "kept"),
    [
        pytest.param(False, 2, 2, id="by-index"),
        pytest.param(False, 2.0, 2, id="by-index-read-as-float"),
        pytest.param(True, "ROM", "ROM", id="by-coordinate-value"),
        pytest.param(False, "ROM", "ROM", id="by-name"),
    ],
)
def test_select_takes_that_station_of_several(tmp_path, grid, coordinate, value, kept):
    _stations(grid, coordinate=coordinate, time_major=True).to_netcdf(tmp_path / "stations.nc")
    opened = open_dataset([tmp_path / "stations.nc"], select={"station": value, "plev": 850})
    assert opened["tas"].dims == ("time", "lat", "lon")
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, 2)["tas"].values)
    np.testing.assert_array_equal(opened["lat"].values, [grid["lat"].values[CELLS[2][0]]])
    assert opened["station"].ndim == 0 and opened["station"].item() == kept  # predictions.nc says which


def _stored_names(stations: xr.Dataset, stored: str) -> xr.Dataset:
    """``stations`` with their names stored as NC_STRING (``"string"``), or as a CF char array
    (``char station_name(station, strlen)``) padded with blanks or NULs."""
    if stored == "string":
        return stations
    padding = b" " if stored == "char-blank-padded" else b"\0"
    names = np.array([name.encode().ljust(10, padding) for name in stations["station_name"].values], "S10")
    stations = stations.assign_coords(station_name=("station", names, {"cf_role": "timeseries_id"}))
    stations["station_name"].encoding.update(dtype="S1", char_dim_name="strlen")
    return stations


@pytest.mark.parametrize("stored", [
    pytest.param("string", id="NC_STRING"),
    pytest.param("char-blank-padded", id="char-array-blank-padded"),
    pytest.param("char-nul-padded", id="char-array-NUL-padded"),
])
@pytest.mark.parametrize("which", [pytest.param((0, 1, 2), id="selected"), pytest.param((2,), id="one-station-file")])
def test_the_stations_name_is_text_however_the_file_stores_it(tmp_path, grid, stored, which):
    """A CF char array (``char station_name(station, strlen)``, as many station files hold names)
    gave ``b'ROM       '`` in predictions.nc, where NC_STRING names gave ``'ROM'``."""
    _stored_names(_stations(grid, which), stored).to_netcdf(tmp_path / "stations.nc")
    if stored != "string":
        import netCDF4

        with netCDF4.Dataset(tmp_path / "stations.nc") as raw:  # the fixture is what it says
            assert raw["station_name"].dimensions == ("station", "strlen") and raw["station_name"].dtype == "S1"
    opened = open_dataset([tmp_path / "stations.nc"], select={"station": which.index(2)} if len(which) > 1 else None)
    assert opened["station_name"].ndim == 0 and opened["station_name"].values.item() == "ROM"
    assert opened["station_name"].attrs["cf_role"] == "timeseries_id"


def test_several_stations_left_are_refused_with_advice_for_points(tmp_path, monkeypatch, grid):
    monkeypatch.chdir(tmp_path)
    _stations(grid).to_netcdf(tmp_path / "stations.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "stations.nc"])
    message = str(error.value)
    assert "stations.nc holds 3 stations along 'station'" in message
    # the commands that take --select are named (break31a B4; info too since break36b B3)
    # fix45c: the first station by its name, not its index
    assert ("--select station=BER (climann info, train, evaluate or predict; [data] select = {station = \"BER\"} in a "
            "config; its index, 0 to 2; 0: BER, 1: PAR, 2: ROM, or its name (station_name))") in message
    assert "`ncks -d station,0 stations.nc stations_station0.nc`" in message
    assert "remap" not in message and "\n" not in message


def test_a_store_of_several_stations_is_refused_with_a_cut_that_runs_on_the_store(tmp_path, monkeypatch, grid):
    """fix32d: a Zarr store was given `ncks -d station,0 stations.zarr stations_station0.nc`, which NCO cannot
    read; now an xarray line that, run as printed, writes a copy of the store with the first station alone,
    which opens as that station's point."""
    import re

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    _stations(grid).to_zarr(tmp_path / "stations.zarr")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "stations.zarr"])
    message = str(error.value)
    assert "stations.zarr holds 3 stations along 'station'" in message and "ncks" not in message
    words = shlex.split(re.search(r'python -c "[^"]+"', message).group(0))
    assert words[:2] == ["python", "-c"] and len(words) == 3, message
    run_python("-c", words[2], check=True, cwd=tmp_path)
    one = open_dataset([tmp_path / "stations_fixed.zarr"])
    assert one["tas"].dims == ("time", "lat", "lon")
    np.testing.assert_array_equal(one["tas"].values[:, 0, 0], _point(grid, 0)["tas"].values)
    np.testing.assert_array_equal(one["lat"].values, [grid["lat"].values[CELLS[0][0]]])


@pytest.mark.parametrize(
    ("coordinate", "value", "expected"),
    [
        pytest.param(False, 3, "cannot select station=3 in stations.nc: 'station' has no coordinate variable, so a "
                               "station is chosen by its name or its index (0 to 2; 0: BER, 1: PAR, 2: ROM)",
                     id="index"),
        pytest.param(False, "OSL", "cannot select station=OSL in stations.nc: no station of that name (station_name: "
                               "BER, PAR, ROM); a station is chosen by its name or its index (0 to 2; 0: BER, 1: PAR, "
                               "2: ROM)", id="not-a-name"),
        pytest.param(True, "OSL", "cannot select station=OSL in stations.nc: not one of its 3 values (BER, PAR, ROM)",
                     id="value"),
    ],
)
def test_a_station_that_is_not_there_is_refused_naming_those_that_are(tmp_path, grid, coordinate, value, expected):
    _stations(grid, coordinate=coordinate).to_netcdf(tmp_path / "stations.nc")
    with pytest.raises(ClimannError, match="cannot select") as error:
        open_dataset([tmp_path / "stations.nc"], select={"station": value})
    assert expected in str(error.value)


def _numbered(grid: xr.Dataset, names: tuple[str, ...]) -> xr.Dataset:
    """The three stations of :func:`_stations` named by digits (WMO ids, DWD numbers), as text."""
    return _stations(grid).assign_coords(station_name=("station", list(names), {"cf_role": "timeseries_id"}))


@pytest.mark.parametrize(
    ("names", "typed", "station"),
    [
        pytest.param(("11035", "11240", "11010"), "station=11240", 1, id="WMO-id-read-as-a-number"),
        pytest.param(("11035", "11240", "11010"), 'station="11240"', 1, id="WMO-id-quoted"),
        pytest.param(("1", "2", "3"), 'station="2"', 1, id="quoted-name-not-the-index"),
        pytest.param(("1", "2", "3"), "station=3", 2, id="a-name-beyond-the-indices"),
        pytest.param(("1", "2", "3"), "station='1'", 0, id="TOML-literal-string"),
    ],
)
def test_a_station_named_by_digits_is_selected_by_its_name(tmp_path, grid, names, typed, station):
    """verify20 F3: --select station=11240 was refused as not an index though 11240 is a name,
    and the quoted form kept its quotes in the name."""
    from climann.workflow.config import parse_selection

    _numbered(grid, names).to_netcdf(tmp_path / "stations.nc")
    opened = open_dataset([tmp_path / "stations.nc"], select=parse_selection([typed]))
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, station)["tas"].values)
    assert opened["station_name"].values.item() == names[station] == opened["station"].values.item()


def test_a_number_that_is_one_stations_name_and_anothers_index_is_refused(tmp_path, grid):
    """verify20 F3: --select station=2 among stations named 1, 2, 3 took the index, the station named 3."""
    _numbered(grid, ("1", "2", "3")).to_netcdf(tmp_path / "stations.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "stations.nc"], select={"station": 2})
    assert str(error.value) == (
        "cannot select station=2 in stations.nc: it is both the name of the station of index 1 (station_name '2') "
        "and the index of another, named '3': choose by the name, quoted: --select 'station=\"2\"' for the first, "
        "--select 'station=\"3\"' for the second ([data] select = {station = \"2\"} in a config)")


def test_an_id_that_is_one_stations_id_and_anothers_index_names_both_stations(tmp_path, grid):
    """break38b C2: PSMSL's station_id (cf_role, integers) beside station_name: --select station=9 was refused as
    "the name of the station of index 2 (station_id '9') and the index of another, named '61'"; that station is
    GENOVA, 61 its id. Each station is now named by its name and its id; the quoted ids still choose them."""
    stations = _stations(grid).drop_vars("station_name").assign_coords(
        station_id=("station", np.array([61, 2, 9], "i4"), {"cf_role": "timeseries_id"}),
        station_name=("station", ["GENOVA", "CASCAIS", "CUXHAVEN II"], {"long_name": "station name"}))
    stations.to_netcdf(tmp_path / "stations.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "stations.nc"], select={"station": 2})
    assert str(error.value) == (
        "cannot select station=2 in stations.nc: it is both the station_id of the station of index 1, CASCAIS "
        "(station_id 2), and the index of another, CUXHAVEN II (station_id 9): choose by the station_id, quoted: "
        "--select 'station=\"2\"' for the first, --select 'station=\"9\"' for the second ([data] select = "
        "{station = \"2\"} in a config)")
    for typed, station in (("2", 1), ("9", 2)):
        assert open_dataset([tmp_path / "stations.nc"], select={"station": typed})["station_name"].values.item() == \
            ("GENOVA", "CASCAIS", "CUXHAVEN II")[station]


def _unmarked(grid: xr.Dataset, dim: str, *, names: bool) -> xr.Dataset:
    """The three stations without CF's marks (no featureType, no cf_role) on dimension ``dim``,
    with their names in a plain text variable ``station_name`` or without names."""
    unmarked = _stations(grid, feature_type=False)
    unmarked["station_name"].attrs = {"long_name": "station name"}
    unmarked = unmarked if names else unmarked.drop_vars("station_name")
    return unmarked if dim == "station" else unmarked.rename_dims(station=dim)


def _with_bounds(cells: xr.Dataset) -> xr.Dataset:
    """``cells`` with each point's corners (three vertices, CF §7.1), as a mesh's cells have."""
    dim = cells["lat"].dims[0]
    for name in ("lat", "lon"):
        corners = cells[name].values[:, None] + np.array([-0.5, 0.0, 0.5])
        cells[f"{name}_bnds"] = ((dim, "nv"), corners)
        cells[name].attrs["bounds"] = f"{name}_bnds"
    return cells


def _with_connectivity(cells: xr.Dataset) -> xr.Dataset:
    """``cells`` with an integer table of each cell's vertices (ICON's ``vertex_of_cell``)."""
    dim = cells["lat"].dims[0]
    return cells.assign(vertex_of_cell=(("nv", dim), np.arange(3 * cells.sizes[dim], dtype=np.int32).reshape(3, -1)))


@pytest.mark.parametrize("cells", [
    pytest.param(lambda grid: _unmarked(grid, "ncells", names=False), id="unnamed-points-on-ncells"),
    pytest.param(lambda grid: _with_bounds(_unmarked(grid, "station", names=True)), id="with-cell-bounds"),
    pytest.param(lambda grid: _with_connectivity(_unmarked(grid, "station", names=True)), id="with-connectivity"),
])
def test_cells_of_an_unstructured_grid_are_still_refused_as_one(tmp_path, grid, cells):
    """lat and lon on one dimension without a station's marks, or with a mesh's: an unstructured
    grid (remap it)."""
    cells(grid).to_netcdf(tmp_path / "cells.nc")
    with pytest.raises(ClimannError, match="the grid is unstructured"):
        open_dataset([tmp_path / "cells.nc"])


@pytest.mark.parametrize("dim, names, evidence", [
    pytest.param("station", False, "stations by the dimension's name, 'station', with no cell bounds or mesh",
                 id="dimension-named-station"),
    pytest.param("buoy", True, "stations by the dimension's name, 'buoy', with no cell bounds or mesh",
                 id="dimension-named-buoy"),
    pytest.param("point", True, "stations named in 'station_name', with no cell bounds or mesh", id="named-points"),
])
def test_stations_without_cf_marks_are_read_as_stations(tmp_path, grid, dim, names, evidence):
    """WAVEWATCH III's point output without DSG markers: `info` called it an unstructured grid and
    advised `cdo remapcon` while `--select station=3` trained (rerun34)."""
    _unmarked(grid, dim, names=names).to_netcdf(tmp_path / "unmarked.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "unmarked.nc"])
    assert str(error.value).startswith(f"unmarked.nc holds 3 stations along '{dim}' ({evidence}), and climann trains "
                                       f"on a grid or on one place")
    assert f"choose one station with --select {dim}={'BER' if names else 0} " in str(error.value)  # fix45c: by name
    assert "remap" not in str(error.value)
    opened = open_dataset([tmp_path / "unmarked.nc"], select={dim: 2})
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, 2)["tas"].values)


def _river_network(grid: xr.Dataset, dim: str, identifiers: str | None) -> xr.Dataset:
    """The three stations as mizuRoute writes its reaches: no names or CF marks, on dimension
    ``dim``, with an int64 identifier variable named ``identifiers`` (``reachID(seg)``) or none."""
    reaches = _unmarked(grid, dim, names=False)
    if identifiers is not None:
        reaches[identifiers] = ((dim,), np.arange(3, dtype=np.int64) * 1000 + 71000000123, {"long_name": "reach ID"})
    return reaches


@pytest.mark.parametrize("dim, identifiers, evidence", [
    pytest.param("seg", "reachID", "river-network points by the dimension's name, 'seg', with no cell bounds or mesh",
                 id="mizuRoute-seg-reachID"),
    pytest.param("hru", None, "river-network points by the dimension's name, 'hru', with no cell bounds or mesh",
                 id="catchments-hru"),
    pytest.param("point", "hruId", "river-network points identified by 'hruId', with no cell bounds or mesh",
                 id="integer-hruId"),
    pytest.param("n", "seg_id", "river-network points identified by 'seg_id', with no cell bounds or mesh",
                 id="integer-seg_id"),
])
def test_river_network_points_are_chosen_as_stations_not_remapped(tmp_path, grid, dim, identifiers, evidence):
    """mizuRoute's reaches on `seg` with lat/lon per reach were told to be remapped with `cdo
    remapcon,r360x180` while `--select seg=3` trained the reach (break35a A3)."""
    _river_network(grid, dim, identifiers).to_netcdf(tmp_path / "reaches.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "reaches.nc"])
    assert str(error.value).startswith(f"reaches.nc holds 3 stations along '{dim}' ({evidence}), and climann trains "
                                       f"on a grid or on one place")
    assert f"choose one station with --select {dim}=0 " in str(error.value)
    assert "remap" not in str(error.value)
    opened = open_dataset([tmp_path / "reaches.nc"], select={dim: 2})
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, 2)["tas"].values)
    np.testing.assert_array_equal(opened["lat"].values, [grid["lat"].values[CELLS[2][0]]])


def _counties(grid: xr.Dataset, dim: str = "county") -> xr.Dataset:
    """The three stations as xarray writes a pandas table of county yields (break43d A4): no CF marks
    or names, on ``dim`` whose coordinate variable is the counties' integer FIPS codes."""
    counties = _unmarked(grid, dim, names=False)
    return counties.assign_coords({dim: (dim, np.array([19001, 19003, 19005]), {"long_name": "county FIPS code"})})


@pytest.mark.parametrize("dim", [pytest.param("county", id="county-FIPS"), pytest.param("plot", id="field-plots"),
                                 pytest.param("n", id="any-name")])
def test_points_without_cell_bounds_or_mesh_are_a_point_list_not_an_unstructured_grid(tmp_path, grid, dim):
    """break43d A4: NASS county yields on `county` (FIPS codes), lat/lon centroids per county, were called
    an unstructured grid and advised `cdo remapcon,r360x180`, which aborts ("Source grid cell corner
    coordinates missing!"). One latitude and longitude per index with no cell bounds or mesh are points:
    chosen one by one as stations are, by their FIPS code; the chosen county is that county's values."""
    _counties(grid, dim).to_netcdf(tmp_path / "nass.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "nass.nc"])
    message = str(error.value)
    assert message.startswith(f"nass.nc holds 3 stations along '{dim}' (points, one latitude and longitude per "
                              f"'{dim}', with no cell bounds or mesh), and climann trains on a grid or on one place")
    assert f"choose one station with --select {dim}=19001 " in message
    assert "remap" not in message and "unstructured" not in message
    opened = open_dataset([tmp_path / "nass.nc"], select={dim: 19005})
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, 2)["tas"].values)
    np.testing.assert_array_equal(opened["lat"].values, [grid["lat"].values[CELLS[2][0]]])


@pytest.mark.parametrize("dim", ["ncells", "nCells", "nod2", "ncol", "values", "nMesh2_face", "cell"])
def test_a_mesh_named_dimension_without_corners_stays_an_unstructured_grid(tmp_path, grid, dim):
    """The cells of ICON, MPAS, FESOM, CAM-SE, a cfgrib reduced Gaussian grid or a UGRID mesh, whose corners
    are in the model's grid file, are cells, not points."""
    _counties(grid, dim).to_netcdf(tmp_path / "cells.nc")
    with pytest.raises(ClimannError, match="the grid is unstructured"):
        open_dataset([tmp_path / "cells.nc"])


@pytest.mark.parametrize("cells", [
    pytest.param(lambda grid: _river_network(grid, "nCells", None).assign(
        indexToCellID=(("nCells",), np.arange(1, 4, dtype=np.int32))), id="MPAS-indexToCellID"),
    pytest.param(lambda grid: _with_connectivity(_river_network(grid, "seg", "reachID")), id="seg-with-connectivity"),
    pytest.param(lambda grid: _with_bounds(_river_network(grid, "ncells", "reachID")), id="reachID-with-cell-bounds"),
])
def test_a_mesh_with_integer_cell_numbers_is_still_unstructured(tmp_path, grid, cells):
    """The river-network rule (break35a A3) takes neither a mesh's cell numbers nor points with a
    mesh's connectivity or cell bounds for reaches."""
    cells(grid).to_netcdf(tmp_path / "cells.nc")
    with pytest.raises(ClimannError, match="the grid is unstructured"):
        open_dataset([tmp_path / "cells.nc"])


def test_info_of_stations_without_cf_marks_gives_the_select_not_a_remap(tmp_path, grid):
    """`climann info` of WAVEWATCH III's point output without DSG markers advised `cdo remapcon` (rerun34)."""
    from typer.testing import CliRunner

    from climann.cli import app

    _positions_at_each_step(_unmarked(grid, "station", names=True)).to_netcdf(tmp_path / "ww3.nc")
    result = CliRunner().invoke(app, ["info", str(tmp_path / "ww3.nc")])
    assert result.exit_code == 0, result.output  # described, its first station proposed (break36b B3)
    text = " ".join(line.lstrip("# ") for line in result.stdout.splitlines())
    assert ("Stations: 3 along 'station' in ww3.nc (stations by the dimension's name, 'station', with no cell "
            "bounds or mesh)") in text
    assert 'select = {station = "BER"}' in result.stdout and "remap" not in result.output  # fix45c: by name


def _positions_at_each_step(stations: xr.Dataset) -> xr.Dataset:
    """``stations`` with ``lat``/``lon`` given at each time step, data variables of (time, station)
    with a fill value, as WAVEWATCH III's ``ww3_ounp`` writes its point output."""
    moved = stations.copy()
    for name in ("lat", "lon"):
        position = stations[name].broadcast_like(stations["time"]).transpose("time", "station")
        moved = moved.drop_vars(name).assign({name: position.reset_coords(drop=True)})
        moved[name].attrs = dict(stations[name].attrs)
        moved[name].encoding = {"_FillValue": np.float32(9.96921e36), "dtype": "float32"}
    return moved


@pytest.mark.parametrize("time_major", [pytest.param(True, id="time-station"), pytest.param(False, id="station-time")])
def test_positions_given_at_each_time_step_that_never_change_are_the_stations(tmp_path, grid, time_major):
    """latitude(time, station) (WAVEWATCH III's point spectra) crashed as a 2-D grid (break34b A2)."""
    stations = _stations(grid, time_major=time_major)
    stations.to_netcdf(tmp_path / "fixed.nc")
    moved = _positions_at_each_step(stations)
    assert moved["lat"].dims == ("time", "station") and "lat" in moved.data_vars
    moved.to_netcdf(tmp_path / "each_step.nc")
    opened = open_dataset([tmp_path / "each_step.nc"], select={"station": 2})
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, 2)["tas"].values)
    np.testing.assert_array_equal(opened["lat"].values, [grid["lat"].values[CELLS[2][0]]])
    np.testing.assert_array_equal(opened["lon"].values, [grid["lon"].values[CELLS[2][1]]])
    with pytest.raises(ClimannError, match=r"^each_step.nc holds 3 stations along 'station'"):
        open_dataset([tmp_path / "each_step.nc"])


def _one_moving(grid: xr.Dataset, moving: int, *, latitude_by: float = 0.5, longitude_by: float = 0.0,
                start: float | None = None) -> xr.Dataset:
    """The three stations with positions at each time step, station ``moving`` drifting from
    its 6th month on: its latitude by ``latitude_by`` in steps to the end (a drift, not one jump),
    its longitude by ``longitude_by`` (from ``start`` when given, in -180 … 180)."""
    moved = _positions_at_each_step(_stations(grid, time_major=True))
    n_time = moved.sizes["time"]
    for name, by in (("lat", latitude_by), ("lon", longitude_by)):
        values = moved[name].values.copy()
        if start is not None and name == "lon":
            values[:, moving] = start
        values[5:, moving] += np.linspace(by / (n_time - 5), by, n_time - 5)
        if start is not None and name == "lon":
            values = (values + 180.0) % 360.0 - 180.0  # stored in -180 … 180: 179.5, then -179.5
        moved[name] = moved[name].copy(data=values)
    return moved


def test_stations_whose_positions_move_in_time_are_refused_with_a_copy_of_their_mean_position(
        tmp_path, monkeypatch, grid):
    monkeypatch.chdir(tmp_path)
    moved = _one_moving(grid, 1)
    latitude = moved["lat"].values.copy()
    moved.to_netcdf(tmp_path / "moving.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "moving.nc"], select={"station": 1})
    message = str(error.value)
    assert message.startswith("moving.nc: the positions 'lat' and 'lon' are given at each time step of each station, "
                              "and the station chosen, station PAR (index 1), moves: over the record (")
    assert "changing first at time step 5 counting from 0 (" in message and "\n" not in message
    command = message.split("in a copy: ", 1)[1].split("; a platform that travels", 1)[0]
    run_python(*shlex.split(command)[1:], check=True)
    opened = open_dataset([tmp_path / "moving_fixed.nc"], select={"station": 1})
    np.testing.assert_allclose(opened["lat"].values, [latitude[:, 1].astype(np.float32).mean()], rtol=1e-6)
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, 1)["tas"].values)


def _spans(values: np.ndarray) -> str:
    """``spans LOW to HIGH``, as the refusal writes a position's range (6 significant digits)."""
    return f"spans {float(values.min()):.6g} to {float(values.max()):.6g}"


@pytest.mark.parametrize("select", [pytest.param({"station": 1}, id="the-moving-one-chosen"),
                                    pytest.param(None, id="none-chosen")])
def test_a_moving_station_is_refused_with_its_whole_drift(tmp_path, grid, select):
    """The refusal said "'latitude' by up to 0.00274 degree_north", the first step's move of a buoy
    that drifted 3° (rerun34 F2): it names the range over the whole record."""
    moved = _one_moving(grid, 1, latitude_by=3.0, longitude_by=-2.0)
    moved.to_netcdf(tmp_path / "moving.nc")
    latitude, longitude = (moved[name].values[:, 1].astype(np.float32).astype(np.float64) for name in ("lat", "lon"))
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "moving.nc"], select=select)
    message = str(error.value)
    drift = (f"'lat' {_spans(latitude)} degrees_north ({float(np.ptp(latitude)):.6g} degrees_north) and "
             f"'lon' {_spans(longitude)} degrees_east ({float(np.ptp(longitude)):.6g} degrees_east)")
    assert drift in message
    assert f"({float(np.ptp(latitude)):.6g} degrees_north)" == "(3 degrees_north)"
    chosen = "the station chosen, station PAR (index 1)," if select else "station PAR (index 1)"
    assert f"of each station, and {chosen} moves: over the record" in message
    # none chosen: the stations that keep their place are the way out, by their names (fix41d: their indices)
    assert ("2 of its stations keep their place and can be trained on one at a time with --select station=BER "
            "(BER, ROM)" in message) is (select is None)
    if select is None:  # the advice, taken: BER's series
        chosen = message.split("--select station=", 1)[1].split(" ", 1)[0]
        opened = open_dataset([tmp_path / "moving.nc"], select={"station": chosen})
        np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, 0)["tas"].values)


def test_a_drift_across_the_antimeridian_is_its_few_degrees(tmp_path, grid):
    """A buoy drifting from 179° E to 179° W moves 2°, not 358°."""
    moved = _one_moving(grid, 1, longitude_by=2.0, start=179.0)
    moved.to_netcdf(tmp_path / "dateline.nc")
    with pytest.raises(ClimannError, match=r"'lon' spans 179 to 181 degrees_east \(2 degrees_east\)"):
        open_dataset([tmp_path / "dateline.nc"], select={"station": 1})


@pytest.mark.parametrize("chosen", [pytest.param(0, id="station-0"), pytest.param(2, id="station-2")])
def test_a_fixed_station_beside_a_moving_one_opens_with_the_files_values(tmp_path, grid, chosen):
    """One drifting buoy made every station of the file refused, also the one selected (rerun34 F2)."""
    _one_moving(grid, 1, latitude_by=3.0, longitude_by=-2.0).to_netcdf(tmp_path / "moving.nc")
    opened = open_dataset([tmp_path / "moving.nc"], select={"station": chosen})
    row, column = CELLS[chosen]
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, chosen)["tas"].values)
    np.testing.assert_array_equal(opened["lat"].values, [np.float32(grid["lat"].values[row])])
    np.testing.assert_array_equal(opened["lon"].values, [np.float32(grid["lon"].values[column])])


def test_a_fixed_station_beside_a_moving_one_trains_as_its_point(tmp_path, grid, station_runs):
    moved = _one_moving(grid, 2, latitude_by=3.0)
    moved["lat"].encoding, moved["lon"].encoding = {}, {}  # float64, as the station file's
    moved.to_netcdf(tmp_path / "moving.nc")
    run = _train(tmp_path / "moving.nc", tmp_path / "run", select={"station": 1})
    assert _scores(run) == _scores(station_runs["selected"])


def _train(path, run_dir, **data):
    config = build_config({
        "data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"], "lags": {"tas": [1]}, **data},
        "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False},
    })
    return run_training(config, run_dir=run_dir).run_dir


def _scores(run_dir):
    metrics = json.loads((run_dir / "metrics.json").read_text())
    return {key: metrics[key] for key in ("splits", "seasons", "n_samples", "area_weighted")}


@pytest.fixture(scope="module")
def station_runs(tmp_path_factory, grid):
    folder = tmp_path_factory.mktemp("stations")
    _point(grid, 1).to_netcdf(folder / "point.nc")
    _stations(grid, (1,)).to_netcdf(folder / "one.nc")
    _stations(grid).to_netcdf(folder / "stations.nc")
    return {
        "point": _train(folder / "point.nc", folder / "run_point"),
        "one": _train(folder / "one.nc", folder / "run_one"),
        "selected": _train(folder / "stations.nc", folder / "run_selected", select={"station": 1}),
    }


@pytest.mark.parametrize("name", [pytest.param("one", id="one-station-file"),
                                  pytest.param("selected", id="station-1-of-3")])
def test_a_station_trains_exactly_as_its_point_file(station_runs, name):
    station, point = _scores(station_runs[name]), _scores(station_runs["point"])
    assert station == point
    assert station["splits"]["test"]["model"]["n_samples"] == 12


def _spectra(grid: xr.Dataset, frequency_attrs: dict) -> xr.Dataset:
    """The station file with a wave spectrum beside it, ``efth(time, station, frequency)``, whose
    frequency coordinate has ``frequency_attrs`` (WAVEWATCH III writes ``axis = "Y"``)."""
    stations = _stations(grid, time_major=True)
    frequency = xr.DataArray([0.05, 0.1, 0.2], dims="frequency", attrs=frequency_attrs)
    stations = stations.assign_coords(frequency=frequency)
    stations["efth"] = (stations["tas"] * 0.0 + frequency).transpose("time", "station", "frequency")
    stations["efth"].attrs = {"units": "m2 s"}
    return stations


@pytest.mark.parametrize("frequency", [
    pytest.param({"units": "s-1"}, id="units-s-1"),
    pytest.param({"units": "Hz"}, id="units-Hz"),
    pytest.param({"standard_name": "sea_surface_wave_frequency"}, id="standard-name"),
])
def test_a_frequency_with_axis_y_is_no_latitude_and_trains_as_without_it(tmp_path, grid, station_runs, frequency,
                                                                          caplog):
    """WAVEWATCH III's ``frequency:axis = "Y"`` was taken for the latitude of a station chosen (break34b A3)."""
    _spectra(grid, {**frequency, "axis": "Y"}).to_netcdf(tmp_path / "spectra.nc")
    with caplog.at_level(logging.INFO, logger="climann.data.coords"):
        run = _train(tmp_path / "spectra.nc", tmp_path / "run", select={"station": 1})
    assert _scores(run) == _scores(station_runs["selected"])
    notes = [record.getMessage() for record in caplog.records]
    assert any("'frequency' has axis = \"Y\" but is a frequency by its" in note and "not a latitude" in note
               for note in notes)


@pytest.mark.parametrize("stored", [pytest.param("string", id="NC_STRING"),
                                    pytest.param("char-blank-padded", id="char-array")])
def test_a_station_chosen_by_its_index_is_named_by_its_id_in_train_log(tmp_path, grid, stored):
    """fix41d: a run on station 1 of BER, PAR, ROM (``--select station=1``) named no station in
    train.log, whose only trace of it was the index in the command line: its data line and its
    "no maps" line now name it by its stored id (``cf_role = "timeseries_id"``), PAR."""
    _stored_names(_stations(grid), stored).to_netcdf(tmp_path / "stations.nc")
    config = build_config({
        "data": {"paths": [str(tmp_path / "stations.nc")], "target": "tas", "predictors": ["pred"],
                 "select": {"station": 1}},
        "model": {"hidden": [4]}, "training": {"epochs": 1},
    })
    log = (run_training(config, run_dir=tmp_path / "run").run_dir / "train.log").read_text()
    assert "target tas (K), 1×1 grid (station PAR), 48 time steps" in log
    assert "no maps: the grid is one cell, station PAR (" in log


def test_the_selected_stations_predictions_say_which_station_they_are(station_runs, grid, tmp_path):
    """fix41k: the run on ``--select station=1`` (PAR of BER, PAR, ROM) wrote ``station = 1``, its
    index, where ``predict`` of the same run writes ``station = "PAR"``, its stored id (CF §9.5
    ``cf_role = "timeseries_id"``): both now write the id, the same text as ``station_name``."""
    from climann.workflow.predict import predict_files

    _stations(grid, (2, 1, 0)).to_netcdf(tmp_path / "reordered.nc")  # ROM, PAR, BER: PAR still of index 1
    predicted = predict_files(station_runs["selected"], [str(tmp_path / "reordered.nc")], tmp_path / "p.nc").path
    with xr.open_dataset(station_runs["selected"] / "predictions.nc") as trained, xr.open_dataset(predicted) as new:
        for predictions in (trained, new):
            assert predictions["station"].item() == "PAR"
            assert predictions["station_name"].item() == "PAR"
            assert predictions["station"].attrs == {}
            np.testing.assert_allclose(predictions["tas"].values[:, 0, 0], _point(grid, 1)["tas"].values)


#: Each station's number of months in the ragged files: station 1 has all 48, the others fewer.
LENGTHS = (36, 48, 24)


def _ragged(grid: xr.Dataset, *, indexed: bool = False, which=(0, 1, 2)) -> xr.Dataset:
    """The stations' first LENGTHS months as a CF ragged array: contiguous (CF H.2.4,
    ``row_size(station)`` with ``sample_dimension``, one station after the other) or indexed
    (H.2.5, ``stationIndex(obs)`` with ``instance_dimension``, interleaved by time, as an archive
    appends them, and ``time(obs)`` named by no ``coordinates`` attribute)."""
    stations = _stations(grid, which)
    lengths = [LENGTHS[station] for station in which]
    which = np.repeat(np.arange(len(lengths)), lengths)
    month = np.concatenate([np.arange(n) for n in lengths])
    order = np.lexsort((which, month)) if indexed else np.arange(len(which))
    observations = {name: ("obs", stations[name].values[which, month][order], stations[name].attrs)
                    for name in ("tas", "pred")}
    time = ("obs", stations["time"].values[month][order], {"standard_name": "time"})
    counts = (({"stationIndex": ("obs", which[order].astype("int32"), {"instance_dimension": "station"})})
              if indexed else {"row_size": ("station", np.array(lengths, "int32"), {"sample_dimension": "obs"})})
    ragged = xr.Dataset({**observations, **counts, **({"time": time} if indexed else {})},
                        coords={name: stations[name] for name in ("lat", "lon", "station_name")}, attrs=stations.attrs)
    if not indexed:
        ragged = ragged.assign_coords(time=time)
    ragged["time"].encoding.update(grid["time"].encoding)
    return ragged


@pytest.mark.parametrize("indexed", [pytest.param(False, id="contiguous"), pytest.param(True, id="indexed")])
@pytest.mark.parametrize("station", [1, 2])
def test_select_takes_that_stations_rows_of_a_ragged_array(tmp_path, grid, indexed, station):
    """``--select station=1`` cut lat/lon/station_name but kept every station's observations,
    which ``--overlap first`` then trained on under station 1's name."""
    _ragged(grid, indexed=indexed).to_netcdf(tmp_path / "ragged.nc")
    opened = open_dataset([tmp_path / "ragged.nc"], select={"station": station})
    n_months = LENGTHS[station]
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, station)["tas"].values[:n_months])
    np.testing.assert_array_equal(opened["time"].values, grid["time"].values[:n_months])
    np.testing.assert_array_equal(opened["lat"].values, [grid["lat"].values[CELLS[station][0]]])
    assert opened["station_name"].values.item() == NAMES[station] and opened["station"].values.item() == station
    assert "row_size" not in opened and "stationIndex" not in opened


@pytest.mark.parametrize(("indexed", "layout"), [
    pytest.param(False, 'a contiguous ragged array: row_size with sample_dimension = "obs", CF §9.3.3', id="contiguous"),
    pytest.param(True, 'an indexed ragged array: stationIndex with instance_dimension = "station", CF §9.3.4',
                 id="indexed"),
])
def test_several_stations_of_a_ragged_array_are_refused_naming_it(tmp_path, grid, indexed, layout):
    _ragged(grid, indexed=indexed).to_netcdf(tmp_path / "ragged.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "ragged.nc"])
    message = str(error.value)
    assert f"ragged.nc holds 3 stations along 'station' (a CF station time-series file, {layout})" in message
    assert "--select station=BER" in message and "0: BER, 1: PAR, 2: ROM" in message  # fix45c: by name
    assert "ncks" not in message and "overlap" not in message  # ncks -d station,0 keeps all observations


def test_a_ragged_array_cut_along_its_stations_only_is_refused(tmp_path, grid):
    """``ncks -d station,1`` keeps row_size = [48] and all 108 observations: the offsets would
    take station 0's rows under station 1's name."""
    _ragged(grid).isel(station=[1]).to_netcdf(tmp_path / "cut.nc")
    with pytest.raises(ClimannError, match="add up to 48 observations, but 'obs' holds 108"):
        open_dataset([tmp_path / "cut.nc"], select={"station": 0})


def test_a_station_of_a_ragged_array_trains_exactly_as_its_point_file(tmp_path, station_runs, grid):
    _ragged(grid, indexed=True).to_netcdf(tmp_path / "ragged.nc")
    assert _scores(_train(tmp_path / "ragged.nc", tmp_path / "run", select={"station": 1})) == \
        _scores(station_runs["point"])


def test_times_of_each_station_are_refused_with_lines_that_write_one(tmp_path, monkeypatch, grid):
    """CF H.2.2, ``tas(station, obs)`` with ``time(station, obs)``: ``--select station=0`` left
    ``obs`` (each station's n-th observation) as an extra dimension, with ``--select obs=VALUE``
    advice: one observation of every station. The advised lines give station 0's series."""
    monkeypatch.chdir(tmp_path)
    stations = _stations(grid)
    units, calendar = grid["time"].encoding["units"], grid["time"].encoding["calendar"]
    days = cftime.date2num(list(grid["time"].values), units, calendar)
    times, values = np.full((3, 48), np.nan), np.full((3, 48), np.nan, dtype=np.float32)
    for station, n_months in enumerate(LENGTHS):  # padded with missing values, as CF H.2.2 writes them
        times[station, :n_months] = days[:n_months]
        values[station, :n_months] = stations["tas"].values[station, :n_months]
    time_attrs = {"standard_name": "time", "units": units, "calendar": calendar}
    incomplete = xr.Dataset({"tas": (("station", "obs"), values, stations["tas"].attrs)},
                            coords={"time": (("station", "obs"), times, time_attrs),
                                    **{name: stations[name] for name in ("lat", "lon", "station_name")}},
                            attrs=stations.attrs)
    incomplete.to_netcdf(tmp_path / "incomplete.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "incomplete.nc"], select={"station": 0})
    message = str(error.value)
    assert "its own times (time(station, obs)" in message and "appendix H.2.2" in message
    assert "select obs" not in message
    exec(message.split("in Python: ")[1])  # noqa: S102 — the advice is run as the user would run it
    opened = open_dataset([tmp_path / "incomplete_station0.nc"])
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, 0)["tas"].values[:LENGTHS[0]])
    assert opened["station_name"].values.item() == "BER"


@pytest.mark.parametrize(("indexed", "count"), [pytest.param(False, "row_size 0", id="contiguous"),
                                                pytest.param(True, "no observation's stationIndex is 1", id="indexed")])
def test_a_chosen_station_without_observations_is_refused_naming_the_station(tmp_path, grid, indexed, count):
    """A station whose row_size is 0 was refused as a file holding no time step (verify19 F1)."""
    ragged = _ragged(grid, indexed=indexed)
    if indexed:
        ragged["stationIndex"] = ragged["stationIndex"].where(ragged["stationIndex"] != 1, 0)
    else:
        ragged["row_size"] = ("station", np.array([LENGTHS[0] + LENGTHS[1], 0, LENGTHS[2]], "int32"),
                              ragged["row_size"].attrs)
    ragged.to_netcdf(tmp_path / "ragged.nc")
    with pytest.raises(ClimannError, match=rf"^station PAR \(index 1\) has no observations in ragged\.nc \({count}; "
                                           rf"its {sum(LENGTHS)} 'obs' are other stations'\): choose another station"):
        open_dataset([tmp_path / "ragged.nc"], select={"station": 1})


def test_a_ragged_array_of_trajectories_is_refused_as_moving_positions_not_stations(tmp_path):
    """verify19 F12: two drifters as a contiguous ragged array (CF H.4.3, ``featureType =
    "trajectory"``) were "2 stations … choose one with --select trajectory=…", which only led to
    the refusal of moving positions: now that refusal at once."""
    rng = np.random.default_rng(4)
    xr.Dataset({"sst": ("obs", 290 + rng.normal(size=10), {"units": "K", "coordinates": "time lat lon"}),
                "rowSize": ("trajectory", np.array([6, 4], "int32"), {"sample_dimension": "obs"}),
                "trajectory": ("trajectory", np.array([101, 102], "int32"), {"cf_role": "trajectory_id"}),
                "time": ("obs", np.r_[np.arange(6.0), np.arange(4.0)] * 6,
                         {"units": "hours since 2010-01-01", "standard_name": "time"}),
                "lat": ("obs", 30 + np.cumsum(rng.uniform(0.1, 0.2, 10)), {"units": "degrees_north"}),
                "lon": ("obs", -40 + np.cumsum(rng.uniform(0.1, 0.2, 10)), {"units": "degrees_east"})},
               attrs={"featureType": "trajectory"}).to_netcdf(tmp_path / "drifters.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "drifters.nc"])
    message = str(error.value)
    assert message.startswith("drifters.nc: the file holds a trajectory, positions that move in time")
    assert "station" not in message


def _station_file(grid, path, layout, which):
    """The stations ``which`` (in that order) written as ``layout``: orthogonal ``tas(station,
    time)`` (CF H.2.1), or a contiguous or indexed ragged array (H.2.4, H.2.5)."""
    written = _stations(grid, which) if layout == "orthogonal" else _ragged(grid, indexed=layout == "indexed",
                                                                            which=which)
    written.to_netcdf(path)
    return path


STATION_LAYOUTS = [pytest.param("orthogonal", id="orthogonal"), pytest.param("contiguous", id="contiguous-ragged"),
                   pytest.param("indexed", id="indexed-ragged")]


@pytest.fixture(scope="module")
def par_runs(tmp_path_factory, grid):
    """A run per file layout trained on PAR, the station of index 1 of BER, PAR, ROM."""
    folder = tmp_path_factory.mktemp("par")
    runs = {}
    for layout in ("orthogonal", "contiguous", "indexed"):
        path = _station_file(grid, folder / f"{layout}.nc", layout, (0, 1, 2))
        runs[layout] = _train(path, folder / f"run_{layout}", select={"station": 1})
    return runs


@pytest.mark.parametrize("layout", STATION_LAYOUTS)
def test_a_run_predicts_its_station_by_name_wherever_the_file_lists_it(tmp_path, grid, par_runs, layout):
    """A run trained on station 1 (PAR) predicted station 1 of any file: ROM of a file listing
    ROM, PAR, BER (break18: the ragged file's second station, by index, not by name)."""
    from climann.workflow.predict import evaluate_run, predict_files

    reordered = _station_file(grid, tmp_path / "reordered.nc", layout, (1, 2, 0))  # PAR, ROM, BER
    result = predict_files(par_runs[layout], [str(reordered)], tmp_path / "p.nc")
    n_months = LENGTHS[1]  # PAR has all 48 months in every layout
    with xr.open_dataset(result.path) as predicted:
        np.testing.assert_array_equal(predicted["tas"].values[:, 0, 0], _point(grid, 1)["tas"].values[:n_months])
        np.testing.assert_array_equal(predicted["lat"].values, [grid["lat"].values[CELLS[1][0]]])
    metrics = evaluate_run(par_runs[layout], [str(reordered)], tmp_path / "scores")
    assert metrics["splits"]["all"]["model"]["n_samples"] == n_months - 1  # one month lost to the lag


@pytest.mark.parametrize("layout", STATION_LAYOUTS)
def test_the_stations_name_is_written_where_no_coordinates_attribute_names_it(tmp_path, grid, par_runs, layout):
    """A file rewritten without the ``coordinates`` attribute (station_name, lat and lon data
    variables): predict wrote no station coordinates for a ragged file, where the run's
    predictions.nc and an orthogonal file's output have station and station_name (verify20 F10)."""
    from climann.workflow.predict import predict_files

    reordered = _station_file(grid, tmp_path / "named.nc", layout, (1, 2, 0))  # PAR, ROM, BER
    with xr.open_dataset(reordered) as written:
        bare = written.load().reset_coords(["station_name", "lat", "lon"])
    for variable in bare.variables.values():
        variable.encoding.pop("coordinates", None)
    bare.to_netcdf(tmp_path / "bare.nc")
    with xr.open_dataset(tmp_path / "bare.nc", decode_coords=False) as check:
        assert all("station_name" not in str(check[name].attrs.get("coordinates", "")) for name in ("tas", "pred"))
    opened = open_dataset([tmp_path / "bare.nc"], select={"station": "PAR"})
    assert "station_name" in opened.coords and opened["station_name"].values.item() == "PAR"
    result = predict_files(par_runs[layout], [str(tmp_path / "bare.nc")], tmp_path / "p.nc")
    with xr.open_dataset(result.path) as predicted, xr.open_dataset(par_runs[layout] / "predictions.nc") as trained:
        assert predicted["station_name"].item() == trained["station_name"].item() == "PAR"
        assert predicted["station"].item() == "PAR"
        np.testing.assert_array_equal(predicted["tas"].values[:, 0, 0], _point(grid, 1)["tas"].values[:LENGTHS[1]])


@pytest.mark.parametrize("layout", STATION_LAYOUTS)
def test_a_file_without_the_runs_station_is_refused(tmp_path, grid, par_runs, layout):
    from climann.workflow.predict import predict_files

    without = _station_file(grid, tmp_path / "without.nc", layout, (2, 0))
    with pytest.raises(ClimannError) as refused:
        predict_files(par_runs[layout], [str(without)], tmp_path / "p.nc")
    assert str(refused.value) == ("without.nc has no station PAR, the station the run was trained on (station_name: "
                                  "BER, ROM): give a file that holds PAR, or choose the station to apply the run at "
                                  "with --select 'station=\"BER\"' (another place: a transfer), or train a run on "
                                  "the station you want")
    assert not (tmp_path / "p.nc").exists()


def test_select_by_name_trains_exactly_as_by_index(tmp_path, station_runs, grid):
    _stations(grid).to_netcdf(tmp_path / "stations.nc")
    assert _scores(_train(tmp_path / "stations.nc", tmp_path / "run", select={"station": "PAR"})) == \
        _scores(station_runs["point"])


def test_a_station_beside_a_grid_is_refused_with_a_line_that_writes_the_cell_which_then_pairs(tmp_path, monkeypatch,
                                                                                              grid):
    """break31a B4: a chosen station beside a gridded file ended in xarray's "conflicting sizes for
    dimension 'lat'". Refused in one line, whose xarray line, run as printed, writes the grid's cell
    nearest the station (0.3° off the cell's centre) at the station's position: the station then
    opens beside it with that cell's values."""
    monkeypatch.chdir(tmp_path)
    stations = _stations(grid)
    stations = stations.assign_coords(lat=stations["lat"] + 0.3, lon=stations["lon"] - 0.3)
    stations[["tas"]].to_netcdf(tmp_path / "stations.nc")
    grid[["pred"]].to_netcdf(tmp_path / "grid.nc")
    files = [tmp_path / "stations.nc", tmp_path / "grid.nc"]
    with pytest.raises(ClimannError) as error:
        open_dataset(files, select={"station": "PAR"}, grid_of="tas")
    message = str(error.value)
    station = stations.isel(station=1)
    assert message.startswith(f"stations.nc is at one place, {float(station['lat']):g}°N {float(station['lon']):g}°E "
                              f"(station PAR), and grid.nc on a grid of 24 cells: ")
    assert "\n" not in message and "conflicting" not in message
    command = message.split("`")[1]
    # break56d A1: the interpreter that runs climann (a bare python may have no xarray), the copy in a new folder
    assert f"&& {shell.advised_python()} -c " in command and "python -c" not in command.split(shell.advised_python())[0]
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path)
    copy = tmp_path / shlex.split(command)[-1]
    assert copy.parent != tmp_path and copy.name == "grid.nc"
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == ["grid.nc", "stations.nc"]
    assert message.split("`")[2].startswith(f" (its copy in a new folder), then give --data {copy.relative_to(tmp_path)} "
                                            f"in place of grid.nc")
    opened = open_dataset([files[0], copy], select={"station": "PAR"}, grid_of="tas")
    row, column = CELLS[1]
    np.testing.assert_array_equal(opened["pred"].values.ravel(), grid["pred"].isel(lat=row, lon=column).values)
    np.testing.assert_array_equal(opened["tas"].values.ravel(), station["tas"].values)
    assert (opened["lat"].item(), opened["lon"].item()) == (float(station["lat"]), float(station["lon"]))


@pytest.mark.parametrize(("shift", "outside"), [
    pytest.param((0.0, -94.0), True, id="94-degrees-west-of-the-grid"),
    pytest.param((8.0, 0.0), True, id="north-of-the-grid"),
    pytest.param((0.0, 360.0), False, id="a-turn-of-360-degrees-is-the-same-place"),
    pytest.param((0.0, 1.05), False, id="1.2-cells-beyond-the-outer-cell"),
])
def test_a_station_outside_the_grid_is_refused_without_a_nearest_cell(tmp_path, monkeypatch, grid, shift, outside):
    """break56d A1: a station 94° west of an E-OBS box was given "the grid's cell nearest the place": the line,
    pasted, wrote the box's edge cell labelled as the station, which then trained. A place more than a cell beyond
    the grid's outer cells is refused naming the grid's extent, and no line is printed; one within gets the line."""
    monkeypatch.chdir(tmp_path)
    # an E-OBS-like box of 0.25° cells (45.125…45.875°N, 5.125…6.375°E)
    grid = grid.assign_coords(lat=("lat", 45.125 + 0.25 * np.arange(grid.sizes["lat"]), grid["lat"].attrs),
                              lon=("lon", 5.125 + 0.25 * np.arange(grid.sizes["lon"]), grid["lon"].attrs))
    stations = _stations(grid)
    stations = stations.assign_coords(lat=stations["lat"] + shift[0], lon=stations["lon"] + shift[1])
    stations[["tas"]].to_netcdf(tmp_path / "stations.nc")
    grid[["pred"]].to_netcdf(tmp_path / "grid.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "stations.nc", tmp_path / "grid.nc"], select={"station": "PAR"}, grid_of="tas")
    message = str(error.value)
    lat, lon = grid["lat"].values, grid["lon"].values
    extent = f"{lat.min():g}–{lat.max():g}°N, {lon.min():g}–{lon.max():g}°E"
    station = stations.isel(station=1)
    # numpy by hand: the station's distance beyond the outer cells, against 1.5 cells
    step = max(np.abs(np.diff(lat)).max(), np.abs(np.diff(lon)).max())
    east = (float(station["lon"]) - lon.min()) % 360 + lon.min()
    beyond = max(lat.min() - float(station["lat"]), float(station["lat"]) - lat.max(), lon.min() - east,
                 east - lon.max(), 0)
    assert (beyond > 1.5 * step) == outside
    if outside:
        assert (f"the place lies outside that grid ({extent}, more than a cell beyond its outer cells), where it has "
                f"no nearest cell: stations.nc probably does not belong to this run; leave it out") in message
        assert "`" not in message and "nearest the place as a file" not in message
    else:
        assert "write the grid's cell nearest the place as a file at the place, e.g. `" in message


@pytest.mark.skipif(shutil.which("cdo") is None, reason="cdo is not installed")
def test_the_written_cell_keeps_its_coordinates_units_through_cdo_and_a_cell_without_them_is_named(tmp_path,
                                                                                                  monkeypatch, grid):
    """break44a A3: the printed line wrote the cell's latitude and longitude without units; cdo's
    settbounds,month (the next advice, for stamps on the 1st) then dropped them ("Coordinates variable
    latitude can't be assigned!"), and the station's own scalar 'lat' was refused with no file named and
    an expand_dims that changed nothing. The whole chain, run as printed: the cell keeps its units through
    cdo and pairs; a cell that lost them is named, and the line given for it pairs."""
    from climann.data.coords import find_coordinate

    monkeypatch.chdir(tmp_path)
    stations = _stations(grid)
    stations = stations.assign_coords(lat=stations["lat"] + 0.3)
    stations[["tas"]].to_netcdf(tmp_path / "gauge.nc")
    station = stations.isel(station=1)
    grid[["pred"]].to_netcdf(tmp_path / "grid.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "gauge.nc", tmp_path / "grid.nc"], select={"station": "PAR"}, grid_of="tas")
    command = str(error.value).split("`")[1]
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path)
    cell = tmp_path / shlex.split(command)[-1]
    with xr.open_dataset(cell) as written:
        assert {name: (written[name].attrs.get("units"), written[name].attrs.get("standard_name"))
                for name in ("lat", "lon")} == {name: (grid[name].attrs.get("units"), grid[name].attrs.get("standard_name"))
                                                for name in ("lat", "lon")}
    (tmp_path / "bounded").mkdir()
    subprocess.run(["cdo", "-s", "settbounds,month", str(cell), "bounded/cell.nc"], check=True, cwd=tmp_path)
    opened = open_dataset([tmp_path / "gauge.nc", tmp_path / "bounded" / "cell.nc"], select={"station": "PAR"},
                          grid_of="tas")
    row, column = CELLS[1]
    np.testing.assert_array_equal(opened["pred"].values.ravel(), grid["pred"].isel(lat=row, lon=column).values)
    assert opened[find_coordinate(opened, "latitude")].item() == float(station["lat"])
    # the cell as the old line wrote it: no units, which cdo then drops
    with xr.open_dataset(cell) as written:
        bare = written.load()
    for name in ("lat", "lon"):
        bare[name].attrs = {}
    bare.to_netcdf(tmp_path / "bare.nc")
    subprocess.run(["cdo", "-s", "settbounds,month", "bare.nc", "bounded/bare.nc"], check=True, cwd=tmp_path)
    opened = open_dataset([tmp_path / "gauge.nc", tmp_path / "bounded" / "bare.nc"], select={"station": "PAR"},
                          grid_of="tas")
    with pytest.raises(ClimannError) as error:
        find_coordinate(opened, "latitude")
    message = str(error.value)
    assert message.startswith("bare.nc holds no latitude beside gauge.nc, which is at one place (latitude 'lat' = ")
    assert "expand_dims" not in message
    # run as printed: the copy in a new folder placed/, nothing beside bare.nc (fix56a: bare_placed.nc there was
    # taken with it by a glob over their folder)
    followed = run_one_copy(message, tmp_path, env={**os.environ, "PATH": shell_path()})
    assert (followed["copy"], followed["original"]) == ("bounded/placed/bare.nc", "bounded/bare.nc")
    assert sorted(os.listdir(tmp_path / "bounded")) == ["bare.nc", "cell.nc", "placed"]
    assert os.listdir(tmp_path / "bounded" / "placed") == ["bare.nc"]
    placed = tmp_path / followed["copy"]
    opened = open_dataset([tmp_path / "gauge.nc", placed], select={"station": "PAR"}, grid_of="tas")
    np.testing.assert_array_equal(opened["pred"].values.ravel(), grid["pred"].isel(lat=row, lon=column).values)
    assert opened[find_coordinate(opened, "latitude")].item() == float(station["lat"])


#: GRDC numbers: the integer coordinate of the station dimension beside the names (break33a A8).
GRDC_IDS = (6335020, 6335050, 6335060)


def _numbered_by_id(grid: xr.Dataset, stored: str) -> xr.Dataset:
    """The three stations of :func:`_stations` along an integer coordinate ``station`` (as
    xarray's ``to_netcdf`` of an indexed table writes it), named in ``station_name``
    (``cf_role = "timeseries_id"``) as NC_STRING or as a CF char array."""
    stations = _stations(grid).assign_coords(station=("station", np.array(GRDC_IDS, np.int32), {"long_name": "grdc"}))
    if stored == "char":
        names = np.array([name.encode().ljust(8) for name in NAMES], "S8")
        stations = stations.assign_coords(station_name=("station", names, {"cf_role": "timeseries_id"}))
        stations["station_name"].encoding.update(dtype="S1", char_dim_name="strlen")
    return stations


@pytest.mark.parametrize("stored", [pytest.param("string", id="NC_STRING"), pytest.param("char", id="char-array")])
def test_a_station_is_chosen_by_its_name_beside_an_integer_coordinate(tmp_path, grid, stored):
    """break33a A8: --select id=ST02 found the station as the file was opened, then the run's
    selection refused it: "id=ST02 is not a value of 'id'; its values: 6335060"."""
    _numbered_by_id(grid, stored).to_netcdf(tmp_path / "stations.nc")
    station = 1
    opened = open_dataset([tmp_path / "stations.nc"], select={"station": "PAR"})
    selected = select_values(opened, {"station": "PAR"})  # the run's selection, applied to the files opened
    np.testing.assert_array_equal(selected["tas"].values[:, 0, 0], _point(grid, station)["tas"].values)
    assert selected["station"].values.item() == GRDC_IDS[station]
    assert selected["station_name"].values.item() == NAMES[station]


def test_a_name_of_no_station_beside_an_integer_coordinate_lists_the_names(tmp_path, grid):
    _numbered_by_id(grid, "char").to_netcdf(tmp_path / "stations.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "stations.nc"], select={"station": "OSL"})
    assert ("not one of its 3 values (6335020, 6335050, 6335060) nor a station's name (station_name: BER, PAR, ROM)"
            in str(error.value))


def test_several_stations_beside_an_integer_coordinate_are_refused_naming_them(tmp_path, grid):
    _numbered_by_id(grid, "string").to_netcdf(tmp_path / "stations.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "stations.nc"])
    assert "one of its values: 6335020, 6335050, 6335060, or a station's name (station_name: BER, PAR, ROM)" in str(
        error.value)


#: GRDC's numbers and names of break36a's file: the integer ``id`` carries the cf_role, the names are in
#: ``station_name(id)``; two stations lie on the Rhine (``river_name`` is no station's name).
GRDC_STATIONS = {6335020: ("REES", "RHINE RIVER"), 6335060: ("LOBITH", "RHINE RIVER"),
                 6340110: ("DRESDEN", "ELBE RIVER"), 6342500: ("HOFKIRCHEN", "DANUBE RIVER")}


def _grdc_like(path):
    """A GRDC data-portal export (break36a gen_grdc.py, smaller): ``runoff_mean(time, id)`` in m3/s,
    ``id`` with ``cf_role = "timeseries_id"``, ``station_name(id)`` "name of station" and ``river_name(id)``
    as NC_STRING, positions in ``geo_x``/``geo_y``."""
    ids = np.array(list(GRDC_STATIONS), np.int32)
    times = np.arange(np.datetime64("1990-01-01"), np.datetime64("1991-12-31"))
    runoff = np.arange(times.size * ids.size, dtype="f4").reshape(times.size, ids.size) * 0.5 + 100
    dataset = xr.Dataset(
        {"runoff_mean": (("time", "id"), runoff, {"units": "m3/s", "long_name": "mean daily discharge (MQ)",
                                                 "coordinates": "geo_x geo_y"}),
         "pr": (("time", "id"), np.cos(runoff), {"units": "mm/day"}),
         "station_name": ("id", [name for name, _ in GRDC_STATIONS.values()], {"long_name": "name of station"}),
         "river_name": ("id", [river for _, river in GRDC_STATIONS.values()], {"long_name": "name of river"})},
        coords={"time": ("time", times, {"standard_name": "time"}),
                "id": ("id", ids, {"long_name": "grdc number", "cf_role": "timeseries_id"}),
                "geo_x": ("id", [6.395, 6.11, 13.738, 13.115], {"units": "degree_east",
                                                                "long_name": "station longitude (WGS84)"}),
                "geo_y": ("id", [51.756, 51.84, 51.054, 48.67], {"units": "degree_north",
                                                                 "long_name": "station latitude (WGS84)"})},
        attrs={"Conventions": "CF-1.7", "featureType": "timeSeries", "institution": "GRDC"})
    dataset.to_netcdf(path)
    return runoff


def test_several_grdc_stations_are_refused_listing_their_names_not_their_numbers(tmp_path):
    """break36a A7: "or a station's name (id: 6335020, 6335060, …)" listed the numbers as the names, and
    --select id=LOBITH, the name the file gives in station_name, was refused."""
    _grdc_like(tmp_path / "GRDC-Daily.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "GRDC-Daily.nc"])
    assert ("one of its values: 6335020, 6335060, 6340110, …, or a station's name (station_name: REES, LOBITH, "
            "DRESDEN, …))") in str(error.value)


@pytest.mark.parametrize("name, index", [pytest.param("LOBITH", 1, id="by-station_name"),
                                         pytest.param(6342500, 3, id="by-grdc-number")])
def test_a_grdc_station_is_chosen_by_its_name_as_the_refusal_advises(tmp_path, name, index):
    """Following the advice: --select id=LOBITH takes LOBITH's own series (the file's column 1) as the file is
    opened and when the run's selection is applied again; its name and number are kept as scalar coordinates."""
    runoff = _grdc_like(tmp_path / "GRDC-Daily.nc")
    opened = open_dataset([tmp_path / "GRDC-Daily.nc"], select={"id": name})
    selected = select_values(opened, {"id": name})
    np.testing.assert_array_equal(selected["runoff_mean"].values.ravel(), runoff[:, index])
    assert selected["id"].values.item() == list(GRDC_STATIONS)[index]
    assert selected["station_name"].values.item() == list(GRDC_STATIONS.values())[index][0]


def test_a_river_shared_by_stations_names_none_of_them(tmp_path):
    """river_name is text along id too, but no station's name: RHINE RIVER is two stations."""
    _grdc_like(tmp_path / "GRDC-Daily.nc")
    with pytest.raises(ClimannError, match=r"nor a station's name \(station_name: REES, LOBITH, DRESDEN, …\)"):
        open_dataset([tmp_path / "GRDC-Daily.nc"], select={"id": "RHINE RIVER"})


def _info(*arguments):
    from typer.testing import CliRunner

    from climann.cli import app

    return CliRunner().invoke(app, ["info", *map(str, arguments)])


def test_info_describes_a_file_of_several_stations_and_proposes_the_first(tmp_path, grid):
    """break36b B3: `climann info` of a CF station file refused it (exit 2) with `--select` advice
    for train, evaluate or predict, and info took no --select: the README's "what climann sees"
    could not show a station file. Now the stations (count, names, positions), then the first
    station's report and a config that chooses it."""
    from tests.data.test_info import _config, _summary

    stations = _stations(grid)
    stations["alt"] = ("station", [12.0, 350.5, 1890.0], {"standard_name": "height", "units": "m", "positive": "up"})
    stations.to_netcdf(tmp_path / "stations.nc")
    result = _info(tmp_path / "stations.nc")
    assert result.exit_code == 0, result.output
    summary = _summary(result.stdout)
    lats, lons = (np.array([grid[name].values[CELLS[station][axis]] for station in range(3)])
                  for name, axis in (("lat", 0), ("lon", 1)))
    assert ("Stations: 3 along 'station' in stations.nc (a CF station time-series file): climann trains on one\n"
            "  names (station_name) by index: 0: BER, 1: PAR, 2: ROM\n"
            f"  latitude 'lat': {lats.min():.6g} to {lats.max():.6g} degrees_north; longitude 'lon': {lons.min():.6g} "
            f"to {lons.max():.6g} degrees_east; height 'alt': 12 to 1890 m\n"
            "  shown below, and chosen in the config, with select = {station = \"BER\"} (the first station, BER)") in summary
    assert f"latitude  'lat': one value, {lats[0]:g}" in summary  # the first station's report
    config = _config(result.stdout)["data"]
    assert config["select"] == {"station": "BER"} and config["target"] == "tas"
    build_config(_config(result.stdout))  # a config train reads


@pytest.mark.parametrize("value, station", [pytest.param("2", 2, id="by-index"),
                                            pytest.param("PAR", 1, id="by-name")])
def test_info_select_shows_that_station_as_train_reads_it(tmp_path, grid, value, station):
    """`climann info FILE --select station=…` (the same option and parsing as train's): that
    station's report, and a config that keeps the choice."""
    from tests.data.test_info import _config, _summary

    _stations(grid).to_netcdf(tmp_path / "stations.nc")
    result = _info(tmp_path / "stations.nc", "--select", f"station={value}")
    assert result.exit_code == 0, result.output
    summary = _summary(result.stdout)
    assert "Stations:" not in summary
    assert f"latitude  'lat': one value, {grid['lat'].values[CELLS[station][0]]:g}" in summary
    assert f"station_name = {NAMES[station]}" in summary
    expected = int(value) if value.isdigit() else value
    assert _config(result.stdout)["data"]["select"] == {"station": expected}
    opened = open_dataset([tmp_path / "stations.nc"], select={"station": expected})
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], _point(grid, station)["tas"].values)


@pytest.mark.parametrize("stored, keys", [
    pytest.param("string", GRDC_IDS, id="integer-coordinate"),  # UHSLC's record_id = 57, 58, 60
    pytest.param(None, (0, 1, 2), id="no-coordinate"),
])
def test_info_lists_each_station_by_the_select_value_that_chooses_it(tmp_path, grid, stored, keys):
    """break38b B1: info advised "--select record_id=N (N its index or its name)" and listed the names by index
    (0: Honolulu) for a station dimension with an integer coordinate (57, 58, 60), whose number train reads as
    the coordinate's value: --select record_id=1 was refused. One rule, as xarray's .sel reads a label: a number
    is the coordinate's value when there is one, else the index. Each key info lists, given back to --select,
    opens the station it names; the config comment says the same."""
    import re

    from tests.data.test_info import _summary

    (_numbered_by_id(grid, stored) if stored else _stations(grid)).to_netcdf(tmp_path / "stations.nc")
    result = _info(tmp_path / "stations.nc")
    assert result.exit_code == 0, result.output
    summary = _summary(result.stdout)
    listed = re.search(r"names \(station_name\) by \S+: (.*)", summary).group(1)
    assert listed == ", ".join(f"{key}: {name}" for key, name in zip(keys, NAMES))
    for key, name in zip(keys, NAMES):
        opened = open_dataset([tmp_path / "stations.nc"], select={"station": key})
        assert opened["station_name"].values.item() == name
    advice = re.search(r"another: --select station=N \((N [^)]*(?:\)[^)]*)?)\), which climann info", summary).group(1)
    # break40a A6: info said predict takes --select, which refused any; it takes the run's own value alone
    assert f"({advice}), which climann info and train take (predict and evaluate read the run's " + (
        "own station: --select there may only repeat it)") in summary
    if stored:
        assert advice == "N one of the values of 'station' (6335020, 6335050, 6335060) or a station's name, not an index"
        with pytest.raises(ClimannError, match="not one of its 3 values"):
            open_dataset([tmp_path / "stations.nc"], select={"station": 1})
    else:
        assert advice == "N its index, 0 to 2, or its name"
    assert f"change it to the station you want ({advice})" in " ".join(
        line.lstrip("# ").strip() for line in result.stdout[result.stdout.index("[data]"):].splitlines())


def test_the_refusal_offers_an_xarray_cut_that_runs_where_nco_is_not_installed(tmp_path, monkeypatch, grid):
    """break36b B3: only `ncks -d station,0` was offered, and NCO is often not installed; the
    Python line, run as printed, writes the first station alone, which opens as its point."""
    import re

    monkeypatch.chdir(tmp_path)
    _stations(grid).to_netcdf(tmp_path / "stations.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "stations.nc"])
    words = shlex.split(re.search(r'or in Python: `(python -c "[^"]+")`', bare_python(str(error.value))).group(1))
    run_python("-c", words[2], check=True, cwd=tmp_path)
    one = open_dataset([tmp_path / "stations_station0.nc"])
    np.testing.assert_array_equal(one["tas"].values[:, 0, 0], _point(grid, 0)["tas"].values)
    np.testing.assert_array_equal(one["lat"].values, [grid["lat"].values[CELLS[0][0]]])


@pytest.mark.parametrize("chosen", [pytest.param("LOBITH", id="by-name"), pytest.param(6335060, id="by-number")])
def test_a_grdc_station_chosen_is_labelled_by_its_name_beside_its_number(tmp_path, chosen):
    """fix37c: the figures of a GRDC station were titled 'station 6335060': the cf_role is on the number ``id``,
    the name in ``station_name``. Chosen by name or by number as the refusal advises, it is labelled by both."""
    from climann.data.stations import station_label

    _grdc_like(tmp_path / "GRDC-Daily.nc")
    opened = open_dataset([tmp_path / "GRDC-Daily.nc"], select={"id": chosen})
    assert station_label([opened[name] for name in opened.coords if opened[name].ndim == 0]) == "LOBITH, id 6335060"


def _argo_profiles(*, feature_type: str | None, flag: tuple[str, dict] | None, data_mode: bool) -> xr.Dataset:
    """Five profiles of an Argo float (``N_PROF`` × ``N_LEVELS``, CF trajectoryProfile): each at
    its own date, latitude and longitude, with a one-character QC flag per profile (``flag``: its
    name and attributes) and, when ``data_mode``, the one character per profile that says whether
    it is delayed-mode data, ``DATA_MODE(N_PROF)``, as Argo's profile files hold them."""
    n_prof, n_levels = 5, 4
    variables = {
        "JULD": ("N_PROF", 20000.0 + 10.0 * np.arange(n_prof),
                 {"units": "days since 1950-01-01 00:00:00 UTC", "standard_name": "time", "axis": "T"}),
        "LATITUDE": ("N_PROF", -40.0 + 0.5 * np.arange(n_prof), {"units": "degree_north", "standard_name": "latitude"}),
        "LONGITUDE": ("N_PROF", 10.0 + 0.5 * np.arange(n_prof), {"units": "degree_east",
                                                                 "standard_name": "longitude"}),
        "PRES": (("N_PROF", "N_LEVELS"), np.tile(np.linspace(5.0, 1000.0, n_levels), (n_prof, 1)),
                 {"units": "decibar", "standard_name": "sea_water_pressure", "axis": "Z"}),
        "DOXY": (("N_PROF", "N_LEVELS"), np.linspace(200.0, 250.0, n_prof * n_levels).reshape(n_prof, n_levels),
                 {"units": "micromole/kg"}),
    }
    if flag is not None:
        variables[flag[0]] = ("N_PROF", np.array([b"1"] * n_prof, "S1"), flag[1])
    if data_mode:
        variables["DATA_MODE"] = ("N_PROF", np.array([b"D"] * n_prof, "S1"), {"long_name": "Delayed mode or real time data"})
    profiles = xr.Dataset(variables, attrs={"Conventions": "Argo-3.1 CF-1.6"})
    if feature_type is not None:
        profiles.attrs["featureType"] = feature_type
    return profiles


@pytest.mark.parametrize(("feature_type", "flag", "data_mode", "said"), [
    pytest.param("trajectoryProfile", ("JULD_QC", {"conventions": "Argo reference table 2"}), False,
                 "the file holds profiles along a trajectory, each at its own place and time (CF featureType "
                 "'trajectoryProfile')", id="featureType-with-QC-flag"),
    pytest.param("trajectoryProfile", None, True, "the file holds profiles along a trajectory",
                 id="featureType-with-DATA_MODE"),
    pytest.param(None, ("JULD_QC", {}), False, "the file holds observations whose positions move in time",
                 id="QC-by-its-name"),
    pytest.param(None, ("juld_flag", {"conventions": "Argo reference table 2"}), False,
                 "the file holds observations whose positions move in time", id="QC-by-Argo-conventions"),
    pytest.param(None, ("date_flag", {"flag_values": np.array([b"0", b"1"]), "flag_meanings": "bad good"}), False,
                 "the file holds observations whose positions move in time", id="CF-flag"),
])
def test_argo_profiles_are_refused_as_moving_positions_not_as_stations_named_by_a_flag(tmp_path, feature_type, flag,
                                                                                       data_mode, said):
    """break37a C1: an Argo float's profiles were "40 stations along 'JULD' (stations named in
    'JULD_QC')", with a --select and an ncks that both failed: a one-character QC flag per profile
    was read as the stations' names, and any text per profile (DATA_MODE) was before the
    featureType was read."""
    _argo_profiles(feature_type=feature_type, flag=flag, data_mode=data_mode).to_netcdf(tmp_path / "argo_Sprof.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "argo_Sprof.nc"])
    message = str(error.value)
    assert message.startswith(f"argo_Sprof.nc: {said}"), message
    assert "station" not in message and "bin the observations onto a latitude-longitude grid" in message


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
def test_the_runs_own_station_given_again_with_select_is_taken_and_another_is_applied_there(tmp_path, grid, par_runs,
                                                                                             command):
    """break40a A6: `predict runs/res2 --select reservoir=USACE_0457`, the station the run was trained on,
    was refused ("leave out --select reservoir=USACE_0457") while info says predict takes --select. The
    run's own value is taken (the same predictions and scores as without it). break45a A4: another
    station is the standard test of a station model's transfer: applied there, by each route (the
    stations' file with --select, a copy cut to that station, a point file of it), the same numbers."""
    from climann.workflow.predict import evaluate_run, predict_files

    path = _station_file(grid, tmp_path / "stations.nc", "orthogonal", (0, 1, 2))
    if command == "predict":
        def run(out, data=path, **select):
            with xr.open_dataset(predict_files(par_runs["orthogonal"], [str(data)], tmp_path / out, **select).path) as p:
                return p["tas_pred"].values
    else:
        def run(out, data=path, **select):
            return evaluate_run(par_runs["orthogonal"], [str(data)], tmp_path / out, **select)["splits"]["all"]
    without, again = run("a"), run("b", select={"station": "PAR"})  # the run's config.toml: select = {station = "PAR"}
    if command == "predict":
        assert np.isfinite(without).any()
        np.testing.assert_array_equal(again, without)
    else:
        assert again == without and without["model"]["n_samples"] > 0
    at_rom = run("c", select={"station": "ROM"})
    _point(grid, 2).to_netcdf(tmp_path / "rom_point.nc")  # ROM's cell as a point file: no station dimension
    cut = _station_file(grid, tmp_path / "rom_station.nc", "orthogonal", (2,))  # as ncks -d station,2 writes it
    point, cut = run("d", data=tmp_path / "rom_point.nc"), run("e", data=cut)
    if command == "predict":
        assert not np.array_equal(at_rom, without, equal_nan=True)
        np.testing.assert_array_equal(at_rom, point)
        np.testing.assert_array_equal(at_rom, cut)
    else:
        assert at_rom != without and at_rom["model"]["n_samples"] > 0
        assert at_rom == point == cut


def _uhslc(grid: xr.Dataset, which=(0, 1, 2)) -> xr.Dataset:
    """The cells ``which`` as UHSLC writes its stations: ``tas(record_id, time)``, an integer
    coordinate ``record_id`` (570, 560, 550), ``station_name(record_id, string_length)`` as
    characters with ``long_name = "station name"`` and no ``cf_role``."""
    stations = _stations(grid, which).rename(station="record_id").drop_vars("station_name")
    stations = stations.assign_coords(record_id=("record_id", np.array([570, 560, 550], "i2")[list(which)],
                                                 {"long_name": "unique identifier of station record"}))
    stations["station_name"] = ("record_id", np.array([NAMES[index] for index in which], "S8"),
                                {"long_name": "station name"})
    stations["station_name"].encoding["char_dim_name"] = "string_length"
    return stations


@pytest.mark.parametrize("route", [pytest.param("select", id="select-record_id=560"),
                                   pytest.param("cut", id="ncks-cut-to-560"),
                                   pytest.param("flat", id="ncwa-without-record_id")])
def test_a_run_of_a_station_chosen_by_its_id_is_applied_at_another_by_every_route(tmp_path, grid, route):
    """break47c A2: a run trained with ``select = {record_id = 570}`` of a UHSLC file was refused
    at record_id=560 by every route ("applies to data at that record_id only"), though the
    documentation says a station run is applied to another station. Applied there, its target
    is station 560's series (numpy) and its predictions are those of the point file of that cell."""
    from climann.workflow.predict import predict_files

    _uhslc(grid).to_netcdf(tmp_path / "uhslc.nc")
    run_dir = _train(tmp_path / "uhslc.nc", tmp_path / "run", select={"record_id": 570})
    assert json.loads(np.load(run_dir / "model.npz")["metadata"].item())["user"]["station"] == \
        {"dimension": "record_id", "name": "570"}
    _point(grid, 1).to_netcdf(tmp_path / "point.nc")
    expected = predict_files(run_dir, [str(tmp_path / "point.nc")], tmp_path / "point_pred.nc")
    one = _uhslc(grid, (1,))
    files = {"select": tmp_path / "uhslc.nc", "cut": tmp_path / "cut.nc", "flat": tmp_path / "flat.nc"}
    one.to_netcdf(files["cut"])
    one.isel(record_id=0).drop_vars(["lat", "lon"]).assign_coords(
        lat=((), float(one["lat"][0]), grid["lat"].attrs), lon=((), float(one["lon"][0]), grid["lon"].attrs)
    ).to_netcdf(files["flat"])
    select = {"select": {"record_id": 560}} if route == "select" else {}
    result = predict_files(run_dir, [str(files[route])], tmp_path / "p.nc", **select)
    with xr.open_dataset(result.path) as predicted, xr.open_dataset(expected.path) as point:
        np.testing.assert_array_equal(predicted["tas"].values.ravel(), _point(grid, 1)["tas"].values)
        np.testing.assert_array_equal(predicted["tas_pred"].values.ravel(), point["tas_pred"].values.ravel())
        assert np.isfinite(predicted["tas_pred"].values).any()


@pytest.mark.parametrize("which", [pytest.param(1, id="second-station"), pytest.param(2, id="third-station")])
def test_a_station_is_chosen_by_the_variable_of_its_names(tmp_path, grid, which):
    """break47c A5: ``--select 'station_name=Nawiliwili, Kauai'`` (UHSLC's second station) was refused as
    "not a value of 'station_name'; its values: Honolulu, Hawaii", the first station's name alone.
    The name's variable chooses the station along record_id, as its name given to record_id does."""
    _uhslc(grid).to_netcdf(tmp_path / "uhslc.nc")
    select = {"station_name": NAMES[which]}
    opened = select_values(open_dataset([tmp_path / "uhslc.nc"], select=select), select)
    np.testing.assert_array_equal(opened["tas"].values.ravel(), _point(grid, which)["tas"].values)
    assert opened["record_id"].item() == [570, 560, 550][which]
    with pytest.raises(ClimannError, match=r"station_name: BER, PAR, ROM"):
        open_dataset([tmp_path / "uhslc.nc"], select={"station_name": "OSLO"})


# --- break41b B7, B11: profiles on levels of their own (contiguous ragged arrays) --------------------
_PRESSURES = ([1000.0, 850.0, 700.0], [950.0, 850.0, 500.0], [900.0, 800.0], [1000.0, 950.0])
_TEMPERATURES = ([290.0, 280.0, 270.0], [288.0, 281.0, 260.0], [285.0, 279.0], [291.0, 289.0])


def _ragged_profiles(path, *, stations: list[int] | None = None):
    """Four soundings, each at pressures of its own (rowSize, CF §9.3.3): featureType profile all at
    one site, or (``stations``: each profile's station) a timeSeriesProfile of two stations (H.5.3)."""
    counts = [len(p) for p in _PRESSURES]
    time = ("profile", 12.0 * np.arange(4), {"units": "hours since 2018-01-01", "standard_name": "time"})
    data = {"rowSize": ("profile", counts, {"sample_dimension": "obs"}),
            "temp": ("obs", np.concatenate(_TEMPERATURES), {"units": "K", "coordinates": "time lat lon pres"})}
    coords = {"time": time, "pres": ("obs", np.concatenate(_PRESSURES),
                                     {"units": "hPa", "standard_name": "air_pressure", "positive": "down"})}
    if stations is None:
        coords |= {"lat": ("profile", np.full(4, 40.53), {"units": "degrees_north"}),
                   "lon": ("profile", np.full(4, -80.22), {"units": "degrees_east"})}
        attrs = {"featureType": "profile"}
    else:
        data["station_index"] = ("profile", stations, {"instance_dimension": "station"})
        coords |= {"lat": ("station", [40.53, 10.0], {"units": "degrees_north"}),
                   "lon": ("station", [-80.22, 20.0], {"units": "degrees_east"})}
        attrs = {"featureType": "timeSeriesProfile"}
    xr.Dataset(data, coords=coords, attrs=attrs).to_netcdf(path)


def _follow_command(message: str) -> None:
    """Run the python -c command of ``message`` as a fresh interpreter would (:func:`run_python`)."""
    import re
    import shlex

    command = shlex.split(re.search(r"`(python -c [^`]*)`", bare_python(message)).group(1))
    run_python(*command[1:], check=True)


@pytest.mark.parametrize("stations, expected, name", [
    # at 850 hPa, the level most profiles hold: 280 and 281 K held, 282 K midway between 900 hPa (285 K)
    # and 800 hPa (279 K), and the fourth sounding does not reach it
    pytest.param(None, [280.0, 281.0, 282.0, np.nan], "profile", id="profiles-at-one-site"),
    pytest.param([0, 1, 0, 0], [280.0, 282.0, np.nan], "tsp", id="time-series-of-profiles"),
])
def test_ragged_profiles_are_refused_with_a_command_that_interpolates_each(tmp_path, monkeypatch, stations, expected,
                                                                           name):
    """break41b B11: the timeSeriesProfile advice named cf-python (not installed; the soundings share
    no level), and B7: profiles all at one site were "profiles, each at its own place and time"."""
    monkeypatch.chdir(tmp_path)
    _ragged_profiles(tmp_path / f"{name}.nc", stations=stations)
    with pytest.raises(ClimannError) as error:
        open_dataset([f"{name}.nc"])
    message = str(error.value)
    if stations is None:
        assert message.startswith("profile.nc: the file holds profiles (CF featureType 'profile') all at one place "
                                  "(40.53, -80.22), each with values at levels of its own on the ragged dimension "
                                  "'obs'")
    else:
        assert "its profiles share no level" in message and "cf-python" not in message
    assert "(writes temp of " in message and "at pres = 850 hPa" in message
    _follow_command(message)
    series = open_dataset([f"{name}_pres850.nc"])
    np.testing.assert_array_equal(series["temp"].squeeze().values, expected)
    np.testing.assert_allclose([series["lat"].item(), series["lon"].item()], [40.53, -80.22], rtol=1e-6)
    assert series["temp"].attrs["units"] == "K"


def test_the_profiles_command_writes_a_new_copy_whole_beside_a_file_of_that_name(tmp_path, monkeypatch):
    """fix45b: the numpy.interp line wrote profile_pres850.nc itself: a file of that name already there (the user's,
    or a copy the line had written) was replaced, and a failed write left half a file. It reads IN and writes OUT
    (a name not taken, profile_pres850_2.nc) as OUT.part, renamed once whole; run as printed, the user's file is
    as it was and the series is the one the interpolation gives."""
    monkeypatch.chdir(tmp_path)
    _ragged_profiles(tmp_path / "profile.nc", stations=None)
    (tmp_path / "profile_pres850.nc").write_bytes(b"the user's own file")
    with pytest.raises(ClimannError) as error:
        open_dataset(["profile.nc"])
    message = str(error.value)
    assert f"`{shell.advised_python()} -c " in message and " profile.nc profile_pres850_2.nc`" in message
    assert "p=sys.argv[2]+'.part'" in message and ".to_netcdf('" not in message
    _follow_command(message)
    assert (tmp_path / "profile_pres850.nc").read_bytes() == b"the user's own file"
    assert not list(tmp_path.glob("*.part"))
    series = open_dataset(["profile_pres850_2.nc"])
    np.testing.assert_array_equal(series["temp"].squeeze().values, [280.0, 281.0, 282.0, np.nan])


def _hype(path, *, cell_measures: bool = False) -> np.ndarray:
    """A HYPE-like subbasin file (CF timeSeries): ``subid`` with cf_role timeseries_id, ``cout(subid, time)`` in
    m3/s over six years of days, ``area(subid)`` with standard_name cell_area (the subbasins' areas, m2); with
    ``cell_measures``, cout names area as its cell measure (what the old advice's ncatted wrote)."""
    rng = np.random.default_rng(4)
    n_time = 6 * 365
    flow = rng.gamma(2.0, 3.0, size=(3, n_time))
    cout = {"units": "m3/s", "long_name": "computed outflow olake", "coordinates": "lat lon"}
    if cell_measures:
        cout["cell_measures"] = "area: area"
    xr.Dataset(
        {"cout": (("subid", "time"), flow.astype("f4"), cout),
         "area": ("subid", [1.2e8, 3.4e8, 9.9e8], {"standard_name": "cell_area", "units": "m2"}),
         "lat": ("subid", [59.1, 59.3, 59.8], {"standard_name": "latitude", "units": "degrees_north"}),
         "lon": ("subid", [15.1, 15.4, 15.7], {"standard_name": "longitude", "units": "degrees_east"})},
        coords={"subid": ("subid", np.int32([9594, 9606, 9626]), {"cf_role": "timeseries_id"}),
                "time": ("time", np.arange(n_time, dtype="f8"), {"units": "days since 1990-01-01",
                                                                  "calendar": "noleap", "standard_name": "time"})},
        attrs={"Conventions": "CF-1.8", "featureType": "timeSeries"}).to_netcdf(path)
    return flow


def test_one_station_with_its_subbasin_area_is_given_no_area_weighting_advice(tmp_path, capfd, monkeypatch):
    """break42d H1: one HYPE station trained with --area-weighted was told to name its subbasin area as the cell
    measure (`ncatted -a cell_measures,cout,o,c,'area: area' …`), which, followed, was refused as "on (), not on
    the grid's ('lat', 'lon')". One station has nothing to weigh: the area is said to be the station's, no ncatted;
    and info lists the stations' numbers once ("9594", not "9594: 9594")."""
    from tests.console import run_main

    monkeypatch.chdir(tmp_path)
    _hype(tmp_path / "hype.nc")
    trained = run_main("train", "--data", "hype.nc", "--target", "cout", "--select", "subid=9626", "--area-weighted",
                       "--epochs", "1", "--hidden", "4", "--out", "run", "--set", "evaluation.figures=false",
                       capfd=capfd, monkeypatch=monkeypatch)
    assert trained.returncode == 0, trained.stderr
    note = [line for line in trained.stderr.splitlines() if "left out of the default predictors: area" in line]
    assert note and note[0].endswith("one area per station ('subid', cf_role timeseries_id): the area a station's "
                                     "series stands for (its catchment's), not a grid cell's, and not used to weigh "
                                     "the scores"), trained.stderr
    assert "ncatted" not in trained.stderr and "cell_measures" not in trained.stderr
    info = run_main("info", "hype.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert "names (subid) by 'subid': 9594, 9606, 9626\n" in info.stdout, info.stdout


def test_a_subbasin_area_named_as_cell_measure_is_refused_as_a_station_area(tmp_path, capfd, monkeypatch):
    """The copy the old advice wrote (cout's cell_measures naming area(subid)): refused in one line as one area per
    station, not a grid cell's, with the ncatted that removes the attribute; the copy that line writes trains."""
    from tests.console import run_main

    monkeypatch.chdir(tmp_path)
    _hype(tmp_path / "hype.nc", cell_measures=True)
    arguments = ["--target", "cout", "--select", "subid=9626", "--epochs", "1", "--hidden", "4", "--set",
                 "evaluation.figures=false"]
    refused = run_main("train", "--data", "hype.nc", *arguments, "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2
    message = refused.stderr.strip().splitlines()[-1]
    assert message == ("climann: error: cell measure 'area' of 'cout' is one area per station ('subid', cf_role "
                       "timeseries_id): the area a station's series stands for (its catchment's), not a grid cell's; "
                       "climann weighs grid cells by their areas, and the scores of stations are not weighed: remove "
                       "the cell_measures attribute (ncatted -a cell_measures,cout,d,, hype.nc hype_fixed.nc) and "
                       "give that copy in place of the file"), message
    subprocess.run(shlex.split("ncatted" + message.split("(ncatted", 1)[1].split(")")[0]), check=True)
    trained = run_main("train", "--data", "hype_fixed.nc", *arguments, "--out", "run", capfd=capfd,
                       monkeypatch=monkeypatch)
    assert trained.returncode == 0, trained.stderr


#: The directions of the spectra's bins, 0°…345° every 15° (WAVEWATCH III's 24 bins).
DIRECTIONS = np.arange(0.0, 360.0, 15.0)


def _directional_spectra(grid: xr.Dataset, direction_attrs: dict) -> xr.Dataset:
    """Station PAR's file with ``efth(time, station, frequency, direction)`` as ``ww3_ounp`` writes
    it: ``frequency:axis = "Y"`` and ``direction:axis = "X"`` in ``degree`` with ``direction_attrs``;
    each bin's series is tas plus a different constant, so a wrong bin is seen in the values."""
    stations = _stations(grid, (1,), time_major=True)
    frequency = xr.DataArray([0.05, 0.1, 0.2], dims="frequency",
                             attrs={"standard_name": "sea_surface_wave_frequency", "units": "s-1", "axis": "Y"})
    direction = xr.DataArray(DIRECTIONS, dims="direction", attrs={**direction_attrs, "units": "degree", "axis": "X"})
    stations = stations.assign_coords(frequency=frequency, direction=direction)
    stations["efth"] = (stations["tas"] + 10 * frequency + direction / 100).transpose("time", "station", "frequency",
                                                                                     "direction")
    stations["efth"].attrs = {"units": "m2 s rad-1"}
    return stations


@pytest.mark.parametrize("direction", [
    pytest.param({"standard_name": "sea_surface_wave_to_direction"}, id="wave-to-direction"),
    pytest.param({"standard_name": "sea_surface_wave_from_direction"}, id="wave-from-direction"),
    pytest.param({"standard_name": "wind_from_direction"}, id="wind-from-direction"),
    pytest.param({"long_name": "sea surface wave to direction"}, id="long-name-only"),
])
def test_a_spectral_direction_with_axis_x_is_an_extra_dimension_not_the_longitude(tmp_path, grid, direction):
    """break43c A3: WAVEWATCH III's ``direction:axis = "X"`` in degrees was the grid's longitude
    (24 direction bins as a 1×24 grid of "cells"), and ``--region`` around the buoy trained on
    the bins 0° and 345°, exit 0. A direction is an extra dimension: refused unchosen, and once
    chosen the run's series is that bin's at the station, whose position decides the region."""
    path = tmp_path / "spectra.nc"
    _directional_spectra(grid, direction).to_netcdf(path)
    data = {"paths": [str(path)], "target": "efth", "predictors": [], "region": [10, 40, 140, 160]}
    with pytest.raises(ClimannError, match=r"extra dimension direction \(24 values.*--select direction=VALUE"):
        run_training(build_config({"data": {**data, "select": {"frequency": 0.1}}, "training": {"epochs": 1}}),
                     run_dir=tmp_path / "refused")
    config = build_config({"data": {**data, "select": {"frequency": 0.1, "direction": 90.0}},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run").run_dir
    expected = (_point(grid, 1)["tas"].values.astype("f8") + 10 * 0.1 + 90 / 100)
    with xr.open_dataset(run / "predictions.nc") as predictions:
        assert predictions["efth"].shape == (expected.size, 1, 1)
        np.testing.assert_allclose(predictions["efth"].values[:, 0, 0], expected, rtol=1e-6)
        test = np.flatnonzero(predictions["split"].values == predictions["split"].values.max())
    persistence = np.mean((expected[test] - expected[test - 1]) ** 2)
    scores = json.loads((run / "metrics.json").read_text())["splits"]["test"]
    assert scores["persistence"]["mse"] == pytest.approx(persistence, rel=1e-5)
    assert scores["model"]["n_samples"] == test.size
    with pytest.raises(ClimannError, match="contains no grid cell"):  # a box away from the station: none left
        run_training(build_config({"data": {**data, "region": [-80, -60, 140, 160],
                                             "select": {"frequency": 0.1, "direction": 90.0}},
                                   "training": {"epochs": 1}}), run_dir=tmp_path / "away")


# --- fix45c: things other than stations named in their own text variable ---------------------------------
@pytest.mark.parametrize(("dim", "variable", "long_name"), [
    pytest.param("glacier", "glacier_name", "glacier name", id="wgms-glacier-name"),
    pytest.param("basin", "basin_name", "name of the basin", id="named-after-the-dimension"),
])
def test_info_proposes_a_place_by_its_name_and_train_reads_that_place(tmp_path, dim, variable, long_name):
    """fix45c: a CF station file of glaciers (``glacier_name(glacier)``) was proposed ``select = {glacier = 0}``,
    an index no reader of the file knows, its names unread. The name is proposed, and selecting another by name
    reads its column of the file (netCDF4's raw values)."""
    from climann.data.info import describe
    from tests.conftest import unwrapped_report

    names = ["Hintereisferner", "Aletsch", "Storglaciaren"]
    days = xr.date_range("2000-01-01", periods=48, freq="MS", calendar="standard", use_cftime=True)
    values = np.random.default_rng(9).normal(270.0, 5.0, (days.size, 3)).astype(np.float32)
    xr.Dataset({"tas": (("time", dim), values, {"units": "K"})},
               coords={"time": days, variable: (dim, np.array(names, object), {"long_name": long_name}),
                       "lat": (dim, [46.8, 46.5, 67.9], {"units": "degrees_north"}),
                       "lon": (dim, [10.8, 8.0, 18.6], {"units": "degrees_east"})},
               attrs={"featureType": "timeSeries"}).to_netcdf(tmp_path / "places.nc")
    report = unwrapped_report(describe([tmp_path / "places.nc"]))
    assert f'with select = {{{dim} = "Hintereisferner"}} (the first station, Hintereisferner)' in report
    assert f'select = {{{dim} = "Hintereisferner"}}' in describe([tmp_path / "places.nc"]).splitlines()
    with pytest.raises(ClimannError, match=rf"choose one station with --select {dim}=Hintereisferner "):
        open_dataset([tmp_path / "places.nc"])
    import netCDF4

    with netCDF4.Dataset(tmp_path / "places.nc") as handle:
        raw = handle["tas"][:, 1]
    opened = open_dataset([tmp_path / "places.nc"], select={dim: "Aletsch"})
    np.testing.assert_array_equal(opened["tas"].values.ravel(), raw)


def test_a_regional_mean_beside_a_station_is_refused_with_the_line_that_writes_the_box_mean_there(tmp_path,
                                                                                                 monkeypatch, grid):
    """break46b A7: a basin's mean precipitation beside a gauge (--regional-means beside a station target) was
    refused with the line that writes the grid's nearest cell at the gauge, whose "box mean" was then that one
    cell. The refusal writes the box's mean at the station instead, under the feature's name: run as printed, it
    holds numpy's cos-latitude weighted mean of the box's cells, and the run trains on it beside the station."""
    monkeypatch.chdir(tmp_path)
    _stations(grid)[["tas"]].to_netcdf(tmp_path / "stations.nc")
    grid[["pred"]].to_netcdf(tmp_path / "grid.nc")
    box, column = [0.0, 90.0, 60.0, 240.0], "pred_mean_0N-90N_60E-240E"
    settings = {"data": {"paths": [str(tmp_path / "stations.nc"), str(tmp_path / "grid.nc")], "target": "tas",
                         "select": {"station": "PAR"}, "predictors": [], "regional_means": {"pred": box},
                         "lags": {"tas": [1]}},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    with pytest.raises(ClimannError) as error:
        run_training(build_config(settings), run_dir=tmp_path / "run")
    message = str(error.value)
    assert "\n" not in message and "nearest" not in message
    command = message.split("`")[1]
    copy = tmp_path / shlex.split(command)[-1]
    assert f"` (its copy in a new folder), then give --data {copy.relative_to(tmp_path)} in place of grid.nc" in message
    assert message.endswith(f", and name {column} in --predictors ([data] predictors) in place of --regional-means")
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path)
    assert copy.parent != tmp_path and sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == [
        "grid.nc", "stations.nc"]
    lat, lon = grid["lat"].values, grid["lon"].values
    inside = ((lat >= box[0]) & (lat <= box[1]))[:, None] & ((lon >= box[2]) & (lon <= box[3]))[None, :]
    weights = np.cos(np.deg2rad(lat))[:, None] * inside
    expected = (grid["pred"].values.astype(np.float64) * weights).sum(axis=(1, 2)) / weights.sum()
    assert 1 < inside.sum() < inside.size
    with xr.open_dataset(copy) as written:
        np.testing.assert_allclose(written[column].values, expected, rtol=1e-6)
    station = _stations(grid).isel(station=1)
    opened = open_dataset([tmp_path / "stations.nc", copy], select={"station": "PAR"}, grid_of="tas")
    np.testing.assert_allclose(opened[column].values.ravel(), expected, rtol=1e-6)
    assert (opened["lat"].item(), opened["lon"].item()) == (float(station["lat"]), float(station["lon"]))
    settings["data"].update(paths=[str(tmp_path / "stations.nc"), str(copy)], predictors=[column], regional_means={})
    run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    assert (run_dir / "metrics.json").is_file()


def test_float_station_ids_are_listed_whole_and_taken_back(tmp_path):
    """break49c A3: after CDO made GRDC's integer ``id`` doubles, the refusal listed the ids as 6.33502e+06,
    6.33506e+06 (not the ids; refused when typed back). They are listed as the whole numbers they are, and the
    number given back selects that station's series."""
    runoff = _grdc_like(tmp_path / "int.nc")
    with xr.open_dataset(tmp_path / "int.nc") as dataset:
        dataset.assign_coords(id=dataset["id"].astype("f8")).to_netcdf(tmp_path / "GRDC-Daily.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "GRDC-Daily.nc"], select={"id": "NOPE"})
    listed = "6335020, 6335060, 6340110, …"
    assert f"not one of its 4 values ({listed})" in str(error.value) and "e+06" not in str(error.value)
    opened = open_dataset([tmp_path / "GRDC-Daily.nc"], select={"id": 6340110})
    selected = select_values(opened, {"id": 6340110})
    np.testing.assert_array_equal(selected["runoff_mean"].values.ravel(), runoff[:, 2])


def test_the_bounds_advice_for_a_grdc_file_keeps_its_station_names_and_integer_ids(tmp_path):
    """break49c A3: GRDC-Monthly.nc (month-start stamps, no bounds) beside pr with bounds was refused with
    `cdo settbounds,month`, which drops ``station_name`` (text) and makes ``id`` doubles; --select id=LOBITH
    was then refused. The advice is the xarray line, saying why; run as printed, the copy keeps the names and
    integer ids, its bounds are each month (numpy), and LOBITH is selected by its name."""
    from tests.fresh_python import shell_path

    months = np.arange(np.datetime64("1990-01"), np.datetime64("1992-01")).astype("datetime64[ns]")
    ids = np.array(list(GRDC_STATIONS), np.int32)
    runoff = np.arange(months.size * ids.size, dtype="f4").reshape(months.size, ids.size) + 100
    xr.Dataset({"runoff_mean": (("time", "id"), runoff, {"units": "m3/s", "coordinates": "geo_x geo_y"}),
                "station_name": ("id", [name for name, _ in GRDC_STATIONS.values()], {"long_name": "name of station"})},
               coords={"time": ("time", months, {"standard_name": "time"}),
                       "id": ("id", ids, {"long_name": "grdc number", "cf_role": "timeseries_id"}),
                       "geo_x": ("id", [6.11] * 4, {"units": "degree_east"}),
                       "geo_y": ("id", [51.84] * 4, {"units": "degree_north"})},
               attrs={"featureType": "timeSeries"}).to_netcdf(tmp_path / "GRDC-Monthly.nc")
    ends = (months.astype("datetime64[M]") + 1).astype("datetime64[ns]")
    xr.Dataset({"pr": ("time", np.ones(months.size), {"units": "mm/day"}),
                "time_bnds": (("time", "bnds"), np.stack([months, ends], 1))},
               coords={"time": ("time", months + (ends - months) // 2, {"bounds": "time_bnds"}),
                       "lat": ((), 51.84, {"units": "degrees_north"}), "lon": ((), 6.11, {"units": "degrees_east"})}
               ).to_netcdf(tmp_path / "pr.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "GRDC-Monthly.nc", tmp_path / "pr.nc"], select={"id": "LOBITH"})
    message = str(error.value)
    assert "cdo drops text variables, as station_name(id)" in message and "cdo settbounds" not in message
    line = next(part for part in message.split("`") if without_guards(part).startswith("mkdir -p "))
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path,
                   env={"PATH": shell_path()})
    with xr.open_dataset(tmp_path / "with_bounds" / "GRDC-Monthly.nc") as copy:
        assert list(copy["station_name"].values) == [name for name, _ in GRDC_STATIONS.values()]
        assert copy["id"].dtype == np.int32 and list(copy["id"].values) == list(GRDC_STATIONS)
        np.testing.assert_array_equal(copy["time_bnds"].values, np.stack([months, ends], 1))
    opened = open_dataset([tmp_path / "with_bounds" / "GRDC-Monthly.nc", tmp_path / "pr.nc"], select={"id": "LOBITH"})
    np.testing.assert_array_equal(select_values(opened, {"id": "LOBITH"})["runoff_mean"].values.ravel(), runoff[:, 1])
