"""Spherical-harmonic coefficients, which are not a grid.

A GRACE or GRACE-FO Level-2 field (GSM, GAC, GAD of CSR, JPL or GFZ) holds the fully normalised
Stokes coefficients of the geopotential, ``clm(time, degree, order)`` and ``slm(…)``: the
amplitudes of the spherical harmonics of degree l and order m (0 ≤ m ≤ l), not values at places.
Such a file has no latitude and no longitude; climann's advice for data without a position (a
station's series, an area mean: give it lat = 0, lon = 0) made a coefficient a grid cell and
trained on it (break40a A2). A field on the sphere is the sum of its harmonics, synthesised on a
grid (pyshtools' ``SHCoeffs.from_array(...).expand()``), after the Level-2 corrections that are
the user's to choose: C20 (and C30) replaced by satellite laser ranging (GRACE TN-14), degree 1
added (TN-13), glacial isostatic adjustment removed, a filter against the north-south stripes.

CF has no convention for spherical-harmonic coefficients. They are known here by their
dimensions: a variable with one dimension of :data:`DEGREE_NAMES` and another of
:data:`ORDER_NAMES` (by name, in any case, or by a coordinate whose ``long_name`` says
"harmonic degree" or "harmonic order", as the ICGEM-derived and PODAAC NetCDF files write it).
A file holding them is refused as it is opened (:func:`climann.data.open.open_dataset`), with a
position given it or not, and where no latitude is found (a dataset built in memory).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["DEGREE_NAMES", "ORDER_NAMES", "harmonic_coefficients", "harmonic_coefficients_refusal"]

#: Names of the dimension of a spherical harmonic's degree (l).
DEGREE_NAMES = ("degree", "l")

#: Names of the dimension of a spherical harmonic's order (m).
ORDER_NAMES = ("order", "m")


#: ``units`` of a coordinate that are no quantity: a harmonic's degree or order may carry them.
_COUNT_UNITS = ("", "1", "unitless", "none", "dimensionless", "count")


def _is_axis_of(dataset: xr.Dataset, dim: str, names: tuple[str, ...], word: str) -> bool:
    """Whether dimension ``dim`` is named one of ``names`` (in any case) or its coordinate's
    ``long_name`` says "harmonic ``word``"; never when its coordinate says it is something
    else: a CF ``standard_name`` (none names a harmonic's degree or order), units of a quantity
    (a degree or an order is a whole number), or values that are not whole numbers. IRI's
    NMME forecasts name their lead ``L`` (``forecast_period``, months, 0.5 … 11.5) and their
    member ``M`` (``realization``): they were refused as Stokes coefficients (fix40o)."""
    coordinate = dataset.variables[dim] if dim in dataset.variables else None  # its attributes and values alone
    if coordinate is not None and _something_else(coordinate):
        return False
    if dim.lower() in names:
        return True
    long_name = str(coordinate.attrs.get("long_name", "")).lower() if coordinate is not None else ""
    return f"harmonic {word}" in long_name


def _something_else(coordinate: xr.DataArray | xr.Variable) -> bool:
    """Whether a dimension's coordinate says it is no harmonic degree or order (:func:`_is_axis_of`)."""
    attrs = coordinate.attrs
    if attrs.get("standard_name") or str(attrs.get("units", "")).strip().lower() not in _COUNT_UNITS:
        return True
    values = np.asarray(coordinate.values)
    return values.dtype.kind == "f" and bool(np.any(np.isfinite(values) & (values != np.round(values))))


def harmonic_coefficients(dataset: xr.Dataset) -> tuple[list[str], str, str] | None:
    """The data variables that lie on a spherical harmonic's degree and order, and those two
    dimensions.

    Parameters
    ----------
    dataset : xarray.Dataset
        A file's variables, opened.

    Returns
    -------
    tuple of (list of str, str, str) or None
        The variables' names (``["clm", "slm", …]``), the degree's and the order's dimension;
        None when no data variable has both.
    """
    for variable in dataset.data_vars.values():
        dims = [str(dim) for dim in variable.dims]
        degree = next((dim for dim in dims if _is_axis_of(dataset, dim, DEGREE_NAMES, "degree")), None)
        order = next((dim for dim in dims if dim != degree and _is_axis_of(dataset, dim, ORDER_NAMES, "order")), None)
        if degree is not None and order is not None:
            names = [str(name) for name, other in dataset.data_vars.items() if {degree, order} <= set(other.dims)]
            return names, degree, order
    return None


def harmonic_coefficients_refusal(dataset: xr.Dataset) -> str | None:
    """The refusal of spherical-harmonic coefficients (:func:`harmonic_coefficients`) as data
    without a grid, with the ways out: synthesise them on a latitude-longitude grid, or read a
    gridded product; None when the dataset holds none.

    Parameters
    ----------
    dataset : xarray.Dataset
        A file's variables, opened, in which no latitude or longitude was found.

    Returns
    -------
    str or None
        One line, e.g. "clm, slm on (degree, order) are spherical-harmonic (Stokes) coefficients …".
    """
    found = harmonic_coefficients(dataset)
    if found is None:
        return None
    names, degree, order = found
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return (
        f"{shown} on ({degree}, {order}) are spherical-harmonic (Stokes) coefficients by degree and order (a GRACE "
        "or GRACE-FO Level-2 field?), not values on a latitude-longitude grid: climann trains on gridded data, and "
        "giving them a latitude and a longitude would make each coefficient a grid cell; synthesise them on a grid "
        "first (e.g. pyshtools: SHCoeffs.from_array(np.stack([C, S])).expand() for each time step, C and S the "
        "cosine and sine coefficients of the step by degree and order, missing ones as 0, after replacing C20 "
        "(and C30) by satellite laser ranging (TN-14), adding degree 1 (TN-13), removing glacial isostatic "
        "adjustment and filtering), or use a "
        "gridded Level-3 or mascon product (GRACE Tellus land and ocean grids, JPL, CSR or GSFC mascons)"
    )
