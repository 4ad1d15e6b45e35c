"""A climatology's time axis beside the file's dated series (climann/data/climatology_axes.py):
CERES EBAF Edition 4.2 holds monthly series on ``time`` and 12-month climatologies on ``ctime``
in one file (break39a F2: the whole file refused, its cdo advice aborting on it), with or without
CF's ``ctime:climatology`` (break39a F1: the split climatology given beside the series was read as
one year of dates, 274 of 286 months dropped). Files written as the product writes them."""

from __future__ import annotations

import datetime
import logging
import re
import shutil
import subprocess

import cftime
import netCDF4
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.followed_twice import GUARD, without_guards

N_MONTHS = 36
SERIES = ["toa_sw_all_mon", "solar_mon", "cldarea_total_daynight_mon"]
CLIMATOLOGIES = ["toa_sw_all_clim", "solar_clim"]
NCO = pytest.mark.skipif(shutil.which("ncks") is None, reason="needs NCO")
CDO = pytest.mark.skipif(shutil.which("cdo") is None, reason="needs cdo")


def _values(seed, shape):
    return np.random.default_rng(seed).uniform(0, 400, shape).astype(np.float32)


def _ceres(path, *, attribute=True, series=True, climatology=True, time_name="time", ctime_name="ctime",
           ctime_bounds=None, months=None):
    """CERES EBAF as shipped (mk_ceres.py of break39a): float32 days since 2000-03-01 at each
    month's middle on ``time``; ``ctime`` 12 values ``k·30.4375 − 15.2`` (2000-03 … 2001-02),
    long_name "climatological time", with ``climatology = "climatology_bounds"`` when
    ``attribute``; fill -999. With ``months`` (Ed4.2 from the subsetting service, mk_gpcp_ceres.py
    of break49a), ``ctime`` is the integers 1 … 12 with ``months`` its attributes instead (units
    "months of a climatological year"), no dates."""
    base = datetime.date(2000, 3, 1)
    starts = [datetime.date(2000 + (2 + k) // 12, (2 + k) % 12 + 1, 1) for k in range(N_MONTHS + 1)]
    middles = [((a - base).days + (b - base).days) / 2 for a, b in zip(starts, starts[1:])]
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("lon", 4)
        nc.createDimension("lat", 3)
        nc.createVariable("lon", "f4", ("lon",))[:] = [45.0, 135.0, 225.0, 315.0]
        nc["lon"].units = "degrees_east"
        nc.createVariable("lat", "f4", ("lat",))[:] = [-60.0, 0.0, 60.0]
        nc["lat"].units = "degrees_north"
        if series:
            nc.createDimension(time_name, None)
            time = nc.createVariable(time_name, "f4", (time_name,))
            time.long_name, time.units = "time", "days since 2000-03-01 00:00:00"
            time[:] = middles
            for seed, name in enumerate(SERIES):
                nc.createVariable(name, "f4", (time_name, "lat", "lon"), fill_value=np.float32(-999.0))
                nc[name].units = "W m-2"
                nc[name][:] = _values(seed, (N_MONTHS, 3, 4))
        if climatology:
            nc.createDimension(ctime_name, 12)
            if months != "absent":  # "absent": a dimension without values (Berkeley Earth's month_number)
                ctime = nc.createVariable(ctime_name, "f4" if months is None else "i4", (ctime_name,))
                if months is not None:
                    ctime.setncatts(months)
                    ctime[:] = np.arange(1, 13)
                else:
                    ctime.long_name, ctime.units = "climatological time", "days since 2000-03-01 00:00:00"
                    ctime[:] = np.arange(1, 13) * 30.4375 - 15.2
                if attribute and months is None:
                    ctime.climatology = "climatology_bounds"
                if ctime_bounds is not None:
                    nc.createDimension("nv", 2)
                    ctime.bounds = "ctime_bnds"
                    nc.createVariable("ctime_bnds", "f8", (ctime_name, "nv"))[:] = ctime_bounds
            for seed, name in enumerate(CLIMATOLOGIES, start=10):
                nc.createVariable(name, "f4", (ctime_name, "lat", "lon"), fill_value=np.float32(-999.0))
                nc[name].units = "W m-2"
                nc[name][:] = _values(seed, (12, 3, 4))
    return path


@pytest.mark.parametrize("attribute", [pytest.param(True, id="ctime-climatology-attribute"),
                                       pytest.param(False, id="ctime-named-only")])
def test_the_series_of_a_file_with_climatologies_are_read_and_the_climatologies_left_out(tmp_path, caplog,
                                                                                         attribute):
    path = _ceres(tmp_path / "CERES_EBAF.nc", attribute=attribute)
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([path], variables=["toa_sw_all_mon", "solar_mon"], grid_of="toa_sw_all_mon")
    assert sorted(opened.data_vars) == sorted(SERIES)
    assert opened.sizes["time"] == N_MONTHS
    np.testing.assert_array_equal(opened["toa_sw_all_mon"].values, _values(0, (N_MONTHS, 3, 4)))
    [note] = [record.getMessage() for record in caplog.records if "left out as climatologies" in record.getMessage()]
    assert note.startswith("CERES_EBAF.nc: toa_sw_all_clim, solar_clim (on 'ctime') left out as climatologies: "
                           "time 'ctime' is a climatology")


def test_info_lists_the_climatologies_apart_and_proposes_none_of_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _ceres(tmp_path / "CERES_EBAF.nc")
    result = CliRunner().invoke(app, ["info", "CERES_EBAF.nc"])
    assert result.exit_code == 0, result.output
    assert "# Variables: 3" in result.output
    assert "# Climatologies: 2 (left out: not dated;" in result.output
    assert "toa_sw_all_clim, solar_clim on 'ctime' in CERES_EBAF.nc" in result.output
    config = result.output.split("[data]")[1]
    assert ('target = "toa_sw_all_mon"\npredictors = ["solar_mon", "cldarea_total_daynight_mon"]' in config)


def test_a_run_that_names_a_climatology_is_refused_with_the_series_it_can_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _ceres(tmp_path / "CERES_EBAF.nc")
    result = CliRunner().invoke(app, ["train", "--data", "CERES_EBAF.nc", "--target", "toa_sw_all_mon",
                                      "--predictors", "solar_clim", "--out", "run"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "'solar_clim' in CERES_EBAF.nc is on 'ctime': time 'ctime' is a climatology" in said
    assert ("`ncks -v toa_sw_all_mon,solar_mon,cldarea_total_daynight_mon CERES_EBAF.nc "
            "CERES_EBAF_toa_sw_all_mon.nc`") in said
    assert not (tmp_path / "run").exists()


@NCO
def test_the_printed_ncks_line_writes_the_series_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _ceres(tmp_path / "CERES_EBAF.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "CERES_EBAF.nc"], variables=["toa_sw_all_clim"], grid_of="toa_sw_all_clim")
    command = re.search(r"`(ncks [^`]*)`", str(refused.value))[1]
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path)
    opened = open_dataset([tmp_path / "CERES_EBAF_toa_sw_all_mon.nc"])
    assert sorted(opened.data_vars) == sorted(SERIES) and opened.sizes["time"] == N_MONTHS
    np.testing.assert_array_equal(opened["solar_mon"].values, _values(1, (N_MONTHS, 3, 4)))


@pytest.mark.parametrize("attribute", [pytest.param(True, id="ctime-climatology-attribute"),
                                       pytest.param(False, id="ctime-named-only")])
def test_a_split_climatology_beside_its_series_is_refused_not_read_as_one_year(tmp_path, attribute):
    """break39a F1: the copies of the two-time-axes advice given together trained on 12 months."""
    _ceres(tmp_path / "CERES_mon.nc", climatology=False)
    _ceres(tmp_path / "CERES_clim.nc", series=False, attribute=attribute)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "CERES_mon.nc", tmp_path / "CERES_clim.nc"], grid_of="toa_sw_all_mon")
    message = str(refused.value)
    assert message.startswith("CERES_clim.nc: time 'ctime' is a climatology")
    assert message.endswith("beside CERES_mon.nc, leave CERES_clim.nc out of the files given (--data): its stamps "
                            "are no dates to pair with theirs")


@pytest.mark.parametrize("kind", [
    pytest.param("36-steps", id="ctime-of-a-series"),
    pytest.param("month-bounds", id="ctime-with-bounds-of-each-month"),
])
def test_a_time_named_ctime_that_is_a_series_is_read_as_dates(tmp_path, kind):
    """The name alone makes no climatology: 12 months with bounds of each month are one dated year."""
    if kind == "36-steps":
        path = _ceres(tmp_path / "series.nc", climatology=False, time_name="ctime")
        opened = open_dataset([path])
        assert sorted(opened.data_vars) == sorted(SERIES) and opened.sizes["ctime"] == N_MONTHS
        return
    starts = [(datetime.date(2000 + (2 + k) // 12, (2 + k) % 12 + 1, 1) - datetime.date(2000, 3, 1)).days
              for k in range(13)]
    path = _ceres(tmp_path / "one_year.nc", series=False, attribute=False,
                  ctime_bounds=np.stack([starts[:-1], starts[1:]], 1))
    opened = open_dataset([path])
    assert set(CLIMATOLOGIES) <= set(opened.data_vars)
    assert [(stamp.year, stamp.month) for stamp in opened[next(iter(set(opened.dims) & {"ctime", "time"}))].values] == [
        (2000 + (2 + k) // 12, (2 + k) % 12 + 1) for k in range(12)]


def test_the_two_time_axes_advice_says_what_the_copies_together_keep(tmp_path):
    """Two dated series on two axes (time: 36 months, time_2: the first 12): the advice to give
    the copies together says that only the common period is kept, 24 of time's 36 steps dropped."""
    with netCDF4.Dataset(tmp_path / "two.nc", "w") as nc:
        for name, size in (("time", 36), ("time_2", 12), ("lat", 3), ("lon", 4)):
            nc.createDimension(name, size)
        for name, size in (("time", 36), ("time_2", 12)):
            nc.createVariable(name, "f8", (name,))[:] = np.arange(size) * 30.4 + 15
            nc[name].units = "days since 2000-01-01"
        nc.createVariable("lat", "f4", ("lat",))[:] = [-10.0, 0.0, 10.0]
        nc["lat"].units = "degrees_north"
        nc.createVariable("lon", "f4", ("lon",))[:] = [0.0, 90.0, 180.0, 270.0]
        nc["lon"].units = "degrees_east"
        nc.createVariable("tas", "f4", ("time", "lat", "lon"))[:] = _values(1, (36, 3, 4))
        nc.createVariable("rsdt", "f4", ("time_2", "lat", "lon"))[:] = _values(2, (12, 3, 4))
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "two.nc"])
    assert str(refused.value).endswith(
        "their time axes become one; but the axes cover different periods ('time' 2000-01-16 to 2002-12-15 (36 steps), "
        "'time_2' 2000-01-16 to 2000-12-15 (12 steps)): together they keep the period both cover, 2000-01-16 to "
        "2000-12-15 (24 of 'time's 36 steps dropped); to keep every step of one axis, give its copy alone")


@CDO
def test_the_printed_cdo_line_repeats_a_climatology_of_two_variables_over_the_months(tmp_path, monkeypatch):
    """break39a F2: `cdo … -selname,VAR SERIES.nc CLIMFILE OUT` aborted on a climatology file of two
    variables ("Input streams have different number of variables per timestep"). fix45b: beside the series, the line
    held VAR, SERIES.nc and CLIM though the run's target, the series' file and the climatology's variable were known;
    it names them, and, run as printed, writes the climatology repeated over the series' 36 months, which then trains
    beside the series."""
    monkeypatch.chdir(tmp_path)
    _ceres(tmp_path / "CERES_mon.nc", climatology=False)
    _ceres(tmp_path / "CERES_clim.nc", series=False)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "CERES_mon.nc", tmp_path / "CERES_clim.nc"], grid_of="solar_mon")
    command = re.search(rf"`({GUARD}cdo [^`]*)`", str(refused.value))[1]
    assert without_guards(command) == ("cdo -chname,solar_mon,toa_sw_all_clim -ymonadd -mulc,0 -selname,solar_mon CERES_mon.nc "
                       "-selname,toa_sw_all_clim CERES_clim.nc CERES_clim_fixed.nc")
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path, capture_output=True)
    opened = open_dataset([tmp_path / "CERES_mon.nc", tmp_path / "CERES_clim_fixed.nc"], grid_of="solar_mon")
    months = np.arange(N_MONTHS) % 12  # the series starts in March, as the climatology does
    np.testing.assert_array_equal(opened["toa_sw_all_clim"].values, _values(10, (12, 3, 4))[months])
    np.testing.assert_array_equal(opened["solar_mon"].values, _values(1, (N_MONTHS, 3, 4)))


def test_a_climatology_alone_is_told_the_cdo_line_in_words_with_its_own_variable(tmp_path):
    """fix45b: alone, the series is not known: the line is said in words naming the file's variable, no VAR,
    SERIES.nc, CLIM, RUN or FILE to fill in."""
    _ceres(tmp_path / "CERES_clim.nc", series=False)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "CERES_clim.nc"])
    message = str(refused.value)
    assert "this file's 'toa_sw_all_clim' (-selname), named as this file's (-chname)" in message
    assert message.endswith("(`climann predict` of that run with --data CERES_clim.nc)")
    assert not re.search(r"\b(VAR|SERIES|CLIM|RUN|FILE)\b", message), message


def test_a_run_on_the_series_of_the_file_as_shipped_trains(tmp_path, monkeypatch):
    """break39a F2: refused as a whole, though the run names no variable on ctime."""
    monkeypatch.chdir(tmp_path)
    _ceres(tmp_path / "CERES_EBAF.nc")
    result = CliRunner().invoke(app, ["train", "--data", "CERES_EBAF.nc", "--target", "toa_sw_all_mon",
                                      "--predictors", "solar_mon,cldarea_total_daynight_mon", "--epochs", "1",
                                      "--out", "run"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "metrics.json").exists()


#: ``ctime`` of Ed4.2 from the subsetting service (break49a A2), and two files that say less of it.
_UNDATED = [pytest.param(("ctime", {"long_name": "climatological time", "units": "months of a climatological year",
                                    "delta_t": "0000-01-00 00:00:00", "valid_range": np.array([1, 12], "i4")}),
                         id="ceres-ed4.2-months"),
            pytest.param(("ctime", {}), id="named-ctime-only"),
            pytest.param(("month", {"long_name": "month of the climatological year"}), id="long-name-only"),
            # break51a A4: Berkeley Earth's climatology(month_number, …), info advised select = {month_number = 0}
            pytest.param(("month_number", "absent"), id="berkeley-month-number-no-values"),
            pytest.param(("month_number", {}), id="month-number-1-to-12")]


@pytest.mark.parametrize("layout", _UNDATED)
def test_climatologies_on_12_undated_months_are_no_default_predictors(tmp_path, monkeypatch, caplog, layout):
    """break49a A2: ``ctime`` of the integers 1 … 12 ("months of a climatological year") was an extra
    dimension; info advised ``select = {ctime = 1}``, and followed, January's climatology of the target
    (over years that hold the test years) and of the others became default predictors of every month.
    They are left out as the file is opened, in one note line that names them and says why; the
    series are read as in the file; info proposes none of them and advises no select of the axis."""
    name, attributes = layout
    monkeypatch.chdir(tmp_path)
    path = _ceres(tmp_path / "CERES_EBAF.nc", ctime_name=name, months=attributes)
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([path], grid_of="toa_sw_all_mon")
    assert sorted(opened.data_vars) == sorted(SERIES) and name not in opened.dims
    np.testing.assert_array_equal(opened["solar_mon"].values, _values(1, (N_MONTHS, 3, 4)))
    [note] = [record.getMessage() for record in caplog.records if "left out as climatologies" in record.getMessage()]
    assert note.startswith(f"CERES_EBAF.nc: toa_sw_all_clim, solar_clim (on '{name}') left out as climatologies: "
                           f"'{name}' is a climatology's 12 months (its ")
    assert "its 12 steps each a period's mean over years, not dates" in note
    result = CliRunner().invoke(app, ["info", "CERES_EBAF.nc"])
    assert result.exit_code == 0, result.output
    assert f"toa_sw_all_clim, solar_clim on '{name}' in CERES_EBAF.nc" in result.output
    assert "select" not in result.output.split("[data]")[1]
    assert 'predictors = ["solar_mon", "cldarea_total_daynight_mon"]' in result.output


def test_the_old_advice_to_select_one_climatological_month_is_refused_naming_the_climatologies(tmp_path,
                                                                                              monkeypatch):
    """break49a A2: ``--select ctime=1``, as info advised, took January's climatologies as predictors of
    every month; the axis is left out with them, and the selection is refused saying so."""
    monkeypatch.chdir(tmp_path)
    _ceres(tmp_path / "CERES_EBAF.nc", months={"long_name": "climatological time",
                                              "units": "months of a climatological year"})
    result = CliRunner().invoke(app, ["train", "--data", "CERES_EBAF.nc", "--target", "toa_sw_all_mon",
                                      "--select", "ctime=1", "--epochs", "1", "--out", "run"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert ("cannot select ctime=1: no dimension 'ctime' of the data (toa_sw_all_clim, solar_clim on 'ctime' are "
            "left out as climatologies, never a predictor: leave the select of 'ctime' out)") in said
    assert not (tmp_path / "run").exists()
    result = CliRunner().invoke(app, ["train", "--data", "CERES_EBAF.nc", "--target", "toa_sw_all_mon",
                                      "--epochs", "1", "--out", "run"])
    assert result.exit_code == 0, result.output
    [chosen] = [line for line in (tmp_path / "run" / "train.log").read_text().splitlines() if "inputs chosen" in line]
    assert chosen.endswith("inputs chosen from the data: predictors solar_mon, cldarea_total_daynight_mon; "
                           "features lat, season"), chosen


def _hadcrut_absolute(path, *, cell_methods=True):
    """HadCRUT5's absolute_v5.nc on a 3×4 grid: 12 months of tas stamped in 1961, each month's cell
    1961 to 1990 (its month of 30 years), ``time_bnds`` defined before ``tas`` (as a writer that
    defines the coordinates first does); with ``cell_methods`` of a climatology or without any."""
    origin = datetime.date(1850, 1, 1)
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", 12), ("bnds", 2), ("latitude", 3), ("longitude", 4)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.setncatts({"units": "days since 1850-01-01", "calendar": "gregorian", "standard_name": "time",
                        "axis": "T", "bounds": "time_bnds"})
        time[:] = [(datetime.date(1961, month, 16) - origin).days for month in range(1, 13)]
        nc.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = [
            [(datetime.date(1961, month, 1) - origin).days,
             (datetime.date(1990 + (month == 12), month % 12 + 1, 1) - origin).days] for month in range(1, 13)]
        for name, values, units in (("latitude", [-10.0, 0.0, 10.0], "degrees_north"),
                                    ("longitude", [0.0, 90.0, 180.0, 270.0], "degrees_east")):
            nc.createVariable(name, "f8", (name,))[:] = values
            nc[name].setncatts({"units": units, "standard_name": name})
        tas = nc.createVariable("tas", "f4", ("time", "latitude", "longitude"))
        tas.setncatts({"standard_name": "air_temperature", "units": "K"})
        if cell_methods:
            tas.cell_methods = "time: mean within years time: mean over years"
        tas[:] = 250 + _values(20, (12, 3, 4)) / 10


def _hadcrut_anomalies(path):
    """A HadCRUT5 member's tas anomaly on the grid of :func:`_hadcrut_absolute`, 2000-2002 monthly."""
    starts = [datetime.date(2000 + k // 12, k % 12 + 1, 1) for k in range(N_MONTHS + 1)]
    days = np.array([(start - datetime.date(1850, 1, 1)).days for start in starts], float)
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", N_MONTHS), ("bnds", 2), ("latitude", 3), ("longitude", 4)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.setncatts({"units": "days since 1850-01-01", "calendar": "gregorian", "standard_name": "time",
                        "bounds": "time_bnds"})
        time[:] = (days[:-1] + days[1:]) / 2
        nc.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = np.stack([days[:-1], days[1:]], 1)
        for name, values, units in (("latitude", [-10.0, 0.0, 10.0], "degrees_north"),
                                    ("longitude", [0.0, 90.0, 180.0, 270.0], "degrees_east")):
            nc.createVariable(name, "f8", (name,))[:] = values
            nc[name].setncatts({"units": units, "standard_name": name})
        tas = nc.createVariable("tas", "f4", ("time", "latitude", "longitude"))
        tas.setncatts({"long_name": "blended air_temperature_anomaly", "units": "K"})
        tas[:] = _values(21, (N_MONTHS, 3, 4)) / 100 - 2


@CDO
@pytest.mark.parametrize("cell_methods", [pytest.param(True, id="said-by-cell-methods"),
                                          pytest.param(False, id="said-by-bounds-of-years-alone")])
def test_the_cdo_line_of_a_climatology_named_as_its_series_selects_its_data_and_names_the_copy_apart(
        tmp_path, monkeypatch, cell_methods):
    """break51a A1: beside HadCRUT5's anomalies, absolute_v5.nc's cdo line named the file's first
    variable on the time axis, its bounds ``time_bnds`` (cdo aborted: "Variable name time_bnds not
    found!"); and the copy, named 'tas' as the target is, was refused again beside the series.
    The line selects 'tas' and names the copy's 'tas_climatology'; run as printed, the series
    trains beside it and each month holds that month's climatology. break51a A6: without
    cell_methods, its months' cells of 1961 to 1990 were read as a series dated by their middles
    (January as 1975-07), "overlapping" the anomalies' 1975-07 … 2002; they say a climatology."""
    monkeypatch.chdir(tmp_path)
    _hadcrut_anomalies(tmp_path / "anomalies.nc")
    _hadcrut_absolute(tmp_path / "absolute_v5.nc", cell_methods=cell_methods)
    with pytest.raises(ClimannError) as alone:
        open_dataset([tmp_path / "absolute_v5.nc"])
    assert str(alone.value).startswith("absolute_v5.nc: time 'time' is a climatology (its bounds 'time_bnds': each "
                                       "month's cell spans years, 1961 to 1990")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "anomalies.nc", tmp_path / "absolute_v5.nc"], grid_of="tas")
    command = re.search(rf"`({GUARD}cdo [^`]*)`", str(refused.value))[1]
    assert without_guards(command) == ("cdo -chname,tas,tas_climatology -ymonadd -mulc,0 -selname,tas anomalies.nc "
                       "-selname,tas absolute_v5.nc absolute_v5_fixed.nc")
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path, capture_output=True)
    opened = open_dataset([tmp_path / "anomalies.nc", tmp_path / "absolute_v5_fixed.nc"], grid_of="tas")
    months = np.arange(N_MONTHS) % 12
    np.testing.assert_allclose(opened["tas_climatology"].values, (250 + _values(20, (12, 3, 4)) / 10)[months],
                               rtol=1e-6)
    np.testing.assert_allclose(opened["tas"].values, _values(21, (N_MONTHS, 3, 4)) / 100 - 2, rtol=1e-6)
    result = CliRunner().invoke(app, ["train", "--data", "anomalies.nc", "--data", "absolute_v5_fixed.nc",
                                      "--target", "tas", "--predictors", "tas_climatology", "--epochs", "1",
                                      "--out", "run"])
    assert result.exit_code == 0, result.output


PSL_HOURS = "hours since 1800-01-01 00:00:0.0"


def _psl_monthly(path, *, years=range(1991, 1996), ltm=None, stamps_year=None):
    """NOAA PSL's monthly files (break55b's R1 prate): ``prate.sfc.mon.mean.nc`` of each month of ``years``
    stamped on the 1st in hours since 1800, or with ``ltm`` its long-term means, 12 months stamped in year 1
    (``stamps_year``): ``"attributes"`` with PSL's avg_period '0030-00-00', ltm_range, statistic 'Long Term Mean',
    valid_years (older ltm files), ``"bounds"`` with a ``climatology_bounds`` variable and no attribute naming it,
    ``None`` without any sign (a model's year 1). The values: month + 10·year index, numpy's truth."""
    dates = ([datetime.datetime(year, month, 1) for year in years for month in range(1, 13)] if stamps_year is None
             else [(stamps_year, month) for month in range(1, 13)])
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("lat", 3)
        nc.createDimension("lon", 4)
        nc.createDimension("nbnds", 2)
        nc.createVariable("lat", "f4", ("lat",))[:] = [60.0, 0.0, -60.0]
        nc["lat"].units = "degrees_north"
        nc.createVariable("lon", "f4", ("lon",))[:] = [0.0, 90.0, 180.0, 270.0]
        nc["lon"].units = "degrees_east"
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.long_name, time.delta_t = PSL_HOURS, "Time", "0000-01-00 00:00:00"
        time.avg_period = "0030-00-00 00:00:00" if ltm == "attributes" else "0000-01-00 00:00:00"
        if stamps_year is None:
            time[:] = netCDF4.date2num(dates, PSL_HOURS, "standard")
        else:
            time[:] = [cftime.date2num(cftime.DatetimeGregorian(year, month, 1), PSL_HOURS, "standard")
                       for year, month in dates]
        prate = nc.createVariable("prate", "f4", ("time", "lat", "lon"))
        prate.units, prate.long_name = "kg/m^2/s", "Monthly Mean of Precipitation Rate"
        prate.statistic = "Mean"
        if ltm == "attributes":
            time.ltm_range = np.array([1674264.0, 1805016.0])
            prate.long_name, prate.statistic = "Long Term Mean Monthly Mean of Precipitation Rate", "Long Term Mean"
            prate.valid_years = np.array([1991.0, 2005.0], "f4")
        if ltm == "bounds":
            bounds = nc.createVariable("climatology_bounds", "f8", ("time", "nbnds"))
            bounds.units = PSL_HOURS
            bounds[:] = [[cftime.date2num(cftime.DatetimeGregorian(1991, month, 1), PSL_HOURS),
                          cftime.date2num(cftime.DatetimeGregorian(1995 + (month == 12), month % 12 + 1, 1), PSL_HOURS)]
                         for month in range(1, 13)]
        prate[:] = _psl_values(len(dates))
    return path


def _psl_values(n_steps):
    return (np.arange(n_steps, dtype=np.float32)[:, None, None] + np.zeros((3, 4), np.float32)) * 1e-6


@pytest.mark.parametrize(("ltm", "said"), [
    pytest.param("attributes", "NOAA PSL's long-term-mean attributes: avg_period '0030-00-00 00:00:00', 30 years, "
                 "ltm_range present, 'prate' statistic 'Long Term Mean'", id="psl-ltm-attributes"),
    pytest.param("bounds", "its bounds 'climatology_bounds': each month's cell spans years, 1991 to 1995",
                 id="climatology-bounds-variable-without-attribute"),
])
def test_a_psl_long_term_mean_is_refused_alone_and_beside_the_monthly_means(tmp_path, ltm, said):
    """break55b A1: PSL's prate.sfc.mon.ltm.nc (12 months stamped in year 1, no CF climatology attribute) taken
    by a glob beside prate.sfc.mon.mean.nc was trained on as year 0001: 12 means over years that hold the test
    years, in training and in the climatology baseline. Now refused as the CF-marked one is, alone and beside;
    the series alone opens with its 60 months, values as written."""
    series = _psl_monthly(tmp_path / "prate.sfc.mon.mean.nc")
    means = _psl_monthly(tmp_path / "prate.sfc.mon.ltm.nc", ltm=ltm, stamps_year=1)
    with pytest.raises(ClimannError) as alone:
        open_dataset([means])
    assert str(alone.value).startswith(f"prate.sfc.mon.ltm.nc: time 'time' is a climatology ({said}")
    assert "12 monthly steps within one year, 0001-01 to 0001-12): its 12 steps are climatological periods" in str(
        alone.value)
    with pytest.raises(ClimannError) as beside:
        open_dataset([means, series], grid_of="prate")
    message = str(beside.value)
    assert message.startswith(f"prate.sfc.mon.ltm.nc: time 'time' is a climatology ({said}")
    assert message.endswith("beside prate.sfc.mon.mean.nc, leave prate.sfc.mon.ltm.nc out of the files given "
                            "(--data): its stamps are no dates to pair with theirs")
    assert "climatology_bounds" not in message.split("):", 1)[1]  # never a variable of the advised line (A2)
    opened = open_dataset([series])
    assert opened.sizes["time"] == 60 and opened["time"].values[0].year == 1991
    np.testing.assert_array_equal(opened["prate"].values, _psl_values(60))


def test_a_run_stamped_in_year_1_without_long_term_mean_signs_is_read_as_dates(tmp_path):
    """A model's first year (an idealised or paleo run stamped 0001) is no climatology: 12 monthly means in year 1
    with PSL's monthly attributes (avg_period '0000-01-00', statistic 'Mean') open as 12 dated months."""
    path = _psl_monthly(tmp_path / "run.nc", stamps_year=1)
    opened = open_dataset([path])
    assert [(stamp.year, stamp.month) for stamp in opened["time"].values] == [(1, month) for month in range(1, 13)]
    np.testing.assert_array_equal(opened["prate"].values, _psl_values(12))


def test_climatology_bounds_without_an_attribute_naming_them_are_no_data_variable(tmp_path):
    """break55b A2: a climatology_bounds variable that no attribute names was read as data (dates read as days of
    the year), said to cover another period than prate's, and made the variable of an advised cdo line that aborted.
    Read as new data of a trained run (the climatology's steps), it is the time's bounds, never a variable."""
    from climann.data.variables import data_variable_names

    path = _psl_monthly(tmp_path / "prate.sfc.mon.ltm.nc", ltm="bounds", stamps_year=1)
    opened = open_dataset([path], climatologies=True)
    assert data_variable_names(opened) == ["prate"]
    np.testing.assert_array_equal(opened["prate"].values, _psl_values(12))
