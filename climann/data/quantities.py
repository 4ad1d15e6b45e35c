"""Which quantity a variable holds, and with which sign, as its CF attributes say.

Two files can give a variable the same name and units while their values mean opposite
things: CMIP's ``hfls`` is the ``surface_upward_latent_heat_flux`` (``positive = "up"``), the
same flux in an ocean or ERA5-style file is ``surface_downward_latent_heat_flux``
(``positive = "down"``), its values of the opposite sign. Only two attributes tell:

- ``standard_name`` (CF conventions 1.8 §3.3, the CF standard name table): names that differ
  only in a direction word, ``upward``/``downward``, ``northward``/``southward``,
  ``eastward``/``westward``, are one quantity counted in opposite directions (the table's
  guidelines: "upward" is the direction of positive values). Other differing names are
  other quantities (``upwelling`` and ``downwelling`` radiation are two streams, not one
  counted two ways), except the amount, flux and rate forms of one water quantity
  (``precipitation_amount``, ``precipitation_flux``, ``lwe_precipitation_rate``), which
  climann converts into one another by their units (:mod:`climann.data.units`);
- ``positive`` (``"up"`` or ``"down"``, any case): CF §4.3 defines it for vertical
  coordinates; the CMIP data request puts it on every vertical flux, saying which direction
  its positive values go.

A trained run records both for each of its inputs (:func:`quantity_record`, in ``model.npz``);
new data whose record differs are refused (:func:`quantity_clash`,
:func:`quantity_refusal`; see :func:`climann.workflow.new_data.check_quantities`). An attribute
missing on either side, or the ``standard_name`` ``"unknown"`` (ERA5's files from the
Climate Data Store), says nothing and is not compared. An alias of the standard name table (a
name renamed in a later version: CMIP5's ``air_pressure_at_sea_level``, CMIP6's
``air_pressure_at_mean_sea_level``) is read as the name it stands for before comparing
(:mod:`climann.data.standard_name_aliases`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping

from climann.data.shell import (
    attribute_command, copy_command, in_place_note, input_and_copy, ncatted_attribute, one_copy_advice, xarray_data,
    xarray_values,
)
from climann.data.standard_name_aliases import current_standard_name
from climann.data.standard_names import standard_name_of

__all__ = ["liquid_equivalent", "quantity_clash", "quantity_record", "quantity_refusal", "quantity_text"]

#: The attributes that say which quantity a variable holds and in which direction it counts.
QUANTITY_ATTRIBUTES = ("standard_name", "positive")

#: The direction words of the standard name table whose exchange reverses a quantity's sign.
_OPPOSITE_DIRECTIONS = {"upward": "downward", "downward": "upward", "northward": "southward",
                        "southward": "northward", "eastward": "westward", "westward": "eastward"}

#: The forms of one water quantity in the standard name table: ``lwe_thickness_of_…_amount``
#: (m), ``…_amount`` (kg m-2), ``…_flux`` (kg m-2 s-1), ``lwe_…_rate`` (m s-1), and for rain,
#: which is liquid, ``thickness_of_…rainfall_amount`` (m). Stripped, they leave the quantity
#: (``precipitation``), whatever the units. A ``thickness_of_`` of anything else is not one of
#: them: ``thickness_of_snowfall_amount`` is the depth of the fallen snow, whose mass per area
#: depends on the snow's density (the table: its liquid form is
#: ``lwe_thickness_of_snowfall_amount``).
_WATER_FORMS = re.compile(r"^(?:lwe_thickness_of_|lwe_|thickness_of_(?=(?:\w+_)?rainfall_amount$))?"
                          r"(?P<quantity>.+?)(?:_amount|_flux|_rate)?$")

#: Depths of snow in the standard name table and the names of their liquid water equivalents.
_SNOW_DEPTHS = {"surface_snow_thickness": "lwe_thickness_of_surface_snow_amount"}


def liquid_equivalent(standard_name: str) -> str | None:
    """The standard name of the liquid water equivalent of a depth of snow (or of anything but
    rain): ``lwe_thickness_of_snowfall_amount`` for ``thickness_of_snowfall_amount``,
    ``lwe_thickness_of_surface_snow_amount`` for ``surface_snow_thickness``; None for other
    names (CF standard name table)."""
    if standard_name.startswith("thickness_of_") and not _WATER_FORMS.fullmatch(standard_name)["quantity"] \
            .endswith("rainfall"):
        return f"lwe_{standard_name}"
    return _SNOW_DEPTHS.get(standard_name)


def quantity_record(attrs: Mapping[str, object]) -> dict[str, str]:
    """What a variable's attributes say of its quantity: its ``standard_name`` (stripped,
    lower case) and ``positive`` (``"up"`` or ``"down"``), each only when it says something.

    Parameters
    ----------
    attrs : mapping
        The variable's attributes.

    Returns
    -------
    dict of str to str
        ``{"standard_name": …, "positive": …}``, either key absent when the attribute is,
        when the name is ``"unknown"``, or when ``positive`` is neither up nor down.

    Examples
    --------
    >>> quantity_record({"standard_name": "surface_upward_latent_heat_flux", "positive": "Up"})
    {'standard_name': 'surface_upward_latent_heat_flux', 'positive': 'up'}
    """
    record = {}
    name = standard_name_of(attrs).lower()
    if name:
        record["standard_name"] = name
    positive = str(attrs.get("positive", "")).strip().lower()
    if positive in ("up", "down"):
        record["positive"] = positive
    return record


def _reversed_names(standard_name: str) -> set[str]:
    """The standard names of the same quantity counted the other way: one direction word of
    ``standard_name`` exchanged for its opposite (``surface_downward_latent_heat_flux`` for
    ``surface_upward_latent_heat_flux``); empty when it has none."""
    words = standard_name.split("_")
    return {"_".join([*words[:at], _OPPOSITE_DIRECTIONS[word], *words[at + 1:]])
            for at, word in enumerate(words) if word in _OPPOSITE_DIRECTIONS}


def _same_quantity(first: str, second: str) -> bool:
    """Whether two standard names are one quantity: equal, or forms of one water quantity
    that differ only as amount, flux or rate (:data:`_WATER_FORMS`)."""
    return first == second or _WATER_FORMS.fullmatch(first)["quantity"] == _WATER_FORMS.fullmatch(second)["quantity"]


def quantity_clash(trained: Mapping[str, str], new: Mapping[str, str]) -> str | None:
    """How the quantity of new data differs from the one a run was trained on.

    Parameters
    ----------
    trained, new : mapping
        :func:`quantity_record` of the variable in the training data and in the new data.

    Returns
    -------
    {"sign", "quantity"} or None
        ``"sign"``: the same quantity counted the other way (standard names that differ by a
        direction word, or ``positive`` up against down); ``"quantity"``: standard names of
        other quantities; None when they agree (an alias of the CF standard name table read
        as the name it stands for) or an attribute is missing on a side.
    """
    trained_name, new_name = (current_standard_name(record["standard_name"]) if "standard_name" in record else None
                              for record in (trained, new))
    if trained_name and new_name and not _same_quantity(trained_name, new_name):
        return "sign" if new_name in _reversed_names(trained_name) else "quantity"
    trained_positive, new_positive = trained.get("positive"), new.get("positive")
    if trained_positive and new_positive and trained_positive != new_positive:
        return "sign"
    return None


def quantity_text(record: Mapping[str, str]) -> str:
    """A record for a message: ``surface_upward_latent_heat_flux (positive up)``."""
    parts = [record["standard_name"]] if "standard_name" in record else []
    parts += [f"({'positive ' + record['positive']})" if parts else f"positive {record['positive']}"] \
        if "positive" in record else []
    return " ".join(parts)


def _renamed_attributes(name: str, trained: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """The ``ncap2`` statements that give ``name`` the run's ``standard_name`` and ``positive``
    where the data say otherwise."""
    return [f'{name}@{key}="{value}"' for key, value in _changed_attributes(trained, new).items()]


def _changed_attributes(trained: Mapping[str, str], new: Mapping[str, str]) -> dict[str, str]:
    """The run's ``standard_name`` and ``positive`` where the data say otherwise."""
    return {key: trained[key] for key in QUANTITY_ATTRIBUTES if key in trained and new.get(key) != trained[key]}


def _attributes_statement(name: str, attributes: Mapping[str, str]) -> str:
    """The statement of an xarray line on a Zarr store (:func:`~climann.data.shell.copy_command`)
    that sets ``attributes`` of the variable ``name`` of ``d``, as ncap2's ``name@key="value"``."""
    return f"d[{name!r}].attrs.update({dict(attributes)!r})"


def quantity_refusal(name: str, trained: Mapping[str, str], new: Mapping[str, str], *, where: str, file: str,
                     reference: str = "the model was trained on",
                     otherwise: str = "retrain the run on data in this convention",
                     own: str | None = None) -> str | None:
    """The one-line refusal of a variable whose quantity differs from the run's
    (:func:`quantity_clash`), with the command that converts a copy of its file; None when
    they agree.

    Parameters
    ----------
    name : str
        The variable.
    trained, new : mapping
        :func:`quantity_record` of it in the training data and in the new data.
    where : str
        The new data's files holding it, for the message.
    file : str
        The file the command converts (its copy is written into a new folder beside it).
    reference : str
        Says what ``trained`` is.
    otherwise : str
        The other way out of the opposite sign convention, after the command.
    own : str, optional
        The variable's own name in ``file`` when a ``[data] rename`` rule renamed it (ERA5's
        ``lsm`` read as ``sftlf``): the command names it so, or it could not change the file
        (break28b A3). Default ``name``.

    Returns
    -------
    str or None
    """
    clash = quantity_clash(trained, new)
    if clash is None:
        return None
    said = f"{name} in {where} is {quantity_text(new)}, {reference} {name} as {quantity_text(trained)}"
    stored = own or name
    liquid = liquid_equivalent(new.get("standard_name", ""))
    if clash == "quantity" and liquid and _same_quantity(liquid, trained["standard_name"]):
        script = shlex.quote(f'{stored}={stored}*DENSITY/1000; {stored}@standard_name="{liquid}"')
        water = [xarray_values(stored, f"{xarray_data(stored)} * DENSITY / 1000"),
                 _attributes_statement(stored, {"standard_name": liquid})]
        converted = _copied(file, "water_equivalent", lambda files: copy_command(f"ncap2 -s {script} {files}",
                                                                                 water, files))
        naming = _copied(file, "standard_name_fixed", lambda files: attribute_command(
            [ncatted_attribute("standard_name", stored, "o", "c", liquid)], files))
        return (f"{said}: a depth of snow, not its liquid water equivalent ({liquid}); it converts only through "
                f"the snow's density (fresh snow about 100 kg m-3), which is not known, never water's 1000 kg m-3; "
                f"give {name} as its water equivalent, e.g. with the snow's density in kg m-3 for DENSITY "
                f"({converted}), or, if its values already are a water equivalent, name it so ({naming})")
    if clash == "sign":
        script = shlex.quote("; ".join([f"{stored}=-{stored}", *_renamed_attributes(stored, trained, new)]))
        flipped = [xarray_values(stored, f"-{xarray_data(stored)}"),
                   _attributes_statement(stored, _changed_attributes(trained, new))]
        command = _copied(file, "sign_flipped", lambda files: copy_command(f"ncap2 -s {script} {files}", flipped,
                                                                           files))
        return (f"{said}: the opposite sign convention, its values would be taken with the wrong sign; convert a "
                f"copy ({command}), or {otherwise}")
    script = shlex.quote(f'{stored}@standard_name="{trained["standard_name"]}"')
    renamed = ncatted_attribute("standard_name", stored, "o", "c", trained["standard_name"])
    command = _copied(file, "standard_name_fixed", lambda files: attribute_command(
        [renamed], files, file_command=f"ncap2 -s {script} {files}"))
    return (f"{said}: another quantity (CF standard_name); give {name} as {trained['standard_name']}, or, if it "
            f"is that quantity and the attribute is wrong, correct it in a copy ({command})")


def _copied(file: str, folder: str, command: Callable[[str], str]) -> str:
    """``command(IN OUT)`` on ``file`` with its copy written into a new folder ``folder`` beside it,
    checked not there first, then the ``--data`` to give in its place
    (:func:`~climann.data.shell.one_copy_advice`): its copy written beside it (``co2_fixed.nc``) was
    taken with it by a glob over their folder, and a second paste stopped at ncap2's overwrite prompt
    (break57c A4). A file that is not there (a name in words) and a Zarr store, whose attributes are
    changed in place, are given the command on the file and its copy beside it, with its note."""
    beside = input_and_copy(file)
    return one_copy_advice(lambda files: command(files) + (in_place_note(files) if files == beside else ""), beside,
                           folder)
