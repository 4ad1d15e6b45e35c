"""GRDC station text files (climann/data/grdc_tables.py, break49c A1): named, and the printed pandas line
writes a CF station file whose discharge and months are the text's (parsed line by line with numpy)."""

import shlex

import numpy as np
import pytest
import xarray as xr

from climann.data.flux_tables import text_head_lines
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python

HEADER = ("# Title:                 GRDC STATION DATA FILE\n#                        --------------\n"
          "# Format:                DOS-ASCII\n# Field delimiter:       ;\n"
          "# missing values are indicated by -999.000\n#\n# GRDC-No.:              6335020\n"
          "# River:                 RHINE RIVER\n# Station:               REES\n# Country:               DE\n"
          "# Latitude (DD):       51.756\n# Longitude (DD):      6.395\n"
          "# Catchment area (km\u00b2):      159300.0\n"
          "#************************************************************\n"
          "# Data Set Content:      MEAN MONTHLY DISCHARGE (MQ)\n# Unit of measure:                  m\u00b3/s\n"
          "# Time series:           1990-01 - 1999-12\n"
          "#************************************************************\n"
          "# Data lines: 120\n# DATA\nYYYY-MM-DD;hh:mm; Original; Calculated; Flag\n")


def _grdc(path, *, encoding: str, day: str):
    """A GRDC monthly file written line by line (no pandas), CR LF ends as the portal's: 10 years, some
    values -999.000 in each column."""
    rng = np.random.default_rng(3)
    original = (2000 + 500 * rng.standard_normal(120)).round(3)
    calculated = (original + rng.normal(0, 5, 120)).round(3)
    original[::7], calculated[::11] = -999.0, -999.0
    rows = [f"{1990 + i // 12}-{i % 12 + 1:02d}-{day};--:--;{a:11.3f};{b:11.3f};  100"
            for i, (a, b) in enumerate(zip(original, calculated))]
    path.write_bytes((HEADER + "\n".join(rows) + "\n").replace("\n", "\r\n").encode(encoding))
    return path.read_bytes()


def _numpy_series(text: bytes, column: int):
    """The months and one value column of the text, parsed with numpy alone (-999 as NaN)."""
    rows = [line.split(";") for line in text.decode("latin-1").splitlines()[21:]]
    months = np.array([row[0][:7] for row in rows], "datetime64[M]").astype("datetime64[ns]")
    values = np.array([float(row[column]) for row in rows])
    return months, np.where(values == -999, np.nan, values)


@pytest.mark.parametrize("encoding", [pytest.param("latin-1", id="latin-1-as-downloaded"),
                                      pytest.param("utf-8", id="utf-8-copy")])
@pytest.mark.parametrize("day", [pytest.param("01", id="month-first-day"), pytest.param("00", id="day-00")])
def test_a_grdc_file_is_named_and_its_line_writes_its_monthly_series(tmp_path, encoding, day):
    """Before: "…_Q_Month.txt is not a readable NetCDF file (truncated or another format)", no way out."""
    name = "6335020_Q_Month.txt"
    text = _grdc(tmp_path / name, encoding=encoding, day=day)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / name])
    message = str(refused.value)
    assert message.startswith(f"{name} is a GRDC station text file (6335020, REES, RHINE RIVER;") and "\n" not in message
    words = shlex.split(bare_python(message).split("`")[1])
    assert words[:2] == ["python", "-c"]
    run_python(*words[1:], check=True, cwd=tmp_path)
    months, original = _numpy_series(text, 2)
    _, calculated = _numpy_series(text, 3)
    with xr.open_dataset(tmp_path / words[-1]) as written:
        np.testing.assert_array_equal(written["discharge_original"].values, original)
        np.testing.assert_array_equal(written["discharge_calculated"].values, calculated)
        np.testing.assert_array_equal(written["time"].values, months)
        np.testing.assert_array_equal(written["time_bnds"].values[:, 1],
                                      (months.astype("datetime64[M]") + 1).astype("datetime64[ns]"))
        assert (float(written["lat"]), float(written["lon"]), int(written["station_id"])) == (51.756, 6.395, 6335020)
        assert written["discharge_original"].attrs["units"] == "m3 s-1"
    opened = open_dataset([tmp_path / words[-1]])
    np.testing.assert_array_equal(opened["discharge_original"].values.ravel(), original)


def test_latin1_text_is_read_and_binary_is_not(tmp_path):
    (tmp_path / "latin.txt").write_bytes("# Catchment area (km\u00b2): 1\na;b\n1;2\n".encode("latin-1"))
    (tmp_path / "binary.dat").write_bytes(bytes(range(1, 256)) * 3)
    assert text_head_lines(tmp_path / "latin.txt") == ["# Catchment area (km\u00b2): 1", "a;b", "1;2"]
    assert text_head_lines(tmp_path / "binary.dat") is None


def test_a_semicolon_table_after_a_comment_header_is_named_as_a_table(tmp_path):
    """A '#' header before another semicolon table: named as a CSV table, not 'truncated'."""
    (tmp_path / "gauge.txt").write_bytes("# station: X \u00b3\n# more\ndate;level\n2001-01-01;3.5\n2001-01-02;3.6\n"
                                         .encode("latin-1"))
    with pytest.raises(ClimannError, match=r"^gauge.txt is a CSV table \(semicolon-separated columns date, level\)"):
        open_dataset([tmp_path / "gauge.txt"])
