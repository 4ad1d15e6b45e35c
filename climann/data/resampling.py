"""Python lines that rewrite sub-daily time cells: means to a coarser step, means restamped.

climann refuses variables at different steps (3-hourly ``pr`` beside 6-hourly ``ta``,
:mod:`climann.data.time_axes`) and advises averaging the finer one first. CDO has no operator
for "6-hourly", and xarray's ``Dataset.resample(...).mean()`` alone writes wrong cells: it
averages the time bounds too (the mean of [00, 03] and [03, 06] is [01:30, 04:30]) and gives
them units of their own (break33b B5). The line of :func:`resample_command` instead

- drops the bounds and weighs each value by the part of its CF cell (section 7.1) inside each
  new cell, so a 3-hourly mean stamped at its cell's end (CESM) falls in the same 6-hour cell
  as one stamped at its middle (CMIP6); a value without bounds covers the step centred on its
  stamp, where climann reads it (fix45d: hourly instants at 00:00, 01:00 and 02:00, centred on
  01:00, were grouped by their stamps into [00:00, 03:00] stamped 01:30; hourly means of
  [22:00, 23:00] … [01:00, 02:00] into a cell [22:30, 01:30] they did not cover), so the
  means are those of the new cells, halves of a value at their edges;
- averages only the time-varying variables (``lat_bnds`` stays as it is), and says of instants
  averaged (``time: point``) that they are now means (``time: mean``, CF 1.8 §7.3; fix44d: the
  copy kept ``time: point``, and a run trained on means was warned its inputs were instants);
- leaves out cells the data do not fill (the first and last, begun or ended inside them);
- writes each mean at the middle of its new cell [start, start + step] with bounds of those
  edges, in the time's own units and calendar (xarray's CF encoder gives the bounds the
  time's units when the time names them in ``bounds``).

Means beside instants at the same step (CMIP6's 3hr ``pr`` beside 3hrPt ``tas``) are paired as
the user chooses (:mod:`climann.data.time_axes`): :func:`restamp_command` moves each mean's
stamp to its cell's middle and stamp and cell together onto the instant chosen, whether the
file stamped the cell's middle (CMIP6), end (CESM) or start.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence

from climann.data.direction_regrid import file_directions, xarray_direction_statements
from climann.data.shell import python_command, input_and_copy, whole_write

__all__ = ["calendar_resample_command", "composite_resample_command", "resample_command", "restamp_command"]

#: The end the resampling lines share: the time takes the original's attributes and its new
#: bounds ``t_bnds``, its units and calendar kept, no _FillValue on either, and the copy written
#: whole (:func:`~climann.data.shell.whole_write`).
_BOUNDS_AND_WRITE = (
    'm[t].attrs.update(d[t].attrs,bounds=t+"_bnds");'
    'm[t].encoding={k:e[k] for k in ("units","calendar") if k in e};'
    'm[t].encoding["_FillValue"]=m[t+"_bnds"].encoding["_FillValue"]=None;'
    + whole_write("m.to_netcdf", "o", quote='"')
)

#: ``python -c SCRIPT IN OUT HOURS TIME``: the means of IN over cells of HOURS hours, written
#: to OUT (see the module description).
_PYTHON_RESAMPLE = (
    'import re,sys,datetime,numpy as np,xarray as xr;np.seterr(invalid="ignore");i,o,h,t=sys.argv[1:5];'
    'H=float(h)*3600;f=float((sys.argv[5:] or [0])[0])*3600;'
    'd=xr.open_dataset(i,decode_times=xr.coders.CFDatetimeCoder(use_cftime=True));e=d[t].encoding;'
    'b=d[t].attrs.get("bounds");c=d[b].values if b in d.variables else None;'
    'd=d.drop_vars([b] if c is not None else []);v=d[t].values;'
    'z=(v[0] if c is None else c.min()).replace(hour=0,minute=0,second=0,microsecond=0);'
    'S=np.vectorize(lambda u:(u-z).total_seconds(),otypes=[float]);x=S(v);'
    'w=np.median(np.diff(x)) if c is None else 0;lo,hi=(x-w/2,x+w/2) if c is None else (S(c.min(1)),S(c.max(1)));'
    'k=np.floor((lo-f)/H).astype(int);J=np.arange(x.size);'
    'p=[(J,k+q,np.minimum(hi,f+(k+q+1)*H)-np.maximum(lo,f+(k+q)*H)) for q in range(int((np.ceil((hi-f)/H)-k).max()))];'
    'j,g,a=(np.concatenate([r[n][r[2]>0] for r in p]) for n in range(3));'
    'u,r=np.unique(g,return_inverse=True);y=np.bincount(r,a)>=H*(1-1e-9);a=xr.DataArray(a,dims=t);'
    'm=d[[q for q in d.data_vars if t in d[q].dims]].isel({t:j}).assign_coords({t:r});'
    'm=((m.fillna(0)*a).groupby(t).sum()/(m.notnull()*a).groupby(t).sum()).isel({t:y});'
    'm=m.assign({q:m[q].astype(d[q].dtype) if d[q].dtype.kind=="f" else m[q] for q in m.data_vars});'
    '[m[q].attrs.update(d[q].attrs) for q in m.data_vars];'
    '[m[q].attrs.update(cell_methods=re.sub(t+": *point",t+": mean",m[q].attrs["cell_methods"])) for q in m.data_vars '
    'if "cell_methods" in m[q].attrs];'
    'l=np.array([z+datetime.timedelta(seconds=f+q*H) for q in u[y]]);H=datetime.timedelta(seconds=H);'
    'm=xr.merge([d.drop_dims(t),m.assign_coords({t:l+H/2})]);m[t+"_bnds"]=((t,"bnds"),np.stack([l,l+H],1));'
    + _BOUNDS_AND_WRITE
)


def resample_command(path: str | os.PathLike, hours: float, time: str = "time", *,
                     centred_on: float | None = None, files: str | None = None) -> str:
    """The shell line that writes beside ``path`` the means of its time-varying variables
    over cells of ``hours`` hours, with CF bounds of the cells' edges.

    Parameters
    ----------
    path : str or os.PathLike
        The NetCDF file of the finer steps (``pr_3hr.nc``).
    hours : float
        The length of the coarser step, in hours (6 for 6-hourly).
    time : str
        The name of the time dimension in the file.
    centred_on : float, optional
        Hours after 00:00 (modulo ``hours``) to centre the new cells on: 0 gives 3-hourly cells
        [22:30, 01:30] stamped 00:00, then 03:00 …, the stamps of a run trained on sub-daily
        values without bounds, which it read at their stamps (its ``hour`` feature at 00:00,
        03:00 …; fix44k: cells [00:00, 03:00] stamped 01:30 gave it hours it never saw, 1.5 h
        off its own). Default: cells start at 00:00 ([00:00, 03:00], stamped 01:30, CMIP6's 3hr).
    files : str, optional
        ``IN OUT`` as shell words in place of ``path`` and its copy beside it: climann's advice gives
        the file and its copy in a new folder (:func:`climann.data.shell.one_copy_line`; beside it, a
        glob over their folder took both, fix56b).

    Returns
    -------
    str
        ``python -c SCRIPT IN OUT HOURS TIME [START]`` (IN and OUT as
        :func:`climann.data.shell.input_and_copy` gives them, OUT named ``…_6-hourly.nc``;
        START, ``centred_on`` − HOURS/2, moves the cells' starts). Each value counts by the
        part of its cell inside the new one (its bounds, else the median step centred on its
        stamp); a cell the data do not fill (the data's first and last, begun or ended inside
        it, or one across a gap) is left out, not averaged over part of it.

    Examples
    --------
    >>> resample_command("pr_3hr.nc", 6).endswith("pr_3hr.nc pr_3hr_6-hourly.nc 6 time")
    True
    """
    before, after = xarray_direction_statements(file_directions(path), after_on="m")
    script = (_PYTHON_RESAMPLE.replace("m=d[[q for q in d.data_vars", f"{before}m=d[[q for q in d.data_vars")
              .replace("m=m.assign({q:m[q].astype(d[q].dtype)", f"{after}m=m.assign({{q:m[q].astype(d[q].dtype)"))
    files = input_and_copy(path, f"{hours:g}-hourly") if files is None else files
    return (f"{python_command(script)} {files} "
            f"{hours:g} {shlex.quote(time)}" + (f" {centred_on - hours / 2:g}" if centred_on is not None else ""))


#: ``python -c SCRIPT IN OUT FREQ TIME``: the means of IN over the calendar periods of the pandas
#: frequency FREQ (``QS-DEC``: DJF, MAM, JJA, SON), each stamped at its period's start with CF bounds
#: of its edges; periods the data do not cover whole are left out: by their cells, else by their
#: stamps, a period holding fewer than its length over their median spacing (a month of 31 daily
#: means has 31, stamped at 00:00 or at noon; fix46c: the first month of noon stamps, opening after
#: its start, was left out). A time variable on a dimension of another name (WRF's ``XTIME`` on
#: ``Time``) is made the dimension first; coordinates on time (WRF's ``XLAT(Time, …)``) are averaged
#: with the data and kept as coordinates, text on time (WRF's ``Times``) left out (break46a A2:
#: ``resample({'XTIME': 'D'})`` of a wrfout file ended in a KeyError). Values are summed in float64
#: and written in their own type: a float32 mean of 24 equal latitudes was 1e-5 degrees off them.
_PYTHON_CALENDAR_RESAMPLE = (
    'import sys,numpy as np,xarray as xr;i,o,f,t=sys.argv[1:5];'
    'd=xr.open_dataset(i,decode_times=xr.coders.CFDatetimeCoder(use_cftime=True));'
    'd=d if t in d.dims else d.swap_dims({d[t].dims[0]:t});e=d[t].encoding;'
    'b=d[t].attrs.get("bounds");c=d[b].values if b in d.variables else None;'
    'd=d.drop_vars([b] if c is not None else []);v=d[t].values;w=sorted(np.diff(v))[(len(v)-2)//2] if len(v)>1 '
    'else v[0]-v[0];lo,hi=(c.min(),c.max()) if c is not None else (v.min(),v.max()+w);'
    'd=d.assign_coords({t:d[t].copy(data=d[t].values if c is None else c.min(1)+(c.max(1)-c.min(1))/2)});'
    'p=[q for q in d.coords if q!=t and t in d[q].dims];d=d.reset_coords(p);'
    'n=[q for q in d.data_vars if t in d[q].dims and d[q].dtype.kind in "biuf"];r={q:d[q].dtype for q in n};'
    'd=d.assign({q:d[q].astype("f8") for q in n if r[q].kind=="f"});'
    'm=d[n].resample({t:f}).mean(keep_attrs=True);m=m.assign({q:m[q].astype(r[q]) for q in n if r[q].kind=="f"});'
    's=m[t].values;'
    'g=xr.date_range(s[0],periods=len(s)+1,freq=f,calendar=s[0].calendar,use_cftime=True).values;'
    'k=(g[:-1]>=lo)&(g[1:]<=hi) if c is not None or len(v)<2 else d[t].copy(data=np.ones(len(v))).resample({t:f})'
    '.sum().values>=[round((y-x)/w) for x,y in zip(g[:-1],g[1:])];m=m.isel({t:k});s,g=g[:-1][k],g[1:][k];'
    'm=xr.merge([d.drop_dims(t),m.assign_coords({t:s})]).set_coords(p);m[t+"_bnds"]=((t,"bnds"),np.stack([s,g],1));'
    + _BOUNDS_AND_WRITE
)


def calendar_resample_command(path: str | os.PathLike, frequency: str, name: str, time: str = "time", *,
                              statistic: str = "mean", sums: Sequence[str] = (), files: str | None = None) -> str:
    """The shell line that writes beside ``path`` the means (or sums) of its time-varying
    variables over calendar periods (seasons, months, years), with CF bounds of the periods' edges.
    Variables on other dimensions too are kept on them (a CF station file's ``runoff(time, id)``
    with its ``station_name(id)``, which CDO does not read, break44d A10).

    Parameters
    ----------
    path : str or os.PathLike
        The NetCDF file of the finer steps (``pr_monthly.nc``).
    frequency : str
        The pandas frequency of the periods' starts, e.g. ``"QS-DEC"`` for the seasons DJF,
        MAM, JJA, SON (xclim's seasonal indices), ``"YS-OCT"`` for October-start years.
    name : str
        The periods' name in the copy's file name (``"seasonal"``).
    time : str
        The name of the time variable in the file: its dimension, or a variable on a dimension of
        another name (WRF's ``XTIME`` on ``Time``), made the dimension in the copy.
    statistic : {"mean", "sum", "max", "min"}
        What each period's value is of its steps': totals (``time: sum``) are summed, maxima
        (``time: maximum``) and minima give their extreme. A sum over a period with a missing
        step is missing (``skipna=False``): the days held are not the period's total, and a
        period with no value is not 0. Means and extremes are of the steps held (as CDO's).
    sums : sequence of str, optional
        With ``statistic="mean"``: the variables summed (the totals of a file of totals and
        means, a station's ``pr`` beside its ``tas``), the others averaged, in the one copy
        (fix45c: a station file CDO does not read was advised two ``cdo`` lines).
    files : str, optional
        ``IN OUT`` as shell words (a loop's ``"$f" …``) in place of ``path`` and its copy.

    Returns
    -------
    str
        ``python -c SCRIPT IN OUT FREQUENCY TIME`` (IN and OUT as
        :func:`climann.data.shell.input_and_copy` gives them, OUT named ``…_seasonal.nc``).
        Each mean is stamped at its period's first instant, as xclim and ``resample`` stamp
        calendar periods, so its steps are those of a seasonal file stamped so (a stamp at the
        middle would make steps of other lengths), and its CF bounds say which period it is.
        A period that the data do not cover whole (by their CF cells; without them, by their
        stamps: fewer of them in it than its length over their median spacing, so that every month
        of daily means holding all its days is kept whether the days are stamped at 00:00 or at noon)
        is left out rather than averaged over part of it.

    Examples
    --------
    >>> calendar_resample_command("pr.nc", "QS-DEC", "seasonal").endswith("pr.nc pr_seasonal.nc QS-DEC time")
    True
    """
    if statistic not in ("mean", "sum", "max", "min"):
        raise ValueError(f"statistic must be 'mean', 'sum', 'max' or 'min', not {statistic!r}")
    # a total over a period with a missing step is not the period's total: missing (skipna=False), never a
    # partial sum, nor 0 for a period with no value (xarray's default sum skips NaN and gives 0 there)
    script = _PYTHON_CALENDAR_RESAMPLE.replace(".mean(keep_attrs=True)", ".sum(keep_attrs=True,skipna=False)"
                                               if statistic == "sum" else f".{statistic}(keep_attrs=True)")
    summed = ""
    if sums and statistic == "mean":  # each variable by its own statistic: the totals summed, the rest averaged
        script = _PYTHON_CALENDAR_RESAMPLE.replace(
            "m=d[n].resample({t:f}).mean(keep_attrs=True);",
            'a=sys.argv[5].split(",");m=xr.merge([getattr(d[[v]].resample({t:f}),"sum" if v in a else "mean")'
            '(keep_attrs=True,skipna=v not in a) for v in n],compat="override");')
        summed = f" {shlex.quote(','.join(sums))}"
    if statistic == "mean":  # a direction averaged as numbers puts 350° and 10° at 180° (fix52k)
        before, after = xarray_direction_statements(
            {each: factor for each, factor in file_directions(path).items() if each not in sums}, after_on="m")
        script = script.replace('n=[q for q in d.data_vars', f'{before}n=[q for q in d.data_vars').replace(
            's=m[t].values;', f'{after}s=m[t].values;')
    files = input_and_copy(path, name) if files is None else files
    return (f"{python_command(script)} {files} "
            f"{shlex.quote(frequency)} {shlex.quote(time)}{summed}")


#: ``python -c SCRIPT IN OUT DAYS TIME``: the means of IN over N-day composites restarting each
#: 1 January (MODIS's and FLUXCOM's 8-day: 1–8 January, 9–16 …, the year's last 5 or 6 days),
#: each value in the composite holding the middle of its CF cell (without bounds, of the step
#: beginning at its stamp, as climann reads daily values stamped 00:00), stamped at the
#: composite's start with CF bounds [start, next start); composites the data do not cover whole
#: (by the lengths of the cells in them) are left out, never averaged over part of them.
_PYTHON_COMPOSITE_RESAMPLE = (
    'import sys,datetime,numpy as np,xarray as xr;i,o,n,t=sys.argv[1:5];N=datetime.timedelta(days=int(n));'
    'd=xr.open_dataset(i,decode_times=xr.coders.CFDatetimeCoder(use_cftime=True));'
    'd=d if t in d.dims else d.swap_dims({d[t].dims[0]:t});e=d[t].encoding;'
    'b=d[t].attrs.get("bounds");c=d[b].values if b in d.variables else None;'
    'd=d.drop_vars([b] if c is not None else []);v=d[t].values;'
    'w=sorted(np.diff(v))[(len(v)-2)//2] if len(v)>1 else datetime.timedelta(days=1);'
    'L=np.array([w]*len(v)) if c is None else c.max(1)-c.min(1);x=v+w/2 if c is None else c.min(1)+L/2;'
    'Y=np.array([q.replace(month=1,day=1,hour=0,minute=0,second=0,microsecond=0) for q in x]);'
    'S=np.array([y+N*((q-y)//N) for q,y in zip(x,Y)]);'
    'E=np.array([min(a+N,y.replace(year=y.year+1)) for a,y in zip(S,Y)]);'
    'u,k,r=np.unique(S,return_index=True,return_inverse=True);'
    'h=np.array([sum((L[r==j]).tolist(),datetime.timedelta(0)) for j in range(len(u))])'
    '>=E[k]-u-datetime.timedelta(seconds=1);'
    'n=[q for q in d.data_vars if t in d[q].dims and d[q].dtype.kind in "biuf"];z={q:d[q].dtype for q in n};'
    'm=d[n].assign({q:d[q].astype("f8") for q in n if z[q].kind=="f"}).assign_coords({t:r}).groupby(t)'
    '.mean(keep_attrs=True);m=m.assign({q:m[q].astype(z[q]) for q in n if z[q].kind=="f"}).isel({t:h});'
    's,g=u[h],E[k][h];'
    'm=xr.merge([d.drop_dims(t),m.assign_coords({t:s})]);m[t+"_bnds"]=((t,"bnds"),np.stack([s,g],1));'
    + _BOUNDS_AND_WRITE
)


def composite_resample_command(path: str | os.PathLike, days: int, time: str = "time", *,
                               statistic: str = "mean", files: str | None = None) -> str:
    """The shell line that writes the means (or sums) of the time-varying variables of ``path``
    over ``days``-day composites restarting each 1 January (MODIS's and FLUXCOM's 8-day
    periods: 1–8 January, 9–16 January …, the year's last one 5 or 6 days long), with CF bounds
    of the composites' edges: the steps and cells of such a target (break55c A3: daily GLEAM
    beside 8-daily FLUXCOM was told "e.g. with xarray's Dataset.resample", whose ``'8D'`` runs
    on across the new year).

    Parameters
    ----------
    path : str or os.PathLike
        The NetCDF file of the finer steps (``E_2011_GLEAM_v3.8a.nc``).
    days : int
        The composites' length, days (8).
    time : str
        The name of the time variable in the file.
    statistic : {"mean", "sum"}
        Totals (``time: sum``) are summed, anything else averaged.
    files : str, optional
        ``IN OUT`` as shell words (a loop's ``"$f" …``) in place of ``path`` and its copy.

    Returns
    -------
    str
        ``python -c SCRIPT IN OUT DAYS TIME``. Each value falls in the composite that holds the
        middle of its CF cell (without bounds, of the step beginning at its stamp); each mean is
        stamped at its composite's start; a composite the file does not cover whole (the
        lengths of the cells in it fall short of its own) is left out.

    Examples
    --------
    >>> composite_resample_command("E_2011.nc", 8).endswith("E_2011.nc E_2011_8-day.nc 8 time")
    True
    """
    if statistic not in ("mean", "sum"):
        raise ValueError(f"statistic must be 'mean' or 'sum', not {statistic!r}")
    script = _PYTHON_COMPOSITE_RESAMPLE.replace(".mean(keep_attrs=True)", ".sum(keep_attrs=True,skipna=False)"
                                                if statistic == "sum" else ".mean(keep_attrs=True)")
    files = input_and_copy(path, f"{days}-day") if files is None else files
    return f"{python_command(script)} {files} {days:d} {shlex.quote(time)}"


#: ``python -c SCRIPT IN OUT MINUTES TIME``: IN's time at the middles of its CF cells, time and
#: cells then moved by MINUTES, written to OUT (:func:`restamp_command`).
_PYTHON_RESTAMP = (
    'import sys,datetime,xarray as xr;i,o,s,t=sys.argv[1:5];s=datetime.timedelta(minutes=float(s));'
    'd=xr.open_dataset(i,decode_times=xr.coders.CFDatetimeCoder(use_cftime=True));e=d[t].encoding;'
    'b=d[t].attrs["bounds"];c=d[b].values;'
    'd=d.assign_coords({t:d[t].copy(data=c.min(1)+(c.max(1)-c.min(1))/2+s)});d[b]=d[b].copy(data=c+s);'
    'd[t].encoding={k:e[k] for k in ("units","calendar") if k in e};'
    + whole_write("d.to_netcdf", "o", quote='"')
)


def restamp_command(path: str | os.PathLike, minutes: float, time: str = "time", *, files: str | None = None) -> str:
    """The shell line that writes beside ``path`` a copy whose time stamps are the middles of
    their CF cells, stamps and cells then moved by ``minutes`` (CF 7.1: a mean's stamp inside
    its cell; the move says which instant of another variable it is paired with).

    Parameters
    ----------
    path : str or os.PathLike
        The NetCDF file of the means, with time bounds.
    minutes : float
        How far to move stamps and cells (negative: earlier).
    time : str
        The name of the time dimension in the file.
    files : str, optional
        ``IN OUT`` as shell words (a loop's ``"$f" …``) in place of ``path`` and its copy.

    Returns
    -------
    str
        ``python -c SCRIPT IN OUT MINUTES TIME`` (IN and OUT as
        :func:`climann.data.shell.input_and_copy` gives them, OUT named ``…_fixed.nc``).

    Examples
    --------
    >>> restamp_command("pr.nc", -90).endswith("pr.nc pr_fixed.nc -90 time")
    True
    """
    files = input_and_copy(path) if files is None else files
    return f"{python_command(_PYTHON_RESTAMP)} {files} {minutes:g} {shlex.quote(time)}"
