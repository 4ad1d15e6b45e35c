"""The files of a split by dataset: each read by one block only, the shared ones static fields."""

from __future__ import annotations

import os

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.renames import FileRenames
from climann.data.split_files import check_split_files
from climann.errors import ClimannError

LAT = ("lat", [0.0, 10.0], {"units": "degrees_north"})
LON = ("lon", [0.0, 10.0], {"units": "degrees_east"})


def _monthly_file(path, first_year, n_years, names=("tas",)):
    """Monthly fields of ``names`` on a 2×2 grid, noleap, stamped mid-month."""
    times = [cftime.DatetimeNoLeap(y, m, 16) for y in range(first_year, first_year + n_years) for m in range(1, 13)]
    values = np.arange(len(times) * 4, dtype="f4").reshape(len(times), 2, 2)
    dataset = xr.Dataset({name: (("time", "lat", "lon"), values, {"units": "K"}) for name in names},
                         coords={"time": times, "lat": LAT, "lon": LON})
    dataset["time"].encoding.update(units="days since 1850-01-01", calendar="noleap")
    dataset.to_netcdf(path)
    return path


def _static_file(path, name="orog", stamp=None):
    """A (lat, lon) field; with ``stamp``, stored at that single time step (ERA5's invariants)."""
    field = np.array([[1.0, 2.0], [3.0, 4.0]], dtype="f4")
    if stamp is None:
        dataset = xr.Dataset({name: (("lat", "lon"), field, {"units": "m"})}, coords={"lat": LAT, "lon": LON})
    else:
        dataset = xr.Dataset({name: (("time", "lat", "lon"), field[None], {"units": "m"})},
                             coords={"time": [stamp], "lat": LAT, "lon": LON})
        dataset["time"].encoding.update(units="days since 1850-01-01", calendar="noleap")
    dataset.to_netcdf(path)
    return path


@pytest.fixture
def scenario_blocks(tmp_path):
    """historical 1980–1981 in train, ssp245 2015–2016 in val, ssp585 2015–2016 in test (the
    same years in val and test, different files: two scenarios)."""
    return {"train": [_monthly_file(tmp_path / "tas_historical.nc", 1980, 2)],
            "val": [_monthly_file(tmp_path / "tas_ssp245.nc", 2015, 2)],
            "test": [_monthly_file(tmp_path / "tas_ssp585.nc", 2015, 2)]}


def _check(shared, blocks, rename=None):
    every = [*shared, *(path for files in blocks.values() for path in files)]
    check_split_files(shared, blocks, FileRenames(every, rename or {}))


@pytest.mark.parametrize("shared", [
    pytest.param([], id="no-shared-files"),
    pytest.param(["orog"], id="fx-field-without-time"),
    pytest.param(["orog", "sftlf"], id="two-fx-fields"),
    pytest.param(["lsm@1980"], id="invariant-at-one-time-step"),
    pytest.param(["forcing"], id="series-of-a-variable-no-block-holds"),
])
def test_static_shared_files_and_scenarios_over_the_same_years_pass(tmp_path, scenario_blocks, shared):
    """Val and test over the same years from different files pass; so does a forcing series
    over every block's years, which each block takes over its own period."""
    def written(name):
        if name == "forcing":
            return _monthly_file(tmp_path / "forcing.nc", 1980, 37, names=("co2",))
        return _static_file(tmp_path / f"{name}.nc", name.split("@")[0],
                            stamp=cftime.DatetimeNoLeap(1980, 1, 1) if "@" in name else None)

    _check([written(name) for name in shared], scenario_blocks)


def test_a_shared_file_with_a_series_of_the_blocks_variable_is_refused_naming_it_and_the_way_out(
        tmp_path, scenario_blocks):
    """tas 1982–1984 would join the tas of train, val and test alike."""
    later = _monthly_file(tmp_path / "tas_historicalB.nc", 1982, 3, names=("pr", "tas"))
    with pytest.raises(ClimannError) as error:
        _check([_static_file(tmp_path / "orog.nc"), later], scenario_blocks)
    message = str(error.value)
    assert message.startswith("tas_historicalB.nc in [data] paths (--data) holds tas at 36 time steps, "
                              "as the blocks' files do")
    assert "list it under one block of split_files, or leave it out of paths" in message
    assert "\n" not in message


@pytest.mark.parametrize(("variables", "refused"), [
    pytest.param(("tas", "orog"), False, id="series-the-run-does-not-use"),
    pytest.param(("tas", "orog", "rsdt"), True, id="series-of-a-predictor"),
    pytest.param(None, True, id="predictors-still-to-be-chosen"),
])
def test_a_shared_series_of_the_blocks_variable_counts_only_when_the_run_reads_it(tmp_path, variables, refused):
    """orog with an rsdt series in one shared file, beside blocks of tas and rsdt: refused only
    when the run reads rsdt (or every variable may be read)."""
    blocks = {name: [_monthly_file(tmp_path / f"{name}.nc", year, 1, names=("tas", "rsdt"))]
              for name, year in (("train", 1980), ("val", 2015), ("test", 2015))}
    shared = _monthly_file(tmp_path / "fx_plus_rsdt.nc", 1980, 1, names=("rsdt",))
    with xr.open_dataset(shared) as written:
        written = written.load()
    written.assign(orog=(("lat", "lon"), np.ones((2, 2), "f4"))).to_netcdf(shared)
    every = [shared, *(path for files in blocks.values() for path in files)]
    check = lambda: check_split_files([shared], blocks, FileRenames(every, {}), variables)  # noqa: E731
    if not refused:
        check()
        return
    with pytest.raises(ClimannError, match=r"^fx_plus_rsdt.nc in \[data\] paths \(--data\) holds rsdt at 12 time steps"):
        check()


@pytest.mark.parametrize("rename", [
    pytest.param(None, id="same-name"),
    pytest.param({"*tas_1982*": {"t2m": "tas"}}, id="same-name-after-rename"),
])
def test_a_shared_file_of_one_step_of_the_blocks_series_is_refused(tmp_path, scenario_blocks, rename):
    """One month of the blocks' variable (one file per month) is a step of their series, not an
    invariant field: every block would read it."""
    month = _static_file(tmp_path / "tas_1982-01.nc", "tas" if rename is None else "t2m",
                         stamp=cftime.DatetimeNoLeap(1982, 1, 16))
    with pytest.raises(ClimannError, match=r"^tas_1982-01.nc in \[data\] paths \(--data\) holds tas at one time step, as the blocks"):
        _check([month], scenario_blocks, rename)


@pytest.mark.parametrize(("shared", "blocks", "message"), [
    pytest.param(["train"], {}, r"^tas_historical.nc is in \[data\] paths \(--data\), which every block of "
                 r"split_files reads, and in the train block of split_files", id="paths-and-a-block"),
    pytest.param([], {"test": ["val"]}, r"^tas_ssp245.nc is in the val block of split_files and in the test "
                 r"block of split_files: .*list it under one block only$", id="two-blocks"),
    pytest.param([], {"test": ["link:val"]}, r"^tas_ssp245.nc is in the val block of split_files and in the test block of split_files "
                 r"\(as tas_ssp585_link.nc\)",
                 id="a-link-to-another-blocks-file"),
])
def test_a_file_in_two_places_is_refused_naming_it(tmp_path, scenario_blocks, shared, blocks, message):
    def named(entry):
        if entry.startswith("link:"):
            link = tmp_path / "tas_ssp585_link.nc"
            os.link(scenario_blocks[entry[5:]][0], link)  # a hard link: another name, the same file
            return link
        return scenario_blocks[entry][0]

    changed = {name: scenario_blocks[name] + [named(entry) for entry in blocks.get(name, [])]
               for name in scenario_blocks}
    with pytest.raises(ClimannError, match=message):
        _check([named(entry) for entry in shared], changed)


def _on_level(path, first_year, attrs, values=(6.0, 17.0, 28.0)):
    """``no3(time, lev, lat, lon)`` of one year on the levels ``values`` with ``attrs`` (CMIP6's ``lev``)."""
    times = [cftime.DatetimeNoLeap(first_year, m, 16) for m in range(1, 13)]
    data = np.ones((12, len(values), 2, 2), dtype="f4")
    dataset = xr.Dataset({"no3": (("time", "lev", "lat", "lon"), data, {"units": "mol m-3"})},
                         coords={"time": times, "lev": ("lev", list(values), attrs), "lat": LAT, "lon": LON})
    dataset["time"].encoding.update(units="days since 1850-01-01", calendar="noleap")
    dataset.to_netcdf(path)
    return path


def test_blocks_mixing_a_depth_and_a_model_level_are_refused_in_one_line(tmp_path):
    """break42b A1: train=MPI (lev depth in m), val=CESM2 (depth in cm), test=MIROC (lev an ocean sigma-z
    level in m): ``lev=6`` was told by CESM2 to be 'lev=600 centimeters', which MIROC refused advising
    ``lev=6``, a circle. One line says the files mix a depth and a model level, naming each."""
    depth = {"standard_name": "depth", "positive": "down", "axis": "Z"}
    sigma_z = {"units": "m", "standard_name": "ocean_sigma_z_coordinate", "positive": "down",
               "formula_terms": "sigma: sigma eta: zos depth: deptho depth_c: depth_c nsigma: nsigma zlev: zlev"}
    blocks = {"train": [_on_level(tmp_path / "mpi.nc", 2000, {**depth, "units": "m"})],
              "val": [_on_level(tmp_path / "cesm2.nc", 2001, {**depth, "units": "centimeters"},
                                (600.0, 1700.0, 2800.0))],
              "test": [_on_level(tmp_path / "miroc.nc", 2002, sigma_z)]}
    every = [path for files in blocks.values() for path in files]
    with pytest.raises(ClimannError, match=(
            r"^the files of split_files mix kinds of level along 'lev', of which \[data\] select takes one value "
            r"\(mpi\.nc, cesm2\.nc: a depth \(positive down\); miroc\.nc: an ocean sigma-z level \(standard_name "
            r"ocean_sigma_z_coordinate; formula_terms .*\)\): a model level has no one depth, height or pressure.*"
            r"; give every block data of one kind")) as refused:
        check_split_files([], blocks, FileRenames(every, {}), select={"lev": 6})
    assert "\n" not in str(refused.value)
    check_split_files([], blocks, FileRenames(every, {}))  # no selection of lev: nothing to take alike
    same = {**blocks, "test": [_on_level(tmp_path / "mpi2.nc", 2002, {**depth, "units": "m"})]}
    check_split_files([], same, FileRenames([path for files in same.values() for path in files], {}),
                      select={"lev": 6})
