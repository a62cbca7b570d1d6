"""The audit log page: who saw or changed what (screens.md 2.12)."""

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.accounts.tests.factories import UserFactory
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record

URL = reverse("accounts:audit")


@pytest.fixture
def head(personas, login):
    login(personas[Role.HEAD])
    return personas[Role.HEAD]


def entries_shown(response) -> list[AuditEntry]:
    return list(response.context["page"].object_list)


@pytest.mark.parametrize("role", [Role.HEAD, Role.DEPUTY])
def test_the_head_and_deputy_see_the_log(client, personas, login, role):
    login(personas[role])
    response = client.get(URL)
    assert response.status_code == 200
    assert "<title>Audit log – " in response.content.decode()


@pytest.mark.parametrize(
    "role",
    [
        Role.COORDINATOR,
        Role.OFFICER,
        Role.DATA_OFFICER,
        Role.DESIGNATED_TEACHER,
        Role.SOCIAL_WORKER,
        Role.GOVERNOR,
    ],
)
def test_everyone_else_gets_page_not_found(client, personas, login, role):
    login(personas[role])
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"format": "csv"}).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).exists()


def test_a_row_shows_when_who_role_action_record_and_address(client, head, personas, roll):
    child = roll["at_a"]
    with time_machine.travel(datetime(2026, 3, 3, 9, 5, tzinfo=UTC), tick=False):
        audit_record(
            user=personas[Role.OFFICER],
            action=AuditEntry.Action.VIEWED,
            obj=child,
            summary="Viewed overview",
        )
    AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED).update(ip_address="10.0.0.7")
    page = client.get(URL, {"child": child.pk}).content.decode()
    assert '<time datetime="2026-03-03T09:05:00+00:00">3 Mar 2026, 9:05am</time>' in page
    officer = personas[Role.OFFICER]
    assert f">{officer.get_full_name()} (officer)</td>" in page  # the person, by name
    assert ">Education officer</td>" in page
    assert ">Viewed</td>" in page
    assert f'href="{reverse("cohort:child", args=[child.pk])}">{child.reference}</a>' in page
    assert f"Child {child.pk}<" in page and "cohort.Child" not in page  # the record, in words
    assert "Viewed overview" in page
    assert ">10.0.0.7</td>" in page


def test_the_time_is_shown_in_uk_time(client, head):
    with time_machine.travel(datetime(2026, 7, 1, 16, 30, tzinfo=UTC), tick=False):
        audit_record(user=head, action=AuditEntry.Action.SIGNED_IN)
    assert "1 Jul 2026, 5:30pm" in client.get(URL).content.decode()


def test_viewing_a_child_record_appears_in_the_log(client, head, roll):
    """Depends on the child record page (cohort) writing its VIEWED entry."""
    child = roll["at_a"]
    assert client.get(reverse("cohort:child", args=[child.pk])).status_code == 200
    response = client.get(URL, {"child": child.pk})
    shown = entries_shown(response)
    assert [(e.action, e.username, e.child_id) for e in shown] == [
        (AuditEntry.Action.VIEWED, "head", child.pk)
    ]
    assert f'href="/children/{child.pk}/"' in response.content.decode()


@pytest.fixture
def mixed_log(head, personas, roll):
    """Entries by three people about two children and no child, on two days."""
    AuditEntry.objects.all().delete()  # the head's own sign-in is not part of this log
    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False):
        audit_record(user=personas[Role.OFFICER], action=AuditEntry.Action.VIEWED, obj=roll["at_a"])
        audit_record(user=None, username="intruder", action=AuditEntry.Action.SIGN_IN_FAILED)
    with time_machine.travel(datetime(2026, 3, 3, 12, 0, tzinfo=UTC), tick=False):
        audit_record(user=personas[Role.DEPUTY], action=AuditEntry.Action.CHANGED, obj=roll["at_b"])
        audit_record(user=personas[Role.OFFICER], action=AuditEntry.Action.EXPORTED)
    return roll


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["officer", "deputy", "intruder", "officer"]),
        ({"user": "OFFICER"}, ["officer", "officer"]),
        ({"action": "sign_in_failed"}, ["intruder"]),
        ({"date_from_0": "3", "date_from_1": "3", "date_from_2": "2026"}, ["officer", "deputy"]),
        ({"date_to_0": "2", "date_to_1": "3", "date_to_2": "2026"}, ["intruder", "officer"]),
        (
            {"user": "officer", "date_from_0": "3", "date_from_1": "3", "date_from_2": "2026"},
            ["officer"],
        ),
    ],
)
def test_the_filters(client, head, mixed_log, params, expected):
    response = client.get(URL, params)
    assert [entry.username for entry in entries_shown(response)] == expected


@pytest.mark.parametrize("reference", ["VS-{pk:05d}", "vs-{pk}", "{pk}", " VS{pk:05d} "])
def test_the_child_filter_takes_a_reference_or_an_id(client, head, mixed_log, reference):
    child = mixed_log["at_b"]
    response = client.get(URL, {"child": reference.format(pk=child.pk)})
    assert [(e.username, e.child_id) for e in entries_shown(response)] == [("deputy", child.pk)]


def test_a_selected_filter_shows_as_a_tag_that_removes_it(client, head, mixed_log):
    child = mixed_log["at_a"]
    response = client.get(URL, {"child": child.pk, "action": "viewed", "page": "1"})
    page = response.content.decode()
    assert "Selected filters" in page
    assert f'<a class="moj-filter__tag" href="?child={child.pk}">' in page
    assert f"Remove this filter</span> {child.reference}</a>" in page
    assert "Remove this filter</span> Viewed</a>" in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"child": "Amira"}, "child", "Enter a child reference like VS-00012"),
        (
            {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"},
            "date_from",
            "Date from must be a real date",
        ),
        (
            {
                "date_from_0": "3",
                "date_from_1": "3",
                "date_from_2": "2026",
                "date_to_0": "2",
                "date_to_1": "3",
                "date_to_2": "2026",
            },
            "date_to",
            "Date to must be the same as or after date from",
        ),
    ],
)
def test_a_filter_it_cannot_use_shows_an_error(client, head, mixed_log, params, field, message):
    response = client.get(URL, params)
    page = response.content.decode()
    assert response.context["form"].errors[field] == [message]
    assert "<title>Error: Audit log" in page
    assert "govuk-error-summary" in page


def test_no_matches_says_so(client, head, mixed_log):
    page = client.get(URL, {"user": "nobody"}).content.decode()
    assert "No entries match" in page
    assert "Download as CSV" not in page
    assert "<table" not in page


def test_it_pages_fifty_at_a_time_and_keeps_the_filters(client, head):
    AuditEntry.objects.bulk_create(
        AuditEntry(username="officer", action=AuditEntry.Action.VIEWED) for _ in range(1204)
    )
    response = client.get(URL, {"action": "viewed"})
    page = response.content.decode()
    assert "Showing 1 to 50 of 1,204 entries" in page
    assert '<nav class="govuk-pagination" aria-label="Pagination">' in page
    assert 'href="?action=viewed&amp;page=2" rel="next"' in page
    assert 'aria-label="Page 25"' in page
    # Reading the log is recorded in it too: the head's first page is entry 1,205.
    response = client.get(URL, {"action": "viewed", "page": "25"})
    assert "Showing 1,201 to 1,205 of 1,205 entries" in response.content.decode()


def test_the_page_runs_the_same_queries_for_3_or_30_entries(client, head, personas, roll):
    def queries_for(count):
        AuditEntry.objects.all().delete()
        for _ in range(count):
            audit_record(
                user=personas[Role.OFFICER], action=AuditEntry.Action.VIEWED, obj=roll["at_a"]
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    assert queries_for(3) == queries_for(30)


def test_the_csv_download_is_streamed_with_iso_dates_and_is_logged(client, head, mixed_log):
    response = client.get(URL, {"user": "officer", "format": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["When", "Username", "Role", "Action"]
    assert [row[:4] for row in rows[1:]] == [
        ["2026-03-03T12:00:00+00:00", "officer", "officer", "exported"],
        ["2026-03-02T12:00:00+00:00", "officer", "officer", "viewed"],
    ]
    assert rows[2][6] == mixed_log["at_a"].reference
    export = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED, username="head").get()
    assert export.summary == "Downloaded the audit log (CSV) with filters: user=officer"


def test_the_csv_will_not_run_a_formula_typed_as_a_username(client, head):
    audit_record(
        user=None,
        username='=HYPERLINK("http://evil.example")',
        action=AuditEntry.Action.SIGN_IN_FAILED,
    )
    response = client.get(URL, {"action": "sign_in_failed", "format": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(content)))[1][1] == '\'=HYPERLINK("http://evil.example")'


def test_the_page_links_to_the_csv_with_the_same_filters(client, head, mixed_log):
    page = client.get(URL, {"action": "viewed", "page": "1"}).content.decode()
    assert 'href="?action=viewed&amp;format=csv"' in page


def test_a_record_is_named_in_words_and_a_deleted_account_by_its_username(client, head, personas):
    from vschool.accounts.presenters import record_name

    assert record_name("peps.Pep", "45") == "PEP 45"
    assert record_name("cohort.CareEpisode", "12") == "Care episode 12"
    assert record_name("", "") == ""
    gone = UserFactory(username="leaver", first_name="Lee", last_name="Ver")
    audit_record(user=gone, action=AuditEntry.Action.SIGNED_IN)
    assert ">Lee Ver (leaver)</td>" in client.get(URL).content.decode()
    gone.delete()
    assert ">leaver</td>" in client.get(URL).content.decode()
