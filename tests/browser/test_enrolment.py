"""The head adds a designated teacher and hands over a link; the teacher follows it, chooses
a password, sets up an authenticator app and saves the recovery codes (issue #11); axe on
every page on the way."""

import re
from base64 import b32decode

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.accounts.tests.test_two_factor import app_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_teacher_sets_up_their_sign_in_from_a_link(
    page, browser, client, live_server, personas, sign_in_with_cookie, assert_accessible, settings
):
    settings.VSCHOOL_REQUIRE_2FA = True
    settings.VSCHOOL_BASE_URL = live_server.url
    head = personas[Role.HEAD]
    device = app_for(head)
    sign_in_with_cookie(head)
    # The head has passed two-factor in this session: django-otp keeps the device in it.
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    # Given the head on the Users page, when they add a designated teacher
    page.goto("/account/")
    page.get_by_role("link", name="Manage users").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add a user").click()
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Email address").fill("sam.okafor@school.example.org")
    page.get_by_label("Username").fill("sam.okafor")
    page.get_by_label("Designated teacher").check()
    assert_accessible(page)
    page.get_by_role("button", name="Add user").click()

    # Then they see the new user, and a link to hand over
    expect(page.get_by_text("Sam Okafor has been added")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Show a link to give them").click()
    expect(page.get_by_role("heading", name="Give this link to Sam Okafor")).to_be_visible()
    assert_accessible(page)
    link = page.locator("#enrolment-link").inner_text()

    # When the teacher opens it in their own browser and chooses a password
    teacher = browser.new_context(base_url=live_server.url).new_page()
    teacher.goto(link)
    expect(teacher).to_have_title(re.compile("^Create a password"))
    assert_accessible(teacher)
    teacher.get_by_label("New password", exact=True).fill("marmalade kettle orbit")
    teacher.get_by_label("Confirm new password").fill("marmalade kettle orbit")
    teacher.get_by_role("button", name="Continue").click()

    # Then they set up their app with the key shown as text, and see the recovery codes once
    expect(teacher).to_have_title(re.compile("^Set up two-factor authentication"))
    assert_accessible(teacher)
    secret = teacher.locator("#secret").inner_text().replace(" ", "")
    code = f"{totp(b32decode(secret)):06d}"
    teacher.get_by_label("Enter the 6-digit code from your authenticator app").fill(code)
    teacher.get_by_role("button", name="Continue").click()
    expect(teacher.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert_accessible(teacher)
    teacher.get_by_role("button", name="I have saved my codes, continue").click()
    expect(
        teacher.get_by_role("heading", name="Two-factor authentication is set up")
    ).to_be_visible()
    teacher.get_by_role("button", name="Continue").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Your school's children and PEPs")

    # And the link does not work a second time
    teacher.goto(link)
    expect(
        teacher.get_by_role("heading", name="This link has expired or has already been used")
    ).to_be_visible()
    assert_accessible(teacher)
    teacher.context.close()
