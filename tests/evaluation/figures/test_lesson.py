"""The lesson's figures: the toy problem's numbers, and PNG files that open."""

import matplotlib.image
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.errors import ClimannError
from climann.evaluation.figures.lesson import (
    LEARNING_RATES_1D,
    LEARNING_RATES_2D,
    LESSON_FIGURE_FILES,
    START_1D,
    START_2D,
    activations_figure,
    descent_path,
    draw_lesson_figures,
    loss_surface,
    toy_data,
)
from tests.conftest import write_user_image


def test_loss_surface_is_half_the_mean_squared_residual():
    x, y = toy_data(n_samples=7, seed=3)
    weights, biases = np.array([[0.5, 2.0]]), np.array([[-1.0, 0.25]])
    expected = [[np.mean((w * x + b - y) ** 2) / 2 for w, b in zip(ws, bs)] for ws, bs in zip(weights, biases)]
    np.testing.assert_allclose(loss_surface(x, y, weights, biases), expected, rtol=1e-12)


def test_one_step_is_w_minus_learning_rate_times_the_gradient():
    x, y = toy_data(n_samples=5, seed=1)
    w, b, rate = 0.3, -0.2, 0.1
    residual = w * x + b - y
    gradient_w, gradient_b = np.mean(residual * x), np.mean(residual)  # ∂J/∂w, ∂J/∂b by hand
    path = descent_path(x, y, learning_rate=rate, n_steps=1, start=(w, b))
    np.testing.assert_allclose(path[0], [w, b, np.mean(residual**2) / 2], rtol=1e-12)
    np.testing.assert_allclose(path[1, :2], [w - rate * gradient_w, b - rate * gradient_b], rtol=1e-12)


def test_without_bias_the_bias_stays():
    x, y = toy_data()
    path = descent_path(x, y, learning_rate=0.1, n_steps=5, start=(-1.0, 0.0), fit_bias=False)
    assert path.shape == (6, 3)
    np.testing.assert_array_equal(path[:, 1], 0.0)


@pytest.mark.parametrize(
    ("rates", "fit_bias", "n_steps"),
    [pytest.param(LEARNING_RATES_1D, False, 12, id="one-parameter"),
     pytest.param(LEARNING_RATES_2D, True, 60, id="two-parameters")],
)
def test_the_learning_rates_show_what_their_labels_say(rates, fit_bias, n_steps):
    x, y = toy_data()
    design = np.column_stack([x, np.ones_like(x)]) if fit_bias else x[:, None]
    best = np.linalg.lstsq(design, y, rcond=None)[0]
    minimum = loss_surface(x, y, best[0], best[1] if fit_bias else 0.0)
    final = {label: descent_path(x, y, learning_rate=rate, n_steps=n_steps, start=START_2D if fit_bias else (START_1D, 0.0),
                                 fit_bias=fit_bias)[:, 2] for label, rate in rates.items()}
    assert final["about right"][-1] < minimum * 1.1  # close to the least-squares minimum
    assert final["too small"][-1] > 2 * final["about right"][-1]  # still far from it
    assert final["too large"][-1] > final["too large"][0]  # diverging


def test_every_activation_panel_has_a_value_and_a_derivative_curve():
    figure = activations_figure(["relu", "tanh", "sigmoid"])
    visible = [axis for axis in figure.axes if axis.get_visible()]
    assert len(visible) == 3
    relu = visible[0]
    value, derivative = (line for line in relu.get_lines() if line.get_label() in ("σ(z)", "σ′(z)"))
    z = value.get_xdata()
    np.testing.assert_allclose(value.get_ydata(), np.maximum(z, 0))
    np.testing.assert_allclose(derivative.get_ydata(), z > 0)


def test_draw_lesson_figures_writes_readable_pngs(tmp_path):
    directory = tmp_path / "new" / "lesson"
    paths = draw_lesson_figures(directory, dpi=40)
    assert [p.name for p in paths] == list(LESSON_FIGURE_FILES.values())
    assert sorted(p.name for p in directory.iterdir()) == sorted(LESSON_FIGURE_FILES.values())  # no temporary left
    for path in paths:
        image = matplotlib.image.imread(path)
        assert image.shape[0] >= 150 and image.shape[1] >= 250, path.name
        assert image[..., :3].std() > 0.05, path.name  # not blank


def _only_the_activations_drawn(monkeypatch):
    """The lesson's figures other than the activations (the one a test looks at) are blank
    stand-ins, written as climann's own like the real ones: building and drawing those three
    takes ≈ 1.5 CPU s a set (test_draw_lesson_figures_writes_readable_pngs draws them all)."""
    import matplotlib.pyplot as plt

    for name in ("gradient_descent_figure", "learning_rates_figure", "loss_surface_figure"):
        monkeypatch.setattr(f"climann.evaluation.figures.lesson.{name}", lambda: plt.figure(figsize=(1, 1)))


def test_a_higher_dpi_gives_a_larger_image(tmp_path, monkeypatch):
    _only_the_activations_drawn(monkeypatch)  # compared: the first figure's height
    small, large = (draw_lesson_figures(tmp_path / str(dpi), dpi=dpi)[0] for dpi in (30, 60))
    height_small, height_large = (matplotlib.image.imread(p).shape[0] for p in (small, large))
    assert height_large == pytest.approx(2 * height_small, abs=2)


@pytest.mark.parametrize(
    ("make_target", "dpi", "message"),
    [pytest.param(lambda tmp: (tmp / "file.png").write_text("x") and tmp / "file.png", 50, "is not a directory", id="out-is-a-file"),
     pytest.param(lambda tmp: tmp / "figures", 0, "dpi must be a positive integer", id="dpi-zero")],
)
def test_bad_input_is_a_climann_error(tmp_path, make_target, dpi, message):
    with pytest.raises(ClimannError, match=message):
        draw_lesson_figures(make_target(tmp_path), dpi=dpi)


@pytest.mark.parametrize("overwrite", [pytest.param([], id="asked-nothing"), pytest.param(["--overwrite"], id="overwrite")])
def test_plot_lesson_never_replaces_a_teachers_own_figures(tmp_path, overwrite):
    """A teacher's folder with their own activations.png (matplotlib) and loss_surface.png
    (a scan): refused in one line naming both, --overwrite not offered and not obeyed."""
    folder = tmp_path / "teaching"
    before = {"activations.png": write_user_image(folder / "activations.png", "matplotlib"),
              "loss_surface.png": write_user_image(folder / "loss_surface.png", "pil")}
    result = CliRunner().invoke(app, ["plot", "lesson", "--out", str(folder), "--dpi", "20", *overwrite])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"climann: error: {folder}/activations.png, {folder}/loss_surface.png carry no climann mark (written by "
        "another program, or by a climann from before 2026-12-01, which did not mark its figures), and --overwrite "
        "replaces only climann's own outputs; choose another directory (or move those files away yourself)"]
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_plot_lesson_replaces_its_own_figures_only_when_asked(tmp_path, monkeypatch):
    _only_the_activations_drawn(monkeypatch)  # read back: activations.png
    folder = tmp_path / "lesson"
    assert CliRunner().invoke(app, ["plot", "lesson", "--out", str(folder), "--dpi", "20"]).exit_code == 0
    again = CliRunner().invoke(app, ["plot", "lesson", "--out", str(folder), "--dpi", "20"])
    assert again.exit_code == 2 and "or pass --overwrite to replace them" in again.stderr
    replaced = CliRunner().invoke(app, ["plot", "lesson", "--out", str(folder), "--dpi", "30", "--overwrite"])
    assert replaced.exit_code == 0, replaced.output
    assert matplotlib.image.imread(folder / "activations.png").shape[0] > 0
