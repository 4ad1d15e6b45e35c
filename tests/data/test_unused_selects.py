"""A select of a dimension that only files of unused variables hold (break56d A4)."""

import numpy as np
import pytest
import xarray as xr

from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training

NAMES = ["USC00400000", "USC00400001", "USC00400002"]


def _files(tmp_path, missing: float) -> tuple:
    """A GHCNd-like station file (TMAX, TMIN on (station, time), ``missing`` of their days NaN) and a one-point
    file of the target ``tg`` at station 0, 4 years of days; returns their paths and station 0's TMAX."""
    rng = np.random.default_rng(5)
    days = np.arange(np.datetime64("2001-01-01"), np.datetime64("2005-01-01")).astype("datetime64[ns]")
    values = {name: rng.normal(15, 8, (3, days.size)) for name in ("TMAX", "TMIN")}
    for array in values.values():
        array[rng.random(array.shape) < missing] = np.nan
    xr.Dataset({name: (("station", "time"), array, {"units": "degC"}) for name, array in values.items()},
               coords={"time": days, "station_id": ("station", NAMES, {"cf_role": "timeseries_id"}),
                       "lat": ("station", [46.975, 39.2, 47.5], {"units": "degrees_north"}),
                       "lon": ("station", [-88.835, -85.3, -111.4], {"units": "degrees_east"})},
               attrs={"featureType": "timeSeries"}).to_netcdf(tmp_path / "ghcnd_subset.nc")
    xr.Dataset({"tg": ("time", 0.5 * np.nan_to_num(values["TMAX"][0], nan=15.0) + rng.normal(0, 1, days.size), {"units": "degC"})},
               coords={"time": days, "lat": ((), 46.975, {"units": "degrees_north"}),
                       "lon": ((), -88.835, {"units": "degrees_east"})}).to_netcdf(tmp_path / "tg_point.nc")
    return tmp_path / "ghcnd_subset.nc", tmp_path / "tg_point.nc", values["TMAX"][0]


def _settings(files, predictors=None) -> dict:
    return {"data": {"paths": [str(path) for path in files], "target": "tg", "select": {"station": NAMES[0]},
                     **({"predictors": predictors} if predictors is not None else {})},
            "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}


def test_a_select_of_a_file_whose_variables_were_all_left_out_names_it_and_predictors(tmp_path):
    """break56d A4: with TMAX and TMIN left out of the default predictors (10 % of their days missing), the select
    of the station climann advised was refused as "no dimension 'station' of the data". The refusal names the file
    that holds it, its variables and --predictors; given them, the run trains at that station."""
    stations, point, tmax = _files(tmp_path, missing=0.1)
    with pytest.raises(ClimannError) as error:
        run_training(build_config(_settings([stations, point])), run_dir=tmp_path / "run")
    message = str(error.value)
    assert message == (
        f"cannot select station={NAMES[0]}: 'station' is a dimension of ghcnd_subset.nc (TMAX, TMIN), none of whose "
        "variables the run uses (target tg, predictors: none; a variable missing on many of the target's steps is "
        "left out of the default predictors, as a warning above says): name them as predictors to use them at that "
        "station (--predictors TMAX,TMIN, [data] predictors), or leave out the select of 'station' and the file")
    run_dir = run_training(build_config(_settings([stations, point], ["TMAX", "TMIN"])),
                           run_dir=tmp_path / "run").run_dir
    assert (run_dir / "metrics.json").is_file()


def test_a_select_of_no_file_s_dimension_is_refused_as_before(tmp_path):
    """A dimension no file holds: the data layer's refusal, unchanged (no file named)."""
    _, point, _ = _files(tmp_path, missing=0.0)
    with pytest.raises(ClimannError, match=r"^cannot select station=USC00400000: no dimension 'station' of the data"):
        run_training(build_config(_settings([point])), run_dir=tmp_path / "run")
