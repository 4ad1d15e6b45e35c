"""Land stored as a value, told by the file's land-sea mask (climann/data/land_masks.py)."""

from __future__ import annotations

import logging
from pathlib import Path
import os
import re
import shlex
import shutil
import subprocess

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.land_masks import land_codes, land_stored_as_value, warn_land_stored_as_value
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from tests.fresh_python import run_python, shell_path
from tests.followed_twice import GUARD, run_one_copy, without_guards

N_TIME, N_ETA, N_XI = 40, 5, 6


def _land() -> np.ndarray:
    """11 land cells of 30: the two western columns and one more (a ROMS coast)."""
    land = np.zeros((N_ETA, N_XI), bool)
    land[:, :2] = True
    land[4, 2] = True
    return land


def _roms_like(*, land_value: float | None = 0.0, mask_attrs: dict | None = None, varying_on_land: bool = False,
               dry: bool = False) -> xr.Dataset:
    """A ROMS averages file on a regular grid: ``temp`` of ~18 °C in the water, ``land_value``
    on land (None: missing), ``mask_rho`` 0 on land, 1 in the water."""
    rng = np.random.default_rng(3)
    temp = 18.0 + rng.normal(0.0, 1.0, (N_TIME, N_ETA, N_XI))
    if dry:
        temp[:] = 0.0
    land = _land()
    if not varying_on_land:
        temp[:, land] = np.nan if land_value is None else land_value
    times = [cftime.datetime(2001, 1, 1, 12, calendar="proleptic_gregorian") + np.timedelta64(k, "D").item()
             for k in range(N_TIME)]
    attrs = {"flag_values": np.array([0.0, 1.0]), "flag_meanings": "land water"} if mask_attrs is None else mask_attrs
    return xr.Dataset(
        {"temp": (("ocean_time", "lat", "lon"), temp.astype("f4"), {"units": "Celsius"}),
         "mask_rho": (("lat", "lon"), np.where(land, 0.0, 1.0), {"long_name": "mask on RHO-points", **attrs})},
        coords={"ocean_time": ("ocean_time", times, {"standard_name": "time"}),
                "lat": ("lat", 35.0 + 0.1 * np.arange(N_ETA), {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", -75.0 + 0.1 * np.arange(N_XI), {"units": "degrees_east", "standard_name": "longitude"})},
    )


def _written(tmp_path, dataset: xr.Dataset, name: str = "roms_avg.nc"):
    path = tmp_path / name
    dataset.to_netcdf(path, encoding={"temp": {"_FillValue": None}, "mask_rho": {"_FillValue": None}})
    return path


@pytest.mark.parametrize(
    ("name", "attrs", "values", "expected"),
    [
        pytest.param("mask_rho", {"flag_values": np.array([0.0, 1.0]), "flag_meanings": "land water"}, [0, 1], (0.0,),
                     id="ROMS-flag"),
        pytest.param("mask", {"flag_values": "0, 1", "flag_meanings": "land, water"}, [0, 1], (0.0,),
                     id="SalishSeaCast-text-with-commas"),
        pytest.param("lsm", {"flag_values": np.array([0, 1], "i1"), "flag_meanings": "sea land"}, [0, 1], (1.0,),
                     id="sea-land"),
        pytest.param("mask_rho", {"option_0": "land", "option_1": "water"}, [0, 1], (0.0,), id="ROMS-options"),
        pytest.param("wet", {"long_name": "0 if land, 1 if ocean at tracer points"}, [0, 1], (0.0,), id="MOM-wet"),
        pytest.param("tmask", {"long_name": "ocean grid mask", "comment": "0 = land, 1 = ocean"}, [0, 1], (0.0,),
                     id="CICE-tmask"),
        pytest.param("landmask", {"long_name": "land/ocean mask (0.=ocean and 1.=land)"}, [0, 1], (1.0,),
                     id="CLM-landmask"),
        pytest.param("tmaskutil", {}, [0, 1], (0.0,), id="NEMO-no-attributes"),
        pytest.param("lc", {"flag_values": np.array([1, 2, 3]), "flag_meanings": "forest grass desert"}, [1, 2], None,
                     id="land-cover-classes"),
        pytest.param("mask_rho", {"flag_values": np.array([0.0, 1.0]), "flag_meanings": "land ice"}, [0, 1], None,
                     id="land-without-water"),
        pytest.param("ice", {"long_name": "0 if open, 1 if ice"}, [0, 1], None, id="text-without-land"),
        pytest.param("tmask", {}, [0, 1, 2], None, id="NEMO-name-other-values"),
        pytest.param("other", {}, [0, 1], None, id="no-attributes"),
        pytest.param("LANDMASK", {"description": "LAND MASK (1 FOR LAND, 0 FOR WATER)", "units": ""}, [0, 1], (1.0,),
                     id="WRF-LANDMASK"),
        pytest.param("mask", {"long_name": "ocean mask (1 = ocean)"}, [0, 1], (0.0,), id="ocean-mask-one-code"),
        pytest.param("lsmask", {"long_name": "land-sea mask (1 = land)"}, [0, 1], (1.0,), id="land-code-only"),
        pytest.param("sftlf", {"standard_name": "land_binary_mask"}, [0, 1], (1.0,), id="CF-land-binary-mask"),
        pytest.param("seamask", {"standard_name": "sea_binary_mask", "units": "1"}, [0, 1], (0.0,),
                     id="CF-sea-binary-mask"),
        pytest.param("landmask", {}, [0, 1], None, id="landmask-saying-nothing"),
        pytest.param("mask", {"long_name": "land-sea mask"}, [0, 1], None, id="mask-naming-no-code"),
        pytest.param("mask", {"long_name": "ocean mask (1 = ocean)"}, [0, 1, 2], None, id="one-code-of-three-values"),
        pytest.param("field", {"long_name": "1 = ocean"}, [0, 1], None, id="one-code-of-no-mask"),
    ],
)
def test_land_codes_are_read_from_the_mask_s_attributes(name, attrs, values, expected):
    mask = xr.DataArray(np.array(values, "f8"), dims="x", attrs=attrs)
    found = land_codes(name, mask)
    assert (None if found is None else found.codes) == expected


@pytest.mark.parametrize(
    ("name", "attrs", "values", "land"),
    [
        pytest.param("lsm", {"long_name": "Land-sea mask", "units": "(0 - 1)"}, [0.0, 0.3, 0.5, 0.51, 1.0],
                     [False, False, False, True, True], id="ERA5-lsm"),
        pytest.param("lsm", {"GRIB_paramId": 172}, [0.0, 0.5, 0.9], [False, False, True], id="cfgrib-lsm"),
        pytest.param("frac", {"standard_name": "land_area_fraction", "units": "1"}, [0.0, 0.5, 0.7],
                     [False, False, True], id="CF-fraction"),
        pytest.param("sftlf", {"standard_name": "land_area_fraction", "units": "%"}, [0.0, 30.0, 50.0, 70.0, 100.0],
                     [False, False, False, True, True], id="CMIP-sftlf-percent"),
        pytest.param("sftlf", {"standard_name": "land_area_fraction"}, [0.0, 30.0, 100.0], None,
                     id="fraction-above-1-without-units"),
        pytest.param("lsm", {"long_name": "land sea mask"}, [0.0, 1.0], None, id="lsm-not-ECMWF-s"),
        pytest.param("sftof", {"standard_name": "sea_area_fraction", "units": "%"}, [0.0, 30.0, 50.0, 70.0, 100.0],
                     [True, True, False, False, False], id="CMIP-sftof-percent"),
        pytest.param("seafrac", {"standard_name": "sea_area_fraction", "units": "1"}, [0.0, 0.49, 0.5, 1.0],
                     [True, True, False, False], id="CF-sea-fraction"),
        pytest.param("LANDMASK", {"description": "LAND MASK (1 FOR LAND, 0 FOR WATER)"}, [0.0, 1.0], [False, True],
                     id="WRF"),
    ],
)
def test_land_cells_of_a_land_fraction_are_those_above_one_half(name, attrs, values, land):
    """rerun37 N1: ERA5's lsm ("Land-sea mask", a land fraction) and the other land-sea masks by their own
    conventions; land above 0.5 (ECMWF: 0.5 and below can only be water), 50 in %; a fraction above 1 whose
    units do not say % is no mask read here."""
    found = land_codes(name, xr.DataArray(np.array(values), dims="x", attrs=attrs))
    assert (None if found is None else found.on_land(np.array(values)).tolist()) == land


def test_land_stored_as_zero_is_counted_on_the_mask_s_land_cells(tmp_path):
    dataset = open_dataset([_written(tmp_path, _roms_like())])
    found = land_stored_as_value(dataset, "temp")
    land = _land()
    assert found is not None and found.mask == "mask_rho" and found.value == 0.0
    assert (found.n_held, found.n_land) == (int(land.sum()), 11)
    assert found.n_steps == 24  # of the 40 daily steps


@pytest.mark.parametrize(
    "dataset",
    [
        pytest.param(_roms_like(land_value=None), id="land-already-missing"),
        pytest.param(_roms_like(varying_on_land=True), id="a-field-defined-over-land"),
        pytest.param(_roms_like(dry=True), id="one-value-everywhere"),
        pytest.param(_roms_like(mask_attrs={"flag_values": np.array([0.0, 1.0]), "flag_meanings": "outside inside"}),
                     id="a-mask-of-another-meaning"),
    ],
)
def test_no_stored_land_is_found_where_the_mask_does_not_show_it(tmp_path, dataset):
    assert land_stored_as_value(open_dataset([_written(tmp_path, dataset)]), "temp") is None


def test_land_holding_the_value_on_too_few_of_its_cells_is_not_stored_land(tmp_path):
    """Nearly all (90 %) of the land cells must hold it: 9 of 11 is not."""
    dataset = _roms_like()
    dataset["temp"][:, 0, :2] = np.float32(5.0) + np.arange(N_TIME, dtype="f4")[:, None]  # 2 land cells vary
    assert land_stored_as_value(open_dataset([_written(tmp_path, dataset)]), "temp") is None
    dataset["temp"][:, 0, 1] = np.float32(0.0)  # 10 of 11
    found = land_stored_as_value(open_dataset([_written(tmp_path, dataset, "b.nc")]), "temp")
    assert found is not None and (found.n_held, found.n_land) == (10, 11)


def test_a_mask_that_varies_in_time_is_no_land_sea_mask(tmp_path):
    """ROMS's wet/dry mask (rmask_wet) changes with the tide: not where land is. (Its fixture was the
    static mask repeated at every step, which fix38c reads as a mask, as ERA5's lsm on the time axis;
    here three tidal-flat cells dry at every other step.)"""
    dataset = _roms_like()
    wet_dry = dataset["mask_rho"].expand_dims(ocean_time=dataset["ocean_time"]).copy()
    wet_dry[1::2, 2, 3:6] = 0.0
    dataset["mask_rho"] = wet_dry
    assert land_stored_as_value(open_dataset([_written(tmp_path, dataset)]), "temp") is None


def _warnings(caplog, dataset, **where):
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_land_stored_as_value(dataset, "temp", **({"where": "roms_avg.nc"} | where))
    return [record.getMessage() for record in caplog.records]


def test_the_warning_names_the_mask_the_cells_the_value_and_the_command(tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (message,) = _warnings(caplog, open_dataset([_written(tmp_path, _roms_like())]))
    assert without_guards(message) == (
        "'temp' in roms_avg.nc holds 0 at every step checked (24) on 11 of the 11 cells that 'mask_rho' calls land "
        "(flag_meanings 'land water'): land stored as a value, trained on and scored as data; climann does not mask "
        "it on its own (nothing ties the mask to 'temp'); to set those cells missing: mkdir -p land_masked && ncap2 -s "
        "'temp=temp;temp.set_miss(9.96921e+36f);where(mask_rho==0) temp=temp.get_miss();' roms_avg.nc "
        "land_masked/roms_avg.nc (its copy in a new folder), then give --data land_masked/roms_avg.nc in place of "
        "roms_avg.nc")  # fix54b: the copy in a new folder (roms_avg_fixed.nc beside it, taken with it by a glob)
    assert _warnings(caplog, open_dataset([_written(tmp_path, _roms_like(land_value=None), "masked.nc")])) == []


def test_a_target_with_a_fill_value_is_given_no_new_one(tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dataset = _roms_like()
    path = tmp_path / "filled.nc"
    dataset.to_netcdf(path, encoding={"temp": {"_FillValue": np.float32(1e37)}, "mask_rho": {"_FillValue": None}})
    (message,) = _warnings(caplog, open_dataset([path]))
    assert without_guards(message).endswith(
        "mkdir -p land_masked && ncap2 -s 'where(mask_rho==0) temp=temp.get_miss();' filled.nc land_masked/filled.nc "
        "(its copy in a new folder), then give --data land_masked/filled.nc in place of filled.nc")


def test_a_series_file_without_a_fill_value_gets_its_own_command(tmp_path, caplog, monkeypatch):
    """encodfix: xarray keeps the first file's encoding; the command was built from it alone, so a later file
    without a _FillValue was given none (NCO's get_miss then has no missing value to write). fix38d: each
    group's command is a loop writing copies into one new folder (it was `IN.nc OUT.nc`); both run as
    printed mask every file's land."""
    monkeypatch.chdir(tmp_path)
    dataset, files = _roms_like(), []
    for number, (start, stop) in enumerate(((0, 14), (14, 28), (28, N_TIME))):
        files.append(tmp_path / f"roms_avg_{number}.nc")
        fill = None if number == 1 else np.float32(1e37)
        dataset.isel(ocean_time=slice(start, stop)).to_netcdf(
            files[-1], encoding={"temp": {"_FillValue": fill}, "mask_rho": {"_FillValue": None}})
    (message,) = _warnings(caplog, open_dataset(files))
    data = "then give --data 'land_masked/*.nc' in place of the originals"
    assert without_guards(message).endswith(
        "to set those cells missing: for roms_avg_0.nc, roms_avg_2.nc: mkdir -p land_masked && ( for f in "
        "roms_avg_0.nc roms_avg_2.nc; do ncap2 -s 'where(mask_rho==0) temp=temp.get_miss();' \"$f\" "
        f"land_masked/\"${{f##*/}}\" || exit 1; done ) (a copy of each of its 2 files in a new folder), {data}; for roms_avg_1.nc: "
        "mkdir -p land_masked && ncap2 -s 'temp=temp;temp.set_miss(9.96921e+36f);where(mask_rho==0) "
        "temp=temp.get_miss();' roms_avg_1.nc land_masked/roms_avg_1.nc (its copy in a new folder, with the other "
        f"files' copies), {data}")  # fix54b: its one file's command, not a loop over it alone
    if shutil.which("ncap2") is None:
        return
    lines = re.findall(rf"({GUARD}mkdir -p land_masked && .*?) \((?:its copy|a copy)", message)
    assert len(lines) == 2, message
    for line in lines:  # both, as printed, guards and all
        _bash(line, tmp_path)
    fixed = open_dataset(sorted((tmp_path / "land_masked").glob("*.nc")))
    assert np.isnan(fixed["temp"].values[:, _land()]).all()
    np.testing.assert_array_equal(fixed["temp"].values[:, ~_land()], dataset["temp"].values[:, ~_land()])


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO's ncap2 is not installed")
def test_the_command_given_sets_the_land_cells_missing_and_nothing_else(tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    original = _roms_like()
    (message,) = _warnings(caplog, open_dataset([_written(tmp_path, original)]))
    followed = run_one_copy(message, tmp_path)  # as printed, its guard too (fix54b: the copy in a new folder)
    assert (followed["copy"], followed["original"]) == ("land_masked/roms_avg.nc", "roms_avg.nc")
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["roms_avg.nc"]
    fixed = open_dataset([tmp_path / followed["copy"]])
    temp, land = fixed["temp"].values, _land()
    assert np.isnan(temp[:, land]).all()
    np.testing.assert_array_equal(temp[:, ~land], original["temp"].values[:, ~land])
    assert _warnings(caplog, fixed) == []


def test_a_mask_in_a_grid_file_gets_the_xarray_line_that_reads_both(tmp_path, caplog, monkeypatch):
    """ROMS keeps mask_rho in its grid file: ncap2 reads one file, so the command is xarray's."""
    monkeypatch.chdir(tmp_path)
    original = _roms_like()
    original[["temp"]].to_netcdf(tmp_path / "roms_his.nc", encoding={"temp": {"_FillValue": None}})
    original[["mask_rho"]].to_netcdf(tmp_path / "roms_grd.nc")
    (message,) = _warnings(caplog, open_dataset([tmp_path / "roms_his.nc", tmp_path / "roms_grd.nc"]))
    words = shlex.split(message[message.index("python -c "):].partition(" (its copy in a new folder)")[0])
    script = words[2]
    assert script.startswith("import sys, xarray as xr; d = xr.open_dataset(sys.argv[1]); m = "
                             "xr.open_dataset(\"roms_grd.nc\")[\"mask_rho\"]; "
                             "d[\"temp\"] = d[\"temp\"].where(~m.isin([0.0])); ")
    assert script.endswith('d.to_netcdf(p);os.replace(p,sys.argv[2])')  # written whole (fix45m)
    assert words[3:] == ["roms_his.nc", "land_masked/roms_his.nc"]  # in a new folder (fix55a: roms_his_fixed.nc)
    temp, land = open_dataset([_run_printed(message, tmp_path)])["temp"].values, _land()
    assert np.isnan(temp[:, land]).all()
    np.testing.assert_array_equal(temp[:, ~land], original["temp"].values[:, ~land])


def test_the_xarray_line_of_a_mask_in_a_grid_file_writes_its_copy_whole_or_not_at_all(tmp_path, caplog,
                                                                                         monkeypatch):
    """fix45m: the line wrote roms_his_fixed.nc itself, and a write that failed half-way (xarray refusing salt's
    conflicting _FillValue NaN and missing_value -999 once the file was begun) left a 239-byte roms_his_fixed.nc
    that a glob then took as data. Now it writes roms_his_fixed.nc.part, renamed when whole: nothing is left."""
    monkeypatch.chdir(tmp_path)
    original = _roms_like()
    salt = original["temp"].copy(data=np.where(_land(), np.nan, 35.0) + 0 * original["temp"].values)
    original.assign(salt=salt)[["temp", "salt"]].to_netcdf(tmp_path / "roms_his.nc",
                                                         encoding={"temp": {"_FillValue": None}})
    subprocess.run(["ncatted", "-O", "-a", "missing_value,salt,o,f,-999", "roms_his.nc"], check=True)
    original[["mask_rho"]].to_netcdf(tmp_path / "roms_grd.nc")
    (message,) = _warnings(caplog, open_dataset([tmp_path / "roms_his.nc", tmp_path / "roms_grd.nc"]))
    command = message[message.index(f"mkdir -p land_masked && {shell.advised_python()} -c "):].partition(
        " (its copy in a new folder)")[0]
    # since fix47e the line writes that copy (salt's missing_value left to _FillValue); its failure is now made
    # at the end, a folder of the copy's name in the way of the rename: the whole .part is removed
    (tmp_path / "land_masked" / "roms_his.nc").mkdir(parents=True)
    (tmp_path / "land_masked" / "roms_his.nc" / "kept").write_text("")
    failed = subprocess.run(command, shell=True, capture_output=True, text=True,
                            env={**os.environ, "PATH": shell_path()})
    assert failed.returncode != 0 and "land_masked/roms_his.nc" in failed.stderr
    assert sorted(os.listdir(tmp_path)) == ["land_masked", "roms_grd.nc", "roms_his.nc"]
    assert os.listdir(tmp_path / "land_masked") == ["roms_his.nc"]
    assert os.listdir(tmp_path / "land_masked" / "roms_his.nc") == ["kept"]


@pytest.mark.parametrize("grid", ["roms_grd.nc", "roms_grd.zarr"])
def test_a_stores_mask_in_a_grid_file_gets_an_xarray_line_that_writes_a_store(tmp_path, caplog, monkeypatch, grid):
    """fix32d: a store whose mask is in a grid file (or store) was given a `python -c` that read the store with
    open_dataset and wrote roms_his_fixed.nc; now the line writes a copy of the store beside it, and run as
    printed its land cells are missing at every step, its water cells as they were."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    original = _roms_like()
    original[["temp"]].to_zarr(tmp_path / "roms_his.zarr")
    mask = original[["mask_rho"]]
    mask.to_zarr(tmp_path / grid) if grid.endswith(".zarr") else mask.to_netcdf(tmp_path / grid)
    (message,) = _warnings(caplog, open_dataset([tmp_path / "roms_his.zarr", tmp_path / grid]),
                           where="roms_his.zarr")
    assert "to_netcdf" not in message and "ncap2" not in message
    command = shlex.split(re.search(r'python -c "[^"]+"', message).group(0))
    run_python("-c", command[2], check=True, cwd=tmp_path)
    fixed = open_dataset([tmp_path / "roms_his_fixed.zarr"])
    assert np.isnan(fixed["temp"].values[:, _land()]).all()
    np.testing.assert_array_equal(fixed["temp"].values[:, ~_land()], original["temp"].values[:, ~_land()])


def test_the_command_for_a_zarr_store_run_as_printed_writes_a_copy_whose_land_is_missing(tmp_path, caplog,
                                                                                           monkeypatch):
    """fix31a: a store's land was advised `ncap2 … roms.zarr roms_fixed.nc`, which NCO cannot read; the advice is
    one xarray line, and run as printed it writes a copy of the store whose land cells are missing at every step,
    its water cells as they were, in which no land stored as a value is found."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    dataset = _roms_like()
    dataset.to_zarr("roms.zarr")
    (message,) = _warnings(caplog, open_dataset([tmp_path / "roms.zarr"]), where="roms.zarr")
    assert "ncap2" not in message
    command = shlex.split(re.search(r'python -c "[^"]+"', message).group(0))
    run_python("-c", command[2], check=True, cwd=tmp_path)
    fixed = open_dataset([tmp_path / "roms_fixed.zarr"])
    assert np.isnan(fixed["temp"].values[:, _land()]).all()
    np.testing.assert_array_equal(fixed["temp"].values[:, ~_land()], dataset["temp"].values[:, ~_land()])
    assert land_stored_as_value(fixed, "temp") is None


def _nemo_like(*, ssh_on_land: bool = False) -> xr.Dataset:
    """A NEMO ``grid_T`` monthly file as ORAS5 writes it: ``sosstsst`` in degC with ``missing_value =
    1e20`` only and 0.0 on land at every step, ``sossheig`` missing there; ``nav_lat``/``nav_lon``
    (y, x) the grid's positions; ``ssh_on_land``: ``sossheig`` is given on land too."""
    rng = np.random.default_rng(37)
    land = _land()
    sst = 15.0 + rng.normal(0.0, 1.0, (N_TIME, N_ETA, N_XI))
    sst[:, land] = 0.0
    ssh = rng.normal(0.0, 0.1, (N_TIME, N_ETA, N_XI))
    if not ssh_on_land:
        ssh[:, land] = np.nan
    times = [cftime.datetime(1990 + k // 12, k % 12 + 1, 15, calendar="gregorian") for k in range(N_TIME)]
    lat, lon = np.meshgrid(-10.0 + np.arange(N_ETA), 100.0 + np.arange(N_XI), indexing="ij")
    return xr.Dataset(
        {"sosstsst": (("time_counter", "y", "x"), sst.astype("f4"), {"units": "degC", "missing_value": np.float32(1e20)}),
         "sossheig": (("time_counter", "y", "x"), ssh.astype("f4"), {"units": "m", "missing_value": np.float32(1e20)})},
        coords={"time_counter": ("time_counter", times, {"standard_name": "time"}),
                "nav_lat": (("y", "x"), lat, {"standard_name": "latitude", "units": "degrees_north"}),
                "nav_lon": (("y", "x"), lon, {"standard_name": "longitude", "units": "degrees_east"})},
    )


def _nemo_written(path, dataset: xr.Dataset) -> None:
    """Written as NEMO's XIOS does: no _FillValue, 1e20 in the missing cells (``missing_value``)."""
    stored = dataset.copy()
    for name in ("sosstsst", "sossheig"):
        stored[name] = stored[name].fillna(np.float32(1e20))
        stored[name].attrs["missing_value"] = np.float32(1e20)
    stored.to_netcdf(path, encoding={name: {"_FillValue": None} for name in ("sosstsst", "sossheig")})


def _mesh_mask(path) -> None:
    """NEMO's mesh_mask.nc: ``tmask(t, z, y, x)`` without attributes, 0 on land at every level
    (one more land cell at the deepest, the sea floor), 1 in the sea; ``e1t``, ``e2t`` (t, y, x)."""
    tmask = np.broadcast_to(~_land(), (1, 3, N_ETA, N_XI)).astype("i1").copy()
    tmask[0, 2, 3, 4] = 0  # the bottom: land at the deepest level only
    lat, lon = np.meshgrid(-10.0 + np.arange(N_ETA), 100.0 + np.arange(N_XI), indexing="ij")
    xr.Dataset({"tmask": (("t", "z", "y", "x"), tmask),
                "e1t": (("t", "y", "x"), np.full((1, N_ETA, N_XI), 1.1e5)),
                "e2t": (("t", "y", "x"), np.full((1, N_ETA, N_XI), 1.1e5))},
               coords={"nav_lat": (("y", "x"), lat, {"standard_name": "latitude", "units": "degrees_north"}),
                       "nav_lon": (("y", "x"), lon, {"standard_name": "longitude", "units": "degrees_east"})},
               ).to_netcdf(path)


def _run_printed(message: str, tmp_path) -> Path:
    """Run the `python -c` line a warning ends with, as printed (its mkdir too), by bash in ``tmp_path``: the copy it
    writes, in its new folder land_masked/ under the file's name; nothing written beside the file (fix55a: X_fixed.nc
    there was taken with X.nc by a glob over their folder, and the run refused the two files of one variable)."""
    before = sorted(path.name for path in tmp_path.iterdir())
    followed = run_one_copy(message, tmp_path, env={**os.environ, "PATH": shell_path()})  # the printed `python`
    assert followed["folder"] == "land_masked" and "python -c " in followed["command"]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*before, "land_masked"])
    return tmp_path / followed["copy"]


def _land_set_missing(path, original: xr.Dataset) -> None:
    """``sosstsst`` of ``path`` missing on every land cell at every step, its sea as in ``original``."""
    fixed, land = open_dataset([path])["sosstsst"].values, _land()
    assert fixed.shape == original["sosstsst"].shape
    assert np.isnan(fixed[:, land]).all()
    np.testing.assert_array_equal(fixed[:, ~land], original["sosstsst"].values[:, ~land])


def test_a_nemo_mesh_mask_beside_the_output_says_where_its_land_stored_as_zero_is(tmp_path, caplog, monkeypatch):
    """break37a A1: ORAS5's sosstsst holds 0.0 on land; the mesh_mask.nc given beside it (tmask(t, z, y, x), 0 on
    land) was left out of a run that names only sosstsst, and its tmask on three levels was no mask of the
    target's grid: the land was trained on and scored as 0 °C sea without a word (test RMSE 7.757 against 4.430
    over the sea). Now the file is kept for its mask, tmask read at the surface, and the warning's line, run as
    printed, sets the land missing and leaves the sea as it was."""
    monkeypatch.chdir(tmp_path)
    original = _nemo_like(ssh_on_land=True)  # no other variable says where the land is: the mask alone does
    _nemo_written(tmp_path / "oras5.nc", original)
    _mesh_mask(tmp_path / "mesh_mask.nc")
    dataset = open_dataset([tmp_path / "oras5.nc", tmp_path / "mesh_mask.nc"], variables=["sosstsst"])  # as a run
    (message,) = _warnings_of(caplog, dataset, "sosstsst", where="oras5.nc")
    assert message.startswith("'sosstsst' in oras5.nc holds 0 at every step checked (24) on 11 of the 11 cells that "
                              "'tmask' calls land (NEMO's land-sea mask, 0 on land): land stored as a value")
    _land_set_missing(_run_printed(message, tmp_path), original)


def test_land_stored_where_the_file_s_other_variables_are_missing_is_warned_with_a_line_that_masks_it(
        tmp_path, caplog, monkeypatch):
    """break37a A1 without a mask: sossheig of the same file and grid is missing on exactly the cells where sosstsst
    holds 0.0 at every step, which nothing said. The warning names that variable and the value, and its line, run
    as printed, sets those cells missing; where sossheig is given on land too, nothing says land and none is
    warned about."""
    monkeypatch.chdir(tmp_path)
    original = _nemo_like()
    _nemo_written(tmp_path / "oras5.nc", original)
    found = land_stored_as_value(open_dataset([tmp_path / "oras5.nc"]), "sosstsst")
    assert found is not None and (found.mask, found.value, found.n_held, found.n_land) == ("sossheig", 0.0, 11, 11)
    (message,) = _warnings_of(caplog, open_dataset([tmp_path / "oras5.nc"]), "sosstsst", where="oras5.nc")
    assert message.startswith(
        "'sosstsst' in oras5.nc holds 0 at every step checked (24) on 11 of the 11 cells where 'sossheig' (same "
        "grid) is missing at every step checked, as an ocean model leaves land: land stored as a value, trained on "
        "and scored as data")
    copy = _run_printed(message, tmp_path)
    _land_set_missing(copy, original)
    assert land_stored_as_value(open_dataset([copy]), "sosstsst") is None
    _nemo_written(tmp_path / "everywhere.nc", _nemo_like(ssh_on_land=True))
    assert land_stored_as_value(open_dataset([tmp_path / "everywhere.nc"]), "sosstsst") is None


def test_a_field_of_one_value_per_cell_beside_a_variable_missing_somewhere_is_no_land_stored(tmp_path):
    """Land-cover classes (or any field that holds one value at every step on most cells) beside a variable
    missing on some cells: the classes' 1 on those cells is no land stored as a value, since the field is as
    constant where that variable has values (the whole-suite run of this round warned so on a flag target,
    before its own refusal). The ORAS5 case differs in that the target changes in time over the sea."""
    original = _nemo_like()
    classes = (np.arange(N_ETA * N_XI) % 3 + 1).reshape(N_ETA, N_XI).astype("f4")
    classes[_land()] = 1.0  # the cells where sossheig is missing hold one class, as the ORAS5 land holds 0.0
    original["sosstsst"] = original["sosstsst"].copy(data=np.broadcast_to(classes, original["sosstsst"].shape))
    _nemo_written(tmp_path / "classes.nc", original)
    assert land_stored_as_value(open_dataset([tmp_path / "classes.nc"]), "sosstsst") is None


def _warnings_of(caplog, dataset, target: str, *, where: str) -> list[str]:
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_land_stored_as_value(dataset, target, where=where)
    return [record.getMessage() for record in caplog.records]


def _mask_file(path, name: str, values: np.ndarray, attrs: dict) -> None:
    """A mask file beside an ORAS5 file: ``name`` (y, x) with nav_lat/nav_lon, as rerun37's gen_v4b.py writes it."""
    lat, lon = np.meshgrid(-10.0 + np.arange(N_ETA), 100.0 + np.arange(N_XI), indexing="ij")
    xr.Dataset({name: (("y", "x"), values, attrs)},
               coords={"nav_lat": (("y", "x"), lat, {"standard_name": "latitude", "units": "degrees_north"}),
                       "nav_lon": (("y", "x"), lon, {"standard_name": "longitude", "units": "degrees_east"})},
               ).to_netcdf(path)


def _era5_fraction() -> np.ndarray:
    """ERA5's lsm on the grid: 0.8 to 1 on land, 0 at sea but 0.5 and 0.2 on two coastal sea cells (water: 0.5
    and below)."""
    fraction = np.where(_land(), 0.8 + 0.2 * (np.arange(N_ETA * N_XI).reshape(N_ETA, N_XI) % 2), 0.0)
    fraction[0, 2], fraction[1, 2] = 0.5, 0.2
    return fraction.astype("f4")


@pytest.mark.parametrize(
    ("name", "values", "attrs", "said"),
    [
        pytest.param("mask", (~_land()).astype("i1"), {"long_name": "ocean mask (1 = ocean)"},
                     "long_name 'ocean mask (1 = ocean)', the other of its two values land", id="mask-1-ocean"),
        pytest.param("LANDMASK", _land().astype("f4"), {"description": "LAND MASK (1 FOR LAND, 0 FOR WATER)",
                                                        "units": ""},
                     "description 'LAND MASK (1 FOR LAND, 0 FOR WATER)'", id="WRF-LANDMASK"),
        pytest.param("lsm", _era5_fraction(), {"long_name": "Land-sea mask", "units": "(0 - 1)"},
                     "ECMWF's land-sea mask 'lsm', a land fraction, land above 0.5", id="ERA5-lsm"),
        pytest.param("landfrac", _land().astype("f4"), {"standard_name": "land_binary_mask", "units": "1"},
                     "standard_name 'land_binary_mask', 1 on land", id="CF-land-binary-mask"),
        pytest.param("seamask", (~_land()).astype("i1"), {"standard_name": "sea_binary_mask"},
                     "standard_name 'sea_binary_mask', 1 on sea, 0 on land", id="CF-sea-binary-mask"),
        pytest.param("sftof", (100.0 - 100.0 * _era5_fraction()).astype("f4"),
                     {"standard_name": "sea_area_fraction", "units": "%"},
                     "standard_name 'sea_area_fraction', land below 50 %", id="CMIP-sftof"),
    ],
)
def test_a_land_sea_mask_of_another_spelling_beside_nemo_output_says_where_its_land_stored_as_zero_is(
        tmp_path, caplog, monkeypatch, name, values, attrs, said):
    """rerun37 N1: ORAS5's sosstsst alone (land 0.0, no other variable) given with a mask file named otherwise than
    NEMO's tmask (`mask` "ocean mask (1 = ocean)", WRF's LANDMASK, ERA5's lsm "(0 - 1)") trained with exit 0 and no
    warning, the mask the only predictor and the land zeros scored (climatology RMSE 0.5038 against 0.5586 over the
    ocean). Now the warning names the mask and what says which value is land, and its line, run as printed, sets
    the land missing and leaves the sea (ERA5's coastal 0.5 and 0.2 too) as it was."""
    monkeypatch.chdir(tmp_path)
    original = _nemo_like().drop_vars("sossheig")
    original.to_netcdf(tmp_path / "oras5.nc", encoding={"sosstsst": {"_FillValue": None}})
    _mask_file(tmp_path / "mask.nc", name, values, attrs)
    dataset = open_dataset([tmp_path / "oras5.nc", tmp_path / "mask.nc"])
    (message,) = _warnings_of(caplog, dataset, "sosstsst", where="oras5.nc")
    assert message.startswith(f"'sosstsst' in oras5.nc holds 0 at every step checked (24) on 11 of the 11 cells that "
                              f"'{name}' calls land ({said}): land stored as a value")
    _land_set_missing(_run_printed(message, tmp_path), original)


def test_a_land_sea_mask_that_does_not_say_which_value_is_land_is_read_by_the_target_s_values(
        tmp_path, caplog, monkeypatch):
    """rerun37 N1: a `landmask` without attributes says it is a land-sea mask by its name, not which value is
    land (NEMO's tmask is 1 at sea, WRF's LANDMASK 1 on land): no side is guessed. The ORAS5 target holds 0.0 at
    every step on the cells where it is 1 only: the warning names those cells by the mask's value and says the
    file does not say it is land; its line, run as printed, sets them missing. Where the target holds no one
    value on either side, nothing is found."""
    monkeypatch.chdir(tmp_path)
    original = _nemo_like().drop_vars("sossheig")
    original.to_netcdf(tmp_path / "oras5.nc", encoding={"sosstsst": {"_FillValue": None}})
    _mask_file(tmp_path / "mask.nc", "landmask", _land().astype("i1"), {})
    assert land_codes("landmask", open_dataset([tmp_path / "mask.nc"])["landmask"]) is None
    (message,) = _warnings_of(caplog, open_dataset([tmp_path / "oras5.nc", tmp_path / "mask.nc"]), "sosstsst",
                              where="oras5.nc")
    assert message.startswith(
        "'sosstsst' in oras5.nc holds 0 at every step checked (24) on 11 of the 11 cells where 'landmask' is 1 (a "
        "land-sea mask by its name that does not say which of its two values is land; the target holds one value on "
        "the cells of this one only): land stored as a value")
    _land_set_missing(_run_printed(message, tmp_path), original)
    varying = _nemo_like(ssh_on_land=True).drop_vars("sossheig")
    sst = varying["sosstsst"].values.copy()
    sst[:, _land()] = np.float32(2.0) + np.arange(N_TIME, dtype="f4")[:, None]
    varying["sosstsst"] = varying["sosstsst"].copy(data=sst)
    varying.to_netcdf(tmp_path / "varying.nc")
    assert land_stored_as_value(open_dataset([tmp_path / "varying.nc", tmp_path / "mask.nc"]), "sosstsst") is None


def _era5_on_time_axis(tmp_path, *, one_file: bool) -> xr.Dataset:
    """An ERA5 download as the CDS writes a field and its land-sea mask together: ``sst`` (here in degC, land
    stored as 0.0) and ``lsm`` "Land-sea mask" in "(0 - 1)", both (time, latitude, longitude), lsm the same map
    at every step; in era5.nc, or sst in era5_sst.nc and lsm in era5_lsm.nc."""
    rng = np.random.default_rng(38)
    sst = 12.0 + rng.normal(0.0, 1.0, (N_TIME, N_ETA, N_XI))
    sst[:, _land()] = 0.0
    times = [cftime.datetime(1990 + k // 12, k % 12 + 1, 1, calendar="proleptic_gregorian") for k in range(N_TIME)]
    dataset = xr.Dataset(
        {"sst": (("time", "latitude", "longitude"), sst.astype("f4"), {"units": "degC"}),
         "lsm": (("time", "latitude", "longitude"), np.broadcast_to(_era5_fraction(), (N_TIME, N_ETA, N_XI)),
                 {"long_name": "Land-sea mask", "units": "(0 - 1)"})},
        coords={"time": ("time", times, {"standard_name": "time"}),
                "latitude": ("latitude", 50.0 - np.arange(N_ETA), {"units": "degrees_north"}),
                "longitude": ("longitude", np.arange(N_XI, dtype=float), {"units": "degrees_east"})})
    encoding = {"sst": {"_FillValue": None}}
    if one_file:
        dataset.to_netcdf(tmp_path / "era5.nc", encoding=encoding)
    else:
        dataset[["sst"]].to_netcdf(tmp_path / "era5_sst.nc", encoding=encoding)
        dataset[["lsm"]].to_netcdf(tmp_path / "era5_lsm.nc")
    return dataset


def _era5_land_set_missing(path, original: xr.Dataset) -> None:
    """``sst`` of ``path`` missing where lsm > 0.5 at every step, the rest (the coastal 0.5 and 0.2 too) as it was."""
    fixed, land = open_dataset([path])["sst"].values, _era5_fraction() > 0.5
    assert fixed.shape == original["sst"].shape and np.array_equal(land, _land())
    assert np.isnan(fixed[:, land]).all()
    np.testing.assert_array_equal(fixed[:, ~land], original["sst"].values[:, ~land])


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO's ncap2 is not installed")
def test_era5_s_land_sea_mask_on_the_target_s_time_axis_is_read_as_a_mask(tmp_path, caplog, monkeypatch):
    """fix38c: ERA5's lsm written at every step beside sst, (time, latitude, longitude) as the target, was no mask
    of the target's grid (taken for a wet/dry mask that changes in time): the land stored as 0.0 was not found by
    it, and lsm was a default predictor that told the network where that land is. Now the mask, the same map at
    every step checked, is read at its first step: the warning names it, and its ncap2, run as printed, sets the
    11 land cells (lsm > 0.5) missing at every step and leaves the sea as it was."""
    monkeypatch.chdir(tmp_path)
    original = _era5_on_time_axis(tmp_path, one_file=True)
    found = land_stored_as_value(open_dataset([tmp_path / "era5.nc"]), "sst")
    assert found is not None and (found.mask, found.value, found.n_held, found.n_land, found.time) == (
        "lsm", 0.0, 11, 11, "time")
    (message,) = _warnings_of(caplog, open_dataset([tmp_path / "era5.nc"]), "sst", where="era5.nc")
    assert message.startswith("'sst' in era5.nc holds 0 at every step checked (24) on 11 of the 11 cells that 'lsm' "
                              "calls land (ECMWF's land-sea mask 'lsm', a land fraction, land above 0.5)")
    command = without_guards(message)[without_guards(message).index("mkdir "):]
    assert command == ("mkdir -p land_masked && ncap2 -s 'sst=sst;sst.set_miss(9.96921e+36f);where(lsm>0.5) "
                       "sst=sst.get_miss();' era5.nc land_masked/era5.nc (its copy in a new folder), then give --data "
                       "land_masked/era5.nc in place of era5.nc")
    followed = run_one_copy(message, tmp_path)
    _era5_land_set_missing(tmp_path / followed["copy"], original)


def test_era5_s_land_sea_mask_on_the_time_axis_in_its_own_file_is_kept_and_read(tmp_path, caplog, monkeypatch):
    """fix38c: the lsm of its own file on the target's time axis is kept for a run that names only sst (it was left
    out as a time-varying field) and read as the mask; the warning's xarray line takes its first step, and run as
    printed sets the land missing, the sea as it was."""
    monkeypatch.chdir(tmp_path)
    original = _era5_on_time_axis(tmp_path, one_file=False)
    dataset = open_dataset([tmp_path / "era5_sst.nc", tmp_path / "era5_lsm.nc"], variables=["sst"])  # as a run
    (message,) = _warnings_of(caplog, dataset, "sst", where="era5_sst.nc")
    assert "on 11 of the 11 cells that 'lsm' calls land" in message
    assert "m = m.isel({k: 0 for k in m.dims if k not in d[\"sst\"].dims or k == \"time\"}, drop=True)" in message
    _era5_land_set_missing(_run_printed(message, tmp_path), original)


def test_a_land_sea_mask_that_changes_in_time_is_still_no_mask(tmp_path):
    """fix38c reads a mask on the target's time axis only when it is the same at every step checked: ERA5's lsm
    repeated is found; the same with one coastal cell flooded at one step (a wet/dry mask) is not."""
    original = _era5_on_time_axis(tmp_path, one_file=True)
    assert land_stored_as_value(open_dataset([tmp_path / "era5.nc"]), "sst") is not None
    lsm = original["lsm"].values.copy()
    lsm[N_TIME - 1, 4, 2] = 0.0
    original.assign(lsm=original["lsm"].copy(data=lsm)).to_netcdf(tmp_path / "wet_dry.nc")
    assert land_stored_as_value(open_dataset([tmp_path / "wet_dry.nc"]), "sst") is None


def _bash(command: str, cwd) -> None:
    """Run a printed line as a shell runs it, with this interpreter as its ``python``."""
    import os

    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", command], check=True, cwd=cwd, capture_output=True, env={**os.environ, "PATH": path})


def _oras5_folder(folder, *, mask: bool) -> list[xr.Dataset]:
    """Three ORAS5-like files of 40 months each (oras5/oras5_0.nc …): sosstsst 0.0 on land; the land
    told by sossheig missing there, or by a ``tmask`` (0 on land) in each file."""
    folder.mkdir()
    parts = []
    for number in range(3):
        part = _nemo_like(ssh_on_land=mask)
        part = part.assign_coords(time_counter=[cftime.datetime(1990 + 4 * number + k // 12, k % 12 + 1, 15,
                                                                calendar="gregorian") for k in range(N_TIME)])
        if mask:
            part["tmask"] = (("y", "x"), (~_land()).astype("i1"))
        _nemo_written(folder / f"oras5_{number}.nc", part)
        parts.append(part)
    return parts


@pytest.mark.parametrize("mask", [pytest.param(False, id="land-where-sossheig-is-missing-xarray"),
                                  pytest.param(True, id="tmask-in-each-file-ncap2")])
def test_a_folder_s_land_line_run_as_printed_masks_a_copy_of_every_file_and_the_copies_train(
        tmp_path, caplog, monkeypatch, mask):
    """fix38d: for a target read from a folder of files the land line was one file's (`xarray … IN.nc OUT.nc`,
    `ncap2 … IN.nc OUT.nc`): no file to run it on, 72 times by hand. Now one loop writes a copy of each file
    into a new folder and says the --data that takes them; run as printed, every copy's land is missing and
    its sea as it was, the originals untouched, and a run on the new folder trains with no word of land."""
    if mask and shutil.which("ncap2") is None:
        pytest.skip("NCO's ncap2 is not installed")
    from climann.data.open import expand_paths
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    monkeypatch.chdir(tmp_path)
    parts = _oras5_folder(tmp_path / "oras5", mask=mask)
    (message,) = _warnings_of(caplog, open_dataset(expand_paths(["oras5"])), "sosstsst", where="oras5")
    line = message.partition("to set those cells missing: ")[2]
    command, _, rest = line.partition(" (a copy of each of its 3 files in a new folder)")
    assert without_guards(command).startswith("mkdir -p oras5/land_masked && ( for f in oras5/*.nc; do ")
    assert rest == ", then give --data 'oras5/land_masked/*.nc' in place of the originals"
    _bash(command, tmp_path)
    for number, part in enumerate(parts):
        _land_set_missing(tmp_path / "oras5" / "land_masked" / f"oras5_{number}.nc", part)
        assert (open_dataset([tmp_path / "oras5" / f"oras5_{number}.nc"])["sosstsst"].values[:, _land()] == 0).all()
    copies = open_dataset(expand_paths(["oras5/land_masked/*.nc"]))
    assert _warnings_of(caplog, copies, "sosstsst", where="oras5/land_masked") == []
    config = build_config({"data": {"paths": ["oras5/land_masked/*.nc"], "target": "sosstsst", "predictors": []},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    assert not [record for record in caplog.records if "land stored as a value" in record.getMessage()]
    assert (run_dir / "metrics.json").is_file()
