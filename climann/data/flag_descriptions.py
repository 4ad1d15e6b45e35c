"""What each bit of a flag variable says, in its producer's words: the ``flag_descriptions`` attribute.

CF §3.5 gives a flag variable one word per code or bit (``flag_meanings``), and a word may not
say enough: OSI SAF's sea-ice concentration CDR (OSI-450-a) calls bit 16 of its ``status_flag``
``high_t2m``, which names a condition, not what the producer made of it. Its ``flag_descriptions``
(not a CF attribute; OSI SAF writes one line per bit) say it: ``bit 5 (flag 16): Handle with
caution, the 2m air temperature is high at this position, and this might be false ice``, beside
``bit 3 (flag 4): SIC is set to zero by the open water filter``. :func:`bit_descriptions` reads
them per mask, and :func:`is_cautious` tells a description that asks for caution (a value that
may be wrong, neither good nor bad) from one that states a condition or a processing step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = ["CAUTION_WORDS", "bit_descriptions", "is_cautious"]

#: ``(flag 16)``, ``flag 16:``, ``16:`` or ``16 =`` at the start of a line, after an optional
#: ``bit 5``: the mask a line describes (OSI SAF numbers its bits from 1 and gives the mask in
#: parentheses: the mask decides, never the bit's number).
_MASK = re.compile(r"^\s*(?:bit\s*\d+\s*)?(?:\(\s*flag\s+(?P<paren>\d+)\s*\)|(?:flag\s+)?(?P<plain>\d+))\s*[:=]",
                   re.IGNORECASE)

#: Words of a description that ask the user for caution: the value may be wrong, or may not
#: (OSI SAF's "Handle with caution … this might be false ice"; "possibly contaminated" is bad
#: by its other word, :data:`climann.data.quality_levels._BAD_BIT_WORDS`).
CAUTION_WORDS = frozenset({"caution", "cautious", "cautiously", "might", "may", "possibly", "possible", "perhaps",
                           "potentially", "suspect", "suspected", "suspicious", "doubtful", "questionable",
                           "uncertain", "unsure", "careful", "carefully"})


def _lines(raw: object) -> list[str]:
    """The attribute's lines: a text split at its line breaks, or an array of texts (NetCDF-4
    strings) each split so."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    parts = [raw] if isinstance(raw, str) else [str(part) for part in list(raw)] if raw is not None else []
    return [line.strip() for part in parts for line in part.splitlines() if line.strip()]


def bit_descriptions(attrs: Mapping[str, object], masks: Sequence[int]) -> dict[int, str]:
    """The description of each mask of a flag variable of bit masks, from its ``flag_descriptions``.

    Parameters
    ----------
    attrs : mapping
        The flag variable's attributes; ``flag_descriptions`` is read when present.
    masks : sequence of int
        Its ``flag_masks``, unsigned (:func:`climann.data.flag_codes.unsigned_masks`).

    Returns
    -------
    dict of int to str
        Each mask a line names (``bit 5 (flag 16): …``, ``16: …``) with the text after the mask;
        else, when the lines name no masks but are as many as ``masks`` (a line of all bits 0,
        ``flag 0``, left out), the lines in the order of ``masks``; else empty (nothing is
        guessed).

    Examples
    --------
    >>> bit_descriptions({"flag_descriptions": "\\n all bits to 0 (flag 0): Nominal retrieval\\n"
    ...                   " bit 1 (flag 1): Position is over land\\n bit 5 (flag 16): Handle with caution"}, [1, 16])
    {1: 'Position is over land', 16: 'Handle with caution'}
    """
    lines = _lines(attrs.get("flag_descriptions"))
    wanted = {int(mask) for mask in masks}
    found: dict[int, str] = {}
    for line in lines:
        named = _MASK.match(line)
        if named and int(named["paren"] or named["plain"]) in wanted:
            found.setdefault(int(named["paren"] or named["plain"]), line[named.end():].strip())
    if found:
        return found
    rest = [line for line in lines if not _MASK.match(line) and not line.lower().startswith("all bits")]
    return dict(zip((int(mask) for mask in masks), rest)) if len(rest) == len(masks) else {}


def is_cautious(description: str) -> bool:
    """Whether a bit's description asks for caution (:data:`CAUTION_WORDS`): its values may be
    wrong, and the producer leaves the choice to the user.

    >>> is_cautious("Handle with caution, the 2m air temperature is high at this position, and this might be "
    ...             "false ice"), is_cautious("SIC is set to zero by the open water filter")
    (True, False)
    """
    return bool(set(re.split(r"[^a-z0-9]+", description.lower())) & CAUTION_WORDS)
