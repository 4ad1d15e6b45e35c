"""The regular latitude-longitude grid climann advises remapping an unstructured grid to.

ICON's triangles, FESOM's nodes and MPAS's cells lie on one horizontal dimension, which
climann does not train on: the refusal (:mod:`climann.data.coordinate_values`) gives CDO's
conservative remapping (``cdo remapcon``) to a regular grid. That grid is chosen near the
source's own mean spacing, the square root of the area it covers per cell (Ω / N for N cells
over a solid angle Ω: 4π for the globe, a region's box from its cells' extent and half a cell
beyond), rounded to a spacing that divides 180° (3° for a
6°-box triangular grid of 3600 cells, whose mean spacing is 3.4°; 1.5° for ICON R2B4's 20 480
cells of about 160 km). A finer grid only interpolates: the 1° grid once advised for every
file wrote 17 times the 6°-grid's bytes and would train on 18 times as many samples
(break43b A7).

A global grid (every longitude, latitudes over 170° or more) is CDO's ``rNxM``; a regional one
(ICON-D2, a FESOM regional mesh) a grid description of its box (CDO's ``gridtype = lonlat``
text), written beside the file by ``printf``, so that the remapping covers the region alone.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from climann.data.shell import copy_path, shown_path

#: Grid spacings advised, in degrees: each divides 180° (and 360°) a whole number of times.
SPACINGS = (0.01, 0.02, 0.025, 0.05, 0.1, 0.125, 0.2, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0,
            6.0, 7.5, 9.0, 10.0, 15.0, 20.0, 30.0)

#: Longitudes spanning this many degrees or more, and latitudes 170° or more, are a global grid.
_GLOBAL_LONGITUDES, _GLOBAL_LATITUDES = 350.0, 170.0


@dataclass(frozen=True)
class RemapTarget:
    """A regular grid to remap an unstructured one to.

    Attributes
    ----------
    spacing : float
        The target grid's spacing, degrees.
    mean_spacing : float
        The source's mean spacing, degrees: √(Ω / N), Ω the solid angle covered.
    cells : int
        N, the source's cells (or nodes).
    box : tuple of float or None
        (west, east, south, north) of a regional target, degrees, on whole multiples of
        ``spacing``; None for a global one.
    """

    spacing: float
    mean_spacing: float
    cells: int
    box: tuple[float, float, float, float] | None = None

    def grid(self, source: str, named: Callable[[str | os.PathLike], str] = shown_path) -> tuple[str, str]:
        """The words before CDO's command (``printf … > GRID && ``, for a regional grid) and
        ``remapcon``'s grid argument (``r120x60``, or that file), for a source file ``source``
        beside which the grid description is written (a new name: :func:`~climann.data.shell.copy_path`),
        named by ``named`` (the shell word from the working folder, or from the folder the line runs
        CDO in, :func:`~climann.data.shell.in_cdo_folder`)."""
        if self.box is None:
            return "", f"r{round(360 / self.spacing)}x{round(180 / self.spacing)}"
        west, east, south, north = self.box
        lines = ("gridtype = lonlat", f"xsize = {round((east - west) / self.spacing)}",
                 f"ysize = {round((north - south) / self.spacing)}", f"xfirst = {west + self.spacing / 2:g}",
                 f"xinc = {self.spacing:g}", f"yfirst = {south + self.spacing / 2:g}", f"yinc = {self.spacing:g}")
        text = "\\n".join(lines) + "\\n"  # printf's escapes: one line each
        described = named(copy_path(source, "grid", ".txt"))
        return f"printf '{text}' > {described} && ", described

    def words(self) -> str:
        """How the grid was chosen, for the message."""
        over = "the globe" if self.box is None else "their region"
        return (f"{self.cells} cells over {over}, {self.mean_spacing:.2g}° apart on average: a {self.spacing:g}° "
                f"grid{'' if self.box is None else ' of that region'}")


def remap_target(latitudes: Sequence[float], longitudes: Sequence[float]) -> RemapTarget:
    """The regular grid near the mean spacing of the cells (or nodes) at ``latitudes`` and
    ``longitudes`` (degrees, one each per cell).

    Parameters
    ----------
    latitudes, longitudes : sequence of float, shape (n_cells,)
        Each cell's centre, degrees north and east (either longitude convention).

    Returns
    -------
    RemapTarget

    Examples
    --------
    >>> lats, lons = np.meshgrid(np.arange(-87.0, 90, 6), np.arange(-177.0, 180, 6))
    >>> target = remap_target(np.repeat(lats.ravel(), 2), np.repeat(lons.ravel(), 2))
    >>> target.cells, round(target.mean_spacing, 2), target.spacing, target.box
    (3600, 3.39, 3.0, None)
    """
    lats = np.asarray(latitudes, np.float64).ravel()
    lons = np.asarray(longitudes, np.float64).ravel()
    finite = np.isfinite(lats) & np.isfinite(lons)
    lats, lons = lats[finite], lons[finite]
    cells = int(lats.size)
    start, span = _longitude_span(lons)
    south, north = (float(lats.min()), float(lats.max())) if cells else (-90.0, 90.0)
    regional = span < _GLOBAL_LONGITUDES or north - south < _GLOBAL_LATITUDES
    if not regional:
        start, span, south, north = -180.0, 360.0, -90.0, 90.0
    mean = _mean_spacing(south, north, span, cells)
    if regional:  # the centres' extent is a cell short of the region's: half a cell more on each side
        mean = _mean_spacing(max(south - mean / 2, -90.0), min(north + mean / 2, 90.0), min(span + mean, 360.0), cells)
    spacing = min(SPACINGS, key=lambda step: abs(math.log(step / mean)))
    if not regional:
        return RemapTarget(spacing, mean, cells)
    west, east = math.floor(start / spacing) * spacing, math.ceil((start + span) / spacing) * spacing
    south, north = max(math.floor(south / spacing) * spacing, -90.0), min(math.ceil(north / spacing) * spacing, 90.0)
    east, north = max(east, west + spacing), max(north, south + spacing)
    return RemapTarget(spacing, mean, cells, (west, east, south, north))


def _mean_spacing(south: float, north: float, span: float, cells: int) -> float:
    """√(Ω / N) in degrees: Ω the solid angle of the box from ``south`` to ``north`` over ``span``
    degrees of longitude, N ``cells``."""
    solid_angle = (math.sin(math.radians(north)) - math.sin(math.radians(south))) * math.radians(max(span, 1e-6))
    return math.degrees(math.sqrt(max(solid_angle, 1e-12) / max(cells, 1)))


def _longitude_span(longitudes: np.ndarray) -> tuple[float, float]:
    """The westernmost longitude and the span of the shortest arc holding every one of
    ``longitudes`` (across 180° or 0° alike), degrees."""
    if longitudes.size == 0:
        return -180.0, 360.0
    wrapped = np.unique(np.mod(longitudes, 360.0))
    gaps = np.diff(np.concatenate([wrapped, [wrapped[0] + 360.0]]))
    widest = int(np.argmax(gaps))
    start = float(wrapped[(widest + 1) % wrapped.size])
    span = 360.0 - float(gaps[widest])
    return (start - 360.0 if start > 180.0 else start), span
