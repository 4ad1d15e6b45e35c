"""Where a GRIB file's messages begin and end (climann.data.grib_framing), checked against the
offset and length ecCodes gives each message it reads of the whole file."""

from pathlib import Path

import numpy as np
import pytest

from climann.data.grib_framing import CutMessage, cut_message, grib_start
from climann.data.paths import is_grib
from tests.grib_files import write_grib_messages

LATITUDES = np.array([10.0, 0.0, -10.0])
LONGITUDES = np.array([0.0, 10.0, 20.0, 30.0])
SAMPLES = {"grib1": "regular_ll_sfc_grib1", "grib2": "regular_ll_sfc_grib2"}
#: A WMO bulletin's starting line and abbreviated heading, as a GTS feed writes it before GRIB.
HEADING = b"\x01\r\r\n123\r\r\nHRPA50 ECMF 061200\r\r\n"
#: A bulletin's end (CR CR LF ETX), between one bulletin's message and the next heading.
BULLETIN_END = b"\r\r\n\x03"


def _monthly(path: Path, edition: str, n_months: int = 24) -> Path:
    fields = 280 + np.random.default_rng(43).normal(size=(n_months, len(LATITUDES), len(LONGITUDES)))
    messages = [({"dataDate": 19900101 + (month // 12) * 10000 + (month % 12) * 100, "dataTime": 0}, fields[month])
                for month in range(n_months)]
    return write_grib_messages(path, messages, latitudes=LATITUDES, longitudes=LONGITUDES, sample=SAMPLES[edition])


def _spans(path: Path) -> list[tuple[int, int]]:
    """(offset, totalLength) of each message, as ecCodes reads them."""
    eccodes = pytest.importorskip("eccodes")
    spans = []
    with open(path, "rb") as file:
        while (message := eccodes.codes_grib_new_from_file(file, headers_only=True)) is not None:
            spans.append((int(eccodes.codes_get(message, "offset")), int(eccodes.codes_get(message, "totalLength"))))
            eccodes.codes_release(message)
    return spans


@pytest.mark.parametrize("edition", [pytest.param(edition, id=edition) for edition in SAMPLES])
def test_a_whole_file_has_no_message_cut(tmp_path, edition):
    assert cut_message(_monthly(tmp_path / "a.grib", edition)) is None


#: Where the cut falls in message ``number`` (from 1): bytes of it kept, from its length; and
#: whether its length can be read (edition 1's Section 0 is 8 octets, edition 2's 16).
CUTS = [
    pytest.param(6, lambda length: length // 2, {"grib1": True, "grib2": True}, id="middle-of-message-6"),
    pytest.param(6, lambda length: length - 1, {"grib1": True, "grib2": True}, id="one-byte-short"),
    pytest.param(6, lambda length: 10, {"grib1": True, "grib2": False}, id="in-section-0"),
    pytest.param(6, lambda length: 2, {"grib1": False, "grib2": False}, id="after-GR"),
    pytest.param(1, lambda length: length // 2, {"grib1": True, "grib2": True}, id="first-message"),
]


@pytest.mark.parametrize("edition", [pytest.param(edition, id=edition) for edition in SAMPLES])
@pytest.mark.parametrize(("number", "kept", "length_known"), CUTS)
def test_the_message_cut_short_is_the_one_ecCodes_places_at_the_cut(tmp_path, edition, number, kept, length_known):
    """break43: cfgrib read the whole messages before a cut as the whole file (5 of 24 months, exit 0)."""
    whole = _monthly(tmp_path / "whole.grib", edition)
    offset, length = _spans(whole)[number - 1]
    cut = tmp_path / "cut.grib"
    cut.write_bytes(whole.read_bytes()[:offset + kept(length)])
    expected = CutMessage(number, offset, length if length_known[edition] else None, offset + kept(length))
    assert cut_message(cut) == expected


@pytest.mark.parametrize(("n_longitudes", "large"), [
    pytest.param(2000, False, id="8-16MiB-length-itself"),
    pytest.param(3000, True, id="over-16MiB-in-units-of-120"),
])
def test_a_large_grib1_message_ends_where_ecCodes_ends_it(tmp_path, n_longitudes, large):
    """ECMWF's large GRIB1: a length with its top bit set is in units of 120 octets only where
    Section 4's length is under 120; the walk lands on the next message exactly."""
    latitudes, longitudes = np.linspace(89.9, -89.9, 2000), np.linspace(0.0, 359.82, n_longitudes)
    big = np.random.default_rng(1).normal(size=(len(latitudes), len(longitudes)))
    first = write_grib_messages(tmp_path / "big.grib", [({"bitsPerValue": 24}, big)], latitudes=latitudes,
                                longitudes=longitudes, sample=SAMPLES["grib1"])
    second = _monthly(tmp_path / "small.grib", "grib1", n_months=1)
    both = tmp_path / "both.grib"
    both.write_bytes(first.read_bytes() + second.read_bytes())
    spans = _spans(both)
    assert (int.from_bytes(both.read_bytes()[4:7], "big") & 0x800000) and (spans[0][1] > 1 << 24) == large
    assert cut_message(both) is None
    cut = tmp_path / "cut.grib"
    cut.write_bytes(both.read_bytes()[:spans[1][0] + 20])
    assert cut_message(cut) == CutMessage(2, spans[1][0], spans[1][1], spans[1][0] + 20)


@pytest.mark.parametrize("heading", [
    pytest.param(HEADING, id="starting-line-and-heading"),
    pytest.param(b"0000012300\x01\r\r\n456\r\r\nYTXA98 KWBC 061200 RRA\r\r\n", id="file-transfer-length-and-BBB"),
    pytest.param(b"HRPA50 ECMF 061200\n", id="heading-alone-LF"),
])
def test_grib_behind_a_wmo_heading_begins_after_it(tmp_path, heading):
    whole = _monthly(tmp_path / "a.grib2", "grib2", n_months=1).read_bytes()
    assert grib_start(heading + whole[:64]) == len(heading)
    (tmp_path / "a.bin").write_bytes(heading + whole)
    assert is_grib(tmp_path / "a.bin")


@pytest.mark.parametrize("head", [
    pytest.param(b"CDF\x01\x00\x00\x00\x00", id="netcdf3"),
    pytest.param(b"\x89HDF\r\n\x1a\n", id="netcdf4"),
    pytest.param(b"<html><body>503 GRIB service unavailable</body></html>", id="html-naming-grib"),
    pytest.param(b"HRPA50 ECMF 061200\r\r\nBUFR", id="wmo-bufr"),
])
def test_other_first_bytes_are_not_grib(tmp_path, head):
    (tmp_path / "a.bin").write_bytes(head)
    assert grib_start(head) is None
    assert not is_grib(tmp_path / "a.bin")
    assert cut_message(tmp_path / "a.bin") is None


def test_bulletins_of_one_message_each_are_walked_across_their_headings(tmp_path):
    """A GTS feed's file: each message in a bulletin of its own (heading, GRIB, CR CR LF ETX)."""
    single = [_monthly(tmp_path / f"m{month}.grib2", "grib2", n_months=1).read_bytes() for month in range(4)]
    feed = tmp_path / "feed.bin"
    feed.write_bytes(b"".join(HEADING + message + BULLETIN_END for message in single))
    spans = _spans(feed)
    assert len(spans) == 4 and cut_message(feed) is None
    cut = tmp_path / "cut.bin"
    cut.write_bytes(feed.read_bytes()[:spans[2][0] + 50])
    assert cut_message(cut) == CutMessage(3, spans[2][0], spans[2][1], spans[2][0] + 50)
