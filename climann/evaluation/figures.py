"""Figures for people: maps of truth, prediction and error with units and honest colours."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # non-interactive: figures are files, also on machines without a display

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from climann.atomic import atomic_path  # noqa: E402
from climann.data.layout import GridLayout  # noqa: E402


def symmetric_limit(values: np.ndarray) -> float:
    """Largest |value| ignoring NaN (the 99.5th percentile, so one outlier does not wash
    out the map); the limits of a zero-centred diverging colour scale."""
    finite = np.abs(values[np.isfinite(values)])
    return float(np.percentile(finite, 99.5)) if finite.size else 1.0


def _cell_edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges from (possibly descending) centres, for pcolormesh: shape (n + 1,)."""
    centres = np.asarray(centres, dtype=np.float64)
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    middle = (centres[:-1] + centres[1:]) / 2
    return np.concatenate([[2 * centres[0] - middle[0]], middle, [2 * centres[-1] - middle[-1]]])


def plot_truth_prediction_error(
    layout: GridLayout,
    truth: np.ndarray,
    predicted: np.ndarray,
    *,
    time_index: int,
    split: str,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """Three maps for one time step: truth, prediction and error (prediction − truth).

    Parameters
    ----------
    layout : GridLayout
    truth, predicted : ndarray, shape (n_time, n_lat, n_lon)
    time_index : int
        Which time step to draw.
    split : str
        The block the time step belongs to, named in the title.
    path : str or Path
        The PNG to write (atomically).
    dpi : int

    Returns
    -------
    Path
    """
    name, units = layout.target_name, layout.target_units
    when = layout.time.values[time_index].strftime("%Y-%m-%d")
    truth_map, predicted_map = truth[time_index], predicted[time_index]
    error_map = predicted_map - truth_map
    lon_edges = _cell_edges(layout.longitude.values)
    lat_edges = _cell_edges(layout.latitude.values)
    both = np.concatenate([truth_map[np.isfinite(truth_map)], predicted_map[np.isfinite(predicted_map)]])
    low, high = (np.percentile(both, [0.5, 99.5]) if both.size else (0.0, 1.0))
    limit = symmetric_limit(error_map)
    panels = [
        ("truth", truth_map, dict(cmap="viridis", vmin=low, vmax=high), f"{name} ({units})"),
        ("prediction", predicted_map, dict(cmap="viridis", vmin=low, vmax=high), f"{name} ({units})"),
        ("error (prediction − truth)", error_map, dict(cmap="RdBu_r", vmin=-limit, vmax=limit),
         f"{name} error ({units})"),
    ]
    figure, axes = plt.subplots(1, 3, figsize=(16, 4.6), layout="constrained")
    for axis, (title, field, style, label) in zip(axes, panels):
        mesh = axis.pcolormesh(lon_edges, lat_edges, field, shading="flat", **style)
        axis.set_title(title)
        axis.set_xlabel("longitude (°E)")
        axis.set_ylabel("latitude (°N)")
        axis.set_aspect("equal")
        figure.colorbar(mesh, ax=axis, orientation="horizontal", shrink=0.85, label=label)
    figure.suptitle(f"{name} on {when} ({split} split): truth, prediction and error")
    path = Path(path)
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=dpi, format="png")
    plt.close(figure)
    return path
