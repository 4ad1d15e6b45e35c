"""Tests for climann/evaluation/regions.py: boxes, latitude bands and named regions as cell masks."""

import numpy as np
import pytest
import shapely

from climann.errors import ClimannError
from climann.evaluation.regions import (
    box_cells, box_problem, grid_regions, latitude_bands, named_region, named_region_keys,
)


def _grid(lon_start: float, n_lat: int = 18, n_lon: int = 36):
    """Cell centres of a regular 10° grid, longitudes from ``lon_start``, as (n_lat, n_lon) arrays."""
    latitude = np.linspace(-85, 85, n_lat)
    longitude = lon_start + 5 + 10 * np.arange(n_lon)
    return np.meshgrid(latitude, longitude, indexing="ij")


def _cells(latitude, longitude, mask):
    """The set of (lat, lon mod 360) of the cells in ``mask``: comparable across conventions."""
    return {(float(lat), float(lon % 360)) for lat, lon in zip(latitude[mask], longitude[mask], strict=True)}


@pytest.mark.parametrize("box", [pytest.param([-30, 30, 170, -170], id="dateline-180-convention"),
                                 pytest.param([-30, 30, 170, 190], id="dateline-360-convention"),
                                 pytest.param([-30, 30, 165, 195], id="dateline-wider")])
def test_a_dateline_box_holds_the_same_cells_on_both_longitude_conventions(box):
    on_360, on_180 = _grid(0.0), _grid(-180.0)
    west, east = box[2] % 360, box[3] % 360
    for latitude, longitude in (on_360, on_180):
        mask = box_cells(latitude, longitude, box)
        # independently: latitude inside, longitude (0…360) from west to east across 180°
        expected = (latitude >= -30) & (latitude <= 30) & (longitude % 360 >= west) & (longitude % 360 <= east)
        np.testing.assert_array_equal(mask, expected)
        assert mask.any()
    assert _cells(*on_360, box_cells(*on_360, box)) == _cells(*on_180, box_cells(*on_180, box))


@pytest.mark.parametrize("box", [pytest.param([40, 70, 350, 10], id="prime-meridian-360"),
                                 pytest.param([40, 70, -10, 10], id="prime-meridian-180")])
def test_a_box_across_the_prime_meridian_on_both_conventions(box):
    on_360, on_180 = _grid(0.0), _grid(-180.0)
    cells = [_cells(*grid, box_cells(*grid, box)) for grid in (on_360, on_180)]
    assert cells[0] == cells[1] == {(lat, lon) for lat in (45.0, 55.0, 65.0) for lon in (355.0, 5.0)}


def test_a_box_over_every_longitude():
    latitude, longitude = _grid(0.0)
    for box in ([-20, 20, 0, 360], [-20, 20, -180, 180]):
        np.testing.assert_array_equal(box_cells(latitude, longitude, box), np.abs(latitude) <= 20)


def test_the_default_latitude_bands_are_disjoint_cover_the_grid_and_skip_empty_bands():
    latitude, _ = _grid(0.0)
    bands = latitude_bands(latitude)
    assert list(bands) == ["tropics", "northern_extratropics", "southern_extratropics"]
    total = sum(band.cells.astype(int) for band in bands.values())
    np.testing.assert_array_equal(total, np.ones(latitude.shape, dtype=int))
    np.testing.assert_array_equal(bands["tropics"].cells, np.abs(latitude) <= 20)
    north_only = latitude_bands(np.array([[30.0, 50.0]]))
    assert list(north_only) == ["northern_extratropics"]


@pytest.mark.parametrize("values, problem", [
    pytest.param([1, 2, 3], "four numbers", id="three-numbers"),
    pytest.param([-91, 0, 0, 10], "latitudes must be in", id="beyond-the-pole"),
    pytest.param([10, 10, 0, 10], "must be below", id="empty"),
    pytest.param([0, 10, 0, float("nan")], "finite", id="nan"),
    pytest.param([0, 10, 0, 400], "longitudes must be in", id="longitude-400"),
])
def test_bad_boxes_are_named(values, problem):
    assert problem in box_problem(values)


def test_a_good_box_has_no_problem():
    assert box_problem([-10, 10, 170, -170]) is None


@pytest.mark.parametrize("spec, abbrev", [pytest.param("NEU", "NEU", id="srex-abbreviation"),
                                          pytest.param("srex:n. europe", "NEU", id="srex-name-any-case"),
                                          pytest.param("srex:MED", "MED", id="srex-med")])
@pytest.mark.parametrize("lon_start", [pytest.param(0.0, id="lon-0-360"), pytest.param(-180.0, id="lon-180")])
def test_a_named_region_is_the_cells_whose_centre_is_in_its_polygon(spec, abbrev, lon_start):
    """Against a point-in-polygon test with shapely on the SREX outline (longitudes −180…180),
    on a 2° grid offset so that no centre lies on the outline."""
    import regionmask

    latitude, longitude = np.meshgrid(np.arange(20.3, 80, 2.0), lon_start + 0.7 + np.arange(0, 360, 2.0), indexing="ij")
    region = named_region(spec, latitude, longitude)
    srex = regionmask.defined_regions.srex
    polygon = srex.polygons[srex.abbrevs.index(abbrev)]
    east_west = (longitude + 180) % 360 - 180
    expected = shapely.contains_xy(polygon, east_west, latitude)
    assert region.name == abbrev and region.description["kind"] == "srex"
    assert expected.sum() > 20
    np.testing.assert_array_equal(region.cells, expected)


def test_named_regions_of_other_bundled_sets_and_errors():
    latitude, longitude = _grid(0.0)
    assert named_region("giorgi:WAF", latitude, longitude).description["name"] == "Western Africa"
    with pytest.raises(ClimannError, match="no region 'Atlantis' in srex; valid abbreviations: ALA, "):
        named_region("Atlantis", latitude, longitude)


def test_ar6_regions_come_from_regionmasks_cache_and_are_never_downloaded(tmp_path, monkeypatch):
    """Without the cached file, ar6: names are refused in one line (nothing is fetched); with it
    (here a stand-in holding two polygons, written where regionmask's pooch cache keeps the
    real one), they mask the cells inside their polygons like any named region."""
    import socket
    import zipfile

    import geopandas
    import regionmask
    from regionmask.core.options import OPTIONS

    from climann.evaluation.regions import AR6_FILE

    monkeypatch.setitem(OPTIONS, "cache_dir", str(tmp_path / "cache"))
    monkeypatch.setattr(socket.socket, "connect", lambda *args: pytest.fail("a network connection"))
    latitude, longitude = _grid(0.0)
    with pytest.raises(ClimannError, match=r"not in regionmask's cache \(.*cache/v.*/IPCC-WGI-reference-regions"):
        named_region("ar6:NEU", latitude, longitude)
    polygons = [shapely.box(-10, 48, 40, 72), shapely.box(-20, -10, 50, 15)]
    frame = geopandas.GeoDataFrame({"Continent": ["EUROPE", "AFRICA"], "Type": ["Land", "Land"],
                                    "Name": ["N.Europe", "Western-Africa"], "Acronym": ["NEU", "WAF"]},
                                   geometry=polygons, crs="EPSG:4326")
    frame.to_file(tmp_path / "regions.shp")
    cached = tmp_path / "cache" / f"v{regionmask.__version__}" / AR6_FILE
    cached.parent.mkdir(parents=True)
    with zipfile.ZipFile(cached, "w") as archive:
        for part in tmp_path.glob("regions.*"):
            archive.write(part, part.name)
    region = named_region("ar6:NEU", latitude, longitude)
    east_west = (longitude + 180) % 360 - 180
    expected = shapely.contains_xy(polygons[0], east_west, latitude)
    assert region.name == "NEU" and region.description == {"kind": "ar6", "abbrev": "NEU", "name": "N.Europe"}
    assert expected.sum() >= 10
    np.testing.assert_array_equal(region.cells, expected)


def test_two_regions_of_one_abbreviation_from_two_sets_are_both_scored_keyed_by_their_set():
    """eval14 F7: SREX's and Giorgi's MED are other polygons; both are kept, the other names as they were."""
    import regionmask

    latitude, longitude = np.meshgrid(np.arange(20.3, 80, 2.0), 0.7 + np.arange(0, 360, 2.0), indexing="ij")
    regions = grid_regions(latitude, longitude, None, ["NEU", "MED", "prudence:AL", "giorgi:MED"])
    assert list(regions)[-4:] == ["NEU", "srex:MED", "AL", "giorgi:MED"]
    east_west = (longitude + 180) % 360 - 180
    for key, region_set in (("srex:MED", "srex"), ("giorgi:MED", "giorgi")):
        regions_of_set = getattr(regionmask.defined_regions, region_set)
        polygon = regions_of_set.polygons[regions_of_set.abbrevs.index("MED")]
        np.testing.assert_array_equal(regions[key].cells, shapely.contains_xy(polygon, east_west, latitude))
        assert regions[key].description["kind"] == region_set and regions[key].description["abbrev"] == "MED"
    assert (regions["srex:MED"].cells != regions["giorgi:MED"].cells).any()  # two definitions, compared


@pytest.mark.parametrize("specs, keys", [
    pytest.param(["NEU", "MED"], ["NEU", "MED"], id="one-region-per-abbreviation-keeps-its-key"),
    pytest.param(["giorgi:MED", "MED"], ["giorgi:MED", "srex:MED"], id="two-sets"),
    pytest.param(["NEU", "giorgi:NEU"], ["srex:NEU", "giorgi:NEU"], id="srex-by-default"),
])
def test_named_region_keys(specs, keys):
    assert list(named_region_keys(specs).values()) == keys


@pytest.mark.parametrize("specs, message", [
    pytest.param(["MED", "srex:MED"], "named_regions names the region srex:MED twice ('MED' and 'srex:MED'): keep one",
                 id="with-and-without-the-set"),
    pytest.param(["NEU", "n. europe"], "named_regions names the region srex:NEU twice ('NEU' and 'n. europe'): keep one",
                 id="by-abbreviation-and-name"),
])
def test_the_same_region_named_twice_is_refused(specs, message):
    with pytest.raises(ClimannError) as refused:
        named_region_keys(specs)
    assert str(refused.value) == f"[evaluation] {message}"


def test_grid_regions_boxes_replace_the_bands_and_named_regions_come_after():
    latitude, longitude = _grid(0.0)
    regions = grid_regions(latitude, longitude, {"pacific": [-30, 30, 170, -170], "nowhere": [86, 90, 0, 10]},
                           ["NEU"])
    assert list(regions) == ["pacific", "nowhere", "NEU"]
    assert regions["nowhere"].n_cells == 0
    assert regions["pacific"].description == {"kind": "box", "box": [-30, 30, 170, -170]}
    assert list(grid_regions(latitude, longitude, None)) == list(latitude_bands(latitude))


def test_on_a_rotated_grid_regions_use_each_cells_true_coordinates(tmp_path):
    """The EURO-CORDEX-like rotated grid: a box and NEU on the 2-D geographic coordinates."""
    import xarray as xr

    from climann.data.variables import grid_layout
    from climann.evaluation.regions import layout_regions
    from tests.grid_files import rotated_to_geographic, write_rotated, RLAT, RLON

    with xr.open_dataset(write_rotated(tmp_path / "rotated.nc")) as dataset:
        layout = grid_layout(dataset, "tas", ())
    latitude, longitude = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    regions = layout_regions(layout, {"alps": [44, 48, 5, 15]}, ["NEU"], region=())
    expected = (latitude >= 44) & (latitude <= 48) & ((longitude - 5) % 360 <= 10)
    assert expected.any() and not expected.all()
    np.testing.assert_array_equal(regions["alps"].cells, expected)
    import regionmask

    srex = regionmask.defined_regions.srex
    inside = shapely.contains_xy(srex.polygons[srex.abbrevs.index("NEU")], (longitude + 180) % 360 - 180, latitude)
    assert inside.any() and not inside.all()
    np.testing.assert_array_equal(regions["NEU"].cells, inside)


def test_without_regionmask_boxes_work_and_named_regions_name_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "regionmask", None)  # import regionmask raises ImportError
    latitude, longitude = _grid(0.0)
    assert grid_regions(latitude, longitude, {"box": [0, 30, 0, 40]})["box"].n_cells == 12
    with pytest.raises(ClimannError, match=r'needs regionmask: pip install "climann\[regions\]"$'):
        grid_regions(latitude, longitude, None, ["NEU"])


def test_a_region_of_a_set_with_overlapping_regions_is_masked(tmp_path):
    """PRUDENCE regions overlap (regionmask refuses a 2-D mask of the set): each is masked on
    its own, the cells whose centres lie inside its polygon."""
    import regionmask

    latitude, longitude = np.meshgrid(np.arange(-89.3, 90, 2.0), np.arange(0.7, 360, 2.0), indexing="ij")  # off the edges
    region = named_region("prudence:BI", latitude, longitude)
    prudence = regionmask.defined_regions.prudence
    polygon = prudence.polygons[prudence.abbrevs.index("BI")]
    expected = shapely.contains_xy(polygon, (longitude + 180) % 360 - 180, latitude)
    assert region.name == "BI" and expected.sum() >= 3
    np.testing.assert_array_equal(region.cells, expected)


def test_a_named_region_off_the_grid_has_no_cell_and_regionmask_warns_nothing(recwarn):
    """SREX SAH (the Sahara) on a grid over northern Europe: no cell, and no UserWarning of
    regionmask's ("No gridpoint belongs to any region") reaches the user (climann warns once
    itself, when the regions are scored)."""
    latitude, longitude = np.meshgrid(np.arange(50.5, 60, 1.0), np.arange(0.5, 20, 1.0), indexing="ij")
    region = named_region("SAH", latitude, longitude)
    assert region.n_cells == 0 and region.cells.shape == latitude.shape
    assert [str(warning.message) for warning in recwarn] == []


@pytest.mark.parametrize("box", [pytest.param([45, 54, 5, 21], id="without-cell-1-1"),
                                 pytest.param([44.5, 53.9, 5, 21], id="without-cell-3-3")])
def test_with_a_data_region_on_a_rotated_grid_each_region_holds_the_cells_scored(tmp_path, box):
    """break24a F5: ``[data] region`` keeps the rectangle of rows and columns around the box; a
    region (band, box, named) holds the cells inside the box only, counted here with NumPy and
    shapely on the file's own 2-D lat/lon."""
    import netCDF4
    import regionmask
    import xarray as xr

    from climann.data.subset import select_region
    from climann.data.variables import grid_layout
    from climann.evaluation.regions import layout_regions, region_definitions
    from tests.grid_files import write_rotated

    path = write_rotated(tmp_path / "rotated.nc", n_time=12)
    with netCDF4.Dataset(path) as nc:
        latitude, longitude = nc["lat"][:].data, nc["lon"][:].data
    inside = (latitude >= box[0]) & (latitude <= box[1]) & ((longitude - box[2]) % 360 <= (box[3] - box[2]) % 360)
    rectangle = np.ix_(np.arange(1, 4), np.arange(1, 4))  # rows and columns 1–3 hold the box
    assert inside.sum() == inside[rectangle].sum() == 8
    srex = regionmask.defined_regions.srex
    ceu = shapely.contains_xy(srex.polygons[srex.abbrevs.index("CEU")], longitude, latitude)
    wide = (latitude >= 40) & (latitude <= 60) & ((longitude - 0) % 360 <= 40)
    assert wide[rectangle].all() and (ceu & inside).sum() > 0
    with xr.open_dataset(path) as dataset:
        layout = grid_layout(select_region(dataset, box), "tas", ())
    bands = region_definitions(layout_regions(layout, None, ["CEU"], region=box))
    boxes = region_definitions(layout_regions(layout, {"wide": [40, 60, 0, 40]}, region=box))
    assert {name: entry["n_cells"] for name, entry in bands.items()} == {
        "northern_extratropics": 8, "CEU": int((ceu & inside).sum())}
    assert boxes["wide"]["n_cells"] == int((wide & inside).sum()) == 8
