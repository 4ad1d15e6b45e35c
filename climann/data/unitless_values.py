"""New data without units, checked against the values a model was trained on.

A trained model converts new data to the units of its training data
(:func:`climann.data.units.convert_variable`); a variable of the new data without a ``units``
attribute cannot be converted, and is used as it stands. When its values are in another unit
than the training data's, every prediction and score made from it is wrong with no error (a
``tos`` in K scored against a network trained in degC: MSE 74 733 K², bias -273 K, eval14
F6). The model file holds the mean and standard deviation of each input and of the target on
the training block (``input_scaling``, ``target_scaling``), so the new values can be
compared with them:

- a variable without units whose mean lies more than :data:`UNITLESS_LIMIT_SD` training
  standard deviations from the training mean is refused, naming its values against the
  training values and the ``ncatted`` that sets its units (then converted, or checked);
- a variable without units whose values are the training values scaled by a factor of
  :data:`SCALED_LIMIT` or more either way (their spread and their mean both; a fraction
  against a percentage) is refused the same way (:func:`scale_of_unit_mixup`);
- otherwise the warning that its units are not checked stays, with the comparison made.

The same holds the other way round: a model trained on a variable without units, given new
data of it with units, cannot convert them (it does not know what it was trained in), and
compares the values the same way (a network trained on SST in degC without units, given the
new data in K, would be as wrong).

Why 10 standard deviations: by Chebyshev's inequality no distribution puts more than
1/10² = 1 % of its values beyond 10 standard deviations of its mean, whatever its shape, so
new data whose mean lies there are mostly where the network saw (almost) nothing; while the
usual mix-ups of units lie further: K and degC differ by 273.15, at least 11 standard
deviations of any near-surface temperature (a global monthly ``tas`` over every season has
one of about 21 K; an SST one of 9 K: 31), Pa and hPa by a factor 100, a flux in
kg m-2 s-1 and a total in mm day-1 by 86 400. A bounded fraction whose spread is near its
mean (cloud cover, 0…100 % with a mean of 50 and a standard deviation of 20) moves its mean only
2.5 standard deviations when given in 0…1: such factors are caught by the spread, which they
scale as much as the mean (:func:`scale_of_unit_mixup`). A model
applied to another region or climate moves its inputs by a few standard deviations, not
ten. Mix-ups of a smaller factor (km h-1 for m s-1: 3.6, degF for degC: a mean 5 standard
deviations off for SST) are not caught: the warning says their units are not checked.

The values are read on at most :data:`~climann.data.fill_like.FILL_LIKE_CHECKED_STEPS`
evenly spaced time steps of the data as subset (the region and period used), as the checks of
fill-like values do.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dask
import numpy as np
import xarray as xr

from climann.data.coords import time_coordinate
from climann.data.fill_like import checked_steps
from climann.data.notes import note_once, with_store_notes
from climann.data.paths import is_zarr_store
from climann.data.shell import attribute_command, copies_of_files, ncatted_attribute, source_and_copy
from climann.data.sources import name_in_file, source_files
from climann.data.unit_ratios import units_of_the_same_quantity
from climann.data.units import conversion, parse_units
from climann.errors import ClimannError

__all__ = [
    "SCALED_LIMIT", "UNITLESS_LIMIT_SD", "TrainingValues", "check_unitless_values", "checked_values",
    "of_a_unit_mixup", "scale_of_unit_mixup", "step_totals_units", "unitless_variables",
]

_log = logging.getLogger(__name__)

#: How many training standard deviations a variable without units may have its mean from the
#: training mean before it is refused as being in another unit (see the module's reasons).
UNITLESS_LIMIT_SD = 10.0

#: A spread this many times larger or smaller than the training spread, with a mean that the
#: same factor brings within :data:`SCALED_MEAN_SD` training standard deviations of the
#: training mean, is the training values in another unit (see :func:`scale_of_unit_mixup`).
SCALED_LIMIT = 30.0

#: How far (as a factor, either way) the ratio of the ranges may lie from the ratio of the
#: spreads for the new values to be a scaled copy.
SCALED_RANGE_TOLERANCE = 2.0

#: How close (in training standard deviations) the new mean divided by the factor of the
#: spreads must come to the training mean for the new values to be a scaled copy.
SCALED_MEAN_SD = 3.0


@dataclass(frozen=True)
class TrainingValues:
    """What a model file says of one variable's values on the training block.

    Attributes
    ----------
    mean, std : float
        Their mean and standard deviation (``input_scaling`` or ``target_scaling``), in ``units``.
    units : str
        The units of the training data ('' when they had none).
    minimum, maximum : float or None
        Their range (``input_ranges``, ``target_range``), None when the file does not hold it.
    """

    mean: float
    std: float
    units: str
    minimum: float | None = None
    maximum: float | None = None

    def described(self) -> str:
        """``"mean 14.22, sd 8.726 degC, -4.8…32.6"``."""
        spread = f"mean {self.mean:.4g}, sd {self.std:.4g} {self.units}".rstrip()
        if self.minimum is None or self.maximum is None:
            return spread
        return f"{spread}, {self.minimum:.4g}…{self.maximum:.4g}"


def checked_values(dataset: xr.Dataset, names: Sequence[str]) -> dict[str, TrainingValues]:
    """The values of the variables ``names`` of ``dataset``, read on the steps the checks read
    (:func:`~climann.data.fill_like.checked_steps`), in one computation: what a run split by
    files (``split_files``) compares its val and test blocks with, before the model's scaling
    exists.

    Parameters
    ----------
    dataset : xarray.Dataset
        The train block as opened and subset (lazy).
    names : sequence of str
        Variables to describe; those absent or not numeric are left out.

    Returns
    -------
    dict
        Variable name → :class:`TrainingValues` (mean, standard deviation with ddof 0,
        minimum, maximum over the values checked, NaN left out; its units, '' for none).
    """
    kept = [name for name in names if name in dataset.data_vars and dataset[name].dtype.kind in "fiu"]
    checked = [checked_steps(dataset[name]) for name in kept]
    found = dask.compute(*[(values.mean(), values.std(), values.min(), values.max()) for values in checked])
    return {
        name: TrainingValues(float(mean), float(std), _units(dataset[name]), float(low), float(high))
        for name, (mean, std, low, high) in zip(kept, found, strict=True)
    }


def _units(variable: xr.DataArray) -> str:
    return str(variable.attrs.get("units", "")).strip()


def scale_of_unit_mixup(mean: float, std: float, expected: TrainingValues,
                        value_range: tuple[float, float] | None = None) -> float | None:
    """The factor by which values of ``mean`` and ``std`` look like the training values in
    another unit, or None.

    A unit mixed up with another of the same quantity by a factor ``k`` (a fraction and a
    percentage, Pa and hPa: 100; m and mm: 1 000; a flux per second and a total per day:
    86 400) multiplies both the mean and the standard deviation by ``k``. Cloud cover in 0…1
    against a training block in % has its mean only 2.5 training standard deviations from the
    training mean (break19b F2), within :data:`UNITLESS_LIMIT_SD`, but its spread is 100 times
    smaller: values whose spread differs from the training spread by more than
    :data:`SCALED_LIMIT` (either way) and whose mean, divided by the same factor, lies within
    :data:`SCALED_MEAN_SD` training standard deviations of the training mean are such a copy.
    Data of another region with a smaller spread (a tropical tile of a global ``tas``: spread
    40 times smaller, mean unchanged) are not: their mean does not scale with it. Given the
    new values' range and the training range, the range must scale by the same factor too
    (within a factor of :data:`SCALED_RANGE_TOLERANCE`): a wet month's rain beside a dry
    month's has its spread 30 times larger but its range only 10 times (verify20 F1), a
    skewed distribution changing its shape, not its unit.

    Parameters
    ----------
    mean, std : float
        Mean and standard deviation (ddof 0) of the new values, in their own (unknown) units.
    expected : TrainingValues
        The training values' mean and standard deviation (and range, compared when given).
    value_range : (float, float), optional
        The new values' smallest and largest.

    Examples
    --------
    >>> percent = TrainingValues(mean=50.2, std=19.9, units="%")
    >>> round(scale_of_unit_mixup(0.499, 0.2, percent), 4)
    0.0101
    >>> scale_of_unit_mixup(301.0, 0.5, TrainingValues(mean=288.0, std=21.0, units="K")) is None
    True
    """
    if not (expected.std > 0 and std > 0):
        return None
    factor = std / expected.std
    if 1.0 / SCALED_LIMIT < factor < SCALED_LIMIT:
        return None
    if abs(mean / factor - expected.mean) > SCALED_MEAN_SD * expected.std:
        return None
    if value_range is not None and expected.minimum is not None and expected.maximum is not None:
        span, trained_span = value_range[1] - value_range[0], expected.maximum - expected.minimum
        if span > 0 and trained_span > 0:
            ratio = span / trained_span / factor
            if not 1.0 / SCALED_RANGE_TOLERANCE <= ratio <= SCALED_RANGE_TOLERANCE:
                return None
    return factor


#: The factors by which units of one quantity are mixed up (a fraction and a percentage, Pa
#: and hPa: 100; m and mm, g and kg: 1 000; per second and per hour: 3 600; per day: 86 400).
UNIT_MIXUP_FACTORS = (100.0, 1000.0, 3600.0, 86400.0)

#: How far (as a factor, either way) a scale may lie from one of :data:`UNIT_MIXUP_FACTORS`.
UNIT_MIXUP_TOLERANCE = 1.25


def of_a_unit_mixup(factor: float) -> bool:
    """Whether ``factor`` (or its inverse) lies within :data:`UNIT_MIXUP_TOLERANCE` of one of
    :data:`UNIT_MIXUP_FACTORS`: the scale of a unit mixed up, not of a wetter season.

    Examples
    --------
    >>> of_a_unit_mixup(0.0101), of_a_unit_mixup(86400 * 1.1), of_a_unit_mixup(50.5)
    (True, True, False)
    """
    scale = max(factor, 1.0 / factor) if factor > 0 else 0.0
    return any(1.0 / UNIT_MIXUP_TOLERANCE <= scale / known <= UNIT_MIXUP_TOLERANCE for known in UNIT_MIXUP_FACTORS)


#: The folder of the copies of several files with their units set (:func:`_set_units`).
_UNITS_SET_FOLDER = "units_set"


#: The units tried for values without units beside training data in ``units`` (:func:`_likely_units`):
#: the temperature scales, and the training units scaled by each factor of a unit mixed up.
_TEMPERATURE_SCALES = ("K", "degC", "degF")


def _likely_units(mean: float, expected: TrainingValues, factor: float | None = None) -> str | None:
    """The units in which values of mean ``mean`` (no units in their file) would, converted, lie
    nearest the training mean, within :data:`UNITLESS_LIMIT_SD` training standard deviations:
    ``K`` for a mean of 291 beside a training SST in degC; the training units scaled by a factor of
    :data:`UNIT_MIXUP_FACTORS` either way (``0.01 %`` … ``100 %``); None when none fits or the
    training data had no readable units. What the advice writes in place of a placeholder, which
    run as printed wrote "UNITS" (break42b A7). Given the ``factor`` the values are the training
    values times (:func:`scale_of_unit_mixup`, by their spreads), or the ratio of the means when the
    training mean is clearly off zero, only units that divide them by about one of these (within
    :data:`UNIT_MIXUP_TOLERANCE`) are proposed: monthly totals 30.7 times a training rate
    in mm/day were advised '0.01 mm/day', read as 0.30 of their rate when pasted (break55b A7)."""
    if not expected.units or expected.std <= 0:
        return None
    try:
        to = parse_units(expected.units, variable="")
    except ClimannError:
        return None
    if to.dimensionality == parse_units("K", variable="").dimensionality:
        candidates = [units for units in _TEMPERATURE_SCALES if units != expected.units.strip()]
    else:
        candidates = [units_of_the_same_quantity(expected.units, scale) for factor in UNIT_MIXUP_FACTORS
                      for scale in (factor, 1.0 / factor)]
    # the scales the values are the training values times: of their spreads, and of their means when these
    # are clearly off zero (an anomaly's mean says nothing of its unit)
    scales = [scale for scale in (factor, mean / expected.mean if abs(expected.mean) > expected.std else None)
              if scale is not None and scale > 0]
    distances = {}
    for units in candidates:
        try:
            found = conversion(units, expected.units, variable="")
        except ClimannError:
            continue
        if found is not None and (not scales or found.offset != 0 or any(
                1.0 / UNIT_MIXUP_TOLERANCE <= found.scale * scale <= UNIT_MIXUP_TOLERANCE for scale in scales)):
            distances[units] = abs(mean * found.scale + found.offset - expected.mean) / expected.std
    best = min(distances, key=distances.get, default=None)
    if best is None or distances[best] > UNITLESS_LIMIT_SD:
        return None
    if to.dimensionless:  # '100 %' is a fraction, '1'; '0.01 1' a percentage, '%'
        magnitude = parse_units(best, variable="").to("dimensionless").magnitude
        return {1.0: "1", 0.01: "%"}.get(round(float(magnitude), 12), best)
    return best


#: The folder of the copies marked as each step's total (:func:`_marked_as_totals`).
_TOTALS_MARKED_FOLDER = "totals_marked"

#: How far (as a factor, either way) the values' scale may lie from the mean length of their
#: time steps, in the period of the training rate, to be read as each step's total of it.
_TOTALS_TOLERANCE = 1.1


def step_totals_units(variable: xr.DataArray, expected: TrainingValues, factor: float) -> str | None:
    """The units of an amount (``mm``) whose totals over each time step of ``variable`` are the
    training rate (``mm/day``) times the steps' lengths, when ``factor``, the scale of the values
    against the training values (:func:`scale_of_unit_mixup`), is the mean length of those steps in
    the rate's period (within :data:`_TOTALS_TOLERANCE`, longer than 1.5 periods): PRISM's monthly
    totals in mm (no units) are about 30.4 times a training rate in mm/day, a month's days. No
    constant factor converts them (months differ in length); marked as totals (``cell_methods =
    "time: sum"``) they are divided by each step's length (break55b A7). None otherwise.

    Parameters
    ----------
    variable : xarray.DataArray
        The new data, with its time coordinate (and bounds, when it has them).
    expected : TrainingValues
        The training values, in a rate's units.
    factor : float
        The values' scale against the training values.

    Returns
    -------
    str or None
        UDUNITS units of the amount, e.g. ``"mm"``.
    """
    from climann.data.summed_rates import rate_period
    from climann.data.time_cells import cell_lengths
    from climann.data.units import unit_registry

    period = rate_period(expected.units) if expected.units else None
    dim = time_coordinate(variable.to_dataset(name="values"))
    if period is None or dim is None or variable[dim].ndim != 1:
        return None
    bounds_name = variable[dim].attrs.get("bounds")
    bounds = variable[bounds_name].values if bounds_name is not None and bounds_name in variable.coords else None
    try:
        lengths = cell_lengths(np.asarray(variable[dim].values), None if bounds is None else np.asarray(bounds))
        amount = (parse_units(expected.units, variable="")
                  * unit_registry().Quantity(period.total_seconds(), "second")).to_reduced_units()
    except (ClimannError, ValueError, TypeError):
        return None
    if lengths is None or not np.size(lengths) or not np.isclose(float(amount.magnitude), 1.0):
        return None
    steps = float(np.mean(np.asarray(lengths, "f8"))) / period.total_seconds()
    if steps < 1.5 or not 1.0 / _TOTALS_TOLERANCE <= factor / steps <= _TOTALS_TOLERANCE:
        return None
    return f"{amount.units:~}".replace(" ** ", "^").replace(" / ", "/").replace(" * ", " ")


def _marked_as_totals(dataset: xr.Dataset, name: str, units: str) -> str:
    """The ``ncatted`` that sets the units of ``name`` to the amount ``units`` and its
    ``cell_methods`` to ``time: sum`` (each value its time step's total), on a copy of each of its
    files in a new folder (:func:`~climann.data.shell.copies_of_files`), or on a copy of the data
    read from a store."""
    variable = dataset[name]
    files = source_files(variable)

    def marks(file: str | None = None) -> list[str]:
        stored = name_in_file(variable, name, file) if file is not None else name_in_file(variable, name)
        return [ncatted_attribute("units", stored, "o", "c", units),
                ncatted_attribute("cell_methods", stored, "o", "c", "time: sum")]

    if files and not any(is_zarr_store(file) for file in files):
        return copies_of_files(lambda arguments, file: attribute_command(marks(file), arguments), files,
                               name=_TOTALS_MARKED_FOLDER)
    return attribute_command(marks(), source_and_copy(variable, dataset))


def _set_units(dataset: xr.Dataset, name: str, units: str | None) -> str:
    """The ``ncatted`` that sets the units of ``name`` to ``units`` (:func:`_likely_units`): on a
    copy of its file, or, read from several NetCDF files, on a copy of each in a new folder
    (:func:`~climann.data.shell.copies_of_files`; fix38i: the line named the first file alone);
    for units climann cannot propose (None), what to write, in words, and no command."""
    if units is None:
        return (f"write the unit its values are in, as UDUNITS spells it, into the units attribute of '{name}' (in a "
                "copy of its files)")
    variable = dataset[name]
    files = source_files(variable)
    if files and not any(is_zarr_store(file) for file in files):  # one file's copy too in a folder (fix53a)
        return copies_of_files(lambda arguments, file: attribute_command(
            [ncatted_attribute("units", name_in_file(variable, name, file), "o", "c", units)], arguments),
            files, name=_UNITS_SET_FOLDER)
    return attribute_command([ncatted_attribute("units", name_in_file(variable, name), "o", "c", units)],
                             source_and_copy(variable, dataset))


def unitless_variables(dataset: xr.Dataset, training: Mapping[str, TrainingValues]) -> list[str]:
    """The variables of ``training`` present in ``dataset`` whose units only one side gives
    (the new data or the training data): those :func:`check_unitless_values` compares."""
    return [name for name, values in training.items()
            if name in dataset.data_vars and dataset[name].dtype.kind in "fiu"
            and bool(values.units.strip()) != bool(_units(dataset[name]))]


def check_unitless_values(
    dataset: xr.Dataset, training: Mapping[str, TrainingValues], *, where: str, reference: str,
    series: bool = False,
) -> None:
    """Refuse a variable whose units only one side gives (the new data or the training data)
    when its values lie far from the training values, and warn about the others that their
    units are not checked (see the module's rule).

    Parameters
    ----------
    dataset : xarray.Dataset
        New data as opened and subset (lazy; the checked steps of the variables compared are
        read in one computation).
    training : mapping of variable name to TrainingValues
        The training values of the target and of the variables the features are made of.
    where, reference : str
        The new data's files (``"new.nc"``) and where the training values come from (``"the
        model's training data"``), for the messages.
    series : bool
        Whether ``training`` holds the values of another file of the same series (its first
        file with the variable), not a model's whole training block: one file may be one
        month or season (a dry January beside a wet June lies 20 of January's standard
        deviations away, verify20 F1). A mean is then refused only when it lies more than
        :data:`UNITLESS_LIMIT_SD` of the larger of the two standard deviations away and the
        two ranges do not meet (K beside degC), and a scaled copy only at the scale of a unit
        mixed up (:func:`of_a_unit_mixup`; at another scale, a warning says what it looks
        like); the warning is said once per variable.

    Raises
    ------
    ClimannError
        If such a variable has its mean more than :data:`UNITLESS_LIMIT_SD` training standard
        deviations from the training mean, or its values are the training values scaled
        (:func:`scale_of_unit_mixup`), naming both, the likely cause (another unit) and
        the way out: the ``ncatted`` that sets the new data's units, or, for training data
        without units, the new data in the training data's unit.
    """
    names = unitless_variables(dataset, training)
    if not names:
        return
    checked = [checked_steps(dataset[name]) for name in names]
    found = dask.compute(*[(values.min(), values.max(), values.mean(), values.std(), values.count())
                           for values in checked])
    for name, (low, high, mean, std, count) in zip(names, found, strict=True):
        expected = training[name]
        mean, std, count = float(mean), float(std), int(count)
        spread = max(expected.std, std) if series else expected.std
        distance = abs(mean - expected.mean) / spread if count and spread > 0 else 0.0
        if series and count and expected.minimum is not None and expected.maximum is not None and not (
                float(high) < expected.minimum or float(low) > expected.maximum):
            distance = min(distance, UNITLESS_LIMIT_SD)  # ranges that meet: one unit, another season
        here = f"{float(low):.4g}…{float(high):.4g}, mean {mean:.4g}" if count else "no values on the steps checked"
        units = _units(dataset[name])
        factor = scale_of_unit_mixup(mean, std, expected, (float(low), float(high))) if count else None
        set_units = _set_units(dataset, name, _likely_units(mean, expected, factor) if count else None)
        other = expected.units or f"{reference}'s"
        if factor is not None and series and not of_a_unit_mixup(factor):
            note_once(_log, logging.WARNING, (
                f"'{name}' has no units in {where} or the files after it, and its values there ({here}, sd {std:.4g}) "
                f"look like those of {reference} ({expected.described()}) times about {factor:.3g}: another season or "
                f"region, or another unit than {other}? They are used as they "
                f"stand; if they are in another unit, set it: {set_units}"),
                key=("series without units", name, reference))
            continue
        if factor is not None:
            scaled = (f"its values there ({here}, sd {std:.4g}) are those of {reference} ({expected.described()}) "
                      f"times about {factor:.3g}: they are likely in another unit than {other}")
            if not units and (amount := step_totals_units(dataset[name], expected, factor)) is not None:
                raise ClimannError(
                    f"'{name}' has no units in {where}, and its values there ({here}, sd {std:.4g}) are those of "
                    f"{reference} ({expected.described()}) times about {factor:.3g}, the mean length of its time "
                    f"steps in the period of {expected.units}: they are likely each step's total in {amount}, not a "
                    f"rate, which no constant factor converts (its steps differ in length); mark them as totals, "
                    f"each then divided by its own step's length to {expected.units}: "
                    f"{_marked_as_totals(dataset, name, amount)}"
                )
            if not units:
                raise ClimannError(
                    f"'{name}' has no units in {where}, and {scaled} (a fraction against a percentage, Pa against "
                    f"hPa, a rate per second against one per day); set the units they are in, which are then "
                    f"converted to {expected.units}: {set_units}"
                )
            raise ClimannError(
                f"'{name}' is in '{units}' in {where} but has no units in {reference}, and {scaled}, which climann "
                f"cannot convert to without knowing it; give '{name}' in the unit {reference} was in, or train "
                f"again on data whose units are set"
            )
        if distance > UNITLESS_LIMIT_SD and not units:
            raise ClimannError(
                f"'{name}' has no units in {where}, and its values there ({here}) lie {distance:.0f} standard "
                f"deviations from those of {reference} ({expected.described()}): they are likely in another unit "
                f"than {expected.units}; set the units they are in, which are then converted to {expected.units}: "
                f"{set_units}"
            )
        if distance > UNITLESS_LIMIT_SD:
            raise ClimannError(
                f"'{name}' is in '{units}' in {where} but has no units in {reference}, and its values there ({here}) "
                f"lie {distance:.0f} standard deviations from those of {reference} ({expected.described()}): they "
                f"are likely in another unit than {reference}'s, which climann cannot convert to without knowing it; "
                f"give '{name}' in the unit {reference} was in, or train again on data whose units are set"
            )
        lacking, other = (where, f"{reference} has '{expected.units}'") if not units else (reference, f"{where} has "
                                                                                          f"'{units}'")
        text = (f"'{name}' has no units in {lacking} ({other}): its units are not checked (its values there, {here}, "
                f"lie within {UNITLESS_LIMIT_SD:g} standard deviations of those of {reference}, "
                f"{expected.described()})")
        if series:
            note_once(_log, logging.WARNING, text + " (said once for the files of the series)",
                      key=("series without units", name, reference))
        else:
            _log.warning("%s", with_store_notes(text))

