"""An ensemble of networks: the same architecture trained from different seeds, and its file.

Each member is a :class:`~climann.model.network.Network`; the ensemble predicts their mean.
The members file (``model_members.npz``) holds every member in seed order, in the layout of a
model file (:mod:`climann.model.files`) with each array's name prefixed by its member::

    member_0_weight_0, member_0_bias_0, …, member_1_weight_0, …   the parameters
    metadata      0-d unicode array holding JSON:
        {"format_version": 1, "kind": "climann ensemble members", "seeds": [...],
         "members": [{"layer_sizes": [...], "activations": [...], "output_activation": "...",
                      "dtype": "float32"}, ...]}

It holds no pickled objects and is written atomically, as a model file is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike

import numpy as np

from climann.errors import ClimannError
from climann.model.files import _layer_arrays, _read_archive, _savez_atomically
from climann.model.network import Network
from climann.run_files import MEMBERS_KIND

__all__ = ["MEMBERS_FORMAT_VERSION", "Ensemble", "member_seeds", "read_members", "write_members"]

MEMBERS_FORMAT_VERSION = 1
_KIND = MEMBERS_KIND  # how climann.run_files knows a members file as climann's


@dataclass(frozen=True)
class Ensemble:
    """Networks of one architecture trained with different seeds; predicts their mean.

    Attributes
    ----------
    members : tuple of Network
        In seed order; the first one carries the run's metadata (``model.npz``).
    seeds : tuple of int
        Each member's seed.
    """

    members: tuple[Network, ...]
    seeds: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.members or len(self.members) != len(self.seeds):
            raise ClimannError(f"an ensemble needs one seed per member: {len(self.members)} members, "
                               f"{len(self.seeds)} seeds")
        if any(member.layer_sizes != self.members[0].layer_sizes for member in self.members):
            raise ClimannError("the members of an ensemble must share their layer sizes, got "
                               f"{[member.layer_sizes for member in self.members]}")

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def metadata(self) -> dict:
        """The first member's metadata (features, scalers, …): the same for every member."""
        return self.members[0].metadata

    @property
    def dtype(self) -> np.dtype:
        return self.members[0].dtype

    @property
    def layer_sizes(self) -> list[int]:
        return self.members[0].layer_sizes

    @property
    def n_inputs(self) -> int:
        return self.members[0].n_inputs

    @property
    def n_outputs(self) -> int:
        return self.members[0].n_outputs

    def predict_members(self, X: np.ndarray) -> np.ndarray:
        """Each member's predictions ŷₖ.

        Parameters
        ----------
        X : ndarray, shape (m, n_in)

        Returns
        -------
        ndarray, shape (n_members, m, n_out), float64
        """
        return np.stack([member.predict(X).astype(np.float64) for member in self.members])

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The ensemble mean (1/N) Σₖ ŷₖ, shape (m, n_out), float64.

        Standardising the target is affine, so the mean of the scaled outputs is the scaled
        mean of the outputs in the target's units.
        """
        return self.predict_members(X).mean(axis=0)


def write_members(path: str | PathLike, ensemble: Ensemble) -> None:
    """Write every member of ``ensemble`` to ``path`` (the members file, see the module's
    description), atomically.

    Raises
    ------
    ClimannError
        If the file cannot be written.
    """
    arrays: dict[str, np.ndarray] = {}
    headers = []
    for index, member in enumerate(ensemble.members):
        headers.append({"layer_sizes": member.layer_sizes, "activations": [a.spec for a in member.activations],
                        "output_activation": member.output_activation.spec, "dtype": member.dtype.name})
        for layer, (weights, biases) in enumerate(zip(member.weights, member.biases, strict=True)):
            arrays[f"member_{index}_weight_{layer}"] = weights
            arrays[f"member_{index}_bias_{layer}"] = biases
    header = {"format_version": MEMBERS_FORMAT_VERSION, "kind": _KIND, "seeds": list(ensemble.seeds),
              "members": headers}
    arrays["metadata"] = np.array(json.dumps(header))
    _savez_atomically(os.fspath(path), arrays)


def read_members(path: str | PathLike, *, metadata: dict | None = None) -> Ensemble:
    """Read a members file written by :func:`write_members`.

    Parameters
    ----------
    path : str or path-like
    metadata : dict, optional
        Given to every member (a run's ``model.npz`` metadata).

    Raises
    ------
    ClimannError
        If the file is missing, not a members file, or inconsistent.
    """
    path = os.fspath(path)
    arrays = _read_archive(path)
    try:
        header = json.loads(str(arrays.pop("metadata")))
        ok = header.get("kind") == _KIND and header.get("format_version") == MEMBERS_FORMAT_VERSION
        seeds, headers = [int(seed) for seed in header["seeds"]], header["members"]
    except (KeyError, TypeError, ValueError, AttributeError):
        ok = False
    if not ok or len(seeds) != len(headers):
        raise ClimannError(f"{path} is not a climann ensemble members file (format {MEMBERS_FORMAT_VERSION}); "
                           "retrain the run, or remove the file to use model.npz alone")
    members = []
    for index, member in enumerate(headers):
        prefix = f"member_{index}_"
        own = {name[len(prefix):]: array for name, array in arrays.items() if name.startswith(prefix)}
        weights, biases = _layer_arrays(own, member["layer_sizes"], member["dtype"], path)
        members.append(Network.from_parameters(weights, biases, activation=member["activations"],
                                               output_activation=member["output_activation"], dtype=member["dtype"],
                                               metadata=metadata))
    return Ensemble(tuple(members), tuple(seeds))


def member_seeds(seed: int, size: int) -> Sequence[int]:
    """The seeds of an ensemble of ``size`` members: seed, seed + 1, …, seed + size − 1."""
    return tuple(seed + index for index in range(size))
