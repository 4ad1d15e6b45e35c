"""Components of one vector, and the frames vector components are given in.

A vector (a drift, a wind, a current) is written as two components, each its own variable. Two
faults come from reading them one by one (break45c, OSI SAF sea-ice drift):

- The other component of the target's own vector is no driver of it: OSI-405's ``dY`` beside the
  target ``dX`` comes from the same cross-correlation of the same two images, the other half of
  one measured displacement. :func:`component_partners` finds it (CF standard names that differ
  by the ``x``/``y`` of the component, ``sea_ice_x_displacement`` and ``sea_ice_y_displacement``;
  else names that do, ``dX`` and ``dY``, in the same units); the default predictors leave it out
  with a note (named, it is used).
- Components along a projected grid's x and y axes (CF ``x_wind``, ``sea_ice_x_velocity``,
  ``sea_ice_x_displacement``…) and eastward/northward ones (``eastward_wind``) are in frames
  turned from each other by the grid's meridian convergence γ, which changes with the place (on a
  polar stereographic grid γ = lon − lon₀, all round the pole): x = u·cos γ − v·sin γ,
  y = u·sin γ + v·cos γ. With the default features (lat, season) the network has nothing to
  tell γ from, and a run on such data finds no skill for want of a frame, not of a relation.
  :func:`frame_mismatch` says so, naming both frames and the ways out: the predictors turned into
  the grid's frame (pyproj's ``Proj.get_factors(lon, lat).meridian_convergence``, from the grid
  mapping by ``pyproj.CRS.from_cf``), or the ``lon`` feature.

Sources: CF standard name table (x_wind: "x indicates a vector component along the grid x-axis,
when this is not true longitude"); PROJ's ``meridian_convergence`` (``proj_factors``); OSI SAF
low-resolution sea-ice drift product user manual (OSI-405-c: dX, dY along the grid's axes).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence

import xarray as xr

from climann.data.notes import note_once
from climann.data.standard_name_aliases import current_standard_name
from climann.data.standard_names import standard_name_of

__all__ = ["component_frame", "component_partners", "frame_mismatch", "partner_note", "warn_frame_mismatch"]

_log = logging.getLogger(__name__)

#: A CF standard name's word that makes it the component along a grid axis, and the other axis's.
_GRID_AXES = {"x": "y", "y": "x"}

#: Words of a CF standard name that make it an eastward or northward (geographic) component.
_GEOGRAPHIC_WORDS = ("eastward", "northward")

#: A name whose one letter x/X or y/Y, standing apart (at an end, beside ``_``, or a capital after a
#: small letter: ``dX``), is the component's axis.
_NAME_AXIS = re.compile(r"(?:(?<=^)|(?<=_)|(?<=[a-z0-9]))([xyXY])(?=$|_|[A-Z0-9])")


def _words(variable: xr.DataArray) -> list[str]:
    return current_standard_name(standard_name_of(variable.attrs)).split("_")


def component_frame(variable: xr.DataArray) -> str | None:
    """``"grid"`` for a component along a grid axis by its CF standard name (a word ``x`` or
    ``y``, or ``grid_eastward``/``grid_northward``: ``x_wind``, ``sea_ice_x_displacement``),
    ``"geographic"`` for an eastward or northward one (``eastward_wind``), else None
    (coordinates, ``projection_x_coordinate``, are no components)."""
    words = _words(variable)
    if "coordinate" in words or "angle" in words:
        return None
    geographic = any(word in words for word in _GEOGRAPHIC_WORDS)
    if geographic and "grid" in words or any(word in words for word in _GRID_AXES):
        return "grid"
    return "geographic" if geographic else None


def _swapped_standard_name(variable: xr.DataArray) -> str | None:
    """The standard name of the other grid-axis component of ``variable``'s vector, or None."""
    words = _words(variable)
    axes = [index for index, word in enumerate(words) if word in _GRID_AXES]
    if len(axes) != 1 or "coordinate" in words:
        return None
    words[axes[0]] = _GRID_AXES[words[axes[0]]]
    return "_".join(words)


def _swapped_names(name: str) -> set[str]:
    """The names ``name`` becomes with one of its standalone axis letters swapped (``dX`` → ``dY``)."""
    swap = {"x": "y", "y": "x", "X": "Y", "Y": "X"}
    return {name[:match.start()] + swap[match.group(1)] + name[match.end():] for match in _NAME_AXIS.finditer(name)}


def component_partners(dataset: xr.Dataset, target: str, names: Sequence[str]) -> list[str]:
    """Of ``names``, the other component of the target's own vector: the CF standard name of
    the other grid axis (``sea_ice_y_displacement`` for ``sea_ice_x_displacement``), or, where
    neither has a standard name, the name with the other axis letter (``dY`` for ``dX``) in the
    same units.

    Parameters
    ----------
    dataset : xarray.Dataset
    target : str
    names : sequence of str
        Candidate predictors, variables of ``dataset``.

    Returns
    -------
    list of str
        In the order of ``names``; empty when the target is no vector component.
    """
    target_variable = dataset[target]
    other = _swapped_standard_name(target_variable)
    found = []
    for name in names:
        variable = dataset[name]
        standard = current_standard_name(standard_name_of(variable.attrs))
        if other is not None and standard == other:
            found.append(name)
        elif (not standard and not current_standard_name(standard_name_of(target_variable.attrs))
              and name in _swapped_names(target)
              and str(variable.attrs.get("units", "")) == str(target_variable.attrs.get("units", ""))):
            found.append(name)
    return found


def partner_note(partners: Collection[str], target: str) -> str:
    """The note of the default predictors on :func:`component_partners`."""
    shown = ", ".join(partners)
    return (f"left out of the default predictors: {shown}, the other component of the vector whose "
            f"component '{target}' is (one measurement: not known without the target); name it in [data] "
            "predictors (--predictors) to use it anyway")


def _grid_mapping_text(dataset: xr.Dataset, target: str) -> tuple[str, str]:
    """The grid mapping's name (``"Polar_Stereographic_Grid (polar_stereographic)"``) and the
    text of its central longitude lon₀ (``" = -45"``), for the note."""
    name = str(dataset[target].attrs.get("grid_mapping", "")).split(":")[0].strip()
    if not name or name not in dataset.variables:
        return "the grid", ""
    attrs = dataset[name].attrs
    central = next((attrs[key] for key in ("straight_vertical_longitude_from_pole", "longitude_of_central_meridian",
                                           "longitude_of_projection_origin") if key in attrs), None)
    kind = attrs.get("grid_mapping_name")
    return (f"the grid of {name}" + (f" ({kind})" if kind else ""),
            f", lon₀ = {float(central):g}" if central is not None else "")


def frame_mismatch(dataset: xr.Dataset, target: str, predictors: Sequence[str],
                   features: Collection[str]) -> str | None:
    """The warning, in one line, when the target is a vector component in one frame (along a
    grid axis, or eastward/northward: :func:`component_frame`) and predictors are components in
    the other, and the features lack ``lon``; None otherwise.

    Parameters
    ----------
    dataset : xarray.Dataset
    target : str
    predictors : sequence of str
        The run's predictors (those absent from ``dataset`` are skipped).
    features : collection of str
        The run's derived features (``lat``, ``lon``, ``season``…).

    Returns
    -------
    str or None
    """
    if "lon" in features or target not in dataset.variables:
        return None
    frame = component_frame(dataset[target])
    if frame is None:
        return None
    others = [name for name in predictors if name in dataset.variables
              and component_frame(dataset[name]) not in (None, frame)]
    if not others:
        return None
    grid, central = _grid_mapping_text(dataset, target)
    gridded, geographic = ([target], others) if frame == "grid" else (others, [target])
    angle = f"γ = lon − lon₀ on a polar stereographic grid{central}" if "polar" in grid else "γ changes with the place"
    return (f"{', '.join(gridded)} {'is a component' if len(gridded) == 1 else 'are components'} along the x/y axes "
            f"of {grid}, {', '.join(geographic)} eastward/northward: the two frames are turned by the grid's meridian "
            f"convergence γ ({angle}; x = u·cos γ − v·sin γ, y = u·sin γ + v·cos γ), which the features "
            f"({', '.join(features) or 'none'}) cannot tell, so the scores measure the frames, not the relation; "
            "turn the eastward/northward components into the grid's frame first (γ from pyproj: "
            "pyproj.Proj(pyproj.CRS.from_cf(GRID_MAPPING_ATTRS)).get_factors(lon, lat).meridian_convergence, in "
            "degrees), or add the lon feature (--features " + ",".join([*features, "lon"]) + ")")


def warn_frame_mismatch(dataset: xr.Dataset, predictors: Sequence[str], target: str, features: Collection[str], *,
                        where: str) -> None:
    """Warn once, in one line, of :func:`frame_mismatch`."""
    said = frame_mismatch(dataset, target, predictors, features)
    if said is not None:
        note_once(_log, logging.WARNING, f"predictors in {where}: {said}")
