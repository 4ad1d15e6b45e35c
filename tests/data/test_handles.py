"""One handle per NetCDF file: HDF5 crashes on a NetCDF-4 string variable read through a second
handle of a file that is open twice at once (Unidata/netcdf-c#2510)."""

import subprocess
import sys
import textwrap

import numpy as np
import xarray as xr

from climann.data.handles import open_netcdf, shared_manager
from tests.conftest import grid_dataset


def _with_member_id(path, seed=0):
    """A CMIP6 member saved by xarray after ``ds.sel(member_id="r1i1p1f1")``: a scalar NetCDF-4
    string coordinate."""
    dataset = grid_dataset(seed=seed).assign_coords(member_id="r1i1p1f1")
    dataset.to_netcdf(path, engine="netcdf4")
    return dataset


def _run(code):
    """Python in a subprocess: a segmentation fault must not take the test runner with it."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_a_file_opened_while_open_read_and_closed_opens_again(tmp_path):
    """The sequence HDF5 crashes on: one dataset kept open, a second opened, its string read
    and closed, a third opened (exit 139 when each opens a handle of its own)."""
    path = tmp_path / "member.nc"
    _with_member_id(path)
    result = _run(f"""
        from climann.data.handles import open_netcdf
        kept = open_netcdf({str(path)!r}, chunks={{}})
        with open_netcdf({str(path)!r}, chunks={{}}) as second:
            second["member_id"].values
        third = open_netcdf({str(path)!r}, chunks={{}})
        print(third["member_id"].item(), float(kept["tas"].sum()))
    """)
    assert result.returncode == 0, result.stderr[-2000:]
    expected = float(xr.open_dataset(path)["tas"].astype(np.float64).sum())
    member, total = result.stdout.split()
    assert member == "r1i1p1f1"
    np.testing.assert_allclose(float(total), expected, rtol=1e-6)


def test_the_datasets_of_one_file_share_one_handle(tmp_path):
    path = tmp_path / "member.nc"
    _with_member_id(path)
    assert shared_manager(path) is shared_manager(tmp_path / "." / "member.nc")
    first, second = open_netcdf(path), open_netcdf(path, chunks={})
    assert first["member_id"].item() == second["member_id"].item() == "r1i1p1f1"
    assert second.encoding["source"] == str(path.resolve())


def test_a_file_rewritten_at_the_same_path_is_read_anew(tmp_path):
    """The shared handle never serves a changed file's old contents."""
    path = tmp_path / "member.nc"
    _with_member_id(path, seed=0)
    before = open_netcdf(path)["tas"].values
    written = _with_member_id(tmp_path / "other.nc", seed=1)
    (tmp_path / "other.nc").replace(path)
    after = open_netcdf(path)["tas"].values
    np.testing.assert_array_equal(after, written["tas"].values)
    assert not np.array_equal(before, after)
