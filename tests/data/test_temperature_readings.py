"""How a temperature is read, on its scale or as a difference (climann/data/temperature_readings.py,
CF-1.11 §3.1.2 ``units_metadata``)."""

from __future__ import annotations

import pytest

from climann.data import shell
from climann.data.temperature_readings import TemperatureReading, temperature_reading, temperature_reading_refusal

DIFFERENCE = {"units_metadata": "temperature: difference"}


@pytest.mark.parametrize(("name", "attrs", "kind"), [
    pytest.param("tas", {"units": "K"}, "on_scale", id="cmip-tas-unmarked"),
    pytest.param("tas", {"units": "degC", **DIFFERENCE}, "difference", id="marked-difference"),
    pytest.param("tas", {"units": "K", "units_metadata": "temperature: on_scale"}, "on_scale", id="marked-on-scale"),
    pytest.param("tas", {"units": "Kelvin_scale"}, "on_scale", id="iri-scale-units"),
    pytest.param("tas_anom", {"units": "K"}, "difference", id="named-anomaly"),
    pytest.param("tas", {"units": "K", "long_name": "temperature change relative to 1850-1900"}, "difference",
                 id="long-name-change"),
    pytest.param("tas", {"units": "K", "cell_methods": "time: standard_deviation"}, "difference", id="spread"),
    pytest.param("tas_error", {"units": "K", "long_name": "Air Temperature prediction error (prediction minus truth)"},
                 "difference", id="climanns-own-error"),
    pytest.param("tas_anom", {"units": "K", "units_metadata": "temperature: on_scale"}, "on_scale",
                 id="the-attribute-before-the-name"),
    pytest.param("tas", {"units": "K", "units_metadata": "temperature: unknown"}, "on_scale", id="unknown-assumed"),
])
def test_a_temperature_is_read_as_its_attributes_say(name, attrs, kind):
    assert temperature_reading(name, attrs).kind == kind


@pytest.mark.parametrize("attrs", [
    pytest.param({"units": "kg m-2 s-1"}, id="not-a-temperature"),
    pytest.param({}, id="no-units"),
    pytest.param({"units": "K", "units_metadata": "anomaly"}, id="unreadable-units-metadata"),
])
def test_other_variables_have_no_reading(attrs):
    assert temperature_reading("tas", attrs) is None


def test_the_refusal_names_both_readings_and_the_ncatted_that_marks_a_copy():
    new = temperature_reading("tas", {"units": "degC", **DIFFERENCE})
    refusal = temperature_reading_refusal("tas", "on_scale", new, where="anom.nc", file="/d/anom.nc", own="t2m")
    assert refusal == (
        "tas in anom.nc is read as temperature differences, e.g. anomalies (units_metadata = \"temperature: "
        "difference\", CF-1.11 §3.1.2), the model was trained on tas as temperatures on their scale: its predictions "
        "and scores would mix the two; give tas as temperatures on their scale (add the climatology back to "
        "anomalies, e.g. cdo ymonadd for monthly ones), or, if its values are temperatures on their scale and its "
        "attributes say otherwise, say so in a copy (ncatted -a units_metadata,t2m,o,c,'temperature: on_scale' "
        "/d/anom.nc /d/anom_fixed.nc)")


@pytest.mark.parametrize(("trained", "new"), [
    pytest.param("on_scale", TemperatureReading("on_scale", "units 'K'"), id="same"),
    pytest.param("unheard_of", TemperatureReading("difference", "units 'K'"), id="record-of-another-version"),
])
def test_readings_that_agree_or_cannot_be_compared_are_not_refused(trained, new):
    assert temperature_reading_refusal("tas", trained, new, where="a.nc", file="a.nc") is None


def test_the_refusal_for_a_zarr_store_marks_the_store_and_its_edit_works(tmp_path, monkeypatch):
    """A store is not an ncatted input: the way out is zarr-python's edit of the store, and run as printed the
    store's variable is read as the run's kind (fix30c's attribute_command)."""
    import numpy as np
    import xarray as xr

    from tests.conftest import run_store_edit

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "anom.zarr"
    xr.Dataset({"tas": (("time",), np.array([0.5, -0.25]), {"units": "K", **DIFFERENCE})}).to_zarr(store)
    new = temperature_reading("tas", {"units": "K", **DIFFERENCE})
    refusal = temperature_reading_refusal("tas", "on_scale", new, where="anom.zarr", file=str(store))
    assert f"say so in the store ({shell.advised_python()} -c" in refusal and "ncatted" not in refusal
    run_store_edit(refusal.split("say so in the store (", 1)[1][:-1], tmp_path)
    assert temperature_reading("tas", xr.open_zarr(store)["tas"].attrs).kind == "on_scale"
