"""The head sets a PEP deadline and follows the figures to the children outstanding; axe on each."""

from datetime import date

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.cohort.models import Child
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory
from vschool.peps.models import Pep

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_head_sets_a_deadline_and_finds_the_pep_missing(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    at_a = roll["at_a"]
    Child.objects.filter(pk=at_a.pk).update(education_officer=personas[Role.OFFICER])
    Pep.objects.create(
        child=roll["at_b"],
        status=Pep.Status.DRAFT,
        pep_type="primary",
        academic_year=2025,
        term="autumn",
        due_date=date(2025, 12, 19),
    )
    newcomer = ChildFactory(first_name="Nadia", last_name="Newcombe")
    CareEpisodeFactory(child=newcomer, decom=date(2025, 10, 6))  # initial PEP due 3 November
    children_refresh_current()
    sign_in_with_cookie(personas[Role.HEAD])

    # Given the head on Home, under Manage
    page.goto("/")
    page.get_by_role("link", name="PEP deadlines").click()
    page.goto("/peps/deadlines/?year=2025")
    assert_accessible(page)
    # When they move the autumn deadline, first to a day in spring (refused), then in term
    page.get_by_role("link", name="Change autumn term PEP deadline").click()
    for part, value in zip(("Day", "Month", "Year"), ("6", "1", "2026"), strict=True):
        page.get_by_label(part).fill(value)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="PEP deadline must be between")).to_be_visible()
    assert_accessible(page)
    for part, value in zip(("Day", "Month", "Year"), ("12", "12", "2025"), strict=True):
        page.get_by_label(part).fill(value)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("12 Dec 2025")).to_be_visible()

    # Then the compliance report counts to that deadline and links to the outstanding list
    page.goto("/reports/peps/?year=2025-26")
    expect(page.get_by_text("deadline 12 December 2025")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Overdue and missing PEPs by officer and school").click()
    page.get_by_label("Term", exact=True).select_option("autumn")
    page.get_by_role("button", name="Show").click()
    initial = page.get_by_role("table").filter(has_text="Care began")
    expect(initial).to_contain_text("Nadia Newcombe")
    expect(initial).to_contain_text("3 Nov 2025")
    assert_accessible(page)
    officers = page.get_by_role("table").filter(has_text="By officer")
    expect(officers).to_contain_text(str(personas[Role.OFFICER]))
    # And the officer's row leads to their child, whose PEP is missing
    officers.get_by_role("link", name=str(personas[Role.OFFICER])).click()
    children = page.get_by_role("table").filter(has_text="Children without a PEP")
    expect(children).to_contain_text(at_a.full_name)
    expect(children).to_contain_text("Missing")
    expect(children).not_to_contain_text(roll["at_b"].full_name)
