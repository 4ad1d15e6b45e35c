"""The metrics as a table for the terminal (rich) and as ``report.md`` for the run directory.

``report.md`` links its figures relative to its own folder (``figures/map_test.png``), so the
links hold wherever the folder is moved; ``climann evaluate`` and ``climann plot`` write it
again with the figures that are there (:func:`write_report`).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from rich.cells import cell_len
from rich.markup import escape
from rich.table import Table

from climann.data.splits import compact_periods
from climann.data.units import (DAY_OF_YEAR_UNITS, DIMENSIONLESS_TEXT, difference_units, in_parentheses,
                                shown_squared_units, shown_units, units_phrase)
from climann.data.units import squared_units  # noqa: F401 — re-exported: climann.evaluation.report.squared_units
from climann.evaluation.baselines import WHOLE_RECORD, is_smoothed
from climann.evaluation.cell_measures import WHOLE_CELLS, weighting_text
from climann.evaluation.scores import note_lines, score_note_lines
from climann.evaluation.seasons import SEASONS
from climann.evaluation.negative_skill import (COMMON_VALUES, MSE_DIGITS, OWN_VALUES, negative_skill_text, shown_mses,
                                              significant_texts, skill_mses)
from climann.evaluation.target_means import target_means_text

MODEL_ORDER = ("model", "linear", "climatology", "persistence")
COLUMNS = (("mse", "MSE"), ("rmse", "RMSE"), ("mae", "MAE"), ("bias", "bias"), ("r2", "R²"),
           ("corr", "corr"), ("acc", "ACC"), ("acc_uncentred", "unc. ACC"), ("skill_vs_climatology", "skill"))
#: The scores of the terminal table that fits a width, most wanted first: each is shown while
#: the table still fits; a score of COLUMNS not listed here comes after these, the period last.
#: The uncentred ACC right after the centred one: the two side by side tell a shift of the whole
#: field (which only the uncentred one counts) from a pattern missed.
COMPACT_PRIORITY = ("rmse", "acc", "acc_uncentred", "skill_vs_climatology", "bias", "corr", "mae", "r2", "mse")
#: A sentence below a figure's link in report.md, by file name.
FIGURE_CAPTIONS = {
    "area_mean_series.png": (
        "Area-weighted mean (on a grid of one cell, its values) of each time step over the cells where the truth "
        "and the network are present "
        "(black: truth). Each baseline is compared with the truth on the cells where it has a value too: its "
        "line lies above or below the truth's by the area mean of its error there (lower panel), so a baseline "
        "missing at some cells (persistence where sea ice has just melted, the climatology at cells the training "
        "years never saw) is not drawn off by the climate of the cells it lacks."
    ),
    "anomaly_correlation_test.png": (
        "Anomaly correlation over the test block: at each grid cell, the correlation over the block's time steps "
        "of the network's and the truth's anomalies from the training years' climatology (1: every departure "
        "from the usual followed; 0: none; below 0: opposite)."
    ),
}
#: What the ACC columns are, below the tables: the ACC, and (:data:`UNCENTRED_TEXT`) its two forms.
ACC_TEXT = ("ACC = anomaly correlation (anomalies from the training years' climatology, area-weighted per time "
            "step, averaged over the block's steps)")
UNCENTRED_TEXT = (", centred: each step's area mean of the anomalies removed; unc. ACC = the uncentred ACC of "
                  "WeatherBench 2 and ECMWF, which also counts that area mean (a shift of the whole field lowers it "
                  "only)")
#: The terminal's shorter lines on the ACC columns (:func:`metrics_table_notes`).
#: The ACC columns of a run on one cell: a correlation over each step's cells needs more than one.
ONE_CELL_ACC_TEXT = "ACC = anomaly correlation over the cells of each time step: n/a on one cell"
#: The caption of ``area_mean_series.png`` for a run on one cell: its values as they are.
ONE_CELL_SERIES_CAPTION = (
    "The cell's values at each time step where the truth and the network are present (one cell: no weighting, "
    "nothing averaged over cells; black: truth), and below, each model's error (prediction − truth)."
)
ACC_LINES = {"ACC": "ACC = anomaly correlation, centred: each step's area mean removed",
             "unc. ACC": "unc. ACC = uncentred, as WeatherBench 2 and ECMWF: area mean kept"}
#: What the captions say of a target whose file gives no ``units`` (CF: not the same as "1").
NO_UNITS = "no units in the file"


def units_texts(units: str) -> tuple[str, str, str]:
    """How a caption names the target's units: the label after its name, the units of the
    scores in those units (RMSE, MAE, bias) and those of the MSE.

    ``("K", "K", "K²")``, ``("W m-2", "W m-2", "(W m-2)²")`` (:func:`squared_units`);
    ``("day of year", "day", "day²")`` for a day of year (:data:`~climann.data.units.DAY_OF_YEAR_UNITS`:
    the error of a date is a number of days);
    ``("K", "K", "K²")`` for IRI's ``Kelvin_scale``, ``("degC", "degC", "degC²")`` for GLORYS's
    ``degrees_C``: a temperature scale by its symbol
    (:func:`climann.data.units.difference_units`), in the label as in the scores (differences),
    so that a run's captions, tables and figures spell its units one way (a title said
    ``thetao (degrees_C)`` above scores in ``degC``, break32a); ``predictions.nc`` and
    ``metrics.json`` keep the file's attribute as it is. A target
    whose file has no ``units`` attribute is named as such,
    ``("no units in the file", "the target's units", "the target's units squared")``, never as
    the dimensionless "1": a missing attribute says nothing of the quantity's dimension (the
    eofs example ``hgt_djf.nc`` holds geopotential height, in m, without one).

    Parameters
    ----------
    units : str
        The target's ``units`` attribute ("" when the file has none).
    """
    if units and DAY_OF_YEAR_UNITS.fullmatch(units):  # an error of a date is a number of days (break42a A5)
        return units.strip(), "day", shown_squared_units("day")
    if units:  # a pure number (units 1, an index's "Numeric") as "dimensionless", not "in 1" (break41d B3)
        shown = shown_units(units)
        return shown, shown, shown_squared_units(shown)
    return NO_UNITS, "the target's units", "the target's units squared"


def title_units(units: str) -> tuple[str, ...]:
    """The phrases of a table's title that name units (:func:`units_texts`), which the
    terminal must not split across lines: ``(kg m-2 s-1)²`` cut after ``(kg m-2`` reads as
    two units (:func:`climann.workflow.terminal.say`'s ``whole``).

    Parameters
    ----------
    units : str
        The target's ``units`` attribute ("" when the file has none).
    """
    return units_texts(units)


#: The scores of :data:`COLUMNS` in the target's units (the MSE is in their square, the others have none).
IN_TARGET_UNITS = ("rmse", "mae", "bias")


def score_line(scores: Mapping[str, float | None], units: str) -> str:
    """Scores on one line in the words and units of train's table (:data:`COLUMNS`, :func:`units_texts`):
    ``MSE 0.6261 K², RMSE 0.7912 K, MAE 0.6294 K, bias -0.1093 K, R² 0.9969, corr 0.9985``, in the
    table's order, 4 significant digits each with the rounding's zeros kept
    (:func:`~climann.evaluation.negative_skill.significant_texts`), ``n/a`` where undefined. A pure
    number's scores say ``(dimensionless)``; a target without units in its file gets none after its
    numbers. ``predict`` said ``mse 0.6261, mae 0.6294, …``: metrics.json's keys, without units
    (break51 N2).

    Parameters
    ----------
    scores : mapping of str to float or None
        metrics.json's keys (``mse``, ``mae``, ``rmse``, ``bias``, ``r2``, ``corr`` …) and values; a
        key not in :data:`COLUMNS` is left out, as is ``n_samples``.
    units : str
        The target's ``units`` attribute ("" when its file has none).

    Returns
    -------
    str

    Examples
    --------
    >>> score_line({"mse": 0.62614, "mae": 0.62938, "rmse": 0.7913, "bias": -0.1093, "r2": 0.99687}, "K")
    'MSE 0.6261 K², RMSE 0.7913 K, MAE 0.6294 K, bias -0.1093 K, R² 0.9969'
    >>> score_line({"mse": 0.53, "corr": 0.9}, "1")
    'MSE 0.53 (dimensionless), corr 0.9'
    """
    _, in_units, squared = units_texts(units) if units else ("", "", "")
    shown = [(key, label) for key, label in COLUMNS if key in scores]
    defined = [key for key, _ in shown if scores[key] is not None and math.isfinite(float(scores[key]))]
    texts = dict(zip(defined, significant_texts([float(scores[key]) for key in defined], MSE_DIGITS), strict=True))
    parts = []
    for key, label in shown:
        unit = squared if key == "mse" else in_units if key in IN_TARGET_UNITS else ""
        after = "" if not unit or key not in texts else f" ({unit})" if unit == DIMENSIONLESS_TEXT else f" {unit}"
        parts.append(f"{label} {texts.get(key, 'n/a')}{after}")
    return ", ".join(parts)


#: Scores of :data:`COLUMNS` that the ``metrics.json`` of older runs lacks (``climann plot RUN``
#: writes their ``report.md`` again): their column is left out where no row has the key.
RECENT_SCORES = ("acc_uncentred",)


def table_columns(metrics: dict) -> list[tuple[str, str]]:
    """The :data:`COLUMNS` of ``metrics``' table: all, less a :data:`RECENT_SCORES` column that
    no row has (a run recorded before it; a score computed but undefined is n/a, not left out)."""
    recorded = {key for models in metrics["splits"].values() for scores in models.values() for key in scores}
    return [(key, label) for key, label in COLUMNS if key not in RECENT_SCORES or key in recorded]


def metric_rows(metrics: dict) -> list[list[str]]:
    """One row per split and model: split, period, model, then the scores as text."""
    rows, scored = [], []
    for split, models in metrics["splits"].items():
        for name in [n for n in MODEL_ORDER if n in models] + [n for n in models if n not in MODEL_ORDER]:
            rows.append([split, compact_periods(metrics.get("split_periods", {}).get(split, "")), name])
            scored.append(models[name])
    columns = [column_texts(scored, key) for key, _ in table_columns(metrics)]  # a score not computed: n/a
    return [row + [texts[index] for texts in columns] for index, row in enumerate(rows)]


def column_texts(scored: Sequence[Mapping], key: str) -> list[str]:
    """The scores ``key`` of rows shown one above the other (a column of a table) as text: ``n/a``
    where undefined, a score that is zero or its round-off as ``0`` (:func:`_score_text`), the others to
    :data:`~climann.evaluation.negative_skill.MSE_DIGITS` significant digits with as many shown in
    each (:func:`~climann.evaluation.negative_skill.significant_texts`, the messages' rule: an MSE
    of 4.9997 as "5.000" beside "0.1346", not "5"); a count (``n_samples``) as the integer it is.

    Parameters
    ----------
    scored : sequence of dict
        One row's scores each (a model's in a block, season or region of ``metrics.json``).
    key : str
        The score (``mse``, ``rmse``, ``bias``, ``skill_vs_climatology`` …).

    Returns
    -------
    list of str
        One text per row, in order.
    """
    if key == "n_samples":
        return [str(scores[key]) if scores.get(key) is not None else "n/a" for scores in scored]
    texts = [_score_text(scores, key) for scores in scored]
    numbers = [index for index, scores in enumerate(scored) if texts[index] != "n/a" and not _roundoff(scores, key)]
    for index, text in zip(numbers, significant_texts([float(scored[i][key]) for i in numbers], MSE_DIGITS)):
        texts[index] = text
    return texts


def skill_values_lines(metrics: dict) -> list[str]:
    """Under the table, where a row's skill is not 1 − its MSE over the climatology's MSE of the table
    (they are each over their own values, the skill over the values both are scored on: a network or
    persistence scored where the climatology is not, persistence without a value at the first step), the
    two MSEs it is of (:func:`~climann.evaluation.negative_skill.skill_mses`), with the digits that give
    the skill as the table shows it, one line per block and model.

    Parameters
    ----------
    metrics : dict
        The content of ``metrics.json`` (``skill_mse`` and ``skill_climatology_mse``; none before they
        were written).

    Returns
    -------
    list of str
        Plain text, e.g. "skill of model in the test block = 1 − 0.0007612/0.0004855 = −0.5679, its MSE
        and the climatology's over the values both are scored on (the table's MSEs are each over its
        own values)"; empty where every skill is of the table's MSEs.
    """
    return _skill_values(metrics["splits"], lambda split: f"the {split} block")


def _skill_values(table: Mapping[str, Mapping[str, dict]], place: Callable[[str], str]) -> list[str]:
    """:func:`skill_values_lines` of a table ``{row group: {model: scores}}`` (blocks, or the seasons or
    regions of a block), ``place`` naming a row group in the line ("the test block", "DJF"); the skill as
    the table's column shows it (:func:`column_texts`)."""
    lines, order = [], [(group, name) for group, models in table.items() for name in _in_model_order(models)]
    shown = dict(zip(order, column_texts([table[group][name] for group, name in order], "skill_vs_climatology")))
    for group, models in table.items():
        climatology = models.get("climatology") or {}
        for name in [n for n in MODEL_ORDER if n in models] + [n for n in models if n not in MODEL_ORDER]:
            scores, skill = models[name], models[name].get("skill_vs_climatology")
            if name == "climatology" or skill is None or not math.isfinite(skill):
                continue
            if (common := skill_mses(scores, climatology)) is not None:
                mse, reference = shown_mses(*common, skill, text=_number)
                lines.append(f"skill of {name} in {place(group)} = 1 − {mse}/{reference} = {shown[group, name]}, its "
                             f"MSE and the climatology's {COMMON_VALUES} (the table's MSEs are {OWN_VALUES})")
    return lines


def _in_model_order(models: Mapping[str, object]) -> list[str]:
    """The models of a table's row group as the table lists them: :data:`MODEL_ORDER`, then the others."""
    return [n for n in MODEL_ORDER if n in models] + [n for n in models if n not in MODEL_ORDER]


def _has_values(metrics: dict, key: str) -> bool:
    """Whether any row of the table has a value of ``key`` (``climann evaluate --data`` has
    no climatology baseline, so no ``skill_vs_climatology``)."""
    return any(_number(scores.get(key)) != "n/a" for models in metrics["splits"].values() for scores in models.values())


#: A bias within this fraction of the same row's RMSE is shown as 0 (``metrics.json`` keeps
#: the value): the round-off of a bias that is zero by construction, such as the climatology's
#: and the least-squares fit's on their own training block (2e-17 K and -1e-12 K on the sample).
ROUNDOFF_FRACTION = 1e-9


#: The scores without units, each of the order of 1 where it says anything (correlations, R²,
#: skill): one within :data:`ROUNDOFF_FRACTION` of zero is the round-off of a zero, e.g. the ACC
#: of a network whose two training years' anomalies are opposite (-4.6e-18, break47e B1).
DIMENSIONLESS_SCORES = ("r2", "corr", "acc", "acc_uncentred", "skill_vs_climatology")


def _score_text(scores: dict, key: str) -> str:
    """``scores[key]`` as text (:func:`_number`); a score that is round-off of zero as ``0``."""
    return "0" if _roundoff(scores, key) else _number(scores.get(key))


def _roundoff(scores: Mapping, key: str) -> bool:
    """Whether ``scores[key]`` is zero or its round-off: a bias within :data:`ROUNDOFF_FRACTION`
    of the row's RMSE, a score of :data:`DIMENSIONLESS_SCORES` within it of zero."""
    value = scores.get(key)
    if value is None or not math.isfinite(value):
        return False
    if key in DIMENSIONLESS_SCORES:
        return abs(value) <= ROUNDOFF_FRACTION
    rmse = scores.get("rmse")
    return bool(key == "bias" and rmse is not None and abs(value) <= ROUNDOFF_FRACTION * rmse)


def _number(value: float | None) -> str:
    """A score as text; ``n/a`` when it is undefined (null in metrics.json, or NaN)."""
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.4g}"


def _coverage(metrics: dict, inputs: dict | None = None) -> list[str]:
    """report.md's lines on what was scored: values per block, per model where they differ,
    and the notes on baselines left out or partly scored (``inputs``: see :func:`report_markdown`)."""
    counts = ", ".join(f"{split} {count}" for split, count in metrics.get("n_samples", {}).items())
    lines = [f"Scored values: {counts}; dropped (missing target or feature): {metrics.get('n_dropped', 0)}."
             + (f" Values of the target dropped where a feature is missing: {metrics['n_target_dropped']}."
                if "n_target_dropped" in metrics else "")]
    for split, models in metrics["splits"].items():
        differ = {name: scores["n_samples"] for name, scores in models.items()
                  if "n_samples" in scores and scores["n_samples"] != metrics.get("n_samples", {}).get(split)}
        if differ:
            listed = ", ".join(f"{name} {count}" for name, count in differ.items())
            lines.append(f"Values scored in the {split} block where they differ from the network's: {listed}.")
    notes = note_lines(metrics.get("notes", [])) + score_note_lines(metrics.get("score_notes", []))
    notes += skill_values_lines(metrics)
    notes += [changed_input_text(change) for change in metrics.get("changed_inputs", [])]
    notes += [scored_own_years_text(metrics["own_years_scored"])] if metrics.get("own_years_scored") else []
    notes += [text for text in (target_means_text(metrics), negative_skill_text(metrics, **(inputs or {}))) if text]
    notes += [metrics["target_dropped_note"]] if metrics.get("target_dropped_note") else []
    notes += [metrics["persistence_step_note"]] if metrics.get("persistence_step_note") else []
    if notes:
        lines += ["", "Notes:", ""] + [f"- {line}" for line in notes]
    return lines


#: A run's blocks whose dates other data should not hold (``own_years_scored``): what it learnt from.
OWN_YEARS_BLOCKS = ("train", "val")


def scored_own_years_text(record: dict) -> str:
    """The sentence on other data holding the run's own years (``own_years_scored`` of
    ``metrics.json``, written by ``climann evaluate --data``:
    :func:`climann.workflow.scored_years.scored_own_years`), for the terminal and ``report.md``."""
    blocks = {"train": "training", "val": "validation"}
    # what is counted is steps, not years (fix49c: "holds this run's validation years 2019 (4 of its 880 steps)"
    # said of 4 steps of 2019): the steps of each block's years, of the steps scored
    texts: list[str] = []
    for block in (block for block in OWN_YEARS_BLOCKS if block in record):
        count, years = record[block]["n_steps"], compact_periods(record[block]["years"])
        counted = f"{count} step{'' if count == 1 else 's'} of this run's" if not texts else f"{count} of its"
        texts.append(f"{counted} {blocks[block]} {_years_word(years)} {years}")
    held = " and ".join(texts)
    return (f"the scored block 'all' ({record['n_steps']} steps) holds {held}: its scores are not of unseen data; "
            f"{_way_out(record)}")


def _years_word(years: str) -> str:
    """"year" before a single year ("2019", "-20050"), else "years" ("2017–2018", "1990, 1995")."""
    return "year" if years.lstrip("-").isdigit() else "years"


def _way_out(record: dict) -> str:
    """The ``--time-range`` of the scored data's steps that are no training or validation dates:
    the years after the run's own, and its test years the data hold when they are not among
    those (a run whose test years come first: verify28 V8); else other data, its test years named."""
    test, after = record.get("test_time_range"), record.get("time_range")
    if test and after and test.split(",")[0] >= after.split(",")[0]:
        test = None  # its test years come after its own: scored with those after them
    if test and after:
        return (f"score its test years {compact_periods(record['test_years'])} with --time-range {test}, or the "
                f"years after its training and validation years with --time-range {after}")
    if test:
        return f"score its test years {compact_periods(record['test_years'])} with --time-range {test}"
    if after:
        return f"score the years after them with --time-range {after}"
    tested = f" (its test years {compact_periods(record['test_years'])})" if record.get("test_years") else ""
    return f"give data of other years than its training and validation years{tested}"


def changed_input_text(change: dict) -> str:
    """The sentence on an input file that changed since the run was trained (``changed_inputs``
    of ``metrics.json``, written by ``climann evaluate``), for the terminal and ``report.md``."""
    return (f"{change['path']} changed since the run was trained ({change['change']}): the scores are of the file "
            "as it is now")


def climatology_text(metrics: dict) -> str:
    """What a run's climatology is taken per, and for days of year how it was smoothed, from its
    ``metrics.json``: "calendar month", "day of year smoothed over 61 days", "day of year
    unsmoothed" (``climatology_window_days`` 1, or a run from before the key, whose climatology
    was the raw mean of each day of year), "whole record: the training mean, …", with ", narrowed
    near N days of the year the training years lack" when ``climatology_narrowed`` lists them; ""
    without ``climatology_per``."""
    per = str(metrics.get("climatology_per") or "")
    if per == WHOLE_RECORD:
        return f"{per}: the training mean, as samples a year or more apart have no seasonal cycle"
    if not is_smoothed(per):
        return per
    window = int(metrics.get("climatology_window_days", 1))
    if window <= 1:
        return f"{per} unsmoothed"
    narrowed = metrics.get("climatology_narrowed") or []
    near = f", narrowed near {len(narrowed)} days of the year the training years lack" if narrowed else ""
    return f"{per} smoothed over {window} days{near}"


def one_cell(metrics: dict) -> bool:
    """Whether a run's scores are of one grid cell in every scored block (``metrics.json``'s
    ``scored_on``: ``n_cells`` 1), such as a sea-ice extent ``siextentn`` of one value per
    time step; False when the run does not record its cells (a run from before the key).

    Parameters
    ----------
    metrics : dict
        The content of ``metrics.json``.

    Returns
    -------
    bool
    """
    cells = {block.get("n_cells") for block in (metrics.get("scored_on") or {}).values()}
    return cells == {1}


def _weighting(metrics: dict) -> str:
    """How a run's scores weigh the cells (:func:`~climann.evaluation.cell_measures.weighting_text`
    of its ``weighted_by``, ``area_weighted`` and, on one cell (:func:`one_cell`),
    :data:`~climann.evaluation.cell_measures.ONE_CELL_TEXT`)."""
    return weighting_text(str(metrics.get("weighted_by", WHOLE_CELLS)), n_cells=1 if one_cell(metrics) else None,
                          weighted=bool(metrics.get("area_weighted")))


def _caption(metrics: dict) -> str:
    label, units, squared = units_texts(metrics["units"])
    weighting = _weighting(metrics)
    per = f" (climatology per {climatology_text(metrics)})" if metrics.get("climatology_per") else ""
    skill = f"skill = 1 − MSE/MSE_climatology{per}; " if _has_values(metrics, "skill_vs_climatology") else ""
    acc = ACC_TEXT + (UNCENTRED_TEXT if ("acc_uncentred", "unc. ACC") in table_columns(metrics) else "")
    acc = ONE_CELL_ACC_TEXT if one_cell(metrics) else acc
    return (f"{metrics['target']} {in_parentheses(label)}, {weighting}: MSE {units_phrase(squared)}, RMSE, MAE and "
            f"bias {units_phrase(units)}; {skill}{acc}")


def metrics_table(metrics: dict, *, width: int | None = None, notes: bool = True, title: bool = True) -> Table:
    """A rich table of every split and model, the network's rows in bold.

    Parameters
    ----------
    metrics : dict
        The content of ``metrics.json``.
    width : int, optional
        Fit the table in this many terminal cells: split and model, then the scores of
        :data:`COMPACT_PRIORITY` (and the period) while they fit; the caption names what is
        left out. Default: every column (as in ``report.md``).
    notes : bool
        With ``width``, :func:`metrics_table_notes` as the table's caption. The command line
        prints them as messages of their own instead (one line each in a pipe or a file).
    title : bool
        :func:`metrics_table_title` above the table. The command line prints it as a message
        of its own instead: rich wraps a title at the table's width, in a pipe too, and
        inside its units.
    """
    header, rows, shown = _table_columns(metrics, width)
    # title and caption are rich markup: escaped, so that "[data] target_anomaly" in a note is printed
    heading = escape(metrics_table_title(metrics, width=width)) if title else None
    table = Table(title=heading, title_justify="left", caption_justify="left")
    for index in shown:
        table.add_column(header[index], justify="left" if index < 3 else "right")
    for number, row in enumerate(rows):
        if number and row[0] != rows[number - 1][0]:
            table.add_section()  # a line between splits
        table.add_row(*(row[index] for index in shown), style="bold" if row[2] == "model" else None)
    if width is not None and notes:
        table.caption = escape("\n".join(metrics_table_notes(metrics, width=width)))
    return table


def metrics_table_title(metrics: dict, *, width: int | None = None) -> str:
    """The title of :func:`metrics_table` at ``width``: the target, its units and those of the
    scores shown (``tas (K), area-weighted: RMSE and bias in K``); with no ``width``, of every
    score, and what ACC and skill are.

    Parameters
    ----------
    metrics : dict
        The content of ``metrics.json``.
    width : int, optional
        As :func:`metrics_table`'s.

    Returns
    -------
    str
        Plain text (no rich markup), one line.
    """
    if width is None:
        return _caption(metrics)
    header, _, shown = _table_columns(metrics, width)
    return _compact_title(metrics, [header[i] for i in shown])


def metrics_table_notes(metrics: dict, *, width: int | None) -> list[str]:
    """The lines below :func:`metrics_table` fitted in ``width`` cells: what skill and ACC are,
    the scores' notes, the periods and the columns left out (shown in the order of the table).
    With no ``width`` (every column, ``--wide``) the same notes on the scores, without what
    skill and ACC are (the title at no width says it, :func:`metrics_table_title`), the periods
    (a column then) and the columns left out (none): fix41k, ``--wide`` printed no notes at all.

    Parameters
    ----------
    metrics : dict
        The content of ``metrics.json``.
    width : int or None
        As :func:`metrics_table`'s: the columns left out at this width are named.

    Returns
    -------
    list of str
        One message each, plain text (no rich markup).
    """
    header, _, shown = _table_columns(metrics, width)
    return _compact_caption(metrics, [header[i] for i in range(len(header)) if i not in shown],
                            explained=width is None)


def _table_columns(metrics: dict, width: int | None) -> tuple[list[str], list[list[str]], list[int]]:
    """The table's header, rows, and the indices of the columns shown in ``width`` (None: all)."""
    columns = table_columns(metrics)
    header = ["split", "period", "model", *(label for _, label in columns)]
    rows = metric_rows(metrics)
    shown = list(range(len(header))) if width is None else _columns_that_fit(header, rows, width, columns)
    return header, rows, shown


def _columns_that_fit(header: list[str], rows: list[list[str]], width: int, columns: list[tuple[str, str]]
                      ) -> list[int]:
    """Indices of the columns (split and model always) that fit in ``width`` cells, in table order.
    A score that is n/a in every row (ACC and skill of new data, which have no climatology) comes
    after the period: it tells nothing, and would push out the scores that were computed."""
    keys = [key for key, _ in columns]
    ranked = [key for key in COMPACT_PRIORITY if key in keys] + [key for key in keys if key not in COMPACT_PRIORITY]
    undefined = {3 + index for index in range(len(keys)) if all(row[3 + index] == "n/a" for row in rows)}
    scores = [3 + keys.index(key) for key in ranked]
    wanted = [i for i in scores if i not in undefined] + [1]  # the period last
    # a cell is its text and one space either side; one border character before each and at the end
    cells = [max(cell_len(text) for text in [name, *(row[i] for row in rows)]) + 3 for i, name in enumerate(header)]
    shown = [0, 2]
    for index in wanted:
        if 1 + sum(cells[i] for i in shown) + cells[index] <= width:
            shown.append(index)
    if len(shown) == 2 + len(wanted):  # room for all that was computed: the n/a columns too, as in report.md
        for index in (i for i in scores if i in undefined):
            if 1 + sum(cells[i] for i in shown) + cells[index] <= width:
                shown.append(index)
    return sorted(shown)


def _compact_title(metrics: dict, shown: list[str]) -> str:
    """The caption's units, for the scores shown: ``tas (K), area-weighted: RMSE and bias in K``."""
    label, units, squared = units_texts(metrics["units"])
    weighting = _weighting(metrics)
    in_units = [name for name in ("RMSE", "MAE", "bias") if name in shown]
    parts = [f"MSE {units_phrase(squared)}"] if "MSE" in shown else []
    if in_units:
        listed = f"{', '.join(in_units[:-1])} and {in_units[-1]}" if len(in_units) > 1 else in_units[0]
        parts.append(f"{listed} {units_phrase(units)}")
    return f"{metrics['target']} {in_parentheses(label)}, {weighting}" + (f": {'; '.join(parts)}" if parts else "")


def _compact_caption(metrics: dict, left_out: list[str], *, explained: bool = False) -> list[str]:
    """Below the table: what skill is (when a row has one: not for other data, which have no
    climatology baseline; not when ``explained`` above it, by the title of every column), the
    scores' notes, the periods and the columns left out, one line each."""
    says_skill = not explained and "skill" not in left_out and _has_values(metrics, "skill_vs_climatology")
    region = _region_lines(metrics["region"]) if metrics.get("region") else []
    # the monthly normals need no words; a day-of-year climatology says how it was smoothed
    per = f" (climatology per {climatology_text(metrics)})" if is_smoothed(metrics.get("climatology_per", "")) else ""
    lines = [f"skill = 1 − MSE/MSE_climatology{per}"] if says_skill else []
    labels = [label for _, label in table_columns(metrics)]
    shown = [label for label in ACC_LINES if label in labels and label not in left_out]
    if not explained:
        lines += ([ONE_CELL_ACC_TEXT] if shown else []) if one_cell(metrics) else [ACC_LINES[label] for label in shown]
    if shown and _climatology_scored(metrics):
        lines.append(f"{' and '.join(shown)}: n/a for climatology, its anomaly is zero")
    # the notes on the table's columns and blocks (report.md lists the seasons' and regions' too); a
    # score left out for being n/a in every row keeps its note: why it is undefined, and how to get it
    undefined = [label for label in left_out if label != "period" and not _has_values(metrics, _key(label))]
    keys = [_key(label) for label in (*shown, *undefined)]
    lines += score_note_lines([note for note in metrics.get("score_notes", []) if note["model"] != "climatology"
                               and note["score"] in keys and "season" not in note and "region" not in note])
    if metrics.get("persistence_step_note"):  # other data of another step (break40b B6): which persistence it is
        lines.append(metrics["persistence_step_note"])
    if "skill" not in left_out:  # a skill beside MSEs it is not of: the two it is of
        lines += skill_values_lines(metrics)
    periods = metrics.get("split_periods", {})
    if "period" in left_out and periods:
        lines.append("periods: " + ", ".join(f"{split} {compact_periods(period)}"
                                             for split, period in periods.items()))
    if undefined:
        lines.append(f"n/a in every row, not shown: {', '.join(undefined)}")
    if shown_elsewhere := [label for label in left_out if label not in undefined]:
        lines.append(f"not shown: {', '.join(shown_elsewhere)} (all in report.md, or use --wide)")
    return region + lines


def region_text(record: Mapping) -> str:
    """``"south -10, north 30, west 35, east 70, 56 of 2592 cells"``: ``metrics.json``'s ``region``
    (:func:`~climann.evaluation.scored_blocks.region_record`) in words, below the table and in
    ``report.md``. Each number is named by its side: the order of a box's four numbers differs
    between tools (CDO's ``sellonlatbox`` takes west, east, south, north), and a box given in
    another order than meant was otherwise trained on without a word (fix46f). The degrees as
    given (``-179.9375``, not rounded to 6 digits); below the table a line wider than 80 columns
    puts its cells on a line of their own (:func:`_region_lines`)."""
    sides = ", ".join(f"{side} {float(record[side]):.10g}" for side in ("south", "north", "west", "east"))
    cells, grid = int(record["n_cells"]), record.get("n_grid_cells")
    if grid:  # the grid's before the cut (fix47e: "56 cells" said the box's alone)
        return f"{sides}, {f'all {cells}' if cells == int(grid) else f'{cells} of {int(grid)}'} cells"
    return f"{sides}, {cells} cell{'' if cells == 1 else 's'}"


def _region_lines(record: Mapping, width: int = 80) -> list[str]:
    """``region: …`` below the table (:func:`region_text`), its cells on a line of their own
    (indented under the sides) where one line would pass ``width`` columns: a quarter-degree global
    box's "south -89.9375, …, 1036000 of 1036800 cells" is 94 (break47e)."""
    line = f"region: {region_text(record)}"
    if cell_len(line) <= width:
        return [line]
    sides, cells = line.rsplit(", ", 1)
    return [f"{sides},", f"{' ' * len('region: ')}{cells}"]


def _key(label: str) -> str:
    """The ``metrics.json`` key of a column of :data:`COLUMNS` by its label."""
    return dict((label, key) for key, label in COLUMNS)[label]


def _climatology_scored(metrics: dict) -> bool:
    return any("climatology" in models for models in metrics["splits"].values())


def report_markdown(metrics: dict, figures: Sequence[Path], run_dir: Path, *, inputs: dict | None = None,
                    predictor_levels: str = "") -> str:
    """``report.md``: the metrics table and the figures, linked relative to ``run_dir``
    (the folder of ``report.md``; figures given relative to the working directory, like
    ``run_dir``, or absolute). ``inputs``: what the run's network learnt from (``target_anomaly``,
    ``predictors``, ``features``, ``lags``: :func:`climann.workflow.runlog.run_inputs`), to which the
    note on a negative skill fits its causes and ways out; None (``metrics.json`` alone): not known.
    ``predictor_levels``: the level each input variable was taken at
    (:func:`climann.evaluation.predictions.predictor_levels_text`, ``ta: plev = 85000 Pa``), said
    in a line below the table as ``predictions.nc`` says it; '' (none has one, or not known): no line."""
    header = ["split", "period", "model", *(label for _, label in table_columns(metrics))]
    lines = [f"# climann run: {metrics['target']}", "", _caption(metrics) + ".", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in metric_rows(metrics)]
    lines += ["", *_coverage(metrics, inputs), ""]
    if metrics.get("region"):  # fix46f: the box trained on and scored was said nowhere
        lines += [f"Region: {region_text(metrics['region'])}.", ""]
    if predictor_levels:  # fix41k: a predictor taken at 850 hPa was said nowhere beside the scores
        lines += [f"Levels of the inputs: {predictor_levels}.", ""]
    if metrics.get("training"):
        lines += [f"Trained {training_text(metrics['training'])}.", ""]
    lines += ensemble_lines(metrics)
    lines += group_tables(metrics)
    if _maps_left_out([Path(figure).name for figure in figures]):
        from climann.evaluation.figure_files import NO_MAPS_TEXT

        text = NO_MAPS_TEXT.format(where="")
        lines += [text[0].upper() + text[1:] + ".", ""]
    one = {"area_mean_series.png": ONE_CELL_SERIES_CAPTION} if one_cell(metrics) else {}
    captions = {**FIGURE_CAPTIONS, **one}
    for figure in figures:
        relative = Path(os.path.relpath(Path(figure).resolve(), Path(run_dir).resolve()))
        lines += [f"![{relative.stem.replace('_', ' ')}]({relative.as_posix()})", ""]
        if relative.name in captions:
            lines += [captions[relative.name], ""]
    return "\n".join(lines)


#: ``metrics.json`` ``training`` ``method`` of an ensemble whose members trained in parallel on a
#: cluster, one member per task (:func:`climann.workflow.ensemble.cluster_ensemble_training`).
PARALLEL_MEMBERS = "ensemble members in parallel"


def training_text(record: dict) -> str:
    """``metrics.json`` ``training`` in words, for ``report.md`` and ``climann compare``:
    "in memory, in one process", "streamed from disk: mini-batch SGD, …", "on a cluster of 2
    workers: local SGD, …", "on a cluster of 2 workers: 3 ensemble members in parallel, …"."""
    route = record.get("route", "")
    if route == "in memory":
        return "in memory, in one process"
    method = record.get("method", "")
    if method == PARALLEL_MEMBERS:
        return (f"on a cluster of {record.get('workers')} workers: {record.get('members')} ensemble members in "
                f"parallel, {record.get('members_at_once')} at once, each in memory on one worker thread as in one "
                "process (mini-batch SGD over every training sample)")
    if method == "full batch":
        how = "full-batch gradient descent"
    else:
        length = (f"{record['chunks_per_round']} chunk{'' if record['chunks_per_round'] == 1 else 's'}"
                  if record.get("chunks_per_round") else f"{record.get('sync_every')} steps")
        how = (f"{method}, {record.get('rounds_per_epoch')} round(s) per epoch of {length} "
               f"(≈ {record.get('steps_per_round'):g} steps per replica)")
        if record.get("workers", 1) > 1:
            how += (f", averaged after each round, at {record.get('learning_rate_factor', 1)} × the learning rate"
                    if record.get("learning_rate_factor", 1) > 1 else ", averaged after each round")
    where = (f"on a cluster of {record.get('workers')} workers" if route == "cluster"
             else "streamed from disk" if route == "streamed" else route)
    chunks = record.get("chunks")
    return f"{where}: {how}, over {chunks} training chunk{'' if chunks == 1 else 's'}"


def _maps_left_out(names: Sequence[str]) -> bool:
    """Whether a run's figures (file names) are those of a grid of one cell: the area-mean
    series without a map (:func:`climann.evaluation.figures.draws_maps`)."""
    from climann.evaluation.figure_files import ENSEMBLE_FIGURE_FILES, FIGURE_FILES, MAP_FIGURES

    files = {**FIGURE_FILES, **ENSEMBLE_FIGURE_FILES}
    return FIGURE_FILES["area_mean_series"] in names and not {files[key] for key in MAP_FIGURES} & set(names)


def ensemble_lines(metrics: dict) -> list[str]:
    """report.md's section on an ensemble (``metrics["ensemble"]``, see
    :func:`climann.workflow.ensemble.ensemble_metrics`): per block the spread, the RMSE of the
    mean, the spread–skill ratio (corrected and not) and each member's MSE; none for a single
    network."""
    ensemble = metrics.get("ensemble")
    if not ensemble:
        return []
    units = shown_units(metrics.get("units", ""))  # a spread and an RMSE are differences
    with_units = f" {in_parentheses(units)}" if units else ""
    seeds = ", ".join(str(seed) for seed in ensemble["seeds"])
    lines = [f"Ensemble of {ensemble['size']} networks (seeds {seeds}): the model rows score their mean. Spread: "
             f"the members' standard deviation (ddof = {ensemble['spread_ddof']}); spread–skill ratio as WeatherBench "
             "2, with its finite-ensemble correction of the MSE (1: spread matches the error; below 1: "
             "over-confident).", "",
             f"| split | spread{with_units} | RMSE of the mean{with_units} | spread–skill ratio | uncorrected | "
             f"members' MSE{f' ({shown_squared_units(units)})' if units else ''} |", "|---|---|---|---|---|---|"]
    for block, scores in ensemble["splits"].items():
        member_mse = ", ".join(_number(member["mse"].get(block)) for member in ensemble["members"])
        lines.append(f"| {block} | {_number(scores['spread'])} | {_number(scores['rmse'])} | "
                     f"{_number(scores['spread_skill_ratio'])} | {_number(scores['spread_skill_ratio_uncorrected'])} "
                     f"| {member_mse} |")
    return [*lines, ""]


def ensemble_summary(metrics: dict) -> str | None:
    """One line for the terminal on an ensemble: its size and seeds, the test block's spread
    and spread–skill ratio (the last block's when there is no test block); None otherwise."""
    ensemble = metrics.get("ensemble")
    if not ensemble or not ensemble.get("splits"):
        return None
    block = "test" if "test" in ensemble["splits"] else list(ensemble["splits"])[-1]
    scores, seeds, units = ensemble["splits"][block], ensemble["seeds"], difference_units(metrics.get("units", ""))
    spread = f"{_number(scores['spread'])} {units}".strip()
    return (f"ensemble of {ensemble['size']} (seeds {seeds[0]}–{seeds[-1]}): {block} spread {spread}, "
            f"spread–skill ratio {_number(scores['spread_skill_ratio'])}")


#: The columns of the tables per season and per region (``acc`` shown when the scores have it).
GROUP_COLUMNS = (("mse", "MSE"), ("rmse", "RMSE"), ("bias", "bias"), ("acc", "ACC"), ("acc_uncentred", "unc. ACC"),
                 ("skill_vs_climatology", "skill"), ("n_samples", "n"))


def group_block(metrics: dict) -> str | None:
    """The block of the tables per season and region: ``test``, else the last one scored."""
    blocks = list(metrics.get("regions") or metrics.get("seasons") or {})
    return "test" if "test" in blocks else (blocks[-1] if blocks else None)


def group_rows(groups: dict) -> tuple[list[str], list[list[str]]]:
    """The header and rows of one table per season or region, ``groups`` =
    ``{group: {model: scores}}``: group, model, then the :data:`GROUP_COLUMNS` that any
    model has."""
    present = {key for models in groups.values() for scores in models.values() for key in scores}
    columns = [(key, label) for key, label in GROUP_COLUMNS if key in present]
    rows, scored = [], []
    for group, models in groups.items():
        for name in [n for n in MODEL_ORDER if n in models] + [n for n in models if n not in MODEL_ORDER]:
            rows.append([group, name])
            scored.append(models[name])
    texts = [column_texts(scored, key) for key, _ in columns]
    return [label for _, label in columns], [row + [column[index] for column in texts]
                                             for index, row in enumerate(rows)]


def _region_label(name: str, definition: dict) -> str:
    """``NEU (srex: N. Europe, 42 cells)``, ``pacific (box [-10, 10, 170, -170], 12 cells)``."""
    if definition.get("kind") == "box":
        what = "box [" + ", ".join(f"{value:g}" for value in definition["box"]) + "]"
    elif definition.get("kind") == "latitude band":
        what = f"latitude band {definition.get('rule')}"
    else:
        what = f"{definition.get('kind')}: {definition.get('name')}"
    return f"{name} ({what}, {definition.get('n_cells')} cells)"


def group_tables(metrics: dict) -> list[str]:
    """report.md's tables of the test block per season and per region (markdown lines)."""
    block = group_block(metrics)
    if block is None:
        return []
    lines = []
    definitions = metrics.get("region_definitions", {})
    for key, title in (("seasons", "season"), ("regions", "region")):
        groups = (metrics.get(key) or {}).get(block)
        if not groups:
            if key == "seasons" and metrics.get("seasons_note"):
                lines += [f"No scores per season: {metrics['seasons_note']}.", ""]
            continue
        header, rows = group_rows(groups)
        lines += [f"## The {block} block by {title}", "",
                  "| " + " | ".join([title, "model", *header]) + " |", "|" + "---|" * (len(header) + 2)]
        lines += ["| " + " | ".join(row) + " |" for row in rows] + [""]
        if skills := _skill_values(groups, str):  # a skill beside MSEs it is not of: the two it is of
            lines += [f"- {line}" for line in skills] + [""]
        if key == "seasons" and (absent := [season for season in SEASONS if season not in groups]):
            listed = absent[0] if len(absent) == 1 else ", ".join(absent[:-1]) + " and " + absent[-1]
            lines += [f"Not scored: {listed}, which the data hold no time step of.", ""]
        if key == "regions":
            lines += [f"- {_region_label(name, definitions.get(name, {}))}" for name in groups] + [""]
    empty = [name for name, definition in definitions.items() if not definition.get("n_cells")]
    if empty:
        lines += [f"Regions without a cell on the grid (not scored): {', '.join(empty)}.", ""]
    for name, definition in definitions.items():
        if definition.get("n_cells") and "not_scored" in definition:  # cells, but no value to score
            lines += [f"Region {name} not scored: {definition['not_scored']} ({definition['n_cells']} cells).", ""]
    return lines


def figures_in(folder: str | Path) -> list[Path]:
    """The run figures in ``folder/figures`` (in the order a run draws them)."""
    from climann.evaluation.figure_files import ENSEMBLE_FIGURE_FILES, FIGURE_FILES, METRICS_FIGURE_FILES

    figures = Path(folder) / "figures"
    names = [*FIGURE_FILES.values(), *METRICS_FIGURE_FILES.values(), *ENSEMBLE_FIGURE_FILES.values()]
    return [figures / name for name in names if (figures / name).is_file()]


def write_report(folder: str | Path, metrics: dict | None = None) -> Path | None:
    """Write ``folder/report.md`` (atomically) from ``metrics`` (default: ``folder/metrics.json``)
    with links to the figures in ``folder/figures``.

    Returns
    -------
    Path or None
        The report, or None when there are no metrics to report (no readable ``metrics.json``).
    """
    from climann.atomic import atomic_path

    folder = Path(folder)
    if metrics is None:
        try:
            metrics = json.loads((folder / "metrics.json").read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(metrics, dict) or not {"target", "units", "splits"} <= metrics.keys():
            return None
    with atomic_path(folder / "report.md", what="report") as temporary:
        temporary.write_text(report_markdown(metrics, figures_in(folder), folder))
    return folder / "report.md"
