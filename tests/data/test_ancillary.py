"""Data about how well the target's values are known (CF §3.4 ancillary data: CRU TS's station
counts, error estimates) are no default predictors (climann/data/ancillary.py)."""

import re

import numpy as np
import pytest
import xarray as xr

from climann.data.ancillary import ancillary_reason
from climann.data.defaults import default_inputs
from climann.data.info import describe
from tests.conftest import grid_dataset, unwrapped_report


def _cru_like(path):
    """CRU TS 4.x: tmp in degrees Celsius and stn, the int station count of each value, no units."""
    dataset = grid_dataset()
    tmp = dataset["tas"].values - 273.15
    stn = np.random.default_rng(11).integers(0, 8, tmp.shape).astype("i4")
    xr.Dataset({"tmp": (dataset["tas"].dims, tmp, {"long_name": "near-surface temperature",
                                                  "units": "degrees Celsius"}),
                "stn": (dataset["tas"].dims, stn, {"description": "number of stations contributing to each datum"})},
               coords=dataset.coords).to_netcdf(path)
    return path


def test_info_on_cru_ts_leaves_the_station_count_out_with_a_note(tmp_path):
    """info proposed stn as the predictor of tmp (break14 F10)."""
    report = unwrapped_report(describe(str(_cru_like(tmp_path / "cru_ts4.07.tmp.dat.nc"))))
    assert 'predictors = []' in report
    assert ("# left out of the default predictors: stn (its description 'number of stations contributing to each "
            "datum'): data about how well tmp's values are known (CF 3.4 ancillary data") in report


def _variable(name, **attrs):
    return xr.DataArray(np.zeros(3), dims="x", name=name, attrs=attrs)


@pytest.mark.parametrize(("variable", "reason"), [
    pytest.param(_variable("stn", description="number of stations contributing to each datum"),
                 "its description 'number of stations contributing to each datum'", id="cru-station-count"),
    pytest.param(_variable("err", long_name="Estimated error standard deviation of analysed_sst"),
                 "its long_name 'Estimated error standard deviation of analysed_sst'", id="oisst-error"),
    pytest.param(_variable("n", standard_name="air_temperature number_of_observations"),
                 "its standard_name 'air_temperature number_of_observations'", id="cf-modifier"),
    pytest.param(_variable("quality"), "tas's ancillary_variables name it", id="cf-ancillary-variables"),
    pytest.param(_variable("numgauge", long_name="GPCC Number of Gauges", units="gauges"),
                 "its long_name 'GPCC Number of Gauges'", id="gpcc-gauge-count"),
    pytest.param(_variable("cnt", var_desc="Count of gauges"), "its var_desc 'Count of gauges'", id="psl-var-desc"),
    pytest.param(_variable("cdnc", long_name="Number concentration of cloud droplets"), None, id="physical-number"),
    pytest.param(_variable("sfcWind", standard_name="wind_speed"), None, id="physical"),
])
def test_ancillary_data_are_known_narrowly(variable, reason):
    target = _variable("tas", ancillary_variables="quality")
    assert ancillary_reason(variable, target) == reason


def test_a_station_count_named_as_a_predictor_is_used():
    dataset = grid_dataset()
    dataset["stn"] = dataset["pred"].assign_attrs(long_name="station count")
    assert "stn" not in default_inputs(dataset, "tas").predictors
    assert default_inputs(dataset, "tas", predictors=("stn",)).predictors == ("stn",)


@pytest.mark.parametrize("ancillary_variables", [pytest.param(False, id="by-names"),
                                                 pytest.param(True, id="with-ancillary_variables")])
def test_info_on_the_nsidc_sea_ice_cdr_proposes_no_uncertainty_or_flag_of_the_target(tmp_path, ancillary_variables):
    """info proposed stdev_of_cdr_seaice_conc as a predictor of cdr_seaice_conc (polar2): the CDR's
    standard deviation, named after it, is no driver of it. Of the G02202 variables only the melt
    onset day is proposed; the NASA Team and Bootstrap estimates, the QC and interpolation flags
    and the standard deviation are left out, each with a note."""
    from tests.grid_files import write_nsidc_cdr

    path = write_nsidc_cdr(tmp_path / "seaice_conc_monthly_nh_197101_197212_v04r00.nc",
                           ancillary_variables=ancillary_variables)
    report = unwrapped_report(describe(str(path)))
    assert 'predictors = ["melt_onset_day_cdr_seaice_conc"]' in report
    named = "cdr_seaice_conc's ancillary_variables name it"
    # the QC bit field the target's ancillary_variables name is its quality flag, ancillary data, not classes (fix43g)
    left_out = (f"stdev_of_cdr_seaice_conc ({named}), qa_of_cdr_seaice_conc ({named})" if ancillary_variables
                else "stdev_of_cdr_seaice_conc (its name, the standard deviation of cdr_seaice_conc)")
    assert (f"# left out of the default predictors: {left_out}: data about how well "
            "cdr_seaice_conc's values are known") in report
    for name in ("nsidc_nt_seaice_conc", "qa_of_cdr_seaice_conc", "temporal_interpolation_flag"):
        assert re.search(rf"^# left out of the default predictors: .*\b{name}\b", report, re.MULTILINE)


def test_the_standard_deviation_named_as_a_predictor_is_used(tmp_path):
    from climann.data.open import open_dataset
    from tests.grid_files import write_nsidc_cdr

    dataset = open_dataset([write_nsidc_cdr(tmp_path / "cdr.nc")])
    chosen = default_inputs(dataset, "cdr_seaice_conc", predictors=["stdev_of_cdr_seaice_conc"])
    assert chosen.predictors == ("stdev_of_cdr_seaice_conc",)


_SEA_ICE = _variable("cdr_seaice_conc", long_name="Sea Ice Concentration")


@pytest.mark.parametrize(("variable", "reason"), [
    pytest.param(_variable("stdev_of_cdr_seaice_conc"), "its name, the standard deviation of cdr_seaice_conc",
                 id="nsidc-v4"),
    pytest.param(_variable("cdr_seaice_conc_stdev"), "its name, the standard deviation of cdr_seaice_conc",
                 id="nsidc-v5"),
    pytest.param(_variable("CDR_SEAICE_CONC_UNCERTAINTY"), "its name, the uncertainty of cdr_seaice_conc",
                 id="upper-case"),
    pytest.param(_variable("cdr_seaice_conc_error"), "its name, the error of cdr_seaice_conc", id="error"),
    pytest.param(_variable("qa_of_cdr_seaice_conc"), "its name, the quality flags of cdr_seaice_conc", id="qa"),
    pytest.param(_variable("sd", long_name="Standard deviation of the sea ice concentration"),
                 "its long_name 'Standard deviation of the sea ice concentration'", id="long-name"),
    pytest.param(_variable("stdev_of_sst"), None, id="another-variables-stdev"),
    pytest.param(_variable("cdr_seaice_conc_std"), None, id="std-may-be-variability"),
    pytest.param(_variable("orog_sd", long_name="Standard deviation of orography"), None, id="subgrid-orography"),
    pytest.param(_variable("melt_onset_day_cdr_seaice_conc", long_name="Day of Snow Melt Onset Over Sea Ice"), None,
                 id="melt-onset"),
])
def test_the_uncertainty_of_the_target_is_known_by_its_name_or_long_name(variable, reason):
    assert ancillary_reason(variable, _SEA_ICE) == reason


_TAS = _variable("tas", long_name="Near-Surface Air Temperature", standard_name="air_temperature")


@pytest.mark.parametrize(("variable", "reason"), [
    # the day-to-day variability within each month: a quantity of its own (verify22a F2)
    pytest.param(_variable("tas_sd", long_name="Standard deviation of Near-Surface Air Temperature",
                           standard_name="air_temperature",
                           cell_methods="time: mean within days time: standard_deviation over days"),
                 None, id="within-month-sd"),
    pytest.param(_variable("tas_sd", long_name="Standard deviation of tas", cell_methods="time: variance"),
                 None, id="variance"),
    pytest.param(_variable("tas_sd", long_name="Standard deviation of Near-Surface Air Temperature",
                           cell_methods="time: mean"),
                 "its long_name 'Standard deviation of Near-Surface Air Temperature'", id="of-the-mean"),
    pytest.param(_variable("tas_sd", long_name="Standard deviation of Near-Surface Air Temperature"),
                 "its long_name 'Standard deviation of Near-Surface Air Temperature'", id="no-cell-methods"),
    # the name rule holds whatever the cell_methods (NSIDC's CDR: a spatial standard deviation)
    pytest.param(_variable("stdev_of_tas", long_name="Standard deviation of Near-Surface Air Temperature",
                           cell_methods="area: standard_deviation"),
                 "its name, the standard deviation of tas", id="nsidc-style-name"),
])
def test_a_standard_deviation_of_the_values_over_time_is_no_error_estimate(variable, reason):
    """A long_name "Standard deviation of <target>" is an error estimate unless its
    cell_methods says it is the spread of the values over an axis (CF 7.3)."""
    assert ancillary_reason(variable, _TAS) == reason


def test_the_within_month_standard_deviation_stays_a_default_predictor():
    """tas with tas_sd, the standard deviation of the daily values in each month: proposed."""
    dataset = grid_dataset()
    dataset["tas"].attrs.update(long_name="Near-Surface Air Temperature", standard_name="air_temperature")
    dataset["tas_sd"] = dataset["pred"].assign_attrs(
        long_name="Standard deviation of Near-Surface Air Temperature", units="K",
        cell_methods="time: mean within days time: standard_deviation over days")
    assert "tas_sd" in default_inputs(dataset, "tas").predictors


_PRECIPITATION = _variable("precipitation", LongName="Merged satellite-gauge precipitation estimate")


@pytest.mark.parametrize(("variable", "reason"), [
    pytest.param(_variable("randomError", LongName="Random error for merged satellite-gauge precipitation"),
                 "its LongName 'Random error for merged satellite-gauge precipitation'", id="imerg-random-error"),
    pytest.param(_variable("re", long_name="Random error for merged satellite-gauge precipitation"),
                 "its long_name 'Random error for merged satellite-gauge precipitation'", id="long_name"),
    pytest.param(_variable("randomError"), "its name 'randomError'", id="camel-case-name"),
    pytest.param(_variable("random_error"), "its name 'random_error'", id="snake-case-name"),
    pytest.param(_variable("precipitationQualityIndex"), "its name 'precipitationQualityIndex'", id="quality-index"),
    pytest.param(_variable("qi", LongName="Quality Index for precipitation field"),
                 "its LongName 'Quality Index for precipitation field'", id="quality-index-long-name"),
    pytest.param(_variable("gaugeRelativeWeighting"), "its name 'gaugeRelativeWeighting'", id="gauge-weighting"),
    pytest.param(_variable("w", long_name="Relative weighting of gauge precipitation"),
                 "its long_name 'Relative weighting of gauge precipitation'", id="gauge-weighting-long-name"),
    pytest.param(_variable("e", description="Error estimate of the monthly precipitation"),
                 "its description 'Error estimate of the monthly precipitation'", id="error-estimate"),
    pytest.param(_variable("e", long_name="Estimated error of precipitation"),
                 "its long_name 'Estimated error of precipitation'", id="estimated-error"),
    # TRMM 3B43's relativeError, in mm/hr, named so also as its long_name (break39a F4)
    pytest.param(_variable("relativeError", long_name="relativeError", units="mm/hr"), "its name 'relativeError'",
                 id="trmm-relative-error"),
    pytest.param(_variable("e", long_name="Relative error of the precipitation estimate"),
                 "its long_name 'Relative error of the precipitation estimate'", id="relative-error-long-name"),
    # physical variables stay
    pytest.param(_variable("probabilityLiquidPrecipitation", LongName="Probability of liquid precipitation phase"),
                 None, id="liquid-phase"),
    pytest.param(_variable("aqi", long_name="Air Quality Index"), None, id="air-quality-index"),
    pytest.param(_variable("waterQualityIndex"), None, id="water-quality-index-name"),
    pytest.param(_variable("HQprecipitation", LongName="Microwave-only precipitation estimate"), None,
                 id="microwave-estimate"),
])
def test_imerg_error_estimates_and_gauge_weights_are_known_as_products_spell_them(variable, reason):
    """IMERG's randomError was proposed as a predictor of precipitation, and carried it (break29a A1)."""
    assert ancillary_reason(variable, _PRECIPITATION) == reason


@pytest.mark.parametrize("long_name_key", [pytest.param("LongName", id="imerg-hdf5-LongName"),
                                           pytest.param("long_name", id="cf-long_name")])
def test_info_on_an_extracted_imerg_group_proposes_only_the_liquid_probability(tmp_path, long_name_key):
    """info proposed randomError, IMERG's error estimate computed from the precipitation rate,
    as a predictor of precipitation (break29a A1: test skill 0.71 with it, −0.15 without)."""
    from tests.grid_files import write_imerg_monthly

    path = write_imerg_monthly(tmp_path / "3B-MO.MS.MRG.3IMERG.V07B_Grid.nc", long_name_key=long_name_key)
    report = unwrapped_report(describe(str(path)))
    assert 'predictors = ["probabilityLiquidPrecipitation"]' in report
    assert (f"# left out of the default predictors: randomError (its {long_name_key} 'Random error for merged "
            f"satellite-gauge precipitation'), gaugeRelativeWeighting (its {long_name_key} 'Weighting of gauge "
            f"precipitation relative to the multi-satellite precipitation'), precipitationQualityIndex (its "
            f"{long_name_key} 'Quality Index for precipitation field'): data about how well precipitation's values "
            "are known") in report


@pytest.mark.parametrize(("variable", "reason"), [
    pytest.param(_variable("fco2_count_nobs", long_name="Number of fco2 obs", units="count"),
                 "its long_name 'Number of fco2 obs'", id="socat-observations"),
    pytest.param(_variable("count_ncruise", long_name="Number of cruises", units="count"),
                 "its long_name 'Number of cruises'", id="socat-cruises"),
    pytest.param(_variable("nprof", long_name="number of valid Argo profiles in the cell"),
                 "its long_name 'number of valid Argo profiles in the cell'", id="profiles-words-between"),
    pytest.param(_variable("count_ncruise", units="count"),
                 "its name 'count_ncruise', a count of observations (units 'count')", id="count-prefix-no-long-name"),
    pytest.param(_variable("sst_nobs", units="count"), "its name 'sst_nobs', a count of observations (units 'count')",
                 id="icoads-nobs"),
    pytest.param(_variable("n_obs", units="1"), "its name 'n_obs', a count of observations (units '1')",
                 id="n_obs"),
    pytest.param(_variable("sst_count_obs"), "its name 'sst_count_obs', a count of observations (no units)",
                 id="count-infix-no-units"),
    pytest.param(_variable("count_flashes", long_name="Lightning flash count", units="count"), None,
                 id="a-count-of-something-else"),
    pytest.param(_variable("lightning_count", units="count"), None, id="count-suffix"),
    # TRMM 3B42's counts: "3-hourly" is two words, five stand between "count of" and "observations";
    # in units of a count the words between are not limited (break39a F4)
    pytest.param(_variable("precipitation_cnt", long_name="Count of all valid 3-hourly precipitation observations",
                           units="count"),
                 "its long_name 'Count of all valid 3-hourly precipitation observations'", id="trmm-count"),
    pytest.param(_variable("HQprecipitation_cnt", units="1",
                           long_name="Count of all valid 3-hourly HQ precipitation observations"),
                 "its long_name 'Count of all valid 3-hourly HQ precipitation observations'", id="trmm-hq-count-1"),
    pytest.param(_variable("x", long_name="Count of all valid 3-hourly precipitation observations", units="mm"), None,
                 id="many-words-in-units-of-no-count"),
    pytest.param(_variable("count_ncruise", units="m"), None, id="not-in-units-of-a-count"),
    pytest.param(_variable("nobs_temperature", units="K"), None, id="nobs-in-kelvin"),
    pytest.param(_variable("cdnc", long_name="Number of cloud droplets per unit volume", units="m-3"), None,
                 id="physical-number"),
])
def test_counts_of_observations_are_known_by_long_name_or_name_and_units(variable, reason):
    """SOCAT's fco2_count_nobs and count_ncruise were default predictors of fco2_ave_weighted (break36a A2): a count
    of the cruises or observations behind each value is the data's sampling (CF 3.4 ancillary data)."""
    assert ancillary_reason(variable, _variable("fco2_ave_weighted", units="uatm")) == reason


@pytest.mark.parametrize(("variable", "reason"), [
    pytest.param(_variable("count_ncruise", long_name="Number of cruises", units="count"),
                 "its long_name 'Number of cruises'", id="socat-cruises"),
    pytest.param(_variable("sst_nobs", units="count"), "its name 'sst_nobs', a count of observations (units 'count')",
                 id="icoads-nobs"),
    pytest.param(_variable("randomError"), "its name 'randomError'", id="imerg-error"),
    pytest.param(_variable("stdev_of_cdr_seaice_conc"), None, id="needs-the-target"),
    pytest.param(_variable("fco2_ave_weighted", long_name="fCO2 mean - per cruise weighted", units="uatm"), None,
                 id="socat-mean"),
])
def test_ancillary_data_in_themselves_are_known_without_a_target(variable, reason):
    from climann.data.ancillary import ancillary_in_itself

    assert ancillary_in_itself(variable) == reason


_LAI = _variable("Lai_500m", long_name="MODIS Gridded 500M 8-day Composite one-sided Leaf Area Index LAI",
                 units="m^2/m^2")


@pytest.mark.parametrize(("variable", "reason"), [
    pytest.param(_variable("LaiStdDev_500m", long_name="MODIS Gridded 500M 8-day Composite LAI standard deviation",
                           units="m^2/m^2"), "its name, the standard deviation of Lai_500m", id="mod15-lai-stddev"),
    pytest.param(_variable("FparLai_QC", long_name="Quality for FPAR and LAI", units="bit field"),
                 "its long_name 'Quality for FPAR and LAI'", id="mod15-qc"),
    pytest.param(_variable("qc_bits", units="bit field"), "its units 'bit field', a quality bit field",
                 id="bit-field-units"),
    pytest.param(_variable("FparExtra_QC"), "its name 'FparExtra_QC', quality flags", id="qc-in-the-name"),
    pytest.param(_variable("_250m_16_days_pixel_reliability", long_name="Quality reliability of VI pixel",
                           units="rank"), "its long_name 'Quality reliability of VI pixel'", id="mod13-reliability"),
    pytest.param(_variable("_250m_16_days_VI_Quality", long_name="250m 16 days VI Quality", units="bit field"),
                 "its long_name '250m 16 days VI Quality'", id="mod13-vi-quality"),
    pytest.param(_variable("LaiStdDev_500m", cell_methods="time: standard_deviation"), None,
                 id="spread-over-time-is-a-quantity"),
    pytest.param(_variable("Qair", long_name="Specific humidity", units="kg kg-1"), None, id="qa-inside-a-word"),
    # break47c A6: GESLA-3's use_flag (1 use, 0 do not) beside its qc_flag, the same kind
    pytest.param(_variable("use_flag"), "its name 'use_flag', whether each value is to be used", id="gesla-use-flag"),
    pytest.param(_variable("qc_flag"), "its name 'qc_flag'", id="gesla-qc-flag"),
    pytest.param(_variable("land_use_fraction", units="1"), None, id="land-use-is-no-use-flag"),
    pytest.param(_variable("user_flagged_count"), None, id="user-is-no-use"),
    pytest.param(_variable("aqua_sst", units="K"), None, id="aqua"),
    pytest.param(_variable("Fpar_500m", long_name="MODIS Gridded 500M FPAR (8-day composite)", units="Percent"), None,
                 id="mod15-fpar"),
])
def test_retrieval_uncertainty_and_quality_layers_are_ancillary(variable, reason):
    """break38b B4: MOD15's LaiStdDev_500m and FparLai_QC ("bit field") and MOD13's pixel_reliability ("rank")
    were default predictors of LAI and NDVI: the rule saw no "error", qa_flag or CF modifier in them."""
    assert ancillary_reason(variable, _LAI) == reason


@pytest.mark.parametrize("target, kept", [pytest.param("Lai_500m", ("Fpar_500m",), id="target-lai"),
                                          pytest.param("Fpar_500m", ("Lai_500m",), id="target-fpar")])
def test_mod15_proposes_no_standard_deviation_or_quality_layer_with_a_note(target, kept):
    """The MOD15A2H layers as AppEEARS writes them: only the other retrieved quantity is a default predictor; the
    note names each layer left out and why (LaiStdDev_500m is Lai_500m's spread also beside the target Fpar_500m)."""
    dataset = grid_dataset()
    layers = {"Lai_500m": dict(_LAI.attrs),
              "Fpar_500m": {"long_name": "MODIS Gridded 500M FPAR (8-day composite)", "units": "Percent"},
              "LaiStdDev_500m": {"long_name": "MODIS Gridded 500M 8-day Composite LAI standard deviation",
                                 "units": "m^2/m^2"},
              "FparLai_QC": {"long_name": "Quality for FPAR and LAI", "units": "bit field"}}
    dataset = _uniform_layers(dataset, layers)
    chosen = default_inputs(dataset, target)
    assert chosen.predictors == kept
    (note,) = [note for note in chosen.notes(target) if note.startswith("left out of the default predictors")]
    assert "LaiStdDev_500m (its name, the standard deviation of Lai_500m)" in note
    assert "FparLai_QC (its long_name 'Quality for FPAR and LAI')" in note
    # fix38i: the note said "how well Fpar_500m's values are known" of Lai_500m's standard deviation
    # (LaiStdDev_500m describes Lai_500m; FparLai_QC, of both, is counted the target's)
    whose = "the values of Lai_500m and Fpar_500m" if target == "Fpar_500m" else "Lai_500m's values"
    assert f"data about how well {whose} are known" in note


def test_gesla_proposes_neither_of_its_flags_as_a_predictor():
    """break47c A6: GESLA-3 converted with pandas (sea_level, qc_flag, use_flag) proposed use_flag, GESLA's
    decision to use each value (0 at its kept spikes), as the default predictor while qc_flag was left out."""
    dataset = grid_dataset()
    rng = np.random.default_rng(1)
    shape, dims, coords = dataset["tas"].shape, dataset["tas"].dims, dataset["tas"].coords
    dataset = dataset[[]].assign(
        sea_level=xr.DataArray(rng.normal(1.5, 0.3, shape), dims=dims, coords=coords, attrs={"units": "m"}),
        qc_flag=xr.DataArray(rng.choice([1, 4], shape), dims=dims, coords=coords),
        use_flag=xr.DataArray(rng.choice([0, 1], shape), dims=dims, coords=coords),
        msl=xr.DataArray(rng.normal(1010, 5, shape), dims=dims, coords=coords, attrs={"units": "hPa"}))
    chosen = default_inputs(dataset, "sea_level")
    assert chosen.predictors == ("msl",)
    (note,) = [note for note in chosen.notes("sea_level") if note.startswith("left out of the default predictors")]
    assert "use_flag (its name 'use_flag', whether each value is to be used)" in note


@pytest.mark.parametrize("variable, reason", [
    pytest.param(_variable("_250m_16_days_composite_day_of_the_year", long_name="Day of year VI pixel",
                           units="Julian day of year"),
                 "its name '_250m_16_days_composite_day_of_the_year', the day or time each value was observed",
                 id="mod13-composite-day"),
    pytest.param(_variable("DOY", long_name="Day of year VI pixel", units="Julian day of year"),
                 "its long_name 'Day of year VI pixel', the day or time each value was observed",
                 id="mod13-long-name-alone"),
    pytest.param(_variable("Day_view_time", long_name="Local time of day observation", units="hrs"),
                 "its name 'Day_view_time', the day or time each value was observed", id="mod11-view-time"),
    pytest.param(_variable("sst_dtime", long_name="time difference from reference time", units="second"),
                 "its long_name 'time difference from reference time', the day or time each value was observed",
                 id="ghrsst-dtime"),
    pytest.param(_variable("Greenup", long_name="Onset_Greenness_Increase", units="days since 1970-01-01"), None,
                 id="phenology-day-is-a-quantity"),
    pytest.param(_variable("BurnDate", long_name="Burn Date", units="Julian day of year"), None,
                 id="burn-date-is-a-quantity"),
    # SMOS L3 (CATDS): each pixel's date and second of the day (break50a A4), as the file writes them and as
    # climann reads the date (a day of year)
    pytest.param(_variable("Days", long_name="Days since 2000-01-01", units="days since 2000-01-01 00:00:00"),
                 "its name 'Days' and long_name 'Days since 2000-01-01' in units of time ('days since 2000-01-01 "
                 "00:00:00'), the date or time each value was observed", id="smos-days"),
    pytest.param(_variable("Days", long_name="Days since 2000-01-01, day of year", units="days"),
                 "its name 'Days' and long_name 'Days since 2000-01-01, day of year' in units of time ('days'), the "
                 "date or time each value was observed", id="smos-days-read-as-day-of-year"),
    pytest.param(_variable("UTC_Seconds", long_name="Seconds of the day", units="s"),
                 "its name 'UTC_Seconds' and long_name 'Seconds of the day' in units of time ('s'), the date or time "
                 "each value was observed", id="smos-utc-seconds"),
    # AVHRR land CDR v5 (AVH13C1): the hour of NOAA-19's drifting overpass at each pixel, its name the words run
    # together (break51b A3: a default predictor of NDVI)
    pytest.param(_variable("TIMEOFDAY", long_name="Time since start of day", units="h"),
                 "its name 'TIMEOFDAY' and long_name 'Time since start of day' in units of time ('h'), the date or "
                 "time each value was observed", id="avhrr-timeofday"),
    pytest.param(_variable("DAYLENGTH", long_name="Length of day", units="h"), None, id="day-length-is-a-quantity"),
    pytest.param(_variable("season_time", long_name="Time since start of season", units="days"), None,
                 id="time-into-a-season-is-a-quantity"),
    pytest.param(_variable("obs_time", standard_name="time", units="hours since 1990-01-01"),
                 "its standard_name 'time' in units of time ('hours since 1990-01-01'), the date or time each value "
                 "was observed", id="standard-name-time"),
    pytest.param(_variable("Days", long_name="Days since 2000-01-01"), None, id="no-units-of-time-no-stamp"),
    pytest.param(_variable("sunshine_duration", long_name="Sunshine duration of the day", units="s"), None,
                 id="a-duration-is-a-quantity"),
    pytest.param(_variable("frost_days", long_name="Number of frost days", units="days"), None,
                 id="a-count-of-days-is-a-quantity"),
])
def test_the_day_or_time_of_each_observation_is_ancillary(variable, reason):
    """rerun38 N7: MOD13's composite day of the year (the day within its 16 days each pixel was taken) was a
    default predictor of NDVI; it says when the value was observed, not what drives it. A day of year that is the
    quantity itself (green-up, burn date) is kept."""
    assert ancillary_reason(variable, _LAI) == reason


def test_mod13_proposes_no_composite_day_or_quality_layer_with_a_note():
    """The MOD13Q1 layers as AppEEARS writes them (rerun38 N7): EVI alone is a default predictor of NDVI; the note
    names the composite day and the pixel reliability, and says why."""
    dataset = grid_dataset()
    layers = {"_250m_16_days_NDVI": {"long_name": "250m 16 days NDVI", "units": "NDVI"},
              "_250m_16_days_EVI": {"long_name": "250m 16 days EVI", "units": "EVI"},
              "_250m_16_days_composite_day_of_the_year": {"long_name": "Day of year VI pixel",
                                                          "units": "Julian day of year"},
              "_250m_16_days_pixel_reliability": {"long_name": "Quality reliability of VI pixel", "units": "rank"}}
    dataset = _uniform_layers(dataset, layers)
    chosen = default_inputs(dataset, "_250m_16_days_NDVI")
    assert chosen.predictors == ("_250m_16_days_EVI",)
    (note,) = [note for note in chosen.notes("_250m_16_days_NDVI")
               if note.startswith("left out of the default predictors")]
    assert ("_250m_16_days_composite_day_of_the_year (its name '_250m_16_days_composite_day_of_the_year', the day "
            "or time each value was observed)") in note
    assert "the day or time each value was observed), not what drives them" in note


def test_smos_l3_proposes_neither_its_dqx_fit_rfi_nor_observation_times():
    """break50a A4: CATDS SMOS L3 soil moisture beside its DQX (the retrieval's standard error), Chi_2 (the fit of
    the retrieval), RFI_Prob, and each pixel's Days and UTC_Seconds: the vegetation optical thickness alone is a
    default predictor, the others are named in the note with their reasons."""
    dataset = grid_dataset()
    layers = {"Soil_Moisture": {"long_name": "Retrieved soil moisture value", "units": "m3/m3"},
              "Soil_Moisture_Dqx": {"long_name": "Soil moisture DQX", "units": "m3/m3"},
              "Optical_Thickness_Nad": {"long_name": "Optical thickness at nadir", "units": "1"},
              "Chi_2": {"long_name": "Chi2 value of the retrieval"},
              "RFI_Prob": {"long_name": "Probability of RFI"},
              "Days": {"long_name": "Days since 2000-01-01", "units": "days since 2000-01-01 00:00:00"},
              "UTC_Seconds": {"long_name": "Seconds of the day", "units": "s"}}
    dataset = _uniform_layers(dataset, layers)
    chosen = default_inputs(dataset, "Soil_Moisture")
    assert chosen.predictors == ("Optical_Thickness_Nad",)
    (note,) = [note for note in chosen.notes("Soil_Moisture") if note.startswith("left out of the default predictors")]
    for name in ("Soil_Moisture_Dqx (its long_name 'Soil moisture DQX')", "Chi_2 (its name 'Chi_2')",
                 "RFI_Prob (its name 'RFI_Prob')", "Days (its name 'Days' and long_name",
                 "UTC_Seconds (its name 'UTC_Seconds' and long_name 'Seconds of the day'"):
        assert name in note


@pytest.mark.parametrize(("name", "units", "reason"), [
    pytest.param("precipitation_cnt", "count", "its name, the count of observations of precipitation",
                 id="target-cnt"),
    pytest.param("precipitationCount", "1", "its name, the count of observations of precipitation",
                 id="target-camel-count"),
    pytest.param("HQprecipitation_cnt", "count", "its name, the count of observations of HQprecipitation",
                 id="other-variable-cnt"),
    pytest.param("HQprecipitation_count", "", "its name, the count of observations of HQprecipitation",
                 id="other-variable-count-no-units"),
    pytest.param("HQprecipitation_cnt", "mm", None, id="not-in-units-of-a-count"),
    pytest.param("lightning_count", "count", None, id="no-variable-lightning"),
])
def test_a_count_named_after_a_variable_counts_its_observations(name, units, reason):
    """TRMM 3B42's precipitation_cnt and HQprecipitation_cnt (units "count") were default predictors of
    precipitation (break39a F4): a variable's name with _cnt, _count or _nobs after it, in units of a
    count, is the count of that variable's observations, whatever its long_name (here none)."""
    from climann.data.ancillary import ancillary_relations

    dataset = grid_dataset()
    dims = dataset["tas"].dims
    dataset = xr.Dataset({"precipitation": dataset["tas"].assign_attrs(units="mm"),
                          "HQprecipitation": dataset["pred"].assign_attrs(units="mm"),
                          name: (dims, np.ones(dataset["tas"].shape, "i2"), {"units": units} if units else {})},
                         coords=dataset.coords)
    assert ancillary_relations(dataset, "precipitation", [name]) == ({name: reason} if reason else {})


@pytest.mark.parametrize(("writer", "left_out"), [
    pytest.param("write_trmm_3b42_daily",
                 "precipitation_cnt (its long_name 'Count of all valid 3-hourly precipitation observations'), "
                 "IRprecipitation_cnt (its long_name 'Count of all valid 3-hourly IR precipitation observations'), "
                 "HQprecipitation_cnt (its long_name 'Count of all valid 3-hourly HQ precipitation observations'), "
                 "randomError (its long_name 'Daily accumulated random error estimate for combined microwave-IR'), "
                 "randomError_cnt (its long_name 'Count of valid 3-hourly random error estimates'): ",
                 id="3B42-daily-counts"),
    pytest.param("write_trmm_3b43", "relativeError (its name 'relativeError'): ", id="3B43-relative-error"),
])
def test_info_on_trmm_proposes_no_observation_count_or_error(tmp_path, writer, left_out):
    """info proposed precipitation_cnt, HQprecipitation and HQprecipitation_cnt as the predictors of
    TRMM 3B42's precipitation, and relativeError (mm/hr) of 3B43's (break39a F4)."""
    import tests.grid_files

    path = getattr(tests.grid_files, writer)(tmp_path / "trmm.nc")
    report = unwrapped_report(describe(str(path)))
    assert 'target = "precipitation"\npredictors = []' in report
    assert f"# left out of the default predictors: {left_out}data about how well precipitation's values" in report


@pytest.mark.parametrize(("variable", "reason"), [
    pytest.param(_variable("number_of_patches", long_name="number of burn patches", units="1"),
                 "its long_name 'number of burn patches', a count of burned_area's own events", id="fire-cci-patches"),
    pytest.param(_variable("fire_count", long_name="number of active fires", units="1"), None,
                 id="another-detection"),
    pytest.param(_variable("burn_days", long_name="number of burn days", units="days"), None, id="not-count-units"),
    pytest.param(_variable("fraction_of_burnable_area", long_name="fraction of burnable area", units="1"), None,
                 id="a-fraction"),
])
def test_a_count_of_the_targets_own_events_is_ancillary(variable, reason):
    target = _variable("burned_area", long_name="total burned_area", standard_name="burned_area", units="m2")
    assert ancillary_reason(variable, target) == reason


def test_fire_cci_proposes_no_count_of_burn_patches(tmp_path):
    """ESA Fire CCI's monthly grid (break39b B8): number_of_patches, the count of the burned patches that make
    burned_area, was a default predictor of it (test skill 0.92); the fractions of burnable and observed area stay."""
    from climann.data.open import open_dataset

    dataset = grid_dataset()
    rng = np.random.default_rng(5)
    fraction = rng.uniform(0, 0.02, dataset["tas"].shape)
    layers = {"burned_area": (fraction * 7.7e8, {"units": "m2", "long_name": "total burned_area",
                                                  "standard_name": "burned_area", "cell_methods": "time: sum"}),
              "standard_error": (fraction * 7.7e7 + 1e6, {"units": "m2",
                                                          "long_name": "standard error of the estimation of burned area"}),
              "fraction_of_burnable_area": (rng.uniform(0, 1, fraction.shape), {"units": "1",
                                                                                "long_name": "fraction of burnable area"}),
              "fraction_of_observed_area": (rng.uniform(0, 1, fraction.shape), {"units": "1",
                                                                                "long_name": "fraction of observed area"}),
              "number_of_patches": (np.round(fraction * 300), {"units": "1", "long_name": "number of burn patches"})}
    written = dataset[[]].assign({name: xr.DataArray(values.astype("f4"), dims=dataset["tas"].dims,
                                                    coords=dataset["tas"].coords, attrs=attrs)
                                  for name, (values, attrs) in layers.items()})
    written.to_netcdf(tmp_path / "fire_cci.nc")
    chosen = default_inputs(open_dataset([tmp_path / "fire_cci.nc"]), "burned_area")
    assert chosen.predictors == ("fraction_of_burnable_area", "fraction_of_observed_area")
    (note,) = [note for note in chosen.notes("burned_area") if note.startswith("left out of the default predictors")]
    assert "number_of_patches (its long_name 'number of burn patches', a count of burned_area's own events)" in note


# --- EN4's observation weights, PSMSL's flag for attention and missing days (break44a A4, A5) -------------------
@pytest.mark.parametrize(("variable", "reason"), [
    pytest.param(_variable("temperature_observation_weights", long_name="temperature_observation_weights", units=""),
                 "its long_name 'temperature_observation_weights'", id="en4-weights"),
    pytest.param(_variable("temperature_observation_weights"), "its name 'temperature_observation_weights'",
                 id="en4-weights-without-long-name"),
    pytest.param(_variable("interpolated_flag", long_name="flag for attention: interpolated months",
                           flag_values=np.array([0, 1], "i1"), flag_meanings="ok interpolated"),
                 "its long_name 'flag for attention: interpolated months'", id="psmsl-flag"),
    pytest.param(_variable("flag", flag_values=np.array([0, 1], "i1"), flag_meanings="ok interpolated"),
                 "its flag_meanings 'ok interpolated', quality flags", id="flag-meanings-alone"),
    pytest.param(_variable("missing_days", long_name="number of missing days", units="1"),
                 "its long_name 'number of missing days'", id="psmsl-missing-days"),
    pytest.param(_variable("TEMP_QC_FLAG", flag_values=np.arange(10, dtype="i1"),
                           flag_meanings="no_qc_performed good_data probably_good_data "
                                         "bad_data_that_are_potentially_correctable bad_data value_changed not_used "
                                         "nominal_value interpolated_value missing_value"),
                 "its flag_meanings 'no_qc_performed good_data probably_good_data "
                 "bad_data_that_are_potentially_correctable bad_data value_changed not_used nominal_value "
                 "interpolated_value missing_value', quality flags", id="argo-qc-meanings"),
    pytest.param(_variable("landcover", flag_values=np.array([1, 2], "i1"), flag_meanings="cropland tree_cover"),
                 None, id="class-map-kept"),
    pytest.param(_variable("wet", long_name="number of wet days", units="days"), None, id="cru-wet-days-kept"),
    pytest.param(_variable("frost_days", long_name="number of frost days", units="1"), None, id="frost-days-kept"),
    pytest.param(_variable("sst_weight", long_name="sea surface temperature weight", units="1"), None,
                 id="other-weight-kept"),
])
def test_observation_weights_quality_flags_and_missing_day_counts_are_ancillary(variable, reason):
    target = _variable("sea_level", long_name="monthly mean sea level", units="mm")
    assert ancillary_reason(variable, target) == reason


def test_en4_and_psmsl_propose_no_weights_flags_or_missing_day_counts():
    """EN4: the default predictors of temperature were salinity and both observation weights, while the
    uncertainties were left out; PSMSL as NetCDF: the flag and the missing days were the predictors of sea level.
    Each weight is said to describe the variable it is named after."""
    from climann.data.ancillary import ancillary_relations

    dataset = grid_dataset()[["tas", "pred"]].rename(tas="temperature", pred="salinity")
    for name in ("temperature", "salinity"):
        for kind in ("uncertainty", "observation_weights"):
            dataset[f"{name}_{kind}"] = dataset[name].assign_attrs(long_name=f"{name}_{kind}", units="")
    chosen = default_inputs(dataset, "temperature")
    assert chosen.predictors == ("salinity",)
    relations = ancillary_relations(dataset, "temperature", [n for n in dataset.data_vars if n != "temperature"])
    assert relations["temperature_observation_weights"] == "its long_name 'temperature_observation_weights'"
    assert relations["salinity_observation_weights"] == "its name, the observation weights of salinity"
    assert relations["salinity_uncertainty"] == "its name, the uncertainty of salinity"
    gauge = grid_dataset()[["tas"]].rename(tas="sea_level")
    gauge["interpolated_flag"] = (gauge["sea_level"] * 0).astype("i1").assign_attrs(
        long_name="flag for attention: interpolated months", flag_values=np.array([0, 1], "i1"),
        flag_meanings="ok interpolated")
    gauge["missing_days"] = (gauge["sea_level"] * 0).astype("i1").assign_attrs(long_name="number of missing days",
                                                                            units="1")
    chosen = default_inputs(gauge, "sea_level")
    assert chosen.predictors == ()
    (note,) = [note for note in chosen.notes("sea_level") if note.startswith("left out of the default predictors")]
    assert note.startswith("left out of the default predictors: interpolated_flag (its long_name 'flag for attention: "
                           "interpolated months'), missing_days (its long_name 'number of missing days'): data about "
                           "how well sea_level's values are known")


def _harp_binned(path, *, conventions: str = "HARP-1.0", weight_units: str = ""):
    """A HARP L3 grid (harpmerge bin_spatial): the NO2 column, HARP's per-cell ``weight`` (0 where no
    retrieval fell), and t2m beside them."""
    dataset = grid_dataset()
    rng = np.random.default_rng(51)
    weight = rng.integers(0, 5, dataset["tas"].shape).astype("f4")
    no2 = np.where(weight > 0, rng.gamma(2.0, 2e-5, weight.shape), np.nan).astype("f4")
    xr.Dataset({"tropospheric_NO2_column_number_density": (dataset["tas"].dims, no2, {
                    "long_name": "tropospheric vertical column of NO2", "units": "mol/m^2"}),
                "weight": (dataset["tas"].dims, weight, {"long_name": "weight", "units": weight_units}),
                "t2m": (dataset["tas"].dims, dataset["tas"].values, {"units": "K"})},
               coords=dataset.coords, attrs={"Conventions": conventions}).to_netcdf(path)
    return path


def test_harps_binning_weight_is_no_default_predictor(tmp_path):
    """break51d A3: HARP's weight, how each cell was sampled, was TROPOMI NO2's only default predictor."""
    report = unwrapped_report(describe(str(_harp_binned(tmp_path / "S5P_L3_NO2.nc"))))
    assert 'predictors = ["t2m"]' in report
    assert "# left out of the default predictors: weight (its long_name 'weight' in a file HARP binned" in report


@pytest.mark.parametrize(("conventions", "units"), [
    pytest.param("CF-1.8", "", id="no-HARP-file"),
    pytest.param("HARP-1.0", "kg m-2", id="a-weight-in-units"),
])
def test_a_weight_harp_did_not_bin_is_kept(tmp_path, conventions, units):
    from climann.data.open import open_dataset

    dataset = open_dataset([_harp_binned(tmp_path / "g.nc", conventions=conventions, weight_units=units)])
    assert "weight" in default_inputs(dataset, "tropospheric_NO2_column_number_density").predictors


def _uniform_layers(dataset, layers):
    """``dataset``'s grid and times holding only ``layers`` (name: attributes), each uniform on [0, 1) from one
    seeded generator, in the order given."""
    rng = np.random.default_rng(0)
    return dataset[[]].assign(
        {name: xr.DataArray(rng.uniform(0, 1, dataset["tas"].shape), dims=dataset["tas"].dims,
                            coords=dataset["tas"].coords, attrs=attrs) for name, attrs in layers.items()})


_MOD08_AOD_LONG_NAME = ("Aerosol Optical Depth at 0.55 microns for both Ocean (Average) (Quality flag=1,2,3) and Land "
                        "(corrected) (Quality flag=3): Mean of Daily Mean")


@pytest.mark.parametrize(("variable", "reason"), [
    # break52c A2: MOD08_M3's land-ocean AOD says which retrieval quality levels were averaged into it
    pytest.param(_variable("Aerosol_Optical_Depth_Land_Ocean_Mean_Mean", long_name=_MOD08_AOD_LONG_NAME, units="none"),
                 None, id="mod08-aod-of-quality-levels"),
    # the quality layers themselves stay ancillary: their levels' meanings follow the numbers
    pytest.param(_variable("aod_flag_layer", long_name="Quality flag: 0 = good, 1 = bad"),
                 "its long_name 'Quality flag: 0 = good, 1 = bad'", id="flag-levels-named"),
    pytest.param(_variable("aod_flag_layer", long_name="quality flag = 0 (bad)"),
                 "its long_name 'quality flag = 0 (bad)'", id="flag-level-word"),
    pytest.param(_variable("Quality_Assurance_Ocean", long_name="Quality Assurance flag for ocean retrievals"),
                 "its long_name 'Quality Assurance flag for ocean retrievals'", id="qa-layer"),
])
def test_a_description_of_the_quality_levels_used_is_no_quality_variable(variable, reason):
    """break52c A2: MOD08_M3's AOD itself was left out of the default predictors of MERRA-2's TOTEXTTAU as 'data
    about how well TOTEXTTAU's values are known', its long_name saying which quality flags were averaged."""
    target = _variable("TOTEXTTAU", long_name="Total Aerosol Extinction AOT [550 nm]", units="1")
    assert ancillary_reason(variable, target) == reason


def test_info_proposes_mod08_aod_as_a_predictor_of_merra2_aod(tmp_path):
    dataset = grid_dataset()
    dims = dataset["tas"].dims
    values = np.random.default_rng(3).gamma(2.0, 0.05, dataset["tas"].shape)
    xr.Dataset({"TOTEXTTAU": (dims, values, {"long_name": "Total Aerosol Extinction AOT [550 nm]", "units": "1"}),
                "Aerosol_Optical_Depth_Land_Ocean_Mean_Mean": (dims, 0.9 * values + 0.02,
                                                               {"long_name": _MOD08_AOD_LONG_NAME, "units": "none"})},
               coords=dataset.coords).to_netcdf(tmp_path / "aod.nc")
    report = unwrapped_report(describe(str(tmp_path / "aod.nc")))
    assert 'predictors = ["Aerosol_Optical_Depth_Land_Ocean_Mean_Mean"]' in report
    assert "how well" not in report
