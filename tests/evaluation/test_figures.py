import matplotlib.image
import numpy as np
import pytest

from climann.data.pointwise import build_pointwise_samples
from climann.evaluation.figures import _cell_edges, plot_truth_prediction_error, symmetric_limit
from tests.conftest import grid_dataset


@pytest.mark.parametrize(
    "options",
    [pytest.param({"lat_descending": True}, id="descending-lat"), pytest.param({"lon_start": 0.0}, id="lon-0-360")],
)
def test_map_figure_is_a_readable_png(tmp_path, options):
    samples = build_pointwise_samples(grid_dataset(**options), target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    path = plot_truth_prediction_error(
        layout, truth, truth + 1.0, time_index=30, split="test", path=tmp_path / "map.png", dpi=50
    )
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 100 and image.shape[1] > 300
    assert image[..., :3].std() > 0.05  # not blank


def test_cell_edges_work_for_descending_centres():
    np.testing.assert_allclose(_cell_edges(np.array([45.0, 0.0, -45.0])), [67.5, 22.5, -22.5, -67.5])


def test_symmetric_limit_ignores_nan():
    assert symmetric_limit(np.array([np.nan, -2.0, 1.0])) == pytest.approx(2.0, rel=0.01)
