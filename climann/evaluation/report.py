"""The metrics as a table for the terminal (rich) and as ``report.md`` for the run directory."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from rich.table import Table

from climann.evaluation.scores import note_lines

MODEL_ORDER = ("model", "linear", "climatology", "persistence")
COLUMNS = (("mse", "MSE"), ("rmse", "RMSE"), ("mae", "MAE"), ("bias", "bias"), ("r2", "R²"),
           ("corr", "corr"), ("skill_vs_climatology", "skill"))


def metric_rows(metrics: dict) -> list[list[str]]:
    """One row per split and model: split, period, model, then the scores as text."""
    rows = []
    for split, models in metrics["splits"].items():
        for name in [n for n in MODEL_ORDER if n in models] + [n for n in models if n not in MODEL_ORDER]:
            scores = models[name]
            rows.append([split, metrics.get("split_periods", {}).get(split, ""), name]
                        + [_number(scores[key]) if key in scores else "" for key, _ in COLUMNS])
    return rows


def _number(value: float | None) -> str:
    """A score as text; ``n/a`` when it is undefined (null in metrics.json, or NaN)."""
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.4g}"


def _coverage(metrics: dict) -> list[str]:
    """report.md's lines on what was scored: values per block, per model where they differ,
    and the notes on baselines left out or partly scored."""
    counts = ", ".join(f"{split} {count}" for split, count in metrics.get("n_samples", {}).items())
    lines = [f"Scored values: {counts}; dropped (missing target or feature): {metrics.get('n_dropped', 0)}."]
    for split, models in metrics["splits"].items():
        differ = {name: scores["n_samples"] for name, scores in models.items()
                  if "n_samples" in scores and scores["n_samples"] != metrics.get("n_samples", {}).get(split)}
        if differ:
            listed = ", ".join(f"{name} {count}" for name, count in differ.items())
            lines.append(f"Values scored in the {split} block where they differ from the network's: {listed}.")
    notes = note_lines(metrics.get("notes", []))
    if notes:
        lines += ["", "Notes:", ""] + [f"- {line}" for line in notes]
    return lines


def _caption(metrics: dict) -> str:
    units = metrics["units"] or "1"
    weighting = "area-weighted" if metrics.get("area_weighted") else "unweighted"
    return (f"{metrics['target']} ({units}), {weighting}: MSE in ({units})², RMSE, MAE and bias in {units}; "
            "skill = 1 − MSE/MSE_climatology")


def metrics_table(metrics: dict) -> Table:
    """A rich table of every split and model, the network's rows in bold."""
    table = Table(title=_caption(metrics), title_justify="left")
    for header in ("split", "period", "model", *(label for _, label in COLUMNS)):
        table.add_column(header, justify="left" if header in ("split", "period", "model") else "right")
    for row in metric_rows(metrics):
        table.add_row(*row, style="bold" if row[2] == "model" else None)
    return table


def report_markdown(metrics: dict, figures: Sequence[Path], run_dir: Path) -> str:
    """``report.md``: the metrics table and the figures, linked relative to the run directory."""
    header = ["split", "period", "model", *(label for _, label in COLUMNS)]
    lines = [f"# climann run: {metrics['target']}", "", _caption(metrics) + ".", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in metric_rows(metrics)]
    lines += ["", *_coverage(metrics), ""]
    for figure in figures:
        relative = Path(figure).relative_to(run_dir) if Path(figure).is_absolute() else Path(figure)
        lines += [f"![{relative.stem.replace('_', ' ')}]({relative.as_posix()})", ""]
    return "\n".join(lines)
