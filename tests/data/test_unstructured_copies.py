"""Tests for climann.data.unstructured_copies: the advised remap of E3SM's and MPAS's native output runs."""

import re
import shutil
import subprocess

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError

N_CELLS, N_TIME = 400, 3


def _cells():
    """Fibonacci points on the sphere: ``N_CELLS`` nearly equal-area cells, latitudes and longitudes in radians."""
    index = np.arange(N_CELLS) + 0.5
    latitude = np.arcsin(1 - 2 * index / N_CELLS)
    longitude = np.mod(np.pi * (1 + 5**0.5) * index, 2 * np.pi)
    return latitude, longitude


def _e3sm(path):
    """EAM h0 as written: TREFHT(time, ncol), lat/lon(ncol) in degrees, area(ncol) in steradian, no field naming
    its positions in ``coordinates``. Each step's TREFHT is one value (280 + step) at every cell."""
    latitude, longitude = _cells()
    xr.Dataset(
        {"TREFHT": (("time", "ncol"), np.repeat(280.0 + np.arange(N_TIME), N_CELLS).reshape(N_TIME, N_CELLS),
                    {"units": "K", "long_name": "Reference height temperature"}),
         "area": ("ncol", np.full(N_CELLS, 4 * np.pi / N_CELLS), {"units": "steradian", "long_name": "area"}),
         "lat": ("ncol", np.rad2deg(latitude), {"units": "degrees_north", "long_name": "latitude"}),
         "lon": ("ncol", np.rad2deg(longitude), {"units": "degrees_east", "long_name": "longitude"})},
        coords={"time": ("time", 31.0 * (np.arange(N_TIME) + 1), {"units": "days since 1980-01-01 00:00:00",
                                                                  "calendar": "noleap"})},
    ).to_netcdf(path)


def _mpas(path):
    """MPAS-A history as written: t2m(Time, nCells), latCell/lonCell in radians, areaCell, the steps dated by the
    text xtime(Time, StrLen) only (1980-01-15_00:00:00, monthly)."""
    import netCDF4

    latitude, longitude = _cells()
    dates = np.array([f"1980-{month:02d}-15_00:00:00".ljust(64) for month in range(1, N_TIME + 1)], dtype="S64")
    with netCDF4.Dataset(path, "w") as file:
        file.createDimension("Time", None)
        file.createDimension("nCells", N_CELLS)
        file.createDimension("StrLen", 64)
        file.createVariable("xtime", "S1", ("Time", "StrLen"))[:] = netCDF4.stringtochar(dates)
        for name, values, long_name in (("latCell", latitude, "Latitude of cell centers"),
                                        ("lonCell", longitude, "Longitude of cell centers")):
            variable = file.createVariable(name, "f8", ("nCells",))
            variable.units, variable.long_name = "radians", long_name
            variable[:] = values
        area = file.createVariable("areaCell", "f8", ("nCells",))
        area.units = "m^2"
        area[:] = np.full(N_CELLS, 5.1e14 / N_CELLS)
        t2m = file.createVariable("t2m", "f4", ("Time", "nCells"))
        t2m.units, t2m.long_name = "K", "2-meter temperature"
        t2m[:] = np.repeat(280.0 + np.arange(N_TIME), N_CELLS).reshape(N_TIME, N_CELLS)


@pytest.mark.parametrize("layout, target, time", [pytest.param(_e3sm, "TREFHT", "time", id="e3sm-ne30pg2"),
                                                  pytest.param(_mpas, "t2m", "Time", id="mpas-a")])
def test_the_advised_remap_of_fields_without_coordinates_runs_and_keeps_values_and_dates(tmp_path, monkeypatch,
                                                                                        layout, target, time):
    """break57a A1: `cdo remapdis` of EAM's and MPAS's output aborted ("Unsupported generic coordinates"): no field
    names its positions. The line names them (ncatted, in a copy in the new folder, removed once remapped), and for
    MPAS writes xtime's dates as a CF time; run as printed by bash, the copy holds each step's one value everywhere
    (a distance-weighted mean of equal values) at the file's dates, and beside the file is the new folder only."""
    if shutil.which("cdo") is None or shutil.which("ncatted") is None:
        pytest.skip("needs CDO and NCO")
    monkeypatch.chdir(tmp_path)
    layout(tmp_path / "native.nc")
    with pytest.raises(ClimannError, match="the grid is unstructured") as refused:
        open_dataset([tmp_path / "native.nc"])
    line = re.search(r"e\.g\. `([^`]*)`", str(refused.value)).group(1)
    ran = subprocess.run(["bash", "-c", line], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["native.nc", "remapped"]
    assert sorted(path.name for path in (tmp_path / "remapped").iterdir()) == ["native.nc"]
    copy = xr.open_dataset(tmp_path / "remapped" / "native.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
    values = copy[target].values
    assert values.shape[1:] == (copy["lat"].size, copy["lon"].size)
    np.testing.assert_allclose(values, np.broadcast_to((280.0 + np.arange(N_TIME))[:, None, None], values.shape),
                               rtol=0, atol=1e-4)
    if layout is _mpas:
        assert [(date.year, date.month, date.day) for date in copy["time"].values] == [
            (1980, month, 15) for month in range(1, N_TIME + 1)]
    else:
        expected = cftime.num2date(31.0 * (np.arange(N_TIME) + 1), "days since 1980-01-01", "noleap")
        assert [(date.year, date.month, date.day) for date in copy[time].values] == [
            (date.year, date.month, date.day) for date in expected]
