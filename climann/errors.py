"""The one exception type for errors that a user can cause and fix, and the one for a run
that was stopped on request."""

from climann.data.notes import with_store_notes


class ClimannError(Exception):
    """A problem with the user's input (files, variables, options, configuration).

    The CLI prints its message as one line and exits with code 2; the message must say
    what is wrong and, where possible, how to fix it. A zarr-python line in it that changes a
    store in place is followed by the words that say so and the line that undoes it
    (:func:`climann.data.notes.with_store_notes`): ``str(error)`` says it to a Python caller as
    the command line does (fix54b).
    """

    def __init__(self, *args: object) -> None:
        if len(args) == 1 and isinstance(args[0], str):
            args = (with_store_notes(args[0]),)
        super().__init__(*args)


class Interrupted(Exception):
    """A run stopped on request (SIGINT, SIGTERM, SIGHUP) after saving what continues it.

    Not an error: the CLI prints the message (which says how to continue) as one line and
    exits with ``exit_code``, 128 + the signal's number as shells report it (130 for
    SIGINT, 143 for SIGTERM, 129 for SIGHUP).
    """

    def __init__(self, message: str, *, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: The most characters of a library's message quoted in a :class:`ClimannError`'s one line.
LIBRARY_MESSAGE_LIMIT = 200


def library_message(error: BaseException, *, limit: int = LIBRARY_MESSAGE_LIMIT) -> str:
    """A library's error message as quoted in one line: its first line, cut at ``limit``
    characters (ending "…"), or the exception's type name when it says nothing.

    Libraries may put whole attribute dictionaries or arrays in a message (xarray's attribute
    conflicts run to 1000 characters); the line a user reads names the problem and the way
    out, and quotes only the start.

    Parameters
    ----------
    error : BaseException
    limit : int, keyword-only

    Returns
    -------
    str
        At most ``limit`` characters, on one line.

    Examples
    --------
    >>> library_message(ValueError("x" * 300), limit=10)
    'xxxxxxxxx…'
    """
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
