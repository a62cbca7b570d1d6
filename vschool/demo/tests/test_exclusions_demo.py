"""The demo's suspensions, permanent exclusion and provision: made through the services,
valid, announced once each, and matched by E marks where marks exist."""

from datetime import date

import pytest

from vschool.attendance.models import AlternativeProvision, AttendanceMark, Exclusion
from vschool.attendance.signals import exclusion_recorded
from vschool.audit.models import AuditEntry
from vschool.demo.generator import build_demo, delete_demo

TODAY = date(2026, 2, 10)


@pytest.fixture
def heard():
    got = []

    def receiver(sender, exclusion, request, **kwargs):
        got.append(exclusion.pk)

    exclusion_recorded.connect(receiver, weak=False)
    yield got
    exclusion_recorded.disconnect(receiver)


@pytest.mark.django_db
def test_the_demo_holds_suspensions_an_exclusion_and_provision(heard):
    summary = build_demo(children=80, seed=1, today=TODAY)
    suspensions = Exclusion.objects.suspensions()
    assert suspensions.count() == summary.exclusions.suspensions >= 3
    assert Exclusion.objects.permanent().count() == 1
    assert sorted(heard) == sorted(Exclusion.objects.values_list("pk", flat=True))  # once each
    assert AuditEntry.objects.filter(object_type="attendance.Exclusion").count() == len(heard)
    provision = AlternativeProvision.objects
    assert provision.count() == 4
    assert provision.review_overdue(TODAY).count() == 1
    waiting = provision.awaiting_approval()
    assert [p.kind for p in waiting] == ["part_time"] and waiting[0].start > TODAY
    assert provision.filter(kind="ap", registered=False).count() == 1
    for item in provision.exclude(approved_at=None):
        assert item.approved_at.date() <= max(item.start, TODAY)
    delete_demo()
    assert not Exclusion.objects.exists() and not AlternativeProvision.objects.exists()


@pytest.mark.django_db
def test_the_demo_marks_a_suspensions_sessions_e_where_marks_exist():
    # The demo writes its year of marks first, then each suspension's sessions are E.
    build_demo(children=80, seed=1, today=TODAY)
    checked = 0
    for exclusion in Exclusion.objects.exclude(kind="lunchtime"):
        codes = list(
            AttendanceMark.objects.filter(
                child_id=exclusion.child_id,
                urn=exclusion.urn,
                date__range=(exclusion.start, exclusion.end),
            )
            .order_by("date", "session")
            .values_list("code", flat=True)
        )
        if codes:
            assert codes[: exclusion.sessions] == ["E"] * min(len(codes), exclusion.sessions)
            checked += 1
    assert checked
