"""The roll at /children/: filters, search, sort, pagination, exports and query counts."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import (
    CareEpisodeFactory,
    ChildFactory,
    SchoolFactory,
    SchoolPlacementFactory,
)

pytestmark = pytest.mark.django_db


def _names(response):
    return response.content.decode()


def test_it_filters_by_placement_area_and_year_group(login, personas, roll, time_machine):
    time_machine.move_to(date(2025, 10, 1))
    roll["at_b"].episodes.update(placement_la="202")
    children_refresh_current()
    client = login(personas[Role.HEAD])
    assert "Ahmed" in _names(client.get("/children/?area=in"))
    assert "Brown" not in _names(client.get("/children/?area=in"))
    assert "Brown" in _names(client.get("/children/?area=out"))
    # Amira, born 14 Mar 2015, is in Year 6 in 2025/26; Ben (1 Sep 2010) in Year 10.
    page = _names(client.get("/children/?year=6"))
    assert "Ahmed" in page and "Brown" not in page
    page = _names(client.get("/children/?phase=secondary"))
    assert "Brown" in page and "Ahmed" not in page


def test_a_recorded_actual_year_group_wins_over_the_age(login, personas, roll, time_machine):
    time_machine.move_to(date(2025, 10, 1))
    ChildFactory(
        first_name="Held", last_name="Back", date_of_birth=date(2015, 8, 31), year_group_offset=-1
    )
    client = login(personas[Role.HEAD])
    assert "Back, Held" in _names(client.get("/children/?year=5"))
    assert "Back, Held" not in _names(client.get("/children/?year=6"))
    assert "Year 6 (taught in Year 5)" in _names(client.get("/children/?year=5"))


def test_it_searches_by_name_upn_and_la_child_id(login, personas, roll):
    roll["at_a"].upn = "Y816320923290"
    roll["at_a"].save(update_fields=["upn"])
    client = login(personas[Role.HEAD])
    for query in ("amira", "Amira Ahmed", "Y816320923290", roll["at_a"].la_child_id):
        page = _names(client.get("/children/", {"q": query}))
        assert "Ahmed" in page and "Brown" not in page, query
    assert "No children match these filters" in _names(client.get("/children/?q=zzz"))


def test_it_filters_by_school_cohort_sen_and_uasc(login, personas, roll):
    ChildFactory(last_name="Uasc", uasc=True, sen_provision="E", cohort_type="ola")
    client = login(personas[Role.HEAD])
    assert "Brown" in _names(client.get("/children/?school=Birch"))
    assert "Ahmed" not in _names(client.get("/children/?school=Birch"))
    assert "Ahmed" in _names(client.get("/children/?school=100001"))
    for query in ("uasc=yes", "sen=E", "cohort=ola"):
        page = _names(client.get(f"/children/?{query}"))
        assert "Uasc" in page and "Ahmed" not in page, query


def test_it_sorts_on_the_server_both_ways(login, personas, roll):
    client = login(personas[Role.HEAD])
    page = _names(client.get("/children/?sort=dob"))
    assert page.index("Brown, Ben") < page.index("Ahmed, Amira")
    assert 'aria-sort="ascending"' in page
    page = _names(client.get("/children/?sort=-dob"))
    assert page.index("Ahmed, Amira") < page.index("Brown, Ben")


def test_it_paginates_with_a_count(login, personas, settings, db):
    settings.VSCHOOL_ROLL_PAGE_SIZE = 2
    for n in range(5):
        ChildFactory(last_name=f"Child{n}")
    client = login(personas[Role.HEAD])
    page = _names(client.get("/children/"))
    assert "Showing 1 to 2 of 5 children" in page
    page = _names(client.get("/children/?page=3"))
    assert "Showing 5 to 5 of 5 children" in page and "Child4" in page


def test_an_htmx_request_gets_only_the_results(login, personas, roll):
    client = login(personas[Role.HEAD])
    response = client.get("/children/?q=Amira", headers={"HX-Request": "true"})
    assert "Ahmed" in response.content.decode()
    assert "<html" not in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_the_csv_download_is_scoped_and_audited(login, personas, roll):
    client = login(personas[Role.DESIGNATED_TEACHER])
    response = client.get("/children/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "LA child ID"
    assert [row[3] for row in rows[1:]] == ["Ahmed"]
    assert rows[1][4] == "2015-03-14"  # ISO dates
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORTED)
    assert entry.user == personas[Role.DESIGNATED_TEACHER]
    assert "1 children, CSV" in entry.summary


def test_the_xlsx_download_has_real_date_cells(login, personas, roll):
    client = login(personas[Role.HEAD])
    response = client.get("/children/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][4].date() == date(2015, 3, 14)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).count() == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_children(count, school):
    for _ in range(count):
        child = ChildFactory()
        CareEpisodeFactory(child=child, placement_la="202")
        SchoolPlacementFactory(child=child, school=school)
    children_refresh_current()


@pytest.mark.parametrize(
    "url", ["/", "/children/", "/children/?phase=primary&area=out&sort=school", "/schools/"]
)
def test_query_counts_do_not_grow_with_the_cohort(login, personas, roll, url):
    client = login(personas[Role.HEAD])
    school = SchoolFactory()
    _add_children(2, school)
    small = _queries(client, url)
    _add_children(20, SchoolFactory())
    assert _queries(client, url) == small


def test_child_and_school_page_query_counts_do_not_grow(login, personas, roll):
    client = login(personas[Role.HEAD])
    child = roll["at_a"]
    school = roll["school_a"]
    urls = [
        reverse(n, args=[child.pk])
        for n in ("cohort:child", "cohort:child_care", "cohort:child_education")
    ]
    urls.append(reverse("cohort:school", args=[school.pk]))
    before = [_queries(client, url) for url in urls]
    _add_children(15, school)
    for n in range(10):
        CareEpisodeFactory(
            child=child, decom=date(2010, 1, 1 + n), dec=date(2010, 1, 2 + n), rec="X1", rne="P"
        )
        SchoolPlacementFactory(child=child, start=date(2012, 1, 1 + n), end=date(2012, 1, 2 + n))
    assert [_queries(client, url) for url in urls] == before


def test_selected_filters_are_named_in_words_and_each_can_be_removed(login, personas, roll):
    officer = personas[Role.OFFICER]
    page = (
        login(personas[Role.HEAD])
        .get("/children/", {"cohort": "cla", "phase": "secondary", "officer": officer.pk})
        .content.decode()
    )
    assert "Cohort: Looked after now" in page and "Phase: Secondary" in page
    assert f"Education officer: {officer}" in page and "cohort: cla" not in page.lower()
    # Each tag links to the same list without that one filter.
    assert f'href="?phase=secondary&amp;officer={officer.pk}"' in page
    assert f'href="?cohort=cla&amp;officer={officer.pk}"' in page


def test_the_count_says_child_for_one(login, personas, roll):
    page = login(personas[Role.HEAD]).get("/children/", {"q": "Ahmed"}).content.decode()
    assert "Showing 1 to 1 of 1 child<" in page.replace("\n", "")
