"""An officer approves a PEP and a smaller PP+ amount on the QA page; the decision is on
the year's allocations page."""

from datetime import date

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.funding.models import Allocation, Grant
from vschool.peps.models import Pep, PepSection
from vschool.peps.quality import qa_criteria

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_qa_page_approves_a_smaller_pp_plus_amount(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    Grant.objects.create(financial_year=2025, received_pence=1_000_000)
    pep = Pep.objects.create(
        child=roll["at_a"],
        status=Pep.Status.SUBMITTED,
        pep_type="primary",
        academic_year=2025,
        term="autumn",
        due_date=date(2025, 12, 19),
    )
    PepSection.objects.create(
        pep=pep, key="targets", data=[{"area": "Reading", "target": "Read aloud"}]
    )
    PepSection.objects.create(
        pep=pep,
        key="ppplus",
        data={
            "requested": "yes",
            "targets": ["1"],
            "buys": "Reading tuition",
            "provider": "Alder tutors",
            "amount": "450.00",
            "eef_category": "one_to_one",
        },
    )
    sign_in_with_cookie(personas[Role.OFFICER])
    page.goto(f"/children/{pep.child_id}/peps/{pep.pk}/qa/")
    expect(page.locator("#qa-decision").get_by_text("Reading tuition")).to_be_visible()
    amount = page.get_by_label("Amount to approve in pounds")
    assert_accessible(page)

    for _key, label in qa_criteria():
        page.get_by_role("group", name=label).get_by_label("Met", exact=True).check()
    page.get_by_label("Approve with a grade").check()
    page.get_by_role("group", name="Grade").get_by_label("Green").check()
    page.get_by_label("Approve a smaller amount").check()
    amount.fill("300")
    page.get_by_label("Reason", exact=True).fill("Six hours will do")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("PEP approved")).to_be_visible()

    allocation = Allocation.objects.get(pep=pep)
    assert (allocation.amount_pence, allocation.reason) == (30000, "Six hours will do")
    page.goto("/funding/allocations/?year=2025-26")
    expect(page.get_by_role("table")).to_contain_text("£300.00")
    assert_accessible(page)
    page.get_by_role("link", name="Ahmed, Amira").click()
    expect(page.get_by_role("heading", name="Pupil Premium Plus")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/children/{pep.child_id}/peps/{pep.pk}/")
    page.get_by_role("button", name="Regrade").click()
    page.get_by_label("Gold").check()
    page.get_by_label("Reason for regrading").fill("Moderated")
    assert_accessible(page)
    page.get_by_role("button", name="Save the new grade").click()
    expect(page.get_by_text("PEP regraded to Gold")).to_be_visible()
