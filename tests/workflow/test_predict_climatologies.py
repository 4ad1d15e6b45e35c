"""`climann predict` and `evaluate --data` on a climatology (CF §7.4): a time-slice experiment
(PMIP4's LGM) or a scenario's monthly climatology, 12 months' means over years (break35a A2)."""

import logging
import shlex

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.sample_data import write_sample_dataset
from climann.evaluation import baselines
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.workflow.predict import evaluate_run, predict_files
from tests.fresh_python import bare_python, run_python

TIME = xr.coders.CFDatetimeCoder(use_cftime=True)
YEARS = 4
CLIMATOLOGY_METHODS = "area: time: mean within years time: mean over years"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("climatologies")
    sample = write_sample_dataset(folder / "sample.nc", years=YEARS, resolution=15.0, seed=5)
    config = build_config({"data": {"paths": [str(sample)]}, "model": {"hidden": [8]}, "training": {"epochs": 2},
                           "evaluation": {"figures": False}})
    run = run_training(config, run_dir=folder / "run")
    return folder, sample, run.run_dir


def _monthly_means(sample) -> xr.Dataset:
    """The sample's mean of each calendar month over its years (computed here, by reshaping), on
    the first year's 12 mid-month stamps, static fields kept; time bounds left out."""
    with xr.open_dataset(sample, decode_times=TIME) as opened:
        dataset = opened.load()
    dataset = dataset.drop_vars("time_bnds")
    first_year = dataset["time"].values[:12]
    means = {}
    for name, variable in dataset.data_vars.items():
        if "time" not in variable.dims:
            means[name] = variable
            continue
        values = variable.values.astype(np.float64).reshape(YEARS, 12, *variable.shape[1:]).mean(axis=0)
        means[name] = xr.Variable(variable.dims, values.astype(variable.dtype), dict(variable.attrs),
                                  {"_FillValue": variable.encoding.get("_FillValue")})
    time = xr.Variable(("time",), first_year, {k: v for k, v in dataset["time"].attrs.items() if k != "bounds"},
                       {"units": "days since 1980-01-01", "calendar": "noleap", "dtype": "float64"})
    coords = {name: coordinate for name, coordinate in dataset.coords.items() if name != "time"}
    return xr.Dataset(means, coords={**coords, "time": time}, attrs=dataset.attrs)


def _as_climatology(means: xr.Dataset, mark: str) -> xr.Dataset:
    """``means`` marked as CF §7.4 marks a climatology over the sample's years (``cdo ymonmean``'s
    way: the time axis's ``climatology`` attribute with its bounds and the variables'
    ``cell_methods``), or by ``cell_methods`` alone (PMIP4's Aclim)."""
    marked = means.copy()
    for name, variable in marked.data_vars.items():
        if "time" in variable.dims:
            marked[name].attrs["cell_methods"] = CLIMATOLOGY_METHODS
    if mark == "attribute":
        starts = [cftime.DatetimeNoLeap(1980, month, 1) for month in range(1, 13)]
        ends = [cftime.DatetimeNoLeap(1980 + YEARS - 1 + (month == 12), month % 12 + 1, 1) for month in range(1, 13)]
        bounds = np.stack([cftime.date2num(starts, "days since 1980-01-01", "noleap"),
                           cftime.date2num(ends, "days since 1980-01-01", "noleap")], axis=1)
        marked["climatology_bnds"] = xr.Variable(("time", "bnds"), bounds)
        marked["time"].attrs["climatology"] = "climatology_bnds"
    return marked


@pytest.fixture(scope="module", params=[pytest.param("attribute", id="climatology-attribute"),
                                        pytest.param("cell_methods", id="cell-methods-alone")])
def climatology(request, trained):
    """A climatology file of the sample's monthly means and the same values as a plain monthly
    series (one year, as the run was trained on)."""
    folder, sample, _ = trained
    means = _monthly_means(sample)
    series, marked = folder / f"series_{request.param}.nc", folder / f"climatology_{request.param}.nc"
    means.to_netcdf(series)
    _as_climatology(means, request.param).to_netcdf(marked)
    return marked, series


def test_predict_on_a_climatology_equals_predict_on_its_values_as_a_series(trained, climatology, tmp_path, caplog):
    """Each climatological month is predicted as that month of a series holding the same values:
    the network's output on the file's values, dated by its stamps; one warning says the file is
    a climatology and what its steps are, and its cell_methods (a mean over years of monthly means)
    are those the model learnt from (no warning of another quantity)."""
    _, _, run_dir = trained
    marked, series = climatology
    with caplog.at_level(logging.WARNING, logger="climann"):
        from_climatology = predict_files(run_dir, [str(marked)], tmp_path / "climatology_pred.nc")
    said = [record.getMessage() for record in caplog.records]
    assert sum(f"{marked.name}: " in line and "it is read as its steps are: 12 steps, each month's mean over the "
               "years" in line for line in said) == 1
    assert not [line for line in said if "another quantity" in line], said
    from_series = predict_files(run_dir, [str(series)], tmp_path / "series_pred.nc")
    with (xr.open_dataset(from_climatology.path, decode_times=TIME) as predicted,
          xr.open_dataset(from_series.path, decode_times=TIME) as expected):
        assert np.isfinite(predicted["tas_pred"].values).sum() > 0
        np.testing.assert_array_equal(predicted["tas_pred"].values, expected["tas_pred"].values)
        assert [date.month for date in predicted["time"].values] == list(range(1, 13))
        for reference in ("bounds", "climatology"):  # CF: no attribute names a variable the file lacks
            named = predicted["time"].attrs.get(reference, predicted["time"].encoding.get(reference))
            assert named is None or named in predicted.variables, (reference, named)
        assert predicted["tas_pred"].attrs["cell_methods"] == CLIMATOLOGY_METHODS
    assert from_climatology.scores["mse"] == pytest.approx(from_series.scores["mse"], rel=1e-12)


def _area_weighted_mse(predicted: np.ndarray, truth: np.ndarray, lat_bounds: np.ndarray) -> float:
    """Σ w (ŷ − y)² / Σ w over the values both hold, w the cell's area on a regular grid:
    ∝ sin(north edge) − sin(south edge)."""
    band = np.abs(np.diff(np.sin(np.deg2rad(lat_bounds)), axis=1))[:, 0]
    weights = np.broadcast_to(band[None, :, None], truth.shape)
    both = np.isfinite(predicted) & np.isfinite(truth)
    return float(np.sum(weights[both] * (predicted[both] - truth[both]) ** 2) / np.sum(weights[both]))


def test_evaluate_on_a_climatology_scores_the_model_and_leaves_persistence_out(trained, climatology, tmp_path):
    """evaluate --data scores the network against the file's own climatological means (the
    area-weighted MSE computed here from its predictions); persistence, the month before's mean
    over years, is no value of the same series one step earlier: left out, with the reason."""
    folder, sample, run_dir = trained
    marked, _ = climatology
    metrics = evaluate_run(run_dir, [str(marked)], tmp_path / "scores")
    assert set(metrics["splits"]["all"]) == {"model"}
    assert [note["reason"] for note in metrics["notes"] if note["model"] == "persistence"] == [baselines.CLIMATOLOGY_REASON]
    with (xr.open_dataset(tmp_path / "scores" / "predictions.nc", decode_times=TIME) as scored,
          xr.open_dataset(sample) as original):
        expected = _area_weighted_mse(scored["tas_pred"].values.astype(np.float64),
                                      scored["tas"].values.astype(np.float64), original["lat_bnds"].values)
        np.testing.assert_allclose(scored["tas"].values, xr.open_dataset(marked)["tas"].values, rtol=1e-6)
    assert metrics["splits"]["all"]["model"]["mse"] == pytest.approx(expected, rel=1e-5)


def test_predictions_of_a_climatology_keep_its_climatology_bounds(trained, tmp_path):
    """fix36d: predictions.nc of a climatology (CF §7.4) dropped its time axis's ``climatology``
    attribute and bounds: the output was no climatology any more. Kept, the bounds are the
    input's dates (the first and last year of each month's mean), and no ``bounds`` beside them."""
    folder, sample, run_dir = trained
    marked = folder / "climatology_kept.nc"
    _as_climatology(_monthly_means(sample), "attribute").to_netcdf(marked)
    predicted_path = predict_files(run_dir, [str(marked)], tmp_path / "pred.nc").path
    with netCDF4.Dataset(marked) as given, netCDF4.Dataset(predicted_path) as written:
        time = written["time"]
        assert time.getncattr("climatology") == "climatology_bnds" and "bounds" not in time.ncattrs()
        kept = written["climatology_bnds"]
        assert kept.dimensions[0] == "time" and kept.shape == (12, 2)
        expected = cftime.num2date(given["climatology_bnds"][:], given["time"].units, "noleap")
        np.testing.assert_array_equal(cftime.num2date(kept[:], time.units, time.calendar), expected)
        assert expected[0, 0] == cftime.DatetimeNoLeap(1980, 1, 1)
        assert expected[11, 1] == cftime.DatetimeNoLeap(1980 + YEARS, 1, 1)


def test_a_climatology_on_months_without_units_gets_a_line_that_dates_it_for_predict(trained, tmp_path, monkeypatch):
    """fix36d: a time axis ``month(month)`` 1 … 12 without units (LIS/OTD's) was refused with no
    way out. The line printed, the years filled in, writes the months as a CF §7.4 climatology
    that predict reads: its predictions are those of the same values as a plain series on the
    same dates, and predictions.nc keeps the climatology bounds of the years given."""
    from climann.errors import ClimannError

    folder, sample, run_dir = trained
    monkeypatch.chdir(tmp_path)
    means = _monthly_means(sample)
    months = means.rename({"time": "month"}).assign_coords(month=("month", np.arange(1, 13, dtype="i4"),
                                                                  {"long_name": "Month"}))
    months.to_netcdf(tmp_path / "lis.nc")
    with pytest.raises(ClimannError) as refused:
        predict_files(run_dir, ["lis.nc"], tmp_path / "refused.nc")
    message = str(refused.value)
    assert message.startswith("time coordinate 'month' in lis.nc could not be read as dates: it has no units")
    assert "\n" not in message and not (tmp_path / "refused.nc").exists()
    line = bare_python(message).split("e.g. ", 1)[1].split(", and give lis_dated.nc to climann predict or evaluate --data")[0]
    words = shlex.split(line.replace("FIRST, LAST", "1980, 1983"))
    assert words[:2] == ["python", "-c"]
    run_python("-c", words[2], check=True, cwd=tmp_path)
    from_climatology = predict_files(run_dir, ["lis_dated.nc"], tmp_path / "climatology_pred.nc")
    # the same values as a series on the dates the line gave: the 15th of each month of 1980
    dates = [cftime.DatetimeGregorian(1980, month, 15) for month in range(1, 13)]
    series = means.assign_coords(time=("time", cftime.date2num(dates, "days since 1980-01-01", "standard"),
                                       {"units": "days since 1980-01-01", "calendar": "standard"}))
    series.to_netcdf(tmp_path / "series.nc")
    from_series = predict_files(run_dir, ["series.nc"], tmp_path / "series_pred.nc")
    with (xr.open_dataset(from_climatology.path, decode_times=TIME) as predicted,
          xr.open_dataset(from_series.path, decode_times=TIME) as expected):
        np.testing.assert_array_equal(predicted["time"].values, dates)
        assert np.isfinite(predicted["tas_pred"].values).sum() > 0
        np.testing.assert_array_equal(predicted["tas_pred"].values, expected["tas_pred"].values)
        assert predicted["time"].attrs["climatology"] == "climatology_bnds"
        bounds = predicted["climatology_bnds"].values
        assert bounds[0, 0] == cftime.DatetimeGregorian(1980, 1, 1)
        assert bounds[11, 1] == cftime.DatetimeGregorian(1984, 1, 1)


#: The meteorological seasons of a seasonal climatology, by their months.
SEASONS = {"DJF": (12, 1, 2), "MAM": (3, 4, 5), "JJA": (6, 7, 8), "SON": (9, 10, 11)}


def _seasonal_climatology(sample, mark: str) -> xr.Dataset:
    """The sample's DJF, MAM, JJA and SON means over its years (4 steps stamped 16 January, April,
    July, October), marked a climatology by its bounds (DJF from 1 December 1979 to 1 March of the
    last year, CF §7.4) and cell_methods, or by cell_methods alone."""
    with xr.open_dataset(sample, decode_times=TIME) as opened:
        dataset = opened.load().drop_vars("time_bnds")
    months = np.array([date.month for date in dataset["time"].values])
    means = {}
    for name, variable in dataset.data_vars.items():
        if "time" not in variable.dims:
            means[name] = variable
            continue
        values = np.stack([variable.values[np.isin(months, chosen)].astype(np.float64).mean(axis=0)
                           for chosen in SEASONS.values()])
        means[name] = xr.Variable(variable.dims, values.astype(variable.dtype),
                                  {**variable.attrs, "cell_methods": CLIMATOLOGY_METHODS},
                                  {"_FillValue": variable.encoding.get("_FillValue")})
    units = "days since 1980-01-01"
    stamps = [cftime.DatetimeNoLeap(1980, month, 16) for month in (1, 4, 7, 10)]
    attrs = {"standard_name": "time", "units": units, "calendar": "noleap"}
    coords = {name: coordinate for name, coordinate in dataset.coords.items() if name != "time"}
    marked = xr.Dataset(means, coords={**coords, "time": ("time", cftime.date2num(stamps, units, "noleap"), attrs)},
                        attrs=dataset.attrs)
    if mark == "attribute":
        starts = [cftime.DatetimeNoLeap(1979, 12, 1)] + [cftime.DatetimeNoLeap(1980, month, 1) for month in (3, 6, 9)]
        ends = [cftime.DatetimeNoLeap(1980 + YEARS - 1, month, 1) for month in (3, 6, 9, 12)]
        marked["climatology_bnds"] = (("time", "bnds"), np.stack([cftime.date2num(starts, units, "noleap"),
                                                                  cftime.date2num(ends, units, "noleap")], axis=1))
        marked["time"].attrs["climatology"] = "climatology_bnds"
    return marked


@pytest.mark.parametrize("mark", [pytest.param("attribute", id="climatology-bounds"),
                                  pytest.param("cell_methods", id="cell-methods-alone")])
def test_a_seasonal_climatology_is_said_to_be_seasons_not_monthly_values_of_a_subset(trained, tmp_path, caplog, mark):
    """fix36b: predict on a seasonal climatology (DJF, MAM, JJA, SON) of a monthly run warned
    that its times were "3 months apart without time bounds … taken as monthly": its steps are
    the periods of its cell_methods, 3-month means, and the run was trained on monthly data."""
    folder, sample, run_dir = trained
    path = folder / f"seasonal_{mark}.nc"
    _seasonal_climatology(sample, mark).to_netcdf(path)
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(run_dir, [str(path)], tmp_path / "seasonal_pred.nc")
    said = [record.getMessage() for record in caplog.records]
    assert not [line for line in said if "taken as monthly" in line or "apart without time bounds" in line], said
    assert sum("it is read as its steps are: 4 steps, each season's mean over the years" in line
               for line in said) == 1
    assert [line for line in said if line.startswith("the run was trained on monthly data and")] == [
        f"the run was trained on monthly data and {path.name} is seasonal (every 3 months): the model is given "
        "seasonal (every 3 months) values as if they were monthly; give a monthly climatology, or retrain the run on "
        "seasonal (every 3 months) data"]
