"""The counts and indices of a CF ragged array of stations (climann/data/ragged_rows.py): values
that are no CF ragged array's, or counts out of the stored order, are refused rather than read
as another station's rows (break37b D1, D2)."""

from __future__ import annotations

import shlex

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import run_python

NAMES = ("A01", "B02", "C03")
#: Each station's first day and number of days: their periods overlap.
PERIODS = ((0, 10), (3, 6), (5, 8))


def _series(station: int) -> tuple[np.ndarray, np.ndarray]:
    """Station ``station``'s days since 2000-01-01 and its values (100 × station + day)."""
    first, n_days = PERIODS[station]
    days = np.arange(first, first + n_days)
    return days, (100.0 * station + days).astype("float32")


def _ragged(*, indexed: bool, from_one: bool = False, counts: list[int] | None = None) -> xr.Dataset:
    """The three stations as a CF ragged array (CF H.2.4 contiguous, H.2.5 indexed interleaved by
    time); ``from_one`` counts the stations' index from 1; ``counts`` replaces row_size."""
    station = np.concatenate([np.full(PERIODS[index][1], index) for index in range(3)])
    days = np.concatenate([_series(index)[0] for index in range(3)])
    values = np.concatenate([_series(index)[1] for index in range(3)])
    order = np.lexsort((station, days)) if indexed else np.arange(days.size)
    data = {"flow": ("obs", values[order], {"units": "m3 s-1", "coordinates": "time lat lon site"}),
            "time": ("obs", days[order], {"standard_name": "time", "units": "days since 2000-01-01"})}
    if indexed:
        data["station_index"] = ("obs", (station[order] + from_one).astype("int32"), {"instance_dimension": "station"})
    else:
        data["row_size"] = ("station", np.array(counts or [n for _, n in PERIODS], "int32"), {"sample_dimension": "obs"})
    return xr.Dataset(data, coords={
        "lat": ("station", [10.0, 20.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("station", [1.0, 2.0, 3.0], {"units": "degrees_east", "standard_name": "longitude"}),
        "site": ("station", list(NAMES), {"cf_role": "timeseries_id"})},
        attrs={"Conventions": "CF-1.8", "featureType": "timeSeries"})


@pytest.mark.parametrize("chosen", [pytest.param({"station": 1}, id="station-1-chosen"),
                                    pytest.param({}, id="none-chosen")])
def test_an_index_counted_from_1_is_refused_with_a_line_that_counts_from_0(tmp_path, monkeypatch, chosen):
    """Indices 1 … 3 of 3 stations were read from 0: station 1's name on station 0's series, exit 0
    (break37b D1). The advised line, run as printed, gives a file whose station 1 is B02's series."""
    monkeypatch.chdir(tmp_path)
    _ragged(indexed=True, from_one=True).to_netcdf("idx.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "idx.nc"], select=chosen)
    message = str(error.value)
    assert message.startswith("idx.nc: the station index 'station_index' (an indexed ragged array: station_index "
                              'with instance_dimension = "station", CF §9.3.4) is 3 at obs ')
    assert f"({PERIODS[2][1]} observations of index 3), outside 0 to 2" in message
    assert "its indices 1 to 3 count the stations from 1" in message and "\n" not in message
    command = message.split("e.g. ")[1].split(", then give")[0]
    run_python(*shlex.split(command)[1:], check=True, cwd=tmp_path)
    opened = open_dataset([tmp_path / "idx_from0.nc"], select={"station": 1})
    days, values = _series(1)
    np.testing.assert_array_equal(opened["flow"].values[:, 0, 0], values)
    np.testing.assert_array_equal(opened["time"].values, pd.Timestamp("2000-01-01") + pd.to_timedelta(days, "D"))
    assert opened["site"].values.item() == "B02"


@pytest.mark.parametrize("bad", [pytest.param(-1, id="negative"), pytest.param(4, id="beyond")])
def test_an_index_outside_the_stations_is_refused_naming_it(tmp_path, bad):
    """Not counted from 1: no subtract-1 line, but the index out of range named."""
    ragged = _ragged(indexed=True)
    ragged["station_index"] = ragged["station_index"].where(ragged["station_index"] != 2, bad)
    ragged.to_netcdf(tmp_path / "idx.nc")
    with pytest.raises(ClimannError, match=rf"is {bad} at obs \d+ \({PERIODS[2][1]} observations of index {bad}\), "
                                           r"outside 0 to 2: CF counts a ragged array's stations from 0") as error:
        open_dataset([tmp_path / "idx.nc"], select={"station": 0})
    assert "from 1" not in str(error.value)


def test_a_negative_count_is_refused(tmp_path):
    """row_size [12, -2, 14] adds up to the 24 observations, and took 12 rows for station 0."""
    _ragged(indexed=False, counts=[12, -2, 14]).to_netcdf(tmp_path / "contig.nc")
    with pytest.raises(ClimannError, match=r"hold -2 for station 1, and a count of observations is 0 or more"):
        open_dataset([tmp_path / "contig.nc"], select={"station": 0})


@pytest.mark.parametrize("chosen", [0, 1, 2])
def test_counts_out_of_the_stored_order_are_refused_pointing_at_row_size(tmp_path, chosen):
    """row_size [6, 10, 8] for rows stored 10, 6, 8: station 1 got days 6–9 of station 0 then its
    own 3–8, and the refusal spoke of time bounds with an xarray line that failed; station 0 got
    its first 6 days alone (break37b D2). Every station is refused, naming station 1's rows."""
    _ragged(indexed=False, counts=[6, 10, 8]).to_netcdf(tmp_path / "contig.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "contig.nc"], select={"station": chosen})
    message = str(error.value)
    assert message.startswith("station B02 (index 1) of contig.nc: its times decrease or repeat in the rows 6 to 15 of "
                              "'obs' that the counts 'row_size' give it")
    assert "'time' goes back from 2000-01-10 to 2000-01-04 at row 10" in message
    assert "goes back or repeats at the rows 10, 16 of the whole 'obs'" in message
    assert "(3 runs of 10, 6, 8 rows, in the order stored), while 'row_size' gives 6, 10, 8" in message
    assert "correct 'row_size' (or the order of the stations along 'station')" in message
    assert "bounds" not in message


@pytest.mark.parametrize("indexed", [pytest.param(False, id="contiguous"), pytest.param(True, id="indexed")])
def test_a_station_of_a_right_ragged_array_is_its_series(tmp_path, indexed):
    """The checks pass CF's own layouts: station 2 is C03's series."""
    _ragged(indexed=indexed).to_netcdf(tmp_path / "ragged.nc")
    opened = open_dataset([tmp_path / "ragged.nc"], select={"station": 2})
    np.testing.assert_array_equal(opened["flow"].values[:, 0, 0], _series(2)[1])
    assert opened["site"].values.item() == "C03"


def _four_stations_counted_from_1() -> xr.Dataset:
    """The three stations' observations indexed 1 … 3 (counted from 1) in a file of four stations:
    every index lies inside 0 … 3, valid CF, and read as CF says station 0 (A01) has none."""
    ragged = _ragged(indexed=True, from_one=True)
    return ragged.drop_vars(["lat", "lon", "site"]).assign_coords(
        lat=("station", [10.0, 20.0, 30.0, 40.0], {"units": "degrees_north", "standard_name": "latitude"}),
        lon=("station", [1.0, 2.0, 3.0, 4.0], {"units": "degrees_east", "standard_name": "longitude"}),
        site=("station", [*NAMES, "D04"], {"cf_role": "timeseries_id"}))


def test_indices_from_1_inside_the_stations_are_read_with_a_warning_naming_the_station_without_data(
        tmp_path, monkeypatch, caplog):
    """fix38d: indices 1 … 3 of 4 stations are no refusal (valid CF), but station 1 (B02) was read with
    A01's series without a word. The warning names station 0 as having no observations and how indices
    counted from 1 look; its line, run as printed, gives a file whose station 0 is A01's series."""
    import logging

    from climann.data.notes import forget_notes

    monkeypatch.chdir(tmp_path)
    _four_stations_counted_from_1().to_netcdf("idx4.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([tmp_path / "idx4.nc"], select={"station": 1})
    np.testing.assert_array_equal(opened["flow"].values[:, 0, 0], _series(0)[1])  # read as CF says
    (message,) = [record.getMessage() for record in caplog.records if "no observations" in record.getMessage()]
    assert message.startswith("idx4.nc: station A01 (index 0) of the 4 along 'station' has no observations: no value of "
                              "the station index 'station_index'")
    assert "indices written counting from 1 (as Fortran, R and MATLAB count) look like this: its indices run 1 to 3" in message
    assert "\n" not in message
    command = message.split("e.g. ")[1].split(", then give")[0]
    run_python(*shlex.split(command)[1:], check=True, cwd=tmp_path)
    fixed = open_dataset([tmp_path / "idx4_from0.nc"], select={"station": 0})
    np.testing.assert_array_equal(fixed["flow"].values[:, 0, 0], _series(0)[1])
    assert fixed["site"].values.item() == "A01"


def test_a_station_without_data_in_the_middle_is_named_without_the_counting_from_1_note(tmp_path, caplog):
    """An empty station other than the first: named, with nothing said of counting from 1."""
    import logging

    from climann.data.notes import forget_notes

    ragged = _four_stations_counted_from_1()
    ragged["station_index"] = ragged["station_index"].where(ragged["station_index"] != 2, 0)
    ragged.to_netcdf(tmp_path / "gap.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "gap.nc"], select={"station": 0})
    (message,) = [record.getMessage() for record in caplog.records if "no observations" in record.getMessage()]
    assert message.startswith("gap.nc: station C03 (index 2) of the 4 along 'station' has no observations")
    assert "from 1" not in message


def test_info_describes_the_first_station_with_observations(tmp_path):
    """fix38d: climann info refused the whole file (station 0, which it shows by default, has no
    observations); it now shows the first station that has some, and says so."""
    from climann.data.info import describe
    from tests.conftest import unwrapped_report

    _four_stations_counted_from_1().to_netcdf(tmp_path / "idx4.nc")
    report = unwrapped_report(describe([tmp_path / "idx4.nc"]))
    assert 'with select = {station = "B02"} (the first station with observations, B02)' in report  # fix45c: by name
    assert "site = B02, station = B02" in report  # chosen by its name (fix45c), as --select station=B02 shows it
