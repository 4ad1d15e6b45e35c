"""Each file's stored type and packing of a combined variable (climann/data/file_encodings.py)."""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from climann.data.file_encodings import FILE_ENCODINGS_KEY, as_stored_in, file_encodings, files_by_answer
from climann.data.open import open_dataset


def _write(path, *, first_day: float, packing: tuple[float, float] | None = None):
    """tas of 3 steps 30 days apart from ``first_day``: float32, or short packed with ``packing``
    (scale_factor, add_offset)."""
    encoding = {"dtype": "f4", "_FillValue": None}
    if packing is not None:
        encoding = {"dtype": "i2", "scale_factor": packing[0], "add_offset": packing[1], "_FillValue": None}
    with warnings.catch_warnings():  # packed without a _FillValue, as old files are
        warnings.simplefilter("ignore", xr.SerializationWarning)
        _dataset(first_day).to_netcdf(path, encoding={"tas": encoding})
    return path


def _dataset(first_day: float) -> xr.Dataset:
    """tas of 285 K at 3 steps 30 days apart from ``first_day`` on a 2×3 grid."""
    values = np.full((3, 2, 3), 285.0)
    return xr.Dataset({"tas": (("time", "lat", "lon"), values, {"units": "K"})},
                      coords={"time": ("time", np.arange(3) * 30.0 + first_day, {"units": "days since 2000-01-01"}),
                              "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                              "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})})


def test_files_stored_alike_record_nothing(tmp_path):
    """Two float32 files: the combined variable's own encoding says how both are stored."""
    dataset = open_dataset([_write(tmp_path / "a.nc", first_day=15.0), _write(tmp_path / "b.nc", first_day=105.0)])
    assert FILE_ENCODINGS_KEY not in dataset["tas"].encoding and file_encodings(dataset["tas"]) == ()


def test_files_whose_fill_value_is_nan_are_stored_alike(tmp_path):
    """Three float32 files with xarray's default ``_FillValue = NaN``: stored alike, nothing
    recorded; beside a fourth whose ``_FillValue`` is -999, two groups (NaN is not any number)."""
    files = []
    for index, fill in enumerate([np.nan, np.nan, np.nan, -999.0]):
        path = tmp_path / f"{'abcd'[index]}.nc"
        _dataset(15.0 + 90 * index).to_netcdf(path, encoding={"tas": {"dtype": "f4", "_FillValue": fill}})
        files.append(path)
    for path in files:  # as written: a NaN fill value in the first three files' headers, -999 in the last's
        with xr.open_dataset(path, decode_cf=False) as raw:
            assert np.isnan(raw["tas"].attrs["_FillValue"]) == (path.name != "d.nc")

    alike = open_dataset(files[:3])["tas"]
    assert FILE_ENCODINGS_KEY not in alike.encoding and np.isnan(alike.encoding["_FillValue"])
    records = file_encodings(open_dataset(files)["tas"])
    assert [[name.rsplit("/", 1)[-1] for name in record.files] for record in records] == [
        ["a.nc", "b.nc", "c.nc"], ["d.nc"]]
    assert [len(record.times) for record in records] == [9, 3]
    assert np.isnan(records[0].encoding["_FillValue"]) and records[1].encoding["_FillValue"] == -999.0


def test_each_group_of_files_stored_alike_is_recorded_with_its_steps(tmp_path):
    """float, packed, packed alike, packed otherwise: three groups, the alike packed files one, in file order."""
    files = [_write(tmp_path / "a.nc", first_day=15.0),
             _write(tmp_path / "b.nc", first_day=105.0, packing=(0.01, 280.0)),
             _write(tmp_path / "c.nc", first_day=195.0, packing=(0.01, 280.0)),
             _write(tmp_path / "d.nc", first_day=285.0, packing=(0.02, 300.0))]
    tas = open_dataset(files)["tas"]
    records = file_encodings(tas)
    assert [[name.rsplit("/", 1)[-1] for name in record.files] for record in records] == [
        ["a.nc"], ["b.nc", "c.nc"], ["d.nc"]]
    assert [len(record.times) for record in records] == [3, 6, 3]
    assert np.isin(records[1].times, tas["time"].values[3:9]).all()
    assert "scale_factor" not in records[0].encoding and records[0].encoding["dtype"] == np.dtype("f4")
    assert (records[2].encoding["scale_factor"], records[2].encoding["add_offset"]) == (0.02, 300.0)
    stand_in = as_stored_in(tas, records[2])
    assert stand_in.encoding["scale_factor"] == 0.02 and stand_in.attrs["units"] == "K"


def test_files_by_answer_groups_files_of_one_answer_fewest_first():
    """Files of one answer together in their order, the groups by their number of files
    (a tie keeps the answer met first), None an answer like any other."""
    answers = [(("a.nc",), "x = 0"), (("b.nc", "c.nc"), None), (("d.nc",), "x = 0"), (("e.nc",), "y = 1"),
               (("f.nc",), None)]

    assert files_by_answer(answers) == [(("e.nc",), "y = 1"), (("a.nc", "d.nc"), "x = 0"),
                                        (("b.nc", "c.nc", "f.nc"), None)]
