"""Variables renamed in some of the files, file by file (climann.data.renames)."""

import logging
import shlex
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from climann.data.renames import FileRenames
from climann.errors import ClimannError
from tests.followed_twice import run_one_copy, without_guards
from tests.fresh_python import bare_python, run_python


def _file(**variables: str) -> xr.Dataset:
    """A one-step dataset with the variables named (values 0, 1, …)."""
    return xr.Dataset({name: ("time", np.array([float(i)])) for i, name in enumerate(variables)})


ERA5, CMIP = Path("/data/era5/t2m_1990.nc"), Path("/data/cmip/tas_1994.nc")


def test_a_rule_renames_the_old_name_where_a_matched_file_holds_it():
    """``'*:t2m=tas'`` over ERA5 (``t2m``) and CMIP (``tas``) files: the ERA5 file's ``t2m``
    becomes ``tas``, the CMIP file is left as it is."""
    renames = FileRenames([ERA5, CMIP], {"*": {"t2m": "tas"}})
    era5 = renames.applied(_file(t2m="", rsdt=""), ERA5)
    cmip = renames.applied(_file(tas="", rsdt=""), CMIP)
    assert list(era5.data_vars) == ["tas", "rsdt"] and list(cmip.data_vars) == ["tas", "rsdt"]
    assert float(era5["tas"][0]) == 0.0  # the values of t2m
    renames.check_applied()
    assert renames.original_name(ERA5, "tas", {"t2m", "rsdt"}) == "t2m"
    assert renames.original_name(CMIP, "tas", {"tas", "rsdt"}) == "tas"
    assert renames.original_name(ERA5, "t2m", {"t2m", "rsdt"}) is None  # renamed away


def test_an_old_name_that_none_of_the_matched_files_holds_is_refused_with_their_variables():
    renames = FileRenames([ERA5, CMIP], {"*": {"t2n": "tas"}})
    renames.applied(_file(t2m="", rsdt=""), ERA5)
    renames.applied(_file(tas="", rsdt=""), CMIP)
    with pytest.raises(ClimannError, match=r"^rename: 't2n' is not in t2m_1990.nc, tas_1994.nc; their variables: "
                                           r"t2m, rsdt, tas$"):
        renames.check_applied()


def test_a_file_holding_both_the_old_and_the_new_name_is_refused():
    """Renaming ``t2m`` to ``tas`` in a file that has a ``tas`` already would lose one of them."""
    renames = FileRenames([ERA5], {"t2m_*": {"t2m": "tas"}})
    with pytest.raises(ClimannError, match=r"^rename: t2m_1990.nc has both 't2m' and 'tas'; .*pattern 't2m_\*'$"):
        renames.applied(_file(t2m="", tas=""), ERA5)


@pytest.mark.parametrize("pattern, matched", [
    pytest.param("*era5*", [], id="name-only-without-slash"),
    pytest.param("t2m_*", [ERA5], id="file-name"),
    pytest.param("/data/era5/*", [ERA5], id="absolute-path"),
    pytest.param("*/cmip/*", [CMIP], id="any-folder"),
])
def test_a_pattern_without_a_slash_matches_names_and_one_with_a_slash_paths(pattern, matched):
    if not matched:
        with pytest.raises(ClimannError, match=rf"^rename pattern '{pattern}' matches none of the files$".replace("*", r"\*")):
            FileRenames([ERA5, CMIP], {pattern: {"t2m": "tas"}})
        return
    renames = FileRenames([ERA5, CMIP], {pattern: {"t2m": "tas"}})
    assert [path for path in (ERA5, CMIP) if renames.mapping(path)] == matched


SERIES, STATIC = Path("/data/era5/era5_B.nc"), Path("/data/era5/era5_B_invariant.nc")


def test_a_pattern_whose_files_an_earlier_pattern_takes_is_refused_naming_them_and_that_pattern():
    """break28b A4: ``'era5_B*'`` before ``'era5_B_inv*'`` takes era5_B_invariant.nc, so the
    second rule renames nothing; it was said to match none of the files, which it does."""
    rules = {"era5_B*": {"t2m": "tas"}, "era5_B_inv*": {"lsm": "sftlf"}}
    with pytest.raises(ClimannError) as refused:
        FileRenames([SERIES, STATIC], rules)
    assert str(refused.value) == (
        "rename pattern 'era5_B_inv*' matches era5_B_invariant.nc, which the earlier pattern 'era5_B*' already "
        "renames: a file takes the first pattern that matches it, and rules do not chain; give the renames of "
        "'era5_B_inv*' before those of 'era5_B*' (--rename, [data] rename), or make 'era5_B*' match only its own "
        "files")
    followed = FileRenames([SERIES, STATIC], {"era5_B_inv*": rules["era5_B_inv*"], "era5_B*": rules["era5_B*"]})
    assert followed.mapping(STATIC) == {"lsm": "sftlf"} and followed.mapping(SERIES) == {"t2m": "tas"}


def test_a_trained_runs_rules_on_new_data_rename_where_they_match_and_refuse_nothing():
    """``new_data``: the run's rule ``t2m_*`` matches none of new CMIP files (no refusal, no
    rename); it still renames a new ERA5 file it matches."""
    renames = FileRenames([CMIP], {"t2m_*": {"t2m": "tas"}}, new_data=True)
    assert list(renames.applied(_file(tas="", rsdt=""), CMIP).data_vars) == ["tas", "rsdt"]
    renames.check_applied()
    renames = FileRenames([ERA5], {"t2m_*": {"t2m": "tas"}}, new_data=True)
    assert list(renames.applied(_file(t2m="", rsdt=""), ERA5).data_vars) == ["tas", "rsdt"]


@pytest.mark.parametrize(
    ("rules", "patterns"),
    [
        pytest.param({"t2m_*": {"t2m": "tas", "ssrd": "rsds"}}, "'t2m_*'", id="one-pattern"),
        pytest.param({"t2m_*": {"t2m": "tas"}, "ssrd_*": {"ssrd": "rsds"}}, "'t2m_*' or 'ssrd_*'", id="two-patterns"),
    ],
)
def test_new_data_outside_the_patterns_are_warned_with_one_command_doing_every_rename(tmp_path, monkeypatch, caplog,
                                                                                     rules, patterns):
    """The run renamed ``t2m`` and ``ssrd``; a new file that no pattern matches holds both:
    one warning, whose ``ncrename`` line names the file from the working folder and renames
    both in a copy beside it (the copy then needs no rename)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "new data" / "era5_2000.nc"
    renames = FileRenames([path], rules, new_data=True)
    with caplog.at_level(logging.WARNING, logger="climann"):
        renames.applied(_file(t2m="", ssrd="", orog=""), path)
    (message,) = caplog.messages
    assert message == (
        f"era5_2000.nc holds 't2m' and 'ssrd', which the run renamed to 'tas' and 'rsds' in files matching {patterns} "
        "only ([data] rename): they are left as 't2m' and 'ssrd' here; if they are the model's 'tas' and 'rsds', "
        "rename them in a copy (`ncrename -v t2m,tas -v ssrd,rsds 'new data/era5_2000.nc' "
        "'new data/era5_2000_fixed.nc'`) or name the file to match"
    )
    command = shlex.split(message.split("`")[1])
    assert command[-2:] == ["new data/era5_2000.nc", "new data/era5_2000_fixed.nc"]


@pytest.mark.skipif(__import__("shutil").which("ncrename") is None, reason="needs NCO")
def test_the_rename_of_a_new_file_run_as_printed_writes_its_copy_in_a_new_folder(tmp_path, monkeypatch, caplog):
    """fix54b: the ncrename line wrote era5_2000_fixed.nc beside the file, where a glob over their folder took
    both; its copy is now in renamed/, and run as printed (its guard too) it holds tas and rsds with the file's
    values, nothing written beside the file."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "new data" / "era5_2000.nc"
    path.parent.mkdir()
    _file(t2m="", ssrd="", orog="").to_netcdf(path)
    renames = FileRenames([path], {"t2m_*": {"t2m": "tas", "ssrd": "rsds"}}, new_data=True)
    with caplog.at_level(logging.WARNING, logger="climann"):
        renames.applied(_file(t2m="", ssrd="", orog=""), path)
    (message,) = caplog.messages
    assert without_guards(message).endswith(
        "rename them in a copy (`mkdir -p 'new data/renamed' && ncrename -v t2m,tas -v ssrd,rsds 'new data/era5_2000.nc' "
        "'new data/renamed/era5_2000.nc'` (its copy in a new folder), then give --data 'new data/renamed/era5_2000.nc' "
        "in place of 'new data/era5_2000.nc') or name the file to match")
    followed = run_one_copy(message, tmp_path)
    assert (followed["copy"], followed["original"]) == ("new data/renamed/era5_2000.nc", "new data/era5_2000.nc")
    assert sorted(found.name for found in path.parent.iterdir()) == ["era5_2000.nc", "renamed"]
    with xr.open_dataset(tmp_path / followed["copy"]) as copy:
        assert sorted(copy.data_vars) == ["orog", "rsds", "tas"]
        assert (float(copy["tas"][0]), float(copy["rsds"][0]), float(copy["orog"][0])) == (0.0, 1.0, 2.0)


def test_a_new_store_outside_the_patterns_is_warned_with_a_rename_that_runs_on_the_store(tmp_path, monkeypatch,
                                                                                          caplog):
    """fix32d: a Zarr store was given `ncrename … era5_2000.zarr era5_2000_fixed.nc`, which NCO cannot read;
    now an xarray line that, run as printed, writes a copy of the store beside it with both renamed, their
    values kept, and which the run's rules then leave as it is, unwarned."""

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "era5_2000.zarr"
    _file(t2m="", ssrd="", orog="").to_zarr(store)
    rules = {"t2m_*": {"t2m": "tas", "ssrd": "rsds"}}
    with caplog.at_level(logging.WARNING, logger="climann"):
        FileRenames([store], rules, new_data=True).applied(xr.open_zarr(store), store)
    (message,) = caplog.messages
    assert "ncrename" not in message
    words = shlex.split(bare_python(message).split("`")[1])
    assert words[:2] == ["python", "-c"] and len(words) == 3, message
    run_python("-c", words[2], check=True, cwd=tmp_path)
    copy = tmp_path / "era5_2000_fixed.zarr"
    renamed = xr.open_zarr(copy)
    assert sorted(renamed.data_vars) == ["orog", "rsds", "tas"]
    assert (renamed["tas"].values.tolist(), renamed["rsds"].values.tolist()) == ([0.0], [1.0])
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        FileRenames([copy], rules, new_data=True).applied(renamed, copy)
    assert caplog.messages == []


def test_new_data_already_holding_a_new_name_are_warned_about_the_others_only(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "era5_2000.nc"
    renames = FileRenames([path], {"t2m_*": {"t2m": "tas", "ssrd": "rsds"}}, new_data=True)
    with caplog.at_level(logging.WARNING, logger="climann"):
        renames.applied(_file(t2m="", rsds=""), path)
    (message,) = caplog.messages
    assert "(`ncrename -v t2m,tas era5_2000.nc era5_2000_fixed.nc`)" in message and "'rsds'" not in message


@pytest.mark.parametrize("pattern, anchored", [
    pytest.param("era5/*", "/work/runs/era5/*", id="relative-folder"),
    pytest.param("./era5/t2m_*", "/work/runs/era5/t2m_*", id="dot-slash"),
    pytest.param("../era5/*", "/work/era5/*", id="parent"),
    pytest.param("/data/era5/*", "/data/era5/*", id="absolute-kept"),
    pytest.param("*/ssp585/*", "*/ssp585/*", id="any-depth-kept"),
    pytest.param("t2m_*", "t2m_*", id="file-name-kept"),
])
def test_a_relative_pattern_with_a_folder_is_anchored_at_the_runs_folder(pattern, anchored):
    """A run records its files' absolute paths; its patterns that name paths relative to the
    folder it was started in are recorded absolute too (they matched nothing from elsewhere)."""
    from climann.data.renames import anchored_rules

    assert anchored_rules({pattern: {"t2m": "tas"}}, Path("/work/runs")) == {anchored: {"t2m": "tas"}}


@pytest.mark.parametrize("pattern, anchored", [
    pytest.param("era5/*", "/work/runs/era5/*", id="folder"),
    pytest.param("../runs/era5/t2m_*", "/work/runs/era5/t2m_*", id="parent"),
    pytest.param("t2m_*", "t2m_*", id="file-name-kept"),
    pytest.param("other/*", "other/*", id="naming-none-of-the-files-kept"),
])
def test_an_old_runs_relative_pattern_is_anchored_where_it_names_the_runs_files(pattern, anchored):
    """An old run's config.toml: absolute paths and the pattern as given in the training folder."""
    from climann.data.renames import anchored_to_files

    files = ["/work/runs/era5/t2m_1990.nc", "/work/runs/cmip/tas_1996.nc"]
    assert anchored_to_files({pattern: {"t2m": "tas"}}, files) == {anchored: {"t2m": "tas"}}


def test_a_pattern_whose_files_are_all_an_earlier_pattern_s_is_told_to_join_their_renames():
    """verify28 V5: ``'A_*'`` takes the one file ``'A_2015*'`` matches; the advice to give
    ``'A_2015*'`` first, followed, left ``'A_*'`` matching no file, refused the other way round.
    When the earlier pattern matches no file of its own, both rules' renames go under it, and
    that, followed, renames the file by both."""
    only = Path("A_2015-2017.nc")
    rules = {"A_*": {"t2m": "tas"}, "A_2015*": {"tp": "pr"}}
    with pytest.raises(ClimannError) as refused:
        FileRenames([only], rules)
    assert str(refused.value) == (
        "rename pattern 'A_2015*' matches A_2015-2017.nc, which the earlier pattern 'A_*' already renames: a file "
        "takes the first pattern that matches it, and rules do not chain; 'A_*' matches no file that 'A_2015*' does "
        "not, so give every rename of those files under one pattern: --rename 'A_*:t2m=tas' --rename 'A_*:tp=pr'")
    followed = FileRenames([only], {"A_*": {"t2m": "tas", "tp": "pr"}})
    assert followed.mapping(only) == {"t2m": "tas", "tp": "pr"}


# --- break43: the rename advised for two sets of files, merged with the user's own rules ------------------
def _prism_sets(folder: Path, n_months: int = 3) -> dict[str, np.ndarray]:
    """PRISM's ppt, tmean and tmax months as gdal_translate writes them (each field 'Band1'), dated."""
    from tests.data.test_duplicate_files import _gdal_month

    folder.mkdir()
    rng = np.random.default_rng(43)
    fields = {field: rng.normal(size=(n_months, 3, 4)) for field in ("ppt", "tmean", "tmax")}
    for field, values in fields.items():
        for month, month_values in enumerate(values):
            _gdal_month(folder / f"PRISM_{field}_stable_4kmM3_1981{month + 1:02d}_bil_dated.nc", field, 1981,
                        month + 1, month_values)
    return fields


@pytest.mark.parametrize(("own", "kept"), [
    pytest.param({"PRISM_tmax_*": {"Band1": "tasmax"}}, {"tasmax": "tmax"}, id="a-rule-of-other-files"),
    pytest.param({"PRISM_*": {"crs": "crs_prism"}}, {}, id="a-rule-of-every-file"),
    pytest.param({"PRISM_*": {"Band1": "prism"}}, {}, id="a-rule-renaming-the-field"),
])
def test_the_rename_advised_for_two_sets_keeps_the_users_own_rules(tmp_path, own, kept):
    """break43: the glob rename advised for two sets of one field ('Band1' of PRISM's ppt and tmean) was the new
    rules alone: put in place of the user's [data] rename it dropped their renames ('tasmax' was in no file), and
    added after them it never applied (a file takes the first rule that matches it). The table printed is the
    whole of it: followed, the clash is gone, every field holds its own files' values and the user's renames
    still hold."""
    import tomllib

    from climann.data.open import open_dataset

    fields = _prism_sets(tmp_path / "prism")
    files = sorted((tmp_path / "prism").iterdir())
    with pytest.raises(ClimannError) as raised:
        open_dataset(files, rename=own)
    clash = str(raised.value)
    rules = tomllib.loads(clash.split("[data] ", 1)[1])["rename"]
    assert list(rules)[-len(own):] == list(own) and len(rules) > len(own)  # the user's rules last, as given
    assert all(rules[pattern] == mapping for pattern, mapping in own.items())
    try:
        opened = open_dataset(files, rename=rules)
    except ClimannError as error:  # the next two sets of one name, refused in their turn: not this clash again
        assert str(error) != clash and "'prism' is in both" in str(error)
        return
    # name in the opened data → the field written under it: the advised sets' and the user's own
    expected = {mapping["Band1"]: pattern.split("_")[1] for pattern, mapping in rules.items() if pattern not in own}
    for name, field in {**expected, **kept}.items():
        np.testing.assert_allclose(opened[name].values, fields[field].astype("f4"))
    if "crs" in own.get("PRISM_*", {}):
        assert "crs_prism" in opened.variables and "crs" not in opened.variables


def test_an_advised_set_whose_files_take_two_of_the_users_rules_is_advised_alone(tmp_path):
    """One rule cannot hold the renames of two of the user's rules: the advised table is printed as before."""
    from climann.data.renames import rename_table

    fields = _prism_sets(tmp_path / "prism", n_months=2)
    files = sorted((tmp_path / "prism").iterdir())
    renames = FileRenames(files, {"*198101*": {"crs": "crs_1"}, "*198102*": {"crs": "crs_2"}})
    assert fields and rename_table("Band1", files[2], files[0], files, renames) == (
        '{"PRISM_tmax_*" = {Band1 = "tmax"}, "PRISM_ppt_*" = {Band1 = "ppt"}}')


@pytest.mark.parametrize(("given", "said"), [
    pytest.param(None, True, id="train-every-rule-the-users"),
    pytest.param(["s2s.nc"], True, id="new-data-with-rename-given"),
    pytest.param([], False, id="new-data-the-runs-own-rules-only")])
def test_rename_options_say_they_replace_options_given_only_when_some_were_given(tmp_path, given, said):
    """fix54d: ``predict`` without ``--rename`` was told "(in place of the --rename options given)", the run's
    own ``[data] rename`` merged into the advice being no option the user gave. The merged table is the same either
    way (the run's rule of the file kept under the advice's, the other files' rules after it); the words are said
    only where the user's ``--rename`` (``given``) is among the rules."""
    from climann.data.renames import rename_options

    files = [tmp_path / "s2s.nc", tmp_path / "era5.nc"]
    renames = FileRenames(files, {"s2s.nc": {"var167": "t2m"}, "era5.nc": {"2t": "t2m_obs"}}, new_data=given is not None,
                          given=given)
    options = rename_options({"s2s.nc": {"t2m": "t2m_fc"}}, renames, files)
    table = "--rename 's2s.nc:var167=t2m_fc' --rename 'era5.nc:2t=t2m_obs'"
    assert options == (f"{table} (in place of the --rename options given)" if said else table)
