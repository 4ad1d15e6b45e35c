"""The grid a set of samples came from, and how to put per-sample values back on it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


#: A coordinate along time naming the split block of each step when the blocks come from
#: different files (``[data] split_files``); see :func:`climann.data.open.concat_blocks`.
SPLIT_BLOCK_COORDINATE = "climann_split_block"


@dataclass(frozen=True)
class Coordinate:
    """One coordinate axis as plain data: its name, values and CF attributes."""

    name: str
    values: np.ndarray
    attrs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GridLayout:
    """Everything needed to turn a vector of per-sample values back into a gridded field.

    Samples are numbered by their position in the canonical (time, latitude, longitude)
    array: ``flat_index = (t * n_lat + i) * n_lon + j``.

    Attributes
    ----------
    time, latitude, longitude : Coordinate
        The axes, with values in the input's order (e.g. latitude north-to-south).
    time_units, calendar : str
        The input's time encoding, to write times back exactly.
    file_dims : tuple of str
        The target's dimension order in the input file.
    target_name : str
        The target variable.
    target_attrs : dict
        Its attributes (``units``, ``standard_name``, ``long_name``, …), no encoding.
    source_files : tuple of str
        The input files.
    latitude_bounds, longitude_bounds : ndarray, shape (n, 2), optional
        Cell edges in degrees, when the input has CF bounds.
    time_blocks : tuple of str
        With a split by dataset, the block (``train``, ``val``, ``test``) each time step was
        read for; the time axis is then the blocks' axes one after another and may repeat
        dates (two scenarios over the same years). Empty otherwise.
    variable_units : dict of str to str
        The ``units`` attribute of each data variable of the input ('' when it has none),
        recorded in the model file so that new data can be checked against it.
    """

    time: Coordinate
    latitude: Coordinate
    longitude: Coordinate
    time_units: str
    calendar: str
    file_dims: tuple[str, ...]
    target_name: str
    target_attrs: dict
    source_files: tuple[str, ...] = ()
    latitude_bounds: np.ndarray | None = None
    longitude_bounds: np.ndarray | None = None
    time_blocks: tuple[str, ...] = ()
    variable_units: dict = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int, int]:
        """(n_time, n_lat, n_lon)."""
        return (len(self.time.values), len(self.latitude.values), len(self.longitude.values))

    @property
    def n_cells(self) -> int:
        """Grid cells per time step, n_lat · n_lon."""
        return self.shape[1] * self.shape[2]

    @property
    def target_units(self) -> str:
        """The target's units ('' when the file gives none)."""
        return str(self.target_attrs.get("units", ""))

    def time_index(self, flat_index: np.ndarray) -> np.ndarray:
        """Time step of each sample, shape (n,)."""
        return flat_index // self.n_cells

    def to_grid(self, values: np.ndarray, flat_index: np.ndarray) -> np.ndarray:
        """Scatter per-sample values onto the canonical grid, NaN where there is no sample.

        Parameters
        ----------
        values : ndarray, shape (n,)
            One value per sample.
        flat_index : ndarray of int, shape (n,)
            Each sample's position, as in the class description.

        Returns
        -------
        ndarray, shape (n_time, n_lat, n_lon)
        """
        grid = np.full(int(np.prod(self.shape)), np.nan, dtype=np.result_type(values, np.float32))
        grid[flat_index] = values
        return grid.reshape(self.shape)

    def cell_area_weights(self) -> np.ndarray:
        """Relative area of each grid cell, shape (n_lat, n_lon), with mean 1.

        On a sphere a cell between latitudes φ₁ and φ₂ and longitudes λ₁ and λ₂ has area
        ∝ (sin φ₂ − sin φ₁)(λ₂ − λ₁). Without bounds, the area is taken ∝ cos φ at the centre
        (exact in the limit of small regular cells). Mean 1 keeps a weighted loss on the
        same scale as an unweighted one.
        """
        if self.latitude_bounds is not None:
            edges = np.deg2rad(self.latitude_bounds)
            by_latitude = np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))
        else:
            by_latitude = np.clip(np.cos(np.deg2rad(np.asarray(self.latitude.values, np.float64))), 0, None)
        if self.longitude_bounds is not None:
            by_longitude = np.abs(self.longitude_bounds[:, 1] - self.longitude_bounds[:, 0])
        else:
            by_longitude = np.ones(len(self.longitude.values))
        area = np.outer(by_latitude, by_longitude)
        return area / area.mean()


def segment_starts(time_blocks: tuple[str, ...], n_time: int) -> np.ndarray:
    """For each time step, the index of the first step of its contiguous block, shape (n_time,).

    Without blocks the whole axis is one segment (all zeros): "k steps earlier" never
    crosses from one dataset's time axis into another's.
    """
    if not time_blocks:
        return np.zeros(n_time, dtype=np.int64)
    labels = np.asarray(time_blocks)
    new_segment = np.concatenate([[True], labels[1:] != labels[:-1]])
    return np.maximum.accumulate(np.where(new_segment, np.arange(n_time), 0))
