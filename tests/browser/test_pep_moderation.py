"""The head draws a term's sample; the coordinator grades it blind, then records the agreed grade."""

from datetime import date

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.peps.models import Pep, PepStatusChange

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pep_is_sampled_graded_blind_and_agreed(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    pep = Pep.objects.create(
        child=roll["at_a"],
        status=Pep.Status.APPROVED,
        grade="Amber",
        pep_type="primary",
        academic_year=2025,
        term="autumn",
        due_date=date(2025, 12, 19),
        completed_date=date(2025, 12, 1),
    )
    PepStatusChange.objects.create(pep=pep, status=Pep.Status.APPROVED, by=personas[Role.OFFICER])

    # Given the head draws the autumn sample
    sign_in_with_cookie(personas[Role.HEAD])
    page.goto("/peps/moderation/?year=2025&term=autumn")
    page.get_by_role("button", name="Draw this term’s sample").click()
    expect(page.get_by_text("1 PEP added to the sample")).to_be_visible()
    assert_accessible(page)

    # When the coordinator opens it, the first grade is not shown
    page.context.clear_cookies()
    sign_in_with_cookie(personas[Role.COORDINATOR])
    page.goto("/peps/moderation/?year=2025&term=autumn")
    page.get_by_role("link", name=roll["at_a"].reference).click()
    expect(page.get_by_text("Amber")).to_have_count(1)  # only as a choice of grade
    assert_accessible(page)
    page.get_by_label("Green").check()
    page.get_by_role("button", name="Save second grade").click()

    # Then both grades show, and the agreed grade is recorded
    expect(page.get_by_text("Second grade recorded")).to_be_visible()
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Save agreed grade").click()
    expect(page.get_by_text("Agreed grade recorded")).to_be_visible()
    page.goto("/peps/moderation/?year=2025&term=autumn")
    expect(
        page.get_by_role("table", name="PEPs in the moderation sample for Autumn term 2025/26")
    ).to_contain_text("Agreed")
    assert_accessible(page)
