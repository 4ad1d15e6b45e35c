"""Shared style of climann's figures: colours, limits, file names, saving.

Every figure is a :class:`matplotlib.figure.Figure` drawn on its own Agg canvas
(:func:`_save`), never one of pyplot's: climann's figures are files, drawn the same on a
machine without a display, and they leave the backend a notebook or script chose as it was.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter
from PIL import Image, PngImagePlugin  # matplotlib's own dependency

from climann.atomic import atomic_path
from climann.data.time_axis import year_span
from climann.data.units import in_parentheses, shown_units
from climann.evaluation.negative_skill import significant_text
from climann.evaluation.figure_files import (  # noqa: F401  (re-exported: the figures' names and mark)
    ENSEMBLE_FIGURE_FILES,
    FIGURE_FILES,
    FIGURE_MARK,
    FIGURE_MARK_SINCE,
    MAP_FIGURES,
    METRICS_FIGURE_FILES,
    NO_MAPS_TEXT,
    is_marked_figure,
)


VALUE_COLORMAP, ERROR_COLORMAP, RMSE_COLORMAP = "viridis", "RdBu_r", "magma_r"
NO_DATA_COLOR = "0.72"  # grey, apart from the near-white zero of the diverging scale
#: Line styles of the area-mean series; other baselines take the next default colours.
SERIES_STYLES = {
    "truth": {"color": "black", "linewidth": 1.8, "zorder": 4},
    "model": {"color": "tab:red", "linewidth": 1.3, "zorder": 3},
    "linear": {"color": "tab:blue", "linewidth": 0.9, "alpha": 0.85},
    "climatology": {"color": "tab:green", "linewidth": 0.9, "alpha": 0.85},
    "persistence": {"color": "tab:orange", "linewidth": 0.9, "alpha": 0.85},
}
BLOCK_COLORS = {"val": "tab:olive", "test": "tab:purple"}
def symmetric_limit(values: np.ndarray) -> float:
    """Largest |value| ignoring NaN (the 99.5th percentile, so one outlier does not wash
    out the map); the limits of a zero-centred diverging colour scale are ±this."""
    finite = np.abs(values[np.isfinite(values)])
    limit = float(np.percentile(finite, 99.5)) if finite.size else 0.0
    return limit if limit > 0 else 1.0


def value_limits(*fields: np.ndarray) -> tuple[float, float]:
    """Common colour limits of several fields: their 0.5th and 99.5th percentiles, NaN ignored."""
    values = np.concatenate([np.ravel(field)[np.isfinite(np.ravel(field))] for field in fields])
    if not values.size:
        return 0.0, 1.0
    low, high = (float(v) for v in np.percentile(values, [0.5, 99.5]))
    return (low, high) if high > low else (low - 0.5, low + 0.5)


def label_text(value: float) -> str:
    """A number written on a figure beside others: 3 significant digits, the zeros of a rounding
    kept (-19.957 as "-20.0" beside "-17.8", not "-20": break47e B2), a value the short form writes
    exactly in its short form (-25, 0.8)."""
    return significant_text(value, 3, zeros=float(f"{value:.3g}") != value)


def _cell_edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges from (possibly descending) centres, for pcolormesh: shape (n + 1,)."""
    centres = np.asarray(centres, dtype=np.float64)
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    middle = (centres[:-1] + centres[1:]) / 2
    return np.concatenate([[2 * centres[0] - middle[0]], middle, [2 * centres[-1] - middle[-1]]])


def _with_units(text: str, units: str) -> str:
    """``text (units)``, a temperature scale by its symbol as in every caption of a run
    (:func:`climann.evaluation.report.units_texts`): ``thetao (degC)`` for ``degrees_C``."""
    return f"{text} {in_parentheses(shown_units(units))}" if units else text  # a pure number: (dimensionless)


def _ordinal(number: int) -> str:
    """'2nd', '3rd', '11th', '21st'."""
    suffix = "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _period(years: Sequence[float]) -> str:
    """'1997–1999' (or '1997', '-20000 to -19994': :func:`~climann.data.time_axis.year_span`):
    the first and last years of some (decimal) years; '1997–2003,
    every 3rd year' when the years are evenly spaced further apart than one (a run's test
    maps of every n-th test year, see :func:`climann.evaluation.figures.every_nth_test_year`)."""
    years = np.asarray(years, dtype=np.float64)
    years = years[np.isfinite(years)]
    if not years.size:
        return "no time steps"
    first, last = int(np.floor(years.min())), int(np.floor(years.max()))
    if first == last:
        return year_span(first, last)
    gaps = np.diff(np.unique(np.floor(years)).astype(int))
    stride = int(gaps[0]) if (gaps == gaps[0]).all() else 1
    return year_span(first, last) + (f", every {_ordinal(stride)} year" if stride > 1 else "")


#: zlib's level for the PNGs: 3 compresses an opaque figure's RGB pixels to about the size
#: level 6 (PIL's default) made of its RGBA ones, in 60 % of the time (8 PNGs of a run at dpi 150:
#: 0.36 -> 0.22 CPU s, 1103 -> 1088 KiB).
PNG_COMPRESS_LEVEL = 3


def _opaque_as_rgb(pixels: np.ndarray) -> np.ndarray:
    """``pixels`` (n_rows, n_columns, 4), RGBA, without their alpha channel when every pixel is
    opaque (a figure on its white face): the same image in three quarters of the bytes to
    compress. A figure with any transparency keeps it."""
    return pixels[..., :3] if pixels[..., 3].min() == 255 else pixels


#: Numbers on axes and colour bars below 10⁻³ or from 10⁴ in magnitude are written with a
#: common power of ten (``0 2 4 ×10⁻⁵``), not as ``0.000020``: matplotlib's default (−5, 6)
#: writes eight-character labels that run together on a precipitation flux in kg m⁻² s⁻¹.
POWER_LIMITS = (-3, 4)


def _figure(**kwargs) -> Figure:
    """A new :class:`~matplotlib.figure.Figure` (``kwargs``: ``figsize``, ``layout``, ``dpi`` …)
    on its own Agg canvas, which measures text for the layout and draws the PNG; what
    ``pyplot.subplots`` gives under the Agg backend, without pyplot's global state."""
    figure = Figure(**kwargs)
    FigureCanvasAgg(figure)
    return figure


class PowerOfTenFormatter(ScalarFormatter):
    """matplotlib's :class:`~matplotlib.ticker.ScalarFormatter` with mathtext for its
    offset text alone: the common power of ten is written ``×10⁻⁵`` (a superscript needs
    mathtext), the tick labels as plain text in the same font (``0.5``, not
    ``$\\mathdefault{0.5}$``), which draws the same digits without parsing each label as
    mathtext (84 parses, 0.8 of 6.1 CPU s profiled, in the redraw of the sample run's 8 figures).

    Parameters
    ----------
    useMathText : bool, default True
        As :class:`~matplotlib.ticker.ScalarFormatter`'s (the other arguments too).
    """

    def __init__(self, *args, useMathText: bool = True, **kwargs) -> None:
        super().__init__(*args, useMathText=useMathText, **kwargs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        """The label of tick value ``x``: ScalarFormatter's, out of its mathtext wrapper
        (under ``text.usetex`` the label stays TeX's)."""
        label = super().__call__(x, pos)
        opening, closing = _MATHTEXT_NUMBER
        if self.get_usetex() or not (label.startswith(opening) and label.endswith(closing)):
            return label
        return label[len(opening):-len(closing)]


#: How ScalarFormatter wraps a number in mathtext: ``$\mathdefault{0.5}$``.
_MATHTEXT_NUMBER = ("$\\mathdefault{", "}$")


def _one_number_notation(figure: Figure) -> None:
    """Every linear number axis of ``figure`` (colour bars included) in one notation: the
    plain number, or one power of ten for the axis beyond :data:`POWER_LIMITS`, written
    ``×10ⁿ`` (:class:`PowerOfTenFormatter`)."""
    for axes in figure.get_axes():
        for axis in (axes.xaxis, axes.yaxis):
            formatter = axis.get_major_formatter()
            if type(formatter) is ScalarFormatter:
                notation = PowerOfTenFormatter()
                vars(notation).update(vars(formatter))  # the axis's own settings (offset, locale …)
                notation.set_powerlimits(POWER_LIMITS)
                notation.set_useMathText(True)
                axis.set_major_formatter(notation)


def _save(figure: Figure, path: str | Path, dpi: int) -> Path:
    """Write ``figure`` to ``path`` as PNG, atomically, marked as climann's
    (:data:`FIGURE_MARK`), and close it. Every figure climann writes goes through here.

    The figure is drawn once, at ``dpi``, its layout engine (constrained layout) laying it
    out within that draw; the PNG is the drawn canvas (RGB when it is opaque, see
    :func:`_opaque_as_rgb`), with the resolution and text chunk ``savefig`` would give it.
    ``savefig`` itself draws every figure that has a layout engine twice (a draw without
    rendering to lay it out, even when the engine is a placeholder that lays out nothing, then
    the real one): the same pixels in twice the drawing."""
    path = Path(path)
    keyword, value = FIGURE_MARK
    try:
        _one_number_notation(figure)
        figure.set_dpi(dpi)
        canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
        canvas.draw()
        image = Image.fromarray(_opaque_as_rgb(np.asarray(canvas.buffer_rgba())))
        text = PngImagePlugin.PngInfo()
        text.add_text(keyword, value)
        with atomic_path(path, what="figure") as temporary:
            image.save(temporary, format="png", pnginfo=text, dpi=(dpi, dpi), compress_level=PNG_COMPRESS_LEVEL)
    finally:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:  # a figure of pyplot's (a caller's) is released; climann's own are no pyplot's
            pyplot.close(figure)
    return path
