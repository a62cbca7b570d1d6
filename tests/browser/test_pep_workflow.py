"""A PEP goes round the workflow: teacher, social worker, officer, and back; axe on each step."""

import re

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pep_is_built_returned_corrected_and_approved(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    child = roll["at_a"]

    def as_person(role):
        page.context.clear_cookies()
        sign_in_with_cookie(personas[role])

    # Given the designated teacher on the child's PEPs page
    as_person(Role.DESIGNATED_TEACHER)
    page.goto(f"/children/{child.pk}/peps/")
    # When they start the PEP
    page.get_by_role("button", name="Start PEP").click()
    page.get_by_role("button", name="Start PEP").click()
    expect(page.get_by_text("PEP started")).to_be_visible()
    pep_url = page.url
    assert_accessible(page)

    # And complete the school section
    page.get_by_role("link", name="School, attendance and progress").click()
    assert_accessible(page)
    page.get_by_label("Attendance summary").fill("96% this term")
    page.get_by_label("Strengths and interests").fill("Art and football")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()

    # And the child's views, worded for the child's age
    page.get_by_role("link", name="The child's views", exact=True).click()
    assert_accessible(page)
    page.get_by_label("At the meeting").check()
    page.get_by_label("The child's own words").fill("I like painting best")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("The child's views: saved")).to_be_visible()

    # And the targets section, which then shows its SMART hints
    page.get_by_role("link", name="SMART targets").click()
    page.get_by_label("Area").fill("Reading")
    page.get_by_label("What will the child be able to do?").fill("Improve reading")
    page.get_by_label("Who is responsible").fill("Class teacher")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("The measure has no number or level")).to_be_visible()
    assert_accessible(page)

    # When the social worker adds the care section
    as_person(Role.SOCIAL_WORKER)
    page.goto(pep_url)
    page.get_by_role("link", name="Care and placement").click()
    page.get_by_label("Care and placement context").fill("Long-term foster care")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Care and placement: saved")).to_be_visible()

    # And the teacher checks the answers and submits it
    as_person(Role.DESIGNATED_TEACHER)
    page.goto(pep_url)
    page.get_by_role("link", name="Check answers and submit").click()
    expect(page.get_by_text("I like painting best")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I confirm the PEP was agreed").check()
    page.get_by_role("button", name="Submit PEP to the Virtual School").click()
    expect(page.get_by_role("heading", name="PEP submitted")).to_be_visible()
    assert_accessible(page)

    # Then the officer returns it with feedback
    as_person(Role.OFFICER)
    page.goto(pep_url)
    page.get_by_role("button", name="Go to QA decision").click()
    assert_accessible(page)
    page.get_by_label("Return for changes").check()
    page.get_by_label("Reason and the sections to change").fill("Add a measure to the target")
    page.get_by_text("Comment on sections").click()
    page.get_by_label("Comment on “SMART targets”").fill("Say how you will know: a book band")
    page.get_by_role("button", name="Save decision").click()

    # And the teacher sees why, corrects the target and resubmits
    as_person(Role.DESIGNATED_TEACHER)
    page.goto(pep_url)
    expect(page.get_by_text("Add a measure to the target")).to_be_visible()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("Say how you will know: a book band")).to_be_visible()
    page.get_by_role("link", name="SMART targets").click()
    page.get_by_label("How will you know?").first.fill("Book band 5")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    page.goto(pep_url)
    page.get_by_role("link", name="Check answers and submit").click()
    page.get_by_label("I confirm the PEP was agreed").check()
    page.get_by_role("button", name="Resubmit PEP to the Virtual School").click()
    expect(page.get_by_role("heading", name="PEP submitted")).to_be_visible()

    # And the officer approves it Green
    as_person(Role.OFFICER)
    page.goto(pep_url)
    page.get_by_role("button", name="Go to QA decision").click()
    for criterion in page.get_by_role("radio", name="Met", exact=True).all():
        criterion.check()
    page.get_by_label("Approve with a grade").check()
    page.get_by_label("Green").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("PEP approved")).to_be_visible()

    # Then the child's PEP history shows it approved, graded Green
    page.goto(f"/children/{child.pk}/peps/")
    row = page.get_by_role("row").filter(has_text="Approved")
    expect(row).to_contain_text("Green")
    expect(page).to_have_title(re.compile("^PEPs – "))
    assert_accessible(page)
