"""Rejected rows, reported with file, line, column, value and reason."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Reject:
    file: str
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}"
        if self.column:
            where += f", column {self.column}"
        shown = f" (value {self.value!r})" if self.value else ""
        return f"{where}: {self.reason}{shown}"
