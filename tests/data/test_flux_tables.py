"""FLUXNET2015/ONEFlux and AmeriFlux CSV tables given as data (break45a A1): named, with a pandas
line that, run as printed, writes a CF NetCDF file that climann opens and trains on."""

import json
import shlex
from datetime import datetime, timedelta

import netCDF4
import numpy as np
import pytest

from climann.data.open import open_dataset
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.fresh_python import bare_python, run_python

N_DAYS = 42


def _half_hourly(path, *, preamble=""):
    """A FLUXNET2015 FULLSET HH table as ONEFlux writes it (local standard time, -9999 missing),
    written line by line (no pandas): its stamps, TA_F, SW_IN_F, GPP_NT_VUT_REF and TA_F_QC."""
    rng = np.random.default_rng(5)
    starts = [datetime(2012, 1, 1) + timedelta(minutes=30 * step) for step in range(48 * N_DAYS)]
    hours = np.array([start.hour + start.minute / 60 for start in starts])
    sw = np.clip(700 * np.sin(np.pi * (hours - 6) / 12), 0, None).round(1)
    ta = (5 + 0.01 * sw + rng.normal(0, 1, len(starts))).round(2)
    gpp = (0.02 * sw + 0.1 * ta).round(3)
    ta[[7, 100, 101]] = -9999
    lines = ["TIMESTAMP_START,TIMESTAMP_END,TA_F,TA_F_QC,SW_IN_F,GPP_NT_VUT_REF"]
    lines += [f"{start:%Y%m%d%H%M},{start + timedelta(minutes=30):%Y%m%d%H%M},{t:g},{int(t == -9999)},{s:g},{g:g}"
              for start, t, s, g in zip(starts, ta, sw, gpp)]
    path.write_text(preamble + "\n".join(lines) + "\n")
    return path, np.where(ta == -9999, np.nan, ta), gpp


def _converted(tmp_path, path, *position):
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    message = str(error.value)
    assert "\n" not in message and "truncated" not in message
    words = shlex.split(bare_python(message).split("`")[1])
    assert words[0] == "python" and words[-3:] == ["LAT", "LON", "UTC_OFFSET"]
    run_python(*words[1:-3], *position, check=True, cwd=tmp_path)
    return message, tmp_path / words[-4]


def test_a_fluxnet_half_hourly_table_is_named_and_its_line_writes_a_cf_file_that_trains(tmp_path):
    path, ta, gpp = _half_hourly(tmp_path / "FLX_US-Ha1_FLUXNET2015_FULLSET_HH_2012-2014_1-4.csv")
    message, written = _converted(tmp_path, path, "42.5378", "-72.1715", "-5")
    assert message.startswith("FLX_US-Ha1_FLUXNET2015_FULLSET_HH_2012-2014_1-4.csv is a FLUXNET/AmeriFlux CSV table "
                              "(TIMESTAMP_START and TIMESTAMP_END as YYYYMMDDHHMM, in the site's local standard time; "
                              "-9999 missing), not NetCDF")
    with netCDF4.Dataset(written) as raw:  # the numbers as written, undecoded
        assert raw["time"].units == "minutes since 2012-01-01 00:00:00 -05:00"
        np.testing.assert_array_equal(raw["time"][:], 30 * np.arange(48 * N_DAYS))
        np.testing.assert_array_equal(raw["time_bnds"][:], np.stack([30 * np.arange(48 * N_DAYS),
                                                                     30 * np.arange(1, 48 * N_DAYS + 1)], 1))
        assert raw["GPP_NT_VUT_REF"].units == "umolCO2 m-2 s-1" and raw["TA_F"].units == "degC"
        assert "units" not in raw["TA_F_QC"].ncattrs() and raw.site_id == "US-Ha1"
        assert "TIMESTAMP_START" not in raw.variables
    opened = open_dataset([written])
    np.testing.assert_array_equal(opened["TA_F"].values.ravel(), ta)
    np.testing.assert_array_equal(opened["GPP_NT_VUT_REF"].values.ravel(), gpp)
    first = opened.indexes["time"][0]
    assert (first.year, first.month, first.day, first.hour) == (2012, 1, 1, 5)  # 00:00 local standard time, UTC−5
    config = build_config({"data": {"paths": [str(written)], "target": "GPP_NT_VUT_REF",
                                    "predictors": ["TA_F", "SW_IN_F"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    present = np.isfinite(ta)
    assert sum(metrics["splits"][block]["model"]["n_samples"] for block in ("train", "val", "test")) <= present.sum()
    assert metrics["splits"]["test"]["model"]["n_samples"] > 0


@pytest.mark.parametrize(("offset", "written"), [pytest.param("5.5", "+05:30", id="india"),
                                                 pytest.param("-3.5", "-03:30", id="newfoundland"),
                                                 pytest.param("0", "+00:00", id="utc")])
def test_the_sites_utc_offset_is_written_into_the_time_units(tmp_path, offset, written):
    preamble = "# Site: US-MMS\n# Version: 22-5\n"  # AmeriFlux BASE's first lines
    path, _, _ = _half_hourly(tmp_path / "AMF_US-MMS_BASE_HH_22-5.csv", preamble=preamble)
    _, copy = _converted(tmp_path, path, "39.3232", "-86.4131", offset)
    with netCDF4.Dataset(copy) as raw:
        assert raw["time"].units == f"minutes since 2012-01-01 00:00:00 {written}"
        assert raw.site_id == "US-MMS"


def test_a_daily_table_is_dated_by_its_days_with_carbon_fluxes_per_day(tmp_path):
    days = [datetime(2013, 1, 1) + timedelta(days=day) for day in range(40)]
    gpp = np.round(np.linspace(0.5, 3.5, 40), 3)
    lines = ["TIMESTAMP,TA_F,GPP_NT_VUT_REF"] + [f"{day:%Y%m%d},{day.day % 7:g},{g:g}" for day, g in zip(days, gpp)]
    path = tmp_path / "FLX_DE-Tha_FLUXNET2015_FULLSET_DD_2013-2013_1-4.csv"
    path.write_text("\n".join(lines) + "\n")
    message, copy = _converted(tmp_path, path, "50.9626", "13.5651", "1")
    assert "(TIMESTAMP as YYYYMMDD, in the site's local standard time" in message
    with netCDF4.Dataset(copy) as raw:
        assert raw["time"].units == "minutes since 2013-01-01 00:00:00 +01:00"
        np.testing.assert_array_equal(raw["time_bnds"][:], 1440 * np.stack([np.arange(40), np.arange(1, 41)], 1))
        assert raw["GPP_NT_VUT_REF"].units == "gC m-2 d-1"
        np.testing.assert_array_equal(raw["GPP_NT_VUT_REF"][:], gpp)


def test_another_csv_with_a_timestamp_column_is_not_taken_for_fluxnets(tmp_path):
    (tmp_path / "log.csv").write_text("TIMESTAMP,value\n2013-01-01T00:00,1\n")  # ISO dates, not FLUXNET's digits
    with pytest.raises(ClimannError, match=r"^log.csv is a CSV table \(comma-separated columns TIMESTAMP, value\), "
                                           r"not NetCDF; climann reads grids and station series from NetCDF") as refused:
        open_dataset([tmp_path / "log.csv"])  # a CSV table, named as one since break48d A4
    assert "FLUXNET" not in str(refused.value)
