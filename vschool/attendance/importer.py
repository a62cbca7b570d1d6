"""Import daily attendance marks from the CSV schools and providers send (issue #13).

One row per session, with the columns `child` (the child's reference: the SSDA903 CHILD,
our `la_child_id`) or `upn` (at least one), `urn`, `date` (YYYY-MM-DD or DD/MM/YYYY),
`session` (AM or PM) and `code` (rules.md 7). Every row is checked before anything is
written; any problem (named by line, column and reason) and nothing is written. Otherwise,
in one transaction, each (child, date) the file gives replaces that child's marks for that
day, and nothing else. A school whose URN is not held yet keeps its marks by URN, with no
school, and is listed for the GIAS import.

Imports elsewhere go through the exchange app's importer skeleton; attendance sits below
it (docs/layers.md), so this is its own small version of the same shape.
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from vschool.attendance.models import AttendanceMark
from vschool.attendance.rules import code_problem
from vschool.attendance.summaries import refresh_summaries
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.cohort.models import Child, School

COLUMNS = ("child", "upn", "urn", "date", "session", "code")
REQUIRED = ("urn", "date", "session", "code")
SESSIONS = ("AM", "PM")
_URN = re.compile(r"^\d{1,8}$")
_CHUNK = 500  # identifiers per IN (...) query: well under SQLite's limit


@dataclass(frozen=True, order=True)
class Problem:
    """Why a row (or the file) cannot be imported."""

    line: int
    column: str
    reason: str
    value: str = ""

    def __str__(self) -> str:
        where = f"Line {self.line}" + (f", {self.column}" if self.column else "")
        shown = f" (value {self.value!r})" if self.value else ""
        return f"{where}: {self.reason}{shown}"


@dataclass
class MarksImport:
    """What an import did, or the problems that stopped it (then nothing was written)."""

    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    replaced: int = 0  # marks already held for the children's days, now replaced
    unchanged: int = 0  # marks of days already held exactly as the file gives them
    children: int = 0
    unknown_urns: list[str] = field(default_factory=list)  # for the GIAS import

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return bool(self.created or self.replaced)

    def summary(self) -> str:
        if self.problems:
            return f"Attendance marks not imported: {len(self.problems)} problems"
        if not self.changed:
            return (
                f"Attendance marks unchanged: the {self.unchanged} marks for"
                f" {self.children} children are already held"
            )
        text = (
            f"Attendance marks imported: {self.created} marks for {self.children} children"
            f" ({self.replaced} earlier marks replaced"
            + (f", {self.unchanged} already held" if self.unchanged else "")
            + ")"
        )
        if self.unknown_urns:
            text += f"; schools not held yet: {', '.join(self.unknown_urns)}"
        return text


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read(source: Any) -> tuple[list[str] | None, list[tuple[int, dict[str, str]]]]:
    """(columns, [(line, row)]) from CSV bytes or text, a file, or rows (dicts).

    Rows given as dicts are numbered as if a header were line 1; columns are None then.
    """
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes):
        source = _decode(source)
    if isinstance(source, str):
        reader = csv.reader(io.StringIO(source, newline=""))
        header = [cell.strip().lower() for cell in next(reader, [])]
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            values = [cell.strip() for cell in cells] + [""] * len(header)
            rows.append((reader.line_num, dict(zip(header, values, strict=False))))
        return header, rows
    rows = [
        (number, {str(k).strip().lower(): str(v or "").strip() for k, v in row.items()})
        for number, row in enumerate(source, start=2)
    ]
    return None, rows


@lru_cache(maxsize=4096)  # a year's file repeats some 190 dates a million times
def _parse_date(value: str) -> date:
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise ValueError("is not a date in the form YYYY-MM-DD or DD/MM/YYYY")


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _children(refs: set[str], upns: set[str]) -> tuple[dict[str, int], dict[str, list[int]]]:
    by_ref: dict[str, int] = {}
    for chunk in _chunks(sorted(refs)):
        by_ref.update(Child.objects.filter(la_child_id__in=chunk).values_list("la_child_id", "pk"))
    by_upn: dict[str, list[int]] = {}
    for chunk in _chunks(sorted(upns)):
        for upn, pk in Child.objects.filter(upn__in=chunk).values_list("upn", "pk"):
            by_upn.setdefault(upn, []).append(pk)
    return by_ref, by_upn


def _schools(urns: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(urns)):
        found.update(School.objects.filter(urn__in=chunk).values_list("urn", "pk"))
    return found


def check_marks(source: Any) -> tuple[list[AttendanceMark], MarksImport]:
    """Read and check every row; return the marks to write (unsaved) and the result so far.

    Writes nothing. The result's problems name each bad row by line and column.
    """
    columns, rows = _read(source)
    result = MarksImport(rows=len(rows))
    problems = result.problems
    if columns is not None:
        missing = [name for name in REQUIRED if name not in columns]
        if "child" not in columns and "upn" not in columns:
            missing.insert(0, "child or upn")
        if missing:
            problems.append(Problem(1, "", f"The header has no column {', '.join(missing)}"))
            return [], result
    if not rows:
        problems.append(Problem(1, "", "The file has no marks"))
        return [], result

    by_ref, by_upn = _children(
        {row["child"] for _, row in rows if row.get("child")},
        {row["upn"].upper() for _, row in rows if row.get("upn")},
    )
    schools = _schools({row["urn"] for _, row in rows if _URN.match(row.get("urn", ""))})
    today = timezone.localdate()
    marks: list[AttendanceMark] = []
    seen: dict[tuple[int, date, str], int] = {}
    for line, row in rows:
        before = len(problems)
        ref, upn = row.get("child", ""), row.get("upn", "").upper()
        child_id = None
        if ref:
            child_id = by_ref.get(ref)
            if child_id is None:
                problems.append(
                    Problem(line, "child", "No child on the roll has this reference", ref)
                )
            elif upn and child_id not in by_upn.get(upn, []):
                problems.append(Problem(line, "upn", "This is not the UPN of the child named", upn))
        elif upn:
            matches = by_upn.get(upn, [])
            if len(matches) == 1:
                child_id = matches[0]
            elif not matches:
                problems.append(Problem(line, "upn", "No child on the roll has this UPN", upn))
            else:
                problems.append(
                    Problem(line, "upn", "More than one child has this UPN: give the child", upn)
                )
        else:
            problems.append(Problem(line, "child", "Give the child's reference or UPN"))
        urn = row.get("urn", "")
        if not urn:
            problems.append(Problem(line, "urn", "Give the school's URN"))
        elif not _URN.match(urn):
            problems.append(Problem(line, "urn", "A URN is up to 8 digits", urn))
        when = None
        raw_date = row.get("date", "")
        if not raw_date:
            problems.append(Problem(line, "date", "Give the date"))
        else:
            try:
                when = _parse_date(raw_date)
            except ValueError as error:
                problems.append(Problem(line, "date", str(error), raw_date))
            else:
                if when > today:
                    problems.append(Problem(line, "date", "The date has not come yet", raw_date))
        session = row.get("session", "").upper()
        if session not in SESSIONS:
            problems.append(
                Problem(line, "session", "The session is AM or PM", row.get("session", ""))
            )
        code = row.get("code", "").upper()  # the codes are capitals, digits and signs
        if not code:
            problems.append(Problem(line, "code", "Give the attendance code"))
        elif reason := code_problem(code):
            problems.append(Problem(line, "code", reason, code))
        if len(problems) > before or child_id is None or when is None:
            continue
        key = (child_id, when, session)
        if key in seen:
            problems.append(
                Problem(line, "session", f"Line {seen[key]} already gives this child's {session}")
            )
            continue
        seen[key] = line
        marks.append(
            AttendanceMark(
                child_id=child_id,
                school_id=schools.get(urn),
                urn=urn,
                date=when,
                session=session,
                code=code,
            )
        )
    result.unknown_urns = sorted({mark.urn for mark in marks if mark.school_id is None})
    result.children = len({mark.child_id for mark in marks})
    return marks, result


def import_marks(
    source: bytes | str | IO[Any] | Iterable[Mapping[str, Any]],
    *,
    user,
    request=None,
    username: str = "",
) -> MarksImport:
    """Check and import attendance marks (CSV bytes or text, a file, or rows as dicts).

    Nothing is written unless every row passes. Each (child, date) in the file replaces
    that child's marks for that day, unless they are held exactly so already (then the day
    is left alone: the same file again changes nothing); other children and days are
    untouched. The import is recorded in the audit log, against `user` or, with no user
    (the command line), `username`.
    """
    marks, result = check_marks(source)
    if result.problems:
        return result
    days: dict[date, dict[int, set[tuple]]] = {}
    for mark in marks:
        days.setdefault(mark.date, {}).setdefault(mark.child_id, set()).add(_kept(mark))
    with transaction.atomic():
        # A child's day held exactly as the file gives it is left alone, so the same file
        # again changes nothing; any other day of the file's is replaced whole.
        same: set[tuple[int, date]] = set()
        for day, children in days.items():
            unique = sorted(children)
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                held: dict[int, list[tuple[int, tuple]]] = {}
                for pk, child_id, *kept in AttendanceMark.objects.filter(
                    date=day, child_id__in=chunk
                ).values_list("pk", "child_id", "session", "code", "urn", "school_id"):
                    held.setdefault(child_id, []).append((pk, tuple(kept)))
                stale: list[int] = []
                for child_id, rows in held.items():
                    if {kept for _, kept in rows} == children[child_id]:
                        same.add((child_id, day))
                    else:
                        stale.extend(pk for pk, _ in rows)
                for begin in range(0, len(stale), _CHUNK):
                    deleted, _ = AttendanceMark.objects.filter(
                        pk__in=stale[begin : begin + _CHUNK]
                    ).delete()
                    result.replaced += deleted
        new = [mark for mark in marks if (mark.child_id, mark.date) not in same]
        AttendanceMark.objects.bulk_create(new, batch_size=2000)
        result.created = len(new)
        result.unchanged = len(marks) - len(new)
        if new:  # the summaries of the children and days written (attendance.summaries)
            refresh_summaries(
                {m.child_id for m in new}, min(m.date for m in new), max(m.date for m in new)
            )
        audit_record(
            user=user,
            action=AuditEntry.Action.IMPORTED,
            request=request,
            summary=result.summary(),
            username=username,
        )
    return result


def _kept(mark: AttendanceMark) -> tuple:
    """What a mark holds beyond its child and date, to tell a day held already."""
    return (mark.session, mark.code, mark.urn, mark.school_id)
