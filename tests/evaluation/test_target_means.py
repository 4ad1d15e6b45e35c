"""Tests for climann/evaluation/target_means.py: the line on the target's own area mean as an input."""

import pytest

from climann.evaluation.report import report_markdown
from climann.evaluation.target_means import TARGET_MEANS_KEY, target_means_record, target_means_text


def test_a_run_without_such_inputs_has_no_entry_and_no_line():
    assert target_means_record([]) == {}
    assert target_means_text({"target": "tas"}) is None
    assert target_means_text({"target": "tas", TARGET_MEANS_KEY: []}) is None


@pytest.mark.parametrize(("names", "said", "options"), [
    pytest.param(["tas_global_mean"], "the input tas_global_mean is an area mean", "--global-means ([data] global_means;",
                 id="global"),
    pytest.param(["tas_mean_40N-50N_0E-10E"], "the input tas_mean_40N-50N_0E-10E is an area mean",
                 "--regional-means ([data] regional_means;", id="regional"),
    pytest.param(["tas_global_mean", "tas_mean_40N-50N_0E-10E"],
                 "the inputs tas_global_mean, tas_mean_40N-50N_0E-10E are area means",
                 "--global-means and --regional-means ([data] global_means and regional_means;", id="both"),
])
def test_the_line_names_the_inputs_and_the_settings_that_make_them(names, said, options):
    metrics = {"target": "tas", **target_means_record(names)}
    assert metrics[TARGET_MEANS_KEY] == names
    text = target_means_text(metrics)
    assert text.startswith(f"{said} of the target tas at the same time step: the scores assume its true mean is "
                           "given at prediction time")
    assert f"leave tas out of {options} area means cannot be lagged)" in text
    assert text.endswith("or give the network tas's past instead (--lags tas=1)")
    assert "\n" not in text


def test_report_md_notes_the_line():
    metrics = {"target": "tas", "units": "K", "area_weighted": True, "n_samples": {"test": 10}, "n_dropped": 0,
               "splits": {"test": {"model": {"mse": 1.0}}}, TARGET_MEANS_KEY: ["tas_global_mean"]}
    report = report_markdown(metrics, [], run_dir=".")
    assert f"- {target_means_text(metrics)}" in report.splitlines()
    del metrics[TARGET_MEANS_KEY]
    assert "area mean of the target" not in report_markdown(metrics, [], run_dir=".")
