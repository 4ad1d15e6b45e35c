"""The units of an MSE on the command line: one function squares a target's units for train's table, report.md,
the negative-skill line and explain's terminal line (break38c: "((0 - 1))²", "(m**3 m**-3)²"; explain had its own
"K2" → "K²" rule)."""

import json

import cftime
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app

runner = CliRunner()
N_MONTHS = 12 * 12


# (units, the MSE's units as report.md and explain say them, as importance.json records them); a ratio of one unit
# to itself squares to a pure number (fix47q: "(m2/m2)²" beside "m^2/m^2"): m3 m-3 squared is dimensionless
@pytest.mark.parametrize(("units", "squared", "recorded"), [
    pytest.param("(0 - 1)", "in (0 - 1)²", "(0 - 1)2", id="ERA5-fal-0-1"),
    pytest.param("m**3 m**-3", "(dimensionless)", "1", id="ERA5-swvl1"),
])
def test_train_report_and_explain_square_the_units_alike(tmp_path, units, squared, recorded):
    rng = np.random.default_rng(3)
    times = [cftime.DatetimeNoLeap(1990 + month // 12, month % 12 + 1, 15) for month in range(N_MONTHS)]
    cycle = np.sin(2 * np.pi * np.arange(N_MONTHS) / 12)[:, None, None]
    rsdt = 340 + 20 * cycle + rng.normal(size=(N_MONTHS, 3, 4))
    target = 0.3 + 0.0005 * (rsdt - 340) + 0.01 * rng.normal(size=rsdt.shape)
    xr.Dataset({"fal": (("time", "lat", "lon"), target.astype("f4"), {"units": units}),
                "rsdt": (("time", "lat", "lon"), rsdt.astype("f4"), {"units": "W m-2"})},
               coords={"time": ("time", times), "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0, 30.0], {"units": "degrees_east"})}).to_netcdf(tmp_path / "d.nc")
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "d.nc"), "--target", "fal", "--epochs", "2",
                                 "--hidden", "4", "--out", str(tmp_path / "run"), "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    report = (tmp_path / "run" / "report.md").read_text()
    assert f"MSE {squared}" in report and "((" not in report and "**" not in report.split("MSE ")[1][:30]
    result = runner.invoke(app, ["explain", str(tmp_path / "run"), "--repeats", "1", "--out", str(tmp_path / "x")])
    assert result.exit_code == 0, result.output
    importance = json.loads((tmp_path / "x" / "importance.json").read_text())
    assert importance["mse_units"] == recorded
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("permutation importance")]
    assert f" samples; MSE {importance['baseline_mse']:.4g} {squared.removeprefix('in ')}, " in line
