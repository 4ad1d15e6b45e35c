"""Values of the target dropped because a predictor is missing there, and how they differ from the rest.

A sample needs the target and every feature. Where a predictor is missing and the target is not,
the target's value is neither trained on nor scored, and nothing else says so: HadISST's ``sst``
is flagged (−1000, read as missing) exactly where the sea-ice concentration ``sic`` is 0.15 or
more, so a run predicting ``sic`` from ``sst`` drops every ice-covered value, is scored on the
open water only (largest scored value 0.116) and reports a test RMSE of 0.009 (break33b B2). The
values dropped are not a random share of the target: their mean and range, beside those of the
values kept, show which part of the target the scores leave out.

Counted while the samples are read (:meth:`~climann.data.pointwise.PointwiseSource.read`), block
by block, on the values of the target of the run's time steps and cells; training warns
(:func:`dropped_target_warning`) when more than :data:`MAX_DROPPED_SHARE` of them are dropped, and
the same share leaves a predictor out of the default ones (:mod:`climann.data.defaults`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["FEATURE_SOURCES", "MAX_DROPPED_SHARE", "DroppedTargets", "dropped_target_warning", "dropped_targets"]

#: More than this share of the target's values dropped for missing predictors is said: a warning
#: at training, and such a predictor is no default one.
MAX_DROPPED_SHARE = 0.05

#: What asks for each kind of feature column (:attr:`~climann.data.pointwise.PointwiseSource.feature_sources`)
#: → the config key and train's option that the warning names: a lag's column
#: (``lwe_thickness_lag1``) comes from ``--lags``, not ``--predictors`` (break39a F8).
FEATURE_SOURCES = {"predictors": "[data] predictors (--predictors)", "lags": "[data] lags (--lags)",
                   "global_means": "[data] global_means (--global-means)",
                   "regional_means": "[data] regional_means (--regional-means)",
                   "anomalies": "[data] anomalies (--anomalies)", "features": "[data] features (--features)"}

#: The sources whose column is missing where its variable is, so that filling the variable where
#: the target has values fills it; a lag is missing where the step it reads is not in the data.
FILLABLE_SOURCES = ("predictors", "global_means", "regional_means", "anomalies")


@dataclass(frozen=True)
class DroppedTargets:
    """The target's values with and without every feature present, summed over blocks.

    Attributes
    ----------
    feature_names : tuple of str
    n_present : int
        Values of the target present.
    missing : tuple of int
        For each feature, the values of the target present where it is missing.
    n_dropped : int
        Values of the target present where some feature is missing.
    kept, dropped : tuple of float
        (sum, minimum, maximum) of the target's values kept and dropped, float64; (0, inf, −inf)
        when there are none.
    sources : tuple of str
        For each feature, the key of :data:`FEATURE_SOURCES` that asked for it; empty: all
        ``"predictors"``.
    at_series_start : int
        Of the values dropped, those dropped only for lags that reach before the first time step
        read (the first year of a yearly series with a lag of 1): the series' start, which the lag
        note names as it names any step without its lag; no bias of the lag (break49b A4).
    """

    feature_names: tuple[str, ...]
    n_present: int
    missing: tuple[int, ...]
    n_dropped: int
    kept: tuple[float, float, float]
    dropped: tuple[float, float, float]
    sources: tuple[str, ...] = ()
    at_series_start: int = 0

    def merged(self, other: DroppedTargets) -> DroppedTargets:
        """Both blocks' counts together (the same features)."""
        return DroppedTargets(
            self.feature_names, self.n_present + other.n_present,
            tuple(a + b for a, b in zip(self.missing, other.missing)), self.n_dropped + other.n_dropped,
            _merged(self.kept, other.kept), _merged(self.dropped, other.dropped), self.sources,
            self.at_series_start + other.at_series_start)

    @property
    def share(self) -> float:
        """n_dropped / n_present (0 when the target is never present)."""
        return self.n_dropped / self.n_present if self.n_present else 0.0


def _merged(first: tuple[float, float, float], second: tuple[float, float, float]) -> tuple[float, float, float]:
    return first[0] + second[0], min(first[1], second[1]), max(first[2], second[2])


def _summary(values: np.ndarray) -> tuple[float, float, float]:
    """(sum, min, max) in float64, (0, inf, −inf) for no value."""
    if not values.size:
        return 0.0, np.inf, -np.inf
    return float(values.sum(dtype=np.float64)), float(values.min()), float(values.max())


def dropped_targets(target: np.ndarray, feature_missing: np.ndarray, counted: np.ndarray,
                    feature_names: tuple[str, ...], sources: tuple[str, ...] = (),
                    before_first_step: np.ndarray | None = None) -> DroppedTargets:
    """Count the values of ``target`` present that a missing feature drops.

    Parameters
    ----------
    target : ndarray, shape (n_steps, n_lat, n_lon)
        The target's values, NaN where missing.
    feature_missing : ndarray of bool, shape (n_steps, n_lat, n_lon, n_features)
        Where each feature is missing.
    counted : ndarray of bool, shape (n_steps, n_lat, n_lon)
        The run's samples (its time steps and cells; not the step read before the period for lags).
    feature_names : tuple of str, length n_features
    sources : tuple of str, length n_features, optional
        What asked for each feature (keys of :data:`FEATURE_SOURCES`); empty: the predictors.
    before_first_step : ndarray of bool, shape (n_steps, n_features), optional
        Where a lag's column reads a step before the first one read (none there to read), counted
        apart (:attr:`DroppedTargets.at_series_start`).

    Returns
    -------
    DroppedTargets
    """
    present = np.isfinite(target) & counted
    missing = feature_missing[present]  # (n_present, n_features)
    values = target[present]
    lost = missing.any(axis=1)
    at_start = 0
    if before_first_step is not None:
        by_start = np.broadcast_to(before_first_step[:, None, None, :], feature_missing.shape)[present]
        at_start = int((lost & ~(missing & ~by_start).any(axis=1)).sum())
    return DroppedTargets(tuple(feature_names), int(values.size), tuple(int(n) for n in missing.sum(axis=0)),
                          int(lost.sum()), _summary(values[~lost]), _summary(values[lost]), tuple(sources), at_start)


def dropped_target_warning(dropped: DroppedTargets, target: str, units: str = "", *,
                           trained_run: bool = False) -> str | None:
    """One line when more than :data:`MAX_DROPPED_SHARE` of the target's values are dropped for
    missing features: which features, how many, how the values dropped differ from those kept
    (mean and range), and that the scores are of the rest; None otherwise.

    The values dropped only because a lag reaches before the first step read
    (:attr:`DroppedTargets.at_series_start`) are no part of the share that warns, in training: the
    lag note names those steps, as it does for monthly data, where one step of 96 stays below the
    share (break49b A4: the first year of 17 yearly ones was warned of as a bias, its mean against
    the rest's a trend, with the advice to drop the lag). A trained run's are: its way out is the
    earlier steps given with ``--data``.

    Parameters
    ----------
    dropped : DroppedTargets
    target : str
    units : str
        The target's units, shown after the values.
    trained_run : bool
        Scoring or applying a trained run (``climann evaluate``), whose features are fixed: the way
        out of a missing lag is the earlier steps of its variable given with ``--data``, not
        leaving it out of ``--lags`` (break44a, after break44d A5).
    """
    at_start = 0 if trained_run else dropped.at_series_start
    others = dropped.n_dropped - at_start
    if not others or others / dropped.n_present <= MAX_DROPPED_SHARE:
        return None
    unit = f" {units}" if units and units != "1" else ""
    features = sorted(((count, name) for name, count in zip(dropped.feature_names, dropped.missing) if count),
                      reverse=True)
    named = ", ".join(f"{name} ({100 * count / dropped.n_present:.3g}%)" for count, name in features[:3])
    n_kept = dropped.n_present - dropped.n_dropped

    def described(summary: tuple[float, float, float], count: int) -> str:
        total, low, high = summary
        return f"{low:.3g} to {high:.3g}{unit}, mean {total / count:.3g}{unit}" if count else "none"

    start = (f" ({at_start} of them at the series' first steps, which have no earlier step for the lags)"
             if at_start else "")
    return (f"{dropped.n_dropped} of the {dropped.n_present} values of '{target}' ({100 * dropped.share:.3g}%) have no "
            f"sample{start}: {named} missing there; the values dropped are "
            f"{described(dropped.dropped, dropped.n_dropped)}, "
            f"those kept {described(dropped.kept, n_kept)}: the scores are of the kept values only; "
            f"{_way_out(dropped, [name for _, name in features], target, trained_run=trained_run)}")


#: A lag's column: ``pred_lag3``, ``tas_lag1_mean`` → the variable and the lag.
_LAG_COLUMN = re.compile(r"^(?P<variable>.+)_lag(?P<lag>\d+)(?:_.*)?$")


def _earlier_steps_way_out(names: list[str]) -> str:
    """The way out of lags missing when a trained run is scored: its lags are fixed, so the
    earlier steps of each lagged variable are given with ``--data``, e.g. ``"the run's lags are
    fixed: give the 3 time steps of 'pred' before these values with --data (the file that holds
    them)"``.

    Parameters
    ----------
    names : list of str
        The missing lags' columns (``pred_lag3``, ``tas_lag1_mean``).
    """
    longest: dict[str, int] = {}
    for name in names:
        found = _LAG_COLUMN.match(name)
        variable, lag = (found["variable"], int(found["lag"])) if found else (name, 1)
        longest[variable] = max(longest.get(variable, 0), lag)
    steps = ", ".join(f"the {lag} time step{'' if lag == 1 else 's'} of '{variable}'"
                      for variable, lag in longest.items())
    holder = "the file that holds them" if len(longest) == 1 else "the files that hold them"
    return f"the run's lags are fixed: give {steps} before these values with --data ({holder})"


def _way_out(dropped: DroppedTargets, missing: list[str], target: str, *, trained_run: bool = False) -> str:
    """``"leave it out of [data] lags (--lags)"``: where each missing feature was asked for
    (:data:`FEATURE_SOURCES`), and which of them filling their variable would give back. For a
    trained run (``trained_run``), whose features are fixed, a missing lag's way out is the earlier
    steps of its variable given with ``--data`` (:func:`_earlier_steps_way_out`)."""
    source_of = dict(zip(dropped.feature_names, dropped.sources or ("predictors",) * len(dropped.feature_names)))
    groups: dict[str, list[str]] = {}
    for name in missing:
        groups.setdefault(source_of[name], []).append(name)
    fillable = [name for name in missing if source_of[name] in FILLABLE_SOURCES]
    if trained_run:  # its features are fixed: nothing is left out, the data are given or filled
        ways = [_earlier_steps_way_out(groups.pop("lags"))] if "lags" in groups else []
        ways += [f"fill {', '.join(fillable)} where '{target}' has values"] if fillable else []
        if ways:
            return "; ".join(ways)
    if len(groups) == 1:
        [(source, names)] = groups.items()
        them = "it" if len(names) == 1 else "them"
        return f"leave {them} out of {FEATURE_SOURCES[source]}" + (
            f", or fill {them} where '{target}' has values" if fillable else "")
    leave = " and ".join(f"{', '.join(names)} out of {FEATURE_SOURCES[source]}" for source, names in groups.items())
    return f"leave {leave}" + (f", or fill {', '.join(fillable)} where '{target}' has values" if fillable else "")
