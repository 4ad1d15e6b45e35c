"""Two files of one station each, at different places (climann/data/point_pairs.py): refused as
two places with the line that pairs them, not advised a regridding; the line, run, gives the
copy that combines with the other file, values unchanged."""

from __future__ import annotations

import re
import shlex

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.info import describe
from climann.data.open import open_dataset
from climann.data.point_pairs import place_of
from climann.errors import ClimannError
from tests.conftest import unwrapped_report
from tests.fresh_python import bare_python, run_python

#: The urban and the rural station of break35a A4 (Paris-Montsouris, Trappes).
URBAN, RURAL = (48.82, 2.34), (48.77, 2.01)


def _station(name: str, position: tuple[float, float], seed: int) -> xr.Dataset:
    """A CF single-station file (featureType timeSeries): ``name(station, time)`` daily for two
    years at ``position``, float32 lat/lon on ``station`` of length 1, as ``ncks -d station,0`` cuts it."""
    time = pd.date_range("2019-01-01", periods=730, freq="D")
    values = np.random.default_rng(seed).normal(283.0, 3.0, (1, time.size)).astype(np.float32)
    return xr.Dataset(
        {name: (("station", "time"), values, {"units": "K", "standard_name": "air_temperature"})},
        coords={"time": time,
                "lat": ("station", np.array([position[0]], np.float32), {"units": "degrees_north",
                                                                       "standard_name": "latitude"}),
                "lon": ("station", np.array([position[1]], np.float32), {"units": "degrees_east",
                                                                       "standard_name": "longitude"}),
                "station_name": ("station", [name.upper()], {"cf_role": "timeseries_id"})},
        attrs={"Conventions": "CF-1.8", "featureType": "timeSeries"})


@pytest.fixture
def pair(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _station("tas", URBAN, seed=1).to_netcdf(tmp_path / "urban.nc")
    _station("tas_rural", RURAL, seed=2).to_netcdf(tmp_path / "rural.nc")
    return tmp_path


def test_two_stations_at_different_places_are_not_advised_a_regridding(pair):
    """break35a A4: an urban and a rural station file were told to be put on one grid with `cdo
    remapbil or xESMF`, which cannot bring one point onto another."""
    with pytest.raises(ClimannError) as error:
        open_dataset([pair / "urban.nc", pair / "rural.nc"])
    message = str(error.value)
    assert message.startswith(
        "urban.nc and rural.nc hold different places, one point each: urban.nc at 48.82° N, 2.34° E, rural.nc at "
        "48.77° N, 2.01° E; a point is not interpolated onto another point")
    assert "put them on one grid" not in message and "takes the two stations as one place" in message
    assert message.endswith("then give that copy in place of rural.nc in --data")


def test_the_advised_line_pairs_the_stations_at_the_first_position(pair):
    """The line of the refusal writes rural_at_urban.nc, which combines with urban.nc: the rural
    values unchanged, at the urban position; the original file untouched."""
    with pytest.raises(ClimannError) as error:
        open_dataset([pair / "urban.nc", pair / "rural.nc"])
    code = re.search(r'`python -c "(.*)"`', bare_python(str(error.value))).group(1)
    run_python("-c", code, check=True, cwd=pair)
    opened = open_dataset([pair / "urban.nc", pair / "rural_at_urban.nc"])
    rural = _station("tas_rural", RURAL, seed=2)
    np.testing.assert_array_equal(opened["tas_rural"].values.ravel(), rural["tas_rural"].values.ravel())
    np.testing.assert_array_equal(opened["tas"].values.ravel(), _station("tas", URBAN, seed=1)["tas"].values.ravel())
    np.testing.assert_array_equal(opened["lat"].values.ravel(), np.float32([URBAN[0]]))
    with xr.open_dataset(pair / "rural.nc") as original:
        np.testing.assert_array_equal(original["lat"].values, np.float32([RURAL[0]]))


#: Two moored buoys of the Irish Marine Data Buoy Network (M4 and M6) as WAVEWATCH III point
#: output gives them, each cut to its station with ``ncks -d station,N``: station numbers 5 and 8.
BUOY_M4, BUOY_M6 = (54.99, -10.0), (53.07, -15.93)


def _ww3_station(name: str, position: tuple[float, float], number: int, seed: int) -> xr.Dataset:
    """One station of WAVEWATCH III's ``ww3_ounp`` point output as ``ncks -d station,N`` leaves it:
    ``time`` in days since 1990-01-01 (``axis = "T"``), ``station(station)`` the station's number
    (``axis = "X"``, not a longitude), ``station_name(station, string40)`` characters,
    ``latitude``/``longitude(time, station)`` (a moored buoy: the same at every step) and
    ``hs(time, station)``, three-hourly for 60 days."""
    days = 10957.0 + np.arange(480) / 8.0  # 2020-01-01 onward
    stored = {"_FillValue": np.float32(9.96921e36)}

    def located(value: float, kind: str, units: str) -> tuple:
        return (("time", "station"), np.full((days.size, 1), value, np.float32),
                {"long_name": kind, "standard_name": kind, "globwave_name": kind, "units": units,
                 "content": "TX", "associates": "time station", **stored})
    height = np.random.default_rng(seed).gamma(2.0, 0.8, (days.size, 1)).astype(np.float32)
    return xr.Dataset(
        {"station_name": (("station", "string40"), np.array([list(name.ljust(40))], "S1"),
                          {"long_name": "station name", "content": "XW", "associates": "station string40"}),
         "latitude": located(position[0], "latitude", "degree_north"),
         "longitude": located(position[1], "longitude", "degree_east"),
         "hs": (("time", "station"), height,
                {"long_name": "significant height of wind and swell waves", "units": "m",
                 "standard_name": "sea_surface_wave_significant_height", "globwave_name": "significant_wave_height",
                 "content": "TX", "associates": "time station", **stored})},
        coords={"time": ("time", days, {"long_name": "julian day (UT)", "standard_name": "time", "axis": "T",
                                        "units": "days since 1990-01-01 00:00:00",
                                        "conventions": "relative julian days with decimal part (as parts of the day )"}),
                "station": ("station", np.int32([number]), {"long_name": "station id", "axis": "X"}),
                "string40": ("string40", np.arange(40, dtype=np.int32),
                             {"long_name": "station_name number of characters", "axis": "W"})},
        attrs={"product_name": "ww3.202001_tab.nc", "area": "Global 30 min", "data_type": "OCO time series",
               "format_version": "1.1", "southernmost_latitude": "n/a"})


def _scalar_point(name: str, position: tuple[float, float], seed: int) -> xr.Dataset:
    """A one-point file with scalar latitude and longitude (CF §5.7), ``name(time)``."""
    time = pd.date_range("2019-01-01", periods=730, freq="D")
    values = np.random.default_rng(seed).normal(283.0, 3.0, time.size).astype(np.float32)
    return xr.Dataset(
        {name: ("time", values, {"units": "K", "standard_name": "air_temperature"})},
        coords={"time": time,
                "lat": ((), np.float32(position[0]), {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ((), np.float32(position[1]), {"units": "degrees_east", "standard_name": "longitude"})})


#: Each kind of single-place file, twice at different places: the file names, the datasets and
#: the start of the refusal.
ONE_PLACE_PAIRS = [
    pytest.param(("m4.nc", "m6.nc"), lambda: (_ww3_station("62094", BUOY_M4, 5, seed=1),
                                             _ww3_station("62095", BUOY_M6, 8, seed=2)),
                 "m4.nc and m6.nc hold different places, one point each: m4.nc at 54.99° N, 10° W, m6.nc at 53.07° N, "
                 "15.93° W; a point is not interpolated onto another point", id="ww3-stations-numbered-apart"),
    pytest.param(("m4.nc", "m6.nc"), lambda: (_ww3_station("62094", BUOY_M4, 0, seed=1),
                                             _ww3_station("62095", BUOY_M6, 0, seed=2)),
                 "m4.nc and m6.nc hold different places, one point each: m4.nc at 54.99° N, 10° W, m6.nc at 53.07° N, "
                 "15.93° W; a point is not interpolated onto another point", id="ww3-stations-both-number-0"),
    pytest.param(("urban.nc", "rural.nc"), lambda: (_scalar_point("tas", URBAN, seed=1),
                                                   _scalar_point("tas_rural", RURAL, seed=2)),
                 "urban.nc and rural.nc hold different places, one point each: urban.nc at 48.82° N, 2.34° E, "
                 "rural.nc at 48.77° N, 2.01° E; a point is not interpolated onto another point", id="scalar-lat-lon"),
]


@pytest.fixture
def one_place_pair(tmp_path, monkeypatch, request):
    names, make, _ = request.param
    monkeypatch.chdir(tmp_path)
    for name, dataset in zip(names, make(), strict=True):
        dataset.to_netcdf(tmp_path / name)
    return [tmp_path / name for name in names]


@pytest.mark.parametrize("one_place_pair, expected", [pytest.param(p.values, p.values[2], id=p.id)
                                                       for p in ONE_PLACE_PAIRS], indirect=["one_place_pair"])
def test_every_kind_of_one_place_file_pair_is_refused_as_two_places(one_place_pair, expected):
    """fix36a: two WAVEWATCH III stations cut with `ncks -d station,N` were told that "station differs
    by up to 3°" (the station numbers read as degrees) or that latitude differs, with `cdo remapbil`."""
    with pytest.raises(ClimannError) as error:
        open_dataset(one_place_pair)
    message = str(error.value)
    assert message.startswith(expected)
    assert "differs by up to" not in message and "put them on one grid" not in message
    assert message.endswith(f"then give that copy in place of {one_place_pair[1].name} in --data")


@pytest.mark.parametrize("one_place_pair, expected", [pytest.param(p.values, p.values[2], id=p.id)
                                                       for p in ONE_PLACE_PAIRS], indirect=["one_place_pair"])
def test_info_leaves_the_second_place_out_as_another_place(one_place_pair, expected):
    """`climann info` on the two files names the other file as held at another place, not on
    another grid whose station axis differs by degrees."""
    report = unwrapped_report(describe([str(path) for path in one_place_pair]))
    line = next(line for line in report.splitlines() if line.startswith("# Left out"))
    assert line.startswith(f"# Left out, at another place than the files above: {one_place_pair[1].name}; {expected}")
    assert "differs by up to" not in line


def test_the_advised_line_puts_the_second_buoy_at_the_first_buoys_place(tmp_path, monkeypatch):
    """The line of the refusal writes the first buoy's position at every step of a copy of the
    second's file: the copy is then at the first's place, its waves and the original untouched.
    fix37c: both buoys' waves are ``hs``, and the copy, given as advised, was refused ("'hs' is in both
    m4.nc and m6_at_m4.nc at the same times … a corrected download?") until renamed by hand: the line
    names the copy's ``hs_m6`` itself, and the two files open as they are given."""
    monkeypatch.chdir(tmp_path)
    _ww3_station("62094", BUOY_M4, 5, seed=1).to_netcdf(tmp_path / "m4.nc")
    _ww3_station("62095", BUOY_M6, 8, seed=2).to_netcdf(tmp_path / "m6.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "m4.nc", tmp_path / "m6.nc"])
    code = re.search(r'`python -c "(.*)"`', bare_python(str(error.value))).group(1)
    run_python("-c", code, check=True, cwd=tmp_path)
    assert "names its hs hs_m6 (one name is one series: both files hold hs)" in str(error.value)
    opened = open_dataset([tmp_path / "m4.nc", tmp_path / "m6_at_m4.nc"])
    np.testing.assert_array_equal(opened["hs_m6"].values.ravel(),
                                  _ww3_station("62095", BUOY_M6, 8, seed=2)["hs"].values.ravel())
    np.testing.assert_array_equal(opened["hs"].values.ravel(),
                                  _ww3_station("62094", BUOY_M4, 5, seed=1)["hs"].values.ravel())
    np.testing.assert_array_equal(opened["latitude"].values.ravel(), np.float32([BUOY_M4[0]]))
    with xr.open_dataset(tmp_path / "m6.nc") as original:
        np.testing.assert_array_equal(np.unique(original["latitude"].values), np.float32([BUOY_M6[0]]))


@pytest.mark.parametrize("change, expected", [
    pytest.param(lambda d: d, ("54.99", "-10"), id="moored-buoy"),
    pytest.param(lambda d: d.assign(latitude=d["latitude"] + xr.DataArray(np.linspace(0, 1, d.sizes["time"]),
                                                                          dims="time").astype(np.float32)),
                 None, id="drifting-buoy"),
    pytest.param(lambda d: xr.concat([d, d.assign_coords(station=[9])], "station"), None, id="two-stations"),
])
def test_place_of_is_one_position_only_when_the_file_holds_one_place(change, expected):
    """A drifting buoy, or two stations, are no one place; a moored buoy is, at its position."""
    dataset = change(_ww3_station("62094", BUOY_M4, 5, seed=1))
    assert place_of(dataset) == expected


def test_one_buoy_under_two_station_numbers_is_said_to_be_one_place_and_the_line_pairs_it(tmp_path, monkeypatch):
    """fix37c: buoy 62094 in two WAVEWATCH III files, station 5 and station 8, its position averaged apart by 2.8 m
    (the mean positions the moving-position refusal advises): refused as two "different places" beside `cdo remapbil`
    and an urban heat island. Said to be one place written twice; its line, run as printed, gives a copy that opens
    with the first file, both variables named as they were."""
    monkeypatch.chdir(tmp_path)
    first, second = (54.989975, -10.0), (54.98995, -10.0)  # 2.78 m apart: 0.000025° of meridian arc at 55° N on WGS84
    _ww3_station("62094", first, 5, seed=1).to_netcdf(tmp_path / "hs.nc")
    _ww3_station("62094", second, 8, seed=2).rename({"hs": "hs_b"}).to_netcdf(tmp_path / "hs_b.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "hs.nc", tmp_path / "hs_b.nc"])
    message = str(error.value)
    assert message.startswith("hs.nc and hs_b.nc hold one point each, 2.8 m apart: hs.nc at 54.989975° N, 10° W, "
                              "hs_b.nc at 54.98995° N, 10° W: one place written twice, it seems")
    assert "remapbil" not in message and "urban" not in message
    run_python("-c", re.search(r'`python -c "(.*)"`', bare_python(message)).group(1), check=True, cwd=tmp_path)
    opened = open_dataset([tmp_path / "hs.nc", tmp_path / "hs_b_at_hs.nc"])
    np.testing.assert_array_equal(opened["hs_b"].values.ravel(),
                                  _ww3_station("62094", second, 8, seed=2)["hs"].values.ravel())
    np.testing.assert_array_equal(opened["latitude"].values.ravel(), np.float32([first[0]]))


def _later_by(dataset: xr.Dataset, days: float) -> xr.Dataset:
    """``dataset`` with its time ``days`` later (WAVEWATCH III's days since 1990-01-01)."""
    return dataset.assign_coords(time=dataset["time"] + days)


def _station_numbered(number: int, start: str, seed: int) -> xr.Dataset:
    """A CF station file of scalar lat/lon and a scalar ``station_id`` (``cf_role =
    "timeseries_id"``), ``tas(time)`` daily for 730 days from ``start``."""
    time = pd.date_range(start, periods=730, freq="D")
    values = np.random.default_rng(seed).normal(283.0, 3.0, time.size).astype(np.float32)
    return xr.Dataset(
        {"tas": ("time", values, {"units": "K", "standard_name": "air_temperature",
                                  "coordinates": "lat lon station_id"})},
        coords={"time": time,
                "lat": ((), np.float32(URBAN[0]), {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ((), np.float32(URBAN[1]), {"units": "degrees_east", "standard_name": "longitude"}),
                "station_id": ((), np.int32(number), {"cf_role": "timeseries_id", "long_name": "station number"})},
        attrs={"Conventions": "CF-1.8", "featureType": "timeSeries"})


@pytest.mark.parametrize(("write", "name", "said"), [
    pytest.param(lambda: (_ww3_station("62094", BUOY_M4, 5, seed=1),
                          _later_by(_ww3_station("62094", BUOY_M4, 8, seed=2), 60.0)), "hs",
                 "first.nc (station = 5) and later.nc (station = 8) hold one place (0 m apart) over periods that "
                 "follow one another: read as one station's series continued under a new station (kept as "
                 "station = 5)", id="ww3-station-5-then-8"),
    pytest.param(lambda: (_station_numbered(5, "2019-01-01", seed=1), _station_numbered(8, "2021-01-01", seed=2)),
                 "tas", "first.nc (station_id = 5) and later.nc (station_id = 8) hold one place (0 m apart) over "
                 "periods that follow one another: read as one station's series continued under a new station_id",
                 id="cf-station-id-5-then-8"),
])
def test_one_station_renumbered_between_two_periods_is_one_series_with_a_warning(tmp_path, caplog, write, name,
                                                                                 said):
    """fix37j: WAVEWATCH III files of one buoy numbered 5 then 8 were read as ``station = 5``
    without a word; CF station files of one place under station_id 5 and 8 were refused as "two
    quantities, not one series" (a station's number says which station, not which quantity).
    One place, periods that follow one another: one series, both numbers said."""
    from climann.data.notes import forget_notes

    forget_notes()
    first, later = write()
    first.to_netcdf(tmp_path / "first.nc")
    later.to_netcdf(tmp_path / "later.nc")
    with caplog.at_level("WARNING", logger="climann"):
        opened = open_dataset([tmp_path / "first.nc", tmp_path / "later.nc"])
    assert caplog.text.count(said) == 1, caplog.text
    np.testing.assert_array_equal(opened[name].values.ravel(),
                                  np.concatenate([first[name].values.ravel(), later[name].values.ravel()]))


#: Three COSMOS-UK soil-moisture sites (break43d A7): Wytham Woods, Morley, Holland Lane.
SITES = {"wyth1": (51.6, -1.1), "morly": (52.5, 1.0), "holln": (53.4, -3.2)}


@pytest.fixture
def sites(tmp_path, monkeypatch):
    """One file of daily ``vwc(time)`` per site over the same two years, scalar lat/lon."""
    monkeypatch.chdir(tmp_path)
    for seed, (name, position) in enumerate(SITES.items()):
        _scalar_point("vwc", position, seed=seed).to_netcdf(tmp_path / f"{name}.nc")
    return tmp_path


def _blocks(folder, names=("wyth1", "morly", "holln")):
    from climann.data.open import concat_blocks

    return concat_blocks([open_dataset([folder / f"{name}.nc"]) for name in names], ("train", "val", "test"))


def test_split_blocks_at_different_sites_are_refused_as_places_not_advised_a_regridding(sites):
    """break43d A7: --split-files with one COSMOS site per block was told "put them on one grid first (e.g.
    cdo remapbil or xESMF)"; followed, remapbil wrote every value missing. The refusal says they are
    places, and gives the ways that work: one site per run scored at the others, or copies at the train
    site's place."""
    with pytest.raises(ClimannError) as error:
        _blocks(sites)
    message = str(error.value)
    assert message.startswith(
        "the split blocks hold different places, one point each: wyth1.nc (train) at 51.6° N, 1.1° W, morly.nc (val) "
        "at 52.5° N, 1° E, holln.nc (test) at 53.4° N, 3.2° W; a point is not interpolated onto another point")
    assert "put them on one grid" not in message and "remapbil or xESMF)" not in message
    assert ("train on wyth1.nc alone (--data wyth1.nc, its years split in time) and score that run on each other "
            "site's file (climann evaluate with --data morly.nc or --data holln.nc)") in message
    assert message.endswith("then give those copies in --split-files in place of the originals")


def test_the_split_blocks_advised_copies_combine_at_the_train_sites_place(sites):
    """The refusal's lines, run as printed, write morly_at_wyth1.nc and holln_at_wyth1.nc: the blocks then
    combine, each block's values its own site's (read back from the originals), at the train site's
    position; the originals untouched."""
    with pytest.raises(ClimannError) as error:
        _blocks(sites)
    codes = re.findall(r'`python -c "([^`]*)"`', bare_python(str(error.value)))
    assert len(codes) == 2
    for code in codes:
        run_python("-c", code, check=True, cwd=sites)
    combined = _blocks(sites, ("wyth1", "morly_at_wyth1", "holln_at_wyth1"))
    from climann.data.layout import SPLIT_BLOCK_COORDINATE

    blocks = combined[SPLIT_BLOCK_COORDINATE].values
    for block, (seed, name) in zip(("train", "val", "test"), enumerate(SITES)):
        np.testing.assert_array_equal(combined["vwc"].values.ravel()[blocks == block],
                                      _scalar_point("vwc", SITES[name], seed=seed)["vwc"].values)
    np.testing.assert_array_equal(np.unique(combined["lat"].values), np.float32([SITES["wyth1"][0]]))
    with xr.open_dataset(sites / "holln.nc") as original:
        assert float(original["lat"]) == np.float32(SITES["holln"][0])



#: Four glaciers as WGMS names them, with their positions (break44d A6).
GLACIERS = {"HINTEREIS F.": (46.8, 10.77), "SILVRETTA": (46.85, 10.08), "STORGLACIAEREN": (67.9, 18.57),
            "SOUTH CASCADE": (48.36, -121.06)}


def _glaciers(name: str, order: list[str], seed: int) -> tuple[xr.Dataset, dict[str, np.ndarray]]:
    """``name(time, glacier)`` yearly over 20 years for the glaciers of ``order``, named by a
    ``cf_role = "timeseries_id"`` text ``glacier_name`` and placed by ``lat(glacier)``, ``lon(glacier)``,
    with no ``glacier`` coordinate (chosen by index or name); also each glacier's series by name."""
    time = pd.date_range("1990-01-01", periods=20, freq="YS")
    series = {glacier: np.random.default_rng([seed, k]).normal(280.0, 1.0, time.size).astype(np.float32)
              for k, glacier in enumerate(GLACIERS)}
    dataset = xr.Dataset(
        {name: (("time", "glacier"), np.stack([series[glacier] for glacier in order], 1), {"units": "K"})},
        coords={"time": time,
                "lat": ("glacier", np.array([GLACIERS[g][0] for g in order], np.float32),
                        {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("glacier", np.array([GLACIERS[g][1] for g in order], np.float32),
                        {"units": "degrees_east", "standard_name": "longitude"}),
                "glacier_name": ("glacier", order, {"cf_role": "timeseries_id"})},
        attrs={"Conventions": "CF-1.8", "featureType": "timeSeries"})
    return dataset, series


def test_the_same_stations_in_other_orders_are_chosen_by_name_and_the_advice_pairs_them(tmp_path, monkeypatch):
    """break44d A6: a WGMS file and an ERA5-at-glaciers file listing the same glaciers in other orders;
    ``--select glacier=0`` was refused as two places with, as its only way out, a copy taking South Cascade's
    climate for Hintereisferner's. The refusal names the glacier by name; the selection it gives, parsed as the
    CLI parses it, pairs each glacier's balance with its own temperature (by name, by hand)."""
    from climann.workflow.config import parse_selection

    monkeypatch.chdir(tmp_path)
    order = list(GLACIERS)
    balance, balances = _glaciers("mb", order, 1)
    climate, temperatures = _glaciers("t2m", order[::-1], 2)
    balance.to_netcdf(tmp_path / "wgms.nc")
    climate.to_netcdf(tmp_path / "era5.nc")
    files = [tmp_path / "wgms.nc", tmp_path / "era5.nc"]
    with pytest.raises(ClimannError) as raised:
        open_dataset(files, grid_of="mb", select={"glacier": 0})
    message = str(raised.value)
    assert "HINTEREIS F. is glacier 0 of wgms.nc and 3 of era5.nc" in message and "into a copy" not in message
    advised = re.search(r"--select (.+)$", message).group(1)
    opened = open_dataset(files, grid_of="mb", select=parse_selection(shlex.split(advised)))
    np.testing.assert_array_equal(opened["mb"].values.ravel(), balances["HINTEREIS F."])
    np.testing.assert_array_equal(opened["t2m"].values.ravel(), temperatures["HINTEREIS F."])


def test_stations_in_one_order_chosen_by_index_get_no_name_advice():
    """The same names in the same order: an index is the same station in each (no advice); names of
    other stations: no pairing by name either."""
    from climann.data.stations import reordered_stations_advice

    order = list(GLACIERS)
    balance, _ = _glaciers("mb", order, 1)
    assert reordered_stations_advice(balance, _glaciers("t2m", order, 2)[0], None, ("a.nc", "b.nc")) is None
    other = _glaciers("t2m", order[::-1], 2)[0].assign_coords(glacier_name=("glacier", ["A", "B", "C", "D"]))
    assert reordered_stations_advice(balance, other, None, ("a.nc", "b.nc")) is None
