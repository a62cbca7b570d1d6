"""The alert rules (docs/rules.md 7, "Alerts"): each finds, for a run date, the children it
raises a task for, as Triggers, in a fixed number of queries whatever the roll's size.

A Trigger's `key` names what set it off within the rule, so the engine raises one task a
trigger: the exclusion, the day, the school week the window ends in, the timetable and its
review date. Rules about a state that lasts (unauthorised sessions, low attendance, no
school) also raise nothing while the child has an open task of the kind (`ONGOING`).
"""

from collections import defaultdict
from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from vschool.attendance.models import AlternativeProvision, AttendanceMark, Exclusion
from vschool.attendance.querysets import sessions_of
from vschool.attendance.windows import attendance_by_child, unauthorised_by_child
from vschool.calendar.rules import (
    RECEPTION,
    YEAR_11,
    academic_year_start,
    add_working_days,
)
from vschool.codes import label
from vschool.cohort.models import Child, SchoolPlacement

EXCLUSION = "exclusion"
UNEXPLAINED = "unexplained"
UNAUTHORISED = "unauthorised"
LOW_ATTENDANCE = "low_attendance"
NO_SCHOOL = "no_school"
PART_TIME = "part_time"

# Unexplained absence: O (other or unknown circumstances) and N (no reason yet). ATT2024.
UNEXPLAINED_CODES = ("N", "O")
# The national penalty-notice threshold: 10 sessions of unauthorised absence in a rolling
# 10 school weeks (ATT2024).
UNAUTHORISED_SESSIONS, UNAUTHORISED_WEEKS = 10, 10
# Attendance below 90% (absence of more than 10%) over the last 4 school weeks.
LOW_ATTENDANCE_PERCENT, LOW_ATTENDANCE_WEEKS = 90, 4
# Rules about a state that lasts: no new task while one of the kind is open for the child.
ONGOING = frozenset({UNAUTHORISED, LOW_ATTENDANCE, NO_SCHOOL})
# Working days from the run date to a task's due date.
DUE_WORKING_DAYS = {
    EXCLUSION: 1,
    UNEXPLAINED: 1,
    UNAUTHORISED: 5,
    LOW_ATTENDANCE: 5,
    NO_SCHOOL: 2,
    PART_TIME: 5,
}


def _long(day: date) -> str:
    """ "3 March 2026", as pages write a date in text."""
    return f"{day.day} {day:%B %Y}"


class Trigger(NamedTuple):
    """One child a rule raises a task for: the trigger's key and its facts in words (no
    child's name: the task names the child)."""

    child_id: int
    key: str
    facts: str


def due_date(kind: str, raised_on: date) -> date:
    """The task's due date: DUE_WORKING_DAYS[kind] working days after it was raised."""
    return add_working_days(raised_on, DUE_WORKING_DAYS[kind])


def exclusion_days() -> int:
    """How many days back the nightly run looks for exclusions recorded without a task
    (`VSCHOOL_ALERTS_EXCLUSION_DAYS`, default 7)."""
    return int(settings.VSCHOOL_ALERTS_EXCLUSION_DAYS)


def exclusion_trigger(exclusion: Exclusion) -> Trigger:
    """The task for one suspension or permanent exclusion, keyed by its id."""
    days = "" if exclusion.end == exclusion.start else f" to {_long(exclusion.end)}"
    where = f" from URN {exclusion.urn}" if exclusion.urn else ""
    reason = label("exclusion_reasons", exclusion.reason_1)
    upheld = ""
    if exclusion.kind == Exclusion.Kind.PERMANENT:
        upheld = (
            " Not yet reviewed."
            if exclusion.upheld is None
            else " Upheld on review."
            if exclusion.upheld
            else " Overturned on review."
        )
    facts = (
        f"{exclusion.get_kind_display()}{where}, {_long(exclusion.start)}{days}: "
        f"{exclusion.sessions} session{'' if exclusion.sessions == 1 else 's'} missed. "
        f"Reason: {reason}.{upheld}"
    )
    return Trigger(exclusion.child_id, str(exclusion.pk), facts)


def exclusions_recorded(today: date, days: int | None = None) -> list[Trigger]:
    """Rule 1: every counted suspension or permanent exclusion (ExclusionQuerySet.counted)
    recorded in the last `days` days up to `today` (exclusion_days() by default). The
    same task is raised at once when one is recorded (attendance.signals.exclusion_recorded).
    """
    back = exclusion_days() if days is None else days
    first = today - timedelta(days=back - 1)
    found = Exclusion.objects.counted().filter(
        recorded_at__date__gte=first, recorded_at__date__lte=today
    )
    return [exclusion_trigger(e) for e in found.order_by("pk")]


_SESSION_WORDS = {"AM": "morning", "PM": "afternoon"}


def unexplained_absence(today: date) -> list[Trigger]:
    """Rule 2: a mark of O or N (UNEXPLAINED_CODES) on `today`, keyed by the day."""
    marks = (
        AttendanceMark.objects.filter(date=today, code__in=UNEXPLAINED_CODES)
        .order_by("child", "session")
        .values_list("child", "session", "code")
    )
    sessions: dict[int, list[str]] = defaultdict(list)
    for child_id, session, code in marks:
        sessions[child_id].append(f"{code} in the {_SESSION_WORDS.get(session, session)}")
    return [
        Trigger(
            child_id,
            today.isoformat(),
            f"Marked {' and '.join(found)} on {_long(today)}: absent with no reason "
            "given yet (N) or in unknown circumstances (O).",
        )
        for child_id, found in sessions.items()
    ]


def _week_key(last: date) -> str:
    year, week, _ = last.isocalendar()
    return f"{year}-W{week:02d}"


def _window_words(window: tuple[date, date], weeks: int) -> str:
    return f"the last {weeks} school weeks ({_long(window[0])} to {_long(window[1])})"


def unauthorised_sessions(today: date) -> list[Trigger]:
    """Rule 3: UNAUTHORISED_SESSIONS (10) or more sessions of unauthorised absence in the
    last UNAUTHORISED_WEEKS (10) school weeks (attendance.windows), keyed by the ISO week
    the window ends in."""
    window, counts = unauthorised_by_child(today, UNAUTHORISED_WEEKS)
    if window is None:
        return []
    within = _window_words(window, UNAUTHORISED_WEEKS)
    return [
        Trigger(
            child_id, _week_key(window[1]), f"{n} sessions of unauthorised absence in {within}."
        )
        for child_id, n in sorted(counts.items())
        if n >= UNAUTHORISED_SESSIONS
    ]


def below_attendance(attended: int, possible: int) -> bool:
    """Attendance under LOW_ATTENDANCE_PERCENT (90%), compared exactly: 9 of 10 sessions
    (90.0%) is not below; no possible sessions is no rate, so not below."""
    return possible > 0 and attended * 100 < LOW_ATTENDANCE_PERCENT * possible


def low_attendance(today: date) -> list[Trigger]:
    """Rule 4: attendance over the last LOW_ATTENDANCE_WEEKS (4) school weeks below 90%
    (below_attendance), keyed by the ISO week the window ends in."""
    window, rows = attendance_by_child(today, LOW_ATTENDANCE_WEEKS)
    if window is None:
        return []
    within = _window_words(window, LOW_ATTENDANCE_WEEKS)
    triggers = []
    for row in rows:
        sessions = sessions_of(row)
        if below_attendance(sessions.attended, sessions.possible):
            triggers.append(
                Trigger(
                    row["child"],
                    _week_key(window[1]),
                    f"Attendance {sessions.attendance_pct}% in {within}: "
                    f"{sessions.attended} of {sessions.possible} possible sessions attended.",
                )
            )
    return sorted(triggers)


def school_age_q(today: date) -> Q:
    """Children of school age on `today`, simplified to Reception to Year 11 by the year
    group they are taught in (cohort.querysets.nc_years_q). Compulsory school age proper
    runs from the term after the 5th birthday to the last Friday of June in Year 11
    (EA1996 s8), so this includes Reception children not yet five."""
    from vschool.cohort.querysets import nc_years_q

    return nc_years_q(list(range(RECEPTION, YEAR_11 + 1)), academic_year_start(today))


def no_school(today: date) -> list[Trigger]:
    """Rule 5: looked after on `today` (cohort: ChildQuerySet.looked_after_on), of school
    age (school_age_q), with no school placement current on `today` and no other
    education placement (alternative provision, EOTAS or tuition; "not on roll" is
    none), keyed by the day. Dated by the placements, not by Child.current_school, which
    is the same fact copied for today only."""
    placed = SchoolPlacement.objects.current(today).filter(child=OuterRef("pk"))
    children = (
        Child.objects.looked_after_on(today)
        .filter(school_age_q(today))
        .exclude(Exists(placed.exclude(provision=SchoolPlacement.Provision.NOT_ON_ROLL)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [
        Trigger(
            pk,
            today.isoformat(),
            f"Looked after and of school age on {_long(today)}, with no school or other "
            "education placement recorded.",
        )
        for pk in children
    ]


def part_time_past_review(today: date) -> list[Trigger]:
    """Rule 6: a part-time timetable (AlternativeProvision kind part_time) not ended before
    `today` whose review date has passed, keyed by the timetable and its review date."""
    found = (
        AlternativeProvision.objects.filter(
            kind=AlternativeProvision.Kind.PART_TIME, review_date__lt=today
        )
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .order_by("pk")
    )
    return [
        Trigger(
            ap.child_id,
            f"{ap.pk}:{ap.review_date.isoformat()}",
            f"Part-time timetable ({ap.hours_per_week} hours a week at {ap.provider_name}, from "
            f"{_long(ap.start)}) was due for review on {_long(ap.review_date)}.",
        )
        for ap in found
    ]
