"""CF flag variables as predictors or target: classes are told apart from amounts."""

import json
import logging
import re
import shlex
import shutil
import subprocess
import warnings

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.flags import flag_classes, flag_codes, indicator_advice, refuse_flag_target, warn_flag_predictors
from climann.errors import ClimannError
from climann.data.open import open_dataset
from tests.conftest import grid_dataset
from tests.followed_twice import ONE_COPY, one_copy, run_one_copy, without_guards
from tests.fresh_python import run_python


def _variable(**attrs) -> xr.DataArray:
    return xr.DataArray(np.array([1, 2, 3, 4], dtype="i1"), dims="x", attrs=attrs)


@pytest.mark.parametrize(("attrs", "expected"), [
    pytest.param({"flag_values": np.array([1, 2, 3, 4], "i1"), "flag_meanings": "forest grass desert ice"},
                 "flag_values 1 2 3 4: forest grass desert ice", id="land-cover-classes"),
    pytest.param({"flag_masks": np.array([1, 2, 4], "i1"), "flag_meanings": "cloud land snow"},
                 "flag_masks 1 2 4: cloud land snow", id="bit-field"),
    pytest.param({"flag_values": np.array([1, 2, 3, -1], "i1"), "flag_meanings": "forest grass desert fill",
                  "_FillValue": np.int8(-1)}, "flag_values 1 2 3: forest grass desert", id="fill-code-no-class"),
    pytest.param({"flag_values": np.array([0, 1], "i1"), "flag_meanings": "sea land"}, None, id="two-classes-indicator"),
    pytest.param({"flag_masks": np.int8(1), "flag_meanings": "cloudy"}, None, id="one-bit-indicator"),
    pytest.param({"flag_values": np.array([1, 2, 3], "i1")}, None, id="no-meanings-not-a-flag-variable"),
    pytest.param({"units": "1"}, None, id="no-flag-attributes"),
])
def test_flag_variables_of_more_than_two_values_are_classes(attrs, expected):
    assert flag_classes(_variable(**attrs)) == expected


@pytest.mark.parametrize(("attrs", "expected"), [
    pytest.param({"flag_values": np.array([1, 2], "i1"), "flag_meanings": "forest grass"},
                 "one 0/1 variable per class instead (e.g. ncap2 -s 'lc_forest=(lc==1);ram_delete(lc_forest@flag_values);ram_delete(lc_forest@flag_meanings)' IN.nc OUT.nc)", id="values"),
    pytest.param({"flag_masks": np.array([4, 8], "i1"), "flag_meanings": "snow ice"},
                 "one 0/1 variable per bit instead (e.g. ncap2 -s 'lc_snow=(ubyte(lc)/4)%2;ram_delete(lc_snow@flag_masks);ram_delete(lc_snow@flag_meanings)' IN.nc OUT.nc", id="masks"),
])
def test_the_advice_names_the_first_class_and_its_code(attrs, expected):
    assert expected in indicator_advice("lc", _variable(**attrs))


def test_the_advice_names_the_variables_file_and_its_copy_in_a_new_folder(tmp_path):
    (tmp_path / "my data").mkdir()
    opened = _written_flags(tmp_path / "my data", flag_values="0 1 2", flag_meanings="clear cloudy fog")
    folder, original = f"'{tmp_path}/my data/indicators'", f"'{tmp_path}/my data/cond.nc'"
    copy = f"'{tmp_path}/my data/indicators/cond.nc'"
    assert without_guards(indicator_advice("cond", opened["cond"])).endswith(
        f"mkdir -p {folder} && ncap2 -s 'cond_clear=(cond==0);ram_delete(cond_clear@flag_values);"
        f"ram_delete(cond_clear@flag_meanings)' {original} {copy} (its copy in a new folder), then give --data {copy} "
        f"in place of {original})")


def test_a_named_flag_predictor_is_warned_about_once_in_a_line_and_a_bool_mask_is_not(tmp_path, caplog):
    dataset = grid_dataset()
    codes = (np.arange(dataset.sizes["lon"]) % 4 + 1).astype("i1")
    dataset["lc"] = ("lon", codes, {"flag_values": np.array([1, 2, 3, 4], "i1"),
                                    "flag_meanings": "forest grass desert ice"})
    dataset["landmask"] = (dataset["lat"] > 0) & (dataset["lon"] < 180)
    dataset.to_netcdf(tmp_path / "classes.nc")
    opened = open_dataset([tmp_path / "classes.nc"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_flag_predictors(opened, ["pred", "lc", "landmask", "absent"], where="classes.nc")
    (record,) = caplog.records
    assert without_guards(record.getMessage()) == (
        "'lc' in classes.nc is a CF flag variable (flag_values 1 2 3 4: forest grass desert ice): its codes are used "
        "as numbers, as if they were amounts; to use its classes, give one 0/1 variable per class instead "
        "(e.g. " + one_copy("ncap2 -s 'lc_forest=(lc==1);ram_delete(lc_forest@flag_values);"
                            "ram_delete(lc_forest@flag_meanings)'", tmp_path / "classes.nc", tmp_path / "indicators")
        + ")")


def test_the_flag_predictors_of_one_file_get_one_command(tmp_path, caplog):
    """Two ncap2 commands each writing classes_fixed.nc from classes.nc would keep only the second one's variable."""
    dataset = grid_dataset()
    codes = (np.arange(dataset.sizes["lon"]) % 4 + 1).astype("i1")
    dataset["lc"] = ("lon", codes, {"flag_values": np.array([1, 2, 3, 4], "i1"),
                                    "flag_meanings": "forest grass desert ice"})
    dataset["soil"] = ("lon", codes, {"flag_values": np.array([1, 2, 3, 4], "i1"),
                                      "flag_meanings": "sand silt clay loam"})
    dataset.to_netcdf(tmp_path / "classes.nc")
    opened = open_dataset([tmp_path / "classes.nc"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_flag_predictors(opened, ["lc", "soil"], where="classes.nc")
    command = one_copy("ncap2 -s 'lc_forest=(lc==1);ram_delete(lc_forest@flag_values);ram_delete(lc_forest@flag_meanings)' "
                       "-s 'soil_sand=(soil==1);ram_delete(soil_sand@flag_values);ram_delete(soil_sand@flag_meanings)'",
                       tmp_path / "classes.nc", tmp_path / "indicators",
                       ", one command for the 2 flag variables of those files)")
    messages = [without_guards(record.getMessage()) for record in caplog.records]
    assert len(messages) == 2 and all(message.endswith(command) for message in messages)


@pytest.mark.parametrize(("attrs", "message"), [
    pytest.param({"flag_values": np.array([1, 2, 3, 4], "i1"), "flag_meanings": "forest grass desert ice"},
                 "^the target 'lc' in lc.nc is a CF flag variable \\(flag_values 1 2 3 4: forest grass desert ice\\): "
                 "its codes are classes, not amounts, and a regression on them would predict codes between classes; "
                 "train on a 0/1 indicator of one class instead \\(its predictions are that class's probability\\), "
                 "e.g. ncap2 -s 'lc_forest=\\(lc==1\\);ram_delete\\(lc_forest@flag_values\\);ram_delete\\(lc_forest@flag_meanings\\)' lc.nc lc_forest.nc \\(1 where lc is 1, forest; 0 elsewhere\\)$",
                 id="classes"),
    pytest.param({"flag_masks": np.array([1, 2, 4], "i1"), "flag_meanings": "cloud land snow"},
                 "is a CF flag variable \\(flag_masks 1 2 4: cloud land snow\\).*ncap2 -s 'lc_cloud=\\(ubyte\\(lc\\)/1\\)%2;ram_delete\\(lc_cloud@flag_masks\\)",
                 id="bit-field"),
])
def test_a_flag_target_of_more_than_two_values_is_refused_in_one_line(attrs, message):
    dataset = xr.Dataset({"lc": _variable(**attrs)})
    with pytest.raises(ClimannError, match=message) as error:
        refuse_flag_target(dataset, "lc", where="lc.nc")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("attrs", [
    pytest.param({"flag_values": np.array([0, 1], "i1"), "flag_meanings": "sea land"}, id="two-valued-flag"),
    pytest.param({"units": "K"}, id="not-a-flag"),
])
def test_a_two_valued_flag_or_an_amount_is_a_target(attrs):
    refuse_flag_target(xr.Dataset({"lc": _variable(**attrs)}), "lc", where="lc.nc")


def _written_flags(path, **attrs) -> xr.Dataset:
    """``cond`` (codes 0, 1, 2, 1 on a 1×4 grid) with ``attrs``, written to a NetCDF file in
    ``path`` and opened as climann opens it (text attributes stay text)."""
    lat = xr.DataArray([10.0], dims="lat", attrs={"units": "degrees_north", "standard_name": "latitude"})
    lon = xr.DataArray([0.0, 90.0, 180.0, 270.0], dims="lon", attrs={"units": "degrees_east",
                                                                     "standard_name": "longitude"})
    codes = xr.DataArray(np.array([[0, 1, 2, 1]], "i1"), dims=("lat", "lon"), attrs=attrs)
    xr.Dataset({"cond": codes}, coords={"lat": lat, "lon": lon}).to_netcdf(path / "cond.nc")
    return open_dataset([path / "cond.nc"])


@pytest.mark.parametrize(("attrs", "classes"), [
    pytest.param({"flag_values": "0 1 2", "flag_meanings": "clear cloudy fog"},
                 "flag_values 0 1 2: clear cloudy fog", id="values-as-text"),
    pytest.param({"flag_values": "0b, 1b, 2b", "flag_meanings": "clear cloudy fog"},
                 "flag_values 0 1 2: clear cloudy fog", id="values-as-cdl-text"),
    pytest.param({"flag_masks": "1 2 4", "flag_meanings": "cloud land snow"},
                 "flag_masks 1 2 4: cloud land snow", id="masks-as-text"),
])
def test_flag_codes_written_as_text_count_one_each_and_a_target_of_three_is_refused(tmp_path, attrs, classes):
    """``flag_values = "0 1 2"`` (text, as some writers put it) counted as one value: a
    three-class target was trained on as an indicator, exit 0."""
    opened = _written_flags(tmp_path, **attrs)
    key = next(iter(attrs))
    np.testing.assert_array_equal(flag_codes(opened["cond"], key), [float(c) for c in classes.split(":")[0].split()[1:]])
    assert flag_classes(opened["cond"]) == classes
    with pytest.raises(ClimannError, match=rf"^the target 'cond' in cond.nc is a CF flag variable \({classes}\)"):
        refuse_flag_target(opened, "cond", where="cond.nc")


@pytest.mark.parametrize("attrs", [
    pytest.param({"flag_masks": np.int8(1), "flag_values": np.int8(1), "flag_meanings": "cloudy"},
                 id="one-mask-one-value"),
    pytest.param({"flag_masks": np.array([1, 1], "i1"), "flag_values": np.array([0, 1], "i1"),
                  "flag_meanings": "clear cloudy"}, id="one-mask-two-values"),
    pytest.param({"flag_values": "0 1", "flag_meanings": "sea land"}, id="two-values-as-text"),
])
def test_one_mask_with_its_value_or_two_values_as_text_is_an_indicator_target(tmp_path, attrs):
    """CF §3.5's combined form with one mask and one value (one condition, 0 or 1) was refused
    as a bit field of several values."""
    opened = _written_flags(tmp_path, **attrs)
    assert flag_classes(opened["cond"]) is None
    refuse_flag_target(opened, "cond", where="cond.nc")


@pytest.mark.parametrize(("attrs", "classes"), [
    pytest.param({"flag_masks": np.array([1, 2], "i1"), "flag_values": np.array([1, 2], "i1"),
                  "flag_meanings": "cloudy foggy"}, "flag_masks 1 2: cloudy foggy", id="two-masks"),
    pytest.param({"flag_masks": np.array([3, 3, 3], "i1"), "flag_values": np.array([0, 1, 2], "i1"),
                  "flag_meanings": "clear cloudy foggy"}, "flag_masks 3 3 3: clear cloudy foggy",
                 id="one-mask-three-values"),
])
def test_masks_and_values_of_more_than_two_values_are_classes(attrs, classes):
    assert flag_classes(_variable(**attrs)) == classes


def _flag_files(folder):
    """``flags.nc``: ``frozen``, a two-valued byte flag (0 unfrozen, 1 frozen; -1 _FillValue at
    the first longitude), and ``qc``, a bit field of two bits (frozen, warm pred), beside
    ``tas`` and ``pred`` of :func:`tests.conftest.grid_dataset`."""
    dataset = grid_dataset(n_years=3, seed=4)[["tas", "pred"]]
    frozen = (dataset["tas"] < 255).astype("i1")
    frozen[:, :, 0] = -1
    dataset["frozen"] = frozen.assign_attrs(flag_values=np.array([0, 1], "i1"), flag_meanings="unfrozen frozen")
    dataset["frozen"].encoding["_FillValue"] = np.int8(-1)
    qc = ((dataset["tas"] < 255).astype("i1") + 2 * (dataset["pred"] > 0.5).astype("i1")).astype("i1")
    dataset["qc"] = qc.assign_attrs(flag_masks=np.array([1, 2], "i1"), flag_meanings="frozen warm")
    dataset.to_netcdf(folder / "flags.nc")
    return folder / "flags.nc", frozen.values


def test_a_two_valued_byte_flag_trains_as_a_target_and_its_fill_is_missing(tmp_path, monkeypatch):
    """A 0/1 flag (``flag_values = 0b, 1b``) is a target like any amount (a regression on the
    class's probability): the run's samples are its cells outside the fill value, and
    ``predictions.nc`` holds its 0/1 values there; the bit field ``qc`` is no default predictor."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    path, codes = _flag_files(tmp_path)
    config = build_config({"data": {"paths": [str(path)], "target": "frozen"}, "model": {"hidden": [4]},
                           "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run = run_training(config, run_dir=tmp_path / "run")
    assert run.config.data.predictors == ("tas", "pred")  # qc left out: a bit field
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        truth = predictions["frozen"].transpose("time", "lat", "lon").values
    expected = np.where(codes == -1, np.nan, codes)
    np.testing.assert_array_equal(truth, expected)
    scored = run.metrics["splits"]
    assert sum(scored[name]["model"]["n_samples"] for name in ("train", "val", "test")) == np.sum(codes >= 0)


@pytest.mark.parametrize("target, predictors, outcome", [
    pytest.param("qc", ["pred"], "refused", id="bit-field-target"),
    pytest.param("tas", ["qc"], "warned", id="bit-field-predictor"),
    pytest.param("tas", ["frozen"], "silent", id="two-valued-flag-predictor"),
])
def test_bit_fields_are_refused_as_target_and_warned_about_as_predictor_end_to_end(tmp_path, caplog, target,
                                                                                   predictors, outcome):
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data

    path, _ = _flag_files(tmp_path)
    config = build_config({"data": {"paths": [str(path)], "target": target, "predictors": predictors}})
    if outcome == "refused":
        with pytest.raises(ClimannError, match=r"^the target 'qc' in flags.nc is a CF flag variable \(flag_masks 1 2: "
                                               r"frozen warm\)"):
            prepare_data(config)
        return
    with caplog.at_level(logging.WARNING, logger="climann"):
        prepared = prepare_data(config)
    flagged = [without_guards(r.getMessage()) for r in caplog.records if "CF flag variable" in r.getMessage()]
    assert flagged == ([] if outcome == "silent" else [
        "'qc' in flags.nc is a CF flag variable (flag_masks 1 2: frozen warm): its codes are used as numbers, as if "
        "they were amounts; to use its classes, give one 0/1 variable per bit instead (e.g. " + one_copy(
            "ncap2 -s 'qc_frozen=(ubyte(qc)/1)%2;ram_delete(qc_frozen@flag_masks);ram_delete(qc_frozen@flag_meanings)'",
            tmp_path / "flags.nc", tmp_path / "indicators", ", for integer codes)")])
    assert prepared.samples.feature_names[0] == predictors[0]


def _nsidc_like(path, *, flag_values=(251, 252, 253, 254, 255), valid_range=(0, 100)):
    """A NOAA/NSIDC sea-ice concentration CDR (G02202) variable: _Unsigned bytes, scale_factor 0.01,
    valid_range 0b, 100b, _FillValue -1b (255) and flag_values 251…255 stored as signed bytes."""
    import netCDF4

    rng = np.random.default_rng(4)
    raw = rng.integers(0, 101, (6, 3, 4)).astype(np.uint8)
    raw[:, 0, :] = 254  # land
    raw[0, 1, 1], raw[1, 2, 3], raw[2, 1, 2] = 251, 253, 255
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", 6), ("lat", 3), ("lon", 4)):
            nc.createDimension(name, size)
        nc.createVariable("time", "f8", ("time",))[:] = 15.0 + 30 * np.arange(6)
        nc["time"].units = "days since 2000-01-01"
        nc.createVariable("lat", "f8", ("lat",))[:] = [60.0, 70.0, 80.0]
        nc["lat"].units = "degrees_north"
        nc.createVariable("lon", "f8", ("lon",))[:] = [0.0, 90.0, 180.0, 270.0]
        nc["lon"].units = "degrees_east"
        conc = nc.createVariable("conc", "i1", ("time", "lat", "lon"), fill_value=np.int8(-1))
        conc.set_auto_maskandscale(False)
        conc._Unsigned, conc.scale_factor = "true", np.float32(0.01)
        if valid_range is not None:
            conc.valid_range = np.array(valid_range, np.uint8).view(np.int8)
        conc.flag_values = np.array(flag_values, np.uint8).view(np.int8)
        conc.flag_meanings = " ".join(["pole_hole_mask", "lakes", "coastal", "land_mask", "missing_data"][:len(flag_values)])
        conc.units, conc.standard_name = "1", "sea_ice_area_fraction"
        conc[:] = raw.view(np.int8)
        tas = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        tas.units, tas[:] = "K", 270 - 20 * np.where(raw <= 100, raw / 100, 0)
    return path, raw


def test_flag_values_of_unsigned_data_are_read_unsigned():
    variable = _variable(flag_values=np.array([-56, -55, -54], "i1"), flag_meanings="a b c")
    variable.encoding["_Unsigned"] = "true"
    assert flag_codes(variable, "flag_values").tolist() == [200, 201, 202]
    assert flag_classes(variable) == "flag_values 200 201 202: a b c"


def test_nsidc_sea_ice_concentration_is_data_with_status_codes(tmp_path, caplog):
    """break13 F4: its codes 251…255 lie outside valid_range 0…100: read as missing, the rest as concentrations."""
    path, raw = _nsidc_like(tmp_path / "nsidc.nc")
    from climann.data.notes import forget_notes

    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        opened = open_dataset([path])
    # by hand: 0…100 × float32(0.01), the codes missing
    expected = np.where(raw <= 100, raw.astype(np.float32) * np.float32(0.01), np.nan)
    np.testing.assert_array_equal(opened["conc"].values, expected)
    assert flag_classes(opened["conc"]) is None
    assert [r.getMessage() for r in caplog.records if "status codes" in r.getMessage()] == [
        "'conc' in nsidc.nc: its flag_values 251 252 253 254 255 (pole_hole_mask lakes coastal land_mask "
        "missing_data) lie outside its valid range or are its fill values, so they are status codes of a continuous "
        "quantity (CF-1.8 §3.5), read as missing; its other values are data"]
    refuse_flag_target(opened, "conc", where="nsidc.nc")  # a target
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_flag_predictors(opened, ["conc"], where="nsidc.nc")
    assert caplog.records == []


def test_an_unsigned_class_variable_is_refused_with_a_comparison_that_finds_its_stored_codes(tmp_path):
    """Codes 200…202 inside the valid range are classes; a byte stored as -56 is 200 read unsigned. ncap2 unpacks
    packed data in the stored signedness (200 × 0.01 is -0.56 to it), so the advice compares with that, within half
    the packing's step (`conc==200||conc==-56` found none of them: break39b B1), and gives no cdo eqc; run as
    printed, the 0/1 variable is 1 where numpy finds 200."""
    import netCDF4

    path, raw = _nsidc_like(tmp_path / "classes.nc", flag_values=(200, 201, 202), valid_range=(0, 250))
    raw[:, 1, 2], raw[0, 2, :] = 200, 201
    with netCDF4.Dataset(path, "a") as nc:
        nc["conc"].set_auto_maskandscale(False)
        nc["conc"][:] = raw.view(np.int8)
    opened = open_dataset([path])
    script = ("conc_pole_hole_mask=(abs(conc-(-0.56))<0.005);ram_delete(conc_pole_hole_mask@flag_values);"
              "ram_delete(conc_pole_hole_mask@flag_meanings);ram_delete(conc_pole_hole_mask@valid_range);"
              "ram_delete(conc_pole_hole_mask@_Unsigned)")
    message = _refused(lambda: refuse_flag_target(opened, "conc", where="classes.nc"))
    assert f"ncap2 -s '{script}' " in message and "cdo eqc" not in message
    if shutil.which("ncap2") is None:
        return
    subprocess.run(["ncap2", "-s", script, str(path), str(tmp_path / "made.nc")], check=True, capture_output=True)
    made = open_dataset([tmp_path / "made.nc"])["conc_pole_hole_mask"].values
    np.testing.assert_array_equal(made, np.where(raw == 255, np.nan, raw == 200))  # 255: the _FillValue


def test_flags_partly_inside_the_valid_range_stay_classes(tmp_path):
    path, _ = _nsidc_like(tmp_path / "mixed.nc", flag_values=(50, 251, 254), valid_range=(0, 100))
    assert flag_classes(open_dataset([path])["conc"]) == "flag_values 50 251 254: pole_hole_mask lakes coastal"


def test_the_advice_for_a_name_with_spaces_runs_as_printed(tmp_path, caplog):
    """break16 F8: ``ncap2 -s 'land cover_forest=(land cover==1)'`` is no ncap2 script; the new variable gets a
    name every tool reads (land_cover_forest), the file's variable is quoted as NCO's ncap2 quotes names ("ID
    Quoting"), and the printed command, run by a shell, writes the 0/1 indicator."""
    dataset = grid_dataset()
    codes = (np.arange(dataset.sizes["lon"]) % 3 + 1).astype("i1")
    dataset["land cover"] = ("lon", codes, {"flag_values": np.array([1, 2, 3], "i1"),
                                            "flag_meanings": "forest grass desert"})
    dataset.to_netcdf(tmp_path / "spaced.nc")
    opened = open_dataset([tmp_path / "spaced.nc"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_flag_predictors(opened, ["land cover"], where="spaced.nc")
    deleted = ";ram_delete(land_cover_forest@flag_values);ram_delete(land_cover_forest@flag_meanings)"
    command = f"ncap2 -s \"land_cover_forest=('land cover'==1){deleted}\""
    (record,) = caplog.records
    assert without_guards(record.getMessage()).endswith(
        f"(e.g. {one_copy(command, tmp_path / 'spaced.nc', tmp_path / 'indicators')})")
    assert shlex.split(command)[1:3] == ["-s", f"land_cover_forest=('land cover'==1){deleted}"]
    if shutil.which("ncap2") is None:
        return
    followed = run_one_copy(record.getMessage())
    with xr.open_dataset(followed["copy"]) as fixed:
        np.testing.assert_array_equal(fixed["land_cover_forest"].values, (codes == 1).astype(int))
        # fix38i: ncap2 gave the indicator 'land cover''s flag_values and flag_meanings: a flag variable again
        assert not {"flag_values", "flag_meanings"} & set(fixed["land_cover_forest"].attrs)


def _percent_without_valid_range(path, *, flag_values=(251.0, 252.0, 253.0, 254.0), units="%"):
    """NSIDC's concentration unpacked to float percent (0…100) with its codes kept and valid_range dropped (what a
    conversion of the CDR leaves, break21c F3); the codes in the first row and at two cells."""
    rng = np.random.default_rng(5)
    conc = rng.integers(0, 101, (6, 3, 4)).astype(np.float32)
    conc[:, 0, :] = flag_values[-1]
    conc[0, 1, 1], conc[1, 2, 3] = flag_values[0], flag_values[1]
    xr.Dataset(
        {"conc": (("time", "lat", "lon"), conc,
                  {"units": units, "standard_name": "sea_ice_area_fraction", "flag_values": np.float32(flag_values),
                   "flag_meanings": " ".join(["pole_hole_mask", "lakemask", "coastmask", "landmask"][:len(flag_values)])}),
         "tas": (("time", "lat", "lon"), 270 - 0.2 * np.where(conc <= 100, conc, 0).astype(np.float32), {"units": "K"})},
        coords={"time": ("time", 15.0 + 30 * np.arange(6), {"units": "days since 2000-01-01"}),
                "lat": ("lat", [60.0, 70.0, 80.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})},
    ).to_netcdf(path, encoding={"conc": {"_FillValue": np.float32(-999.0)}})
    return path, conc


def test_flags_beyond_a_percentage_are_status_codes_read_as_missing_with_a_note(tmp_path, caplog):
    """break21c F3: 251 … 254 beside concentrations 0 … 100 % without valid_range were refused as classes (and a
    regression on the pole-hole indicator advised); no concentration is 251 %: the codes are missing, the rest data."""
    from climann.data.notes import forget_notes

    forget_notes()
    path, conc = _percent_without_valid_range(tmp_path / "percent.nc")
    with caplog.at_level(logging.INFO, logger="climann"):
        opened = open_dataset([path])
    np.testing.assert_array_equal(opened["conc"].values, np.where(conc <= 100, conc, np.nan))  # by hand
    assert flag_classes(opened["conc"]) is None
    refuse_flag_target(opened, "conc", where="percent.nc")  # a target
    assert [r.getMessage() for r in caplog.records if "status codes" in r.getMessage()] == [
        "'conc' in percent.nc: its flag_values 251 252 253 254 (pole_hole_mask lakemask coastmask landmask) lie "
        "beyond the 0…100 of its units '%', so they are status codes of a continuous quantity (CF-1.8 §3.5), read as "
        "missing; its other values are data"]


def test_packed_fraction_flags_beyond_one_without_valid_range_are_status_codes(tmp_path):
    """The CDR's bytes × 0.01 in units "1" without valid_range: the codes are 2.51 … 2.54, beyond a fraction's 0…1."""
    path, raw = _nsidc_like(tmp_path / "nsidc.nc", flag_values=(251, 252, 253, 254), valid_range=None)
    opened = open_dataset([path])
    np.testing.assert_array_equal(opened["conc"].values,
                                  np.where(raw <= 100, raw.astype(np.float32) * np.float32(0.01), np.nan))
    assert flag_classes(opened["conc"]) is None


@pytest.mark.parametrize(("flag_values", "units"), [
    pytest.param((1.0, 2.0, 3.0, 4.0), "1", id="land-cover-classes"),
    pytest.param((0.0, 50.0, 100.0, 254.0), "%", id="a-code-within-the-percentage"),
    pytest.param((251.0, 252.0, 253.0, 254.0), "K", id="units-without-a-range"),
])
def test_flags_not_all_beyond_the_range_of_the_units_stay_classes_and_are_refused_as_target(tmp_path, flag_values,
                                                                                             units):
    path, _ = _percent_without_valid_range(tmp_path / "classes.nc", flag_values=flag_values, units=units)
    opened = open_dataset([path])
    with pytest.raises(ClimannError, match=r"^the target 'conc' .* is a CF flag variable \(flag_values "):
        refuse_flag_target(opened, "conc", where="classes.nc")


def _land_cover_store(path) -> np.ndarray:
    """A land-cover store (1 forest, 2 grass, 3 desert, 4 ice; a missing cell) on a 2 × 4 grid, and its codes."""
    codes = np.array([[1, 2, 3, 1], [4, 1, -1, 2]], "i1")
    dataset = grid_dataset()
    xr.Dataset({"lc": (("lat", "lon"), codes, {"flag_values": np.array([1, 2, 3, 4], "i1"), "_FillValue": np.int8(-1),
                                               "flag_meanings": "forest grass desert ice"})},
               coords={"lat": dataset["lat"][:2], "lon": dataset["lon"][:4]}).to_zarr(path)
    return codes


@pytest.mark.parametrize("advise", [
    pytest.param(lambda opened: _refused(lambda: refuse_flag_target(opened, "lc", where="lc.zarr")), id="target"),
    pytest.param(lambda opened: indicator_advice("lc", opened["lc"]), id="predictor"),
])
def test_the_indicator_advice_for_a_zarr_store_run_as_printed_writes_the_0_1_variable(tmp_path, monkeypatch,
                                                                                       advise):
    """fix31a: a flag variable in a Zarr store was advised `ncap2 … lc.zarr …` (and `cdo eqc`), which read no
    store; the advice is one xarray line, and run as printed it writes a copy of the store whose 0/1 variable is 1
    where the first class is, 0 at the other classes, missing where the codes are, and no flag variable."""

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    codes = _land_cover_store(tmp_path / "lc.zarr")
    advice = advise(open_dataset([tmp_path / "lc.zarr"]))
    assert "ncap2" not in advice and "cdo" not in advice
    command = shlex.split(re.search(r'python -c "[^"]+"', advice).group(0))
    run_python("-c", command[2], check=True, cwd=tmp_path)
    forest = open_dataset([tmp_path / "lc_fixed.zarr"])["lc_forest"]
    np.testing.assert_array_equal(forest.values, np.where(codes == -1, np.nan, codes == 1))
    assert flag_classes(forest) is None and "flag_values" not in forest.attrs


def _refused(action) -> str:
    with pytest.raises(ClimannError) as refusal:
        action()
    return str(refusal.value)


# --- flag values beside a continuous amount (break33a A1, A1b) -------------------------------------------------------
def _globsnow(path, *, flag_values=(-2.0, -1.0), meanings="water mountain"):
    """GlobSnow's monthly SWE (mm, lwe_thickness_of_surface_snow_amount) on a 4 × 5 grid, 10 years, with its codes
    declared as flag_values: -2 (water) in the first column, -1 (mountain) in a 2 × 2 block, and ERA5-Land's ``sd``
    (m of water equivalent, same standard_name, some small negatives) beside it, as break33a's mk_snow.py writes
    them (a third code, the first, at one value). Returns the SWE as written and the mask of the coded cells."""
    rng = np.random.default_rng(2)
    n_time = 120
    month = np.arange(n_time) % 12 + 1
    season = np.cos(2 * np.pi * (month - 2) / 12)
    swe = np.clip(80 * season[:, None, None] + 15 * rng.standard_normal((n_time, 4, 5)), 0, None).astype(np.float32)
    sd = (swe / 1000 + 0.002 * rng.standard_normal(swe.shape)).astype(np.float32)
    codes = np.zeros(swe.shape, bool)
    written = swe.copy()
    coded = [((slice(None), slice(None), 0), flag_values[-2]), ((slice(None), slice(2, 4), slice(3, 5)), flag_values[-1])]
    for where, code in coded + ([((0, 1, 1), flag_values[0])] if len(flag_values) == 3 else []):
        written[where], codes[where] = code, True
    xr.Dataset(
        {"swe": (("time", "lat", "lon"), written,
                 {"units": "mm", "standard_name": "lwe_thickness_of_surface_snow_amount",
                  "long_name": "snow water equivalent", "flag_values": np.float32(flag_values),
                  "flag_meanings": meanings}),
         "sd": (("time", "lat", "lon"), sd, {"units": "m of water equivalent",
                                             "standard_name": "lwe_thickness_of_surface_snow_amount"})},
        coords={"time": ("time", [(np.datetime64(f"{2001 + k // 12}-{k % 12 + 1:02d}-01") - np.datetime64("1970-01-01"))
                                  .astype(int) for k in range(n_time)],
                         {"units": "days since 1970-01-01", "calendar": "standard"}),
                "lat": ("lat", [60.0, 61.5, 63.0, 64.5], {"units": "degrees_north"}),
                "lon": ("lon", [20.0, 21.5, 23.0, 24.5, 26.0], {"units": "degrees_east"})},
        attrs={"Conventions": "CF-1.7"},
    ).to_netcdf(path, encoding={name: {"_FillValue": None} for name in ("swe", "sd")})
    return written, codes


@pytest.mark.parametrize(("flag_values", "meanings"), [
    pytest.param((-2.0, -1.0), "water mountain", id="two-codes"),
    pytest.param((-3.0, -2.0, -1.0), "no_data water mountain", id="three-codes"),
])
def test_negative_codes_of_a_snow_amount_are_read_as_missing_with_a_note(tmp_path, caplog, flag_values, meanings):
    """break33a A1: GlobSnow's -2 (water) and -1 (mountain) were trained and scored as SWE (22.9 % of the values);
    A1b: with three codes the SWE was refused as a class variable. No snow amount is negative: the codes are
    status codes, missing; the rest is data, and a target."""
    from climann.data.notes import forget_notes

    forget_notes()
    written, codes = _globsnow(tmp_path / "snow.nc", flag_values=flag_values, meanings=meanings)
    with caplog.at_level(logging.INFO, logger="climann"):
        opened = open_dataset([tmp_path / "snow.nc"])
    np.testing.assert_array_equal(opened["swe"].values, np.where(codes, np.nan, written))  # by hand
    assert "flag_values" not in opened["swe"].attrs
    refuse_flag_target(opened, "swe", where="snow.nc")  # a target, not a class variable
    shown = " ".join(f"{code:g}" for code in flag_values)
    assert [r.getMessage() for r in caplog.records if "status codes" in r.getMessage()] == [
        f"'swe' in snow.nc: its flag_values {shown} ({meanings}) lie below 0, where its standard_name "
        "lwe_thickness_of_surface_snow_amount in 'mm' cannot go, so they are status codes of a continuous quantity "
        "(CF-1.8 §3.5), read as missing; its other values are data"]


def test_the_note_on_the_codes_of_monthly_files_is_said_once_naming_the_other_files(tmp_path, caplog):
    """break55d A2: GlobSnow's monthly files (one month each) gave the note on their flag codes once per
    file, 240 lines alike but for the file in train.log. Now one, the first file's, naming the others."""
    from climann.data.notes import forget_notes

    written, codes = _globsnow(tmp_path / "snow.nc")
    paths = [tmp_path / f"snow_{month:02d}.nc" for month in range(1, 6)]
    with xr.open_dataset(tmp_path / "snow.nc") as whole:
        for step, path in enumerate(paths):
            whole.isel(time=[step]).to_netcdf(path, encoding={name: {"_FillValue": None} for name in ("swe", "sd")})
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        opened = open_dataset(paths)
    np.testing.assert_array_equal(opened["swe"].values, np.where(codes, np.nan, written)[:5])  # by hand
    assert [r.getMessage() for r in caplog.records if "status codes" in r.getMessage()] == [
        "'swe' in snow_01.nc: its flag_values -2 -1 (water mountain) lie below 0, where its standard_name "
        "lwe_thickness_of_surface_snow_amount in 'mm' cannot go, so they are status codes of a continuous quantity "
        "(CF-1.8 §3.5), read as missing; its other values are data; the same in snow_02.nc, snow_03.nc and 2 more "
        "files"]


def test_the_codes_read_as_missing_are_counted_when_the_run_checks_its_variables(tmp_path, caplog):
    """The note at opening names the codes; the check of the run's variables says how many values they held."""
    from climann.data.fill_like import checked_steps
    from climann.data.notes import forget_notes
    from climann.data.valid_range_tails import warn_outside_valid_range

    _, codes = _globsnow(tmp_path / "snow.nc")
    forget_notes()
    opened = open_dataset([tmp_path / "snow.nc"])
    with caplog.at_level(logging.INFO, logger="climann"):
        warn_outside_valid_range(opened, ["swe", "sd"])
    checked = checked_steps(opened["swe"].copy(data=codes)).values  # the mask written, on the steps checked
    count = int(checked.sum())
    assert [r.getMessage() for r in caplog.records] == [
        f"'swe' in snow.nc: of the {checked.size} values checked, {count} ({100 * count / checked.size:.1f} %) hold "
        "its flag_values -2 -1 (below 0, where its standard_name lwe_thickness_of_surface_snow_amount in 'mm' cannot "
        "go), read as missing"]


@pytest.mark.parametrize("position", [pytest.param(0, id="target"), pytest.param(1, id="predictor")])
def test_codes_within_the_values_of_an_amount_are_refused_with_the_line_that_marks_them_missing(tmp_path, monkeypatch,
                                                                                                 position):
    """Codes 0 (snow_free) and 999 (glacier) beside SWE in mm: both are amounts a snow pack can have, so neither the
    codes nor the data can be told; refused in one line, whose ncatted, followed, makes 999 missing and leaves 0
    "snow_free" 0 mm, a value (fix50c: it marked 0 missing too, and every snow-free value left the data)."""
    from climann.data.flags import refuse_codes_within_range

    monkeypatch.chdir(tmp_path)
    written, codes = _globsnow(tmp_path / "snow.nc", flag_values=(0.0, 999.0), meanings="snow_free glacier")
    names = ["swe", "sd"] if position == 0 else ["sd", "swe"]
    with pytest.raises(ClimannError) as error:
        refuse_codes_within_range(open_dataset([tmp_path / "snow.nc"]), names, where="snow.nc")
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{['the target', 'the predictor'][position]} 'swe' in snow.nc is a CF flag variable "
                              "(flag_values 0 999: snow_free glacier) of a continuous quantity "
                              "(lwe_thickness_of_surface_snow_amount in 'mm'), and its codes lie within the values")
    marking = message[message.index("mark them missing: "):message.index(" (or set a valid_min")]
    removing = message[message.index("remove the flags: "):]
    assert "ncatted -a missing_value,swe,o,f,999 snow.nc flag_codes_missing/snow.nc`" in marking
    assert "ncatted -a flag_values,swe,d,, -a flag_meanings,swe,d,, snow.nc flags_removed/snow.nc`" in removing
    # each way run as printed, by bash: its copy in a folder of its own, none beside snow.nc (fix56b: both wrote
    # snow_fixed.nc there, which a glob over the folder took with snow.nc)
    followed = run_one_copy(marking, tmp_path)
    assert followed["copy"] == "flag_codes_missing/snow.nc" and followed["original"] == "snow.nc"
    assert run_one_copy(removing, tmp_path)["copy"] == "flags_removed/snow.nc"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["flag_codes_missing", "flags_removed", "snow.nc"]
    fixed = open_dataset([tmp_path / followed["copy"]])
    np.testing.assert_array_equal(fixed["swe"].values, np.where(written == 999.0, np.nan, written))
    refuse_codes_within_range(fixed, names, where="snow.nc")  # no longer refused
    with netCDF4.Dataset(tmp_path / "flags_removed" / "snow.nc") as removed:  # the codes read as values, as stored
        assert "flag_values" not in removed["swe"].ncattrs() and "flag_meanings" not in removed["swe"].ncattrs()
        np.testing.assert_array_equal(np.ma.filled(removed["swe"][:], np.nan), written)


@pytest.mark.parametrize("attrs", [
    pytest.param({"units": "1"}, id="units-1"),
    pytest.param({}, id="no-units"),
    pytest.param({"units": "mm"}, id="no-standard-name"),
    pytest.param({"units": "mm", "standard_name": "status_flag"}, id="a-code-standard-name"),
])
def test_a_class_variable_is_not_taken_for_an_amount(tmp_path, attrs):
    """Land cover 1…4 in units "1" or none (or a flag standard name): classes, refused as a target as before."""
    from climann.data.flags import codes_of_a_quantity

    codes = np.array([[1, 2, 3, 1], [4, 1, 2, 2]], "i1")
    variable = xr.DataArray(codes, dims=("lat", "lon"), name="lc", attrs={
        "flag_values": np.array([1, 2, 3, 4], "i1"), "flag_meanings": "forest grass desert ice", **attrs})
    assert codes_of_a_quantity("lc", variable) is None
    with pytest.raises(ClimannError, match=r"^the target 'lc' in lc.nc is a CF flag variable \(flag_values 1 2 3 4"):
        refuse_flag_target(variable.to_dataset(), "lc", where="lc.nc")


def test_a_snow_amount_with_negative_codes_trains_on_its_values_only(tmp_path, monkeypatch):
    """break33a A1 end to end: the run's truth holds no code, its climatology is scored on the valid cells (my
    cos-lat weighted calendar-month climatology of 2001–2006 on 2009–2010), and ``sd`` beside it is still warned
    about for its negative values."""
    import json

    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    written, codes = _globsnow(tmp_path / "snow.nc")
    result = CliRunner().invoke(app, ["train", "--data", "snow.nc", "--target", "swe", "--predictors", "sd",
                                      "--epochs", "1", "--out", "run"])
    assert result.exit_code == 0, result.output
    assert "'sd' in snow.nc holds" in result.output and "negative values" in result.output
    truth = np.where(codes, np.nan, written).astype(np.float64)
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        np.testing.assert_array_equal(predictions["swe"].values, truth)
    years, months = 2001 + np.arange(120) // 12, np.arange(120) % 12 + 1
    with warnings.catch_warnings():  # the coded cells have no climatology
        warnings.simplefilter("ignore", RuntimeWarning)
        climatology = np.stack([np.nanmean(truth[(years <= 2006) & (months == month)], axis=0)
                                for month in range(1, 13)])
    errors = (climatology[months - 1] - truth)[years >= 2009]
    weights = np.broadcast_to(np.cos(np.deg2rad([60.0, 61.5, 63.0, 64.5]))[:, None], errors.shape)
    kept = np.isfinite(errors)
    expected = np.sqrt((weights[kept] * errors[kept] ** 2).sum() / weights[kept].sum())
    scores = json.loads((tmp_path / "run" / "metrics.json").read_text())["splits"]["test"]["climatology"]
    assert scores["rmse"] == pytest.approx(expected, rel=1e-5)
    assert scores["n_samples"] == int(kept.sum())


def _folder_of_classes(folder) -> list:
    """``lc`` (4 land-cover classes) and ``tas`` on 4 daily steps of a 2 × 3 grid in each of 3 files of ``folder``;
    the codes of file k shifted by k."""
    folder.mkdir()
    paths = []
    for k in range(3):
        codes = ((np.arange(24).reshape(4, 2, 3) + k) % 4 + 1).astype("i1")
        xr.Dataset(
            {"lc": (("time", "lat", "lon"), codes, {"flag_values": np.array([1, 2, 3, 4], "i1"),
                                                    "flag_meanings": "forest grass desert ice"}),
             "tas": (("time", "lat", "lon"), codes.astype("f4") + 270, {"units": "K"})},
            coords={"time": ("time", np.arange(4.0) + 4 * k, {"units": "days since 2000-01-01"}),
                    "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                    "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})},
        ).to_netcdf(folder / f"lc_{k}.nc")
        paths.append(folder / f"lc_{k}.nc")
    return paths


def _run_loop(text: str, cwd) -> str:
    """Runs the first ``mkdir -p … done`` loop of ``text`` as printed; returns its folder."""
    loop = re.search(r"mkdir -p (\S+) && \( for f in .*?; done \)", text)
    subprocess.run(["bash", "-c", loop.group(0)], check=True, capture_output=True, cwd=cwd)
    return loop.group(1)


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="needs NCO")
def test_a_flag_predictor_of_a_folder_gets_a_copy_of_each_file(tmp_path, caplog, monkeypatch):
    """fix38i: the advice for a flag predictor read from 3 files named the first one (lc_0.nc lc_0_fixed.nc) and
    left the others without the 0/1 variable; now a loop writes a copy of each, and the copies open with it."""
    monkeypatch.chdir(tmp_path)
    paths = _folder_of_classes(tmp_path / "lc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_flag_predictors(open_dataset(paths), ["lc"], where="lc")
    (record,) = caplog.records
    assert "then give --data 'lc/indicators/*.nc' in place of the originals" in record.getMessage()
    folder = _run_loop(record.getMessage(), tmp_path)
    copies = open_dataset(sorted((tmp_path / folder).glob("*.nc")))
    original = open_dataset(paths)
    np.testing.assert_array_equal(copies["lc_forest"].values, (original["lc"].values == 1).astype(int))
    np.testing.assert_array_equal(copies["tas"].values, original["tas"].values)


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="needs NCO")
def test_the_copies_of_files_given_through_symbolic_links_go_beside_the_links(tmp_path, caplog, monkeypatch):
    """break51b A4: files given as mine/*.nc, links to ../store/*.nc (NSIDC's daily CDR linked into the user's
    folder), got the loop ``mkdir -p store/indicators && for f in store/…`` and "give --data
    'store/indicators/*.nc'": written beside the targets, in a folder the user did not give. The paths are those
    given (expand_paths keeps the links, fix51f): the loop, run as printed, writes mine/indicators and nothing in
    store/."""
    from climann.data.open import expand_paths

    monkeypatch.chdir(tmp_path)
    paths = _folder_of_classes(tmp_path / "store")
    (tmp_path / "mine").mkdir()
    for path in paths:
        (tmp_path / "mine" / path.name).symlink_to(f"../store/{path.name}")
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_flag_predictors(open_dataset(expand_paths("mine/*.nc")), ["lc"], where="mine")
    (record,) = caplog.records
    message = record.getMessage()
    assert "mkdir -p mine/indicators && ( for f in mine/" in message and "store" not in message
    assert "then give --data 'mine/indicators/*.nc' in place of the originals" in message
    assert _run_loop(message, tmp_path) == "mine/indicators"
    assert sorted(path.name for path in (tmp_path / "store").iterdir()) == [path.name for path in paths]
    copies = open_dataset(sorted((tmp_path / "mine" / "indicators").glob("*.nc")))
    np.testing.assert_array_equal(copies["lc_forest"].values, (open_dataset(paths)["lc"].values == 1).astype(int))


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="needs NCO")
def test_a_flag_target_of_a_folder_is_refused_with_a_copy_of_each_file(tmp_path, monkeypatch):
    """fix38i: the refusal named 'lc_0.nc lc_forest.nc' for a target read from 3 files; now a copy of each, whose
    0/1 lc_forest is a target (refused no more) with every file's steps."""
    monkeypatch.chdir(tmp_path)
    paths = _folder_of_classes(tmp_path / "lc")
    with pytest.raises(ClimannError) as refused:
        refuse_flag_target(open_dataset(paths), "lc", where="lc")
    message = str(refused.value)
    assert "then give --data 'lc/lc_forest/*.nc' in place of the originals" in message
    folder = _run_loop(message, tmp_path)
    copies = open_dataset(sorted((tmp_path / folder).glob("*.nc")))
    refuse_flag_target(copies, "lc_forest", where="copies")
    assert copies.sizes["time"] == 12
    np.testing.assert_array_equal(copies["lc_forest"].values, (open_dataset(paths)["lc"].values == 1).astype(int))


#: ESA CCI land cover's first classes (its 38 in all): 0 no_data below valid_min = 1, then classes to 220.
_LCCS_CODES = (0, 10, 130, 190, 200, 210, 220)
_LCCS_MEANINGS = "no_data cropland_rainfed grassland urban bare_areas water snow_and_ice"


def _land_cover_years(folder, *, codes=_LCCS_CODES, meanings=_LCCS_MEANINGS) -> tuple[list, np.ndarray]:
    """ESA CCI land cover as its yearly files give it (break39b mk_lc.py): ``lccs_class``, a byte stored signed
    with ``_Unsigned = "true"`` (200 is the byte -56), ``valid_min = 1``, ``valid_max = 220`` (an int), codes from
    ``flag_values`` at random (0 no_data at one cell), beside ``lst`` in K; two yearly files; the codes read unsigned,
    shape (2, 3, 4)."""
    import netCDF4

    folder.mkdir()
    rng = np.random.default_rng(7)
    classes = rng.choice(np.array(codes[1:], np.uint8), size=(2, 3, 4))
    classes[:, 0, 0] = codes[0]
    paths = []
    for k, year in enumerate((2014, 2015)):
        path = folder / f"ESACCI-LC-L4-LCCS-Map-300m-P1Y-{year}-v2.0.7cds.nc"
        with netCDF4.Dataset(path, "w") as nc:
            for name, size in (("time", 1), ("lat", 3), ("lon", 4)):
                nc.createDimension(name, size)
            nc.createVariable("time", "i4", ("time",))[:] = [365 * k]
            nc["time"].units, nc["time"].calendar = "days since 2014-01-01", "standard"
            nc.createVariable("lat", "f8", ("lat",))[:] = [50.5, 49.5, 48.5]
            nc["lat"].units, nc["lat"].standard_name = "degrees_north", "latitude"
            nc.createVariable("lon", "f8", ("lon",))[:] = [0.5, 1.5, 2.5, 3.5]
            nc["lon"].units, nc["lon"].standard_name = "degrees_east", "longitude"
            lc = nc.createVariable("lccs_class", "i1", ("time", "lat", "lon"))
            lc.set_auto_maskandscale(False)
            lc.long_name, lc.standard_name, lc._Unsigned = "Land cover class defined in LCCS", "land_cover_lccs", "true"
            lc.flag_values = np.array(codes, np.uint8).view(np.int8)
            lc.flag_meanings = meanings
            lc.valid_min, lc.valid_max = np.int32(1), np.int32(220)
            lc[:] = classes[k:k + 1].view(np.int8)
            lst = nc.createVariable("lst", "f4", ("time", "lat", "lon"))
            lst.units, lst[:] = "K", 285.0 + 0.01 * classes[k:k + 1]
        paths.append(path)
    return paths, classes


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="needs NCO")
@pytest.mark.parametrize(("codes", "meanings", "code"), [
    pytest.param(_LCCS_CODES, _LCCS_MEANINGS, 10, id="first-class-after-no-data"),
    pytest.param((0, 200, 210), "no_data bare_areas water", 200, id="a-code-stored-as-a-negative-byte"),
])
@pytest.mark.parametrize("advise", [
    pytest.param(lambda opened: _refused(lambda: refuse_flag_target(opened, "lccs_class", where="lc")), id="target"),
    pytest.param(lambda opened: indicator_advice("lccs_class", opened["lccs_class"]), id="predictor"),
])
def test_the_indicator_line_of_unsigned_land_cover_runs_as_printed_and_its_0s_are_values(tmp_path, monkeypatch,
                                                                                          codes, meanings, code,
                                                                                          advise):
    """break39b B1: the ncap2 line for ESA CCI land cover kept valid_min = 1 and valid_max (a folder's valid range
    was not looked up), so every 0 of the 0/1 variable was missing; it compared with 0, the no_data class; and ncap2
    reads the byte 200 as -56 (it ignores _Unsigned), so `lccs_class==200` found none of the bare areas. Run as
    printed, the line writes 1 where numpy finds the code, 0 elsewhere, missing only where no_data (no class: a 0
    there was "not this class" where nothing was classified, break47b A2)."""
    monkeypatch.chdir(tmp_path)
    paths, classes = _land_cover_years(tmp_path / "lc", codes=codes, meanings=meanings)
    advice = advise(open_dataset(paths))
    assert "==0);" not in advice and f"=={code})" in advice  # no indicator of no_data; its cells missing (A2)
    folder = _run_loop(advice, tmp_path)
    copies = open_dataset(sorted((tmp_path / folder).glob("*.nc")))
    made = next(name for name in copies.data_vars if name.startswith("lccs_class_"))
    assert made == f"lccs_class_{meanings.split()[codes.index(code)]}"
    # numpy's count; NaN only where no_data (0: no class, break47b A2)
    np.testing.assert_array_equal(copies[made].values, np.where(classes == 0, np.nan, (classes == code).astype(float)))
    assert (classes == 0).any()
    assert 0 < int((classes == code).sum()) < classes.size
    refuse_flag_target(copies, made, where="copies")  # a target


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="needs NCO")
def test_the_indicator_line_of_a_class_target_beside_a_predictor_runs_as_printed(tmp_path):
    """break39b B2: the refusal of IMS's IMS_Surface_Values (0 outside_northern_hemisphere, 1 sea, …) offered
    `cdo eqc,0 in.nc out.nc`, whose copy keeps the name and the flag attributes (refused again) and compares every
    variable of the file with the code (tas became 0s); the one line left, run as printed, writes the 0/1 variable
    of the first class that is one (sea, not the fill class), a target, and leaves tas as it was."""
    dataset = grid_dataset()
    codes = (np.arange(dataset["tas"].size).reshape(dataset["tas"].shape) % 5).astype("i1")
    dataset["IMS_Surface_Values"] = (dataset["tas"].dims, codes, {
        "flag_values": np.arange(5, dtype="i1"), "valid_range": np.array([0, 4], "i1"), "units": "1",
        "flag_meanings": "outside_northern_hemisphere sea land sea_ice snow_covered_land"})
    dataset.to_netcdf(tmp_path / "ims.nc")
    message = _refused(lambda: refuse_flag_target(open_dataset([tmp_path / "ims.nc"]), "IMS_Surface_Values",
                                                  where="ims.nc"))
    assert "cdo" not in message and message.endswith("(1 where IMS_Surface_Values is 1, sea; 0 elsewhere; missing "
                                                     "where it is 0 (outside_northern_hemisphere))")
    followed = run_one_copy(message)
    assert followed["copy"] == f"{tmp_path}/IMS_Surface_Values_sea/ims.nc"
    copy = open_dataset([followed["copy"]])
    refuse_flag_target(copy, "IMS_Surface_Values_sea", where="copy")  # a target
    # code 0, outside_northern_hemisphere, is no analysed cell: missing, not "no sea" (break47b A2)
    np.testing.assert_array_equal(copy["IMS_Surface_Values_sea"].values,
                                  np.where(codes == 0, np.nan, (codes == 1).astype(float)))
    np.testing.assert_array_equal(copy["tas"].values, open_dataset([tmp_path / "ims.nc"])["tas"].values)


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="needs NCO")
def test_a_run_on_the_printed_indicator_of_ims_scores_only_the_analysed_cells(tmp_path, monkeypatch):
    """break47b A2: IMS's code 0, outside_northern_hemisphere (a quarter of the full disk), became 0 = "no snow" in
    the advised indicator, and a run on it scored those cells as certain (test MSE 0.0727 over 43 200 values, 0.0815
    over the 32 616 analysed). The printed line, followed for code 4 (snow_covered_land), leaves them missing: the
    run's n and MSE are numpy's over the analysed cells only."""
    from typer.testing import CliRunner

    from climann.cli import app
    from climann.evaluation.predictions import split_labels
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)  # its scores and predictions are read, its figures (2.3 of 2.7 CPU-s) never
    monkeypatch.chdir(tmp_path)
    dataset = grid_dataset(n_years=4, n_lat=6, n_lon=8, seed=4)
    tas = dataset["tas"].values
    south = np.broadcast_to((dataset["lat"].values < 0)[None, :, None], tas.shape)
    codes = np.where(tas < tas.mean(axis=0), 4, 2).astype("i1")  # snow in the colder half of each cell's steps
    codes[south] = 0
    dataset["IMS_Surface_Values"] = (dataset["tas"].dims, codes, {
        "flag_values": np.arange(5, dtype="i1"), "long_name": "Daily Northern Hemisphere Snow and Ice Analysis",
        "flag_meanings": "outside_northern_hemisphere sea land sea_ice snow_covered_land"})
    dataset[["IMS_Surface_Values"]].to_netcdf(tmp_path / "ims.nc")
    dataset[["tas"]].to_netcdf(tmp_path / "tas.nc")
    refused = CliRunner().invoke(app, ["train", "--data", "ims.nc", "--target", "IMS_Surface_Values", "--out", "r"])
    assert refused.exit_code == 2
    printed = " ".join(refused.output.split())
    printed = printed.replace("(IMS_Surface_Values==1)", "(IMS_Surface_Values==4)").replace("_sea", "_snow")
    followed = run_one_copy(printed, tmp_path)
    assert (followed["copy"], followed["original"]) == ("IMS_Surface_Values_snow/ims.nc", "ims.nc")
    result = CliRunner().invoke(app, ["train", "--data", followed["copy"], "--data", "tas.nc", "--target",
                                      "IMS_Surface_Values_snow", "--predictors", "tas", "--epochs", "2", "--out", "run",
                                      "-q"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        test = split_labels(predictions["split"]) == "test"
        truth = predictions["IMS_Surface_Values_snow"].values[test].astype(np.float64)
        predicted = predictions["IMS_Surface_Values_snow_pred"].values[test].astype(np.float64)
        times = predictions["time"].values[test]
    analysed = (codes != 0)[np.isin(dataset["time"].values, times)]  # numpy: the cells IMS analysed
    np.testing.assert_array_equal(np.isfinite(truth), analysed)
    expected = (codes == 4)[np.isin(dataset["time"].values, times)]
    np.testing.assert_array_equal(truth[analysed], expected[analysed].astype(float))
    band = np.abs(np.diff(np.sin(np.deg2rad(np.append(dataset["lat"].values - 15, 90.0)))))  # 30° bands' areas
    weights = np.broadcast_to(band[None, :, None], truth.shape)[analysed]
    mse = np.sum(weights * (predicted[analysed] - truth[analysed]) ** 2) / np.sum(weights)
    assert metrics["n_samples"]["test"] == analysed.sum() < truth.size
    assert metrics["splits"]["test"]["model"]["mse"] == pytest.approx(mse, rel=1e-5)


def _flag_with_fill(path, *, dtype, codes, meanings, stored, key="flag_values", fill="_FillValue", extra=None):
    """A flag variable ``q(y, x)`` whose fill value (``_FillValue`` or ``missing_value`` only) is 0, as ESA CCI
    Lakes' ``lswt_quality_level`` (i1, flag_values 0…5, valid_min/max) and WUDAPT's ``LCZ`` (u1, 1…17) store it."""
    import netCDF4

    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("y", stored.shape[0])
        nc.createDimension("x", stored.shape[1])
        for name, size in (("y", stored.shape[0]), ("x", stored.shape[1])):
            axis = nc.createVariable(name, "f8", (name,))
            axis[:] = np.arange(size, dtype=float)
        variable = nc.createVariable("q", dtype, ("y", "x"),
                                     fill_value=np.zeros((), dtype)[()] if fill == "_FillValue" else False)
        if fill == "missing_value":
            variable.missing_value = np.zeros((), dtype)[()]
        variable.setncattr(key, np.array(codes, dtype))
        variable.flag_meanings = meanings
        for name, value in (extra or {}).items():
            variable.setncattr(name, np.array(value, dtype))
        variable.set_auto_maskandscale(False)
        variable[:] = stored


_STORED = np.array([[0, 1, 2, 3], [1, 5, 4, 0], [2, 1, 0, 3]])


@pytest.mark.parametrize(("dtype", "codes", "meanings", "key", "fill", "extra", "expected_one"), [
    pytest.param("i1", [0, 1, 2, 3, 4, 5], "unprocessed bad worst low acceptable best", "flag_values", "_FillValue",
                 {"valid_min": 0, "valid_max": 5}, _STORED == 1, id="cci-lakes-quality-level-fill-0"),
    pytest.param("u1", list(range(1, 18)), " ".join(f"zone{i}" for i in range(1, 18)), "flag_values", "_FillValue",
                 None, _STORED == 1, id="wudapt-lcz-ubyte-fill-0"),
    pytest.param("i2", [1, 2, 3, 4, 5], "bad worst low acceptable best", "flag_values", "missing_value",
                 None, _STORED == 1, id="missing-value-0-only"),
    pytest.param("u1", [1, 2, 4], "cloud land snow", "flag_masks", "_FillValue",
                 None, _STORED % 2 == 1, id="bit-field-fill-0"),
])
def test_the_indicator_of_a_flag_whose_fill_value_is_0_keeps_its_0s(tmp_path, caplog, dtype, codes, meanings, key,
                                                                     fill, extra, expected_one):
    """break41a A1: ncap2 gives the 0/1 variable the flag variable's _FillValue 0 (or its missing_value 0, which
    ncap2 does not read but xarray does), so every 0 of it was missing (96.8 % of the samples lost, then "do not
    vary"); the printed line, run as printed, keeps the 0s as 0 and the cells where the flag is missing missing."""
    _flag_with_fill(tmp_path / "q.nc", dtype=dtype, codes=codes, meanings=meanings, stored=_STORED, key=key,
                    fill=fill, extra=extra)
    opened = open_dataset([tmp_path / "q.nc"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_flag_predictors(opened, ["q"], where="q.nc")
    (record,) = caplog.records
    assert ".delete_miss()" in ONE_COPY.search(record.getMessage())["command"]
    if shutil.which("ncap2") is None:
        pytest.skip("ncap2 (NCO) is not installed")
    followed = run_one_copy(record.getMessage())
    assert followed["copy"] == f"{tmp_path}/indicators/q.nc"
    with xr.open_dataset(followed["copy"]) as fixed:
        made = fixed[next(name for name in fixed.data_vars if name.startswith("q_"))].values
    flag_missing = _STORED == 0  # the fill value 0 (CCI Lakes' "unprocessed" too: xarray reads it as missing)
    np.testing.assert_array_equal(made, np.where(flag_missing, np.nan, expected_one.astype(float)))
    assert np.isnan(opened["q"].values).sum() == flag_missing.sum()  # as climann reads the flag itself


def test_the_refusal_of_a_flag_target_whose_fill_value_is_0_gives_an_indicator_with_0s(tmp_path):
    """break41a A1, the target's refusal: the same ncap2 line, run as printed."""
    _flag_with_fill(tmp_path / "lcz.nc", dtype="u1", codes=list(range(1, 18)),
                    meanings=" ".join(f"zone{i}" for i in range(1, 18)), stored=_STORED)
    message = _refused(lambda: refuse_flag_target(open_dataset([tmp_path / "lcz.nc"]), "q", where="lcz.nc"))
    if shutil.which("ncap2") is None:
        pytest.skip("ncap2 (NCO) is not installed")
    followed = run_one_copy(message)
    assert followed["copy"] == f"{tmp_path}/q_zone1/lcz.nc"
    with xr.open_dataset(followed["copy"]) as fixed:
        np.testing.assert_array_equal(fixed["q_zone1"].values, np.where(_STORED == 0, np.nan, _STORED == 1))


@pytest.mark.parametrize("missing_value", [pytest.param(True, id="fill-and-missing-value-nan"),
                                           pytest.param(False, id="fill-nan-only")])
def test_the_indicator_of_a_float_flag_filled_with_nan_keeps_its_missing_cells_missing(tmp_path, missing_value):
    """fix44d: a float flag variable with _FillValue NaN (and missing_value NaN) was compared with np.array_equal,
    NaN unequal to NaN, and the printed ncap2 line, whose missing() and == never find NaN, made the flag's missing
    cells 0, "not this class". Run as printed, the indicator is missing exactly where the flag is NaN, and
    (flag == 1) elsewhere (numpy)."""
    import netCDF4

    stored = np.array([[1, 2, np.nan, 3], [1, 3, 2, 1], [np.nan, 1, 2, 2]], "f4")
    with netCDF4.Dataset(tmp_path / "lc.nc", "w") as nc:
        for name, size in (("y", 3), ("x", 4)):
            nc.createDimension(name, size)
            nc.createVariable(name, "f8", (name,))[:] = np.arange(size, dtype=float)
        variable = nc.createVariable("lc", "f4", ("y", "x"), fill_value=np.float32(np.nan))
        if missing_value:
            variable.missing_value = np.float32(np.nan)
        variable.flag_values, variable.flag_meanings = np.array([1, 2, 3], "f4"), "water land ice"
        variable[:] = stored
    message = _refused(lambda: refuse_flag_target(open_dataset([tmp_path / "lc.nc"]), "lc", where="lc.nc"))
    assert "==nan" not in ONE_COPY.search(message)["command"]
    if shutil.which("ncap2") is None:
        pytest.skip("ncap2 (NCO) is not installed")
    followed = run_one_copy(message)
    assert followed["copy"] == f"{tmp_path}/lc_water/lc.nc"
    with xr.open_dataset(followed["copy"]) as fixed:
        np.testing.assert_array_equal(fixed["lc_water"].values,
                                      np.where(np.isnan(stored), np.nan, (stored == 1).astype(float)))


# --- a flag value that says the quantity is absent: 0 of it (break49b A1) ---------------------------------------------
def _snow_cci(path) -> tuple[np.ndarray, np.ndarray]:
    """ESA Snow CCI's SWE v2 as its files hold it: int32 mm, ``valid_range = 1, 500``, ``missing_value = -100000``,
    ``flag_values = -30 -20 -10 -1 0`` "Glacier Mountain Water no_data no_snow", here 10 years of months on a 5 × 6
    grid: -10 (water) on a 2 × 2 lake, -20 (mountain) on the last column, 0 wherever no snow lies (each summer), and a
    t2m beside it. Returns the SWE as written and the mask of the codes read as missing (not the 0s)."""
    rng = np.random.default_rng(491)
    n_time = 120
    month = np.arange(n_time) % 12 + 1
    t2m = 270.0 - 12 * np.cos(2 * np.pi * (month[:, None, None] - 1) / 12) + rng.normal(0, 2, (n_time, 5, 6))
    swe = np.round(np.clip(-(t2m - 273.15) * 6 + rng.normal(0, 4, t2m.shape), 0, None)).astype("i4")
    swe[:, 1:3, 1:3], swe[:, :, 5] = -10, -20
    missing = swe < 0
    time = [(np.datetime64(f"{2001 + k // 12}-{k % 12 + 1:02d}-01") - np.datetime64("1970-01-01")).astype(int)
            for k in range(n_time)]
    xr.Dataset(
        {"swe": (("time", "lat", "lon"), swe, {"long_name": "Snow Water Equivalent", "units": "mm",
                                               "flag_values": np.array([-30, -20, -10, -1, 0], "i4"),
                                               "flag_meanings": "Glacier Mountain Water no_data no_snow",
                                               "valid_range": np.array([1, 500], "i4"),
                                               "missing_value": np.int32(-100000)}),
         "t2m": (("time", "lat", "lon"), t2m.astype("f4"), {"units": "K", "standard_name": "air_temperature"})},
        coords={"time": ("time", time, {"units": "days since 1970-01-01", "calendar": "standard"}),
                "lat": ("lat", [60.0, 61.0, 62.0, 63.0, 64.0], {"units": "degrees_north"}),
                "lon": ("lon", 20.0 + np.arange(6.0), {"units": "degrees_east"})},
    ).to_netcdf(path, encoding={"swe": {"_FillValue": None}})
    return swe, missing


@pytest.mark.parametrize(("name", "attrs", "codes", "meanings", "zero"), [
    pytest.param("swe", {"long_name": "Snow Water Equivalent", "units": "mm"}, [-10, 0], "Water no_snow", [0],
                 id="Snow-CCI-no_snow"),
    pytest.param("snd", {"standard_name": "surface_snow_thickness", "units": "m"}, [-1, 0], "no_data snow_free", [0],
                 id="snow-free"),
    pytest.param("sit", {"standard_name": "sea_ice_thickness", "units": "m"}, [-1, 0], "land ice_free", [0],
                 id="ice-free"),
    pytest.param("pr", {"units": "mm"}, [-1, 0], "no_data dry", [0], id="dry-precipitation"),
    pytest.param("tas", {"units": "K"}, [-1, 0], "no_data no_snow", [], id="a-temperature-has-no-absence"),
    pytest.param("pr", {"units": "mm"}, [-1, 0], "no_data no_snow", [], id="no-snow-is-no-precipitation-word"),
    pytest.param("swe", {"long_name": "Snow Water Equivalent", "units": "mm"}, [-10, -1], "Water no_data", [],
                 id="no-absence-meaning"),
])
def test_a_flag_that_says_the_substance_is_absent_is_0_of_it(name, attrs, codes, meanings, zero):
    from climann.data.flags import zero_amount_codes

    variable = xr.DataArray(np.zeros(2, "i4"), dims="x", attrs={
        **attrs, "flag_values": np.array(codes, "i4"), "flag_meanings": meanings})
    assert [code for code, _ in zero_amount_codes(name, variable)] == zero


def test_snow_cci_no_snow_is_0_mm_trained_and_scored_with_one_warning_and_its_way_out(tmp_path, monkeypatch):
    """break49b A1: Snow CCI's flag value 0 "no_snow" (valid_range 1…500) was read as missing with its glacier,
    mountain, water and no-data codes: every snow-free value left training and the scores, the terminal did not say
    why, and predict gave -87 mm of July SWE. Now it is 0 mm: one warning counts it (numpy on the steps checked), the
    truth and the test climatology MSE are mine (the 0s kept as 0, the other codes missing); the ncatted it gives,
    followed, makes them missing (the scores then numpy's on the snow alone)."""
    import json

    from typer.testing import CliRunner

    from climann.cli import app
    from climann.data.fill_like import checked_steps
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    swe, missing = _snow_cci(tmp_path / "snow.nc")
    arguments = ["--target", "swe", "--predictors", "t2m", "--epochs", "1"]
    result = CliRunner().invoke(app, ["train", "--data", "snow.nc", *arguments, "--out", "run"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    with xr.open_dataset(tmp_path / "snow.nc", mask_and_scale=False) as written:  # the steps the run checks
        sample = checked_steps(written["swe"]).values
    count = int((sample == 0).sum())
    assert (f"'swe' in snow.nc: {count} of the {sample.size} values checked ({100 * count / sample.size:.3g} %) hold "
            "its flag value 0 (no_snow), which says none of the quantity is there: read as 0 mm, a value") in said
    assert "no value of 'swe'" not in said
    command = re.search(r"mark it missing: (ncatted \S+ \S+ \S+ \S+)", said).group(1)
    assert command == "ncatted -a _FillValue,swe,o,l,0 snow.nc snow_fixed.nc"

    years, months = 2001 + np.arange(120) // 12, np.arange(120) % 12 + 1
    weights = np.cos(np.deg2rad([60.0, 61.0, 62.0, 63.0, 64.0]))[:, None]

    def climatology_mse(truth):
        with warnings.catch_warnings():  # the coded cells have no climatology
            warnings.simplefilter("ignore", RuntimeWarning)
            climatology = np.stack([np.nanmean(truth[(years <= 2006) & (months == month)], axis=0)
                                    for month in range(1, 13)])
        errors = (climatology[months - 1] - truth)[years >= 2009]
        kept = np.isfinite(errors)
        every = np.broadcast_to(weights, errors.shape)
        return (every[kept] * errors[kept] ** 2).sum() / every[kept].sum(), int(kept.sum())

    truth = np.where(missing, np.nan, swe).astype(np.float64)
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        np.testing.assert_array_equal(predictions["swe"].values, truth)
    for run, expected in (("run", climatology_mse(truth)),
                          ("fixed", climatology_mse(np.where(swe == 0, np.nan, truth)))):
        if run == "fixed":
            if shutil.which("ncatted") is None:
                pytest.skip("NCO's ncatted is not installed (netCDF4 cannot add a _FillValue to a written variable)")
            subprocess.run(shlex.split(command), cwd=tmp_path, check=True)  # as printed
            result = CliRunner().invoke(app, ["train", "--data", "snow_fixed.nc", *arguments, "--out", "fixed"])
            assert result.exit_code == 0, result.output
            assert "no_snow), which says" not in result.output
        scores = json.loads((tmp_path / run / "metrics.json").read_text())["splits"]["test"]["climatology"]
        assert scores["mse"] == pytest.approx(expected[0], rel=1e-6)
        assert scores["n_samples"] == expected[1]


# --- a signed byte of bit masks as the target (OSI SAF's status_flag, flag_masks 1b … 64b, -128b) ---------------------
_OSI_STATUS_MEANINGS = ("land lake open_water_filtered land_spill_over high_t2m spatial_interp temporal_interp "
                        "max_ice_climo")


def _signed_status_flag(path, *, fill, masks_as_text=False) -> np.ndarray:
    """A signed byte ``status_flag`` holding each of the 256 bit patterns (two of them twice), its
    ``flag_masks`` as OSI SAF writes them (-128b for bit 128; ``masks_as_text``: the text
    ``"1b, 2b, … -128b"`` as some writers copy ``ncdump``'s), with ``fill`` as its ``_FillValue``
    (None: none, as OSI-450); returns the stored patterns, unsigned."""
    import netCDF4

    bits = np.resize(np.arange(256, dtype="u1"), (13, 4, 5))
    with netCDF4.Dataset(path, "w") as f:
        for name, size in (("time", None), ("lat", 4), ("lon", 5)):
            f.createDimension(name, size)
        time = f.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "days since 2000-01-01", "standard"
        time[:] = np.arange(13)
        for name, units, values in (("lat", "degrees_north", [73.0, 72.0, 71.0, 70.0]),
                                    ("lon", "degrees_east", [0.0, 1.0, 2.0, 3.0, 4.0])):
            f.createVariable(name, "f8", (name,))[:] = values
            f[name].units = units
        flag = f.createVariable("status_flag", "i1", ("time", "lat", "lon"),
                                fill_value=None if fill is None else np.int8(fill))
        flag.set_auto_maskandscale(False)
        flag.long_name = "status flag bit array for sea ice concentration retrievals"
        masks = np.array([1, 2, 4, 8, 16, 32, 64, -128], "i1")
        flag.flag_masks = ", ".join(f"{mask}b" for mask in masks) if masks_as_text else masks
        flag.flag_meanings = _OSI_STATUS_MEANINGS
        flag[:] = bits.view("i1")
    return bits


@pytest.mark.parametrize("masks_as_text", [pytest.param(False, id="masks-bytes"), pytest.param(True, id="masks-text")])
@pytest.mark.parametrize("fill", [pytest.param(None, id="no-fill"), pytest.param(-1, id="fill-minus-1")])
@pytest.mark.parametrize("mask", [1, 16, 64, 128])
def test_the_bit_line_of_a_signed_byte_target_extracts_the_bit_numpy_reads(tmp_path, mask, fill, masks_as_text):
    """fix51c: a target of bit masks stored as a signed byte was refused with flag_masks '… 64 -128' and the line
    '(status_flag/1)%2', which ncap2 (reading the signed byte, truncating toward zero) made -1 on every negative
    odd value: 1 cell in 4 wrong; for bit 128, '(status_flag/-128)%2' was 0 where bit 128 is set beside another.
    The masks are shown unsigned and the line reads the bits of ubyte(status_flag): run as printed, with the bit
    changed to each mask, the 0/1 variable is numpy's bits & mask != 0 on every one of the 256 patterns. Masks
    written as text ("… 64b, -128b") were still read signed (session 71): the same line now."""
    path = tmp_path / "osi.nc"
    bits = _signed_status_flag(path, fill=fill, masks_as_text=masks_as_text)
    message = _refused(lambda: refuse_flag_target(open_dataset([path]), "status_flag", where="osi.nc"))
    assert "(flag_masks 1 2 4 8 16 32 64 128: land lake " in message and "-128" not in message
    script = re.search(r"ncap2 -s '([^']+)'", message)[1]
    assert script.startswith("status_flag_land=(ubyte(status_flag)/1)%2;")
    if shutil.which("ncap2") is None:
        pytest.skip("needs NCO's ncap2")
    made = f"status_flag_bit{mask}"
    script = script.replace("status_flag_land", made).replace("/1)%2", f"/{mask})%2")
    subprocess.run(["ncap2", "-s", script, str(path), str(tmp_path / "made.nc")], check=True, capture_output=True)
    with xr.open_dataset(tmp_path / "made.nc") as copy:
        extracted = copy[made].values
    expected = (bits & mask != 0).astype("f8")
    if fill is not None:
        expected[bits == np.uint8(np.int8(fill).view("u1"))] = np.nan  # the flag's fill: missing in the 0/1 variable
    np.testing.assert_array_equal(extracted, expected)


def test_the_per_bit_line_leaves_the_masks_comment_off_the_0_1_variable(tmp_path):
    """break52d: OSTIA's mask (flag_masks 1 2 4 8 16) with its comment "Water points are only defined as water if
    they are not land or ice": the ncap2 line copied that comment onto mask_water, which is 1 on ice (mask 9) too.
    Run as printed, the 0/1 variable is bit 1 of the mask (numpy by hand) and says nothing of water points."""
    mask = np.array([[1, 2, 9, 1], [2, 5, 17, 1]], dtype="i1")
    dataset = xr.Dataset({"mask": (("lat", "lon"), mask, {
        "flag_masks": np.array([1, 2, 4, 8, 16], "i1"),
        "flag_meanings": "water land optional_lake_surface sea_ice optional_river_surface",
        "comment": "Water points are only defined as water if they are not land or ice",
        "flag_descriptions": "bit 1: water; bit 2: land", "long_name": "land sea ice lake bit mask"})},
        coords={"lat": [10.0, 20.0], "lon": [0.0, 5.0, 10.0, 15.0]})
    path = tmp_path / "ostia.nc"
    dataset.to_netcdf(path)
    opened = open_dataset([path])
    advice = indicator_advice("mask", opened["mask"])
    assert ";ram_delete(mask_water@comment);ram_delete(mask_water@flag_descriptions)" in advice
    if shutil.which("ncap2") is None:
        return
    followed = run_one_copy(advice)
    assert followed["copy"] == f"{tmp_path}/indicators/ostia.nc"
    with xr.open_dataset(followed["copy"]) as fixed:
        assert "comment" not in fixed["mask_water"].attrs and "flag_descriptions" not in fixed["mask_water"].attrs
        np.testing.assert_array_equal(fixed["mask_water"].values, (mask.astype("u1") // 1) % 2)
        assert fixed["mask"].attrs["comment"] == dataset["mask"].attrs["comment"]  # the mask's own kept


_FIELD_MEAN = 'average them over the target\'s grid (field_inputs = "mean"; "flatten" gives each cell\'s class)'


@pytest.mark.parametrize(("setting", "value", "words"), [
    pytest.param("global_means", ["qc"], "average them over the globe", id="global-means"),
    pytest.param("regional_means", {"qc": [0.0, 90.0, 0.0, 360.0]}, "average them over its boxes", id="regional-means"),
    pytest.param("anomalies", ["qc"], "subtract their mean of each calendar month", id="anomalies"),
    pytest.param("predictors", ["pred", "qc"], _FIELD_MEAN, id="field-mode-predictor"),
    pytest.param("lags", {"qc": [1]}, _FIELD_MEAN, id="field-mode-lag"),
])
def test_flag_codes_named_in_an_averaging_setting_are_refused_with_the_indicator_line(tmp_path, setting, value,
                                                                                       words):
    """break54d A2: ESA CCI's lccs_class named in global_means, regional_means or anomalies trained on means of its
    class codes (exit 0, no word): a mean of codes is no quantity. Each such setting is refused in one line naming
    it, with the indicator line of a flag predictor's warning (whose area mean is the class's fraction). fix57a: so
    is a predictor or lag in field mode, whose input is its area mean (field_inputs = "mean", the default)."""
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data

    path, _ = _flag_files(tmp_path)
    field = {"mode": "field"} if words == _FIELD_MEAN else {}
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"], setting: value,
                                    **field}})
    with pytest.raises(ClimannError) as error:
        prepare_data(config)
    message = without_guards(str(error.value))
    assert message == (
        f"'qc' in flags.nc is a CF flag variable (flag_masks 1 2: frozen warm): its codes are classes, not amounts, "
        f"and [data] {setting} would {words} (a mean of class codes is no quantity); leave it out of [data] "
        f"{setting}, or, to use its classes, give one 0/1 variable per bit instead (e.g. " + one_copy(
            "ncap2 -s 'qc_frozen=(ubyte(qc)/1)%2;ram_delete(qc_frozen@flag_masks);ram_delete(qc_frozen@flag_meanings)'",
            tmp_path / "flags.nc", tmp_path / "indicators", ", for integer codes)")
        + f" and name those in [data] {setting} (the mean of one is the area fraction of its class)")


def test_a_lag_of_flag_codes_is_warned_about_as_a_flag_predictor(tmp_path, caplog):
    """break54d A2: a lag of lccs_class is its codes used as numbers one step earlier, as the predictor itself:
    the same warning (it was silent), once, and the lag trains."""
    from climann.workflow.config import build_config
    from climann.workflow.preparation import prepare_data

    path, _ = _flag_files(tmp_path)
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred"],
                                    "lags": {"qc": [1]}}})
    with caplog.at_level(logging.WARNING, logger="climann"):
        prepared = prepare_data(config)
    flagged = [r.getMessage() for r in caplog.records if "CF flag variable" in r.getMessage()]
    assert len(flagged) == 1 and flagged[0].startswith("'qc' in flags.nc is a CF flag variable (flag_masks 1 2: "
                                                       "frozen warm): its codes are used as numbers")
    assert "qc_lag1" in prepared.samples.feature_names
