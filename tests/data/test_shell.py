"""Files named in the shell commands of climann's advice: each command, split as a shell splits
it, names the file as the user can reach it from the working folder, and its copy beside it."""

import gzip
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
import functools
import textwrap
from collections.abc import Callable

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.fill_like import warn_fill_like_values
from climann.data.open import open_dataset
from climann.data.grids import cell_coordinates
from climann.data.shell import (
    attribute_command,
    beside,
    cdo_input_files,
    copies_of_files,
    copies_said_once,
    glob_words,
    identifier,
    in_place_note,
    input_and_copy,
    name_list,
    ncap2_command,
    ncap2_name,
    ncatted_attribute,
    ncatted_command,
    ncatted_number,
    ncrename_variable,
    original_and_copy,
    python_command,
    python_copies,
    python_copies_by_folder,
    shown_path,
    source_and_copy,
    whole_write,
    wrapped_lines,
    xarray_command,
)
from climann.data.variables import grid_layout
from climann.errors import ClimannError
from tests.data.test_time_values import _hours_since_year_1, _monthly_days, MONTH_STARTS, NCEP_UNITS
from tests.data.test_time_values import _write as _write_times
from tests.data.test_time_units import _write as _write_units
from tests.conftest import grid_dataset, run_store_edit
from tests.fresh_python import bare_python, run_python, shell_path
from tests.followed_twice import without_guards

FOLDER = "my data"


def test_a_path_inside_the_working_folder_is_relative_and_quoted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = (tmp_path / FOLDER / "iri.nc").resolve()
    assert shown_path(path) == "'my data/iri.nc'"
    assert beside(path) == "'my data/iri_fixed.nc'"
    assert shlex.split(input_and_copy(path, "monthly")) == ["my data/iri.nc", "my data/iri_monthly.nc"]


def test_source_and_copy_names_the_file_an_object_was_read_from(tmp_path, monkeypatch):
    import xarray as xr

    monkeypatch.chdir(tmp_path)
    (tmp_path / "my data").mkdir()
    xr.Dataset({"tas": ("x", [1.0, 2.0])}).to_netcdf(tmp_path / "my data" / "a.nc")
    (tmp_path / "my data" / "a_fixed.nc").touch()  # taken: the copy is a_fixed_2.nc
    with xr.open_dataset(tmp_path / "my data" / "a.nc") as opened:
        assert source_and_copy(xr.Dataset(), opened["tas"]) == "'my data/a.nc' 'my data/a_fixed_2.nc'"
    assert source_and_copy(xr.Dataset({"tas": ("x", [1.0])})) == "IN.nc OUT.nc"  # in memory: no file to name


def test_a_path_outside_the_working_folder_is_absolute(tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    path = tmp_path / FOLDER / "it's.nc"
    assert shlex.split(shown_path(path)) == [str(path.resolve())]


def _commands(message: str) -> list[list[str]]:
    """The shell commands in a message (between backticks, or in parentheses after ``ncatted``
    when the message has no backticks), each split as a POSIX shell splits it."""
    quoted = re.findall(r"`([^`]+)`", without_guards(message))
    found = quoted or [re.search(r"(ncatted .*?)(?: \(then give .*)?\)?$", message).group(1)]
    return [shlex.split(command) for command in found]


def _in_folder(tmp_path, name):
    (tmp_path / FOLDER).mkdir(exist_ok=True)
    return tmp_path / FOLDER / name


def _iri(tmp_path):
    return _write_units(_in_folder(tmp_path, "iri file.nc"), units="months since 1960-01-01", calendar="360")


def _months_since(tmp_path):
    return _write_units(_in_folder(tmp_path, "obs file.nc"), units="months since 1850-01-01", calendar="standard")


def _no_date(tmp_path):
    values = _monthly_days(12)
    values[5] = -999.0
    return _write_times(_in_folder(tmp_path, "no date.nc"), values, fill=-999.0)


def _no_calendar(tmp_path):
    return _write_times(_in_folder(tmp_path, "idealised run.nc"), _monthly_days(12), calendar="none")


def _proleptic(tmp_path):
    return _write_times(_in_folder(tmp_path, "ncep file.nc"), _hours_since_year_1(MONTH_STARTS), units=NCEP_UNITS,
                        calendar="standard")


def _text_fill(tmp_path):
    path = _write_times(_in_folder(tmp_path, "text fill.nc"), _monthly_days(12))
    with netCDF4.Dataset(path, "a") as nc:
        nc.variables["tas"].setncattr_string("missing_value", "-9999 (missing)")  # one number is read as it
    return path


@pytest.mark.parametrize(
    ("write", "tool", "copy"),
    [
        pytest.param(_iri, "ncatted", "{stem}_fixed.nc", id="open-calendar-360"),
        # fix54h: months since's copies go into a new folder, as every copies_of_files copy
        pytest.param(_months_since, "cdo", "days_since/{name}", id="time_units-months-since"),
        pytest.param(_no_date, "ncks", "{stem}_fixed.nc", id="time_values-missing-stamp"),
        pytest.param(_no_calendar, "ncatted", "{stem}_fixed.nc", id="time_values-calendar-none"),
        pytest.param(_proleptic, "ncatted", "{stem}_fixed.nc", id="time_values-proleptic"),
        pytest.param(_text_fill, "ncatted", "{stem}_fixed.nc", id="masking-text-attribute"),
    ],
)
def test_a_refusal_names_the_file_and_its_copy_as_a_shell_reads_them(tmp_path, monkeypatch, write, tool, copy):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path)
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    # a refusal of text attributes gives ncatted, then an xarray line for where NCO is not installed
    said = str(refused.value)
    (command, *xarray_line) = _commands(bare_python(said, some=False))
    assert command[0] == tool and all(line[:2] == ["python", "-c"] for line in xarray_line)
    assert command[-2:] == [f"{FOLDER}/{path.name}", f"{FOLDER}/" + copy.format(stem=path.stem, name=path.name)]
    assert (tmp_path / command[-2]).samefile(path)


def test_the_fill_like_warning_names_the_file_as_a_shell_reads_it(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    values = np.full(12, 280.0)
    values[3] = -9999.0
    path = _write_times(_in_folder(tmp_path, "fill like.nc"), _monthly_days(12))
    with netCDF4.Dataset(path, "a") as nc:
        nc.variables["tas"][:] = values[:, None, None] * np.ones((1, 2, 3))
        nc.variables["tas"].units = "W m-2"  # in K, -9999 would be read as missing: below absolute zero
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_fill_like_values(open_dataset([path]), ["tas"], where=path.name, file=path.resolve())
    (line,) = re.findall(r"`([^`]+)`", caplog.records[0].getMessage())
    command = shlex.split(line.rsplit(" && ", 1)[1])
    # its copy in a new folder beside it, under its own name (fix55a: 'fill like_fixed.nc' beside it)
    assert command == ["ncatted", "-a", "_FillValue,tas,o,f,-9999", f"{FOLDER}/fill like.nc",
                       f"{FOLDER}/missing_marked/fill like.nc"]
    assert (tmp_path / command[-2]).samefile(path)
    subprocess.run(line, shell=True, check=True, capture_output=True)  # as printed: the names with spaces quoted
    assert sorted(os.listdir(FOLDER)) == ["fill like.nc", "missing_marked"]
    read = open_dataset([tmp_path / command[-1]])["tas"].values
    np.testing.assert_array_equal(read, np.where(values == -9999.0, np.nan, values)[:, None, None] * np.ones((1, 2, 3)))


def test_the_float32_stamps_warning_names_the_file_as_a_shell_reads_it(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    hours = np.arange(48, dtype=np.float64) + 24 * 365 * 14  # hourly, 2004
    path = _write_times(_in_folder(tmp_path, "hourly f32.nc"), hours / 24.0, units="days since 1990-01-01",
                        calendar="standard")
    with netCDF4.Dataset(path, "w") as nc:  # the same file with time stored as float32
        nc.createDimension("time", hours.size)
        time = nc.createVariable("time", "f4", ("time",))
        time.standard_name, time.units, time.calendar = "time", "days since 1990-01-01", "standard"
        time[:] = (hours / 24.0).astype(np.float32)
        nc.createVariable("tas", "f4", ("time",))[:] = np.arange(hours.size)
    with caplog.at_level(logging.WARNING):
        open_dataset([path])
    (warning,) = [record.getMessage() for record in caplog.records if "float32" in record.getMessage()]
    (command,) = _commands(warning)
    assert command[0] == "ncap2" and command[-2:] == [f"{FOLDER}/hourly f32.nc", f"{FOLDER}/hourly f32_fixed.nc"]


def test_the_decompression_command_names_the_file_as_a_shell_reads_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plain = _write_times(tmp_path / "plain.nc", _monthly_days(3))
    packed = _in_folder(tmp_path, "my file.nc.gz")
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    with pytest.raises(ClimannError) as refused:
        open_dataset([packed])
    (command,) = _commands(str(refused.value))
    assert command == ["gunzip", "-k", f"{FOLDER}/my file.nc.gz"]
    assert (tmp_path / command[-1]).samefile(packed)


def test_a_copy_is_never_named_as_its_input_or_an_existing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "iri.nc"
    path.touch()
    (tmp_path / "iri_fixed.nc").touch()
    (tmp_path / "iri_fixed_2.nc").symlink_to(tmp_path / "gone.nc")  # a broken link is a name taken too
    assert beside(path) == "iri_fixed_3.nc"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        pytest.param("-lead.nc", "./-lead.nc", id="file"),
        pytest.param("-x/a.nc", "./-x/a.nc", id="folder"),
        pytest.param("-my data/a.nc", "'./-my data/a.nc'", id="folder-quoted"),
    ],
)
def test_a_relative_name_beginning_with_a_dash_is_not_read_as_an_option(tmp_path, monkeypatch, name, shown):
    monkeypatch.chdir(tmp_path)
    assert shown_path(tmp_path / name) == shown
    assert all(not argument.startswith("-") for argument in shlex.split(input_and_copy(tmp_path / name)))


def test_a_dash_named_file_in_a_refusal_is_reached_from_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _text_fill(tmp_path).rename(tmp_path / "-lead.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    command, _ = _commands(str(refused.value))  # ncatted, and the xarray line
    assert command[-2:] == ["./-lead.nc", "./-lead_fixed.nc"]
    assert (tmp_path / command[-2]).samefile(path)


FILL_WARNING = ("'sp' in era5 like.nc holds -9999 at 360 of the 7344 values checked, a usual fill value (observation "
                "products' missing value) that no _FillValue or missing_value marks as missing, so they are used as "
                "data; if they are missing values: "
                "ncatted -a _FillValue,sp,o,f,-9999 'era5 like.nc' 'era5 like_fixed.nc'")
GROUP_REFUSAL = ("data.nc holds its variables in the NetCDF-4 group 'data', not in the root group that climann reads; "
                 "copy the group into a plain file, e.g. `ncks -G : -g data data.nc data_data.nc` (or xarray: "
                 "open_dataset(path, group='data').to_netcdf('data_data.nc'))")
RENAME_WARNING = ("x.nc holds 't2m', which the run renamed to 'tas': rename it in a copy (ncrename -v t2m,tas "
                  "'a (1).nc' 'a (1)_fixed.nc') or name the file to match")
NCAP2 = ("ncap2 -s 'defdim(\"bnds\",2);time_bnds[$time,$bnds]=0.0;time_bnds(:,0)=time-1;time_bnds(:,1)=time;"
         "time@bounds=\"time_bnds\"' new_grib_daily.nc new_grib_daily_fixed_2.nc")
BOUNDS_REFUSAL = ("'pr' in new_grib_daily.nc has no time bounds; add time bounds (CF 7.1) of each value's period: for "
                  f"totals over the hour before each stamp (ERA5), {NCAP2} (for totals over the day before it, 24 in "
                  "place of 1)")

RESUME_ADVICE = ("run directory runs/tas 64x64 holds an unfinished run (checkpoint.npz); continue it with: climann "
                 "train --resume 'runs/tas 64x64', or pass --overwrite to start again")
MEMBER_NOTE = ("member: the ensemble members (r1i1p1f1, r2i1p1f1); the model is trained on one, member = 'r1i1p1f1' "
               "here: pick the member to train on (the others can be predicted with climann predict --select "
               "member=VALUE)")


@pytest.mark.parametrize(
    ("message", "command"),
    [
        pytest.param(FILL_WARNING, "ncatted -a _FillValue,sp,o,f,-9999 'era5 like.nc' 'era5 like_fixed.nc'",
                     id="after-a-colon"),
        pytest.param(GROUP_REFUSAL, "`ncks -G : -g data data.nc data_data.nc`", id="backticks"),
        pytest.param(RENAME_WARNING, "(ncrename -v t2m,tas 'a (1).nc' 'a (1)_fixed.nc')", id="in-parentheses"),
        # the words in parentheses after it stayed on the command's line (a 219-column line)
        pytest.param(BOUNDS_REFUSAL, NCAP2, id="words-in-parentheses-after-it"),
        # climann's own commands were split after `climann` (tour13)
        pytest.param(RESUME_ADVICE, "climann train --resume 'runs/tas 64x64',", id="climann-command-before-a-comma"),
        pytest.param(MEMBER_NOTE, "climann predict --select member=VALUE)", id="climann-command-in-parentheses"),
    ],
)
@pytest.mark.parametrize("width", [pytest.param(width, id=f"{width}-columns") for width in (30, 50, 80)])
def test_wrapping_never_breaks_inside_a_command(message, command, width):
    lines = wrapped_lines(f"climann: warning: {message}", width)
    assert any(command in line for line in lines)  # whole, on one line
    assert " ".join(lines) == f"climann: warning: {message}"  # nothing lost or added
    assert all(len(line) <= width or " " not in line for line in lines if command not in line)
    # a line too long is the command alone: the words after it wrap at the width
    assert all(len(line) <= width or line == command or " " not in line for line in lines)


@pytest.mark.parametrize("text", [
    pytest.param("data_data.nc  (9.7 KiB) holds   the tas of 1990 to 1999 " * 5, id="spaces-between-words"),
    # explain's ranking rows: their indent was dropped when wrapped on a terminal
    pytest.param("  1. lat     23.46 ± 1.7 degC² " * 3, id="leading-spaces"),
    # climann named in prose is no command: neither its messages' prefix nor its files' titles
    pytest.param("climann: error: tas.nc holds climann predictions of tas, which climann trains on; climann "
                 "evaluate-like words and climann's own " * 2, id="climann-in-prose"),
])
def test_wrapping_text_without_commands_is_textwrap(text):
    assert wrapped_lines(text, 40, initial_indent="# ", subsequent_indent="#     ") == textwrap.wrap(
        text, 40, initial_indent="# ", subsequent_indent="#     ", break_long_words=False, break_on_hyphens=False)


@pytest.mark.parametrize("value, dtype, text", [
    pytest.param(-9999.0, "f8", "-9999", id="whole"),
    pytest.param(1e20, "f4", "1e+20", id="float"),
    pytest.param(9.969209968386869e36, "f4", "9.96921e+36", id="float-default-fill"),
    pytest.param(9.969209968386869e36, "f8", "9.969209968386869e+36", id="double-default-fill"),
    pytest.param(np.float32(1e20), "f8", "1.0000000200408773e+20", id="float32-as-double"),
    pytest.param(0.2, "f4", "0.2", id="fraction"),
    pytest.param(-32767, "i2", "-32767", id="short"),
])
def test_ncatted_numbers_keep_the_digits_of_their_type(value, dtype, text):
    assert ncatted_number(value, np.dtype(dtype)) == text
    assert np.asarray(float(text)).astype(dtype) == np.asarray(value).astype(dtype)  # read back, the same number


def test_one_ncatted_command_makes_every_change():
    assert ncatted_command(["-a valid_min,psl,o,f,90000", "-a valid_max,psl,o,f,110000", "-a valid_min,psl,o,f,90000"],
                           "psl.nc psl_fixed.nc") == (
        "ncatted -a valid_min,psl,o,f,90000 -a valid_max,psl,o,f,110000 psl.nc psl_fixed.nc")


# widths at which the words alone break the title inside a unit (71: the comparison table's, tour13)
@pytest.mark.parametrize("width", [pytest.param(width, id=f"{width}-columns") for width in (30, 50, 71, 90)])
def test_wrapping_never_breaks_inside_a_phrase_kept_whole(width):
    """A table title's units (tour13: ``MSE in (kg m-2`` / ``s-1)², MAE in kg m-2 s-1``)."""
    units = ("kg m-2 s-1", "(kg m-2 s-1)²")
    title = "pr (kg m-2 s-1), test split 2007–2009, area-weighted: MSE in (kg m-2 s-1)², MAE in kg m-2 s-1"
    lines = wrapped_lines(title, width, whole=units)
    assert " ".join(lines) == title
    assert all(len(line) <= width for line in lines)
    assert sum(line.count("kg m-2 s-1") for line in lines) == 3  # each of the three whole on its line
    plain = wrapped_lines(title, width)  # without the phrases: between any words, as textwrap
    assert plain == textwrap.wrap(title, width, break_long_words=False, break_on_hyphens=False)
    assert sum(line.count("kg m-2 s-1") for line in plain) < 3


# widths at which the words alone end a line with "1000 kg" and begin the next with "m-3" (break28b A7, at 80
# columns in evaluate's warning)
@pytest.mark.parametrize("width", [pytest.param(width, id=f"{width}-columns") for width in (38, 41, 56, 58)])
def test_wrapping_never_parts_a_number_from_its_units(width):
    text = ("climann: warning: 'pr' in obs.nc converted from mm day-1 to kg m-2 s-1 with the density of liquid water, "
            "1000 kg m-3 (CF lwe_ names: a depth of liquid water)")
    lines = wrapped_lines(text, width)
    assert " ".join(lines) == text
    assert all(len(line) <= width for line in lines)
    assert any("1000 kg m-3" in line for line in lines), lines


HOSTILE_NAMES = [pytest.param("tas", id="plain"), pytest.param("sea surface temperature", id="spaces"),
                 pytest.param("a;b", id="semicolon"), pytest.param("x$HOME", id="dollar"),
                 pytest.param("-lead", id="dash"), pytest.param("it's", id="quote")]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_an_ncatted_attribute_is_one_shell_word_whatever_the_name(name):
    """A shell gives ncatted the ``-a`` argument as the NCO manual spells it, the name as it is in the file."""
    word = ncatted_attribute("long_name", name, "o", "c", "kg m-2; it's")
    assert shlex.split(f"ncatted {word} in.nc out.nc") == ["ncatted", "-a", f"long_name,{name},o,c,kg m-2; it's",
                                                           "in.nc", "out.nc"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_ncrename_and_a_name_list_are_one_shell_word_each(name):
    assert shlex.split(f"ncrename {ncrename_variable(name, 'new')} a.nc")[1:3] == ["-v", f"{name},new"]
    assert shlex.split(f"ncks -v {name_list(['tas', name])} a.nc")[2] == f"tas,{name}"


@pytest.mark.parametrize(("name", "quoted", "made"), [
    pytest.param("tas", "tas", "tas", id="plain"),
    pytest.param("land cover", "'land cover'", "land_cover", id="space"),
    pytest.param("sst-anomaly", "'sst-anomaly'", "sst_anomaly", id="dash"),
    pytest.param("2m temperature", "'2m temperature'", "_2m_temperature", id="leading-digit"),
])
def test_ncap2_names_a_variable_quoted_and_a_new_one_bare(name, quoted, made):
    """NCO manual, ncap2 "ID Quoting": a name other than letters, digits and _ is quoted in single quotes."""
    assert (ncap2_name(name), identifier(name)) == (quoted, made)
    command = ncap2_command([f"{identifier(name)}_x={ncap2_name(name)}*2", 'y@units="K"'], "in.nc out.nc")
    assert shlex.split(command) == ["ncap2", "-s", f"{made}_x={quoted}*2", "-s", 'y@units="K"', "in.nc", "out.nc"]


@pytest.mark.skipif(shutil.which("ncap2") is None or shutil.which("ncatted") is None, reason="NCO is not installed")
def test_the_built_commands_run_on_a_file_whose_names_hold_spaces(tmp_path):
    """The commands as a shell runs them, with NCO's ncatted, ncap2 and ncrename, on such a file."""
    path = tmp_path / "spaced.nc"
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("x", 3)
        nc.createVariable("land cover", "i1", ("x",))[:] = [1, 2, 1]
    files = input_and_copy(path)
    for command in (ncatted_command([ncatted_attribute("units", "land cover", "o", "c", "kg m-2")], files),
                    ncap2_command([f"{identifier('land cover')}_two={ncap2_name('land cover')}*2"], files),
                    f"ncrename {ncrename_variable('land cover', 'lc')} {files}"):
        subprocess.run(command, shell=True, check=True, capture_output=True)
        with netCDF4.Dataset(tmp_path / "spaced_fixed.nc") as fixed:
            if command.startswith("ncatted"):
                assert fixed["land cover"].units == "kg m-2"
            elif command.startswith("ncap2"):
                np.testing.assert_array_equal(fixed["land_cover_two"][:], [2, 4, 2])
            else:
                assert "lc" in fixed.variables and "land cover" not in fixed.variables
        (tmp_path / "spaced_fixed.nc").unlink()


@pytest.mark.parametrize("folder", [pytest.param("d", id="plain"), pytest.param("my data", id="quoted")])
def test_a_refusal_whose_copy_is_numbered_names_the_copy_written_before(tmp_path, monkeypatch, folder):
    """After running the printed ncap2, the copy hfss_fixed.nc is beside hfss.nc in the folder
    given to --data; the next run refuses hfss.nc again and offered hfss_fixed_2.nc without a word
    about the copy already there (verify20, left by the last session)."""
    from climann.data.shell import copy_path, earlier_copy_note, input_and_copy

    monkeypatch.chdir(tmp_path)
    (tmp_path / folder).mkdir()
    original = tmp_path / folder / "hfss.nc"
    original.write_bytes(b"")
    assert earlier_copy_note(f"refused (ncap2 -s 'hfss=-hfss' {input_and_copy(original)})") == ""
    copy_path(original).write_bytes(b"")
    message = f"refused (ncap2 -s 'hfss=-hfss' {input_and_copy(original)})"
    assert message.endswith("hfss_fixed_2.nc)") or message.endswith("hfss_fixed_2.nc')")
    quoted = shlex.quote(f"{folder}/hfss.nc")
    assert earlier_copy_note(message) == (
        f"; {shlex.quote(f'{folder}/hfss_fixed.nc')}, beside {quoted}, may be its corrected copy written before: "
        f"if so, move {quoted} out of the files given to climann (a folder is read whole), and run again")


def test_a_numbered_file_with_no_original_beside_it_adds_nothing(tmp_path, monkeypatch):
    from climann.data.shell import earlier_copy_note

    monkeypatch.chdir(tmp_path)
    (tmp_path / "run_fixed.nc").write_bytes(b"")  # not a copy of anything here
    assert earlier_copy_note("cdo -f nc4 copy in.nc run_fixed_2.nc") == ""


def test_a_copy_is_one_named_as_climann_s_advice_names_it_beside_its_original(tmp_path):
    """The copy an advised command writes (X_fixed.nc, X_restamped.nc) beside X.nc, in either
    order; not another file whose name starts alike (tas_ssp585.nc beside tas.nc: two scenarios),
    nor a copy in another folder (the with_bounds/ folder's, given in place of the originals)."""
    original = tmp_path / "sftlf_fx_X.nc"
    assert original_and_copy(tmp_path / "sftlf_fx_X_fixed.nc", original) == (original, tmp_path / "sftlf_fx_X_fixed.nc")
    assert original_and_copy(original, tmp_path / "sftlf_fx_X_restamped.nc")[1].name == "sftlf_fx_X_restamped.nc"
    assert original_and_copy(tmp_path / "tas.nc", tmp_path / "tas_ssp585.nc") is None
    assert original_and_copy(original, tmp_path / "fixed" / "sftlf_fx_X_fixed.nc") is None


# --- attribute changes in a Zarr store (fix30c) -----------------------------------------------------------------
def _calendar_store(store) -> None:
    """A store whose time says calendar 'none' (an idealised run's), refused with the calendar to set."""
    time = xr.Variable("time", np.arange(12.0) * 30, {"units": "days since 2000-01-01", "calendar": "none"})
    xr.Dataset({"tas": (("time", "lat", "lon"), np.ones((12, 2, 3), "f4"), {"units": "K"})},
               coords={"time": time, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_zarr(store)


def _bounds_store(store) -> None:
    """A store whose lon_bnds are missing at one cell: refused with the bounds attribute to remove."""
    lat, lon = np.array([-75.0, -45, -15, 15, 45, 75]), np.arange(8) * 45.0 + 22.5
    bounds = {"lat_bnds": (("lat", "bnds"), np.stack([lat - 15, lat + 15], 1)),
              "lon_bnds": (("lon", "bnds"), np.stack([lon - 22.5, lon + 22.5], 1))}
    bounds["lon_bnds"][1][2] = np.nan
    xr.Dataset({"tas": (("time", "lat", "lon"), np.ones((3, 6, 8), "f4"), {"units": "K"}), **bounds},
               coords={"time": ("time", np.arange(3.0), {"units": "days since 2000-01-01"}),
                       "lat": ("lat", lat, {"bounds": "lat_bnds", "units": "degrees_north"}),
                       "lon": ("lon", lon, {"bounds": "lon_bnds", "units": "degrees_east"})}).to_zarr(store)


def _mapping_store(store) -> None:
    """CORDEX's rotated grid whose mapping says 'rotation_latitude_longitude', refused with CF's name to write."""
    from tests.grid_files import write_rotated

    dataset = xr.load_dataset(write_rotated(store.with_suffix(".nc"), with_latlon=False), decode_times=False)
    dataset["rotated_pole"].attrs["grid_mapping_name"] = "rotation_latitude_longitude"
    dataset.to_zarr(store)


def _refusal(opened: Callable[[], object]) -> str:
    with pytest.raises(ClimannError) as refused:
        opened()
    return str(refused.value)


@pytest.mark.parametrize("zarr_format", [2, 3])
@pytest.mark.parametrize(("make", "use", "prefix"), [
    pytest.param(_calendar_store, lambda store: open_dataset([store]), "set the calendar the model ran in, e.g. `",
                 id="calendar"),
    pytest.param(_bounds_store, lambda store: grid_layout(open_dataset([store]), "tas", []),
                 "to have the areas computed from the cell centres: ", id="bounds"),
    pytest.param(_mapping_store, lambda store: cell_coordinates(open_dataset([store])),
                 "did you mean 'rotated_latitude_longitude'? ", id="grid-mapping-name"),
])
def test_attribute_advice_for_a_zarr_store_edits_the_store_and_works(tmp_path, monkeypatch, zarr_format, make, use,
                                                                     prefix):
    """fix30c: refusals on a Zarr store advised `ncatted … store.zarr store_fixed.nc`, which NCO cannot do to a
    store; the advice is one zarr-python line that changes the store itself, and run as printed the store
    opens and is used (read from its consolidated metadata and from its arrays' own)."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "data.zarr"
    with monkeypatch.context() as patched:  # xarray's to_zarr in the format under test
        patched.setattr(xr.Dataset, "to_zarr", functools.partialmethod(xr.Dataset.to_zarr, zarr_format=zarr_format))
        make(store)
    advice = _refusal(lambda: use(store)).split(prefix, 1)[1]
    # the line, then the words on its edit in place with the line that undoes it (fix54b: in the error itself)
    assert " (this line changes the store's own attributes in place (no copy: " in advice
    command = advice.split("`", 1)[0] if prefix.endswith("`") else advice.split(" (this line changes the store's", 1)[0]
    run_store_edit(command, tmp_path)
    use(store)  # no refusal


def test_a_stores_fill_value_is_set_as_its_missing_value(tmp_path):
    """xarray reads a store's _FillValue from the array's fill_value (format 2 ignores the attribute, format 3
    fails to open on it); the store's edit sets missing_value, which masks the values alike (CF 2.5.1)."""
    zarr = pytest.importorskip("zarr")
    store = tmp_path / "sst.zarr"
    xr.Dataset({"sst": (("time",), np.array([1.0, -9999.0, 2.0]))}).to_zarr(store)
    command = attribute_command([ncatted_attribute("_FillValue", "sst", "o", "d", "-9999")],
                                input_and_copy(store))
    run_store_edit(command, tmp_path)
    assert zarr.open_group(store)["sst"].attrs["missing_value"] == -9999.0
    np.testing.assert_array_equal(xr.open_zarr(store)["sst"].values, [1.0, np.nan, 2.0])


def test_a_file_keeps_its_ncatted_and_a_store_gets_no_copy_note(tmp_path):
    pytest.importorskip("zarr")
    xr.Dataset({"sst": (("time",), np.array([1.0]))}).to_zarr(tmp_path / "sst.zarr")
    edits = [ncatted_attribute("units", "sst", "o", "c", "degC"), ncatted_attribute("bounds", "", "d")]
    assert attribute_command(edits, "a.nc a_fixed.nc") == "ncatted -a units,sst,o,c,degC -a bounds,,d,, a.nc a_fixed.nc"
    store = input_and_copy(tmp_path / "sst.zarr")
    assert in_place_note(store) == ""
    assert attribute_command(edits, store).endswith(
        "g['sst'].attrs['units'] = 'degC'; [a.attrs.pop('bounds', None) for _, a in g.arrays()]; "
        f"zarr.consolidate_metadata({str(tmp_path / 'sst.zarr')!r})\"")


@pytest.mark.parametrize(
    ("message", "command"),
    [
        pytest.param(FILL_WARNING, "ncatted -a _FillValue,sp,o,f,-9999 'era5 like.nc' 'era5 like_fixed.nc'",
                     id="after-a-colon"),
        pytest.param(GROUP_REFUSAL, "ncks -G : -g data data.nc data_data.nc", id="backticks"),
        pytest.param(RENAME_WARNING, "ncrename -v t2m,tas 'a (1).nc' 'a (1)_fixed.nc'", id="in-parentheses"),
        pytest.param(BOUNDS_REFUSAL, NCAP2, id="words-in-parentheses-after-it"),
        pytest.param(RESUME_ADVICE, "climann train --resume 'runs/tas 64x64'", id="climann-command-before-a-comma"),
        # break30b A6: at 80 columns the terminal broke it inside "hist_units_fixed.nc"
        pytest.param("climann: warning: 'tas' in hist_units.nc converted from degC to K, the units of the model's "
                     "training data, assumed a temperature on the scale (with the offset): units_metadata does not "
                     "say; if it is a difference or anomaly, mark it (ncatted -a units_metadata,tas,o,c,'temperature: "
                     "difference' hist_units.nc hist_units_fixed.nc)",
                     "ncatted -a units_metadata,tas,o,c,'temperature: difference' hist_units.nc hist_units_fixed.nc",
                     id="units-metadata-advice"),
    ],
)
@pytest.mark.parametrize("width", [pytest.param(width, id=f"{width}-columns") for width in (30, 50, 80)])
def test_a_command_longer_than_the_line_is_continued_at_its_spaces_and_pastes_as_one(message, command, width):
    text = message if message.startswith("climann:") else f"climann: warning: {message}"
    lines = wrapped_lines(text, width, continued=True)
    # longer than the line only where one word of the command alone is (NCAP2's script)
    assert all(len(line) <= width or len(shlex.split(line.removesuffix(" \\"))) == 1 for line in lines), lines
    # pasted into a shell, a backslash before a newline joins the lines (POSIX Shell Command Language 2.2.1)
    pasted = re.sub(" +", " ", "\n".join(lines).replace(" \\\n", " "))
    assert command in pasted, lines
    assert " ".join(pasted.split()) == " ".join(text.split())  # nothing lost, nothing added
    without = wrapped_lines(text, width)
    if all(len(line) <= width for line in without):  # where the command fits, as without continuation
        assert lines == without


def test_a_command_is_never_broken_inside_quotes():
    from climann.data.shell import continued_command

    lines = continued_command("ncatted -a long_name,tas,o,c,'near surface air temperature' in.nc out.nc", 20, 20)
    assert lines == ["ncatted -a \\", "long_name,tas,o,c,'near surface air temperature' \\", "in.nc out.nc"]


def _store_command(advice: str) -> str:
    """The ``python -c "…"`` of a message's advice for a Zarr store, as printed (no ncap2)."""
    assert "ncap2" not in advice, advice
    return re.search(r'python -c "[^"]+"', advice).group(0)


def _run_printed(command: str, cwd) -> None:
    """Run a printed ``python -c`` as a user pastes it (the interpreter of this test for ``python``)."""
    words = shlex.split(command)
    assert words[:2] == ["python", "-c"] and len(words) == 3, command
    run_python("-c", words[2], check=True, cwd=cwd)


def _monthly_time(n_months: int, *, shift_bounds: int = 0) -> dict:
    """A noleap monthly time stamped on the 15th, its bounds the months ``shift_bounds`` months
    later (-1: each stamp outside its cell), in days since 2000-01-01, as stored."""
    import cftime

    units = "days since 2000-01-01"
    months = [cftime.datetime(2000 + (k + shift_bounds) // 12, (k + shift_bounds) % 12 + 1, 1, calendar="noleap")
              for k in range(-1, n_months + 1)]
    stamps = [cftime.datetime(2000 + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(n_months)]
    edges = np.array([[months[k + 1], months[k + 2]] for k in range(n_months)])
    time_bnds = cftime.date2num(edges.ravel(), units, "noleap").reshape(edges.shape)
    return {"time": ("time", cftime.date2num(stamps, units, "noleap"),
                     {"units": units, "calendar": "noleap", "bounds": "time_bnds"}),
            "time_bnds": (("time", "bnds"), time_bnds)}


def _snow_depth_store(store) -> np.ndarray:
    """Monthly fresh-snow depths (m, time: sum), which need the snow's density to be a mass."""
    time = _monthly_time(2)
    xr.Dataset({"prsn": ("time", np.array([0.3, 0.2]), {"units": "m", "cell_methods": "time: sum",
                                                       "standard_name": "thickness_of_snowfall_amount"}),
                "time_bnds": time.pop("time_bnds")}, coords=time).to_zarr(store)
    return np.diff(xr.open_zarr(store, decode_times=False)["time_bnds"].values, axis=1)[:, 0] * 86400.0


def _snow_as_rates(store) -> xr.DataArray:
    from climann.data.units import convert_variable

    opened = open_dataset([store])
    return convert_variable(opened["prsn"], "kg m-2 s-1", name="prsn", where=store.name, reference="the model",
                            time_bounds=opened["time_bnds"])


def _polar_bounds_store(store) -> None:
    """Latitude bounds extrapolated past the poles (105, -105: cf_xarray's add_bounds)."""
    lat, lon = np.array([-75.0, -45, -15, 15, 45, 75]), np.arange(8) * 45.0 + 22.5
    xr.Dataset({"tas": (("time", "lat", "lon"), np.ones((2, 6, 8), "f4"), {"units": "K"}),
                "lat_bnds": (("lat", "bnds"), np.stack([lat - 30, lat + 30], 1)),
                "lon_bnds": (("lon", "bnds"), np.stack([lon - 22.5, lon + 22.5], 1))},
               coords={"time": ("time", np.arange(2.0), {"units": "days since 2000-01-01"}),
                       "lat": ("lat", lat, {"bounds": "lat_bnds", "units": "degrees_north"}),
                       "lon": ("lon", lon, {"bounds": "lon_bnds", "units": "degrees_east"})}).to_zarr(store)


def _shifted_cells_store(store) -> None:
    """Monthly stamps on the 15th, each outside its cell (the bounds a month early)."""
    time = _monthly_time(4, shift_bounds=-1)
    xr.Dataset({"tas": (("time", "lat"), np.ones((4, 2), "f4"), {"units": "K"}), "time_bnds": time.pop("time_bnds")},
               coords={**time, "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north"})}).to_zarr(store)


def _whole_day_cells_store(store) -> None:
    """:func:`_shifted_cells_store` with its stamps and bounds stored as int32 whole days (as CDO and
    many models write daily and monthly axes): the cells' middles (15.5 days …) are not whole days."""
    time = _monthly_time(4, shift_bounds=-1)
    xr.Dataset({"tas": (("time", "lat"), np.ones((4, 2), "f4"), {"units": "K"}), "time_bnds": time.pop("time_bnds")},
               coords={**time, "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north"})}).to_zarr(
        store, encoding={"time": {"dtype": "int32"}, "time_bnds": {"dtype": "int32"}})


#: Fresh-snow depths on the step of their packing (int16, scale_factor 0.01 m), whose water
#: equivalent at 100 kg m-3 (a tenth) is not (0.037 m, 0.021 m).
PACKED_DEPTHS = np.array([0.37, 0.21])


def _packed_snow_depth_store(store) -> np.ndarray:
    """:func:`_snow_depth_store` with its depths packed as int16 (scale_factor 0.01)."""
    time = _monthly_time(2)
    xr.Dataset({"prsn": ("time", PACKED_DEPTHS, {"units": "m", "cell_methods": "time: sum",
                                                 "standard_name": "thickness_of_snowfall_amount"}),
                "time_bnds": time.pop("time_bnds")}, coords=time).to_zarr(
        store, encoding={"prsn": {"dtype": "int16", "scale_factor": 0.01, "_FillValue": -32767}})


def _colatitude_store(store) -> None:
    """Latitudes given as colatitudes (0 at the North Pole), which lie outside −90…90."""
    xr.Dataset({"tas": (("time", "lat"), np.ones((2, 3), "f4"), {"units": "K"})},
               coords={"time": ("time", np.arange(2.0), {"units": "days since 2000-01-01"}),
                       "lat": ("lat", [30.0, 100.0, 170.0], {"units": "degrees_north"})}).to_zarr(store)


def _warned(caplog, action: Callable[[], object], words: str) -> str:
    from climann.data.notes import forget_notes

    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        action()
    return next((record.getMessage() for record in caplog.records if words in record.getMessage()), "")


def _check_snow(tmp_path, caplog, seconds) -> None:
    """The copy holds the water equivalent at 100 kg m-3 (a tenth of the depth), and converts."""
    rates = _snow_as_rates(tmp_path / "snow_fixed.zarr")
    np.testing.assert_allclose(rates.values, np.array([0.3, 0.2]) * 100 / 1000 * 1000 / seconds, rtol=1e-6)


def _check_polar(tmp_path, caplog, _) -> None:
    """The copy's bounds are clipped at ±90 (the rest as they were), and read with no warning."""
    lat = np.array([-75.0, -45, -15, 15, 45, 75])
    copy = tmp_path / "polar_fixed.zarr"
    np.testing.assert_array_equal(xr.open_zarr(copy)["lat_bnds"].values,
                                  np.clip(np.stack([lat - 30, lat + 30], 1), -90, 90))
    assert _warned(caplog, lambda: grid_layout(open_dataset([copy]), "tas", []).cell_area_weights(),
                   "beyond the pole") == ""


def _check_restamped(tmp_path, caplog, _) -> None:
    """The copy's stamps are its cells' middles (a month early, as the bounds are), and it opens."""
    import cftime

    original = xr.open_zarr(tmp_path / "cells.zarr", decode_times=False)
    middles = original["time_bnds"].values.mean(axis=1)
    opened = open_dataset([tmp_path / "cells_fixed.zarr"])
    expected = cftime.num2date(middles, "days since 2000-01-01", "noleap")
    assert list(opened["time"].values) == list(expected)
    assert opened["time"].values[0] == cftime.datetime(1999, 12, 16, 12, calendar="noleap")


def _check_restamped_as_stored(tmp_path, caplog, made) -> None:
    """The copy stores its cells' middles as computed (-15.5 days, not rounded to the int32 the
    original's stamps were stored as: -16), and opens as :func:`_check_restamped` says."""
    bounds = xr.open_zarr(tmp_path / "cells.zarr", decode_times=False)["time_bnds"].values
    stored = xr.open_zarr(tmp_path / "cells_fixed.zarr", decode_times=False)["time"].values
    np.testing.assert_array_equal(stored, (bounds[:, 0] + bounds[:, 1]) / 2)
    assert stored[0] == -15.5
    _check_restamped(tmp_path, caplog, made)


def _check_packed_snow(tmp_path, caplog, _) -> None:
    """The copy holds each depth as read times 100 / 1000, as computed (not rounded to the 0.01 m
    step of the original's packing: 0.04 and 0.02)."""
    read = xr.open_zarr(tmp_path / "snow.zarr")["prsn"].values
    np.testing.assert_array_equal(xr.open_zarr(tmp_path / "snow_fixed.zarr")["prsn"].values, read * 100 / 1000)


def _check_latitudes(tmp_path, caplog, _) -> None:
    """The copy's latitudes are 90 minus the colatitudes, in order, and it opens."""
    opened = open_dataset([tmp_path / "colat_fixed.zarr"])
    np.testing.assert_array_equal(np.sort(opened["lat"].values), [-80.0, -10.0, 60.0])


def _check_unbounded(tmp_path, caplog, _) -> None:
    """The copy has no time bounds, nor a ``bounds`` attribute naming them, and each step is dated
    by its stamp on the 15th (the bounds' months dropped with them)."""
    import cftime

    stored = xr.open_zarr(tmp_path / "cells_fixed.zarr", decode_times=False)
    assert "time_bnds" not in stored.variables and "bounds" not in stored["time"].attrs
    opened = open_dataset([tmp_path / "cells_fixed.zarr"])
    assert list(opened["time"].values) == [cftime.datetime(2000, month, 15, calendar="noleap") for month in (1, 2, 3, 4)]


@pytest.mark.parametrize(("store_name", "make", "advise", "placeholder", "check"), [
    pytest.param("snow.zarr", _snow_depth_store, lambda store, _: _refusal(lambda: _snow_as_rates(store)),
                 ("DENSITY", "100"), _check_snow, id="unit-conversion-by-density"),
    pytest.param("polar.zarr", _polar_bounds_store,
                 lambda store, caplog: _warned(caplog, lambda: grid_layout(open_dataset([store]), "tas", [])
                                               .cell_area_weights(), "beyond the pole"),
                 None, _check_polar, id="clip-latitude-bounds"),
    pytest.param("cells.zarr", _shifted_cells_store, lambda store, _: _refusal(lambda: open_dataset([store])),
                 None, _check_restamped, id="time-restamp-at-cell-middles"),
    pytest.param("cells.zarr", _shifted_cells_store,
                 lambda store, _: _refusal(lambda: open_dataset([store])).split("drop the bounds: ", 1)[1],
                 None, _check_unbounded, id="time-bounds-dropped"),
    pytest.param("colat.zarr", _colatitude_store, lambda store, _: _refusal(lambda: open_dataset([store])),
                 None, _check_latitudes, id="colatitude-flip"),
    pytest.param("cells.zarr", _whole_day_cells_store, lambda store, _: _refusal(lambda: open_dataset([store])),
                 None, _check_restamped_as_stored, id="time-restamp-of-int-days-at-fractional-middles"),
    pytest.param("snow.zarr", _packed_snow_depth_store, lambda store, _: _refusal(lambda: _snow_as_rates(store)),
                 ("DENSITY", "100"), _check_packed_snow, id="unit-conversion-of-packed-int16"),
])
def test_values_advice_for_a_zarr_store_run_as_printed_writes_a_copy_climann_reads_right(
        tmp_path, monkeypatch, caplog, store_name, make, advise, placeholder, check):
    """fix31a: advice that computes values printed `ncap2 … store.zarr store_fixed.nc`, which NCO cannot read;
    for a store it is one xarray line, and run as printed (the store's placeholder filled in) it writes a copy
    beside the store that climann reads with the values the advice computes, the store left as it was."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    store = tmp_path / store_name
    made = make(store)
    before = {name: array.values for name, array in xr.open_zarr(store, decode_times=False).variables.items()}
    command = _store_command(advise(store, caplog))
    _run_printed(command.replace(*placeholder) if placeholder else command, tmp_path)
    check(tmp_path, caplog, made)
    after = xr.open_zarr(store, decode_times=False).variables
    for name, values in before.items():
        np.testing.assert_array_equal(after[name].values, values)



def test_a_copy_of_a_copy_is_numbered_not_stacked_and_never_an_existing_file(tmp_path, monkeypatch):
    """fix36b: the second advice followed on iri_fixed.nc wrote iri_fixed_fixed.nc; it is
    numbered (iri_fixed_2.nc), skipping the names taken, and the pair is known as original and
    copy; the note on a copy written before is not given for the command's own input."""
    from climann.data.shell import copy_path, earlier_copy_note

    monkeypatch.chdir(tmp_path)
    for name in ("iri.nc", "iri_fixed.nc"):
        (tmp_path / name).write_bytes(b"")
    assert copy_path(tmp_path / "iri_fixed.nc") == tmp_path / "iri_fixed_2.nc"
    (tmp_path / "iri_fixed_2.nc").write_bytes(b"")
    assert copy_path(tmp_path / "iri_fixed_2.nc") == tmp_path / "iri_fixed_3.nc"
    assert copy_path(tmp_path / "iri_fixed.nc", "dated") == tmp_path / "iri_fixed_dated.nc"  # another fix: said so
    assert original_and_copy(tmp_path / "iri_fixed_2.nc", tmp_path / "iri_fixed.nc") == (
        tmp_path / "iri_fixed.nc", tmp_path / "iri_fixed_2.nc")
    assert earlier_copy_note("ncap2 -s 't=t' iri_fixed.nc iri_fixed_3.nc") == ""


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_two_folder_fixes_shown_by_one_command_chain_their_loops(tmp_path, monkeypatch):
    """fix38d: two fixes of a variable read from a folder, each a loop writing copies into a new folder
    (copies_of_files), were each made from the originals: two folders, one fix in each. Shown by one
    command, the second loop reads the first's copies; run as printed in order, its copies hold both."""
    from climann.data.shell import copies_of_files, copies_said_once, ncatted_attribute, ncatted_command

    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    for year in (2001, 2002, 2003):
        xr.Dataset({"tas": ("time", np.array([1.0, 2.0]), {"units": "Kelvin"})}).to_netcdf(tmp_path / "d" / f"{year}.nc")
    files = sorted(str(path) for path in (tmp_path / "d").glob("*.nc"))

    def advice(attribute: str, value: str, name: str) -> str:
        return "fix: " + copies_of_files(lambda arguments, file: ncatted_command(
            [ncatted_attribute(attribute, "tas", "o", "c", value)], arguments), files, name=name)

    with copies_said_once() as copies:
        first = copies.shown(advice("units", "K", "units_fixed"))
        second = copies.shown(advice("long_name", "air temperature", "names_fixed"))
    first, second = without_guards(first), without_guards(second)
    assert first.startswith("fix: mkdir -p d/units_fixed && ( for f in d/*.nc; do ncatted -a units,tas,o,c,K ")
    assert second.startswith("fix: mkdir -p d/names_fixed && ( for f in d/units_fixed/*.nc; do ncatted -a long_name,")
    assert second.endswith("(this reads units_fixed, which the line shown before writes from d: run that one "
                           "first; names_fixed then holds both fixes)")
    for shown in (first, second):
        subprocess.run(["bash", "-c", shown.removeprefix("fix: ").partition(" (a copy of each")[0]], check=True,
                       cwd=tmp_path, capture_output=True)
    for year in (2001, 2002, 2003):
        with xr.open_dataset(tmp_path / "d" / "names_fixed" / f"{year}.nc") as fixed:
            assert fixed["tas"].attrs == {"units": "K", "long_name": "air temperature"}
    assert sorted(path.name for path in (tmp_path / "d").glob("*.nc")) == ["2001.nc", "2002.nc", "2003.nc"]


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_a_chained_line_made_before_the_line_it_follows_reads_the_copy_that_line_writes(tmp_path, monkeypatch):
    """break54b A1: a units line (its copy named first) shown after a line writing 'time_cells_joined/x.nc' was
    chained to read that copy, then the name it now held was taken for a copy of its own and renamed: it read
    'time_cells_joined_2/x.nc', which nothing writes (ncatted: file not found). Run as printed, in order, the
    two lines now end in one copy holding both attributes."""
    from climann.data.shell import copies_of_files, copies_said_once, copy_path, ncatted_attribute, ncatted_command

    monkeypatch.chdir(tmp_path)
    xr.Dataset({"pr": ("time", np.array([1.0, 2.0]), {"units": "Kg/m^2"})}).to_netcdf(tmp_path / "x.nc")
    with copies_said_once() as copies:
        units = "fix: " + ncatted_command([ncatted_attribute("units", "pr", "o", "c", "kg m-2")],
                                          f"x.nc {shown_path(copy_path(tmp_path / 'x.nc'))}")
        cells = "fix: " + copies_of_files(lambda arguments, file: ncatted_command(
            [ncatted_attribute("long_name", "pr", "o", "c", "precipitation")], arguments), [str(tmp_path / "x.nc")],
            name="time_cells_joined")
        first, second = without_guards(copies.shown(cells)), without_guards(copies.shown(units))
    written = first.partition(" (its copy")[0].rsplit(" ", 1)[1]
    assert written == "time_cells_joined/x.nc"
    assert second.startswith("fix: ncatted -a units,pr,o,c,'kg m-2' time_cells_joined/x.nc x_fixed.nc (this reads "
                             "time_cells_joined/x.nc, which the line shown before writes from x.nc: run that one "
                             "first; x_fixed.nc then holds both fixes)"), second
    for shown in (first, second):
        subprocess.run(["bash", "-c", shown.removeprefix("fix: ").partition(" (")[0]], check=True, cwd=tmp_path,
                       capture_output=True)
    with xr.open_dataset(tmp_path / "x_fixed.nc") as fixed:
        assert fixed["pr"].attrs == {"units": "kg m-2", "long_name": "precipitation"}
        np.testing.assert_array_equal(fixed["pr"].values, [1.0, 2.0])


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_a_chain_whose_first_fix_copies_some_files_carries_every_file(tmp_path, monkeypatch):
    """break53a A2: a first loop copying the 3 of NEMO's 10 yearly files that needed it, then a second
    over the 10 chained to read the first's folder: it looped over those 3 copies alone, yet said "each of
    its 10 files", and its folder, given in place of the originals, held 36 of 120 monthly steps. Now the
    second reads each file's copy where the first wrote one, else the file: run as printed, in order, its
    folder holds the 10 files and 120 steps, both fixes in the 3 and the second in the others."""
    from climann.data.shell import copies_of_files, copies_said_once, ncatted_attribute, ncatted_command

    monkeypatch.chdir(tmp_path)
    (tmp_path / "nemo").mkdir()
    years = range(1980, 1990)
    for year in years:
        xr.Dataset({"votemper": ("time_counter", np.arange(12.0), {"units": "degC"})}).to_netcdf(
            tmp_path / "nemo" / f"ORCA2_1m_{year}0101_{year}1231_grid_T.nc")
    every = sorted(str(path) for path in (tmp_path / "nemo").glob("*.nc"))
    some = [file for file in every if any(str(year) in os.path.basename(file) for year in (1983, 1985, 1986))]

    def advice(files: list[str], attribute: str, value: str, name: str) -> str:
        return "fix: " + copies_of_files(lambda arguments, file: ncatted_command(
            [ncatted_attribute(attribute, "votemper", "o", "c", value)], arguments), files, name=name)

    with copies_said_once() as copies:
        first = copies.shown(advice(some, "long_name", "temperature", "fixed"))
        second = copies.shown(advice(every, "standard_name", "sea_water_potential_temperature", "missing_marked"))
    assert "(a copy of each of its 10 files in a new folder)" in second
    assert second.endswith("(this reads each file from fixed where the line shown before writes its copy (from "
                           "nemo), else from nemo: run that one first; missing_marked then holds every file, with "
                           "both fixes where both apply)")
    for shown in (first, second):
        subprocess.run(["bash", "-c", shown.removeprefix("fix: ").partition(" (a copy of each")[0]], check=True,
                       cwd=tmp_path, capture_output=True)
    copied = sorted((tmp_path / "nemo" / "missing_marked").glob("*.nc"))
    assert [path.name for path in copied] == [os.path.basename(file) for file in every]
    steps, both = 0, []
    for path in copied:
        with xr.open_dataset(path) as fixed:
            steps += fixed.sizes["time_counter"]
            assert fixed["votemper"].attrs["standard_name"] == "sea_water_potential_temperature"
            both.append("long_name" in fixed["votemper"].attrs)
    assert steps == 12 * len(years) == 120
    assert [path.name for path, held in zip(copied, both) if held] == [os.path.basename(file) for file in some]


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_a_chain_of_three_fixes_says_the_third_copy_holds_all_three(tmp_path, monkeypatch):
    """rerun38 N9: the third of three lines on one file said its copy "then holds both fixes", and that the
    line before "writes from" the original, which it does not (it reads the first copy). Now: "all three
    fixes", and the file the line before reads; run as printed in order, the last copy holds the three."""
    from climann.data.shell import copies_said_once, input_and_copy, ncatted_attribute, ncatted_command

    monkeypatch.chdir(tmp_path)
    xr.Dataset({"tas": ("time", np.array([1.0, 2.0]), {"units": "Kelvin"})}).to_netcdf(tmp_path / "x.nc")

    def advice(attribute: str, value: str) -> str:
        return "fix: " + ncatted_command([ncatted_attribute(attribute, "tas", "o", "c", value)], input_and_copy("x.nc"))

    with copies_said_once() as copies:
        lines = [copies.shown(advice(attribute, value)) for attribute, value in
                 (("units", "K"), ("long_name", "air temperature"), ("standard_name", "air_temperature"))]
    assert lines[0] == "fix: ncatted -a units,tas,o,c,K x.nc x_fixed.nc"
    assert lines[1].endswith("x_fixed.nc x_fixed_2.nc (this reads x_fixed.nc, which the line shown before writes "
                             "from x.nc: run that one first; x_fixed_2.nc then holds both fixes)")
    assert lines[2].endswith("x_fixed_2.nc x_fixed_3.nc (this reads x_fixed_2.nc, which the line shown before "
                             "writes from x_fixed.nc: run that one first; x_fixed_3.nc then holds all three fixes)")
    for line in lines:
        subprocess.run(line.removeprefix("fix: ").partition(" (this reads")[0], shell=True, check=True,
                       cwd=tmp_path, capture_output=True)
    with xr.open_dataset(tmp_path / "x_fixed_3.nc") as fixed:
        assert fixed["tas"].attrs == {"units": "K", "long_name": "air temperature", "standard_name": "air_temperature"}


def test_copies_of_grib_files_are_named_nc_and_looped_over_a_glob(tmp_path, monkeypatch):
    """break38a B1, B5: copies of 36 ICON GRIB files were named *.grib2 (NetCDF inside) and the loop listed the 36
    files one by one (a 6 kB line). Now the loop runs over a glob that takes them and nothing else, each copy ends
    .nc, and the --data of the copies is a glob of .nc files; run here with cp as the tool."""
    import os
    from pathlib import Path

    from climann.data.shell import copies_command, copies_data

    monkeypatch.chdir(tmp_path)
    (tmp_path / "icon").mkdir()
    names = [f"icon-eu_2019{month:02d}_TOT_PREC.grib2" for month in (1, 2, 3)]
    for name in names:
        (tmp_path / "icon" / name).write_text(name)
    (tmp_path / "icon" / "icon-eu_201901_T_2M.grib2").write_text("other")  # not among the files: the glob leaves it
    files = [Path("icon") / name for name in names]
    command = copies_command(lambda source, copy: f"cp {source} {copy}", Path("icon/with_bounds"), files)
    assert "for f in icon/icon-eu_20190*_TOT_PREC.grib2; do" in command
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path)
    assert sorted(os.listdir(tmp_path / "icon" / "with_bounds")) == sorted(name.replace(".grib2", ".nc")
                                                                         for name in names)
    assert copies_data(Path("icon/with_bounds"), files) == "'icon/with_bounds/*.nc'"


def test_the_xarray_line_of_a_grib_file_opens_it_without_an_index_file(tmp_path, monkeypatch):
    """break38a B5: printed xarray lines opened GRIB files with cfgrib's defaults, which write x.grib2.5b7b6.idx beside
    the user's file. Run here on a GRIB file written with ecCodes: the copy holds its values, and no .idx is left."""
    import os

    from climann.data.shell import xarray_command
    from tests.fresh_python import run_python
    from tests.grib_files import write_grib

    monkeypatch.chdir(tmp_path)
    values = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4) + 270
    write_grib(tmp_path / "t2m.grib2", "2t", values, latitudes=np.array([50.0, 49.0, 48.0]),
               longitudes=np.array([0.0, 1.0, 2.0, 3.0]))
    command = xarray_command(["d = d.drop_vars([])"], "t2m.grib2 t2m_fixed.nc")
    run_python(*shlex.split(command)[1:], check=True, cwd=tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["t2m.grib2", "t2m_fixed.nc"]
    with xr.open_dataset(tmp_path / "t2m_fixed.nc") as copy:
        np.testing.assert_allclose(copy["t2m"].values, values, atol=1e-3)


def test_a_line_that_deletes_an_attribute_reads_the_copy_the_line_before_writes(tmp_path, monkeypatch):
    """break39a F5: ``ncatted -a _FillValue,tcno2,d,, x.nc x_fixed_2.nc`` after a line writing x_fixed.nc read
    the original (the ``,,`` of ncatted's deletion was taken for the prose's comma, ending the command before
    its files), so the earlier fix was lost; now it reads x_fixed.nc."""
    from climann.data.shell import copies_said_once, input_and_copy, ncatted_attribute, ncatted_command

    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.nc").touch()
    with copies_said_once() as copies:
        first = copies.shown("mark: " + ncatted_command([ncatted_attribute("_FillValue", "aod", "o", "f", "-9999")],
                                                        input_and_copy("x.nc")))
        second = copies.shown("unmark: " + ncatted_command([ncatted_attribute("_FillValue", "tcno2", "d"),
                                                            ncatted_attribute("missing_value", "tcno2", "d")],
                                                           input_and_copy("x.nc")))
    assert first == "mark: ncatted -a _FillValue,aod,o,f,-9999 x.nc x_fixed.nc"
    assert second == ("unmark: ncatted -a _FillValue,tcno2,d,, -a missing_value,tcno2,d,, x_fixed.nc x_fixed_2.nc "
                      "(this reads x_fixed.nc, which the line shown before writes from x.nc: run that one first; "
                      "x_fixed_2.nc then holds both fixes)")


@pytest.mark.parametrize(("names", "latest", "superseded"), [
    pytest.param(["X.nc", "X_fixed.nc", "X_fixed_2.nc"], "X_fixed_2.nc", ["X.nc", "X_fixed.nc"], id="chain-of-two"),
    pytest.param(["X.nc", "X_fixed.nc", "X_fixed_2.nc", "X_fixed_3.nc", "Y_fixed.nc"], "X_fixed_3.nc",
                 ["X.nc", "X_fixed.nc", "X_fixed_2.nc"], id="numbered-by-copy_path"),
    pytest.param(["X.nc", "X_fixed.nc", "X_fixed_dated.nc"], "X_fixed_dated.nc", ["X.nc", "X_fixed.nc"],
                 id="another-fix-of-the-copy"),
    # two fixes each written from X.nc: neither is the latest, and no chain is named
    pytest.param(["X.nc", "X_fixed.nc", "X_dated.nc"], None, None, id="two-fixes-of-one-original"),
])
def test_superseded_copies_name_every_earlier_file_of_a_chain(tmp_path, names, latest, superseded):
    """fix40b: the latest copy of a chain of advised fixes, and every file it supersedes, from any pair of it."""
    from climann.data.shell import superseded_copies

    files = [tmp_path / name for name in names]
    found = superseded_copies(files[0], files[1], files)
    if latest is None:
        assert found is None
    else:
        assert (found[0].name, [path.name for path in found[1]]) == (latest, superseded)
    assert superseded_copies(tmp_path / "tas.nc", tmp_path / "tas_ssp585.nc", files) is None


@pytest.mark.parametrize("store", [False, True], ids=["netcdf", "zarr"])
def test_a_one_file_xarray_line_writes_its_copy_whole_or_not_at_all(tmp_path, monkeypatch, store):
    """fix45m: xarray_command's line for one file or store wrote its copy under the final name, and a write that
    failed half-way (xarray refusing v's conflicting _FillValue NaN and missing_value -999 once the copy was begun)
    left a 239-byte a_fixed.nc, which a glob over the folder then took as data. Now the copy is written to a .part
    renamed when whole (whole_write): run as printed, the copy holds the values doubled (numpy); the failed line
    leaves nothing."""
    if store:
        pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    env = {**os.environ, "PATH": shell_path()}
    values = np.array([1.5, np.nan, 3.25, -2.0])
    dataset = xr.Dataset({"v": ("x", values)}, coords={"x": np.arange(4.0)})
    name = "a.zarr" if store else "a.nc"
    dataset.to_zarr(name) if store else dataset.to_netcdf(name)
    line = xarray_command(["d['v'] = d['v'] * 2"], f"{name} a_fixed.nc")
    subprocess.run(line, shell=True, check=True, capture_output=True, env=env)
    copy = "a_fixed.zarr" if store else "a_fixed.nc"
    written = xr.open_zarr(copy) if store else xr.open_dataset(copy)
    np.testing.assert_array_equal(written["v"].values, values * 2)
    held = sorted(os.listdir(tmp_path))
    assert held == sorted([name, copy])
    # a variable xarray cannot write (Python objects), begun once the copy's file is: 239 bytes written directly
    failed = subprocess.run(xarray_command(["d['w'] = ('x', __import__('numpy').array([{}] * 4, dtype=object))"],
                                           f"{name} b_fixed.nc"), shell=True, capture_output=True, text=True, env=env)
    assert failed.returncode != 0 and "cannot serialize arbitrary Python objects" in failed.stderr
    assert sorted(os.listdir(tmp_path)) == held


@pytest.mark.parametrize(("marks", "codes"), [
    pytest.param({"_FillValue": np.nan, "missing_value": -999.0}, [-999.0], id="nan-fill-beside-one-code"),
    pytest.param({"_FillValue": np.nan, "missing_value": [-999.0, -888.0]}, [-999.0, -888.0],
                 id="nan-fill-beside-two-codes"),
    pytest.param({"missing_value": [-9999.0, -8888.0]}, [-9999.0, -8888.0], id="two-codes-no-fill"),
    pytest.param({"_FillValue": -9999.0, "missing_value": [-9999.0, -8888.0]}, [-9999.0, -8888.0],
                 id="fill-among-two-codes"),
])
def test_a_copy_with_a_missing_value_xarray_cannot_write_is_written_with_its_codes_missing(tmp_path, monkeypatch,
                                                                                          marks, codes):
    """fix46h saw it: a NaN _FillValue (pandas' files) beside two codes got climann's ncatted of a missing_value
    -999,-888, whose copy xarray reads but refuses to write ("conflicting _FillValue (nan) and missing_value"; with
    several values and no fill, "truth value of an array … is ambiguous"), so every later xarray line of climann
    failed on it. Written whole now, with the values the marks mark missing there (numpy's count by hand) and every
    other value as it was."""
    monkeypatch.chdir(tmp_path)
    env = {**os.environ, "PATH": shell_path()}
    values = np.array([1.5, np.nan, codes[0], 3.25, codes[-1], -2.0, codes[0]])
    with netCDF4.Dataset("b.nc", "w") as handle:
        handle.createDimension("x", values.size)
        variable = handle.createVariable("v", "f8", ("x",), fill_value=marks.get("_FillValue", False))
        if "missing_value" in marks:
            variable.missing_value = np.array(marks["missing_value"])
        variable[:] = values
    with pytest.raises(ValueError):  # the kind: xarray reads such a file and refuses to write it back
        xr.open_dataset("b.nc").to_netcdf("direct.nc")
    line = xarray_command(["d.attrs['title'] = 'b'"], "b.nc b_fixed.nc")  # v as read, its encoding kept
    subprocess.run(line, shell=True, check=True, capture_output=True, env=env)
    written = xr.open_dataset("b_fixed.nc")["v"].values
    missing = np.isnan(values) | np.isin(values, codes)
    np.testing.assert_array_equal(np.isnan(written), missing)
    np.testing.assert_array_equal(written[~missing], values[~missing])


# widths at which the words alone end a line with "MSE 0.6666" or "1 −" or "mean ±" (break49e A3: explain's
# and compare's notes at 80 columns)
@pytest.mark.parametrize("width", [pytest.param(width, id=f"{width}-columns") for width in range(30, 100)])
def test_wrapping_never_parts_a_number_from_its_squared_units_nor_an_operator_from_its_operands(width):
    text = ("permutation importance on the test split 1997–1999 (93312 samples; MSE 0.6666 K², area-weighted): the "
            "increase of the MSE when each input is permuted, mean ± standard deviation over 5 repeats; "
            "MSESS = MSE skill score against the training years' climatology, 1 − MSE/MSE_clim, rsdt 173 ± 0.62 K²")
    lines = wrapped_lines(text, width)
    assert " ".join(lines) == text
    assert all(len(line) <= width for line in lines)
    for kept in ("0.6666 K²,", "mean ± standard", "1 − MSE/MSE_clim", "173 ± 0.62 K²", "MSESS = MSE"):
        assert any(kept in line for line in lines), (kept, lines)


def test_the_widths_above_break_there_without_the_rule():
    """The widths of the test above include ones where plain word wrapping (textwrap) parts them."""
    text = "(93312 samples; MSE 0.6666 K², area-weighted), mean ± standard deviation, 1 − MSE/MSE_clim"
    parted = [width for width in range(30, 100)
              if any(line.endswith(("0.6666", "±", "−")) for line in textwrap.wrap(text, width))]
    assert len(parted) >= 10


# break51 N4: explain's line of a dimensionless target ended in "MSE 0.53" at 80 columns, "(dimensionless)," began
# the next; units in parentheses of several words ("(kg m-2 s-1)²") were cut inside too
PARENTHESISED = ("permutation importance on the test split 1997–1999 (27648 samples; MSE 0.53 (dimensionless), "
                 "area-weighted): the increase of pr by 0.2 (kg m-2 s-1)² when so, of so by 37.02 (units 0.001) and "
                 "of fal by 0.01 (0 - 1); split 2010 (3 of 5 years) here")
PARENTHESISED_KEPT = ("0.53 (dimensionless),", "0.2 (kg m-2 s-1)²", "37.02 (units 0.001)", "0.01 (0 - 1);")


@pytest.mark.parametrize("width", [pytest.param(width, id=f"{width}-columns") for width in range(30, 100)])
def test_wrapping_never_parts_a_number_from_its_units_in_parentheses(width):
    lines = wrapped_lines(PARENTHESISED, width)
    assert " ".join(lines) == PARENTHESISED
    assert all(len(line) <= width for line in lines)
    for kept in PARENTHESISED_KEPT:
        assert any(kept in line for line in lines), (kept, lines)


def test_the_widths_above_part_units_in_parentheses_without_the_rule():
    """Plain word wrapping parts each of them at some width of the test above (80 among those of the first)."""
    for kept in PARENTHESISED_KEPT:
        parted = [width for width in range(30, 100)
                  if not any(kept in line for line in textwrap.wrap(PARENTHESISED, width))]
        assert parted, kept
    assert not any("0.53 (dimensionless)," in line for line in textwrap.wrap(PARENTHESISED, 80))


def test_prose_in_parentheses_after_a_number_is_not_taken_for_units():
    """Numbers among words ("(3 of 5 years)") are prose: a place to break stays between them."""
    from climann.data.shell import _words

    assert [word for word, _ in _words("split 2010 (3 of 5 years) here")] == [
        "split", "2010", "(3", "of", "5", "years)", "here"]


@pytest.mark.parametrize("first_beside", [pytest.param(True, id="beside-then-folder"),
                                          pytest.param(False, id="folder-then-folder")])
def test_a_one_file_copy_in_a_new_folder_reads_the_copy_an_earlier_line_writes_and_ends_with_both_fixes(
        tmp_path, monkeypatch, first_beside):
    """fix53a: one file's copy now goes into a new folder under the file's own name (copies_of_files); a second
    fix of the same file, printed by the same run, reads the first's copy (fix38d), by its whole path (its name
    is the original's), and the two lines, run in the order printed, end in one copy holding both fixes."""
    if shutil.which("ncatted") is None:
        pytest.skip("needs NCO")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    xr.Dataset({"tas": (("time",), np.array([280.0, 281.0], "f4"))}).to_netcdf(tmp_path / "d" / "x.nc")
    units = [ncatted_attribute("units", "tas", "o", "c", "K")]
    name = [ncatted_attribute("long_name", "tas", "o", "c", "near-surface air temperature")]
    with copies_said_once() as copies:
        first = copies.shown(attribute_command(units, input_and_copy("d/x.nc")) if first_beside else
                             copies_of_files(lambda words, _: attribute_command(units, words), ["d/x.nc"],
                                             name="units_fixed"))
        second = copies.shown(copies_of_files(lambda words, _: attribute_command(name, words), ["d/x.nc"],
                                              name="named"))
    earlier = "d/x_fixed.nc" if first_beside else "d/units_fixed/x.nc"
    assert f"ncatted -a long_name,tas,o,c,'near-surface air temperature' {earlier} d/named/x.nc (its copy" in second
    assert second.endswith(f"(this reads {earlier}, which the line shown before writes from d/x.nc: run that one "
                           "first; d/named/x.nc then holds both fixes)")
    for said in (first, second):
        subprocess.run(re.split(r" \((?:its copy|then give)", said)[0], shell=True, check=True, cwd=tmp_path,
                       capture_output=True)
    with xr.open_dataset(tmp_path / "d" / "named" / "x.nc") as both:
        assert both["tas"].attrs == {"units": "K", "long_name": "near-surface air temperature"}
    with xr.open_dataset(tmp_path / "d" / "x.nc") as original:
        assert original["tas"].attrs == {}


def _hourly_files(folder, hours: int, stem: str) -> np.ndarray:
    """One file an hour of a total ``pr`` over [H, H + 1] stamped at its end, ``hours`` from 2000-01-01 00:00, each
    named ``{stem}_YYYYMMDDHH.nc``; returns the totals, (hours, 2, 2)."""
    folder.mkdir()
    totals = np.random.default_rng(55).gamma(0.5, 1.0, (hours, 2, 2)).astype("f4")
    for hour, total in enumerate(totals):
        day, within = divmod(hour, 24)
        with netCDF4.Dataset(folder / f"{stem}_200001{day + 1:02d}{within:02d}.nc", "w") as nc:
            for name, size in (("time", None), ("bnds", 2), ("lat", 2), ("lon", 2)):
                nc.createDimension(name, size)
            time = nc.createVariable("time", "f8", ("time",))
            time.setncatts({"units": "hours since 2000-01-01", "calendar": "standard", "bounds": "time_bnds"})
            time[:] = [hour + 1]
            nc.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = [[hour, hour + 1]]
            for name in ("lat", "lon"):
                nc.createVariable(name, "f8", (name,))[:] = [0.0, 1.0]
            variable = nc.createVariable("pr", "f4", ("time", "lat", "lon"))
            variable.setncatts({"units": "kg m-2", "cell_methods": "time: sum"})
            variable[:] = total[None]
    return totals


@pytest.mark.skipif(shutil.which("cdo") is None, reason="cdo is not installed")
def test_mergetime_takes_a_glob_cdo_expands_past_the_shells_argument_limit(tmp_path, monkeypatch):
    """Session 73's leftover: ``-mergetime`` was given a bare glob, which the shell expands into every file's name;
    NLDAS-2's 8 784 hourly files of a year, or ERA5's by the hour, go past the kernel's limit on a command's arguments
    ("Argument list too long"). Here 600 files of 240-character names, under a 512 KiB stack (ARG_MAX 128 KiB), are
    too many for the shell's form (checked: ls of the bare glob fails), and the quoted glob of cdo_input_files, which
    cdo expands itself, merges them all: each day's sum is numpy's of its 24 hours."""
    monkeypatch.chdir(tmp_path)
    stem = "hourly_total_precipitation_" + "x" * 193
    totals = _hourly_files(tmp_path / "hours", 600, stem)
    files = sorted((tmp_path / "hours").glob("*.nc"))
    source = cdo_input_files([file.relative_to(tmp_path) for file in files])
    assert source == f"'hours/{stem}_200001*.nc'"
    limited = "ulimit -s 512; "
    shell_form = subprocess.run(["bash", "-c", f"{limited}ls hours/{stem}_200001*.nc > /dev/null"], cwd=tmp_path,
                                capture_output=True, text=True)
    assert shell_form.returncode != 0 and "Argument list too long" in shell_form.stderr, shell_form.stderr
    subprocess.run(["bash", "-c", f"{limited}cdo -s daysum -shifttime,-1hour -mergetime {source} daily.nc"],
                   cwd=tmp_path, check=True, capture_output=True)
    with xr.open_dataset(tmp_path / "daily.nc") as daily:
        np.testing.assert_allclose(daily["pr"].values, totals.reshape(25, 24, 2, 2).sum(axis=1), rtol=1e-5)


def test_a_glob_with_a_space_is_left_to_the_shell(tmp_path):
    """cdo splits its arguments on spaces ('sp ace/f_*.nc' opens "sp"): such a glob is the shell's, as glob_words
    writes it, and files no glob takes alone are listed."""
    (tmp_path / "sp ace").mkdir()
    paths = [tmp_path / "sp ace" / f"f_{index}.nc" for index in range(3)]
    for path in paths:
        path.write_bytes(b"")
    assert cdo_input_files(paths) == glob_words(tmp_path / "sp ace" / "f_*.nc")
    (tmp_path / "sp ace" / "f_other.nc").write_bytes(b"")
    assert cdo_input_files(paths) == " ".join(shown_path(path) for path in paths)


def _three_files_the_second_broken(folder) -> list[np.ndarray]:
    """a.nc and c.nc NetCDF files of 'tas' (its values, by file), b.nc bytes no tool reads."""
    folder.mkdir()
    values = [np.arange(6, dtype="f4").reshape(2, 3) + 10 * index for index in range(3)]
    for name, each in zip("abc", values):
        if name == "b":
            (folder / "b.nc").write_bytes(b"not a NetCDF file")
        else:
            xr.Dataset({"tas": (("y", "x"), each)}).to_netcdf(folder / f"{name}.nc")
    return values


_DOUBLED = "import sys, xarray as xr; d = xr.open_dataset(sys.argv[1]); (d * 2).to_netcdf(sys.argv[2])"


def _printed_loop(kind: str, files: list) -> tuple[str, str]:
    """The loop each builder prints over ``files`` and the folder its copies go into."""
    if kind == "copies_of_files":
        said = copies_of_files(lambda arguments, file: ncatted_command(
            [ncatted_attribute("units", "tas", "o", "c", "K")], arguments), files, name="fixed")
        return said.split(" (a copy of each", 1)[0], "d/fixed"
    if kind == "python_copies":
        return python_copies(_DOUBLED, files, "doubled")[0], "d/doubled"
    return python_copies_by_folder(_DOUBLED, files, "doubled", previous=True)[0], "d/doubled"


@pytest.mark.parametrize("kind", ["copies_of_files", "python_copies", "python_copies_by_folder"])
def test_a_printed_loop_stops_at_the_first_file_it_cannot_copy(tmp_path, monkeypatch, kind):
    """fix56i: the loops printed to copy each of several files went on after a failed copy (a bare
    ``for … done``, the status of the last file's), so the user gave --data a folder of some of the
    copies and trained on them. Run as printed over a.nc, b.nc (no NetCDF) and c.nc: the loop ends
    non-zero at b.nc, a.nc's copy holds its values, c.nc has no copy; over readable files every copy
    is made."""
    if kind == "copies_of_files" and shutil.which("ncatted") is None:
        pytest.skip("ncatted is not installed")
    monkeypatch.chdir(tmp_path)
    values = _three_files_the_second_broken(tmp_path / "d")
    files = [f"d/{name}.nc" for name in "abc"]
    command, folder = _printed_loop(kind, files)
    env = {**os.environ, "PATH": shell_path()}
    finished = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert finished.returncode != 0, finished
    made = sorted(path.name for path in (tmp_path / folder).iterdir())
    # no copy after the failure; ncatted, which copies its input before it reads it, leaves b.nc's bytes
    assert made == (["a.nc", "b.nc"] if kind == "copies_of_files" else ["a.nc"]), finished.stderr
    scale = 1 if kind == "copies_of_files" else 2
    with xr.open_dataset(tmp_path / folder / "a.nc") as copy:
        np.testing.assert_array_equal(copy["tas"].values, values[0] * scale)
        assert kind != "copies_of_files" or copy["tas"].attrs["units"] == "K"

    shutil.rmtree(tmp_path / folder)  # the same loop over readable files copies every one
    xr.Dataset({"tas": (("y", "x"), values[1])}).to_netcdf(tmp_path / "d" / "b.nc")
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path, env=env)
    for name, each in zip("abc", values):
        with xr.open_dataset(tmp_path / folder / f"{name}.nc") as copy:
            np.testing.assert_array_equal(copy["tas"].values, each * scale)


#: break56c A2: the sine/cosine line of a direction (climann.data.circular), and a line of the running interpreter by its
#: path (advised_python): neither begins with a tool's name, and their words were wrapped inside the program's strings.
SINE_COSINE_LINE = ("mkdir -p era5/sincos && python -c \"import sys, xarray as xr; d = xr.open_dataset('era5/waves.nc'); "
                    "r = d['mwd'].data * 0.0174; d['mwd_sin'] = (d['mwd'].dims, np.sin(r), {'units': '1'}); "
                    "sys.exit('era5/sincos/waves.nc is there already: left as it is, nothing written')\"")
PATH_PYTHON_LINE = ("/opt/venv/bin/python -c \"import sys, xarray as xr; d = xr.open_dataset(sys.argv[1]); "
                    "d.to_netcdf(sys.argv[2])\" a.nc fixed/a.nc")
LOOP_LINE = ("mkdir -p fixed && for f in a.nc b.nc; do python -c \"import sys; print(sys.argv[1], 'copied; done')\" "
             "\"$f\" \"fixed/$f\"; done")


@pytest.mark.parametrize("command", [pytest.param(SINE_COSINE_LINE, id="mkdir-then-python"),
                                     pytest.param(PATH_PYTHON_LINE, id="python-by-its-path"),
                                     pytest.param(LOOP_LINE, id="mkdir-then-a-loop")])
@pytest.mark.parametrize("width", [pytest.param(width, id=f"{width}-columns") for width in (40, 80)])
def test_an_advised_mkdir_or_python_line_is_never_wrapped_in_a_comment(command, width):
    """A TOML comment of `info > my.toml` (no continuation lines): the command whole on one line, the words after it
    below; the comment marks stripped, the line is the command as printed (shlex reads it as the same words)."""
    text = f"left out of the default predictors: mwd; write its sine and cosine, e.g. {command} (its copy in a new " \
           "folder), then give --data era5/sincos/waves.nc in place of era5/waves.nc"
    lines = wrapped_lines(text, width, initial_indent="# ", subsequent_indent="#     ")
    (line,) = [line for line in lines if "python -c" in line]
    assert line == f"#     {command}"
    assert shlex.split(line.removeprefix("#     ")) == shlex.split(command)
    assert " ".join(word for line in lines for word in line.split() if word != "#") == " ".join(text.split())
    assert all(len(other) <= width for other in lines if other != line)


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO")
def test_the_empty_folder_a_failed_line_left_is_taken_again_and_a_folder_with_files_is_not(tmp_path):
    """break56b A5: an advised ``mkdir -p d/regridded && cdo …`` whose CDO aborted left ``d/regridded`` empty, and
    the next advice named ``d/regridded_2``. Run as printed, a line whose tool fails leaves that empty folder; the
    next advice names it again (nothing there to write over), and its line, run as printed, writes the copy there
    with the original's values; a folder holding a file is still passed over (``_2``)."""
    from climann.data.shell import copies_of_files, ncatted_attribute, ncatted_command

    (tmp_path / "d").mkdir()
    values = np.arange(6.0).reshape(1, 2, 3)
    xr.Dataset({"tas": (("time", "lat", "lon"), values, {"units": "degC"})},
               coords={"time": [0.0], "lat": [0.0, 1.0], "lon": [0.0, 1.0, 2.0]}).to_netcdf(tmp_path / "d" / "a.nc")

    def advice(arguments, _):
        return f"`{ncatted_command([ncatted_attribute('units', 'tas', 'o', 'c', 'K')], arguments)}`"

    def line():
        said = copies_of_files(advice, [str(tmp_path / "d" / "a.nc")], name="units_fixed")
        return re.search(r"`([^`]+)`", said).group(1)

    failing = line().replace(str(tmp_path / "d" / "a.nc"), str(tmp_path / "d" / "missing.nc"), 1)
    assert subprocess.run(failing, shell=True, capture_output=True, executable="/bin/bash").returncode != 0
    assert [path.name for path in (tmp_path / "d").iterdir() if path.is_dir()] == ["units_fixed"]
    again = line()
    assert f"mkdir -p {tmp_path / 'd' / 'units_fixed'} &&" in again and "units_fixed_2" not in again
    subprocess.run(again, shell=True, check=True, capture_output=True, executable="/bin/bash")
    with xr.open_dataset(tmp_path / "d" / "units_fixed" / "a.nc") as copy:
        np.testing.assert_array_equal(copy["tas"].values, values)
        assert copy["tas"].attrs["units"] == "K"
    assert "units_fixed_2" in line()


def _doubled_copies_line(files):
    """The line of :func:`~climann.data.shell.python_copies` that writes into a new folder ``doubled`` a copy of each of
    ``files`` with its ``tas`` doubled (one command for one file, a loop for several), and the --data of the copies."""
    code = "import sys, xarray as xr; d = xr.open_dataset(sys.argv[1]); d['tas'] = d['tas'] * 2; " + whole_write()
    return python_copies(code, files, folder="doubled")


@pytest.mark.parametrize("n_files", [pytest.param(1, id="one-file"), pytest.param(3, id="a-loop-over-three")])
def test_a_printed_python_line_names_climanns_interpreter_and_runs_where_the_shells_python_is_another(
        tmp_path, monkeypatch, running_python, n_files):
    """fix57d: a printed line began with a bare `python`, which a plain shell finds on its PATH: the system's, without
    xarray ("No module named 'xarray'"). Every printed Python line names the interpreter that runs climann by its
    path (python_command, advised_python). Run by bash with a `python` first on the PATH that fails (a stand-in for
    the system's), the line still writes each copy into its new folder, its values the original's doubled (numpy),
    and the originals' folder holds the originals and the new folder only."""
    monkeypatch.chdir(tmp_path)
    values = np.arange(4.0 * n_files).reshape(n_files, 4)
    files = [tmp_path / f"tas_{index}.nc" for index in range(n_files)]
    for path, each in zip(files, values):
        xr.Dataset({"tas": ("x", each)}).to_netcdf(path)
    command, data = _doubled_copies_line(files)
    (named,) = {shlex.split(shell)[0] for shell in re.findall(r"(?:&& |; do )(\S+) -c ", command)}
    assert os.path.isabs(named) and os.path.samefile(os.path.dirname(named), os.path.dirname(sys.executable))
    assert " python -c " not in command and python_command("pass") == f"{named} -c \"pass\""
    other = tmp_path / "other_bin"  # the shell's own python, without xarray
    other.mkdir()
    (other / "python").write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'xarray'\" >&2\nexit 1\n")
    (other / "python").chmod(0o755)
    path = f"{other}{os.pathsep}{os.environ['PATH']}"
    bare = subprocess.run(["bash", "-c", "python -c 'import xarray'"], capture_output=True, env={**os.environ, "PATH": path})
    assert bare.returncode == 1  # a bare `python` here is that one
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": path})
    assert sorted(entry.name for entry in tmp_path.iterdir()) == sorted(["doubled", "other_bin", *(p.name for p in files)])
    copies = sorted((tmp_path / "doubled").iterdir())
    assert [copy.name for copy in copies] == [path.name for path in files]
    for copy, each in zip(copies, values):
        with xr.open_dataset(copy) as written:
            np.testing.assert_array_equal(written["tas"].values, each * 2)
    assert shlex.split(data)[0] in ("doubled/tas_0.nc", "doubled/*.nc")


def _stamped_on_the_first(folder, n_files: int) -> None:
    """tas stamped mid-month, pred on the 1st without time bounds (2 years), pred in ``n_files`` yearly files or one."""
    from tests.data.test_time_axes import _monthly

    _monthly(grid_dataset(n_years=2)[["tas"]], 2000, day=16).to_netcdf(folder / "tas.nc")
    pred = _monthly(grid_dataset(n_years=2)[["pred"]], 2000, day=1)
    for year in range(n_files):
        part = pred if n_files == 1 else pred.isel(time=slice(12 * year, 12 * year + 12))
        part.to_netcdf(folder / ("pred.nc" if n_files == 1 else f"pred_{2000 + year}.nc"))


def _daily_beside_monthly(folder, n_files: int) -> None:
    """tas monthly, pred daily (noleap, 2 years) in ``n_files`` yearly files or one."""
    days = xr.date_range("2000-01-01", "2001-12-31", freq="D", calendar="noleap", use_cftime=True)
    full = grid_dataset(n_years=2)
    values = np.random.default_rng(1).uniform(0, 1, (len(days), 4, 6)).astype("f4")
    pred = xr.Dataset({"pred": (("time", "lat", "lon"), values, {"units": "1"})},
                      coords={"time": days, "lat": full["lat"], "lon": full["lon"]})
    for year in range(n_files):
        part = pred if n_files == 1 else pred.sel(time=str(2000 + year))
        part.to_netcdf(folder / ("pred_day.nc" if n_files == 1 else f"pred_day_{2000 + year}.nc"))
    full[["tas"]].to_netcdf(folder / "tas_mon.nc")


@pytest.mark.skipif(shutil.which("cdo") is None, reason="CDO is not installed")
@pytest.mark.parametrize("make, n_files", [
    pytest.param(_stamped_on_the_first, 1, id="time-bounds-one-file"),
    pytest.param(_stamped_on_the_first, 2, id="time-bounds-loop"),
    pytest.param(_daily_beside_monthly, 1, id="monthly-means-one-file"),
    pytest.param(_daily_beside_monthly, 2, id="monthly-means-loop"),
])
def test_printed_cdo_lines_run_in_a_folder_with_a_space(tmp_path, monkeypatch, make, n_files):
    """fix57c: CDO 2.1.1 opens no path with a space, quoted or not ("Missing outfile" for 'my data/pred.nc'
    'my data/with_bounds/pred.nc'): the settbounds and monmean lines of the time-axis refusals (copies_command), over
    one file or a loop, failed for files in "my data". Run by bash as printed, each line now runs CDO inside the
    folder: the copies hold numpy's values (the month's cell from its stamp; the month's mean of the days), and the
    folder holds only its files and the new folder."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "my data"
    folder.mkdir()
    make(folder, n_files)
    originals = sorted(path.name for path in folder.iterdir())
    with pytest.raises(ClimannError) as refused:
        open_dataset(sorted(folder.glob("*.nc")), grid_of="tas")
    line = next(line for line in re.findall(r"`([^`]*)`", str(refused.value)) if "cdo " in line)
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    (made,) = [path for path in folder.iterdir() if path.is_dir()]
    assert sorted(path.name for path in folder.iterdir() if path.is_file()) == originals
    copies = sorted(made.glob("*.nc"))
    assert [path.name for path in copies] == [name for name in originals if name.startswith("pred")]
    times = xr.coders.CFDatetimeCoder(use_cftime=True)  # the files as written (noleap)
    with xr.open_mfdataset(copies, decode_times=times, combine="by_coords") as copied, \
            xr.open_mfdataset(sorted(folder.glob("pred*.nc")), decode_times=times, combine="by_coords") as given:
        if make is _stamped_on_the_first:  # each value of the month beginning at its stamp
            np.testing.assert_array_equal(copied["pred"].values, given["pred"].values)
            bounds = copied[copied["time"].attrs["bounds"]].values
            assert [(start.year, start.month, start.day, end.month) for start, end in bounds[:2]] == [
                (2000, 1, 1, 2), (2000, 2, 1, 3)]
        else:
            daily = given["pred"].values.astype("f8")
            stamps = [(time.year, time.month) for time in given["time"].values]
            means = np.stack([daily[[index for index, stamp in enumerate(stamps) if stamp == month]].mean(axis=0)
                              for month in dict.fromkeys(stamps)])
            np.testing.assert_allclose(copied["pred"].values, means, rtol=1e-6)
