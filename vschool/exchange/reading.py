"""Read the CSV files that social care systems and the DfE produce.

Files come as UTF-8 (with or without a byte-order mark) or Windows-1252; dates as
dd/mm/yyyy, dd-mm-yyyy (GIAS) or ISO yyyy-mm-dd.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass
class CsvTable:
    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number, row) with the header on line 1


def decode(data: bytes) -> str:
    """Decode UTF-8 (dropping a byte-order mark) or, failing that, Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_table(name: str, data: bytes) -> CsvTable:
    """Parse CSV bytes into rows keyed by stripped column names; values are stripped."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return CsvTable(name, [], [])
    columns = [column.strip() for column in header]
    rows = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        values = [cell.strip() for cell in row] + [""] * (len(columns) - len(row))
        rows.append((reader.line_num, dict(zip(columns, values, strict=False))))
    return CsvTable(name, columns, rows)


def parse_date(value: str) -> date:
    """Parse dd/mm/yyyy, dd-mm-yyyy or yyyy-mm-dd; raise ValueError with a reason."""
    value = value.strip()
    if match := _DMY.match(value):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.match(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError("is not a date in the form dd/mm/yyyy or yyyy-mm-dd")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("is not a real date") from None
