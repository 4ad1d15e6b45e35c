"""Advice on NetCDF-4 files with enum variables (climann/data/enum_files.py): Python, as NCO has no enums."""

import shlex

import netCDF4
import numpy as np

from climann.data.enum_files import enum_variables, holds_enum_types
from climann.data.open import open_input
from climann.data.shell import attribute_command, drop_command, input_and_copy, ncatted_attribute
from tests.fresh_python import run_python
from tests.data.test_user_types import enum_file  # noqa: F401  (the fixture)


def test_the_enum_variables_of_a_file_read_are_known(enum_file):  # noqa: F811
    assert not holds_enum_types(enum_file)  # not read yet
    open_input(enum_file)
    assert enum_variables(enum_file) == {"lc", "mask"}


def test_a_fill_value_for_an_enum_variable_is_an_xarray_line_that_works(enum_file, monkeypatch):  # noqa: F811
    """break41b B2b: ``ncatted -a _FillValue,mask,o,ub,255`` fails on an enum (NCO 5.1: no variable matches)."""
    monkeypatch.chdir(enum_file.parent)
    open_input(enum_file)
    line = attribute_command([ncatted_attribute("_FillValue", "mask", "o", "ub", "255")], input_and_copy(enum_file))
    assert not line.startswith("ncatted")
    run_python(*shlex.split(line)[1:], check=True, cwd=enum_file.parent)
    with netCDF4.Dataset(enum_file.parent / "enum_fixed.nc") as copy, netCDF4.Dataset(enum_file) as original:
        assert isinstance(copy["mask"].datatype, netCDF4.EnumType) and copy["mask"]._FillValue == 255
        np.testing.assert_array_equal(np.ma.getmaskarray(copy["mask"][:]), original["mask"][:] == 255)
        np.testing.assert_array_equal(copy["tas"][:], original["tas"][:])


def test_a_copy_without_a_variable_of_an_enum_file_keeps_its_enums(enum_file, monkeypatch):  # noqa: F811
    """``ncks -x`` of a file with enums leaves the enum variables out of its copy (NCO ignores them)."""
    monkeypatch.chdir(enum_file.parent)
    open_input(enum_file)
    line = drop_command(["tas"], input_and_copy(enum_file))
    assert not line.startswith("ncks")
    run_python(*shlex.split(line)[1:], check=True, cwd=enum_file.parent)
    with netCDF4.Dataset(enum_file.parent / "enum_fixed.nc") as copy:
        assert {"lc", "mask"} <= set(copy.variables) and "tas" not in copy.variables
        assert copy["lc"].datatype.enum_dict == {"forest": 1, "grass": 2, "desert": 3, "ice": 4, "fill": 255}
