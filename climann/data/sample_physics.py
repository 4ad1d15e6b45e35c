"""The physics of the synthetic sample planet: grid, astronomy, continents, clouds, temperature.

Every formula of the sample lives here, one small function each; ``sample_data`` writes the
results as a CF-1.8 file. ``tas`` is a *nonlinear* function of the predictors: absorbed
sunlight (surface and cloud albedo), thermal inertia of land and ocean, heat transport towards
the global mean, T = (F / (ε σ))^¼, evaporative and lapse-rate cooling, a trend and noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# --- physical constants and the knobs of the synthetic climate --------------------------
SOLAR_CONSTANT = 1361.0  # S0, W m-2
STEFAN_BOLTZMANN = 5.670374419e-8  # σ, W m-2 K-4
EFFECTIVE_EMISSIVITY = 0.6  # ε of a one-layer greenhouse atmosphere
DAYS_PER_YEAR = 365  # the noleap calendar
MONTH_LENGTHS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
LAND_LAG_DAYS, OCEAN_LAG_DAYS = 15.0, 60.0  # thermal inertia: phase lag behind the Sun
LAND_SEASONAL_FACTOR, OCEAN_SEASONAL_FACTOR = 0.85, 0.3  # share of the seasonal cycle felt
HEAT_TRANSPORT_COEFFICIENT = 0.55  # k: fraction of the gap to the global mean closed
CLOUD_ALBEDO = 0.35  # reflectivity of a full cloud cover
LAPSE_RATE = 6.5e-3  # K m-1
WARMING_TREND = 0.02  # K per year
EVAPORATIVE_COOLING_MAX = 4.0  # K per unit wetness above half-wet, at 250 W m-2 absorbed
SOIL_WATER_CAPACITY = 800.0  # kg m-2
TAS_NOISE_STD = 0.7  # K, standard deviation of the Gaussian noise added to tas
CLOUD_ANOMALY_STD = 0.12  # cloud-fraction units, on the coarse noise grid
LAND_FRACTION_TARGET = 0.3  # share of the globe that is land
FILL_VALUE = np.float32(1e20)
# Stream id for the static surface fields; year streams use 0 … years-1 and never meet it.
_SURFACE_STREAM = 2**32 - 1


@dataclass(frozen=True)
class Grid:
    """A regular latitude-longitude grid and its cell bounds, all in degrees."""

    lat: np.ndarray  # (n_lat,) ascending centres
    lon: np.ndarray  # (n_lon,) centres in 0…360
    lat_bounds: np.ndarray  # (n_lat, 2)
    lon_bounds: np.ndarray  # (n_lon, 2)


@dataclass(frozen=True)
class Surface:
    """The static fields of the synthetic planet."""

    land_fraction: np.ndarray  # (n_lat, n_lon), 0…1
    altitude: np.ndarray  # (n_lat, n_lon), m, 0 over ocean
    area_weights: np.ndarray  # (n_lat, n_lon), sums to 1


# --- grid and calendar ---------------------------------------------------------------------
def regular_grid(*, resolution: float) -> Grid:
    """Cell centres and bounds of a regular grid with square cells of ``resolution`` degrees.

    lat = -90 + r/2, …, 90 - r/2 (n_lat = 180/r); lon = r/2, …, 360 - r/2 (n_lon = 360/r);
    bounds are centre ± r/2, shapes (n_lat, 2) and (n_lon, 2).
    """
    n_lat = round(180.0 / resolution)
    lat_edges = np.linspace(-90.0, 90.0, n_lat + 1)
    lon_edges = np.linspace(0.0, 360.0, 2 * n_lat + 1)
    lat_bounds = np.stack([lat_edges[:-1], lat_edges[1:]], axis=1)
    lon_bounds = np.stack([lon_edges[:-1], lon_edges[1:]], axis=1)
    return Grid(lat=lat_bounds.mean(axis=1), lon=lon_bounds.mean(axis=1),
                lat_bounds=lat_bounds, lon_bounds=lon_bounds)


def cell_area_weights(grid: Grid) -> np.ndarray:
    """Normalised areas of the cells: w_ij ∝ sin(φ_north,i) - sin(φ_south,i), Σ w = 1.

    Returns an array of shape (n_lat, n_lon).
    """
    band = np.diff(np.sin(np.deg2rad(grid.lat_bounds)), axis=1)  # (n_lat, 1)
    weights = np.broadcast_to(band, (grid.lat.size, grid.lon.size))
    return weights / weights.sum()


def month_bounds(*, years: int) -> np.ndarray:
    """Start and end of every month in days since 1 January of the first year (noleap).

    Returns an array of shape (12 years, 2).
    """
    month_ends = np.cumsum(MONTH_LENGTHS)
    one_year = np.stack([month_ends - MONTH_LENGTHS, month_ends], axis=1)
    year_starts = DAYS_PER_YEAR * np.arange(years)
    return (year_starts[:, None, None] + one_year[None]).reshape(-1, 2).astype(np.float64)


def mid_month_days() -> np.ndarray:
    """Day of year at the middle of each month: days since 1 January 00:00, shape (12,)."""
    return month_bounds(years=1).mean(axis=1)


# --- astronomy -----------------------------------------------------------------------------
def _year_angle(day_of_year: np.ndarray) -> np.ndarray:
    """Γ = 2π d / 365 with d the (fractional) days since 1 January 00:00."""
    return 2.0 * np.pi * np.asarray(day_of_year, dtype=np.float64) / DAYS_PER_YEAR


def solar_declination(day_of_year: np.ndarray) -> np.ndarray:
    """Spencer (1971) declination δ in radians, same shape as ``day_of_year``.

    δ = 0.006918 - 0.399912 cos Γ + 0.070257 sin Γ - 0.006758 cos 2Γ + 0.000907 sin 2Γ
        - 0.002697 cos 3Γ + 0.00148 sin 3Γ,  Γ = 2π d / 365.
    """
    g = _year_angle(day_of_year)
    return (0.006918 - 0.399912 * np.cos(g) + 0.070257 * np.sin(g)
            - 0.006758 * np.cos(2 * g) + 0.000907 * np.sin(2 * g)
            - 0.002697 * np.cos(3 * g) + 0.00148 * np.sin(3 * g))


def eccentricity_factor(day_of_year: np.ndarray) -> np.ndarray:
    """Spencer (1971) (d̄/d)², the inverse squared Earth-Sun distance in mean units.

    (d̄/d)² = 1.000110 + 0.034221 cos Γ + 0.001280 sin Γ + 0.000719 cos 2Γ + 0.000077 sin 2Γ.
    """
    g = _year_angle(day_of_year)
    return (1.000110 + 0.034221 * np.cos(g) + 0.001280 * np.sin(g)
            + 0.000719 * np.cos(2 * g) + 0.000077 * np.sin(2 * g))


def toa_daily_insolation(latitude: np.ndarray, day_of_year: np.ndarray) -> np.ndarray:
    """Daily-mean top-of-atmosphere insolation Q in W m-2.

    Q = (S0/π) (d̄/d)² (h0 sin φ sin δ + cos φ cos δ sin h0),
    cos h0 = -tan φ tan δ, clipped to [-1, 1] (h0 = π polar day, h0 = 0 polar night).

    Parameters
    ----------
    latitude : array
        φ in degrees north, strictly inside (-90, 90); broadcasts with ``day_of_year``.
    day_of_year : array
        Days since 1 January 00:00 on a 365-day year (fractional; periodic).

    Returns
    -------
    numpy.ndarray
        Q with the broadcast shape of the two inputs.
    """
    phi = np.deg2rad(latitude)
    delta = solar_declination(day_of_year)
    cos_h0 = np.clip(-np.tan(phi) * np.tan(delta), -1.0, 1.0)
    h0 = np.arccos(cos_h0)
    geometry = h0 * np.sin(phi) * np.sin(delta) + np.cos(phi) * np.cos(delta) * np.sin(h0)
    return SOLAR_CONSTANT / np.pi * eccentricity_factor(day_of_year) * geometry


def annual_mean_insolation(latitude: np.ndarray) -> np.ndarray:
    """Q̄(φ) = (1/365) Σ_d Q(φ, d + ½) over the days of the year; shape of ``latitude``."""
    days = np.arange(DAYS_PER_YEAR) + 0.5
    latitude = np.asarray(latitude, dtype=np.float64)
    return toa_daily_insolation(latitude[..., None], days).mean(axis=-1)


# --- synthetic continents --------------------------------------------------------------------
def great_circle_angle(latitude: np.ndarray, longitude: np.ndarray, centre_latitude: float,
                       centre_longitude: float) -> np.ndarray:
    """Angle θ (radians) between points and a centre, by the spherical law of cosines.

    cos θ = sin φ sin φ_c + cos φ cos φ_c cos(λ - λ_c); degrees in, broadcast shape out.
    """
    phi, phi_c = np.deg2rad(latitude), np.deg2rad(centre_latitude)
    cosine = (np.sin(phi) * np.sin(phi_c)
              + np.cos(phi) * np.cos(phi_c) * np.cos(np.deg2rad(longitude - centre_longitude)))
    return np.arccos(np.clip(cosine, -1.0, 1.0))


def gaussian_blobs(latitude: np.ndarray, longitude: np.ndarray, centres: np.ndarray,
                   widths: np.ndarray, amplitudes: np.ndarray) -> np.ndarray:
    """Sum of Gaussian bumps on the sphere: B = Σ_k a_k exp(-θ_k² / (2 w_k²)).

    θ_k is the great-circle angle to centre k. ``latitude`` (n_lat, 1) and ``longitude``
    (1, n_lon) in degrees; ``centres`` (K, 2) as (latitude, longitude) in degrees; ``widths``
    (radians) and ``amplitudes`` (K,). Returns (n_lat, n_lon); one bump at a time keeps memory
    at a few fields however many bumps there are.
    """
    total = np.zeros(np.broadcast_shapes(np.shape(latitude), np.shape(longitude)))
    for (centre_lat, centre_lon), width, amplitude in zip(centres, widths, amplitudes):
        angle = great_circle_angle(latitude, longitude, centre_lat, centre_lon)
        total += amplitude * np.exp(-(angle**2) / (2.0 * width**2))
    return total


def random_sphere_points(*, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` points uniform on the sphere, (count, 2) as (latitude, longitude) in degrees.

    φ = arcsin(U(-1, 1)), λ = U(0, 360): uniform in sin φ gives equal area per point.
    """
    latitude = np.rad2deg(np.arcsin(rng.uniform(-1.0, 1.0, size=count)))
    return np.stack([latitude, rng.uniform(0.0, 360.0, size=count)], axis=1)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, quantile: float) -> float:
    """The value q with Σ w [v ≤ q] / Σ w ≈ ``quantile`` (values, weights: same shape)."""
    order = np.argsort(values, axis=None)
    cumulative = np.cumsum(weights.ravel()[order])
    index = np.searchsorted(cumulative, quantile * cumulative[-1])
    return float(values.ravel()[order][min(index, order.size - 1)])


def block_mean(field: np.ndarray, weights: np.ndarray, *, block: int) -> np.ndarray:
    """Weighted mean over ``block`` × ``block`` sub-cells: (b n_lat, b n_lon) → (n_lat, n_lon).

    mean_ij = Σ_sub w f / Σ_sub w over the sub-cells of cell (i, j).
    """
    n_lat, n_lon = field.shape[0] // block, field.shape[1] // block
    shape = (n_lat, block, n_lon, block)
    totals = (field * weights).reshape(shape).sum(axis=(1, 3))
    return totals / weights.reshape(shape).sum(axis=(1, 3))


def continent_field(latitude: np.ndarray, longitude: np.ndarray, *,
                    rng: np.random.Generator) -> np.ndarray:
    """Continentality c: ten seeded blobs (8–20° wide) plus an Antarctic cap; (n_lat, n_lon)."""
    centres = np.vstack([random_sphere_points(count=10, rng=rng), [[-90.0, 0.0]]])
    widths = np.deg2rad(np.append(rng.uniform(8.0, 20.0, size=10), 12.0))
    amplitudes = np.append(rng.uniform(0.8, 1.0, size=10), 1.0)
    return gaussian_blobs(latitude, longitude, centres, widths, amplitudes)


def mountain_heights(latitude: np.ndarray, longitude: np.ndarray, *,
                     rng: np.random.Generator) -> np.ndarray:
    """Mountains in metres: eight seeded blobs 3–8° wide, 1000–3500 m high; (n_lat, n_lon)."""
    centres = random_sphere_points(count=8, rng=rng)
    widths = np.deg2rad(rng.uniform(3.0, 8.0, size=8))
    heights = rng.uniform(1000.0, 3500.0, size=8)
    return gaussian_blobs(latitude, longitude, centres, widths, heights)


def synthetic_surface(grid: Grid, *, rng: np.random.Generator) -> Surface:
    """Land fraction and surface altitude of seeded continents, averaged from sub-cells.

    Each cell is split into b × b sub-cells (b = 2–4, sub-cells of at least ~0.25°, so
    memory stays a few fields at fine resolution); a sub-cell is land where the
    continentality c exceeds the area-weighted (1 - 0.3) quantile, so ~30 % of the globe is
    land and coastal cells get fractional ``land_fraction``. Sub-cell altitude is
    land × (plateau + mountains), plateau = 600 m (c - c_coast)/(max c - c_coast), so the
    cell-mean altitude is exactly 0 where a cell has no land.
    """
    resolution = grid.lat_bounds[0, 1] - grid.lat_bounds[0, 0]
    block = int(np.clip(round(resolution / 0.25), 2, 4))
    fine = regular_grid(resolution=resolution / block)
    latitude, longitude = fine.lat[:, None], fine.lon[None, :]
    weights = cell_area_weights(fine)
    continentality = continent_field(latitude, longitude, rng=rng)
    coast = weighted_quantile(continentality, weights, 1.0 - LAND_FRACTION_TARGET)
    land = (continentality > coast).astype(np.float64)
    plateau = 600.0 * (continentality - coast) / (continentality.max() - coast)
    altitude = land * (plateau + mountain_heights(latitude, longitude, rng=rng))
    return Surface(land_fraction=block_mean(land, weights, block=block),
                   altitude=block_mean(altitude, weights, block=block),
                   area_weights=cell_area_weights(grid))


# --- clouds and soil moisture ----------------------------------------------------------------
def cloud_climatology(latitude: np.ndarray, day_of_year: np.ndarray) -> np.ndarray:
    """Zonal-mean cloud fraction (0–1): cloudy ITCZ and storm tracks, clear subtropics.

    c = 0.45 + 0.30 exp(-((φ - φ_ITCZ)/10)²) + 0.35 exp(-((|φ| - 55)/15)²)
        - 0.15 exp(-((|φ| - 25)/8)²),  φ_ITCZ = 6° sin(2π (d - 100)/365);
    ``latitude`` (degrees) broadcasts with ``day_of_year``.
    """
    itcz = 6.0 * np.sin(2.0 * np.pi * (day_of_year - 100.0) / DAYS_PER_YEAR)
    distance = np.abs(latitude)
    return (0.45 + 0.30 * np.exp(-(((latitude - itcz) / 10.0) ** 2))
            + 0.35 * np.exp(-(((distance - 55.0) / 15.0) ** 2))
            - 0.15 * np.exp(-(((distance - 25.0) / 8.0) ** 2)))


def linear_interpolation_matrix(targets: np.ndarray, nodes: np.ndarray, *,
                                period: float | None = None) -> np.ndarray:
    """Matrix A (n_targets, n_nodes) with A @ v the piecewise-linear interpolant of v.

    Nodes are equally spaced and ascending; with ``period`` they wrap (node n-1 → node 0).
    """
    spacing = nodes[1] - nodes[0]
    position = (targets - nodes[0]) / spacing
    last = nodes.size - 1 if period is None else nodes.size
    left = np.clip(np.floor(position).astype(int), 0, last - 1)
    fraction = position - left
    matrix = np.zeros((targets.size, nodes.size))
    rows = np.arange(targets.size)
    np.add.at(matrix, (rows, left % nodes.size), 1.0 - fraction)
    np.add.at(matrix, (rows, (left + 1) % nodes.size), fraction)
    return matrix


def smooth_anomalies(grid: Grid, *, n_months: int, std: float,
                     rng: np.random.Generator) -> np.ndarray:
    """Large-scale weather: N(0, std²) noise on a 20° grid interpolated to ``grid``.

    anomaly_t = A_lat @ noise_t @ A_lonᵀ with noise_t : (10, 18) and A the linear
    interpolation matrices; returns shape (n_months, n_lat, n_lon). The coarse grid is fixed,
    so a seed gives the same weather pattern at every resolution.
    """
    lat_nodes, lon_nodes = np.linspace(-90.0, 90.0, 10), np.arange(0.0, 360.0, 20.0)
    noise = rng.normal(0.0, std, size=(n_months, lat_nodes.size, lon_nodes.size))
    to_lat = linear_interpolation_matrix(grid.lat, lat_nodes)
    to_lon = linear_interpolation_matrix(grid.lon, lon_nodes, period=360.0)
    return to_lat @ noise @ to_lon.T


def cloud_fraction(grid: Grid, day_of_year: np.ndarray, *,
                   rng: np.random.Generator) -> np.ndarray:
    """clt/100 = clip(climatology + smooth anomaly, 0, 1); shape (n_days, n_lat, n_lon)."""
    climatology = cloud_climatology(grid.lat[None, :, None], day_of_year[:, None, None])
    weather = smooth_anomalies(grid, n_months=day_of_year.size, std=CLOUD_ANOMALY_STD, rng=rng)
    return np.clip(climatology + weather, 0.0, 1.0)


def soil_wetness(cloud: np.ndarray, seasonal_insolation: np.ndarray) -> np.ndarray:
    """Relative soil wetness W = clip(0.1 + 0.8 c - 0.3 Q'/300, 0.02, 1) (0–1).

    Wetter under clouds (c = clt/100), drier when the land's effective insolation exceeds its
    annual mean (Q' in W m-2, summer drying). Shapes broadcast to (n_months, n_lat, n_lon).
    """
    return np.clip(0.1 + 0.8 * cloud - 0.3 * seasonal_insolation / 300.0, 0.02, 1.0)


# --- near-surface air temperature --------------------------------------------------------------
def effective_insolation(annual_mean: np.ndarray, lagged: np.ndarray,
                         seasonal_factor: float) -> np.ndarray:
    """Insolation felt through thermal inertia: Q_eff = Q̄ + g (Q(d - lag) - Q̄).

    g (0–1) is the share of the seasonal cycle a surface follows (large for land, small for
    the ocean's mixed layer); shapes broadcast.
    """
    return annual_mean + seasonal_factor * (lagged - annual_mean)


def polar_brightening(latitude: np.ndarray, *, onset: float, width: float) -> np.ndarray:
    """Snow and ice cover s = 1 / (1 + exp(-(|φ| - onset) / width)) (0–1), shape of φ."""
    return 1.0 / (1.0 + np.exp(-(np.abs(latitude) - onset) / width))


def surface_albedo(latitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Land and ocean albedo: α = α_bare + (α_ice - α_bare) s(φ); two arrays of φ's shape.

    Land: 0.15 → 0.65 with snow from ~55°; ocean: 0.06 → 0.50 with sea ice from ~65°.
    """
    land = 0.15 + 0.50 * polar_brightening(latitude, onset=55.0, width=6.0)
    ocean = 0.06 + 0.44 * polar_brightening(latitude, onset=65.0, width=4.0)
    return land, ocean


def absorbed_flux(insolation: np.ndarray, albedo: np.ndarray, cloud: np.ndarray) -> np.ndarray:
    """Absorbed shortwave F = Q (1 - α_surface)(1 - α_cloud c), W m-2; shapes broadcast."""
    return insolation * (1.0 - albedo) * (1.0 - CLOUD_ALBEDO * cloud)


def global_mean(field: np.ndarray, area_weights: np.ndarray) -> np.ndarray:
    """Area-weighted mean over the last two axes: Σ_ij w_ij f_tij, shape (n_t, 1, 1)."""
    return np.sum(field * area_weights, axis=(-2, -1), keepdims=True)


def heat_transport(flux: np.ndarray, global_flux: np.ndarray) -> np.ndarray:
    """Atmosphere and ocean carry heat down the gradient: F' = F + k (F̄ - F), k = 0.55."""
    return flux + HEAT_TRANSPORT_COEFFICIENT * (global_flux - flux)


def radiative_equilibrium_temperature(flux: np.ndarray) -> np.ndarray:
    """T = (F / (ε σ))^¼ in K for a surface under a one-layer greenhouse (ε = 0.6)."""
    return (flux / (EFFECTIVE_EMISSIVITY * STEFAN_BOLTZMANN)) ** 0.25


def evaporative_cooling(wetness: np.ndarray, flux: np.ndarray) -> np.ndarray:
    """Evaporative cooling ΔT = 4 K · (W - 0.5) · F / 250 W m-2, in K.

    Relative to half-wet soil: wet soil under strong sun evaporates and cools, dry soil puts
    its energy into sensible heat and warms (ΔT < 0). Shapes broadcast.
    """
    return EVAPORATIVE_COOLING_MAX * (wetness - 0.5) * flux / 250.0


def lapse_rate_cooling(altitude: np.ndarray) -> np.ndarray:
    """ΔT = Γ z with Γ = 6.5 K km-1 and z the surface altitude in m."""
    return LAPSE_RATE * altitude


def warming_trend(elapsed_years: np.ndarray) -> np.ndarray:
    """ΔT = 0.02 K yr-1 × years since the start of the file."""
    return WARMING_TREND * elapsed_years


def equilibrium_temperature(land_insolation: np.ndarray, ocean_insolation: np.ndarray,
                            cloud: np.ndarray, wetness: np.ndarray, latitude: np.ndarray,
                            surface: Surface) -> np.ndarray:
    """Noise-free, trend-free tas in K, shape (n_months, n_lat, n_lon).

    Per tile: F = absorbed_flux(Q_eff, α, c); F' = heat_transport(F, F̄) with F̄ the global
    mean of f F_land + (1 - f) F_ocean; T = radiative_equilibrium_temperature(F'), minus
    evaporative cooling on land. tas = f T_land + (1 - f) T_ocean - Γ z.
    ``latitude`` broadcasts as (1, n_lat, 1); f is the land fraction (0–1).
    """
    land_albedo, ocean_albedo = surface_albedo(latitude)
    land_flux = absorbed_flux(land_insolation, land_albedo, cloud)
    ocean_flux = absorbed_flux(ocean_insolation, ocean_albedo, cloud)
    fraction = surface.land_fraction
    mean_flux = global_mean(fraction * land_flux + (1.0 - fraction) * ocean_flux,
                            surface.area_weights)
    land = (radiative_equilibrium_temperature(heat_transport(land_flux, mean_flux))
            - evaporative_cooling(wetness, land_flux))
    ocean = radiative_equilibrium_temperature(heat_transport(ocean_flux, mean_flux))
    return fraction * land + (1.0 - fraction) * ocean - lapse_rate_cooling(surface.altitude)


def year_fields(year_index: int, *, grid: Grid, surface: Surface,
                seed: int) -> dict[str, np.ndarray]:
    """The time-varying fields of one year, each (12, n_lat, n_lon) float64.

    Random draws (cloud weather, then tas noise) come from default_rng([seed, year_index])
    only, so a year is the same whichever order the years are computed in.
    """
    rng = np.random.default_rng([seed, year_index])
    days = mid_month_days()[:, None, None]
    latitude = grid.lat[None, :, None]
    annual = annual_mean_insolation(latitude)
    land_lagged = toa_daily_insolation(latitude, days - LAND_LAG_DAYS)
    ocean_lagged = toa_daily_insolation(latitude, days - OCEAN_LAG_DAYS)
    land_q = effective_insolation(annual, land_lagged, LAND_SEASONAL_FACTOR)
    ocean_q = effective_insolation(annual, ocean_lagged, OCEAN_SEASONAL_FACTOR)
    cloud = cloud_fraction(grid, days[:, 0, 0], rng=rng)
    wetness = soil_wetness(cloud, land_q - annual)
    tas = equilibrium_temperature(land_q, ocean_q, cloud, wetness, latitude, surface)
    tas += warming_trend(year_index + days / DAYS_PER_YEAR)
    tas += rng.normal(0.0, TAS_NOISE_STD, size=tas.shape)
    has_land = surface.land_fraction > 0.0
    shape = tas.shape
    return {
        "tas": tas,
        "rsdt": np.broadcast_to(toa_daily_insolation(latitude, days), shape),
        "clt": 100.0 * cloud,
        "mrso": np.where(has_land, SOIL_WATER_CAPACITY * wetness, np.nan),
    }
