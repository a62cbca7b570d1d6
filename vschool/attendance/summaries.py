"""The attendance summaries (models.SessionSummary): the five counts of each child's marks
per school and term window, kept up to date by refresh_summaries, the one function every
writer of marks calls (the import at the end of its transaction; the calendar's term dates
through signals). The measures over terms, years and six years read them
(attendance.measures); a test checks they agree with the marks.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Max, Sum, Value, When

from vschool.attendance.models import AttendanceMark, ChildSummary, SessionSummary
from vschool.attendance.querysets import counts
from vschool.attendance.rules import CATEGORIES
from vschool.calendar.rules import academic_year_start, term_windows
from vschool.calendar.selectors import term_dates_for_year

_CHUNK = 2000


def windows(academic_year: int) -> list[tuple[str, date, date]]:
    """The academic year's term windows from the LA calendar: (term, first, last), every day
    of the year in one (calendar.rules.term_windows)."""
    return [
        (term.term.value, opens, closes)
        for term, opens, closes in term_windows(academic_year, term_dates_for_year(academic_year))
    ]


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def refresh_summaries(child_ids: Iterable[int] | None, first: date, last: date) -> int:
    """Count again the summaries of `child_ids` (None: every child) for each term window
    that holds a day from `first` to `last`, from the marks held; returns the rows written.

    Whole windows are counted again (not just the days given), so a summary always holds
    its window's marks. Call it inside the writer's transaction, after the marks are written.
    """
    if last < first:
        first, last = last, first
    ids = None if child_ids is None else sorted(set(child_ids))
    if ids == []:
        return 0
    written = 0
    with transaction.atomic():
        for year in range(academic_year_start(first), academic_year_start(last) + 1):
            touched = [w for w in windows(year) if w[1] <= last and w[2] >= first]
            if touched:
                written += _refresh_year(ids, year, touched)
    return written


def _refresh_year(ids: list[int] | None, year: int, touched: list[tuple[str, date, date]]) -> int:
    held = SessionSummary.objects.filter(academic_year=year, term__in=[t for t, _, _ in touched])
    marks = AttendanceMark.objects.between(touched[0][1], touched[-1][2])
    term = Case(
        *(When(date__range=(opens, closes), then=Value(t)) for t, opens, closes in touched),
        output_field=CharField(),
    )
    bounds = {t: (opens, closes) for t, opens, closes in touched}
    written = 0
    for chunk in [None] if ids is None else _chunks(ids):
        if chunk is None:
            held.delete()
            rows: Any = marks
        else:
            held.filter(child_id__in=chunk).delete()
            rows = marks.filter(child_id__in=chunk)
        rows = (
            rows.annotate(window=term)
            .order_by()
            .values("child_id", "urn", "window")
            .annotate(school_pk=Max("school_id"), **counts())
        )
        new = [
            SessionSummary(
                child_id=row["child_id"],
                urn=row["urn"],
                school_id=row["school_pk"],
                academic_year=year,
                term=row["window"],
                first=bounds[row["window"]][0],
                last=bounds[row["window"]][1],
                **{name: row[name] for name in CATEGORIES},
            )
            for row in rows.iterator(chunk_size=_CHUNK)
        ]
        SessionSummary.objects.bulk_create(new, batch_size=_CHUNK)
        written += len(new)
        _refresh_children(chunk, year, [t for t, _, _ in touched])
    return written


def _refresh_children(chunk: list[int] | None, year: int, terms: list[str]) -> None:
    """The children's ChildSummary rows for the terms and the whole year, from their
    SessionSummary rows (every school added up)."""
    held = ChildSummary.objects.filter(academic_year=year, term__in=[*terms, ""])
    rows = SessionSummary.objects.filter(academic_year=year)
    if chunk is not None:
        held = held.filter(child_id__in=chunk)
        rows = rows.filter(child_id__in=chunk)
    held.delete()
    sums = {f"s_{name}": Sum(name) for name in CATEGORIES}
    new = [
        ChildSummary(
            child_id=row["child_id"],
            academic_year=year,
            term=row.get("term", ""),
            **{name: row[f"s_{name}"] for name in CATEGORIES},
        )
        for grouping in (
            rows.filter(term__in=terms).order_by().values("child_id", "term"),
            rows.order_by().values("child_id"),
        )
        for row in grouping.annotate(**sums).iterator(chunk_size=_CHUNK)
    ]
    ChildSummary.objects.bulk_create(new, batch_size=_CHUNK)


def refresh_children(academic_year: int) -> None:
    """Count every child's ChildSummary rows for the academic year again from the
    SessionSummary rows held (for a bench or a repair; refresh_summaries does both)."""
    _refresh_children(None, academic_year, [term for term, _, _ in windows(academic_year)])


def refresh_year(academic_year: int) -> int:
    """Count every child's summaries for the academic year again (after its term dates
    change, or to rebuild them)."""
    first, last = windows(academic_year)[0][1], windows(academic_year)[-1][2]
    return refresh_summaries(None, first, last)
