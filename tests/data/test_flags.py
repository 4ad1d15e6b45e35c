"""CF flag variables as predictors or target: classes are told apart from amounts."""

import logging

import numpy as np
import pytest
import xarray as xr

from climann.data.flags import flag_classes, indicator_advice, refuse_flag_target, warn_flag_predictors
from climann.errors import ClimannError
from climann.data.open import open_dataset
from tests.conftest import grid_dataset


def _variable(**attrs) -> xr.DataArray:
    return xr.DataArray(np.array([1, 2, 3, 4], dtype="i1"), dims="x", attrs=attrs)


@pytest.mark.parametrize(("attrs", "expected"), [
    pytest.param({"flag_values": np.array([1, 2, 3, 4], "i1"), "flag_meanings": "forest grass desert ice"},
                 "flag_values 1 2 3 4: forest grass desert ice", id="land-cover-classes"),
    pytest.param({"flag_masks": np.array([1, 2, 4], "i1"), "flag_meanings": "cloud land snow"},
                 "flag_masks 1 2 4: cloud land snow", id="bit-field"),
    pytest.param({"flag_values": np.array([0, 1], "i1"), "flag_meanings": "sea land"}, None, id="two-classes-indicator"),
    pytest.param({"flag_masks": np.int8(1), "flag_meanings": "cloudy"}, None, id="one-bit-indicator"),
    pytest.param({"flag_values": np.array([1, 2, 3], "i1")}, None, id="no-meanings-not-a-flag-variable"),
    pytest.param({"units": "1"}, None, id="no-flag-attributes"),
])
def test_flag_variables_of_more_than_two_values_are_classes(attrs, expected):
    assert flag_classes(_variable(**attrs)) == expected


@pytest.mark.parametrize(("attrs", "expected"), [
    pytest.param({"flag_values": np.array([1, 2], "i1"), "flag_meanings": "forest grass"},
                 "one 0/1 variable per class instead (e.g. ncap2 -s 'lc_forest=(lc==1)' IN.nc OUT.nc)", id="values"),
    pytest.param({"flag_masks": np.array([4, 8], "i1"), "flag_meanings": "snow ice"},
                 "one 0/1 variable per bit instead (e.g. ncap2 -s 'lc_snow=(lc/4)%2' IN.nc OUT.nc", id="masks"),
])
def test_the_advice_names_the_first_class_and_its_code(attrs, expected):
    assert expected in indicator_advice("lc", _variable(**attrs))


def test_a_named_flag_predictor_is_warned_about_once_in_a_line_and_a_bool_mask_is_not(tmp_path, caplog):
    dataset = grid_dataset()
    codes = (np.arange(dataset.sizes["lon"]) % 4 + 1).astype("i1")
    dataset["lc"] = ("lon", codes, {"flag_values": np.array([1, 2, 3, 4], "i1"),
                                    "flag_meanings": "forest grass desert ice"})
    dataset["landmask"] = (dataset["lat"] > 0) & (dataset["lon"] < 180)
    dataset.to_netcdf(tmp_path / "classes.nc")
    opened = open_dataset([tmp_path / "classes.nc"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_flag_predictors(opened, ["pred", "lc", "landmask", "absent"], where="classes.nc")
    (record,) = caplog.records
    assert record.getMessage() == (
        "'lc' in classes.nc is a CF flag variable (flag_values 1 2 3 4: forest grass desert ice): its codes are used "
        "as numbers, as if they were amounts; to use its classes, give one 0/1 variable per class instead "
        "(e.g. ncap2 -s 'lc_forest=(lc==1)' IN.nc OUT.nc)"
    )


@pytest.mark.parametrize(("attrs", "message"), [
    pytest.param({"flag_values": np.array([1, 2, 3, 4], "i1"), "flag_meanings": "forest grass desert ice"},
                 "^the target 'lc' in lc.nc is a CF flag variable \\(flag_values 1 2 3 4: forest grass desert ice\\): "
                 "its codes are classes, not amounts, and a regression on them would predict codes between classes; "
                 "train on a 0/1 indicator of one class instead \\(its predictions are that class's probability\\), "
                 "e.g. cdo eqc,1 lc.nc lc_forest.nc .* or ncap2 -s 'lc_forest=\\(lc==1\\)' lc.nc lc_forest.nc$",
                 id="classes"),
    pytest.param({"flag_masks": np.array([1, 2, 4], "i1"), "flag_meanings": "cloud land snow"},
                 "is a CF flag variable \\(flag_masks 1 2 4: cloud land snow\\).*ncap2 -s 'lc_cloud=\\(lc/1\\)%2'",
                 id="bit-field"),
])
def test_a_flag_target_of_more_than_two_values_is_refused_in_one_line(attrs, message):
    dataset = xr.Dataset({"lc": _variable(**attrs)})
    with pytest.raises(ClimannError, match=message) as error:
        refuse_flag_target(dataset, "lc", where="lc.nc")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("attrs", [
    pytest.param({"flag_values": np.array([0, 1], "i1"), "flag_meanings": "sea land"}, id="two-valued-flag"),
    pytest.param({"units": "K"}, id="not-a-flag"),
])
def test_a_two_valued_flag_or_an_amount_is_a_target(attrs):
    refuse_flag_target(xr.Dataset({"lc": _variable(**attrs)}), "lc", where="lc.nc")
