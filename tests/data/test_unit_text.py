import pytest

from climann.data.unit_text import after_number


@pytest.mark.parametrize(("unit", "text"), [
    pytest.param("K", " K", id="a-unit"),
    pytest.param(" m s-1 ", " m s-1", id="stripped"),
    pytest.param("1", "", id="dimensionless"),  # "by up to 1 1" read as two numbers (break23a F7)
    pytest.param("", "", id="none"),
    pytest.param("0.001", " (units 0.001)", id="a-number"),  # CMIP's salinity: "37.02 0.001" reads as two numbers
])
def test_a_unit_after_a_number_reads_as_one(unit, text):
    assert f"5{after_number(unit)}" == f"5{text}"
