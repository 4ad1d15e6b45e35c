"""Tests for climann.data.ensemble_spreads: an ensemble spread is its own quantity, no copy of the mean."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from climann.data.defaults import default_inputs
from climann.data.ensemble_spreads import ensemble_spread_reason
from climann.data.same_quantity import same_quantity_reason


def _field(name="t2m", **attrs):
    return xr.DataArray(np.zeros((2, 3)), dims=("time", "x"), name=name, attrs=attrs)


@pytest.mark.parametrize(("variable", "reason"), [
    pytest.param(_field("air", statistic="Ensemble Spread"), "statistic 'Ensemble Spread'", id="20crv3-statistic"),
    pytest.param(_field("air", long_name="Monthly Mean of Ensemble Spread of Air Temperature at 2 m"),
                 "long_name 'Monthly Mean of Ensemble Spread of Air Temperature at 2 m'", id="20crv3-long-name"),
    pytest.param(_field(cell_methods="time: mean realization: standard_deviation"),
                 "cell_methods 'time: mean realization: standard_deviation'", id="cf-cell-methods"),
    pytest.param(_field(GRIB_dataType="es"), "ecCodes dataType 'es', the ensemble standard deviation", id="ecmwf-es"),
    pytest.param(_field(GRIB_dataType="af", GRIB_derivedForecast=2),
                 "GRIB2 derived forecast 2 of WMO Code Table 4.7, standard deviation with respect to the cluster mean",
                 id="gefs-gespr"),
    pytest.param(_field("t2m_sprd"), "named as a spread (t2m_sprd)", id="name-sprd"),
    pytest.param(_field("air_spread"), "named as a spread (air_spread)", id="name-spread"),
    pytest.param(_field("air", statistic="Mean"), None, id="20crv3-mean"),
    pytest.param(_field(GRIB_dataType="em", GRIB_derivedForecast=0), None, id="ecmwf-em"),
    pytest.param(_field(GRIB_dataType="af", GRIB_derivedForecast=0), None, id="gefs-geavg"),
    pytest.param(_field(cell_methods="time: standard_deviation"), None, id="within-month-sd-is-no-ensemble-spread"),
    pytest.param(_field("spreadsheet_count"), None, id="no-word-inside-a-name"),
])
def test_an_ensemble_spread_is_known_by_what_its_product_writes(variable, reason):
    assert ensemble_spread_reason(variable) == reason


def _20crv3_like():
    """20CRv3's monthly 2 m air temperature ensemble mean (statistic "Mean", air_temperature) and its ensemble
    spread, renamed air_2 as climann advises (statistic "Ensemble Spread", no standard_name), in degK, with prmsl."""
    rng = np.random.default_rng(3)
    times = np.array([f"{1900 + m // 12}-{m % 12 + 1:02d}-01" for m in range(48)], "datetime64[ns]")
    shape = (times.size, 4, 5)
    dims = ("time", "lat", "lon")
    desc = {"var_desc": "Air temperature", "level_desc": "2 m", "GRIB_name": "TMP"}
    return xr.Dataset(
        {"air": (dims, 288 + rng.normal(0, 2, shape), {"units": "degK", "statistic": "Mean",
                                                         "standard_name": "air_temperature", **desc,
                                                         "long_name": "Monthly Mean of Air Temperature at 2 m"}),
         "air_2": (dims, rng.uniform(0.3, 2.5, shape), {"units": "degK", "statistic": "Ensemble Spread", **desc,
                                                          "long_name": "Monthly Mean of Ensemble Spread of Air "
                                                                       "Temperature at 2 m"}),
         "prmsl": (dims, 101300 + rng.normal(0, 600, shape), {"units": "Pa", "statistic": "Mean"})},
        coords={"time": times, "lat": np.array([50.0, 45.0, 40.0, 35.0]), "lon": np.arange(5.0) * 2})


def test_the_20crv3_ensemble_spread_is_left_out_of_the_defaults_as_a_spread_not_a_copy_of_the_mean():
    """break42c C1: the spread (same var_desc and units, another statistic) was left out as a copy of the mean.
    It is no copy (no same-quantity note), and since fix54e no default predictor either: an error estimate of the
    field, as ancillary data are, said in its own note with how to use it anyway."""
    chosen = default_inputs(_20crv3_like(), "air")
    assert chosen.predictors == ("prmsl",) and chosen.same_quantity == {}
    assert chosen.spreads == {"air_2": "statistic 'Ensemble Spread'"}
    (note,) = [note for note in chosen.notes("air") if "air_2" in note]
    assert note.startswith("left out of the default predictors: air_2 (statistic 'Ensemble Spread'): ensemble "
                           "spreads, how uncertain a product's ensemble of estimates is")
    assert note.endswith("name it in [data] predictors (--predictors) to use it anyway")
    assert default_inputs(_20crv3_like(), "air", predictors=("air_2", "prmsl")).predictors == ("air_2", "prmsl")


def _eobs_like(*, rain: bool = True) -> xr.Dataset:
    """E-OBS's daily rr and tg, mean and spread files opened with the spreads renamed (rr_spread, tg_spread), their
    long_names as E-OBS writes them (the spread's "... spread"), no statistic, no cell_methods."""
    rng = np.random.default_rng(8)
    times = np.datetime64("2001-01-01") + np.arange(60)
    shape, dims = (times.size, 3, 4), ("time", "latitude", "longitude")
    rr = np.maximum(rng.normal(1, 3, shape), 0)
    variables = {"tg": (dims, rng.normal(10, 4, shape), {"units": "Celsius", "long_name": "mean temperature"}),
                 "tg_spread": (dims, rng.uniform(0.1, 1, shape), {"units": "Celsius",
                                                                  "long_name": "mean temperature spread"})}
    if rain:
        variables |= {"rr": (dims, rr, {"units": "mm", "long_name": "rainfall"}),
                      "rr_spread": (dims, 0.3 * rr, {"units": "mm", "long_name": "rainfall spread"})}
    return xr.Dataset(variables, coords={"time": times, "latitude": [44.125, 44.375, 44.625],
                                         "longitude": [-1.875, -1.625, -1.375, -1.125]})


def test_the_eobs_spreads_are_no_default_predictors_and_a_note_says_so_once():
    """fix54e: E-OBS's spreads, renamed as climann advises, became default predictors without a word. Both are left
    out, named in one note with what says each is a spread; named in predictors they are used."""
    chosen = default_inputs(_eobs_like(), "tg")
    assert chosen.predictors == ("rr",)
    assert chosen.spreads == {"tg_spread": "long_name 'mean temperature spread'",
                              "rr_spread": "long_name 'rainfall spread'"}
    notes = [note for note in chosen.notes("tg") if "spread" in note]
    assert len(notes) == 1 and "tg_spread (long_name 'mean temperature spread'), rr_spread (long_name 'rainfall " \
        "spread'): ensemble spreads" in notes[0]
    named = default_inputs(_eobs_like(), "tg", predictors=("rr", "rr_spread", "tg_spread"))
    assert named.predictors == ("rr", "rr_spread", "tg_spread")
    assert default_inputs(_eobs_like(rain=False), "tg").predictors == ()


def test_an_ecmwf_spread_keeps_its_standard_name_and_is_no_copy_of_the_mean():
    """cfgrib gives dataType 'es' the field's standard name: the spread is no other estimate of the mean."""
    mean = _field("t2m", standard_name="air_temperature", GRIB_dataType="em", units="K")
    spread = _field("t2m_2", standard_name="air_temperature", GRIB_dataType="es", units="K")
    assert same_quantity_reason(spread, mean, time_dim="time") is None
    assert same_quantity_reason(mean.rename("t2m_2"), mean, time_dim="time") is not None


_LATITUDES, _LONGITUDES = np.array([40.0, 30.0, 20.0]), np.array([0.0, 10.0, 20.0, 30.0])


def _spread_keys(kind):
    """ECMWF's ensemble standard deviation (MARS type es), or GEFS's gespr: GRIB2 template 4.2, derived forecast 2."""
    if kind == "ecmwf-es":
        return {"centre": 98, "setLocalDefinition": 1, "localDefinitionNumber": 1, "type": "es", "stream": "enfo",
                "class": "od", "productDefinitionTemplateNumber": 2, "derivedForecast": 4,
                "numberOfForecastsInEnsemble": 51}
    return {"centre": 7, "productDefinitionTemplateNumber": 2, "derivedForecast": 2,
            "numberOfForecastsInEnsemble": 31}


@pytest.mark.parametrize(("kind", "said"), [
    pytest.param("ecmwf-es", "(ecCodes dataType 'es', the ensemble standard deviation)", id="ecmwf-es"),
    pytest.param("gefs-gespr", "(GRIB2 derived forecast 2 of WMO Code Table 4.7, standard deviation with respect "
                               "to the cluster mean)", id="gefs-gespr"),
])
def test_info_says_a_spread_grib_file_holds_an_ensemble_spread(tmp_path, kind, said):
    """break42c D1: cfgrib reads a spread as 't2m K 2 metre temperature', and info proposed it with no note."""
    pytest.importorskip("cfgrib")
    from climann.data.info import describe
    from tests.conftest import unwrapped_report
    from tests.grib_files import write_grib_messages

    rng = np.random.default_rng(5)
    messages = [({**_spread_keys(kind), "shortName": "2t", "dataDate": 20240101 + day, "dataTime": 0, "step": 24},
                 rng.uniform(0.2, 3.0, (3, 4))) for day in range(6)]
    path = write_grib_messages(tmp_path / "spread.grib2", messages, latitudes=_LATITUDES, longitudes=_LONGITUDES)
    report = unwrapped_report(describe(str(path)))
    assert f"t2m: an ensemble spread {said}: the members' spread about their mean, not the field itself" in report
