"""Check an SSDA903 return row by row and turn the valid rows into typed records.

Every problem becomes a Reject naming file, line, column and reason; nothing here writes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError

from vschool.cohort.models import validate_upn
from vschool.exchange.problems import Reject
from vschool.exchange.reading import CsvTable, parse_date
from vschool.exchange.ssda903.spec import (
    CODED,
    DATES,
    EPISODES,
    FILES,
    FLAGS,
    HEADER,
    LONGEST,
    REQUIRED,
    SDQ_SCORES,
    codes,
    la_perm_codes,
)
from vschool.kit.spreadsheets import formula_shaped

PROGRESS_EVERY = 5000


@dataclass
class ParsedReturn:
    """The valid rows of a return, keyed for the import, and everything rejected."""

    header: dict[str, dict] = field(default_factory=dict)
    episodes: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    uasc: dict[str, dict] = field(default_factory=dict)
    oc3: dict[str, dict] = field(default_factory=dict)
    reviews: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    missing: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    oc2: dict[str, dict] = field(default_factory=dict)
    ad1: dict[str, dict] = field(default_factory=dict)
    placed_for_adoption: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    previous_permanence: dict[str, dict] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    rows_read: int = 0
    file_rejected: bool = False  # a required file is missing: nothing can be imported
    files_read: set[str] = field(default_factory=set)
    progress: object = None
    collection_year: int | None = None  # set by the import: stated, or read from episodes
    year_stated: bool = False


def parse_return(tables: dict[str, CsvTable], progress=None) -> ParsedReturn:
    """Check every file of the return; keep the rows that pass, list those that do not.

    `progress`, if given, is called now and then with the number of rows checked so far.
    """
    parsed = ParsedReturn()
    parsed.progress = progress
    for spec in FILES:
        table = tables.get(spec.name)
        if table is None:
            if spec.required:
                # Said once: not again for every row of the files that lean on it.
                parsed.rejects.append(
                    Reject(spec.filename, 0, "", "", f"{spec.filename} is missing")
                )
                parsed.file_rejected = True
            continue
        rows = _check_file(spec, table, parsed)
        parsed.rows_read += len(table.rows)
        parsed.files_read.add(spec.name)
        target = getattr(parsed, spec.name)
        for line, row in rows:
            row["_line"] = line
            if spec.many:
                target[row["CHILD"]].append(row)
            else:
                target[row["CHILD"]] = row
    if parsed.file_rejected:
        return parsed
    _check_children_exist(parsed)
    _check_episode_sequences(parsed)
    return parsed


def _check_file(spec, table: CsvTable, parsed: ParsedReturn) -> list[tuple[int, dict]]:
    """Check columns and cells; return the (line, typed row) pairs with no problem."""
    parsed.rejects.extend(table.rejects)
    if table.unreadable:
        return []
    missing = [column for column in spec.columns if column not in table.columns]
    for column in missing:
        parsed.rejects.append(Reject(spec.filename, 1, column, "", "The column is missing"))
    if any(column in REQUIRED for column in missing) or "CHILD" in missing:
        return []
    present = [column for column in spec.columns if column in table.columns]
    seen: dict[tuple, int] = {}
    good = []
    for index, (line, raw) in enumerate(table.rows, start=1):
        if parsed.progress and index % PROGRESS_EVERY == 0:
            parsed.progress(parsed.rows_read + index)
        problems = []
        row = {}
        for column in present:
            value, problem = _check_cell(column, raw.get(column, ""))
            row[column] = value
            if problem:
                problems.append(Reject(spec.filename, line, column, raw.get(column, ""), problem))
        if not problems:
            key = tuple(row[column] for column in spec.key)
            if key in seen:
                names = " and ".join(spec.key)
                problems.append(
                    Reject(
                        spec.filename,
                        line,
                        "",
                        ",".join(map(str, key)),
                        f"Duplicate row: same {names} as line {seen[key]}",
                    )
                )
            else:
                seen[key] = line
        parsed.rejects.extend(problems)
        if not problems:
            good.append((line, row))
    return good


def _check_cell(column: str, value: str) -> tuple[object, str | None]:
    """Return the typed value of one cell and the reason it is wrong, if it is."""
    if not value:
        return (None if column in DATES else ""), (
            "A value is required" if column in REQUIRED else None
        )
    if column in DATES:
        try:
            return parse_date(value), None
        except ValueError as error:
            return None, f"The date {error}"
    if column in CODED and value not in codes(column):
        return value, f"{value} is not a valid {column} code"
    if column == "UPN":
        try:
            validate_upn(value)
        except ValidationError as error:
            return value, error.messages[0]
    if column in FLAGS and value not in ("0", "1"):
        return value, f"{column} must be 1 (yes) or 0 (no)"
    if column == "SDQ_SCORE" and not (
        value.isascii() and value.isdigit() and int(value) in SDQ_SCORES
    ):
        return value, "SDQ_SCORE must be a whole number from 0 to 40"
    if column == "LA_PERM" and value not in la_perm_codes():
        return value, "LA_PERM must be a 3-digit LA code or WAL, SCO, NIR, NUK or 999"
    if formula_shaped(value):  # so the return goes back out exactly (ssda903/export.py)
        return value, f"{column} cannot start with {value[0]}: a spreadsheet would run it"
    if column in LONGEST and len(value) > LONGEST[column]:
        return value, f"{column} has at most {LONGEST[column]} characters"
    return value, None


def _check_children_exist(parsed: ParsedReturn) -> None:
    """Reject rows about a child the header does not list (the 903's file linkage rule)."""
    for spec in FILES[1:]:
        rows = getattr(parsed, spec.name)
        for child in [child for child in rows if child not in parsed.header]:
            for row in rows[child] if spec.many else [rows[child]]:
                parsed.rejects.append(
                    Reject(
                        spec.filename,
                        row["_line"],
                        "CHILD",
                        child,
                        f"CHILD {child} is not in {HEADER.filename}",
                    )
                )
            del rows[child]


def _check_episode_sequences(parsed: ParsedReturn) -> None:
    """Reject episodes that end before they start, lack an end or reason, or overlap."""
    for child, episodes in list(parsed.episodes.items()):
        episodes.sort(key=lambda row: row["DECOM"])
        kept: list[dict] = []
        for row in episodes:
            reason = _episode_problem(row, kept[-1] if kept else None)
            if reason:
                column, message = reason
                parsed.rejects.append(
                    Reject(
                        EPISODES.filename, row["_line"], column, _shown(row.get(column)), message
                    )
                )
            else:
                kept.append(row)
        parsed.episodes[child] = kept


def _episode_problem(row: dict, previous: dict | None) -> tuple[str, str] | None:
    if row.get("DEC") and row["DEC"] < row["DECOM"]:
        return "DEC", "The episode ends before it starts (DEC is before DECOM)"
    if row.get("DEC") and not row.get("REC"):
        return "REC", "REC is required when the episode has an end date (DEC)"
    if row.get("REC") and not row.get("DEC"):
        return "DEC", "DEC is required when the episode has a reason it ceased (REC)"
    if previous is not None and (previous["DEC"] is None or previous["DEC"] > row["DECOM"]):
        return "DECOM", f"The episode overlaps the episode on line {previous['_line']}"
    return None


def _shown(value) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value or ""
