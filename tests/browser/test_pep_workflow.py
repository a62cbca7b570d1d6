"""A PEP goes round the workflow: teacher, social worker, officer, and back to whoever
answers for the sections returned; axe on each new page state."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pep_is_handed_off_returned_to_the_social_worker_and_approved(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    child = roll["at_a"]
    for role, person in personas.items():
        person.email = f"{role.value}@example.org"
        person.save(update_fields=["email"])

    def as_person(role):
        page.context.clear_cookies()
        sign_in_with_cookie(personas[role])

    # Given the designated teacher on the child's PEPs page
    as_person(Role.DESIGNATED_TEACHER)
    page.goto(f"/children/{child.pk}/peps/")
    # When they start the PEP
    page.get_by_role("button", name="Start PEP").click()
    # Then it goes straight to the first section
    expect(page.get_by_text("PEP started")).to_be_visible()
    assert_accessible(page)
    pep_url = page.url.removesuffix("meeting/")
    page.goto(pep_url)
    assert_accessible(page)

    # And complete the school section
    page.get_by_role("link", name="School, attendance and progress").click()
    assert_accessible(page)
    page.get_by_label("Attendance summary").fill("96% this term")
    page.get_by_label("Strengths and interests").fill("Art and football")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()

    # And the child's views, worded for the child's age
    page.goto(pep_url)
    page.get_by_role("link", name="The child's views", exact=True).click()
    assert_accessible(page)
    page.get_by_label("At the meeting").check()
    page.get_by_label("The child's own words").fill("I like painting best")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("The child's views saved")).to_be_visible()

    # And the targets section, which then shows its SMART hints
    page.goto(pep_url)
    page.get_by_role("link", name="SMART targets").click()
    assert_accessible(page)
    page.get_by_label("Area").fill("Reading")
    page.get_by_label("What will the child be able to do?").fill("Improve reading")
    page.get_by_label("Who is responsible").fill("Class teacher")
    page.get_by_role("button", name="Save and add another target").click()
    assert_accessible(page)
    page.get_by_role("link", name="Back to SMART targets").click()
    expect(page.get_by_text("The measure has no number or level")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change target 1").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Target 1 saved")).to_be_visible()

    # When the teacher tries to submit before the social worker's part is done
    page.goto(pep_url)
    page.get_by_role("link", name="Check answers and submit").click()
    expect(page.get_by_text("Care and placement (social worker)").first).to_be_visible()
    page.get_by_label("I confirm the PEP was agreed").check()
    page.get_by_role("button", name="Submit PEP to the Virtual School").click()
    # Then an error summary names each missing section and whose it is, linked to it
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Care and placement is not complete (social worker)")
    expect(summary).to_contain_text("is not complete (social worker)")
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page)

    # When the social worker adds the care section
    as_person(Role.SOCIAL_WORKER)
    page.goto(pep_url)
    turn = page.locator(".govuk-summary-list__row").filter(has_text="Whose turn")
    expect(turn).to_contain_text("Social worker")
    page.get_by_role("link", name="Care and placement").click()
    page.get_by_label("Care and placement context").fill("Long-term foster care")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Care and placement saved")).to_be_visible()

    # And, on to their next section, records why the carer's views cannot be given
    expect(page.get_by_role("heading", name="The carer's and parent's views")).to_be_visible()
    page.get_by_label("No, it cannot be completed for this PEP").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why this section")
    assert_accessible(page)
    page.get_by_label("If it cannot be completed, why not?").fill("The carer was in hospital")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Not available because: The carer was in hospital")).to_be_visible()
    assert_accessible(page)

    # And the teacher checks the answers and submits it
    as_person(Role.DESIGNATED_TEACHER)
    page.goto(pep_url)
    page.get_by_role("link", name="Check answers and submit").click()
    expect(page.get_by_text("I like painting best")).to_be_visible()
    expect(page.get_by_text("The carer was in hospital")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I confirm the PEP was agreed").check()
    page.get_by_role("button", name="Submit PEP to the Virtual School").click()
    expect(page.get_by_role("heading", name="PEP submitted")).to_be_visible()
    assert_accessible(page)

    # Then the officer returns only the care section
    as_person(Role.OFFICER)
    page.goto(pep_url)
    page.get_by_role("button", name="Go to QA decision").click()
    assert_accessible(page)
    page.get_by_label("Return for changes").check()
    page.get_by_label("Reason for the decision").fill("The placement has changed")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Comment on each section")
    assert_accessible(page)
    page.get_by_label("Comment on “Care and placement”").fill("Say where the child lives now")
    mail.outbox.clear()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("PEP returned to the social worker")).to_be_visible()

    # And only the social worker is told
    assert [m.to for m in mail.outbox] == [[personas[Role.SOCIAL_WORKER].email]]

    # The teacher's badge shows nothing waiting, and they cannot resubmit
    as_person(Role.DESIGNATED_TEACHER)
    page.goto(pep_url)
    expect(page.locator(".moj-notification-badge")).to_have_count(0)
    page.goto(pep_url + "check/")
    expect(page.get_by_text("Only the social worker can resubmit this PEP")).to_be_visible()
    assert_accessible(page)

    # The social worker sees it waiting, with the officer's comment
    as_person(Role.SOCIAL_WORKER)
    page.goto(pep_url)
    expect(page.locator(".moj-notification-badge")).to_contain_text("1")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("Say where the child lives now")).to_be_visible()
    assert_accessible(page)

    # And fixes the care section and resubmits it
    page.get_by_role("link", name="Care and placement").click()
    page.get_by_label("Care and placement context").fill("Kinship care with an aunt")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check the PEP before you submit it")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I confirm the PEP was agreed").check()
    mail.outbox.clear()
    page.get_by_role("button", name="Resubmit PEP to the Virtual School").click()
    expect(page.get_by_role("heading", name="PEP submitted")).to_be_visible()
    assert [m.to for m in mail.outbox] == [[personas[Role.OFFICER].email]]

    # And the officer approves it Green
    as_person(Role.OFFICER)
    page.goto(pep_url)
    expect(page.locator(".moj-notification-badge")).to_contain_text("1")
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
