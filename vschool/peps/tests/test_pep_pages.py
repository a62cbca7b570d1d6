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
        _url(pep, "targets/add/"),
        {"area": "Reading", "target": "Improve reading", "version": "1"},
        follow=True,
    )
    text = response.content.decode()
    assert "Target 1 saved" in text and "Target 1: Reading" in text
    assert "govuk-inset-text" in text and "The measure has no number or level" in text
    assert PepSection.objects.get(pep=pep, key="targets").data[0]["target"] == "Improve reading"
    # A review date after the next PEP (summer 2025/26, by 22 July 2026) is hinted too.
    client.post(
        _url(pep, "targets/1/"),
        {
            "area": "Reading",
            "target": "Read a book band 5 book",
            "measure": "Book band 5",
            "who": "Class teacher",
            "by_when_0": "1",
            "by_when_1": "9",
            "by_when_2": "2026",
            "version": "2",
        },
    )
    later = client.get(_url(pep, "targets/")).content.decode()
    assert "The review date is after the next PEP, due by 22 July 2026" in later
    assert "Read a book band 5 book" in later and "1 September 2026" in later
    # The page explains the rules behind the hints, naming every vague word it looks for.
    assert "How the target check works" in text
    assert all(f"“{word}”" in text for word in VAGUE_WORDS)
    assert "How the target check works" not in client.get(_url(pep, "school/")).content.decode()


def test_targets_are_added_one_a_page_changed_and_removed_without_an_empty_row(
    login, people, make_pep
):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    # With none saved, the page offers the first target's questions, and no empty row is
    # needed to add another.
    first = client.get(_url(pep, "targets/")).content.decode()
    assert "Add a target" in first and "Save and add another target" in first
    response = client.post(
        _url(pep, "targets/add/"),
        {
            "area": "Reading",
            "target": "Read 20 words",
            "cost": "150",
            "version": "1",
            "another": "1",
        },
    )
    assert response.url == _url(pep, "targets/add/")
    client.post(
        _url(pep, "targets/add/"), {"area": "Maths", "target": "Count to 100", "version": "2"}
    )
    cards = client.get(_url(pep, "targets/")).content.decode()
    assert cards.count('govuk-summary-card__title"') == 2 and "Add another target" in cards
    assert 'Change<span class="govuk-visually-hidden"> target 2</span>' in cards
    # Saying it is completed saves the section and goes on to the teacher's next section.
    response = client.post(_url(pep, "targets/"), {"completed": "yes", "version": "3"})
    assert response.url == _url(pep, "ppplus/")
    row = PepSection.objects.get(pep=pep, key="targets")
    assert row.completed and [t["area"] for t in row.data] == ["Reading", "Maths"]
    # Removing asks first, then keeps the other.
    assert (
        "Are you sure you want to remove target 1?"
        in client.get(_url(pep, "targets/1/remove/")).text
    )
    client.post(_url(pep, "targets/1/remove/"), {"version": "4"})
    row.refresh_from_db()
    assert [t["area"] for t in row.data] == ["Maths"] and row.completed
    assert client.get(_url(pep, "targets/5/")).status_code == 404


def test_a_list_section_is_not_completed_with_nothing_in_it(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    response = login(people["dt"]).post(_url(pep, "actions/"), {"completed": "yes", "version": "1"})
    assert "Add at least one action first" in response.text


def test_the_pp_plus_amount_starts_from_the_chosen_targets_costs(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    targets = [
        {"area": "Reading", "target": "Read", "cost": "150.00"},
        {"area": "Maths", "target": "Count", "cost": "200"},
        {"area": "Friends", "target": "Play", "cost": ""},
    ]
    PepSection.objects.create(pep=pep, key="targets", data=targets, completed=True)
    client = login(people["dt"])
    page = client.get(_url(pep, "ppplus/")).text
    assert 'value="350.00"' in page and "(£150.00)" in page
    # Left blank, the amount is the sum of the targets chosen; typed, it is kept.
    answers = {
        "requested": "yes",
        "targets": ["2"],
        "buys": "Tutoring",
        "eef_category": "one_to_one",
        "start_date_0": "1",
        "start_date_1": "3",
        "start_date_2": "2026",
        "completed": "yes",
        "version": "1",
    }
    client.post(_url(pep, "ppplus/"), answers)
    assert PepSection.objects.get(pep=pep, key="ppplus").data["amount"] == "200"
    client.post(_url(pep, "ppplus/"), {**answers, "amount": "180", "version": "2"})
    assert PepSection.objects.get(pep=pep, key="ppplus").data["amount"] == "180"


def test_save_and_continue_goes_to_the_next_section_then_to_check_answers(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    assert client.post(_url(pep, "meeting/"), {"completed": "no", "version": "1"}).url == _url(
        pep, "voice/"
    )
    # The task list offers the first section still to do.
    assert f'href="{_url(pep, "meeting/")}" role="button"' in client.get(_url(pep)).text
    for key in ("voice", "targets", "care", "carer"):
        PepSection.objects.create(pep=pep, key=key, completed=True, data={"x": "y"})
    for key in ("meeting", "wellbeing", "ppplus", "actions"):
        PepSection.objects.update_or_create(pep=pep, key=key, defaults={"completed": True})
    assert client.post(_url(pep, "school/"), SCHOOL).url == _url(pep, "check/")
    # The social worker, with nothing of theirs left, goes back to the task list.
    assert login(people["social"]).post(
        _url(pep, "carer/"), {"completed": "yes", "version": "1"}
    ).url == _url(pep)


def test_the_care_section_shows_the_placement_and_legal_status_held(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    text = login(people["social"]).get(_url(pep, "care/")).text
    assert "What we already hold" in text and "Legal status" in text
    assert "Source: Care episode open today (SSDA903)" in text
    school = login(people["dt"]).get(_url(pep, "school/")).text
    assert "Not held in the system yet" in school


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


def test_the_qa_page_shows_the_suggested_grade_and_last_terms_grade(login, people, make_pep):
    make_pep(S.APPROVED, term="autumn", due=date(2025, 12, 12), grade="Amber")
    pep = make_pep(S.SUBMITTED)
    client = login(people["officer"])
    page = client.get(_url(pep, "qa/")).text
    assert "Judge the criteria to see it" in page and "Amber" in page
    assert "Autumn term 2025/26 PEP" in page
    # Updating the suggestion saves nothing and finds nothing wrong.
    response = client.post(_url(pep, "qa/"), {**MET, "suggest": "1", "version": "1"})
    assert response.status_code == 200 and "Error: " not in response.text
    assert '<strong class="govuk-!-font-weight-bold">Gold</strong>' in response.text
    pep.refresh_from_db()
    assert pep.status == S.SUBMITTED


def test_the_last_target_can_complete_the_section_and_go_on(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    response = client.post(
        _url(pep, "targets/add/"),
        {"area": "Reading", "target": "Read 20 words", "completed": "yes", "version": "1"},
    )
    assert response.url == _url(pep, "ppplus/")
    assert PepSection.objects.get(pep=pep, key="targets").completed


def test_starting_a_pep_goes_straight_to_the_first_section(login, people, roll):
    child = roll["at_a"]
    response = login(people["dt"]).post(f"/children/{child.pk}/peps/start/")
    pep = Pep.objects.get(child=child)
    assert response.url == _url(pep, "meeting/")


def test_starting_a_pep_from_its_own_page_says_so_and_opens_the_first_section(
    login, people, make_pep
):
    pep = make_pep(S.NOT_STARTED)
    client = login(people["dt"])
    response = client.post(_url(pep), {"action": "start", "version": pep.version}, follow=True)
    pep.refresh_from_db()
    assert pep.status == S.DRAFT
    assert response.redirect_chain[-1][0] == _url(pep, "meeting/")
    assert "PEP started" in response.content.decode()
