"""Land stored as a value, told by the target's own values (climann/data/constant_cells.py)."""

from __future__ import annotations

import logging
import shlex
import warnings

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.constant_cells import constant_cells, physical_bound, planned_cell_ranges
from climann.data.fill_like import checked_blocks, checked_step_numbers, read_together
from climann.data.land_masks import land_stored_as_value, warn_land_stored_as_value
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.shell import whole_write
from tests.followed_twice import assert_left_as_it_is
from tests.fresh_python import bare_python, run_python, shell_path

N_TIME = 40


def _land(shape: tuple[int, int] = (5, 6), n_land: int = 11) -> np.ndarray:
    """The first ``n_land`` cells in C order (11 of 30 on a 5 × 6 grid: the first row, the second, one more)."""
    land = np.zeros(shape, bool)
    land.flat[:n_land] = True
    return land


def _series(name: str = "sosstsst", attrs: dict | None = None, *, held: float = 0.0, land: np.ndarray | None = None,
            mean: float = 15.0, n_time: int = N_TIME) -> xr.Dataset:
    """A monthly series of ``name`` (``attrs``; ORAS5's ``sosstsst`` in degC with ``missing_value = 1e20`` by
    default) of ``mean`` ± 1 on its cells, ``held`` at every step on the cells of ``land``; nav_lat/nav_lon (y, x)."""
    land = _land() if land is None else land
    rng = np.random.default_rng(38)
    values = mean + rng.normal(0.0, 1.0, (n_time, *land.shape))
    values[:, land] = held
    times = [cftime.datetime(1990 + k // 12, k % 12 + 1, 15, calendar="gregorian") for k in range(n_time)]
    lat, lon = np.meshgrid(-10.0 + np.arange(land.shape[0]), 100.0 + np.arange(land.shape[1]), indexing="ij")
    attrs = {"units": "degC", "missing_value": np.float32(1e20)} if attrs is None else attrs
    return xr.Dataset(
        {name: (("time_counter", "y", "x"), values.astype("f4"), attrs)},
        coords={"time_counter": ("time_counter", times, {"standard_name": "time"}),
                "nav_lat": (("y", "x"), lat, {"standard_name": "latitude", "units": "degrees_north"}),
                "nav_lon": (("y", "x"), lon, {"standard_name": "longitude", "units": "degrees_east"})})


def _opened(tmp_path, dataset: xr.Dataset, file: str = "oras5.nc") -> xr.Dataset:
    name = next(iter(dataset.data_vars))
    dataset.to_netcdf(tmp_path / file, encoding={name: {"_FillValue": None}})
    return open_dataset([tmp_path / file])


def _warnings(caplog, dataset: xr.Dataset, target: str, *, where: str) -> list[str]:
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_land_stored_as_value(dataset, target, where=where)
    return [record.getMessage() for record in caplog.records]


def test_oras5_land_stored_as_zero_without_a_mask_is_warned_with_a_line_that_masks_it(tmp_path, caplog,
                                                                                        monkeypatch):
    """break38 (fix38c): ORAS5's sosstsst alone, 0.0 on land at every step, missing_value 1e20 only, no mask and no
    other variable: silent, the land trained on and scored as 0 °C sea (test RMSE 7.826 against ~0.98 over the
    sea). Now the warning names the value, the 11 cells of 30 (19 vary) and the xarray line; run as printed, it
    sets those cells missing at every step and leaves the sea as it was, and the copy is warned about no more."""
    monkeypatch.chdir(tmp_path)
    original = _series()
    dataset = _opened(tmp_path, original)
    assert land_stored_as_value(dataset, "sosstsst") is None  # no mask, no other variable: the earlier rules
    found = constant_cells(dataset, "sosstsst")
    assert found is not None
    assert (found.value, found.n_held, found.n_cells, found.n_varying, found.n_steps, found.time) == (
        0.0, 11, 30, 19, 24, "time_counter")
    (message,) = _warnings(caplog, dataset, "sosstsst", where="oras5.nc")
    message = bare_python(message)
    assert message.startswith(
        "'sosstsst' in oras5.nc holds 0 at each of the 24 steps checked (evenly spaced among its 40; the others were "
        "not read for this) on 11 of its 30 cells, no other value so, while "
        "19 cells vary: most likely land or no data stored as a value (no land-sea mask nor other variable in the data "
        "says where land is), trained on and scored as data; climann does not mask it on its own; unless 0 is real "
        "data there, to set those cells missing: python -c ")
    command = message[message.index("python -c "):]
    assert command == ("python -c 'import sys, xarray as xr; d = xr.open_dataset(\"oras5.nc\"); d[\"sosstsst\"] = "
                       "d[\"sosstsst\"].where(~(d[\"sosstsst\"] == 0.0).all(\"time_counter\")); "
                       f"{whole_write(target=chr(34) + 'oras5_fixed.nc' + chr(34))}'")
    run_python(*shlex.split(command)[1:], check=True, cwd=tmp_path)
    fixed, land = open_dataset([tmp_path / "oras5_fixed.nc"])["sosstsst"].values, _land()
    assert np.isnan(fixed[:, land]).all()
    np.testing.assert_array_equal(fixed[:, ~land], original["sosstsst"].values[:, ~land])
    assert _warnings(caplog, open_dataset([tmp_path / "oras5_fixed.nc"]), "sosstsst", where="oras5_fixed.nc") == []


def test_a_float32_value_held_is_matched_by_the_line_as_read(tmp_path, monkeypatch, caplog):
    """A held value that float32 does not write exactly (0.3) is given as the double the data read as, and the
    printed line, run, matches the held cells."""
    monkeypatch.chdir(tmp_path)
    original = _series(held=0.3)
    (message,) = _warnings(caplog, _opened(tmp_path, original), "sosstsst", where="oras5.nc")
    assert "== 0.30000001192092896" in message
    run_python(*shlex.split(message[message.index("python -c "):])[1:], check=True, cwd=tmp_path)
    assert np.isnan(open_dataset([tmp_path / "oras5_fixed.nc"])["sosstsst"].values[:, _land()]).all()


@pytest.mark.parametrize(
    ("name", "attrs", "held", "mean", "bound"),
    [
        pytest.param("pr", {"units": "kg m-2 s-1", "standard_name": "precipitation_flux"}, 0.0, 3e-5,
                     "0, and its standard_name precipitation_flux says it cannot be negative", id="desert-rain"),
        pytest.param("tp", {"units": "m"}, 0.0, 0.01, "0, and its name 'tp' says it cannot be negative",
                     id="ERA5-tp-by-name"),
        pytest.param("siconc", {"units": "%", "standard_name": "sea_ice_area_fraction"}, 100.0, 50.0,
                     "100, a bound of a share (its units '%')", id="permanent-ice-100-percent"),
        pytest.param("siconc", {"units": "%", "standard_name": "sea_ice_area_fraction"}, 0.0, 50.0,
                     "0, a bound of a share (its units '%')", id="ice-free-tropics"),
        pytest.param("sithick", {"units": "m", "standard_name": "sea_ice_thickness"}, 0.0, 1.5,
                     "0, a lower bound of a quantity of 'sea_ice'", id="ice-thickness"),
        pytest.param("snd", {"units": "m", "standard_name": "surface_snow_thickness"}, 0.0, 0.3,
                     "0, a lower bound of a quantity of 'snow'", id="snow-depth"),
        pytest.param("BA", {"units": "m2", "long_name": "burned area"}, 0.0, 5e6,
                     "0, a lower bound of a quantity of 'burn'", id="burned-area"),
        pytest.param("ba", {"units": "ha"}, 0.0, 50.0, "0, the least of an area", id="area-by-its-units"),
        # break45b A8: cfgrib's placeholder standard_name "unknown" (new-CDS ERA5-Land tp) names no quantity
        pytest.param("tp", {"units": "m", "long_name": "Total precipitation", "standard_name": "unknown"}, 0.0, 0.001,
                     "0, and its name 'tp' says it cannot be negative", id="ERA5-Land-tp-standard-name-unknown"),
        pytest.param("rsds", {"units": "W m-2", "standard_name": "surface_downwelling_shortwave_flux_in_air"}, 0.0,
                     100.0, "0, a lower bound of a quantity of 'downwelling'", id="polar-night"),
        pytest.param("sst", {"units": "degC", "long_name": "sea surface temperature"}, -1.8, 10.0,
                     "-1.8, the freezing point of sea water", id="HadISST-under-ice"),
        pytest.param("tos", {"units": "K", "standard_name": "sea_surface_temperature"}, 271.35, 283.0,
                     "271.35, the freezing point of sea water", id="freezing-point-in-kelvin"),
        # break38c C1: the range's edges as float32 in K read -1.69999 and -2.000006 degC
        pytest.param("sst", {"units": "K", "standard_name": "sea_surface_temperature"}, 271.45, 283.0,
                     "271.45, the freezing point of sea water", id="float32-upper-edge-in-kelvin"),
        pytest.param("sst", {"units": "K", "standard_name": "sea_surface_temperature"}, 271.15, 283.0,
                     "271.15, the freezing point of sea water", id="float32-lower-edge-in-kelvin"),
        # break38c C1: ERA5's sea under its ice, IFS's RTFREEZSICE = RTT - 1.7 = 273.16 - 1.7 K (-1.69 degC)
        pytest.param("sst", {"units": "K", "long_name": "Sea surface temperature",
                             "standard_name": "sea_surface_temperature"}, 271.46, 283.0,
                     "271.46, the freezing point of sea water", id="ERA5-sst-under-sea-ice"),
        # break38c C2: what IFS holds on its glaciers (ERA5's sd, skt in JJA), and 0 degC of a surface
        pytest.param("sd", {"units": "m of water equivalent", "long_name": "Snow depth",
                            "standard_name": "lwe_thickness_of_surface_snow_amount"}, 10.0, 0.2,
                     "10, the 10 m of water equivalent of snow IFS keeps on its glaciers", id="ERA5-sd-on-glaciers"),
        pytest.param("snw", {"units": "kg m-2", "standard_name": "surface_snow_amount"}, 10000.0, 200.0,
                     "10000, the 10 m of water equivalent of snow IFS keeps on its glaciers",
                     id="glacier-snow-as-a-mass-per-area"),
        pytest.param("skt", {"units": "K", "long_name": "Skin temperature"}, 273.16, 280.0,
                     "273.16, the melting point of ice (a temperature of a surface, snow or ice: 'Skin')",
                     id="ERA5-skt-of-melting-glaciers"),
        pytest.param("ts", {"units": "degC", "standard_name": "surface_temperature"}, 0.0, 5.0,
                     "0, the melting point of ice (a temperature of a surface, snow or ice: 'surface_temperature')",
                     id="surface-temperature-at-0-degC"),
        pytest.param("tsn", {"units": "K", "long_name": "Temperature of snow layer"}, 273.15, 260.0,
                     "273.15, the melting point of ice (a temperature of a surface, snow or ice: 'snow')",
                     id="ERA5-tsn-melting-snow"),
        # rerun38 N2: "thickness" alone no longer bounds; a thickness of rain still is
        pytest.param("rain", {"units": "m", "standard_name": "thickness_of_rainfall_amount"}, 0.0, 0.01,
                     "0, a lower bound of a quantity of 'rain'", id="thickness-of-rainfall"),
        # rerun38 N8: a lake's surface under its ice is at fresh water's freezing point
        pytest.param("lake_surface_water_temperature", {"units": "kelvin", "long_name": "lake surface skin "
                     "temperature", "standard_name": "lake_surface_temperature"}, 273.15, 283.0,
                     "273.15, the freezing point of fresh water (its standard_name 'lake_surface_temperature')",
                     id="LSWT-under-ice"),
        pytest.param("lswt", {"units": "degC", "long_name": "Lake surface water temperature"}, 0.0, 10.0,
                     "0, the freezing point of fresh water (its long_name 'Lake surface water temperature')",
                     id="lake-by-its-long-name"),
    ],
)
def test_a_value_real_data_hold_at_every_step_is_no_stored_land(tmp_path, name, attrs, held, mean, bound):
    """Rain 0 in a desert, snow and sea ice 0 in the tropics, a permanent ice cover at 100 %, no sunshine in the
    polar night, SST at the freezing point under the ice (HadISST's -1.8 °C): real values at every step on
    many cells while the others vary. Each is no stored land (its bound named); the same values of an unbounded
    quantity (``zos``, a sea surface height in m) are."""
    values = _series(name, attrs, held=held, mean=mean)
    assert physical_bound(name, values[name], float(np.float32(held))) == bound
    assert constant_cells(_opened(tmp_path, values, "bounded.nc"), name) is None
    unbounded = _series("zos", {"units": "m", "long_name": "sea surface height"}, held=held, mean=mean)
    assert constant_cells(_opened(tmp_path, unbounded, "unbounded.nc"), "zos") is not None


@pytest.mark.parametrize(
    ("name", "attrs", "held", "mean"),
    [
        pytest.param("somxl010", {"units": "m", "long_name": "Mixed layer depth 0.01", "missing_value": np.float32(1e20),
                                  "standard_name": "ocean_mixed_layer_thickness_defined_by_sigma_theta"}, 0.0, 50.0,
                     id="ORAS5-mixed-layer-depth"),
        pytest.param("mlotst", {"units": "m", "standard_name": "ocean_mixed_layer_thickness_defined_by_sigma_t"}, 0.0,
                     30.0, id="CMIP-mixed-layer-thickness"),
        pytest.param("sosstsst", {"units": "K", "long_name": "Sea Surface Temperature"}, 273.15, 288.0,
                     id="ORAS5-land-as-0-degC-of-sea"),
        pytest.param("tas", {"units": "K", "standard_name": "air_temperature"}, 273.15, 283.0,
                     id="0-degC-of-air"),
        pytest.param("sea_surface_temperature", {"units": "degC", "standard_name": "sea_surface_skin_temperature"},
                     0.0, 10.0, id="0-degC-of-a-sea-skin"),
        pytest.param("sde", {"units": "m", "standard_name": "surface_snow_thickness"}, 10.0, 0.5,
                     id="10-m-of-snow-not-of-water"),
        pytest.param("sst", {"units": "K", "standard_name": "sea_surface_temperature"}, 271.48, 283.0,
                     id="above-ERA5s-freezing-point"),
    ],
)
def test_a_value_no_sea_holds_at_every_step_is_stored_land(tmp_path, name, attrs, held, mean):
    """rerun38 N2: ORAS5's somxl010 with land at 0 m (84 of 648 cells) was not warned, "thickness" making 0 a bound;
    a mixed layer is never 0 m thick over the sea (test clim MSE 56.39 m² over every cell, 70.16 over the sea).
    rerun38 N8's other side: 0 °C is the melting point of ice only for a lake's, a surface's, snow's or ice's
    temperature; a sea temperature (ORAS5's land, a sea skin) or an air temperature held at 0 °C stays warned, so do
    10 m of snow not of water equivalent, and 271.48 K of sea, above ERA5's 271.46."""
    values = _series(name, attrs, held=held, mean=mean)
    assert physical_bound(name, values[name], float(np.float32(held))) is None
    found = constant_cells(_opened(tmp_path, values), name)
    assert found is not None
    assert (found.value, found.n_held, found.n_cells) == (float(np.float32(held)), 11, 30)


def test_a_few_cells_holding_one_value_are_no_stored_land(tmp_path):
    """At least 1 % of the cells (MIN_SHARE): 3 of 400 may be chance, 4 are counted."""
    assert constant_cells(_opened(tmp_path, _series(held=5.0, land=_land((20, 20), 3)), "three.nc"), "sosstsst") is None
    found = constant_cells(_opened(tmp_path, _series(held=5.0, land=_land((20, 20), 4)), "four.nc"), "sosstsst")
    assert found is not None and (found.value, found.n_held, found.n_cells) == (5.0, 4, 400)


def test_cells_of_their_own_constant_values_are_no_stored_land(tmp_path):
    """Land-cover classes or a static field written at every step: the constant cells hold different values,
    none on nearly all (90 %) of them; the same cells at one value are found."""
    original = _series()
    classes = original["sosstsst"].values.copy()
    classes[:, _land()] = (np.arange(11) % 3 + 1).astype("f4")
    assert constant_cells(_opened(tmp_path, original.assign(sosstsst=original["sosstsst"].copy(data=classes)),
                                  "classes.nc"), "sosstsst") is None
    classes[:, _land()] = 1.0
    found = constant_cells(_opened(tmp_path, original.assign(sosstsst=original["sosstsst"].copy(data=classes)),
                                   "one.nc"), "sosstsst")
    assert found is not None and (found.value, found.n_held) == (1.0, 11)


def test_a_field_of_one_value_nearly_everywhere_stores_no_land(tmp_path):
    """Fewer than 10 % of the cells change in time (2 of 30): no rest that varies beside the value; 3 of 30 do."""
    assert constant_cells(_opened(tmp_path, _series(land=_land(n_land=28)), "a.nc"), "sosstsst") is None
    found = constant_cells(_opened(tmp_path, _series(land=_land(n_land=27)), "b.nc"), "sosstsst")
    assert found is not None and (found.n_held, found.n_varying) == (27, 3)


def test_two_steps_are_too_few_to_tell(tmp_path):
    """Over two steps a slowly changing field may repeat itself: at least three are checked."""
    assert constant_cells(_opened(tmp_path, _series(n_time=2), "two.nc"), "sosstsst") is None
    assert constant_cells(_opened(tmp_path, _series(n_time=3), "three.nc"), "sosstsst") is not None


def test_a_usual_fill_value_held_on_land_is_left_to_its_own_warning(tmp_path):
    """CMIP's 1e20 over land without the attribute that marks it is named by the fill-like values' warning
    (climann.data.fill_like): not a second time here; the same cells at 0.0 are."""
    unmarked = _series(attrs={"units": "degC"}, held=1e20)
    assert constant_cells(_opened(tmp_path, unmarked, "fill.nc"), "sosstsst") is None
    assert constant_cells(_opened(tmp_path, _series(attrs={"units": "degC"}), "zero.nc"), "sosstsst") is not None


def test_a_folder_of_three_files_gets_the_line_that_copies_each(tmp_path, monkeypatch, caplog):
    """fix38i: of a series in 3 files the line named the first file alone ('oras5_0.nc oras5_0_fixed.nc'), so the
    others kept their land. Now a copy of each in a new folder; run as printed, every copy has the held cells missing,
    a cell held through the first file only (not through the series) kept, and the copies are warned about no more."""
    import os
    import subprocess

    monkeypatch.chdir(tmp_path)
    original = _series(n_time=39)
    original["sosstsst"].values[:13, 4, 5] = 0.0  # held through the first file only
    (tmp_path / "oras5").mkdir()
    for part in range(3):
        piece = original.isel(time_counter=slice(13 * part, 13 * (part + 1)))
        piece.to_netcdf(tmp_path / "oras5" / f"oras5_{part}.nc", encoding={"sosstsst": {"_FillValue": None}})
    files = [tmp_path / "oras5" / f"oras5_{part}.nc" for part in range(3)]
    (message,) = _warnings(caplog, open_dataset(files), "sosstsst", where="oras5")
    command = message[message.index("mkdir -p "):message.index(" (a copy of each")]
    assert "oras5/held_cells_missing" in command and "--data 'oras5/held_cells_missing/*.nc'" in message
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": path})
    copies = sorted((tmp_path / "oras5" / "held_cells_missing").glob("*.nc"))
    assert [copy.name for copy in copies] == ["oras5_0.nc", "oras5_1.nc", "oras5_2.nc"]
    fixed, land = open_dataset(copies)["sosstsst"].values, _land()
    assert np.isnan(fixed[:, land]).all()
    np.testing.assert_array_equal(fixed[:, ~land], original["sosstsst"].values[:, ~land])
    assert _warnings(caplog, open_dataset(copies), "sosstsst", where="copies") == []
    # fix51j: followed again with a file at one copy's name, each copy was os.replace'd over the file there; now none
    # is written (the others not either: nothing half-done), and the line says so
    copies[0].unlink()
    copies[2].unlink()
    assert_left_as_it_is(copies[1], lambda: subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                                                           cwd=tmp_path, env={**os.environ, "PATH": path}), files[1])
    assert not copies[0].exists() and not copies[2].exists()


@pytest.mark.parametrize(
    ("name", "attrs", "held", "mean", "word"),
    [
        pytest.param("fal", {"units": "(0 - 1)", "long_name": "Forecast albedo"}, 0.85, 0.3, "albedo",
                     id="ERA5-fal-on-glaciers"),
        pytest.param("sithick", {"units": "m", "standard_name": "sea_ice_thickness"}, 1.5, 1.0, "sea_ice",
                     id="IFS-sea-ice-1.5-m"),
    ],
)
def test_a_value_that_may_be_held_on_ice_is_warned_as_either_with_the_masks_that_tell(tmp_path, caplog, monkeypatch,
                                                                                      name, attrs, held, mean, word):
    """break38c C2: ERA5's fal at 0.85 on 30 glacier cells was "most likely land or no data stored as a value", with a
    line that deletes them. An albedo, a snow or ice quantity held at one value may be what a model fixes on glaciers,
    ice sheets or sea ice: the warning names both readings, the masks that tell them apart, and that the line deletes
    real values if they are ice; it says nothing of the climatology (left out of val and test with one year of data)."""
    monkeypatch.chdir(tmp_path)
    (message,) = _warnings(caplog, _opened(tmp_path, _series(name, attrs, held=held, mean=mean), "ice.nc"), name,
                           where="ice.nc")
    message, stored = bare_python(message), float(np.float32(held))
    assert message == (
        f"'{name}' in ice.nc holds {held:g} at each of the 24 steps checked (evenly spaced among its 40; the others "
        f"were not read for this) on 11 of its 30 cells, no other value so, while "
        f"19 cells vary: either land, sea or no data stored as a value, or real values a model holds on glaciers, ice "
        f"sheets or sea ice (a quantity of '{word}'; IFS keeps its glaciers under 10 m of water equivalent of snow, its "
        f"sea ice 1.5 m thick); trained on and scored as data either way; the values cannot tell which (no land-sea "
        f"mask nor glacier mask in the data): compare the cells with the product's land-sea mask and glacier or ice "
        f"mask (ERA5: 'lsm', and the glacier cells where 'sd' holds 10 m of water equivalent); climann does not mask "
        f"them on its own; only if they are no data, to set those cells missing (if they are ice, this deletes real "
        f"values): python -c 'import sys, xarray as xr; d = xr.open_dataset(\"ice.nc\"); d[\"{name}\"] = "
        f"d[\"{name}\"].where(~(d[\"{name}\"] == {stored!r}).all(\"time_counter\")); "
        f"{whole_write(target=chr(34) + 'ice_fixed.nc' + chr(34))}'")
    assert "climatology" not in message and "most likely" not in message


@pytest.mark.parametrize("dtype", [pytest.param("f4", id="float32"), pytest.param("f8", id="float64")])
@pytest.mark.parametrize("held", [pytest.param(271.46, id="ERA5-271.46"), pytest.param(271.45, id="271.45"),
                                  pytest.param(271.15, id="271.15")])
def test_sea_under_ice_in_kelvin_is_in_the_freezing_range_in_either_precision(held, dtype):
    """break38c C1: the freezing range's edges in K, as float32 and float64 read them (271.45 K: -1.69999 and
    -1.6999999999999886 °C), and ERA5's 271.46 K (-1.6900085 and -1.6899999999999977 °C)."""
    value = float(np.array(held, dtype=dtype))
    variable = xr.DataArray(np.array([value], dtype=dtype), dims="x",
                            attrs={"units": "K", "standard_name": "sea_surface_temperature"})
    assert physical_bound("sst", variable, value) == f"{value:g}, the freezing point of sea water"


_COUNTING_SITE = '''
import atexit, collections, os
import numpy as np
import xarray.backends.netCDF4_ as backend
read = collections.Counter()
original = backend.NetCDF4ArrayWrapper._getitem
def counted(self, key):
    values = original(self, key)
    read[self.variable_name] += np.asarray(values).nbytes
    return values
backend.NetCDF4ArrayWrapper._getitem = counted
atexit.register(lambda: open(os.environ["BYTES_READ"], "a").write(f"{read['sosstsst']}\\n"))
'''


def test_a_folder_s_line_reads_each_file_once(tmp_path, monkeypatch, caplog):
    """fix39c: the line for a folder was a loop of one python per file, each reading every file of the folder to find
    the cells held through the series: 4 files read 4 x 4 + 4 = 20 times. Now one python reads each file's target once
    (the bytes the netCDF4 backend reads, counted in the process the line runs), with the copies as before."""
    import os
    import subprocess

    monkeypatch.chdir(tmp_path)
    original = _series(n_time=40)
    (tmp_path / "oras5").mkdir()
    for part in range(4):
        original.isel(time_counter=slice(10 * part, 10 * (part + 1))).to_netcdf(
            tmp_path / "oras5" / f"oras5_{part}.nc", encoding={"sosstsst": {"_FillValue": None}})
    files = [tmp_path / "oras5" / f"oras5_{part}.nc" for part in range(4)]
    (message,) = _warnings(caplog, open_dataset(files), "sosstsst", where="oras5")
    command = message[message.index("mkdir -p "):message.index(" (a copy of each")]
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(_COUNTING_SITE)
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": path, "PYTHONPATH": str(tmp_path / "site"),
                        "BYTES_READ": str(tmp_path / "read.txt")})
    read = sum(int(line) for line in (tmp_path / "read.txt").read_text().split())
    assert read == original["sosstsst"].nbytes  # 40 x 5 x 6 float32, each value once
    fixed = open_dataset(sorted((tmp_path / "oras5" / "held_cells_missing").glob("*.nc")))["sosstsst"].values
    assert np.isnan(fixed[:, _land()]).all()
    np.testing.assert_array_equal(fixed[:, ~_land()], original["sosstsst"].values[:, ~_land()])


@pytest.mark.parametrize("chunks, places", [pytest.param({"time": 1}, 1, id="a-block-per-step"),
                                            pytest.param({"time": 7, "lat": 2, "lon": 3}, 4, id="blocks-across-cells")])
def test_the_cell_ranges_hold_one_result_per_place_not_one_per_block(chunks, places):
    """fix56j: every checked block's four per-cell arrays were held until all were read (24 blocks of daily 0.25°
    files, 324 MB); each place's blocks are now joined as they are read, one task and one result per place of cells,
    the ranges those numpy gives over the checked steps."""
    rng = np.random.default_rng(56)
    values = rng.normal(280.0, 5.0, (40, 3, 5))
    values[rng.random(values.shape) < 0.2] = np.nan
    values[:, 0, 0] = np.nan  # missing at every step
    times = xr.date_range("2001-01-01", periods=40, freq="D", use_cftime=False)
    variable = xr.DataArray(values, dims=("time", "lat", "lon"), coords={"time": times}).chunk(chunks)
    dataset = xr.Dataset({"tas": variable})
    reads = planned_cell_ranges(dataset, "tas")
    assert len(checked_blocks(variable)) > places and len(reads.tasks) == places
    ranges = read_together(reads)[0]()
    sample = values[checked_step_numbers(variable)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the cell missing at every step
        np.testing.assert_array_equal(ranges.lowest.values, np.nanmin(sample, axis=0))
        np.testing.assert_array_equal(ranges.highest.values, np.nanmax(sample, axis=0))
    np.testing.assert_array_equal(ranges.present.values, ~np.isnan(sample).any(axis=0))
    np.testing.assert_array_equal(ranges.anywhere.values, ~np.isnan(sample).all(axis=0))
    assert ranges.n_steps == 24 and not ranges.anywhere.values[0, 0]


def _xios_series(n_time: int = 39) -> xr.Dataset:
    """:func:`_series` as NEMO's XIOS writes it: the record dimension ``time_counter`` and the dates the target
    names in its ``coordinates``, ``time_centered(time_counter)``, both with ``standard_name = "time"``."""
    original = _series(n_time=n_time)
    original = original.assign_coords(time_centered=("time_counter", original["time_counter"].values,
                                                     {"standard_name": "time"}))
    original["sosstsst"].encoding["coordinates"] = "time_centered nav_lat nav_lon"
    return original


@pytest.mark.parametrize("n_files", [pytest.param(1, id="one-file"), pytest.param(3, id="three-files")])
def test_the_line_for_nemo_output_reduces_over_the_files_time_dimension(tmp_path, monkeypatch, caplog, n_files):
    """break56a A1: climann reads NEMO's dates from ``time_centered``, the coordinate the target names, made its time
    dimension; the advised line reduced over ``time_centered`` in the file, where the dimension is ``time_counter``:
    pasted, both forms failed ("'time_centered' not found in array dimensions", "time_centered already exists").
    Now they reduce over ``time_counter``; run as printed, the copies have the land missing and the sea as it was."""
    import os
    import subprocess

    monkeypatch.chdir(tmp_path)
    original = _xios_series()
    (tmp_path / "oras5").mkdir()
    files = [tmp_path / "oras5" / f"oras5_{part}.nc" for part in range(n_files)]
    for part, file in enumerate(files):
        steps = slice(39 // n_files * part, 39 // n_files * (part + 1))
        original.isel(time_counter=steps).to_netcdf(file, encoding={"sosstsst": {"_FillValue": None}})
    opened = open_dataset(files)
    assert constant_cells(opened, "sosstsst").time == "time_centered"  # as climann reads it
    (message,) = _warnings(caplog, opened, "sosstsst", where="oras5")
    command = (message[message.index("mkdir -p "):message.index(" (a copy of each")] if n_files > 1
               else message[message.index("python -c "):])
    assert "time_counter" in command and "time_centered" not in command
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    copies = (sorted((tmp_path / "oras5" / "held_cells_missing").glob("*.nc")) if n_files > 1
              else [tmp_path / "oras5" / "oras5_0_fixed.nc"])
    assert len(copies) == n_files
    fixed, land = open_dataset(copies)["sosstsst"].values, _land()
    assert np.isnan(fixed[:, land]).all()
    np.testing.assert_array_equal(fixed[:, ~land], original["sosstsst"].values[:, ~land])
