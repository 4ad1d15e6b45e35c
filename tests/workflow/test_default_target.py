"""Train without a target takes the default 'tas' only where climann info proposes it too
(climann/workflow/default_target.py): on CPC's precip and tmax files train looked for 'tas' while info
proposed 'precip' (break39a F8)."""

import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.errors import ClimannError
from climann.data.info import describe
from tests.conftest import grid_dataset

runner = CliRunner()
FAST = ["--epochs", "1", "--hidden", "2", "--set", "evaluation.figures=false", "--quiet"]


def _cpc_like(folder):
    """CPC's layout: a file per variable (and year), precip (mm) and tmax (degC), no tas."""
    folder.mkdir()
    dataset = grid_dataset()
    dataset[["pred"]].rename(pred="precip").to_netcdf(folder / "precip.2003.nc")
    dataset[["tas"]].rename(tas="tmax").to_netcdf(folder / "tmax.2003.nc")
    return folder


def _proposed(path):
    return next(line for line in describe(str(path)).splitlines() if line.startswith("target = "))


@pytest.mark.parametrize("config", [pytest.param(False, id="flags"), pytest.param(True, id="config-without-target")])
def test_train_without_a_target_refuses_naming_what_info_proposes(tmp_path, config):
    folder = _cpc_like(tmp_path / "cpc")
    assert _proposed(folder) == 'target = "precip"'
    if config:
        (tmp_path / "cpc.toml").write_text(f'[data]\npaths = ["{folder}"]\n')
    given = ["--config", str(tmp_path / "cpc.toml")] if config else ["--data", str(folder)]
    result = runner.invoke(app, ["train", *given, "--out", str(tmp_path / "run"), *FAST])
    assert result.exit_code == 2, result.output
    assert result.stderr.replace("\n", " ").startswith(
        f"climann: error: no target given (--target, [data] target): the default 'tas' is the sample dataset's, and "
        f"climann info proposes 'precip' for {folder}; name the variable to predict: --target precip")
    assert not (tmp_path / "run").exists()


def test_a_file_holding_tas_beside_the_variable_info_proposes_is_not_trained_on_tas_unasked(tmp_path):
    """pr first, tas beside it: info proposes pr, train trained tas without a word."""
    dataset = grid_dataset()
    dataset[["pred", "tas"]].rename(pred="pr").to_netcdf(tmp_path / "pr_tas.nc")
    assert _proposed(tmp_path / "pr_tas.nc") == 'target = "pr"'
    refused = runner.invoke(app, ["train", "--data", str(tmp_path / "pr_tas.nc"), "--out", str(tmp_path / "a"), *FAST])
    assert refused.exit_code == 2 and "climann info proposes 'pr'" in refused.stderr, refused.output
    named = runner.invoke(app, ["train", "--data", str(tmp_path / "pr_tas.nc"), "--target", "tas",
                                "--out", str(tmp_path / "b"), *FAST])
    assert named.exit_code == 0, named.output


@pytest.mark.parametrize("predictors", [pytest.param(["--predictors", "tas"], id="flag"),
                                        pytest.param(["--set", "data.predictors=['tas']"], id="set")])
def test_predictors_naming_the_default_target_are_not_told_as_the_target_listed_as_a_predictor(tmp_path, predictors):
    """`train --data pr_tas.nc --predictors tas` (no target; info proposes pr) was told "the target 'tas' is also
    listed as a predictor", of a target never named (rerun39 N4): the no-target refusal comes first."""
    dataset = grid_dataset()
    dataset[["pred", "tas"]].rename(pred="pr").to_netcdf(tmp_path / "pr_tas.nc")
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "pr_tas.nc"), *predictors,
                                 "--out", str(tmp_path / "run"), *FAST])
    assert result.exit_code == 2, result.output
    assert result.stderr.replace("\n", " ").startswith(
        "climann: error: no target given (--target, [data] target): the default 'tas' is the sample dataset's, and "
        f"climann info proposes 'pr' for {tmp_path / 'pr_tas.nc'}; name the variable to predict: --target pr")
    assert "also listed as a predictor" not in result.stderr and not (tmp_path / "run").exists()
    named = runner.invoke(app, ["train", "--data", str(tmp_path / "pr_tas.nc"), "--target", "tas", *predictors,
                                "--out", str(tmp_path / "named"), *FAST])
    assert named.exit_code == 2 and "the target 'tas' is also listed as a predictor" in named.stderr, named.output


def test_a_file_without_a_time_varying_variable_is_refused_with_infos_own_reason(tmp_path):
    """orog(lat, lon) alone: train named info's "proposal" 'orog' (--target orog, then "no time coordinate found")
    while info itself refuses, "no time-varying variable ... to predict" (rerun39 N2): train gives info's reason."""
    orog = grid_dataset()[["static"]].rename(static="orog")
    orog["orog"].attrs.update(units="m", standard_name="surface_altitude")
    orog.to_netcdf(tmp_path / "orog.nc")
    info = runner.invoke(app, ["info", str(tmp_path / "orog.nc")])
    assert info.exit_code == 2 and "no time-varying variable on the latitude-longitude grid to predict" in info.stderr
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "orog.nc"), "--out", str(tmp_path / "run"), *FAST])
    assert result.exit_code == 2, result.output
    assert result.stderr.replace("\n", " ").startswith(
        f"climann: error: no target given (--target, [data] target), and climann info proposes none for "
        f"{tmp_path / 'orog.nc'}: no time-varying variable on the latitude-longitude grid to predict")
    assert "--target orog" not in result.stderr and not (tmp_path / "run").exists()


def _counting_proposals(monkeypatch):
    """Wrap climann.data.info.target_proposal: the list of the paths each call read."""
    import climann.data.info as info

    calls, proposal = [], info.target_proposal

    def counted(paths, **options):
        calls.append(tuple(paths))
        return proposal(paths, **options)

    monkeypatch.setattr(info, "target_proposal", counted)
    return calls


def test_the_proposal_is_read_once_per_command_and_not_kept_between_commands(tmp_path, monkeypatch):
    """Both checks of train without a target (before and after the configuration is built) read info's
    proposal: the files were opened twice, 0.5 user-s of `train` on the sample (issue 15). Read once per
    command, passed along: a second command in the same process reads its own files' proposal."""
    calls = _counting_proposals(monkeypatch)
    dataset = grid_dataset()
    dataset[["tas", "pred"]].to_netcdf(tmp_path / "tas_pred.nc")
    dataset[["pred", "tas"]].rename(pred="pr").to_netcdf(tmp_path / "pr_tas.nc")
    assert _proposed(tmp_path / "tas_pred.nc") == 'target = "tas"'
    calls.clear()
    trained = runner.invoke(app, ["train", "--data", str(tmp_path / "tas_pred.nc"), "--out", str(tmp_path / "a"), *FAST])
    assert trained.exit_code == 0, trained.output
    assert calls == [(str(tmp_path / "tas_pred.nc"),)]
    refused = runner.invoke(app, ["train", "--data", str(tmp_path / "pr_tas.nc"), "--out", str(tmp_path / "b"), *FAST])
    assert refused.exit_code == 2 and "climann info proposes 'pr'" in refused.stderr, refused.output
    assert calls == [(str(tmp_path / "tas_pred.nc"),), (str(tmp_path / "pr_tas.nc"),)]


def test_a_proposal_of_other_files_is_not_reused(tmp_path, monkeypatch):
    """check_default_target given the proposal of other files (or another select) reads its own."""
    from climann.workflow.config import build_config
    from climann.workflow.default_target import check_default_target

    calls = _counting_proposals(monkeypatch)
    dataset = grid_dataset()
    dataset[["tas", "pred"]].to_netcdf(tmp_path / "tas_pred.nc")
    dataset[["pred", "tas"]].rename(pred="pr").to_netcdf(tmp_path / "pr_tas.nc")
    settings = {"data": {"paths": [str(tmp_path / "tas_pred.nc")]}}
    of_tas = check_default_target(build_config(settings), settings)
    assert (of_tas.proposed, of_tas.unusable, len(calls)) == ("tas", "", 1)
    assert check_default_target(build_config(settings), settings, proposal=of_tas) is of_tas and len(calls) == 1
    other = {"data": {"paths": [str(tmp_path / "pr_tas.nc")]}}
    with pytest.raises(ClimannError, match="climann info proposes 'pr'"):
        check_default_target(build_config(other), other, proposal=of_tas)
    assert calls[-1] == (str(tmp_path / "pr_tas.nc"),)
    assert not of_tas.is_of(build_config({"data": {**settings["data"], "select": {"time": 0}}}))
