"""Rejected rows, reported with file, line, column, value and reason."""

import csv
import io
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


def rejects_csv(rejects) -> str:
    """Return rejected rows as CSV text for download."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["file", "line", "column", "value", "reason"])
    for reject in rejects:
        writer.writerow([reject.file, reject.line, reject.column, reject.value, reject.reason])
    return out.getvalue()
