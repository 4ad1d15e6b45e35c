"""Years before year 1 on the command line (PMIP, TraCE): climann takes the dates it prints.

climann prints years as ISO 8601 writes them (``-0040-01-15``, :func:`climann.data.time_axis.date_text`);
``--time-range``, ``plot --time`` and ``select`` dates refused them (``'-0040-01-15' is not a
date 'YYYY'…``), and the advice of ``evaluate`` wrote the year -6 as ``-006`` (fix33b).
"""

import json
import re

import cftime
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app

runner = CliRunner()
NO_FIGURES = ["--set", "evaluation.figures=false"]
TIME = xr.coders.CFDatetimeCoder(use_cftime=True)
#: The PMIP-like file's years: 40 years before year 0 of a ``noleap`` model calendar.
FIRST_YEAR, N_YEARS = -40, 40


@pytest.fixture(scope="module")
def pmip(tmp_path_factory):
    """Monthly ``tas`` and ``rsdt`` on a 3 × 4 grid, stamped on the 15th, years -40 … -1 (noleap)."""
    path = tmp_path_factory.mktemp("pmip") / "pmip.nc"
    times = [cftime.DatetimeNoLeap(FIRST_YEAR + month // 12, month % 12 + 1, 15) for month in range(12 * N_YEARS)]
    rng = np.random.default_rng(3)
    shape = (len(times), 3, 4)
    rsdt = 340 + 20 * np.sin(2 * np.pi * np.arange(len(times)) / 12)[:, None, None] + rng.normal(size=shape)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), (200 + 0.2 * rsdt + rng.normal(size=shape)).astype("f4"), {"units": "K"}),
         "rsdt": (("time", "lat", "lon"), rsdt.astype("f4"), {"units": "W m-2"})},
        coords={"time": ("time", times), "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})})
    dataset["time"].encoding.update(units="days since 0001-01-01", calendar="noleap")
    dataset.to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def trained(pmip, tmp_path_factory):
    """A run on the whole file, split by years: test years -6 … -1."""
    out = tmp_path_factory.mktemp("runs") / "run"
    result = runner.invoke(app, ["train", "--data", str(pmip), "--target", "tas", "--epochs", "2", "--hidden", "4",
                                 "--out", str(out), "--quiet", *NO_FIGURES])
    assert result.exit_code == 0, result.output
    return out


def _file_times(path):
    with xr.open_dataset(path, decode_times=TIME) as dataset:
        return list(dataset["time"].values)


def test_a_run_trains_on_the_period_info_prints(pmip, tmp_path):
    """``info`` prints the time axis as -0040-01-15 to -0001-12-15; given to --time-range, the
    run keeps every step of the file (inclusive days), the first and the last as printed."""
    shown = runner.invoke(app, ["info", str(pmip)])
    assert shown.exit_code == 0, shown.output
    first, last = re.search(r"# Time 'time': (\S+) to (\S+),", shown.stdout).groups()
    assert (first, last) == ("-0040-01-15", "-0001-12-15")
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(pmip), "--target", "tas", "--epochs", "1", "--hidden", "4",
                                 "--time-range", f"{first},{last}", "--out", str(out), "--quiet", *NO_FIGURES])
    assert result.exit_code == 0, result.output
    assert _file_times(out / "predictions.nc") == _file_times(pmip)


def test_a_select_of_a_time_follows_its_advice_as_printed(pmip, tmp_path):
    """``--select time=…`` is refused with the --time-range of the file's months; followed as
    printed, it trains on those months: all of the file's."""
    refused = runner.invoke(app, ["train", "--data", str(pmip), "--target", "tas", "--select", "time=-0020-01-15",
                                  "--out", str(tmp_path / "refused"), *NO_FIGURES])
    assert refused.exit_code == 2
    (advised,) = re.findall(r"choose a period with --time-range (\S+) ", refused.stderr)
    assert advised == "-0040-01,-0001-12"
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(pmip), "--target", "tas", "--epochs", "1", "--hidden", "4",
                                 "--time-range", advised, "--out", str(out), "--quiet", *NO_FIGURES])
    assert result.exit_code == 0, result.output
    assert _file_times(out / "predictions.nc") == _file_times(pmip)


def test_evaluate_advice_of_negative_years_is_followed_as_printed(pmip, trained, tmp_path):
    """Scored on its own file, the run is told to score the years after its training and
    validation years with --time-range -0006-01,-0001-12 (was -006-01,-001-12); followed, that
    scores its test block again: its test MSE, and no warning. The test block is named in
    metrics.json as climann writes years (was ``-6–-1``: an en dash before a minus sign)."""
    warned = runner.invoke(app, ["evaluate", str(trained), "--data", str(pmip), "--out", str(tmp_path / "all")])
    assert warned.exit_code == 0, warned.output
    (advised,) = re.findall(r"--time-range (\S+)\n", warned.stderr)
    assert json.loads((trained / "metrics.json").read_text())["split_periods"]["test"] == "-0006 to -0001"
    assert advised == "-0006-01,-0001-12"
    unseen = runner.invoke(app, ["evaluate", str(trained), "--data", str(pmip), "--out", str(tmp_path / "unseen"),
                                 "--time-range", advised])
    assert unseen.exit_code == 0, unseen.output
    assert "training years" not in unseen.stderr
    own = json.loads((trained / "metrics.json").read_text())["splits"]["test"]["model"]["mse"]
    scored = json.loads((tmp_path / "unseen" / "metrics.json").read_text())["splits"]["all"]["model"]["mse"]
    assert scored == pytest.approx(own, rel=1e-6)


@pytest.mark.parametrize("time", [pytest.param("-0003-07", id="a-month"), pytest.param("-0003", id="a-year"),
                                  pytest.param("-0003-07-15", id="a-day")])
def test_plot_maps_a_time_of_negative_years(trained, tmp_path, time):
    """``plot predictions.nc --time -0003-07`` maps that time (which steps: tests/evaluation/figures/test_files.py),
    its figure named as the time was given."""
    result = runner.invoke(app, ["plot", str(trained / "predictions.nc"), "--time", time, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [path.name for path in tmp_path.iterdir()] == [f"predictions_map_{time}.png"]


def _palaeo_file(folder, calendar):
    """Monthly ``tas`` and ``rsdt`` on a 3 × 4 grid, years -20000 … -19990 in ``calendar`` (TraCE-21ka-like)."""
    path = folder / f"palaeo_{calendar}.nc"
    times = [cftime.datetime(-20000 + month // 12, month % 12 + 1, 15, calendar=calendar) for month in range(12 * 11)]
    rng = np.random.default_rng(5)
    shape = (len(times), 3, 4)
    rsdt = 340 + 20 * np.sin(2 * np.pi * np.arange(len(times)) / 12)[:, None, None] + rng.normal(size=shape)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), (200 + 0.2 * rsdt + rng.normal(size=shape)).astype("f4"), {"units": "K"}),
         "rsdt": (("time", "lat", "lon"), rsdt.astype("f4"), {"units": "W m-2"})},
        coords={"time": ("time", times), "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})})
    dataset["time"].encoding.update(units="days since 0001-01-01", calendar=calendar)
    dataset.to_netcdf(path)
    return path


@pytest.mark.parametrize("calendar", [pytest.param("proleptic_gregorian", id="proleptic"),
                                      pytest.param("360_day", id="360-day")])
def test_periods_of_five_digit_negative_years_are_printed_as_dates_are(calendar, tmp_path):
    """The terminal's periods and metrics.json's ``split_periods`` named the blocks
    ``-20000–-19994``; now as --time-range takes them. The test block's period, given to
    ``evaluate --time-range``, scores the test block's steps: its MSE."""
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(_palaeo_file(tmp_path, calendar)), "--target", "tas",
                                 "--epochs", "1", "--hidden", "4", "--out", str(out), *NO_FIGURES])
    assert result.exit_code == 0, result.output
    assert "periods: train -20000 to -19994, val -19993 to -19992, test -19991 to -19990" in result.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["split_periods"] == {"train": "-20000 to -19994", "val": "-19993 to -19992",
                                       "test": "-19991 to -19990"}
    first, last = metrics["split_periods"]["test"].split(" to ")
    scored = runner.invoke(app, ["evaluate", str(out), "--data", str(tmp_path / f"palaeo_{calendar}.nc"),
                                 "--out", str(tmp_path / "test"), "--time-range", f"{first},{last}", "--quiet"])
    assert scored.exit_code == 0, scored.output
    again = json.loads((tmp_path / "test" / "metrics.json").read_text())["splits"]["all"]["model"]["mse"]
    assert again == pytest.approx(metrics["splits"]["test"]["model"]["mse"], rel=1e-6)


def _around_1_bc(folder, calendar):
    """Monthly ``tas`` and ``rsdt``, years -4 … 3 as ``calendar`` numbers them (no year 0 in
    ``standard`` and ``julian``: there 1 BC is year -1, CF §4.4.1)."""
    has_year_zero = cftime.datetime(1, 1, 1, calendar=calendar).has_year_zero
    years = [year for year in range(-4, 4) if year or has_year_zero]
    path = folder / f"bc_{calendar}.nc"
    times = [cftime.datetime(year, month, 15, calendar=calendar) for year in years for month in range(1, 13)]
    rng = np.random.default_rng(8)
    shape = (len(times), 3, 4)
    rsdt = 340 + 20 * np.sin(2 * np.pi * np.arange(len(times)) / 12)[:, None, None] + rng.normal(size=shape)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), (200 + 0.2 * rsdt + rng.normal(size=shape)).astype("f4"), {"units": "K"}),
         "rsdt": (("time", "lat", "lon"), rsdt.astype("f4"), {"units": "W m-2"})},
        coords={"time": ("time", times), "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})})
    dataset["time"].encoding.update(units="days since 2000-01-01", calendar=calendar)
    dataset.to_netcdf(path)
    return path


@pytest.mark.filterwarnings("ignore::cftime.CFWarning")  # cftime's note on dates before year 1 in standard/julian
@pytest.mark.parametrize(("calendar", "train"), [
    pytest.param("standard", "-0004 to -0001, 0001", id="standard"),
    pytest.param("julian", "-0004 to -0001, 0001", id="julian"),
    pytest.param("proleptic_gregorian", "-0004 to 0001", id="proleptic"),
    pytest.param("360_day", "-0004 to 0001", id="360-day"),
])
def test_years_around_1_bc_printed_and_pasted_back_select_the_same_data(calendar, train, tmp_path):
    """Monthly data across 1 BC: ``info`` and ``train`` crashed in ``standard`` and ``julian``
    (the month after December of year -1 was built in their missing year 0). The years are
    printed as the calendar numbers them, and the training block's first and last years given to
    ``evaluate --time-range`` score the training block's steps again (its MSE); the lag of one
    month crosses 1 BC without a gap (only the first step lacks it)."""
    path = _around_1_bc(tmp_path, calendar)
    shown = runner.invoke(app, ["info", str(path)])
    assert shown.exit_code == 0, shown.output
    assert re.search(r"# Time 'time': -0004-01-15 to 0003-12-15, monthly", shown.stdout)
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(path), "--target", "tas", "--epochs", "1", "--hidden", "4",
                                 "--lags", "tas=1", "--out", str(out), "--quiet", *NO_FIGURES])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["split_periods"] == {"train": train, "val": "0002", "test": "0003"}
    assert metrics["n_dropped"] == 12  # the first month's 12 cells: no gap at 1 BC
    years = re.split(r" to |, ", train)
    first, last = years[0], years[-1]
    scored = runner.invoke(app, ["evaluate", str(out), "--data", str(path), "--out", str(tmp_path / "train"),
                                 "--time-range", f"{first},{last}", "--quiet"])
    assert scored.exit_code == 0, scored.output
    again = json.loads((tmp_path / "train" / "metrics.json").read_text())["splits"]["all"]["model"]
    own = metrics["splits"]["train"]["model"]
    assert (again["n_samples"], again["mse"]) == (own["n_samples"], pytest.approx(own["mse"], rel=1e-6))
