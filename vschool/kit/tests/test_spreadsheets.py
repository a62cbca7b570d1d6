"""The cell rule of the one spreadsheet writer, cell by cell, and its CSV and Excel files."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from vschool.kit.spreadsheets import (
    csv_cell,
    csv_response,
    formula_shaped,
    write_csv,
    xlsx_response,
)

CELLS = [
    # (value given, CSV cell written)
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("+1", "'+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-5", "'-5"),  # text that looks like a negative number is text: quoted
    (-5, -5),  # a number is a number, never touched
    (-2.5, -2.5),
    (Decimal("-1.50"), Decimal("-1.50")),
    (0, 0),
    ("Zoë O'Brien", "Zoë O'Brien"),
    ("a=b", "a=b"),  # only the first character counts
    (" =1", " =1"),  # a space first: spreadsheets read it as text
    ("'=already quoted", "'=already quoted"),
    ("", ""),
    (None, ""),
    (date(2026, 3, 31), "2026-03-31"),
    (datetime(2026, 3, 31, 9, 5), "2026-03-31T09:05:00"),
]


@pytest.mark.parametrize(("value", "written"), CELLS, ids=[repr(v) for v, _ in CELLS])
def test_the_cell_rule(value, written):
    assert csv_cell(value) == written
    assert type(csv_cell(value)) is type(written)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_owasp_start_is_formula_shaped(start):
    assert formula_shaped(f"{start}1") and not formula_shaped(f"x{start}1")


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_csv_file_reads_back_quoted_and_counts_its_rows():
    handle = io.StringIO(newline="")
    count = write_csv(handle, ["CHILD", "DOB"], [["=1", date(2012, 2, 1)], ["C2", None]])
    assert count == 2
    assert _read(handle.getvalue()) == [["CHILD", "DOB"], ["'=1", "2012-02-01"], ["C2", ""]]


def test_a_csv_download_streams_with_a_byte_order_mark():
    rows = (row for row in [["+44 20", 3], ["Ann", -1]])  # a generator: read as it streams
    response = csv_response(["Name", "Count"], rows, "names.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="names.csv"'
    body = response.getvalue()
    assert body.startswith("\ufeff".encode())
    assert _read(body.decode("utf-8-sig")) == [["Name", "Count"], ["'+44 20", "3"], ["Ann", "-1"]]


def test_an_excel_file_holds_text_as_text_never_a_formula():
    values = [value for value, _ in CELLS if value not in ("", None)]
    response = xlsx_response("Sheet", ["Value"], ([value] for value in values), "cells.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="cells.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["Sheet"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells if cell.data_type == "f"] == []
    for value, cell in zip(values, cells, strict=True):
        if isinstance(value, str):  # exact text, quote-prefixed when a formula's shape
            # (an XML reader hands a carriage return back as a line feed)
            assert (cell.value, cell.data_type) == (value.replace("\r", "\n"), "s")
            assert cell.quotePrefix == formula_shaped(value)
        elif isinstance(value, date):
            assert cell.is_date and cell.value in (
                value,
                datetime.combine(value, datetime.min.time()),
            )
        else:
            assert cell.data_type == "n" and cell.value == value


def test_a_carriage_return_inside_a_cell_never_starts_a_row():
    """With "\n" line endings a bare "\r" would start a row at "=cmd" in a spreadsheet."""
    handle = io.StringIO(newline="")
    write_csv(handle, ["CHILD"], [["C1\r=cmd|' /C calc'!A0"], ["C2\n+1"]], lineterminator="\n")
    assert handle.getvalue().endswith("\n") and "\r\n" not in handle.getvalue()
    assert _read(handle.getvalue()) == [["CHILD"], ["C1\r=cmd|' /C calc'!A0"], ["C2\n+1"]]
