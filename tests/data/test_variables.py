"""The target's own scalar coordinates (climann/data/variables.py), as written to predictions.nc."""

import netCDF4
import numpy as np
import pytest
import xarray as xr

from tests.conftest import grid_dataset
from tests.followed_twice import GUARD, one_copy, run_one_copy, without_guards

HEIGHT = {"units": "m", "standard_name": "height", "axis": "Z", "positive": "up"}


def _with_levels(kind: str) -> xr.Dataset:
    """``tas`` at 2 m (scalar ``height``, as in CMIP files) or ``tos`` (no scalar coordinate),
    and a predictor on levels: ``ta`` on pressure levels or ``thetao`` on depths."""
    source = grid_dataset(n_years=2)
    if kind == "pressure":
        source = source.assign_coords(height=((), 2.0, HEIGHT))
        levels = xr.DataArray([85000.0, 50000.0], dims="plev", attrs={"units": "Pa", "standard_name": "air_pressure"})
        predictor, target = "ta", "tas"
    else:
        levels = xr.DataArray([5.0215898, 15.07], dims="lev", attrs={"units": "m", "standard_name": "depth"})
        predictor, target = "thetao", "tos"
        source = source.rename(tas=target)
    profile = xr.concat([source["pred"], source["pred"] - 1.0], dim=levels).transpose("time", levels.dims[0], ...)
    return source.assign({predictor: profile}).drop_vars(["pred", "landonly", "static"])


@pytest.mark.parametrize("kind, select, expected", [
    pytest.param("pressure", {"plev": 85000.0}, {"height": (2.0, HEIGHT)}, id="tas-2m-with-ta-at-850hPa"),
    pytest.param("depth", {"lev": 5.0215898}, {}, id="tos-with-thetao-at-5m"),
])
def test_the_target_keeps_only_its_own_scalar_coordinates(tmp_path, kind, select, expected):
    from climann.data.open import open_dataset
    from climann.data.pointwise import build_pointwise_samples
    from climann.data.subset import subset_dataset
    from climann.evaluation.predictions import predictions_dataset, write_predictions

    _with_levels(kind).to_netcdf(tmp_path / "input.nc")
    target, predictor = ("tas", "ta") if kind == "pressure" else ("tos", "thetao")
    dataset = subset_dataset(open_dataset([tmp_path / "input.nc"]), select=select)
    samples = build_pointwise_samples(dataset, target=target, predictors=(predictor,), features=())
    assert [scalar.name for scalar in samples.layout.scalar_coordinates] == list(expected)
    truth = samples.target_field.astype(np.float64)
    output = predictions_dataset(samples.layout, truth, truth + 0.5, ["train"] * truth.shape[0], history="x")
    path = write_predictions(output, tmp_path / "predictions.nc", samples.layout)
    with netCDF4.Dataset(path) as written:
        for name in (target, f"{target}_pred", f"{target}_error"):
            assert set(getattr(written[name], "coordinates", "").split()) == set(expected), name
        assert not set(select) & set(written.variables)  # the predictor's level is not in the file
        for name, (value, attrs) in expected.items():
            assert written[name].dimensions == () and written[name][...] == value
            assert {key: written[name].getncattr(key) for key in attrs} == attrs


# --- variables that are not numbers (WRF's Times character array) --------------------------------
def test_text_and_date_variables_are_not_data_variables_and_are_refused_as_features_saying_why(tmp_path):
    import cftime

    from climann.data.open import open_dataset
    from climann.data.variables import data_variable_names, require_variable
    from climann.errors import ClimannError
    from tests.grid_files import write_wrf

    dataset = open_dataset([write_wrf(tmp_path / "wrf.nc")])
    assert dataset["Times"].dtype.kind == "U"  # WRF's dates as characters, read as text once opened (char_labels)
    dataset["valid"] = ("XTIME", [cftime.DatetimeNoLeap(1990, 1, 1)] * dataset.sizes["XTIME"])
    dataset["stamp"] = ("XTIME", np.zeros(dataset.sizes["XTIME"], "datetime64[ns]"))
    assert data_variable_names(dataset) == ["T2", "SWDOWN"]
    for name, holds in (("Times", "text"), ("valid", "objects"), ("stamp", "dates")):
        with pytest.raises(ClimannError, match=rf"^variable '{name}' in wrf.nc holds {holds}, not numbers, so it "
                                               "cannot be a feature; available: T2, SWDOWN$"):
            require_variable(dataset, name, "wrf.nc")


# --- WRF's staggered winds -----------------------------------------------------------------------
@pytest.mark.parametrize("name, dims, along", [
    pytest.param("U", "XTIME, south_north, west_east_stag", "west_east_stag", id="U-on-west_east_stag"),
    pytest.param("V", "XTIME, south_north_stag, west_east", "south_north_stag", id="V-on-south_north_stag"),
])
def test_a_variable_on_a_staggered_grid_is_refused_saying_so_and_how_to_destagger(tmp_path, name, dims, along):
    from climann.data.open import open_dataset
    from climann.data.variables import on_grid
    from climann.errors import ClimannError
    from tests.grid_files import write_wrf

    dataset = open_dataset([write_wrf(tmp_path / "wrfout.nc", staggered=True)])
    assert on_grid(dataset["T2"], ("XTIME", "south_north", "west_east"), needs_time=True).dims == (
        "XTIME", "south_north", "west_east")
    with pytest.raises(ClimannError, match=rf"^variable '{name}' lies on a staggered grid \(its dims are {dims}; the "
                                           r"grid's south_north, west_east\): interpolate it to the grid's points first "
                                           rf"\(e.g. wrf-python's wrf.destagger, or with xarray the mean of "
                                           rf"neighbouring values along {along}\), or choose another variable$"):
        on_grid(dataset[name], ("XTIME", "south_north", "west_east"), needs_time=True)


def test_the_layout_keeps_each_variables_cell_methods_as_the_file_gives_them(tmp_path):
    from climann.data.variables import grid_layout

    source = grid_dataset(n_years=1)
    source["tas"].attrs["cell_methods"] = "area: mean time: maximum"
    source["static"].attrs["cell_methods"] = "area: mean"
    source.to_netcdf(tmp_path / "grid.nc")
    with xr.open_dataset(tmp_path / "grid.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as dataset:
        layout = grid_layout(dataset, "tas", [str(tmp_path / "grid.nc")])
    assert layout.variable_cell_methods == {"tas": "area: mean time: maximum", "static": "area: mean"}


@pytest.mark.parametrize(
    ("where", "advice"),
    [
        pytest.param("renamed.nc", "ncrename -v rsdt_new,rsdt renamed.nc renamed_renamed.nc) or "
                     "with --rename renamed.nc:rsdt_new=rsdt", id="one-file"),
        pytest.param("a.nc, b.nc", "a copy of each file holding it, ncrename -v rsdt_new,rsdt with the file and its "
                     "copy) or with --rename '*:rsdt_new=rsdt'", id="several-files"),
    ],
)
def test_a_missing_variable_with_a_close_name_says_how_to_rename_it_without_train_options(where, advice):
    from climann.data.variables import require_variable
    from climann.errors import ClimannError

    dataset = grid_dataset().rename({"pred": "rsdt_new"})
    with pytest.raises(ClimannError) as refused:
        require_variable(dataset, "rsdt", where)
    assert str(refused.value).endswith(f"did you mean 'rsdt_new'? If it is the same field, rename it in a copy "
                                       f"({advice}")


def test_the_runs_own_variables_are_never_proposed_for_a_missing_predictor():
    """break44a A2: RG's monthly files hold only the anomalies; the run's predictor
    ARGO_TEMPERATURE_MEAN is spelled like its target ARGO_TEMPERATURE_ANOMALY, which renamed
    into it would be read as the mean field. Not proposed; a variable the run does not use is."""
    from climann.data.variables import require_variable
    from climann.errors import ClimannError

    dataset = grid_dataset().rename({"tas": "ARGO_TEMPERATURE_ANOMALY", "pred": "ARGO_SALINITY_ANOMALY"})
    with pytest.raises(ClimannError) as refused:
        require_variable(dataset, "ARGO_TEMPERATURE_MEAN", "RG_ArgoClim_201901_2019.nc",
                         taken=("ARGO_TEMPERATURE_ANOMALY", "ARGO_TEMPERATURE_MEAN"))
    assert "did you mean" not in str(refused.value) and "rename" not in str(refused.value)
    assert "a static field of the training files, such as RG's mean field, is in those files), give those files " \
           "too (--data, [data] paths)" in str(refused.value)
    with pytest.raises(ClimannError, match="did you mean 'ARGO_TEMPERATURE_ANOMALY'"):  # not the run's: proposed
        require_variable(dataset, "ARGO_TEMPERATURE_MEAN", "RG_ArgoClim_201901_2019.nc")


@pytest.mark.parametrize(("stored", "rule", "advice", "followed"), [
    pytest.param("rsdt_old", {"rsdt_old": "rsdt_new"},
                 f"rename it in a copy ({one_copy('ncrename -v rsdt_old,rsdt', 'era.nc', 'renamed')}) or with "
                 "--rename 'era*:rsdt_old=rsdt' (in place of 'era*:rsdt_old=rsdt_new')", {"rsdt_old": "rsdt"},
                 id="renamed-from-the-files-own-name"),
    pytest.param("rsdt", {"rsdt": "rsdt_new"}, "leave out --rename 'era*:rsdt=rsdt_new'", {},
                 id="renamed-away-from-the-wanted-name"),
])
def test_the_rename_advice_for_a_renamed_variable_names_it_as_its_file_holds_it(tmp_path, monkeypatch, stored, rule,
                                                                                advice, followed):
    """A close name that a rename rule made is renamed by that rule with the file's own name:
    rules rename each file's own names and do not chain (verify25 F8); the advice, followed,
    gives the variable: the --rename given, or the ncrename line run as printed (its copy in a new folder,
    fix53j: era_renamed.nc beside era.nc was taken with it by a glob over their folder)."""
    import shutil

    from climann.data.open import open_dataset
    from climann.data.variables import require_variable
    from climann.errors import ClimannError

    monkeypatch.chdir(tmp_path)
    grid_dataset(n_years=1).rename({"pred": stored}).to_netcdf("era.nc")
    with pytest.raises(ClimannError) as refused:
        require_variable(open_dataset([tmp_path / "era.nc"], rename={"era*": rule}), "rsdt", "era.nc")
    assert without_guards(str(refused.value)).endswith(f"did you mean 'rsdt_new'? If it is the same field, {advice}")
    assert "rsdt" in open_dataset([tmp_path / "era.nc"], rename={"era*": followed} if followed else None).data_vars
    if "its copy in a new folder" in advice and shutil.which("ncrename") is not None:
        copy = run_one_copy(str(refused.value), tmp_path)["copy"]
        assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["era.nc"]  # nothing beside
        assert "rsdt" in open_dataset([tmp_path / copy]).data_vars


def test_a_forecast_with_several_lead_times_is_refused_naming_them(tmp_path):
    """valid_time(time, step): the reference time is no time axis of the fields; one lead time is."""
    from climann.data.open import open_dataset
    from climann.data.variables import on_grid
    from climann.errors import ClimannError
    from tests.forecast_files import cfgrib_layout

    cfgrib_layout([0, 6, 12]).to_netcdf(tmp_path / "fc.nc")
    dataset = open_dataset([tmp_path / "fc.nc"])
    with pytest.raises(ClimannError) as error:
        on_grid(dataset["t2m"], ("time", "latitude", "longitude"), needs_time=True)
    assert str(error.value) == (
        "variable 't2m' holds forecasts at 3 lead times (step: 0, 6, 12 hours) for each forecast reference time, "
        "so its valid times are not one time axis; choose one lead time with [data] select or --select step=6 "
        "(its valid times become the time axis)")


@pytest.mark.parametrize(
    ("name", "dims", "bounds"),
    [
        pytest.param("time_bnds", ("time", "bnds"), True, id="cmip-time_bnds"),
        pytest.param("lat_bounds", ("lat", "nv"), True, id="lat_bounds"),
        pytest.param("bounds_lon", ("lon", "vertices"), True, id="nemo-style-bounds_lon"),
        pytest.param("lat_bnds", ("time", "lat", "lon"), False, id="a-field-so-named-on-the-grid"),
        pytest.param("lat_bnds", ("lon", "bnds"), False, id="on-another-coordinates-dimension"),
        pytest.param("pr_bnds", ("time", "bnds"), False, id="named-after-no-coordinate"),
    ],
)
def test_bounds_that_no_attribute_names_are_known_by_name_and_dimensions(name, dims, bounds):
    from climann.data.variables import data_variable_names, unlinked_bounds

    dataset = grid_dataset(n_years=1)[["tas"]]
    dataset[name] = (dims, np.zeros([dataset.sizes.get(dim, 2) for dim in dims]))
    assert (name in unlinked_bounds(dataset)) is bounds
    assert (name in data_variable_names(dataset)) is not bounds


@pytest.mark.parametrize(("role", "standard_name", "also"), [
    pytest.param("variable", "cloud_area_fraction", {}, id="predictor"),
    pytest.param("target", "air_temperature", {}, id="target"),
    pytest.param("variable", "air_pressure_at_sea_level", {}, id="cf-alias"),
])
def test_a_variable_missing_under_its_name_names_the_one_with_its_recorded_standard_name(role, standard_name, also):
    """ERA5's tcc for CMIP's clt, t2m for tas: names far apart as text, no hint was given (break23b F1)."""
    from climann.data.variables import require_variable
    from climann.errors import ClimannError

    dataset = grid_dataset().rename({"pred": "tcc"})
    current = "air_pressure_at_mean_sea_level" if standard_name.startswith("air_pressure") else standard_name
    dataset["tcc"].attrs["standard_name"] = current
    dataset["tas"].attrs["standard_name"] = "unknown"  # a placeholder, no namesake
    with pytest.raises(ClimannError) as refused:
        require_variable(dataset, "clt", "era5.nc", role=role, standard_name=standard_name)
    assert (f"'tcc' has the standard_name {standard_name} that the run recorded for 'clt'. If it is the same field, "
            "rename it in a copy (ncrename -v tcc,clt era5.nc era5_renamed.nc)") in str(refused.value)


@pytest.mark.parametrize("names", [pytest.param(("tcc", "tcc_low"), id="two-namesakes"),
                                   pytest.param(("tcc",), id="none-without-record")])
def test_no_namesake_is_named_when_it_is_not_the_only_one(names):
    """Two variables of the recorded standard_name (or none recorded): which is meant is not known."""
    from climann.data.variables import require_variable
    from climann.errors import ClimannError

    dataset = grid_dataset().rename({"pred": "tcc"})
    dataset["tcc"].attrs["standard_name"] = "cloud_area_fraction"
    if len(names) == 2:
        dataset["tcc_low"] = dataset["tcc"]
    with pytest.raises(ClimannError) as refused:
        require_variable(dataset, "clt", "era5.nc", standard_name="cloud_area_fraction" if len(names) == 2 else "")
    assert "has the standard_name" not in str(refused.value)


def test_a_missing_variable_without_a_close_name_points_to_files_of_static_fields():
    """break28b A7: CMIP keeps orog and sftlf in fx files; ``evaluate --data 'cmip/*ssp245*'``
    was told "variable 'orog' not in pr_…, rsds_…, tas_…" without a word on giving them."""
    from climann.data.variables import require_variable
    from climann.errors import ClimannError

    dataset = grid_dataset()
    with pytest.raises(ClimannError) as refused:
        require_variable(dataset, "orog", "pr_Amon.nc, tas_Amon.nc")
    assert str(refused.value) == (
        f"variable 'orog' not in pr_Amon.nc, tas_Amon.nc; available: {', '.join(dataset.data_vars)}; if it is in "
        "other files (CMIP keeps static fields such as orog and sftlf in their own fx files, orog_fx_….nc, and a "
        "static field of the training files, such as RG's mean field, is in those files), give those files too "
        "(--data, [data] paths)")


# --- GFDL/MOM's averaging period of a time mean (SODA) ------------------------------------------
def test_the_averaging_period_of_a_mom_time_mean_is_metadata_its_length_too(tmp_path):
    """SODA 3.4.2 (MOM5) gives each time mean its period as average_T1, average_T2 (dates) and average_DT
    (days), named by ``time_avg_info``: T1 and T2 were metadata (dates), average_DT a data variable counted in
    climann info's "Variables: 4" (break40b B9)."""
    from climann.data.open import open_dataset
    from climann.data.variables import data_variable_names

    days = {"units": "days since 1980-01-01 00:00:00", "calendar": "JULIAN"}
    xr.Dataset(
        {"temp": (("time", "yt_ocean", "xt_ocean"), np.full((2, 3, 4), 20.0, "f4"),
                  {"units": "degrees C", "cell_methods": "time: mean",
                   "time_avg_info": "average_T1,average_T2,average_DT"}),
         "average_T1": ("time", [0.0, 31.0], days), "average_T2": ("time", [31.0, 60.0], days),
         "average_DT": ("time", [31.0, 29.0], {"units": "days", "long_name": "Length of average period"})},
        coords={"time": ("time", [15.5, 45.5], days),
                "yt_ocean": ("yt_ocean", [-0.5, 0.0, 0.5], {"units": "degrees_N"}),
                "xt_ocean": ("xt_ocean", [200.25, 200.75, 201.25, 201.75], {"units": "degrees_E"})},
    ).to_netcdf(tmp_path / "soda.nc")
    dataset = open_dataset([tmp_path / "soda.nc"])
    assert "average_DT" in dataset.data_vars and dataset["average_DT"].dtype.kind == "f"
    assert data_variable_names(dataset) == ["temp"]


def test_a_close_name_in_several_files_is_told_the_loop_that_renames_each_and_it_runs(tmp_path, monkeypatch):
    """fix44d: two yearly files holding rsdt_new were told `ncrename -v rsdt_new,rsdt FILE NEW_FILE`, to fill in
    by hand. The loop printed, run as printed, writes a renamed copy of each into a new folder, and the copies,
    given as the advice says, hold rsdt with the files' values."""
    import re
    import shutil
    import subprocess

    from climann.data.open import open_dataset
    from climann.data.variables import require_variable
    from climann.errors import ClimannError

    if shutil.which("ncrename") is None:
        pytest.skip("needs NCO")
    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset(n_years=2).rename({"pred": "rsdt_new"})
    years = dataset["time"].dt.year.values
    for year in (years[0], years[-1]):
        dataset.isel(time=years == year).to_netcdf(tmp_path / f"rsdt_{year}.nc")
    opened = open_dataset(sorted(tmp_path.glob("rsdt_*.nc")))
    with pytest.raises(ClimannError) as refused:
        require_variable(opened, "rsdt", "rsdt_*.nc")
    message = str(refused.value)
    assert "FILE" not in message
    loop = re.search(rf"rename it in a copy \(({GUARD}mkdir .*?; done \))", message)[1]  # with fix52b's guard
    subprocess.run(loop, shell=True, check=True, capture_output=True)
    copies = sorted((tmp_path / "renamed").glob("*.nc"))
    assert len(copies) == 2
    renamed = open_dataset(copies)
    np.testing.assert_array_equal(renamed["rsdt"].values, opened["rsdt_new"].values)


# --- a map projection's x/y beside a latitude-longitude target (break54d A1, A6) --------------------------------
def _bedmachine_beside_sst(folder):
    """``sst.nc`` (monthly, latitude-longitude) and ``bm/BedMachine.nc``: ``bed(y, x)`` on polar stereographic
    axes in metres (projection_x/y_coordinate, a grid_mapping), no time, as BedMachine Antarctica gives it."""
    (folder / "bm").mkdir()
    sst = grid_dataset(n_years=2, seed=2)[["tas"]].rename(tas="sst")
    sst.to_netcdf(folder / "sst.nc")
    x = np.arange(-3, 4) * 3.0e5
    xr.Dataset({"bed": (("y", "x"), np.zeros((7, 7), "i2"), {"units": "meters", "grid_mapping": "mapping"}),
                "mapping": ((), 0, {"grid_mapping_name": "polar_stereographic", "latitude_of_projection_origin": -90.0,
                                    "standard_parallel": -71.0, "straight_vertical_longitude_from_pole": 0.0})},
               coords={"x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "meter"}),
                       "y": ("y", x[::-1], {"standard_name": "projection_y_coordinate", "units": "meter"})}
               ).to_netcdf(folder / "bm" / "BedMachine.nc")
    return [str(folder / "sst.nc"), str(folder / "bm" / "BedMachine.nc")]


@pytest.mark.parametrize("select", [pytest.param({}, id="as-given"),
                                    pytest.param({"y": 9.0e5, "x": -9.0e5}, id="one-y-and-x-selected")])
def test_a_predictor_on_a_projections_axes_is_refused_as_not_on_the_grid_with_the_regrid_route(tmp_path, select):
    """break54d A1: BedMachine's bed(y, x) as a predictor of a latitude-longitude sst was told "extra dimension y …
    --select y=VALUE"; followed, "(its dims are )". Both are now the one refusal: not on the grid, regrid it."""
    from climann.errors import ClimannError
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data

    paths = _bedmachine_beside_sst(tmp_path)
    config = build_config({"data": {"paths": paths, "target": "sst", "predictors": ["bed"], "select": select}})
    with pytest.raises(ClimannError, match=r"^variable 'bed' is not on the grid \(time, lat, lon\): it is on the axes "
                                           r"of a map projection \((x, y|y, x)\), not on latitude and longitude; regrid "
                                           r"it onto that grid first .*--data in place of its own$"):
        prepare_data(config)


def test_a_flag_mask_on_a_projections_axes_is_refused_before_any_warning_on_its_codes(tmp_path, caplog):
    """fix55f: BedMachine's mask(y, x) (flag_values 0…4: ocean … non_greenland_land) as a predictor of a
    latitude-longitude sst was warned of first, with an ncap2 line to write its 0/1 classes, then refused as not
    on the grid: a line pasted for a run refused anyway. The refusal now comes alone."""
    import logging

    from climann.errors import ClimannError
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data

    paths = _bedmachine_beside_sst(tmp_path)
    with xr.open_dataset(paths[1]) as bedmachine:
        with_mask = bedmachine.load().assign(mask=(("y", "x"), np.arange(49, dtype="i1").reshape(7, 7) % 5, {
            "flag_values": np.arange(5, dtype="i1"), "grid_mapping": "mapping",
            "flag_meanings": "ocean ice_free_land grounded_ice floating_ice non_greenland_land"}))
    with_mask.to_netcdf(paths[1])
    config = build_config({"data": {"paths": paths, "target": "sst", "predictors": ["mask"]}})
    with caplog.at_level(logging.WARNING, logger="climann"), pytest.raises(
            ClimannError, match=r"^variable 'mask' is not on the grid \(time, lat, lon\): it is on the axes of a map "
                                r"projection \((x, y|y, x)\), not on latitude and longitude; regrid"):
        prepare_data(config)
    assert [record.getMessage() for record in caplog.records if "mask" in record.getMessage()] == []


def test_a_path_given_as_a_predictor_is_said_to_belong_in_data(tmp_path):
    """break54d A6: --predictors bm/BedMachine.nc was told "variable 'bm/…nc' not in sst.nc" and no more."""
    from climann.errors import ClimannError
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data

    paths = _bedmachine_beside_sst(tmp_path)
    config = build_config({"data": {"paths": paths[:1], "target": "sst", "predictors": ["bm/BedMachine.nc"]}})
    with pytest.raises(ClimannError, match=r"'bm/BedMachine.nc' is a file's path: predictors are variable names; give "
                                           r"the file with --data \(\[data\] paths\) and name its variables in "
                                           r"--predictors$"):
        prepare_data(config)


def test_a_file_without_time_as_the_only_data_is_told_what_it_can_be(tmp_path):
    """break54d A6: BedMachine alone as --data was refused "no time coordinate found …; coordinates present: x, y"
    with no way out: it holds static predictors only, once regridded."""
    from climann.data.open import open_dataset
    from climann.data.variables import grid_layout
    from climann.errors import ClimannError

    paths = _bedmachine_beside_sst(tmp_path)
    with pytest.raises(ClimannError, match=r"coordinates present: x, y; a file without a time axis holds static "
                                           r"fields: it can hold neither the target nor all the data, only static "
                                           r"predictors: .* once regridded onto their latitude-longitude grid \(its "
                                           r"x and y are the axes of a map projection"):
        grid_layout(open_dataset(paths[1:]), "bed", paths[1:])
