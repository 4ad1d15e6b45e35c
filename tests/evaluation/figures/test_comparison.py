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
