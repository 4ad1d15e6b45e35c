"""Other estimates of the target's own quantity at the same time steps (the NASA Team and
Bootstrap concentrations beside the NSIDC sea-ice CDR) are no default predictors
(climann/data/same_quantity.py)."""

import numpy as np
import pytest
import xarray as xr

from climann.data.defaults import default_inputs
from climann.data.info import describe
from climann.data.same_quantity import same_quantity_reason, statistic_reason
from tests.conftest import grid_dataset, unwrapped_report

ICE = "sea_ice_area_fraction"


def _cdr_like(path=None):
    """The G02202 layout: the CDR concentration, its NASA Team and Bootstrap inputs (the CDR is
    their maximum, cell by cell; same standard_name), and a predictor of another quantity."""
    dataset = grid_dataset()
    rng = np.random.default_rng(3)
    team = rng.uniform(0, 1, dataset["tas"].shape).astype("f4")
    bootstrap = np.clip(team + rng.uniform(-0.05, 0.05, team.shape), 0, 1).astype("f4")
    dims = dataset["tas"].dims
    cdr = xr.Dataset({
        "cdr_seaice_conc": (dims, np.maximum(team, bootstrap), {"standard_name": ICE, "units": "1"}),
        "nsidc_nt_seaice_conc": (dims, team, {"standard_name": ICE, "units": "1"}),
        "nsidc_bt_seaice_conc": (dims, bootstrap, {"standard_name": ICE, "units": "1"}),
        "tas": dataset["tas"],
    }, coords=dataset.coords)
    if path is None:
        return cdr
    cdr.to_netcdf(path)
    return path


def test_info_on_the_cdr_leaves_nasa_team_and_bootstrap_out_with_a_note(tmp_path):
    """info proposed nsidc_nt_seaice_conc and nsidc_bt_seaice_conc as predictors of the CDR (break21c F4)."""
    report = unwrapped_report(describe(str(_cdr_like(tmp_path / "seaice_conc_monthly_nh.nc"))))
    assert 'predictors = ["tas"]' in report
    assert ("# left out of the default predictors: nsidc_nt_seaice_conc, nsidc_bt_seaice_conc (standard_name "
            "'sea_ice_area_fraction', as cdr_seaice_conc's, at the same time steps): other estimates of "
            "cdr_seaice_conc's own quantity") in report


def test_the_other_target_keeps_its_predictors():
    """For tas, the concentrations are another quantity: all three stay predictors, in the file's order."""
    assert default_inputs(_cdr_like(), "tas").predictors == (
        "cdr_seaice_conc", "nsidc_nt_seaice_conc", "nsidc_bt_seaice_conc")


def _variable(name, dims=("time", "x"), coords=None, **attrs):
    return xr.DataArray(np.zeros((2, 3)[:len(dims)]), dims=dims, name=name, attrs=attrs, coords=coords)


_TAS = {"standard_name": "air_temperature", "cell_methods": "time: mean"}


@pytest.mark.parametrize(("variable", "reason"), [
    pytest.param(_variable("raw_ice_conc_values", standard_name=ICE), f"standard_name '{ICE}', as target's",
                 id="osisaf-raw-retrieval"),
    pytest.param(_variable("tas_era5", **_TAS), "standard_name 'air_temperature', as target's", id="reanalysis"),
    pytest.param(_variable("tasmax", standard_name="air_temperature", cell_methods="time: maximum"), None,
                 id="other-cell-methods"),
    pytest.param(_variable("ta500", coords={"plev": 50000.0}, **_TAS), None, id="other-level"),
    pytest.param(_variable("clim", dims=("x",), standard_name=ICE), None, id="static"),
    pytest.param(_variable("sic_sd", standard_name=f"{ICE} standard_error"), None, id="ancillary-modifier"),
])
def test_other_estimates_are_known_narrowly(variable, reason):
    standard_name = str(variable.attrs.get("standard_name", ""))
    attrs = _TAS if standard_name.startswith("air") else {"standard_name": ICE}
    coords = {"plev": 85000.0} if variable.name == "ta500" else None
    assert same_quantity_reason(variable, _variable("target", coords=coords, **attrs), time_dim="time") == reason


def test_an_estimate_named_as_a_predictor_is_used():
    chosen = default_inputs(_cdr_like(), "cdr_seaice_conc", predictors=["nsidc_nt_seaice_conc"])
    assert chosen.predictors == ("nsidc_nt_seaice_conc",)


def test_a_flag_is_no_other_estimate_of_the_quantity_whose_standard_name_it_kept():
    """A 0/1 frozen flag made from tas kept tas's standard_name (xarray keeps attributes through a comparison):
    tas was left out of the flag's default predictors as "another estimate" of it (full suite,
    tests/data/test_flags.py). A flag (flag_values or flag_masks, CF 3.5) is a class, not an estimate."""
    import numpy as np
    import xarray as xr

    from climann.data.same_quantity import same_quantity_reason

    attrs = {"standard_name": "air_temperature", "units": "K"}
    tas = xr.DataArray(np.zeros((3, 2)), dims=("time", "x"), name="tas", attrs=attrs)
    frozen = xr.DataArray(np.zeros((3, 2), "i1"), dims=("time", "x"), name="frozen",
                          attrs={**attrs, "flag_values": np.array([0, 1], "i1"), "flag_meanings": "unfrozen frozen"})
    assert same_quantity_reason(tas, frozen, time_dim="time") is None
    assert same_quantity_reason(frozen, tas, time_dim="time") is None
    assert same_quantity_reason(tas.rename("t2m"), tas, time_dim="time") is not None


def _new_cds_like(path):
    """ERA5 monthly means as the new CDS writes them (cfgrib/ecCodes, since Sept 2024): ``valid_time``
    in seconds since 1970, latitude 90 to -90, and ``standard_name = "unknown"`` on every parameter
    without a CF name (t2m, d2m, skt, u10, tp); only msl has a real one."""
    rng = np.random.default_rng(5)
    times = np.array([f"2010-{month:02d}-01" for month in range(1, 13)], "datetime64[ns]")
    shape = (len(times), 3, 4)
    coords = {"valid_time": ("valid_time", times, {"standard_name": "time"}),
              "latitude": ("latitude", [60.0, 0.0, -60.0], {"units": "degrees_north", "standard_name": "latitude"}),
              "longitude": ("longitude", [0.0, 90.0, 180.0, 270.0],
                            {"units": "degrees_east", "standard_name": "longitude"})}
    dims = ("valid_time", "latitude", "longitude")

    def field(units, offset, standard_name="unknown"):
        return dims, (offset + rng.normal(size=shape)).astype("f4"), {
            "units": units, "standard_name": standard_name, "GRIB_cfName": standard_name, "GRIB_units": units}

    dataset = xr.Dataset({"t2m": field("K", 280), "d2m": field("K", 275), "skt": field("K", 281),
                          "u10": field("m s**-1", 0), "tp": field("m", 0.003),
                          "msl": field("Pa", 101000, "air_pressure_at_mean_sea_level")}, coords=coords)
    dataset.to_netcdf(path)
    return path


@pytest.mark.parametrize("target", [pytest.param("t2m", id="temperature"), pytest.param("tp", id="precipitation")])
def test_standard_name_unknown_is_no_name_of_the_targets_quantity(tmp_path, target):
    """ERA5 from the new CDS: every variable with standard_name "unknown" was taken for another estimate
    of the target's quantity (tp of t2m, t2m of tp) and a default run got predictors ["msl"] (break23a F1)."""
    report = unwrapped_report(describe(str(_new_cds_like(tmp_path / "data_stream-moda_stepType-avgua.nc"))))
    others = [name for name in ("t2m", "d2m", "skt", "u10", "tp", "msl") if name != target]
    assert "other estimates of" not in report
    with xr.open_dataset(tmp_path / "data_stream-moda_stepType-avgua.nc") as dataset:
        assert default_inputs(dataset, target).predictors == tuple(others)
        assert same_quantity_reason(dataset["d2m"], dataset[target], time_dim="valid_time") is None


def _icoads_like(path=None, *, psl=True, long_names=True, units=None):
    """NOAA PSL's ICOADS 2-degree monthly summaries (break33b's mk_icoads.py, smaller): sst (the mean)
    beside its median, standard deviation and count, each with ``statistic`` and the same ``var_desc``,
    no standard_name but the mean's; air and wspd of other quantities. ``psl=False`` drops
    ``statistic``/``var_desc``, ``long_names=False`` the long names: the other rules alone."""
    rng = np.random.default_rng(4)
    months = 48
    times = np.array([f"{1990 + month // 12}-{month % 12 + 1:02d}-01" for month in range(months)], "datetime64[ns]")
    lat, lon = np.arange(-9.0, 10.0, 2.0, dtype="f4"), np.arange(181.0, 196.0, 2.0, dtype="f4")
    season = np.cos(2 * np.pi * (np.arange(months) % 12 - 1) / 12)[:, None, None]
    truth = 28 - 0.12 * np.abs(lat)[None, :, None] + 1.5 * season + rng.normal(0, 0.6, (months, lat.size, lon.size))
    nobs = rng.poisson(3.0, truth.shape).astype("f4")
    has = nobs > 0
    mean = np.where(has, truth + rng.normal(0, 0.3, truth.shape), np.nan)
    dims = ("time", "lat", "lon")

    def put(data, long_name, unit, statistic, standard_name=None):
        attrs = {"units": units.get(long_name, unit) if units else unit}
        if long_names:
            attrs["long_name"] = long_name
        if psl:
            attrs |= {"var_desc": long_name.split(" Monthly")[0], "statistic": statistic,
                      "dataset": "ICOADS 2-degree Enhanced", "parent_stat": "Individual Obs"}
        if standard_name:
            attrs["standard_name"] = standard_name
        return dims, np.where(has, data, np.nan).astype("f4"), attrs

    dataset = xr.Dataset({
        "sst": put(mean, "Sea Surface Temperature Monthly Mean", "degC", "Mean", "sea_surface_temperature"),
        "sst_median": put(mean + rng.normal(0, 0.1, truth.shape), "Sea Surface Temperature Monthly Median",
                          "degC", "Median"),
        "sst_sd": put(0.8 + rng.normal(0, 0.1, truth.shape),
                      "Sea Surface Temperature Monthly Standard Deviation", "degC", "Standard Deviation"),
        "sst_nobs": put(nobs, "Sea Surface Temperature Monthly Number of Observations", "count",
                        "Number of Observations"),
        "air": put(truth - 1 + rng.normal(0, 0.7, truth.shape), "Air Temperature Monthly Mean", "degC", "Mean",
                   "air_temperature"),
        "wspd": put(6 + 2 * season + rng.normal(0, 1, truth.shape), "Scalar Wind Speed Monthly Mean", "m/s", "Mean",
                    "wind_speed"),
    }, coords={"time": ("time", times, {"standard_name": "time"}),
               "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
               "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"})},
        attrs={"Conventions": "COARDS", "title": "ICOADS 2-degree Enhanced monthly summaries"})
    if path is None:
        return dataset
    dataset.to_netcdf(path)
    return path


def test_info_on_icoads_summaries_leaves_the_targets_other_statistics_out(tmp_path):
    """info proposed sst_median, the median of the target's own observations, as a predictor of sst (test skill
    0.946 against 0.185 without it: a copy; break33b B3); the note says why. The standard deviation, how much
    the month's observations vary, is a quantity of its own and stays (as tas_sd does: test_ancillary.py)."""
    report = unwrapped_report(describe(str(_icoads_like(tmp_path / "icoads_2deg_monthly_summaries.nc"))))
    assert 'predictors = ["sst_sd", "air", "wspd"]' in report
    assert ("# left out of the default predictors: sst_median (statistic 'Median' of var_desc 'Sea Surface "
            "Temperature', as sst's 'Mean', at the same time steps): other estimates of sst's own quantity") in report


@pytest.mark.parametrize(("psl", "long_names", "target", "expected"), [
    pytest.param(True, True, "sst", ("sst_sd", "air", "wspd"), id="psl-statistic-and-var_desc"),
    pytest.param(False, True, "sst", ("sst_sd", "air", "wspd"), id="long-names-without-statistic-words"),
    pytest.param(False, False, "sst", ("sst_sd", "air", "wspd"), id="name-plus-statistic-suffix-same-units"),
    pytest.param(True, True, "sst_median", ("sst_sd", "air", "wspd"), id="the-median-as-target"),
])
def test_statistics_of_the_targets_quantity_are_no_default_predictors(psl, long_names, target, expected):
    """Each rule alone finds the median; the standard deviation stays; the count (other units) is left to the
    ancillary reading: by its long name, or without one by its name and units ('sst_nobs' in 'count', break36a A2)."""
    assert default_inputs(_icoads_like(psl=psl, long_names=long_names), target).predictors == expected


def test_other_quantities_and_units_keep_their_place():
    """The rule stays narrow: the same statistics of another quantity (air's Mean is not sst's), a variable
    named as a statistic of the target but in other units, and one whose cell_methods says another statistic
    than the target's (CF), stay predictors; the median goes."""
    dataset = _icoads_like(psl=False, long_names=False)
    dataset["sst_max"] = dataset["sst_median"].assign_attrs(units="K")  # another quantity, as its units say
    dataset["air_median"] = dataset["air"].copy()
    dataset["sst"].attrs["cell_methods"] = "time: mean"
    dataset["sst_min"] = dataset["sst_median"].assign_attrs(cell_methods="time: minimum")
    assert default_inputs(dataset, "sst").predictors == ("sst_sd", "air", "wspd", "sst_max", "air_median", "sst_min")



def _socat_like(path=None):
    """SOCAT's gridded monthly product (break36a's gen_socat.py, smaller): statistics of fCO2 named
    ``<quantity>_<statistic>_<weighting>`` in uatm, two counts of the sampling, and SST and salinity means,
    all missing (-1e34) where no cruise went."""
    rng = np.random.default_rng(7)
    months = 36
    times = np.array([f"{1998 + month // 12}-{month % 12 + 1:02d}-15" for month in range(months)], "datetime64[ns]")
    lat, lon = np.arange(30.5, 40.0, 1.0), np.arange(-59.5, -50.0, 1.0)
    shape = (months, lat.size, lon.size)
    month = (np.arange(months) % 12 + 1)[:, None, None]
    sst = 10 + 0.5 * (60 - lat[None, :, None]) - 6 * np.cos(2 * np.pi * (month - 2) / 12) + rng.normal(0, 0.7, shape)
    fco2 = 340 + 8.8 * (sst - 15) - 15 * np.cos(2 * np.pi * (month - 4) / 12) + rng.normal(0, 8, shape)
    sampled = rng.random(shape) < 0.3
    dims = ("tmnth", "ylat", "xlon")

    def put(data, units, long_name):
        return dims, np.where(sampled, data, np.nan).astype("f4"), {"units": units, "long_name": long_name}

    dataset = xr.Dataset({
        "count_ncruise": put(rng.integers(1, 4, shape), "count", "Number of cruises"),
        "fco2_count_nobs": put(rng.integers(1, 200, shape), "count", "Number of fco2 obs"),
        "fco2_ave_weighted": put(fco2, "uatm", "fCO2 mean - per cruise weighted"),
        "fco2_ave_unwtd": put(fco2 + rng.normal(0, 2, shape), "uatm", "fCO2 mean - unweighted all obs"),
        "fco2_min_unwtd": put(fco2 - np.abs(rng.normal(0, 6, shape)), "uatm", "fCO2 min"),
        "fco2_max_unwtd": put(fco2 + np.abs(rng.normal(0, 6, shape)), "uatm", "fCO2 max"),
        "fco2_std_weighted": put(np.abs(rng.normal(4, 2, shape)), "uatm", "fCO2 std dev - per cruise weighted"),
        "fco2_std_unwtd": put(np.abs(rng.normal(4, 2, shape)), "uatm", "fCO2 std dev - unweighted all obs"),
        "sst_ave_weighted": put(sst, "degrees C", "SST mean - per cruise weighted"),
        "salinity_ave_weighted": put(35 + rng.normal(0, 0.2, shape), "PSU", "Salinity mean - per cruise weighted"),
    }, coords={"tmnth": ("tmnth", times, {"standard_name": "time", "axis": "T"}),
               "ylat": ("ylat", lat, {"units": "degrees_north", "standard_name": "latitude", "axis": "Y"}),
               "xlon": ("xlon", lon, {"units": "degrees_east", "standard_name": "longitude", "axis": "X"})},
        attrs={"title": "SOCATv2023 gridded monthly (subset)", "Conventions": "CF-1.6"})
    if path is None:
        return dataset
    encoding = {name: {"_FillValue": np.float32(-1e34)} for name in dataset.data_vars}
    dataset.to_netcdf(path, encoding=encoding)
    return path


def test_info_on_socat_leaves_the_targets_other_statistics_and_the_counts_out(tmp_path):
    """SOCAT's other means, minimum and maximum of the target's own cruises, and its counts of cruises and
    observations, were default predictors of fco2_ave_weighted (test skill 0.995, against 0.24 with its SST and
    salinity: break36a A2). The spreads stay (a quantity of their own, as sst_sd beside sst), as do SST and
    salinity; each kind left out is named in one note that says how to use it anyway."""
    path = _socat_like(tmp_path / "SOCATv2023_tracks_gridded_monthly.nc")
    with xr.open_dataset(path) as dataset:
        chosen = default_inputs(dataset, "fco2_ave_weighted")
        notes = chosen.notes("fco2_ave_weighted")
        named = default_inputs(dataset, "fco2_ave_weighted", predictors=["fco2_ave_unwtd", "fco2_count_nobs"])
    assert named.predictors == ("fco2_ave_unwtd", "fco2_count_nobs")
    assert chosen.predictors == ("fco2_std_weighted", "fco2_std_unwtd", "sst_ave_weighted", "salinity_ave_weighted")
    assert chosen.ancillary == {"count_ncruise": "its long_name 'Number of cruises'",
                                "fco2_count_nobs": "its long_name 'Number of fco2 obs'"}
    assert ("left out of the default predictors: fco2_ave_unwtd, fco2_min_unwtd, fco2_max_unwtd (named as another "
            "statistic of fco2, fco2_ave_weighted's quantity, in the same units, at the same time steps): other "
            "estimates of fco2_ave_weighted's own quantity") in notes[1]
    assert notes[1].endswith("name them in [data] predictors (--predictors) to use them anyway")
    assert notes[0].startswith("left out of the default predictors: count_ncruise (its long_name 'Number of "
                               "cruises'), fco2_count_nobs (its long_name 'Number of fco2 obs'): data about how well")


def _named(name, units="uatm", **attrs):
    return _variable(name, units=units, **attrs)


@pytest.mark.parametrize(("variable", "target", "reason"), [
    pytest.param(_named("fco2_ave_unwtd"), _named("fco2_ave_weighted"),
                 "named as another statistic of fco2, fco2_ave_weighted's quantity, in the same units",
                 id="other-weighting"),
    pytest.param(_named("fco2_max_unwtd"), _named("fco2_ave_weighted"),
                 "named as another statistic of fco2, fco2_ave_weighted's quantity, in the same units",
                 id="maximum-of-the-mean"),
    pytest.param(_named("fco2_avg"), _named("fco2"), "named as another statistic of fco2, fco2's quantity, in the same "
                 "units", id="avg-beside-the-plain-name"),
    pytest.param(_named("fco2_std_unwtd"), _named("fco2_std_weighted"),
                 "named as another statistic of fco2, fco2_std_weighted's quantity, in the same units",
                 id="two-spreads-of-one-quantity"),
    pytest.param(_named("fco2_std_weighted"), _named("fco2_ave_weighted"), None, id="spread-beside-the-mean"),
    pytest.param(_named("sst_ave_weighted", "uatm"), _named("fco2_ave_weighted"), None, id="another-quantity"),
    pytest.param(_named("fco2_ave_unwtd", "Pa"), _named("fco2_ave_weighted"), None, id="other-units"),
    pytest.param(_named("sst_anomaly", "K"), _named("sst", "K"), None, id="anomaly-is-no-statistic"),
    pytest.param(_named("fco2_weighted"), _named("fco2_ave_weighted"), None, id="weighting-without-statistic"),
])
def test_statistics_named_with_a_weighting_are_known_narrowly(variable, target, reason):
    assert statistic_reason(variable, target, time_dim="time") == reason


def test_info_on_socat_suggests_the_fco2_mean_as_target_not_the_cruise_count(tmp_path):
    """count_ncruise comes first in SOCAT's file, and info suggested it as the target, with the fCO2 statistics as
    its predictors: a count of cruises is data about the fCO2 values (ancillary.ancillary_in_itself), no target."""
    report = unwrapped_report(describe(str(_socat_like(tmp_path / "SOCATv2023_tracks_gridded_monthly.nc"))))
    assert 'target = "fco2_ave_weighted"' in report
    assert 'predictors = ["fco2_std_weighted", "fco2_std_unwtd", "sst_ave_weighted", "salinity_ave_weighted"]' in report


_MEAN = "named as another statistic of fco2, fco2_mean_wtd's quantity, in the same units"
_CO2 = "CO2 in sea water (its partial pressure, fugacity and mole fraction)"


@pytest.mark.parametrize("name", ["fco2_q25", "fco2_p90", "fco2_pct25", "fco2_pctl10", "fco2_perc95",
                                  "fco2_percentile_90", "fco2_quantile_75", "fco2_q25_wtd"])
def test_a_quantile_is_another_statistic_of_the_targets_quantity(name):
    """rerun36 V2: fco2_q25 beside fco2_mean_wtd was a default predictor (test skill 0.988 with SST and
    salinity, against 0.24 without it)."""
    assert statistic_reason(_named(name), _named("fco2_mean_wtd"), time_dim="time") == _MEAN


@pytest.mark.parametrize(("variable", "target", "reason"), [
    pytest.param(_named("sst_pct", long_name="Sea Surface Temperature 25th percentile"),
                 _named("sst", long_name="Sea Surface Temperature mean"),
                 "long_name 'Sea Surface Temperature 25th percentile', sst's 'Sea Surface Temperature mean'",
                 id="25th-percentile"),
    pytest.param(_named("sst_lq", long_name="Sea Surface Temperature lower quartile"),
                 _named("sst", long_name="Sea Surface Temperature"),
                 "long_name 'Sea Surface Temperature lower quartile', sst's 'Sea Surface Temperature'",
                 id="lower-quartile"),
    pytest.param(_named("fco2_iqr"), _named("fco2_stdev"),
                 "named as another statistic of fco2, fco2_stdev's quantity, in the same units",
                 id="iqr-is-a-spread-as-the-stdev"),
])
def test_quantile_words_and_the_interquartile_range_are_statistics(variable, target, reason):
    assert statistic_reason(variable, target, time_dim="time") == reason


@pytest.mark.parametrize(("variable", "target", "reason"), [
    pytest.param(_named("pco2_mean_wtd"), _named("fco2_mean_wtd"),
                 f"named as pco2, fco2_mean_wtd's fco2, in the same units: both {_CO2}", id="pco2-beside-fco2"),
    pytest.param(_named("xco2_sw_median", "uatm"), _named("fco2_mean_wtd"),
                 f"named as xco2_sw, fco2_mean_wtd's fco2, in the same units: both {_CO2}", id="xco2-median"),
])
def test_partial_pressure_fugacity_and_mole_fraction_of_co2_in_sea_water_are_one_quantity(variable, target, reason):
    assert statistic_reason(variable, target, time_dim="time") == reason


def test_co2_standard_names_of_one_quantity_are_the_targets():
    fugacity = _variable("fco2", standard_name="fugacity_of_carbon_dioxide_in_sea_water", units="uatm")
    pressure = _variable("spco2", standard_name="surface_partial_pressure_of_carbon_dioxide_in_sea_water", units="Pa")
    assert same_quantity_reason(pressure, fugacity, time_dim="time") == (
        f"standard_name 'surface_partial_pressure_of_carbon_dioxide_in_sea_water', fco2's "
        f"'fugacity_of_carbon_dioxide_in_sea_water': both {_CO2}")


def test_socat_like_quantile_and_pco2_are_no_default_predictors():
    """rerun36 V2 (gen_oth.py's layout): with fco2_q25 and pco2_mean_wtd among the defaults the test skill of
    fco2_mean_wtd was 0.9985, against 0.2405 from fco2_stdev, SST and salinity; named, they are used."""
    dataset = _socat_like().rename({"fco2_ave_weighted": "fco2_mean_wtd", "fco2_std_weighted": "fco2_stdev",
                                    "sst_ave_weighted": "sst_mean_wtd", "salinity_ave_weighted": "sss_mean_wtd"})
    dataset = dataset[["fco2_mean_wtd", "fco2_stdev", "sst_mean_wtd", "sss_mean_wtd"]]
    dataset["fco2_q25"] = (dataset["fco2_mean_wtd"] - 3.0).assign_attrs(units="uatm", long_name="fCO2 25th percentile")
    dataset["pco2_mean_wtd"] = (dataset["fco2_mean_wtd"] * 1.0035).assign_attrs(units="uatm",
                                                                               long_name="pCO2 mean, cruise-weighted")
    chosen = default_inputs(dataset, "fco2_mean_wtd")
    assert chosen.predictors == ("fco2_stdev", "sst_mean_wtd", "sss_mean_wtd")
    assert set(chosen.same_quantity) == {"fco2_q25", "pco2_mean_wtd"}
    named = default_inputs(dataset, "fco2_mean_wtd", predictors=["fco2_q25", "pco2_mean_wtd"])
    assert named.predictors == ("fco2_q25", "pco2_mean_wtd")


_MM = {"units": "mm"}


@pytest.mark.parametrize(("variable", "target", "reason"), [
    pytest.param(_variable("HQprecipitation", **_MM), "precipitation",
                 "named as precipitation from the high-quality (passive microwave) sensors alone, in precipitation's "
                 "units 'mm'", id="trmm-hq"),
    pytest.param(_variable("IRprecipitation", **_MM), "precipitation",
                 "named as precipitation from the infrared sensors alone, in precipitation's units 'mm'", id="trmm-ir"),
    pytest.param(_variable("precipitationUncal", **_MM), "precipitationCal",
                 "named as precipitation without the gauge calibration, in precipitationCal's units 'mm'",
                 id="imerg-v06-uncalibrated"),
    pytest.param(_variable("precipitation", **_MM), "HQprecipitation",
                 "named as precipitation, of which HQprecipitation is the estimate from the high-quality (passive "
                 "microwave) sensors alone, in HQprecipitation's units 'mm'", id="merged-beside-hq-target"),
    pytest.param(_variable("hq_precip", **_MM), "precip",
                 "named as precip from the high-quality (passive microwave) sensors alone, in precip's units 'mm'",
                 id="lower-case-prefix-word"),
    # other quantities keep their place
    pytest.param(_variable("HQprecipitation", units="mm/hr"), "precipitation", None, id="other-units"),
    pytest.param(_variable("HQprecipitation_cnt", units="mm"), "precipitation", None, id="other-stem"),
    pytest.param(_variable("irradiance", **_MM), "radiance", None, id="ir-in-a-word"),
    pytest.param(_variable("HQprecipitation", standard_name="lwe_thickness_of_snowfall_amount", **_MM),
                 "precipitation", None, id="other-standard-name"),
    pytest.param(_variable("HQprecipitation", cell_methods="time: maximum", **_MM), "precipitation", None,
                 id="other-cell-methods"),
    pytest.param(_variable("IRprecipitation", dims=("x",), **_MM), "precipitation", None, id="static"),
])
def test_the_targets_quantity_from_other_sensors_is_known_by_its_name(variable, target, reason):
    """TRMM 3B42's HQprecipitation was the default predictor of precipitation (break39a F4): the
    merged estimate is the high-quality microwave one wherever there is one."""
    from climann.data.same_quantity import source_reason

    attrs = {"standard_name": "lwe_thickness_of_precipitation_amount"} if "standard_name" in variable.attrs else {}
    assert source_reason(variable, _variable(target, **attrs, **_MM), time_dim="time") == reason


def test_info_on_trmm_3b42_leaves_the_hq_and_ir_estimates_out_with_a_note(tmp_path):
    """TRMM 3B42 daily, stacked: HQprecipitation and IRprecipitation (each equal to precipitation in
    the slots it fills) were default predictors of precipitation (break39a F4)."""
    from tests.grid_files import write_trmm_3b42_daily

    report = unwrapped_report(describe(str(write_trmm_3b42_daily(tmp_path / "3B42_daily_2005.nc"))))
    assert 'target = "precipitation"\npredictors = []' in report
    assert ("# left out of the default predictors: IRprecipitation (named as precipitation from the infrared sensors "
            "alone, in precipitation's units 'mm'); HQprecipitation (named as precipitation from the high-quality "
            "(passive microwave) sensors alone, in precipitation's units 'mm'), at the same time steps: other "
            "estimates of precipitation's own quantity") in report
    with xr.open_dataset(tmp_path / "3B42_daily_2005.nc") as dataset:
        chosen = default_inputs(dataset, "HQprecipitation")
    assert "precipitation" not in chosen.predictors and "IRprecipitation" not in chosen.predictors


def _levels_file(path, levels, *, seed=1):
    """One file of air temperature at several pressure levels, one variable each, each naming its own CF
    scalar coordinate (§5.7: ``ta850:coordinates = "plev850"``), as break43b's repro_A2 wrote it;
    ``levels``: variable → (its coordinate, its value in Pa)."""
    dataset = grid_dataset(seed=seed)
    rng = np.random.default_rng(seed)
    variables = {name: (dataset["tas"].dims, (dataset["tas"].values - 30 * k + rng.normal(0, 1, dataset["tas"].shape)
                                               ).astype("f4"), {"standard_name": "air_temperature", "units": "K"})
                 for k, name in enumerate(levels)}
    coordinates = {coordinate: ((), value, {"units": "Pa", "standard_name": "air_pressure", "axis": "Z"})
                   for coordinate, value in levels.values()}
    written = xr.Dataset(variables, coords={**dict(dataset.coords), **coordinates})
    for name, (coordinate, _) in levels.items():
        written[name].encoding["coordinates"] = coordinate
    written.to_netcdf(path)
    return path


@pytest.mark.parametrize(("levels", "predictors", "left_out"), [
    pytest.param({"ta850": ("plev850", 85000.0), "ta500": ("plev500", 50000.0)}, ["ta500"], [], id="other-level"),
    pytest.param({"ta850": ("plev850", 85000.0), "ta500": ("plev500", 50000.0), "ta850_era": ("plev850", 85000.0)},
                 ["ta500"], ["ta850_era"], id="a-copy-at-the-same-level"),
])
def test_the_same_quantity_at_another_level_of_one_file_stays_a_predictor(tmp_path, levels, predictors, left_out):
    """xarray gives every variable of a file each scalar coordinate of any of them: ta500 was also at ta850's
    plev850, and left out as "another estimate of ta850's own quantity" (break43b A2); each is at its own."""
    path = _levels_file(tmp_path / "two_levels.nc", levels)
    with xr.open_dataset(path) as dataset:
        assert dataset["ta500"].coords["plev850"].item() == 85000.0  # what misled: every scalar coordinate on each
        chosen = default_inputs(dataset, "ta850")
    assert list(chosen.predictors) == predictors
    report = unwrapped_report(describe(str(path)))
    assert f"predictors = {str(predictors).replace(chr(39), chr(34))}" in report
    assert (f"left out of the default predictors: {', '.join(left_out)} (standard_name 'air_temperature'"
            in report) == bool(left_out)


def _model_level_files(folder, heights):
    """ICON's ta split per model level (cdo sellevel + chname + ncwa): a file per level, ``ta<k>`` with the
    scalar ``height`` (named in its coordinates) of that level; ``heights``: variable → height in m."""
    folder.mkdir()
    for seed, (name, height) in enumerate(heights.items()):
        dataset = grid_dataset(seed=seed)
        written = xr.Dataset({name: dataset["tas"].assign_attrs(standard_name="air_temperature", units="K")},
                             coords={**dict(dataset.coords),
                                     "height": ((), height, {"units": "m", "standard_name": "height", "axis": "Z"})})
        written[name].encoding["coordinates"] = "height"
        written.to_netcdf(folder / f"{name}.nc")
    return folder


@pytest.mark.parametrize(("heights", "predictors", "left_out"), [
    pytest.param({"ta1": 1.0, "ta2": 2.0, "ta3": 3.0}, ["ta2", "ta3"], [], id="levels"),
    pytest.param({"ta1": 1.0, "ta2": 2.0, "tb1": 1.0}, ["ta2"], ["tb1"], id="a-copy-at-the-same-height"),
])
def test_files_of_one_quantity_at_other_heights_are_predictors(tmp_path, heights, predictors, left_out):
    """Files combined keep the first file's height: ta2 and ta3 were at ta1's 1 m and left out as its copies
    (break43b A2, repro_A3's lev_cf); each file's own height decides."""
    folder = _model_level_files(tmp_path / "lev_cf", heights)
    report = unwrapped_report(describe(str(folder / "*.nc")))
    assert f"predictors = {str(predictors).replace(chr(39), chr(34))}" in report
    assert (f"left out of the default predictors: {', '.join(left_out)} (standard_name 'air_temperature'"
            in report) == bool(left_out)
