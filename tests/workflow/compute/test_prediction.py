"""Tests for climann/workflow/compute/prediction.py: predictions written chunk by chunk equal those in memory."""

import numpy as np
import pytest
import xarray as xr

from climann.workflow.config import ComputeConfig, build_config
from climann.errors import ClimannError
from climann.workflow.pipeline import run_training
from climann.workflow.predict import evaluate_run, predict_files

TIME = xr.coders.CFDatetimeCoder(use_cftime=True)


@pytest.fixture(scope="module")
def trained(tiny_file, tmp_path_factory):
    config = build_config({"data": {"paths": [str(tiny_file)]}, "model": {"hidden": [8]}, "training": {"epochs": 2},
                           "evaluation": {"figures": False}})  # its model and config are used, not its figures
    return run_training(config, run_dir=tmp_path_factory.mktemp("prediction") / "run").run_dir


def _plain(attrs):
    """Attributes with arrays (flag_values) as lists, to compare them with ==."""
    return {key: value.tolist() if isinstance(value, np.ndarray) else value for key, value in attrs.items()}


def _assert_same_files(chunked_path, in_memory_path, *, engine=None):
    with xr.open_dataset(chunked_path, decode_times=TIME, engine=engine) as chunked, \
            xr.open_dataset(in_memory_path, decode_times=TIME) as in_memory:
        assert sorted(chunked.data_vars) == sorted(in_memory.data_vars)
        assert {**chunked.attrs, "history": ""} == {**in_memory.attrs, "history": ""}
        for name, variable in in_memory.variables.items():
            assert chunked[name].dims == variable.dims, name
            np.testing.assert_equal(chunked[name].attrs, variable.attrs, err_msg=name)  # flag_values: arrays
            if variable.dtype.kind == "f":
                np.testing.assert_array_equal(np.isnan(chunked[name].values), np.isnan(variable.values))
                # to float32 rounding of values near 300 K (an ulp is 3e-5): the in-memory path
                # rounds its prediction to float32 before taking the error, this one after
                np.testing.assert_allclose(chunked[name].values, variable.values, rtol=2e-6, atol=6e-5, err_msg=name)
            else:
                np.testing.assert_array_equal(chunked[name].values, variable.values)
        assert chunked["time"].encoding["calendar"] == in_memory["time"].encoding["calendar"]
        assert chunked["time"].encoding["units"] == in_memory["time"].encoding["units"]


@pytest.mark.parametrize(
    ("compute", "name"),
    [pytest.param("cluster", "chunked.nc", id="netcdf-on-the-cluster"),
     pytest.param(None, "chunked.zarr", id="zarr-in-local-threads"),
     pytest.param("cluster", "chunked.zarr", id="zarr-on-the-cluster")],
)
def test_predictions_written_chunk_wise_equal_the_in_memory_ones(trained, tiny_file, cluster, tmp_path, compute, name):
    settings = ComputeConfig(scheduler=cluster.scheduler_address) if compute else None
    in_memory = predict_files(trained, [str(tiny_file)], tmp_path / "in_memory.nc")
    chunked = predict_files(trained, [str(tiny_file)], tmp_path / name, compute=settings)
    assert chunked.n_samples == in_memory.n_samples
    # the val and test years lie partly outside the training block's range: counted alike
    assert in_memory.extrapolation["fraction"] > 0
    assert chunked.extrapolation == in_memory.extrapolation
    # The in-memory path unscales in float32, the chunk-wise one in float64 (as training's evaluation).
    assert chunked.scores == pytest.approx(in_memory.scores, rel=1e-5, abs=1e-5)
    _assert_same_files(chunked.path, in_memory.path, engine="zarr" if name.endswith(".zarr") else None)
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]  # no temporary left


def test_a_zarr_store_is_replaced_whole_with_overwrite(trained, tiny_file, tmp_path):
    store = tmp_path / "out.zarr"
    predict_files(trained, [str(tiny_file)], store)  # climann's own store
    (store / "stale").write_text("from an older store")
    with pytest.raises(ClimannError, match="exists; choose another file or pass --overwrite"):
        predict_files(trained, [str(tiny_file)], store)
    assert (store / "stale").exists()
    predict_files(trained, [str(tiny_file)], store, overwrite=True)
    assert not (store / "stale").exists() and (store / "tas_pred").is_dir()


def test_a_zarr_store_climann_did_not_write_is_never_replaced(trained, tiny_file, tmp_path):
    store = tmp_path / "theirs.zarr"
    xr.Dataset({"tas": ("x", [280.0])}, attrs={"source": "a reanalysis"}).to_zarr(store, consolidated=False)
    with pytest.raises(ClimannError, match="theirs.zarr was not written by climann"):
        predict_files(trained, [str(tiny_file)], store, overwrite=True)
    assert (store / "tas").is_dir()


def test_a_folder_named_zarr_that_is_no_store_is_never_replaced(trained, tiny_file, tmp_path):
    folder = tmp_path / "mine.zarr"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ClimannError, match="is a directory"):
        predict_files(trained, [str(tiny_file)], folder, overwrite=True)
    assert (folder / "notes.txt").read_text() == "mine"


def test_chunk_wise_predictions_without_the_target(trained, tiny_file, cluster, tmp_path):
    with xr.open_dataset(tiny_file) as source:
        source.drop_vars("tas").to_netcdf(tmp_path / "no_target.nc")
    result = predict_files(trained, [str(tmp_path / "no_target.nc")], tmp_path / "out.nc",
                           compute=ComputeConfig(scheduler=cluster.scheduler_address))
    with xr.open_dataset(result.path) as predictions:
        assert "tas_pred" in predictions and "tas" not in predictions and "tas_error" not in predictions
        assert np.isfinite(predictions["tas_pred"].values).all()
    assert result.scores is None


@pytest.mark.parametrize("other_data", [pytest.param(False, id="own-data"), pytest.param(True, id="other-data")])
def test_evaluation_on_the_cluster_equals_the_evaluation_in_memory(trained, tiny_file, cluster, tmp_path, other_data):
    data = [str(tiny_file)] if other_data else None
    in_memory = evaluate_run(trained, data, tmp_path / "in_memory")
    on_cluster = evaluate_run(trained, data, tmp_path / "cluster", compute=ComputeConfig(scheduler=cluster.scheduler_address))
    assert list(on_cluster) == list(in_memory)
    assert on_cluster["n_samples"] == in_memory["n_samples"] and on_cluster["n_dropped"] == in_memory["n_dropped"]
    assert on_cluster.get("extrapolation") == in_memory.get("extrapolation")  # other data only
    assert ("extrapolation" in in_memory) == other_data
    for block, models in in_memory["splits"].items():
        assert list(on_cluster["splits"][block]) == list(models)
        for name, scores in models.items():
            cluster_scores = on_cluster["splits"][block][name]
            assert cluster_scores.keys() == scores.keys()
            undefined = {key for key, value in scores.items() if value is None}  # climatology's ACC: null
            assert {key for key, value in cluster_scores.items() if value is None} == undefined, (block, name)
            assert ({key: cluster_scores[key] for key in scores if key not in undefined}
                    == pytest.approx({key: value for key, value in scores.items() if key not in undefined},
                                     rel=1e-6, abs=1e-9)), (block, name)
    assert on_cluster.get("score_notes") == in_memory.get("score_notes")
    _assert_same_files(tmp_path / "cluster" / "predictions.nc", tmp_path / "in_memory" / "predictions.nc")


def test_a_zarr_store_without_zarr_installed_is_one_error(trained, tiny_file, tmp_path, monkeypatch):
    import importlib.util

    from climann.errors import ClimannError

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None if name == "zarr" else real(name, *args))
    with pytest.raises(ClimannError, match=r"needs the zarr package: pip install 'climann\[zarr\]'"):
        predict_files(trained, [str(tiny_file)], tmp_path / "out.zarr")
    assert not (tmp_path / "out.zarr").exists()


def test_predict_and_evaluate_on_a_cluster_from_the_command_line(trained, tiny_file, cluster, tmp_path):
    from typer.testing import CliRunner

    from climann.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["predict", str(trained), "--data", str(tiny_file), "--out", str(tmp_path / "p.zarr"),
                                 "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and (tmp_path / "p.zarr" / "tas_pred").is_dir()
    result = runner.invoke(app, ["evaluate", str(trained), "--out", str(tmp_path / "again"),
                                 "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again" / "metrics.json").is_file()
    result = runner.invoke(app, ["predict", str(trained), "--data", str(tiny_file), "--out", str(tmp_path / "x.nc"),
                                 "--workers", "-1"])
    assert result.exit_code == 2 and "workers must be ≥ 0" in result.output


@pytest.fixture(scope="module")
def sea_run(tmp_path_factory):
    from tests.workflow.test_target_cells import trained_sea_run

    return trained_sea_run(tmp_path_factory.mktemp("sea"))


@pytest.mark.parametrize("with_target", [pytest.param(True, id="data-with-the-target"),
                                         pytest.param(False, id="data-without-it")])
def test_predictions_on_the_cluster_leave_out_where_the_target_never_exists(sea_run, cluster, tmp_path, with_target):
    from tests.workflow.test_target_cells import by_hand, land_mask, sea_dataset

    _, run_dir = sea_run
    data = sea_dataset() if with_target else sea_dataset().drop_vars("tas")
    data.to_netcdf(tmp_path / "new.nc")
    result = predict_files(run_dir, [str(tmp_path / "new.nc")], tmp_path / "out.nc",
                           compute=ComputeConfig(scheduler=cluster.scheduler_address))
    with xr.open_dataset(result.path) as predictions:
        predicted = predictions["tas_pred"].values
    land = land_mask()
    np.testing.assert_array_equal(np.isnan(predicted), np.broadcast_to(land, predicted.shape))
    np.testing.assert_allclose(predicted[:, ~land], by_hand(run_dir, data["pred"].values)[:, ~land], rtol=2e-6)
    assert result.n_samples == 36 * 16 and len(result.notes) == 1


def test_negative_predictions_written_chunk_wise_are_counted_in_the_writing_pass_and_warned(tmp_path, caplog):
    """break22c F2 on the streamed and cluster routes: the counts are computed with the file."""
    from climann.evaluation.predictions import predictions_dataset
    from climann.workflow.compute.prediction import write_dataset
    from tests.evaluation.test_predictions import PR_ATTRS, negative_predictions_case

    layout, truth, predicted = negative_predictions_case(PR_ATTRS, -2e-6)
    dataset = predictions_dataset(layout, truth, predicted, [""] * layout.shape[0], history="test").chunk({"time": 4})
    with caplog.at_level("WARNING", logger="climann"):
        write_dataset(dataset, tmp_path / "predictions.nc", layout)
    warned = [record.getMessage() for record in caplog.records if "negative" in record.getMessage()]
    assert len(warned) == 1 and warned[0].startswith(f"25 % of the predicted tas ({predicted.size // 4} of "
                                                     f"{predicted.size} values, down to -2e-06 kg m-2 s-1)")
    with xr.open_dataset(tmp_path / "predictions.nc") as written:
        assert int((written["tas_pred"] < 0).sum()) == predicted.size // 4


def test_a_string_coordinate_is_written_to_zarr_as_utf8_text_without_zarr_warnings(trained, tiny_file, tmp_path):
    """A Pangeo store's ``member_id`` (a dimension of length 1, a scalar coordinate of the
    predictions) was written to the Zarr 3 store as fixed-length bytes, and zarr printed its raw
    ``UnstableSpecificationWarning … NullTerminatedBytes`` (break29b A8)."""
    import warnings

    import zarr

    with xr.open_dataset(tiny_file) as source:
        dataset = source.load()
    dataset = dataset.assign({name: variable.expand_dims(member_id=["r1i1p1f1"])
                              for name, variable in dataset.data_vars.items() if "time" in variable.dims})
    dataset.to_netcdf(member_file := tmp_path / "member.nc")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = predict_files(trained, [str(member_file)], tmp_path / "pred.zarr")
    assert [str(warning.message) for warning in caught if "zarr" in (warning.filename + str(warning.message)).lower()
            or warning.category.__name__ == "UnstableSpecificationWarning"] == []
    group = zarr.open_group(written.path, mode="r", use_consolidated=False)
    assert group["member_id"].metadata.to_dict()["data_type"] == "string"  # variable-length UTF-8 (Zarr 3)
    assert group["member_id"][...] == "r1i1p1f1"
    with xr.open_dataset(written.path, engine="zarr") as store, xr.open_dataset(
            predict_files(trained, [str(member_file)], tmp_path / "pred.nc").path) as netcdf:
        assert store["member_id"].item() == netcdf["member_id"].item() == "r1i1p1f1"
        np.testing.assert_allclose(store["tas_pred"].values, netcdf["tas_pred"].values, rtol=2e-6, atol=6e-5)


def test_the_chunks_series_come_back_joined_by_one_task_whatever_their_number():
    """Each series (area means, counts) as a dask array of its own cost ≈ 8 tasks per chunk and
    name (250 of a sample run's 470): they are joined by one task, equal to each chunk's series
    computed here and concatenated, and the graph does not grow with the series (with the
    training ranges, 2 + 3 × n_features more)."""
    import dask

    from climann.data.pointwise import PointwiseSource
    from climann.data.scaling import Standardizer
    from climann.model import Network
    from climann.workflow.compute.evaluation import ChunkEvaluation, evaluate_chunk
    from climann.workflow.compute.prediction import chunked_grids
    from tests.conftest import grid_dataset

    source = PointwiseSource(grid_dataset(n_years=2), target="tas", predictors=("pred",), features=())
    samples = source.read(0, source.n_time)
    input_scaler = Standardizer.fit(samples.inputs, ("pred",))
    blocks = [(start, min(start + 5, source.n_time)) for start in range(0, source.n_time, 5)]

    def context(ranges):
        return ChunkEvaluation(source, Network([1, 3, 1], seed=0), input_scaler,
                               Standardizer.fit(samples.target, ("tas",)), ("model",),
                               np.zeros(source.n_time, dtype=np.int64), 1, ranges=ranges)

    sizes = []
    for ranges in (None, input_scaler.range_dict()):
        _, _, series = chunked_grids(context(ranges), blocks)
        sizes.append(len(series.__dask_graph__()))
        (joined,) = dask.compute(series, scheduler="synchronous")
        parts = [evaluate_chunk(context(ranges), start, stop)[2] for start, stop in blocks]
        assert sorted(joined) == sorted(parts[0]) and len(joined) == (4 if ranges is None else 9)
        for name, values in joined.items():
            np.testing.assert_array_equal(values, np.concatenate([part[name] for part in parts]), err_msg=name)
    assert sizes[0] == sizes[1]
