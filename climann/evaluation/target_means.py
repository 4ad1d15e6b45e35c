"""Scores of a run fed the target's own area mean at the same time step.

Pattern scaling predicts a local field from a large-scale mean: local temperature from the
global-mean temperature of a scenario (Santer et al. 1990; Tebaldi & Arblaster 2014), which a
simple climate model gives at prediction time. ``[data] global_means = ["tas"]`` beside the
target ``tas`` is that design, and is accepted. But the mean fed in is the data's *true* mean
of the same step, made of the very cells scored (on a regional file, the "global" mean is the
mean of the region) or of their neighbours: it carries the step's anomaly that the scored
cells share, which neither a climatology nor persistence knows. On a regional daily file
(break22c F7) the test MSE fell from 7.8 to 0.82 K² and the skill against climatology rose
from −0.02 to 0.89 with ``--global-means tas``. The scores then say how well the network
downscales a given mean, not how well it predicts the target; where the mean would not be
known, they are inflated. ``[data] anomalies`` of the target, the same information cell by
cell, is refused (:mod:`climann.workflow.config`); an area mean is warned about and recorded.

``metrics.json`` lists such inputs under :data:`TARGET_MEANS_KEY`
(:func:`climann.data.area_means.target_area_mean_names`); ``train`` and ``evaluate`` warn in
one line (:func:`target_means_text`), ``report.md`` and ``compare`` repeat it.
"""

from __future__ import annotations

#: The key of ``metrics.json`` naming the inputs that are area means of the target at the same
#: time step (absent when there are none).
TARGET_MEANS_KEY = "target_area_means"

__all__ = ["TARGET_MEANS_KEY", "target_means_record", "target_means_text"]


def target_means_record(names: list[str]) -> dict[str, list[str]]:
    """The entry of ``metrics.json`` for the inputs ``names`` that average the target at the
    same time step: ``{"target_area_means": names}``, or empty when there are none (the
    ``metrics.json`` of every other run is unchanged)."""
    return {TARGET_MEANS_KEY: list(names)} if names else {}


def target_means_text(metrics: dict) -> str | None:
    """One line saying that the scores assume the target's true area mean is given, or None.

    Parameters
    ----------
    metrics : dict
        The content of ``metrics.json``: ``target`` and :data:`TARGET_MEANS_KEY` (input
        column names, ``tas_global_mean`` from ``[data] global_means``,
        ``tas_mean_5S-5N_190E-240E`` from ``regional_means``).

    Returns
    -------
    str or None
        None when the run has no such input.

    Examples
    --------
    >>> text = target_means_text({"target": "tas", "target_area_means": ["tas_global_mean"]})
    >>> text.split(":")[0]
    'the input tas_global_mean is an area mean of the target tas at the same time step'
    """
    names = list(metrics.get(TARGET_MEANS_KEY) or [])
    if not names:
        return None
    target = metrics["target"]
    settings = [(option, key) for option, key, here in (
        ("--global-means", "global_means", any(name.endswith("_global_mean") for name in names)),
        ("--regional-means", "regional_means", any(not name.endswith("_global_mean") for name in names)),
    ) if here]
    options = " and ".join(option for option, _ in settings)
    keys = " and ".join(key for _, key in settings)
    inputs = (f"the inputs {', '.join(names)} are area means" if len(names) > 1
              else f"the input {names[0]} is an area mean")
    return (f"{inputs} of the target {target} at the same time step: the scores assume its true mean is given at "
            "prediction time (pattern scaling, with the mean of a scenario or a simple climate model); where it would "
            f"not be known they are inflated, the mean handing the network the anomaly of the step: leave {target} "
            f"out of {options} ([data] {keys}; area means cannot be lagged), or give the network {target}'s past "
            f"instead (--lags {target}=1)")
