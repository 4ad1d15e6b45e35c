"""Variables that are other estimates of the target's own quantity, at the same time steps.

Gridded products ship their value beside the estimates it was made from: the NOAA/NSIDC sea-ice
concentration CDR (G02202) holds ``cdr_seaice_conc`` with the NASA Team and Bootstrap
concentrations ``nsidc_nt_seaice_conc`` and ``nsidc_bt_seaice_conc`` — the CDR is their maximum,
cell by cell (Meier et al., G02202 user guide, section 3) — and OSI SAF's OSI-450 holds
``ice_conc`` with the unfiltered ``raw_ice_conc_values``. Each carries the target's CF
``standard_name`` (``sea_ice_area_fraction``). As predictors they hand the network the target
itself (test skill 0.80 on an OSI-450-like file, against 0.02 without it): a score that measures the
copy, not a prediction. They are left out of the default predictors (:mod:`climann.data.defaults`)
with a note; named in ``[data] predictors`` they are used.

The rule is narrow, so that no other physical variable is left out: a variable is another
estimate of the target when both have a time axis (the same time steps) and

- its CF ``standard_name`` is the target's (CF §3.3: the same physical quantity), with the same
  ``cell_methods`` (CF §7.3: ``tasmax``, "time: maximum", is another quantity than ``tas``,
  "time: mean") and the same scalar coordinates (CF §5.7: ``ta`` at 500 hPa is another quantity
  than ``ta`` at 850 hPa);
- neither is a flag (CF §3.5, ``flag_values`` or ``flag_masks``: a frozen/unfrozen flag made from
  ``tas`` may keep its ``standard_name``, and ``tas`` is then no copy of the flag).

(Data about the target's values — ``ancillary_variables``, ``standard_error`` — are
:mod:`climann.data.ancillary`'s.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from climann.data.standard_names import standard_name_of

__all__ = ["same_quantity_note", "same_quantity_relations"]


def _scalar_coordinates(variable: xr.DataArray) -> dict[str, object]:
    """The variable's coordinates of one value (CF §5.7: ``height = 2 m``, ``plev = 50000 Pa``)."""
    return {str(name): np.asarray(coordinate.values).item() for name, coordinate in variable.coords.items()
            if coordinate.ndim == 0}


def same_quantity_reason(variable: xr.DataArray, target: xr.DataArray, *, time_dim: str) -> str | None:
    """Why ``variable`` is another estimate of ``target``'s quantity (the module's rule), or None.

    Returns
    -------
    str or None
        ``"standard_name 'sea_ice_area_fraction', as cdr_seaice_conc's"``.
    """
    standard_name = standard_name_of(target.attrs)  # "unknown" (ERA5 from the new CDS) names no quantity
    if (not standard_name or time_dim not in variable.dims or time_dim not in target.dims
            or standard_name_of(variable.attrs) != standard_name):
        return None
    if any(flag in checked.attrs for checked in (variable, target) for flag in ("flag_values", "flag_masks")):
        return None  # a flag (CF §3.5) states a class of the quantity, not another estimate of its value
    if str(variable.attrs.get("cell_methods", "")).split() != str(target.attrs.get("cell_methods", "")).split():
        return None
    if _scalar_coordinates(variable) != _scalar_coordinates(target):
        return None
    return f"standard_name '{standard_name}', as {target.name}'s"


def same_quantity_relations(dataset: xr.Dataset, target: str, names: Sequence[str], *,
                            time_dim: str) -> dict[str, str]:
    """Of ``names``, those that are other estimates of ``target``'s quantity → why
    (:func:`same_quantity_reason`)."""
    found = {}
    for name in names:
        reason = same_quantity_reason(dataset[name], dataset[target], time_dim=time_dim)
        if reason is not None:
            found[name] = reason
    return found


def same_quantity_note(relations: dict[str, str], target: str) -> str:
    """One line for the notes of the default predictors: which were left out and why."""
    shown = ", ".join(relations)
    reason = next(iter(relations.values()))
    them = "them" if len(relations) > 1 else "it"
    return (f"left out of the default predictors: {shown} ({reason}, at the same time steps): other estimates of "
            f"{target}'s own quantity (another retrieval or analysis of it), so a network fed {them} copies {them} "
            f"and its skill measures the copy, not a prediction of {target}; name {them} in [data] predictors "
            f"(--predictors) to use {them} anyway")
