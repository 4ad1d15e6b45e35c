"""One variable's files joined along time from one simulation only (climann.data.simulations, through
open_dataset and the CLI).

Before, tas of two EURO-CORDEX regional models (RCA4 2001-2003, RACMO22E 2004-2005) were refused only for their
calendars; after the advised calendar conversion they were spliced into one series, trained on one model and
tested on the other, exit 0 (break30a A4).
"""

import json

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.errors import ClimannError
from climann.workflow.terminal import with_positional_paths
from tests.conftest import grid_dataset, monthly_times

#: Global attributes of two EURO-CORDEX simulations (CORDEX Archive Design).
RCA4 = {"project_id": "CORDEX", "experiment_id": "historical", "driving_model_id": "MPI-M-MPI-ESM-LR",
        "driving_model_ensemble_member": "r1i1p1", "model_id": "SMHI-RCA4", "rcm_version_id": "v1"}
RACMO = {**RCA4, "driving_model_id": "MOHC-HadGEM2-ES", "model_id": "KNMI-RACMO22E"}

#: Global attributes of a CMIP6 run (CMIP6 Global Attributes, DRS, Filenames, …).
CMIP6 = {"mip_era": "CMIP6", "experiment_id": "historical", "source_id": "FAKE-ESM", "variant_label": "r1i1p1f1"}


def _years(folder, name, first_year, n_years, attributes, *, calendar="noleap"):
    """tas and pred of the years from ``first_year`` (of one 4-year field from 2000, so that joined files give
    its values) in ``folder/name``, with the global ``attributes``, dated in ``calendar``."""
    full = grid_dataset(n_years=4)[["tas", "pred"]]
    part = full.isel(time=slice(12 * (first_year - 2000), 12 * (first_year - 2000 + n_years)))
    part = part.assign_coords(time=monthly_times(n_years, calendar, first_year)).assign_attrs(attributes)
    part.to_netcdf(folder / name)
    return folder / name


@pytest.mark.parametrize("first, second, attribute, values", [
    pytest.param(RCA4, RACMO, "model_id", ("SMHI-RCA4", "KNMI-RACMO22E"), id="cordex-regional-models"),
    pytest.param({**RCA4, "model_id": "SMHI-RCA4"}, {**RCA4, "driving_model_id": "MOHC-HadGEM2-ES"},
                 "driving_model_id", ("MPI-M-MPI-ESM-LR", "MOHC-HadGEM2-ES"), id="cordex-driving-models"),
    pytest.param(CMIP6, {**CMIP6, "source_id": "OTHER-ESM"}, "source_id", ("FAKE-ESM", "OTHER-ESM"),
                 id="cmip6-models"),
    pytest.param(CMIP6, {**CMIP6, "variant_label": "r2i1p1f1"}, "variant_label", ("r1i1p1f1", "r2i1p1f1"),
                 id="cmip6-members"),
    pytest.param({"model_id": "MPI-ESM-LR", "realization": 1}, {"model_id": "MPI-ESM-LR", "realization": 2},
                 "realization", ("1", "2"), id="cmip5-members"),
])
@pytest.mark.parametrize("calendars", [
    pytest.param(("noleap", "noleap"), id="one-calendar"),
    pytest.param(("proleptic_gregorian", "360_day"), id="two-calendars"),
])
def test_one_variable_of_two_simulations_in_consecutive_files_is_refused_naming_them(
        tmp_path, first, second, attribute, values, calendars):
    """Two calendars: the calendars were named alone before (with advice to convert one), now the models first."""
    files = [_years(tmp_path, "tas_a_2000-2001.nc", 2000, 2, first, calendar=calendars[0]),
             _years(tmp_path, "tas_b_2002-2003.nc", 2002, 2, second, calendar=calendars[1])]
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    message = str(error.value)
    kind = {"model_id": "models", "source_id": "models", "driving_model_id": "driving models"}.get(attribute,
                                                                                                 "ensemble members")
    assert message.startswith(f"'tas' comes from two {kind} in the files given: ") and "\n" not in message
    assert (f"global attribute {attribute} is {values[0]} in tas_a_2000-2001.nc and {values[1]} in "
            f"tas_b_2002-2003.nc") in message
    assert message.endswith(f"; joined along time they would make one series that changes simulation between "
                            f"files: give one simulation's files at a time, e.g. give --data "
                            f"{tmp_path}/tas_a_2000-2001.nc in place of the --data given (the other options as before), "
                            f"then score that run on another with climann evaluate RUN --data "
                            f"{tmp_path}/tas_b_2002-2003.nc --out SCORES")


def test_both_attributes_of_two_cordex_simulations_are_named(tmp_path):
    files = [_years(tmp_path, "tas_rca4.nc", 2000, 2, RCA4), _years(tmp_path, "tas_racmo.nc", 2002, 2, RACMO)]
    # in the order of the files' names, whichever order a command opens them in (break41c A1)
    with pytest.raises(ClimannError, match=r"global attribute model_id is KNMI-RACMO22E in tas_racmo.nc and "
                                           r"SMHI-RCA4 in tas_rca4.nc \(and driving_model_id MOHC-HadGEM2-ES, "
                                           r"MPI-M-MPI-ESM-LR\); "):
        open_dataset(files)


def test_files_of_two_simulations_with_a_gap_between_them_are_refused(tmp_path):
    """Joined along time whether consecutive or not."""
    files = [_years(tmp_path, "tas_2000.nc", 2000, 1, CMIP6),
             _years(tmp_path, "tas_2003.nc", 2003, 1, {**CMIP6, "source_id": "OTHER-ESM"})]
    with pytest.raises(ClimannError, match="global attribute source_id is FAKE-ESM in tas_2000.nc and OTHER-ESM"):
        open_dataset(files)


def test_the_cli_refuses_two_cordex_models_in_one_line_with_exit_code_2(tmp_path):
    _years(tmp_path, "tas_EUR-44_MPI-M-MPI-ESM-LR_historical_r1i1p1_SMHI-RCA4_v1_mon_200001-200112.nc", 2000, 2,
           RCA4, calendar="360_day")
    _years(tmp_path, "tas_EUR-44_MOHC-HadGEM2-ES_historical_r1i1p1_KNMI-RACMO22E_v1_mon_200201-200312.nc", 2002, 2,
           RACMO, calendar="360_day")
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "tas_*.nc"), "--target", "tas",
                                      "--epochs", "1", "--out", str(tmp_path / "run")])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert line.startswith("climann: error: 'tas' comes from two models in the files given: global attribute "
                           "model_id is KNMI-RACMO22E in tas_EUR-44_MOHC-HadGEM2-ES_") and "\n" not in line
    assert " and SMHI-RCA4 in tas_EUR-44_MPI-M-MPI-ESM-LR_historical_r1i1p1_SMHI-RCA4_v1_mon_200001-200112.nc" in line
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("scenario", [
    pytest.param({**CMIP6, "experiment_id": "ssp585"}, id="same-member"),
    pytest.param({**CMIP6, "experiment_id": "ssp585", "variant_label": "r1i1p1f2",
                  "parent_variant_label": "r1i1p1f1", "parent_source_id": "FAKE-ESM"}, id="member-naming-its-parent"),
    pytest.param({**RCA4, "experiment_id": "rcp85"}, id="cordex-scenario"),
])
def test_a_historical_run_and_its_scenario_of_one_simulation_are_one_series(tmp_path, scenario):
    historical = {**CMIP6} if "source_id" in scenario else {**RCA4}
    files = [_years(tmp_path, "tas_historical.nc", 2000, 2, historical),
             _years(tmp_path, "tas_scenario.nc", 2002, 2, scenario)]
    np.testing.assert_array_equal(open_dataset(files)["tas"].values, grid_dataset(n_years=4)["tas"].values)


@pytest.mark.parametrize("attributes", [
    pytest.param(({}, {}), id="none"),
    pytest.param((CMIP6, {}), id="one-file-only"),
    pytest.param(({"title": "run A", "institution": "X"}, {"title": "run B", "institution": "Y"}), id="other"),
])
def test_files_without_simulation_attributes_are_joined_as_before(tmp_path, attributes):
    files = [_years(tmp_path, "tas_2000-2001.nc", 2000, 2, attributes[0]),
             _years(tmp_path, "tas_2002-2003.nc", 2002, 2, attributes[1])]
    np.testing.assert_array_equal(open_dataset(files)["tas"].values, grid_dataset(n_years=4)["tas"].values)


def test_two_simulations_of_other_variables_are_not_judged_together(tmp_path):
    """tas of one model, pred of another, each one file: nothing is joined along time."""
    full = grid_dataset(n_years=2)
    full[["tas"]].assign_attrs(CMIP6).to_netcdf(tmp_path / "tas.nc")
    full[["pred"]].assign_attrs({**CMIP6, "source_id": "OTHER-ESM"}).to_netcdf(tmp_path / "pred.nc")
    np.testing.assert_array_equal(open_dataset(sorted(tmp_path.glob("*.nc")))["pred"].values, full["pred"].values)


def test_two_members_at_the_same_times_are_still_refused_as_one_variable_held_twice(tmp_path):
    """Not joined along time: climann.data.duplicate_files' refusal and its way out, as before."""
    files = [_years(tmp_path, "tas_a.nc", 2000, 2, CMIP6),
             _years(tmp_path, "tas_b.nc", 2000, 2, {**CMIP6, "variant_label": "r2i1p1f1"})]
    with pytest.raises(ClimannError, match=r"^'tas' is in both tas_a.nc and tas_b.nc at the same times: two ensemble "
                                           r"members \(global attribute variant_label: r1i1p1f1, r2i1p1f1\)"):
        open_dataset(files)


def _member_years(folder, name, first_year, coordinate, value, attributes=None):
    """:func:`_years` (without global attributes unless given), its member said by a scalar coordinate (CF §5.7)."""
    path = _years(folder, name, first_year, 2, attributes or {})
    with xr.open_dataset(path) as opened:
        labelled = opened.load().assign_coords({coordinate: ((), value, {"standard_name": "realization"})})
    labelled.to_netcdf(path)
    return path


@pytest.mark.parametrize("coordinate, values", [
    pytest.param("realization", ("r1i1p1f1", "r2i1p1f1"), id="cf-realization-label"),
    pytest.param("member_id", ("r1i1p1f1", "r3i1p1f1"), id="cmip6-member_id"),
    pytest.param("realization", (1, 2), id="member-number"),
])
def test_two_members_said_by_a_scalar_coordinate_in_consecutive_files_are_refused(tmp_path, coordinate, values):
    """fix31c: joined into one series, info showed the first file's member as the series' own."""
    files = [_member_years(tmp_path, "tas_a_2000-2001.nc", 2000, coordinate, values[0]),
             _member_years(tmp_path, "tas_b_2002-2003.nc", 2002, coordinate, values[1])]
    with pytest.raises(ClimannError) as error:
        open_dataset(files)
    assert str(error.value).startswith(
        f"'tas' comes from two ensemble members in the files given: member coordinate {coordinate} is {values[0]} in "
        f"tas_a_2000-2001.nc and {values[1]} in tas_b_2002-2003.nc; ")


def test_a_scenario_member_naming_the_historical_member_as_its_parent_is_one_series(tmp_path):
    """As for variant_label: CMIP6's parent_variant_label links the two runs' member coordinates."""
    files = [_member_years(tmp_path, "tas_historical.nc", 2000, "realization", "r1i1p1f1"),
             _member_years(tmp_path, "tas_scenario.nc", 2002, "realization", "r1i1p1f2",
                           {"parent_variant_label": "r1i1p1f1"})]
    np.testing.assert_array_equal(open_dataset(files)["tas"].values, grid_dataset(n_years=4)["tas"].values)


def test_one_member_said_by_a_scalar_coordinate_stored_as_integer_and_float_is_one_series(tmp_path):
    files = [_member_years(tmp_path, "tas_2000-2001.nc", 2000, "realization", 1),
             _member_years(tmp_path, "tas_2002-2003.nc", 2002, "realization", 1.0)]
    np.testing.assert_array_equal(open_dataset(files)["tas"].values, grid_dataset(n_years=4)["tas"].values)


def test_split_files_train_on_one_model_and_test_on_another(tmp_path):
    """Each block is opened on its own: the train block's two files of RCA4, val and test of RACMO."""
    blocks: dict[str, list[str]] = {}
    for block, name, year, attributes in [("train", "rca4_2000.nc", 2000, RCA4), ("train", "rca4_2001.nc", 2001, RCA4),
                                          ("val", "racmo_2002.nc", 2002, RACMO), ("test", "racmo_2003.nc", 2003, RACMO)]:
        blocks.setdefault(block, []).append(str(_years(tmp_path, name, year, 1, attributes)))
    arguments = [part for block, paths in blocks.items() for part in ("--split-files", f"{block}={','.join(paths)}")]
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["train", *arguments, "--target", "tas", "--predictors", "pred", "--epochs", "1",
                                      "--hidden", "4", "--out", str(out), "--quiet", "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    cells = 4 * 6
    assert metrics["n_samples"] == {"train": 2 * 12 * cells, "val": 12 * cells, "test": 12 * cells}


#: Three CMIP6 models of one period (break41c A1): each model's grid (n_lat, n_lon), calendar and member.
THREE_MODELS = {"CESM2": ((4, 6), "noleap", "r1i1p1f1"), "MPI-ESM1-2-LR": ((3, 4), "proleptic_gregorian", "r1i1p1f1"),
                "UKESM1-0-LL": ((3, 4), "360_day", "r1i1p1f2")}


def _model_file(folder, model, first_year, n_years, *, same_grid_and_calendar=False):
    """tas and pred of one CMIP6 model (:data:`THREE_MODELS`) in ``folder``, named as CMIP6 names its files;
    ``same_grid_and_calendar``: on a 3 × 4 grid in the noleap calendar, whichever the model."""
    (n_lat, n_lon), calendar, member = THREE_MODELS[model]
    (n_lat, n_lon), calendar = ((3, 4), "noleap") if same_grid_and_calendar else ((n_lat, n_lon), calendar)
    dataset = grid_dataset(n_years=n_years, n_lat=n_lat, n_lon=n_lon, calendar=calendar)[["tas", "pred"]]
    dataset = dataset.assign_coords(time=monthly_times(n_years, calendar, first_year))
    path = folder / f"tas_Amon_{model}_historical_{member}_gn_{first_year}01-{first_year + n_years - 1}12.nc"
    dataset.assign_attrs({**CMIP6, "source_id": model, "variant_label": member}).to_netcdf(path)
    return path


def _advised(message, pattern):
    """The words of the command the refusal ``message`` advises, matched by ``pattern`` (one group)."""
    import re
    import shlex

    found = re.search(pattern, message)
    assert found is not None, message
    return shlex.split(found.group(1))


def test_three_models_of_one_period_are_named_alike_by_info_and_train_and_the_way_out_runs(tmp_path):
    """break41c A1: tas of three models over the same years, on two grids, was refused as "two models … joined
    along time they would make one series", info and train naming different pairs (info opens the most common
    grid's files); the advised ``--split-files train=…, test=…`` was refused ("no files for val"). Now both name
    the three models and their years, and the way out (one model's run, scored on another) runs as written."""
    folder = tmp_path / "cmip"
    folder.mkdir()
    files = {model: _model_file(folder, model, 2000, 2) for model in THREE_MODELS}
    shown = CliRunner().invoke(app, ["info", str(folder)])
    trained = CliRunner().invoke(app, ["train", "--data", str(folder), "--out", str(tmp_path / "refused")])
    assert shown.exit_code == trained.exit_code == 2, (shown.output, trained.output)
    # info's words take its files as paths ("give A in place of the paths given"): the same refusal
    assert shown.output == with_positional_paths(trained.output)
    assert "in place of the paths given (the other options as before)" in shown.output
    message = trained.output.strip().removeprefix("climann: error: ")
    names = {model: path.name for model, path in files.items()}
    assert message.startswith(
        f"'tas' comes from three models in the files given: global attribute source_id is CESM2 in {names['CESM2']}, "
        f"MPI-ESM1-2-LR in {names['MPI-ESM1-2-LR']} and UKESM1-0-LL in {names['UKESM1-0-LL']} (and variant_label "
        f"r1i1p1f1, r1i1p1f2); they cover the same years (CESM2 2000–2001, MPI-ESM1-2-LR 2000–2001, UKESM1-0-LL "
        f"2000–2001), runs side by side, not one series: ")
    assert not (tmp_path / "refused").exists()
    train = _advised(message, r"e\.g\. give (.*?) in place of the --data given")
    evaluate = _advised(message, r"climann evaluate RUN (.*?) --out SCORES")
    assert train == ["--data", str(files["CESM2"])] and evaluate == ["--data", str(files["MPI-ESM1-2-LR"])]
    scores = _trained_and_evaluated(tmp_path, train, evaluate)
    assert scores["n_samples"]["all"] == 2 * 12 * 3 * 4


def test_the_split_by_files_advised_for_three_models_one_after_another_runs(tmp_path):
    """Three models in one calendar and on one grid, one after another: the advised split by files names a
    train, a val and a test block (a split needs the three), and runs as written."""
    folder = tmp_path / "cmip"
    folder.mkdir()
    for year, model in zip((2000, 2002, 2004), THREE_MODELS):
        _model_file(folder, model, year, 2, same_grid_and_calendar=True)
    with pytest.raises(ClimannError) as error:
        open_dataset(sorted(folder.glob("*.nc")))
    message = str(error.value)
    assert "comes from three models" in message and "joined along time they would make one series" in message
    split = _advised(message, r"or train on some and test on another: give (.*) in place of the --data given$")
    assert [word.split("=")[0] for word in split[1::2]] == ["train", "val", "test"]
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["train", *split, "--target", "tas", "--predictors", "pred", "--epochs", "1",
                                      "--hidden", "4", "--out", str(out), "--quiet", "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    cells = 3 * 4
    assert json.loads((out / "metrics.json").read_text())["n_samples"] == {"train": 24 * cells, "val": 24 * cells,
                                                                           "test": 24 * cells}


#: Five CMIP6 models of one period (break46a A3): each model's grid (n_lat, n_lon) and calendar; three share a grid
#: and a calendar (365_day and noleap are one), listed so that the first three files' names are not those three.
FIVE_MODELS = {"ACCESS-CM2": ((4, 6), "proleptic_gregorian"), "BCC-CSM2-MR": ((3, 4), "365_day"),
               "CanESM5": ((3, 5), "noleap"), "GFDL-ESM4": ((3, 4), "noleap"), "NorESM2-LM": ((3, 4), "noleap")}


def _five_models(folder, models):
    """tas and pred of ``models`` (:data:`FIVE_MODELS`), 2000–2001, one file each; {model: path}."""
    folder.mkdir()
    files = {}
    for model in models:
        (n_lat, n_lon), calendar = FIVE_MODELS[model]
        dataset = grid_dataset(n_years=2, n_lat=n_lat, n_lon=n_lon, calendar=calendar)[["tas", "pred"]]
        dataset = dataset.assign_coords(time=monthly_times(2, calendar, 2000))
        files[model] = folder / f"tas_Amon_{model}_historical_r1i1p1f1_gn_200001-200112.nc"
        dataset.assign_attrs({**CMIP6, "source_id": model}).to_netcdf(files[model])
    return files


def test_the_split_advised_for_many_models_has_one_model_a_block_on_one_grid_and_runs(tmp_path):
    """break46a A3: of six models side by side, the advised split put four in its train block, which train refused
    as printed ("comes from four models"), and its next advice two; the blocks were then refused for their calendars
    and grids. Now each block is one model, three that share a grid and a calendar, and the split runs as written:
    each block holds its model's 24 months of 3 × 4 cells."""
    files = _five_models(tmp_path / "cmip", FIVE_MODELS)
    with pytest.raises(ClimannError) as error:
        open_dataset(sorted(files.values()))
    message = str(error.value)
    assert "comes from five models" in message
    split = _advised(message, r"or train on some and test on another: give (.*) in place of the --data given$")
    assert split[0::2] == ["--split-files"] * 3
    assert split[1::2] == [f"{block}={files[model]}" for block, model in
                           zip(("train", "val", "test"), ("BCC-CSM2-MR", "GFDL-ESM4", "NorESM2-LM"))]
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["train", *split, "--target", "tas", "--predictors", "pred", "--epochs", "1",
                                      "--hidden", "4", "--out", str(out), "--quiet", "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "metrics.json").read_text())["n_samples"] == {"train": 24 * 12, "val": 24 * 12,
                                                                           "test": 24 * 12}


def test_no_split_is_advised_for_models_of_which_no_three_share_a_grid_and_a_calendar(tmp_path):
    """Three models on three grids (break46a A3, A5: a split of one model a block was refused for its calendars,
    then for its grids): the one-model run and its scores on another are advised, and why no split is."""
    files = _five_models(tmp_path / "cmip", ["ACCESS-CM2", "CanESM5", "GFDL-ESM4"])
    with pytest.raises(ClimannError) as error:
        open_dataset(sorted(files.values()))
    message = str(error.value)
    assert "--split-files" not in message
    assert message.endswith(f"--data {files['CanESM5']} --out SCORES (a split by files, one simulation a block, "
                            "needs three of them on one grid and in one calendar: no three of these are)")


@pytest.mark.parametrize("naming", [pytest.param("cmip", id="model-in-names"), pytest.param("interleaved", id="no-glob")])
def test_the_way_out_for_models_whose_variables_are_in_files_of_their_own_runs_as_printed(tmp_path, naming):
    """break47a A1: NEX-GDDP-CMIP6 gives each variable of each model a file a year; the refusal advised
    ``--data a.nc,b.nc,…`` (the files joined by commas), which ``--data`` reads as one name that matches no
    file. The advice is a glob of the model's files (its name between stars) or, when no glob takes exactly
    them, one ``--data`` a file: train and evaluate run as printed, on the printed models' files alone."""
    folder = tmp_path / "nex"
    folder.mkdir()
    names = {"cmip": lambda variable, model, index, year: f"{variable}_day_{model}_ssp245_r1i1p1f1_gn_{year}.nc",
             "interleaved": lambda variable, model, index, year: f"{variable}_{year}_{(index + year) % 3}.nc"}[naming]
    files = {}
    for index, (model, ((n_lat, n_lon), calendar, member)) in enumerate(THREE_MODELS.items()):
        dataset = grid_dataset(n_years=2, n_lat=n_lat, n_lon=n_lon, calendar=calendar)[["tas", "pred"]]
        dataset = dataset.assign_coords(time=monthly_times(2, calendar, 2000))
        dataset = dataset.assign_attrs({**CMIP6, "source_id": model, "variant_label": member})
        for variable in ("tas", "pred"):
            for year in (2000, 2001):
                path = folder / names(variable, model, index, year)
                dataset[[variable]].sel(time=dataset.time.dt.year == year).to_netcdf(path)
                files.setdefault(model, []).append(str(path))
    refused = CliRunner().invoke(app, ["train", "--data", str(folder), "--target", "tas", "--out", str(tmp_path / "no")])
    assert refused.exit_code == 2, refused.output
    message = refused.output.strip()
    train = _advised(message, r"e\.g\. give (.*?) in place of the --data given")
    evaluate = _advised(message, r"climann evaluate RUN (.*?) --out SCORES")
    assert "," not in " ".join(train + evaluate)
    if naming == "cmip":
        assert train == ["--data", str(folder / "*_CESM2_*")] and evaluate == ["--data", str(folder / "*_MPI-ESM1-2-LR_*")]
    else:
        assert set(train[::2]) == set(evaluate[::2]) == {"--data"}
        of_model = {tuple(sorted(paths)): model for model, paths in files.items()}
        trained_on, scored_on = of_model[tuple(sorted(train[1::2]))], of_model[tuple(sorted(evaluate[1::2]))]
        assert trained_on != scored_on
    scores = _trained_and_evaluated(tmp_path, train, evaluate)
    (n_lat, n_lon), _, _ = THREE_MODELS["MPI-ESM1-2-LR" if naming == "cmip" else scored_on]
    assert scores["n_samples"]["all"] == 2 * 12 * n_lat * n_lon


def _trained_and_evaluated(tmp_path, train: list[str], evaluate: list[str]) -> dict:
    """``climann train`` with the advised ``train`` options (tas from pred, one epoch), then ``climann
    evaluate`` of the run with the advised ``evaluate`` options, each asserted to exit 0: the
    evaluation's metrics.json."""
    run = tmp_path / "run"
    result = CliRunner().invoke(app, ["train", *train, "--target", "tas", "--predictors", "pred", "--epochs", "1",
                                      "--hidden", "4", "--out", str(run), "--quiet", "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    scored = CliRunner().invoke(app, ["evaluate", str(run), *evaluate, "--out", str(tmp_path / "scores")])
    assert scored.exit_code == 0, scored.output
    return json.loads((tmp_path / "scores" / "metrics.json").read_text())


def _members_by_level(folder, variable, member, first_year, n_years):
    """``variable`` (the fixture's tas or pred) of ``member`` on two levels (lev 5 and 15 m), the years from
    ``first_year``, in a CMIP6-named file with CMIP6's attributes."""
    field = grid_dataset(n_years=4)["pred" if variable == "so" else "tas"]
    field = field.isel(time=slice(12 * (first_year - 2000), 12 * (first_year - 2000 + n_years)))
    field = field.assign_coords(time=monthly_times(n_years, "noleap", first_year))
    levels = xr.DataArray([5.0, 15.0], dims="lev", attrs={"units": "m", "positive": "down", "axis": "Z"})
    field = xr.concat([field, field + 1], dim=levels).transpose("time", "lev", ...)
    dates = f"{first_year}01-{first_year + n_years - 1}12"
    path = folder / f"{variable}_Omon_FAKE-ESM_historical_{member}_gn_{dates}.nc"
    field.rename(variable).to_dataset().assign_attrs({**CMIP6, "variant_label": member}).to_netcdf(path)
    return path


def test_two_members_over_overlapping_years_are_named_by_their_own_files_and_the_way_out_keeps_the_options(tmp_path):
    """break57d A4: thetao of r1i1p1f1 (2000–2003) and r4i1p1f1 (2002–2003) beside so of r1i1p1f1 named so's file
    as thetao's r1 file, and advised ``climann train --data GLOB --out RUN``, which dropped the user's --target,
    --predictors and --select: pasted, "no target given". Now thetao's own file is named and the way out is the
    --data to give in the user's own command, which then trains on r1's files alone."""
    folder = tmp_path / "ece"
    folder.mkdir()
    own = _members_by_level(folder, "thetao", "r1i1p1f1", 2000, 4)
    _members_by_level(folder, "so", "r1i1p1f1", 2000, 4)
    other = _members_by_level(folder, "thetao", "r4i1p1f1", 2002, 2)
    options = ["--target", "thetao", "--predictors", "so", "--select", "lev=5", "--epochs", "1", "--hidden", "4",
               "--quiet", "--set", "evaluation.figures=false"]
    refused = CliRunner().invoke(app, ["train", "--data", str(folder), *options, "--out", str(tmp_path / "no")])
    assert refused.exit_code == 2, refused.output
    message = refused.output.strip()
    assert f"global attribute variant_label is r1i1p1f1 in {own.name} and r4i1p1f1 in {other.name};" in message
    data = _advised(message, r"e\.g\. give (.*?) in place of the --data given")
    assert data == ["--data", str(folder / "*o_Omon_FAKE-ESM_historical_r1i1p1f1_gn_200001-200312.nc")]
    run = tmp_path / "run"
    trained = CliRunner().invoke(app, ["train", *data, *options, "--out", str(run)])  # the user's command, as said
    assert trained.exit_code == 0, trained.output
    metrics = json.loads((run / "metrics.json").read_text())
    assert sum(metrics["n_samples"].values()) == 48 * 4 * 6  # r1's four years of 4 × 6 cells, lev 5 alone
