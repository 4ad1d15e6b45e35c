"""Tests of climann.data.member_order: files that hold one member axis in different orders."""

from __future__ import annotations

import shlex

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python


def _members_file(path, year: int, numbers: list[int], rng: np.random.Generator) -> None:
    times = pd.date_range(f"{year}-01-01", periods=4, freq="MS")
    xr.Dataset({"tas": (("time", "number", "lat", "lon"), rng.random((4, len(numbers), 2, 3)).astype("f4"),
                        {"units": "K"})},
               coords={"time": times, "number": numbers, "lat": [0.0, 1.0], "lon": [0.0, 1.0, 2.0]}).to_netcdf(path)


def test_members_in_another_order_are_refused_with_a_line_that_writes_the_first_files_order_whole(tmp_path,
                                                                                                  monkeypatch):
    """The refusal's python line, run as printed, writes the second file's members in the first's order
    (each member's values those of its number in the original, by xarray's sel), under the copy's name
    only once whole (no ``.part`` left), and the copy opens beside the first file."""
    rng = np.random.default_rng(3)
    _members_file(tmp_path / "f0.nc", 2000, [1, 2, 3], rng)
    _members_file(tmp_path / "f1.nc", 2001, [3, 1, 2], rng)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "f0.nc", tmp_path / "f1.nc"])
    message = str(refused.value)
    assert "(1, 2, 3 in f0.nc, 3, 1, 2 in f1.nc)" in message and "--select number=VALUE" in message
    line = bare_python(message)[bare_python(message).index("(python -c ") + 1:-1]
    run_python(*shlex.split(line)[1:], check=True, cwd=tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["f0.nc", "f1.nc", "f1_reordered.nc"]
    with xr.open_dataset(tmp_path / "f1.nc") as original, xr.open_dataset(tmp_path / "f1_reordered.nc") as copy:
        assert copy["number"].values.tolist() == [1, 2, 3]
        np.testing.assert_array_equal(copy["tas"].values, original["tas"].sel(number=[1, 2, 3]).values)
    joined = open_dataset([tmp_path / "f0.nc", tmp_path / "f1_reordered.nc"])
    assert joined.sizes["time"] == 8 and joined["number"].values.tolist() == [1, 2, 3]
