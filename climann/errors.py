"""The one exception type for errors that a user can cause and fix, and the one for a run
that was stopped on request."""


class ClimannError(Exception):
    """A problem with the user's input (files, variables, options, configuration).

    The CLI prints its message as one line and exits with code 2; the message must say
    what is wrong and, where possible, how to fix it.
    """


class Interrupted(Exception):
    """A run stopped on request (SIGINT, SIGTERM, SIGHUP) after saving what continues it.

    Not an error: the CLI prints the message (which says how to continue) as one line and
    exits with ``exit_code``, 128 + the signal's number as shells report it (130 for
    SIGINT, 143 for SIGTERM, 129 for SIGHUP).
    """

    def __init__(self, message: str, *, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code
