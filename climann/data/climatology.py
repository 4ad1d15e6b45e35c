"""Monthly climatologies over a block of years, for anomalies (and the climatology baseline)."""

from __future__ import annotations

import numpy as np
import xarray as xr


def month_of_each_step(times: np.ndarray) -> np.ndarray:
    """Calendar month (1–12) of each time step, shape (n_time,)."""
    return np.array([time.month for time in times], dtype=np.int64)


def monthly_climatology(field: xr.DataArray, time_mask: np.ndarray, *, dtype: str | np.dtype = "float32") -> np.ndarray:
    """Mean of ``field`` for each calendar month over the chosen time steps, NaN skipped.

    clim[m] = mean over {t : month(t) = m, time_mask[t]} of x_t; NaN for a month with no
    chosen step. Computed with dask in one pass; only the result is held in memory.

    Parameters
    ----------
    field : xarray.DataArray, dims (time, lat, lon)
    time_mask : ndarray of bool, shape (n_time,)
        E.g. the training block, so the climatology never sees validation or test years.
    dtype : {"float32", "float64"}
        The type the variable is held in (:func:`climann.data.value_precision.held_dtypes`).

    Returns
    -------
    ndarray, shape (12, n_lat, n_lon), ``dtype``
    """
    time_dim = field.dims[0]
    chosen = field.isel({time_dim: np.flatnonzero(time_mask)})
    months = xr.DataArray(month_of_each_step(chosen[time_dim].values), dims=time_dim)
    means = chosen.astype(dtype).groupby(months.rename("month")).mean(time_dim, skipna=True).compute()
    result = np.full((12, *field.shape[1:]), np.nan, dtype=dtype)
    result[means["month"].values - 1] = means.values
    return result


def climatology_record(climatologies: dict[str, np.ndarray]) -> dict[str, dict]:
    """The training years' climatologies in JSON form, for the model file's metadata.

    Each becomes ``{"shape": [12, n_lat, n_lon], "values": [...]}``: the values flattened in
    (month, lat, lon) order, ``None`` where undefined (NaN), each written with 9 significant
    digits, which give back the same float32 exactly; a float64 climatology (of a variable held
    in float64, :mod:`climann.data.value_precision`) with 17, which give back the same float64,
    and ``"dtype": "float64"``.

    Parameters
    ----------
    climatologies : dict of str to ndarray, shape (12, n_lat, n_lon)
        From :func:`monthly_climatology`, by variable name.

    Returns
    -------
    dict of str to dict
    """
    record = {}
    for name, values in climatologies.items():
        wide = np.asarray(values).dtype == np.float64
        flat = np.asarray(values, dtype=np.float64 if wide else np.float32).reshape(-1)
        digits = ".17g" if wide else ".9g"
        record[name] = {
            "shape": [int(size) for size in np.shape(values)],
            "values": [float(f"{value:{digits}}") if np.isfinite(value) else None for value in flat.tolist()],
            **({"dtype": "float64"} if wide else {}),
        }
    return record


def climatologies_from_record(record: dict[str, dict]) -> dict[str, np.ndarray]:
    """The climatologies written by :func:`climatology_record`, shape (12, n_lat, n_lon),
    float32 (float64 where the record says so), NaN where undefined."""
    return {
        name: np.array(entry["values"], dtype=np.float64).astype(entry.get("dtype", "float32")).reshape(entry["shape"])
        for name, entry in record.items()
    }
