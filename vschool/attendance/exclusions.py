"""Recording and changing a suspension or permanent exclusion (rules.md 7).

save_exclusion checks it (reasons from vschool/codes/exclusion_reasons.csv, at most three,
none twice; the last day on or after the first; at least one session and no more than its
school days allow, by the LA calendar), fills the school from the child's placement on the
first day unless one is given, saves it, writes the audit log and, for a new one, sends
signals.exclusion_recorded (the alerts app raises the same-day task from it).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from vschool.accounts.models import User
from vschool.attendance.conflicts import check_unchanged
from vschool.attendance.models import Exclusion
from vschool.attendance.rules import (
    AT_LIMIT,
    OVER_LIMIT,
    SUSPENSION_DAYS_LIMIT,
    allot_sessions,
    days_lost,
    most_sessions,
    suspension_days_limit,
)
from vschool.attendance.signals import exclusion_recorded
from vschool.attendance.suspension_days import sessions_by_period
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.calendar.rules import (
    academic_year_bounds,
    academic_year_label,
    academic_year_start,
    school_days_between,
)
from vschool.calendar.selectors import la_school_calendar
from vschool.codes import code_list
from vschool.cohort.models import School, SchoolPlacement

REASONS = ("reason_1", "reason_2", "reason_3")


def school_on(child_id: int, day: date) -> School | None:
    """The school the child is on the roll of on `day` (their placement at a school then)."""
    placement = (
        SchoolPlacement.objects.current(day)
        .filter(child_id=child_id, provision=SchoolPlacement.Provision.SCHOOL)
        .select_related("school")
        .order_by("-start")
        .first()
    )
    return placement.school if placement else None


def school_days(start: date, end: date) -> int:
    """The LA calendar's school days from `start` to `end`, both included."""
    return school_days_between(start - timedelta(days=1), end, la_school_calendar(start, end))


def _check_reasons(exclusion: Exclusion) -> dict[str, str]:
    given = [getattr(exclusion, name) for name in REASONS]
    errors: dict[str, str] = {}
    seen: set[str] = set()
    known = code_list("exclusion_reasons")
    for name, code in zip(REASONS, given, strict=True):
        if code and code not in known:
            errors[name] = f"{code!r} is not a reason for exclusion: choose one from the list"
        elif code and code in seen:
            errors[name] = "This reason is given already: give each reason once"
        seen.add(code)
    if not errors:
        # Close any gap: a second reason left blank and a third given.
        kept = [code for code in given if code] + ["", "", ""]
        for name, code in zip(REASONS, kept, strict=False):
            setattr(exclusion, name, code)
    return errors


def check_exclusion(exclusion: Exclusion) -> None:
    """Raise ValidationError, by field, for what is wrong with `exclusion`; fill its school
    from the child's placement on the first day when neither school nor URN is given."""
    errors: dict[str, str] = {}
    errors.update(_check_reasons(exclusion))
    if exclusion.start and exclusion.end and exclusion.end < exclusion.start:
        errors["end"] = "The last day must be on or after the first day"
    if exclusion.sessions is not None and exclusion.sessions < 1:
        errors["sessions"] = "Sessions missed must be 1 or more"
    if exclusion.urn and exclusion.school_id is None:
        exclusion.school = School.objects.filter(urn=exclusion.urn).first()
    if exclusion.school_id is None and not exclusion.urn and exclusion.start:
        exclusion.school = school_on(exclusion.child_id, exclusion.start)
        if exclusion.school is None:
            errors["urn"] = (
                f"No school is recorded for the child on {exclusion.start:%-d %B %Y}: "
                "give the school's URN"
            )
    if exclusion.school_id is not None:
        exclusion.urn = exclusion.school.urn
    if "end" not in errors and exclusion.start and exclusion.end and exclusion.sessions:
        days = school_days(exclusion.start, exclusion.end)
        most = most_sessions(exclusion.kind, days)
        if days == 0:
            errors["end"] = "There is no school day from the first day to the last day"
        elif exclusion.sessions > most:
            per_day = "one a day" if exclusion.kind == "lunchtime" else "two a day"
            errors["sessions"] = (
                f"Sessions missed must be {most} or fewer: {days} school "
                f"day{'s' if days != 1 else ''} from the first day to the last, {per_day}"
            )
    if errors:
        raise ValidationError(errors)
    exclusion.full_clean(exclude=["recorded_by"])


@dataclass(frozen=True)
class YearTotal:
    """A child's suspension days in an academic year against the 45-day limit."""

    academic_year: int
    sessions: int

    @property
    def label(self) -> str:
        return academic_year_label(self.academic_year)

    @property
    def days(self):
        return days_lost(self.sessions)

    @property
    def standing(self) -> str:
        """under, at or over (rules.suspension_days_limit)."""
        return suspension_days_limit(self.sessions)

    @property
    def limit(self) -> int:
        return SUSPENSION_DAYS_LIMIT


def totals_with(exclusion: Exclusion) -> list[YearTotal]:
    """The child's suspension totals in each academic year `exclusion` touches, counting it
    as it stands (not saved yet, or changed) in place of its saved self."""
    first_year, last_year = academic_year_start(exclusion.start), academic_year_start(exclusion.end)
    years = list(range(first_year, last_year + 1))
    periods = [academic_year_bounds(year) for year in years]
    others = Exclusion.objects.filter(child_id=exclusion.child_id)
    if exclusion.pk:
        others = others.exclude(pk=exclusion.pk)
    counts = sessions_by_period(others, periods).get(exclusion.child_id, [0] * len(years))
    if exclusion.kind in (Exclusion.Kind.SUSPENSION, Exclusion.Kind.LUNCHTIME):
        if len(years) == 1:
            counts[0] += exclusion.sessions
        else:
            calendar = la_school_calendar(exclusion.start, exclusion.end)
            days = [
                exclusion.start + timedelta(days=n)
                for n in range((exclusion.end - exclusion.start).days + 1)
            ]
            open_days = [d for d in days if calendar.is_school_day(d)] or [exclusion.start]
            for n, count in enumerate(allot_sessions(open_days, exclusion.sessions, periods)):
                counts[n] += count
    return [YearTotal(year, count) for year, count in zip(years, counts, strict=True)]


def limit_warning(exclusion: Exclusion) -> str | None:
    """Words for the form when `exclusion`, a suspension, takes a year's suspensions to or
    over 45 school days (counting every school); None otherwise."""
    if exclusion.kind == Exclusion.Kind.PERMANENT:
        return None
    for total in totals_with(exclusion):
        if total.standing == AT_LIMIT:
            return (
                f"This suspension takes the child's suspensions in {total.label} to "
                f"{total.days:g} school days: the most allowed in a year is "
                f"{SUSPENSION_DAYS_LIMIT}, counting every school."
            )
        if total.standing == OVER_LIMIT:
            return (
                f"This suspension takes the child's suspensions in {total.label} to "
                f"{total.days:g} school days, over the {SUSPENSION_DAYS_LIMIT} school days "
                "a year allowed, counting every school. Check the dates and sessions."
            )
    return None


def save_exclusion(
    *,
    exclusion: Exclusion,
    user: User | None,
    request: HttpRequest | None = None,
    seen: str | None = None,
) -> Exclusion:
    """Check, save and audit a new or changed suspension or exclusion; a new one is
    announced with signals.exclusion_recorded once it is committed. `seen`: the
    fingerprint of the record when the form was opened (conflicts.EditConflict if it has
    changed since)."""
    creating = exclusion.pk is None
    check_exclusion(exclusion)
    with transaction.atomic():
        check_unchanged(exclusion, seen)
        if creating:
            exclusion.recorded_by = user if user is not None and user.pk else None
        exclusion.save()
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED,
            obj=exclusion,
            request=request,
            summary=(
                f"{'Recorded' if creating else 'Changed'} {exclusion.get_kind_display().lower()} "
                f"from {exclusion.start} to {exclusion.end}, {exclusion.sessions} sessions"
            ),
        )
    if creating:
        exclusion_recorded.send(sender=Exclusion, exclusion=exclusion, request=request)
    return exclusion


__all__ = [
    "YearTotal",
    "check_exclusion",
    "limit_warning",
    "save_exclusion",
    "school_days",
    "school_on",
    "totals_with",
]
