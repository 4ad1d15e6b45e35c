"""Standardisation: z = (x − μ) / σ per column, with μ and σ from the training block only.

The same pass records each column's range (minimum, maximum) on the training block: what
the model has seen, to tell later when new inputs lie outside it (extrapolation).

μ and σ come either from one array in memory (:meth:`Standardizer.fit`) or from a stream
of blocks (:meth:`Standardizer.fit_streaming`), merged with the parallel algorithm of
Chan, Golub & LeVeque (1979) so that data larger than memory give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from climann.errors import ClimannError


@dataclass(frozen=True)
class Standardizer:
    """Per-column mean and standard deviation, and the range the columns were fitted on.

    Attributes
    ----------
    mean, std : ndarray, shape (n_columns,), float64
    names : tuple of str
        Column names, for error messages and the model file.
    minimum, maximum : ndarray, shape (n_columns,), float64, or None
        The smallest and largest value of each column in the fitted samples (None when not
        known, e.g. scalers read from an older model file).
    """

    mean: np.ndarray
    std: np.ndarray
    names: tuple[str, ...]
    minimum: np.ndarray | None = None
    maximum: np.ndarray | None = None

    @classmethod
    def fit(cls, values: np.ndarray, names: Sequence[str], *, role: str = "feature") -> Standardizer:
        """Fit μ = mean(x) and σ = std(x) per column (accumulated in float64).

        Parameters
        ----------
        values : ndarray, shape (n_samples, n_columns)
            Training samples only.
        names : sequence of str, length n_columns
        role : {"feature", "target"}
            What the columns are, for the message when one does not vary.

        Raises
        ------
        ClimannError
            If a column does not vary (σ = 0): it carries no information and cannot be scaled.
        """
        mean = values.mean(axis=0, dtype=np.float64)
        std = values.std(axis=0, dtype=np.float64)
        _refuse_constant(std, names, mean, role=role)
        minimum, maximum = values.min(axis=0).astype(np.float64), values.max(axis=0).astype(np.float64)
        return cls(mean=mean, std=std, names=tuple(names), minimum=minimum, maximum=maximum)

    @classmethod
    def fit_streaming(cls, blocks: Iterable[np.ndarray], names: Sequence[str]) -> Standardizer:
        """Fit μ and σ (population, ddof 0) from blocks of samples, one block in memory at a time.

        Equal to :meth:`fit` on the concatenated blocks up to rounding (≈ 1e-12 relative):
        see :class:`RunningMoments` for the merge.

        Parameters
        ----------
        blocks : iterable of ndarray, each shape (n_block, n_columns)
            Training samples only, e.g. ``source.read(start, stop).inputs`` for each block
            of the training split. Empty blocks are allowed.
        names : sequence of str, length n_columns

        Raises
        ------
        ClimannError
            If a block has the wrong number of columns, there is no sample at all, or a
            column does not vary (σ = 0).

        Examples
        --------
        >>> blocks = (np.array([[1.0], [3.0]]), np.array([[5.0]]))
        >>> Standardizer.fit_streaming(blocks, ["a"]).mean
        array([3.])
        """
        moments = RunningMoments(len(names))
        for block in blocks:
            moments.update(block)
        return moments.standardizer(names)

    def transform(self, values: np.ndarray, dtype: str = "float32") -> np.ndarray:
        """z = (x − μ) / σ, shape (n_samples, n_columns), in ``dtype``."""
        return ((values - self.mean) / self.std).astype(dtype, copy=False)

    def inverse_transform(self, scaled: np.ndarray) -> np.ndarray:
        """x = z σ + μ, shape (n_samples, n_columns), float64."""
        return scaled * self.std + self.mean

    def to_dict(self) -> dict:
        """JSON-serialisable form, for the model file's metadata (μ and σ; the range is
        :meth:`range_dict`)."""
        return {"names": list(self.names), "mean": self.mean.tolist(), "std": self.std.tolist()}

    def range_dict(self) -> dict | None:
        """``{"names", "min", "max"}``, the fitted range in JSON-serialisable form (the model
        file's ``input_ranges``), or None when the range is not known."""
        if self.minimum is None or self.maximum is None:
            return None
        return {"names": list(self.names), "min": self.minimum.tolist(), "max": self.maximum.tolist()}


def _refuse_constant(std: np.ndarray, names: Sequence[str], mean: np.ndarray, *, role: str = "feature") -> None:
    """Raise, naming them, if some columns have σ = 0 (or NaN): as features they are to be
    removed; a constant target leaves nothing to learn."""
    constant = [name for name, sigma in zip(names, std) if not sigma > 0]
    if constant and role == "target":
        raise ClimannError(
            f"the target {constant[0]} does not vary over the training block (every value is {float(mean[0]):g}); "
            "there is nothing to learn: check the target variable, the region and the time selection"
        )
    if constant:
        raise ClimannError(
            f"feature(s) {', '.join(constant)} do not vary over the training block; "
            "remove them from the predictors/features"
        )


class RunningMoments:
    """Count, mean and sum of squared deviations of each column, updated block by block.

    For two sets A and B with counts n, means x̄ and M2 = Σ (x − x̄)², the union has
    (Chan, Golub & LeVeque 1979)::

        n  = n_A + n_B
        δ  = x̄_B − x̄_A
        x̄  = x̄_A + δ n_B / n
        M2 = M2_A + M2_B + δ² n_A n_B / n

    and σ² = M2 / n. Each block's own x̄ and M2 are computed directly (two passes over the
    block, in float64), which avoids the cancellation of Σx² − n x̄².

    Parameters
    ----------
    n_columns : int

    Examples
    --------
    >>> moments = RunningMoments(1)
    >>> moments.update(np.array([[1.0], [2.0]])); moments.update(np.array([[3.0]]))
    >>> moments.count, moments.mean, moments.m2
    (3, array([2.]), array([2.]))
    """

    #: Rows per sub-block: bounds the float64 temporaries to ≈ n_columns × 8 MiB.
    ROWS_PER_PASS = 2**20

    def __init__(self, n_columns: int) -> None:
        self.count = 0
        self.mean = np.zeros(n_columns)
        self.m2 = np.zeros(n_columns)
        self.minimum = np.full(n_columns, np.inf)
        self.maximum = np.full(n_columns, -np.inf)

    def update(self, values: np.ndarray) -> None:
        """Add the samples of ``values``, shape (n, n_columns)."""
        values = np.asarray(values)
        if values.ndim != 2 or values.shape[1] != self.mean.size:
            raise ClimannError(
                f"a block of shape {values.shape} does not have the {self.mean.size} columns expected"
            )
        for first in range(0, values.shape[0], self.ROWS_PER_PASS):
            self._merge(values[first : first + self.ROWS_PER_PASS])

    def _merge(self, values: np.ndarray) -> None:
        n_block = values.shape[0]
        if n_block == 0:
            return
        block_mean = values.mean(axis=0, dtype=np.float64)
        self._combine(n_block, block_mean, np.square(values - block_mean).sum(axis=0))
        self._widen(values.min(axis=0), values.max(axis=0))

    def _widen(self, minimum: np.ndarray, maximum: np.ndarray) -> None:
        """Extend the range seen to another set's minimum and maximum."""
        self.minimum = np.minimum(self.minimum, minimum)
        self.maximum = np.maximum(self.maximum, maximum)

    def _combine(self, n_block: int, block_mean: np.ndarray, block_m2: np.ndarray) -> None:
        """Chan's merge of another set's count, mean and M2 into these."""
        if n_block == 0:
            return
        n_total = self.count + n_block
        delta = block_mean - self.mean
        self.mean = self.mean + delta * (n_block / n_total)
        self.m2 = self.m2 + block_m2 + delta**2 * (self.count * n_block / n_total)
        self.count = n_total

    def merge(self, other: RunningMoments) -> RunningMoments:
        """Add the samples summarised by ``other`` (e.g. another chunk's moments); returns self.

        Moments computed on separate chunks (on separate machines) and merged in a fixed
        order give the same numbers however the chunks were distributed.
        """
        if other.mean.size != self.mean.size:
            raise ClimannError(f"cannot merge moments of {other.mean.size} columns into {self.mean.size}")
        self._combine(other.count, other.mean, other.m2)
        self._widen(other.minimum, other.maximum)
        return self

    def standardizer(self, names: Sequence[str], *, role: str = "feature") -> Standardizer:
        """The :class:`Standardizer` of the samples seen so far.

        Raises
        ------
        ClimannError
            If no sample was seen, or a column does not vary.
        """
        if self.count == 0:
            raise ClimannError(
                f"no training sample to fit the scaling of {', '.join(names)} on; "
                "check the split and the missing values"
            )
        std = np.sqrt(self.m2 / self.count)
        _refuse_constant(std, names, self.mean, role=role)
        return Standardizer(mean=self.mean.copy(), std=std, names=tuple(names),
                            minimum=self.minimum.astype(np.float64), maximum=self.maximum.astype(np.float64))
