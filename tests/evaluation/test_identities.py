"""The rule that the linear baseline reproducing the target means an identity (climann.evaluation.identities)."""

import numpy as np
import pytest

from climann.evaluation.identities import IDENTITY_FRACTION, identity_warning


def metrics_of(truth: np.ndarray, linear: np.ndarray) -> dict:
    """metrics.json's test entry of a linear prediction, R² and RMSE computed here by hand."""
    mse = float(np.mean((linear - truth) ** 2))
    return {"target": "tas", "units": "K",
            "splits": {"test": {"linear": {"r2": 1 - mse / float(np.var(truth)), "rmse": mse ** 0.5}}}}


@pytest.mark.parametrize(("relative_rmse", "warned"), [
    pytest.param(0.0, True, id="exact-copy"),
    pytest.param(0.0009, True, id="within-a-thousandth"),
    pytest.param(0.0011, False, id="beyond-a-thousandth"),
    pytest.param(0.3, False, id="a-prediction"),
])
def test_the_linear_baseline_within_a_thousandth_of_the_standard_deviation_is_an_identity(relative_rmse, warned):
    rng = np.random.default_rng(0)
    truth = 288 + rng.normal(0, 2, 10_000)
    noise = rng.normal(0, 1, truth.size)
    linear = truth + relative_rmse * np.std(truth) * noise / np.sqrt(np.mean(noise ** 2))
    line = identity_warning(metrics_of(truth, linear), predictors=["tas_c", "rsdt"])
    assert (line is not None) is warned
    assert IDENTITY_FRACTION == pytest.approx(0.001 ** 2)


def test_a_float32_copy_in_other_units_is_caught_with_room_to_spare():
    rng = np.random.default_rng(1)
    pascal = (101325 + rng.normal(0, 100, 10_000)).astype(np.float32)  # |x|/σ = 10³: a bad float32 case
    hectopascal = (pascal.astype(np.float64) / 100).astype(np.float32)
    linear = hectopascal.astype(np.float64) * 100
    metrics = metrics_of(pascal.astype(np.float64), linear)
    assert 1 - metrics["splits"]["test"]["linear"]["r2"] < IDENTITY_FRACTION / 100
    assert identity_warning(metrics, predictors=["ps_hpa"]) is not None


def test_the_line_names_the_target_the_predictors_and_the_way_out():
    line = identity_warning({"target": "toa_net_all_mon", "units": "W m-2",
                             "splits": {"test": {"linear": {"r2": 1 - 1.3e-14, "rmse": 6.5e-6}}}},
                            predictors=["toa_sw_all_mon", "solar_mon"], features=["lat"])
    assert line == (
        "the linear baseline reproduces toa_net_all_mon on the test block (RMSE 6.5e-06 W m-2, 1 − R² = 1.3e-14 "
        "< 1e-06): the scores measure an identity, not a prediction: toa_net_all_mon is computed from the "
        "predictors (toa_sw_all_mon, solar_mon) or is a copy of one (other units, plus a constant, "
        "a budget's sum); leave those out with --predictors (or [data] predictors in the config)"
    )


def test_the_rmse_of_a_temperature_is_in_its_scale_symbol_as_in_the_captions():
    """GLORYS's degrees_C: the captions say degC (break32a: one spelling of a run's units)."""
    line = identity_warning({"target": "thetao", "units": "degrees_C",
                             "splits": {"test": {"linear": {"r2": 1.0, "rmse": 1e-6}}}}, predictors=["thetao_copy"])
    assert line.startswith("the linear baseline reproduces thetao on the test block (RMSE 1e-06 degC, 1 − R² = 0 ")


def test_without_predictors_the_features_are_named():
    line = identity_warning({"target": "rsdt", "units": "W m-2",
                             "splits": {"test": {"linear": {"r2": 1.0, "rmse": 0.0}}}}, predictors=(),
                            features=["lat", "season"])
    assert "computed from the features (lat, season)" in line and "with --features (or [data] features" in line


@pytest.mark.parametrize("metrics", [
    pytest.param({"target": "tas", "splits": {"test": {"linear": {"r2": float("nan"), "rmse": 0.0}}}},
                 id="constant-target"),
    pytest.param({"target": "tas", "splits": {"test": {"model": {"r2": 1.0, "rmse": 0.0}}}}, id="no-linear"),
    pytest.param({"target": "tas", "splits": {"val": {"linear": {"r2": 1.0, "rmse": 0.0}}}}, id="no-test-block"),
])
def test_no_warning_without_a_linear_score_on_the_test_block(metrics):
    assert identity_warning(metrics, predictors=["pred"]) is None



def test_an_identity_from_the_targets_own_lag_names_the_lags_and_their_way_out():
    """rsdt(t) = rsdt(t − 12), a noise-free seasonal cycle: the lag, not lat and season, is the
    identity; the line names it and --lags."""
    line = identity_warning({"target": "rsdt", "units": "W m-2",
                             "splits": {"test": {"linear": {"r2": 1 - 7.8e-16, "rmse": 1e-5}}}}, predictors=(),
                            features=["lat", "season"], lags={"rsdt": (12,)})
    assert line.endswith(
        "rsdt is computed from the features (lat, season) or the lagged inputs (rsdt_lag12) or is a copy of one "
        "(other units, plus a constant, a budget's sum, itself a period earlier); leave those out with --features "
        "or --lags (or [data] features or lags in the config)")


def test_an_identity_beside_a_predictors_lag_names_both():
    line = identity_warning({"target": "tasC", "units": "degC",
                             "splits": {"test": {"linear": {"r2": 1.0, "rmse": 0.0}}}}, predictors=["ps"],
                            features=["lat"], lags={"tas": (1, 2), "ps": (1,)})
    assert ("computed from the predictors (ps) or the lagged inputs (tas_lag1, tas_lag2, ps_lag1)" in line
            and "leave those out with --predictors or --lags (or [data] predictors or lags in the config)" in line)


def test_lags_with_neither_predictors_nor_features_are_named_alone():
    line = identity_warning({"target": "rsdt", "splits": {"test": {"linear": {"r2": 1.0, "rmse": 0.0}}}},
                            predictors=(), features=(), lags={"rsdt": (12,)})
    assert "computed from the lagged inputs (rsdt_lag12) or is" in line and "with --lags (or [data] lags in" in line
