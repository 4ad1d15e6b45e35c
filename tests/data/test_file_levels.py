"""Tests for climann/data/file_levels.py: one file per level, each with its own variable (ICON's ta1.nc … ta4.nc)."""

import json
import logging

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.variables import variable_levels
from climann.errors import ClimannError

LAT, LON = np.array([-45.0, -15.0, 15.0, 45.0]), np.arange(0.0, 360.0, 60.0)
N_MONTHS = 36
HEIGHTS = (1.0, 2.0, 3.0, 4.0)


def _stamps() -> list[float]:
    """CDO's absolute monthly stamps (``day as %Y%m%d.%f``), 2000-01-01 … 2002-12-01."""
    return [float((2000 + month // 12) * 10000 + (month % 12 + 1) * 100 + 1) for month in range(N_MONTHS)]


def _ta(level: int) -> np.ndarray:
    """ta at a level, every value its own: a value read at another level or cell shows."""
    rng = np.random.default_rng(level)
    return (250.0 + 10 * level + rng.normal(0, 1, (N_MONTHS, LAT.size, LON.size))).astype("f4")


def _level_file(path, level: int, *, layout: str, name: str | None = None):
    """What ``cdo -chname,ta,ta{level} -sellevel,{level}`` writes of an ICON file remapped to a
    regular grid (``layout="dimension"``: ``ta{level}(time, height=1, lat, lon)``), or that file after
    NCO's ``ncwa -a height`` (``layout="scalar"``: a 0-D ``height`` that only ``cell_methods`` names)."""
    name = name or f"ta{level}"
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("lon", LON.size)
        nc.createDimension("lat", LAT.size)
        nc.createDimension("bnds", 2)
        time = nc.createVariable("time", "f8", ("time",))
        time.setncatts({"standard_name": "time", "units": "day as %Y%m%d.%f", "calendar": "proleptic_gregorian",
                        "axis": "T"})
        time[:] = _stamps()
        for axis, values, units in (("lon", LON, "degrees_east"), ("lat", LAT, "degrees_north")):
            variable = nc.createVariable(axis, "f8", (axis,))
            variable.setncatts({"standard_name": {"lon": "longitude", "lat": "latitude"}[axis], "units": units})
            variable[:] = values
        if layout == "dimension":
            nc.createDimension("height", 1)
        dims = ("height",) if layout == "dimension" else ()
        height = nc.createVariable("height", "f8", dims)
        height.setncatts({"standard_name": "height", "long_name": "generalized_height", "units": "m",
                          "positive": "down", "axis": "Z", "bounds": "height_bnds"})
        height[...] = HEIGHTS[level - 1]
        bounds = nc.createVariable("height_bnds", "f8", (*dims, "bnds"))
        bounds[...] = np.array([HEIGHTS[level - 1] - 0.5, HEIGHTS[level - 1] + 0.5]).reshape((1,) * len(dims) + (2,))
        ta = nc.createVariable(name, "f4", ("time", *dims, "lat", "lon"))
        ta.setncatts({"standard_name": "air_temperature", "units": "K",
                      "cell_methods": "time: mean" if layout == "dimension" else "time: mean height: mean"})
        ta[:] = _ta(level).reshape(N_MONTHS, *(1,) * len(dims), LAT.size, LON.size)
        if layout == "scalar":
            height.cell_methods = bounds.cell_methods = "height: mean"
    return path


@pytest.mark.parametrize("layout", [pytest.param("dimension", id="height-of-length-1"),
                                    pytest.param("scalar", id="ncwa-0d-height")])
def test_one_variable_per_level_file_keeps_its_own_level_and_values(tmp_path, caplog, layout):
    """break43b A3: refused "the level axis 'height' … is not the same … cdo intlevel" (a dimension of length 1), or
    "'height' is in both ta1.nc and ta2.nc, and neither has a time coordinate" (NCO's 0-D height beside CDO's
    absolute time), then advised `height_2` for every file in turn. Each variable is at its own file's level, with
    its own file's values."""
    files = [_level_file(tmp_path / f"ta{level}.nc", level, layout=layout) for level in range(1, 5)]
    with caplog.at_level(logging.INFO):
        dataset = open_dataset(files)
    for level in range(1, 5):
        name = f"ta{level}"
        assert dataset[name].dims == ("time", "lat", "lon")
        np.testing.assert_array_equal(dataset[name].values, _ta(level))
        assert [(coordinate.name, float(coordinate.values)) for coordinate in variable_levels(dataset, name)] == [
            ("height", HEIGHTS[level - 1])]
    assert "height" not in dataset.dims
    if layout == "dimension":
        assert any("each file's level, read as its variables' own" in record.getMessage()
                   for record in caplog.records)


def test_one_variable_at_two_levels_in_two_files_is_still_refused(tmp_path):
    """Two files of ta at 1 m and at 2 m are one variable at two levels, refused as before: not each variable's own."""
    files = [_level_file(tmp_path / f"ta_{level}.nc", level, layout="dimension", name="ta") for level in (1, 2)]
    with pytest.raises(ClimannError, match=r"^'ta' is at height = 1 m in ta_1.nc but at height = 2 m in ta_2.nc"):
        open_dataset(files)


def test_info_shows_each_variables_level_and_a_run_predicts_one_level_from_the_others(tmp_path, monkeypatch):
    """The four files train: ta4 from ta1 … ta3 (named; the level-blind default predictors are another matter),
    its predictions at height 4 m, its truth its own file's values."""
    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import unwrapped_report

    monkeypatch.chdir(tmp_path)
    (tmp_path / "lev").mkdir()
    for level in range(1, 5):
        _level_file(tmp_path / "lev" / f"ta{level}.nc", level, layout="dimension")
    info = CliRunner().invoke(app, ["info", "lev/*.nc"])
    assert info.exit_code == 0, info.output
    assert "scalar    height = 1.0 m (ta1), 2.0 m (ta2), 3.0 m (ta3), 4.0 m (ta4)" in unwrapped_report(info.output)
    trained = CliRunner().invoke(app, ["train", "--data", "lev/*.nc", "--target", "ta4", "--predictors",
                                       "ta1,ta2,ta3", "--epochs", "1", "--out", "run", "-q"])
    assert trained.exit_code == 0, trained.output
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        assert float(predictions["height"]) == 4.0
        truth = predictions["ta4"].transpose("time", "lat", "lon").values
    test = json.loads((tmp_path / "run" / "metrics.json").read_text())["splits"]["test"]["model"]
    assert test["n_samples"] == 12 * LAT.size * LON.size  # 2002, the test year of 2000-2002
    np.testing.assert_array_equal(truth, _ta(4))
