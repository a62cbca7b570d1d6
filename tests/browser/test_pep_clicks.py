"""Count the clicks: the designated teacher takes a termly PEP from Home to submitted.

Every section filled, two targets, a PP+ request and one action. Clicks and choices
(radios, tick boxes, selects) are counted; text typed is not. The social worker's
sections are done first, by the social worker, and not counted. docs/peps.md keeps the
figure: change both together.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.peps.models import Pep

pytestmark = pytest.mark.django_db(transaction=True)

MOST_CLICKS = 24


def test_the_designated_teacher_submits_a_pep_in_few_clicks(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    child = roll["at_a"]
    # The initial PEP for this period of care is done: the PEP due is this term's
    Pep.objects.create(
        child=child,
        kind=Pep.Kind.INITIAL,
        pep_type="primary",
        academic_year=2023,
        term="spring",
        due_date=date(2024, 2, 7),
        status=Pep.Status.APPROVED,
        grade="Green",
    )
    count = {"n": 0}

    def click(locator):
        count["n"] += 1
        locator.click()

    def choose(locator, value=None):
        count["n"] += 1
        if value is None:
            locator.check()
        else:
            locator.select_option(value)

    def save():
        click(page.get_by_role("button", name="Save and continue"))

    # The designated teacher starts from Home
    sign_in_with_cookie(personas[Role.DESIGNATED_TEACHER])
    page.goto("/")
    click(page.get_by_role("link", name="Not started this term"))
    click(page.get_by_role("link", name=child.sort_name))
    click(page.get_by_role("button", name="Start PEP"))
    expect(page.get_by_text("PEP started")).to_be_visible()
    pep = Pep.objects.get(child=child, status=Pep.Status.DRAFT)
    assert pep.kind == Pep.Kind.TERMLY
    pep_url = f"/children/{child.pk}/peps/{pep.pk}/"

    # The social worker does their sections (not counted)
    page.context.clear_cookies()
    sign_in_with_cookie(personas[Role.SOCIAL_WORKER])
    page.goto(pep_url + "care/")
    expect(page.get_by_text("Source: Care episode open today (SSDA903)")).to_have_count(2)
    page.get_by_label("Care and placement context").fill("Long-term foster care")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("The carer's views").fill("Happy with school")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()

    # The teacher is back on the meeting section, where starting took them
    page.context.clear_cookies()
    sign_in_with_cookie(personas[Role.DESIGNATED_TEACHER])
    page.goto(pep_url + "meeting/")
    met = date.today()  # a meeting must be within a year of today
    page.get_by_label("Day").fill(str(met.day))
    page.get_by_label("Month").fill(str(met.month))
    page.get_by_label("Year").fill(str(met.year))
    page.get_by_label("Who attended?").fill("Designated teacher, carer, social worker")
    choose(page.get_by_label("The child attended", exact=True))
    choose(page.get_by_label("Yes"))
    save()

    expect(page.get_by_role("heading", name="The child's views")).to_be_visible()
    choose(page.get_by_label("At the meeting"))
    page.get_by_label("The child's own words").fill("I like painting best")
    choose(page.get_by_label("Yes"))
    save()

    expect(page.get_by_role("heading", name="Wellbeing and SEN")).to_be_visible()
    page.get_by_label("Health and emotional wellbeing").fill("Settled and well")
    choose(page.get_by_label("Yes"))
    save()

    expect(page.get_by_role("heading", name="School, attendance and progress")).to_be_visible()
    expect(page.get_by_text("Not held in the system yet").first).to_be_visible()
    page.get_by_label("Attendance summary").fill("96% this term, no exclusions")
    page.get_by_label("Attainment and progress").fill("Working at the expected standard")
    page.get_by_label("Strengths and interests").fill("Art and football")
    choose(page.get_by_label("Yes"))
    save()

    # Two targets, each on one page, with no empty row saved to add the second
    expect(page.get_by_role("heading", name="SMART targets")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Area").fill("Reading")
    page.get_by_label("What will the child be able to do?").fill("Read a book band 5 book")
    page.get_by_label("How will you know?").fill("Book band 5")
    page.get_by_label("Who is responsible").fill("Class teacher")
    page.get_by_label("PP+ cost in pounds").fill("150")
    click(page.get_by_role("button", name="Save and add another target"))
    assert_accessible(page)
    page.get_by_label("Area").fill("Maths")
    page.get_by_label("What will the child be able to do?").fill("Count to 100 in tens")
    page.get_by_label("How will you know?").fill("Counts to 100 unaided")
    page.get_by_label("Who is responsible").fill("Tutor")
    page.get_by_label("PP+ cost in pounds").fill("200")
    choose(page.get_by_label("Yes"))
    save()

    # The PP+ request starts from both targets and their costs
    expect(page.get_by_role("heading", name="PP+ request")).to_be_visible()
    expect(page.get_by_label("Amount in pounds (£)")).to_have_value("350")
    choose(page.get_by_label("Request PP+ this term"))
    page.get_by_label("What will it buy?").fill("Tutoring in reading and maths")
    choose(page.get_by_label("EEF Toolkit category"), "one_to_one")
    page.get_by_role("group", name="Start date").get_by_label("Day").fill("1")
    page.get_by_role("group", name="Start date").get_by_label("Month").fill("2")
    page.get_by_role("group", name="Start date").get_by_label("Year").fill("2026")
    choose(page.get_by_label("Yes"))
    save()

    # One action, the section done on its own page
    expect(page.get_by_role("heading", name="Actions and who will do them")).to_be_visible()
    page.get_by_label("Action", exact=True).fill("Buy a reading scheme")
    page.get_by_label("Who will do it").fill("Designated teacher")
    choose(page.get_by_label("Yes"))
    save()

    # Nothing left: straight to check answers, then submit
    expect(page.get_by_role("heading", name="Check the PEP before you submit it")).to_be_visible()
    assert_accessible(page)
    choose(page.get_by_label("I confirm the PEP was agreed"))
    click(page.get_by_role("button", name="Submit PEP to the Virtual School"))
    expect(page.get_by_role("heading", name="PEP submitted to the Virtual School")).to_be_visible()
    pep.refresh_from_db()
    assert pep.status == Pep.Status.SUBMITTED
    assert count["n"] <= MOST_CLICKS, count["n"]
    print(f"Clicks and choices from Home to submitted: {count['n']}")
