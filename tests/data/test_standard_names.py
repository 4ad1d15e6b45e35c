"""The one rule for a standard_name that names no quantity (climann/data/standard_names.py)."""

import pytest

from climann.data.standard_names import standard_name_of


@pytest.mark.parametrize(("attrs", "expected"), [
    pytest.param({"standard_name": "air_temperature"}, "air_temperature", id="named"),
    pytest.param({"standard_name": " air_temperature "}, "air_temperature", id="blanks"),
    pytest.param({"standard_name": "unknown"}, "", id="cfgrib-unknown"),
    pytest.param({"standard_name": "Unknown "}, "", id="unknown-any-case"),
    pytest.param({"standard_name": ""}, "", id="empty"),
    pytest.param({}, "", id="absent"),
])
def test_a_placeholder_is_no_standard_name(attrs, expected):
    assert standard_name_of(attrs) == expected
