"""Which cells lie in a latitude-longitude box: the one rule of ``[data] region`` and of
``[evaluation] regions`` boxes.

A cell is inside ``(south, north, west, east)`` when south ≤ φ ≤ north and its longitude lies
from ``west`` eastward to ``east`` (:func:`longitude_in_box`), φ and λ its true (geographic)
coordinates in degrees. ``[data] region`` keeps these cells (:func:`climann.data.subset.select_region`),
and the scores' records count and fingerprint them
(:meth:`climann.data.layout.GridLayout.cells_in_region`); NumPy only, so that the layout can
use it without the data layer's xarray.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["cells_in_box", "longitude_in_box"]


def longitude_in_box(longitude: np.ndarray, west: float, east: float) -> np.ndarray:
    """Which longitudes lie in the box from ``west`` eastward to ``east`` (degrees).

    Works in either convention (0…360 or −180…180, for the data and for the box) and for
    boxes that cross the prime meridian or the dateline (``west > east``, e.g. 350 → 10 or
    170 → −170): λ is inside when (λ − west) mod 360 ≤ (east − west) mod 360.
    """
    width = (east - west) % 360
    if width == 0 and east != west:
        width = 360.0
    return (np.asarray(longitude, np.float64) - west) % 360 <= width


def cells_in_box(latitude: np.ndarray, longitude: np.ndarray, box: Sequence[float]) -> np.ndarray:
    """The cells inside ``box = (south, north, west, east)``, degrees.

    south ≤ φ ≤ north (both ends included) and λ from west eastward to east
    (:func:`longitude_in_box`: any longitude convention; west > east crosses the dateline or
    the prime meridian). A cell without coordinates (NaN) is outside.

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_lat, n_lon)
        Each cell's true coordinates in degrees (any equal shapes). Latitudes are compared in
        their own precision, as the file stores them.
    box : (south, north, west, east)

    Returns
    -------
    ndarray of bool, the shape of ``latitude``
    """
    south, north, west, east = box
    latitude = np.asarray(latitude)
    return (latitude >= south) & (latitude <= north) & longitude_in_box(longitude, west, east)
