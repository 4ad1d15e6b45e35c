"""The dimensions the netCDF library names in an HDF5 file without dimension scales.

An HDF5 dataset written without dimension scales (h5py's ``create_dataset`` alone: GFED4.1s) has
no named dimensions; the netCDF library names them ``phony_dim_0``, ``phony_dim_1``, … anew in each
group (netCDF-C, "HDF5 files not created with netCDF-4"). A group copied out of such a file
(``ncks -G : -g burned_area/01``, xarray's ``open_datatree(…)["burned_area/01"]``) keeps its fields
on them and nothing that places them: :func:`phony_copy_advice` says where the grid is, for the
refusal that finds no latitude (:mod:`climann.data.coords`); the file itself is refused with the
copy that keeps it (:mod:`climann.data.phony_grids`).
"""

from __future__ import annotations

import re

import xarray as xr

__all__ = ["PHONY", "is_phony", "phony_copy_advice"]

#: How the netCDF library names a dimension of an HDF5 dataset without dimension scales.
PHONY = re.compile(r"^phony_dim_\d+$")


def is_phony(dim: str) -> bool:
    """Whether a dimension is named as the netCDF library names those of an HDF5 dataset
    without dimension scales (``phony_dim_26``)."""
    return PHONY.match(str(dim)) is not None


def phony_copy_advice(dataset: xr.Dataset) -> str:
    """For a file whose data lie on phony dimensions and that holds no latitude or longitude (a
    group copied out of an HDF5 file without dimension scales), where its grid is: in the file it
    was copied from, whose refusal gives the copy with it; ``""`` for any other file."""
    dims = sorted({str(dim) for variable in dataset.data_vars.values() for dim in variable.dims if is_phony(dim)})
    if not dims:
        return ""
    return (f"; its dimensions {', '.join(dims)} are those the netCDF library names in an HDF5 file without dimension "
            "scales: nothing in this file places them, and its latitudes and longitudes are in the file it was "
            "copied from (GFED4.1s: the 2-D lat and lon of the root, which a copy of one group leaves behind); give "
            "climann that HDF5 file itself, whose refusal gives the line that writes the fields with them")
