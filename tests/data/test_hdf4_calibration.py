"""HDF4 calibration attributes beside a scale_factor (break33a A6: MOD13's scale_factor = 10000 means / 10000)."""

import glob
import os
import re
import shlex
import subprocess

import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError
from climann.data.shell import files_given

#: The HDF4 SDS calibration attributes as MOD13 carries them (pyhdf and gdal_translate keep them).
MOD13 = {"scale_factor_err": 0.0, "add_offset_err": 0.0, "calibrated_nt": np.int32(5)}


def _mod13(path, *, scale_factor=10000.0, calibration=MOD13, conventions="CF-1.6", add_offset=0.0, units=None,
           valid_range=(-2000, 10000), seed=1):
    """MOD13-like monthly NDVI and EVI (int16, fill -3000, valid_range -2000…10000) on a 4 × 5 grid, 10 years,
    written as stored integers with ``scale_factor`` and ``calibration`` attributes; returns NDVI as stored / 10000
    (MODIS's meaning), NaN at the fills."""
    rng = np.random.default_rng(seed)
    month = np.arange(120) % 12 + 1
    ndvi = 0.45 + 0.3 * np.cos(2 * np.pi * (month - 7) / 12)[:, None, None] + 0.04 * rng.standard_normal((120, 4, 5))
    evi = 0.6 * ndvi + 0.02 * rng.standard_normal(ndvi.shape)
    stored = {name: np.round(values * 10000).astype(np.int16) for name, values in (("ndvi", ndvi), ("evi", evi))}
    for values in stored.values():
        values[:, 0, 0] = -3000
    attrs = {"valid_range": np.array(valid_range, np.int16), "scale_factor": scale_factor, "add_offset": add_offset,
             **calibration}
    xr.Dataset(
        {name: (("time", "lat", "lon"), values, {"units": units or name.upper(), **attrs}) for name, values in stored.items()},
        coords={"time": ("time", 15.0 + 30.4375 * np.arange(120), {"units": "days since 2001-01-01"}),
                "lat": ("lat", [45.0, 42.5, 40.0, 37.5], {"units": "degrees_north"}),
                "lon": ("lon", [-100.0, -97.5, -95.0, -92.5, -90.0], {"units": "degrees_east"})},
        attrs={"Conventions": conventions} if conventions else {},
    ).to_netcdf(path, encoding={name: {"_FillValue": np.int16(-3000)} for name in stored})
    return np.where(stored["ndvi"] == -3000, np.nan, stored["ndvi"] / 10000)


@pytest.mark.parametrize(("scale_factor", "calibration", "conventions"), [
    pytest.param(10000.0, MOD13, "CF-1.6", id="mod13-scale-above-1-even-in-a-cf-file"),
    pytest.param(10000.0, {"calibrated_nt": np.int32(5)}, "", id="calibrated_nt-alone"),
])
def test_a_scale_factor_beside_hdf4_calibration_is_refused_in_one_line(tmp_path, scale_factor, calibration,
                                                                       conventions):
    _mod13(tmp_path / "ndvi.nc", scale_factor=scale_factor, calibration=calibration, conventions=conventions)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "ndvi.nc"])
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("'ndvi' in ndvi.nc (and 1 other variable: evi) has HDF4 calibration attributes (")
    assert (f"as CF, stored × {scale_factor:g} (valid_range {-2000 * scale_factor:g}…{10000 * scale_factor:g}); "
            f"as MODIS land's HDF4 calibration, stored / {scale_factor:g} ({-2000 / scale_factor:g}…"
            f"{10000 / scale_factor:g})") in message


@pytest.mark.parametrize(("scale_factor", "calibration", "conventions"), [
    pytest.param(1e-4, MOD13, "CF-1.6", id="scale-below-1-in-a-cf-file"),
    pytest.param(10000.0, {}, "", id="no-hdf4-attributes-and-no-modis-origin"),
    pytest.param(1.0, MOD13, "", id="scale-1"),
    pytest.param(0.02, {"scale_factor_err": 0.0}, "", id="mod11-scale-below-1-without-offset-or-cf-conventions"),
])
def test_a_scale_factor_with_one_reading_is_read_as_cf(tmp_path, scale_factor, calibration, conventions):
    # units of a quantity and a valid range not topped by the scale_factor: no sign of MODIS's division
    _mod13(tmp_path / "ndvi.nc", scale_factor=scale_factor, calibration=calibration, conventions=conventions,
           units="m", valid_range=(-2000, 12000))
    with xr.open_dataset(tmp_path / "ndvi.nc") as plain:  # xarray's reading, CF's
        np.testing.assert_array_equal(open_dataset([tmp_path / "ndvi.nc"])["ndvi"].values, plain["ndvi"].values)


def test_the_printed_ncatted_followed_gives_ndvi_in_its_range_and_trains(tmp_path, monkeypatch):
    """break33a A6: NDVI read as stored × 10000 (up to 1e8) was trained and scored (RMSE 2.8e6 "in NDVI"). The
    refusal's first line, followed, writes CF's scale_factor 1e-4: NDVI in -0.2…1, the values MODIS means, and
    a run trains on them."""
    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    ndvi = _mod13(tmp_path / "ndvi.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "ndvi.nc"])
    line = re.search(r"write CF's packing: (.*? ndvi\.nc cf_packing/ndvi\.nc) \(its copy in a new folder\), then give "
                     r"--data cf_packing/ndvi\.nc in place of ndvi\.nc;", str(error.value)).group(1)
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path)  # ncatted, as printed
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == ["ndvi.nc"]
    fixed = open_dataset([tmp_path / "cf_packing" / "ndvi.nc"])
    np.testing.assert_allclose(fixed["ndvi"].values, ndvi, rtol=1e-6)
    assert -0.2 <= np.nanmin(fixed["ndvi"].values) and np.nanmax(fixed["ndvi"].values) <= 1
    result = CliRunner().invoke(app, ["train", "--data", "cf_packing/ndvi.nc", "--target", "ndvi", "--predictors", "evi",
                                      "--epochs", "1", "--out", "run"])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        np.testing.assert_allclose(predictions["ndvi"].values, ndvi, rtol=1e-6)


def test_an_offset_beside_sdsetcal_calibration_reads_as_hdf4_subtracts_it(tmp_path):
    """HDF4's SDsetcal subtracts add_offset before scaling (MOD06's cloud-top temperature: 0.01 × (stored + 15000)),
    CF adds it after (stored × 0.01 - 15000: 15 000 lower): refused outside a CF file, and the printed line, followed,
    gives the SDsetcal values."""
    _mod13(tmp_path / "ctt.nc", scale_factor=0.01, add_offset=-15000.0, calibration=MOD13, conventions="")
    with xr.open_dataset(tmp_path / "ctt.nc", mask_and_scale=False) as raw:
        stored = raw["ndvi"].values.astype(float)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "ctt.nc"])
    message = str(error.value)
    assert "\n" not in message
    assert ("as CF, stored × 0.01 - 15000 (valid_range -15020…-14900); "
            "as HDF4's SDsetcal, (stored + 15000) × 0.01 (130…250)") in message
    line = re.search(r"write CF's packing: (.*? \S*ctt\.nc \S*cf_packing/ctt\.nc) \(its copy in a new folder\)",
                     message).group(1)
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path)  # ncatted, as printed
    fixed = open_dataset([tmp_path / "cf_packing" / "ctt.nc"])
    expected = np.where(stored == -3000, np.nan, 0.01 * (stored + 15000))
    np.testing.assert_allclose(fixed["ndvi"].values, expected, rtol=1e-9)


def _printed_loop(message: str, alternative: str) -> tuple[str, str]:
    """The loop the refusal prints after ``alternative`` (its words before the line) and the --data it advises."""
    loop, data = re.search(re.escape(alternative) + r": (\( for f in .*?; done \)) \(a copy of each of its \d+ "
                           r"files in a new folder\), then give --data (\S+)", message).groups()
    return loop, data


@pytest.mark.parametrize("origin", [
    pytest.param({"units": "NDVI"}, id="units-name-the-index"),
    pytest.param({"units": "m", "valid_range": (-2000, 10000)}, id="valid-range-topped-by-the-scale-factor"),
    pytest.param({"units": "m", "valid_range": (-2000, 12000), "attrs": {"HDFEOSVersion": "HDFEOS_V2.19"}},
                 id="hdf-eos-global-attributes"),
])
def test_modis_division_without_calibration_attributes_is_refused_and_the_loop_fixes_every_file(tmp_path, origin):
    """break56d A2: MOD13C2 converted with CF's attributes only (scale_factor 10000, no calibrated_nt) was read as
    stored × 10000 (NDVI up to 8e7), trained and scored with exit 0. Now refused when its MODIS origin shows; A3:
    the line is one loop over every file of the series (not the first file's copy beside it), run here with bash as
    printed (ncatted), that writes copies with NDVI = stored / 10000 into a new folder and leaves the originals."""
    folder = tmp_path / "ndvi_st"
    folder.mkdir()
    expected = {}
    for year in range(3):
        path = folder / f"MOD13C2.A{2003 + year}001.061.nc"
        expected[path.name] = _mod13(path, calibration={}, units=origin["units"],
                                     valid_range=origin.get("valid_range", (-2000, 10000)), seed=year)
        if "attrs" in origin:
            with xr.open_dataset(path) as opened:
                marked = opened.load()
            marked.attrs.update(origin["attrs"])
            path.unlink()
            marked.to_netcdf(path)
    files = sorted(folder.glob("*.nc"))
    with files_given(files), pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("'ndvi' in MOD13C2.A2003001.061.nc (and 1 other variable: evi) is stored as integers "
                              "with scale_factor = 10000 and a valid_range of stored values")
    loop, data = _printed_loop(message, "write CF's packing")
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path, env=dict(os.environ))
    assert sorted(path.name for path in folder.iterdir() if path.is_file()) == sorted(expected)  # originals alone
    copies = sorted(glob.glob(shlex.split(data)[0], root_dir=tmp_path))  # the --data advised, absolute here
    assert [os.path.basename(copy) for copy in copies] == sorted(expected)
    for copy in copies:
        with xr.open_dataset(copy) as fixed:
            np.testing.assert_allclose(fixed["ndvi"].values, expected[os.path.basename(copy)], rtol=1e-6)


def test_the_hdf4_calibration_loop_stops_at_a_file_it_cannot_correct(tmp_path):
    """break56d A3: the loop over a series stops at its first failure (a file ncatted cannot read), with its status,
    instead of going on and answering with the last file's."""
    folder = tmp_path / "ndvi_st"
    folder.mkdir()
    for year in range(2):
        _mod13(folder / f"MOD13C2.A{2003 + year}001.061.nc", seed=year)
    files = sorted(folder.glob("*.nc"))
    with files_given(files), pytest.raises(ClimannError) as error:
        open_dataset(files)
    loop, _ = _printed_loop(str(error.value), "remove the HDF4 attributes")
    files[0].write_bytes(b"not a netcdf file")  # the first file of the loop broken after the message
    done = subprocess.run(["bash", "-c", loop], capture_output=True, cwd=tmp_path)
    assert done.returncode == 1
    assert not (folder / "hdf4_marks_removed" / files[1].name).exists()
