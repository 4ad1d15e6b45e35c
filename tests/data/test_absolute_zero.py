"""Temperatures below absolute zero are codes, read as missing (climann/data/absolute_zero.py)."""

from __future__ import annotations

import logging
import re
import shlex
import shutil
import subprocess

import cftime
import dask
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.info import describe
from climann.data.absolute_zero import (BELOW_ABSOLUTE_ZERO_KEY, absolute_zero, masked_below_absolute_zero,
                                        warn_below_absolute_zero)
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.conftest import unwrapped_report
from tests.fresh_python import run_python
from tests.followed_twice import GUARD, one_copy, without_guards

LAT = np.arange(-80.0, 81.0, 20.0)
LON = np.arange(0.0, 360.0, 30.0)
N_YEARS = 10


def _months() -> np.ndarray:
    return np.array([cftime.datetime(2000 + k // 12, k % 12 + 1, 15, calendar="standard")
                     for k in range(12 * N_YEARS)])


def _hadisst_values() -> np.ndarray:
    """SST (degC) with HadISST's codes: -1000 where sea ice covers a box, -1e30 over land."""
    rng = np.random.default_rng(7)
    lat, lon = np.meshgrid(LAT, LON, indexing="ij")
    month = np.array([time.month for time in _months()])
    season = np.cos(2 * np.pi * (month[:, None, None] - 1) / 12) * np.sin(np.radians(lat))[None]
    sst = 28 * np.cos(np.radians(lat))[None] ** 2 - 1 + 3 * season + rng.normal(0, 0.5, (month.size, *lat.shape))
    ice = (np.abs(lat)[None] >= 80) & (season * np.sign(lat)[None] < 0.3)
    sst[ice] = -1000.0
    sst[:, (lon > 60) & (lon < 150) & (lat > 0)] = -1e30
    return sst.astype("f4")


def _write(path, values, units="C", **attrs):
    """A HadISST_sst.nc-like file: float sst(time, latitude, longitude), _FillValue = missing_value = -1e30."""
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", None), ("latitude", LAT.size), ("longitude", LON.size)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.standard_name = "days since 1870-01-01", "gregorian", "time"
        time[:] = cftime.date2num(_months()[: values.shape[0]], time.units, "gregorian")
        for name, axis, units_of in (("latitude", LAT, "degrees_north"), ("longitude", LON, "degrees_east")):
            variable = nc.createVariable(name, "f4", (name,))
            variable.units, variable.standard_name, variable[:] = units_of, name, axis
        sst = nc.createVariable("sst", "f4", ("time", "latitude", "longitude"), fill_value=np.float32(-1e30))
        sst.missing_value = np.float32(-1e30)
        sst.units, sst.standard_name, sst.long_name = units, "sea_surface_temperature", "sst"
        for key, value in attrs.items():
            sst.setncattr(key, value)
        sst[:] = values
    return path


def _steps_held(held: np.ndarray) -> str:
    """The time steps named in a warning, by hand: ``held`` (n_time, ...) True where the value is."""
    steps = np.flatnonzero(held.reshape(held.shape[0], -1).any(axis=1))
    dates = [_months()[step].strftime("%Y-%m-%d") for step in steps[:3]] + (["…"] if steps.size > 3 else [])
    return f"at {steps.size} time step{'s' if steps.size > 1 else ''} ({', '.join(dates)})"


@pytest.fixture
def hadisst(tmp_path):
    return _write(tmp_path / "hadisst.nc", _hadisst_values())


def _opened(caplog, path, names=("sst",)):
    """The file as opened, and what the check of ``names`` says (twice: once per run)."""
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([path])
        warn_below_absolute_zero(dataset, list(names))
        warn_below_absolute_zero(open_dataset([path]), list(names))
    return dataset, [record.getMessage() for record in caplog.records]


@pytest.mark.parametrize(
    ("attrs", "zero"),
    [
        pytest.param({"units": "K"}, 0.0, id="K"),
        pytest.param({"units": "C"}, -273.15, id="C-as-HadISST"),
        pytest.param({"units": "degC"}, -273.15, id="degC"),
        pytest.param({"units": "degF"}, -459.67, id="degF"),
        pytest.param({"units": "K", "units_metadata": "temperature: difference"}, None, id="difference"),
        pytest.param({"units": "K", "long_name": "temperature anomaly"}, None, id="called-an-anomaly"),
        pytest.param({"units": "K", "long_name": "Near-Surface Air Temperature change relative to 1850-1900"}, None,
                     id="called-a-change"),
        pytest.param({"units": "K", "long_name": "difference from the 1991-2020 mean"}, None,
                     id="called-a-difference"),
        pytest.param({"units": "K", "long_name": "Near-Surface Air Temperature"}, 0.0, id="no-such-word"),
        pytest.param({"units": "K", "long_name": "anomaly", "units_metadata": "temperature: on_scale"}, 0.0,
                     id="anomaly-name-but-on-scale"),
        pytest.param({"units": "kelvin", "long_name": "SSES bias error based on proximity confidence flags"}, None,
                     id="ghrsst-sses-bias"),
        pytest.param({"units": "kelvin", "long_name": "SSES standard deviation"}, None, id="ghrsst-sses-sd"),
        pytest.param({"units": "kelvin", "long_name": "estimated error standard deviation of analysed_sst"}, None,
                     id="mur-analysis-error"),
        pytest.param({"units": "K", "standard_name": "sea_surface_temperature standard_error"}, None,
                     id="standard-error-modifier"),
        pytest.param({"units": "K", "long_name": "Bias-Adjusted Near-Surface Air Temperature"}, 0.0,
                     id="bias-adjusted-is-on-scale"),
        pytest.param({"units": "W m-2"}, None, id="no-temperature"),
        pytest.param({}, None, id="no-units"),
    ],
)
def test_absolute_zero_in_the_units_of_a_temperature_on_its_scale(attrs, zero):
    assert absolute_zero("t", xr.DataArray(np.zeros(2), dims="x", attrs=attrs)) == zero


def test_hadisst_sea_ice_is_read_as_missing_with_one_warning(hadisst, caplog):
    values = _hadisst_values()
    dataset, said = _opened(caplog, hadisst)
    read = dataset["sst"].values
    # by hand: every -1000 and every -1e30 missing, the other values as written
    expected = np.where((values == -1000) | (values == np.float32(-1e30)), np.nan, values)
    np.testing.assert_array_equal(read, expected)
    # the warning counts every value of the 120 steps
    count = int((values == -1000).sum())
    assert count > 0
    assert [without_guards(line) for line in said] == [
        f"'sst' in hadisst.nc holds -1000 at {count} of the {values.size} values checked "
        f"(HadISST marks sea ice so), {_steps_held(values == -1000)}, below absolute zero (-273.15 C), which no temperature can be, so they are read "
        f"as missing; to say so in the file: "
        + one_copy("ncatted -a valid_min,sst,o,f,-273.15", hadisst, hadisst.with_name("absolute_zero_marked"))
    ]


def test_codes_in_a_later_file_only_are_counted_in_every_file(tmp_path, caplog):
    """The record of the first file alone was read: sea ice in the second of two files was read
    as missing without a word. Every file's values are counted, their steps named; the values
    checked are those of the file named (verify28 V2: both files' were counted)."""
    values = _hadisst_values()
    first = np.where(values == -1000, np.float32(-1.8), values)[:60]  # no ice in the first five years
    paths = [_write(tmp_path / "a.nc", first), _write(tmp_path / "b.nc", values[60:])]
    with netCDF4.Dataset(paths[1], "a") as nc:
        nc["time"][:] = cftime.date2num(_months()[60:], nc["time"].units, "gregorian")
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_below_absolute_zero(open_dataset(paths), ["sst"])
    said = [without_guards(record.getMessage()) for record in caplog.records]
    ice = np.concatenate([first, values[60:]]) == -1000  # by hand
    assert ice[:60].sum() == 0 and ice.sum() > 0
    assert said == [
        f"'sst' in b.nc holds -1000 at {int(ice.sum())} of the {ice[60:].size} values checked (HadISST marks sea ice "
        "so), "
        f"{_steps_held(ice)}, below absolute zero (-273.15 C), which no temperature can be, so they are read as "
        f"missing; to say so in the files: mkdir -p {tmp_path / 'absolute_zero_marked'} && ( for f in {tmp_path}/*.nc; "
        f"do ncatted -a valid_min,sst,o,f,-273.15 \"$f\" {tmp_path / 'absolute_zero_marked'}/\"${{f##*/}}\" || exit 1; done ) (a copy "
        f"of each of its 2 files in a new folder), then give --data '{tmp_path / 'absolute_zero_marked'}/*.nc' in "
        "place of the originals"]


def test_the_advice_for_a_folder_is_a_loop_that_fixes_every_file_run_as_printed(tmp_path, caplog):
    """rerun38 N5: the advice for a folder of files was ``ncatted … IN.nc OUT.nc``: placeholders, and one
    file's command. It is now a loop writing a copy of each file into a new folder (both advices: valid_min
    and, the values being a few kelvins below 0 K, units_metadata), and that loop, run as printed on the 3
    files, leaves copies that open with the same values missing and nothing said."""
    values = np.abs(_hadisst_values()).clip(0.5, 4.0)
    values[:, 0, :2] = [-0.31, -0.12]
    folder = tmp_path / "delta"
    folder.mkdir()
    paths = [_write(folder / f"delta_{k}.nc", values[40 * k: 40 * (k + 1)], units="K") for k in range(3)]
    for k, path in enumerate(paths):
        with netCDF4.Dataset(path, "a") as nc:
            nc["time"][:] = cftime.date2num(_months()[40 * k: 40 * (k + 1)], nc["time"].units, "gregorian")
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_below_absolute_zero(open_dataset(paths), ["sst"])
    (said,) = [record.getMessage() for record in caplog.records]
    assert "IN.nc" not in said and "OUT.nc" not in said
    loop = re.search(rf"to say so in the files: ({GUARD}mkdir .*?; done \)) \(a copy of each of its 3 files in a new folder\), "
                     r"then give --data (\S+) in place of the originals", said)
    difference = re.search(rf"say so instead: {GUARD}(mkdir .*?; done \)) \(a copy of each of its 3 files", said)
    assert loop and difference and f"( for f in {folder}/*.nc; do ncatted" in loop[1]
    assert "units_metadata,sst,o,c,'temperature: difference'" in difference[1]
    if shutil.which("ncatted") is None:
        return
    subprocess.run(loop[1], shell=True, check=True, capture_output=True)
    copies = sorted((folder / "absolute_zero_marked").iterdir())
    assert [copy.name for copy in copies] == [path.name for path in paths]
    assert shlex.split(loop[2]) == [str(folder / "absolute_zero_marked" / "*.nc")]  # the --data: these copies
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        fixed = open_dataset(copies)
        warn_below_absolute_zero(fixed, ["sst"])
    assert caplog.records == []
    assert int(np.isnan(fixed["sst"].values).sum()) == int((values < 0).sum()) == 2 * values.shape[0]
    subprocess.run(difference[1], shell=True, check=True, capture_output=True)
    kept = open_dataset(sorted((folder / "temperature_differences").iterdir()))
    np.testing.assert_array_equal(kept["sst"].values, values)  # differences: every value kept


def test_the_advised_valid_min_masks_them_without_a_warning(tmp_path, caplog):
    """The file as the advised ncatted leaves it: the same values read, nothing said."""
    path = _write(tmp_path / "fixed.nc", _hadisst_values(), valid_min=np.float32(-273.15))
    dataset, said = _opened(caplog, path)
    assert said == []
    assert int(np.isnan(dataset["sst"].values).sum()) == int((_hadisst_values() < -273.15).sum())


def test_a_valid_range_is_kept_in_the_advised_command(tmp_path, caplog):
    path = _write(tmp_path / "ranged.nc", _hadisst_values(), valid_range=np.array([-2000, 40], "f4"))
    _, said = _opened(caplog, path)
    assert len(said) == 1 and "ncatted -a valid_range,sst,o,f,-273.15,40 " in said[0]


def test_temperature_differences_are_not_masked(tmp_path, caplog):
    values = np.where(_hadisst_values() < -100, np.float32(-1e30), _hadisst_values() - 15)
    path = _write(tmp_path / "anomaly.nc", values, units="K", units_metadata="temperature: difference")
    dataset, said = _opened(caplog, path)
    assert said == []
    assert np.nanmin(dataset["sst"].values) == values[values > -1e29].min() < 0


def test_a_warming_called_a_change_keeps_its_few_negative_values(tmp_path, caplog):
    """A temperature change in K (IPCC AR6's "change relative to 1850-1900") with a warming hole: its three
    negative values are data, not codes, when its long_name calls it a change."""
    values = np.abs(_hadisst_values()).clip(0.5, 4.0)
    values[:, 0, :3] = [-0.31, -0.12, -0.05]
    path = _write(tmp_path / "change.nc", values, units="K",
                  long_name="Near-Surface Air Temperature change relative to 1850-1900")
    dataset, said = _opened(caplog, path)
    assert said == []
    np.testing.assert_array_equal(dataset["sst"].values, values)


def test_a_few_values_just_below_absolute_zero_get_the_difference_fix_too(tmp_path, caplog):
    """A change field in K whose names do not call it one: its few negative values are read as missing, and
    the warning also gives the units_metadata that keeps them."""
    values = np.abs(_hadisst_values()).clip(0.5, 4.0)
    values[:, 0, :2] = [-0.31, -0.12]
    path = _write(tmp_path / "delta.nc", values, units="K")
    dataset, said = _opened(caplog, path)
    assert int(np.isnan(dataset["sst"].values).sum()) == 2 * values.shape[0]
    assert len(said) == 1 and without_guards(said[0]).endswith(
        "; if 'sst' holds temperature differences (changes, anomalies), say so instead: "
        + one_copy("ncatted -a units_metadata,sst,o,c,'temperature: difference'", path,
                   path.with_name("temperature_differences")))


def test_many_values_below_absolute_zero_are_refused_as_no_codes(tmp_path, caplog):
    """An anomaly in K not called one: -5 K is no code, and masking every negative would bias it."""
    values = np.where(_hadisst_values() < -100, np.float32(-1e30), _hadisst_values() - 15)
    path = _write(tmp_path / "unsaid.nc", values, units="K")
    forget_notes()
    dataset = open_dataset([path])
    with pytest.raises(ClimannError, match=r"'sst' in unsaid\.nc holds \d+ different values below absolute zero "
                                           r"\(0 K\).*if they are temperature differences \(anomalies\), say so: "
                                           rf"{GUARD}mkdir -p {tmp_path}/temperature_differences && ncatted -a "
                                           r"units_metadata,sst,o,c,'temperature: difference' "):
        warn_below_absolute_zero(dataset, ["sst"])


def test_opening_reads_nothing(hadisst):
    """The data layer stays lazy until the batch boundary: the mask is part of the graph."""
    def raising(graph, keys, **kwargs):
        raise AssertionError("dask computed while opening")

    with dask.config.set(scheduler=raising):
        sst = open_dataset([hadisst])["sst"]
    assert sst.chunks is not None


@pytest.mark.parametrize(
    ("stored", "read_as"),
    [pytest.param("f4", "f4", id="float32"), pytest.param("f8", "f8", id="float64"),
     pytest.param("i4", "f8", id="int32-to-float64")],
)
def test_one_file_is_masked_in_one_dask_operation_per_variable(stored, read_as):
    """Issue 15: xarray's where of ~(values <= zero) built three dask operations per file and
    variable; a float variable's mask is one (its type kept), an integer's keeps xarray's
    promotion to a type that holds NaN. The values, by hand; NaN stays NaN."""
    written = np.array([[[-5.0, 0.0, 1.0, np.nan], [280.5, -1000.0, 0.25, 3.0]]])
    values = (written if stored[0] == "f" else np.nan_to_num(written)).astype(stored)
    import dask.array as da

    data = da.from_array(values, chunks=(1, 1, 4))
    dataset = xr.Dataset({"tas": (("time", "lat", "lon"), data, {"units": "K"}),
                          "pr": (("time", "lat", "lon"), data, {"units": "kg m-2 s-1"})},
                         coords={"time": [0.0], "lat": [-10.0, 10.0], "lon": [0.0, 90.0, 180.0, 270.0]})
    masked = masked_below_absolute_zero(dataset, {})
    expected = np.where(values <= 0, np.nan, values).astype(read_as)
    assert masked["tas"].dtype == np.dtype(read_as)
    np.testing.assert_array_equal(masked["tas"].values, expected)
    np.testing.assert_array_equal(masked["pr"].values, values)  # no temperature: as it was
    assert masked["tas"].attrs == {"units": "K"}
    assert masked["tas"].encoding[BELOW_ABSOLUTE_ZERO_KEY].zero == 0.0
    assert BELOW_ABSOLUTE_ZERO_KEY not in dataset["tas"].encoding  # the given dataset unchanged
    if stored[0] == "f":
        assert len(masked["tas"].data.dask.layers) == len(data.dask.layers) + 1


def test_an_unmarked_default_fill_of_packed_kelvins_is_read_as_missing(tmp_path, caplog):
    """int16 K packed about 280 K with netCDF's default fill -32767 and no _FillValue: -47.67 K."""
    path = tmp_path / "tas.nc"
    with netCDF4.Dataset(path, "w", format="NETCDF3_64BIT_OFFSET") as nc:
        nc.createDimension("time", 3)
        nc.createDimension("lat", 2)
        nc.createVariable("time", "f8", ("time",))[:] = [15.0, 45.0, 75.0]
        nc["time"].units = "days since 2000-01-01"
        nc.createVariable("lat", "f8", ("lat",))[:] = [-45.0, 45.0]
        nc["lat"].units = "degrees_north"
        tas = nc.createVariable("tas", "i2", ("time", "lat"))
        tas.set_auto_maskandscale(False)
        tas.units, tas.scale_factor, tas.add_offset = "K", np.float32(0.01), np.float32(280.0)
        tas[:] = np.array([[100, -32767], [200, 300], [-32767, 400]], np.int16)
    dataset, said = _opened(caplog, path, ["tas"])
    np.testing.assert_allclose(dataset["tas"].values, [[281.0, np.nan], [282.0, 283.0], [np.nan, 284.0]], rtol=1e-6)
    # the limit as a float, the type of scale_factor: in the data's units (NUG)
    assert [without_guards(line) for line in said] == [
        "'tas' in tas.nc holds -47.67 at 2 of the 6 values checked, at 2 time steps (2000-01-16, "
        "2000-03-16), below absolute zero (0 K), which no "
        "temperature can be, so they are read as missing; to say so in the file: "
        + one_copy("ncatted -a valid_min,tas,o,f,0", path, tmp_path / "absolute_zero_marked")]


def _years(period: str) -> tuple[int, int]:
    """The first and last years of a block's period as metrics.json gives it: ``2000–2007``, ``2009``."""
    years = [int(year) for year in re.findall(r"\d{4}", period)]
    return years[0], years[-1]


def _hand_climatology_mse(values: np.ndarray, periods: dict[str, str], missing: np.ndarray | None = None,
                          ) -> dict[str, tuple[float, int]]:
    """The monthly climatology of the training years scored on each block, area-weighted by
    the cells' areas (sin of the latitude edges, midpoints clipped at the poles, times the
    longitude widths), with ``missing`` missing (by default -1000 and the land fill): by numpy,
    from the written values."""
    sst = np.where(values < -273.15 if missing is None else missing, np.nan, values).astype(np.float64)
    years = np.array([time.year for time in _months()])
    months = np.array([time.month for time in _months()])
    edges = np.clip(np.concatenate([[LAT[0] - 10], (LAT[1:] + LAT[:-1]) / 2, [LAT[-1] + 10]]), -90, 90)
    weights = np.broadcast_to(np.abs(np.diff(np.sin(np.radians(edges))))[:, None] * 30.0, sst.shape[1:])
    first, last = _years(periods["train"])
    train = (years >= first) & (years <= last)
    climatology = {month: np.nanmean(sst[train & (months == month)], axis=0) for month in range(1, 13)}
    scores = {}
    for block, period in periods.items():
        first, last = _years(period)
        chosen = np.flatnonzero((years >= first) & (years <= last))
        errors = np.stack([climatology[months[step]] - sst[step] for step in chosen])
        cells = np.broadcast_to(weights, errors.shape)
        ok = np.isfinite(errors)
        scores[block] = (float((cells[ok] * errors[ok] ** 2).sum() / cells[ok].sum()), int(ok.sum()))
    return scores


@pytest.mark.parametrize("limit_gb", [pytest.param(2.0, id="in-memory"), pytest.param(1e-6, id="streamed")])
def test_a_run_on_hadisst_scores_the_sea_surface_without_the_ice_codes(hadisst, tmp_path, limit_gb):
    """break13 F3: the climatology's test MSE was 0.280975 over 2400 values, -1000 °C included."""
    config = build_config({"model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 256},
                           "evaluation": {"figures": False},
                           "data": {"paths": [str(hadisst)], "target": "sst", "predictors": [],
                                    "in_memory_limit_gb": limit_gb}})
    metrics = run_training(config, run_dir=tmp_path / "run").metrics
    expected = _hand_climatology_mse(_hadisst_values(), metrics["split_periods"])
    for block, (mse, count) in expected.items():
        scored = metrics["splits"][block]["climatology"]
        assert scored["n_samples"] == count
        assert scored["mse"] == pytest.approx(mse, rel=1e-6)
    assert expected["test"][1] == 2092 and expected["test"][0] == pytest.approx(0.291055, abs=1e-6)


def _kelvin_land_zero() -> np.ndarray:
    """The SST in K with land and sea ice stored as 0.0, as ocean output written without a fill value holds land."""
    values = _hadisst_values()
    return np.where(values < -100, np.float32(0.0), values + np.float32(273.15))


def test_land_at_absolute_zero_is_read_as_missing_with_one_warning(tmp_path, caplog):
    """break13 F1: a tos in K with its land at 0.0 was trained on as data, no warning, info 'missing 0%'."""
    values = _kelvin_land_zero()
    path = _write(tmp_path / "tos.nc", values, units="K")
    dataset, said = _opened(caplog, path)
    # by hand: every 0 K missing, the other values as written
    np.testing.assert_array_equal(dataset["sst"].values, np.where(values == 0, np.nan, values))
    count = int((values == 0).sum())
    assert count > 0
    # the _FillValue -1e30 kept: the zeros are marked by a missing_value beside it (a valid_min of 0 keeps 0 valid)
    assert [without_guards(line) for line in said] == [
        f"'sst' in tos.nc holds 0 at {count} of the {values.size} values checked, {_steps_held(values == 0)}, at "
        "absolute zero (0 K), which no measured or modelled temperature can be, so they are read as missing; to say so in the file: "
        + one_copy("ncatted -a missing_value,sst,o,f,-1e+30,0", path, tmp_path / "absolute_zero_marked")]


def test_the_advised_missing_value_masks_the_zeros_without_a_warning(tmp_path, caplog):
    path = _write(tmp_path / "fixed.nc", _kelvin_land_zero(), units="K")
    with netCDF4.Dataset(path, "a") as nc:
        nc["sst"].missing_value = np.array([-1e30, 0.0], "f4")
    dataset, said = _opened(caplog, path)
    assert said == []
    assert int(np.isnan(dataset["sst"].values).sum()) == int((_kelvin_land_zero() == 0).sum())


def test_a_valid_min_at_absolute_zero_keeps_no_zero(tmp_path, caplog):
    """valid_min = 0 K says 0 K is valid; no temperature is: read as missing, with the missing_value that marks it."""
    path = _write(tmp_path / "vmin.nc", _kelvin_land_zero(), units="K", valid_min=np.float32(0.0))
    dataset, said = _opened(caplog, path)
    assert int(np.isnan(dataset["sst"].values).sum()) == int((_kelvin_land_zero() == 0).sum())
    assert len(said) == 1 and without_guards(said[0]).endswith(
        one_copy("ncatted -a missing_value,sst,o,f,-1e+30,0", path, tmp_path / "absolute_zero_marked"))


def test_codes_at_and_below_absolute_zero_get_both_commands(tmp_path, caplog):
    values = _kelvin_land_zero()
    values[:, 0, 0] = -1000.0
    path = _write(tmp_path / "both.nc", values, units="K")
    _, said = _opened(caplog, path)
    assert len(said) == 1 and ", at or below absolute zero (0 K), which no measured or modelled temperature" in said[0]
    assert without_guards(said[0]).endswith(one_copy("ncatted -a valid_min,sst,o,f,0 -a missing_value,sst,o,f,-1e+30,0",
                                                     path, tmp_path / "absolute_zero_marked"))


@pytest.mark.parametrize("attrs", [
    pytest.param({"units": "degC"}, id="degC-zero-is-a-temperature"),
    pytest.param({"units": "K", "cell_methods": "time: standard_deviation"}, id="standard-deviation"),
    pytest.param({"units": "K", "cell_methods": "area: mean time: range"}, id="range"),
    pytest.param({"units": "K", "units_metadata": "temperature: difference"}, id="difference"),
    pytest.param({"units": "K", "flag_values": np.array([0.0, 1.0], "f4"), "flag_meanings": "open frozen"},
                 id="flags-with-the-units-of-their-temperature"),
])
def test_zeros_that_are_no_absolute_zero_are_data(tmp_path, caplog, attrs):
    """0 degC is a sea surface temperature; a standard deviation or range of 0 K is a difference (CF Appendix E)."""
    values = np.where(_hadisst_values() < -100, np.float32(0.0), np.abs(_hadisst_values()))
    path = _write(tmp_path / "zeros.nc", values, **attrs)
    dataset, said = _opened(caplog, path)
    assert said == []
    np.testing.assert_array_equal(dataset["sst"].values, values)


def test_a_run_on_kelvins_with_land_at_zero_scores_the_sea_surface_only(tmp_path):
    """break13 F1 (c15): test climatology MSE 0.244307 over 4608 values with the land's 0 K, 0.282911 without."""
    values = _kelvin_land_zero()
    path = _write(tmp_path / "tos.nc", values, units="K")
    config = build_config({"model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 256},
                           "evaluation": {"figures": False},
                           "data": {"paths": [str(path)], "target": "sst", "predictors": []}})
    metrics = run_training(config, run_dir=tmp_path / "run").metrics
    expected = _hand_climatology_mse(values, metrics["split_periods"], missing=values == 0)
    for block, (mse, count) in expected.items():
        scored = metrics["splits"][block]["climatology"]
        assert scored["n_samples"] == count
        assert scored["mse"] == pytest.approx(mse, rel=1e-6)
    # the same cells as HadISST's codes: the same sea-surface samples, in K
    assert expected["test"][1] == 2092


def test_the_advice_for_a_name_with_spaces_runs_as_printed(tmp_path, caplog):
    """break16 F8: ``-a valid_min,sea surface temperature,…`` is four shell words (ncatted: "received 4 input
    filenames"); the name is quoted inside the one word of ``-a``, and the printed command, run by a shell, fixes
    the file."""
    values = _hadisst_values()[:12]
    path = _write(tmp_path / "spaced.nc", values)
    with netCDF4.Dataset(path, "a") as nc:
        nc.renameVariable("sst", "sea surface temperature")
    _, said = _opened(caplog, path, names=("sea surface temperature",))
    copy = tmp_path / "absolute_zero_marked" / "spaced.nc"
    ncatted = "ncatted -a valid_min,'sea surface temperature',o,f,-273.15"
    assert len(said) == 1 and without_guards(said[0]).endswith(
        f"to say so in the file: {one_copy(ncatted, path, copy.parent)}")
    command = re.search(rf"to say so in the file: ({GUARD}mkdir -p .*? {copy}) \(its copy", said[0]).group(1)
    assert shlex.split(command.split(" && ncatted ")[1])[0:2] == ["-a", "valid_min,sea surface temperature,o,f,-273.15"]
    if shutil.which("ncatted") is None:
        return
    subprocess.run(command, shell=True, check=True, capture_output=True)
    dataset, said = _opened(caplog, copy, names=("sea surface temperature",))
    assert said == []
    assert int(np.isnan(dataset["sea surface temperature"].values).sum()) == int((values < -273.15).sum())


def test_the_advice_on_a_renamed_variable_names_it_as_its_file_holds_it(hadisst, caplog):
    """break28b A3: ``--rename 'hadisst*:sst=tos'``: a command on hadisst.nc naming ``tos``
    cannot change the file, which holds ``sst``."""
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([hadisst], rename={"hadisst*": {"sst": "tos"}})
        warn_below_absolute_zero(dataset, ["tos"])
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 1 and said[0].startswith("'tos' in hadisst.nc holds -1000 ")
    assert f"mkdir -p {hadisst.parent / 'absolute_zero_marked'} && ncatted -a valid_min,sst,o,f,-273.15 {hadisst} " in said[0]


@pytest.mark.parametrize(("units", "code", "said"), [
    pytest.param("degC", -1000.0, "valid_min", id="below-HadISST-sea-ice"),
    pytest.param("K", 0.0, "missing_value", id="at-zero-land"),
])
def test_the_advice_for_a_zarr_store_run_as_printed_makes_its_codes_missing_by_its_attributes(
        tmp_path, caplog, monkeypatch, units, code, said):
    """fix31a: the absolute-zero warning on a Zarr store gives zarr-python's edit of the store (ncatted does not
    edit one); run as printed, the store says which values are no temperatures (valid_min below, missing_value at
    absolute zero), climann reads them as missing with no warning, and every other value as it was."""

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    degrees = np.array([[[14.5, np.nan], [np.nan, 2.0]], [[15.5, 1.0], [np.nan, 3.0]]])  # NaN: the code's places
    values = np.where(np.isnan(degrees), code, degrees + (273.15 if units == "K" else 0.0)).astype("f4")
    time = xr.Variable("time", [0.0, 31.0], {"units": "days since 2000-01-01"})
    xr.Dataset({"sst": (("time", "lat", "lon"), values, {"units": units, "standard_name": "sea_surface_temperature"})},
               coords={"time": time, "lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0], {"units": "degrees_east"})}).to_zarr("sst.zarr")
    _, messages = _opened(caplog, tmp_path / "sst.zarr")
    (warning,) = messages
    command = re.search(r'python -c "[^"]+"', warning).group(0)
    assert "ncatted" not in warning and f"['{said}']" in command
    run_python("-c", shlex.split(command)[2], check=True, cwd=tmp_path)
    dataset, messages = _opened(caplog, tmp_path / "sst.zarr")
    assert messages == []
    np.testing.assert_array_equal(dataset["sst"].values, np.where(values == code, np.nan, values))


def test_minus_inf_in_a_temperature_is_an_infinite_value_not_below_absolute_zero(tmp_path, caplog):
    """fix37c: a -inf in a temperature (an SPEI-like failed fit, a division by zero) was warned of as a
    value "below absolute zero" and left out of info's count of infinite values, where its +inf was
    counted; five HadISST-like codes beside it made six "different values" and a refusal."""
    values = _hadisst_values()
    values[values == -1000] = -1.8
    values[3, 2, 4] = values[7, 3, 5] = -np.inf
    values[9, 2, 4] = np.inf
    values[0, 0, :5] = [-1000, -999, -998, -997, -996]  # five codes: the most read as codes
    path = _write(tmp_path / "sst_inf.nc", values)
    dataset, said = _opened(caplog, path)
    codes = values[0, 0, :5]
    assert len(said) == 1 and said[0].startswith(
        f"'sst' in sst_inf.nc holds {' and '.join(f'{code:g}' for code in codes)} at 5 of the {values.size} values")
    assert "-inf" not in said[0]
    read = dataset["sst"].values
    assert np.isneginf(read).sum() == 2 and np.isposinf(read).sum() == 1  # left to be counted as infinite values
    report = unwrapped_report(describe([str(path)]))
    assert f"sst holds 2 -inf and 1 +inf ({100 * 3 / values.size:.3g} % of its {values.size} values), counted as " \
           "missing" in report


def test_info_says_why_a_temperature_below_absolute_zero_is_missing(tmp_path):
    """break38a B4: WRF's T (perturbation potential temperature, K, theta - 300 K: negative half the time) was
    listed "50.1 % missing" with no word why, while train refused it. Now info says why under the table, in the
    words of train's rule: many different values below 0 K (counted here by hand), and the units_metadata line."""
    values = np.random.default_rng(38).normal(0.0, 1.0, (24, LAT.size, LON.size)).astype("f4")
    path = _write(tmp_path / "wrfout_T.nc", values, units="K")
    below = int((values <= 0).sum())
    report = describe(str(path))
    assert f"{100 * below / values.size:.3g}%" in report
    flat = " ".join(line.strip("# ").strip() for line in report.splitlines())
    assert (f"sst: 'sst' in wrfout_T.nc holds {len(np.unique(values[values <= 0]))} different values below absolute "
            f"zero (0 K)") in flat
    assert f"at {below} of the {values.size} values checked: not a few codes" in flat
    assert "ncatted -a units_metadata,sst,o,c,'temperature: difference'" in flat


def test_a_ghrsst_sses_bias_at_or_below_0_k_is_data_not_missing(tmp_path):
    """GHRSST L3C's sses_bias (GDS 2.0: packed byte, 0.01 kelvin, a bias to subtract from the SST): its values at
    and below 0 K are biases, not codes below absolute zero (break39b B5: info showed it 69 % missing, truly the 4 %
    of land). Only the land's _FillValue is missing."""
    rng = np.random.default_rng(3)
    bias = rng.normal(-0.2, 0.4, (4, LAT.size, LON.size)).round(2)
    land = np.zeros(bias.shape, bool)
    land[:, 4, :2] = True
    path = tmp_path / "ghrsst_l3c.nc"
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", None), ("lat", LAT.size), ("lon", LON.size)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "i4", ("time",))
        time.units, time.standard_name = "seconds since 1981-01-01 00:00:00", "time"
        time[:] = 1072958400 + 86400 * np.arange(4)
        for name, axis, units_of in (("lat", LAT, "degrees_north"), ("lon", LON, "degrees_east")):
            variable = nc.createVariable(name, "f4", (name,))
            variable.units, variable[:] = units_of, axis
        stored = nc.createVariable("sses_bias", "i1", ("time", "lat", "lon"), fill_value=np.int8(-128))
        stored.long_name, stored.units = "SSES bias error based on proximity confidence flags", "kelvin"
        stored.scale_factor, stored.add_offset = np.float32(0.01), np.float32(0.0)
        stored.valid_min, stored.valid_max = np.int8(-127), np.int8(127)
        stored[:] = np.ma.masked_array(bias.clip(-1.27, 1.27), mask=land)
    read = open_dataset([path])["sses_bias"].values
    assert np.isnan(read).sum() == land.sum()
    assert (read[~land] <= 0).sum() == (bias[~land] <= 0.0).sum() > bias.size // 2


def test_celsius_values_under_kelvin_units_beside_celsius_Units_are_refused_with_the_units_command(tmp_path, caplog):
    """fix47e: an SST in degC (no codes: HadISST's values without them) written with CF units "K" and an HDF-EOS
    ``Units`` "degC": read in K, its values below 0 K are refused as no temperature; the refusal says they lie above
    absolute zero in the Units (the lowest by numpy, -273.15 by hand) and gives the ncatted that reads them so; the
    copy it writes opens with every value kept, in degC, and nothing said."""
    values = _hadisst_values()
    values = np.where(values < -100, 4.0, values)  # no codes: plain sea temperatures in degC
    path = _write(tmp_path / "sst.nc", values, units="K", Units="degC")
    forget_notes()
    with pytest.raises(ClimannError) as refused:
        warn_below_absolute_zero(open_dataset([path]), ["sst"])
    said = str(refused.value)
    lowest = float(values.min())
    assert "or they are temperatures in its Units 'degC' " in said
    assert f"where the lowest, {lowest:g} degC, lies above absolute zero (-273.15 degC): " in said
    copy = tmp_path / "units_fixed" / "sst.nc"
    assert without_guards(said.split("(-273.15 degC): ")[1]) == one_copy(
        "ncatted -a units,sst,o,c,degC -a Units,sst,d,,", path, copy.parent)
    command = said.split("(-273.15 degC): ")[1].split(" (its copy in a new folder)")[0]
    if shutil.which("ncatted") is None:
        return
    subprocess.run(command, shell=True, check=True, capture_output=True)
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        fixed = open_dataset([copy])
        warn_below_absolute_zero(fixed, ["sst"])
    assert caplog.records == [] and fixed["sst"].attrs["units"] == "degC"
    np.testing.assert_array_equal(fixed["sst"].values, values)
