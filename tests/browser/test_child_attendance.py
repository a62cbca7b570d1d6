"""A designated teacher opens a child's Attendance tab: the legend, a term's calendar with
the codes and the figures; then the overview card and the school's page. axe on each, and
the tab reflows at 320 px (its tables scroll in their own panes)."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.attendance.models import AttendanceMark
from vschool.calendar.rules import academic_year_start

pytestmark = pytest.mark.django_db(transaction=True)


def _marks(child, weeks=6):
    """Six weeks of marks up to today, with an absence or two."""
    today = date.today()
    day, codes = today - timedelta(weeks=weeks), ["/", "\\", "/", "I", "/", "O", "B", "X"]
    marks = []
    while day <= today:
        if day.weekday() < 5:
            for n, session in enumerate(("AM", "PM")):
                code = codes[(day.toordinal() * 2 + n) % len(codes)]
                marks.append(
                    AttendanceMark(child=child, urn="100001", date=day, session=session, code=code)
                )
        day += timedelta(days=1)
    AttendanceMark.objects.bulk_create(marks)


def test_the_attendance_tab_overview_and_school_page(
    page, roll, personas, sign_in_with_cookie, assert_accessible
):
    child = roll["at_a"]
    _marks(child)
    sign_in_with_cookie(personas[Role.DESIGNATED_TEACHER])
    page.goto(f"/children/{child.pk}/")
    expect(page.get_by_role("heading", name="Attendance this term")).to_be_visible()
    expect(page.get_by_role("table", name="The last four school weeks")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Attendance", exact=True).click()
    year = academic_year_start(date.today())
    expect(page.get_by_role("heading", name=f"Attendance in {year}/")).to_be_visible()
    expect(page.get_by_text("Unauthorised absence (G, N, O, U)")).to_be_visible()
    expect(page.get_by_role("table", name="Totals by term")).to_be_visible()
    calendars = page.locator("table.app-heatmap")
    assert calendars.count() >= 1
    expect(calendars.first.get_by_text("Afternoon:").first).to_be_attached()
    assert_accessible(page)

    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"/schools/{roll['school_a'].pk}/")
    expect(page.get_by_role("heading", name="Attendance at this school")).to_be_visible()
    assert_accessible(page)
