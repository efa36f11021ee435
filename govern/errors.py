"""User-facing error types: each names the file, the place and what is wrong, in plain words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, at one place.

    `line` and `column` are 1-based; 0 means the problem concerns the whole file.
    """

    file: str
    line: int
    column: int
    field: str
    message: str

    def format(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class GovernError(Exception):
    """Base of every error the CLI turns into a message and an exit code instead of a traceback."""

    exit_code = 2

    def diagnostics(self) -> list[str]:
        """Lines to show the user, each complete on its own."""
        return [str(self)]


class InputError(GovernError):
    """One or more input files are malformed; all their problems are reported at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(set(problems))
        super().__init__("; ".join(p.format() for p in self.problems))

    def diagnostics(self) -> list[str]:
        return [p.format() for p in self.problems]

    @classmethod
    def single(
        cls, file: str, message: str, line: int = 0, column: int = 0, field: str = ""
    ) -> InputError:
        return cls([Problem(file, line, column, field, message)])


class UsageError(GovernError):
    """The command was called in a way that cannot work (bad option value, missing directory)."""


def merge_problems(errors: Sequence[InputError]) -> InputError:
    """Combine the problems of several files so the user sees everything in one run."""
    return InputError(p for e in errors for p in e.problems)
