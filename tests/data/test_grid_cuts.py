"""The cut that puts a regional file on the cells of a global one (climann/data/grid_cuts.py):
the box holds exactly the smaller grid's cells, checked by selecting the larger grid's cell
centres in it as ``cdo sellonlatbox`` does; other grids get no cut."""

from __future__ import annotations

import re

import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.grid_cuts import cut_advice, cut_box, interpolation_advice
from tests.grid_files import write_tripolar
from tests.followed_twice import GUARD, run_one_copy, without_guards
from tests.fresh_python import bare_python

#: A global 15° grid, as break10's x.nc.
LAT = np.arange(-82.5, 90.0, 15.0)
LON = np.arange(7.5, 360.0, 15.0)


def _grid(lat, lon) -> dict[str, xr.DataArray]:
    return {"lat": xr.DataArray(np.asarray(lat, float), dims="lat", attrs={"units": "degrees_north"}),
            "lon": xr.DataArray(np.asarray(lon, float), dims="lon", attrs={"units": "degrees_east"})}


def _in_box(lat, lon, box):
    """The centres a ``cdo sellonlatbox,W,E,S,N`` keeps: latitude in S…N, longitude in W…E
    going east (modulo 360°)."""
    west, east, south, north = box
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    return lat[(lat >= south) & (lat <= north)], lon[np.mod(lon - west, 360.0) <= east - west]


@pytest.mark.parametrize(
    ("inner_lat", "inner_lon", "outer_lat", "outer_lon", "expected"),
    [
        pytest.param(LAT[2:10], LON[3:15], LAT, LON, (45.0, 225.0, -60.0, 60.0), id="break10-regional-in-global"),
        pytest.param(LAT[2:10][::-1], LON[3:15], LAT[::-1], LON, (45.0, 225.0, -60.0, 60.0), id="lat-descending"),
        pytest.param(LAT[5:7], [172.5, -172.5, -157.5], LAT, LON, (165.0, 210.0, -15.0, 15.0),
                     id="across-the-dateline-in-180-convention"),
        pytest.param(LAT[5:7], [352.5, 7.5], LAT, np.where(LON > 180, LON - 360, LON), (-15.0, 15.0, -15.0, 15.0),
                     id="across-the-prime-meridian"),
        pytest.param(LAT[:3], LON, LAT, LON, (0.0, 360.0, -90.0, -45.0), id="a-band-of-every-longitude"),
        # break13 F17: a global grid with a cell centred on 0° less one latitude row gave -345…15
        pytest.param(LAT[1:], np.arange(0.0, 360.0, 15.0), LAT, np.arange(0.0, 360.0, 15.0),
                     (0.0, 360.0, -75.0, 90.0), id="every-longitude-with-a-cell-on-0"),
        pytest.param(LAT[1:], np.arange(-180.0, 180.0, 15.0), LAT, np.arange(-180.0, 180.0, 15.0),
                     (-180.0, 180.0, -75.0, 90.0), id="every-longitude-in-180-convention"),
    ],
)
def test_the_box_holds_exactly_the_smaller_grids_cells(inner_lat, inner_lon, outer_lat, outer_lon, expected):
    box = cut_box(_grid(inner_lat, inner_lon), _grid(outer_lat, outer_lon), tolerance=1e-3)
    assert box == pytest.approx(expected)
    kept_lat, kept_lon = _in_box(outer_lat, outer_lon, box)
    np.testing.assert_allclose(np.sort(kept_lat), np.sort(inner_lat))
    np.testing.assert_allclose(np.sort(np.mod(kept_lon, 360.0)), np.sort(np.mod(inner_lon, 360.0)))


@pytest.mark.parametrize(
    ("inner_lat", "inner_lon"),
    [
        pytest.param(LAT, LON, id="the-same-grid"),
        pytest.param(LAT[::-1], np.where(LON > 180, LON - 360, LON), id="the-same-cells-in-another-order"),
        pytest.param(LAT[2:10] + 7.5, LON[3:15], id="shifted-by-half-a-cell"),
        pytest.param(LAT[2:10] + 0.1, LON[3:15], id="shifted-by-a-tenth-of-a-degree"),
        pytest.param(LAT[2:10:2], LON[3:15:2], id="every-second-cell"),
    ],
)
def test_no_cut_for_grids_whose_cells_are_not_a_part(inner_lat, inner_lon):
    assert cut_box(_grid(inner_lat, inner_lon), _grid(LAT, LON), tolerance=1e-3) is None


def test_no_cut_for_a_curvilinear_grid():
    lat2d = xr.DataArray(np.zeros((2, 3)), dims=("y", "x"), attrs={"units": "degrees_north"})
    lon2d = xr.DataArray(np.zeros((2, 3)), dims=("y", "x"), attrs={"units": "degrees_east"})
    assert cut_box({"lat": lat2d, "lon": lon2d}, _grid(LAT, LON), tolerance=1e-3) is None


def test_the_advice_names_the_file_to_cut_and_its_copy_in_a_new_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    advice = cut_advice(_grid(LAT[2:10], LON[3:15]), "tgt_region.nc", _grid(LAT, LON), tmp_path / "x.nc",
                        tolerance=1e-3)
    assert without_guards(advice) == ("tgt_region.nc's 8×12 cells are cells of x.nc's grid, so no interpolation is needed: cut x.nc "
                      "to them (longitude 45…225, latitude -60…60), e.g. `mkdir -p cut && cdo "
                      "sellonlatbox,45,225,-60,60 x.nc cut/x.nc` (its copy in a new folder), then give --data cut/x.nc "
                      "in place of x.nc")


def test_a_band_of_every_longitude_is_said_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lon = np.arange(0.0, 360.0, 15.0)
    advice = cut_advice(_grid(LAT[1:], lon), "short.nc", _grid(LAT, lon), tmp_path / "full.nc", tolerance=1e-3)
    assert "cut full.nc to them (all longitudes, latitude -75…90), e.g. `mkdir -p cut && cdo sellonlatbox,0,360,-75,90 " in \
        without_guards(advice)


def test_the_interpolation_advice_puts_longitudes_in_the_reference_s_convention(tmp_path):
    """A −180…180 predictor beside a 0…360 target across the date line: the advised xarray line
    moves its longitudes to 0…360 before interpolating, so the target's 170°…200° cells get the
    predictor's values (a field linear in longitude across 180°: 0.1 per degree east of 150°E)
    rather than NaN beyond 180°, and its bounds, the old cells', are left out. Run as printed, into a new
    folder (fix53j)."""
    import os
    import re
    import shlex

    from tests.fresh_python import shell_path

    target_lon, own_lon = np.array([170.0, 180.0, 190.0, 200.0]), np.array([-170.0, -150.0, 150.0, 170.0])
    target = {**_grid([0.0, 10.0], target_lon)}
    own = {**_grid([-10.0, 20.0], own_lon)}
    own["lon"].attrs["bounds"] = "lon_bnds"
    xr.Dataset(coords=target).to_netcdf(tmp_path / "target.nc")
    east_of_150 = np.mod(own_lon - 150.0, 360.0)
    xr.Dataset({"sst": (("lat", "lon"), np.tile(0.1 * east_of_150, (2, 1)), {"units": "degC"}),
                "lon_bnds": (("lon", "nv"), np.column_stack([own_lon - 10, own_lon + 10]))},
               coords=own).to_netcdf(tmp_path / "sst.nc")
    advice = interpolation_advice(target, tmp_path / "target.nc", own, tmp_path / "sst.nc")
    words = shlex.split(re.search(r"`mkdir -p \S+ && (python -c .*?)` \(its copy in a new folder\)",
                                  bare_python(advice)).group(1))
    assert "% 360" in words[2] and "drop_vars(['lon_bnds']" in words[2]
    assert words[3:] == [str(tmp_path / "sst.nc"), str(tmp_path / "regridded" / "sst.nc")]
    followed = run_one_copy(advice.split("without CDO", 1)[1], env={**os.environ, "PATH": shell_path()})
    assert followed["copy"] == str(tmp_path / "regridded" / "sst.nc")
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["sst.nc", "target.nc"]  # nothing beside
    regridded = xr.open_dataset(followed["copy"])
    np.testing.assert_allclose(regridded["sst"].values, np.tile(0.1 * (target_lon - 150.0), (2, 1)), rtol=1e-12)
    assert "lon_bnds" not in regridded.variables


def _yearly_files_on_another_grid(folder):
    """tas.nc (3 years, 3×4 cells of 10°) and pr_2000.nc … pr_2002.nc (a year each, 5×7 cells of 5° over them)."""
    import pandas as pd

    def axis(name, values, kind):
        return (name, np.asarray(values, float), {"standard_name": kind, "units": f"degrees_{kind[:3]}"})

    time = pd.date_range("2000-01-01", periods=36, freq="MS")
    rng = np.random.default_rng(45)
    xr.Dataset({"tas": (("time", "lat", "lon"), rng.normal(280, 1, (36, 3, 4)), {"units": "K"})},
               coords={"time": time, "lat": axis("lat", [10, 20, 30], "latitude"),
                       "lon": axis("lon", [0, 10, 20, 30], "longitude")}).to_netcdf(folder / "tas.nc")
    for year in range(3):
        xr.Dataset({"pr": (("time", "lat", "lon"), rng.normal(1, 0.1, (12, 5, 7)), {"units": "kg m-2 s-1"})},
                   coords={"time": time[12 * year:12 * year + 12], "lat": axis("lat", np.arange(5) * 5 + 10, "latitude"),
                           "lon": axis("lon", np.arange(7) * 5, "longitude")}).to_netcdf(folder / f"pr_{2000 + year}.nc")


@pytest.mark.parametrize("tool", [pytest.param("cdo", id="cdo-remapcon"), pytest.param("python", id="xarray-interp")])
def test_the_interpolation_of_yearly_files_on_another_grid_copies_each_and_the_copies_train(tmp_path, monkeypatch,
                                                                                            tool):
    """fix45b: tas.nc beside pr_2000.nc … pr_2002.nc on a 5° grid was told to interpolate pr_2000.nc alone (its copy
    given, the other two were refused again), and the xarray line wrote the copy's name itself (half a file left
    where it failed). Each line is a loop over the three files into a new folder, the xarray one writing OUT.part
    then renaming it; run as printed, the copies hold xarray's interp of each file onto tas.nc's grid (cdo's:
    a conservative remapping onto its larger cells, by hand, break46c A3), and open with tas.nc."""
    import re
    import shutil
    import subprocess

    from climann.data.open import open_dataset
    from climann.errors import ClimannError
    from tests.fresh_python import shell_path

    if tool == "cdo" and shutil.which("cdo") is None:
        pytest.skip("needs cdo")
    monkeypatch.chdir(tmp_path)
    _yearly_files_on_another_grid(tmp_path)
    files = [tmp_path / name for name in ("tas.nc", "pr_2000.nc", "pr_2001.nc", "pr_2002.nc")]
    with pytest.raises(ClimannError) as refused:
        open_dataset(files, grid_of="tas", variables=("tas", "pr"))
    message = str(refused.value)
    assert "interpolate pr_2000.nc, pr_2001.nc and 1 more file conservatively (an area-weighted average of the " \
        "cells each new cell covers) onto tas.nc's grid" in message
    loops = dict(re.findall(r"(mkdir -p regridded && \( for f in pr_200\*\.nc; do (\S+) .*?; done \))"
                            r" \(a copy of each of its 3 files in a new folder\), then give --data 'regridded/\*\.nc'",
                            message))
    loops = {"python" if name == shell.advised_python() else name: loop for loop, name in loops.items()}
    assert set(loops) == {"cdo", "python"}, message  # the python climann names (fix57d)
    if tool == "python":
        assert "p=sys.argv[2]+'.part'" in loops["python"] and "to_netcdf('" not in loops["python"]
    subprocess.run(["bash", "-c", loops[tool]], check=True, cwd=tmp_path, capture_output=True,
                   env={**__import__("os").environ, "PATH": shell_path()})
    assert sorted(path.name for path in (tmp_path / "regridded").iterdir()) == ["pr_2000.nc", "pr_2001.nc",
                                                                              "pr_2002.nc"]
    def regridded(path, grid):
        with xr.open_dataset(path) as own:
            if tool == "python":
                return own["pr"].interp(lat=grid["lat"], lon=grid["lon"]).values
            return np.stack([conservative_remap(month, own["lat"].values, own["lon"].values, grid["lat"].values,
                                                grid["lon"].values) for month in own["pr"].values])

    with xr.open_dataset(tmp_path / "tas.nc") as grid:
        expected = np.concatenate([regridded(path, grid) for path in files[1:]])
    opened = open_dataset([files[0], *sorted((tmp_path / "regridded").iterdir())], grid_of="tas",
                          variables=("tas", "pr"))
    np.testing.assert_allclose(opened["pr"].values, expected, rtol=1e-6)
    with xr.open_dataset(files[0]) as own:
        np.testing.assert_array_equal(opened["tas"].values, own["tas"].values)


def _without_coordinates_attribute(path, names):
    """``path`` with the ``coordinates`` attribute of ``names`` deleted (as files rewritten by tools
    other than CMOR come): their 2-D latitude and longitude are then plain variables."""
    import netCDF4

    with netCDF4.Dataset(path, "a") as nc:
        for name in names:
            if "coordinates" in nc[name].ncattrs():
                nc[name].delncattr("coordinates")
    return path


@pytest.mark.parametrize("unmarked", [pytest.param((), id="coordinates-named"),
                                      pytest.param(("siconc", "areacello"), id="none-named"),
                                      pytest.param(("areacello",), id="areacello-unnamed")])
@pytest.mark.parametrize("areas_first", [False, True], ids=["data-first", "areas-first"])
def test_the_whole_grids_cell_areas_beside_a_cut_are_matched_to_its_cells(tmp_path, unmarked, areas_first):
    """break40a A5 / break47a A2: siconc of a tripolar grid cut with `ncks -d j,6,11` beside the whole
    grid's areacello was refused (told the ncks line that cuts it; with the 2-D latitudes named by no
    `coordinates` attribute, xarray's "cannot reindex or align along dimension 'j'", or 'latitude' of
    areacello called a variable without coordinate values, and a Python line that failed). The areas
    are matched to the data's cells by the index values j, i both files hold (checked by their latitudes
    and longitudes): the whole grid's areas at rows 6…11, by numpy slicing, in any order of the files."""
    from climann.data.open import open_dataset

    data = write_tripolar(tmp_path / "siconc_SIday.nc", rows=slice(6, 12))
    areas = write_tripolar(tmp_path / "areacello_Ofx.nc", variable="areacello")
    for path, name in ((data, "siconc"), (areas, "areacello")):
        if name in unmarked:
            _without_coordinates_attribute(path, [name])
    opened = open_dataset([areas, data] if areas_first else [data, areas])
    with xr.open_dataset(areas) as whole, xr.open_dataset(data) as cut:
        np.testing.assert_array_equal(opened["areacello"].values, whole["areacello"].values[6:12])
        np.testing.assert_array_equal(opened["siconc"].values, cut["siconc"].values)
        np.testing.assert_array_equal(opened["latitude"].values, whole["latitude"].values[6:12])


@pytest.mark.skipif(__import__("shutil").which("ncks") is None, reason="needs NCO")
@pytest.mark.parametrize("unmarked", [False, True], ids=["coordinates-named", "none-named"])
@pytest.mark.parametrize("vertices", [True, False], ids=["with-vertices", "without-vertices"])
def test_a_cut_beside_another_variable_of_the_whole_grid_is_told_the_ncks_line_that_cuts_it(tmp_path, monkeypatch,
                                                                                            unmarked, vertices):
    """break40a A5 / break47a A2: data of the whole grid beside a cut are not cut silently (their area
    means would change): the refusal gives the ncks line that cuts the same rows, also when no
    `coordinates` attribute names the 2-D latitudes (xarray's "cannot reindex or align" was the whole
    message); followed literally and given in place of the original, the files open, the cut's values
    the whole grid's rows 6…11. fix48c: with CMIP's vertices_latitude/longitude in both files (their
    cells' corners, 12 rows in one, 6 in the other), the corners were refused first as variables held
    twice, with renames that would have kept the wrong grid."""

    from climann.data.open import open_dataset
    from climann.errors import ClimannError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sh").mkdir()
    data = write_tripolar(tmp_path / "sh" / "siconc_SIday.nc", rows=slice(6, 12))
    with xr.open_dataset(write_tripolar(tmp_path / "whole.nc")) as whole:
        whole = whole.rename({"siconc": "sisnconc"})
        (whole if vertices else whole.drop_vars(["vertices_latitude", "vertices_longitude"])).to_netcdf(
            tmp_path / "sh" / "sisnconc_SIday.nc")
    other = tmp_path / "sh" / "sisnconc_SIday.nc"
    if unmarked:
        _without_coordinates_attribute(data, ["siconc"])
        _without_coordinates_attribute(other, ["sisnconc"])
    with pytest.raises(ClimannError) as refused:
        open_dataset([data, other])
    message = str(refused.value)
    assert "reindex" not in message and "remapbil" not in message
    # run as printed: its copy in a new folder (fix54b: sh/sisnconc_SIday_fixed.nc beside the file, taken with it by a glob)
    assert without_guards(message.split("`")[1]) == "mkdir -p sh/cut && ncks -d j,6,11 sh/sisnconc_SIday.nc sh/cut/sisnconc_SIday.nc"
    followed = run_one_copy(message)
    assert (followed["copy"], followed["original"]) == ("sh/cut/sisnconc_SIday.nc", "sh/sisnconc_SIday.nc")
    opened = open_dataset([data, tmp_path / followed["copy"]])
    with xr.open_dataset(other) as whole:
        np.testing.assert_array_equal(opened["sisnconc"].values, whole["sisnconc"].values[:, 6:12])
        if vertices:
            np.testing.assert_array_equal(opened["vertices_latitude"].values, whole["vertices_latitude"].values[6:12])


@pytest.mark.skipif(__import__("shutil").which("ncks") is None, reason="needs NCO")
@pytest.mark.parametrize("areas_indexed", [True, False], ids=["areas-with-j-i", "areas-without"])
def test_a_cut_without_index_values_beside_the_whole_grids_areas_is_told_the_ncks_line_found_by_positions(
        tmp_path, monkeypatch, areas_indexed):
    """break47a A2: a cut whose j, i coordinate variables were dropped has no index values to match the
    areas by; it was told "cell areas of another grid … give the cell-area file of the data's own grid".
    Its cells are found in the whole grid by their latitudes and longitudes: the refusal gives the ncks
    line that cuts rows 6…11, which, run and its copy given, opens with the whole grid's areas there."""

    from climann.data.open import open_dataset
    from climann.errors import ClimannError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sh").mkdir()
    for name, rows, variable in (("siconc_SIday", slice(6, 12), "siconc"), ("areacello_Ofx", slice(None), "areacello")):
        written = write_tripolar(tmp_path / f"{name}_indexed.nc", rows=rows, variable=variable)
        with xr.open_dataset(written) as dataset:
            kept = dataset if variable == "areacello" and areas_indexed else dataset.drop_vars(["j", "i"])
            kept.to_netcdf(tmp_path / "sh" / f"{name}.nc")
    data, areas = tmp_path / "sh" / "siconc_SIday.nc", tmp_path / "sh" / "areacello_Ofx.nc"
    with pytest.raises(ClimannError) as refused:
        open_dataset([data, areas])
    message = str(refused.value)
    assert "siconc_SIday.nc's 6×8 cells are the cells j 6…11 of areacello_Ofx.nc's grid (the same latitudes" in message
    # run as printed: its copy in a new folder (fix54b: sh/areacello_Ofx_fixed.nc beside the file, taken with it by a glob)
    assert without_guards(message.split("`")[1]) == "mkdir -p sh/cut && ncks -d j,6,11 sh/areacello_Ofx.nc sh/cut/areacello_Ofx.nc"
    followed = run_one_copy(message)
    assert (followed["copy"], followed["original"]) == ("sh/cut/areacello_Ofx.nc", "sh/areacello_Ofx.nc")
    opened = open_dataset([data, tmp_path / followed["copy"]])
    with xr.open_dataset(areas) as whole:
        np.testing.assert_array_equal(opened["areacello"].values, whole["areacello"].values[6:12])


def test_a_cut_whose_rows_were_numbered_afresh_gets_no_cut_by_index_values(tmp_path, monkeypatch):
    """Rows j 6…11 renumbered 0…5 (as some tools write a cut): their index values are the whole
    grid's first rows, but their latitudes are not: no ncks line for rows 0…5 (it would give
    the areas of other cells)."""
    from climann.data.open import open_dataset
    from climann.errors import ClimannError

    monkeypatch.chdir(tmp_path)
    data = write_tripolar(tmp_path / "siconc_SIday.nc", rows=slice(6, 12), numbered_from=0)
    areas = write_tripolar(tmp_path / "areacello_Ofx.nc", variable="areacello")
    with pytest.raises(ClimannError) as refused:
        open_dataset([data, areas])
    assert "ncks -d j" not in str(refused.value)
    assert "cell areas are not interpolated" in str(refused.value)


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges halfway between ascending centres, the outer ones as far out as the inner."""
    middle = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - middle[0]], middle, [2 * centres[-1] - middle[-1]]])


def _overlaps(source: np.ndarray, destination: np.ndarray) -> np.ndarray:
    """(k, n) lengths of the intervals between ascending ``destination`` edges (k + 1) that fall in
    those between ``source`` edges (n + 1)."""
    low = np.maximum(destination[:-1, None], source[None, :-1])
    high = np.minimum(destination[1:, None], source[None, 1:])
    return np.clip(high - low, 0.0, None)


def conservative_remap(values: np.ndarray, lat: np.ndarray, lon: np.ndarray, new_lat: np.ndarray,
                       new_lon: np.ndarray) -> np.ndarray:
    """First-order conservative remapping of ``values`` (lat, lon) on a regular latitude-longitude
    grid onto another, by hand: each new cell the mean of the valid old values weighted by the
    area they share (the sine of latitude times longitude between cell edges), missing where it
    shares no area with a valid value (Jones 1999; CDO's remapcon normalised by the valid area).
    Axes in any order."""
    lat_order, lon_order = np.argsort(lat), np.argsort(lon)
    new_lat_order, new_lon_order = np.argsort(new_lat), np.argsort(new_lon)
    sines = [np.sin(np.radians(np.clip(_edges(np.sort(axis)), -90, 90))) for axis in (lat, new_lat)]
    lat_weights = _overlaps(*sines)
    lon_weights = _overlaps(_edges(np.sort(lon)), _edges(np.sort(new_lon)))
    ordered = values[np.ix_(lat_order, lon_order)]
    valid = np.isfinite(ordered)
    total = lat_weights @ np.where(valid, ordered, 0.0) @ lon_weights.T
    area = lat_weights @ valid.astype(float) @ lon_weights.T
    remapped = np.where(area > 0, total / np.where(area > 0, area, 1.0), np.nan)
    out = np.empty_like(remapped)
    out[np.ix_(new_lat_order, new_lon_order)] = remapped
    return out


def _target_and_finer_predictor_files(folder):
    """As MODIS MOD08_M3 beside MERRA-2 (break46c A1, A3): the target ``aod`` in MOD08_*.nc, a month each
    on a 2° grid (latitude descending, 15 % of the values missing), the predictor ``tau`` in
    MERRA2_*.nc4 on a grid of 1°×1.25° cells over it, with a few values missing."""
    import pandas as pd

    rng = np.random.default_rng(46)
    time = pd.date_range("2003-01-01", periods=24, freq="MS")
    lat, lon = np.arange(19.0, 0, -2.0), np.arange(-9.0, 10, 2.0)
    fine_lat, fine_lon = np.arange(0.0, 20.01, 1.0), np.arange(-10.0, 10.01, 1.25)
    degrees = {"lat": {"units": "degrees_north"}, "lon": {"units": "degrees_east"}}
    for step, when in enumerate(time):
        aod = 0.2 + 0.1 * rng.random((1, lat.size, lon.size))
        aod[rng.random(aod.shape) < 0.15] = np.nan
        xr.Dataset({"aod": (("time", "lat", "lon"), aod, {"units": "1"})},
                   coords={"time": [when], "lat": ("lat", lat, degrees["lat"]), "lon": ("lon", lon, degrees["lon"])}
                   ).to_netcdf(folder / f"MOD08_M3.A{when:%Y%j}.061.nc")
        tau = 0.3 + 0.1 * rng.random((1, fine_lat.size, fine_lon.size))
        tau[rng.random(tau.shape) < 0.02] = np.nan
        tau[0][np.ix_(fine_lat >= 14.5, fine_lon <= -4)] = np.nan  # a corner without values: whole cells missing
        xr.Dataset({"tau": (("time", "lat", "lon"), tau, {"units": "1"})},
                   coords={"time": [when], "lat": ("lat", fine_lat, degrees["lat"]),
                           "lon": ("lon", fine_lon, degrees["lon"])}
                   ).to_netcdf(folder / f"MERRA2_300.{when:%Y%m}.nc4")


def _ran(command: str, folder) -> None:
    import os
    import subprocess

    from tests.fresh_python import shell_path

    subprocess.run(["bash", "-c", command], check=True, cwd=folder, capture_output=True,
                   env={**os.environ, "PATH": shell_path()})


@pytest.mark.skipif(__import__("shutil").which("cdo") is None, reason="needs cdo")
def test_a_finer_predictor_is_averaged_conservatively_and_the_advised_data_keeps_the_target(tmp_path, monkeypatch):
    """break46c A1, A3: a target on 2° cells beside a predictor on 1°×1.25° cells in one folder.
    The refusal averages every predictor file conservatively (cdo remapcon, not remapbil, which samples
    the finer cells) into a folder of its own, and its --data keeps the target's files (given
    'regridded/*.nc4' alone, the target was gone). Run as printed: the copies equal a conservative
    remapping by hand (numpy), missing exactly where it is, and the advised --data opens both."""
    import re
    import shlex

    from climann.data.open import expand_paths, open_dataset
    from climann.errors import ClimannError

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "aod"
    folder.mkdir()
    _target_and_finer_predictor_files(folder)
    with pytest.raises(ClimannError) as refused:
        open_dataset(expand_paths(["aod/*"]), grid_of="aod", variables=("aod", "tau"))
    message = str(refused.value)
    assert "conservatively" in message and "remapbil" not in message, message
    loop = re.search(r"(mkdir -p aod/regridded && \( for f in aod/\*\.nc4; do cdo remapcon,\S+ .*?; done \))", message)
    data = re.search(r"then give (--data '[^']+') in place of the originals, with the other files of aod given as "
                     r"before \((--data '[^']+')\)", message)
    assert loop and data, message
    _ran(loop.group(1), tmp_path)
    advised = shlex.split(f"{data.group(1)} {data.group(2)}")[1::2]
    assert advised == ["aod/regridded/*.nc4", "aod/MOD08_M3.*.061.nc"]
    opened = open_dataset(expand_paths(advised), grid_of="aod", variables=("aod", "tau"))
    with xr.open_dataset(folder / "MOD08_M3.A2003001.061.nc") as target, \
            xr.open_mfdataset(sorted(folder.glob("MERRA2_*.nc4"))) as fine:
        expected = np.stack([conservative_remap(fine["tau"].values[step], fine["lat"].values, fine["lon"].values,
                                                target["lat"].values, target["lon"].values) for step in range(24)])
    held = opened["tau"].transpose("time", "lat", "lon").sel(lat=target["lat"].values).values
    np.testing.assert_array_equal(np.isnan(held), np.isnan(expected))
    np.testing.assert_allclose(held, expected, rtol=1e-5)
    assert np.isnan(held).mean() == pytest.approx(np.isnan(expected).mean()) and np.isnan(expected).mean() > 0.03
    assert opened["aod"].shape == (24, 10, 10)


@pytest.mark.skipif(__import__("shutil").which("cdo") is None, reason="needs cdo")
def test_a_gappy_file_refined_onto_smaller_cells_is_advised_conservatively_and_keeps_its_cells(tmp_path):
    """fix46g saw it: an SST on 10° cells with scattered land (missing) cells, put on a 5° grid, was advised
    ``remapbil``, which leaves missing every new cell next to a missing one. Now ``remapcon`` (and xarray's
    nearest centre within half a cell): run as printed, each 5° cell holds the value of the 10° cell it lies in (numpy, by index), missing
    exactly where that cell is; bilinearly, many more would be."""
    import re
    import subprocess

    from tests.fresh_python import shell_path

    rng = np.random.default_rng(46)
    coarse_lat, coarse_lon = np.arange(-35.0, 40.0, 10.0), np.arange(5.0, 360.0, 10.0)
    fine_lat, fine_lon = np.arange(-37.5, 40.0, 5.0), np.arange(2.5, 360.0, 5.0)
    sst = rng.normal(290.0, 3.0, (2, coarse_lat.size, coarse_lon.size))
    land = rng.random((coarse_lat.size, coarse_lon.size)) < 0.06
    sst[:, land] = np.nan
    time = ("time", [0.0, 31.0], {"units": "days since 2000-01-01"})
    xr.Dataset({"sst": (("time", "lat", "lon"), sst, {"units": "K"})},
               coords={"time": time, **_grid(coarse_lat, coarse_lon)}).to_netcdf(tmp_path / "sst.nc")
    xr.Dataset({"tas": (("time", "lat", "lon"), np.zeros((2, fine_lat.size, fine_lon.size)), {"units": "K"})},
               coords={"time": time, **_grid(fine_lat, fine_lon)}).to_netcdf(tmp_path / "tas.nc")
    advice = interpolation_advice(_grid(fine_lat, fine_lon), tmp_path / "tas.nc", _grid(coarse_lat, coarse_lon),
                                  tmp_path / "sst.nc")
    assert "remapbil" not in advice and "conservatively" in advice, advice
    cdo, python = re.findall(r"`([^`]+)`", advice)
    assert without_guards(cdo).startswith(f"mkdir -p {tmp_path / 'regridded'} && cdo remapcon,")
    assert "method='nearest', tolerance=5.000005" in python
    expected = sst[:, :, np.repeat(np.arange(coarse_lon.size), 2)][:, np.repeat(np.arange(coarse_lat.size), 2)]
    env = {**__import__("os").environ, "PATH": shell_path()}
    for command in (cdo, python):
        (tmp_path / "regridded" / "sst.nc").unlink(missing_ok=True)
        subprocess.run(["bash", "-c", command], check=True, capture_output=True, env=env, cwd=tmp_path)
        assert not list(tmp_path.glob("sst_*.nc"))  # nothing beside sst.nc
        with xr.open_dataset(tmp_path / "regridded" / "sst.nc") as regridded:
            held = regridded["sst"].transpose("time", "lat", "lon").values
        np.testing.assert_array_equal(np.isnan(held), np.isnan(expected), err_msg=command)
        np.testing.assert_allclose(held[~np.isnan(held)], expected[~np.isnan(expected)], rtol=1e-6, err_msg=command)
    # the former advice, for the record of what it lost
    subprocess.run(["cdo", "-s", f"remapbil,{tmp_path / 'tas.nc'}", str(tmp_path / "sst.nc"),
                    str(tmp_path / "bilinear.nc")], check=True, capture_output=True)
    with xr.open_dataset(tmp_path / "bilinear.nc") as bilinear:
        assert np.isnan(bilinear["sst"].values).mean() > 2 * np.isnan(expected).mean()


def test_a_file_without_missing_cells_is_still_refined_bilinearly(tmp_path):
    """Round the globe (5…355°E), CDO's remapbil fills the rows past the outermost latitudes too (-37.5° from
    -35°): bilinear stays the advice. Onto a regional box past its outermost centres it does not
    (test_a_box_refined_past_its_outermost_centres_…)."""
    coarse_lat, coarse_lon = np.arange(-35.0, 40.0, 10.0), np.arange(5.0, 360.0, 10.0)
    xr.Dataset({"sst": (("lat", "lon"), np.full((coarse_lat.size, coarse_lon.size), 290.0))},
               coords=_grid(coarse_lat, coarse_lon)).to_netcdf(tmp_path / "sst.nc")
    advice = interpolation_advice(_grid(np.arange(-37.5, 40.0, 5.0), np.arange(2.5, 360.0, 5.0)), tmp_path / "tas.nc",
                                  _grid(coarse_lat, coarse_lon), tmp_path / "sst.nc")
    assert "cdo remapbil," in advice and "bilinearly" in advice and "method='nearest'" not in advice
    within = interpolation_advice(_grid(np.arange(20.0, 31.0, 5.0), np.arange(10.0, 31.0, 5.0)), tmp_path / "tas.nc",
                                  _grid(np.arange(15.0, 36.0, 10.0), np.arange(5.0, 36.0, 10.0)), tmp_path / "sst.nc")
    assert "cdo remapbil," in within and "outermost" not in within  # a box within a box's outermost centres


@pytest.mark.skipif(__import__("shutil").which("cdo") is None, reason="needs cdo")
def test_a_box_refined_past_its_outermost_centres_is_advised_the_remapping_that_fills_it(tmp_path):
    """break47b A4: CRU TS at 0.5° and MOD13C2 NDVI at 0.05° over the same 5°×5° box (10…15°N, 0…5°E). The NDVI
    centres reach 0.225° past the outermost CRU centres on every side, where bilinear interpolation has no
    neighbour: the advised ``cdo remapbil`` left 10 of 100 rows and of 100 columns missing, 1 − 0.9² = 19 % of
    the cells. Now ``remapcon`` (and xarray's nearest centre within half a cell): run as printed, no cell is
    missing (numpy counts them), each 0.05° cell the value of the 0.5° cell it lies in (by index)."""
    import os
    import re
    import subprocess

    from tests.fresh_python import shell_path

    rng = np.random.default_rng(47)
    coarse_lat, coarse_lon = np.arange(10.25, 15.0, 0.5), np.arange(0.25, 5.0, 0.5)
    fine_lat, fine_lon = np.arange(14.975, 10.0, -0.05), np.arange(0.025, 5.0, 0.05)  # north to south, as MODIS
    pre = rng.gamma(1.0, 50.0, (2, coarse_lat.size, coarse_lon.size))
    time = ("time", [0.0, 31.0], {"units": "days since 2001-01-01"})
    xr.Dataset({"pre": (("time", "lat", "lon"), pre, {"units": "mm/month"})},
               coords={"time": time, **_grid(coarse_lat, coarse_lon)}).to_netcdf(tmp_path / "cru.nc")
    xr.Dataset({"ndvi": (("time", "lat", "lon"), np.zeros((2, fine_lat.size, fine_lon.size)), {"units": "1"})},
               coords={"time": time, **_grid(fine_lat, fine_lon)}).to_netcdf(tmp_path / "ndvi.nc")
    advice = interpolation_advice(_grid(fine_lat, fine_lon), tmp_path / "ndvi.nc", _grid(coarse_lat, coarse_lon),
                                  tmp_path / "cru.nc")
    assert "remapbil" not in advice and "outermost cell centres" in advice, advice
    cdo, python = re.findall(r"`([^`]+)`", advice)
    assert without_guards(cdo).startswith(f"mkdir -p {tmp_path / 'regridded'} && cdo remapcon,")
    assert "method='nearest'" in python
    # the 0.5° cell each 0.05° centre lies in, by index: floor((centre − edge) / 0.5)
    rows = np.floor((fine_lat - 10.0) / 0.5).astype(int)
    columns = np.floor((fine_lon - 0.0) / 0.5).astype(int)
    expected = pre[:, rows][:, :, columns]
    env = {**os.environ, "PATH": shell_path()}
    for command in (cdo, python):
        (tmp_path / "regridded" / "cru.nc").unlink(missing_ok=True)
        subprocess.run(["bash", "-c", command], check=True, capture_output=True, env=env, cwd=tmp_path)
        assert not list(tmp_path.glob("cru_*.nc"))  # nothing beside cru.nc
        with xr.open_dataset(tmp_path / "regridded" / "cru.nc") as regridded:
            held = regridded["pre"].transpose("time", "lat", "lon").values
        assert np.isnan(held).sum() == 0, command
        np.testing.assert_allclose(held, expected, rtol=1e-6, err_msg=command)
    # the former advice, for the record of what it lost: 19 % of the cells
    subprocess.run(["cdo", "-s", f"remapbil,{tmp_path / 'ndvi.nc'}", str(tmp_path / "cru.nc"),
                    str(tmp_path / "bilinear.nc")], check=True, capture_output=True)
    with xr.open_dataset(tmp_path / "bilinear.nc") as bilinear:
        assert np.isnan(bilinear["pre"].values).mean() == pytest.approx(1 - 0.9 ** 2)


def test_the_whole_grids_cell_areas_beside_a_cut_are_kept_for_a_run_and_weigh_its_scores(tmp_path, monkeypatch):
    """break48e A2: open_dataset cut the whole grid's areacello to the data's rows (above), but the
    run left it out first, on "another grid" (files_on_grid_of / cell_areas_on_grid_of), warned that
    it was not used and computed areas (metrics.json cell_areas 'computed'). Kept now: the run's
    cell_areas is 'areacello', and its climatology MSE is the areacello[6:12]-weighted mean of numpy's
    (areas made unequal to the computed ones, within 5 %)."""
    import json

    from climann.data.open import cell_areas_on_grid_of, files_on_grid_of
    from climann.data.renames import FileRenames
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    data = write_tripolar(tmp_path / "siconc_SIday.nc", rows=slice(6, 12), n_time=60)
    areas = write_tripolar(tmp_path / "areacello_Ofx.nc", variable="areacello")
    with xr.open_dataset(areas) as whole:
        unequal = whole.load()
    # off the cells' own areas by up to 5 %: areas of other cells (remapped from another grid) are refused (break57a A2)
    factor = np.random.default_rng(3).uniform(0.95, 1.05, unequal["areacello"].shape)
    unequal["areacello"] = unequal["areacello"] * factor
    unequal.to_netcdf(areas)
    renames = FileRenames([data, areas], {})
    assert files_on_grid_of([data, areas], "siconc", renames) == [data, areas]
    assert cell_areas_on_grid_of([data, areas], [areas], "siconc", renames) == [data, areas]
    config = build_config({"data": {"paths": [str(data), str(areas)], "target": "siconc"}, "model": {"hidden": [4]},
                           "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_training(config, run_dir=tmp_path / "run")
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["cell_areas"] == "areacello"
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        test = predictions["split"].values == 3  # flag_meanings "train val test"
        error = predictions["siconc_error"].values[test]
    weights = np.broadcast_to(unequal["areacello"].values[6:12], error.shape)
    held = np.isfinite(error)
    by_hand = np.sum(weights[held] * error[held] ** 2) / np.sum(weights[held])
    np.testing.assert_allclose(metrics["splits"]["test"]["model"]["mse"], by_hand, rtol=1e-6)


def _ease_target_and_lat_lon_predictor(folder):
    """break49b A3: a SWE on a cut of EASE-Grid 2.0 North (EPSG:6931 x/y in m, 25 km, its 2-D lat and lon named by
    the data's ``coordinates``) in swe/, and an ERA5-like t2m on a 0.25° latitude-longitude grid (latitude
    descending) in era5/, 24 months; the t2m and its axes, and the SWE grid's latitude and longitude."""
    import pandas as pd
    import pyproj

    x0, y0 = pyproj.Transformer.from_crs(4326, 6931, always_xy=True).transform(25.0, 65.0)
    x = np.round(x0 / 25000) * 25000 + 12500 + 25000 * np.arange(-4, 4)
    y = np.round(y0 / 25000) * 25000 + 12500 - 25000 * np.arange(-3, 3)
    lon, lat = pyproj.Transformer.from_crs(6931, 4326, always_xy=True).transform(*np.meshgrid(x, y))
    time = pd.date_range("2000-01-01", periods=24, freq="MS")
    rng = np.random.default_rng(3)
    swe = np.clip(rng.normal(40, 20, (24, *lat.shape)), 0, None).astype("f4")
    crs = xr.DataArray(np.int32(0), attrs={"grid_mapping_name": "lambert_azimuthal_equal_area",
                                           "longitude_of_projection_origin": 0.0, "latitude_of_projection_origin": 90.0,
                                           "false_easting": 0.0, "false_northing": 0.0, "semi_major_axis": 6378137.0,
                                           "inverse_flattening": 298.257223563})
    (folder / "swe").mkdir()
    xr.Dataset({"swe": (("time", "y", "x"), swe, {"long_name": "Snow Water Equivalent", "units": "mm",
                                                  "grid_mapping": "crs", "coordinates": "lat lon"}),
                "crs": crs,
                "lat": (("y", "x"), lat, {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": (("y", "x"), lon, {"standard_name": "longitude", "units": "degrees_east"})},
               coords={"time": time, "x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "m"}),
                       "y": ("y", y, {"standard_name": "projection_y_coordinate", "units": "m"})}
               ).to_netcdf(folder / "swe" / "swe.nc")
    latitude, longitude = np.arange(70.0, 60.0 - 0.01, -0.25), np.arange(15.0, 35.0 + 0.01, 0.25)
    month = time.month.values[:, None, None]
    t2m = (273.15 - 15 * np.cos(2 * np.pi * (month - 1) / 12) - 0.8 * (latitude[None, :, None] - 65)
           + 2 * np.sin(np.deg2rad(8 * longitude))[None, None, :]).astype("f4")
    (folder / "era5").mkdir()
    xr.Dataset({"t2m": (("time", "latitude", "longitude"), t2m, {"long_name": "2 metre temperature", "units": "K"})},
               coords={"time": time, "latitude": ("latitude", latitude, {"units": "degrees_north"}),
                       "longitude": ("longitude", longitude, {"units": "degrees_east"})}).to_netcdf(folder / "era5" /
                                                                                                    "t2m.nc")
    return t2m, latitude, longitude, lat, lon


def test_a_lat_lon_predictor_beside_an_ease_grid_target_is_told_the_cdo_line_that_makes_them_one(tmp_path,
                                                                                              monkeypatch):
    """break49b A3: the refusal said only "e.g. cdo remapbil or xESMF", where two latitude-longitude grids get a
    ready line. It gives the cdo remapbil onto the target's file; run as printed, the copy holds the bilinear
    interpolation of t2m at each EASE cell's latitude and longitude (SciPy's RegularGridInterpolator) and trains."""
    import re
    import shutil

    from scipy.interpolate import RegularGridInterpolator
    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    t2m, latitude, longitude, lat, lon = _ease_target_and_lat_lon_predictor(tmp_path)
    arguments = ["--target", "swe", "--predictors", "t2m", "--epochs", "1"]
    result = CliRunner().invoke(app, ["train", "--data", "swe/", "--data", "era5/", *arguments, "--out", "run"])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()[-1:]
    assert line.startswith("climann: error: the files are on different grids") and "e.g. cdo" not in line
    command = re.search(rf"`({GUARD}mkdir -p era5/regridded && cdo [^`]+)`", line).group(1)
    assert without_guards(command) == ("mkdir -p era5/regridded && cdo remapbil,swe/swe.nc era5/t2m.nc "
                                       "era5/regridded/t2m.nc")
    assert "(its copy in a new folder), then give --data era5/regridded/t2m.nc in place of era5/t2m.nc" in line
    if shutil.which("cdo") is None:
        pytest.skip("needs cdo to run the printed line")
    followed = run_one_copy(line, tmp_path)
    assert followed["command"] == command and followed["copy"] == "era5/regridded/t2m.nc"
    assert sorted(path.name for path in (tmp_path / "era5").glob("*.nc")) == ["t2m.nc"]  # nothing beside
    points = np.stack([lat.ravel(), lon.ravel()], axis=-1)
    expected = np.stack([RegularGridInterpolator((latitude[::-1], longitude), month[::-1])(points).reshape(lat.shape)
                         for month in t2m.astype(np.float64)])
    with xr.open_dataset(tmp_path / "era5" / "regridded" / "t2m.nc") as copy:
        np.testing.assert_allclose(copy["t2m"].values, expected, rtol=1e-6)
    result = CliRunner().invoke(app, ["train", "--data", "swe/", "--data", followed["copy"], *arguments,
                                      "--out", "run"])
    assert result.exit_code == 0, result.output


def _curvilinear_target_without_coordinates(folder, lat, lon, *, corners):
    """A GPCP-like target in gpcp/precip.nc: precip(time, nlat, nlon) over 24 months, its 2-D latitude(nlat, nlon)
    and longitude(nlat, nlon) (``lat``, ``lon``) named by no ``coordinates`` attribute (CDO reads the grid as
    generic); with ``corners``, their CF bounds (nlat, nlon, 4), each cell's corners half-way to its neighbours."""
    import netCDF4

    (folder / "gpcp").mkdir()
    rows, columns = lat.shape
    with netCDF4.Dataset(folder / "gpcp" / "precip.nc", "w") as nc:
        for name, size in (("time", None), ("nlat", rows), ("nlon", columns), ("nv", 4)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.standard_name = "days since 2000-01-01", "time"
        time[:] = [(np.datetime64(f"{2000 + k // 12}-{k % 12 + 1:02d}-01") - np.datetime64("2000-01-01")).astype(int)
                   for k in range(24)]
        for name, values, units in (("latitude", lat, "degrees_north"), ("longitude", lon, "degrees_east")):
            variable = nc.createVariable(name, "f8", ("nlat", "nlon"))
            variable.standard_name, variable.units = name, units
            variable[:] = values
            if corners:  # each corner the mean of the four centres around it, the outer ones extrapolated
                padded = np.pad(values, 1, mode="reflect", reflect_type="odd")
                vertex = (padded[:-1, :-1] + padded[1:, :-1] + padded[:-1, 1:] + padded[1:, 1:]) / 4
                variable.bounds = f"{name}_bounds"
                bounds = nc.createVariable(f"{name}_bounds", "f8", ("nlat", "nlon", "nv"))
                bounds[:] = np.stack([vertex[:-1, :-1], vertex[:-1, 1:], vertex[1:, 1:], vertex[1:, :-1]], axis=-1)
        precip = nc.createVariable("precip", "f4", ("time", "nlat", "nlon"))
        precip.units, precip.long_name = "mm/d", "precipitation"
        precip[:] = np.random.default_rng(57).gamma(0.6, 5, (24, rows, columns))


@pytest.mark.parametrize("corners", [pytest.param(False, id="centres"), pytest.param(True, id="with-corners")])
def test_a_lat_lon_predictor_beside_a_curvilinear_target_cdo_reads_as_generic_gets_its_grid_description(
        tmp_path, monkeypatch, corners):
    """fix57d: a target on a curvilinear grid whose 2-D latitude and longitude no ``coordinates`` attribute names
    (CDO reads it as generic: `cdo remapbil,precip.nc` aborts) beside ERA5's t2m was told only "Regridding is out
    of scope". The refusal now gives the cdo remapbil line onto CDO's curvilinear description of the target's
    grid (its centres, and its corners when the file has them), written into the copy's new folder; run by bash
    as printed, the copy holds the bilinear interpolation of t2m at each target cell's latitude and longitude
    (SciPy's RegularGridInterpolator) at the target's cells, and the original's folder holds it and the new
    folder only."""
    import shutil

    from scipy.interpolate import RegularGridInterpolator
    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    t2m, latitude, longitude, lat, lon = _ease_target_and_lat_lon_predictor(tmp_path)
    shutil.rmtree(tmp_path / "swe")
    _curvilinear_target_without_coordinates(tmp_path, lat, lon, corners=corners)
    arguments = ["--target", "precip", "--predictors", "t2m", "--epochs", "1"]
    result = CliRunner().invoke(app, ["train", "--data", "gpcp/", "--data", "era5/", *arguments, "--out", "run"])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()[-1:]
    assert line.startswith("climann: error: the files are on different grids") and "out of scope" not in line, line
    assert "'gridtype = curvilinear' 'gridsize = 48' 'xsize = 8' 'ysize = 6' " in line, line
    assert ("'nvertex = 4'" in line) == corners and ("'xbounds = " in line) == corners, line
    if shutil.which("cdo") is None:
        pytest.skip("needs cdo to run the printed line")
    followed = run_one_copy(line, tmp_path)
    assert followed["copy"] == "era5/regridded/t2m.nc" and followed["original"] == "era5/t2m.nc"
    assert sorted(path.name for path in (tmp_path / "era5").iterdir()) == ["regridded", "t2m.nc"]
    assert sorted(path.name for path in (tmp_path / "era5" / "regridded").iterdir()) == ["t2m.nc", "target_grid.txt"]
    points = np.stack([lat.ravel(), lon.ravel()], axis=-1)
    expected = np.stack([RegularGridInterpolator((latitude[::-1], longitude), month[::-1])(points).reshape(lat.shape)
                         for month in t2m.astype(np.float64)])
    with xr.open_dataset(tmp_path / "era5" / "regridded" / "t2m.nc") as copy:
        np.testing.assert_allclose(copy["t2m"].values, expected, rtol=1e-6)
        np.testing.assert_allclose(copy["lat"].values, lat, rtol=1e-9)  # at the target's cells
        np.testing.assert_allclose(copy["lon"].values, lon, rtol=1e-9)


def _daily_layout_and_subset(folder):
    """GPCP 1DD's layout (mk_1dd.py of break49a), monthly here: precip_2000.nc and precip_2001.nc on
    dimensions nlat (6, -75…75 every 30°) and nlon (8, 22.5…337.5 every 45°) with the 1-D variables
    latitude(nlat) and longitude(nlon), no coordinates attribute; and CERES EBAF's subset layout,
    cld.nc on lat/lon, rows 1…4 and columns 0…3 of that grid, over the same 24 months."""
    import netCDF4

    days = [(np.datetime64(f"{2000 + k // 12}-{k % 12 + 1:02d}-01") - np.datetime64("2000-01-01")).astype(int)
            for k in range(24)]
    lat, lon = np.arange(-75.0, 90, 30), np.arange(22.5, 360, 45)
    rng = np.random.default_rng(49)
    precip = rng.gamma(0.6, 5, (24, 6, 8)).astype(np.float32)
    cld = rng.uniform(0, 100, (24, 4, 4)).astype(np.float32)

    def axis(nc, name, dim, values, kind):
        variable = nc.createVariable(name, "f4", (dim,))
        variable.standard_name, variable.units = kind, f"degrees_{kind[:3]}"
        variable[:] = values

    def time(nc, steps):
        nc.createDimension("time", None)
        variable = nc.createVariable("time", "f4", ("time",))
        variable.standard_name, variable.units = "time", "days since 2000-01-01 00:00:00"
        variable[:] = steps

    for year in range(2):
        with netCDF4.Dataset(folder / f"precip_{2000 + year}.nc", "w") as nc:
            nc.createDimension("nlat", 6)
            nc.createDimension("nlon", 8)
            axis(nc, "latitude", "nlat", lat, "latitude")
            axis(nc, "longitude", "nlon", lon, "longitude")
            time(nc, days[12 * year:12 * year + 12])
            variable = nc.createVariable("precip", "f4", ("time", "nlat", "nlon"), fill_value=np.float32(-99999.0))
            variable.units = "mm/day"
            variable[:] = precip[12 * year:12 * year + 12]
    with netCDF4.Dataset(folder / "cld.nc", "w") as nc:
        nc.createDimension("lat", 4)
        nc.createDimension("lon", 4)
        axis(nc, "lat", "lat", lat[1:5], "latitude")
        axis(nc, "lon", "lon", lon[:4], "longitude")
        time(nc, days)
        variable = nc.createVariable("cld", "f4", ("time", "lat", "lon"), fill_value=np.float32(-999.0))
        variable.units = "percent"
        variable[:] = cld
    return precip, cld


@pytest.mark.skipif(__import__("shutil").which("ncks") is None, reason="needs NCO")
def test_files_whose_axes_lie_on_other_dimensions_beside_a_subset_are_told_the_loop_that_cuts_every_one(
        tmp_path, monkeypatch):
    """break49a A1: GPCP 1DD (latitude(nlat), longitude(nlon)) beside a CERES EBAF subset was refused by train
    with xarray's "conflicting sizes for dimension 'latitude'" (the diagnosis read the undecoded files, where
    latitude is no coordinate, and found no grid), where info gave the grids' difference and a cut. Train now
    gives info's refusal; the cut is one loop over both files (a cut of the first alone left the second
    refused), by index with ncks (CDO reads no grid on nlat/nlon: sellonlatbox aborts). Run as printed and its
    folder given, the files open, precip the originals' rows 1…4 and columns 0…3 (numpy slicing), and train."""
    import re
    import subprocess

    from typer.testing import CliRunner

    from climann.cli import app
    from climann.data.open import open_dataset
    from climann.errors import ClimannError
    from tests.fresh_python import shell_path

    monkeypatch.chdir(tmp_path)
    precip, cld = _daily_layout_and_subset(tmp_path)
    files = [tmp_path / "precip_2000.nc", tmp_path / "precip_2001.nc", tmp_path / "cld.nc"]
    with pytest.raises(ClimannError) as refused:
        open_dataset(files, grid_of="precip", variables=("precip", "cld"))
    message = str(refused.value)
    assert "conflicting sizes" not in message
    assert message.startswith("the files are on different grids: latitude has 6 values in precip_2000.nc and 4 in "
                              "cld.nc; cld.nc's 4×4 cells are the cells nlat 1…4, nlon 0…3 of the grid of "
                              "precip_2000.nc, precip_2001.nc (longitude 0…180, latitude -60…60; "), message
    loop = re.search(r"(mkdir -p cut && \( for f in precip_200\*\.nc; do ncks -d nlat,1,4 -d nlon,0,3 \"\$f\" "
                     r"cut/\"\$\{f##\*/\}\" \|\| exit 1; done \)) \(a copy of each of its 2 files in a new folder\), then give "
                     r"--data 'cut/\*\.nc' in place of the originals", message)
    assert loop, message
    info = CliRunner().invoke(app, ["info", *(path.name for path in files)])
    assert info.exit_code == 0, info.output
    assert loop[1] in " ".join(re.sub(r"(?m)^# ", "", info.output).split()), info.output
    subprocess.run(["bash", "-c", loop[1]], check=True, cwd=tmp_path, capture_output=True,
                   env={**__import__("os").environ, "PATH": shell_path()})
    opened = open_dataset([tmp_path / "cut" / "precip_2000.nc", tmp_path / "cut" / "precip_2001.nc", files[2]],
                          grid_of="precip", variables=("precip", "cld"))
    np.testing.assert_array_equal(opened["precip"].values, precip[:, 1:5, 0:4])
    np.testing.assert_array_equal(opened["cld"].values, cld)
    result = CliRunner().invoke(app, ["train", "--data", "cut/*.nc", "--data", "cld.nc", "--target", "precip",
                                      "--predictors", "cld", "--epochs", "1", "--out", "run"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "metrics.json").exists()


def _wave_files(folder, units="Degree true"):
    """An ERA5-like wave file on 1° cells (20…40°N, 280…320°E, centres at half degrees) with ``mwd``
    spread round north (some cells missing) and ``swh``, and a target file on 4° cells of the same box."""
    rng = np.random.default_rng(52)
    lat, lon = np.arange(39.5, 20.0, -1.0), np.arange(280.5, 320.0, 1.0)
    mwd = np.mod(rng.normal(0.0, 40.0, (2, lat.size, lon.size)), 360.0)
    mwd[:, rng.random((lat.size, lon.size)) < 0.05] = np.nan
    time = ("time", [0.0, 3.0], {"units": "hours since 1900-01-01"})
    xr.Dataset({"mwd": (("time", "lat", "lon"), mwd, {"units": units, "long_name": "Mean wave direction"}),
                "swh": (("time", "lat", "lon"), 2 + rng.random(mwd.shape), {"units": "m"})},
               coords={"time": time, **_grid(lat, lon)}).to_netcdf(folder / "era5.nc")
    target_lat, target_lon = np.arange(22.0, 40.0, 4.0), np.arange(282.0, 320.0, 4.0)
    xr.Dataset({"vhm0": (("time", "lat", "lon"), np.ones((2, target_lat.size, target_lon.size)), {"units": "m"})},
               coords={"time": time, **_grid(target_lat, target_lon)}).to_netcdf(folder / "cmems.nc")
    return lat, lon, mwd, target_lat, target_lon


def _circular_mean(degrees, weights, axes):
    """The weighted circular mean of angles in degrees (Fisher 1993, eq. 2.9), in 0…360°; NaN
    where every weight is on missing values (``nan_all``) or any is (``nan_any``)."""
    radians = np.radians(degrees)
    return np.degrees(np.arctan2(np.nansum(np.sin(radians) * weights, axis=axes),
                                 np.nansum(np.cos(radians) * weights, axis=axes))) % 360.0


@pytest.mark.skipif(__import__("shutil").which("cdo") is None, reason="needs cdo")
def test_a_direction_is_regridded_by_its_sine_and_cosine_and_the_lines_give_its_circular_mean(tmp_path):
    """break52b A1: the regrid advice for an ERA5 wave file averaged ``mwd`` ("Degree true") as numbers
    (cdo remapcon: 350° and 10° gave 180°, a median 16° and up to 179° off). Now both lines, run as
    printed, regrid its sine and cosine and recover the angle with atan2: CDO's remapcon gives the
    cell-area weighted circular mean of the 4×4 source cells in each 4° cell (areas sin φn − sin φs,
    missing cells left out), xarray's bilinear interp the equally weighted circular mean of the four
    centres round each new centre (NaN beside a missing one), both by NumPy; ``swh`` is untouched."""
    import re
    import subprocess

    from tests.fresh_python import shell_path

    lat, lon, mwd, target_lat, target_lon = _wave_files(tmp_path)
    advice = interpolation_advice(_grid(target_lat, target_lon), tmp_path / "cmems.nc", _grid(lat, lon),
                                  tmp_path / "era5.nc")
    assert "mwd: a direction" in advice and "atan2" in advice, advice
    cdo, python = re.findall(r"`([^`]+)`", advice)
    assert "remapcon," in cdo
    # by hand: 4x4 blocks, rows weighted by their spherical areas, missing cells left out
    rows = (np.sin(np.radians(lat + 0.5)) - np.sin(np.radians(lat - 0.5)))[:, None] * np.ones(lon.size)
    blocks = lambda a: a.reshape(a.shape[:-2] + (5, 4, 10, 4))[..., ::-1, :, :, :]  # noqa: E731 — rows south→north
    weights = np.where(np.isnan(mwd), 0.0, rows)
    conservative = _circular_mean(blocks(np.nan_to_num(mwd)), blocks(weights), (-3, -1))
    # bilinear at 22°, 282°…: the four centres 21.5/22.5 × 281.5/282.5, equal weights, NaN beside a missing one
    north_up = mwd[:, ::-1]
    corners = np.stack([north_up[:, 1 + 4 * i + a, 1 + 4 * j + b] for a in (0, 1) for b in (0, 1)
                        for i in range(5) for j in range(10)], axis=-1).reshape(2, 4, 5, 10)
    bilinear = np.where(np.isnan(corners).any(axis=1), np.nan,
                        _circular_mean(np.nan_to_num(corners), np.ones_like(corners), 1))
    env = {**__import__("os").environ, "PATH": shell_path()}
    for command, expected in ((cdo, conservative), (python, bilinear)):
        (tmp_path / "regridded" / "era5.nc").unlink(missing_ok=True)
        subprocess.run(["bash", "-c", command], check=True, capture_output=True, env=env, cwd=tmp_path)
        assert not list(tmp_path.glob("era5_*.nc"))  # nothing beside era5.nc
        with xr.open_dataset(tmp_path / "regridded" / "era5.nc") as regridded:
            held = regridded["mwd"].transpose("time", "lat", "lon").sortby("lat").values
            assert set(regridded.data_vars) == {"mwd", "swh"}, command
            assert regridded["mwd"].attrs["units"] == "Degree true"
        np.testing.assert_array_equal(np.isnan(held), np.isnan(expected), err_msg=command)
        assert np.nanmin(held) >= 0.0 and np.nanmax(held) < 360.0, command
        off = np.abs((held - expected + 180.0) % 360.0 - 180.0)
        assert np.nanmax(off) < 1e-6, (command, np.nanmax(off))


def _omon_target_and_amon_predictors(folder):
    """CMIP6 CESM2-like files: Omon tos on (nlat, nlon) with 2-D lat/lon named ``lat``/``lon`` and their
    corners (lat_bnds(nlat, nlon, 4)), beside Amon tas and uas on their own 1-D lat/lon of the same names
    with 2-value bounds (lat_bnds(lat, 2)): 24 months of a noleap calendar."""
    n_lat, n_lon = 6, 8
    jj, ii = np.meshgrid(np.arange(n_lat), np.arange(n_lon), indexing="ij")
    lat2d = -62.5 + 25.0 * jj + 2.0 * np.sin(np.deg2rad(45.0 * ii))
    lon2d = np.mod(22.5 + 45.0 * ii + 3.0 * jj, 360.0)
    time = {"time": ("time", np.arange(24) * 30.0 + 15.0, {"units": "days since 1980-01-01", "calendar": "noleap",
                                                           "standard_name": "time"})}
    rng = np.random.default_rng(53)
    tos = xr.Dataset(
        {"tos": (("time", "nlat", "nlon"), (20 - 0.2 * np.abs(lat2d) + rng.normal(0, 0.5, (24, n_lat, n_lon))
                                            ).astype("f4"), {"standard_name": "sea_surface_temperature",
                                                             "units": "degC"}),
         "lat_bnds": (("nlat", "nlon", "d4"), np.stack([lat2d + d for d in (-12.5, -12.5, 12.5, 12.5)], -1)),
         "lon_bnds": (("nlat", "nlon", "d4"), np.stack([lon2d + d for d in (-22.5, 22.5, 22.5, -22.5)], -1))},
        coords={**time, "lat": (("nlat", "nlon"), lat2d, {"standard_name": "latitude", "units": "degrees_north",
                                                          "bounds": "lat_bnds"}),
                "lon": (("nlat", "nlon"), lon2d, {"standard_name": "longitude", "units": "degrees_east",
                                                  "bounds": "lon_bnds"})})
    tos.to_netcdf(folder / "tos_Omon_CESM2_historical_r1i1p1f1_gn_198001-198112.nc")
    lat, lon = np.linspace(-85.0, 85.0, 18), np.arange(0.0, 360.0, 15.0)
    for name, standard_name, units in (("tas", "air_temperature", "K"), ("uas", "eastward_wind", "m s-1")):
        xr.Dataset(
            {name: (("time", "lat", "lon"), rng.normal(280 if name == "tas" else 0, 3, (24, lat.size, lon.size)
                                                       ).astype("f4"), {"standard_name": standard_name,
                                                                         "units": units}),
             "lat_bnds": (("lat", "bnds"), np.stack([lat - 5, lat + 5], -1)),
             "lon_bnds": (("lon", "bnds"), np.stack([lon - 7.5, lon + 7.5], -1))},
            coords={**time, "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north",
                                                 "bounds": "lat_bnds"}),
                    "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east",
                                         "bounds": "lon_bnds"})},
        ).to_netcdf(folder / f"{name}_Amon_CESM2_historical_r1i1p1f1_gn_198001-198112.nc")


def test_named_predictors_on_another_grid_than_a_curvilinear_target_are_told_the_regridding_loop(tmp_path,
                                                                                                  monkeypatch):
    """break53a A4: Amon tas and uas named as predictors of a curvilinear Omon tos, their 1-D lat beside its 2-D
    lat of the same name, were refused as "lat's cell bounds are not the same" with an ncks -A of the ocean's
    corners into a copy of tas.nc that fails when pasted. Now the refusal says the grids differ and gives the one
    loop that puts both predictors on the target's grid; run as printed, each copy is on it and the run trains."""
    import re
    import shutil
    import subprocess

    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cmip").mkdir()
    _omon_target_and_amon_predictors(tmp_path / "cmip")
    arguments = ["--target", "tos", "--predictors", "tas,uas", "--epochs", "1"]
    result = CliRunner().invoke(app, ["train", "--data", "cmip/", *arguments, "--out", "run"])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()[-1:]
    assert line.startswith("climann: error: the files are on different grids: a 6 × 8 curvilinear grid (2-D lat, lon "
                           "on nlat, nlon) in tos_"), line  # its cells, not "lat has 48 values" (break54a A3)
    assert "against a 18 × 24 latitude–longitude grid (lat, lon) in tas_" in line
    assert "cell bounds" not in line and "ncks" not in line
    command = re.search(r"with them\): (.*?; done \)) \(a copy of each of its 2 files in a new folder\), then give "
                        r"--data 'cmip/regridded/\*\.nc' in place of the originals", line).group(1)
    if shutil.which("cdo") is None:
        pytest.skip("needs cdo to run the printed line")
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path, capture_output=True)
    with xr.open_dataset(tmp_path / "cmip" / "tos_Omon_CESM2_historical_r1i1p1f1_gn_198001-198112.nc") as tos:
        for name in ("tas", "uas"):
            with xr.open_dataset(tmp_path / "cmip" / "regridded" /
                                 f"{name}_Amon_CESM2_historical_r1i1p1f1_gn_198001-198112.nc") as copy:
                assert copy[name].shape == tos["tos"].shape
                np.testing.assert_allclose(copy["lat"].values, tos["lat"].values)
    result = CliRunner().invoke(app, ["train", "--data", "cmip/tos_Omon_CESM2_historical_r1i1p1f1_gn_198001-198112.nc",
                                      "--data", "cmip/regridded/*.nc", *arguments, "--out", "run"])
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(__import__("shutil").which("cdo") is None, reason="needs cdo")
def test_a_target_whose_axes_lie_on_other_dimensions_is_given_to_cdo_by_a_grid_description(tmp_path, monkeypatch):
    """break56b A1: the GPCP v2.3 CDR stores ``latitude(nlat)`` and ``longitude(nlon)``, a grid CDO reads as
    generic, and the advised ``cdo remapcon,<gpcp file>`` aborted ("Unsupported target grid type (generic)").
    Now the line writes CDO a description of the target's grid into the copy's new folder; run as printed, the
    copy is numpy's conservative remapping of the 1° file onto the 2.5° cells, the original's folder holds only
    the original, and the copy opens beside the target on one grid."""
    from climann.data.open import open_dataset

    monkeypatch.chdir(tmp_path)
    (tmp_path / "gpcp").mkdir()
    (tmp_path / "ceres").mkdir()
    gpcp_lat, gpcp_lon = np.arange(-88.75, 90, 2.5), np.arange(1.25, 360, 2.5)
    time = ("time", [0.0], {"units": "days since 2001-03-01"})
    xr.Dataset({"precip": (("time", "nlat", "nlon"), np.ones((1, 72, 144), "f4"), {"units": "mm/day"}),
                "latitude": ("nlat", gpcp_lat, {"units": "degrees_north", "standard_name": "latitude"}),
                "longitude": ("nlon", gpcp_lon, {"units": "degrees_east", "standard_name": "longitude"})},
               coords={"time": time}).to_netcdf(tmp_path / "gpcp" / "gpcp.nc")
    lat, lon = np.arange(-89.5, 90, 1.0), np.arange(0.5, 360, 1.0)
    flux = np.random.default_rng(56).normal(250.0, 10.0, (1, lat.size, lon.size))
    xr.Dataset({"toa": (("time", "lat", "lon"), flux, {"units": "W m-2"})},
               coords={"time": time, **_grid(lat, lon)}).to_netcdf(tmp_path / "ceres" / "ceres.nc")
    target = {"latitude": xr.DataArray(gpcp_lat, dims="latitude", attrs={"units": "degrees_north"}),
              "longitude": xr.DataArray(gpcp_lon, dims="longitude", attrs={"units": "degrees_east"})}
    advice = interpolation_advice(target, tmp_path / "gpcp" / "gpcp.nc", _grid(lat, lon),
                                  tmp_path / "ceres" / "ceres.nc")
    cdo = next(command for command in re.findall(r"`([^`]+)`", advice) if "remapcon" in command)
    assert "target_grid.txt" in cdo and "remapcon,/" not in cdo, advice
    _ran(cdo, tmp_path)
    assert sorted(path.name for path in (tmp_path / "ceres").iterdir() if path.is_file()) == ["ceres.nc"]
    copy = tmp_path / "ceres" / "regridded" / "ceres.nc"
    assert sorted(path.name for path in copy.parent.iterdir()) == ["ceres.nc", "target_grid.txt"]
    expected = conservative_remap(flux[0], lat, lon, gpcp_lat, gpcp_lon)
    with xr.open_dataset(copy) as written:
        held = written["toa"].transpose("time", "lat", "lon").values[0]
    np.testing.assert_allclose(held, expected, rtol=1e-5)
    opened = open_dataset([tmp_path / "gpcp" / "gpcp.nc", copy], grid_of="precip", variables=("precip", "toa"))
    np.testing.assert_allclose(opened["toa"].values.reshape(72, 144), expected, rtol=1e-5)
