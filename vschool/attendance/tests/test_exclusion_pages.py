"""The suspension and provision forms, the Education tab's section, the provision list and
the suspensions report page: who may use them, what they record and show, and query
counts that do not grow with the cohort. (Which role reaches each page: tests/
test_access_by_role.py; what each records: tests/test_audit_coverage.py.)"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.attendance.models import AlternativeProvision, AttendanceMark, Exclusion
from vschool.attendance.signals import exclusion_recorded
from vschool.audit.models import AuditEntry
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import (
    CareEpisodeFactory,
    ChildFactory,
    SchoolPlacementFactory,
)

MONDAY = date(2025, 10, 6)


def _date(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _suspension(**extra):
    data = {
        "kind": "suspension",
        **_date("start", MONDAY),
        **_date("end", MONDAY + timedelta(days=1)),
        "sessions": "4",
        "reason_1": "PP",
        "reason_2": "",
        "reason_3": "",
        "urn": "",
        "upheld": "",
        "notes": "",
    }
    data.update(extra)
    return data


@pytest.fixture
def heard():
    got = []

    def receiver(sender, exclusion, request, **kwargs):
        got.append((exclusion.pk, request is not None))

    exclusion_recorded.connect(receiver, weak=False)
    yield got
    exclusion_recorded.disconnect(receiver)


def test_the_designated_teacher_records_a_suspension(login, personas, roll, heard):
    child = roll["at_a"]
    client = login(personas[Role.DESIGNATED_TEACHER])
    form = client.get(reverse("attendance:exclusion_add", args=[child.pk]))
    assert 'value="permanent"' not in form.content.decode()  # the team records those
    response = client.post(reverse("attendance:exclusion_add", args=[child.pk]), _suspension())
    assert response.status_code == 302
    saved = Exclusion.objects.get(child=child)
    assert (saved.urn, saved.sessions, saved.recorded_by) == ("100001", 4, personas["dt"])
    assert heard == [(saved.pk, True)]
    entry = AuditEntry.objects.get(object_type="attendance.Exclusion", action="created")
    assert entry.ip_address == "127.0.0.1"


def test_the_designated_teacher_may_not_record_a_permanent_exclusion(login, personas, roll):
    client = login(personas[Role.DESIGNATED_TEACHER])
    url = reverse("attendance:exclusion_add", args=[roll["at_a"].pk])
    response = client.post(url, _suspension(kind="permanent"))
    assert response.status_code == 200
    assert "Select kind from the choices given" in response.content.decode()
    assert not Exclusion.objects.exists()


def test_a_bad_suspension_is_shown_again_with_its_errors(login, personas, roll, heard):
    client = login(personas[Role.OFFICER])
    url = reverse("attendance:exclusion_add", args=[roll["at_a"].pk])
    response = client.post(url, _suspension(sessions="5", reason_2="PP"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "This reason is given already" in body
    assert "Sessions missed must be 4 or fewer: 2 school days from the first day" in body
    assert not Exclusion.objects.exists() and heard == []


def test_the_form_warns_at_45_days_and_saves_once_seen(login, personas, roll):
    child = roll["at_a"]
    Exclusion.objects.create(
        child=child, urn="100001", start=date(2025, 9, 8), end=date(2025, 9, 30),
        sessions=86, reason_1="PP",
    )  # fmt: skip
    client = login(personas[Role.OFFICER])
    url = reverse("attendance:exclusion_add", args=[child.pk])
    response = client.post(url, _suspension())
    body = response.content.decode()
    assert "takes the child&#x27;s suspensions in 2025/26 to 45 school days" in body
    assert 'name="limit_seen" value="yes"' in body
    assert Exclusion.objects.count() == 1
    assert client.post(url, _suspension(limit_seen="yes")).status_code == 302
    assert Exclusion.objects.count() == 2


def test_the_team_changes_a_suspension(login, personas, roll):
    child = roll["at_a"]
    item = Exclusion.objects.create(
        child=child, urn="100001", start=MONDAY, end=MONDAY, sessions=2, reason_1="PP"
    )
    client = login(personas[Role.OFFICER])
    url = reverse("attendance:exclusion_edit", args=[child.pk, item.pk])
    seen = _seen(client.get(url))
    data = _suspension(kind="permanent", upheld="true", **_date("end", MONDAY), sessions="2")
    assert client.post(url, {**data, "seen": seen}).status_code == 302
    item.refresh_from_db()
    assert (item.kind, item.upheld) == ("permanent", True)


def _seen(response) -> str:
    return re.search(r'name="seen" value="([0-9a-f]*)"', response.content.decode()).group(1)


def test_a_change_saved_meanwhile_is_not_overwritten(login, personas, roll):
    child = roll["at_a"]
    item = Exclusion.objects.create(
        child=child, urn="100001", start=MONDAY, end=MONDAY, sessions=2, reason_1="PP"
    )
    officer = login(personas[Role.OFFICER])
    url = reverse("attendance:exclusion_edit", args=[child.pk, item.pk])
    seen = _seen(officer.get(url))
    Exclusion.objects.filter(pk=item.pk).update(sessions=1)  # someone else saves first
    data = _suspension(**_date("end", MONDAY), sessions="2", notes="mine")
    response = officer.post(url, {**data, "seen": seen})
    body = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this record" in body
    assert "1 sessions" in body  # what they saved
    item.refresh_from_db()
    assert (item.sessions, item.notes) == (1, "")
    # Saving again, having seen it, saves.
    assert officer.post(url, {**data, "seen": _seen(response)}).status_code == 302
    item.refresh_from_db()
    assert (item.sessions, item.notes) == (2, "mine")


def test_provision_approved_meanwhile_is_not_overwritten(login, personas, roll):
    child = roll["at_a"]
    item = AlternativeProvision.objects.create(
        child=child, provider_name="Oak AP", provider_urn="123456", hours_per_week=10,
        start=date(2030, 9, 9), review_date=date(2030, 10, 1), arranged_by="la",
    )  # fmt: skip
    officer = login(personas[Role.OFFICER])
    url = reverse("attendance:provision_edit", args=[child.pk, item.pk])
    seen = _seen(officer.get(url))
    head = login(personas[Role.HEAD])
    head.post(reverse("attendance:provision_approve", args=[child.pk, item.pk]))
    officer = login(personas[Role.OFFICER])
    data = _provision(
        kind="ap", provider_name="Oak AP", provider_urn="123456", registered="true",
        **_date("start", date(2030, 9, 9)), **_date("review_date", date(2030, 10, 1)),
    )  # fmt: skip
    response = officer.post(url, {**data, "hours_per_week": "20", "seen": seen})
    assert "Someone else changed this record" in response.content.decode()
    item.refresh_from_db()
    assert item.hours_per_week == 10 and item.approved_at is not None


def _provision(**extra):
    data = {
        "kind": "part_time",
        "provider_name": "Riverside Learning Centre",
        "provider_urn": "",
        "provider_ukprn": "",
        "registered": "false",
        "hours_per_week": "12.5",
        **_date("start", MONDAY),
        **_date("review_date", MONDAY + timedelta(weeks=4)),
        "arranged_by": "school",
        "arranged_by_name": "Ms Head",
        "notes": "",
    }
    data.update(extra)
    return data


def test_provision_is_recorded_and_approved_by_the_head(login, personas, roll):
    child = roll["at_a"]
    client = login(personas[Role.OFFICER])
    url = reverse("attendance:provision_add", args=[child.pk])
    refused = client.post(url, _provision(**_date("review_date", MONDAY + timedelta(weeks=8))))
    assert "A part-time timetable must be time-limited" in refused.content.decode()
    assert client.post(url, _provision()).status_code == 302
    item = AlternativeProvision.objects.get(child=child)
    assert item.hours_per_week == Decimal("12.5") and item.flagged_unregistered
    approve = reverse("attendance:provision_approve", args=[child.pk, item.pk])
    assert client.post(approve).status_code == 404  # an officer does not approve
    assert client.get(approve).status_code == 405
    head = login(personas[Role.HEAD])
    assert head.post(approve, {"next": "list"})["Location"] == reverse("attendance:provision")
    item.refresh_from_db()
    assert item.approved_by == personas[Role.HEAD]


def test_the_education_tab_shows_the_suspensions_and_provision(login, personas, roll):
    child = roll["at_a"]
    Exclusion.objects.create(
        child=child, urn="100001", start=MONDAY, end=MONDAY + timedelta(days=2),
        sessions=5, reason_1="PP", reason_2="VA",
    )  # fmt: skip
    AttendanceMark.objects.create(child=child, urn="100001", date=MONDAY, session="AM", code="/")
    AlternativeProvision.objects.create(
        child=child, provider_name="Oak AP", hours_per_week=10, start=date(2025, 9, 8),
        review_date=date(2025, 10, 1), arranged_by="la",
    )  # fmt: skip
    client = login(personas[Role.HEAD])
    body = client.get(reverse("cohort:child_education", args=[child.pk])).content.decode()
    assert "Physical assault against a pupil; Verbal abuse/threatening behaviour" in body
    assert "2.5" in body  # days lost
    assert "Not needed" in body  # three school days: no provision from day 6
    assert "of 45 school days" in body  # this year's total (today's year)
    assert "Unregistered" in body and "Started without approval" in body
    assert "Review overdue" in body  # today is past 1 October 2025
    assert "5 sessions recorded, 0 marked E; marks in the period not E:" in body
    assert "Approve" in body
    # The social worker sees the tables, and no button to record or change.
    social = login(personas[Role.SOCIAL_WORKER])
    body = social.get(reverse("cohort:child_education", args=[child.pk])).content.decode()
    assert "Oak AP" in body and "Record a suspension" not in body and "Approve" not in body


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_children(count, school):
    for _ in range(count):
        child = ChildFactory()
        CareEpisodeFactory(child=child)
        SchoolPlacementFactory(child=child, school=school)
        Exclusion.objects.create(
            child=child, urn=school.urn, school=school, start=date(2025, 12, 18),
            end=date(2026, 1, 5), sessions=6, reason_1="PP",
        )  # fmt: skip
        AlternativeProvision.objects.create(
            child=child, provider_name="Oak AP", hours_per_week=10, start=date(2025, 9, 8),
            review_date=date(2025, 10, 1), arranged_by="la",
        )  # fmt: skip
    children_refresh_current()


@pytest.mark.parametrize(
    "url",
    [
        "cohort:child_education",
        "attendance:provision",
        "attendance:suspensions",
    ],
)
def test_query_counts_do_not_grow_with_the_cohort(login, personas, roll, url):
    client = login(personas[Role.HEAD])
    args = [roll["at_a"].pk] if url == "cohort:child_education" else []
    path = reverse(url, args=args) + ("?year=2025-26" if url == "attendance:suspensions" else "")
    _add_children(2, roll["school_a"])
    few = _count(client, path)
    _add_children(15, roll["school_a"])
    assert _count(client, path) == few


def test_the_provision_list_shows_what_waits(login, personas, roll):
    _add_children(2, roll["school_a"])
    body = login(personas[Role.OFFICER]).get(reverse("attendance:provision")).content.decode()
    assert body.count("Started without approval") == 2
    assert "Approve" not in body  # only the head and deputy


def test_the_suspensions_page_and_its_csv(login, personas, roll):
    _add_children(3, roll["school_a"])
    client = login(personas[Role.HEAD])
    page = client.get(reverse("attendance:suspensions"), {"year": "2025-26"})
    assert "Autumn term" in page.content.decode()
    response = client.get(reverse("attendance:suspensions"), {"year": "2025-26", "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("period,phase,children,suspended_children")
    bad = client.get(reverse("attendance:suspensions"), {"year": "1850"})
    assert bad.status_code == 200 and "Choose an academic year" in bad.content.decode()


def test_the_reports_index_links_the_team_to_both_pages(login, personas):
    staff = login(personas[Role.OFFICER]).get("/reports/").content.decode()
    assert 'href="/attendance/suspensions/"' in staff and 'href="/attendance/provision/"' in staff
    governor = login(personas[Role.GOVERNOR]).get("/reports/").content.decode()
    assert "/attendance/" not in governor
