"""The one exception type for errors that a user can cause and fix."""


class ClimannError(Exception):
    """A problem with the user's input (files, variables, options, configuration).

    The CLI prints its message as one line and exits with code 2; the message must say
    what is wrong and, where possible, how to fix it.
    """
