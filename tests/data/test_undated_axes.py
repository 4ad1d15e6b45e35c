"""A time axis that is not dates beside other files (climann/data/undated_axes.py): LIS/OTD's
monthly climatology ``HRMC_COM_FR(Month, lat, lon)``, ``Month`` 1 … 12 without units, beside a
monthly series is refused in one line as the file alone is, with a line that puts it on the
series' months, which then trains (break33a A4: an AttributeError, exit 1)."""

from __future__ import annotations

import re
import shlex

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset
from tests.fresh_python import bare_python


def _climatology(series: xr.Dataset, *, months=tuple(range(1, 13))) -> xr.Dataset:
    """A flash-rate climatology on ``series``' grid, one map per value of ``Month`` (no units,
    as LIS/OTD writes it): month m holds 100·m + cell index."""
    cells = np.arange(series.sizes["lat"] * series.sizes["lon"]).reshape(series.sizes["lat"], series.sizes["lon"])
    values = (100.0 * np.array(months)[:, None, None] + cells[None]).astype(np.float32)
    return xr.Dataset({"flash": (("Month", "lat", "lon"), values, {"units": "fl km-2 yr-1"})},
                      coords={"Month": ("Month", np.array(months, np.int32), {"long_name": "month of year"}),
                              "lat": series["lat"], "lon": series["lon"]})


@pytest.fixture
def series_and_climatology(tmp_path):
    series = grid_dataset(n_years=3)[["tas", "pred"]]
    series.to_netcdf(tmp_path / "series.nc")
    _climatology(series).to_netcdf(tmp_path / "lisotd.nc")
    return series


@pytest.mark.parametrize("order", [pytest.param(("series.nc", "lisotd.nc"), id="climatology_second"),
                                   pytest.param(("lisotd.nc", "series.nc"), id="climatology_first")])
def test_a_monthly_climatology_beside_a_series_is_refused_as_alone(tmp_path, series_and_climatology, order):
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / name for name in order])
    message = str(refused.value)
    assert message.startswith("time coordinate 'Month' in lisotd.nc could not be read as dates: it has no units")
    assert "calendar months of a climatology" in message and "beside series.nc" in message


def test_the_advised_line_puts_each_month_of_the_climatology_on_the_series(
        tmp_path, monkeypatch, series_and_climatology):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "series.nc", tmp_path / "lisotd.nc"])
    command = re.search(r"e\.g\. (python -c .*?), and give", bare_python(str(refused.value))).group(1)
    exec(shlex.split(command)[2], {})  # noqa: S102 — the advice, run as the user would run it
    copy = re.search(r"give (\S+) in place of lisotd\.nc", str(refused.value)).group(1)
    opened = open_dataset([tmp_path / "series.nc", tmp_path / copy])
    months = np.array([date.month for date in opened["time"].values])
    cells = np.arange(24).reshape(4, 6)
    expected = 100.0 * months[:, None, None] + cells[None]  # independent of climann and xarray's sel
    np.testing.assert_array_equal(opened["flash"].values, expected)
    np.testing.assert_array_equal(opened["tas"].values, series_and_climatology["tas"].values)


def test_a_number_axis_that_is_not_months_is_refused_without_the_months_line(tmp_path):
    series = grid_dataset(n_years=2)[["tas"]]
    series.to_netcdf(tmp_path / "series.nc")
    _climatology(series, months=(1, 2, 3, 13)).to_netcdf(tmp_path / "other.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "series.nc", tmp_path / "other.nc"])
    assert "could not be read as dates: it has no units" in str(refused.value)
    assert "climatology" not in str(refused.value)


@pytest.mark.parametrize("command", [pytest.param(["info", "series.nc", "lisotd.nc"], id="info"),
                                     pytest.param(["train", "--data", "series.nc", "--data", "lisotd.nc", "--target",
                                                   "tas", "--out", "run"], id="train")])
def test_the_cli_refuses_in_one_line_with_exit_code_2(tmp_path, monkeypatch, series_and_climatology, command):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: time coordinate 'Month' in lisotd.nc")
    assert not (tmp_path / "run").exists()
