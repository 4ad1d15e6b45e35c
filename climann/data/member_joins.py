"""The printed line that joins an ensemble's member files into one file with a member axis.

Member files come one per member (HadCRUT5's, UKCP18's, 20CRv3's ``TMP2m.1900_mem001.nc``) or
one per member and time step, often a folder per member (NOAA NCEI's ERSSTv5 ensemble,
``ens001/ersst.v5.200101.ens001.nc``, Huang et al. 2020, doi:10.1175/JCLI-D-19-0395.1). The line
(:func:`member_join_python`) opens each member's files as one series along time
(``xarray.open_mfdataset``, ``combine = "by_coords"``) and joins the members along their axis
(``xarray.concat``): a join of the files of one time step alone held 1 step of 120
(break52d A1). A member said by a global attribute alone (20CRv3's ``ensemble_member``) is
moved onto the axis as its coordinate, per file, before the join.

Where is the joined file written: beside the first file when every member file is in one folder
(:func:`climann.data.shell.copy_path`, ``_members``); in the folder that holds the members'
folders when they are several, outside every one of them: written into the first member's
folder, it turned that member's glob (``ersst/ens001/*.nc``, which trained) into a refusal of
two files of one ensemble (break52d A1). A member's files are then named by a glob of their
folder when one matches them and nothing else (:func:`climann.data.shell.shared_glob`), else
listed. The line writes a new file whole or not at all, never over one there
(:func:`climann.data.shell.whole_write`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from climann.data.shell import copy_path, shared_glob, whole_write, working_path

__all__ = ["joined_members_path", "member_join_python"]


def joined_members_path(files: Sequence[Path]) -> Path:
    """Where the join of the member ``files`` is written (see the module): beside the first when
    they are in one folder, named after it; else in the deepest folder holding all of theirs, named
    by the start every file's name shares (``ersst/ersst.v5_members.nc``; that folder's name when
    they share none), ``_members``, a free name (:func:`climann.data.shell.copy_path`).

    Parameters
    ----------
    files : sequence of Path
        Every member's files, as given.

    Returns
    -------
    Path
    """
    folders = {os.path.abspath(Path(path).parent) for path in files}
    if len(folders) == 1:
        return copy_path(files[0], "members")
    common = Path(os.path.commonpath(sorted(folders)))
    # named by the whole words every file's name begins with (ersst.v5, not ersst.v5.200), not after one
    # member's one month
    start = os.path.commonprefix([Path(path).name for path in files])
    shared = re.sub(r"[._-]+$", "", re.sub(r"^(.*[._-]).*$", r"\1", start)) or common.name
    return copy_path(common / f"{shared}{Path(files[0]).suffix}", "members")


def _files_text(paths: Sequence[Path], apart: bool) -> str:
    """A member's files in the printed Python: one glob of their folder that matches them alone when
    the join is written ``apart`` from them (a glob beside the join could take it in), else their list."""
    pattern = shared_glob(paths) if apart else None
    if pattern is not None:
        return repr(working_path(pattern))
    return "[" + ", ".join(repr(working_path(path)) for path in paths) + "]"


def member_join_python(members: Mapping[object, Sequence[Path]], axis: str, *, attribute: str | None = None
                       ) -> tuple[str, Path]:
    """The Python statements of a ``python -c`` line that joins member files along ``axis``, and
    the file they write.

    Parameters
    ----------
    members : mapping
        Member → its files (one, or one per time step), in the order the members are joined.
    axis : str
        The member axis (``realization``, ``ensemble_member``).
    attribute : str, optional
        The global attribute that alone says a file's member: moved onto ``axis`` as its coordinate.

    Returns
    -------
    (str, Path)
        The statements (``import sys, xarray as xr; …``) and the joined file.

    Examples
    --------
    >>> code, path = member_join_python({1: [Path("nowhere/a1.nc")], 2: [Path("nowhere/a2.nc")]}, "realization")
    >>> "xr.concat([xr.open_mfdataset(['nowhere/a1.nc'], combine='by_coords')" in code, path.name
    (True, 'a1_members.nc')
    """
    files = [path for paths in members.values() for path in paths]
    joined = joined_members_path(files)
    apart = os.path.abspath(joined.parent) not in {os.path.abspath(Path(path).parent) for path in files}
    # the attribute moved onto the axis: left global, the joined file would say one member of all
    labels = ("" if attribute is None else
              f", preprocess=lambda d: d.expand_dims({axis}=[d.attrs.pop({attribute!r})])")
    series = ", ".join(f"xr.open_mfdataset({_files_text(paths, apart)}, combine='by_coords'{labels})"
                       for paths in members.values())
    python = ("import sys, xarray as xr; "
              + whole_write(f"xr.concat([{series}], {axis!r}).to_netcdf", repr(working_path(joined))))
    return python, joined
