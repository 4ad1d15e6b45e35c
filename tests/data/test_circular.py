"""Directions: angles on a circle, refused as target, left out or warned about as predictors."""

import logging
import os
import re
import shlex
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.circular import (
    direction_reading, is_direction, is_plane_angle, refuse_direction_target, warn_direction_predictors,
)
from climann.data.defaults import default_inputs
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python, shell_path


@pytest.mark.parametrize(("name", "attrs"), [
    pytest.param("wdir", {"standard_name": "wind_from_direction", "units": "degree"}, id="wind_from_direction"),
    pytest.param("cdir", {"standard_name": "sea_water_velocity_to_direction"}, id="current-to-direction"),
    pytest.param("x", {"standard_name": "sea_surface_wave_from_direction_at_variance_spectral_density_maximum"},
                 id="peak-wave-direction"),
    pytest.param("x", {"standard_name": "direction_of_sea_water_velocity"}, id="alias-of-to-direction"),
    pytest.param("saa", {"standard_name": "solar_azimuth_angle", "units": "degree"}, id="azimuth-angle"),
    pytest.param("mwd", {"units": "Degree true", "long_name": "Mean wave direction"}, id="era5-mwd"),
    pytest.param("mdts", {"units": "degree_true", "long_name": "Mean direction of total swell"}, id="era5-mdts"),
    pytest.param("dwi", {"units": "degrees"}, id="era5-dwi-by-name"),
    pytest.param("dp", {"units": "degree"}, id="ww3-peak-direction-by-name"),
    pytest.param("dir", {"units": "degree"}, id="ww3-dir-by-name"),
    pytest.param("b", {"units": "rad", "long_name": "bearing of the track"}, id="radians-bearing"),
])
def test_directions_are_read_by_standard_name_or_by_angle_units_with_words(name, attrs):
    assert is_direction(name, attrs)


@pytest.mark.parametrize(("name", "attrs"), [
    pytest.param("slope", {"units": "degree", "long_name": "terrain slope angle"}, id="slope-angle-in-degrees"),
    pytest.param("lat", {"units": "degrees_north", "long_name": "latitude"}, id="latitude"),
    pytest.param("sza", {"units": "degree", "standard_name": "solar_zenith_angle"}, id="zenith-angle"),
    pytest.param("wdw", {"units": "degree", "standard_name": "sea_surface_wave_directional_spread",
                         "long_name": "Wave spectral directional width"}, id="directional-spread"),
    pytest.param("dirspr", {"units": "degree"}, id="ww3-spread-by-name"),
    pytest.param("dp", {"units": "K", "long_name": "dew point"}, id="dew-point-named-dp"),
    pytest.param("wdir", {"units": "m s-1"}, id="speed-named-dir"),
    pytest.param("tdir", {"units": "degC"}, id="temperature-named-dir"),
    pytest.param("x", {"standard_name": "eastward_derivative_of_wind_from_direction", "units": "degree m-1"},
                 id="derivative-of-a-direction"),
])
def test_angles_that_are_no_directions_and_other_quantities_are_not(name, attrs):
    assert direction_reading(name, attrs) is None


def test_only_plane_angle_units_are_angles():
    assert [is_plane_angle(units) for units in ("degree", "degrees true", "radian", "degrees_east", "degC", "1")] \
        == [True, True, True, False, False, False]


def _grid(n_time=48):
    time = pd.date_range("2000-01-01", periods=n_time, freq="MS")
    lat, lon = np.array([50.0, 47.5, 45.0]), np.array([-20.0, -17.5, -15.0, -12.5])
    coords = {"time": time, "latitude": ("latitude", lat, {"units": "degrees_north"}),
              "longitude": ("longitude", lon, {"units": "degrees_east"})}
    return coords, (n_time, lat.size, lon.size)


def _wind_file(path):
    """mk.py of the report: u10, v10 and wdir = their direction (wind_from_direction, 0…360)."""
    coords, shape = _grid()
    rng = np.random.default_rng(0)
    u, v = rng.normal(3, 5, shape), rng.normal(0, 5, shape)
    wdir = np.degrees(np.arctan2(-u, -v)) % 360
    dims = ("time", "latitude", "longitude")
    xr.Dataset({"wdir": (dims, wdir.astype("f4"), {"units": "degree", "standard_name": "wind_from_direction",
                                                   "long_name": "10 metre wind direction"}),
                "u10": (dims, u.astype("f4"), {"units": "m s-1", "standard_name": "eastward_wind"}),
                "v10": (dims, v.astype("f4"), {"units": "m s-1", "standard_name": "northward_wind"})},
               coords=coords).to_netcdf(path)
    return path


def _wave_file(path):
    """An ERA5-like wave file: swh, and mwd in 'Degree true' without a standard name, no components."""
    coords, shape = _grid()
    rng = np.random.default_rng(1)
    dims = ("time", "latitude", "longitude")
    mwd = rng.normal(270, 60, shape) % 360
    xr.Dataset({"swh": (dims, rng.gamma(2, 1, shape).astype("f4"), {"units": "m"}),
                "mwd": (dims, mwd.astype("f4"), {"units": "Degree true", "long_name": "Mean wave direction"})},
               coords=coords).to_netcdf(path)
    return path, mwd.astype("f4")


def _run_cli(arguments, monkeypatch, capsys):
    from climann.cli import main

    monkeypatch.setattr(sys, "argv", ["climann", *arguments])
    with pytest.raises(SystemExit) as exited:
        main()
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def test_a_direction_target_with_its_components_in_the_file_is_refused_naming_them(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _wind_file(tmp_path / "wind.nc")
    code, _, err = _run_cli(["train", "--data", "wind.nc", "--target", "wdir", "--epochs", "1"], monkeypatch, capsys)
    assert code == 2 and not (tmp_path / "runs").exists()
    (line,) = err.strip().splitlines()
    assert line.startswith("climann: error: the target 'wdir' in wind.nc is a direction (standard_name "
                           "wind_from_direction): an angle on a circle, where 359° and 1° are 2° apart")
    assert "the mean of 350° and 10° 180°, not 0°" in line
    assert line.endswith("train on the vector's components instead, one run each: --target u10 (eastward_wind) and "
                         "--target v10 (northward_wind); the direction is computed from their predictions")


def test_the_sine_cosine_line_of_a_refused_direction_runs_as_printed_and_its_copy_trains(tmp_path, monkeypatch,
                                                                                         capsys):
    """ERA5's mwd ('Degree true', no components in the file): the refusal prints one xarray line; run as printed
    it writes sincos/wave.nc (a new folder) from wave.nc with mwd_sin = sin(mwd) and mwd_cos = cos(mwd) (units 1), on which
    train --target mwd_sin trains with swh alone as predictor: neither mwd (a direction) nor mwd_cos (which gives
    |mwd_sin|)."""
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    _, mwd = _wave_file(tmp_path / "wave.nc")
    code, _, err = _run_cli(["train", "--data", "wave.nc", "--target", "mwd", "--epochs", "1"], monkeypatch, capsys)
    assert code == 2
    (line,) = [line for line in err.strip().splitlines() if line.startswith("climann: error:")]
    assert "the target 'mwd' in wave.nc is a direction (units 'Degree true' and long_name 'Mean wave direction')" \
        in line
    assert "train on its sine and cosine instead, one run each (--target mwd_sin, --target mwd_cos" in line
    # its copy in a new folder, with the --data to give (fix53a: wave_sincos.nc beside it)
    folder, code = re.search(r'mkdir -p (\S+) && (python -c "[^"]+") \(its copy in a new folder\), then give --data '
                             r'sincos/wave\.nc in place of wave\.nc', bare_python(line)).groups()
    (tmp_path / folder).mkdir()
    run_python("-c", shlex.split(code)[2], check=True, cwd=tmp_path)
    with xr.open_dataset(tmp_path / "sincos" / "wave.nc") as copy:
        np.testing.assert_allclose(copy["mwd_sin"].values, np.sin(mwd * np.pi / 180), atol=1e-6)
        np.testing.assert_allclose(copy["mwd_cos"].values, np.cos(mwd * np.pi / 180), atol=1e-6)
        assert copy["mwd_sin"].attrs["units"] == "1" and "standard_name" not in copy["mwd_sin"].attrs
        np.testing.assert_array_equal(copy["mwd"].values, mwd)  # the original kept as it was
    code, _, err = _run_cli(["train", "--data", "sincos/wave.nc", "--target", "mwd_sin", "--epochs", "1",
                             "--out", "run"], monkeypatch, capsys)
    assert code == 0, err
    assert 'predictors = ["swh"]' in (tmp_path / "run" / "config.toml").read_text()
    assert "left out of the default predictors: mwd, the direction whose sine the target 'mwd_sin' is: it holds the " \
        "target itself" in err
    assert "left out of the default predictors: mwd_cos, the other half of the angle" in err


@pytest.mark.parametrize("units", ["Degree true", "degrees_true", "degree_true"])
def test_a_direction_in_degrees_true_is_refused_with_no_warning_about_its_units(tmp_path, monkeypatch, capsys, units):
    """rerun33 R3 (fix34b): ERA5's mwd in 'Degree true' was refused as a direction, and warned of too as units
    climann 'cannot read'; degrees clockwise from true north are degrees, read so by the units registry."""
    monkeypatch.chdir(tmp_path)
    _wave_file(tmp_path / "wave.nc")
    with xr.open_dataset(tmp_path / "wave.nc") as opened:
        written = opened.load()
    written["mwd"].attrs["units"] = units
    written.to_netcdf(tmp_path / "wave_units.nc")
    code, _, err = _run_cli(["train", "--data", "wave_units.nc", "--target", "mwd", "--epochs", "1"], monkeypatch,
                            capsys)
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith(f"climann: error: the target 'mwd' in wave_units.nc is a direction (units '{units}' and "
                           "long_name 'Mean wave direction')")


def test_the_line_for_a_direction_in_several_files_is_one_loop_whose_copies_hold_its_sine_and_cosine(tmp_path):
    """A direction read from two files: one loop writes a copy of each into a folder of their own, each with the
    sine and cosine of its angle (numpy's of the degrees read as radians), and the --data that takes the copies
    (it printed the first file's line, to be "run for each of them")."""
    path, mwd = _wave_file(tmp_path / "wave.nc")
    with xr.open_dataset(path) as wave:
        wave.isel(time=slice(0, 24)).to_netcdf(tmp_path / "wave_2000.nc")
        wave.isel(time=slice(24, None)).to_netcdf(tmp_path / "wave_2002.nc")
    opened = open_dataset([tmp_path / "wave_2000.nc", tmp_path / "wave_2002.nc"])
    with pytest.raises(ClimannError) as refused:
        refuse_direction_target(opened, "mwd", where="wave_2000.nc, wave_2002.nc")
    message = str(refused.value)
    assert "the line for the first" not in message
    command = message[message.index("mkdir -p "):message.index(" (a copy of each")]
    assert (f"then give --data {shlex.quote(str(tmp_path / 'sincos') + '/*.nc')} in place of the originals"
            in message), message
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    assert sorted(copy.name for copy in (tmp_path / "sincos").iterdir()) == ["wave_2000.nc", "wave_2002.nc"]
    copies = open_dataset(sorted((tmp_path / "sincos").glob("*.nc")))
    radians = np.deg2rad(mwd.astype("f8"))
    np.testing.assert_allclose(copies["mwd_sin"].values, np.sin(radians), rtol=0, atol=1e-6)
    np.testing.assert_allclose(copies["mwd_cos"].values, np.cos(radians), rtol=0, atol=1e-6)


@pytest.mark.parametrize(("predictor", "expected"), [
    pytest.param("mwd", "the predictor 'mwd' is the direction whose sine the target 'mwd_sin' is: it holds the target "
                 "itself", id="the-direction-itself"),
    pytest.param("mwd_cos", "the predictor 'mwd_cos' is the other half of the angle whose half the target 'mwd_sin' "
                 "is: it gives |mwd_sin| = √(1 − mwd_cos²), the target itself but its sign", id="the-cosine"),
])
def test_a_named_predictor_holding_the_target_sine_is_warned_about(tmp_path, caplog, predictor, expected):
    path, mwd = _wave_file(tmp_path / "wave.nc")
    with xr.open_dataset(path) as wave:
        wave.assign(mwd_sin=wave["mwd"].copy(data=np.sin(np.radians(mwd))).assign_attrs(units="1", long_name="s"),
                    mwd_cos=wave["mwd"].copy(data=np.cos(np.radians(mwd))).assign_attrs(units="1", long_name="c")
                    ).to_netcdf(tmp_path / "copy.nc")
    opened = open_dataset([tmp_path / "copy.nc"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_direction_predictors(opened, [predictor, "swh"], "mwd_sin", where="copy.nc")
    assert [record.getMessage() for record in caplog.records] == [expected]


def _direction_run(tmp_path, monkeypatch):
    """A run trained on wdir as an earlier climann trained it: the refusal switched off for training."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    path = _wind_file(tmp_path / "wind.nc")
    with monkeypatch.context() as earlier:
        earlier.setattr("climann.workflow.preparation.refuse_direction_target", lambda *args, **kwargs: None,
                        raising=False)
        config = build_config({"data": {"paths": [str(path)], "target": "wdir", "predictors": ["u10", "v10"]},
                               "model": {"hidden": [4]}, "training": {"epochs": 1},
                               "evaluation": {"figures": False}})
        run_training(config, run_dir=tmp_path / "old")
    return path, tmp_path / "old"


def test_an_earlier_run_on_a_direction_is_refused_by_evaluate_on_data(tmp_path, monkeypatch):
    from climann.workflow.predict import evaluate_run

    path, run = _direction_run(tmp_path, monkeypatch)
    with pytest.raises(ClimannError, match=r"^the target 'wdir' in wind.nc is a direction \(standard_name "
                                           r"wind_from_direction\).*--target u10 \(eastward_wind\)"):
        evaluate_run(run, [path], tmp_path / "scores")
    assert not (tmp_path / "scores").exists()


def test_an_earlier_run_on_a_direction_is_refused_by_compare(tmp_path, monkeypatch):
    from climann.workflow.compare import compare_runs

    path, run = _direction_run(tmp_path, monkeypatch)
    with pytest.raises(ClimannError) as refused:
        compare_runs([run])
    message = str(refused.value)
    assert message.startswith(f"{run} was trained on 'wdir', a direction (standard_name wind_from_direction)")
    # its line writes the sine and cosine of the run's one data file
    assert f"d = xr.open_dataset({str(path)!r}, decode_times=False)" in message


def test_an_earlier_run_on_a_direction_is_refused_by_predict_on_data_without_the_target(tmp_path, monkeypatch):
    from climann.workflow.predict import predict_files

    path, run = _direction_run(tmp_path, monkeypatch)
    with xr.open_dataset(path) as wind:
        wind.drop_vars("wdir").to_netcdf(tmp_path / "new.nc")
    with pytest.raises(ClimannError, match=rf"^{re.escape(str(run))} was trained on 'wdir', a direction "
                                           r"\(standard_name wind_from_direction\)"):
        predict_files(run, [tmp_path / "new.nc"], tmp_path / "predicted.nc")
    assert not (tmp_path / "predicted.nc").exists()


def test_a_direction_is_no_default_predictor_and_info_proposes_another_target(tmp_path, monkeypatch, capsys):
    """wdir first in the file: info proposes u10 as the target (not the direction) and leaves wdir out of its
    predictors with a note; default_inputs says why and gives the sine-cosine line."""
    opened = open_dataset([_wind_file(tmp_path / "wind.nc")])
    chosen = default_inputs(opened, "u10")
    assert chosen.predictors == ("v10",)
    (note,) = [note for note in chosen.notes("u10") if "wdir" in note]
    assert note.startswith("left out of the default predictors: wdir (standard_name wind_from_direction), a direction")
    assert "d['wdir_sin'] = " in note and "np.sin(r)" in note
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run_cli(["info", "wind.nc"], monkeypatch, capsys)
    assert code == 0
    assert 'target = "u10"' in out and 'predictors = ["v10"]' in out


def test_a_named_direction_predictor_is_used_with_one_warning(tmp_path, caplog):
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data

    path = _wind_file(tmp_path / "wind.nc")
    config = build_config({"data": {"paths": [str(path)], "target": "u10", "predictors": ["wdir", "v10"]}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        prepared = prepare_data(config)
    (warning,) = [r.getMessage() for r in caplog.records if "is a direction" in r.getMessage()]
    assert warning.startswith("the predictor 'wdir' in wind.nc is a direction (standard_name wind_from_direction)")
    assert "\n" not in warning and "python -c" in warning and "d['wdir_cos']" in warning
    assert prepared.samples.feature_names[:2] == ("wdir", "v10")


@pytest.mark.parametrize(("drop", "expected"), [
    pytest.param(None, "(mwd: its sine and cosine mwd_sin and mwd_cos are among the predictors already)",
                 id="among-the-predictors"),
    pytest.param("mwd_cos", "(mwd: write its sine and cosine, e.g. ", id="one-half-only"),
])
def test_the_note_on_a_direction_whose_sine_and_cosine_are_predictors_says_so(tmp_path, drop, expected):
    """break39b B10b: after the sine/cosine line, info printed predictors = [..., "mwd_sin", "mwd_cos"] and below
    them "mwd_sin and mwd_cos are in the data: name them in [data] predictors"."""
    path, mwd = _wave_file(tmp_path / "wave.nc")
    with xr.open_dataset(path) as wave:
        copy = wave.assign(mwd_sin=wave["mwd"].copy(data=np.sin(np.radians(mwd))).assign_attrs(units="1"),
                           mwd_cos=wave["mwd"].copy(data=np.cos(np.radians(mwd))).assign_attrs(units="1"))
        copy.drop_vars([drop] if drop else []).to_netcdf(tmp_path / "copy.nc")
    chosen = default_inputs(open_dataset([tmp_path / "copy.nc"]), "swh")
    assert ("mwd_sin" in chosen.predictors) and (drop is not None or "mwd_cos" in chosen.predictors)
    (note,) = [note for note in chosen.notes("swh") if "mwd (" in note]
    assert expected in note and "name them in [data] predictors" not in note


def _north_wave_file(path):
    """ERA5-like waves from about north (mwd = 0° ± 25°, 'Degree true'), beside swh and mwp: the arithmetic area mean
    of mwd is near 180°, the opposite direction (break56c A1)."""
    coords, shape = _grid()
    rng = np.random.default_rng(2)
    dims = ("time", "latitude", "longitude")
    mwd = (rng.normal(0, 25, shape) % 360).astype("f4")
    xr.Dataset({"swh": (dims, rng.gamma(2, 1, shape).astype("f4"), {"units": "m"}),
                "mwp": (dims, rng.normal(8, 1, shape).astype("f4"), {"units": "s"}),
                "mwd": (dims, mwd, {"units": "Degree true", "long_name": "Mean wave direction"})},
               coords=coords).to_netcdf(path)
    return path, mwd


@pytest.mark.parametrize(("setting", "value", "flag"), [
    pytest.param("global_means", ["mwd"], "--global-means", id="global-means"),
    pytest.param("regional_means", {"mwd": [44, 51, -21, -11]}, "--regional-means", id="regional-means"),
    pytest.param("anomalies", ["mwd"], "--anomalies", id="anomalies"),
])
def test_an_area_mean_or_anomaly_of_a_direction_is_refused_and_its_sine_cosine_way_gives_the_circular_mean(
        tmp_path, monkeypatch, setting, value, flag):
    """break56c A1: --global-means, --regional-means and --anomalies of ERA5's mwd trained without a word, their
    features an arithmetic mean of angles (185° for waves from about north). Refused in one line naming the setting,
    with the line that writes mwd_sin and mwd_cos into a copy; run as printed, the area means of the copy's sine and
    cosine give, by atan2, the cos-latitude-weighted circular mean of mwd computed here with numpy (cells 2.5° apart:
    their areas are ∝ cos(latitude))."""
    from climann.data.area_means import area_mean_series
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data

    monkeypatch.chdir(tmp_path)
    _, mwd = _north_wave_file(tmp_path / "wave.nc")
    config = build_config({"data": {"paths": ["wave.nc"], "target": "swh", "predictors": ["mwp"], setting: value}})
    with pytest.raises(ClimannError) as refused:
        prepare_data(config)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("'mwd' in wave.nc is a direction (units 'Degree true' and long_name 'Mean wave "
                              "direction'): an angle on a circle")
    assert (f"[data] {setting} ({flag}) would " in message
            and f"name its sine and cosine in [data] {setting} instead (mwd_sin and mwd_cos: atan2 of their means "
                "is the circular mean direction)" in message)
    folder, code = re.search(r'mkdir -p (\S+) && (python -c "[^"]+") \(its copy in a new folder\), then give --data '
                             r'sincos/wave\.nc in place of wave\.nc', bare_python(message)).groups()
    (tmp_path / folder).mkdir()
    run_python("-c", shlex.split(code)[2], check=True, cwd=tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["sincos", "wave.nc"]
    copy = open_dataset([tmp_path / "sincos" / "wave.nc"])
    box = value["mwd"] if setting == "regional_means" else ()
    sine, cosine = (area_mean_series(copy, name, region=box).values.astype("f8") for name in ("mwd_sin", "mwd_cos"))
    lat = copy["latitude"].values
    inside = (lat >= box[0]) & (lat <= box[1]) if box else np.ones(lat.size, bool)
    weights = np.cos(np.deg2rad(lat))[inside][None, :, None] * np.ones((1, 1, mwd.shape[2]))
    radians = np.deg2rad(mwd[:, inside].astype("f8"))
    circular = np.arctan2((np.sin(radians) * weights).sum((1, 2)), (np.cos(radians) * weights).sum((1, 2)))
    np.testing.assert_allclose(np.arctan2(sine, cosine), circular, rtol=0, atol=1e-5)
    arithmetic = (mwd * weights).sum((1, 2)) / weights.sum((1, 2))
    assert np.all(np.abs(np.rad2deg(circular)) < 45) and 90 < arithmetic.mean() < 270  # the fault refused
    renamed = {"mwd_sin": value["mwd"], "mwd_cos": value["mwd"]} if setting == "regional_means" else [
        "mwd_sin", "mwd_cos"]
    prepare_data(build_config({"data": {"paths": ["sincos/wave.nc"], "target": "swh", "predictors": ["mwp"],
                                        setting: renamed}}))


@pytest.mark.parametrize(("setting", "value", "column"), [
    pytest.param("predictors", ["mwd", "mwp"], "{}_mean", id="predictor"),
    pytest.param("lags", {"mwd": [1]}, "{}_lag1_mean", id="lag"),
])
def test_a_direction_averaged_over_the_field_is_refused_and_its_sine_cosine_means_give_the_circular_mean(
        tmp_path, monkeypatch, setting, value, column):
    """fix57a: in field mode with field_inputs = "mean" (the default) each predictor and lag is the area-weighted mean
    of its map, and mwd_mean of waves from about north was their arithmetic mean, near 180°, with only the warning that
    the network reads north as far-apart numbers. Refused as --global-means is; the printed line run as printed, the
    means of the copy's mwd_sin and mwd_cos give by atan2 the cos-latitude-weighted circular mean of mwd (numpy here);
    field_inputs = "flatten" (each cell's angle) stays a warning."""
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data

    monkeypatch.chdir(tmp_path)
    _, mwd = _north_wave_file(tmp_path / "wave.nc")
    asked = {"predictors": ["mwp"], setting: value}
    with pytest.raises(ClimannError) as refused:
        prepare_data(build_config({"data": {"paths": ["wave.nc"], "target": "swh", "mode": "field", **asked}}))
    message = str(refused.value)
    assert "\n" not in message and message.startswith("'mwd' in wave.nc is a direction (units 'Degree true'")
    assert (f"[data] {setting} (--{setting} in field mode) would average its angles over the target's grid as "
            f'numbers (field_inputs = "mean"; "flatten" gives each cell\'s angle), which gives no direction; name its '
            f"sine and cosine in [data] {setting} instead (mwd_sin and mwd_cos: " in message)
    folder, code = re.search(r'mkdir -p (\S+) && (python -c "[^"]+") \(its copy in a new folder\), then give --data '
                             r'sincos/wave\.nc in place of wave\.nc', bare_python(message)).groups()
    (tmp_path / folder).mkdir()
    run_python("-c", shlex.split(code)[2], check=True, cwd=tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["sincos", "wave.nc"]
    both = {"predictors": ["mwd_sin", "mwd_cos", "mwp"], "lags": {"mwd_sin": [1], "mwd_cos": [1]}}[setting]
    samples = prepare_data(build_config({"data": {"paths": ["sincos/wave.nc"], "target": "swh", "mode": "field",
                                                  **{**asked, setting: both}}})).samples
    names = list(samples.feature_names)
    sine, cosine = (samples.inputs[:, names.index(column.format(name))].astype("f8") for name in ("mwd_sin", "mwd_cos"))
    steps = samples.time_index - (1 if setting == "lags" else 0)
    weights = np.cos(np.deg2rad([50.0, 47.5, 45.0]))[None, :, None] * np.ones((1, 1, mwd.shape[2]))
    radians = np.deg2rad(mwd[steps].astype("f8"))
    circular = np.arctan2((np.sin(radians) * weights).sum((1, 2)), (np.cos(radians) * weights).sum((1, 2)))
    np.testing.assert_allclose(np.arctan2(sine, cosine), circular, rtol=0, atol=1e-5)
    arithmetic = (mwd[steps] * weights).sum((1, 2)) / weights.sum((1, 2))
    assert np.all(np.abs(np.rad2deg(circular)) < 45) and 90 < arithmetic.mean() < 270  # the fault refused
    flattened = prepare_data(build_config({"data": {"paths": ["wave.nc"], "target": "swh", "mode": "field",
                                                    "field_inputs": "flatten", **asked}})).samples
    cells = [name for name in flattened.feature_names if name.startswith(column.format("mwd").removesuffix("_mean"))]
    assert len(cells) == mwd[0].size


def test_the_lags_of_a_direction_are_warned_about_once(tmp_path, caplog):
    """break56c A1: --lags mwd=1 went unwarned; a lag of a direction is the angle as a number, as the predictor is."""
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data

    path, _ = _north_wave_file(tmp_path / "wave.nc")
    config = build_config({"data": {"paths": [str(path)], "target": "swh", "predictors": ["mwp"],
                                    "lags": {"mwd": [1]}}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        prepared = prepare_data(config)
    (warning,) = [r.getMessage() for r in caplog.records if "direction" in r.getMessage()]
    assert warning.startswith("the lags of 'mwd' ([data] lags) in wave.nc are of a direction (units 'Degree true' "
                              "and long_name 'Mean wave direction')")
    assert "\n" not in warning and "d['mwd_sin'] = " in warning
    assert "mwd_lag1" in prepared.samples.feature_names
