"""Tests for climann/model/files.py and Network.save / Network.load."""

import json
import os

import numpy as np
import pytest

from climann._version import __version__
from climann.errors import ClimannError
from climann.model import Network, files

METADATA = {
    "features": ["tas", "rsdt"],
    "scaler": {"mean": [1.5, -2.25], "std": [0.5, 3.0]},
    "epochs": 20,
}


def _network(dtype="float32"):
    network = Network(
        [3, 5, 4, 2],
        activation=["tanh", "leaky_relu"],
        output_activation="sigmoid",
        seed=7,
        dtype=dtype,
    )
    rng = np.random.default_rng(0)
    for biases in network.biases:  # non-zero biases, so that the round trip is tested on them too
        biases[:] = rng.normal(size=biases.shape)
    return network


@pytest.mark.parametrize(
    "dtype", [pytest.param("float32", id="float32"), pytest.param("float64", id="float64")]
)
def test_round_trip_is_exact(tmp_path, dtype):
    network = _network(dtype)
    path = tmp_path / "model.npz"
    network.save(path, metadata=METADATA)
    loaded = Network.load(path)
    assert loaded.layer_sizes == network.layer_sizes
    assert loaded.dtype == np.dtype(dtype)
    assert [a.name for a in loaded.activations] == ["tanh", "leaky_relu"]
    assert loaded.output_activation.name == "sigmoid"
    assert all(
        np.array_equal(a, b) and a.dtype == b.dtype
        for a, b in zip(loaded.parameters(), network.parameters(), strict=True)
    )
    assert loaded.metadata == METADATA
    X = np.random.default_rng(1).normal(size=(6, 3))
    np.testing.assert_array_equal(loaded.predict(X), network.predict(X))


def test_file_is_plain_npz_without_pickles(tmp_path):
    path = tmp_path / "model.npz"
    _network().save(path, metadata=METADATA)
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(
            ["metadata", "weight_0", "bias_0", "weight_1", "bias_1", "weight_2", "bias_2"]
        )
        header = json.loads(str(archive["metadata"]))
    assert header == {
        "format_version": 1,
        "layer_sizes": [3, 5, 4, 2],
        "activations": ["tanh", "leaky_relu"],
        "output_activation": "sigmoid",
        "dtype": "float32",
        "climann_version": __version__,
        "user": METADATA,
    }


def test_saved_under_the_exact_name_and_no_temporary_left(tmp_path):
    network = _network()
    network.save(tmp_path / "model", metadata={})  # no ".npz" appended
    network.save(str(tmp_path / "model"))  # overwriting works too
    assert os.listdir(tmp_path) == ["model"]
    assert Network.load(tmp_path / "model").metadata == {}


def test_save_defaults_to_the_network_metadata(tmp_path):
    network = _network()
    network.metadata = {"note": "from the attribute"}
    network.save(tmp_path / "model.npz")
    assert Network.load(tmp_path / "model.npz").metadata == {"note": "from the attribute"}


def test_failed_save_leaves_the_old_file_intact_and_no_temporary(tmp_path):
    path = tmp_path / "model.npz"
    _network().save(path, metadata={"version": "old"})
    with pytest.raises(ClimannError, match="JSON-serialisable"):
        _network().save(path, metadata={"array": np.ones(3)})
    assert os.listdir(tmp_path) == ["model.npz"]
    assert Network.load(path).metadata == {"version": "old"}


def test_write_interrupted_midway_leaves_no_partial_file(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    _network().save(path, metadata={"version": "old"})

    def disk_full(handle, **arrays):
        handle.write(b"PK\x03\x04 half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.np, "savez", disk_full)
    with pytest.raises(ClimannError, match=r"cannot write model file .*No space left"):
        _network().save(path, metadata={"version": "new"})
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["model.npz"]
    assert Network.load(path).metadata == {"version": "old"}


def test_metadata_must_be_a_dict(tmp_path):
    with pytest.raises(ClimannError, match="metadata must be a dict"):
        _network().save(tmp_path / "model.npz", metadata=["not", "a", "dict"])
    assert os.listdir(tmp_path) == []


def test_save_into_missing_directory(tmp_path):
    with pytest.raises(ClimannError, match="cannot write model file"):
        _network().save(tmp_path / "missing" / "model.npz")


# Each writer makes one kind of bad file at `path`, starting from `good`, the bytes of a valid file.


def _arrays_of(good):
    with np.load(good, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _write_arrays(path, arrays):
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def _unknown_version(good, path):
    arrays = _arrays_of(good)
    header = json.loads(str(arrays["metadata"]))
    header["format_version"] = 2
    arrays["metadata"] = np.array(json.dumps(header))
    _write_arrays(path, arrays)


def _missing_array(good, path):
    arrays = _arrays_of(good)
    del arrays["weight_1"]
    _write_arrays(path, arrays)


def _wrong_shape(good, path):
    arrays = _arrays_of(good)
    arrays["bias_2"] = np.zeros(3, dtype=np.float32)
    _write_arrays(path, arrays)


def _missing_metadata(good, path):
    arrays = _arrays_of(good)
    del arrays["metadata"]
    _write_arrays(path, arrays)


def _corrupt_json(good, path):
    arrays = _arrays_of(good)
    arrays["metadata"] = np.array("{not json")
    _write_arrays(path, arrays)


def _text_file(good, path):
    path.write_text("layer_sizes: [3, 5, 4, 2]\n")


def _truncated(good, path):
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _npy_file(good, path):
    with open(path, "wb") as handle:
        np.save(handle, np.ones(3))


def _pickled_object(good, path):
    with open(path, "wb") as handle:
        np.savez(handle, metadata=np.array([{"a": 1}], dtype=object))


BAD_FILES = [
    pytest.param(_unknown_version, r"format_version 2.*reads only version 1", id="unknown-version"),
    pytest.param(_missing_array, r"array 'weight_1' is missing", id="missing-array"),
    pytest.param(_wrong_shape, r"'bias_2' has shape \(3,\).*need \(2,\)", id="wrong-shape"),
    pytest.param(_missing_metadata, r"lacks the 'metadata'", id="missing-metadata"),
    pytest.param(_corrupt_json, r"not valid JSON", id="corrupt-json"),
    pytest.param(_text_file, r"not a climann model file: expected an .npz", id="not-npz"),
    pytest.param(_truncated, r"not a climann model file: expected an .npz", id="truncated"),
    pytest.param(_npy_file, r"not a climann model file: expected an .npz", id="npy"),
    pytest.param(_pickled_object, r"not a readable climann model file", id="pickle"),
]


@pytest.mark.parametrize("make_bad_file, message", BAD_FILES)
def test_bad_files_raise_one_line_errors(tmp_path, make_bad_file, message):
    good = tmp_path / "good.npz"
    _network().save(good, metadata=METADATA)
    bad = tmp_path / "bad.npz"
    make_bad_file(good, bad)
    with pytest.raises(ClimannError, match=message) as error:
        Network.load(bad)
    assert "\n" not in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(ClimannError, match=r"model file .*nowhere.npz not found"):
        Network.load(tmp_path / "nowhere.npz")


def test_activation_parameters_round_trip(tmp_path):
    network = Network(
        [3, 4, 4, 1],
        activation=["leaky_relu(0.2)", "elu(0.5)"],
        output_activation="leaky_relu(0.3)",
    )
    path = tmp_path / "model.npz"
    network.save(path)
    with np.load(path, allow_pickle=False) as archive:
        header = json.loads(str(archive["metadata"]))
    assert header["activations"] == ["leaky_relu(0.2)", "elu(0.5)"]
    assert header["output_activation"] == "leaky_relu(0.3)"
    loaded = Network.load(path)
    assert [a.spec for a in loaded.activations] == ["leaky_relu(0.2)", "elu(0.5)"]
    assert loaded.activations[0].slope == 0.2 and loaded.output_activation.slope == 0.3
    X = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_array_equal(loaded.predict(X), network.predict(X))


def _bad_activation(good, path):
    arrays = _arrays_of(good)
    header = json.loads(str(arrays["metadata"]))
    header["activations"] = ["tanh", "leaky_relu(-1)"]
    arrays["metadata"] = np.array(json.dumps(header))
    _write_arrays(path, arrays)


def test_bad_activation_in_a_file_names_the_file(tmp_path):
    good, bad = tmp_path / "good.npz", tmp_path / "bad.npz"
    _network().save(good)
    _bad_activation(good, bad)
    with pytest.raises(ClimannError, match=r"bad\.npz: leaky_relu slope must be"):
        Network.load(bad)


def test_loaded_parameters_are_views_into_one_vector(tmp_path):
    _network().save(tmp_path / "model.npz")
    loaded = Network.load(tmp_path / "model.npz")
    assert all(np.shares_memory(p, loaded.parameter_vector) for p in loaded.parameters())
