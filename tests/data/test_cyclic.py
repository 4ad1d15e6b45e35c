import logging

import numpy as np
import pytest
import xarray as xr

from climann.data.area_means import area_mean_series
from climann.data.cyclic import DROPPED_KEY, repeated_columns
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset
from tests.fresh_python import run_python


@pytest.fixture(autouse=True)
def _a_new_run():
    """Each test a new run: a note said in an earlier test (once per run) is said again."""
    forget_notes()


def _with_cyclic_column(dataset: xr.Dataset, *, change: float = 0.0) -> xr.Dataset:
    """The dataset with its first longitude column appended again at λ + 360° (the cyclic
    point of add_cyclic_point), ``change`` added to tas in the copy."""
    copy = dataset.isel(lon=[0]).assign_coords(lon=[360.0])
    if change:
        copy = copy.assign(tas=copy.tas + change)
    return xr.concat([dataset, copy], dim="lon")


@pytest.mark.parametrize(
    ("longitude", "expected"),
    [
        pytest.param(np.arange(0.0, 361.0, 30.0), {12: 0}, id="0-to-360"),
        pytest.param(np.arange(-180.0, 181.0, 90.0), {4: 0}, id="minus-180-to-180"),
        pytest.param(np.array([0.0, 120.0, 240.0, 360.0 + 1e-4]), {3: 0}, id="float-rounding"),
        pytest.param(np.arange(0.0, 360.0, 30.0), {}, id="no-repeat"),
        pytest.param(np.array([10.0, 20.0, 30.0]), {}, id="regional"),
        # a halo on both sides: −30 and 360 go, 0…330 (one convention) stays
        pytest.param(np.arange(-30.0, 361.0, 30.0), {0: 12, 13: 1}, id="halo-on-both-sides"),
        pytest.param(np.arange(0.0, 391.0, 30.0), {12: 0, 13: 1}, id="two-columns-of-halo"),
    ],
)
def test_repeated_columns(longitude, expected):
    assert repeated_columns(longitude) == expected


def _pairwise_repeats(longitude: np.ndarray) -> dict[int, int]:
    """repeated_columns as it searched before fix56c: each column against every earlier one."""
    values = np.asarray(longitude, np.float64)
    steps = np.abs((values[1:] - values[:-1] + 180.0) % 360.0 - 180.0)
    tolerance = 1e-3 * float(steps[steps > 0].min())
    inside = max([(values >= 0.0) & (values < 360.0), (values >= -180.0) & (values < 180.0)], key=lambda i: int(i.sum()))
    repeats = {}
    for column in range(1, values.size):
        same = np.flatnonzero(np.abs((values[:column] - values[column] + 180.0) % 360.0 - 180.0) <= tolerance)
        if same.size:
            earlier = int(same[0])
            repeats[earlier if inside[column] and not inside[earlier] else column] = (
                column if inside[column] and not inside[earlier] else earlier)
    return dict(sorted(repeats.items()))


@pytest.mark.parametrize("longitude", [
    pytest.param(-179.875 + 0.25 * np.arange(1250), id="regional-0.25"),
    pytest.param(0.125 + 0.25 * np.arange(1440), id="global-0.25"),
    pytest.param(-180.0 + 0.25 * np.arange(1441), id="global-with-cyclic-column"),
    pytest.param(np.r_[359.5, 0.25 * np.arange(1440) + 1e-5, 0.0], id="halo-and-rounding"),
    pytest.param(np.r_[0.0, 0.5 * (1 + 1.5e-3), 1.0], id="just-beyond-the-tolerance"),
    pytest.param(np.r_[10.0, 190.0, 370.0 + 1e-7], id="three-far-apart"),
])
def test_repeated_columns_found_as_by_the_pairwise_search(longitude):
    """fix56c: the pairwise search is skipped when no two longitudes lie within twice the tolerance
    around the circle (1 250 array operations per 0.25° file at each reading); what it finds is unchanged."""
    assert repeated_columns(longitude) == _pairwise_repeats(longitude)


def test_a_cyclic_column_is_dropped_on_reading(tmp_path, caplog):
    original = grid_dataset(n_years=2, n_lat=3, n_lon=4, lon_start=-45.0)  # lon 0, 90, 180, 270
    path = tmp_path / "cyclic.nc"
    _with_cyclic_column(original).to_netcdf(path)
    with caplog.at_level(logging.INFO, logger="climann"):
        dataset = open_dataset([path])
    np.testing.assert_array_equal(dataset.lon.values, [0.0, 90.0, 180.0, 270.0])
    np.testing.assert_array_equal(dataset.tas.values, original.tas.values)
    assert dataset.lon.encoding[DROPPED_KEY] == (360.0,)
    assert "lon 360° repeats lon 0° (modulo 360°) with the same values" in caplog.text
    # each meridian once in an area mean: the global mean of the 4 columns, by hand
    weights = np.cos(np.deg2rad(original.lat.values))
    expected = (original.tas.values.mean(axis=2) * weights).sum(axis=1) / weights.sum()
    np.testing.assert_allclose(area_mean_series(dataset, "tas").values, expected, rtol=1e-6)


def test_a_halo_on_both_sides_leaves_the_grid_in_one_convention(tmp_path):
    """−30, 0, …, 330, 360 kept −30 and dropped 330 and 360: −30…300, in neither the
    −180…180 nor the 0…360 convention (predictions.nc then had it too)."""
    original = grid_dataset(n_years=2, n_lat=3, n_lon=4, lon_start=-45.0)  # lon 0, 90, 180, 270
    before = original.isel(lon=[3]).assign_coords(lon=[-90.0])
    after = original.isel(lon=[0]).assign_coords(lon=[360.0])
    path = tmp_path / "halo.nc"
    xr.concat([before, original, after], dim="lon").to_netcdf(path)
    dataset = open_dataset([path])
    np.testing.assert_array_equal(dataset.lon.values, [0.0, 90.0, 180.0, 270.0])
    np.testing.assert_array_equal(dataset.tas.values, original.tas.values)
    assert dataset.lon.encoding[DROPPED_KEY] == (-90.0, 360.0)


def test_a_repeated_column_with_other_values_is_refused(tmp_path):
    path = tmp_path / "cyclic.nc"
    _with_cyclic_column(grid_dataset(n_years=2, n_lat=3, n_lon=4, lon_start=-45.0), change=0.5).to_netcdf(path)
    with pytest.raises(ClimannError, match=r"lon 360° repeats lon 0° .* 'tas' differs .*by up to 0\.5 K.*"
                                           rf"ncks -d lon,0,3 {tmp_path}/cyclic.nc {tmp_path}/cyclic_fixed.nc$"):
        open_dataset([path])


def test_a_stores_repeated_column_with_other_values_is_refused_with_a_cut_that_runs_on_the_store(tmp_path,
                                                                                               monkeypatch):
    """fix32d: a Zarr store was given `ncks -d lon,0,3 cyclic.zarr cyclic_fixed.nc`, which NCO cannot read;
    now an xarray line that, run as printed, writes a copy of the store without the repeated column, which
    opens as the grid the column was added to."""
    import re
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    original = grid_dataset(n_years=2, n_lat=3, n_lon=4, lon_start=-45.0)
    _with_cyclic_column(original, change=0.5).to_zarr(tmp_path / "cyclic.zarr")
    with pytest.raises(ClimannError, match=r"lon 360° repeats lon 0° .* 'tas' differs") as refused:
        open_dataset([tmp_path / "cyclic.zarr"])
    message = str(refused.value)
    assert "ncks" not in message
    words = shlex.split(re.search(r'python -c "[^"]+"', message).group(0))
    assert words[:2] == ["python", "-c"] and len(words) == 3, message
    run_python("-c", words[2], check=True, cwd=tmp_path)
    fixed = open_dataset([tmp_path / "cyclic_fixed.zarr"])
    np.testing.assert_array_equal(fixed.lon.values, original.lon.values)
    np.testing.assert_array_equal(fixed.tas.values, original.tas.values)


# --- a cyclic column in only one of several files ---------------------------------------------
def _minus_180_to_180(dataset: xr.Dataset) -> xr.Dataset:
    """The same cells with longitudes −180 … 180, both ends kept (−180 and 180 one meridian)."""
    turned = dataset.assign_coords(lon=((dataset.lon + 180.0) % 360.0) - 180.0).sortby("lon")
    end = turned.isel(lon=[0]).assign_coords(lon=[180.0])
    return xr.concat([turned, end], dim="lon")


@pytest.mark.parametrize(
    ("cyclic_variable", "layout", "repeated"),
    [
        pytest.param("tas", _with_cyclic_column, "lon 360° repeats lon 0°", id="target-0-to-360"),
        pytest.param("pred", _with_cyclic_column, "lon 360° repeats lon 0°", id="predictor-0-to-360"),
        pytest.param("tas", _minus_180_to_180, "lon 180° repeats lon -180°", id="target-minus-180-to-180"),
        pytest.param("pred", _minus_180_to_180, "lon 180° repeats lon -180°", id="predictor-minus-180-to-180"),
    ],
)
def test_a_cyclic_column_in_one_of_several_files_is_dropped_before_the_grids_are_compared(
    tmp_path, caplog, cyclic_variable, layout, repeated
):
    original = grid_dataset(n_years=2, n_lat=3, n_lon=4, lon_start=-45.0)  # lon 0, 90, 180, 270
    paths = {}
    for name in ("tas", "pred"):
        single = original[[name]]
        paths[name] = tmp_path / f"{name}.nc"
        (layout(single) if name == cyclic_variable else single).to_netcdf(paths[name])
    with caplog.at_level(logging.INFO, logger="climann"):
        dataset = open_dataset([paths["pred"], paths["tas"]], grid_of="tas")
    # the target file's convention, each meridian once
    target_lon = xr.open_dataset(paths["tas"]).lon.values
    expected_lon = target_lon[:-1] if cyclic_variable == "tas" else target_lon
    np.testing.assert_array_equal(dataset.lon.values, expected_lon)
    # each value at its cell, looked up by value in the original (0 … 270) by hand
    columns = [int(np.flatnonzero(np.isclose((original.lon.values - lon) % 360.0, 0.0))[0]) for lon in expected_lon]
    for name in ("tas", "pred"):
        np.testing.assert_array_equal(dataset[name].values, original[name].values[:, :, columns])
    assert f"{cyclic_variable}.nc: {repeated} (modulo 360°) with the same values" in caplog.text
    assert dataset.lon.encoding[DROPPED_KEY] == ((360.0,) if layout is _with_cyclic_column else (180.0,))


def test_a_repeated_column_with_other_values_in_one_of_several_files_is_still_refused(tmp_path):
    original = grid_dataset(n_years=2, n_lat=3, n_lon=4, lon_start=-45.0)
    original[["pred"]].to_netcdf(tmp_path / "pred.nc")
    _with_cyclic_column(original[["tas"]], change=0.5).to_netcdf(tmp_path / "tas.nc")
    with pytest.raises(ClimannError, match=r"tas.nc: lon 360° repeats lon 0° .* 'tas' differs .*by up to 0\.5 K"):
        open_dataset([tmp_path / "pred.nc", tmp_path / "tas.nc"], grid_of="tas")


# --- a cyclic column equal to its storage precision ---------------------------------------------
def _ulps_apart(values: np.ndarray, ulps: int, dtype: str) -> np.ndarray:
    """``values`` moved ``ulps`` representable numbers of ``dtype`` upwards (np.nextafter)."""
    moved = values.astype(dtype)
    for _ in range(ulps):
        moved = np.nextafter(moved, np.array(np.inf, dtype))
    return moved


@pytest.mark.parametrize(
    ("dtype", "ulps", "kept"),
    [
        pytest.param("f4", 1, True, id="float32-one-ulp"),  # 1.5e-5 K at 250 K: regridding's rounding
        pytest.param("f4", 4, True, id="float32-four-ulps"),
        pytest.param("f4", 5, False, id="float32-five-ulps"),
        pytest.param("f4", 700, False, id="float32-1e-2-K"),
        pytest.param("f8", 4, True, id="float64-four-ulps"),
        pytest.param("f8", 5, False, id="float64-five-ulps"),
    ],
)
def test_a_cyclic_column_within_a_few_ulps_of_its_stored_type_is_dropped(tmp_path, dtype, ulps, kept):
    """Refused with 'differs by up to 1.53e-05 K' before: one float32 ulp at 250 K."""
    original = grid_dataset(n_years=2, n_lat=3, n_lon=4, lon_start=-45.0)[["tas"]]
    cyclic = _with_cyclic_column(original)
    values = cyclic.tas.values.astype(dtype)
    values[..., -1] = _ulps_apart(values[..., 0], ulps, dtype)
    cyclic["tas"] = cyclic.tas.copy(data=values)
    gap = float(np.abs(values[..., -1].astype(np.float64) - values[..., 0]).max())
    assert (gap > 1e-5) if dtype == "f4" else (gap < 1e-12)  # a float32 ulp at 250 K is 1.5e-5 K
    cyclic.to_netcdf(tmp_path / "cyclic.nc", encoding={"tas": {"dtype": dtype}})
    if not kept:
        with pytest.raises(ClimannError, match=r"lon 360° repeats lon 0° .* 'tas' differs .*by up to"):
            open_dataset([tmp_path / "cyclic.nc"])
        return
    dataset = open_dataset([tmp_path / "cyclic.nc"])
    np.testing.assert_array_equal(dataset.lon.values, [0.0, 90.0, 180.0, 270.0])
    np.testing.assert_array_equal(dataset.tas.values, values[..., :-1])  # the first column's values kept


@pytest.mark.parametrize(
    ("steps", "kept"),
    [pytest.param(1, True, id="one-packing-step"), pytest.param(4, True, id="four-steps"),
     pytest.param(5, False, id="five-steps")],
)
def test_a_packed_cyclic_column_within_a_few_packing_steps_is_dropped(tmp_path, steps, kept):
    """int16 with scale_factor 0.01 K (CF-1.8 §8.1): a packing step is the unit in the last place."""
    original = grid_dataset(n_years=2, n_lat=3, n_lon=4, lon_start=-45.0)[["tas"]]
    cyclic = _with_cyclic_column(original)
    packed = np.round((cyclic.tas.values.astype(np.float64) - 250.0) / 0.01)
    packed[..., -1] = packed[..., 0] + steps
    cyclic["tas"] = cyclic.tas.copy(data=packed * 0.01 + 250.0)
    cyclic.to_netcdf(tmp_path / "cyclic.nc",
                     encoding={"tas": {"dtype": "i2", "scale_factor": 0.01, "add_offset": 250.0, "_FillValue": -32767}})
    if not kept:
        with pytest.raises(ClimannError, match=r"'tas' differs .*by up to 0\.05 K"):
            open_dataset([tmp_path / "cyclic.nc"])
        return
    dataset = open_dataset([tmp_path / "cyclic.nc"])
    np.testing.assert_allclose(dataset.tas.values, packed[..., :-1] * 0.01 + 250.0, rtol=1e-12)


def test_the_files_of_one_year_each_say_their_cyclic_column_once(tmp_path, caplog):
    """One note per run (docs/own-data.md), not one per yearly file: the same column dropped
    from each file is said once, naming the first file."""
    original = _with_cyclic_column(grid_dataset(n_years=3, n_lat=3, n_lon=4, lon_start=-45.0))
    paths = []
    for year in np.unique(original.time.dt.year.values):
        paths.append(tmp_path / f"tas_{year}.nc")
        original.sel(time=original.time.dt.year == year).to_netcdf(paths[-1])
    with caplog.at_level(logging.INFO, logger="climann"):
        dataset = open_dataset(paths)
    np.testing.assert_array_equal(dataset.lon.values, [0.0, 90.0, 180.0, 270.0])
    assert caplog.text.count("(a cyclic column): dropped") == 1
    assert f"{paths[0].name}: lon 360° repeats lon 0°" in caplog.text
