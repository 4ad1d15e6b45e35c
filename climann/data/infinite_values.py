"""``-inf`` and ``+inf`` in a file's values are missing, like NaN.

SPEIbase writes ``-inf`` and ``+inf`` where its log-logistic fit fails; other index and ratio
files hold them after a division by zero. No score, scaler or count can use them: one ``inf``
makes a mean or a standard deviation NaN. The samples (pointwise and field mode) already left
them out (``numpy.isfinite``), but ``info`` and the rule that leaves a variable missing on more
than 5 % out of the default predictors counted them as present (break34b B3), through
:func:`missing_values`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["missing_values"]


def missing_values(variable: xr.DataArray) -> xr.DataArray:
    """Where ``variable`` is missing: NaN (or NaT, or None), and ``-inf`` or ``+inf`` for a
    floating-point variable. Lazy when ``variable`` is.

    Parameters
    ----------
    variable : xarray.DataArray
        Any shape and type.

    Returns
    -------
    xarray.DataArray of bool
        The same shape.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> missing_values(xr.DataArray([1.0, np.nan, -np.inf, np.inf])).values
    array([False,  True,  True,  True])
    """
    if variable.dtype.kind in "fc":
        return ~np.isfinite(variable)
    return variable.isnull()
