"""Spectral coordinates: the frequency, direction and wavenumber axes of a spectrum, never a
latitude or longitude, whatever their ``axis`` attribute says.

WAVEWATCH III's point spectra (``ww3_ounp``) hold ``efth(time, station, frequency, direction)``
and write ``frequency:axis = "Y"`` and ``direction:axis = "X"`` (or ``"Z"``) beside
``station:axis = "X"``; the direction's units are ``degree``. Read by its ``axis`` and its
units of degrees, the direction was the grid's longitude (24 bins, 0…345, a "1×24 grid") beside
the buoy's real longitude, and ``--region`` picked direction bins (break43c A3). A coordinate is
spectral (:func:`spectral_reading`):

- by its CF ``standard_name``: a frequency (``sea_surface_wave_frequency``, ``radiation_frequency``,
  ``wave_frequency``, ``sound_frequency``…, :data:`SPECTRAL_STANDARD_NAMES`), a wavelength, a
  wavenumber, a sensor's band, or a direction
  (:data:`~climann.data.direction_names.DIRECTION_STANDARD_NAME`: ``sea_surface_wave_to_direction``,
  ``sea_surface_wave_from_direction``, ``wind_from_direction``, ``sea_water_velocity_to_direction``);
- by its ``units``, for a frequency only (:data:`FREQUENCY_UNITS`: UDUNITS-2's ``Hz``, ``s-1``,
  ``1/s``; CF 1.8 §3.1): units of degrees say no direction, a longitude has them too;
- by its ``long_name`` (:data:`SPECTRAL_WORDS`, :data:`~climann.data.direction_names.DIRECTION_WORDS`:
  WAVEWATCH III's "frequency of center band", "sea surface wave to direction"), unless the
  long_name also says latitude or longitude or the units are a distance (a projection's x "in the
  east direction"); a direction so only in units of angle or none, and not a spread of directions
  ("directional width").

A coordinate that says it is a latitude or a longitude (by CF ``standard_name`` or units such as
``degrees_east``, cf_xarray's criteria) is never spectral. A spectral axis is an extra dimension
of the variables along it, chosen with ``--select`` or refused in one line as any other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cf_xarray.criteria import coordinate_criteria

from climann.data.direction_names import DIRECTION_STANDARD_NAME, DIRECTION_WORDS, SPREAD_WORDS
from climann.data.standard_name_aliases import current_standard_name
from climann.data.standard_names import standard_name_of

__all__ = ["FREQUENCY_STANDARD_NAMES", "FREQUENCY_UNITS", "SPECTRAL_STANDARD_NAMES", "SPECTRAL_WORDS",
           "is_frequency", "is_spectral", "spectral_reading"]

#: CF standard names of a frequency (and WAVEWATCH III's ``sea_surface_wave_frequency``).
FREQUENCY_STANDARD_NAMES = ("sea_surface_wave_frequency", "radiation_frequency",
                            "sensor_band_central_radiation_frequency", "wave_frequency", "sound_frequency")
#: Units in UDUNITS spellings of 1/s (UDUNITS-2: ``Hz``, ``s-1``, ``1/s``; CF 1.8 §3.1).
FREQUENCY_UNITS = ("hz", "hertz", "s-1", "s^-1", "s**-1", "1/s", "/s", "second-1", "seconds-1", "sec-1")
#: CF standard names (table v93) of a spectrum's axes other than its directions: kind → names.
SPECTRAL_STANDARD_NAMES: dict[str, tuple[str, ...]] = {
    "frequency": FREQUENCY_STANDARD_NAMES,
    "wavelength": ("radiation_wavelength", "sensor_band_central_radiation_wavelength"),
    "wavenumber": ("radiation_wavenumber", "sensor_band_central_radiation_wavenumber", "sea_surface_wave_wavenumber"),
    "spectral band": ("sensor_band_identifier",),
}
#: Words of a ``long_name`` that say a spectral axis: kind → pattern (any case).
SPECTRAL_WORDS: dict[str, re.Pattern] = {
    "frequency": re.compile(r"(?<![a-z])frequenc(?:y|ies)(?![a-z])", re.IGNORECASE),
    "wavelength": re.compile(r"(?<![a-z])wave[\s_-]?lengths?(?![a-z])", re.IGNORECASE),
    "wavenumber": re.compile(r"(?<![a-z])wave[\s_-]?numbers?(?![a-z])", re.IGNORECASE),
    "spectral band": re.compile(r"(?<![a-z])spectral[\s_-]+(?:band|bin|component)s?(?![a-z])", re.IGNORECASE),
}
#: Words that say a position on the Earth: a long_name holding one is no spectral axis's.
_POSITION_WORDS = re.compile(r"(?<![a-z])(?:latitude|longitude)s?(?![a-z])", re.IGNORECASE)
#: CF standard names and units of a latitude or longitude (cf_xarray's criteria, CF 1.8 §4.1).
_POSITION_STANDARD_NAMES = ("latitude", "longitude", "grid_latitude", "grid_longitude")
#: Units of a distance: an axis in them is a map projection's, whatever its long_name says.
_DISTANCE_UNITS = ("m", "km", "metre", "metres", "meter", "meters", "kilometre", "kilometres", "kilometer",
                   "kilometers")
_POSITION_UNITS = frozenset(coordinate_criteria["latitude"]["units"] + coordinate_criteria["longitude"]["units"])


def _units_text(attrs: Mapping) -> str:
    return str(attrs.get("units", "")).strip().lower().replace(" ", "")


def spectral_reading(attrs: Mapping) -> tuple[str, str] | None:
    """Which spectral axis a coordinate is and what says so (see the module), or None.

    Parameters
    ----------
    attrs : mapping
        The coordinate's attributes (``standard_name``, ``units``, ``long_name``).

    Returns
    -------
    (str, str) or None
        The kind (``"frequency"``, ``"direction"``, ``"wavelength"``, ``"wavenumber"`` or
        ``"spectral band"``) and the evidence as a message writes it (``"its standard_name
        'sea_surface_wave_to_direction'"``, ``"its units 's-1'"``, ``"its long_name 'frequency of
        center band'"``); None for a coordinate that is none of them or says it is a position.

    Examples
    --------
    >>> spectral_reading({"standard_name": "sea_surface_wave_to_direction", "units": "degree", "axis": "X"})
    ('direction', "its standard_name 'sea_surface_wave_to_direction'")
    >>> spectral_reading({"units": "degree", "axis": "X"}) is None
    True
    """
    standard_name = current_standard_name(standard_name_of(attrs))
    if standard_name in _POSITION_STANDARD_NAMES or str(attrs.get("units", "")).strip() in _POSITION_UNITS:
        return None
    said = f"its standard_name '{standard_name}'"
    if standard_name:
        for kind, names in SPECTRAL_STANDARD_NAMES.items():
            if standard_name in names:
                return kind, said
        if DIRECTION_STANDARD_NAME.fullmatch(standard_name):
            return "direction", said
    if _units_text(attrs) in FREQUENCY_UNITS:
        return "frequency", f"its units '{attrs.get('units')}'"
    long_name = str(attrs.get("long_name", "")).strip()
    units = _units_text(attrs)
    if not long_name or _POSITION_WORDS.search(long_name) or units in _DISTANCE_UNITS:
        return None  # a projection's x "in the east direction" (metres) is a map axis
    said = f"its long_name '{long_name}'"
    angle = not units or units.startswith("deg") or units.startswith("rad") or units.startswith("°")
    if angle and DIRECTION_WORDS.search(long_name) and not SPREAD_WORDS.search(long_name):
        return "direction", said
    return next(((kind, said) for kind, words in SPECTRAL_WORDS.items() if words.search(long_name)), None)


def is_spectral(attrs: Mapping) -> bool:
    """Whether a coordinate is a spectrum's frequency, direction, wavelength, wavenumber or band
    (:func:`spectral_reading`): never a latitude or longitude, whatever its ``axis``."""
    return spectral_reading(attrs) is not None


def is_frequency(attrs: Mapping) -> bool:
    """Whether a coordinate is a frequency by its CF ``standard_name``, ``units`` or ``long_name``
    (:func:`spectral_reading`).

    Examples
    --------
    >>> is_frequency({"units": "s-1", "axis": "Y"})
    True
    """
    reading = spectral_reading(attrs)
    return reading is not None and reading[0] == "frequency"
