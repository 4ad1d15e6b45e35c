"""Data about how well the target's values are known (CF §3.4 ancillary data: CRU TS's station
counts, error estimates) are no default predictors (climann/data/ancillary.py)."""

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
