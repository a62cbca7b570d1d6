"""Rejected rows, reported with file, line, column, value and reason."""

from dataclasses import dataclass

from django.http import StreamingHttpResponse

from vschool.kit.spreadsheets import csv_response


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


def rejects_csv(rejects, filename: str) -> StreamingHttpResponse:
    """Rejected rows as a CSV download: their values come from the file, so from anyone."""
    rows = ([r.file, r.line, r.column, r.value, r.reason] for r in rejects)
    return csv_response(["file", "line", "column", "value", "reason"], rows, filename)
