"""``climann explain RUN``: which inputs a trained run relies on, where, and how.

The run's samples are rebuilt from its ``config.toml`` with the scalers and climatologies
saved in its ``model.npz`` (as ``climann evaluate`` does), and its test block is taken from
the split recorded there. On that block:

* permutation importance (:func:`climann.evaluation.importance.permutation_importance`): the
  increase of the area-weighted MSE when one input is shuffled across samples, ``repeats``
  times. An *input* is a variable with every network column made from it (the predictor, its
  lags, its anomaly, its area means), or one derived feature (``lat``; ``lon`` and ``season``
  as their sine and cosine together; ``year``);
* partial dependence (:mod:`climann.evaluation.importance`) of the prediction on each
  predictor's own column (on the shortest lag of a variable that is only lagged, and on
  ``lat`` and ``year``), in its units: the area-weighted mean over every sample of the test
  block, with the quantiles of the ICE curves of at most :data:`PD_MAX_SAMPLES` of them drawn
  with the seed.

A run with ``[data] target_anomaly`` predicts ŷ = c + f(x), c its saved training climatology
at the sample's cell and calendar month (day of year for daily data), f the network's output.
The importance scores that full prediction against the truth, in the target's units, so that
the unpermuted MSE is the run's own test score; c is a fixed offset per sample, not an input,
and is never permuted (the MSE increase is then that of the anomaly f(x) against y − c). The
partial dependence is that of f, the anomaly the network adds to the climatology: c does not
depend on the predictors, so adding it would only shift the average by its mean and widen the
ICE band by the spread of the climatology over cells and months (``quantity`` in
``partial_dependence.json`` says which of the two a curve is).

Written to the output folder (default ``RUN/explain``): ``importance.json``,
``partial_dependence.json`` and the figures of :data:`EXPLAIN_FIGURES`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from climann.atomic import claimed_output
from climann._version import __version__
from climann.data.layout import GridLayout
from climann.data.units import squared_units
from climann.errors import ClimannError
from climann.evaluation.cell_measures import cell_weights_text, is_area_weighted, recorded_weighting
from climann.evaluation.importance import (
    STRONG_CORRELATION,
    PermutationImportance,
    correlated_inputs,
    feature_grid,
    individual_conditional_expectation,
    partial_dependence,
    partial_dependence_over_samples,
    permutation_importance,
    weighted_quantiles,
)
from climann.evaluation.metrics import nanmean_over_time
from climann.jsonfile import write_json
from climann.run_files import model_sha256
from climann.workflow.config import DERIVED_FEATURES, DataConfig
from climann.workflow.outputs import EXPLAIN_FILES, prepare_output_folder
from climann.workflow.predict import (
    TrainedRun,
    load_run,
    saved_climatology_calendar,
    saved_climatology_keys,
    saved_scalers,
    saved_target_climatology,
    training_climatologies,
    warn_changed_inputs,
    with_changed_inputs,
)

#: The figures written, in this order (all of them are in :data:`climann.workflow.outputs.EXPLAIN_FILES`).
EXPLAIN_FIGURES = ("importance.png", "importance_maps.png", "partial_dependence.png")
#: At most this many test samples (drawn with the seed) give the quantiles of the ICE curves,
#: which are sorted over the samples at each grid value; the partial dependence itself is the
#: mean over every test sample (one prediction per sample and grid value, in chunks:
#: :func:`climann.evaluation.importance.partial_dependence_over_samples`). Measured on the
#: sample data (93 312 test samples, 5 curves of 20 values, 2 cores): the mean over every
#: sample takes 2.2 s where that over 5000 drawn took 0.3 s, beside 1.5 s for the permutation
#: importance of 6 inputs and 5.2 s for the whole of climann explain before.
PD_MAX_SAMPLES = 5000
#: Values of a predictor at which the partial dependence is computed (see
#: :func:`climann.evaluation.importance.feature_grid`).
PD_POINTS = 20
#: The quantiles of the ICE curves written and drawn.
ICE_QUANTILES = (0.1, 0.5, 0.9)
#: Derived features with one column in physical units, which get a partial dependence too.
PD_DERIVED_UNITS = {"lat": "degrees_north", "year": "year"}
#: What ``correlated_inputs`` of ``importance.json`` means (and why it is there).
CORRELATED_NOTE = (f"pairs of inputs with columns whose area-weighted correlation on the test block exceeds "
                   f"{STRONG_CORRELATION:g} in size: permuting one pairs its values with the other's in combinations "
                   "the network never saw, so its increase measures the network's extrapolation there as much as "
                   "what the input adds (Hooker, Mentch and Zhou 2021, Unrestricted permutation forces "
                   "extrapolation); read their importances together, not apart, and do not add them")


#: The most pairs of correlated inputs the note under the ranking names (the strongest); the
#: others are counted (break40a A7: fifteen pairs of soil temperatures at five depths and
#: latitude in one line), all of them in importance.json.
NAMED_PAIRS = 3


def correlated_inputs_line(importance: dict) -> str | None:
    """The line under the ranking naming the strongly correlated inputs of ``importance.json``
    (``correlated_inputs``, strongest first): the :data:`NAMED_PAIRS` strongest pairs, and how
    many more with the range of their |r|; None when there are none."""
    pairs = importance.get("correlated_inputs") or []
    if not pairs:
        return None
    named = ", ".join(f"{first} and {second} (r = {entry['r']:.2f})" for entry in pairs[:NAMED_PAIRS]
                      for first, second in [entry["inputs"]])
    rest = sorted(f"{abs(entry['r']):.2f}" for entry in pairs[NAMED_PAIRS:])
    if rest:
        spread = rest[0] if rest[0] == rest[-1] else f"{rest[0]} to {rest[-1]}"
        named += (f" and {len(rest)} more pair{'s' if len(rest) > 1 else ''} (|r| = {spread}; all {len(pairs)} in "
                  "importance.json, correlated_inputs)")
    # each entry is a pair, so the verb is plural even for one: "rsds and season (r = -0.94) are"
    return (f"note: {named} are strongly correlated on the test block "
            f"(|r| > {STRONG_CORRELATION:g}): shuffling one pairs its values with the other's in combinations the "
            "network never saw, so its increase measures the network's extrapolation there as much as what the "
            "input adds (Hooker, Mentch & Zhou 2021); read such importances together, not apart")

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BlockSamples:
    """The run's test samples, unscaled, with what the explanation needs.

    Attributes
    ----------
    inputs : ndarray, shape (n_samples, n_features)
        The network's input columns in their own units.
    truth : ndarray, shape (n_samples,)
    weights : ndarray, shape (n_samples,)
        Each sample's cell area (mean 1 over the grid).
    flat_index : ndarray of int, shape (n_samples,)
        Positions on the run's grid (see :class:`climann.data.layout.GridLayout`).
    feature_names : tuple of str
    layout : GridLayout
    period : str
        The test block's years, e.g. "2015–2019".
    offset : ndarray, shape (n_samples,), float64, or None
        ``[data] target_anomaly``: the saved training climatology at each sample's cell and
        time of year, which the prediction adds to the network's output; None otherwise.
    """

    inputs: np.ndarray
    truth: np.ndarray
    weights: np.ndarray
    flat_index: np.ndarray
    feature_names: tuple[str, ...]
    layout: GridLayout
    period: str
    offset: np.ndarray | None = None


@dataclass(frozen=True)
class ExplainResult:
    """What :func:`explain_run` wrote.

    Attributes
    ----------
    out : Path
    importance : dict
        The content of ``importance.json``.
    partial_dependence : dict
        The content of ``partial_dependence.json``.
    figures : list of Path
        ``importance.png``, ``importance_maps.png`` (not on a grid of one cell, a station,
        where each map would be one square) and ``partial_dependence.png``.
    input_names : tuple of str
        The inputs in the order of their columns (not ranked).
    maps : ndarray, shape (n_inputs, n_lat, n_lon)
        Each input's MSE increase per grid cell (:func:`importance_maps`), in the order of
        ``input_names``.
    """

    out: Path
    importance: dict
    partial_dependence: dict
    figures: list[Path]
    input_names: tuple[str, ...]
    maps: np.ndarray


def input_groups(data: DataConfig, feature_names: tuple[str, ...]) -> dict[str, list[int]]:
    """The network's input columns grouped into inputs, by the configuration that made them.

    A variable's group holds its own column (as a predictor), ``<name>_lag<k>``,
    ``<name>_anomaly``, ``<name>_global_mean`` and ``<name>_mean_<box>``; a derived feature's
    group its columns (:data:`climann.workflow.config.DERIVED_FEATURES`). Groups come in the
    order of their first column. A group is named by its variable or feature when that is a
    predictor or feature; otherwise (only the target's past, ``lags = {tas = [1]}``) by its
    columns, joined with ``+``: ``tas_lag1``, ``tas_lag1+tas_lag12``.

    Parameters
    ----------
    data : DataConfig
        The run's ``[data]``, with its predictors and features given (as ``config.toml``
        records them).
    feature_names : tuple of str
        The columns, in the network's order.

    Returns
    -------
    dict of str to list of int

    Raises
    ------
    ClimannError
        If a column was not made by this configuration (the model file and ``config.toml``
        disagree).
    """
    from climann.data.area_means import area_mean_names

    owner: dict[str, str] = {}
    for feature in data.features or ():
        owner.update({column: feature for column in DERIVED_FEATURES[feature]})
    for name in data.predictors or ():
        owner[name] = name
    for name, steps in data.lags.items():
        owner.update({f"{name}_lag{step}": name for step in steps})
    for name in data.anomalies:
        owner[f"{name}_anomaly"] = name
    for name in data.global_means:
        owner[f"{name}_global_mean"] = name
    for name, boxes in data.regional_means.items():
        owner.update({column: name for column in area_mean_names((), {name: boxes})})
    unknown = [column for column in feature_names if column not in owner]
    if unknown:
        raise ClimannError(f"the model's input column '{unknown[0]}' is not made by the run's config.toml "
                           "(the two files disagree): retrain the run")
    groups: dict[str, list[int]] = {}
    for index, column in enumerate(feature_names):
        groups.setdefault(owner[column], []).append(index)
    # a variable that is no input of its own (the target's past) is named by its columns, tas_lag1
    own = {*(data.predictors or ()), *(data.features or ())}
    return {name if name in own else "+".join(feature_names[index] for index in columns): columns
            for name, columns in groups.items()}


def require_pointwise(run: TrainedRun) -> None:
    """Refuse a field-mode run in one line: there a sample is a whole map.

    Raises
    ------
    ClimannError
    """
    if run.config.data.mode != "pointwise":
        raise ClimannError("climann explain works on pointwise runs only; this run is in field mode (a sample is a "
                           'whole map, not yet explained): train it with mode = "pointwise" to explain it')


def read_test_block(run: TrainedRun) -> BlockSamples:
    """The run's test samples, rebuilt from its data with its saved scalers and climatologies
    (with ``[data] target_anomaly``, the saved climatology of the target too: ``offset``).

    Raises
    ------
    ClimannError
        A field-mode run, or from reading the data (files moved, changed units …), or a
        ``[data] target_anomaly`` run whose model file lacks the target's climatology.
    """
    from climann.data.splits import SPLIT_NAMES
    from climann.workflow.preparation import prepared_with_scalers

    config = run.config
    require_pointwise(run)
    data = prepared_with_scalers(config, *saved_scalers(run),
                                 climatologies=training_climatologies(run, new_data=False),
                                 target_climatology=saved_target_climatology(run),
                                 climatology_calendar=saved_climatology_calendar(run),
                                 climatology_keys=saved_climatology_keys(run))
    samples, layout = data.samples, data.samples.layout
    expected = tuple(run.network.metadata.get("features", samples.feature_names))
    if samples.feature_names != expected:
        raise ClimannError(f"the run's data now give the columns {', '.join(samples.feature_names)}, its model "
                           f"was trained on {', '.join(expected)}: retrain the run")
    test = data.sample_masks[SPLIT_NAMES[-1]]
    flat_index = samples.flat_index[test]
    weights = layout.cell_area_weights().reshape(-1)  # of each step's cells when they change with time (sea ice)
    return BlockSamples(
        inputs=samples.inputs[test], truth=samples.target[test, 0].astype(np.float64),
        weights=weights[flat_index % weights.size], flat_index=flat_index,
        feature_names=samples.feature_names, layout=layout, period=data.split.descriptions[SPLIT_NAMES[-1]],
        offset=None if data.target_offset is None else data.target_offset[test, 0],
    )


def network_predictor(run: TrainedRun, offset: np.ndarray | None = None):
    """The run's model as ``predict(inputs) → predictions``: unscaled inputs (n, n_features)
    → the network's output in the target's units (n,), with the scalers saved in the model
    file, plus ``offset`` when given.

    Parameters
    ----------
    run : TrainedRun
    offset : ndarray, shape (n,), optional
        Added to the output of row i (a ``[data] target_anomaly`` run's climatology at each
        sample, :attr:`BlockSamples.offset`): then ``inputs`` must have those n rows, in that
        order (a permutation of columns keeps the rows). Without it, a ``target_anomaly``
        run's predictor returns the anomaly the network adds to the climatology.

    Returns
    -------
    callable
    """
    input_scaler, target_scaler = saved_scalers(run)
    network = run.network

    def predict(inputs: np.ndarray) -> np.ndarray:
        scaled = network.predict(input_scaler.transform(inputs, network.dtype))
        output = target_scaler.inverse_transform(scaled)[:, 0]
        return output if offset is None else output + offset

    return predict


def importance_maps(result: PermutationImportance, block: BlockSamples) -> np.ndarray:
    """Each input's MSE increase per grid cell over the test block: the mean over the cell's
    test steps of (ŷ_perm − y)² − (ŷ − y)² (averaged over the repeats), shape
    (n_inputs, n_lat, n_lon), NaN at cells without test samples."""
    layout = block.layout
    steps = np.unique(layout.time_index(block.flat_index))
    return np.stack([nanmean_over_time(layout.to_grid(values, block.flat_index)[steps])
                     for values in result.squared_error_increases])


def cell_weights_record(layout: GridLayout) -> dict:
    """What weighs the cells in the importance and the partial dependence, as their records
    keep it: ``weighted_by`` (whole areas, or their land or sea part:
    :func:`~climann.evaluation.cell_measures.cell_weights_text`) and ``n_cells`` (one cell weighs
    nothing: :func:`~climann.evaluation.cell_measures.recorded_weighting`)."""
    return {"weighted_by": cell_weights_text(layout), "n_cells": int(layout.n_cells)}


def importance_record(run_dir: Path, run: TrainedRun, block: BlockSamples, result: PermutationImportance,
                      groups: dict[str, list[int]], *, repeats: int, seed: int) -> dict:
    """The content of ``importance.json``: the inputs ranked, most important first."""
    units = run.target_units
    ranked = [
        {
            "rank": rank, "name": result.names[index],
            "columns": [block.feature_names[column] for column in groups[result.names[index]]],
            "mse_increase_mean": float(result.mean[index]), "mse_increase_std": float(result.std[index]),
            "mse_increase": result.increases[index].tolist(),
        }
        for rank, index in enumerate(result.ranking(), start=1)
    ]
    weights = cell_weights_record(block.layout)
    return {
        "source": f"climann {__version__} explain", "run": str(run_dir), "target": run.config.data.target,
        "units": units, "mse_units": squared_units(units, square="2"), "split": "test", "period": block.period,
        "n_samples": int(block.truth.size), "area_weighted": is_area_weighted(weights["weighted_by"]), **weights,
        "baseline_mse": result.baseline_mse,
        "repeats": repeats, "seed": seed, "std_ddof": 0,
        "method": "permutation feature importance (Breiman 2001; Fisher, Rudin and Dominici 2019): the increase "
                  f"of the MSE over the test block ({recorded_weighting(weights)}) when an input's columns are "
                  "permuted across its samples, mean and standard deviation over the repeats",
        "inputs": ranked,
        "correlated_inputs": [
            {"inputs": entry["inputs"], "columns": [block.feature_names[column] for column in entry["columns"]],
             "r": entry["r"]}
            for entry in correlated_inputs(block.inputs, block.weights, groups)
        ],
        "correlated_inputs_note": CORRELATED_NOTE,
    }


def partial_dependence_record(run: TrainedRun, block: BlockSamples, predict, *, seed: int,
                              ice_samples: int = PD_MAX_SAMPLES) -> dict:
    """The content of ``partial_dependence.json``: for each predictor (then the shortest lag
    ``<name>_lag<k>`` of a variable that is only lagged, e.g. the target's own past; then
    ``lat``, ``year``), the grid of its values, the area-weighted mean prediction there over
    every test sample (``average_n_samples``), and the weighted quantiles :data:`ICE_QUANTILES`
    of the ICE curves of at most ``ice_samples`` of them drawn with the seed (``n_samples``;
    ``of_samples`` the test samples). ``quantity`` is
    ``"prediction"``, or ``"anomaly"`` for a ``[data] target_anomaly`` run, whose ``predict``
    gives the network's output (the anomaly it adds to the climatology, see the module)."""
    data = run.config.data
    units = run.input_units()
    columns = {name: units.get(name, "") for name in data.predictors or () if name in block.feature_names}
    # a variable that enters only through its lags (the target's own past): its shortest lag
    columns.update({f"{name}_lag{min(steps)}": units.get(name, "") for name, steps in data.lags.items()
                    if steps and name not in columns and f"{name}_lag{min(steps)}" in block.feature_names})
    columns.update({name: unit for name, unit in PD_DERIVED_UNITS.items() if name in block.feature_names})
    n_total = block.truth.size
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(n_total, ice_samples, replace=False)) if n_total > ice_samples \
        else np.arange(n_total)
    inputs, weights = block.inputs[chosen], block.weights[chosen]
    cells = cell_weights_record(block.layout)
    curves = []
    for name, column_units in columns.items():
        column = block.feature_names.index(name)
        grid = feature_grid(block.inputs[:, column], n_points=PD_POINTS)
        ice = individual_conditional_expectation(predict, inputs, column, grid)
        quantiles = weighted_quantiles(ice, ICE_QUANTILES, weights)
        average = partial_dependence(ice, weights) if chosen.size == n_total else \
            partial_dependence_over_samples(predict, block.inputs, column, grid, block.weights)
        curves.append({
            "name": name, "units": column_units, "grid": grid.tolist(),
            "average": average.tolist(),
            "ice_quantiles": {f"{q:g}": values.tolist() for q, values in zip(ICE_QUANTILES, quantiles)},
        })
    return {
        "source": f"climann {__version__} explain", "target": data.target, "units": run.target_units,
        "split": "test", "period": block.period, "n_samples": int(chosen.size), "of_samples": int(n_total),
        "average_n_samples": int(n_total), "seed": seed, "area_weighted": is_area_weighted(cells["weighted_by"]),
        **cells,
        "grid_percentiles": [0.05, 0.95], "quantiles": list(ICE_QUANTILES),
        "quantity": "anomaly" if data.target_anomaly else "prediction",
        "method": "partial dependence (Friedman 2001): the mean over every test sample "
                  f"(average_n_samples; {recorded_weighting(cells)}) of the prediction with the predictor set to "
                  "each grid value; individual conditional expectation (Goldstein et al. 2015): the quantiles "
                  f"({recorded_weighting(cells)}) of each sample's prediction there, over n_samples test samples "
                  f"drawn with the seed (every one when there are no more than {ice_samples})"
                  + ("; of the anomaly the network adds to the target's training climatology (target_anomaly: "
                     "the climatology does not depend on the predictors and is left out)"
                     if data.target_anomaly else ""),
        "predictors": curves,
    }


def explain_run(run_dir: str | Path, out: str | Path | None = None, *, repeats: int = 5, seed: int = 0,
                overwrite: bool = False, dpi: int = 150) -> ExplainResult:
    """Permutation importance and partial dependence of a finished pointwise run on its test
    block; writes ``importance.json``, ``partial_dependence.json`` and their figures.

    The run's input files are checked against its ``provenance.json`` as ``evaluate RUN``
    checks them (:func:`~climann.workflow.predict.warn_changed_inputs`): a file changed since
    training is said in one warning line and listed in both JSON files (``changed_inputs``,
    last), since the unpermuted MSE is then not the run's own test score.

    With ``[data] target_anomaly`` the importance scores the full prediction (the saved
    climatology, a fixed offset that is not permuted, plus the network's output) and the
    partial dependence shows the anomaly the network adds (see the module).

    Parameters
    ----------
    run_dir : str or Path
        A finished run directory.
    out : str or Path, optional
        The folder to write to (created if missing); default ``run_dir/explain``.
    repeats : int
        Permutations per input (≥ 1).
    seed : int
        Seed of the permutations and of the samples drawn for the ICE quantiles of the partial dependence.
    overwrite : bool
        Replace those files when ``out`` holds them already (only climann's own).
    dpi : int

    Returns
    -------
    ExplainResult

    Raises
    ------
    ClimannError
        Not a finished run, a field-mode run, ``repeats < 1``, an input file recorded in
        ``provenance.json`` missing, the data no longer giving the model's inputs, or ``out``
        holding those files (without ``overwrite``, or not written by climann).
    """
    if repeats < 1:
        raise ClimannError(f"--repeats must be at least 1, got {repeats}")
    run_dir = Path(run_dir)
    run = load_run(run_dir)
    require_pointwise(run)
    given = out is not None
    out = Path(out) if given else run_dir / "explain"
    option = "--out" if given else "the default --out"
    prepare_output_folder(out, EXPLAIN_FILES, overwrite=overwrite, inputs=run.config.data.paths, create=False,
                          option=option)
    with claimed_output(out, overwrite=overwrite, folder=True, what="explain folder"):
        # again, now that no other climann writes there: the check and the writing are one step
        prepare_output_folder(out, EXPLAIN_FILES, overwrite=overwrite, inputs=run.config.data.paths, create=False,
                              option=option)
        return _explain_claimed(run_dir, run, out, repeats=repeats, seed=seed, dpi=dpi)


def _explain_claimed(run_dir: Path, run: TrainedRun, out: Path, *, repeats: int, seed: int,
                     dpi: int) -> ExplainResult:
    """:func:`explain_run` once its folder is claimed (:func:`climann.atomic.claimed_output`)."""
    from climann.evaluation.figures.maps import cell_position, draws_maps
    from climann.evaluation.figures.importance import (
        plot_importance_bars,
        plot_importance_maps,
        plot_partial_dependence,
    )
    from climann.workflow.outputs import folder_written

    # as evaluate RUN: an input corrected since training is said, and recorded with the importances
    changed = warn_changed_inputs(run_dir, run.config, other_data=False)
    block = read_test_block(run)
    groups = input_groups(run.config.data, block.feature_names)
    # the full prediction (climatology + network output) against the truth; the climatology is not permuted
    result = permutation_importance(network_predictor(run, block.offset), block.inputs, block.truth, block.weights,
                                    groups, n_repeats=repeats, rng=np.random.default_rng(seed))
    # which network they describe: the run's model file, as train --overwrite records the one it replaces
    model = {"model_sha256": model_sha256(run_dir / "model.npz")}
    importance = with_changed_inputs({**importance_record(run_dir, run, block, result, groups, repeats=repeats,
                                                          seed=seed), **model}, changed)
    dependence = with_changed_inputs({**partial_dependence_record(run, block, network_predictor(run), seed=seed),
                                      **model}, changed)
    maps = importance_maps(result, block)
    bars, mapped, curves = (out / name for name in EXPLAIN_FIGURES)
    with folder_written(out, EXPLAIN_FILES):
        write_json(out / "importance.json", importance, what="importance file")
        write_json(out / "partial_dependence.json", dependence, what="partial dependence file")
        figures = [plot_importance_bars(importance, path=bars, dpi=dpi)]
        if draws_maps(block.layout):
            figures.append(plot_importance_maps(block.layout, maps, result.names, importance, path=mapped, dpi=dpi))
        else:  # a station: each map would be one square of one colour, its value the bar's
            _log.info(f"no importance maps: the grid is one cell ({cell_position(block.layout)}), whose MSE "
                      f"increase per input is {bars.name}'s")
        figures.append(plot_partial_dependence(dependence, path=curves, dpi=dpi))
    return ExplainResult(out=out, importance=importance, partial_dependence=dependence, figures=figures,
                         input_names=result.names, maps=maps)
