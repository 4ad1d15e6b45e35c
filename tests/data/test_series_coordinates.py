"""One variable's files joined along time agree on every scalar coordinate of the quantity, not only its level
(climann.data.series_coordinates, through open_dataset and the CLI).

Before, CMIP6 AERmon od550aer (scalar wavelength = 550 nm) joined an 870 nm file, a land area_type a sea-ice one, a
15 % sea-ice extent threshold a 30 % one: one series of two quantities, exit 0, the first file's value kept.
"""

import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset, monthly_times

#: One 4-year field from 2000 of which each file holds some years: joined, the files give its values.
FULL = grid_dataset(n_years=4)[["tas", "pred"]]


def _years(folder, name, first_year, coordinates, *, variable="tas"):
    """``variable`` (tas's values) of two years from ``first_year`` in ``folder/name``, with the CF scalar
    coordinates ``{name: (value, attrs)}`` named in its ``coordinates`` attribute (one variable per file, as CMIP6
    writes them)."""
    part = FULL[["tas"]].isel(time=slice(12 * (first_year - 2000), 12 * (first_year - 2000 + 2)))
    part = part.rename(tas=variable).assign_coords(time=monthly_times(2, "noleap", first_year))
    part = part.assign_coords({key: ((), value, attrs) for key, (value, attrs) in coordinates.items()})
    part[variable].encoding["coordinates"] = " ".join(coordinates)
    part.to_netcdf(folder / name)
    return folder / name


WAVELENGTH = {"standard_name": "radiation_wavelength", "units": "nm", "long_name": "wavelength"}


@pytest.mark.parametrize("variable, coordinate, attrs, values, shown", [
    pytest.param("od550aer", "wavelength", WAVELENGTH, (550.0, 870.0), ("550 nm", "870 nm"), id="cmip6-wavelength"),
    pytest.param("siconc", "area_type", {"standard_name": "area_type"}, ("land", "sea_ice"), ("land", "sea_ice"),
                 id="cf-area-type"),
    pytest.param("msftmz", "basin", {"standard_name": "region"}, ("atlantic_arctic_ocean", "indian_pacific_ocean"),
                 ("atlantic_arctic_ocean", "indian_pacific_ocean"), id="region-label"),
    pytest.param("siextentn", "threshold", {"long_name": "sea-ice concentration threshold", "units": "%"},
                 (15.0, 30.0), ("15 %", "30 %"), id="extent-threshold"),
    pytest.param("tas", "leadtime", {"long_name": "lead time", "units": "days"}, (1.0, 10.0), ("1 days", "10 days"),
                 id="lead-without-forecast-period"),
    pytest.param("tas", "station_name", {"cf_role": "timeseries_id"}, ("DE_BERLIN", "DE_POTSDAM"),
                 ("DE_BERLIN", "DE_POTSDAM"), id="station-label"),
])
def test_files_at_two_values_of_a_scalar_coordinate_are_refused_naming_it(
        tmp_path, variable, coordinate, attrs, values, shown):
    files = [_years(tmp_path, "a_2000-2001.nc", 2000, {coordinate: (values[0], attrs)}, variable=variable),
             _years(tmp_path, "b_2002-2003.nc", 2002, {coordinate: (values[1], attrs)}, variable=variable)]
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"'{variable}' is at {coordinate} = {shown[0]} in a_2000-2001.nc but at "
                              f"{coordinate} = {shown[1]} in b_2002-2003.nc (CF scalar coordinates): two quantities, "
                              f"not one series; give the files of one {coordinate} (a file of another {coordinate} "
                              f"is another variable, not more of this series)")


def _same_years(folder, name, coordinate, value, attrs, *, variable, scale):
    """``variable`` (tas's values times ``scale``) of all four years in ``folder/name`` at ``coordinate = value``."""
    part = (FULL[["tas"]] * scale).rename(tas=variable).assign_coords({coordinate: ((), value, attrs)})
    part[variable].encoding["coordinates"] = coordinate
    part.to_netcdf(folder / name)
    return folder / name


def test_two_wavelengths_at_the_same_years_are_refused_with_a_rename_that_opens_both(tmp_path):
    """The advice followed: each wavelength its own variable, of its own file's values."""
    files = [_same_years(tmp_path, "od550aer.nc", "wavelength", 550.0, WAVELENGTH, variable="od550aer", scale=1.0),
             _same_years(tmp_path, "od870aer.nc", "wavelength", 870.0, WAVELENGTH, variable="od550aer", scale=0.5)]
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    assert str(error.value).endswith(
        'give the files of one wavelength or, to use both, give one a new name with [data] rename = '
        '{"od870aer.nc" = {"od550aer" = "od550aer_wavelength_870"}}')
    opened = open_dataset(files, rename={"od870aer.nc": {"od550aer": "od550aer_wavelength_870"}})
    tas = FULL["tas"].values
    np.testing.assert_allclose(opened["od550aer"].values, tas)
    np.testing.assert_allclose(opened["od550aer_wavelength_870"].values, 0.5 * tas)


AREA_TYPE = {"standard_name": "area_type"}


@pytest.mark.parametrize("coordinate, values, attrs", [
    pytest.param("wavelength", (550.0, 0.55), ({**WAVELENGTH}, {**WAVELENGTH, "units": "um"}),
                 id="one-wavelength-in-two-units"),
    pytest.param("reftime", (0.0, 730.0), ({"standard_name": "forecast_reference_time",
                                           "units": "days since 2000-01-01", "calendar": "noleap"},) * 2,
                 id="forecast-reference-time"),
    pytest.param("analysis", (0.0, 730.0), ({"long_name": "analysis time", "units": "hours since 2000-01-01"},) * 2,
                 id="a-time-by-its-units"),
    pytest.param("wavelength", (550.0, None), (WAVELENGTH, None), id="in-one-file-only"),
])
def test_only_a_coordinate_that_differs_as_a_quantity_is_named(tmp_path, coordinate, values, attrs):
    """One value in two units is one value; a scalar time of each file (dates) differs as a matter of course; a
    coordinate that one file lacks says nothing: the refusal names the area_type that differs, never these."""
    files = []
    for index, (value, attributes, area) in enumerate(zip(values, attrs, ("land", "sea_ice"), strict=True)):
        first_year = 2000 + 2 * index
        other = {} if value is None else {coordinate: (value, attributes)}
        files.append(_years(tmp_path, f"{'ab'[index]}.nc", first_year, {**other, "area_type": (area, AREA_TYPE)}))
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    assert str(error.value).startswith("'tas' is at area_type = land in a.nc but at area_type = sea_ice in b.nc ")


def test_the_cli_refuses_two_wavelengths_in_one_line_with_exit_code_2(tmp_path):
    _years(tmp_path, "od550aer_AERmon_FAKE-ESM_historical_r1i1p1f1_gn_200001-200112.nc", 2000,
           {"wavelength": (550.0, WAVELENGTH)}, variable="od550aer")
    _years(tmp_path, "od550aer_AERmon_FAKE-ESM_historical_r1i1p1f1_gn_200201-200312.nc", 2002,
           {"wavelength": (870.0, WAVELENGTH)}, variable="od550aer")
    FULL[["pred"]].to_netcdf(tmp_path / "pred_200001-200312.nc")
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "*.nc"), "--target", "od550aer",
                                      "--predictors", "pred", "--epochs", "1", "--out", str(tmp_path / "run")])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert line.startswith("climann: error: 'od550aer' is at wavelength = 550 nm in od550aer_AERmon_FAKE-ESM_"
                           "historical_r1i1p1f1_gn_200001-200112.nc but at wavelength = 870 nm in ") and "\n" not in line
    assert not (tmp_path / "run").exists()
