"""Tests for climann/evaluation/negative_skill.py: the line on a network worse than the climatology."""

import logging

import pytest

from climann.evaluation.negative_skill import negative_skill_text
from climann.evaluation.report import report_markdown
from climann.workflow.config import DataConfig
from climann.workflow.runlog import warn_about_negative_skill


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
