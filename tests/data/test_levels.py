"""Tests for climann.data.levels: a variable's level given as a CF scalar coordinate (§5.7)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from climann.data.layout import Coordinate
from climann.data.levels import is_level, same_level
from climann.data.open import open_dataset
from climann.data.variables import grid_layout
from tests.conftest import monthly_times

LAT = np.array([-30.0, 30.0])
LON = np.array([45.0, 135.0, 225.0])


def _single_level(path, name, level, value, attrs, *, seed):
    """``name(time, lat, lon)`` of 12 months with the scalar coordinate ``level = value``."""
    rng = np.random.default_rng(seed)
    times = monthly_times(1, "noleap")
    xr.Dataset(
        {name: (("time", "lat", "lon"), rng.standard_normal((12, 2, 3)).astype(np.float32), {"units": "K"})},
        coords={"time": ("time", times), "lat": ("lat", LAT, {"units": "degrees_north"}),
                "lon": ("lon", LON, {"units": "degrees_east"}), level: ((), value, attrs)},
    ).to_netcdf(path)
    return path


HEIGHT = {"units": "m", "standard_name": "height", "axis": "Z", "positive": "up"}


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        pytest.param({"standard_name": "air_pressure", "units": "Pa"}, True, id="air-pressure"),
        pytest.param({"units": "hPa"}, True, id="units-of-pressure-alone"),
        pytest.param({"units": "m", "standard_name": "height"}, True, id="height"),
        pytest.param({"units": "m", "positive": "down"}, True, id="positive-down-depth"),
        pytest.param({"standard_name": "model_level_number", "units": "1"}, True, id="model-level"),
        pytest.param({"standard_name": "realization", "units": "1"}, False, id="ensemble-member"),
        pytest.param({"standard_name": "forecast_reference_time"}, False, id="initialisation"),
        pytest.param({"standard_name": "forecast_period", "units": "hours"}, True, id="lead-time"),
        pytest.param({"units": "m"}, False, id="a-length-that-says-nothing-more"),
    ],
)
def test_a_level_is_a_cf_vertical_coordinate(attrs, expected):
    assert is_level(Coordinate("z", np.asarray(1.0), attrs)) is expected


def _level(value, units, name="plev"):
    return Coordinate(name, np.asarray(value), {"units": units} if units else {})


@pytest.mark.parametrize(
    ("trained", "new", "same"),
    [
        pytest.param(_level(85000.0, "Pa"), _level(850.0, "hPa"), True, id="850hPa-is-85000Pa"),
        pytest.param(_level(850.0, "hPa"), _level(85000.0, "Pa"), True, id="85000Pa-is-850hPa"),
        pytest.param(_level(85000.0, "Pa"), _level(850.0, "mbar"), True, id="850mbar-is-85000Pa"),
        pytest.param(_level(85000.0, "Pa"), _level(85000.000085, "Pa"), True, id="float-rounding"),
        pytest.param(_level(85000.0, "Pa"), _level(25000.0, "Pa"), False, id="250-is-not-850"),
        pytest.param(_level(85000.0, "Pa"), _level(250.0, "hPa"), False, id="250hPa-is-not-85000Pa"),
        pytest.param(_level(2.0, "m", "height"), _level(200.0, "cm", "height"), True, id="2m-is-200cm"),
        pytest.param(_level(2.0, "m", "height"), _level(10.0, "m", "height"), False, id="10m-is-not-2m"),
        pytest.param(_level(85000.0, "Pa"), _level(85000.0, "m"), False, id="units-that-do-not-convert"),
        pytest.param(_level(850.0, "hPa"), _level(850.0, ""), True, id="no-units-compared-as-numbers"),
        pytest.param(_level(18.0, "hours", "step"), _level(1080.0, "minutes", "step"), True, id="18h-is-1080min"),
        pytest.param(_level(36.0, "hours", "step"), _level(1080.0, "minutes", "step"), False, id="18h-is-not-36h"),
    ],
)
def test_the_same_level_in_other_units_is_the_same_level(trained, new, same):
    assert same_level(trained, new) is same


def _depth(value, positive, units="m"):
    return Coordinate("depth", np.asarray(value), {"units": units, "positive": positive, "axis": "Z"})


@pytest.mark.parametrize(
    ("trained", "new", "same"),
    [
        pytest.param(_depth(15.0, "down"), _depth(-15.0, "up"), True, id="15m-down-is-minus-15m-up"),
        pytest.param(_depth(-15.0, "up"), _depth(15.0, "down"), True, id="minus-15m-up-is-15m-down"),
        pytest.param(_depth(15.0, "down"), _depth(-1500.0, "up", "cm"), True, id="15m-down-is-minus-1500cm-up"),
        pytest.param(_depth(15.0, "down"), _depth(15.0, "up"), False, id="15m-down-is-not-15m-up"),
    ],
)
def test_a_level_counted_the_other_way_is_the_same_level(trained, new, same):
    """break41c D1: CF §4.3's ``positive`` says which way a vertical axis counts; depth 15 m of an axis positive
    down is -15 m of one positive up, and 15 m of it is another level."""
    assert same_level(trained, new) is same


@pytest.mark.parametrize("order", [pytest.param(("tas", "uas"), id="tas-first"),
                                   pytest.param(("uas", "tas"), id="uas-first")])
def test_each_file_keeps_its_own_level_when_files_are_combined(tmp_path, order):
    """CMIP's tas (height 2 m) and uas (height 10 m): combined, the dataset has one ``height``,
    the first file's; each variable's own level is the one its file gave."""
    paths = {"tas": _single_level(tmp_path / "tas.nc", "tas", "height", 2.0, HEIGHT, seed=0),
             "uas": _single_level(tmp_path / "uas.nc", "uas", "height", 10.0, HEIGHT, seed=1)}
    dataset = open_dataset([paths[name] for name in order])
    layout = grid_layout(dataset, "tas", [str(paths[name]) for name in order])
    levels = {name: [(level.name, float(level.values), level.attrs["units"]) for level in found]
              for name, found in layout.variable_levels.items()}
    assert levels == {"tas": [("height", 2.0, "m")], "uas": [("height", 10.0, "m")]}
    # the target's output label is its own level, whichever file came first
    assert [(c.name, float(c.values)) for c in layout.scalar_coordinates] == [("height", 2.0)]


def test_a_forecasts_lead_time_is_recorded_as_the_level_of_its_variables(tmp_path):
    """A run trained on 36-hour forecasts keeps the lead in model.npz as it keeps plev, and new
    data at the 18-hour lead are refused (climann.workflow.new_data.check_levels)."""
    from tests.forecast_files import cfgrib_layout

    cfgrib_layout([36]).drop_vars("valid_time").to_netcdf(tmp_path / "fc.nc")
    dataset = open_dataset([tmp_path / "fc.nc"])
    layout = grid_layout(dataset, "t2m", [str(tmp_path / "fc.nc")])
    (lead,) = layout.variable_levels["t2m"]
    assert (lead.name, float(lead.values), lead.attrs["units"]) == ("step", 36.0, "hours")
    assert not same_level(lead, _level(18.0, "hours", "step"))



def _on_level_axis(name, values, attrs, *, extra=None):
    """``ta(time, NAME, lat, lon)`` in memory, with ``extra`` another such axis when given."""
    dims = ("time", name, "lat", "lon")
    variables = {"ta": (dims, np.zeros((2, len(values), 2, 3), np.float32))}
    coords = {name: (name, np.asarray(values, np.float64), attrs), "lat": ("lat", LAT), "lon": ("lon", LON)}
    if extra is not None:
        variables["zg"] = (("time", extra[0], "lat", "lon"), np.zeros((2, len(extra[1]), 2, 3), np.float32))
        coords[extra[0]] = (extra[0], np.asarray(extra[1], np.float64), extra[2])
    return xr.Dataset(variables, coords=coords)


HPA = {"units": "hPa", "standard_name": "air_pressure"}
CAM_LEV = {"units": "hPa", "standard_name": "atmosphere_hybrid_sigma_pressure_coordinate",
           "formula_terms": "a: hyam b: hybm p0: P0 ps: PS"}


@pytest.mark.parametrize("dataset, expected", [
    pytest.param(_on_level_axis("pressure_level", [1000.0, 850.0], HPA), {"pressure_level": 850}, id="new-cds"),
    pytest.param(_on_level_axis("lev", [992.5, 850.0], CAM_LEV), {"level": 850}, id="hybrid-level-is-no-pressure"),
    pytest.param(_on_level_axis("plev", [1000.0, 850.0], HPA, extra=("pressure_level", [850.0], HPA)),
                 {"level": 850}, id="two-pressure-axes-unsaid"),
    pytest.param(_on_level_axis("depth", [5.0, 850.0], {"units": "m", "positive": "down"}), {"level": 850},
                 id="a-depth-is-no-pressure"),
])
def test_a_runs_level_is_matched_to_one_new_axis_of_the_same_quantity_only(dataset, expected):
    from climann.data.levels import levels_on_new_dimensions

    selection, units = levels_on_new_dimensions(dataset, {"level": 850}, {"level": "millibars", "ta": "K"},
                                                where="new.nc")
    assert selection == expected and set(units) == {*expected, "ta"}


def _era5_model_levels(path) -> None:
    """ERA5 on three model levels as the CDS writes them (break39b mk_ml.py): ``hybrid`` with formula_terms
    "ap: hyam b: hybm ps: sp" and the mid-layer coefficients only; pure sigma levels (ap 0, b 0.75, 0.85, 0.95) over
    sp = 95000 Pa, so the levels lie at 71250, 80750 and 90250 Pa, and t = 200 K + 0.001 K/Pa × p."""
    b_mid = np.array([0.75, 0.85, 0.95])
    t = 200.0 + 0.001 * b_mid * 95000.0
    shape = (2, b_mid.size, LAT.size, LON.size)
    xr.Dataset(
        {"t": (("time", "hybrid", "latitude", "longitude"), np.broadcast_to(t[None, :, None, None], shape).astype("f4"),
               {"units": "K", "standard_name": "air_temperature"}),
         "sp": (("time", "latitude", "longitude"), np.full((2, LAT.size, LON.size), 95000.0, "f4"),
                {"units": "Pa", "standard_name": "surface_air_pressure"}),
         "hyam": (("hybrid",), np.zeros(3), {"units": "Pa"}), "hybm": (("hybrid",), b_mid, {"units": "1"})},
        coords={"time": ("time", [0.0, 1.0], {"units": "days since 2000-01-01"}),
                "hybrid": ("hybrid", [114.0, 125.0, 137.0],
                           {"standard_name": "atmosphere_hybrid_sigma_pressure_coordinate", "positive": "down",
                            "formula_terms": "ap: hyam b: hybm ps: sp", "units": "1"}),
                "latitude": ("latitude", LAT, {"units": "degrees_north"}),
                "longitude": ("longitude", LON, {"units": "degrees_east"})},
    ).to_netcdf(path)


@pytest.mark.skipif(__import__("shutil").which("cdo") is None, reason="needs cdo")
def test_the_interpolation_advice_for_era5_model_levels_says_what_cdo_ml2pl_needs(tmp_path):
    """break39b B10f: "interpolate first, e.g. cdo ml2pl,85000 IN.nc OUT.nc" on ERA5's model levels with hyam and
    hybm only: cdo says "No 3D variable with hybrid sigma pressure coordinate found" and interpolates nothing. The
    advice names the interface coefficients cdo needs; with them written as it says, cdo interpolates t to 850 hPa:
    285 K (t is 200 K + 0.001 K/Pa × p)."""
    import subprocess

    from climann.data.subset import select_values
    from climann.errors import ClimannError

    _era5_model_levels(tmp_path / "ml.nc")
    with pytest.raises(ClimannError) as refused:
        select_values(open_dataset([tmp_path / "ml.nc"]), {"hybrid": "85000 Pa"}, where="ml.nc")
    assert ('hybrid:bounds = "hybrid_bnds" and hybrid_bnds:formula_terms = "ap: ap_bnds b: b_bnds ps: sp" with '
            "ap_bnds and b_bnds (hybrid, 2) at each layer's upper and lower interface") in str(refused.value)
    subprocess.run(["cdo", "-s", "ml2pl,85000", "ml.nc", "as_given.nc"], cwd=tmp_path, capture_output=True)
    with xr.open_dataset(tmp_path / "as_given.nc") as as_given:
        assert "plev" not in as_given.dims  # nothing interpolated
    with xr.open_dataset(tmp_path / "ml.nc") as given:
        interfaces = np.array([0.7, 0.8, 0.9, 1.0])
        bounded = given.load().assign(
            hybrid_bnds=(("hybrid", "nv"), np.stack([given["hybrid"].values - 0.5, given["hybrid"].values + 0.5], 1),
                         {"formula_terms": "ap: ap_bnds b: b_bnds ps: sp"}),
            ap_bnds=(("hybrid", "nv"), np.zeros((3, 2))),
            b_bnds=(("hybrid", "nv"), np.stack([interfaces[:-1], interfaces[1:]], 1)))
    bounded["hybrid"].attrs["bounds"] = "hybrid_bnds"
    bounded.to_netcdf(tmp_path / "bounded.nc")
    subprocess.run(["cdo", "-s", "ml2pl,85000", "bounded.nc", "on_850.nc"], cwd=tmp_path, check=True,
                   capture_output=True)
    with xr.open_dataset(tmp_path / "on_850.nc") as interpolated:
        assert interpolated["plev"].values.tolist() == [85000.0]
        np.testing.assert_allclose(interpolated["t"].values, 285.0, atol=0.05)


SIGMA_Z = {"units": "m", "standard_name": "ocean_sigma_z_coordinate", "positive": "down", "axis": "Z",
           "formula_terms": "sigma: sigma eta: zos depth: deptho depth_c: depth_c nsigma: nsigma zlev: zlev"}
DEPTH = {"units": "m", "standard_name": "depth", "positive": "down", "axis": "Z"}


@pytest.mark.parametrize("attrs, expected", [
    pytest.param(DEPTH, "length", id="depth-in-m"),
    pytest.param({"units": "centimeters", "positive": "down"}, "length", id="depth-in-cm-without-standard-name"),
    pytest.param({"units": "hPa", "standard_name": "air_pressure"}, "pressure", id="pressure"),
    pytest.param(SIGMA_Z, "ocean_sigma_z_coordinate", id="ocean-sigma-z-in-m"),
    pytest.param({"units": "1", "standard_name": "ocean_s_coordinate_g2"}, "ocean_s_coordinate_g2", id="s-level"),
    pytest.param({"units": "level", "standard_name": "atmosphere_hybrid_sigma_pressure_coordinate"},
                 "atmosphere_hybrid_sigma_pressure_coordinate", id="hybrid-sigma-pressure"),
    pytest.param({"units": "m", "formula_terms": "s: lev eta: zeta depth: h"}, "parametric",
                 id="formula-terms-alone"),
    pytest.param({"axis": "Z"}, None, id="no-units"),
])
def test_the_kind_of_a_level_is_its_quantity_or_its_parametric_standard_name(attrs, expected):
    """break42b A1: model level 6 of an ocean sigma-z coordinate in m is no depth of 6 m; the kind of level
    tells them apart, whatever the units (CF 1.8 §4.3.3: a parametric coordinate by its standard_name or
    formula_terms)."""
    from climann.data.levels import level_kind

    assert level_kind(Coordinate("lev", np.asarray(6.0), attrs)) == expected


@pytest.mark.parametrize("trained, new", [
    pytest.param(DEPTH, SIGMA_Z, id="depth-then-sigma-z"),
    pytest.param(SIGMA_Z, DEPTH, id="sigma-z-then-depth"),
])
def test_a_model_level_is_not_the_depth_of_the_same_number(trained, new):
    """A file of one level (a scalar ``lev``): the run's depth 6 m and the new data's model level 6 (in m)
    are other levels (check_levels then refuses naming both kinds)."""
    assert not same_level(Coordinate("lev", np.asarray(6.0), trained), Coordinate("lev", np.asarray(6.0), new))
    assert same_level(Coordinate("lev", np.asarray(6.0), trained), Coordinate("lev", np.asarray(6.0), trained))


def test_a_runs_record_of_a_level_keeps_its_kind_apart_from_its_attributes():
    """``model.npz`` ``levels`` records the kind (a model level known by its formula_terms alone too, whose
    attributes the record does not keep); a record from before the kind was kept is read by its
    standard_name; the kind is no attribute of the level a predictions file is labelled with."""
    from climann.data.levels import from_record, levels_record, recorded_kind

    terms_only = Coordinate("lev", np.asarray(6.0), {"units": "m", "formula_terms": "s: lev eta: zeta depth: h"})
    record = levels_record((terms_only, Coordinate("depth", np.asarray(6.0), DEPTH)))
    assert record["lev"]["kind"] == "parametric" and record["depth"]["kind"] == "length"
    assert recorded_kind("lev", record["lev"]) == "parametric" and "kind" not in from_record("lev", record["lev"]).attrs
    old = {key: value for key, value in levels_record((Coordinate("lev", np.asarray(6.0), SIGMA_Z),))["lev"].items()
           if key != "kind"}
    assert recorded_kind("lev", old) == "ocean_sigma_z_coordinate"
