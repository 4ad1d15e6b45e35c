"""Tests for climann.data.area_shapes: cell areas that are not the areas of the file's cells."""

import json
import re

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.area_shapes import foreign_areas_text
from climann.data.open import open_dataset
from climann.data.variables import grid_layout
from climann.errors import ClimannError

EARTH_RADIUS = 6371229.0  # m, ICON's


def _band_areas(latitude_edges: np.ndarray, longitude_edges: np.ndarray) -> np.ndarray:
    """numpy: R² (sin φ₂ − sin φ₁)(λ₂ − λ₁) of each cell, shape (n_lat, n_lon), m²."""
    rows = np.diff(np.sin(np.deg2rad(latitude_edges)))
    columns = np.deg2rad(np.diff(longitude_edges))
    return EARTH_RADIUS**2 * np.outer(rows, columns)


def _grid(step: float = 10.0, south: float = -90.0, north: float = 90.0):
    """Edges and centres of a regular grid of ``step`` degrees between ``south`` and ``north``."""
    latitude_edges = np.arange(south, north + step / 2, step)
    longitude_edges = np.arange(0.0, 360.0 + step / 2, step)
    return (latitude_edges, longitude_edges, (latitude_edges[1:] + latitude_edges[:-1]) / 2,
            (longitude_edges[1:] + longitude_edges[:-1]) / 2)


def _remapped_like(latitude_edges, longitude_edges) -> np.ndarray:
    """A field as `cdo remapcon` makes of ICON's cell_area: about one area everywhere (ICON's cells are
    nearly equal), the native cells' area, not the lat-lon cells'."""
    n_lat, n_lon = latitude_edges.size - 1, longitude_edges.size - 1
    return np.full((n_lat, n_lon), 4 * np.pi * EARTH_RADIUS**2 / 2000) * (
        1 + 0.01 * np.random.default_rng(0).normal(size=(n_lat, n_lon)))


def _dataset(areas: np.ndarray, latitude, longitude, *, bounds=None, n_time: int = 2) -> xr.Dataset:
    rng = np.random.default_rng(1)
    coords = {"time": ("time", np.arange(n_time) * 30.0 + 15, {"units": "days since 2000-01-01"}),
              "lat": ("lat", latitude, {"units": "degrees_north", "standard_name": "latitude"}),
              "lon": ("lon", longitude, {"units": "degrees_east", "standard_name": "longitude"})}
    data = {"tas": (("time", "lat", "lon"), rng.normal(280, 5, (n_time, latitude.size, longitude.size)),
                    {"units": "K", "standard_name": "air_temperature", "cell_measures": "area: areacella"}),
            "areacella": (("lat", "lon"), areas, {"units": "m2", "standard_name": "cell_area"})}
    if bounds is not None:
        coords["lat"][2]["bounds"], coords["lon"][2]["bounds"] = "lat_bnds", "lon_bnds"
        data["lat_bnds"] = (("lat", "bnds"), np.stack([bounds[0][:-1], bounds[0][1:]], 1))
        data["lon_bnds"] = (("lon", "bnds"), np.stack([bounds[1][:-1], bounds[1][1:]], 1))
    return xr.Dataset(data, coords=coords)


@pytest.mark.parametrize("with_bounds", [pytest.param(True, id="bounds"), pytest.param(False, id="centres")])
def test_areas_remapped_from_another_grid_are_not_the_cells_own(with_bounds):
    """break57a A2, A3: an areacella (ICON's cell_area) remapped as a field onto a lat-lon grid is about constant,
    not ∝ cos φ: told, with how far its normalised ratio to the cells' own areas goes."""
    latitude_edges, longitude_edges, latitude, longitude = _grid()
    areas = _remapped_like(latitude_edges, longitude_edges)
    dataset = _dataset(areas, latitude, longitude, bounds=(latitude_edges, longitude_edges) if with_bounds else None)
    text = foreign_areas_text(dataset, "areacella")
    ratio = areas / _band_areas(latitude_edges, longitude_edges)
    ratio = ratio / np.median(ratio)
    assert text is not None and "not those of the file's cells" in text
    assert f"ranges {ratio.min():.2f}…{ratio.max():.2f}" in text


@pytest.mark.parametrize(
    "case",
    [pytest.param("true", id="areacella-true"),
     pytest.param("land-missing", id="areacello-missing-land"),
     pytest.param("land-zero", id="areacello-zero-land"),
     pytest.param("region", id="partial-grid"),
     pytest.param("ellipsoid", id="ellipsoid-1e-6")],
)
def test_the_cells_own_areas_are_taken_in_any_units_and_with_missing_cells(case):
    """The true areas (any Earth radius: km² as well; a CMIP areacella differs from the band formula by ~1e-6),
    an ocean-only areacello (land missing or 0) and a region of the globe are the cells' own: no text."""
    latitude_edges, longitude_edges, latitude, longitude = _grid(5.0, *((30.0, 60.0) if case == "region" else ()))
    areas = _band_areas(latitude_edges, longitude_edges) / (1e6 if case == "true" else 1.0)
    if case == "ellipsoid":
        areas = areas * (1 + 1e-6 * np.random.default_rng(2).normal(size=areas.shape))
    if case.startswith("land"):
        land = np.random.default_rng(3).uniform(size=areas.shape) < 0.4
        areas = np.where(land, np.nan if case == "land-missing" else 0.0, areas)
    assert foreign_areas_text(_dataset(areas, latitude, longitude), "areacella") is None


def test_a_gaussian_grid_without_bounds_keeps_the_models_areas():
    """Without bounds a Gaussian grid's edges are midway between its centres, whose polar rows differ from
    the model's Gaussian weights by 5.8 %: the model's areas are still the cells' own."""
    sines, weights = np.polynomial.legendre.leggauss(48)
    latitude = np.rad2deg(np.arcsin(sines))
    longitude = np.arange(96) * 3.75
    areas = np.outer(weights, np.full(96, np.deg2rad(3.75))) * EARTH_RADIUS**2
    assert foreign_areas_text(_dataset(areas, latitude, longitude), "areacella") is None


def test_a_remapped_areacella_named_by_cell_measures_is_refused_with_the_way_out(tmp_path):
    """break57a A2: climann weighed the scores by a remapped cell_area its cell_measures named, +50 % on the
    climatology MSE, exit 0. Refused, saying they are not the cells' areas and how to leave them out."""
    latitude_edges, longitude_edges, latitude, longitude = _grid()
    _dataset(_remapped_like(latitude_edges, longitude_edges), latitude, longitude).to_netcdf(tmp_path / "tas.nc")
    dataset = open_dataset([tmp_path / "tas.nc"])
    with pytest.raises(ClimannError, match=r"cell measure 'areacella' of 'tas': the areas in 'areacella' are not "
                                           r"those of the file's cells.*remapped.*remove the cell_measures attribute"
                                           r".*ncatted -a cell_measures,tas,d,,") as error:
        grid_layout(dataset, "tas", [str(tmp_path / "tas.nc")])
    assert "\n" not in str(error.value)


def _monthly(path, areas_path, areas, latitude, longitude, *, n_years: int = 6):
    """A monthly tas on the grid (noise growing towards the poles, so the weights matter) naming areacella in
    its cell_measures, and areacella in a file of its own (CMIP's areacella_fx)."""
    rng = np.random.default_rng(5)
    n_time = 12 * n_years
    months = np.arange(n_time) % 12
    sine = np.sin(np.deg2rad(latitude))[None, :, None]
    values = (288 - 40 * sine**2 + 10 * np.cos(2 * np.pi * months / 12)[:, None, None] * sine
              + rng.normal(size=(n_time, latitude.size, longitude.size)) * (0.3 + 2 * np.abs(sine)))
    time = xr.DataArray(xr.date_range("1980-01-01", periods=n_time, freq="MS") + np.timedelta64(14, "D"),
                        dims="time")
    tas = _dataset(areas, latitude, longitude, n_time=n_time).drop_vars("areacella").assign_coords(time=time)
    tas["tas"] = (("time", "lat", "lon"), values.astype("f4"), tas["tas"].attrs)
    tas.attrs["external_variables"] = "areacella"
    tas.to_netcdf(path)
    xr.Dataset({"areacella": (("lat", "lon"), areas.astype("f4"), {"units": "m2", "standard_name": "cell_area"})},
               coords={"lat": tas["lat"], "lon": tas["lon"]}).to_netcdf(areas_path)
    return values, time


def _numpy_climatology_mse(values, time, weights, split_periods) -> float:
    """numpy: the test years' MSE of the training years' monthly means, Σ w e² / Σ w."""
    years, months = time.dt.year.values, time.dt.month.values
    train = years <= int(re.findall(r"\d{4}", split_periods["train"])[-1])
    test = years >= int(re.findall(r"\d{4}", split_periods["test"])[0])
    climatology = np.stack([values[train & (months == month)].mean(0) for month in range(1, 13)])
    error = values[test] - climatology[months[test] - 1]
    full = np.broadcast_to(weights, error.shape)
    return float(np.sum(full * error**2) / np.sum(full))


@pytest.mark.parametrize("remapped", [pytest.param(True, id="remapped-areacella"),
                                      pytest.param(False, id="true-areacella")])
def test_train_refuses_a_remapped_areacella_and_weighs_by_a_true_one(tmp_path, monkeypatch, remapped):
    """break57a A3: a CMIP tas remapped to a lat-lon grid, given with its areacella remapped the same way, was
    scored weighed by the ICON cells' areas (+50 %), exit 0. Refused, exit 2, naming the file to leave out;
    the true areacella of the grid is taken: the climatology MSE is numpy's weighted by it."""
    monkeypatch.chdir(tmp_path)
    latitude_edges, longitude_edges, latitude, longitude = _grid()
    areas = (_remapped_like(latitude_edges, longitude_edges) if remapped
             else _band_areas(latitude_edges, longitude_edges))
    values, time = _monthly(tmp_path / "tas_Amon_gn.nc", tmp_path / "areacella_fx_gn.nc", areas, latitude, longitude)
    result = CliRunner().invoke(app, ["train", "--data", "tas_Amon_gn.nc", "--data", "areacella_fx_gn.nc",
                                      "--target", "tas", "--epochs", "1", "--out", "run"])
    if remapped:
        assert result.exit_code == 2, result.output
        assert ("the areas in 'areacella' are not those of the file's cells" in result.output
                and "leave areacella_fx_gn.nc out of --data" in result.output)
        assert not (tmp_path / "run" / "metrics.json").exists()
        return
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["cell_areas"] == "areacella"
    expected = _numpy_climatology_mse(values.astype("f4").astype(float), time, areas.astype("f4").astype(float),
                                      metrics["split_periods"])
    assert metrics["splits"]["test"]["climatology"]["mse"] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("remapped", [pytest.param(True, id="remapped-cell_area"),
                                      pytest.param(False, id="true-cell_area")])
def test_info_advises_linking_only_the_cells_own_areas(tmp_path, remapped):
    """break57a A2: after the advised remap of ICON's output, info advised `ncatted … 'area: cell_area'` for the
    remapped cell_area, and the scores were weighed by it. Now not advised for areas that are not the cells' own
    (said why); still advised for the cells' own."""
    from climann.data.defaults import cell_area_advice

    latitude_edges, longitude_edges, latitude, longitude = _grid()
    areas = (_remapped_like(latitude_edges, longitude_edges) if remapped
             else _band_areas(latitude_edges, longitude_edges))
    dataset = _dataset(areas, latitude, longitude).rename(areacella="cell_area")
    del dataset["tas"].attrs["cell_measures"]
    dataset["cell_area"].attrs = {"units": "m2", "standard_name": "area", "long_name": "area of grid cell"}
    dataset.to_netcdf(tmp_path / "icon_native.nc")
    advice = cell_area_advice(open_dataset([tmp_path / "icon_native.nc"]), "tas", "cell_area")
    assert ("ncatted" not in advice) is remapped
    assert ("the areas in 'cell_area' are not those of the file's cells" in advice) is remapped
