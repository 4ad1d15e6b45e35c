"""The Ensemble (mean of its members) and its members file."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model import Network
from climann.model.ensemble import Ensemble, member_seeds, read_members, write_members


@pytest.fixture
def ensemble():
    members = tuple(Network([3, 5, 1], activation="tanh", seed=seed) for seed in (4, 5, 6))
    return Ensemble(members, (4, 5, 6))


def test_seeds_are_consecutive():
    assert member_seeds(7, 3) == (7, 8, 9)


def test_the_ensemble_predicts_the_members_mean(ensemble):
    inputs = np.random.default_rng(1).normal(size=(20, 3)).astype(np.float32)
    each = np.stack([member.predict(inputs).astype(np.float64) for member in ensemble.members])
    np.testing.assert_array_equal(ensemble.predict_members(inputs), each)
    np.testing.assert_allclose(ensemble.predict(inputs), each.mean(axis=0), rtol=1e-15)


def test_the_members_file_keeps_every_member_and_its_seed(ensemble, tmp_path):
    write_members(tmp_path / "model_members.npz", ensemble)
    loaded = read_members(tmp_path / "model_members.npz", metadata={"features": ["a", "b", "c"]})
    assert loaded.seeds == (4, 5, 6)
    for original, copy in zip(ensemble.members, loaded.members, strict=True):
        for before, after in zip([*original.weights, *original.biases], [*copy.weights, *copy.biases], strict=True):
            np.testing.assert_array_equal(before, after)
        assert copy.metadata == {"features": ["a", "b", "c"]}
    # no pickles: a plain np.load reads it
    with np.load(tmp_path / "model_members.npz", allow_pickle=False) as archive:
        assert "member_2_weight_1" in archive.files


def test_a_model_file_is_not_a_members_file(ensemble, tmp_path):
    ensemble.members[0].save(tmp_path / "model.npz")
    with pytest.raises(ClimannError, match="not a climann ensemble members file"):
        read_members(tmp_path / "model.npz")


def test_members_must_share_their_shape():
    with pytest.raises(ClimannError, match="share their layer sizes"):
        Ensemble((Network([2, 3, 1]), Network([2, 4, 1])), (0, 1))
    with pytest.raises(ClimannError, match="one seed per member"):
        Ensemble((Network([2, 3, 1]),), (0, 1))
