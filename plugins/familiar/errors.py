"""The one shape every content problem takes: file, line, field, message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class FieldError:
    """A problem a member can fix, printed as `path:line: field: message`."""

    path: str
    line: int
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ContentErrors(SystemExit):
    """Content has problems: the build stops with every problem listed and exit status 1.

    A SystemExit, not an Exception, on purpose: Pelican logs any Exception with a full traceback,
    and a member who mistyped a field needs the list of problems, not a stack trace.
    """

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(1)
        self.errors = sorted(errors)

    def __str__(self) -> str:
        return summary(self.errors)


def summary(errors: list[FieldError]) -> str:
    """'1 problem found' / 'N problems found' followed by one line each."""
    n = len(errors)
    head = f"{n} problem{'s' if n != 1 else ''} found in content; fix {'it' if n == 1 else 'them'} and build again:"
    return "\n".join([head, *(str(e) for e in errors)])


class UsageError(Exception):
    """A command-line mistake: printed as one line, exit status 2 (cli.py)."""
