import datetime
import re

import numpy as np
import pytest
import xarray as xr

from climann.data.subset import (
    longitude_in_box,
    season_months,
    select_grid_stride,
    select_new_data_time,
    select_region,
    select_time,
    select_values,
    steps_before_range_of,
    steps_held_before_range,
)
from climann.data.sources import SOURCE_FILES_KEY
from climann.data.time_cells import STEPS_BEFORE_RANGE_KEY
from climann.errors import ClimannError
from tests.conftest import grid_dataset


@pytest.mark.parametrize(
    ("longitudes", "west", "east", "expected"),
    [
        pytest.param([350.0, 5.0, 20.0, 180.0], 340.0, 10.0, [True, True, False, False], id="prime-meridian-0-360"),
        pytest.param([-10.0, 5.0, 20.0, 180.0], -20.0, 10.0, [True, True, False, False], id="prime-meridian-180"),
        pytest.param([-10.0, 5.0, 20.0, 180.0], 340.0, 10.0, [True, True, False, False], id="box-0-360-data-180"),
        pytest.param([175.0, -175.0, 0.0, 170.0], 170.0, -170.0, [True, True, False, True], id="dateline"),
        pytest.param([175.0, 185.0, 0.0, 160.0], 170.0, 190.0, [True, True, False, False], id="dateline-0-360"),
        pytest.param([0.0, 90.0, 359.0], 0.0, 360.0, [True, True, True], id="whole-globe"),
    ],
)
def test_longitude_box_in_either_convention(longitudes, west, east, expected):
    assert list(longitude_in_box(np.array(longitudes), west, east)) == expected


@pytest.mark.parametrize(
    "options", [pytest.param({}, id="0-360"), pytest.param({"lon_start": -180.0, "lat_descending": True}, id="180-descending")]
)
def test_region_keeps_the_input_order_and_convention(options):
    dataset = grid_dataset(n_lat=6, n_lon=12, **options)  # lat ±75, ±45, ±15; lon every 30°
    region = select_region(dataset, (-50.0, 50.0, -40.0, 40.0))
    lon = region["lon"].values
    assert set(np.round(region["lat"].values)) == {-45.0, -15.0, 15.0, 45.0}
    assert np.all(np.diff(region["lat"].values) < 0) == bool(options.get("lat_descending"))
    # the box −40…40 holds the centres 15° and 345° (= −15°), written as in the input, in its order
    expected = [15.0, 345.0] if "lon_start" not in options else [-15.0, 15.0]
    np.testing.assert_allclose(lon, expected)


def test_an_empty_region_says_what_the_grid_covers():
    with pytest.raises(ClimannError, match="contains no grid cell; the grid spans latitude"):
        select_region(grid_dataset(n_lat=4), (10.0, 20.0, 0.0, 360.0))


def test_time_range_is_inclusive_and_calendar_aware():
    dataset = grid_dataset(n_years=3, calendar="360_day")  # 2000–2002
    chosen = select_time(dataset, time_range=("2001", "2001-06"))
    assert [t.strftime("%Y-%m") for t in chosen["time"].values[[0, -1]]] == ["2001-01", "2001-06"]
    assert chosen.sizes["time"] == 6


@pytest.mark.parametrize(("calendar", "date", "message"), [
    pytest.param("noleap", "2000-02-29", "time_range value '2000-02-29' is not a day of the data's 'noleap' calendar, "
                 "whose 2000-02 ends on day 28; give a day it has, e.g. '2000-02-28'", id="noleap-29-february"),
    pytest.param("360_day", "2000-01-31", "time_range value '2000-01-31' is not a day of the data's '360_day' calendar, "
                 "whose 2000-01 ends on day 30; give a day it has, e.g. '2000-01-30'", id="360-day-31-january"),
    pytest.param("standard", "2001-04-31", "time_range value '2001-04-31' is not a day of the data's 'standard' "
                 "calendar, whose 2001-04 ends on day 30; give a day it has, e.g. '2001-04-30'", id="standard-31-april"),
    pytest.param("noleap", "2000-13", "time_range value '2000-13' is not a date YYYY, YYYY-MM or YYYY-MM-DD "
                 "(a negative year with its minus sign, as climann prints it: -0009-01-01), or a day with its "
                 "hour, YYYY-MM-DDTHH or YYYY-MM-DDTHH:MM",
                 id="month-13-not-a-date"),
])
def test_a_day_the_calendar_lacks_is_named_as_such(calendar, date, message):
    """29 February is a date, just not a day of noleap (CF conventions §4.4.1); 30 February
    of a 360_day file is one, and is accepted."""
    dataset = grid_dataset(n_years=3, calendar=calendar)
    with pytest.raises(ClimannError) as refused:
        select_time(dataset, time_range=(date, "2002"))
    assert str(refused.value) == message


def test_30_february_of_a_360_day_file_is_a_day():
    chosen = select_time(grid_dataset(n_years=3, calendar="360_day"), time_range=("2000", "2000-02-30"))
    assert [t.strftime("%Y-%m") for t in chosen["time"].values] == ["2000-01", "2000-02"]


def test_djf_spans_the_year_boundary_and_stride_thins():
    dataset = grid_dataset(n_years=2)
    winter = select_time(dataset, months=season_months(["DJF"]))
    assert [t.month for t in winter["time"].values] == [1, 2, 12, 1, 2, 12]
    assert select_time(dataset, time_stride=3).sizes["time"] == 8


def test_an_empty_time_selection_says_what_the_data_cover():
    with pytest.raises(ClimannError, match=r"is empty; no time step of the data \(which cover 2000-01-15 to 2002-12-15\)"):
        select_time(grid_dataset(n_years=3), time_range=("1990", "1995"))


def test_select_by_coordinate_value_and_errors():
    dataset = grid_dataset()
    dataset["pred"] = dataset["pred"].expand_dims(plev=[85000.0, 50000.0], axis=1)
    chosen = select_values(dataset, {"plev": 50000.0})
    np.testing.assert_array_equal(chosen["pred"].values, dataset["pred"].values[:, 1])
    with pytest.raises(ClimannError, match="plev=70000.0 is not a value of 'plev'; its values: 85000.0, 50000.0"):
        select_values(dataset, {"plev": 70000.0})
    with pytest.raises(ClimannError, match="no dimension 'member'"):
        select_values(dataset, {"member": 1})
    with_height = dataset.assign_coords(height=2.0)  # a scalar coordinate, as in CMIP files
    assert select_values(with_height, {"height": 2.0}).identical(with_height)
    with pytest.raises(ClimannError, match=r"^height=10.0 is not a value of 'height'; its values: 2.0$"):
        select_values(with_height, {"height": 10.0})


def _on_levels(levels, units):
    """``pred`` on pressure levels ``levels`` in ``units``, level k being 1 + k times the
    grid's values (so that the level picked is told by its values)."""
    dataset = grid_dataset()
    factors = xr.DataArray(np.arange(1, len(levels) + 1, dtype=np.float32), dims="plev")
    dataset["pred"] = dataset["pred"].expand_dims(plev=len(levels), axis=1) * factors
    return dataset.assign_coords(plev=("plev", np.asarray(levels, np.float64), {"units": units,
                                                                                 "standard_name": "air_pressure"}))


@pytest.mark.parametrize(
    ("levels", "value", "chosen", "beyond"),
    [
        pytest.param([100000.0, 85000.000085, 50000.0], 85000, 1, 85020.0, id="float-rounding-1e-9"),
        pytest.param([100000.0, 84999.99, 50000.0], 85000.0, 1, 85020.0, id="float32-like-rounding"),
        pytest.param([100000.0, 85010.0, 50000.0], 85000.0, 1, 84980.0, id="within-1e-3-of-the-15000-Pa-spacing"),
        pytest.param([85000.00001], 85000.0, 0, 85001.0, id="a-single-level-within-1e-6"),
    ],
)
def test_a_level_matches_within_a_thousandth_of_the_level_spacing(levels, value, chosen, beyond):
    dataset = _on_levels(levels, "Pa")
    selected = select_values(dataset, {"plev": value})
    np.testing.assert_array_equal(selected["pred"].values, (chosen + 1) * grid_dataset()["pred"].values)
    assert float(selected["plev"]) == levels[chosen]  # the file's own value is kept
    with pytest.raises(ClimannError, match=f"plev={beyond} is not a value of 'plev'"):  # 15 Pa, 8.5e-2 Pa
        select_values(dataset, {"plev": beyond})


@pytest.mark.parametrize(
    ("units", "levels"),
    [
        pytest.param("hPa", [1000.0, 850.0, 500.0], id="hPa"),
        pytest.param("mbar", [1000.0, 850.0, 500.0], id="mbar"),
        pytest.param("kPa", [100.0, 85.0, 50.0], id="kPa"),
        pytest.param("Pa", [100000.0, 85000.0, 50000.0], id="same-units"),
    ],
)
def test_a_trained_level_is_converted_to_the_files_units(units, levels, caplog):
    selected = select_values(_on_levels(levels, units), {"plev": 85000.0}, units={"plev": "Pa"}, where="new.nc",
                             reference="the model's training data")
    np.testing.assert_array_equal(selected["pred"].values, 2 * grid_dataset()["pred"].values)
    assert float(selected["plev"]) == levels[1] and selected["plev"].attrs["units"] == units
    said = f"plev=85000 Pa of the model's training data selected as plev={levels[1]:g} {units} in new.nc"
    assert (said in caplog.text) == (units != "Pa")


def test_a_trained_level_in_units_that_do_not_convert_is_refused_naming_both():
    with pytest.raises(ClimannError, match=r"^plev is in 'm' in new.nc but in 'Pa' in the model's training data "
                       r"\(plev=85000 Pa selected\), and 'm' does not convert to 'Pa'; give plev in Pa"):
        select_values(_on_levels([100.0, 1500.0], "m"), {"plev": 85000.0}, units={"plev": "Pa"}, where="new.nc",
                      reference="the model's training data")


def test_a_trained_level_the_file_lacks_is_refused_without_suggesting_another_value():
    with pytest.raises(ClimannError, match=r"^the model's training data are at plev=850 hPa \(\[data\] select\), "
                       r"which new.nc does not hold \(its plev values: 1000, 500 hPa\); give data at that plev, or retrain "
                       r"the run on these$"):
        select_values(_on_levels([1000.0, 500.0], "hPa"), {"plev": 85000.0}, units={"plev": "Pa"}, where="new.nc",
                      reference="the model's training data")


def test_a_level_not_in_the_file_is_refused_naming_the_coordinates_units():
    """``plev=85000`` on a file in hPa said only "its values: 1000.0, 850.0, 500.0", leaving out
    the units, which are what the user got wrong."""
    with pytest.raises(ClimannError) as refused:
        select_values(_on_levels([1000.0, 850.0, 500.0], "hPa"), {"plev": 85000.0}, where="ta.nc")
    assert str(refused.value) == (
        "plev=85000.0 is not a value of 'plev' in ta.nc: its values are 1000, 850, 500 hPa, and a bare number is read "
        "in hPa; 85000 Pa is one of them (850 hPa): --select 'plev=85000 Pa' ([data] select = {plev = \"85000 Pa\"})")


@pytest.mark.parametrize(("levels", "units", "value", "meant", "level"), [
    pytest.param([100000.0, 85000.0, 50000.0, 100.0], "Pa", 500.0, "500 hPa", 2, id="hpa-given-to-pa"),
    pytest.param([1000.0, 850.0, 500.0], "hPa", 50000.0, "50000 Pa", 2, id="pa-given-to-hpa"),
    pytest.param([100000.0, 85000.0, 50000.0], "Pa", 85.0, "85 kPa", 1, id="kpa-given-to-pa"),
])
def test_a_bare_level_meant_in_other_units_is_advised_in_those(levels, units, value, meant, level):
    """break52d A2: ``plev=500`` of a file in Pa gave ``'plev=100 Pa'`` as its example, where 500 hPa is a level.
    The example is the number in the units that make it a level, and selecting it picks that level (level k holds
    1 + k times the grid's values)."""
    dataset = _on_levels(levels, units)
    with pytest.raises(ClimannError) as refused:
        select_values(dataset, {"plev": value}, where="ta.nc")
    assert str(refused.value).endswith(f"--select 'plev={meant}' ([data] select = {{plev = \"{meant}\"}})")
    chosen = select_values(dataset, {"plev": meant})
    np.testing.assert_allclose(chosen["pred"].values, dataset["pred"].isel(plev=level).values)


#: SODA 3.4.2's first 20 st_ocean levels (m; break40b soda/mk.py).
_SODA_LEVELS = [5.03355, 15.10065, 25.21935, 35.35845, 45.57635, 55.85325, 66.26175, 76.80285, 87.57695, 98.62325,
                110.0962, 122.1067, 134.9086, 148.7466, 164.0538, 181.3125, 201.263, 224.7773, 253.0681, 287.5508]


@pytest.mark.parametrize(("value", "near", "advised"), [
    pytest.param(250.0, "either side of 250: {below} and {above} meters", "nearest", id="between-levels-past-the-tenth"),
    pytest.param(400.0, "the highest, nearest 400: {last} meters", "nearest", id="below-the-deepest"),
    pytest.param(5000.0, "the highest, nearest 5000: {last} meters", "first", id="far-below-every-level"),
])
def test_a_level_not_in_the_file_is_refused_naming_the_levels_nearest_it(value, near, advised):
    """break40b B3: SODA's ``st_ocean=250`` listed the first ten levels (to 98.6232 m) and advised 5.03355: the
    levels either side of 250 m (224.777, 253.068) were shown nowhere. The refusal names them, and advises the
    nearest, also just below the deepest (break53a); beyond the levels by more than their span (perhaps other
    units) the first, as before."""
    dataset = _on_levels(_SODA_LEVELS, "meters").rename(plev="st_ocean")
    dataset["st_ocean"].attrs = {"units": "meters", "positive": "down", "axis": "Z"}
    with pytest.raises(ClimannError) as refused:
        select_values(dataset, {"st_ocean": value}, where="soda.nc")
    levels = np.asarray(_SODA_LEVELS)
    below, above, last = levels[levels < value].max(), levels[levels > value].min(initial=np.inf), levels.max()
    example = levels[np.argmin(np.abs(levels - value))] if advised == "nearest" else levels[0]
    assert f"(20 in all; {near.format(below=f'{below:g}', above=f'{above:g}', last=f'{last:g}')})" in str(refused.value)
    assert str(refused.value).endswith(f"e.g. --select 'st_ocean={example:g} meters' "
                                       f"([data] select = {{st_ocean = \"{example:g} meters\"}})")
    if value == 250.0:
        assert "either side of 250: 224.777 and 253.068 meters" in str(refused.value)


#: GLORYS12V1's first 8 depth levels (m, float32; break53a make_glorys.py).
_GLORYS_DEPTHS = np.array([0.494025, 1.541375, 2.645669, 3.819495, 5.078224, 6.440614, 7.92956, 9.572997], "f4")


@pytest.mark.parametrize(("value", "units", "asked"), [
    pytest.param("10 m", "m", "10", id="with-units-just-below"),
    pytest.param("1 km", "m", "1000", id="with-units-far-below"),
    pytest.param(10.0, "m", "10", id="bare-just-below"),
    pytest.param("0.5 m", "m", "0.5", id="with-units-between"),
])
def test_a_depth_not_in_the_file_is_advised_as_its_nearest_level_which_then_selects_it(value, units, asked):
    """break53a: ``--select 'depth=10 m'`` of GLORYS' levels (to 9.573 m) advised ``depth=0.494025 m``, the
    first, where own-data.md promises the nearest. The advice is the level nearest the value (numpy's argmin
    of the distance), and pasting it selects that level (level k holds 1 + k times the grid's values)."""
    dataset = _on_levels(list(_GLORYS_DEPTHS), "m").rename(plev="depth")
    dataset["depth"].attrs = {"units": "m", "standard_name": "depth", "positive": "down", "axis": "Z"}
    with pytest.raises(ClimannError) as refused:
        select_values(dataset, {"depth": value}, where="glorys.nc")
    level = int(np.argmin(np.abs(_GLORYS_DEPTHS.astype("f8") - float(asked))))
    advised = f"{float(_GLORYS_DEPTHS[level]):g} m"
    assert str(refused.value).endswith(f"e.g. --select 'depth={advised}' ([data] select = {{depth = \"{advised}\"}})")
    chosen = select_values(dataset, {"depth": advised})
    np.testing.assert_allclose(chosen["pred"].values, dataset["pred"].isel(depth=level).values)


def test_a_trained_level_the_files_lack_is_refused_naming_only_the_files_that_hold_the_level():
    """break34b C3: the files of variables without the level (tas beside tsl on depth) were named too;
    and of two files "mrsol.nc, tsl.nc does not hold" (break34b C3, fix35c): the verb agrees."""
    dataset = _on_levels([0.01, 0.04, 0.1], "m").rename(plev="depth")
    dataset["depth"].attrs = {"units": "m", "standard_name": "depth", "positive": "down"}
    dataset["pred"].encoding[SOURCE_FILES_KEY] = ("mrsol.nc", "tsl.nc")
    dataset["tas"].encoding[SOURCE_FILES_KEY] = ("tas.nc",)
    with pytest.raises(ClimannError) as refused:
        select_values(dataset, {"depth": 0.09}, units={"depth": "m"}, where="mrsol.nc, tsl.nc, tas.nc",
                      reference="the model's training data")
    assert str(refused.value).startswith("the model's training data are at depth=0.09 m ([data] select), which "
                                         "mrsol.nc, tsl.nc do not hold (their depth values: 0.01, 0.04, 0.1 m)")


def test_a_value_given_with_units_that_is_no_level_is_refused_in_those_units():
    """break34b C2: ``lev=10 m`` on CESM2's lev in centimeters was refused as "lev=1000.0 … a bare
    number is read in centimeters", of a number the user gave with its units."""
    dataset = _on_levels([500.0, 1500.0, 2500.0], "centimeters").rename(plev="lev")
    dataset["lev"].attrs = {"units": "centimeters", "positive": "down", "axis": "Z"}
    with pytest.raises(ClimannError) as refused:
        select_values(dataset, {"lev": "10 m"}, where="o2.nc")
    assert str(refused.value) == (
        "lev=10 m (1000 centimeters) is not a value of 'lev' in o2.nc: its values are 500, 1500, 2500 centimeters; "
        "give one of them, with its units or as a bare number in centimeters, e.g. --select 'lev=500 centimeters' "
        "([data] select = {lev = \"500 centimeters\"})")
    selected = select_values(dataset, {"lev": "15 m"}, where="o2.nc")
    np.testing.assert_array_equal(selected["pred"].values, 2 * grid_dataset()["pred"].values)


@pytest.mark.parametrize(("units", "levels"), [
    pytest.param("hPa", [1000.0, 850.0, 500.0], id="hPa"),
    pytest.param("Pa", [100000.0, 85000.0, 50000.0], id="Pa"),
    pytest.param("kPa", [100.0, 85.0, 50.0], id="kPa"),
])
@pytest.mark.parametrize("value", [pytest.param("850 hPa", id="850-hPa"), pytest.param("85000 Pa", id="85000-Pa"),
                                   pytest.param("850hPa", id="no-space"), pytest.param("0.85 bar", id="bar")])
def test_a_value_given_with_its_units_is_converted_to_the_files(units, levels, value, caplog):
    """"plev=850 hPa" was compared as a string with the numbers and refused."""
    selected = select_values(_on_levels(levels, units), {"plev": value}, where="ta.nc")
    np.testing.assert_array_equal(selected["pred"].values, 2 * grid_dataset()["pred"].values)  # the second level
    assert float(selected["plev"]) == levels[1] and "selected as" not in caplog.text  # asked for: no warning


@pytest.mark.parametrize("pressure", [pytest.param({"standard_name": "air_pressure"}, id="standard-name"),
                                      pytest.param({"positive": "down", "axis": "Z"}, id="positive-down")])
@pytest.mark.parametrize("value", [pytest.param("850 hPa", id="850-hPa"), pytest.param("85000 Pa", id="85000-Pa"),
                                   pytest.param(850.0, id="bare-number-in-mb")])
def test_a_pressure_in_mb_is_read_in_millibars(pressure, value):
    """GrADS and NCEP write ``mb`` for millibar; UDUNITS and pint read a millibarn (an area):
    ``plev=500 hPa`` was refused, "'hPa' does not convert to 'mb'". On a pressure it is a
    millibar: 850 mb is 850 hPa, the second level."""
    dataset = _on_levels([1000.0, 850.0, 500.0], "mb")
    dataset["plev"].attrs = {"units": "mb", **pressure}
    selected = select_values(dataset, {"plev": value}, where="ta.nc")
    np.testing.assert_array_equal(selected["pred"].values, 2 * grid_dataset()["pred"].values)
    assert float(selected["plev"]) == 850.0


def test_mb_on_a_coordinate_that_does_not_say_pressure_is_refused_naming_millibarn_and_the_fix():
    """Nothing says the levels are pressures: ``mb`` stays what UDUNITS reads (an area is never
    read as a pressure), and the refusal says so, with the units to set."""
    dataset = _on_levels([1000.0, 850.0, 500.0], "mb")
    dataset["plev"].attrs = {"units": "mb"}
    with pytest.raises(ClimannError) as error:
        select_values(dataset, {"plev": "850 hPa"}, where="ta.nc")
    assert str(error.value).endswith(
        "'mb' is read as millibarn (UDUNITS: an area, 1e-31 m2), since nothing on 'plev' says it is a pressure "
        "(standard_name air_pressure or positive = down): if it means millibar, set the units to hPa "
        "(ncatted -a units,plev,o,c,hPa ta.nc ta_fixed.nc)")


@pytest.mark.parametrize(("coordinate_units", "value", "message"), [
    pytest.param("hPa", "850 m", r"^plev=850 m: 'm' does not convert to 'hPa', the units of 'plev' in ta.nc; give "
                 r"the value in hPa \(a bare number\)", id="not-convertible"),
    pytest.param("", "850 hPa", r"^plev=850 hPa is given with units, but 'plev' in ta.nc has none", id="no-units"),
])
def test_a_value_with_units_that_do_not_apply_is_refused(coordinate_units, value, message):
    with pytest.raises(ClimannError, match=message):
        select_values(_on_levels([1000.0, 850.0], coordinate_units), {"plev": value}, where="ta.nc")


def test_a_string_coordinate_is_matched_as_a_string_not_read_as_units():
    dataset = grid_dataset()
    dataset["pred"] = dataset["pred"].expand_dims(experiment=["1pctCO2", "historical"], axis=1)
    selected = select_values(dataset, {"experiment": "1pctCO2"})
    np.testing.assert_array_equal(selected["pred"].values, grid_dataset()["pred"].values)


@pytest.mark.parametrize("labels, value, position", [
    pytest.param(["001", "010"], "010", 1, id="text-with-leading-zeros"),
    pytest.param(["1", "2"], 2, 1, id="number-on-labels"),
    pytest.param([10, 20], "020", 1, id="text-on-numbers"),
    pytest.param([850.0, 500.0], "500", 1, id="text-on-levels"),
])
def test_a_selection_is_compared_as_a_value_of_the_coordinates_kind(labels, value, position):
    """--select member=010 was read as 10 and refused on members '001', '010'; a TOML "500" matched no level."""
    dataset = grid_dataset()
    dataset["pred"] = dataset["pred"].expand_dims(member=labels, axis=1) * xr.DataArray(np.float32([1, 2]), dims="member")
    selected = select_values(dataset, {"member": value})
    np.testing.assert_array_equal(selected["pred"].values, dataset["pred"].values[:, position])
    with pytest.raises(ClimannError, match="is not a value of 'member'"):
        select_values(dataset, {"member": "3"})


@pytest.mark.parametrize("index", [pytest.param(2, id="int"), pytest.param(2.0, id="float-from-the-command-line")])
def test_a_dimension_without_a_coordinate_variable_is_selected_by_index(index):
    dataset = grid_dataset()
    dataset["pred"] = dataset["pred"].expand_dims(member=3, axis=1) * xr.DataArray(np.float32([1, 2, 3]), dims="member")
    assert "member" not in dataset.coords
    chosen = select_values(dataset, {"member": index})
    np.testing.assert_array_equal(chosen["pred"].values, np.float32(3) * grid_dataset()["pred"].values)
    assert chosen["member"].item() == 2 and "member" in chosen["pred"].encoding["coordinates"].split()


@pytest.mark.parametrize(("index", "shown"), [pytest.param(3, "3", id="past-the-end"),
                                            pytest.param(3.0, "3", id="past-the-end-as-the-config-gives-it"),
                                            pytest.param(-1, "-1", id="negative"),
                                            pytest.param(0.5, "0.5", id="fraction"), pytest.param("a", "a", id="text")])
def test_an_index_that_a_dimension_without_coordinates_lacks_is_refused_with_its_indices(index, shown):
    dataset = grid_dataset()
    dataset["pred"] = dataset["pred"].expand_dims(member=3, axis=1)
    with pytest.raises(ClimannError, match=rf"^member={shown} is not an index of 'member', which has no coordinate "
                       r"variable and is selected by index; its indices: 0, 1, 2$"):
        select_values(dataset, {"member": index})


def test_grid_stride_and_season_names():
    assert select_grid_stride(grid_dataset(n_lat=6, n_lon=12), 2).sizes == {"time": 36, "lat": 3, "lon": 6}
    with pytest.raises(ClimannError, match="unknown season 'DFJ'"):
        season_months(["DFJ"])


# --- regions on curvilinear and rotated-pole grids -------------------------------------------------
@pytest.mark.parametrize(
    "box",
    [
        pytest.param((45.0, 55.0, 0.0, 20.0), id="central-europe"),
        pytest.param((40.0, 60.0, 350.0, 10.0), id="across-greenwich-0-360"),
        pytest.param((50.0, 90.0, -180.0, 180.0), id="north-of-50"),
    ],
)
def test_a_region_on_a_rotated_grid_masks_exactly_the_cells_inside_by_geographic_coordinates(tmp_path, box):
    from climann.data.open import open_dataset
    from tests.grid_files import RLAT, RLON, rotated_to_geographic, write_rotated

    dataset = open_dataset([write_rotated(tmp_path / "rotated.nc", with_latlon=False)])
    region = select_region(dataset, box)
    south, north, west, east = box
    lat, lon = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    # longitudes counted eastward from the box's western edge: inside when not beyond its eastern edge
    window_east = east if east > west else east + 360
    inside = (lat >= south) & (lat <= north) & (west + (lon - west) % 360 <= window_east)
    rows, columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    np.testing.assert_array_equal(region["rlat"].values, RLAT[rows[0] : rows[-1] + 1])  # the rectangle around them
    np.testing.assert_array_equal(region["rlon"].values, RLON[columns[0] : columns[-1] + 1])
    present = region["tas"].notnull().values  # (time, rlat, rlon)
    expected = inside[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]
    assert (present == expected[None]).all() and 0 < expected.sum() < inside.size
    assert region["tas"].chunks is not None  # still lazy


def test_a_region_across_the_dateline_on_a_curvilinear_grid(tmp_path):
    import xarray as xr

    lat2d = np.array([[10.0, 11.0, 12.0], [20.0, 21.0, 22.0]])
    lon2d = np.array([[165.0, 175.0, -175.0], [168.0, 178.0, -172.0]])
    dataset = xr.Dataset(
        {"tos": (("time", "j", "i"), np.ones((2, 2, 3)))},
        coords={"nav_lat": (("j", "i"), lat2d, {"standard_name": "latitude"}),
                "nav_lon": (("j", "i"), lon2d, {"standard_name": "longitude"})},
    )
    region = select_region(dataset, (0.0, 30.0, 170.0, -170.0))
    assert region.sizes == {"time": 2, "j": 2, "i": 2}
    np.testing.assert_array_equal(region["tos"].notnull().values[0], [[True, True], [True, True]])
    with pytest.raises(ClimannError, match=r"contains no grid cell; the grid's cells lie at latitude 10…22"):
        select_region(dataset, (-30.0, -20.0, 0.0, 360.0))


def _ocean_beside_air() -> xr.Dataset:
    """A CMIP6 Omon-like thetao(time, lev, nlat, nlon) on 2-D lat/lon, lev in centimeters, beside an
    Amon tas regridded onto it whose ``coordinates`` name its scalar ``height = 2 m``, and an Ofx
    sftof without a level: as combined files are, every variable carries every scalar coordinate."""
    lat2d, lon2d = np.meshgrid([-50.0, -10.0, 10.0, 50.0], [150.0, 200.0, 250.0], indexing="ij")
    lat2d[2, 2] = 45.0  # a curvilinear row: one cell of the rectangle around the box is outside it
    dims = ("nlat", "nlon")
    dataset = xr.Dataset(
        {"thetao": (("time", "lev", *dims), np.arange(2 * 2 * 12, dtype=float).reshape(2, 2, 4, 3)),
         "tas": (("time", *dims), np.ones((2, 4, 3))), "sftof": (dims, np.full((4, 3), 100.0))},
        coords={"lat": (dims, lat2d, {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": (dims, lon2d, {"standard_name": "longitude", "units": "degrees_east"}),
                "lev": ("lev", [500.0, 1500.0], {"units": "centimeters", "positive": "down", "axis": "Z"}),
                "height": ((), 2.0, {"units": "m", "positive": "up", "axis": "Z"})},
    )
    dataset["tas"].encoding["coordinates"] = "height lat lon"
    for name in ("thetao", "sftof"):
        dataset[name].encoding["coordinates"] = "lat lon"
    return select_values(dataset, {"lev": 1500.0})


def test_a_region_of_a_curvilinear_grid_keeps_each_variables_own_scalar_coordinates():
    """break53a A1: masked to a region, the variables lost the CF ``coordinates`` that say whose
    scalar coordinate is whose: predictions.nc put thetao at tas's height = 2 m without its selected
    lev = 1500 cm, and gave sftof a height. With and without the region, the same ones."""
    from climann.data.variables import scalar_coordinates, variable_levels

    whole = _ocean_beside_air()
    region = select_region(whole, (-40.0, 40.0, 160.0, 260.0))
    assert region["thetao"].isnull().any() and region["thetao"].notnull().any()  # masked: the curvilinear route

    def own(dataset: xr.Dataset) -> dict[str, list[tuple[str, float]]]:
        return {name: [(level.name, float(level.values)) for level in found] for name, found in (
            ("thetao", scalar_coordinates(dataset, "thetao", ("lat", "lon"))),
            *((name, variable_levels(dataset, name)) for name in ("tas", "sftof")))}

    expected = {"thetao": [("lev", 1500.0)], "tas": [("height", 2.0)], "sftof": []}
    assert own(whole) == expected
    assert own(region) == expected


@pytest.mark.parametrize("step", [pytest.param(6, id="bare-hours"), pytest.param("360 minutes", id="with-units")])
@pytest.mark.parametrize("suffix", [pytest.param(".nc", id="netcdf"), pytest.param(".grib2", id="grib")])
def test_one_lead_time_of_a_forecast_is_a_time_axis_of_its_valid_times(tmp_path, suffix, step):
    """Forecasts at lead times 0, 6 and 12 h of each reference time (valid_time(time, step)):
    selecting the 6 h step leaves the fields valid at reference time + 6 h, on one time axis."""
    from climann.data.open import open_dataset
    from tests.forecast_files import REFERENCE_TIMES, cfgrib_layout

    written = cfgrib_layout([0, 6, 12])
    path = tmp_path / f"fc{suffix}"
    if suffix == ".nc":
        written.to_netcdf(path)
    else:
        pytest.importorskip("cfgrib")
        from tests.grib_files import write_grib_forecasts

        write_grib_forecasts(path, "2t", written["t2m"].values, latitudes=written["latitude"].values,
                             longitudes=written["longitude"].values, steps_hours=(0, 6, 12))
    chosen = select_values(open_dataset([path]), {"step": step})
    valid = (REFERENCE_TIMES + np.timedelta64(6, "h")).astype("datetime64[s]")
    assert chosen["t2m"].dims == ("time", "latitude", "longitude")
    assert [value.isoformat(sep=" ") for value in chosen["time"].values] == [str(v).replace("T", " ") for v in valid]
    np.testing.assert_allclose(chosen["t2m"].values, written["t2m"].values[:, 1], rtol=1e-5)  # GRIB packs values
    assert float(chosen["step"]) == 6.0  # the lead time chosen, kept as a scalar coordinate


def _hindcasts() -> xr.Dataset:
    """tas (init, time, lat, lon) in the 360_day calendar: three forecast starts (a dated
    dimension that is not the time axis) of four monthly steps each."""
    import cftime

    starts = [cftime.datetime(2000, 2, day, calendar="360_day") for day in (10, 20, 30)]
    months = [cftime.datetime(2000, month, 15, calendar="360_day") for month in range(3, 7)]
    values = np.arange(3 * 4 * 2 * 2, dtype="float32").reshape(3, 4, 2, 2)
    return xr.Dataset(
        {"tas": (("init", "time", "lat", "lon"), values, {"units": "K"})},
        coords={"init": ("init", starts, {"standard_name": "forecast_reference_time"}),
                "time": ("time", months, {"standard_name": "time"}),
                "lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0], {"units": "degrees_east"})})


@pytest.mark.parametrize("text", [pytest.param("2000-02-30", id="day"),
                                  pytest.param("2000-02-30 00:00:00", id="day-and-time"),
                                  pytest.param("2000-02-30T00:00", id="iso-t")])
def test_a_date_selects_a_dated_dimension_in_its_calendar(text):
    """30 February is a day of the 360_day calendar: the third start, read as a date, not text."""
    dataset = _hindcasts()
    chosen = select_values(dataset, {"init": text})
    np.testing.assert_array_equal(chosen["tas"].values, dataset["tas"].values[2])
    assert chosen["init"].values.item().strftime("%Y-%m-%d") == "2000-02-30"


@pytest.mark.parametrize(("calendar", "years", "text", "chosen"), [
    pytest.param("noleap", (-10, -9, -8), "-0009-02-20", 1, id="year-minus-9"),
    pytest.param("360_day", (-20060, -20050, -20040), "-20050-02-20 00:00", 1, id="expanded-year"),
    pytest.param("standard", (-2, -1, 1), "0001-02-20", 2, id="year-1-after-year-minus-1"),
])
def test_a_date_of_a_year_before_year_1_selects_as_climann_prints_it(calendar, years, text, chosen):
    """fix33b: ``init=-0009-02-20`` (a start date as climann prints it) was "not a date"."""
    import cftime

    dataset = _hindcasts().assign_coords(init=("init", [cftime.datetime(year, 2, 20, calendar=calendar)
                                                        for year in years], {"standard_name": "forecast_reference_time"}))
    np.testing.assert_array_equal(select_values(dataset, {"init": text})["tas"].values, dataset["tas"].values[chosen])


def test_year_0_of_a_calendar_without_one_is_refused_as_a_date():
    import cftime

    dataset = _hindcasts().assign_coords(init=("init", [cftime.datetime(year, 2, 20, calendar="standard")
                                                        for year in (-2, -1, 1)]))
    with pytest.raises(ClimannError, match=r"^init=0000-02-20 is not a date of the 'standard' calendar of 'init': the "
                                           r"'standard' calendar has no year 0 \(its year -0001 is followed by 0001\)$"):
        select_values(dataset, {"init": "0000-02-20"})


def test_selecting_one_date_of_the_time_axis_is_refused_with_the_time_range_to_use():
    with pytest.raises(ClimannError) as error:
        select_values(_hindcasts(), {"time": "2000-03-15"})
    assert str(error.value) == (
        "cannot select time=2000-03-15: 'time' is the time axis, and a select keeps one value of it (one time step); "
        "choose a period with --time-range 2000-03,2000-06 ([data] time_range = [\"2000-03\", \"2000-06\"]), "
        "or seasons with --seasons")


@pytest.mark.parametrize("text, expected", [
    pytest.param("2000-02-31", "init=2000-02-31 is not a date of the '360_day' calendar of 'init': its 2000-02 has 30 "
                 "days (give 2000-02-30); the values of 'init' nearest it: 2000-02-30", id="no-such-day"),
    pytest.param("2000-02-15", "init=2000-02-15 00:00:00 is not a value of 'init'; its values: 2000-02-10 00:00:00, "
                 "2000-02-20 00:00:00, 2000-02-30 00:00:00", id="a-day-without-a-value"),
    pytest.param("2000-13-01", "init=2000-13-01 is not a date of the '360_day' calendar of 'init': months are 1 to 12; "
                 "the values of 'init' nearest it: 2000-02-30", id="no-such-month"),
    pytest.param("February 2000", "init=February 2000 is not a date; 'init' holds dates: give one as YYYY-MM-DD or "
                 "'YYYY-MM-DD HH:MM:SS', e.g. init=2000-02-10 00:00:00", id="not-a-date"),
])
def test_a_date_that_is_none_of_the_calendar_is_named(text, expected):
    with pytest.raises(ClimannError) as error:
        select_values(_hindcasts(), {"init": text})
    assert str(error.value) == expected


def _months_of(dataset):
    return [(time.year, time.month) for time in dataset["time"].values]


@pytest.mark.parametrize(("options", "expected_months", "said"), [
    pytest.param({"seasons": ("DJF",)}, {12, 1, 2}, "kept the 9 DJF steps of the 36 of new.nc: the run was trained "
                 "on DJF only ([data] seasons), so the other months are not predicted", id="season"),
    pytest.param({"months": (6, 7)}, {6, 7}, "kept the 6 Jun, Jul steps of the 36 of new.nc: the run was trained on "
                 "Jun, Jul only ([data] months)", id="months"),
    pytest.param({}, set(range(1, 13)), None, id="every-month"),
])
def test_new_data_keep_the_runs_months_saying_so(caplog, options, expected_months, said):
    dataset = grid_dataset(n_years=3)  # monthly 2000–2002
    with caplog.at_level("WARNING", logger="climann"):
        kept = select_new_data_time(dataset, where="new.nc", **options)
    by_hand = [(year, month) for year, month in _months_of(dataset) if month in expected_months]
    assert _months_of(kept) == by_hand
    assert (said in caplog.text) if said else caplog.text == ""


def test_new_data_of_other_years_than_a_runs_are_all_kept():
    """A run's own time_range is not an argument here: other years are what predict is for."""
    dataset = grid_dataset(n_years=3)
    kept = select_new_data_time(dataset, time_range=("2001", "2001-03"), months=(1, 2, 3, 4), where="new.nc")
    assert _months_of(kept) == [(2001, 1), (2001, 2), (2001, 3)]


@pytest.mark.parametrize(("options", "message"), [
    pytest.param({"seasons": ("JJA",)}, r"these data \(new.nc\) hold no time step in the months the run was trained on "
                 r"\(JJA, \[data\] seasons\): their steps fall in Jan, Feb, Mar; give data of those months or another "
                 r"--time-range$", id="no-step-of-the-runs-season"),
    pytest.param({"time_range": ("2005", "2006")}, r"--time-range 2005,2006 selects no time step of new.nc, which cover "
                 r"2000-01-\d\d to 2002-12-\d\d; give a period within it$", id="a-period-the-data-lack"),
])
def test_new_data_without_a_step_to_predict_are_refused_naming_what_they_hold(options, message):
    dataset = grid_dataset(n_years=3)
    if "seasons" in options:
        options = {**options, "time_range": ("2001-01", "2001-03")}
    with pytest.raises(ClimannError, match=message):
        select_new_data_time(dataset, where="new.nc", **options)


@pytest.mark.parametrize(("calendar", "text", "last", "around"), [
    pytest.param("360_day", "2000-02-31", 30, "2000-02-20, 2000-03-10", id="360-day-31-february"),
    pytest.param("noleap", "2000-02-29", 28, "2000-02-20, 2000-03-10", id="noleap-29-february"),
    pytest.param("standard", "2001-02-29", 28, "2001-02-20, 2001-03-10", id="standard-29-february-2001"),
    pytest.param("datetime64", "2001-02-29", 28, "2001-02-20, 2001-03-10", id="datetime64-29-february-2001"),
])
def test_a_day_the_calendar_lacks_is_refused_with_its_last_day_and_the_values_around_it(calendar, text, last, around):
    """``init=1991-02-31`` in a 360_day file said only that it is no date of the calendar, with
    no way out; a datetime64 coordinate raised numpy's ValueError (a traceback). The month's
    last day (by cftime, in the calendar) and the values just before and after are named."""
    import cftime

    year = int(text[:4])
    days = [(year, 2, 20), (year, 3, 10)]
    starts = (np.array([f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in days], "datetime64[ns]") if calendar == "datetime64"
              else [cftime.datetime(*day, calendar=calendar) for day in days])
    dataset = _hindcasts().isel(init=[0, 1]).assign_coords(
        init=("init", starts, {"standard_name": "forecast_reference_time"}))
    with pytest.raises(ClimannError) as error:
        select_values(dataset, {"init": text})
    expected_calendar = "proleptic_gregorian" if calendar == "datetime64" else calendar
    assert str(error.value) == (
        f"init={text} is not a date of the '{expected_calendar}' calendar of 'init': its {text[:7]} has {last} days "
        f"(give {text[:7]}-{last}); the values of 'init' nearest it: {around}")


def test_a_scalar_lead_time_other_than_the_runs_is_refused_with_both_in_their_units():
    """Data of one lead time (a scalar ``step``) against a run's ``select = {step = 1080}``
    in minutes: the message said ``step is 36.0 in these data, not 18.0``, without units."""
    from tests.forecast_files import cfgrib_layout

    dataset = cfgrib_layout([36]).drop_vars("valid_time")
    dataset = dataset.assign_coords(step=((), 36.0, {"standard_name": "forecast_period", "units": "hours"}))
    with pytest.raises(ClimannError) as error:
        select_values(dataset, {"step": 1080.0}, units={"step": "minutes"}, where="f1.nc",
                      reference="the model's training data")
    assert str(error.value) == ("the model's training data are at step=18 hours ([data] select), which f1.nc does "
                                "not hold (its step values: 36 hours); give data at that step, or retrain the run "
                                "on these")


@pytest.mark.parametrize(("dim", "message"), [
    # tour13: "no dimension 'plev'; dimensions: time, lat, lon, bnds", bnds being time_bnds' own
    pytest.param("plev", r"^cannot select plev=500: no dimension 'plev' of the data; dimensions: time, lat, lon$",
                 id="absent"),
    # selecting index 0 of bnds would have cut the bounds to their first edge
    pytest.param("bnds", r"^cannot select bnds=500: no dimension 'bnds' of the data \(only time_bnds has it, which "
                         r"is not data\); dimensions: time, lat, lon$", id="bounds-only"),
])
def test_a_selection_names_only_the_dimensions_of_the_data(dim, message):
    dataset = grid_dataset()
    time = dataset["time"].values
    dataset["time_bnds"] = (("time", "bnds"), np.stack([time, time], axis=1))
    dataset["time"].attrs["bounds"] = "time_bnds"
    assert list(dataset.dims) == ["time", "lat", "lon", "bnds"]
    with pytest.raises(ClimannError, match=message):
        select_values(dataset, {dim: 500})


#: CF's hybrid sigma-pressure level (CF 1.8 Appendix D) as CMIP6 (units "1"), CAM5 (units
#: "level") and CESM2 CAM (units hPa: the nominal 1000·(A+B)) write it.
HYBRID = "atmosphere_hybrid_sigma_pressure_coordinate"


def _on_model_levels(levels, units, *, standard_name=HYBRID, formula_terms="ap: ap b: b ps: ps"):
    """``pred`` on levels ``lev`` (level k is 1 + k times the grid's values), a parametric
    vertical coordinate when it has a standard_name or formula_terms."""
    dataset = grid_dataset()
    factors = xr.DataArray(np.arange(1, len(levels) + 1, dtype=np.float32), dims="lev")
    dataset["pred"] = dataset["pred"].expand_dims(lev=len(levels), axis=1) * factors
    attrs = {"units": units, "positive": "down", "standard_name": standard_name, "formula_terms": formula_terms}
    return dataset.assign_coords(lev=("lev", np.asarray(levels, np.float64), {k: v for k, v in attrs.items() if v}))


def _printed_select(message):
    """The ``--select`` a message prints, as the user would type it: ``{dim: value}``."""
    printed = message.split("--select ", 1)[1].split(",")[0].split(" ([")[0].strip()
    dim, value = printed.strip("'").split("=", 1)
    return {dim: value}


@pytest.mark.parametrize("dataset", [
    pytest.param(_on_model_levels([0.985, 0.91, 0.75], "1"), id="cmip6-hybrid-units-1"),
    pytest.param(_on_model_levels([26.0, 225.0, 600.0], "level", formula_terms="a: hyam b: hybm p0: P0 ps: PS"),
                 id="cam5-hybrid-units-level"),
    pytest.param(_on_model_levels([992.5, 900.0, 500.0], "hPa", formula_terms="a: hyam b: hybm p0: P0 ps: PS"),
                 id="cesm2-cam-hybrid-hPa"),
    pytest.param(_on_model_levels([0.5, 1.5, 2.5], "1", standard_name=None, formula_terms=None), id="plain-units-1"),
    pytest.param(_on_model_levels([10.0, 20.0, 30.0], "level", standard_name=None, formula_terms=None),
                 id="plain-units-level"),
])
def test_the_select_a_refusal_prints_is_accepted(dataset):
    """The printed --select 'lev=0.985 1' (CMIP6) and 'lev=26 level' (CAM5) were refused by the
    check that printed them: units "1" never parsed, "level" is no UDUNITS (break19a F4)."""
    with pytest.raises(ClimannError) as refused:
        select_values(dataset, {"lev": 85000.0}, where="ta.nc")
    selected = select_values(dataset, _printed_select(str(refused.value)), where="ta.nc")
    assert float(selected["lev"]) == float(dataset["lev"][0])
    np.testing.assert_array_equal(selected["pred"].values, grid_dataset()["pred"].values)  # the first level


@pytest.mark.parametrize("value", [pytest.param("0.91 1", id="own-units-1"), pytest.param("0.91", id="bare")])
def test_a_model_level_is_chosen_by_its_own_value(value):
    selected = select_values(_on_model_levels([0.985, 0.91, 0.75], "1"), {"lev": value}, where="ta.nc")
    np.testing.assert_array_equal(selected["pred"].values, 2 * grid_dataset()["pred"].values)


@pytest.mark.parametrize("value", [pytest.param("90000 Pa", id="Pa"), pytest.param("900 hPa", id="hPa-as-the-file"),
                                   pytest.param("0.9 bar", id="bar")])
def test_a_pressure_on_a_hybrid_level_is_refused_as_no_pressure(value):
    """CESM CAM's lev in hPa is 1000·(A+B): 'lev=90000 Pa' picked the level of nominal value 900
    without a word, whose pressure is hyam·P0 + hybm·PS, ≈ 540 hPa where PS is 600 hPa. The ml2pl route
    interpolates to the pressure asked, in Pa (fix56d)."""
    dataset = _on_model_levels([992.5, 900.0, 500.0], "hPa", formula_terms="a: hyam b: hybm p0: P0 ps: PS")
    with pytest.raises(ClimannError) as refused:
        select_values(dataset, {"lev": value}, where="ta.nc")
    number, units = value.split()
    assert str(refused.value) == (
        f"cannot select lev={number} {units} (its values: 992.5, 900, 500 hPa): 'lev' is a hybrid sigma-pressure model "
        "level, not a pressure: each level's pressure is computed from its formula_terms (a: hyam b: hybm p0: P0 ps: "
        "PS) and changes from cell to cell; choose a model level by its own value as a bare number (e.g. --select "
        "lev=992.5, [data] select = {lev = 992.5}), or for a pressure level interpolate first, e.g. cdo ml2pl,90000 "
        "IN.nc OUT.nc (levels in Pa; needs the surface pressure PS in the file and the coefficients at the layer "
        "interfaces, which this file lacks: the level's bounds (CF Appendix D), e.g. lev:bounds = \"lev_bnds\" and "
        "lev_bnds:formula_terms = \"a: a_bnds b: b_bnds p0: P0 ps: PS\" with a_bnds and b_bnds (lev, 2) at each "
        "layer's upper and lower interface (ECMWF's L137 table gives them for ERA5); with the mid-layer ones alone cdo "
        "finds no hybrid level)")
    assert float(select_values(dataset, {"lev": "900"}, where="ta.nc")["lev"]) == 900.0  # its own value, bare


def test_select_time_records_the_step_of_the_axis_it_thinned(tmp_path):
    """``time_stride`` and ``months`` keep cells of the step the axis had before (break20 F1);
    a time range alone thins nothing and records nothing."""
    import cftime

    from climann.data.time_axis import TimeStep
    from climann.data.time_cells import VALUE_STEP_KEY

    times = [cftime.DatetimeNoLeap(2000 + m // 12, m % 12 + 1, 15) for m in range(36)]
    dataset = xr.Dataset({"tas": (("time",), np.arange(36.0))}, coords={"time": ("time", times, {"axis": "T"})})
    assert TimeStep.from_record(select_time(dataset, time_stride=2)["time"].encoding[VALUE_STEP_KEY]) == TimeStep(
        months=1)
    assert TimeStep.from_record(select_time(dataset, months=[1])["time"].encoding[VALUE_STEP_KEY]) == TimeStep(
        months=1)
    assert VALUE_STEP_KEY not in select_time(dataset, time_range=("2000", "2001"))["time"].encoding


def test_months_choose_weekly_means_without_bounds_by_their_cells_middle():
    """``--seasons DJF`` (months 12, 1, 2) on weekly means stamped at the start of their 7 days,
    without bounds: a week is chosen by the month of its middle (stamp + 3.5 days), the date
    its season feature and its season's scores give it, so the week stamped 26 February (middle
    1 March 12:00) is left out and the week stamped 27 November (middle 30 November 12:00) too."""
    import cftime

    start = cftime.DatetimeGregorian(2001, 1, 1)
    times = np.array([start + datetime.timedelta(days=7 * k) for k in range(104)])
    dataset = xr.Dataset({"tas": (("time",), np.arange(104.0))}, coords={"time": ("time", times, {"axis": "T"})})
    kept = select_time(dataset, months=[12, 1, 2])["time"].values
    middles = times + datetime.timedelta(days=3.5)
    expected = times[[middle.month in (12, 1, 2) for middle in middles]]
    np.testing.assert_array_equal(kept, expected)
    assert cftime.DatetimeGregorian(2001, 2, 26) not in list(kept)  # its middle is 1 March
    assert cftime.DatetimeGregorian(2001, 2, 19) in list(kept)


@pytest.mark.parametrize(("selection", "message"), [
    pytest.param({"time_range": ("2001-03-01", "2001-03-31"), "months": (2,)},
                 "the time selection (2001-03-01 to 2001-03-31, months Feb) is empty; the data cover 2000-01-15 to "
                 "2002-12-15, and no step from 2001-03-01 to 2001-03-31 is in Feb: widen the time range or choose "
                 "other months", id="months-outside-the-range"),
    pytest.param({"time_range": ("1990", "1995")},
                 "the time selection (1990 to 1995) is empty; no time step of the data (which cover 2000-01-15 to "
                 "2002-12-15) lies from 1990 to 1995: widen the time range", id="range-outside-the-data"),
    pytest.param({"time_range": ("2001-03-20", "2001-04-10")},
                 "the time selection (2001-03-20 to 2001-04-10) is empty; no time step of the data (which cover "
                 "2000-01-15 to 2002-12-15) lies from 2001-03-20 to 2001-04-10: widen the time range",
                 id="range-between-two-stamps"),
    pytest.param({"time_range": ("2001-04", "2001-10"), "months": (12, 1, 2)},
                 "the time selection (2001-04 to 2001-10, months Dec/Jan/Feb) is empty; the data cover 2000-01-15 to "
                 "2002-12-15, and no step from 2001-04 to 2001-10 is in Dec/Jan/Feb: widen the time range or choose "
                 "other months", id="winter-in-summer"),
])
def test_an_empty_time_selection_is_one_readable_line(selection, message):
    """The refusal printed Python lists ("time_range ['2001-03-01', '2001-03-31'], months [2]")."""
    with pytest.raises(ClimannError) as raised:
        select_time(grid_dataset(n_years=3), **selection)
    assert str(raised.value) == message


def test_an_empty_region_is_named_by_its_sides():
    with pytest.raises(ClimannError) as raised:
        select_region(grid_dataset(n_lat=4), (10.0, 20.0, 0.0, 360.0))
    assert str(raised.value).startswith("region (south 10, north 20, west 0, east 360) contains no grid cell; "
                                        "the grid spans latitude")
    with pytest.raises(ClimannError, match=r"^region \(south 20, north 10, west 0, east 360\): south is north of "):
        select_region(grid_dataset(n_lat=4), (20.0, 10.0, 0.0, 360.0))


def _kept_months(dataset: xr.Dataset) -> list[str]:
    return [time.strftime("%Y-%m") for time in dataset["time"].values]


def test_the_steps_read_before_a_range_are_those_of_its_months_the_lags_reach():
    """The docstring's example by hand: a monthly axis from 1983-01, a DJF range from 1984-01,
    lags up to 12 steps: 1983-01, 1983-02 and 1983-12 (March–November are left out by DJF)."""
    within = np.arange(24) >= 12
    in_months = np.isin(np.arange(24) % 12, [11, 0, 1])  # Dec, Jan, Feb
    chosen = np.flatnonzero(within & in_months)
    assert steps_before_range_of(chosen, within, 12, in_months=in_months).tolist() == [0, 1, 11]
    assert steps_before_range_of(chosen, within, 1, in_months=in_months).tolist() == [11]
    assert steps_before_range_of(chosen, within, 12).tolist() == list(range(12))  # no months: all 12


@pytest.mark.parametrize(("before_in_months", "expected_before"), [
    pytest.param(True, ["2000-01", "2000-02", "2000-12"], id="djf-steps-before-read"),
    pytest.param(False, [], id="runs-before-4-december-2026-read-none"),
])
def test_seasons_with_a_time_range_read_the_steps_before_it_in_their_months(before_in_months, expected_before):
    """verify22b F6: with --seasons DJF the period's first January lacked its lags and
    persistence, as nothing was read before a thinned range."""
    dataset = grid_dataset(n_years=3)  # 2000-01 … 2002-12
    selected = select_time(dataset, time_range=("2001-01", "2002-12"), months=(12, 1, 2), steps_before=12,
                           before_in_months=before_in_months)
    period = ["2001-01", "2001-02", "2001-12", "2002-01", "2002-02", "2002-12"]
    assert _kept_months(selected) == expected_before + period
    assert selected["time"].encoding.get(STEPS_BEFORE_RANGE_KEY, 0) == len(expected_before)
    assert steps_held_before_range(dataset, time_range=("2001-01", "2002-12"), months=(12, 1, 2), steps_before=12,
                                   before_in_months=before_in_months) == len(expected_before)


def test_new_data_of_a_seasons_run_read_the_steps_before_the_time_range_in_its_months():
    dataset = grid_dataset(n_years=3)
    selected = select_new_data_time(dataset, time_range=("2001-01", "2002-12"), seasons=("DJF",), where="new.nc",
                                    steps_before=1)
    assert _kept_months(selected) == ["2000-12", "2001-01", "2001-02", "2001-12", "2002-01", "2002-02", "2002-12"]
    assert selected["time"].encoding[STEPS_BEFORE_RANGE_KEY] == 1
    # a range that starts the data has none before it
    selected = select_new_data_time(dataset, time_range=("2000-01", "2000-12"), seasons=("DJF",), where="new.nc",
                                    steps_before=12)
    assert _kept_months(selected) == ["2000-01", "2000-02", "2000-12"]
    assert STEPS_BEFORE_RANGE_KEY not in selected["time"].encoding


def test_a_runs_lead_time_under_another_name_is_refused_with_the_rename_that_takes_it(tmp_path):
    """break34a A5: a run that chose cfgrib's ``step = 1`` (days), given the new ADS layout whose
    lead time is ``forecast_period`` in hours, was told only "no dimension 'step'"; the message
    gives the --rename, and the value in the data's hours, and the rename followed picks the
    24 h forecasts."""
    from climann.data.open import open_dataset
    from tests.forecast_files import cfgrib_layout

    written = cfgrib_layout([0, 24, 48]).rename(step="forecast_period")
    hours = written["forecast_period"].values / np.timedelta64(1, "h")
    written = written.assign_coords(forecast_period=("forecast_period", hours, {
        "standard_name": "forecast_period", "units": "hours"})).drop_vars("valid_time")
    written.to_netcdf(tmp_path / "cams_fp.nc")
    with pytest.raises(ClimannError) as error:
        select_values(open_dataset([tmp_path / "cams_fp.nc"]), {"step": 1}, units={"step": "days"})
    message = str(error.value)
    assert message.startswith("cannot select step=1: no dimension 'step' of the data")
    assert "give --rename '*:forecast_period=step' so that the run's selection takes it, the run's step=1 days " \
           "being forecast_period=24 hours" in message
    old, new = re.search(r"--rename '\*:(\w+)=(\w+)'", message).groups()
    renamed = open_dataset([tmp_path / "cams_fp.nc"], rename={"*": {old: new}})
    chosen = select_values(renamed, {"step": 1}, units={"step": "days"})
    np.testing.assert_array_equal(chosen["t2m"].values, written["t2m"].values[:, 1])


def test_a_lead_time_already_chosen_under_another_name_is_to_be_left_to_the_runs_selection(tmp_path):
    """break34a A5 with ``--select forecast_period=24`` given too: the dimensions named were those after that
    selection, and nothing said that the rename needs it left out."""
    from tests.forecast_files import cfgrib_layout

    dataset = cfgrib_layout([24]).drop_vars("valid_time").rename(step="forecast_period")
    dataset = dataset.assign_coords(forecast_period=((), 24.0, {"standard_name": "forecast_period", "units": "hours"}))
    with pytest.raises(ClimannError, match=r"dimensions: time, latitude, longitude; the run's step is a lead time in "
                                           r"days, .*one lead time is already chosen here \(forecast_period=24, by "
                                           r"--select or by the file\): leave out a --select of forecast_period"):
        select_values(dataset, {"step": 1}, units={"step": "days"})


def write_passes(path):
    """An AMSR2-like monthly file: sst on (time, pass, lat, lon), ``pass`` an int8 coordinate
    with flag_values 1 2 and flag_meanings "ascending descending" (CF-1.11 §3.5); the
    descending values 10 lower than the ascending ones."""
    sst = np.arange(3 * 2 * 2 * 3, dtype=np.float64).reshape(3, 2, 2, 3)
    sst[:, 1] -= 10.0
    xr.Dataset(
        {"sst": (("time", "pass", "lat", "lon"), sst, {"units": "degree_Celsius"})},
        coords={"time": ("time", [0.0, 31.0, 59.0], {"units": "days since 2013-01-01", "standard_name": "time"}),
                "pass": ("pass", np.array([1, 2], "i1"), {"long_name": "satellite pass direction",
                                                           "flag_values": np.array([1, 2], "i1"),
                                                           "flag_meanings": "ascending descending"}),
                "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(path)
    return path, sst


@pytest.mark.parametrize(("value", "index"), [
    pytest.param("descending", 1, id="descending"),
    pytest.param("ascending", 0, id="ascending"),
    pytest.param("Descending", 1, id="any-case"),
])
def test_a_flag_meaning_selects_its_code(tmp_path, value, index):
    """break39a F7: ``--select pass=descending`` of AMSR2's pass (flag_values 1 2,
    flag_meanings "ascending descending") was refused as no value of 'pass'."""
    from climann.data.open import open_dataset

    path, sst = write_passes(tmp_path / "amsr2.nc")
    chosen = select_values(open_dataset([path]), {"pass": value})
    np.testing.assert_array_equal(chosen["sst"].values, sst[:, index])
    assert int(chosen["pass"]) == index + 1


def test_a_value_that_is_no_flag_meaning_is_refused_with_the_codes_and_their_meanings(tmp_path):
    from climann.data.open import open_dataset

    path, _ = write_passes(tmp_path / "amsr2.nc")
    with pytest.raises(ClimannError) as raised:
        select_values(open_dataset([path]), {"pass": "up"})
    assert str(raised.value) == "pass=up is not a value of 'pass'; its values: 1 (ascending), 2 (descending)"


def test_a_bare_number_of_the_other_sign_is_refused_with_the_rule():
    """The refusal of a value whose opposite is on the axis states the rule predict applies to a run's level; on
    an axis positive down, -15 was "a height of 15 m", which is depth=-15, not 15."""
    dataset = xr.Dataset({"thetao": (("depth",), np.zeros(2))},
                         coords={"depth": ("depth", [5.0, 15.0], {"units": "m", "positive": "down"})})
    with pytest.raises(ClimannError, match=re.escape("'depth' is positive down (CF §4.3), so a depth of 15 m is "
                                                     "depth=15")):
        select_values(dataset, {"depth": -15.0}, where="ocean.nc")


# --- a level chosen by a coordinate along its index (ECCO's Z(k)) -------------------------------
@pytest.mark.parametrize("value", [
    pytest.param(-105.31, id="bare-in-m"), pytest.param("-105.31 m", id="with-units"),
    pytest.param("-10531 cm", id="other-units"),
])
def test_a_level_is_selected_by_the_coordinate_along_its_index(tmp_path, value, caplog):
    """break40b B1: ECCO's THETA(time, k, tile, j, i) gives its depths as Z(k), k being an index: ``Z=-105.31`` was
    refused ("no dimension 'Z' of the data"). A value of Z selects its k (10), said in a note; the data are numpy's
    slice at k=10, and k and Z are both kept as the value taken."""
    import logging

    from climann.data.notes import forget_notes
    from climann.data.open import open_dataset
    from tests.grid_files import write_ecco

    path = write_ecco(tmp_path / "ecco.nc")
    dataset = open_dataset([path])
    forget_notes()  # the note is said once per run
    with caplog.at_level(logging.INFO, logger="climann"):
        chosen = select_values(dataset, {"tile": 1, "Z": value}, where="ecco.nc")
    with xr.open_dataset(path) as raw:
        expected = raw["THETA"].values[:, 10, 1]
    np.testing.assert_array_equal(chosen["THETA"].values, expected)
    assert int(chosen["k"]) == 10 and float(chosen["Z"]) == np.float32(-105.31)
    assert "Z=-105.31 m selected at k=10, the k whose Z it is (THETA)" in caplog.text
    assert {"k", "Z"} <= set(chosen["THETA"].encoding["coordinates"].split())


@pytest.mark.parametrize(("selection", "message"), [
    pytest.param({"k": 105}, "k=105 is not a value of 'k'; its values: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 … (12 in all; "
                 "the highest, nearest 105: 11); or select by Z, the value along k (m), e.g. --select 'Z=-5' "
                 "(climann info lists each k with its Z)", id="k-as-a-depth"),
    pytest.param({"k": "105 m"}, "k=105 m is given with units, but 'k' in ecco.nc has none (no units attribute); give "
                 "the value as a bare number, as the file holds it; or select by Z, the value along k (m), e.g. "
                 "--select 'Z=-5' (climann info lists each k with its Z)", id="k-with-units"),
    pytest.param({"Z": 105.31}, "Z=105.31 is not a value of 'Z' in ecco.nc: its values are -5, -15, -25, -35, -45, "
                 "-55, -65, -75.005, -85.025, -95.095 … m (12 in all; the highest, nearest 105.31: -5 m); 'Z' is "
                 "positive up (CF §4.3), so a depth of 105.31 m is Z=-105.31, and a bare number is read in m; give "
                 "one of them, or a value with its units, e.g. --select 'Z=-105.31 m' ([data] select = {Z = \"-105.31 m\"})",
                 id="a-depth-as-positive"),
])
def test_a_depth_given_to_an_index_or_with_the_wrong_sign_is_refused_naming_the_coordinate_to_use(
        tmp_path, selection, message):
    """break40b B1: ``k=105 m`` was told to give "a bare number", and ``k=105`` refused of k's 0–11, neither naming Z;
    a positive depth of ECCO's positive-up Z named only the first ten values."""
    from climann.data.open import open_dataset
    from tests.grid_files import write_ecco

    dataset = open_dataset([write_ecco(tmp_path / "ecco.nc")])
    with pytest.raises(ClimannError) as refused:
        select_values(dataset, selection, where="ecco.nc")
    assert str(refused.value) == message


#: An ocean level axis stored positive up, as break43c's CMIP6 copy (m).
_LEVELS_UP = [-6.0, -17.0, -27.0, -37.0, -47.0, -57.0, -68.5, -82.5, -100.0, -122.5, -150.0, -182.5, -220.0, -262.5]


@pytest.mark.parametrize(("value", "advised"), [
    pytest.param("100 m", -100.0, id="a-depth-that-is-a-level"),
    pytest.param(100.0, -100.0, id="a-bare-depth-that-is-a-level"),
    pytest.param("95 m", -100.0, id="a-depth-between-levels"),
    pytest.param("-95 m", -100.0, id="a-height-between-levels"),
])
def test_a_depth_refused_on_an_axis_positive_up_is_advised_as_its_own_level(value, advised):
    """break43c A2: "'lev' is positive up (CF §4.3), so a depth of 100 m is lev=-100; …, e.g. --select 'lev=-6 m'":
    the example was the level nearest +100 (the highest), not the one just explained. It is the user's own depth
    counted the axis's way (the nearest level to it when it is none), and, given back, selects that level (numpy's
    slice)."""
    values = np.arange(len(_LEVELS_UP) * 2, dtype="f4").reshape(-1, 2)
    dataset = xr.Dataset({"thetao": (("lev", "lat"), values, {"units": "degC"})},
                         coords={"lev": ("lev", _LEVELS_UP, {"units": "m", "positive": "up", "axis": "Z"}),
                                 "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"})})
    with pytest.raises(ClimannError) as refused:
        select_values(dataset, {"lev": value}, where="thetao_up.nc")
    example = re.search(r"e\.g\. --select 'lev=(\S+) m' \(\[data\] select = \{lev = \"(\S+) m\"\}\)$", str(refused.value))
    assert example is not None and float(example[1]) == float(example[2]) == advised
    chosen = select_values(dataset, {"lev": f"{example[1]} m"}, where="thetao_up.nc")
    np.testing.assert_array_equal(chosen["thetao"].values, values[_LEVELS_UP.index(advised)])


def _on_lev(values, attrs):
    """``no3(lev, lat)`` on the levels ``values`` with ``attrs``."""
    return xr.Dataset({"no3": (("lev", "lat"), np.ones((len(values), 2), dtype="f4"), {"units": "mol m-3"})},
                      coords={"lev": ("lev", list(values), attrs), "lat": ("lat", [0.0, 10.0])})


CESM2B_LEV = {"units": "centimeters", "standard_name": "depth", "positive": "down", "axis": "Z"}


def test_a_runs_level_converted_to_other_units_is_said_only_once_found(caplog):
    """break42b A8: "lev=6 m … selected as lev=600 centimeters in …CESM2b…" was warned just before the
    refusal that CESM2b (500, 1500, 2500 cm) does not hold it; the conversion is said once the level is found."""
    import logging

    missing = _on_lev([500.0, 1500.0, 2500.0], CESM2B_LEV)
    with caplog.at_level(logging.WARNING), pytest.raises(ClimannError, match=r"does not hold \(its lev values"):
        select_values(missing, {"lev": 6.0}, units={"lev": "m"}, directions={"lev": "up"}, where="cesm2b.nc",
                      reference="the model's training data")
    assert "selected as" not in caplog.text
    found = select_values(_on_lev([600.0, 1700.0], CESM2B_LEV), {"lev": 6.0}, units={"lev": "m"}, where="cesm2.nc",
                          reference="the model's training data")
    assert float(found["lev"]) == 600.0
    assert "lev=6 m of the model's training data selected as lev=600 centimeters in cesm2.nc" in caplog.text


def test_a_level_of_another_kind_than_the_runs_is_refused_before_any_conversion(caplog):
    """break42b A1: the run's depth (kind "length") is refused of a parametric model level of the same name
    whatever its units, before a conversion is said; the same kind is selected as before."""
    import logging

    sigma_z = {"units": "cm", "standard_name": "ocean_sigma_z_coordinate", "formula_terms": "sigma: s zlev: z"}
    with caplog.at_level(logging.WARNING), pytest.raises(ClimannError, match=(
            r"^the run's data are at lev=6 m \(\[data\] select\), a depth \(positive down\), but 'lev' in miroc\.nc "
            r"is an ocean sigma-z level \(standard_name ocean_sigma_z_coordinate; formula_terms \"sigma: s zlev: z\"\)")):
        select_values(_on_lev([600.0, 1700.0], sigma_z), {"lev": 6.0}, units={"lev": "m"}, directions={"lev": "down"},
                      kinds={"lev": "length"}, where="miroc.nc", reference="the run's data")
    assert caplog.text == ""
    same = select_values(_on_lev([600.0, 1700.0], CESM2B_LEV), {"lev": 6.0}, units={"lev": "m"},
                         kinds={"lev": "length"}, where="cesm2.nc", reference="the run's data")
    assert float(same["lev"]) == 600.0


def _members(count: int) -> xr.Dataset:
    """``pred`` of ``count`` members (cfgrib's ``number``, units "1"), member k being k + the grid's values."""
    dataset = grid_dataset()
    members = [dataset["pred"] + k for k in range(count)]
    number = xr.DataArray(np.arange(count), dims="number", attrs={"standard_name": "realization", "units": "1"})
    return dataset.assign(pred=xr.concat(members, dim=number))


@pytest.mark.parametrize("value", [
    pytest.param("2,4", id="two"),
    pytest.param("1,3", id="product-of-a-member"),
    pytest.param("0,1,2", id="three"),
    pytest.param("2.0,4.0", id="decimals"),
    pytest.param("2 m,4 m", id="with-units"),
])
def test_several_values_of_a_dimension_are_refused_never_multiplied(value):
    """break42c A1: select_values(number="2,4") took member 8, pint reading "2,4" as 2 × 4 in units "1".
    One member with its units, and a label with a comma of a coordinate of labels, are still one value."""
    with pytest.raises(ClimannError, match=rf"^select: number={value} gives {value.count(',') + 1} values, and a "
                                           r"selection keeps one value of each dimension"):
        select_values(_members(10), {"number": value})
    chosen = select_values(_members(10), {"number": "4 1"})
    np.testing.assert_array_equal(chosen["pred"].values, grid_dataset()["pred"].values + 4)
    dataset = grid_dataset()
    names = xr.DataArray(["Paris, France", "1,2"], dims="station")
    dataset = dataset.assign(pred=xr.concat([dataset["pred"], dataset["pred"] * 2], dim=names))
    np.testing.assert_array_equal(select_values(dataset, {"station": "1,2"})["pred"].values,
                                  grid_dataset()["pred"].values * 2)
    np.testing.assert_array_equal(select_values(dataset, {"station": "Paris, France"})["pred"].values,
                                  grid_dataset()["pred"].values)


@pytest.mark.parametrize("value", [pytest.param("2;4", id="semicolon"), pytest.param("3 ;2", id="blank-semicolon")])
def test_units_of_a_selected_value_that_hold_a_number_are_refused_never_multiplied(value):
    """rerun42 N1: number='2;4' selected member 8 with exit 0 (pint reads the units ';4' as 4, so 2 × 4), after
    break42c A1 refused '2,4'. Units whose magnitude is not 1 hold a number: refused; units '1' (the
    coordinate's own) and ones that convert (tested above) still select one value."""
    with pytest.raises(ClimannError, match=r"is no units but holds a number \(\d+: pint would multiply the value by "
                                           r"it\); a selection is one value of each dimension"):
        select_values(_members(10), {"number": value})
    np.testing.assert_array_equal(select_values(_members(10), {"number": "2 1"})["pred"].values,
                                  grid_dataset()["pred"].values + 2)


@pytest.mark.parametrize(("value", "shown", "example"), [
    pytest.param(12, "number=12", 9, id="beyond-the-members"),
    pytest.param(5.5, "number=5.5", 5, id="between-members"),
    pytest.param("12 1", "number=12 1", 9, id="given-in-units-1"),
])
def test_a_member_not_in_the_file_is_refused_without_its_units_1_read_as_a_value(value, shown, example):
    """rerun42 N5: number=12 of members 0 … 9 in units "1" (CF §3.1: a pure number) was refused with "its values
    are 0, 1, …, 9 1, and a bare number is read in 1 … e.g. --select 'number=0 1'": the units read as one more
    member and the example as a list. A pure number's values are listed bare, and the example is a bare number."""
    with pytest.raises(ClimannError) as refused:
        select_values(_members(10), {"number": value}, where="cera.nc")
    assert str(refused.value) == (
        f"{shown} is not a value of 'number' in cera.nc: its values are 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 (pure numbers, "
        f"units 1); give one of them as a bare number, e.g. --select number={example} ([data] select = "
        f"{{number = {example}}})")
    chosen = select_values(_members(10), {"number": example}, where="cera.nc")  # the example selects a member
    np.testing.assert_array_equal(chosen["pred"].values, grid_dataset()["pred"].values + example)


def test_a_trained_member_the_file_lacks_is_refused_without_units_1_after_the_members():
    """rerun42 N5, for a trained run: "(its number values: 0, 1, 2 1)" read as a list ending in 1."""
    with pytest.raises(ClimannError) as refused:
        select_values(_members(3), {"number": 7}, units={"number": "1"}, where="new.nc",
                      reference="the model's training data")
    assert str(refused.value) == ("the model's training data are at number=7 ([data] select), which new.nc does not "
                                  "hold (its number values: 0, 1, 2); give data at that number, or retrain the run on "
                                  "these")


def test_a_region_given_west_east_south_north_is_told_the_order_that_holds_cells(tmp_path, capfd, monkeypatch):
    """fix45l: `--region -10,30,35,60` on a European grid (latitude 35…70, longitude -10…40), the numbers
    in CDO's sellonlatbox order west, east, south, north, was told only that it "contains no grid cell".
    The one line now says the numbers hold cells in that order and gives them in climann's; the box
    printed, run as given, keeps the cells numpy counts there. Both commands run in this process
    (:func:`tests.console.run_main`: exit code and standard error as a process of their own gives them)."""
    from tests.conftest import draw_no_run_figures
    from tests.console import run_main

    draw_no_run_figures(monkeypatch)  # the run's cells are counted, its figures never looked at (2.5 of 3.2 CPU-s)
    monkeypatch.chdir(tmp_path)
    latitude, longitude = np.arange(35.0, 70.1, 5.0), np.arange(-10.0, 40.1, 5.0)
    values = np.random.default_rng(3).normal(size=(2, 24, latitude.size, longitude.size))
    coords = {"time": xr.date_range("2000-01-01", periods=24, freq="MS", use_cftime=False),
              "lat": ("lat", latitude, {"units": "degrees_north"}), "lon": ("lon", longitude, {"units": "degrees_east"})}
    xr.Dataset({"tas": (("time", "lat", "lon"), 250 + values[0] + 0.5 * values[1], {"units": "K"}),
                "pred": (("time", "lat", "lon"), values[0], {"units": "1"})}, coords=coords).to_netcdf(tmp_path / "eu.nc")
    command = ["train", "--data", "eu.nc", "--target", "tas", "--predictors", "pred", "--epochs", "1",
               "--region=-10,30,35,60", "--out", "run"]
    refused = run_main(*command, capfd=capfd, monkeypatch=monkeypatch)
    lines = refused.stderr.strip().splitlines()
    held = int(((latitude >= 35) & (latitude <= 60)).sum() * ((longitude >= -10) & (longitude <= 30)).sum())
    assert refused.returncode == 2 and len(lines) == 1
    assert lines[0].endswith(f"; read as west, east, south, north these numbers hold {held} cells of the grid: "
                             "climann's order is south, north, west, east, so give --region 35,60,-10,30 if that "
                             "box was meant")
    given = re.search(r"give (--region \S+) if", lines[0]).group(1)
    trained = run_main(*command[:-3], given.replace(" ", "="), "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert trained.returncode == 0, trained.stderr
    kept = select_region(xr.open_dataset(tmp_path / "eu.nc"), tuple(map(float, given.split()[1].split(","))))
    assert kept["lat"].size * kept["lon"].size == held


def test_a_region_without_cells_in_either_order_is_told_no_order():
    with pytest.raises(ClimannError) as raised:
        select_region(grid_dataset(n_lat=4), (10.0, 20.0, 0.0, 360.0))
    assert "read as west, east" not in str(raised.value)


@pytest.mark.parametrize("kind", ["pentads", "composites"])  # dekads never cross a month: tests/workflow's
@pytest.mark.parametrize("months", [(6,), (6, 7, 8), (12, 1, 2)])
def test_months_choose_periods_without_bounds_by_their_cells_middle(caplog, kind, months):
    """``--months``/``--seasons`` on a calendar of periods stamped at each period's first day without
    bounds (break49e A1): a period is chosen by the month of its middle, start + (next start − start) / 2
    (numpy on the calendar built here), as weekly means are, and as the same steps with ``time_bnds``
    [start, next start] are: the pentad of 31 May – 4 June 1981 (middle 2 June) is June's, that of
    30 June – 4 July (middle 2 July) July's. ``dated_by="stamp"`` keeps the stamps' months. The stamps'
    reading is said in one warning line, however often the dates are read."""
    import cftime

    from climann.data.notes import forget_notes

    forget_notes()  # said once per run: this test's run
    from tests.data.test_composites import _calendar_cells

    starts, ends = _calendar_cells(kind, composite_years=(2001, 2002, 2003))
    middles = np.array([start + (end - start) / 2 for start, end in zip(starts, ends)])
    dataset = xr.Dataset({"precip": (("time",), np.arange(float(len(starts))))},
                         coords={"time": ("time", starts, {"axis": "T"})})
    with caplog.at_level("WARNING"):
        kept = select_time(dataset, months=list(months))["time"].values
        select_time(dataset, months=list(months))
    np.testing.assert_array_equal(kept, starts[[middle.month in months for middle in middles]])
    by_stamp = select_time(dataset, months=list(months), dated_by="stamp")["time"].values
    np.testing.assert_array_equal(by_stamp, starts[[start.month in months for start in starts]])
    if kind == "pentads" and months == (6,):
        assert cftime.DatetimeGregorian(1981, 5, 31) in list(kept)
        assert cftime.DatetimeGregorian(1981, 6, 30) not in list(kept)
    said = [record for record in caplog.records if "stamped at the start of each" in record.getMessage()]
    assert len(said) == 1


def test_a_composite_whose_middle_is_the_first_instant_of_a_month_is_of_that_month():
    """The 8-day composite of 28 July – 4 August 2001 has its middle at 1 August 00:00, the first instant
    of August: it is August's, as a month is [its 1st 00:00, the next 1st 00:00) and as the same composite
    with ``time_bnds`` [28 July, 5 August] is (its middle, 1 August 00:00), on an axis of 8-day steps within
    one year (a regular step) and on one of several years (the period calendar) alike."""
    import cftime

    tie = cftime.DatetimeGregorian(2001, 7, 28)
    for years in ((2001,), (2001, 2002, 2003)):
        starts = np.array([cftime.DatetimeGregorian(year, 1, 1) + datetime.timedelta(days=8 * k) for year in years
                           for k in range(46)])
        dataset = xr.Dataset({"lst": (("time",), np.arange(float(len(starts))))},
                             coords={"time": ("time", starts, {"axis": "T"})})
        assert tie in list(select_time(dataset, months=[8])["time"].values)
        assert tie not in list(select_time(dataset, months=[7])["time"].values)
