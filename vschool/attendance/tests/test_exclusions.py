"""Recording a suspension or exclusion (attendance.exclusions), the warning at 45 days and
the check of suspensions against the marks (attendance.marks_check)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from vschool.accounts.models import Role
from vschool.accounts.tests.factories import UserFactory
from vschool.attendance.exclusions import check_exclusion, limit_warning, save_exclusion
from vschool.attendance.marks_check import suspension_mark_mismatches
from vschool.attendance.models import AttendanceMark, Exclusion
from vschool.attendance.signals import exclusion_recorded
from vschool.audit.models import AuditEntry
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory, SchoolPlacementFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 10, 6)  # a school day in the autumn term 2025 (default calendar)


@pytest.fixture
def officer():
    return UserFactory(role=Role.OFFICER)


@pytest.fixture
def child():
    child = ChildFactory()
    SchoolPlacementFactory(child=child, school=SchoolFactory(urn="100001"), start=date(2024, 9, 4))
    return child


@pytest.fixture
def heard():
    got = []

    def receiver(sender, exclusion, request, **kwargs):
        got.append(exclusion.pk)

    exclusion_recorded.connect(receiver, weak=False)
    yield got
    exclusion_recorded.disconnect(receiver)


def _new(child, **fields):
    values = {
        "kind": "suspension",
        "start": MONDAY,
        "end": MONDAY + timedelta(days=2),
        "sessions": 6,
        "reason_1": "PP",
    }
    values.update(fields)
    return Exclusion(child=child, **values)


def _errors(exclusion) -> dict:
    with pytest.raises(ValidationError) as caught:
        check_exclusion(exclusion)
    return {
        name: [str(m) for m in messages] for name, messages in caught.value.message_dict.items()
    }


def test_a_suspension_is_saved_at_the_childs_school_audited_and_announced_once(
    child, officer, heard
):
    exclusion = save_exclusion(exclusion=_new(child), user=officer)
    assert exclusion.school.urn == "100001" and exclusion.urn == "100001"
    assert exclusion.recorded_by == officer
    entry = AuditEntry.objects.get(object_type="attendance.Exclusion")
    assert (entry.action, entry.child_id, entry.user) == ("created", child.pk, officer)
    assert heard == [exclusion.pk]
    exclusion.sessions = 5
    save_exclusion(exclusion=exclusion, user=officer)
    assert heard == [exclusion.pk]  # a change is not a new suspension: no second alert
    assert AuditEntry.objects.filter(action="changed", object_id=str(exclusion.pk)).exists()


def test_the_school_on_the_first_day_is_taken_not_todays(child, officer):
    later = SchoolFactory(urn="100009")
    child.school_placements.update(end=MONDAY + timedelta(days=10))
    SchoolPlacementFactory(child=child, school=later, start=MONDAY + timedelta(days=11))
    assert save_exclusion(exclusion=_new(child), user=officer).urn == "100001"
    moved = _new(child, start=MONDAY + timedelta(days=14), end=MONDAY + timedelta(days=14))
    moved.sessions = 2
    assert save_exclusion(exclusion=moved, user=officer).urn == "100009"


def test_a_urn_not_held_is_kept_without_a_school(child, officer):
    saved = save_exclusion(exclusion=_new(child, urn="654321"), user=officer)
    assert (saved.school, saved.urn) == (None, "654321")


def test_with_no_school_on_the_first_day_the_urn_is_asked_for(officer):
    lone = ChildFactory()
    assert "give the school's URN" in _errors(_new(lone))["urn"][0]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reason_2": "PP"}, "reason_2", "This reason is given already"),
        ({"reason_2": "VA", "reason_3": "VA"}, "reason_3", "This reason is given already"),
        ({"reason_1": "ZZ"}, "reason_1", "'ZZ' is not a reason for exclusion"),
        ({"end": MONDAY - timedelta(days=1)}, "end", "The last day must be on or after"),
        ({"sessions": 0}, "sessions", "Sessions missed must be 1 or more"),
        # Monday to Wednesday: 3 school days, 6 sessions at most.
        ({"sessions": 7}, "sessions", "Sessions missed must be 6 or fewer: 3 school days"),
        ({"kind": "lunchtime", "sessions": 4}, "sessions", "must be 3 or fewer"),
        # Saturday and Sunday only.
        (
            {"start": date(2025, 10, 4), "end": date(2025, 10, 5), "sessions": 1},
            "end",
            "There is no school day",
        ),
        # Half term (27 to 31 October 2025) is no school day either.
        ({"start": date(2025, 10, 27), "end": date(2025, 10, 31)}, "end", "There is no school"),
    ],
)
def test_what_is_refused(child, fields, field, message):
    assert message in " ".join(_errors(_new(child, **fields))[field])


def test_the_gap_between_reasons_is_closed(child, officer):
    saved = save_exclusion(exclusion=_new(child, reason_1="PP", reason_3="VA"), user=officer)
    assert (saved.reason_1, saved.reason_2, saved.reason_3) == ("PP", "VA", "")


def test_two_sessions_a_school_day_is_allowed(child):
    check_exclusion(_new(child, sessions=6))
    check_exclusion(_new(child, kind="lunchtime", sessions=3))


class TestTheWarningAt45Days:
    def _before(self, child, sessions):
        Exclusion.objects.create(
            child=child,
            urn="100001",
            start=date(2025, 9, 8),
            end=date(2025, 10, 24),
            sessions=sessions,
            reason_1="PP",
        )

    def test_under_the_limit_no_warning(self, child):
        self._before(child, 80)
        assert limit_warning(_new(child, sessions=6)) is None  # 43 days

    def test_at_the_limit(self, child):
        self._before(child, 84)
        assert "to 45 school days: the most allowed" in limit_warning(_new(child, sessions=6))

    def test_over_the_limit(self, child):
        self._before(child, 84)
        warning = limit_warning(_new(child, sessions=6, end=MONDAY + timedelta(days=3), **{}))
        assert warning is not None
        over = limit_warning(_new(child, sessions=7, end=MONDAY + timedelta(days=3)))
        assert "45.5 school days, over the 45" in over

    def test_a_change_counts_the_suspension_once(self, child, officer):
        saved = save_exclusion(exclusion=_new(child, sessions=6), user=officer)
        self._before(child, 84)
        saved.sessions = 6
        assert "to 45 school days" in limit_warning(saved)

    def test_a_permanent_exclusion_gives_no_warning(self, child):
        self._before(child, 90)
        assert limit_warning(_new(child, kind="permanent", sessions=2)) is None


def _mark(child, day, session, code, urn="100001"):
    AttendanceMark.objects.create(child=child, urn=urn, date=day, session=session, code=code)


class TestTheMarksAgree:
    def test_a_suspension_marked_e_throughout_agrees(self, child, officer):
        save_exclusion(exclusion=_new(child, end=MONDAY, sessions=2), user=officer)
        _mark(child, MONDAY, "AM", "E")
        _mark(child, MONDAY, "PM", "E")
        assert suspension_mark_mismatches(child.pk) == []

    def test_a_half_day_suspension_from_the_afternoon_agrees(self, child, officer):
        save_exclusion(exclusion=_new(child, end=MONDAY, sessions=1), user=officer)
        _mark(child, MONDAY, "AM", "/")
        _mark(child, MONDAY, "PM", "E")
        assert suspension_mark_mismatches(child.pk) == []

    def test_no_marks_yet_is_no_mismatch(self, child, officer):
        save_exclusion(exclusion=_new(child), user=officer)
        assert suspension_mark_mismatches(child.pk) == []

    def test_marks_in_the_period_not_e(self, child, officer):
        save_exclusion(exclusion=_new(child, end=MONDAY, sessions=2), user=officer)
        _mark(child, MONDAY, "AM", "E")
        _mark(child, MONDAY, "PM", "/")
        [found] = suspension_mark_mismatches(child.pk)
        assert found.text.startswith("2 sessions recorded, 1 marked E")
        assert [(m.session, m.code) for m in found.marks] == [("PM", "/")]

    def test_more_e_marks_than_sessions(self, child, officer):
        save_exclusion(exclusion=_new(child, end=MONDAY, sessions=1), user=officer)
        _mark(child, MONDAY, "AM", "E")
        _mark(child, MONDAY, "PM", "E")
        [found] = suspension_mark_mismatches(child.pk)
        assert found.text == "1 sessions recorded, 2 marked E"

    def test_e_marks_with_no_suspension(self, child, officer):
        save_exclusion(exclusion=_new(child, end=MONDAY, sessions=2), user=officer)
        _mark(child, MONDAY, "AM", "E")
        _mark(child, MONDAY, "PM", "E")
        _mark(child, MONDAY + timedelta(days=7), "AM", "E")
        [found] = suspension_mark_mismatches(child.pk)
        assert found.exclusion is None
        assert [m.date for m in found.marks] == [MONDAY + timedelta(days=7)]

    def test_marks_at_another_school_are_not_the_suspensions(self, child, officer):
        save_exclusion(exclusion=_new(child, end=MONDAY, sessions=2), user=officer)
        _mark(child, MONDAY, "AM", "/", urn="100777")
        assert suspension_mark_mismatches(child.pk) == []

    def test_a_lunchtime_suspension_wants_no_e_marks(self, child, officer):
        save_exclusion(
            exclusion=_new(child, kind="lunchtime", end=MONDAY, sessions=1), user=officer
        )
        _mark(child, MONDAY, "AM", "/")
        _mark(child, MONDAY, "PM", "/")
        assert suspension_mark_mismatches(child.pk) == []
