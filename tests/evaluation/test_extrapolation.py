"""Tests for climann/evaluation/extrapolation.py: inputs outside the training range."""

import numpy as np
import pytest

from climann.evaluation.extrapolation import (
    check_extrapolation, extrapolation_message, feature_units, outside_training_range,
)

RANGES = {"names": ["orog", "lat"], "min": [0.0, -30.0], "max": [3100.0, 30.0]}


def test_outside_is_beyond_the_range_by_more_than_one_percent_of_its_width_and_never_a_missing_value():
    # widths 3100 m and 60°: margins 31 m and 0.6°
    inputs = np.array([[0.0, -30.0], [3100.0, 30.0], [3130.0, 30.5], [3132.0, 0.0], [-31.5, -30.7],
                       [np.nan, 45.0]])
    flags = outside_training_range(inputs, np.array(RANGES["min"]), np.array(RANGES["max"]))
    expected = np.array([[False, False], [False, False], [False, False], [True, False], [True, True],
                         [False, True]])
    np.testing.assert_array_equal(flags, expected)


def test_the_summary_names_each_feature_outside_with_its_share_and_ranges():
    rng = np.random.default_rng(0)
    orog = rng.uniform(0, 5800, 1000)
    lat = rng.uniform(-60, 60, 1000)
    extrapolation = check_extrapolation(np.column_stack([orog, lat]), RANGES)
    high, wide = orog > 3100 + 31, np.abs(lat) > 30 + 0.6  # beyond 1 % of the range's width
    np.testing.assert_array_equal(extrapolation.outside, high | wide)
    assert extrapolation.fraction == pytest.approx(np.mean(high | wide))
    assert extrapolation.features["orog"] == {"fraction": pytest.approx(high.mean()), "training_range": [0.0, 3100.0],
                                              "range_here": [orog.min(), orog.max()]}
    assert extrapolation.features["lat"]["fraction"] == pytest.approx(wide.mean())
    message = extrapolation_message(extrapolation, {"orog": "m"})
    assert message.startswith(f"{100 * np.mean(high | wide):.0f} % of samples lie outside the training range of orog "
                              f"(max 3100 m seen, up to {orog.max():.4g} m here: {100 * high.mean():.0f} % of samples), "
                              "lat (min -30.00 degrees_north seen, down to")  # as many digits as its neighbour


def test_a_side_within_the_tolerance_is_not_listed():
    """break28b A7: "orog (min 6.172e-17 m seen, down to 0 m here; max 14.73 m seen, up to 27.42 m
    here)": 0 m is within 1 % of the range's width (0.15 m) of the minimum, so not outside."""
    inputs = np.array([[0.0 - 30.0, 0.0], [3100.0 + 40.0, 0.0]])  # below by 30 m (< 31 m), above by 40 m
    extrapolation = check_extrapolation(inputs, RANGES)
    assert extrapolation.outside.tolist() == [False, True]
    message = extrapolation_message(extrapolation, {"orog": "m"})
    assert message == ("50 % of samples lie outside the training range of orog (max 3100 m seen, up to 3140 m "
                       "here); the predictions there are extrapolations")


def test_inside_the_range_there_is_nothing_to_say():
    extrapolation = check_extrapolation(np.array([[10.0, 0.0], [3000.0, 29.0]]), RANGES)
    assert not extrapolation.outside.any() and extrapolation.features == {}
    assert extrapolation_message(extrapolation) is None
    assert extrapolation.summary() == {"fraction": 0.0, "features": {}}


@pytest.mark.parametrize(("share", "text"), [pytest.param(0.032, "3.2 %", id="percent"),
                                             pytest.param(0.00041, "0.041 %", id="small"),
                                             pytest.param(0.456, "46 %", id="large")])
def test_shares_are_written_as_percentages(share, text):
    n = 100_000
    inputs = np.zeros((n, 2))
    inputs[: round(share * n), 0] = 5000.0
    assert extrapolation_message(check_extrapolation(inputs, RANGES)).startswith(f"{text} of samples")


@pytest.mark.parametrize("name, expected", [
    pytest.param("tos_lag1", "K", id="lag-of-the-target"),
    pytest.param("uas_lag12_cell3", "m s-1", id="field-mode-lag-cell"),
    pytest.param("tas_global_mean", "K", id="global-mean"),
    pytest.param("tas_mean_-5_5_190_240", "K", id="regional-mean"),
    pytest.param("tas_anomaly", "K", id="anomaly"),
    pytest.param("tas_max_lag2", "degC", id="the-longest-variable-name"),
    pytest.param("tas_max", "degC", id="a-variable-of-its-own"),
    pytest.param("tas_range", "", id="not-a-derived-suffix"),
    pytest.param("lat", "degrees_north", id="lat"),
])
def test_a_derived_feature_has_the_units_of_its_variable(name, expected):
    assert feature_units(name, {"tos": "K", "uas": "m s-1", "tas": "K", "tas_max": "degC"}) == expected


def test_the_summary_gives_a_lags_range_in_its_variables_units():
    """05_zarr's warning said `tos_lag1 (min 262.8 seen, down to 262 here; …)`, without K."""
    ranges = {"names": ["uas", "tos_lag1"], "min": [-5.72, 262.8], "max": [6.0, 305.0]}
    extrapolation = check_extrapolation(np.array([[0.0, 262.0], [-7.0, 300.0]]), ranges)
    message = extrapolation_message(extrapolation, {"tos": "K", "uas": "m s-1"})
    assert "uas (min -5.72 m s-1 seen, down to -7 m s-1 here: 50 % of samples), " \
           "tos_lag1 (min 262.8 K seen, down to 262 K here: 50 %)" in message


@pytest.mark.parametrize("unit, written", [
    pytest.param("0.001", "37.02 (units 0.001)", id="cmip-salinity"),
    pytest.param("1e-3", "37.02 (units 1e-3)", id="exponent"),
    pytest.param("psu", "37.02 psu", id="word"),
    pytest.param("1", "37.02", id="one"),
])
def test_a_unit_that_is_itself_a_number_is_not_read_as_a_second_number(unit, written):
    """CMIP writes salinity in units "0.001": "max 37.02 0.001 seen" read as two numbers (break22a F2)."""
    ranges = {"names": ["sos"], "min": [30.0], "max": [37.02]}
    message = extrapolation_message(check_extrapolation(np.array([[31.0], [37.5]]), ranges), {"sos": unit})
    assert f"(max {written} seen, up to 37.5" in message


def test_the_two_ends_are_printed_to_the_digits_that_tell_them_apart():
    """break42b A8: "max 2044 mmol/m3 seen, up to 2044 mmol/m3 here": both ends to 4 digits were one number."""
    ranges = {"names": ["no3"], "min": [2000.0123], "max": [2043.6]}  # width 43.6: margin 0.436
    extrapolation = check_extrapolation(np.array([[2044.4], [1999.4]]), ranges)
    assert extrapolation.outside.tolist() == [True, True]
    message = extrapolation_message(extrapolation, {"no3": "mmol/m3"})
    assert message == ("100 % of samples lie outside the training range of no3 (min 2000 mmol/m3 seen, down to "
                       "1999 mmol/m3 here; max 2043.6 mmol/m3 seen, up to 2044.4 mmol/m3 here); the predictions "
                       "there are extrapolations")


@pytest.mark.parametrize(("seen", "here", "texts"), [(5.0, 4.9997, ("5.0000", "4.9997")),
                                                     (2043.6, 2044.4, ("2043.6", "2044.4")),
                                                     (0.1, 0.1200001, ("0.1000", "0.1200")), (-5.72, -7.0, ("-5.72", "-7"))])
def test_the_two_ends_show_as_many_digits_as_each_other(seen, here, texts):
    """break46e A2's kind: two numbers set side by side show the same significant digits, the
    rounding's trailing zeros kept ("5" beside "4.9997" read as a coarser number), and differ as numbers;
    two values written exactly ("-5.72", "-7") are left as they are."""
    from climann.evaluation.extrapolation import distinct_texts

    shown = distinct_texts(seen, here)
    assert shown == texts
    assert float(shown[0]) != float(shown[1])
    for text, value in zip(shown, (seen, here), strict=True):  # each the value rounded: numpy's own rounding
        digits = len(text.lstrip("-").replace(".", "").lstrip("0"))
        assert float(text) == float(np.format_float_positional(value, precision=digits, unique=False,
                                                               fractional=False))
