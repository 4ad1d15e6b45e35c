"""Eddy-covariance flux-tower CSV files (FLUXNET2015/ONEFlux, AmeriFlux BASE and FLUXNET
products) given as data: recognised, and the line of pandas that writes a CF NetCDF file offered.

Every flux user holds these tables: ``FLX_US-Ha1_FLUXNET2015_FULLSET_HH_2012-2014_1-4.csv``,
``AMF_US-MMS_BASE_HH_22-5.csv``. Their layout is documented by FLUXNET (fluxnet.org, "FLUXNET2015
data variables") and AmeriFlux ("Data variables", BASE format): a header line of column names,
first ``TIMESTAMP_START,TIMESTAMP_END`` (half-hourly and hourly files, ``YYYYMMDDHHMM``, the
start and end of each averaging period) or ``TIMESTAMP`` (daily ``YYYYMMDD``, weekly, monthly
``YYYYMM`` and yearly ``YYYY`` files); ``-9999`` for a missing value; AmeriFlux BASE files begin
with ``# Site:``/``# Version:`` lines. The time stamps are in the site's *local standard time*
(no daylight saving), whose offset from UTC is in the site's BADM metadata (``UTC_OFFSET``), not
in the file; so are its latitude and longitude.

climann refused such a file as "not a readable NetCDF file (truncated or another format)" (break45a
A1). :func:`flux_table_message` names the format and gives a line of pandas and xarray that writes
a CF timeSeries NetCDF file: ``-9999`` read as missing (NaN), ``time`` the start of each period with
``time_bnds`` its start and end (CF §7.1), counted in minutes in local standard time with the
site's UTC offset written into the units (``minutes since 2012-01-01 00:00:00 -05:00``: CF reads
the offset, and climann says it reads the stamps as instants in UTC), the site's latitude and
longitude as scalar coordinates, and the units FLUXNET documents for the variables whose names it
knows (:data:`FLUX_UNITS`; the carbon fluxes in µmolCO2 m-2 s-1 in half-hourly and hourly files,
in gC m-2 d-1 in daily and longer ones). The time stamps themselves are not kept as data variables
(they would be dates written as digits: :func:`~climann.data.text_times.digit_dates`).
"""

from __future__ import annotations

import re
from pathlib import Path

from climann.data.shell import copy_path, python_command, shown_path, whole_write

__all__ = ["FLUX_UNITS", "flux_table_message", "text_head_lines"]

#: The units FLUXNET2015 and AmeriFlux document for a variable whose name is this base or begins
#: with it and ``_`` (``TA_F``, ``SW_IN_POT``, ``TA_1_1_1``); quality flags (``_QC``,
#: ``_SSITC_TEST``) and counts get none. The carbon fluxes are per second in half-hourly and hourly
#: files (:data:`_CARBON_SUB_DAILY`), per day in the others (:data:`_CARBON_DAILY`).
FLUX_UNITS = {"TA": "degC", "TS": "degC", "T_SONIC": "degC", "SW_IN": "W m-2", "SW_OUT": "W m-2",
              "LW_IN": "W m-2", "LW_OUT": "W m-2", "NETRAD": "W m-2", "LE": "W m-2", "H": "W m-2", "G": "W m-2",
              "VPD": "hPa", "PA": "kPa", "WS": "m s-1", "USTAR": "m s-1", "RH": "%", "SWC": "%",
              "PPFD_IN": "umol m-2 s-1", "CO2": "umol mol-1"}
#: Characters no Latin-1 text holds: C0 controls but tab, line feed, form feed and carriage return; DEL
#: and the C1 controls (ISO/IEC 8859-1 leaves 0x80-0x9F to them).
_LATIN1_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

_CARBON = ("NEE", "GPP", "RECO", "FC")
_CARBON_SUB_DAILY = "umolCO2 m-2 s-1"
_CARBON_DAILY = "gC m-2 d-1"

#: The header of a half-hourly or hourly file, and of a daily or longer one.
_HEADER_PERIODS = re.compile(r"^TIMESTAMP_START,TIMESTAMP_END(?:,|$)")
_HEADER_STAMPS = re.compile(r"^TIMESTAMP(?:,|$)")
#: The length of a ``TIMESTAMP`` in digits → its strptime format and the pandas offset to its end.
_STAMP_LAYOUTS = {8: ("%Y%m%d", "pd.DateOffset(days=1)"), 6: ("%Y%m", "pd.DateOffset(months=1)"),
                  4: ("%Y", "pd.DateOffset(years=1)")}


def text_head_lines(path: Path) -> list[str] | None:
    """The first lines of ``path`` as text (its first 4 KiB; the last line, perhaps cut, left out;
    blank lines left out, the others stripped), or None for a file that cannot be read or is not
    text (a NUL byte or another control character: binary). UTF-8, else Latin-1: GRDC's station
    files write ``km²`` and ``m³/s`` in Latin-1 (break49c A1), which every byte decodes, so a byte
    that Latin-1 makes a control character other than tab, line feed, carriage return and form feed
    still says binary. What FLUXNET's, PSMSL's and GRDC's text tables are told by
    (:func:`flux_table_message`, :func:`climann.data.containers.text_table_message`,
    :func:`climann.data.grdc_tables.grdc_table_message`)."""
    try:
        with open(path, "rb") as file:
            head = file.read(4096)
    except OSError:
        return None
    if not head or b"\0" in head:
        return None
    if len(head) == 4096:  # the last line, perhaps cut (in a character too), left out
        head = head[:head.rfind(b"\n") + 1]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("latin-1")
        if _LATIN1_CONTROL.search(text):
            return None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _units_code(sub_daily: bool) -> str:
    """The statements that give each variable of ``d`` the units :data:`FLUX_UNITS` documents."""
    carbon = _CARBON_SUB_DAILY if sub_daily else _CARBON_DAILY
    table = {**FLUX_UNITS, **dict.fromkeys(_CARBON, carbon)}
    return (f"U={table!r};"
            "[d[v].attrs.update(units=U[b]) for v in d.data_vars for b in U "
            "if (v==b or v.startswith(b+'_')) and not set(v.split('_'))&{'QC','SSITC','NIGHT','DAY'}];")


def flux_table_message(path: Path) -> str | None:
    """One line for a FLUXNET or AmeriFlux CSV file given as data (see the module's description),
    with the line of Python that writes it as a CF NetCDF file, the site's latitude, longitude and
    UTC offset in hours (BADM's ``UTC_OFFSET``) its last three arguments; None for any other file.

    Parameters
    ----------
    path : Path
        The file given as data; only its first 4 KiB are read.

    Returns
    -------
    str or None

    Examples
    --------
    >>> flux_table_message(Path("FLX_US-Ha1_FLUXNET2015_FULLSET_HH_2012-2014_1-4.csv"))  # doctest: +SKIP
    'FLX_US-Ha1_…csv is a FLUXNET/AmeriFlux CSV table (…), not NetCDF: …'
    """
    lines = text_head_lines(path)
    if not lines:
        return None
    rows = [line for line in lines if not line.startswith("#")]
    if not rows:
        return None
    header = rows[0]
    if _HEADER_PERIODS.match(header):
        sub_daily, layout = True, "TIMESTAMP_START and TIMESTAMP_END as YYYYMMDDHHMM"
        stamps = ("s=pd.to_datetime(t.pop('TIMESTAMP_START').astype('int64').astype(str),format='%Y%m%d%H%M');"
                  "e=pd.to_datetime(t.pop('TIMESTAMP_END').astype('int64').astype(str),format='%Y%m%d%H%M');")
    elif _HEADER_STAMPS.match(header) and len(rows) > 1 and (first := rows[1].split(",")[0]).isdigit() \
            and len(first) in _STAMP_LAYOUTS:
        form, offset = _STAMP_LAYOUTS[len(first)]
        sub_daily, layout = False, f"TIMESTAMP as {form.replace('%Y', 'YYYY').replace('%m', 'MM').replace('%d', 'DD')}"
        stamps = f"s=pd.to_datetime(t.pop('TIMESTAMP').astype('int64').astype(str),format='{form}');e=s+{offset};"
    else:
        return None
    site = re.match(r"^(?:FLX|AMF)_([A-Z]{2}-[A-Za-z0-9]{3})_", path.name)
    named = f"site_id={site.group(1)!r}," if site else ""
    code = ("import sys,numpy as np,pandas as pd,xarray as xr;"
            "t=pd.read_csv(sys.argv[1],comment='#',na_values=[-9999,'-9999']);"
            f"{stamps}"
            "o=float(sys.argv[5]);z=('-' if o<0 else '+')+'%02d:%02d'%divmod(round(abs(o)*60),60);"
            "r=s.iloc[0].floor('D');"
            "m=lambda x:((x-r)/pd.Timedelta('1min')).to_numpy();"
            "a=lambda v,u,n:((),float(v),dict(units=u,standard_name=n));"
            "d=xr.Dataset({v:('time',t[v].to_numpy('f8')) for v in t.columns},coords=dict("
            "time=('time',m(s),dict(units=f'minutes since {r:%Y-%m-%d %H:%M:%S} '+z,calendar='standard',"
            "standard_name='time',bounds='time_bnds')),"
            "lat=a(sys.argv[3],'degrees_north','latitude'),lon=a(sys.argv[4],'degrees_east','longitude')));"
            "d['time_bnds']=(('time','nv'),np.stack([m(s),m(e)],1));"
            "[d[c].encoding.update(_FillValue=None) for c in ('time','time_bnds','lat','lon')];"
            f"{_units_code(sub_daily)}"
            f"d.attrs.update({named}featureType='timeSeries',Conventions='CF-1.8',"
            "comment='local standard time, UTC'+z+' (BADM UTC_OFFSET)');"
            f"{whole_write()}")
    copy = shown_path(copy_path(path, "netcdf"))
    return (f"{path.name} is a FLUXNET/AmeriFlux CSV table ({layout}, in the site's local standard time; -9999 "
            f"missing), not NetCDF, which climann reads; write it as a CF NetCDF file with the site's latitude, "
            f"longitude and UTC offset in hours (the site's BADM metadata: LOCATION_LAT, LOCATION_LONG, UTC_OFFSET) "
            f"in place of LAT LON UTC_OFFSET: `{python_command(code)} {shown_path(path)} {copy} LAT LON UTC_OFFSET`, "
            f"and give that file")
