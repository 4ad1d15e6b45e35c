import numpy as np
import pytest

from climann.data.field import build_field_samples
from climann.errors import ClimannError
from tests.conftest import grid_dataset


def test_mean_inputs_are_area_weighted_means_and_outputs_are_whole_maps():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    samples = build_field_samples(dataset, target="tas", predictors=("pred",), features=("season",))
    assert samples.feature_names == ("pred_mean", "season_sin", "season_cos")
    weights = np.cos(np.deg2rad(dataset["lat"].values))[:, None] * np.ones((1, 4))
    hand = (dataset["pred"].values * weights).sum(axis=(1, 2)) / weights.sum()
    np.testing.assert_allclose(samples.inputs[:, 0], hand, rtol=1e-6)
    np.testing.assert_array_equal(samples.target, dataset["tas"].values.reshape(36, 12))
    assert samples.mask.all() and list(samples.time_index) == list(range(36))


def test_flattened_inputs_leave_out_cells_that_are_never_present():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    samples = build_field_samples(dataset, target="tas", predictors=("landonly",), features=(), field_inputs="flatten")
    assert samples.inputs.shape == (36, 12 - 3)  # the first longitude column is NaN throughout
    np.testing.assert_array_equal(samples.inputs[:, 0], dataset["landonly"].values[:, 0, 1])


def test_missing_target_cells_are_masked_and_incomplete_inputs_drop_the_time_step():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    dataset["tas"][:, 0, 0] = np.nan
    dataset["pred"][5] = np.nan
    samples = build_field_samples(dataset, target="tas", predictors=("pred",), features=())
    assert samples.n_dropped == 1 and 5 not in samples.time_index
    assert not samples.mask[:, 0].any() and samples.mask[:, 1:].all()
    # flat_index addresses exactly the present values, in target[mask] order
    positions = samples.flat_index
    np.testing.assert_array_equal(dataset["tas"].values.reshape(-1)[positions], samples.target[samples.mask])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"predictors": ("static",)}, "'static' is a static", id="static-predictor"),
        pytest.param({"features": ("lat",)}, "vary across the map", id="spatial-feature"),
        pytest.param({"field_inputs": "pca"}, "field_inputs 'pca'", id="bad-inputs"),
    ],
)
def test_field_mode_errors(options, message):
    settings = {"target": "tas", "predictors": ("pred",), "features": ()} | options
    with pytest.raises(ClimannError, match=message):
        build_field_samples(grid_dataset(), **settings)


def test_every_static_predictor_is_named_in_one_refusal_with_the_way_out_for_all():
    """break35b C1: field mode refused 'orog', then (after removing it) 'sftlf': one at a time."""
    dataset = grid_dataset()
    dataset = dataset.assign(orog=dataset["static"] * 2.0)
    with pytest.raises(ClimannError) as refused:
        build_field_samples(dataset, target="tas", predictors=("static", "pred", "orog"), features=())
    assert str(refused.value) == (
        "'static', 'orog' are static (lat, lon) fields: in field mode each sample is a time step, so each is the same "
        "for every sample and adds nothing; remove them from [data] predictors (--predictors pred)")


def test_field_mode_on_a_rotated_grid_region_masks_outside_cells_and_weights_by_rotated_areas(tmp_path):
    """Field mode works on rotated-pole grids as in pointwise mode: the region's outside cells
    are masked outputs, and a predictor's mean is weighted by the true cell areas."""
    from climann.data.open import open_dataset
    from climann.data.subset import select_region
    from tests.grid_files import write_rotated

    dataset = open_dataset([write_rotated(tmp_path / "rotated.nc", with_latlon=True)])
    region = select_region(dataset, (45.0, 55.0, 0.0, 20.0))
    region = region.assign(pred=region["tas"] * 2)
    samples = build_field_samples(region, target="tas", predictors=("pred",), features=("season",))
    lat, lon = region["lat"].values, region["lon"].values
    inside = (lat >= 45) & (lat <= 55) & (lon >= 0) & (lon <= 20)
    assert (samples.mask == inside.reshape(1, -1)).all() and not inside.all()
    rows = np.deg2rad(region["rlat"].values)
    weights = np.cos(rows)[:, None] * inside  # rotated-pole cells: area ∝ cos(rotated latitude), evenly spaced
    hand = np.nansum(region["pred"].values * weights, axis=(1, 2)) / weights.sum()
    np.testing.assert_allclose(samples.inputs[:, 0], hand, rtol=1e-5)


def _month_number(time) -> int:
    return time.year * 12 + time.month - 1


def _cos_mean(fields: np.ndarray, lat: np.ndarray) -> np.ndarray:
    weights = np.cos(np.deg2rad(lat))[:, None] * np.ones(fields.shape[-1])
    return (fields * weights).sum(axis=(1, 2)) / weights.sum()


@pytest.mark.parametrize("field_inputs", [pytest.param("mean", id="mean"), pytest.param("flatten", id="flatten")])
def test_lags_are_by_date_and_missing_across_a_gap(field_inputs, caplog):
    dataset = grid_dataset(n_lat=3, n_lon=4, n_years=2)
    kept = [t for t in range(24) if t not in (5, 6, 7)]  # June–August 2000 missing
    dataset = dataset.isel(time=kept)
    samples = build_field_samples(dataset, target="tas", predictors=(), features=(), lags={"pred": [1, 2]},
                                  field_inputs=field_inputs)
    times = list(dataset["time"].values)
    numbers = [_month_number(t) for t in times]
    pred = dataset["pred"].values.astype(np.float64)
    expected_rows, expected = [], []
    for index, number in enumerate(numbers):
        earlier = [numbers.index(number - lag) if number - lag in numbers else None for lag in (1, 2)]
        if None in earlier:
            continue  # the first two months, and the two after the gap: dropped
        expected_rows.append(index)
        if field_inputs == "mean":
            expected.append([_cos_mean(pred[[e]], dataset["lat"].values)[0] for e in earlier])
        else:
            expected.append(np.concatenate([pred[e].reshape(-1) for e in earlier]))
    assert list(samples.time_index) == expected_rows and samples.n_dropped == 4
    assert 5 not in samples.time_index  # September 2000, the first step after the gap: no August
    names = ("pred_lag1_mean", "pred_lag2_mean") if field_inputs == "mean" else (
        *(f"pred_lag1_cell{c}" for c in range(12)), *(f"pred_lag2_cell{c}" for c in range(12)))
    assert samples.feature_names == names
    np.testing.assert_allclose(samples.inputs, np.array(expected), rtol=1e-6)
    # every step whose samples are dropped for the lag is counted (break22a F1): by hand, lag 1 lacks
    # January 2000 (the first month) and September 2000 (after the gap); lag 2 those and February, October 2000
    assert ("lag 1 is missing at 2 time steps (2000-01-15, 2000-09-15): at 1 the step 1 month before falls in a gap "
            "of the monthly time axis, at 1 it is before the first time step read; their 2 samples are dropped"
            in caplog.text)
    assert "lag 2 is missing at 4 time steps (2000-01-15, 2000-02-15, 2000-09-15, …): at 2" in caplog.text
    # the steps lag 1 dropped are not counted again (verify23 F1): the lines add up to n_dropped
    assert "; 2 more samples are dropped (2 already for lag 1)" in caplog.text


def test_a_lag_taken_from_its_own_series_is_read_as_it_is_given(caplog):
    """A predictor's lag the opened data hold from its own series (``pred@lag1``, beside a
    target lacking months) is that field at each step, also after the gap: no step dropped
    but the first, and no gap warning."""
    dataset = grid_dataset(n_lat=3, n_lon=4, n_years=2)
    dataset = dataset.isel(time=[t for t in range(24) if t not in (5, 6, 7)])
    own = dataset["pred"] * 2.0 + 1.0
    own[0] = np.nan
    dataset["pred@lag1"] = own
    samples = build_field_samples(dataset, target="tas", predictors=(), features=(), lags={"pred": [1]})
    assert samples.feature_names == ("pred_lag1_mean",)
    assert list(samples.time_index) == list(range(1, 21))
    np.testing.assert_allclose(samples.inputs[:, 0],
                               _cos_mean(own.values[1:].astype(np.float64), dataset["lat"].values), rtol=1e-6)
    assert "gaps" not in caplog.text


@pytest.mark.parametrize("field_inputs", [pytest.param("mean", id="mean"), pytest.param("flatten", id="flatten")])
def test_anomalies_subtract_the_given_climatology_of_each_calendar_month(field_inputs):
    dataset = grid_dataset(n_lat=3, n_lon=4, n_years=3)
    climatology = np.random.default_rng(5).uniform(0, 1, (12, 3, 4)).astype(np.float32)
    samples = build_field_samples(dataset, target="tas", predictors=("pred",), features=(),
                                  anomalies={"pred": climatology}, field_inputs=field_inputs)
    months = np.array([t.month for t in dataset["time"].values])
    anomaly = dataset["pred"].values.astype(np.float64) - climatology[months - 1]
    if field_inputs == "mean":
        assert samples.feature_names == ("pred_mean", "pred_anomaly_mean")
        np.testing.assert_allclose(samples.inputs[:, 1], _cos_mean(anomaly, dataset["lat"].values), rtol=1e-5,
                                   atol=1e-6)
    else:
        assert samples.feature_names[12:] == tuple(f"pred_anomaly_cell{c}" for c in range(12))
        np.testing.assert_allclose(samples.inputs[:, 12:], anomaly.reshape(36, 12), rtol=1e-5, atol=1e-6)
    assert samples.climatologies["pred"] is climatology


def test_without_a_required_target_time_steps_need_only_their_inputs():
    dataset = grid_dataset(n_lat=3, n_lon=4)
    dataset["tas"][:] = np.nan
    with pytest.raises(ClimannError, match="no time step has 'tas'"):
        build_field_samples(dataset, target="tas", predictors=("pred",), features=())
    samples = build_field_samples(dataset, target="tas", predictors=("pred",), features=(), require_target=False)
    assert list(samples.time_index) == list(range(36)) and not samples.mask.any()


@pytest.mark.parametrize("arguments", [
    pytest.param([], id="default-predictors"),
    pytest.param(["--predictors", "tas"], id="named-predictors"),
    pytest.param(["--mode", "field"], id="field-mode"),
])
def test_a_target_without_the_time_axis_is_refused_in_one_line(tmp_path, monkeypatch, capsys, arguments):
    """fix44e: ``--target orog`` (a (lat, lon) map beside tas(time, lat, lon)) stopped pointwise runs on
    "unexpected error: ValueError: Dimensions {'time'} do not exist"; refused in one line, nothing written."""
    import sys

    from climann.cli import main

    dataset = grid_dataset()
    assert "time" not in dataset["static"].dims  # the map the fixture holds
    dataset.to_netcdf(tmp_path / "g.nc")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["climann", "train", "--data", "g.nc", "--target", "static", "--epochs", "1",
                                      "--out", "run", *arguments])
    with pytest.raises(SystemExit) as exited:
        main()
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("climann: error:")]
    assert exited.value.code == 2 and len(lines) == 1, err
    assert lines[0].startswith("climann: error: the target 'static' in g.nc has no time axis (its dimensions: lat, lon)")
    assert "unexpected" not in err and not (tmp_path / "run").exists()


def test_a_target_with_the_time_axis_passes(tmp_path):
    from climann.data.field import refuse_static_target

    refuse_static_target(grid_dataset(), "tas", where="g.nc")
