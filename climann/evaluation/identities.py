"""Scores of an identity: inputs that determine the target exactly.

A target computed from the predictors (CERES EBAF's ``toa_net_all_mon`` = ``solar_mon`` −
``toa_sw_all_mon`` − ``toa_lw_all_mon``, precipitation = convective + large-scale
precipitation), or a copy of one (``tas`` in K beside the same field in °C, a target plus a
constant), gives every model a skill of 1: the
skill then says that the file holds a budget, not that the target can be predicted. The linear
baseline finds such a relation on its own: a linear combination of the inputs reproduces the
target on the test block, years the fit never saw, to within rounding.

The rule (:data:`IDENTITY_FRACTION`): the linear baseline's test MSE below 10⁻⁶ of the
target's variance on the test block (area-weighted, R² > 0.999999; its RMSE below 0.1 % of the
target's standard deviation). Why there:

- float32 rounding of the stored values leaves residuals of at most half an ulp, 2⁻²⁴ of a
  value's magnitude: an MSE near 10⁻¹⁵ (|x|/σ)² of the variance, 10⁻⁹ where the mean is 1000
  standard deviations from zero (surface pressure in Pa). A budget of float32 terms is caught
  however it is stored: CERES-like fluxes leave 10⁻¹⁴, GRACE's ``lwe_thickness`` beside a
  copy 8·10⁻¹⁶.
- Packed storage (CF §8.1, ``scale_factor``) rounds to a step q, an MSE of q²/12: a copy of
  ``tas`` packed to 0.01 K leaves 8·10⁻⁶ K², below 10⁻⁶ of the variance wherever the target
  varies by more than 3 K (the variance is taken over the cells and the seasons, not per cell).
- Physics is not that close. A noise-free synthetic budget whose terms are themselves exact
  functions of the insolation and the clouds (break17's CERES case with ``--predictors
  solar_mon,cldarea_total_daynight_mon``) leaves 7·10⁻⁵, which a looser rule of 10⁻⁴ took for
  an identity; on real data the weather and the measurement errors leave far more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from climann.data.units import DIMENSIONLESS_TEXT, shown_units

#: The linear baseline's test MSE below this fraction of the target's test variance (1 − R²) is
#: an identity: the target computed from its inputs, or a copy (see the module's docstring).
IDENTITY_FRACTION = 1e-6


def identity_warning(metrics: dict, *, predictors: Sequence[str], features: Sequence[str] = (),
                     lags: Mapping[str, Sequence[int]] | None = None, block: str = "test") -> str | None:
    """One line saying that the inputs reproduce the target (the skill measures an identity),
    or None.

    Parameters
    ----------
    metrics : dict
        The content of ``metrics.json`` (``target``, ``units``, ``splits``); the rule reads
        the ``linear`` baseline's ``r2`` (1 − MSE/variance, area-weighted) and ``rmse`` on
        ``block``.
    predictors : sequence of str
        The run's predictors (``[data] predictors``), named in the line.
    features : sequence of str
        The run's coordinate features (``[data] features``), named in the line when there are
        no predictors.
    lags : mapping of str to sequence of int, optional
        The run's lags (``[data] lags``, variable → steps), named in the line as the input
        columns they make (``rsdt_lag12``): a target that repeats itself a period earlier
        (a noise-free seasonal cycle, ``rsdt(t) = rsdt(t − 12)``) or a predictor's lagged copy
        is an identity the lags bring in, and ``--lags`` is the way out.
    block : str
        The block judged: the test block, years the linear fit never saw.

    Returns
    -------
    str or None
        The warning, when 1 − R² < :data:`IDENTITY_FRACTION`; None otherwise, and when the run
        scores no linear baseline on ``block`` or its R² is undefined (a constant target).

    Examples
    --------
    >>> metrics = {"target": "tasC", "units": "degC",
    ...            "splits": {"test": {"linear": {"r2": 1 - 1e-12, "rmse": 3e-6}}}}
    >>> identity_warning(metrics, predictors=["tas", "rsdt"]).split(":")[0]
    'the linear baseline reproduces tasC on the test block (RMSE 3e-06 degC, 1 − R² = 1e-12 < 1e-06)'
    """
    linear = metrics.get("splits", {}).get(block, {}).get("linear")
    r2 = None if linear is None else linear.get("r2")
    if r2 is None or not 1 - r2 < IDENTITY_FRACTION:  # NaN (constant target) is no identity
        return None
    target, units = metrics["target"], shown_units(metrics.get("units", ""))  # an RMSE is a difference
    units = "" if units == DIMENSIONLESS_TEXT else units  # a pure number's RMSE: "RMSE 0.003", not "… 1"
    # The predictors are what a budget's terms or a copy come in as; coordinate features alone
    # (a target that is a function of latitude and season) are named when there are no predictors;
    # lagged inputs (the target's own, a predictor's) whenever the run has them.
    lagged = [f"{name}_lag{lag}" for name, steps in (lags or {}).items() for lag in steps]
    groups = [("predictors", list(predictors), "predictors") if predictors
              else ("features", list(features), "features")]
    if lagged:
        groups.append(("lagged inputs", lagged, "lags"))
    groups = [group for group in groups if group[1]] or groups[:1]
    inputs = " or the ".join(f"{kind} ({', '.join(names)})" for kind, names, _ in groups)
    options = " or ".join(f"--{option}" for _, _, option in groups)
    keys = " or ".join(option for _, _, option in groups)
    copy = "other units, plus a constant, a budget's sum" + (", itself a period earlier" if lagged else "")
    return (f"the linear baseline reproduces {target} on the {block} block (RMSE {linear['rmse']:.3g}"
            f"{f' {units}' if units else ''}, 1 − R² = {1 - r2:.2g} < {IDENTITY_FRACTION:g}): the scores measure an "
            f"identity, not a prediction: {target} is computed from the {inputs} or is a copy of one ({copy}); "
            f"leave those out with {options} (or [data] {keys} in the config)")
