"""Tests for climann/evaluation/figures/plots.py: the figure of skill by season and region."""

import matplotlib.pyplot as plt
import pytest

from climann.evaluation.figures import plots
from climann.evaluation.figures.plots import plot_skill_by_group


def _metrics(skills: dict) -> dict:
    """metrics.json with the test block's skill per season and region for each model."""
    groups = {"seasons": ["DJF", "MAM", "JJA", "SON"], "regions": ["tropics", "NEU"]}
    return {"target": "tas", "split_periods": {"test": "1997–1999"},
            **{key: {"test": {group: {name: {"skill_vs_climatology": value[index]}
                                      for name, value in skills.items()}
                              for index, group in enumerate(names)}}
               for key, names in groups.items()}}


def test_the_bars_are_the_skills_of_each_model_by_season_and_region(tmp_path, monkeypatch):
    skills = {"model": [0.5, 0.25, -0.5, 0.125, 0.5, 0.25], "linear": [0.1, 0.2, 0.3, 0.4, 0.1, 0.2],
              "climatology": [0.0] * 6}
    drawn = {}
    original = plots._save

    def keep(figure, path, dpi):
        drawn["heights"] = [[bar.get_height() for bar in axis.patches] for axis in figure.axes]
        drawn["titles"] = [axis.get_title() for axis in figure.axes]
        return original(figure, path, dpi)

    monkeypatch.setattr(plots, "_save", keep)
    path = plot_skill_by_group(_metrics(skills), block="test", path=tmp_path / "skill.png", dpi=40)
    assert path.is_file() and path.stat().st_size > 1000
    assert drawn["titles"] == ["by season", "by region"]
    # the network's bars, then the linear baseline's; the climatology (0 by definition) is not drawn
    assert drawn["heights"][0] == skills["model"][:4] + skills["linear"][:4]
    assert drawn["heights"][1] == skills["model"][4:] + skills["linear"][4:]
    plt.close("all")


def test_nothing_is_drawn_without_a_skill(tmp_path):
    metrics = _metrics({"model": [None] * 6})
    assert plot_skill_by_group(metrics, block="test", path=tmp_path / "skill.png") is None
    assert plot_skill_by_group({"target": "tas"}, block="test", path=tmp_path / "skill.png") is None
    assert not (tmp_path / "skill.png").exists()


@pytest.mark.parametrize("missing", ["seasons", "regions"])
def test_one_panel_when_only_seasons_or_regions_are_scored(tmp_path, missing):
    metrics = _metrics({"model": [0.5] * 6})
    del metrics[missing]
    assert plot_skill_by_group(metrics, block="test", path=tmp_path / "skill.png", dpi=40).is_file()


@pytest.mark.parametrize(
    ("labels", "shown"),
    [
        pytest.param(("truth", "model", "linear", "climatology"), "truth, model and baselines", id="a-runs-series"),
        pytest.param(("truth", "model"), "truth and model", id="a-prediction-file-with-the-truth"),
        pytest.param(("model",), "model", id="a-prediction-file-without-the-truth"),
    ],
)
def test_the_title_of_a_series_figure_names_the_series_drawn(tmp_path, monkeypatch, labels, shown):
    import numpy as np

    titles = []
    save = plots._save
    monkeypatch.setattr(plots, "_save", lambda figure, path, dpi: titles.append(figure.axes[0].get_title())
                        or save(figure, path, dpi))
    years = [2000 + month / 12 for month in range(24)]
    series = {label: np.linspace(280.0, 290.0, 24) + index for index, label in enumerate(labels)}
    plots.plot_area_mean_series(years, series, units="K", name="tas", split_labels=[""] * 24,
                                path=tmp_path / "series.png", dpi=40, point="the single grid cell (5°S, 100°E)")
    assert titles == [f"tas at the single grid cell (5°S, 100°E), 2000–2001: {shown}"]


def test_the_title_of_a_series_figure_names_the_period_of_the_blocks_not_the_step_read_before_it(tmp_path,
                                                                                                  monkeypatch):
    """verify21a F2: a run with time_range 1982–1989 reads December 1981 for the lags of its first step (in no
    block, label ""); the title said 1981–1989."""
    import numpy as np

    titles = []
    save = plots._save
    monkeypatch.setattr(plots, "_save", lambda figure, path, dpi: titles.append(figure.axes[0].get_title())
                        or save(figure, path, dpi))
    years = [1981 + 11.5 / 12] + [1982 + month / 12 for month in range(96)]
    labels = [""] + ["train"] * 72 + ["val"] * 12 + ["test"] * 12
    series = {"truth": np.linspace(280.0, 290.0, 97), "model": np.linspace(280.5, 290.5, 97)}
    plots.plot_area_mean_series(years, series, units="K", name="tas", split_labels=labels,
                                path=tmp_path / "series.png", dpi=40)
    assert titles == ["tas: area-weighted mean over the grid, 1982–1989: truth and model"]


@pytest.mark.parametrize(
    ("climatology", "mark"),
    [
        pytest.param({"mse": 0.0, "n_samples": 13870}, "n/a\n(climatology\nexact: MSE 0)", id="ice-free-tropics"),
        pytest.param({"mse": None, "n_samples": 0}, "n/a\n(no values)", id="no-values"),
    ],
)
def test_a_group_without_skill_keeps_its_place_marked_n_a_with_the_reason(tmp_path, monkeypatch, climatology, mark):
    """break40a A7: siconc's tropics (no ice: climatology MSE 0, skill undefined) had no bar and
    no mark, and as the first region its label sat against the panel's left edge, outside the
    bars' limits. The group keeps its place (the panel spans every group) and says n/a and why."""
    metrics = _metrics({"model": [0.5, 0.25, -0.5, 0.125, 0.5, 0.25], "linear": [0.1, 0.2, 0.3, 0.4, 0.1, 0.2]})
    metrics["regions"]["test"]["tropics"] = {"model": {"skill_vs_climatology": None},
                                             "linear": {"skill_vs_climatology": None}, "climatology": climatology}
    drawn = {}
    original = plots._save

    def keep(figure, path, dpi):
        drawn["texts"] = [[(text.get_text(), text.get_position()) for text in axis.texts] for axis in figure.axes]
        drawn["xlim"] = [axis.get_xlim() for axis in figure.axes]
        return original(figure, path, dpi)

    monkeypatch.setattr(plots, "_save", keep)
    assert plot_skill_by_group(metrics, block="test", path=tmp_path / "skill.png", dpi=40).is_file()
    assert drawn["texts"] == [[], [(mark, (0, 0.5))]]
    assert drawn["xlim"] == [(-0.5, 3.5), (-0.5, 1.5)]
    plt.close("all")


def test_a_long_hourly_series_is_drawn_as_daily_means_and_the_title_says_so(tmp_path, monkeypatch):
    """break41a A6: two years of hourly values at one station (17 520 steps) drew a solid band that hid the model
    and the climatology. Drawn: each day's mean (numpy's, of the hours present), the title saying so; the blocks
    shaded from each day's first hour."""
    import datetime

    import cftime
    import numpy as np

    drawn = []
    save = plots._save
    monkeypatch.setattr(plots, "_save", lambda figure, path, dpi: drawn.append(
        (figure.axes[0].get_title(), [line.get_ydata() for line in figure.axes[0].get_lines()]))
        or save(figure, path, dpi))
    hours = 2 * 365 * 24
    times = [cftime.datetime(2021, 1, 1, calendar="noleap") + datetime.timedelta(hours=hour) for hour in range(hours)]
    rng = np.random.default_rng(0)
    truth = 20 + 8 * np.sin(2 * np.pi * np.arange(hours) / 24) + rng.normal(0, 1, hours)
    truth[30:40] = np.nan  # ten hours of the second day missing
    series = {"truth": truth, "model": truth + 0.5}
    labels = ["train"] * 12264 + ["val"] * 2628 + ["test"] * 2628
    plots.plot_area_mean_series(times, series, units="ug m-3", name="pm25", split_labels=labels,
                                path=tmp_path / "series.png", dpi=40, point="station 3")
    ((title, (drawn_truth, drawn_model)),) = drawn
    assert title.endswith("truth and model (daily means of 17520 steps)")
    daily = truth.reshape(730, 24)
    expected = np.array([np.nanmean(day) for day in daily])
    assert len(drawn_truth) == 730
    np.testing.assert_allclose(drawn_truth, expected)
    np.testing.assert_allclose(drawn_model, expected + 0.5)


def test_the_series_lines_stop_at_missing_months_and_the_val_shading_starts_at_its_first_value(tmp_path,
                                                                                              monkeypatch):
    """break44d A8: GRACE's area-mean series ran truth, model and climatology straight across the 11-month mission
    gap (2017-07 to 2018-05) and a missing month, and the val block was shaded from the gap's middle. Each line now
    holds a NaN in each gap (matplotlib leaves a NaN point's segments out), and the val shading begins half a month
    before its first month, all counted here from the months by hand."""
    import numpy as np

    drawn = {}
    save = plots._save

    def keep(figure, path, dpi):
        top = figure.axes[0]
        drawn["lines"] = [(np.asarray(line.get_xdata()), np.asarray(line.get_ydata())) for line in top.get_lines()]
        drawn["spans"] = [patch.get_x() for patch in top.patches]
        return save(figure, path, dpi)

    monkeypatch.setattr(plots, "_save", keep)
    months = [m for m in range(12 * 2015, 12 * 2020) if not 12 * 2017 + 6 <= m <= 12 * 2018 + 4 and m != 12 * 2016 + 2]
    years = np.array([m / 12 + 1 / 24 for m in months])  # mid-month, in decimal years
    labels = ["train" if m < 12 * 2018 else "val" if m < 12 * 2019 else "test" for m in months]
    series = {"truth": np.linspace(0.0, 1.0, len(months)), "model": np.linspace(0.1, 1.1, len(months))}
    plots.plot_area_mean_series(years, series, units="cm", name="lwe_thickness", split_labels=labels,
                                path=tmp_path / "series.png", dpi=40)
    gaps = sum(1 for a, b in zip(months[:-1], months[1:]) if b - a > 1)
    assert gaps == 2
    for x, y in drawn["lines"]:
        assert len(y) == len(months) + gaps and np.isnan(y).sum() == gaps
        finite = np.isfinite(y)
        # no drawn segment joins two values more than a month apart
        segments = np.diff(x)[finite[:-1] & finite[1:]]
        assert segments.max() < 1.5 / 12
    first_val = months[labels.index("val")]
    assert first_val == 12 * 2018 + 5  # June 2018
    assert min(drawn["spans"]) == pytest.approx(years[labels.index("val")] - 1 / 24, abs=1e-9)
    plt.close("all")


def test_a_bar_cut_at_the_floor_says_its_skill_with_the_zeros_of_its_rounding(tmp_path, monkeypatch):
    """break47e B2: a cut bar of -19.957 was labelled "-20" beside "-17.8" and "-30.9" (``.3g``): each
    label is the skill to 3 significant digits, the zeros of a rounding kept, as written by hand here."""
    skills = {"model": [-19.957, -17.8, -30.94, -25.0, 0.5, 0.5]}  # the regions take the first two
    drawn = {}
    original = plots._save

    def keep(figure, path, dpi):
        drawn["labels"] = [text.get_text() for axis in figure.axes for text in axis.texts]
        return original(figure, path, dpi)

    monkeypatch.setattr(plots, "_save", keep)
    plot_skill_by_group(_metrics(skills), block="test", path=tmp_path / "skill.png", dpi=40)
    # by season, then by region; a value the short form writes exactly keeps it (-25, not -25.0)
    assert drawn["labels"] == ["-20.0", "-17.8", "-30.9", "-25", "-20.0", "-17.8"]
    plt.close("all")
