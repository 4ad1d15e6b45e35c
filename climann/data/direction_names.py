"""The CF standard names, long-name words and variable names that say a direction, an angle on
a circle (a wind's, a current's, the waves'): the tables :mod:`climann.data.circular` reads a
variable's attributes with, and :mod:`climann.data.spectral_axes` a coordinate's. Kept apart
from both so that the coordinate finder (:mod:`climann.data.coords`) can read them without the
units registry."""

from __future__ import annotations

import re

__all__ = ["DIRECTION_NAMES", "DIRECTION_STANDARD_NAME", "DIRECTION_WORDS", "SPREAD_WORDS"]

#: CF standard names of directions (standard name table v93): the from/to direction families, a
#: name beginning ``direction_of_`` or ending in ``_direction``, any azimuth, a platform's course,
#: orientation and yaw; not a derivative, a probability distribution or a rate of one.
DIRECTION_STANDARD_NAME = re.compile(
    r"(?!.*(?:derivative_of|probability_distribution|_rate))"
    r"(?:.*(?:^|_)(?:from|to)_direction(?:_.*)?|(?:to_|from_)?direction_of_.*|.*_direction|.*azimuth.*"
    r"|platform_(?:course|orientation|yaw(?:_fore_(?:port|starboard))?))")
#: Words of a ``long_name`` that say a direction ("10 metre wind direction", "Mean direction of
#: total swell", "solar azimuth", "slope aspect"); not "directional" (a spread).
DIRECTION_WORDS = re.compile(r"(?<![a-z])(?:direction|azimuth|bearing|heading|aspect)s?(?![a-z])", re.IGNORECASE)
#: Variable names (any case) of directions: a ``dir`` in it (``wdir``, WaveWatch III's ``dir``,
#: ``pdir``), an azimuth, bearing or heading; ERA5's wave and wind directions ``mwd``, ``mwd1``…,
#: ``mdww``, ``mdts``, ``dwi``, WaveWatch III's peak direction ``dp`` and ``th1m``/``th1p``, the
#: WMO's ``dd`` and ``wd``.
DIRECTION_NAMES = re.compile(r".*(?:dir|azimuth|bearing|heading).*|mwd\d?|mdww|mdts|mdps|dwi|dp|th1[mp]|dd|wd",
                             re.IGNORECASE)
#: Words that say a width or spread of directions (``dirspr``, "directional width"), no direction.
SPREAD_WORDS = re.compile(r"spr|spread|width|std|deviation|variance", re.IGNORECASE)
