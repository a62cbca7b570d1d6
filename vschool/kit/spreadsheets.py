"""The one writer of the CSV and Excel files the system hands out, so that no text from an
import, a form or a sign-in attempt reaches a spreadsheet as a formula (OWASP, CSV
injection). Every download, and the SSDA903 return's files, are written here.

The cell rule: text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
formula-shaped. In a CSV it gets a leading `'`, which a spreadsheet shows and never runs.
Text that looks like a negative number ("-5") is quoted too: telling "-5" from "-5+A1"
would mean parsing formulas, and every figure the system works out is passed as a number
(int, float, Decimal) and written as it is, so a real -5 stays a number. Dates are written
as ISO dates in a CSV and as date cells in Excel. In an Excel file text is always a text
cell, never a formula; formula-shaped text keeps its exact value, with Excel's own quote
prefix (what Excel records when someone types '=...), so it also stays text when edited.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from io import BytesIO
from itertools import chain
from typing import IO, Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so Excel reads the UTF-8 of names such as Zoë or Łukasz correctly
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = Sequence[Any]


def formula_shaped(text: str) -> bool:
    """Whether a spreadsheet would read `text`, opened as a cell, as a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """One CSV cell: formula-shaped text quoted, dates ISO, None blank, numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return f"'{value}" if formula_shaped(value) else value
    return value


class _Echo:
    """A file that hands back what is written to it, so rows stream as they are made."""

    def write(self, value: str) -> str:
        return value


def _lines(header: Row, rows: Iterable[Row], lineterminator: str = "\r\n") -> Iterator[str]:
    """The CSV lines of a file, each ended by `lineterminator`.

    The csv writer ends its rows "\r\n" so that it quotes every cell holding a CR or LF:
    told "\n", Python 3.11's leaves a lone "\r" bare, and a spreadsheet starts a row there.
    """
    writer = csv.writer(_Echo())
    for row in chain([header], rows):
        written = writer.writerow([csv_cell(value) for value in row])
        yield written.removesuffix("\r\n") + lineterminator


def write_csv(
    handle: IO[str], header: Row, rows: Iterable[Row], *, lineterminator: str = "\r\n"
) -> int:
    """Write the header and `rows` to an open text file; return how many rows follow the header.

    For files that are not downloads in their own right (the SSDA903 return's, in a zip).
    """
    count = -1
    for line in _lines(header, rows, lineterminator):
        handle.write(line)
        count += 1
    return count


def csv_response(header: Row, rows: Iterable[Row], filename: str) -> StreamingHttpResponse:
    """A CSV download named `filename`, streamed row by row so a long list never sits in
    memory, with a byte-order mark first for Excel."""
    lines = chain([BOM], _lines(header, rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """Text as a text cell (openpyxl would make "=..." a formula); anything else as it is."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = formula_shaped(value)
    return cell


def xlsx_response(sheet_name: str, header: Row, rows: Iterable[Row], filename: str) -> HttpResponse:
    """An Excel download named `filename`, of one sheet: text cells, real numbers and dates."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for row in chain([header], rows):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
