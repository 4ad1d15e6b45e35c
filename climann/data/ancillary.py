"""Variables that say how well the target's values are known, not what drives them.

Gridded products ship their values with data about them (CF 1.8 §3.4, "ancillary data":
"measurement uncertainty, … number of observations"): CRU TS has ``stn`` beside ``tmp``, "number
of stations contributing to each datum" (0 where the value was relaxed to the climatology);
NOAA OISST ``err``, "Estimated error standard deviation of analysed_sst"; gridded station
products the number of observations per cell. As a predictor such a variable teaches the
network the data's sampling, not the physics, so it is left out of the default predictors
(:mod:`climann.data.defaults`) with a note; named in ``[data] predictors`` it is used.

The rule is kept narrow, so that no physical variable is left out; a variable is ancillary
to the target when

- the target's ``ancillary_variables`` attribute names it (CF §3.4); or
- its CF ``standard_name`` ends with a standard name modifier of CF Appendix C that
  describes another quantity's values: ``number_of_observations``, ``standard_error``,
  ``detection_minimum``, ``status_flag``; or
- its ``long_name`` (or ``LongName``, as GPM IMERG's HDF5 files spell it), ``description`` or
  ``var_desc`` (NOAA PSL's) counts stations, gauges or observations ("number of stations",
  "number of gauges", "station count", "count of observations", …: GPCC's ``numgauge``, "GPCC
  Number of Gauges"), weighs the gauges against the other sources ("weighting of gauge": IMERG's
  ``gaugeRelativeWeighting``, "Weighting of gauge precipitation relative to the multi-satellite
  precipitation"), or is an error estimate, a quality index or a quality layer ("error standard deviation",
  "standard error", "uncertainty", "random error", "relative error", "error estimate", "estimated error",
  "quality index": IMERG's ``randomError``, "Random error for merged satellite-gauge
  precipitation", which IMERG computes from the precipitation rate itself, and
  ``precipitationQualityIndex``), but not an air or water quality index, quantities of their
  own (:data:`QUANTITY_PHRASES`), nor a value that says which quality levels went into it (MOD08_M3's
  AOD, "(Quality flag=1,2,3)": :func:`without_quality_selection`); or it counts observations,
  cruises, measurements… in other words ("number of" or "count of", up to three words, then one of
  :data:`SAMPLING_UNITS`:
  SOCAT's ``fco2_count_nobs``, "Number of fco2 obs", and ``count_ncruise``, "Number of
  cruises"; or one of these, then "count"; in units of a count, :data:`COUNT_UNITS`, any number
  of words between: TRMM 3B42's ``precipitation_cnt``, units "count", "Count of all valid 3-hourly
  precipitation observations", break39a F4); or its ``long_name`` is the
  standard deviation of the target ("Standard deviation of sea ice concentration" beside a
  target whose ``long_name`` is "Sea ice concentration", or which is named so) and its
  ``cell_methods`` does not say it is a statistic of the values over time or space (a
  ``standard_deviation`` or ``variance`` method: "time: mean within days time:
  standard_deviation over days", the day-to-day variability within each month, is a
  quantity of its own, a legitimate predictor, not an error estimate); or
- its name says it is the standard deviation, uncertainty, error or quality flags of the target
  X, as the product names it beside X (:data:`NAME_PATTERNS`): ``stdev_of_X`` (NOAA/NSIDC's
  sea-ice CDR G02202 v4: ``stdev_of_cdr_seaice_conc``, known so also where ``cdr_seaice_conc``
  names it in no ``ancillary_variables``), ``X_stdev`` (its version 5), ``X_uncertainty``, ``X_error``,
  ``qa_of_X``, ``X_qa_flag``, and the flux networks' qualifiers of X (AmeriFlux's ``FC_SSITC_TEST``,
  FLUXNET's ``X_QC``; ``X_FLAG``, ``X_VALIDITY``, ``X_VERIFICATION``: break45a A5), also beside
  the target when X is another variable of the file; or its name, its words split at underscores and at camelCase
  humps, holds one of these phrases or "gauge relative weighting" (IMERG's ``randomError``,
  ``precipitationQualityIndex`` and ``gaugeRelativeWeighting`` also where their long names are
  lost); or
- its description says observation weights or a flag for attention (EN4's
  ``temperature_observation_weights``, PSMSL's "flag for attention: interpolated months"),
  or counts the data's gaps ("number of missing days": PSMSL's, how complete each monthly
  mean is; break44a A4, A5), or its name is ``X_observation_weights``; or its CF
  ``flag_meanings`` are those of a quality flag (:data:`QUALITY_FLAG_MEANINGS`: "ok
  interpolated"), not a class map's; or
- its units are those of a bit field (:data:`BIT_FIELD_UNITS`: MODIS's ``FparLai_QC``, "bit
  field"), or its name holds "QC" or "QA" as a word (:data:`QUALITY_NAME_WORDS`) or says a use
  flag (GESLA's ``use_flag``: :data:`USE_FLAG_NAME_PHRASES`), or its
  long_name says a quality layer ("Quality for FPAR and LAI", "Quality reliability of VI pixel":
  :data:`DESCRIPTION_PHRASES`), or its name is the target's with "StdDev", "uncertainty",
  "error"… put in (:data:`INSERTED_WORDS`: ``LaiStdDev_500m`` beside ``Lai_500m``; break38b B4,
  where these were the default predictors of MODIS LAI and NDVI); or
- its name or description says the day or time each value was observed
  (:data:`OBSERVATION_TIME_PHRASES`: MOD13's ``_250m_16_days_composite_day_of_the_year``, "Day of
  year VI pixel", the day within its 16-day composite each pixel's value was taken; MOD11's
  ``Day_view_time``, "Local time of day observation"; GHRSST's ``sst_dtime``, "time difference
  from reference time"): as a predictor it teaches the network the calendar of the retrieval
  (rerun38 N7), not the physics. A day of year that is the quantity itself (a phenology
  product's green-up day, a burn date) says no observation and is kept; or
- its units are those of a count (:data:`COUNT_UNITS`: none, "1", "count"…) and its name says a
  count of observations or cruises (:data:`COUNT_NAME_WORDS`: ICOADS's ``sst_nobs``, ``n_obs``,
  SOCAT's ``fco2_count_nobs``) or, where no long name or description says what it counts, it
  is named ``count_…`` or ``…_count_…`` (SOCAT's ``count_ncruise``), or it is named as another
  variable of the file with one of :data:`COUNT_SUFFIXES` after it (TRMM 3B42's
  ``HQprecipitation_cnt`` beside ``HQprecipitation``: the count of that variable's observations).
  A count named otherwise (``lightning_count`` with no ``lightning`` beside it), described as a
  count of something else ("Lightning flash count"), or named so in units of an amount ("mm"), is
  a quantity.

A count of observations beside a mean tells the network where and when the cruises went (more of
them in summer, near the coasts), the data's sampling: with SOCAT's two counts and the fCO2
statistics as predictors of ``fco2_ave_weighted`` a linear regression scored a test skill of
0.995 (break36a A2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import xarray as xr

from climann.data.cell_methods import parse_cell_methods

__all__ = ["ancillary_in_itself", "ancillary_note", "ancillary_reason", "ancillary_relations", "binning_weight",
           "count_of_target_events", "without_quality_selection"]

#: CF Appendix C's standard name modifiers that describe another quantity's values.
STANDARD_NAME_MODIFIERS = ("number_of_observations", "standard_error", "detection_minimum", "status_flag")

#: Phrases of a long_name or description that make a variable a count of the data's support
#: or an estimate of its error (lower case, words separated by single spaces).
DESCRIPTION_PHRASES = ("number of stations", "number of observations", "number of gauges", "station count",
                       "observation count", "gauge count", "count of stations", "count of observations",
                       "count of gauges", "weighting of gauge", "error standard deviation", "standard error",
                       "uncertainty", "random error", "relative error", "sampling error", "retrieval error",
                       "measurement error", "error estimate", "estimated error", "quality index",
                       # quality layers of satellite products (break38b B4): MOD15's FparLai_QC "Quality for
                       # FPAR and LAI", MOD13's pixel_reliability "Quality reliability of VI pixel"
                       "quality for", "quality reliability", "pixel reliability", "quality assurance",
                       "quality control", "quality flag", "qa flag", "qc flag", "vi quality",
                       # EN4's temperature_observation_weights (break44a A4): how much the observations weigh
                       # against the background in each analysed value, as its uncertainty says how well it is known;
                       # PSMSL's "flag for attention" (interpolated months) and "number of missing days" (A5)
                       "observation weight", "flag for attention",
                       # SMOS L2/L3's DQX, the "data quality index" CATDS and ESA write beside each retrieved
                       # value (Soil_Moisture_Dqx, long_name "Soil moisture DQX"): the retrieval's standard
                       # error, in the value's units (break50a A4)
                       "dqx")

#: Words of a CF ``flag_meanings`` (lower case, underscores as spaces) that make a flag variable the
#: state of the target's values, not a class of its own: PSMSL's "flag for attention",
#: ``flag_meanings = "ok interpolated"`` (break44a A5), Argo's and WOD's "good", "probably_bad"….
#: A class map (land cover's "cropland", "forest") holds none of them and stays a quantity.
QUALITY_FLAG_MEANINGS = ("interpolated", "suspect", "questionable", "probably good", "probably bad",
                         "bad data", "good data", "missing", "missing value", "gap filled", "not checked",
                         "flagged", "estimated", "no qc")

#: Phrases of a name (its words as :func:`_name_words` splits them) or description that make a
#: variable the day or time each of the target's values was observed (lower case, words separated
#: by single spaces, matched as whole words): MOD13's and VNP13's "composite day of the year"
#: ("Day of year VI pixel"), MOD11's ``Day_view_time`` ("Local time of day observation"),
#: GHRSST's ``sst_dtime`` ("time difference from reference time"), acquisition and overpass times.
OBSERVATION_TIME_PHRASES = ("composite day", "day of year vi pixel", "view time", "viewing time",
                            "observation time", "observation day", "observation date", "time of observation",
                            "day of observation", "date of observation", "time of day observation",
                            "time of night observation", "acquisition time", "acquisition date",
                            "time of acquisition", "date of acquisition", "overpass time", "time of overpass",
                            "time difference from reference time")

#: Units of a quality bit field (lower case, stripped): MODIS's ``FparLai_QC`` and ``VI_Quality``,
#: ``units = "bit field"``; each bit a condition of the retrieval, no amount.
BIT_FIELD_UNITS = ("bit field", "bitfield", "bit_field", "bit-field", "bits")

#: Whole words of a variable's name (as :func:`_name_words` splits it) that make it the quality
#: flags of a retrieval or a measurement: MOD15's ``FparLai_QC``, ``FparExtra_QC``; ``sst_qa``;
#: AmeriFlux's ``FC_SSITC_TEST`` (the steady-state and integral turbulence characteristics test of
#: the CO2 flux, 0/1/2; break45a A5); the EEA's air-quality ``Validity`` and ``Verification``
#: columns (whether each hourly value is valid, and verified).
QUALITY_NAME_WORDS = ("qc", "qa", "ssitc", "validity", "verification")

#: Phrases of a variable's name (its words as :func:`_name_words` splits them) that make it the
#: decision whether each of the target's values is to be used: GESLA-3's ``use_flag`` column
#: (1 = use the value, 0 = do not; Haigh et al. 2023, GESLA Version 3 user manual), the same kind as
#: its ``qc_flag`` beside it (break47c A6: proposed as a predictor, it marked the target's spikes).
USE_FLAG_NAME_PHRASES = ("use flag", "use flags", "usage flag", "usage flags", "use qc", "use quality")

#: Words (as :func:`_name_words` splits a name) that, taken out of a variable's name, leave the
#: target's (not a bare ``std``, ``sd``: ``cdr_seaice_conc_std`` may be a variability, a quantity)
#: target's: MOD15's ``LaiStdDev_500m`` beside ``Lai_500m`` ("std dev"), ``FparStdDev_500m``
#: beside ``Fpar_500m``, ``tas_err`` beside ``tas`` → what the variable then is.
INSERTED_WORDS = {"std dev": "the standard deviation", "stddev": "the standard deviation",
                  "stdev": "the standard deviation",
                  "uncertainty": "the uncertainty", "unc": "the uncertainty", "error": "the error", "err": "the error",
                  "qc": "the quality flags", "qa": "the quality flags"}

#: What a count of the data's support counts (plural and singular, lower case): "Number of fco2
#: obs", "Number of cruises", "number of valid SST observations".
SAMPLING_UNITS = ("observations", "observation", "obs", "cruises", "cruise", "stations", "station", "gauges",
                  "measurements", "profiles", "samples", "reports", "soundings", "retrievals")

_SAMPLING = "|".join(SAMPLING_UNITS)
#: What a count of the data's gaps counts: PSMSL's "number of missing days" (break44a A5), the days
#: of each month without a tide-gauge reading, is how complete the month's mean is, no driver.
_GAPS = r"(?:missing|valid|interpolated|filled|gap filled) (?:days|values|months|hours|data|records|readings)"
_COUNTS_SAMPLES = re.compile(rf"\b(?:number|count|counts|no) of (?:[a-z0-9]+ ){{0,3}}(?:{_SAMPLING})\b"
                             rf"|\b(?:{_SAMPLING}) counts?\b"
                             rf"|\b(?:number|count|no) of {_GAPS}\b")
#: In units of a count (:data:`COUNT_UNITS`), the words between "count of" and what it counts are
#: not limited: TRMM 3B42's ``precipitation_cnt``, units "count", "Count of all valid 3-hourly
#: precipitation observations" (five words between; break39a F4).
_COUNTS_SAMPLES_IN_COUNT_UNITS = re.compile(rf"\b(?:number|count|counts|no) of (?:[a-z0-9]+ )*?(?:{_SAMPLING})\b"
                                            rf"|\b(?:number|count|no) of {_GAPS}\b")

#: Units of a count (lower case, stripped): none, CF's "1", and the words products write.
COUNT_UNITS = ("", "1", "count", "counts", "number", "#", "obs", "observations", "cruises")

#: Words (as :func:`_name_words` splits a name) that make a variable in :data:`COUNT_UNITS` a
#: count of observations or cruises: ``sst_nobs``, ``n_obs``, ``count_ncruise``.
COUNT_NAME_WORDS = ("nobs", "n obs", "num obs", "numobs", "ncruise", "ncruises", "n cruises", "num cruises")

#: Name suffixes that, after another variable's name (``_`` between or not), make a variable in
#: :data:`COUNT_UNITS` the count of that variable's observations: TRMM 3B42's ``precipitation_cnt``
#: and ``HQprecipitation_cnt`` beside ``precipitation`` and ``HQprecipitation``, ICOADS's ``sst_nobs``
#: beside ``sst``. Alone, ``lightning_count`` may be a quantity (a count of flashes); beside a variable
#: ``lightning`` it counts that variable's observations.
COUNT_SUFFIXES = ("cnt", "count", "counts", "nobs", "n_obs", "num_obs", "numobs")

#: Phrases of a variable's name (its words as :func:`_name_words` splits them) that make it
#: ancillary data besides :data:`DESCRIPTION_PHRASES`: IMERG's ``gaugeRelativeWeighting``.
NAME_PHRASES = DESCRIPTION_PHRASES + ("gauge relative weighting",
                                      # SMOS's Chi_2 (the fit of the retrieval) and RFI_Prob (the probability
                                      # its brightness temperatures had radio-frequency interference;
                                      # break50a A4): how far the retrieval is to be trusted
                                      "chi 2", "chi2", "rfi prob")

#: Phrases that hold one of :data:`DESCRIPTION_PHRASES` but name a quantity of its own, which
#: may be a predictor: an air quality index from a chemistry model, a water quality index.
QUANTITY_PHRASES = ("air quality index", "water quality index")

#: A statement, inside a description, of the quality levels of the retrieval whose values were kept
#: or averaged: MOD08_M3's own land–ocean aerosol optical depth, "Aerosol Optical Depth at 0.55
#: microns for both Ocean (Average) (Quality flag=1,2,3) and Land (corrected) (Quality flag=3): Mean
#: of Daily Mean" (break52c A2: left out as data about the target's values). The value is the
#: quantity itself; the words only say which levels went into it ("quality flag = 3", "QA >= 2",
#: "QC flag = 1, 2 or 3"). A quality flag's own description, "Quality flag: 0 = good, 1 = bad",
#: names its levels' meanings (a number then "=", or a level's word: "good", "bad"): no such statement.
_QUALITY_SELECTION = re.compile(
    r"\b(?:quality|qa|qc)(?:[ _-]+(?:assurance|control|confidence))?(?:[ _-]+(?:flags?|levels?|values?))?"
    r"\s*(?:=|==|>=|<=|>|<|≥|≤)\s*\d+(?:\s*(?:[,/&]|-|\band\b|\bor\b|\bto\b)\s*\d+)*"
    r"(?!\s*(?:=|\d|\(?\s*(?:good|bad|best|poor|marginal|fair|high|low|medium|suspect|missing|valid|invalid|not|no)\b))",
    re.IGNORECASE)


def without_quality_selection(text: object) -> str:
    """``text`` without the statements of the quality levels that went into the value it describes
    (:data:`_QUALITY_SELECTION`): ``"Aerosol Optical Depth … (Quality flag=1,2,3) and Land …"`` →
    ``"Aerosol Optical Depth … () and Land …"``; what stays says what the value is.

    Examples
    --------
    >>> without_quality_selection("AOD for Ocean (Quality flag=1,2,3)")
    'AOD for Ocean ()'
    >>> without_quality_selection("Quality flag: 0 = good, 1 = bad")
    'Quality flag: 0 = good, 1 = bad'
    """
    return _QUALITY_SELECTION.sub("", str(text))


#: The attributes whose text can say what a variable is: CF's ``long_name``, IMERG's
#: ``LongName`` (its HDF5 files, also when a group is extracted to netCDF), ``description``
#: (CRU TS), NOAA PSL's ``var_desc``.
DESCRIPTION_ATTRIBUTES = ("long_name", "LongName", "description", "var_desc")


#: Names that make a variable the standard deviation, uncertainty, error or quality flags of
#: the variable whose name stands for ``{}`` → what the variable then is.
NAME_PATTERNS = {"stdev_of_{}": "the standard deviation", "{}_stdev": "the standard deviation",
                 "{}_observation_weights": "the observation weights",
                 "uncertainty_of_{}": "the uncertainty", "{}_uncertainty": "the uncertainty",
                 "{}_error": "the error", "qa_of_{}": "the quality flags", "{}_qa_flag": "the quality flags",
                 # flux networks' qualifiers (AmeriFlux BASE, FLUXNET: FC_SSITC_TEST, NEE_VUT_REF_QC; break45a A5)
                 # and the flags products write beside a value (LE_FLAG, pm25_validity)
                 "{}_ssitc_test": "the steady-state and turbulence test flags", "{}_qc": "the quality flags",
                 "{}_flag": "the quality flags", "{}_flags": "the quality flags", "{}_qc_flag": "the quality flags",
                 "{}_validity": "the validity flags", "{}_verification": "the verification flags"}

#: Beginnings of a long_name that make a variable the standard deviation of the quantity the
#: rest of it names (words as :func:`_words` leaves them).
LONG_NAME_PREFIXES = ("standard deviation of", "standard deviation in")


def _words(text: object) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower()))


def _name_words(name: str) -> str:
    """``"randomError"``, ``"random_error"`` → ``"random error"``: a name's words, lower case."""
    return _words(re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name))


def _says_ancillary(words: str, phrases: Sequence[str]) -> bool:
    """Whether ``words`` hold one of ``phrases`` and none of :data:`QUANTITY_PHRASES`."""
    return (any(phrase in words for phrase in phrases)
            and not any(phrase in words for phrase in QUANTITY_PHRASES))


def ancillary_reason(variable: xr.DataArray, target: xr.DataArray) -> str | None:
    """Why ``variable`` is ancillary data of ``target`` (the module's rules), or None.

    Returns
    -------
    str or None
        ``"the target's ancillary_variables name it"``, ``"its standard_name
        'air_temperature number_of_observations'"``, ``"its description 'number of stations
        contributing to each datum'"`` or ``"its name 'randomError'"``.
    """
    if str(variable.name) in str(target.attrs.get("ancillary_variables", "")).split():
        return f"{target.name}'s ancillary_variables name it"
    if (described := _described_as_ancillary(variable)) is not None:
        return described
    if _of_the_target(variable.attrs.get("long_name"), target) and not _a_spread_of_values(variable):
        return f"its long_name '{variable.attrs['long_name']}'"
    named_after = (_named_after(str(variable.name), str(target.name)) or _named_with_word(variable, str(target.name))
                   or _count_of(variable, str(target.name)))
    if named_after is None and _says_ancillary(_name_words(str(variable.name)), NAME_PHRASES):
        return f"its name '{variable.name}'"
    return named_after or _quality_name(variable) or count_of_target_events(variable, target)


def _described_as_ancillary(variable: xr.DataArray) -> str | None:
    """Why ``variable``'s standard_name, description or name and units make it ancillary data, or None."""
    standard_name = str(variable.attrs.get("standard_name", ""))
    if (observed := _observation_time(variable)) is not None:
        return observed
    if any(standard_name.split()[-1:] == [modifier] for modifier in STANDARD_NAME_MODIFIERS):
        return f"its standard_name '{standard_name}'"
    counts = _COUNTS_SAMPLES_IN_COUNT_UNITS if _in_count_units(variable) else _COUNTS_SAMPLES
    for key in DESCRIPTION_ATTRIBUTES:
        text = variable.attrs.get(key)
        words = None if text is None else _words(without_quality_selection(text))
        if words is not None and (_says_ancillary(words, DESCRIPTION_PHRASES) or counts.search(words)):
            return f"its {key} '{text}'"
    if _named_a_count(variable):
        units = str(variable.attrs.get("units", "")).strip()
        return f"its name '{variable.name}', a count of observations ({f'units {units!r}' if units else 'no units'})"
    if str(variable.attrs.get("units", "")).strip().lower() in BIT_FIELD_UNITS:
        return f"its units '{variable.attrs['units']}', a quality bit field"
    return _quality_flag_meanings(variable)


def _quality_flag_meanings(variable: xr.DataArray) -> str | None:
    """``"its flag_meanings 'ok interpolated', quality flags"`` when one of ``variable``'s CF
    ``flag_meanings`` (space-separated, underscores within one) is, or begins with the words of,
    one of :data:`QUALITY_FLAG_MEANINGS`, else None."""
    meanings = str(variable.attrs.get("flag_meanings", ""))
    said = {" ".join(meaning.lower().replace("_", " ").replace("-", " ").split()) for meaning in meanings.split()}
    if any(meaning == quality or meaning.startswith(f"{quality} ") for meaning in said
           for quality in QUALITY_FLAG_MEANINGS):  # Argo's "interpolated_value", "no_qc_performed"
        return f"its flag_meanings '{meanings}', quality flags"
    return None


#: A description (its words, :func:`_words`) of the time at which a vector's start or end was
#: observed: OSI-405's ``dt0`` "delta time for dX and dY start position", OSI-455's ``t0``/``t1``
#: at the start and end of each displacement (break45c A3).
_VECTOR_TIMES = re.compile(r"\b(?:delta time|time|times|dt)\b.*\b(?:start|end|beginning)\b.*"
                           r"\b(?:position|positions|displacement|displacements|drift|vector|vectors|motion)\b"
                           r"|\b(?:start|end|beginning)\b.*\btimes?\b.*"
                           r"\b(?:position|positions|displacement|displacements|drift|vector|vectors|motion)\b")

#: Names of a vector's start and end times (OSI SAF ice drift's ``t0``, ``t1``, ``dt0``, ``dt1``),
#: ancillary when their units are a time (:data:`_TIME_UNITS`).
_VECTOR_TIME_NAMES = re.compile(r"^d?t[01]$", re.IGNORECASE)

#: Units of a time or a time offset (their first word, lower case), and the word of a date's units.
_TIME_UNITS = ("s", "sec", "secs", "second", "seconds", "min", "minute", "minutes", "h", "hr", "hour", "hours",
               "d", "day", "days")


#: Words that, alone in a variable's name and descriptions (numbers aside), make a variable in
#: units of time the date or time of day each value was observed (:func:`_a_time_stamp`): SMOS
#: L3's ``Days``, "Days since 2000-01-01", and ``UTC_Seconds``, "Seconds of the day" (break50a A4);
#: AVHRR's land CDR ``TIMEOFDAY``, "Time since start of day" in hours, the time of NOAA-19's drifting
#: overpass at each pixel (break51b A3: "start" of the day, its clock since midnight).
_TIME_STAMP_WORDS = frozenset({"utc", "gmt", "local", "solar", "time", "times", "date", "dates", "day", "days",
                               "hour", "hours", "minute", "minutes", "second", "seconds", "sec", "secs", "s",
                               "millisecond", "milliseconds", "microsecond", "microseconds", "since", "of", "the",
                               "in", "at", "observation", "julian", "start", "beginning", "midnight"})


def _stamp_word(word: str) -> bool:
    """Whether ``word`` is one of :data:`_TIME_STAMP_WORDS` or those words run together without
    separators, as an all-caps name writes them (``TIMEOFDAY``: time, of, day; break51b A3)."""
    if word in _TIME_STAMP_WORDS:
        return True
    return any(word.startswith(head) and _stamp_word(word[len(head):])
               for head in _TIME_STAMP_WORDS if len(head) > 1 and len(head) < len(word))


def _a_time_stamp(variable: xr.DataArray, units: str) -> str | None:
    """``"its standard_name 'time' …"`` or ``"its name 'UTC_Seconds' and long_name 'Seconds of the
    day' in units of time ('s'), …"`` when ``variable`` is in units of time (a duration of
    :data:`_TIME_UNITS` or a CF reference, "days since 2000-01-01") and its CF standard_name is
    ``time`` or its name and every description hold no word but :data:`_TIME_STAMP_WORDS`, alone
    or run together (:func:`_stamp_word`; numbers and "day of year" aside): a stamp, the date or
    time of day each value was observed, not a quantity. MCD12Q2's ``Greenup``
    ("Onset_Greenness_Increase", "days since 1970-01-01") names a quantity of its own and is kept."""
    timed = units.split()[:1] in ([word] for word in _TIME_UNITS + ("millisecond", "milliseconds", "ms",
                                                                    "microsecond", "microseconds", "us"))
    if not (timed or " since " in f" {units} "):
        return None
    said = f"in units of time ('{variable.attrs.get('units')}'), the date or time each value was observed"
    if str(variable.attrs.get("standard_name", "")).strip() == "time":
        return f"its standard_name 'time' {said}"
    texts = [("name", str(variable.name), _name_words(str(variable.name)))]
    texts += [(key, str(variable.attrs[key]), _words(variable.attrs[key])) for key in DESCRIPTION_ATTRIBUTES
              if variable.attrs.get(key) is not None]
    for _, _, words in texts:
        words = f" {words} ".replace(" day of year ", " ").replace(" day of the year ", " ")
        kept = [word for word in words.split() if not word.isdigit()]
        if not kept or not all(_stamp_word(word) for word in kept):
            return None
    shown = " and ".join(f"{key} '{text}'" for key, text, _ in texts)
    return f"its {shown} {said}"


def _observation_time(variable: xr.DataArray) -> str | None:
    """``"its name '…composite_day_of_the_year', the day or time each value was observed"`` when
    ``variable``'s name or a description holds one of :data:`OBSERVATION_TIME_PHRASES` or says the
    time of a vector's start or end (:data:`_VECTOR_TIMES`), or its name is one of a vector's start
    and end times (:data:`_VECTOR_TIME_NAMES`) in units of time, else None."""
    said = [("name", str(variable.name), _name_words(str(variable.name)))]
    said += [(key, str(variable.attrs[key]), _words(variable.attrs[key])) for key in DESCRIPTION_ATTRIBUTES
             if variable.attrs.get(key) is not None]
    for key, text, words in said:
        if any(f" {phrase} " in f" {words} " for phrase in OBSERVATION_TIME_PHRASES) or _VECTOR_TIMES.search(words):
            return f"its {key} '{text}', the day or time each value was observed"
    units = str(variable.attrs.get("units", "")).strip().lower()
    if (stamp := _a_time_stamp(variable, units)) is not None:
        return stamp
    if _VECTOR_TIME_NAMES.match(str(variable.name)) and (units.split()[:1] in ([word] for word in _TIME_UNITS)
                                                       or " since " in f" {units} "):
        return (f"its name '{variable.name}' in units of time ('{variable.attrs['units']}'), the time each value "
                "was observed")
    return None


def _quality_name(variable: xr.DataArray) -> str | None:
    """``"its name 'FparLai_QC', quality flags"`` when the name holds one of
    :data:`QUALITY_NAME_WORDS` as a word, or one of :data:`USE_FLAG_NAME_PHRASES`, else None."""
    words = f" {_name_words(str(variable.name))} "
    if any(f" {word} " in words for word in QUALITY_NAME_WORDS):
        return f"its name '{variable.name}', quality flags"
    if any(f" {phrase} " in words for phrase in USE_FLAG_NAME_PHRASES):
        return f"its name '{variable.name}', whether each value is to be used"
    return None


def ancillary_in_itself(variable: xr.DataArray) -> str | None:
    """Why ``variable`` is ancillary data whatever the target, or None: the module's rules that
    need no target (a CF Appendix C modifier, a description or a name that says a count of
    stations or observations, an error estimate, a quality index or the day or time of each
    observation; SOCAT's ``count_ncruise``,
    "Number of cruises"). :func:`climann.data.info.describe` suggests no such variable as the
    target while the file holds another.

    Parameters
    ----------
    variable : xarray.DataArray
        Named, with its attributes.

    Returns
    -------
    str or None
        As :func:`ancillary_reason`: ``"its long_name 'Number of cruises'"``.
    """
    described = _described_as_ancillary(variable)
    if described is None and _says_ancillary(_name_words(str(variable.name)), NAME_PHRASES):
        return f"its name '{variable.name}'"
    return described or _quality_name(variable)


def _in_count_units(variable: xr.DataArray) -> bool:
    """Whether ``variable``'s units are those of a count (:data:`COUNT_UNITS`, none included)."""
    return str(variable.attrs.get("units", "")).strip().lower() in COUNT_UNITS


def _count_of(variable: xr.DataArray, other: str) -> str | None:
    """``"its name, the count of observations of precipitation"`` when ``variable``, in
    :data:`COUNT_UNITS`, is named ``other`` with one of :data:`COUNT_SUFFIXES` after it
    (``precipitation_cnt``, case aside), else None."""
    suffixes = "|".join(COUNT_SUFFIXES)
    if (_in_count_units(variable)
            and re.fullmatch(rf"{re.escape(other)}_?(?:{suffixes})", str(variable.name), re.IGNORECASE)):
        return f"its name, the count of observations of {other}"
    return None


def _named_a_count(variable: xr.DataArray) -> bool:
    """Whether ``variable``, in :data:`COUNT_UNITS`, is named a count of observations
    (:data:`COUNT_NAME_WORDS`) or, with no description, ``count_…`` or ``…_count_…``."""
    if not _in_count_units(variable):
        return False
    name = str(variable.name)
    if any(f" {words} " in f" {_name_words(name)} " for words in COUNT_NAME_WORDS):
        return True
    described = any(variable.attrs.get(key) for key in DESCRIPTION_ATTRIBUTES)
    return not described and re.search(r"(?:^|_)count_", name, re.IGNORECASE) is not None


def _of_the_target(long_name: object, target: xr.DataArray) -> bool:
    """Whether ``long_name`` is "standard deviation of" (:data:`LONG_NAME_PREFIXES`) the
    target's ``long_name`` or name, "the" allowed before it."""
    if long_name is None:
        return False
    words = _words(long_name)
    names = {_words(target.attrs.get("long_name", "")), _words(target.name)} - {""}
    return any(words in {f"{prefix} {name}", f"{prefix} the {name}"} for prefix in LONG_NAME_PREFIXES
               for name in names)


#: The CF cell methods (CF 1.8 appendix E) that make a variable a statistic of the values over
#: time or space (their spread), not an estimate of their error.
SPREAD_METHODS = ("standard_deviation", "variance")


def _a_spread_of_values(variable: xr.DataArray) -> bool:
    """Whether ``variable``'s CF ``cell_methods`` (section 7.3) says it is the spread of values
    over an axis (:data:`SPREAD_METHODS`): ``"time: standard_deviation within days"``."""
    methods = parse_cell_methods(str(variable.attrs.get("cell_methods", "")))
    return any(entry.method.split()[0] in SPREAD_METHODS for entry in methods)


def _named_after(name: str, target: str) -> str | None:
    """``"its name, the standard deviation of cdr_seaice_conc"`` when ``name`` is one of
    :data:`NAME_PATTERNS` of the target's name (case aside), else None."""
    for pattern, what in NAME_PATTERNS.items():
        if name.lower() == pattern.format(target).lower():
            return f"its name, {what} of {target}"
    return None


def _named_with_word(variable: xr.DataArray, target: str) -> str | None:
    """``"its name, the standard deviation of Lai_500m"`` when ``variable``'s name is ``target``'s
    with one of :data:`INSERTED_WORDS` put in (``LaiStdDev_500m``), and its ``cell_methods`` does
    not say it is the spread of values over an axis (``tas_std``, "time: standard_deviation", is
    a quantity of its own), else None."""
    words, target_words = f" {_name_words(str(variable.name))} ", _name_words(target)
    if _a_spread_of_values(variable):
        return None
    for inserted, what in INSERTED_WORDS.items():
        if f" {inserted} " in words and " ".join(words.replace(f" {inserted} ", " ", 1).split()) == target_words:
            return f"its name, {what} of {target}"
    return None


def ancillary_relations(dataset: xr.Dataset, target: str, names: Sequence[str]) -> dict[str, str]:
    """Of ``names``, those that are ancillary data of ``target`` → why (:func:`ancillary_reason`),
    or named as the standard deviation, uncertainty, error or quality flags of another variable of
    ``dataset`` (:func:`_named_after`, :func:`_named_with_word`: MOD15's ``LaiStdDev_500m``
    beside the target ``Fpar_500m`` is still ``Lai_500m``'s retrieval uncertainty, no driver of
    FPAR)."""
    found = {}
    for name in names:
        reason = ancillary_reason(dataset[name], dataset[target]) or binning_weight(dataset, name)
        listed = reason is not None and reason.endswith("ancillary_variables name it")
        for other in dataset.data_vars:
            if other in (name, target) or listed or (reason is not None and _DESCRIBED.match(reason)):
                continue
            if reason is None:
                reason = (_named_after(name, str(other)) or _named_with_word(dataset[name], str(other))
                          or _count_of(dataset[name], str(other)))
            else:  # named as another variable's (NAME_PATTERNS): said so where a description made it ancillary
                # (EN4's salinity_observation_weights, long_name "salinity_observation_weights", is about salinity)
                reason = _named_after(name, str(other)) or reason
        if reason is not None:
            found[name] = reason
    return found


#: What says a file was binned by HARP (``harpmerge``/``harpconvert`` with ``bin_spatial`` or
#: ``bin()``: TROPOMI, GOME-2, OMI L3 grids): its global ``Conventions`` or ``history``.
_HARP_FILE = re.compile(r"\bharp-\d|\bharp(?:merge|convert)\b|\bbin_spatial\s*\(", re.IGNORECASE)


def binning_weight(dataset: xr.Dataset, name: str) -> str | None:
    """Why ``name`` is the weight of each cell of a binned grid, how it was sampled, or None: HARP's
    ``weight`` (long_name "weight", no units), which its binning operations (``bin_spatial``,
    ``bin()``) write beside the binned means, the summed weights of the pixels in each cell (0 where
    no retrieval fell; HARP documentation, "Operations": bin, bin_spatial), in a file whose
    ``Conventions`` (``HARP-1.0``) or ``history`` (``harpmerge … bin_spatial(…)``) says HARP made
    it. As a predictor it teaches the network the orbits and the clouds, not the physics
    (break51d A3: TROPOMI NO2's only default predictor). A variable named ``weight`` whose
    attributes say nothing of the kind (a land-use weight, in units) is kept.

    Examples
    --------
    >>> grid = xr.Dataset({"weight": ("x", [0.0, 2.5], {"long_name": "weight", "units": ""})},
    ...                   attrs={"Conventions": "HARP-1.0"})
    >>> binning_weight(grid, "weight")
    "its long_name 'weight' in a file HARP binned (Conventions 'HARP-1.0'): each cell's summed sampling weight"
    >>> binning_weight(grid.assign_attrs(Conventions="CF-1.8"), "weight") is None
    True
    """
    variable = dataset[name]
    said = " ".join(str(variable.attrs.get(key, "")).strip().lower() for key in ("long_name", "description")).strip()
    if said != "weight" or str(variable.attrs.get("units", "")).strip() not in ("", "1"):
        return None
    for key in ("Conventions", "history"):
        text = str(dataset.attrs.get(key, ""))
        if _HARP_FILE.search(text):
            shown = text if len(text) <= 40 else f"{text[:37]}..."
            return (f"its long_name 'weight' in a file HARP binned ({key} '{shown}'): each cell's summed sampling "
                    f"weight")
    return None


#: The end of a reason of :func:`_named_after` and :func:`_named_with_word`: the variable described.
_DESCRIBED = re.compile(r"^its name, .+ of (?P<other>\S+)$")


def ancillary_note(relations: dict[str, str], target: str) -> str:
    """One line for the notes of the default predictors: which were left out and why, and whose
    values they describe: the variable their name is made of (``LaiStdDev_500m``: ``Lai_500m``,
    also beside the target ``Fpar_500m``), else the target."""
    shown = ", ".join(f"{name} ({reason})" for name, reason in relations.items())
    them = "them" if len(relations) > 1 else "it"
    described = list(dict.fromkeys((match["other"] if (match := _DESCRIBED.match(reason)) else target)
                                   for reason in relations.values()))
    whose = f"{described[0]}'s values" if len(described) == 1 else f"the values of {' and '.join(described)}"
    return (f"left out of the default predictors: {shown}: data about how well {whose} are known (CF 3.4 "
            f"ancillary data: station and observation counts, observation and gauge weights, counts of missing "
            f"days, error estimates, standard deviations and quality flags of the retrieval, the day or time each "
            f"value was observed), not what drives "
            f"them, so a network fed {them} learns the data's sampling; name {them} in [data] predictors "
            f"(--predictors) to use {them} anyway")


#: Words of a target's names that say no event of its own: a count of "area patches" is no
#: count of what burned.
_GENERIC_WORDS = frozenset({"total", "area", "mean", "monthly", "daily", "amount", "fraction", "number", "count",
                            "flux", "rate", "surface", "grid", "cell"})

#: What a count of a target's own events counts: "number of burn patches".
_COUNTED = re.compile(r"^(?:number|count|no) of (?P<what>(?:[a-z0-9]+ ?){1,4})$")


def count_of_target_events(variable: xr.DataArray, target: xr.DataArray) -> str | None:
    """Why ``variable`` counts the target's own events, or None.

    ESA Fire CCI's ``number_of_patches`` ("number of burn patches", units "1") counts the burned
    patches whose areas make the target ``burned_area`` ("total burned_area"): the same detection
    of the same fires, so as a predictor it carries the target (break39b B8: test skill 0.92 over
    the climatology), as IMERG's ``randomError`` does. A variable is such a count when its units
    are those of a count (:data:`COUNT_UNITS`), its ``long_name`` (or other description) is
    "number of …" or "count of …", and a word of what it counts and a word of the target's name,
    ``standard_name`` or ``long_name`` (four letters at least, not :data:`_GENERIC_WORDS`) share a
    stem: one begins with the other ("burn", "burned"). A count of something else ("number of
    active fires" beside ``burned_area``: another detection) stays a quantity.

    Parameters
    ----------
    variable, target : xarray.DataArray
        Named, with their attributes.

    Returns
    -------
    str or None
        ``"its long_name 'number of burn patches', a count of burned_area's own events"``.
    """
    if str(variable.attrs.get("units", "")).strip().lower() not in COUNT_UNITS:
        return None
    said = " ".join(_words(target.attrs.get(key, "")) for key in ("standard_name", "long_name"))
    target_words = {word for word in f"{said} {_name_words(str(target.name))}".split()
                    if word not in _GENERIC_WORDS and len(word) >= 4}
    for key in DESCRIPTION_ATTRIBUTES:
        text = variable.attrs.get(key)
        counted = _COUNTED.match(_words(text)) if text is not None else None
        if counted is None:
            continue
        for word in counted["what"].split():
            if len(word) >= 4 and any(other.startswith(word) or word.startswith(other) for other in target_words):
                return f"its {key} '{text}', a count of {target.name}'s own events"
    return None
