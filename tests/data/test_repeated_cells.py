import logging
import warnings

import numpy as np
import pytest
import xarray as xr

from climann.data.geometry import centre_spacing_areas
from climann.data.info import describe
from climann.data.open import open_dataset
from climann.data.repeated_cells import repeated_cells
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.conftest import monthly_times, unwrapped_report

N_ROWS, N_COLUMNS, N_YEARS = 5, 8, 8
SPLITS = {"train": [1990, 1995], "val": [1996, 1996], "test": [1997, 1997]}


def _interior(*, fold: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitude, longitude (N_ROWS, N_COLUMNS) and tos (time, N_ROWS, N_COLUMNS) of an ORCA-like
    grid without its halo, some land. With ``fold``, the last row is a T-pivot row: its cells
    past the middle are those of its first half mirrored (column i is column (n − i) mod n)."""
    rng = np.random.default_rng(7)
    lat1 = np.linspace(-50.0, 70.0, N_ROWS)
    lon1 = np.arange(N_COLUMNS) * 45.0 + 10.0
    latitude = np.broadcast_to(lat1[:, None], (N_ROWS, N_COLUMNS)).copy()
    latitude += np.where(lat1 > 20, 2.0, 0.0)[:, None] * np.cos(np.deg2rad(lon1))  # curvilinear in the north
    longitude = np.broadcast_to(lon1, (N_ROWS, N_COLUMNS)).copy()
    n_steps = 12 * N_YEARS
    season = 5 * np.sin(2 * np.pi * np.arange(n_steps) / 12)[:, None, None]
    tos = (15 + season + rng.normal(0, 1, (n_steps, N_ROWS, N_COLUMNS))).astype(np.float32)
    tos[:, 1, 2:4] = np.nan  # land
    if fold:
        mirror = (N_COLUMNS - np.arange(N_COLUMNS)) % N_COLUMNS
        later = np.arange(N_COLUMNS // 2 + 1, N_COLUMNS)
        for array in (latitude, longitude):
            array[-1, later] = array[-1, mirror[later]]
        tos[:, -1, later] = tos[:, -1, mirror[later]]
    return latitude, longitude, tos


def _as_nemo_writes(latitude, longitude, tos, *, fold: bool) -> tuple[np.ndarray, ...]:
    """With the halo NEMO writes (lbc_lnk): with ``fold`` a top row mirroring the row two below
    (T-pivot), then the east-west halo columns (column 0 = the last interior one, the last = the first)."""
    if fold:
        mirror = (N_COLUMNS - np.arange(N_COLUMNS)) % N_COLUMNS
        latitude, longitude = (np.concatenate([a, a[-2:-1, mirror]], axis=0) for a in (latitude, longitude))
        tos = np.concatenate([tos, tos[:, -2:-1, mirror]], axis=1)
    columns = np.r_[N_COLUMNS - 1, np.arange(N_COLUMNS), 0]
    return latitude[:, columns], longitude[:, columns], tos[..., columns]


def _write(path, latitude, longitude, tos):
    longitude = np.where(longitude > 180, longitude - 360, longitude)  # NEMO writes −180…180
    times = monthly_times(N_YEARS, "standard", start_year=1990)
    xr.Dataset(
        {"tos": (("time_counter", "y", "x"), tos, {"standard_name": "sea_surface_temperature", "units": "degC"})},
        coords={"nav_lat": (("y", "x"), latitude.astype(np.float32), {"standard_name": "latitude",
                                                                      "units": "degrees_north"}),
                "nav_lon": (("y", "x"), longitude.astype(np.float32), {"standard_name": "longitude",
                                                                       "units": "degrees_east"}),
                "time_counter": ("time_counter", times, {"standard_name": "time", "axis": "T"})},
    ).to_netcdf(path)
    return path


def _hand_scores(latitude, longitude, tos) -> dict[str, tuple[int, float]]:
    """Samples and area-weighted climatology MSE by split (numpy): the monthly climatology of
    the training years, climann's centre-spacing areas of the cells."""
    values = tos.astype(np.float64)
    years = np.repeat(np.arange(1990, 1990 + N_YEARS), 12)
    months = np.tile(np.arange(12), N_YEARS)
    weights = centre_spacing_areas(latitude.astype(np.float32).astype(np.float64),
                                   np.where(longitude > 180, longitude - 360, longitude).astype(np.float32)
                                   .astype(np.float64))
    train = (years >= SPLITS["train"][0]) & (years <= SPLITS["train"][1])
    with warnings.catch_warnings():  # land: a mean of no value, missing
        warnings.simplefilter("ignore", RuntimeWarning)
        climatology = np.stack([np.nanmean(values[train & (months == m)], axis=0) for m in range(12)])
    scores = {}
    for split, (first, last) in SPLITS.items():
        chosen = (years >= first) & (years <= last)
        errors = values[chosen] - climatology[months[chosen]]
        held = np.isfinite(errors)
        w = np.broadcast_to(weights, errors.shape)[held]
        scores[split] = (int(held.sum()), float((w * errors[held] ** 2).sum() / w.sum()))
    return scores


def test_repeated_cells_of_an_orca_grid():
    """The east-west halo columns and the T-pivot top row are dropped, the mirrored half of the
    pivot row masked, each masked cell pointing at the cell it repeats."""
    latitude, longitude, tos = _as_nemo_writes(*_interior(fold=True), fold=True)
    found = repeated_cells(latitude, np.where(longitude > 180, longitude - 360, longitude))
    assert found.columns == tuple(range(1, N_COLUMNS + 1))
    assert found.rows == tuple(range(N_ROWS))
    masked_columns = np.arange(N_COLUMNS // 2 + 1, N_COLUMNS) + 1  # in the file's columns
    expected = np.zeros(latitude.shape, bool)
    expected[N_ROWS - 1, masked_columns] = True
    np.testing.assert_array_equal(found.masked, expected)
    mirror = (N_COLUMNS - (masked_columns - 1)) % N_COLUMNS + 1
    np.testing.assert_array_equal(found.original[N_ROWS - 1, masked_columns],
                                  (N_ROWS - 1) * latitude.shape[1] + mirror)


def test_a_grid_without_repeats_has_none():
    latitude, longitude, _ = _interior(fold=False)
    found = repeated_cells(latitude, longitude)
    assert not found.any and found.columns == tuple(range(N_COLUMNS))


@pytest.mark.parametrize("fold", [pytest.param(False, id="east-west-halo"), pytest.param(True, id="t-pivot-fold")])
def test_an_orca_halo_is_read_once(tmp_path, caplog, fold):
    latitude, longitude, tos = _interior(fold=fold)
    path = _write(tmp_path / "halo.nc", *_as_nemo_writes(latitude, longitude, tos, fold=fold))
    with caplog.at_level(logging.INFO, logger="climann"):
        dataset = open_dataset([path])
    expected = tos.copy()
    if fold:
        expected[:, -1, N_COLUMNS // 2 + 1:] = np.nan  # the mirrored half of the pivot row: no sample
    np.testing.assert_array_equal(dataset.tos.transpose("time_counter", "y", "x").values, expected)
    np.testing.assert_array_equal(dataset.nav_lat.values, latitude.astype(np.float32))
    assert f"columns 0 and {N_COLUMNS + 1} of x repeat columns {N_COLUMNS} and 1 (the east-west halo" in caplog.text
    if fold:
        assert f"row {N_ROWS} of y repeats row {N_ROWS - 2} (the north fold" in caplog.text
        assert f"3 cells of y {N_ROWS - 1} repeat other cells (the north fold of an ORCA grid): masked" in caplog.text
    assert caplog.text.count("used once") == 1


@pytest.mark.parametrize("fold", [pytest.param(False, id="east-west-halo"), pytest.param(True, id="t-pivot-fold")])
def test_a_run_on_an_orca_halo_scores_each_cell_once(tmp_path, fold):
    """Samples and the climatology MSE of each split are those of the grid without the halo,
    by hand (each duplicated cell was a second sample and a second area weight)."""
    latitude, longitude, tos = _interior(fold=fold)
    path = _write(tmp_path / "halo.nc", *_as_nemo_writes(latitude, longitude, tos, fold=fold))
    if fold:
        tos = tos.copy()
        tos[:, -1, N_COLUMNS // 2 + 1:] = np.nan
    config = build_config({"data": {"paths": [str(path)], "target": "tos", "predictors": [], "split_years": SPLITS},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    metrics = run_training(config, run_dir=tmp_path / "run").metrics
    for split, (samples, mse) in _hand_scores(latitude, longitude, tos).items():
        assert metrics["splits"][split]["model"]["n_samples"] == samples
        assert metrics["splits"][split]["climatology"]["mse"] == pytest.approx(mse, rel=1e-9)


def test_info_says_the_halo_is_read_once(tmp_path):
    latitude, longitude, tos = _interior(fold=False)
    path = _write(tmp_path / "halo.nc", *_as_nemo_writes(latitude, longitude, tos, fold=False))
    report = unwrapped_report(describe(str(path)))
    assert f"columns   'x': {N_COLUMNS} values" in report
    assert (f"columns 0 and {N_COLUMNS + 1} of x repeat columns {N_COLUMNS} and 1 (the east-west halo of an ORCA "
            "grid): dropped; predictions are written on the grid without the dropped rows and columns") in report


def test_a_halo_with_other_values_is_refused(tmp_path):
    latitude, longitude, tos = _as_nemo_writes(*_interior(fold=False), fold=False)
    tos = tos.copy()
    tos[-1, 3, 0] += 0.5  # the halo copy of the last interior column differs at the last step
    path = _write(tmp_path / "halo.nc", latitude, longitude, tos)
    with pytest.raises(ClimannError, match=(
            r"halo.nc: cell y=3, x=0 is at the position of cell y=3, x=8 .*'tos' differs between them "
            r"\(by up to 0.5 degC\).*ncks -d x,1,8 ")):
        open_dataset([path])


def _ten_metre_grid(n_rows: int = 20, n_columns: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """A 10 m urban/LES grid at 52.5°N (2-D latitude and longitude, float64): rows 9.0e-5° apart,
    so that every 10th pair of adjacent rows rounded to the same multiple of 1e-4°."""
    step = 10 / 111195.0
    row, column = np.meshgrid(np.arange(n_rows), np.arange(n_columns), indexing="ij")
    return 52.5 + row * step, 13.4 + column * step / np.cos(np.deg2rad(52.5))


def test_a_ten_metre_grid_has_no_repeats():
    latitude, longitude = _ten_metre_grid()
    for dtype in (np.float64, np.float32):  # float32 still tells rows 9e-5° apart (its ulp is 4e-6° at 52°)
        found = repeated_cells(latitude.astype(dtype).astype(np.float64), longitude.astype(dtype).astype(np.float64))
        assert not found.any, dtype


def test_a_ten_metre_grid_of_blocky_values_keeps_every_cell(tmp_path):
    """Values equal in blocks of 10 × 10 cells (a 100 m driving model): every cell is a place of
    its own, 20 × 4 cells × 24 steps held (by hand), no note of a halo."""
    latitude, longitude = _ten_metre_grid()
    rng = np.random.default_rng(3)
    blocks = rng.normal(280, 1, (24, 2, 1))
    tas = np.repeat(np.repeat(blocks, 10, axis=1), 4, axis=2).astype(np.float32)
    path = tmp_path / "urban.nc"
    xr.Dataset({"tas": (("time", "y", "x"), tas, {"units": "K", "standard_name": "air_temperature"})},
               coords={"lat": (("y", "x"), latitude, {"standard_name": "latitude", "units": "degrees_north"}),
                       "lon": (("y", "x"), longitude, {"standard_name": "longitude", "units": "degrees_east"}),
                       "time": ("time", monthly_times(2, "standard", start_year=2000))}).to_netcdf(path)
    dataset = open_dataset([path])
    assert dataset.tas.shape == (24, 20, 4)
    assert int(np.isfinite(dataset.tas.values).sum()) == 24 * 20 * 4


def test_copies_at_longitudes_apart_by_360_are_one_place():
    """Columns at −180 and 180 (or λ and λ + 360 stored in float32, whose roundings differ by an
    ulp at 360°) are one place; a column 1e-3° away on a 1° grid is not."""
    lat = np.array([[0.0] * 4, [1.0] * 4])
    for first, last in ((-180.0, 180.0), (-10.123, 349.877), (0.0, 360.0)):
        lon = np.array([[first, first + 1.0, first + 2.0, np.float32(last)]] * 2, np.float64)
        lon[:, 3] = np.float32(last)
        lon[:, 0] = np.float32(first)
        assert repeated_cells(lat, lon).columns == (1, 2, 3), (first, last)
    lon = np.array([[0.0, 1.0, 2.0, 360.002]] * 2)
    assert not repeated_cells(lat, lon).any
