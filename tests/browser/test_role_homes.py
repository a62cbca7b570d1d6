"""Each role signs in with the form and lands on its own Home (docs/home.md); axe on each."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.exchange.models import ImportReject, ImportRun
from vschool.peps.models import Pep

pytestmark = pytest.mark.django_db(transaction=True)

# (role, its Home's heading, something only that Home shows)
HOMES = [
    (Role.HEAD, "The roll and your PEP work", "SSDA903 year"),
    (Role.OFFICER, "The roll and your PEP work", "Your PEP work"),
    (Role.DATA_OFFICER, "Imports and the roll", "To fix"),
    (Role.DESIGNATED_TEACHER, "Your school's children and PEPs", "Alder Primary School"),
    (Role.SOCIAL_WORKER, "Your children and their PEPs", "Your children"),
    (Role.GOVERNOR, "Reports and the roll's figures", "Reports"),
]


@pytest.mark.parametrize(("role", "heading", "part"), HOMES, ids=[h[0].value for h in HOMES])
def test_each_role_signs_in_to_its_home(
    page, personas, roll, assert_accessible, role, heading, part
):
    Pep.objects.create(
        child=roll["at_a"],
        pep_type="primary",
        academic_year=2025,
        term="spring",
        status=Pep.Status.DRAFT,
        due_date=date(2026, 3, 27),
    )
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.SSDA903,
        status=ImportRun.Status.IMPORTED,
        rows_read=12,
        summary="Imported: 2 children updated. Skipped 1 row with errors.",
        warnings=["CHILD 1 is looked after past 18 (born 01/01/2001): check the return"],
    )
    ImportReject.objects.create(run=run, file="header.csv", line=2, reason="Not a date")

    # Given the sign-in page, when the persona signs in with the form
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(personas[role].username)
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_role("button", name="Continue").click()

    # Then they land on their Home, which says what it is, and it passes axe
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page).to_have_title(re.compile(f"^{re.escape(heading)} – "))
    expect(page.get_by_role("heading", level=2, name=part).first).to_be_visible()
    if role == Role.HEAD:  # the parts loaded after the page arrive, in place of their links
        expect(page.get_by_text("children due a PEP")).to_be_visible()
        expect(page.get_by_text("looked after for 12 months at 31 March")).to_be_visible()
        expect(page.get_by_role("link", name="PEP compliance this year")).to_have_count(0)
    assert_accessible(page)
    if role in (Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER):
        # The PEP waiting for their part opens straight from Home
        page.get_by_role("link", name=re.compile(r"^Amira Ahmed\W+Termly PEP, Spring term")).click()
        expect(page).to_have_url(re.compile(r"/children/\d+/peps/\d+/$"))
    if role == Role.DATA_OFFICER:
        page.get_by_role("link", name=re.compile("^check the return")).click()
        expect(page.get_by_text("looked after past 18: check the return.")).to_be_visible()
