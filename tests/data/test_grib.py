"""GRIB files that cfgrib would read otherwise than they are (climann.data.grib): parameters
ecCodes cannot name (CDO's code-only output) and parameters on two time axes (ERA5's 2t and tp)."""

import datetime
import logging
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from climann.data.grib import parameter_name
from climann.data.open import expand_paths, open_dataset
from climann.data.variables import on_grid
from climann.errors import ClimannError
from tests.followed_twice import run_one_copy
from tests.grib_files import eccodes_tool, write_grib_messages

LATITUDES = np.array([40.0, 30.0, 20.0])
LONGITUDES = np.array([0.0, 10.0, 20.0, 30.0])
#: Each edition's sample, and the keys of a parameter ecCodes cannot name as CDO writes them.
CODES = {
    "grib1": ("regular_ll_sfc_grib1", lambda code: {"table2Version": 255, "indicatorOfParameter": code}),
    "grib2": ("regular_ll_sfc_grib2",
              lambda code: {"discipline": 255, "parameterCategory": 255, "parameterNumber": code}),
}


@pytest.fixture(autouse=True)
def _cfgrib():
    pytest.importorskip("cfgrib")


def _monthly(code_keys, code: int, fields: np.ndarray, month: int) -> tuple[dict, np.ndarray]:
    date = 19900001 + (month // 12) * 10000 + (month % 12 + 1) * 100
    return {**code_keys(code), "dataDate": date, "dataTime": 0}, fields[month]


def _fields(seed: int, n_months: int = 12) -> np.ndarray:
    return 280.0 + np.random.default_rng(seed).normal(0.0, 5.0, (n_months, len(LATITUDES), len(LONGITUDES)))


@pytest.mark.parametrize("edition", ["grib1", "grib2"])
@pytest.mark.parametrize("swapped", [pytest.param(False, id="same-order"), pytest.param(True, id="swapped-halfway")])
def test_two_parameters_ecCodes_cannot_name_are_refused_naming_their_codes(tmp_path, monkeypatch, edition, swapped):
    """cfgrib reads both as one variable 'unknown' (the first message of each step): tas for
    half the steps and the other field for the rest when the order changes (break18 F2). The
    ``cdo -f nc copy`` writes a new file, not the NetCDF the GRIB was made from (verify19 F3:
    ``g.nc`` beside ``g.grb``, which CDO replaces without a word)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.nc").write_bytes(b"the user's own NetCDF")
    sample, code_keys = CODES[edition]
    tas, other = _fields(1), 0.5 * _fields(2)
    messages = []
    for month in range(12):
        pair = [_monthly(code_keys, 167, tas, month), _monthly(code_keys, 228, other, month)]
        messages += pair[::-1] if swapped and month >= 6 else pair
    path = write_grib_messages(tmp_path / {"grib1": "g.grb", "grib2": "g.grb2"}[edition], messages, latitudes=LATITUDES, longitudes=LONGITUDES,
                               sample=sample)
    codes = ("code 167 of table 255; GRIB1 code 228 of table 255" if edition == "grib1"
             else "number 167; GRIB2 discipline 255 category 255 number 228")
    with pytest.raises(ClimannError, match=rf"holds 2 parameters that ecCodes' tables do not name \(GRIB. .*{codes}\)"
                                           rf".*cdo -f nc copy g\.grb2? g_codes\.nc` \(variables code167, code228\)"):
        open_dataset(expand_paths([str(path)]))


@pytest.mark.parametrize("edition", ["grib1", "grib2"])
def test_one_parameter_ecCodes_cannot_name_is_read_as_CDO_names_it_without_units(tmp_path, caplog, edition):
    from climann.data.notes import forget_notes

    forget_notes()  # the warning is said once per parameter per run
    sample, code_keys = CODES[edition]
    tas = _fields(3)
    path = write_grib_messages(tmp_path / "a.grb", [_monthly(code_keys, 167, tas, month) for month in range(12)],
                               latitudes=LATITUDES, longitudes=LONGITUDES, sample=sample)
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset(expand_paths([str(path)]))
    assert list(dataset.data_vars) == ["code167"]
    np.testing.assert_allclose(dataset["code167"].values, tas, atol=0.01)  # GRIB packs to 16 bits
    assert "units" not in dataset["code167"].attrs  # ecCodes' "unknown" is no unit
    assert "a.grb: its parameter GRIB" in caplog.text and "is not in ecCodes' tables: read as 'code167'" in caplog.text


def test_one_parameter_ecCodes_cannot_name_is_warned_of_once_for_all_the_files_holding_it(tmp_path, caplog):
    """Three yearly files of one code-only parameter: one warning naming the first file, not one
    per file (verify19 F4: 6 near-identical lines for 6 files); a second run says it again."""
    from climann.data.notes import forget_notes

    sample, code_keys = CODES["grib1"]
    tas = _fields(4, n_months=36)
    for year in range(3):
        write_grib_messages(tmp_path / f"c1_{1990 + year}.grb",
                            [_monthly(code_keys, 1, tas, month) for month in range(12 * year, 12 * year + 12)],
                            latitudes=LATITUDES, longitudes=LONGITUDES, sample=sample)
    for _ in range(2):  # two runs
        forget_notes()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="climann"):
            dataset = open_dataset(expand_paths([str(tmp_path / "c1_*.grb")]))
        np.testing.assert_allclose(dataset["code1"].values, tas, atol=0.01)
        said = [record.getMessage() for record in caplog.records if "is not in ecCodes' tables" in record.getMessage()]
        assert len(said) == 1
        assert said[0].startswith("c1_1990.grb: its parameter GRIB1 code 1 of table 255")
        assert said[0].endswith("(said once for every file of the run holding it)")


def _era5_2t_tp(path, n_days: int = 2):
    """ERA5 as the CDS gives 2t and tp in one GRIB2 file: 2t hourly analyses (step 0), tp
    accumulated over steps 1…12 h of the forecasts from 06 and 18 UTC."""
    rng = np.random.default_rng(4)
    shape = (len(LATITUDES), len(LONGITUDES))
    days = [datetime.date(2000, 1, 1) + datetime.timedelta(days=day) for day in range(n_days)]
    messages = [({"centre": 98, "dataDate": int(f"{day:%Y%m%d}"), "dataTime": hour * 100, "shortName": "2t",
                  "step": 0}, 270 + rng.normal(0, 1, shape)) for day in days for hour in range(24)]
    messages += [({"centre": 98, "dataDate": int(f"{day:%Y%m%d}"), "dataTime": hour * 100, "shortName": "tp",
                   "stepRange": f"0-{step}"}, np.full(shape, 1e-4 * step)) for day in days for hour in (6, 18)
                 for step in range(1, 13)]
    return write_grib_messages(path, messages, latitudes=LATITUDES, longitudes=LONGITUDES)


def test_a_parameter_cfgrib_skips_is_refused_naming_it_without_a_traceback(tmp_path, monkeypatch, caplog, capsys):
    """cfgrib drops tp with a DatasetBuildError traceback in its log; it is named instead (break18 F5)."""
    monkeypatch.chdir(tmp_path)
    path = _era5_2t_tp(tmp_path / "era5.grib2")
    with caplog.at_level(logging.DEBUG), pytest.raises(ClimannError) as raised:
        open_dataset(expand_paths([str(path)]))
    assert str(raised.value).startswith("era5.grib2 holds 'tp' on other times or steps than the rest of the file")
    assert str(raised.value).endswith("split the file, one parameter per file: grib_copy -w shortName=tp era5.grib2 "
                                      "era5_tp.grib2; grib_copy -w shortName!=tp era5.grib2 era5_rest.grib2")
    assert not [record for record in caplog.records if record.name.startswith("cfgrib") and record.levelno >= logging.WARNING]
    assert "Traceback" not in capsys.readouterr().err


def test_known_parameters_on_several_level_types_are_read_as_before(tmp_path, caplog):
    """2t (heightAboveGround), msl (meanSea), sp (surface), all analyses: one dataset, no note."""
    fields = {name: _fields(seed, n_months=3) for seed, name in enumerate(("2t", "msl", "sp"))}
    messages = [({"dataDate": 20000101 + month * 100, "dataTime": 0, "shortName": name}, values[month])
                for month in range(3) for name, values in fields.items()]
    path = write_grib_messages(tmp_path / "levels.grib2", messages, latitudes=LATITUDES, longitudes=LONGITUDES)
    with caplog.at_level(logging.WARNING, logger="climann.data.grib"):
        dataset = open_dataset(expand_paths([str(path)]))
    assert sorted(dataset.data_vars) == ["msl", "sp", "t2m"]
    np.testing.assert_allclose(dataset["msl"].values, fields["msl"], atol=0.01)
    assert not caplog.records


@pytest.mark.parametrize(("parameter", "name"), [
    pytest.param((1, 128, 167), "code167", id="grib1"),
    pytest.param((2, 255, 255, 167), "code167", id="grib2-cdo"),
    pytest.param((2, 0, 1, 8), "param8.1.0", id="grib2-local"),
])
def test_parameter_names_are_CDOs(parameter, name):
    assert parameter_name(parameter) == name


def _grib_copy() -> str:
    """ecCodes' grib_copy from the eccodeslib wheel cfgrib installs, or on PATH; skips without."""
    return eccodes_tool("grib_copy")


def test_a_named_parameter_on_two_kinds_of_level_is_refused_with_the_commands_that_split_it(tmp_path, monkeypatch):
    """ERA5's ``t`` on pressure and on model levels in one file: cfgrib's "try re-open the file
    with one of:" was cut to its first line; now the groups, and grib_copy lines that work."""
    import subprocess

    fields = _fields(7, n_months=2)
    messages = [({"shortName": "t", "typeOfLevel": kind, "level": level, "dataDate": 19900101 + month * 100},
                 fields[month] + offset)
                for month in range(2) for kind, levels, offset in (("isobaricInhPa", (850, 500), 0.0),
                                                                   ("hybrid", (1, 2), 10.0))
                for level in levels]
    path = write_grib_messages(tmp_path / "t.grib2", messages, latitudes=LATITUDES, longitudes=LONGITUDES)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as raised:
        open_dataset(expand_paths([str(path)]))
    message = str(raised.value)
    assert message.startswith("t.grib2 holds a parameter on several kinds of level or time (typeOfLevel "
                              "isobaricInhPa; typeOfLevel hybrid), which cfgrib cannot read as one dataset")
    commands = message.split("one kind per file: ")[1].split("; ")
    assert commands == ["grib_copy -w typeOfLevel=isobaricInhPa t.grib2 t_isobaricInhPa.grib2",
                        "grib_copy -w typeOfLevel=hybrid t.grib2 t_hybrid.grib2"]
    grib_copy = _grib_copy()
    for command in commands:
        subprocess.run([grib_copy, *command.split()[1:]], cwd=tmp_path, check=True)
    hybrid = open_dataset(expand_paths([str(tmp_path / "t_hybrid.grib2")]))["t"]
    assert hybrid.sizes["hybrid"] == 2
    np.testing.assert_allclose(hybrid.isel(hybrid=1).values, fields + 10.0, atol=0.01)


def test_one_code_in_two_local_tables_is_refused_with_grib_copy_lines_that_split_it(tmp_path, monkeypatch):
    """GRIB1 code 167 of table 251 and of table 252 (verify19 F10): the refusal named them
    ``code167, code167`` and printed ``grib_copy -w indicatorOfParameter=167``, which copies both;
    CDO reads them as one ``code167``. Now the names differ and each condition holds the table."""
    fields = {251: _fields(11, n_months=3), 252: _fields(12, n_months=3) - 30.0}
    messages = [({"table2Version": table, "indicatorOfParameter": 167, "dataDate": 19900101 + month * 100},
                 fields[table][month]) for table in (251, 252) for month in range(3)]
    path = write_grib_messages(tmp_path / "u.grb", messages, latitudes=LATITUDES, longitudes=LONGITUDES,
                               sample="regular_ll_sfc_grib1")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as raised:
        open_dataset(expand_paths([str(path)]))
    message = str(raised.value)
    assert "cdo -f nc copy" not in message  # CDO names both code167 and keeps the first table's fields
    commands = message.split("one parameter per file: ")[1].split("; ")
    assert commands == ["grib_copy -w table2Version=251,indicatorOfParameter=167 u.grb u_code167_t251.grb",
                        "grib_copy -w table2Version=252,indicatorOfParameter=167 u.grb u_code167_t252.grb"]
    grib_copy = _grib_copy()
    for command, table in zip(commands, (251, 252), strict=True):
        subprocess.run([grib_copy, *command.split()[1:]], cwd=tmp_path, check=True)
        part = open_dataset(expand_paths([str(tmp_path / f"u_code167_t{table}.grb")]))["code167"]
        np.testing.assert_allclose(part.values, fields[table], atol=0.01)  # GRIB packs to 16 bits


def _as_cdo_writes_months(fields: np.ndarray, step_type: str = "instant") -> list[tuple[dict, np.ndarray]]:
    """GRIB1 messages of monthly fields from 2000-01 as ``cdo -f grb copy`` (CDO 2.1.1) writes a
    monthly axis: the first 9 months as lead times in days (P1 fits in one octet up to 255)
    from 2000-01-01, each later month its own reference time at step 0."""
    messages = []
    for month in range(len(fields)):
        year, first = 2000 + month // 12, datetime.date(2000 + month // 12, month % 12 + 1, 1)
        reference, days = ((20000101, (first - datetime.date(2000, 1, 1)).days) if month < 9
                           else (year * 10000 + (month % 12 + 1) * 100 + 1, 0))
        messages.append(({"table2Version": 255, "indicatorOfParameter": 1, "dataDate": reference, "dataTime": 0,
                          "stepType": step_type, "indicatorOfUnitOfTimeRange": 2,
                          **({"P1": days} if step_type == "instant" else {"P1": 0, "P2": days})},
                         fields[month]))
    return messages


def test_cdos_grib1_of_a_monthly_axis_is_read_on_its_valid_times(tmp_path):
    """Each valid time reached by one (reference time, lead time) pair is one step of one axis,
    with the value of its message (verify19 F2: refused as 9 lead times, and select step=0 kept
    28 of the 36 months)."""
    fields = _fields(5, 36)
    path = write_grib_messages(tmp_path / "m.grb", _as_cdo_writes_months(fields), latitudes=LATITUDES,
                               longitudes=LONGITUDES, sample="regular_ll_sfc_grib1")
    dataset = open_dataset(expand_paths([str(path)]))
    months = [f"{2000 + month // 12}-{month % 12 + 1:02d}-01 00:00" for month in range(36)]
    assert [time.strftime("%Y-%m-%d %H:%M") for time in dataset["time"].values] == months
    np.testing.assert_allclose(dataset["code1"].values, fields, atol=0.01)  # GRIB packs to 16 bits


def test_cdos_grib1_of_a_netcdf_is_read_as_the_netcdf(tmp_path):
    """The same with the GRIB1 CDO itself writes from a NetCDF of 36 monthly maps."""
    if shutil.which("cdo") is None:
        pytest.skip("needs cdo")
    fields = _fields(6, 36).astype("f4")
    months = [f"{2000 + month // 12}-{month % 12 + 1:02d}-01 00:00" for month in range(36)]
    xr.Dataset({"tas": (("time", "lat", "lon"), fields, {"units": "K"})},
               coords={"time": np.array([month[:10] for month in months], "datetime64[ns]"),
                       "lat": ("lat", LATITUDES, {"units": "degrees_north"}),
                       "lon": ("lon", LONGITUDES, {"units": "degrees_east"})}).to_netcdf(tmp_path / "tas.nc")
    subprocess.run(["cdo", "-s", "-f", "grb", "copy", str(tmp_path / "tas.nc"), str(tmp_path / "tas.grb")], check=True)
    dataset = open_dataset(expand_paths([str(tmp_path / "tas.grb")]))
    assert [time.strftime("%Y-%m-%d %H:%M") for time in dataset["time"].values] == months
    np.testing.assert_allclose(dataset["code1"].values, fields, atol=0.01)


def test_accumulations_stamped_as_cdo_writes_months_are_still_refused_as_lead_times(tmp_path):
    """An accumulation from the forecast start is not a value of its valid time: the refusal
    of several lead times stays."""
    path = write_grib_messages(tmp_path / "a.grb", _as_cdo_writes_months(_fields(7, 36), "accum"),
                               latitudes=LATITUDES, longitudes=LONGITUDES, sample="regular_ll_sfc_grib1")
    with pytest.raises(ClimannError, match=r"holds forecasts at 9 lead times"):
        dataset = open_dataset(expand_paths([str(path)]))
        on_grid(dataset["code1"], ("time", "latitude", "longitude"), needs_time=True)


def _interval_totals(path, first: int, number: int = 52):
    """Precipitation totals of 4 daily 00 UTC forecasts (GRIB2, product template 8) over the step
    ranges "0-6" and "``first``-12" (``first`` 6: the 6–12 h total; 0: the total from the start),
    each message its own random field (parameter ``number`` of category 1); the fields by (day, end step)."""
    rng = np.random.default_rng(33)
    messages, fields = [], {}
    for day in range(4):
        date = datetime.date(2000, 1, 1) + datetime.timedelta(days=day)
        for start, end in ((0, 6), (first, 12)):
            fields[day, end] = rng.gamma(2.0, 1.0, (len(LATITUDES), len(LONGITUDES)))
            messages.append(({"centre": 98, "dataDate": int(f"{date:%Y%m%d}"), "dataTime": 0,
                              "productDefinitionTemplateNumber": 8, "discipline": 0, "parameterCategory": 1,
                              "parameterNumber": number, "typeOfStatisticalProcessing": 1, "stepUnits": 1,
                              "stepRange": f"{start}-{end}"}, fields[day, end]))
    return write_grib_messages(path, messages, latitudes=LATITUDES, longitudes=LONGITUDES), fields


def test_totals_over_the_step_ranges_of_the_messages_are_taken_as_they_are(tmp_path):
    """break33b B4: stepRange "6-12" (the 6–12 h total) was read as the total from the forecast start
    and refused, with advice that subtracted the 0–6 h total from it (48 % negative)."""
    path, fields = _interval_totals(tmp_path / "tp_intervals.grib2", first=6)
    dataset = open_dataset([path], select={"step": "12 hours"})
    np.testing.assert_allclose(dataset["tp"].values, [fields[day, 12] for day in range(4)], rtol=1e-4)
    starts = [datetime.datetime(2000, 1, 1 + day) for day in range(4)]
    cells = [(low.year, low.month, low.day, low.hour, high.day, high.hour) for low, high in dataset["time_bnds"].values]
    assert cells == [(2000, 1, start.day, 6, start.day, 12) for start in starts]  # [06:00, 12:00] of each day


def test_totals_from_the_start_over_several_steps_are_still_refused(tmp_path):
    path, _ = _interval_totals(tmp_path / "tp_from_start.grib2", first=0)
    with pytest.raises(ClimannError, match=r"each value is the total from the forecast start"):
        open_dataset([path], select={"step": "12 hours"})


def test_the_advice_for_totals_from_the_start_names_the_variable_as_the_line_opens_it(tmp_path, monkeypatch):
    """break33b B4: the printed line read `d[['param8.1.0']]` (climann's name of a parameter ecCodes cannot
    name) and crashed with KeyError: cfgrib calls it 'unknown'. Run as printed, it writes the 6–12 h totals."""
    pytest.importorskip("cfgrib")
    monkeypatch.chdir(tmp_path)
    path, fields = _interval_totals(tmp_path / "tp.grib2", first=0, number=8)
    with pytest.raises(ClimannError) as raised:
        open_dataset([path], select={"step": "12 hours"})
    message = str(raised.value)
    assert "param8.1.0 in tp.grib2 are GRIB accumulations" in message
    assert "d[['unknown']]" in message
    this_python = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    followed = run_one_copy(message, tmp_path, env=this_python)  # as printed, by bash (break54c A2: a new folder)
    assert followed["copy"] == "step_totals/tp.nc", followed  # the shell words of the copy, in tmp_path
    assert not list(tmp_path.glob("*.idx")), "cfgrib left an index file beside the user's"
    with xr.open_dataset(tmp_path / followed["copy"], decode_timedelta=False) as written:  # steps in hours
        np.testing.assert_allclose(written["unknown"].sel(step=12).values,
                                   [fields[day, 12] - fields[day, 6] for day in range(4)], rtol=1e-4, atol=1e-4)


def _counting(monkeypatch, owner, name: str) -> list[int]:
    """Count the calls of ``owner.name`` (wrapped, still called)."""
    calls = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_file_is_indexed_once_per_command_nowhere_beside_it_and_again_once_rewritten(tmp_path, monkeypatch):
    """break33b B7: each opening of a GRIB file (info opens it three times) read every message's
    headers again for cfgrib's index; the index is now kept in a folder of climann's own and
    reused while the file is unchanged, and built again for a file rewritten since."""
    from cfgrib.messages import FileIndex

    from climann.data.open import open_input

    built = _counting(monkeypatch, FileIndex, "from_fieldset")
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "t.grib2"
    first, second = np.round(_fields(1, 3)), np.round(_fields(2, 3))  # whole kelvins: packed exactly
    write_grib_messages(path, [({"shortName": "2t", "dataDate": 19900101 + 100 * month, "dataTime": 0}, first[month])
                               for month in range(3)], latitudes=LATITUDES, longitudes=LONGITUDES)
    np.testing.assert_array_equal(open_input(path, chunks={})["t2m"].values, first.astype(np.float32))
    np.testing.assert_array_equal(open_input(path, chunks={}, decode_times=False)["t2m"].values,
                                  first.astype(np.float32))
    assert len(built) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["t.grib2"]
    write_grib_messages(path, [({"shortName": "2t", "dataDate": 19900101 + 100 * month, "dataTime": 0},
                                second[month]) for month in range(3)], latitudes=LATITUDES, longitudes=LONGITUDES)
    np.testing.assert_array_equal(open_input(path, chunks={})["t2m"].values, second.astype(np.float32))
    assert len(built) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["t.grib2"]


def test_the_headers_of_a_file_are_read_once_for_both_scans(tmp_path, monkeypatch):
    """The parameters ecCodes cannot name, the forecast pairs and the step ranges come from one
    pass over the messages, kept for the unchanged file: checked against the keys the file was written with."""
    from climann.data import grib

    read = _counting(monkeypatch, grib, "_next_message")
    code_keys = CODES["grib2"][1]
    fields = _fields(3, 2)
    path = write_grib_messages(
        tmp_path / "f.grib2",
        [({**code_keys(167), "dataDate": 19900101, "dataTime": 1200, "stepUnits": 1, "step": step}, fields[index])
         for index, step in enumerate((6, 30))], latitudes=LATITUDES, longitudes=LONGITUDES)
    reference = np.datetime64("1990-01-01T12:00:00")
    expected = {(reference, reference + np.timedelta64(step, "h")) for step in (6, 30)}
    for _ in range(2):
        assert grib.unknown_parameters(path) == [(2, 255, 255, 167)]
        assert grib.held_forecast_pairs(path) == expected
        # instantaneous: no range over lead times (start = end), which beside a total ending at the same step
        # hid the total's range (break38a B2)
        assert grib.step_ranges(path) == {}
    assert len(read) == 3  # two messages and the end of the file, once


def _one_step_totals(path, centre: int, first: int):
    """Daily 00 UTC forecasts of one step (24 h) of precipitation totals over stepRange
    "``first``-24" (GRIB2, product template 8) from ``centre`` (7: NCEP's GFS bucket 18-24 h;
    98: ECMWF's total from the start, 0-24 h); the fields by day."""
    fields = np.random.default_rng(34).gamma(2.0, 1.0, (8, len(LATITUDES), len(LONGITUDES)))
    messages = [({"centre": centre, "dataDate": int(f"{datetime.date(2000, 1, 1 + day):%Y%m%d}"), "dataTime": 0,
                  "productDefinitionTemplateNumber": 8, "discipline": 0, "parameterCategory": 1, "parameterNumber": 52,
                  "typeOfStatisticalProcessing": 1, "stepUnits": 1, "stepRange": f"{first}-24"}, fields[day])
                for day in range(8)]
    return write_grib_messages(path, messages, latitudes=LATITUDES, longitudes=LONGITUDES), fields


@pytest.mark.parametrize(("centre", "first"), [pytest.param(7, 18, id="gfs-bucket-18-24"),
                                               pytest.param(98, 0, id="ecmwf-from-the-start-0-24")])
def test_one_step_of_totals_is_dated_by_its_messages_step_range(tmp_path, centre, first):
    """fix34c: a GRIB file of one step (cfgrib's scalar ``step`` = 24 h) says each total's range in its messages;
    GFS's 18-24 h bucket was read as the day's total from the start (and, with a lead of one lead time no longer
    taken as from the start, refused). Its cells are [start + first, start + 24 h], the values as they are."""
    path, fields = _one_step_totals(tmp_path / "tp.grib2", centre, first)
    dataset = open_dataset([path])
    cells = [(low.day, low.hour, high.day, high.hour) for low, high in dataset[dataset["time"].attrs["bounds"]].values]
    assert cells == [(1 + day + first // 24, first % 24, 2 + day, 0) for day in range(8)]
    np.testing.assert_allclose(dataset["tp"].values, fields, rtol=1e-4)


@pytest.mark.parametrize(("content", "message"), [
    pytest.param(b"GRIB\x00\x00\x02", r"^.*/b\.grib2 is cut short \(a download or copy that did not finish\): its "
                                      r"first message ends after 7 of its bytes, before the octets that say its length, "
                                      r"and no other follows", id="cut-short"),
    pytest.param(b"<html>503</html>", r"^.*/b\.grib2 holds no GRIB message \(it does not begin with 'GRIB'",
                 id="not-grib"),
])
def test_a_grib_file_without_a_whole_message_is_one_line_not_an_interruption(tmp_path, content, message):
    """break42c B1: cfgrib's EOFError ('No valid message found') reached click, which takes an EOFError for
    Ctrl-C: `climann info` said 'interrupted by SIGINT' (exit 130)."""
    pytest.importorskip("cfgrib")
    (tmp_path / "b.grib2").write_bytes(content)
    with pytest.raises(ClimannError, match=message):
        open_dataset([tmp_path / "b.grib2"])


def test_a_grib_file_by_its_first_bytes_gets_no_netcdf_time_command(tmp_path):
    """The time commands (ncap2, CDO) write NetCDF and use cfgrib's names, not the file's: none for GRIB,
    also for GEFS's gec00.t00z.pgrb2a.0p50.f006, GRIB2 without a GRIB ending (break42c B1)."""
    from climann.data.time_commands import time_source

    (tmp_path / "gec00.t00z.pgrb2a.0p50.f006").write_bytes(b"GRIB\x00\x00\x02")
    netcdf = tmp_path / "a.nc"
    netcdf.write_bytes(b"CDF\x01")
    assert time_source([str(tmp_path / "gec00.t00z.pgrb2a.0p50.f006")], "time") is None
    assert time_source([str(netcdf)], "time") is not None


def test_a_split_part_named_as_the_files_own_end_keeps_its_name(tmp_path, monkeypatch):
    """break42c B3: ens_cf_pf.grib2's dataType=pf part was ens_cf_pf_2.grib2 (the name's _pf read as a copy's)."""
    from pathlib import Path

    from climann.data.grib import several_groups_message

    monkeypatch.chdir(tmp_path)
    message = several_groups_message(Path("ens_cf_pf.grib2"), [{"dataType": "cf"}, {"dataType": "pf"}])
    assert message.endswith("grib_copy -w dataType=cf ens_cf_pf.grib2 ens_cf_pf_cf.grib2; "
                            "grib_copy -w dataType=pf ens_cf_pf.grib2 ens_cf_pf_pf.grib2")


def _months_file(path, n_months: int = 24):
    """24 monthly 2t fields (K) and the file of them."""
    fields = _fields(43, n_months=n_months)
    messages = [({"shortName": "2t", "dataDate": 19900101 + (month // 12) * 10000 + (month % 12) * 100, "dataTime": 0},
                 fields[month]) for month in range(n_months)]
    return write_grib_messages(path, messages, latitudes=LATITUDES, longitudes=LONGITUDES), fields


def test_a_grib_file_cut_inside_a_message_is_refused_naming_it_and_grib_ls_shows_it(tmp_path, monkeypatch, caplog,
                                                                                     capsys):
    """break43: a file cut inside its 6th message was read as 5 months (exit 0) after cfgrib's 'skipping
    corrupted Message' traceback. The refusal's message, bytes and count are those of the written file; its
    grib_ls line, run as printed, lists the 5 whole messages and stops at the cut."""
    monkeypatch.chdir(tmp_path)
    whole, _ = _months_file(tmp_path / "whole.grib2")
    data = whole.read_bytes()
    length = len(data) // 24  # the 24 messages are alike in length
    assert data[length:length + 4] == b"GRIB" and data[length - 4:length] == b"7777"
    (tmp_path / "cut.grib2").write_bytes(data[:5 * length + length // 2])
    with caplog.at_level(logging.DEBUG), pytest.raises(ClimannError) as raised:
        open_dataset(expand_paths(["cut.grib2"]))
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'cut.grib2'} is cut short (a download or copy that did not finish): its "
                              f"message 6 (from byte {5 * length:,}) is {length:,} bytes long but the file ends "
                              f"{length // 2:,} bytes into it; only the 5 whole messages before it would be read")
    assert not [record for record in caplog.records if record.name.startswith("cfgrib")]
    assert "Traceback" not in capsys.readouterr().err
    command = message.split(". ")[-1].split(" lists ")[0]
    assert command == "grib_ls cut.grib2"
    listed = subprocess.run([eccodes_tool("grib_ls"), "-p", "count", *shlex.split(command)[1:]], cwd=tmp_path,
                            capture_output=True, text=True)
    lines = listed.stdout.splitlines()
    assert [line.strip() for line in lines[2:7]] == ["1", "2", "3", "4", "5"]
    assert "unreadable message" in lines[7] and "5 of 6 messages" in listed.stdout


def test_climann_info_on_a_cut_grib_file_says_one_line(tmp_path):
    """No traceback of cfgrib's before climann's line: exit 2 and one line on standard error."""
    import sys

    whole, _ = _months_file(tmp_path / "whole.grib2", n_months=3)
    (tmp_path / "cut.grib2").write_bytes(whole.read_bytes()[:-30])
    info = subprocess.run([sys.executable, "-m", "climann", "info", "cut.grib2"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert info.returncode == 2
    assert info.stdout == ""
    assert len(info.stderr.splitlines()) == 1
    assert info.stderr.startswith(f"climann: error: {tmp_path / 'cut.grib2'} is cut short")


def test_a_message_ecCodes_cannot_read_is_refused_at_every_opening(tmp_path, caplog):
    """A wrong end marker (7777) in the 3rd of 24 messages: cfgrib left it out (23 months) after its traceback;
    a second opening in the same process read the index of the 23 without a word."""
    whole, _ = _months_file(tmp_path / "whole.grib2")
    data = bytearray(whole.read_bytes())
    length = len(data) // 24
    assert data[3 * length - 4:3 * length] == b"7777"
    data[3 * length - 4:3 * length] = b"8888"
    (tmp_path / "bad.grib2").write_bytes(bytes(data))
    for _ in range(2):
        with caplog.at_level(logging.DEBUG), pytest.raises(ClimannError, match=(
                r"bad\.grib2 holds 1 message that ecCodes cannot read \(WrongLengthError: Wrong message length\), "
                r"which cfgrib would leave out without a word")):
            open_dataset([tmp_path / "bad.grib2"])
    assert not [record for record in caplog.records if record.name.startswith("cfgrib") and record.exc_info]


@pytest.mark.parametrize("given", [pytest.param("t2m.grib2", id="grib2-symlink"), pytest.param("t2m.bin", id="bin")])
def test_grib_behind_a_wmo_heading_is_read_as_the_grib_it_holds(tmp_path, given):
    """A GTS bulletin (WMO heading, then GRIB) behind a .grib2 symbolic link was taken for NetCDF ('not a
    readable NetCDF file'): the link is resolved to t2m.bin, whose first bytes are the heading."""
    whole, fields = _months_file(tmp_path / "whole.grib2", n_months=3)
    (tmp_path / "t2m.bin").write_bytes(b"\x01\r\r\n123\r\r\nHRPA50 ECMF 061200\r\r\n" + whole.read_bytes())
    (tmp_path / "t2m.grib2").symlink_to("t2m.bin")
    dataset = open_dataset(expand_paths([str(tmp_path / given)]))  # as the CLI: the link resolved
    np.testing.assert_allclose(dataset["t2m"].values, fields, atol=0.01)
    assert [str(time)[:7] for time in dataset["time"].values] == ["1990-01", "1990-02", "1990-03"]


def _nldas_two_parameters(folder, hours=72):
    """NLDAS-2-like hourly GRIB1 files holding ``TMP`` at 2 m (an instant at the hour of the name) and ``APCP``
    ("0-1 hour acc" from it) together, one message each; returns their values, (hours, 3, 4) each."""
    folder.mkdir()
    rng = np.random.default_rng(54)
    temperatures, totals = rng.normal(280, 3, (hours, 3, 4)), np.round(rng.gamma(0.5, 1.0, (hours, 3, 4)), 3)
    for index in range(hours):
        date, hour = 20000101 + index // 24, index % 24
        keys = {"centre": 7, "table2Version": 2, "dataDate": date, "dataTime": hour * 100, "P1": 0}
        write_grib_messages(folder / f"NLDAS_FORA0125_H.A{date}.{hour:02d}00.002.grb", [
            ({**keys, "indicatorOfParameter": 11, "indicatorOfTypeOfLevel": 105, "level": 2, "timeRangeIndicator": 0,
              "P2": 0}, temperatures[index]),
            ({**keys, "indicatorOfParameter": 61, "timeRangeIndicator": 4, "P2": 1}, totals[index])],
            latitudes=LATITUDES, longitudes=LONGITUDES, sample="regular_ll_sfc_grib1")
    return temperatures, totals


def test_files_alike_holding_an_accumulation_beside_instants_are_split_by_one_loop_over_them_all(
        tmp_path, monkeypatch):
    """fix54k: 72 NLDAS-2 files holding APCP and TMP together were refused with grib_copy lines for the first file
    alone (the next run refused the second). Now one guarded loop splits every file into a new folder; run by bash
    as printed, the copies hold each file's tp and t2m (their values), climann reads the folder, and followed
    twice the line writes over nothing."""
    monkeypatch.chdir(tmp_path)
    temperatures, totals = _nldas_two_parameters(tmp_path / "nldas")
    originals = sorted((tmp_path / "nldas").glob("*.grb"))
    with pytest.raises(ClimannError) as raised:
        open_dataset(expand_paths(["nldas/*.grb"]))
    message = str(raised.value)
    assert "split each of the 72 files, one parameter per file, into a new folder: `" in message, message
    line = message.split("into a new folder: `")[1].split("`")[0]
    assert line.count("for f in nldas/NLDAS_FORA0125_H.A2000010*00.002.grb;") == 3, line  # two guards, the loop
    data = message.split("then give --data ")[1].split(" in place of ")[0]
    assert data == "'nldas/split/*.grb'"
    env = {**os.environ, "PATH": f"{Path(eccodes_tool('grib_copy')).parent}:{os.environ['PATH']}"}
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path, env=env)
    split = sorted((tmp_path / "nldas" / "split").glob("*.grb"))
    assert len(split) == 144
    both = open_dataset(expand_paths([shlex.split(data)[0]]))  # the folder read (on their common period)
    assert {"tp", "t2m"} <= set(both.data_vars)
    np.testing.assert_allclose(open_dataset(expand_paths(["nldas/split/*_tp.grb"]))["tp"].values, totals, atol=1e-3)
    np.testing.assert_allclose(open_dataset(expand_paths(["nldas/split/*_rest.grb"]))["t2m"].values, temperatures,
                               atol=1e-2)
    assert sorted((tmp_path / "nldas").glob("*.grb")) == originals
    again = subprocess.run(["bash", "-c", line], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert again.returncode != 0 and "_tp.grb is there already: left as it is" in again.stderr, again.stderr
