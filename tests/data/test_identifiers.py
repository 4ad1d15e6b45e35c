"""Identifiers (lake, station, region numbers) are told apart from amounts."""

import logging
import re
import shutil
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.defaults import default_inputs
from climann.data.flags import refuse_flag_target
from climann.data.identifiers import class_map_values, identifier_reading, warn_identifier_predictors
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset
from tests.followed_twice import run_one_copy


@pytest.mark.parametrize(("name", "attrs", "expected"), [
    pytest.param("lakeid", {"long_name": "Lake identifier"}, "long_name 'Lake identifier'", id="cci-lakes-lakeid"),
    pytest.param("stn", {"long_name": "station id"}, "long_name 'station id'", id="station-id"),
    pytest.param("b", {"long_name": "basin ID"}, "long_name 'basin ID'", id="basin-id"),
    pytest.param("r", {"long_name": "region number"}, "long_name 'region number'", id="region-number"),
    pytest.param("c", {"long_name": "catchment ID", "units": "1"}, "long_name 'catchment ID'", id="catchment-id"),
    pytest.param("s", {"cf_role": "timeseries_id"}, "cf_role 'timeseries_id'", id="cf-role"),
    pytest.param("lake_id", {}, "its name", id="name-without-long-name"),
    pytest.param("spi", {"long_name": "standardized drought index"}, None, id="an-index-of-no-thing"),
    pytest.param("n", {"long_name": "number of stations"}, None, id="a-count"),
    pytest.param("humid", {}, None, id="a-name-ending-in-id"),
    pytest.param("x", {"long_name": "station id", "units": "K"}, None, id="physical-units"),
    pytest.param("t2m", {"long_name": "2 metre temperature", "units": "K"}, None, id="an-amount"),
])
def test_identifiers_are_read_from_cf_role_long_name_or_name(name, attrs, expected):
    assert identifier_reading(name, xr.DataArray(np.array([6, 300, 1049], "i4"), dims="x", attrs=attrs)) == expected


def _with_lake_ids(tmp_path):
    """grid_dataset's tas beside a (lat, lon) lake id as ESA CCI Lakes v2 stores it (i4, "Lake identifier")."""
    dataset = grid_dataset()[["tas", "pred"]]
    ids = np.array([6, 300, 1049, 6, 300, 1049] * 4, "i4").reshape(4, 6)
    dataset["lakeid"] = (("lat", "lon"), ids, {"long_name": "Lake identifier"})
    dataset.to_netcdf(tmp_path / "lakes.nc")
    return open_dataset([tmp_path / "lakes.nc"])


def test_an_identifier_is_left_out_of_the_default_predictors_with_a_note(tmp_path):
    """break41a A2: CCI Lakes' lakeid was proposed as a predictor (`predictors = ["lakeid", "t2m"]`) and explain
    ranked it by partial dependence over ids 6…1049, as an amount."""
    chosen = default_inputs(_with_lake_ids(tmp_path), "tas")
    assert chosen.predictors == ("pred",)
    assert chosen.identifiers == {"lakeid": "long_name 'Lake identifier'"}
    (note,) = chosen.notes("tas")
    assert note.startswith("left out of the default predictors: lakeid (long_name 'Lake identifier'), identifiers: "
                           "numbers that name things, not amounts; to use where they are, give a 0/1 indicator")
    assert "regionmask" in note and note.endswith("(--predictors) to use their numbers as amounts")


def test_an_identifier_named_as_a_predictor_is_used_with_a_warning(tmp_path, caplog):
    opened = _with_lake_ids(tmp_path)
    assert default_inputs(opened, "tas", predictors=("lakeid", "pred")).predictors == ("lakeid", "pred")
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_identifier_predictors(opened, ["lakeid", "pred"], where="lakes.nc")
    (record,) = caplog.records
    assert record.getMessage().startswith(
        "'lakeid' in lakes.nc holds identifiers (long_name 'Lake identifier'): numbers that name things, used as "
        "amounts")
    assert "one-hot" in record.getMessage() and "regionmask" in record.getMessage()


# --- fix44c: integer class maps without flag attributes ----------------------------------------------
def _stored(values, kind, attrs, **encoding):
    variable = xr.DataArray(np.asarray(values, kind), dims="x", attrs=attrs)
    variable.encoding.update(encoding)
    return variable


@pytest.mark.parametrize(("name", "variable", "expected"), [
    pytest.param("source", _stored([0, 1, 3], "i1", {}), "its name", id="gfed-source-no-attributes"),
    pytest.param("basis_regions", _stored([1, 5, 14], "i4", {"long_name": "GFED basis regions"}),
                 "long_name 'GFED basis regions'", id="gfed-basis-regions"),
    pytest.param("kg", _stored([1, 14, 29], "i2", {"long_name": "Koppen-Geiger climate class", "units": "1"}),
                 "long_name 'Koppen-Geiger climate class'", id="koppen-class"),
    pytest.param("lc", _stored([1, 7, 16], "u1", {"long_name": "Land cover type"}), "long_name 'Land cover type'",
                 id="land-cover-type"),
    # ERA5's packed short, decoded to floats: the file stores integers
    pytest.param("tvh", _stored([3.0, 18.0], "f4", {"long_name": "Type of high vegetation", "units": "~"},
                                dtype=np.dtype("i2"), scale_factor=0.1), "long_name 'Type of high vegetation'",
                 id="era5-tvh-units-tilde"),
    pytest.param("slt", _stored([1.0, 7.0], "f4", {"long_name": "Soil type"}, dtype=np.dtype("i2"),
                                scale_factor=1e-4), "long_name 'Soil type'", id="era5-soil-type-packed"),
    pytest.param("kg_class", _stored([1.0, np.nan], "f4", {}, dtype=np.dtype("i2"), _FillValue=-1),
                 "its name", id="name-integers-with-a-fill"),
    pytest.param("lc", _stored([0.2, 0.7], "f4", {"long_name": "Land cover type"}), None, id="stored-as-floats"),
    pytest.param("soil_type", _stored([1, 2], "i2", {"units": "m"}), None, id="physical-units"),
    pytest.param("fires", _stored([0, 12], "i4", {"long_name": "number of active fires"}), None, id="a-count"),
    pytest.param("wet", _stored([0, 1], "i2", {"long_name": "wet-day indicator"}), None, id="an-indicator"),
    pytest.param("lc", _stored([1, 2, 3], "u1", {"long_name": "land cover class", "flag_values": [1, 2, 3],
                                                 "flag_meanings": "a b c"}), None, id="flags-have-their-own-route"),
    pytest.param("emission_source", _stored([0.1, 0.4], "f4", {"units": "kg m-2 s-1"}), None, id="a-flux"),
])
def test_integer_class_maps_are_read_from_long_name_or_name(name, variable, expected):
    assert identifier_reading(name, variable) == expected


def test_gfed_source_and_class_maps_are_left_out_of_the_default_predictors(tmp_path):
    """fix44c: GFED4.1s' ``source`` (i1, no attributes), ``basis_regions`` and a Köppen class (i2 with a
    _FillValue: read back as floats) were default predictors beside t2m, class ids read as magnitudes."""
    dataset = grid_dataset()[["tas", "pred"]]
    shape = (dataset.sizes["lat"], dataset.sizes["lon"])
    rng = np.random.default_rng(12)
    dataset["source"] = (("time", "lat", "lon"), rng.integers(0, 4, (dataset.sizes["time"], *shape)).astype("i1"))
    dataset["basis_regions"] = (("lat", "lon"), rng.integers(1, 15, shape).astype("i4"),
                                {"long_name": "GFED basis regions"})
    dataset["kg_class"] = (("lat", "lon"), rng.integers(1, 30, shape).astype("i2"))
    dataset["kg_class"].encoding["_FillValue"] = np.int16(-1)
    dataset.to_netcdf(tmp_path / "gfed.nc")
    opened = open_dataset([tmp_path / "gfed.nc"])
    chosen = default_inputs(opened, "tas")
    assert chosen.predictors == ("pred",)
    assert chosen.identifiers == {"source": "its name", "basis_regions": "long_name 'GFED basis regions'",
                                  "kg_class": "its name"}


# --- fix44e: an integer class map as the target ------------------------------------------------------
def _class_map_file(tmp_path, name, attrs, *, kind="i2", packed=None, fill=None, n_classes=5):
    """grid_dataset's tas and pred beside ``name``(time, lat, lon): classes 3, 4, … drawn at random."""
    dataset = grid_dataset()[["tas", "pred"]]
    shape = (dataset.sizes["time"], dataset.sizes["lat"], dataset.sizes["lon"])
    classes = np.random.default_rng(44).integers(3, 3 + n_classes, shape)
    if fill is not None:
        classes[:, 0, 0] = fill
    dataset[name] = (("time", "lat", "lon"), classes.astype(kind), attrs)
    if fill is not None:
        dataset[name].encoding["_FillValue"] = np.dtype(kind).type(fill)
    if packed is not None:  # written unpacked by xarray: the stored ints are the classes, read back times the scale
        dataset[name] = (("time", "lat", "lon"), (classes * packed).astype("f4"), attrs)
        dataset[name].encoding.update(dtype=np.dtype(kind), scale_factor=packed)
    dataset.to_netcdf(tmp_path / "classes.nc")
    return tmp_path / "classes.nc", classes


@pytest.mark.parametrize(("name", "attrs", "options"), [
    pytest.param("source", {}, {}, id="gfed-source-no-attributes"),
    pytest.param("lc", {"long_name": "land cover type", "units": "1"}, {}, id="land-cover-type"),
    pytest.param("kg_class", {}, {"fill": -1}, id="koppen-class-with-a-fill"),
    pytest.param("tvh", {"long_name": "Type of high vegetation", "units": "~"}, {"packed": 0.5},
                 id="era5-type-packed"),
])
def test_a_class_map_target_is_refused_with_an_indicator_line_that_makes_one_class(tmp_path, name, attrs, options):
    """fix44e: ``--target source`` (GFED4.1s) or a land-cover type trained a regression on class ids (test MSE
    4.3 squared ids). Refused like a flag variable of more than two classes; the line of the message, run, makes
    the 0/1 indicator of the smallest class, compared with numpy's ``classes == 3``, which is no class map."""
    if shutil.which("ncap2") is None:
        pytest.skip("NCO's ncap2 is not installed")
    path, classes = _class_map_file(tmp_path, name, attrs, **options)
    opened = open_dataset([path])
    with pytest.raises(ClimannError) as refused:
        refuse_flag_target(opened, name, where="classes.nc")
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"the target '{name}' in classes.nc is an integer map of classes without flag "
                              f"attributes (")
    assert "; values 3 4 5 6 7): " in message.replace("values 1.5 2 2.5 3 3.5", "values 3 4 5 6 7")
    printed = run_one_copy(message, cwd=tmp_path)  # the guarded line into its new folder, run as printed
    assert Path(printed["original"]).name == "classes.nc"
    made = tmp_path / printed["copy"]
    made_name = re.search(r"ncap2 -s '(\w+)=", printed["command"]).group(1)
    indicator = open_dataset([made])
    expected = np.where(classes == -1, np.nan, (classes == 3).astype(float))
    np.testing.assert_array_equal(indicator[made_name].values.astype(float), expected)
    refuse_flag_target(indicator, made_name, where="made.nc")  # two values: an indicator, trained on
    # fix45c: nor taken for a class map (or identifiers) by a long name ncap2 copied from the class map
    assert identifier_reading(made_name, indicator[made_name]) is None
    assert made_name in default_inputs(indicator, "tas").predictors


@pytest.mark.parametrize(("name", "attrs", "n_classes"), [
    pytest.param("lc", {"long_name": "land cover type"}, 2, id="two-classes-an-indicator"),
    pytest.param("tas_class", {"units": "K"}, 5, id="physical-units"),
    pytest.param("fires", {"long_name": "number of active fires"}, 5, id="a-count"),
])
def test_a_class_map_of_two_values_or_an_amount_is_no_refused_target(tmp_path, name, attrs, n_classes):
    path, _ = _class_map_file(tmp_path, name, attrs, n_classes=n_classes)
    refuse_flag_target(open_dataset([path]), name, where="classes.nc")


def test_class_map_values_stop_reading_at_a_third_class(tmp_path, monkeypatch):
    """One block of steps at a time (here one step: the block's values set to a step's), stopping once three
    classes are found: the first step's classes, as numpy's unique gives them."""
    import climann.data.identifiers as identifiers

    path, classes = _class_map_file(tmp_path, "source", {})
    variable = open_dataset([path])["source"]
    monkeypatch.setattr(identifiers, "_CLASS_BLOCK_VALUES", variable[0].size)
    reading, values = class_map_values("source", variable)
    assert reading == "its name"
    np.testing.assert_array_equal(values, np.unique(classes[0]))


@pytest.mark.parametrize("first", [pytest.param("all-missing", id="first-step-all-missing"),
                                   pytest.param("two-classes", id="first-step-two-classes")])
def test_a_class_map_is_judged_on_every_step_not_its_first(tmp_path, monkeypatch, first):
    """fix45c: a class map whose first step is all fill (read: no class) or holds two classes, its later steps
    five, was judged on its first step only: no class map, trained on as amounts. Read a step at a time, its
    classes are numpy's unique of the whole map (missing left out), and the target is refused."""
    import climann.data.identifiers as identifiers

    path, classes = _class_map_file(tmp_path, "lc", {"long_name": "land cover type"}, fill=-1)
    with netCDF4.Dataset(path, "a") as handle:
        step = handle["lc"][0].filled(-1)
        handle["lc"][0] = np.full_like(step, -1) if first == "all-missing" else np.where(step > 4, 4, 3)
        stored = handle["lc"][:].filled(-1)
    opened = open_dataset([path])
    monkeypatch.setattr(identifiers, "_CLASS_BLOCK_VALUES", opened["lc"][0].size)
    _, values = class_map_values("lc", opened["lc"])
    two = stored[:2]
    np.testing.assert_array_equal(values, np.unique(two[two != -1]))  # the first two steps read: a third class
    assert values.size > 2
    with pytest.raises(ClimannError, match=r"^the target 'lc' in classes.nc is an integer map of classes"):
        refuse_flag_target(opened, "lc", where="classes.nc")
