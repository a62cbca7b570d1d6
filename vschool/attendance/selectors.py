"""What the attendance pages read (views read through here, never `Model.objects`)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, Max, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from vschool.attendance.exclusions import YearTotal
from vschool.attendance.models import AlternativeProvision, AttendanceMark, Exclusion
from vschool.attendance.querysets import AttendanceMarkQuerySet, sessions_of
from vschool.attendance.rules import CATEGORIES, Sessions
from vschool.attendance.suspension_days import child_suspension_sessions
from vschool.calendar.rules import (
    Term,
    academic_year_bounds,
    academic_year_label,
    academic_year_start,
    term_windows,
)
from vschool.calendar.selectors import term_dates_for_year
from vschool.cohort.models import Child, School
from vschool.cohort.querysets import ChildQuerySet


def child_year_sessions(child: Child, academic_year: int) -> Sessions:
    """The child's sessions in the academic year starting 1 September `academic_year`."""
    first, last = academic_year_bounds(academic_year)
    return AttendanceMark.objects.filter(child=child).between(first, last).sessions()


def _added(a: Sessions, b: Sessions) -> Sessions:
    return Sessions(**{name: getattr(a, name) + getattr(b, name) for name in CATEGORIES})


def _term_and_year(
    marks: AttendanceMarkQuerySet, term_first: date, *fields: str
) -> dict[Any, tuple[Sessions, Sessions]]:
    """The marks' (term, year) sessions per group of `fields` (one group, None, with no
    fields), marks from `term_first` on counting in the term: one query."""
    in_term = Case(
        When(date__gte=term_first, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    found: dict[Any, tuple[Sessions, Sessions]] = {}
    for row in marks.annotate(in_term=in_term).sessions_by(*fields, "in_term"):
        key = (
            tuple(row[f] for f in fields) if len(fields) > 1 else row[fields[0]] if fields else None
        )
        term, year = found.get(key, (Sessions(), Sessions()))
        counted = sessions_of(row)
        found[key] = (_added(term, counted) if row["in_term"] else term, _added(year, counted))
    return found


def school_children_attendance(school: School, children: QuerySet[Child], today: date) -> dict:
    """The attendance at `school` of `children` (a scoped queryset, the school's roll as
    the user sees it) this term (its window up to today) and this academic year, by their
    marks at this school (by URN, so marks not yet linked to the school count). Two
    queries: the term dates and the counts of every child at once."""
    year = academic_year_start(today)
    terms = term_dates_for_year(year)
    term, term_first, _term_last = next(
        w for w in term_windows(year, terms) if w[1] <= today <= w[2]
    )
    year_first, _ = academic_year_bounds(year)
    marks = AttendanceMark.objects.filter(urn=school.urn, child__in=children).between(
        year_first, today
    )
    counts = _term_and_year(marks, term_first, "child")
    none = (Sessions(), Sessions())
    return {
        "term_name": f"{term.term.value.capitalize()} term",
        "year_label": academic_year_label(year),
        "rows": [
            {
                "child": child,
                "term": counts.get(child.pk, none)[0],
                "year": counts.get(child.pk, none)[1],
            }
            for child in children
        ],
        "any_marks": bool(counts),
    }


@dataclass(frozen=True)
class PepAttendance:
    """What a PEP shows of the child's marks and suspensions in its term (docs/peps.md)."""

    term: Sessions  # the PEP term's window
    year: Sessions  # the academic year up to the end of the PEP term's window
    last_mark: date | None
    exclusions: list[Exclusion]  # counted ones overlapping the term's window
    term_first: date
    term_last: date

    @property
    def has_marks(self) -> bool:
        return self.last_mark is not None


def pep_attendance(child: Child, academic_year: int, term: str) -> PepAttendance:
    """The child's attendance in a PEP's term (the term's window, calendar.rules.term_windows)
    and in its academic year up to then, with the suspensions and upheld permanent
    exclusions in the term (Exclusion.objects.counted()). Four queries: term dates, the
    counts, the last mark's date and the exclusions."""
    terms = term_dates_for_year(academic_year)
    windows = {
        period.term: (first, last) for period, first, last in term_windows(academic_year, terms)
    }
    term_first, term_last = windows[Term(term)]
    year_first, _ = academic_year_bounds(academic_year)
    marks = AttendanceMark.objects.filter(child=child).between(year_first, term_last)
    term_sessions, year_sessions = _term_and_year(marks, term_first).get(
        None, (Sessions(), Sessions())
    )
    last_mark = marks.aggregate(last=Max("date"))["last"]
    exclusions = list(
        Exclusion.objects.filter(child=child)
        .counted()
        .between(term_first, term_last)
        .order_by("start")
    )
    return PepAttendance(
        term=term_sessions,
        year=year_sessions,
        last_mark=last_mark,
        exclusions=exclusions,
        term_first=term_first,
        term_last=term_last,
    )


def child_exclusions(child: Child) -> list[Exclusion]:
    """The child's suspensions and exclusions, latest first, with their schools."""
    return list(
        Exclusion.objects.filter(child=child).select_related("school").order_by("-start", "-pk")
    )


def child_provision(child: Child) -> list[AlternativeProvision]:
    """The child's alternative provision and part-time timetables, latest first."""
    return list(
        AlternativeProvision.objects.filter(child=child)
        .select_related("approved_by")
        .order_by("-start", "-pk")
    )


def child_suspension_year(child: Child, academic_year: int) -> YearTotal:
    """The child's suspension sessions in the academic year, every school's."""
    return YearTotal(academic_year, child_suspension_sessions(child.pk, academic_year))


def provision_needing_attention(children: ChildQuerySet, today: date):
    """Provision of `children` awaiting approval or past its review date, still running."""
    return (
        AlternativeProvision.objects.filter(child__in=children)
        .needing_attention(today)
        .select_related("child", "child__current_school")
        .order_by("review_date", "start", "pk")
    )


def exclusion_of(child: Child, pk: int) -> Exclusion:
    return get_object_or_404(Exclusion, pk=pk, child=child)


def provision_of(child: Child, pk: int) -> AlternativeProvision:
    return get_object_or_404(AlternativeProvision, pk=pk, child=child)
