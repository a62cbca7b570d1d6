"""The head opens Attendance from the navigation, reads the year's figures and the
six-year chart, filters to a term and a phase, pages the lowest attendance and follows a
child; axe on each page."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.attendance.models import AttendanceMark
from vschool.attendance.summaries import refresh_summaries
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = date(2025, 9, 8)


def test_the_head_reads_the_attendance_dashboard(
    page, personas, sign_in_with_cookie, assert_accessible
):
    school = SchoolFactory(name="Alder Primary School")
    marks = []
    for n in range(30):
        child = ChildFactory(last_name=f"Child{n:02d}", date_of_birth=date(2012 + n % 3, 3, 3))
        codes = ["/"] * (12 + n) + ["O"] * (n % 5) + ["I"]
        marks += [
            AttendanceMark(
                child=child,
                school=school,
                urn=school.urn,
                date=FIRST + timedelta(days=i // 2),
                session=("AM", "PM")[i % 2],
                code=code,
            )
            for i, code in enumerate(codes)
        ]
    AttendanceMark.objects.bulk_create(marks)
    refresh_summaries(None, FIRST, FIRST + timedelta(days=60))
    sign_in_with_cookie(personas[Role.HEAD])

    page.goto("/")
    page.get_by_role("link", name="Attendance", exact=True).click()
    page.get_by_label("Academic year", exact=True).select_option("2025/26")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025/26")
    expect(page.locator("#stats")).to_contain_text("attendance")
    expect(page.get_by_role("img", name="Attendance over six years")).to_be_visible()
    expect(page.get_by_role("table", name="By phase")).to_contain_text("Secondary")
    assert_accessible(page)

    page.get_by_label("Period", exact=True).select_option("autumn")
    page.get_by_label("Phase", exact=True).select_option("secondary")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Autumn term")
    expect(page.locator("#child-list")).to_contain_text("Alder Primary School")
    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next").click()
    expect(page.locator("#child-list")).to_contain_text("children 26 to")
    assert_accessible(page)
    page.locator("#child-list").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Attendance in")).to_be_visible()
