"""USGS NWIS tab-separated tables (RDB) given as data: recognised, and the line of pandas that
writes a CF station NetCDF file offered.

The USGS National Water Information System serves daily and instantaneous values as RDB text
(``https://waterservices.usgs.gov/nwis/dv/?format=rdb``; "USGS RDB format", waterdata.usgs.gov):
comment lines beginning with ``#``, a tab-separated header of column names (``agency_cd``,
``site_no``, ``datetime``, then a column per time series, ``149405_00060_00003``: the series'
number, the parameter code (``00060`` discharge in ft3 s-1) and the statistic code (``00003`` the
daily mean), each followed by its qualification codes, ``…_cd``: ``A`` approved, ``P`` provisional,
``e`` estimated), then a line of column formats (``5s 15s 20d 14n 10s``: width and type). A value
that was not measured is a word in place of the number: ``Ice`` (ice affected), ``Eqp`` (equipment
malfunction), ``Ssn`` (seasonal), ``Bkw`` (backwater) and others.

climann refused such a file as "not a readable NetCDF file (truncated or another format)"
(break46b A6). :func:`rdb_table_message` names the format and gives a line of pandas and xarray
that writes a CF timeSeries NetCDF file (CF 1.8 §9, H.2.1): the format line skipped, the words read
as missing (NaN), each daily value dated by its day (``time`` its start, ``time_bnds`` the day,
CF §7.1), the site's number as the station's ``cf_role = "timeseries_id"``, its latitude and
longitude (not in the file: the site's ``dec_lat_va`` and ``dec_long_va`` of the NWIS site
service) as scalar coordinates, the variables named by their parameter (:data:`PARAMETERS`) and
statistic (:data:`STATISTICS`) with their units, and the qualification codes kept as text
variables (``discharge_cd``), which climann leaves out of the predictors.
"""

from __future__ import annotations

import re
from pathlib import Path

from climann.data.flux_tables import text_head_lines
from climann.data.shell import copy_path, python_command, shown_path, whole_write

__all__ = ["PARAMETERS", "STATISTICS", "rdb_table_message"]

#: NWIS parameter codes → the variable's name, units and CF standard_name ("" for none).
PARAMETERS = {"00060": ("discharge", "ft3 s-1", "water_volume_transport_in_river_channel"),
              "00065": ("gage_height", "ft", ""), "00010": ("water_temperature", "degC", ""),
              "00045": ("precipitation", "in", ""), "00095": ("specific_conductance", "uS cm-1", ""),
              "80154": ("suspended_sediment_concentration", "mg L-1", "")}
#: NWIS statistic codes of daily values → the ending of the variable's name.
STATISTICS = {"00003": "", "00001": "_max", "00002": "_min", "00006": "_sum", "00008": "_median"}

#: The line of column formats after an RDB header: width and type (s text, d date, n number).
_FORMATS = re.compile(r"^\d+[sdn](?:\t\d+[sdn])*$")


def rdb_table_message(path: Path) -> str | None:
    """One line for a USGS NWIS RDB table of daily values given as data (see the module's
    description), with the line of Python that writes it as a CF station NetCDF file, the site's
    latitude and longitude its last two arguments; None for any other file.

    Parameters
    ----------
    path : Path
        The file given as data; only its first 4 KiB are read.

    Returns
    -------
    str or None

    Examples
    --------
    >>> rdb_table_message(Path("dv_01646500.rdb"))  # doctest: +SKIP
    'dv_01646500.rdb is a USGS NWIS RDB table (…), not NetCDF: …'
    """
    lines = text_head_lines(path)
    rows = [line for line in lines or () if not line.startswith("#")]
    if len(rows) < 2 or not _FORMATS.match(rows[1]):
        return None
    columns = rows[0].split("\t")
    if not {"agency_cd", "site_no", "datetime"} <= set(columns):
        return None
    # daily values: a date alone (instantaneous values have a time and a tz_cd column, not written here)
    dates = [row.split("\t")[columns.index("datetime")] for row in rows[2:3] if len(row.split("\t")) == len(columns)]
    if not dates or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", dates[0]):
        return None
    code = ("import sys,numpy as np,pandas as pd,xarray as xr;"
            "t=pd.read_csv(sys.argv[1],sep=chr(9),comment='#',dtype=str,keep_default_na=False).iloc[1:];"
            "S=t.pop('site_no');"
            "S.nunique()==1 or sys.exit('several sites: write each site_no apart');"
            "s=pd.to_datetime(t.pop('datetime'));t=t.drop(columns='agency_cd');"
            f"P={PARAMETERS!r};A={STATISTICS!r};"
            "n=lambda c:(lambda p:P.get(p[1],('p'+p[1],'',''))[0]+A.get(p[2],'_'+p[2]) if len(p)==3 else c)"
            "(c.removesuffix('_cd').split('_'));"
            "r=s.iloc[0].floor('D');m=lambda x:((x-r)/pd.Timedelta('1D')).to_numpy();"
            "d=xr.Dataset({n(c)+'_cd' if c.endswith('_cd') else n(c):('time',t[c].to_numpy(str) if c.endswith('_cd') "
            "else pd.to_numeric(t[c],errors='coerce').to_numpy('f8')) for c in t.columns},coords=dict("
            "time=('time',m(s),dict(units=f'days since {r:%Y-%m-%d}',calendar='standard',standard_name='time',"
            "bounds='time_bnds')),station=((),S.iloc[0],dict(cf_role='timeseries_id',long_name='USGS site number')),"
            "lat=((),float(sys.argv[3]),dict(units='degrees_north',standard_name='latitude')),"
            "lon=((),float(sys.argv[4]),dict(units='degrees_east',standard_name='longitude'))));"
            "d['time_bnds']=(('time','nv'),np.stack([m(s),m(s)+1],1));"
            "[d[c].encoding.update(_FillValue=None) for c in ('time','time_bnds','lat','lon')];"
            "[d[n(c)].attrs.update(units=P[c.split('_')[1]][1],**({'standard_name':P[c.split('_')[1]][2]} "
            "if P[c.split('_')[1]][2] else {})) for c in t.columns if not c.endswith('_cd') "
            "and len(c.split('_'))==3 and c.split('_')[1] in P];"
            "d.attrs.update(featureType='timeSeries',Conventions='CF-1.8',source='USGS NWIS RDB');"
            f"{whole_write()}")
    copy = shown_path(copy_path(path, "netcdf"))
    return (f"{path.name} is a USGS NWIS RDB table of daily values (tab-separated text: {', '.join(columns[:4])}"
            f"{' …' if len(columns) > 4 else ''}; words such as Ice and Eqp where no value was measured), not "
            f"NetCDF, which climann reads; write it as a CF station NetCDF file with the site's latitude and "
            f"longitude (dec_lat_va, dec_long_va of the NWIS site service) in place of LAT LON: "
            f"`{python_command(code)} {shown_path(path)} {copy} LAT LON`, and give that file")
