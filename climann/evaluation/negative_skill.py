"""A network that scores worse than the climatology on its test block.

The climatology baseline predicts each cell's mean of its calendar month over the training
years: it knows every cell's seasonal cycle. A network whose inputs do not tell the cells apart
as it does (no predictor with data, coordinate features alone: ``lat`` and ``season`` give
every cell of a latitude the same input) cannot know it, and ends below it: the last round's
ORAS5 run with its land mask left out and no other predictor, test MSE 0.661 against the
climatology's 0.559 degC², a skill of −0.18, with no word. A negative skill score
(1 − MSE/MSE_climatology; Murphy 1988, Mon. Wea. Rev. 116, 2417) says the run would have done
better with the climatology alone: the scores are right, the run is not yet of use. ``train``
warns in one line (:func:`negative_skill_text`), and ``report.md`` repeats it (also that of
``climann evaluate`` on the run's own data); nothing is refused. The causes and ways out are
those of the run's inputs (its predictors, coordinate features, lags, ``target_anomaly``): never
advice to add what the run has (rerun38 N3); ``report.md`` rewritten from ``metrics.json`` alone
does not know them and says so neutrally. Within 0.01 of a skill of 0 the network is "no better
than" the climatology rather than "worse" (:data:`NO_BETTER_THAN`): its errors are as large as if
it had learnt each cell's seasonal cycle and nothing more, so the cause named is the inputs'
silence on the departures from that cycle, not on the cycle (break38c S1: the line said both). A
network whose RMSE is of values no quantity takes (:data:`ASTRONOMICAL_RMSE`: unmarked 1e20 land, break38c S1, MSE
1.131e+39 degC²) is not blamed on its inputs: the line points to the values. Each MSE is shown
with the digits that give the skill shown (:func:`shown_mses`): −0.0099 and −0.0101 both
showed "MSE 1.01"; where the network or the climatology has no value at some of the other's (a cell the
training years never had), each one's own MSE is over its own values and the skill over the values both are
scored on, so the line shows the MSEs the skill is of, ``skill_mse`` and ``skill_climatology_mse``
(:func:`skill_mses`), with the own ones beside them (break41: "−0.568: MSE 0.0007539 against the
climatology's 0.0004818", from which 1 − MSE/MSE_climatology is −0.565).
Values a year or more apart (a land-cover map each year, ``metrics.json``
``climatology_per`` "whole record") have no seasonal cycle: their climatology is each cell's mean
over the training years (:data:`~climann.evaluation.baselines.WHOLE_RECORD`), and the line names
that mean, not a seasonal cycle (:func:`_baseline_held`; fix40d). Sub-daily values (``climatology_per``
"day of year and hour") have a climatology per day of the year and hour: it holds each cell's seasonal
and diurnal cycles, and a run whose features lack ``hour`` (the time of day) is told so and advised to
add it (break40b B7: the line blamed the seasonal cycle alone on 3-hourly data with a 2 K diurnal cycle).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from climann.data.units import difference_units, squared_units
from climann.evaluation.baselines import WHOLE_RECORD, persistence_left_out_reason

#: ``climatology_per`` of sub-daily values: a climatology with a diurnal cycle
#: (:func:`climann.evaluation.baselines.climatology_keys_of_step`).
PER_HOUR = "day of year and hour"

__all__ = ["ASTRONOMICAL_RMSE", "NO_BETTER_THAN", "SAME_MSE", "negative_skill_text", "shown_mses", "significant_text",
           "significant_texts", "skill_mses"]


#: Below this |skill score| (the network's MSE within 1 % of the climatology's) the line says "no
#: better than" the climatology, not "worse": such a skill says the network adds nothing to what the
#: climatology holds, and whether it lands a little below or a little above 0 (rerun38: anomalies
#: that are noise, 3 epochs, −0.0038 and −0.0066) comes from the seed and the epochs, not from
#: inputs that mislead it. 1 % is our choice of "a little": the smallest gain a skill score is
#: usually quoted with (two decimals).
NO_BETTER_THAN = 0.01

#: An RMSE at or above this, in the target's own units, is of values no gridded quantity takes:
#: none comes near it (the Earth's whole surface is 5.1e14 m²; in any unit a product writes, a
#: field's values stay far below 1e18), while a usual large fill value that no attribute marks
#: (CMIP's 1e20, HadISST's -1e30, netCDF's default 9.97e36: :data:`~climann.data.fill_like.
#: USUAL_FILL_VALUES`) held on 1 % of the cells gives an RMSE of 1e19 or more (break38c S1: ORAS5's
#: unmarked 1e20 land, RMSE 3.4e19 degC). The values, or a network that diverged, are then the cause,
#: not its inputs. The target's own mean square cannot be the yardstick: it holds the same 1e20s.
ASTRONOMICAL_RMSE = 1e18

#: The fewest significant digits an MSE is shown with (:func:`shown_mses`).
MSE_DIGITS = 4

#: Two MSEs of the same values differ by the order of their sums alone (float64: about 1e-16 of
#: them); a relative difference above this says they are of different values (:func:`skill_mses`).
SAME_MSE = 1e-9

#: Where the MSEs the skill is of are said to be taken, and where each model's own MSE is.
COMMON_VALUES = "over the values both are scored on"
OWN_VALUES = "each over its own values"


def negative_skill_text(
    metrics: dict, *, block: str = "test", target_anomaly: bool | None = None,
    predictors: Sequence[str] | None = None, features: Sequence[str] | None = None,
    lags: Mapping[str, Sequence[int]] | None = None,
) -> str | None:
    """One line saying that the network scores worse than (or, within :data:`NO_BETTER_THAN`
    of a skill of 0, no better than) the climatology on ``block``, its skill score, both MSEs,
    the likely causes and the ways out fitted to the run's inputs; None otherwise.

    Parameters
    ----------
    metrics : dict
        The content of ``metrics.json``: ``target``, ``units`` and ``splits[block]``'s
        ``model`` and ``climatology`` scores (``mse``, ``skill_vs_climatology``).
    block : str
        The block judged: the test block, years the network never saw.
    target_anomaly : bool or None
        Whether the run's network learnt the target's anomaly (``[data] target_anomaly``):
        then --target-anomaly is not advised (it starts from the climatology already).
    predictors : sequence of str or None
        The run's predictors (``[data] predictors``, as chosen): none, the seasonal cycle is
        blamed on coordinate features alone; some, they are named and "more" are advised.
    features : sequence of str or None
        The run's coordinate features (``lat``, ``season``, ...), named with no predictor.
    lags : mapping of str to sequence of int or None
        The run's lagged features: the target's own lag is advised only to a run without it.

    Returns
    -------
    str or None
        None when the skill score is 0 or above, undefined (new data without a climatology, a
        climatology of zero error), or the block or a model is not scored.

    Notes
    -----
    Each of ``target_anomaly``, ``predictors``, ``features`` and ``lags`` is None when not
    known (``report.md`` rewritten from ``metrics.json`` alone): the line then keeps a neutral
    wording ("if it does not already").

    Examples
    --------
    >>> metrics = {"target": "sosstsst", "units": "degC", "splits": {"test": {
    ...     "model": {"mse": 0.661, "skill_vs_climatology": 1 - 0.661 / 0.559},
    ...     "climatology": {"mse": 0.559, "skill_vs_climatology": 0.0}}}}
    >>> negative_skill_text(metrics).split(":")[0]
    'the network scores worse than the climatology on the test block (skill score 1 − MSE/MSE_climatology = −0.182'
    """
    scores = metrics.get("splits", {}).get(block, {})
    model, climatology = scores.get("model") or {}, scores.get("climatology") or {}
    skill, mse, reference = model.get("skill_vs_climatology"), model.get("mse"), climatology.get("mse")
    if skill is None or mse is None or reference is None or not math.isfinite(skill) or not skill < 0:
        return None
    target, units = metrics["target"], squared_units(str(metrics.get("units", "")))
    in_units = f" {units}" if units and units != "1" else ""  # a pure number's MSE: "MSE 0.000754", not "… 1"
    scored = _scored_text(model, climatology, in_units)
    lagged = None if lags is None else target in lags
    # lags need a regular step: on an irregular axis the advice says how to get one first (break46d A5)
    irregular = lagged is not True and _irregular_axis(metrics)
    held, that = _baseline_held(metrics)
    hourless = metrics.get("climatology_per") == PER_HOUR and features is not None and "hour" not in features
    if math.isfinite(mse) and math.sqrt(mse) >= ASTRONOMICAL_RMSE:
        rmse_units = f" {difference_units(str(metrics['units']))}" if metrics.get("units") else ""
        return (f"the network scores worse than the climatology on the {block} block ({scored}): an RMSE of "
                f"{math.sqrt(mse):.2g}{rmse_units}, which no value of a quantity comes near (at or above "
                f"{ASTRONOMICAL_RMSE:g}), so the inputs are not the cause: most likely values of '{target}' that are "
                f"no data, such as a fill value (CMIP's 1e20) that no _FillValue or missing_value marks (its own "
                f"warning, which climann info repeats, names it and the line that marks it), or a network that "
                f"diverged (its loss in history.csv); mark such values missing and train again")
    if skill > -NO_BETTER_THAN:
        return (f"the network scores no better than the climatology on the {block} block ({scored}, within "
                f"{NO_BETTER_THAN:g} of 0): its errors are as large as if it had learnt {held}, "
                f"which the climatology holds, and nothing more: "
                f"{_no_better_causes(target_anomaly, predictors, features, lagged, that, hourless)}; "
                # the cycle it has: no --target-anomaly
                f"{_ways_out(target, True, predictors, lagged, that, hourless, irregular)}")
    causes = _causes(target_anomaly, predictors, features, lagged, held, hourless)
    ways_out = _ways_out(target, target_anomaly, predictors, lagged, that, hourless, irregular)
    return (f"the network scores worse than the climatology on the {block} block ({scored}); the climatology alone "
            f"would have done better: {causes}; {ways_out}")


def _baseline_held(metrics: Mapping) -> tuple[str, str]:
    """What the run's climatology holds, as the line names it, and its short name: "each cell's
    seasonal cycle" ("that cycle"), or for values a year or more apart, whose climatology is the
    training mean (``climatology_per`` :data:`~climann.evaluation.baselines.WHOLE_RECORD`: yearly
    maps have no seasonal cycle), "each cell's mean over the training years" ("that mean"); for
    sub-daily values, whose climatology is per day of the year and hour (:data:`PER_HOUR`), "each
    cell's seasonal and diurnal cycles" ("those cycles")."""
    if metrics.get("climatology_per") == WHOLE_RECORD:
        return "each cell's mean over the training years", "that mean"
    if metrics.get("climatology_per") == PER_HOUR:
        return "each cell's seasonal and diurnal cycles", "those cycles"
    return "each cell's seasonal cycle", "that cycle"


def _hour_cause(hourless: bool) -> str:
    """The missing time of day, said within the inputs' parenthesis of a sub-daily run without the
    ``hour`` feature: the climatology tells the hours of a day apart, the network cannot."""
    return "; no time of day (the hour feature), so it cannot tell the hours of a day apart" if hourless else ""


def _scored_text(model: Mapping, climatology: Mapping, in_units: str) -> str:
    """The skill score and the two MSEs it is of, as the line says them: the MSEs over the values both
    are scored on (:func:`skill_mses`) where they are not each model's own, and each model's own
    beside them; where ``metrics.json`` does not hold them (written before ``skill_mse``) and no digits
    of the own MSEs give the skill, on which values each is (break41: "−0.568: MSE 0.0007539 against
    the climatology's 0.0004818", whose 1 − MSE/MSE_climatology is −0.565)."""
    shown = _skill_shown(model["skill_vs_climatology"])
    mse, reference = model["mse"], climatology["mse"]
    head = f"skill score 1 − MSE/MSE_climatology = {shown}: MSE "
    common = skill_mses(model, climatology)
    own = significant_texts((mse, reference), MSE_DIGITS)
    if common is not None:
        model_shown, reference_shown = shown_mses(*common, model["skill_vs_climatology"])
        return (f"{head}{model_shown}{in_units} against the climatology's {reference_shown}{in_units} "
                f"{COMMON_VALUES}; {own[0]}{in_units} and {own[1]}{in_units} "
                f"{OWN_VALUES}")
    given = _mses_giving(mse, reference, model["skill_vs_climatology"])
    if given is not None:
        return f"{head}{given[0]}{in_units} against the climatology's {given[1]}{in_units}"
    return (f"{head}{own[0]}{in_units} against the climatology's {own[1]}{in_units}, "
            f"{OWN_VALUES}, the skill {COMMON_VALUES}")


def skill_mses(scores: Mapping, climatology: Mapping) -> tuple[float, float] | None:
    """The two MSEs a skill against the climatology is of, where they are not the model's and the
    climatology's own: ``skill_mse`` and ``skill_climatology_mse`` of ``metrics.json``, over the values
    both are scored on (:func:`~climann.evaluation.sums.metrics_from_sums`), against each one's ``mse``.

    Parameters
    ----------
    scores : mapping
        A model's scores in a block of ``metrics.json`` (``mse``, ``skill_mse``,
        ``skill_climatology_mse``; the last two absent before they were written).
    climatology : mapping
        The climatology's scores in the same block (``mse``).

    Returns
    -------
    tuple of float or None
        ``(skill_mse, skill_climatology_mse)`` where either differs from its own ``mse`` by more than
        :data:`SAME_MSE` of it: a model or the climatology undefined on some of the other's values
        (persistence at the first step, a cell the training years never had), when 1 − MSE/MSE_climatology
        of the own MSEs is not the skill. None where both are the own MSEs, or not recorded.
    """
    pair = scores.get("skill_mse"), scores.get("skill_climatology_mse")
    own = scores.get("mse"), climatology.get("mse")
    if any(value is None or not math.isfinite(value) for value in pair):
        return None
    if all(value is not None and math.isclose(common, value, rel_tol=SAME_MSE, abs_tol=0.0)
           for common, value in zip(pair, own, strict=True)):
        return None
    return float(pair[0]), float(pair[1])


def _skill_shown(skill: float) -> str:
    """A skill score to 3 significant digits, its leading minus the minus sign, as the captions write
    it (``−0.182``, ``−1e-05``: the exponent's sign left as Python writes it)."""
    text = f"{skill:.3g}"
    return f"−{text[1:]}" if text.startswith("-") else text


def shown_mses(mse: float, reference: float, skill: float, *,
               text: Callable[[float], str] | None = None) -> tuple[str, str]:
    """A model's and the climatology's MSEs over the same values as text: with the fewest significant
    digits (at least :data:`MSE_DIGITS`) from which 1 − MSE/MSE_climatology gives ``skill`` to 3
    significant digits and falls on the same side of −:data:`NO_BETTER_THAN` as it, so two MSEs said
    to differ are shown different (break38c S1: 1.0099 and 1.0101 against 1.0 both showed "1.01", one
    "no better", the other "worse").

    Parameters
    ----------
    mse, reference : float
        The two MSEs, over the same values (units²).
    skill : float
        1 − ``mse``/``reference``, as the scores computed it.
    text : callable, optional
        How the skill is shown beside them; default: 3 significant digits, the minus sign as the
        captions write it (``−0.182``).

    Returns
    -------
    tuple of str
        Both MSEs, :data:`MSE_DIGITS` significant digits where no digits give ``skill`` (it is of
        other MSEs: see :func:`skill_mses`).
    """
    text = text or _skill_shown
    given = _mses_giving(mse, reference, skill, text)
    # a skill not of these two MSEs alone (rerun40 R4: 17 digits, "MSE 0.0007539330657535399"): as other lines
    return given or significant_texts((mse, reference), MSE_DIGITS)


def significant_text(value: float, digits: int, *, zeros: bool = False) -> str:
    """``value`` to ``digits`` significant digits in ``g`` form, the trailing zeros of its rounding
    kept: a number shown beside another with 4 digits shows as many (break46e A2: 4.9997 as "5"
    beside "0.1346", now "5.000"). A value the short form writes exactly (0.661, 5.0, 1000.0) keeps
    it, a whole number without its point ("1000", not "1000.").

    Parameters
    ----------
    value : float
        Any finite number (NaN and infinities are written as Python writes them).
    digits : int
        Significant digits, 1 or more.
    zeros : bool
        Keep the trailing zeros of a value written exactly as well ("5.000" for 5.0): for two numbers
        told apart by their digits, which must show as many.

    Returns
    -------
    str
        E.g. ``significant_text(4.9997, 4) == "5.000"``, ``significant_text(0.661, 4) == "0.661"``,
        ``significant_text(1.0000001e-06, 4) == "1.000e-06"``.
    """
    short = f"{value:.{digits}g}"
    if not math.isfinite(value) or (not zeros and float(short) == value):
        return short
    return f"{value:#.{digits}g}".replace(".e", "e").removesuffix(".")


def significant_texts(values: Sequence[float], digits: int) -> tuple[str, ...]:
    """Numbers shown side by side, each to ``digits`` significant digits (:func:`significant_text`):
    all in their short form when each is written exactly in :data:`MSE_DIGITS` digits ("0.661 against
    0.559", "-5.72", "-7"), else all with their rounding's trailing zeros, so none shows fewer digits
    than its neighbour (break46e A2: "5.000 against 0.1346", not "5")."""
    zeros = any(math.isfinite(value) and float(f"{value:.{MSE_DIGITS}g}") != value for value in values)
    return tuple(significant_text(value, digits, zeros=zeros) for value in values)


def _mses_giving(mse: float, reference: float, skill: float,
                 text: Callable[[float], str] = _skill_shown) -> tuple[str, str] | None:
    """:func:`shown_mses`'s digits of ``mse`` and ``reference`` that give ``skill`` as ``text`` shows
    it; None if none do."""
    for digits in range(MSE_DIGITS, 18):
        model, climatology = significant_texts((mse, reference), digits)
        again = 1 - float(model) / float(climatology)
        if (text(again) == text(skill)
                and (again > -NO_BETTER_THAN) == (skill > -NO_BETTER_THAN)):
            return model, climatology
    return None


def _inputs(predictors: Sequence[str] | None, features: Sequence[str] | None, lagged: bool | None) -> str:
    """The run's inputs as the causes name them (None: not known)."""
    if predictors is None:
        return "no predictor with data, coordinate features alone"
    if not predictors and not lagged:
        return ("no predictor, coordinate features alone" if features is None  # chosen at the start: not known
                else f"no predictor, coordinate features alone: {', '.join(features)}" if features
                else "no predictor and no coordinate feature")
    return f"its inputs: {', '.join([*predictors, *(['its own lag'] if lagged else [])])}"


def _no_better_causes(target_anomaly: bool | None, predictors: Sequence[str] | None,
                      features: Sequence[str] | None, lagged: bool | None, that: str, hourless: bool = False) -> str:
    """The likely causes of a skill within :data:`NO_BETTER_THAN` of 0: the cycle (``that``, or the
    yearly values' mean) is learnt (or given, with the target's anomaly), the departures from it are not."""
    given = "it learns the departures from the climatology and " if target_anomaly else ""
    return (f"{given}most likely its inputs tell it nothing of each cell's departures from {that} "
            f"({_inputs(predictors, features, lagged)}{_hour_cause(hourless)}), or it learnt too little (too few "
            f"epochs, the learning rate)")


def _causes(target_anomaly: bool | None, predictors: Sequence[str] | None, features: Sequence[str] | None,
            lagged: bool | None, held: str, hourless: bool = False) -> str:
    """The likely causes, as far as the run's inputs are known (None: not known)."""
    learnt = "or it learnt too little (too few epochs, the learning rate)"
    if target_anomaly:
        return (f"it learns the departures from the climatology already, and most likely its inputs "
                f"tell it little of them (its prediction adds noise to the climatology's), {learnt}")
    return (f"most likely the inputs do not tell the network {held}, which the climatology "
            f"holds ({_inputs(predictors, features, lagged)}{_hour_cause(hourless)}), {learnt}")


def _irregular_axis(metrics: Mapping) -> bool:
    """Whether the run's time axis has no regular step, as ``metrics.json`` says it: persistence
    left out for that reason (:func:`~climann.evaluation.baselines.persistence_left_out_reason`),
    where lags are refused too (:func:`climann.data.lags.lagged_steps`)."""
    irregular = persistence_left_out_reason().split(" (")[0]
    return any(note.get("model") == "persistence" and str(note.get("reason", "")).startswith(irregular)
               for note in metrics.get("notes") or [] if isinstance(note, Mapping))


def _ways_out(target: str, target_anomaly: bool | None, predictors: Sequence[str] | None,
              lagged: bool | None, that: str, hourless: bool = False, irregular: bool = False) -> str:
    """The ways out the run has not taken already (None: not known whether it has); ``that``: what
    the climatology holds ("that cycle", "that mean"); ``hourless``: a sub-daily run without the
    ``hour`` feature, advised to add it first."""
    cycle = (f"give it {that} to start from with --target-anomaly (it then learns the departures from the "
             "climatology)")
    ways = ["give it the time of day (add hour to --features)"] if hourless else []
    ways += {True: [], False: [cycle], None: [f"{cycle}, if it does not already"]}[target_anomaly]
    more = "more predictors" if predictors else "predictors"
    past = "" if lagged else f" or its past (--lags {target}=1)"
    if past and irregular:  # refused on this axis as it is: its stamps first (break46d A5)
        past = (f" or its past (--lags {target}=1, once its time stamps are put on their nominal steps, with the line "
                f"of the warning 'the time axis has no regular step': lags need a regular step)")
    ways.append(f"give it {more} that vary with {target}{past}")
    return ", ".join(ways) + ", or train longer"
