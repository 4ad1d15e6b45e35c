"""ERA5 (expver 1) and ERA5T (expver 5) in one file are one series (climann.data.experiment_versions)."""

import logging

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.experiment_versions import with_experiment_versions_combined
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError

N_TIME, N_FINAL = 24, 18  # ERA5 final for the first 18 months, ERA5T for the last 6
LAT, LON = np.array([60.0, 0.0, -60.0]), np.array([0.0, 120.0, 240.0])
FILL = np.float32(-32767)


def _truth() -> np.ndarray:
    return (250 + np.arange(N_TIME * LAT.size * LON.size, dtype=np.float32).reshape(N_TIME, LAT.size, LON.size) / 10)


def write_old_cds_file(path, *, versions=(1, 5), in_both=False):
    """t2m(time, expver, latitude, longitude) as the CDS wrote it before September 2024: each
    month in one version, _FillValue in the other; ``in_both``: every month in both, the second
    version 10 K warmer."""
    truth = _truth()
    with netCDF4.Dataset(path, "w") as handle:
        handle.createDimension("time", None)
        handle.createDimension("expver", len(versions))
        handle.createDimension("latitude", LAT.size)
        handle.createDimension("longitude", LON.size)
        handle.createVariable("latitude", "f4", ("latitude",), fill_value=False)[:] = LAT
        handle["latitude"].units = "degrees_north"
        handle.createVariable("longitude", "f4", ("longitude",), fill_value=False)[:] = LON
        handle["longitude"].units = "degrees_east"
        handle.createVariable("expver", "i4", ("expver",), fill_value=False)[:] = np.array(versions)
        time = handle.createVariable("time", "i4", ("time",), fill_value=False)
        time.units, time.calendar = "hours since 1900-01-01 00:00:00.0", "gregorian"
        starts = pd.date_range("2016-01-01", periods=N_TIME, freq="MS")
        time[:] = ((starts - pd.Timestamp("1900-01-01")) // pd.Timedelta(hours=1)).to_numpy()
        t2m = handle.createVariable("t2m", "f4", ("time", "expver", "latitude", "longitude"), fill_value=FILL)
        t2m.units = "K"
        values = np.full((N_TIME, len(versions), LAT.size, LON.size), FILL)
        final, preliminary = versions.index(min(versions)), versions.index(max(versions))
        values[:N_FINAL, final] = truth[:N_FINAL]
        values[N_FINAL:, preliminary] = truth[N_FINAL:]
        if in_both:
            values[:, final], values[:, preliminary] = truth, truth + 10
        t2m[:] = values
    return path


def test_each_value_comes_from_the_first_version_by_number_that_holds_it():
    """Versions stored 5 before 1: where both hold a value, ERA5's (1) is taken."""
    rng = np.random.default_rng(0)
    final, preliminary = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    final[2:] = np.nan  # the last two steps only in ERA5T
    preliminary[0] = np.nan  # the first step only in ERA5; step 1 in both
    dataset = xr.Dataset(
        {"t2m": (("time", "expver", "x"), np.stack([preliminary, final], axis=1), {"units": "K"})},
        coords={"time": pd.date_range("2020-01-01", periods=4, freq="MS"), "expver": ["0005", "0001"]},
    )
    combined = with_experiment_versions_combined(dataset, "f.nc")
    np.testing.assert_array_equal(combined["t2m"].values, np.where(np.isnan(final), preliminary, final))
    assert combined["t2m"].dims == ("time", "x") and "expver" not in combined.dims
    assert combined["t2m"].attrs == {"units": "K"}


def test_a_dataset_without_the_dimension_is_returned_as_it_is():
    """The new CDS writes expver as a variable along valid_time: one version per step."""
    dataset = xr.Dataset({"t2m": (("time",), np.arange(3.0))},
                         coords={"time": pd.date_range("2020-01-01", periods=3, freq="MS"),
                                 "expver": ("time", ["0001", "0001", "0005"])})
    assert with_experiment_versions_combined(dataset) is dataset


@pytest.mark.parametrize("versions", [(1, 5), (5, 1)])
def test_an_era5_and_era5t_file_opens_as_the_whole_series(tmp_path, caplog, versions):
    """Selecting one version (what `info` advised before) lost the 6 ERA5T months."""
    forget_notes()
    with caplog.at_level(logging.WARNING):
        dataset = open_dataset([write_old_cds_file(tmp_path / "era5.nc", versions=versions)])
    assert "expver" not in dataset.dims
    np.testing.assert_array_equal(dataset["t2m"].transpose("time", "latitude", "longitude").values, _truth())
    assert "combined into one series" in caplog.text


def test_selecting_a_version_says_the_versions_are_combined(tmp_path):
    dataset = open_dataset([write_old_cds_file(tmp_path / "era5.nc")])
    with pytest.raises(ClimannError, match="combined into one series .*--time-range"):
        select_values(dataset, {"expver": 1})


def _combined_warning(caplog, path):
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        dataset = open_dataset([path])
    [said] = [record.getMessage() for record in caplog.records if "experiment versions" in record.getMessage()]
    return dataset, said


def test_the_warning_counts_the_steps_each_version_supplied(tmp_path, caplog):
    _, said = _combined_warning(caplog, write_old_cds_file(tmp_path / "era5.nc"))
    assert said.endswith("(ECMWF's advice); of t2m's 24 time steps expver 1 supplied 18, expver 5 supplied 6")


def test_a_version_that_supplies_nothing_is_named(tmp_path, caplog):
    """recheck10 F7: both versions held every month; expver 5 was silently unused."""
    dataset, said = _combined_warning(caplog, write_old_cds_file(tmp_path / "both.nc", in_both=True))
    np.testing.assert_array_equal(dataset["t2m"].transpose("time", "latitude", "longitude").values, _truth())
    assert said.endswith("of t2m's 24 time steps expver 1 supplied 24, expver 5 supplied none (24 held by both "
                         "versions, each taken from the first of them); expver 5 is not used")


def test_versions_other_than_era5s_are_not_called_era5(tmp_path, caplog):
    _, said = _combined_warning(caplog, write_old_cds_file(tmp_path / "v12.nc", versions=(1, 2)))
    assert "ERA5T 5" not in said.split("(ECMWF's rule")[0]
    assert "(expver 1, 2): combined into one series" in said
    assert "(ECMWF's rule for ERA5's 1 and ERA5T's 5, which these are not: check that it suits them)" in said


def test_the_steps_are_counted_once_per_run(tmp_path, caplog, monkeypatch):
    import climann.data.experiment_versions as versions

    calls = []
    counting = versions.supplied_steps
    monkeypatch.setattr(versions, "supplied_steps", lambda *args: calls.append(args) or counting(*args))
    path = write_old_cds_file(tmp_path / "era5.nc")
    forget_notes()
    for _ in range(3):  # a run opens its files several times
        open_dataset([path])
    assert len(calls) == 1


def _write_new_cds_file(path, labels):
    """t2m(valid_time, latitude, longitude) as the new CDS writes it: expver a label of each step ("0001", "0005")."""
    starts = pd.date_range("2016-01-01", periods=N_TIME, freq="MS")
    seconds = ((starts - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)).to_numpy()
    xr.Dataset({"t2m": (("valid_time", "latitude", "longitude"), _truth(), {"units": "K"})},
               coords={"valid_time": ("valid_time", seconds, {"standard_name": "time",
                                                             "units": "seconds since 1970-01-01"}),
                       "latitude": ("latitude", LAT, {"units": "degrees_north"}),
                       "longitude": ("longitude", LON, {"units": "degrees_east"}),
                       "number": 0, "expver": ("valid_time", np.array(labels, dtype=object))}
               ).to_netcdf(path)
    return path, starts


@pytest.mark.parametrize(("labels", "expected"), [
    pytest.param(["0001"] * N_FINAL + ["0005"] * (N_TIME - N_FINAL),
                 "new.nc: 6 of its 24 time steps are ERA5T (expver 0005, from {0} to {1}): ECMWF's preliminary data",
                 id="era5t-months-at-the-end"),
    pytest.param(["0001"] * (N_TIME - 1) + ["0005"], "new.nc: 1 of its 24 time steps is ERA5T (expver 0005, {1}): ",
                 id="one-era5t-month"),
    pytest.param(["0001"] * N_TIME, None, id="all-final"),
])
def test_the_era5t_steps_of_a_new_cds_file_are_counted_in_a_warning(tmp_path, caplog, labels, expected):
    """break56c A4: the old layout's ERA5T months were counted in a warning, the new CDS's (expver "0005" along
    valid_time) went untold. The count and the dates are those of the labels counted here; the values are read as they
    are (one series either way)."""
    path, starts = _write_new_cds_file(tmp_path / "new.nc", labels)
    forget_notes()
    with caplog.at_level(logging.WARNING):
        dataset = open_dataset([path])
    np.testing.assert_array_equal(dataset["t2m"].transpose(..., "latitude", "longitude").values, _truth())
    said = [record.getMessage() for record in caplog.records if "expver" in record.getMessage()]
    if expected is None:
        assert said == []
        return
    preliminary = np.flatnonzero(np.array(labels) != "0001")
    first, last = (starts[preliminary[index]].strftime("%Y-%m-%d") for index in (0, -1))
    (warning,) = said
    assert warning.startswith(expected.format(first, last)), warning
    assert f"{preliminary.size} of its {len(labels)} time steps {'is' if preliminary.size == 1 else 'are'}" in warning
