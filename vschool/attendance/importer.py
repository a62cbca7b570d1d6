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

Built for a year of marks at once (about 950,000 rows for 2,500 children;
`bench/attendance_import.py`): each distinct value (a child's reference, a URN, a date,
a code) is checked once and remembered, so a row costs a few dictionary look-ups; the
children and schools are looked up once; the marks already held are read and deleted in
set-based queries and the new ones written in bulk (`vschool.attendance.bulk`: COPY on
PostgreSQL).
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from vschool.attendance import bulk
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

# A mark to write: (child_id, school_id, urn, date, session, code).
MarkRow = tuple[int, int | None, str, date, str, str]


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


class _Source:
    """The rows of a file (CSV bytes or text, or a file) or of dicts, as lists of cells in
    the order of `header`, with each row's line number. Can be read more than once."""

    def __init__(self, source: Any):
        if hasattr(source, "read"):
            source = source.read()
        if isinstance(source, bytes):
            source = _decode(source)
        self.text: str | None = None
        self.dicts: list[list[str]] = []
        self.header: list[str] | None  # None for rows given as dicts: no header to check
        if isinstance(source, str):
            self.text = source
            first = next(csv.reader(io.StringIO(source, newline="")), [])
            self.header = [cell.strip().lower() for cell in first]
        else:
            self.header = None
            for row in source:
                given = {str(k).strip().lower(): str(v or "") for k, v in row.items()}
                self.dicts.append([given.get(name, "") for name in COLUMNS])

    @property
    def columns(self) -> list[str]:
        return list(COLUMNS) if self.header is None else self.header

    def reader(self) -> Iterator[list[str]]:
        """The rows after the header as lists of cells; `line_num` is the last one's line."""
        if self.text is None:
            return _Rows(self.dicts)
        reader = csv.reader(io.StringIO(self.text, newline=""))
        next(reader, None)
        return reader


class _Rows:
    """Rows given as dicts, read as csv.reader reads a file: numbered from line 2."""

    def __init__(self, rows: list[list[str]]):
        self.rows, self.line_num = iter(rows), 1

    def __iter__(self) -> "_Rows":
        return self

    def __next__(self) -> list[str]:
        cells = next(self.rows)
        self.line_num += 1
        return list(cells)


def _padded(cells: list[str], width: int) -> list[str]:
    """The row cut or filled to `width` cells, then one blank cell, which stands for a
    column the file does not have."""
    return [*(cells + [""] * width)[:width], ""]


def _chunks(values: list) -> Iterable[list]:
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


def _parse_date(value: str) -> date:
    if len(value) == 10 and value[4] == "-" and value[7] == "-":  # YYYY-MM-DD, most files
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    else:
        try:
            return datetime.strptime(value, "%d/%m/%Y").date()
        except ValueError:
            pass
    raise ValueError("is not a date in the form YYYY-MM-DD or DD/MM/YYYY")


class _Checks:
    """Each distinct value of a column checked once: the good ones remembered, so a row
    whose values have all been seen costs a few dictionary look-ups."""

    def __init__(self, by_ref: dict[str, int], by_upn: dict[str, list[int]], schools: dict):
        self.by_ref, self.by_upn, self.schools = by_ref, by_upn, schools
        self.today = timezone.localdate()
        self.child: dict[tuple[str, str], int] = {}  # (child, upn) as given -> child_id
        self.urn: dict[str, tuple[str, int | None]] = {}  # -> (URN, school_id or None)
        self.date: dict[str, date] = {}
        self.session: dict[str, str] = {"AM": "AM", "PM": "PM"}
        self.code: dict[str, str] = {}

    def row(self, line: int, ref: str, upn: str, urn: str, day: str, session: str, code: str):
        """Check one row's values; return (child_id, (urn, school_id), date, session,
        code) or the row's problems."""
        problems: list[Problem] = []
        child_id = self._child(line, ref, upn, problems)
        urn_school = self._urn(line, urn, problems)
        when = self._date(line, day, problems)
        value = session.strip().upper()
        if value not in SESSIONS:
            problems.append(Problem(line, "session", "The session is AM or PM", session.strip()))
        else:
            self.session[session] = value
        mark = self._code(line, code, problems)
        if problems:
            return problems
        return child_id, urn_school, when, value, mark

    def _child(self, line: int, ref: str, upn: str, problems: list[Problem]) -> int | None:
        given_ref, given_upn = ref, upn
        ref, upn = ref.strip(), upn.strip().upper()
        child_id = None
        if ref:
            child_id = self.by_ref.get(ref)
            if child_id is None:
                problems.append(
                    Problem(line, "child", "No child on the roll has this reference", ref)
                )
            elif upn and child_id not in self.by_upn.get(upn, []):
                problems.append(Problem(line, "upn", "This is not the UPN of the child named", upn))
                child_id = None
        elif upn:
            matches = self.by_upn.get(upn, [])
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
        if child_id is not None:
            self.child[given_ref, given_upn] = child_id
        return child_id

    def _urn(self, line: int, given: str, problems: list[Problem]):
        urn = given.strip()
        if not urn:
            problems.append(Problem(line, "urn", "Give the school's URN"))
        elif not _URN.match(urn):
            problems.append(Problem(line, "urn", "A URN is up to 8 digits", urn))
        else:
            self.urn[given] = (urn, self.schools.get(urn))
            return self.urn[given]
        return None

    def _date(self, line: int, given: str, problems: list[Problem]) -> date | None:
        raw = given.strip()
        if not raw:
            problems.append(Problem(line, "date", "Give the date"))
            return None
        try:
            when = _parse_date(raw)
        except ValueError as error:
            problems.append(Problem(line, "date", str(error), raw))
            return None
        if when > self.today:
            problems.append(Problem(line, "date", "The date has not come yet", raw))
            return None
        self.date[given] = when
        return when

    def _code(self, line: int, given: str, problems: list[Problem]) -> str | None:
        code = given.strip().upper()  # the codes are capitals, digits and signs
        if not code:
            problems.append(Problem(line, "code", "Give the attendance code"))
        elif reason := code_problem(code):
            problems.append(Problem(line, "code", reason, code))
        else:
            self.code[given] = code
            return code
        return None


def _check(source: Any) -> tuple[list[MarkRow], MarksImport]:
    """Read and check every row: the marks to write (if no problems) and the result."""
    reading = _Source(source)
    result = MarksImport()
    problems = result.problems
    columns = reading.columns
    if reading.header is not None:
        missing = [name for name in REQUIRED if name not in columns]
        if "child" not in columns and "upn" not in columns:
            missing.insert(0, "child or upn")
        if missing:
            problems.append(Problem(1, "", f"The header has no column {', '.join(missing)}"))
            return [], result
    absent = len(columns)  # the blank cell at the end of every row
    at = {name: columns.index(name) if name in columns else absent for name in COLUMNS}
    i_ref, i_upn, i_urn, i_date, i_session, i_code = (at[name] for name in COLUMNS)

    # First pass: the children and schools named, looked up once.
    refs: set[str] = set()
    upns: set[str] = set()
    urns: set[str] = set()
    width = len(columns)
    for cells in reading.reader():
        if len(cells) == width:
            cells.append("")
        else:
            cells = _padded(cells, width)
        refs.add(cells[i_ref])
        upns.add(cells[i_upn])
        urns.add(cells[i_urn])
    by_ref, by_upn = _children(
        {ref.strip() for ref in refs} - {""}, {upn.strip().upper() for upn in upns} - {""}
    )
    urns = {urn.strip() for urn in urns}
    checks = _Checks(by_ref, by_upn, _schools({urn for urn in urns if _URN.match(urn)}))

    # Second pass: every row checked, each new value once (checks.row), the rest looked up.
    children, known, dates, sessions, codes = (
        checks.child,
        checks.urn,
        checks.date,
        checks.session,
        checks.code,
    )
    marks: list[MarkRow] = []
    add = marks.append
    seen: dict[tuple, int] = {}  # (child_id, date, session) -> line
    rows = 0
    reader = reading.reader()
    for cells in reader:
        if len(cells) == width:
            cells.append("")
        else:
            cells = _padded(cells, width)
        child_id = children.get((cells[i_ref], cells[i_upn]))
        urn_school = known.get(cells[i_urn])
        when = dates.get(cells[i_date])
        session = sessions.get(cells[i_session])
        code = codes.get(cells[i_code])
        if child_id is None or urn_school is None or when is None or not session or not code:
            if not any(cell.strip() for cell in cells):
                continue  # a blank row
            checked = checks.row(
                reader.line_num,
                cells[i_ref],
                cells[i_upn],
                cells[i_urn],
                cells[i_date],
                cells[i_session],
                cells[i_code],
            )
            if isinstance(checked, list):
                rows += 1
                problems.extend(checked)
                continue
            child_id, urn_school, when, session, code = checked
        rows += 1
        line = reader.line_num
        first = seen.setdefault((child_id, when, session), line)
        if first != line:
            problems.append(
                Problem(line, "session", f"Line {first} already gives this child's {session}")
            )
            continue
        add((child_id, urn_school[1], urn_school[0], when, session, code))
    result.rows = rows
    if not rows and not problems:
        problems.append(Problem(1, "", "The file has no marks"))
    if problems:
        return [], result
    result.unknown_urns = sorted(
        {urn for urn, school in known.values() if school is None} & {m[2] for m in marks}
    )
    result.children = len({mark[0] for mark in marks})
    return marks, result


def check_marks(source: Any) -> tuple[list[MarkRow], MarksImport]:
    """Read and check every row; return the marks to write and the result so far.

    Writes nothing. The result's problems name each bad row by line and column; the marks
    (none when there are problems) are (child_id, school_id, urn, date, session, code).
    """
    return _check(source)


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
    marks, result = _check(source)
    if result.problems:
        return result
    with transaction.atomic():
        new, result.replaced = _replace_days(marks)
        bulk.insert_marks(new)
        result.created = len(new)
        result.unchanged = len(marks) - len(new)
        if new:  # the summaries of the children and days written (attendance.summaries)
            refresh_summaries({m[0] for m in new}, min(m[3] for m in new), max(m[3] for m in new))
        audit_record(
            user=user,
            action=AuditEntry.Action.IMPORTED,
            request=request,
            summary=result.summary(),
            username=username,
        )
    # The write transaction has ended: the marks are in.
    return result


def _replace_days(marks: list[MarkRow]) -> tuple[list[MarkRow], int]:
    """Delete the marks held for the file's children's days that the file changes; return
    the marks to write (the file's, less the days held exactly as given) and how many
    marks were deleted.

    A child's day held exactly as the file gives it (the same sessions, codes, URN and
    school) is left alone, so the same file again changes nothing.
    """
    first = min(mark[3] for mark in marks)
    last = max(mark[3] for mark in marks)
    held: dict[tuple[int, date], list[tuple[int, tuple]]] = {}
    for pk, child_id, day, *kept in bulk.held_marks(
        sorted({mark[0] for mark in marks}), first, last
    ):
        held.setdefault((child_id, day), []).append((pk, tuple(kept)))
    if not held:
        return marks, 0
    given: dict[tuple[int, date], set[tuple]] = {}
    for child_id, school_id, urn, day, session, code in marks:
        if (child_id, day) in held:
            given.setdefault((child_id, day), set()).add((session, code, urn, school_id))
    same: set[tuple[int, date]] = set()
    stale: list[int] = []
    for key, rows in held.items():
        if key not in given:
            continue  # a day of the child's the file does not give: untouched
        if {kept for _, kept in rows} == given[key]:
            same.add(key)
        else:
            stale.extend(pk for pk, _ in rows)
    deleted = bulk.delete_marks(stale)
    if same:
        marks = [mark for mark in marks if (mark[0], mark[3]) not in same]
    return marks, deleted
