"""The hand-off between the school, the social worker and the Virtual School (issue #10):
what submitting needs, "not available because ...", returns to whoever answers for the
sections returned, and whose turn it is on every role's list and badge."""

import itertools
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.audit.models import AuditEntry
from vschool.peps import services
from vschool.peps.models import Pep, PepSection, PepStatusChange
from vschool.peps.sections import REQUIRED_FOR_SUBMIT, turn
from vschool.peps.selectors import pep_waiting_count, peps_waiting_for
from vschool.peps.workflow import Part

pytestmark = pytest.mark.django_db
S = Pep.Status
QA = {"criteria": {}, "comments": {"care": "Say where the child lives now"}}


def _url(pep, tail=""):
    return f"/children/{pep.child_id}/peps/{pep.pk}/{tail}"


def _complete(pep, *keys):
    for key in keys:
        PepSection.objects.update_or_create(
            pep=pep, key=key, defaults={"completed": True, "data": {"x": "y"}}
        )


def test_a_section_recorded_as_not_available_lets_the_pep_be_submitted(people, make_pep, login):
    pep = make_pep(S.DRAFT)
    _complete(pep, "school", "voice", "targets", "care")
    with pytest.raises(services.PepError, match=r"The carer's and parent's views \(social"):
        services.pep_transition(pep=pep, user=people["dt"], action="submit", version=1)
    # The social worker cannot reach the carer: they say so on the section's page.
    client = login(people["social"])
    page = client.get(_url(pep, "carer/")).content.decode()
    assert "No, it cannot be completed for this PEP" in page
    refused = client.post(_url(pep, "carer/"), {"completed": "na", "version": "1"})
    assert "Enter why this section cannot be completed" in refused.content.decode()
    reason = "The carer was in hospital; we will add their views next term"
    response = client.post(
        _url(pep, "carer/"), {"completed": "na", "not_available": reason, "version": "1"}
    )
    assert response.status_code == 302
    row = PepSection.objects.get(pep=pep, key="carer")
    assert (row.completed, row.not_available) == (False, reason)
    assert AuditEntry.objects.filter(
        summary="PEP section recorded as not available: The carer's and parent's views"
    ).exists()
    # The designated teacher sees the reason on the check page, and may submit.
    check = login(people["dt"]).get(_url(pep, "check/")).content.decode()
    assert "Not available because" in check and "The carer was in hospital" in check
    assert "You cannot send the PEP" not in check
    services.pep_transition(pep=pep, user=people["dt"], action="submit", version=1)
    submitted = PepStatusChange.objects.get(pep=pep, status=S.SUBMITTED)
    assert submitted.note == f"Not available: The carer's and parent's views: {reason}"
    # The e-mail names the section, never the reason.
    assert "The carer's and parent's views" in mail.outbox[-1].body
    assert "hospital" not in mail.outbox[-1].body


def test_a_section_not_required_cannot_be_recorded_as_not_available(people, make_pep, login):
    pep = make_pep(S.DRAFT)
    page = login(people["dt"]).get(_url(pep, "ppplus/")).content.decode()
    assert "cannot be completed for this PEP" not in page


def test_completing_a_section_clears_its_reason(people, make_pep):
    pep = make_pep(S.DRAFT)
    row = services.pep_section_save(
        pep=pep,
        key="care",
        user=people["social"],
        data={},
        completed=False,
        version=1,
        not_available="Not allocated yet",
    )
    row = services.pep_section_save(
        pep=pep,
        key="care",
        user=people["social"],
        data={"placement": "Foster care"},
        completed=True,
        version=row.version,
        not_available="ignored",
    )
    assert (row.completed, row.not_available) == (True, "")


def _submitted(make_pep, people):
    pep = make_pep(S.DRAFT)
    _complete(pep, *REQUIRED_FOR_SUBMIT)
    return services.pep_transition(pep=pep, user=people["dt"], action="submit", version=1)


def test_a_return_naming_only_the_care_section_goes_to_the_social_worker(people, make_pep, login):
    pep = _submitted(make_pep, people)
    mail.outbox.clear()
    pep = services.pep_transition(
        pep=pep, user=people["officer"], action="return", version=2, note="Update it", review=QA
    )
    # Only the social worker is told, and the care section reopens for them.
    assert [m.to for m in mail.outbox] == [["social@example.org"]]
    care = PepSection.objects.get(pep=pep, key="care")
    assert (care.completed, care.returned) == (False, True)
    assert AuditEntry.objects.filter(
        summary="PEP returned for changes: Care and placement"
    ).exists()
    # It waits for the social worker, on their list and badge, not the teacher's.
    assert list(peps_waiting_for(people["social"])) == [pep]
    assert pep_waiting_count(people["social"]) == 1
    assert pep_waiting_count(people["dt"]) == 0
    sw_page = login(people["social"]).get(_url(pep)).content.decode()
    assert "There is a problem" in sw_page and "Say where the child lives now" in sw_page
    assert "Social worker" in sw_page.split("Whose turn")[1][:120]
    # The teacher cannot resubmit it; the social worker redoes the section and can.
    with pytest.raises(services.PepError, match="Only the social worker can resubmit"):
        services.pep_transition(pep=pep, user=people["dt"], action="resubmit", version=3)
    with pytest.raises(services.PepError, match=r"Care and placement \(social worker\)"):
        services.pep_transition(pep=pep, user=people["social"], action="resubmit", version=3)
    services.pep_section_save(
        pep=pep,
        key="care",
        user=people["social"],
        data={"placement": "Kinship care"},
        completed=True,
        version=care.version,
    )
    assert pep_waiting_count(people["social"]) == 1  # now to resubmit
    check = login(people["dt"]).get(_url(pep, "check/")).content.decode()
    assert "Only the social worker can resubmit this PEP" in check
    mail.outbox.clear()
    pep = services.pep_transition(pep=pep, user=people["social"], action="resubmit", version=3)
    assert pep.status == S.SUBMITTED and not PepSection.objects.filter(returned=True).exists()
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]
    assert pep_waiting_count(people["officer"]) == 1 and pep_waiting_count(people["social"]) == 0


def test_a_return_through_the_qa_page_says_whom_it_went_to(people, make_pep, login):
    pep = _submitted(make_pep, people)
    mail.outbox.clear()
    response = login(people["officer"]).post(
        _url(pep, "qa/"),
        {
            "decision": "return",
            "version": "2",
            "note": "Two things",
            "comment_care": "Placement?",
            "comment_targets": "Measures?",
        },
        follow=True,
    )
    assert "PEP returned to the designated teacher and social worker" in response.content.decode()
    assert [sorted(m.to) for m in mail.outbox] == [["dt@example.org", "social@example.org"]]
    assert pep_waiting_count(people["dt"]) == pep_waiting_count(people["social"]) == 1


# The database twin agrees with the rule, over every state of the sections that matter.

STATES = [
    (S.DRAFT, set(), set()),
    (S.DRAFT, {"school", "voice", "targets"}, set()),
    (S.DRAFT, {"care", "carer"}, set()),
    (S.DRAFT, {"school", "targets", "care", "carer"}, set()),
    (S.DRAFT, set(REQUIRED_FOR_SUBMIT), set()),
    (S.RETURNED, {"school", "voice", "targets", "carer"}, {"care"}),
    (S.RETURNED, set(REQUIRED_FOR_SUBMIT), {"care"}),
    (S.RETURNED, {"school", "voice", "care", "carer"}, {"targets"}),
    (S.RETURNED, set(REQUIRED_FOR_SUBMIT), {"targets", "care"}),
    (S.RETURNED, set(REQUIRED_FOR_SUBMIT), {"meeting"}),
    (S.RETURNED, set(REQUIRED_FOR_SUBMIT) | {"meeting"}, {"meeting"}),
    (S.RETURNED, set(REQUIRED_FOR_SUBMIT), set()),
    (S.RETURNED, {"school", "voice"}, set()),
    (S.SUBMITTED, set(REQUIRED_FOR_SUBMIT), set()),
    (S.APPROVED, set(REQUIRED_FOR_SUBMIT), set()),
]


def test_the_lists_agree_with_whose_turn(people, make_pep):
    expected = {"dt": set(), "social": set()}
    for n, (status, done, returned) in enumerate(STATES):
        pep = make_pep(status, due=date(2026, 3, 1 + n))
        for key in done | returned:
            # Done by completing it, or, for the carer's views, by a reason.
            by_reason = key == "carer" and n % 2
            PepSection.objects.create(
                pep=pep,
                key=key,
                completed=key in done and not by_reason,
                not_available="Carer away" if key in done and by_reason else "",
                returned=key in returned,
            )
        now = turn(status, done, returned)
        for who, part in (("dt", Part.DESIGNATED_TEACHER), ("social", Part.SOCIAL_WORKER)):
            if now is not None and part in now.parts:
                expected[who].add(pep.pk)
    for who in ("dt", "social"):
        assert {p.pk for p in peps_waiting_for(people[who])} == expected[who], who
    assert expected["dt"] and expected["social"] and expected["dt"] != expected["social"]


@pytest.mark.parametrize("who", ["dt", "social", "officer"])
def test_the_badge_is_one_query_whatever_the_peps(people, make_pep, who):
    for status, _done, _returned in itertools.islice(STATES, 6):
        make_pep(status)
    with CaptureQueriesContext(connection) as captured:
        pep_waiting_count(people[who])
    assert len(captured) == 1
