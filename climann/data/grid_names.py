"""One name for the latitude and longitude axes of files that name them differently.

ERA5 from the Copernicus Climate Data Store names its axes ``latitude`` and ``longitude``,
CMIP and most observations ``lat`` and ``lon``, Argo gridded products ``LATITUDE`` and
``LONGITUDE``; each says what its axes are by CF ``standard_name`` or ``units`` (CF
conventions section 4.1, 4.2). A target in one and a predictor in another on the same grid
are one grid under two names, which xarray cannot combine (and cf_xarray then finds two
latitudes in the combined dataset).

Each file's axes are found by their CF attributes, not their names
(:func:`climann.data.coords.find_coordinate`): only 1-D axes that are their own dimension's
coordinate (a regular latitude-longitude grid). When the files' names differ, each is renamed to
the target file's name (else the first file's, in the order given), dimension, coordinate and
bounds alike, as the
files' time axes get one name (:mod:`climann.data.time_names`); whether the grids are one is
then judged as for any two files, by their values. Nothing is guessed where the name is taken
by another variable of a file that would be renamed: refused in one line naming the files,
their names and the ``--rename`` lines that give them one.

The 2-D latitude and longitude of a curvilinear or projected grid get one name the same way
(:func:`one_grid_name`): NOAA/NSIDC's sea-ice CDR names them ``latitude``/``longitude`` and an
ERA5 field regridded onto its polar stereographic grid ``lat``/``lon``, on the same ``(y, x)``.
Combined under both names, the grid had two latitudes ("several coordinates look like latitude
(lat, latitude)"), and the advice renamed the latitude alone, after which the next refusal
said the ERA5 file had no horizontal coordinates (break43a A1). Only a file with one 2-D
latitude and one 2-D longitude, on the same dimensions of the same sizes as the reference
file's, is renamed (a POP file's T and U points stay apart, see
:mod:`climann.data.grid_points`), with the data variables' ``coordinates`` lists; the values
are then compared as any two files' grids are (:func:`climann.data.open.on_reference_grid`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import xarray as xr

from climann.data.coords import find_coordinate, geographic_kinds, named_coordinates, two_dimensional_candidates
from climann.data.renames import FileRenames, rename_options
from climann.errors import ClimannError

#: The horizontal axes given one name across files.
GRID_KINDS = ("latitude", "longitude")


def _grid_axis(dataset: xr.Dataset, kind: str) -> str | None:
    """The name of the dataset's 1-D ``kind`` axis when it is its own dimension's coordinate
    (not a rotated, projected or curvilinear grid's rows or columns), else None."""
    try:
        name = find_coordinate(dataset, kind)
    except ClimannError:
        return None
    variable = dataset.variables.get(name)
    return name if variable is not None and variable.dims == (name,) and kind in geographic_kinds(variable) else None


def one_grid_name(datasets: Sequence[xr.Dataset], labels: Sequence[str], *, reference: int = 0,
                  renames: FileRenames | None = None, files: Sequence[Path] = ()) -> list[xr.Dataset]:
    """The datasets with their latitude and longitude axes under one name each when they name
    them differently (``latitude`` in ERA5's file, ``lat`` in a CMIP file), and so their 2-D
    latitude and longitude on the same dimensions (the module says when).

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Each file (or split block) as opened, in the order given.
    labels : sequence of str
        What each was read from, a file name (also the ``--rename`` pattern the advice
        gives for it).
    reference : int, optional
        The dataset whose names the others take (the target's file), when it has the axis;
        else the first that has it.

    Returns
    -------
    list of xarray.Dataset
        The same datasets, lazy as given; those whose axes had other names renamed (the
        axis's CF bounds too, when their name holds the axis's: ``latitude_bnds`` →
        ``lat_bnds``; a 2-D coordinate in the data variables' ``coordinates`` lists too), the
        others as they are.

    Raises
    ------
    ClimannError
        When the common name is taken by another variable of a dataset that would be
        renamed, naming it and the ``--rename`` lines that give the axes one name.
    """
    renamed = list(datasets)
    for kind in GRID_KINDS:
        renamed = _one_name(renamed, [_grid_axis(dataset, kind) for dataset in renamed], labels, reference,
                            kind=f"{kind} axis", rename=_renamed, renames=renames, files=files)
    planes = [_two_dimensional(dataset) for dataset in renamed]
    home = planes[reference] if planes[reference] is not None else next((plane for plane in planes if plane), None)
    for position, kind in enumerate(GRID_KINDS):
        names = [plane[position] if plane is not None and home is not None and plane[2] == home[2] else None
                 for plane in planes]
        renamed = _one_name(renamed, names, labels, reference, kind=f"2-D {kind}", rename=_renamed_2d,
                            renames=renames, files=files)
    return _on_home_dimensions(renamed, reference)


def _on_home_dimensions(datasets: list[xr.Dataset], reference: int) -> list[xr.Dataset]:
    """``datasets`` whose 2-D latitude and longitude (of the same names as the home file's, the
    target's) hold the home file's values on dimensions of other names and the same sizes, with
    those dimensions renamed to the home file's: SMAP L3's soil moisture on ``(phony_dim_0,
    phony_dim_1)`` and ERA5 regridded onto the same EASE2 cells on ``(y, x)`` were "not on the
    latitude-longitude grid", and the advised ``--select y=VALUE`` failed (break44b B2). Only
    when the values are equal to float32's precision (a grid's positions written by two tools;
    NaN where both are missing), and no variable of the file is named after a dimension renamed
    (a projection's ``y``/``x`` axis: not renamed, left to the grid comparison)."""
    planes = [_two_dimensional(dataset) for dataset in datasets]
    home = planes[reference] if planes[reference] is not None else next((plane for plane in planes if plane), None)
    if home is None:
        return datasets
    latitude, longitude, sizes = home
    source = datasets[planes.index(home)]
    home_dims = tuple(dim for dim, _ in sizes)
    renamed = list(datasets)
    for index, (dataset, plane) in enumerate(zip(datasets, planes)):
        if plane is None or plane[:2] != (latitude, longitude) or plane[2] == sizes:
            continue
        own_dims = tuple(dim for dim, _ in plane[2])
        if ([size for _, size in plane[2]] != [size for _, size in sizes]
                or any(dim in dataset.variables or dim in dataset.dims for dim in home_dims)
                or any(dim in dataset.variables for dim in own_dims)
                or not all(_same_positions(source[name], dataset[name]) for name in (latitude, longitude))):
            continue
        renamed[index] = dataset.rename_dims(dict(zip(own_dims, home_dims)))
    return renamed


def _same_positions(first: xr.DataArray, other: xr.DataArray) -> bool:
    """Whether two 2-D positions hold the same values to float32's precision (NaN where both are missing)."""
    import numpy as np

    one, two = (np.asarray(values.values, np.float32).astype(np.float64) for values in (first, other))
    return bool(np.allclose(one, two, rtol=2.0 ** -22, atol=0.0, equal_nan=True))


def _one_name(datasets: list[xr.Dataset], names: list[str | None], labels: Sequence[str], reference: int, *,
              kind: str, rename: Callable[[xr.Dataset, str, str], xr.Dataset], renames: FileRenames | None = None,
              files: Sequence[Path] = ()) -> list[xr.Dataset]:
    """``datasets`` with the coordinate each names in ``names`` (None: none) renamed to the
    reference's name (``names[reference]``, else the first), by ``rename``.

    Raises
    ------
    ClimannError
        When the common name is taken by another variable of a dataset that would be renamed,
        naming the ``--rename`` lines that give them one name.
    """
    found = list(dict.fromkeys(name for name in names if name is not None))
    if len(found) < 2:
        return datasets
    common = names[reference] if names[reference] is not None else found[0]
    renamed = list(datasets)
    for index, (dataset, name) in enumerate(zip(datasets, names)):
        if name is None or name == common:
            continue
        if common in dataset.variables:
            # one rename, of that variable (fix44k: "or give them one yourself: --rename 'b.nc:latitude=lat'" was
            # refused, b.nc holding a 'lat' still)
            own = rename_options({labels[index]: {common: f"{common}_2"}}, renames, files)
            raise ClimannError(
                f"the files name their {kind} differently ('{common}' in {labels[names.index(common)]}, "
                f"'{name}' in {labels[index]}) and {labels[index]} has another variable named '{common}'; "
                f"rename that variable (e.g. {own}) and they take one name")
        renamed[index] = rename(dataset, name, common)
    return renamed


def _two_dimensional(dataset: xr.Dataset) -> tuple[str, str, tuple] | None:
    """The names of the dataset's 2-D latitude and longitude and their dimensions with sizes,
    when it has exactly one of each on the same dimensions
    (:func:`~climann.data.coords.two_dimensional_candidates`), else None."""
    try:
        found = two_dimensional_candidates(dataset)
    except ClimannError:
        return None
    latitudes, longitudes = found.get("latitude", []), found.get("longitude", [])
    if len(latitudes) != 1 or len(longitudes) != 1 or dataset[latitudes[0]].dims != dataset[longitudes[0]].dims:
        return None
    return latitudes[0], longitudes[0], tuple(dataset[latitudes[0]].sizes.items())


def _renamed_2d(dataset: xr.Dataset, name: str, common: str) -> xr.Dataset:
    """``dataset`` with its 2-D coordinate ``name`` called ``common`` (and its bounds, as
    :func:`_renamed` does), named so in each data variable's CF ``coordinates`` list."""
    result = _renamed(dataset, name, common)
    listed = {}
    for key, variable in result.data_vars.items():
        names = named_coordinates(variable)
        if name in names:
            copy = variable.variable.copy(deep=False)
            text = " ".join(common if each == name else each for each in names)
            for where in (copy.attrs, copy.encoding):
                if "coordinates" in where:
                    where["coordinates"] = text
            listed[key] = copy
    return result.assign(listed) if listed else result


def _renamed(dataset: xr.Dataset, name: str, common: str) -> xr.Dataset:
    """``dataset`` with its axis ``name`` (variable and dimension) called ``common``, and its
    bounds variable renamed alike when its name holds the axis's and the new name is free."""
    names = {name: common}
    bounds = str(dataset[name].attrs.get("bounds", ""))
    if bounds in dataset.variables and name in bounds:
        new_bounds = bounds.replace(name, common, 1)
        if new_bounds not in dataset.variables:
            names[bounds] = new_bounds
    result = dataset.rename(names)
    if bounds in names:
        result[common].attrs["bounds"] = names[bounds]
    return result


def on_reference_names(reference: Mapping[str, xr.DataArray],
                       other: Mapping[str, xr.DataArray]) -> dict[str, xr.DataArray]:
    """``other``'s grid coordinates (:func:`climann.data.open.grid_coordinates`'s mapping), its
    1-D latitude and longitude axes under ``reference``'s names where they are named otherwise
    (``lat`` beside ``latitude``), as :func:`one_grid_name` names the files' axes when they are
    combined: so that two grids are compared by their values whatever their names (a 1° ``lat``
    beside a 0.25° ``latitude`` was no difference, and xarray's "conflicting sizes" reached the
    user: break32a A3).

    Parameters
    ----------
    reference, other : mapping of str to xarray.DataArray
        Grid coordinates by name.

    Returns
    -------
    dict of str to xarray.DataArray
        ``other``'s coordinates, an axis renamed (variable and dimension) when both grids have
        one of its kind under different names and the reference's name is free in ``other``.

    Examples
    --------
    >>> import numpy as np
    >>> degrees = {"units": "degrees_north"}
    >>> reference = {"latitude": xr.DataArray(np.arange(4.0), dims="latitude", attrs=degrees)}
    >>> list(on_reference_names(reference, {"lat": xr.DataArray(np.arange(2.0), dims="lat", attrs=degrees)}))
    ['latitude']
    """
    grids = [xr.Dataset(coords=dict(grid)) for grid in (reference, other)]
    names = {}
    for kind in GRID_KINDS:
        common, own = (_grid_axis(grid, kind) for grid in grids)
        if common is not None and own is not None and own != common and common not in other:
            names[own] = common
    return {names.get(name, name): values.rename({name: names[name]}) if name in names else values
            for name, values in other.items()}


def _position_of(grid: Mapping[str, xr.DataArray], kind: str) -> xr.DataArray | None:
    """The one coordinate of ``grid`` that is a ``kind`` (latitude or longitude) by its CF
    standard_name or units (:func:`~climann.data.coords.geographic_kinds`), or by its name
    (``lat``, ``latitude``); None when none or several are."""
    short = kind[:3]
    found = [values for name, values in grid.items()
             if kind in geographic_kinds(values) or str(name).lower() in (short, kind)]
    return found[0] if len(found) == 1 else None


def cell_positions(grid: Mapping[str, xr.DataArray]) -> dict[str, xr.DataArray] | None:
    """The latitude and longitude of each cell of a grid, as two 2-D arrays (rows, columns), however
    the file stores them: 1-D axes (``lat``, ``lon``) spread over the cells, 2-D coordinates
    (a curvilinear ``latitude(j, i)``) as they are. Two grids that have no coordinate name in
    common (a 1° grid ``cdo remapbil`` wrote beside the model's native ``areacello(j, i)``:
    break43c A1) are compared by them.

    Parameters
    ----------
    grid : mapping of str to xarray.DataArray
        Grid coordinates by name (:func:`climann.data.open.grid_coordinates`).

    Returns
    -------
    dict or None
        ``{"latitude": (rows, columns), "longitude": (rows, columns)}`` with dims ``("row",
        "column")`` and each its attributes; None when the grid lacks a latitude or a
        longitude, or they are neither two 1-D axes nor two 2-D arrays of one shape.

    Examples
    --------
    >>> import numpy as np
    >>> grid = {"lat": xr.DataArray([0.0, 1.0], dims="lat", attrs={"units": "degrees_north"}),
    ...         "lon": xr.DataArray([10.0, 11.0, 12.0], dims="lon", attrs={"units": "degrees_east"})}
    >>> cell_positions(grid)["longitude"].shape
    (2, 3)
    """
    latitude, longitude = (_position_of(grid, kind) for kind in GRID_KINDS)
    if latitude is None or longitude is None:
        return None
    if latitude.ndim == longitude.ndim == 1 and latitude.dims != longitude.dims:
        rows, columns = xr.broadcast(latitude.rename({latitude.dims[0]: "row"}),
                                     longitude.rename({longitude.dims[0]: "column"}))
    elif latitude.ndim == longitude.ndim == 2 and latitude.shape == longitude.shape:
        rows, columns = (values.rename(dict(zip(values.dims, ("row", "column")))) for values in (latitude, longitude))
    else:
        return None
    return {"latitude": rows.drop_vars(rows.coords), "longitude": columns.drop_vars(columns.coords)}
