"""One variable in two files at the very same times (climann.data.duplicate_files, through open_dataset).

Before, xarray's compat="override" kept the values of the file whose name sorts last, with exit 0
and no word (break17 F0): two scenarios, two members or a corrected re-download were silently one.
"""

import hashlib
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import expand_paths, open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.conftest import draw_no_run_figures, grid_dataset
from tests.fresh_python import bare_python, run_python, shell_path

CMIP = "{var}_Amon_FAKE-ESM_{experiment}_{member}_gn_{period}.nc"

#: Two periods per variable, as CMIP files come: one period alone is refused even before (xarray
#: cannot order two files at the same times); over several periods one file was silently kept.
PERIODS = {"200001-200112": slice(0, 24), "200201-200212": slice(24, 36)}


def _cmip_folder(folder, other: dict):
    """pred and tas of ssp245 r1i1p1f1 in two periods, and tas once more in the files named with
    ``other``'s experiment or member, 1 K warmer."""
    folder.mkdir()
    dataset = grid_dataset()
    warmer = dataset[["tas"]].copy(deep=True)
    warmer["tas"] = warmer["tas"] + 1.0
    names = {"experiment": "ssp245", "member": "r1i1p1f1"}
    for period, steps in PERIODS.items():
        dataset[["pred"]].isel(time=steps).to_netcdf(folder / CMIP.format(var="pred", period=period, **names))
        dataset[["tas"]].isel(time=steps).to_netcdf(folder / CMIP.format(var="tas", period=period, **names))
        warmer.isel(time=steps).to_netcdf(folder / CMIP.format(var="tas", period=period, **{**names, **other}))
    return sorted(folder.iterdir())


@pytest.mark.parametrize("other, kind", [
    pytest.param({"experiment": "ssp585"}, "two scenarios (ssp245, ssp585)", id="scenarios"),
])
def test_two_scenarios_at_the_same_times_are_refused_naming_both_files(tmp_path, other, kind):
    files = _cmip_folder(tmp_path / "cmip", other)
    first, second = [path.name for path in files if path.name.startswith("tas") and "200001" in path.name]
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    assert f"'tas' is in both {first} and {second} at the same times: {kind}" in message
    assert "leave the one not wanted out" in message and "[data] rename" in message and "\n" not in message


def test_two_members_at_the_same_times_are_refused_with_one_members_files_in_the_users_own_command(tmp_path):
    """break57d A3: tas of r1i1p1f1 and r2i1p1f1 at the same times (pred of r1i1p1f1) were refused with a rename
    of one member, which, followed, made it a predictor of another member than the target's: refused again, its
    advice giving the target's own file. Now the way out is one member's files as --data in the user's own
    command, which, run so, trains on r1's tas and pred alone (three years of 4 × 6 cells)."""
    files = _cmip_folder(tmp_path / "cmip", {"member": "r2i1p1f1"})
    first, second = [path.name for path in files if path.name.startswith("tas") and "200001" in path.name]
    options = ["--target", "tas", "--epochs", "1", "--hidden", "4", "--quiet", "--set", "evaluation.figures=false"]
    refused = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "cmip"), *options,
                                       "--out", str(tmp_path / "no")])
    assert refused.exit_code == 2, refused.output
    message = refused.output.strip()
    assert message.startswith(f"climann: error: 'tas' is in both {first} and {second} at the same times: two "
                              "ensemble members (r1i1p1f1, r2i1p1f1); ")
    assert "[data] rename" not in message and "\n" not in message
    data = shlex.split(message.split("give ", 1)[1].split(" in place of the --data given (the files of r1i1p1f1; "
                                                          "the other options as before)", 1)[0])
    assert data == ["--data", str(tmp_path / "cmip" / "*_r1i1p1f1_*")]
    run = tmp_path / "run"
    trained = CliRunner().invoke(app, ["train", *data, *options, "--out", str(run)])
    assert trained.exit_code == 0, trained.output
    assert sum(json.loads((run / "metrics.json").read_text())["n_samples"].values()) == 36 * 4 * 6
    assert "r2i1p1f1" not in (run / "config.toml").read_text()


def test_the_cli_refuses_two_scenarios_in_one_line_with_exit_code_2(tmp_path):
    files = _cmip_folder(tmp_path / "cmip", {"experiment": "ssp585"})
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "cmip"), "--target", "tas",
                                      "--epochs", "1", "--out", str(tmp_path / "run")])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert line.startswith("climann: error: 'tas' is in both ") and "\n" not in line
    assert ": two scenarios (ssp245, ssp585)" in line and "leave the one not wanted out" in line
    assert all(path.name in line for path in files if path.name.startswith("tas") and "200001" in path.name)


def _with_copy(tmp_path, changed: bool):
    """tas and landonly (NaN in a column) in tas_2000-2001.nc and tas_2002.nc, pred.nc, and a
    browser's second download 'tas_2000-2001 (1).nc': the same, or with one month of tas 1 K warmer."""
    dataset = grid_dataset()
    dataset[["tas", "landonly"]].isel(time=slice(0, 24)).to_netcdf(tmp_path / "tas_2000-2001.nc")
    dataset[["tas", "landonly"]].isel(time=slice(24, 36)).to_netcdf(tmp_path / "tas_2002.nc")
    dataset[["pred"]].to_netcdf(tmp_path / "pred.nc")
    copy = dataset[["tas", "landonly"]].isel(time=slice(0, 24)).copy(deep=True)
    if changed:
        copy["tas"][5] = copy["tas"][5] + 1.0
    copy.to_netcdf(tmp_path / "tas_2000-2001 (1).nc")
    return [tmp_path / name for name in ("pred.nc", "tas_2000-2001 (1).nc", "tas_2000-2001.nc", "tas_2002.nc")]


def test_a_copy_with_one_month_changed_is_refused_naming_both_files(tmp_path):
    with pytest.raises(ClimannError) as error:
        open_dataset(_with_copy(tmp_path, changed=True))
    message = str(error.value)
    assert "'tas' is in both tas_2000-2001 (1).nc and tas_2000-2001.nc at the same times: their values differ" in message


def test_an_identical_copy_is_left_out_with_a_note(tmp_path, caplog):
    files = _with_copy(tmp_path, changed=False)
    with caplog.at_level(logging.INFO, logger="climann.data.duplicate_files"):
        both = open_dataset(files)
    one = open_dataset([files[0], *files[2:]])
    for name in ("tas", "landonly", "pred"):  # the NaN column of landonly counts as equal
        np.testing.assert_array_equal(both[name].values, one[name].values)
    assert both.sizes["time"] == one.sizes["time"] == 36
    assert "'tas' in tas_2000-2001.nc is a copy of tas_2000-2001 (1).nc" in caplog.text
    assert "'landonly' in tas_2000-2001.nc is a copy of tas_2000-2001 (1).nc" in caplog.text


def test_an_identical_copy_trains_to_the_same_metrics_as_one_file_and_says_so(tmp_path, monkeypatch):
    """Every score equal to the run on one copy; train.log names the copy left out."""
    draw_no_run_figures(monkeypatch)
    files = _with_copy(tmp_path, changed=False)
    metrics, logs = [], []
    for name, paths in (("copy", files), ("one", [files[0], *files[2:]])):
        config = build_config({"data": {"paths": [str(path) for path in paths], "target": "tas",
                                        "predictors": ["pred"]},
                               "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 64},
                               "evaluation": {"figures": False}})
        run_dir = run_training(config, run_dir=tmp_path / name).run_dir
        metrics.append(json.loads((run_dir / "metrics.json").read_text())["splits"])
        logs.append((run_dir / "train.log").read_text())
    assert metrics[0] == metrics[1]
    assert "'tas' in tas_2000-2001.nc is a copy of tas_2000-2001 (1).nc" in logs[0] and "is a copy of tas_" not in logs[1]


@pytest.mark.parametrize("command", [pytest.param(["predict"], id="predict"),
                                     pytest.param(["evaluate"], id="evaluate")])
def test_new_data_with_two_scenarios_are_refused_by_predict_and_evaluate(tmp_path, monkeypatch, command):
    """A run trained on ssp245 given a folder of ssp245 and ssp585 as new data: before, scored
    against ssp585's tas (the file sorting last), exit 0."""
    draw_no_run_figures(monkeypatch)
    files = _cmip_folder(tmp_path / "cmip", {"experiment": "ssp585"})
    trained = [str(path) for path in files if "ssp245" in path.name]
    config = build_config({"data": {"paths": trained, "target": "tas", "predictors": ["pred"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 64},
                           "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    out = str(tmp_path / ("new.nc" if command == ["predict"] else "scores"))
    result = CliRunner().invoke(app, [*command, str(run_dir), "--data", str(tmp_path / "cmip"), "--out", out])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert line.startswith("climann: error: 'tas' is in both tas_Amon_FAKE-ESM_ssp245_r1i1p1f1_gn_200001-200112.nc "
                           "and tas_Amon_FAKE-ESM_ssp585_r1i1p1f1_gn_200001-200112.nc at the same times: two scenarios")


@pytest.mark.parametrize("attribute, values, kind", [
    pytest.param("experiment_id", ("ssp245", "ssp585"), "two scenarios", id="experiment_id"),
    pytest.param("source_id", ("FAKE-ESM", "OTHER-ESM"), "two models", id="source_id"),
    pytest.param("model_id", ("SMHI-RCA4", "KNMI-RACMO22E"), "two models", id="cordex-model_id"),
    pytest.param("driving_model_id", ("MPI-M-MPI-ESM-LR", "MOHC-HadGEM2-ES"), "two driving models",
                 id="cordex-driving_model_id"),
])
def test_renamed_files_whose_cmip_attributes_differ_are_refused_naming_the_attribute(tmp_path, attribute, values,
                                                                                    kind):
    """tas_a.nc and tas_b.nc (names a user gave) with the very same values but CMIP global
    attributes that say two fields: refused before any value is compared (the same values would
    make one a copy); it was taken as a copy, exit 0."""
    dataset = grid_dataset()
    dataset[["pred"]].to_netcdf(tmp_path / "pred.nc")
    for name, value in zip(("tas_a.nc", "tas_b.nc"), values):
        dataset[["tas"]].assign_attrs({attribute: value, "table_id": "Amon"}).to_netcdf(tmp_path / name)
    with pytest.raises(ClimannError) as error:
        open_dataset(sorted(tmp_path.glob("*.nc")))
    assert str(error.value).startswith(
        f"'tas' is in both tas_a.nc and tas_b.nc at the same times: {kind} (global attribute {attribute}: "
        f"{values[0]}, {values[1]}); climann uses one series of each variable: leave the one not wanted out")


def test_renamed_files_of_two_members_are_refused_with_one_members_files_as_data(tmp_path):
    """tas_a.nc and tas_b.nc whose variant_label differs (the same values): refused naming the attribute, the way
    out one member's files (pred.nc, which names no member, and tas_a.nc), no rename (break57d A3)."""
    dataset = grid_dataset()
    dataset[["pred"]].to_netcdf(tmp_path / "pred.nc")
    for name, value in zip(("tas_a.nc", "tas_b.nc"), ("r1i1p1f1", "r2i1p1f1")):
        dataset[["tas"]].assign_attrs({"variant_label": value, "table_id": "Amon"}).to_netcdf(tmp_path / name)
    with pytest.raises(ClimannError) as error:
        open_dataset(sorted(tmp_path.glob("*.nc")))
    assert str(error.value) == (
        "'tas' is in both tas_a.nc and tas_b.nc at the same times: two ensemble members (global attribute "
        "variant_label: r1i1p1f1, r2i1p1f1); climann uses one series of each variable, all of one member (another "
        f"member's series is no predictor of the target's): give --data {tmp_path}/pred.nc --data {tmp_path}/tas_a.nc "
        "in place of the --data given (the files of r1i1p1f1; the other options as before), or those of r2i1p1f1 "
        "alike")
    assert open_dataset([tmp_path / "pred.nc", tmp_path / "tas_a.nc"])["tas"].sizes["time"] == 36


def test_renamed_files_with_the_same_cmip_attributes_are_a_copy(tmp_path):
    dataset = grid_dataset()
    for name in ("tas_a.nc", "tas_b.nc"):
        dataset[["tas"]].assign_attrs(experiment_id="ssp245", source_id="FAKE-ESM").to_netcdf(tmp_path / name)
    np.testing.assert_array_equal(open_dataset(sorted(tmp_path.glob("*.nc")))["tas"].values, dataset["tas"].values)


def _with_orog(tmp_path, other_orog, units=None):
    """tas and orog in tas_2000.nc and tas_2001.nc (one year each, orog in both), and orog
    once more in fx.nc: ``other_orog`` (a (lat, lon) array); orog in ``units`` if given."""
    dataset = grid_dataset(n_years=2).rename(static="orog")
    if units is not None:
        dataset["orog"].attrs["units"] = units
    for year in range(2):
        dataset[["tas", "orog"]].isel(time=slice(12 * year, 12 * year + 12)).to_netcdf(tmp_path / f"tas_{2000 + year}.nc")
    dataset[["orog"]].copy(data={"orog": other_orog}).to_netcdf(tmp_path / "fx.nc")
    return dataset, sorted(tmp_path.glob("*.nc"))


@pytest.mark.parametrize(("units", "difference"), [
    pytest.param(None, "1 m", id="in-m"),
    # "by up to 1 1" read as two numbers (break23a F7): CF's dimensionless 1 is not written
    pytest.param("1", "1", id="dimensionless"),
])
def test_a_static_field_with_other_values_in_another_file_is_refused_naming_both(tmp_path, units, difference):
    """orog in fx.nc differs from the tas files' orog in one cell by 1 m: which was used depended
    on the files' order, with no word; now refused."""
    orog = grid_dataset(n_years=2)["static"].values.copy()
    orog[1, 2] += 1.0
    _, files = _with_orog(tmp_path, orog, units)
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    assert str(error.value).startswith(
        f"'orog' is in both fx.nc and tas_2000.nc: their values differ (by up to {difference}); climann uses one "
        "field of each "
        "variable: "
        "leave the one not wanted out of the files given")


def test_a_static_field_with_the_same_values_in_several_files_is_used_once(tmp_path):
    dataset, files = _with_orog(tmp_path, grid_dataset(n_years=2)["static"].values)
    combined = open_dataset(files)
    np.testing.assert_array_equal(combined["orog"].values, dataset["orog"].values)
    np.testing.assert_array_equal(combined["tas"].values, dataset["tas"].values)


def _orog_packed_per_file(tmp_path, *, changed: float = 0.0):
    """tas and orog in 4 yearly files, orog packed to int16 with each file's own scale_factor and
    add_offset (``ncpdq``; ERA5's and TerraClimate's files are packed so), ``changed`` m added
    to one cell in the last; the packing steps of the files."""
    dataset = grid_dataset(n_years=4).rename(static="orog")
    dataset["orog"].attrs["units"] = "m"
    orog, steps = dataset["orog"].values.astype(np.float64), []
    for year in range(4):
        low, high = orog.min() - 10 * year, orog.max() + 20 * year
        steps.append((high - low) / 65000)
        part = dataset[["tas", "orog"]].isel(time=slice(12 * year, 12 * year + 12))
        if year == 3:
            part["orog"] = part["orog"] + np.where(np.arange(orog.size).reshape(orog.shape) == 7, changed, 0.0)
        part.to_netcdf(tmp_path / f"tas_{2000 + year}.nc", encoding={"orog": {
            "dtype": "int16", "scale_factor": steps[-1], "add_offset": (high + low) / 2, "_FillValue": -32767}})
    return orog, sorted(tmp_path.glob("*.nc")), steps


def test_a_static_field_packed_per_file_is_one_field_within_its_packing_steps(tmp_path):
    """verify18 F5: orog packed per yearly file decodes to values up to a packing step apart
    (here steps of 0.0015 to 0.0028 m, values up to 0.0019 m apart); it was refused as two fields
    whose values differ (the rename way out needing 3 renames). Now the files combine, orog
    within a packing step of its values."""
    orog, files, steps = _orog_packed_per_file(tmp_path)
    decoded = [xr.open_dataset(path)["orog"].values for path in files]
    assert 0 < max(np.abs(one - decoded[0]).max() for one in decoded[1:]) < max(steps)  # not the very same values
    combined = open_dataset(files)
    np.testing.assert_allclose(combined["orog"].values, orog, rtol=0, atol=max(steps))
    assert combined.sizes["time"] == 48


def test_a_static_field_packed_per_file_with_other_values_is_refused_with_the_difference(tmp_path):
    """0.5 m in one cell of the last file's orog is a different field (beyond its packing steps,
    ≤ 0.0028 m): refused, saying by how much they differ (the packing steps' rounding kept)."""
    _, files, steps = _orog_packed_per_file(tmp_path, changed=0.5)
    decoded = [xr.open_dataset(path)["orog"].values for path in files]
    largest = np.abs(decoded[3] - decoded[0]).max()
    assert abs(largest - 0.5) < max(steps)
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    assert str(error.value).startswith(
        f"'orog' is in both tas_2000.nc and tas_2003.nc: their values differ (by up to {largest:.3g} m); ")


@pytest.mark.parametrize("steps", [1, 4])
def test_a_correction_packed_like_the_original_is_refused_however_few_steps_it_moves(tmp_path, steps):
    """verify19 F8: both downloads int16 with scale_factor 0.1 K, add_offset 280, one month of the
    second moved by 4 steps (0.4 K): taken for "a copy (the same values)" within 4.5 packing
    steps, the correction dropped. Packed alike, a stored value decodes to the same number in
    both files, so any difference is in the data: one step is refused."""
    dataset = grid_dataset().isel(time=slice(0, 24))
    packing = {"dtype": "int16", "scale_factor": 0.1, "add_offset": 280.0, "_FillValue": -32767}
    dataset[["tas"]].to_netcdf(tmp_path / "tas_v1.nc", encoding={"tas": packing})
    corrected = dataset[["tas"]].copy(deep=True)
    corrected["tas"][8] = corrected["tas"][8] + 0.1 * steps
    corrected.to_netcdf(tmp_path / "tas_v2.nc", encoding={"tas": packing})
    with xr.open_dataset(tmp_path / "tas_v1.nc") as one, xr.open_dataset(tmp_path / "tas_v2.nc") as two:
        moved = np.abs(two["tas"].values - one["tas"].values)
    assert moved[8].min() > 0.1 * steps - 0.051 and moved[np.arange(24) != 8].max() == 0  # the premise, by hand
    with pytest.raises(ClimannError, match=r"'tas' is in both tas_v1\.nc and tas_v2\.nc at the same times: "
                                           r"their values differ \(by up to"):
        open_dataset([tmp_path / "tas_v1.nc", tmp_path / "tas_v2.nc"])


def _member_files(folder, axis):
    """tas of three members, one file each, as HadCRUT5 (a scalar ``realization``, standard_name
    realization) or UKCP18 (a size-1 ``ensemble_member`` dimension) write them; member k is k K
    warmer than member 0. Returns the files and the members' tas (member, time, lat, lon)."""
    folder.mkdir()
    dataset = grid_dataset()[["tas"]]
    files, values = [], []
    for number in (1, 2, 3):
        member = dataset.copy(deep=True)
        member["tas"] = member["tas"] + (number - 1)
        values.append(member["tas"].values)
        if axis == "realization":
            member = member.assign_coords(realization=((), number, {"standard_name": "realization", "units": "1"}))
            member["tas"].attrs["coordinates"] = "realization"
        elif axis == "global-attribute":  # 20CRv3's member files: the member a global attribute alone
            member.attrs["ensemble_member"] = np.int32(number)
        elif axis == "realization-not-in-coordinates":  # a scalar variable no coordinates attribute names
            member["realization"] = ((), number, {"standard_name": "realization", "units": "1"})
        else:
            member = member.expand_dims(ensemble_member=[number]).assign_coords(
                ensemble_member=("ensemble_member", [number], {"long_name": "ensemble member"}))
        member.to_netcdf(folder / f"tas_member_{number}.nc")
        files.append(folder / f"tas_member_{number}.nc")
    return files, np.stack(values)


@pytest.mark.parametrize("written", [pytest.param("realization", id="hadcrut5-scalar-realization"),
                                     pytest.param("realization-not-in-coordinates",
                                                  id="hadcrut5-realization-no-coordinates-attribute"),
                                     pytest.param("ensemble_member", id="ukcp18-size-1-ensemble_member")])
def test_one_file_per_member_is_refused_as_members_with_a_join_that_works(tmp_path, monkeypatch, written):
    """HadCRUT5's and UKCP18's member files were "their values differ (…: a corrected download?
    two scenarios?)" (break19a F5): their member coordinates say what they are. A scalar
    ``realization`` that no ``coordinates`` attribute names was "'realization' is in both …:
    their values differ", with a rename that led nowhere (break23a F6)."""
    files, values = _member_files(tmp_path / "members", written)
    axis = "ensemble_member" if written == "ensemble_member" else "realization"
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = bare_python(str(error.value))
    assert message.startswith(f"'tas' is in both tas_member_1.nc and tas_member_2.nc at the same times: two ensemble "
                              f"members ({axis} 1, 2); climann trains on one member at a time: give one member's "
                              f"files, or join the members' files along '{axis}' (python -c")
    command = message.split('python -c "', 1)[1].split('")', 1)[0]
    exec(command, {})  # the printed join, as python -c runs it
    # in a new folder, where a glob over the members' folder does not take it (break52c A1)
    joined = tmp_path / "members" / "members" / "tas_member_1_members.nc"
    assert "give members/members/tas_member_1_members.nc in place of them" in message
    selected = select_values(open_dataset([joined]), {axis: 3})
    np.testing.assert_allclose(selected["tas"].squeeze().values, values[2], rtol=1e-6)
    np.testing.assert_allclose(open_dataset([files[1]])["tas"].squeeze().values, values[1], rtol=1e-6)


def _printed_join(files):
    """The join :func:`open_dataset` of ``files`` prints, as the ``python -c`` code it runs."""
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    return str(error.value).split('python -c "', 1)[1].split('")', 1)[0]


def test_a_member_join_followed_twice_or_beside_an_earlier_join_never_replaces_that_file(tmp_path, monkeypatch):
    """HadCRUT5's members 1-3 joined as advised, then members 1 and 2 given: the second advice
    wrote the same fixed name ``<first>_members.nc`` with os.replace and replaced the user's first
    join (break51a A3: 3 members became 2). The second join now takes a free name, and a line
    followed twice exits, its first result left as it was (md5)."""
    files, values = _member_files(tmp_path / "members", "realization")
    monkeypatch.chdir(tmp_path)
    first_line = _printed_join(files)
    assert run_python("-c", first_line, cwd=tmp_path).returncode == 0
    joined = tmp_path / "members" / "members" / "tas_member_1_members.nc"
    digest = hashlib.md5(joined.read_bytes()).hexdigest()

    second_line = _printed_join(files[:2])  # members 1 and 2 only: its own name, beside the first
    assert run_python("-c", second_line, cwd=tmp_path).returncode == 0
    again = run_python("-c", first_line, cwd=tmp_path, capture_output=True)  # the first line followed twice
    assert again.returncode != 0 and "is there already: left as it is" in again.stderr
    assert not list((tmp_path / "members").glob("*/*.part"))
    assert hashlib.md5(joined.read_bytes()).hexdigest() == digest
    assert select_values(open_dataset([joined]), {"realization": 3})["tas"].size == values[2].size
    second = open_dataset([tmp_path / "members" / "members_2" / "tas_member_1_members.nc"])
    np.testing.assert_array_equal(second["realization"].values, [1, 2])


def test_member_files_given_through_symbolic_links_are_named_as_given_and_joined_beside_them(tmp_path, monkeypatch):
    """break51a A7: ``info g/`` of links g/*.nc → ../members/*.nc printed a join of members/… into
    members/…_members.nc: the copy landed outside the folder given, where the advice's "give that
    file instead" does not find it. The files are named as given, the join written into g/."""
    files, _ = _member_files(tmp_path / "members", "realization")
    (tmp_path / "g").mkdir()
    for path in files:
        (tmp_path / "g" / path.name).symlink_to(Path("..") / "members" / path.name)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as error:
        open_dataset(expand_paths("g"))
    line = str(error.value).split('python -c "', 1)[1].split('")', 1)[0]
    assert all(f"(['g/tas_member_{number}.nc'], " in line for number in (1, 2, 3)) and "'members/" not in line
    assert run_python("-c", line, cwd=tmp_path).returncode == 0
    assert (tmp_path / "g" / "members" / "tas_member_1_members.nc").is_file()
    assert sorted(path.name for path in (tmp_path / "members").iterdir()) == [path.name for path in files]


def test_member_files_said_by_a_global_attribute_alone_are_refused_as_members_with_a_join_that_works(
        tmp_path, monkeypatch):
    """20CRv3's TMP2m.1900_mem001.nc …: no member coordinate, a global ensemble_member = 1, 2, 3. They were "their
    values differ (…: a corrected download? two scenarios?)" with a rename (break42c C3)."""
    files, values = _member_files(tmp_path / "members", "global-attribute")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = bare_python(str(error.value))
    assert message.startswith("'tas' is in both tas_member_1.nc and tas_member_2.nc at the same times: two ensemble "
                              "members (global attribute ensemble_member: 1, 2); climann trains on one member at a "
                              "time: give one member's files, or join the members' files along 'ensemble_member' "
                              "(python -c")
    assert "rename" not in message
    command = message.split('python -c "', 1)[1].split('")', 1)[0]
    exec(command, {})  # the printed join, as python -c runs it
    joined = open_dataset([tmp_path / "members" / "members" / "tas_member_1_members.nc"])
    assert "ensemble_member" not in joined.attrs  # on the axis, not said of the whole joined file
    np.testing.assert_array_equal(joined["ensemble_member"].values, [1, 2, 3])
    selected = select_values(joined, {"ensemble_member": 2})
    np.testing.assert_allclose(selected["tas"].squeeze().values, values[1], rtol=1e-6)


def test_an_ensemble_mean_and_its_spread_under_one_name_are_refused_as_such(tmp_path, monkeypatch):
    """20CRv3's air.2m.mon.mean.nc and air.2m.mon.mean.spread.nc, both air in degK: the refusal said "values differ
    (by up to 301 degK: a corrected download? two scenarios?)" though statistic says Mean and Ensemble Spread
    (break42c C2). The rename it gives keeps both, the spread under a name of its own."""
    monkeypatch.chdir(tmp_path)
    mean = grid_dataset()[["tas"]].rename(tas="air")
    mean["air"].attrs.update(units="degK", statistic="Mean", var_desc="Air temperature")
    spread = (mean * 0 + 1.5).assign_attrs(mean.attrs)
    spread["air"].attrs.update(units="degK", statistic="Ensemble Spread", var_desc="Air temperature")
    mean.to_netcdf("air.2m.mon.mean.nc")
    spread.to_netcdf("air.2m.mon.mean.spread.nc")
    files = [tmp_path / "air.2m.mon.mean.nc", tmp_path / "air.2m.mon.mean.spread.nc"]
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    assert str(error.value) == (
        "'air' is in both air.2m.mon.mean.nc and air.2m.mon.mean.spread.nc at the same times: the files hold the "
        "field (an ensemble's mean or member) and its ensemble spread (air.2m.mon.mean.spread.nc's air: statistic "
        "'Ensemble Spread'), two quantities; give the spread a name of its own: [data] rename = "
        "{\"air.2m.mon.mean.spread.nc\" = {air = \"air_spread\"}} (--rename 'air.2m.mon.mean.spread.nc:air=air_spread', "
        "climann info and train; air.2m.mon.mean.nc's air keeps its name)")
    both = open_dataset(files, rename={"air.2m.mon.mean.spread.nc": {"air": "air_spread"}})
    np.testing.assert_allclose(both["air"].values, mean["air"].values)
    np.testing.assert_allclose(both["air_spread"].values, 1.5)


def _ecmwf_ens_halves(folder):
    """ECMWF's ensemble split by grib_copy -w dataType=cf|pf: the control forecast (number 0) in one file, perturbed
    forecasts 1…3 in the other, 2t on one 3×4 grid, 4 days at step 24 h. Returns the files and 2t (number, day, ...)."""
    from tests.grib_files import write_grib_messages

    pytest.importorskip("cfgrib")
    latitudes, longitudes = np.array([40.0, 30.0, 20.0]), np.array([0.0, 10.0, 20.0, 30.0])
    fields = 270 + np.random.default_rng(8).normal(0, 3, (4, 4, 3, 4))
    files = []
    for kind, numbers in (("cf", [0]), ("pf", [1, 2, 3])):
        messages = [({"centre": 98, "setLocalDefinition": 1, "localDefinitionNumber": 1, "type": kind,
                      "stream": "enfo", "class": "od", "productDefinitionTemplateNumber": 1,
                      "typeOfEnsembleForecast": 1 if kind == "cf" else 3, "numberOfForecastsInEnsemble": 51,
                      "perturbationNumber": number, "shortName": "2t", "dataDate": 20240101 + day, "dataTime": 0,
                      "step": 24}, fields[number, day]) for day in range(4) for number in numbers]
        files.append(write_grib_messages(folder / f"ens_{kind}.grib2", messages, latitudes=latitudes,
                                         longitudes=longitudes))
    return files, fields


def test_an_ensembles_control_and_perturbed_halves_are_refused_as_members_with_a_join_that_works(
        tmp_path, monkeypatch):
    """break42c B3: the halves were "their values differ (on different grids)" with a rename that trained on the
    control alone; the grid is one, only the member axis number differs (scalar 0, a dimension 1…3)."""
    monkeypatch.chdir(tmp_path)
    files, fields = _ecmwf_ens_halves(tmp_path)
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    assert message.startswith("'t2m' is in both ens_cf.grib2 (number 0) and ens_pf.grib2 (number 1…3) at the same "
                              "times, on the same grid: members of one ensemble along 'number'")
    assert "different grids" not in message and "rename" not in message
    command = message.split('python -c "', 1)[1].split('")', 1)[0]
    exec(command, {})  # the printed join, as python -c runs it
    joined = open_dataset([tmp_path / "members" / "ens_cf_members.nc"])
    np.testing.assert_array_equal(joined["number"].values, [0, 1, 2, 3])
    for number in (0, 2):
        selected = select_values(joined, {"number": number})
        np.testing.assert_allclose(selected["t2m"].squeeze().values, fields[number], atol=0.01)


@pytest.mark.parametrize("static", [pytest.param(False, id="series"), pytest.param(True, id="static-field")])
def test_a_corrected_copy_beside_its_original_is_refused_saying_to_give_the_copy_instead(tmp_path, monkeypatch,
                                                                                         static):
    """verify26 G2, verify26b F1: the ncatted a warning or refusal advises writes X_fixed.nc
    beside X.nc, and the same --data glob then takes both: the refusal offered a rename, which
    trains on the original and its copy together (and for a static field, dating both with
    ncap2). It now says the copy is named after the original and to give it instead; followed,
    the copy's values are read."""
    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset(n_years=2)
    name = "static" if static else "tas"
    dataset[["tas", "pred", "static"]].to_netcdf(tmp_path / "data_2000.nc")
    fixed = dataset[["tas", "pred", "static"]].copy(deep=True)  # ncatted copies the whole file
    fixed[name] = fixed[name].where(fixed[name] > fixed[name].min())  # a fill value marked missing
    fixed.to_netcdf(tmp_path / "data_2000_fixed.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset(sorted(tmp_path.glob("*.nc")))
    message = str(error.value)
    assert message.startswith(f"'{name}' is in both data_2000.nc and data_2000_fixed.nc")
    assert message.endswith("data_2000_fixed.nc is named as a copy of data_2000.nc (such as the corrected copy a "
                            "command climann advised writes beside it): give the copy in place of the original: move "
                            "'data_2000.nc' out of the folder, or give --data files that leave it out")
    assert "rename" not in message
    (tmp_path / "originals").mkdir()
    (tmp_path / "data_2000.nc").rename(tmp_path / "originals" / "data_2000.nc")  # the advice, followed
    read = open_dataset(sorted(tmp_path.glob("*.nc")))
    assert int(read[name].isnull().sum()) == int((dataset[name] == dataset[name].min()).sum()) > 0


@pytest.mark.parametrize("static", [pytest.param(False, id="series"), pytest.param(True, id="static-field")])
def test_a_chain_of_copies_is_refused_naming_every_superseded_file_at_once(tmp_path, monkeypatch, static):
    """fix40b: a printed chain of two fixes leaves data_2000.nc, data_2000_fixed.nc (the first fix) and
    data_2000_fixed_2.nc (the second, written from the first) in one folder. The refusal took two rounds: move the
    original, then (run again) move data_2000_fixed.nc. One message now names both; followed, the last copy's
    values are read (the two fill values each fix marked missing)."""
    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset(n_years=2)
    name = "static" if static else "tas"
    dataset[["tas", "pred", "static"]].to_netcdf(tmp_path / "data_2000.nc")
    lowest, highest = float(dataset[name].min()), float(dataset[name].max())
    first = dataset[["tas", "pred", "static"]].copy(deep=True)
    first[name] = first[name].where(first[name] > lowest)  # the first fix: one fill value marked missing
    first.to_netcdf(tmp_path / "data_2000_fixed.nc")
    second = first.copy(deep=True)
    second[name] = second[name].where(second[name] < highest)  # the second, from the first's copy: another
    second.to_netcdf(tmp_path / "data_2000_fixed_2.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset(sorted(tmp_path.glob("*.nc")))
    message = str(error.value)
    assert message.startswith(f"'{name}' is in both data_2000.nc and data_2000_fixed.nc")
    assert message.endswith("data_2000_fixed_2.nc is named as the latest copy of data_2000.nc (after "
                            "data_2000_fixed.nc: such as the corrected copies a chain of commands climann advised "
                            "writes, each from the one before): give the latest copy in place of the others: move "
                            "'data_2000.nc' and 'data_2000_fixed.nc' out of the folder, or give --data files that "
                            "leave them out")
    (tmp_path / "originals").mkdir()
    for moved in ("data_2000.nc", "data_2000_fixed.nc"):  # the advice, followed once
        (tmp_path / moved).rename(tmp_path / "originals" / moved)
    read = open_dataset(sorted(tmp_path.glob("*.nc")))
    marked = int(((dataset[name] == lowest) | (dataset[name] == highest)).sum())
    assert int(read[name].isnull().sum()) == marked > int((dataset[name] == lowest).sum()) > 0


def _gdal_month(path, field: str, year: int, month: int, values: np.ndarray) -> None:
    """A PRISM month as ``gdal_translate -of netCDF`` writes it (``Band1(lat, lon)``, fill -9999,
    ``grid_mapping = "crs"``), dated as the advised ``ncap2`` line dates it: a scalar
    ``time`` in days since the first of its month."""
    dataset = xr.Dataset(
        {"Band1": (("lat", "lon"), values.astype("f4"), {"long_name": "GDAL Band Number 1", "grid_mapping": "crs"}),
         "crs": ((), b"", {"spatial_ref": 'GEOGCS["NAD83",DATUM["North_American_Datum_1983"]]'}),
         "time": ((), 0.0, {"units": f"days since {year}-{month:02d}-01 00:00:00", "standard_name": "time"})},
        coords={"lat": ("lat", [40.0, 40.5, 41.0], {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", [-105.0, -104.5, -104.0, -103.5], {"units": "degrees_east",
                                                                   "standard_name": "longitude"})})
    dataset.to_netcdf(path, encoding={"Band1": {"_FillValue": np.float32(-9999)}}, format="NETCDF4_CLASSIC")


def test_two_sets_of_monthly_files_of_one_name_are_told_the_glob_rename_that_trains(tmp_path, monkeypatch):
    """break42d P2: dated PRISM ppt and tmean in one folder, both 'Band1', were told to rename the field of one
    file (``{"PRISM_tmean_…_198101_bil_dated.nc" = {Band1 = "Band1_2"}}``): followed, the next month was refused
    in its turn, 35 more times here. Now the rename takes each set by the glob of its names, naming the field by
    the word they differ in; put in a config as printed, it opens both series with their own files' values, and
    trains tmean from ppt."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "prism_dated"
    folder.mkdir()
    rng = np.random.default_rng(5)
    fields = {"ppt": rng.uniform(0, 90, size=(36, 3, 4)), "tmean": rng.normal(8, 6, size=(36, 3, 4))}
    for field, values in fields.items():
        for step, month_values in enumerate(values):
            year, month = 1981 + step // 12, 1 + step % 12
            _gdal_month(folder / f"PRISM_{field}_stable_4kmM3_{year}{month:02d}_bil_dated.nc", field, year, month,
                        month_values)
    files = sorted(folder.iterdir())
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    assert message.endswith('give one a new name with [data] rename = {"PRISM_tmean_*" = {Band1 = "tmean"}, '
                            '"PRISM_ppt_*" = {Band1 = "ppt"}}'), message
    rename = message.split("[data] ", 1)[1]
    opened = open_dataset(files, rename=tomllib.loads(rename)["rename"])
    for field, values in fields.items():
        np.testing.assert_allclose(opened[field].values, values.astype("f4"))
    (tmp_path / "p2.toml").write_text(f'[data]\npaths = ["prism_dated/"]\n{rename}\ntarget = "tmean"\n'
                                      'predictors = ["ppt"]\n')
    result = CliRunner().invoke(app, ["train", "--config", "p2.toml", "--out", "run", "--epochs", "1", "--hidden",
                                      "4", "--set", "evaluation.figures=false", "--quiet"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "predictions.nc").exists()


def test_the_renames_advised_for_three_fields_of_one_name_give_each_file_a_name_of_its_own(tmp_path):
    """break43b A3: three files of one name and different values were each advised `{"FILE" = {tas = "tas_2"}}`;
    followed for the second file, then for the third, the two new names collided and were refused again. Each
    rule names its file's own word, and all three come in one refusal (break45d C1: one clash a run); followed
    as printed (TOML), the three fields open side by side, each with its own file's values, none left under the
    bare name by chance."""
    dataset = grid_dataset()
    files = []
    for offset, word in enumerate(("a", "b", "c")):
        field = dataset[["tas"]].copy(deep=True)
        field["tas"] = field["tas"] + offset
        field.to_netcdf(path := tmp_path / f"tas_{word}.nc")
        files.append(path)
    with pytest.raises(ClimannError) as raised:
        open_dataset(files)
    assert str(raised.value).startswith("'tas' is in each of tas_a.nc, tas_b.nc, tas_c.nc at the same times")
    table = str(raised.value).split("([data] rename = ", 1)[1].split(", climann train)", 1)[0]
    rename = tomllib.loads(f"rename = {table}")["rename"]
    assert rename == {"tas_a.nc": {"tas": "tas_a"}, "tas_b.nc": {"tas": "tas_b"}, "tas_c.nc": {"tas": "tas_c"}}
    opened = open_dataset(files, rename=rename)
    assert "tas" not in opened.data_vars
    for name, offset in (("tas_a", 0), ("tas_b", 1), ("tas_c", 2)):
        np.testing.assert_array_equal(opened[name].values, dataset["tas"].values + offset)


def test_fields_beside_a_one_step_time_they_do_not_use_are_given_the_time_dimension(tmp_path, monkeypatch):
    """break44b B4: SMAP L4's group copied with the root's time holds sm_surface(y, x) beside time(time) of one step;
    two such files were "in both files: their values differ", with a rename per file (128 static fields). The
    refusal says the fields lack their file's time and gives the loop that adds it; run as printed (the venv's
    python), its copies open as one series, each file's field at its own step (numpy: the values written)."""

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(2)
    fields = rng.random((3, 4, 5))
    for step in range(3):
        xr.Dataset({"sm_surface": (("y", "x"), fields[step], {"units": "m3 m-3"})},
                   coords={"time": ("time", [3.0 * step + 1.5], {"units": "hours since 2015-04-01",
                                                                  "standard_name": "time"}),
                           "lat": ("y", np.linspace(40.0, 43.0, 4), {"units": "degrees_north"}),
                           "lon": ("x", np.linspace(5.0, 9.0, 5), {"units": "degrees_east"})}
                   ).to_netcdf(tmp_path / f"gph_20150401T0{3 * step + 1}3000.nc")
    paths = sorted(tmp_path.glob("gph_*.nc"))
    with pytest.raises(ClimannError) as refused:
        open_dataset(paths)
    said = str(refused.value)
    assert said.startswith("'sm_surface' in gph_20150401T013000.nc and gph_20150401T043000.nc has no time dimension, "
                           "while each file has a time coordinate 'time' of one step, and their steps differ")
    loop = said.split("each file's in a copy: ", 1)[1].split(" (a copy of each", 1)[0]
    subprocess.run(["bash", "-c", loop], check=True, env={**os.environ, "PATH": shell_path()})  # its python: this one
    dataset = open_dataset(sorted((tmp_path / "with_time").glob("*.nc")))
    assert dataset["sm_surface"].dims[0] == "time"
    np.testing.assert_array_equal(dataset["sm_surface"].values, fields)
    np.testing.assert_array_equal(dataset["time"].dt.hour.values, [1, 4, 7])
    (tmp_path / "mask").mkdir()  # the same field in each file (a land mask) is one static field, as before
    for path in paths:
        with xr.open_dataset(path) as each:
            each.assign(sm_surface=each["sm_surface"].copy(data=fields[0])).to_netcdf(tmp_path / "mask" / path.name)
    static = open_dataset(sorted((tmp_path / "mask").glob("*.nc")))
    assert "time" not in static["sm_surface"].dims
    np.testing.assert_array_equal(static["sm_surface"].values, fields[0])


#: ERA5-like ensemble members: 4 perturbed members (number 1…4) of t2m (K) and u10 (m s-1), 4 six-hourly steps.
_MEMBER_TIMES = np.array(["2019-01-01T00", "2019-01-01T06", "2019-01-01T12", "2019-01-01T18"], dtype="datetime64[ns]")


def _ensemble(seed: int = 3) -> xr.Dataset:
    """The members: t2m ~ 280 + N(0, 1.5) K and u10 ~ N(0, 5) m s-1 on 3 × 4 cells, number 1…4 (CF realization)."""
    rng = np.random.default_rng(seed)
    shape = (4, len(_MEMBER_TIMES), 3, 4)
    members = xr.Dataset(
        {"t2m": (("number", "valid_time", "latitude", "longitude"), 280 + rng.normal(0, 1.5, shape), {"units": "K"}),
         "u10": (("number", "valid_time", "latitude", "longitude"), rng.normal(0, 5, shape), {"units": "m s-1"})},
        coords={"number": ("number", [1, 2, 3, 4], {"standard_name": "realization"}), "valid_time": _MEMBER_TIMES,
                "latitude": ("latitude", [50.0, 49.5, 49.0], {"units": "degrees_north"}),
                "longitude": ("longitude", [0.0, 0.5, 1.0, 1.5], {"units": "degrees_east"})})
    return members


def _distance_in_spreads(lone: np.ndarray, members: np.ndarray) -> float:
    """By hand: the RMS distance of ``lone`` (time, lat, lon) from the members' mean over the RMS of their
    standard deviation (ddof 0), members (number, time, lat, lon)."""
    return float(np.sqrt(np.mean((lone - members.mean(axis=0)) ** 2)) / np.sqrt(np.mean(members.std(axis=0) ** 2)))


def test_a_control_without_a_number_beside_the_members_is_joined_by_a_line_that_works(tmp_path, monkeypatch):
    """break48c A1: a control forecast without a number coordinate beside members numbered 1…4 was refused with
    a join whose expand_dims('number') made an axis of no numbers: run as printed, 'Dimension number already
    exists'. The control, drawn as the members are, lies about sqrt(5/3) spreads from their mean (by hand below
    4): it is told a member; the join runs, numbers it 0, and select number=0 reads its values."""
    monkeypatch.chdir(tmp_path)
    members = _ensemble()
    control = (members.isel(number=0).drop_vars("number") * 0
               + 280 + np.random.default_rng(9).normal(0, 1.5, (len(_MEMBER_TIMES), 3, 4)))[["t2m"]]
    members[["t2m"]].to_netcdf("ens_pf.nc")
    control.to_netcdf("ens_cf.nc")
    assert _distance_in_spreads(control["t2m"].values, members["t2m"].values) < 4
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "ens_cf.nc", tmp_path / "ens_pf.nc"])
    message = str(error.value)
    assert message.startswith("'t2m' is in both ens_cf.nc (no number) and ens_pf.nc (number 1…4) at the same times, "
                              "on the same grid: members of one ensemble along 'number'")
    assert "ens_cf.nc's t2m, without a number, numbered 0 there" in message
    exec(message.split('python -c "', 1)[1].split('"', 1)[0], {})  # the printed join, as python -c runs it
    joined = open_dataset([tmp_path / "members" / "ens_cf_members.nc"])
    np.testing.assert_array_equal(joined["number"].values, [0, 1, 2, 3, 4])
    np.testing.assert_allclose(select_values(joined, {"number": 0})["t2m"].values, control["t2m"].values)
    np.testing.assert_allclose(select_values(joined, {"number": 3})["t2m"].values, members["t2m"].sel(number=3).values)


def test_a_spread_without_its_data_type_beside_the_members_is_no_member_and_every_variable_is_renamed(
        tmp_path, monkeypatch):
    """break48c A1, A4: ERA5's ensemble_spread file without GRIB_dataType (after cdo -f nc copy) beside the members
    was told "a control forecast beside the perturbed ones", with a join that made the spread a member. Its t2m lies
    hundreds of the members' spreads from their mean (numpy's number, named), its u10 is never negative where half
    of the members' are: both are named with one rename, which opens the files."""
    monkeypatch.chdir(tmp_path)
    members = _ensemble()
    spread = members.std("number")
    for name in ("t2m", "u10"):
        spread[name].attrs = dict(members[name].attrs)
    members.to_netcdf("era5_ensemble_members.nc")
    spread.to_netcdf("era5_ensemble_spread.nc")
    files = [tmp_path / "era5_ensemble_members.nc", tmp_path / "era5_ensemble_spread.nc"]
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    distance = _distance_in_spreads(spread["t2m"].values, members["t2m"].values)
    assert distance > 100
    assert (f"era5_ensemble_spread.nc's is no member of the ensemble: its values lie {distance:.3g} times the "
            f"members' spread from their mean, where a member lies about {np.sqrt(5 / 3):.2g}") in message
    assert "(and 'u10' likewise); an ensemble spread or another quantity?" in message
    table = '{"era5_ensemble_spread.nc" = {t2m = "t2m_spread", u10 = "u10_spread"}}'
    assert f"[data] rename = {table}" in message and "a control forecast beside" not in message
    both = open_dataset(files, rename=tomllib.loads(f"rename = {table}")["rename"])
    np.testing.assert_allclose(both["u10_spread"].values, spread["u10"].values)
    np.testing.assert_allclose(both["t2m"].values, members["t2m"].values)


def test_a_never_negative_field_beside_members_of_both_signs_is_no_member(tmp_path, monkeypatch):
    """The spread of a wind component lies about one spread from the members' mean (numpy's number, below the
    limit 4), but is never negative where the members are negative in about half their values: no member."""
    monkeypatch.chdir(tmp_path)
    members = _ensemble()[["u10"]]
    spread = members.std("number")
    spread["u10"].attrs = {"units": "m s-1"}
    members.to_netcdf("members.nc")
    spread.to_netcdf("other.nc")
    assert _distance_in_spreads(spread["u10"].values, members["u10"].values) < 4
    negative = np.mean(members["u10"].values < 0)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "members.nc", tmp_path / "other.nc"])
    assert f"its values are never negative, where {negative:.0%} of the members' are" in str(error.value)
    assert '[data] rename = {"other.nc" = {u10 = "u10_other"}}' in str(error.value)


def _cds_members_and_spread(folder):
    """The new CDS's ERA5 EDA ensemble_members (t2m in K, msl in Pa, number 0…3) and ensemble_spread (their standard
    deviation, GRIB_dataType 'es') files, monthly 2000–2002 on 3 × 4 cells."""
    rng = np.random.default_rng(5)
    times = np.array([f"{2000 + month // 12}-{month % 12 + 1:02d}-01" for month in range(36)], dtype="datetime64[ns]")
    shape = (4, 36, 3, 4)
    season = 10 * np.sin(2 * np.pi * np.arange(36) / 12)[None, :, None, None]
    dims = ("number", "valid_time", "latitude", "longitude")
    members = xr.Dataset(
        {"t2m": (dims, 280 + season + rng.normal(0, 1, shape), {"units": "K", "GRIB_dataType": "pf"}),
         "msl": (dims, 101000 + 100 * season + rng.normal(0, 80, shape), {"units": "Pa", "GRIB_dataType": "pf"})},
        coords={"number": ("number", [0, 1, 2, 3], {"standard_name": "realization"}), "valid_time": times,
                "latitude": ("latitude", [50.0, 49.5, 49.0], {"units": "degrees_north", "standard_name": "latitude"}),
                "longitude": ("longitude", [0.0, 0.5, 1.0, 1.5],
                              {"units": "degrees_east", "standard_name": "longitude"})})
    spread = members.std("number")
    for name in ("t2m", "msl"):
        spread[name].attrs = {**members[name].attrs, "GRIB_dataType": "es"}
    members.to_netcdf(folder / "era5_ensemble_members.nc")
    spread.to_netcdf(folder / "era5_ensemble_spread.nc")
    return members, spread


def test_info_on_members_and_their_spread_names_every_clash_at_once_and_takes_the_rename_it_advises(
        tmp_path, monkeypatch):
    """break48c A3, A4: `climann info DIR` on the CDS's ensemble_members and ensemble_spread files was refused with
    a [data] rename that info could not take, and the rename named t2m alone (train then refused msl). The refusal
    names both in one rename, as --rename options info takes; with them, info proposes a config that keeps the
    rename, and train reads the spreads under their new names (their values, numpy's standard deviation)."""
    monkeypatch.chdir(tmp_path)
    draw_no_run_figures(monkeypatch)
    members, spread = _cds_members_and_spread(tmp_path)
    refused = CliRunner().invoke(app, ["info", "."])
    assert refused.exit_code == 2
    line = refused.output.strip().splitlines()[-1]
    assert "('msl' likewise)" in line
    options = ("--rename 'era5_ensemble_spread.nc:t2m=t2m_spread' --rename 'era5_ensemble_spread.nc:msl=msl_spread'")
    assert options in line and '{"era5_ensemble_spread.nc" = {t2m = "t2m_spread", msl = "msl_spread"}}' in line
    result = CliRunner().invoke(app, ["info", ".", "--rename", "era5_ensemble_spread.nc:t2m=t2m_spread",
                                      "--rename", "era5_ensemble_spread.nc:msl=msl_spread"])
    assert result.exit_code == 0, result.output
    data = tomllib.loads(result.stdout)["data"]
    assert data["rename"] == {"era5_ensemble_spread.nc": {"t2m": "t2m_spread", "msl": "msl_spread"}}
    # the spreads are no default predictors since fix54e (an error estimate, as ancillary data): named in a note
    assert data["target"] == "t2m" and not {"t2m_spread", "msl_spread"} & set(data["predictors"])
    comments = " ".join(line.lstrip("# ").strip() for line in result.stdout.splitlines() if line.startswith("#"))
    assert re.search(r"left out of the default predictors: (t2m_spread|msl_spread) \([^)]*\), "
                     r"(t2m_spread|msl_spread) \([^)]*\): ensemble spreads", comments), comments
    opened = select_values(open_dataset([tmp_path / "era5_ensemble_members.nc", tmp_path / "era5_ensemble_spread.nc"],
                                        rename=data["rename"]), data["select"])
    np.testing.assert_allclose(opened["msl_spread"].values, members["msl"].values.std(axis=0))
    np.testing.assert_allclose(opened["t2m"].values, members["t2m"].sel(number=data["select"]["number"]).values)


def _cmip_members(folder):
    """Two CMIP6 members' Amon files in one folder (break52c A1): ``pr`` and ``tas`` of r1i1p1f1 and r2i1p1f1, the
    member said by the global attributes alone (``realization_index``, ``variant_label``), member 2 1 K warmer."""
    folder.mkdir()
    dataset = grid_dataset()[["tas"]]
    files = []
    for index in (1, 2):
        label = f"r{index}i1p1f1"
        for name in ("pr", "tas"):
            member = dataset.rename(tas=name) + (index - 1)
            member.attrs = {"source_id": "CanESM5", "experiment_id": "historical", "variant_label": label,
                            "realization_index": np.int32(index), "tracking_id": f"hdl:{index}{name}"}
            path = folder / f"{name}_Amon_CanESM5_historical_{label}_gn_199501-200412.nc"
            member.to_netcdf(path)
            files.append(path)
    return sorted(files), dataset["tas"].values


def test_member_files_are_told_target_first_and_joined_into_a_new_folder_that_trains(tmp_path, monkeypatch):
    """break52c A1: the refusal named pr (not the target tas) of one pair, and its join, written beside r1's files,
    was taken by the next run's glob, whose refusal joined it again with r1's file as a 'control' (realization 0, 1,
    2, of which 0 and 1 the same data), and so on; the joined file said variant_label = r1i1p1f1. The target's files
    come first, the other variables are counted, one member's glob is given; the join, run as printed, writes into
    a new folder, keeps no variant_label, and the glob over the members' folder is refused the same way again,
    never a join of the join."""
    files, tas = _cmip_members(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as error:
        open_dataset(expand_paths("data/*.nc"), grid_of="tas")
    message = bare_python(str(error.value))
    assert message.startswith(
        "'tas' is in both tas_Amon_CanESM5_historical_r1i1p1f1_gn_199501-200412.nc and "
        "tas_Amon_CanESM5_historical_r2i1p1f1_gn_199501-200412.nc at the same times: two ensemble members (global "
        "attribute realization_index: 1, 2); 1 other variable of these files (pr) is members alike; climann trains "
        "on one member at a time: give one member's files (--data 'data/*_r1i1p1f1_*.nc' in place of the glob that "
        "takes every member's), or join the members' files along 'realization' (python -c")
    joined = tmp_path / "data" / "members" / "tas_Amon_CanESM5_historical_r1i1p1f1_gn_199501-200412_members.nc"
    assert f"give {joined.relative_to(tmp_path)} in place of them" in message
    one_member = open_dataset(expand_paths("data/*_r1i1p1f1_*.nc"), grid_of="tas")  # the glob given works
    np.testing.assert_allclose(one_member["tas"].values, tas, rtol=1e-6)
    line = message.split('python -c "', 1)[1].split('")', 1)[0]
    assert run_python("-c", line, cwd=tmp_path).returncode == 0
    assert sorted(path.name for path in (tmp_path / "data").glob("*.nc")) == [path.name for path in files]
    with xr.open_dataset(joined) as written:  # the file as written (climann.data.handles is for climann's reads)
        assert "variant_label" not in written.attrs and "realization_index" not in written.attrs
        assert written.attrs["source_id"] == "CanESM5"
        np.testing.assert_array_equal(written["realization"].values, [1, 2])
    chosen = select_values(open_dataset([joined], grid_of="tas"), {"realization": 2})
    np.testing.assert_allclose(chosen["tas"].squeeze().values, tas + 1, rtol=1e-6)
    with pytest.raises(ClimannError) as again:  # the same glob again: the same refusal, not a join of the join
        open_dataset(expand_paths("data/*.nc"), grid_of="tas")
    assert str(again.value).startswith(message.split(" (python -c")[0])
    opened = re.findall(r"xr\.open_mfdataset\(\[([^\]]*)\]", str(again.value))  # each member's files, no join
    assert opened == [repr(f"data/{path.name}") for path in files if path.name.startswith("tas_")]


def test_a_join_given_beside_the_files_it_joins_is_named_as_such(tmp_path, monkeypatch):
    """break52c A1: the join beside r1's file was refused as 'members of one ensemble along realization (a control
    forecast beside the perturbed ones)', with a line stacking r1 on the join as realization 0."""
    files, _ = _cmip_members(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as error:
        open_dataset(expand_paths("data/*.nc"), grid_of="tas")
    line = str(error.value).split('python -c "', 1)[1].split('")', 1)[0]
    assert run_python("-c", line, cwd=tmp_path).returncode == 0
    joined = Path("data/members/tas_Amon_CanESM5_historical_r1i1p1f1_gn_199501-200412_members.nc")
    with pytest.raises(ClimannError) as beside:
        open_dataset([*expand_paths("data/*_r1i1p1f1_*.nc"), joined], grid_of="tas")
    assert str(beside.value) == (
        "'tas' is in both tas_Amon_CanESM5_historical_r1i1p1f1_gn_199501-200412.nc and "
        "tas_Amon_CanESM5_historical_r1i1p1f1_gn_199501-200412_members.nc at the same times: "
        "tas_Amon_CanESM5_historical_r1i1p1f1_gn_199501-200412_members.nc is named as the members' files joined along "
        "'realization' (realization 1…2), as the line climann advises writes, and is given beside the files it joins: "
        "give the joined file in place of them (leave 'data/tas_Amon_CanESM5_historical_r1i1p1f1_gn_199501-200412.nc' "
        "out of --data), or one member's files without it")
    assert "control" not in str(beside.value)


def _nemo_copies_given(tmp_path, layout: str):
    """ORAS5-like data beside a NEMO 3.6 mesh_mask.nc (e1t, e2t, no e1e2t), the e1t·e2t line of its note run by
    bash as printed (copies in new folders: cell_measures/ and cell_areas/), and the --data given the originals and
    the copies together as ``layout`` says: the paths, in order, and e1t·e2t."""
    from climann.data.defaults import default_inputs

    dataset = grid_dataset(n_years=4)
    if layout == "one-folder":
        dataset[["tas", "pred"]].to_netcdf(tmp_path / "grid_T.nc")
        data = ["grid_T.nc"]
    else:
        (tmp_path / "oras5").mkdir()
        for year in range(4):
            dataset[["tas", "pred"]].isel(time=slice(12 * year, 12 * year + 12)).to_netcdf(
                tmp_path / "oras5" / f"grid_T_{year}.nc")
        data = ["oras5/*.nc"]
    e1t = 2.2e6 * np.cos(np.deg2rad(dataset["lat"].values))[:, None] * np.ones((1, 6))
    # e1t·e2t off the cells' own areas by up to 7 % (more: areas of other cells, refused; break57a A2)
    e2t = np.full((4, 6), 1.67e6) * (1.0 + 0.03 * np.arange(6))
    xr.Dataset({name: (("t", "lat", "lon"), values[None]) for name, values in {"e1t": e1t, "e2t": e2t}.items()},
               coords={"lat": dataset["lat"], "lon": dataset["lon"]}).to_netcdf(tmp_path / "mesh_mask.nc")
    with open_dataset(expand_paths([*data, "mesh_mask.nc"])) as opened:
        (note,) = [note for note in default_inputs(opened, "tas").notes("tas") if "to weigh them by e1t·e2t" in note]
    (line,) = re.findall(r"to weigh them by e1t·e2t: `([^`]+)`", note)
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    given = {"one-folder": ["*.nc", "cell_areas/*.nc"],
             "series-originals-first": ["oras5/*.nc", "oras5/cell_measures/*.nc", "mesh_mask.nc",
                                        "cell_areas/mesh_mask.nc"],
             "series-copies-first": ["oras5/cell_measures/*.nc", "oras5/*.nc", "cell_areas/mesh_mask.nc",
                                     "mesh_mask.nc"]}[layout]
    return given, e1t * e2t


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="NCO's ncatted is not installed")
@pytest.mark.parametrize("layout", [pytest.param("series-originals-first", id="series-originals-first"),
                                    pytest.param("series-copies-first", id="series-copies-first"),
                                    pytest.param("one-folder", id="one-folder-originals-first")])
def test_originals_given_with_their_cell_measures_copies_weigh_the_scores_by_e1t_e2t(tmp_path, monkeypatch, layout):
    """fix57c: the NEMO e1t·e2t line's copies (cell_measures/, cell_areas/) given in one --data with the files they
    copy: the copy of the target's file was left out as a duplicate of its original (the file given first), which
    names no cell_measures, and the scores were weighed by climann's computed areas with no word. Now the copy that
    names the cells' areas is the one used, with a warning; the test MSE of the climatology is numpy's weighted by
    e1t·e2t."""
    from climann.evaluation.predictions import split_labels

    monkeypatch.chdir(tmp_path)
    draw_no_run_figures(monkeypatch)
    given, areas = _nemo_copies_given(tmp_path, layout)
    config = build_config({"data": {"paths": given, "target": "tas", "predictors": ["pred"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}})
    run = run_training(config, run_dir=tmp_path / "run")
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["cell_areas"] == "e1e2t"
    log = (tmp_path / "run" / "train.log").read_text()
    warned = re.search(r"by (copies|a copy) whose cell_measures \('area: e1e2t'\) names the cells' areas", log)
    assert (warned is not None) == (layout != "series-copies-first")  # the copies first were kept before
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        block = predictions.isel(time=np.flatnonzero(split_labels(predictions["split"]) == "test"))
        error = block["tas_climatology"].values - block["tas"].values.astype(np.float64)
        present = np.isfinite(error) & np.isfinite(block["tas_pred"].values)
        weights = np.broadcast_to(areas, error.shape)[present]
    assert run.metrics["splits"]["test"]["climatology"]["mse"] == pytest.approx(
        np.sum(weights * error[present] ** 2) / np.sum(weights), rel=1e-6)


def test_copies_whose_cell_measures_name_other_areas_are_refused(tmp_path):
    """fix57c: the same values at the same times, one file naming areacello, the other e1e2t: which areas weigh the
    scores is not left to the files' order."""
    dataset = grid_dataset(n_years=1)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder, area in (("a", "areacello"), ("b", "e1e2t")):
        copy = dataset[["tas"]].copy()
        copy["tas"].attrs["cell_measures"] = f"area: {area}"
        copy.to_netcdf(tmp_path / folder / "tas.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "a" / "tas.nc", tmp_path / "b" / "tas.nc"])
    assert str(error.value) == (
        "'tas' is in both a/tas.nc and b/tas.nc at the same times with the same values, but their cell_measures "
        "differ ('area: areacello' in a/tas.nc, 'area: e1e2t' in b/tas.nc): the scores are weighed by the cell areas "
        "it names, which the files' order would choose; leave the file whose cell_measures is not wanted out of the "
        "files given")


def test_a_copy_naming_cell_areas_is_kept_in_place_of_its_original_with_one_warning(tmp_path, caplog):
    """fix57c: the original first, its copy with cell_measures second, another variable in both: the target is read
    from the copy (its cell_measures kept), the other variable from the original, and one warning names both."""
    dataset = grid_dataset(n_years=1)
    (tmp_path / "data" / "cell_measures").mkdir(parents=True)
    dataset[["tas", "pred"]].to_netcdf(tmp_path / "data" / "tas.nc")
    copy = dataset[["tas", "pred"]].copy()
    copy["tas"].attrs["cell_measures"] = "area: areacella"
    copy.to_netcdf(tmp_path / "data" / "cell_measures" / "tas.nc")
    with caplog.at_level(logging.INFO, logger="climann.data.duplicate_files"):
        opened = open_dataset([tmp_path / "data" / "tas.nc", tmp_path / "data" / "cell_measures" / "tas.nc"])
    assert opened["tas"].attrs["cell_measures"] == "area: areacella"
    np.testing.assert_allclose(opened["tas"].values, dataset["tas"].values, rtol=1e-6)
    np.testing.assert_allclose(opened["pred"].values, dataset["pred"].values, rtol=1e-6)
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert warnings == [
        "'tas' of data/tas.nc is held again, with the same values at the same times, by a copy whose cell_measures "
        "('area: areacella') names the cells' areas (cell_measures/tas.nc): that copy is used, so that the scores are "
        "weighed by those areas; give the copies alone in --data, without the files they copy, to be rid of this "
        "warning"]
    assert "'pred' in tas.nc is a copy of tas.nc" in caplog.text
