"""Time axes named differently in different files (ERA5 from the old CDS: ``time``; from the
new CDS: ``valid_time``), found by their CF attributes and given one name."""

import json
import re
import shlex
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.open import concat_blocks, open_dataset
from climann.data.shell import file_time_names
from climann.data.time_names import one_time_name
from climann.errors import ClimannError
from tests.followed_twice import assert_left_as_it_is
from tests.fresh_python import bare_python, run_python

LAT = np.array([60.0, 0.0, -60.0])
LON = np.array([0.0, 90.0, 180.0, 270.0])
MONTHS = pd.date_range("2010-01-01", periods=24, freq="MS")


def _era5(path, variable, time_name, months, *, seed, extra=None):
    """An ERA5-like monthly file whose time axis is called ``time_name`` (standard_name time);
    its values are ``seed`` + the month's index, so each step says where it came from."""
    index = np.arange(len(MONTHS))[months]
    values = seed + index[:, None, None] + np.zeros((1, LAT.size, LON.size))
    dataset = xr.Dataset(
        # values 0, 1, … tell the steps apart; in K, 0 would be absolute zero, read as missing
        {variable: ((time_name, "latitude", "longitude"), values, {"units": "1"})},
        coords={time_name: (time_name, MONTHS[months], {"standard_name": "time", "long_name": "time"}),
                "latitude": ("latitude", LAT, {"units": "degrees_north", "standard_name": "latitude"}),
                "longitude": ("longitude", LON, {"units": "degrees_east", "standard_name": "longitude"})},
    )
    dataset.update(extra or {})
    dataset.to_netcdf(path)
    return path


def test_one_variable_split_over_an_old_and_a_new_cds_file_is_one_series(tmp_path):
    """It was refused in xarray's words ('the coordinate 'time' has no corresponding index')."""
    old = _era5(tmp_path / "t2m_old.nc", "t2m", "time", slice(0, 12), seed=0)
    new = _era5(tmp_path / "t2m_new.nc", "t2m", "valid_time", slice(12, 24), seed=0)
    for files in ([old, new], [new, old]):  # 'time', which the old file has, whichever comes first
        dataset = open_dataset(files)
        assert dataset["t2m"].dims == ("time", "latitude", "longitude") and "valid_time" not in dataset.variables
        assert [date.strftime("%Y-%m") for date in dataset["time"].values] == list(MONTHS.strftime("%Y-%m"))
        np.testing.assert_array_equal(dataset["t2m"].values[:, 1, 2], np.arange(24))


def test_a_target_and_a_predictor_from_old_and_new_cds_files_lie_on_one_axis(tmp_path):
    """It was refused with advice that cannot be followed: 'give the right one a CF
    standard_name' (both have it)."""
    target = _era5(tmp_path / "t2m_old.nc", "t2m", "time", slice(None), seed=0)
    predictor = _era5(tmp_path / "sp_new.nc", "sp", "valid_time", slice(None), seed=1000)
    dataset = open_dataset([predictor, target])
    assert dataset["t2m"].dims == dataset["sp"].dims == ("time", "latitude", "longitude")
    np.testing.assert_array_equal(dataset["sp"].values - dataset["t2m"].values, 1000.0)  # same months matched

    with xr.open_dataset(predictor) as new, xr.open_dataset(target) as old:  # commands name the file's own variable
        renamed = one_time_name([new, old], ["sp_new.nc", "t2m_old.nc"])
    assert file_time_names(renamed[0]["time"]) == ("valid_time", "valid_time")
    assert file_time_names(renamed[1]["time"]) == ("time", "time") and renamed[1] is old


def test_without_a_file_calling_it_time_the_first_files_name_is_taken(tmp_path):
    first = _era5(tmp_path / "a.nc", "t2m", "valid_time", slice(0, 12), seed=0)
    second = _era5(tmp_path / "b.nc", "t2m", "t", slice(12, 24), seed=0)
    dataset = open_dataset([first, second])
    assert dataset["t2m"].dims[0] == "valid_time" and dataset.sizes["valid_time"] == 24


def test_a_name_taken_by_another_variable_of_a_file_is_not_given_to_its_axis(tmp_path):
    """A new-CDS file with a scalar variable 'time' beside its 'valid_time' axis: the
    axes take the name 'valid_time' instead, which no file uses for anything else."""
    reference = xr.DataArray(MONTHS[0], attrs={"long_name": "forecast reference time"})
    new = _era5(tmp_path / "new.nc", "sp", "valid_time", slice(None), seed=1000, extra={"time": reference})
    old = _era5(tmp_path / "old.nc", "t2m", "time", slice(None), seed=0)
    dataset = open_dataset([old, new])
    assert dataset["t2m"].dims[0] == dataset["sp"].dims[0] == "valid_time"
    np.testing.assert_array_equal(dataset["sp"].values - dataset["t2m"].values, 1000.0)


def test_a_file_with_two_time_axes_among_others_is_never_guessed_from(tmp_path, monkeypatch):
    """The advice was --rename 'both.nc:valid_time=time', refused since both.nc holds both names."""
    monkeypatch.chdir(tmp_path)
    second_axis = xr.DataArray(np.arange(3.0), dims="valid_time",
                               coords={"valid_time": ("valid_time", MONTHS[:3], {"standard_name": "time"})})
    both = _era5(tmp_path / "both.nc", "t2m", "time", slice(None), seed=0, extra={"other": second_axis})
    new = _era5(tmp_path / "new.nc", "sp", "valid_time", slice(None), seed=0)
    other = _era5(tmp_path / "tp.nc", "tp", "date", slice(None), seed=0)
    with pytest.raises(ClimannError) as raised:
        open_dataset([both, new, other])
    message = str(raised.value)
    assert message.startswith("both.nc has 2 time axes (time: t2m; valid_time: other): which dates a variable is on "
                              "is never guessed")
    assert "ncks -v t2m both.nc both_t2m.nc; ncks -v other both.nc both_other.nc" in message
    assert "--rename" not in message and "new.nc" not in message and "tp.nc" not in message


def _two_axes(path, *, second_marked=True, first_marked=True):
    """tas(time, lat, lon) and rsdt(time_2, lat, lon) over the same 24 months (what merging two
    files whose time variables differ in attributes leaves), and a static orog(lat, lon);
    ``time`` and ``time_2`` both decoded by their CF units, marked by standard_name as asked."""
    rng = np.random.default_rng(3)
    tas = rng.normal(280.0, 5.0, (24, LAT.size, LON.size))
    rsdt = rng.normal(300.0, 20.0, (24, LAT.size, LON.size))
    marks = [{"standard_name": "time"} if marked else {} for marked in (first_marked, second_marked)]
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas, {"units": "K"}),
         "rsdt": (("time_2", "lat", "lon"), rsdt, {"units": "W m-2"}),
         "orog": (("lat", "lon"), np.ones((LAT.size, LON.size)), {"units": "m"})},
        coords={"time": ("time", MONTHS, marks[0]), "time_2": ("time_2", MONTHS, marks[1]),
                "lat": ("lat", LAT, {"units": "degrees_north"}), "lon": ("lon", LON, {"units": "degrees_east"})},
    )
    units = {"units": "days since 2010-01-01", "calendar": "standard"}
    dataset.to_netcdf(path, encoding={"time": units, "time_2": units})
    return tas, rsdt


@pytest.mark.parametrize(
    ("first_marked", "second_marked"),
    [
        # was: "several coordinates look like time … (--rename 'FILE:time_2=time')", which rename refuses
        pytest.param(True, True, id="both-marked"),
        # was: time_2 taken as the time axis and time as an extra dimension to select a date from
        pytest.param(False, True, id="only-time_2-marked"),
        pytest.param(False, False, id="none-marked"),
    ],
)
def test_one_file_with_two_time_axes_is_refused_naming_both(tmp_path, monkeypatch, first_marked, second_marked):
    monkeypatch.chdir(tmp_path)
    _two_axes(tmp_path / "two_time.nc", first_marked=first_marked, second_marked=second_marked)
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "two_time.nc"])
    message = bare_python(str(raised.value))
    assert message.startswith(
        "two_time.nc has 2 time axes (time: tas, orog; time_2: rsdt): which dates a variable is on is never guessed, "
        "nor is a date of a time axis a level to select; split it into one file per axis: ncks -v tas,orog "
        "two_time.nc two_time_tas.nc; ncks -v rsdt two_time.nc two_time_rsdt.nc (or xarray: python -c \"import sys, "
        "xarray as xr; d = xr.open_dataset('two_time.nc', decode_times=False); d = d[['tas', 'orog']]; "
    ) and message.endswith(
        "os.replace(p,'two_time_rsdt.nc')\"), then give the copies together in place of two_time.nc: their "
        "time axes become one"
    )
    # one line per copy, each written whole and never over a file there (fix51j: ds[…].to_netcdf(copy) replaced it)
    assert message.count("python -c") == 2 and "d = d[['rsdt']]; " in message
    assert message.count("is there already: left as it is, nothing written") == 2


def _check_split(tmp_path, tas, rsdt):
    dataset = open_dataset([tmp_path / "two_time_tas.nc", tmp_path / "two_time_rsdt.nc"])
    assert dataset["tas"].dims == dataset["rsdt"].dims == ("time", "lat", "lon") and dataset.sizes["time"] == 24
    np.testing.assert_allclose(dataset["tas"].values, tas)
    np.testing.assert_allclose(dataset["rsdt"].values, rsdt)
    np.testing.assert_allclose(dataset["orog"].values, 1.0)


@pytest.mark.skipif(shutil.which("ncks") is None, reason="NCO's ncks is not installed")
def test_the_printed_ncks_lines_split_the_file_into_one_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tas, rsdt = _two_axes(tmp_path / "two_time.nc", first_marked=False)
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "two_time.nc"])
    commands = re.search(r"one file per axis: (.*?) \(or xarray", str(raised.value)).group(1)
    for command in commands.split("; "):
        subprocess.run(shlex.split(command), check=True, capture_output=True)
    _check_split(tmp_path, tas, rsdt)


def test_a_store_with_two_time_axes_gets_xarray_lines_that_split_it_into_one_set(tmp_path, monkeypatch):
    """fix32d: a Zarr store was given `ncks -v tas,orog two_time.zarr two_time_tas.nc; …`, which NCO cannot
    read; now one xarray line per axis that, run as printed, writes a store per axis beside it, and the two
    copies open together on one time axis with the values kept."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    tas, rsdt = _two_axes(tmp_path / "two_time.nc", first_marked=False)
    with xr.open_dataset(tmp_path / "two_time.nc", decode_times=False) as opened:
        opened.load().to_zarr(tmp_path / "two_time.zarr")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "two_time.zarr"])
    message = str(raised.value)
    assert "ncks" not in message and "to_netcdf" not in message
    commands = re.findall(r'python -c "[^"]+"', message)
    assert len(commands) == 2, message
    for command in commands:
        words = shlex.split(command)
        run_python("-c", words[2], check=True, cwd=tmp_path)
    dataset = open_dataset([tmp_path / "two_time_tas.zarr", tmp_path / "two_time_rsdt.zarr"])
    assert dataset["tas"].dims == dataset["rsdt"].dims == ("time", "lat", "lon") and dataset.sizes["time"] == 24
    np.testing.assert_allclose(dataset["tas"].values, tas)
    np.testing.assert_allclose(dataset["rsdt"].values, rsdt)
    np.testing.assert_allclose(dataset["orog"].values, 1.0)


def test_the_printed_xarray_line_splits_the_file_into_one_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tas, rsdt = _two_axes(tmp_path / "two_time.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "two_time.nc"])
    lines = re.search(r"\(or xarray: (.*)\), then give", bare_python(str(raised.value))).group(1).split("; python -c ")
    assert len(lines) == 2
    words = [shlex.split(line if line.startswith("python -c ") else f"python -c {line}")[1:] for line in lines]
    for each in words:
        run_python(*each, check=True, capture_output=True)
    _check_split(tmp_path, tas, rsdt)
    # fix51j: followed again, `ds[['rsdt']].to_netcdf('two_time_rsdt.nc')` replaced the file there; now kept
    assert_left_as_it_is(tmp_path / "two_time_rsdt.nc", lambda: run_python(*words[1], capture_output=True),
                         tmp_path / "two_time.nc")


def test_split_blocks_from_old_and_new_cds_files_are_one_axis(tmp_path):
    train = open_dataset([_era5(tmp_path / "train.nc", "t2m", "time", slice(0, 16), seed=0)])
    test = open_dataset([_era5(tmp_path / "test.nc", "t2m", "valid_time", slice(16, 24), seed=0)])
    combined = concat_blocks([train, test], ["train", "test"], sources=["train.nc", "test.nc"])
    assert combined["t2m"].dims[0] == "time" and combined.sizes["time"] == 24
    np.testing.assert_array_equal(combined["t2m"].values[:, 0, 0], np.arange(24))


def _xios_month_starts(n_months: int) -> np.ndarray:
    """Seconds since 1900-01-01 of the first instants of ``n_months`` months from January 2000
    (proleptic Gregorian, as XIOS counts), and of the month after."""
    starts = pd.date_range("2000-01-01", periods=n_months + 1, freq="MS")
    return np.asarray((starts - pd.Timestamp("1900-01-01")).total_seconds())


def _xios_output(path, *, n_years=5, counter="centered", named="time_centered", seed=25):
    """A NEMO monthly file as XIOS writes it: the dimension ``time_counter`` with its own dated
    coordinate (``axis = "T"``, ``standard_name = "time"``, bounds ``time_counter_bounds``) and
    ``time_centered(time_counter)`` (the months' middles, bounds ``time_centered_bounds``),
    ``tos(time_counter, y, x)`` naming ``named`` in its ``coordinates`` with the 2-D
    ``nav_lat``/``nav_lon``; land 1e20. ``counter``: "centered" (time_counter = time_centered)
    or "instant" (the months' ends, XIOS's ``time_counter = "instant"``). Returns tos, NaN on land."""
    rng = np.random.default_rng(seed)
    edges = _xios_month_starts(12 * n_years)
    middles = (edges[:-1] + edges[1:]) / 2
    months = np.tile(np.arange(12), n_years)
    lat, lon = np.array([-60.0, -20.0, 20.0, 60.0]), np.arange(0.0, 360.0, 60.0)
    nav_lat, nav_lon = np.meshgrid(lat, lon, indexing="ij")
    tos = 15 + 5 * np.cos(np.radians(nav_lat)) + 3 * np.sin(2 * np.pi * months / 12)[:, None, None] \
        + rng.normal(0, 0.5, (months.size, *nav_lat.shape))
    tos[:, 3, 1:3] = np.nan  # land
    units = {"units": "seconds since 1900-01-01 00:00:00", "calendar": "gregorian"}
    bounds = np.stack([edges[:-1], edges[1:]], axis=1)
    dataset = xr.Dataset(
        {"tos": (("time_counter", "y", "x"), np.where(np.isnan(tos), 1e20, tos).astype("float32"),
                 {"standard_name": "sea_surface_temperature", "units": "degC", "_FillValue": np.float32(1e20),
                  "coordinates": f"{named} nav_lat nav_lon" if named else "nav_lat nav_lon"}),
         "time_counter_bounds": (("time_counter", "axis_nbounds"), bounds),
         "time_centered_bounds": (("time_counter", "axis_nbounds"), bounds)},
        coords={"time_counter": ("time_counter", middles if counter == "centered" else edges[1:],
                                 {"axis": "T", "standard_name": "time", "bounds": "time_counter_bounds", **units}),
                "time_centered": ("time_counter", middles, {"standard_name": "time", "bounds": "time_centered_bounds",
                                                            **units}),
                "nav_lat": (("y", "x"), nav_lat, {"standard_name": "latitude", "units": "degrees_north"}),
                "nav_lon": (("y", "x"), nav_lon, {"standard_name": "longitude", "units": "degrees_east"})},
        attrs={"Conventions": "CF-1.6"},  # NCO reads the coordinates attributes of CF files only
    )
    dataset.to_netcdf(path)
    return tos


def _weighted_mse(errors, latitudes):
    """Area-weighted MSE over the present values of ``errors`` (n_time, 4, 6) on the rows at
    ``latitudes`` (cells with edges midway, equal longitude widths): weights sin φ₂ − sin φ₁."""
    edges = np.concatenate([[latitudes[0] - 20], (latitudes[1:] + latitudes[:-1]) / 2, [latitudes[-1] + 20]])
    weights = np.broadcast_to((np.sin(np.radians(edges[1:])) - np.sin(np.radians(edges[:-1])))[None, :, None],
                              errors.shape)
    present = np.isfinite(errors)
    return float((weights[present] * errors[present] ** 2).sum() / weights[present].sum())


def _climatology_test_mse(tos, *, train_years=3, test_year=4):
    """The monthly climatology of the training years scored on the test year, by hand."""
    by_month = tos.reshape(-1, 12, *tos.shape[1:])
    climatology = np.nanmean(by_month[:train_years], axis=0)
    return _weighted_mse(climatology - by_month[test_year], np.array([-60.0, -20.0, 20.0, 60.0]))


def _train_tos(path, run_dir):
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    config = build_config({
        "data": {"paths": [str(path)], "target": "tos", "predictors": [], "features": ["lat", "season"],
                 "split_years": {"train": [2000, 2002], "val": [2003, 2003], "test": [2004, 2004]}},
        "model": {"hidden": [2]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    return json.loads((run_training(config, run_dir=run_dir).run_dir / "metrics.json").read_text())


@pytest.mark.parametrize("counter", [pytest.param("centered", id="time_counter-same-as-time_centered"),
                                     pytest.param("instant", id="time_counter-at-the-months-ends")])
def test_xios_output_with_two_time_coordinates_on_one_dimension_trains(tmp_path, counter):
    """NEMO/XIOS output: time_counter and time_centered on the dimension time_counter are one
    axis, not two (refused before as "several coordinates look like time", break14 F2); tos
    names time_centered, so its months are time_centered's whatever time_counter holds."""
    tos = _xios_output(tmp_path / "EXP_1m_grid_T.nc", counter=counter)
    opened = open_dataset([tmp_path / "EXP_1m_grid_T.nc"])
    assert opened["tos"].dims == ("time_centered", "y", "x")
    assert "time_counter" not in opened.variables and "time_counter_bounds" not in opened.variables
    assert [(t.year, t.month, t.day) for t in opened["time_centered"].values[:2]] == [(2000, 1, 16), (2000, 2, 15)]
    metrics = _train_tos(tmp_path / "EXP_1m_grid_T.nc", tmp_path / "run")
    test = metrics["splits"]["test"]["climatology"]
    assert test["n_samples"] == 12 * 22  # 24 cells less 2 of land
    assert test["mse"] == pytest.approx(_climatology_test_mse(tos), rel=1e-5)


def test_without_a_name_in_coordinates_the_dated_dimension_is_the_time_axis(tmp_path):
    """No variable names time_centered: the dimension coordinate's dates (CF §5: every
    variable's coordinate), here the months' ends, never refused as two axes."""
    _xios_output(tmp_path / "unnamed.nc", counter="instant", named=None, n_years=1)
    opened = open_dataset([tmp_path / "unnamed.nc"])
    assert opened["tos"].dims == ("time_counter", "y", "x") and "time_centered" not in opened.variables
    assert opened["time_counter"].attrs["bounds"] == "time_counter_bounds" and "time_centered_bounds" not in opened


def test_variables_naming_different_time_coordinates_of_one_dimension_are_refused(tmp_path):
    """An instantaneous field beside a mean, each naming its own dates: never guessed; the
    ncks lines split the file into copies that each open."""
    _xios_output(tmp_path / "mixed.nc", n_years=1)
    with xr.open_dataset(tmp_path / "mixed.nc", decode_cf=False) as raw:
        mixed = raw.load()
    mixed["time_instant"] = mixed["time_counter"] + 5 * 86400.0  # inside each month: one instant a month
    mixed["time_instant"].attrs = {key: value for key, value in mixed["time_counter"].attrs.items()
                                   if key in ("standard_name", "units", "calendar")}
    mixed["sos"] = mixed["tos"].copy(data=mixed["tos"].values * 0 + 35).assign_attrs(
        coordinates="time_instant nav_lat nav_lon", standard_name="sea_surface_salinity", units="1e-3")
    mixed.to_netcdf(tmp_path / "mixed2.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "mixed2.nc"])
    message = str(error.value)
    assert message.startswith("mixed2.nc: dimension 'time_counter' has several time coordinates and the variables name "
                              "different ones in their coordinates attribute (time_centered: tos; time_instant: sos)")
    assert message.endswith(f"ncks -v tos {tmp_path}/mixed2.nc {tmp_path}/mixed2_tos.nc; "
                            f"ncks -v sos {tmp_path}/mixed2.nc {tmp_path}/mixed2_sos.nc")
    if shutil.which("ncks"):
        for command in message.split("per time coordinate: ")[1].split("; "):
            subprocess.run(shlex.split(command), check=True)
        assert open_dataset([tmp_path / "mixed2_sos.nc"])["sos"].dims[0] == "time_instant"


def _time_on_dimension_t(path, attrs):
    """tas(t, lat, lon) with the dates in time(t), which no coordinates attribute names
    (break19b F5's file); ``attrs`` the time variable's identifying attributes."""
    from tests.conftest import grid_dataset

    full = grid_dataset(n_years=1)[["tas"]]
    written = xr.Dataset({"tas": (("t", "lat", "lon"), full["tas"].values, full["tas"].attrs),
                          "time": ("t", full["time"].values, attrs)},
                         coords={"lat": full["lat"], "lon": full["lon"]})
    written["time"].encoding.update(full["time"].encoding)
    written.to_netcdf(path)
    return full


@pytest.mark.parametrize("attrs", [
    pytest.param({"standard_name": "time", "axis": "T"}, id="standard-name-and-axis"),
    pytest.param({"axis": "T"}, id="axis-only"),
])
def test_a_time_variable_no_coordinates_attribute_names_is_the_time_axis(tmp_path, caplog, attrs):
    """It was 'no time coordinate found … coordinates present: lat, lon'."""
    from climann.data.notes import forget_notes

    forget_notes()
    full = _time_on_dimension_t(tmp_path / "tdim.nc", attrs)
    assert "time" not in xr.open_dataset(tmp_path / "tdim.nc").coords  # as the tester's file
    opened = open_dataset([tmp_path / "tdim.nc"])
    assert list(opened["time"].values) == list(full["time"].values)
    np.testing.assert_array_equal(opened["tas"].transpose("time", "lat", "lon").values, full["tas"].values)
    assert "tdim.nc: 'time' is taken as the time axis of dimension 't'" in caplog.text


def test_a_dated_variable_that_does_not_say_it_is_the_time_is_not_taken_for_it(tmp_path):
    _time_on_dimension_t(tmp_path / "tdim.nc", {"long_name": "date the value was written"})
    assert "time" not in open_dataset([tmp_path / "tdim.nc"]).coords


def test_the_time_renames_advised_beside_the_users_own_are_merged_with_them_and_run_past_the_refusal(tmp_path):
    """fix44k: the refusal of axes whose every name is taken advised --rename 'new.nc:time=time_2' beside the user's
    --rename 'new*:var134=sp', which the CLI refuses (a file takes the first pattern that matches it); its second
    option, --rename 'new.nc:valid_time=time', collided with new.nc's 'time'. The options advised, given as the CLI parses it in place of the user's, opens the files: both on one time axis, sp - t2m =
    1000 as written."""
    from climann.cli import _rename_rules

    reference = xr.DataArray(MONTHS[0], attrs={"long_name": "forecast reference time"})
    new = _era5(tmp_path / "new.nc", "var134", "valid_time", slice(None), seed=1000, extra={"time": reference})
    old = _era5(tmp_path / "old.nc", "t2m", "time", slice(None), seed=0,
                extra={"valid_time": xr.DataArray(1.0, attrs={"long_name": "a number"})})
    with pytest.raises(ClimannError) as raised:
        open_dataset([old, new], rename={"new*": {"var134": "sp"}})
    found = re.findall(r"((?:--rename '[^']+' ?)+) \(in place of the --rename options given\)", str(raised.value))
    assert len(found) == 1, str(raised.value)
    rules = _rename_rules([word for word in shlex.split(found[0]) if word != "--rename"])
    assert rules["new.nc"]["var134"] == "sp" and "new*" not in rules, rules
    dataset = open_dataset([old, new], rename=rules)
    assert dataset["sp"].dims[0] == dataset["t2m"].dims[0]
    np.testing.assert_array_equal(dataset["sp"].values - dataset["t2m"].values, 1000.0)
