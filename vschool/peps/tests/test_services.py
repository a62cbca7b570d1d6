"""The PEP workflow: each allowed move, each refused one, and what a move leaves behind."""

from datetime import date

import pytest
from django.core import mail

from vschool.audit.models import AuditEntry
from vschool.cohort.models import Child
from vschool.peps import services
from vschool.peps.models import Pep, PepSection, PepStatusChange

pytestmark = pytest.mark.django_db
S = Pep.Status


def _complete(pep, *keys):
    for key in keys:
        PepSection.objects.create(pep=pep, key=key, completed=True, data={"x": "y"})


@pytest.mark.parametrize(
    "action,source,target,who,note,grade,mailed_to",
    [
        ("submit", S.DRAFT, S.SUBMITTED, "dt", "", "", "officer@example.org"),
        (
            "return",
            S.SUBMITTED,
            S.RETURNED,
            "officer",
            "Add the child's views",
            "",
            "dt@example.org",
        ),
        ("resubmit", S.RETURNED, S.SUBMITTED, "dt", "", "", "officer@example.org"),
        (
            "approve",
            S.SUBMITTED,
            S.APPROVED,
            "head",
            "",
            "Green",
            ["dt@example.org", "social@example.org"],
        ),
        ("lock", S.APPROVED, S.LOCKED, "officer", "", "", None),
    ],
)
def test_each_allowed_move_records_status_audit_and_mail(
    people, make_pep, action, source, target, who, note, grade, mailed_to
):
    pep = make_pep(source)
    _complete(pep, "school", "voice", "targets", "care", "carer")
    moved = services.pep_transition(
        pep=pep,
        user=people[who],
        action=action,
        version=1,
        note=note,
        grade=grade,
        today=date(2026, 3, 2),
    )
    assert moved.status == target and moved.version == 2
    change = PepStatusChange.objects.get(pep=pep)
    assert (change.status, change.by, change.note) == (target, people[who], note)
    audit = AuditEntry.objects.get(object_id=str(pep.pk), action=AuditEntry.Action.CHANGED)
    assert audit.summary.startswith("PEP ") and audit.child_id == pep.child_id
    expected = [mailed_to] if isinstance(mailed_to, str) else mailed_to
    assert [sorted(m.to) for m in mail.outbox] == ([expected] if mailed_to else [])
    for message in mail.outbox:  # no name in an e-mail; a link to the PEP and the reason
        assert pep.child.last_name not in message.subject + message.body
        assert f"http://127.0.0.1:8000/children/{pep.child_id}/peps/{pep.pk}/" in message.body
        assert note in message.body


def test_approval_sets_the_grade_and_completed_date(people, make_pep):
    pep = services.pep_transition(
        pep=make_pep(S.SUBMITTED),
        user=people["officer"],
        action="approve",
        version=1,
        grade="Gold",
        today=date(2026, 3, 2),
    )
    assert (pep.grade, pep.completed_date) == ("Gold", date(2026, 3, 2))
    assert AuditEntry.objects.filter(summary="PEP approved (Gold)").exists() is True


@pytest.mark.parametrize(
    "action,source,who,kwargs,message",
    [
        ("submit", S.DRAFT, "social", {}, "You cannot do that to this PEP"),
        ("submit", S.DRAFT, "officer", {}, "You cannot do that to this PEP"),
        ("approve", S.SUBMITTED, "dt", {"grade": "Green"}, "You cannot do that to this PEP"),
        ("return", S.SUBMITTED, "social", {"note": "x"}, "You cannot do that to this PEP"),
        ("approve", S.DRAFT, "officer", {"grade": "Green"}, "cannot approve a PEP that is draft"),
        ("submit", S.SUBMITTED, "dt", {}, "cannot submit a PEP that is submitted"),
        ("lock", S.SUBMITTED, "officer", {}, "cannot lock a PEP that is submitted"),
        ("start", S.DRAFT, "dt", {}, "cannot start a PEP that is draft"),
        ("delete", S.DRAFT, "dt", {}, "cannot delete a PEP"),
        ("return", S.SUBMITTED, "officer", {"note": " "}, "Enter the reason"),
        ("approve", S.SUBMITTED, "officer", {"grade": "Purple"}, "Select a grade"),
    ],
)
def test_refused_moves_change_nothing(people, make_pep, action, source, who, kwargs, message):
    pep = make_pep(source)
    _complete(pep, "school", "voice", "targets", "care", "carer")
    with pytest.raises(services.PepError, match=message):
        services.pep_transition(pep=pep, user=people[who], action=action, version=1, **kwargs)
    pep.refresh_from_db()
    assert (pep.status, pep.version) == (source, 1)
    assert PepStatusChange.objects.exists() is False
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED).exists() is False
    assert mail.outbox == []


def test_a_teacher_at_another_school_cannot_submit(people, make_pep, roll):
    pep = make_pep(S.DRAFT)
    _complete(pep, "school", "voice", "targets", "care", "carer")
    with pytest.raises(services.PepError, match="You cannot do that"):
        services.pep_transition(pep=pep, user=roll["other_dt"], action="submit", version=1)


def test_a_stale_version_is_refused(people, make_pep):
    pep = make_pep(S.DRAFT, version=3)
    _complete(pep, "school", "voice", "targets", "care", "carer")
    with pytest.raises(services.StaleVersion, match="Someone else changed this PEP"):
        services.pep_transition(pep=pep, user=people["dt"], action="submit", version=2)
    pep.refresh_from_db()
    assert (pep.status, pep.version) == (S.DRAFT, 3)
    assert PepStatusChange.objects.exists() is False


def test_submitting_needs_the_required_sections(people, make_pep):
    pep = make_pep(S.DRAFT)
    _complete(pep, "school", "voice")
    with pytest.raises(services.PepError, match="Complete these sections first: SMART targets"):
        services.pep_transition(pep=pep, user=people["dt"], action="submit", version=1)


def test_starting_creates_the_pep_due_and_tells_the_others(people, make_pep, roll, time_machine):
    time_machine.move_to(date(2026, 1, 26))
    make_pep(S.APPROVED, due=date(2024, 2, 7), term="spring", kind="initial")
    child = Child.objects.get(pk=roll["at_a"].pk)
    pep = services.pep_start(child=child, user=people["social"], today=date(2026, 1, 26))
    assert (pep.status, pep.kind, pep.term, pep.academic_year) == (
        S.DRAFT,
        "termly",
        "spring",
        2025,
    )
    assert pep.status_changes.get().status == S.DRAFT
    assert AuditEntry.objects.filter(object_id=str(pep.pk)).count() == 2
    # The designated teacher acts next; the social worker who started it is not mailed.
    assert [m.to for m in mail.outbox] == [["dt@example.org"]]


LAST_PEP = {
    "targets": [{"area": "Reading", "target": "Read a chapter book"}],
    "wellbeing": {
        "support": "Speech and language",
        "health": "Settled",
        "sdq_score": "14",
        "sdq_date": "2024-01-10",
        "ehcp_review": "",
        "facts_comment": "Wrong year",
    },
    "school": {"strengths": "Drawing", "attendance": "91%", "attainment": "Below"},
    "care": {"placement": "Foster care since 2023", "changes": "None planned"},
    "voice": {"words": "I like my school", "how_gathered": "meeting"},
    "meeting": {"meeting_date": "2024-02-01", "attendees": "DT"},
    "carer": {"carer_views": "Proud of her"},
    "review": {"targets": [{"area": "Maths", "outcome": "met"}]},
}


def test_starting_carries_forward_what_lasts_for_its_owners_to_check(
    people, make_pep, roll, time_machine
):
    time_machine.move_to(date(2026, 1, 26))
    old = make_pep(S.APPROVED, due=date(2024, 2, 7), term="spring", kind="initial")
    for key, data in LAST_PEP.items():
        PepSection.objects.create(pep=old, key=key, data=data, completed=True)
    child = Child.objects.get(pk=roll["at_a"].pk)
    pep = services.pep_start(child=child, user=people["dt"], today=date(2026, 1, 26))
    carried = {row.key: row for row in pep.sections.all()}
    assert {key: row.data for key, row in carried.items()} == {
        "targets": LAST_PEP["targets"],
        "wellbeing": {
            "support": "Speech and language",
            "health": "Settled",
            "sdq_score": "14",
            "sdq_date": "2024-01-10",
        },
        "school": {"strengths": "Drawing"},
        "care": {"placement": "Foster care since 2023"},
    }
    assert all(not row.completed and row.carried_from_id == old.pk for row in carried.values())
    # Once its owner saves the section, it is theirs: no longer marked carried forward.
    row = services.pep_section_save(
        pep=pep,
        key="school",
        user=people["dt"],
        data={"strengths": "Drawing and chess"},
        completed=True,
        version=carried["school"].version,
    )
    assert row.carried_from is None and row.completed


def test_starting_when_nothing_is_due_is_refused(people, make_pep, roll, time_machine):
    time_machine.move_to(date(2026, 1, 26))
    make_pep(S.APPROVED, due=date(2024, 2, 7), kind="initial")
    child = Child.objects.get(pk=roll["at_a"].pk)
    services.pep_start(child=child, user=people["dt"], today=date(2026, 1, 26))
    with pytest.raises(services.PepError, match="No PEP is due"):
        services.pep_start(child=child, user=people["dt"], today=date(2026, 1, 26))
