"""GESLA-3 tide-gauge text files (climann/data/gesla_tables.py, break47c A3): named, and the printed pandas
line writes a CF station file whose values and UTC times are the text's (checked line by line with numpy)."""

import shlex
from datetime import datetime, timedelta

import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python

HEADER = ("# SITE NAME                 Honolulu\n# SITE CODE                 057\n# COUNTRY                   USA\n"
          "# LATITUDE                  21.306700\n# LONGITUDE                 -157.867000\n"
          "# NULL VALUE                -99.9999\n# TIME ZONE HOURS           {zone}\n")


def _gesla(path, *, zone: int = 0, steps: int = 200):
    """A GESLA-3 file written line by line (no pandas): hourly readings, every 17th the null value."""
    rng = np.random.default_rng(2)
    stamps = [datetime(2010, 1, 1) + timedelta(hours=step) for step in range(steps)]
    level = (1.5 + 0.25 * np.cos(2 * np.pi * np.arange(steps) / 12.42) + rng.normal(0, 0.02, steps)).round(4)
    level[::17] = -99.9999
    lines = [f"{stamp:%Y/%m/%d %H:%M:%S} {value:9.4f} {3 if value < -99 else 1} {0 if value < -99 else 1}"
             for stamp, value in zip(stamps, level)]
    path.write_text(HEADER.format(zone=zone) + "\n".join(lines) + "\n")
    return np.array(stamps, "datetime64[ns]"), np.where(level < -99, np.nan, level)


@pytest.mark.parametrize("name", [pytest.param("honolulu-057-usa-uhslc", id="as-distributed"),
                                  pytest.param("honolulu-057-usa-uhslc.txt", id="txt-copy")])
@pytest.mark.parametrize("zone", [pytest.param(0, id="utc"), pytest.param(-10, id="hawaii-standard-time")])
def test_a_gesla_file_is_named_and_its_line_writes_its_series_in_utc(tmp_path, name, zone):
    """Before: "not a readable NetCDF file (truncated or another format)", no way out."""
    stamps, level = _gesla(tmp_path / name, zone=zone)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / name])
    message = str(refused.value)
    assert message.startswith(f"{name} is a GESLA-3 tide-gauge text file (Honolulu)") and "\n" not in message
    words = shlex.split(bare_python(message).split("`")[1])
    assert words[:2] == ["python", "-c"]
    run_python(*words[1:], check=True, cwd=tmp_path)
    with xr.open_dataset(tmp_path / words[-1]) as written:
        np.testing.assert_array_equal(written["sea_level"].values, level)
        np.testing.assert_array_equal(written["time"].values, stamps - np.timedelta64(zone, "h"))
        assert (float(written["lat"]), float(written["lon"])) == (21.3067, -157.867)
        np.testing.assert_array_equal(written["use_flag"].values, np.where(np.isnan(level), 0, 1))
    opened = open_dataset([tmp_path / words[-1]])
    np.testing.assert_array_equal(opened["sea_level"].values.ravel(), level)


def test_another_text_table_is_not_taken_for_gesla(tmp_path):
    (tmp_path / "other.txt").write_text("# LATITUDE 1\n# LONGITUDE 2\n# NULL VALUE -9\n2010/01/01 00:00:00 1.0\n")
    with pytest.raises(ClimannError, match="not a readable NetCDF file"):
        open_dataset([tmp_path / "other.txt"])
