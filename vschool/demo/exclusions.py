"""The demo's suspensions, a permanent exclusion, alternative provision and part-time
timetables, recorded through the attendance services (checked, audited, and each new
suspension announced once, as a user's would be: signals.exclusion_recorded).

They do not depend on attendance marks: where the demo holds marks for a suspended child
on those days at that school, the suspension's sessions are marked E (first sessions
first), so the Education tab's check finds them agreeing.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from vschool.accounts.models import User
from vschool.attendance.exclusions import save_exclusion
from vschool.attendance.models import AlternativeProvision, AttendanceMark, Exclusion
from vschool.attendance.provision import approve_provision, save_provision
from vschool.attendance.summaries import refresh_summaries
from vschool.calendar.rules import RECEPTION, YEAR_11, academic_year_start
from vschool.calendar.selectors import la_school_calendar
from vschool.cohort.models import Child
from vschool.cohort.rules import year_group

SUSPENDED_SHARE = 0.04  # of school-age children in care with a school
REASONS = ["DB", "LD", "CB", "VA", "PA", "PP", "VP", "DM", "BU", "DR"]
PROVIDERS = [
    ("Riverside Learning Centre", "143210", "", True),
    ("Hillside Hub (unregistered)", "", "", False),
    ("Northgate Pupil Referral Unit", "138765", "", True),
    ("Bright Futures Mentoring CIC", "", "10054321", True),
]


@dataclass(frozen=True)
class ExclusionsSummary:
    suspensions: int
    permanent: int
    provision: int

    def __str__(self) -> str:
        return (
            f", {self.suspensions} suspensions, {self.permanent} permanent exclusion, "
            f"{self.provision} alternative provision or part-time timetables"
        )


def _school_age(today: date) -> list[Child]:
    year = academic_year_start(today)
    return [
        child
        for child in Child.objects.filter(in_care=True, current_school__isnull=False)
        .select_related("current_school")
        .order_by("pk")
        if RECEPTION <= year_group(child.date_of_birth, year, child.year_group_offset) <= YEAR_11
    ]


def _mark_e(exclusion: Exclusion) -> None:
    """Mark the suspension's sessions E where the demo holds marks for them."""
    marks = list(
        AttendanceMark.objects.filter(
            child_id=exclusion.child_id,
            urn=exclusion.urn,
            date__range=(exclusion.start, exclusion.end),
        ).order_by("date", "session")[: exclusion.sessions]
    )
    for mark in marks:
        mark.code = "E"
    AttendanceMark.objects.bulk_update(marks, ["code"])
    if marks:  # the summaries count the marks as they now are
        refresh_summaries([exclusion.child_id], exclusion.start, exclusion.end)


def build_exclusions(rng: random.Random, users: dict[str, User], today: date) -> ExclusionsSummary:
    children = _school_age(today)
    if not children:
        return ExclusionsSummary(0, 0, 0)
    first = today - timedelta(days=300)
    calendar = la_school_calendar(first, today + timedelta(days=120))
    open_days = [
        first + timedelta(days=n)
        for n in range((today - first).days)
        if calendar.is_school_day(first + timedelta(days=n))
    ]
    officer, head = users.get("officer"), users.get("head")
    count = max(3, round(len(children) * SUSPENDED_SHARE))
    chosen = rng.sample(children, min(count + 1, len(children)))
    suspensions = 0
    for n, child in enumerate(chosen[:-1]):
        for _ in range(rng.choice([1, 1, 2, 3]) + (2 if n == 0 else 0)):
            at = rng.randrange(len(open_days) - 3)
            days = rng.choice([1, 1, 2, 3]) if n else 5
            span = open_days[at : at + days]
            kind = rng.choice(["suspension"] * 9 + ["lunchtime"])
            sessions = (
                len(span) if kind == "lunchtime" else rng.choice([2 * len(span), 2 * len(span) - 1])
            )
            try:
                exclusion = save_exclusion(
                    exclusion=Exclusion(
                        child=child,
                        kind=kind,
                        start=span[0],
                        end=span[-1],
                        sessions=max(1, sessions),
                        reason_1=rng.choice(REASONS),
                    ),
                    user=officer,
                )
            except ValidationError:  # not on a school's roll that day: leave it
                continue
            _mark_e(exclusion)
            suspensions += 1
    # A permanent exclusion, upheld, from a secondary-age child's school.
    excluded = chosen[-1]
    day = open_days[-10]
    permanent = save_exclusion(
        exclusion=Exclusion(
            child=excluded,
            kind=Exclusion.Kind.PERMANENT,
            start=day,
            end=day,
            sessions=2,
            reason_1="PA",
            reason_2="OW",
            upheld=True,
            notes="Upheld by the governors' panel.",
            urn=excluded.current_school.urn,
            school=excluded.current_school,
        ),
        user=officer,
    )
    _mark_e(permanent)
    provision = _provision(rng, chosen, officer, head, today)
    return ExclusionsSummary(suspensions, 1, provision)


def _urn(child: Child) -> str:
    urn = child.current_school.urn if child.current_school else ""
    return urn if len(urn) == 6 and urn.isdigit() else ""


def _provision(
    rng: random.Random, chosen: list[Child], officer: User | None, head: User | None, today: date
) -> int:
    """Four: alternative provision approved and in hand; alternative provision past its
    review date; a part-time timetable awaiting approval (it starts next week); a
    part-time timetable approved, to be reviewed within six weeks."""
    plans = [
        ("ap", today - timedelta(days=40), today + timedelta(days=30), True, "school"),
        ("ap", today - timedelta(days=90), today - timedelta(days=14), True, "la"),
        ("part_time", today + timedelta(days=7), today + timedelta(days=35), False, "school"),
        ("part_time", today - timedelta(days=10), today + timedelta(days=25), True, "school"),
    ]
    made = 0
    for (kind, start, review, approve, arranged_by), child, provider in zip(
        plans, [*chosen, *chosen][: len(plans)], PROVIDERS, strict=False
    ):
        name, urn, ukprn, registered = provider
        item = save_provision(
            provision=AlternativeProvision(
                child=child,
                kind=kind,
                provider_name=name if kind == "ap" else child.current_school.name,
                provider_urn=urn if kind == "ap" else _urn(child),
                provider_ukprn=ukprn if kind == "ap" else "",
                registered=registered if kind == "ap" else True,
                hours_per_week=Decimal(rng.choice(["10", "12.5", "15", "20"])),
                start=start,
                review_date=review,
                arranged_by=arranged_by,
                arranged_by_name="Head of year" if arranged_by == "school" else "Inclusion team",
            ),
            user=officer,  # type: ignore[arg-type]
        )
        if approve and head is not None:
            approve_provision(provision=item, user=head)
            if start < today:  # approved before it started, as it should be
                before = datetime.combine(start - timedelta(days=3), time(12))
                AlternativeProvision.objects.filter(pk=item.pk).update(
                    approved_at=timezone.make_aware(before)
                )
        made += 1
    return made
