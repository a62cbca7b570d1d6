"""The fuller PEP (screens.md 2.5): each section's questions and checks, last term's targets,
the PP+ request, check answers and submit, and query counts that do not grow."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.cohort.models import Child
from vschool.peps.forms import PpPlusSectionForm, VoiceSectionForm, WellbeingSectionForm
from vschool.peps.models import Pep, PepReview, PepSection
from vschool.peps.sections import REQUIRED_FOR_SUBMIT

pytestmark = pytest.mark.django_db
S = Pep.Status
TARGET = {
    "area": "Reading",
    "target": "Read a book band 5 book aloud",
    "baseline": "Band 3",
    "measure": "Book band 5",
    "by_when": "",
    "who": "Class teacher",
    "support": "",
    "cost": "450.00",
}


def _url(pep, tail=""):
    return f"/children/{pep.child_id}/peps/{pep.pk}/{tail}"


def _text(response):
    return response.content.decode()


# Forms: what each checks.


@pytest.mark.parametrize(
    "score,error",
    [
        ("41", "SDQ score must be between 0 and 40"),
        ("-1", "SDQ score must be between 0 and 40"),
        ("12.5", "SDQ score must be a whole number from 0 to 40"),
        ("many", "SDQ score must be a whole number from 0 to 40"),
        ("0", None),
        ("40", None),
    ],
)
def test_the_sdq_score_is_a_whole_number_from_0_to_40(score, error):
    form = WellbeingSectionForm({"sdq_score": score, "health": "Settled"})
    assert form.is_valid() is (error is None)
    assert (form.errors.get("sdq_score") or [None]) == [error]


def test_the_sdq_range_is_checked_even_in_a_draft(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    text = _text(
        login(people["dt"]).post(
            _url(pep, "wellbeing/"), {"sdq_score": "55", "completed": "no", "version": "1"}
        )
    )
    assert "Error: " in text and "SDQ score must be between 0 and 40" in text
    assert not PepSection.objects.filter(pep=pep, key="wellbeing").exists()


@pytest.mark.parametrize(
    "data,errors",
    [
        ({"how_gathered": "meeting"}, {"words": ["Enter the child's own words"]}),
        (
            {},
            {
                "how_gathered": ["Select how the child's views were gathered"],
                "words": ["Enter the child's own words"],
            },
        ),
        (
            {"how_gathered": "declined"},
            {"declined_reason": ["Enter why the child chose not to share their views"]},
        ),
        ({"how_gathered": "declined", "declined_reason": "Did not want to talk today"}, {}),
        ({"how_gathered": "own", "words": "I like maths", "good_at": "Football"}, {}),
    ],
)
def test_the_childs_views_are_required_unless_they_chose_not_to_share(data, errors):
    form = VoiceSectionForm(data, context={"pep_type": "primary"})
    assert form.is_valid() is (not errors)
    assert dict(form.errors) == errors


def test_a_draft_of_the_childs_views_may_be_saved_half_done():
    assert VoiceSectionForm({}, context={"pep_type": "primary"}, completing=False).is_valid()


@pytest.mark.parametrize(
    "pep_type,asked,not_asked",
    [
        ("early_years", "What did staff see the child enjoy?", "What are you good at?"),
        ("primary", "What are you good at?", "What are your plans for the future?"),
        ("secondary", "What are your plans for the future?", "What are you good at?"),
        ("post_16", "What are your plans for the future?", "What did staff see"),
    ],
)
def test_the_childs_views_are_worded_for_their_age(
    login, people, make_pep, pep_type, asked, not_asked
):
    pep = make_pep(S.DRAFT, pep_type=pep_type)
    text = _text(login(people["dt"]).get(_url(pep, "voice/")))
    assert asked in text and not_asked not in text
    assert "How were these views gathered?" in text and "The child&#x27;s own words" in text


PPPLUS = {
    "requested": "yes",
    "buys": "Ten sessions of reading tuition",
    "provider": "Tutor Trust",
    "amount": "450",
    "eef_category": "one_to_one",
    "start_date_0": "1",
    "start_date_1": "4",
    "start_date_2": "2026",
}


def test_a_pp_plus_request_must_serve_at_least_one_target():
    context = {"targets": [TARGET, {**TARGET, "area": "Attendance"}]}
    form = PpPlusSectionForm(PPPLUS, context=context)
    assert not form.is_valid()
    assert form.errors["targets"] == ["Select at least one target this request serves"]
    form = PpPlusSectionForm({**PPPLUS, "targets": ["2"]}, context=context)
    assert form.is_valid(), form.errors
    assert form.answers()["targets"] == ["2"] and form.answers()["amount"] == "450"
    assert form.answers()["start_date"] == "2026-04-01"


def test_no_pp_plus_request_needs_no_details():
    assert PpPlusSectionForm({"requested": "no"}, context={"targets": [TARGET]}).is_valid()


def test_the_pp_plus_request_is_saved_against_this_peps_targets(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    PepSection.objects.create(pep=pep, key="targets", data=[TARGET])
    client = login(people["dt"])
    text = _text(client.get(_url(pep, "ppplus/")))
    assert "Target 1: Reading" in text and "EEF Toolkit category" in text
    refused = _text(
        client.post(_url(pep, "ppplus/"), {**PPPLUS, "completed": "yes", "version": "1"})
    )
    assert "Select at least one target this request serves" in refused
    client.post(
        _url(pep, "ppplus/"), {**PPPLUS, "targets": "1", "completed": "yes", "version": "1"}
    )
    row = PepSection.objects.get(pep=pep, key="ppplus")
    assert (
        row.completed
        and row.data["targets"] == ["1"]
        and row.data["eef_category"] == ("one_to_one")
    )


def test_the_pp_plus_request_cannot_start_before_the_targets(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    text = _text(login(people["dt"]).get(_url(pep)))
    assert "add the SMART targets first" in text


# Meeting and actions.


def test_the_meeting_date_is_copied_to_the_pep_without_a_new_version(
    login, people, make_pep, time_machine
):
    time_machine.move_to(date(2026, 3, 12))  # a meeting date must be within a year of today
    pep = make_pep(S.DRAFT)
    response = login(people["social"]).post(
        _url(pep, "meeting/"),
        {
            "meeting_date_0": "10",
            "meeting_date_1": "3",
            "meeting_date_2": "2026",
            "attendees": "Jo Smith, carer\nA Teacher, DT",
            "child_attended": "part",
            "completed": "yes",
            "version": "1",
        },
    )
    assert response.status_code == 302
    pep.refresh_from_db()
    assert (pep.meeting_date, pep.version) == (date(2026, 3, 10), 1)
    assert PepSection.objects.get(pep=pep, key="meeting").data["meeting_date"] == "2026-03-10"
    text = _text(login(people["dt"]).get(_url(pep)))
    assert "10 March 2026" in text


def test_a_completed_meeting_needs_its_date_and_attendees(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    text = _text(
        login(people["dt"]).post(_url(pep, "meeting/"), {"completed": "yes", "version": "1"})
    )
    assert "Enter the date of the PEP meeting" in text and "Enter who attended" in text


def test_actions_are_saved_with_their_owners(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    login(people["social"]).post(
        _url(pep, "actions/"),
        {
            "a-TOTAL_FORMS": "1",
            "a-INITIAL_FORMS": "0",
            "a-0-action": "Buy a school coat",
            "a-0-owner": "Carer",
            "a-0-by_when_0": "1",
            "a-0-by_when_1": "5",
            "a-0-by_when_2": "2026",
            "completed": "yes",
            "version": "1",
        },
    )
    assert PepSection.objects.get(pep=pep, key="actions").data == [
        {"action": "Buy a school coat", "owner": "Carer", "by_when": "2026-05-01"}
    ]


# Last term's targets.


def test_last_terms_review_lists_the_previous_peps_targets(login, people, make_pep):
    earlier = make_pep(S.APPROVED, due=date(2025, 12, 12), term="autumn", grade="Amber")
    PepSection.objects.create(
        pep=earlier,
        key="targets",
        data=[TARGET, {**TARGET, "area": "Attendance", "target": "Attend 95% of sessions"}],
    )
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    assert "Not applicable" not in _text(client.get(_url(pep)))
    text = _text(client.get(_url(pep, "review/")))
    assert "Read a book band 5 book aloud" in text and "Attend 95% of sessions" in text
    assert "Band 3" in text and "£450.00" in text and "What difference did it make?" in text
    refused = _text(
        client.post(_url(pep, "review/"), {"outcome_0": "met", "completed": "yes", "version": "1"})
    )
    assert "Select whether the Attendance target was met" in refused
    client.post(
        _url(pep, "review/"),
        {
            "outcome_0": "met",
            "difference_0": "Reads at home",
            "outcome_1": "partly",
            "completed": "yes",
            "version": "1",
        },
    )
    saved = PepSection.objects.get(pep=pep, key="review").data["targets"]
    assert [(t["area"], t["outcome"], t["difference"]) for t in saved] == [
        ("Reading", "met", "Reads at home"),
        ("Attendance", "partly", ""),
    ]
    school = _text(client.get(_url(pep, "school/")))
    assert "Amber" in school and "Autumn term 2025/26 PEP" in school


def test_last_terms_review_is_not_needed_without_earlier_targets(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    assert "No targets from an earlier PEP to review" in _text(client.get(_url(pep)))
    text = _text(client.get(_url(pep, "review/")))
    assert "not needed for this PEP" in text and "Save and continue" not in text


# What the system holds.


def test_the_school_and_sen_the_system_holds_are_shown_not_asked(login, people, make_pep, roll):
    child = Child.objects.select_related("current_school").get(pk=roll["at_a"].pk)
    child.sen_provision = "E"
    child.save(update_fields=["sen_provision"])
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    school = _text(client.get(_url(pep, "school/")))
    assert child.current_school.name in school and "Year group" in school
    assert "No earlier PEP" in school and "Source: Child record" in school
    wellbeing = _text(client.get(_url(pep, "wellbeing/")))
    assert "SEN provision" in wellbeing and "Education health and care plan" in wellbeing
    assert 'name="sen_provision"' not in wellbeing


# Check answers and submit.


def _ready(pep):
    for key in REQUIRED_FOR_SUBMIT:
        PepSection.objects.create(
            pep=pep,
            key=key,
            completed=True,
            data=[TARGET] if key == "targets" else {"attendance": "96%"},
        )


def test_check_answers_shows_each_section_and_submits_to_the_confirmation(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    _ready(pep)
    client = login(people["dt"])
    text = _text(client.get(_url(pep, "check/")))
    assert "govuk-summary-card" in text and 'Change<span class="govuk-visually-hidden">' in text
    assert "Submit PEP to the Virtual School" in text and "Read a book band 5" in text
    refused = client.post(_url(pep, "check/"), {"version": "1"})
    assert "Confirm the declaration to submit the PEP" in _text(refused)
    response = client.post(_url(pep, "check/"), {"declaration": "on", "version": "1"})
    assert response.status_code == 302 and response["Location"] == _url(pep, "submitted/")
    pep.refresh_from_db()
    assert pep.status == S.SUBMITTED
    done = _text(client.get(response["Location"]))
    assert "govuk-panel--confirmation" in done and "What happens next" in done


def test_a_returned_pep_is_resubmitted_from_check_answers(login, people, make_pep):
    pep = make_pep(S.RETURNED)
    _ready(pep)
    client = login(people["dt"])
    assert "Resubmit PEP to the Virtual School" in _text(client.get(_url(pep, "check/")))
    client.post(_url(pep, "check/"), {"declaration": "on", "version": "1"})
    pep.refresh_from_db()
    assert pep.status == S.SUBMITTED


def test_check_answers_lists_what_is_missing_and_cannot_start_before(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    _ready(pep)
    PepSection.objects.filter(pep=pep, key__in=["targets", "care"]).delete()
    client = login(people["dt"])
    task_list = _text(client.get(_url(pep)))
    assert "Cannot start yet" in task_list
    assert "SMART targets (designated teacher), Care and placement (social worker)" in task_list
    text = _text(client.get(_url(pep, "check/")))
    assert "You cannot send the PEP until each of these sections is completed" in text
    assert text.count("govuk-tag--red") == 2  # each incomplete required section, not grey
    assert "Needed to submit: the social worker completes it" in text
    # A blocked submit: an error summary naming each section and whose it is, linked.
    response = client.post(_url(pep, "check/"), {"declaration": "on", "version": "1"})
    blocked = _text(response)
    assert response.status_code == 200 and "<title>Error: " in blocked
    assert "govuk-error-summary" in blocked
    care = f'href="/children/{pep.child_id}/peps/{pep.pk}/care/">Care and placement is not'
    assert care in blocked and "Care and placement is not complete (social worker)" in blocked
    assert "SMART targets is not complete (designated teacher)" in blocked
    pep.refresh_from_db()
    assert pep.status == S.DRAFT


def test_a_social_worker_cannot_submit(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    _ready(pep)
    client = login(people["social"])
    text = _text(client.get(_url(pep, "check/")))
    assert "Only the designated teacher" in text and 'name="declaration"' not in text
    response = client.post(_url(pep, "check/"), {"declaration": "on", "version": "1"})
    assert response.status_code == 200 and "You cannot do that to this PEP" in _text(response)
    pep.refresh_from_db()
    assert pep.status == S.DRAFT


def test_the_confirmation_page_says_the_status_when_not_submitted(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    response = login(people["social"]).get(_url(pep, "submitted/"))
    assert response.status_code == 200 and "This PEP is draft" in _text(response)


def test_a_section_the_virtual_school_commented_on_is_a_problem(login, people, make_pep):
    pep = make_pep(S.RETURNED)
    PepSection.objects.create(pep=pep, key="school", completed=True, data={"attendance": "x"})
    PepReview.objects.create(pep=pep, decision="return", comments={"school": "Add data"})
    assert "There is a problem" in _text(login(people["dt"]).get(_url(pep)))


# Query counts do not grow with targets or earlier PEPs.


@pytest.mark.parametrize("page", ["", "check/", "targets/", "review/", "ppplus/", "qa/"])
def test_the_pep_pages_queries_do_not_grow(login, people, make_pep, page):
    client = login(people["officer" if page == "qa/" else "dt"])

    def build(targets, earlier):
        Pep.objects.all().delete()
        for n in range(earlier):
            old = make_pep(
                S.APPROVED, due=date(2025, 12, 12) - timedelta(days=120 * n), grade="Green"
            )
            PepSection.objects.create(pep=old, key="targets", data=[TARGET] * targets)
        pep = make_pep(S.DRAFT)
        for key in ("school", "voice", "meeting", "wellbeing", "care", "carer"):
            PepSection.objects.create(pep=pep, key=key, data={"attendance": "96%"})
        PepSection.objects.create(pep=pep, key="targets", data=[TARGET] * targets)
        PepSection.objects.create(
            pep=pep, key="actions", data=[{"action": "x", "owner": "y", "by_when": ""}] * targets
        )
        PepSection.objects.create(
            pep=pep,
            key="review",
            data={"targets": [{**TARGET, "outcome": "met", "difference": "Some"}] * targets},
        )
        return pep

    def queries(pep):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(pep, page)).status_code == 200
        return len(captured)

    few = queries(build(1, 1))
    assert queries(build(20, 1)) == few
    assert queries(build(1, 10)) == few
    assert queries(build(20, 10)) == few


@pytest.mark.parametrize(
    ("held", "refused"),
    [
        (date(2026, 1, 20), False),
        (date(2025, 2, 20), False),
        (date(2036, 1, 20), True),
        (date(2016, 1, 20), True),
    ],
)
def test_a_meeting_date_years_away_is_refused(time_machine, held, refused):
    from vschool.peps.forms import MeetingSectionForm

    time_machine.move_to(date(2026, 1, 26))
    data = {
        "meeting_date_0": str(held.day),
        "meeting_date_1": str(held.month),
        "meeting_date_2": str(held.year),
        "attendees": "DT, SW",
        "child_attended": "yes",
    }
    form = MeetingSectionForm(data=data)
    assert form.is_valid() is not refused
    if refused:
        assert form.errors["meeting_date"] == [
            "Date of the PEP meeting must be within a year of today"
        ]
