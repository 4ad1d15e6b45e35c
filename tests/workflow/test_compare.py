"""``climann compare`` (climann/workflow/compare.py): two tiny runs side by side, their scores
checked against their own files read here with csv/json/numpy, and what is refused."""

import csv
import json
import logging
import re
import shutil
from dataclasses import replace

import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.errors import ClimannError
from climann.workflow.compare import (
    compare_runs,
    comparison_legend,
    comparison_notes,
    comparison_title,
    count_parameters,
    read_runs,
    run_labels,
    training_seconds,
)
from climann.workflow.config import build_config
from climann.workflow.outputs import COMPARE_FILES, written_by_climann
from climann.workflow.pipeline import run_training
from tests.conftest import grid_dataset, write_climann_file, write_user_image

#: name → (hidden widths, epochs, learning rate)
RUNS = {"small": ([4], 2, 0.01), "wide": ([8, 8], 3, 0.003)}


def _trained_runs(folder, settings):
    """Finished runs on one 6-year 4×6 grid, tas from pred and lat: name → run directory, each
    run with its ``(data keys, model keys, training keys)`` of ``settings``."""
    data = folder / "grid.nc"
    grid_dataset(n_years=6).to_netcdf(data)
    dirs = {}
    for name, (data_keys, model, training) in settings.items():
        config = build_config({
            "data": {"paths": [str(data)], "target": "tas", "predictors": ["pred"], "features": ["lat"], **data_keys},
            "model": model, "training": {"batch_size": 32, **training}, "evaluation": {"figures": False},
        })
        dirs[name] = run_training(config, run_dir=folder / name).run_dir
    return dirs


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two finished runs on a 6-year 4×6 grid: tas from pred and lat (2 network inputs)."""
    return _trained_runs(tmp_path_factory.mktemp("compare"), {
        name: ({}, {"hidden": hidden}, {"epochs": epochs, "learning_rate": rate})
        for name, (hidden, epochs, rate) in RUNS.items()})


def own_numbers(run_dir):
    """What the table must show, read here from the run's files."""
    model = json.loads((run_dir / "metrics.json").read_text())["splits"]["test"]["model"]
    with (run_dir / "history.csv").open() as file:
        epochs = sum(1 for _ in csv.DictReader(file))
    seconds = [float(line.rsplit(" ", 2)[-2]) for line in (run_dir / "train.log").read_text().splitlines()
               if line.split(" ", 1)[1].startswith("training: ")]
    return model, epochs, seconds[-1]


def test_compare_lists_both_runs_with_their_true_scores(runs):
    result = compare_runs(list(runs.values()))
    assert [run.label for run in result.runs] == list(RUNS)
    for run, (name, (hidden, _, _)) in zip(result.runs, RUNS.items()):
        model, epochs, seconds = own_numbers(runs[name])
        assert run.scores == {key: model[key] for key in ("mse", "mae", "acc", "skill_vs_climatology")}
        assert run.epochs == epochs == RUNS[name][1]
        assert run.training_seconds == pytest.approx(seconds, abs=0.06)  # to the ms: the log's line rounds to 0.1 s
        sizes = [2, *hidden, 1]  # inputs pred and lat, one output
        assert run.n_parameters == sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    assert result.notes == []  # same data, same test block, same loss


def test_the_command_prints_both_rows_with_their_scores(runs):
    result = CliRunner().invoke(app, ["compare", *map(str, runs.values())], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    legend = next(number for number, line in enumerate(lines) if line.startswith("MSESS = "))
    assert max(len(line) for line in lines[:legend]) <= 80  # the table fits the terminal's width
    for name, run_dir in runs.items():
        model, epochs, _ = own_numbers(run_dir)
        row = next(line for line in lines if line.strip().startswith(name))
        assert f"{model['mse']:.4g}" in row and f"{model['skill_vs_climatology']:.3f}" in row
        assert row.split()[-3] == str(epochs)
    # the legend: one message a line in a pipe (docs/cli.md), not wrapped at the table's 80 columns
    assert lines[legend:] == comparison_legend()
    assert lines[legend].startswith("MSESS = MSE skill score against the training years' climatology, 1 − MSE/MSE_clim")


def test_out_writes_markdown_and_figure_and_refuses_what_is_not_climanns(runs, tmp_path):
    out = tmp_path / "cmp"
    result = compare_runs(list(runs.values()), out)
    markdown, figure = (out / name for name in COMPARE_FILES)
    assert result.files == [markdown, figure]
    text = markdown.read_text()
    assert written_by_climann(markdown) and figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for name, run_dir in runs.items():
        model, _, _ = own_numbers(run_dir)
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} |"))
        assert f"{model['mae']:.4g}" in row and f"{model['acc']:.3f}" in row
    assert "(comparison.png)" in text
    with pytest.raises(ClimannError, match="already holds"):
        compare_runs(list(runs.values()), out)
    compare_runs(list(runs.values()), out, overwrite=True)  # climann's own: replaced
    markdown.write_text("# my notes\n")
    refused = CliRunner().invoke(app, ["compare", *map(str, runs.values()), "--out", str(out), "--overwrite"])
    assert refused.exit_code == 2 and "not written by climann" in refused.output
    assert markdown.read_text() == "# my notes\n"


def test_overwrite_never_replaces_a_users_comparison_png(runs, tmp_path):
    """The user's own comparison.png (matplotlib, as climann's figures were before their
    mark) beside nothing of climann's: refused, with and without --overwrite."""
    out = tmp_path / "mine"
    before = write_user_image(out / "comparison.png", "matplotlib")
    for overwrite in ([], ["--overwrite"]):
        refused = CliRunner().invoke(app, ["compare", *map(str, runs.values()), "--out", str(out), *overwrite])
        assert refused.exit_code == 2
        assert refused.stderr.splitlines() == [
            f"climann: error: {out}/comparison.png carries no climann mark (written by another program, or by a "
            "climann from before 2026-12-01, which did not mark its figures), and --overwrite replaces only "
            "climann's own outputs; choose another directory (or move that file away yourself)"]
    assert sorted(path.name for path in out.iterdir()) == ["comparison.png"]
    assert (out / "comparison.png").read_bytes() == before


def test_out_inside_a_run_is_refused(runs):
    run_dir = runs["small"]
    with pytest.raises(ClimannError, match="inside the run"):
        compare_runs(list(runs.values()), run_dir / "comparison")
    assert not (run_dir / "comparison").exists()


@pytest.mark.parametrize("make, words", [
    pytest.param(lambda path: path.mkdir(), "is empty, not a climann run directory", id="empty-folder"),
    pytest.param(lambda path: (path.mkdir(), (path / "config.toml").write_text("[model]\nlr = 0.1\n"),
                               np.savez(path / "model.npz", weights=np.ones(3))),
                 "is not a climann run directory; it holds config.toml, model.npz, but no model.npz, checkpoint.npz or "
                 "provenance.json written by climann",
                 id="another-programs-folder"),
    pytest.param(lambda path: path.write_text("x"), "not a directory", id="a-file"),
    pytest.param(lambda path: None, "not a directory", id="missing"),
])
def test_a_folder_that_is_not_a_run_is_one_line_and_exit_2(runs, tmp_path, make, words):
    path = tmp_path / "nothing"
    make(path)
    result = CliRunner().invoke(app, ["compare", str(runs["small"]), str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: ") and words in lines[0]


def test_an_unfinished_run_and_an_evaluation_folder_are_refused(runs, tmp_path):
    unfinished = tmp_path / "unfinished"
    write_climann_file(unfinished / "checkpoint.npz")
    with pytest.raises(ClimannError, match="--resume"):
        read_runs([runs["small"], unfinished])
    np.savez(unfinished / "checkpoint.npz", weights=np.ones(3))  # a user's file of that name: no unfinished run
    with pytest.raises(ClimannError, match="is not a climann run directory; it holds checkpoint.npz"):
        read_runs([runs["small"], unfinished])
    scored = tmp_path / "scored"  # what climann evaluate --data --out writes
    scored.mkdir()
    shutil.copy(runs["small"] / "metrics.json", scored)
    with pytest.raises(ClimannError, match="model.npz"):
        read_runs([scored])
    rescored = tmp_path / "rescored"  # climann evaluate RUN --data other.nc without --out: one block "all"
    shutil.copytree(runs["small"], rescored)
    metrics = json.loads((rescored / "metrics.json").read_text())
    (rescored / "metrics.json").write_text(json.dumps({**metrics, "splits": {"all": metrics["splits"]["test"]}}))
    with pytest.raises(ClimannError, match="re-score it with: climann evaluate"):
        read_runs([rescored])


@pytest.mark.parametrize("inside", [pytest.param(True, id="out-inside-the-run"), pytest.param(False, id="elsewhere")])
def test_a_folder_of_evaluate_data_is_refused_as_such(runs, tmp_path, inside):
    """break23b F4: `evaluate RUN --data other.nc --out RUN/sub` folders were refused as "not a
    climann run directory", with no word of what they are nor what compare takes."""
    from climann.run_files import model_sha256

    run = tmp_path / "run"
    shutil.copytree(runs["small"], run)
    scored = (run if inside else tmp_path) / "sub"
    scored.mkdir()
    metrics = json.loads((run / "metrics.json").read_text())
    (scored / "metrics.json").write_text(json.dumps({
        **metrics, "data": [str(tmp_path / "ssp585.nc")], "splits": {"all": metrics["splits"]["test"]},
        "model_sha256": model_sha256(run / "model.npz")}))
    with pytest.raises(ClimannError) as refused:
        read_runs([run, scored])
    of = f" of the run {run}" if inside else ""
    assert str(refused.value) == (
        f"{scored} is an output of climann evaluate --data{of} (the scores of ssp585.nc, block all), not a run "
        "directory: compare puts runs written by climann train side by side on their test blocks; give the runs "
        "themselves, and read the scores of other data in each folder's report.md or metrics.json")


def test_runs_of_another_target_are_refused_and_other_test_blocks_noted(runs, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(runs["wide"], other)
    metrics = json.loads((other / "metrics.json").read_text())
    (other / "metrics.json").write_text(json.dumps({**metrics, "split_periods": {"test": "2090–2099"}}))
    notes = comparison_notes(read_runs([runs["small"], other]))
    assert len(notes) == 1 and "test period" in notes[0] and "2090–2099" in notes[0]
    (other / "metrics.json").write_text(json.dumps({**metrics, "target": "pr", "units": "kg m-2 s-1"}))
    with pytest.raises(ClimannError, match="same target"):
        read_runs([runs["small"], other])
    with pytest.raises(ClimannError, match="twice"):
        read_runs([runs["small"], runs["small"] / ".." / "small"])



def _in_units(run_dir, folder, units):
    """A copy of a run whose metrics.json says its target is in ``units`` (its numbers kept)."""
    shutil.copytree(run_dir, folder)
    metrics = json.loads((folder / "metrics.json").read_text())
    (folder / "metrics.json").write_text(json.dumps({**metrics, "units": units}))
    return folder


def test_the_same_unit_spelled_otherwise_is_compared_as_it_is(runs, tmp_path):
    """K and kelvin (like mm/day and mm d-1) are one unit: the table, no note, exit 0."""
    other = _in_units(runs["wide"], tmp_path / "kelvin", "kelvin")
    compared = read_runs([runs["small"], other])
    assert compared[1].scores == read_runs([runs["wide"]])[0].scores and comparison_notes(compared) == []
    result = CliRunner().invoke(app, ["compare", str(runs["small"]), str(other)])
    assert result.exit_code == 0 and "warning" not in result.output, result.output


@pytest.mark.parametrize(("units", "scale", "said"), [
    pytest.param("degF", 5 / 9, "converted to K (MAE × 0.555556, MSE × 0.555556²)", id="degF"),
    pytest.param("degC", 1.0, "the same in K (the offset between the two scales cancels", id="degC"),
])
def test_scores_in_another_unit_are_converted_to_the_first_runs_and_said(runs, tmp_path, units, scale, said):
    other = _in_units(runs["wide"], tmp_path / units, units)
    model = json.loads((other / "metrics.json").read_text())["splits"]["test"]
    small, converted = read_runs([runs["small"], other])
    assert converted.units == small.units == "K"
    assert converted.scores["mse"] == pytest.approx(model["model"]["mse"] * scale ** 2, rel=1e-9)
    assert converted.scores["mae"] == pytest.approx(model["model"]["mae"] * scale, rel=1e-9)
    assert converted.climatology_mse == pytest.approx(model["climatology"]["mse"] * scale ** 2, rel=1e-9)
    for key in ("acc", "skill_vs_climatology"):  # a correlation and a ratio of MSEs: no units
        assert converted.scores[key] == model["model"][key]
    notes = comparison_notes([small, converted])
    assert len(notes) == 1 and notes[0].startswith(f"{units}'s tas is in {units}") and said in notes[0]


def _noisy_copy_in_degf(run_dir, folder, mse_factor):
    """The run's scores as the same run stored in degF would have them: MSE / (5/9)², MAE / (5/9),
    ACC and MSESS as they are, each off in its 8th digit as float32 data make them."""
    shutil.copytree(run_dir, folder)
    metrics = json.loads((folder / "metrics.json").read_text())
    model = metrics["splits"]["test"]["model"]
    model.update(mse=model["mse"] / (5 / 9) ** 2 * mse_factor, mae=model["mae"] / (5 / 9) * (1 - 2e-8),
                 acc=model["acc"] + 3e-8, skill_vs_climatology=model["skill_vs_climatology"] * (1 + 1e-8))
    (folder / "metrics.json").write_text(json.dumps({**metrics, "units": "degF"}))
    return folder


@pytest.mark.parametrize(("mse_factor", "mse_best"), [
    pytest.param(1 + 3e-8, {0, 1}, id="equal-up-to-float-noise"),
    pytest.param(1 + 1e-3, {0}, id="worse-by-a-thousandth"),
])
def test_scores_equal_up_to_float_noise_after_a_conversion_are_bold_in_both_rows(runs, tmp_path, mse_factor,
                                                                                  mse_best):
    """The same run in mm/day and kg m-2 s-1: float noise made run A's MAE and run B's MSE, ACC and
    MSESS "best" (bold) although every value was the same."""
    from climann.workflow.compare import best_runs, comparison_markdown

    other = _noisy_copy_in_degf(runs["small"], tmp_path / "degF", mse_factor)
    compared = read_runs([runs["small"], other])
    assert compared[0].scores != compared[1].scores  # not exactly equal: the noise is there
    assert best_runs(compared) == {"mse": mse_best, "mae": {0, 1}, "acc": {0, 1}, "skill_vs_climatology": {0, 1}}
    rows = [line for line in comparison_markdown(compared, [], None).splitlines() if line.startswith("| small")
            or line.startswith("| degF")]
    assert [row.count("**") for row in rows] == [8, 8 if mse_best == {0, 1} else 6]


def test_units_without_one_factor_between_them_are_refused_naming_both(runs, tmp_path):
    other = _in_units(runs["wide"], tmp_path / "metres", "m")
    with pytest.raises(ClimannError, match=r"tas in 'm', .* in 'K', which do not convert by one factor"):
        read_runs([runs["small"], other])

SOIL_WATER = {"standard_name": "volume_fraction_of_condensed_water_in_soil"}


def _as_quantity(run_dir, folder, units, target_attributes):
    """A copy of a run whose target is in ``units`` and whose model file records
    ``target_attributes`` as its training file's (its numbers kept)."""
    from climann.model.files import read_model, write_model
    from climann.run_files import model_sha256

    shutil.copytree(run_dir, folder)
    record = read_model(folder / "model.npz")
    write_model(folder / "model.npz", replace(record, user_metadata={**record.user_metadata,
                                                                     "target_attributes": target_attributes}))
    metrics = json.loads((folder / "metrics.json").read_text())
    checksum = {"model_sha256": model_sha256(folder / "model.npz")} if "model_sha256" in metrics else {}
    (folder / "metrics.json").write_text(json.dumps({**metrics, "units": units, **checksum}))
    return folder


@pytest.mark.parametrize(("units", "first_units", "why"), [
    # pint rescaled percent of saturation by 0.01 as if it were a volume fraction in m3 m-3
    pytest.param("percent", "m3 m-3", "a pure number and a ratio of named units are not one quantity",
                 id="percent-against-m3-m-3"),
    # and took a gravimetric water content (0.20 kg kg-1 is 0.26 m3 m-3 at bulk density 1300 kg m-3) as volumetric
    pytest.param("kg kg-1", "m3 m-3", "ratios of named units of other kinds are not one quantity",
                 id="kg-kg-1-against-m3-m-3"),
    # and an ozone mole fraction (its mass mixing ratio x 28.96/48) as a mass mixing ratio
    pytest.param("mol mol-1", "kg kg-1", "ratios of named units of other kinds are not one quantity",
                 id="mol-mol-1-against-kg-kg-1"),
])
def test_scores_of_other_dimensionless_quantities_are_not_put_on_one_scale(runs, tmp_path, units, first_units, why):
    first = _as_quantity(runs["small"], tmp_path / "first", first_units, {"long_name": "Volumetric Soil Moisture"})
    other = _as_quantity(runs["wide"], tmp_path / "other", units, {})
    with pytest.raises(ClimannError) as error:
        read_runs([first, other])
    message = str(error.value)
    assert message.startswith(f"{other} predicts tas in '{units}' (a ")
    assert f", {first} in '{first_units}' (a ratio of named units" in message
    assert "long_name 'Volumetric Soil Moisture'" in message and why in message
    result = CliRunner().invoke(app, ["compare", str(first), str(other)])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and lines[0] == f"climann: error: {message}"


@pytest.mark.parametrize(("units", "first_units", "scale", "attributes"), [
    pytest.param("percent", "m3 m-3", 0.01, SOIL_WATER, id="percent-named-a-volume-fraction"),
    pytest.param("g/kg", "kg kg-1", 0.001, {}, id="g-per-kg-against-kg-per-kg"),
    pytest.param("L m-3", "m3 m-3", 0.001, {}, id="litres-per-cubic-metre-against-m3-m-3"),
])
def test_scores_of_one_dimensionless_quantity_are_put_in_the_first_runs_units(runs, tmp_path, units, first_units,
                                                                              scale, attributes):
    first = _as_quantity(runs["small"], tmp_path / "first", first_units, attributes)
    other = _as_quantity(runs["wide"], tmp_path / "other", units, attributes)
    model = json.loads((other / "metrics.json").read_text())["splits"]["test"]["model"]
    converted = read_runs([first, other])[1]
    assert converted.units == first_units
    assert converted.scores["mse"] == pytest.approx(model["mse"] * scale ** 2, rel=1e-9)
    assert converted.scores["mae"] == pytest.approx(model["mae"] * scale, rel=1e-9)


def test_labels_take_parent_folders_only_where_names_repeat(tmp_path):
    paths = [tmp_path / "x" / "demo", tmp_path / "y" / "demo", tmp_path / "z" / "other"]
    assert run_labels(paths) == ["x/demo", "y/demo", "z/other"]
    assert run_labels(paths[2:]) == ["other"]


def test_training_seconds_reads_every_kind_of_training_phase():
    log = ("2026-01-01T00:00:00.000 training …\n2026-01-01T00:00:04.600 training: 4.6 s\n"
           "2026-01-01T00:00:09.000 evaluating: 4.4 s\n")
    assert training_seconds(log) == 4.6
    assert training_seconds(log.replace("training: 4.6", "training (on the cluster): 12.5")) == 12.5
    assert training_seconds("2026-01-01T00:00:00.000 evaluating: 1.0 s\n") is None


@pytest.mark.parametrize(("begun", "done", "seconds", "shown"), [
    pytest.param("00:00:00.000", "00:00:00.064", 0.064, "64 ms", id="64ms-logged-0.1"),
    pytest.param("00:00:00.000", "00:00:00.041", 0.041, "41 ms", id="41ms-logged-0.0"),
    pytest.param("00:00:00.500", "00:00:00.500", 0.0, "<1 ms", id="under-1ms"),
    pytest.param("00:00:00.000", "00:00:04.612", 4.612, "4.6 s", id="seconds"),
    pytest.param("23:59:59.990", "00:00:00.010", 0.02, "20 ms", id="across-midnight"),
])
def test_a_short_training_phase_is_timed_from_its_lines_timestamps(begun, done, seconds, shown):
    """comparison.md showed 'time 0.0 s' for runs of some milliseconds: the logged duration is
    rounded to 0.1 s, the timestamps of the phase's lines are to the millisecond."""
    from climann.workflow.compare import time_text

    day = "2026-01-02T" if done < begun else "2026-01-01T"
    log = (f"2026-01-01T{begun} training …\n2026-01-01T{begun} 1 epochs × 1 batches\n"
           f"{day}{done} training: {round(seconds, 1):.1f} s\n{day}{done} evaluating …\n")
    assert training_seconds(log) == pytest.approx(seconds, abs=1e-9)
    assert time_text(training_seconds(log)) == shown


@pytest.mark.parametrize("seconds", [0.064, 4.612, 40.94, 59.96, 66.2, 125.4, 3599.6, 7512.0, 3 * 3600 + 61])
def test_every_training_time_of_the_column_is_a_number_and_its_unit(seconds):
    """The column showed "40.9 s" beside "0:01:06" (break49e A3): one form, a number and its unit
    each, that reads back to the duration to its shown precision."""
    from climann.workflow.compare import time_text

    text = time_text(seconds)
    assert ":" not in text
    pairs = re.findall(r"(\d+(?:\.\d+)?) (ms|s|min|h)\b", text)
    assert " ".join(f"{number} {unit}" for number, unit in pairs) == text, text
    scale = {"ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0}
    read_back = sum(float(number) * scale[unit] for number, unit in pairs)
    smallest = min(scale[unit] for _, unit in pairs)
    step = smallest * (0.1 if text.endswith(".0 s") or re.search(r"\.\d s$", text) else 1.0)
    assert abs(read_back - seconds) <= step / 2 + 1e-9, (text, read_back)


def test_the_last_sessions_training_phase_is_timed_and_disagreeing_stamps_give_the_logged_duration():
    resumed = ("2026-01-01T00:00:00.000 training …\n2026-01-01T00:00:09.000 training: 9.0 s\n"
               "2026-01-01T01:00:00.000 training …\n2026-01-01T01:00:00.070 training: 0.1 s\n")
    assert training_seconds(resumed) == pytest.approx(0.07)
    assert training_seconds("2026-01-01T00:00:00.000 training …\n2026-01-01T00:00:03.000 training: 0.1 s\n") == 0.1


def test_count_parameters_counts_weights_and_biases_only(tmp_path):
    path = tmp_path / "model.npz"
    np.savez(path, weight_0=np.zeros((3, 5)), bias_0=np.zeros(5), weight_1=np.zeros((5, 1)), bias_1=np.zeros(1),
             metadata=np.array(json.dumps({"features": ["a"] * 3})))
    assert count_parameters(path) == 3 * 5 + 5 + 5 + 1
    assert re.fullmatch(r"\d+", str(count_parameters(path)))


def test_the_title_names_a_target_without_units_as_such(runs):
    """A run whose target file had no units attribute is not titled as dimensionless ("1")."""
    run = replace(read_runs([runs["small"]])[0], units="")
    title = comparison_title([run])
    assert title.startswith("tas (no units in the file), test split")
    assert "MSE in the target's units squared, MAE in the target's units" in title
    assert "(1)" not in title and " 1²" not in title
    assert comparison_title([replace(run, units="K")]).endswith("MSE in K², MAE in K")


def test_an_ensemble_counts_every_members_parameters_and_is_named_in_the_notes(runs, tmp_path):
    """An ensemble of 2 has twice the weights of one network: its params are counted from
    model_members.npz (read here with numpy), and a note says what its epochs and curve are."""
    data = next(iter(runs.values())).parent / "grid.nc"
    hidden, epochs, rate = RUNS["small"]
    config = build_config({
        "data": {"paths": [str(data)], "target": "tas", "predictors": ["pred"], "features": ["lat"]},
        "model": {"hidden": hidden},
        "training": {"epochs": epochs, "batch_size": 32, "learning_rate": rate, "ensemble": 2},
        "evaluation": {"figures": False},
    })
    ensemble_dir = run_training(config, run_dir=tmp_path / "ens").run_dir
    with np.load(ensemble_dir / "model_members.npz") as arrays:
        own = sum(arrays[name].size for name in arrays.files if name != "metadata")
    sizes = [2, *hidden, 1]
    one = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    assert own == 2 * one
    result = compare_runs([runs["small"], ensemble_dir])
    single, ensemble = result.runs
    assert (single.n_parameters, single.ensemble_size) == (one, 1)
    assert (ensemble.n_parameters, ensemble.ensemble_size) == (own, 2)
    assert [note for note in result.notes if "ensemble" in note] == [
        "ens is an ensemble of 2 networks scored by their mean: its params count every member's weights and "
        "biases, its epochs and learning curve are member 0's (history.csv)"]


def test_runs_whose_networks_learn_different_quantities_are_noted_and_marked_on_the_figure(runs, tmp_path):
    """A target_anomaly run's loss J is over the standardised anomaly, a field-mode run's over
    maps: on one axis with a plain run's, the curves look comparable and are not. The notes
    say which run learns what, and the figure's curves panel says so."""
    import climann.evaluation.figures.comparison as comparison_figure

    anomaly = tmp_path / "anomaly"
    shutil.copytree(runs["wide"], anomaly)
    config = (anomaly / "config.toml").read_text()
    assert config.count("target_anomaly = false") == 1
    (anomaly / "config.toml").write_text(config.replace("target_anomaly = false", "target_anomaly = true"))
    same = comparison_notes(read_runs([runs["small"], runs["wide"]]))
    assert not [note for note in same if "learns" in note]
    notes = comparison_notes(read_runs([runs["small"], anomaly]))
    assert notes == ["the runs differ in what the network learns (small the target, anomaly the target's anomaly): "
                     "their learning curves are losses of different standardised quantities and are not comparable "
                     "(their test scores are, in the target's units)"]
    figures = []
    made = comparison_figure._figure

    def kept(**kwargs):  # every figure the comparison draws, to read its texts after the PNG is written
        figures.append(made(**kwargs))
        return figures[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(comparison_figure, "_figure", kept)
        compare_runs([runs["small"], anomaly], tmp_path / "out")
    texts = [text.get_text() for figure in figures for axis in figure.axes for text in axis.texts]
    assert ("not comparable: the runs learn different quantities (small: the target; anomaly: the target's "
            "anomaly)") in texts


def test_a_finished_run_with_an_interrupted_retraining_is_compared_with_a_warning(runs, tmp_path, caplog):
    """tour13 F-mixed: `train RUN --overwrite` stopped by Ctrl-C leaves the finished run and a
    checkpoint; compare called it unfinished while evaluate, explain and predict used it silently."""
    mixed = tmp_path / "mixed"
    shutil.copytree(runs["small"], mixed)
    write_climann_file(mixed / "checkpoint.npz")
    with caplog.at_level(logging.WARNING, logger="climann"):
        summaries = read_runs([runs["small"], mixed])
    assert summaries[1].scores == summaries[0].scores
    assert [record.getMessage() for record in caplog.records] == [
        f"{mixed} also holds the checkpoint of a retraining that has not finished (interrupted, or still running): "
        f"these are the results of the finished run it is to replace; finish the retraining with: climann train "
        f"--resume {mixed}"]


def test_runs_whose_daily_climatologies_are_smoothed_differently_are_noted(runs, tmp_path):
    """MSESS and ACC are against each run's climatology: one smoothed over 61 days of the year and
    one not (a run before the setting, or climatology_window_days = 1) are not comparable one to one."""
    daily = {}
    for name, window in (("smoothed", 61), ("raw", None)):
        daily[name] = shutil.copytree(runs["small"], tmp_path / name)
        metrics = json.loads((daily[name] / "metrics.json").read_text())
        metrics["climatology_per"] = "day of year"
        metrics.pop("climatology_window_days", None)
        if window is not None:
            metrics["climatology_window_days"] = window
        (daily[name] / "metrics.json").write_text(json.dumps(metrics))
    assert not [note for note in comparison_notes(read_runs([runs["small"], runs["wide"]])) if "climatolog" in note]
    notes = comparison_notes(read_runs([daily["smoothed"], daily["raw"]]))
    assert notes == ["the runs differ in climatology (smoothed day of year smoothed over 61 days, raw day of year "
                     "unsmoothed): their MSESS and ACC are against different climatologies (metrics.json "
                     "climatology_per and climatology_window_days)"]


#: name → the [data] keys that choose its cells or months (break22c F1)
CHOSEN = {"south": {"region": [-90, 0, 0, 360]}, "north": {"region": [0, 90, 0, 360]},
          "m123": {"months": [1, 2, 3]}, "m789": {"months": [7, 8, 9]},
          "djf": {"seasons": ["DJF"]}, "m1212": {"months": [12, 1, 2]}}


@pytest.fixture(scope="module")
def chosen(tmp_path_factory):
    """Runs of one file scored on other cells or months: as many test values each pair."""
    return _trained_runs(tmp_path_factory.mktemp("chosen"),
                         {name: (keys, {"hidden": [4]}, {"epochs": 1}) for name, keys in CHOSEN.items()})


@pytest.mark.parametrize("first, second, named", [
    pytest.param("south", "north", "cells (region: south -90,0,0,360, north 0,90,0,360; metrics.json scored_on)",
                 id="region"),
    pytest.param("m123", "m789", "time steps (months: m123 1,2,3, m789 7,8,9; metrics.json scored_on)", id="months"),
])
def test_runs_scored_on_other_cells_or_months_of_as_many_values_are_noted(chosen, first, second, named):
    """The number of test values agrees, the values do not (break22c F1): one note naming the key."""
    compared = read_runs([chosen[first], chosen[second]])
    assert compared[0].n_test == compared[1].n_test > 0
    assert comparison_notes(compared) == [f"the runs' test scores are over different {named}: they are not "
                                          "comparable one to one"]


def test_the_same_months_chosen_by_other_keys_are_not_noted(chosen):
    """seasons = ["DJF"] and months = [12, 1, 2] choose the same steps: their fingerprints agree."""
    compared = read_runs([chosen["djf"], chosen["m1212"]])
    assert compared[0].choices != compared[1].choices and comparison_notes(compared) == []


def _without_fingerprints(run_dir, folder):
    """A copy of a run as an earlier version wrote it: metrics.json without scored_on."""
    shutil.copytree(run_dir, folder)
    metrics = json.loads((folder / "metrics.json").read_text())
    del metrics["scored_on"]
    (folder / "metrics.json").write_text(json.dumps(metrics))
    return folder


def test_runs_without_fingerprints_are_compared_by_their_data_keys_or_said_not_to_be_told(runs, chosen, tmp_path):
    south, north = (_without_fingerprints(chosen[name], tmp_path / name) for name in ("south", "north"))
    assert comparison_notes(read_runs([south, north])) == [
        "the runs' test scores are over different cells (region: south -90,0,0,360, north 0,90,0,360; [data] in "
        "config.toml): they are not comparable one to one"]
    small = _without_fingerprints(runs["small"], tmp_path / "small")
    assert comparison_notes(read_runs([small, runs["wide"]])) == [
        "small records no fingerprint of the test values (metrics.json scored_on; runs of earlier climann versions): "
        "the runs choose their cells and time steps with the same [data] keys and score as many values, but whether "
        "they are the same values cannot be told"]


def test_a_data_key_absent_from_an_older_config_is_its_default(runs, tmp_path):
    """A config.toml of a version before `seasons` (and without scored_on) chose every month."""
    older = _without_fingerprints(runs["small"], tmp_path / "older")
    config = older / "config.toml"
    config.write_text("".join(line for line in config.read_text().splitlines(keepends=True)
                              if not line.startswith(("seasons =", "time_stride ="))))
    notes = comparison_notes(read_runs([older, _without_fingerprints(runs["wide"], tmp_path / "wide")]))
    assert notes and all("different" not in note for note in notes)  # only: the values cannot be told


def test_runs_whose_climatologies_are_of_other_training_years_are_noted(runs, tmp_path):
    """MSESS and ACC are against the training years' climatology: runs trained on 1990–1997 and
    on 1990–1993 have other references, though taken per the same calendar month (break22c F5)."""
    shorter = shutil.copytree(runs["small"], tmp_path / "shorter")
    metrics = json.loads((shorter / "metrics.json").read_text())
    years = metrics["split_periods"]["train"]
    metrics["split_periods"]["train"] = "1900–1901"
    (shorter / "metrics.json").write_text(json.dumps(metrics))
    notes = comparison_notes(read_runs([runs["small"], shorter]))
    assert (f"the runs differ in the years of their climatology (small {years}, shorter 1900–1901): their MSESS and "
            "ACC are against climatologies of different training years (metrics.json split_periods train)") in notes


def test_a_run_rescored_on_changed_inputs_is_noted(runs, tmp_path):
    """A run re-scored after its input was corrected in place scores other data than a run
    scored on the original, though both provenance.json files name the same checksums (break22c F4)."""
    rescored = shutil.copytree(runs["small"], tmp_path / "rescored")
    metrics = json.loads((rescored / "metrics.json").read_text())
    metrics["changed_inputs"] = [{"path": "/data/tos.nc", "change": "sha256 differs from provenance.json"}]
    (rescored / "metrics.json").write_text(json.dumps(metrics))
    assert not [note for note in comparison_notes(read_runs([runs["small"], runs["wide"]])) if "changed" in note]
    notes = comparison_notes(read_runs([runs["small"], rescored]))
    assert ("rescored was scored on input files changed since it was trained (/data/tos.nc; metrics.json "
            "changed_inputs): its scores are of the changed data, not of the files the other runs were scored on"
            ) in notes


def test_a_run_fed_the_target_s_own_area_mean_is_named_in_the_notes(runs, tmp_path):
    """break22c F7: a run whose inputs hold the target's area mean of the same step
    (metrics.json target_area_means) scores as if that mean were given; compare says so."""
    given = tmp_path / "given"
    shutil.copytree(runs["wide"], given)
    metrics = json.loads((given / "metrics.json").read_text())
    (given / "metrics.json").write_text(json.dumps({**metrics, "target_area_means": ["tas_global_mean"]}))
    assert not [note for note in comparison_notes(read_runs([runs["small"], runs["wide"]])) if "area mean" in note]
    notes = comparison_notes(read_runs([runs["small"], given]))
    assert notes == ["given's inputs hold tas's own area mean at the same time step (tas_global_mean; metrics.json "
                     "target_area_means): its scores assume the true mean is given at prediction time"]


#: Two boxes on the rotated grid of tests/grid_files.py whose cells lie in one rectangle of rows
#: 1–3 and columns 1–3, 8 cells each of its 9: one leaves out cell (1, 1), the other cell (3, 3).
ROTATED_BOXES = {"box_a": [45, 54, 5, 21], "box_b": [44.5, 53.9, 5, 21]}


@pytest.fixture(scope="module")
def rotated_boxes(tmp_path_factory):
    """Runs on the rotated grid with each of :data:`ROTATED_BOXES` as ``[data] region``."""
    from tests.grid_files import write_rotated

    folder = tmp_path_factory.mktemp("rotated_boxes")
    data = write_rotated(folder / "tas_rotated.nc", n_time=36)
    dirs = {}
    for name, box in ROTATED_BOXES.items():
        config = build_config({
            "data": {"paths": [str(data)], "target": "tas", "predictors": [], "features": ["lat", "season"],
                     "region": box},
            "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 32}, "evaluation": {"figures": False},
        })
        dirs[name] = run_training(config, run_dir=folder / name).run_dir
    return dirs


def test_runs_on_other_cells_of_one_rectangle_of_a_rotated_grid_are_noted(rotated_boxes):
    """break24a F5: the boxes' rows and columns coincide, their cells do not; as many values each."""
    compared = read_runs([rotated_boxes["box_a"], rotated_boxes["box_b"]])
    assert compared[0].n_test == compared[1].n_test > 0
    assert comparison_notes(compared) == [
        "the runs' test scores are over different cells (region: box_a 45,54,5,21, box_b 44.5,53.9,5,21; "
        "metrics.json scored_on): they are not comparable one to one"]
    assert compared[0].scored_on["n_cells"] == compared[1].scored_on["n_cells"] == 8


def _rectangle_record(run_dir, folder):
    """A copy of a rotated-grid run as climann wrote it before 4 December 2026: its scored_on
    cells those of the 3×3 rectangle of rows and columns around its region (break24a F5)."""
    import netCDF4

    from climann.evaluation.scored_blocks import cells_fingerprint

    shutil.copytree(run_dir, folder)
    with netCDF4.Dataset(folder / "predictions.nc") as predictions:
        rectangle = cells_fingerprint(predictions["lat"][:].data, predictions["lon"][:].data)
    metrics = json.loads((folder / "metrics.json").read_text())
    for record in metrics["scored_on"].values():
        del record["cells_in_region"]
        record.update(n_cells=9, cells_sha256=rectangle)
    (folder / "metrics.json").write_text(json.dumps(metrics))
    return folder


@pytest.mark.parametrize("first, second, said", [
    pytest.param("old_a", "box_a", "old_a records", id="the-same-box-recorded-before-and-after"),
    pytest.param("old_a", "old_b", "old_a and old_b record", id="other-boxes-of-one-rectangle-recorded-before"),
])
def test_a_record_of_the_rectangle_around_the_region_is_said_not_to_tell_the_cells(
        rotated_boxes, tmp_path, first, second, said):
    """Where its fingerprint and the region keys disagree: not "different cells" (the same box,
    recorded before and after the fingerprint was of the cells scored), nor nothing (other boxes
    of one rectangle, both recorded before)."""
    runs = {**rotated_boxes, "old_a": _rectangle_record(rotated_boxes["box_a"], tmp_path / "old_a"),
            "old_b": _rectangle_record(rotated_boxes["box_b"], tmp_path / "old_b")}
    notes = comparison_notes(read_runs([runs[first], runs[second]]))
    olds = [name for name in (first, second) if name.startswith("old")]
    assert notes == [
        f"{said} the cells of the rows and columns around {'its' if len(olds) == 1 else 'their'} [data] region "
        "(metrics.json scored_on, written before 4 December 2026), not the cells scored in it: whether the runs' "
        "test scores are over the same cells cannot be told; re-score to record them: "
        + "; ".join(f"climann evaluate {runs[name]}" for name in olds)]


def test_a_record_of_the_rectangle_and_other_keys_are_other_cells(rotated_boxes, tmp_path):
    """Both the fingerprints and the region keys differ: other cells, as for any runs."""
    old_a = _rectangle_record(rotated_boxes["box_a"], tmp_path / "old_a")
    assert comparison_notes(read_runs([old_a, rotated_boxes["box_b"]])) == [
        "the runs' test scores are over different cells (region: old_a 45,54,5,21, box_b 44.5,53.9,5,21; "
        "metrics.json scored_on): they are not comparable one to one"]


def test_a_regular_grid_run_with_a_region_recorded_before_compares_as_the_same_cells(chosen, tmp_path):
    """On a regular grid the rectangle is the box: an older record (without cells_in_region) has
    the same fingerprint as a new one, and nothing is said."""
    older = tmp_path / "older"
    shutil.copytree(chosen["south"], older)
    metrics = json.loads((older / "metrics.json").read_text())
    for record in metrics["scored_on"].values():
        del record["cells_in_region"]
    (older / "metrics.json").write_text(json.dumps(metrics))
    assert comparison_notes(read_runs([older, chosen["south"]])) == []


@pytest.mark.parametrize(("cells", "weighting"), [
    pytest.param((1, 1), "one cell (no weighting)", id="both-on-one-cell"),
    pytest.param((1, 24), "weights differ: one cell (no weighting) (a), area-weighted (b)", id="one-cell-beside-a-grid"),
    pytest.param((24, 24), "area-weighted", id="both-on-a-grid"),
])
def test_the_title_says_how_the_runs_scores_weigh_their_cells(runs, cells, weighting):
    """fix33b: runs on one cell (a station, a sea-ice extent) were titled "area-weighted" (fix32j: not in train)."""
    run = read_runs([runs["small"]])[0]
    compared = [replace(run, label=label, scored_on={**(run.scored_on or {}), "n_cells": n_cells})
                for label, n_cells in zip("ab", cells)]
    assert f", {weighting}: MSE in" in comparison_title(compared)


@pytest.mark.parametrize(("areas", "weighting", "said"), [
    pytest.param(("areacella", "computed"), "weights differ: area-weighted, areas of areacella (a), area-weighted, "
                 "areas computed from the grid (b)", True, id="areacella-beside-computed"),
    pytest.param(("computed", "computed"), "area-weighted", False, id="the-same-areas"),
    pytest.param(("areacella", ""), "area-weighted", False, id="one-run-without-the-record"),
])
def test_the_title_names_each_runs_areas_when_they_differ(runs, areas, weighting, said):
    """break52c A5: a run weighed by the file's areacella beside one weighed by the areas computed from the grid
    (metrics.json cell_areas) got one caption; their climatology MSEs on the same data were 77260 and 55016."""
    run = read_runs([runs["small"]])[0]
    assert run.cell_areas == json.loads((runs["small"] / "metrics.json").read_text())["cell_areas"]
    compared = [replace(run, label=label, cell_areas=cell_areas) for label, cell_areas in zip("ab", areas)]
    assert f", {weighting}: MSE in" in comparison_title(compared)
    note = ("the runs differ in cell areas (a areas of areacella, b areas computed from the grid; metrics.json "
            "cell_areas): each cell weighs otherwise in their scores, which are not comparable one to one")
    assert (note in comparison_notes(compared)) is said


def test_runs_of_two_levels_chosen_by_select_are_said_to_be_over_different_levels(tmp_path):
    """break35b D4: two depths of one ocean field, each chosen by [data] select, were "different cells"."""
    dataset = grid_dataset(n_years=6)
    dataset = dataset[["tas", "pred"]].expand_dims(depth=[0.5, 1.5], axis=1)
    dataset["depth"].attrs = {"units": "m", "standard_name": "depth", "positive": "down", "axis": "Z"}
    dataset["tas"] = dataset["tas"] + 0.1 * dataset["depth"]  # other values at each level
    data = tmp_path / "levels.nc"
    dataset.to_netcdf(data)
    dirs = []
    for depth in (0.5, 1.5):
        config = build_config({
            "data": {"paths": [str(data)], "target": "tas", "predictors": ["pred"], "features": ["lat"],
                     "select": {"depth": depth}},
            "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 32}, "evaluation": {"figures": False},
        })
        dirs.append(run_training(config, run_dir=tmp_path / f"d{depth}").run_dir)
    assert comparison_notes(read_runs(dirs)) == [
        "the runs' test scores are over different levels (select: d0.5 depth=0.5, d1.5 depth=1.5; metrics.json "
        "scored_on): they are not comparable one to one"]


def test_runs_of_two_members_chosen_by_select_are_said_to_be_over_different_members(tmp_path):
    """break52c A6: a member chosen by --select member_id=r2i1p1f1 beside a run of the whole file's other member was
    said to be scored "over different cells"."""
    dataset = grid_dataset(n_years=6)
    dataset = dataset[["tas", "pred"]].expand_dims(member_id=["r1i1p1f1", "r2i1p1f1"], axis=1)
    dataset["tas"] = dataset["tas"] + dataset["member_id"].copy(data=[0.0, 0.3])  # other values in each member
    data = tmp_path / "members.nc"
    dataset.to_netcdf(data)
    dirs = []
    for member in ("r1i1p1f1", "r2i1p1f1"):
        config = build_config({
            "data": {"paths": [str(data)], "target": "tas", "predictors": ["pred"], "features": ["lat"],
                     "select": {"member_id": member}},
            "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 32}, "evaluation": {"figures": False},
        })
        dirs.append(run_training(config, run_dir=tmp_path / member).run_dir)
    assert comparison_notes(read_runs(dirs)) == [
        "the runs' test scores are over different ensemble members (select: r1i1p1f1 member_id=r1i1p1f1, r2i1p1f1 "
        "member_id=r2i1p1f1; metrics.json scored_on): they are not comparable one to one"]


def _summary(label, mse, *, mae=2.346e-06, acc=-0.123, msess=-12345.678, n_parameters=1234567, seconds=3725.0):
    """A run as the comparison reads it (no files): its name and scores only matter to the table."""
    from pathlib import Path

    from climann.workflow.compare import RunSummary

    return RunSummary(label=label, path=Path(label), target="pr", units="kg m-2 s-1", test_period="1997-1999",
                      scores={"mse": mse, "mae": mae, "acc": acc, "skill_vs_climatology": msess},
                      climatology_mse=1.0, n_test=10, n_parameters=n_parameters, epochs=120,
                      training_seconds=seconds, train_loss=np.ones(3), val_loss=np.ones(3), loss="mse", inputs=())


#: Names of sweep runs whose values a narrow name column split (fix36c: ``learning-rate-swe`` /
#: ``ep-0.0003`` at 80 columns, ``sweep-0.00`` / ``03`` narrower; numbers wider than rich left
#: the names a column of one character).
LONG_NAMES = ["a/precipitation-sweep-0.00031415", "b/precipitation-sweep-1e-05", "runs/learning-rate-sweep-0.003"]


def _table_lines(runs, width):
    from rich.console import Console

    from climann.workflow.compare import comparison_table

    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115 — rich closes nothing
    console.print(comparison_table(runs, title=False, width=width))
    return [line.rstrip() for line in console.export_text().splitlines()]


@pytest.mark.parametrize("width", [pytest.param(80, id="80-columns"), pytest.param(60, id="60-columns"),
                                   pytest.param(40, id="40-columns")])
def test_the_table_at_a_terminals_width_breaks_names_between_parts_and_never_a_number(width):
    from climann.workflow.compare import comparison_rows, shown_columns

    runs = [_summary(name, 1.23456e-11 * (number + 1), msess=0.512) for number, name in enumerate(LONG_NAMES)]
    lines = _table_lines(runs, width)
    assert all(len(line) <= width for line in lines), lines
    header, rows = comparison_rows(runs)
    shown, _ = shown_columns(header, rows, width)
    body = lines[lines.index(next(line for line in lines if set(line.strip()) == {"─"})) + 1:]
    starts = [index for index, line in enumerate(body) if len(line.split()) > 1]  # a name's first line and numbers
    assert len(starts) == len(runs), body
    for run, row, start, end in zip(runs, rows, starts, [*starts[1:], len(body)]):
        first, *rest = body[start:end]
        # every number shown stands whole on the row's first line, none on the lines below
        cells = first.split()
        assert cells[-(len(shown) - 1):] == [row[index] for index in shown[1:]], first
        names = [cells[0], *(line.strip() for line in rest if line.strip())]
        assert "".join(names) == run.label  # the name's lines, in order, are the name
        assert all(part[-1] in "/-_" for part in names[:-1]), names  # broken after a separator only
        assert all(not re.fullmatch(r"[0-9.e+-]*", part) or part == names[-1].split("-")[-1] for part in names)


def test_columns_left_out_at_a_narrow_width_are_named_below_the_table():
    from climann.workflow.compare import comparison_footer

    runs = [_summary(name, 1.23456e-11) for name in LONG_NAMES]
    wide, narrow = comparison_footer(runs, width=None), comparison_footer(runs, width=40)
    assert wide == comparison_legend()
    assert narrow[-1].startswith("left out at this width (40 columns): MAE, ACC, params, epochs, time; ")
    assert not [line for line in narrow if line.startswith(("ACC = ", "time = ", "params = "))]


def test_runs_trained_in_memory_and_on_a_cluster_are_noted(runs, tmp_path):
    """break36b B5: a cluster run (local SGD on 2 workers) and one in one process were shown
    side by side, their times and scores differing, with nothing saying why."""
    assert json.loads((runs["small"] / "metrics.json").read_text())["training"] == {"route": "in memory"}
    cluster = shutil.copytree(runs["small"], tmp_path / "cluster")
    metrics = json.loads((cluster / "metrics.json").read_text())
    metrics["training"] = {"route": "cluster", "workers": 2, "chunks": 12, "method": "local SGD",
                           "rounds_per_epoch": 1, "chunks_per_round": 6, "sync_every": 0, "steps_per_round": 40.0,
                           "learning_rate_factor": 2}
    (cluster / "metrics.json").write_text(json.dumps(metrics))
    assert not [note for note in comparison_notes(read_runs([runs["small"], runs["wide"]])) if "trained" in note]
    notes = [note for note in comparison_notes(read_runs([runs["small"], cluster])) if "how they trained" in note]
    # rerun36: the note named a streamed run although neither run was streamed; it names what each did
    assert notes == ["the runs differ in how they trained (small in memory, cluster on a cluster of 2 workers (local "
                     "SGD)): a run in memory shuffles all its training samples each epoch; local SGD on several "
                     "workers averages the replicas after each round, so their scores and training times differ for "
                     "that too, not only for their settings (metrics.json training)"]
    streamed = shutil.copytree(runs["small"], tmp_path / "from_disk")
    metrics["training"] = {"route": "streamed", "workers": 1, "chunks": 12, "method": "mini-batch SGD"}
    (streamed / "metrics.json").write_text(json.dumps(metrics))
    notes = [note for note in comparison_notes(read_runs([runs["small"], streamed])) if "how they trained" in note]
    assert notes == ["the runs differ in how they trained (small in memory, from_disk streamed): a run in memory "
                     "shuffles all its training samples each epoch; a streamed run shuffles its samples only within "
                     "the chunks of a round, so their scores and training times differ for that too, not only for "
                     "their settings (metrics.json training)"]


def test_an_ensemble_trained_on_a_cluster_is_not_noted_as_trained_differently(runs, tmp_path):
    """fix37b: an ensemble on a cluster now records its route ("cluster", members in parallel); each
    member trains as in memory, the networks of one process (tests/workflow/test_ensemble.py), so
    beside a run in memory no note says their scores differ for how they trained, while a local-SGD
    run on the same cluster still gets one."""
    members = shutil.copytree(runs["small"], tmp_path / "members")
    metrics = json.loads((members / "metrics.json").read_text())
    metrics["training"] = {"route": "cluster", "workers": 2, "method": "ensemble members in parallel", "members": 3,
                           "members_at_once": 2}
    (members / "metrics.json").write_text(json.dumps(metrics))
    assert not [note for note in comparison_notes(read_runs([runs["small"], members])) if "trained" in note]
    local_sgd = shutil.copytree(runs["small"], tmp_path / "local_sgd")
    metrics["training"] = {"route": "cluster", "workers": 2, "chunks": 12, "method": "local SGD"}
    (local_sgd / "metrics.json").write_text(json.dumps(metrics))
    notes = [note for note in comparison_notes(read_runs([members, local_sgd])) if "how they trained" in note]
    assert notes and notes[0].startswith("the runs differ in how they trained (members in memory, local_sgd on a "
                                         "cluster of 2 workers (local SGD))")
