"""A daily rate given where a run was trained on daily amounts without ``time: sum`` (CHIRPS's ``mm/day`` scored
against an E-OBS run's ``rr`` in ``mm``): refused as before, now with the ncatted that says each day's rate is its
total, each step being one period of the rate (climann/data/units.py, break53b A4: no command was given)."""

from __future__ import annotations

import re
import shutil
import subprocess

import netCDF4
import numpy as np
import pytest

from climann.data.open import open_dataset
from climann.data.units import convert_variable
from climann.errors import ClimannError


def _daily(path, units, days=20, start=0):
    values = np.random.default_rng(11).gamma(2, 2, (days, 3, 4)).astype("f4")
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in (("time", None), ("lat", 3), ("lon", 4)):
            nc.createDimension(dim, size)
        time = nc.createVariable("time", "f4", ("time",))
        time.units, time.calendar = "days since 1980-1-1 0:0:0", "gregorian"
        time[:] = start + np.arange(days)
        nc.createVariable("lat", "f4", ("lat",))[:] = [44.0, 44.25, 44.5]
        nc["lat"].units = "degrees_north"
        nc.createVariable("lon", "f4", ("lon",))[:] = [1.0, 1.25, 1.5, 1.75]
        nc["lon"].units = "degrees_east"
        variable = nc.createVariable("precip", "f4", ("time", "lat", "lon"))
        variable.units = units
        variable[:] = values
    return values


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_a_daily_rate_against_daily_amounts_is_refused_with_the_line_that_reads_it_as_each_days_total(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    values = _daily(tmp_path / "chirps.nc", "mm/day")
    opened = open_dataset([tmp_path / "chirps.nc"])
    with pytest.raises(ClimannError) as refused:
        convert_variable(opened["precip"], "mm", name="precip", where="chirps.nc",
                         reference="the model's training data").values
    message = str(refused.value)
    assert "\n" not in message
    assert "its steps are each one day long, the period of 'mm/day'" in message
    command = re.search(r"\((\{ \[ ! -e \S+ \].*? && mkdir -p \S+ && ncatted -a units,precip,o,c,mm \S+ \S+) \(its copy", message)
    assert command, message
    subprocess.run(["bash", "-c", command[1]], check=True, cwd=tmp_path, capture_output=True)
    copy = open_dataset([tmp_path / "time_cells_fixed" / "chirps.nc"])
    assert copy["precip"].attrs["units"] == "mm"
    converted = convert_variable(copy["precip"], "mm", name="precip", where="chirps.nc",
                                 reference="the model's training data")
    np.testing.assert_allclose(converted.values, values, rtol=1e-6)


def test_a_rate_on_steps_other_than_its_period_gets_no_such_line(tmp_path):
    """mm/hr on daily steps: each value is not the step's total in mm; the refusal stays without the line."""
    _daily(tmp_path / "hourly_rate.nc", "mm/hr")
    opened = open_dataset([tmp_path / "hourly_rate.nc"])
    with pytest.raises(ClimannError) as refused:
        convert_variable(opened["precip"], "mm", name="precip", where="hourly_rate.nc",
                         reference="the model's training data").values
    assert "ncatted" not in str(refused.value) and "no cell_methods 'time: sum'" in str(refused.value)
