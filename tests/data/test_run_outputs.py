"""climann's own outputs found in data: a predictions file's variables, a run directory."""

import numpy as np
import pytest

from climann.data.run_outputs import refuse_run_directory, run_outputs
from climann.errors import ClimannError
from tests.conftest import grid_dataset, write_climann_file


def predictions_like(*, title: bool = True, labelled: bool = True):
    """A predictions file of tas as climann writes it: the truth, the prediction, its error, a
    baseline and the split; ``title``/``labelled``: with climann's global title, with the
    prediction's long_name (a tool may drop either)."""
    data = grid_dataset(n_years=3)
    tas = data["tas"]
    predicted = tas + 0.5
    dataset = data[["tas"]].assign(
        tas_pred=predicted.assign_attrs(long_name="Near-Surface Air Temperature" + (
            " predicted by climann" if labelled else " forecast")),
        tas_error=(predicted - tas).assign_attrs(long_name="prediction error"),
        tas_climatology=tas.mean("time").broadcast_like(tas),
        split=("time", np.repeat(np.array([1, 2, 3], dtype=np.int8), 12),
               {"flag_values": np.array([1, 2, 3], dtype=np.int8), "flag_meanings": "train val test"}),
    )
    dataset.attrs = {"title": "climann predictions of tas", "source": "climann 0.1.0"} if title else {}
    return dataset


@pytest.mark.parametrize(("dataset", "expected"), [
    pytest.param(predictions_like(), {"tas_pred": "tas", "tas_error": "tas", "tas_climatology": "tas", "split": "tas"},
                 id="predictions-file"),
    pytest.param(predictions_like(title=False), {"tas_pred": "tas", "tas_error": "tas", "tas_climatology": "tas",
                                                 "split": "tas"}, id="global-attributes-dropped"),
    pytest.param(predictions_like(title=False, labelled=False), {}, id="data-with-a-variable-named-pred"),
    pytest.param(grid_dataset(), {}, id="ordinary-data"),
])
def test_climanns_outputs_are_found_by_its_marks_only(dataset, expected):
    assert run_outputs(dataset) == expected


def test_a_run_directory_given_as_data_is_refused_naming_its_training_files(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.toml").write_text('[data]\npaths = ["/data/polar.nc"]\n[data.split_files]\ntrain = ["/data/a.nc"]\n')
    write_climann_file(run / "model.npz")  # climann's, by its content
    with pytest.raises(ClimannError, match=rf"^{run} is a climann run directory \(config.toml, model.npz\), not data: "
                       r"it was trained on /data/polar.nc, /data/a.nc \(its config.toml's \[data\] paths\): give those files "
                       rf"to `climann info`, or use the run: climann evaluate {run}, or climann predict {run} with --data and "
                       r"the files to predict from, --out and a new file for the predictions$"):
        refuse_run_directory(run)
    with pytest.raises(ClimannError, match=rf"^model.npz is a file of the climann run directory {run} \(config"):
        refuse_run_directory(run / "model.npz")  # not "decompress it first: unzip model.npz"
    np.savez(run / "model.npz", weights=np.ones(3))  # another program's model.npz beside a config.toml: no run
    refuse_run_directory(run)
    (run / "model.npz").unlink()  # a folder of data that happens to hold a config file is data
    refuse_run_directory(run)
    (tmp_path / "weights.npz").write_bytes(b"")  # an .npz outside a run directory is not looked at
    refuse_run_directory(tmp_path / "weights.npz")
