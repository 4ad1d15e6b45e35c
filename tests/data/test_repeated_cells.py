import logging
import warnings

import numpy as np
import pytest
import xarray as xr

from climann.data.geometry import centre_spacing_areas
from climann.data.info import describe
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.repeated_cells import repeated_cells
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.conftest import monthly_times, unwrapped_report
from tests.fresh_python import run_python

N_ROWS, N_COLUMNS, N_YEARS = 5, 8, 8


@pytest.fixture(autouse=True)
def _a_new_run():
    """Each test a new run: a note said in an earlier test (once per run) is said again."""
    forget_notes()
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


def test_a_stores_halo_with_other_values_is_refused_with_a_cut_that_runs_on_the_store(tmp_path, monkeypatch):
    """fix32d: a Zarr store was given `ncks -d x,1,8 halo.zarr halo_fixed.nc`, which NCO cannot read; now an
    xarray line that, run as printed, writes a copy of the store without the halo columns, which opens with
    the interior columns' values (the halo's differing copy gone)."""
    import re
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    interior = _interior(fold=False)
    latitude, longitude, tos = _as_nemo_writes(*interior, fold=False)
    tos = tos.copy()
    tos[-1, 3, 0] += 0.5
    with xr.open_dataset(_write(tmp_path / "halo.nc", latitude, longitude, tos)) as opened:
        opened.load().to_zarr(tmp_path / "halo.zarr")
    with pytest.raises(ClimannError, match="'tos' differs between them") as refused:
        open_dataset([tmp_path / "halo.zarr"])
    message = str(refused.value)
    assert "ncks" not in message
    words = shlex.split(re.search(r'python -c "[^"]+"', message).group(0))
    assert words[:2] == ["python", "-c"] and len(words) == 3, message
    run_python("-c", words[2], check=True, cwd=tmp_path)
    fixed = open_dataset([tmp_path / "halo_fixed.zarr"])
    assert fixed["tos"].shape == (12 * N_YEARS, N_ROWS, N_COLUMNS)
    np.testing.assert_array_equal(fixed["tos"].values, interior[2])


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
    lat = np.array([[10.0] * 4, [11.0] * 4])  # not the equator: (0°, 0°) is NEMO's mark of no position
    for first, last in ((-180.0, 180.0), (-10.123, 349.877), (0.0, 360.0)):
        lon = np.array([[first, first + 1.0, first + 2.0, np.float32(last)]] * 2, np.float64)
        lon[:, 3] = np.float32(last)
        lon[:, 0] = np.float32(first)
        assert repeated_cells(lat, lon).columns == (0, 1, 2), (first, last)  # the first kept, as a cyclic column's
    lon = np.array([[0.0, 1.0, 2.0, 360.002]] * 2)
    assert not repeated_cells(lat, lon).any


def test_the_files_of_one_grid_share_one_search_and_one_note(tmp_path, caplog, monkeypatch):
    """One file per year on one ORCA grid: the repeated cells are searched once per grid (not
    once per file and per look at its grid) and said once."""
    import climann.data.repeated_cells as module

    latitude, longitude, tos = _as_nemo_writes(*_interior(fold=True), fold=True)
    dataset = xr.open_dataset(_write(tmp_path / "all.nc", latitude, longitude, tos))
    paths = []
    for year in range(1990, 1990 + N_YEARS):
        paths.append(tmp_path / f"orca_{year}.nc")
        dataset.sel(time_counter=str(year)).to_netcdf(paths[-1])
    calls = []
    monkeypatch.setattr(module, "repeated_cells", lambda *grid: calls.append(1) or repeated_cells(*grid))
    monkeypatch.setattr(module, "_SEEN", {})
    with caplog.at_level(logging.INFO, logger="climann"):
        combined = open_dataset(paths)
    assert len(calls) == 2  # the files' grid (each file and its grid's comparison) and the combined one, halo dropped
    assert caplog.text.count("used once") == 1
    assert int(np.isfinite(combined.tos.values).sum()) == 12 * N_YEARS * (N_ROWS * N_COLUMNS - 2 - 3)


def test_an_integer_variable_is_masked_at_the_fold_as_the_others(tmp_path):
    """A count stored as int32 without _FillValue (not decoded to float): its mirrored half of
    the pivot row is missing as a float variable's is, not a second sample of those places."""
    latitude, longitude, tos = _interior(fold=True)
    path = _write(tmp_path / "halo.nc", *_as_nemo_writes(latitude, longitude, tos, fold=True))
    with xr.open_dataset(path) as dataset:
        counts = dataset.assign(cnt=(np.round(10 * dataset.tos.fillna(0))).astype(np.int32)).drop_vars("tos")
        counts.cnt.attrs = {"units": "1", "long_name": "count"}
        counts.load().to_netcdf(tmp_path / "counts.nc")
    cnt = open_dataset([tmp_path / "counts.nc"]).cnt.transpose("time_counter", "y", "x")
    expected = np.round(10 * np.nan_to_num(tos, nan=0.0)).astype(np.float64)
    expected[:, -1, N_COLUMNS // 2 + 1:] = np.nan
    np.testing.assert_array_equal(cnt.values, expected)
    assert cnt.attrs["long_name"] == "count"
    assert int(np.isfinite(cnt.values).sum()) == 12 * N_YEARS * (N_ROWS * N_COLUMNS - 3)


def _velocity_file(path, *, turned_on_halo: bool = False):
    """An ORCA-like T-pivot grid holding a velocity component as NEMO's lbc_lnk writes it: across
    the north fold copied with sign −1, on the east-west halo columns plain copies."""
    latitude, longitude, uo = _interior(fold=True)
    uo = uo - 15
    later = np.arange(N_COLUMNS // 2 + 1, N_COLUMNS)
    mirror = (N_COLUMNS - np.arange(N_COLUMNS)) % N_COLUMNS
    uo[:, -1, later] = -uo[:, -1, mirror[later]]
    latitude, longitude, written = _as_nemo_writes(latitude, longitude, uo, fold=True)
    written[:, -1, 1:-1] *= -1  # the top row: the row two below mirrored, sign −1
    written[:, -1, 0], written[:, -1, -1] = written[:, -1, -2], written[:, -1, 1]
    if turned_on_halo:
        written[:, 2, 0] *= -1
    _write(path, latitude, longitude, written)
    with xr.open_dataset(path) as dataset:
        dataset = dataset.rename(tos="uo").load()
    dataset.uo.attrs = {"standard_name": "sea_water_x_velocity", "units": "m s-1"}
    dataset.to_netcdf(path.with_name("uo_" + path.name))
    return path.with_name("uo_" + path.name), uo


def test_a_velocity_copied_with_the_opposite_sign_across_the_fold_is_read_once(tmp_path, caplog):
    path, uo = _velocity_file(tmp_path / "halo.nc")
    with caplog.at_level(logging.INFO, logger="climann"):
        dataset = open_dataset([path])
    expected = uo.copy()
    expected[:, -1, N_COLUMNS // 2 + 1:] = np.nan
    np.testing.assert_array_equal(dataset.uo.transpose("time_counter", "y", "x").values, expected)
    assert "'uo' is copied across the fold with the opposite sign" in caplog.text


def test_a_halo_column_with_the_opposite_sign_is_refused_with_a_runnable_command(tmp_path):
    """Off the fold's rows a copy is a plain copy: minus its original is a different value; the
    command cuts the fold rows, as ncks cannot mask cells, and runs as given (no '…')."""
    path, _ = _velocity_file(tmp_path / "halo.nc", turned_on_halo=True)
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    message = str(refused.value)
    assert "cell y=2, x=0 is at the position of cell y=2, x=8" in message
    assert f"ncks -d y,0,{N_ROWS - 2} -d x,1,{N_COLUMNS} " in message and "…" not in message


def test_a_regular_grids_repeated_meridian_keeps_the_first_column_and_names_no_orca_grid(tmp_path, caplog):
    longitude, latitude = np.meshgrid(np.arange(0.0, 361.0, 45.0), np.linspace(-65.0, 75.0, 5))
    tos = np.random.default_rng(3).normal(15, 1, (12 * N_YEARS, 5, 9)).astype(np.float32)
    tos[..., -1] = tos[..., 0]
    times = monthly_times(N_YEARS, "standard", start_year=1990)
    xr.Dataset({"tos": (("time", "j", "i"), tos, {"units": "degC"})},
               coords={"lat": (("j", "i"), latitude, {"standard_name": "latitude", "units": "degrees_north"}),
                       "lon": (("j", "i"), longitude, {"standard_name": "longitude", "units": "degrees_east"}),
                       "time": ("time", times)}).to_netcdf(tmp_path / "global.nc")
    with caplog.at_level(logging.INFO, logger="climann"):
        dataset = open_dataset([tmp_path / "global.nc"])
    np.testing.assert_array_equal(dataset.lon.values[0], np.arange(0.0, 360.0, 45.0))
    assert "column 8 of i repeats column 0: dropped" in caplog.text
    assert "ORCA" not in caplog.text
