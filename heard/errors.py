"""The one error a command raises to stop with a plain sentence instead of a traceback."""


class CommandError(Exception):
    """A command cannot go on; str(error) is one line for the person at the keyboard."""
