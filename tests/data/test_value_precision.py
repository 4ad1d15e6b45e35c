"""The type each variable is held in (climann.data.value_precision; break40a A1: GRACE's C20,
-4.8416945e-4 varying by 1e-10, cast to float32 kept 15 of its 180 values)."""

import logging

import dask
import numpy as np
import pytest
import xarray as xr

from climann.data.climatology import climatologies_from_record, climatology_record, monthly_climatology
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.pointwise import PointwiseSource
from climann.data.value_precision import held_dtypes
from tests.conftest import grid_dataset, monthly_times

N_YEARS = 15


def c20_like(path=None, *, variation=1e-10, offset=-4.8416945e-4, dtype="f8", seed=6):
    """A monthly series at one cell, ``offset`` + ``variation`` × (a seasonal cycle + noise / 2)
    in ``dtype``: TN-14's C20 is one (break40a's mk_c20.py)."""
    rng = np.random.default_rng(seed)
    times = monthly_times(N_YEARS, "standard")
    months = np.array([time.month for time in times])
    values = offset + variation * (np.cos(2 * np.pi * (months - 3) / 12) + 0.5 * rng.normal(size=months.size))
    dataset = xr.Dataset(
        {"C20": (("time", "lat", "lon"), values[:, None, None].astype(dtype), {"units": "1"})},
        coords={"time": ("time", times, {"standard_name": "time", "axis": "T"}),
                "lat": ("lat", [0.0], {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": ("lon", [0.0], {"standard_name": "longitude", "units": "degrees_east"})},
    )
    if path is not None:
        dataset.to_netcdf(path)
        return path, values
    return dataset, values


@pytest.mark.parametrize(("offset", "variation", "dtype", "held"), [
    pytest.param(-4.8416945e-4, 1e-10, "f8", "float64", id="C20"),
    pytest.param(101325.0, 1e-3, "f8", "float64", id="pressure-Pa-mPa-anomalies"),
    pytest.param(1.7e9, 10.0, "i8", "float64", id="seconds-since-1970-int64"),
    pytest.param(288.0, 2.0, "f8", "float32", id="temperature-K"),
    pytest.param(0.0, 1e-30, "f8", "float32", id="tiny-around-zero"),
    pytest.param(-4.8416945e-4, 1e-10, "f4", "float32", id="already-float32"),
])
def test_a_variable_is_held_in_float64_only_where_float32_would_lose_its_variation(offset, variation, dtype, held):
    dataset, _ = c20_like(offset=offset, variation=variation, dtype=dtype)
    assert held_dtypes({"C20": dataset["C20"]}) == {"C20": np.dtype(held)}


def test_float32_and_16_bit_data_are_not_read_to_decide(write_grid):
    """Types float32 holds exactly are decided without reading anything (the sample's runs are
    unchanged: nothing read, nothing widened)."""
    dataset = open_dataset([write_grid("lazy.nc")])

    def raising(graph, keys, **kwargs):
        raise AssertionError("read to decide a float32 variable's type")

    with dask.config.set(scheduler=raising):
        held = held_dtypes({name: dataset[name] for name in ("tas", "pred")})
    assert held == {"tas": np.dtype("float32"), "pred": np.dtype("float32")}


def test_model_dtype_float64_holds_every_variable_in_float64():
    dataset = grid_dataset()
    assert held_dtypes({"tas": dataset["tas"]}, dtype="float64") == {"tas": np.dtype("float64")}
    samples = PointwiseSource(dataset, target="tas", predictors=("pred",), features=("lat",), dtype="float64").read_all()
    assert (samples.inputs.dtype, samples.target.dtype, samples.target_field.dtype) == (np.float64,) * 3
    np.testing.assert_array_equal(samples.target[:, 0], dataset["tas"].values.astype(np.float64).reshape(-1))


def test_the_source_keeps_every_digit_of_a_target_held_in_float64(caplog):
    """Against the file's values: float32 kept 15 of 180 distinct values (break40a A1)."""
    forget_notes()
    dataset, values = c20_like()
    with caplog.at_level(logging.INFO, logger="climann.data.value_precision"):
        source = PointwiseSource(dataset, target="C20", predictors=(), features=("season",), source_files=["c20.nc"])
    samples = source.read_all()
    assert samples.target.dtype == np.float64 and source.layout.value_dtype == "float64"
    np.testing.assert_array_equal(samples.target_field[:, 0, 0], values)
    assert np.unique(samples.target).size == np.unique(values).size == 180
    assert np.unique(values.astype(np.float32)).size < 30  # what float32 left of them
    (note,) = [record.getMessage() for record in caplog.records]
    assert note.startswith("c20.nc: 'C20' is held in float64, not float32: its values vary by ")


def test_a_predictor_held_in_float64_is_standardised_from_every_digit():
    """The network sees z = (x − μ)/σ of the float64 values: a C20-like predictor keeps its 180 values."""
    target, _ = c20_like(variation=1.0, offset=0.0, seed=1)
    predictor, values = c20_like(seed=2)
    dataset = target.assign(C20_predictor=predictor["C20"])
    samples = PointwiseSource(dataset, target="C20", predictors=("C20_predictor",), features=()).read_all()
    assert samples.inputs.dtype == np.float64
    np.testing.assert_array_equal(samples.inputs[:, 0], values)


def test_an_anomaly_climatology_of_a_float64_variable_keeps_its_digits_through_the_model_file():
    dataset, values = c20_like()
    train = np.arange(values.size) < 120
    climatology = monthly_climatology(dataset["C20"], train, dtype="float64")
    months = np.array([time.month for time in dataset["time"].values])
    hand = np.array([values[train & (months == month)].mean() for month in range(1, 13)])
    np.testing.assert_allclose(climatology[:, 0, 0], hand, rtol=1e-12)
    back = climatologies_from_record(climatology_record({"C20": climatology}))["C20"]
    assert back.dtype == np.float64
    np.testing.assert_array_equal(back, climatology)


def test_cells_missing_at_every_step_neither_decide_nor_warn():
    """An ocean field in float64 (pressure in Pa, anomalies of mPa) with a land column missing
    throughout: decided on the other cells, without numpy's all-NaN warnings."""
    import warnings

    dataset = grid_dataset()
    pressure = 101325.0 + 1e-3 * dataset["landonly"].astype(np.float64)  # NaN in the first column
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        held = held_dtypes({"p": pressure.chunk({"time": 12}), "t": (250 + dataset["landonly"]).astype(np.float64)})
    assert held == {"p": np.dtype("float64"), "t": np.dtype("float32")}
