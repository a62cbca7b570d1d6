"""The alert rules, table by table, with their edges (docs/rules.md 7, Alerts), and the
rolling windows of school weeks they read (vschool/attendance/windows.py).

The calendar is the default one for 2025/26 (no term dates set): autumn term Wednesday 3
September to Friday 19 December 2025, half-term 27 to 31 October.
"""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from vschool.alerts import rules
from vschool.attendance.models import AlternativeProvision, AttendanceMark, Exclusion
from vschool.attendance.windows import school_weeks_window
from vschool.calendar.models import SchoolClosure
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import (
    CareEpisodeFactory,
    ChildFactory,
    SchoolFactory,
    SchoolPlacementFactory,
)

pytestmark = pytest.mark.django_db

RUN = date(2025, 11, 28)  # a Friday
FOUR_WEEKS = (date(2025, 11, 3), RUN)
TEN_WEEKS = (date(2025, 9, 15), RUN)


# --- The windows ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "weeks", "window"),
    [
        (RUN, 4, FOUR_WEEKS),
        (RUN, 10, TEN_WEEKS),
        (date(2025, 11, 29), 4, FOUR_WEEKS),  # a Saturday: up to the Friday before
        (date(2025, 11, 30), 4, FOUR_WEEKS),  # a Sunday
        (date(2025, 11, 7), 2, (date(2025, 10, 20), date(2025, 11, 7))),  # over half-term
        (date(2025, 11, 3), 1, (date(2025, 10, 21), date(2025, 11, 3))),  # half-term skipped
        (date(2025, 9, 3), 1, (date(2025, 7, 17), date(2025, 9, 3))),  # into the last year
        (date(2025, 8, 15), 1, (date(2025, 7, 16), date(2025, 7, 22))),  # the summer holiday
    ],
)
def test_the_last_school_weeks_are_school_days_counted_back(end, weeks, window):
    assert school_weeks_window(end, weeks) == window


def test_a_closure_day_is_not_a_school_day_of_the_window():
    SchoolClosure.objects.create(date=date(2025, 11, 14), reason="INSET")
    assert school_weeks_window(RUN, 4) == (date(2025, 10, 24), RUN)  # over half-term


# --- Helpers --------------------------------------------------------------------------------


def _mark(child, day, session, code):
    AttendanceMark.objects.create(child=child, urn="100001", date=day, session=session, code=code)


def _school_days(first, last):
    day = first
    while day <= last:
        if day.weekday() < 5 and not date(2025, 10, 27) <= day <= date(2025, 10, 31):
            yield day
        day += timedelta(days=1)


def _marks(child, codes, last=RUN):
    """Codes session by session, back from the PM of `last` over school days."""
    days = sorted(_school_days(date(2025, 9, 3), last), reverse=True)
    slots = [(d, s) for d in days for s in ("PM", "AM")]
    AttendanceMark.objects.bulk_create(
        AttendanceMark(child=child, urn="100001", date=d, session=s, code=c)
        for (d, s), c in zip(slots, codes, strict=False)
    )


def _children(triggers):
    return [t.child_id for t in triggers]


# --- Rule 1: suspensions and permanent exclusions ------------------------------------------


def _exclusion(child, kind="suspension", upheld=None, recorded_days_ago=0):
    exclusion = Exclusion.objects.create(
        child=child,
        urn="100001",
        kind=kind,
        start=RUN,
        end=RUN + timedelta(days=1),
        sessions=4,
        reason_1="PP",
        upheld=upheld,
    )
    when = timezone.make_aware(
        datetime.combine(RUN - timedelta(days=recorded_days_ago), datetime.min.time()).replace(
            hour=12
        )
    )
    Exclusion.objects.filter(pk=exclusion.pk).update(recorded_at=when)
    return exclusion


@pytest.mark.parametrize(
    ("kind", "upheld", "days_ago", "raised"),
    [
        ("suspension", None, 0, True),
        ("lunchtime", None, 0, True),
        ("permanent", True, 0, True),
        ("permanent", None, 0, False),  # not counted until upheld: the signal raises it
        ("permanent", False, 0, False),  # overturned
        ("suspension", None, 6, True),  # the 7th day back
        ("suspension", None, 7, False),  # the 8th day back
        ("suspension", None, -1, False),  # recorded after the run date
    ],
)
def test_exclusions_recorded_in_the_last_days(kind, upheld, days_ago, raised):
    exclusion = _exclusion(ChildFactory(), kind, upheld, days_ago)
    triggers = rules.exclusions_recorded(RUN, 7)
    assert _children(triggers) == ([exclusion.child_id] if raised else [])
    if raised:
        assert triggers[0].key == str(exclusion.pk)


def test_an_exclusion_trigger_says_what_happened_without_a_name():
    child = ChildFactory(first_name="Zelda", last_name="Quill")
    trigger = rules.exclusion_trigger(_exclusion(child, "permanent", None))
    assert trigger.facts == (
        "Permanent exclusion from URN 100001, 28 November 2025 to 29 November 2025: 4 "
        "sessions missed. Reason: Physical assault against a pupil. Not yet reviewed."
    )
    assert "Zelda" not in trigger.facts and "Quill" not in trigger.facts


# --- Rule 2: unexplained absence today -----------------------------------------------------


@pytest.mark.parametrize(
    ("marks", "facts"),
    [
        ([(RUN, "AM", "O")], "Marked O in the morning on 28 November 2025"),
        ([(RUN, "PM", "N")], "Marked N in the afternoon on 28 November 2025"),
        ([(RUN, "AM", "N"), (RUN, "PM", "O")], "Marked N in the morning and O in the afternoon"),
        ([(RUN, "AM", "G")], None),  # unauthorised, but explained (a holiday)
        ([(RUN, "AM", "U")], None),  # late after the register closed
        ([(RUN, "AM", "/")], None),
        ([(RUN - timedelta(days=1), "AM", "O")], None),  # yesterday
    ],
)
def test_unexplained_absence_today(marks, facts):
    child = ChildFactory()
    for day, session, code in marks:
        _mark(child, day, session, code)
    triggers = rules.unexplained_absence(RUN)
    if facts is None:
        assert triggers == []
    else:
        [trigger] = triggers
        assert (trigger.child_id, trigger.key) == (child.pk, "2025-11-28")
        assert trigger.facts.startswith(facts)


# --- Rule 3: 10 unauthorised sessions in 10 school weeks -----------------------------------


@pytest.mark.parametrize(
    ("codes", "raised"),
    [
        (["O"] * 10, True),
        (["O"] * 9 + ["/"], False),
        (["G", "N", "U", "O"] * 2 + ["G", "G"], True),  # every unauthorised code counts
        (["O"] * 9 + ["I"], False),  # authorised (illness) does not
        (["/"] * 40 + ["O"] * 10, True),  # spread out in the window
    ],
)
def test_ten_unauthorised_sessions_in_ten_school_weeks(codes, raised):
    child = ChildFactory()
    _marks(child, codes)
    triggers = rules.unauthorised_sessions(RUN)
    assert _children(triggers) == ([child.pk] if raised else [])
    if raised:
        assert triggers[0].key == "2025-W48"
        assert "15 September 2025 to 28 November 2025" in triggers[0].facts


def test_unauthorised_sessions_before_the_window_do_not_count():
    child = ChildFactory()
    _marks(child, ["O"] * 9)
    _mark(child, date(2025, 9, 12), "AM", "O")  # the school day before the window
    assert rules.unauthorised_sessions(RUN) == []
    _mark(child, date(2025, 9, 15), "AM", "O")  # its first day
    assert _children(rules.unauthorised_sessions(RUN)) == [child.pk]


# --- Rule 4: attendance below 90% over 4 school weeks --------------------------------------


@pytest.mark.parametrize(
    ("codes", "raised"),
    [
        (["/"] * 18 + ["I", "O"], False),  # 90.0%: not below
        (["/"] * 17 + ["I", "O", "O"], True),  # 85.0%
        (["/"] * 8 + ["X"] * 10 + ["O"], True),  # 8 of 9 possible sessions: 88.9%
        (["X"] * 20, False),  # no possible sessions: no rate
        (["B"] * 18 + ["O", "O"], False),  # attending elsewhere counts as attendance
    ],
)
def test_attendance_below_ninety_percent_over_four_school_weeks(codes, raised):
    child = ChildFactory()
    _marks(child, codes)
    triggers = rules.low_attendance(RUN)
    assert _children(triggers) == ([child.pk] if raised else [])


@pytest.mark.parametrize(
    ("attended", "possible", "below"),
    [
        (9, 10, False),
        (89, 99, True),
        (899, 999, True),
        (18, 20, False),
        (0, 0, False),
        (0, 1, True),
    ],
)
def test_below_attendance_is_compared_exactly(attended, possible, below):
    assert rules.below_attendance(attended, possible) is below


def test_marks_before_the_four_weeks_do_not_count():
    child = ChildFactory()
    _marks(child, ["/"] * 50)
    AttendanceMark.objects.filter(date__lt=FOUR_WEEKS[0]).update(code="O")
    assert rules.low_attendance(RUN) == []


# --- Rule 5: school age, looked after, no school ------------------------------------------


def _child(dob=date(2017, 3, 1), **episode):
    child = ChildFactory(date_of_birth=dob)
    CareEpisodeFactory(child=child, **episode)
    return child


@pytest.mark.parametrize(
    ("make", "raised"),
    [
        (lambda: _child(), True),  # Year 3, in care, no placement
        (lambda: _child(dob=date(2021, 8, 31)), True),  # Reception (the youngest)
        (lambda: _child(dob=date(2021, 9, 1)), False),  # Nursery 2
        (lambda: _child(dob=date(2009, 9, 1)), True),  # Year 11 (the oldest)
        (lambda: _child(dob=date(2009, 8, 31)), False),  # Year 12
        (lambda: _child(dec=date(2025, 11, 1), rec="E13"), False),  # left care
        (lambda: _child(ls="V3"), False),  # a short break is not looked after
        (lambda: _child(decom=date(2025, 11, 29)), False),  # into care tomorrow
        (lambda: _child(decom=RUN), True),  # into care today
        (lambda: ChildFactory(date_of_birth=date(2017, 3, 1)), False),  # never in care
    ],
)
def test_school_age_looked_after_with_no_school(make, raised):
    child = make()
    children_refresh_current()
    assert _children(rules.no_school(RUN)) == ([child.pk] if raised else [])


@pytest.mark.parametrize(
    ("placement", "raised"),
    [
        ({"provision": "school"}, False),
        ({"provision": "school", "end": RUN - timedelta(days=1)}, True),  # left school
        ({"provision": "school", "end": RUN}, False),  # its last day
        ({"provision": "school", "start": RUN + timedelta(days=1)}, True),  # starts next week
        ({"provision": "ap", "school": None, "provider_name": "Pathways"}, False),
        ({"provision": "eotas", "school": None}, False),
        ({"provision": "none", "school": None}, True),  # not on roll
    ],
)
def test_a_current_school_or_education_placement_is_enough(placement, raised):
    child = _child()
    fields = {"school": SchoolFactory(), **placement}
    SchoolPlacementFactory(child=child, **fields)
    children_refresh_current()
    assert _children(rules.no_school(RUN)) == ([child.pk] if raised else [])


def test_a_year_group_taught_out_of_age_counts_as_taught():
    child = _child(dob=date(2021, 9, 1))  # Nursery 2 by age, taught in Reception
    child.year_group_offset = 1
    child.save()
    assert _children(rules.no_school(RUN)) == [child.pk]


# --- Rule 6: part-time timetable past its review -------------------------------------------


def _part_time(child, review, kind="part_time", end=None):
    return AlternativeProvision.objects.create(
        child=child,
        kind=kind,
        provider_name="Oak Lodge",
        hours_per_week="12.5",
        start=date(2025, 9, 8),
        end=end,
        review_date=review,
        arranged_by="school",
    )


@pytest.mark.parametrize(
    ("review", "kind", "end", "raised"),
    [
        (RUN - timedelta(days=1), "part_time", None, True),
        (RUN, "part_time", None, False),  # due for review today: not past it
        (RUN - timedelta(days=30), "part_time", RUN, True),  # ends today
        (RUN - timedelta(days=30), "part_time", RUN - timedelta(days=1), False),  # ended
        (RUN - timedelta(days=30), "ap", None, False),  # alternative provision, not part-time
    ],
)
def test_part_time_timetable_past_its_review_date(review, kind, end, raised):
    provision = _part_time(ChildFactory(), review, kind, end)
    triggers = rules.part_time_past_review(RUN)
    assert _children(triggers) == ([provision.child_id] if raised else [])
    if raised:
        assert triggers[0].key == f"{provision.pk}:{review.isoformat()}"
        assert "12.5 hours a week at Oak Lodge" in triggers[0].facts


# --- Due dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raised", "due"),
    [
        (rules.EXCLUSION, RUN, date(2025, 12, 1)),  # Friday: due Monday
        (rules.UNEXPLAINED, date(2025, 12, 24), date(2025, 12, 29)),  # over Christmas
        (rules.UNAUTHORISED, RUN, date(2025, 12, 5)),
        (rules.NO_SCHOOL, RUN, date(2025, 12, 2)),
    ],
)
def test_a_task_is_due_in_working_days(kind, raised, due):
    assert rules.due_date(kind, raised) == due
