"""The PEP pages: task list, sections by owner and the QA decision."""

from datetime import date

import pytest
from django.core import mail

from vschool.peps.models import Pep, PepSection
from vschool.peps.quality import qa_criteria
from vschool.peps.rules import VAGUE_WORDS

pytestmark = pytest.mark.django_db
S = Pep.Status


def _url(pep, tail=""):
    return f"/children/{pep.child_id}/peps/{pep.pk}/{tail}"


MET = {f"criterion_{key}": "met" for key, _ in qa_criteria()}
SCHOOL = {
    "attendance": "96%",
    "attainment": "On track",
    "sen": "None",
    "strengths": "Art",
    "completed": "yes",
    "version": "1",
}


def test_the_task_list_shows_sections_owners_and_the_teachers_actions(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    PepSection.objects.create(pep=pep, key="school", completed=True, data={"sen": "x"})
    PepSection.objects.create(pep=pep, key="care", data={"placement": "Foster care"})
    text = login(people["dt"]).get(_url(pep)).content.decode()
    assert "govuk-task-list" in text and "Social worker" in text
    assert text.count("Completed") == 1 and "In progress" in text
    assert text.count("Not yet started") == 6
    for group in ("Meeting", "The child", "Education", "Plan", "Contributions", "Submit"):
        assert f". {group}</h3>" in text
    assert "Not applicable" in text and text.count("Cannot start yet") == 2
    assert "Check answers and submit" in text and "Go to QA decision" not in text


@pytest.mark.parametrize(
    "who,section,saved",
    [
        ("dt", "school", True),
        ("social", "school", False),
        ("officer", "school", True),
        ("social", "care", True),
        ("dt", "care", False),
        ("dt", "voice", True),
        ("social", "voice", True),
    ],
)
def test_only_a_sections_owner_or_the_virtual_school_may_save_it(
    login, people, make_pep, who, section, saved
):
    pep = make_pep(S.DRAFT)
    data = {
        "completed": "yes",
        "version": "1",
        "attendance": "96%",
        "placement": "Foster",
        "words": "I like art",
        "how_gathered": "meeting",
    }
    response = login(people[who]).post(_url(pep, f"{section}/"), data)
    assert PepSection.objects.filter(pep=pep, key=section).exists() is saved
    assert response.status_code == (302 if saved else 200)


def test_a_submitted_pep_cannot_be_edited(login, people, make_pep):
    pep = make_pep(S.SUBMITTED)
    response = login(people["dt"]).post(_url(pep, "school/"), SCHOOL)
    assert "its sections cannot be changed" in response.content.decode()
    assert PepSection.objects.exists() is False


def test_a_stale_section_save_keeps_the_users_text(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    PepSection.objects.create(
        pep=pep, key="school", version=2, data={"sen": "theirs"}, updated_by=people["officer"]
    )
    text = (
        login(people["dt"])
        .post(_url(pep, "school/"), {**SCHOOL, "attainment": "mine"})
        .content.decode()
    )
    assert "Error: " in text and "changed this section since you opened it" in text
    assert "mine" in text
    assert PepSection.objects.get(pep=pep).data == {"sen": "theirs"}


def test_a_carried_forward_section_says_where_it_came_from_until_saved(login, people, make_pep):
    old = make_pep(S.APPROVED, due=date(2025, 12, 12), academic_year=2025, term="autumn")
    pep = make_pep(S.DRAFT)
    PepSection.objects.create(
        pep=pep,
        key="school",
        data={"strengths": "Chess"},
        carried_from=old,
        updated_by=people["dt"],
    )
    client = login(people["dt"])
    text = client.get(_url(pep, "school/")).content.decode()
    assert "carried forward from the Autumn term 2025/26 PEP" in text and "Chess" in text
    assert "In progress" in client.get(_url(pep)).content.decode()
    client.post(_url(pep, "school/"), SCHOOL)
    assert "carried forward" not in client.get(_url(pep, "school/")).content.decode()


def test_saving_targets_shows_smart_hints(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    response = client.post(
        _url(pep, "targets/"),
        {
            "t-TOTAL_FORMS": "1",
            "t-INITIAL_FORMS": "0",
            "t-0-area": "Reading",
            "t-0-target": "Improve reading",
            "completed": "yes",
            "version": "1",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "govuk-inset-text" in text and "The measure has no number or level" in text
    assert PepSection.objects.get(pep=pep, key="targets").data[0]["target"] == "Improve reading"
    # A review date after the next PEP (summer 2025/26, by 22 July 2026) is hinted too.
    client.post(
        _url(pep, "targets/"),
        {
            "t-TOTAL_FORMS": "1",
            "t-INITIAL_FORMS": "1",
            "t-0-area": "Reading",
            "t-0-target": "Read a book band 5 book",
            "t-0-measure": "Book band 5",
            "t-0-who": "Class teacher",
            "t-0-by_when_0": "1",
            "t-0-by_when_1": "9",
            "t-0-by_when_2": "2026",
            "completed": "yes",
            "version": "2",
        },
    )
    later = client.get(_url(pep, "targets/")).content.decode()
    assert "The review date is after the next PEP, due by 22 July 2026" in later
    # The page explains the rules behind the hints, naming every vague word it looks for.
    assert "How the target check works" in text
    assert all(f"“{word}”" in text for word in VAGUE_WORDS)
    assert "How the target check works" not in client.get(_url(pep, "school/")).content.decode()


def test_the_officer_returns_a_pep_with_a_reason_the_teacher_sees(login, people, make_pep):
    pep = make_pep(S.SUBMITTED)
    client = login(people["officer"])
    assert (
        "Error: "
        in client.post(_url(pep, "qa/"), {"decision": "return", "version": "1"}).content.decode()
    )
    unnamed = {"decision": "return", "version": "1", "note": "Add the child's views"}
    assert "Comment on each section to change" in client.post(_url(pep, "qa/"), unnamed).text
    response = client.post(
        _url(pep, "qa/"), {**unnamed, "comment_voice": "Ask the child at the meeting"}
    )
    assert response.status_code == 302
    text = login(people["dt"]).get(_url(pep)).content.decode()
    assert "Returned for changes" in text and "Add the child&#x27;s views" in text
    assert "Ask the child at the meeting" in text and "There is a problem" in text
    assert [m.to for m in mail.outbox] == [["dt@example.org"]]


def test_approving_needs_a_grade_and_refuses_a_stale_version(login, people, make_pep):
    pep = make_pep(S.SUBMITTED)
    client = login(people["officer"])
    assert (
        "Select a grade"
        in client.post(_url(pep, "qa/"), {"decision": "approve", "version": "1"}).content.decode()
    )
    stale = client.post(
        _url(pep, "qa/"), {"decision": "approve", "grade": "Green", "version": "0", **MET}
    ).content.decode()
    assert "Someone else changed this PEP" in stale
    client.post(_url(pep, "qa/"), {"decision": "approve", "grade": "Green", "version": "1", **MET})
    pep.refresh_from_db()
    assert (pep.status, pep.grade) == (S.APPROVED, "Green")


def test_the_teacher_submits_through_the_check_answers_page(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    for key in ("school", "voice", "targets", "care", "carer"):
        PepSection.objects.create(pep=pep, key=key, completed=True)
    client = login(people["dt"])
    assert "Check answers and submit" in client.get(_url(pep)).content.decode()
    response = client.post(_url(pep, "check/"), {"declaration": "on", "version": "1"}, follow=True)
    pep.refresh_from_db()
    assert pep.status == S.SUBMITTED
    assert "PEP submitted" in response.content.decode()


def test_the_qa_page_is_for_virtual_school_staff_only(login, people, make_pep):
    pep = make_pep(S.SUBMITTED)
    assert login(people["dt"]).get(_url(pep, "qa/")).status_code == 404
