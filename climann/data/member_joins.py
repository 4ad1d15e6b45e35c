"""The printed line that joins an ensemble's member files into one file with a member axis.

Member files come one per member (HadCRUT5's, UKCP18's, 20CRv3's ``TMP2m.1900_mem001.nc``) or
one per member and time step, often a folder per member (NOAA NCEI's ERSSTv5 ensemble,
``ens001/ersst.v5.200101.ens001.nc``, Huang et al. 2020, doi:10.1175/JCLI-D-19-0395.1). The line
(:func:`member_join_python`) opens each member's files as one series along time
(``xarray.open_mfdataset``, ``combine = "by_coords"``) and joins the members along their axis
(``xarray.concat``): a join of the files of one time step alone held 1 step of 120
(break52d A1). A member said by a global attribute alone (20CRv3's ``ensemble_member``) is
moved onto the axis as its coordinate, per file, before the join.

Where is the joined file written: in a new folder ``members`` (``members_2`` … when taken:
:func:`climann.data.shell.copies_folder`) inside their folder when every member file is in one
folder, named after the first (``_members``): written beside them, the user's glob over the folder
took the join with the files it joins, and the next refusal joined the join again with member 1's
file as a control, and so on (break52c A1); in the folder that holds the members'
folders when they are several, outside every one of them: written into the first member's
folder, it turned that member's glob (``ersst/ens001/*.nc``, which trained) into a refusal of
two files of one ensemble (break52d A1). A member's files are then named by a glob of their
folder when one matches them and nothing else (:func:`climann.data.shell.shared_glob`), else
listed. The line writes a new file whole or not at all, never over one there
(:func:`climann.data.shell.whole_write`), and leaves out the global attributes the members disagree
on (``combine_attrs = "drop_conflicts"``: kept from the first file, a join of CMIP6's r1i1p1f1 and
r2i1p1f1 said ``variant_label = r1i1p1f1``, break52c A6).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from climann.data.shell import copies_folder, copy_path, shared_glob, whole_write, working_path

#: The new folder, inside the member files' one folder, that the join is written into.
MEMBERS_FOLDER = "members"

__all__ = ["joined_members_path", "member_join_python"]


def joined_members_path(files: Sequence[Path]) -> Path:
    """Where the join of the member ``files`` is written (see the module): in a new folder
    :data:`MEMBERS_FOLDER` inside theirs when they are in one folder, named after the first; else in
        the deepest folder holding all of theirs, named by the start every file's name shares
    (``ersst/ersst.v5_members.nc``; that folder's name when
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
    if len(folders) == 1:  # apart from them: a glob over their folder does not take it (break52c A1)
        return copies_folder(Path(files[0]).parent, MEMBERS_FOLDER) / f"{Path(files[0]).stem}_members.nc"
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
    >>> "xr.concat([xr.open_mfdataset(['nowhere/a1.nc'], combine='by_coords')" in code, str(path)
    (True, 'nowhere/members/a1_members.nc')
    """
    files = [path for paths in members.values() for path in paths]
    joined = joined_members_path(files)
    apart = os.path.abspath(joined.parent) not in {os.path.abspath(Path(path).parent) for path in files}
    # the attribute moved onto the axis: left global, the joined file would say one member of all
    labels = ("" if attribute is None else
              f", preprocess=lambda d: d.expand_dims({axis}=[d.attrs.pop({attribute!r})])")
    series = ", ".join(f"xr.open_mfdataset({_files_text(paths, apart)}, combine='by_coords'{labels})"
                       for paths in members.values())
    folder = working_path(joined.parent)
    made = "" if os.path.isdir(joined.parent) else f"import os; os.makedirs({folder!r}, exist_ok=True); "
    python = (f"import sys, xarray as xr; {made}"
              + whole_write(f"xr.concat([{series}], {axis!r}, combine_attrs='drop_conflicts').to_netcdf",
                            repr(working_path(joined))))
    return python, joined
