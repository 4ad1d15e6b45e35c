"""One quantity under two names across a series of files (climann/data/series_names.py, applied
where files are opened: climann.data.used_files.files_in_use)."""

import numpy as np
import pytest

from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset


@pytest.fixture
def renamed_half(tmp_path):
    """Two yearly files of tas and pred, then two of t2m (tas renamed: same standard_name,
    units, cell_methods) and pred: break19b F6's folder."""
    full = grid_dataset(n_years=4)
    files = []
    for number, year in enumerate(sorted(set(full["time"].dt.year.values))):
        part = full[["tas", "pred"]].sel(time=full["time"].dt.year == year)
        if number >= 2:
            part = part.rename(tas="t2m")
        files.append(tmp_path / f"f_{year}.nc")
        part.to_netcdf(files[-1])
    return full, files


def test_a_variable_named_otherwise_in_the_later_files_is_refused_with_the_rename(renamed_half):
    _, files = renamed_half
    with pytest.raises(ClimannError) as error:
        open_dataset(files, grid_of="tas", variables=("tas", "pred"))
    message = str(error.value)
    assert "'tas' is in f_2000.nc … f_2001.nc (2 files) but not in f_2002.nc … f_2003.nc (2 files)" in message
    assert "hold 't2m' instead" in message and "standard_name air_temperature" in message
    assert "--rename '*:t2m=tas' ([data] rename = {\"*\" = {t2m = \"tas\"}})" in message


def test_the_rename_offered_joins_the_whole_series(renamed_half):
    full, files = renamed_half
    opened = open_dataset(files, rename={"*": {"t2m": "tas"}}, grid_of="tas", variables=("tas", "pred"))
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)  # all 48 months, not 24


def test_the_rename_offered_beside_the_users_own_rule_for_those_files_joins_the_series(tmp_path):
    """The later files take a rule of the user's already ('f_200[23]*:prd=pred'): a file takes
    the first rule that matches it, so the '*:t2m=tas' offered (given after it) never applied
    to them, and was refused as renaming nothing (verify25 F8's kind). The rename offered is
    of their rule's pattern; followed, it joins the whole series."""
    full = grid_dataset(n_years=4)
    files = []
    for number, year in enumerate(sorted(set(full["time"].dt.year.values))):
        part = full[["tas", "pred"]].sel(time=full["time"].dt.year == year)
        files.append(tmp_path / f"f_{year}.nc")
        (part.rename(tas="t2m", pred="prd") if number >= 2 else part).to_netcdf(files[-1])
    rule = {"f_200[23]*": {"prd": "pred"}}
    with pytest.raises(ClimannError) as error:
        open_dataset(files, rename=rule, grid_of="tas", variables=("tas", "pred"))
    assert ("if they are one series: --rename 'f_200[23]*:prd=pred' --rename 'f_200[23]*:t2m=tas' ([data] rename = "
            "{\"f_200[23]*\" = {prd = \"pred\", t2m = \"tas\"}}) in place of the --rename options and [data] rename "
            "given, or leave") in str(error.value)
    followed = {"f_200[23]*": {"prd": "pred", "t2m": "tas"}}  # as the CLI joins two --rename of one pattern
    opened = open_dataset(files, rename=followed, grid_of="tas", variables=("tas", "pred"))
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)
    np.testing.assert_array_equal(opened["pred"].values, full["pred"].values)


def _half_renamed_with_a_rule(tmp_path, renamed):
    """Four yearly files of tas and pred; those of ``renamed`` (indices) hold pred as 'prd', the last two tas as
    't2m'."""
    full = grid_dataset(n_years=4)
    files = []
    for number, year in enumerate(sorted(set(full["time"].dt.year.values))):
        part = full[["tas", "pred"]].sel(time=full["time"].dt.year == year)
        part = part.rename(tas="t2m") if number >= 2 else part
        files.append(tmp_path / f"f_{year}.nc")
        (part.rename(pred="prd") if number in renamed else part).to_netcdf(files[-1])
    return full, files


@pytest.mark.parametrize(("rule", "renamed"), [
    pytest.param({"f_200[23]*": {"prd": "pred"}}, (2, 3), id="the-t2m-files-take-the-users-rule"),
    pytest.param({"f_200[01]*": {"prd": "pred"}}, (0, 1), id="the-t2m-files-take-none"),
])
def test_the_rename_offered_is_the_users_table_with_it_and_followed_as_printed_joins_the_series(
        tmp_path, rule, renamed):
    """fix45b: with the user's rule given in the configuration file ([data] rename), the '--rename
    'f_200[23]*:t2m=tas'' offered, followed as printed, replaced that table (a flag replaces its key) and dropped the
    user's renames of pred: the run then trained on 2000-2001 only (576 of 1152 samples), exit 0. The options and the
    table offered are the whole of the renames, each given alone in place of the user's: all 48 months of tas and of
    pred, as written."""
    import re
    import shlex
    import tomllib

    from climann.cli import _rename_rules

    full, files = _half_renamed_with_a_rule(tmp_path, renamed)
    with pytest.raises(ClimannError) as error:
        open_dataset(files, rename=rule, grid_of="tas", variables=("tas", "pred"))
    found = re.search(r"one series: ((?:--rename '[^']+' ?)+) \(\[data\] rename = (\{.*\})\) in place of the "
                      r"--rename options and \[data\] rename given, or leave", str(error.value))
    assert found is not None, str(error.value)
    options = _rename_rules([word for word in shlex.split(found[1]) if word != "--rename"])
    table = tomllib.loads(f"rename = {found[2]}")["rename"]
    assert options == table
    for followed in (options, table):
        opened = open_dataset(files, rename=followed, grid_of="tas", variables=("tas", "pred"))
        np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)
        np.testing.assert_array_equal(opened["pred"].values, full["pred"].values)


def test_both_names_used_by_the_run_pass(renamed_half):
    """The user asked for both: their periods then decide, as for any two variables."""
    _, files = renamed_half
    with pytest.raises(ClimannError, match=r"tas \(2000-01 to 2001-12\) and t2m \(2002-01 to 2003-12\) cover periods"):
        open_dataset(files, grid_of="tas", variables=("tas", "t2m"))


@pytest.mark.parametrize("change", [
    pytest.param({"cell_methods": "time: maximum"}, id="tasmax-another-cell-method"),
    pytest.param({"standard_name": "surface_temperature"}, id="another-standard-name"),
    pytest.param({"units": "m"}, id="units-of-another-kind"),
])
def test_another_quantity_in_the_other_files_passes(tmp_path, change):
    """tas in its files, tasmax (same standard_name, cell_methods time: maximum) in others at
    other times: two quantities, the run's common period as before."""
    full = grid_dataset(n_years=2)
    first = full[["tas", "pred"]].isel(time=slice(0, 12))
    second = full[["tas", "pred"]].isel(time=slice(12, 24)).rename(tas="other")
    second["other"].attrs.update(change)
    first.to_netcdf(tmp_path / "a.nc")
    second.to_netcdf(tmp_path / "b.nc")
    opened = open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"], grid_of="tas", variables=("tas", "pred"))
    assert opened.sizes["time"] == 12


def test_another_field_of_the_same_quantity_at_the_same_times_passes(tmp_path):
    """tas beside a second air temperature over the same months in files of its own (another
    model's, another product's): not one series, nothing refused."""
    full = grid_dataset(n_years=1)
    full[["tas", "pred"]].to_netcdf(tmp_path / "a.nc")
    full[["tas"]].rename(tas="t2m").to_netcdf(tmp_path / "b.nc")
    opened = open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"], grid_of="tas", variables=("tas", "pred"))
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)


@pytest.mark.parametrize(("model_years", "refused"), [((1990, 2009), False), ((2010, 2029), True)])
def test_a_quantity_in_another_calendar_is_compared_by_its_dates(tmp_path, model_years, refused):
    """verify20 F14: an observed tas (standard calendar) beside a model's tas_gcm (noleap) over the
    very same years was refused as 'the same quantity at other times': dates of two calendars did
    not compare. Over later years it is the series at other times, refused as before."""
    import cftime

    from climann.data.series_names import Quantity, refuse_series_under_two_names

    def quantity(first, last):
        return Quantity("air_temperature", "time: mean", "[temperature]", (first, last))

    observed = quantity(cftime.DatetimeGregorian(1990, 1, 16), cftime.DatetimeGregorian(2009, 12, 16))
    model = quantity(cftime.DatetimeNoLeap(model_years[0], 1, 16), cftime.DatetimeNoLeap(model_years[1], 12, 16))
    files = {tmp_path / "tas_obs.nc": {"tas": observed}, tmp_path / "tas_gcm.nc": {"tas_gcm": model}}
    if refused:
        with pytest.raises(ClimannError, match="'tas' is in tas_obs.nc but not in tas_gcm.nc"):
            refuse_series_under_two_names(files, {"tas"})
    else:
        refuse_series_under_two_names(files, {"tas"})


def test_one_file_per_variable_and_period_is_refused_too(tmp_path):
    """tas_2000.nc, t2m_2001.nc and one pred.nc of both years: the files lacking tas are
    t2m's and pred's; t2m still fills tas's missing year."""
    full = grid_dataset(n_years=2)
    full[["tas"]].isel(time=slice(0, 12)).to_netcdf(tmp_path / "tas_2000.nc")
    full[["tas"]].isel(time=slice(12, 24)).rename(tas="t2m").to_netcdf(tmp_path / "t2m_2001.nc")
    full[["pred"]].to_netcdf(tmp_path / "pred.nc")
    files = [tmp_path / "pred.nc", tmp_path / "t2m_2001.nc", tmp_path / "tas_2000.nc"]
    with pytest.raises(ClimannError, match="'tas' is in tas_2000.nc but not in t2m_2001.nc, which hold 't2m'"):
        open_dataset(files, grid_of="tas", variables=("tas", "pred"))


@pytest.mark.parametrize(("time_range", "refused"), [
    pytest.param(("2000", "2001"), False, id="t2m-wholly-after-the-period"),
    pytest.param(("2000-06", "2001-12-31"), False, id="period-to-the-last-day-of-tas"),
    pytest.param(("2001-06", "2002-01"), True, id="a-month-of-t2m-in-the-period"),
])
def test_files_wholly_outside_the_time_range_do_not_count(renamed_half, time_range, refused):
    """verify20 F2: --time-range 1990,1999 with tas in 1990-1999 and t2m in 2000-2019 was refused
    as if the run lost the t2m years, which it never asked for."""
    full, files = renamed_half
    if refused:
        with pytest.raises(ClimannError, match="'tas' is in f_2001.nc but not in f_2002.nc, "):
            open_dataset(files, grid_of="tas", variables=("tas", "pred"), time_range=time_range)
        return
    opened = open_dataset(files, grid_of="tas", variables=("tas", "pred"), time_range=time_range)
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values[:24])  # 2000-2001, cut later


def test_a_runs_time_range_reaches_the_check(tmp_path, renamed_half):
    from climann.workflow.config import build_config
    from climann.workflow.preparation import open_selected

    full, files = renamed_half
    config = build_config({"data": {"paths": [str(path) for path in files], "target": "tas", "predictors": ["pred"],
                                    "time_range": ["2000", "2001"]}})
    opened = open_selected(config)
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values[:24])


def _two_levels(tmp_path, later_name):
    """ta at 850 hPa in 2000 (a.nc), at 500 hPa in 2001 under ``later_name`` (b.nc), pred of
    both years in pred.nc."""
    full = grid_dataset(n_years=2).rename(tas="ta")
    full[["pred"]].to_netcdf(tmp_path / "pred.nc")
    files = [tmp_path / "pred.nc"]
    for number, (level, name) in enumerate([(85000.0, "ta"), (50000.0, later_name)]):
        part = full[["ta"]].isel(time=slice(12 * number, 12 * number + 12)).rename(ta=name)
        part = part.assign_coords(plev=((), level, {"standard_name": "air_pressure", "units": "Pa"}))
        files.append(tmp_path / f"{'ab'[number]}.nc")
        part.to_netcdf(files[-1])
    return full, files


def test_a_rename_of_one_level_is_not_refused_as_two_names(tmp_path):
    """verify20 F11: b.nc's ta renamed ta_plev_50000 by the user is another variable, not ta
    under another name; ta is then its 12 months at 850 hPa. (The level check offers that rename
    only to files at the same time steps, fix32j; these two are of different years.)"""
    full, files = _two_levels(tmp_path, "ta")
    with pytest.raises(ClimannError, match=r"give the files of one level \(a file of another level"):
        open_dataset(files, grid_of="ta", variables=("ta", "pred"))
    opened = open_dataset(files, rename={"b.nc": {"ta": "ta_plev_50000"}}, grid_of="ta", variables=("ta", "pred"))
    np.testing.assert_array_equal(opened["ta"].values, full["ta"].values[:12])


def test_another_level_under_another_name_is_not_offered_as_the_same_series(tmp_path):
    """ta at 850 hPa and ta500 at 500 hPa (same standard_name): two levels, which the series
    check would refuse as one series, so no rename joining them is offered."""
    full, files = _two_levels(tmp_path, "ta500")
    opened = open_dataset(files, grid_of="ta", variables=("ta", "pred"))
    np.testing.assert_array_equal(opened["ta"].values, full["ta"].values[:12])


@pytest.mark.parametrize("rename", [{}, {"b.nc": {"hfss": "hfss_down"}}], ids=["own-name", "renamed"])
def test_another_sign_convention_is_not_offered_as_the_same_series(tmp_path, rename):
    """hfss positive up in 2000, hfss_down (or hfss renamed so) positive down in 2001: opposite
    conventions by the series check, not hfss under another name."""
    full = grid_dataset(n_years=2).rename(tas="hfss")
    for number, (name, positive) in enumerate([("hfss", "up"), ("hfss_down" if not rename else "hfss", "down")]):
        part = full[["hfss", "pred"]].isel(time=slice(12 * number, 12 * number + 12)).rename(hfss=name)
        part[name].attrs.update(standard_name="surface_upward_sensible_heat_flux", units="W m-2", positive=positive)
        part.to_netcdf(tmp_path / f"{'ab'[number]}.nc")
    opened = open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"], rename=rename, grid_of="hfss",
                          variables=("hfss", "pred"))
    np.testing.assert_array_equal(opened["hfss"].values, full["hfss"].values[:12])


def test_a_static_field_of_the_quantity_is_not_the_series_at_other_times(tmp_path):
    """tas_1961_1990(lat, lon), a climatology of tas without time beside tas's files (verify20
    F12): not a part of tas's series; tas is read as it is."""
    full = grid_dataset(n_years=1)
    full[["tas", "pred"]].to_netcdf(tmp_path / "tas.nc")
    climatology = full["tas"].mean("time").rename("tas_1961_1990")
    climatology.attrs.update(full["tas"].attrs)
    climatology.to_dataset().to_netcdf(tmp_path / "tas_climatology.nc")
    opened = open_dataset([tmp_path / "tas.nc", tmp_path / "tas_climatology.nc"], grid_of="tas",
                          variables=("tas", "pred"))
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)


def test_a_cf_alias_of_the_standard_name_is_the_same_quantity(tmp_path):
    """A CMIP5 file's air_pressure_at_sea_level and a CMIP6 file's air_pressure_at_mean_sea_level
    (its CF alias) under two names are one quantity: refused as a series under two names."""
    full = grid_dataset(n_years=4)
    files = []
    for number, year in enumerate(sorted(set(full["time"].dt.year.values))):
        part = full[["tas", "pred"]].sel(time=full["time"].dt.year == year)
        part["pred"].attrs.update(units="Pa", standard_name="air_pressure_at_sea_level")
        if number >= 2:
            part = part.rename(pred="psl")
            part["psl"].attrs["standard_name"] = "air_pressure_at_mean_sea_level"
        files.append(tmp_path / f"f_{year}.nc")
        part.to_netcdf(files[-1])
    with pytest.raises(ClimannError, match="'pred' is in f_"):
        open_dataset(files, grid_of="tas", variables=("tas", "pred"))
