"""The library's one kind of bad-argument error.

A library function called from a notebook names its own arguments when an input is
bad (``replicates: must be at least 1, got 0``), never a command-line flag the caller
never typed. `ArgumentError` carries the argument's name and the reason apart, so the
command line can say the same with its flag (``--replicates``; sim/cli/_args.py maps
them).
"""

from __future__ import annotations


class ArgumentError(ValueError):
    """Bad value of a named argument: ``argument`` names it, ``detail`` says what is
    wrong and what is allowed; ``str()`` is ``"argument: detail"``."""

    def __init__(self, argument: str, detail: str):
        self.argument = argument
        self.detail = detail
        super().__init__(f"{argument}: {detail}")

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.argument, self.detail))
