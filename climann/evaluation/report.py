"""The metrics as a table for the terminal (rich) and as ``report.md`` for the run directory.

``report.md`` links its figures relative to its own folder (``figures/map_test.png``), so the
links hold wherever the folder is moved; ``climann evaluate`` and ``climann plot`` write it
again with the figures that are there (:func:`write_report`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from rich.table import Table

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
                        + [f"{scores[key]:.4g}" if key in scores else "" for key, _ in COLUMNS])
    return rows


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
    """``report.md``: the metrics table and the figures, linked relative to ``run_dir``
    (the folder of ``report.md``; figures given relative to the working directory, like
    ``run_dir``, or absolute)."""
    header = ["split", "period", "model", *(label for _, label in COLUMNS)]
    lines = [f"# climann run: {metrics['target']}", "", _caption(metrics) + ".", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in metric_rows(metrics)]
    counts = ", ".join(f"{split} {count}" for split, count in metrics.get("n_samples", {}).items())
    lines += ["", f"Scored values: {counts}; dropped (missing target or feature): {metrics.get('n_dropped', 0)}.", ""]
    for figure in figures:
        relative = Path(os.path.relpath(Path(figure).resolve(), Path(run_dir).resolve()))
        lines += [f"![{relative.stem.replace('_', ' ')}]({relative.as_posix()})", ""]
    return "\n".join(lines)


def figures_in(folder: str | Path) -> list[Path]:
    """The run figures in ``folder/figures`` (in the order a run draws them)."""
    from climann.evaluation.figures.style import FIGURE_FILES

    figures = Path(folder) / "figures"
    return [figures / name for name in FIGURE_FILES.values() if (figures / name).is_file()]


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
