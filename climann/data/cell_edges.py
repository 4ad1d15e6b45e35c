"""How a run joins the corners of 2-D grid cells for their areas: the choices of
``[data] cell_edges``.

Kept apart from :mod:`climann.data.layout` so that the configuration, validated before xarray
is imported, can name them.
"""

from __future__ import annotations

#: How a run joins 2-D cell corners for their areas (``[data] cell_edges``): by great
#: circles, exactly (``great_circle``, since 4 December 2026), or straight in the (λ, sin φ)
#: plane while they span under 1° of longitude (``straight``, runs trained before; see
#: :func:`~climann.data.geometry.polygon_areas`).
CELL_EDGES = ("great_circle", "straight")

#: The key of a time coordinate's ``encoding`` marking ``[data] cell_edges = "straight"``
#: (:func:`climann.data.subset.with_cell_edges`); see :attr:`climann.data.layout.GridLayout.straight_cell_edges`.
STRAIGHT_CELL_EDGES_KEY = "climann_straight_cell_edges"
