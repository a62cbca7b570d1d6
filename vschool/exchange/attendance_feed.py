"""Attendance marks from the command line: `vschool import attendance FILE`.

The marks have their own importer (vschool.attendance.importer, layer 5, below exchange);
this turns its result into the lines every other import prints: each problem as a
rejected row (file, line, column, reason) and one summary line.
"""

from dataclasses import dataclass, field

from vschool.accounts.models import User
from vschool.attendance.importer import MarksImport, import_marks
from vschool.exchange.importer import rejected_summary
from vschool.exchange.problems import Reject

ATTENDANCE = "attendance"


@dataclass
class AttendanceRun:
    """What the command prints: the rejected rows, the summary, and whether it failed."""

    result: MarksImport
    reject_list: list[Reject] = field(default_factory=list)
    summary: str = ""

    @property
    def rejected(self) -> bool:
        return bool(self.reject_list)


def _rejects(name: str, result: MarksImport) -> list[Reject]:
    # The importer names a whole-file problem (no header column, no marks) on line 1 with
    # no column; the other imports call such a problem line 0, said once in the summary.
    return sorted(
        Reject(
            name,
            problem.line if problem.column else 0,
            problem.column,
            problem.value,
            problem.reason,
        )
        for problem in result.problems
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def attendance_import(*, name: str, data: bytes, user: User | None, request=None) -> AttendanceRun:
    """Import one CSV file of attendance marks; nothing changes if any row has a problem.

    From the command line (no user) the audit entry names "command line"; from the upload
    page, the user and the request."""
    result = import_marks(data, user=user, request=request, username="" if user else "command line")
    run = AttendanceRun(result, _rejects(name, result))
    if run.rejected:
        run.summary = rejected_summary(run.reject_list)
    elif not result.changed:
        run.summary = (
            f"No changes: the {_plural(result.unchanged, 'mark', 'marks')} in this file"
            " are already held."
        )
    else:
        run.summary = (
            f"Imported: {_plural(result.created, 'mark', 'marks')} created,"
            f" {_plural(result.replaced, 'earlier mark', 'earlier marks')} replaced"
            + (f", {result.unchanged:,} already held" if result.unchanged else "")
            + f", for {_plural(result.children, 'child', 'children')}."
        )
    if not run.rejected and result.unknown_urns:
        run.summary += (
            f" Schools not held yet, marks kept by URN ({len(result.unknown_urns):,}):"
            f" {', '.join(result.unknown_urns)}. Import GIAS to add them."
        )
    return run
