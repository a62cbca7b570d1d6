"""The session timeout warning (WCAG 2.2.1): a modal some seconds before the
session ends, "Stay signed in" restarts the clock, and with no answer the page signs out.
The session lasts 12 seconds here, with the warning for the last 9."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def short_session(settings):
    settings.SESSION_COOKIE_AGE = 12
    settings.VSCHOOL_SESSION_WARNING_SECONDS = 9


def test_the_warning_keeps_the_session_alive_or_signs_out(
    page, personas, sign_in_with_cookie, assert_accessible, short_session
):
    # Given the officer on a page, with a few seconds of session left
    sign_in_with_cookie(personas[Role.OFFICER])
    page.goto("/account/")
    link = page.get_by_role("link", name="Change your password")
    link.focus()
    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_hidden()

    # When the warning comes, it is a modal with the focus in it and passes axe
    expect(dialog).to_be_visible(timeout=8000)
    expect(dialog).to_contain_text(re.compile(r"we will sign you out in \d+ seconds"))
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    assert_accessible(page)
    expiry_before = Session.objects.get().expire_date

    # Then "Stay signed in" restarts the session's clock and gives the focus back
    with page.expect_response("**/account/session/") as keep_alive:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert keep_alive.value.status == 204
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    assert Session.objects.get().expire_date > expiry_before

    # And Escape also stays signed in
    expect(dialog).to_be_visible(timeout=8000)
    with page.expect_response("**/account/session/"):
        page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # When nobody answers, the page signs out and says why
    expect(dialog).to_be_visible(timeout=8000)
    expect(page).to_have_url(re.compile(r"/sign-in/$"), timeout=15000)
    expect(
        page.get_by_text("You were signed out because you had not done anything")
    ).to_be_visible()
    assert_accessible(page)
    page.goto("/account/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/account/$"))


def test_sign_out_in_the_warning_signs_out_at_once(
    page, personas, sign_in_with_cookie, short_session
):
    sign_in_with_cookie(personas[Role.GOVERNOR])
    page.goto("/account/")
    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=8000)
    dialog.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("You were signed out because")).to_have_count(0)
