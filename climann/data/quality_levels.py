"""A target whose own quality flag says some of its values are bad: the share, and the line that masks them.

GHRSST L2P/L3/L4 files (GHRSST Data Specification v2.0, GDS 2.0, "quality_level") give each
``sea_surface_temperature`` a ``quality_level`` named in its ``ancillary_variables`` (CF 1.8
§3.4), a CF flag variable (§3.5) with ``flag_values`` 0…5 and ``flag_meanings`` "no_data bad_data
worst_quality low_quality acceptable_quality best_quality". GDS 2.0 leaves the choice of levels
to the user's need: 0 and 1 are no data and bad data, 2 the worst usable; the warning names the
levels below 3 and masks them in a line the user may change. An L3C folder trained on every
level (break39b B4: 29.9 % of the values at levels 1 and 2, cloud-contaminated and 0.8 K too
cold) learns the clouds with the SST, without a word.

So when the target's ``ancillary_variables`` name a flag variable of ordered quality levels
(:func:`quality_flag`: ``flag_values`` whose every meaning is a quality word of
:data:`BAD_MEANINGS`, :data:`DOUBTFUL_MEANINGS` or :data:`USABLE_MEANINGS`, one at least not bad),
one warning (:func:`warn_low_quality_target`) says the share of the target's values at the bad
levels and gives the xarray line that masks them (a loop writing a copy of each file into a new
folder for several files, :func:`climann.data.shell.copies_of_files`); the run goes on, with them.
The doubtful levels (QARTOD's ``suspect``, Argo's ``interpolated_value``) are kept by that line,
named with their counts. Bit fields (``flag_masks``) are conditions, not levels: one of quality
(ESA CCI SM's ``flag``: ``snow_coverage_or_temperature_below_zero``, ``dense_vegetation`` …
``all_datasets_deemed_unreliable``) is warned of with the held values each bit flags and a line
that keeps those with none set, a bitwise test (``flag & 127 == 0``, the sum of the masks, which
the user may lessen). Bits whose meanings say only how a value was made
(:func:`is_provenance_meaning`: OSI SAF's ``open_water_filtered`` and ``spatial_interp``, CMEMS's
gap-free ``INTERPOLATED``) are no condition of quality: named as provenance, never in that line
(it deleted every open-water value of OSI-450, break50b A1); masks are the unsigned bits the
producer means (a signed byte's ``-128b`` is 128, :func:`~climann.data.flag_codes.unsigned_masks`). Where the flag has
``flag_descriptions`` (OSI SAF writes one line per bit), each bit's line is read too
(:func:`bit_reading`): OSI-450's ``high_t2m`` has no word of provenance, and its line, "Handle with
caution … this might be false ice", makes it doubtful, neither provenance nor bad: kept by the line,
named with its count and its description, for the user to leave out (fix51c).

A flag variable is one of quality only when something says so (:func:`is_quality_flag`: its
``standard_name``'s ``status_flag``/``quality_flag``, or a word of quality in its name, ``long_name``
or meanings): ESA CCI SM's ``dnflag`` (day, night), ``mode`` (ascending, descending), ``sensor`` and
``freqbandID`` describe how each value was observed, and advising to keep the day-night level that
held the most values dropped two thirds of ``sm`` for no reason of quality (break48b A3); GHRSST's
``l2p_flags`` (microwave, land, ice) are such descriptions too.

A flag variable of quality that the target's ``ancillary_variables`` name is the quality flag of
its values, whatever its levels' meanings (:func:`quality_flag_levels`): never a class variable to learn from (it
would tell the network where the target is wrong, :mod:`climann.data.defaults` leaves it out as
ancillary data). When its meanings are no quality words climann can rank, the warning says how
many of the target's values each level holds and gives the line that keeps the levels the user
trusts. The word lists miss no usual QC vocabulary by design: an urban station network's
``ta_qc``, "good suspect bad", fell out of them and its 1.09 % of spikes 15 °C off were trained and
scored on without a word, the test RMSE 1.805 °C where 0.770 without them (break43d A1).

ISMN's station files (the International Soil Moisture Network, Dorigo et al. 2013, "Global automated
quality control of in situ soil moisture data from the ISMN", Vadose Zone J.) name instead a flag
of text codes in the target's ``ancillary_variables`` (:func:`text_quality_flag`): ``G`` good,
``C01``…``C03`` beyond physical limits (``C03`` above the soil's saturation), ``D01``…``D10``
dubious (frozen soil, spikes, breaks), ``M`` missing. climann applies none of them: the same
warning says how many of the target's values are flagged other than good, by code, and gives the
line that keeps only those flagged ``G`` (break42a A6: 1 % of ``C03`` values at 0.6 m3 m-3 trained
and scored on without a word).

The counts are made in a run's one read of its target (:func:`planned_quality_counts`, computed
with the checks of :mod:`climann.data.value_checks` from the same dask blocks): the target's values
are read once for all, the flag once beside them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import dask
import numpy as np
import pandas as pd
import xarray as xr

from climann.data.fill_like import BlockReads, blocks_by_place, read_together
from climann.data.flag_codes import flag_codes, unsigned_masks
from climann.data.flag_descriptions import bit_descriptions, is_cautious
from climann.data.notes import note_once
from climann.data.paths import is_zarr_store
from climann.data.shell import copies_of_files, input_and_copy, xarray_command
from climann.data.sources import files_text, source_files

__all__ = ["BAD_MEANINGS", "DOUBTFUL_MEANINGS", "GOOD_CODES", "PROVENANCE_WORDS", "QUALITY_WORDS", "RANKED_MEANINGS",
           "USABLE_MEANINGS", "QualityCounts", "QualityFlag", "bit_reading", "is_provenance_meaning", "is_quality_flag",
           "masking_statements", "planned_quality_counts", "unsigned_masks",
           "quality_flag", "quality_flag_levels", "text_quality_flag", "warn_low_quality_target"]

_log = logging.getLogger(__name__)

#: Meanings of the lowest quality levels, named and masked by the warning's line (lower case, ``-``
#: read as ``_``): GHRSST's no_data, bad_data and worst_quality; the QC flags of in-situ data: IOOS
#: QARTOD's (Manual for the Use of Real-Time Oceanographic Data Quality Control Flags, 2020) fail and
#: missing, Argo's and OceanSITES' (Argo Quality Control Manual, Wong et al. 2023) bad_data,
#: probably_bad_data, bad_data_that_are_potentially_correctable and missing_value, which Argo says
#: not to use; and their plain words.
BAD_MEANINGS = frozenset({"no_data", "bad_data", "worst_quality", "bad", "bad_quality", "worst", "invalid",
                          "not_used", "unusable", "missing", "missing_value", "missing_data", "fail", "failed",
                          "failure", "erroneous", "erroneous_data", "error", "probably_bad", "probably_bad_data",
                          "probably_bad_value", "bad_value", "bad_data_that_are_potentially_correctable",
                          "rejected", "reject", "wrong",
                          # ESA CCI Lakes' lswt_quality_level 0 (break45c A4): no retrieval made
                          "unprocessed", "not_processed", "no_retrieval"})

#: Meanings of usable quality levels (lower case): GHRSST's low_quality, acceptable_quality and
#: best_quality, QARTOD's pass, Argo's good_data and probably_good_data, and their plain words.
USABLE_MEANINGS = frozenset({"low_quality", "acceptable_quality", "best_quality", "low", "acceptable", "best",
                             "good", "good_quality", "good_data", "high_quality", "medium_quality", "excellent",
                             "probably_good", "probably_good_data", "good_value", "pass", "passed", "ok",
                             "valid", "correct"})

#: Meanings of levels between the two, kept by the warning's line but named with their counts, for
#: the user to add to the masked ones: QARTOD's suspect ("suspect or of high interest") and
#: not_evaluated, Argo's no_qc_performed, and the values a product filled in or changed (Argo's
#: interpolated_value, estimated and value_changed, which Argo counts as usable; gap-filled fluxes).
DOUBTFUL_MEANINGS = frozenset({"suspect", "suspicious", "suspect_or_of_high_interest", "high_interest", "doubtful",
                               "dubious", "questionable", "uncertain", "not_evaluated", "unevaluated",
                               "not_checked", "unchecked", "no_qc", "no_qc_performed", "not_qced", "unknown",
                               "interpolated", "interpolated_value", "estimated", "estimated_value", "gap_filled",
                               "gapfilled", "filled", "value_changed", "changed", "corrected", "adjusted",
                               "nominal_value", "modelled", "modeled",
                               # a Lakes_cci table's "suspect/marginal" and "intermediate" (break45c A4)
                               "marginal", "intermediate"})

#: Every meaning :func:`quality_levels` ranks.
RANKED_MEANINGS = BAD_MEANINGS | USABLE_MEANINGS | DOUBTFUL_MEANINGS


#: The codes of a text quality flag that say a value is good: ISMN's ``G`` (Dorigo et al. 2013).
GOOD_CODES = ("G",)


def text_quality_flag(dataset: xr.Dataset, target: str) -> str | None:
    """The flag variable of text codes (ISMN's ``soil_moisture_flag``: ``G``, ``D01``, ``C03`` …)
    that the target's ``ancillary_variables`` name, on no dimension the target lacks; None when
    there is none. Its name or ``long_name`` says a flag or a quality.

    Parameters
    ----------
    dataset : xarray.Dataset
    target : str

    Returns
    -------
    str or None
    """
    for name in str(dataset[target].attrs.get("ancillary_variables", "")).split():
        if name not in dataset.variables or dataset[name].dtype.kind not in "USO":
            continue
        words = f"{name} {dataset[name].attrs.get('long_name', '')}".lower()
        if ("flag" in words or "quality" in words) and set(dataset[name].dims) <= set(dataset[target].dims):
            return name
    return None


@dataclass(frozen=True)
class QualityFlag:
    """A flag variable of quality levels (CF §3.5 ``flag_values`` and ``flag_meanings``) that the
    target's ``ancillary_variables`` name (CF §3.4), its levels ranked by their meanings.

    Attributes
    ----------
    name : str
        The flag variable (``"ta_qc"``).
    values : list of int
        Its ``flag_values`` (``[0, 1, 2]``), and ``meanings`` theirs (``["good", "suspect", "bad"]``,
        lower case).
    meanings : list of str
    bad : list of int
        The values of :data:`BAD_MEANINGS`, masked by the warning's line.
    doubtful : list of int
        Those of :data:`DOUBTFUL_MEANINGS`, kept by it but named.
    ranked : bool
        Whether every meaning is a quality word of :data:`RANKED_MEANINGS` and one at least is
        usable or doubtful; else climann cannot tell good from bad, and the warning gives the line
        that keeps the levels the user trusts.
    masks : bool
        Whether ``values`` are bit masks (CF §3.5 ``flag_masks``: ESA CCI SM's ``flag``, each bit a
        condition of the retrieval that may hold with others), each a condition of lower quality;
        ``bad`` is then every mask but those of ``provenance``, and the warning's line keeps the
        values with none of them set. Masks are the unsigned bits the producer means (OSI SAF's
        signed byte ``-128b`` is bit 128).
    provenance : list of int
        Of bit masks: those whose meaning says how a value was made, not that it is bad
        (:func:`is_provenance_meaning`: OSI SAF's ``open_water_filtered``, ``spatial_interp``,
        CMEMS's ``INTERPOLATED``), left by the warning's line and named as such. Of bit masks,
        ``doubtful`` are those whose ``flag_descriptions`` ask for caution (:func:`bit_reading`:
        OSI SAF's ``high_t2m``, "Handle with caution … this might be false ice"), kept by the
        warning's line and named with their counts.
    descriptions : dict of int to str
        Of bit masks: each mask's line of ``flag_descriptions``
        (:func:`climann.data.flag_descriptions.bit_descriptions`), empty without them.
    """

    name: str
    values: list[int]
    meanings: list[str]
    bad: list[int]
    doubtful: list[int]
    ranked: bool
    masks: bool = False
    provenance: list[int] = field(default_factory=list)
    descriptions: dict[int, str] = field(default_factory=dict)


def _meaning_word(meaning: str) -> str:
    """A meaning as the word lists spell it: lower case, ``-`` as ``_`` (``GAP-FILLED``: ``gap_filled``)."""
    return meaning.lower().replace("-", "_")


#: Words that, before ``bad`` in a meaning, deny it (``not_bad``).
_NEGATIONS = ("not", "no", "non")


def _is_bad(meaning: str) -> bool:
    """Whether a meaning (:func:`_meaning_word`) is one of :data:`BAD_MEANINGS` or holds the word
    ``bad`` not denied (``bad_retrieval``, ``very_bad``; not ``not_bad``): a level called bad ranks
    as bad, whatever else it says (break45c A4: Lakes_cci's levels were "cannot rank" beside a level
    called "bad")."""
    words = meaning.split("_")
    return meaning in BAD_MEANINGS or ("bad" in words and not any(word in _NEGATIONS for word in words))


#: Words after "valid" that make a valid level's values changed by the producer (the EEA's
#: ``valid_below_detection_limit_replaced``: replaced by half the detection limit): doubtful.
_CHANGED_WORDS = ("replaced", "estimated", "filled", "changed", "substituted")


def _validity_rank(meaning: str) -> str | None:
    """The rank of a validity flag's meaning by its first words, where no list holds it whole: the
    EEA's air-quality ``Validity`` (e-reporting, codes -99 ``not_valid_maintenance``, -1
    ``not_valid``, 1 ``valid``, 2 ``valid_below_detection_limit``, 3 ``…_replaced``; break45a A6)
    and other networks' "not valid …"/"invalid …" and "valid …": ``"bad"``, ``"doubtful"`` (valid
    but changed, :data:`_CHANGED_WORDS`), ``"usable"``, or None for another meaning."""
    words = meaning.split("_")
    if words[:2] == ["not", "valid"] or words[0] == "invalid":
        return "bad"
    if words[0] == "valid":
        return "doubtful" if any(word in _CHANGED_WORDS for word in words[1:]) else "usable"
    return None


def _ranked_meaning(meaning: str) -> str:
    """``meaning`` as the word lists hold it: itself when one does, else a word of its rank
    (:func:`_validity_rank`: ``not_valid_maintenance`` → ``invalid``), else itself."""
    if meaning in RANKED_MEANINGS:
        return meaning
    return {"bad": "invalid", "doubtful": "value_changed", "usable": "valid"}.get(_validity_rank(meaning), meaning)


#: Words of a flag variable's name, ``long_name`` or ``flag_meanings`` that make it a flag of the
#: quality of the values it is ancillary to (:func:`is_quality_flag`); a flag of none of them (and of
#: no meaning a word list ranks) describes each observation instead: ESA CCI SM's ``dnflag`` (day,
#: night), ``mode`` (ascending, descending), ``sensor`` and ``freqbandID`` (instruments, bands).
QUALITY_WORDS = frozenset({
    "quality", "qc", "qa", "qf", "status", "valid", "invalid", "validity", "reliable", "unreliable",
    "reliability", "suspect", "suspicious", "bad", "good", "error", "errors", "fail", "failed", "failure",
    "threshold", "exceeds", "exceeding", "contaminated", "contamination", "confidence", "doubtful", "dubious",
    "flagged", "rejected", "accepted", "outlier", "outliers", "spike", "spikes", "unusable", "usable",
})


def is_quality_flag(dataset: xr.Dataset, name: str) -> bool:
    """Whether the CF flag variable ``name`` (§3.5) flags the quality of the values it is ancillary
    to, not a description of each observation: its ``standard_name`` is a ``status_flag`` or
    ``quality_flag`` (CF standard-name modifiers), its name, ``long_name`` or one of its
    ``flag_meanings`` holds a word of :data:`QUALITY_WORDS` (``ta_qc``, GHRSST's ``quality_level``,
    CCI SM's ``flag`` of ``all_datasets_deemed_unreliable``), or a meaning is one the word lists rank
    (``good``, ``not_valid``). ESA CCI SM's ``dnflag`` ("Day / Night Flag": ``day night
    day_night_combination``) is none of these: it was taken as ``sm``'s quality flag and the level
    holding the most values, day_night_combination, advised kept, two thirds of the values dropped for
    no reason of quality (break48b A3).

    Parameters
    ----------
    dataset : xarray.Dataset
    name : str
        A variable of ``dataset`` with ``flag_values`` or ``flag_masks``.

    Returns
    -------
    bool
    """
    attrs = dataset[name].attrs
    standard = str(attrs.get("standard_name", "")).split()
    if standard and standard[-1] in ("status_flag", "quality_flag"):
        return True
    meanings = [_meaning_word(meaning) for meaning in str(attrs.get("flag_meanings", "")).split()]
    words = set(re.split(r"[^a-z]+", f"{name} {attrs.get('long_name', '')}".lower()))
    words |= {word for meaning in meanings for word in meaning.split("_")}
    return bool(words & QUALITY_WORDS) or any(
        _ranked_meaning(meaning) in RANKED_MEANINGS or _is_bad(meaning) for meaning in meanings)


#: Words of a bit's meaning that say how its value was made, not that it is bad (lower case, the
#: meaning split at ``_``): OSI SAF's sea-ice CDR ``status_flag`` (OSI-450-a, product user manual:
#: ``open_water_filtered`` "set to 0 by the open-water filter", ``land_spill_over`` "corrected for
#: land spill-over", ``spatial_interp`` the interpolated pole hole, ``temporal_interp``,
#: ``max_ice_climo`` "set to 0 by the maximum-extent climatology"), CMEMS/GlobColour's gap-free
#: L4 ``flags`` ``INTERPOLATED`` (70 % of its daily values, the point of a gap-free product), and
#: their plain words (smoothed, gap filled, extrapolated, corrected, merged …). A recipe that kept
#: only the values with none of these set deleted every open-water value of OSI-450 (75 %, all
#: the 0 %: break50b A1).
PROVENANCE_WORDS = frozenset({
    "interp", "interpolated", "interpolation", "interpolate", "filtered", "filter", "filtering", "climo",
    "climatology", "climatological", "smoothed", "smoothing", "gapfilled", "gap", "filled", "filling",
    "extrapolated", "extrapolation", "corrected", "correction", "spill", "spillover", "merged", "merging",
    "blended", "adjusted", "adjustment", "estimated", "modelled", "modeled", "substituted", "replaced",
    "reconstructed", "resampled", "regridded", "applied",
})

#: Words of a bit's meaning that say its value is bad whatever else it says: such a bit is never
#: provenance (``interpolation_failed``, ``filtered_cloud``, ``corrected_but_unreliable``).
_BAD_BIT_WORDS = frozenset({"bad", "invalid", "missing", "unreliable", "contaminated", "contamination", "cloud",
                            "cloudy", "error", "erroneous", "fail", "failed", "failure", "rejected", "unusable",
                            "suspect", "suspicious", "doubtful", "dubious", "nodata", "fill"})


def is_provenance_meaning(meaning: str) -> bool:
    """Whether a bit's meaning (:func:`_meaning_word`) says only how its value was made
    (:data:`PROVENANCE_WORDS`: filtered, interpolated, climatology applied, smoothed …), not that
    it is bad (no word of :data:`_BAD_BIT_WORDS`, not :func:`_is_bad`).

    Examples
    --------
    >>> [is_provenance_meaning(m) for m in ("open_water_filtered", "spatial_interp", "land", "interpolation_failed")]
    [True, True, False, False]
    """
    words = set(re.split(r"[^a-z0-9]+", meaning.lower()))
    return bool(words & PROVENANCE_WORDS) and not words & _BAD_BIT_WORDS and not _is_bad(meaning)


def bit_reading(meaning: str, description: str = "") -> str:
    """What a set bit of a quality flag says of a value, by its meaning (:func:`_meaning_word`) and,
    when the file has them, its ``flag_descriptions`` line
    (:func:`climann.data.flag_descriptions.bit_descriptions`): ``"bad"`` when either holds a word
    of :data:`_BAD_BIT_WORDS` (or the meaning is :func:`_is_bad`); else ``"doubtful"`` when the
    description asks for caution (:func:`climann.data.flag_descriptions.is_cautious`); else
    ``"provenance"`` when either says how the value was made (:data:`PROVENANCE_WORDS`); else
    ``"bad"``, a condition such as ``land``.

    OSI-450's ``high_t2m`` has no word of provenance and was masked as bad; its description,
    "Handle with caution, the 2m air temperature is high at this position, and this might be false
    ice", makes it doubtful: kept, named with its count, for the user to leave out.

    Examples
    --------
    >>> bit_reading("high_t2m"), bit_reading("high_t2m", "Handle with caution, this might be false ice")
    ('bad', 'doubtful')
    >>> bit_reading("high_t2m", "SIC is set to zero by the 2m air temperature filter")
    'provenance'
    """
    words = set(re.split(r"[^a-z0-9]+", f"{meaning} {description}".lower()))
    if words & _BAD_BIT_WORDS or _is_bad(meaning):
        return "bad"
    if is_cautious(description):
        return "doubtful"
    return "provenance" if words & PROVENANCE_WORDS else "bad"




def _bit_flag(dataset: xr.Dataset, name: str) -> QualityFlag | None:
    """The quality flag of bit masks ``name`` (``flag_masks`` and as many ``flag_meanings``, no
    ``flag_values``), every mask a condition of lower quality but those whose meaning or
    description says how a value was made, or asks for caution (:func:`bit_reading`); None when
    it is not one."""
    attrs = dataset[name].attrs
    masks = flag_codes(dataset[name], "flag_masks")  # text ("1 2 4") and signed bytes read as their bits
    meanings = [_meaning_word(meaning) for meaning in str(attrs.get("flag_meanings", "")).split()]
    if ("flag_values" in attrs or not masks.size or masks.dtype.kind not in "iuf" or len(masks) != len(meanings)
            or not is_quality_flag(dataset, name)):
        return None
    masks = [int(mask) for mask in masks.tolist()]
    descriptions = bit_descriptions(attrs, masks)
    read = {mask: bit_reading(meaning, descriptions.get(mask, "")) for mask, meaning in zip(masks, meanings)}
    return QualityFlag(name, masks, meanings, bad=[mask for mask in masks if read[mask] == "bad"],
                       doubtful=[mask for mask in masks if read[mask] == "doubtful"], ranked=False, masks=True,
                       provenance=[mask for mask in masks if read[mask] == "provenance"], descriptions=descriptions)


def quality_flag_levels(dataset: xr.Dataset, target: str) -> QualityFlag | None:
    """The flag variable of quality levels that the target's ``ancillary_variables`` name, its
    levels ranked; None when they name none (a bit field, ``flag_masks``, is no levels; nor are
    ``flag_values`` without as many ``flag_meanings``).

    A flag variable named by the target's ``ancillary_variables`` is a quality flag of the target's
    values, whatever its meanings: never a class variable to learn from
    (:mod:`climann.data.defaults`), and ranked or not it is told of (:func:`warn_low_quality_target`).

    Parameters
    ----------
    dataset : xarray.Dataset
        Holding the target and, to be found, the flag variable.
    target : str

    Returns
    -------
    QualityFlag or None
    """
    found = []
    for name in str(dataset[target].attrs.get("ancillary_variables", "")).split():
        if name not in dataset.variables or dataset[name].dtype.kind not in "iuf":
            continue
        attrs = dataset[name].attrs
        if (bits := _bit_flag(dataset, name)) is not None:
            found.append(bits)
            continue
        values = flag_codes(dataset[name], "flag_values")  # text ("0 1 2") read as its codes
        meanings = [_meaning_word(meaning) for meaning in str(attrs.get("flag_meanings", "")).split()]
        if ("flag_masks" in attrs or not values.size or values.dtype.kind not in "iuf" or len(values) != len(meanings)
                or not is_quality_flag(dataset, name)):
            continue
        values = [int(value) for value in values.tolist()]
        ranks = [_ranked_meaning(meaning) for meaning in meanings]  # the meanings themselves are kept, to name
        ranked = (all(rank in RANKED_MEANINGS or _is_bad(rank) for rank in ranks)
                  and bool((USABLE_MEANINGS | DOUBTFUL_MEANINGS) & set(ranks)))
        bad = [value for value, rank in zip(values, ranks) if _is_bad(rank)]
        doubtful = [value for value, rank in zip(values, ranks) if rank in DOUBTFUL_MEANINGS]
        found.append(QualityFlag(name, values, meanings, bad=bad, doubtful=doubtful, ranked=ranked))
    # a ranked one first, then bit masks (conditions each named), then levels climann cannot rank
    return next((flag for flag in found if flag.ranked), next((flag for flag in found if flag.masks),
                                                              found[0] if found else None))


def quality_flag(dataset: xr.Dataset, target: str) -> tuple[str, list[int], list[str]] | None:
    """The flag variable of ordered quality levels that the target's ``ancillary_variables``
    name, with its bad values and their meanings (:func:`quality_flag_levels`); None when there is
    none, or its meanings are no quality words, or none of them is bad.

    Parameters
    ----------
    dataset : xarray.Dataset
        Holding the target and, to be found, the flag variable.
    target : str

    Returns
    -------
    tuple of (str, list of int, list of str) or None
        ``("quality_level", [0, 1, 2], ["no_data", "bad_data", "worst_quality"])``.
    """
    found = quality_flag_levels(dataset, target)
    if found is None or not found.ranked or not found.bad:
        return None
    meanings = dict(zip(found.values, found.meanings))
    return found.name, found.bad, [meanings[value] for value in found.bad]


def masking_statements(target: str, flag: str, bad: list[int], *, text: bool = False,
                       keep: list[int] | None = None, masks: bool = False) -> list[str]:
    """The Python statements, on a dataset ``d`` opened by xarray, that set the target's values at
    the ``bad`` levels of ``flag`` missing, its encoding kept (the packing of GHRSST's ``int16``
    SST is written back as it was); with ``keep``, those at any level but ``keep`` (a flag whose
    meanings climann cannot rank: the user chooses); for a flag of text codes (``text``), those
    flagged other than :data:`GOOD_CODES` (the file's characters read as text: xarray gives them
    as bytes); for a flag of bit masks (``masks``), those with any bit of ``bad`` set, by a bitwise
    test against their sum (CF §3.5: ``flag & mask != 0``), not by equality with a level."""
    if text:
        kept = f"d[{flag!r}].astype(str).isin({list(GOOD_CODES)})"
    elif masks:  # a bitwise test: none of the bits set (a missing flag sets none)
        kept = f"(d[{flag!r}].fillna(0).astype('int64') & {int(np.bitwise_or.reduce(bad))}) == 0"
    else:
        kept = f"d[{flag!r}].isin({keep})" if keep is not None else f"~d[{flag!r}].isin({bad})"
    return [f"e = d[{target!r}].encoding",
            f"d[{target!r}] = d[{target!r}].where({kept})",
            f"d[{target!r}].encoding = e"]


@dataclass(frozen=True)
class QualityCounts:
    """How many of the target's values are held (not missing), and how many of those lie at the
    bad levels of its quality flag (:func:`quality_flag`), and at each of its levels.

    Attributes
    ----------
    flag : str
        The flag variable (``"quality_level"``).
    bad : list of int
        Its bad levels (``[0, 1, 2]``), and ``meanings`` theirs.
    meanings : list of str
    n_held : int
        The target's values not missing.
    n_bad : int
        Those of them whose flag is one of ``bad``.
    codes : dict of str to int
        Of a flag of text codes (:func:`text_quality_flag`): the count of the target's values
        held at each code other than :data:`GOOD_CODES` (then ``bad`` and ``meanings`` are empty).
    levels : dict of int to int
        Of a flag of levels: the count of the target's values held at each of its ``flag_values``.
    quality : QualityFlag
        That flag, its levels ranked (:func:`quality_flag_levels`).
    n_provenance : int
        Of bit masks: the held values with a bit of provenance set (:attr:`QualityFlag.provenance`).
    n_doubtful : int
        Of bit masks: the held values with a doubtful bit set (:attr:`QualityFlag.doubtful`).
    """

    flag: str
    bad: list[int]
    meanings: list[str]
    n_held: int
    n_bad: int
    codes: dict[str, int] | None = None
    levels: dict[int, int] | None = None
    quality: QualityFlag | None = None
    n_provenance: int = 0
    n_doubtful: int = 0


def planned_quality_counts(dataset: xr.Dataset, target: str, *, shared: bool = False) -> BlockReads:
    """The reads of the counts :func:`warn_low_quality_target` says, to be computed with the run's
    other checks of every value (:func:`~climann.data.fill_like.read_together`,
    :mod:`climann.data.value_checks`): each block of the target is read as those checks read it
    (:func:`~climann.data.fill_like.blocks_by_place`, the same keys, so that dask reads it once
    for all), beside the block of its flag over the same cells and steps, and reduced to counts:
    the values held, and those held at each level of the flag.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened and subset (lazy), holding the target and its quality flag.
    target : str
    shared : bool
        Whether the target's blocks keep the file's keys (:func:`~climann.data.fill_like.blocks_by_step`),
        as the other checks read it.

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: a :class:`QualityCounts`, or None when the target is absent, has no quality
        flag (:func:`quality_flag_levels`, :func:`text_quality_flag`), or the flag has a dimension
        the target lacks (nothing read).
    """
    levelled = quality_flag_levels(dataset, target) if target in dataset.data_vars else None
    text = text_quality_flag(dataset, target) if target in dataset.data_vars and levelled is None else None
    flag = levelled.name if levelled is not None else text
    if flag is None or not set(dataset[flag].dims) <= set(dataset[target].dims):
        return BlockReads([], lambda parts: None)
    values = dataset[target]
    levels = dataset[flag].broadcast_like(values).transpose(*values.dims)
    if dask.is_dask_collection(values.data):  # the flag's blocks on the target's: one pair per task
        levels = levels.chunk(dict(zip(values.dims, values.data.chunks, strict=True)))
    if text is not None:
        count, of = _block_code_counts, []
    elif levelled.masks:
        count, of = _block_bit_counts, (levelled.values, levelled.bad, levelled.provenance, levelled.doubtful)
    else:
        count, of = _block_level_counts, levelled.values
    tasks = [dask.delayed(count)(block, level_block, of)
             for (block, _), (level_block, _) in zip(blocks_by_place(values.data, shared=shared),
                                                     blocks_by_place(levels.data), strict=True)]

    def finish(parts: Sequence[tuple]) -> QualityCounts:
        found: dict = {}
        for _, part in parts:
            for key, number in part.items():
                found[key] = found.get(key, 0) + number
        n_held = sum(part[0] for part in parts)
        if text is not None:
            return QualityCounts(flag, [], [], n_held, sum(found.values()), codes=dict(sorted(found.items())))
        meanings = dict(zip(levelled.values, levelled.meanings))
        if levelled.masks:  # any bad bit set: the values with one condition or more
            return QualityCounts(flag, levelled.bad, levelled.meanings, n_held, found.get(None, 0),
                                 levels={value: found.get(value, 0) for value in levelled.values}, quality=levelled,
                                 n_provenance=found.get("provenance", 0), n_doubtful=found.get("doubtful", 0))
        bad = levelled.bad if levelled.ranked else []
        return QualityCounts(flag, bad, [meanings[value] for value in bad], n_held,
                             sum(found.get(value, 0) for value in bad),
                             levels={value: found.get(value, 0) for value in levelled.values}, quality=levelled)

    return BlockReads(tasks, finish)


def _block_level_counts(values: np.ndarray, levels: np.ndarray, flag_values: list[int]) -> tuple[int, dict[int, int]]:
    """Of one block of the target and the same block of its flag: how many of its values are
    held (not missing, as xarray's ``notnull``), and how many of those at each of ``flag_values``."""
    held = ~pd.isnull(np.asarray(values))
    at = np.asarray(levels)[held]
    return int(held.sum()), {value: int((at == value).sum()) for value in flag_values}


def _block_bit_counts(values: np.ndarray, flags: np.ndarray,
                      masks: tuple[list[int], list[int], list[int], list[int]]) -> tuple[int, dict]:
    """Of one block of the target and the same block of its flag of bit masks (``masks``: every
    mask, those of bad conditions, those of provenance, the doubtful ones, unsigned): how many of
    its values are held, how many of those have each mask set, (key None) any of the bad ones,
    (key ``"provenance"``) any of the provenance ones, and (key ``"doubtful"``) any of the doubtful
    ones; a missing flag sets none. A signed byte's ``-128`` read as int64 has bit 128 set, as the
    producer means."""
    every, bad, provenance, doubtful = masks
    held = ~pd.isnull(np.asarray(values))
    bits = np.nan_to_num(np.asarray(flags, dtype="float64")[held], nan=0).astype(np.int64)
    counts: dict = {mask: int((bits & mask != 0).sum()) for mask in every}
    counts[None] = int((bits & _bits_of(bad) != 0).sum())
    counts["provenance"] = int((bits & _bits_of(provenance) != 0).sum())
    counts["doubtful"] = int((bits & _bits_of(doubtful) != 0).sum())
    return int(held.sum()), counts


def _bits_of(masks: Sequence[int]) -> int:
    """The bitwise or of ``masks`` (their sum when each is one bit); 0 for none."""
    return int(np.bitwise_or.reduce(np.asarray(masks, dtype=np.int64), initial=0))


def _block_code_counts(values: np.ndarray, codes: np.ndarray, unused: list) -> tuple[int, dict[str, int]]:
    """Of one block of the target and the same block of its flag of text codes: how many of its
    values are held, and how many of those at each code other than :data:`GOOD_CODES`."""
    held = ~pd.isnull(np.asarray(values))
    text = np.char.strip(np.asarray(codes).astype(str))
    other = held & ~np.isin(text, GOOD_CODES)
    found, numbers = np.unique(text[other], return_counts=True)
    return int(held.sum()), {str(code): int(number) for code, number in zip(found, numbers)}


def _line(dataset: xr.Dataset, target: str, statements: list[str]) -> str:
    """The xarray line that runs ``statements`` on a copy of each of the target's files."""
    files = list(source_files(dataset[target]))
    if files and not any(is_zarr_store(file) for file in files):  # one file's copy too in a folder (fix53a)
        return copies_of_files(lambda arguments, file: xarray_command(statements, arguments), files,
                               name="quality_masked")
    return xarray_command(statements, input_and_copy(files[0], "quality_masked") if files else "IN.nc OUT.nc")


def _levels_said(counts: QualityCounts, values: list[int], *, numbers: bool = False) -> str:
    """``"0 no_data, 1 bad_data"``, with each level's count of held values when ``numbers``."""
    meanings = dict(zip(counts.quality.values, counts.quality.meanings))
    return ", ".join(f"{value} {meanings[value]}" + (f" ({counts.levels[value]})" if numbers else "")
                     for value in values)


def warn_low_quality_target(dataset: xr.Dataset, target: str, *, where: str,
                            counts: QualityCounts | None = None) -> None:
    """Warn once when some of the target's values lie at the bad levels of its own quality flag
    (:func:`quality_flag`): how many of its values (those not missing), which levels, the
    doubtful levels kept and how many values they hold, and the line that masks the bad levels in
    copies of its files; or, when its meanings are no quality words climann can rank
    (:func:`quality_flag_levels`), how many values each level holds and the line that keeps the
    levels the user trusts.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened, holding the target and its quality flag (else nothing is said).
    target : str
    where : str
        The files, for the message.
    counts : QualityCounts or None
        The counts, read with the run's other checks (:func:`planned_quality_counts`,
        :func:`climann.data.value_checks.warn_held_values`); None: read here, alone.
    """
    if counts is None:
        counts = read_together(planned_quality_counts(dataset, target))[0]()
    if counts is None or not counts.n_held:
        return
    files = list(source_files(dataset[target]))
    said_files = files_text(files) if files else where
    key = ("low quality target", target, counts.flag)
    if counts.codes is not None:
        if counts.n_bad:
            note_once(_log, logging.WARNING, _text_codes_message(dataset, target, counts, said_files), key=key)
        return
    quality = counts.quality
    if quality.masks:  # said while some value has a bad bit set: never again on the line's own output
        if counts.n_bad:
            note_once(_log, logging.WARNING, _bit_flags_message(dataset, target, counts, said_files), key=key)
        elif counts.n_doubtful:
            note_once(_log, logging.WARNING, _doubtful_bits_message(dataset, target, counts, said_files), key=key)
        elif counts.n_provenance:  # only how the values were made: said, nothing to mask
            note_once(_log, logging.INFO, (
                f"{said_files}: {counts.n_provenance} of the {counts.n_held} values of '{target}' "
                f"({100 * counts.n_provenance / counts.n_held:.1f} %) have a bit of {counts.flag} set, and its "
                f"{_provenance_said(counts)}"), key=key)
        return
    if not quality.ranked:  # said while the line would change something: never again on its own output
        if sum(number for value, number in counts.levels.items() if value not in _kept_levels(counts)[0]):
            note_once(_log, logging.WARNING, _unranked_message(dataset, target, counts, said_files), key=key)
        return
    doubtful = [value for value in quality.doubtful if counts.levels[value]]
    if counts.n_bad:
        note_once(_log, logging.WARNING, _bad_levels_message(dataset, target, counts, said_files, doubtful), key=key)
    elif doubtful:
        n_doubtful = sum(counts.levels[value] for value in doubtful)
        line = _line(dataset, target, masking_statements(target, counts.flag, doubtful))
        note_once(_log, logging.WARNING, (
            f"{said_files}: {n_doubtful} of the {counts.n_held} values of '{target}' "
            f"({100 * n_doubtful / counts.n_held:.1f} %) have {counts.flag} {_levels_said(counts, doubtful)}, "
            f"values its own quality flag (its ancillary_variables, CF 3.4) calls neither good nor bad, and they are "
            f"trained and scored on as the others; to leave them out: {line}"), key=key)


def _text_codes_message(dataset: xr.Dataset, target: str, counts: QualityCounts, said_files: str) -> str:
    """The warning of a flag of text codes (ISMN's)."""
    line = _line(dataset, target, masking_statements(target, counts.flag, [], text=True))
    said = ", ".join(f"{code} {number}" for code, number in counts.codes.items())
    return (f"{said_files}: {counts.n_bad} of the {counts.n_held} values of '{target}' "
            f"({100 * counts.n_bad / counts.n_held:.1f} %) have {counts.flag} other than {' or '.join(GOOD_CODES)} "
            f"(good) ({said}), quality flags its ancillary_variables name (CF 3.4; ISMN's codes: C beyond physical "
            f"limits, C03 above the soil's saturation, D dubious), which climann does not apply: they are trained "
            f"and scored on as the others; to keep only the values flagged {' or '.join(GOOD_CODES)}: {line}")


def _bad_levels_message(dataset: xr.Dataset, target: str, counts: QualityCounts, said_files: str,
                        doubtful: list[int]) -> str:
    """The warning of values at the bad levels of a ranked flag, its doubtful levels held named."""
    line = _line(dataset, target, masking_statements(target, counts.flag, counts.bad))
    ghrsst = ("; GHRSST's GDS 2.0 leaves which levels to keep to the use: 2 is its worst usable"
              if {"worst_quality", "worst"} & set(counts.meanings) else "")
    kept = ""
    if doubtful:
        n_doubtful = sum(counts.levels[value] for value in doubtful)
        kept = (f" (its levels {_levels_said(counts, doubtful, numbers=True)} are kept by it: {n_doubtful} values "
                f"neither good nor bad; add them to its list {counts.bad} to leave them out too)")
    return (f"{said_files}: {counts.n_bad} of the {counts.n_held} values of '{target}' "
            f"({100 * counts.n_bad / counts.n_held:.1f} %) have {counts.flag} {_levels_said(counts, counts.bad)}, "
            f"the lowest levels of its own quality flag (its ancillary_variables, CF 3.4{ghrsst}), and they are "
            f"trained and scored on as the others; to leave them out: {line}{kept}")


def _bit_flags_message(dataset: xr.Dataset, target: str, counts: QualityCounts, said_files: str) -> str:
    """The warning of values with bits of a quality flag of bit masks set (ESA CCI SM's ``flag``):
    the held values with each bit set, and the line (a bitwise test) that keeps those with none."""
    total = int(np.bitwise_or.reduce(counts.bad))
    line = _line(dataset, target, masking_statements(target, counts.flag, counts.bad, masks=True))
    bits = _levels_said(counts, counts.bad, numbers=True)
    left = f"; {_provenance_said(counts, some=True)}" if counts.quality.provenance else ""
    doubtful = [mask for mask in counts.quality.doubtful if counts.levels[mask]]
    kept = (f" (its bits {_doubtful_said(counts, doubtful)} are kept by it: add their masks to {total} to leave "
            f"those values out too)") if doubtful else ""
    return (f"{said_files}: {counts.n_bad} of the {counts.n_held} values of '{target}' "
            f"({100 * counts.n_bad / counts.n_held:.1f} %) have a bit of its own quality flag {counts.flag} set (its "
            f"ancillary_variables, CF 3.4; bit masks, CF 3.5 flag_masks: {bits}), and"
            f" they are trained and scored on as the others{left}; to keep only the values with none of these bits "
            f"set ({total} is the sum of their masks: take a bit's mask from it to keep the values it flags): {line}"
            f"{kept}")


def _doubtful_said(counts: QualityCounts, masks: list[int]) -> str:
    """The doubtful bits of a flag of bit masks with the held values each sets, and their
    descriptions: ``16 high_t2m (12; 'Handle with caution, … false ice')``."""
    meanings = dict(zip(counts.quality.values, counts.quality.meanings))
    described = counts.quality.descriptions
    return ", ".join(f"{mask} {meanings[mask]} ({counts.levels[mask]}"
                     + (f"; {described[mask]!r}" if mask in described else "") + ")" for mask in masks)


def _doubtful_bits_message(dataset: xr.Dataset, target: str, counts: QualityCounts, said_files: str) -> str:
    """The warning of values with doubtful bits set and no bad one held (OSI-450's ``high_t2m``
    beside its bits of provenance): kept, and the line that leaves them out."""
    doubtful = [mask for mask in counts.quality.doubtful if counts.levels[mask]]
    line = _line(dataset, target, masking_statements(target, counts.flag, doubtful, masks=True))
    left = f"; {_provenance_said(counts, some=True)}" if counts.n_provenance else ""
    return (f"{said_files}: {counts.n_doubtful} of the {counts.n_held} values of '{target}' "
            f"({100 * counts.n_doubtful / counts.n_held:.1f} %) have a bit of its own quality flag {counts.flag} set "
            f"(its ancillary_variables, CF 3.4) that its flag_descriptions ask to handle with caution "
            f"({_doubtful_said(counts, doubtful)}): values neither good nor bad, trained and scored on as the "
            f"others{left}; to leave them out: {line}")


def _provenance_said(counts: QualityCounts, *, some: bool = False) -> str:
    """The bits of provenance of a flag of bit masks, with the held values each sets, said as left
    (``some``: as the part of a warning on its bad bits, the line not masking them)."""
    bits = _levels_said(counts, counts.quality.provenance, numbers=True)
    return (f"{'its bits ' if some else 'bits '}{bits} say how a value was made (filtered, interpolated, "
            f"climatology applied …), not that it is bad: left as provenance, "
            f"{'not masked by the line' if some else 'valid values of the product, kept as they are'}")


def _unranked_message(dataset: xr.Dataset, target: str, counts: QualityCounts, said_files: str) -> str:
    """The warning of a quality flag whose meanings climann cannot rank: the values at each level, and
    the line that keeps the usable ones, else the level holding the most values."""
    quality = counts.quality
    keep, chosen = _kept_levels(counts)
    line = _line(dataset, target, masking_statements(target, counts.flag, [], keep=keep))
    every = _levels_said(counts, quality.values, numbers=True)
    unknown = [meaning for meaning in quality.meanings if meaning not in RANKED_MEANINGS and not _is_bad(meaning)]
    said = (f"meanings {', '.join(unknown)} are not among the usual quality words (good, pass, suspect, bad, fail, "
            "missing …)" if unknown else "meanings name no usable level")
    return (f"{said_files}: '{target}' has its own quality flag {counts.flag} (its ancillary_variables, CF 3.4) "
            f"whose {said}, so climann cannot rank its levels into good and bad and none of them is left out: the "
            f"{counts.n_held} values of '{target}' are trained and scored on at every level ({every}); "
            f"to keep only the levels you trust (here {keep}, {chosen}: change the list): {line}")


def _kept_levels(counts: QualityCounts) -> tuple[list[int], str]:
    """The levels the line of :func:`_unranked_message` keeps, and what they are: the usable ones
    (:data:`USABLE_MEANINGS`), else the level holding the most values."""
    quality = counts.quality
    usable = [value for value, meaning in zip(quality.values, quality.meanings) if meaning in USABLE_MEANINGS]
    if usable:
        return usable, "its usable levels"
    return [max(quality.values, key=lambda value: counts.levels[value])], "the level holding the most values"
