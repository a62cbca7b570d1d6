"""The attendance report's rows (`vschool report attendance`): by child, school, phase,
year group or term over an academic year (or one term of it), for all the children with
marks or the 12-month cohort. The command prints them and the dashboard's CSV gives the
same rows, so the figures have one home: attendance.measures, over the summaries
(models.SessionSummary); the measures come from rules.Sessions.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from vschool.attendance import measures
from vschool.attendance.measures import ALL, OTHER, Group, Scope
from vschool.attendance.rules import Sessions
from vschool.calendar.rules import PHASES, nc_year_label
from vschool.cohort.models import Child, School

RATES = (
    "children",
    "possible_sessions",
    "attendance_pct",
    "authorised_pct",
    "unauthorised_pct",
    "persistent_absence_pct",
    "severe_absence_pct",
)
BY_CHILD = (
    "child",
    "possible_sessions",
    "attendance_pct",
    "authorised_pct",
    "unauthorised_pct",
    "persistent_absence",
    "severe_absence",
)
BY_PHASE = ("phase", *RATES)
BY_SCHOOL = ("urn", "school", *RATES)
BY_YEAR_GROUP = ("year_group", *RATES)
BY_TERM = ("term", *RATES)
NO_PHASE = "Outside Nursery 1 to Year 13"
HEADERS = {
    "child": BY_CHILD,
    "school": BY_SCHOOL,
    "phase": BY_PHASE,
    "year-group": BY_YEAR_GROUP,
    "term": BY_TERM,
}


@dataclass(frozen=True)
class ChildSessions:
    """One child's marks in the scope: their reference and counts."""

    child: str
    sessions: Sessions


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _scope(academic_year: int, cohort: str, term: str | None, **kwargs) -> Scope:
    return Scope.year(academic_year, cohort=cohort, term=term, **kwargs)


def children_sessions(
    academic_year: int, cohort: str = ALL, term: str | None = None, **kwargs
) -> list[ChildSessions]:
    """Every child with a mark in the scope, by their reference. Two queries."""
    counts = {
        g.key: g.sessions for g in measures.per_child(_scope(academic_year, cohort, term, **kwargs))
    }
    refs = (
        Child.objects.filter(pk__in=counts).order_by("la_child_id").values_list("pk", "la_child_id")
    )
    return [ChildSessions(ref, counts[pk]) for pk, ref in refs]


def by_child(
    academic_year: int, cohort: str = ALL, term: str | None = None, **kwargs
) -> Iterator[tuple]:
    """The rows under BY_CHILD: one per child with a mark in the scope, by reference."""
    for row in children_sessions(academic_year, cohort, term, **kwargs):
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


def rates(group: Group) -> tuple:
    """A group's figures under RATES."""
    s = group.sessions
    return (
        group.children,
        s.possible,
        s.attendance_pct,
        s.authorised_pct,
        s.unauthorised_pct,
        group.persistent_pct,
        group.severe_pct,
    )


def _empty(key) -> Group:
    return Group(key, 0, Sessions(), 0, 0, 0)


def phase_groups(scope: Scope) -> list[tuple[str, Group]]:
    """Every phase in order, with its figures (none: nothing held), then the children
    outside them all, if any. One query."""
    found = {g.key: g for g in measures.grouped(scope, "phase")}
    rows = [(label, found.get(value, _empty(value))) for value, label in PHASES]
    if OTHER in found:
        rows.append((NO_PHASE, found[OTHER]))
    return rows


def by_phase(
    academic_year: int, cohort: str = ALL, term: str | None = None, **kwargs
) -> Iterator[tuple]:
    """The rows under BY_PHASE: every phase in order (and the children outside them, if
    any), with the sessions of all its children added up; the persistent and severe
    shares are of the children with possible sessions."""
    for label, group in phase_groups(_scope(academic_year, cohort, term, **kwargs)):
        yield (label, *rates(group))


def school_groups(scope: Scope) -> list[tuple[str, str, Group]]:
    """Each school with marks in the scope: URN, name (blank while the URN is not held) and
    figures, by URN. Two queries."""
    groups = measures.grouped(scope, "school")
    names = dict(School.objects.filter(urn__in=[g.key for g in groups]).values_list("urn", "name"))
    return [(g.key, names.get(g.key, ""), g) for g in groups]


def by_school(
    academic_year: int, cohort: str = ALL, term: str | None = None, **kwargs
) -> Iterator[tuple]:
    """The rows under BY_SCHOOL: one per school (by URN) with marks in the scope; a child
    marked at two schools counts at each, with the sessions from each."""
    for urn, name, group in school_groups(_scope(academic_year, cohort, term, **kwargs)):
        yield (urn, name, *rates(group))


def by_year_group(
    academic_year: int, cohort: str = ALL, term: str | None = None, **kwargs
) -> Iterator[tuple]:
    """The rows under BY_YEAR_GROUP: each year group with marks, youngest first, then the
    children outside Nursery 1 to Year 13."""
    groups = measures.grouped(_scope(academic_year, cohort, term, **kwargs), "year_group")
    for group in sorted(groups, key=lambda g: (g.key is None, g.key or 0)):
        label = NO_PHASE if group.key is None else nc_year_label(group.key)
        yield (label, *rates(group))


def term_groups(scope: Scope) -> list[tuple[str, Group]]:
    """The three terms of the year in order (the LA calendar's term windows), with their
    figures. One query."""
    found = {g.key: g for g in measures.grouped(scope, "term")}
    return [(label, found.get(value, _empty(value))) for value, label in measures.TERMS]


def by_term(
    academic_year: int, cohort: str = ALL, term: str | None = None, **kwargs
) -> Iterator[tuple]:
    """The rows under BY_TERM: autumn, spring and summer (the LA calendar's term windows),
    then the whole year (a child's sessions of the year together, so the year's persistent
    share is not the terms' added up)."""
    scope = _scope(academic_year, cohort, term, **kwargs)
    for label, group in term_groups(scope):
        if term is None or group.key == term:
            yield (label, *rates(group))
    if term is None:
        yield ("Year", *rates(measures.overall(scope)))


ROWS = {
    "child": by_child,
    "school": by_school,
    "phase": by_phase,
    "year-group": by_year_group,
    "term": by_term,
}
