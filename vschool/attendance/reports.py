"""The attendance report's rows (`vschool report attendance`): by child and by phase over
an academic year. The command prints them; a dashboard's CSV is to read the same rows, so
the figures have one home.

Counts come from AttendanceMark.objects.between(...).sessions_by("child") (one query) and
the measures from rules.Sessions; a child's phase is that of their year group in the year
(cohort.rules.year_group, calendar.rules.phase).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from vschool.attendance.models import AttendanceMark
from vschool.attendance.querysets import sessions_of
from vschool.attendance.rules import Sessions, percent
from vschool.calendar.rules import PHASES, academic_year_bounds, phase
from vschool.cohort.models import Child
from vschool.cohort.rules import year_group

BY_CHILD = (
    "child",
    "possible_sessions",
    "attendance_pct",
    "authorised_pct",
    "unauthorised_pct",
    "persistent_absence",
    "severe_absence",
)
BY_PHASE = (
    "phase",
    "children",
    "possible_sessions",
    "attendance_pct",
    "authorised_pct",
    "unauthorised_pct",
    "persistent_absence_pct",
    "severe_absence_pct",
)
NO_PHASE = "Outside Nursery 1 to Year 13"


@dataclass(frozen=True)
class ChildSessions:
    """One child's marks in the year: their reference, phase label and counts."""

    child: str
    phase: str
    sessions: Sessions


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def children_sessions(academic_year: int) -> list[ChildSessions]:
    """Every child with a mark in the academic year starting 1 September `academic_year`,
    by their reference, with the phase of their year group that year."""
    first, last = academic_year_bounds(academic_year)
    counts = {
        row["child"]: sessions_of(row)
        for row in AttendanceMark.objects.between(first, last).sessions_by("child")
    }
    labels = dict(PHASES)
    found = []
    for pk, ref, dob, offset in (
        Child.objects.filter(pk__in=counts)
        .order_by("la_child_id")
        .values_list("pk", "la_child_id", "date_of_birth", "year_group_offset")
    ):
        in_phase = phase(year_group(dob, academic_year, offset))
        label = labels[in_phase.value] if in_phase is not None else NO_PHASE
        found.append(ChildSessions(ref, label, counts[pk]))
    return found


def by_child(academic_year: int) -> Iterator[tuple]:
    """The rows under BY_CHILD: one per child with a mark in the year, by reference."""
    for row in children_sessions(academic_year):
        s = row.sessions
        yield (
            row.child,
            s.possible,
            s.attendance_pct,
            s.authorised_pct,
            s.unauthorised_pct,
            _yes_no(s.persistent),
            _yes_no(s.severe),
        )


def _share(flags: list[bool | None]) -> Decimal | None:
    """The share of the children with possible sessions for whom the flag holds."""
    known = [flag for flag in flags if flag is not None]
    return percent(sum(known), len(known))


def by_phase(academic_year: int) -> Iterator[tuple]:
    """The rows under BY_PHASE: every phase in order (and the children outside them, if
    any), with the sessions of all its children added up; the persistent and severe
    shares are of the children with possible sessions."""
    groups: dict[str, list[Sessions]] = {label: [] for _, label in PHASES}
    for row in children_sessions(academic_year):
        groups.setdefault(row.phase, []).append(row.sessions)
    for label, sessions in groups.items():
        total = Sessions(
            **{
                name: sum(getattr(s, name) for s in sessions)
                for name in ("present", "elsewhere", "authorised", "unauthorised", "not_possible")
            }
        )
        yield (
            label,
            len(sessions),
            total.possible,
            total.attendance_pct,
            total.authorised_pct,
            total.unauthorised_pct,
            _share([s.persistent for s in sessions]),
            _share([s.severe for s in sessions]),
        )
