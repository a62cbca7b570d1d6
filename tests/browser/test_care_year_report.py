"""The head follows Home's 903-year figures to the report and changes year; a governor reaches
it from the reports page and sees small counts suppressed; axe on each page."""

from datetime import date

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_head_and_a_governor_read_the_903_year(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    for n in range(6):  # six looked after since June 2025, so the head's counts are not small
        CareEpisodeFactory(child=ChildFactory(), decom=date(2025, 6, 2 + n))
    children_refresh_current()
    sign_in_with_cookie(personas[Role.HEAD])

    # Given the head on Home, with the latest 903 year ended
    page.goto("/")
    expect(page.get_by_role("heading", name="SSDA903 year")).to_be_visible()
    assert_accessible(page)
    # When they follow the link to the report
    page.get_by_role("link", name="placement stability and England's figures").click()
    table = page.get_by_role("table").filter(has_text="Measure")
    expect(table).to_contain_text("England")
    assert_accessible(page)
    # And choose the year ending 31 March 2026
    page.get_by_label("SSDA903 year (1 April to 31 March)").select_option("2025-26")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("year ending 31 March 2026")
    expect(table.get_by_role("row").filter(has_text="Started to be looked after")).to_contain_text(
        "6"
    )
    assert_accessible(page)

    # Then a governor reaches it from the reports page and sees the small counts suppressed
    page.context.clear_cookies()
    sign_in_with_cookie(personas[Role.GOVERNOR])
    page.goto("/reports/peps/")
    page.get_by_role("link", name="Children looked after by SSDA903 year").click()
    page.get_by_label("SSDA903 year (1 April to 31 March)").select_option("2025-26")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table").filter(has_text="Measure")).to_contain_text("x")
    expect(page.get_by_text("x: fewer than 5, or a figure from which one could")).to_be_visible()
    assert_accessible(page)
