"""Refuse averaging of a non-quantity (climann/data/averaged_quantities.py): the loop that
refuse_direction_features and refuse_flag_features share."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from climann.data.averaged_quantities import AVERAGING_SETTINGS, refuse_averaged
from climann.errors import ClimannError


def _dataset():
    """tas (an amount), lc and soil (class codes, flag_values), on 2 cells."""
    codes = {"flag_values": np.array([10, 50, 70]), "flag_meanings": "crop forest water"}
    return xr.Dataset({"tas": ("cell", np.array([280.0, 290.0]), {"units": "K"}),
                       "lc": ("cell", np.array([10, 50]), codes),
                       "soil": ("cell", np.array([50, 70]), codes)})


def _classes(name, variable):
    values = variable.attrs.get("flag_values")
    return None if values is None else " ".join(str(value) for value in values)


def _message(dataset, name, setting, found):
    return f"{name} of {dataset[name].sizes['cell']} cells in [data] {setting} ({AVERAGING_SETTINGS[setting]}): {found}"


@pytest.mark.parametrize(("averaged", "expected"), [
    pytest.param({"global_means": ["tas"], "regional_means": ["lc", "soil"]},
                 "lc of 2 cells in [data] regional_means (--regional-means): 10 50 70", id="first-of-a-later-setting"),
    pytest.param({"global_means": ["absent", "soil"], "anomalies": ["lc"]},
                 "soil of 2 cells in [data] global_means (--global-means): 10 50 70", id="absent-skipped"),
    pytest.param({"anomalies": ["tas", "lc"]}, "lc of 2 cells in [data] anomalies (--anomalies): 10 50 70",
                 id="after-an-amount"),
])
def test_the_first_variable_its_reading_finds_is_refused_with_its_message(averaged, expected):
    with pytest.raises(ClimannError) as refused:
        refuse_averaged(_dataset(), averaged, reading=_classes, message=_message)
    assert str(refused.value) == expected


@pytest.mark.parametrize("averaged", [
    pytest.param({"global_means": ["tas"], "regional_means": ["tas"], "anomalies": ["tas"]}, id="amounts"),
    pytest.param({"global_means": ["absent"], "regional_means": [], "anomalies": []}, id="absent"),
    pytest.param({}, id="nothing-averaged"),
])
def test_amounts_and_absent_names_pass(averaged):
    assert refuse_averaged(_dataset(), averaged, reading=_classes, message=_message) is None
