"""ECMWF accumulations converted from GRIB without GRIB_stepType (climann/data/grib_conversions.py),
refused on a daily axis without bounds as those that keep the attribute are (fix46c)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.grib_conversions import converted_accumulation, grib_history_words
from climann.data.open import open_dataset
from climann.data.units import refuse_grib_accumulations
from climann.errors import ClimannError

G2N = ("2021-05-12 09:24:55 GMT by grib_to_netcdf-2.16.0: /opt/ecmwf/eccodes/bin/grib_to_netcdf -S param "
       "-o /cache/data5/adaptor.mars.internal-1620811495.nc /cache/tmp/adaptor.mars.internal-1620811495.grib")


def _daily_totals(path, *, name="tp", attrs=None, history=G2N, freq="D", start="2001-01-02T00"):
    """ERA5-Land's tp kept at 00 UTC (each the total of the day before), 20 steps, as a converter
    without GRIB_stepType writes it."""
    times = pd.date_range(start, periods=20, freq=freq)
    values = np.random.default_rng(0).gamma(0.5, 2e-3, (times.size, 2, 3)).astype("f4")
    dataset = xr.Dataset({name: (("time", "lat", "lon"), values, attrs or {"units": "m"})},
                         coords={"time": times, "lat": [0.0, 1.0], "lon": [0.0, 1.0, 2.0]})
    if history:
        dataset.attrs["history"] = history
    dataset.to_netcdf(path)
    return times


@pytest.mark.parametrize("history, name, attrs", [
    pytest.param(G2N, "tp", {"units": "m", "long_name": "Total precipitation"}, id="grib_to_netcdf-short-name"),
    pytest.param("Sun Dec 06 2026: cdo -f nc copy era5land.grib out.nc", "var228", {"units": "m", "code": 228,
                 "table": 128}, id="cdo-copy-code"),
    pytest.param("2024-10-01 GRIB to CDM+CF via cfgrib-0.9.14.1/ecCodes-2.37.0", "precip",
                 {"units": "J m**-2", "long_name": "Surface solar radiation downwards"}, id="cfgrib-long-name"),
])
def test_an_accumulation_converted_from_grib_kept_daily_without_bounds_is_refused(tmp_path, history, name, attrs):
    """A wrong day with exit 0 before: read as the total of the day beginning at 00 UTC."""
    _daily_totals(tmp_path / "era5land.nc", name=name, attrs=attrs, history=history)
    dataset = open_dataset([tmp_path / "era5land.nc"])
    with pytest.raises(ClimannError) as error:
        refuse_grib_accumulations(dataset, [name], where="era5land.nc")
    message = str(error.value)
    assert "\n" not in message and f"'{name}' in era5land.nc" in message
    assert "converted from GRIB without GRIB_stepType" in message and "over the day before it" in message


@pytest.mark.parametrize("history, name, attrs, freq", [
    pytest.param("", "tp", {"units": "m", "long_name": "Total precipitation"}, "D", id="no-history"),
    pytest.param("cdo daysum in.nc out.nc", "tp", {"units": "m"}, "D", id="history-without-grib"),
    pytest.param(G2N, "sd", {"units": "m", "long_name": "Snow depth"}, "D", id="an-instant"),
    pytest.param(G2N, "tp", {"units": "m", "cell_methods": "time: sum"}, "D", id="cell-methods-say-it"),
    pytest.param(G2N, "tp", {"units": "m"}, "h", id="an-hour-apart"),
])
def test_what_says_no_grib_accumulation_or_its_period_is_not_refused(tmp_path, history, name, attrs, freq):
    _daily_totals(tmp_path / "a.nc", name=name, attrs=attrs, history=history, freq=freq)
    refuse_grib_accumulations(open_dataset([tmp_path / "a.nc"]), [name], where="a.nc")


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO's ncap2 is not installed")
def test_the_printed_line_for_the_day_before_dates_each_total_by_that_day(tmp_path, monkeypatch):
    """The line of the refusal, with the number it says for totals over the day before, gives each
    value the day before its stamp: its middle is the stamp less 12 hours (computed here from the
    stamps), and the copy is read without a refusal."""
    monkeypatch.chdir(tmp_path)
    stamps = _daily_totals(tmp_path / "era5land.nc")
    with pytest.raises(ClimannError) as error:
        refuse_grib_accumulations(open_dataset([tmp_path / "era5land.nc"]), ["tp"], where="era5land.nc")
    message = str(error.value)
    command = re.search(r"ncap2 -s '[^']*' era5land.nc era5land_fixed.nc", message).group(0)
    hour, day = re.search(r"for totals over the day before it, (\S+) in place of (\S+)\)", message).group(2, 1)
    subprocess.run(shlex.split(command.replace(f"-{hour};", f"-{day};")), check=True, capture_output=True)
    fixed = open_dataset([tmp_path / "era5land_fixed.nc"])
    refuse_grib_accumulations(fixed, ["tp"], where="era5land_fixed.nc")
    middles = pd.DatetimeIndex([pd.Timestamp(str(t)) for t in fixed["time"].values])
    np.testing.assert_array_equal(middles, stamps - pd.Timedelta(hours=12))
    assert middles[0].day == 1  # the first value, stamped 2 January 00 UTC, is 1 January's total


def test_the_words_of_a_history_and_of_a_parameter():
    assert grib_history_words({"history": "grib2nc in.grb2 out.nc"}) == "grib2nc"
    assert converted_accumulation("tp", {"GRIB_stepType": "accum"}, {"history": G2N}) == ""  # the attribute says it
    assert converted_accumulation("x", {"code": 228, "table": 2}, {"history": G2N}) == ""  # another table


def test_monthly_means_of_an_old_cds_file_are_refused_with_the_units_of_a_mean_daily_total(tmp_path):
    """ERA5's monthly averaged tp from the CDS's grib_to_netcdf (m, each the month's mean daily total)
    was read as the total of its month, exit 0; refused as with GRIB_stepType, naming m day-1."""
    _daily_totals(tmp_path / "monthly.nc", freq="MS", start="2001-01-01")
    with pytest.raises(ClimannError, match=r"the mean daily total of its month .*\(ncatted -a units,tp,o,c,'m day-1' "):
        refuse_grib_accumulations(open_dataset([tmp_path / "monthly.nc"]), ["tp"], where="monthly.nc")
