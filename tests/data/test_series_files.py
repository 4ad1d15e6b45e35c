"""Files of one variable's series hold one quantity (climann/data/series_files.py; break19b F2b-F2d)."""

import re
import shutil
import subprocess
from pathlib import Path

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset
from tests.fresh_python import run_python
from tests.followed_twice import run_one_copy, without_guards


def _year(path, year, *, attrs=None, scalars=None, name="ta", values=250.0):
    """One year of monthly ``name`` on a 2x3 grid, with extra attributes and CF scalar coordinates."""
    times = [cftime.DatetimeNoLeap(year, month, 15) for month in range(1, 13)]
    data = np.full((12, 2, 3), values, np.float32) + np.arange(12, dtype=np.float32)[:, None, None]
    variable = xr.DataArray(data, dims=("time", "lat", "lon"), attrs={"units": "K", **(attrs or {})})
    dataset = xr.Dataset({name: variable}, coords={"time": times, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                                                   "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})})
    for coordinate, (value, coordinate_attrs) in (scalars or {}).items():
        dataset = dataset.assign_coords({coordinate: xr.Variable((), value, coordinate_attrs)})
    dataset["time"].encoding.update(units="days since 2000-01-01", calendar="noleap")
    dataset.to_netcdf(path)
    return path


PRESSURE = {"standard_name": "air_pressure", "units": "Pa", "axis": "Z", "positive": "down"}


def test_per_level_files_of_one_name_are_refused_naming_both_levels(tmp_path):
    """Per-level downloads all named ta, their level only a scalar coordinate: 850 then 500 hPa
    trained as one series (test climatology MSE 435.5 against 1.46), exit 0."""
    first = _year(tmp_path / "ta_a.nc", 2001, scalars={"plev": (85000.0, PRESSURE)})
    second = _year(tmp_path / "ta_b.nc", 2002, scalars={"plev": (50000.0, PRESSURE)}, values=225.0)
    with pytest.raises(ClimannError) as raised:
        open_dataset([first, second])
    assert str(raised.value).startswith("'ta' is at plev = 85000 Pa in ta_a.nc but at plev = 50000 Pa in ta_b.nc (CF "
                                        "scalar coordinates)")
    # 2001 then 2002: a rename would make ta_plev_50000 a variable of another period, refused (see below)
    assert str(raised.value).endswith("give the files of one level (a file of another level is another variable, "
                                      "not more of this series)")


def test_one_level_in_other_units_and_a_file_without_the_level_are_one_series(tmp_path):
    hecto = {**PRESSURE, "units": "hPa"}
    files = [_year(tmp_path / "ta_a.nc", 2001, scalars={"plev": (85000.0, PRESSURE)}),
             _year(tmp_path / "ta_b.nc", 2002, scalars={"plev": (850.0, hecto)}),
             _year(tmp_path / "ta_c.nc", 2003)]
    dataset = open_dataset(files)
    assert dataset.sizes["time"] == 36
    np.testing.assert_array_equal(dataset["ta"].values[24:, 0, 0], 250 + np.arange(12, dtype=np.float32))


@pytest.mark.parametrize(("first", "second", "said"), [
    pytest.param({"standard_name": "surface_upward_latent_heat_flux", "positive": "up"},
                 {"standard_name": "surface_downward_latent_heat_flux", "positive": "down"},
                 "the opposite sign convention", id="upward-then-downward"),
    pytest.param({"positive": "up"}, {"positive": "down"}, "the opposite sign convention", id="positive-only"),
    pytest.param({"standard_name": "air_temperature"}, {"standard_name": "surface_temperature"},
                 "another quantity (CF standard_name)", id="another-standard-name"),
    pytest.param({"cell_methods": "area: mean time: mean"}, {"cell_methods": "area: mean time: maximum"},
                 "is of cell_methods 'time: mean' in a.nc but 'time: maximum' in b.nc", id="mean-then-maximum"),
    pytest.param({}, {"units_metadata": "temperature: difference"}, "is a temperature difference in b.nc",
                 id="temperatures-then-anomalies"),
])
def test_files_of_another_quantity_are_refused_naming_both(tmp_path, first, second, said):
    files = [_year(tmp_path / "a.nc", 2001, attrs=first), _year(tmp_path / "b.nc", 2002, attrs=second)]
    with pytest.raises(ClimannError, match=None) as raised:
        open_dataset(files)
    assert said in str(raised.value)
    assert "a.nc" in str(raised.value) and "b.nc" in str(raised.value)


def _store_of(path: Path) -> Path:
    """The file ``path`` as a Zarr store beside it (``a.zarr``), the file removed."""
    store = path.with_suffix(".zarr")
    with xr.open_dataset(path) as opened:
        opened.load().to_zarr(store)
    path.unlink()
    return store


@pytest.mark.parametrize(("first", "second", "placeholder", "factor"), [
    pytest.param({"standard_name": "surface_upward_latent_heat_flux", "positive": "up", "units": "W m-2"},
                 {"standard_name": "surface_downward_latent_heat_flux", "positive": "down", "units": "W m-2"}, None,
                 -1.0,
                 id="opposite-sign"),
    pytest.param({"standard_name": "lwe_thickness_of_snowfall_amount", "units": "m"},
                 {"standard_name": "thickness_of_snowfall_amount", "units": "m"}, ("DENSITY", "100"), 0.1,
                 id="snow-depth-by-density"),
    pytest.param({"standard_name": "air_temperature"}, {"standard_name": "surface_temperature"}, None, 1.0,
                 id="another-standard-name"),
    pytest.param({"cell_methods": "area: mean time: mean"}, {"cell_methods": "area: mean time: maximum"}, None, 1.0,
                 id="mean-then-maximum"),
])
def test_stores_of_another_quantity_are_refused_with_a_line_that_runs_on_the_store(
        tmp_path, monkeypatch, first, second, placeholder, factor):
    """fix32d: the second of two Zarr stores was given `ncap2 … b.zarr b_fixed.nc`, which NCO cannot read;
    now a line that runs on the store (an attribute set in it, or values computed in a copy beside it); run as
    printed (the density filled in), the first store and the second's result open as one series of 24 months,
    the second year's values the stored ones times ``factor`` (-1 for the sign, 100/1000 for the density)."""
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    stores = [_store_of(_year(tmp_path / "a.nc", 2001, attrs=first)),
              _store_of(_year(tmp_path / "b.nc", 2002, attrs=second))]
    with pytest.raises(ClimannError) as raised:
        open_dataset(stores)
    message = str(raised.value)
    assert "ncap2" not in message and "ncatted" not in message, message
    command = re.search(r'python -c "[^"]+"', message).group(0)
    words = shlex.split(command.replace(*placeholder) if placeholder else command)
    assert words[:2] == ["python", "-c"] and len(words) == 3, command
    run_python("-c", words[2], check=True, cwd=tmp_path)
    copy = tmp_path / "b_fixed.zarr"
    series = open_dataset([stores[0], copy if copy.exists() else stores[1]])["ta"]
    assert series.sizes["time"] == 24
    np.testing.assert_allclose(series.values[12:, 0, 0], factor * (250 + np.arange(12)), rtol=1e-6)


@pytest.mark.parametrize(("first", "second"), [
    pytest.param({"cell_methods": "time: mean (interval: 1 month)"}, {"cell_methods": "area: mean time: mean"},
                 id="one-time-mean-said-two-ways"),
    pytest.param({"standard_name": "air_temperature"}, {}, id="an-attribute-missing-in-one-file"),
    pytest.param({"cell_methods": "area: mean time: sum within days time: sum over days"},
                 {"cell_methods": "time: sum"}, id="daymet-sums-within-and-over-days-are-sums"),
    pytest.param({"units_metadata": "temperature: difference"}, {"units_metadata": "temperature:difference"},
                 id="anomalies-in-both"),
    pytest.param({"standard_name": "air_pressure_at_sea_level"}, {"standard_name": "air_pressure_at_mean_sea_level"},
                 id="cmip5-alias-then-cmip6-name"),  # one quantity in the CF standard name table (verify20 F9)
])
def test_files_that_agree_or_do_not_say_are_one_series(tmp_path, first, second):
    files = [_year(tmp_path / "a.nc", 2001, attrs=first), _year(tmp_path / "b.nc", 2002, attrs=second)]
    assert open_dataset(files).sizes["time"] == 24


def test_rates_then_totals_of_one_quantity_are_one_series_after_their_conversion(tmp_path):
    """verify20 F4: mean rates (time: mean, kg m-2 s-1) then monthly totals (time: sum, kg m-2)
    were refused as 'another statistic'; the totals convert to rates, as before the check."""
    rate = {"standard_name": "precipitation_flux", "cell_methods": "time: mean"}
    total = {"standard_name": "precipitation_amount", "cell_methods": "time: sum"}
    first = _year(tmp_path / "a.nc", 2001, attrs={**rate, "units": "kg m-2 s-1"}, name="pr", values=1e-5)
    second = _year(tmp_path / "b.nc", 2002, attrs={**total, "units": "kg m-2"}, name="pr", values=30.0)
    pr = open_dataset([first, second])["pr"]
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])  # noleap months
    expected = (30.0 + np.arange(12)) / (days * 86400.0)
    np.testing.assert_allclose(pr.values[12:, 0, 0], expected, rtol=1e-6)


def _hourly_stamp(path, hour, units):
    """One stamp of an hourly station series in one file, ``hour`` in ``units``."""
    dataset = xr.Dataset({"obs": (("time", "lat", "lon"), np.full((1, 2, 3), 280.0 + hour, np.float32), {"units": "K"})},
                         coords={"time": ("time", [float(hour)], {"units": units, "calendar": "standard"}),
                                 "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                                 "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})})
    dataset.to_netcdf(path)
    return path


def test_one_stamp_files_with_a_time_zone_read_two_ways_are_refused(tmp_path):
    """verify20 F0: hourly files of one stamp each, 'hours since 2000-01-01 00:00:00 +05:00': the
    file at local midnight was read on its local date, the others as UTC instants (every stamp of
    the series was then 5 hours off, silently)."""
    units = "hours since 2000-01-01 00:00:00 +05:00"
    files = [_hourly_stamp(tmp_path / f"stn_{hour:03d}.nc", hour, units) for hour in (23, 24, 25)]
    with pytest.raises(ClimannError, match=r"^the time units of 'obs' in stn_023.nc and stn_024.nc carry a time-zone "
                                           r"offset, and each file holds too few stamps to tell its step"):
        open_dataset(files)


@pytest.mark.parametrize(("first", "second", "command"), [
    pytest.param({}, {"units_metadata": "temperature: difference"},
                 "ncatted -a units_metadata,t2m,o,c,'temperature: difference' a.nc a_fixed.nc", id="units_metadata"),
    pytest.param({"cell_methods": "time: mean"}, {"cell_methods": "time: maximum"},
                 "ncap2 -s 'temp@cell_methods=\"time: mean\"' b.nc b_fixed.nc", id="cell_methods"),
])
def test_the_command_names_the_variable_as_its_file_holds_it(tmp_path, monkeypatch, first, second, command):
    """verify28 V4: files holding ``t2m`` and ``temp`` read as ``ta`` with rename rules were told to
    change ``ta``, which neither holds. The command followed (netCDF4-python doing what ncatted's
    o and ncap2's attribute assignment do), the series is one."""
    import netCDF4

    monkeypatch.chdir(tmp_path)
    files = [_year(tmp_path / "a.nc", 2001, attrs=first, name="t2m"),
             _year(tmp_path / "b.nc", 2002, attrs=second, name="temp")]
    rules = {"a.nc": {"t2m": "ta"}, "b.nc": {"temp": "ta"}}
    with pytest.raises(ClimannError) as raised:
        open_dataset(files, rename=rules)
    assert str(raised.value).endswith(f"({command})")
    own, value, source, copy = (re.search(r"units_metadata,(\w+),o,c,'([^']+)' (\S+) (\S+)$", command)
                                or re.search(r"'(\w+)@cell_methods=\"([^\"]+)\"' (\S+) (\S+)$", command)).groups()
    shutil.copy(source, copy)
    with netCDF4.Dataset(copy, "a") as file:
        file[own].setncattr("units_metadata" if "units_metadata" in command else "cell_methods", value)
    fixed = [copy if Path(path).name == source else path for path in files]
    renamed = {Path(path).name: rules[Path(path).name.replace("_fixed", "")] for path in fixed}
    assert open_dataset([tmp_path / Path(path).name for path in fixed], rename=renamed).sizes["time"] == 24


#: (what differs, the first file's scalar coordinates and attributes, the later file's) of ta's two quantities.
TWO_QUANTITIES = {
    "level": ({"plev": (85000.0, PRESSURE)}, {}, {"plev": (50000.0, PRESSURE)}, {}),
    "wavelength": ({"wavelength": (550.0, {"standard_name": "radiation_wavelength", "units": "nm"})}, {},
                   {"wavelength": (870.0, {"standard_name": "radiation_wavelength", "units": "nm"})}, {}),
    "statistic": ({}, {"cell_methods": "time: mean"}, {}, {"cell_methods": "time: maximum"}),
}


def _quantity_file(path, quantity, which, years, *, scale=1.0):
    """ta of a 4x6 grid (``scale`` times tests.conftest.grid_dataset's tas) in the months of ``years`` (of
    2000-2003), as the ``which``-th (0 or 1) quantity of TWO_QUANTITIES[quantity]."""
    scalars, attrs = TWO_QUANTITIES[quantity][2 * which:2 * which + 2]
    part = (grid_dataset(n_years=4)[["tas"]] * scale).rename(tas="ta")
    part = part.isel(time=slice(12 * (years[0] - 2000), 12 * (years[-1] - 2000 + 1)))
    part["ta"].attrs.update({"units": "K", **attrs})
    for coordinate, (value, coordinate_attrs) in scalars.items():
        part = part.assign_coords({coordinate: xr.Variable((), value, coordinate_attrs)})
    if scalars:
        part["ta"].encoding["coordinates"] = " ".join(scalars)
    part.to_netcdf(path)
    return path


def _train(tmp_path, data, predictors, rename=""):
    """``climann train`` with a config of ``data``, target ta and ``predictors`` (and a ``[data] rename`` line)."""
    from typer.testing import CliRunner

    from climann.cli import app

    config = tmp_path / "followed.toml"
    paths = ", ".join(f'"{path}"' for path in data)
    config.write_text(f'[data]\npaths = [{paths}]\ntarget = "ta"\npredictors = {predictors}\n{rename}\n')
    return CliRunner().invoke(app, ["train", "--config", str(config), "--out", str(tmp_path / "run"), "--epochs", "1",
                                    "--hidden", "4", "--set", "evaluation.figures=false", "--quiet"])


@pytest.mark.parametrize("quantity", [pytest.param(quantity, id=quantity) for quantity in TWO_QUANTITIES])
def test_files_of_two_quantities_at_the_same_years_are_told_the_rename_that_trains_on_both(tmp_path, quantity):
    """Two quantities side by side (ta at two levels, two wavelengths, means and maxima, each over 2000-2003): the
    refusal's [data] rename, put in a config as printed, trains with the later file's ta as a predictor."""
    files = [_quantity_file(tmp_path / "ta_first.nc", quantity, 0, (2000, 2003)),
             _quantity_file(tmp_path / "ta_later.nc", quantity, 1, (2000, 2003), scale=0.5)]
    with pytest.raises(ClimannError) as raised:
        open_dataset(files)
    rename = re.search(r"\[data\] (rename = \{.+\}\})", str(raised.value))
    assert rename is not None, str(raised.value)
    new_name = re.search(r'= "(\w+)"\}\}$', rename.group(1)).group(1)
    result = _train(tmp_path, files, f'["{new_name}"]', rename.group(1))
    assert result.exit_code == 0, result.output
    assert f'predictors = ["{new_name}"]' in (tmp_path / "run" / "config.toml").read_text()


@pytest.mark.parametrize("quantity", [pytest.param(quantity, id=quantity) for quantity in TWO_QUANTITIES])
def test_files_of_two_quantities_in_different_years_are_told_to_give_the_files_of_one(tmp_path, quantity):
    """ta of one quantity in 2000-2001, of another in 2002-2003: renamed, the later file's ta is a variable of
    periods that do not overlap, which a run refuses, so no rename is offered; the advice followed (the files of one
    level, wavelength or statistic) trains."""
    first = _quantity_file(tmp_path / "ta_2000-2001.nc", quantity, 0, (2000, 2001))
    later = _quantity_file(tmp_path / "ta_2002-2003.nc", quantity, 1, (2002, 2003))
    with pytest.raises(ClimannError) as raised:
        open_dataset([first, later])
    message = str(raised.value)
    assert "rename" not in message
    assert (f"give the files of one {quantity} (a file of another {quantity} is another variable, not more of this "
            f"series)") in message
    same = _quantity_file(tmp_path / "ta_same_2002-2003.nc", quantity, 0, (2002, 2003))
    grid_dataset(n_years=4)[["pred"]].to_netcdf(tmp_path / "pred.nc")
    result = _train(tmp_path, [first, same, tmp_path / "pred.nc"], '["pred"]')
    assert result.exit_code == 0, result.output


def _one_forecast_per_step_files(folder, *, starts=("20240301", "20240301")):
    """NCEP GEFS's gec00.t00z.pgrb2a.0p50.f006 … as *.grib2: 2t of one forecast, one lead time per file (steps 6, 12,
    18 h; ``starts`` the start date of the first two files). Returns the files and the fields (step, lat, lon)."""
    from tests.grib_files import write_grib_messages

    pytest.importorskip("cfgrib")
    fields = 280 + np.random.default_rng(9).normal(0, 2, (3, 3, 4))
    files = []
    for index, (step, start) in enumerate(zip((6, 12, 18), (*starts, starts[-1]))):
        keys = {"centre": 7, "productDefinitionTemplateNumber": 1, "typeOfEnsembleForecast": 1,
                "perturbationNumber": 0, "numberOfForecastsInEnsemble": 31, "shortName": "2t",
                "dataDate": int(start), "dataTime": 0, "step": step}
        files.append(write_grib_messages(folder / f"gec00.t00z.pgrb2a.0p50.f{step:03d}.grib2", [(keys, fields[index])],
                                         latitudes=np.array([40.0, 30.0, 20.0]),
                                         longitudes=np.array([0.0, 10.0, 20.0, 30.0])))
    return files, fields


def test_one_forecasts_steps_one_per_file_are_refused_as_steps_with_a_join_that_works(tmp_path, monkeypatch):
    """break42c B2: "'t2m' is at step = 6 hours in …f006 but at step = 12 hours in …f012 … give the files of one
    level": a step is no level; joined, the messages read as one forecast on its valid times."""
    monkeypatch.chdir(tmp_path)
    files, fields = _one_forecast_per_step_files(tmp_path)
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    assert message.startswith("'t2m' is at step = 6 hours in gec00.t00z.pgrb2a.0p50.f006.grib2 but at step = 12 "
                              "hours in gec00.t00z.pgrb2a.0p50.f012.grib2, both from the forecast started 2024-03-01 "
                              "00:00:00: lead times of one forecast, one step per file, not levels")
    assert "level (" not in message and "one level" not in message
    command = message.split("join them (`", 1)[1].split("`", 1)[0]
    assert without_guards(command) == "cat gec00.t00z.pgrb2a.0p50.f*.grib2 > gec00.t00z.pgrb2a.0p50_steps.grib2"
    subprocess.run(command, shell=True, check=True, cwd=tmp_path)  # as printed, in a POSIX shell
    joined = open_dataset([tmp_path / "gec00.t00z.pgrb2a.0p50_steps.grib2"])
    np.testing.assert_array_equal(joined["valid_time"].values.astype("datetime64[h]"),
                                  np.array(["2024-03-01T06", "2024-03-01T12", "2024-03-01T18"], "datetime64[h]"))
    np.testing.assert_allclose(joined["t2m"].values, fields, atol=0.01)


def test_steps_of_forecasts_from_other_starts_keep_the_level_refusal(tmp_path):
    """Files of two starts at two lead times are two quantities (a 6 h and a 12 h forecast): the refusal stays."""
    files, _ = _one_forecast_per_step_files(tmp_path, starts=("20240301", "20240302"))
    with pytest.raises(ClimannError, match=r"\(CF scalar coordinates\): the files of one variable are one series, at "
                                           r"one level; give the files of one level"):
        open_dataset(files[:2])


HFDS = "surface_downward_heat_flux_in_sea_water"


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO's ncap2 is not installed")
@pytest.mark.parametrize("copy_name", [pytest.param(None, id="named-as-advised"),
                                       pytest.param("hfds_down.nc", id="named-by-the-user")])
def test_the_sign_advice_followed_twice_gives_the_flipped_copy_not_a_copy_flipped_back(tmp_path, monkeypatch,
                                                                                       copy_name):
    """break42b A5: after the ncap2 line that flips a copy, the folder (original and copy) was
    advised to flip the copy back (X_fixed_2.nc), then again (X_fixed_3.nc)."""
    import shlex
    import subprocess

    from climann.data.quantities import quantity_record, quantity_refusal

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "new"
    folder.mkdir()
    original = _year(folder / "hfds_Omon_X.nc", 2006, name="hfds", values=-20.0,
                     attrs={"units": "W m-2", "standard_name": HFDS, "positive": "up"})
    with xr.open_dataset(original) as opened:
        stored, new = opened["hfds"].values.copy(), quantity_record(opened["hfds"].attrs)
    first = quantity_refusal("hfds", {"standard_name": HFDS, "positive": "down"}, new, where=original.name,
                             file=str(original))
    # break57c A4: the copy into a new folder, guarded, not hfds_Omon_X_fixed.nc beside the original
    assert first.endswith(" (its copy in a new folder), then give --data new/sign_flipped/hfds_Omon_X.nc in place of "
                          "new/hfds_Omon_X.nc), or retrain the run on data in this convention")
    assert "_fixed" not in first
    if copy_name is None:  # as printed, by bash
        printed = run_one_copy(first, cwd=tmp_path)
        assert sorted(path.name for path in folder.glob("*.nc")) == ["hfds_Omon_X.nc"]
        read = open_dataset([tmp_path / printed["copy"]])
    else:  # the ncap2 alone, its copy written beside the original under a name of the user's
        command = shlex.split(re.search(r"&& (ncap2 .*?\.nc) \(its copy", first).group(1))
        command[-1] = f"new/{copy_name}"
        subprocess.run(command, check=True, cwd=tmp_path)
        with pytest.raises(ClimannError) as second:
            open_dataset(sorted(folder.glob("*.nc")))
        message = str(second.value)
        assert "ncap2" not in message and "_fixed_2" not in message, message
        assert message.endswith("give the copy in place of the original: move 'new/hfds_Omon_X.nc' out of the "
                                "folder, or give --data files that leave it out"), message
        (tmp_path / "hfds_Omon_X.nc").write_bytes(original.read_bytes())
        original.unlink()  # moved out, as said
        read = open_dataset(sorted(folder.glob("*.nc")))
    np.testing.assert_array_equal(read["hfds"].transpose("time", "lat", "lon").values, -stored)
    assert read["hfds"].attrs["positive"] == "down"


def test_the_copy_marked_a_difference_beside_its_original_is_told_to_replace_it_not_marked_again(tmp_path):
    """break55b A3: HadGHCND's anomaly in K, refused without units_metadata, was advised the ncatted that writes
    X_fixed.nc marked a difference; pasted, the folder (X.nc and X_fixed.nc) was refused again with the very same
    ncatted line. The refusal of the pair now gives the copy in place of the original; so given, the series is
    the copy's, its values as written."""
    _year(tmp_path / "anom.nc", 2001)
    _year(tmp_path / "anom_fixed.nc", 2001, attrs={"units_metadata": "temperature: difference"})
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "anom.nc", tmp_path / "anom_fixed.nc"])
    message = str(raised.value)
    assert message.startswith("'ta' is a temperature difference in anom_fixed.nc (units_metadata = \"temperature: "
                              "difference\", CF-1.11 §3.1.2: an anomaly) but not in anom.nc: anomalies and "
                              "temperatures are not one series; ")
    assert "ncatted" not in message and "give the copy in place of the original" in message
    opened = open_dataset([tmp_path / "anom_fixed.nc"])
    assert opened["ta"].attrs["units_metadata"] == "temperature: difference"
    np.testing.assert_array_equal(opened["ta"].values,
                                  250.0 + np.broadcast_to(np.arange(12.0)[:, None, None], (12, 2, 3)))
