"""An education officer works a suspension's alert: opens it from the alerts list, follows
the link to the child's attendance and comes back, assigns it, adds a note and closes it
with a reason. axe-core finds nothing wrong on the list or the alert."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.alerts.models import Alert
from vschool.attendance.models import Exclusion
from vschool.attendance.signals import exclusion_recorded

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_works_a_suspensions_alert(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    child = roll["at_a"]  # the officer persona's child
    exclusion = Exclusion.objects.create(
        child=child,
        urn="100001",
        start=date(2025, 11, 27),
        end=date(2025, 11, 28),
        sessions=4,
        reason_1="PP",
    )
    exclusion_recorded.send(sender=Exclusion, exclusion=exclusion, request=None)
    alert = Alert.objects.get()
    officer, head = personas[Role.OFFICER], personas[Role.HEAD]
    sign_in_with_cookie(officer)

    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    assert_accessible(page)
    page.get_by_role("link", name="Suspension or permanent exclusion").click()
    expect(page.get_by_text("4 sessions missed", exact=False).first).to_be_visible()
    assert_accessible(page)

    base = page.url.split("/alerts/")[0]
    page.get_by_role("main").get_by_role("link", name=re.compile("^Attendance of")).click()
    expect(page).to_have_url(f"{base}/children/{child.pk}/attendance/")
    expect(page.get_by_role("heading", name=re.compile("^Attendance in"))).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suspension or permanent exclusion")

    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("alert").get_by_text("Alert acknowledged")).to_be_visible()
    page.get_by_label("Assign to").select_option(label=str(head))
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("alert").get_by_text(f"Alert assigned to {head}")).to_be_visible()
    page.get_by_label("Note").fill("Rang the school: she is back on Monday")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("alert").get_by_text("Note added")).to_be_visible()
    page.get_by_role("button", name="Close alert").click()
    expect(page.get_by_text("Enter why you are closing the alert").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why are you closing the alert?").fill("Back at school; PEP updated")
    page.get_by_role("button", name="Close alert").click()
    expect(page.get_by_role("alert").get_by_text("Alert closed")).to_be_visible()
    expect(page.get_by_text("Rang the school: she is back on Monday")).to_be_visible()
    assert_accessible(page)

    alert.refresh_from_db()
    assert (alert.status, alert.assigned_to, alert.closed_by) == ("closed", head, officer)
    assert alert.close_reason == "Back at school; PEP updated"
    page.goto("/alerts/")
    expect(page.get_by_text("No open alerts.")).to_be_visible()
