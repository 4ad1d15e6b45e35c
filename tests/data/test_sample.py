"""Tests for climann/data/sample_data.py and sample_physics.py: the synthetic CF-1.8 sample file."""

from __future__ import annotations

import math
import tracemalloc
from pathlib import Path

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann._version import __version__
from climann.data import sample_data
from climann.data import sample_physics as sample
from climann.data.sample_data import write_sample_dataset
from climann.errors import ClimannError

DATA_VARIABLES = ("tas", "rsdt", "clt", "mrso", "orog", "sftlf")
SOLAR_CONSTANT = 1361.0


# --- fixtures: small files written once per module and never modified --------------------
@pytest.fixture(scope="module")
def small_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two years at 10°, seed 0."""
    return write_sample_dataset(tmp_path_factory.mktemp("small") / "sample.nc",
                                years=2, resolution=10.0, seed=0)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> xr.Dataset:
    """Six years at 5° (enough cells for statistics), opened with xarray."""
    path = write_sample_dataset(tmp_path_factory.mktemp("medium") / "sample.nc",
                                years=6, resolution=5.0, seed=0)
    with xr.open_dataset(path) as dataset:
        return dataset.load()


@pytest.fixture(scope="module")
def small(small_path: Path) -> xr.Dataset:
    with xr.open_dataset(small_path) as dataset:
        return dataset.load()


def read_raw(path: Path) -> dict[str, np.ndarray]:
    """Every variable as stored (no masking), read with netCDF4."""
    with netCDF4.Dataset(path) as dataset:
        dataset.set_auto_mask(False)
        return {name: variable[...] for name, variable in dataset.variables.items()}


# --- determinism ---------------------------------------------------------------------------
def test_same_seed_gives_identical_variables(small_path: Path, tmp_path: Path) -> None:
    again = write_sample_dataset(tmp_path / "again.nc", years=2, resolution=10.0, seed=0)
    first, second = read_raw(small_path), read_raw(again)
    assert first.keys() == second.keys()
    for name in first:
        np.testing.assert_array_equal(first[name], second[name], err_msg=name)


def test_same_seed_gives_identical_bytes(small_path: Path, tmp_path: Path) -> None:
    again = write_sample_dataset(tmp_path / "again.nc", years=2, resolution=10.0, seed=0)
    assert again.read_bytes() == small_path.read_bytes()


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in ("tas", "clt", "sftlf", "orog")])
def test_different_seed_gives_different_data(small_path: Path, tmp_path: Path, name: str) -> None:
    other = write_sample_dataset(tmp_path / "other.nc", years=2, resolution=10.0, seed=1)
    assert not np.array_equal(read_raw(small_path)[name], read_raw(other)[name])


def test_a_year_does_not_depend_on_the_years_before(small_path: Path) -> None:
    grid = sample.regular_grid(resolution=10.0)
    surface = sample.synthetic_surface(
        grid, rng=np.random.default_rng([0, sample._SURFACE_STREAM]))
    alone = sample.year_fields(1, grid=grid, surface=surface, seed=0)
    stored = read_raw(small_path)
    np.testing.assert_array_equal(stored["tas"][12:24], alone["tas"].astype(np.float32))
    np.testing.assert_array_equal(stored["clt"][12:24], alone["clt"].astype(np.float32))


def test_each_year_has_its_own_weather_and_noise(small_path: Path) -> None:
    raw = read_raw(small_path)
    for name in ("clt", "tas"):
        assert not np.array_equal(raw[name][:12], raw[name][12:24]), name


# --- CF conventions ------------------------------------------------------------------------
@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in DATA_VARIABLES])
def test_data_variable_has_cf_attributes(small_path: Path, name: str) -> None:
    with netCDF4.Dataset(small_path) as dataset:
        variable = dataset[name]
        attributes = variable.ncattrs()
        assert variable.dtype == np.float32
        assert variable.getncattr("_FillValue") == np.float32(1e20)
        for attribute in ("units", "standard_name", "long_name", "cell_methods"):
            assert attribute in attributes and variable.getncattr(attribute)
        static = name in ("orog", "sftlf")
        assert variable.dimensions == (("lat", "lon") if static else ("time", "lat", "lon"))


@pytest.mark.parametrize("name, units, standard_name", [
    pytest.param("tas", "K", "air_temperature", id="tas"),
    pytest.param("rsdt", "W m-2", "toa_incoming_shortwave_flux", id="rsdt"),
    pytest.param("clt", "%", "cloud_area_fraction", id="clt"),
    pytest.param("mrso", "kg m-2", "mass_content_of_water_in_soil", id="mrso"),
    pytest.param("orog", "m", "surface_altitude", id="orog"),
    pytest.param("sftlf", "%", "land_area_fraction", id="sftlf"),
])
def test_units_and_standard_names(small: xr.Dataset, name: str, units: str,
                                  standard_name: str) -> None:
    assert small[name].attrs["units"] == units
    assert small[name].attrs["standard_name"] == standard_name
    assert small[name].dtype == np.float32


def test_global_attributes(small: xr.Dataset) -> None:
    attributes = small.attrs
    assert attributes["Conventions"] == "CF-1.8"
    assert attributes["institution"] == "climann synthetic sample"
    assert attributes["source"] == f"climann {__version__} sample generator"
    assert "seed=0" in attributes["history"] and "resolution=10.0" in attributes["history"]
    assert attributes["sample_seed"] == 0 and attributes["sample_years"] == 2
    assert attributes["title"] and len(attributes["comment"]) > 200


@pytest.mark.parametrize("name, units, standard_name, axis", [
    pytest.param("lat", "degrees_north", "latitude", "Y", id="lat"),
    pytest.param("lon", "degrees_east", "longitude", "X", id="lon"),
])
def test_spatial_coordinate_attributes(small: xr.Dataset, name: str, units: str,
                                       standard_name: str, axis: str) -> None:
    attributes = small[name].attrs
    assert (attributes["units"], attributes["standard_name"], attributes["axis"]) == (
        units, standard_name, axis)
    assert attributes["bounds"] == f"{name}_bnds" and attributes["long_name"]


def test_time_decodes_to_noleap_mid_months(small: xr.Dataset, small_path: Path) -> None:
    assert isinstance(small.time.values[0], cftime.DatetimeNoLeap)
    assert small.time.encoding["calendar"] == "noleap"
    assert small.time.attrs["standard_name"] == "time" and small.time.attrs["axis"] == "T"
    assert small.time.values[1] == cftime.DatetimeNoLeap(1980, 2, 15, 0)
    raw = read_raw(small_path)
    # Hand-computed: Jan 15.5 days, Feb 31 + 14, Mar 59 + 15.5; the next year 365 later.
    np.testing.assert_array_equal(raw["time"][[0, 1, 2, 12]], [15.5, 45.0, 74.5, 380.5])
    with netCDF4.Dataset(small_path) as dataset:
        assert dataset["time"].units == "days since 1980-01-01 00:00:00"
        assert dataset["time"].dtype == np.float64


def test_bounds_are_contiguous_and_cover_the_globe(small_path: Path) -> None:
    raw = read_raw(small_path)
    for name, low, high in (("lat", -90.0, 90.0), ("lon", 0.0, 360.0), ("time", 0.0, 730.0)):
        bounds = raw[f"{name}_bnds"]
        assert bounds[0, 0] == low and bounds[-1, 1] == high
        np.testing.assert_array_equal(bounds[1:, 0], bounds[:-1, 1])
        np.testing.assert_allclose(raw[name], bounds.mean(axis=1))
    np.testing.assert_allclose(raw["lat"], np.arange(-85.0, 90.0, 10.0))
    np.testing.assert_allclose(raw["lon"], np.arange(5.0, 360.0, 10.0))


# --- missing values -------------------------------------------------------------------------
def test_mrso_is_missing_exactly_over_ocean(small: xr.Dataset) -> None:
    ocean = (small.sftlf == 0).values
    missing = np.isnan(small.mrso.values)
    assert 0 < ocean.sum() < ocean.size
    np.testing.assert_array_equal(missing, np.broadcast_to(ocean, missing.shape))


def test_mrso_is_stored_as_fill_value(small_path: Path) -> None:
    raw = read_raw(small_path)
    np.testing.assert_array_equal(raw["mrso"] == np.float32(1e20),
                                  np.broadcast_to(raw["sftlf"] == 0, raw["mrso"].shape))


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in DATA_VARIABLES if n != "mrso"])
def test_other_variables_have_no_missing_values(small: xr.Dataset, name: str) -> None:
    assert np.isfinite(small[name].values).all()


# --- insolation ----------------------------------------------------------------------------
def spencer_declination(day: float) -> float:
    g = 2 * math.pi * day / 365
    return (0.006918 - 0.399912 * math.cos(g) + 0.070257 * math.sin(g)
            - 0.006758 * math.cos(2 * g) + 0.000907 * math.sin(2 * g)
            - 0.002697 * math.cos(3 * g) + 0.00148 * math.sin(3 * g))


def spencer_eccentricity(day: float) -> float:
    g = 2 * math.pi * day / 365
    return (1.000110 + 0.034221 * math.cos(g) + 0.001280 * math.sin(g)
            + 0.000719 * math.cos(2 * g) + 0.000077 * math.sin(2 * g))


def daily_insolation(latitude: float, day: float) -> float:
    """Scalar reference with explicit polar-night / polar-day branches."""
    phi, delta = math.radians(latitude), spencer_declination(day)
    x = -math.tan(phi) * math.tan(delta)
    if x >= 1.0:
        return 0.0
    h0 = math.pi if x <= -1.0 else math.acos(x)
    return (SOLAR_CONSTANT / math.pi * spencer_eccentricity(day)
            * (h0 * math.sin(phi) * math.sin(delta)
               + math.cos(phi) * math.cos(delta) * math.sin(h0)))


@pytest.mark.parametrize("month, lat_index", [
    pytest.param(0, 8, id="jan-5N"), pytest.param(2, 9, id="mar-5S"),
    pytest.param(5, 13, id="jun-45N"), pytest.param(8, 3, id="sep-55S"),
    pytest.param(11, 14, id="dec-55N"), pytest.param(6, 2, id="jul-65S"),
])
def test_rsdt_matches_scalar_reference(small_path: Path, month: int, lat_index: int) -> None:
    raw = read_raw(small_path)
    expected = daily_insolation(float(raw["lat"][lat_index]), float(raw["time"][month]))
    np.testing.assert_allclose(raw["rsdt"][month, lat_index], expected, rtol=1e-6, atol=1e-4)
    assert np.ptp(raw["rsdt"][month, lat_index]) == 0  # no longitude dependence


def test_rsdt_polar_night_is_zero_and_polar_day_closed_form(small_path: Path) -> None:
    raw = read_raw(small_path)
    december, june, north = 11, 5, -1  # lat 85°N
    np.testing.assert_array_equal(raw["rsdt"][december, north], 0.0)
    day = float(raw["time"][june])
    # Polar day: h0 = π, so Q = S0 (d̄/d)² sin φ sin δ.
    expected = (SOLAR_CONSTANT * spencer_eccentricity(day) * math.sin(math.radians(85.0))
                * math.sin(spencer_declination(day)))
    np.testing.assert_allclose(raw["rsdt"][june, north], expected, rtol=1e-6)


def test_equator_insolation_is_s0_over_pi_times_cos_declination() -> None:
    # At φ = 0, h0 = π/2, so Q = (S0/π)(d̄/d)² cos δ; at the equinox ≈ S0/π (d̄/d)².
    days = np.array([0.0, 79.0, 172.0, 266.0])
    expected = [SOLAR_CONSTANT / math.pi * spencer_eccentricity(d)
                * math.cos(spencer_declination(d)) for d in days]
    np.testing.assert_allclose(sample.toa_daily_insolation(0.0, days), expected, rtol=1e-12)
    assert abs(sample.toa_daily_insolation(0.0, 79.0) / (SOLAR_CONSTANT / math.pi) - 1) < 0.01


def test_global_annual_mean_rsdt_is_a_quarter_of_s0(small_path: Path) -> None:
    raw = read_raw(small_path)
    band_area = np.diff(np.sin(np.deg2rad(raw["lat_bnds"])), axis=1)[:, 0]
    zonal = raw["rsdt"][:12].astype(np.float64).mean(axis=(0, 2))
    global_mean = np.sum(zonal * band_area) / band_area.sum()
    assert global_mean == pytest.approx(SOLAR_CONSTANT / 4, rel=0.01)


# --- physical plausibility -----------------------------------------------------------------
def test_tas_ranges_are_earth_like(medium: xr.Dataset) -> None:
    tas = medium.tas
    weights = np.cos(np.deg2rad(medium.lat))
    assert 225.0 < float(tas.min()) and float(tas.max()) < 320.0
    assert 283.0 < float(tas.weighted(weights).mean()) < 293.0
    tropics = float(tas.where(np.abs(medium.lat) < 20).mean())
    assert 292.0 < tropics < 302.0


def test_land_has_a_larger_seasonal_cycle_than_ocean(medium: xr.Dataset) -> None:
    climatology = medium.tas.groupby("time.month").mean()
    amplitude = climatology.max("month") - climatology.min("month")
    band = (np.abs(medium.lat) >= 30) & (np.abs(medium.lat) <= 70)
    land = amplitude.where(band & (medium.sftlf == 100))
    ocean = amplitude.where(band & (medium.sftlf == 0))
    assert land.count() > 20 and ocean.count() > 20
    assert float(land.mean()) > 2.0 * float(ocean.mean())


def test_tas_decreases_with_altitude(medium: xr.Dataset) -> None:
    # Regress time-mean tas on altitude with latitude, land and cloud as controls.
    mean_tas = medium.tas.mean("time").values.ravel()
    latitude = np.broadcast_to(medium.lat.values[:, None], medium.orog.shape).ravel()
    controls = np.column_stack([
        medium.orog.values.ravel(), np.cos(np.deg2rad(latitude)), np.abs(latitude),
        medium.sftlf.values.ravel(), medium.clt.mean("time").values.ravel(),
        np.ones_like(latitude)])
    coefficients, *_ = np.linalg.lstsq(controls, mean_tas, rcond=None)
    assert -0.009 < coefficients[0] < -0.004  # K per m, around the -6.5 K/km lapse rate


def test_lapse_rate_term_is_exact() -> None:
    grid = sample.regular_grid(resolution=30.0)
    surface = sample.synthetic_surface(grid, rng=np.random.default_rng(3))
    higher = sample.Surface(land_fraction=surface.land_fraction,
                            altitude=surface.altitude + 1000.0,
                            area_weights=surface.area_weights)
    latitude = grid.lat[None, :, None]
    insolation = sample.toa_daily_insolation(latitude, sample.mid_month_days()[:, None, None])
    inputs = (insolation, insolation, np.full((12, 6, 12), 0.5), np.full((12, 6, 12), 0.4),
              latitude)
    difference = (sample.equilibrium_temperature(*inputs, surface)
                  - sample.equilibrium_temperature(*inputs, higher))
    np.testing.assert_allclose(difference, 6.5, rtol=1e-9)


def test_tas_noise_has_the_documented_std(small_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    grid = sample.regular_grid(resolution=10.0)
    surface = sample.synthetic_surface(
        grid, rng=np.random.default_rng([0, sample._SURFACE_STREAM]))
    monkeypatch.setattr(sample, "TAS_NOISE_STD", 0.0)  # same draws, scaled to zero
    noise_free = np.concatenate([sample.year_fields(year, grid=grid, surface=surface,
                                                    seed=0)["tas"] for year in (0, 1)])
    noise = read_raw(small_path)["tas"] - noise_free
    assert abs(noise.mean()) < 0.03
    assert noise.std() == pytest.approx(0.7, rel=0.03)


# --- the relationship is nonlinear ---------------------------------------------------------
def predictor_matrix(dataset: xr.Dataset) -> np.ndarray:
    """Standardised [rsdt, orog, sftlf, clt, lat, sin d, cos d], one row per cell and month."""
    shape = dataset.tas.shape
    day = 2 * np.pi * (dataset.time.dt.dayofyear.values - 1) / 365
    columns = [dataset.rsdt.values, dataset.orog.values[None], dataset.sftlf.values[None],
               dataset.clt.values, dataset.lat.values[None, :, None],
               np.sin(day)[:, None, None], np.cos(day)[:, None, None]]
    matrix = np.column_stack([np.broadcast_to(c, shape).ravel() for c in columns])
    return (matrix - matrix.mean(axis=0)) / matrix.std(axis=0)


def least_squares_mse(features: np.ndarray, target: np.ndarray) -> float:
    """Residual mean squared error of an ordinary least-squares fit with intercept."""
    design = np.column_stack([features, np.ones(len(features))])
    coefficients, *_ = np.linalg.lstsq(design, target, rcond=None)
    return float(np.mean((design @ coefficients - target) ** 2))


def test_linear_fit_leaves_much_more_than_noise(medium: xr.Dataset) -> None:
    features, target = predictor_matrix(medium), medium.tas.values.ravel().astype(np.float64)
    linear = least_squares_mse(features, target)
    noise_variance = sample.TAS_NOISE_STD**2
    assert linear > 4.0 * noise_variance
    # A nonlinear model (all pairwise products) does far better than the linear one.
    rows, cols = np.triu_indices(features.shape[1])
    quadratic = np.column_stack([features, features[:, rows] * features[:, cols]])
    assert least_squares_mse(quadratic, target) < 0.5 * linear


# --- arguments and atomic writes ------------------------------------------------------------
@pytest.mark.parametrize("arguments", [
    pytest.param({"years": 0}, id="zero-years"),
    pytest.param({"years": -3}, id="negative-years"),
    pytest.param({"years": 1.5}, id="fractional-years"),
    pytest.param({"resolution": 0.0}, id="zero-resolution"),
    pytest.param({"resolution": -5.0}, id="negative-resolution"),
    pytest.param({"resolution": 7.0}, id="resolution-not-dividing-180"),
    pytest.param({"resolution": 200.0}, id="resolution-too-coarse"),
    pytest.param({"resolution": float("nan")}, id="nan-resolution"),
    pytest.param({"resolution": "5"}, id="string-resolution"),
    pytest.param({"seed": -1}, id="negative-seed"),
    pytest.param({"start_year": 0}, id="year-zero"),
])
def test_bad_arguments_raise_climann_error(tmp_path: Path, arguments: dict) -> None:
    with pytest.raises(ClimannError) as raised:
        write_sample_dataset(tmp_path / "sample.nc", **arguments)
    assert "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_missing_directory_raises_climann_error(tmp_path: Path) -> None:
    with pytest.raises(ClimannError, match="does not exist"):
        write_sample_dataset(tmp_path / "nowhere" / "sample.nc", years=1, resolution=30.0)


def test_directory_as_path_raises_climann_error(tmp_path: Path) -> None:
    with pytest.raises(ClimannError, match="is a directory"):
        write_sample_dataset(tmp_path, years=1, resolution=30.0)


def test_success_leaves_only_the_final_file(tmp_path: Path) -> None:
    path = write_sample_dataset(str(tmp_path / "sample.nc"), years=1, resolution=30.0)
    assert path == tmp_path / "sample.nc"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample.nc"]


def test_failure_leaves_no_temporary_and_keeps_old_file(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "sample.nc"
    target.write_bytes(b"previous contents")
    real_year_fields = sample.year_fields

    def failing_year_fields(year_index: int, **keywords: object) -> dict[str, np.ndarray]:
        if year_index == 1:
            raise RuntimeError("simulated crash in the middle of the write")
        return real_year_fields(year_index, **keywords)

    monkeypatch.setattr(sample_data, "year_fields", failing_year_fields)
    with pytest.raises(RuntimeError, match="simulated crash"):
        write_sample_dataset(target, years=3, resolution=30.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample.nc"]
    assert target.read_bytes() == b"previous contents"


# --- chunked writing -----------------------------------------------------------------------
def test_each_year_is_computed_once_with_twelve_steps(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, tuple[int, ...]]] = []
    real_year_fields = sample.year_fields

    def recording_year_fields(year_index: int, **keywords: object) -> dict[str, np.ndarray]:
        fields = real_year_fields(year_index, **keywords)
        calls.append((year_index, fields["tas"].shape))
        return fields

    monkeypatch.setattr(sample_data, "year_fields", recording_year_fields)
    write_sample_dataset(tmp_path / "sample.nc", years=4, resolution=30.0)
    assert calls == [(year, (12, 6, 12)) for year in range(4)]


def peak_traced_memory(path: Path, *, years: int) -> int:
    tracemalloc.start()
    try:
        write_sample_dataset(path, years=years, resolution=5.0)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_years(tmp_path: Path) -> None:
    peak_traced_memory(tmp_path / "warm-up.nc", years=1)  # one-time allocations
    one_year = peak_traced_memory(tmp_path / "one.nc", years=1)
    eight_years = peak_traced_memory(tmp_path / "eight.nc", years=8)
    # Holding all years at once would need about 8 × the one-year arrays.
    assert eight_years < 1.3 * one_year
