"""Labels stored as char arrays (climann/data/char_labels.py): CMOR's ``char vegtype(vegtype,
strlen)`` is selected by its plain names and shown as them, exactly as the same labels stored
as NetCDF-4 strings (break33a A7)."""

from __future__ import annotations

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.char_labels import as_text, with_char_labels_as_text
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


#: WAVEWATCH III point-output stations and their positions (degrees north, degrees east).
BUOYS = {"62029": (48.7, -12.4), "62081": (51.0, -13.3), "DIXON_ENT": (54.2, -132.4)}


def _write_ww3_points(path, *, string16_variable: bool, flags: bool = False) -> np.ndarray:
    """``hs(time, station)`` as ``ww3_ounp`` writes its bulk table: ``char station_name(station,
    string16)`` and, with ``string16_variable``, WW3's ``int string16(string16)`` (every value
    missing) on the names' dimension; with ``flags`` a one-character quality flag per time step,
    ``char qc(time)``. Returns hs, shape (24, 3)."""
    hs = (1.0 + np.arange(24)[:, None] * 0.1 + np.arange(3)[None, :]).astype(np.float32)
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", 24), ("station", 3), ("string16", 16)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time[:] = "days since 2010-01-01", "standard", np.arange(24) * 30.0
        nc.createVariable("station", "i4", ("station",))[:] = [1, 2, 3]
        if string16_variable:
            count = nc.createVariable("string16", "i4", ("string16",), fill_value=np.int32(-2147483647))
            count.long_name = "station_name number of characters"
        names = nc.createVariable("station_name", "S1", ("station", "string16"))
        names.long_name = "station name"
        names[:] = netCDF4.stringtochar(np.array([name.ljust(16) for name in BUOYS], "S16"))
        for index, (name, units) in enumerate((("latitude", "degrees_north"), ("longitude", "degrees_east"))):
            position = nc.createVariable(name, "f4", ("station",))
            position.units, position[:] = units, [place[index] for place in BUOYS.values()]
        if flags:
            nc.createVariable("qc", "S1", ("time",))[:] = np.array(list("AB" * 12), "S1")
        height = nc.createVariable("hs", "f4", ("time", "station"))
        height.units, height.coordinates = "m", "latitude longitude station_name"
        height[:] = hs
    return hs


@pytest.mark.parametrize("string16_variable", [pytest.param(True, id="ww3-int-string16-variable"),
                                               pytest.param(False, id="char-dimension-alone")])
def test_ww3_station_names_are_text_beside_a_variable_on_their_character_dimension(tmp_path, string16_variable):
    """break43c A4: WAVEWATCH III's ``int string16(string16)`` beside ``char station_name(station,
    string16)`` kept xarray from joining the characters: info listed ['6', '2', '0', '2', '9', '', …]
    and ``--select station=62029`` was refused."""
    hs = _write_ww3_points(tmp_path / "ww3_tab.nc", string16_variable=string16_variable)
    with xr.open_dataset(tmp_path / "ww3_tab.nc") as raw:
        read = with_char_labels_as_text(raw)
        assert read["station_name"].dims == ("station",) and read["station_name"].values.tolist() == list(BUOYS)
        assert "string16" not in read.variables and "string16" not in read.dims
    chosen = open_dataset([tmp_path / "ww3_tab.nc"], select={"station": "DIXON_ENT"})
    np.testing.assert_array_equal(chosen["hs"].values.ravel(), hs[:, 2])
    assert chosen["station_name"].values.item() == "DIXON_ENT"
    with pytest.raises(ClimannError, match=r"station_name: 62029, 62081, DIXON_ENT\)"):
        open_dataset([tmp_path / "ww3_tab.nc"])
    text = " ".join(describe([str(tmp_path / "ww3_tab.nc")]).replace("#", " ").split())
    assert "1: 62029, 2: 62081, 3: DIXON_ENT" in text and "['6'" not in text


def test_single_characters_along_a_dimension_other_variables_use_stay_characters(tmp_path):
    """A char array ending with a dimension that numbers also use (a one-letter flag per time
    step, ``char qc(time)``) is no string: its characters are not joined."""
    _write_ww3_points(tmp_path / "ww3_tab.nc", string16_variable=True, flags=True)
    with xr.open_dataset(tmp_path / "ww3_tab.nc") as raw:
        read = with_char_labels_as_text(raw)
        assert read["qc"].dims == ("time",) and read["qc"].values.tolist() == list("AB" * 12)
        assert read["station_name"].values.tolist() == list(BUOYS)
