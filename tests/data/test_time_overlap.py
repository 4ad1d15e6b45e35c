"""Files that overlap in time and times repeated in a file: refused, or resolved lazily."""

import cftime
import dask
import numpy as np
import pytest
import xarray as xr

from climann.data.open import expand_paths, open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset


def _period(first_year, n_years, seed):
    """``grid_dataset`` moved to start in January of ``first_year`` (mid-month dates)."""
    dataset = grid_dataset(n_years=n_years, seed=seed)[["tas", "pred"]]
    times = [cftime.datetime(first_year + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(12 * n_years)]
    return dataset.assign_coords(time=("time", times, dataset["time"].attrs))


@pytest.fixture
def overlapping(tmp_path):
    """hist 2000–2003 and ssp 2003–2006: both hold the 12 months of 2003, with different values."""
    hist, ssp = _period(2000, 4, seed=1), _period(2003, 4, seed=2)
    hist.to_netcdf(tmp_path / "tas_hist_200001-200312.nc")
    ssp.to_netcdf(tmp_path / "tas_ssp_200301-200612.nc")
    return expand_paths([tmp_path]), hist, ssp


def test_overlapping_files_are_named_with_the_dates_they_share(overlapping):
    files, _, _ = overlapping
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    assert "\n" not in message
    assert "tas_hist_200001-200312.nc and tas_ssp_200301-200612.nc overlap in time" in message
    assert "2003-01-15 … 2003-12-15, 12 time steps in both" in message
    assert 'overlap = "first" or "last"' in message and "--overlap" in message


@pytest.mark.parametrize(("overlap", "kept"), [pytest.param("first", 1, id="first"), pytest.param("last", 2, id="last")])
def test_first_or_last_keeps_that_files_values(overlapping, overlap, kept):
    files, hist, ssp = overlapping
    combined = open_dataset(files, overlap=overlap)
    times = combined["time"].values
    assert len(times) == 12 * 7 and len(set(times)) == len(times) and all(np.diff(times).astype(bool))
    year_2003 = combined["tas"].sel(time=[t for t in times if t.year == 2003]).values
    expected = (hist if kept == 1 else ssp)["tas"].sel(time=[t for t in hist["time"].values if t.year == 2003]
                                                       if kept == 1 else ssp["time"].values[:12]).values
    np.testing.assert_array_equal(year_2003, expected)
    # outside the overlap each file's own values
    np.testing.assert_array_equal(combined["tas"].values[:36], hist["tas"].values[:36])
    np.testing.assert_array_equal(combined["tas"].values[-36:], ssp["tas"].values[-36:])


def test_overlaps_are_resolved_without_reading_data(overlapping):
    files, _, _ = overlapping

    def refuse(*args, **kwargs):
        raise AssertionError("data were computed while opening the files")

    with dask.config.set(scheduler=refuse):
        combined = open_dataset(files, overlap="last")
    assert isinstance(combined["tas"].data, dask.array.Array)


@pytest.mark.parametrize("overlap", ["first", "error"])
def test_each_file_is_opened_once_for_its_times_and_its_values(overlapping, overlap, monkeypatch):
    """The calendar and overlap plans read the times of the datasets that are then combined:
    each file is opened (and its time decoded) once, and the values equal a fresh opening's."""
    import climann.data.open as opening

    files, _, _ = overlapping
    files = files[:1] if overlap == "error" else files  # one file, or two with an overlap to resolve
    opened = []
    open_one = opening._open_one
    monkeypatch.setattr(opening, "_open_one", lambda path, coder, *rest: opened.append(path.name) or open_one(path, coder, *rest))
    combined = open_dataset(files, overlap=overlap)
    assert sorted(opened) == sorted(path.name for path in files)
    fresh = [xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))["tas"] for path in files]
    expected = fresh[0] if len(fresh) == 1 else xr.concat([fresh[0], fresh[1].isel(time=slice(12, None))], "time")
    np.testing.assert_array_equal(combined["tas"].values, expected.values)


def test_files_of_different_variables_over_one_period_do_not_overlap(tmp_path):
    full = _period(2000, 2, seed=3)
    full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    full[["pred"]].to_netcdf(tmp_path / "pred.nc")
    combined = open_dataset(expand_paths([tmp_path]))
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values)


@pytest.fixture
def repeated(tmp_path):
    """A monthly file whose March and April 2000 appear twice (a merge gone wrong), the
    repeats with other values."""
    dataset = _period(2000, 1, seed=4)
    order = [0, 1, 2, 3, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    doubled = dataset.isel(time=order)
    doubled["tas"][4:6] = doubled["tas"][4:6] + 100  # the second March and April differ
    doubled.to_netcdf(tmp_path / "doubled.nc")
    return tmp_path / "doubled.nc", doubled


def test_repeated_times_in_a_file_are_refused_with_the_dates(repeated):
    path, _ = repeated
    with pytest.raises(ClimannError, match=r"'time' in doubled.nc repeats 2 times \(2000-03-15, 2000-04-15\);.*first"):
        open_dataset([path])


@pytest.mark.parametrize(("overlap", "rows"), [pytest.param("first", [2, 3], id="first"),
                                               pytest.param("last", [4, 5], id="last")])
def test_repeated_times_keep_the_first_or_last_repeat(repeated, overlap, rows):
    path, doubled = repeated
    opened = open_dataset([path], overlap=overlap)
    assert len(opened["time"]) == 12
    np.testing.assert_array_equal(opened["tas"].values[2:4], doubled["tas"].values[rows])
    np.testing.assert_array_equal(opened["tas"].values[4:], doubled["tas"].values[6:])


def test_the_overlap_setting_reaches_the_cli(overlapping, tmp_path):
    from typer.testing import CliRunner

    from climann.cli import app

    files, _, _ = overlapping
    arguments = ["train", "--data", str(files[0]), "--data", str(files[1]), "--predictors", "pred", "--features", "lat",
                 "--epochs", "1", "--hidden", "2", "--quiet", "--set", "evaluation.figures=false"]
    refused = CliRunner().invoke(app, [*arguments, "--out", str(tmp_path / "runs" / "a")])
    assert refused.exit_code == 2 and "overlap in time" in refused.output
    assert CliRunner().invoke(app, [*arguments, "--out", str(tmp_path / "runs" / "b"), "--overlap", "bogus"]).exit_code == 2
    trained = CliRunner().invoke(app, [*arguments, "--out", str(tmp_path / "runs" / "b"), "--overlap", "first"])
    assert trained.exit_code == 0, trained.output
    written = xr.open_dataset(tmp_path / "runs" / "b" / "predictions.nc", decode_times=False)
    assert written.sizes["time"] == 12 * 7


@pytest.fixture
def unsorted(tmp_path):
    """Three years of monthly data stored 2002, 2000, 2001 (cdo mergetime of unsorted
    inputs), with time bounds that follow each step."""
    dataset = grid_dataset(n_years=3)
    dataset["time"].attrs["bounds"] = "time_bnds"
    dataset["time_bnds"] = (("time", "bnds"), np.stack([dataset["time"].values] * 2, axis=1))
    dataset["time_bnds"].encoding.update(dataset["time"].encoding)
    order = np.concatenate([np.arange(24, 36), np.arange(0, 24)])
    dataset.isel(time=order).to_netcdf(tmp_path / "unsorted.nc")
    return tmp_path / "unsorted.nc", dataset


def test_an_unsorted_time_axis_is_sorted_with_a_warning(unsorted, caplog):
    path, ordered = unsorted
    with caplog.at_level("WARNING"):
        opened = open_dataset([path])
    assert list(opened["time"].values) == list(ordered["time"].values)
    np.testing.assert_array_equal(opened["tas"].values, ordered["tas"].values)
    np.testing.assert_array_equal(opened["time_bnds"].values[:, 0], ordered["time"].values)
    assert ("unsorted.nc: the time axis is not in order (2000-01-15 comes after 2002-12-15); its steps are "
            "sorted by time, as `cdo sorttime` would") in caplog.text


def test_unsorted_and_repeated_times_are_refused_as_repeats_or_kept_once(unsorted, tmp_path):
    path, ordered = unsorted
    twice = xr.concat([xr.open_dataset(path).load(), ordered.isel(time=[5])], dim="time",
                      data_vars="minimal")  # June 2000 again
    twice.to_netcdf(tmp_path / "twice.nc")
    with pytest.raises(ClimannError, match=r"'time' in twice.nc repeats 1 time \(2000-06-15\)"):
        open_dataset([tmp_path / "twice.nc"])
    opened = open_dataset([tmp_path / "twice.nc"], overlap="first")
    assert list(opened["time"].values) == list(ordered["time"].values)
    np.testing.assert_array_equal(opened["tas"].values, ordered["tas"].values)
