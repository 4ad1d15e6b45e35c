"""CSV tables given as data (climann/data/containers.py, delimited_table_message): named as such, not "a
truncated NetCDF file"; reports at points get the line that bins them (break48d A4)."""

import re
import shlex

import numpy as np
import pandas as pd
import pytest

from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import run_python


def _refusal(path) -> str:
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    message = str(error.value)
    assert "\n" not in message and "truncated" not in message
    return message


def test_a_csv_of_point_reports_is_named_and_its_line_bins_them_by_box_and_month(tmp_path):
    """ESWD-like hail reports: the printed line, run as it is, writes a file climann opens, each box's and month's
    mean diameter and number of reports numpy's (boxes by rounded latitude and longitude, months of the reports)."""
    rng = np.random.default_rng(48)
    n = 200
    reports = pd.DataFrame({
        "TIME_EVENT": pd.Timestamp("2019-04-01") + pd.to_timedelta(rng.integers(0, 150 * 24 * 60, n), "min"),
        "LATITUDE": rng.uniform(44.6, 47.4, n), "LONGITUDE": rng.uniform(5.6, 8.4, n),
        "MAX_HAIL_DIAMETER": rng.uniform(0.5, 6.0, n).round(1), "TYPE_EVENT": "HAIL", "QC_LEVEL": "QC1"})
    reports.to_csv(tmp_path / "eswd_hail.csv", index=False)
    message = _refusal(tmp_path / "eswd_hail.csv")
    assert message.startswith("eswd_hail.csv is a CSV table (comma-separated columns TIME_EVENT, LATITUDE, LONGITUDE, "
                              "MAX_HAIL_DIAMETER, …), not NetCDF: it holds reports at points (LATITUDE, LONGITUDE, "
                              "TIME_EVENT)"), message
    words = shlex.split(re.search(r"(python -c .*? \S+\.csv \S+\.nc)", message).group(1))
    run_python(*words[1:], check=True, cwd=tmp_path)
    binned = open_dataset([tmp_path / words[-1]])
    month = reports["TIME_EVENT"].dt.month.to_numpy()
    box_lat, box_lon = np.round(reports["LATITUDE"].to_numpy()), np.round(reports["LONGITUDE"].to_numpy())
    for key in {(m, la, lo) for m, la, lo in zip(month, box_lat, box_lon)}:
        at = (month == key[0]) & (box_lat == key[1]) & (box_lon == key[2])
        cell = binned.sel(time=f"2019-{key[0]:02d}", lat=key[1], lon=key[2])
        assert float(cell["MAX_HAIL_DIAMETER"].squeeze()) == pytest.approx(reports["MAX_HAIL_DIAMETER"][at].mean())
        assert int(cell["n_reports"].squeeze()) == at.sum()
    assert int(np.nansum(binned["n_reports"].values)) == n


def test_another_csv_table_is_named_with_the_way_to_netcdf(tmp_path):
    (tmp_path / "series.csv").write_text("date;discharge\n2001-01-01;3.2\n2001-01-02;3.4\n")
    message = _refusal(tmp_path / "series.csv")
    assert message.startswith("series.csv is a CSV table (semicolon-separated columns date, discharge), not NetCDF; "
                              "climann reads grids and station series from NetCDF: write its columns as a NetCDF file "
                              "first"), message
    assert "docs/own-data.md" in message
