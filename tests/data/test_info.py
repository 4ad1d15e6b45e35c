import json
import datetime
import logging
import tomllib

import cftime
import dask
import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.info import describe, longitude_convention, time_step_name
from tests.data.test_composites import _chirps_pentads, _composites, _cpc_pentads
from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError
from climann.workflow.config import build_config
from tests.conftest import unwrapped_report
from tests.conftest import grid_dataset, write_climann_file
from tests.forecast_files import s2s_pair


def _config(report: str) -> dict:
    """The whole report parsed as TOML: the summary is comments, the config its only table."""
    return tomllib.loads(report)


def _summary(report: str) -> str:
    """The report's summary, the TOML comment marks taken off and the lines wrapped at 80
    columns joined again (a continuation is indented four more spaces than its line)."""
    lines = report[: report.index("# A config")].splitlines() if "# A config" in unwrapped_report(report) else report.splitlines()
    assert all(line.startswith("#") for line in lines if line), "every summary line is a TOML comment"
    assert all(len(line) <= 80 for line in lines), "the summary fits an 80-column terminal"
    return unwrapped("\n".join(line[2:] for line in lines))


def unwrapped(text: str) -> str:
    """``text`` with each continuation line (indented four more spaces than the line before)
    joined to that line."""
    joined: list[str] = []
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if joined and joined[-1].strip() and line.strip() and indent >= 4 + len(joined[-1]) - len(joined[-1].lstrip(" ")):
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    return "\n".join(joined)


def _line(report: str, start: str) -> str:
    return next(line for line in _summary(report).splitlines() if line.strip().startswith(start))


def test_report_on_a_grid_file(write_grid):
    path = write_grid(n_years=3, n_lat=4, n_lon=6, calendar="noleap")
    report = describe([str(path)])
    assert _summary(report).startswith(f"Files: 1, {path.stat().st_size / 2**10:.1f} KiB in all\n  grid.nc")
    assert _line(report, "tas").split()[:2] == ["tas", "K"]
    assert "(time: 36, lat: 4, lon: 6)" in _line(report, "tas")
    assert "(lat: 4, lon: 6)" in _line(report, "static")
    # landonly is NaN in the first of 6 longitude columns: 1/6 missing
    assert " 16.7% " in _line(report, "landonly") and " 0% " in _line(report, "pred")
    assert "4 values, -67.5 to 67.5, ascending (south-to-north), regular, every 45°" in unwrapped_report(report)
    assert "6 values, 30 to 330, 0…360 convention, regular, every 60°, global" in unwrapped_report(report)
    assert "Time 'time': 2000-01-15 to 2002-12-15, monthly, 36 steps, calendar noleap" in unwrapped_report(report)
    assert "Extra dimensions: none" in unwrapped_report(report)



def test_the_grid_of_one_file_is_not_read_to_compare_it_with_none(write_grid, monkeypatch):
    """The grid most files share is looked for among several; one file is on its own grid
    without its header being opened and checked for it (each `climann info FILE`)."""
    import climann.data.open

    path = write_grid()
    opened = []
    open_input = climann.data.open.open_input
    monkeypatch.setattr(climann.data.open, "open_input",
                        lambda *args, **kwargs: opened.append(kwargs) or open_input(*args, **kwargs))
    report = describe([str(path)])
    assert "Files: 1" in _summary(report)
    assert len(opened) == 1  # to be described; its header was opened a second time, undecoded, for its grid

def test_report_names_descending_latitude_and_signed_longitude(write_grid):
    report = describe([str(write_grid(lat_descending=True, lon_start=-180.0))])
    assert "67.5 to -67.5, descending (north-to-south)" in unwrapped_report(report)
    assert "-150 to 150, −180…180 convention" in unwrapped_report(report)


def test_a_regional_grid_within_0_to_180_is_said_to_be_in_either_convention(tmp_path):
    """It read "0…180 (either convention) convention"."""
    path = tmp_path / "regional.nc"
    regional = grid_dataset(n_lon=12).isel(lon=slice(0, 3))  # 15, 45, 75 °E
    regional.to_netcdf(path)
    lon = regional["lon"].values
    text = unwrapped_report(describe([str(path)]))
    assert f"3 values, {lon.min():g} to {lon.max():g}, 0…180, either convention, regular, every 30°" in text
    assert "convention convention" not in text


@pytest.mark.parametrize(("longitudes", "expected"), [
    pytest.param(np.r_[150.0:181.0:5.0, -175.0:-149.0:5.0],
                 "13 values, 150 to -150 across the dateline, −180…180 convention, regular, every 5°",
                 id="dateline-minus-180-to-180"),
    pytest.param(np.arange(150.0, 211.0, 5.0), "13 values, 150 to 210, 0…360 convention, regular, every 5°",
                 id="dateline-0-to-360"),
    pytest.param(np.r_[340.0:360.0:5.0, 0.0:21.0:5.0],
                 "9 values, 340 to 20 across the prime meridian, 0…360 convention, regular, every 5°",
                 id="greenwich-0-to-360"),
    pytest.param(np.array([150.0, 155.0, 165.0, -175.0]),
                 "4 values, 150 to -175 across the dateline, −180…180 convention, irregular, 5° to 20° apart",
                 id="irregular-across-the-dateline"),
    # break22c F6: as `cdo sellonlatbox,0,360,…` leaves a box across Greenwich: ascending, its western cells last
    pytest.param(np.r_[0.25:18.0:2.5, 350.25:358.0:2.5],
                 "12 values, 350.25 to 17.75 across the prime meridian, stored 0.25 to 357.75 (ascending), 0…360 "
                 "convention, regular, every 2.5°",
                 id="greenwich-0-to-360-stored-ascending"),
    pytest.param(np.r_[-178.75:-160.0:2.5, 151.25:180.0:2.5],
                 "20 values, 151.25 to -161.25 across the dateline, stored -178.75 to 178.75 (ascending), −180…180 "
                 "convention, regular, every 2.5°",
                 id="dateline-minus-180-to-180-stored-ascending"),
])
def test_a_regional_grid_across_the_seam_is_described_from_its_west_to_its_east_end(tmp_path, caplog, longitudes,
                                                                                    expected):
    """A grid stored 150, …, 180, −175, …, −150 read "-175 to 180, …, irregular, 5° to 355°
    apart": the steps are taken modulo 360° in the cells' order round the circle, the ends as
    predict names them. One stored ascending across the seam (0.25, …, 17.75, 350.25, …) read
    "not in order; its cells are sorted" and "irregular, 2.5° to 27.5° apart" (break22c F6):
    it is in order, nothing is sorted, and 27.5° was the gap outside the region."""
    path = tmp_path / "regional.nc"
    dataset = grid_dataset(n_years=1, n_lon=len(longitudes))
    dataset.assign_coords(lon=("lon", longitudes, dataset.lon.attrs)).to_netcdf(path)
    with caplog.at_level(logging.WARNING):
        line = _line(describe([str(path)]), "longitude")
    assert line.strip() == f"longitude 'lon': {expected}"
    assert "not in order" not in caplog.text


def test_an_oisst_file_is_not_given_its_own_anomaly_as_a_predictor(tmp_path):
    """info proposed predictors = ["anom", "err", "ice"] for sst (break13 F8); err, an error
    estimate of sst, is no predictor either (break14 F10)."""
    from tests.data.test_defaults import _oisst_like

    path = tmp_path / "oisst.nc"
    _oisst_like().to_netcdf(path)
    report = describe([str(path)])
    assert _config(report)["data"]["predictors"] == ["ice"]
    assert ("# left out of the default predictors: anom (the anomaly of sst: its long_name 'Daily sea surface "
            "temperature anomalies'): one is the other less its climatology, so as a predictor of sst it holds sst's "
            "own signal, which would leak into the inputs") in unwrapped_report(report)


def test_config_snippet_starts_from_the_first_time_varying_variable(tmp_path):
    dataset = grid_dataset()
    dataset = dataset[["static", "tas", "pred", "landonly"]]  # a static field first
    path = tmp_path / "ordered.nc"
    dataset.to_netcdf(path)
    config = _config(describe([str(path)]))["data"]
    assert config == {
        "paths": [str(path)],
        "target": "tas",
        "predictors": ["static", "pred"],  # landonly: missing on a sixth of tas (break33b B2)
        "features": ["lat", "season"],
    }


@pytest.mark.parametrize("relative", [pytest.param(True, id="relative"), pytest.param(False, id="absolute")])
def test_relative_paths_are_said_to_be_read_from_the_working_directory_it_was_written_in(
    tmp_path, monkeypatch, relative
):
    """break22b F12: `climann info my_data/ > my.toml` wrote paths = ["my_data/"], which
    `train --config` from another folder reads there; the config says so above them, naming
    the folder it was written in. Absolute paths need no note."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_data").mkdir()
    grid_dataset().to_netcdf(tmp_path / "my_data" / "tas.nc")
    pattern = "my_data/" if relative else str(tmp_path / "my_data")
    report = describe([pattern])
    table = report[report.index("\n[data]\n") + 1:].splitlines()
    note = (f"# paths are relative to the working directory of climann train, not to this file; written in "
            f"{tmp_path}: train from there, or make them absolute")
    above = table[1:next(index for index, line in enumerate(table) if line.startswith("paths = "))]
    assert unwrapped_report("\n".join(above)) == (note if relative else "")
    assert _config(report)["data"]["paths"] == [pattern]


@pytest.mark.parametrize("ocean_files", [0, 2])
def test_a_folder_of_two_grids_is_described_on_the_grid_most_files_share(tmp_path, ocean_files):
    """A folder of downloads that mixes an atmosphere and an ocean grid was refused ("the files
    are on different grids"): ``info`` describes the grid most files share and names the others."""
    atmosphere, ocean = grid_dataset(n_lat=4), grid_dataset(n_lat=6, seed=1)
    atmosphere[["tas"]].to_netcdf(tmp_path / "a_tas.nc")
    atmosphere[["pred"]].to_netcdf(tmp_path / "b_pred.nc")
    for k in range(ocean_files):
        ocean[["static"]].rename(static=f"tos{k}").to_netcdf(tmp_path / f"c_tos{k}.nc")
    ocean[["pred"]].rename(pred="zos").to_netcdf(tmp_path / "0_zos.nc")  # first by name, on the ocean grid
    report = unwrapped_report(describe([str(tmp_path)]))
    majority = ocean_files + 1 > 2
    kept, left = (["0_zos.nc", "c_tos0.nc", "c_tos1.nc"], ["a_tas.nc", "b_pred.nc"]) if majority else (
        ["a_tas.nc", "b_pred.nc"], ["0_zos.nc"])
    assert f"# Files: {len(kept)}," in report
    sizes = (6, 4) if majority else (4, 6)
    assert (f"# Left out, on another grid than the files above (lat has {sizes[0]} values in {kept[0]} and "
            f"{sizes[1]} in {left[0]}): {', '.join(left)}; a run reads the variables of one grid") in report
    config = _config(report)["data"]
    assert config["target"] == ("zos" if majority else "tas")
    assert config["predictors"] == (["tos0", "tos1"] if majority else ["pred"])
    assert config["paths"] == [str(tmp_path)]


def _with_metadata_and_levels() -> xr.Dataset:
    dataset = grid_dataset()
    latitude = dataset["lat"].values  # cells that hold their latitudes (zeros everywhere are refused)
    dataset["lat_bnds"] = (("lat", "bnds"), np.stack([latitude - 22.5, latitude + 22.5], axis=1))
    dataset["lat"].attrs["bounds"] = "lat_bnds"
    dataset["crs"] = xr.DataArray(np.int32(0), attrs={"grid_mapping_name": "latitude_longitude"})
    dataset["tas"].attrs["grid_mapping"] = "crs"
    dataset["ta"] = dataset["tas"].expand_dims(plev=[85000.0, 50000.0], axis=1)
    dataset["uas"] = dataset["pred"].expand_dims(height=[10.0], axis=1)
    dataset["co2"] = ("time", np.linspace(380, 390, dataset.sizes["time"]))
    return dataset


def test_metadata_variables_are_left_out_and_extra_dimensions_explained(tmp_path):
    path = tmp_path / "levels.nc"
    _with_metadata_and_levels().to_netcdf(path)
    report = describe([str(path)])
    summary = _summary(report)
    assert "left out: lat_bnds, crs" in summary
    assert not any(line.split()[0] in ("crs", "lat_bnds") for line in summary.splitlines() if line.startswith("  "))
    assert "plev: 2 values (85000, 50000) on ta; choose one with select = {plev = 85000.0}" in summary
    assert "height: 1 value (10) on uas; dropped automatically" in summary
    assert "# not on the latitude-longitude grid, so not predictors: co2" in unwrapped_report(report)
    config = _config(report)["data"]
    assert config["target"] == "tas" and "select" not in config
    # ta has two levels: it cannot be a feature until one is selected, so it is left out, with a note
    assert config["predictors"] == ["pred", "static", "uas"]  # landonly: missing on a sixth of tas
    assert "left out of the default predictors: ta (plev)" in unwrapped_report(report)


def test_bounds_no_attribute_names_are_neither_counted_nor_listed_as_variables(tmp_path):
    """break10 #13: a CMIP file whose time_bnds, lat_bnds and lon_bnds lost their ``bounds``
    links was described as 5 variables (3 of them bounds, units '-'); the count is that of the
    table, and the bounds are named among the metadata left out. Its lat_bnds in degrees_north
    was taken for a 2-D latitude, and the file refused as a curvilinear grid without longitude."""
    grid = grid_dataset(n_years=1)[["tas", "pred"]]
    for axis in ("time", "lat", "lon"):
        grid[f"{axis}_bnds"] = ((axis, "bnds"), np.zeros((grid.sizes[axis], 2)))
    grid["lat_bnds"].attrs["units"] = "degrees_north"
    grid.to_netcdf(tmp_path / "unlinked.nc")
    report = describe([str(tmp_path / "unlinked.nc")])
    assert _config(report)["data"]["predictors"] == ["pred"]  # lat_bnds in degrees_north is no 2-D latitude
    summary = _summary(report)
    section = summary[summary.index("Variables:"): summary.index("Grid:")].strip().splitlines()
    assert section[0] == ("Variables: 2 (bounds, grid-mapping, text and other metadata variables left out: time_bnds, "
                          "lat_bnds, lon_bnds)")
    assert [line.split()[0] for line in section[2:]] == ["tas", "pred"]  # the rows under the header line


def test_a_target_with_levels_gets_a_select_of_its_first_level(tmp_path):
    path = tmp_path / "levels.nc"
    _with_metadata_and_levels()[["ta", "static"]].to_netcdf(path)
    config = _config(describe([str(path)]))["data"]
    assert config["target"] == "ta" and config["select"] == {"plev": 85000.0}
    assert config["predictors"] == ["static"]


def _ocean_file(path, level_attrs: dict) -> xr.Dataset:
    """An ocean model's output: thetao(time, lev, lat, lon) first (each level 0.5 K colder),
    the surface heat flux hfds(time, lat, lon) beside it."""
    grid = grid_dataset(n_years=3)
    thetao = grid["tas"].expand_dims(lev=[500.0, 1500.0, 2500.0], axis=1) - xr.DataArray([0.0, 0.5, 1.0], dims="lev")
    dataset = xr.Dataset({"thetao": thetao, "hfds": grid["pred"]})
    dataset["lev"].attrs.update(level_attrs)
    dataset.to_netcdf(path)
    return dataset


def test_an_ocean_file_gets_its_main_variable_at_its_first_level_and_the_config_trains(tmp_path):
    """info proposed target = "hfds", predictors = [] for thetao(time, lev, lat, lon) beside
    hfds (break13 F6): a network of lat and season only, of the secondary variable."""
    from climann.workflow.pipeline import run_training
    from climann.workflow.preparation import check_trains

    path = tmp_path / "ocean.nc"
    dataset = _ocean_file(path, {"units": "centimeters", "positive": "down", "axis": "Z", "standard_name": "depth"})
    config = _config(describe([str(path)], check=check_trains))
    assert config["data"] == {"paths": [str(path)], "target": "thetao", "predictors": ["hfds"],
                              "features": ["lat", "season"], "select": {"lev": 500.0}}
    settings = {**config, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=tmp_path / "run")  # climann train --config, as info promised
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        assert float(predictions["lev"]) == 500.0
        np.testing.assert_array_equal(predictions["thetao"].values, dataset["thetao"].values[:, 0])


def test_an_extra_dimension_not_known_as_a_level_is_not_selected_for_the_target(tmp_path):
    """Only a vertical coordinate (CF §4.3: axis, positive, standard_name, pressure units) makes
    the first variable the target at one of its values; an unknown dimension keeps the plain one."""
    path = tmp_path / "bands.nc"
    _ocean_file(path, {"long_name": "spectral band"})
    config = _config(describe([str(path)]))["data"]
    assert config["target"] == "hfds" and "select" not in config


def test_info_advises_selecting_an_index_of_a_dimension_without_coordinates_and_the_advice_trains(tmp_path):
    path = tmp_path / "members.nc"
    dataset = grid_dataset()[["tas"]]
    dataset["tas"] = dataset["tas"].expand_dims(member=3, axis=1) + xr.DataArray([0.0, 1.0, 2.0], dims="member")
    dataset.to_netcdf(path)
    report = describe([str(path)])
    assert "member: 3 values (0, 1, 2) on tas; choose one with select = {member = 0}" in _summary(report)
    config = _config(report)["data"]
    assert config["target"] == "tas" and config["select"] == {"member": 0}
    # the advice as train reads it: the config's select values are numbers (member = 0.0)
    select = build_config({"data": config}).data.select
    chosen = select_values(open_dataset([path]), select)
    np.testing.assert_array_equal(chosen["tas"].values, dataset["tas"].values[:, 0])


def test_a_member_chosen_with_info_select_is_written_to_the_config_and_said_as_given(tmp_path):
    """break42c/fix42l: 20CRv3 members joined along ensemble_member, then `climann info F --select
    ensemble_member=2`: 'unexpected error: IndexError' (the member note read the chosen member's scalar
    coordinate as the axis of every member)."""
    path = tmp_path / "members.nc"
    dataset = grid_dataset()[["tas"]]
    dataset["tas"] = dataset["tas"].expand_dims(ensemble_member=3, axis=1) + xr.DataArray([0.0, 1.0, 2.0],
                                                                                       dims="ensemble_member")
    dataset = dataset.assign_coords(ensemble_member=("ensemble_member", np.array([1, 2, 3], dtype=np.int32),
                                                     {"standard_name": "realization"}))
    dataset.to_netcdf(path)
    report = describe([str(path)], select={"ensemble_member": 2})
    config = _config(report)["data"]
    assert config["select"] == {"ensemble_member": 2}
    assert "ensemble_member = 2 as given to climann info --select" in unwrapped_report(report)
    chosen = select_values(open_dataset([path]), build_config({"data": config}).data.select)
    np.testing.assert_array_equal(chosen["tas"].values, dataset["tas"].values[:, 1])


def test_info_select_shows_the_selected_level_and_its_own_missing_share(tmp_path):
    """break46d A6: `climann info soil.nc --select depth=50` said "Extra dimensions: none" and
    still listed TS on all 6 depths, with the missing share of them all (0.4 %) where a sensor gap
    at 50 cm left 2.69 % missing. The table is of the level selected, its share counted by numpy."""
    rng = np.random.default_rng(46)
    times = xr.date_range("2012-01-01", periods=400, freq="D", use_cftime=True)
    depths = np.array([2.0, 5.0, 10.0, 20.0, 50.0, 100.0])
    values = rng.normal(8.0, 4.0, (times.size, depths.size, 1, 1))
    values[100:140, 4] = np.nan  # a sensor gap at 50 cm
    values[rng.random(values.shape) < 0.002] = np.nan  # a few values missing at every depth
    dataset = xr.Dataset({"TS": (("time", "depth", "lat", "lon"), values, {"units": "degC", "long_name": "soil"}),
                          "TA": (("time", "lat", "lon"), values[:, 0] + 1, {"units": "degC", "long_name": "air"})},
                         coords={"time": times, "depth": ("depth", depths, {"units": "cm", "positive": "down"}),
                                 "lat": ("lat", [46.8], {"units": "degrees_north"}),
                                 "lon": ("lon", [9.9], {"units": "degrees_east"})})
    path = tmp_path / "soil.nc"
    dataset.to_netcdf(path)
    at_50 = float(np.isnan(values[:, 4]).mean())
    everywhere = float(np.isnan(values).mean())
    assert abs(at_50 - everywhere) > 0.05  # the two shares differ as shown (to 0.1 %)
    row = _line(describe([str(path)], select={"depth": 50}), "TS ").split()
    assert "depth:" not in row  # the level chosen, not all six
    assert float(row[row.index("lon:") + 2].rstrip("%")) == pytest.approx(100 * at_50, abs=0.05)
    row = _line(describe([str(path)]), "TS ").split()
    assert float(row[row.index("lon:") + 2].rstrip("%")) == pytest.approx(100 * everywhere, abs=0.05)
    assert "Variables: 2 (of depth = 50, as selected)" in _summary(describe([str(path)], select={"depth": 50}))


def test_a_pass_of_flag_codes_is_selected_in_the_config_by_its_meaning_and_train_reads_it(tmp_path):
    """fix40c: info wrote ``select = {pass = 1}`` for AMSR2's pass (flag_values 1 2,
    flag_meanings "ascending descending"): a code the config's reader cannot tell the meaning of.
    The config now says the pass it chose, and train selects exactly numpy's cells of that pass."""
    from climann.workflow.preparation import open_selected
    from tests.data.test_subset import write_passes

    path, sst = write_passes(tmp_path / "amsr2.nc")
    report = describe([str(path)])
    assert 'pass: 2 values (1 (ascending), 2 (descending)) on sst; choose one with select = {pass = "ascending"}' \
        in _summary(report)
    config = _config(report)["data"]
    assert config["target"] == "sst" and config["select"] == {"pass": "ascending"}
    opened = open_selected(build_config({"data": config}))  # climann train --config, as it reads the data
    np.testing.assert_array_equal(opened["sst"].values, sst[:, 0])
    assert int(opened["pass"]) == 1


def test_members_labelled_with_leading_zeros_get_a_config_that_trains(tmp_path):
    """info advised select = {member = "001"}, then refused its own advice: 'member=1 is not a value of member'."""
    path = tmp_path / "labels.nc"
    dataset = grid_dataset()[["tas"]]
    dataset["tas"] = dataset["tas"].expand_dims(member=["001", "010"], axis=1) + xr.DataArray([0.0, 5.0], dims="member")
    dataset.to_netcdf(path)
    config = _config(describe([str(path)], check=lambda settings: build_config(settings) and None))["data"]
    assert config["select"] == {"member": "001"}
    chosen = select_values(open_dataset([path]), build_config({"data": config}).data.select)
    np.testing.assert_array_equal(chosen["tas"].values, dataset["tas"].values[:, 0])


@pytest.mark.parametrize("standard_name", [pytest.param("realization", id="CF-realization"),
                                           pytest.param(None, id="named-realization")])
def test_in_an_ensemble_file_the_members_variable_is_the_target_with_a_note_to_pick_a_member(tmp_path, standard_name):
    """``info`` on a file whose ``tas`` has a ``realization`` dimension, beside a forcing
    ``rsdt`` shared by the members, proposed ``target = "rsdt"`` with no predictors."""
    path = tmp_path / "ens.nc"
    dataset = grid_dataset()[["tas", "pred"]].rename({"pred": "rsdt"})
    dataset["tas"] = dataset["tas"].expand_dims(realization=[1, 2, 3], axis=1) + xr.DataArray(
        [0.0, 1.0, 2.0], dims="realization")
    if standard_name:
        dataset["realization"].attrs["standard_name"] = standard_name
    dataset[["rsdt", "tas"]].to_netcdf(path)  # the forcing first: the target is not merely the first variable
    report = describe([str(path)])
    config = _config(report)["data"]
    assert (config["target"], config["predictors"], config["select"]) == ("tas", ["rsdt"], {"realization": 1})
    assert ("# realization: the ensemble members (1, 2, 3); the model is trained on one, realization = 1 here: "
            "pick the member to train on (the others can be predicted with climann predict --select "
            "realization=VALUE)") in unwrapped_report(report)
    # the advice trains on member 1 (the values of realization = 1, not a mean of the members)
    chosen = select_values(open_dataset([path]), build_config({"data": config}).data.select)
    np.testing.assert_array_equal(chosen["tas"].values, dataset["tas"].values[:, 0])


def test_missing_fractions_are_read_in_one_computation(write_grid):
    path = write_grid()
    computations = []

    def counting_scheduler(graph, keys, **kwargs):
        computations.append(keys)
        return dask.get(graph, keys, **kwargs)

    with dask.config.set(scheduler=counting_scheduler):
        describe([str(path)])
    # one for the table's missing fractions, one for the fields constant in time (three steps of each, no
    # target: rerun38 N4), one for the default predictors' (a few steps)
    assert len(computations) == 3


def test_netcdf3_classic_file_and_several_files(tmp_path):
    full = grid_dataset(n_years=2, calendar="360_day")
    for index, part in enumerate((slice(0, 12), slice(12, 24))):
        full.isel(time=part).to_netcdf(tmp_path / f"part{index}.nc", format="NETCDF3_CLASSIC")
    report = _summary(describe([str(tmp_path / "part*.nc")]))
    assert report.startswith("Files: 2,") and "part0.nc" in unwrapped_report(report) and "part1.nc" in unwrapped_report(report)
    assert "2000-01-15 to 2001-12-15, monthly, 24 steps, calendar 360_day" in unwrapped_report(report)


def test_a_file_without_time_is_still_described(tmp_path):
    path = tmp_path / "static.nc"
    grid_dataset()[["static"]].to_netcdf(path)
    report = describe([str(path)])
    assert "Time: no time coordinate found" in _summary(report)
    # nothing to train on without a time axis: no config is suggested, and the reason is given
    assert _config(report) == {}
    assert unwrapped_report(report).rstrip().splitlines()[-1].startswith("# No config to start from: no time-varying variable")


@pytest.mark.parametrize("dim", [pytest.param("Time", id="wrf-Time"), pytest.param("time", id="time")])
def test_dates_as_text_are_named_and_their_dimension_never_selected(tmp_path, monkeypatch, dim):
    """WRF's ``char Times(Time, DateStrLen)`` beside a time dimension without coordinate: the
    Time section says the dates are text and how to make them a time axis; a select of one of
    its steps (a series made one map) is never advised."""
    import netCDF4

    monkeypatch.chdir(tmp_path)
    texts = [f"{2000 + month // 12}-{month % 12 + 1:02d}-15_00:00:00" for month in range(24)]
    with netCDF4.Dataset(tmp_path / "wrfout.nc", "w") as nc:
        for name, size in ((dim, 24), ("DateStrLen", 19), ("lat", 2), ("lon", 3)):
            nc.createDimension(name, size)
        nc.createVariable("Times", "S1", (dim, "DateStrLen"))[:] = netCDF4.stringtochar(np.array(texts, "S19"))
        for name, units, values in (("lat", "degrees_north", [0.0, 10.0]), ("lon", "degrees_east", [0.0, 10.0, 20.0])):
            variable = nc.createVariable(name, "f8", (name,))
            variable.units, variable[:] = units, values
        nc.createVariable("tas", "f4", (dim, "lat", "lon"))[:] = np.ones((24, 2, 3))
    report = unwrapped_report(describe(["wrfout.nc"]))
    assert "select" not in report.replace("not a dimension to select from", "")
    assert f"{dim}: 24 steps on tas, dated by the text in 'Times'" in report
    assert "Time: no time coordinate found in wrfout.nc: the dates of its 24 steps" in report
    assert "stored as text in 'Times' ('2000-01-15_00:00:00', '2000-02-15_00:00:00', …, '2001-12-15_00:00:00')" in report
    assert "to_netcdf(p);os.replace(p,'wrfout_fixed.nc')`" in report  # the copy written whole (whole_write)
    assert _config(report) == {}
    assert report.rstrip().splitlines()[-1] == (
        "# No config to start from: no time coordinate: the dates are text in 'Times' (see Time above)")


@pytest.mark.parametrize(
    "content",
    [pytest.param(None, id="missing-file"), pytest.param(b"not netcdf", id="not-netcdf")],
)
def test_errors_are_climann_errors(tmp_path, content):
    path = tmp_path / "bad.nc"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ClimannError, match="bad.nc"):
        describe([str(path)])


def _dates(calendar: str, *steps: tuple) -> list:
    return [cftime.datetime(*step, calendar=calendar) for step in steps]


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        pytest.param(_dates("noleap", (2000, 1, 15), (2000, 2, 15), (2000, 3, 15)), "monthly", id="monthly"),
        pytest.param(_dates("360_day", (2000, 1, 1), (2000, 2, 1), (2000, 3, 1)), "monthly", id="monthly-360_day"),
        pytest.param(_dates("standard", (2000, 1, 31), (2000, 2, 1), (2000, 2, 2)), "daily", id="daily"),
        pytest.param(_dates("standard", (2000, 1, 1, 18), (2000, 1, 2, 0), (2000, 1, 2, 6)), "6-hourly", id="6-hourly"),
        pytest.param(_dates("standard", (2000, 1, 30), (2000, 2, 4), (2000, 2, 9)), "5 days", id="pentads"),
        pytest.param(_dates("standard", (2000, 7, 1), (2001, 7, 1), (2002, 7, 1)), "yearly", id="yearly"),
        pytest.param(_dates("standard", (2000, 1, 1), (2000, 1, 2), (2000, 1, 4)), "daily", id="daily-with-gap"),
        pytest.param(_dates("standard", (2000, 1, 1), (2000, 1, 2), (2000, 1, 3, 12)), "irregular (1 to 1.5 days)",
                     id="irregular"),
        pytest.param(_dates("standard", (1582, 9, 15), (1582, 10, 15), (1582, 11, 15)), "monthly", id="monthly-1582"),
        pytest.param(_dates("julian", (2000, 1, 1), (2000, 3, 1), (2000, 4, 1)), "monthly", id="monthly-with-gap"),
        pytest.param(_dates("standard", (2000, 1, 1)), "a single time step", id="single"),
        # rerun38 N9: dekads (8 to 11 days apart) and GIMMS-like half-months (13 to 16) were "irregular (…)",
        # though the climatology is kept per dekad (half-month): named by the days they start on
        pytest.param(_dates("standard", *[(2001, month, day) for month in range(1, 13) for day in (1, 11, 21)]),
                     "dekads (1st, 11th, 21st of each month)", id="dekads"),
        pytest.param(_dates("noleap", *[(2001, month, day) for month in range(1, 13) for day in (1, 16)]),
                     "half-months (1st, 16th of each month)", id="half-months"),
        pytest.param(_dates("standard", (2001, 1, 1), (2001, 1, 11), (2001, 1, 21), (2001, 2, 1), (2001, 2, 12)),
                     "irregular (10 to 11 days)", id="not-dekads"),
        # break38c T1, T2: CPC's pentads were "irregular (5 to 6 days)", MODIS's 16-day composites "irregular
        # (13 to 16 days)", 10-day composites restarting each year "irregular (5 to 10 days)"
        pytest.param(list(_cpc_pentads()), "pentads (73 a year, CPC's: the 12th, 25 February – 1 March, is 6 days "
                     "long in a leap year)", id="cpc-pentads"),
        # fix40d: CHIRPS's pentads (6 a month, stamped at their first day) were "irregular (3 to 6 days)"
        pytest.param(list(_chirps_pentads()), "pentads (CHIRPS's: 72 a year, the 6th from the 26th to the month's "
                     "end, 3 to 6 days long; 1st, 6th, 11th, 16th, 21st, 26th of each month)", id="chirps-pentads"),
        pytest.param(list(_composites(16, years=(2000, 2001, 2002))),
                     "16-day composites restarting each 1 January (23 a year)", id="modis-16-day"),
        pytest.param(list(_composites(10, years=(2000, 2001))),
                     "10-day composites restarting each 1 January (37 a year)", id="10-day-restarting"),
    ],
)
def test_time_step_names(times, expected):
    assert time_step_name(times) == expected


@pytest.mark.parametrize(
    ("longitude", "expected"),
    [
        pytest.param([0.0, 90.0, 270.0], "0…360", id="0-360"),
        pytest.param([-180.0, 0.0, 90.0], "−180…180", id="signed"),
        pytest.param([10.0, 20.0], "0…180, either", id="ambiguous"),
        # a curvilinear grid's 2-D longitudes running on across 0° (curv.nc of break9: −9.66…354.7)
        pytest.param([-9.66, 120.0, 354.7], "neither −180…180 nor 0…360", id="across-both-seams"),
        pytest.param([-200.0, -10.0], "neither −180…180 nor 0…360", id="below-minus-180"),
        pytest.param([10.0, 370.0], "neither −180…180 nor 0…360", id="above-360"),
        pytest.param([np.nan, -10.0, 20.0], "−180…180", id="cells-without-a-position"),
    ],
)
def test_longitude_convention(longitude, expected):
    assert longitude_convention(np.array(longitude)) == expected


# --- curvilinear and rotated-pole grids -------------------------------------------------------------
def test_a_rotated_pole_grid_is_described_with_its_pole_and_geographic_extent(tmp_path):
    from tests.grid_files import RLAT, RLON, rotated_to_geographic, write_rotated

    report = describe([str(write_rotated(tmp_path / "rotated.nc"))])
    lat, lon = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    assert "rotated-pole grid ('rotated_pole', rotated_latitude_longitude; north pole at 39.25°N, 162°W)" in unwrapped_report(report)
    assert "rows      'rlat': 5 values, -10 to 7.6 degrees (grid_latitude)" in unwrapped_report(report)
    assert f"latitude  'lat' (2-D, in the file): {lat.min():.4g} to {lat.max():.4g} degrees north" in unwrapped_report(report)
    assert f"longitude 'lon' (2-D, in the file): {lon.min():.4g} to {lon.max():.4g} degrees east" in unwrapped_report(report)
    assert "select" not in unwrapped_report(report)


def _cordex_afr(path, *, with_latlon: bool):
    """A CORDEX AFR-22-like file: rotated_pole at 90°N, 180°W (the identity rotation), rlat -10…8.8, rlon 10…19.9,
    2-D lat/lon from pyproj's reading of the mapping (CF §5.6 through PROJ's ob_tran) when ``with_latlon``."""
    import netCDF4
    import pyproj

    rlat, rlon = np.arange(-10.0, 10.0, 2.2), np.arange(10.0, 20.0, 2.2)
    mapping = {"grid_mapping_name": "rotated_latitude_longitude", "grid_north_pole_latitude": 90.0,
               "grid_north_pole_longitude": -180.0}
    crs = pyproj.CRS.from_cf(mapping)
    lon, lat = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(
        *np.meshgrid(rlon, rlat))
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", 24)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.standard_name = "days since 2006-01-01", "360_day", "time"
        time[:] = 15 + 30 * np.arange(24)
        for name, values, standard_name in (("rlat", rlat, "grid_latitude"), ("rlon", rlon, "grid_longitude")):
            nc.createDimension(name, values.size)
            variable = nc.createVariable(name, "f8", (name,))
            variable.standard_name, variable.units = standard_name, "degrees"
            variable[:] = values
        if with_latlon:
            for name, values, units in (("lat", lat, "degrees_north"), ("lon", lon, "degrees_east")):
                variable = nc.createVariable(name, "f8", ("rlat", "rlon"))
                variable.units, variable.standard_name = units, {"lat": "latitude", "lon": "longitude"}[name]
                variable[:] = values
        nc.createVariable("rotated_pole", "c").setncatts(mapping)
        tas = nc.createVariable("tas", "f4", ("time", "rlat", "rlon"))
        tas.units, tas.grid_mapping = "K", "rotated_pole"
        if with_latlon:
            tas.coordinates = "lat lon"
        tas[:] = 290 + 5 * np.sin(np.arange(24))[:, None, None] + 0.1 * lat[None]
    return lat - rlat[:, None], (lon - rlon[None, :] + 180) % 360 - 180


@pytest.mark.parametrize("with_latlon", [pytest.param(True, id="lat-lon-in-the-file"),
                                         pytest.param(False, id="lat-lon-from-pyproj")])
def test_a_rotated_pole_of_the_identity_rotation_is_told_so(tmp_path, with_latlon):
    """break48c A5: CORDEX AFR's rotated_pole (90°N, 180°W) rotates nothing, yet info said "rows and columns are not
    latitude and longitude". pyproj places every cell at its rows' and columns' values (to round-off, checked by
    hand below): info says the rotation is the identity. A rotated pole elsewhere (EURO-CORDEX's) is still not."""
    from tests.grid_files import write_rotated

    lat_apart, lon_apart = _cordex_afr(tmp_path / "tas_AFR-22.nc", with_latlon=with_latlon)
    assert np.abs(lat_apart).max() < 1e-9 and np.abs(lon_apart).max() < 1e-9
    report = unwrapped_report(describe([str(tmp_path / "tas_AFR-22.nc")]))
    source = "in the file" if with_latlon else "computed from the grid mapping with pyproj"
    assert ("rotated-pole grid ('rotated_pole', rotated_latitude_longitude; north pole at 90°N, 180°W); the rotation "
            f"is the identity: rows are latitudes and columns longitudes (the 2-D latitude and longitude, {source}, "
            "equal them within 1e-06°)") in report
    assert "not latitude and longitude" not in report
    euro = unwrapped_report(describe([str(write_rotated(tmp_path / "rotated.nc"))]))
    assert "north pole at 39.25°N, 162°W); rows and columns are not latitude and longitude" in euro


def test_a_curvilinear_grid_is_described_and_its_index_dims_are_never_to_select(tmp_path):
    from tests.grid_files import curvilinear_coordinates, write_curvilinear

    report = describe([str(write_curvilinear(tmp_path / "tos.nc"))])
    lat, lon = curvilinear_coordinates()
    assert "curvilinear grid (2-D latitude and longitude)" in unwrapped_report(report)
    assert "rows      'y': 5 values, index only" in unwrapped_report(report) and "columns   'x': 6 values, index only" in unwrapped_report(report)
    assert f"'nav_lat' (2-D, in the file): {lat.min():.4g} to {lat.max():.4g} degrees north" in unwrapped_report(report)
    assert f"'nav_lon' (2-D, in the file): {lon.min():.4g} to {lon.max():.4g} degrees east, 0…360" in unwrapped_report(report)
    assert "Extra dimensions: none" in unwrapped_report(report) and "select" not in unwrapped_report(report)
    assert _config(report)["data"]["target"] == "tos"


def test_cmip_index_axes_of_units_1_are_described_without_a_unit_glued_to_their_range(tmp_path):
    """break24a F6: CMOR writes j/i with units = "1"; the line read "0 to 4 1 (no standard_name)"."""
    from tests.grid_files import write_curvilinear

    dataset = xr.load_dataset(write_curvilinear(tmp_path / "tos.nc"))
    dataset = dataset.rename(y="j", x="i").assign_coords(j=("j", np.arange(5), {"units": "1"}),
                                                        i=("i", np.arange(6), {"units": "1"}))
    dataset.to_netcdf(tmp_path / "tos_Omon.nc")
    report = unwrapped_report(describe([str(tmp_path / "tos_Omon.nc")]))
    assert "rows      'j': 5 values, 0 to 4 (no standard_name)" in report
    assert "columns   'i': 6 values, 0 to 5 (no standard_name)" in report


def test_land_corners_missing_under_a_forcing_field_are_judged_by_the_suggested_target(tmp_path):
    """NaN corners on a land cell where tos never holds data, rsdt given everywhere: the grid
    is described with its corners and the config trains, as train judges it (by the target)."""
    from tests.grid_files import write_curvilinear

    dataset = xr.load_dataset(write_curvilinear(tmp_path / "tos.nc"))
    lat, lon = dataset["nav_lat"].values[..., None], dataset["nav_lon"].values[..., None]
    dataset["lat_bnds"] = (("y", "x", "nv"), lat + [-1.0, -1.0, 1.0, 1.0])
    dataset["lon_bnds"] = (("y", "x", "nv"), lon + [-1.0, 1.0, 1.0, -1.0])
    dataset["lat_bnds"][2, 3, :] = np.nan
    dataset["nav_lat"].attrs["bounds"], dataset["nav_lon"].attrs["bounds"] = "lat_bnds", "lon_bnds"
    dataset["tos"][:, 2, 3] = np.nan
    rsdt = 300.0 + np.arange(dataset["tos"].size, dtype=np.float32).reshape(dataset["tos"].shape)  # varies
    dataset["rsdt"] = (("time", "y", "x"), rsdt, {"units": "W m-2"})
    dataset.to_netcdf(tmp_path / "forcing.nc")
    report = describe([str(tmp_path / "forcing.nc")])
    assert "cell corners 'lat_bnds', 'lon_bnds'" in unwrapped_report(report)
    assert "missing" not in _summary(report).split("Grid:")[1].split("Time")[0]
    assert _config(report)["data"]["target"] == "tos" and _config(report)["data"]["predictors"] == ["rsdt"]


def test_wrf_output_with_xlat_repeated_in_time_is_described_as_its_curvilinear_grid(tmp_path):
    """XLAT/XLONG on (Time, south_north, west_east): the grid's own dimensions are never to select,
    and the Times character array is no variable to predict from."""
    from tests.grid_files import wrf_coordinates, write_wrf

    report = describe([str(write_wrf(tmp_path / "wrf.nc"))])
    lat, lon = wrf_coordinates()
    summary = _summary(report)
    assert "curvilinear grid (2-D latitude and longitude)" in summary
    assert "rows      'south_north': 5 values, index only" in summary
    assert f"latitude  'XLAT' (2-D, in the file): {lat.min():.4g} to {lat.max():.4g} degrees north" in summary
    assert f"longitude 'XLONG' (2-D, in the file): {lon.min():.4g} to {lon.max():.4g} degrees east" in summary
    assert "Extra dimensions: none" in summary and "select" not in unwrapped_report(report)
    assert "Variables: 2 (bounds, grid-mapping, text and other metadata variables left out: Times)" in summary
    assert _config(report)["data"] == {"paths": [str(tmp_path / "wrf.nc")], "target": "T2", "predictors": ["SWDOWN"],
                                       "features": ["lat", "season"]}
    assert "Times" not in report[report.index("[data]"):]


@pytest.mark.parametrize(
    "unfound",
    [
        pytest.param({"XLAT": {"units": "1"}}, id="latitude-not-found"),
        pytest.param({"XLAT": {"units": "1"}, "XLONG": {"units": "1"}}, id="neither-found"),
    ],
)
def test_without_a_horizontal_grid_no_select_is_suggested_on_its_dimensions(tmp_path, unfound):
    from tests.grid_files import write_wrf

    path = write_wrf(tmp_path / "wrf.nc", repeated=False)
    with xr.open_dataset(path, decode_times=False) as opened:
        unknown = opened.load()
    for name, attrs in unfound.items():
        unknown[name].attrs.update(attrs)
    unknown.to_netcdf(tmp_path / "unknown.nc")
    report = describe([str(tmp_path / "unknown.nc")])
    assert ("Extra dimensions: not known until the grid is found (dimensions besides time: south_north, "
            "west_east); no select suggested") in _summary(report)
    assert "select =" not in unwrapped_report(report) and "No config to start from" in unwrapped_report(report)


def test_wrf_staggered_winds_are_described_as_off_the_grid_with_no_select_on_their_dimensions(tmp_path):
    from tests.grid_files import write_wrf

    report = describe([str(write_wrf(tmp_path / "wrfout.nc", staggered=True))])
    summary = _summary(report)
    assert "latitude  'XLAT' (2-D, in the file)" in summary and "longitude 'XLONG' (2-D, in the file)" in summary
    assert "U       m s-1  (XTIME: 36, south_north: 5, west_east_stag: 7)" in summary
    assert "Extra dimensions: none" in summary and "select" not in unwrapped_report(report)
    assert _config(report)["data"]["predictors"] == ["SWDOWN"]
    assert unwrapped_report(report).rstrip().endswith("# not on the latitude-longitude grid, so not predictors: U, V\n"
                                    "# on a staggered grid: U, V; interpolate to the grid's points to use them "
                                    "(e.g. wrf-python's wrf.destagger)")


def test_of_two_2d_latitudes_the_one_the_variables_name_is_the_grid_and_no_select_is_made_on_it(tmp_path):
    """Two 2-D latitudes on different dims, neither marked staggered: T2 and SWDOWN name XLAT
    in their coordinates attribute (CF §5), so that is the grid (refused before, break14 F3);
    never, as once, a config selecting south_north = 0 and west_east = 0 to find a 1-D
    latitude in what was left."""
    from tests.grid_files import write_wrf

    with xr.open_dataset(write_wrf(tmp_path / "wrfout.nc", staggered=True), decode_times=False) as opened:
        ambiguous = opened.load()
    ambiguous = ambiguous.rename(west_east_stag="west_east_u")
    ambiguous["XLAT_U"].attrs.pop("stagger")
    ambiguous["U"].attrs.pop("stagger")
    ambiguous.to_netcdf(tmp_path / "ambiguous.nc")
    report = describe([str(tmp_path / "ambiguous.nc")])
    assert "latitude  'XLAT' (2-D, in the file)" in _summary(report)
    data = _config(report)["data"]
    assert (data["target"], data["predictors"], "select" in data) == ("T2", ["SWDOWN"], False)
    assert "# not on the latitude-longitude grid, so not predictors: U, V" in report


def test_a_grid_known_only_by_its_mapping_is_located_with_pyproj(tmp_path):
    from tests.grid_files import write_lambert

    report = describe([str(write_lambert(tmp_path / "lambert.nc"))])
    assert "projected grid ('crs', lambert_conformal_conic)" in unwrapped_report(report)
    assert "latitude  'lat' (2-D, computed from the grid mapping with pyproj)" in unwrapped_report(report)
    assert "cell corners computed from the rows' and columns' edges" in unwrapped_report(report)


def test_a_latitude_longitude_grid_mapping_beside_projection_axis_names_is_not_called_a_projection(tmp_path):
    """break47b A4: CDO 2.1 writes ``standard_name = projection_y_coordinate`` / ``projection_x_coordinate`` on
    ``lat`` / ``lon`` beside ``crs:grid_mapping_name = latitude_longitude`` (``cdo remapbil`` onto MOD13C2's grid),
    and info said "projected grid …; rows and columns are not latitude and longitude". CF's latitude_longitude
    mapping is no projection: the rows are the file's latitudes, the columns its longitudes (numpy's extents)."""
    lat, lon = np.arange(14.975, 10.0, -0.05), np.arange(0.025, 5.0, 0.05)
    xr.Dataset({"pre": (("time", "lat", "lon"), np.ones((2, lat.size, lon.size), np.float32),
                        {"units": "mm/month", "grid_mapping": "crs"}),
                "crs": ((), np.int8(0), {"grid_mapping_name": "latitude_longitude", "semi_major_axis": 6378137.0,
                                         "inverse_flattening": 298.257223563})},
               coords={"lat": ("lat", lat, {"standard_name": "projection_y_coordinate", "long_name": "latitude",
                                            "units": "degrees_north", "axis": "Y"}),
                       "lon": ("lon", lon, {"standard_name": "projection_x_coordinate", "long_name": "longitude",
                                            "units": "degrees_east", "axis": "X"}),
                       "time": ("time", [0.0, 31.0], {"units": "days since 2001-01-16"})}).to_netcdf(tmp_path / "pre.nc")
    report = unwrapped_report(describe([str(tmp_path / "pre.nc")]))
    assert ("regular latitude-longitude grid ('crs', latitude_longitude; not a projection); rows are latitudes and "
            "columns longitudes") in report, report
    assert "projected grid" not in report and "are not latitude and longitude" not in report
    assert f"{lat.min():.4g} to {lat.max():.4g} degrees north" in report
    assert f"{lon.min():.4g} to {lon.max():.4g} degrees east" in report


def test_the_time_section_counts_the_steps_missing_from_a_regular_axis(tmp_path):
    path = tmp_path / "gappy.nc"
    grid_dataset(n_years=4).isel(time=[k for k in range(48) if k not in (15, 16, 17)]).to_netcdf(path)
    time_line = next(line for line in unwrapped_report(describe([str(path)])).splitlines() if line.lstrip("# ").startswith("Time "))
    assert "monthly, 45 steps, 3 steps missing (gaps), calendar noleap" in time_line


@pytest.mark.parametrize(("months", "named"), [
    pytest.param((5, 6, 7), "June to August (JJA)", id="jja"),
    pytest.param((11, 0, 1), "December to February (DJF)", id="djf"),
])
def test_the_time_section_names_a_seasonal_subset(tmp_path, months, named):
    """fix41c: a file of June–August of each year (`cdo selseas,JJA`) was "monthly, 12 steps, 27 steps
    missing (gaps)", its one season a year not named; by hand: 4 years, 3 months each (JJA: June of
    the first year to August of the last spans 39 months, 27 missing; DJF: January of the first to
    December of the last, 48, 36 missing)."""
    path = tmp_path / "season.nc"
    grid_dataset(n_years=4).isel(time=[k for k in range(48) if k % 12 in months]).to_netcdf(path)
    time_line = next(line for line in unwrapped_report(describe([str(path)])).splitlines()
                     if line.lstrip("# ").startswith("Time "))
    missing = 27 if named.endswith("(JJA)") else 36
    assert f"monthly, 12 steps, {missing} steps missing (gaps: a seasonal subset, {named} of each year only)" in time_line


def test_the_time_section_counts_the_periods_missing_from_a_period_calendar(tmp_path):
    """fix40d: dekads of June–August only (2003–2005) were "dekads (…), 27 steps" with no word of the months
    between; by hand: 2003-06-01 … 2005-08-21 spans 27 months, 81 dekads, of which 27 are held, 54 missing."""
    from tests.data.test_composites import _month_periods

    path = tmp_path / "dekads_jja.nc"
    dataset = grid_dataset(n_years=3, calendar="standard")
    dekads = [t for t in _month_periods((1, 11, 21)) if t.month in (6, 7, 8)]
    dataset.isel(time=slice(0, len(dekads))).assign_coords(time=dekads).to_netcdf(path)
    time_line = next(line for line in unwrapped_report(describe([str(path)])).splitlines()
                     if line.lstrip("# ").startswith("Time "))
    assert ("dekads (1st, 11th, 21st of each month), 27 steps, 54 dekads missing (gaps: a seasonal subset, June to "
            "August (JJA) of each year only), calendar standard") in time_line


def test_report_on_a_grid_with_a_cyclic_column(tmp_path):
    dataset = grid_dataset(n_years=1, n_lat=3, n_lon=4, lon_start=-45.0)  # lon 0, 90, 180, 270
    copy = dataset.isel(lon=[0]).assign_coords(lon=[360.0])
    path = tmp_path / "cyclic.nc"
    xr.concat([dataset, copy], dim="lon").to_netcdf(path)
    report = describe([str(path)])
    assert "4 values, 0 to 270, 0…360 convention, regular, every 90°, global" in _line(report, "longitude")
    assert "dropped on reading: 360°, the same meridian again with the same values" in _summary(report)


def test_no_config_is_promised_for_a_time_axis_train_cannot_read_as_dates(tmp_path):
    path = tmp_path / "raw.nc"
    dataset = grid_dataset()
    dataset["time"] = ("time", np.arange(dataset.sizes["time"]) * 30.0, {"standard_name": "time", "units": "hours"})
    dataset.to_netcdf(path)
    report = describe([str(path)])
    assert _config(report) == {}  # no [data] table: train would refuse it
    assert unwrapped_report(report).rstrip().splitlines()[-1] == (
        "# No config to start from: time coordinate 'time' in raw.nc could not be read as dates (its units are "
        "'hours'): see Time above for the way out")
    assert ("# Time 'time': 36 values not decoded to dates: its units are 'hours'; CF expects units = 'days since "
            "1970-01-01' (any unit since a reference date) and a calendar") in unwrapped_report(report)


def test_the_check_given_sees_the_config_and_its_refusal_replaces_it(write_grid):
    path = write_grid(n_years=3)
    seen = []

    def refuse(settings):
        seen.append(settings)
        raise ClimannError("the test block would be empty")

    report = describe([str(path)], check=refuse)
    assert seen == [{"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred", "static"],
                              "features": ["lat", "season"]}}]
    assert _config(report) == {}
    assert unwrapped_report(report).rstrip().splitlines()[-1] == "# No config to start from: the test block would be empty"
    assert _config(describe([str(path)], check=lambda settings: None))["data"] == seen[0]["data"]


def test_report_on_radians_and_unlinked_1d_coordinates_is_in_degrees_without_select(tmp_path):
    """ICON-style radians are described in degrees; 1-D latitude(y)/longitude(x) with a
    standard_name but no coordinates link are the grid, and no select on y or x is advised."""
    dataset = grid_dataset(n_years=1, n_lat=3, n_lon=4, lon_start=-45.0)  # lat −60, 0, 60; lon 0…270
    latitude, longitude = dataset["lat"].values, dataset["lon"].values
    unlinked = dataset.rename({"lat": "y", "lon": "x"}).drop_vars(["y", "x"]).assign(
        latitude=("y", np.deg2rad(latitude), {"standard_name": "latitude", "units": "radian"}),
        longitude=("x", longitude, {"standard_name": "longitude", "units": "degrees_east"}),
    )
    path = tmp_path / "aux1d.nc"
    unlinked.to_netcdf(path)
    report = describe([str(path)])
    assert f"3 values, {latitude[0]:g} to {latitude[-1]:g}" in _line(report, "latitude")
    assert "4 values, 0 to 270" in _line(report, "longitude")
    assert "select" not in unwrapped_report(report)


def test_info_leaves_a_flag_variable_out_of_the_config_and_says_why(tmp_path):
    """A land-cover class (CF flag_values/flag_meanings) is not among the suggested predictors;
    the config says so in a comment, as train's warning does. A bool mask stays a predictor."""
    dataset = grid_dataset()[["tas", "pred"]]
    dataset["lc"] = (("lat", "lon"), (np.arange(24).reshape(4, 6) % 4 + 1).astype("i1"),
                     {"flag_values": np.array([1, 2, 3, 4], "i1"), "flag_meanings": "forest grass desert ice"})
    dataset["landmask"] = (dataset["lat"] > 0) & (dataset["lon"] < 180)
    dataset.to_netcdf(tmp_path / "flags.nc")
    report = describe([str(tmp_path / "flags.nc")])
    assert _config(report)["data"]["predictors"] == ["pred", "landmask"]
    assert ("# left out of the default predictors: lc (flag_values 1 2 3 4: forest grass desert ice), CF flag "
            "variables whose codes are classes, not amounts") in unwrapped_report(report)


@pytest.mark.parametrize("dtype", [pytest.param("f4", id="float32"), pytest.param("f8", id="float64")])
def test_float32_stamps_too_coarse_to_place_are_named_as_the_cause_of_an_irregular_axis(tmp_path, dtype):
    """Quarter-hours in float32 days since 1850 (stored 5.6 min apart in 2004, too coarse to
    put on their grid): the time line names the storage and its fix, as the refusal of lags
    does; in float64 the axis is regular and nothing is said."""
    from tests.data.test_time_precision import _hours, _write

    quarter_hours = _hours((2004, 1, 1, 1))[0] + np.arange(96) / 96
    report = unwrapped_report(describe([str(_write(tmp_path / "q15.nc", quarter_hours, dtype=dtype))]))
    line = next(line for line in report.splitlines() if "Time 'time'" in line)
    if dtype == "f8":
        assert line.endswith("2004-01-01 to 2004-01-01 23:45, every 15 minutes, 96 steps, calendar standard")
        return
    assert "irregular (" in line and line.endswith(
        "steps, calendar standard; time 'time' is stored as float32 (precision ≈ 5.6 min at 2004), too coarse for "
        "steps of about 15 min; store time as double with its exact values (e.g. written again from the source, or "
        "`cdo settaxis` with the first date and the step)")


@pytest.mark.parametrize(("write", "line"), [
    pytest.param("write_rotated", "no cell corners; areas exact, (sin φ₂ − sin φ₁)·Δλ of the rotated rows' and "
                 "columns' edges midway between the centres (a rotation keeps areas)", id="rotated-pole"),
    pytest.param("write_lambert", "cell corners computed from the rows' and columns' edges; areas geodesic, of the "
                 "cells' corners in the projection", id="projected"),
    pytest.param("write_curvilinear", "no cell corners; areas approximate, of quadrilaterals with corners midway "
                 "between the centres", id="curvilinear"),
    pytest.param("_latitude_longitude_in_2d", "no cell corners; areas exact, of latitude-longitude cells with edges "
                 "midway between the centres", id="latitude-longitude-written-in-2-d"),
])
def test_the_grid_section_says_where_each_kind_of_grid_gets_its_areas(tmp_path, write, line):
    """As GridLayout.cell_area_weights takes them: a rotated-pole grid without corners has exact
    areas from its rotated axes (before: "areas from the spacing of the centres", true only of
    a curvilinear grid without corners); a latitude-longitude grid written with 2-D
    coordinates gets its 1-D axes' exact areas (climann.data.geometry.centre_spacing_areas)."""
    import tests.grid_files

    writer = _latitude_longitude_in_2d if write.startswith("_") else getattr(tests.grid_files, write)
    report = describe([str(writer(tmp_path / "grid.nc"))])
    assert line in unwrapped_report(report)


def _latitude_longitude_in_2d(path):
    """tas on a 5° grid from the north pole down, its centres given as 2-D lat/lon on (y, x)."""
    latitude, longitude = np.meshgrid(np.arange(90.0, 59.0, -5.0), np.arange(0.0, 360.0, 30.0), indexing="ij")
    xr.Dataset({"tas": (("time", "y", "x"), np.ones((2, *latitude.shape), np.float32), {"units": "K"})}, coords={
        "time": ("time", [0.0, 31.0], {"units": "days since 2000-01-01", "calendar": "noleap"}),
        "lat": (("y", "x"), latitude, {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": (("y", "x"), longitude, {"units": "degrees_east", "standard_name": "longitude"}),
    }).to_netcdf(path)
    return path


def test_a_commented_refusal_keeps_its_command_on_one_comment_line():
    """The report's comment lines are wrapped at 80 columns, but not inside a command."""
    from climann.data.info import _commented

    command = "`ncks -G : -g PRODUCT 'S5P 1990 orbit 12345.nc' 'S5P 1990 orbit 12345_PRODUCT.nc'`"
    text = f"No config to start from: S5P 1990 orbit 12345.nc holds its variables in a group; copy it, e.g. {command}"
    lines = _commented(text).splitlines()
    assert f"#     {command}" in lines and lines[0].startswith("# No config to start from: S5P")


def test_forecast_lead_times_are_named_as_such_with_the_select_that_trains(tmp_path):
    """cfgrib's layout of forecasts at several lead times: the extra dimension ``step`` is
    said to be lead times (in hours), and the suggested select of one gives valid times."""
    from tests.forecast_files import cfgrib_layout

    cfgrib_layout([0, 6, 12]).to_netcdf(tmp_path / "fc.nc")
    report = unwrapped_report(describe([str(tmp_path / "fc.nc")]))
    assert ("#   step: 3 values (0, 6, 12) on t2m, msl: forecast lead times in hours, whose valid times become the "
            "time axis once one is chosen; choose one with select = {step = 0.0}") in report


def test_lead_times_in_months_are_said_to_count_calendar_months(tmp_path):
    """A seasonal hindcast's lead in months is added in calendar months, not UDUNITS' 30.44 days."""
    starts = [cftime.datetime(1990, month, 1, calendar="standard") for month in range(1, 13)]
    xr.Dataset({"tas": (("S", "L", "lat", "lon"), np.zeros((12, 3, 2, 2)), {"units": "K"})}, coords={
        "S": ("S", starts, {"standard_name": "forecast_reference_time"}),
        "L": ("L", [0.5, 1.5, 2.5], {"standard_name": "forecast_period", "units": "months"}),
        "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
        "lon": ("lon", [0.0, 10.0], {"units": "degrees_east"})}).to_netcdf(tmp_path / "nmme.nc")
    report = unwrapped_report(describe([str(tmp_path / "nmme.nc")]))
    assert ("forecast lead times in months (added to each start date in calendar months), whose valid times become "
            "the time axis once one is chosen") in report


def test_a_zarr_stores_size_is_that_of_its_files_not_of_its_directory_entry(tmp_path):
    """A directory store: its metadata and chunk files at any depth, summed here by os.walk."""
    import os

    store = tmp_path / "grid.zarr"
    grid_dataset(n_years=3).to_zarr(store, consolidated=False)
    size = sum(os.path.getsize(os.path.join(folder, name)) for folder, _, names in os.walk(store) for name in names)
    assert f"{size / 2**10:.1f}" != f"{store.stat().st_size / 2**10:.1f}"  # not the directory entry's size
    report = describe([str(store)])
    assert _summary(report).startswith(f"Files: 1, {size / 2**10:.1f} KiB in all\n  grid.zarr  ({size / 2**10:.1f} KiB)")


def test_a_predictions_file_suggests_its_target_without_climanns_outputs_as_predictors(tmp_path):
    from tests.data.test_run_outputs import predictions_like

    path = tmp_path / "predictions.nc"
    predictions_like().to_netcdf(path)
    report = describe(str(path))
    assert _config(report)["data"] == {"paths": [str(path)], "target": "tas", "predictors": [],
                                       "features": ["lat", "season"]}
    assert ("left out of the default predictors: tas_pred, tas_error, tas_climatology, split are climann's outputs "
            "in a predictions file of tas") in unwrapped_report(report)


def test_a_run_directory_is_not_described_as_data(tmp_path):
    from tests.data.test_run_outputs import predictions_like

    run = tmp_path / "run"
    run.mkdir()
    predictions_like().to_netcdf(run / "predictions.nc")
    (run / "config.toml").write_text('[data]\npaths = ["/data/polar.nc"]\n')
    write_climann_file(run / "model.npz")  # climann's, by its content
    with pytest.raises(ClimannError, match="is a climann run directory .* it was trained on /data/polar.nc"):
        describe([str(run)])


def test_variables_in_groups_beside_root_data_are_named_with_the_way_to_read_them(tmp_path, monkeypatch):
    """break13 F20: info listed the root's tas and said nothing of rsdt in the group 'radiation'."""
    import netCDF4

    monkeypatch.chdir(tmp_path)
    grid_dataset().to_netcdf(tmp_path / "mixed.nc", format="NETCDF4")
    with netCDF4.Dataset(tmp_path / "mixed.nc", "a") as nc:
        group = nc.createGroup("radiation")
        group.createDimension("x", 2)
        group.createVariable("x", "f8", ("x",))[:] = [0.0, 1.0]
        group.createVariable("rsdt", "f4", ("x",))[:] = [1.0, 2.0]
    report = unwrapped_report(describe(["mixed.nc"]))
    assert ("mixed.nc also holds variables in NetCDF-4 groups, which climann does not read ('radiation': rsdt); to "
            "use them, copy a group into a plain file and give it too, e.g. "
            "`ncks -G : -g radiation mixed.nc mixed_radiation.nc`") in report


def test_files_whose_groups_hold_the_same_variables_get_one_line_with_their_count_and_a_loop(tmp_path, monkeypatch):
    """break44b B5: 128 SMAP L4 files got one 7-line note each (736 lines): files whose groups hold the same
    variables get one line, their count, and the ncks loop that copies each (run here: every copy holds rsdt)."""
    import shutil
    import subprocess

    import netCDF4

    monkeypatch.chdir(tmp_path)
    whole = grid_dataset(n_years=1)
    for year in range(3):
        part = whole.isel(time=slice(4 * year, 4 * year + 4))
        part.to_netcdf(tmp_path / f"mixed_{year}.nc", format="NETCDF4")
        with netCDF4.Dataset(tmp_path / f"mixed_{year}.nc", "a") as nc:
            group = nc.createGroup("radiation")
            group.createDimension("x", 2)
            group.createVariable("x", "f8", ("x",))[:] = [0.0, 1.0]
            group.createVariable("rsdt", "f4", ("x",))[:] = [year, 2.0]
    report = unwrapped_report(describe(["mixed_*.nc"]))
    assert report.count("NetCDF-4 groups") == 1
    assert ("3 files (mixed_0.nc, mixed_1.nc and 1 more) also hold variables in NetCDF-4 groups, the same in each, "
            "which climann does not read ('radiation': rsdt); to use them, copy a group into a plain file and give "
            "the copies too, each file in a loop: `") in report
    loop = report.split("each file in a loop: `", 1)[1].split("`", 1)[0]
    if shutil.which("ncks") is None:
        pytest.skip("NCO's ncks is not installed")
    subprocess.run(["bash", "-c", loop], check=True, cwd=tmp_path)
    for year in range(3):
        with netCDF4.Dataset(tmp_path / "radiation" / f"mixed_{year}.nc") as copy:
            np.testing.assert_array_equal(copy["rsdt"][:], [year, 2.0])


def test_long_names_beside_long_dimensions_get_a_line_of_their_own_never_broken(tmp_path):
    """ERA5's dimensions leave no room for "2 metre temperature" beside them: the report wrapped it after "2",
    which then read as a value of the "missing" column (break14 F11)."""
    n_time, lat, lon = 24, np.linspace(60.0, -60.0, 9), np.arange(0.0, 360.0, 30.0)
    dates = [cftime.DatetimeGregorian(2015 + k // 12, k % 12 + 1, 1) for k in range(n_time)]
    values = np.random.default_rng(0).normal(280.0, 5.0, (n_time, lat.size, lon.size)).astype("f4")
    dataset = xr.Dataset(
        {"t2m": (("valid_time", "latitude", "longitude"), values,
                 {"units": "K", "long_name": "2 metre temperature"})},
        coords={"valid_time": ("valid_time", dates, {"standard_name": "time"}),
                "latitude": ("latitude", lat, {"units": "degrees_north"}),
                "longitude": ("longitude", lon, {"units": "degrees_east"})},
    )
    path = tmp_path / "era5_monthly_2015_2016.nc"
    dataset.to_netcdf(path, encoding={"valid_time": {"units": "seconds since 1970-01-01"}})
    lines = describe([str(path)]).splitlines()
    row = next(index for index, line in enumerate(lines) if line.split()[1:3] == ["t2m", "K"])
    assert lines[row].split()[-1] == "0%"
    assert lines[row + 1].split("#", 1)[1].strip() == "2 metre temperature"
    assert lines[row + 1].index("2 metre") == lines[row].index("K")  # under the units column


def test_info_on_xios_output_finds_one_time_axis_and_proposes_a_config(tmp_path):
    """NEMO/XIOS: time_counter and time_centered on one dimension are one axis (break14 F2:
    refused, and time_counter offered for a select of one date)."""
    from tests.data.test_time_names import _xios_output

    _xios_output(tmp_path / "EXP_1m_grid_T.nc", n_years=2)
    report = describe(str(tmp_path / "EXP_1m_grid_T.nc"))
    summary = _summary(report)
    assert "Time 'time_centered': 2000-01-16 12:00 to 2001-12-16 12:00, monthly, 24 steps" in summary
    assert "select" not in summary and "several coordinates look like time" not in summary
    assert _config(report)["data"]["target"] == "tos"


def test_info_never_offers_a_date_of_a_time_axis_to_select(tmp_path):
    """A time axis that is not found (a second, unused one beside it) is no extra dimension
    to select a date from."""
    dataset = grid_dataset(n_years=1)
    dataset = dataset.assign_coords(time_2=("time_2", dataset["time"].values[:2], {"standard_name": "time"}))
    dataset.to_netcdf(tmp_path / "two.nc")
    summary = _summary(describe(str(tmp_path / "two.nc")))
    assert "time: 12 steps on tas, pred, landonly, dated: a time axis (see Time above), not a dimension to select " \
           "from" in summary
    assert "select = {time" not in summary


def test_a_polar_stereographic_grid_is_said_to_lie_round_the_pole(tmp_path):
    """The 2-D longitudes of a sea-ice grid round the North Pole run from -180 to 180 as any
    global grid's; the line says which pole they go round."""
    from tests.conftest import unwrapped_report
    from tests.grid_files import write_nsidc_cdr

    report = unwrapped_report(describe(str(write_nsidc_cdr(tmp_path / "cdr.nc"))))
    longitude = next(line for line in report.splitlines() if line.startswith("#   longitude 'lon' (2-D"))
    assert longitude.endswith("degrees east, −180…180 convention, round the North Pole")


def test_the_units_of_an_extra_dimensions_values_are_shown(tmp_path):
    """CESM2's ocean ``lev`` is in centimeters; shown without them it read as metres (break34b C2).
    CF's dimensionless ``"1"`` is no units to show."""
    dataset = grid_dataset()
    dataset["o2"] = dataset["pred"].expand_dims(lev=[500.0, 1500.0, 2500.0], axis=1)
    for units in ("centimeters", "1"):
        dataset["lev"].attrs = {"units": units, "positive": "down", "axis": "Z"}
        dataset[["o2"]].to_netcdf(tmp_path / f"o2_{units}.nc")
    assert "lev: 3 values in centimeters (500, 1500, 2500) on o2;" in _summary(describe([str(tmp_path / "o2_centimeters.nc")]))
    assert "lev: 3 values (500, 1500, 2500) on o2;" in _summary(describe([str(tmp_path / "o2_1.nc")]))


@pytest.mark.parametrize(("units", "shown"), [
    pytest.param("1", "number = 0", id="dimensionless-1"),
    pytest.param("1e-3", "number = 0 (units 1e-3)", id="bare-number"),
    pytest.param("m", "number = 0 m", id="units"),
])
def test_a_scalar_coordinate_of_dimensionless_units_reads_as_one_value(tmp_path, units, shown):
    """ERA5's ``number`` has ``units = "1"``: ``number = 0 1`` read as two values (break28a A4)."""
    dataset = grid_dataset().assign_coords(number=xr.DataArray(0, attrs={"units": units}))
    dataset.to_netcdf(tmp_path / "era5.nc")
    line = next(line for line in describe([str(tmp_path / "era5.nc")]).splitlines() if "scalar" in line)
    assert line.split("scalar", 1)[1].strip() == shown


def _at_height(dataset, name, height):
    """``name`` alone with CMIP6's scalar ``height`` coordinate (metres)."""
    return dataset[[name]].assign_coords(height=((), height, {"units": "m", "standard_name": "height", "axis": "Z",
                                                               "positive": "up"}))


def test_each_files_scalar_height_is_shown_when_they_differ(tmp_path):
    """CMIP6 tas (2 m) and sfcWind (10 m) in a folder: info showed "height = 10.0 m" for the set,
    the first file's value (break29b A8). Files of one height show it once."""
    dataset = grid_dataset(n_years=1).rename({"pred": "sfcWind"})
    for folder, heights in (("apart", {"tas": 2.0, "sfcWind": 10.0}), ("same", {"tas": 2.0, "sfcWind": 2.0})):
        (tmp_path / folder).mkdir()
        for name, height in heights.items():
            _at_height(dataset, name, height).to_netcdf(tmp_path / folder / f"{name}_Amon.nc")
    assert _line(describe([str(tmp_path / "apart")]), "scalar") == "  scalar    height = 10.0 m (sfcWind), 2.0 m (tas)"
    assert _line(describe([str(tmp_path / "same")]), "scalar") == "  scalar    height = 2.0 m"


def test_info_on_a_forecast_beside_observations_of_its_name_gives_the_rename_and_then_a_config(tmp_path):
    """break31a B3: ``climann info`` advised ``--overlap first|last`` for S2S t2m beside ERA5
    t2m (merging forecasts into observations). It gives the rename; on the renamed forecast it
    shows a lead time and member chosen, and those pair member 0 with the observation of each
    day it is valid for; the config it proposes passes train's own check (fix49i)."""
    from climann.workflow.preparation import check_trains

    forecasts, observations = s2s_pair()
    forecasts.rename(t2m_fc="t2m").to_netcdf(tmp_path / "s2s.nc")
    observations.to_netcdf(tmp_path / "era5.nc")
    with pytest.raises(ClimannError) as error:
        describe([str(tmp_path / "s2s.nc"), str(tmp_path / "era5.nc")])
    assert "`ncrename -v t2m,t2m_fc " in str(error.value) and "overlap" not in str(error.value).split(";")[1]
    forecasts.to_netcdf(tmp_path / "s2s_renamed.nc")  # what the ncrename writes
    select = {"step": 0.0, "number": 0}  # the forecast's first lead time and member, shown in Forecasts
    # checked as `climann info` checks it: the config proposed passes train's own check (fix49i: it kept
    # select = {step = 0.0, number = 0} of t2m_fc, left out, and train refused "no dimension 'step'")
    report = describe([str(tmp_path / "s2s_renamed.nc"), str(tmp_path / "era5.nc")], check=check_trains)
    data = tomllib.loads(report)["data"]
    # break32a A1: member 0 is the observation itself (t2m plus 0): left out, as it would rebuild t2m
    assert (data["target"], data["predictors"], "select" in data) == ("t2m", [], False)
    assert "left out of the default predictors: t2m_fc, which holds 't2m': t2m_fc − t2m is constant in time" in (
        unwrapped_report(report))
    assert "no select of step, number: only t2m_fc, not read (neither the target nor a predictor), has them" in (
        unwrapped_report(report))
    assert "with step = 0.0, number = 0 (the first of each)" in unwrapped_report(report)
    opened = select_values(open_dataset([tmp_path / "s2s_renamed.nc", tmp_path / "era5.nc"], select=select,
                                        grid_of="t2m"), select)
    np.testing.assert_array_equal(opened["t2m_fc"].values, opened["t2m"].values)


def _glorys_like(path, depths: list[float]) -> xr.Dataset:
    """thetao(time, depth, lat, lon) on float32 depths in m (GLORYS12's first three: 0.494025,
    1.541375, 2.645669), each level 0.05 K colder, beside zos(time, lat, lon)."""
    grid = grid_dataset(n_years=2)
    depth = xr.DataArray(np.array(depths, np.float32), dims="depth",
                         attrs={"units": "m", "positive": "down", "standard_name": "depth", "axis": "Z"})
    thetao = grid["tas"].expand_dims(depth=depth, axis=1) - 0.05 * xr.DataArray(np.arange(len(depths)), dims="depth")
    dataset = xr.Dataset({"thetao": thetao, "zos": grid["pred"]})
    dataset["depth"].attrs = depth.attrs
    dataset.to_netcdf(path)
    return dataset


@pytest.mark.parametrize(("typed", "level"), [
    pytest.param("1.54138", 1, id="as-info-prints-it"),
    pytest.param("0.494", 0, id="fewer-digits-as-train-takes-it"),
    pytest.param("1.54138 m", 1, id="with-units-as-info-advised"),
])
def test_info_takes_a_selection_of_several_levels_as_train_does(tmp_path, typed, level):
    """break37a C2: `info --select depth=1.54138` (the float32 1.541375 as info prints it) was
    refused, "its values are 1.54138 m … e.g. --select 'depth=1.54138 m'", and that advice
    likewise, while train took both: info chose the level again from the one value left."""
    path = tmp_path / "glorys.nc"
    dataset = _glorys_like(path, [0.494025, 1.541375, 2.645669])
    config = _config(describe([str(path)], select={"depth": typed}))["data"]
    assert config["target"] == "thetao" and config["select"] == {"depth": typed}
    # the config's select, as train reads it, takes the level meant
    chosen = select_values(open_dataset([path]), build_config({"data": config}).data.select)
    np.testing.assert_array_equal(chosen["thetao"].values, dataset["thetao"].values[:, level])


def test_a_single_level_is_selected_by_the_value_info_prints(tmp_path):
    """break37a C2: of a file of one float32 depth, 1.541375, `--select depth=1.54138` (as info
    and a run's own record print it) was refused (a relative 1e-6 only: 3.2e-6 apart), while the
    same value chose it among several levels; 1.5414 is still no value of it."""
    path = tmp_path / "one_level.nc"
    dataset = _glorys_like(path, [1.541375])
    assert f"{float(dataset['depth'].values[0]):g}" == "1.54138"
    chosen = select_values(open_dataset([path]), {"depth": 1.54138})
    assert float(chosen["depth"]) == np.float32(1.541375)
    np.testing.assert_array_equal(chosen["thetao"].values, dataset["thetao"].values[:, 0])
    with pytest.raises(ClimannError, match=r"depth=1\.5414 is not a value of 'depth'"):
        select_values(open_dataset([path]), {"depth": 1.5414})


def test_long_variable_names_keep_each_row_and_the_header_whole_at_80_columns(tmp_path):
    """break37a D2: MOD08's 42-character names left no room for the dimensions at 80 columns: the
    report's wrapping put the "missing" header on a line of its own and each variable over three
    lines, its missing share after the end of its dimensions ("#       Longitude: 20)  2.7%").
    The dimensions now wrap inside their column; the header and each row's name, units and
    missing share stay on one line."""
    grid = grid_dataset(n_years=1, n_lat=11, n_lon=20)
    names = {"Aerosol_Optical_Depth_Land_Ocean_Mean_Mean": 2, "Cloud_Fraction_Mean_Mean": 0}
    dataset = xr.Dataset({name: grid["tas"].copy(data=np.where(np.arange(20) < masked, np.nan, grid["tas"].values))
                          for name, masked in names.items()})
    for name in names:
        dataset[name].attrs = {"units": "none", "long_name": f"{name.replace('_', ' ')}: Mean of Daily Mean"}
    dataset.to_netcdf(tmp_path / "mod08.nc")
    report = describe([str(tmp_path / "mod08.nc")])
    lines = report[report.index("# Variables:"): report.index("# Grid:")].splitlines()
    assert all(len(line) <= 80 for line in lines)
    header = next(index for index, line in enumerate(lines) if line.split()[1:2] == ["name"])
    assert lines[header].split()[1:] == ["name", "units", "dimensions", "missing"]
    column = lines[header].index("dimensions")
    for name, masked in names.items():
        row = next(index for index, line in enumerate(lines) if line.split()[1:2] == [name])
        # the share of missing values (hand-computed: `masked` of 20 longitudes) ends the row's first line
        assert lines[row].split()[2:] == ["none", "(time:", "12,", f"{100 * masked / 20:g}%"]
        assert lines[row][column:].split("  ")[0] == "(time: 12,"
        # the dimensions go on in their column, the long name beside them under the name (fix53d)
        assert [line[column:].strip() for line in lines[row + 1: row + 3]] == ["lat: 11,", "lon: 20)"]
        assert " ".join(filter(None, (line[:column].strip("# ") for line in lines[row + 1: row + 3]))
                        ) == dataset[name].long_name
        assert lines[row + 3].split()[1:2] in ([], [next(iter(set(names) - {name}))])


def _modis_like(path, n_lat: int, n_lon: int) -> dict[str, str]:
    """A MOD08_M3-like file of monthly means, its variables' 42- and 24-character names and their
    MODIS long names (90 and 88 characters); returns the long names by variable."""
    long_names = {
        "Aerosol_Optical_Depth_Land_Ocean_Mean_Mean":
            "Aerosol Optical Depth at 0.55 microns for both Ocean (Average) and Land (corrected): Mean",
        "Cloud_Fraction_Mean_Mean":
            "Cloud Fraction from Cloud Mask (cloudy & prob cloudy) (Day and Night): Mean of Daily Mean"}
    values = np.random.default_rng(3).random((12, n_lat, n_lon)).astype("f4")
    times = [cftime.DatetimeGregorian(2020, month, 1) for month in range(1, 13)]
    xr.Dataset({name: (("time", "lat", "lon"), values, {"units": "none", "long_name": long_name})
                for name, long_name in long_names.items()},
               coords={"time": times, "lat": ("lat", np.linspace(80.0, -80.0, n_lat), {"units": "degrees_north"}),
                       "lon": ("lon", np.linspace(-170.0, 170.0, n_lon), {"units": "degrees_east"})}
               ).to_netcdf(path)
    return long_names


@pytest.mark.parametrize(("n_lat", "n_lon", "dimension_lines"), [
    pytest.param(5, 7, ["(time: 12,", "lat: 5, lon: 7)"], id="dimensions-over-two-lines"),
    pytest.param(180, 360, ["(time: 12,", "lat: 180,", "lon: 360)"], id="dimensions-over-three-lines"),
])
def test_a_long_name_beside_wrapped_dimensions_adds_no_line_of_its_own(tmp_path, n_lat, n_lon, dimension_lines):
    """fix53d: MODIS's 90-character long names went on a line of their own under the units, after
    dimensions wrapped over three lines: four lines a row at 80 columns, and 31 characters of the
    long name shown. Now each row takes the lines of its dimensions (two at least), the long name
    written, whole here, in the blank under the name."""
    long_names = _modis_like(tmp_path / "mod08.nc", n_lat, n_lon)
    report = describe([str(tmp_path / "mod08.nc")])
    lines = report[report.index("# Variables:"): report.index("# Grid:")].splitlines()[1:-1]
    assert all(len(line) <= 80 for line in lines)
    column = lines[0].index("dimensions")
    rows = [index for index, line in enumerate(lines) if line.split()[1:2] in ([name] for name in long_names)]
    assert len(rows) == 2 and rows[1] - rows[0] == len(lines) - rows[1] == max(2, len(dimension_lines))
    for row, (name, long_name) in zip(rows, long_names.items()):
        block = lines[row: row + max(2, len(dimension_lines))]
        assert block[0].split()[1:3] == [name, "none"] and block[0].split()[-1] == "0%"
        assert [line[column:].split("  ")[0] for line in block if line[column:].strip()] == dimension_lines
        shown = " ".join(line[:column].strip("# ") for line in block[1:])
        assert all(line[column - 2: column] == "  " for line in block[1:])
        if len(block) == 2:  # one line beside the dimensions: the long name up to a word, then "…"
            assert shown.endswith(" …") and (long_name + " ").startswith(shown.removesuffix("…"))
            assert len(shown) > 40
        else:
            assert shown == long_name


@pytest.mark.parametrize(("present", "said"), [pytest.param(0, "all", id="no-data"),
                                               pytest.param(1, ">99.9%", id="one-value-of-1200"),
                                               pytest.param(1200, "0%", id="every-value")])
def test_the_missing_column_says_all_only_when_no_value_is_there(tmp_path, present, said):
    """fix38d: a station with no data showed "100%", and so did one with 1 value of its 1200 (99.92 %
    rounded): the column says "all" for the first, ">99.9%" for the second."""
    times = [cftime.DatetimeNoLeap(1900 + k // 12, k % 12 + 1, 15) for k in range(1200)]
    flow = np.full((1200, 2), np.nan, np.float32)
    flow[:present, 0] = 1.0
    flow[:, 1] = 2.0
    xr.Dataset({"flow": (("time", "station"), flow, {"units": "m3 s-1"})},
               coords={"time": times,
                       "lat": ("station", [10.0, 20.0], {"units": "degrees_north", "standard_name": "latitude"}),
                       "lon": ("station", [1.0, 2.0], {"units": "degrees_east", "standard_name": "longitude"}),
                       "site": ("station", ["A01", "B02"], {"cf_role": "timeseries_id"})},
               attrs={"featureType": "timeSeries"}).to_netcdf(tmp_path / "stations.nc")
    report = unwrapped_report(describe([tmp_path / "stations.nc"]))
    (row,) = [line for line in report.splitlines() if line.startswith("#   flow ")]
    assert row.split()[-1] == said


def test_a_file_without_data_variables_says_none_once(tmp_path):
    """fix38d: the report said "Variables: 0" and, on the next line, "none": a count and a list of
    nothing. Now one line says it."""
    xr.Dataset(coords={"lat": ("lat", [1.0, 2.0], {"units": "degrees_north"}),
                       "lon": ("lon", [1.0, 2.0, 3.0], {"units": "degrees_east"})}).to_netcdf(tmp_path / "axes.nc")
    lines = describe([tmp_path / "axes.nc"]).splitlines()
    start = lines.index("# Variables: none")
    assert lines[start + 1] == ""  # the next section follows


@pytest.mark.parametrize("static_first", [
    pytest.param(("HGT", "MAPFAC_M"), id="terrain-and-map-factor-first"),
    pytest.param(("HGT",), id="terrain-first"),
])
def test_a_field_constant_in_time_is_no_default_target(tmp_path, static_first):
    """rerun38 N4: WRF files whose first variable (in name order) is the terrain height HGT, written at every step
    but constant in time: info proposed it as the target, and the run's skill was −8.4e+28. The first variable whose
    values change in time is proposed; the static ones stay predictors."""
    dataset = grid_dataset()
    n_time = dataset.sizes["time"]
    terrain = np.linspace(0.0, 2000.0, dataset.sizes["lat"] * dataset.sizes["lon"]).reshape(
        dataset.sizes["lat"], dataset.sizes["lon"])
    fields = {name: (("time", "lat", "lon"), np.broadcast_to(terrain + index, (n_time, *terrain.shape)).copy(),
                     {"units": "m"}) for index, name in enumerate(static_first)}
    with_static = xr.Dataset({**fields, "T2": dataset["tas"].rename(None), "pred": dataset["pred"]},
                             coords=dataset.coords)
    with_static.to_netcdf(tmp_path / "wrf.nc")
    config = _config(describe([str(tmp_path / "wrf.nc")]))
    assert config["data"]["target"] == "T2"
    assert set(static_first) <= set(config["data"]["predictors"])


def test_only_fields_constant_in_time_keep_the_first_as_target(tmp_path):
    """With nothing else to predict, the first is still proposed (train then says what it can of it)."""
    dataset = grid_dataset()
    static = np.broadcast_to(np.arange(24.0).reshape(4, 6), (dataset.sizes["time"], 4, 6)).copy()
    xr.Dataset({"HGT": (("time", "lat", "lon"), static, {"units": "m"})}, coords=dataset.coords).to_netcdf(
        tmp_path / "hgt.nc")
    assert _config(describe([str(tmp_path / "hgt.nc")]))["data"]["target"] == "HGT"


def test_a_coordinate_with_flag_meanings_is_listed_with_them(tmp_path):
    """break39a F7: info said 'pass: 2 values (1, 2)' of AMSR2's pass without its meanings."""
    from tests.data.test_subset import write_passes

    path, _ = write_passes(tmp_path / "amsr2.nc")
    assert '  pass: 2 values (1 (ascending), 2 (descending)) on sst; choose one with select = {pass = "ascending"}' in (
        _summary(describe([str(path)])).splitlines())


@pytest.mark.parametrize("attrs", [
    pytest.param({"flag_values": np.array([0, 10, 200, 210], "u1"),
                  "flag_meanings": "no_data cropland_rainfed bare_areas water"}, id="land-cover-classes"),
    pytest.param({"flag_masks": np.array([1, 2, 4], "u1"), "flag_meanings": "cloud land snow"}, id="bit-field"),
])
def test_a_class_variable_first_in_its_file_is_not_proposed_as_target_and_the_config_trains(tmp_path, attrs):
    """break39b B3: info proposed ESA CCI land cover's lccs_class (first in its files) as the target, and then
    stopped ("No config to start from: the target ... is a CF flag variable", exit 2) though lst beside it trains;
    now the first variable train takes as the target is proposed, the class variable named beside it."""
    from climann.workflow.preparation import check_trains

    grid = grid_dataset(n_years=3)
    codes = attrs.get("flag_values", attrs.get("flag_masks"))
    classes = codes[np.arange(grid["tas"].size).reshape(grid["tas"].shape) % codes.size]
    xr.Dataset({"lccs_class": (grid["tas"].dims, classes, attrs), "lst": grid["tas"]}).to_netcdf(tmp_path / "lc.nc")
    report = describe([str(tmp_path / "lc.nc")], check=check_trains)
    assert _config(report)["data"]["target"] == "lst"
    assert ("# target: lst, the first variable train takes as the target; not lccs_class, a CF flag variable of "
            "classes, which it refuses (climann train --target lccs_class says why and gives the way to a target of "
            "it)") in unwrapped_report(report)


def test_missing_values_and_values_below_absolute_zero_are_read_in_one_computation(tmp_path):
    """fix40e: the table's missing fractions read every value (each block of every file) in one
    computation, and the temperature's values masked at absolute zero (why its values are
    missing) were read again in another; now in the same one, the report unchanged."""
    dataset = grid_dataset()
    dataset["tas"][:, 0, 0] = 0.0  # 0 K at one cell: a code, masked, said in the table
    dataset["tas"][:2, 1, 1] = np.nan
    dataset.to_netcdf(tmp_path / "tas.nc")
    computations = []

    def counting_scheduler(graph, keys, **kwargs):
        computations.append(keys)
        return dask.get(graph, keys, **kwargs)

    with dask.config.set(scheduler=counting_scheduler):
        report = describe([str(tmp_path / "tas.nc")])
    # the table's (missing values, infinities, values at absolute zero), the fields constant in time, the
    # default predictors'
    assert len(computations) == 3
    missing = (dataset["tas"].values <= 0) | np.isnan(dataset["tas"].values)
    row = next(line for line in report.splitlines() if line.startswith("#   tas "))  # the table's
    assert f" {100 * missing.mean():.1f}% " in row
    assert "at 36 time steps (2000-01-15, 2000-02-15, 2000-03-15, …), at absolute zero (0 K)" in unwrapped_report(report)


def test_an_index_level_is_listed_with_the_coordinate_along_it_and_selected_by_it(tmp_path):
    """break40b B1: info listed ECCO's k as "12 values (0, 1, 2, …)", with no depth, and offered only
    ``select = {k = 0}``. Each k is listed with its Z, and the select by Z that info offers is what it then shows."""
    from tests.grid_files import ECCO_Z, write_ecco

    path = write_ecco(tmp_path / "ecco.nc")
    report = unwrapped_report(describe([str(path)], select={"tile": 0}))
    listed = ", ".join(f"k={index} (Z = {float(str(depth)):g} m)" for index, depth in enumerate(ECCO_Z))
    assert (f"#   k: 12 values on THETA, {listed}; choose one with select = {{k = 0}}, or by its Z, select = "
            "{Z = -5.0}") in report
    assert "k=10 (Z = -105.31 m)" in report
    chosen = unwrapped_report(describe([str(path)], select={"tile": 0, "Z": -105.31}))
    assert "#   scalar    k = 10, tile = 0, Z = -105.31 m" in chosen
    assert "select = {tile = 0, Z = -105.31}" in chosen


def test_a_yearly_restarting_degree_day_total_found_by_its_values_is_no_default_predictor(tmp_path):
    """A plain "gdd" (K d, no word of a total) summed over each year from 1 January: info looked at
    its words only and proposed it as a predictor, which train refuses by its values, so info's own
    check of its config (train's) left "No config to start from" and exit 2 (break40 fixers). The
    values info reads once for its Variables section find it: it is left out with a note naming it
    and the 1 January its values restart on, and info's config trains."""
    from climann.workflow.pipeline import run_training
    from climann.workflow.preparation import check_trains
    from tests.data.test_running_totals import _DAYS, _daily_temperature, _degree_days, _restarting_sums

    gdd = _restarting_sums(_degree_days(np.random.default_rng(1)), 1, 1)  # numpy's sums since each 1 January
    rain = np.random.default_rng(4).gamma(2.0, 2.0, gdd.shape)
    xr.Dataset({"tas": (("time", "lat", "lon"), (_daily_temperature(np.random.default_rng(3)) + 273.15).astype("f4"),
                        {"units": "K", "standard_name": "air_temperature"}),
                "gdd": (("time", "lat", "lon"), gdd.astype("f4"), {"units": "K d"}),
                "pr": (("time", "lat", "lon"), rain.astype("f4"), {"units": "mm/day"})},
               coords={"time": _DAYS, "lat": [50.0, 51.0, 52.0], "lon": [5.0, 6.0, 7.0, 8.0]}).to_netcdf(
        tmp_path / "gdd.nc")
    report = describe([str(tmp_path / "gdd.nc")], check=check_trains)
    config = _config(report)
    assert (config["data"]["target"], config["data"]["predictors"]) == ("tas", ["pr"])
    assert ("# left out of the default predictors: totals accumulated since a start, not amounts of each time step "
            "(gdd, its values: never negative, and within each file they fall only on 1 January each year, and grow "
            "between)") in unwrapped_report(report)
    settings = {**config, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=tmp_path / "run")  # climann train --config, as info promised
    assert (tmp_path / "run" / "predictions.nc").exists()


@pytest.mark.parametrize(("attrs", "reason"), [
    # a plain "gdd" (K d) summed over each year from 1 January: only its values say it is a total
    pytest.param({"units": "K d"}, "its values: never negative, and within each file they fall only on 1 January "
                 "each year, and grow between", id="degree-days-found-by-their-values"),
    # precipitation accumulated since 1 January, said by its words
    pytest.param({"units": "mm", "long_name": "precipitation accumulated since 1 January"},
                 "its long_name 'precipitation accumulated since 1 January'", id="precipitation-said-by-its-words"),
])
def test_a_yearly_restarting_total_first_in_its_file_is_not_proposed_as_target_and_train_runs(
        tmp_path, capfd, monkeypatch, attrs, reason):
    """fix41a: info proposed the first variable, a total restarting each 1 January, as the target, and train refused
    it (the running totals' rule), as it did a train without a target (info's proposal, 'gdd', against train's
    default). Info's choice of target now takes train's rule: the next variable is proposed, the total named beside it
    with what says it is one, and both `climann train --config` with info's config and `climann train` without a
    target run."""
    from tests.console import run_main
    from tests.data.test_running_totals import _DAYS, _daily_temperature, _degree_days, _restarting_sums

    monkeypatch.chdir(tmp_path)
    total = _restarting_sums(_degree_days(np.random.default_rng(1)), 1, 1)  # numpy's sums since each 1 January
    rain = np.random.default_rng(4).gamma(2.0, 2.0, total.shape)
    xr.Dataset({"gdd": (("time", "lat", "lon"), total.astype("f4"), attrs),
                "tas": (("time", "lat", "lon"), (_daily_temperature(np.random.default_rng(3)) + 273.15).astype("f4"),
                        {"units": "K", "standard_name": "air_temperature"}),
                "pr": (("time", "lat", "lon"), rain.astype("f4"), {"units": "mm/day"})},
               coords={"time": _DAYS, "lat": [50.0, 51.0, 52.0], "lon": [5.0, 6.0, 7.0, 8.0]}).to_netcdf("gdd.nc")
    info = run_main("info", "gdd.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert info.returncode == 0, info.stderr
    config = _config(info.stdout)
    assert (config["data"]["target"], config["data"]["predictors"]) == ("tas", ["pr"])
    assert (f"# target: tas, the first variable train takes as the target; not gdd, a running total ({reason}), "
            "which it refuses (climann train --target gdd says why and gives the way to a target of it)"
            ) in unwrapped_report(info.stdout)
    (tmp_path / "info.toml").write_text(info.stdout + "\n[training]\nepochs = 1\n\n[evaluation]\nfigures = false\n")
    trained = run_main("train", "--config", "info.toml", "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert trained.returncode == 0, trained.stderr
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["target"] == "tas"
    refused = run_main("train", "--data", "gdd.nc", "--target", "gdd", "--out", "refused", "--epochs", "1",
                       capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2 and "gdd in gdd.nc is a seasonal index accumulated since 1 January" in refused.stderr
    # no target given: train's default, tas, is what info proposes (it named 'gdd' and refused)
    untargeted = run_main("train", "--data", "gdd.nc", "--predictors", "pr", "--out", "untargeted", "--epochs", "1",
                          "--set", "evaluation.figures=false",
                          capfd=capfd, monkeypatch=monkeypatch)
    assert untargeted.returncode == 0, untargeted.stderr
    assert json.loads((tmp_path / "untargeted" / "metrics.json").read_text())["target"] == "tas"


def test_a_wrapped_variable_table_keeps_its_headings_and_dimensions_within_80_columns(tmp_path):
    """break41b B12: CALIPSO's long names and units at 80 columns put "miss…" on a line of its own
    and cut the dimensions to "(time: 400, altitude: …"."""
    import cftime
    import numpy as np
    import xarray as xr

    from climann.data.info import describe

    times = [cftime.datetime(2018, 5, 9, 6, 13, calendar="standard") + __import__("datetime").timedelta(hours=h)
             for h in range(6)]
    shape = (6, 3, 2, 2)
    dims = ("time", "altitude", "lat", "lon")
    variables = {name: (dims, np.ones(shape, "f4"), {"units": units}) for name, units in [
        ("Extinction_Coefficient_532", "per kilometer"),
        ("Total_Backscatter_Coefficient_532", "per kilometer per steradian")]}
    xr.Dataset(variables, coords={"time": times, "altitude": ("altitude", [0.5, 1.0, 2.0], {"units": "km"}),
                                  "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                                  "lon": ("lon", [0.0, 10.0], {"units": "degrees_east"})}).to_netcdf(tmp_path / "c.nc")
    lines = describe(str(tmp_path / "c.nc")).splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("# Variables"))
    table = lines[start + 1:lines.index("", start)]
    assert max(map(len, table)) <= 80
    assert table[0].split() == ["#", "name", "units", "dimensions", "missing"]
    assert all("…" not in line.split("  ")[-1] for line in table)  # no dimension nor missing share cut
    assert sum("altitude: 3," in line for line in table) == 2


@pytest.mark.parametrize(("values", "attrs", "said"), [
    # MERRA-2 inst3_3d_aer_Nv: lev 1 (~0.01 hPa) … 72 (the surface layer), positive = "down" (break44c A3)
    pytest.param([1.0, 2.0, 3.0], {"units": "layer", "positive": "down", "standard_name": "model_layers"},
                 "lev = 1.0 is the top of the 3 levels, as positive = 'down' says; the bottom is lev = 3.0",
                 id="model-levels-down"),
    pytest.param([1000.0, 850.0, 500.0], {"units": "hPa"},
                 "lev = 1000.0 is the bottom of the 3 levels, as its units of pressure say; the top is lev = 500.0",
                 id="pressure-from-the-surface"),
    pytest.param([0.0, 10.0, 50.0], {"units": "m", "positive": "up"},
                 "lev = 0.0 is the bottom of the 3 levels, as positive = 'up' says; the top is lev = 50.0",
                 id="heights-up"),
])
def test_the_level_info_selects_says_which_end_of_the_axis_it_is(tmp_path, values, attrs, said):
    """The first level, proposed in the config "that trains as it is", is named as the top or the bottom
    when the axis says which way is up (CF positive, or pressure), here from the values by hand."""
    dataset = grid_dataset()[["tas", "pred"]]
    for name in ("tas", "pred"):
        dataset[name] = dataset[name].expand_dims(lev=values, axis=1)
    dataset["lev"].attrs.update(attrs)
    path = tmp_path / "levels.nc"
    dataset.to_netcdf(path)
    report = describe([str(path)])
    assert f"choose one with select = {{lev = {values[0]}}}: {said}" in _summary(report)
    assert _config(report)["data"]["select"] == {"lev": values[0]}
    assert f"# {said}" in unwrapped_report(report)


@pytest.mark.parametrize(("start_hours", "lead_hours", "said"), [
    # CAMS EAC4 GRIB: analyses every 6 h and 3-hour forecasts from them, the 3-hourly series (break44c)
    pytest.param(6, [0, 3], "keeps 1 in 2", id="analyses-and-3-hour-forecasts"),
    # a forecast: 00+12 h and 12+0 h reach one valid time; choosing a lead time loses nothing of a series
    pytest.param(12, [0, 6, 12], None, id="forecasts-overlapping"),
    # a few short leads from starts far apart: every valid time once, but no even series
    pytest.param(720, [0, 6, 12], None, id="short-leads-from-monthly-starts"),
])
def test_lead_times_that_fill_the_gaps_between_starts_are_said_to_be_thinned_by_one_choice(start_hours, lead_hours,
                                                                                            said):
    from climann.data.info import interleaved_leads

    starts = np.datetime64("2019-01-01T00") + np.arange(8) * np.timedelta64(start_hours, "h")
    leads = np.array(lead_hours) * np.timedelta64(1, "h")
    valid = starts[:, None] + leads[None, :]
    gaps = np.diff(np.sort(valid.ravel()))
    assert (len(set(gaps.tolist())) == 1 and gaps[0] > np.timedelta64(0)) == (said is not None)  # by hand: one even series
    dataset = xr.Dataset({"pm2p5": (("time", "step"), np.zeros(valid.shape))},
                         coords={"time": starts, "step": leads,
                                 "valid_time": (("time", "step"), valid, {"standard_name": "time"})})
    note = interleaved_leads(dataset, "step")
    assert (note is None) if said is None else (said in note)


def test_files_left_out_on_another_grid_are_given_train_s_advice_for_either_target(tmp_path, monkeypatch):
    """break46c A3: beside MERRA-2-like predictor files, info proposed to interpolate the first of the
    target's files bilinearly onto their finer grid, its copy beside it (taken with the original next
    time), where train averages the predictor's files onto the target's grid. A run's files are put on
    its target's grid, which info does not know: it gives train's own advice for a target above and
    for one of the files left out, each a loop over every file of the grid into a folder of its own."""
    from climann.data.open import expand_paths
    from tests.data.test_grid_cuts import _target_and_finer_predictor_files

    monkeypatch.chdir(tmp_path)
    (tmp_path / "aod").mkdir()
    _target_and_finer_predictor_files(tmp_path / "aod")
    report = " ".join(unwrapped_report(describe(["aod/*"])).split())
    trains = {}
    for target in ("aod", "tau"):
        with pytest.raises(ClimannError) as refused:
            open_dataset(expand_paths(["aod/*"]), grid_of=target, variables=("aod", "tau"))
        trains[target] = str(refused.value).split("; ", 1)[1]
    assert f"for a target of the files above, {trains['tau']}; for a target of the files left out, " \
        f"{trains['aod']}" in report, report
    # the target's files have missing cells: refined onto the finer grid by remapcon too (fix47e), not remapbil
    assert "for f in aod/*.nc4; do cdo remapcon," in trains["aod"] and "for f in aod/*.nc; do cdo remapcon," in \
        trains["tau"] and "each new cell the value of the cell it lies in" in trains["tau"]
    assert "_regridded.nc" not in report


@pytest.mark.parametrize(("seconds", "shown"), [(86400, "1 day"), (21600, "6 hours"), (1800, "30 minutes")])
def test_a_scalar_duration_is_shown_in_words(tmp_path, seconds, shown):
    """break47d A5: CEMS-Flood's scalar ``step`` (written in seconds, decoded to a timedelta) was shown as
    "step = 86400000000000 nanoseconds"; the words are seconds / 86400 days, / 3600 hours, / 60 minutes."""
    dataset = grid_dataset(n_years=1)[["tas"]].assign_coords(step=((), np.timedelta64(seconds, "s")))
    dataset.to_netcdf(tmp_path / "step.nc")
    with xr.open_dataset(tmp_path / "step.nc") as written:  # as a CDS file has it: decoded from its units
        assert written["step"].dtype.kind == "m" and written["step"].values == np.timedelta64(seconds * 10**9, "ns")
    line = _line(describe([str(tmp_path / "step.nc")]), "scalar")
    assert line == f"  scalar    step = {shown}" and "nanoseconds" not in line


def test_info_rename_names_a_forecast_apart_from_observations_of_its_name(tmp_path, monkeypatch):
    """fix48e gave `climann info` --rename, but the forecasts info looks for before opening
    (forecasts_to_choose_in, check_forecast_names) were read by their names in the files: S2S t2m beside ERA5
    t2m with the --rename that the refusal advises was refused again with the same advice. The --rename the
    refusal prints, given to info, now proposes a config that keeps it and reads t2m_fc as the forecast (its
    lead time and member chosen); the forecast as forecasts_to_choose_in returns it holds t2m_fc, not t2m."""
    import re
    import shlex
    from pathlib import Path

    from typer.testing import CliRunner

    from climann.cli import _rename_rules, app
    from climann.data.open import forecasts_to_choose_in
    from climann.data.renames import FileRenames

    monkeypatch.chdir(tmp_path)
    forecasts, observations = s2s_pair()
    forecasts["t2m_fc"] = forecasts["t2m_fc"] + np.random.default_rng(1).normal(0, 2, forecasts["t2m_fc"].shape)
    forecasts.rename(t2m_fc="t2m").to_netcdf("s2s.nc")  # a forecast, not the observation itself: no leak
    observations.to_netcdf("era5.nc")
    refused = CliRunner().invoke(app, ["info", "s2s.nc", "era5.nc"])
    assert refused.exit_code == 2
    option = re.search(r"--rename ('[^']*')", refused.output).group(1)
    assert "(climann train and climann info, [data] rename)" in refused.output
    report = CliRunner().invoke(app, ["info", "s2s.nc", "era5.nc", "--rename", shlex.split(option)[0]])
    assert report.exit_code == 0, report.output
    toml = "\n".join(line for line in report.output.splitlines() if not line.startswith("climann: warning"))
    data = tomllib.loads(toml)["data"]
    assert (data["rename"], data["target"], data["predictors"]) == ({"s2s.nc": {"t2m": "t2m_fc"}}, "t2m", ["t2m_fc"])
    assert data["select"] == {"step": 0.0, "number": 0}
    files = [Path("s2s.nc"), Path("era5.nc")]
    found = forecasts_to_choose_in(files, FileRenames(files, _rename_rules([shlex.split(option)[0]])))
    assert "t2m_fc" in found[Path("s2s.nc")][0].data_vars and "t2m" not in found[Path("s2s.nc")][0].data_vars


@pytest.mark.parametrize(("attrs", "target"), [
    pytest.param({"long_name": "daylength", "units": "s"}, "prcp", id="daymet-dayl"),
    pytest.param({"standard_name": "toa_incoming_shortwave_flux", "units": "W m-2"}, "prcp", id="rsdt"),
    pytest.param({"long_name": "daily mean temperature", "units": "K"}, "dayl", id="no-astronomy"),
])
def test_a_quantity_of_the_sun_s_position_is_not_proposed_as_the_target(tmp_path, attrs, target):
    """break50c A1: Daymet's first variable, dayl (long_name "daylength", a function of latitude and day of year),
    was proposed as the target and the weather left out as its copies; like the sample's rsdt (TOA insolation), it
    is a predictor, and the next variable is proposed. The same variable named as a temperature is proposed."""
    from tests.data.test_target_copies import _daymet_like

    dataset = _daymet_like(years=2)[["dayl", "prcp", "tmax"]]
    dataset["dayl"].attrs = attrs
    dataset.to_netcdf(tmp_path / "daymet.nc")
    config = _config(describe([str(tmp_path / "daymet.nc")]))["data"]
    assert config["target"] == target
    assert sorted([config["target"], *config["predictors"]]) == ["dayl", "prcp", "tmax"]


def test_dekads_stamped_on_their_last_day_are_said_so_and_read_as_the_dekads_ending_there(tmp_path):
    """break50a A6: Copernicus Global Land's dekads, stamped on the 10th, the 20th and the month's last day, were
    "dekads (1st, 11th, 21st of each month)", as if those were the stamps. Each stamp is read as the dekad that
    holds it, the one ending there (by hand: the 10th → 1st–10th, the 20th → 11th–20th, the last → 21st–end)."""
    from tests.data.test_composites import _month_periods
    from climann.data.time_cells import inferred_cells

    stamps = _month_periods((1, 11, 21), years=(2019, 2020), last_days=True)
    assert {t.day for t in stamps} == {10, 20, 28, 29, 30, 31}
    path = tmp_path / "c_gls_LAI_dekads.nc"
    dataset = grid_dataset(n_years=6, calendar="standard")
    dataset.isel(time=slice(0, len(stamps))).assign_coords(time=stamps).to_netcdf(path)
    time_line = next(line for line in unwrapped_report(describe([str(path)])).splitlines()
                     if line.lstrip("# ").startswith("Time "))
    assert ("dekads (1st, 11th, 21st of each month), each stamped on its last day (2019-01-10, 2019-01-20, "
            "2019-01-31, …), each value that of the dekad ending there, 72 steps") in time_line
    cells, doubt = inferred_cells(np.array(stamps), None)
    assert doubt == ""  # no reading assumed: the stamps say which dekad
    first_days = [1 if t.day <= 10 else 11 if t.day <= 20 else 21 for t in stamps]  # by hand
    assert [(low.year, low.month, low.day) for low, _ in cells] == [(t.year, t.month, d) for t, d in
                                                                    zip(stamps, first_days)]
    assert all(high - t == datetime.timedelta(days=1) for t, (_, high) in zip(stamps, cells))
    # stamped on their first days (the days the description names) or in their middles: nothing added
    for starts in (_month_periods((1, 11, 21), years=(2019,)), _month_periods((1, 11, 21), years=(2019,), middles=True)):
        assert time_step_name(starts) == "dekads (1st, 11th, 21st of each month)"


def test_info_advice_names_only_the_files_given(tmp_path):
    """break50a A7: info on the LAI files of a folder that also holds FAPAR's ended its QFLAG advice with "the other
    files of gls given as before (--data 'gls/c_gls_FAPAR-…')": files never given (train's advice names none)."""
    folder = tmp_path / "gls"
    folder.mkdir()
    for product in ("LAI", "FAPAR"):
        for year in (2001, 2002):
            dataset = grid_dataset(n_years=1, calendar="standard").rename(tas=product)
            flags = (np.arange(dataset[product].size).reshape(dataset[product].shape) % 4).astype("u1")
            dataset["QFLAG"] = (dataset[product].dims, flags, {"flag_masks": np.array([1, 2], "u1"),
                                                              "flag_meanings": "sea snow"})
            dataset.assign_coords(time=[cftime.DatetimeGregorian(year, m, 15) for m in range(1, 13)]).to_netcdf(
                folder / f"c_gls_{product}_{year}.nc")
    report = unwrapped_report(describe([str(folder / "c_gls_LAI_*.nc")]))
    assert "QFLAG" in report and "indicators" in report  # the advice is given
    assert "FAPAR" not in report
    assert "given as before" not in report


@pytest.mark.parametrize("in_memory", [pytest.param(True, id="read-then-compared"),
                                       pytest.param(False, id="compared-block-by-block")])
def test_fields_constant_in_time_whether_read_first_or_compared_lazily(tmp_path, monkeypatch, in_memory):
    """The first, middle and last steps compared (NaN at the same cells counts as the same); the
    three steps read into memory first below CONSTANT_SAMPLE_VALUES, compared by dask above it:
    the same names, against numpy's comparison of those steps."""
    from climann.data import info

    rng = np.random.default_rng(5)
    base = grid_dataset(n_years=2)
    field = rng.uniform(size=(base.sizes["lat"], base.sizes["lon"])).astype(np.float32)
    field[0, :2] = np.nan
    moved = np.repeat(field[None], base.sizes["time"], axis=0)
    moved[12, 1, 1] += 1  # the middle step differs at one cell
    holes = np.repeat(field[None], base.sizes["time"], axis=0)
    holes[-1, 2, 3] = np.nan  # missing at another cell in the last step
    between = np.repeat(field[None], base.sizes["time"], axis=0)
    between[5] += 1  # differs at a step that is not compared
    dims = ("time", "lat", "lon")
    base = base.assign(static_every_step=(dims, np.repeat(field[None], base.sizes["time"], axis=0)),
                       moved=(dims, moved), holes=(dims, holes), between=(dims, between),
                       counts=(dims, np.ones(moved.shape, dtype=np.int32)))
    base.to_netcdf(tmp_path / "constant.nc")
    dataset = open_dataset([str(tmp_path / "constant.nc")])
    names = ["tas", "static_every_step", "moved", "holes", "between", "counts", "static"]
    monkeypatch.setattr(info, "CONSTANT_SAMPLE_VALUES", 10**9 if in_memory else 0)
    samples, compute = [], dask.compute
    monkeypatch.setattr(info.dask, "compute", lambda *args, **kwargs: samples.append(args) or compute(*args, **kwargs))
    found = info._constant_in_time(dataset, names, "time")
    steps = [0, 12, 23]
    expected = [name for name in names if "time" in base[name].dims and all(
        np.array_equal(base[name].values[step], base[name].values[0], equal_nan=base[name].dtype.kind == "f")
        for step in steps)]
    assert found == expected == ["static_every_step", "between", "counts"]
    read_first = any(isinstance(argument, xr.DataArray) for arguments in samples for argument in arguments)
    assert read_first == in_memory


def test_times_read_at_their_cells_middles_are_shown_with_the_files_own_stamps(tmp_path):
    """break51a A5: GISTEMP v4 stamps each month on the 15th with bounds of its first and last
    day; info showed "1880-01-16 to …" (the cells' middles) and nowhere the file's 15ths, which
    predictions keep. Both are shown, each computed here by hand."""
    starts = [datetime.date(2000 + k // 12, k % 12 + 1, 1) for k in range(13)]
    days = np.array([(start - datetime.date(1800, 1, 1)).days for start in starts])
    stamps = days[:-1] + 14  # the 15th
    bounds = np.stack([days[:-1], days[1:] - 1], 1)  # first and last day
    middle = datetime.date(1800, 1, 1) + datetime.timedelta(days=float(bounds[0].mean()))
    xr.Dataset({"tempanomaly": (("time", "lat", "lon"), np.zeros((12, 2, 3), "f4"),
                                {"units": "K", "cell_methods": "time: mean"}),
                "time_bnds": (("time", "nv"), bounds)},
               coords={"time": ("time", stamps, {"units": "days since 1800-01-01", "bounds": "time_bnds"}),
                       "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(tmp_path / "g.nc")
    report = unwrapped_report(describe([str(tmp_path / "g.nc")]))
    assert (f"Time 'time': {middle:%Y-%m-%d} to 2000-12-16 (its cells' middles; stamped 2000-01-15 to 2000-12-15 in "
            "the file, as predictions keep them), monthly, 12 steps") in report


def test_a_gaussian_grids_latitudes_are_called_gaussian_not_irregular():
    """break51d: JRA-3Q's 48 Gaussian rows (GridType "Gaussian Latitude/Longitude Grid") were
    "irregular, 3.68° to 3.71° apart"; the roots of the Legendre polynomial say Gaussian."""
    from climann.data.info import _latitude_text

    roots, _ = np.polynomial.legendre.leggauss(48)
    gaussian = np.degrees(np.arcsin(roots))[::-1]
    assert "descending (north-to-south), Gaussian, 3.68" in _latitude_text(gaussian)
    uneven = np.array([-60.0, -20.0, 0.0, 30.0, 45.0])
    assert "irregular" in _latitude_text(uneven)


def test_the_loop_over_files_in_the_reports_comments_stands_whole_on_one_line_and_runs(tmp_path, monkeypatch):
    """break54d: the one-copy-per-file loop advised for ESA CCI land cover's lccs_class (``( for f in …; do [ ! -e
    …; done ) && mkdir -p … && for f in …; do ncap2 …; done``) was wrapped over eight comment lines at 80 columns:
    no line could be pasted as printed. It now stands whole on one comment line; run as printed (less the ``#``),
    it writes each file's 0/1 variable of the class, checked here against numpy."""
    import subprocess

    monkeypatch.chdir(tmp_path)
    (tmp_path / "lc").mkdir()
    classes = np.array([[10, 20, 30], [30, 10, 20]], np.int16)
    for year in (2000, 2001, 2002):
        xr.Dataset({"tas": (("time", "lat", "lon"), np.full((1, 2, 3), 280.0 + year % 10, np.float32), {"units": "K"}),
                    "lccs_class": (("time", "lat", "lon"), np.roll(classes, year % 3)[None], {
                        "flag_values": np.array([10, 20, 30], np.int16),
                        "flag_meanings": "cropland_rainfed tree_cover grassland",
                        "long_name": "Land cover class defined in LCCS"})},
                   coords={"time": ("time", [float(365 * (year - 2000))], {"units": "days since 2000-01-01",
                                                                          "calendar": "noleap"}),
                           "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                           "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})},
                   ).to_netcdf(tmp_path / "lc" / f"lc_{year}.nc")
    report = describe(["lc/lc_2000.nc", "lc/lc_2001.nc", "lc/lc_2002.nc"])
    assert all(len(line) <= 80 for line in report.splitlines() if "for f in" not in line)
    loops = [line for line in report.splitlines() if "for f in" in line]
    assert len(loops) == 1 and loops[0].startswith("#     ( for f in ") and loops[0].endswith("; done )"), loops
    subprocess.run(["bash", "-c", loops[0].removeprefix("#     ")], check=True, capture_output=True)
    for year in (2000, 2001, 2002):
        with xr.open_dataset(tmp_path / "lc" / "indicators" / f"lc_{year}.nc") as copy:
            np.testing.assert_array_equal(copy["lccs_class_cropland_rainfed"].values[0],
                                          (np.roll(classes, year % 3) == 10).astype(float))


def test_no_config_for_a_static_file_on_a_map_projection_names_that_grid(tmp_path):
    """fix55f: BedMachine alone (mask and thickness on polar stereographic x/y, no time) was told "no time-varying
    variable on the latitude-longitude grid to predict": its grid is a map projection's, as it is now told."""
    x = np.arange(4) * 150.0
    xr.Dataset({"thickness": (("y", "x"), np.ones((3, 4), np.float32), {"units": "m", "grid_mapping": "mapping"}),
                "mapping": ((), 0, {"grid_mapping_name": "polar_stereographic", "latitude_of_projection_origin": 90.0,
                                    "standard_parallel": 70.0, "straight_vertical_longitude_from_pole": -45.0})},
               coords={"x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "m"}),
                       "y": ("y", x[:3][::-1], {"standard_name": "projection_y_coordinate", "units": "m"})}
               ).to_netcdf(tmp_path / "BedMachine.nc")
    report = unwrapped_report(describe([str(tmp_path / "BedMachine.nc")]))
    assert report.rstrip().splitlines()[-1] == ("# No config to start from: no time-varying variable on the map "
                                                "projection's grid (y, x: polar_stereographic) to predict")


def test_the_areas_of_ease_grid_rows_given_as_2d_latitude_longitude_are_not_promised_beyond_their_error(tmp_path):
    """break55c A4: SMAP L3 copied out of its HDF5 group keeps only 2-D latitude/longitude of EASE-Grid 2.0's
    36 km cells, all of one area on WGS 84; their areas from corners midway between the centres on a sphere
    weigh them up to 1.2 % apart, where info promised an error "of the order of the squared spacing" (4e-5). The
    grid section now gives numbers its areas keep to: the interior rows within the sphere's share, the first and
    last rows within theirs, checked against the cells' true equal areas."""
    import re

    import pyproj

    from climann.data.variables import grid_layout

    size = 36032.220840584
    x, y = -17367530.44516138 + size * (np.arange(481, 497) + 0.5), 7314540.79258289 - size * (np.arange(35, 74) + 0.5)
    lon, lat = pyproj.Transformer.from_crs(6933, 4326, always_xy=True).transform(*np.meshgrid(x, y))
    path = tmp_path / "SMAP_L3_SM_P_20150401_R18290_001.nc"
    xr.Dataset({"soil_moisture": (("time", "phony_dim_0", "phony_dim_1"), np.full((1, *lat.shape), 0.25, np.float32),
                                  {"units": "cm**3/cm**3", "coordinates": "latitude longitude"}),
                "latitude": (("phony_dim_0", "phony_dim_1"), lat.astype(np.float32), {"units": "degrees_north"}),
                "longitude": (("phony_dim_0", "phony_dim_1"), lon.astype(np.float32), {"units": "degrees_east"})},
               coords={"time": ("time", [0.0], {"units": "days since 2015-04-01"})}).to_netcdf(path)
    said = unwrapped_report(describe([str(path)]))
    assert "error of the order of the squared spacing in radians)" not in said
    outer = float(re.search(r"up to ([0-9.]+) % in the first and last rows", said).group(1))
    apart = float(re.search(r"weigh cells of equal area up to ([0-9.]+) % apart", said).group(1))
    weights = grid_layout(open_dataset([path]), "soil_moisture", []).cell_area_weights()  # truth: all equal
    interior = weights[1:-1]
    assert 100 * (interior.max() / interior.min() - 1) <= apart * 1.05 + 0.01
    assert 100 * (weights.max() / weights.min() - 1) > 1.0  # the error said is the error there is
    for row in (0, -1):
        off = 100 * abs(weights[row].mean() / interior.mean() - 1)
        assert off <= outer + apart + 0.01


def test_the_sine_cosine_line_in_a_commented_report_is_one_line_that_runs_uncommented(tmp_path, monkeypatch):
    """break56c A2: `climann info era5/waves.nc > my.toml` wrapped the mkdir && python -c line of the left-out mwd over
    15 comment lines, inside the program's strings (SyntaxError pasted). Now one comment line holds the whole command;
    with its comment mark removed it runs in bash and writes era5/sincos/waves.nc, whose mwd_sin and mwd_cos are numpy's
    sine and cosine of mwd in radians; the original's folder holds only the original."""
    import os
    import re
    import subprocess

    import pandas as pd

    from tests.fresh_python import shell_path

    monkeypatch.chdir(tmp_path)
    (tmp_path / "era5").mkdir()
    time = pd.date_range("1990-01-01", periods=36, freq="MS")
    rng = np.random.default_rng(3)
    shape = (time.size, 4, 5)
    mwd = (rng.normal(270, 30, shape) % 360).astype("f4")
    dims = ("time", "latitude", "longitude")
    xr.Dataset({"swh": (dims, rng.gamma(2, 1, shape).astype("f4"), {"units": "m"}),
                "mwd": (dims, mwd, {"units": "Degree true", "long_name": "Mean wave direction"})},
               coords={"time": time, "latitude": ("latitude", [60.0, 59.5, 59.0, 58.5], {"units": "degrees_north"}),
                       "longitude": ("longitude", np.arange(330, 332.5, 0.5), {"units": "degrees_east"})}
               ).to_netcdf(tmp_path / "era5" / "waves.nc")
    report = describe(["era5/waves.nc"])
    (line,) = [line for line in report.splitlines() if "python -c" in line]
    assert re.fullmatch(rf"#\s+mkdir -p era5/sincos && {re.escape(shell.advised_python())} -c \"[^\"]+\"", line), line
    assert all(len(other) <= 80 for other in report.splitlines() if other.startswith("#") and other != line)
    subprocess.run(["bash", "-c", line.lstrip("# ")], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    assert sorted(os.listdir(tmp_path / "era5")) == ["sincos", "waves.nc"]
    with xr.open_dataset(tmp_path / "era5" / "sincos" / "waves.nc") as copy:
        radians = np.deg2rad(mwd.astype("f8"))
        np.testing.assert_allclose(copy["mwd_sin"].values, np.sin(radians), rtol=0, atol=1e-6)
        np.testing.assert_allclose(copy["mwd_cos"].values, np.cos(radians), rtol=0, atol=1e-6)
