"""The data officer issues an API token (shown once), the sender's marks arrive through the
API with it, and the officer revokes it; the API's docs page runs under the strict CSP."""

import json

import pytest
from django.test import Client
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.attendance.models import AttendanceMark
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_issue_use_and_revoke_a_token(page, personas, sign_in_with_cookie, assert_accessible):
    SchoolFactory(urn="100001")
    ChildFactory(la_child_id="A1")
    sign_in_with_cookie(personas[Role.DATA_OFFICER])
    page.goto("/imports/")
    page.get_by_role("link", name="API tokens").click()
    assert_accessible(page)
    page.get_by_role("button", name="Issue a token").click()
    page.get_by_role("button", name="Issue the token").click()
    expect(page.get_by_text("Enter who the token is for").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Who is the token for?").fill("Alder Primary")
    page.get_by_label("Which schools may it send marks for?").fill("100001")
    page.get_by_role("button", name="Issue the token").click()
    expect(page.get_by_role("heading", name="API token issued")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#api-token").inner_text()

    mark = {"child": "A1", "urn": "100001", "date": "2025-09-01", "session": "AM", "code": "/"}
    answer = Client().post(
        "/api/v1/attendance/marks",
        json.dumps({"marks": [mark]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert answer.status_code == 200 and AttendanceMark.objects.count() == 1

    page.get_by_role("link", name="Back to the API tokens").click()
    page.get_by_role("link", name="Revoke the token for Alder Primary").click()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("The token for Alder Primary is revoked.")).to_be_visible()
    assert_accessible(page)


def test_the_docs_page_shows_the_endpoint_with_nothing_blocked(page):
    # The page fixture fails the test on any console error: a CSP violation is one.
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/api/v1/attendance/marks")).to_be_visible()
    expect(page.get_by_text("Send attendance marks")).to_be_visible()
