"""``climann plot FILE.nc``: maps of a prediction file (climann/evaluation/figures/files.py)."""

from datetime import timedelta

import matplotlib.image
import cftime
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.workflow.config import build_config
from climann.data.open import open_dataset
from climann.data.pointwise import build_pointwise_samples
from climann.data.sample_data import write_sample_dataset
from climann.errors import ClimannError
from climann.evaluation.figures.files import (
    open_prediction_file,
    prediction_file_maps,
    time_steps,
)
from climann.evaluation.predictions import predictions_dataset, write_predictions
from climann.workflow.pipeline import run_training
from climann.workflow.predict import predict_files
from tests.conftest import draw_no_run_figures, write_user_image
from tests.grid_files import write_rotated

runner = CliRunner()
TIME = xr.coders.CFDatetimeCoder(use_cftime=True)


@pytest.fixture(scope="module")
def predicted(tmp_path_factory):
    """``climann predict`` outputs of a tiny run (3 years, 1980–1982, noleap): with the truth
    (the training file) and without it (the file less tas)."""
    folder = tmp_path_factory.mktemp("plot_file")
    sample = write_sample_dataset(folder / "sample.nc", years=3, resolution=30.0, seed=2)
    config = build_config({"data": {"paths": [str(sample)]}, "model": {"hidden": [4]}, "training": {"epochs": 1}})
    with pytest.MonkeyPatch.context() as patch:
        draw_no_run_figures(patch)  # the run's own figures: no test here looks at them
        run_dir = run_training(config, run_dir=folder / "run").run_dir
    with xr.open_dataset(sample) as source:
        source.drop_vars("tas").to_netcdf(folder / "no_truth.nc")
    return {
        "truth": predict_files(run_dir, [str(sample)], folder / "with_truth.nc").path,
        "no_truth": predict_files(run_dir, [str(folder / "no_truth.nc")], folder / "prediction_only.nc").path,
    }


def _file_values(path, name):
    with xr.open_dataset(path, decode_times=TIME) as dataset:
        return dataset[name].transpose("time", "lat", "lon").values.astype(np.float64), dataset["time"].values


def _cell_days(path) -> np.ndarray:
    """The length in days of each time cell of a prediction file, from its bounds as stored (numbers
    in days since a date, not decoded): the weights of a mean over unequal cells (break49d A4)."""
    with xr.open_dataset(path, decode_times=False) as raw:
        bounds = raw[raw["time"].attrs["bounds"]].values
        assert raw["time"].attrs["units"].startswith("days since")
    return bounds[:, 1] - bounds[:, 0]


def assert_readable_png(path):
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 100 and image.shape[1] > 150 and image[..., :3].std() > 0.05


def test_a_month_draws_the_files_values_at_that_step(predicted):
    prediction, times = _file_values(predicted["truth"], "tas_pred")
    truth, _ = _file_values(predicted["truth"], "tas")
    step = next(i for i, t in enumerate(times) if (t.year, t.month) == (1981, 7))
    with open_prediction_file(predicted["truth"]) as dataset:
        maps = prediction_file_maps(dataset, time="1981-07", where="with_truth.nc")
    assert list(maps.steps) == [step] and maps.label == "1981-07"
    np.testing.assert_array_equal(maps.prediction, prediction[step])
    np.testing.assert_array_equal(maps.truth, truth[step])
    assert maps.when == "in 1981-07 from with_truth.nc"  # a month is "in" (break45d: "on 2010" for a year)


def test_the_default_is_the_mean_over_the_file_where_truth_and_prediction_are_both_present(predicted):
    prediction, _ = _file_values(predicted["truth"], "tas_pred")
    truth, _ = _file_values(predicted["truth"], "tas")
    both = np.isfinite(prediction) & np.isfinite(truth)
    with open_prediction_file(predicted["truth"]) as dataset:
        maps = prediction_file_maps(dataset, where="with_truth.nc")
    days = _cell_days(predicted["truth"])[:, None, None]  # months of 28 to 31 days: weighted by their days
    count = np.where(both, days, 0).sum(axis=0)
    expected_truth = np.where(both, truth * days, 0).sum(axis=0) / count
    np.testing.assert_allclose(maps.truth, np.where(count > 0, expected_truth, np.nan), rtol=1e-12)
    np.testing.assert_allclose(maps.prediction - maps.truth,
                               np.where(both, (prediction - truth) * days, 0).sum(axis=0) / count, rtol=1e-9,
                               atol=1e-9)
    assert maps.label == "mean"
    assert maps.when == "mean over 1980–1982 (36 steps, weighted by their time cells' days) from with_truth.nc"


def test_the_mean_truth_map_keeps_a_cell_never_predicted(predicted, tmp_path):
    """fix53d: a cell the file's truth holds and its prediction never does (a predictor missing there)
    was grey in the truth map of the mean: "no data" where the data have some. It shows the truth's own
    mean, weighted by the cells' days (numpy by hand); the prediction is grey there."""
    with xr.open_dataset(predicted["truth"], decode_times=TIME) as source:
        copy = source.load()
    copy["tas_pred"].loc[{"lat": copy["lat"][1], "lon": copy["lon"][2]}] = np.nan
    copy.to_netcdf(tmp_path / "one_cell_unpredicted.nc")
    truth, _ = _file_values(predicted["truth"], "tas")
    days = _cell_days(predicted["truth"])
    with open_prediction_file(tmp_path / "one_cell_unpredicted.nc") as dataset:
        maps = prediction_file_maps(dataset, where="one_cell_unpredicted.nc")
    assert np.isnan(maps.prediction[1, 2]) and np.isfinite(maps.prediction).sum() == maps.prediction.size - 1
    assert maps.truth[1, 2] == pytest.approx((truth[:, 1, 2] * days).sum() / days.sum(), rel=1e-12)
    assert np.isfinite(maps.truth).all()


def test_without_the_truth_only_the_prediction_is_drawn(predicted, tmp_path):
    prediction, times = _file_values(predicted["no_truth"], "tas_pred")
    with open_prediction_file(predicted["no_truth"]) as dataset:
        maps = prediction_file_maps(dataset, time="1982")
        assert "tas" not in dataset
    assert maps.truth is None and list(maps.steps) == [i for i, t in enumerate(times) if t.year == 1982]
    days = _cell_days(predicted["no_truth"])[maps.steps]
    held = np.isfinite(prediction[maps.steps])
    weights = np.where(held, days[:, None, None], 0)
    with np.errstate(invalid="ignore"):
        expected = np.sum(np.where(held, prediction[maps.steps] * days[:, None, None], 0), axis=0) / weights.sum(axis=0)
    np.testing.assert_allclose(maps.prediction, expected, rtol=1e-12)
    assert maps.when == ("in 1982 (mean of 12 steps, weighted by their time cells' days: 31, 28, 31, 30, 31, 30, 31, "
                         "31, 30, 31, 30, 31) from the file")
    result = runner.invoke(app, ["plot", str(predicted["no_truth"]), "--time", "1982", "--out", str(tmp_path),
                                 "--dpi", "40"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"figure: {tmp_path / 'prediction_only_map_1982.png'}"]
    assert_readable_png(tmp_path / "prediction_only_map_1982.png")


def test_plot_file_writes_one_figure_and_replaces_it_only_when_asked(predicted, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default --out: the working directory
    result = runner.invoke(app, ["plot", str(predicted["truth"]), "--dpi", "40"])
    assert result.exit_code == 0, result.output
    figure = tmp_path / "with_truth_map_mean.png"
    assert result.stdout.splitlines() == [f"figure: {figure.relative_to(tmp_path)}"]
    assert_readable_png(figure)
    again = runner.invoke(app, ["plot", str(predicted["truth"]), "--dpi", "40"])
    assert again.exit_code == 2 and "already holds with_truth_map_mean.png" in again.stderr
    assert runner.invoke(app, ["plot", str(predicted["truth"]), "--dpi", "40", "--overwrite"]).exit_code == 0


@pytest.mark.parametrize("kind", [pytest.param("matplotlib", id="matplotlib"), pytest.param("pil", id="pil")])
def test_plot_file_overwrite_never_replaces_a_users_image_of_that_name(predicted, tmp_path, kind):
    figure = tmp_path / "with_truth_map_1981.png"
    before = write_user_image(figure, kind)
    for overwrite in ([], ["--overwrite"]):
        result = runner.invoke(app, ["plot", str(predicted["truth"]), "--time", "1981", "--out", str(tmp_path),
                                     "--dpi", "40", *overwrite])
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            f"climann: error: {figure} carries no climann mark (written by another program, or by a climann from "
            "before 2026-12-01, which did not mark its figures), and --overwrite replaces only climann's own "
            "outputs; choose another directory (or move that file away yourself)"]
    assert figure.read_bytes() == before


@pytest.mark.parametrize(
    ("text", "steps", "label", "nearest"),
    [
        pytest.param("1981-07-16", [18], "1981-07-16", False, id="exact-day"),
        pytest.param("1981-07-02", [18], "1981-07-16", True, id="nearest-day"),
        pytest.param("1981-7", [18], "1981-07", False, id="month-without-zero"),
        pytest.param("1980-12-31", [11], "1980-12-16", True, id="nearest-across-a-month"),
        pytest.param("1982-12-31", [35], "1982-12-16", True, id="after-the-last-within-half-a-step"),
    ],
)
def test_time_steps_pick_the_named_or_nearest_step(text, steps, label, nearest):
    import cftime

    times = np.array([cftime.DatetimeNoLeap(1980 + m // 12, m % 12 + 1, 16) for m in range(36)])
    assert time_steps(times, text, where="f.nc") == (pytest.approx(steps), label, nearest)


@pytest.mark.parametrize(
    ("calendar", "first_year", "text", "steps", "label"),
    [
        pytest.param("noleap", -10, "-0009-07", [18], "-0009-07", id="a-month-of-year-minus-9"),
        pytest.param("noleap", -10, "-0009", list(range(12, 24)), "-0009", id="the-year-minus-9"),
        pytest.param("noleap", -10, "-0009-07-16", [18], "-0009-07-16", id="a-day-of-year-minus-9"),
        pytest.param("360_day", -20050, "-20049-02-30", [13], "-20049-02-30", id="expanded-year-360-day"),
        pytest.param("noleap", 849, "0850-07", [18], "0850-07", id="year-850"),
    ],
)
def test_time_steps_of_years_before_year_1_are_read_as_climann_prints_them(calendar, first_year, text, steps, label):
    """fix33b: ``--time -0009-07`` was "not a date" (``-20049-02-30`` too: the year has five
    digits); the steps (counted by hand: monthly from January of ``first_year``) are those of the
    date printed, and the label the date as date_text prints it."""
    import cftime

    day = 16 if calendar == "noleap" else 30
    times = np.array([cftime.datetime(first_year + m // 12, m % 12 + 1, day, calendar=calendar) for m in range(36)])
    assert time_steps(times, text, where="f.nc") == (pytest.approx(steps), label, False)


def test_year_zero_of_a_calendar_without_one_is_refused():
    import cftime

    times = np.array([cftime.datetime(year, 7, 16, calendar="standard") for year in (-2, -1, 1, 2)])
    with pytest.raises(ClimannError, match=r"^--time 0000 is year 0: the 'standard' calendar has no year 0 "):
        time_steps(times, "0000", where="f.nc")


@pytest.mark.parametrize(
    ("text", "step"),
    [
        pytest.param("1981-07-01", 18, id="first-day-of-the-month"),  # equally near June 16: the cell decides
        pytest.param("1981-07-31", 18, id="last-day-of-the-month"),
        pytest.param("1981-08-01", 19, id="next-month"),
    ],
)
def test_with_time_bounds_a_day_picks_the_step_whose_cell_holds_it(text, step):
    import cftime

    months = [(1980 + m // 12, m % 12 + 1) for m in range(37)]
    starts = [cftime.DatetimeNoLeap(year, month, 1) for year, month in months]
    times = np.array([cftime.DatetimeNoLeap(year, month, 16) for year, month in months[:-1]])
    bounds = np.array([starts[:-1], starts[1:]]).T
    assert time_steps(times, text, where="f.nc", bounds=bounds)[:2] == ([step], f"{months[step][0]}-{months[step][1]:02d}-16")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["--time", "2050-07"], "with_truth.nc has no time step in 2050-07; its times: 1980-01-16 … 1982-12-16 (36 steps)", id="time-outside"),
        pytest.param(["--time", "1979-12-01"], "no time step in 1979-12-01; its times: 1980-01-16", id="day-before-the-file"),
        pytest.param(["--time", "July 1981"], "--time 'July 1981' is not a date: give YYYY, YYYY-MM or YYYY-MM-DD", id="malformed"),
        pytest.param(["--time", "1981-02-30"], "is not a day of the file's calendar (noleap)", id="no-such-day"),
        pytest.param(["--time", "1981-13"], "--time 1981-13 is not a month: months are 01 to 12", id="no-such-month"),
    ],
)
def test_bad_times_exit_2_with_one_line(predicted, tmp_path, arguments, message):
    result = runner.invoke(app, ["plot", str(predicted["truth"]), "--out", str(tmp_path), *arguments])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: ") and message in lines[0], lines
    assert not list(tmp_path.iterdir())


def test_files_that_are_not_predictions_exit_2_with_one_line(predicted, tmp_path):
    xr.Dataset({"tas": ("x", [280.0])}).to_netcdf(tmp_path / "tas.nc")
    (tmp_path / "notes.txt").write_text("not NetCDF")
    cases = {
        "tas.nc": "tas.nc is not a climann prediction file: it needs one <target>_pred variable (none)",
        "notes.txt": "cannot read",
        "missing.nc": "missing.nc not found",
    }
    for name, message in cases.items():
        result = runner.invoke(app, ["plot", str(tmp_path / name), "--out", str(tmp_path / "figures")])
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and message in lines[0], (name, lines)
    assert not (tmp_path / "figures").exists()
    with_a_run = runner.invoke(app, ["plot", str(tmp_path), "--time", "1981"])
    assert with_a_run.exit_code == 2 and "--time is only for a prediction file" in with_a_run.stderr


def test_a_rotated_pole_prediction_file_is_mapped_on_its_true_coordinates(tmp_path):
    source = open_dataset([write_rotated(tmp_path / "rotated.nc")])
    samples = build_pointwise_samples(source, target="tas", predictors=(), features=("lat",))
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    output = predictions_dataset(layout, truth, truth + 0.5, [""] * layout.shape[0], history="climann predict")
    path = write_predictions(output.drop_vars("split"), tmp_path / "cordex.nc", layout)
    with open_prediction_file(path) as dataset:
        maps = prediction_file_maps(dataset, time="1971-03")
        assert maps.layout.is_curvilinear and maps.layout.is_rotated_pole
        np.testing.assert_allclose(maps.layout.geographic_coordinates()[0], source["lat"].values)
    np.testing.assert_allclose(maps.prediction - maps.truth, 0.5, rtol=1e-5)
    result = runner.invoke(app, ["plot", str(path), "--time", "1971-03", "--out", str(tmp_path / "maps"), "--dpi", "40"])
    assert result.exit_code == 0, result.output
    assert_readable_png(tmp_path / "maps" / "cordex_map_1971-03.png")


def test_a_prediction_file_of_one_cell_is_drawn_as_its_series_not_a_map(tmp_path):
    """A station's predictions: a map would be one square of one colour. The figure is the
    cell's truth and prediction over time (their values, read here from the file)."""
    import climann.evaluation.figures.plots as plots

    sample = write_sample_dataset(tmp_path / "sample.nc", years=3, resolution=30.0, seed=2)
    with xr.open_dataset(sample, decode_times=TIME) as dataset:
        dataset.isel(lat=[2], lon=[3]).load().to_netcdf(tmp_path / "station.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "station.nc")], "predictors": ["rsdt"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    drawn = {}
    plot_series = plots.plot_area_mean_series

    def keep(times, series, **kwargs):
        drawn.update(times=times, series=series, **kwargs)
        return plot_series(times, series, **kwargs)

    save = plots._save

    def titled(figure, path, dpi):
        drawn.update(title=figure.axes[0].get_title())
        return save(figure, path, dpi)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plots, "plot_area_mean_series", keep)
        patch.setattr(plots, "_save", titled)
        result = runner.invoke(app, ["plot", str(run_dir / "predictions.nc"), "--out", str(tmp_path / "figs"),
                                     "--dpi", "40"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"figure: {tmp_path / 'figs' / 'predictions_series.png'}"]
    assert sorted(path.name for path in (tmp_path / "figs").iterdir()) == ["predictions_series.png"]
    assert_readable_png(tmp_path / "figs" / "predictions_series.png")
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=TIME) as own:
        np.testing.assert_array_equal(drawn["series"]["truth"], own["tas"].values.reshape(-1))
        np.testing.assert_array_equal(drawn["series"]["model"], own["tas_pred"].values.reshape(-1))
        assert list(drawn["times"]) == list(own["time"].values)
        latitude, longitude = float(own["lat"][0]), float(own["lon"][0])
        height = float(own["height"])  # the sample's tas at 2 m, a scalar coordinate: said beside the place
    assert latitude < 0 and 0 < longitude < 180  # the station: the title's hemispheres below
    assert drawn["point"] == f"the single grid cell ({-latitude:g}°S, {longitude:g}°E), height = {height:g} m"
    assert drawn["split_labels"][-1] == "test"
    # a prediction file holds no baselines: the title names what is drawn
    assert drawn["title"] == f"tas at {drawn['point']}, 1980–1982: truth and model"


def test_the_mean_of_an_evaluate_file_leaves_out_the_unused_step_read_before_its_period(predicted, tmp_path):
    """verify21a F2: evaluate --data --time-range writes the step before the period (split 'unused', no prediction),
    read for its first step's lags and persistence; the map's title counted it (1984–1986, 25 steps)."""
    with xr.open_dataset(predicted["truth"], decode_times=TIME) as source:
        dataset = source.load()
    flags = np.full(dataset.sizes["time"], 4, dtype=np.int8)
    flags[0] = 0
    dataset["split"] = ("time", flags, {"flag_values": np.array([0, 4], dtype=np.int8),
                                        "flag_meanings": "unused all"})
    dataset["tas_pred"][0] = np.nan
    dataset.to_netcdf(tmp_path / "evaluated.nc")
    with open_prediction_file(tmp_path / "evaluated.nc") as opened:
        maps = prediction_file_maps(opened, where="evaluated.nc")
    assert list(maps.steps) == list(range(1, 36))
    assert maps.when == "mean over 1980–1982 (35 steps, weighted by their time cells' days) from evaluated.nc"


def _hours(n_days=3):
    import cftime

    return np.array([cftime.DatetimeNoLeap(1981, 7, 1 + h // 24, h % 24) for h in range(24 * n_days)])


@pytest.mark.parametrize(
    ("text", "steps", "label", "nearest"),
    [
        pytest.param("1981-07-02T13", [37], "1981-07-02T13", False, id="an-hour"),
        pytest.param("1981-07-02T13:00", [37], "1981-07-02T13", False, id="an-hour-and-minutes"),
        pytest.param("1981-07-02 13", [37], "1981-07-02T13", False, id="a-space-for-the-T"),
        pytest.param("1981-7-2T3", [27], "1981-07-02T03", False, id="without-zeros"),
        pytest.param("1981-07-02T13:20", [37], "1981-07-02T13", True, id="nearest-hour"),
        pytest.param("1981-07-02T13:40", [38], "1981-07-02T14", True, id="nearest-next-hour"),
    ],
)
def test_an_hour_of_a_day_picks_its_step_of_hourly_data(text, steps, label, nearest):
    """break40b B8: ``--time 2023-07-01T13`` was "not a date"; steps counted by hand (hour h of
    July 2 is step 24 + h)."""
    assert time_steps(_hours(), text, where="f.nc") == (pytest.approx(steps), label, nearest)


def test_an_hour_between_steps_of_six_hourly_data_picks_the_step_whose_cell_holds_it():
    import cftime

    times = np.array([cftime.DatetimeNoLeap(1981, 7, 1, 6 * k) for k in range(4)])
    bounds = np.array([[time, time + timedelta(hours=6)] for time in times])
    assert time_steps(times, "1981-07-01T11", where="f.nc", bounds=bounds) == ([1], "1981-07-01T06", True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("1981-07-02T24", "--time 1981-07-02T24 is not an hour of the day: hours are 00 to 23", id="hour-24"),
        pytest.param("1981-07-02T13:60", "is not an hour of the day", id="minute-60"),
        pytest.param("1981-07T13", "is not a date: give YYYY, YYYY-MM or YYYY-MM-DD (a negative year with its minus "
                     "sign, as climann prints it: -0009-01-01), or an hour of a day, YYYY-MM-DDTHH or "
                     "YYYY-MM-DDTHH:MM", id="month-and-hour"),
        pytest.param("1981-08-01T12", "f.nc has no time step in 1981-08-01T12; its times: 1981-07-01 … 1981-07-03",
                     id="after-the-file"),
    ],
)
def test_bad_hours_are_refused(text, message):
    with pytest.raises(ClimannError) as refused:
        time_steps(_hours(), text, where="f.nc")
    assert message in str(refused.value)


def test_an_hour_of_an_hourly_prediction_file_is_mapped_from_its_step(predicted, tmp_path):
    """break40b B8: the map of one hour draws the file's values at that hour, said in the title and the name."""
    import cftime

    with xr.open_dataset(predicted["truth"], decode_times=TIME) as monthly:
        hourly = monthly.drop_vars([name for name in ("time_bnds", "time_bounds") if name in monthly]).load()
    hourly["time"] = ("time", [cftime.DatetimeNoLeap(1980, 1, 1) + timedelta(hours=k)
                               for k in range(hourly.sizes["time"])], {"axis": "T", "standard_name": "time"})
    hourly["time"].attrs.pop("bounds", None)
    hourly["time"].encoding = {"units": "hours since 1980-01-01", "calendar": "noleap"}
    hourly.to_netcdf(tmp_path / "hourly.nc")
    prediction, _ = _file_values(tmp_path / "hourly.nc", "tas_pred")
    with open_prediction_file(tmp_path / "hourly.nc") as dataset:
        maps = prediction_file_maps(dataset, time="1980-01-01T13", where="hourly.nc")
        day = prediction_file_maps(dataset, time="1980-01-01", where="hourly.nc")
    np.testing.assert_array_equal(maps.prediction, prediction[13])
    assert maps.when == "on 1980-01-01 13:00 from hourly.nc"
    assert day.when == "in 1980-01-01 (mean of 24 steps) from hourly.nc"
    np.testing.assert_allclose(day.prediction, np.nanmean(prediction[:24], axis=0), rtol=1e-6)
    result = runner.invoke(app, ["plot", str(tmp_path / "hourly.nc"), "--time", "1980-01-01T13", "--out",
                                 str(tmp_path / "maps"), "--dpi", "40"])
    assert result.exit_code == 0, result.output
    assert_readable_png(tmp_path / "maps" / "hourly_map_1980-01-01T13.png")


def test_a_day_that_opens_a_cell_is_its_step_titled_with_the_cell(predicted):
    """break49d A4: ``--time 1995-02-21``, the stamp of a dekad in its source file, was "the step nearest to
    1995-02-21", titled by the cell's middle. Here July 1981's cell opens on 1981-07-01 (its step dated
    1981-07-16): that step, no "nearest", titled by its days. A day inside the cell is said to be in it
    (break51 N5: "the step nearest to 1981-07-20" of the month that holds it), each day's cell by the file's
    bounds read here."""
    prediction, times = _file_values(predicted["truth"], "tas_pred")
    step = next(i for i, t in enumerate(times) if (t.year, t.month) == (1981, 7))
    with xr.open_dataset(predicted["truth"], decode_times=TIME) as raw:
        low, high = raw[raw["time"].attrs["bounds"]].values[step]
    with open_prediction_file(predicted["truth"]) as dataset:
        opening = prediction_file_maps(dataset, time="1981-07-01", where="f.nc")
        inside = {day: prediction_file_maps(dataset, time=day, where="f.nc")
                  for day in ("1981-07-02", "1981-07-20", "1981-07-31")}
    assert list(opening.steps) == [step] and opening.when == "in 1981-07-01 to 1981-07-31 from f.nc"
    np.testing.assert_array_equal(opening.prediction, prediction[step])
    for day, maps in inside.items():
        date = cftime.datetime(*map(int, day.split("-")), calendar=low.calendar)
        assert low <= date < high and list(maps.steps) == [step]
        assert maps.when == f"in 1981-07-01 to 1981-07-31 (the cell that holds {day}) from f.nc"
        assert "nearest" not in maps.when


def test_a_month_of_unequal_cells_is_their_day_weighted_mean(predicted, tmp_path):
    """break49d A4: February of dekads (10, 10 and 8 days) was the plain mean of the three. Three
    cells of a file's February given 10, 10, 8 days by their bounds: the month's map is the
    day-weighted mean (numpy), which differs from the plain one."""
    import cftime

    with xr.open_dataset(predicted["truth"], decode_times=TIME) as source:
        dataset = source.isel(time=slice(0, 3)).load()
    starts = [cftime.DatetimeNoLeap(1981, 2, day) for day in (1, 11, 21)] + [cftime.DatetimeNoLeap(1981, 3, 1)]
    bounds = dataset["time"].attrs.get("bounds") or dataset["time"].encoding.get("bounds")
    dataset = dataset.assign_coords(time=("time", [cftime.DatetimeNoLeap(1981, 2, day) for day in (6, 16, 25)],
                                          {"bounds": bounds, "standard_name": "time", "axis": "T"}))
    dataset[bounds] = (("time", dataset[bounds].dims[1]), np.array([starts[:-1], starts[1:]]).T)
    dataset["time"].encoding = {"units": "days since 1981-01-01", "calendar": "noleap"}
    dataset.to_netcdf(tmp_path / "dekads.nc")
    values = dataset["tas_pred"].transpose("time", "lat", "lon").values.astype(np.float64)
    with open_prediction_file(tmp_path / "dekads.nc") as opened:
        maps = prediction_file_maps(opened, time="1981-02", where="dekads.nc")
        dekad = prediction_file_maps(opened, time="1981-02-21", where="dekads.nc")
    days = np.array([10.0, 10.0, 8.0])
    np.testing.assert_allclose(maps.prediction, np.tensordot(days, values, axes=1) / 28, rtol=1e-12)
    assert np.abs(values.mean(axis=0) - np.tensordot(days, values, axes=1) / 28).max() > 1e-3
    assert maps.when == "in 1981-02 (mean of 3 steps, weighted by their time cells' days: 10, 10, 8) from dekads.nc"
    assert dekad.when == "in 1981-02-21 to 1981-02-28 from dekads.nc" and list(dekad.steps) == [2]


def test_a_month_of_pentads_without_bounds_takes_the_pentads_whose_middle_is_in_it(caplog):
    """``plot --time 1980-07`` of NOAA PSL's pentads (stamped on each pentad's first day, no bounds) takes
    the pentads whose middle (numpy: start + (next start − start) / 2) is in July, as a run dates them:
    30 June – 4 July (middle 2 July) in, 30 July – 3 August (middle 1 August) out (break49e A1: the
    stamps' months were taken); one warning line says so."""
    import cftime

    from climann.evaluation.figures.files import inferred_time_cells

    starts = []
    for year in (1979, 1980, 1981):
        day = cftime.DatetimeGregorian(year, 1, 1)
        for k in range(73):
            starts.append(day)
            day += timedelta(days=6 if (k == 11 and year == 1980) else 5)
    starts = np.array(starts)
    ends = np.array([*starts[1:], cftime.DatetimeGregorian(1982, 1, 1)])
    with caplog.at_level("WARNING"):
        cells, dates = inferred_time_cells(starts, "gpcp.nc")
    np.testing.assert_array_equal(cells, np.stack([starts, ends], 1))
    steps, label, _ = time_steps(starts, "1980-07", where="gpcp.nc", bounds=cells, dates=dates)
    middles = [start + (end - start) / 2 for start, end in zip(starts, ends)]
    expected = [k for k, middle in enumerate(middles) if (middle.year, middle.month) == (1980, 7)]
    assert steps.tolist() == expected and label == "1980-07"
    assert cftime.DatetimeGregorian(1980, 6, 30) in list(starts[steps])
    assert cftime.DatetimeGregorian(1980, 7, 30) not in list(starts[steps])
    assert len([r for r in caplog.records if "gpcp.nc has no time bounds" in r.getMessage()]) == 1
