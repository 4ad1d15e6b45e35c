"""The member --select takes from an ensemble file beside another variable's file of one member
(climann.data.selected_members, through the CLI).

Before, an ensemble file tos(member_id, time, lat, lon) (xr.concat of members r1i1p1f1 and r4i1p1f1, its global
variant_label the first's) beside sos of member r1i1p1f1 trained with --select member_id=r4i1p1f1 exited 0
without a word: each r4 month paired with r1's weather (break57d A2); the reverse too, and an ncecat join's
--select member=1.
"""

import shlex

import netCDF4
import numpy as np
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from tests.conftest import grid_dataset

CMIP6 = {"mip_era": "CMIP6", "activity_id": "CMIP", "experiment_id": "historical", "source_id": "EC-Earth3",
         "grid_label": "gn", "table_id": "Omon"}
MEMBERS = ("r1i1p1f1", "r4i1p1f1")
ENSEMBLE = "tos_Omon_EC-Earth3_historical_ens_gn_200001-200312.nc"


def _member(variable, member, seed):
    """``variable`` (the fixture's tas or pred, renamed) of one member: the fixture of its own seed."""
    field = grid_dataset(n_years=4, seed=seed)[["pred" if variable == "sos" else "tas"]]
    return field.rename({next(iter(field.data_vars)): variable}).assign_attrs({**CMIP6, "variant_label": member})


def _ensemble(variable, folder, name, *, labelled=True):
    """``variable`` of both members on a member axis, as xr.concat writes it (the global attributes the
    first member's); ``labelled=False``: ncecat -u member's record dimension, no coordinate."""
    members = [_member(variable, member, seed) for member, seed in zip(MEMBERS, (1, 4), strict=True)]
    if labelled:
        joined = xr.concat([one.expand_dims(member_id=[label]) for one, label in zip(members, MEMBERS, strict=True)],
                           dim="member_id")
    else:
        joined = xr.concat([one.expand_dims("member") for one in members], dim="member")
    joined.attrs = dict(members[0].attrs)
    joined.to_netcdf(folder / name)
    return members


def _single(variable, folder, member, seed):
    one = _member(variable, member, seed)
    one.to_netcdf(folder / f"{variable}_Omon_EC-Earth3_historical_{member}_gn_200001-200312.nc")
    return one


def _train(folder, *select):
    return CliRunner().invoke(app, ["train", "--data", str(folder / "*.nc"), "--target", "tos", "--predictors", "sos",
                                    *select, "--epochs", "1", "--hidden", "4", "--out", str(folder / "run"),
                                    "--quiet", "--set", "evaluation.figures=false"])


def _truth(folder):
    """The target's values of the run's test block, from its predictions.nc: (time, lat, lon)."""
    with netCDF4.Dataset(folder / "run" / "predictions.nc") as written:
        return np.ma.filled(written["tos"][:].astype(np.float64), np.nan)


def test_a_target_member_selected_beside_another_members_predictor_is_refused_naming_both(tmp_path):
    """break57d A2: --select member_id=r4i1p1f1 of the ensemble beside sos of r1i1p1f1 trained silently. Refused
    in one line naming both members; the member it advises (r1i1p1f1, the predictor's) trains on r1's target."""
    members = _ensemble("tos", tmp_path, ENSEMBLE)
    _single("sos", tmp_path, "r1i1p1f1", 2)
    result = _train(tmp_path, "--select", "member_id=r4i1p1f1")
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and not (tmp_path / "run").exists()
    assert line.startswith(
        f"climann: error: the target 'tos' in {ENSEMBLE} (member_id=r4i1p1f1 selected) and 'sos' in "
        "sos_Omon_EC-Earth3_historical_r1i1p1f1_gn_200001-200312.nc (global attribute variant_label r1i1p1f1) are of "
        "different ensemble members (--select member_id=r4i1p1f1)")
    assert "--select member_id=r1i1p1f1 in place of --select member_id=r4i1p1f1" in line
    result = _train(tmp_path, "--select", "member_id=r1i1p1f1")
    assert result.exit_code == 0, result.output
    truth = _truth(tmp_path)
    r1, r4 = (member["tos"].values.astype(np.float64) for member in members)
    np.testing.assert_array_equal(truth, r1[-len(truth):])  # the last year, the test block: r1's own values
    assert not np.allclose(truth, r4[-len(truth):])


def test_a_predictor_member_selected_beside_the_targets_file_of_another_is_refused_and_its_way_out_trains(tmp_path):
    """The reverse (break57d A2 case B): tos of r4i1p1f1 in its own file, sos of both members on member_id,
    --select member_id=r1i1p1f1. The advised --select, run as printed, trains."""
    _single("tos", tmp_path, "r4i1p1f1", 4)
    _ensemble("sos", tmp_path, "sos_Omon_EC-Earth3_historical_ens_gn_200001-200312.nc")
    result = _train(tmp_path, "--select", "member_id=r1i1p1f1")
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "(global attribute variant_label r4i1p1f1)" in line and "(member_id=r1i1p1f1 selected)" in line
    advised = line.split("; ")[1].split(" in place of ")[0]
    assert advised == "--select member_id=r4i1p1f1"
    assert _train(tmp_path, *shlex.split(advised)).exit_code == 0


def test_an_index_of_an_unlabelled_member_axis_beside_a_members_file_is_refused_as_not_told(tmp_path):
    """ncecat -u member's record dimension has no labels: which member --select member=1 takes cannot be compared
    with sos's r1i1p1f1, and was trained silently (break57d A2)."""
    _ensemble("tos", tmp_path, ENSEMBLE, labelled=False)
    _single("sos", tmp_path, "r1i1p1f1", 2)
    result = _train(tmp_path, "--select", "member=1")
    assert result.exit_code == 2, result.output
    assert result.output.strip().startswith(
        f"climann: error: which ensemble members the target 'tos' in {ENSEMBLE} (member=1 selected, an index without "
        "a label) and 'sos' in sos_Omon_EC-Earth3_historical_r1i1p1f1_gn_200001-200312.nc (global attribute "
        "variant_label r1i1p1f1) are cannot be told apart")


def test_info_proposes_no_config_pairing_a_selected_member_with_another_members_file(tmp_path):
    """break57d A2: info --select member_id=r4i1p1f1 proposed a target of the r1 file beside the selected r4
    member's predictor, and train --config of it trained silently. Now it says why there is no config."""
    _single("tos", tmp_path, "r1i1p1f1", 1)
    _ensemble("sos", tmp_path, "sos_Omon_EC-Earth3_historical_ens_gn_200001-200312.nc")
    result = CliRunner().invoke(app, ["info", str(tmp_path), "--select", "member_id=r4i1p1f1"])
    assert result.exit_code == 2, result.output
    assert "target =" not in result.output and "No config to start from" in result.output
    assert "are of different ensemble members (--select member_id=r4i1p1f1)" in result.output.replace("\n#     ", " ")
