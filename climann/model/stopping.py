"""Early stopping, and the copy of the best weights that it (and divergence) falls back on.

After every epoch the training loop hands the monitored loss (the validation loss, or the
training loss without a validation set) to :class:`BestWeights`, which keeps a copy of the
parameters of the epoch with the lowest loss. With ``EarlyStopping(patience=5)``, training
stops once ``patience`` epochs in a row have not improved on the best loss by more than
``min_delta``, and the network gets the best weights back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from climann.errors import ClimannError

__all__ = ["BestWeights", "EarlyStopping"]


@dataclass(frozen=True)
class EarlyStopping:
    """Stop training when the monitored loss stops improving, and restore the best weights.

    An epoch improves if its monitored loss (validation, else training) is below the best
    so far by more than ``min_delta``. Training stops after ``patience`` epochs in a row
    without improvement. At the end of training, stopped early or not, the network gets
    the weights of the epoch with the lowest monitored loss (``History.best_epoch``).

    Parameters
    ----------
    patience : int, default 5
        Epochs without improvement before stopping, >= 1.
    min_delta : float, default 0
        How much lower than the best a loss must be to count as an improvement, >= 0.

    Examples
    --------
    >>> EarlyStopping(patience=3)
    EarlyStopping(patience=3, min_delta=0.0)
    """

    patience: int = 5
    min_delta: float = 0.0

    def __post_init__(self) -> None:
        patience_ok = isinstance(self.patience, int | np.integer) and not isinstance(
            self.patience, bool
        )
        if not (patience_ok and self.patience >= 1):
            raise ClimannError(
                f"EarlyStopping needs an integer patience >= 1; got {self.patience!r}"
            )
        delta_ok = isinstance(self.min_delta, int | float | np.integer | np.floating)
        if not (delta_ok and math.isfinite(self.min_delta) and self.min_delta >= 0):
            raise ClimannError(f"EarlyStopping needs min_delta >= 0; got {self.min_delta!r}")


@dataclass
class BestWeights:
    """A copy of the parameter vector of the epoch with the lowest monitored loss.

    Parameters
    ----------
    parameters : ndarray, shape (n_parameters,)
        The network's parameter vector; only its shape and dtype are used here.

    Attributes
    ----------
    loss : float
        The lowest monitored loss so far (inf before the first epoch).
    epoch : int or None
        Its epoch, counting from 1; None before the first epoch.
    epochs_without_improvement : int
        Epochs in a row whose loss was not below the best by more than ``min_delta``.
    """

    parameters: np.ndarray
    loss: float = math.inf
    epoch: int | None = None
    epochs_without_improvement: int = 0
    saved: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.saved = np.empty_like(self.parameters)

    def observe(self, epoch: int, loss: float, parameters: np.ndarray, *, min_delta: float) -> None:
        """Record epoch ``epoch``'s monitored ``loss``; copy ``parameters`` if it is the lowest."""
        improved_enough = loss < self.loss - min_delta
        if loss < self.loss:
            self.loss, self.epoch = loss, epoch
            np.copyto(self.saved, parameters)
        self.epochs_without_improvement = (
            0 if improved_enough else self.epochs_without_improvement + 1
        )

    def restore(self, parameters: np.ndarray) -> bool:
        """Copy the best weights back into ``parameters``; False if there are none yet."""
        if self.epoch is None:
            return False
        np.copyto(parameters, self.saved)
        return True

    def state_dict(self) -> dict[str, object]:
        """What :meth:`load_state_dict` needs to continue: the best loss, its epoch, the
        count of epochs without improvement and (once there is one) a copy of the best weights."""
        return {
            "loss": self.loss,
            "epoch": self.epoch,
            "epochs_without_improvement": self.epochs_without_improvement,
            "saved": self.saved.copy() if self.epoch is not None else None,
        }

    def load_state_dict(self, state: dict[str, object]) -> None:
        """Continue from ``state`` (from :meth:`state_dict`).

        Raises
        ------
        ClimannError
            If the saved weights do not match this network's parameter vector.
        """
        saved = state["saved"]
        if saved is not None:
            saved = np.asarray(saved)
            if saved.shape != self.saved.shape or saved.dtype != self.saved.dtype:
                raise ClimannError(
                    f"the saved best weights have shape {saved.shape} and dtype {saved.dtype}; "
                    f"this network needs {self.saved.shape} {self.saved.dtype}"
                )
            np.copyto(self.saved, saved)
        epoch, count = state["epoch"], state["epochs_without_improvement"]
        self.loss = float(state["loss"])  # type: ignore[arg-type]
        self.epoch = None if epoch is None else int(epoch)  # type: ignore[call-overload]
        self.epochs_without_improvement = int(count)  # type: ignore[call-overload]
