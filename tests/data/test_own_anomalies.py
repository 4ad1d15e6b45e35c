"""A predictor that is the target's own anomaly (or whose anomaly the target is)."""

import numpy as np
import pytest
import xarray as xr

from climann.data.own_anomalies import anomaly_reason, anomaly_relations


def _variable(name: str, **attrs: str) -> xr.DataArray:
    return xr.DataArray(np.zeros(2), dims="x", name=name, attrs=attrs)


SST = _variable("sst", long_name="Daily sea surface temperature", units="Celsius")


@pytest.mark.parametrize(("anomaly", "of", "reason"), [
    pytest.param(_variable("anom", long_name="Daily sea surface temperature anomalies"), SST,
                 "its long_name 'Daily sea surface temperature anomalies'", id="oisst-anom"),
    pytest.param(_variable("x", long_name="Anomaly of daily sea-surface temperature"), SST,
                 "its long_name 'Anomaly of daily sea-surface temperature'", id="anomaly-of-first"),
    pytest.param(_variable("dt", standard_name="air_temperature_anomaly"),
                 _variable("tas", standard_name="air_temperature"),
                 "its standard_name 'air_temperature_anomaly'", id="cf-standard-name"),
    pytest.param(_variable("sst_anom"), _variable("sst"), "its name 'sst_anom'", id="name-suffix"),
    pytest.param(_variable("ssta", long_name="Extended reconstructed SST anomalies"),
                 _variable("sst", long_name="Extended reconstructed sea surface temperature"),
                 "its name 'ssta' and long_name 'Extended reconstructed SST anomalies'", id="ersst-ssta"),
])
def test_the_anomaly_of_a_variable_is_known_by_its_attributes_or_name(anomaly, of, reason):
    assert anomaly_reason(anomaly, of) == reason


@pytest.mark.parametrize(("other", "of"), [
    pytest.param(_variable("err", long_name="Estimated error standard deviation of analysed_sst"), SST,
                 id="oisst-err"),
    pytest.param(_variable("ice", long_name="Sea ice concentration", units="%"), SST, id="oisst-ice"),
    pytest.param(_variable("ua", long_name="Eastward Wind"), _variable("u", long_name="Eastward wind"),
                 id="a-bare-a-suffix"),
    pytest.param(_variable("ta", long_name="Air Temperature"), _variable("t", long_name="Temperature"),
                 id="another-quantity-with-an-a"),
    pytest.param(_variable("zg_anom", standard_name="geopotential_height_anomaly"),
                 _variable("tas", standard_name="air_temperature"), id="the-anomaly-of-another-quantity"),
    pytest.param(_variable("tasmax", long_name="Daily Maximum Near-Surface Air Temperature"),
                 _variable("tas", long_name="Near-Surface Air Temperature"), id="a-maximum"),
    pytest.param(_variable("anom"), SST, id="a-name-alone-says-nothing-of-what"),
    pytest.param(_variable("climatology", units="degree C"),
                 _variable("temperature", long_name="Air Surface Temperature Anomaly"), id="berkeley-climatology"),
    pytest.param(_variable("rsdt_anom", long_name="TOA Incident Shortwave Radiation anomaly"),
                 _variable("tas", long_name="Near-Surface Air Temperature"), id="another-variables-anomaly"),
])
def test_unrelated_variables_are_no_anomaly(other, of):
    assert anomaly_reason(other, of) is None
    assert anomaly_reason(of, other) is None


def test_the_relation_is_found_both_ways():
    """An anomaly as the target leaks from its absolute values as much as the other way round."""
    dataset = xr.Dataset({"sst": SST, "anom": _variable("anom", long_name="Daily sea surface temperature anomalies"),
                          "ice": _variable("ice", long_name="Sea ice concentration")})
    assert anomaly_relations(dataset, "sst", ["anom", "ice"]) == {
        "anom": "the anomaly of sst: its long_name 'Daily sea surface temperature anomalies'"}
    assert anomaly_relations(dataset, "anom", ["sst", "ice"]) == {
        "sst": "anom is its anomaly: anom's long_name 'Daily sea surface temperature anomalies'"}


def test_a_missing_target_is_left_to_the_message_that_names_the_variables():
    """The check ran before the target was found, and raised xarray's KeyError."""
    dataset = xr.Dataset({"anom": _variable("anom", long_name="Daily sea surface temperature anomalies")})
    assert anomaly_relations(dataset, "sst", ["anom"]) == {}


def _berkeley(climatology_dims: tuple[str, ...]) -> xr.Dataset:
    """Berkeley Earth's monthly ``temperature`` anomaly (standard_name surface_temperature_anomaly)
    beside its ``climatology`` (surface_temperature) on ``climatology_dims``."""
    time = xr.DataArray(np.array(["2000-01-15", "2000-02-15", "2000-03-15"], "datetime64[ns]"), dims="time")
    sizes = {"time": 3, "month_number": 12, "lat": 2}
    return xr.Dataset(
        {"temperature": (("time", "lat"), np.zeros((3, 2)), {"standard_name": "surface_temperature_anomaly"}),
         "climatology": (climatology_dims, np.zeros([sizes[dim] for dim in climatology_dims]),
                         {"standard_name": "surface_temperature"})},
        coords={"time": time})


@pytest.mark.parametrize(("dims", "leaks"), [
    pytest.param(("lat",), False, id="a-map-the-same-every-year"),
    pytest.param(("month_number", "lat"), False, id="berkeley-monthly-climatology"),
    pytest.param(("time", "lat"), True, id="the-absolute-series"),
])
def test_only_a_partner_on_the_targets_time_axis_leaks_its_signal(dims, leaks):
    """break51a A2: Berkeley Earth's climatology, by its standard_name the absolute of the
    temperature anomaly, was warned of as leaking the anomaly's signal: without the time axis it
    is the same every year and carries no step's anomaly. An absolute series on the axis does."""
    relations = anomaly_relations(_berkeley(dims), "temperature", ["climatology"])
    assert bool(relations) is leaks
    assert bool(anomaly_relations(_berkeley(dims).rename(temperature="t", climatology="temperature")
                                  .rename(t="climatology"), "climatology", ["temperature"])) is leaks
