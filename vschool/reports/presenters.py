"""Cells of the PEP compliance tables, shared by the page and the CSV download.

Governors see counts from 1 to VSCHOOL_SUPPRESS_BELOW - 1 as "fewer than N", and no
percentage built on such a count, as it would give the count away.
"""

from vschool.reports.selectors import PhaseRow

NO_PEPS_DUE = "no PEPs due"
NONE_COMPLETED = "none completed"
COLUMNS = [
    "PEPs due",
    "Completed in term",
    "Completed in term %",
    "Initial PEPs due",
    "Initial PEPs in timescale",
    "Initial PEPs in timescale %",
    "Good or better %",
]


def _hidden(n: int, below: int | None) -> bool:
    return below is not None and 0 < n < below


def suppressed_count(n: int, below: int | None) -> str | int:
    return f"fewer than {below}" if _hidden(n, below) else n


def suppressed_pct(
    value: float | None, counts: tuple[int, ...], below: int | None, empty: str = NO_PEPS_DUE
) -> str | float:
    if value is None:
        return empty
    if any(_hidden(n, below) for n in counts):
        return "suppressed"
    return value


def row_cells(row: PhaseRow, suppress_below: int | None) -> list:
    """The row's seven values in COLUMNS order; `suppress_below` None shows every count."""
    b = suppress_below
    return [
        suppressed_count(row.due, b),
        suppressed_count(row.completed, b),
        suppressed_pct(row.completed_pct, (row.due, row.completed, row.due - row.completed), b),
        suppressed_count(row.initial_due, b),
        suppressed_count(row.initial_in_time, b),
        suppressed_pct(
            row.initial_pct,
            (row.initial_due, row.initial_in_time, row.initial_due - row.initial_in_time),
            b,
        ),
        suppressed_pct(
            row.good_pct, (row.completed, row.good, row.completed - row.good), b, NONE_COMPLETED
        ),
    ]
