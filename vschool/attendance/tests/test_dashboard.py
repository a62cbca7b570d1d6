"""The attendance dashboard (/attendance/): who sees it, its figures against the report
command's, its lists, its empty state and a query count that does not grow with the cohort."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.attendance.dashboard import national_cla
from vschool.attendance.models import AttendanceMark, Exclusion
from vschool.attendance.summaries import refresh_summaries
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

URL = "/attendance/"
FIRST = date(2025, 9, 8)


def _give(child, codes: str, school, start: date = FIRST) -> None:
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            child=child,
            school=school,
            urn=school.urn,
            date=start + timedelta(days=n // 2),
            session="AM" if n % 2 == 0 else "PM",
            code=code,
        )
        for n, code in enumerate(codes.split())
    )
    refresh_summaries([child.pk], start, start + timedelta(days=len(codes.split())))


def _cohort(n: int, school) -> list:
    kids = []
    for i in range(n):
        child = ChildFactory(date_of_birth=date(2012 + i % 6, 3, 3))
        _give(child, "/ " * (10 + i) + "O " * (i % 4) + "I", school)
        kids.append(child)
    return kids


def test_the_address():
    assert reverse("attendance:dashboard") == URL


@pytest.mark.parametrize(
    "role, status",
    [
        (Role.HEAD, 200),
        (Role.DEPUTY, 200),
        (Role.COORDINATOR, 200),
        (Role.OFFICER, 200),
        (Role.DATA_OFFICER, 200),
        (Role.DESIGNATED_TEACHER, 404),
        (Role.SOCIAL_WORKER, 404),
        (Role.GOVERNOR, 404),
    ],
)
def test_who_sees_it(login, personas, role, status):
    assert login(personas[role]).get(URL, {"year": "2025-26"}).status_code == status


def test_the_navigation_link(login, personas):
    assert b'href="/attendance/"' in login(personas[Role.HEAD]).get("/").content
    assert b'href="/attendance/"' not in login(personas[Role.DESIGNATED_TEACHER]).get("/").content


def test_empty_says_when_marks_last_came(login, personas):
    page = login(personas[Role.HEAD]).get(URL, {"year": "2025-26"}).content.decode()
    assert "No attendance marks received yet." in page
    school = SchoolFactory()
    _give(ChildFactory(), "/ /", school, start=date(2024, 3, 4))
    page = login(personas[Role.HEAD]).get(URL, {"year": "2025-26"}).content.decode()
    assert "No marks received since 4 March 2024" in page


def test_figures_match_the_report_command(login, personas):
    school = SchoolFactory(name="Alder Primary School")
    kids = _cohort(6, school)
    Exclusion.objects.create(
        child=kids[0], urn=school.urn, start=FIRST, end=FIRST, sessions=2, reason_1="PA"
    )
    client = login(personas[Role.HEAD])
    page = client.get(URL, {"year": "2025-26"}).content.decode()
    assert "children suspended (16.7%)" in page  # 1 of 6
    assert (
        'role="img"' in page and '<title id="trend-title">Attendance over six years</title>' in page
    )
    response = client.get(URL, {"year": "2025-26", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    phases = [row[1:] for row in rows if row[0] == "Phase"]
    out = io.StringIO()
    call_command("report", "attendance", "--year", "2025-26", "--by", "phase", stdout=out)
    assert phases == list(csv.reader(io.StringIO(out.getvalue())))[1:]
    terms = [row[1:] for row in rows if row[0] == "Term"]
    out = io.StringIO()
    call_command("report", "attendance", "--year", "2025-26", "--by", "term", stdout=out)
    assert terms == list(csv.reader(io.StringIO(out.getvalue())))[1:]


def test_the_lowest_first_with_links(login, personas):
    school = SchoolFactory(name="Alder Primary School")
    kids = _cohort(4, school)
    page = login(personas[Role.HEAD]).get(URL, {"year": "2025-26"}).content.decode()
    # The child with the fewest present sessions and most absences comes first.
    table = page[page.index('id="child-list"') :]
    first_link = table[
        table.index("/children/") : table.index("/attendance/", table.index("/children/"))
    ]
    assert first_link == f"/children/{kids[3].pk}"
    assert "Alder Primary School" in table
    persistent = login(personas[Role.HEAD]).get(URL, {"year": "2025-26", "list": "severe"})
    assert "No children severely absent in this period." in persistent.content.decode()


def test_bad_filters_are_named_not_failed(login, personas):
    page = login(personas[Role.HEAD]).get(
        URL, {"year": "2025-27", "urn": "abc", "phase": "x", "cohort": "y", "period": "z"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    for message in (
        "Enter an academic year from",
        "Enter a school&#x27;s URN: 6 to 8 digits",
        "Choose a phase from the list",
        "Choose all children or the 12-month cohort",
        "Choose the whole year or a term",
    ):
        assert message in text


def test_the_national_figures():
    found = national_cla(2024)
    assert str(found["attendance"].value) == "91.0"  # 100 - 9.0 overall absence, 2024/25
    assert found["persistent"].same_year and found["persistent"].period == "2024/25"
    later = national_cla(2030)
    assert later["severe"].period == "2024/25" and not later["severe"].same_year
    assert national_cla(2010)["attendance"] is None


def test_queries_do_not_grow_with_the_cohort(login, personas, django_assert_max_num_queries):
    school = SchoolFactory()
    _cohort(3, school)
    client = login(personas[Role.HEAD])
    client.get(URL, {"year": "2025-26"})  # warm the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(URL, {"year": "2025-26"})
    _cohort(30, SchoolFactory())
    with CaptureQueriesContext(connection) as large:
        client.get(URL, {"year": "2025-26", "cohort": "12-month", "phase": "secondary"})
    assert len(large.captured_queries) <= len(small.captured_queries)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL, {"year": "2025-26", "period": "autumn", "list": "persistent"})
