"""What a value is over its time cell when its cell_methods do not say (climann/data/value_words.py)."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
import xarray as xr

from climann.data.units import convert_variable
from climann.data.value_words import totals_as_read
from climann.errors import ClimannError


@pytest.mark.parametrize(("record", "converts"), [
    pytest.param({"standard_name": "precipitation_amount"}, True, id="precipitation_amount-read-as-totals"),
    pytest.param({"standard_name": "lwe_thickness_of_surface_snow_amount"}, True, id="snow-amount"),
    pytest.param({"standard_name": "lwe_thickness_of_soil_moisture_content"}, False, id="a-state-not-a-total"),
    pytest.param({}, False, id="nothing-known"),
])
def test_a_rate_converts_to_a_runs_amount_that_training_read_as_each_cells_total(record, converts):
    """break54b A6: TerraClimate's monthly ppt in 'mm' (precipitation_amount, no cell_methods) is read by train as
    "the total of the month beginning there", but evaluate refused the same precipitation in mm/day, saying the
    amount does not say its period. The amount is the total over each cell, as training read it: the rate converts
    by each month's days (numpy's calendar), and a state in mm (soil moisture) or an amount nothing names is
    refused as before."""
    times = xr.date_range("2008-01-01", periods=24, freq="MS", calendar="standard", use_cftime=True)
    days = np.array([(datetime.date(t.year + t.month // 12, t.month % 12 + 1, 1) - datetime.date(t.year, t.month, 1))
                     .days for t in times], "f8")
    rate = np.random.default_rng(0).gamma(2.0, 2.0, (24, 2)).astype("f4")
    variable = xr.DataArray(rate, dims=("time", "x"), coords={"time": times}, attrs={"units": "mm/day"})
    method = totals_as_read({"ppt": ""}, {"ppt": "mm"}, {"ppt": record})["ppt"]
    if not converts:
        with pytest.raises(ClimannError, match="an amount that does not say the period it is over"):
            convert_variable(variable, "mm", name="ppt", where="rate.nc", reference="the model's training data",
                             reference_method=method, reference_attrs=record)
        return
    converted = convert_variable(variable, "mm", name="ppt", where="rate.nc", reference="the model's training data",
                                 reference_method=method, reference_attrs=record)
    assert converted.attrs["units"] == "mm"
    np.testing.assert_allclose(converted.values, rate.astype("f8") * days[:, None], rtol=1e-6)


@pytest.mark.parametrize(("name", "attrs", "expected"), [
    pytest.param("precip", {"units": "mm/month"}, True, id="chirps-monthly-rate"),
    pytest.param("pr", {"units": "kg m-2 s-1"}, True, id="cmip-pr"),
    pytest.param("x", {"units": "mm day-1", "long_name": "Total precipitation"}, True, id="by-long-name"),
    pytest.param("precip", {"units": "mm"}, False, id="an-amount-not-a-rate"),
    pytest.param("ws", {"units": "m s-1", "long_name": "wind speed"}, False, id="a-speed"),
    pytest.param("dis24", {"units": "m3 s-1", "long_name": "Mean discharge"}, False, id="a-discharge"),
])
def test_a_rate_of_an_amount_is_told_apart_from_other_rates(name, attrs, expected):
    """break56b A5: the words "the mean rate of the month" are for rates of amounts (CHIRPS's mm/month) only."""
    from climann.data.value_words import is_amount_rate

    assert is_amount_rate(name, attrs) is expected
