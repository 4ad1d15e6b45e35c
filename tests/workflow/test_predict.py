"""`climann predict`: a trained run applied to new files."""

import datetime
import json
import logging
import os
import re
import shutil

import numpy as np
import pytest
import xarray as xr

from climann.workflow.config import build_config
from climann.data.sample_data import write_sample_dataset
from climann.errors import ClimannError
from climann.evaluation.predictions import split_labels
from climann.workflow.pipeline import run_training
from climann.workflow.predict import load_run, predict_files, require_scored_target
from climann.workflow.preparation import resolve_inputs
from tests.followed_twice import one_copy, run_one_copy, without_guards
from tests.conftest import draw_no_run_figures, run_written_before, without_model_record

TIME = xr.coders.CFDatetimeCoder(use_cftime=True)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("predict")
    sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=3)
    config = build_config({"data": {"paths": [str(sample)]}, "model": {"hidden": [8]}, "training": {"epochs": 2},
                           "evaluation": {"figures": False}})  # predict and evaluate read its model and scores only
    run = run_training(config, run_dir=folder / "run")
    return folder, sample, run.run_dir


def test_predicting_the_training_data_reproduces_the_runs_predictions(trained):
    folder, sample, run_dir = trained
    result = predict_files(run_dir, [str(sample)], folder / "again.nc")
    with xr.open_dataset(result.path, decode_times=TIME) as again, xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as original:
        np.testing.assert_allclose(again["tas_pred"].values, original["tas_pred"].values, rtol=1e-5)
        assert again["time"].encoding["calendar"] == "noleap"
    assert result.scores is not None and result.notes == []


@pytest.mark.parametrize("as_given", [pytest.param(str, id="str"), pytest.param(lambda path: path, id="Path")])
def test_one_file_given_alone_predicts_and_evaluates_as_a_list_of_it(trained, tmp_path, as_given):
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    alone = predict_files(run_dir, as_given(sample), tmp_path / "alone.nc")
    listed = predict_files(run_dir, [str(sample)], tmp_path / "listed.nc")
    with xr.open_dataset(alone.path) as one, xr.open_dataset(listed.path) as other:
        np.testing.assert_array_equal(one["tas_pred"].values, other["tas_pred"].values)
    scored = evaluate_run(run_dir, as_given(sample), tmp_path / "scored")
    assert scored["splits"]["all"]["model"]["mse"] == pytest.approx(alone.scores["mse"], rel=1e-6)


def test_a_dataset_given_as_files_is_refused_naming_its_type(trained, tmp_path):
    _, sample, run_dir = trained
    with xr.open_dataset(sample) as dataset, pytest.raises(ClimannError, match="data_paths must be a file name "
                                                           "\\(str or pathlib.Path\\) or a list of them; got type xarray"):
        predict_files(run_dir, dataset, tmp_path / "p.nc")


def test_predict_and_evaluate_outputs_keep_the_inputs_cf_metadata(trained, tmp_path):
    import re

    from climann.evaluation.predictions import split_labels
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    predicted = predict_files(run_dir, [str(sample)], tmp_path / "predicted.nc").path
    evaluate_run(run_dir, [str(sample)], tmp_path / "other")
    with xr.open_dataset(sample, decode_times=TIME) as source:
        for path, command in ((predicted, "climann predict"), (tmp_path / "other" / "predictions.nc", "climann evaluate")):
            with xr.open_dataset(path, decode_times=TIME) as output:
                assert output["tas_pred"].attrs["cell_methods"] == source["tas"].attrs["cell_methods"]
                assert float(output["height"]) == 2.0 and "height" in output["tas_pred"].coords
                for name in ("time_bnds", "lat_bnds", "lon_bnds"):
                    np.testing.assert_array_equal(output[name].values, source[name].values)
                first, *rest = output.attrs["history"].split("\n")
                assert re.fullmatch(rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ: {command} .*", first)
                assert rest == source.attrs["history"].split("\n")
                if command == "climann evaluate":  # the whole period, one block
                    assert set(split_labels(output["split"])) == {"all"} and output["split"].dtype == np.int8
                else:
                    assert "split" not in output


def test_data_without_the_target_get_predictions_only(trained, tmp_path):
    _, sample, run_dir = trained
    with xr.open_dataset(sample) as source:
        source.drop_vars("tas").to_netcdf(tmp_path / "no_target.nc")
    result = predict_files(run_dir, [str(tmp_path / "no_target.nc")], tmp_path / "out.nc")
    with xr.open_dataset(result.path) as predictions:
        assert "tas_pred" in predictions and "tas" not in predictions and "tas_error" not in predictions
        assert predictions["tas_pred"].attrs["units"] == "K"
        # the run's target, not the predictor whose grid stood in for it (toa_incoming_shortwave_flux)
        assert predictions["tas_pred"].attrs["standard_name"] == "air_temperature"
    assert result.scores is None


def test_a_scalar_member_label_of_data_without_the_target_reaches_the_predictions_as_height_does(trained, tmp_path):
    """A scalar ``member_id`` coordinate (CF 1.8 §5.7, listed by every variable as ``height``
    is) labels the predictions of that member also when the new data lack the target: the
    field standing in for the target dropped it, as another variable's, while ``height`` came
    back from the run's record of the target's level (with the target in the data, both
    reached predictions.nc already). The values are those of the same data without the label."""
    _, sample, run_dir = trained
    with xr.open_dataset(sample) as source:
        plain = source.drop_vars("tas").load()
    for variable in plain.variables.values():
        variable.encoding.pop("coordinates", None)  # xarray lists every scalar coordinate on every variable
    plain.to_netcdf(tmp_path / "plain.nc")
    plain.assign_coords(member_id=xr.Variable((), "r2i1p1f1")).to_netcdf(tmp_path / "member.nc")
    labelled = predict_files(run_dir, [str(tmp_path / "member.nc")], tmp_path / "labelled.nc")
    unlabelled = predict_files(run_dir, [str(tmp_path / "plain.nc")], tmp_path / "unlabelled.nc")
    with xr.open_dataset(labelled.path) as predictions, xr.open_dataset(unlabelled.path) as reference:
        assert predictions["member_id"].item() == "r2i1p1f1"
        assert predictions["height"].item() == reference["height"].item() == 2.0
        assert "member_id" in predictions["tas_pred"].encoding["coordinates"].split()
        assert "member_id" not in reference.variables
        np.testing.assert_array_equal(predictions["tas_pred"].values, reference["tas_pred"].values)


@pytest.mark.parametrize(
    ("run", "options"),
    [
        pytest.param("trained", [], id="pointwise"),
        pytest.param("trained", ["--workers", "1"], id="pointwise-cluster"),
        pytest.param("field_run", [], id="field"),
    ],
)
def test_evaluate_on_data_without_the_target_exits_2_naming_it_and_predict(request, tmp_path, capfd, monkeypatch,
                                                                           run, options):
    from tests.console import run_main

    _, sample, run_dir = request.getfixturevalue(run)
    with xr.open_dataset(sample) as source:
        source.drop_vars("tas").to_netcdf(tmp_path / "no_target.nc")
    result = run_main("evaluate", run_dir, "--data", tmp_path / "no_target.nc", "--out", tmp_path / "scores", *options,
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "climann: error: evaluate --data needs the target 'tas' in the data to score against (no_target.nc holds "
        "rsdt, orog, sftlf, clt, mrso); add it, or use `climann predict` for predictions without scores"
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["no_target.nc"]


def test_evaluate_on_data_holding_the_target_under_another_name_offers_the_rename_that_scores(trained, tmp_path, capfd,
                                                                                            monkeypatch):
    """break53b A4: CHIRPS's ``precip`` for an E-OBS run's ``rr`` was refused with "add it" alone; the one variable
    that is no predictor of the run is offered as the target by --rename, which, given as printed, scores: the
    truth in its predictions is the file's own field."""
    from tests.console import run_main

    _, sample, run_dir = trained
    with xr.open_dataset(sample) as source:
        renamed = source.rename_vars({"tas": "t_obs"})
        renamed["t_obs"].attrs.pop("standard_name", None)  # not told by its standard_name (CHIRPS's is no CF one)
        renamed.to_netcdf(tmp_path / "other_name.nc")
        truth = source["tas"].values
    result = run_main("evaluate", run_dir, "--data", tmp_path / "other_name.nc", "--out", tmp_path / "scores",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert ("; if 't_obs' is 'tas' under another name, give --rename other_name.nc:t_obs=tas; add it, or use "
            "`climann predict`") in result.stderr
    rename = re.search(r"give --rename (\S+);", result.stderr)[1]
    result = run_main("evaluate", run_dir, "--data", tmp_path / "other_name.nc", "--rename", rename,
                      "--out", tmp_path / "scores", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    with xr.open_dataset(tmp_path / "scores" / "predictions.nc") as scored:
        np.testing.assert_allclose(scored["tas"].transpose(*source["tas"].dims).values, truth, rtol=1e-6)


@pytest.mark.parametrize(("files", "where"), [
    pytest.param(["/d/a.nc"], "a.nc holds", id="one"),
    pytest.param(["a.nc", "b.nc", "c.nc", "d.nc"], "a.nc, b.nc, c.nc and 1 more file hold", id="four"),
    pytest.param(["a.nc", "b.nc", "c.nc", "d.nc", "e.nc"], "a.nc, b.nc, c.nc and 2 more files hold", id="five"),
])
def test_data_without_the_target_are_named_in_one_grammatical_line(files, where):
    """break23a F7: "… and 1 more files holds air, precip"."""
    data = xr.Dataset({"precip": (("lat",), np.ones(2, dtype="f4"))})
    with pytest.raises(ClimannError) as error:
        require_scored_target(data, "air", files)
    assert f"to score against ({where} precip); add it" in str(error.value)


def test_celsius_is_converted_and_another_grid_is_noted(trained, tmp_path, caplog):
    _, _, run_dir = trained
    other = write_sample_dataset(tmp_path / "coarse.nc", years=2, resolution=30.0, seed=4)
    with xr.open_dataset(other) as source:
        celsius = source.assign(tas=(source["tas"] - 273.15).assign_attrs({**source["tas"].attrs, "units": "degC"}))
        celsius.to_netcdf(tmp_path / "celsius.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(run_dir, [str(tmp_path / "celsius.nc")], tmp_path / "out.nc")
    assert "'tas' in celsius.nc converted from degC to K" in caplog.text
    assert any("grid differs from the training grid (12×24, lat -82.5…82.5, lon 7.5…352.5 → 6×12, lat -75…75, "
               "lon 15…345)" in note for note in result.notes), result.notes
    with xr.open_dataset(result.path) as predictions:
        assert float(predictions["tas"].mean()) > 200  # in K


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(lambda d: d.drop_vars("clt"), "variable 'clt' not in changed.nc; available: tas, rsdt", id="missing-feature"),
        pytest.param(lambda d: d.assign(tas=d["tas"].assign_attrs(units="furlongs")), "'tas' is in 'furlongs' in changed.nc but in 'K' in the model's training data", id="units"),
    ],
)
def test_bad_prediction_inputs(trained, tmp_path, change, message):
    _, sample, run_dir = trained
    with xr.open_dataset(sample) as source:
        change(source.load()).to_netcdf(tmp_path / "changed.nc")
    with pytest.raises(ClimannError, match=message):
        predict_files(run_dir, [str(tmp_path / "changed.nc")], tmp_path / "out.nc")
    assert not (tmp_path / "out.nc").exists()


def test_not_a_run_directory(tmp_path):
    with pytest.raises(ClimannError, match="is empty, not a climann run directory; give a directory written by climann"):
        predict_files(tmp_path, ["x.nc"], tmp_path / "out.nc")
    (tmp_path / "provenance.json").write_text('{"climann_version": "0.1.0"}')  # a run, by content, but not finished
    with pytest.raises(ClimannError, match="not a finished climann run: config.toml, model.npz missing"):
        predict_files(tmp_path, ["x.nc"], tmp_path / "out.nc")


def test_evaluate_on_its_own_data_reproduces_the_training_scores(trained, tmp_path):
    import json

    from climann.workflow.predict import evaluate_run

    _, _, run_dir = trained
    original = json.loads((run_dir / "metrics.json").read_text())
    rescored = evaluate_run(run_dir, out=tmp_path / "again")
    for split in ("train", "val", "test"):
        for name in ("model", "linear", "climatology", "persistence"):
            assert rescored["splits"][split][name]["mse"] == pytest.approx(original["splits"][split][name]["mse"], rel=1e-6)
            for season in ("DJF", "MAM", "JJA", "SON"):
                assert rescored["seasons"][split][season][name]["mse"] == pytest.approx(
                    original["seasons"][split][season][name]["mse"], rel=1e-6)
            for region in original["region_definitions"]:
                assert rescored["regions"][split][region][name]["mse"] == pytest.approx(
                    original["regions"][split][region][name]["mse"], rel=1e-6)
    assert (tmp_path / "again" / "predictions.nc").exists() and (tmp_path / "again" / "report.md").exists()
    assert "## The test block by region" in (tmp_path / "again" / "report.md").read_text()


def test_evaluate_on_a_streamed_runs_own_data_scores_chunk_by_chunk_as_it_trained(trained, tmp_path, monkeypatch):
    import json

    import climann.workflow.preparation as preparation
    from climann.workflow.predict import evaluate_run

    _, sample, _ = trained
    config = build_config({"data": {"paths": [str(sample)], "in_memory_limit_gb": 2e-4},  # ≈ 0.2 MB: streams
                           "model": {"hidden": [8]}, "training": {"epochs": 2}})
    draw_no_run_figures(monkeypatch)  # its scores are compared, not its figures
    run_dir = run_training(config, run_dir=tmp_path / "streamed").run_dir
    original = json.loads((run_dir / "metrics.json").read_text())

    def never(*args, **kwargs):
        raise AssertionError("a streamed run's data must not be read into memory")

    monkeypatch.setattr(preparation, "prepared_with_scalers", never)
    rescored = evaluate_run(run_dir, out=tmp_path / "again")
    original.pop("figures_every_nth_test_year", None)  # the run's figures, not a score
    assert rescored["evaluated_every_nth_time_step"] == 1  # every step, as the run's own metrics.json says
    assert rescored == original  # the same chunks, the same ordered sums: the same numbers
    with xr.open_dataset(tmp_path / "again" / "predictions.nc") as predictions:
        assert predictions.sizes["time"] == 48


def test_evaluate_on_other_data_scores_the_whole_period(trained, tmp_path):
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    metrics = evaluate_run(run_dir, [str(sample)], tmp_path / "other")  # the same file, as "other data"
    assert set(metrics["splits"]) == {"all"} and set(metrics["splits"]["all"]) == {"model", "persistence"}
    with xr.open_dataset(sample) as source:
        edges = np.deg2rad(source["lat_bnds"].values)
    band = np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        truth, predicted = predictions["tas"].values, predictions["tas_pred"].values
        present = np.isfinite(truth) & np.isfinite(predicted)  # the network: every value it predicts
        weights = np.broadcast_to(band[None, :, None], truth.shape)[present]
        hand = np.sum(weights * (predicted[present] - truth[present]) ** 2) / weights.sum()
    assert metrics["splits"]["all"]["model"]["mse"] == pytest.approx(hand, rel=1e-5)
    # seasons and regions of the one block: the four seasons' values are all the values
    assert sum(metrics["seasons"]["all"][season]["model"]["n_samples"] for season in ("DJF", "MAM", "JJA", "SON")) \
        == present.sum()
    assert set(metrics["regions"]["all"]) == {"tropics", "northern_extratropics", "southern_extratropics"}
    assert "## The all block by season" in (tmp_path / "other" / "report.md").read_text()
    assert metrics["n_samples"] == {"all": present.sum()} and metrics["splits"]["all"]["model"]["n_samples"] == present.sum()
    # persistence has no value at the first step (nothing before it): scored on the others
    assert metrics["splits"]["all"]["persistence"]["n_samples"] == present[1:].sum()
    assert "notes" not in metrics
    # no training years here to take anomalies from: the ACC is null, and the report says why
    assert all(scores["acc"] is None and scores["acc_uncentred"] is None
               for scores in metrics["splits"]["all"].values())
    assert {note["model"] for note in metrics["score_notes"]} == {"model", "persistence"}
    assert ("ACC and uncentred ACC of model and persistence undefined in the all block: there is no climatology of "
            "the training years") in (tmp_path / "other" / "report.md").read_text()
    with pytest.raises(ClimannError, match="needs --out DIR"):
        evaluate_run(run_dir, [str(sample)])



def _stamped_on_the_first(sample, path):
    """The sample's months as another archive holds them: stamped on the 1st, proleptic_gregorian
    (other dates and calendar, the same months), without time bounds."""
    import cftime

    with xr.open_dataset(sample, decode_times=TIME) as source:
        data = source.load().drop_vars("time_bnds", errors="ignore")
    data["time"].attrs.pop("bounds", None)
    firsts = [cftime.DatetimeProlepticGregorian(t.year, t.month, 1) for t in data["time"].values]
    data.assign_coords(time=("time", firsts, data["time"].attrs)).to_netcdf(path)
    return path


@pytest.mark.parametrize("copy", [pytest.param(None, id="the-runs-own-file"),
                                  pytest.param(_stamped_on_the_first, id="its-months-stamped-otherwise")])
def test_evaluate_on_data_of_the_runs_training_and_validation_years_warns_naming_them(trained, tmp_path, caplog,
                                                                                       copy):
    """Other data holding the months the run trained and validated on are no unseen data: one
    warning (and the report's note, metrics.json own_years_scored) names them, counted by hand
    from the run's predictions.nc, and the --time-range after them, which then scores without
    it (before: scored as "other data" without a word, break28b A6)."""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    data = str(sample if copy is None else copy(sample, tmp_path / "firsts.nc"))
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as run:
        labels, times = split_labels(run["split"]), run["time"].values
    months = {block: [(t.year, t.month) for t in times[labels == block]] for block in ("train", "val", "test")}
    assert months["test"] and min(months["test"]) > max(months["train"] + months["val"])
    (first, last), n_steps = (min(months["test"]), max(months["test"])), len(times)

    def years(block):  # "1980–1981", or "1982" for one year
        first_year, last_year = months[block][0][0], months[block][-1][0]
        return f"{first_year}" if first_year == last_year else f"{first_year}–{last_year}"

    def held(block, word):  # "training years 1980–1981", "validation year 1982": the steps counted, of those years
        return f"{word} year{'s' if '–' in years(block) else ''} {years(block)}"

    expected = (f"the scored block 'all' ({n_steps} steps) holds {len(months['train'])} steps of this run's "
                f"{held('train', 'training')} and {len(months['val'])} of its {held('val', 'validation')}: its scores "
                f"are not of unseen data; score the years after them with --time-range "
                f"{first[0]}-{first[1]:02d},{last[0]}-{last[1]:02d}")
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run_dir, [data], tmp_path / "all")
    assert [record.getMessage() for record in caplog.records if "of this run's" in record.getMessage()] == [expected]
    assert metrics["own_years_scored"]["train"] == {"n_steps": len(months["train"]), "years": years("train")}
    assert f"- {expected}" in (tmp_path / "all" / "report.md").read_text()
    caplog.clear()
    time_range = f"{first[0]}-{first[1]:02d},{last[0]}-{last[1]:02d}"
    with caplog.at_level(logging.WARNING, logger="climann"):
        unseen = evaluate_run(run_dir, [data], tmp_path / "test_years", time_range=time_range)
    assert not [record for record in caplog.records if "of this run's" in record.getMessage()]
    assert "own_years_scored" not in unseen and unseen["n_samples"]["all"] < metrics["n_samples"]["all"]
    # verify28 V7: data from the last training year on were said to hold the training years 1980–1993
    last_year = months["train"][-1][0]
    in_last = [month for month in months["train"] if month[0] == last_year]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        evaluate_run(run_dir, [data], tmp_path / "from_the_last_training_year",
                     time_range=f"{last_year}-01,{last[0]}-{last[1]:02d}")
    said = [record.getMessage() for record in caplog.records if "of this run's" in record.getMessage()]
    assert len(said) == 1 and f" holds {len(in_last)} steps of this run's training year {last_year}" in said[0], said

@pytest.fixture(scope="module")
def test_years_first(tmp_path_factory):
    """A run split by years whose test years come first: test 1980, val 1981, train 1982-1983."""
    folder = tmp_path_factory.mktemp("test_first")
    sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=5)
    config = build_config({"data": {"paths": [str(sample)], "split_years": {"train": [1982, 1983], "val": [1981, 1981],
                                                                             "test": [1980, 1980]}},
                           "model": {"hidden": [8]}, "training": {"epochs": 2}, "evaluation": {"figures": False}})
    return sample, run_training(config, run_dir=folder / "run").run_dir


def test_evaluate_on_a_run_whose_test_years_come_first_gives_the_time_range_of_its_test_years(test_years_first,
                                                                                             tmp_path, caplog):
    """verify28 V8: a run whose test years come first was told "give data of other years (the run's
    test years, or after them)": no --time-range, though the data held its test years, and the years
    after the test years are its validation years. Followed, the advice scores the run's own test
    block again: its test scores, and no warning."""
    from climann.workflow.predict import evaluate_run

    sample, run_dir = test_years_first
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run_dir, [str(sample)], tmp_path / "all")
    (said,) = [record.getMessage() for record in caplog.records if "training years" in record.getMessage()]
    assert said.endswith("its scores are not of unseen data; score its test years 1980 with --time-range "
                         "1980-01,1980-12")
    assert metrics["own_years_scored"]["test_time_range"] == "1980-01,1980-12"
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        unseen = evaluate_run(run_dir, [str(sample)], tmp_path / "test_years", time_range="1980-01,1980-12")
    assert not [record for record in caplog.records if "training years" in record.getMessage()]
    own = json.loads((run_dir / "metrics.json").read_text())["splits"]["test"]["model"]
    assert unseen["splits"]["all"]["model"]["mse"] == pytest.approx(own["mse"], rel=1e-6)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        evaluate_run(run_dir, [str(sample)], tmp_path / "own", time_range="1981-01,1983-12")
    (said,) = [record.getMessage() for record in caplog.records if "training years" in record.getMessage()]
    assert said.endswith("give data of other years than its training and validation years (its test years 1980)")


def test_times_in_cfs_abbreviation_predict_and_evaluate_as_in_the_full_word(trained, tmp_path):
    """'d since' (CF §4.4's abbreviation of days): evaluate --data exited 1 with xarray's
    KeyError 'ds' and left its --out folder empty; predict refused. Both now write the
    same dates, in 'days since', and score as on the file in full words."""
    import shutil

    import netCDF4

    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    abbreviated = shutil.copy(sample, tmp_path / "abbreviated.nc")
    with netCDF4.Dataset(abbreviated, "a") as raw:
        raw["time"].units = raw["time"].units.replace("days since", "d since")
    scores = evaluate_run(run_dir, [abbreviated], tmp_path / "abbreviated")["splits"]["all"]["model"]
    predicted = predict_files(run_dir, [abbreviated], tmp_path / "predicted.nc")
    assert scores == evaluate_run(run_dir, [str(sample)], tmp_path / "full")["splits"]["all"]["model"]
    assert predicted.scores["mse"] == pytest.approx(scores["mse"], rel=1e-6)
    with netCDF4.Dataset(sample) as original, netCDF4.Dataset(tmp_path / "full" / "predictions.nc") as full:
        assert full["time"].units.startswith("days since 1980-01-01")
        for written in (tmp_path / "abbreviated" / "predictions.nc", predicted.path):
            with netCDF4.Dataset(written) as raw:
                assert raw["time"].units == full["time"].units and raw["time"].calendar == "noleap"
                np.testing.assert_array_equal(raw["time"][:], original["time"][:])


def test_evaluate_on_other_data_checks_the_output_encoding_before_creating_its_folder(trained, tmp_path,
                                                                                      monkeypatch):
    """The check train and predict make before computing anything: evaluate --data made none,
    and failed writing predictions.nc after creating --out."""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    checked = []

    def refuse(layout, baselines=()):
        checked.append(list(baselines))
        raise ClimannError("predictions.nc could not be written")

    monkeypatch.setattr("climann.workflow.predict.check_predictions_encodable", refuse)
    with pytest.raises(ClimannError, match="could not be written"):
        evaluate_run(run_dir, [str(sample)], tmp_path / "new" / "scores")
    assert checked == [["persistence"]] and not (tmp_path / "new").exists()


def test_evaluate_leaves_no_folder_when_writing_its_files_fails(trained, tmp_path, monkeypatch):
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained

    def full_disk(*args, **kwargs):
        raise ClimannError("cannot write metrics file: No space left on device")

    monkeypatch.setattr("climann.workflow.predict.write_json", full_disk)
    with pytest.raises(ClimannError, match="No space left"):
        evaluate_run(run_dir, [str(sample)], tmp_path / "scores")
    assert not (tmp_path / "scores").exists()  # nor its predictions.nc, written before metrics.json


def test_other_data_of_part_of_their_years_are_named_by_their_dates_as_a_runs_blocks(trained, tmp_path):
    """March 1981 to February 1983 of the run's monthly data: the block 'all' was '1981–1983'
    in metrics.json and report.md, years the data do not cover whole."""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    metrics = evaluate_run(run_dir, [str(sample)], tmp_path / "part", time_range="1981-03,1983-02")
    assert metrics["split_periods"] == {"all": "1981-03 to 1983-02"}
    assert metrics["n_samples"]["all"] == metrics["splits"]["all"]["model"]["n_samples"]
    assert "1981-03 to 1983-02" in (tmp_path / "part" / "report.md").read_text()
    whole = evaluate_run(run_dir, [str(sample)], tmp_path / "whole", time_range="1981,1982")
    assert whole["split_periods"] == {"all": "1981–1982"}


def _persistence_by_hand(sample, first: str, last: str) -> tuple[int, float]:
    """The number of values and the area-weighted MSE of persistence over the months
    ``first``..``last`` of the sample, each forecast by the month before it in the file."""
    with xr.open_dataset(sample, decode_times=TIME) as source:
        months = source["tas"].values.astype(np.float64)
        chosen = np.flatnonzero([first <= f"{t.year:04d}-{t.month:02d}" <= last for t in source["time"].values])
        edges = np.deg2rad(source["lat_bnds"].values)
    truth, before = months[chosen], months[chosen - 1]
    weights = np.broadcast_to(np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))[None, :, None], truth.shape)
    return truth.size, float(np.sum(weights * (before - truth) ** 2) / weights.sum())


@pytest.mark.parametrize(("months", "period"), [
    pytest.param(("1981-07", "1981-07"), "1981-07", id="one-july"),
    pytest.param(("1981-07", "1981-08"), "1981-07 to 1981-08", id="july-and-august"),
    pytest.param(("1981-01", "1982-12"), "1981–1982", id="two-whole-years"),  # named without the month before
])
def test_persistence_of_the_first_month_of_time_range_is_the_month_before_in_the_file(trained, tmp_path, months,
                                                                                      period):
    """The step before --time-range is read for persistence (and lags) only: the first month
    has its forecast (June for one July, which had 'a single time step: no value one step
    earlier'; break20 F4), and every scored value is of the range."""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    metrics = evaluate_run(run_dir, [str(sample)], tmp_path / "part", time_range=",".join(months))
    assert metrics["split_periods"] == {"all": period}
    assert "notes" not in metrics
    n_values, mse = _persistence_by_hand(sample, *months)
    assert metrics["splits"]["all"]["model"]["n_samples"] == metrics["n_samples"]["all"] == n_values
    persistence = metrics["splits"]["all"]["persistence"]
    assert persistence["n_samples"] == n_values
    assert persistence["mse"] == pytest.approx(mse, rel=1e-6)
    with xr.open_dataset(tmp_path / "part" / "predictions.nc", decode_times=TIME) as predictions:
        labels = split_labels(predictions["split"])
        first = predictions["time"].values[0]
    assert labels[0] == "" and set(labels[1:]) == {"all"}  # the month before: read, in no block
    assert f"{first.year:04d}-{first.month:02d}" < months[0]


def test_the_first_month_of_the_file_as_time_range_has_no_persistence_and_says_why(trained, tmp_path):
    """No step before the file's first: one month is a single time step, as before."""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    with xr.open_dataset(sample, decode_times=TIME) as source:
        first = source["time"].values[0]
    month = f"{first.year:04d}-{first.month:02d}"
    metrics = evaluate_run(run_dir, [str(sample)], tmp_path / "first", time_range=f"{month},{month}")
    assert metrics["split_periods"] == {"all": month}
    assert set(metrics["splits"]["all"]) == {"model"}
    assert metrics["notes"] == [{"split": "all", "model": "persistence", "n_samples": 0,
                                 "of": metrics["n_samples"]["all"],
                                 "reason": "a single time step: no value one step earlier"}]
    assert f"| all | {month} | model |" in (tmp_path / "first" / "report.md").read_text()


def test_predict_and_evaluate_on_other_data_give_the_same_scores_over_the_same_values(trained, tmp_path):
    """A file with holes in the target and in a predictor: predict predicts every sample with
    its features, scores (and counts) only where the target is present too, and its scores
    are those of evaluate --data's block 'all'."""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    with xr.open_dataset(sample) as source:
        holes = source.load()
        edges = np.deg2rad(source["lat_bnds"].values)
    holes["tas"][3:9, 2:5, 4:10] = np.nan
    holes["clt"][20:23, 6:8, :] = np.nan
    holes.to_netcdf(tmp_path / "holes.nc")
    result = predict_files(run_dir, [str(tmp_path / "holes.nc")], tmp_path / "predicted.nc")
    metrics = evaluate_run(run_dir, [str(tmp_path / "holes.nc")], tmp_path / "evaluated")
    with xr.open_dataset(result.path) as predictions:
        truth, predicted = predictions["tas"].values, predictions["tas_pred"].values
    features = np.isfinite(holes["clt"].values)
    assert np.array_equal(np.isfinite(predicted), features)  # predicted wherever the features are
    assert result.n_samples == features.sum()
    pairs = np.isfinite(truth) & np.isfinite(predicted)
    assert pairs.sum() == features.sum() - 6 * 3 * 6  # the target's holes are where clt is present
    assert result.scores["n_samples"] == pairs.sum() == metrics["splits"]["all"]["model"]["n_samples"]
    band = np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))
    weights = np.broadcast_to(band[None, :, None], truth.shape)[pairs]
    error = predicted[pairs].astype(np.float64) - truth[pairs]
    assert result.scores["mse"] == pytest.approx(np.sum(weights * error**2) / weights.sum(), rel=1e-5)
    assert result.scores["bias"] == pytest.approx(np.sum(weights * error) / weights.sum(), rel=1e-4)
    # the same float32 network on a different number of rows: equal up to float32 rounding
    # (3e-5 K on values near 280 K: an absolute bound for the scores in K, as the bias near 0)
    for key in ("mse", "mae", "rmse", "bias", "r2", "corr"):
        bound = 3e-5 if key in ("mae", "rmse", "bias") else 0
        assert result.scores[key] == pytest.approx(metrics["splits"]["all"]["model"][key], rel=1e-5, abs=bound), key


# The units_celsius case: one temperature field written in K and in Celsius as real
# products spell it; a model trained on the K file must predict the same from any of them.
UNITS_LAT = np.array([-50.0, -30.0, -10.0, 10.0, 30.0, 50.0])
UNITS_LON = np.arange(0.0, 360.0, 45.0)


def _write_temperatures(path, tas_units, ts_units, *, drop_ts_units=False):
    """tas (target) and ts (predictor), each in K or shifted by -273.15 when in Celsius."""
    import cftime

    rng = np.random.default_rng(17)
    n = 48
    months = np.arange(n) % 12
    ts = (287 - 0.4 * np.abs(UNITS_LAT)[None, :, None]
          + 6 * np.cos(2 * np.pi * months / 12)[:, None, None] * np.sign(UNITS_LAT)[None, :, None]
          + rng.normal(0, 1.0, (n, UNITS_LAT.size, UNITS_LON.size)))
    tas = ts - 2.0 + 0.02 * (ts - 280) ** 2 + rng.normal(0, 0.1, ts.shape)
    shift = {"K": 0.0}

    def field(values, units, *, with_units=True):
        return (("time", "lat", "lon"), (values - shift.get(units, 273.15)).astype(np.float32),
                {"units": units} if with_units else {})

    times = [cftime.DatetimeNoLeap(2000 + i // 12, i % 12 + 1, 15) for i in range(n)]
    dataset = xr.Dataset(
        {"tas": field(tas, tas_units), "ts": field(ts, ts_units, with_units=not drop_ts_units)},
        coords={"time": times, "lat": ("lat", UNITS_LAT, {"units": "degrees_north"}),
                "lon": ("lon", UNITS_LON, {"units": "degrees_east"})},
    )
    dataset["time"].encoding.update({"units": "days since 2000-01-01", "calendar": "noleap"})
    dataset.to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def trained_in_kelvin(tmp_path_factory):
    folder = tmp_path_factory.mktemp("units")
    train = _write_temperatures(folder / "train_K.nc", "K", "K")
    config = build_config({
        "data": {"paths": [str(train)], "target": "tas", "predictors": ["ts"], "features": ["lat", "season"]},
        "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False},
    })
    run_dir = run_training(config, run_dir=folder / "run").run_dir
    reference = predict_files(run_dir, [str(train)], folder / "reference.nc").path
    with xr.open_dataset(reference) as predictions:
        return folder, run_dir, predictions.load()


@pytest.mark.parametrize(
    ("tas_units", "ts_units", "converted"),
    [
        pytest.param("degC", "K", ["tas"], id="tas-degC"),
        pytest.param("degree_Celsius", "K", ["tas"], id="tas-degree_Celsius"),
        pytest.param("degrees C", "K", ["tas"], id="tas-degrees-C"),
        pytest.param("K", "degC", ["ts"], id="predictor-degC"),
        pytest.param("Celsius", "Celsius", ["tas", "ts"], id="eobs-Celsius"),
    ],
)
def test_temperatures_in_celsius_predict_as_in_kelvin(trained_in_kelvin, tmp_path, caplog, tas_units, ts_units, converted):
    folder, run_dir, reference = trained_in_kelvin
    path = _write_temperatures(tmp_path / "new.nc", tas_units, ts_units)
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(run_dir, [str(path)], tmp_path / "out.nc")
    with xr.open_dataset(result.path) as predictions:
        # the predictor's conversion costs float32 rounding of values near 300 (~3e-5 K)
        np.testing.assert_allclose(predictions["tas_pred"].values, reference["tas_pred"].values, rtol=0, atol=1e-4)
        np.testing.assert_allclose(predictions["tas"].values, reference["tas"].values, rtol=0, atol=1e-4)
        assert predictions["tas_pred"].attrs["units"] == "K" and predictions["tas"].attrs["units"] == "K"
    units = {"tas": tas_units, "ts": ts_units}
    for name in converted:
        assert f"'{name}' in new.nc converted from {units[name]} to K" in caplog.text


def _month_after(time):
    return time.replace(year=time.year + time.month // 12, month=time.month % 12 + 1, day=1)


#: How a file stamps each month (its 1st at 00:00 given): the stamps and the time bounds.
_MONTH_ENDS_WITH_BOUNDS = (_month_after, True)  # CESM history files
_MID_MONTH_WITH_BOUNDS = (lambda start: start + (_month_after(start) - start) / 2, True)  # CMIP
_LAST_DAYS = (lambda start: _month_after(start) - datetime.timedelta(days=1), False)  # pandas resample("ME")


def _write_predictor(source, path, stamping):
    """``ts`` of ``source`` (stamped on the 15th) in a file of its own, stamped each month as
    ``stamping`` says."""
    stamp, with_bounds = stamping
    with xr.open_dataset(source, decode_times=TIME) as data:
        ts = data[["ts"]].load()
    starts = [time.replace(day=1) for time in ts["time"].values]
    encoding = {"units": "days since 2000-01-01", "calendar": "noleap"}
    ts = ts.assign_coords(time=("time", [stamp(start) for start in starts], {"standard_name": "time"}))
    if with_bounds:
        ts["time_bnds"] = (("time", "nbnd"), np.array([[start, _month_after(start)] for start in starts]))
        ts["time"].attrs["bounds"] = "time_bnds"
    ts.to_netcdf(path, encoding={"time": encoding, **({"time_bnds": encoding} if with_bounds else {})})
    return path


@pytest.mark.parametrize("stamping", [
    pytest.param(_MONTH_ENDS_WITH_BOUNDS, id="cesm-month-ends-with-bounds"),
    pytest.param(_MID_MONTH_WITH_BOUNDS, id="cmip-mid-month-with-bounds"),
    pytest.param(_LAST_DAYS, id="resample-ME"),
])
def test_a_predictor_stamped_otherwise_predicts_by_its_months(trained_in_kelvin, tmp_path, stamping):
    """The run's ts in a file of its own, stamped at each month's end (CESM, with bounds),
    middle (CMIP) or last day (pandas' "ME") beside tas stamped on the 15th: paired by month,
    the predictions are the training file's (paired by stamp, the CESM file's January mean met
    tas's February)."""
    folder, run_dir, reference = trained_in_kelvin
    with xr.open_dataset(folder / "train_K.nc") as data:
        data[["tas"]].load().to_netcdf(tmp_path / "tas.nc")
    ts = _write_predictor(folder / "train_K.nc", tmp_path / "ts.nc", stamping)
    result = predict_files(run_dir, [str(tmp_path / "tas.nc"), str(ts)], tmp_path / "out.nc")
    with xr.open_dataset(result.path, decode_times=TIME) as predictions:
        np.testing.assert_array_equal(predictions["tas_pred"].values, reference["tas_pred"].values)
        assert [t.day for t in predictions["time"].values] == [15] * reference.sizes["time"]


def test_a_predictor_stamped_on_the_1st_without_bounds_is_refused_beside_known_months(trained_in_kelvin, tmp_path):
    """ts stamped on the 1st at 00:00 may hold the month beginning or the month ending there."""
    folder, run_dir, _ = trained_in_kelvin
    with xr.open_dataset(folder / "train_K.nc") as data:
        data[["tas"]].load().to_netcdf(tmp_path / "tas.nc")
    ts = _write_predictor(folder / "train_K.nc", tmp_path / "ts.nc", (lambda start: start, False))
    with pytest.raises(ClimannError, match=r"^ts\.nc stamps ts on the 1st at 00:00 without time bounds \(2000-01-01, …\)"
                       r".* while tas's months are known from its stamps inside them \(tas\.nc: 2000-01-15\)"):
        predict_files(run_dir, [str(tmp_path / "tas.nc"), str(ts)], tmp_path / "out.nc")


def test_evaluate_on_other_data_converts_their_units(trained_in_kelvin, tmp_path):
    from climann.workflow.predict import evaluate_run

    folder, run_dir, _ = trained_in_kelvin
    kelvin = evaluate_run(run_dir, [str(folder / "train_K.nc")], tmp_path / "kelvin")
    celsius = evaluate_run(run_dir, [str(_write_temperatures(tmp_path / "c.nc", "degC", "degC"))], tmp_path / "celsius")
    assert celsius["splits"]["all"]["model"]["mse"] == pytest.approx(kelvin["splits"]["all"]["model"]["mse"], rel=1e-4)


def _on_pressure_levels(temperatures, path, levels, units):
    """``ts`` of ``temperatures`` as ``ta`` on pressure levels (colder by 10 K per level), the
    coordinate's values ``levels`` in ``units``."""
    with xr.open_dataset(temperatures) as source:
        offsets = xr.DataArray(np.float32([0.0, -10.0, -20.0]), dims="plev")
        ta = (source["ts"] + offsets).transpose("time", "plev", "lat", "lon").assign_attrs(units="K")
        levels = xr.DataArray(np.asarray(levels, np.float64), dims="plev", attrs={"units": units,
                                                                                 "standard_name": "air_pressure"})
        source.drop_vars("ts").assign(ta=ta).assign_coords(plev=levels).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def trained_at_850_hpa(tmp_path_factory):
    folder = tmp_path_factory.mktemp("levels")
    pascal = _on_pressure_levels(_write_temperatures(folder / "t.nc", "K", "K"), folder / "pa.nc",
                                 [100000.0, 85000.0, 70000.0], "Pa")
    config = build_config({
        "data": {"paths": [str(pascal)], "target": "tas", "predictors": ["ta"], "features": ["lat", "season"],
                 "select": {"plev": 85000}},
        "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False},
    })
    return folder, run_training(config, run_dir=folder / "run").run_dir


@pytest.mark.parametrize("select", [pytest.param(850, id="bare-number"), pytest.param("85000 Pa", id="with-units")])
def test_a_training_select_of_the_old_cds_level_is_taken_at_the_new_cds_pressure_level(tmp_path, caplog, select):
    """break54b A5: `train --select level=850` on a new-CDS file (pressure_level, hPa) was refused ("no dimension
    'level'"), while evaluate and predict of a run trained so map level to pressure_level themselves. Train takes
    it so too (one route), warned; the run records pressure_level=850, its ta is the 850 hPa level's (the same
    run as one given pressure_level=850, metrics equal), and evaluate and predict on the same file select it (the
    predictions are the run's own)."""
    from climann.workflow.predict import evaluate_run

    plev = _on_pressure_levels(_write_temperatures(tmp_path / "t.nc", "K", "K"), tmp_path / "plev.nc",
                               [1000.0, 850.0, 700.0], "hPa")
    with xr.open_dataset(plev) as data:
        data.load().rename({"plev": "pressure_level"}).to_netcdf(tmp_path / "new_cds.nc")

    def trained(chosen, name):
        config = build_config({
            "data": {"paths": [str(tmp_path / "new_cds.nc")], "target": "tas", "predictors": ["ta"],
                     "features": ["lat", "season"], "select": chosen},
            "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False}})
        return run_training(config, run_dir=tmp_path / name).run_dir

    with caplog.at_level(logging.WARNING):
        mapped = trained({"level": select}, "mapped")
    assert any("its 'pressure_level' (air_pressure, in hPa) is the same pressure coordinate" in record.getMessage()
               and "is taken at pressure_level=850 hPa" in record.getMessage() for record in caplog.records)
    assert load_run(mapped).config.data.select == {"pressure_level": 850.0}
    direct = trained({"pressure_level": 850}, "direct")
    ours, theirs = (json.loads((run / "metrics.json").read_text()) for run in (mapped, direct))
    assert ours["splits"]["test"]["model"]["mse"] == pytest.approx(theirs["splits"]["test"]["model"]["mse"], rel=1e-6)
    assert np.isfinite(evaluate_run(mapped, [str(tmp_path / "new_cds.nc")], tmp_path / "scores")
                       ["splits"]["all"]["model"]["mse"])
    predicted = predict_files(mapped, [str(tmp_path / "new_cds.nc")], tmp_path / "p.nc").path
    with xr.open_dataset(predicted) as new, xr.open_dataset(mapped / "predictions.nc") as own:
        np.testing.assert_allclose(new["tas_pred"].values, own["tas_pred"].values, rtol=1e-6)


@pytest.mark.parametrize(
    ("levels", "units"),
    [
        pytest.param([1000.0, 850.0, 700.0], "hPa", id="hPa"),
        pytest.param([100000.0, 85000.000085, 70000.0], "Pa", id="Pa-with-float-rounding"),
    ],
)
def test_the_trained_level_is_found_in_other_units_and_with_rounding(trained_at_850_hpa, tmp_path, levels, units):
    folder, run_dir = trained_at_850_hpa
    assert load_run(run_dir).input_units()["plev"] == "Pa"
    other = _on_pressure_levels(folder / "t.nc", tmp_path / "other.nc", levels, units)
    predicted = predict_files(run_dir, [str(other)], tmp_path / "other_predictions.nc").path
    with xr.open_dataset(predicted) as new, xr.open_dataset(run_dir / "predictions.nc") as own:
        np.testing.assert_allclose(new["tas_pred"].values, own["tas_pred"].values, rtol=1e-6)


def test_the_level_a_predictor_was_selected_at_is_written_beside_the_predictions(trained_at_850_hpa, tmp_path):
    """fix41k: ``--select plev=85000`` on a 2 m target and a predictor ``ta`` on pressure levels
    wrote predictions.nc and report.md without a word of the level ``ta`` was taken at; both
    now name it (the predictions' ``predictor_levels``), train's and predict's files alike, also
    of new data in hPa (the level the network took, the data checked to be at it)."""
    folder, run_dir = trained_at_850_hpa
    with xr.open_dataset(folder / "pa.nc") as source:
        level = source["plev"].sel(plev=85000.0)
        expected = f"ta: plev = {level.item():g} {level.attrs['units']}"
    predicted = predict_files(run_dir, [str(folder / "pa.nc")], tmp_path / "p.nc").path
    # new data in hPa, checked to be at the run's level: named as the run took them (model.npz levels)
    hpa = _on_pressure_levels(folder / "t.nc", tmp_path / "hpa.nc", [1000.0, 850.0, 700.0], "hPa")
    in_hpa = predict_files(run_dir, [str(hpa)], tmp_path / "hpa_predictions.nc").path
    with (xr.open_dataset(run_dir / "predictions.nc") as trained, xr.open_dataset(predicted) as new,
          xr.open_dataset(in_hpa) as other):
        for predictions in (trained, new, other):
            assert predictions["tas_pred"].attrs["predictor_levels"] == expected == "ta: plev = 85000 Pa"
            assert "plev" not in predictions.coords  # the predictions of tas are at no pressure level
            assert "predictor_levels" not in predictions["tas"].attrs
        assert trained["tas_linear"].attrs["predictor_levels"] == expected
    assert f"Levels of the inputs: {expected}." in (run_dir / "report.md").read_text().splitlines()


def test_a_target_and_a_predictor_at_other_levels_say_each_level(trained_at_850_hpa, tmp_path):
    """The target ``ta`` selected at 850 hPa keeps its level as its scalar coordinate (CF 1.8 §5.7),
    while the predictor ``zg`` of another file at 700 hPa is named at that level, not at the target's."""
    folder, _ = trained_at_850_hpa
    with xr.open_dataset(folder / "pa.nc") as source:
        source = source.load()
    source[["ta"]].to_netcdf(tmp_path / "ta.nc")
    zg = (source["ta"].sel(plev=70000.0) * 10.0).assign_attrs(units="m", standard_name="geopotential_height")
    zg.rename("zg").to_dataset().to_netcdf(tmp_path / "zg.nc")
    config = build_config({
        "data": {"paths": [str(tmp_path / "ta.nc"), str(tmp_path / "zg.nc")], "target": "ta", "predictors": ["zg"],
                 "select": {"plev": 85000}},
        "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        assert predictions["plev"].item() == source["plev"].values[1] == 85000.0
        assert predictions["plev"].attrs["units"] == "Pa"
        assert predictions["ta_pred"].attrs["predictor_levels"] == "zg: plev = 70000 Pa"


def test_a_predictor_in_units_that_do_not_convert_exits_2_in_one_line(trained_in_kelvin, tmp_path, capfd, monkeypatch):
    from tests.console import run_main

    _, run_dir, _ = trained_in_kelvin
    path = _write_temperatures(tmp_path / "metres.nc", "K", "m")
    for command in (["predict", str(run_dir), "--data", str(path), "--out", str(tmp_path / "out.nc")],
                    ["evaluate", str(run_dir), "--data", str(path), "--out", str(tmp_path / "scores")]):
        result = run_main(*command, capfd=capfd, monkeypatch=monkeypatch)
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.strip().splitlines()
        copy = tmp_path / "units_fixed" / "metres.nc"
        assert without_guards(line) == (
            "climann: error: 'ts' is in 'm' in metres.nc but in 'K' in the model's training data, and 'm' does not "
            "convert to 'K'; give 'ts' in K (or a convertible unit) or check that it is the same quantity; if the "
            f"values are in K and only the units attribute is wrong: mkdir -p {copy.parent} && ncatted -a "
            f"units,ts,o,c,K {path} {copy} (its copy in a new folder), then give --data {copy} in place of {path}")
    assert not (tmp_path / "out.nc").exists() and not (tmp_path / "scores").exists()
    # run as printed (fix56a: metres_fixed.nc was written beside metres.nc): the copy alone in its new folder, its
    # values those of metres.nc, now in K, which the run's units take as they are
    from climann.data.units import convert_variable

    followed = run_one_copy(line, tmp_path)
    assert followed["copy"] == str(copy) and sorted(os.listdir(tmp_path)) == ["metres.nc", "units_fixed"]
    with xr.open_dataset(copy, decode_times=TIME) as fixed, xr.open_dataset(path, decode_times=TIME) as original:
        assert fixed["ts"].attrs["units"] == "K"
        np.testing.assert_array_equal(fixed["ts"].values, original["ts"].values)
        kept = convert_variable(fixed["ts"], "K", name="ts", where=str(copy), reference="the model's training data")
        np.testing.assert_array_equal(kept.values, original["ts"].values)


def test_missing_units_are_a_warning_on_the_terminal(trained_in_kelvin, tmp_path, capfd, monkeypatch):
    from tests.console import run_main

    _, run_dir, reference = trained_in_kelvin
    path = _write_temperatures(tmp_path / "bare.nc", "K", "K", drop_ts_units=True)
    result = run_main("predict", str(run_dir), "--data", str(path), "--out", str(tmp_path / "out.nc"),
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    # plausible values (the same K as in training): warned, with the comparison made
    (line,) = [line for line in result.stderr.splitlines() if "has no units" in line]
    assert line.startswith("climann: warning: 'ts' has no units in bare.nc (the model's training data has 'K'): its "
                           "units are not checked (its values there, ")
    assert "lie within 10 standard deviations of those of the model's training data, mean " in line
    with xr.open_dataset(tmp_path / "out.nc") as predictions:
        np.testing.assert_array_equal(predictions["tas_pred"].values, reference["tas_pred"].values)


def test_kelvin_for_a_run_trained_on_celsius_without_units_exits_2(tmp_path, capfd, monkeypatch):
    """A run trained on numbers without units (degC values), given new data that say K: nothing can
    convert them, and predict and evaluate used to score them as they stood with only a warning."""
    from tests.console import run_main

    with xr.open_dataset(_write_temperatures(tmp_path / "c.nc", "degC", "degC"), decode_times=TIME) as celsius:
        bare = celsius.load()
    for name in ("tas", "ts"):
        bare[name].attrs.pop("units")
    bare.to_netcdf(tmp_path / "bare_c.nc")
    config = build_config({
        "data": {"paths": [str(tmp_path / "bare_c.nc")], "target": "tas", "predictors": ["ts"], "features": ["lat"]},
        "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    kelvin = _write_temperatures(tmp_path / "k.nc", "K", "K")
    for command in (["predict", str(run_dir), "--data", str(kelvin), "--out", str(tmp_path / "o.nc")],
                    ["evaluate", str(run_dir), "--data", str(kelvin), "--out", str(tmp_path / "ev")]):
        result = run_main(*command, capfd=capfd, monkeypatch=monkeypatch)
        assert result.returncode == 2, result.stderr
        line = result.stderr.strip().splitlines()[-1]
        assert re.fullmatch(r"climann: error: '(tas|ts)' is in 'K' in k\.nc but has no units in the model's training "
                            r"data, and its values there \(.*\) lie \d+ standard deviations from those of the model's "
                            r"training data \(mean .*\): they are likely in another unit than the model's training "
                            r"data's, which climann cannot convert to without knowing it; give '(tas|ts)' in the unit "
                            r"the model's training data was in, or train again on data whose units are set", line), line
    assert not (tmp_path / "o.nc").exists() and not (tmp_path / "ev").exists()


def _training_block(run_dir, path, name) -> np.ndarray:
    """``name``'s values in the run's training years, by hand from the file (every cell and step
    of these files is a sample)."""
    first, last = load_run(run_dir).config.data.split_years["train"]
    with xr.open_dataset(path, decode_times=TIME) as dataset:
        years = np.array([time.year for time in dataset["time"].values])
        return dataset[name].values[(years >= first) & (years <= last)].astype(np.float64)


@pytest.mark.parametrize("name", [pytest.param("tas", id="target"), pytest.param("ts", id="predictor")])
def test_celsius_without_units_for_a_run_in_kelvin_exits_2_naming_both_values(trained_in_kelvin, tmp_path, capfd,
                                                                               monkeypatch, name):
    from climann.workflow.predict import evaluate_run
    from tests.console import run_main

    folder, run_dir, _ = trained_in_kelvin
    with xr.open_dataset(_write_temperatures(tmp_path / "c.nc", "degC", "degC"), decode_times=TIME) as celsius:
        celsius = celsius.isel(time=slice(0, 24)).load()  # 24 steps: every value is checked
    celsius[name].attrs.pop("units")
    celsius.to_netcdf(tmp_path / "bare_c.nc")
    values, trained = celsius[name].values.astype(np.float64), _training_block(run_dir, folder / "train_K.nc", name)
    distance = abs(values.mean() - trained.mean()) / trained.std()  # about 27 K-run standard deviations
    assert distance > 10
    expected = (
        f"climann: error: '{name}' has no units in bare_c.nc, and its values there ({values.min():.4g}…"
        f"{values.max():.4g}, mean {values.mean():.4g}) lie {distance:.0f} standard deviations from those of the "
        f"model's training data (mean {trained.mean():.4g}, sd {trained.std():.4g} K, {trained.min():.4g}…"
        f"{trained.max():.4g}): they are likely in another unit than K; set the units they are in, which are then "
        f"converted to K: mkdir -p {tmp_path / 'units_set'} && ncatted -a units,{name},o,c,degC "
        f"{tmp_path / 'units_fixed' / 'bare_c.nc'} {tmp_path / 'units_set' / 'bare_c.nc'} (its copy in a new folder), "
        f"then give --data {tmp_path / 'units_set' / 'bare_c.nc'} in place of {tmp_path / 'bare_c.nc'} (this reads "
        f"{tmp_path / 'units_fixed' / 'bare_c.nc'}, which the line shown before writes from {tmp_path / 'bare_c.nc'}: "
        f"run that one first; {tmp_path / 'units_set' / 'bare_c.nc'} then holds both fixes)"
    )  # degC, the units the file was written in (fix42g: the likely unit, not the placeholder UNITS);
    # the other variable's units_metadata warning of the same command names units_fixed/bare_c.nc (fix56a: it was
    # bare_c_fixed.nc beside bare_c.nc), and this line reads that copy (fix38d: the two lines, run in order, end in
    # one copy with both fixes), its own copy in a new folder under the file's name (fix53a), so the note names the
    # files by their paths
    for command in (["predict", str(run_dir), "--data", str(tmp_path / "bare_c.nc"), "--out", str(tmp_path / "o.nc")],
                    ["evaluate", str(run_dir), "--data", str(tmp_path / "bare_c.nc"), "--out", str(tmp_path / "ev")]):
        result = run_main(*command, capfd=capfd, monkeypatch=monkeypatch)
        assert result.returncode == 2, result.stderr
        said = result.stderr.strip().splitlines()
        assert without_guards(said[-1]) == expected
        assert "its units are not checked" not in result.stderr
    assert not (tmp_path / "o.nc").exists() and not (tmp_path / "ev").exists()
    # the two lines run as printed, in order: the warning's copy in units_fixed/, the error's, reading it, in units_set/
    (marking,) = [line for line in said if "units_metadata" in line]
    other = "ts" if name == "tas" else "tas"
    for text in (marking, said[-1]):
        run_one_copy(text, tmp_path)
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith("bare_c")] == ["bare_c.nc"]
    assert os.listdir(tmp_path / "units_fixed") == ["bare_c.nc"] and os.listdir(tmp_path / "units_set") == ["bare_c.nc"]
    with xr.open_dataset(tmp_path / "units_set" / "bare_c.nc", decode_times=TIME) as both:
        assert both[name].attrs["units"] == "degC" and both[other].attrs["units_metadata"] == "temperature: difference"
        for each in (name, other):
            np.testing.assert_array_equal(both[each].values, celsius[each].values)
    # the way out: with its units set (here by hand, without the other line's mark), it is converted and scored as
    # the same values in K are
    celsius[name].attrs["units"] = "degC"
    (tmp_path / "by_hand").mkdir()
    celsius.to_netcdf(tmp_path / "by_hand" / "bare_c.nc")
    with xr.open_dataset(folder / "train_K.nc", decode_times=TIME) as kelvin:
        kelvin.isel(time=slice(0, 24)).to_netcdf(tmp_path / "k.nc")
    fixed = evaluate_run(run_dir, [str(tmp_path / "by_hand" / "bare_c.nc")], tmp_path / "fixed")
    same = evaluate_run(run_dir, [str(tmp_path / "k.nc")], tmp_path / "kelvin")
    assert fixed["splits"]["all"]["model"]["mse"] == pytest.approx(same["splits"]["all"]["model"]["mse"], rel=1e-4)


def test_the_training_values_of_the_target_and_predictors_are_read_from_the_model_file(trained_in_kelvin):
    folder, run_dir, _ = trained_in_kelvin
    found = load_run(run_dir).training_values()
    assert list(found) == ["tas", "ts"]
    for name, values in found.items():
        trained = _training_block(run_dir, folder / "train_K.nc", name)
        assert values.units == "K"
        assert values.mean == pytest.approx(trained.mean(), rel=1e-6)
        assert values.std == pytest.approx(trained.std(), rel=1e-5)
        assert (values.minimum, values.maximum) == (trained.min(), trained.max())  # float32 values: exact


def test_the_training_values_leave_out_a_target_trained_as_its_anomaly(trained_in_kelvin):
    import dataclasses

    _, run_dir, _ = trained_in_kelvin
    run = load_run(run_dir)
    data = dataclasses.replace(run.config.data, target_anomaly=True)  # target_scaling is then the anomaly's
    anomaly = dataclasses.replace(run, config=dataclasses.replace(run.config, data=data))
    assert list(anomaly.training_values()) == ["ts"]


def test_a_model_file_without_recorded_units_still_predicts_with_a_warning(trained_in_kelvin, tmp_path, caplog):
    folder, run_dir, reference = trained_in_kelvin
    old_run = run_written_before(run_dir, tmp_path / "old_run", "units")
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(old_run, [str(_write_temperatures(tmp_path / "c.nc", "degC", "K"))], tmp_path / "out.nc")
    assert "predates the record of the predictors' units" in caplog.text
    assert "'tas' in c.nc converted from degC to K" in caplog.text  # the target's units were recorded before
    with xr.open_dataset(result.path) as predictions:
        np.testing.assert_allclose(predictions["tas_pred"].values, reference["tas_pred"].values, rtol=0, atol=1e-4)


# Field mode (one sample per map) and anomaly/lag inputs: predict and evaluate --data apply the
# run's saved scalers and training-years climatology to new data.
def _anomaly_config(sample, mode: str):
    predictors = ["rsdt", "clt"] if mode == "field" else ["clt"]
    return build_config({
        "data": {"paths": [str(sample)], "mode": mode, "predictors": predictors, "features": ["season", "year"],
                 "lags": {"clt": [1]}, "anomalies": ["clt"]},
        "model": {"hidden": [8]}, "training": {"epochs": 3, "batch_size": 8 if mode == "field" else 256},
        "evaluation": {"figures": False},
    })


@pytest.fixture(scope="module")
def anomaly_runs(tmp_path_factory):
    """``anomaly_runs(mode) -> (folder, sample, run_dir)``: each mode's run trained once for the
    module (``field_run`` and ``anomaly_run[field]`` were the same run trained twice); the tests
    only read it and write their own files beside it."""
    runs = {}

    def run(mode: str):
        if mode not in runs:
            folder = tmp_path_factory.mktemp(f"anomalies-{mode}")
            sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=3)
            runs[mode] = folder, sample, run_training(_anomaly_config(sample, mode), run_dir=folder / "run").run_dir
        return runs[mode]

    return run


@pytest.fixture(scope="module", params=[pytest.param("field", id="field"), pytest.param("pointwise", id="pointwise")])
def anomaly_run(request, anomaly_runs):
    return anomaly_runs(request.param)


@pytest.fixture(scope="module")
def field_run(anomaly_runs):
    return anomaly_runs("field")


def _area_weights(sample, shape):
    with xr.open_dataset(sample) as source:
        edges = np.deg2rad(source["lat_bnds"].values)
    band = np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))
    return np.broadcast_to(band[None, :, None], shape)


def _weighted_mse(predicted, truth, weights):
    present = np.isfinite(predicted) & np.isfinite(truth)
    return np.sum(weights[present] * (predicted[present] - truth[present]) ** 2) / weights[present].sum()


def test_field_predict_on_the_training_file_equals_the_runs_predictions(field_run):
    folder, sample, run_dir = field_run
    result = predict_files(run_dir, [str(sample)], folder / "again.nc")
    with xr.open_dataset(result.path) as again, xr.open_dataset(run_dir / "predictions.nc") as original:
        predicted, truth = again["tas_pred"].values, again["tas"].values
        np.testing.assert_allclose(predicted, original["tas_pred"].values, rtol=1e-6)  # NaN at the same places
        assert np.isnan(predicted[0]).all() and np.isfinite(predicted[1:]).all()  # no clt one month before the first
        np.testing.assert_array_equal(truth[1:], original["tas"].values[1:])
    assert result.n_samples == np.isfinite(predicted).sum()
    assert result.scores["mse"] == pytest.approx(_weighted_mse(predicted, truth, _area_weights(sample, truth.shape)),
                                                 rel=1e-6)


def test_field_evaluate_on_the_training_file_gives_the_runs_scores(field_run, tmp_path):
    import json

    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = field_run
    original = json.loads((run_dir / "metrics.json").read_text())
    metrics = evaluate_run(run_dir, [str(sample)], tmp_path / "other")  # the training file, as "other data"
    assert metrics["mode"] == "field" and set(metrics["splits"]) == {"all"}
    with xr.open_dataset(run_dir / "predictions.nc") as own, xr.open_dataset(tmp_path / "other" / "predictions.nc") as other:
        np.testing.assert_allclose(other["tas_pred"].values, own["tas_pred"].values, rtol=1e-6)
        truth, predicted = other["tas"].values, other["tas_pred"].values
        weights = _area_weights(sample, truth.shape)
        assert metrics["splits"]["all"]["model"]["mse"] == pytest.approx(_weighted_mse(predicted, truth, weights),
                                                                         rel=1e-6)
        test = split_labels(own["split"]) == "test"  # the run's test block, re-scored from the new output
        assert _weighted_mse(predicted[test], truth[test], weights[test]) == pytest.approx(
            original["splits"]["test"]["model"]["mse"], rel=1e-6)
    rescored = evaluate_run(run_dir, out=tmp_path / "own")
    for split in ("train", "val", "test"):
        for name in ("model", "linear", "climatology", "persistence"):
            assert rescored["splits"][split][name]["mse"] == pytest.approx(original["splits"][split][name]["mse"],
                                                                           rel=1e-6)


def test_later_years_alone_predict_with_the_training_climatology(anomaly_run, tmp_path):
    """Anomalies of new data are taken from the training years' climatology saved with the model:
    the last two years alone give the run's own predictions for them (their own climatology would not)."""
    _, sample, run_dir = anomaly_run
    with xr.open_dataset(sample) as source:
        source.isel(time=slice(24, None)).to_netcdf(tmp_path / "later.nc")
    result = predict_files(run_dir, [str(tmp_path / "later.nc")], tmp_path / "out.nc")
    with xr.open_dataset(result.path) as later, xr.open_dataset(run_dir / "predictions.nc") as original:
        predicted = later["tas_pred"].values
        assert np.isnan(predicted[0]).all()  # its clt one month earlier is not in the file
        np.testing.assert_allclose(predicted[1:], original["tas_pred"].values[25:], rtol=1e-6)


def test_a_model_file_without_the_climatology_is_refused_for_new_data(anomaly_run, tmp_path):
    import shutil

    from climann.model import Network

    _, sample, run_dir = anomaly_run
    old_run = tmp_path / "old_run"
    shutil.copytree(run_dir, old_run)
    network = Network.load(old_run / "model.npz")
    (old_run / "model.npz").unlink()
    network.save(old_run / "model.npz", metadata={k: v for k, v in network.metadata.items() if k != "climatologies"})
    without_model_record(old_run)  # an older climann's run names no model
    with pytest.raises(ClimannError, match="does not hold the training climatology of 'clt'.*retrain"):
        predict_files(old_run, [str(sample)], tmp_path / "out.nc")
    assert not (tmp_path / "out.nc").exists()


@pytest.mark.parametrize(
    ("command", "message"),
    [
        pytest.param("predict", "field-mode run predicts whole maps on its training grid \\(12×24, lat -82.5…82.5, "
                     "lon 7.5…352.5\\), the new data are on 6×12", id="predict"),
        # refused from the coordinates before any sample is read, as predict refuses them
        pytest.param("evaluate", "field-mode run predicts whole maps on its training grid \\(12×24, lat -82.5…82.5, "
                     "lon 7.5…352.5\\), the new data are on 6×12", id="evaluate"),
    ],
)
def test_field_mode_refuses_data_on_another_grid(field_run, tmp_path, command, message):
    from climann.workflow.predict import evaluate_run

    _, _, run_dir = field_run
    coarse = write_sample_dataset(tmp_path / "coarse.nc", years=2, resolution=30.0, seed=4)
    with pytest.raises(ClimannError, match=message):
        if command == "predict":
            predict_files(run_dir, [str(coarse)], tmp_path / "out.nc")
        else:
            evaluate_run(run_dir, [str(coarse)], tmp_path / "scores")
    assert not (tmp_path / "out.nc").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["predict", "--workers", "2", "--out", "out.nc"], "computes pointwise runs; this run is in field mode",
                     id="predict-cluster"),
        pytest.param(["predict", "--out", "out.zarr"], "writes its predictions as NetCDF", id="predict-zarr"),
        pytest.param(["evaluate", "--workers", "2", "--out", "scores"], 'needs a run with mode = "pointwise"',
                     id="evaluate-cluster"),
    ],
)
def test_field_mode_on_a_cluster_or_to_zarr_exits_2_in_one_line(field_run, tmp_path, arguments, message):
    from typer.testing import CliRunner

    from climann.cli import app

    _, sample, run_dir = field_run
    command, *options = arguments
    options = [str(tmp_path / option) if option in ("out.nc", "out.zarr", "scores") else option for option in options]
    result = CliRunner().invoke(app, [command, str(run_dir), "--data", str(sample), *options])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: ") and message.replace("\\", "") in lines[0]
    assert not any(tmp_path.iterdir())


def test_field_predict_leaves_cells_never_seen_in_training_missing(tmp_path):
    from tests.conftest import grid_dataset

    dataset = grid_dataset(n_lat=3, n_lon=4)
    dataset["tas"][:, 0, 0] = np.nan  # a cell the network never learns
    dataset.to_netcdf(tmp_path / "grid.nc")
    dataset.drop_vars("tas").to_netcdf(tmp_path / "no_target.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "grid.nc")], "target": "tas", "mode": "field",
                                    "predictors": ["pred"], "features": ["season"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1},
                           # the linear baseline's fit warns of the all-missing cell (its nanmean): left out here
                           "evaluation": {"figures": False, "baselines": ["climatology", "persistence"]}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    result = predict_files(run_dir, [str(tmp_path / "no_target.nc")], tmp_path / "out.nc")
    with xr.open_dataset(result.path) as predictions:
        predicted = predictions["tas_pred"].values
    assert np.isnan(predicted[:, 0, 0]).all() and np.isfinite(predicted.reshape(36, -1)[:, 1:]).all()
    assert result.n_samples == 36 * 11 and result.scores is None


# Extrapolation: a model trained on latitudes −30…30 applied at −60…60.
def _write_band(path, lat, *, rsdt_values=None, seed=0):
    """3 years of monthly tas and rsdt on latitudes ``lat`` × 4 longitudes; rsdt drawn from
    ``rsdt_values`` when given (so that it stays inside their range), else U(100, 400)."""
    import cftime

    rng = np.random.default_rng(seed)
    times = [cftime.datetime(2001 + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(36)]
    lon = np.array([0.0, 90.0, 180.0, 270.0])
    shape = (len(times), lat.size, lon.size)
    rsdt = rng.uniform(100, 400, shape) if rsdt_values is None else rng.choice(rsdt_values.ravel(), shape)
    tas = 250 + 0.1 * rsdt - 0.3 * np.abs(lat)[None, :, None] + rng.normal(0, 0.3, shape)
    units = "days since 2001-01-01"
    xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas.astype(np.float32), {"units": "K", "standard_name": "air_temperature"}),
         "rsdt": (("time", "lat", "lon"), rsdt.astype(np.float32), {"units": "W m-2"})},
        coords={"time": ("time", cftime.date2num(times, units, "noleap"),
                         {"units": units, "calendar": "noleap", "standard_name": "time", "axis": "T"}),
                "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude", "axis": "Y"}),
                "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude", "axis": "X"})},
    ).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def tropical_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tropics")
    train = _write_band(folder / "tropics.nc", np.arange(-30.0, 31.0, 15.0))
    config = build_config({"data": {"paths": [str(train)], "target": "tas", "predictors": ["rsdt"],
                                    "features": ["lat"]},
                           "model": {"hidden": [8]}, "training": {"epochs": 2, "batch_size": 32},
                           "evaluation": {"figures": False}})
    run = run_training(config, run_dir=folder / "run")
    first, last = run.config.data.split_years["train"]
    with xr.open_dataset(train, decode_times=TIME) as source:  # rsdt of the training block only
        rsdt = source["rsdt"].values[[first <= t.year <= last for t in source.indexes["time"]]]
    wide = _write_band(folder / "wide.nc", np.arange(-60.0, 61.0, 15.0), rsdt_values=rsdt, seed=1)
    return folder, train, wide, run.run_dir


def test_the_training_range_of_every_feature_is_saved_in_the_model_file(tropical_run):
    from climann.model import Network

    _, train, _, run_dir = tropical_run
    ranges = Network.load(run_dir / "model.npz").metadata["input_ranges"]
    with xr.open_dataset(train, decode_times=TIME) as source:
        first, last = run_training_years(run_dir)
        block = source.sel(time=[t for t in source.indexes["time"] if first <= t.year <= last])
        rsdt = block["rsdt"].values
    assert ranges["names"] == ["rsdt", "lat"]
    np.testing.assert_allclose(ranges["min"], [rsdt.min(), -30.0], rtol=1e-6)
    np.testing.assert_allclose(ranges["max"], [rsdt.max(), 30.0], rtol=1e-6)


def run_training_years(run_dir):
    from climann.workflow.config import load_config_file

    return build_config(load_config_file(run_dir / "config.toml")).data.split_years["train"]


def test_predicting_outside_the_training_latitudes_flags_exactly_those_cells_and_warns(tropical_run, caplog):
    from climann.workflow.predict import evaluate_run

    folder, _, wide, run_dir = tropical_run
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(run_dir, [str(wide)], folder / "wide_predictions.nc")
    with xr.open_dataset(wide) as source:
        expected = np.broadcast_to((np.abs(source["lat"].values) > 30)[None, :, None], source["tas"].shape)
    share = expected.mean()  # 4 of 9 latitudes
    lines = [record.getMessage() for record in caplog.records if "training range" in record.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith(f"{100 * share:.2g} % of samples lie outside the training range of lat (")
    assert "min -30 degrees_north seen, down to -60 degrees_north here" in lines[0] and "rsdt" not in lines[0]
    assert result.extrapolation["fraction"] == pytest.approx(share)
    with xr.open_dataset(result.path) as predictions:
        flags = predictions["tas_extrapolated"]
        assert flags.encoding["dtype"] == np.int8 and flags.attrs["flag_values"].tolist() == [0, 1]
        np.testing.assert_array_equal(flags.transpose("time", "lat", "lon").values, expected.astype(float))
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run_dir, [str(wide)], folder / "wide_scores")
    assert sum("training range" in record.getMessage() for record in caplog.records) == 1
    assert metrics["extrapolation"]["fraction"] == pytest.approx(share)
    assert metrics["extrapolation"]["features"]["lat"]["range_here"] == [-60.0, 60.0]
    with xr.open_dataset(folder / "wide_scores" / "predictions.nc") as scored:
        np.testing.assert_array_equal(scored["tas_extrapolated"].transpose("time", "lat", "lon").values,
                                      expected.astype(float))


def test_predicting_inside_the_training_range_flags_nothing_and_does_not_warn(tropical_run, caplog):
    folder, train, _, run_dir = tropical_run
    first, last = run_training_years(run_dir)
    with xr.open_dataset(train) as source:  # the training block itself: every value inside its range
        years = source.indexes["time"].year
        source.isel(time=np.flatnonzero((years >= first) & (years <= last))).to_netcdf(folder / "train_years.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(run_dir, [str(folder / "train_years.nc")], folder / "inside.nc")
    assert not [record for record in caplog.records if "training range" in record.getMessage()]
    assert result.extrapolation == {"fraction": 0.0, "features": {}}
    with xr.open_dataset(result.path) as predictions:
        assert (predictions["tas_extrapolated"].values == 0).all()


def test_an_old_model_file_without_training_ranges_warns_once_and_predicts(tropical_run, tmp_path, caplog):
    import shutil

    from climann.model import Network

    folder, _, wide, run_dir = tropical_run
    old = tmp_path / "old_run"
    shutil.copytree(run_dir, old)
    network = Network.load(old / "model.npz")
    network.save(old / "model.npz", metadata={k: v for k, v in network.metadata.items() if k != "input_ranges"})
    without_model_record(old)  # an older climann's run names no model
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(old, [str(wide)], tmp_path / "old.nc")
    lines = [record.getMessage() for record in caplog.records if "training range" in record.getMessage()]
    assert lines == ["this run's model.npz predates the record of its features' training ranges: "
                     "extrapolation cannot be checked (retrain to check it)"]
    assert result.extrapolation is None
    with xr.open_dataset(result.path) as predictions:
        assert "tas_extrapolated" not in predictions and "tas_pred" in predictions


def test_field_predict_flags_whole_maps_whose_inputs_lie_outside_the_training_range(field_run, tmp_path, caplog):
    """In field mode a sample is a time step: its flag covers every predicted cell of its map."""
    _, sample, run_dir = field_run
    first, last = run_training_years(run_dir)
    with xr.open_dataset(sample) as source:  # the training years, inside their own range everywhere
        years = source.indexes["time"].year
        hotter = source.isel(time=np.flatnonzero((years >= first) & (years <= last))).load()
    hotter["rsdt"][10:13] = hotter["rsdt"][10:13] * 3  # three months with far more insolation than ever seen
    hotter.to_netcdf(tmp_path / "hotter.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(run_dir, [str(tmp_path / "hotter.nc")], tmp_path / "out.nc")
    assert sum("training range of rsdt_mean" in record.getMessage() for record in caplog.records) == 1
    with xr.open_dataset(result.path) as predictions:
        flags = predictions["tas_extrapolated"].transpose("time", "lat", "lon").values
        predicted = predictions["tas_pred"].transpose("time", "lat", "lon").values
    expected = np.zeros(flags.shape)
    expected[10:13] = 1
    expected[~np.isfinite(predicted)] = np.nan  # the first step: no clt one month earlier
    np.testing.assert_array_equal(flags, expected)
    assert result.extrapolation["fraction"] == pytest.approx(3 / np.isfinite(predicted).any(axis=(1, 2)).sum())


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_field_mode_aligns_its_training_grid_in_another_cell_order_by_value(field_run, tmp_path, command):
    """A field network writes its maps in the training grid's cell order: the same grid with its
    latitudes flipped is put back in that order by value (before: refused), so each cell gets
    the prediction it gets from the training file, exactly."""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = field_run
    with xr.open_dataset(sample) as source:
        source.load().isel(lat=slice(None, None, -1)).to_netcdf(tmp_path / "flipped.nc")
    if command == "predict":
        got = predict_files(run_dir, [str(tmp_path / "flipped.nc")], tmp_path / "out.nc").path
        want = predict_files(run_dir, [str(sample)], tmp_path / "same.nc").path
    else:
        evaluate_run(run_dir, [str(tmp_path / "flipped.nc")], tmp_path / "scores")
        evaluate_run(run_dir, [str(sample)], tmp_path / "same")
        got, want = tmp_path / "scores" / "predictions.nc", tmp_path / "same" / "predictions.nc"
    with xr.open_dataset(got) as flipped, xr.open_dataset(want) as same:
        flipped = flipped.load().sortby("lat")  # independently of climann: south to north
        np.testing.assert_array_equal(flipped["lat"].values, same["lat"].values)
        np.testing.assert_array_equal(flipped["tas_pred"].values, same["tas_pred"].values)
        assert np.isfinite(same["tas_pred"].values).sum() > 1000


def test_anomaly_features_refuse_data_on_a_grid_of_the_same_size_elsewhere(anomaly_run, tmp_path):
    """The anomaly of clt subtracts the training climatology of each training cell: on the same
    number of cells 5° further east it would subtract other cells' climatologies, silently. (Whole
    cells further east on this global grid are the same cells in another order, aligned by value.)"""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = anomaly_run
    with xr.open_dataset(sample) as source:
        moved = source.load()
    assert (np.diff(moved["lon"].values) == 15.0).all()  # 5° is a third of a cell
    moved = moved.assign_coords(lon=moved["lon"] + 5.0)
    moved["lon_bnds"] = moved["lon_bnds"] + 5.0
    moved.to_netcdf(tmp_path / "east.nc")
    pointwise = load_run(run_dir).config.data.mode == "pointwise"
    message = r"\[data\] anomalies \(clt\) subtract its training climatology" if pointwise else "field-mode"
    with pytest.raises(ClimannError, match=message):
        predict_files(run_dir, [str(tmp_path / "east.nc")], tmp_path / "east_pred.nc")
    with pytest.raises(ClimannError, match="regrid (them|the data) to the training grid"):
        evaluate_run(run_dir, [str(tmp_path / "east.nc")], tmp_path / "east_eval")


# --- climann evaluate RUN: its own input files checked against provenance.json ----------------------
@pytest.fixture
def own_run(tmp_path, monkeypatch):
    """A fresh tiny run (no figures) whose input file each test may change."""
    draw_no_run_figures(monkeypatch)
    sample = write_sample_dataset(tmp_path / "data.nc", years=4, resolution=15.0, seed=3)
    config = build_config({"data": {"paths": [str(sample)]}, "model": {"hidden": [4]}, "training": {"epochs": 1}})
    return sample, run_training(config, run_dir=tmp_path / "run").run_dir


def _add_five_kelvin(path):
    """tas + 5 K written into the file in place, in another process, past the read lock that
    this process (which may hold the file open) keeps on it."""
    import os
    import subprocess
    import sys

    code = "import netCDF4, sys; nc = netCDF4.Dataset(sys.argv[1], 'a'); nc['tas'][:] = nc['tas'][:] + 5.0; nc.close()"
    subprocess.run([sys.executable, "-c", code, str(path)], check=True,
                   env={**os.environ, "HDF5_USE_FILE_LOCKING": "FALSE"})


def test_evaluate_warns_of_an_input_changed_since_training_and_records_it(own_run, tmp_path, capfd, monkeypatch):
    import json

    from tests.console import run_main

    sample, run_dir = own_run
    size = sample.stat().st_size
    _add_five_kelvin(sample)
    assert sample.stat().st_size == size  # the same size: only its checksum tells
    result = run_main("evaluate", str(run_dir), "--out", str(tmp_path / "again"), capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    line = (f"{sample.resolve()} changed since the run was trained (sha256 differs from provenance.json): the scores "
            "are of the file as it is now")
    assert [text for text in result.stderr.splitlines() if "changed since" in text] == [f"climann: warning: {line}"]
    metrics = json.loads((tmp_path / "again" / "metrics.json").read_text())
    assert metrics["changed_inputs"] == [{"path": str(sample.resolve()), "change": "sha256 differs from provenance.json"}]
    assert {key for key in json.loads((run_dir / "metrics.json").read_text())} < metrics.keys()  # every key kept
    assert f"- {line}" in (tmp_path / "again" / "report.md").read_text().splitlines()


def test_evaluate_of_unchanged_inputs_says_nothing(own_run, tmp_path, caplog):
    from climann.workflow.predict import evaluate_run

    _, run_dir = own_run
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run_dir, out=tmp_path / "again")
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []
    assert "changed_inputs" not in metrics


@pytest.mark.parametrize(
    "forget",
    [
        pytest.param(lambda path: path.unlink(), id="no-provenance-json"),
        pytest.param(lambda path: path.write_text('{"inputs": []}'), id="file-not-recorded"),
    ],
)
def test_evaluate_of_a_run_that_did_not_record_its_inputs_checks_nothing(own_run, tmp_path, caplog, forget):
    from climann.workflow.predict import evaluate_run

    sample, run_dir = own_run
    forget(run_dir / "provenance.json")
    _add_five_kelvin(sample)
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run_dir, out=tmp_path / "again")
    assert not [record for record in caplog.records if "changed since" in record.getMessage()]
    assert "changed_inputs" not in metrics


def test_evaluate_of_a_run_whose_input_is_gone_exits_2_in_one_line(own_run, tmp_path, capfd, monkeypatch):
    from tests.console import run_main

    sample, run_dir = own_run
    sample.rename(tmp_path / "moved.nc")
    result = run_main("evaluate", str(run_dir), "--out", str(tmp_path / "again"), capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"climann: error: {sample.resolve()} is missing: the run was trained on it (provenance.json); put it back, "
        "or score other data with --data FILE --out DIR"
    ]


# Season features dated by the middles of the time cells (model.npz ``season_dated_by``): a
# monthly file stamped on the 1st without bounds predicts as the same values with time_bnds;
# a model file from before the record keeps the features of the stamps it was trained on.

#: Days before each month and in each month of a noleap year.
_MONTH_STARTS = np.cumsum(np.r_[0, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30]])
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _write_monthly(path, *, stamp, n_years=3):
    """Monthly tas (noleap, 2 × 3 cells) with a seasonal cycle, stamped on the 1st without
    bounds or at the middles of its time_bnds."""
    starts = np.concatenate([365.0 * year + _MONTH_STARTS for year in range(n_years)])
    ends = starts + np.tile(_MONTH_DAYS, n_years)
    attrs = {"units": "days since 2000-01-01", "calendar": "noleap", "standard_name": "time"}
    tas = 280 + 10 * np.cos(2 * np.pi * (np.arange(12 * n_years) + 0.5) / 12)[:, None, None] * np.ones((1, 2, 3))
    variables = {"tas": (("time", "lat", "lon"), tas.astype(np.float32), {"units": "K", "cell_methods": "time: mean"})}
    if stamp == "bounds":
        attrs["bounds"] = "time_bnds"
        variables["time_bnds"] = (("time", "nbnd"), np.stack([starts, ends], axis=1))
    xr.Dataset(variables, coords={
        "time": ("time", starts if stamp == "first" else (starts + ends) / 2, attrs),
        "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east", "standard_name": "longitude"})}).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def season_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("season")
    train = _write_monthly(folder / "train.nc", stamp="bounds")
    config = build_config({"data": {"paths": [str(train)], "predictors": [], "features": ["season"],
                                    "split_fractions": [0.34, 0.33, 0.33]},
                           "model": {"hidden": [4]}, "training": {"epochs": 2},
                           "evaluation": {"figures": False}})  # its tests predict with its model file only
    return folder, run_training(config, run_dir=folder / "run").run_dir


@pytest.fixture(scope="module")
def summer_run(tmp_path_factory):
    """Trained on June–August ([data] months) of 2000–2002 ([data] time_range) of a 5-year file."""
    folder = tmp_path_factory.mktemp("summer")
    five_years = _write_monthly(folder / "five_years.nc", stamp="bounds", n_years=5)
    config = build_config({"data": {"paths": [str(five_years)], "predictors": [], "features": ["season"],
                                    "time_range": ["2000", "2002"], "months": [6, 7, 8],
                                    "split_fractions": [0.34, 0.33, 0.33]},
                           "model": {"hidden": [4]}, "training": {"epochs": 2},
                           "evaluation": {"figures": False}})
    return five_years, run_training(config, run_dir=folder / "run").run_dir


#: The middles of June, July and August as fractions of a noleap year.
_SUMMER_MIDDLES = ((_MONTH_STARTS + _MONTH_DAYS / 2) / 365)[5:8]


def test_new_data_are_predicted_in_every_year_and_in_the_runs_months_with_a_warning(summer_run, tmp_path, caplog):
    five_years, run_dir = summer_run
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(run_dir, [str(five_years)], tmp_path / "p.nc")
    with xr.open_dataset(result.path, decode_times=TIME) as predictions:
        assert [(t.year, t.month) for t in predictions["time"].values] == [
            (year, month) for year in range(2000, 2005) for month in (6, 7, 8)]
        by_hand = np.tile(_expected_predictions(run_dir, _SUMMER_MIDDLES), 5)
        np.testing.assert_allclose(predictions["tas_pred"].values[:, 0, 0], by_hand, rtol=1e-6)
    assert ("kept the 15 Jun, Jul, Aug steps of the 60 of five_years.nc: the run was trained on Jun, Jul, Aug only "
            "([data] months)") in caplog.text


def test_a_period_of_new_data_is_chosen_with_time_range(summer_run, tmp_path):
    from climann.workflow.predict import evaluate_run

    five_years, run_dir = summer_run
    result = predict_files(run_dir, [str(five_years)], tmp_path / "p.nc", time_range=("2003", "2004"))
    with xr.open_dataset(result.path, decode_times=TIME) as predictions:
        assert [t.year for t in predictions["time"].values] == [2003] * 3 + [2004] * 3
    metrics = evaluate_run(run_dir, [str(five_years)], tmp_path / "scored", time_range=("2003", "2004"))
    assert metrics["splits"]["all"]["model"]["n_samples"] == 6 * 6  # 6 summer months × 6 cells
    with pytest.raises(ClimannError, match="--time-range chooses a period of other data: give it with --data"):
        evaluate_run(run_dir, out=tmp_path / "own", time_range=("2003", "2004"))


def test_new_data_without_a_step_in_the_runs_months_are_refused_naming_both(summer_run, tmp_path):
    five_years, run_dir = summer_run
    with xr.open_dataset(five_years) as whole:
        whole.isel(time=[0, 1, 11]).to_netcdf(tmp_path / "winter.nc")
    with pytest.raises(ClimannError, match=r"these data \(winter.nc\) hold no time step in the months the run was "
                       r"trained on \(Jun, Jul, Aug, \[data\] months\): their steps fall in Jan, Feb, Dec"):
        predict_files(run_dir, [str(tmp_path / "winter.nc")], tmp_path / "p.nc")


def test_evaluating_a_run_on_its_own_data_keeps_its_period_and_months_bit_for_bit(summer_run, tmp_path):
    import json

    from climann.workflow.predict import evaluate_run

    _, run_dir = summer_run
    original = json.loads((run_dir / "metrics.json").read_text())
    rescored = evaluate_run(run_dir, out=tmp_path / "again")
    assert rescored["splits"] == original["splits"] and rescored["n_samples"] == original["n_samples"]
    assert original["n_samples"] == {"train": 18, "val": 18, "test": 18}  # 3 months × 6 cells per year


def _expected_predictions(run_dir, fraction):
    """The network applied by hand to (sin 2πf, cos 2πf), f the fraction of the year."""
    from climann.workflow.predict import saved_scalers

    run = load_run(run_dir)
    inputs, targets = saved_scalers(run)
    features = np.stack([np.sin(2 * np.pi * fraction), np.cos(2 * np.pi * fraction)], axis=1)
    return targets.inverse_transform(run.network.predict(inputs.transform(features)))[:, 0]


def test_monthly_means_stamped_on_the_1st_predict_as_with_their_bounds(season_run, tmp_path):
    folder, run_dir = season_run
    first = predict_files(run_dir, [str(_write_monthly(tmp_path / "first.nc", stamp="first"))], tmp_path / "p1.nc")
    bounded = predict_files(run_dir, [str(_write_monthly(tmp_path / "bnds.nc", stamp="bounds"))], tmp_path / "p2.nc")
    with xr.open_dataset(first.path) as on_first, xr.open_dataset(bounded.path) as with_bounds:
        np.testing.assert_array_equal(on_first["tas_pred"].values, with_bounds["tas_pred"].values)
        middles = (_MONTH_STARTS + _MONTH_DAYS / 2) / 365
        np.testing.assert_allclose(on_first["tas_pred"].values[:12, 0, 0], _expected_predictions(run_dir, middles),
                                   rtol=1e-6)
    assert load_run(run_dir).network.metadata["season_dated_by"] == "cell_middle"


def test_a_model_file_from_before_the_record_dates_the_season_by_the_stamps(season_run, tmp_path):
    import shutil

    from climann.model import Network

    folder, run_dir = season_run
    old_run = tmp_path / "old_run"
    shutil.copytree(run_dir, old_run)
    network = Network.load(old_run / "model.npz")
    (old_run / "model.npz").unlink()
    network.save(old_run / "model.npz", metadata={k: v for k, v in network.metadata.items() if k != "season_dated_by"})
    without_model_record(old_run)  # an older climann's run names no model
    result = predict_files(old_run, [str(_write_monthly(tmp_path / "first.nc", stamp="first"))], tmp_path / "p.nc")
    with xr.open_dataset(result.path) as predictions:
        np.testing.assert_allclose(predictions["tas_pred"].values[:12, 0, 0],
                                   _expected_predictions(old_run, _MONTH_STARTS / 365), rtol=1e-6)


@pytest.mark.parametrize("stamp", [pytest.param("mid", id="later-years-mid-month"),
                                   pytest.param("first", id="later-years-on-the-1st")])
def test_files_of_one_variable_with_and_without_time_bounds_predict_as_one_file(season_run, tmp_path, caplog, stamp):
    """The first year with time_bnds, the later years in another file without: combined as split
    blocks are (each dated as on its own), they predict what the whole series in one file does."""
    from climann.data.notes import forget_notes

    _, run_dir = season_run
    forget_notes()  # the warning is said once per process
    whole = _write_monthly(tmp_path / "whole.nc", stamp="bounds")
    with xr.open_dataset(whole) as bounded:
        bounded.isel(time=slice(0, 12)).to_netcdf(tmp_path / "first_year.nc")
    with xr.open_dataset(_write_monthly(tmp_path / "unbounded.nc", stamp=stamp)) as unbounded:
        unbounded.isel(time=slice(12, None)).to_netcdf(tmp_path / "later_years.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        split = predict_files(run_dir, [str(tmp_path / "first_year.nc"), str(tmp_path / "later_years.nc")],
                              tmp_path / "p_split.nc")
    one = predict_files(run_dir, [str(whole)], tmp_path / "p_one.nc")
    with xr.open_dataset(split.path) as in_two, xr.open_dataset(one.path) as in_one:
        assert in_two.sizes["time"] == in_one.sizes["time"] == 36
        np.testing.assert_array_equal(in_two["tas_pred"].values, in_one["tas_pred"].values)
    assert "later_years.nc has no time bounds while first_year.nc has ('time_bnds')" in caplog.text


@pytest.mark.parametrize("days_after_the_1st", [pytest.param(0, id="stamped-on-the-1st"),
                                                pytest.param(14, id="stamped-on-the-15th")])
@pytest.mark.parametrize("month", [pytest.param(0, id="january"), pytest.param(6, id="july")])
def test_one_time_step_predicts_as_within_a_year_of_steps(season_run, tmp_path, caplog, days_after_the_1st, month):
    """A single monthly mean without bounds has no step of its own: the run's training step
    (monthly) dates it by the middle of its month, as the 12-step file does."""
    from climann.data.notes import forget_notes

    _, run_dir = season_run
    forget_notes()  # the start-of-month warning is said once per process
    _write_monthly(tmp_path / "first.nc", stamp="first", n_years=1)
    with xr.open_dataset(tmp_path / "first.nc", decode_times=False) as first:
        year = first.assign_coords(time=first["time"] + days_after_the_1st)
        year.to_netcdf(tmp_path / "year.nc")
        year.isel(time=slice(month, month + 1)).to_netcdf(tmp_path / "one.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        one = predict_files(run_dir, [str(tmp_path / "one.nc")], tmp_path / "p_one.nc")
    twelve = predict_files(run_dir, [str(tmp_path / "year.nc")], tmp_path / "p_year.nc")
    with xr.open_dataset(one.path) as alone, xr.open_dataset(twelve.path) as within:
        assert alone.sizes["time"] == 1
        np.testing.assert_array_equal(alone["tas_pred"].values[0], within["tas_pred"].values[month])
    assert ("stamped at the start of each month" in caplog.text) == (days_after_the_1st == 0)


@pytest.fixture(scope="module")
def renamed_run(tmp_path_factory):
    """A run on ERA5-like years of ``tas`` named ``t2m`` (1980–1981) and CMIP-like years named
    ``tas`` (1982–1983), trained with ``rename = {"t2m_*" = {t2m = "tas"}}``."""
    folder = tmp_path_factory.mktemp("renamed")
    write_sample_dataset(folder / "sample.nc", years=4, resolution=30.0, seed=5)
    with xr.open_dataset(folder / "sample.nc", decode_times=TIME) as sample:
        full = sample[["tas", "rsdt", "time_bnds"]].load()
    full.isel(time=slice(0, 24)).rename(tas="t2m").to_netcdf(folder / "t2m_1980-1981.nc")
    full.isel(time=slice(24, None)).to_netcdf(folder / "tas_1982-1983.nc")
    config = build_config({"data": {"paths": [str(folder / "t2m_1980-1981.nc"), str(folder / "tas_1982-1983.nc")],
                                    "target": "tas", "predictors": ["rsdt"], "rename": {"t2m_*": {"t2m": "tas"}}},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    return folder, full, run_training(config, run_dir=folder / "run").run_dir


@pytest.mark.parametrize("name, old", [
    pytest.param("tas_1982-1983.nc", False, id="new-name-no-pattern-matches"),
    pytest.param("t2m_1982-1983.nc", True, id="old-name-matched-by-the-pattern"),
])
def test_new_data_of_a_renamed_run_predict_and_evaluate_as_its_training_files(renamed_run, tmp_path, caplog, name, old):
    """The run's renames apply to new files as to its own: new CMIP files already named
    ``tas`` (which the pattern ``t2m_*`` does not match) and new ERA5 files named ``t2m``
    give the run's own predictions of 1982–1983; the first were refused with 'rename pattern
    't2m_*' matches none of the files'."""
    folder, full, run_dir = renamed_run
    years = full.isel(time=slice(24, None))
    (years.rename(tas="t2m") if old else years).to_netcdf(tmp_path / name)
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(run_dir, [str(tmp_path / name)], tmp_path / "predicted.nc")
    assert "rename" not in caplog.text
    with xr.open_dataset(result.path, decode_times=TIME) as new, \
            xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as own:
        np.testing.assert_allclose(new["tas_pred"].values, own["tas_pred"].isel(time=slice(24, None)).values,
                                   rtol=1e-5)
        np.testing.assert_array_equal(new["tas"].values, years["tas"].values)
    from climann.workflow.predict import evaluate_run

    metrics = evaluate_run(run_dir, [str(tmp_path / name)], tmp_path / "scores")
    assert metrics["splits"]["all"]["model"]["n_samples"] == result.scores["n_samples"] == years["tas"].size
    assert metrics["splits"]["all"]["model"]["mse"] == pytest.approx(result.scores["mse"], rel=1e-5)


def test_new_data_holding_the_old_name_outside_the_pattern_are_not_renamed_with_a_warning(renamed_run, tmp_path,
                                                                                         caplog, monkeypatch):
    """A new ERA5 file that the run's pattern ``t2m_*`` does not match is left as it is (the
    pattern says which files hold the field under its old name), said in one warning with
    the fix; its ``t2m`` is not scored as ``tas``."""
    folder, full, run_dir = renamed_run
    monkeypatch.chdir(tmp_path)
    full.isel(time=slice(24, None)).rename(tas="t2m").to_netcdf(tmp_path / "era5_1982.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(run_dir, [str(tmp_path / "era5_1982.nc")], tmp_path / "predicted.nc")
    # fix54b: the copy in a new folder (era5_1982_fixed.nc beside the file before)
    assert ("era5_1982.nc holds 't2m', which the run renamed to 'tas' in files matching 't2m_*' only ([data] rename): "
            "it is left as 't2m' here; if it is the model's 'tas', rename it in a copy (`mkdir -p renamed && ncrename "
            "-v t2m,tas era5_1982.nc renamed/era5_1982.nc` (its copy in a new folder), then give --data "
            "renamed/era5_1982.nc in place of era5_1982.nc) or name the file to match") in map(without_guards,
                                                                                             caplog.messages)
    assert result.scores is None


@pytest.fixture(scope="module")
def salinity_run(tmp_path_factory):
    """A run predicting sea water salinity ``so`` in CMIP6's units ``1e-3`` (about 35) from
    ``rsdt``."""
    folder = tmp_path_factory.mktemp("salinity")
    write_sample_dataset(folder / "sample.nc", years=3, resolution=30.0, seed=7)
    with xr.open_dataset(folder / "sample.nc", decode_times=TIME) as sample:
        data = sample[["tas", "rsdt", "time_bnds"]].load()
    so = (30.0 + (data["tas"] - 250.0) / 10.0).astype(np.float32)
    so.attrs = {"units": "1e-3", "standard_name": "sea_water_salinity", "cell_methods": "time: mean"}
    data = data.drop_vars("tas").assign(so=so)
    data.to_netcdf(folder / "so_1e-3.nc")
    config = build_config({"data": {"paths": [str(folder / "so_1e-3.nc")], "target": "so", "predictors": ["rsdt"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    return data, run_training(config, run_dir=folder / "run").run_dir


@pytest.mark.parametrize("units, factor", [
    pytest.param("0.001", 1.0, id="0.001"),
    pytest.param("1", 1e-3, id="1-values-1000-times-smaller"),
    pytest.param("g/kg", 1.0, id="g-per-kg"),
])
def test_salinity_in_other_numeric_units_predicts_as_in_its_training_units(salinity_run, tmp_path, units, factor):
    """The same salinity written in ``0.001``, ``g/kg`` or as a fraction (``1``, values 1000
    times smaller): predictions and the target in the output are those of the training
    file, in its units ``1e-3`` (CF section 3.1, UDUNITS: a number in the units is a scale)."""
    data, run_dir = salinity_run
    other = data.copy()
    other["so"] = (data["so"] * factor).astype(np.float32)
    other["so"].attrs = dict(data["so"].attrs, units=units)
    other.to_netcdf(tmp_path / "so.nc")
    result = predict_files(run_dir, [str(tmp_path / "so.nc")], tmp_path / "predicted.nc")
    with xr.open_dataset(result.path, decode_times=TIME) as new, \
            xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as own:
        np.testing.assert_allclose(new["so_pred"].values, own["so_pred"].values, rtol=1e-6)
        np.testing.assert_allclose(new["so"].values, data["so"].values, rtol=1e-6)
        assert new["so_pred"].attrs["units"] == new["so"].attrs["units"] == "1e-3"


def test_salinity_in_a_ratio_of_named_units_without_the_standard_name_is_refused(salinity_run, tmp_path):
    """``g/kg`` against the run's ``1e-3`` converts only where the file names the run's
    standard_name (the test above); without it a ratio of named units is not taken for the run's
    pure number (break31b B1), and nothing is written."""
    data, run_dir = salinity_run
    other = data.copy()
    other["so"] = data["so"].copy()
    other["so"].attrs = {"units": "g/kg", "cell_methods": "time: mean"}
    other.to_netcdf(tmp_path / "so.nc")
    with pytest.raises(ClimannError, match=r"^'so' is in 'g/kg' \(a ratio of named units\) in so\.nc but in '1e-3' "
                                           r"\(a pure number; standard_name sea_water_salinity\) in the model's "
                                           r"training data: .*units,so,o,c,1e-3 "):
        predict_files(run_dir, [str(tmp_path / "so.nc")], tmp_path / "predicted.nc")
    assert not (tmp_path / "predicted.nc").exists()


def test_evaluate_scores_salinity_in_g_per_kg_only_where_the_standard_name_says_it_is_the_runs(salinity_run, tmp_path):
    """``evaluate --data`` as ``predict``: ``g/kg`` with the run's standard_name scores as the
    training file in ``1e-3`` does; without it, refused before any score (break31b B1)."""
    from climann.workflow.predict import evaluate_run

    data, run_dir = salinity_run
    data.to_netcdf(tmp_path / "so_own.nc")
    own = evaluate_run(run_dir, [str(tmp_path / "so_own.nc")], tmp_path / "own")
    other = data.copy()
    other["so"] = data["so"].copy()
    other["so"].attrs = dict(data["so"].attrs, units="g/kg")
    other.to_netcdf(tmp_path / "so_named.nc")
    named = evaluate_run(run_dir, [str(tmp_path / "so_named.nc")], tmp_path / "named")
    assert named["splits"]["all"]["model"]["rmse"] == pytest.approx(own["splits"]["all"]["model"]["rmse"], rel=1e-6)
    del other["so"].attrs["standard_name"]
    other.to_netcdf(tmp_path / "so_unnamed.nc")
    with pytest.raises(ClimannError, match=r"^'so' is in 'g/kg' \(a ratio of named units\) in so_unnamed\.nc but in "
                                           r"'1e-3' \(a pure number; standard_name sea_water_salinity\)"):
        evaluate_run(run_dir, [str(tmp_path / "so_unnamed.nc")], tmp_path / "unnamed")
    assert not (tmp_path / "unnamed").exists()


@pytest.fixture(scope="module")
def soil_moisture_run(tmp_path_factory):
    """A run predicting volumetric soil moisture ``sm`` in ``m3 m-3`` (0.05 to 0.45) from ``rsdt``,
    its file naming no standard_name."""
    folder = tmp_path_factory.mktemp("soil_moisture")
    write_sample_dataset(folder / "sample.nc", years=3, resolution=30.0, seed=7)
    with xr.open_dataset(folder / "sample.nc", decode_times=TIME) as sample:
        data = sample[["tas", "rsdt", "time_bnds"]].load()
    sm = (0.25 + (data["tas"] - 280.0) / 400.0).clip(0.05, 0.45).astype(np.float32)
    sm.attrs = {"units": "m3 m-3", "long_name": "Volumetric Soil Moisture", "cell_methods": "time: mean"}
    data = data.drop_vars("tas").assign(sm=sm)
    data.to_netcdf(folder / "sm.nc")
    config = build_config({"data": {"paths": [str(folder / "sm.nc")], "target": "sm", "predictors": ["rsdt"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    return data, run_training(config, run_dir=folder / "run").run_dir


def _soil_moisture_in(data, units, factor, path, long_name="Gravimetric Soil Moisture"):
    """The run's file with ``sm``'s values times ``factor`` in ``units``."""
    other = data.copy()
    other["sm"] = (data["sm"] * factor).astype(np.float32)
    other["sm"].attrs = dict(data["sm"].attrs, units=units, long_name=long_name)
    other.to_netcdf(path)
    return str(path)


@pytest.mark.parametrize("units", [pytest.param("kg kg-1", id="mass-per-mass"),
                                   pytest.param("g/kg", id="g-per-kg")])
def test_soil_moisture_by_mass_is_not_predicted_from_as_a_volume_fraction(soil_moisture_run, tmp_path, units):
    """A gravimetric water content (0.20 kg kg-1 is 0.26 m3 m-3 in a soil of bulk density 1300
    kg m-3) given to a run trained on volumetric m3 m-3: pint reads both as "1" and relabelled it
    (or took g/kg x 0.001); refused in one line, nothing written."""
    data, run_dir = soil_moisture_run
    path = _soil_moisture_in(data, units, 1.0, tmp_path / "sm_mass.nc")
    with pytest.raises(ClimannError, match=rf"^'sm' is in '{units}' \(a ratio of named units, mass per mass; long_name "
                                           r"'Gravimetric Soil Moisture'\) in sm_mass\.nc but in 'm3 m-3' \(a ratio of "
                                           r"named units, volume per volume\) in the model's training data: ratios of "
                                           r"named units of other kinds"):
        predict_files(run_dir, [path], tmp_path / "predicted.nc")
    assert not (tmp_path / "predicted.nc").exists()


def test_evaluate_scores_soil_moisture_only_in_a_volume_per_volume(soil_moisture_run, tmp_path):
    """``evaluate --data`` as ``predict``: the run's values in litres per cubic metre (x1000)
    score as its own file does (250 L m-3 is 0.25 m3 m-3); as a mass per mass, refused before
    any score."""
    from climann.workflow.predict import evaluate_run

    data, run_dir = soil_moisture_run
    own = evaluate_run(run_dir, [_soil_moisture_in(data, "m3 m-3", 1.0, tmp_path / "sm_own.nc")], tmp_path / "own")
    litres = evaluate_run(run_dir, [_soil_moisture_in(data, "L m-3", 1000.0, tmp_path / "sm_litres.nc")],
                          tmp_path / "litres")
    assert litres["splits"]["all"]["model"]["rmse"] == pytest.approx(own["splits"]["all"]["model"]["rmse"], rel=1e-5)
    with pytest.raises(ClimannError, match=r"^'sm' is in 'kg kg-1' \(a ratio of named units, mass per mass"):
        evaluate_run(run_dir, [_soil_moisture_in(data, "kg kg-1", 1.0, tmp_path / "sm_mass.nc")], tmp_path / "mass")
    assert not (tmp_path / "mass").exists()


def _seasonal_precipitation(path, *, totals: bool, bounds: bool = True):
    """Ten years of DJF/MAM/JJA/SON precipitation (noleap: cells of 90, 92, 92 and 91 days),
    stamped mid-season: mean rates in kg m-2 s-1 (``time: mean``), or the totals over each
    season in kg m-2 (``time: sum``), with ``time_bnds`` when ``bounds``; ``pred`` alike."""
    import cftime

    starts = [cftime.datetime(1999 + (m + 11) // 12, (m + 11) % 12 + 1, 1, calendar="noleap") for m in range(0, 121, 3)]
    cells = np.array(list(zip(starts[:-1], starts[1:])), dtype=object)
    seconds = np.array([(high - low).total_seconds() for low, high in cells])
    pred = np.random.default_rng(2).uniform(0, 1, (len(cells), 3, 4))
    rate = (2.0 + 3.0 * pred + np.array([low.month == 6 for low, _ in cells])[:, None, None]) * 1e-5
    values = rate * seconds[:, None, None] if totals else rate
    attrs = {"units": "kg m-2" if totals else "kg m-2 s-1", "cell_methods": "time: sum" if totals else "time: mean"}
    dataset = xr.Dataset(
        {"pr": (("time", "lat", "lon"), values.astype(np.float32), attrs),
         "pred": (("time", "lat", "lon"), pred.astype(np.float32), {"units": "1"})},
        coords={"time": ("time", np.array([low + (high - low) / 2 for low, high in cells]), {"standard_name": "time"}),
                "lat": ("lat", [-45.0, 0.0, 45.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})})
    if bounds:
        dataset["time"].attrs["bounds"] = "time_bnds"
        dataset["time_bnds"] = (("time", "bnds"), cells)
    dataset.to_netcdf(path, encoding={"time": {"units": "days since 1850-01-01", "calendar": "noleap"}})
    return rate.astype(np.float32), seconds


def test_seasonal_totals_predict_as_the_rates_of_a_rate_model(tmp_path):
    """A model of seasonal mean rates (kg m-2 s-1) given seasonal totals (kg m-2, time: sum,
    with time_bnds): each season's total is divided by its own cell (90, 92, 92 or 91 days), and
    the predictions and the target are those of the rates themselves."""
    rate, seconds = _seasonal_precipitation(tmp_path / "rates.nc", totals=False)
    assert sorted(set(seconds / 86400)) == [90.0, 91.0, 92.0]
    config = build_config({"data": {"paths": [str(tmp_path / "rates.nc")], "target": "pr", "predictors": ["pred"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    _seasonal_precipitation(tmp_path / "totals.nc", totals=True)
    result = predict_files(run_dir, [str(tmp_path / "totals.nc")], tmp_path / "predicted.nc")
    with xr.open_dataset(result.path, decode_times=TIME) as new, \
            xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as own:
        np.testing.assert_allclose(new["pr"].transpose("time", "lat", "lon").values, rate, rtol=1e-6)
        np.testing.assert_allclose(new["pr_pred"].values, own["pr_pred"].values, rtol=1e-5)
        assert new["pr_pred"].attrs["units"] == "kg m-2 s-1"


def _in_minus_180_to_180(dataset: xr.Dataset) -> xr.Dataset:
    """The same cells with longitudes −180…180 (bounds too), west to east."""
    wrapped = lambda values: (values + 180.0) % 360.0 - 180.0  # noqa: E731
    moved = dataset.assign_coords(lon=wrapped(dataset["lon"]).assign_attrs(dataset["lon"].attrs))
    moved["lon_bnds"] = moved["lon_bnds"].copy(data=np.sort(wrapped(moved["lon_bnds"].values), axis=1))
    return moved.sortby("lon")


@pytest.fixture(scope="module")
def dateline_box(tmp_path_factory):
    """A run on a box across the dateline (region 30…60°N, 150°E…150°W) of a −180…180 file:
    cells at 157.5, 172.5, −172.5, −157.5."""
    folder = tmp_path_factory.mktemp("dateline")
    sample = write_sample_dataset(folder / "sample.nc", years=3, resolution=15.0, seed=3)
    with xr.open_dataset(sample) as source:
        _in_minus_180_to_180(source).to_netcdf(folder / "sample_180.nc")
    config = build_config({"data": {"paths": [str(folder / "sample_180.nc")], "region": [30, 60, 150, -150],
                                    "predictors": ["rsdt", "clt"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    return folder, sample, run_training(config, run_dir=folder / "run").run_dir


def test_a_box_across_the_dateline_is_noted_as_the_box_it_is(dateline_box, tmp_path):
    """The note gave the training box as 'lon -172.5…172.5' (the smallest and largest
    longitude: the rest of the globe), and called the same cells in 0…360 another grid."""
    folder, sample, run_dir = dateline_box
    assert predict_files(run_dir, [str(sample)], tmp_path / "same_cells_0_360.nc").notes == []
    with xr.open_dataset(folder / "sample_180.nc") as source:
        source.sel(lon=[157.5, 172.5, -172.5]).to_netcdf(tmp_path / "part.nc")
    assert predict_files(run_dir, [str(tmp_path / "part.nc")], tmp_path / "part_predicted.nc").notes == [
        "the grid differs from the training grid (2×4, lat 37.5…52.5, lon 157.5…-157.5 across the dateline → "
        "2×3, lat 37.5…52.5, lon 157.5…-172.5 across the dateline); a pointwise model predicts each cell from its "
        "own features"]


def test_the_training_grid_in_the_other_longitude_convention_is_not_noted(tmp_path):
    """A global 15° run on 7.5…352.5: the same cells in −180…180 with latitudes north to south
    (break21a's ssp_flip.nc) were noted as 'a grid that differs' (their ends, −172.5…172.5,
    are not 7.5…352.5); docs/run-directory.md says they are the same grid. The grid moved by
    half a cell (0…345) is another grid, and still noted."""
    sample = write_sample_dataset(tmp_path / "sample.nc", years=3, resolution=15.0, seed=3)
    config = build_config({"data": {"paths": [str(sample)], "predictors": ["rsdt", "clt"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    with xr.open_dataset(sample) as source:
        _in_minus_180_to_180(source).sortby("lat", ascending=False).to_netcdf(tmp_path / "flipped.nc")
        shifted = source.assign_coords(lon=(source["lon"] - 7.5).assign_attrs(source["lon"].attrs))
        shifted.drop_vars("lon_bnds").to_netcdf(tmp_path / "shifted.nc")
    assert predict_files(run_dir, [str(tmp_path / "flipped.nc")], tmp_path / "flipped_predicted.nc").notes == []
    notes = predict_files(run_dir, [str(tmp_path / "shifted.nc")], tmp_path / "shifted_predicted.nc").notes
    assert notes == ["the grid differs from the training grid (12×24, lat -82.5…82.5, lon 7.5…352.5 → "
                     "12×24, lat -82.5…82.5, lon 0…345); a pointwise model predicts each cell from its own features"]


@pytest.fixture(scope="module")
def folder_renamed_run(tmp_path_factory):
    """A run started in ``work/`` on ``era5/t2m_1980-1981.nc`` (``tas`` named ``t2m``) and
    ``cmip/tas_1982-1983.nc``, with ``rename = {"era5/*" = {t2m = "tas"}}`` relative to ``work/``."""
    folder = tmp_path_factory.mktemp("folder_renamed")
    write_sample_dataset(folder / "sample.nc", years=4, resolution=30.0, seed=5)
    with xr.open_dataset(folder / "sample.nc", decode_times=TIME) as sample:
        full = sample[["tas", "rsdt", "time_bnds"]].load()
    for name in ("era5", "cmip", "elsewhere"):
        (folder / name).mkdir()
    full.isel(time=slice(0, 24)).rename(tas="t2m").to_netcdf(folder / "era5" / "t2m_1980-1981.nc")
    full.isel(time=slice(24, None)).to_netcdf(folder / "cmip" / "tas_1982-1983.nc")
    full.isel(time=slice(24, None)).rename(tas="t2m").to_netcdf(folder / "era5" / "t2m_1982-1983.nc")
    config = build_config({"data": {"paths": ["era5/t2m_1980-1981.nc", "cmip/tas_1982-1983.nc"], "target": "tas",
                                    "predictors": ["rsdt"], "rename": {"era5/*": {"t2m": "tas"}}},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        run_dir = run_training(config, run_dir=folder / "run").run_dir
    return folder, full, run_dir


def _recorded_relative(run_dir, copy):
    """A copy of the run as runs were recorded before: the rename pattern as given."""
    import shutil

    shutil.copytree(run_dir, copy)
    text = (copy / "config.toml").read_text()
    (copy / "config.toml").write_text(text.replace(f'"{run_dir.parent / "era5"}/*"', '"era5/*"'))
    assert '"era5/*"' in (copy / "config.toml").read_text()
    return copy


@pytest.mark.parametrize("recorded", [pytest.param("now", id="recorded-absolute"),
                                      pytest.param("before", id="old-run-recorded-relative")])
def test_a_folder_pattern_renames_the_runs_new_data_from_any_folder(folder_renamed_run, tmp_path, monkeypatch,
                                                                     recorded):
    """From another folder, a new ``era5/`` file is renamed as in training: the run's
    predictions of 1982–1983 (the pattern, kept relative to the training folder while the
    paths were absolute, matched nothing there: 'neither the target nor a predictor')."""
    folder, full, run_dir = folder_renamed_run
    if recorded == "now":
        from climann.workflow.config import load_config_file

        assert load_config_file(run_dir / "config.toml")["data"]["rename"] == {f"{folder}/era5/*": {"t2m": "tas"}}
    else:
        run_dir = _recorded_relative(run_dir, tmp_path / "old_run")
    monkeypatch.chdir(folder / "elsewhere")
    result = predict_files(run_dir, ["../era5/t2m_1982-1983.nc"], tmp_path / "predicted.nc")
    with xr.open_dataset(result.path, decode_times=TIME) as new, \
            xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as own:
        np.testing.assert_allclose(new["tas_pred"].values, own["tas_pred"].isel(time=slice(24, None)).values,
                                   rtol=1e-5)
        np.testing.assert_array_equal(new["tas"].values, full["tas"].isel(time=slice(24, None)).values)


def test_a_runs_config_with_a_folder_pattern_prepares_the_same_data_from_another_folder(folder_renamed_run,
                                                                                        monkeypatch):
    """``climann train --config RUN/config.toml`` from another folder reads the same files,
    renamed as in the run (refused before: 'rename pattern 'era5/*' matches none of the files')."""
    from climann.workflow.config import load_config_file
    from climann.workflow.preparation import prepare_data

    folder, full, run_dir = folder_renamed_run
    monkeypatch.chdir(folder / "elsewhere")
    prepared = prepare_data(resolve_inputs(build_config(load_config_file(run_dir / "config.toml"))))
    expected = full["tas"].values.ravel()
    assert prepared.samples.target.shape[0] == expected.size  # every cell of the four years
    np.testing.assert_array_equal(prepared.samples.target[:, 0], expected[prepared.samples.flat_index])


def test_evaluating_a_run_on_its_own_data_opens_them_once(trained, tmp_path, monkeypatch):
    """The sample source and the samples are built from one opening of the files (each was
    opened twice), and the scores are those of the run."""
    import json

    import climann.data.open as opening
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    opened = []
    open_one = opening._open_one
    monkeypatch.setattr(opening, "_open_one", lambda path, coder, *rest: opened.append(path.name) or open_one(path, coder, *rest))
    rescored = evaluate_run(run_dir, out=tmp_path / "again")
    assert opened == [sample.name]
    original = json.loads((run_dir / "metrics.json").read_text())
    assert rescored["splits"] == original["splits"]


def _ensemble(sample, path):
    """``sample`` as an ensemble of 3 members (``realization`` 1, 2, 3, CF standard name): the
    target of member k warmer by k − 1 K."""
    with xr.open_dataset(sample) as source:
        members = xr.DataArray([1, 2, 3], dims="realization", attrs={"standard_name": "realization", "units": "1"})
        tas = (source["tas"] + xr.DataArray(np.float32([0.0, 1.0, 2.0]), dims="realization")).assign_attrs(
            source["tas"].attrs)
        source.assign(tas=tas.transpose("realization", ...)).assign_coords(realization=members).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def trained_on_member_1(tmp_path_factory):
    folder = tmp_path_factory.mktemp("members")
    sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=3)
    ensemble = _ensemble(sample, folder / "ens.nc")
    with xr.open_dataset(ensemble) as source:
        source.isel(realization=1).to_netcdf(folder / "member_2.nc")  # CMIP-style: a scalar realization
        source.isel(realization=1).drop_vars("realization").to_netcdf(folder / "no_member.nc")  # as observations
        member_2 = source["tas"].isel(realization=1).values
    config = build_config({"data": {"paths": [str(ensemble)], "select": {"realization": 1}}, "model": {"hidden": [4]},
                           "training": {"epochs": 1}, "evaluation": {"figures": False}})
    return folder, member_2, run_training(config, run_dir=folder / "run").run_dir


@pytest.mark.parametrize(
    ("files", "select", "member"),
    [
        pytest.param(["member_2.nc"], None, 2, id="member-file"),
        pytest.param(["ens.nc"], {"realization": 2.0}, 2, id="ensemble-file-selected"),
        pytest.param(["no_member.nc"], None, None, id="no-member-axis"),
    ],
)
def test_a_run_trained_on_one_member_predicts_another_and_says_which(trained_on_member_1, tmp_path, files, select,
                                                                    member):
    folder, member_2, run_dir = trained_on_member_1
    result = predict_files(run_dir, [str(folder / name) for name in files], tmp_path / "p.nc", select=select)
    reference = predict_files(run_dir, [str(folder / "no_member.nc")], tmp_path / "reference.nc")
    with xr.open_dataset(result.path) as predicted, xr.open_dataset(reference.path) as plain:
        np.testing.assert_array_equal(predicted["tas"].values, member_2)  # member 2's values, not member 1's
        np.testing.assert_array_equal(predicted["tas_pred"].values, plain["tas_pred"].values)
        if member:  # which member the predictions are of, kept from the data
            assert int(predicted["realization"]) == member
        else:
            assert "realization" not in predicted.variables
    expected = (f"{files[0]}: ensemble member realization=2 (the run was trained on realization=1)" if member else
                f"{files[0]}: no ensemble member (realization), predicted as the member the run was trained on "
                "(realization=1) would be")
    assert expected in result.notes


def test_evaluate_on_another_member_records_it_and_scores_its_values(trained_on_member_1, tmp_path):
    from climann.workflow.predict import evaluate_run

    folder, member_2, run_dir = trained_on_member_1
    metrics = evaluate_run(run_dir, [str(folder / "ens.nc")], tmp_path / "scores", select={"realization": 2.0})
    assert metrics["members"] == {"realization": [2]}
    with xr.open_dataset(tmp_path / "scores" / "predictions.nc") as scored:
        np.testing.assert_array_equal(scored["tas"].values, member_2)
        error = (scored["tas_pred"] - member_2).values.astype(np.float64)
        weights = np.broadcast_to(np.cos(np.deg2rad(scored["lat"].values))[None, :, None], error.shape)
    present = np.isfinite(error)  # 15° cells: sin φ₂ − sin φ₁ ∝ cos φ to 0.3 %, so compare loosely
    mse = np.sum(weights[present] * error[present] ** 2) / np.sum(weights[present])
    assert metrics["splits"]["all"]["model"]["mse"] == pytest.approx(mse, rel=1e-2)


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
def test_several_members_give_the_runs_own_and_select_chooses_another(trained_on_member_1, tmp_path, capfd,
                                                                     monkeypatch, command):
    """break41c C3: data holding the run's member (realization=1) were refused, asking for --select realization=VALUE
    '(the run was trained on realization=1)'; the run's own member is taken, as its own level is (fix40h), and said;
    --select chooses another."""
    from tests.console import run_main

    folder, _, run_dir = trained_on_member_1
    out = ["--out", tmp_path / ("p.nc" if command == "predict" else "scores")]
    own = run_main(command, run_dir, "--data", folder / "ens.nc", *out, capfd=capfd, monkeypatch=monkeypatch)
    assert own.returncode == 0, own.stderr
    assert "ensemble member realization=1" in own.stderr  # predict: "(the run was trained on …)"; evaluate: "scored"
    followed = run_main(command, run_dir, "--data", folder / "ens.nc", *out, "--overwrite", "--select",
                        "realization=3", capfd=capfd, monkeypatch=monkeypatch)
    assert followed.returncode == 0, followed.stderr
    assert "ensemble member realization=3" in followed.stderr


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
def test_several_members_without_the_runs_are_refused_naming_an_option_the_command_has(
        trained_on_member_1, tmp_path, capfd, monkeypatch, command):
    from tests.console import run_main

    folder, _, run_dir = trained_on_member_1
    with xr.open_dataset(folder / "ens.nc") as ensemble:
        ensemble.isel(realization=[1, 2]).to_netcdf(tmp_path / "others.nc")
    out = ["--out", tmp_path / ("p.nc" if command == "predict" else "scores")]
    refused = run_main(command, run_dir, "--data", tmp_path / "others.nc", *out, capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2 and refused.stderr.strip().splitlines() == [
        "climann: error: others.nc holds 2 ensemble members (realization: 2, 3) (the run was trained on "
        "realization=1); the model predicts one at a time: choose it with --select realization=VALUE, once per member"
    ]


def test_another_level_than_the_runs_is_refused_in_one_line(trained_at_850_hpa, tmp_path):
    folder, run_dir = trained_at_850_hpa
    other = _on_pressure_levels(folder / "t.nc", tmp_path / "other.nc", [1000.0, 850.0, 700.0], "hPa")
    with pytest.raises(ClimannError, match=r"^the run was trained at plev=85000 \(\[data\] select\) and applies to "
                                           r"data at that plev only: predict and evaluate select plev=85000 "
                                           r"themselves; leave out --select plev=700.0 \(or give the run's "
                                           r"plev=85000\)$"):
        predict_files(run_dir, [str(other)], tmp_path / "p.nc", select={"plev": 700.0})


def test_the_runs_own_level_given_again_is_taken(trained_at_850_hpa, tmp_path):
    """The run's own value with --select (85000 written 85000.0) is the run's selection: the run's predictions."""
    folder, run_dir = trained_at_850_hpa
    own = predict_files(run_dir, [str(folder / "pa.nc")], tmp_path / "a.nc").path
    again = predict_files(run_dir, [str(folder / "pa.nc")], tmp_path / "b.nc", select={"plev": 85000.0}).path
    with xr.open_dataset(own) as first, xr.open_dataset(again) as second:
        assert np.isfinite(first["tas_pred"].values).all()
        np.testing.assert_array_equal(second["tas_pred"].values, first["tas_pred"].values)


@pytest.mark.parametrize("renamed, units, values", [
    pytest.param("pressure_level", "hPa", [1000.0, 850.0, 700.0], id="era5-new-cds-pressure_level-hPa"),
    pytest.param("level", "millibars", [1000.0, 850.0, 700.0], id="era5-old-cds-level-millibars"),
])
def test_the_runs_level_is_found_under_another_name_of_the_same_quantity(
        trained_at_850_hpa, tmp_path, caplog, renamed, units, values):
    """A run trained at ERA5's level=850 (old CDS) refused the new CDS's files, whose level is
    pressure_level: "cannot select level=850: no dimension 'level'" (break19a F3). The same
    air pressure under another name is matched, said in a warning; the predictions are the
    run's own. The warning names the level taken in the new data's units (it ended "… is taken at level",
    break40b B9)."""
    folder, run_dir = trained_at_850_hpa
    other = _on_pressure_levels(folder / "t.nc", tmp_path / "other.nc", values, units)
    with xr.open_dataset(other) as source:
        source.load().rename(plev=renamed).to_netcdf(tmp_path / "renamed.nc")
    with caplog.at_level(logging.WARNING):
        predicted = predict_files(run_dir, [str(tmp_path / "renamed.nc")], tmp_path / "p.nc").path
    with xr.open_dataset(predicted) as new, xr.open_dataset(run_dir / "predictions.nc") as own:
        np.testing.assert_allclose(new["tas_pred"].values, own["tas_pred"].values, rtol=1e-6)
    assert (f"renamed.nc has no dimension 'plev' of the run's [data] select; its '{renamed}' (air_pressure, in "
            f"{units}) is the same pressure coordinate under another name (as ECMWF's new CDS names ERA5's level "
            f"pressure_level): the run's plev=85000 Pa is taken at {renamed}=850 {units}\n") in caplog.text + "\n"
    with pytest.raises(ClimannError, match=rf"^the run was trained at {renamed}=85000 \(\[data\] select\)"):
        predict_files(run_dir, [str(tmp_path / "renamed.nc")], tmp_path / "q.nc", select={renamed: 700.0})


def _on_depths(temperatures, path, *, positive, name="depth"):
    """``tas`` of ``temperatures`` as ``thetao`` at 5, 15 and 25 m below the surface (colder by 2 K
    per level) beside its ``ts``: the depth axis ``name`` counted positive ``positive`` (CF §4.3), its
    values 5, 15, 25 (positive down, standard_name depth) or -5, -15, -25 (positive up, standard_name
    height, as ROMS and ECCO write them). The values are the same in either file."""
    sign = 1.0 if positive == "down" else -1.0
    with xr.open_dataset(temperatures) as source:
        offsets = xr.DataArray(np.float32([0.0, -2.0, -4.0]), dims=name)
        thetao = (source["tas"] + offsets).transpose("time", name, "lat", "lon").assign_attrs(units="K")
        depths = xr.DataArray(sign * np.array([5.0, 15.0, 25.0]), dims=name, attrs={
            "units": "m", "positive": positive, "axis": "Z", "standard_name": "depth" if sign > 0 else "height"})
        source.drop_vars("tas").assign(thetao=thetao).assign_coords({name: depths}).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def depth_files(tmp_path_factory):
    """The same ocean temperatures on a depth axis positive down and one positive up, and a run trained on each
    at 15 m below the surface (``depth=15`` of the first, ``depth=-15`` of the second)."""
    folder = tmp_path_factory.mktemp("depths")
    temperatures = _write_temperatures(folder / "t.nc", "K", "K")
    files = {"down": _on_depths(temperatures, folder / "down.nc", positive="down"),
             "up": _on_depths(temperatures, folder / "up.nc", positive="up")}
    runs = {}
    for positive, depth in (("down", 15.0), ("up", -15.0)):
        config = build_config({
            "data": {"paths": [str(files[positive])], "target": "thetao", "predictors": ["ts"],
                     "features": ["lat", "season"], "select": {"depth": depth}},
            "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False},
        })
        runs[positive] = run_training(config, run_dir=folder / f"run_{positive}").run_dir
    return folder, files, runs


@pytest.mark.parametrize("trained, other", [pytest.param("down", "up", id="trained-positive-down-given-up"),
                                            pytest.param("up", "down", id="trained-positive-up-given-down")])
def test_a_runs_depth_is_found_on_an_axis_counted_the_other_way(depth_files, tmp_path, caplog, trained, other):
    """break41c D1: a run trained at depth=15 of a file positive down refused the same data on an axis positive
    up ("training data are at depth=15 m, which up.nc does not hold (its depth values: -5, -15, -25 m)"), and
    the reverse. The run's depth is counted the new file's way (CF §4.3, the rule train's refusal of a bare
    number states), said in the log: the predictions and scores are those of the file counted as the run's."""
    folder, files, runs = depth_files
    run_dir = runs[trained]
    own = predict_files(run_dir, [str(files[trained])], tmp_path / "own.nc").path
    with caplog.at_level(logging.WARNING):
        flipped = predict_files(run_dir, [str(files[other])], tmp_path / "flipped.nc").path
    value, taken = ("15", "-15") if trained == "down" else ("-15", "15")
    kind = "depth of 15 m"
    assert (f"depth={value} m of the model's training data (counted positive {trained}) is selected as "
            f"depth={taken} m in {other}.nc: 'depth' is positive {other} (CF §4.3), so a {kind} is "
            f"depth={taken}") in caplog.text
    with xr.open_dataset(own) as first, xr.open_dataset(flipped) as second:
        assert np.isfinite(first["thetao_pred"].values).all()
        np.testing.assert_array_equal(second["thetao_pred"].values, first["thetao_pred"].values)
        np.testing.assert_array_equal(second["thetao"].values, first["thetao"].values)
        assert float(second["depth"]) == float(taken) and second["depth"].attrs["positive"] == other
    from climann.workflow.predict import evaluate_run

    scores = evaluate_run(run_dir, [str(files[trained])], tmp_path / "own_scores")
    flipped_scores = evaluate_run(run_dir, [str(files[other])], tmp_path / "flipped_scores")
    assert flipped_scores["splits"]["all"]["model"] == scores["splits"]["all"]["model"]


def test_a_runs_depth_is_found_on_an_axis_counted_the_other_way_under_another_name(depth_files, tmp_path):
    """A run trained at depth=15 (positive down) given the same data along ``z`` positive up (-5, -15, -25 m):
    the level under another name (:func:`~climann.data.levels.levels_on_new_dimensions`) is also counted the
    other way."""
    folder, files, runs = depth_files
    other = _on_depths(folder / "t.nc", tmp_path / "z_up.nc", positive="up", name="z")
    own = predict_files(runs["down"], [str(files["down"])], tmp_path / "own.nc").path
    flipped = predict_files(runs["down"], [str(other)], tmp_path / "flipped.nc").path
    with xr.open_dataset(own) as first, xr.open_dataset(flipped) as second:
        np.testing.assert_array_equal(second["thetao_pred"].values, first["thetao_pred"].values)
        assert float(second["z"]) == -15.0


def test_a_run_at_a_depth_the_other_file_lacks_is_still_refused(depth_files, tmp_path):
    """Counted the other way, depth 15 m is looked for at -15 m: a file positive up without it is refused as
    before, naming the run's depth as the file counts it (the warning before says how)."""
    folder, files, runs = depth_files
    with xr.open_dataset(files["up"]) as source:
        source.load().isel(depth=[0, 2]).to_netcdf(tmp_path / "no15.nc")
    with pytest.raises(ClimannError, match=r"^the model's training data are at depth=-15 m \(\[data\] select\), "
                                           r"which no15\.nc does not hold \(its depth values: -5, -25 m\)"):
        predict_files(runs["down"], [str(tmp_path / "no15.nc")], tmp_path / "p.nc")


#: MIROC's ``lev`` (CF Appendix D, "Ocean sigma over z coordinate"): its values in m are model levels.
SIGMA_Z_TERMS = "sigma: sigma eta: zos depth: deptho depth_c: depth_c nsigma: nsigma zlev: zlev"


def _on_sigma_z(depth_file, path, *, units="m"):
    """The file of :func:`_on_depths` positive down whose ``depth`` (5, 15, 25) is an ocean sigma-z
    coordinate of the same numbers (standard_name ``ocean_sigma_z_coordinate``, its formula_terms), as
    MIROC writes ``lev``: model levels, whose depth changes from cell to cell; ``units`` cm: × 100."""
    with xr.open_dataset(depth_file) as source:
        level = source["depth"]
        attrs = {**level.attrs, "units": units, "standard_name": "ocean_sigma_z_coordinate",
                 "long_name": "ocean sigma over z coordinate", "formula_terms": SIGMA_Z_TERMS}
        values = level.values * (100.0 if units == "cm" else 1.0)
        source.load().assign_coords(depth=("depth", values, attrs)).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def sigma_z_run(depth_files):
    """A run trained on the sigma-z file at its model level 15 (a bare number, as train advises)."""
    folder, files, _ = depth_files
    sigma_z = _on_sigma_z(files["down"], folder / "sigma_z.nc")
    config = build_config({
        "data": {"paths": [str(sigma_z)], "target": "thetao", "predictors": ["ts"], "features": ["lat", "season"],
                 "select": {"depth": 15}},
        "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False},
    })
    return sigma_z, run_training(config, run_dir=folder / "run_sigma_z").run_dir


def test_a_depth_run_is_refused_a_model_level_of_the_same_number(depth_files, sigma_z_run, tmp_path):
    """break42b A1: a run trained at depth 15 m (standard_name depth, positive down) took model level 15 of an
    ocean sigma-z coordinate in m silently (exit 0), though train refuses ``depth=15 m`` of that file. Its level
    is another kind of level: refused in one line naming both kinds and the way out, nothing written; a run
    trained on those model levels scores them."""
    from climann.workflow.predict import evaluate_run

    folder, files, runs = depth_files
    sigma_z, _ = sigma_z_run
    expected = (r"^the model's training data are at depth=15 m \(\[data\] select\), a depth \(positive down\), but "
                r"'depth' in sigma_z\.nc is an ocean sigma-z level \(standard_name ocean_sigma_z_coordinate; "
                rf"formula_terms \"{SIGMA_Z_TERMS}\"\): a level of the one kind is no level of the other .*; "
                r"interpolate sigma_z\.nc to the run's depth first .*, or train a run on these data's model levels")
    with pytest.raises(ClimannError, match=expected):
        predict_files(runs["down"], [str(sigma_z)], tmp_path / "p.nc")
    with pytest.raises(ClimannError, match=expected):
        evaluate_run(runs["down"], [str(sigma_z)], tmp_path / "scores")
    from typer.testing import CliRunner

    from climann.cli import app

    refused = CliRunner().invoke(app, ["evaluate", str(runs["down"]), "--data", str(sigma_z), "--out",
                                       str(tmp_path / "cli_scores"), "--quiet"])
    assert refused.exit_code == 2 and refused.stderr.startswith("climann: error: the model's training data are at")
    assert refused.stderr.count("\n") == 1
    assert not (tmp_path / "p.nc").exists() and not (tmp_path / "scores").exists()
    assert not (tmp_path / "cli_scores").exists()
    # a run of the same kind of level scores them: the written cell areas' weighted mean (numpy)
    metrics = evaluate_run(sigma_z_run[1], [str(sigma_z)], tmp_path / "own_kind")
    with xr.open_dataset(tmp_path / "own_kind" / "predictions.nc") as written:
        predicted, truth = written["thetao_pred"].values, written["thetao"].values
        areas = next(written[name].values for name in written.variables
                     if written[name].attrs.get("standard_name") == "cell_area")
        assert float(written["depth"]) == 15.0
    assert np.isfinite(predicted).sum() > 0
    assert metrics["splits"]["all"]["model"]["mse"] == pytest.approx(
        _weighted_mse(predicted, truth, np.broadcast_to(areas, truth.shape)), rel=1e-6)


def test_a_run_on_a_file_of_one_depth_is_refused_a_file_of_one_model_level(depth_files, sigma_z_run, tmp_path):
    """The same fault without a selection: a run trained on a file of one depth (a scalar ``depth = 15 m``,
    CF §5.7) given a file of one model level 15 (in m) took it as the same level; refused in one line naming
    both kinds."""
    folder, files, _ = depth_files
    sigma_z, _ = sigma_z_run
    for source, name in ((files["down"], "one_depth.nc"), (sigma_z, "one_model_level.nc")):
        with xr.open_dataset(source) as opened:
            opened.load().isel(depth=1).to_netcdf(tmp_path / name)
    config = build_config({
        "data": {"paths": [str(tmp_path / "one_depth.nc")], "target": "thetao", "predictors": ["ts"],
                 "features": ["lat", "season"]},
        "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    with pytest.raises(ClimannError, match=(
            r"^the model's training data of thetao are at depth=15 m \(CF scalar coordinate\), a depth \(positive "
            r"down\), but 'depth' in one_model_level\.nc is an ocean sigma-z level")):
        predict_files(run_dir, [str(tmp_path / "one_model_level.nc")], tmp_path / "p.nc")


@pytest.mark.parametrize("units", [pytest.param("m", id="depth-in-m"), pytest.param("cm", id="depth-in-cm")])
def test_a_model_level_run_is_refused_a_depth_of_the_same_number(depth_files, sigma_z_run, tmp_path, units):
    """break42b A1, the reverse: a run trained on model level 15 (bare ``depth=15`` of a sigma-z file in m)
    evaluated on depths in cm said "depth=15 m … selected as depth=1500 cm": a model level read as a depth.
    Refused in one line, the run's level shown as the bare number it is."""
    from climann.workflow.predict import evaluate_run

    folder, files, _ = depth_files
    _, run_dir = sigma_z_run
    depths = files["down"]
    if units == "cm":
        with xr.open_dataset(depths) as source:
            depth = source["depth"]
            source.load().assign_coords(depth=("depth", depth.values * 100.0, {**depth.attrs, "units": "cm"})
                                        ).to_netcdf(tmp_path / "down_cm.nc")
        depths = tmp_path / "down_cm.nc"
    with pytest.raises(ClimannError, match=(
            rf"^the model's training data are at depth=15 \(\[data\] select\), an ocean sigma-z level \(standard_name "
            rf"ocean_sigma_z_coordinate\), but 'depth' in {depths.name} is a depth \(in {units}, positive down\): .*; "
            r"give data on the run's model levels, or train a run on data interpolated to a depth")):
        evaluate_run(run_dir, [str(depths)], tmp_path / "scores")


def _write_around_the_pole(path, *, turn=0.0, pole_column=2.5):
    """A 6 × 6 grid of 2-D lat/lon centres round the North Pole (a polar stereographic grid
    without its mapping: 300 km squares on a 6371 km sphere), longitudes in −180…180 going
    round the pole (at ``pole_column`` along x and y: 2.5 in the middle, 0.5 beside the first
    cell, the longitudes then leaving a gap), turned by ``turn`` degrees of longitude."""
    x = (np.arange(6) - pole_column) * 300.0
    x2d, y2d = np.meshgrid(x, x, indexing="xy")
    distance = np.hypot(x2d, y2d) / 6371.0  # stereographic: r = 2R tan(colatitude / 2)
    latitude = 90.0 - np.rad2deg(2 * np.arctan(distance / 2))
    longitude = (np.rad2deg(np.arctan2(y2d, x2d)) + turn + 180.0) % 360.0 - 180.0
    months = np.arange(36) % 12
    rng = np.random.default_rng(5)
    tas = (250 + 5 * np.cos(2 * np.pi * months / 12)[:, None, None] - 0.5 * (latitude - 80)
           + rng.normal(0, 0.3, (36, 6, 6)))
    xr.Dataset(
        {"tas": (("time", "y", "x"), tas.astype(np.float32), {"units": "K", "coordinates": "lat lon"}),
         "rsdt": (("time", "y", "x"), (100 + 50 * np.cos(2 * np.pi * months / 12)[:, None, None]
                                       + 0 * latitude).astype(np.float32), {"units": "W m-2", "coordinates": "lat lon"})},
        coords={"time": ("time", 15.0 + 30.0 * np.arange(36), {"units": "days since 2000-01-01", "calendar": "360_day"}),
                "lat": (("y", "x"), latitude, {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": (("y", "x"), longitude, {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)
    return path, longitude


@pytest.fixture(scope="module", params=[pytest.param(2.5, id="pole-in-the-middle"),
                                        pytest.param(0.5, id="pole-near-an-edge")])
def around_the_pole(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pole")
    path, _ = _write_around_the_pole(folder / "polar.nc", pole_column=request.param)
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    return request.param, path, run_training(config, run_dir=folder / "run").run_dir


def _without_longitude_ends(run_dir, old_run):
    """The run as a model file from before ``grid.lon_ends`` was recorded."""
    import shutil

    from climann.model import Network

    shutil.copytree(run_dir, old_run)
    network = Network.load(old_run / "model.npz")
    (old_run / "model.npz").unlink()
    grid = {key: value for key, value in network.metadata["grid"].items() if key != "lon_ends"}
    network.save(old_run / "model.npz", metadata={**network.metadata, "grid": grid})
    without_model_record(old_run)  # an older climann's run names no model
    return old_run


@pytest.mark.parametrize("old", [pytest.param(False, id="this-run"), pytest.param(True, id="model-file-before-lon-ends")])
def test_the_training_file_of_a_grid_round_the_pole_gives_no_grid_note(around_the_pole, tmp_path, old):
    """Its 2-D longitudes go round the pole: the training extent was recorded as the smallest and
    largest longitude and the new data's by the widest gap, so the file itself was 'another grid'."""
    _, path, run_dir = around_the_pole
    run = _without_longitude_ends(run_dir, tmp_path / "old") if old else run_dir
    assert predict_files(run, [str(path)], tmp_path / "same.nc").notes == []


def _ends_by_hand(longitudes):
    """The centres on either side of the widest gap between the sorted longitudes (mod 360);
    the smallest and largest when no gap is wider than twice the mean step (round the pole)."""
    values = np.unique(np.mod(longitudes.ravel(), 360.0))
    gaps = np.append(np.diff(values), values[0] + 360.0 - values[-1])
    widest = int(np.argmax(gaps))
    if gaps[widest] <= 2 * (360.0 - gaps[widest]) / (values.size - 1):
        return longitudes.min(), longitudes.max()
    west, east = values[(widest + 1) % values.size], values[widest]
    as_written = lambda value: longitudes.ravel()[np.argmin(np.abs(np.mod(longitudes.ravel() - value + 180, 360) - 180))]  # noqa: E731
    return as_written(west), as_written(east)


def test_the_same_grid_turned_round_the_pole_is_noted_with_both_extents_read_alike(around_the_pole, tmp_path):
    pole_column, path, run_dir = around_the_pole
    _, trained_longitude = _write_around_the_pole(tmp_path / "unused.nc", pole_column=pole_column)
    turned, turned_longitude = _write_around_the_pole(tmp_path / "turned.nc", turn=20.0, pole_column=pole_column)
    notes = predict_files(run_dir, [str(turned)], tmp_path / "turned_predicted.nc").notes

    # both grids lie round the pole, with no longitude ends: they differ in where their cells lie
    first = [f"first cell at {latitude[0, 0]:g}°N {longitude[0, 0]:g}°E"
             for latitude, longitude in ((xr.open_dataset(path).lat.values, trained_longitude),
                                         (xr.open_dataset(turned).lat.values, turned_longitude))]
    assert len(notes) == 1 and notes[0].startswith("the grid differs from the training grid"), notes
    assert "lon all, round the North Pole" in notes[0], notes
    assert f"{first[0]} → 6×6" in notes[0] and f"{first[1]});" in notes[0], notes


def test_predict_writes_through_a_link_to_a_file_not_yet_there_and_keeps_the_link(trained, tmp_path):
    """`ln -s scratch/pred_2013.nc pred.nc` then `predict --out pred.nc`: the link was deleted
    and a regular file written in its place (scratch/ stayed empty)."""
    import os

    folder, sample, run_dir = trained
    (tmp_path / "scratch").mkdir()
    link = tmp_path / "pred.nc"
    link.symlink_to("scratch/pred_2013.nc")
    for overwrite in (False, True):  # a second time: climann's file behind the link replaced, the link kept
        predict_files(run_dir, [str(sample)], link, overwrite=overwrite)
        assert os.readlink(link) == "scratch/pred_2013.nc"
        assert sorted(os.listdir(tmp_path / "scratch")) == ["pred_2013.nc"]
    plain = predict_files(run_dir, [str(sample)], tmp_path / "plain.nc")
    with xr.open_dataset(tmp_path / "scratch" / "pred_2013.nc") as through, xr.open_dataset(plain.path) as direct:
        np.testing.assert_array_equal(through["tas_pred"].values, direct["tas_pred"].values)


def test_evaluate_refuses_an_out_link_to_nothing_before_computing_as_train_does(trained, tmp_path, monkeypatch):
    """It said "cannot create directory eval_link: File exists", after computing the scores."""
    import os

    from climann.workflow.outputs import check_run_directory
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    monkeypatch.chdir(tmp_path)
    os.symlink("scratch/eval_dir", "eval_link")
    with pytest.raises(ClimannError) as by_train:
        check_run_directory("eval_link", overwrite=False)
    opened = []
    monkeypatch.setattr("climann.workflow.preparation.open_selected", lambda *args, **kwargs: opened.append(args))
    with pytest.raises(ClimannError) as refused:
        evaluate_run(run_dir, [str(sample)], "eval_link")
    assert str(refused.value) == str(by_train.value) == ("--out eval_link is a symbolic link to scratch/eval_dir, "
                                                         "which does not exist; create that directory first, or "
                                                         "choose another --out")
    assert opened == [] and os.readlink("eval_link") == "scratch/eval_dir" and not os.path.exists("scratch")


def test_a_run_recorded_before_the_smoothed_climatology_keeps_its_raw_climatology_when_re_scored(tmp_path):
    """A run's config.toml holds every key: one without ``climatology_window_days`` was trained
    when the daily climatology was the raw mean of each day of year, and ``evaluate RUN`` keeps
    it (window 1, recorded so); a run of now keeps its 61 days."""
    import json
    import shutil

    import cftime

    from climann.workflow.predict import evaluate_run
    from tests.evaluation.test_baselines import wb2_climatology_by_hand
    from tests.workflow.test_pipeline_baselines import write_series

    times = np.array([cftime.datetime(2001, 1, 1, calendar="noleap") + np.timedelta64(d, "D").item()
                      for d in range(4 * 365)])
    path = write_series(tmp_path / "daily.nc", times, seed=6)
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["rsdt"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 512},
                           "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    old = shutil.copytree(run_dir, tmp_path / "old")
    toml = (old / "config.toml").read_text()
    assert "climatology_window_days = 61\n" in toml
    (old / "config.toml").write_text(toml.replace("climatology_window_days = 61\n", ""))
    assert load_run(old).config.evaluation.climatology_window_days == 1
    assert load_run(run_dir).config.evaluation.climatology_window_days == 61
    day = np.arange(times.size) % 365
    for directory, window in ((old, 1), (run_dir, 61)):
        metrics = evaluate_run(directory)
        assert metrics["climatology_window_days"] == window
        with xr.open_dataset(directory / "predictions.nc", decode_times=False) as predictions:
            truth, train = predictions["tas"].values.astype(np.float64), predictions["split"].values == 1
            climatology = predictions["tas_climatology"].values
        if window == 1:  # the raw mean of each day of year, by hand
            by_hand = np.stack([truth[train & (day == d)].mean(axis=0) for d in range(365)])[day]
        else:
            by_hand = wb2_climatology_by_hand(truth, day, train, window=61, n_days=365)[day]
        np.testing.assert_allclose(climatology, by_hand, rtol=2e-7)
        caption = "unsmoothed" if window == 1 else "smoothed over 61 days"
        assert f"climatology per day of year {caption}" in (directory / "report.md").read_text()
    assert json.loads((run_dir / "metrics.json").read_text())["climatology_window_days"] == 61


def _other_outputs_of_climann(run_dir):
    """climann's records of a run that are not predictions of `climann predict`: a run's figure,
    explain's importance.json and figure, an evaluate --out folder's files."""
    import json
    import shutil

    from tests.conftest import write_tagged_png

    write_tagged_png(run_dir / "figures" / "map_test.png", "mine", marked=True)
    write_tagged_png(run_dir / "explain" / "importance.png", "mine", marked=True)
    (run_dir / "explain" / "importance.json").write_text(json.dumps({"source": "climann 0.1.0", "inputs": []}))
    (run_dir / "ev").mkdir()
    shutil.copy(run_dir / "metrics.json", run_dir / "ev" / "metrics.json")
    shutil.copy(run_dir / "report.md", run_dir / "ev" / "report.md")
    shutil.copy(run_dir / "predictions.nc", run_dir / "ev" / "predictions.nc")
    return ["figures/map_test.png", "explain/importance.png", "explain/importance.json", "ev/metrics.json",
            "ev/report.md", "ev/predictions.nc"]


def test_overwrite_replaces_only_earlier_predictions_never_another_output_of_climann(trained, tmp_path):
    import shutil

    from climann.workflow.outputs import written_by_climann

    _, sample, trained_run = trained
    run_dir = tmp_path / "run"
    shutil.copytree(trained_run, run_dir)
    names = _other_outputs_of_climann(run_dir)
    assert all(written_by_climann(run_dir / name) for name in names)  # climann's own: only their kind protects them
    before = {name: (run_dir / name).read_bytes() for name in names}
    for name in names:
        out = run_dir / name
        kind = (rf"^--out {re.escape(str(out))} is a file climann wrote, but not predictions of `climann predict`, "
                r"and --overwrite replaces only those; choose another file name for the predictions$")
        other_format = (rf"^--out {re.escape(str(out))} names a \{out.suffix} file, but the predictions are written "
                        rf"as NetCDF; give a name ending in \.nc \(or \.zarr for a Zarr store\), e\.g\. "
                        rf"{re.escape(str(out.with_suffix('.nc')))}$")
        with pytest.raises(ClimannError, match=kind if out.suffix == ".nc" else other_format):
            predict_files(run_dir, [str(sample)], out, overwrite=True)
    assert {name: (run_dir / name).read_bytes() for name in names} == before
    for out in (tmp_path / "pred.nc", tmp_path / "elsewhere" / "predictions.nc"):  # an earlier predict: replaced
        out.parent.mkdir(exist_ok=True)
        first = predict_files(run_dir, [str(sample)], out)
        again = predict_files(run_dir, [str(sample)], out, overwrite=True)
        assert again.path == first.path and again.n_samples == first.n_samples


def test_a_hard_link_of_an_input_is_that_input(trained, tmp_path):
    _, sample, run_dir = trained
    linked = tmp_path / "hard.nc"
    os.link(sample, linked)
    with pytest.raises(ClimannError, match=r"hard.nc is an input of this command; write the predictions to another"):
        predict_files(run_dir, [str(sample)], linked, overwrite=True)


@pytest.fixture(scope="module")
def lagged_run(tmp_path_factory):
    """A run with a lag of rsdt: a month's prediction needs the month before it."""
    folder = tmp_path_factory.mktemp("predict_lagged")
    sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=3)
    config = build_config({"data": {"paths": [str(sample)], "predictors": ["rsdt"], "lags": {"rsdt": [1]}},
                           "model": {"hidden": [8]}, "training": {"epochs": 2}, "evaluation": {"figures": False}})
    return folder, sample, run_training(config, run_dir=folder / "run").run_dir


@pytest.mark.parametrize("suffix", [pytest.param(".nc", id="netcdf"), pytest.param(".zarr", id="zarr-chunked")])
def test_predict_with_time_range_predicts_its_first_month_from_the_month_before_in_the_file(lagged_run, tmp_path,
                                                                                           suffix):
    """--time-range 1981-03,1981-08 on a run with rsdt lag 1 wrote 1981-03 all NaN (its lag,
    February, was cut off with the range) and said nothing (break21a); February is read for the
    lag only: the file holds March to August, every value predicted, equal to the prediction of
    the whole file at those months."""
    import netCDF4

    _, sample, run_dir = lagged_run
    whole = predict_files(run_dir, [str(sample)], tmp_path / "whole.nc")
    part = predict_files(run_dir, [str(sample)], tmp_path / f"part{suffix}", time_range="1981-03,1981-08")
    with xr.open_dataset(sample, decode_times=False) as source:
        stamps = source["time"].values
        dates = xr.decode_cf(source)["time"].values
        n_cells = source["tas"].shape[1] * source["tas"].shape[2]
    chosen = np.flatnonzero([(d.year, d.month) >= (1981, 3) and (d.year, d.month) <= (1981, 8) for d in dates])
    assert part.n_samples == chosen.size * n_cells == 6 * n_cells
    with xr.open_dataset(whole.path) as full, xr.open_dataset(part.path, decode_times=False) as written:
        np.testing.assert_array_equal(written["time"].values, stamps[chosen])
        predicted = written["tas_pred"].values
        assert np.isfinite(predicted).all()
        np.testing.assert_allclose(predicted, full["tas_pred"].values[chosen], rtol=1e-6)
        assert "split" not in written
    if suffix == ".nc":
        with netCDF4.Dataset(part.path) as raw:
            assert len(raw.dimensions["time"]) == 6
            np.testing.assert_array_equal(raw["time_bnds"][:], xr.open_dataset(sample, decode_times=False)
                                          ["time_bnds"].values[chosen])
    # the scores are over the six months only: by hand, cos-lat (sin of the bounds) weighted
    with xr.open_dataset(sample) as source:
        truth = source["tas"].values[chosen].astype(np.float64)
        edges = np.deg2rad(source["lat_bnds"].values)
    weights = np.broadcast_to(np.abs(np.sin(edges[:, 1]) - np.sin(edges[:, 0]))[None, :, None], truth.shape)
    mse = np.sum(weights * (predicted.astype(np.float64) - truth) ** 2) / weights.sum()
    assert part.scores["mse"] == pytest.approx(mse, rel=1e-4)


@pytest.fixture(scope="module")
def strided_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("predict_strided")
    sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=3)
    config = build_config({"data": {"paths": [str(sample)], "predictors": ["rsdt"], "time_stride": 2,
                                    "grid_stride": 2, "region": [0, 90, 0, 180]},
                           "model": {"hidden": [8]}, "training": {"epochs": 2}, "evaluation": {"figures": False}})
    return folder, sample, run_training(config, run_dir=folder / "run").run_dir


def test_predict_says_it_keeps_the_steps_and_cells_of_the_runs_strides_and_region(strided_run, tmp_path, caplog):
    """The run's time_stride, grid_stride and region were applied to new data without a word
    (break21a): 'all time steps together' scores over every other month. They still apply (the
    model learnt those cells, its lags count the steps kept) and each is said in one line with
    the counts; the file holds exactly those steps and cells of the input."""
    _, sample, run_dir = strided_run
    with caplog.at_level(logging.WARNING):
        result = predict_files(run_dir, [str(sample)], tmp_path / "p.nc")
    with xr.open_dataset(sample, decode_times=False) as source:
        box = source.sel(lat=slice(0, 90), lon=slice(0, 180))
        lat, lon, stamps = box["lat"].values[::2], box["lon"].values[::2], source["time"].values[::2]
        n_lat, n_lon = source.sizes["lat"], source.sizes["lon"]
    with xr.open_dataset(result.path, decode_times=False) as written:
        np.testing.assert_array_equal(written["lat"].values, lat)
        np.testing.assert_array_equal(written["lon"].values, lon)
        np.testing.assert_array_equal(written["time"].values, stamps)
    messages = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any(f"kept every 2nd time step of sample.nc ({stamps.size} of its {2 * stamps.size}): the run was "
               "trained with time_stride 2" in message for message in messages), messages
    assert any("kept the cells of the run's region 0,90,0,180 and every 2nd cell (grid_stride 2) of sample.nc "
               f"({lat.size}×{lon.size} of its {n_lat}×{n_lon} lat/lon)" in message for message in messages), messages


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
def test_data_outside_the_runs_region_are_refused_naming_the_runs_region_and_the_way_out(strided_run, tmp_path,
                                                                                          command):
    """A northern-hemisphere run given southern data was refused with "region (south 0, north 90
    …) contains no grid cell" (break40a A4): the user gave no region, and predict and evaluate
    have none to give. The refusal says the region is the run's own, from its config, and that
    only another run (without --region, or with one holding these cells) predicts there."""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = strided_run
    with xr.open_dataset(sample) as source:
        south = source.sel(lat=slice(-90, -1)).load()
    south.to_netcdf(tmp_path / "south.nc")
    with pytest.raises(ClimannError) as raised:
        if command == "predict":
            predict_files(run_dir, [str(tmp_path / "south.nc")], tmp_path / "p.nc")
        else:
            evaluate_run(run_dir, [str(tmp_path / "south.nc")], tmp_path / "scored")
    message = str(raised.value)
    assert message.startswith("the run's own region (south 0, north 90, west 0, east 180: [data] region of its "
                              "config.toml"), message
    assert f"latitude {south['lat'].values.min():g}…{south['lat'].values.max():g}" in message
    assert message.endswith("train a run without --region, or with a --region that holds them")
    assert not (tmp_path / "p.nc").exists() and not (tmp_path / "scored").exists()


@pytest.fixture(scope="module")
def land_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("predict_land")
    sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=3)
    config = build_config({"data": {"paths": [str(sample)], "target": "mrso", "predictors": ["rsdt"]},
                           "model": {"hidden": [8]}, "training": {"epochs": 2}, "evaluation": {"figures": False}})
    return folder, sample, run_training(config, run_dir=folder / "run").run_dir


def test_predict_without_the_target_labels_the_predictions_as_the_runs_target(land_run, tmp_path):
    """A scenario without mrso got mrso_pred without cell_methods and long_name 'mrso predicted
    by climann' (break21a), though the run's own predictions say 'area: mean where land time:
    mean': the run's record of its target labels them, as the file WITH the target does."""
    import netCDF4

    _, sample, run_dir = land_run
    with xr.open_dataset(sample) as source:
        trained = dict(source["mrso"].attrs)
        source.drop_vars("mrso").to_netcdf(tmp_path / "scenario.nc")
    with_target = predict_files(run_dir, [str(sample)], tmp_path / "with.nc")
    without = predict_files(run_dir, [str(tmp_path / "scenario.nc")], tmp_path / "without.nc")
    with netCDF4.Dataset(without.path) as raw, netCDF4.Dataset(with_target.path) as other:
        written = {key: raw["mrso_pred"].getncattr(key) for key in raw["mrso_pred"].ncattrs()}
        expected = {key: other["mrso_pred"].getncattr(key) for key in other["mrso_pred"].ncattrs()}
        assert "mrso" not in raw.variables
    assert written["cell_methods"] == trained["cell_methods"] == "area: mean where land time: mean"
    assert written["long_name"] == f"{trained['long_name']} predicted by climann"
    assert written["standard_name"] == trained["standard_name"] and written["units"] == trained["units"]
    assert written == expected


@pytest.fixture(scope="module")
def precipitation_run(tmp_path_factory):
    """A run of pr in kg m-2 s-1 (precipitation_flux, a monthly mean rate)."""
    folder = tmp_path_factory.mktemp("predict_pr")
    sample = write_sample_dataset(folder / "sample.nc", years=4, resolution=15.0, seed=3)
    with xr.open_dataset(sample) as source:
        rates = (source["clt"] * 1e-6 + 1e-6).astype(np.float32)
        rates.attrs = {"units": "kg m-2 s-1", "standard_name": "precipitation_flux", "long_name": "Precipitation",
                       "cell_methods": "area: time: mean"}
        source.drop_vars(["tas"]).assign(pr=rates).to_netcdf(folder / "pr.nc")
    config = build_config({"data": {"paths": [str(folder / "pr.nc")], "target": "pr", "predictors": ["rsdt"]},
                           "model": {"hidden": [8]}, "training": {"epochs": 2}, "evaluation": {"figures": False}})
    return folder, folder / "pr.nc", run_training(config, run_dir=folder / "run").run_dir


def test_a_target_converted_to_the_runs_units_is_named_as_the_runs_quantity(precipitation_run, tmp_path, caplog):
    """The same pr in mm day-1 labelled lwe_precipitation_rate (canonical units m s-1) was
    converted to kg m-2 s-1 and written keeping lwe_precipitation_rate (break21a: the IOOS
    checker's §3.1 error); the converted values carry the run's standard_name."""
    import netCDF4

    _, rates, run_dir = precipitation_run
    with xr.open_dataset(rates) as source:
        daily = (source["pr"] * 86400.0).astype(np.float32)
        daily.attrs = {**source["pr"].attrs, "units": "mm day-1", "standard_name": "lwe_precipitation_rate"}
        source.assign(pr=daily).to_netcdf(tmp_path / "daily.nc")
        kg = source["pr"].values.astype(np.float64)
    as_trained = predict_files(run_dir, [str(rates)], tmp_path / "as_trained.nc")
    with caplog.at_level(logging.WARNING):
        converted = predict_files(run_dir, [str(tmp_path / "daily.nc")], tmp_path / "converted.nc")
    assert any("converted from mm day-1 to kg m-2 s-1" in record.getMessage() for record in caplog.records)
    with netCDF4.Dataset(converted.path) as raw:
        for name in ("pr", "pr_pred"):
            assert raw[name].getncattr("standard_name") == "precipitation_flux"
            assert raw[name].getncattr("units") == "kg m-2 s-1"
        assert "standard_name" not in raw["pr_error"].ncattrs()
    with xr.open_dataset(converted.path) as written, xr.open_dataset(as_trained.path) as other:
        np.testing.assert_allclose(written["pr"].values, kg, rtol=1e-6)
        np.testing.assert_allclose(written["pr_pred"].values, other["pr_pred"].values, rtol=1e-5)


def test_evaluate_on_a_period_of_other_data_with_a_time_stride_keeps_every_other_step_from_its_first(strided_run,
                                                                                                     tmp_path):
    """The step read before --time-range for persistence was counted by the run's time_stride:
    March–August of a time_stride 2 run scored February's 'lag step', April, June and August
    (the period's first month out, its phase shifted); the stride now counts from March."""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = strided_run
    evaluate_run(run_dir, [str(sample)], tmp_path / "part", time_range="1981-03,1981-08")
    with xr.open_dataset(tmp_path / "part" / "predictions.nc", decode_times=TIME) as written:
        months = [(t.year, t.month) for t in written["time"].values]
        labels = split_labels(written["split"])
    assert months == [(1981, 3), (1981, 5), (1981, 7)] and set(labels) == {"all"}


def test_the_cell_areas_of_the_input_are_written_so_that_cdo_weighs_as_climann_did(trained, tmp_path):
    """A file whose tas names areacella in cell_measures: climann scored with those areas, but
    wrote neither areacella nor cell_measures, so `cdo fldmean` of the output weighed otherwise
    (break21a). Both are written; the scores are the written areas' weighted mean."""
    import shutil
    import subprocess

    import netCDF4

    _, sample, run_dir = trained
    with xr.open_dataset(sample) as source:
        # the cells' own areas (∝ cos φ on the sample's regular grid), each off by up to 5 %: areas of other
        # cells (remapped from another grid) are refused (break57a A2, tests/data/test_area_shapes.py)
        cosines = np.cos(np.deg2rad(source["lat"].values))[:, None]
        areas = cosines * np.random.default_rng(1).uniform(0.95, 1.05, source["orog"].shape) * 1e11
        tas = source["tas"].assign_attrs(cell_measures="area: areacella")
        source.assign(tas=tas, areacella=(("lat", "lon"), areas, {"units": "m2", "standard_name": "cell_area"})
                      ).to_netcdf(tmp_path / "with_areas.nc")
    result = predict_files(run_dir, [str(tmp_path / "with_areas.nc")], tmp_path / "p.nc")
    with netCDF4.Dataset(result.path) as raw:
        np.testing.assert_array_equal(raw["areacella"][:], areas)
        assert raw["areacella"].getncattr("standard_name") == "cell_area" and raw["areacella"].units == "m2"
        for name in ("tas", "tas_pred", "tas_error"):
            assert raw[name].getncattr("cell_measures") == "area: areacella"
        error = np.ma.filled(raw["tas_error"][:].astype(np.float64), np.nan)
    weights = np.broadcast_to(areas, error.shape)
    mse = np.sum(weights * error ** 2) / weights.sum()
    assert result.scores["mse"] == pytest.approx(mse, rel=1e-5)
    if shutil.which("cdo") is None:
        return
    printed = subprocess.run(["cdo", "-s", "outputf,%.10g,1", "-timmean", "-fldmean", "-sqr", "-selvar,tas_error",
                              str(result.path)], check=True, capture_output=True, text=True).stdout
    assert float(printed.split()[0]) == pytest.approx(mse, rel=1e-5)


def _weekly_sample(path):
    """Two years of weekly means stamped at the start of each week (no bounds): a week stamped in late
    November or February has its middle in the next month."""
    start = datetime.datetime(2000, 1, 1)
    times = [start + datetime.timedelta(days=7 * k) for k in range(156)]
    rng = np.random.default_rng(11)
    pred = rng.uniform(0, 1, (156, 2, 3))
    xr.Dataset({"tas": (("time", "lat", "lon"), 270 + 10 * pred + rng.normal(0, 0.1, (156, 2, 3)), {"units": "K"}),
                "pred": (("time", "lat", "lon"), pred, {"units": "1"})},
               coords={"time": ("time", times), "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(path)
    return path


def test_a_run_from_before_the_selection_records_is_rescored_as_it_was_trained(tmp_path):
    """verify21a F8: climann evaluate RUN of a run trained before 3 December 2026 (months chosen by the stamps, no
    step read before time_range) re-scored it with the new choices: other weeks, other samples, other numbers,
    exit 0. A model file without the records is read as trained then; its scores are its training scores, bit
    for bit."""
    import json
    import shutil

    from climann.model import Network
    from climann.workflow.predict import evaluate_run

    sample = _weekly_sample(tmp_path / "weekly.nc")
    settings = {"data": {"paths": [str(sample)], "predictors": ["pred"], "features": [], "lags": {"pred": [1]},
                         "seasons": ["DJF"], "time_range": ["2000-01-08", "2002-12-31"],
                         "selection_dated_by": "stamp", "step_before_range": False},
                "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False}}
    run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    trained = json.loads((run_dir / "metrics.json").read_text())
    old_run = tmp_path / "old_run"
    shutil.copytree(run_dir, old_run)
    network = Network.load(old_run / "model.npz")
    (old_run / "model.npz").unlink()
    recorded = ("selection_dated_by", "step_before_range")
    network.save(old_run / "model.npz", metadata={k: v for k, v in network.metadata.items() if k not in recorded})
    without_model_record(old_run)  # an older climann's run names no model
    config_text = (old_run / "config.toml").read_text()
    (old_run / "config.toml").write_text("\n".join(line for line in config_text.splitlines()
                                                   if not line.startswith(recorded)) + "\n")
    assert "selection_dated_by" not in (old_run / "config.toml").read_text()
    rescored = evaluate_run(old_run, out=tmp_path / "rescored")
    assert rescored["splits"] == trained["splits"]


def test_other_data_are_scored_with_the_step_before_their_period_as_the_run_recorded(tmp_path):
    """verify21c F3: ``climann evaluate RUN --data FILE --time-range …`` of a run recorded without
    ``step_before_range`` (every run from before 3 December 2026) read the step before the period all the same,
    and scored one more month of persistence than it did then. The run's record decides."""
    from climann.workflow.predict import evaluate_run

    sample = write_sample_dataset(tmp_path / "sample.nc", years=3, resolution=30.0, seed=5)
    scored = {}
    for before in (True, False):
        settings = {"data": {"paths": [str(sample)], "step_before_range": before}, "model": {"hidden": [4]},
                    "training": {"epochs": 1}, "evaluation": {"figures": False}}
        run_dir = run_training(build_config(settings), run_dir=tmp_path / f"run_{before}").run_dir
        metrics = evaluate_run(run_dir, [str(sample)], tmp_path / f"scores_{before}", time_range=("1981-01", "1981-12"))
        scored[before] = metrics["splits"]["all"]["persistence"]["n_samples"]
    # January 1981's persistence, by hand: its scored samples (a prediction and a truth) where December 1980 is present
    with xr.open_dataset(sample) as data, xr.open_dataset(tmp_path / "scores_False" / "predictions.nc") as scores:
        tas = data["tas"].transpose("time", "lat", "lon").values
        first = [t.year == 1981 and t.month == 1 for t in data.indexes["time"]].index(True)
        january = scores[["tas", "tas_pred"]].isel(time=0).transpose("lat", "lon")
        scored_there = np.isfinite(january["tas_pred"].values) & np.isfinite(january["tas"].values)
        n_cells = int((scored_there & np.isfinite(tas[first - 1])).sum())
    assert n_cells > 0 and scored[True] == scored[False] + n_cells


def _mse_weighed_by_cell_measures(path, labels=None):
    """The mean squared error of predictions.nc weighed with the areas its fields name in
    cell_measures (what `cdo fldmean` weighs with), over the steps of ``labels``."""
    import netCDF4

    with netCDF4.Dataset(path) as raw:
        measure = raw["tas_error"].cell_measures.split()[1]
        area = np.ma.filled(raw[measure][:], np.nan).astype(np.float64)
        assert raw[measure].units == "m2" and raw[measure].standard_name == "cell_area"
        error = np.ma.filled(raw["tas_error"][:].astype(np.float64), np.nan)
        if labels is not None:
            error = error[np.isin(split_labels(xr.DataArray(raw["split"][:], attrs=raw["split"].__dict__)), labels)]
    weights = np.where(np.isfinite(error), np.broadcast_to(area, error.shape), 0.0)
    return np.nansum(weights * error**2) / weights.sum()


def test_the_areas_climann_computed_are_written_so_that_the_files_mean_is_the_reported_one(trained, tmp_path):
    """climann weighs the sample's cells by the areas it computes from lat_bnds/lon_bnds, but
    wrote them nowhere: `cdo fldmean` of RUN/predictions.nc or of `predict --out` weighed by its
    own guess (break21a F5). They are written as cell_area (m2), and the area-weighted MSE of
    each file with them is the MSE climann reported."""
    import json

    _, sample, run_dir = trained
    reported = json.loads((run_dir / "metrics.json").read_text())["splits"]
    for split in ("train", "test"):
        assert _mse_weighed_by_cell_measures(run_dir / "predictions.nc", [split]) == pytest.approx(reported[split]["model"]["mse"],
                                                                                  rel=1e-5)
    result = predict_files(run_dir, [str(sample)], tmp_path / "p.nc")
    assert _mse_weighed_by_cell_measures(result.path) == pytest.approx(result.scores["mse"], rel=1e-5)


def test_a_run_from_before_the_model_record_is_rescored_into_the_same_metrics_json(write_grid, tmp_path):
    """A run whose metrics.json and provenance.json name no model.npz (before 3 December 2026) is
    re-scored in place as it was written: no model_sha256 added, the same bytes; a run of this
    version records the SHA-256 of its model.npz, and keeps it."""
    import hashlib
    import json

    from climann.workflow.predict import evaluate_run

    config = build_config({"data": {"paths": [str(write_grid(n_years=4))], "target": "tas", "predictors": ["pred"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    old = run_written_before(run_dir, tmp_path / "old")
    for folder, record in ((old, None), (run_dir, hashlib.sha256((run_dir / "model.npz").read_bytes()).hexdigest())):
        written = (folder / "metrics.json").read_text()
        assert json.loads(written).get("model_sha256") == record
        evaluate_run(folder)
        assert (folder / "metrics.json").read_text() == written


def test_evaluate_keeps_the_record_and_the_line_of_the_target_s_own_area_mean(tmp_path, caplog):
    """break22c F7: a run fed the target's global mean is re-scored as trained: its metrics.json
    and report.md keep target_area_means and the line, and evaluate warns as train did."""
    from climann.workflow.predict import evaluate_run
    from tests.conftest import grid_dataset

    grid_dataset(n_years=3).to_netcdf(tmp_path / "grid.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "grid.nc")], "target": "tas", "predictors": ["pred"],
                                    "global_means": ["tas"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    (run_dir / "metrics.json").unlink()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(run_dir)
    assert metrics["target_area_means"] == ["tas_global_mean"]
    line = "the input tas_global_mean is an area mean of the target tas at the same time step"
    assert [record.getMessage().startswith(line) for record in caplog.records].count(True) == 1
    assert line in (run_dir / "report.md").read_text() and "target_area_means" in (run_dir / "metrics.json").read_text()


def test_rename_on_other_data_scores_them_as_the_files_named_as_the_run_s(trained, tmp_path, capfd, monkeypatch):
    """GPCP's ``precip`` for a run trained on ``pr``: ``--rename`` on ``evaluate --data`` and
    ``predict`` renames in the new files as train's does, and gives the scores of a copy renamed
    by hand; a pattern that matches none of the files, or ``--rename`` without ``--data``, is
    refused in one line."""
    from tests.console import run_main

    _, sample, run_dir = trained
    predictor = load_run(run_dir).config.data.predictors[0]
    with xr.open_dataset(sample) as dataset:
        dataset.rename({predictor: "other_name"}).to_netcdf(tmp_path / "other.nc")
    monkeypatch.chdir(tmp_path)
    rule = f"other*.nc:other_name={predictor}"
    refused = run_main("evaluate", run_dir, "--data", "other.nc", "--out", "refused", capfd=capfd,
                       monkeypatch=monkeypatch)
    assert refused.returncode == 2 and predictor in refused.stderr
    scored = run_main("evaluate", run_dir, "--data", "other.nc", "--out", "scores", "--rename", rule, "--quiet",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert scored.returncode == 0, scored.stderr
    by_hand = run_main("evaluate", run_dir, "--data", str(sample), "--out", "by_hand", "--quiet", capfd=capfd,
                       monkeypatch=monkeypatch)
    assert by_hand.returncode == 0, by_hand.stderr
    renamed, original = (json.loads((tmp_path / name / "metrics.json").read_text()) for name in ("scores", "by_hand"))
    assert renamed["splits"]["all"]["model"] == original["splits"]["all"]["model"]
    predicted = run_main("predict", run_dir, "--data", "other.nc", "--out", "p.nc", "--rename", rule, capfd=capfd,
                         monkeypatch=monkeypatch)
    assert predicted.returncode == 0, predicted.stderr
    reference = predict_files(run_dir, [str(sample)], tmp_path / "reference.nc")
    with xr.open_dataset(tmp_path / "p.nc") as written, xr.open_dataset(reference.path) as ref:
        np.testing.assert_array_equal(written["tas_pred"].values, ref["tas_pred"].values)
    for command, message in ((["evaluate", run_dir, "--data", "other.nc", "--out", "x", "--rename", "nothing*.nc:a=b"],
                              "rename pattern 'nothing\\*.nc' matches none of the files"),
                             (["evaluate", run_dir, "--rename", rule], "--rename renames variables in other data")):
        result = run_main(*command, capfd=capfd, monkeypatch=monkeypatch)
        assert result.returncode == 2 and re.search(message, result.stderr), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()


def _cells_round_a_grid_pole(path):
    """A CMIP-like file of the three rings of 4° cells round the south pole of a rotated grid (2-D latitude and
    longitude on j/i, their corners as ``vertices_*``): narrow cells whose areas straight edges had 2–7 % off."""
    from tests.grid_files import rotated_to_geographic

    south, west = -90.0 + 4.0 * np.arange(3), -180.0 + 4.0 * np.arange(90)
    rlat = np.stack([south, south, south + 4, south + 4], axis=-1)[:, None, :].repeat(90, axis=1)
    rlon = np.stack([west, west + 4, west + 4, west], axis=-1)[None].repeat(3, axis=0)
    corner_lat, corner_lon = rotated_to_geographic(rlat, rlon)
    corner_lat[0, :, :2], corner_lon[0, :, :2] = corner_lat[0, 0, 0], corner_lon[0, 0, 0]  # the grid pole
    lat, lon = rotated_to_geographic(*np.meshgrid(south + 2, west + 2, indexing="ij"))
    rng = np.random.default_rng(2)
    pred = rng.uniform(0, 1, (24, 3, 90))
    tas = 270 + 10 * pred + 0.05 * lat + rng.normal(0, 0.5, (24, 3, 90))
    time = ("time", 15.0 + 30.0 * np.arange(24), {"units": "days since 2000-01-01", "calendar": "360_day"})
    xr.Dataset(
        {"tas": (("time", "j", "i"), tas, {"units": "K"}), "pred": (("time", "j", "i"), pred, {"units": "1"}),
         "vertices_latitude": (("j", "i", "vertices"), corner_lat), "vertices_longitude": (("j", "i", "vertices"),
                                                                                           corner_lon % 360.0)},
        coords={"time": time,
                "latitude": (("j", "i"), lat, {"standard_name": "latitude", "units": "degrees_north",
                                               "bounds": "vertices_latitude"}),
                "longitude": (("j", "i"), lon % 360.0, {"standard_name": "longitude", "units": "degrees_east",
                                                        "bounds": "vertices_longitude"})}).to_netcdf(path)
    return path


def test_a_run_from_before_exact_cell_areas_is_rescored_with_its_straight_edges(tmp_path):
    """break24a F2: 2-D cell corners are now joined by great circles (exact areas; straight edges were 2–7 % off
    next to a grid pole), which changes the weights of curvilinear runs. A run trained before 4 December 2026
    (its model.npz and config.toml without cell_edges) is re-scored with the areas it was trained with: its
    scores, bit for bit; a new run records great_circle and its predictions.nc holds the exact areas."""
    import json
    import pyproj

    from climann.data.geometry import polygon_areas
    from climann.model import Network
    from climann.workflow.predict import evaluate_run

    sample = _cells_round_a_grid_pole(tmp_path / "pole.nc")
    settings = {"data": {"paths": [str(sample)], "predictors": ["pred"], "features": [], "cell_edges": "straight"},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_dir = run_training(build_config(settings), run_dir=tmp_path / "run").run_dir
    trained = json.loads((run_dir / "metrics.json").read_text())
    old_run = run_written_before(run_dir, tmp_path / "old_run", "cell_edges")
    config_text = (old_run / "config.toml").read_text()
    (old_run / "config.toml").write_text("".join(line for line in config_text.splitlines(keepends=True)
                                                 if not line.startswith("cell_edges")))
    rescored = evaluate_run(old_run, out=tmp_path / "rescored")
    assert rescored["splits"] == trained["splits"]

    settings["data"].pop("cell_edges")
    new_run = run_training(build_config(settings), run_dir=tmp_path / "new").run_dir
    assert Network.load(new_run / "model.npz").metadata["cell_edges"] == "great_circle"
    with xr.open_dataset(sample) as data, xr.open_dataset(new_run / "predictions.nc") as written:
        corners = data["vertices_latitude"].values, data["vertices_longitude"].values
        geod = pyproj.Geod(a=1.0, b=1.0)
        by_pyproj = np.array([[abs(geod.polygon_area_perimeter(corners[1][j, i], corners[0][j, i])[0])
                               for i in range(90)] for j in range(3)])
        areas = written["cell_area"].values
        np.testing.assert_allclose(areas / areas.sum(), by_pyproj / by_pyproj.sum(), rtol=1e-7)
        straight = polygon_areas(*corners, straight_edges=True)
        assert np.abs(straight / straight.sum() / (by_pyproj / by_pyproj.sum()) - 1).max() > 0.01


@pytest.mark.parametrize("given, advice, followed", [
    pytest.param(["era_t2m*:t2m=temp"], "--rename 'era_t2m*:t2m=tas' (in place of 'era_t2m*:t2m=temp')",
                 ["era_t2m*:t2m=tas"], id="the-users-rule-renamed-it-otherwise"),
    pytest.param(["era_*:sst=tos"], "--rename 'era_*:t2m=tas'", ["era_*:sst=tos", "era_*:t2m=tas"],
                 id="another-rule-of-the-users-takes-the-file"),
])
def test_the_rename_advice_of_new_data_renamed_by_the_user_works_when_followed(renamed_run, tmp_path, monkeypatch,
                                                                             given, advice, followed):
    """The advice for a run's variable missing from new data names the variable as the file
    holds it, with the rule that applies to the file: rules rename each file's own names and
    do not chain, so '*:temp=tas' after 'era_t2m*:t2m=temp' (or '*:t2m=tas' beside a rule
    'era_*' that takes the file first) gave the same refusal again (verify25 F8). Followed
    (the advised rule in place of the one it names), evaluate --data then scores the file."""
    from typer.testing import CliRunner

    from climann.cli import app

    folder, full, run_dir = renamed_run
    monkeypatch.chdir(tmp_path)
    full.isel(time=slice(24, None))[["tas", "time_bnds"]].rename(tas="t2m").to_netcdf("era_t2m_1982-1983.nc")
    full.isel(time=slice(24, None))[["rsdt", "time_bnds"]].to_netcdf("era_rsdt_1982-1983.nc")
    data = [str(run_dir), "--data", "era_t2m_1982-1983.nc", "--data", "era_rsdt_1982-1983.nc", "--out", "scores"]
    renames = [word for rule in given for word in ("--rename", rule)]
    refused = CliRunner().invoke(app, ["evaluate", *data, *renames, "-q"])
    assert refused.exit_code == 2
    assert without_guards(refused.stderr.strip()).endswith(
        "rename it in a copy (" + one_copy("ncrename -v t2m,tas", "era_t2m_1982-1983.nc", "renamed",
                                           ", with the other files of the working folder given as before (--data era_rsdt_1982-1983.nc)")
        + ") or with " + advice)
    renames = [word for rule in followed for word in ("--rename", rule)]
    result = CliRunner().invoke(app, ["evaluate", *data, *renames, "-q"])
    assert result.exit_code == 0, result.stderr
    scores = json.loads((tmp_path / "scores" / "metrics.json").read_text())["splits"]["all"]["model"]
    assert scores["n_samples"] == full["tas"].isel(time=slice(24, None)).size
    if shutil.which("ncrename") is None:
        return
    # the ncrename line run as printed (fix53j: its copy in a new folder), then evaluate on the --data it names
    copy = run_one_copy(refused.stderr, tmp_path)["copy"]
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["era_rsdt_1982-1983.nc", "era_t2m_1982-1983.nc"]
    result = CliRunner().invoke(app, ["evaluate", str(run_dir), "--data", copy, "--data", "era_rsdt_1982-1983.nc",
                                      "--out", "scores_of_the_copy", "-q"])
    assert result.exit_code == 0, result.stderr
    copied = json.loads((tmp_path / "scores_of_the_copy" / "metrics.json").read_text())["splits"]["all"]["model"]
    assert copied == scores


def _file_variables(path) -> set[str]:
    with xr.open_dataset(path, decode_times=False) as opened:
        return set(opened.variables)


@pytest.mark.parametrize(
    ("own", "name", "attrs", "command"),
    [
        pytest.param("tisr", "rsdt", {"units": "furlongs"}, r"ncatted -a units,(\w+),o,c,'W m-2' ", id="units"),
        pytest.param("lsm", "sftlf", {"standard_name": "land_binary_mask"},
                     r"ncap2 -s '(\w+)@standard_name=\"land_area_fraction\"' ", id="standard-name"),
    ],
)
def test_fix_commands_name_the_variable_as_its_file_holds_it_not_as_renamed(trained, tmp_path, own, name, attrs,
                                                                            command):
    """break28b A3: ERA5's ``tp`` read as ``pr`` with ``--rename``: a command on the user's file
    that names ``pr`` cannot change it; it names the file's own variable."""
    _, sample, run_dir = trained
    with xr.open_dataset(sample) as source:
        changed = source.load()
    changed[name].attrs.update(attrs)
    changed.rename({name: own}).to_netcdf(tmp_path / "era.nc")
    with pytest.raises(ClimannError) as error:
        predict_files(run_dir, [str(tmp_path / "era.nc")], tmp_path / "out.nc", rename={"era*": {own: name}})
    named = re.search(command, str(error.value))
    assert named is not None, str(error.value)
    assert named.group(1) == own and own in _file_variables(tmp_path / "era.nc")
    assert not (tmp_path / "out.nc").exists()


#: ``climann ARGUMENTS`` in a second process that stops once it has claimed its output, says so
#: on stdout and goes on when a line arrives on stdin: the test starts the second command in between.
PAUSED_COMMAND = """
import sys
import climann.workflow.predict as predict
for name in ("_predict_claimed", "_evaluate_claimed"):
    def paused(*args, _original=getattr(predict, name), **kwargs):
        print("claimed", flush=True)
        sys.stdin.readline()
        return _original(*args, **kwargs)
    setattr(predict, name, paused)
sys.argv = ["climann", *sys.argv[1:]]
from climann.cli import main
main()
"""


@pytest.mark.parametrize("command, out, written", [
    pytest.param("predict", "same.nc", "same.nc", id="predict"),
    pytest.param("evaluate", "scores", "scores/predictions.nc", id="evaluate"),
])
@pytest.mark.parametrize("overwrite", [pytest.param([], id="new"), pytest.param(["--overwrite"], id="overwrite")])
def test_a_second_command_writing_the_same_output_at_once_is_refused_and_the_first_is_kept(
        trained, tmp_path, capfd, monkeypatch, command, out, written, overwrite):
    import subprocess
    import sys
    from pathlib import Path

    from tests.console import run_main

    _, sample, run_dir = trained
    first = subprocess.Popen([sys.executable, "-c", PAUSED_COMMAND, command, str(run_dir), "--data", str(sample),
                              "--out", str(tmp_path / out), *overwrite],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    try:
        assert first.stdout.readline() == "claimed\n", first.stderr.read()  # the barrier: the first holds its output
        second = run_main(command, run_dir, "--data", sample, "--out", tmp_path / out, "--time-range", "1980,1980",
                          *overwrite, capfd=capfd, monkeypatch=monkeypatch)
    finally:
        _, errors = first.communicate("\n", timeout=300)
    what = "predictions" if command == "predict" else "scores folder"
    assert second.returncode == 2
    assert second.stderr.splitlines()[-1] == (
        f"climann: error: another climann (process {first.pid}) is writing {what} {tmp_path / out} now; this one "
        "stops and leaves it alone: wait for it to finish, or choose another --out")
    assert first.returncode == 0, errors
    with xr.open_dataset(tmp_path / written, decode_times=TIME) as kept, xr.open_dataset(sample) as source:
        assert kept.sizes["time"] == source.sizes["time"] == 48  # the first's, all 4 years; not the second's 1980
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".")]  # no claim, no temporary left


def test_a_claim_left_by_a_killed_command_does_not_block_predict(trained, tmp_path):
    import subprocess
    import sys

    from climann.atomic import CLAIM_HEADER, claim_path

    _, sample, run_dir = trained
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    claim_path(tmp_path / "pred.nc").write_text(f"{CLAIM_HEADER}{int(gone.stdout)}\n")
    result = predict_files(run_dir, [str(sample)], tmp_path / "pred.nc")
    assert result.n_samples > 0 and os.listdir(tmp_path) == ["pred.nc"]  # the stale claim taken over, then removed


def _grid_at(path, latitudes, longitudes, dtype):
    rng = np.random.default_rng(5)
    shape = (36, len(latitudes), len(longitudes))
    xr.Dataset(
        {"tas": (("time", "lat", "lon"), 280 + rng.standard_normal(shape), {"units": "K"}),
         "clt": (("time", "lat", "lon"), rng.uniform(0, 100, shape), {"units": "%"})},
        coords={"time": xr.date_range("2000-01-01", periods=36, freq="MS", use_cftime=False),
                "lat": ("lat", np.asarray(latitudes).astype(dtype), {"units": "degrees_north"}),
                "lon": ("lon", np.asarray(longitudes).astype(dtype), {"units": "degrees_east"})}).to_netcdf(path)
    return str(path)


def test_a_float64_copy_of_a_float32_training_grid_is_the_same_grid(tmp_path):
    """fix37j: latitudes 54.99 … stored as float32 in training (54.9900017) and as float64 in
    the new file (54.99) were noted as "the grid differs … (… lat 54.99…55.99 … → … lat
    54.99…55.99 …)": an exact comparison of positions equal within float32 precision."""
    latitudes, longitudes = [54.99, 55.49, 55.99], [7.13, 7.63, 8.13, 8.63]
    config = build_config({"data": {"paths": [_grid_at(tmp_path / "f32.nc", latitudes, longitudes, "f4")],
                                    "predictors": ["clt"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    assert float(np.float32(54.99)) != 54.99  # the two files' latitudes differ as floats
    copy = _grid_at(tmp_path / "f64.nc", latitudes, longitudes, "f8")
    assert predict_files(run_dir, [copy], tmp_path / "copy_predicted.nc").notes == []
    moved = _grid_at(tmp_path / "moved.nc", np.add(latitudes, 0.002), longitudes, "f8")  # 220 m north
    (note,) = predict_files(run_dir, [moved], tmp_path / "moved_predicted.nc").notes
    assert "lat 54.99…55.99, lon 7.13…8.63 → 3×4, lat 54.992…55.992, lon 7.13…8.63)" in note, note


def test_a_grid_change_too_small_for_six_digits_is_told_with_the_digits_that_show_it():
    """fix37j: two grids whose summaries agree to 6 significant digits read "A → A"."""
    from climann.workflow.predict import _grid_change_text

    trained = {"n_lat": 3, "n_lon": 4, "lat_range": [54.99, 55.99], "first_cell": [54.99, 7.13]}
    new = {"n_lat": 3, "n_lon": 4, "lat_range": [54.9900002, 55.99], "first_cell": [54.9900002, 7.13]}
    assert f"{54.9900002:g}" == f"{54.99:g}"
    text = _grid_change_text(trained, (7.13, 8.63), new, (7.13, 8.63))
    assert text == "3×4, lat 54.99…55.99, lon 7.13…8.63 → 3×4, lat 54.9900002…55.99, lon 7.13…8.63", text


def _nmme_pair(folder):
    """An observed target (CAMS-OPI-like prcp(time, Y, X)) and IRI's NMME forecasts of it, prec(S, L, M, Y, X): S
    the start month, L the lead (forecast_period, months), M the member (realization); the valid time of S = s
    and L = 1.5 is the month s + 1, whose observation prcp is that forecast plus noise."""
    rng = np.random.default_rng(7)
    starts, leads, members = np.arange(264.0, 324.0), np.array([0.5, 1.5]), np.array([1.0, 2.0, 3.0])
    lat, lon = np.array([-10.0, 0.0, 10.0]), np.array([0.0, 60.0, 120.0, 180.0])
    prec = rng.gamma(2.0, 1.5, (starts.size, 2, 3, 3, 4)).astype(np.float32)
    grid = {"Y": ("Y", lat, {"units": "degree_north", "standard_name": "latitude"}),
            "X": ("X", lon, {"units": "degree_east", "standard_name": "longitude"})}
    xr.Dataset({"prec": (("S", "L", "M", "Y", "X"), prec, {"units": "mm/day"})}, coords={
        "S": ("S", starts, {"units": "months since 1960-01-01", "calendar": "360_day",
                            "standard_name": "forecast_reference_time"}),
        "L": ("L", leads, {"units": "months", "standard_name": "forecast_period", "long_name": "Lead"}),
        "M": ("M", members, {"units": "unitless", "standard_name": "realization", "long_name": "Ensemble Member"}),
        **grid}).to_netcdf(folder / "nmme.nc")
    observed = prec[:, 1, 1] + rng.normal(0, 0.5, prec[:, 1, 1].shape).astype(np.float32)
    xr.Dataset({"prcp": (("time", "Y", "X"), observed, {"units": "mm/day"})}, coords={
        "time": ("time", starts + 1.5, {"units": "months since 1960-01-01", "calendar": "360_day",
                                        "standard_name": "time"}), **grid}).to_netcdf(folder / "obs.nc")
    return folder / "obs.nc", folder / "nmme.nc"


def test_predictions_from_a_selected_member_and_lead_name_them_and_the_command(tmp_path, capfd, monkeypatch):
    """break40c C7: `predict RUN --data obs.nc --data nmme.nc --select M=3` wrote a file with no M or L coordinate
    and a history without '--select M=3': nothing said which member and lead the predictions were made from.
    train's predictions.nc and predict's name the predictors' selection as CF scalar coordinates of the
    predictions (not of the observed truth, nor of the baselines made from it alone), and the history holds the
    whole command."""
    import netCDF4

    from tests.console import run_main

    monkeypatch.chdir(tmp_path)
    draw_no_run_figures(monkeypatch)
    obs, nmme = _nmme_pair(tmp_path)
    trained = run_main("train", "--data", obs, "--data", nmme, "--target", "prcp", "--predictors", "prec",
                       "--select", "L=1.5", "--select", "M=2", "--epochs", "1", "--hidden", "4",
                       "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert trained.returncode == 0, trained.stderr
    predicted = run_main("predict", "run", "--data", obs, "--data", nmme, "--select", "M=3", "--out", "pred_m3.nc",
                         capfd=capfd, monkeypatch=monkeypatch)
    assert predicted.returncode == 0, predicted.stderr
    for path, member, predictions in ((tmp_path / "run" / "predictions.nc", 2.0, ("prcp_pred", "prcp_linear")),
                                      (tmp_path / "pred_m3.nc", 3.0, ("prcp_pred",))):
        with netCDF4.Dataset(path) as written:
            assert (float(written["M"][...]), float(written["L"][...])) == (member, 1.5)
            assert written["M"].standard_name == "realization" and written["L"].standard_name == "forecast_period"
            for name in (*predictions, "prcp_error"):
                assert set(written[name].coordinates.split()) == {"L", "M"}, name
            for name in ("prcp", "prcp_climatology", "prcp_persistence"):
                if name in written.variables:
                    assert not {"L", "M"} & set(getattr(written[name], "coordinates", "").split()), name
            history = written.history
    assert history.endswith(f"climann predict run --data {obs} --data {nmme} --select M=3 --out pred_m3.nc")
    # the Python API's default history is the equivalent command, its selection included
    predict_files(tmp_path / "run", [str(obs), str(nmme)], tmp_path / "api.nc", select={"M": 1.0})
    with xr.open_dataset(tmp_path / "api.nc", decode_times=False) as written:
        assert written.attrs["history"].endswith(f"climann predict {tmp_path / 'run'} --data {obs} {nmme} "
                                                 f"--select M=1.0 --out {tmp_path / 'api.nc'}")
        assert float(written["M"]) == 1.0


@pytest.mark.parametrize(("target", "predictors", "label"), [
    pytest.param("prcp", ["prec"], "time", id="observed-target-beside-forecasts"),
    pytest.param("prec", [], "valid time (forecast reference time + forecast period)", id="forecast-target"),
])
def test_only_a_forecast_targets_time_is_labelled_valid_time(tmp_path, target, predictors, label):
    """break40c C8: the predictions of an observed target (CAMS-OPI) read beside NMME forecasts labelled its time
    "valid time (forecast reference time + forecast period)", the forecasts' label; only a forecast's is."""
    obs, nmme = _nmme_pair(tmp_path)
    config = build_config({"data": {"paths": [str(obs), str(nmme)] if predictors else [str(nmme)], "target": target,
                                    "predictors": predictors, "select": {"L": 1.5, "M": 2.0}},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=False) as written:
        assert written["time"].attrs["long_name"] == label


@pytest.mark.parametrize("named", [
    pytest.param(lambda model: {"source_id": model}, id="CMIP6-source_id"),
    # break54c A5: EURO-CORDEX RCA4 driven by HadGEM2-ES, scored on RCA4 driven by IPSL-CM5A-MR: same model_id
    pytest.param(lambda model: {"model_id": "SMHI-RCA4", "driving_model_id": model}, id="CORDEX-driving_model_id"),
])
def test_evaluate_on_another_models_simulation_of_the_training_years_says_nothing_of_own_years(tmp_path, caplog,
                                                                                              named):
    """rerun41 R5: a run trained on CESM2 (source_id) and scored on MPI-ESM1-2-LR of the same years was warned 'the
    scored block all holds this run's training years … not of unseen data': another model's years are unseen data.
    No such warning (nor metrics.json own_years_scored); a copy of the same model's file still gets it. The same of
    a regional model driven by another global model (break54c A5: advised a --time-range keeping 1 year of 8)."""
    from climann.workflow.predict import evaluate_run

    sample = write_sample_dataset(tmp_path / "sample.nc", years=4, resolution=15.0, seed=3)
    with xr.open_dataset(sample, decode_times=TIME) as source:
        data = source.load()
    paths = {}
    for model, shift in (("CESM2", 0.0), ("MPI-ESM1-2-LR", 0.7), ("CESM2 copy", 0.0)):
        other = data.copy()
        other["tas"] = data["tas"] + shift
        other.attrs = {**data.attrs, **named(model.split()[0])}
        paths[model] = tmp_path / f"tas_{model.replace(' ', '_')}.nc"
        other.to_netcdf(paths[model])
    config = build_config({"data": {"paths": [str(paths["CESM2"])]}, "model": {"hidden": [8]},
                           "training": {"epochs": 2}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    said = {}
    for model in ("MPI-ESM1-2-LR", "CESM2 copy"):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="climann"):
            metrics = evaluate_run(run_dir, [str(paths[model])], tmp_path / f"scores_{model.replace(' ', '_')}")
        said[model] = ([record.getMessage() for record in caplog.records if "not of unseen data" in record.getMessage()],
                       "own_years_scored" in metrics)
    assert said["MPI-ESM1-2-LR"] == ([], False)
    assert len(said["CESM2 copy"][0]) == 1 and said["CESM2 copy"][1]


@pytest.mark.parametrize("recorded", [pytest.param(True, id="metrics-json-record"),
                                      pytest.param(False, id="run-before-the-record")])
def test_other_data_without_the_runs_areacella_are_weighed_by_computed_areas_and_say_so(tmp_path, caplog, recorded):
    """break42b A6: a run weighed by the areacello its data named scored other data whose
    cell_measures names areacello, without its file, by areas computed from the grid (MSE
    26.49701 against 26.50151), unsaid, both metrics.json recording "weighted_by": "cell area"."""

    from climann.workflow.predict import evaluate_run
    from tests.conftest import grid_dataset

    measured = {"units": "m2", "standard_name": "cell_area"}
    training = grid_dataset(n_years=3)
    # the cells' own areas (∝ cos φ), each off by up to 5 %: areas of other cells are refused (break57a A2)
    areas = (np.cos(np.deg2rad(training["lat"].values))[:, None]
             * np.random.default_rng(3).uniform(0.95, 1.05, (4, 6)) * 1e11)
    training["tas"].attrs["cell_measures"] = "area: areacella"
    training.assign(areacella=(("lat", "lon"), areas, measured)).to_netcdf(tmp_path / "train.nc")
    new = grid_dataset(n_years=2, seed=5)
    new["tas"].attrs["cell_measures"] = "area: areacella"
    new.to_netcdf(tmp_path / "new.nc")
    xr.Dataset({"areacella": (("lat", "lon"), areas, measured)},
               coords={"lat": new["lat"], "lon": new["lon"]}).to_netcdf(tmp_path / "areacella.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "train.nc")], "target": "tas", "predictors": ["pred"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert (metrics["weighted_by"], metrics["cell_areas"]) == ("cell area", "areacella")
    if not recorded:  # a run from before the record: its predictions.nc names the areas it wrote
        del metrics["cell_areas"]
        (run_dir / "metrics.json").write_text(json.dumps(metrics))

    def numpy_mse(folder, weights):
        with xr.open_dataset(folder / "predictions.nc") as written:
            error = written["tas_error"].transpose("time", "lat", "lon").values.astype(np.float64)
        weights = np.where(np.isfinite(error), np.broadcast_to(weights, error.shape), 0.0)
        return np.nansum(weights * error**2) / weights.sum()

    half = np.deg2rad(180 / 4 / 2)  # the band areas of the evenly spaced latitudes, as sin(lat ± half a step)
    bands = (np.sin(np.deg2rad(new["lat"].values) + half) - np.sin(np.deg2rad(new["lat"].values) - half))[:, None]
    with caplog.at_level(logging.WARNING):
        computed = evaluate_run(run_dir, [tmp_path / "new.nc"], tmp_path / "computed")
    [line] = [record.getMessage() for record in caplog.records if "cell areas" in record.getMessage()]
    assert line == ("the run's scores were weighed by its data's own cell areas (areacella), these data's are weighed "
                    "by areas computed from the grid (tas's cell_measures names areacella, whose file is not among "
                    "them), so the two scores weigh the cells slightly differently; to weigh as the run did, give the "
                    "file of areacella with the data (another --data)")
    assert (computed["weighted_by"], computed["cell_areas"]) == ("cell area", "computed")
    assert json.loads((tmp_path / "computed" / "metrics.json").read_text())["cell_areas"] == "computed"
    assert computed["splits"]["all"]["model"]["mse"] == pytest.approx(numpy_mse(tmp_path / "computed", bands), rel=1e-6)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        given = evaluate_run(run_dir, [tmp_path / "new.nc", tmp_path / "areacella.nc"], tmp_path / "given")
    assert not [record for record in caplog.records if "cell areas" in record.getMessage()]
    assert given["cell_areas"] == "areacella"
    assert given["splits"]["all"]["model"]["mse"] == pytest.approx(numpy_mse(tmp_path / "given", areas), rel=1e-6)
    assert given["splits"]["all"]["model"]["mse"] != pytest.approx(computed["splits"]["all"]["model"]["mse"], rel=1e-6)


# --- fix45c: a user's --rename that gives the run's target as one of its predictors -------------------
@pytest.mark.parametrize("direction", [pytest.param("target-into-predictor", id="target-into-predictor"),
                                       pytest.param("predictor-into-target", id="predictor-into-target")])
@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
def test_a_rename_of_the_target_into_a_predictor_or_back_is_refused_on_new_data(trained, tmp_path, monkeypatch,
                                                                                 direction, command):
    """break44a A2 (fix45c): new files lacking a predictor, the run's target renamed into it
    (``--rename 'new.nc:tas=rsdt'``), were predicted from the target's own values, exit 0; a predictor renamed
    into the target (``'new.nc:rsdt=tas'``) scored the predictions against a predictor. Both refused in one
    line naming the rule, before anything is written."""
    from climann.workflow.predict import evaluate_run

    _, sample, run_dir = trained
    config = load_run(run_dir).config
    target, predictor = config.data.target, config.data.predictors[0]
    monkeypatch.chdir(tmp_path)
    with xr.open_dataset(sample, decode_times=TIME) as data:
        kept = data.drop_vars(predictor if direction == "target-into-predictor" else target).load()
    kept.to_netcdf(tmp_path / "new.nc")
    old, new = (target, predictor) if direction == "target-into-predictor" else (predictor, target)
    rule = {"new.nc": {old: new}}
    with pytest.raises(ClimannError, match=rf"^--rename 'new.nc:{old}={new}' renames the run's "
                                           rf"{'target' if old == target else 'predictor'} '{old}' into its "):
        if command == "predict":
            predict_files(run_dir, ["new.nc"], tmp_path / "out.nc", rename=rule)
        else:
            evaluate_run(run_dir, ["new.nc"], tmp_path / "scores", rename=rule)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["new.nc"]


def test_the_runs_own_rename_of_its_target_into_a_predictor_is_kept_on_new_data(tmp_path):
    """The other way: a run trained on observed ``tas`` from a model's ``tas`` renamed ``tas_model`` (its own
    ``[data] rename``, model output statistics) predicts new model files with the same rename given again; the
    predictions are those of the same files renamed by hand (xarray's rename)."""
    write_sample_dataset(tmp_path / "sample.nc", years=2, resolution=30.0, seed=4)
    with xr.open_dataset(tmp_path / "sample.nc", decode_times=TIME) as sample:
        data = sample[["tas", "time_bnds"]].load()
    data.to_netcdf(tmp_path / "obs.nc")
    model = data.copy(deep=True)
    model["tas"] = model["tas"] + np.float32(1.5) * np.cos(np.arange(model["tas"].size)).reshape(
        model["tas"].shape).astype(np.float32)
    model.to_netcdf(tmp_path / "model.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "obs.nc"), str(tmp_path / "model.nc")], "target": "tas",
                                    "predictors": ["tas_model"], "features": [],
                                    "rename": {"model.nc": {"tas": "tas_model"}}},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    model.to_netcdf(tmp_path / "new_model.nc")
    model.rename(tas="tas_model").to_netcdf(tmp_path / "by_hand.nc")
    given = predict_files(run_dir, [str(tmp_path / "new_model.nc")], tmp_path / "given.nc",
                          rename={str(tmp_path / "new_model.nc"): {"tas": "tas_model"}})
    by_hand = predict_files(run_dir, [str(tmp_path / "by_hand.nc")], tmp_path / "by_hand_pred.nc")
    with xr.open_dataset(given.path) as one, xr.open_dataset(by_hand.path) as other:
        np.testing.assert_array_equal(one["tas_pred"].values, other["tas_pred"].values)


def _observed_and_forecast(folder, *, forecast_name, first_month=12):
    """Monthly ``t2m`` of 2000-2005 on a 3 × 4 grid (obs.nc, month cells) and an ensemble of 2 members from
    month ``first_month`` (2001) to 2005 on the same grid (``forecast_name``: t2m(time, number, lat, lon), member 0
    the observed values plus noise, member 1 noise)."""
    folder.mkdir(parents=True, exist_ok=True)
    import cftime

    months = 72
    starts = [cftime.datetime(2000 + k // 12, k % 12 + 1, 1, calendar="standard") for k in range(months + 1)]
    cells = np.array([[starts[k], starts[k + 1]] for k in range(months)], dtype=object)
    stamps = np.array([low + (high - low) / 2 for low, high in cells], dtype=object)
    rng = np.random.default_rng(3)
    observed = 280.0 + rng.normal(0.0, 3.0, (months, 3, 4))
    members = np.stack([observed + rng.normal(0.5, 1.0, observed.shape), 280.0 + rng.normal(0.0, 3.0, (months, 3, 4))], axis=1)
    grid = {"lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
            "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east", "standard_name": "longitude"})}
    encoding = {"units": "days since 1900-01-01", "calendar": "standard"}
    time = ("time", stamps, {"standard_name": "time", "bounds": "time_bnds"})
    xr.Dataset({"t2m": (("time", "lat", "lon"), observed, {"units": "K"}), "time_bnds": (("time", "nv"), cells)},
               coords={"time": time, **grid}).to_netcdf(folder / "obs.nc", encoding={"time": encoding,
                                                                                       "time_bnds": encoding})
    later = ("time", stamps[first_month:], time[2])  # from 2001: a series of its own, not members of the observed one
    xr.Dataset({"t2m": (("time", "number", "lat", "lon"), members[first_month:], {"units": "K"}),
                "time_bnds": (("time", "nv"), cells[first_month:])},
               coords={"time": later, "number": ("number", [0, 1]), **grid}
               ).to_netcdf(folder / forecast_name, encoding={"time": encoding, "time_bnds": encoding})
    return observed


def test_the_rename_advised_for_new_forecasts_under_another_name_is_the_runs_own_and_predicts(tmp_path, monkeypatch):
    """break53c A6: a run trained with ``--rename 'fc.nc:t2m=t2m_model'`` given the same forecasts as
    ``fc_2017.nc`` was advised a name of the refusal's own (``t2m_fc``, ``t2m_2017``), and the pasted line was
    refused ("variable 't2m_model' not in …"): the model reads ``t2m_model``. The advice names the run's
    ``t2m_model``, and, pasted, predicts the run's own predictions (the same values under the other name)."""
    import shlex

    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    _observed_and_forecast(tmp_path, forecast_name="fc.nc")
    _observed_and_forecast(tmp_path / "n2017", forecast_name="fc_2017.nc")
    runner = CliRunner()
    trained = runner.invoke(app, ["train", "--data", "obs.nc", "--data", "fc.nc", "--rename", "fc.nc:t2m=t2m_model",
                                  "--target", "t2m", "--predictors", "t2m_model", "--select", "number=0",
                                  "--features", "lat", "--epochs", "2", "--hidden", "3", "--quiet",
                                  "--set", "evaluation.figures=false", "--out", "run"])
    assert trained.exit_code == 0, trained.output
    base = ["predict", "run", "--data", "n2017/fc_2017.nc", "--data", "obs.nc"]
    refused = runner.invoke(app, [*base, "--out", "first.nc"])
    assert refused.exit_code == 2, refused.output
    advised = re.search(r"--rename ('[^']+')", refused.output)
    assert advised is not None, refused.output
    assert shlex.split(advised.group(1)) == ["fc_2017.nc:t2m=t2m_model"], refused.output
    # fix54d: no --rename was given, so the advice replaces none (the run's own rules merged in are not options)
    assert "in place of the --rename options" not in refused.output, refused.output
    pasted = runner.invoke(app, [*base, *shlex.split(advised.group(0)), "--out", "pasted.nc"])
    assert pasted.exit_code == 0, pasted.output
    with xr.open_dataset(tmp_path / "pasted.nc", decode_times=TIME) as new, \
            xr.open_dataset(tmp_path / "run" / "predictions.nc", decode_times=TIME) as own:
        np.testing.assert_allclose(new["t2m_pred"].values, own["t2m_pred"].values, rtol=1e-5)


def test_new_forecasts_at_the_observations_times_are_advised_the_runs_rename_not_a_member_join(tmp_path, monkeypatch):
    """fix53h saw it, fix54d: a run trained on obs.nc's ``t2m`` and fc.nc's ensemble renamed ``t2m_fc`` (``--rename
    'fc.nc:t2m=t2m_fc'``), given the same forecasts as new/fc_new.nc at the very times of obs.nc, was refused as
    "members of one ensemble along 'number' (a control forecast beside the perturbed ones), split over two files",
    with a join that made the observations member 2. The run's own rule says what they are: two fields under one
    name, one to be given the run's ``t2m_fc``. The refusal names the run's rule and both renames; the ensemble's,
    pasted, predicts the run's own predictions (the same files under another name), and the training data's
    refusal (no run's rule) is as before."""
    import shlex

    from typer.testing import CliRunner

    from climann.cli import _rename_rules, app
    from climann.data.open import open_dataset

    monkeypatch.chdir(tmp_path)
    _observed_and_forecast(tmp_path, forecast_name="fc.nc", first_month=0)
    (tmp_path / "new").mkdir()
    shutil.copy(tmp_path / "fc.nc", tmp_path / "new" / "fc_new.nc")
    runner = CliRunner()
    trained = runner.invoke(app, ["train", "--data", "obs.nc", "--data", "fc.nc", "--rename", "fc.nc:t2m=t2m_fc",
                                  "--target", "t2m", "--predictors", "t2m_fc", "--select", "number=0",
                                  "--features", "lat", "--epochs", "2", "--hidden", "3", "--quiet",
                                  "--set", "evaluation.figures=false", "--out", "run"])
    assert trained.exit_code == 0, trained.output
    base = ["predict", "run", "--data", "new/fc_new.nc", "--data", "obs.nc"]
    refused = runner.invoke(app, [*base, "--out", "first.nc"])
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.output.split())
    assert ("'t2m' is in both fc_new.nc (number 0…1) and obs.nc (no number) at the same times, on the same grid: "
            "two fields under one name, as in the run's training files, whose 't2m' of fc.nc it read as 't2m_fc' (its "
            "[data] rename), a rule that takes neither of these files; give the file that holds what fc.nc held the "
            "run's name: --rename 'fc_new.nc:t2m=t2m_fc' if it is fc_new.nc's ensemble, --rename 'obs.nc:t2m=t2m_fc' "
            "if it is obs.nc") in said, said
    assert "control forecast" not in said and not (tmp_path / "first.nc").exists()
    advised = re.search(r"(--rename '[^']+') if it is fc_new\.nc's ensemble", said)[1]
    pasted = runner.invoke(app, [*base, *shlex.split(advised), "--out", "pasted.nc"])
    assert pasted.exit_code == 0, pasted.output
    with xr.open_dataset(tmp_path / "pasted.nc", decode_times=TIME) as new, \
            xr.open_dataset(tmp_path / "run" / "predictions.nc", decode_times=TIME) as own:
        np.testing.assert_allclose(new["t2m_pred"].values, own["t2m_pred"].values, rtol=1e-5)
    given = [tmp_path / "new" / "fc_new.nc", tmp_path / "obs.nc"]
    with pytest.raises(ClimannError, match="members of one ensemble along 'number'") as joined:
        open_dataset(given)
    # the file without members may be another product near them: its rename said too, and it opens both apart
    apart = re.search(r"give it a name of its own instead: (--rename '[^']+')$", str(joined.value))[1]
    assert apart == "--rename 'obs.nc:t2m=t2m_other'", str(joined.value)
    with open_dataset(given, rename=_rename_rules(shlex.split(apart)[1:]), select={"number": 0}) as opened:
        with xr.open_dataset(tmp_path / "obs.nc") as observed:
            np.testing.assert_array_equal(opened["t2m_other"].values, observed["t2m"].values)
