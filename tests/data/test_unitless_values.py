"""New data without units against the model's training values (climann/data/unitless_values.py)."""

from __future__ import annotations

import logging

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.units import convert_dataset
from climann.data.unitless_values import (
    UNITLESS_LIMIT_SD, TrainingValues, check_unitless_values, checked_values, scale_of_unit_mixup,
)
from climann.errors import ClimannError

#: An SST trained on in degC (eval14 F6's run: 14.22 ± 8.726 degC, -4.8…32.6).
SST_IN_CELSIUS = TrainingValues(14.22, 8.726, "degC", -4.8, 32.6)

#: Six months of a 2×3 SST in degC (all checked: at most 24 steps are).
CELSIUS = np.array([[[-1.8, 4.0, 12.5], [20.0, 27.5, 30.1]]], np.float32) + np.arange(6, dtype=np.float32)[:, None, None]


def _dataset(values: np.ndarray, attrs: dict, name: str = "tos") -> xr.Dataset:
    times = [cftime.DatetimeNoLeap(2001, month, 15) for month in range(1, values.shape[0] + 1)]
    return xr.Dataset({name: (("time", "lat", "lon"), values, attrs)},
                      coords={"time": times, "lat": [-2.5, 2.5], "lon": [0.0, 5.0, 10.0]})


def test_a_target_in_kelvin_without_units_for_a_run_in_celsius_is_refused_with_both_values(tmp_path):
    kelvin = CELSIUS.astype(np.float64) + 273.15
    mean = kelvin.mean()  # 17.88 degC + 273.15 = 291.03: by hand, every value checked
    distance = abs(mean - 14.22) / 8.726  # 31.7 training standard deviations
    dataset = _dataset(kelvin.astype(np.float32), {"long_name": "sea surface temperature"})
    dataset.to_netcdf(tmp_path / "sst_K.nc")
    with xr.open_dataset(tmp_path / "sst_K.nc") as opened, pytest.raises(ClimannError) as raised:
        check_unitless_values(opened, {"tos": SST_IN_CELSIUS}, where="sst_K.nc",
                              reference="the model's training data")
    assert str(raised.value) == (
        f"'tos' has no units in sst_K.nc, and its values there ({kelvin.min():.4g}…{kelvin.max():.4g}, mean "
        f"{mean:.4g}) lie {distance:.0f} standard deviations from those of the model's training data (mean 14.22, "
        "sd 8.726 degC, -4.8…32.6): they are likely in another unit than degC; set the units they are in, which are "
        f"then converted to degC: ncatted -a units,tos,o,c,K {tmp_path / 'sst_K.nc'} {tmp_path / 'sst_K_fixed.nc'}"
    )
    assert f"{mean:.4g}" == "291" and f"{distance:.0f}" == "32"


def test_plausible_values_without_units_keep_the_warning_with_the_comparison(caplog):
    dataset = _dataset(CELSIUS, {})
    with caplog.at_level(logging.WARNING, logger="climann"):
        check_unitless_values(dataset, {"tos": SST_IN_CELSIUS}, where="sst.nc", reference="the model's training data")
    values = CELSIUS.astype(np.float64)
    assert caplog.messages == [
        "'tos' has no units in sst.nc (the model's training data has 'degC'): its units are not checked (its values "
        f"there, {values.min():.4g}…{values.max():.4g}, mean {values.mean():.4g}, lie within 10 standard deviations "
        "of those of the model's training data, mean 14.22, sd 8.726 degC, -4.8…32.6)"
    ]


@pytest.mark.parametrize(
    ("offset", "refused"),
    [pytest.param(UNITLESS_LIMIT_SD - 0.1, False, id="just-within"),
     pytest.param(UNITLESS_LIMIT_SD + 0.1, True, id="just-beyond"),
     pytest.param(-UNITLESS_LIMIT_SD - 0.1, True, id="just-beyond-below")],
)
def test_the_limit_is_ten_training_standard_deviations_of_the_mean(caplog, offset, refused):
    # values 3 ± 1 around a mean of 100 + 2·offset, for training values of mean 100 and sd 2
    values = (100 + 2 * offset + np.array([-1.0, 1.0] * 3)).reshape(6, 1, 1) * np.ones((1, 2, 3))
    dataset = _dataset(values, {})
    training = {"tos": TrainingValues(100.0, 2.0, "W m-2")}
    with caplog.at_level(logging.WARNING, logger="climann"):
        if refused:
            with pytest.raises(ClimannError, match=r"lie 10 standard deviations from those of the model \(mean 100, "
                                                   r"sd 2 W m-2\)"):
                check_unitless_values(dataset, training, where="new.nc", reference="the model")
        else:
            check_unitless_values(dataset, training, where="new.nc", reference="the model")
            assert "its units are not checked" in caplog.text


@pytest.mark.parametrize(
    ("attrs", "training_units"),
    [pytest.param({"units": "K"}, "degC", id="with-units"),  # converted or refused by convert_variable
     pytest.param({}, "", id="training-without-units-either")],
)
def test_variables_whose_units_are_known_or_unknown_on_both_sides_are_not_compared(caplog, attrs, training_units):
    dataset = _dataset(CELSIUS + 1000, attrs)
    with caplog.at_level(logging.WARNING, logger="climann"):
        check_unitless_values(dataset, {"tos": TrainingValues(14.22, 8.726, training_units)}, where="new.nc",
                              reference="the model")
    assert caplog.text == ""


def test_a_predictor_far_from_its_training_values_is_refused_by_the_same_rule():
    # a predictor (rsds in mW m-2 for a run in W m-2) beside a plausible target: the same rule
    dataset = _dataset(CELSIUS, {}).assign(rsds=_dataset(np.full((6, 2, 3), 150_000.0), {}, "rsds")["rsds"])
    training = {"tos": SST_IN_CELSIUS, "rsds": TrainingValues(144.4, 68.15, "W m-2", -46.31, 331.0)}
    with pytest.raises(ClimannError, match=r"^'rsds' has no units in new.nc, and its values there \(1.5e\+05…1.5e\+05, "
                                           r"mean 1.5e\+05\) lie 2199 standard deviations"):
        check_unitless_values(dataset, training, where="new.nc", reference="the model")
    assert f"{(150_000 - 144.4) / 68.15:.0f}" == "2199"


def test_convert_dataset_leaves_the_warning_to_the_check_for_the_variables_it_compares(caplog):
    dataset = _dataset(CELSIUS, {}).assign(uas=_dataset(CELSIUS, {}, "uas")["uas"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        kept = convert_dataset(dataset, {"tos": "degC", "uas": "m s-1"}, where="new.nc", reference="the model",
                               values_checked=("tos",))
    assert "'tos' has no units" not in caplog.text and "'uas' has no units in new.nc" in caplog.text
    np.testing.assert_array_equal(kept["tos"].values, CELSIUS)


def test_checked_values_are_the_mean_sd_and_range_of_the_steps_checked():
    """30 monthly steps: the 24 evenly spaced steps the checks read, by hand with numpy (ddof 0, NaN left out)."""
    rng = np.random.default_rng(3)
    values = rng.normal(280.0, 7.0, (30, 2, 3))
    values[4, 0, 0] = np.nan
    times = [cftime.DatetimeNoLeap(2000 + k // 12, k % 12 + 1, 15) for k in range(30)]
    dataset = xr.Dataset({"tas": (("time", "lat", "lon"), values, {"units": "K"}),
                          "bare": (("time", "lat", "lon"), values)}, coords={"time": times})
    described = checked_values(dataset, ["tas", "bare", "absent"])
    assert list(described) == ["tas", "bare"]  # absent: nothing to compare with
    assert described["bare"].units == "" and described["bare"].mean == described["tas"].mean
    steps = np.unique(np.linspace(0, 29, 24).round().astype(int))
    chosen = values[steps]
    expected = TrainingValues(float(np.nanmean(chosen)), float(np.nanstd(chosen)), "K", float(np.nanmin(chosen)),
                              float(np.nanmax(chosen)))
    got = described["tas"]
    assert got.units == "K"
    np.testing.assert_allclose([got.mean, got.std, got.minimum, got.maximum],
                               [expected.mean, expected.std, expected.minimum, expected.maximum], rtol=1e-12)


def test_new_data_in_kelvin_for_a_model_trained_without_units_on_celsius_are_refused(tmp_path):
    """The other way round: the training data had no units (SST in degC as numbers), the new data
    say K. Nothing can convert them (climann does not know what it was trained in), and they lie
    32 training standard deviations away: refused, not scored as they stand."""
    kelvin = CELSIUS.astype(np.float64) + 273.15
    mean, distance = kelvin.mean(), abs(kelvin.mean() - 14.22) / 8.726
    dataset = _dataset(kelvin.astype(np.float32), {"units": "K"})
    training = {"tos": TrainingValues(14.22, 8.726, "", -4.8, 32.6)}
    with pytest.raises(ClimannError) as raised:
        check_unitless_values(dataset, training, where="sst_K.nc", reference="the model's training data")
    assert str(raised.value) == (
        f"'tos' is in 'K' in sst_K.nc but has no units in the model's training data, and its values there "
        f"({kelvin.min():.4g}…{kelvin.max():.4g}, mean {mean:.4g}) lie {distance:.0f} standard deviations from those "
        "of the model's training data (mean 14.22, sd 8.726, -4.8…32.6): they are likely in another unit than the "
        "model's training data's, which climann cannot convert to without knowing it; give 'tos' in the unit the "
        "model's training data was in, or train again on data whose units are set"
    )


def test_new_data_with_units_near_training_values_without_units_keep_the_warning_with_the_comparison(caplog):
    dataset = _dataset(CELSIUS, {"units": "degC"})
    with caplog.at_level(logging.WARNING, logger="climann"):
        check_unitless_values(dataset, {"tos": TrainingValues(14.22, 8.726, "", -4.8, 32.6)}, where="sst.nc",
                              reference="the model's training data")
    values = CELSIUS.astype(np.float64)
    assert caplog.messages == [
        "'tos' has no units in the model's training data (sst.nc has 'degC'): its units are not checked (its values "
        f"there, {values.min():.4g}…{values.max():.4g}, mean {values.mean():.4g}, lie within 10 standard deviations "
        "of those of the model's training data, mean 14.22, sd 8.726, -4.8…32.6)"
    ]


def test_convert_dataset_leaves_the_warning_to_the_check_when_the_reference_lacks_the_units(caplog):
    dataset = _dataset(CELSIUS, {"units": "degC"}).assign(uas=_dataset(CELSIUS, {"units": "m s-1"}, "uas")["uas"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        kept = convert_dataset(dataset, {"tos": "", "uas": ""}, where="new.nc", reference="the model",
                               values_checked=("tos",))
    assert "'tos'" not in caplog.text and "'uas' has no units in the model (new.nc has 'm s-1')" in caplog.text
    np.testing.assert_array_equal(kept["tos"].values, CELSIUS)


#: Cloud cover in % on a training block: a bounded fraction whose spread is near its mean.
CLOUD_IN_PERCENT = TrainingValues(50.2, 19.9, "%", 0.0, 100.0)


def _cloud_fractions(seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=(6, 2, 3)).astype(np.float32)


def test_a_fraction_without_units_for_a_run_in_percent_is_refused_though_its_mean_is_near(tmp_path):
    """break19b F2: clt in 0…1 scored by a model trained in %: its mean lies only 2.5 training
    standard deviations away, and the warning called it 'within 10 standard deviations'."""
    fractions = _cloud_fractions()
    mean, std = fractions.astype(np.float64).mean(), fractions.astype(np.float64).std()
    assert abs(mean - 50.2) / 19.9 < UNITLESS_LIMIT_SD  # the mean rule alone lets it through
    dataset = _dataset(fractions, {}, name="clt")
    with pytest.raises(ClimannError) as raised:
        check_unitless_values(dataset, {"clt": CLOUD_IN_PERCENT}, where="clt.nc", reference="the model's training data")
    message = str(raised.value)
    assert message.startswith(f"'clt' has no units in clt.nc, and its values there ({fractions.min():.4g}…"
                              f"{fractions.max():.4g}, mean {mean:.4g}, sd {std:.4g}) are those of the model's "
                              "training data (mean 50.2, sd 19.9 %, 0…100) times about "
                              f"{std / 19.9:.3g}: they are likely in another unit than %")
    assert "ncatted -a units,clt,o,c,1 " in message  # the likely unit, no placeholder (break42b A7)


@pytest.mark.parametrize(("mean", "std", "expected", "factor"), [
    pytest.param(0.499, 0.2, CLOUD_IN_PERCENT, 0.2 / 19.9, id="fraction-for-percent"),
    pytest.param(4999.0, 1990.0, CLOUD_IN_PERCENT, 1990.0 / 19.9, id="percent-squared"),
    pytest.param(0.3, 1200.0, TrainingValues(0.1, 12.0, "hPa"), 100.0, id="anomaly-Pa-for-hPa"),
    pytest.param(3e-5, 5e-5, TrainingValues(2.6, 4.3, "mm day-1"), 5e-5 / 4.3, id="flux-per-second-for-per-day"),
    pytest.param(301.0, 0.5, TrainingValues(288.0, 21.0, "K"), None, id="a-tropical-tile-of-a-global-tas"),
    pytest.param(52.0, 2.0, CLOUD_IN_PERCENT, None, id="a-spread-10-times-smaller"),
    pytest.param(0.499, 0.0, CLOUD_IN_PERCENT, None, id="constant-values"),
])
def test_a_scaled_copy_of_the_training_values_is_told_by_spread_and_mean_together(mean, std, expected, factor):
    found = scale_of_unit_mixup(mean, std, expected)
    assert found == (pytest.approx(factor, rel=1e-12) if factor is not None else None)


def _series_file(path, values, units):
    """One year of a series: tas_a.nc in 2001, tas_b.nc in 2002."""
    dataset = _dataset(values, {} if units is None else {"units": units}, name="tas")
    start = 2001 if path.stem.endswith("_a") else 2002
    dataset = dataset.assign_coords(time=[cftime.DatetimeNoLeap(start, month, 15) for month in range(1, 7)])
    dataset["time"].encoding.update(units="days since 2000-01-01", calendar="noleap")
    dataset.to_netcdf(path)
    return path


def test_a_file_of_a_series_without_units_in_other_units_is_refused_not_spliced_in(tmp_path):
    """break19b F1: tas_a.nc in K and tas_b.nc in degC without units trained with exit 0 and
    scored the test block in two units (climatology MSE 74 611 K²)."""
    from climann.data.open import open_dataset

    kelvin = CELSIUS.astype(np.float64) + 273.15
    first = _series_file(tmp_path / "tas_a.nc", kelvin.astype(np.float32), "K")
    second = _series_file(tmp_path / "tas_b.nc", CELSIUS, None)
    with pytest.raises(ClimannError, match=r"^'tas' has no units in tas_b.nc, and its values there .* lie \d+ standard "
                                           r"deviations from those of tas_a.nc \(mean .* K, .*ncatted -a units,tas"):
        open_dataset([first, second])


def test_a_file_of_a_series_without_units_in_the_same_units_is_read_with_the_comparison(tmp_path, caplog):
    from climann.data.open import open_dataset

    kelvin = (CELSIUS.astype(np.float64) + 273.15).astype(np.float32)
    first = _series_file(tmp_path / "tas_a.nc", kelvin, "K")
    second = _series_file(tmp_path / "tas_b.nc", kelvin + np.float32(0.5), None)
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([first, second])
    np.testing.assert_array_equal(dataset["tas"].values[6:], kelvin + np.float32(0.5))
    said = [record.getMessage() for record in caplog.records if "has no units" in record.getMessage()]
    assert len(said) == 1 and said[0].startswith("'tas' has no units in tas_b.nc (tas_a.nc has 'K'): its units are "
                                                 "not checked (its values there,")


def test_a_scaled_spread_whose_range_does_not_scale_alike_is_no_unit_mixup():
    """verify20 F1: a wet June's rain (sd 30 times a dry January's, range 10 times) is the same unit."""
    dry_january = TrainingValues(0.0465, 0.5255, "mm day-1", 0.0, 11.69)
    assert scale_of_unit_mixup(1.0, 15.8, dry_january, (0.0, 117.5)) is None
    assert scale_of_unit_mixup(1.0, 15.8, dry_january) == pytest.approx(15.8 / 0.5255)  # without the range
    percent = TrainingValues(50.2, 19.9, "%", 0.0, 100.0)
    assert scale_of_unit_mixup(0.499, 0.2, percent, (0.0, 1.0)) == pytest.approx(0.2 / 19.9)


def _rain_file(path, values, units, year):
    dataset = _dataset(values, {} if units is None else {"units": units}, name="pr")
    dataset = dataset.assign_coords(time=[cftime.DatetimeNoLeap(year, month, 15) for month in range(1, 7)])
    dataset["time"].encoding.update(units="days since 2000-01-01", calendar="noleap")
    dataset.to_netcdf(path)
    return path


def test_a_wet_month_without_units_after_a_dry_month_with_them_is_one_series_with_one_warning(tmp_path, caplog):
    """verify20 F1: daily rain of a monsoon region, one file per month, units only in the first
    (dry January): June lay 20 of January's standard deviations away and was refused."""
    from climann.data.open import open_dataset

    rng = np.random.default_rng(7)
    dry = np.where(rng.uniform(size=(6, 2, 3)) < 0.9, 0.0, rng.gamma(0.5, 1.0, size=(6, 2, 3))).astype(np.float32)
    wet = rng.gamma(0.8, 12.0, size=(6, 2, 3)).astype(np.float32)
    files = [_rain_file(tmp_path / "pr_a.nc", dry, "mm day-1", 2001), _rain_file(tmp_path / "pr_b.nc", wet, None, 2002),
             _rain_file(tmp_path / "pr_c.nc", wet[::-1].copy(), None, 2003)]
    assert abs(wet.mean() - dry.mean()) / dry.std() > UNITLESS_LIMIT_SD  # the single-file rule refused it
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset(files)
    np.testing.assert_array_equal(dataset["pr"].values[6:12], wet)
    said = [record.getMessage() for record in caplog.records if "has no units" in record.getMessage()]
    assert len(said) == 1 and said[0].startswith("'pr' has no units in pr_b.nc or the files after it")
    assert "They are used as they stand" in said[0]


def test_a_folder_of_three_files_without_units_gets_a_copy_of_each_with_them(tmp_path, monkeypatch):
    """fix38i: the refusal's ncatted named the first of 3 files (sst_0.nc sst_0_fixed.nc), leaving the others
    without units; now a loop writes a copy of each with them, and the copies are read in K (checked no more)."""
    import os
    import shutil
    import subprocess

    from climann.data.open import open_dataset

    if shutil.which("ncatted") is None:
        pytest.skip("needs NCO")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sst").mkdir()
    kelvin = (CELSIUS.astype(np.float64) + 273.15).astype(np.float32)
    for part in range(3):
        _dataset(kelvin, {"long_name": "sea surface temperature"}).assign_coords(
            time=[cftime.DatetimeNoLeap(2001 + part, month, 15) for month in range(1, 7)]).to_netcdf(
            tmp_path / "sst" / f"sst_{part}.nc")
    files = [tmp_path / "sst" / f"sst_{part}.nc" for part in range(3)]
    with pytest.raises(ClimannError) as raised:
        check_unitless_values(open_dataset(files), {"tos": SST_IN_CELSIUS}, where="sst",
                              reference="the model's training data")
    message = str(raised.value)
    assert "then give --data 'sst/units_set/*.nc' in place of the originals" in message
    command = message[message.index("( for f in "):message.index("; done )", message.index("mkdir -p ")) + len("; done )")]
    assert "UNITS" not in command  # run as printed (a placeholder wrote "UNITS": break42b A7)
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env=dict(os.environ))
    copies = sorted((tmp_path / "sst" / "units_set").glob("*.nc"))
    assert [copy.name for copy in copies] == ["sst_0.nc", "sst_1.nc", "sst_2.nc"]
    opened = open_dataset(copies)
    assert opened["tos"].attrs["units"] == "K" and opened.sizes["time"] == 18
    check_unitless_values(opened, {"tos": SST_IN_CELSIUS}, where="copies", reference="the model's training data")


def test_values_without_units_that_no_likely_unit_explains_get_words_and_no_placeholder_command():
    """break42b A7: the advice `ncatted -a units,tos,o,c,UNITS …` wrote "UNITS" when run as printed. Values (mean
    5 000) that neither K nor degF brings near the training SST in degC: the way out is said in words."""
    dataset = _dataset(CELSIUS + 5000.0, {"long_name": "sea surface temperature"})
    with pytest.raises(ClimannError) as raised:
        check_unitless_values(dataset, {"tos": SST_IN_CELSIUS}, where="sst.nc", reference="the model's training data")
    message = str(raised.value)
    assert "ncatted" not in message and "UNITS" not in message.replace("UDUNITS", "")
    assert message.endswith("set the units they are in, which are then converted to degC: write the unit its values "
                            "are in, as UDUNITS spells it, into the units attribute of 'tos' (in a copy of its files)")


def _month_totals(folder, rates):
    """PRISM's monthly ppt as climann's filename-date line dates it (break55b A7): one file a month,
    ``Band1`` the month's total in mm (no units), a scalar time mid-month with the month's bounds."""
    folder.mkdir()
    for index, rate in enumerate(rates):
        year, month = 2001 + index // 12, index % 12 + 1
        start = cftime.DatetimeGregorian(year, month, 1)
        end = cftime.DatetimeGregorian(year + month // 12, month % 12 + 1, 1)
        days = (end - start).days
        with netCDF4.Dataset(folder / f"PRISM_ppt_stable_4kmM3_{year}{month:02d}_bil.nc", "w") as nc:
            nc.createDimension("lat", rate.shape[0])
            nc.createDimension("lon", rate.shape[1])
            nc.createDimension("bnds", 2)
            time = nc.createVariable("time", "f8", ())
            time.units, time.standard_name, time.calendar, time.bounds = "days since 1970-01-01", "time", "standard", \
                "time_bnds"
            first = cftime.date2num(start, "days since 1970-01-01", "standard")
            time[...] = first + days / 2
            nc.createVariable("time_bnds", "f8", ("bnds",))[:] = [first, first + days]
            nc.createVariable("lat", "f8", ("lat",))[:] = 30.125 + 0.25 * np.arange(rate.shape[0])
            nc["lat"].units = "degrees_north"
            nc.createVariable("lon", "f8", ("lon",))[:] = -110.0 + 0.25 * np.arange(rate.shape[1])
            nc["lon"].units = "degrees_east"
            band = nc.createVariable("Band1", "f4", ("lat", "lon"), fill_value=np.float32(-9999.0))
            band.long_name = "GDAL Band Number 1"
            band[:] = rate * days
    return sorted(folder.glob("*.nc"))


def test_month_totals_without_units_against_a_rate_are_marked_as_totals_and_divided_by_each_month(
        tmp_path, monkeypatch):
    """break55b A7: PRISM's month totals (mm, no units) against a run in mm/day, about 30.4 times its values,
    were advised units '0.01 mm/day': pasted, scored at 0.30 of their rate. No constant factor converts month
    totals (months differ in length): the line marks them as totals, and each is then divided by its month's
    days, the rates numpy's."""
    import os
    import shutil
    import subprocess

    from climann.data.open import open_dataset

    if shutil.which("ncatted") is None:
        pytest.skip("needs NCO")
    monkeypatch.chdir(tmp_path)
    rates = np.random.default_rng(7).uniform(0.2, 3.0, (24, 3, 4)).astype(np.float32)
    files = _month_totals(tmp_path / "prism", rates)
    training = TrainingValues(float(rates.mean()), float(rates.std()), "mm/day", float(rates.min()),
                              float(rates.max()))
    with pytest.raises(ClimannError) as raised:
        check_unitless_values(open_dataset(files), {"Band1": training}, where="prism",
                              reference="the model's training data")
    message = str(raised.value)
    assert "likely each step's total in mm, not a rate" in message
    assert "0.01 mm/day" not in message and "then give --data 'prism/totals_marked/*.nc'" in message
    command = message[message.index("( for f in "):message.index("; done )", message.index("mkdir -p ")) + len("; done )")]
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path, env=dict(os.environ))
    assert sorted(path.name for path in (tmp_path / "prism").glob("*.nc")) == [path.name for path in files]
    copies = sorted((tmp_path / "prism" / "totals_marked").glob("*.nc"))
    opened = open_dataset(copies)
    converted = convert_dataset(opened, {"Band1": "mm/day"}, where="copies", reference="the model's training data",
                                values_checked=["Band1"])
    np.testing.assert_allclose(converted["Band1"].values, rates, rtol=1e-6)


def test_values_a_month_times_a_rate_on_daily_steps_are_no_totals():
    """The month's length is a scale only of monthly steps: daily values 30 times a rate in mm/day are no day's
    totals (a day's total of a rate per day is the rate); no totals line, no constant unit either."""
    times = [cftime.DatetimeGregorian(2001, 1, day) for day in range(1, 31)]
    rates = np.random.default_rng(8).uniform(0.2, 3.0, (30, 2, 3)).astype(np.float32)
    dataset = xr.Dataset({"pr": (("time", "lat", "lon"), rates * 30.4, {})},
                         coords={"time": times, "lat": [0.0, 1.0], "lon": [0.0, 1.0, 2.0]})
    training = TrainingValues(float(rates.mean()), float(rates.std()), "mm/day", float(rates.min()),
                              float(rates.max()))
    with pytest.raises(ClimannError) as raised:
        check_unitless_values(dataset, {"pr": training}, where="pr.nc", reference="the model's training data")
    message = str(raised.value)
    assert "total" not in message and "mm/day'" not in message.split("converted to mm/day")[-1]
    assert message.endswith("write the unit its values are in, as UDUNITS spells it, into the units attribute "
                            "of 'pr' (in a copy of its files)")
