"""The type each variable is held in (climann.data.value_precision; break40a A1: GRACE's C20,
-4.8416945e-4 varying by 1e-10, cast to float32 kept 15 of its 180 values)."""

import logging
import warnings

import dask
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.climatology import climatologies_from_record, climatology_record, monthly_climatology
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.pointwise import PointwiseSource
from climann.data.sources import files_text
from climann.data import value_precision
from climann.data.fill_like import checked_blocks, checked_step_numbers, read_together
from climann.data.value_precision import held_dtypes, planned_spreads, record_spreads
from climann.workflow.config import build_config
from climann.workflow.preparation import open_selected, pointwise_source, split_for
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
    dataset = grid_dataset()
    pressure = 101325.0 + 1e-3 * dataset["landonly"].astype(np.float64)  # NaN in the first column
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        held = held_dtypes({"p": pressure.chunk({"time": 12}), "t": (250 + dataset["landonly"]).astype(np.float64)})
    assert held == {"p": np.dtype("float64"), "t": np.dtype("float32")}


def _pressure_folder(tmp_path, *, n_files=4, n_days=10, dtype="f8", valid_max=None):
    """``n_files`` daily files (``n_days`` steps each) of a float64 pressure in Pa whose anomalies of
    1e-4 Pa float32 would merge (held in float64), a float64 temperature (float32 holds its variation) and
    the same pressure as int64 in mPa; NaN at some values, a cell missing throughout. Returns the
    files and the values, by name, as numpy reads them."""
    rng = np.random.default_rng(41)
    shape = (n_files * n_days, 3, 5)
    pressure = 101325.123456 + rng.normal(0.0, 1e-4, shape)
    pressure[rng.random(shape) < 0.1] = np.nan
    pressure[:, 1, 2] = np.nan
    temperature = 285.0 + rng.normal(0.0, 4.0, shape)
    values = {"ps": pressure, "tas": temperature, "ps_mPa": (1e6 * rng.normal(101.325, 1e-3, shape)).astype("i8")}
    times = pd.date_range("2001-01-01", periods=shape[0], freq="D")
    files = []
    for number in range(n_files):
        steps = slice(number * n_days, (number + 1) * n_days)
        dataset = xr.Dataset({name: (("time", "lat", "lon"), array[steps].astype(dtype if name == "ps" else
                                                                                  array.dtype), {"units": "1"})
                              for name, array in values.items()},
                             coords={"time": times[steps], "lat": ("lat", [-10.0, 0.0, 10.0], {"units": "degrees_north"}),
                                     "lon": ("lon", np.arange(5.0) * 20, {"units": "degrees_east"})})
        dataset["tas"].attrs = {"units": "K", "standard_name": "air_temperature"}
        if valid_max is not None:
            dataset["tas"].attrs["valid_max"] = valid_max
        files.append(tmp_path / f"day_{number:02d}.nc")
        dataset.to_netcdf(files[-1], encoding={name: {"_FillValue": None} for name in ("tas", "ps_mPa")})
    return files, values


@pytest.mark.parametrize("chunks", [pytest.param(None, id="a-block-per-file"),
                                    pytest.param({"time": 7, "lat": 2, "lon": 3}, id="blocks-across-files-and-cells")])
@pytest.mark.parametrize("order", [pytest.param(("time", "lat", "lon"), id="time-first"),
                                   pytest.param(("lon", "time", "lat"), id="time-inside")])
def test_the_spreads_read_with_the_value_checks_are_numpys(tmp_path, chunks, order):
    """fix41b: each cell's standard deviation and largest magnitude on the checked steps, joined over the
    blocks that hold them (Chan, Golub & LeVeque's pairwise update), against numpy's on those steps."""
    files, values = _pressure_folder(tmp_path)
    dataset = open_dataset(files).transpose(*order)
    dataset = dataset.chunk(chunks) if chunks else dataset
    spreads = read_together(planned_spreads(dataset, ["ps", "tas", "ps_mPa", "absent"]))[0]()
    assert sorted(spreads) == ["ps", "ps_mPa", "tas"]
    steps = np.unique(np.linspace(0, 39, 24).round().astype(int))
    for name, spread in spreads.items():
        sample = values[name][steps].astype(np.float64)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            std, largest = np.nanstd(sample, axis=0), np.nanmax(np.abs(sample), axis=0)
        cells = [dim for dim in order if dim != "time"]
        on_grid = [cells.index(dim) for dim in ("lat", "lon")]
        # to the precision the values allow: a std computed in float64 is good to about eps × size / std
        # (float64's spacing at 101325 Pa, 1.5e-11, is 1.5e-7 of a std of 1e-4 Pa)
        conditioning = np.finfo(np.float64).eps * np.nanmax(largest) / np.nanmin(std)
        np.testing.assert_allclose(np.transpose(spread.std, on_grid), std, rtol=32 * conditioning)
        np.testing.assert_array_equal(np.transpose(spread.largest, on_grid), largest)
        assert np.isnan(spread.std[tuple({"lat": 1, "lon": 2}[dim] for dim in cells)]) == (name == "ps")


@pytest.mark.parametrize("chunks, places", [pytest.param(None, 1, id="a-block-per-file"),
                                            pytest.param({"time": 7, "lat": 2, "lon": 3}, 4, id="blocks-across-cells")])
def test_the_spreads_hold_one_result_per_place_not_one_per_block(tmp_path, chunks, places):
    """fix56c: every checked block's four per-cell arrays were held until all were read (24 blocks of a folder of
    daily 0.25° files, 0.9 GB at info's peak); each place's blocks are now joined as they are read, one task and
    one result per place of cells (the values: the test above)."""
    files, _ = _pressure_folder(tmp_path)
    dataset = open_dataset(files)
    dataset = dataset.chunk(chunks) if chunks else dataset
    variable = dataset["ps"]
    blocks = len(checked_blocks(variable))
    reads = planned_spreads(dataset, ["ps"])
    assert blocks > places and len(reads.tasks) == places
    counts = [part[0] for part in dask.compute(*reads.tasks)]  # each place's cells once, over all its blocks
    assert sum(count.size for count in counts) == variable.sizes["lat"] * variable.sizes["lon"]
    assert sum(int(count.sum()) for count in counts) == int(variable.isel(time=checked_step_numbers(variable)).count())


def test_a_static_fields_spread_is_over_its_whole_field():
    field = xr.DataArray(1e9 + np.arange(12.0).reshape(3, 4), dims=("lat", "lon")).chunk({"lat": 2, "lon": 3})
    (spread,) = read_together(planned_spreads(xr.Dataset({"height": field}), ["height"]))[0]().values()
    assert (float(spread.std), float(spread.largest)) == (pytest.approx(np.std(np.arange(12.0)), rel=1e-12), 1e9 + 11)


def test_a_runs_float64_data_are_read_once_for_every_check_and_the_type_they_are_held_in(
        tmp_path, monkeypatch, caplog, bytes_read):
    """fix41b: held_dtypes read the checked steps of each float64 variable in a computation of its own, for the
    anomaly climatologies and again for the sample source; with a dask block per file every block holds one, so
    a folder of daily files was read whole twice more. Now the run's one read of its values records the spreads:
    the source reads nothing more of the target and predictors (the anomaly climatology reads the training
    steps of its variable), the type and the note are those the spreads read alone give."""
    files, values = _pressure_folder(tmp_path)
    config = build_config({"data": {"paths": [str(path) for path in files], "target": "tas",
                                    "predictors": ["ps", "ps_mPa"], "anomalies": ["ps"], "features": []}})
    spread_reads = []
    original = value_precision._spread
    monkeypatch.setattr(value_precision, "_spread", lambda variable: spread_reads.append(variable.name)
                        or original(variable))
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann.data.value_precision"):
        dataset = open_selected(config)
        opened = dict(bytes_read)
        source = pointwise_source(config, dataset)
    assert {name: opened[name] for name in values} == {name: array.size * 8 for name, array in values.items()}
    after = {name: bytes_read[name] - opened[name] for name in values}
    bytes_read.clear()  # what the climatology of the training steps reads alone
    monthly_climatology(open_dataset(files)["ps"], split_for(config, source.layout).time_masks["train"],
                        dtype="float64")
    assert after == {"tas": 0, "ps_mPa": 0, "ps": bytes_read["ps"]} and 0 < bytes_read["ps"] < values["ps"].size * 8
    assert spread_reads == []
    assert {name: source._held[name] for name in values} == {
        "tas": np.dtype("float32"), "ps": np.dtype("float64"), "ps_mPa": np.dtype("float64")}
    notes = [record.getMessage() for record in caplog.records]
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="climann.data.value_precision"):
        alone = held_dtypes({name: open_dataset(files)[name] for name in values}, where=files_text(files))
    assert alone == {name: source._held[name] for name in values}
    assert notes == [record.getMessage() for record in caplog.records] and len(notes) == 2


def test_a_spread_recorded_for_other_cells_is_not_taken(tmp_path):
    """The record describes the cells and steps it was read on: a subset of other cells (here without the only
    column whose variation float32 would lose) is read again, and decided on its own values."""
    files, _ = _pressure_folder(tmp_path)
    dataset = open_dataset(files)
    mixed = dataset["tas"].copy(data=dataset["tas"].data + xr.zeros_like(dataset["tas"]).data)
    mixed[:, :, 0] = dataset["ps"][:, :, 0]  # float32 loses only the first column's variation
    mixed = xr.Dataset({"p": mixed.chunk({"time": 10})})
    record_spreads(mixed, read_together(planned_spreads(mixed, ["p"]))[0]())
    assert held_dtypes({"p": mixed["p"]}) == {"p": np.dtype("float64")}
    assert held_dtypes({"p": mixed["p"].isel(lon=slice(1, None))}) == {"p": np.dtype("float32")}
    assert held_dtypes({"p": mixed["p"].isel(time=slice(10, None))}) == {"p": np.dtype("float64")}
