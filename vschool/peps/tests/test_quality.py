"""QA criteria, the grade they suggest, and the review the QA page records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from vschool.peps.models import Pep, PepReview
from vschool.peps.quality import qa_criteria, suggested_grade

S = Pep.Status
GGAR = ("Gold", "Green", "Amber", "Red")
GRI = ("Good", "Requires improvement", "Inadequate")


def _judged(*values):
    return {f"c{i}": value for i, value in enumerate(values)}


@pytest.mark.parametrize(
    ("judgements", "grades", "expected"),
    [
        (_judged("met", "met", "met"), GGAR, "Gold"),
        (_judged("met", "met", "partly"), GGAR, "Green"),  # share 5/6: 0.5 -> 1
        (_judged(*["met"] * 6, "partly"), GGAR, "Green"),  # one half-step still drops
        (_judged("met", "not"), GGAR, "Amber"),  # share 1/2: 1.5 -> 2
        (_judged("met", "met", "not"), GGAR, "Green"),  # share 2/3: exactly 1
        (_judged("partly", "partly"), GGAR, "Amber"),
        (_judged("not", "not", "partly"), GGAR, "Red"),
        (_judged("not", "not"), GGAR, "Red"),
        (_judged("met", "met"), GRI, "Good"),
        (_judged("met", "partly"), GRI, "Requires improvement"),
        (_judged("partly", "partly"), GRI, "Requires improvement"),  # share 1/2: exactly 1
        (_judged("not", "partly"), GRI, "Inadequate"),
        ({}, GGAR, ""),
        ({"c0": "not judged"}, GGAR, ""),
    ],
)
def test_the_suggested_grade_follows_the_share_of_criteria_met(judgements, grades, expected):
    assert suggested_grade(judgements, grades) == expected


def test_criteria_come_from_the_setting(settings):
    settings.VSCHOOL_PEP_QA_CRITERIA = ("Child's voice", "SMART targets")
    assert qa_criteria() == [("childs-voice", "Child's voice"), ("smart-targets", "SMART targets")]


@pytest.mark.django_db
def test_approving_needs_every_criterion_and_records_the_review(login, people, make_pep):
    pep = make_pep(S.SUBMITTED)
    client = login(people["officer"])
    url = f"/children/{pep.child_id}/peps/{pep.pk}/qa/"
    keys = [key for key, _ in qa_criteria()]
    page = client.get(url).content.decode()
    assert all(escape(label) in page for _, label in qa_criteria())
    missing = client.post(url, {"decision": "approve", "grade": "Gold", "version": "1"})
    assert missing.status_code == 200
    assert missing.content.decode().count("is met, partly met or not met") >= len(keys)
    judged = {f"criterion_{key}": "met" for key in keys} | {f"criterion_{keys[0]}": "not"}
    response = client.post(
        url,
        {
            "decision": "approve",
            "grade": "Gold",
            "version": "1",
            "comment_targets": "  Measures are clear  ",
            **judged,
        },
    )
    assert response.status_code == 302
    review = PepReview.objects.get(pep=pep)
    assert review.criteria[keys[0]] == "not" and review.criteria[keys[1]] == "met"
    assert review.comments == {"targets": "Measures are clear"}
    assert (review.decision, review.grade, review.by) == ("approve", "Gold", people["officer"])
    assert review.suggested_grade == suggested_grade(review.criteria)


@pytest.mark.django_db
def test_returning_needs_only_the_reason_and_the_next_qa_shows_it(login, people, make_pep):
    pep = make_pep(S.SUBMITTED)
    client = login(people["officer"])
    url = f"/children/{pep.child_id}/peps/{pep.pk}/qa/"
    client.post(
        url,
        {
            "decision": "return",
            "note": "Add the child's views",
            "version": "1",
            "comment_voice": "The views section is empty",
        },
    )
    review = PepReview.objects.get(pep=pep)
    assert (review.decision, review.criteria, review.grade) == ("return", {}, "")
    Pep.objects.filter(pk=pep.pk).update(status=S.SUBMITTED)
    again = client.get(url).content.decode()
    assert "Last QA" in again and "The views section is empty" in again


@pytest.mark.django_db
def test_the_qa_page_query_count_does_not_grow_with_earlier_reviews(login, people, make_pep):
    pep = make_pep(S.SUBMITTED)
    client = login(people["officer"])
    url = f"/children/{pep.child_id}/peps/{pep.pk}/qa/"
    counts = []
    for reviews in (1, 12):
        PepReview.objects.filter(pep=pep).delete()
        PepReview.objects.bulk_create(
            PepReview(
                pep=pep,
                by=people["officer"],
                decision="return",
                criteria={key: "partly" for key, _ in qa_criteria()},
                comments={"school": "More detail"},
            )
            for _ in range(reviews)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_the_teacher_sees_the_section_comments_of_a_return(login, people, make_pep):
    pep = make_pep(S.SUBMITTED)
    login(people["officer"]).post(
        f"/children/{pep.child_id}/peps/{pep.pk}/qa/",
        {
            "decision": "return",
            "note": "See the comments",
            "version": "1",
            "comment_voice": "Record the child's own words",
        },
    )
    client = login(people["dt"])
    tasks = client.get(f"/children/{pep.child_id}/peps/{pep.pk}/").content.decode()
    assert "There is a problem" in tasks and "Record the child&#x27;s own words" in tasks
    section = client.get(f"/children/{pep.child_id}/peps/{pep.pk}/voice/").content.decode()
    assert "The Virtual School asked for changes" in section
    assert "Record the child&#x27;s own words" in section
    school = client.get(f"/children/{pep.child_id}/peps/{pep.pk}/school/").content.decode()
    assert "The Virtual School asked for changes" not in school
