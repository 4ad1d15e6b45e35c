"""Tests for climann/evaluation/negative_skill.py: the line on a network worse than the climatology."""

import logging
import re

import numpy as np
import pytest

from climann.evaluation.negative_skill import negative_skill_text
from climann.evaluation.seasons import SEASONS
from climann.evaluation.report import report_markdown
from climann.workflow.config import DataConfig
from climann.workflow.runlog import run_inputs, warn_about_negative_skill


def _metrics(model_mse: float, climatology_mse: float | None, *, skill: float | None = None) -> dict:
    """``metrics.json`` of a run whose test block scores ``model_mse`` and the climatology ``climatology_mse``;
    the skill as the scores compute it, 1 − MSE/MSE_climatology, unless given (null: new data)."""
    scores = {"model": {"mse": model_mse, "skill_vs_climatology": skill if skill is not None or climatology_mse is None
                        else 1 - model_mse / climatology_mse}}
    if climatology_mse is not None:
        scores["climatology"] = {"mse": climatology_mse, "skill_vs_climatology": 0.0}
    return {"target": "sosstsst", "units": "degC", "area_weighted": True, "n_samples": {"test": 10}, "n_dropped": 0,
            "splits": {"test": scores}}


def test_a_network_worse_than_the_climatology_is_said_with_its_skill_and_both_mses():
    """break38: the ORAS5 run with its mask left out and no predictor with data, test MSE 0.661 against the
    climatology's 0.559 degC², said nothing. Skill 1 − 0.661/0.559 = −0.18247 (by hand), shown to 3 digits."""
    text = negative_skill_text(_metrics(0.661, 0.559))
    assert text.startswith(
        "the network scores worse than the climatology on the test block (skill score 1 − MSE/MSE_climatology = "
        "−0.182: MSE 0.661 degC² against the climatology's 0.559 degC²); the climatology alone would have done "
        "better: most likely the inputs do not tell the network each cell's seasonal cycle")
    assert "--target-anomaly" in text and text.endswith("or its past (--lags sosstsst=1), or train longer")
    assert "\n" not in text


@pytest.mark.parametrize(
    "metrics",
    [
        pytest.param(_metrics(0.5, 0.559), id="better-than-climatology"),
        pytest.param(_metrics(0.559, 0.559), id="equal-skill-0"),
        pytest.param(_metrics(0.661, None), id="new-data-no-climatology"),
        pytest.param(_metrics(0.661, 0.0, skill=float("nan")), id="undefined-skill"),
        pytest.param({"target": "tas", "splits": {"val": {}}}, id="no-test-block"),
    ],
)
def test_no_line_without_a_negative_skill(metrics):
    assert negative_skill_text(metrics) is None


def test_train_warns_and_report_md_notes_the_line(caplog):
    metrics = _metrics(0.661, 0.559)
    with caplog.at_level(logging.WARNING, logger="climann.run"):
        warn_about_negative_skill(metrics, DataConfig())
    assert [record.getMessage() for record in caplog.records] == [negative_skill_text(metrics, target_anomaly=False)]
    assert f"- {negative_skill_text(metrics)}" in report_markdown(metrics, [], run_dir=".").splitlines()
    assert "worse than the climatology" not in report_markdown(_metrics(0.5, 0.559), [], run_dir=".")


def test_a_run_that_learns_anomalies_is_not_told_to_learn_anomalies(caplog):
    """A run with [data] target_anomaly already starts from the climatology: the line must not advise
    --target-anomaly to it (it did); a run without it is advised it; report.md, which reads metrics.json
    alone, advises it only to a run that does not learn anomalies already."""
    metrics = _metrics(0.661, 0.559)
    with caplog.at_level(logging.WARNING, logger="climann.run"):
        warn_about_negative_skill(metrics, DataConfig(target_anomaly=True))
    (line,) = [record.getMessage() for record in caplog.records]
    assert "--target-anomaly" not in line and "departures from the climatology already" in line
    assert "with --target-anomaly (it then learns" in negative_skill_text(metrics, target_anomaly=False)
    assert "if it does not already" in negative_skill_text(metrics)


def _warned(caplog, metrics: dict, data: DataConfig) -> str:
    """The one line ``train`` warns for a run with ``data``."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann.run"):
        warn_about_negative_skill(metrics, data)
    (line,) = [record.getMessage() for record in caplog.records]
    return line


def test_a_run_with_its_own_lag_is_not_told_to_add_it(caplog):
    """rerun38 N3: a run WITH --lags tas=1 was advised "--lags tas=1"."""
    metrics = _metrics(0.661, 0.559)
    line = _warned(caplog, metrics, DataConfig(target="sosstsst", predictors=(), features=("lat", "season"),
                                               lags={"sosstsst": (1,)}))
    assert "--lags" not in line and "(its inputs: its own lag)" in line
    assert line.endswith("give it predictors that vary with sosstsst, or train longer")
    unlagged = _warned(caplog, metrics, DataConfig(target="sosstsst", predictors=(), features=("lat",),
                                                   lags={"ts": (1,)}))
    assert unlagged.endswith("predictors that vary with sosstsst or its past (--lags sosstsst=1), or train longer")


def test_a_run_with_predictors_is_not_told_it_has_none(caplog):
    """rerun38 N3: runs with predictors (ts; GFS tp) were told "(no predictor with data, coordinate features
    alone)"; they are named, and more predictors advised. A run without any is told its features."""
    metrics = _metrics(0.661, 0.559)
    line = _warned(caplog, metrics, DataConfig(target="sosstsst", predictors=("ts", "tp"), features=("lat",)))
    assert "no predictor" not in line and "(its inputs: ts, tp)" in line
    assert "give it more predictors that vary with sosstsst or its past (--lags sosstsst=1)" in line
    bare = _warned(caplog, metrics, DataConfig(target="sosstsst", predictors=(), features=("lat", "season")))
    assert "(no predictor, coordinate features alone: lat, season)" in bare
    assert "give it predictors that vary with" in bare and "more predictors" not in bare


def test_a_run_that_learns_anomalies_is_not_blamed_for_the_seasonal_cycle(caplog):
    """rerun38 N3: with --target-anomaly the line still said "the inputs do not tell the network each cell's
    seasonal cycle": the climatology gives it that cycle; the departures are what its inputs do not tell."""
    line = _warned(caplog, _metrics(0.661, 0.559), DataConfig(target="sosstsst", predictors=("ts",),
                                                                target_anomaly=True))
    assert "seasonal cycle" not in line and "--target-anomaly" not in line
    assert "it learns the departures from the climatology already, and most likely its inputs tell it little" in line


@pytest.mark.parametrize(("model_mse", "worse"), [(0.5611, False), (0.5592, False), (0.5646, True), (0.661, True)])
def test_a_skill_within_0_01_of_0_is_no_better_than_the_climatology(model_mse, worse):
    """rerun38 N3: skill −0.0038 (anomalies that are noise) was called "worse than the climatology".
    By hand: 1 − 0.5611/0.559 = −0.00376, 1 − 0.5592/0.559 = −0.00036 (no better than);
    1 − 0.5646/0.559 = −0.01002, 1 − 0.661/0.559 = −0.182 (worse)."""
    text = negative_skill_text(_metrics(model_mse, 0.559))
    assert text.startswith("the network scores worse than the climatology" if worse
                           else "the network scores no better than the climatology")
    assert ("within 0.01 of 0" in text) is not worse


def test_report_md_fits_the_line_to_the_run_when_it_knows_the_inputs():
    """report.md written with the run (write_run_record knows its config) says what train warned;
    rewritten from metrics.json alone it keeps the neutral wording."""
    metrics = _metrics(0.661, 0.559)
    data = DataConfig(target="sosstsst", predictors=("ts",), lags={"sosstsst": (1,)}, target_anomaly=True)
    fitted = negative_skill_text(metrics, **run_inputs(data))
    assert f"- {fitted}" in report_markdown(metrics, [], run_dir=".", inputs=run_inputs(data)).splitlines()
    neutral = report_markdown(metrics, [], run_dir=".")
    assert fitted not in neutral and "if it does not already" in neutral


def test_a_skill_within_0_01_of_0_blames_the_departures_not_the_seasonal_cycle():
    """break38c S1: at skill −0.005 the line said "most likely the inputs do not tell the network each cell's seasonal
    cycle": a network that scores as the climatology has matched that cycle. Now the cause is what it adds nothing of,
    the departures from the cycle, and --target-anomaly (a start from the cycle) is not advised. 1 − 0.5618/0.559 =
    −0.005009 (by hand)."""
    text = negative_skill_text(_metrics(0.5618, 0.559), target_anomaly=False, predictors=(), features=("lat", "season"),
                               lags={})
    assert text == (
        "the network scores no better than the climatology on the test block (skill score 1 − MSE/MSE_climatology = "
        "−0.00501: MSE 0.5618 degC² against the climatology's 0.559 degC², within 0.01 of 0): its errors are as large as "
        "if it had learnt each cell's seasonal cycle, which the climatology holds, and nothing more: most likely its inputs tell it "
        "nothing of each cell's departures from that cycle (no predictor, coordinate features alone: lat, season), or "
        "it learnt too little (too few epochs, the learning rate); give it predictors that vary with sosstsst or its "
        "past (--lags sosstsst=1), or train longer")
    assert "do not tell the network each cell's seasonal cycle" in negative_skill_text(_metrics(0.661, 0.559))


def test_an_astronomical_mse_points_to_the_values_not_the_inputs():
    """break38c S1: ORAS5's sosstsst with unmarked 1e20 land, test MSE 1.131e+39 degC² against the climatology's
    0.2417, was blamed on "the inputs do not tell the network each cell's seasonal cycle"; the 1e20s are the cause
    (their own warning names them). An RMSE of sqrt(1.1313e39) = 3.36e19 degC is at or above 1e18; 1e17 is not."""
    text = negative_skill_text(_metrics(1.1313491716851610e+39, 0.24172))
    assert text == (
        "the network scores worse than the climatology on the test block (skill score 1 − MSE/MSE_climatology = "
        "−4.68e+39: MSE 1.131e+39 degC² against the climatology's 0.2417 degC²): an RMSE of 3.4e+19 degC, which no "
        "value of a quantity comes near (at or above 1e+18), so the inputs are not the cause: most likely values of "
        "'sosstsst' that are no data, such as a fill value (CMIP's 1e20) that no _FillValue or missing_value marks "
        "(its own warning, which climann info repeats, names it and the line that marks it), or a network that "
        "diverged (its loss in history.csv); mark such values missing and train again")
    assert "inputs do not tell" in negative_skill_text(_metrics(1e34, 0.24172))  # an RMSE of 1e17


@pytest.mark.parametrize(
    ("model_mse", "shown", "reference", "said"),
    [
        pytest.param(1.0099, "−0.0099: MSE 1.0099 degC²", "1.0000", "no better than", id="skill-0.0099"),
        pytest.param(1.0101, "−0.0101: MSE 1.0101 degC²", "1.0000", "worse than", id="skill-0.0101"),
        pytest.param(1.00001, "−1e-05: MSE 1.00001 degC²", "1.00000", "no better than", id="skill-1e-5"),
    ],
)
def test_the_mses_shown_differ_where_the_skill_is_said_to(model_mse, shown, reference, said):
    """break38c S1: skills −0.0099 and −0.0101 (climatology 1.0) both showed "MSE 1.01 K²", one line "no better", the
    other "worse". Each MSE is now shown with the digits from which 1 − MSE/MSE_climatology gives the skill shown;
    the climatology's with as many (break46e A2: "1.0099 against 1" read as a coarser number)."""
    text = negative_skill_text(_metrics(model_mse, 1.0))
    assert text.startswith(f"the network scores {said} the climatology")
    assert f"= {shown} against the climatology's {reference} degC²" in text


@pytest.mark.parametrize(("model_mse", "cause"), [
    pytest.param(827.5, "most likely the inputs do not tell the network each cell's mean over the training years, "
                 "which the climatology holds", id="worse"),
    pytest.param(3.81, "its errors are as large as if it had learnt each cell's mean over the training years, which "
                 "the climatology holds, and nothing more: most likely its inputs tell it nothing of each cell's "
                 "departures from that mean", id="no-better"),
])
def test_yearly_maps_are_not_blamed_on_a_seasonal_cycle(model_mse, cause):
    """fix40d: a yearly land-cover series (one map a year, 1990–2019), lat alone as input, scored 827.5 %² against
    the climatology's 3.793 %² (its training mean: ``climatology_per`` "whole record"), and the line said "the inputs
    do not tell the network each cell's seasonal cycle" and advised "that cycle": yearly maps have none. By hand:
    1 − 827.5/3.793 = −217 (worse), 1 − 3.81/3.793 = −0.00448 (no better)."""
    metrics = {**_metrics(model_mse, 3.793), "target": "tree_cover", "units": "%", "climatology_per": "whole record"}
    text = negative_skill_text(metrics, target_anomaly=False, predictors=(), features=("lat",), lags={})
    assert cause in text and "seasonal" not in text and "cycle" not in text
    assert "give it that mean to start from with --target-anomaly" in text or "no better" in text
    monthly = negative_skill_text({**metrics, "climatology_per": "calendar month"}, target_anomaly=False,
                                  predictors=(), features=("lat",), lags={})
    assert "each cell's seasonal cycle" in monthly


@pytest.mark.parametrize(("model_mse", "cause"), [
    pytest.param(11.26, "most likely the inputs do not tell the network each cell's seasonal and diurnal cycles, which "
                 "the climatology holds (its inputs: hus, ua; no time of day (the hour feature), so it cannot tell "
                 "the hours of a day apart)", id="worse"),
    pytest.param(9.40, "its errors are as large as if it had learnt each cell's seasonal and diurnal cycles, which the "
                 "climatology holds, and nothing more: most likely its inputs tell it nothing of each cell's "
                 "departures from those cycles (its inputs: hus, ua; no time of day (the hour feature)",
                 id="no-better"),
])
def test_sub_daily_runs_without_the_hour_are_told_of_the_diurnal_cycle(model_mse, cause):
    """break40b B7: 3-hourly CMIP6 ta at 850 hPa with a 2 K diurnal cycle, inputs hus, ua, lat and season, scored
    11.26 K² against the climatology's 9.397 K² (per day of year and hour), and the line blamed "each cell's seasonal
    cycle" alone. By hand: 1 − 11.26/9.397 = −0.198 (worse), 1 − 9.40/9.397 = −0.0003 (no better)."""
    metrics = {**_metrics(model_mse, 9.397), "target": "ta", "units": "K", "climatology_per": "day of year and hour"}
    text = negative_skill_text(metrics, target_anomaly=False, predictors=("hus", "ua"), features=("lat", "season"),
                               lags={})
    assert cause in text
    assert "give it the time of day (add hour to --features)" in text
    with_hour = negative_skill_text(metrics, target_anomaly=False, predictors=("hus", "ua"),
                                    features=("lat", "season", "hour"), lags={})
    assert "seasonal and diurnal cycles" in with_hour and "time of day" not in with_hour
    daily = negative_skill_text({**metrics, "climatology_per": "day of year"}, target_anomaly=False,
                                predictors=("hus", "ua"), features=("lat", "season"), lags={})
    assert "each cell's seasonal cycle" in daily and "diurnal" not in daily and "time of day" not in daily


def test_a_skill_of_other_samples_shows_4_digits_and_a_pure_number_no_unit():
    """rerun40 R4: NDVI (units '1') whose skill, −0.568, is scored on the samples every model scores while the MSEs are
    each model's own (1 − 0.000753933/0.000481767 = −0.565 by hand): no digits give the skill shown, and the line
    printed 17 digits and the unit '1', "MSE 0.0007539330657535399 1". Now 4 significant digits and no '1'; and
    (break41) from a metrics.json written before skill_mse, which does not hold the MSEs the skill is of, the line
    says on which values each number is, where it said them as if 1 − MSE/MSE_climatology gave the skill."""
    metrics = {**_metrics(0.0007539330657535399, 0.00048176675139178783, skill=-0.568), "target": "NDVI",
               "units": "1"}
    assert round(1 - 0.0007539330657535399 / 0.00048176675139178783, 3) == -0.565
    text = negative_skill_text(metrics)
    assert ("= −0.568: MSE 0.0007539 against the climatology's 0.0004818, each over its own values, the skill over the "
            "values both are scored on); ") in text


def _weighted_mse(predicted, truth, weights, where) -> float:
    """numpy: Σ w (ŷ − y)² / Σ w over the values ``where``."""
    return float(np.sum((weights * (predicted - truth) ** 2)[where]) / np.sum(weights[where]))


def test_the_skill_is_shown_with_the_mses_of_the_values_it_is_scored_on():
    """break41 (rerun40 R4's NDVI): the line said "−0.568: MSE 0.0007539 against the climatology's 0.0004818",
    1 − MSE/MSE_climatology −0.565: the skill is over the values both are scored on, each MSE over its own. Here the
    climatology has no value at one cell (one the training years never had) and persistence none at the first step:
    metrics.json's skill_mse and skill_climatology_mse are numpy's MSEs over the two masks' common values, and the
    line, report.md and the terminal's lines under the table show those, from which the skill shown is computed
    again; the own MSEs keep their keys and values."""
    from climann.evaluation.report import metrics_table_notes
    from climann.evaluation.scores import score_blocks

    rng = np.random.default_rng(41)
    truth = rng.normal(size=(24, 3, 4))
    weights = np.broadcast_to(np.cos(np.deg2rad([10.0, 40.0, 70.0]))[:, None], (24, 3, 4))
    climatology = truth + rng.normal(size=truth.shape)
    climatology[:, 0, 0] = np.nan  # a cell the training years never had
    climatology[5, 2, 3] = np.nan
    persistence = np.concatenate([np.full((1, 3, 4), np.nan), truth[:-1]])  # no step before the first
    model = truth + 1.3 * rng.normal(size=truth.shape)
    model[7, 1, 1] = np.nan
    splits = score_blocks({"model": model, "climatology": climatology, "persistence": persistence}, truth,
                          weights[0], {"test": np.ones(24, bool)})
    metrics = {"target": "tas", "units": "K", "area_weighted": True, "n_samples": {"test": 287}, "n_dropped": 1,
               "splits": splits}
    network = np.isfinite(truth) & np.isfinite(model)
    common = network & np.isfinite(climatology)
    test = splits["test"]
    for name, predicted in (("model", model), ("persistence", persistence)):
        both = common & np.isfinite(predicted)
        own = network & np.isfinite(predicted)
        scores = test[name]
        assert scores["mse"] == pytest.approx(_weighted_mse(predicted, truth, weights, own), rel=1e-12)
        assert scores["skill_mse"] == pytest.approx(_weighted_mse(predicted, truth, weights, both), rel=1e-12)
        assert scores["skill_climatology_mse"] == pytest.approx(_weighted_mse(climatology, truth, weights, both),
                                                               rel=1e-12)
        assert scores["skill_vs_climatology"] == pytest.approx(
            1 - scores["skill_mse"] / scores["skill_climatology_mse"], rel=1e-12)
    assert test["climatology"]["mse"] == pytest.approx(_weighted_mse(climatology, truth, weights, common), rel=1e-12)
    # the own MSEs do not give the skill: the case of the fault
    own_skill = 1 - test["model"]["mse"] / test["climatology"]["mse"]
    assert f"{own_skill:.3g}" != f"{test['model']['skill_vs_climatology']:.3g}"

    text = negative_skill_text(metrics)
    shown = re.search(r"= (−[0-9.]+): MSE ([0-9.]+) K² against the climatology's ([0-9.]+) K² over the values both are "
                      r"scored on; ([0-9.]+) K² and ([0-9.]+) K² each over its own values\)", text)
    assert shown is not None, text
    skill, mse, reference, own_mse, own_reference = shown.groups()
    assert skill == f"{test['model']['skill_vs_climatology']:.3g}".replace("-", "−")
    assert f"{1 - float(mse) / float(reference):.3g}".replace("-", "−") == skill  # the reader's computation
    assert float(mse) == pytest.approx(test["model"]["skill_mse"], rel=1e-3)
    assert float(reference) == pytest.approx(test["model"]["skill_climatology_mse"], rel=1e-3)
    # 4 significant digits, the rounding's trailing zeros kept (break46e A2: "0.9660", not "0.966")
    assert (own_mse, own_reference) == tuple(np.format_float_positional(
        test[name]["mse"], precision=4, unique=False, fractional=False, trim="k") for name in ("model", "climatology"))

    table = report_markdown(metrics, [], run_dir=".")
    terminal = metrics_table_notes(metrics, width=200)
    for name in ("model", "persistence"):
        row = next(line for line in table.splitlines() if line.startswith(f"| test |  | {name} |"))
        in_table = row.strip("| ").split(" | ")[-1]  # the skill column, last
        line = next(line for line in terminal if line.startswith(f"skill of {name} in the test block"))
        assert f"- {line}" in table.splitlines()
        mse, reference, skill = re.fullmatch(
            rf"skill of {name} in the test block = 1 − ([0-9.e-]+)/([0-9.e-]+) = (-?[0-9.]+), its MSE and the "
            r"climatology's over the values both are scored on \(the table's MSEs are each over its own values\)",
            line).groups()
        # the table's text, 4 significant digits with its rounding's zeros (fix47e: the column's numbers alike)
        assert skill == in_table and float(skill) == float(f"{test[name]['skill_vs_climatology']:.4g}")
        assert f"{1 - float(mse) / float(reference):.4g}" == f"{float(skill):.4g}"
        assert float(mse) == pytest.approx(test[name]["skill_mse"], rel=1e-3)
        assert float(reference) == pytest.approx(test[name]["skill_climatology_mse"], rel=1e-3)


def test_a_skill_of_the_tables_own_mses_gets_no_line_of_its_values():
    """Where the network, persistence and the climatology are scored on the same values, skill_mse and
    skill_climatology_mse are the own MSEs: the line shows them alone, and no line is added under the table."""
    from climann.evaluation.report import metrics_table_notes
    from climann.evaluation.scores import score_blocks

    rng = np.random.default_rng(7)
    truth = rng.normal(size=(12, 2, 3))
    predictions = {"model": truth + 1.5 * rng.normal(size=truth.shape),
                   "climatology": truth + rng.normal(size=truth.shape)}
    splits = score_blocks(predictions, truth, np.ones((2, 3)), {"test": np.ones(12, bool)})
    metrics = {"target": "tas", "units": "K", "n_samples": {"test": 72}, "n_dropped": 0, "splits": splits}
    model = splits["test"]["model"]
    assert model["skill_mse"] == pytest.approx(model["mse"], rel=1e-12)
    assert "over the values both are scored on" not in negative_skill_text(metrics)
    assert not [line for line in metrics_table_notes(metrics, width=200) if line.startswith("skill of")]
    assert "skill of model" not in report_markdown(metrics, [], run_dir=".")


def test_the_season_table_gives_the_mses_its_skill_is_of():
    """break41: report.md's table of the test block by season shows MSE and skill side by side as the main table
    does; a season where the climatology has no value at a cell gives, under the table, numpy's MSEs over the values
    both are scored on, from which the skill shown is computed again."""
    from climann.evaluation.scores import whole_grid_sums
    from climann.evaluation.sums import group_metrics_from_sums, metrics_from_sums

    rng = np.random.default_rng(5)
    truth = rng.normal(size=(24, 2, 3))
    climatology = truth + rng.normal(size=truth.shape)
    climatology[:, 1, 2] = np.nan
    model = truth + 1.2 * rng.normal(size=truth.shape)
    months = np.arange(24) % 12 + 1
    season_of_step = np.array([next(i for i, (_, m) in enumerate(SEASONS.items()) if month in m) for month in months])
    total, names = whole_grid_sums({"model": model, "climatology": climatology}, truth, np.ones((2, 3)),
                                   {"test": np.ones(24, bool)}, season_of_step=season_of_step)
    metrics = {"target": "tas", "units": "K", "n_samples": {"test": 144}, "n_dropped": 0,
               "splits": metrics_from_sums(total, ["test"], names)[0],
               **group_metrics_from_sums(total, ["test"], names, [])}
    table = report_markdown(metrics, [], run_dir=".").splitlines()
    for number, season in enumerate(SEASONS):
        steps = (season_of_step == number)[:, None, None]
        both = steps & np.isfinite(climatology)
        expected = (np.mean((model - truth)[both] ** 2), np.mean((climatology - truth)[both] ** 2))
        skill = metrics["seasons"]["test"][season]["model"]["skill_vs_climatology"]
        row = next(line for line in table if line.startswith(f"| {season} | model |"))
        in_table = row.split(" | ")[-2]  # the skill column, before n: 4 digits with the rounding's zeros (fix47e)
        assert float(in_table) == float(f"{skill:.4g}") and _significant_digits(in_table) == 4
        line = next(line for line in table if line.startswith(f"- skill of model in {season} = "))
        mse, reference, shown = re.match(rf"- skill of model in {season} = 1 − ([0-9.e-]+)/([0-9.e-]+) = (-?[0-9.]+), ",
                                         line).groups()
        assert shown == in_table and f"{float(shown):.4g}" == f"{skill:.4g}" == f"{1 - float(mse) / float(reference):.4g}"
        assert (float(mse), float(reference)) == pytest.approx(expected, rel=1e-3)


def test_on_an_irregular_time_axis_the_lag_advice_says_to_put_the_stamps_on_their_steps_first():
    """break46d A5: radiosondes stamped at their release times were advised `--lags temp=1`, which the
    same run then refused (lags need a regular step). On an axis metrics.json calls irregular
    (persistence left out for it, climann.evaluation.baselines.persistence_left_out_reason), the advice
    says the stamps come first, with the warning that gives their line; on a regular axis, as before."""
    from climann.evaluation.baselines import persistence_left_out_reason

    metrics = _metrics(0.661, 0.559)
    metrics["notes"] = [{"split": "test", "model": "persistence", "n_samples": 0, "of": 661,
                         "reason": persistence_left_out_reason()}]
    text = negative_skill_text(metrics, lags={})
    assert text.endswith("or its past (--lags sosstsst=1, once its time stamps are put on their nominal steps, "
                         "with the line of the warning 'the time axis has no regular step': lags need a regular "
                         "step), or train longer")
    metrics["notes"] = [{"split": "test", "model": "persistence", "n_samples": 0, "of": 661,
                         "reason": "persistence is missing after gaps"}]
    assert negative_skill_text(metrics, lags={}).endswith("or its past (--lags sosstsst=1), or train longer")


def _significant_digits(text: str) -> int:
    """The significant digits a number's text shows, counted by hand: its mantissa's digits less the
    leading zeros (``"5.000"`` 4, ``"0.1346"`` 4, ``"5"`` 1)."""
    mantissa = re.split("[eE]", text.lstrip("-−"))[0].replace(".", "")
    return len(mantissa.lstrip("0")) or 1


@pytest.mark.parametrize("model_mse", [4.9997, 5.00001, 2.27000003, 119.99999, 30000.001])
def test_the_mses_compared_in_the_line_show_as_many_digits_as_each_other(model_mse):
    """break46e A2: "MSE 5 K² against the climatology's 0.1346 K²" for 4.9997: the model's MSE with
    one digit beside one with four. Both now show 4 significant digits (the rounding's trailing zeros
    kept), each the MSE rounded to them (checked against the value: within half a unit of its last digit)."""
    text = negative_skill_text(_metrics(model_mse, 0.1346))
    shown = re.search(r"MSE (\S+) degC² against the climatology's (\S+) degC²", text).groups()
    assert [_significant_digits(number) for number in shown] == [4, 4], shown
    for number, value in zip(shown, (model_mse, 0.1346), strict=True):
        last = 10.0 ** (np.floor(np.log10(abs(value))) - 3)  # the place of the 4th significant digit
        assert abs(float(number) - value) <= last / 2 * (1 + 1e-9)
    if model_mse == 4.9997:
        assert shown[0] == "5.000"


def test_the_persistence_note_of_report_md_shows_its_mses_with_the_same_digits():
    """The same kind in report.md's note on a skill of other values (shown_mses with the table's text):
    an MSE of 4.99997 beside 0.04308 is "5.000", not "5"."""
    from climann.evaluation.negative_skill import shown_mses, significant_text

    mse, reference = 4.99997, 0.04308
    skill = 1 - mse / reference
    shown = shown_mses(mse, reference, skill)
    assert _significant_digits(shown[0]) == _significant_digits(shown[1]) >= 4
    assert shown[0].startswith("5.000") and float(shown[0]) == pytest.approx(mse, rel=5e-4)
    assert ([significant_text(value, 4) for value in (1000.0004, 1.0000001e-06, -113.00001, 0.661, 5.0)]
            == ["1000", "1.000e-06", "-113.0", "0.661", "5"])  # a value written exactly keeps its short form


def test_a_ratio_of_one_unit_to_itself_is_squared_dimensionless_and_spelt_as_the_table_spells_it():
    """break47b A4: MODIS LAI in 'm^2/m^2' scoring worse than its climatology was warned 'MSE … (m2/m2)²' beside a
    table in 'm^2/m^2'. A ratio of one unit to itself is a pure number to pint (cf_xarray's registry), its square
    too: the MSE is in no unit, and the RMSE, warning and table alike, is spelt one way."""
    from cf_xarray.units import units as cf_units

    assert (cf_units.Quantity(1.0, "m**2/m**2") ** 2).to("dimensionless").magnitude == 1.0  # pint, not climann
    metrics = {**_metrics(0.661, 0.559), "target": "Lai_500m", "units": "m^2/m^2"}
    text = negative_skill_text(metrics)
    assert "MSE 0.661 against the climatology's 0.559)" in text, text
    assert "²" not in text and "m^2" not in text, text
    report = report_markdown(metrics, [], run_dir=".")
    assert "m^2" not in report and "(m2/m2)²" not in report and "MSE (dimensionless), RMSE, MAE and bias in m2/m2" in report
    # a large RMSE names its units: spelt as the table spells them
    huge = negative_skill_text({**_metrics(1e40, 0.559), "target": "Lai_500m", "units": "m^2/m^2"})
    assert "an RMSE of 1e+20 m2/m2" in huge, huge
