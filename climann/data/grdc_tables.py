"""GRDC station text files given as data: recognised, and the line of pandas that writes a CF station
NetCDF file offered.

The Global Runoff Data Centre (GRDC, Koblenz; "GRDC Data Portal", portal.grdc.bafg.de, its "Station
data file" format) distributes one text file per station and product, named after the station's
number (``6335020_Q_Day.Cmd.txt``, ``6335020_Q_Month.txt``): a header of ``#`` lines, each a key
and its value (``# GRDC-No.: 6335020``, ``# River: RHINE RIVER``, ``# Station: REES``, ``# Latitude
(DD): 51.756``, ``# Longitude (DD): 6.395``, ``# Catchment area (km²): 159300.0``, ``# Unit of
measure: m³/s``), a ``# DATA`` line, a line of column names (``YYYY-MM-DD;hh:mm; Value`` for daily
means, ``YYYY-MM-DD;hh:mm; Original; Calculated; Flag`` for monthly ones: the provider's monthly mean,
GRDC's mean of the daily values and the percentage of valid days behind it), then one
``;``-separated line per day or month, ``--:--`` for the time of day of a mean and ``-999.000`` for
a missing value. The header is in the portal's "DOS-ASCII", Latin-1 in practice (``²``, ``³``).

climann refused such a file as "not a readable NetCDF file (truncated or another format)" (break49c
A1: its ``#`` lines hid the table, its Latin-1 bytes the text). :func:`grdc_table_message` names the
format and gives a line of pandas and xarray that writes a CF timeSeries NetCDF file (CF 1.8 §9):
each value column as discharge in m³ s⁻¹ (``-999`` missing), ``time`` at the start of each day or
month with ``time_bnds`` to the next (the values are means over those periods), the station's
position, number, name and river from the header.
"""

from __future__ import annotations

import re
from pathlib import Path

from climann.data.flux_tables import text_head_lines
from climann.data.shell import copy_path, python_command, shown_path, whole_write

__all__ = ["GRDC_HEADER_KEYS", "grdc_table_message"]

#: Header keys every GRDC station file gives, as ``# KEY: value`` lines.
GRDC_HEADER_KEYS = ("GRDC-No.", "Latitude (DD)", "Longitude (DD)")

#: The line of column names: the date and time columns, then the values (GRDC station data file).
_COLUMNS = re.compile(r"^YYYY-MM-DD\s*;\s*hh:mm\s*(;\s*[A-Za-z]+\s*)+$")

#: A data line: the date (day ``00`` in some monthly files), the time or ``--:--``, numbers.
_ROW = re.compile(r"^\d{4}-\d{2}-\d{2}\s*;\s*(--:--|\d{2}:\d{2})\s*(;\s*-?\d+(\.\d*)?\s*)+$")


def _header(lines: list[str]) -> dict[str, str]:
    """The ``# KEY: value`` lines as a mapping (key and value stripped)."""
    found = {}
    for line in lines:
        said = re.match(r"^#\s*([^:]+?)\s*:\s*(.*)$", line)
        if said:
            found[said.group(1)] = said.group(2).strip()
    return found


def _monthly(header: dict[str, str], rows: list[str]) -> bool:
    """Whether the file holds monthly means: its header's data set content says so, or a date's day is 00."""
    return "MONTH" in header.get("Data Set Content", "").upper() or any(row[8:10] == "00" for row in rows)


def grdc_table_message(path: Path) -> str | None:
    """One line for a GRDC station text file given as data (see the module's description), with the
    line of Python that writes it as a CF station NetCDF file; None for any other file.

    Parameters
    ----------
    path : Path
        The file given as data; only its first 4 KiB are read (UTF-8 or Latin-1 text).

    Returns
    -------
    str or None

    Examples
    --------
    >>> grdc_table_message(Path("6335020_Q_Month.txt"))  # doctest: +SKIP
    '6335020_Q_Month.txt is a GRDC station text file (6335020, REES, RHINE RIVER; …), not NetCDF: …'
    """
    lines = text_head_lines(path)
    if not lines:
        return None
    header = _header([line for line in lines if line.startswith("#")])
    body = [line for line in lines if not line.startswith("#")]
    if not all(key in header for key in GRDC_HEADER_KEYS) or len(body) < 2 or not _COLUMNS.match(body[0]) \
            or not all(_ROW.match(row) for row in body[1:]):
        return None
    monthly = _monthly(header, body[1:])
    # the date's first 7 characters for months: GRDC dates a month YYYY-MM-00 or YYYY-MM-01
    period = "pd.PeriodIndex(t.iloc[:,0].str[:7],freq='M')" if monthly else \
        "pd.PeriodIndex(pd.to_datetime(t.iloc[:,0]),freq='D')"
    code = ("import sys,io,re,numpy as np,pandas as pd,xarray as xr;"
            "b=open(sys.argv[1],'rb').read();"
            "T=b.decode('utf-8' if b.decode('utf-8','ignore').encode()==b else 'latin-1');"
            "h={m[1]:m[2].strip() for m in re.finditer(r'(?m)^#[ \\t]*([^:\\n]+?)[ \\t]*:(.*)$',T)};"
            "t=pd.read_csv(io.StringIO(T),sep=';',comment='#',skipinitialspace=True,dtype={0:str,1:str});"
            "t.columns=[c.strip() for c in t.columns];"
            f"p={period};"
            "V=[c for c in t.columns[2:] if c!='Flag'];"
            "n=lambda c:'discharge' if len(V)==1 else 'discharge_'+c.lower();"
            "d=xr.Dataset({n(c):('time',t[c].astype('f8').mask(t[c]==-999).to_numpy(),"
            "dict(units='m3 s-1',standard_name='water_volume_transport_in_river_channel',"
            "long_name='GRDC '+c+' mean discharge')) for c in V},"
            "coords=dict(time=('time',p.start_time,dict(standard_name='time',bounds='time_bnds')),"
            "lat=((),float(h['Latitude (DD)']),dict(units='degrees_north',standard_name='latitude')),"
            "lon=((),float(h['Longitude (DD)']),dict(units='degrees_east',standard_name='longitude')),"
            "station_id=((),int(float(h['GRDC-No.'])),dict(cf_role='timeseries_id',long_name='GRDC number'))),"
            "attrs=dict(featureType='timeSeries',Conventions='CF-1.8',station=h.get('Station',''),"
            "river=h.get('River',''),source='GRDC '+sys.argv[1]));"
            "d['time_bnds']=(('time','bnds'),np.stack([p.start_time,(p+1).start_time],1));"
            "d.time.encoding['units']='days since 1700-01-01';"
            f"{whole_write()}")
    station = ", ".join(header[key] for key in ("GRDC-No.", "Station", "River") if header.get(key))
    kind, step = ("monthly", "month") if monthly else ("daily", "day")
    columns = ", ".join(name.strip() for name in body[0].split(";")[2:])
    copy = shown_path(copy_path(path, "netcdf"))
    return (f"{path.name} is a GRDC station text file ({station}; # header, then {kind} {columns} separated by "
            f"';', -999 missing), not NetCDF, which climann reads; write it as a CF station NetCDF file (the "
            f"discharge in m3 s-1, -999 missing, each {step} bounded by time_bnds, the "
            f"position from the header): `{python_command(code)} {shown_path(path)} {copy}`, and give that file")
