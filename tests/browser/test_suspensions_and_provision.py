"""An officer records a suspension and a part-time timetable from a child's Education tab;
the head approves the timetable from the list; the suspensions report; axe on each page."""

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def _date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_an_officer_records_and_the_head_approves(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    child = roll["at_a"]
    sign_in_with_cookie(personas[Role.OFFICER])
    page.goto(f"/children/{child.pk}/education/")
    assert_accessible(page)
    # A suspension, Monday and Tuesday 6 and 7 October 2025, three sessions
    page.get_by_role("button", name="Record a suspension").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()  # nothing filled in: the errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Suspension", exact=True).check()
    _date(page, "First day", 6, 10, 2025)
    _date(page, "Last day", 7, 10, 2025)
    page.get_by_label("Sessions missed").fill("3")
    page.get_by_label("Reason", exact=True).select_option("PP")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The suspension was saved")).to_be_visible()
    expect(page.get_by_role("table", name="Suspensions and exclusions")).to_contain_text(
        "Physical assault against a pupil"
    )
    # A part-time timetable, reviewed within six weeks
    page.get_by_role("button", name="Record provision").click()
    page.get_by_label("Part-time timetable").check()
    page.get_by_label("Provider", exact=True).fill("Alder Primary School")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Hours a week").fill("15")
    _date(page, "Start date", 6, 10, 2025)
    _date(page, "Review date", 10, 11, 2025)
    page.get_by_label("The school").check()
    page.get_by_role("button", name="Save").click()
    table = page.get_by_role("table", name="Alternative provision and part-time timetables")
    expect(table).to_contain_text("Unregistered")
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in_with_cookie(personas[Role.HEAD])
    page.goto("/attendance/provision/")
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("The part-time timetable was approved")).to_be_visible()
    page.goto("/attendance/suspensions/?year=2025-26")
    expect(page.get_by_role("table", name="Autumn term")).to_be_visible()
    assert_accessible(page)
