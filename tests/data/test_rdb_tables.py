"""USGS NWIS RDB tables of daily values given as data (break46b A6): named as what they are (they were "not a
readable NetCDF file (truncated or another format)"), with a pandas line that, run as printed, writes a CF
station file that climann opens and trains on; its values and persistence checked with numpy."""

import json
import shlex
from datetime import date, timedelta

import netCDF4
import numpy as np
import pytest

from climann.data.open import open_dataset
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.fresh_python import bare_python, run_python

N_DAYS = 3 * 365
#: Days of the table without a measured value, and the word NWIS writes there.
NOT_MEASURED = {40: "Ice", 41: "Ice", 400: "Eqp"}


def _rdb(path):
    """An NWIS daily-values RDB file of one site as waterservices writes it: comments, the header, the line of
    column formats, then discharge (ft3 s-1, daily mean) with its qualification codes; written line by line
    (no pandas). Returns the discharge with NaN where no value was measured, and the codes."""
    rng = np.random.default_rng(3)
    days = [date(2017, 1, 1) + timedelta(days=day) for day in range(N_DAYS)]
    flow = np.round(8000 + 3000 * np.sin(2 * np.pi * np.arange(N_DAYS) / 365) + rng.normal(0, 500, N_DAYS))
    codes = ["A e" if day % 17 == 0 else "P" if day > 900 else "A" for day in range(N_DAYS)]
    lines = ["# ---------------------------------- WARNING ---------", "#  A  Approved for publication",
             "#    USGS 01646500 POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA", "#",
             "agency_cd\tsite_no\tdatetime\t149405_00060_00003\t149405_00060_00003_cd", "5s\t15s\t20d\t14n\t10s"]
    for day, (when, value, code) in enumerate(zip(days, flow, codes)):
        shown = NOT_MEASURED.get(day, f"{value:.0f}")
        lines.append(f"USGS\t01646500\t{when:%Y-%m-%d}\t{shown}\t{'' if day in NOT_MEASURED else code}")
    path.write_text("\n".join(lines) + "\n")
    flow[list(NOT_MEASURED)] = np.nan
    return flow, ["" if day in NOT_MEASURED else code for day, code in enumerate(codes)]


def test_a_usgs_rdb_table_is_named_and_its_line_writes_a_station_file_that_trains(tmp_path):
    flow, codes = _rdb(tmp_path / "dv_01646500.rdb")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "dv_01646500.rdb"])
    message = str(error.value)
    assert "\n" not in message and "truncated" not in message
    assert message.startswith("dv_01646500.rdb is a USGS NWIS RDB table of daily values (tab-separated text: "
                              "agency_cd, site_no, datetime, 149405_00060_00003 …; words such as Ice and Eqp where no "
                              "value was measured), not NetCDF")
    words = shlex.split(bare_python(message).split("`")[1])
    assert words[0] == "python" and words[-2:] == ["LAT", "LON"]
    run_python(*words[1:-2], "38.94977778", "-77.12763889", check=True, cwd=tmp_path)
    written = tmp_path / words[-3]
    with netCDF4.Dataset(written) as raw:
        assert raw["discharge"].units == "ft3 s-1" and raw.featureType == "timeSeries"
        assert raw["station"].cf_role == "timeseries_id" and raw["station"][...] == "01646500"
        np.testing.assert_array_equal(raw["time_bnds"][:], np.stack([np.arange(N_DAYS), np.arange(1, N_DAYS + 1)], 1))
        assert list(raw["discharge_cd"][:]) == codes
    opened = open_dataset([written])
    np.testing.assert_array_equal(opened["discharge"].values.ravel(), flow)
    assert (float(opened["lat"].values.ravel()[0]), float(opened["lon"].values.ravel()[0])) == (38.94977778,
                                                                                                 -77.12763889)
    config = build_config({"data": {"paths": [str(written)], "target": "discharge", "predictors": [],
                                    "split_years": {"train": [2017, 2017], "val": [2018, 2018], "test": [2019, 2019]}},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    metrics = json.loads((run_training(config, run_dir=tmp_path / "run").run_dir / "metrics.json").read_text())
    for block, year in (("train", 0), ("val", 1), ("test", 2)):
        days = np.arange(365 * year, 365 * (year + 1))
        days = days[days >= 1]
        errors = flow[days] - flow[days - 1]
        errors = errors[np.isfinite(errors)]
        scored = metrics["splits"][block]["persistence"]
        assert scored["n_samples"] == errors.size, block
        assert scored["mse"] == pytest.approx(np.mean(errors ** 2), rel=1e-12), block


def test_another_tab_separated_table_is_not_taken_for_an_rdb_one(tmp_path):
    (tmp_path / "table.txt").write_text("a\tb\tc\n1\t2\t3\n4\t5\t6\n")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "table.txt"])
    assert "USGS" not in str(error.value)
