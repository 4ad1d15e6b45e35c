"""NetCDF files under other endings that a folder given as ``--data`` leaves out.

A folder gives its ``*.nc`` files (:func:`~climann.data.paths.matched_paths`); NASA's GES DISC
writes MERRA-2, GLDAS and IMERG as ``*.nc4``, which are read when named (by a glob) but not taken
from a folder. A folder of such files alone is refused naming them; one that also holds ``*.nc``
files read those only, and said nothing of the others (break55a A5: three MERRA-2 ``*.nc4``
beside ``era5_t850.nc``, then "target variable 'T2M' not in era5_t850.nc"). Now the files left
out are named in a warning (:func:`left_out_note`), and a variable missing from the files read
is looked for in them (:func:`left_out_holding`), the refusal naming where it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from climann.data.paths import NETCDF_SUFFIXES

__all__ = ["left_out_files", "left_out_holding", "left_out_note"]

#: At most so many headers are read to find a missing variable among the files left out.
_MOST_HEADERS = 200


def left_out_files(folder: Path) -> list[Path]:
    """The files of ``folder`` named as NetCDF under another ending than ``.nc``
    (:data:`~climann.data.paths.NETCDF_SUFFIXES`, any case), which the folder given as a path
    does not give; sorted.

    Examples
    --------
    >>> left_out_files(Path("/nonexistent"))
    []
    """
    try:
        return sorted(entry for entry in folder.iterdir() if entry.suffix.lower() in NETCDF_SUFFIXES
                      and entry.is_file() and not entry.name.startswith("."))
    except OSError:
        return []


def _glob_text(folder: Path, files: Sequence[Path]) -> str:
    """``--data 'data/*.nc4'``: the glob of each ending among ``files``."""
    import shlex

    endings = dict.fromkeys(file.suffix for file in files)
    return " ".join(f"--data {shlex.quote(str(folder / f'*{ending}'))}" for ending in endings)


def _files_text(files: Sequence[Path]) -> str:
    """``a.nc4, b.nc4 and 3 more``."""
    shown = ", ".join(file.name for file in files[:2])
    return shown + (f" and {len(files) - 2} more" if len(files) > 2 else "")


def left_out_note(folder: Path, read: int, files: Sequence[Path]) -> str:
    """The warning that the folder ``folder``, of which ``read`` ``*.nc`` files are read, leaves
    out ``files`` (:func:`left_out_files`), and the glob that gives them too."""
    endings = ", ".join(f"*{ending}" for ending in dict.fromkeys(file.suffix for file in files))
    return (f"{folder} gives its *.nc files only ({read} read); it also holds {len(files)} {endings} file"
            f"{'s' if len(files) > 1 else ''} ({_files_text(files)}), which are not read: to read them too, give "
            f"them by a glob as well ({_glob_text(folder, files)})")


def left_out_holding(read: Iterable[str | Path], name: str) -> str:
    """Where the variable ``name``, missing from the files ``read``, is among the files their
    folders leave out (:func:`left_out_files`), for a refusal: ``"; 'T2M' is in
    MERRA2_….nc4 … beside them, which a folder given leaves out (it gives its *.nc files only):
    give them too (--data 'data/*.nc4')"``; ``""`` when none holds it."""
    from climann.data.shared_handles import plain_header

    folders = dict.fromkeys(Path(file).parent for file in read)
    for folder in folders:
        holding = []
        for path in left_out_files(folder)[:_MOST_HEADERS]:
            try:
                header = plain_header(path)  # its header only, nothing decoded, read once per run
                held = name in header.variables and name not in header.dims
            except Exception:  # noqa: BLE001 - a file that cannot be read holds nothing to name
                continue
            if held:
                holding.append(path)
        if holding:
            return (f"; '{name}' is in {_files_text(holding)} beside them in {folder}, which a folder given as a "
                    f"path leaves out (it gives its *.nc files only): give those files too "
                    f"({_glob_text(folder, holding)})")
    return ""
