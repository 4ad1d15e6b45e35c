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


def _nmme(path, *, lead_units="months", member_attrs=None):
    """IRI's NMME forecasts as the Data Library writes them: prec(S, L, M, Y, X), S the start month, L the lead
    (forecast_period, 0.5 … 2.5 months), M the member (realization)."""
    rng = np.random.default_rng(3)
    member_attrs = {"standard_name": "realization", "long_name": "Ensemble Member", "units": "unitless"} \
        if member_attrs is None else member_attrs
    coords = {"S": ("S", np.arange(264.0, 300.0), {"units": "months since 1960-01-01", "calendar": "360_day",
                                                   "standard_name": "forecast_reference_time"}),
              "L": ("L", [0.5, 1.5, 2.5], {"units": lead_units, "standard_name": "forecast_period", "long_name": "Lead"}),
              "M": ("M", [1.0, 2.0, 3.0], member_attrs),
              "Y": ("Y", [-10.0, 0.0, 10.0], {"units": "degree_north", "standard_name": "latitude"}),
              "X": ("X", [0.0, 30.0, 60.0, 90.0], {"units": "degree_east", "standard_name": "longitude"})}
    values = rng.gamma(2.0, 1.5, (36, 3, 3, 3, 4)).astype(np.float32)
    xr.Dataset({"prec": (("S", "L", "M", "Y", "X"), values, {"units": "mm/day"})}, coords=coords).to_netcdf(path)
    return path, values


@pytest.mark.parametrize("member_attrs", [
    pytest.param(None, id="iri-nmme"),
    pytest.param({"long_name": "Ensemble Member"}, id="member-without-standard-name"),  # L's months tell it apart
])
def test_nmme_leads_and_members_named_l_and_m_are_no_harmonics(tmp_path, member_attrs):
    """IRI's NMME names its lead L (months, 0.5 … 11.5) and its member M: since the harmonics check every NMME file
    was refused as "prec on (L, M) are spherical-harmonic (Stokes) coefficients" (break40c's NMME runs, which worked
    before it, failed). A coordinate with a CF standard_name, units of a quantity or values that are not whole
    numbers is no harmonic degree or order: info reads the grid, and predict with --select M=… runs."""
    from climann.data.spherical_harmonics import harmonic_coefficients

    path, values = _nmme(tmp_path / "nmme.nc", member_attrs=member_attrs)
    with xr.open_dataset(path, decode_times=False) as dataset:
        assert harmonic_coefficients(dataset) is None
        assert find_coordinate(dataset, "latitude") == "Y" and find_coordinate(dataset, "longitude") == "X"
    result = runner.invoke(app, ["info", str(path)])
    assert result.exit_code == 0, result.output
    assert "spherical-harmonic" not in result.output
