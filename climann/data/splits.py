"""Train / validation / test splits as contiguous blocks of time, never at random.

Neighbouring time steps of a climate field are correlated: a random split would let the
network see the day after each test day. Contiguous blocks of whole years keep the test
period unseen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from climann.errors import ClimannError

SPLIT_NAMES = ("train", "val", "test")


@dataclass(frozen=True)
class TimeSplit:
    """Which time steps belong to each block.

    Attributes
    ----------
    time_masks : dict of str to ndarray of bool, each shape (n_time,)
        ``{"train": …, "val": …, "test": …}``.
    descriptions : dict of str to str
        Human-readable extent of each block, e.g. ``"1980–1993"``.
    """

    time_masks: dict[str, np.ndarray]
    descriptions: dict[str, str]

    def labels(self) -> np.ndarray:
        """The block name of each time step ('' for none), shape (n_time,)."""
        n_time = len(next(iter(self.time_masks.values())))
        labels = np.full(n_time, "", dtype=object)
        for name, mask in self.time_masks.items():
            labels[mask] = name
        return labels.astype(str)


def _block_sizes(n_units: int, fractions: Sequence[float]) -> list[int]:
    """Split ``n_units`` into len(fractions) positive integer sizes close to the fractions."""
    sizes = [max(1, int(round(fraction * n_units))) for fraction in fractions[1:]]
    return [n_units - sum(sizes), *sizes]


def split_time_blocks(years: np.ndarray, fractions: Sequence[float]) -> TimeSplit:
    """Assign each time step to train, val or test as consecutive blocks of years.

    With at least three distinct years the blocks are made of whole years (first the
    training years, then validation, then test); with fewer, of consecutive time steps.

    Parameters
    ----------
    years : ndarray of int, shape (n_time,)
        Calendar year of each time step, in time order.
    fractions : sequence of 3 floats
        Fractions for train, val and test, adding up to 1.

    Returns
    -------
    TimeSplit

    Raises
    ------
    ClimannError
        If a block would be empty.
    """
    years = np.asarray(years)
    distinct = np.unique(years)
    by_year = distinct.size >= len(SPLIT_NAMES)
    units = distinct if by_year else np.arange(years.size)
    sizes = _block_sizes(units.size, fractions)
    if min(sizes) < 1:
        raise ClimannError(
            f"the data cover {years.size} time steps ({distinct.size} years): too few to split "
            f"into train, val and test blocks with fractions {list(fractions)}"
        )
    masks, descriptions, start = {}, {}, 0
    for name, size in zip(SPLIT_NAMES, sizes):
        chosen = units[start : start + size]
        start += size
        masks[name] = np.isin(years, chosen) if by_year else np.isin(np.arange(years.size), chosen)
        first, last = (chosen[0], chosen[-1])
        descriptions[name] = f"{first}–{last}" if by_year else f"time steps {first}–{last}"
    return TimeSplit(time_masks=masks, descriptions=descriptions)
