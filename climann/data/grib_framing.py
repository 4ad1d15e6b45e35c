"""Where a GRIB file's messages begin and end, from their bytes: a file that is GRIB behind a
WMO bulletin heading, and a file cut short inside a message.

Every GRIB message (WMO Manual on Codes, FM 92 GRIB, Section 0) begins with ``GRIB`` and says
its own length: three octets after it in edition 1 (octets 5–7), eight in edition 2 (octets
9–16), and ends with ``7777`` (Section 5 of edition 1, Section 8 of edition 2). ecCodes reads a
file message by message, skipping bytes between them; two kinds of file are then misread:

- **Cut short inside a message** (a download or copy that did not finish). cfgrib logs
  ecCodes' ``PrematureEndOfFileError`` as ``skipping corrupted Message`` with a traceback and
  reads the whole messages before the cut as the whole file: 5 of 24 months, exit 0. The
  message whose promised length reaches beyond the end of the file is found here
  (:func:`cut_message`), reading 16 bytes per message, and the file refused in one line
  (:func:`cut_message_text`).
- **GRIB behind a WMO abbreviated heading** (``\\x01\\r\\r\\n123\\r\\r\\nHRPA50 ECMF 061200\\r\\r\\n``
  before ``GRIB``: a bulletin off the GTS, WMO-No. 386 Manual on the GTS, Part II, 2.3), which
  ecCodes and cfgrib read, was taken for a NetCDF file by its first bytes. :func:`grib_start`
  finds its first message after such a heading.

Edition 1 messages over 16 MiB (ECMWF's "large GRIB1") count their length in units of 120
octets with its top bit set, and say so by a Section 4 length under 120 (the padding to take
away): ecCodes ``grib_io.c`` ``read_GRIB``; a length with its top bit set and a longer Section 4
is the length itself (8–16 MiB).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GRIB_MAGIC", "CutMessage", "cut_message", "cut_message_text", "grib_start"]

#: The first bytes of a GRIB message, edition 1 and 2 (FM 92 GRIB, Section 0: "GRIB" in CCITT IA5).
GRIB_MAGIC = b"GRIB"

#: The last bytes of a GRIB message ("7777" in CCITT IA5).
END_MARKER = b"7777"

#: A WMO bulletin's envelope before its GRIB message: an optional file-transfer length and
#: format identifier (8 + 2 digits, Manual on the GTS, Attachment II-15), the starting line
#: (SOH, CR CR LF, a channel sequence number) and the abbreviated heading ``TTAAii CCCC YYGGgg
#: [BBB]`` (Manual on the GTS, Part II, 2.3.2), lines ended by CR CR LF (or LF, once copied).
WMO_HEADING = re.compile(
    rb"(?:\d{10})?\x01?[\r\n]*(?:\d{3,5}[\r\n]+)?"
    rb"[A-Z]{4}\d{2} [A-Z0-9]{4} \d{6}(?: [A-Z]{3})?[\r\n]+(?=GRIB)"
)

#: Bytes read at the start of a file to find its first message (a heading is under 60 bytes).
HEAD_BYTES = 128

#: :func:`_message_end` of a message whose file ends before its length can be read.
_BEFORE_ITS_LENGTH = -1

#: Bytes read at a time while looking for the next message between messages.
_CHUNK = 1 << 16


def grib_start(head: bytes) -> int | None:
    """Where the first GRIB message begins in a file whose first bytes are ``head``: 0 when it
    begins with ``GRIB``, after a WMO bulletin heading (:data:`WMO_HEADING`) when one precedes
    it, None otherwise (not GRIB, or GRIB after other bytes ecCodes would also skip, which
    climann does not take for GRIB by its bytes).

    Example
    -------
    ``grib_start(b"GRIB...")`` is 0; ``grib_start(b"\\x01\\r\\r\\n123\\r\\r\\nHRPA50 ECMF 061200\\r\\r\\nGRIB...")``
    is 32; ``grib_start(b"CDF\\x01...")`` is None.
    """
    if head.startswith(GRIB_MAGIC):
        return 0
    heading = WMO_HEADING.match(head)
    return heading.end() if heading else None


@dataclass(frozen=True)
class CutMessage:
    """A GRIB message that the end of its file cuts short.

    Attributes
    ----------
    number : int
        Its place in the file, from 1 (the messages before it are whole).
    start : int
        Its first byte's offset in the file.
    length : int or None
        The octets it says it holds (Section 0), None where the file ends before saying so.
    size : int
        The file's size in bytes.
    """

    number: int
    start: int
    length: int | None
    size: int


def cut_message(path: str | os.PathLike) -> CutMessage | None:
    """The message of a GRIB file that its end cuts short (its length, Section 0, reaches beyond
    the file's last byte), or None when every message is whole.

    Reads 16 bytes per message, walking from one message to the next by their lengths; bytes
    between messages (a WMO bulletin's ending and next heading, padding) are skipped to the next
    ``GRIB``, as ecCodes skips them. A file that does not begin as GRIB (:func:`grib_start`) is
    None; so is a message of an edition other than 1 and 2, where the walk stops.

    Parameters
    ----------
    path : str or os.PathLike
        A file.

    Returns
    -------
    CutMessage or None

    Raises
    ------
    OSError
        If the file cannot be read.
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        start = grib_start(handle.read(HEAD_BYTES))
        number = 0
        while start is not None:
            number += 1
            handle.seek(start)
            section0 = handle.read(16)  # edition 1's Section 0 is 8 octets, edition 2's 16
            if len(section0) < 8 or (section0[7] == 2 and len(section0) < 16):
                return CutMessage(number, start, None, size)
            end = _message_end(handle, start, section0)
            if end is None:
                return None
            if end == _BEFORE_ITS_LENGTH:
                return CutMessage(number, start, None, size)
            if end > size:
                return CutMessage(number, start, end - start, size)
            start = _next_start(handle, end, size)
            if start == -1:  # the file ends inside the next message's "GRIB"
                return CutMessage(number + 1, size - _partial_magic(handle, size), None, size)
    return None


def _message_end(handle, start: int, section0: bytes) -> int | None:
    """The offset after the last byte of the message at ``start`` (its Section 0 is ``section0``),
    beyond the file's end where the file cuts it; :data:`_BEFORE_ITS_LENGTH` where the file ends
    before saying it; None for an edition this walk does not know."""
    edition = section0[7]
    if edition == 2:
        return start + int.from_bytes(section0[8:16], "big")
    if edition != 1:
        return None
    length = int.from_bytes(section0[4:7], "big")
    if length & 0x800000:
        section4 = _grib1_section4_length(handle, start)
        if section4 is None:  # the file ends before Section 4 says how to read the length
            return _BEFORE_ITS_LENGTH
        if section4 < 120:  # large GRIB1: in units of 120 octets, less Section 4's padding
            length = (length & 0x7FFFFF) * 120 - section4 + len(END_MARKER)
    return start + length


def _grib1_section4_length(handle, start: int) -> int | None:
    """The length field of Section 4 of the GRIB1 message at ``start`` (after Section 1, and
    Sections 2 and 3 where Section 1's flag octet 8 says they are there), None where the file
    ends before it."""
    position = start + 8
    handle.seek(position)
    section1 = handle.read(8)
    if len(section1) < 8:
        return None
    position += int.from_bytes(section1[:3], "big")
    for present in (section1[7] & 0x80, section1[7] & 0x40):  # Section 2 (grid), Section 3 (bit map)
        if present:
            handle.seek(position)
            field = handle.read(3)
            if len(field) < 3:
                return None
            position += int.from_bytes(field, "big")
    handle.seek(position)
    field = handle.read(3)
    return int.from_bytes(field, "big") if len(field) == 3 else None


def _next_start(handle, position: int, size: int) -> int | None:
    """The offset of the next ``GRIB`` at or after ``position``; None when none follows; -1
    when the file ends with the first bytes of one (``G``, ``GR``, ``GRI``)."""
    handle.seek(position)
    while position < size:
        chunk = handle.read(_CHUNK + len(GRIB_MAGIC) - 1)
        found = chunk.find(GRIB_MAGIC)
        if found >= 0:
            return position + found
        position += _CHUNK
        handle.seek(position)
    return -1 if _partial_magic(handle, size) else None


def _partial_magic(handle, size: int) -> int:
    """How many of ``GRIB``'s first bytes (1–3) the file ends with, 0 if none."""
    handle.seek(max(size - len(GRIB_MAGIC) + 1, 0))
    tail = handle.read()
    return next((n for n in range(len(GRIB_MAGIC) - 1, 0, -1) if tail.endswith(GRIB_MAGIC[:n])), 0)


def cut_message_text(path: Path, cut: CutMessage, *, shown: str | None = None) -> str:
    """The one-line refusal of a GRIB file that ``cut`` (:func:`cut_message`) cuts short: which
    message, how much of it the file holds, what would be read otherwise, and how to see it with
    ``grib_ls`` (ecCodes, which lists the whole messages and stops at an "unreadable message")
    or ``cdo sinfo`` (the time steps it reads).

    Parameters
    ----------
    path : Path
        The file.
    cut : CutMessage
        Its message cut short.
    shown : str, optional
        The file as a shell word for the commands; ``path`` as it is when not given.
    """
    word = shown or str(path)
    held = cut.size - cut.start
    if cut.length is None:
        reach = f"ends after {held:,} of its bytes, before the octets that say its length"
    else:
        reach = f"is {cut.length:,} bytes long but the file ends {held:,} bytes into it"
    whole = cut.number - 1
    if not whole:
        return (f"{path} is cut short (a download or copy that did not finish): its first message {reach}, and no "
                f"other follows; grib_ls {word} stops at 'unreadable message'; fetch or copy the file again")
    messages = f"{whole} whole message{'s' if whole != 1 else ''}"
    return (f"{path} is cut short (a download or copy that did not finish): its message {cut.number} (from byte "
            f"{cut.start:,}) {reach}; only the {messages} before it would be read, as if they were the whole file. "
            f"grib_ls {word} lists the {messages} and stops at 'unreadable message' (cdo sinfo {word}: the time "
            f"steps they hold); fetch or copy the file again")
