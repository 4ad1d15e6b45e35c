import io
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from climann.evaluation.report import COLUMNS, COMPACT_PRIORITY, column_texts, metrics_table, report_markdown, write_report

METRICS = {
    "target": "tas", "units": "K", "area_weighted": True, "n_samples": {"test": 10}, "n_dropped": 2,
    "split_periods": {"test": "1997–1999"},
    "splits": {"test": {
        "climatology": {"mse": 4.0, "mae": 1.5, "rmse": 2.0, "bias": 0.1, "r2": 0.5, "corr": 0.7, "acc": None,
                        "acc_uncentred": None, "skill_vs_climatology": 0.0},
        "model": {"mse": 1.0, "mae": 0.8, "rmse": 1.0, "bias": -0.05, "r2": 0.9, "corr": 0.95, "acc": 0.6,
                  "acc_uncentred": 0.55, "skill_vs_climatology": 0.75},
    }},
    "score_notes": [{"split": "test", "model": "climatology", "score": score, "reason": "its anomaly is zero"}
                    for score in ("acc", "acc_uncentred")],
}


def test_table_lists_the_model_first_with_every_score():
    console = Console(width=200, record=True)
    console.print(metrics_table(METRICS))
    text = console.export_text()
    assert text.index(" model ") < text.index(" climatology ")
    assert "0.75" in text and "area-weighted" in text and "MSE in K²" in text


@pytest.mark.parametrize(("bias", "shown"), [
    pytest.param(2.089e-17, "0", id="round-off"),
    pytest.param(-1.375e-12, "0", id="round-off-negative"),
    pytest.param(-3e-9, "-3e-09", id="small-but-real"),
    pytest.param(-0.2056, "-0.2056", id="ordinary"),
])
def test_a_bias_that_is_round_off_of_zero_is_shown_as_zero_and_kept_in_the_file(tmp_path, bias, shown):
    """The climatology's and the linear fit's bias on their own training block is zero by
    construction; its round-off (2e-17 K) reads as a number. 0 is shown below 1e-9 of the RMSE."""
    scores = {**METRICS["splits"]["test"]["climatology"], "rmse": 1.351, "bias": bias}
    metrics = {**METRICS, "splits": {"test": {"climatology": scores}},
               "seasons": {"test": {"DJF": {"climatology": {**_scores(1.8, 0.0, 10), "bias": bias}}}},
               "regions": {"test": {}}}
    console = Console(width=200, record=True)
    console.print(metrics_table(metrics))
    [row] = [line for line in console.export_text().splitlines() if "│ climatology" in line]
    assert f" {shown} " in row
    text = report_markdown(metrics, [], tmp_path)
    assert f"| test | 1997–1999 | climatology | 4 | 1.351 | 1.5 | {shown} |" in text
    assert f"| DJF | climatology | 1.8 | 1.342 | {shown} |" in text
    assert metrics["splits"]["test"]["climatology"]["bias"] == bias


def test_report_embeds_table_and_figures(tmp_path):
    figure = tmp_path / "figures" / "map_test.png"
    markdown = report_markdown(METRICS, [figure], tmp_path)
    assert "| split | period | model | MSE | RMSE | MAE | bias | R² | corr | ACC | unc. ACC | skill |" in markdown
    assert "| test | 1997–1999 | model | 1 | 1 | 0.8 | -0.05 | 0.9 | 0.95 | 0.6 | 0.55 | 0.75 |" in markdown
    assert "| test | 1997–1999 | climatology | 4 | 2 | 1.5 | 0.1 | 0.5 | 0.7 | n/a | n/a | 0 |" in markdown
    assert "- ACC and uncentred ACC of climatology undefined in the test block: its anomaly is zero" in markdown
    assert "ACC = anomaly correlation (anomalies from the training years' climatology" in markdown
    assert "unc. ACC = the uncentred ACC of WeatherBench 2 and ECMWF" in markdown
    assert "![map test](figures/map_test.png)" in markdown
    assert "dropped (missing target or feature): 2" in markdown


def rendered(table, width):
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text().splitlines()


def table_rows(lines):
    """The body rows of a rendered table: the text between its │ borders, cell by cell."""
    return [[cell.strip() for cell in line.strip("│").split("│")] for line in lines if line.startswith("│")]


def header_of(lines):
    return [cell.strip() for cell in next(line for line in lines if line.startswith("┃")).strip("┃").split("┃")]


SCORES = {"mse": 1.2345, "mae": 0.8765, "rmse": 1.1111, "bias": -0.012345, "r2": 0.98765, "corr": 0.99321,
          "acc": 0.87654, "acc_uncentred": 0.81234, "skill_vs_climatology": 0.45678}
WIDE_METRICS = {
    "target": "tas", "units": "K", "area_weighted": True,
    "split_periods": {"train": "1980–1983", "val": "1984–1984", "test": "1985–1985"},
    "splits": {split: {name: SCORES for name in ("model", "linear", "climatology", "persistence")}
               for split in ("train", "val", "test")},
}


@pytest.mark.parametrize("width", [pytest.param(w, id=str(w)) for w in (120, 80, 60)])
def test_terminal_table_fits_the_width_with_the_key_scores_first(width):
    lines = rendered(metrics_table(WIDE_METRICS, width=width), width)
    assert all(cell_len(line) <= width for line in lines), lines
    header, rows = header_of(lines), table_rows(lines)
    assert len(rows) == 12 and all(len(row) == len(header) for row in rows)  # one line per row: nothing wrapped
    assert header[:2] == ["split", "model"] or header[:3] == ["split", "period", "model"]
    assert {"RMSE", "skill"} <= set(header)
    labels = dict(COLUMNS)
    for row in rows:  # each cell is its score, as in report.md
        for label, cell in zip(header, row):
            key = next((key for key, name in labels.items() if name == label), None)
            assert key is None or cell == f"{SCORES[key]:.4g}"
    left_out = [label for label in ["period", *labels.values()] if label not in header]
    text = "\n".join(lines)
    if left_out:  # named below the table, with where to find them
        assert f"not shown: {', '.join(left_out)} (all in report.md, or use --wide)" in " ".join(text.split())
        assert "periods: train 1980–1983" in text or "period" in header
    else:
        assert "not shown" not in text


def test_terminal_table_keeps_the_wanted_scores_in_order_of_priority():
    lines = rendered(metrics_table(WIDE_METRICS, width=60), 60)
    shown = [label for key, label in COLUMNS if label in header_of(lines)]
    ranked = [dict(COLUMNS)[key] for key in COMPACT_PRIORITY]
    assert shown and set(shown) == set(ranked[:len(shown)])  # the most wanted ones, none skipped


def test_a_new_score_is_shown_when_it_fits_and_named_when_it_does_not(monkeypatch):
    monkeypatch.setattr("climann.evaluation.report.COLUMNS", (*COLUMNS, ("crps", "CRPS")))
    metrics = {**WIDE_METRICS, "splits": {"test": {"model": {**SCORES, "crps": 0.5}}}}
    assert "CRPS" in header_of(rendered(metrics_table(metrics, width=200), 200))
    narrow = rendered(metrics_table(metrics, width=80), 80)
    assert "CRPS" not in header_of(narrow) and "CRPS" in "\n".join(narrow).split("not shown:")[1]


def test_the_acc_is_among_the_scores_shown_at_80_columns_and_said_what_it_is():
    """Both ACCs side by side at 80 columns: a shift of the whole field shows in the uncentred one only."""
    lines = rendered(metrics_table(WIDE_METRICS, width=80), 80)
    header = header_of(lines)
    assert {"RMSE", "ACC", "unc. ACC", "skill"} <= set(header)
    assert header.index("unc. ACC") == header.index("ACC") + 1
    text = "\n".join(lines)
    assert "ACC = anomaly correlation, centred: each step's area mean removed" in text
    assert "unc. ACC = uncentred, as WeatherBench 2 and ECMWF: area mean kept" in text
    assert "ACC and unc. ACC: n/a for climatology, its anomaly is zero" in text


def test_a_score_not_computed_is_n_a_and_its_legend_left_out():
    """climann evaluate --data: no climatology baseline, so no skill in any row; the column shows
    n/a as ACC does, and neither the terminal's notes nor report.md explain a score that is not
    there."""
    other_data = {**WIDE_METRICS, "splits": {"all": {name: {key: value for key, value in SCORES.items()
                                                            if key != "skill_vs_climatology"}
                                                     for name in ("model", "persistence")}}}
    for metrics, explained in ((WIDE_METRICS, True), (other_data, False)):
        lines = rendered(metrics_table(metrics, width=130), 130)  # room for every column
        skill = header_of(lines).index("skill")
        assert {row[skill] for row in table_rows(lines)} == ({f"{SCORES['skill_vs_climatology']:.4g}"} if explained
                                                              else {"n/a"})
        assert ("skill = 1 − MSE/MSE_climatology" in "\n".join(lines)) is explained
        assert ("skill = 1 − MSE/MSE_climatology" in report_markdown(metrics, [], Path("."))) is explained


def test_wide_table_has_every_column():
    lines = rendered(metrics_table(WIDE_METRICS), 200)
    assert header_of(lines) == ["split", "period", "model", *(label for _, label in COLUMNS)]
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


def _scores(mse, skill, n, **more):
    return {"mse": mse, "rmse": mse ** 0.5, "bias": 0.5, "skill_vs_climatology": skill, "n_samples": n, **more}


def test_report_has_a_table_per_season_and_per_region_of_the_test_block(tmp_path):
    metrics = {**METRICS,
               "seasons": {"train": {"DJF": {"model": _scores(9.0, 0.1, 7)}},
                           "test": {"DJF": {"climatology": _scores(4.0, 0.0, 10), "model": _scores(1.0, 0.75, 10)},
                                    "JJA": {"model": _scores(2.0, None, 12)}}},
               "regions": {"test": {"pacific": {"model": _scores(3.0, 0.25, 5)}}},
               "region_definitions": {"pacific": {"kind": "box", "box": [-10, 10, 170, -170], "n_cells": 4},
                                      "nowhere": {"kind": "box", "box": [80, 85, 0, 1], "n_cells": 0}}}
    text = report_markdown(metrics, [], tmp_path)
    seasons = text[text.index("## The test block by season"):text.index("## The test block by region")]
    assert "| season | model | MSE | RMSE | bias | skill | n |" in seasons
    # the network first, then the baselines; an undefined skill is n/a; the RMSEs beside 1.414 with its digits (fix47e)
    assert seasons.index("| DJF | model | 1 | 1.000 | 0.5 | 0.75 | 10 |") < seasons.index("| DJF | climatology | 4 |")
    assert "| DJF | climatology | 4 | 2.000 | 0.5 | 0 | 10 |" in seasons
    assert "| JJA | model | 2 | 1.414 | 0.5 | n/a | 12 |" in seasons and "| 9 |" not in seasons
    assert "| pacific | model | 3 |" in text and "- pacific (box [-10, 10, 170, -170], 4 cells)" in text
    assert "Regions without a cell on the grid (not scored): nowhere." in text


def test_the_group_tables_show_acc_when_the_scores_have_it(tmp_path):
    metrics = {**METRICS, "seasons": {"test": {"DJF": {"model": _scores(1.0, 0.5, 3, acc=0.875, acc_uncentred=0.75)}}},
               "regions": {"test": {}}}
    text = report_markdown(metrics, [], tmp_path)
    assert "| season | model | MSE | RMSE | bias | ACC | unc. ACC | skill | n |" in text
    assert "| 0.875 | 0.75 | 0.5 | 3 |" in text


def test_the_notes_of_a_regions_null_acc_are_in_the_report_and_not_below_the_terminal_table(tmp_path):
    """report.md lists every null ACC's reason, a region's too; the terminal's lines below the
    table of the blocks name the blocks' only."""
    note = {"split": "test", "region": "two", "model": "model", "score": "acc", "reason": "too few cells"}
    metrics = {**METRICS, "score_notes": [*METRICS["score_notes"], note],
               "regions": {"test": {"two": {"model": _scores(1.0, 0.5, 3, acc=None, acc_uncentred=0.25)}}}}
    text = report_markdown(metrics, [], tmp_path)
    assert "- ACC of model in region two undefined in the test block: too few cells" in text
    assert "| two | model | 1 | 1 | 0.5 | n/a | 0.25 | 0.5 | 3 |" in text
    assert "too few cells" not in "\n".join(rendered(metrics_table(metrics, width=80), 80))


def test_yearly_data_say_why_there_is_no_season_table(tmp_path):
    metrics = {**METRICS, "seasons_note": "the data have one time step per year: no seasons",
               "regions": {"test": {}}}
    text = report_markdown(metrics, [], tmp_path)
    assert "No scores per season: the data have one time step per year: no seasons." in text
    assert "## The test block by season" not in text


def test_a_target_without_units_is_not_labelled_dimensionless(tmp_path):
    """A file without a units attribute (geopotential height in m in the eofs example) must not
    be captioned "z (1) … in 1": the table, its compact form and report.md say there are none."""
    metrics = {**WIDE_METRICS, "target": "z", "units": ""}
    wide = "\n".join(rendered(metrics_table(metrics), 200))
    compact = "\n".join(rendered(metrics_table(metrics, width=80), 80))
    markdown = report_markdown(metrics, [], tmp_path)
    for text in (wide, compact, markdown):
        assert "z (no units in the file)" in text
        assert "(1)" not in text and " in 1" not in text
    assert "MSE in the target's units squared, RMSE, MAE and bias in the target's units" in markdown
    assert "RMSE and bias in the target's units" in " ".join(compact.split())  # the title wraps at 80


def test_a_note_naming_a_config_key_in_brackets_is_printed_whole():
    """rich reads "[data]" as a markup tag: unescaped, the caption printed "a run with  target_anomaly"."""
    reason = "no climatology here (a run with [data] target_anomaly = true saves it)"
    metrics = {**WIDE_METRICS, "score_notes": [{"split": "test", "model": "persistence", "score": "acc",
                                                "reason": reason}]}
    text = " ".join("\n".join(rendered(metrics_table(metrics, width=80), 80)).split())
    assert "a run with [data] target_anomaly = true saves it" in text


def test_a_region_with_cells_but_no_value_to_score_is_named_with_its_reason(tmp_path):
    metrics = {**METRICS, "regions": {"test": {}},
               "region_definitions": {"landbox": {"kind": "box", "box": [0, 40, 70, 130], "n_cells": 24,
                                                  "not_scored": "no value of tos to score in its cells"}}}
    text = report_markdown(metrics, [], tmp_path)
    assert "Region landbox not scored: no value of tos to score in its cells (24 cells)." in text
    assert "| landbox |" not in text


@pytest.mark.parametrize(("units", "expected", "label"), [
    pytest.param("K", "K²", "K", id="a-symbol"), pytest.param("W m-2", "(W m-2)²", "W m-2", id="a-product"),
    pytest.param("", "", "", id="none"),
    # break38c: ERA5's "(0 - 1)" was squared "((0 - 1))²"; break47b A4: a ratio of one unit to itself, ERA5's
    # "m**3 m**-3", squared "(m3 m-3)²" (and LAI's "m^2/m^2" "(m2/m2)²" beside a table's "m^2/m^2") is one
    pytest.param("(0 - 1)", "(0 - 1)²", "(0 - 1)", id="ERA5-0-1"), pytest.param("m**3 m**-3", "1", "m3 m-3", id="ERA5-m**3"),
    pytest.param("m^2/m^2", "1", "m2/m2", id="MODIS-LAI"), pytest.param("g/kg", "(g/kg)²", "g/kg", id="not-one"),
    pytest.param("fraction", "fraction²", "fraction", id="fraction"), pytest.param("%", "%²", "%", id="percent"),
    pytest.param("1", "1", "1", id="pure-number"), pytest.param("kg m^-2", "(kg m-2)²", "kg m-2", id="caret-exponent"),
    pytest.param("(a) (b)", "((a) (b))²", "(a) (b)", id="two-pairs-of-parentheses"),
    pytest.param("10^3 kg", "(10^3 kg)²", "10^3 kg", id="a-scale-not-an-exponent"),
])
def test_squared_units_are_written_alike_everywhere(units, expected, label):
    """report.md wrote '(K)²' where the terminal, compare and the figures write 'K²'; a table 'm^2/m^2' where its
    warning wrote '(m2/m2)²' (break47b A4): one spelling of the exponents, the label's and the square's."""
    from climann.evaluation.report import squared_units, units_texts

    assert squared_units(units) == expected
    if units and units != "1":  # a pure number is captioned "dimensionless" (test_a_pure_number_is_captioned_…)
        assert units_texts(units) == (label, label, "dimensionless" if expected == "1" else expected)


def test_a_run_recorded_before_the_uncentred_acc_has_no_column_of_it(tmp_path):
    """`climann plot RUN` writes report.md again from an older metrics.json, which has no
    acc_uncentred: no column of n/a that reads as undefined, and no legend of it. A run that
    has the key keeps the column, n/a where it is null."""
    old = {**WIDE_METRICS, "splits": {block: {name: {key: value for key, value in scores.items()
                                                     if key != "acc_uncentred"} for name, scores in models.items()}
                                      for block, models in WIDE_METRICS["splits"].items()}}
    for text in ("\n".join(rendered(metrics_table(old, width=200), 200)), report_markdown(old, [], tmp_path)):
        assert "unc. ACC" not in text and "ACC" in text
    assert "| split | period | model | MSE | RMSE | MAE | bias | R² | corr | ACC | skill |" in report_markdown(
        old, [], tmp_path)
    undefined = {**WIDE_METRICS, "splits": {"test": {"model": {**SCORES, "acc_uncentred": None}}}}
    lines = rendered(metrics_table(undefined, width=200), 200)
    assert table_rows(lines)[0][header_of(lines).index("unc. ACC")] == "n/a"


def test_scores_undefined_in_every_row_give_way_to_those_computed():
    """New data have no climatology: their ACCs and skill are n/a in every row, and in a narrow terminal
    MSE and MAE are shown rather than three empty columns (break22b F5)."""
    undefined = {"acc": None, "acc_uncentred": None, "skill_vs_climatology": None}
    reason = "there is no climatology of the training years to take anomalies from"
    metrics = {**WIDE_METRICS, "splits": {"data": {name: {**SCORES, **undefined} for name in ("model", "linear")}},
               "score_notes": [{"split": "data", "model": model, "score": score, "reason": reason}
                               for model in ("model", "linear") for score in ("acc", "acc_uncentred")]}
    computed = {"MSE", "MAE", "RMSE", "bias", "R²", "corr"}
    for width in (60, 70, 80):
        lines = rendered(metrics_table(metrics, width=width), width)
        header = header_of(lines)
        assert {"RMSE", "MAE"} <= set(header)
        assert not {"ACC", "unc. ACC", "skill"} & set(header) or computed <= set(header), (width, header)
        assert "n/a in every row, not shown: ACC, unc. ACC, skill" in " ".join("\n".join(lines).split())
        assert reason in " ".join("\n".join(lines).split())  # why, and how to get them (verify22a F4)
    wide = header_of(rendered(metrics_table(metrics, width=200), 200))
    assert {"ACC", "unc. ACC", "skill"} <= set(wide)  # shown when there is room: report.md's columns


_HELD = {"n_steps": 612, "train": {"n_steps": 240, "years": "1995–2014"}, "val": {"n_steps": 60, "years": "1990–1994"}}


@pytest.mark.parametrize(("ranges", "way_out"), [
    pytest.param({"test_years": "1980–1989", "test_time_range": "1980-01,1989-12", "time_range": "2015-01,2030-12"},
                 "score its test years 1980–1989 with --time-range 1980-01,1989-12, or the years after its training "
                 "and validation years with --time-range 2015-01,2030-12", id="test-years-first-and-years-after"),
    pytest.param({"test_years": "2015–2019", "test_time_range": "2015-01,2019-12", "time_range": "2015-01,2030-12"},
                 "score the years after them with --time-range 2015-01,2030-12", id="test-years-among-those-after"),
    pytest.param({"test_years": "1980–1989", "test_time_range": None, "time_range": None},
                 "give data of other years than its training and validation years (its test years 1980–1989)",
                 id="none-held"),
    pytest.param({"time_range": None}, "give data of other years than its training and validation years",
                 id="a-record-written-before-the-test-years"),
])
def test_the_own_years_note_gives_the_unseen_years_the_data_hold(ranges, way_out):
    """verify28 V8: "(the run's test years, or after them)" said no --time-range, and "after them" were
    the validation years of a run whose test years come first."""
    from climann.evaluation.report import scored_own_years_text

    assert scored_own_years_text({**_HELD, **ranges}).endswith(f"its scores are not of unseen data; {way_out}")


@pytest.mark.parametrize(("record", "said"), [
    pytest.param(_HELD, "the scored block 'all' (612 steps) holds 240 steps of this run's training years 1995–2014 and "
                 "60 of its validation years 1990–1994:", id="both-blocks"),
    pytest.param({"n_steps": 880, "val": {"n_steps": 4, "years": "2019"}},
                 "the scored block 'all' (880 steps) holds 4 steps of this run's validation year 2019:",
                 id="four-steps-of-one-year")])
def test_the_own_years_note_counts_the_steps_it_holds_of_those_years(record, said):
    """fix49c: "holds this run's validation years 2019 (4 of its 880 steps)" said the data held the year where it
    holds 4 of its steps, and "its 880 steps" read as the year's: the note counts the steps, of the block's."""
    from climann.evaluation.report import scored_own_years_text

    assert scored_own_years_text(record).startswith(said)


@pytest.mark.parametrize(("units", "scores"), [
    pytest.param("Kelvin_scale", "K", id="iri-kelvin-scale"),
    pytest.param("Celsius_scale", "degC", id="iri-celsius-scale"),
    pytest.param("degrees C", "degC", id="degrees-C"),
    pytest.param("degrees_C", "degC", id="glorys-degrees_C"),
])
def test_a_temperature_named_by_its_scale_is_spelled_by_its_symbol_in_the_title_and_the_scores(tmp_path, units,
                                                                                                scores):
    """NMME's tref in IRI's units "Kelvin_scale" was captioned "RMSE and bias in Kelvin_scale" (break30a A5): an
    RMSE is a difference of temperatures, in K. GLORYS's thetao was then titled "thetao (degrees_C)" above scores in
    degC (break32a): the label after the name, the scores and the MSE now spell the units one way."""
    from climann.evaluation.report import squared_units

    metrics = {**WIDE_METRICS, "target": "tref", "units": units}
    compact = " ".join("\n".join(rendered(metrics_table(metrics, width=80), 80)).split())
    wide = " ".join("\n".join(rendered(metrics_table(metrics), 200)).split())
    markdown = report_markdown(metrics, [], tmp_path)
    assert f"tref ({scores}), area-weighted: RMSE and bias in {scores}" in compact
    for text in (wide, markdown):
        assert f"tref ({scores}), area-weighted: MSE in {scores}², RMSE, MAE and bias in {scores}" in text
    for text in (compact, wide, markdown):
        assert units not in text
    assert squared_units(units) == f"{scores}²"  # the MSE of compare's and importance's figures


def _scored_on(n_cells):
    return {block: {"n_steps": 12, "n_cells": n_cells} for block in ("train", "val", "test")}


@pytest.mark.parametrize(("n_cells", "weighting", "series"), [
    pytest.param(1, "one cell (no weighting)", "The cell's values at each time step", id="sea-ice-extent-one-cell"),
    pytest.param(2, "area-weighted", "Area-weighted mean", id="two-cells"),
])
def test_a_run_on_one_cell_is_captioned_without_area_weighting(tmp_path, n_cells, weighting, series):
    """NSIDC's siextentn (one value per time step) was captioned "area-weighted" in report.md and the terminal's
    title, and its series "Area-weighted mean" (break32a): on one cell there is nothing to weigh."""
    metrics = {**WIDE_METRICS, "target": "siextentn", "units": "1e6 km2", "scored_on": _scored_on(n_cells)}
    figure = tmp_path / "figures" / "area_mean_series.png"
    markdown = report_markdown(metrics, [figure], tmp_path)
    compact = " ".join("\n".join(rendered(metrics_table(metrics, width=80), 80)).split())
    assert f"siextentn (1e6 km2), {weighting}: MSE in (1e6 km2)²" in markdown
    assert f"siextentn (1e6 km2), {weighting}: RMSE and bias in 1e6 km2" in compact
    assert markdown.split("![area mean series](figures/area_mean_series.png)")[1].strip().startswith(series)
    if n_cells == 1:  # the figure's file name aside
        for text in (markdown.replace("![area mean series]", ""), compact):
            assert "area-weighted" not in text.lower() and "area mean" not in text


def test_units_already_in_parentheses_are_not_wrapped_again_after_the_name(tmp_path):
    """ERA5's albedo fal in "(0 - 1)" was titled "fal ((0 - 1)), area-weighted" in the terminal and report.md
    (rerun39 N6) while its MSE was already "(0 - 1)²": the label is written "fal (0 - 1)", and so are the
    figures' axes (maps, scatter, series)."""
    from climann.evaluation.figures.style import _with_units
    from climann.evaluation.report import metrics_table_title
    from climann.workflow.compare import comparison_title

    metrics = {**WIDE_METRICS, "target": "fal", "units": "(0 - 1)"}
    compact = " ".join("\n".join(rendered(metrics_table(metrics, width=80), 80)).split())
    texts = [compact, report_markdown(metrics, [], tmp_path), metrics_table_title(metrics)]
    assert "fal (0 - 1), area-weighted: RMSE and bias in (0 - 1)" in compact
    for text in texts[1:]:
        assert "fal (0 - 1), area-weighted: MSE in (0 - 1)², RMSE, MAE and bias in (0 - 1)" in text
    assert all("((" not in text for text in texts)
    assert _with_units("fal", "(0 - 1)") == "fal (0 - 1)" and _with_units("tas", "K") == "tas (K)"
    run = type("Run", (), {"target": "fal", "units": "(0 - 1)", "test_period": "1985", "weighting": "area-weighted",
                        "label": "a", "cell_areas": ""})  # RunSummary's default: no cell areas recorded
    assert comparison_title([run]).startswith("fal (0 - 1), test split 1985")


@pytest.mark.parametrize("units", [
    pytest.param("1", id="CF-1"), pytest.param("-", id="dash"), pytest.param("none", id="none"),
    pytest.param("dimensionless", id="dimensionless"), pytest.param("unitless", id="unitless"),
    pytest.param("Numeric", id="GEFF-Numeric"), pytest.param("z-values", id="SPEIbase-z-values"),
    pytest.param("index", id="index"),
])
def test_a_pure_number_is_captioned_dimensionless_not_in_1(units, tmp_path):
    """break41d B3: a fire-weather index in units 1 was captioned "fwinx (1), area-weighted: RMSE and bias in
    1" (before its units were corrected, "in Numeric"); the title, report.md's caption and the figures'
    labels now say dimensionless."""
    from climann.evaluation.figures.style import _with_units
    from climann.evaluation.report import metrics_table_title, units_texts

    metrics = {**WIDE_METRICS, "target": "fwinx", "units": units}
    title = metrics_table_title(metrics, width=200)
    assert title == "fwinx (dimensionless), area-weighted: MSE (dimensionless); RMSE, MAE and bias (dimensionless)"
    caption = metrics_table_title(metrics)
    assert "MSE (dimensionless), RMSE, MAE and bias (dimensionless)" in caption, caption
    assert " in 1" not in caption and "(1)" not in caption and "Numeric" not in caption
    assert units_texts(units) == ("dimensionless", "dimensionless", "dimensionless")
    markdown = report_markdown(metrics, [], tmp_path)
    assert "fwinx (dimensionless)" in markdown and "RMSE, MAE and bias (dimensionless)" in markdown
    assert " in 1" not in markdown and "(1)" not in markdown
    assert _with_units("fwinx error", units) == "fwinx error (dimensionless)"


#: A quarter-degree global grid's box (1440 × 720 cells): the widest region line in use.
QUARTER_DEGREE_REGION = {"south": -89.875, "north": 89.875, "west": -179.875, "east": 179.875, "n_cells": 1036800}


@pytest.mark.parametrize("region, line", [
    pytest.param({"south": -10, "north": 30, "west": 35, "east": 70, "n_cells": 56},
                 "region: south -10, north 30, west 35, east 70, 56 cells", id="sellonlatbox-order-read-as-S,N,W,E"),
    pytest.param(QUARTER_DEGREE_REGION, "region: south -89.875, north 89.875, west -179.875, east 179.875, "
                                        "1036800 cells", id="quarter-degree-global"),
    pytest.param({"south": 50.0625, "north": 50.0625, "west": -0.0625, "east": -0.0625, "n_cells": 1},
                 "region: south 50.0625, north 50.0625, west -0.0625, east -0.0625, 1 cell", id="one-cell"),
    # fix47e: the grid's cells before the cut (a 2.5° grid, 73 × 144), and a box that holds them all
    pytest.param({"south": -10, "north": 30, "west": 35, "east": 70, "n_cells": 255, "n_grid_cells": 10512},
                 "region: south -10, north 30, west 35, east 70, 255 of 10512 cells", id="of-the-grid"),
    pytest.param({"south": -90, "north": 90, "west": -180, "east": 180, "n_cells": 10512, "n_grid_cells": 10512},
                 "region: south -90, north 90, west -180, east 180, all 10512 cells", id="the-whole-grid"),
])
def test_the_region_is_said_by_its_sides_below_the_table_in_80_columns_and_in_the_report(region, line, tmp_path):
    """fix46f: a ``--region`` of another order than meant was trained on without a word."""
    metrics = {**WIDE_METRICS, "region": region}
    lines = rendered(metrics_table(metrics, width=80), 80)
    assert all(cell_len(text) <= 80 for text in lines), lines
    assert line in [text.strip() for text in lines]  # one line of the caption, not wrapped
    markdown = report_markdown(metrics, [], tmp_path)
    assert f"R{line[1:]}." in markdown.splitlines()


@pytest.mark.parametrize("n_cells", [1036800, 1036000])
def test_a_region_line_wider_than_80_columns_puts_its_cells_on_a_line_of_their_own(n_cells, tmp_path):
    """fix47e's "N of M cells" made a quarter-degree global box's line 87 to 94 columns: the cells
    go on the next line, under the sides, and report.md keeps one line."""
    region = {"south": -89.9375, "north": 89.9375, "west": -179.9375, "east": 179.9375,
              "n_cells": n_cells, "n_grid_cells": 1036800}
    cells = "all 1036800 cells" if n_cells == 1036800 else "1036000 of 1036800 cells"
    sides = "region: south -89.9375, north 89.9375, west -179.9375, east 179.9375,"
    lines = rendered(metrics_table({**WIDE_METRICS, "region": region}, width=80), 80)
    assert all(cell_len(text) <= 80 for text in lines), lines
    stripped = [text.strip() for text in lines]
    at = stripped.index(sides)
    assert stripped[at + 1] == cells
    assert lines[at + 1].index(cells) == lines[at].index("south")  # under the sides
    markdown = report_markdown({**WIDE_METRICS, "region": region}, [], tmp_path)
    assert f"R{sides[1:]} {cells}." in markdown.splitlines()


def test_without_a_region_no_line_says_one(tmp_path):
    text = "\n".join(rendered(metrics_table(WIDE_METRICS, width=80), 80))
    assert "region" not in text
    assert "Region:" not in report_markdown(WIDE_METRICS, [], tmp_path)


def test_scores_one_above_the_other_show_as_many_significant_digits_in_the_report_and_the_terminal(tmp_path):
    """fix46m left it: the score tables dropped the trailing zeros of a rounding (an MSE of 4.9997 shown "5" above
    0.1346, as messages did before fix46m). A column's numbers show 4 significant digits each, as written by hand
    below; a column whose numbers are all exact in 4 digits keeps their short form (0.5, 0.25); n/a and a round-off
    bias's 0 stay as they were."""
    scores = {"climatology": {"mse": 4.9997, "rmse": 2.23600, "mae": 0.5, "bias": 1e-18, "r2": 0.5, "corr": 0.7,
                              "acc": None, "acc_uncentred": None, "skill_vs_climatology": 0.0},
              "model": {"mse": 0.13461, "rmse": 0.36689, "mae": 0.25, "bias": -0.0120004, "r2": 0.97, "corr": 0.985,
                        "acc": 0.6, "acc_uncentred": 0.55, "skill_vs_climatology": 0.97307}}
    metrics = {**METRICS, "splits": {"test": scores},
               "regions": {"test": {"box": {name: {**values, "n_samples": 10} for name, values in scores.items()}}},
               "region_definitions": {"box": {"kind": "box", "box": [-10, 10, 0, 20], "n_cells": 4}}}
    # by hand: 4.9997 -> 5.000, 2.236 -> 2.236 (exact), 0.13461 -> 0.1346, 0.36689 -> 0.3669, -0.0120004 -> -0.01200
    model = "| test | 1997–1999 | model | 0.1346 | 0.3669 | 0.25 | -0.01200 | 0.97 | 0.985 | 0.6 | 0.55 | 0.9731 |"
    # the climatology's skill of 0 as the bias column's 0 (break47e B1: "0" and "0.000" in one table)
    climatology = "| test | 1997–1999 | climatology | 5.000 | 2.236 | 0.5 | 0 | 0.5 | 0.7 | n/a | n/a | 0 |"
    text = report_markdown(metrics, [], tmp_path)
    assert model in text and climatology in text
    assert "| box | model | 0.1346 | 0.3669 | -0.01200 |" in text and "| box | climatology | 5.000 | 2.236 | 0 |" in text
    console = Console(width=200, record=True)
    console.print(metrics_table(metrics))
    rows = {line.split("│")[3].strip(): [cell.strip() for cell in line.split("│")[4:-1]]
            for line in console.export_text().splitlines() if line.count("│") > 5 and "test" in line}
    assert rows["model"][:4] == ["0.1346", "0.3669", "0.25", "-0.01200"]
    assert rows["climatology"][:4] == ["5.000", "2.236", "0.5", "0"]


@pytest.mark.parametrize("key", ["acc", "acc_uncentred", "corr", "r2", "skill_vs_climatology"])
@pytest.mark.parametrize("roundoff", [-4.626e-18, 1.818e-13, 0.0])
def test_a_dimensionless_score_that_is_round_off_of_zero_shows_as_0_beside_the_others(key, roundoff):
    """break47e B1: the ACC of a network whose two training years' anomalies are opposite is exactly 0,
    computed as -4.626e-18, and showed so beside 0.000. A dimensionless score within 1e-9 of 0 shows "0";
    1e-6 is a value and keeps its digits; metrics.json keeps what was computed."""
    rows = [{key: roundoff, "rmse": 1.0}, {key: 0.61234, "rmse": 1.0}, {key: 1e-6, "rmse": 1.0}]
    assert column_texts(rows, key) == ["0", "0.6123", "1.000e-06"]
