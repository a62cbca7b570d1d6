"""The alerts list and an alert's page: filters, scope, the team's actions and the social
worker's reading, and the list's queries whatever the number of alerts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.alerts.models import Alert, AlertEvent
from vschool.audit.models import AuditEntry
from vschool.cohort.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def _alert(child, kind="exclusion", key="1", status="open", **fields):
    return Alert.objects.create(
        kind=kind,
        child=child,
        key=key,
        raised_on=date(2025, 11, 28),
        due=date(2025, 12, 1),
        facts="Suspension from URN 100001, 28 November 2025: 2 sessions missed.",
        status=status,
        **fields,
    )


def test_no_open_alerts_says_so(login, personas, roll):
    page = login(personas[Role.OFFICER]).get("/alerts/").content.decode()
    assert "No open alerts." in page


def test_the_list_shows_open_alerts_by_default_and_filters(login, personas, roll):
    officer = personas[Role.OFFICER]
    _alert(roll["at_a"], assigned_to=officer)
    _alert(roll["at_b"], kind="no_school", key="2025-11-28")
    _alert(roll["at_b"], key="2", status="closed")
    client = login(officer)
    page = client.get("/alerts/").content.decode()
    assert "Showing 1 to 2 of 2 alerts" in page
    assert "Ahmed, Amira" in page and "Brown, Ben" in page
    assert "Showing 1 to 1 of 1 alert" in client.get("/alerts/?status=closed").content.decode()
    assert "of 3 alerts" in client.get("/alerts/?status=all").content.decode()
    mine = client.get("/alerts/?assigned=me").content.decode()
    assert "Ahmed, Amira" in mine and "Brown, Ben" not in mine
    kind = client.get("/alerts/?kind=no_school").content.decode()
    assert "Brown, Ben" in kind and "Ahmed, Amira" not in kind
    by_child = client.get(f"/alerts/?child={roll['at_a'].reference}").content.decode()
    assert "Ahmed, Amira" in by_child and "Brown, Ben" not in by_child
    assert "Remove this filter" in by_child
    wrong = client.get("/alerts/?child=Amira").content.decode()
    assert "Enter a child reference like VS-00012" in wrong


def test_a_social_worker_reads_only_their_childrens_alerts(login, personas, roll):
    mine, other = _alert(roll["at_a"]), _alert(roll["at_b"])
    client = login(personas[Role.SOCIAL_WORKER])
    page = client.get("/alerts/").content.decode()
    assert "Ahmed, Amira" in page and "Brown, Ben" not in page
    detail = client.get(f"/alerts/{mine.pk}/").content.decode()
    assert "Acknowledge" not in detail and "Close alert" not in detail
    assert client.get(f"/alerts/{other.pk}/").status_code == 404
    refused = client.post(f"/alerts/{mine.pk}/", {"action": "acknowledge"})
    assert refused.status_code == 404
    mine.refresh_from_db()
    assert mine.acknowledged_at is None


@pytest.mark.parametrize("role", [Role.DESIGNATED_TEACHER, Role.GOVERNOR])
def test_schools_and_governors_are_not_shown_alerts(login, personas, roll, role):
    alert = _alert(roll["at_a"])
    client = login(personas[role])
    assert client.get("/alerts/").status_code == 404
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404


def test_the_team_acknowledge_assign_note_and_close(login, personas, roll):
    alert = _alert(roll["at_a"])
    officer, head = personas[Role.OFFICER], personas[Role.HEAD]
    client = login(officer)
    url = f"/alerts/{alert.pk}/"
    page = client.get(url).content.decode()
    assert f'href="/children/{roll["at_a"].pk}/"' in page
    assert f'href="/children/{roll["at_a"].pk}/attendance/"' in page
    assert "<title>Suspension or permanent exclusion – A.A. VS-" in page
    assert client.post(url, {"action": "acknowledge"}).status_code == 302
    response = client.post(url, {"action": "assign", "to": head.pk}, follow=True)
    assert f"Alert assigned to {head}" in response.content.decode()
    assert client.post(url, {"action": "note", "text": "Rang the school"}).status_code == 302
    again = client.post(url, {"action": "close", "reason": ""})
    assert again.status_code == 200
    assert "Enter why you are closing the alert" in again.content.decode()
    assert "<title>Error: " in again.content.decode()
    closed = client.post(url, {"action": "close", "reason": "Back in school"}, follow=True)
    page = closed.content.decode()
    assert "Alert closed" in page and "Back in school" in page and "Close alert" not in page
    alert.refresh_from_db()
    assert (alert.status, alert.assigned_to, alert.closed_by) == ("closed", head, officer)
    assert alert.acknowledged_by == officer and alert.close_reason == "Back in school"
    assert list(alert.events.order_by("at", "pk").values_list("kind", "text")) == [
        (AlertEvent.Kind.ACKNOWLEDGED, ""),
        (AlertEvent.Kind.ASSIGNED, f"Assigned to {head}"),
        (AlertEvent.Kind.NOTE, "Rang the school"),
        (AlertEvent.Kind.CLOSED, "Back in school"),
    ]
    changes = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED, child_id=roll["at_a"].pk)
    assert changes.count() == 4
    late = client.post(url, {"action": "note", "text": "Too late"}, follow=True)
    assert "This alert has already been closed" in late.content.decode()
    assert not alert.events.filter(text="Too late").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "assign", "to": ""}, "Choose who to assign the alert to"),
        ({"action": "assign", "to": "999999"}, "Choose a member of the Virtual School team"),
        ({"action": "note", "text": ""}, "Enter the note"),
        ({"action": "note", "text": "x" * 2001}, "Note must be 2,000 characters or fewer"),
        ({"action": "shout"}, "Choose what to do with the alert"),
    ],
)
def test_bad_input_is_said_plainly(login, personas, roll, data, message):
    alert = _alert(roll["at_a"])
    response = login(personas[Role.OFFICER]).post(f"/alerts/{alert.pk}/", data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_social_worker_cannot_be_assigned(login, personas, roll):
    alert = _alert(roll["at_a"])
    client = login(personas[Role.OFFICER])
    data = {"action": "assign", "to": personas[Role.SOCIAL_WORKER].pk}
    assert "Choose a member" in client.post(f"/alerts/{alert.pk}/", data).content.decode()


def test_the_navigation_badge_counts_my_open_alerts(login, personas, roll):
    officer = personas[Role.OFFICER]
    _alert(roll["at_a"], assigned_to=officer)
    _alert(roll["at_b"], assigned_to=officer, key="2", status="closed")
    page = login(officer).get("/").content.decode()
    assert '<span class="moj-notification-badge">1<' in page


def test_the_lists_queries_do_not_grow_with_the_number_of_alerts(login, personas, roll):
    client = login(personas[Role.OFFICER])

    def queries(n):
        for i in range(n):
            _alert(ChildFactory(), key=f"k{i}-{n}", assigned_to=personas[Role.HEAD])
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/alerts/").status_code == 200
        return len(captured)

    assert queries(2) == queries(40)
