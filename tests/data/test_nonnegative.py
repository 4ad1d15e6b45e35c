"""Negative values of quantities that cannot be negative: counted on every value, warned beyond rounding."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.nonnegative import NEGATIVE_TOLERANCE, cannot_be_negative, negative_values, warn_negative_values
from climann.data.open import open_dataset
from tests.fresh_python import bare_python, run_python
from tests.followed_twice import GUARD, ONE_COPY, run_one_copy, without_guards


@pytest.mark.parametrize(("name", "attrs", "cannot"), [
    pytest.param("pr", {}, True, id="CMIP-pr"),
    pytest.param("tp", {"units": "m"}, True, id="ERA5-tp"),
    pytest.param("rain", {"standard_name": "precipitation_flux"}, True, id="precipitation_flux"),
    pytest.param("x", {"standard_name": "lwe_thickness_of_precipitation_amount"}, True, id="lwe"),
    pytest.param("x", {"standard_name": "lwe_precipitation_rate"}, True, id="lwe-rate"),
    # GRACE's mascons: water storage anomalies from the 2004-2009 mean, named without saying so
    pytest.param("lwe_thickness", {"standard_name": "lwe_thickness", "long_name": "Liquid_Water_Equivalent_Thickness"},
                 False, id="GRACE-lwe_thickness"),
    pytest.param("x", {"standard_name": "lwe_thickness_of_water_evaporation_amount"}, False, id="lwe-evaporation"),
    pytest.param("prsn", {"standard_name": "snowfall_flux"}, True, id="snowfall"),
    pytest.param("mrro", {"standard_name": "runoff_flux"}, True, id="runoff"),
    pytest.param("clw", {"standard_name": "mass_fraction_of_cloud_liquid_water_in_air"}, True, id="mass-fraction"),
    pytest.param("x", {"standard_name": "mass_concentration_of_dust_dry_aerosol_particles_in_air"}, True,
                 id="concentration"),
    pytest.param("evspsbl", {"standard_name": "water_evapotranspiration_flux"}, False, id="evaporation"),
    pytest.param("wfo", {"standard_name": "water_flux_into_sea_water"}, False, id="water-flux"),
    pytest.param("x", {"standard_name": "tendency_of_atmosphere_mass_content_of_water_vapor"}, False,
                 id="tendency"),
    pytest.param("pr_anom", {}, False, id="anomaly-by-name"),
    pytest.param("pr", {"long_name": "precipitation anomaly"}, False, id="anomaly-by-long-name"),
    pytest.param("tas", {"standard_name": "air_temperature"}, False, id="temperature"),
    pytest.param("pr", {"flag_values": [0, 1]}, False, id="flags"),
    # break32b A2: wgrib2's MRMS, no standard_name, a long_name that says precipitation
    pytest.param("PrecipRate_0mabovemeansealevel", {"long_name": "Radar Precipitation Rate [mm/hr]", "units": "mm/hr"},
                 True, id="MRMS-long_name"),
    pytest.param("sf", {"long_name": "Snowfall"}, True, id="snowfall-long_name"),
    pytest.param("pme", {"long_name": "Precipitation minus evaporation"}, False, id="P-E-long_name"),
    pytest.param("e", {"long_name": "Evaporation"}, False, id="evaporation-long_name"),
    pytest.param("pr_trend", {"long_name": "Precipitation trend"}, False, id="trend-long_name"),
    pytest.param("orog", {"long_name": "Terrain height"}, False, id="terrain-is-no-rain"),
    # break34b B1: standardized indices computed from precipitation are z-scores, half of them negative
    pytest.param("spi_gamma_03", {"long_name": "Standardized Precipitation Index (Gamma), 3-month"}, False,
                 id="climate-indices-SPI"),
    pytest.param("spi", {"long_name": "Standardized Precipitation Index (SPI)", "units": ""}, False, id="xclim-SPI"),
    pytest.param("spi3", {"long_name": "3-month precipitation", "units": "1"}, False, id="SPI-by-name"),
    pytest.param("pz", {"long_name": "Precipitation z-score"}, False, id="z-score"),
    pytest.param("pz", {"long_name": "Monthly precipitation", "units": "z-values"}, False, id="z-values-units"),
    pytest.param("pi", {"long_name": "Precipitation index", "units": "1"}, False, id="dimensionless-index"),
    pytest.param("pi", {"long_name": "Precipitation", "description": "Precipitation over a 3 month(s) window, "
                        "normalized such that SPI averages to 0"}, False, id="xclim-description"),
    # the limits of that rule: an index in an amount's units, and a percentage of normal, stay non-negative
    pytest.param("sdii", {"long_name": "Simple daily precipitation intensity index", "units": "mm/day"}, True,
                 id="intensity-index-in-mm-per-day"),
    pytest.param("pr_pct", {"long_name": "Precipitation percent of normal", "units": "%"}, True,
                 id="percent-of-normal"),
    # break46d A3: thicknesses are lengths, never below 0, by standard_name, else by long_name and units (pint)
    pytest.param("SNWD", {"standard_name": "surface_snow_thickness", "units": "mm"}, True, id="GHCN-SNWD"),
    pytest.param("sithick", {"standard_name": "sea_ice_thickness", "units": "m"}, True, id="sea-ice-thickness"),
    pytest.param("lithk", {"standard_name": "land_ice_thickness", "units": "m"}, True, id="land-ice-thickness"),
    pytest.param("mlotst", {"standard_name": "ocean_mixed_layer_thickness_defined_by_sigma_t", "units": "m"}, True,
                 id="mixed-layer-thickness"),
    pytest.param("x", {"standard_name": "tendency_of_sea_ice_thickness_due_to_dynamics", "units": "m s-1"}, False,
                 id="thickness-tendency"),
    pytest.param("licd", {"long_name": "Lake ice total depth", "units": "m"}, True, id="ERA5-licd"),
    pytest.param("SNWD", {"long_name": "Snow depth", "units": "mm"}, True, id="snow-depth-long_name"),
    pytest.param("sd", {"long_name": "Snow depth", "units": "kg m-2"}, True, id="snow-depth-water-equivalent"),
    pytest.param("sd_anom", {"long_name": "Snow depth anomaly", "units": "mm"}, False, id="snow-depth-anomaly"),
    pytest.param("dsd", {"long_name": "Snow depth change", "units": "mm"}, False, id="snow-depth-change"),
    pytest.param("tsn", {"long_name": "Temperature of snow layer", "units": "K"}, False, id="snow-temperature"),
    pytest.param("x", {"long_name": "Snow depth", "units": "degC"}, False, id="snow-words-not-a-length"),
    pytest.param("zos", {"long_name": "Sea surface height above geoid", "units": "m"}, False, id="a-height"),
    # break49b A2: a snow water equivalent, by standard_name first, else by long_name or name, in a length or kg m-2
    pytest.param("snw", {"standard_name": "surface_snow_amount", "units": "kg m-2"}, True, id="CF-snow-amount"),
    pytest.param("x", {"standard_name": "lwe_thickness_of_surface_snow_amount", "units": "mm"}, True, id="CF-lwe-snow"),
    pytest.param("swe", {"long_name": "Snow Water Equivalent", "units": "mm"}, True, id="Snow-CCI-swe"),
    pytest.param("swe_average", {"long_name": "Snow Water Equivalent, monthly average", "units": "mm"}, True,
                 id="GlobSnow-swe_average"),
    pytest.param("w", {"long_name": "water equivalent of snow", "units": "kg m-2"}, True, id="water-equivalent-of-snow"),
    pytest.param("swe", {"units": "kg m-2"}, True, id="Daymet-swe-by-name"),
    pytest.param("swe", {"long_name": "Snow Water Equivalent anomaly", "units": "mm"}, False, id="swe-anomaly"),
    pytest.param("dswe", {"long_name": "Snow water equivalent change", "units": "mm"}, False, id="swe-change"),
    pytest.param("swe", {"long_name": "Snow Water Equivalent", "units": "1"}, False, id="swe-not-an-amount"),
    pytest.param("swe", {"long_name": "Surface wave energy", "units": "J m-2"}, False, id="swe-named-otherwise"),
])
def test_which_quantities_cannot_be_negative(name, attrs, cannot):
    variable = xr.DataArray(np.zeros(3, "f4"), dims="x", attrs=attrs)
    assert (cannot_be_negative(name, variable) is not None) is cannot


def _precipitation(values: np.ndarray, **attrs) -> xr.Dataset:
    times = pd.date_range("2000-01-01", periods=values.shape[0], freq="D")
    return xr.Dataset({"pr": (("time", "lat", "lon"), values, {"units": "mm/day", **attrs})},
                      coords={"time": times, "lat": np.arange(values.shape[1]), "lon": np.arange(values.shape[2])})


def _field() -> np.ndarray:
    """12 days of 4 x 5 rain up to 80 mm/day with rounding negatives, a sign fault at days 3 and 8,
    a fill value and NaN."""
    rng = np.random.default_rng(3)
    values = rng.uniform(0, 80, (12, 4, 5)).astype("f4")
    values[0, 0, :3] = -1e-6  # packing or regridding
    values[7, 1, 1] = -2e-5
    values[3, 2, 2], values[8, 0, 4] = -5.0, -0.5  # no rounding
    values[9, 3, 3] = -9999.0  # a fill-like value, warned about as such
    values[10, 1, 2] = np.nan
    return values


@pytest.mark.parametrize("chunks", [pytest.param(None, id="numpy"), pytest.param({"time": 5}, id="dask")])
def test_negative_values_are_counted_on_every_value_as_numpy_counts_them(chunks):
    values = _field()
    dataset = _precipitation(values)
    dataset = dataset.chunk(chunks) if chunks else dataset
    found = negative_values(dataset, ["pr"])["pr"]
    kept = np.isfinite(values) & (values != np.float32(-9999.0))
    largest = np.abs(values[kept]).max()
    assert found.count == int(((values < 0) & kept).sum()) == 6
    assert found.size == values.size
    assert found.lowest == -5.0
    assert found.largest == pytest.approx(float(largest))
    below = np.flatnonzero((np.where(kept, values, np.inf) < -NEGATIVE_TOLERANCE * largest).any(axis=(1, 2)))
    assert below.tolist() == [3, 8]
    np.testing.assert_array_equal(found.times, dataset["time"].values[below])


def _said(caplog, dataset, **where) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_negative_values(dataset, ["pr"], **({"where": "pr.nc", "file": "pr.nc"} | where))
    return [record.getMessage() for record in caplog.records]


def test_a_sign_fault_is_named_with_its_count_lowest_value_and_steps(caplog):
    said = _said(caplog, _precipitation(_field()))
    assert len(said) == 1
    assert said[0].startswith("'pr' in pr.nc holds 6 negative values of the 240 values checked, down to -5 mm/day")
    assert "at 2 time steps (2000-01-04, 2000-01-09)" in said[0]
    assert "its name 'pr' says it cannot hold, so they are used as data" in said[0]
    assert "ncap2 -s 'where(pr < 0) pr = 0' pr.nc pr_fixed.nc" in said[0]


def test_rounding_negatives_alone_are_not_named(caplog):
    values = _field()
    values[3, 2, 2] = values[8, 0, 4] = 1.0
    assert negative_values(_precipitation(values), ["pr"])["pr"].count == 4  # counted all the same
    assert _said(caplog, _precipitation(values)) == []


def test_an_anomaly_of_precipitation_is_not_named(caplog):
    assert _said(caplog, _precipitation(_field(), long_name="precipitation anomaly")) == []


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="needs NCO's ncap2")
@pytest.mark.parametrize("fill", [pytest.param(None, id="no-fill-value"), pytest.param(1e20, id="fill-value")])
def test_the_commands_set_the_negative_values_to_zero_or_missing(tmp_path, caplog, monkeypatch, fill):
    monkeypatch.chdir(tmp_path)
    values = _field()
    values[9, 3, 3], values[10, 1, 2] = 1.0, 2.0
    _precipitation(values).to_netcdf("pr.nc", encoding={"pr": {"_FillValue": fill}})
    said = _said(caplog, open_dataset([tmp_path / "pr.nc"]))[0]
    zero = said[said.index("to set them to 0: ") + 18:said.index(", or to missing: ")]
    missing = said[said.index(", or to missing: ") + 17:]
    # the two ways each into a folder of their own (fix54b: both into fixed/, the second refused): both run
    # as printed, one after the other, each copy the original's values with the negatives 0, or missing
    for way, folder, expected in ((zero, "negatives_zero", np.where(values < 0, 0, values)),
                                  (missing, "negatives_missing", np.where(values < 0, np.nan, values))):
        followed = run_one_copy(way, tmp_path)
        assert (followed["folder"], followed["copy"], followed["original"]) == (folder, f"{folder}/pr.nc", "pr.nc")
        with xr.open_dataset(followed["copy"]) as copy:
            np.testing.assert_array_equal(copy["pr"].values, expected)
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["pr.nc"]  # nothing beside the original


def test_a_series_file_without_a_fill_value_gets_its_own_command(tmp_path, caplog, monkeypatch):
    """encodfix: xarray keeps the first file's encoding; the command to missing was built from it alone, so a
    later file without a fill value was given get_miss(), which has none to write there. fix45b: the other files'
    command, and the one to 0 for all three, were on IN.nc OUT.nc; each is a loop over the files it is for, writing
    their copies into fixed/. Run as printed, each way gives the three files' values with the negatives 0, or
    missing (numpy's where on the values written)."""
    monkeypatch.chdir(tmp_path)
    values = _field()
    values[5, 2, 1] = -3.0  # each file holds a sign fault: the command is given for each (verify28 V3)
    dataset, files = _precipitation(values), []
    for number in range(3):
        files.append(tmp_path / f"pr_{number}.nc")
        fill = None if number == 1 else np.float32(1e20)
        dataset.isel(time=slice(4 * number, 4 * number + 4)).to_netcdf(files[-1], encoding={"pr": {"_FillValue": fill}})
    (said,) = _said(caplog, open_dataset(files), where="the files", file=None)
    assert "IN.nc" not in said and "OUT.nc" not in said
    # fix54b: the one file of its own command is that command on it, not a loop over it alone
    assert (", or to missing: for pr_1.nc: mkdir -p negatives_missing && ncap2 -s 'where(pr < 0) pr = 1e+20f; "
            "pr.set_miss(1e+20f)' pr_1.nc negatives_missing/pr_1.nc (its copy in a new folder, with the other files' "
            "copies), then give --data 'negatives_missing/*.nc' in place of the originals; for pr_0.nc, pr_2.nc: "
            "mkdir -p negatives_missing && ( for f in pr_0.nc pr_2.nc; do") in without_guards(said)
    lines = re.findall(rf"({GUARD}mkdir -p (negatives_zero|negatives_missing) && .*?) \((?:its copy|a copy)", said)
    assert [folder for _, folder in lines] == ["negatives_zero", "negatives_missing", "negatives_missing"], said
    if shutil.which("ncap2") is None:
        return
    # each way into its own folder (fix54b: both wrote fixed/): every line run as printed, guards and all, in turn
    for line, _ in lines:
        subprocess.run(["bash", "-c", line], check=True, cwd=tmp_path, capture_output=True)
    for folder, expected in (("negatives_zero", np.where(values < 0, 0.0, values)),
                             ("negatives_missing", np.where(values < 0, np.nan, values))):
        copies = sorted((tmp_path / folder).glob("*.nc"))
        assert [copy.name for copy in copies] == ["pr_0.nc", "pr_1.nc", "pr_2.nc"]
        np.testing.assert_array_equal(open_dataset(copies)["pr"].values, expected)


def _renamed_series(tmp_path, faults: dict[str, tuple[int, ...]]) -> tuple[xr.Dataset, dict[str, np.ndarray]]:
    """a.nc (days 0-5, ``tp``) and b.nc (days 6-11, ``precip``), read as ``pr`` with rename rules,
    as ERA5 and another product name precipitation; a sign fault of -5 at each day of ``faults``
    (by file). Returns the dataset opened and each file's values."""
    values, held = _field(), {}
    values[9, 3, 3] = 1.0  # no fill-like value: this is about the negative ones
    values[3, 2, 2] = values[8, 0, 4] = 1.0
    for (path, own), days in zip((("a.nc", "tp"), ("b.nc", "precip")), (range(0, 6), range(6, 12)), strict=True):
        part = values[list(days)].copy()
        for day in faults.get(path, ()):
            part[day - days.start, 1, 3] = -5.0
        held[path] = part
        times = _precipitation(values)["time"].values[list(days)]
        xr.Dataset({own: (("time", "lat", "lon"), part, {"units": "mm/day"})},
                   coords={"time": times, "lat": np.arange(4), "lon": np.arange(5)}).to_netcdf(
            tmp_path / path, encoding={own: {"_FillValue": np.float32(1e20)}})
    dataset = open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"],
                           rename={"a.nc": {"tp": "pr"}, "b.nc": {"precip": "pr"}})
    return dataset, held


def test_the_commands_name_the_file_that_holds_the_negatives_and_its_own_name(tmp_path, caplog, monkeypatch):
    """verify28 V3: ``tp`` of a.nc read as ``pr`` was told ``where(pr < 0) pr = 0`` on ``IN.nc OUT.nc``
    (no ``pr`` in the file: nothing changed), with b.nc named, which holds none, and b's values counted."""
    monkeypatch.chdir(tmp_path)
    dataset, held = _renamed_series(tmp_path, {"a.nc": (2,)})
    (said,) = _said(caplog, dataset, where="a.nc, b.nc", file=None)
    negatives = int((held["a.nc"] < 0).sum())
    assert said.startswith(f"'pr' in a.nc holds {negatives} negative values of the {held['a.nc'].size} values "
                           "checked, down to -5 mm/day")
    # fix54b: the copy of the one file in a new folder, each way its own (a_fixed.nc beside a.nc before)
    assert without_guards(said).endswith(
        "to set them to 0: mkdir -p negatives_zero && ncap2 -s 'where(tp < 0) tp = 0' a.nc negatives_zero/a.nc (its copy "
        "in a new folder), then give --data negatives_zero/a.nc in place of a.nc, with the other files of the working "
        "folder given as before (--data b.nc), or to missing: mkdir -p negatives_missing && ncap2 -s 'where(tp < 0) tp = tp.get_miss()' "
        "a.nc negatives_missing/a.nc (its copy in a new folder), then give --data negatives_missing/a.nc in place of "
        "a.nc, with the other files of the working folder given as before (--data b.nc)")


def test_files_that_name_the_variable_differently_get_one_command_each(tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dataset, held = _renamed_series(tmp_path, {"a.nc": (2,), "b.nc": (7,)})
    (said,) = _said(caplog, dataset, where="a.nc, b.nc", file=None)
    negatives = sum(int((values < 0).sum()) for values in held.values())
    assert said.startswith(f"'pr' in a.nc, b.nc holds {negatives} negative values of the 240 values checked")
    # each file its own command (fix54b: not a loop over it alone), its copy in one new folder with the other's
    # (fix53a: beside it, a_fixed.nc), each way its own folder (fix54b: both fixed/)
    each = {"a.nc": "tp", "b.nc": "precip"}
    zero, missing = ("; ".join(f"for {file}: mkdir -p {folder} && ncap2 -s 'where({name} < 0) {name} = {value}' {file} "
                               f"{folder}/{file} (its copy in a new folder, with the other files' copies), then give "
                               f"--data '{folder}/*.nc' in place of the originals" for file, name in each.items()
                               for value in [value_of(name)])
                     for value_of, folder in ((lambda name: "0", "negatives_zero"),
                                              (lambda name: f"{name}.get_miss()", "negatives_missing")))
    assert without_guards(said).endswith(f"to set them to 0: {zero}, or to missing: {missing}")


def test_the_command_to_zero_followed_leaves_no_negative_value(tmp_path, caplog, monkeypatch):
    """The command of the first test, done with netCDF4-python as ncap2 does it (where the
    variable the script names is in the file), and the copy read in place of a.nc: no warning."""
    monkeypatch.chdir(tmp_path)
    dataset, held = _renamed_series(tmp_path, {"a.nc": (2,)})
    (said,) = _said(caplog, dataset, where="a.nc, b.nc", file=None)
    printed = ONE_COPY.search(said[said.index("to set them to 0: ") + 18:said.index(", or to missing")])
    script, source, copy = re.search(r"&& ncap2 -s '(.*)' (\S+) (\S+)$", printed["command"]).groups()
    assert (source, copy) == (printed["original"], printed["copy"]) == ("a.nc", "negatives_zero/a.nc")
    name = re.fullmatch(r"where\((\w+) < 0\) \1 = 0", script).group(1)
    os.mkdir(tmp_path / "negatives_zero")
    shutil.copy(source, copy)
    with netCDF4.Dataset(copy, "a") as file:
        assert name in file.variables
        file[name][:] = np.ma.where(file[name][:] < 0, 0, file[name][:])
    fixed = open_dataset([tmp_path / copy, tmp_path / "b.nc"], rename={copy: {"tp": "pr"}, "b.nc": {"precip": "pr"}})
    assert _said(caplog, fixed, where="", file=None) == []
    assert negative_values(fixed, ["pr"])["pr"].count == int((held["b.nc"] < 0).sum())  # b's rounding alone


@pytest.mark.parametrize(("faults", "says"), [
    pytest.param({"a.nc": (2,)}, "which its name 'tp' says it cannot hold", id="one-file-tp"),
    pytest.param({"a.nc": (2,), "b.nc": (7,)}, "which its names 'tp' in a.nc, 'precip' in b.nc says it cannot hold",
                 id="two-files-two-names"),
])
def test_the_warning_says_the_name_each_file_gives_the_variable(tmp_path, caplog, monkeypatch, faults, says):
    """fix30c: ``tp`` of a.nc read as ``pr`` was said to be unable to be negative by "its name 'pr'",
    a name neither file holds."""
    monkeypatch.chdir(tmp_path)
    dataset, _ = _renamed_series(tmp_path, faults)
    (said,) = _said(caplog, dataset, where="a.nc, b.nc", file=None)
    assert says in said and "'pr' says" not in said


@pytest.mark.parametrize("to", ["0", "missing"])
def test_the_commands_for_a_zarr_store_are_xarray_lines_that_work(tmp_path, caplog, monkeypatch, to):
    """fix30c: the ways out for a Zarr store were ncap2 on ``pr.zarr pr_fixed.nc``, which NCO cannot read; they
    are xarray lines that write a corrected copy beside the store, which, run as printed, holds no negative value
    (0 or missing where they were, every other value as it was) and leaves the store as it was."""
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    values = _field()
    values[2, 1, 3] = -5.0
    _precipitation(values).to_zarr(tmp_path / "pr.zarr")
    (said,) = _said(caplog, open_dataset([tmp_path / "pr.zarr"]), where="pr.zarr", file=tmp_path / "pr.zarr")
    zero, missing = bare_python(said).split("to set them to 0: ", 1)[1].split(", or to missing: ")
    command = shlex.split(zero if to == "0" else missing)
    assert command[:2] == ["python", "-c"] and len(command) == 3 and "ncap2" not in said
    run_python("-c", command[2], check=True, cwd=tmp_path)
    expected = np.where(values < 0, 0.0 if to == "0" else np.nan, values)
    np.testing.assert_array_equal(xr.open_zarr(tmp_path / "pr_fixed.zarr")["pr"].values, expected)
    np.testing.assert_array_equal(xr.open_zarr(tmp_path / "pr.zarr")["pr"].values, values)


def _coverage_field() -> tuple[np.ndarray, np.ndarray]:
    """12 days of 4 x 5 rain up to 80 mm/day, with MRMS's "no coverage" code -3 at 3 of the 20
    cells on every day but the first two, and one sign fault of -5; the mask of the code."""
    values = _field()
    values[9, 3, 3], values[10, 1, 2], values[8, 0, 4] = 1.0, 2.0, 1.0  # neither fill-like value nor NaN
    offshore = np.zeros(values.shape, dtype=bool)
    offshore[2:, 0, 0] = offshore[2:, 3, 4] = offshore[2:, 2, 0] = True
    values[offshore] = -3.0
    return values, offshore


@pytest.mark.parametrize("chunks", [pytest.param(None, id="numpy"), pytest.param({"time": 5}, id="dask")])
def test_one_negative_value_repeated_is_found_as_a_code_with_its_count_at_each_step(chunks):
    values, offshore = _coverage_field()
    dataset = _precipitation(values)
    found = negative_values(dataset.chunk(chunks) if chunks else dataset, ["pr"])["pr"]
    assert found.code == -3.0
    np.testing.assert_array_equal(found.code_counts, offshore.sum(axis=(1, 2)))  # 0, 0, then 3 a day
    assert found.step_size == 20
    assert found.count == int((values < 0).sum()) == 30 + 1 + 4  # the code, the -5, the rounding negatives


def test_a_sign_fault_spread_over_many_values_is_no_code():
    values = _field()
    values[9, 3, 3] = 1.0
    values[4:8] = -values[4:8]  # four days of the sign flipped: 80 values, all different
    assert negative_values(_precipitation(values), ["pr"])["pr"].code is None


def test_a_code_is_named_with_its_value_count_and_shares_of_cells_and_steps(caplog):
    values, offshore = _coverage_field()
    (said,) = _said(caplog, _precipitation(values, long_name="Radar Precipitation Rate"))
    repeats, share = int(offshore.sum()), 100 * offshore.sum() / values.size  # 30 values, 12.5 %
    assert said.startswith(f"'pr' in pr.nc holds the value -3 mm/day {repeats} times ({share:.3g} % of the 240 values "
                           "checked; 15 % of the cells at 10 of the 12 time steps)")
    assert "its name 'pr' says it cannot hold: one negative value repeated so is a code" in said
    assert "; 5 other negative values, down to -5 mm/day" in said


@pytest.mark.parametrize("chunks", [pytest.param(None, id="numpy"), pytest.param({"time": 5}, id="dask")])
def test_a_code_below_the_other_negatives_is_not_named_as_their_lowest(caplog, chunks):
    """fix49i: a code of -9 beside a sign fault of -5 was warned "5 other negative values, down to
    -9": the overall lowest, the code's own. The lowest of the other values, as NumPy finds it."""
    values, offshore = _coverage_field()
    values[offshore] = -9.0
    dataset = _precipitation(values)
    (said,) = _said(caplog, dataset.chunk(chunks) if chunks else dataset)
    others = values[(values < 0) & ~offshore]  # NumPy by hand: every negative that is not the code
    assert others.min() == -5.0 and values.min() == -9.0
    assert f"; {others.size} other negative values, down to {others.min():g} mm/day;" in said
    assert negative_values(dataset, ["pr"])["pr"].lowest_other == others.min()


def test_the_advice_on_a_code_followed_marks_it_missing_beside_the_fill_value_already_marked(tmp_path, caplog,
                                                                                           monkeypatch):
    """break32b A2: MRMS as wgrib2 writes it, -999 already marked missing_value as climann advised, -3 "no
    coverage" left: the advised ncatted (done with netCDF4-python, as NCO would) keeps -999 and adds -3."""
    monkeypatch.chdir(tmp_path)
    values, offshore = _coverage_field()
    values[5, 1, 1] = -999.0
    dataset = _precipitation(values, long_name="Radar Precipitation Rate [mm/hr]").rename(pr="PrecipRate")
    dataset.to_netcdf("mrms.nc", encoding={"PrecipRate": {"_FillValue": np.float32(9.999e20)}})
    with netCDF4.Dataset("mrms.nc", "a") as file:
        file["PrecipRate"].missing_value = np.float32(-999.0)
    opened = open_dataset([tmp_path / "mrms.nc"])
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_negative_values(opened, ["PrecipRate"], where="mrms.nc", file="mrms.nc")
    (said,) = [record.getMessage() for record in caplog.records]
    assert "its long_name 'Radar Precipitation Rate [mm/hr]' says it cannot hold" in said
    line = said.split("if it marks missing values: `", 1)[1].split("`", 1)[0]
    name, kind, numbers, source, copy = re.search(
        r"&& ncatted -a missing_value,(\w+),o,(\w),(\S+) (\S+) (\S+)$", line).groups()
    # its copy in a new folder (fix55a: mrms_fixed.nc beside mrms.nc, which a glob over the folder took with it)
    assert (name, kind, numbers, source, copy) == ("PrecipRate", "f", "-999,-3", "mrms.nc", "missing_marked/mrms.nc")
    assert said.endswith("` (its copy in a new folder), then give --data missing_marked/mrms.nc in place of mrms.nc")
    subprocess.run(line, shell=True, check=True, capture_output=True)  # as printed
    assert sorted(path.name for path in tmp_path.iterdir()) == ["missing_marked", "mrms.nc"]
    fixed = open_dataset([tmp_path / copy])["PrecipRate"].values
    np.testing.assert_array_equal(np.isnan(fixed), offshore | (values == -999.0))
    assert np.nanmin(fixed) == -5.0  # the sign fault stays, and is still named


def test_a_standardized_precipitation_index_gets_no_advice_to_zero_its_dry_anomalies(caplog):
    """break34b B1: climann advised `ncap2 … where(spi < 0) spi = 0` for climate-indices' SPI."""
    spi = np.random.default_rng(11).standard_normal((12, 4, 5)).astype("f4")
    dataset = _precipitation(spi, units="", long_name="Standardized Precipitation Index (Gamma), 3-month")
    assert (spi < 0).mean() > 0.3  # a z-score: many negatives, far beyond rounding
    assert _said(caplog, dataset) == []


@pytest.mark.parametrize("chunks", [pytest.param(None, id="numpy"), pytest.param({"time": 2}, id="dask")])
def test_minus_infinity_is_no_negative_value_of_its_own(chunks):
    # ±inf are counted by climann.data.infinite_values; here they were a second time, and +inf made
    # the largest absolute value inf, so no negative was beyond rounding
    values = np.full((4, 2, 3), 10.0, dtype="f4")
    values[1, 0, 0] = -np.inf
    values[2, 1, 2] = -1.0
    values[3, 0, 1] = np.inf
    dataset = _precipitation(values)
    dataset = dataset.chunk(chunks) if chunks else dataset
    found = negative_values(dataset, ["pr"])["pr"]
    finite = np.isfinite(values)
    assert found.count == int(((values < 0) & finite).sum()) == 1
    assert found.lowest == -1.0
    assert found.largest == float(np.abs(values[finite]).max()) == 10.0
    np.testing.assert_array_equal(found.times, dataset["time"].values[[2]])


def _globsnow_without_flags(path) -> tuple[np.ndarray, np.ndarray]:
    """GlobSnow v2's monthly ``swe_average`` as its files hold it (break49b A2): "Snow Water Equivalent, monthly
    average" in mm, no standard_name, no flag attributes, -1 (water) on a 2 × 2 lake and -2 (mountains) on the
    last column at every step, 10 years of months on a 5 × 6 grid; a t2m beside it. The SWE and the codes' mask."""
    rng = np.random.default_rng(49)
    time = pd.date_range("2001-01-01", periods=120, freq="MS")
    lat = np.array([60.0, 61.0, 62.0, 63.0, 64.0])
    t2m = 270.0 - 12 * np.cos(2 * np.pi * (time.month.values[:, None, None] - 1) / 12) + rng.normal(0, 2, (120, 5, 6))
    swe = np.round(np.clip(-(t2m - 273.15) * 6 + rng.normal(0, 4, t2m.shape), 0, None)).astype("f4")
    codes = np.zeros(swe.shape, bool)
    swe[:, 1:3, 1:3], swe[:, :, 5] = -1.0, -2.0
    codes[:, 1:3, 1:3] = codes[:, :, 5] = True
    coords = {"time": time, "lat": ("lat", lat, {"units": "degrees_north"}),
              "lon": ("lon", 20.0 + np.arange(6.0), {"units": "degrees_east"})}
    xr.Dataset({"swe_average": (("time", "lat", "lon"), swe, {"long_name": "Snow Water Equivalent, monthly average",
                                                              "units": "mm"}),
                "t2m": (("time", "lat", "lon"), t2m.astype("f4"), {"units": "K", "standard_name": "air_temperature"})},
               coords=coords).to_netcdf(path, encoding={"swe_average": {"_FillValue": None}})
    return swe, codes


def test_globsnow_codes_without_flags_are_named_and_the_line_followed_scores_the_snow_only(tmp_path, monkeypatch):
    """break49b A2: "Snow Water Equivalent" was no amount that cannot be negative, so GlobSnow's -1 and -2 were
    trained and scored as SWE without a word (climatology test MSE 126.25 mm² where the SWE alone gives 156.18).
    Now both codes are named in one warning whose ncatted marks both; followed, the test climatology MSE is mine
    (numpy: the calendar-month means of 2001-2006 on 2009-2010, cos-lat weights, the codes left out)."""
    import json

    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    swe, codes = _globsnow_without_flags(tmp_path / "globsnow.nc")
    arguments = ["--target", "swe_average", "--predictors", "t2m", "--epochs", "1"]
    result = CliRunner().invoke(app, ["train", "--data", "globsnow.nc", *arguments, "--out", "run"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert ("'swe_average' in globsnow.nc holds the values -2 and -1 mm {} times in all".format(int(codes.sum()))
            in said)
    assert "its long_name 'Snow Water Equivalent, monthly average' (a snow water equivalent, in mm)" in said
    line = said.split("if they mark missing values: `", 1)[1].split("`", 1)[0]
    assert line.endswith("&& mkdir -p missing_marked && ncatted -a missing_value,swe_average,o,f,-1,-2 globsnow.nc "
                         "missing_marked/globsnow.nc")  # in a new folder (fix55a: globsnow_fixed.nc beside it)
    subprocess.run(line, shell=True, check=True, capture_output=True, cwd=tmp_path)  # as printed
    data = said.split("then give --data ", 1)[1].split(" in place of globsnow.nc", 1)[0]
    assert data == "missing_marked/globsnow.nc"
    result = CliRunner().invoke(app, ["train", "--data", data, *arguments, "--out", "fixed"])
    assert result.exit_code == 0, result.output
    assert "holds the value" not in result.output
    truth = np.where(codes, np.nan, swe).astype(np.float64)
    years, months = 2001 + np.arange(120) // 12, np.arange(120) % 12 + 1
    climatology = np.stack([np.nanmean(truth[(years <= 2006) & (months == month)], axis=0) for month in range(1, 13)])
    errors = (climatology[months - 1] - truth)[years >= 2009]
    weights = np.broadcast_to(np.cos(np.deg2rad([60.0, 61.0, 62.0, 63.0, 64.0]))[:, None], errors.shape)
    kept = np.isfinite(errors)
    expected = (weights[kept] * errors[kept] ** 2).sum() / weights[kept].sum()
    for run, mse in (("fixed", pytest.approx(expected, rel=1e-6)), ("run", None)):
        scores = json.loads((tmp_path / run / "metrics.json").read_text())["splits"]["test"]["climatology"]
        if mse is not None:
            assert scores["mse"] == mse
            assert scores["n_samples"] == int(kept.sum())
        else:  # the first run, before the line, scored the codes as SWE (the warning says so)
            assert scores["n_samples"] == errors.size


@pytest.mark.parametrize(("attrs", "judged"), [
    pytest.param({"long_name": "Snow Water Equivalent", "units": "mm", "flag_values": np.array([-2, -1], "i4"),
                  "flag_meanings": "water mountain"}, True, id="a-quantity-with-flags-in-mm"),
    pytest.param({"long_name": "Snow Water Equivalent", "units": "1", "flag_values": np.array([-2, -1], "i4"),
                  "flag_meanings": "water mountain"}, False, id="flag-values-in-units-1-are-classes"),
    pytest.param({"long_name": "Snow Water Equivalent", "units": "mm", "flag_masks": np.array([1, 2], "i4"),
                  "flag_meanings": "water mountain"}, False, id="flag-masks-are-bits"),
])
def test_a_quantity_with_flag_values_is_judged_as_that_quantity(attrs, judged):
    """fix50c item 3: a variable with flag_values was never judged nonnegative, whatever its units."""
    variable = xr.DataArray(np.zeros(2, "i4"), dims="x", attrs=attrs)
    assert (cannot_be_negative("swe", variable) is not None) == judged


def test_negative_codes_a_flagged_swe_does_not_list_are_warned_of(tmp_path, caplog):
    """fix50c item 3: SWE in mm with flag_values 999 "glacier" (kept: within the range of a snow amount) holding -7 on
    12 cells and -3 on 2 that no flag lists: on main they passed unwarned (a flag variable was not judged); now the
    count, the code and the lowest other value are numpy's."""
    rng = np.random.default_rng(3)
    values = rng.integers(1, 300, (3, 4, 5)).astype("i4")
    cells = rng.permutation(values.size)
    values.reshape(-1)[cells[:12]] = -7
    values.reshape(-1)[cells[12:14]] = -2  # not -3: a second code would take its place as "other"
    values.reshape(-1)[cells[14:16]] = 999
    path = tmp_path / "swe.nc"
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in zip(("time", "lat", "lon"), values.shape):
            nc.createDimension(dim, size)
        nc.createVariable("time", "f8", ("time",))[:] = np.arange(3.0)
        nc["time"].units = "days since 2000-01-01"
        nc.createVariable("lat", "f8", ("lat",))[:] = np.arange(4.0)
        nc.createVariable("lon", "f8", ("lon",))[:] = np.arange(5.0)
        swe = nc.createVariable("swe", "i4", ("time", "lat", "lon"), fill_value=False)
        swe.setncatts({"long_name": "Snow Water Equivalent", "units": "mm", "flag_values": np.array([999], "i4"),
                       "flag_meanings": "glacier"})
        swe[:] = values
    dataset = open_dataset([path])
    found = negative_values(dataset, ["swe"])["swe"]
    assert (found.count, found.lowest, found.code) == (int((values < 0).sum()), float(values.min()), -7.0)
    assert found.lowest_other == float(values[(values < 0) & (values != -7)].min())
    with caplog.at_level(logging.WARNING, logger="climann.data.nonnegative"):
        warn_negative_values(dataset, ["swe"], where="swe.nc", file=path)
    assert "holds the value -7 mm 12 times" in caplog.text
