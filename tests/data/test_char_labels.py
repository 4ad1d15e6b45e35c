"""Labels stored as char arrays (climann/data/char_labels.py): CMOR's ``char vegtype(vegtype,
strlen)`` is selected by its plain names and shown as them, exactly as the same labels stored
as NetCDF-4 strings (break33a A7)."""

from __future__ import annotations

import netCDF4
import numpy as np
import pytest

from climann.data.char_labels import as_text
from climann.data.info import describe
from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError

PFTS = ("bare", "grass", "crop", "broadleaf_deciduous", "needleleaf_evergreen")


def _fractions() -> np.ndarray:
    """Plant functional type fractions in %, shape (5, 3, 4): PFT k is 10·k + cell index."""
    return (10.0 * np.arange(5)[:, None, None] + np.arange(12).reshape(3, 4)[None]).astype(np.float32)


def _write_pft_file(path, *, stored: str, padding: bytes = b"\0") -> None:
    """``landCoverFrac(vegtype, lat, lon)`` in %, its labels as CMOR writes them (``char``,
    padded to 24 characters with ``padding``) or as NetCDF-4 strings (``stored="string"``)."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("vegtype", 5)
        nc.createDimension("strlen", 24)
        nc.createDimension("lat", 3)
        nc.createDimension("lon", 4)
        if stored == "char":
            labels = nc.createVariable("vegtype", "S1", ("vegtype", "strlen"))
            labels[:] = netCDF4.stringtochar(np.array([name.encode().ljust(24, padding) for name in PFTS], "S24"))
        else:
            labels = nc.createVariable("vegtype", str, ("vegtype",))
            for index, name in enumerate(PFTS):
                labels[index] = name
        labels.standard_name = "area_type"
        for name, values, units in (("lat", [50.0, 51.0, 52.0], "degrees_north"),
                                    ("lon", [10.0, 11.0, 12.0, 13.0], "degrees_east")):
            coordinate = nc.createVariable(name, "f8", (name,))
            coordinate.units = units
            coordinate[:] = values
        fraction = nc.createVariable("landCoverFrac", "f4", ("vegtype", "lat", "lon"))
        fraction.units = "%"
        fraction.coordinates = "vegtype"
        fraction[:] = _fractions()


@pytest.mark.parametrize("padding", [pytest.param(b"\0", id="nul_padded"), pytest.param(b" ", id="blank_padded")])
def test_a_char_label_is_selected_by_its_plain_name(tmp_path, padding):
    _write_pft_file(tmp_path / "pft_char.nc", stored="char", padding=padding)
    opened = select_values(open_dataset([tmp_path / "pft_char.nc"]), {"vegtype": "broadleaf_deciduous"})
    np.testing.assert_array_equal(opened["landCoverFrac"].values, _fractions()[3])
    assert opened["vegtype"].item() == "broadleaf_deciduous"


def test_char_and_string_labels_open_alike(tmp_path):
    _write_pft_file(tmp_path / "pft_char.nc", stored="char")
    _write_pft_file(tmp_path / "pft_string.nc", stored="string")
    char, string = (open_dataset([tmp_path / name]) for name in ("pft_char.nc", "pft_string.nc"))
    assert char["vegtype"].values.tolist() == string["vegtype"].values.tolist() == list(PFTS)


def test_a_name_not_among_char_labels_is_refused_listing_them_as_text(tmp_path):
    _write_pft_file(tmp_path / "pft_char.nc", stored="char")
    with pytest.raises(ClimannError) as refused:
        select_values(open_dataset([tmp_path / "pft_char.nc"]), {"vegtype": "shrub"})
    assert "bare, grass, crop" in str(refused.value) and "b'" not in str(refused.value)


def test_info_lists_char_labels_as_text_and_advises_a_select_that_works(tmp_path):
    _write_pft_file(tmp_path / "pft_char.nc", stored="char")
    text = describe([str(tmp_path / "pft_char.nc")])
    assert "(bare, grass, crop, broadleaf_deciduous" in text.replace("\n#      ", "").replace("\n#       ", " ")
    assert 'select = {vegtype = "bare"}' in " ".join(text.replace("#", " ").split())
    assert "b'" not in text
    opened = select_values(open_dataset([tmp_path / "pft_char.nc"]), {"vegtype": "bare"})  # the advice, followed
    np.testing.assert_array_equal(opened["landCoverFrac"].values, _fractions()[0])


def test_as_text_strips_padding_and_keeps_undecodable_bytes_visible():
    texts = as_text(np.array([b"  GRAZ  ", b"WIEN\0\0", b"Z\xfcrich"]))
    assert texts.tolist() == ["GRAZ", "WIEN", "Z\ufffdrich"]
