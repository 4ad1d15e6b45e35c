"""WRF's map projection (climann/data/wrf_projections.py, break49c A4): a run on wrfout files writes it to
predictions.nc as a CF grid mapping that pyproj reads back to WRF's projection, with WRF's attributes kept."""

import netCDF4
import numpy as np
import pyproj
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.wrf_projections import wrf_map_projection
from tests.conftest import draw_no_run_figures

#: WRF's projection attributes of the file (a Lambert conformal grid of 36 km as break49c's make_wrf.py).
WRF_ATTRIBUTES = {"MAP_PROJ": np.int32(1), "TRUELAT1": np.float32(30.0), "TRUELAT2": np.float32(60.0),
                  "STAND_LON": np.float32(-98.0), "CEN_LAT": np.float32(40.0), "MOAD_CEN_LAT": np.float32(40.0),
                  "CEN_LON": np.float32(-98.0), "DX": np.float32(36000.0), "DY": np.float32(36000.0)}

#: WRF's projection as PROJ writes it, by hand: WRF's sphere of 6370 km (wrf-python, salem).
WRF_PROJ = "+proj=lcc +lat_1=30 +lat_2=60 +lat_0=40 +lon_0=-98 +a=6370000 +b=6370000 +units=m +no_defs"


def _wrfout(path, *, n_rows: int = 5, n_columns: int = 6, n_steps: int = 60):
    """A wrfout file: XLAT/XLONG(Time, south_north, west_east) of the cells of a 36 km Lambert grid centred on
    40°N 98°W (placed by pyproj's inverse projection), XTIME in minutes, T2 = 280 + noise, WRF's attributes."""
    x = (np.arange(n_columns) - (n_columns - 1) / 2) * 36000.0
    y = (np.arange(n_rows) - (n_rows - 1) / 2) * 36000.0
    xx, yy = np.meshgrid(x, y)
    longitude, latitude = pyproj.Transformer.from_crs(pyproj.CRS(WRF_PROJ), "EPSG:4326", always_xy=True).transform(
        xx, yy)
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("Time", None)
        nc.createDimension("south_north", n_rows)
        nc.createDimension("west_east", n_columns)
        xtime = nc.createVariable("XTIME", "f4", ("Time",))
        xtime.units = xtime.description = "minutes since 2017-01-01 00:00:00"
        xtime[:] = np.arange(n_steps) * 1440.0
        for name, values, units in (("XLAT", latitude, "degree_north"), ("XLONG", longitude, "degree_east")):
            variable = nc.createVariable(name, "f4", ("Time", "south_north", "west_east"))
            variable.units = units
            variable[:] = np.broadcast_to(values, (n_steps, n_rows, n_columns))
        t2 = nc.createVariable("T2", "f4", ("Time", "south_north", "west_east"))
        t2.units, t2.coordinates = "K", "XLONG XLAT XTIME"
        t2[:] = 280 + np.random.default_rng(4).standard_normal((n_steps, n_rows, n_columns))
        nc.setncatts(WRF_ATTRIBUTES)
    return x, y


def test_predictions_of_a_wrf_run_keep_its_lambert_projection(tmp_path, monkeypatch):
    """Before: predictions.nc held XLAT/XLONG and no grid mapping, no MAP_PROJ … (salem and wrf-python could not
    re-project it). Now: T2_pred's grid_mapping is a lambert_conformal_conic variable that pyproj reads back to
    WRF's projection, which puts the written cells 36 km apart on the grid they were made from."""
    draw_no_run_figures(monkeypatch)
    x, y = _wrfout(tmp_path / "wrfout_d01_2017-01-01_00:00:00")
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "wrfout_d01_2017-01-01_00:00:00"),
                                      "--target", "T2", "--epochs", "1", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    with netCDF4.Dataset(tmp_path / "run" / "predictions.nc") as written:
        name = written["T2_pred"].grid_mapping
        mapping = {key: written[name].getncattr(key) for key in written[name].ncattrs()}
        assert mapping["grid_mapping_name"] == "lambert_conformal_conic"
        crs = pyproj.CRS.from_cf(mapping)
        assert crs == pyproj.CRS(WRF_PROJ)
        for key, value in WRF_ATTRIBUTES.items():
            assert written.getncattr(key) == value
        # the written cells, projected by the CRS read back: the 36 km grid they came from
        columns, rows = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(
            written["XLONG"][:], written["XLAT"][:])
    np.testing.assert_allclose(columns, np.broadcast_to(x, columns.shape), atol=1.0)
    np.testing.assert_allclose(rows, np.broadcast_to(y[:, None], rows.shape), atol=1.0)


@pytest.mark.parametrize("attrs", [
    pytest.param({}, id="no-wrf-attributes"),
    pytest.param({"MAP_PROJ": 6, "TRUELAT1": 0.0, "STAND_LON": 0.0, "CEN_LAT": 0.0}, id="wrf-lat-lon"),
])
def test_no_grid_mapping_is_made_without_a_projection_it_reads(attrs):
    mapping, kept = wrf_map_projection(attrs)
    assert mapping is None and kept == attrs
