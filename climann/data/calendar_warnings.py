"""cftime's warnings on years before 1, left out of climann's commands.

Imports the standard library only: the command line wraps every command in
:func:`without_cftime_year_warnings` before it has read its options, and a mistaken flag is
told before xarray is imported.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator

#: What cftime warns (``CFWarning``) of every date in a year before 1 of the ``standard`` or
#: ``julian`` calendar, a Julian Day's origin included, from each call that reads or writes one
#: (five Python warnings with their source lines for one ``climann info``, break40c C5). CF never
#: fixed how such years count (cf-conventions issue 298); climann says what it needs of them in
#: its own words (a year 0 refused, :func:`climann.data.time_values.year_zero_message`; a
#: reference before 1582, :func:`climann.data.time_values.early_reference_problem`).
CFTIME_YEAR_WARNING = "this date/calendar/year zero convention is not supported by CF"


@contextlib.contextmanager
def without_cftime_year_warnings() -> Iterator[None]:
    """Leave out cftime's :data:`CFTIME_YEAR_WARNING` while the block runs (a command)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=re.escape(CFTIME_YEAR_WARNING))
        yield
