"""The figure of ``climann compare`` (climann/evaluation/figures/comparison.py), drawn from
hand-made learning curves and scores of three runs."""

import matplotlib.image
import numpy as np
import pytest

from climann.evaluation.figures import comparison

LABELS = ["lr-0.01", "lr-0.001", "diverged-late"]
TRAIN = [[0.5, 0.2, 0.1], [0.6, 0.4, 0.3, 0.25], [0.5, np.nan]]
VAL = [[0.4, 0.25, 0.2], [0.5, 0.45, 0.35, 0.3], [0.45, np.nan]]
MSE = [0.8, 1.6, 2.4]
CLIMATOLOGY = [2.0, 2.0, None]
SKILL = [0.6, 0.2, None]


@pytest.fixture
def drawn(tmp_path, monkeypatch):
    """The figure as drawn (kept open) and the PNG written."""
    kept = {}
    save = comparison._save

    def keep(figure, path, dpi):
        kept["figure"] = figure
        return save(figure, path, dpi)

    monkeypatch.setattr(comparison, "_save", keep)
    path = comparison.plot_comparison(LABELS, TRAIN, VAL, MSE, CLIMATOLOGY, SKILL, loss_names=["mse"] * 3,
                                      target="tas", units="K", period="1997–1999", path=tmp_path / "c.png", dpi=60)
    return kept["figure"], path


def test_the_png_is_written(drawn):
    _, path = drawn
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 100 and image.shape[1] > 2 * image.shape[0]  # two panels side by side


def test_each_run_has_its_curves_and_its_bar_in_one_colour(drawn):
    figure, _ = drawn
    curves, bars = figure.axes
    lines = {line.get_label(): line for line in curves.get_lines()}
    for label, train, val in zip(LABELS, TRAIN, VAL):
        np.testing.assert_array_equal(lines[f"{label} (validation)"].get_ydata(), np.asarray(val, dtype=float))
        np.testing.assert_array_equal(lines[f"{label} (training)"].get_ydata(), np.asarray(train, dtype=float))
    assert curves.get_yscale() == "log"
    patches = bars.patches
    np.testing.assert_allclose([patch.get_width() for patch in patches], MSE)
    ticks = [tick.get_text() for tick in bars.get_yticklabels()]
    for patch, label, y in zip(patches, LABELS, np.arange(3)[::-1]):
        assert patch.get_y() + patch.get_height() / 2 == pytest.approx(y)
        assert ticks[list(bars.get_yticks()).index(y)] == label
        assert tuple(patch.get_facecolor()) == tuple(lines[f"{label} (validation)"].get_color())


def test_the_climatology_is_marked_and_the_skill_written_where_defined(drawn):
    figure, _ = drawn
    _, bars = figure.axes
    (marks,) = [line for line in bars.get_lines() if line.get_label() == "climatology's test MSE"]
    np.testing.assert_allclose(marks.get_xdata(), [2.0, 2.0])
    np.testing.assert_allclose(marks.get_ydata(), [2, 1])
    texts = [text.get_text() for text in bars.texts]
    assert texts == [" 0.8  MSESS 0.60", " 1.6  MSESS 0.20", " 2.4"]
    assert "K²" in bars.get_xlabel() and "MSESS = 1 − MSE/MSE_clim" in bars.get_title()
    assert figure.get_suptitle() == "tas: 3 runs compared, test split 1997–1999"


def _tick_extents(bars, figure):
    """Each climatology tick's box on the canvas (pixels): 2.5 points wide, 22 high, as drawn."""
    (marks,) = [line for line in bars.get_lines() if line.get_label() == "climatology's test MSE"]
    half_width, half_height = (np.array([marks.get_markeredgewidth(), marks.get_markersize()]) / 2 * figure.dpi / 72)
    centres = bars.transData.transform(np.column_stack([marks.get_xdata(), marks.get_ydata()]))
    return [(x - half_width, y - half_height, x + half_width, y + half_height) for x, y in centres]


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("mse", "climatology"), [
    pytest.param(MSE, CLIMATOLOGY, id="ticks-beyond-short-bars"),
    pytest.param([1.11e-10, 1.11e-10], [1.15e-10, 1.15e-10], id="break35b-ticks-just-beyond-the-bars"),
])
def test_nothing_overlaps_the_texts_ticks_bars_and_legend_are_apart(tmp_path, monkeypatch, mse, climatology):
    """break35b D1: the climatology tick was drawn over each bar's "MSE … MSESS …" text, and the
    legend covered the last bar."""
    kept = {}
    save = comparison._save

    def keep(figure, path, dpi):
        kept["figure"] = figure
        return save(figure, path, dpi)

    monkeypatch.setattr(comparison, "_save", keep)
    n_runs = len(mse)
    skill = [1 - m / c if c else None for m, c in zip(mse, climatology)]
    comparison.plot_comparison(LABELS[:n_runs], TRAIN[:n_runs], VAL[:n_runs], mse, climatology, skill,
                               loss_names=["mse"] * n_runs, target="pr", units="kg m-2 s-1", period="2011–2014",
                               path=tmp_path / "c.png", dpi=100)
    figure = kept["figure"]
    renderer = figure.canvas.get_renderer()
    _, bars = figure.axes
    boxes = lambda artists: [tuple(artist.get_window_extent(renderer).extents) for artist in artists]  # noqa: E731
    texts, patches, ticks = boxes(bars.texts), boxes(bars.patches), _tick_extents(bars, figure)
    legend = tuple(bars.get_legend().get_window_extent(renderer).extents)
    inside = tuple(bars.get_window_extent(renderer).extents)
    for text in texts:
        assert not any(_overlap(text, tick) for tick in ticks), (text, ticks)
        assert not any(_overlap(text, patch) for patch in patches), (text, patches)
        assert inside[0] <= text[0] and text[2] <= inside[2], (text, inside)  # within the panel
    for other in (*texts, *patches, *ticks):
        assert not _overlap(legend, other), (legend, other)


def test_runs_of_the_same_curves_are_both_seen_and_said_to_coincide(tmp_path, monkeypatch):
    """break51 N1: the demo and a run of the config template (the same settings, seed and data) drew one curve
    exactly over the other: one run seemed missing. A run whose curves are an earlier run's is drawn beneath it,
    wider, with hollow markers larger than that run's, its legend entry and the panel's title saying so; a run
    of other curves (a last value off by 1e-6) is drawn as usual, and each run has its own marker."""
    kept = {}
    save = comparison._save
    monkeypatch.setattr(comparison, "_save", lambda figure, path, dpi: kept.setdefault("figure", figure) and
                        save(figure, path, dpi))
    train = [[0.5, 0.2, 0.1], [0.5, 0.2, 0.1], [0.5, 0.2, 0.1 + 1e-6]]
    val = [[0.4, 0.25, 0.2], [0.4, 0.25, 0.2], [0.4, 0.25, 0.2]]
    labels = ["demo", "template", "other"]
    assert comparison.coinciding_runs(train, val) == [None, 0, None]
    comparison.plot_comparison(labels, train, val, [0.8] * 3, [2.0] * 3, [0.6] * 3, loss_names=["mse"] * 3,
                               target="tas", units="K", period="1997–1999", path=tmp_path / "c.png", dpi=60)
    curves, _ = kept["figure"].axes
    lines = {line.get_label(): line for line in curves.get_lines()}
    for suffix in ("validation", "training"):
        first, hidden, other = (lines[f"demo ({suffix})"], lines[f"template ({suffix}; the same as demo)"],
                                lines[f"other ({suffix})"])
        np.testing.assert_array_equal(hidden.get_ydata(), first.get_ydata())
        assert hidden.get_zorder() < first.get_zorder() and hidden.get_linewidth() > first.get_linewidth() + 2
        assert hidden.get_markerfacecolor() == "none" and hidden.get_markersize() > first.get_markersize() + 2
        assert len({first.get_marker(), hidden.get_marker(), other.get_marker()}) == 3
        assert other.get_zorder() == first.get_zorder() and not isinstance(other.get_markerfacecolor(), str)
    assert "template's are demo's" in curves.get_title()
    assert [text.get_text() for text in curves.get_legend().get_texts()][2] == "template (validation; the same as demo)"


def test_runs_of_other_curves_say_nothing_of_coinciding(drawn):
    figure, _ = drawn
    curves, _ = figure.axes
    assert comparison.coinciding_runs(TRAIN, VAL) == [None, None, None]
    assert curves.get_title() == "Learning curves: validation (solid) and training (dashed) loss"
    assert not any("the same as" in line.get_label() for line in curves.get_lines())
