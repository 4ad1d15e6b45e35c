from pathlib import Path

from rich.console import Console

from climann.evaluation.report import metrics_table, report_markdown, write_report

METRICS = {
    "target": "tas", "units": "K", "area_weighted": True, "n_samples": {"test": 10}, "n_dropped": 2,
    "split_periods": {"test": "1997–1999"},
    "splits": {"test": {
        "climatology": {"mse": 4.0, "mae": 1.5, "rmse": 2.0, "bias": 0.1, "r2": 0.5, "corr": 0.7, "skill_vs_climatology": 0.0},
        "model": {"mse": 1.0, "mae": 0.8, "rmse": 1.0, "bias": -0.05, "r2": 0.9, "corr": 0.95, "skill_vs_climatology": 0.75},
    }},
}


def test_table_lists_the_model_first_with_every_score():
    console = Console(width=200, record=True)
    console.print(metrics_table(METRICS))
    text = console.export_text()
    assert text.index(" model ") < text.index(" climatology ")
    assert "0.75" in text and "area-weighted" in text and "MSE in (K)²" in text


def test_report_embeds_table_and_figures(tmp_path):
    figure = tmp_path / "figures" / "map_test.png"
    markdown = report_markdown(METRICS, [figure], tmp_path)
    assert "| test | 1997–1999 | model | 1 | 1 | 0.8 | -0.05 | 0.9 | 0.95 | 0.75 |" in markdown
    assert "![map test](figures/map_test.png)" in markdown
    assert "dropped (missing target or feature): 2" in markdown


def test_figures_given_relative_to_the_working_directory_link_relative_to_the_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    staging = Path("runs") / ".demo.123.abcdefgh.partial"  # as the pipeline builds a run: a relative path
    markdown = report_markdown(METRICS, [staging / "figures" / "map_test.png"], staging)
    assert "![map test](figures/map_test.png)" in markdown
    assert "partial" not in markdown


def test_write_report_links_the_figures_that_are_there(tmp_path):
    import json

    (tmp_path / "metrics.json").write_text(json.dumps(METRICS))
    (tmp_path / "figures").mkdir()
    for name in ("learning_curves.png", "map_test.png", "my_own.png"):
        (tmp_path / "figures" / name).write_bytes(b"png")
    assert write_report(tmp_path) == tmp_path / "report.md"
    links = [line for line in (tmp_path / "report.md").read_text().splitlines() if line.startswith("![")]
    assert links == ["![map test](figures/map_test.png)", "![learning curves](figures/learning_curves.png)"]
    assert write_report(tmp_path / "elsewhere") is None  # no metrics there
    assert not (tmp_path / "elsewhere").exists()
