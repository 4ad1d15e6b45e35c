"""The target's simulation beside its predictors' and its weights' (climann.data.paired_simulations, through
open_dataset and the CLI).

Before, CMIP6 mrso of member r1i1p1f1 trained on pr of member r2i1p1f1 exited 0 without a word (each month's soil
moisture paired with another simulation's weather: test skill 0.04 against 0.97, break52c A3), and an sftlf of
another model (source_id MIROC6 beside CanESM5, same grid) weighed the scores silently (test climatology MSE
21579.8 instead of 20712.6, break52c A7).
"""

import json
import logging

import netCDF4
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset, monthly_times

#: Global attributes of a CMIP6 run (CMIP6 Global Attributes, DRS, Filenames, …).
CMIP6 = {"mip_era": "CMIP6", "activity_id": "CMIP", "experiment_id": "historical", "source_id": "CanESM5",
         "variant_label": "r1i1p1f1", "grid_label": "gn"}
SSP585 = {**CMIP6, "activity_id": "ScenarioMIP", "experiment_id": "ssp585", "parent_experiment_id": "historical",
          "parent_variant_label": "r1i1p1f1"}
#: A EURO-CORDEX regional run and its driving model's run (CORDEX Archive Design; CMIP5 DRS).
RCA4 = {"project_id": "CORDEX", "experiment_id": "historical", "driving_model_id": "MPI-M-MPI-ESM-LR",
        "driving_model_ensemble_member": "r1i1p1", "driving_experiment_name": "historical", "model_id": "SMHI-RCA4",
        "rcm_version_id": "v1"}
#: An ISIMIP3b impact model's output (ISIMIP3 protocol).
ISIMIP = {"simulation_round": "ISIMIP3b", "model": "CWatM", "climate_forcing": "gfdl-esm4",
          "climate_scenario": "ssp585", "soc_scenario": "2015soc"}
MPI = {"project_id": "CMIP5", "model_id": "MPI-M-MPI-ESM-LR", "experiment_id": "historical", "realization": 1}

N_YEARS = 4


def _write(folder, name, variable, first_year, n_years, attributes):
    """``variable`` (tas or pred of one 4-year field from 2000) of the years from ``first_year`` in
    ``folder/name``, with the global ``attributes``."""
    full = grid_dataset(n_years=N_YEARS)[[variable]]
    part = full.isel(time=slice(12 * (first_year - 2000), 12 * (first_year - 2000 + n_years)))
    part = part.assign_coords(time=monthly_times(n_years, "noleap", first_year)).assign_attrs(attributes)
    part.to_netcdf(folder / name)
    return folder / name


def _pair(folder, target_attributes, predictor_attributes, *, names=("tas_a.nc", "pred_b.nc")):
    """tas and pred of the same 4 years, each in a file of its own with its attributes."""
    return [_write(folder, names[0], "tas", 2000, N_YEARS, target_attributes),
            _write(folder, names[1], "pred", 2000, N_YEARS, predictor_attributes)]


@pytest.mark.parametrize("target, predictor, kind, where, values", [
    pytest.param(CMIP6, {**CMIP6, "variant_label": "r2i1p1f1"}, "another ensemble member",
                 "global attribute variant_label", ("r2i1p1f1", "r1i1p1f1"), id="cmip6-member"),
    pytest.param(CMIP6, {**CMIP6, "source_id": "MIROC6"}, "another model", "global attribute source_id",
                 ("MIROC6", "CanESM5"), id="cmip6-model"),
    pytest.param(MPI, {**MPI, "realization": 2}, "another ensemble member", "global attribute realization",
                 ("2", "1"), id="cmip5-member"),
    pytest.param(RCA4, {**RCA4, "model_id": "KNMI-RACMO22E"}, "another model", "global attribute model_id",
                 ("KNMI-RACMO22E", "SMHI-RCA4"), id="cordex-regional-model"),
    pytest.param(SSP585, {**SSP585, "experiment_id": "ssp245"}, "another experiment over the same years",
                 "global attribute experiment_id", ("ssp245", "ssp585"), id="two-scenarios"),
    pytest.param(ISIMIP, {**ISIMIP, "climate_forcing": "ukesm1-0-ll"}, "another climate forcing",
                 "global attribute climate_forcing", ("ukesm1-0-ll", "gfdl-esm4"), id="isimip-forcings"),
    pytest.param(CMIP6, {**CMIP6, "experiment_id": "amip"}, "another experiment over the same years",
                 "global attribute experiment_id", ("amip", "historical"), id="amip-beside-historical"),
])
def test_predictors_of_another_simulation_than_the_target_are_refused_naming_both(tmp_path, target, predictor,
                                                                                   kind, where, values):
    files = _pair(tmp_path, target, predictor)
    with pytest.raises(ClimannError) as error:
        open_dataset(files, grid_of="tas", variables=["tas", "pred"])
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"'pred' in pred_b.nc is of {kind} than the target 'tas' in tas_a.nc ({where} "
                              f"{values[0]}, the target's {values[1]}): each time step would pair the target of one "
                              f"simulation with the weather of another; give the files of the target's ")
    assert message.endswith("in place of it (the file of " + values[1] + "), or leave it out of --data")


def test_members_told_by_cmip6_file_names_alone_are_refused_with_the_target_members_file_name(tmp_path):
    """Files without global attributes (rewritten by a user's tool): the DRS name says the member."""
    files = _pair(tmp_path, {}, {}, names=("tas_Amon_CanESM5_historical_r1i1p1f1_gn_200001-200312.nc",
                                           "pred_Amon_CanESM5_historical_r2i1p1f1_gn_200001-200312.nc"))
    with pytest.raises(ClimannError, match=r"\(global attribute variant_label r2i1p1f1, the target's r1i1p1f1\): .*"
                                           r"in place of it \(pred_Amon_CanESM5_historical_r1i1p1f1_gn_200001-"
                                           r"200312.nc\)"):
        open_dataset(files, grid_of="tas")


def _historical_and_scenario(folder, predictor_attributes=(CMIP6, SSP585), target_scenario=SSP585):
    """tas and pred of one member split as CMIP6 publishes it: historical 2000–2001, ssp585 2002–2003."""
    historical, scenario = predictor_attributes
    return [_write(folder, "tas_historical.nc", "tas", 2000, 2, CMIP6),
            _write(folder, "tas_ssp585.nc", "tas", 2002, 2, target_scenario),
            _write(folder, "pred_historical.nc", "pred", 2000, 2, historical),
            _write(folder, "pred_ssp585.nc", "pred", 2002, 2, scenario)]


#: A scenario member branched from another historical member (UKESM1's f2 from its f1): it continues that run.
BRANCHED = {**SSP585, "variant_label": "r1i1p1f2"}


@pytest.mark.parametrize("predictor_attributes, target_scenario", [
    pytest.param((CMIP6, SSP585), SSP585, id="historical-then-ssp585"),
    pytest.param((CMIP6, BRANCHED), BRANCHED, id="scenario-member-naming-its-parent"),
    pytest.param(({}, {}), SSP585, id="predictors-without-attributes"),
    pytest.param(({**CMIP6, "activity_id": "input4MIPs", "source_id": "UoM-CMIP-1-2-0"},) * 2, SSP585,
                 id="forcing-data"),
])
def test_one_members_historical_and_scenario_files_pair_each_month_as_before(tmp_path, predictor_attributes,
                                                                             target_scenario):
    """Each month's tas beside the same month's pred, as NumPy has them in the 4-year field."""
    opened = open_dataset(_historical_and_scenario(tmp_path, predictor_attributes, target_scenario), grid_of="tas",
                          variables=["tas", "pred"])
    full = grid_dataset(n_years=N_YEARS)
    np.testing.assert_array_equal(opened["tas"].values, full["tas"].values)
    np.testing.assert_array_equal(opened["pred"].values, full["pred"].values)


def test_two_members_of_one_scenario_are_refused_whatever_run_they_continue(tmp_path):
    """Both ssp585 members name historical r1i1p1f1 as their parent: two runs of the same years all the same."""
    with pytest.raises(ClimannError, match=r"^'pred' in pred_ssp585.nc is of another ensemble member than the target "
                                           r"'tas' in tas_ssp585.nc \(global attribute variant_label r1i1p1f2, the "
                                           r"target's r1i1p1f1\)"):
        open_dataset(_historical_and_scenario(tmp_path, (CMIP6, BRANCHED)), grid_of="tas")


def test_a_regional_target_beside_its_driving_models_fields_pairs_them(tmp_path):
    """An RCM emulator's predictors: the driving model's run (model_id MPI-M-MPI-ESM-LR, realization 1) beside
    the regional model's target (driving_model_id MPI-M-MPI-ESM-LR, driving_model_ensemble_member r1i1p1)."""
    opened = open_dataset(_pair(tmp_path, RCA4, {**MPI, "variant_label": "r1i1p1"}), grid_of="tas")
    np.testing.assert_array_equal(opened["pred"].values, grid_dataset(n_years=N_YEARS)["pred"].values)
    (tmp_path / "other").mkdir()
    with pytest.raises(ClimannError, match=r"another ensemble member than the target 'tas' in tas_a.nc \(global "
                                           r"attribute variant_label r2i1p1, the target's r1i1p1\)"):
        open_dataset(_pair(tmp_path / "other", RCA4, {**MPI, "variant_label": "r2i1p1"}), grid_of="tas")


def test_observed_predictors_beside_a_models_target_are_warned_of_and_paired(tmp_path, caplog):
    observed = {"activity_id": "obs4MIPs", "source_id": "GPCP-2-3", "product": "observations"}
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset(_pair(tmp_path, CMIP6, observed), grid_of="tas")
    np.testing.assert_array_equal(opened["pred"].values, grid_dataset(n_years=N_YEARS)["pred"].values)
    said = [record.getMessage() for record in caplog.records if "pair observations" in record.getMessage()]
    assert said == ["the target 'tas' (tas_a.nc) and 'pred' (pred_b.nc) pair observations (pred_b.nc) with a "
                    "simulation (tas_a.nc: CanESM5 r1i1p1f1 historical) step by step: right for a run driven by "
                    "observations (amip, a CORDEX evaluation run, a hindcast), not for a free-running one, whose "
                    "weather is not the observed weather"]


#: ERA5 from the CDS: no attribute names its origin.
ERA5 = {"Conventions": "CF-1.7", "history": "2026-12-07 grib_to_netcdf"}
AMIP = {**CMIP6, "experiment_id": "amip"}
_UNNAMED = "names no simulation"


def _said(caplog, words):
    return [record.getMessage() for record in caplog.records if words in record.getMessage()]


def test_a_target_naming_no_simulation_beside_a_models_predictors_is_warned_of_once(tmp_path, caplog):
    """ERA5 tas beside CanESM5 historical pred: paired as they are, in one line naming the predictors' simulation
    (before: no word, fix53b)."""
    from climann.data.notes import forget_notes

    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset(_pair(tmp_path, ERA5, CMIP6), grid_of="tas")
    np.testing.assert_array_equal(opened["pred"].values, grid_dataset(n_years=N_YEARS)["pred"].values)
    assert _said(caplog, _UNNAMED) == [
        "the target 'tas' (tas_a.nc) names no simulation (no source_id, experiment_id or variant_label, nor a CMIP "
        "file name) beside 'pred' (pred_b.nc) of CanESM5 r1i1p1f1 historical: climann cannot tell whether the "
        "target is of that simulation; a free-running simulation's weather is not the observed weather (ERA5 "
        "beside a historical run), so pair them step by step only if the target is that simulation's output"]


def test_a_reanalysis_target_naming_only_its_product_beside_a_model_is_the_observations_warning(tmp_path, caplog):
    from climann.data.notes import forget_notes

    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset(_pair(tmp_path, {**ERA5, "product": "reanalysis"}, CMIP6), grid_of="tas")
    said = _said(caplog, "pair observations")
    assert len(said) == 1 and "(pred_b.nc: CanESM5 r1i1p1f1 historical)" in said[0] and not _said(caplog, _UNNAMED)


@pytest.mark.parametrize("target, predictor, names", [
    pytest.param(AMIP, AMIP, ("tas_a.nc", "pred_b.nc"), id="amip-target-same-model"),
    pytest.param(CMIP6, CMIP6, ("tas_a.nc", "pred_b.nc"), id="historical-target-same-model"),
    pytest.param({}, CMIP6, ("tas_Amon_CanESM5_historical_r1i1p1f1_gn_200001-200312.nc", "pred_b.nc"),
                 id="target-named-by-its-cmip6-file-name"),
    pytest.param(ERA5, ERA5, ("tas_a.nc", "pred_b.nc"), id="neither-names-a-simulation"),
    pytest.param(ERA5, {"activity_id": "obs4MIPs", "source_id": "GPCP-2-3", "product": "observations"},
                 ("tas_a.nc", "pred_b.nc"), id="observed-predictors"),
    pytest.param(ERA5, {**CMIP6, "activity_id": "input4MIPs", "source_id": "UoM-CMIP-1-2-0"},
                 ("tas_a.nc", "pred_b.nc"), id="forcing-data"),
])
def test_targets_told_apart_or_beside_no_model_pass_silently(tmp_path, caplog, target, predictor, names):
    from climann.data.notes import forget_notes

    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset(_pair(tmp_path, target, predictor, names=names), grid_of="tas")
    np.testing.assert_array_equal(opened["tas"].values, grid_dataset(n_years=N_YEARS)["tas"].values)
    assert not _said(caplog, _UNNAMED) and not _said(caplog, "pair observations")


# --- the CLI: break52c A3 and A7 ------------------------------------------------------------------------------

LAT = np.array([-67.5, -22.5, 22.5, 67.5])


def _cmip6_files(folder, member_of_pred="r1i1p1f1", fraction_model="CanESM5"):
    """CanESM5's mrso (r1i1p1f1; "area: mean where land") and pr (of ``member_of_pred``), 4 years, and an sftlf
    of ``fraction_model`` (%: 100, 60, 30, 0 by latitude row, another model's 0 south of the equator)."""
    full = grid_dataset(n_years=N_YEARS)
    mrso = full["tas"].rename("mrso").assign_attrs(units="kg m-2", cell_methods="area: mean where land time: mean")
    pr = full["pred"].rename("pr").assign_attrs(units="kg m-2 s-1", cell_methods="area: time: mean")
    mrso.to_dataset().assign_attrs({**CMIP6, "table_id": "Lmon"}).to_netcdf(
        folder / "mrso_Lmon_CanESM5_historical_r1i1p1f1_gn_200001-200312.nc")
    pr.to_dataset().assign_attrs({**CMIP6, "variant_label": member_of_pred, "table_id": "Amon"}).to_netcdf(
        folder / f"pr_Amon_CanESM5_historical_{member_of_pred}_gn_200001-200312.nc")
    percent = np.array([100.0, 60.0, 30.0, 0.0]) if fraction_model == "CanESM5" else np.array([0, 0, 100.0, 100.0])
    sftlf = xr.DataArray(np.repeat(percent[:, None], full.sizes["lon"], axis=1), dims=("lat", "lon"),
                         coords={"lat": full["lat"], "lon": full["lon"]},
                         attrs={"units": "%", "standard_name": "land_area_fraction"})
    name = f"sftlf_fx_{fraction_model}_historical_r1i1p1f1_gn.nc"
    sftlf.to_dataset(name="sftlf").assign_attrs({**CMIP6, "source_id": fraction_model, "table_id": "fx"}).to_netcdf(
        folder / name)
    return percent / 100


def _train(folder, *extra):
    return CliRunner().invoke(app, ["train", "--data", str(folder / "*.nc"), "--target", "mrso", "--predictors", "pr",
                                    "--epochs", "1", "--hidden", "4", "--out", str(folder / "run"), "--quiet",
                                    "--set", "evaluation.figures=false", *extra])


def test_the_cli_refuses_a_target_trained_on_another_members_predictors_in_one_line(tmp_path):
    """break52c A3: exit 0 and no word before."""
    _cmip6_files(tmp_path, member_of_pred="r2i1p1f1")
    result = _train(tmp_path)
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and not (tmp_path / "run").exists()
    assert line == ("climann: error: 'pr' in pr_Amon_CanESM5_historical_r2i1p1f1_gn_200001-200312.nc is of another "
                    "ensemble member than the target 'mrso' in mrso_Lmon_CanESM5_historical_r1i1p1f1_gn_200001-200312"
                    ".nc (global attribute variant_label r2i1p1f1, the target's r1i1p1f1): each time step would pair "
                    "the target of one simulation with the weather of another; give the files of the target's "
                    "variant_label r1i1p1f1 in place of it (pr_Amon_CanESM5_historical_r1i1p1f1_gn_200001-200312.nc)"
                    ", or leave it out of --data")


def test_the_cli_refuses_another_models_land_fraction_and_weighs_by_the_targets_own(tmp_path):
    """break52c A7: MIROC6's sftlf beside CanESM5's mrso weighed the scores without a word. Refused; with
    CanESM5's own, the test block's scores are weighed by cell area × its land fraction, as computed here."""
    _cmip6_files(tmp_path, fraction_model="MIROC6")
    result = _train(tmp_path)
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        "climann: error: 'sftlf' in sftlf_fx_MIROC6_historical_r1i1p1f1_gn.nc is of another model than the target "
        "'mrso' in mrso_Lmon_CanESM5_historical_r1i1p1f1_gn_200001-200312.nc (global attribute source_id MIROC6, the "
        "target's CanESM5): its land_area_fraction would weigh every score of the target; give the files of the "
        "target's source_id CanESM5 in place of it (sftlf_fx_CanESM5_historical_r1i1p1f1_gn.nc), or leave it out of "
        "--data")
    (tmp_path / "sftlf_fx_MIROC6_historical_r1i1p1f1_gn.nc").unlink()
    fraction = _cmip6_files(tmp_path)
    result = _train(tmp_path)
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    with netCDF4.Dataset(tmp_path / "run" / "predictions.nc") as written:
        years = np.array([date.year for date in netCDF4.num2date(written["time"][:], written["time"].units,
                                                                 written["time"].calendar)])
        truth, model = (np.ma.filled(written[name][:].astype(np.float64), np.nan) for name in ("mrso", "mrso_pred"))
    bands = np.sin(np.deg2rad(LAT + 22.5)) - np.sin(np.deg2rad(LAT - 22.5))  # cell areas between the rows' edges
    weights = np.broadcast_to((bands * fraction)[:, None], truth.shape[1:])
    assert metrics["split_periods"]["test"] == "2003"
    test = years == 2003
    where = np.isfinite(truth) & np.isfinite(model) & test[:, None, None]
    hand = (np.broadcast_to(weights, truth.shape)[where] * (model[where] - truth[where]) ** 2).sum() / (
        np.broadcast_to(weights, truth.shape)[where].sum())
    assert metrics["weighted_by"].endswith("land_area_fraction (sftlf)")
    assert metrics["splits"]["test"]["model"]["mse"] == pytest.approx(hand, rel=1e-5)
