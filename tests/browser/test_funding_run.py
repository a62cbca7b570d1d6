"""From QA to payment: an officer approves a PEP's PP+ request; the finance officer (the
data officer) builds the term's payment run, checks and confirms it, and downloads a
school's remittance advice, whose text gives the total; axe on every page."""

import io
from datetime import date

import pypdf
import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.funding.models import Allocation, Grant, PaymentRun
from vschool.peps.models import Pep, PepSection
from vschool.peps.quality import qa_criteria

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_approved_pep_is_paid_and_its_remittance_downloads(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    child, school = roll["at_a"], roll["school_a"]
    Grant.objects.create(financial_year=2025, received_pence=1_000_000)
    pep = Pep.objects.create(
        child=child,
        pep_type="primary",
        academic_year=2025,
        term="autumn",
        due_date=date(2025, 12, 12),
        status=Pep.Status.SUBMITTED,
    )
    PepSection.objects.create(pep=pep, key="targets", data=[{"area": "Reading", "target": "x"}])
    PepSection.objects.create(
        pep=pep,
        key="ppplus",
        data={
            "requested": "yes",
            "targets": ["1"],
            "buys": "Reading tuition",
            "provider": "Alder tutors",
            "amount": "450.50",
            "eef_category": "one_to_one",
        },
    )

    # Given an officer approves the PEP, and its PP+ request, on the QA page
    sign_in_with_cookie(personas[Role.OFFICER])
    page.goto(f"/children/{child.pk}/peps/{pep.pk}/qa/")
    for _key, label in qa_criteria():
        page.get_by_role("group", name=label).get_by_label("Met", exact=True).check()
    page.get_by_label("Approve with a grade").check()
    page.get_by_role("group", name="Grade").get_by_label("Green").check()
    page.get_by_label("Approve the amount requested").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("PEP approved")).to_be_visible()
    assert Allocation.objects.get(pep=pep).amount_pence == 45050

    page.context.clear_cookies()
    sign_in_with_cookie(personas[Role.DATA_OFFICER])

    # Given the payment runs page, with no run yet
    page.goto("/funding/runs/")
    expect(page.get_by_role("heading", name="Payment runs", exact=True)).to_be_visible()
    assert_accessible(page)
    # When the data officer builds the autumn 2025/26 run
    page.get_by_label("Academic year").select_option(label="2025/26")
    page.get_by_label("Autumn").check()
    page.get_by_role("button", name="Create payment run").click()
    # Then its draft shows what each school is paid, and that remittances wait
    expect(page.get_by_text("Payment run PPP-2025-26-AUT-1 built")).to_be_visible()
    expect(page.get_by_role("cell", name="Confirm the run to produce remittances")).to_be_visible()
    expect(page.get_by_role("cell", name=child.reference)).to_be_visible()
    assert_accessible(page)

    # When they check it and confirm it
    page.get_by_role("link", name="Confirm and mark paid").click()
    expect(page.get_by_text("You cannot cancel a run once it is confirmed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and mark paid").click()
    expect(page.get_by_text("confirmed: its remittances are ready")).to_be_visible()
    assert_accessible(page)
    assert PaymentRun.objects.get().status == PaymentRun.Status.CONFIRMED

    # Then the school's remittance advice downloads as a PDF with the total
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"PDF remittance for {school.name}").click()
    download = download_info.value
    assert download.suggested_filename == f"remittance-PPP-2025-26-AUT-1-{school.urn}.pdf"
    reader = pypdf.PdfReader(io.BytesIO(open(download.path(), "rb").read()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "£450.50" in text and child.reference in text
    assert child.last_name not in text

    # And the runs page lists the confirmed run
    page.goto("/funding/runs/")
    expect(page.get_by_role("link", name="PPP-2025-26-AUT-1")).to_be_visible()
    expect(page.get_by_text("Confirmed")).to_be_visible()
    assert_accessible(page)
