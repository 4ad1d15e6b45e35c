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
``climann evaluate`` on the run's own data); nothing is refused.
"""

from __future__ import annotations

import math

from climann.data.units import squared_units

__all__ = ["negative_skill_text"]


def negative_skill_text(metrics: dict, *, block: str = "test", target_anomaly: bool | None = None) -> str | None:
    """One line saying that the network scores worse than the climatology on ``block``, its
    skill score, both MSEs, the likely causes and the ways out; None otherwise.

    Parameters
    ----------
    metrics : dict
        The content of ``metrics.json``: ``target``, ``units`` and ``splits[block]``'s
        ``model`` and ``climatology`` scores (``mse``, ``skill_vs_climatology``).
    block : str
        The block judged: the test block, years the network never saw.
    target_anomaly : bool or None
        Whether the run's network learnt the target's anomaly (``[data] target_anomaly``):
        then --target-anomaly is not advised (it starts from the climatology already); None
        when not known (``report.md`` from ``metrics.json`` alone): advised for a run without it.

    Returns
    -------
    str or None
        None when the skill score is 0 or above, undefined (new data without a climatology, a
        climatology of zero error), or the block or a model is not scored.

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
    in_units = f" {units}" if units else ""
    cycle = ("give it that cycle to start from with --target-anomaly (it then learns the departures from the "
             "climatology)")
    ways_out = {True: "it learns the departures from the climatology already: give it ",
                False: f"{cycle}, ",
                None: f"{cycle}, if it does not already, "}[target_anomaly]
    shown = f"{skill:.3g}".replace("-", "−")  # the minus sign, as the captions write it
    return (f"the network scores worse than the climatology on the {block} block (skill score 1 − MSE/MSE_climatology "
            f"= {shown}: MSE {mse:.4g}{in_units} against the climatology's "
            f"{reference:.4g}{in_units}); the climatology alone would have done better: most likely the inputs do not "
            f"tell the network each cell's seasonal cycle, which the climatology holds (no predictor with data, "
            f"coordinate features alone), or it learnt too little (too few epochs, the learning rate); {ways_out}"
            f"predictors that vary with {target} or its past (--lags {target}=1), or train longer")
