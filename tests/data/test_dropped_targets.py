"""Values of the target dropped because a predictor is missing there (climann/data/dropped_targets.py):
HadISST's sst, flagged -1000 (read as missing) exactly where the sea-ice concentration is 0.15 or more, as a
predictor of sic left sic scored on open water only, said nowhere but in train.log (break33b B2)."""

import datetime as dt
import json

import netCDF4
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.defaults import CHECKED_TIME_STEPS, EVERY_STEP_VALUES
from climann.data.dropped_targets import (MAX_DROPPED_SHARE, DroppedTargets, dropped_target_warning,
                                          dropped_targets)
from climann.data.info import describe
from tests.conftest import unwrapped_report

runner = CliRunner()
FAST = ["--epochs", "1", "--hidden", "4", "--set", "evaluation.figures=false"]


def _write(path, name, data, attrs, lat, lon, times, bounds):
    """One variable as the Met Office writes HadISST (break33b's mk_hadisst.py): NETCDF3, days since 1870,
    fill and missing_value -1e30."""
    with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as out:
        out.createDimension("time", None)
        out.createDimension("latitude", lat.size)
        out.createDimension("longitude", lon.size)
        out.createDimension("nv", 2)
        variable = out.createVariable("time", "f4", ("time",))
        variable.setncatts({"units": "days since 1870-1-1 0:0:0", "calendar": "gregorian", "standard_name": "time",
                            "bounds": "time_bnds"})
        variable[:] = times
        out.createVariable("time_bnds", "f4", ("time", "nv"))[:] = bounds
        for axis, values, units in (("latitude", lat, "degrees_north"), ("longitude", lon, "degrees_east")):
            variable = out.createVariable(axis, "f4", (axis,))
            variable.setncatts({"units": units, "standard_name": axis})
            variable[:] = values
        variable = out.createVariable(name, "f4", ("time", "latitude", "longitude"), fill_value=np.float32(-1e30))
        variable.setncatts({**attrs, "missing_value": np.float32(-1e30)})
        variable.set_auto_mask(False)
        variable[:] = data
        out.Conventions = "CF-1.0"


@pytest.fixture(scope="module")
def hadisst(tmp_path_factory):
    """HadISST-like sst and sic, 1990–1993 monthly, 20 × 8 cells from 89.5°N to 32.5°N with some land: sst is -1000
    (the ice flag) where sic ≥ 0.15. Returns the folder and the truth (sic, NaN on land; the flag)."""
    folder = tmp_path_factory.mktemp("had")
    rng = np.random.default_rng(1)
    lat, lon = np.arange(89.5, 30.0, -3.0, dtype="f4"), np.arange(-19.5, 20.0, 5.0, dtype="f4")
    starts = [dt.datetime(1990 + month // 12, month % 12 + 1, 1) for month in range(49)]
    days = np.array([(start - dt.datetime(1870, 1, 1)).days for start in starts], "f4")
    bounds, times = np.stack([days[:-1], days[1:]], axis=1), (days[:-1] + days[1:]) / 2
    grid_lat, grid_lon = np.meshgrid(lat, lon, indexing="ij")
    land = (grid_lon > 10) & (grid_lat < 66)
    season = np.cos(2 * np.pi * (np.arange(times.size) % 12 - 7) / 12)[:, None, None]
    sic = np.clip((grid_lat[None] - 72 + 6 * season) / 6, 0, 1).astype("f4")
    sic = np.where(sic > 0.02, sic, 0).astype("f4")
    sst = (20 - 0.3 * (grid_lat - 30)[None] - 2 * season + rng.normal(0, 0.5, sic.shape)).astype("f4")
    ice = sic >= 0.15
    sst[ice] = -1000.0
    sst[:, land], sic[:, land] = -1e30, -1e30
    grid = dict(lat=lat, lon=lon, times=times, bounds=bounds)
    _write(folder / "HadISST_sst.nc", "sst", sst, {"standard_name": "sea_surface_temperature", "long_name": "sst",
                                                    "units": "C"}, **grid)
    _write(folder / "HadISST_ice.nc", "sic", sic, {"standard_name": "sea_ice_area_fraction", "units": "1",
                                                    "long_name": "Monthly 1 degree resolution sea ice concentration"},
           **grid)
    return folder, np.where(land[None], np.nan, sic).astype("f4"), ice & ~land[None]


def test_info_leaves_out_a_predictor_missing_on_the_targets_ice(hadisst):
    """info proposed predictors = ["sst"] for sic: sst is missing on a third of sic's values (under the old 50 %
    rule), all of them ice. The note says how many, counted on the steps checked: every step of a target of at most
    EVERY_STEP_VALUES values (fix45h), else CHECKED_TIME_STEPS spread evenly."""
    folder, sic, ice = hadisst
    report = unwrapped_report(describe(str(folder)))
    assert 'target = "sic"' in report and 'predictors = []' in report
    steps = (np.arange(sic.shape[0]) if sic.size <= EVERY_STEP_VALUES else
             np.unique(np.linspace(0, sic.shape[0] - 1, CHECKED_TIME_STEPS).round().astype(int)))
    present, lost = np.isfinite(sic[steps]), ice[steps]
    n_present, n_lost = int(present.sum()), int((lost & present).sum())
    assert n_lost / n_present > MAX_DROPPED_SHARE
    assert (f"left out of the default predictors: sst ({100 * n_lost / n_present:.3g}%: {n_lost} of {n_present}), "
            "missing on more than 5% of the values of 'sic'") in report


@pytest.mark.parametrize("streamed", [pytest.param([], id="in-memory"),
                                      pytest.param(["--set", "data.in_memory_limit_gb=1e-5"], id="streamed")])
def test_training_says_which_values_of_the_target_a_missing_predictor_drops(hadisst, tmp_path, streamed):
    """train --predictors sst: the terminal says that the ice values (all sic ≥ 0.15) have no sample, with their
    range and mean beside the kept ones', and metrics.json and report.md count them; streamed too (≈ 10 kB
    in memory at most: the samples are read chunk by chunk)."""
    folder, sic, ice = hadisst
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(folder), "--target", "sic", "--predictors", "sst",
                                 "--out", str(out), *FAST, *streamed])
    assert result.exit_code == 0, result.output
    present = np.isfinite(sic)
    dropped, kept = sic[present & ice], sic[present & ~ice]
    assert dropped.min() >= 0.15 > kept.max()
    share = dropped.size / present.sum()
    said = (f"climann: warning: {dropped.size} of the {present.sum()} values of 'sic' ({100 * share:.3g}%) have no "
            f"sample: sst ({100 * share:.3g}%) missing there; the values dropped are {dropped.min():.3g} to "
            f"{dropped.max():.3g}, mean {dropped.astype(np.float64).mean():.3g}, those kept {kept.min():.3g} to "
            f"{kept.max():.3g}, mean {kept.astype(np.float64).mean():.3g}: the scores are of the kept values only")
    assert said in result.stderr.replace("\n", " ")
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_target_dropped"] == dropped.size
    assert metrics["n_dropped"] == sic.size - kept.size  # the earlier key: every grid point without target or sst
    report = (out / "report.md").read_text()
    assert f"Values of the target dropped where a feature is missing: {dropped.size}." in report
    assert said.removeprefix("climann: warning: ") in report


def _independent(target, missing, counted):
    """The same numbers by a loop over the values, for the check."""
    kept, lost, per_feature = [], [], np.zeros(missing.shape[-1], int)
    for index in np.ndindex(target.shape):
        if not counted[index] or np.isnan(target[index]):
            continue
        per_feature += missing[index]
        (lost if missing[index].any() else kept).append(float(target[index]))
    return kept, lost, per_feature


def test_dropped_targets_against_a_loop_over_the_values():
    rng = np.random.default_rng(7)
    target = rng.normal(size=(3, 4, 5)).astype("f4")
    target[rng.random(target.shape) < 0.2] = np.nan
    missing = rng.random((3, 4, 5, 2)) < np.array([0.3, 0.1])
    counted = np.ones((3, 4, 5), bool)
    counted[0] = False  # the step read before the period, for lags
    counted[:, 1, 2] = False  # a cell outside [data] cells
    found = dropped_targets(target, missing, counted, ("a", "b"))
    kept, lost, per_feature = _independent(target, missing, counted)
    assert (found.n_present, found.n_dropped, found.missing) == (len(kept) + len(lost), len(lost), tuple(per_feature))
    assert found.kept == pytest.approx((sum(kept), min(kept), max(kept)), rel=1e-6)
    assert found.dropped == pytest.approx((sum(lost), min(lost), max(lost)), rel=1e-6)
    halves = dropped_targets(target[:2], missing[:2], counted[:2], ("a", "b")).merged(
        dropped_targets(target[2:], missing[2:], counted[2:], ("a", "b")))
    assert halves == found


@pytest.mark.parametrize(("n_dropped", "warned"), [
    pytest.param(5, False, id="5-percent-not-said"),
    pytest.param(6, True, id="6-percent-said"),
])
def test_the_warning_starts_above_the_share(n_dropped, warned):
    dropped = DroppedTargets(("sst",), 100, (n_dropped,), n_dropped, (95.0 * 0.5, 0.0, 1.0),
                             (n_dropped * 2.0, 2.0, 2.0))
    line = dropped_target_warning(dropped, "sic", "1")
    assert (line is not None) == warned
    if warned:
        assert line.startswith(f"{n_dropped} of the 100 values of 'sic' ({n_dropped:g}%) have no sample: sst")
        assert "the values dropped are 2 to 2, mean 2, those kept 0 to 1, mean 0.505" in line


def test_a_lag_missing_after_the_gaps_is_to_be_left_out_of_the_lags(tmp_path):
    """GRACE with --lags lwe_thickness=1: the lag is missing after each missing month, and the warning said "leave it
    out of [data] predictors (--predictors)", where it is not (break39a F8): it names --lags, and no fill."""
    from tests.conftest import grid_dataset

    dataset = grid_dataset(n_years=4)
    kept = [step for step in range(48) if step % 6 != 3]  # a missing month in each half year, as GRACE's
    dataset.isel(time=kept)[["tas"]].to_netcdf(tmp_path / "mascons.nc")
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "mascons.nc"), "--target", "tas", "--predictors",
                                 "", "--lags", "tas=1", "--out", str(tmp_path / "run"), *FAST])
    assert result.exit_code == 0, result.output
    said = result.stderr.replace("\n", " ")
    # every step after a missing one, and the first: 8 + 1 of the 40 steps, on 4 × 6 cells
    n_lost, n_present = 9 * 24, 40 * 24
    assert (f"{n_lost} of the {n_present} values of 'tas' ({100 * n_lost / n_present:.3g}%) have no sample (24 of "
            "them at the series' first steps, which have no earlier step for the lags): tas_lag1 "
            f"({100 * n_lost / n_present:.3g}%) missing there") in " ".join(said.split())
    assert "the scores are of the kept values only; leave it out of [data] lags (--lags) " in " ".join(said.split())
    assert "[data] predictors (--predictors)" not in said


@pytest.mark.parametrize(("sources", "advice"), [
    pytest.param(("predictors", "lags"), "leave sst out of [data] predictors (--predictors) and tas_lag1 out of [data] "
                 "lags (--lags), or fill sst where 'tas' has values", id="predictor-and-lag"),
    pytest.param(("anomalies", "lags"), "leave sst out of [data] anomalies (--anomalies) and tas_lag1 out of [data] "
                 "lags (--lags), or fill sst where 'tas' has values", id="anomaly-and-lag"),
    pytest.param(("lags", "lags"), "leave them out of [data] lags (--lags)", id="two-lags"),
    pytest.param(("regional_means", "global_means"), "leave sst out of [data] regional_means (--regional-means) and "
                 "tas_lag1 out of [data] global_means (--global-means), or fill sst, tas_lag1 where 'tas' has values",
                 id="means"),
])
def test_the_warning_names_where_each_missing_feature_was_asked_for(sources, advice):
    dropped = DroppedTargets(("sst", "tas_lag1"), 100, (20, 10), 25, (75.0, 0.0, 1.0), (50.0, 2.0, 2.0), sources)
    assert dropped_target_warning(dropped, "tas", "K").endswith(f"the scores are of the kept values only; {advice}")


@pytest.mark.parametrize(("names", "sources", "advice"), [
    pytest.param(("sst", "tas_lag1"), ("predictors", "lags"), "the run's lags are fixed: give the 1 time step of "
                 "'tas' before these values with --data (the file that holds them); fill sst where 'tas' has values",
                 id="predictor-and-lag"),
    pytest.param(("sst_lag12", "tas_lag1_mean"), ("lags", "lags"), "the run's lags are fixed: give the 12 time "
                 "steps of 'sst', the 1 time step of 'tas' before these values with --data (the files that hold "
                 "them)", id="two-variables"),
    pytest.param(("sst_lag1", "sst_lag3"), ("lags", "lags"), "the run's lags are fixed: give the 3 time steps of "
                 "'sst' before these values with --data (the file that holds them)", id="one-variable"),
])
def test_a_trained_runs_missing_lag_is_to_be_given_its_earlier_steps_not_left_out(names, sources, advice):
    """``climann evaluate`` cannot leave a lag out of the run's features: the way out of a missing lag there is
    the lagged variable's earlier steps given with --data (break44a, after break44d A5)."""
    dropped = DroppedTargets(names, 100, (20, 10), 25, (75.0, 0.0, 1.0), (50.0, 2.0, 2.0), sources)
    said = dropped_target_warning(dropped, "tas", "K", trained_run=True)
    assert said.endswith(f"the scores are of the kept values only; {advice}")
    assert "--lags" not in said and "leave" not in said


# --- the series' first steps, which have no earlier step for a lag (break49b A4) -------------------------------------
def test_the_values_dropped_only_at_the_series_start_are_counted_apart_as_a_loop_counts_them():
    rng = np.random.default_rng(49)
    target = rng.normal(size=(4, 3, 5)).astype("f4")
    target[rng.random(target.shape) < 0.2] = np.nan
    missing = rng.random((4, 3, 5, 3)) < np.array([0.2, 0.0, 0.0])
    before = np.zeros((4, 3), bool)
    before[0, 1] = before[:2, 2] = True  # a lag 1 and a lag 2 reach before the first step
    missing |= before[:, None, None, :]
    counted = np.ones((4, 3, 5), bool)
    found = dropped_targets(target, missing, counted, ("a", "a_lag1", "a_lag2"), before_first_step=before)
    at_start = sum(1 for index in np.ndindex(target.shape) if np.isfinite(target[index]) and missing[index].any()
                   and not (missing[index] & ~before[index[0]]).any())
    assert found.at_series_start == at_start > 0
    assert found.n_dropped == _independent(target, missing, counted)[1].__len__()
    halves = dropped_targets(target[:1], missing[:1], counted[:1], ("a", "a_lag1", "a_lag2"),
                             before_first_step=before[:1]).merged(
        dropped_targets(target[1:], missing[1:], counted[1:], ("a", "a_lag1", "a_lag2"), before_first_step=before[1:]))
    assert halves == found


@pytest.mark.parametrize(("at_start", "trained_run", "said"), [
    pytest.param(6, False, None, id="series-start-alone-not-warned"),
    pytest.param(6, True, "6 of the 100 values of 'ALT' (6%) have no sample: ALT_lag1 (6%) missing there",
                 id="a-trained-run-is-told-the-earlier-steps"),
    pytest.param(2, False, "9 of the 100 values of 'ALT' (9%) have no sample (2 of them at the series' first steps, "
                 "which have no earlier step for the lags): ALT_lag1 (9%) missing there", id="other-causes-too"),
])
def test_the_series_start_does_not_make_the_warning_in_training(at_start, trained_run, said):
    """break49b A4: 17 yearly values with --lags ALT=1 lose their first year (5.9 %, above the 5 % share), which was
    warned of as values with no sample, with a mean comparison that is the trend and the advice to drop the lag;
    monthly data with the same lag (1 step of 96) were not. The lag note names the first step in both."""
    n_dropped = 6 if at_start == 6 else 9
    dropped = DroppedTargets(("ALT_lag1",), 100, (n_dropped,), n_dropped, (94.0, 0.0, 2.0), (3.0, 0.1, 0.9), ("lags",),
                             at_series_start=at_start)
    line = dropped_target_warning(dropped, "ALT", "m", trained_run=trained_run)
    assert (line is None) if said is None else line.startswith(said)


def test_yearly_data_with_a_lag_say_what_monthly_data_say_of_their_first_step(tmp_path):
    """break49b A4 end to end: 17 yearly steps with --lags ALT=1: no warning that values "have no sample" (nor the
    advice to leave the lag out); train.log's lag note names the first year and its samples (numpy's count)."""
    import pandas as pd
    import xarray as xr

    rng = np.random.default_rng(4)
    time = pd.date_range("2003-01-01", periods=17, freq="YS")
    alt = (1.0 + 0.03 * np.arange(17)[:, None, None] + rng.normal(0, 0.2, (1, 5, 6))
           + rng.normal(0, 0.05, (17, 5, 6))).astype("f4")
    alt[:, 0, 0] = np.nan  # a cell without data
    xr.Dataset({"ALT": (("time", "lat", "lon"), alt, {"long_name": "active layer thickness", "units": "m"})},
               coords={"time": time, "lat": ("lat", 66.0 + np.arange(5.0), {"units": "degrees_north"}),
                       "lon": ("lon", 130.0 + np.arange(6.0), {"units": "degrees_east"})}).to_netcdf(tmp_path / "alt.nc")
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "alt.nc"), "--target", "ALT", "--lags", "ALT=1",
                                 "--out", str(tmp_path / "run"), *FAST])
    assert result.exit_code == 0, result.output
    assert "have no sample" not in result.output and "leave it out of [data] lags" not in result.output
    first_year = int(np.isfinite(alt[0]).sum())  # 29 cells hold a value in 2003, which has no year before it
    log = " ".join((tmp_path / "run" / "train.log").read_text().split())
    assert (f"lag 1 is missing at 1 time step (2003-01-01): the step 12 months before each is before the first time "
            f"step read; their {first_year} samples are dropped") in log
    assert "have no sample" not in log
