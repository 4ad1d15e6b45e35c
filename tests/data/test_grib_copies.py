"""GRIB files as NCEP's GFS writes them (break38a B1, B2, B5): the copies climann's advice writes
from them are NetCDF named ``.nc``, opened without leaving cfgrib index files beside the user's
files; a file of an instant value and a bucket total is refused first for what applies (two
kinds of time), with lines that keep the bucket's GRIB step range."""

import os
import re
import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import shell_path
from tests.grib_files import write_grib_messages
from tests.followed_twice import without_guards

LATITUDES, LONGITUDES = np.array([50.0, 48.0, 46.0]), np.array([10.0, 12.0, 14.0, 16.0])
DAYS = np.arange("2018-01-01", "2018-01-05", dtype="datetime64[D]")


def _fields(offset: float) -> np.ndarray:
    """One field a day: ``offset + day + row / 10 + column / 100``."""
    return (offset + np.arange(len(DAYS))[:, None, None] + np.arange(3.0)[None, :, None] / 10
            + np.arange(4.0)[None, None, :] / 100)


def _messages(kind: str) -> list[tuple[dict, np.ndarray]]:
    """GFS's messages of each day's 00 UTC cycle (centre kwbc): ``2t`` at step 24 h (instant) or
    ``tp`` over the 18-24 h bucket (accum, stepRange 18-24)."""
    messages = []
    for day, (t2m, tp) in enumerate(zip(_fields(280.0), _fields(1.0), strict=True)):
        date = {"centre": 7, "dataDate": int(str(DAYS[day]).replace("-", "")), "dataTime": 0,
                "typeOfProcessedData": 1}
        if kind == "2t":
            messages.append(({**date, "typeOfFirstFixedSurface": 103, "shortName": "2t", "step": 24}, t2m))
        else:
            messages.append(({**date, "shortName": "tp", "stepType": "accum", "startStep": 18, "endStep": 24}, tp))
    return messages


def _gfs(path, *kinds: str):
    messages = [message for day in range(len(DAYS)) for kind in kinds for message in [_messages(kind)[day]]]
    return write_grib_messages(path, messages, latitudes=LATITUDES, longitudes=LONGITUDES)


def _refusal(*paths) -> str:
    with pytest.raises(ClimannError) as refused:
        open_dataset(list(paths))
    return str(refused.value)


def _grib_files_left(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".idx"))


def test_an_instant_value_beside_a_bucket_total_in_one_file_is_refused_for_the_two_kinds_first(tmp_path,
                                                                                                 monkeypatch):
    """break38a B2: gfs_mixed.grib2 (2t at 24 h, tp over 18-24 h) was refused first for tp "at one lead time
    without bounds … a NetCDF copy keeps no GRIB step range", though its messages carry 18-24 (the 2t message's
    24-24 hid it). Now the first refusal is the one that applies, two kinds of time, and its ecCodes line, run as
    printed, writes tp alone into a GRIB file read with the bucket's window and the file's values."""
    monkeypatch.chdir(tmp_path)
    _gfs(tmp_path / "gfs_mixed.grib2", "2t", "tp")
    message = _refusal(tmp_path / "gfs_mixed.grib2")
    assert "step range to tell which" not in message
    assert "holds forecasts of different kinds of time (t2m: values at their valid times, tp: totals over lead times " \
           "18 to 24 hours (step_bnds))" in message
    # the GRIB copy under the file's own name in a new folder (fix56b: gfs_mixed_selected.grib2 beside the file)
    assert ("`mkdir -p selected_variables && cdo selname,tp gfs_mixed.grib2 selected_variables/gfs_mixed.grib2` or, "
            f"without CDO, `mkdir -p selected_variables && {shell.advised_python()} -c ") in without_guards(message)
    assert ("(its copy in a new folder), then give --data selected_variables/gfs_mixed.grib2 in place of "
            "gfs_mixed.grib2, and the others likewise") in message
    command = re.search(r"without CDO, `([^`]*)`", message).group(1)
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})  # as printed
    assert sorted(os.listdir(tmp_path)) == ["gfs_mixed.grib2", "selected_variables"]
    opened = open_dataset([tmp_path / "selected_variables" / "gfs_mixed.grib2"])
    assert list(opened.data_vars) == ["tp"] or "t2m" not in opened.data_vars
    bounds = opened[opened["time"].attrs["bounds"]].values
    expected = np.stack([DAYS + np.timedelta64(18, "h"), DAYS + np.timedelta64(24, "h")], -1).astype("datetime64[ns]")
    np.testing.assert_array_equal(bounds.astype("datetime64[ns]"), expected)
    np.testing.assert_allclose(opened["tp"].transpose("time", ...).values, _fields(1.0), atol=1e-3)  # GRIB packing
    assert _grib_files_left(tmp_path) == []


def test_the_forecast_shift_of_a_grib_file_writes_a_netcdf_copy_named_nc_and_leaves_no_index(tmp_path, monkeypatch):
    """break38a B1, B5: the advice of 2t (valid 00:00) beside tp's 18-24 h cells wrote
    `to_netcdf(… with_bounds/gfs_t2m.grib2)` and named --data …/gfs_t2m.grib2: a NetCDF file under a GRIB name,
    then read through cfgrib and refused; the xarray line left cfgrib's .idx beside the user's file; the message
    called tp's 6-hour cells "tp's days". Now the copy is gfs_t2m.nc, the line opens the GRIB file without an
    index, and, run as printed (12 h: the day beginning at each valid time), the copy holds 2t at valid + 12 h."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gfs").mkdir()
    _gfs(tmp_path / "gfs" / "gfs_t2m.grib2", "2t")
    _gfs(tmp_path / "gfs" / "gfs_tp_bucket.grib2", "tp")
    message = _refusal(tmp_path / "gfs" / "gfs_t2m.grib2", tmp_path / "gfs" / "gfs_tp_bucket.grib2")
    assert "an edge of tp's cells (6 hours each)" in message and "tp's days" not in message
    assert "with_bounds/gfs_t2m.grib2" not in message
    assert "then give --data gfs/gfs_tp_bucket.grib2 --data gfs/with_bounds/gfs_t2m.nc in place of" in message
    line = re.search(r"for the day beginning at its valid time `([^`]*)`", message).group(1)
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": path})
    assert _grib_files_left(tmp_path / "gfs") == []
    with xr.open_dataset(tmp_path / "gfs" / "with_bounds" / "gfs_t2m.nc") as copy:
        np.testing.assert_array_equal(copy["valid_time"].values,
                                      (DAYS + np.timedelta64(36, "h")).astype("datetime64[ns]"))
        np.testing.assert_allclose(copy["t2m"].values, _fields(280.0), atol=1e-3)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_the_grib_selname_line_runs_in_a_folder_with_a_space(tmp_path, monkeypatch):
    """fix57i: CDO 2.1.1 opens no path with a space, quoted or not: the selname line that copies tp's messages of
    'my data/gfs_mixed.grib2' into selected_variables/ failed as printed. Run by bash as printed, it now runs CDO
    inside the folder: the GRIB copy holds tp alone with its bucket's window and the file's values, and the folder
    holds only the file and the new folder."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "my data"
    folder.mkdir()
    _gfs(folder / "gfs_mixed.grib2", "2t", "tp")
    message = _refusal(folder / "gfs_mixed.grib2")
    command = re.search(r"`([^`]*cdo selname[^`]*)`", message).group(1)
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})  # as printed
    assert sorted(os.listdir(folder)) == ["gfs_mixed.grib2", "selected_variables"]
    assert os.listdir(folder / "selected_variables") == ["gfs_mixed.grib2"]
    opened = open_dataset([folder / "selected_variables" / "gfs_mixed.grib2"])
    assert [name for name in opened.data_vars if not str(name).endswith("_bnds")] == ["tp"]
    bounds = opened[opened["time"].attrs["bounds"]].values
    expected = np.stack([DAYS + np.timedelta64(18, "h"), DAYS + np.timedelta64(24, "h")], -1).astype("datetime64[ns]")
    np.testing.assert_array_equal(bounds.astype("datetime64[ns]"), expected)
    np.testing.assert_allclose(opened["tp"].transpose("time", ...).values, _fields(1.0), atol=1e-3)  # GRIB packing
    assert _grib_files_left(folder) == [] and _grib_files_left(folder / "selected_variables") == []
