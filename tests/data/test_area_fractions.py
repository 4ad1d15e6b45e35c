"""The weights of a target that is a mean over the land (sea) part of each cell
(climann/data/area_fractions.py, break24a F7): area × land fraction, checked against the
areas and fractions of a 3 × 4 grid by hand."""

from __future__ import annotations

import logging
import pickle
import shutil
import subprocess

import netCDF4
import numpy as np
import pytest
import xarray as xr
from dask.callbacks import Callback

from climann.data.area_fractions import partial_surface, with_run_weights, with_whole_cell_weights
from climann.data.grids import STAND_IN_TARGET
from climann.data.notes import forget_notes
from climann.data.open import expand_paths, open_dataset
from climann.data.sources import SOURCE_FILES_KEY
from climann.data.variables import grid_layout
from climann.errors import ClimannError
from climann.evaluation.cell_measures import cell_weights_text
from tests.conftest import monthly_times
from tests.followed_twice import one_copy, without_guards

#: 3 rows of 30°, 4 columns of 90°: edges by hand.
LAT_EDGES = np.array([[0.0, 30.0], [30.0, 60.0], [60.0, 90.0]])
LON_EDGES = np.array([[0.0, 90.0], [90.0, 180.0], [180.0, 270.0], [270.0, 360.0]])
#: The land fraction in %: 0 where the cell holds no land (its value, of a land model, weighs 0).
LAND_PERCENT = np.array([[0.0, 10.0, 100.0, 50.0], [100.0, 25.0, 0.0, 75.0], [5.0, 100.0, 100.0, 60.0]])


def _areas_by_hand() -> np.ndarray:
    """(λ₂ − λ₁)(sin φ₂ − sin φ₁) of each cell."""
    by_latitude = np.diff(np.sin(np.deg2rad(LAT_EDGES)), axis=1)[:, 0]
    return np.outer(by_latitude, np.deg2rad(np.diff(LON_EDGES, axis=1)[:, 0]))


def _land_dataset(cell_methods="area: mean where land time: mean", fraction=LAND_PERCENT, units="%",
                  standard_name="land_area_fraction") -> xr.Dataset:
    """``mrso`` (every cell present, even the one without land) with ``sftlf`` on a 3 × 4 grid with bounds."""
    times = monthly_times(1, "noleap")
    lat, lon = LAT_EDGES.mean(axis=1), LON_EDGES.mean(axis=1)
    values = np.random.default_rng(0).normal(size=(len(times), 3, 4)).astype(np.float32)
    dataset = xr.Dataset(
        {"mrso": (("time", "lat", "lon"), values, {"units": "kg m-2", "cell_methods": cell_methods}),
         "sftlf": (("lat", "lon"), fraction.astype(np.float32), {"standard_name": standard_name, "units": units}),
         "lat_bnds": (("lat", "bnds"), LAT_EDGES), "lon_bnds": (("lon", "bnds"), LON_EDGES)},
        coords={"time": ("time", times, {"standard_name": "time", "axis": "T"}),
                "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north", "bounds": "lat_bnds"}),
                "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east", "bounds": "lon_bnds"})},
    )
    return dataset


@pytest.mark.parametrize(("text", "surface"), [
    pytest.param("area: mean where land time: mean", "land", id="cmip6-mrso"),
    pytest.param("area: mean where sea time: mean", "sea", id="cmip6-tos"),
    pytest.param("area: time: mean where land", "land", id="area-and-time-sharing-the-method"),
    pytest.param("area: time: mean", None, id="whole-cells"),
    # break36a A1: any CF area type, as CMIP6 SImon's sithick and ImonGre's "where ice_sheet"
    pytest.param("area: mean where sea_ice time: mean", "sea_ice", id="sea-ice"),
    pytest.param("area: time: mean where sea_ice (comment: mask=siconc)", "sea_ice", id="cmip6-sithick"),
    pytest.param("area: time: mean where ice_sheet", "ice_sheet", id="ice-sheet"),
    pytest.param("area: mean where all_area_types time: mean", None, id="all-area-types-is-whole-cells"),
    pytest.param("area: mean where land over all_area_types", None, id="a-surface-within-another"),
    pytest.param("time: mean where land", None, id="not-an-area-mean"),
    pytest.param("", None, id="none"),
])
def test_the_surface_an_area_mean_is_over_is_read_from_cell_methods(text, surface):
    assert partial_surface(text) == surface


@pytest.mark.parametrize(("fraction", "units"), [
    pytest.param(LAND_PERCENT, "%", id="percent"),
    pytest.param(LAND_PERCENT / 100, "1", id="one"),
    pytest.param(LAND_PERCENT / 100, "", id="no-units-is-one"),
    # verify25 F5: a word for a fraction (non-CMIP products) is 1, as climann's advice elsewhere says
    pytest.param(LAND_PERCENT / 100, "fraction", id="fraction-word-is-one"),
    pytest.param(LAND_PERCENT / 100, "(0 - 1)", id="era5-0-1-is-one"),
])
def test_a_where_land_target_weighs_each_cell_by_its_land_area(fraction, units, caplog):
    """The weights are area × land fraction by hand, mean 1; a cell without land weighs 0 even where the
    target has a value there; the note names the fraction."""
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        layout = grid_layout(_land_dataset(fraction=fraction, units=units), "mrso", ())
    land_area = _areas_by_hand() * LAND_PERCENT / 100
    np.testing.assert_allclose(layout.cell_area_weights(), land_area / land_area.mean(), rtol=1e-6)
    assert layout.cell_area_weights()[0, 0] == 0.0 and layout.cell_area_weights()[1, 2] == 0.0
    whole = _areas_by_hand()
    np.testing.assert_allclose(layout.cell_area_weights(whole_cells=True), whole / whole.mean(), rtol=1e-12)
    assert "the scores weigh each cell of 'mrso' (a mean where land: its cell_methods) by its area × its land " \
           "fraction sftlf" in caplog.text


@pytest.mark.parametrize("change", [
    pytest.param({"cell_methods": "area: time: mean"}, id="a-mean-over-whole-cells"),
    # not a land fraction either (1 − that would be the sea's: break36a A3)
    pytest.param({"cell_methods": "area: mean where sea time: mean", "standard_name": "vegetation_area_fraction"},
                 id="where-sea-without-a-sea-fraction"),
])
def test_a_target_over_whole_cells_or_without_its_fraction_weighs_whole_cells(change, caplog):
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        layout = grid_layout(_land_dataset(**change), "mrso", ())
    whole = _areas_by_hand()
    np.testing.assert_allclose(layout.cell_area_weights(), whole / whole.mean(), rtol=1e-12)
    assert layout.area_fraction is None
    said = ("'mrso' is a mean where sea (its cell_methods) but the data hold no sea_area_fraction: the scores weigh "
            "whole cells by their area; to weigh by sea area (cell area × sea fraction), give the fraction's file "
            "with the data (CMIP6: --data sftof_Ofx_….nc on the ocean grid; on an atmosphere grid --data "
            "sftlf_fx_….nc, the sea fraction is then 1 − sftlf)")  # verify26b F5: table Ofx; break36a A3: sftlf
    assert (said in caplog.text) == ("where sea" in change["cell_methods"])


@pytest.mark.parametrize(("run_weighted_by", "said"), [
    pytest.param(None, "the scores weigh whole cells by their area; to weigh by land area (cell area × land "
                 "fraction), give the fraction's file with the data (CMIP6: --data sftlf_fx_….nc), or, to train "
                 "weighing whole cells without this warning, set [data] weigh_by_area_fraction = false",
                 id="training-or-a-run-of-whole-cells"),
    pytest.param("cell area", "the scores weigh whole cells by their area; to weigh by land area",
                 id="other-data-of-a-run-of-whole-cells"),
    pytest.param("cell area × land_area_fraction (sftlf)",
                 "the scores weigh whole cells by their area, NOT as the run's own scores (weighted by cell area × "
                 "land_area_fraction (sftlf)): they are not comparable with them; give the fraction's file with the "
                 "data (CMIP6: --data sftlf_fx_….nc) to score as the run did", id="other-data-of-a-land-weighted-run"),
])
def test_a_where_land_target_without_its_fraction_is_warned(run_weighted_by, said, caplog):
    """verify25 F1: the data lacking the land fraction of a "where land" target was an INFO note that
    evaluate and predict never showed; it is a warning (on the terminal), stronger for other data of a
    run whose own scores weighed by the fraction."""
    forget_notes()
    dataset = _land_dataset().drop_vars("sftlf")
    if run_weighted_by is not None:
        dataset = with_run_weights(dataset, "time", run_weighted_by)
    with caplog.at_level(logging.WARNING, logger="climann"):
        layout = grid_layout(dataset, "mrso", ())
    assert layout.area_fraction is None
    warned = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warned) == 1
    assert warned[0].startswith("'mrso' is a mean where land (its cell_methods) but the data hold no "
                                "land_area_fraction: ")
    assert said in warned[0]
    assert ("NOT as the run's own" in warned[0]) == (run_weighted_by is not None and "sftlf" in run_weighted_by)


def test_predictions_without_the_target_are_not_warned_of_its_weights(caplog):
    """verify25 F1: a stand-in target (predict on data without it) is not scored: no warning of its weights."""
    forget_notes()
    dataset = _land_dataset().drop_vars("sftlf")
    dataset["mrso"].encoding[STAND_IN_TARGET] = True
    with caplog.at_level(logging.INFO, logger="climann"):
        assert grid_layout(dataset, "mrso", ()).area_fraction is None
    assert "mean where land" not in caplog.text


def test_a_missing_fraction_weighs_0_and_is_kept_missing(caplog):
    """verify25 F6: a fraction missing at a cell (its _FillValue, or a --region masking the cells outside
    it) weighs 0, and stays missing in the layout's fraction (which predictions.nc writes), not a made-up 0."""
    fraction = LAND_PERCENT.copy()
    fraction[1, 1] = fraction[2, 3] = np.nan
    layout = grid_layout(_land_dataset(fraction=fraction), "mrso", ())
    land_area = _areas_by_hand() * np.nan_to_num(fraction) / 100
    np.testing.assert_allclose(layout.cell_area_weights(), land_area / land_area.mean(), rtol=1e-6)
    assert np.isnan(layout.area_fraction.values[1, 1]) and np.isnan(layout.area_fraction.values[2, 3])
    np.testing.assert_allclose(np.nan_to_num(layout.area_fraction.values), np.nan_to_num(fraction) / 100, rtol=1e-6)


def test_a_run_that_weighed_whole_cells_keeps_them():
    """A run trained before 4 December 2026 (``[data] weigh_by_area_fraction = false``) weighed whole cells."""
    layout = grid_layout(with_whole_cell_weights(_land_dataset(), "time"), "mrso", ())
    whole = _areas_by_hand()
    np.testing.assert_allclose(layout.cell_area_weights(), whole / whole.mean(), rtol=1e-12)


def _in_file(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` whose ``sftlf`` records its file, as :func:`climann.data.open.open_dataset` does."""
    dataset["sftlf"].encoding[SOURCE_FILES_KEY] = ("sftlf_fx_X.nc",)
    return dataset


#: The ways out of a fraction in % whose units are wrong: set them to % in a copy of its file, or weigh whole cells.
#: The line that writes a corrected copy of the fraction's file, into a new folder (verify26b F1: a copy beside
#: it was taken with it by a glob over their folder; fix53j: every one-file copy in a new folder).
def _fixed(attribute: str) -> str:
    return one_copy(f"ncatted -a {attribute}", "sftlf_fx_X.nc", "fraction_fixed")


PERCENT_WAY_OUT = (f"set its units to '%' for values 0…100 ({_fixed('units,sftlf,o,c,%')}), or weigh whole cells: "
                   "[data] weigh_by_area_fraction = false")


@pytest.mark.parametrize(("fraction", "units", "said"), [
    pytest.param(LAND_PERCENT, "1", "'sftlf' (a land_area_fraction) in sftlf_fx_X.nc in '1' holds 0…100 as a fraction, "
                 f"outside 0…1: {PERCENT_WAY_OUT}", id="percent-said-to-be-one"),
    pytest.param(LAND_PERCENT, "fraction", "'sftlf' (a land_area_fraction) in sftlf_fx_X.nc in 'fraction' holds "
                 f"0…100 as a fraction, outside 0…1: {PERCENT_WAY_OUT}", id="fraction-word-of-percent-values"),
    pytest.param(LAND_PERCENT, "m", f"'sftlf' (a land_area_fraction) in sftlf_fx_X.nc is in 'm', not a fraction: "
                 f"{PERCENT_WAY_OUT}", id="not-a-fraction"),
    # verify25 F5: unreadable units named without the file nor the command; values of 0…1 get units 1
    pytest.param(LAND_PERCENT / 100, "landfrac", "cannot read the units 'landfrac' of 'sftlf' in sftlf_fx_X.nc: "
                 "expected UDUNITS units such as K, degC, hPa, kg m-2 s-1, 0.001; set its units to '1' for values 0…1 "
                 f"({_fixed('units,sftlf,o,c,1')}), or weigh whole cells: [data] weigh_by_area_fraction = false",
                 id="unreadable"),
    pytest.param(LAND_PERCENT * 2, "landfrac", "cannot read the units 'landfrac' of 'sftlf' in sftlf_fx_X.nc: "
                 "expected UDUNITS units such as K, degC, hPa, kg m-2 s-1, 0.001; set its units to '1' for values 0…1 "
                 f"({_fixed('units,sftlf,o,c,1')}) or '%' for values 0…100 ({_fixed('units,sftlf,o,c,%')}), or weigh "
                 "whole cells",
                 id="unreadable-0-200"),
])
def test_a_fraction_that_is_none_is_refused_naming_its_file_and_command(fraction, units, said, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dataset = _in_file(_land_dataset(fraction=fraction, units=units))
    with pytest.raises(ClimannError) as refused:
        grid_layout(dataset, "mrso", ())
    assert without_guards(str(refused.value)).startswith(said)


def test_a_fraction_holding_an_unmarked_fill_value_is_refused_with_the_command_that_marks_it(tmp_path, monkeypatch):
    """verify25 F7: CMIP's 1e20 where no land, its _FillValue dropped: refused as units that were right ('%');
    the 2 cells without land (by hand) are named, with the ncatted that marks 1e20 missing (then weighing 0)."""
    monkeypatch.chdir(tmp_path)
    dataset = _in_file(_land_dataset(fraction=np.where(LAND_PERCENT > 0, LAND_PERCENT, 1e20)))
    with pytest.raises(ClimannError) as refused:
        grid_layout(dataset, "mrso", ())
    assert without_guards(str(refused.value)) == (
        "'sftlf' (a land_area_fraction) in sftlf_fx_X.nc holds 1e+20 (CMIP's missing value) at 2 of its 12 cells, a "
        "fill value that no _FillValue or missing_value of it marks as missing, and no fraction: mark it missing (a "
        f"missing fraction weighs 0): {_fixed('_FillValue,sftlf,o,f,1e+20')} (or weigh whole cells: "
        "[data] weigh_by_area_fraction = false)")


def test_the_fill_value_advice_followed_literally_is_accepted(tmp_path, monkeypatch):
    """verify26b F1, fix53j: the printed line, run as printed (ncatted), writes the copy into a new folder
    (nothing beside sftlf_fx_X.nc, where the same glob took both); the glob of the folder then takes the
    original alone, and the copy, given as the line says (in place of the original), weighs by area × land
    fraction by hand."""
    if shutil.which("ncatted") is None:
        pytest.skip("needs NCO")
    monkeypatch.chdir(tmp_path)
    dataset = _land_dataset(fraction=np.where(LAND_PERCENT > 0, LAND_PERCENT, 1e20))
    dataset.drop_vars("sftlf").to_netcdf("mrso_X.nc")
    dataset[["sftlf", "lat_bnds", "lon_bnds"]].to_netcdf("sftlf_fx_X.nc", encoding={"sftlf": {"_FillValue": None}})
    with pytest.raises(ClimannError) as refused:
        grid_layout(open_dataset(expand_paths(["*.nc"])), "mrso", ())
    advice = str(refused.value)
    line, rest = advice.split("weighs 0): ", 1)[1].split(" (its copy in a new folder), then give --data ", 1)
    assert rest.split(" (or weigh", 1)[0] == ("fraction_fixed/sftlf_fx_X.nc in place of sftlf_fx_X.nc, with the other "
                                              "files of the working folder given as before (--data mrso_X.nc)")
    copy = "fraction_fixed/sftlf_fx_X.nc"
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path)
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["mrso_X.nc", "sftlf_fx_X.nc"]  # none beside
    with netCDF4.Dataset(copy) as written:
        assert np.isclose(written["sftlf"].getncattr("_FillValue"), 1e20, rtol=1e-6)
    layout = grid_layout(open_dataset(expand_paths(["mrso_X.nc", copy])), "mrso", ())
    land_area = _areas_by_hand() * LAND_PERCENT / 100
    np.testing.assert_allclose(layout.cell_area_weights(), land_area / land_area.mean(), rtol=1e-6)
    with pytest.raises(subprocess.CalledProcessError):  # the line again: its guard keeps the copy there
        subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path)


@pytest.mark.parametrize("run_weighted_by", [pytest.param(None, id="training"),
                                             pytest.param("cell area", id="other-data-of-a-run-of-whole-cells"),
                                             pytest.param("cell area × land_area_fraction (sftlf)",
                                                          id="other-data-of-a-land-weighted-run")])
def test_other_data_with_the_fraction_a_run_of_whole_cells_lacked_are_warned(run_weighted_by, caplog):
    """verify26b F5: a run whose training data held no sftlf scored whole cells; other data holding
    it were weighed by land area without a word, scores not comparable with the run's. Warned then
    only; the weights stay area × fraction (by hand), as the target's cell_methods say."""
    forget_notes()
    dataset = _land_dataset()
    if run_weighted_by is not None:
        dataset = with_run_weights(dataset, "time", run_weighted_by)
    with caplog.at_level(logging.WARNING, logger="climann"):
        layout = grid_layout(dataset, "mrso", ())
    land_area = _areas_by_hand() * LAND_PERCENT / 100
    np.testing.assert_allclose(layout.cell_area_weights(), land_area / land_area.mean(), rtol=1e-6)
    warned = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    if run_weighted_by != "cell area":
        assert warned == []
        return
    assert warned == ["'mrso' is a mean where land (its cell_methods) and these data hold its land fraction sftlf: "
                      "the scores weigh each cell by its area × sftlf, NOT as the run's own scores (weighted by cell "
                      "area: its training data held no land_area_fraction): they are not comparable with them; "
                      "leave sftlf's file out of the data to score as the run did"]


#: The sea-ice concentration in % of each month (12, 3, 4): changing with time, 0 where no ice (a
#: summer month without any ice at one cell, a cell without ice all year).
SICONC_PERCENT = np.clip(np.random.default_rng(3).uniform(-40.0, 100.0, (12, 3, 4)), 0.0, None).round(1)
SICONC_PERCENT[:, 0, 0] = 0.0


def _sea_ice_dataset(cell_methods="area: time: mean where sea_ice (comment: mask=siconc)", **others) -> xr.Dataset:
    """``sithick`` (missing where ``siconc`` is 0) with ``siconc`` in % on the 3 × 4 grid, and ``others``."""
    dataset = _land_dataset().drop_vars(["mrso", "sftlf"])
    thickness = np.where(SICONC_PERCENT > 0, 0.5 + SICONC_PERCENT / 50, np.nan).astype(np.float32)
    dataset["sithick"] = (("time", "lat", "lon"), thickness, {"units": "m", "cell_methods": cell_methods,
                                                               "standard_name": "sea_ice_thickness"})
    dataset["siconc"] = (("time", "lat", "lon"), SICONC_PERCENT.astype(np.float32),
                         {"units": "%", "standard_name": "sea_ice_area_fraction"})
    return dataset.assign(others)


def test_a_where_sea_ice_target_weighs_each_value_by_its_steps_ice_area(caplog):
    """break36a A1: sithick ("area: time: mean where sea_ice (comment: mask=siconc)", each value a mean
    over the ice-covered part of its cell) was weighed by whole cells. Each value weighs its cell's area ×
    that month's siconc by hand: weights of shape (n_time, n_lat, n_lon) that each sample's flat index
    reaches; the inputs' area means still weigh whole cells."""
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        layout = grid_layout(_sea_ice_dataset(), "sithick", ())
    ice_area = _areas_by_hand() * SICONC_PERCENT / 100
    weights = layout.cell_area_weights()
    assert weights.shape == (12, 3, 4) and layout.weights_change_with_time
    np.testing.assert_allclose(weights, ice_area / ice_area.mean(), rtol=1e-6)
    flat_index = np.array([0, 13, 5 * 12 + 7, 11 * 12 + 11])  # step × n_cells + cell
    np.testing.assert_allclose(weights.reshape(-1)[flat_index % weights.size],
                               (ice_area / ice_area.mean())[[0, 1, 5, 11], [0, 0, 1, 2], [0, 1, 3, 3]], rtol=1e-6)
    # a chunk's steps alone, on the whole's scale
    np.testing.assert_allclose(layout.cell_area_weights(steps=slice(3, 7)), (ice_area / ice_area.mean())[3:7],
                               rtol=1e-6)
    whole = _areas_by_hand()
    np.testing.assert_allclose(layout.cell_area_weights(whole_cells=True), whole / whole.mean(), rtol=1e-12)
    assert layout.area_fraction.name == "siconc" and layout.area_fraction.attrs["units"] == "1"
    assert "by its area × its sea_ice fraction siconc of each time step" in caplog.text
    assert cell_weights_text(layout) == "cell area × sea_ice_area_fraction (siconc, each time step's)"


def test_the_mask_a_cmip6_comment_names_is_the_fraction():
    """"(comment: mask=siconc)" names the fraction among several of sea ice (siconca, on the same grid
    here, named first): each value weighs siconc's ice area."""
    other = (("time", "lat", "lon"), np.full(SICONC_PERCENT.shape, 50.0, np.float32),
             {"units": "%", "standard_name": "sea_ice_area_fraction"})
    dataset = _sea_ice_dataset(siconca=other)
    dataset = dataset[["siconca", *[name for name in dataset.data_vars if name != "siconca"]]]
    layout = grid_layout(dataset, "sithick", ())
    ice_area = _areas_by_hand() * SICONC_PERCENT / 100
    np.testing.assert_allclose(layout.cell_area_weights(), ice_area / ice_area.mean(), rtol=1e-6)


def test_a_where_ice_sheet_target_weighs_each_cell_by_its_land_ice_area():
    """break36a A1: "where ice_sheet" (CMIP6 ImonGre) weighs area × sftgif (land_ice_area_fraction)."""
    dataset = _land_dataset(cell_methods="area: time: mean where ice_sheet", standard_name="land_ice_area_fraction")
    layout = grid_layout(dataset.rename({"sftlf": "sftgif"}), "mrso", ())
    ice_area = _areas_by_hand() * LAND_PERCENT / 100
    np.testing.assert_allclose(layout.cell_area_weights(), ice_area / ice_area.mean(), rtol=1e-6)
    assert cell_weights_text(layout) == "cell area × land_ice_area_fraction (sftgif)"


@pytest.mark.parametrize(("cell_methods", "said"), [
    pytest.param("area: time: mean where sea_ice (comment: mask=siconc)",
                 "'sithick' is a mean where sea_ice (its cell_methods) but the data hold no sea_ice_area_fraction: "
                 "the scores weigh whole cells by their area; to weigh by sea_ice area (cell area × sea_ice "
                 "fraction), give the fraction's file with the data (CMIP6: --data siconc_SImon_….nc)", id="sea-ice"),
    pytest.param("area: mean where vegetation time: mean",
                 "'sithick' is a mean where vegetation (its cell_methods) but the data hold no "
                 "vegetation_area_fraction: the scores weigh whole cells by their area; to weigh by vegetation area "
                 "(cell area × vegetation fraction), give the fraction's file with the data (a variable with "
                 "standard_name vegetation_area_fraction on the same grid)", id="another-area-type"),
])
def test_a_partial_cell_target_without_its_fraction_is_warned_never_silently_whole_cells(cell_methods, said, caplog):
    """break36a A1: a mean over any surface whose fraction the data lack weighs whole cells, and says so."""
    forget_notes()
    dataset = _sea_ice_dataset(cell_methods).drop_vars("siconc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        layout = grid_layout(dataset, "sithick", ())
    assert layout.area_fraction is None
    whole = _areas_by_hand()
    np.testing.assert_allclose(layout.cell_area_weights(), whole / whole.mean(), rtol=1e-12)
    assert said in caplog.text


def test_a_where_sea_target_beside_a_land_fraction_weighs_the_rest_of_each_cell(caplog):
    """break36a A3: siconca ("area: mean where sea", an atmosphere grid) with sftlf but no sftof (which
    exists on the ocean grid only) weighed whole cells and advised sftof. Its weights are area ×
    (1 − sftlf/100) by hand (CF: the sea area fraction where lakes and land ice are not told apart),
    said so; a sea fraction in the data comes first."""
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        layout = grid_layout(_land_dataset(cell_methods="area: mean where sea time: mean"), "mrso", ())
    sea_area = _areas_by_hand() * (1 - LAND_PERCENT / 100)
    np.testing.assert_allclose(layout.cell_area_weights(), sea_area / sea_area.mean(), rtol=1e-6)
    assert layout.cell_area_weights()[0, 2] == 0.0  # all land
    assert cell_weights_text(layout) == "cell area × sea_area_fraction (sea_fraction_from_sftlf)"
    assert "by its area × its sea fraction 1 − sftlf (the land_area_fraction in the data; CF: the sea area " \
           "fraction is 1 − the land area fraction where lakes and land ice are not told apart)" in caplog.text
    sea = (("lat", "lon"), np.full((3, 4), 40.0, np.float32), {"standard_name": "sea_area_fraction", "units": "%"})
    with_sftof = grid_layout(_land_dataset(cell_methods="area: mean where sea time: mean").assign(sftof=sea), "mrso",
                             ())
    assert with_sftof.area_fraction.name == "sftof"


@pytest.mark.parametrize(("cell_measures", "advised", "not_advised"), [
    pytest.param("area: areacella", "(CMIP6: --data sftlf_fx_….nc, the sea fraction is then 1 − sftlf)", "sftof",
                 id="atmosphere-grid"),
    pytest.param("area: areacello", "(CMIP6: --data sftof_Ofx_….nc)", "sftlf", id="ocean-grid"),
])
def test_the_advice_for_a_where_sea_target_names_the_fraction_of_its_grid(cell_measures, advised, not_advised, caplog):
    """break36a A3: the advice said "give sftof_Ofx" for siconca on the atmosphere grid, where it cannot
    be followed (sftof is on the ocean grid): the grid its cell_measures name tells which fraction."""
    forget_notes()
    dataset = _land_dataset(cell_methods="area: mean where sea time: mean").drop_vars("sftlf")
    dataset["mrso"].attrs["cell_measures"] = cell_measures
    with caplog.at_level(logging.WARNING, logger="climann"):
        grid_layout(dataset, "mrso", ())
    assert advised in caplog.text and not_advised not in caplog.text


#: The part of the sea ice covered by snow in % (CMIP6 sisnconc), each month (12, 3, 4): missing where
#: there is no ice (its mask is siconc), one cell of ice without snow.
SISNCONC_PERCENT = np.where(SICONC_PERCENT > 0, np.random.default_rng(4).uniform(0.0, 100.0, (12, 3, 4)).round(1),
                            np.nan)
SISNCONC_PERCENT[:, 1, 1] = np.where(SICONC_PERCENT[:, 1, 1] > 0, 0.0, np.nan)

#: CMIP6 SImon sisnthick (the CMIP6 data request's cell_methods).
SNOW_ON_SEA_ICE = "area: mean where snow over sea_ice area: time: mean where sea_ice"


def _snow_dataset() -> xr.Dataset:
    """``sisnthick`` (a mean over the snow on the sea ice of each cell) with ``siconc`` and ``sisnconc`` in %."""
    dataset = _sea_ice_dataset(SNOW_ON_SEA_ICE).rename({"sithick": "sisnthick"})
    dataset["sisnthick"].attrs["standard_name"] = "thickness_of_snow_on_sea_ice"
    dataset["sisnconc"] = (("time", "lat", "lon"), SISNCONC_PERCENT.astype(np.float32),
                           {"units": "%", "standard_name": "surface_snow_area_fraction"})
    return dataset


def test_a_where_snow_over_sea_ice_target_weighs_each_value_by_its_steps_snow_covered_ice_area(caplog):
    """rerun36 V1: sisnthick ("area: mean where snow over sea_ice …": each value a mean over the part of
    the sea ice that snow covers, CF 1.8 section 7.3.3) was weighed by area × siconc alone, saying
    nothing. Each value weighs its cell's area × that month's siconc × sisnconc by hand (0 where
    either is missing or 0)."""
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann"):
        layout = grid_layout(_snow_dataset(), "sisnthick", ())
    snow_area = _areas_by_hand() * SICONC_PERCENT / 100 * np.nan_to_num(SISNCONC_PERCENT) / 100
    weights = layout.cell_area_weights()
    assert weights.shape == (12, 3, 4) and layout.weights_change_with_time
    np.testing.assert_allclose(weights, snow_area / snow_area.mean(), rtol=1e-6)
    assert cell_weights_text(layout) == ("cell area × sea_ice_area_fraction × surface_snow_area_fraction "
                                         "(siconc_times_sisnconc, each time step's)")
    assert "by its area × its sea_ice fraction siconc × its snow fraction sisnconc of each time step" in caplog.text
    assert "WARNING" not in caplog.text


@pytest.mark.parametrize(("dropped", "said", "fraction"), [
    pytest.param(["sisnconc"], "'sisnthick' is a mean where snow over sea_ice (its cell_methods) but the data hold no "
                 "surface_snow_area_fraction: the scores weigh each cell by its area × siconc only, not by the part "
                 "of it that is snow; to weigh by it, give the fraction's file with the data (CMIP6: --data "
                 "sisnconc_SImon_….nc)", SICONC_PERCENT / 100, id="without-sisnconc"),
    pytest.param(["siconc"], "'sisnthick' is a mean where snow over sea_ice (its cell_methods) but the data hold no "
                 "sea_ice_area_fraction: the scores weigh each cell by its area × sisnconc only, not by the part of "
                 "it that is sea_ice; to weigh by it, give the fraction's file with the data (CMIP6: --data "
                 "siconc_SImon_….nc)", np.nan_to_num(SISNCONC_PERCENT) / 100, id="without-siconc"),
    pytest.param(["siconc", "sisnconc"], "'sisnthick' is a mean where snow over sea_ice (its cell_methods) but the "
                 "data hold no sea_ice_area_fraction and surface_snow_area_fraction: the scores weigh whole cells by "
                 "their area; to weigh by snow over sea_ice area (cell area × sea_ice fraction × snow fraction), give "
                 "the fractions' files with the data (CMIP6: --data siconc_SImon_….nc; CMIP6: --data "
                 "sisnconc_SImon_….nc)", np.ones((3, 4)), id="without-both"),
])
def test_a_where_snow_over_sea_ice_target_without_a_fraction_names_it(dropped, said, fraction, caplog):
    """rerun36 V1: without one of its two fractions a mean over the snow on the sea ice is weighed by
    the other and warned about, naming the missing one and its CMIP6 file; never one silently."""
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        layout = grid_layout(_snow_dataset().drop_vars(dropped), "sisnthick", ())
    expected = _areas_by_hand() * fraction
    np.testing.assert_allclose(layout.cell_area_weights(), expected / expected.mean(), rtol=1e-6)
    assert said in caplog.text


class _LargestResult(Callback):
    """A dask callback keeping the bytes of the largest array any task returns."""

    def __init__(self) -> None:
        super().__init__()
        self.largest = 0

    def _posttask(self, key, result, dsk, state, worker_id) -> None:
        self.largest = max(self.largest, getattr(result, "nbytes", 0))


def test_a_fraction_that_changes_with_time_stays_in_its_files_and_a_chunk_reads_its_own_steps(tmp_path, monkeypatch):
    """fix37d: siconc, the weights of sithick, was read whole into the grid's description, which
    every worker of a cluster run received whole and a streamed run held whole. It stays in its
    file as the data do: the pickled description (what a worker receives) is far smaller than
    the fraction; a chunk's weights read no more than its own steps; and they are those of the
    data in memory bit for bit, area × siconc / 100 over its mean over the grid and time by numpy."""
    monkeypatch.chdir(tmp_path)
    n_time, lat_edges, lon_edges = 120, np.arange(-90.0, 91.0, 6.0), np.arange(0.0, 361.0, 9.0)  # 30 × 40 cells
    shape = (lat_edges.size - 1, lon_edges.size - 1)
    siconc = np.clip(np.random.default_rng(5).uniform(-40.0, 100.0, (n_time, *shape)), 0.0, None).round(1)
    bounds = {name: np.stack([edges[:-1], edges[1:]], axis=1) for name, edges in (("lat", lat_edges), ("lon", lon_edges))}
    dataset = xr.Dataset(
        {"sithick": (("time", "lat", "lon"), np.where(siconc > 0, 0.5 + siconc / 50, np.nan).astype(np.float32),
                     {"units": "m", "standard_name": "sea_ice_thickness",
                      "cell_methods": "area: time: mean where sea_ice (comment: mask=siconc)"}),
         "siconc": (("time", "lat", "lon"), siconc.astype(np.float32), {"units": "%", "standard_name": "sea_ice_area_fraction"}),
         "lat_bnds": (("lat", "bnds"), bounds["lat"]), "lon_bnds": (("lon", "bnds"), bounds["lon"])},
        coords={"time": ("time", monthly_times(10, "noleap"), {"standard_name": "time", "axis": "T"}),
                "lat": ("lat", bounds["lat"].mean(1), {"standard_name": "latitude", "units": "degrees_north",
                                                       "bounds": "lat_bnds"}),
                "lon": ("lon", bounds["lon"].mean(1), {"standard_name": "longitude", "units": "degrees_east",
                                                       "bounds": "lon_bnds"})})
    dataset.to_netcdf(tmp_path / "sithick_SImon.nc")
    lazy = grid_layout(open_dataset(expand_paths(["sithick_SImon.nc"])), "sithick", ())
    in_memory = grid_layout(open_dataset(expand_paths(["sithick_SImon.nc"])).load(), "sithick", ())
    fraction_bytes = n_time * lazy.n_cells * 8
    assert len(pickle.dumps(lazy)) < fraction_bytes / 4 < len(pickle.dumps(in_memory))
    with _LargestResult() as largest:
        chunk = lazy.cell_area_weights(steps=slice(40, 44))
    assert 0 < largest.largest <= 4 * lazy.n_cells * 8  # its 4 steps, read from the file
    np.testing.assert_array_equal(chunk, in_memory.cell_area_weights(steps=slice(40, 44)))
    np.testing.assert_array_equal(lazy.cell_area_weights(), in_memory.cell_area_weights())
    area = np.outer(np.diff(np.sin(np.deg2rad(lat_edges))), np.deg2rad(np.diff(lon_edges)))
    ice_area = area * siconc.astype(np.float32) / 100  # as stored
    np.testing.assert_allclose(chunk, (ice_area / ice_area.mean())[40:44], rtol=1e-12)


def test_a_fraction_in_a_folder_of_three_files_gets_a_copy_of_each_with_its_units(tmp_path, monkeypatch):
    """fix38i: siconc (0…100) said to be in '1', read with sithick from 3 files: the ncatted named 'FILE.nc
    FILE_fixed.nc'. Now a loop writes a copy of each with units %; the copies give the weights area × siconc / 100
    by hand."""
    import subprocess

    monkeypatch.chdir(tmp_path)
    lat_edges, lon_edges = np.arange(-90.0, 91.0, 45.0), np.arange(0.0, 361.0, 90.0)  # 4 × 4 cells
    shape = (lat_edges.size - 1, lon_edges.size - 1)
    siconc = np.clip(np.random.default_rng(7).uniform(-40.0, 100.0, (12, *shape)), 0.0, None).round(1)
    bounds = {name: np.stack([edges[:-1], edges[1:]], axis=1) for name, edges in (("lat", lat_edges), ("lon", lon_edges))}
    dataset = xr.Dataset(
        {"sithick": (("time", "lat", "lon"), np.where(siconc > 0, 0.5 + siconc / 50, np.nan).astype(np.float32),
                     {"units": "m", "standard_name": "sea_ice_thickness",
                      "cell_methods": "area: time: mean where sea_ice (comment: mask=siconc)"}),
         "siconc": (("time", "lat", "lon"), siconc.astype(np.float32), {"units": "1",
                                                                        "standard_name": "sea_ice_area_fraction"}),
         "lat_bnds": (("lat", "bnds"), bounds["lat"]), "lon_bnds": (("lon", "bnds"), bounds["lon"])},
        coords={"time": ("time", monthly_times(1, "noleap"), {"standard_name": "time", "axis": "T"}),
                "lat": ("lat", bounds["lat"].mean(1), {"standard_name": "latitude", "units": "degrees_north",
                                                       "bounds": "lat_bnds"}),
                "lon": ("lon", bounds["lon"].mean(1), {"standard_name": "longitude", "units": "degrees_east",
                                                       "bounds": "lon_bnds"})})
    (tmp_path / "si").mkdir()
    for part in range(3):
        dataset.isel(time=slice(4 * part, 4 * part + 4)).to_netcdf(tmp_path / "si" / f"si_{part}.nc")
    with pytest.raises(ClimannError) as refused:
        grid_layout(open_dataset(expand_paths(["si/*.nc"])), "sithick", ())
    message = str(refused.value)
    assert "FILE.nc" not in message and "then give --data 'si/fraction_fixed/*.nc' in place of the originals" in message
    command = message[message.index("( for f in "):message.index("; done )", message.index("mkdir -p ")) + len("; done )")]
    assert "ncatted -a units,siconc,o,c,%" in command
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path)
    layout = grid_layout(open_dataset(expand_paths(["si/fraction_fixed/*.nc"])), "sithick", ())
    area = np.outer(np.diff(np.sin(np.deg2rad(lat_edges))), np.deg2rad(np.diff(lon_edges)))
    ice_area = area * siconc.astype(np.float32) / 100
    np.testing.assert_allclose(layout.cell_area_weights(), ice_area / ice_area.mean(), rtol=1e-6)
