"""The head opens PP+ from the navigation and changes year; a governor reaches it from the
Reports index and sees small counts hidden; the impact report; axe on each page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.calendar.rules import financial_year_label, financial_year_start
from vschool.calendar.selectors import term_on
from vschool.funding.models import Allocation, DirectSpend, Grant
from vschool.funding.rules import financial_year_of_term
from vschool.peps.models import Pep

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_head_and_a_governor_read_the_pp_plus_dashboard(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    today = timezone.localdate()
    year = financial_year_start(today)
    academic_year, term = term_on(today)
    child = roll["at_a"]
    pep = Pep.objects.create(
        child=child,
        pep_type="primary",
        academic_year=academic_year,
        term=term.term.value,
        status=Pep.Status.APPROVED,
        due_date=today,
    )
    Allocation.objects.create(
        pep=pep,
        child=child,
        school=child.current_school,
        financial_year=financial_year_of_term(academic_year, term.term.value),
        academic_year=academic_year,
        term=term.term.value,
        requested_pence=45000,
        amount_pence=45000,
        status=Allocation.Status.APPROVED,
        eef_strand="one_to_one",
        targets=[{"n": 1, "area": "Reading", "target": "Read a chapter book"}],
    )
    DirectSpend.objects.create(
        child=roll["at_b"],
        financial_year=year,
        date=today,
        amount_pence=12050,
        description="Laptop",
        eef_strand="mentoring",
    )
    Grant.objects.create(financial_year=year, received_pence=10_000_000)

    # Given the head, who follows PP+ in the navigation
    sign_in_with_cookie(personas[Role.HEAD])
    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="PP+").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(financial_year_label(year))
    expect(page.get_by_text("£100,000.00")).to_be_visible()
    expect(page.get_by_role("table", name="Where the money allocated goes")).to_contain_text(
        "£570.50"
    )
    expect(page.get_by_role("table").filter(has_text="Strand")).to_contain_text(
        "One to one tuition"
    )
    assert_accessible(page)
    # When they choose a year with nothing recorded
    page.get_by_label("Financial year").select_option(financial_year_label(year + 1))
    page.get_by_role("button", name="Show").click()
    expect(
        page.get_by_text(f"No PP+ recorded for {financial_year_label(year + 1)}")
    ).to_be_visible()
    assert_accessible(page)
    # And open the impact report
    page.goto("/funding/impact/")
    expect(page.get_by_role("table")).to_contain_text("One to one tuition")
    assert_accessible(page)

    # Then a governor reaches the dashboard from the Reports index, small counts hidden
    page.context.clear_cookies()
    sign_in_with_cookie(personas[Role.GOVERNOR])
    page.goto("/reports/")
    page.get_by_role("link", name="Pupil Premium Plus").click()
    phases = page.get_by_role("table").filter(has_text="Children funded")
    expect(phases.get_by_role("row").filter(has_text="Secondary")).to_contain_text("x")
    expect(page.get_by_text("x: fewer than 5 children")).to_be_visible()
    expect(page.get_by_text("Schools that have not claimed")).to_have_count(0)
    assert_accessible(page)
