import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.pointwise import build_pointwise_samples
from climann.evaluation.predictions import predictions_dataset, write_predictions
from tests.conftest import grid_dataset


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"lat_descending": True, "calendar": "360_day"}, id="descending-lat-360_day"),
        pytest.param({"lon_start": -180.0, "calendar": "julian"}, id="lon-180-julian"),
    ],
)
def test_predictions_file_round_trip(tmp_path, options):
    source = grid_dataset(**options)
    source["lat"].attrs["bounds"] = "lat_bnds"
    source["tas"].encoding.update({"dtype": "int16", "scale_factor": 0.01, "add_offset": 250.0})
    samples = build_pointwise_samples(source, target="tas", predictors=("pred",), features=())
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    predicted = truth + 0.5
    predicted[0, 0, 0] = np.nan
    labels = ["train"] * 12 + ["val"] * 12 + ["test"] * 12
    dataset = predictions_dataset(layout, truth, predicted, labels, history="climann train --test")
    path = write_predictions(dataset, tmp_path / "predictions.nc", layout)

    with xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as reopened:
        assert reopened["tas"].dims == ("time", "lat", "lon")
        np.testing.assert_array_equal(reopened["lat"].values, source["lat"].values)
        np.testing.assert_array_equal(reopened["lon"].values, source["lon"].values)
        assert list(reopened["time"].values) == list(source["time"].values)
        assert reopened["time"].encoding["calendar"] == options["calendar"]
        np.testing.assert_allclose(reopened["tas_error"].values[0, 1], 0.5, rtol=1e-5)
        assert np.isnan(reopened["tas_pred"].values[0, 0, 0])
        assert reopened["tas_pred"].attrs["units"] == "K"
        assert reopened["tas_pred"].attrs["standard_name"] == "air_temperature"
        assert "standard_name" not in reopened["tas_error"].attrs
        assert reopened["tas"].attrs["standard_name"] == "air_temperature"
        assert list(reopened["split"].values[[0, 12, 35]]) == ["train", "val", "test"]
        assert reopened.attrs["Conventions"] == "CF-1.8"
        assert reopened.attrs["history"] == "climann train --test"
    with netCDF4.Dataset(path) as raw:  # the input's packing must not leak into the output
        assert raw["tas"].dtype == np.float32
        assert not hasattr(raw["tas"], "scale_factor")
        for coordinate in ("time", "lat", "lon"):  # CF: no fill values on coordinates
            assert "_FillValue" not in raw[coordinate].ncattrs()
        assert "bounds" not in raw["lat"].ncattrs()  # lat_bnds is not in this file
    assert [p.name for p in tmp_path.iterdir()] == ["predictions.nc"]  # no temporary left


@pytest.mark.parametrize(
    ("change", "named"),
    [
        pytest.param({"time_units": "months since 2000-01-01"}, "units 'months since 2000-01-01'", id="months-since"),
        pytest.param({"time_units": "days since 2000-01-01", "calendar": "martian"}, "calendar 'martian'",
                     id="unknown-calendar"),
    ],
)
def test_an_output_encoding_that_cannot_be_written_is_refused_up_front(change, named):
    import dataclasses

    from climann.errors import ClimannError
    from climann.evaluation.predictions import check_predictions_encodable

    layout = build_pointwise_samples(grid_dataset(), target="tas", predictors=("pred",), features=()).layout
    check_predictions_encodable(layout, ["persistence"])  # the input's own encoding is writable
    with pytest.raises(ClimannError, match=f"predictions.nc could not be written .*{named}"):
        check_predictions_encodable(dataclasses.replace(layout, **change), ["persistence"])
