"""The child's Attendance tab: the year's marks as a calendar a term at a time, labelled
with the LA calendar, the totals beside it; the year chosen in the URL; queries constant."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.attendance.child_calendar import child_year_calendar, years_with_marks
from vschool.attendance.models import AttendanceMark
from vschool.calendar.models import SchoolClosure

pytestmark = pytest.mark.django_db

# The 2025/26 default terms: autumn 3 Sep to 19 Dec 2025 (half term 27 to 31 Oct), spring
# 5 Jan to 27 Mar 2026 (16 to 20 Feb), summer 13 Apr to 22 Jul 2026 (25 to 29 May).


def _mark(child, day, session, code, urn="100001"):
    AttendanceMark.objects.create(child=child, urn=urn, date=day, session=session, code=code)


@pytest.fixture
def amira(roll):
    child = roll["at_a"]
    _mark(child, date(2025, 9, 8), "AM", "/")
    _mark(child, date(2025, 9, 8), "PM", "O")
    _mark(child, date(2025, 9, 9), "AM", "I")
    _mark(child, date(2026, 1, 5), "AM", "B")
    _mark(child, date(2026, 1, 5), "PM", "X")
    _mark(child, date(2024, 10, 1), "AM", "/")  # a mark in 2024/25: a link to that year
    SchoolClosure.objects.create(date=date(2025, 12, 1), reason="INSET day")
    return child


def _day(calendar, day):
    for term in calendar.terms:
        for week in term.weeks:
            for shown in week.days:
                if shown.date == day:
                    return shown
    return None


def test_the_calendar_lays_out_each_term_by_week_with_its_totals(amira):
    calendar = child_year_calendar(amira, 2025, date(2026, 9, 10))
    autumn, spring, summer = calendar.terms
    assert [t.name for t in calendar.terms] == ["Autumn term", "Spring term", "Summer term"]
    # Rows from the week the term starts (Wed 3 Sep: the week of Mon 1 Sep) to its end.
    assert autumn.weeks[0].monday == date(2025, 9, 1)
    assert autumn.weeks[-1].monday == date(2025, 12, 15)
    assert calendar.weekdays == ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    monday = _day(calendar, date(2025, 9, 8))
    assert [(m.session, m.code, m.category) for m in monday.marks] == [
        ("AM", "/", "present"),
        ("PM", "O", "unauthorised"),
    ]
    tuesday = _day(calendar, date(2025, 9, 9))
    assert [(m.code, m.category) for m in tuesday.marks] == [("I", "authorised"), ("", "no_mark")]
    # The LA calendar names the days schools are shut.
    assert _day(calendar, date(2025, 9, 1)).label == "School holiday"
    assert _day(calendar, date(2025, 10, 28)).label == "Half term"
    assert _day(calendar, date(2025, 12, 1)).label == "INSET day"
    assert _day(calendar, date(2026, 5, 4)).label == "Bank holiday"  # early May
    assert _day(calendar, date(2026, 5, 25)).label == "Bank holiday"  # in half term too
    assert _day(calendar, date(2025, 9, 10)).label == ""
    # Totals: autumn 1 present, 1 authorised, 1 unauthorised; spring B counts as attendance
    # and X is not possible.
    assert (autumn.sessions.possible, autumn.sessions.attendance_pct) == (3, Decimal("33.3"))
    assert (spring.sessions.possible, spring.sessions.attendance_pct) == (1, 100)
    assert summer.sessions.possible == 0
    assert calendar.sessions.possible == 4 and calendar.sessions.severe
    assert calendar.last_mark == date(2026, 1, 5)


def test_marks_outside_the_term_dates_widen_the_rows_and_bring_the_weekend(roll):
    child = roll["at_a"]
    _mark(child, date(2025, 9, 6), "AM", "/")  # a Saturday session
    _mark(child, date(2026, 8, 10), "AM", "/")  # a summer school in the holiday
    calendar = child_year_calendar(child, 2025, date(2026, 9, 10))
    assert calendar.weekdays[-2:] == ("Saturday", "Sunday")
    assert _day(calendar, date(2025, 9, 6)).marks[0].code == "/"
    assert calendar.terms[2].weeks[-1].monday == date(2026, 8, 10)
    assert calendar.sessions.possible == 2


def test_this_year_stops_at_today_and_terms_not_begun_have_no_rows(roll):
    calendar = child_year_calendar(roll["at_a"], 2025, date(2025, 10, 8))
    autumn, spring, summer = calendar.terms
    assert autumn.weeks[-1].monday == date(2025, 10, 6)
    assert not _day(calendar, date(2025, 10, 9)).shown  # Thursday: not yet come
    assert spring.weeks == () and summer.weeks == ()
    assert calendar.last_mark is None


def test_a_withdrawn_code_held_is_shown_and_counted_nowhere(roll):
    child = roll["at_a"]
    _mark(child, date(2025, 9, 8), "AM", "H")
    _mark(child, date(2025, 9, 8), "PM", "/")
    calendar = child_year_calendar(child, 2025, date(2026, 9, 10))
    held = _day(calendar, date(2025, 9, 8)).marks[0]
    assert held.category == "unknown" and "withdrawn" in held.category_label
    assert calendar.sessions.possible == 1
    assert calendar.sessions == AttendanceMark.objects.filter(child=child).sessions()


def test_years_with_marks_reads_academic_years(amira):
    _mark(amira, date(2025, 8, 31), "AM", "/")  # 2024/25, on its last day
    assert years_with_marks(amira) == [2025, 2024]


def _page(client, child, query=""):
    return client.get(f"/children/{child.pk}/attendance/{query}")


def test_the_tab_shows_the_calendar_the_legend_and_the_figures(
    amira, login, personas, time_machine
):
    time_machine.move_to(date(2026, 3, 2))
    response = _page(login(personas[Role.DESIGNATED_TEACHER]), amira, "?year=2025-26")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Attendance in 2025/26" in text
    assert "From the school's marks, received up to 5 January 2026" in text
    # The legend comes before the first table, with the codes of each kind.
    assert text.index("Not a possible session") < text.index("govuk-table app-heatmap")
    assert "Present (/, \\, L)" in text
    # The code is the text, and the category is there for screen readers.
    assert re.search(
        r'app-heatmap__mark--unauthorised"><span class="govuk-visually-hidden">Afternoon: '
        r"</span>O<span class=\"govuk-visually-hidden\"> \(unauthorised absence\)",
        text,
    )
    assert "Autumn term 2025/26</caption>" in text and "Half term" in text
    assert "INSET day" in text
    # The figures: 2 of 4 possible sessions absent is severe; below the aim of 95%.
    assert "Severe absence" in text and "Below the aim" in text and "95% or more" in text
    assert re.search(r"Autumn term</th>\s*<td[^>]*>3</td>\s*<td[^>]*>33.3%</td>", text)
    # Links to this year (2025/26, the current one here) and 2024/25, which has a mark.
    assert 'href="?year=2024-25"' in text and 'aria-current="page" href="?year=2025-26"' in text


def test_the_year_defaults_to_this_one_and_a_year_without_marks_says_so(
    amira, login, personas, time_machine
):
    time_machine.move_to(date(2026, 10, 1))
    client = login(personas[Role.HEAD])
    text = _page(client, amira).content.decode()
    assert "No attendance marks have been received for 2026/27." in text
    assert 'href="?year=2025-26"' in text
    assert _page(client, amira, "?year=soon").status_code == 404
    assert _page(client, amira, "?year=2025-27").status_code == 404


def test_the_tab_is_one_query_for_the_marks_whatever_their_number(
    roll, login, personas, time_machine
):
    time_machine.move_to(date(2026, 7, 20))
    few, many = roll["at_a"], roll["at_b"]
    _mark(few, date(2025, 9, 8), "AM", "/")
    day = date(2025, 9, 3)
    while day < date(2026, 7, 20):
        if day.weekday() < 5:
            for session in ("AM", "PM"):
                _mark(many, day, session, "/" if day.day % 7 else "O", urn="100002")
        day += timedelta(days=1)
    client = login(personas[Role.HEAD])
    _page(client, few)  # warm per-process caches

    def queries(child):
        with CaptureQueriesContext(connection) as captured:
            assert _page(client, child).status_code == 200
        return len(captured)

    assert queries(few) == queries(many)
