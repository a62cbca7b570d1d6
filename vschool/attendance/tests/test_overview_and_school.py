"""The attendance the child's overview and a school's page show: the card "Attendance this
term" with the last four school weeks, and the school's children's attendance, scoped,
with the counts of every child in one query."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.attendance.child_calendar import recent_attendance
from vschool.attendance.models import AttendanceMark
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory, SchoolPlacementFactory

pytestmark = pytest.mark.django_db


def _mark(child, day, session, code, urn="100001"):
    AttendanceMark.objects.create(child=child, urn=urn, date=day, session=session, code=code)


def _days(child, first, last, codes=("/", "/"), urn="100001"):
    day = first
    while day <= last:
        if day.weekday() < 5:
            for session, code in zip(("AM", "PM"), codes, strict=True):
                _mark(child, day, session, code, urn)
        day += timedelta(days=1)


def test_the_last_four_school_weeks_skip_the_half_term(roll):
    child = roll["at_a"]
    # Autumn 2025: half term 27 to 31 October. Today Wednesday 5 November.
    _days(child, date(2025, 10, 6), date(2025, 10, 24))
    _days(child, date(2025, 11, 3), date(2025, 11, 4))
    _mark(child, date(2025, 9, 3), "AM", "O")  # in the term, before the four weeks
    recent = recent_attendance(child, date(2025, 11, 5))
    assert [w.monday for w in recent.weeks] == [
        date(2025, 10, 6),
        date(2025, 10, 13),
        date(2025, 10, 20),
        date(2025, 11, 3),
    ]
    this_week = recent.weeks[-1].days
    assert [m.code for m in this_week[1].marks] == ["/", "/"]  # Tuesday
    assert this_week[2].marks[0].category == "no_mark"  # today, not yet marked
    assert not this_week[3].shown  # Thursday: not yet come
    # The term so far: 17 days of 2 present, and one unauthorised session.
    assert recent.sessions.possible == 35 and recent.sessions.unauthorised == 1
    assert recent.term_name == "Autumn term 2025/26"


def test_early_in_september_the_weeks_reach_back_into_the_summer_term(roll):
    child = roll["at_a"]
    _days(child, date(2025, 7, 7), date(2025, 7, 18))
    recent = recent_attendance(child, date(2025, 9, 4))
    # 2024/25's summer term ends Friday 18 July 2025 (the last weekday on or before 22 July
    # that is not a lone Monday): weeks of 7 and 14 July, then 1 September (the week the
    # new term begins, with its marks still to come) and, before it, the week of 30 June.
    assert [w.monday for w in recent.weeks][-1] == date(2025, 9, 1)
    assert date(2025, 7, 14) in [w.monday for w in recent.weeks]
    assert recent.sessions.possible == 0  # nothing yet this term


def test_the_overview_shows_the_card_after_the_pep_one(roll, login, personas, time_machine):
    time_machine.move_to(date(2025, 11, 5))
    child = roll["at_a"]
    _days(child, date(2025, 10, 6), date(2025, 10, 24), codes=("/", "O"))
    _days(child, date(2025, 11, 3), date(2025, 11, 4), codes=("/", "O"))
    text = login(personas[Role.DESIGNATED_TEACHER]).get(f"/children/{child.pk}/").content.decode()
    assert "Attendance this term" in text
    assert "50.0% attendance, of 34 possible sessions" in text
    assert "Severe absence" in text
    assert "The last four school weeks" in text
    assert "From the school's marks, received up to 4 November 2025" in text
    assert text.index("PEP</h3>") < text.index("Attendance this term")


def test_the_overview_card_says_when_there_are_no_marks(roll, login, personas, time_machine):
    time_machine.move_to(date(2025, 11, 5))
    text = login(personas[Role.HEAD]).get(f"/children/{roll['at_a'].pk}/").content.decode()
    assert "No attendance marks received in the last four school weeks." in text


@pytest.fixture
def school_a_roll(roll):
    """Amira and two more children at school A; Ben at school B."""
    more = []
    for name in ("Cara", "Dan"):
        child = ChildFactory(first_name=name, last_name="Cole")
        CareEpisodeFactory(child=child)
        SchoolPlacementFactory(child=child, school=roll["school_a"])
        more.append(child)
    children_refresh_current()
    return more


def test_the_school_page_shows_its_childrens_attendance_this_term_and_year(
    roll, school_a_roll, login, personas, time_machine
):
    time_machine.move_to(date(2026, 1, 14))
    amira = roll["at_a"]
    cara, dan = school_a_roll
    # Amira: autumn all present; spring (from 20 December) 1 in 2 sessions absent.
    _days(amira, date(2025, 9, 3), date(2025, 12, 19))
    _days(amira, date(2026, 1, 5), date(2026, 1, 13), codes=("/", "O"))
    # Cara: marks at another school (a URN of before) do not count at this one.
    _days(cara, date(2025, 9, 3), date(2025, 9, 30), urn="100009")
    client = login(personas[Role.DESIGNATED_TEACHER])
    text = client.get(f"/schools/{roll['school_a'].pk}/").content.decode()
    assert "Attendance at this school" in text
    text = text[text.index("Attendance at this school") :]
    row = re.search(r"Ahmed, Amira.*?</tr>", text, re.S).group(0)
    # Autumn: 78 weekdays from 3 Sep to 19 Dec, 156 present; spring: 7 days, 7 of 14
    # sessions absent: this term 50.0%, the year 163 of 170 (95.9%), 4.1% absent.
    assert re.findall(r">([\d.]+%|–)</td>", row) == ["50.0%", "95.9%"]
    assert ">170</td>" in row and "Not persistent" in row
    assert "No marks" in re.search(r"Cole, Cara.*?</tr>", text, re.S).group(0)
    assert "Brown" not in text  # Ben is at school B


def test_the_school_section_counts_in_one_query_whatever_the_roll(
    roll, school_a_roll, login, personas, time_machine
):
    time_machine.move_to(date(2026, 1, 14))
    client = login(personas[Role.HEAD])
    url = f"/schools/{roll['school_a'].pk}/"
    client.get(url)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for n in range(6):
        child = ChildFactory(first_name=f"Extra{n}")
        CareEpisodeFactory(child=child)
        SchoolPlacementFactory(child=child, school=roll["school_a"])
        _days(child, date(2026, 1, 5), date(2026, 1, 9))
    children_refresh_current()
    assert queries() == before
