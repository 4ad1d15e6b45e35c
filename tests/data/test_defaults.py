"""Default inputs chosen from the data: the predictors and features a run does not name."""

import os
import re
import shutil
import subprocess

import cftime
import dask
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data import shell
from climann.data.defaults import (
    CHECKED_TIME_STEPS,
    default_features,
    default_inputs,
    finer_than_yearly,
    missing_where_target_present,
)
from climann.data.grids import file_cell_areas
from climann.data.shell import whole_write
from climann.data.open import open_dataset
from climann.data.pointwise import PointwiseSource
from climann.data.sample_data import write_sample_dataset
from climann.data.splits import split_time_blocks
from climann.data.variables import data_variable_names
from climann.errors import ClimannError
from tests.conftest import grid_dataset
from tests.followed_twice import one_copy, without_guards
from tests.fresh_python import shell_path


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "sample.nc"
    write_sample_dataset(path, years=1, resolution=10.0)  # the demo is at 5°: mrso is land-only there too
    return open_dataset([path])


def test_the_sample_gives_the_demo_inputs_and_leaves_out_land_only_soil_moisture(sample):
    chosen = default_inputs(sample, "tas")
    assert chosen.predictors == ("rsdt", "orog", "sftlf", "clt")
    assert chosen.features == ("lat", "season")
    # independent count: among the samples where tas is present, those where mrso is missing
    tas, mrso = sample["tas"].values, sample["mrso"].values
    expected = np.isnan(mrso)[~np.isnan(tas)].mean()
    assert expected > 0.5
    assert chosen.mostly_missing == {"mrso": pytest.approx(expected)}
    (note,) = chosen.notes("tas")
    assert "mrso" in note and "[data] predictors" in note


def test_field_mode_gets_no_latitude_feature(sample):
    """In field mode a sample is a whole map: the latitude does not vary between samples."""
    assert default_features(sample, mode="field") == ("season",)
    assert default_features(sample) == ("lat", "season")


def test_field_mode_leaves_out_static_predictors_and_says_so(sample):
    """orog and sftlf have no time axis: the same map in every sample of field mode."""
    chosen = default_inputs(sample, "tas", mode="field")
    assert chosen.predictors == ("rsdt", "clt") and chosen.features == ("season",)
    assert chosen.static == ("orog", "sftlf")
    assert any("orog, sftlf" in note and "field mode" in note for note in chosen.notes("tas"))


def test_given_inputs_are_kept_as_given(sample):
    chosen = default_inputs(sample, "tas", predictors=(), features=("year",))
    assert (chosen.predictors, chosen.features) == ((), ("year",))
    chosen = default_inputs(sample, "tas", predictors=("mrso",))
    assert chosen.predictors == ("mrso",) and chosen.mostly_missing == {}
    assert chosen.features == ("lat", "season")


def _dataset_with(**variables) -> xr.Dataset:
    """grid_dataset's tas (3 years monthly, 4 × 6) with other variables given as arrays."""
    dataset = grid_dataset()[["tas"]]
    for name, (dims, values) in variables.items():
        dataset[name] = (dims, values)
    return dataset


def _missing_on(fraction_of_columns: float) -> np.ndarray:
    """A (36, 4, 6) field missing on the first columns: that fraction of the cells."""
    values = np.arange(1, 36 * 4 * 6 + 1, dtype=np.float32).reshape(36, 4, 6)  # varies: a constant is no predictor
    values[:, :, : round(6 * fraction_of_columns)] = np.nan
    return values


@pytest.mark.parametrize(
    ("fraction", "kept"),
    [
        pytest.param(0, True, id="never"),
        pytest.param(1 / 6, False, id="a-sixth"),  # kept under the 50 % rule: the target scored on 5/6 (break33b B2)
        pytest.param(1 / 3, False, id="a-third"),
        pytest.param(2 / 3, False, id="two-thirds"),
    ],
)
def test_variables_missing_on_more_than_5_percent_of_the_target_cells_are_left_out(fraction, kept):
    dataset = _dataset_with(partial=(("time", "lat", "lon"), _missing_on(fraction)))
    chosen = default_inputs(dataset, "tas")
    assert ("partial" in chosen.predictors) is kept
    assert ("partial" in chosen.mostly_missing) is not kept


def test_missing_is_counted_only_where_the_target_is_present():
    dataset = _dataset_with(partial=(("time", "lat", "lon"), _missing_on(2 / 3)))
    dataset["tas"] = dataset["tas"].where(dataset["partial"].notnull())  # the target over "land" only
    assert default_inputs(dataset, "tas").predictors == ("partial",)


def test_a_static_field_counts_at_every_time_step():
    dataset = _dataset_with(static=(("lat", "lon"), _missing_on(2 / 3)[0]), pred=(("time", "lat", "lon"), _missing_on(0)))
    chosen = default_inputs(dataset, "tas")
    assert chosen.predictors == ("pred",) and chosen.mostly_missing == {"static": pytest.approx(2 / 3)}


def test_metadata_off_grid_text_and_level_variables_are_not_predictors():
    dataset = _dataset_with(
        pred=(("time", "lat", "lon"), _missing_on(0)),
        co2=(("time",), np.linspace(380, 390, 36)),
        label=(("lat", "lon"), np.full((4, 6), "a")),
        ta=(("time", "plev", "lat", "lon"), np.ones((36, 2, 4, 6))),
        uas=(("time", "height", "lat", "lon"), _missing_on(0)[:, None]),
        areacella=(("lat", "lon"), np.ones((4, 6))),
        lat_bnds=(("lat", "bnds"), np.zeros((4, 2))),
    )
    dataset["tas"].attrs["cell_measures"] = "area: areacella"
    dataset["lat"].attrs["bounds"] = "lat_bnds"
    chosen = default_inputs(dataset, "tas")
    assert chosen.predictors == ("pred", "uas")
    assert chosen.several_values == {"ta": "plev"}
    assert chosen.off_grid == ("co2",)
    assert any("ta (plev)" in note and "select" in note for note in chosen.notes("tas"))


def test_a_variable_with_two_extra_dimensions_is_left_out_naming_both():
    """A wave spectrum efth(time, frequency, direction) at one place: both dimensions need a
    value chosen, and the note named only the first (break34b C4)."""
    dataset = _dataset_with(efth=(("time", "frequency", "lat", "direction", "lon"), np.ones((36, 3, 4, 2, 6))),
                            pred=(("time", "lat", "lon"), _missing_on(0)))
    chosen = default_inputs(dataset, "tas")
    assert chosen.predictors == ("pred",)
    assert chosen.several_values == {"efth": "frequency, direction"}
    assert any(note.startswith("left out of the default predictors: efth (frequency, direction), with several values")
               for note in chosen.notes("tas"))


def test_flag_variables_of_classes_are_left_out_with_a_note_and_indicators_kept(tmp_path):
    """A land-cover class (flag_values of four codes) and a bit field (flag_masks) are classes,
    not amounts (CF-1.11 §3.5); a two-code sea/land flag and an xarray bool mask are 0/1
    indicators, kept. Written to a file and opened as train opens it."""
    classes = (np.arange(24).reshape(4, 6) % 4 + 1).astype("i1")
    dataset = _dataset_with(
        lc=(("lat", "lon"), classes), qc=(("time", "lat", "lon"), np.ones((36, 4, 6), "i1")),
        sea_land=(("lat", "lon"), (classes > 2).astype("i1")), landmask=(("lat", "lon"), classes > 2),
    )
    dataset["lc"].attrs.update(flag_values=np.array([1, 2, 3, 4], "i1"), flag_meanings="forest grass desert ice")
    dataset["qc"].attrs.update(flag_masks=np.array([1, 2, 4], "i1"), flag_meanings="cloud snow ice")
    dataset["sea_land"].attrs.update(flag_values=np.array([0, 1], "i1"), flag_meanings="sea land")
    dataset.to_netcdf(tmp_path / "flags.nc")
    chosen = default_inputs(open_dataset([tmp_path / "flags.nc"]), "tas")
    assert chosen.predictors == ("sea_land", "landmask")
    assert chosen.flags == {"lc": "flag_values 1 2 3 4: forest grass desert ice", "qc": "flag_masks 1 2 4: cloud snow ice"}
    (note,) = chosen.notes("tas")
    assert without_guards(note) == (
        "left out of the default predictors: lc (flag_values 1 2 3 4: forest grass desert ice), qc (flag_masks 1 2 4: "
        "cloud snow ice), CF flag variables whose codes are classes, not amounts; to use them, give one 0/1 variable "
        "per class instead (e.g. " + one_copy("ncap2 -s 'lc_forest=(lc==1);ram_delete(lc_forest@flag_values);"
                                              "ram_delete(lc_forest@flag_meanings)'", tmp_path / "flags.nc",
                                              tmp_path / "indicators") + "), or name "
        "them in [data] predictors "
        "(--predictors) to use their codes as numbers"
    )
    assert default_inputs(dataset, "tas", predictors=("lc",)).predictors == ("lc",)  # named: used as asked


def _oisst_like() -> xr.Dataset:
    """NOAA OISST v2.1's variables: sst, its anomaly (sst less its monthly means), an error
    estimate and the sea-ice concentration."""
    dataset = grid_dataset()
    sst = dataset["tas"].values - 273.15
    anomaly = sst - np.tile(sst.reshape(3, 12, 4, 6).mean(axis=0), (3, 1, 1))
    dims = ("time", "lat", "lon")
    return xr.Dataset({
        "sst": (dims, sst, {"units": "Celsius", "long_name": "Daily sea surface temperature"}),
        "anom": (dims, anomaly, {"units": "Celsius", "long_name": "Daily sea surface temperature anomalies"}),
        "err": (dims, np.full(sst.shape, 0.3),
                {"units": "Celsius", "long_name": "Estimated error standard deviation of analysed_sst"}),
        "ice": (dims, dataset["pred"].values * 100, {"units": "%", "long_name": "Sea ice concentration"}),
    }, coords=dataset.coords)


@pytest.mark.parametrize(("target", "predictors", "left_out"), [
    pytest.param("sst", ("ice",), "anom (the anomaly of sst: its long_name 'Daily sea surface temperature "
                 "anomalies')", id="the-targets-anomaly"),
    pytest.param("anom", ("ice",), "sst (anom is its anomaly: anom's long_name 'Daily sea surface temperature "
                 "anomalies')", id="the-target-is-the-anomaly"),
])
def test_the_targets_own_anomaly_is_no_default_predictor(target, predictors, left_out):
    """OISST's info proposed anom as a predictor of sst: sst's own interannual signal (break13 F8)."""
    chosen = default_inputs(_oisst_like(), target)
    assert chosen.predictors == predictors
    error_note, note = chosen.notes(target)  # err, OISST's error estimate, is no predictor either
    assert error_note.startswith("left out of the default predictors: err (its long_name 'Estimated error standard "
                                 f"deviation of analysed_sst'): data about how well {target}'s values are known")
    assert note.startswith(f"left out of the default predictors: {left_out}: one is the other less its climatology, "
                           f"so as a predictor of {target} it holds {target}'s own signal, which would leak")
    assert note.endswith("name it in [data] predictors (--predictors) to use it anyway")
    named = default_inputs(_oisst_like(), target, predictors=("anom" if target == "sst" else "sst",))
    assert named.predictors == (("anom",) if target == "sst" else ("sst",))  # named: used as asked


def test_auxiliary_coordinates_left_as_data_variables_are_metadata():
    dataset = _dataset_with(height2d=(("lat", "lon"), np.ones((4, 6))), pred=(("lat", "lon"), np.ones((4, 6))))
    dataset["tas"].encoding["coordinates"] = "height2d"
    assert data_variable_names(dataset) == ["tas", "pred"]
    dataset["tas"].encoding.clear()
    dataset["tas"].attrs["coordinates"] = "height2d"
    assert data_variable_names(dataset) == ["tas", "pred"]


def _yearly(n_years: int, n_lat: int = 4) -> xr.Dataset:
    times = [cftime.datetime(2000 + year, 7, 2, calendar="standard") for year in range(n_years)]
    latitude = np.linspace(-60, 60, n_lat) if n_lat > 1 else np.array([45.0])
    return xr.Dataset(
        {"tas": (("time", "lat", "lon"), np.random.default_rng(0).normal(size=(n_years, n_lat, 3)))},
        coords={
            "time": ("time", times, {"standard_name": "time"}),
            "lat": ("lat", latitude, {"standard_name": "latitude", "units": "degrees_north"}),
            "lon": ("lon", [0.0, 120.0, 240.0], {"standard_name": "longitude", "units": "degrees_east"}),
        },
    )


def test_a_yearly_file_gets_lat_only_and_a_single_variable_features_only():
    chosen = default_inputs(_yearly(5), "tas")
    assert (chosen.predictors, chosen.features) == ((), ("lat",))


def test_nothing_to_learn_from_is_refused_in_one_line():
    with pytest.raises(ClimannError, match="no inputs: .*'tas'.*give \\[data\\] predictors or features"):
        default_inputs(_yearly(5, n_lat=1), "tas")


def test_a_lag_or_an_area_mean_alone_is_something_to_learn_from():
    """break54d A7: an area mean (or a lag, an anomaly) is an input column of its own."""
    chosen = default_inputs(_yearly(5, n_lat=1), "tas", derived=["tas_global_mean"])
    assert (chosen.predictors, chosen.features) == ((), ())


def test_a_missing_target_names_the_available_variables_and_the_way_to_choose_it(sample):
    with pytest.raises(ClimannError, match="target variable 'tass' not in .*did you mean 'tas'.*--target NAME"):
        default_inputs(sample, "tass")
    # a user's own file without the default target (the sample's tas): told how to name theirs
    own = sample[["rsdt"]].rename(rsdt="surface_temperature")
    with pytest.raises(ClimannError, match="target variable 'tas' not in own.nc; available: surface_temperature; "
                                           "name the variable to predict with --target NAME"):
        default_inputs(own, "tas", where="own.nc")
    # with its predictors given, the target is checked where the samples are built: the same words
    with pytest.raises(ClimannError, match="target variable 'tas' not in own.nc.*--target NAME"):
        PointwiseSource(own, target="tas", predictors=[], features=["lat"], source_files=["own.nc"])


def _times(calendar: str, *dates: tuple) -> list:
    return [cftime.datetime(*date, calendar=calendar) for date in dates]


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        pytest.param(_times("noleap", (2000, 1, 15), (2000, 2, 15)), True, id="monthly"),
        pytest.param(_times("360_day", (2000, 12, 30), (2001, 1, 1), (2001, 1, 2)), True, id="daily-360_day"),
        pytest.param(_times("standard", (2000, 7, 2), (2001, 7, 2), (2002, 7, 2)), False, id="yearly"),
        pytest.param(_times("standard", (2000, 1, 15), (2001, 1, 15)), False, id="januaries-of-a-monthly-file"),
        pytest.param(_times("standard", (2000, 1, 1), (2002, 1, 1), (2002, 7, 1)), True, id="irregular"),
        pytest.param(_times("standard", (2000, 1, 1)), False, id="single-step"),
    ],
)
def test_finer_than_yearly(times, expected):
    assert finer_than_yearly(times) is expected


def test_the_features_follow_the_selected_time_axis():
    dataset = grid_dataset()
    assert default_features(dataset) == ("lat", "season")
    assert default_features(dataset.isel(time=slice(0, None, 12))) == ("lat",)


def test_missing_fractions_read_a_few_time_steps_in_one_computation():
    n_time = 4 * CHECKED_TIME_STEPS
    dataset = _yearly(n_time).chunk({"time": 10})
    partial = np.ones((n_time, 4, 3))
    partial[: n_time // 2] = np.nan  # missing in the first half of the period
    dataset["partial"] = (("time", "lat", "lon"), partial)
    dataset = dataset.chunk({"time": 10})
    computations = []

    def counting_scheduler(graph, keys, **kwargs):
        computations.append(keys)
        return dask.get(graph, keys, **kwargs)

    with dask.config.set(scheduler=counting_scheduler):
        fractions = missing_where_target_present(dataset, "tas", ["partial"], time_dim="time")
    assert len(computations) == 1
    steps = np.unique(np.linspace(0, n_time - 1, CHECKED_TIME_STEPS).round().astype(int))
    assert fractions["partial"] == pytest.approx(np.mean(steps < n_time // 2))


@pytest.mark.parametrize(
    ("n_months", "features"),
    [
        pytest.param(3, ("lat",), id="3-months-train-on-one"),  # split by steps 1/1/1: one month to train on
        pytest.param(13, ("lat", "season"), id="13-months"),  # 9 months in the training block
        pytest.param(36, ("lat", "season"), id="3-years"),
    ],
)
def test_season_is_a_default_only_when_the_time_of_year_varies_in_the_training_block(n_months, features):
    dataset = _yearly(n_months)
    dataset["time"] = [cftime.datetime(2015 + m // 12, m % 12 + 1, 16, calendar="360_day") for m in range(n_months)]
    assert default_inputs(dataset, "tas").features == features
    training = split_time_blocks(np.array([t.year for t in dataset["time"].values]), (0.7, 0.15, 0.15))
    months = {t.month for t in dataset["time"].values[training.time_masks["train"]]}
    assert ("season" in features) == (len(months) > 1)  # the independent reason


def test_cell_areas_and_fields_of_one_value_where_the_target_is_are_no_default_predictors():
    """POP's TAREA (cm²) and KMT (60 on every ocean cell) were proposed, and training then
    refused KMT as not varying (break14 F8); a static field that varies stays a predictor."""
    dataset = grid_dataset()
    dataset["tas"][:, :, 0] = np.nan  # "land"
    depth_index = np.full((4, 6), 60, "i4")
    depth_index[:, 0] = 0  # differs only where tas is missing
    dataset["KMT"] = (("lat", "lon"), depth_index)
    dataset["TAREA"] = (("lat", "lon"), np.ones((4, 6)) * 1e16, {"units": "centimeter^2"})
    dataset["areacello"] = (("lat", "lon"), np.ones((4, 6)), {"standard_name": "cell_area", "units": "1"})
    chosen = default_inputs(dataset, "tas")
    assert chosen.predictors == ("pred", "static", "landonly")  # missing only where tas is
    assert chosen.cell_areas == ("TAREA", "areacello") and chosen.constant == {"KMT": 60.0}
    assert default_inputs(dataset, "tas", predictors=("KMT",)).predictors == ("KMT",)  # named: used as asked


@pytest.mark.parametrize(
    ("name", "attrs"),
    [
        pytest.param("irrigated", {"units": "ha", "long_name": "area equipped for irrigation"}, id="hectares"),
        pytest.param("lake_area", {"units": "m2", "long_name": "lake area in the cell"}, id="square-metres"),
        # verify24 F4: any one word before "cells", and the bare name area whatever its long name
        pytest.param("area_lake", {"units": "km2", "long_name": "area of lake cells"}, id="area-of-lake-cells"),
        pytest.param("area", {"units": "m2", "long_name": "burned area"}, id="area-named-burned-area"),
    ],
)
def test_a_static_field_in_units_of_area_that_is_not_the_cells_areas_stays_a_predictor(name, attrs):
    """break23a F5: units of area alone took any static area per cell (an irrigated area) for
    the cells' areas, and left it out of the predictors."""
    dataset = grid_dataset()
    dataset[name] = (("lat", "lon"), np.random.default_rng(3).uniform(0, 1e4, (4, 6)), attrs)
    chosen = default_inputs(dataset, "tas")
    assert name in chosen.predictors and chosen.cell_areas == ()


@pytest.mark.parametrize(
    ("name", "attrs"),
    [
        pytest.param("TAREA", {"units": "centimeter^2", "long_name": "area of T cells"}, id="POP-TAREA"),
        pytest.param("UAREA", {"units": "centimeter^2", "long_name": "area of U cells"}, id="POP-UAREA"),
        pytest.param("tarea", {"units": "m^2", "long_name": "area of T grid cells"}, id="CICE-tarea"),
        pytest.param("areacello", {"units": "m2"}, id="CMIP-areacello"),
        pytest.param("area", {"units": "km^2", "long_name": "grid cell areas"}, id="CLM-history-area"),
        pytest.param("AREA", {"units": "km^2", "long_name": "area"}, id="CLM-surface-data-AREA"),
        pytest.param("cellsize", {"units": "m2", "long_name": "area of the grid cell"}, id="long-name-alone"),
        pytest.param("Areas", {"units": "m2", "long_name": "Mesh areas"}, id="ORCHIDEE-Areas"),  # break42a A4
        pytest.param("gridbox_area", {"units": "m2", "long_name": "Gridbox area"}, id="gridbox-area"),
    ],
)
def test_cell_areas_by_name_or_long_name_are_no_predictors(name, attrs):
    """verify24 F4: narrowing the rule (no other word before "cells", no bare ``area`` of
    another long name) keeps these the cells' areas."""
    dataset = grid_dataset()
    dataset[name] = (("lat", "lon"), np.random.default_rng(3).uniform(1, 1e4, (4, 6)), attrs)
    chosen = default_inputs(dataset, "tas")
    assert name not in chosen.predictors and chosen.cell_areas == (name,)


def test_cell_areas_the_target_does_not_name_are_said_not_to_weigh_the_scores(tmp_path):
    """break23a F5: POP's TAREA (no cell_measures on SST) was noted as the areas that "weigh
    the scores", which climann computed instead; the note says so and names the ncatted that
    links them, and with that attribute the areas are the target's cell measure."""
    dataset = grid_dataset()
    cosines = np.cos(np.deg2rad(dataset["lat"].values))[:, None]  # the cells' own areas ∝ cos φ (break57a A2)
    dataset["TAREA"] = (("lat", "lon"), np.full((4, 6), 1e16) * cosines, {"units": "centimeter^2",
                                                                             "long_name": "area of T cells"})
    dataset.to_netcdf(tmp_path / "pop.nc")
    with open_dataset([tmp_path / "pop.nc"]) as opened:
        chosen = default_inputs(opened, "tas")
    (note,) = [note for note in chosen.notes("tas") if "TAREA" in note]
    assert "weigh the scores" in note and "not used to weigh the scores" in note
    # its copy in a new folder (fix55a: pop_fixed.nc beside pop.nc, which a glob over their folder took with it)
    copy = tmp_path / "cell_measures" / "pop.nc"
    command = f"mkdir -p {tmp_path / 'cell_measures'} && ncatted -a cell_measures,tas,o,c,'area: TAREA' " \
              f"{tmp_path / 'pop.nc'} {copy}"
    assert note.endswith(f"{command}` (its copy in a new folder), then give --data {copy} in place of "
                         f"{tmp_path / 'pop.nc'}")
    if shutil.which("ncatted") is not None:  # run as printed: the copy names TAREA its cells' areas
        subprocess.run(note.split("`")[1], shell=True, check=True, capture_output=True)
        assert sorted(path.name for path in tmp_path.iterdir()) == ["cell_measures", "pop.nc"]
        with open_dataset([copy]) as copied:
            assert copied["tas"].attrs["cell_measures"] == "area: TAREA"
            assert "TAREA" not in default_inputs(copied, "tas").cell_areas
    dataset["tas"].attrs["cell_measures"] = "area: TAREA"
    assert "TAREA" not in default_inputs(dataset, "tas").cell_areas  # named: the cells' areas, metadata


def test_orchidee_mesh_areas_get_the_ncatted_that_makes_them_the_targets_cell_measure(tmp_path):
    """break42a A4: ORCHIDEE's ``Areas`` ("Mesh areas", m2, missing over the sea) was proposed as a
    predictor, without the note POP's and CLM's areas get."""
    dataset = grid_dataset()
    cosines = np.cos(np.deg2rad(dataset["lat"].values))[:, None]  # the cells' own areas ∝ cos φ (break57a A2)
    areas = np.where(np.arange(24).reshape(4, 6) % 3 == 0, np.nan, 4e10 * cosines)
    dataset["Areas"] = (("lat", "lon"), areas, {"units": "m2", "long_name": "Mesh areas"})
    dataset.to_netcdf(tmp_path / "sechiba_history.nc")
    with open_dataset([tmp_path / "sechiba_history.nc"]) as opened:
        chosen = default_inputs(opened, "tas")
    assert "Areas" not in chosen.predictors and chosen.cell_areas == ("Areas",)
    (note,) = [note for note in chosen.notes("tas") if "Areas" in note]
    command = (f"ncatted -a cell_measures,tas,o,c,'area: Areas' {tmp_path / 'sechiba_history.nc'} "
               f"{tmp_path / 'cell_measures/sechiba_history.nc'}")  # in a new folder (fix55a)
    assert "not used to weigh the scores" in note and command in note


def test_nemo_mesh_mask_grid_metrics_are_no_default_predictors():
    """break18 F11: NEMO's mesh_mask.nc beside grid_T output had e1t (cell width), glamt and gphit
    (the grid's own longitude and latitude) proposed as predictors of tos."""
    dataset = grid_dataset()
    lat2d, lon2d = xr.broadcast(dataset["lat"], dataset["lon"])
    rng = np.random.default_rng(1)
    metrics = {
        "e1t": (("lat", "lon"), 2.2e6 * np.cos(np.deg2rad(lat2d.values))),
        "e2t": (("lat", "lon"), np.full((4, 6), 1.67e6)),
        "glamt": (("lat", "lon"), lon2d.values),
        "gphit": (("lat", "lon"), lat2d.values),
        "gdept_0": (("lat", "lon"), rng.uniform(5, 10, (4, 6))),
        "tmaskutil": (("lat", "lon"), rng.integers(0, 2, (4, 6)).astype("i1")),
        "tmask": (("z", "lat", "lon"), rng.integers(0, 2, (2, 4, 6)).astype("i1")),
        "mbathy": (("lat", "lon"), rng.integers(1, 30, (4, 6))),
        "E1U": (("lat", "lon"), rng.uniform(1e5, 2e5, (4, 6))),  # any case
    }
    for name, (dims, values) in metrics.items():
        dataset[name] = (dims, values)
    chosen = default_inputs(dataset, "tas")
    assert chosen.predictors == ("pred", "static")  # as without the mesh mask
    assert chosen.grid_metrics == tuple(metrics) and chosen.several_values == {} and chosen.constant == {}
    assert ("left out of the default predictors: e1t, e2t, glamt, gphit, gdept_0, tmaskutil, tmask, mbathy, E1U, "
            "NEMO's grid metrics (mesh_mask: cell widths, positions, masks): where the cells are, not what happens "
            "in them; name them in [data] predictors (--predictors) to use them anyway; e1t·e2t is the T cells' areas "
            "(NEMO 3.6 writes no e1e2t), not used to weigh the scores: 'tas' names no cell areas (no CF "
            "cell_measures), so the scores are weighed by areas climann computes from the grid (approximate without "
            f"cell bounds); to weigh them by e1t·e2t: `{shell.advised_python()} -c 'import sys, xarray as xr; m = "
            "xr.open_dataset(\"MESH_MASK.nc\"); m[\"e1e2t\"] = m[\"e1t\"] * m[\"e2t\"]; m[\"e1e2t\"].attrs = "
            "{\"standard_name\": \"cell_area\", \"units\": \"m2\"}; "
            + whole_write("m.to_netcdf", '"MESH_MASK_fixed.nc"') + "' && ncatted -a cell_measures,tas,o,c,'area: "
            "e1e2t' IN.nc OUT.nc` (writes it as e1e2t into a copy of MESH_MASK.nc, then names it in a copy of the "
            "target's file), and give both copies in place of the files") in chosen.notes("tas")
    assert default_inputs(dataset, "tas", predictors=("e1t",)).predictors == ("e1t",)  # named: used as asked


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="NCO's ncatted is not installed")
@pytest.mark.parametrize("metrics", [pytest.param(("e1e2t",), id="NEMO-4-e1e2t"),
                                     pytest.param(("e1t", "e2t"), id="NEMO-3.6-e1t-e2t")])
def test_nemo_cell_areas_beside_the_data_are_offered_with_lines_that_link_them(tmp_path, monkeypatch, metrics):
    """break37a C4: a mesh_mask.nc with e1e2t (NEMO 4) or only e1t and e2t (NEMO 3.6) beside the output was not
    offered as the cells' areas (own-data.md promises a note for areas no cell_measures names). The note's lines,
    run as printed, make the run weigh the scores by e1t·e2t exactly."""
    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset(n_years=1)
    dataset[["tas"]].to_netcdf("grid_T.nc")
    e1t = 2.2e6 * np.cos(np.deg2rad(dataset["lat"].values))[:, None] * np.ones((1, 6))
    # off the cells' own areas by up to 7 % (more: areas of other cells, refused; break57a A2)
    e2t = np.full((4, 6), 1.67e6) * (1.0 + 0.03 * np.arange(6))
    mesh = {"e1t": e1t, "e2t": e2t} if len(metrics) == 2 else {"e1e2t": e1t * e2t}
    xr.Dataset({name: (("t", "lat", "lon"), values[None]) for name, values in mesh.items()},
               coords={"lat": dataset["lat"], "lon": dataset["lon"]}).to_netcdf("mesh_mask.nc")
    with open_dataset(["grid_T.nc", "mesh_mask.nc"]) as opened:
        (note,) = [note for note in default_inputs(opened, "tas").notes("tas") if "NEMO's grid metrics" in note]
    (line,) = re.findall(r"`([^`]*)`", note)  # e1e2t written first where the mesh mask has none: one line
    assert ("python -c " in line) == (len(metrics) == 2)
    subprocess.run(line, shell=True, check=True, capture_output=True, env={**os.environ, "PATH": shell_path()})
    # the copies in a new folder (fix55a: grid_T_fixed.nc and mesh_mask_fixed.nc beside the files)
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["grid_T.nc", "mesh_mask.nc"]
    if len(metrics) == 2:
        assert note.endswith("then give --data 'cell_areas/*.nc' in place of mesh_mask.nc and grid_T.nc")
        given = ["cell_areas/grid_T.nc", "cell_areas/mesh_mask.nc"]
    else:
        assert "then give --data cell_measures/grid_T.nc in place of grid_T.nc" in note
        given = ["cell_measures/grid_T.nc", "mesh_mask.nc"]
    with open_dataset(given, variables=("tas",)) as fixed:
        np.testing.assert_allclose(file_cell_areas(fixed, "tas", ("lat", "lon")), e1t * e2t, rtol=1e-12)


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="NCO's ncatted is not installed")
def test_info_says_the_nemo_cell_area_line_once_on_one_line_that_runs_as_printed(tmp_path, capfd, monkeypatch):
    """fix54e: the e1t·e2t line was said by info only in its config's comments, wrapped at 80 columns (the python -c
    cut over lines, '#' before each): not pasteable. Now info also warns of it on one line, python and ncatted joined
    by &&: run by bash as printed, a run on the two copies weighs its scores by e1t·e2t (the areas read back) and
    warns of the areas no more."""
    from tests.console import run_main
    from tests.fresh_python import shell_path

    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset(n_years=1)
    dataset[["tas", "pred"]].to_netcdf("grid_T.nc")
    e1t = 2.2e6 * np.cos(np.deg2rad(dataset["lat"].values))[:, None] * np.ones((1, 6))
    # off the cells' own areas by up to 7 % (more: areas of other cells, refused; break57a A2)
    e2t = np.full((4, 6), 1.67e6) * (1.0 + 0.03 * np.arange(6))
    xr.Dataset({name: (("t", "lat", "lon"), values[None]) for name, values in {"e1t": e1t, "e2t": e2t}.items()},
               coords={"lat": dataset["lat"], "lon": dataset["lon"]}).to_netcdf("mesh_mask.nc")
    told = run_main("info", "grid_T.nc", "mesh_mask.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert told.returncode == 0, told.stderr
    (warned,) = [line for line in told.stderr.splitlines() if "to weigh them by e1t·e2t" in line]
    assert warned.startswith("climann: warning: e1t·e2t is the T cells' areas")
    assert "# " in told.stdout and "to weigh them by" in told.stdout  # the comments keep it too
    (command,) = re.findall(r"to weigh them by e1t·e2t: `([^`]+)`", warned)
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    assert warned.endswith("then give 'cell_areas/*.nc' in place of mesh_mask.nc and grid_T.nc")  # info's words
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["grid_T.nc", "mesh_mask.nc"]  # nothing beside
    with open_dataset(["cell_areas/grid_T.nc", "cell_areas/mesh_mask.nc"], variables=("tas",)) as fixed:
        np.testing.assert_allclose(file_cell_areas(fixed, "tas", ("lat", "lon")), e1t * e2t, rtol=1e-12)
    again = run_main("info", "cell_areas/*.nc", capfd=capfd, monkeypatch=monkeypatch)  # the --data advised
    assert again.returncode == 0 and "to weigh them by" not in again.stderr + again.stdout


@pytest.mark.parametrize(
    "name",
    [pytest.param("elevation", id="not-a-metric"), pytest.param("e1tx", id="longer-name"),
     pytest.param("mask", id="a-mask-not-nemos")],
)
def test_other_static_fields_stay_default_predictors(name):
    dataset = grid_dataset()
    dataset[name] = (("lat", "lon"), np.random.default_rng(2).uniform(0, 1, (4, 6)))
    chosen = default_inputs(dataset, "tas")
    assert chosen.predictors == ("pred", "static", name) and chosen.grid_metrics == ()


def _ocean_model_output(*, land: str) -> xr.Dataset:
    """ROMS-like output: ``temp`` and ``zeta`` on a 4 × 5 grid whose western two columns are land
    (``mask_rho`` 0, "land water"), holding 0 there (``land = "zero"``), missing (``"missing"``)
    or values of their own (``"data"``: a field defined over land too); a static ``h``."""
    rng = np.random.default_rng(5)
    times = [cftime.datetime(2001, 1, 1 + k, calendar="noleap") for k in range(20)]
    is_land = np.zeros((4, 5), bool)
    is_land[:, :2] = True
    temp, zeta = 18 + rng.normal(0, 1, (20, 4, 5)), rng.normal(0, 0.1, (20, 4, 5))
    if land != "data":
        temp[:, is_land] = zeta[:, is_land] = 0.0 if land == "zero" else np.nan
    dims = ("time", "lat", "lon")
    return xr.Dataset(
        {"temp": (dims, temp), "zeta": (dims, zeta), "h": (("lat", "lon"), rng.uniform(10, 50, (4, 5))),
         "mask_rho": (("lat", "lon"), np.where(is_land, 0.0, 1.0),
                      {"flag_values": np.array([0.0, 1.0]), "flag_meanings": "land water"})},
        coords={"time": times, "lat": [30.0, 31.0, 32.0, 33.0], "lon": [0.0, 1.0, 2.0, 3.0, 4.0]},
    )


def test_a_land_sea_mask_of_land_stored_as_a_value_is_no_default_predictor():
    """break15 F4: ROMS's temp with land stored as 0; info proposed mask_rho, which tells the network
    where the 0s are."""
    chosen = default_inputs(_ocean_model_output(land="zero"), "temp")
    assert chosen.predictors == ("zeta", "h")
    assert chosen.land_mask is not None and chosen.land_mask.mask == "mask_rho"
    assert any(note.startswith("left out of the default predictors: mask_rho, whose land cells are those where "
                               "'temp' holds 0 at every step checked") for note in chosen.notes("temp"))


def test_nemos_tmask_over_land_stored_as_a_value_keeps_the_land_mask_note():
    """A NEMO tmask is a grid metric, but over a target with land stored as 0 the land mask's note
    (which says to set those cells missing) is the one that helps."""
    dataset = _ocean_model_output(land="zero")
    dataset = dataset.rename({"mask_rho": "tmask"})
    dataset["tmask"].attrs = {}  # NEMO writes none
    dataset["e1t"] = (("lat", "lon"), np.full((4, 5), 1e5) + np.arange(4)[:, None])
    chosen = default_inputs(dataset, "temp")
    assert chosen.predictors == ("zeta", "h") and chosen.grid_metrics == ("e1t",)
    assert chosen.land_mask is not None and chosen.land_mask.mask == "tmask"


@pytest.mark.parametrize(
    ("land", "predictors", "constant"),
    [
        pytest.param("missing", ("zeta", "h"), {"mask_rho": 1.0}, id="land-missing-one-value-where-present"),
        pytest.param("data", ("zeta", "h", "mask_rho"), {}, id="a-field-defined-over-land-learns-from-it"),
    ],
)
def test_a_land_sea_mask_is_left_out_or_kept_as_before_where_no_land_is_stored(land, predictors, constant):
    chosen = default_inputs(_ocean_model_output(land=land), "temp")
    assert chosen.predictors == predictors
    assert chosen.land_mask is None and chosen.constant == constant


def _stamped(dataset, times):
    dataset = dataset.isel(time=slice(0, len(times))).copy()
    dataset["time"] = times
    return dataset


@pytest.mark.parametrize(
    ("step", "features"),
    [
        pytest.param(np.timedelta64(3, "h"), ("lat", "season", "hour"), id="3-hourly"),
        pytest.param(np.timedelta64(6, "h"), ("lat", "season", "hour"), id="6-hourly"),
        pytest.param(np.timedelta64(1, "D"), ("lat", "season"), id="daily"),
        pytest.param(np.timedelta64(30, "D"), ("lat", "season"), id="30-daily"),
    ],
)
def test_hour_is_a_default_only_for_sub_daily_steps(step, features):
    """break40b B7: 3-hourly data were given lat and season only, while their climatology is per
    day of the year and hour; daily and monthly runs keep their features."""
    n_time = 60
    times = [cftime.DatetimeNoLeap(2015, 1, 1) + (step * index).item() for index in range(n_time)]
    dataset = _stamped(_yearly(n_time), times)
    assert default_inputs(dataset, "tas").features == features
    days = {(t.year, t.month, t.day) for t in times}
    assert ("hour" in features) == (len(days) < n_time)  # the independent reason: two steps on some day


def test_the_sample_keeps_its_features(sample):
    """Monthly data (the sample): no hour, lat and season as before."""
    assert default_features(sample) == ("lat", "season")


@pytest.mark.parametrize("units", [pytest.param("degrees", id="plain"), pytest.param("degrees_north", id="cf")])
def test_latitudes_and_longitudes_left_as_data_are_not_default_predictors(units):
    """fix41m 1(c): LAT(lat, lon)/LON(lat, lon) in plain "degrees" beside a regular grid (MAR
    writes such fields) were proposed as predictors: they say where the cells are."""
    dataset = grid_dataset()
    lat, lon = dataset["lat"].values, dataset["lon"].values
    shape = (lat.size, lon.size)
    dataset = dataset.assign(
        LAT=(("lat", "lon"), np.broadcast_to(lat[:, None], shape).copy(), {"units": units}),
        LON=(("lat", "lon"), np.broadcast_to(lon[None, :], shape).copy(),
             {"units": "degrees" if units == "degrees" else "degrees_east"}))
    chosen = default_inputs(dataset, "tas")
    assert chosen.predictors == default_inputs(grid_dataset(), "tas").predictors
    assert "LAT" in data_variable_names(dataset) and "pred" in chosen.predictors
    assert chosen.positions == ("LAT", "LON")
    assert any(note.startswith("left out of the default predictors: LAT, LON, latitude and longitude")
               for note in chosen.notes("tas"))


@pytest.mark.parametrize(("changes_at", "units"), [
    pytest.param(1, "degrees_north", id="storm-lat-every-step"),
    pytest.param(-1, "degrees_east", id="storm-lon-last-step-only"),
    pytest.param(None, "degrees_north", id="cell-latitudes-repeated-at-each-step"),
    pytest.param(None, "degrees", id="plain-degrees-repeated"),
])
def test_a_position_named_field_that_changes_from_step_to_step_is_no_cell_position(tmp_path, changes_at, units):
    """fix44e: a storm-track file's ``storm_lat(time, lat, lon)`` on the 1-D grid (read as data since 8c6b467b)
    was left out of the default predictors as "latitude and longitude: where the cells are". It is left out (a
    position, as break43's tracks written at every cell), with a note that does not call it the cells' place.
    Whether it changes is numpy's ``ptp`` along the time axis, computed here apart from climann's reading."""
    dataset = grid_dataset()
    n_time, lat = dataset.sizes["time"], dataset["lat"].values
    values = np.broadcast_to(lat[None, :, None], (n_time, lat.size, dataset.sizes["lon"])).astype("f4").copy()
    if changes_at is not None:
        values[changes_at] += np.random.default_rng(44).normal(0.0, 3.0, values.shape[1:]).astype("f4")
    dataset["storm_lat"] = (("time", "lat", "lon"), values, {"units": units})
    dataset.to_netcdf(tmp_path / "storm.nc")
    chosen = default_inputs(open_dataset([tmp_path / "storm.nc"]), "tas")
    varies = bool(np.ptp(values, axis=0).max() > 0)
    assert varies == (changes_at is not None)
    assert "storm_lat" not in chosen.predictors and "storm_lat" in chosen.positions
    assert ("storm_lat" in chosen.moving_positions) == varies
    cells = [note for note in chosen.notes("tas") if "storm_lat" in note and "where the cells are, not" in note]
    moving = [note for note in chosen.notes("tas") if "storm_lat" in note and "change from step to step" in note]
    assert (bool(cells), bool(moving)) == (not varies, varies)


@pytest.mark.parametrize("chunks", [pytest.param(None, id="in-memory"), pytest.param(500, id="dask-500-steps")])
def test_a_sparse_variable_zero_on_every_checked_step_is_no_constant(tmp_path, chunks):
    """break42a A3: hourly station rain (> 0 in 499 of 17 164 hours) was left out of the default predictors as
    "(= 0), one value wherever the target is present: nothing to learn from", said of the 24 steps checked. Rain
    here falls only between the checked steps (numpy: > 0 at 30 of 4 000 steps, none of them checked); it is a
    predictor. A variable that is truly one value at every step where the target is present stays left out."""
    n_steps = 4000
    checked = np.unique(np.linspace(0, n_steps - 1, CHECKED_TIME_STEPS).round().astype(int))
    rng = np.random.default_rng(1)
    rainy = rng.choice(np.setdiff1d(np.arange(n_steps), checked), 30, replace=False)
    rain = np.zeros((n_steps, 2, 2), np.float32)
    rain[rainy] = rng.exponential(2.0, (30, 2, 2)).astype(np.float32)
    assert int((rain > 0).any(axis=(1, 2)).sum()) == 30 and not rain[checked].any()
    times = xr.date_range("2015-01-01", periods=n_steps, freq="h", use_cftime=False)
    dims = ("time", "lat", "lon")
    dataset = xr.Dataset(
        {"sm": (dims, rng.normal(0.25, 0.01, (n_steps, 2, 2)).astype(np.float32), {"units": "m3 m-3"}),
         "precipitation": (dims, rain, {"units": "mm", "long_name": "precipitation", "cell_methods": "time: sum"}),
         "depth": (dims, np.full((n_steps, 2, 2), 0.05, np.float32), {"units": "m", "long_name": "sensor depth"})},
        coords={"time": times, "lat": ("lat", [44.5, 45.5], {"units": "degrees_north"}),
                "lon": ("lon", [-0.5, 0.5], {"units": "degrees_east"})})
    path = tmp_path / "stations.nc"
    dataset.to_netcdf(path)
    opened = open_dataset([path]) if chunks is None else open_dataset([path]).chunk({"time": chunks})
    chosen = default_inputs(opened, "sm")
    assert "precipitation" in chosen.predictors
    assert chosen.constant == {"depth": pytest.approx(0.05)}
    assert "precipitation" not in " ".join(chosen.notes("sm"))


@pytest.mark.parametrize("n_lat, n_lon, advised", [
    pytest.param(1, 1, False, id="one-cell"),
    pytest.param(2, 3, True, id="a-grid"),
])
def test_cell_areas_are_advised_as_a_cell_measure_only_where_there_is_more_than_one_cell(n_lat, n_lon, advised):
    """break42d H1: a grid of one cell has nothing to weigh, and the ncatted that names its area as the cell measure
    was advised all the same; on a grid of several cells it still is."""
    from climann.data.defaults import cell_area_advice

    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), np.zeros((2, n_lat, n_lon)), {"units": "K"}),
         "areacella": (("lat", "lon"), np.ones((n_lat, n_lon)), {"standard_name": "cell_area", "units": "m2"})},
        coords={"lat": ("lat", np.arange(n_lat, dtype=float), {"units": "degrees_north"}),
                "lon": ("lon", np.arange(n_lon, dtype=float), {"units": "degrees_east"})})
    advice = cell_area_advice(dataset, "tas", "areacella", horizontal={"lat", "lon"})
    assert ("ncatted -a cell_measures,tas,o,c,'area: areacella'" in advice) is advised, advice
    assert (advice == "one cell: nothing to weigh the scores by") is not advised


def test_daily_sites_over_the_same_years_get_no_hour_feature(tmp_path):
    """break43d A7: the blocks joined hold each day three times (one per site), read as sub-daily: the
    default `hour` feature, then refused as constant over the training block. The train block's own
    steps, one a day, decide (season yes, hour no)."""
    from climann.data.open import concat_blocks

    time = pd.date_range("2019-01-01", periods=730, freq="D")
    for seed, name in enumerate(("wyth1", "morly", "holln")):  # each block at the train site's place, as advised
        xr.Dataset({"vwc": ("time", np.random.default_rng(seed).normal(30.0, 5.0, time.size), {"units": "%"})},
                   coords={"time": time, "lat": ((), 51.6, {"units": "degrees_north"}),
                           "lon": ((), -1.1, {"units": "degrees_east"})}).to_netcdf(tmp_path / f"{name}.nc")
    combined = concat_blocks([open_dataset([tmp_path / f"{name}.nc"]) for name in ("wyth1", "morly", "holln")],
                             ("train", "val", "test"))
    days = [(time.year, time.month, time.day) for time in combined["time"].values]
    assert len(set(days[:730])) == 730 and len(set(days)) == 730  # each block one step a day, the same days
    assert default_features(combined) == ("season",)


def _presence_by_hand(target: np.ndarray, variable: np.ndarray) -> tuple[int, float, float]:
    """Values the variable lacks where the target is present; its lowest and highest where both are."""
    present, lacking = np.isfinite(target), ~np.isfinite(variable)
    both = present & ~lacking
    return (int(np.count_nonzero(present & lacking)), float(np.min(variable[both], initial=np.inf)),
            float(np.max(variable[both], initial=-np.inf)))


def _presence_cases():
    rng = np.random.default_rng(11)
    dims, lat, lon = ("time", "lat", "lon"), np.arange(4.0), np.arange(6.0)
    coords = {"time": np.arange(10), "lat": lat, "lon": lon}
    values = rng.normal(size=(10, 4, 6))
    values[rng.uniform(size=values.shape) < 0.2] = np.nan
    target = xr.DataArray(values, dims=dims, coords=coords)
    static = rng.normal(size=(4, 6))
    static[0, :3] = np.nan
    field = rng.normal(size=(10, 4, 6))
    field[rng.uniform(size=field.shape) < 0.3] = np.nan
    shifted = xr.DataArray(static, dims=("lat", "lon"), coords={"lat": lat + 1, "lon": lon})  # 3 rows shared
    return {
        "static": (target, xr.DataArray(static, dims=("lat", "lon"), coords={"lat": lat, "lon": lon}),
                   np.broadcast_to(static, values.shape), values),
        "other-order": (target, xr.DataArray(field.transpose(2, 0, 1), dims=("lon", "time", "lat"), coords=coords),
                        field, values),
        "no-coordinates": (target.drop_vars(["lat", "lon"]), xr.DataArray(static, dims=("lat", "lon")),
                           np.broadcast_to(static, values.shape), values),
        "other-latitudes": (target, shifted, np.broadcast_to(static[:3], (10, 3, 6)), values[:, 1:]),
    }


@pytest.mark.parametrize("lazy", [pytest.param(False, id="in-memory"), pytest.param(True, id="dask")])
@pytest.mark.parametrize("case", ["static", "other-order", "no-coordinates", "other-latitudes"])
def test_presence_by_block_of_a_variable_broadcast_on_the_target(case, lazy):
    """The counts, minima and maxima of _presence_by_block against numpy's on the aligned, broadcast
    arrays: a static field on the target's axes, dimensions in another order, no coordinates, and
    latitudes only partly shared (aligned on the shared ones)."""
    from climann.data.defaults import _presence_by_block

    target, variable, variable_values, target_values = _presence_cases()[case]
    if lazy:
        target, variable = target.chunk({"time": 3, "lat": 2}), variable.chunk(2)
    blocks = np.reshape(dask.compute(_presence_by_block(target, variable))[0], (-1, 3))
    found = (int(blocks[:, 0].sum()), float(blocks[:, 1].min()), float(blocks[:, 2].max()))
    assert found == _presence_by_hand(target_values, variable_values)
    assert found[0] > 0 and np.isfinite(found[1])  # the case has values missing and present


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="NCO's ncatted is not installed")
def test_the_nemo_cell_area_line_of_a_series_names_the_areas_in_a_copy_of_every_file(tmp_path, capfd, monkeypatch):
    """break56a A3: for a series of files (ORAS5's monthly files) beside a NEMO 3.6 mesh_mask.nc the e1t·e2t line
    named the areas in a copy of the first file alone, written beside the originals: given with the series' glob,
    the copy was dropped as a duplicate of its original and the scores stayed weighed by computed areas. Now a copy
    of every file in a new folder; run as printed and trained on the --data it gives, the run weighs by e1t·e2t
    (metrics.json's cell_areas) and its test MSE of the climatology is numpy's with those weights."""
    import json
    import shlex

    from climann.evaluation.predictions import split_labels
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from tests.conftest import draw_no_run_figures
    from tests.console import run_main

    monkeypatch.chdir(tmp_path)
    draw_no_run_figures(monkeypatch)
    dataset = grid_dataset(n_years=4)
    (tmp_path / "oras5").mkdir()
    for year in range(4):
        dataset[["tas", "pred"]].isel(time=slice(12 * year, 12 * year + 12)).to_netcdf(f"oras5/grid_T_{year}.nc")
    e1t = 2.2e6 * np.cos(np.deg2rad(dataset["lat"].values))[:, None] * np.ones((1, 6))
    # off the cells' own areas by up to 7 % (more: areas of other cells, refused; break57a A2)
    e2t = np.full((4, 6), 1.67e6) * (1.0 + 0.03 * np.arange(6))
    xr.Dataset({name: (("t", "lat", "lon"), values[None]) for name, values in {"e1t": e1t, "e2t": e2t}.items()},
               coords={"lat": dataset["lat"], "lon": dataset["lon"]}).to_netcdf("mesh_mask.nc")
    told = run_main("info", "oras5/*.nc", "mesh_mask.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert told.returncode == 0, told.stderr
    (warned,) = [line for line in told.stderr.splitlines() if "to weigh them by e1t·e2t" in line]
    (command,) = re.findall(r"to weigh them by e1t·e2t: `([^`]+)`", warned)
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    assert sorted(path.name for path in (tmp_path / "oras5").glob("*.nc")) == [f"grid_T_{year}.nc" for year in range(4)]
    given = [shlex.split(word)[0] for word in re.findall(r"give (?:--data )?('[^']+'|\S+)", warned.split("`")[-1])]
    assert given == ["oras5/cell_measures/*.nc", "cell_areas/mesh_mask.nc"]
    assert len(list((tmp_path / "oras5" / "cell_measures").glob("*.nc"))) == 4
    config = build_config({"data": {"paths": given, "target": "tas", "predictors": ["pred"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}})
    run = run_training(config, run_dir=tmp_path / "run")
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["cell_areas"] == "e1e2t"
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        block = predictions.isel(time=np.flatnonzero(split_labels(predictions["split"]) == "test"))
        error = block["tas_climatology"].values - block["tas"].values.astype(np.float64)
        present = np.isfinite(error) & np.isfinite(block["tas_pred"].values)
        weights = np.broadcast_to(e1t * e2t, error.shape)[present]
    assert run.metrics["splits"]["test"]["climatology"]["mse"] == pytest.approx(
        np.sum(weights * error[present] ** 2) / np.sum(weights), rel=1e-6)
