"""A step's period as messages name it (climann/data/step_periods.py)."""

import cftime
import numpy as np
import pytest

from climann.data.step_periods import frequency_of, period_text


@pytest.mark.parametrize(("period", "frequency", "expected"), [
    pytest.param(cftime.datetime(2003, 1, 1, calendar="noleap"), "yearly", "2003", id="yearly"),
    # ISO 8601 expanded years, as date_text writes them (break32b A4b): -9 was "-009"
    pytest.param(cftime.datetime(-9, 1, 1, calendar="noleap"), "yearly", "-0009", id="yearly-year-minus-9"),
    pytest.param(cftime.datetime(0, 1, 1, calendar="360_day"), "yearly", "0000", id="yearly-year-0"),
    pytest.param(cftime.datetime(-9, 3, 1, calendar="noleap"), "monthly", "-0009-03", id="monthly-year-minus-9"),
    pytest.param(cftime.datetime(850, 3, 16, calendar="noleap"), "daily", "0850-03-16", id="daily-year-850"),
])
def test_a_period_is_named_as_precisely_as_its_frequency_needs(period, frequency, expected):
    assert period_text(period, frequency) == expected


def test_the_other_files_given_are_one_glob_when_they_share_one(tmp_path, monkeypatch):
    """break38a B5: of 36 ICON months, the advice for the T_2M files named each of the 36 TOT_PREC files in a --data
    of its own (a 6 kB line). Now one glob that takes those files and nothing else (checked: it matches them)."""
    from pathlib import Path

    from climann.data.paths import matched_paths
    from climann.data.step_periods import bounds_advice

    monkeypatch.chdir(tmp_path)
    (tmp_path / "icon").mkdir()
    t2m, tp = ([Path("icon") / f"icon-eu_2019{month:02d}_{name}.nc" for month in (1, 2, 3)]
               for name in ("T_2M", "TOT_PREC"))
    for path in (*t2m, *tp):
        path.write_bytes(b"")
    advice = bounds_advice(t2m, "daily", given=[*t2m, *tp])
    assert "then give --data 'icon/icon-eu_20190*_TOT_PREC.nc' --data 'icon/with_bounds/*.nc' in place of" in advice
    assert "--data icon/icon-eu_201901_TOT_PREC.nc" not in advice
    assert matched_paths("icon/icon-eu_20190*_TOT_PREC.nc") == sorted(tp)


@pytest.mark.parametrize(("count", "frequency", "expected"), [
    pytest.param(24, "monthly", "24 monthly steps", id="adjective"),
    pytest.param(160, "7-day means", "160 steps of 7-day means", id="noun"),
    pytest.param(1, "16-day composites", "1 step of 16-day composites", id="one-step"),
    pytest.param(5, None, "5 steps", id="no-frequency"),
])
def test_steps_text(count, frequency, expected):
    """fix41m: "160 7-day composites steps" read as a noun before "steps"."""
    from climann.data.step_periods import steps_text

    assert steps_text(count, frequency) == expected


@pytest.mark.parametrize(("dims", "skipped"), [
    pytest.param(("station", "time"), "ta(station, time)", id="station-time-series"),
    pytest.param(("time", "station"), None, id="time-first"),
])
def test_the_bounds_advice_gives_cdo_only_for_files_whose_variables_cdo_reads(tmp_path, dims, skipped):
    """break43a A4: cdo reads only variables whose first dimension is time ("Time must be the first dimension! …
    Unsupported file structure" for a CF station file); for such a file the advice is the xarray line alone, for
    any refusal that gives it."""
    import xarray as xr

    from climann.data.step_periods import bounds_advice, cdo_skipped

    sizes = {"station": 2, "time": 3}
    xr.Dataset({"ta": (dims, np.zeros([sizes[dim] for dim in dims]))},
               coords={"time": ("time", [0.0, 31.0, 60.0], {"units": "days since 2000-01-01"})}).to_netcdf(
        tmp_path / "ta.nc")
    assert cdo_skipped([tmp_path / "ta.nc"]) == skipped
    advice = bounds_advice(tmp_path / "ta.nc", "monthly")
    assert ("cdo settbounds" in advice) == (skipped is None)
    assert ("(cdo reads no variable whose first dimension is not time, as ta(station, time))" in advice) == bool(skipped)


def test_the_refusal_of_an_unknown_reading_takes_neither_as_default_and_names_what_each_moves(tmp_path):
    """fix47d: precip and tmax of one file stamped 00:00 without bounds beside pr's days known from their bounds:
    the refusal gave the day beginning at each stamp first, as if it were climann's reading, and did not say that
    bounds on the file's time date tmax too. It says neither reading is a default, pairs the first stamp with pr's
    day before it (pandas: stamp - 1 day) and with pr's own day, and names tmax; the cdo line of the day ending at
    each stamp, run as printed, gives both variables that day (the copy's bounds, checked with pandas), and the
    copy beside pr pairs each precip value with the pr of the day before its stamp (precip = pr + 1 exactly)."""
    import re
    import subprocess

    import pandas as pd
    import xarray as xr

    from climann.data.open import open_dataset
    from climann.errors import ClimannError
    from tests.fresh_python import shell_path

    days = pd.date_range("2001-01-01", periods=40, freq="D")
    pr = np.random.default_rng(3).random((40, 1, 2))
    space = {"lat": ("lat", [10.0], {"units": "degrees_north"}), "lon": ("lon", [0.0, 1.0], {"units": "degrees_east"})}
    hours = np.arange(40) * 24.0
    xr.Dataset({"pr": (("time", "lat", "lon"), pr, {"units": "mm day-1"}),
                "time_bnds": (("time", "nv"), np.stack([hours, hours + 24], 1))},
               coords={"time": ("time", hours + 12, {"units": "hours since 2001-01-01", "bounds": "time_bnds"}),
                       **space}).to_netcdf(tmp_path / "pr.nc")
    # each value is of the day ending at its stamp: stamped 2001-01-02 00:00 for 2001-01-01
    xr.Dataset({"precip": (("time", "lat", "lon"), pr[:-1] + 1, {"units": "mm day-1"}),
                "tmax": (("time", "lat", "lon"), pr[:-1] + 2, {"units": "K"})},
               coords={"time": ("time", hours[1:], {"units": "hours since 2001-01-01"}), **space}
               ).to_netcdf(tmp_path / "stations.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "pr.nc", tmp_path / "stations.nc"], grid_of="precip", variables=("precip", "pr"))
    message = str(error.value)
    first = days[1]
    assert (f"read alone, such stamps are taken as opening their days (with a warning); here, where the wrong reading "
            f"pairs every value one day off, neither is taken by default, and the files' documentation says which: "
            f"read as the day ending "
            f"at each stamp, precip of {first:%Y-%m-%d} goes with pr of {first - pd.Timedelta('1D'):%Y-%m-%d}, and "
            f"tmax of stations.nc with it (bounds on its time date every variable along it); read as the day "
            f"beginning at each stamp, with pr of {first:%Y-%m-%d}, and tmax with it;") in message, message
    ending = re.search(r"if of the day ending there `([^`]*)`", message).group(1)
    subprocess.run(["bash", "-c", ending], check=True, capture_output=True, cwd=tmp_path, env={"PATH": shell_path()})
    with xr.open_dataset(tmp_path / "with_bounds" / "stations.nc") as copy:
        bounds = pd.DatetimeIndex(copy[copy["time"].attrs["bounds"]].values[:, 0])
        assert list(bounds) == list(days[:-1]) and set(copy["tmax"].dims) >= {"time"}
    combined = open_dataset([tmp_path / "pr.nc", tmp_path / "with_bounds" / "stations.nc"], grid_of="precip",
                            variables=("precip", "pr"))
    np.testing.assert_allclose(combined["precip"].values, combined["pr"].values + 1, rtol=1e-12)


@pytest.mark.parametrize(("shift", "first_month"), [
    pytest.param(0, 0, id="month-beginning-at-stamp"),
    pytest.param(-1, -1, id="month-ending-at-stamp"),
])
def test_the_xarray_bounds_line_finds_a_time_that_is_no_index(tmp_path, monkeypatch, shift, first_month):
    """break51b A1: NSIDC's sea-ice CDR v4 holds ``time(tdim)``, "days since 1601-01-01", a coordinate on a
    dimension of another name, so no xarray index; the advised xarray line searched only the indexes and died with
    StopIteration on every file, writing nothing. Run as printed, it now writes each file's copy with
    ``time_bnds(tdim, bnds)``: the calendar month holding the stamp (or, with -1, the month before), checked against
    days since 1601 counted by datetime; a 1-D date variable beside it without CF's time marks is not taken."""
    import datetime
    import re
    import subprocess

    import netCDF4

    from climann.data.step_periods import bounds_advice
    from tests.fresh_python import shell_path

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sic").mkdir()
    epoch = datetime.datetime(1601, 1, 1)
    months = [datetime.datetime(2000, month, 1) for month in (1, 2, 3)]
    files = []
    for month in months:
        path = f"sic/seaice_conc_monthly_nh_{month:%Y%m}_f17_v04r00.nc"
        with netCDF4.Dataset(path, "w") as handle:
            handle.createDimension("tdim", 1)
            handle.createDimension("y", 2)
            handle.createDimension("x", 3)
            time = handle.createVariable("time", "f8", ("tdim",))
            time.setncatts({"units": "days since 1601-01-01", "calendar": "standard", "axis": "T",
                            "standard_name": "time"})
            time[:] = [(month - epoch).days]
            # a date that is not the time axis (no axis/standard_name), decoded to dates as well
            processed = handle.createVariable("processed", "f8", ("tdim",))
            processed.units = "days since 1601-01-01"
            processed[:] = [(month - epoch).days + 400]
            conc = handle.createVariable("cdr_seaice_conc_monthly", "u1", ("tdim", "y", "x"), fill_value=255)
            conc.coordinates = "time"
            conc[:] = np.full((1, 2, 3), 50, "u1")
        files.append(path)
    advice = bounds_advice(files, "monthly")
    line = advice.split("without cdo, with xarray: `", 1)[1].split("`", 1)[0]
    line = re.sub(r" 0; done", f" {shift}; done", line)
    assert f" {shift}; done" in line
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, env={"PATH": shell_path()})

    def month_start(month, step):
        index = month.year * 12 + month.month - 1 + step
        return (datetime.datetime(index // 12, index % 12 + 1, 1) - epoch).days

    for month, path in zip(months, files):
        with netCDF4.Dataset(path.replace("sic/", "sic/with_bounds/")) as copy:
            bounds = copy["time"].getncattr("bounds")
            assert copy[bounds].dimensions == ("tdim", "bnds")
            # CF §7.1: bounds without units take the time's; the values are in those units
            assert copy["time"].units == getattr(copy[bounds], "units", copy["time"].units) == "days since 1601-01-01"
            expected = [[month_start(month, first_month), month_start(month, first_month + 1)]]
            np.testing.assert_array_equal(copy[bounds][:], expected)
            np.testing.assert_array_equal(copy["cdr_seaice_conc_monthly"][:], np.full((1, 2, 3), 50))


def _firsts(months: list[int], calendar: str = "proleptic_gregorian") -> np.ndarray:
    """The 1st at 00:00 of each month of ``months`` (counted from January 1993)."""
    return np.array([cftime.datetime(1993 + month // 12, month % 12 + 1, 1, calendar=calendar) for month in months])


@pytest.mark.parametrize(("months", "frequency"), [
    # break53c A2: ERA5's 31-day months alone (cdo delete of the others): steps of 1 and 2 months, median 61 days
    pytest.param([month for month in range(48) if month % 12 in (0, 2, 4, 6, 7, 9, 11)], "monthly",
                 id="months-of-31-days-kept"),
    pytest.param(list(range(0, 48, 2)), "61-daily", id="every-other-month-no-one-month-step"),
    pytest.param(list(range(0, 48, 3)), "91-daily", id="seasons-not-months"),
    pytest.param(list(range(0, 48, 12)), "yearly", id="yearly"),
])
def test_a_monthly_series_with_months_left_out_is_monthly(months, frequency):
    """Stamps on the 1st with whole months between them, some one month apart, are monthly whatever
    months are missing; steps of 2 or 3 months alone keep their length in days (their median)."""
    stamps = _firsts(months)
    median = float(np.median([(b - a).days for a, b in zip(stamps[:-1], stamps[1:])]))
    assert frequency_of(stamps) == frequency
    if frequency.endswith("-daily"):
        assert frequency == f"{median:g}-daily"


def test_mid_month_stamps_with_months_left_out_are_monthly_too():
    """The 16th at 12:00 (CMIP's middles) of the 31-day months."""
    stamps = np.array([cftime.datetime(1993, month, 16, 12, calendar="noleap") for month in (1, 3, 5, 7, 8, 10, 12)])
    assert frequency_of(stamps) == "monthly"


def test_the_bounds_advice_reads_each_files_header_a_bounded_number_of_times(tmp_path, monkeypatch):
    """break54b A4: the bounds advice over MSWEP's one-step monthly files called timeless_files(files), which
    opens every file, once per file: n² opens (2 544 for 48 files; info's CPU 58 s for 96 files). Each file is
    now opened a fixed number of times, whatever the number of files: 4 times the files, 4 times the opens; and
    once each (fix55c: its pieces read each header eight times, 960 of climann info's 1 200 openings of 120 files)."""
    import netCDF4

    from climann.data import shared_handles
    from climann.data.step_periods import bounds_advice

    opened = []
    real = shared_handles.open_plain

    def counted(path, *args, **kwargs):
        opened.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(shared_handles, "open_plain", counted)

    def opens(count):
        folder = tmp_path / str(count)
        folder.mkdir()
        for month in range(count):
            with netCDF4.Dataset(folder / f"{2000 + month // 12}{month % 12 + 1:02d}.nc", "w") as nc:
                nc.createDimension("time", None)
                time = nc.createVariable("time", "f8", ("time",))
                time.units, time.calendar = "days since 1899-12-31", "gregorian"
                time[:] = [month * 30.0]
                nc.createVariable("precipitation", "f4", ("time",))[:] = [1.0]
        opened.clear()
        assert "settbounds,month" in bounds_advice(sorted(folder.glob("*.nc")), "monthly")
        return len(opened)

    small, large = opens(6), opens(24)
    assert large == 4 * small
    assert (small, large) == (6, 24)


@pytest.mark.parametrize("storage", [pytest.param("unsigned", id="byte-with-_Unsigned"),
                                     pytest.param("range", id="byte-whose-valid-range-needs-unsigned")])
def test_the_bounds_advice_for_unsigned_bytes_is_the_xarray_line_and_keeps_every_class(tmp_path, monkeypatch,
                                                                                        storage):
    """break54d A4: ESA CCI land cover's lccs_class (byte, _Unsigned = "true", valid_min = 1b, valid_max = -36b,
    i.e. 220) without time bounds was told `cdo settbounds,year`; cdo ignores _Unsigned, and its copies held none of
    the 2592 classes. For such a variable the advice is the xarray line alone, with why; run as printed, the copies
    hold every class as it was (read unsigned, the same values as the originals)."""
    import subprocess

    import netCDF4

    from climann.data.open import open_dataset
    from climann.data.step_periods import bounds_advice, cdo_signed
    from tests.fresh_python import shell_path

    monkeypatch.chdir(tmp_path)
    classes = np.array([[10, 50, 200], [220, 130, 10]], np.uint8)
    paths = []
    for k, year in enumerate((2000, 2001)):
        path = f"LC-{year}.nc"
        with netCDF4.Dataset(path, "w") as nc:
            for name, size in (("time", 1), ("lat", 2), ("lon", 3)):
                nc.createDimension(name, size)
            nc.createVariable("time", "i4", ("time",))[:] = [366 * k]
            nc["time"].units, nc["time"].calendar = "days since 2000-01-01", "standard"
            nc.createVariable("lat", "f4", ("lat",))[:] = [10.0, 20.0]
            nc["lat"].units = "degrees_north"
            nc.createVariable("lon", "f4", ("lon",))[:] = [0.0, 10.0, 20.0]
            nc["lon"].units = "degrees_east"
            lc = nc.createVariable("lccs_class", "i1", ("time", "lat", "lon"), fill_value=np.int8(0))
            lc.set_auto_maskandscale(False)
            lc.flag_values = np.array([0, 10, 50, 130, 200, 220], np.uint8).view(np.int8)
            lc.flag_meanings = "no_data cropland tree grassland bare water"
            lc.valid_min, lc.valid_max = np.int8(1), np.array(220, np.uint8).view(np.int8)
            if storage == "unsigned":
                lc.setncattr("_Unsigned", "true")
            lc[:] = np.roll(classes, k)[None].view(np.int8)
        paths.append(path)
    assert cdo_signed(paths) == "lccs_class(time, lat, lon)"
    advice = bounds_advice(paths, "yearly")
    assert "cdo settbounds" not in advice
    assert "with xarray (cdo ignores _Unsigned and reads lccs_class(time, lat, lon)'s bytes as signed" in advice
    line = advice.split("`")[1]
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, env={"PATH": shell_path()})
    with netCDF4.Dataset("with_bounds/LC-2001.nc") as copy, netCDF4.Dataset("LC-2001.nc") as original:
        assert copy["time_bnds"][:].tolist() == [[366, 731]]  # 2001-01-01 to 2002-01-01
        for nc in (copy, original):
            nc["lccs_class"].set_auto_maskandscale(False)
        # the stored bytes as they were, each class (200 is the byte -56), none made the fill value
        np.testing.assert_array_equal(copy["lccs_class"][:].view(np.uint8)[0], np.roll(classes, 1))
        np.testing.assert_array_equal(copy["lccs_class"][:], original["lccs_class"][:])
        assert {key: copy["lccs_class"].getncattr(key) for key in ("_Unsigned",) if storage == "unsigned"} == (
            {"_Unsigned": "true"} if storage == "unsigned" else {})
    if storage == "unsigned":  # read as climann reads them: the codes unsigned, 200 not -56
        np.testing.assert_array_equal(open_dataset(["with_bounds/LC-2001.nc"])["lccs_class"].values[0],
                                      np.roll(classes, 1))
