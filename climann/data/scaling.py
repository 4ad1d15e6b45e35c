"""Standardisation: z = (x − μ) / σ per column, with μ and σ from the training block only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from climann.errors import ClimannError


@dataclass(frozen=True)
class Standardizer:
    """Per-column mean and standard deviation.

    Attributes
    ----------
    mean, std : ndarray, shape (n_columns,), float64
    names : tuple of str
        Column names, for error messages and the model file.
    """

    mean: np.ndarray
    std: np.ndarray
    names: tuple[str, ...]

    @classmethod
    def fit(cls, values: np.ndarray, names: Sequence[str]) -> Standardizer:
        """Fit μ = mean(x) and σ = std(x) per column (accumulated in float64).

        Parameters
        ----------
        values : ndarray, shape (n_samples, n_columns)
            Training samples only.
        names : sequence of str, length n_columns

        Raises
        ------
        ClimannError
            If a column does not vary (σ = 0): it carries no information and cannot be scaled.
        """
        mean = values.mean(axis=0, dtype=np.float64)
        std = values.std(axis=0, dtype=np.float64)
        constant = [name for name, sigma in zip(names, std) if not sigma > 0]
        if constant:
            raise ClimannError(
                f"feature(s) {', '.join(constant)} do not vary over the training block; "
                "remove them from the predictors/features"
            )
        return cls(mean=mean, std=std, names=tuple(names))

    def transform(self, values: np.ndarray, dtype: str = "float32") -> np.ndarray:
        """z = (x − μ) / σ, shape (n_samples, n_columns), in ``dtype``."""
        return ((values - self.mean) / self.std).astype(dtype, copy=False)

    def inverse_transform(self, scaled: np.ndarray) -> np.ndarray:
        """x = z σ + μ, shape (n_samples, n_columns), float64."""
        return scaled * self.std + self.mean

    def to_dict(self) -> dict:
        """JSON-serialisable form, for the model file's metadata."""
        return {"names": list(self.names), "mean": self.mean.tolist(), "std": self.std.tolist()}
