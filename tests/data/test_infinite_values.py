"""±inf are missing, like NaN, in every count and scaler (break34b A4, B3, C1)."""

from __future__ import annotations

import logging
import re
import warnings

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.defaults import default_inputs
from climann.data.info import describe
from climann.data.notes import forget_notes
from climann.data.target_copies import _block_sums
from climann.evaluation.scores import compared_area_means
from climann.workflow.config import build_config
from climann.workflow.preparation import prepare_data
from tests.conftest import unwrapped_report

LAT = np.array([-60.0, -20.0, 20.0, 60.0])
LON = np.arange(0.0, 360.0, 60.0)
N_TIME = 48


def _spei() -> np.ndarray:
    """An SPEI-like z-score with SPEIbase's failures: -inf at 3 values, +inf at 4, NaN at 5."""
    values = np.random.default_rng(5).standard_normal((N_TIME, LAT.size, LON.size)).astype("f4")
    values[5:8, 1, 2] = -np.inf
    values[[10, 20, 30, 40], 2, 3] = np.inf
    values[12:17, 0, 0] = np.nan
    return values


def _write(path, spei):
    """spei(time, lat, lon) beside a predictor ``pred``, monthly from 2000 (noleap)."""
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", None), ("lat", LAT.size), ("lon", LON.size)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.standard_name = "days since 2000-01-01", "noleap", "time"
        time[:] = cftime.date2num([cftime.datetime(2000 + k // 12, k % 12 + 1, 15, calendar="noleap")
                                   for k in range(N_TIME)], time.units, "noleap")
        for name, axis, units in (("lat", LAT, "degrees_north"), ("lon", LON, "degrees_east")):
            variable = nc.createVariable(name, "f8", (name,))
            variable.units, variable[:] = units, axis
        variable = nc.createVariable("spei", "f4", ("time", "lat", "lon"), fill_value=np.float32(1e30))
        variable.units, variable.long_name = "1", "Standardized Precipitation-Evapotranspiration Index"
        variable[:] = spei
        pred = nc.createVariable("pred", "f4", ("time", "lat", "lon"))
        pred.units = "1"
        pred[:] = np.random.default_rng(6).standard_normal(spei.shape).astype("f4")
    return path


def test_field_mode_scales_the_target_on_its_finite_values(tmp_path):
    """break34b A4: the pooled scaler took nanmean/nanstd over ±inf, got NaN, and refused the target
    as "not varying"; numpy's RuntimeWarning reached the terminal (C1)."""
    spei = _spei()
    config = build_config({"data": {"paths": [str(_write(tmp_path / "spei.nc", spei))], "target": "spei",
                                    "mode": "field", "predictors": ["pred"], "features": []}})
    forget_notes()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        data = prepare_data(config)
    train = spei[data.split.time_masks["train"]].astype(np.float64)
    finite = train[np.isfinite(train)]
    np.testing.assert_allclose(data.target_scaler.mean, finite.mean(), rtol=1e-6)
    np.testing.assert_allclose(data.target_scaler.std, finite.std(), rtol=1e-6)


@pytest.mark.parametrize("n_columns", [pytest.param(2, id="a-third-inf"), pytest.param(3, id="half-inf")])
def test_info_counts_them_as_missing(tmp_path, n_columns):
    """break34b B3: info said "missing 10%" (the sea) of a variable -inf on 30 % of its land values."""
    spei = np.random.default_rng(7).standard_normal((N_TIME, LAT.size, LON.size)).astype("f4")
    spei[:, :, :n_columns] = -np.inf
    report = describe([str(_write(tmp_path / "spei.nc", spei))])
    line = next(line for line in report.splitlines() if re.match(r"#\s+spei\s", line))
    shown = next(word for word in line.split() if word.endswith("%"))
    assert float(shown[:-1]) == pytest.approx(100 * np.mean(~np.isfinite(spei)), abs=0.05)


def test_a_predictor_inf_on_a_third_of_the_target_is_left_out_of_the_defaults(tmp_path):
    """break34b B3: the 5 % rule counted -inf as present and proposed the variable as a predictor."""
    spei = np.random.default_rng(8).standard_normal((N_TIME, LAT.size, LON.size)).astype("f4")
    spei[:, :, :2] = -np.inf
    dataset = xr.open_dataset(_write(tmp_path / "spei.nc", spei))
    dataset["tmp"] = dataset["pred"] + np.random.default_rng(10).standard_normal(spei.shape).astype("f4")
    chosen = default_inputs(dataset, "tmp", features=[])
    assert "spei" not in chosen.predictors and "pred" in chosen.predictors


@pytest.mark.parametrize("sign", [pytest.param(-1, id="minus-inf"), pytest.param(1, id="plus-inf")])
def test_the_scores_kernels_read_them_as_missing_without_numpy_warnings(sign):
    """break34b C1: scores.py and target_copies.py let numpy's "invalid value" RuntimeWarnings reach the terminal."""
    rng = np.random.default_rng(9)
    truth, predicted = rng.standard_normal((2, 5, 3, 4))
    with_inf = truth.copy()
    with_inf[1, 2, 3] = with_inf[4, 0, 0] = sign * np.inf
    with_nan = np.where(np.isinf(with_inf), np.nan, with_inf)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        means = compared_area_means(with_inf, {"model": predicted}, np.ones((3, 4)))
        sums = _block_sums(with_inf, predicted, axis=0)
    expected = compared_area_means(with_nan, {"model": predicted}, np.ones((3, 4)))
    for name, series in expected.items():
        np.testing.assert_allclose(means[name], series)
    np.testing.assert_allclose(sums, _block_sums(with_nan, predicted, axis=0))


def _said_held(spei: np.ndarray) -> str:
    """What info and the run log say of the -inf and +inf of ``spei``, counted here by hand."""
    minus, plus = int(np.sum(spei == -np.inf)), int(np.sum(spei == np.inf))
    return f"{minus} -inf and {plus} +inf ({100 * (minus + plus) / spei.size:.3g} % of its {spei.size} values)"


def test_info_says_how_many_each_variable_holds(tmp_path):
    """fix35c: ±inf were counted as missing since fix34h, and nothing said that a file held them."""
    spei = _spei()
    report = unwrapped_report(describe([str(_write(tmp_path / "spei.nc", spei))]))
    assert f"spei holds {_said_held(spei)}, counted as missing" in report
    assert "pred holds" not in report


def test_the_run_log_says_how_many_the_run_variables_hold(tmp_path, caplog):
    spei = _spei()
    config = build_config({"data": {"paths": [str(_write(tmp_path / "spei.nc", spei))], "target": "spei",
                                    "predictors": ["pred"], "features": []}})
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        prepare_data(config)
    said = [record.getMessage() for record in caplog.records if "+inf" in record.getMessage()]
    assert said == [f"'spei' in spei.nc holds {_said_held(spei)}, read as missing, as NaN is: no score, scaler or "
                    "count uses them"]


def test_planned_missing_counts_are_numpys_in_one_read_of_each_block():
    """fix40e: info's missing fractions and infinities, one task per block (dask's blocks of
    three time steps each), each block read once: numpy's counts over the whole arrays."""
    import dask

    from climann.data.fill_like import read_together
    from climann.data.infinite_values import planned_missing_counts

    values = np.random.default_rng(11).standard_normal((7, 3, 4))
    values[0, 0, :3], values[3, 1, 1], values[6, 2, :2] = np.nan, -np.inf, np.inf
    stamps = np.array(["2000-01-01", "NaT", "2000-01-03"], "datetime64[ns]")
    dataset = xr.Dataset({"v": (("time", "y", "x"), values), "n": (("time",), np.arange(7)),
                          "when": (("y",), stamps), "none": (("time", "z"), np.empty((7, 0)))}).chunk({"time": 3})
    reads = planned_missing_counts(dataset, ["v", "n", "when", "none"])
    assert len(reads.tasks) == 3 + 3 + 1 + 3  # one per block
    blocks = []

    def counting(graph, keys, **kwargs):
        blocks.append(sum(1 for key in graph if "array" in str(key)))
        return dask.get(graph, keys, **kwargs)

    with dask.config.set(scheduler=counting):
        fractions, infinite = read_together(reads)[0]()
    assert len(blocks) == 1
    assert fractions == {"v": np.mean(~np.isfinite(values)), "n": 0.0, "when": 1 / 3, "none": 0.0}
    assert infinite == {"v": (int(np.sum(values == -np.inf)), int(np.sum(values == np.inf)), values.size)}
