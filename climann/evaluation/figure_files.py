"""The figures' file names and climann's mark on them: what a run directory's listing, its
report and ``--overwrite`` need to know of the figures, without matplotlib (imported by
:mod:`climann.evaluation.figures` only where a figure is drawn).

:mod:`climann.evaluation.figures.style` re-exports every name.
"""

from __future__ import annotations

from pathlib import Path

from climann._version import __version__

__all__ = [
    "ENSEMBLE_FIGURE_FILES", "FIGURE_FILES", "FIGURE_MARK", "FIGURE_MARK_SINCE", "MAP_FIGURES", "METRICS_FIGURE_FILES",
    "NO_MAPS_TEXT", "is_marked_figure",
]

#: File names of the figures in a run's ``figures/`` folder (``map_test.png`` is in the
#: run-directory contract).
FIGURE_FILES = {
    "map": "map_test.png",
    "mean_map": "map_test_mean.png",
    "error_maps": "error_maps_test.png",
    "learning_curves": "learning_curves.png",
    "predicted_vs_observed": "predicted_vs_observed_test.png",
    "area_mean_series": "area_mean_series.png",
    "anomaly_correlation_map": "anomaly_correlation_test.png",
}
#: The figures that are maps (keys of :data:`FIGURE_FILES` and :data:`ENSEMBLE_FIGURE_FILES`):
#: left out on a grid of one cell (a station), where each would be one square of one colour.
MAP_FIGURES = ("map", "mean_map", "error_maps", "anomaly_correlation_map", "spread_map")
#: The line of ``train.log`` and ``report.md`` that says why a run of one cell has no maps.
NO_MAPS_TEXT = ("no maps: the grid is one cell{where}, which a map shows as one square of one colour; "
                "its values over time are in area_mean_series.png")
#: The figures drawn from ``metrics.json`` rather than from the grids (after those of
#: :data:`FIGURE_FILES` in ``report.md``).
METRICS_FIGURE_FILES = {"skill_by_group": "skill_by_season_region_test.png"}
#: The figures of an ensemble run only (after those of :data:`FIGURE_FILES` in ``report.md``).
ENSEMBLE_FIGURE_FILES = {"spread_map": "spread_test.png"}
#: The PNG text chunk (keyword, value) that marks every figure climann writes: the PNG
#: specification's registered keyword "Software" (PNG 1.2, section 4.2.3.1, tEXt), whose
#: value matplotlib otherwise fills with its own name. ``--overwrite`` replaces an image only
#: when it carries this mark (:func:`climann.workflow.outputs.written_by_climann`).
FIGURE_MARK = ("Software", f"climann {__version__}")
#: The day climann began to mark its figures (in version 0.1.0, as before it): an unmarked
#: figure may be climann's from before then, which a refusal says.
FIGURE_MARK_SINCE = "2026-12-01"


def is_marked_figure(path: str | Path) -> bool:
    """Whether ``path`` is a PNG image carrying climann's :data:`FIGURE_MARK` (its
    "Software" text chunk begins with "climann", of any version).

    Parameters
    ----------
    path : str or Path
        An existing file.

    Returns
    -------
    bool
        False for an image without the mark (a figure of matplotlib, PIL or another
        program, or one climann wrote before it marked its figures), for another format,
        and for what cannot be read.
    """
    from PIL import Image, UnidentifiedImageError  # matplotlib's own dependency

    keyword, value = FIGURE_MARK
    try:
        with Image.open(path) as image:
            text = getattr(image, "text", {})  # a PNG's tEXt, zTXt and iTXt chunks
            return image.format == "PNG" and str(text.get(keyword, "")).startswith(value.split()[0] + " ")
    except (OSError, UnidentifiedImageError, ValueError):
        return False
