"""The figures of ``climann explain`` (climann/evaluation/figures/importance.py), drawn from
hand-made importance and partial-dependence records on a 4×6 grid."""

import matplotlib.image
import numpy as np
import pytest

from climann.data.variables import grid_layout
from climann.evaluation.figures.importance import (
    _samples_text,
    input_label,
    plot_importance_bars,
    plot_importance_maps,
    plot_partial_dependence,
)
from tests.conftest import grid_dataset

IMPORTANCE = {
    "target": "tas", "units": "K", "period": "2001–2002", "repeats": 3, "baseline_mse": 0.5,
    "inputs": [
        {"rank": 1, "name": "pred", "columns": ["pred", "pred_lag1"], "mse_increase_mean": 4.0, "mse_increase_std": 0.2},
        {"rank": 2, "name": "lat", "columns": ["lat"], "mse_increase_mean": 1.0, "mse_increase_std": 0.1},
        {"rank": 3, "name": "noise", "columns": ["noise"], "mse_increase_mean": -0.01, "mse_increase_std": 0.02},
    ],
}
DEPENDENCE = {
    "target": "tas", "units": "K", "period": "2001–2002", "n_samples": 48, "of_samples": 48, "quantiles": [0.1, 0.5, 0.9],
    "predictors": [
        {"name": "pred", "units": "1", "grid": [0.0, 0.5, 1.0], "average": [250.0, 255.0, 260.0],
         "ice_quantiles": {"0.1": [240.0, 245.0, 250.0], "0.5": [251.0, 256.0, 261.0], "0.9": [262.0, 267.0, 272.0]}},
    ],
}




@pytest.mark.parametrize(("name", "columns", "expected"), [
    pytest.param("orog", ["orog"], "orog", id="one-column"),
    pytest.param("tas", ["tas_lag1", "tas_lag12"], "tas (tas_lag1, tas_lag12)", id="lags"),
    pytest.param("tas", ["tas", "tas_lag1", "tas_lag2", "tas_anomaly"], "tas (tas, tas_lag1, tas_lag2, … 1 more)", id="many"),
])
def test_input_label_names_the_columns_of_an_input(name, columns, expected):
    assert input_label(name, columns) == expected



@pytest.mark.parametrize(("counts", "expected"), [
    pytest.param({"n_samples": 48, "of_samples": 48, "average_n_samples": 48}, "48 samples", id="every-sample"),
    pytest.param({"n_samples": 5000, "of_samples": 20240, "average_n_samples": 20240},
                 "mean of 20240 samples, ICE of 5000 drawn", id="ice-drawn"),
    pytest.param({"n_samples": 5000, "of_samples": 20240}, "5000 of 20240 samples", id="a-file-of-before"),
])
def test_the_partial_dependence_title_names_the_samples_of_the_mean_and_of_the_ice(counts, expected):
    assert _samples_text({**DEPENDENCE, **counts}) == expected

def test_the_three_figures_are_pngs(tmp_path):
    layout = grid_layout(grid_dataset(n_years=2), "tas", [])
    rng = np.random.default_rng(0)
    maps = rng.normal(size=(3, 4, 6))
    maps[2, 0, 0] = np.nan  # a cell without test samples
    paths = [
        plot_importance_bars(IMPORTANCE, path=tmp_path / "bars.png", dpi=40),
        plot_importance_maps(layout, maps, ("lat", "pred", "noise"), IMPORTANCE, path=tmp_path / "maps.png", dpi=40),
        plot_partial_dependence(DEPENDENCE, path=tmp_path / "pd.png", dpi=40),
    ]
    for path in paths:
        image = matplotlib.image.imread(path)
        assert image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 50


@pytest.mark.parametrize(("cells", "expected"), [
    pytest.param({"weighted_by": "cell area", "n_cells": 1}, "increase of the test MSE (K²), one cell (no weighting)",
                 id="one-cell"),
    pytest.param({"weighted_by": "cell area", "n_cells": 24}, "increase of the test MSE (K²), area-weighted",
                 id="grid"),
    pytest.param({"weighted_by": "cell area × land_area_fraction (sftlf)", "n_cells": 24},
                 "increase of the test MSE (K²), weighted by cell area × land_area_fraction (sftlf)", id="land-part"),
    pytest.param({}, "increase of the test MSE (K²), area-weighted", id="a-file-of-before"),
])
def test_the_importance_axis_says_how_the_mse_weighs_the_cells(tmp_path, monkeypatch, cells, expected):
    """fix33b: a run on one cell (a station, a sea-ice extent) had its importance axis labelled
    "increase of the area-weighted test MSE", as train's table no longer says (fix32j)."""
    from climann.evaluation.figures import importance

    drawn = []
    monkeypatch.setattr(importance, "_save", lambda figure, path, dpi: drawn.append(figure) or path)
    plot_importance_bars({**IMPORTANCE, **cells}, path=tmp_path / "bars.png", dpi=40)
    assert [figure.axes[0].get_xlabel() for figure in drawn] == [expected]
