"""Identifiers (lake, station, region numbers) are told apart from amounts."""

import logging

import numpy as np
import pytest
import xarray as xr

from climann.data.defaults import default_inputs
from climann.data.identifiers import identifier_reading, warn_identifier_predictors
from climann.data.open import open_dataset
from tests.conftest import grid_dataset


@pytest.mark.parametrize(("name", "attrs", "expected"), [
    pytest.param("lakeid", {"long_name": "Lake identifier"}, "long_name 'Lake identifier'", id="cci-lakes-lakeid"),
    pytest.param("stn", {"long_name": "station id"}, "long_name 'station id'", id="station-id"),
    pytest.param("b", {"long_name": "basin ID"}, "long_name 'basin ID'", id="basin-id"),
    pytest.param("r", {"long_name": "region number"}, "long_name 'region number'", id="region-number"),
    pytest.param("c", {"long_name": "catchment ID", "units": "1"}, "long_name 'catchment ID'", id="catchment-id"),
    pytest.param("s", {"cf_role": "timeseries_id"}, "cf_role 'timeseries_id'", id="cf-role"),
    pytest.param("lake_id", {}, "its name", id="name-without-long-name"),
    pytest.param("spi", {"long_name": "standardized drought index"}, None, id="an-index-of-no-thing"),
    pytest.param("n", {"long_name": "number of stations"}, None, id="a-count"),
    pytest.param("humid", {}, None, id="a-name-ending-in-id"),
    pytest.param("x", {"long_name": "station id", "units": "K"}, None, id="physical-units"),
    pytest.param("t2m", {"long_name": "2 metre temperature", "units": "K"}, None, id="an-amount"),
])
def test_identifiers_are_read_from_cf_role_long_name_or_name(name, attrs, expected):
    assert identifier_reading(name, xr.DataArray(np.array([6, 300, 1049], "i4"), dims="x", attrs=attrs)) == expected


def _with_lake_ids(tmp_path):
    """grid_dataset's tas beside a (lat, lon) lake id as ESA CCI Lakes v2 stores it (i4, "Lake identifier")."""
    dataset = grid_dataset()[["tas", "pred"]]
    ids = np.array([6, 300, 1049, 6, 300, 1049] * 4, "i4").reshape(4, 6)
    dataset["lakeid"] = (("lat", "lon"), ids, {"long_name": "Lake identifier"})
    dataset.to_netcdf(tmp_path / "lakes.nc")
    return open_dataset([tmp_path / "lakes.nc"])


def test_an_identifier_is_left_out_of_the_default_predictors_with_a_note(tmp_path):
    """break41a A2: CCI Lakes' lakeid was proposed as a predictor (`predictors = ["lakeid", "t2m"]`) and explain
    ranked it by partial dependence over ids 6…1049, as an amount."""
    chosen = default_inputs(_with_lake_ids(tmp_path), "tas")
    assert chosen.predictors == ("pred",)
    assert chosen.identifiers == {"lakeid": "long_name 'Lake identifier'"}
    (note,) = chosen.notes("tas")
    assert note.startswith("left out of the default predictors: lakeid (long_name 'Lake identifier'), identifiers: "
                           "numbers that name things, not amounts; to use where they are, give a 0/1 indicator")
    assert "regionmask" in note and note.endswith("(--predictors) to use their numbers as amounts")


def test_an_identifier_named_as_a_predictor_is_used_with_a_warning(tmp_path, caplog):
    opened = _with_lake_ids(tmp_path)
    assert default_inputs(opened, "tas", predictors=("lakeid", "pred")).predictors == ("lakeid", "pred")
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_identifier_predictors(opened, ["lakeid", "pred"], where="lakes.nc")
    (record,) = caplog.records
    assert record.getMessage().startswith(
        "'lakeid' in lakes.nc holds identifiers (long_name 'Lake identifier'): numbers that name things, used as "
        "amounts")
    assert "one-hot" in record.getMessage() and "regionmask" in record.getMessage()
