"""WRF's PREC_ACC_NC / PREC_ACC_C: amounts over prec_acc_dt windows, the step's only when the window is the step."""

from __future__ import annotations

import netCDF4
import numpy as np
import pandas as pd
import pytest

from climann.data.defaults import default_inputs
from climann.data.open import open_dataset
from climann.data.value_checks import warn_held_values
from climann.data.window_totals import window_mismatch
from climann.errors import ClimannError
from tests.console import run_main

_GRID_SCALE = "ACCUMULATED GRID SCALE PRECIPITATION OVER prec_acc_dt PERIODS OF TIME"
_CUMULUS = "ACCUMULATED CUMULUS PRECIPITATION OVER prec_acc_dt PERIODS OF TIME"


def _wrfout(path, *, step_minutes: int, n_steps: int, window: float | None, name: str = "PREC_ACC_NC",
            description: str = _GRID_SCALE) -> None:
    """A wrfout-like file: ``n_steps`` output times ``step_minutes`` apart from 2005-01-01 00:00,
    XTIME, XLAT/XLONG, T2, ``name`` (with WRF's ``description``) and PREC_ACC_C; global
    PREC_ACC_DT = ``window`` minutes (none when None)."""
    ny, nx = 2, 3
    rng = np.random.default_rng(3)
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("Time", None)
        ds.createDimension("south_north", ny)
        ds.createDimension("west_east", nx)
        ds.SIMULATION_START_DATE = "2005-01-01_00:00:00"
        if window is not None:
            ds.PREC_ACC_DT = np.float32(window)
        xtime = ds.createVariable("XTIME", "f4", ("Time",))
        xtime.units = "minutes since 2005-01-01 00:00:00"
        xtime[:] = np.arange(n_steps) * step_minutes
        lat, lon = np.meshgrid(40.0 + np.arange(ny), -100.0 + np.arange(nx), indexing="ij")
        shape = (n_steps, ny, nx)
        for coordinate, values, units in (("XLAT", lat, "degree_north"), ("XLONG", lon, "degree_east")):
            v = ds.createVariable(coordinate, "f4", ("Time", "south_north", "west_east"))
            v.units = units
            v[:] = np.broadcast_to(values, shape)
        for variable, units, text, values in (
                ("T2", "K", "TEMP at 2 M", 280.0 + rng.normal(0, 2, shape)),
                (name, "mm", description, rng.gamma(0.3, 1.0, shape)),
                ("PREC_ACC_C", "mm", _CUMULUS, rng.gamma(0.3, 0.5, shape))):
            v = ds.createVariable(variable, "f4", ("Time", "south_north", "west_east"))
            v.units, v.coordinates, v.MemoryOrder = units, "XLONG XLAT XTIME", "XY "
            if text:
                v.description = text
            v[:] = values


@pytest.mark.parametrize(("step", "window", "said"), [
    pytest.param(180, 60, "each value is the amount of the last 60 minutes before its time only, not of its step "
                          "(67% of each step's precipitation is in no value)", id="3-hourly-output-hourly-window"),
    pytest.param(60, 180, "each value is the amount since the last reset, over a part of the 180-minute window",
                 id="hourly-output-3-hourly-window"),
    pytest.param(120, 90, "over a part of the 90-minute window", id="window-not-dividing-the-step"),
    pytest.param(180, None, "the files do not say its window", id="no-PREC_ACC_DT"),
    pytest.param(180, 0, "WRF accumulated nothing into it", id="prec_acc_dt-0"),
])
def test_windows_other_than_the_step_are_said(tmp_path, step, window, said):
    path = tmp_path / "wrfout_d01_2005-01-01_00:00:00"
    _wrfout(path, step_minutes=step, n_steps=12, window=window)
    dataset = open_dataset([path])
    assert said in window_mismatch("PREC_ACC_NC", dataset["PREC_ACC_NC"], dataset)
    with pytest.raises(ClimannError, match="PREC_ACC_NC in wrfout_d01_2005-01-01_00:00:00 is WRF's precipitation "
                                           "over prec_acc_dt windows, not the amount of each time step"):
        warn_held_values(dataset, ["T2", "PREC_ACC_NC"], where=path.name, file=path)


@pytest.mark.parametrize(("step", "window"), [pytest.param(60, 60, id="hourly"),
                                              pytest.param(180, 180, id="3-hourly"),
                                              pytest.param(1440, 1440, id="daily")])
def test_a_window_that_is_the_step_is_each_steps_amount(tmp_path, step, window):
    path = tmp_path / "wrfout_d01_2005-01-01_00:00:00"
    _wrfout(path, step_minutes=step, n_steps=12, window=window)
    dataset = open_dataset([path])
    assert window_mismatch("PREC_ACC_NC", dataset["PREC_ACC_NC"], dataset) is None
    warn_held_values(dataset, ["T2", "PREC_ACC_NC", "PREC_ACC_C"], where=path.name, file=path)
    assert {"PREC_ACC_NC", "PREC_ACC_C"} <= set(default_inputs(dataset, "T2").predictors)


def test_found_by_description_under_another_name(tmp_path):
    path = tmp_path / "wrfout_d01_2005-01-01_00:00:00"
    _wrfout(path, step_minutes=180, n_steps=12, window=60, name="rain_hour")
    dataset = open_dataset([path])
    assert "last 60 minutes" in window_mismatch("rain_hour", dataset["rain_hour"], dataset)


def test_train_refuses_the_last_hour_of_3_hourly_output(tmp_path, capfd, monkeypatch):
    """fix39d: 3-hourly wrfout with prec_acc_dt = 60 trained PREC_ACC_NC, the last hour of each 3, with exit 0."""
    monkeypatch.chdir(tmp_path)
    _wrfout(tmp_path / "wrfout_d01_2005-01-01_00:00:00", step_minutes=180, n_steps=80, window=60)
    result = run_main("train", "--data", "wrfout_d01_2005-01-01_00:00:00", "--target", "PREC_ACC_NC",
                      "--predictors", "T2", "--epochs", "1", "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert "the last 60 minutes before its time only" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()


def test_left_out_of_the_default_predictors_with_a_note(tmp_path):
    path = tmp_path / "wrfout_d01_2005-01-01_00:00:00"
    _wrfout(path, step_minutes=180, n_steps=12, window=60)
    chosen = default_inputs(open_dataset([path]), "T2")
    assert "PREC_ACC_NC" not in chosen.predictors and "PREC_ACC_C" not in chosen.predictors
    assert set(chosen.window_totals) == {"PREC_ACC_NC", "PREC_ACC_C"}
    assert any("WRF's precipitation over prec_acc_dt windows" in note for note in chosen.notes("T2"))


def test_steps_of_the_axis_in_minutes():
    """The steps compared with the window: datetime64 and cftime give the same minutes."""
    import cftime

    from climann.data.window_totals import _steps_minutes
    stamps = pd.date_range("2005-01-01", periods=4, freq="3h").values
    dates = np.array([cftime.DatetimeGregorian(2005, 1, 1, hour) for hour in (0, 3, 6, 9)])
    assert _steps_minutes(stamps).tolist() == [180.0, 180.0, 180.0]
    assert _steps_minutes(dates).tolist() == [180.0, 180.0, 180.0]
