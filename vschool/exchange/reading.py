"""Read the CSV files that social care systems and the DfE produce.

Files come as UTF-8 (with or without a byte-order mark) or Windows-1252; dates as
dd/mm/yyyy, dd-mm-yyyy (GIAS) or ISO yyyy-mm-dd.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from vschool.exchange.problems import Reject

_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass
class CsvTable:
    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number, row) with the header on line 1
    rejects: list[Reject] = field(default_factory=list)  # lines that could not be read
    unreadable: bool = False  # the file is not CSV at all


def decode(data: bytes) -> str:
    """Decode UTF-8 (dropping a byte-order mark) or, failing that, Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_table(name: str, data: bytes) -> CsvTable:
    """Parse CSV bytes into rows keyed by stripped column names; values are stripped.

    Never raises: a file that is not CSV is marked unreadable, and a line holding a NUL
    character (which no database text column accepts) is rejected, not read.
    """
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    table = CsvTable(name, [], [])
    try:
        header = next(reader, [])
        table.columns = [column.strip() for column in header]
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if any("\x00" in cell for cell in row):
                table.rejects.append(
                    Reject(name, reader.line_num, "", "", "The line holds a NUL character")
                )
                continue
            values = [cell.strip() for cell in row] + [""] * (len(table.columns) - len(row))
            table.rows.append((reader.line_num, dict(zip(table.columns, values, strict=False))))
    except csv.Error as error:
        table.unreadable = True
        table.rejects.append(Reject(name, reader.line_num, "", "", f"The file is not CSV: {error}"))
    if any("\x00" in column for column in table.columns):
        table.unreadable = True
        table.rejects.append(Reject(name, 1, "", "", "The header line holds a NUL character"))
    return table


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
