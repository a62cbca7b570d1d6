"""Code lists from the DfE returns (SSDA903, school census, GIAS), shipped as CSV data.

The lists are data, not code: each CSV has a `code` and `label` column; see the
provenance notes in docs/code-lists.md.
"""

import csv
from functools import cache
from pathlib import Path

_DIR = Path(__file__).parent


@cache
def code_rows(name: str) -> tuple[dict[str, str], ...]:
    """Return every row of list `name` in file order (a `code` may repeat, e.g. column lists)."""
    with open(_DIR / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


@cache
def code_list(name: str) -> dict[str, dict[str, str]]:
    """Return the rows of code list `name` keyed by code, in file order."""
    return {row["code"]: row for row in code_rows(name)}


def choices(name: str) -> list[tuple[str, str]]:
    """Return (code, label) pairs for a model or form field."""
    return [(code, row["label"]) for code, row in code_list(name).items()]


def label(name: str, code: str | None) -> str:
    """Return the label of `code` in list `name`, or the code itself when it is not listed."""
    if not code:
        return ""
    row = code_list(name).get(code)
    return row["label"] if row else code
