"""A predictor that ranks the target's own values (GIMMS NDVI3g v1's ``percentile`` beside ``ndvi``) is no
default predictor, by its words or, as a safety net, by its values (climann/data/rank_transforms.py;
break47b A1: test skill 0.825 over the climatology with it, 0.122 without)."""

import logging

import numpy as np
import pytest
import xarray as xr
from scipy.stats import spearmanr

from climann.data.defaults import default_inputs
from climann.data.info import describe
from climann.data.rank_transforms import (MIN_STEPS, RANK_CORRELATION, _cell_correlations, _ranks, monotone_relations,
                                         rank_reason, warn_rank_predictors)
from tests.conftest import unwrapped_report


def _percentile_in_own_series(values: np.ndarray) -> np.ndarray:
    """The percentile (0 … 1000) of each value in its own cell's series over axis 0, by numpy's double argsort."""
    ranks = np.argsort(np.argsort(values, axis=0), axis=0)
    return np.round(1000 * ranks / (values.shape[0] - 1))


def _gimms_like(*, n_years=6, n=8, seed=3, percentile_attrs=None, name="percentile"):
    """Half-monthly ``ndvi`` (a seasonal cycle plus noise) and a variable ranking it as GIMMS NDVI3g v1's
    ``percentile`` does: 2000 × a gap-fill flag (0, 1, 2) + the percentile of the value in its own series."""
    rng = np.random.default_rng(seed)
    import cftime

    times = [cftime.DatetimeGregorian(1982 + k // 24, k % 24 // 2 + 1, 1 + 15 * (k % 2)) for k in range(24 * n_years)]
    phase = np.array([(t.month - 1 + (t.day > 1) / 2) / 12 for t in times])
    ndvi = 0.45 - 0.25 * np.cos(2 * np.pi * phase)[:, None, None] + 0.05 * rng.normal(size=(len(times), n, n))
    flag = rng.choice([0, 1, 2], size=ndvi.shape, p=[0.8, 0.15, 0.05])
    percentile = 2000 * flag + _percentile_in_own_series(ndvi)
    coords = {"time": times, "lat": 45 - (np.arange(n) + 0.5) / 12, "lon": 10 + (np.arange(n) + 0.5) / 12}
    attrs = {"long_name": "ndvi percentile"} if percentile_attrs is None else percentile_attrs
    dims = ("time", "lat", "lon")
    return xr.Dataset({"ndvi": (dims, ndvi, {"long_name": "normalized difference vegetation index", "units": "1"}),
                       name: (dims, percentile, attrs)}, coords=coords)


def test_the_percentile_of_the_target_is_left_out_of_the_defaults_with_a_note(tmp_path):
    """GIMMS NDVI3g v1: ``percentile``, "ndvi percentile", was the default predictor of ndvi (break47b A1)."""
    _gimms_like().to_netcdf(tmp_path / "ndvi3g_geo_v1_1982_0106.nc4")
    report = unwrapped_report(describe(str(tmp_path / "ndvi3g_geo_v1_1982_0106.nc4")))
    assert "predictors = []" in report
    assert ("# left out of the default predictors: percentile (its name 'percentile', a percentile of ndvi's "
            "values): data about ndvi's own values") in report
    assert "target leakage" in report and "name it in [data] predictors (--predictors) to use it anyway" in report


@pytest.mark.parametrize(("attrs", "name", "left_out"), [
    pytest.param({"long_name": "ndvi percentile"}, "pct", True, id="long-name-of-the-target"),
    pytest.param({}, "ndvi_rank", True, id="name-of-the-target"),
    pytest.param({"long_name": "percentile rank of normalized difference vegetation index"}, "p", True,
                 id="long-name-of-the-targets-long-name"),
    pytest.param({"long_name": "95th percentile of daily NDVI", "units": "1"}, "ndvi_p95", False,
                 id="a-threshold-is-a-quantity"),
    pytest.param({"long_name": "soil moisture percentile"}, "sm_percentile", False, id="another-variables-rank"),
])
def test_rank_words_of_the_target(attrs, name, left_out):
    dataset = _gimms_like(percentile_attrs=attrs, name=name)
    assert (rank_reason(dataset[name], dataset["ndvi"], list(dataset.data_vars)) is not None) is left_out


def test_a_percentile_of_the_target_without_telling_words_is_left_out_by_its_values():
    """The safety net: ``q`` (no attributes, a name that says nothing) is the per-cell percentile of tas in its
    own series, a monotone function of it at each cell (scipy's Spearman ρ = 1 there); ``driver`` correlates with
    tas (ρ about 0.9) and ``linear`` is 2·tas + 1 (an exact linear function: target_copies says it, kept)."""
    rng = np.random.default_rng(7)
    times = xr.date_range("2000-01-01", periods=120, freq="MS", use_cftime=True)
    tas = 280 + 10 * rng.normal(size=(120, 6, 5))
    dims = ("time", "lat", "lon")
    dataset = xr.Dataset({"tas": (dims, tas, {"units": "K"}),
                          "q": (dims, _percentile_in_own_series(tas)),
                          "driver": (dims, tas + 4.5 * rng.normal(size=tas.shape), {"units": "K"}),
                          "linear": (dims, 2 * tas + 1)},
                         coords={"time": times, "lat": np.linspace(-50, 50, 6), "lon": np.arange(5.0)})
    flat = {name: dataset[name].values.reshape(120, -1) for name in ("tas", "q", "driver")}
    rho = {name: np.array([spearmanr(flat["tas"][:, k], flat[name][:, k]).statistic for k in range(30)])
           for name in ("q", "driver")}
    assert (rho["q"] >= RANK_CORRELATION).all() and (rho["driver"] < RANK_CORRELATION).all()  # the values' truth
    found = monotone_relations(dataset, "tas", ["q", "driver", "linear"], time_dim="time", steps=None)
    assert list(found) == ["q"] and "100% of 30 sampled cells" in found["q"]
    chosen = default_inputs(dataset, "tas")
    assert "q" not in chosen.predictors and "driver" in chosen.predictors and "q" in chosen.ranks
    assert any(note.startswith("left out of the default predictors: q (|Spearman rho| >= 0.99 with tas")
               for note in chosen.notes("tas"))
    assert default_inputs(dataset, "tas", predictors=["q"]).predictors == ("q",)  # named: used


def test_a_percentile_named_by_the_user_is_used_with_a_warning(caplog):
    dataset = _gimms_like()
    with caplog.at_level(logging.WARNING):
        warn_rank_predictors(dataset, ["percentile"], "ndvi", where="gimms/*.nc4", time_dim="time", steps=None)
    warned = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warned) == 1 and warned[0].startswith("predictors in gimms/*.nc4: percentile (its name 'percentile'")
    assert "leave percentile out of [data] predictors unless that is what you mean to test" in warned[0]


def _columns_with_ties_gaps_and_constants(seed: int, n_steps: int, *, gaps: bool) -> tuple[np.ndarray, np.ndarray]:
    """(n_steps, 40) target and predictor columns: some rounded to a few values (ties), a rank of
    the target, a constant column, and (``gaps``) missing values scattered and a column mostly missing."""
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(n_steps, 40))
    p = 0.5 * y + rng.normal(size=y.shape)
    y[:, :10], p[:, 5:15] = np.round(y[:, :10], 0), np.round(p[:, 5:15], 1)
    p[:, 20] = np.argsort(np.argsort(y[:, 20])) / n_steps
    p[:, 21] = 3.0
    if gaps:
        y[rng.uniform(size=y.shape) < 0.1] = np.nan
        p[rng.uniform(size=p.shape) < 0.1] = np.nan
        y[2:, 30] = np.nan
    return y, p


def _scipy_correlations(y: np.ndarray, p: np.ndarray) -> list[tuple[float, float]]:
    """The cells' (|ρ|, |r|) by scipy's ranks and numpy's corrcoef, one column at a time."""
    from scipy.stats import rankdata

    found = []
    for column in range(y.shape[1]):
        both = np.isfinite(y[:, column]) & np.isfinite(p[:, column])
        yc, pc = y[both, column], p[both, column]
        if yc.size < MIN_STEPS or np.ptp(yc) == 0 or np.ptp(pc) == 0:
            continue
        found.append((abs(float(np.corrcoef(rankdata(yc), rankdata(pc))[0, 1])),
                      abs(float(np.corrcoef(yc, pc)[0, 1]))))
    return found


@pytest.mark.parametrize("gaps", [pytest.param(False, id="no-missing-values"), pytest.param(True, id="missing-values")])
@pytest.mark.parametrize("n_steps", [pytest.param(9, id="too-few-steps"), pytest.param(36, id="36-steps"),
                                     pytest.param(500, id="500-steps")])
def test_the_cells_correlations_are_scipys_ranks_and_numpys_corrcoef_bit_for_bit(n_steps, gaps):
    """The ranks of every column at once and the lean Pearson r: the same floats as scipy's rankdata
    and numpy's corrcoef per column (the thresholds at 0.99 see the same numbers)."""
    y, p = _columns_with_ties_gaps_and_constants(n_steps, n_steps, gaps=gaps)
    expected = _scipy_correlations(y, p)
    assert np.asarray(_cell_correlations(y, p)).tobytes() == np.asarray(expected).tobytes()
    assert len(expected) == (0 if n_steps < MIN_STEPS else 39 - gaps)  # the constant one (and the gap) left aside


@pytest.mark.parametrize("shape", [pytest.param((1,), id="one"), pytest.param((50,), id="1-D"),
                                   pytest.param((50, 7), id="2-D")])
def test_ranks_are_scipys_average_ranks(shape):
    from scipy.stats import rankdata

    values = np.round(np.random.default_rng(4).normal(size=shape), 1)  # many ties
    assert np.array_equal(_ranks(values), rankdata(values, axis=0))
