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
