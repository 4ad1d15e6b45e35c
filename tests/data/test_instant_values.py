"""The one rule of instants (climann/data/instant_values.py), shared by the modules that date
forecasts and those that write the bounds advice (fix54a: step_periods kept a copy without WRF's
snapshots, an import cycle keeping it apart)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data import forecast_times
from climann.data.instant_values import holds_instants
from climann.data.step_periods import instants_of


@pytest.mark.parametrize(("attrs", "name", "said"), [
    pytest.param({"cell_methods": "time: point"}, "t2m", True, id="cf-point"),
    pytest.param({"cell_methods": "area: mean time: point"}, "t2m", True, id="cf-point-after-area"),
    pytest.param({"GRIB_stepType": " Instant "}, "t2m", True, id="grib-instant"),
    pytest.param({"GRIB_stepType": "accum"}, "tp", False, id="grib-accum"),
    pytest.param({"cell_methods": "time: mean"}, "t2m", False, id="cf-mean"),
    pytest.param({"cell_methods": "time: pointwise"}, "t2m", False, id="not-a-word"),
    pytest.param({}, "t2m", False, id="said-nothing"),
    pytest.param({"MemoryOrder": "XY ", "description": "TEMP at 2 M"}, "T2", True, id="wrf-snapshot"),
    pytest.param({"MemoryOrder": "XY ", "description": "ACCUMULATED TOTAL GRID SCALE PRECIPITATION"}, "RAINNC",
                 False, id="wrf-total"),
])
def test_holds_instants(attrs, name, said):
    assert holds_instants(attrs, name) is said


def test_forecast_times_keeps_its_names_for_the_one_rule():
    assert forecast_times.holds_instants is holds_instants
    assert forecast_times.is_wrf_snapshot.__module__ == "climann.data.instant_values"


def test_the_bounds_advice_reads_a_files_instants_by_the_same_rule(tmp_path):
    """step_periods' copy of the rule knew no WRF snapshot: T2 beside RAINNC was no instant to the bounds
    advice. Now its instants are those holds_instants says."""
    days = pd.date_range("2001-01-01", periods=3, freq="D")
    wrf = xr.Dataset({"T2": ("time", np.zeros(3), {"MemoryOrder": "XY ", "description": "TEMP at 2 M"}),
                      "RAINNC": ("time", np.zeros(3), {"MemoryOrder": "XY ",
                                                        "description": "ACCUMULATED TOTAL GRID SCALE PRECIPITATION"}),
                      "sp": ("time", np.zeros(3), {"cell_methods": "time: point"})},
                     coords={"time": days})
    wrf.to_netcdf(tmp_path / "wrf.nc")
    assert instants_of(tmp_path / "wrf.nc") == (["T2", "RAINNC", "sp"], ["T2", "sp"])
