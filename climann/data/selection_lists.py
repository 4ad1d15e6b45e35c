"""A selection of several values of one dimension (``--select number=2,4``): refused, never read as one.

A selection (``[data] select``, ``--select DIM=VALUE``; :func:`climann.data.subset.select_values`)
keeps one value of each extra dimension, and a run trains on one ensemble member or level at a
time (``docs/own-data.md``: "climann trains on one member at a time"). The command line writes
lists comma-separated (``--hidden 64,64``), so ``number=2,4`` looks like two members; read as one
value it was a number with units: pint reads ``2,4`` as 2 × 4, and member 8 was selected without
a word (break42c A1). A list is therefore refused where the configuration is read, and again
where a value is selected (a selection given through the Python API), naming the way that
exists: one run (or one ``info``) per value, the same command with ``--select DIM=VALUE`` each
time, or for ``train`` a sweep over ``data.select`` (``climann sweep``), which trains one run per
value and compares them.

Several values are a TOML list (``select = {number = [2, 4]}``) or a text of numbers separated by
commas, each with or without units (``"2,4"``, ``"500 hPa,850 hPa"``; a decimal written with a
comma, ``"2,5"``, is refused the same way: a selection writes decimals with a point). A text with a
comma that is not a list of numbers (a station named ``"Paris, France"``) is one value.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from collections.abc import Mapping
from pathlib import Path

__all__ = ["listed_values", "several_values_message", "sweep_file_command"]

#: One number, optionally signed, with a decimal point and an exponent (TOML's and Python's
#: decimal form), then optionally units (``850 hPa``, ``1560 m``) that do not begin with a digit.
_NUMBER_WITH_UNITS = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?:\s*[^\d\s.,+-][^,]*)?\s*")


def listed_values(value: object) -> list[str] | None:
    """The values that ``value``, one dimension's selection, lists: ``["2", "4"]`` for ``"2,4"``
    or ``[2, 4]``; None for one value (a number, a number with units, a label).

    Parameters
    ----------
    value : object
        A selection's value as written: an int, float or str, or a list or tuple (a TOML array).

    Returns
    -------
    list of str or None
        Each listed value as written, blanks around it removed; None when ``value`` is one value.

    Examples
    --------
    >>> listed_values("2,4"), listed_values("1560 m"), listed_values("Paris, France")
    (['2', '4'], None, None)
    """
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value]
    if not isinstance(value, str) or "," not in value:
        return None
    parts = value.split(",")
    if all(_NUMBER_WITH_UNITS.fullmatch(part) for part in parts):
        return [part.strip() for part in parts]
    return None


def several_values_message(dim: str, values: list[str], *, where: str = "--select", command: str | None = None,
                           others: Mapping[str, object] | None = None, run_lines: list[str] | None = None) -> str:
    """One line refusing the selection of the ``values`` of ``dim``: a selection keeps one value
    of a dimension, and the way to use each is one command per value.

    Parameters
    ----------
    dim : str
        The dimension (``number``).
    values : list of str
        As :func:`listed_values` gives them.
    where : str
        Where the selection was given (``[data] select``, ``--select``).
    command : str, optional
        The climann command (``train``, ``info``, ``predict``, ``evaluate``) whose loop is shown; None:
        ``train``.
    others : mapping, optional
        The selection's other dimensions (``{"plev": 500}``), kept in each value of the sweep.
    run_lines : list of str, optional
        The run's settings as TOML lines (``[data]``, ``paths = [...]``, ``target = "t2m"``); given,
        the ``train`` advice is a command that writes them and the ``[sweep]`` lines into a sweep
        file and runs it (:func:`sweep_file_command`); else the ``[sweep]`` lines alone.

    Returns
    -------
    str
    """
    from climann.data.members import MEMBER_NAMES  # members.py imports xarray: not on the config's import path

    shown = ",".join(values)
    first = values[0] if values else "VALUE"
    loop_words = [shlex.quote(value) for value in values] or ["VALUE"]
    command = command or "train"
    quote = '"' if any(not value.isalnum() for value in values) else ""  # "500 hPa" stays one word of $v
    out = {"train": f"runs/{dim}$v", "predict": f"{dim}$v.nc", "evaluate": f"{dim}$v"}.get(command)
    out = f" --out {quote}{out}{quote}" if out else ""
    loop = f"for v in {' '.join(loop_words)}; do climann {command} … --select {quote}{dim}=$v{quote}{out}; done"
    if command == "train":  # climann sweep trains one run per value of a key, and compares them
        kept = "".join(f", {key} = {_toml_value(str(item))}" for key, item in (others or {}).items())
        entries = ", ".join(f"{{{dim} = {_toml_value(value)}{kept}}}" for value in values)
        sweep = ["[sweep]", 'key = "data.select"', f"values = [{entries}]"]
        written = (sweep_file_command([*run_lines, *sweep]) if run_lines is not None else
                   f"climann sweep SWEEP.toml with {' '.join(sweep[:2])}, {sweep[2]}")
        loop = f"{written} (trains each and compares them), or {loop}"
    decimal = (f"; a decimal is written with a point ({values[0]}.{values[1]}, not {shown})"
               if len(values) == 2 and values[0].lstrip("+-").isdigit() and values[1].isdigit()
               and dim not in MEMBER_NAMES else "")  # members are counted, never decimals
    return (f"{where}: {dim}={shown} gives {len(values)} values, and a selection keeps one value of each dimension "
            f"({dim}={first}): a run uses one ensemble member or level at a time; for several, run once per value: "
            f"{loop}{decimal}")


def sweep_file_command(lines: list[str], *, folder: str | Path = ".") -> str:
    r"""A shell command that writes the TOML ``lines`` into a new sweep file and runs it:
    ``printf '%s\n' '[data]' … > select.toml && climann sweep select.toml``, one line that a
    refusal can print whole (a sweep file of ``[sweep]`` alone names no data: rerun42 N3). The
    file is named ``select.toml`` (runs ``runs/select-number-2`` …), or ``select-2.toml`` … when
    that name is taken in ``folder`` (the working directory): the command replaces no file.

    Examples
    --------
    >>> print(sweep_file_command(["[data]", 'paths = ["a.nc"]'], folder="/nonexistent").split("} && ")[-1])
    printf '%s\n' '[data]' 'paths = ["a.nc"]' > select.toml && climann sweep select.toml
    """
    name = next(f"select{suffix}.toml" for suffix in ("", *(f"-{n}" for n in range(2, 1000)))
                if not (Path(folder) / f"select{suffix}.toml").exists())
    from climann.data.shell import none_there

    # the shell's > writes over a file there (followed twice: the user's edits of it lost): none_there first
    return f"{none_there(name)}printf '%s\\n' {' '.join(map(shlex.quote, lines))} > {name} && climann sweep {name}"


def _toml_value(text: str) -> str:
    """``2`` → ``2``, ``500 hPa`` → ``"500 hPa"``: a listed value as a TOML value, as
    :func:`climann.workflow.config.parse_selection` reads the same text."""
    try:
        value = tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return json.dumps(text)
    return text if isinstance(value, (int, float)) and not isinstance(value, bool) else json.dumps(text)
