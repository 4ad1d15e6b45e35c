"""Tiles of one grid: files whose cells lie on one lattice, offset by whole cells, joined side by side.

Daymet's single-tile downloads (``tiles/<year>/<tile>_<year>/tmax.nc``, ORNL THREDDS) cut one
1 km Lambert conformal conic grid into boxes: two neighbouring tiles hold the same x/y lattice
(the same spacing, their first x or y a whole number of cells apart; they may overlap), each
missing (-9999, its ``_FillValue``) outside its own box. Their grids differ, but no cell needs
interpolating: they are pieces of one grid. Interpolating one onto the other's extent (the
advice for grids whose cells differ, :func:`~climann.data.grid_cuts.interpolation_advice`)
keeps only what lies in that extent, and bilinearly loses the cells beside a missing one
(break53d A2: of the two tiles' 144 cells with data a day, 84 were left).

The way is a mosaic (:func:`mosaic_advice`): the tiles joined side by side onto the lattice that
holds them all, each cell the value of a tile that has one there — xarray's ``combine_first``
(a value where the first has none, its fill read as missing), after the files of each tile are
combined by their coordinates (``combine_by_coords``: years along time, variables side by side).
Where tiles overlap with values in both, the first tile's is kept (one product's mosaic holds
one value there). The 2-D latitude and longitude are joined as the data are, so the mosaic keeps
them whole.

Sources: CF conventions 1.8 §5.6 (``grid_mapping``, projection coordinates ``x``/``y``);
xarray's ``Dataset.combine_first`` and ``combine_by_coords``; Daymet v4 user guide (tiles of
2° × 2°, on one Lambert conformal conic grid of 1 km).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.grids import GRID_TOLERANCE
from climann.data.shell import new_folder, python_command, shown_path, whole_write, working_path

__all__ = ["cubed_sphere_tiles_message", "lattice_offsets", "mosaic_advice", "same_grid_mapping", "tiles_glob"]


def _axis_names(grid: Mapping[str, xr.DataArray]) -> list[str]:
    """The 1-D axes of a grid (:func:`climann.data.open.grid_coordinates`'s mapping), each on
    its own dimension (``x``, ``y``; ``lat``, ``lon``)."""
    return [name for name, values in grid.items() if values.ndim == 1 and values.dims == (name,)]


def lattice_offsets(reference: Mapping[str, xr.DataArray], own: Mapping[str, xr.DataArray], *,
                    tolerance: float = GRID_TOLERANCE) -> dict[str, int] | None:
    """How many cells the grid ``own`` is offset from ``reference`` along each axis, when both
    lie on one lattice: the same 1-D axes, each evenly spaced with the same step in both (within
    ``tolerance`` of the step), their first values a whole number of steps apart (within
    ``tolerance`` of a step), the offset not zero along every axis; None otherwise.

    Parameters
    ----------
    reference, own : mapping of str to xarray.DataArray
        Each file's grid coordinates (:func:`climann.data.open.grid_coordinates`), in the axes'
        units (metres for projection x/y, degrees for latitude and longitude).
    tolerance : float
        The fraction of a step two values may differ by and be one.

    Returns
    -------
    dict of str to int, or None
        Axis name → offset in cells (``own``'s first value minus ``reference``'s, over the step).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> axis = lambda values: xr.DataArray(np.asarray(values, float), dims="x")
    >>> lattice_offsets({"x": axis([0, 1000, 2000])}, {"x": axis([4000, 5000, 6000])})
    {'x': 4}
    >>> lattice_offsets({"x": axis([0, 1000, 2000])}, {"x": axis([500, 1500, 2500])}) is None
    True
    """
    names = _axis_names(reference)
    if not names or set(names) != set(_axis_names(own)):
        return None
    offsets = {}
    for name in names:
        one, two = (np.asarray(grid[name].values, np.float64) for grid in (reference, own))
        if one.size < 2 or two.size < 2:
            return None
        step = float(np.median(np.diff(one)))
        if step == 0 or not np.isfinite(step):
            return None
        if any(np.abs(np.diff(values) - step).max() > tolerance * abs(step) for values in (one, two)):
            return None  # not evenly spaced with one step: no lattice
        cells = (two[0] - one[0]) / step
        if abs(cells - round(cells)) > tolerance:
            return None
        offsets[name] = int(round(cells))
    return offsets if any(offsets.values()) else None


def _mapping_attributes(dataset: xr.Dataset) -> list[dict[str, object]]:
    """The attributes of each grid-mapping variable a data variable of ``dataset`` names (CF
    ``grid_mapping``), in name order."""
    named = sorted({str(variable.attrs.get("grid_mapping", variable.encoding.get("grid_mapping", "")))
                    for variable in dataset.data_vars.values()} - {""})
    return [dict(dataset[name].attrs) for name in named if name in dataset.variables]


def same_grid_mapping(one: xr.Dataset, two: xr.Dataset) -> bool:
    """Whether two files' grid mappings (CF ``grid_mapping`` variables: the projection of their
    x/y) are one: the same attributes with equal values; two files without one (latitude and
    longitude axes) are alike."""
    first, second = _mapping_attributes(one), _mapping_attributes(two)
    if len(first) != len(second):
        return False
    for a, b in zip(first, second):
        if set(a) != set(b):
            return False
        for key, value in a.items():
            try:
                if not np.array_equal(np.asarray(value), np.asarray(b[key])):
                    return False
            except (TypeError, ValueError):
                return False
    return True


def tiles_glob(files: Sequence[str | os.PathLike]) -> str | None:
    """Shell words of a glob that takes ``files`` and no other file (the same number of path
    parts; each part that differs between them replaced by its shared start, ``*`` and its
    shared end: ``tiles/2015/*_2015/tmax.nc``, ``tiles/*/*/*.nc``), the ``*`` left bare for the
    shell to expand; None when fewer than two files, or when such a glob takes other files too."""
    parts = [Path(file).parts for file in files]
    if len(parts) < 2 or len({len(each) for each in parts}) > 1:
        return None
    pattern = []
    for words in zip(*parts):
        if len(set(words)) == 1:
            pattern.append(words[0])
            continue
        start = os.path.commonprefix(list(words))
        end = os.path.commonprefix([word[len(start):][::-1] for word in words])[::-1]
        if any(character in start + end for character in "*?[]"):
            return None
        pattern.append(f"{start}*{end}")
    text = str(Path(*pattern))
    import glob  # noqa: PLC0415 - only where a glob is checked

    if sorted(os.path.abspath(match) for match in glob.glob(text)) != sorted(os.path.abspath(f) for f in files):
        return None
    import shlex  # noqa: PLC0415

    return "".join(piece if piece == "*" else shlex.quote(piece) for piece in _between_stars(working_path(text)))


def _between_stars(text: str) -> list[str]:
    """``text`` split at each ``*``, with the ``*`` kept as pieces of their own left bare (an
    empty piece is dropped)."""
    pieces: list[str] = []
    for index, piece in enumerate(text.split("*")):
        if index:
            pieces.append("\0")
        pieces.append(piece)
    return ["*" if piece == "\0" else piece for piece in pieces if piece]


def mosaic_advice(files: Sequence[str | os.PathLike], grid: Mapping[str, xr.DataArray],
                  offsets: Mapping[str, int]) -> str:
    """The advice that joins ``files``, tiles of one grid (:func:`lattice_offsets`), side by side
    into one file (see the module's text), in a new folder ``mosaic`` in the files' shared folder,
    and the ``--data`` that takes it.

    Parameters
    ----------
    files : sequence of str or PathLike
        Every file of the tiles (several variables and years alike).
    grid : mapping of str to xarray.DataArray
        One tile's grid coordinates: its 1-D axes key the tiles, its 2-D ones (latitude and
        longitude of a projected grid) are joined as the data are.
    offsets : mapping of str to int
        The offset in cells between two of the tiles, axis → cells, for the words.

    Returns
    -------
    str
        Words and one shell line, ``mkdir -p … && python -c "…" OUT FILES``, whose Python writes
        ``OUT`` whole or not at all (:func:`~climann.data.shell.whole_write`).
    """
    axes = _axis_names(grid)
    two_d = [name for name, values in grid.items() if values.ndim >= 2]
    parent = Path(os.path.commonpath([os.path.abspath(Path(file).parent) for file in files]))
    shared = Path(files[0]).parent
    while os.path.abspath(shared) != str(parent) and shared != shared.parent:
        shared = shared.parent  # the shared folder as the files were given (relative stays relative)
    folder = new_folder(shared, "mosaic")  # one folder for the warning and the refusal that both tell it
    names = {Path(file).name for file in files}
    out = folder / (names.pop() if len(names) == 1 else "mosaic.nc")
    code = ("import sys, functools, xarray as xr; t = {}; "
            f"[t.setdefault(tuple(float(x[a][0]) for a in {axes!r}), []).append(x) "
            "for x in (xr.open_dataset(f).reset_coords() for f in sys.argv[2:])]; "
            "d = functools.reduce(lambda a, b: a.combine_first(b), [xr.combine_by_coords(v, data_vars='minimal', "
            "combine_attrs='override') for v in t.values()])"
            + (f".set_coords({two_d!r})" if two_d else "") + "; " + whole_write(target="sys.argv[1]"))
    listed = tiles_glob(files) or " ".join(shown_path(file) for file in files)
    apart = ", ".join(f"{abs(cells)} cell{'s' if abs(cells) != 1 else ''} along {name}"
                      for name, cells in offsets.items() if cells)
    return (f"they are tiles of one grid (the same evenly spaced {' and '.join(axes)}, offset by {apart}), pieces "
            f"of a mosaic, not grids to interpolate: join them side by side, each tile's missing cells taking the "
            f"other's values (xarray's combine_first; where both hold a value, the first tile's): "
            f"`mkdir -p {shown_path(folder)} && {python_command(code)} {shown_path(out)} {listed}`, then give "
            f"--data {shown_path(out)} in place of the {len(files)} files")


#: FV3's tile files (FMS): ``atmos_month.tile1.nc`` … ``tile6.nc``, one face of the cubed sphere each.
_CUBE_TILE = re.compile(r"^(?P<stem>.*)\.tile(?P<tile>[1-6])(?P<rest>\..*)$")


def cubed_sphere_tiles_message(files: Sequence[tuple[Path, xr.Dataset]]) -> str | None:
    """The refusal of the tiles of one cubed sphere (FV3's ``atmos_month.tile1.nc`` … ``tile6.nc``,
    FMS's ``.tileN.`` names, ``grid_xt``/``grid_yt`` faces of N × N cells with 2-D ``lat``/``lon``):
    each tile is another sixth of the globe, not another grid of the same place, so none is
    interpolated onto another (break57a A4: the advice interpolated tiles 2–6 onto tile 1, which
    CDO did by copying each unchanged, and the copies were refused again); None for other files.

    Parameters
    ----------
    files : sequence of (pathlib.Path, xarray.Dataset)
        The files given together, each opened (its header).

    Returns
    -------
    str or None
    """
    matches = [(_CUBE_TILE.match(path.name), dataset) for path, dataset in files]
    if len(files) < 2 or not all(match for match, _ in matches):
        return None
    if len({(match["stem"], match["rest"]) for match, _ in matches}) != 1 \
            or len({match["tile"] for match, _ in matches}) < 2:
        return None
    faces = {tuple(dataset.sizes[dim] for dim in ("grid_yt", "grid_xt") if dim in dataset.sizes)
             for _, dataset in matches}
    if len(faces) != 1 or len(next(iter(faces))) != 2 or len(set(next(iter(faces)))) != 1:
        return None
    tiles = sorted(int(match["tile"]) for match, _ in matches)
    first = files[0][0]
    one = first.with_name(f"{matches[0][0]['stem']}.tile{tiles[0]}{matches[0][0]['rest']}")
    size = next(iter(faces))[0]
    return (f"the files are tiles {', '.join(map(str, tiles))} of one cubed-sphere grid (FV3's .tileN. files, each a "
            f"face of {size}×{size} cells: another part of the globe, not another grid of the same place), which "
            "climann does not join, and which no interpolation of one tile onto another puts on one grid; train on "
            f"one tile at a time (--data {shown_path(one)}: a curvilinear grid of its own), or remap all six tiles "
            "together onto one latitude-longitude grid first, with their mosaic (FRE-NCtools' fregrid "
            f"--input_mosaic C{size}_mosaic.nc --input_file {shown_path(first.parent / matches[0][0]['stem'])} "
            "--interp_method conserve_order1 --nlon 360 --nlat 180 --scalar_field VARIABLE --output_file "
            "latlon.nc, written where you choose) or with xESMF from each tile's lat and lon, and give that file")
