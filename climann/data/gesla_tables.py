"""GESLA-3 tide-gauge text files given as data: recognised, and the line of pandas that writes a CF
station NetCDF file offered.

GESLA-3 (Global Extreme Sea Level Analysis, version 3; Haigh et al. 2023, "GESLA Version 3: a major
update to the global higher-frequency sea-level dataset", Geoscience Data Journal; its user manual,
gesla787883612.wordpress.com) distributes one text file per record, named after it without an
extension (``honolulu-057-usa-uhslc``): a header of ``#`` lines, each a key and its value
(``# SITE NAME Honolulu``, ``# LATITUDE 21.306700``, ``# LONGITUDE -157.867000``, ``# NULL VALUE
-99.9999``, ``# TIME ZONE HOURS 0`` …), then one line per reading: the date ``YYYY/MM/DD``, the time
``HH:MM:SS``, the sea level in metres, GESLA's quality-control flag and its use flag (1 use the
value, 0 do not).

climann refused such a file as "not a readable NetCDF file (truncated or another format)"
(break47c A3). :func:`gesla_table_message` names the format and gives a line of pandas and xarray
that writes a CF timeSeries NetCDF file (CF 1.8 §9): the null value read as missing (NaN), the
readings dated in UTC (the header's time zone taken off), the position and the site's name from the
header, ``qc_flag`` and ``use_flag`` kept beside ``sea_level`` (left out of the default predictors as
data about the sea level's quality, :mod:`climann.data.ancillary`).
"""

from __future__ import annotations

import re
from pathlib import Path

from climann.data.flux_tables import text_head_lines
from climann.data.shell import copy_path, python_command, shown_path, whole_write

__all__ = ["GESLA_HEADER_KEYS", "gesla_table_message"]

#: Header keys every GESLA-3 file gives, as ``# KEY value`` lines.
GESLA_HEADER_KEYS = ("LATITUDE", "LONGITUDE", "NULL VALUE")

#: A reading: date, time, sea level, quality-control flag, use flag.
_READING = re.compile(r"^\d{4}/\d{2}/\d{2}\s+\d{2}:\d{2}:\d{2}\s+-?\d+(?:\.\d+)?\s+\d+\s+\d+$")


#: The header keys the written copy reads (GESLA-3 user manual, "File format").
_KEYS = "SITE NAME|LATITUDE|LONGITUDE|NULL VALUE|TIME ZONE HOURS"


def _header(lines: list[str]) -> dict[str, str]:
    """The ``# KEY value`` lines of :data:`_KEYS` as a mapping (the value stripped)."""
    found = {}
    for line in lines:
        said = re.match(rf"^#\s*({_KEYS})\s+(\S.*)$", line)
        if said:
            found[said.group(1)] = said.group(2).strip()
    return found


def gesla_table_message(path: Path) -> str | None:
    """One line for a GESLA-3 text file given as data (see the module's description), with the line
    of Python that writes it as a CF station NetCDF file; None for any other file.

    Parameters
    ----------
    path : Path
        The file given as data; only its first 4 KiB are read.

    Returns
    -------
    str or None

    Examples
    --------
    >>> gesla_table_message(Path("honolulu-057-usa-uhslc"))  # doctest: +SKIP
    "honolulu-057-usa-uhslc is a GESLA-3 tide-gauge text file (…), not NetCDF: …"
    """
    lines = text_head_lines(path)
    if not lines:
        return None
    header = _header([line for line in lines if line.startswith("#")])
    readings = [line for line in lines if not line.startswith("#")]
    if not all(key in header for key in GESLA_HEADER_KEYS) or not readings \
            or not all(_READING.match(line) for line in readings):
        return None
    code = ("import sys,numpy as np,pandas as pd,xarray as xr;"
            f"K={_KEYS.split('|')!r};L=[l.strip() for l in open(sys.argv[1]) if l.strip()];"
            "h={k:l[1:].strip()[len(k):].strip() for l in L if l.startswith('#') for k in K "
            "if l[1:].strip().startswith(k)};"
            "t=pd.DataFrame([l.split()[:5] for l in L if not l.startswith('#')],"
            "columns=['date','hour','sea_level','qc_flag','use_flag']);"
            "z=float(h.get('TIME ZONE HOURS','0').split()[0]);"
            "s=pd.to_datetime(t.date+' '+t.hour,format='%Y/%m/%d %H:%M:%S')-pd.Timedelta(hours=z);"
            "v=t.sea_level.astype('f8');v[np.isclose(v,float(h['NULL VALUE'].split()[0]))]=np.nan;"
            "a=lambda k,u,n:((),float(h[k].split()[0]),dict(units=u,standard_name=n));"
            "d=xr.Dataset(dict(sea_level=('time',v.to_numpy(),dict(units='m',"
            "standard_name='sea_surface_height_above_reference_datum',long_name='sea level')),"
            "qc_flag=('time',t.qc_flag.astype('i1').to_numpy(),dict(long_name='GESLA quality-control flag')),"
            "use_flag=('time',t.use_flag.astype('i1').to_numpy(),"
            "dict(long_name='GESLA use flag (1 use, 0 do not use)'))),"
            "coords=dict(time=('time',s.to_numpy(),dict(standard_name='time')),"
            "lat=a('LATITUDE','degrees_north','latitude'),lon=a('LONGITUDE','degrees_east','longitude')),"
            "attrs=dict(featureType='timeSeries',Conventions='CF-1.8',"
            "site_name=h.get('SITE NAME',''),source='GESLA-3 '+sys.argv[1]));"
            f"{whole_write()}")
    copy = shown_path(copy_path(path, "netcdf"))
    site = f" ({header['SITE NAME']})" if header.get("SITE NAME") else ""
    return (f"{path.name} is a GESLA-3 tide-gauge text file{site} (# header with LATITUDE, LONGITUDE, NULL VALUE "
            f"{header['NULL VALUE']}; date, time, sea level in m, qc flag, use flag), not NetCDF, which climann "
            f"reads; write it as a CF station NetCDF file (dated in UTC, the null value missing, the flags kept "
            f"beside the sea level): `{python_command(code)} {shown_path(path)} {copy}`, and give that file")
