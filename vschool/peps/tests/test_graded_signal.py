"""Approving and regrading tell the apps above (signals.pep_graded), inside the move's
transaction: a receiver that refuses undoes the whole move."""

import pytest

from vschool.audit.models import AuditEntry
from vschool.peps import services
from vschool.peps.models import Pep, PepReview, PepStatusChange
from vschool.peps.signals import pep_graded

S = Pep.Status


@pytest.fixture
def heard():
    """What pep_graded was sent with, each time."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    pep_graded.connect(receiver, dispatch_uid="test-heard")
    yield calls
    pep_graded.disconnect(dispatch_uid="test-heard")


@pytest.fixture
def refuse():
    def receiver(sender, **kwargs):
        raise services.PepError("Not with this grade")

    pep_graded.connect(receiver, dispatch_uid="test-refuse")
    yield
    pep_graded.disconnect(dispatch_uid="test-refuse")


def test_approving_and_regrading_send_the_grade(people, make_pep, heard):
    officer = people["officer"]
    pep = make_pep(S.SUBMITTED)
    decision = {"decision": "withhold", "amount": None, "reason": "", "override_reason": ""}
    services.pep_transition(
        pep=pep, user=officer, action="approve", version=1, grade="Amber", ppplus=decision
    )
    services.pep_transition(
        pep=pep, user=officer, action="regrade", version=2, grade="Green", note="Moderated"
    )
    assert [(c["grade"], c["previous_grade"], c["regrade"], c["ppplus"]) for c in heard] == [
        ("Amber", "", False, decision),
        ("Green", "Amber", True, None),
    ]
    assert heard[0]["pep"].pk == pep.pk and heard[0]["user"] == officer
    pep.refresh_from_db()
    assert (pep.status, pep.grade, pep.version) == (S.APPROVED, "Green", 3)
    assert pep.reviews.get().decision == "regrade"  # the approval had no review given
    assert pep.status_changes.last().note == "Moderated"


def test_other_moves_send_nothing(people, make_pep, heard):
    pep = make_pep(S.APPROVED, grade="Green")
    services.pep_transition(pep=pep, user=people["officer"], action="lock", version=1)
    assert heard == []


def test_a_receiver_that_refuses_undoes_the_move(people, make_pep, refuse):
    pep = make_pep(S.SUBMITTED)
    entries = AuditEntry.objects.count()
    with pytest.raises(services.PepError, match="Not with this grade"):
        services.pep_transition(
            pep=pep,
            user=people["officer"],
            action="approve",
            version=1,
            grade="Green",
            review={"criteria": {}, "comments": {}},
        )
    assert (pep.status, pep.grade) == (S.SUBMITTED, "")  # read again
    pep.refresh_from_db()
    assert (pep.status, pep.grade, pep.version) == (S.SUBMITTED, "", 1)
    assert not PepReview.objects.exists() and not PepStatusChange.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_regrading_is_for_the_virtual_school_and_an_approved_pep(people, make_pep):
    submitted = make_pep(S.SUBMITTED)
    with pytest.raises(services.PepError, match="cannot regrade a PEP that is submitted"):
        services.pep_transition(
            pep=submitted, user=people["officer"], action="regrade", version=1, grade="Gold"
        )
    approved = make_pep(S.APPROVED, grade="Amber", term="autumn")
    with pytest.raises(services.PepError, match="You cannot do that"):
        services.pep_transition(
            pep=approved, user=people["dt"], action="regrade", version=1, grade="Gold", note="x"
        )
    with pytest.raises(services.PepError, match="Select the new grade"):
        services.pep_transition(
            pep=approved, user=people["officer"], action="regrade", version=1, grade="Purple"
        )
