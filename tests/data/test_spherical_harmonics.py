"""Spherical-harmonic coefficients are refused as no grid (climann/data/spherical_harmonics.py):
a GRACE Level-2 file, clm(time, degree, order), was told to take lat = 0, lon = 0 (the advice for a
station's series), then a coefficient was trained as a grid cell (break40a A2)."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.coords import find_coordinate
from climann.data.info import describe
from climann.errors import ClimannError

runner = CliRunner()


def _level2(path, degree="degree", order="order", long_names=False):
    """A GSM-like file: Stokes coefficients to degree 3 on 4 months, NaN where the order exceeds the degree."""
    rng = np.random.default_rng(0)
    lmax = 3
    below = np.tril(np.ones((lmax + 1, lmax + 1), bool))
    values = np.where(below, rng.normal(0, 1e-10, (4, lmax + 1, lmax + 1)), np.nan)
    values[:, 0, 0], values[:, 2, 0] = 1.0, -4.8416945e-4
    coords = {"time": pd.date_range("2003-01-15", periods=4, freq="MS"),
              degree: np.arange(lmax + 1), order: np.arange(lmax + 1)}
    if long_names:
        coords = {**coords, degree: (degree, np.arange(lmax + 1), {"long_name": "spherical harmonic degree"}),
                  order: (order, np.arange(lmax + 1), {"long_name": "spherical harmonic order"})}
    dims = ("time", degree, order)
    xr.Dataset({"clm": (dims, values, {"units": "1", "long_name": "fully normalized cosine Stokes coefficient"}),
                "slm": (dims, np.nan_to_num(values) * 0.5, {"units": "1"})}, coords=coords).to_netcdf(path)
    return path


@pytest.mark.parametrize("names", [
    pytest.param(("degree", "order", False), id="GRACE-degree-order"),
    pytest.param(("l", "m", False), id="l-m"),
    pytest.param(("n_degree", "n_order", True), id="by-long_name"),
])
@pytest.mark.parametrize("kind", [pytest.param("latitude", id="latitude"), pytest.param("longitude", id="longitude")])
def test_coefficients_by_degree_and_order_are_refused_as_no_grid(tmp_path, names, kind):
    degree, order, long_names = names
    with xr.open_dataset(_level2(tmp_path / "gsm.nc", degree, order, long_names)) as dataset:
        with pytest.raises(ClimannError) as refused:
            find_coordinate(dataset, kind)
    message = str(refused.value)
    assert message.startswith(f"clm, slm on ({degree}, {order}) are spherical-harmonic (Stokes) coefficients")
    assert "SHCoeffs.from_array" in message and "mascon" in message
    assert "lat=0.0" not in message and "ncap2" not in message and "\n" not in message


@pytest.mark.parametrize("position", [pytest.param(False, id="as-written"),
                                      pytest.param(True, id="lat-lon-given-as-once-advised")])
def test_info_and_train_refuse_them_alike_and_train_names_no_target_of_them(tmp_path, position):
    """info refused the file with lat = 0, lon = 0 to add, train said "climann info proposes 'clm'", and with the
    position added and --select degree=2 --select order=0 a coefficient was trained at (0°N, 0°E)."""
    folder = tmp_path / "gsm"
    folder.mkdir()
    path = _level2(folder / "GSM-2_2003001-2003120_GRAC_UTCSR_BA01_0600.nc")
    if position:
        with xr.open_dataset(path) as dataset:
            placed = dataset.load().assign_coords(lat=((), 0.0, {"units": "degrees_north", "standard_name": "latitude"}),
                                                  lon=((), 0.0, {"units": "degrees_east", "standard_name": "longitude"}))
        path.unlink()
        placed.to_netcdf(path)
    expected = f"{path.name}: clm, slm on (degree, order) are spherical-harmonic (Stokes) coefficients"
    with pytest.raises(ClimannError) as refused:
        describe(str(folder))
    assert str(refused.value).startswith(expected) and "lat=0.0" not in str(refused.value)
    select = ["--select", "degree=2", "--select", "order=0"]
    for out, given in (("a", []), ("b", ["--target", "clm"]), ("c", ["--target", "clm", *select])):
        result = runner.invoke(app, ["train", "--data", str(folder), *given, "--out", str(tmp_path / out)])
        said = " ".join(result.stderr.split())
        assert result.exit_code == 2 and said.startswith(f"climann: error: {expected}"), result.output
        assert "proposes 'clm'" not in said and not (tmp_path / out).exists()
