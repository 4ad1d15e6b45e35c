"""ECMWF reforecasts whose start dates are integers ``YYYYMMDD`` (``hdate``), read as dates.

The ECMWF S2S (and MARS web-API) NetCDF of a reforecast holds ``t2m(hdate, step, lat, lon)``:
``hdate`` the start date of each reforecast as an integer such as ``20030109``, ``step`` the
lead time, and a scalar ``time``, the date of the model version the reforecasts were run with
(the same for all of them; the reforecasts of 2006-01-09's model version start on 9 January of
the 20 years before). Read as they are, the model-version date was the file's only time, so a
single reforecast became a static field beside every day of the observations (break31a A3), and
``climann info`` showed the start dates as ``2.00001e+07``.

:func:`with_hindcast_dates` makes ``hdate`` the forecasts' reference times (CF
``forecast_reference_time``, dates at 00 UTC), and the model-version date an attribute of it,
not a time: with the lead time the file gives, the valid times are then reference time + lead
(:mod:`climann.data.forecast_times`), one lead chosen with ``--select step=…`` puts them on
one axis, and they pair with the observations of the days they are valid at.
"""

from __future__ import annotations

import cftime
import numpy as np
import xarray as xr

from climann.data.forecast_times import FORECAST_REFERENCE_TIME, is_dated

#: Names and ``units`` by which a coordinate says it holds dates as integers ``YYYYMMDD``.
HINDCAST_DATE_NAMES = ("hdate",)
DATE_NUMBER_UNITS = ("yyyymmdd",)


def hindcast_date_names(dataset: xr.Dataset) -> list[str]:
    """The dimension coordinates of ``dataset`` that are start dates as integers ``YYYYMMDD``:
    named ``hdate`` or with ``units = "YYYYMMDD"``, whole numbers that are all dates."""
    found = []
    for name, coordinate in dataset.coords.items():
        said = str(name).lower() in HINDCAST_DATE_NAMES or str(coordinate.attrs.get("units", "")).strip().lower() \
            in DATE_NUMBER_UNITS
        if said and coordinate.dims == (name,) and coordinate.size and _dates(coordinate.values) is not None:
            found.append(str(name))
    return found


def _dates(values: np.ndarray) -> list[tuple[int, int, int]] | None:
    """(year, month, day) of each number ``YYYYMMDD``; None when one is not a whole number or no date."""
    numbers = np.asarray(values)
    if numbers.dtype.kind not in "iuf" or not np.all(np.isfinite(numbers)) or np.any(numbers != np.round(numbers)):
        return None
    dates = []
    for number in numbers.astype(np.int64).ravel():
        year, month, day = int(number) // 10000, int(number) // 100 % 100, int(number) % 100
        if not (1000 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= 31):
            return None
        try:
            cftime.datetime(year, month, day, calendar="proleptic_gregorian")
        except ValueError:
            return None
        dates.append((year, month, day))
    return dates


def with_hindcast_dates(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with each ``hdate`` coordinate (:func:`hindcast_date_names`) as the forecasts'
    reference times: dates at 00 UTC in the calendar of the file's scalar time (else
    ``proleptic_gregorian``), CF ``standard_name = "forecast_reference_time"``, as cftime dates
    or datetime64 as the file's other times are. A scalar dated coordinate (the model-version
    ``time``) is dropped and kept as the attribute ``model_version_date`` of ``hdate``: it is no
    time any value is valid at.

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened, times decoded.

    Returns
    -------
    xarray.Dataset
        ``dataset`` itself without such a coordinate.

    Examples
    --------
    >>> import xarray as xr
    >>> d = with_hindcast_dates(xr.Dataset(coords={"hdate": ("hdate", [20030109, 20040109])}))
    >>> [date.strftime("%Y-%m-%d") for date in d["hdate"].values]
    ['2003-01-09', '2004-01-09']
    """
    names = hindcast_date_names(dataset)
    if not names:
        return dataset
    scalars = [str(name) for name, coordinate in dataset.coords.items()
               if coordinate.ndim == 0 and is_dated(coordinate)]
    calendar, as_datetime64 = "proleptic_gregorian", False
    for name in scalars:
        value = dataset[name].values.item() if dataset[name].dtype == object else dataset[name].values
        calendar = getattr(value, "calendar", calendar) or calendar
        as_datetime64 = np.issubdtype(dataset[name].dtype, np.datetime64)
    version = ", ".join(str(dataset[name].values)[:10] for name in scalars)
    for name in names:
        dates = [cftime.datetime(*date, calendar=calendar) for date in _dates(dataset[name].values)]
        values = (np.array([np.datetime64(date.strftime("%Y-%m-%d"), "ns") for date in dates]) if as_datetime64
                  else np.array(dates, dtype=object))
        attrs = {"standard_name": FORECAST_REFERENCE_TIME, "long_name": "start date of the reforecast (hdate)",
                 **({"model_version_date": version} if version else {})}
        start = xr.Variable((name,), values, attrs, {"calendar": calendar})
        dataset = dataset.assign_coords({name: start})
    return dataset.drop_vars(scalars)
