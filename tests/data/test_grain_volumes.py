"""Crop yields in bushels (climann/data/grain_volumes.py): a dry volume of grain, never a depth of water."""

from __future__ import annotations

import re
import shutil
import subprocess

import netCDF4 as nc
import numpy as np
import pytest

from climann.data.grain_volumes import TEST_WEIGHTS_LB, bushel_against_mass, crop_factor, crop_of
from climann.data.open import open_dataset
from climann.data.units import convert_variable, parse_units
from climann.errors import ClimannError

#: The avoirdupois pound (kg), and the acre of UDUNITS and pint: 43 560 US survey feet² of 1200/3937 m (NIST
#: Handbook 44, Appendix C; the international acre, 4046.8564224 m², is 4 ppm smaller).
POUND_KG, ACRE_M2 = 0.45359237, 43560 * (1200 / 3937) ** 2


@pytest.mark.parametrize(("crop", "pounds"), [pytest.param("maize", 56, id="maize-56-lb"),
                                              pytest.param("wheat", 60, id="wheat-60-lb"),
                                              pytest.param("oats", 32, id="oats-32-lb")])
def test_a_bushel_per_acre_weighs_the_crops_test_weight(crop, pounds):
    """By hand: pounds per bushel times kilograms per pound, per acre, in t/ha (1 t/ha = 0.1 kg m-2); the way back
    is its inverse. Water's density would give 35.239 L x 1 kg/L per acre, 0.0871 t/ha for every crop."""
    by_hand = pounds * POUND_KG / ACRE_M2 * 10  # kg m-2 → t/ha
    bushels, mass = parse_units("bu/acre", variable="var"), parse_units("t/ha", variable="var")
    assert TEST_WEIGHTS_LB[crop] == pounds
    np.testing.assert_allclose(crop_factor(bushels, mass, crop), by_hand, rtol=1e-12)
    np.testing.assert_allclose(crop_factor(mass, bushels, crop), 1 / by_hand, rtol=1e-12)
    np.testing.assert_allclose(crop_factor(bushels, parse_units("kg ha-1", variable="var"), crop), 1000 * by_hand,
                               rtol=1e-12)


@pytest.mark.parametrize(("units", "to", "side"), [
    pytest.param("bu/acre", "t/ha", 1, id="bushels-against-a-mass"),
    pytest.param("kg ha-1", "bushel/acre", -1, id="a-mass-against-bushels"),
    pytest.param("bu/acre", "bu/ha", 0, id="bushels-on-both-sides"),
    pytest.param("mm", "kg m-2", 0, id="no-bushel"),
])
def test_only_bushels_against_a_mass_need_a_crop(units, to, side):
    assert bushel_against_mass(parse_units(units, variable="v"), parse_units(to, variable="v")) == side


@pytest.mark.parametrize(("texts", "crop"), [
    pytest.param(["yield", "/d/maize/yield_1982.nc"], "maize", id="folder"),
    pytest.param(["corn_yield"], "maize", id="corn-in-the-name"),
    pytest.param(["yield", "Soybean yield"], "soybeans", id="long-name"),
    pytest.param(["yield", "maize and soybean yields"], None, id="two-crops"),
    pytest.param(["yield", "/d/bu/yield_1982.nc"], None, id="none"),
])
def test_the_crop_is_read_from_the_names_only_when_they_name_one(texts, crop):
    assert crop_of(texts) == crop


def _write_years(folder, *, units="bu/acre", long_name="yield", n_years=3, seed=3):
    """NASS-like yearly yields on a 3 x 4 grid in ``units``, one file a year (``yield_YYYY.nc``), beside the
    predictors' files (``climate_YYYY.nc``) in the same folder. Returns the yields written, (n_years, 3, 4)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    values = rng.uniform(120, 200, (n_years, 3, 4)).astype("f4")
    for k in range(n_years):
        for stem, name, data, unit in (("yield", "var", values[k], units), ("climate", "tas_gs", values[k] / 10, "degC")):
            with nc.Dataset(folder / f"{stem}_{2000 + k}.nc", "w") as f:
                for dim, size in (("time", 1), ("lat", 3), ("lon", 4)):
                    f.createDimension(dim, size)
                t = f.createVariable("time", "f8", ("time",))
                t.units, t.standard_name, t[:] = f"days since {2000 + k}-07-01", "time", 0.0
                for dim, axis in (("lat", [40.0, 40.5, 41.0]), ("lon", [-95.0, -94.5, -94.0, -93.5])):
                    v = f.createVariable(dim, "f8", (dim,))
                    v.units, v[:] = {"lat": "degrees_north", "lon": "degrees_east"}[dim], axis
                v = f.createVariable(name, "f4", ("time", "lat", "lon"))
                v.units, v.long_name, v[:] = unit, long_name if stem == "yield" else "tas", data[None]
    return values


@pytest.mark.parametrize("long_name", [pytest.param("yield", id="yield"),
                                       pytest.param("var water equivalent", id="relabelled-a-water-equivalent")])
def test_yields_in_bushels_against_a_run_in_tonnes_are_refused_and_the_printed_loop_converts_with_the_crops_weight(
        tmp_path, long_name):
    """break43d A6: NASS yields in bu/acre against a run in t/ha were called a depth of snow; relabelled a water
    equivalent as advised, they were converted with water's 1000 kg m-3 (29.5 % too high). Refused whatever their
    attributes say, with the test weights; the crop named by the folder (maize) fills its factor in the loop,
    which run as printed writes t/ha copies equal to the values x 56 lb per acre (by hand), and the --data
    advised keeps the predictors' files beside them."""
    folder = tmp_path / "maize"
    values = _write_years(folder, long_name=long_name)
    files = sorted(folder.glob("yield_*.nc"))
    dataset = open_dataset(files)
    with pytest.raises(ClimannError) as refused:
        convert_variable(dataset["var"], "t/ha", name="var", where="the yields", reference="the model's training data")
    said = str(refused.value)
    assert "a bushel is a dry volume of grain (35.24 L), not a depth" in said
    assert "snow" not in said and "water" not in said.replace("water equivalent", "")
    maize = 56 * POUND_KG / ACRE_M2 * 10
    assert f"maize or sorghum or rye {maize:.4g}" in said and f"for maize, named by 'var' or its files: {maize:.4g}" in said
    assert said.endswith(f"then give --data '{folder}/units_fixed/*.nc' in place of the originals, with the other "
                         f"files of {folder} given as before (--data '{folder}/climate_*.nc')")
    if shutil.which("ncap2") is None:
        pytest.skip("the printed loop needs NCO")
    loop = re.search(r"(mkdir -p .*?; done \))", said).group(1)
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True)
    converted = open_dataset(sorted((folder / "units_fixed").glob("*.nc")))["var"]
    assert converted.attrs["units"] == "t/ha"
    np.testing.assert_allclose(converted.values, values.astype(np.float64) * maize, rtol=1e-5)
    assert convert_variable(converted, "t/ha", name="var", where="copies", reference="the run") is converted
