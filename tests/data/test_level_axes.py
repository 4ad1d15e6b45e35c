"""Level axes held by several files matched within the grid tolerance, in their units
(climann/data/level_axes.py via open_dataset; break34b A5, C3)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import draw_no_run_figures
from tests.followed_twice import GUARD, run_one_copy, without_guards

runner = CliRunner()

#: CESM2's first soil layers (m): 0.09 is no float32 number (0.09000000357627869).
DEPTHS = np.array([0.01, 0.04, 0.09, 0.16])
LAT, LON, N_TIME = np.array([50.5, 51.5, 52.5]), np.array([10.5, 11.5, 12.5, 13.5]), 48


def _write(path, name, values, *, depth=None, depth_type="f8", depth_units="m"):
    """A CMIP6 Lmon-like ``name(time, depth, lat, lon)`` (or ``(time, lat, lon)`` without
    ``depth``) in K, the depth axis (CF: standard_name depth, positive down, axis Z) and its
    bounds stored in ``depth_type`` and ``depth_units``."""
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in (("time", N_TIME), ("lat", LAT.size), ("lon", LON.size), ("bnds", 2)):
            nc.createDimension(dim, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time[:] = "days since 1850-01-01", "noleap", 15.5 + 365 / 12 * np.arange(N_TIME)
        for axis, values_of, units in (("lat", LAT, "degrees_north"), ("lon", LON, "degrees_east")):
            nc.createVariable(axis, "f8", (axis,))[:] = values_of
            nc[axis].units = units
        dims = ("time", "lat", "lon")
        if depth is not None:
            nc.createDimension("depth", depth.size)
            axis = nc.createVariable("depth", depth_type, ("depth",))
            axis[:] = depth
            axis.units, axis.standard_name, axis.positive, axis.axis = depth_units, "depth", "down", "Z"
            axis.bounds = "depth_bnds"
            edges = np.concatenate([[0.0], (depth[1:] + depth[:-1]) / 2, [2 * depth[-1] - (depth[-1] + depth[-2]) / 2]])
            nc.createVariable("depth_bnds", depth_type, ("depth", "bnds"))[:] = np.stack([edges[:-1], edges[1:]], 1)
            dims = ("time", "depth", "lat", "lon")
        variable = nc.createVariable(name, "f4", dims)
        variable.units = "K"
        variable[:] = values
    return path


@pytest.fixture(scope="module")
def soil(tmp_path_factory):
    """tsl (target) and tas with depth in float64 m; the predictor mrsol (here in K, as a
    second soil field) with its depth in float64 m, in float32 m and in float64 cm."""
    folder = tmp_path_factory.mktemp("soil")
    rng = np.random.default_rng(34)
    shape = (N_TIME, DEPTHS.size, LAT.size, LON.size)
    tas = 270 + 10 * np.sin(2 * np.pi * np.arange(N_TIME) / 12)[:, None, None] + rng.normal(0, 1, shape[:1] + shape[2:])
    tsl = 273 + 0.5 * (tas[:, None] - 270) * np.exp(-DEPTHS / 0.5)[None, :, None, None] + rng.normal(0, 0.3, shape)
    moisture = 280 + rng.normal(0, 1, shape) + 0.3 * tsl
    files = {
        "tsl": _write(folder / "tsl.nc", "tsl", tsl, depth=DEPTHS),
        "tas": _write(folder / "tas.nc", "tas", tas),
        "mrsol": _write(folder / "mrsol.nc", "mrsol", moisture, depth=DEPTHS),
        "mrsol_f32": _write(folder / "mrsol_f32.nc", "mrsol", moisture, depth=DEPTHS, depth_type="f4"),
        "mrsol_cm": _write(folder / "mrsol_cm.nc", "mrsol", moisture, depth=DEPTHS * 100, depth_units="cm"),
        "mrsol_other": _write(folder / "mrsol_other.nc", "mrsol", moisture, depth=DEPTHS + [0, 0, 0.01, 0]),
        "mrsol_fewer": _write(folder / "mrsol_fewer.nc", "mrsol", moisture[:, :3], depth=DEPTHS[:3]),
        # two of the levels, deepest first (as ERA5's 500/850 hPa beside 1000/850/500: break40b B2)
        "mrsol_two": _write(folder / "mrsol_two.nc", "mrsol", moisture[:, [2, 0]], depth=DEPTHS[[2, 0]]),
        # levels between the target's, none of them its own: 0.04 and 0.09 lie within, 0.01 and 0.16 beyond (fix44d)
        "mrsol_shallow": _write(folder / "mrsol_shallow.nc", "mrsol", moisture[:, :3], depth=np.array([0.02, 0.05, 0.1])),
    }
    assert not np.array_equal(DEPTHS.astype("f4").astype("f8"), DEPTHS)
    return files


@pytest.mark.parametrize("mrsol", [pytest.param("mrsol_f32", id="float32 m"), pytest.param("mrsol_cm", id="cm")])
def test_a_level_axis_stored_otherwise_combines_on_the_target_files_levels(soil, mrsol):
    combined = open_dataset([soil["tsl"], soil[mrsol], soil["tas"]], grid_of="tsl")
    expected = open_dataset([soil["tsl"], soil["mrsol"], soil["tas"]], grid_of="tsl")
    np.testing.assert_array_equal(combined["depth"].values, DEPTHS)
    assert combined["depth"].attrs["units"] == "m"
    np.testing.assert_array_equal(combined["mrsol"].values, expected["mrsol"].values)


@pytest.mark.parametrize(("mrsol", "said"), [
    pytest.param("mrsol_other", "it differs by up to 0.01 between tsl.nc and mrsol_other.nc", id="other values"),
    pytest.param("mrsol_fewer", "it has 4 values in tsl.nc and 3 in mrsol_fewer.nc", id="fewer values"),
])
def test_levels_that_differ_are_refused_naming_only_the_files_that_hold_them(soil, mrsol, said):
    with pytest.raises(ClimannError) as error:
        open_dataset([soil["tsl"], soil[mrsol], soil["tas"]], grid_of="tsl")
    message = str(error.value)
    assert message.startswith(f"the level axis 'depth' (m) of tsl.nc, {mrsol}.nc (the files that hold it) is not the "
                              f"same: {said}")
    # tas.nc only among the other files to give as before, beside the copy the line writes (fix54b: a new folder)
    assert "tas.nc" not in message.split(", with the ")[0] and "\n" not in message


@pytest.mark.parametrize(("mrsol", "depths"), [
    pytest.param("mrsol_fewer", DEPTHS[:3], id="fewer: the target's file cut"),
    pytest.param("mrsol_other", DEPTHS, id="other: interpolated"),
    pytest.param("mrsol_shallow", DEPTHS[1:3], id="beyond: interpolated within, the target's file cut"),
])
def test_the_refusal_of_other_levels_gives_cdo_lines_that_run_as_printed_and_combine(soil, tmp_path, monkeypatch,
                                                                                      mrsol, depths):
    """fix44d: the refusal said `cdo intlevel,LEVELS IN.nc OUT.nc`, to be filled in by hand. Now the lines name the
    files and levels; run as printed (in a copy of the files' folder), the copies combine on ``depths``, each
    interpolated value that of numpy.interp between the file's own two levels around it."""
    import re
    import shlex
    import shutil
    import subprocess

    if shutil.which("cdo") is None:
        pytest.skip("needs CDO")
    for key in ("tsl", mrsol):
        shutil.copy(soil[key], tmp_path)
    monkeypatch.chdir(tmp_path)
    given = {"tsl": tmp_path / "tsl.nc", mrsol: tmp_path / f"{mrsol}.nc"}
    with pytest.raises(ClimannError) as error:
        open_dataset(list(given.values()), grid_of="tsl")
    message = str(error.value)
    assert "LEVELS" not in message and "IN.nc" not in message
    lines = re.findall(rf"`({GUARD}mkdir -p (?:levels_selected|levels_interpolated) && cdo [^`]+)`", message)
    assert len(lines) == (2 if mrsol == "mrsol_shallow" else 1), message  # each its own folder (fix54b)
    for line in lines:
        subprocess.run(["bash", "-c", line], check=True, capture_output=True)
        given[Path(shlex.split(without_guards(line))[-2]).stem] = tmp_path / shlex.split(line)[-1]
    combined = open_dataset(list(given.values()), grid_of="tsl")
    np.testing.assert_allclose(combined["depth"].values, depths)
    with xr.open_dataset(soil[mrsol]) as own:
        expected = np.apply_along_axis(lambda column: np.interp(depths, own["depth"].values, column), 1,
                                       own["mrsol"].values.astype("f8"))
    np.testing.assert_allclose(combined["mrsol"].values, expected, rtol=1e-6)


def _metrics(soil, mrsol, out, monkeypatch):
    draw_no_run_figures(monkeypatch)
    result = runner.invoke(app, [
        "train", "--data", str(soil["tsl"]), "--data", str(soil[mrsol]), "--data", str(soil["tas"]),
        "--target", "tsl", "--select", "depth=0.09", "--epochs", "3", "--hidden", "4", "--out", str(out), "--quiet",
    ])
    assert result.exit_code == 0, result.output
    return json.loads((out / "metrics.json").read_text())


def test_float32_depths_train_and_score_as_float64_depths(soil, tmp_path, monkeypatch):
    expected = _metrics(soil, "mrsol", tmp_path / "f64", monkeypatch)
    found = _metrics(soil, "mrsol_f32", tmp_path / "f32", monkeypatch)
    assert found["splits"] == expected["splits"]  # model.npz differs: it records each input file
    with xr.open_dataset(tmp_path / "f64" / "predictions.nc") as one, \
            xr.open_dataset(tmp_path / "f32" / "predictions.nc") as other:
        np.testing.assert_array_equal(other["tsl"].values, one["tsl"].values)
    assert np.isfinite(found["splits"]["test"]["model"]["mse"]) and found["n_samples"]["test"] == 144


@pytest.mark.parametrize("mrsol", [pytest.param("mrsol_fewer", id="fewer"), pytest.param("mrsol_two", id="two-reversed")])
def test_files_on_other_sets_of_levels_that_all_hold_the_level_selected_combine_at_it(soil, mrsol):
    """break40b B2: ERA5 files of 1000/850/500 hPa and of 500/850 hPa were refused with ``pressure_level = 850``
    ("the level axis … is not the same"), though both hold 850: each is cut to the level selected first."""
    with netCDF4.Dataset(soil["mrsol"]) as nc:
        expected = np.asarray(nc["mrsol"][:, 2], np.float32)  # depth 0.09 m, read without climann
    combined = open_dataset([soil["tsl"], soil[mrsol], soil["tas"]], grid_of="tsl", select={"depth": 0.09})
    np.testing.assert_array_equal(combined["depth"].values, [0.09])
    np.testing.assert_array_equal(combined["mrsol"].values[:, 0], expected)


def test_files_lacking_the_level_selected_are_refused_naming_them(soil):
    with pytest.raises(ClimannError) as error:
        open_dataset([soil["tsl"], soil["mrsol_two"], soil["tas"]], grid_of="tsl", select={"depth": 0.04})
    assert str(error.value).startswith(
        "the level axis 'depth' (m) of tsl.nc, mrsol_two.nc (the files that hold it) is not the same: it has 4 values "
        "in tsl.nc and 2 in mrsol_two.nc; the selected depth=0.04 is not a level of mrsol_two.nc, so the files cannot "
        "be cut to it; files are combined on one set of levels")


@pytest.mark.parametrize("mrsol", [pytest.param("mrsol_fewer", id="fewer"), pytest.param("mrsol_two", id="two-reversed")])
def test_a_run_on_files_of_other_level_sets_scores_as_on_files_of_the_same_levels(soil, tmp_path, monkeypatch, mrsol):
    """break40b B2: the metrics equal those of the same run on files that hold the same levels."""
    expected = _metrics(soil, "mrsol", tmp_path / "same", monkeypatch)
    found = _metrics(soil, mrsol, tmp_path / mrsol, monkeypatch)
    assert found["splits"] == expected["splits"]
    assert np.isfinite(found["splits"]["test"]["model"]["mse"]) and found["n_samples"]["test"] == 144


@pytest.mark.skipif(shutil.which("ncwa") is None, reason="NCO is not installed")
def test_a_one_level_file_beside_files_of_several_levels_is_told_ncwa_which_then_combines(soil, tmp_path,
                                                                                        monkeypatch):
    """break44a A1: RG's surface anomaly cut with ``ncks -d PRESSURE,2.5`` keeps PRESSURE of size 1; beside the
    profiles at 10 levels, with PRESSURE=100 selected, the advice was cdo intlevel/sellevel, which abort on it
    (and would not give the surface field). The advice is ncwa -a, run as printed: the field then combines with
    its own level, its values those of the file, the target's those at the level selected."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(44)
    surface = rng.normal(290, 1, (N_TIME, 1, LAT.size, LON.size))
    with xr.open_dataset(soil["tas"]) as tas:
        depth = xr.DataArray([0.005], dims="depth", attrs={"units": "m", "standard_name": "depth", "positive": "down",
                                                           "axis": "Z"})
        xr.Dataset({"sst": (("time", "depth", "lat", "lon"), surface.astype("f4"), {"units": "K"})},
                   coords={**{name: tas[name] for name in ("time", "lat", "lon")}, "depth": depth}
                   ).to_netcdf(tmp_path / "surf.nc")
    one_level = tmp_path / "surf.nc"
    with pytest.raises(ClimannError) as error:
        open_dataset([soil["tsl"], one_level], grid_of="tsl", select={"depth": 0.09})
    message = str(error.value)
    assert ("surf.nc holds 'depth' with one value (0.005 m): if that is its variables' own level (a surface field "
            "beside profiles), drop the axis in a copy") in message
    assert "intlevel" not in message and "\n" not in message
    before = sorted(path.name for path in tmp_path.iterdir())
    followed = run_one_copy(message, tmp_path)  # as printed, by bash
    assert "&& ncwa -a depth surf.nc level_axis_dropped/surf.nc" in followed["command"]
    assert followed["original"] == "surf.nc" and followed["copy"] == "level_axis_dropped/surf.nc"
    # its copy in a new folder; the original's folder holds no copy beside it (fix56b: surf_no_depth.nc was there)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*before, "level_axis_dropped"])
    assert os.listdir(tmp_path / "level_axis_dropped") == ["surf.nc"]
    copy = tmp_path / followed["copy"]
    from climann.data.subset import select_values

    combined = select_values(open_dataset([soil["tsl"], copy], grid_of="tsl", select={"depth": 0.09}),
                             {"depth": 0.09})
    with netCDF4.Dataset(soil["tsl"]) as nc:
        target = np.asarray(nc["tsl"][:, 2], np.float32)  # depth 0.09 m, read without climann
    np.testing.assert_array_equal(np.squeeze(combined["sst"].values), surface[:, 0].astype(np.float32))
    np.testing.assert_array_equal(np.squeeze(combined["tsl"].values), target)
