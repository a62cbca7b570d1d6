"""Do a child's suspensions and their attendance marks agree? (rules.md 7)

A suspension or exclusion (not a lunchtime one) takes its sessions away, and the school
marks them E at that school. For the officer to put right one or the other, this lists:
- a suspension whose period has marks at its school with fewer E marks than its sessions
  and some marks other than E (the marks not E are named), or more E marks than its
  sessions;
- E marks on days no suspension or exclusion of the child covers.
A period with no marks yet is not a mismatch: the marks may not have come in.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from vschool.attendance.models import AttendanceMark, Exclusion

SUSPENDED = "E"


@dataclass(frozen=True)
class Mark:
    date: date
    session: str
    code: str


@dataclass(frozen=True)
class Mismatch:
    """What disagrees: the exclusion (None for E marks with none recorded), in words, and
    the marks concerned."""

    exclusion: Exclusion | None
    text: str
    marks: list[Mark] = field(default_factory=list)


def suspension_mark_mismatches(child_id: int) -> list[Mismatch]:
    """The mismatches between the child's suspensions and their marks. Two queries."""
    exclusions = list(
        Exclusion.objects.filter(child_id=child_id).whole_day().order_by("start", "pk")
    )
    wanted = Q(code=SUSPENDED)
    for exclusion in exclusions:
        wanted |= Q(date__range=(exclusion.start, exclusion.end))
    rows = (
        AttendanceMark.objects.filter(child_id=child_id)
        .filter(wanted)
        .order_by("date", "session")
        .values_list("date", "session", "code", "urn")
    )
    marks = [(Mark(day, session, code), urn) for day, session, code, urn in rows]
    found = []
    for exclusion in exclusions:
        period = [
            mark
            for mark, urn in marks
            if exclusion.start <= mark.date <= exclusion.end
            and (not exclusion.urn or urn == exclusion.urn)
        ]
        marked = sum(mark.code == SUSPENDED for mark in period)
        others = [mark for mark in period if mark.code != SUSPENDED]
        if marked < exclusion.sessions and others:
            found.append(
                Mismatch(
                    exclusion,
                    f"{exclusion.sessions} sessions recorded, {marked} marked E; "
                    "marks in the period not E:",
                    others,
                )
            )
        elif marked > exclusion.sessions:
            found.append(
                Mismatch(exclusion, f"{exclusion.sessions} sessions recorded, {marked} marked E")
            )
    loose = [
        mark
        for mark, _urn in marks
        if mark.code == SUSPENDED and not any(e.start <= mark.date <= e.end for e in exclusions)
    ]
    if loose:
        found.append(Mismatch(None, "Marked E with no suspension or exclusion recorded:", loose))
    return found
