"""Tests of climann.data.flag_codes: CF flag attributes read as the producer means them."""

import numpy as np
import pytest
import xarray as xr

from climann.data.flag_codes import flag_codes, unsigned_masks


def _variable(dtype: str, **attrs) -> xr.DataArray:
    return xr.DataArray(np.zeros(3, dtype), dims="x", attrs=attrs)


@pytest.mark.parametrize(("dtype", "text", "expected"), [
    pytest.param("i1", "1b, 64b, -128b", [1, 64, 128], id="signed-byte-cdl"),
    pytest.param("i2", "1 2 -32768", [1, 2, 32768], id="signed-short"),
    pytest.param("u1", "1 2 128", [1, 2, 128], id="unsigned-byte"),
])
def test_masks_written_as_text_are_the_bits_of_the_stored_type(dtype, text, expected):
    """Session 71: text masks with negative numbers were read as negative numbers, so that the advised bit test
    divided by -128; as a mask, -128 of a byte is bit 128 (two's complement: numpy's view as unsigned)."""
    codes = flag_codes(_variable(dtype, flag_masks=text), "flag_masks")
    assert codes.tolist() == expected
    signed = np.array([int(part.rstrip("bs")) for part in text.replace(",", " ").split()])
    assert codes.tolist() == signed.astype(dtype).view(f"u{np.dtype(dtype).itemsize}").tolist()


def test_text_values_stay_signed_and_a_float_variable_keeps_its_numbers():
    assert flag_codes(_variable("i1", flag_values="-1 0 1"), "flag_values").tolist() == [-1, 0, 1]
    assert flag_codes(_variable("f4", flag_masks="1 -2"), "flag_masks").tolist() == [1.0, -2.0]


def test_unsigned_masks_of_a_short():
    assert unsigned_masks(np.array([1, -32768], "i2")) == [1, 32768]
