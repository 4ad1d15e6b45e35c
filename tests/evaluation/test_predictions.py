import datetime
import logging
import re
import shutil

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.pointwise import build_pointwise_samples
from climann.data.run_outputs import PREDICTED_SUFFIX
from climann.evaluation.predictions import predictions_dataset, split_labels, write_predictions
from tests.conftest import grid_dataset


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"lat_descending": True, "calendar": "360_day"}, id="descending-lat-360_day"),
        pytest.param({"lon_start": -180.0, "calendar": "julian"}, id="lon-180-julian"),
    ],
)
def test_predictions_file_round_trip(tmp_path, options):
    source = grid_dataset(**options)
    source["lat"].attrs["bounds"] = "lat_bnds"
    source["tas"].encoding.update({"dtype": "int16", "scale_factor": 0.01, "add_offset": 250.0})
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    predicted = truth + 0.5
    predicted[0, 0, 0] = np.nan
    labels = ["train"] * 12 + ["val"] * 12 + ["test"] * 12
    dataset = predictions_dataset(layout, truth, predicted, labels, history="climann train --test")
    path = write_predictions(dataset, tmp_path / "predictions.nc", layout)

    with xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as reopened:
        assert reopened["tas"].dims == ("time", "lat", "lon")
        np.testing.assert_array_equal(reopened["lat"].values, source["lat"].values)
        np.testing.assert_array_equal(reopened["lon"].values, source["lon"].values)
        assert list(reopened["time"].values) == list(source["time"].values)
        assert reopened["time"].encoding["calendar"] == options["calendar"]
        np.testing.assert_allclose(reopened["tas_error"].values[0, 1], 0.5, rtol=1e-5)
        assert np.isnan(reopened["tas_pred"].values[0, 0, 0])
        assert reopened["tas_pred"].attrs["units"] == "K"
        assert reopened["tas_pred"].attrs["standard_name"] == "air_temperature"
        assert "standard_name" not in reopened["tas_error"].attrs
        assert reopened["tas"].attrs["standard_name"] == "air_temperature"
        assert list(split_labels(reopened["split"])[[0, 12, 35]]) == ["train", "val", "test"]
        assert reopened.attrs["Conventions"] == "CF-1.8"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: climann train --test", reopened.attrs["history"])
    with netCDF4.Dataset(path) as raw:  # the input's packing must not leak into the output
        assert raw["tas"].dtype == np.float32
        assert not hasattr(raw["tas"], "scale_factor")
        for coordinate in ("time", "lat", "lon"):  # CF: no fill values on coordinates
            assert "_FillValue" not in raw[coordinate].ncattrs()
        assert "bounds" not in raw["lat"].ncattrs()  # lat_bnds is not in this file
        assert raw["split"].dtype == np.int8  # not a string: CDO and other tools read it
    assert [p.name for p in tmp_path.iterdir()] == ["predictions.nc"]  # no temporary left


# --- curvilinear and rotated-pole grids -------------------------------------------------------------
def _write_round_trip(dataset, target, path):
    samples = build_pointwise_samples(dataset, target=target, predictors=(), features=("lat",))
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    output = predictions_dataset(layout, truth, truth + 0.5, [""] * layout.shape[0], history="test")
    return write_predictions(output, path, layout)


@pytest.mark.parametrize("with_latlon", [pytest.param(True, id="2d-latlon"), pytest.param(False, id="mapping-only")])
def test_predictions_of_a_rotated_grid_keep_dims_latlon_and_grid_mapping(tmp_path, with_latlon):
    from climann.data.open import open_dataset
    from tests.grid_files import RLAT, RLON, rotated_to_geographic, write_rotated

    source = open_dataset([write_rotated(tmp_path / "rotated.nc", with_latlon=with_latlon)])
    path = _write_round_trip(source, "tas", tmp_path / "predictions.nc")
    true_lat, true_lon = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    with netCDF4.Dataset(path) as raw:
        assert raw["tas_pred"].dimensions == ("time", "rlat", "rlon")
        for name in ("tas", "tas_pred", "tas_error"):
            assert raw[name].grid_mapping == "rotated_pole"
            assert set(raw[name].coordinates.split()) == {"lat", "lon"}
        assert raw["lat"].dimensions == ("rlat", "rlon") and raw["lat"].units == "degrees_north"
        np.testing.assert_allclose(raw["lat"][:], true_lat, atol=1e-9)
        np.testing.assert_allclose((raw["lon"][:] - true_lon + 180) % 360 - 180, 0, atol=1e-9)
        np.testing.assert_array_equal(raw["rlat"][:], RLAT)
        assert raw["rlat"].standard_name == "grid_latitude"
        mapping = raw["rotated_pole"]
        assert mapping.grid_mapping_name == "rotated_latitude_longitude"
        assert (mapping.grid_north_pole_latitude, mapping.grid_north_pole_longitude) == (39.25, 198.0)
        if not with_latlon:  # computed, with the cell corners
            assert raw["lat"].bounds == "lat_bnds" and raw["lat_bnds"].dimensions == ("rlat", "rlon", "nv")
        np.testing.assert_allclose(raw["tas_error"][:], 0.5, rtol=1e-5)
    with xr.open_dataset(path) as reopened:  # xarray reads lat/lon back as coordinates
        assert reopened["tas_pred"].coords["lat"].dims == ("rlat", "rlon")


def test_predictions_of_a_curvilinear_grid_keep_index_dims_and_2d_coordinates_with_bounds(tmp_path):
    lat2d, lon2d = np.array([[10.0, 11.0, 12.0], [20.0, 21.0, 22.0]]), np.array([[0.0, 10.0, 20.0], [2.0, 12.0, 22.0]])
    corners = np.stack([lat2d - 5, lat2d - 5, lat2d + 5, lat2d + 5], axis=-1)
    times = xr.date_range("2000-01-01", periods=3, freq="MS", calendar="noleap", use_cftime=True)
    source = xr.Dataset(
        {"tos": (("time", "j", "i"), np.arange(18.0).reshape(3, 2, 3), {"units": "degC"}),
         "bounds_lat": (("j", "i", "nvertex"), corners),
         "bounds_lon": (("j", "i", "nvertex"), np.stack([lon2d - 5, lon2d + 5, lon2d + 5, lon2d - 5], axis=-1))},
        coords={"time": times,
                "nav_lat": (("j", "i"), lat2d, {"standard_name": "latitude", "bounds": "bounds_lat"}),
                "nav_lon": (("j", "i"), lon2d, {"standard_name": "longitude", "bounds": "bounds_lon"})},
    )
    path = _write_round_trip(source, "tos", tmp_path / "predictions.nc")
    with netCDF4.Dataset(path) as raw:
        assert raw["tos_pred"].dimensions == ("time", "j", "i")
        assert "j" not in raw.variables and "i" not in raw.variables  # index-only dims stay so
        assert not hasattr(raw["tos_pred"], "grid_mapping")
        assert raw["nav_lat"].bounds == "bounds_lat" and raw["bounds_lat"].dimensions == ("j", "i", "nvertex")
        np.testing.assert_array_equal(raw["bounds_lat"][:], corners)
        np.testing.assert_array_equal(raw["nav_lon"][:], lon2d)
        for name in ("nav_lat", "nav_lon", "bounds_lat"):
            assert "_FillValue" not in raw[name].ncattrs()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        pytest.param({"time_units": "months since 2000-01-01"}, "units 'months since 2000-01-01'", id="months-since"),
        pytest.param({"time_units": "days since 2000-01-01", "calendar": "martian"}, "calendar 'martian'",
                     id="unknown-calendar"),
    ],
)
def test_an_output_encoding_that_cannot_be_written_is_refused_up_front(change, named):
    import dataclasses

    from climann.errors import ClimannError
    from climann.evaluation.predictions import check_predictions_encodable

    layout = build_pointwise_samples(grid_dataset(), target="tas", predictors=("pred",), features=()).layout
    check_predictions_encodable(layout, ["persistence"])  # the input's own encoding is writable
    with pytest.raises(ClimannError, match=f"predictions.nc could not be written .*{named}"):
        check_predictions_encodable(dataclasses.replace(layout, **change), ["persistence"])


def _with_fraction(attrs: dict):
    """The layout of grid_dataset with a land fraction of ``attrs`` weighing its areas (as
    :func:`climann.data.area_fractions.file_area_fraction` records a CMIP6 sftlf)."""
    import dataclasses

    from climann.data.layout import Coordinate

    layout = build_pointwise_samples(grid_dataset(), target="tas", predictors=("pred",), features=()).layout
    fraction = np.linspace(0.0, 1.0, layout.shape[1] * layout.shape[2]).reshape(layout.shape[1:])
    return dataclasses.replace(layout, area_fraction=Coordinate("sftlf", fraction, attrs))


def test_a_fraction_naming_an_area_file_not_given_is_written_with_it_as_external(tmp_path):
    """break32a A2: a CMIP6 sftlf whose cell_measures names areacella, given without the areacella file,
    made xarray's writer raise KeyError 'areacella' (reported as the time encoding). CF 1.7+ §2.6.3: the
    file names it in its global external_variables, and sftlf keeps its cell_measures."""
    from climann.evaluation.predictions import check_predictions_encodable

    layout = _with_fraction({"standard_name": "land_area_fraction", "cell_measures": "area: areacella"})
    check_predictions_encodable(layout, ["persistence"])
    truth = np.zeros(layout.shape, dtype=np.float32)
    dataset = predictions_dataset(layout, truth, truth, ["train"] * layout.shape[0])
    path = write_predictions(dataset, tmp_path / "predictions.nc", layout)
    with netCDF4.Dataset(path) as raw:
        assert raw.external_variables == "areacella"
        assert raw["sftlf"].cell_measures == "area: areacella"
        assert "areacella" not in raw.variables
        np.testing.assert_allclose(raw["sftlf"][:], layout.area_fraction.values)


def test_a_write_refused_for_another_cause_than_the_times_does_not_blame_the_time_encoding():
    """break32a A2: every refusal of the writer was reported as "the input's time encoding"; the times are
    written first on their own, so a refusal after them names the variables and attributes."""
    from climann.errors import ClimannError
    from climann.evaluation.predictions import check_predictions_encodable

    layout = _with_fraction({"standard_name": "land_area_fraction", "source": {"not": "text"}})
    with pytest.raises(ClimannError, match="could not be written with the input's variables and attributes: ") as caught:
        check_predictions_encodable(layout)
    assert "time encoding" not in str(caught.value)


@pytest.mark.parametrize("where", [pytest.param("time", id="times"), pytest.param("time_bounds", id="bounds")])
def test_dates_of_another_calendar_after_the_first_step_are_refused_up_front(where):
    """A test block in CMIP's standard calendar after an ERA5 train block in proleptic_gregorian:
    the one-step file and cftime.date2num passed, and predictions.nc failed after training
    (break15 F8, xarray's "cannot compute the time difference between dates with different calendars")."""
    import dataclasses

    from climann.errors import ClimannError
    from climann.evaluation.predictions import check_predictions_encodable

    layout = build_pointwise_samples(grid_dataset(calendar="proleptic_gregorian"), target="tas", predictors=("pred",),
                                     features=()).layout
    times = np.asarray(layout.time.values)
    cells = np.stack([times, times + datetime.timedelta(days=1)], axis=1)
    layout = dataclasses.replace(layout, time_bounds=cells)
    check_predictions_encodable(layout)  # one calendar: writable
    standard = np.vectorize(lambda date: date.change_calendar("standard"), otypes=[object])
    if where == "time":
        changed = {"time": dataclasses.replace(layout.time, values=np.concatenate([times[:24], standard(times[24:])]))}
    else:
        changed = {"time_bounds": np.concatenate([cells[:24], standard(cells[24:])])}
    with pytest.raises(ClimannError, match="predictions.nc could not be written .*calendar 'proleptic_gregorian'.*: "
                                           "cannot compute the time difference between dates with different calendars"):
        check_predictions_encodable(dataclasses.replace(layout, **changed))


@pytest.mark.parametrize(
    ("word", "written", "per_day"),
    [
        pytest.param("h", "hours", 24, id="h"),
        pytest.param("d", "days", 1, id="d"),
        pytest.param("hrs", "hours", 24, id="hrs"),
        pytest.param("sec", "seconds", 86400, id="sec"),
        pytest.param("min", "minutes", 1440, id="min"),
        pytest.param("msec", "milliseconds", 86_400_000, id="msec"),
    ],
)
def test_times_in_an_abbreviated_unit_are_written_in_its_full_word_with_the_same_numbers(tmp_path, word, written,
                                                                                        per_day):
    """'h since 2001-01-01' (CF §4.4's abbreviation) decodes; predictions.nc was refused
    (xarray's KeyError 'hs'). Now written as 'hours since 2001-01-01': the input's numbers,
    reference date and calendar, so the same dates."""
    from climann.data.open import open_dataset
    from climann.evaluation.predictions import check_predictions_encodable

    path = tmp_path / f"{word}.nc"
    grid_dataset(calendar="360_day").to_netcdf(path, encoding={"time": {"units": "days since 2001-01-01"}})
    with netCDF4.Dataset(path, "a") as raw:
        days = raw["time"][:].data.copy()
        raw["time"][:] = days * per_day
        raw["time"].units = f"{word} since 2001-01-01"
    layout = build_pointwise_samples(open_dataset([path]), target="tas", predictors=("pred",), features=()).layout
    check_predictions_encodable(layout, ["persistence"])
    field = np.zeros(layout.shape)
    written_path = write_predictions(predictions_dataset(layout, field, field, ["train"] * layout.shape[0]),
                                     tmp_path / "predictions.nc", layout)
    with netCDF4.Dataset(written_path) as raw:
        assert raw["time"].units == f"{written} since 2001-01-01" and raw["time"].calendar == "360_day"
        np.testing.assert_array_equal(raw["time"][:].data, days * per_day)


# --- CF metadata kept from the input -----------------------------------------------------------------
HISTORY_LINE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: "


def _cmip_like(kind: str) -> xr.Dataset:
    """A CMIP-like file: monthly bounds of time, latitude and longitude, cell_methods, a
    history; ``height`` a scalar coordinate of tas, or ta on two pressure levels (one to be
    selected) with a size-1 ensemble-member dimension."""
    import cftime

    source = grid_dataset(n_years=2, calendar="noleap")
    starts = [cftime.DatetimeNoLeap(t.year, t.month, 1) for t in source["time"].values]
    ends = [cftime.DatetimeNoLeap(t.year + (t.month == 12), t.month % 12 + 1, 1) for t in source["time"].values]
    lat, lon = source["lat"].values, source["lon"].values
    source = source.assign(
        time_bnds=(("time", "bnds"), np.array([starts, ends], dtype=object).T),
        lat_bnds=(("lat", "bnds"), np.stack([lat - 22.5, lat + 22.5], axis=1)),
        lon_bnds=(("lon", "bnds"), np.stack([lon - 30.0, lon + 30.0], axis=1)),
    )
    for name in ("time", "lat", "lon"):
        source[name].attrs["bounds"] = f"{name}_bnds"
    source.attrs["history"] = "Mon Jan 01 00:00:00 2024: ncks -v tas in.nc out.nc\nMon Jan 01 00:00:00 2023: made"
    if kind == "height":
        source = source.assign_coords(height=((), 2.0, {"units": "m", "standard_name": "height", "axis": "Z",
                                                        "positive": "up"}))
        source["tas"].attrs["cell_methods"] = "area: time: mean"
        return source
    levels = xr.DataArray([85000.0, 50000.0], dims="plev",
                          attrs={"units": "Pa", "standard_name": "air_pressure", "axis": "Z", "positive": "down"})
    ta = xr.concat([source["tas"], source["tas"] - 30.0], dim=levels).expand_dims(realization=[3])
    ta = ta.transpose("time", "realization", "plev", "lat", "lon")
    ta.attrs = {"units": "K", "standard_name": "air_temperature", "cell_methods": "time: mean"}
    source = source.assign(tas=ta).drop_vars("landonly")
    source["realization"].attrs = {"standard_name": "realization", "long_name": "ensemble member"}
    return source


@pytest.mark.parametrize("kind", [pytest.param("height", id="height-2m"), pytest.param("level", id="selected-level")])
def test_predictions_keep_cell_methods_bounds_scalar_coordinates_and_history(tmp_path, kind):
    from climann.data.open import open_dataset
    from climann.data.subset import subset_dataset

    _cmip_like(kind).to_netcdf(tmp_path / "input.nc")
    source = subset_dataset(open_dataset([tmp_path / "input.nc"]), select={"plev": 85000.0} if kind == "level" else {})
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    output = predictions_dataset(layout, truth, truth + 0.5, ["train"] * 24, history="climann train --x",
                                 baselines={"linear": truth})
    path = write_predictions(output, tmp_path / "predictions.nc", layout)

    with xr.open_dataset(tmp_path / "input.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as inputs, \
            xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as reopened:
        for name in ("tas", "tas_pred", "tas_error", "tas_linear"):
            assert reopened[name].attrs["cell_methods"] == inputs["tas"].attrs["cell_methods"], name
        for name in ("time_bnds", "lat_bnds", "lon_bnds"):
            np.testing.assert_array_equal(reopened[name].values, inputs[name].values)
        assert reopened["time_bnds"].encoding["calendar"] == "noleap"
        expected = {"height": ("height", 2.0, "m")} if kind == "height" else {
            "plev": ("air_pressure", 85000.0, "Pa"), "realization": ("realization", 3, None)}
        for name, (standard_name, value, units) in expected.items():
            assert reopened[name].ndim == 0 and reopened[name].item() == value, name
            assert reopened[name].attrs["standard_name"] == standard_name
            assert reopened[name].attrs.get("units") == units
            assert name in reopened["tas_pred"].coords
        history = reopened.attrs["history"].split("\n")
        assert re.fullmatch(HISTORY_LINE + "climann train --x", history[0])
        assert history[1:] == inputs.attrs["history"].split("\n")  # the input's, unchanged, after it
    with netCDF4.Dataset(path) as raw:
        for name in ("time", "lat", "lon"):
            assert raw[name].bounds == f"{name}_bnds" and raw[f"{name}_bnds"].dimensions == (name, "bnds")
            assert "_FillValue" not in raw[f"{name}_bnds"].ncattrs()
        assert set(raw["tas"].coordinates.split()) == set(expected)
        for name in ("time_bnds", "lat_bnds", "split"):  # the scalar coordinates are the fields'
            assert "coordinates" not in raw[name].ncattrs(), name


def test_history_lines_are_iso_8601_utc():
    import datetime

    from climann.evaluation.predictions import file_history, history_line

    paris = datetime.timezone(datetime.timedelta(hours=1))
    when = datetime.datetime(2026, 11, 30, 20, 5, 7, tzinfo=paris)
    assert history_line("climann train", when) == "2026-11-30T19:05:07Z: climann train"
    assert re.fullmatch(HISTORY_LINE + "climann predict\nolder\nolder still",
                        file_history("climann predict", "older\nolder still\n"))
    assert file_history("", "the input's own") == "the input's own"
    assert re.fullmatch(HISTORY_LINE + "climann evaluate", file_history("climann evaluate", "  "))


# --- split: integer flags, and the strings of older files --------------------------------------------
@pytest.mark.parametrize(
    ("labels", "values", "meanings"),
    [
        pytest.param(["train", "train", "val", "test"], [1, 2, 3], "train val test", id="train-val-test"),
        pytest.param(["train", "", "val", "", "test"], [0, 1, 2, 3], "unused train val test", id="gap-years"),
        pytest.param(["all", "all"], [4], "all", id="evaluate-other-data"),
    ],
)
def test_split_is_written_as_int8_flags_and_read_back(tmp_path, labels, values, meanings):
    from climann.evaluation.predictions import split_variable

    variable = split_variable(labels, "time")
    xr.Dataset({"split": variable}).to_netcdf(tmp_path / "split.nc")
    with netCDF4.Dataset(tmp_path / "split.nc") as raw:
        assert raw["split"].dtype == np.int8
        assert list(np.atleast_1d(raw["split"].flag_values)) == values
        assert raw["split"].flag_meanings == meanings
        codes = {"": 0, "train": 1, "val": 2, "test": 3, "all": 4}
        assert list(raw["split"][:]) == [codes[label] for label in labels]  # fixed codes, whatever the file
    with xr.open_dataset(tmp_path / "split.nc") as reopened:
        assert list(split_labels(reopened["split"])) == labels


@pytest.mark.parametrize(("labels", "long_name"), [
    pytest.param(["train", "val", "test"], "data split of each time step (train; val: validation; test)",
                 id="a-run"),
    pytest.param(["train", "", "val", "", "test"],
                 "data split of each time step (unused: in no block; train; val: validation; test)", id="gap-years"),
    pytest.param(["all", "all"], "data split of each time step (all: the whole period scored as one block)",
                 id="evaluate-other-data"),
    pytest.param(["", ""], "data split of each time step (unused: in no block)", id="predict"),
])
def test_the_split_long_name_explains_its_flag_meanings_and_no_others(labels, long_name):
    """CF 1.8 §3.5: the flag_values are those present; a long_name naming 'all' and 'unused'
    beside the flags 1, 2, 3 described codes the variable does not hold."""
    from climann.evaluation.predictions import split_variable

    variable = split_variable(labels, "time")
    assert variable.attrs["long_name"] == long_name
    named = re.findall(r"(?:\(|; )(\w+)", long_name)
    assert named == variable.attrs["flag_meanings"].split()


def test_split_strings_of_older_files_are_still_read(tmp_path):
    labels = ["train", "val", "test", ""]
    xr.Dataset({"split": ("time", np.array(labels, dtype=object))}).to_netcdf(tmp_path / "old.nc")
    with xr.open_dataset(tmp_path / "old.nc") as old:
        assert list(split_labels(old["split"])) == labels


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        pytest.param({}, "no matching flag_values and flag_meanings", id="no-flags"),
        pytest.param({"flag_values": [1, 2], "flag_meanings": "train"}, "no matching", id="counts-differ"),
        pytest.param({"flag_values": [1], "flag_meanings": "train"}, "code 2", id="unknown-code"),
    ],
)
def test_a_split_variable_without_usable_flags_is_refused(attrs, message):
    from climann.errors import ClimannError

    with pytest.raises(ClimannError, match=message):
        split_labels(xr.DataArray(np.array([1, 2], dtype=np.int8), dims="time", attrs=attrs))


@pytest.mark.parametrize("units", ["hours since 1-1-1 00:00:0.0", "days since 10-1-1", "days since 1850-01-01"])
def test_a_reference_year_is_padded_to_four_digits_and_means_the_same_dates(units):
    """NCEP/NCAR reanalysis files say 'hours since 1-1-1 00:00:0.0'; written padded, readers do not
    warn that they guessed the year, and the numbers are those of the original units."""
    import warnings

    import cftime

    from climann.evaluation.predictions import padded_time_units

    padded = padded_time_units(units)
    assert re.search(r"since \d{4}-", padded) and padded.split(" since ")[0] == units.split(" since ")[0]
    dates = [cftime.datetime(1948, 1, 15, 12, calendar="standard"), cftime.datetime(2012, 1, 15, 12, calendar="standard")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cftime.date2num(dates, units, "standard")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.array_equal(cftime.date2num(dates, padded, "standard"), expected)
        xr.coding.times.decode_cf_datetime(np.array(expected), padded, "standard", use_cftime=True)


def test_predictions_of_end_stamped_means_keep_the_files_times_and_bounds(tmp_path):
    from climann.data.open import open_dataset
    from climann.evaluation.figures import layout_from_predictions
    from tests.data.test_time_cells import cesm_like

    path = cesm_like(tmp_path / "cesm.nc")
    samples = build_pointwise_samples(open_dataset([path]), target="tas", predictors=(), features=("lat",))
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    output = write_predictions(predictions_dataset(layout, truth, truth, ["train"] * 24), tmp_path / "p.nc", layout)

    with xr.open_dataset(path, decode_times=False) as inputs, xr.open_dataset(output, decode_times=False) as raw:
        np.testing.assert_array_equal(raw["time"].values, inputs["time"].values)  # 31, 59, …, 730: the ends
        np.testing.assert_array_equal(raw["time_bnds"].values, inputs["time_bnds"].values)
    with xr.open_dataset(output, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as reopened:
        months = [time.month for time in layout_from_predictions(reopened, "tas").time.values]
    assert months == list(range(1, 13)) * 2  # its figures date the steps as the run did


def test_time_is_written_as_the_record_dimension_so_that_ncrcat_joins_two_files(tmp_path):
    """The time of a prediction file was fixed-size: `ncrcat a.nc b.nc` of a scenario predicted
    in two pieces failed ('must contain a record variable', break21a); CMOR and CDO write time
    as the unlimited dimension, and so does climann."""
    import shutil
    import subprocess

    source = grid_dataset(n_years=2)
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    path = write_predictions(predictions_dataset(layout, truth, truth + 0.5, [""] * 24).drop_vars("split"),
                             tmp_path / "a.nc", layout)
    with netCDF4.Dataset(path) as raw:
        assert raw.dimensions["time"].isunlimited()
        assert not raw.dimensions["lat"].isunlimited() and not raw.dimensions["lon"].isunlimited()
        np.testing.assert_allclose(raw["tas_pred"][:], truth + 0.5, rtol=1e-6)
    if shutil.which("ncrcat") is None:
        return
    shutil.copy(path, tmp_path / "b.nc")
    subprocess.run(["ncrcat", "-O", str(path), str(tmp_path / "b.nc"), str(tmp_path / "joined.nc")], check=True,
                   capture_output=True)
    with netCDF4.Dataset(tmp_path / "joined.nc") as joined:
        assert len(joined.dimensions["time"]) == 48
        np.testing.assert_allclose(joined["tas_pred"][24:], truth + 0.5, rtol=1e-6)


def test_the_cell_measure_of_a_curvilinear_grid_names_its_true_latitude_and_longitude(tmp_path):
    """areacello on (j, i) is written with the fields' cell_measures and, on a grid whose
    rows and columns are no latitude and longitude, their 2-D names in its coordinates (the
    IOOS checker's CF §5.6 error without them); land (NaN) areas as the fill value."""
    lat2d, lon2d = np.array([[10.0, 11.0, 12.0], [20.0, 21.0, 22.0]]), np.array([[0.0, 10.0, 20.0], [2.0, 12.0, 22.0]])
    areas = np.array([[1.0, 2.0, np.nan], [4.0, 5.0, 6.0]]) * 1e9
    times = xr.date_range("2000-01-01", periods=3, freq="MS", calendar="noleap", use_cftime=True)
    source = xr.Dataset(
        {"tos": (("time", "j", "i"), np.arange(18.0).reshape(3, 2, 3), {"units": "degC",
                                                                        "cell_measures": "area: areacello"}),
         "areacello": (("j", "i"), areas, {"units": "m2", "standard_name": "cell_area"})},
        coords={"time": times, "nav_lat": (("j", "i"), lat2d, {"standard_name": "latitude"}),
                "nav_lon": (("j", "i"), lon2d, {"standard_name": "longitude"})},
    )
    path = _write_round_trip(source, "tos", tmp_path / "predictions.nc")
    with netCDF4.Dataset(path) as raw:
        assert raw["areacello"].dimensions == ("j", "i")
        np.testing.assert_array_equal(np.ma.filled(raw["areacello"][:], np.nan), areas)
        assert set(raw["areacello"].coordinates.split()) == {"nav_lat", "nav_lon"}
        assert raw["areacello"].units == "m2"
        for name in ("tos", "tos_pred", "tos_error"):
            assert raw[name].cell_measures == "area: areacello"


# --- predictions of a quantity that cannot be negative (break22c F2) ---------------------------------
PR_ATTRS = {"units": "kg m-2 s-1", "standard_name": "precipitation_flux"}


def negative_predictions_case(attrs, lowest):
    """A layout whose target has ``attrs``, its truth ≥ 0, and predictions with every fourth
    value of the first step set to ``lowest`` (the rest the truth)."""
    source = grid_dataset(n_years=1)
    source["tas"] = source["tas"] * 0 + source["pred"] * 1e-5
    source["tas"].attrs = dict(attrs)
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    predicted = truth.copy()
    predicted.reshape(-1)[::4] = lowest
    return layout, truth, predicted


@pytest.mark.parametrize("attrs, lowest, warned", [
    pytest.param(PR_ATTRS, -2e-6, True, id="precipitation"),
    pytest.param({**PR_ATTRS, "standard_name": "air_temperature", "units": "K"}, -2e-6, False, id="may-be-negative"),
    pytest.param(PR_ATTRS, -1e-12, False, id="rounding-below-zero"),
])
def test_negative_predictions_of_a_quantity_that_cannot_be_negative_are_written_with_one_warning(
    tmp_path, caplog, attrs, lowest, warned
):
    layout, truth, predicted = negative_predictions_case(attrs, lowest)
    dataset = predictions_dataset(layout, truth, predicted, [""] * layout.shape[0], history="test")
    with caplog.at_level("WARNING", logger="climann"):
        path = write_predictions(dataset, tmp_path / "predictions.nc", layout)
    negative, present = int((predicted < 0).sum()), int(np.isfinite(predicted).sum())
    expected = (f"{100 * negative / present:.3g} % of the predicted tas ({negative} of {present} values, down to "
                f"{lowest:.3g} kg m-2 s-1) are negative, which its standard_name precipitation_flux says it cannot "
                "be: they are written as predicted (tas_pred in predictions.nc; the output layer bounds nothing) and "
                "scored as they are")
    assert [record.getMessage() for record in caplog.records if "negative" in record.getMessage()] == (
        [expected] if warned else [])
    assert negative == predicted.size // 4
    with xr.open_dataset(path) as written:  # not clipped
        assert float(written["tas_pred"].min()) == pytest.approx(lowest, rel=1e-6)


def test_negative_predictions_are_counted_on_the_scored_steps_only(tmp_path, caplog):
    """fix53d: evaluate --time-range of January read the step before it for persistence, predicted and
    wrote it (split "unused"), and counted its negative predictions too: "of 384 values", 32 days, where
    31 days, 372 values, were scored. The count is numpy's on the steps of the block alone."""
    layout, truth, predicted = negative_predictions_case(PR_ATTRS, -2e-6)
    labels = [""] + ["all"] * (layout.shape[0] - 1)
    dataset = predictions_dataset(layout, truth, predicted, labels, history="test")
    with caplog.at_level("WARNING", logger="climann"):
        write_predictions(dataset, tmp_path / "predictions.nc", layout)
    scored = predicted[1:]
    negative, present = int((scored < 0).sum()), int(np.isfinite(scored).sum())
    assert present < int(np.isfinite(predicted).sum()) and int((predicted[0] < 0).sum()) > 0  # the counts differ
    [said] = [record.getMessage() for record in caplog.records if "negative" in record.getMessage()]
    assert said.startswith(f"{100 * negative / present:.3g} % of the predicted tas ({negative} of {present} values, ")


@pytest.mark.parametrize("attrs, says", [
    pytest.param({"units": "mm", "standard_name": "surface_snow_thickness"}, "its standard_name surface_snow_thickness",
                 id="snow-depth"),
    pytest.param({"units": "m", "standard_name": "sea_ice_thickness"}, "its standard_name sea_ice_thickness",
                 id="sea-ice-thickness"),
    pytest.param({"units": "m", "long_name": "Lake ice total depth"},
                 "its long_name 'Lake ice total depth' (a thickness or depth, in m)", id="ERA5-licd-no-standard-name"),
])
def test_negative_predictions_of_a_thickness_are_warned_of_and_counted(tmp_path, caplog, attrs, says):
    """break46d A3: 451 of 2191 predicted GHCN snow depths (surface_snow_thickness) were below 0, down
    to -132 mm, and sea-ice and lake-ice thicknesses alike, with no word, where precipitation gets
    the warning. The count and the lowest value are numpy's, on the values written."""
    layout, truth, predicted = negative_predictions_case(attrs, -0.05)
    dataset = predictions_dataset(layout, truth, predicted, [""] * layout.shape[0], history="test")
    with caplog.at_level("WARNING", logger="climann"):
        path = write_predictions(dataset, tmp_path / "predictions.nc", layout)
    with xr.open_dataset(path) as written:
        values = written["tas_pred"].values
    negative, present = int((values < 0).sum()), int(np.isfinite(values).sum())
    assert negative == predicted.size // 4 and present == predicted.size
    expected = (f"{100 * negative / present:.3g} % of the predicted tas ({negative} of {present} values, down to "
                f"{float(np.nanmin(values)):.3g} {attrs['units']}) are negative, which {says} says it cannot be")
    warned = [record.getMessage() for record in caplog.records if "negative" in record.getMessage()]
    assert len(warned) == 1 and warned[0].startswith(expected)


def test_the_negative_prediction_warning_quotes_the_variables_own_long_name(tmp_path, caplog):
    """rerun33 R3c: ERA5's rowe (no standard_name) was warned of as "its long_name 'Runoff water equivalent (surface
    plus subsurface) predicted by climann' says it cannot be", the long_name of tas_pred, not of the variable."""
    long_name = "Runoff water equivalent (surface plus subsurface)"
    layout, truth, predicted = negative_predictions_case({"units": "kg m-2", "long_name": long_name}, -2e-6)
    dataset = predictions_dataset(layout, truth, predicted, [""] * layout.shape[0], history="test")
    with caplog.at_level("WARNING", logger="climann"):
        path = write_predictions(dataset, tmp_path / "predictions.nc", layout)
    [said] = [record.getMessage() for record in caplog.records if "negative" in record.getMessage()]
    assert f"are negative, which its long_name '{long_name}' says it cannot be:" in said
    with xr.open_dataset(path) as written:  # the file's own label of the predictions is kept
        assert written["tas_pred"].attrs["long_name"] == f"{long_name}{PREDICTED_SUFFIX}"
        assert written["tas"].attrs["long_name"] == long_name


def bounded_predictions_case(attrs, highest):
    """A layout whose target has ``attrs``, its truth within 0 … 1, and predictions with every fourth
    value of the first step set to ``highest`` (the rest the truth)."""
    source = grid_dataset(n_years=1)
    source["tas"] = source["tas"] * 0 + abs(np.sin(source["pred"]))
    source["tas"].attrs = dict(attrs)
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    predicted = truth.copy()
    predicted.reshape(-1)[::4] = highest
    return layout, truth, predicted


@pytest.mark.parametrize("attrs, highest, bound, reason", [
    pytest.param({"units": "%", "long_name": "probability of 2m temperature tercile category, JJA, lead 1 month "
                               "(relative to 1993-2016 hindcast)"}, 118.9, "100 %",
                 "its units '%' say", id="C3S tercile probability in %"),
    pytest.param({"units": "%", "long_name": "2m temperature anomaly relative to 1993-2016"}, 118.9, None, None,
                 id="an anomaly in %: no bound"),
    pytest.param({"units": "percent", "standard_name": "cloud_area_fraction"}, 101.0, "100 percent",
                 "its units 'percent' say", id="cloud cover in percent"),
    pytest.param({"units": "1", "standard_name": "sea_ice_area_fraction"}, 1.2, "1",
                 "its standard_name sea_ice_area_fraction in units '1' says", id="sea-ice fraction"),
    pytest.param({"units": "1", "long_name": "probability of tercile category"}, 1.2, "1",
                 "its long_name 'probability of tercile category' in units '1' says", id="probability in 1"),
    pytest.param({"units": "%", "long_name": "Precipitation percent of normal"}, 250.0, None, None,
                 id="percent of normal: no bound"),
    pytest.param({"units": "%", "long_name": "Root zone soil moisture, percent of field capacity"}, 130.0, None, None,
                 id="percent of field capacity: no bound"),  # fix36b: "cannot be above 100 %"
    pytest.param({"units": "percent", "long_name": "Reservoir storage as percentage of storage capacity"}, 104.0,
                 None, None, id="percent of capacity: no bound"),
    pytest.param({"units": "%", "long_name": "Soil moisture relative to field capacity"}, 130.0, None, None,
                 id="relative to field capacity: no bound"),
    pytest.param({"units": "%", "long_name": "Near-Surface Relative Humidity", "standard_name": "relative_humidity"},
                 101.0, "100 %", "its units '%' say", id="relative humidity in %: bounded"),
    pytest.param({"units": "1", "long_name": "Standardized Precipitation Index"}, 2.5, None, None,
                 id="unitless index: no bound"),
    pytest.param({"units": "K", "long_name": "fraction of the year above freezing"}, 1.2, None, None,
                 id="not unitless: no bound"),
    pytest.param({"units": "%"}, 100 + 1e-9, None, None, id="rounding above 100"),
])
def test_predictions_of_a_share_above_the_whole_are_written_with_one_warning(tmp_path, caplog, attrs, highest, bound,
                                                                            reason):
    """break34b C4: predicted tercile probabilities in % ranged from -16.6 to 118.9 % without a word; a negative
    amount was warned of, a share above its whole was not."""
    layout, truth, predicted = bounded_predictions_case(attrs, highest)
    dataset = predictions_dataset(layout, truth, predicted, [""] * layout.shape[0], history="test")
    with caplog.at_level("WARNING", logger="climann"):
        path = write_predictions(dataset, tmp_path / "predictions.nc", layout)
    said = [record.getMessage() for record in caplog.records if "are above" in record.getMessage()]
    if bound is None:
        assert said == []
    else:
        above, present = int((predicted > float(bound.split()[0])).sum()), int(np.isfinite(predicted).sum())
        assert above == predicted.size // 4
        units = "" if attrs["units"] == "1" else f" {attrs['units']}"
        assert said == [f"{100 * above / present:.3g} % of the predicted tas ({above} of {present} values, up to "
                        f"{highest:.3g}{units}) are above {bound}, which {reason} it cannot be: they are written as "
                        "predicted (tas_pred in predictions.nc; the output layer bounds nothing) and scored as they are"]
    with xr.open_dataset(path) as written:  # not clipped
        assert float(written["tas_pred"].max()) == pytest.approx(highest, rel=1e-6)


def test_negative_predictions_of_a_share_are_warned_of_by_its_units(tmp_path, caplog):
    """A probability in % below 0 (break34b C4: down to -16.6 %) is as impossible as one above 100 %."""
    layout, truth, predicted = bounded_predictions_case({"units": "%"}, -16.6)
    dataset = predictions_dataset(layout, truth, predicted, [""] * layout.shape[0], history="test")
    with caplog.at_level("WARNING", logger="climann"):
        write_predictions(dataset, tmp_path / "predictions.nc", layout)
    [said] = [record.getMessage() for record in caplog.records if "are negative" in record.getMessage()]
    assert "values, down to -16.6 %) are negative, which its units '%' say it cannot be: " in said


@pytest.mark.parametrize("placeholder", ["unknown", " Unknown ", ""])
def test_a_placeholder_standard_name_is_not_written_and_the_fields_keep_a_long_name(tmp_path, placeholder):
    """New-CDS ERA5's ``standard_name = "unknown"`` names no quantity: predictions.nc, read by
    CF tools, gets none (CF: the attribute absent) and the truth its long_name instead."""
    source = grid_dataset()
    source["tas"].attrs["standard_name"] = placeholder
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    dataset = predictions_dataset(layout, truth, truth, ["train"] * 12 + ["val"] * 12 + ["test"] * 12)
    path = write_predictions(dataset, tmp_path / "predictions.nc", layout)
    with netCDF4.Dataset(path) as raw:
        for name in ("tas", "tas_pred", "tas_error"):
            assert "standard_name" not in raw[name].ncattrs(), name
        assert raw["tas"].long_name == source["tas"].attrs.get("long_name", "tas")


@pytest.mark.parametrize(("written", "valid"), [("convective precipitation rate", False), ("Precipitation", False),
                                                ("air_temperature", True), ("air_temperature standard_error", True)])
def test_a_standard_name_not_of_cf_form_is_not_written_and_is_said_once(tmp_path, caplog, written, valid):
    """break53b A6: CHIRPS's ``standard_name = "convective precipitation rate"`` (blanks, not of the table) was
    copied onto every field of the CF-1.8 predictions.nc without a word. Not of CF 1.8 §3.3's form, it is kept as
    ``source_standard_name`` and said once; a CF name (with a modifier too) is written as it is."""
    source = grid_dataset()
    source["tas"].attrs["standard_name"] = written
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    with caplog.at_level(logging.WARNING):
        dataset = predictions_dataset(layout, truth, truth, ["train"] * 12 + ["val"] * 12 + ["test"] * 12)
        path = write_predictions(dataset, tmp_path / "predictions.nc", layout)
    said = [record.getMessage() for record in caplog.records if "not a CF standard name" in record.getMessage()]
    with netCDF4.Dataset(path) as raw:
        assert raw.Conventions.startswith("CF-")
        for name in ("tas", "tas_pred"):
            attributes = {key: raw[name].getncattr(key) for key in raw[name].ncattrs()}
            assert attributes.get("standard_name") == (written if valid else None), name
            assert attributes.get("source_standard_name") == (None if valid else written), name
    assert len(said) == (0 if valid else 1), said


# --- temperature differences: the error and the spread say so (break28b A1) --------------------------
ANOMALY_ATTRS = {"units": "K", "units_metadata": "temperature: difference", "long_name": "Near-Surface Air Temperature"}


def _differences_case(attrs: dict, tmp_path):
    """predictions.nc of a target with ``attrs`` (its truth minus 255 K for an anomaly), half its
    errors negative (−2), an ensemble spread of 0 at the first cell: the file's path and what
    was written (NumPy)."""
    source = grid_dataset(n_years=1)
    if attrs.get("units_metadata") == "temperature: difference":
        source["tas"] = source["tas"] - 255.0  # anomalies: about half negative
    source["tas"].attrs = dict(attrs)
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    predicted = truth + np.where(np.arange(truth.size).reshape(truth.shape) % 2, 2.0, -2.0).astype(np.float32)
    spread = np.full(truth.shape, 0.3, dtype=np.float32)
    spread[:, 0, 0] = 0.0  # identical members: 0 K is no value at absolute zero either
    dataset = predictions_dataset(layout, truth, predicted, [""] * layout.shape[0], spread=spread, n_members=3)
    written = {"tas": truth, "tas_pred": predicted, "tas_error": predicted - truth, "tas_spread": spread}
    return write_predictions(dataset, tmp_path / "predictions.nc", layout), written


def _read_back(path) -> tuple[dict, dict]:
    """As climann opens the file (``info``, ``--data``): the values, and ``info``'s missing fractions."""
    from climann.data.info import missing_fractions
    from climann.data.open import open_dataset

    names = ["tas", "tas_pred", "tas_error", "tas_spread"]
    dataset = open_dataset([str(path)])
    try:
        return ({name: dataset[name].transpose("time", "lat", "lon").values for name in names},
                missing_fractions(dataset, names))
    finally:
        dataset.close()


@pytest.mark.parametrize("attrs", [
    pytest.param({"units": "K", "standard_name": "air_temperature"}, id="temperature-in-K"),
    pytest.param({"units": "degC"}, id="temperature-in-degC"),
    pytest.param(ANOMALY_ATTRS, id="anomaly-not-called-one"),
])
def test_errors_and_spreads_of_a_temperature_are_written_and_read_as_differences(tmp_path, attrs):
    """CF-1.11 §3.1.2: ``tas_error`` and ``tas_spread`` say ``temperature: difference`` (an
    anomaly target's truth, prediction and baselines keep its own), so climann reads back every
    value it wrote: before, a negative error in K was "below absolute zero" and masked (info:
    88.1 % missing against the prediction's 67.9 %)."""
    path, written = _differences_case(attrs, tmp_path)
    with netCDF4.Dataset(path) as raw:
        for name in ("tas_error", "tas_spread"):
            assert raw[name].units_metadata == "temperature: difference", name
        for name in ("tas", "tas_pred"):
            assert raw[name].getncattr("units_metadata") == attrs["units_metadata"] if "units_metadata" in attrs \
                else "units_metadata" not in raw[name].ncattrs()
    values, missing = _read_back(path)
    for name, expected in written.items():
        np.testing.assert_allclose(values[name], expected, rtol=0, atol=1e-4, err_msg=name)
        assert missing[name] == 0.0, name
    assert (written["tas_error"] < 0).sum() == written["tas_error"].size // 2


def test_errors_and_spreads_of_files_written_before_say_nothing_are_kept_by_their_long_names(tmp_path):
    """predictions.nc of an earlier climann: ``tas_error`` and ``tas_spread`` without their
    ``units_metadata`` are known by climann's own long_names, and keep their negative errors
    and zero spreads; a user's field in K whose words say no difference is not taken for one
    (its values at or below 0 K missing), while one whose words say error is (break39b B5: an
    error, bias or spread in K is a difference, whoever wrote it)."""
    from climann.data.info import missing_fractions
    from climann.data.open import open_dataset

    path, written = _differences_case({"units": "K", "standard_name": "air_temperature"}, tmp_path)
    with netCDF4.Dataset(path, "a") as raw:  # as an earlier climann wrote it
        for name in ("tas_error", "tas_spread"):
            if "units_metadata" in raw[name].ncattrs():
                raw[name].delncattr("units_metadata")
    mine = shutil.copy(path, tmp_path / "mine.nc")
    with netCDF4.Dataset(mine, "a") as raw:  # a user's own fields
        raw.renameVariable("tas_error", "tas_mine")
        raw["tas_mine"].long_name = "my analysis"
        raw["tas_spread"].long_name = "error of my analysis"
    values, missing = _read_back(path)
    for name in ("tas_error", "tas_spread"):
        np.testing.assert_allclose(values[name], written[name], rtol=0, atol=1e-4, err_msg=name)
        assert missing[name] == 0.0, name
    dataset = open_dataset([str(mine)])
    try:
        assert missing_fractions(dataset, ["tas_mine"])["tas_mine"] == pytest.approx(0.5)
        np.testing.assert_allclose(dataset["tas_spread"].transpose("time", "lat", "lon").values,
                                   written["tas_spread"], rtol=0, atol=1e-4)
    finally:
        dataset.close()


def test_a_selected_model_level_keeps_no_formula_terms_naming_variables_the_file_lacks(tmp_path):
    """break39b B10e: a model level selected from ERA5's hybrid kept formula_terms "ap: hyam b: hybm ps: sp" in
    predictions.nc, which holds none of hyam, hybm, sp: a reader computing the level's pressure from its terms found
    none of them. The terms are dropped and said in a comment; the level's value and standard_name stay."""
    from climann.data.open import open_dataset
    from climann.data.subset import subset_dataset
    from tests.data.test_levels import _era5_model_levels

    _era5_model_levels(tmp_path / "ml.nc")
    source = subset_dataset(open_dataset([tmp_path / "ml.nc"]), select={"hybrid": 137.0})
    samples = build_pointwise_samples(source, target="t", predictors=("sp",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    path = write_predictions(predictions_dataset(layout, truth, truth, ["train"] * 2, history="x"),
                             tmp_path / "predictions.nc", layout)
    with netCDF4.Dataset(path) as raw:
        assert {"hyam", "hybm", "sp"}.isdisjoint(raw.variables)
        assert "formula_terms" not in raw["hybrid"].ncattrs()
        assert raw["hybrid"].comment == ("formula_terms of the input (ap: hyam b: hybm ps: sp) not kept: hyam, hybm, "
                                         "sp are not in this file")
        assert raw["hybrid"][...] == 137.0
        assert raw["hybrid"].standard_name == "atmosphere_hybrid_sigma_pressure_coordinate"


def test_the_fields_are_written_in_chunks_of_many_time_steps(tmp_path):
    """break42d R1: along the unlimited time, NetCDF-C's default chunk is one step (16 bytes of a
    2 × 2 grid): 5-minute data wrote 315 k chunks per field, most of a minute. A chunk now holds
    as many whole steps as fill 1 MiB; the values are the same."""
    source = grid_dataset(n_years=2)
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    path = write_predictions(predictions_dataset(layout, truth, truth + 0.5, ["train"] * 24), tmp_path / "p.nc",
                             layout)
    with netCDF4.Dataset(path) as raw:
        assert raw.dimensions["time"].isunlimited()
        grid = raw["tas_pred"].shape[1:]
        assert raw["tas_pred"].dtype == np.float32 and 24 * 4 * np.prod(grid) < 2**20  # every step fits one chunk
        for name in ("tas", "tas_pred", "tas_error"):
            assert raw[name].chunking() == [24, *grid], name
        np.testing.assert_allclose(raw["tas_pred"][:], truth + 0.5, rtol=1e-6)


def test_bounds_of_another_number_of_vertices_than_the_time_bounds_are_written_on_their_own_dimension(tmp_path):
    """break47a A4: a latitude's bounds of 4 vertices beside time bounds of 2 were given one dimension
    'bnds' of two sizes, and predictions.nc could not be written; each keeps its values."""
    import dataclasses

    from climann.data.open import open_dataset
    from tests.data.test_time_cells import cesm_like

    path = cesm_like(tmp_path / "cesm.nc")
    samples = build_pointwise_samples(open_dataset([path]), target="tas", predictors=(), features=("lat",))
    latitude = samples.layout.latitude
    corners = latitude.values[:, None] + np.array([-1.0, -1.0, 1.0, 1.0])
    layout = dataclasses.replace(samples.layout, latitude_bounds=corners,
                                 latitude=dataclasses.replace(latitude, attrs={**latitude.attrs, "bounds": "lat_v"}))
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    output = write_predictions(predictions_dataset(layout, truth, truth, ["train"] * 24), tmp_path / "p.nc", layout)

    with xr.open_dataset(path, decode_times=False) as inputs, xr.open_dataset(output, decode_times=False) as raw:
        vertex = raw["time_bnds"].dims[1]  # the input's (CESM's nbnd)
        assert raw["lat_v"].dims == ("lat", f"{vertex}_4") and raw.sizes[vertex] == 2
        np.testing.assert_array_equal(raw["lat_v"].values, corners)
        np.testing.assert_array_equal(raw["time_bnds"].values, inputs["time_bnds"].values)
