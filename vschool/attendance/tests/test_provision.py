"""Recording alternative provision and part-time timetables, and approving them
(attendance.provision, the ProvisionQuerySet)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vschool.accounts.models import Role
from vschool.accounts.tests.factories import UserFactory
from vschool.attendance.models import AlternativeProvision
from vschool.attendance.provision import approve_provision, check_provision, save_provision
from vschool.audit.models import AuditEntry
from vschool.cohort.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

START = date(2025, 9, 8)


def _new(**fields):
    values = {
        "child": ChildFactory(),
        "kind": "ap",
        "provider_name": "Riverside Learning Centre",
        "provider_urn": "123456",
        "hours_per_week": Decimal("10"),
        "start": START,
        "review_date": START + timedelta(weeks=6),
        "arranged_by": "school",
    }
    values.update(fields)
    return AlternativeProvision(**values)


def _errors(provision) -> dict:
    with pytest.raises(ValidationError) as caught:
        check_provision(provision)
    return {name: " ".join(messages) for name, messages in caught.value.message_dict.items()}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"provider_urn": "12345"}, "provider_urn", "A URN is 6 digits"),
        ({"provider_ukprn": "20012345"}, "provider_ukprn", "A UKPRN is 8 digits starting with 1"),
        ({"hours_per_week": Decimal("0")}, "hours_per_week", "more than 0"),
        ({"end": START - timedelta(days=1)}, "end", "on or after the start date"),
        ({"review_date": START - timedelta(days=1)}, "review_date", "on or after the start"),
        (
            {"kind": "part_time", "review_date": START + timedelta(weeks=7)},
            "review_date",
            "A part-time timetable must be time-limited: give an end date or a review date "
            "no more than 6 weeks after the start",
        ),
    ],
)
def test_what_is_refused(fields, field, message):
    assert message in _errors(_new(**fields))[field]


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "part_time", "review_date": START + timedelta(weeks=6)},
        {
            "kind": "part_time",
            "end": START + timedelta(weeks=5),
            "review_date": START + timedelta(weeks=12),
        },
        {"kind": "ap", "review_date": START + timedelta(weeks=20)},  # AP has no such limit
        {"provider_urn": "", "provider_ukprn": "10012345"},
    ],
)
def test_what_is_allowed(fields):
    check_provision(_new(**fields))


@pytest.mark.parametrize(
    ("fields", "flagged"),
    [
        ({}, False),
        ({"provider_urn": "", "provider_ukprn": "10012345"}, False),
        ({"provider_urn": ""}, True),  # neither URN nor UKPRN
        ({"registered": False}, True),
    ],
)
def test_an_unregistered_provider_is_flagged(fields, flagged):
    assert _new(**fields).flagged_unregistered is flagged


def test_saving_is_audited():
    officer = UserFactory(role=Role.OFFICER)
    saved = save_provision(provision=_new(), user=officer)
    entry = AuditEntry.objects.get(object_type="attendance.AlternativeProvision")
    assert (entry.action, entry.child_id) == ("created", saved.child_id)


@pytest.mark.parametrize("role", [Role.HEAD, Role.DEPUTY])
def test_the_head_and_deputy_approve(role):
    approver = UserFactory(role=role)
    saved = save_provision(provision=_new(), user=approver)
    approve_provision(provision=saved, user=approver)
    saved.refresh_from_db()
    assert saved.approved_by == approver and saved.approved_at is not None
    assert AuditEntry.objects.filter(summary__startswith="Approved alternative").count() == 1


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.OFFICER, Role.DATA_OFFICER, Role.DESIGNATED_TEACHER]
)
def test_no_one_else_approves(role):
    saved = save_provision(provision=_new(), user=UserFactory(role=Role.OFFICER))
    with pytest.raises(PermissionDenied):
        approve_provision(provision=saved, user=UserFactory(role=role))
    saved.refresh_from_db()
    assert saved.approved_at is None


def test_changing_what_was_approved_asks_for_approval_again():
    head = UserFactory(role=Role.HEAD)
    saved = approve_provision(provision=save_provision(provision=_new(), user=head), user=head)
    saved.notes = "Going well"
    save_provision(provision=saved, user=head)
    saved.refresh_from_db()
    assert saved.approved_at is not None  # notes are not what was approved
    saved.hours_per_week = Decimal("15")
    save_provision(provision=saved, user=head)
    saved.refresh_from_db()
    assert saved.approved_at is None and saved.approved_by is None


def test_the_lists_of_provision_awaiting_approval_and_overdue():
    today = date(2025, 11, 1)
    head = UserFactory(role=Role.HEAD)
    waiting = save_provision(provision=_new(review_date=date(2025, 12, 1)), user=head)
    overdue = save_provision(provision=_new(review_date=date(2025, 10, 20)), user=head)
    approve_provision(provision=overdue, user=head)
    fine = save_provision(provision=_new(review_date=date(2025, 12, 1)), user=head)
    approve_provision(provision=fine, user=head)
    over = save_provision(
        provision=_new(end=date(2025, 10, 1), review_date=date(2025, 9, 20)), user=head
    )
    objects = AlternativeProvision.objects
    assert set(objects.awaiting_approval()) == {waiting, over}
    assert set(objects.review_overdue(today)) == {overdue}
    assert set(objects.needing_attention(today)) == {waiting, overdue}  # ended ones are done


def test_a_stale_form_does_not_overwrite():
    from vschool.attendance.conflicts import EditConflict, fingerprint

    head = UserFactory(role=Role.HEAD)
    saved = save_provision(provision=_new(), user=head)
    seen = fingerprint(AlternativeProvision, saved.pk)
    AlternativeProvision.objects.filter(pk=saved.pk).update(notes="theirs")
    saved.notes = "mine"
    with pytest.raises(EditConflict):
        save_provision(provision=saved, user=head, seen=seen)
    save_provision(provision=saved, user=head, seen=fingerprint(AlternativeProvision, saved.pk))
    saved.refresh_from_db()
    assert saved.notes == "mine"
