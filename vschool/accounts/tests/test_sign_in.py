"""Sign in, lockout after repeated failures, and sign out (screens.md 2.1)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry

PASSWORD = "correct-horse-battery"
ONE_MESSAGE = "Enter a correct username and password"


def sign_in(client, username, password=PASSWORD, *, address="127.0.0.1", **data):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password, **data},
        REMOTE_ADDR=address,
    )


def test_the_page_offers_username_and_a_password_input(client, db):
    response = client.get(reverse("accounts:login"))
    page = response.content.decode()
    assert "<title>Sign in – Anytown Virtual School</title>" in page
    assert 'autocomplete="username"' in page
    assert 'data-module="govuk-password-input"' in page
    assert 'autocomplete="current-password"' in page
    assert "maxlength" not in page


def test_it_signs_in_and_records_it(client, personas):
    response = sign_in(client, "officer")
    assert response.status_code == 302
    assert response.url == reverse("pages:home")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGNED_IN)
    assert entry.user == personas[Role.OFFICER]
    assert entry.role == Role.OFFICER
    assert entry.ip_address == "127.0.0.1"


def test_it_goes_on_to_a_safe_next_page_only(client, personas):
    assert sign_in(client, "officer", next="/account/").url == "/account/"
    client.post(reverse("accounts:logout"))
    assert sign_in(client, "officer", next="https://evil.example/").url == reverse("pages:home")


@pytest.mark.parametrize("username", ["officer", "nobody"])
def test_a_wrong_password_and_an_unknown_username_get_one_and_the_same_message(
    client, personas, username
):
    response = sign_in(client, username, "not-the-password")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(ONE_MESSAGE) == 1
    assert "<title>Error: Sign in" in page
    assert response.context["form"].errors.as_data()["__all__"][0].message == ONE_MESSAGE
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.username, entry.user) == (
        AuditEntry.Action.SIGN_IN_FAILED,
        username,
        None,
    )


@pytest.mark.parametrize("username", ["officer", "nobody"])
def test_the_sixth_wrong_attempt_is_locked_out_and_says_how_long_to_wait(
    client, personas, username
):
    """django-axes locks the username, and the address, on reaching AXES_FAILURE_LIMIT (5).

    The fifth failure already gets the lockout page; the sixth, and any attempt in the next
    15 minutes, stays locked out. An unknown username is treated the same, so the page
    does not tell anyone which usernames exist.
    """
    for _ in range(4):
        assert sign_in(client, username, "not-the-password").status_code == 200
    assert sign_in(client, username, "not-the-password").status_code == 429
    response = sign_in(client, username, "not-the-password")
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many attempts to sign in" in page
    assert "Wait 15 minutes, then" in page
    assert ONE_MESSAGE not in page
    assert response["Retry-After"] == "900"
    assert (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.SIGN_IN_FAILED, username=username
        ).count()
        == 6
    )


def test_the_lockout_holds_even_with_the_right_password(client, personas):
    for _ in range(6):
        sign_in(client, "officer", "not-the-password")
    response = sign_in(client, "officer")
    assert response.status_code == 429
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SIGNED_IN).exists()


def test_one_password_tried_across_many_accounts_from_one_address_is_locked(client, personas):
    """Counting by username and address together let one guess go to every account."""
    here = {"address": "203.0.113.7"}
    for username in ("officer", "head", "deputy", "dt"):
        assert sign_in(client, username, "Summer2026!", **here).status_code == 200
    assert sign_in(client, "social", "Summer2026!", **here).status_code == 429
    assert sign_in(client, "governor", **here).status_code == 429
    assert sign_in(client, "governor", address="198.51.100.2").status_code == 302


def test_one_account_guessed_from_many_addresses_is_locked(client, personas):
    for n in range(1, 5):
        response = sign_in(client, "officer", "Summer2026!", address=f"203.0.113.{n}")
        assert response.status_code == 200
    assert sign_in(client, "officer", "Summer2026!", address="203.0.113.5").status_code == 429
    assert sign_in(client, "officer", address="198.51.100.2").status_code == 429
    assert sign_in(client, "head", address="198.51.100.2").status_code == 302


def test_signing_in_to_ones_own_account_does_not_reset_the_address(client, personas):
    """Or anyone with an account could keep guessing others' passwords between sign-ins."""
    for username in ("head", "deputy", "dt", "social"):
        sign_in(client, username, "Summer2026!")
    assert sign_in(client, "officer").status_code == 302
    client.post(reverse("accounts:logout"))
    assert sign_in(client, "governor", "Summer2026!").status_code == 429


def test_sign_out_is_post_only_and_recorded(client, personas, login):
    login(personas[Role.OFFICER])
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse("accounts:login")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGNED_OUT)
    assert entry.username == "officer"
    assert client.get(reverse("accounts:account")).url.startswith(reverse("accounts:login"))


def test_signing_out_when_already_signed_out_goes_to_sign_in(client, db):
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse("accounts:login")
    assert not AuditEntry.objects.exists()


def test_in_demo_mode_the_page_lists_every_demo_sign_in(client, db, settings):
    settings.DEMO_MODE = True
    page = client.get("/sign-in/").content.decode()
    for role in Role:
        assert f"<code>{role.value}</code> ({role.label.lower()})" in page


def test_a_username_longer_than_any_account_gets_the_wrong_details_message(client, db):
    response = client.post("/sign-in/", {"username": "x" * 5000, "password": "whatever"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_signed_in_pages_carry_the_timeout_warning_with_the_sessions_timings(
    client, personas, login
):
    assert "app-timeout-warning" not in client.get("/sign-in/").content.decode()
    login(personas[Role.SOCIAL_WORKER])
    page = client.get(reverse("accounts:account")).content.decode()
    assert 'data-session-seconds="1800" data-warning-seconds="300"' in page
    assert 'data-keep-alive-url="/account/session/"' in page


def test_stay_signed_in_restarts_the_sessions_clock(client, personas, login):
    login(personas[Role.SOCIAL_WORKER])
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert client.get(reverse("accounts:keep_alive")).status_code == 204
        expires = client.session.get_expiry_date()
    assert expires > timezone.now() + timedelta(minutes=45)


def test_after_the_session_ends_stay_signed_in_is_sent_to_sign_in(client, personas, login):
    login(personas[Role.SOCIAL_WORKER])
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get(reverse("accounts:keep_alive"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_signing_out_for_a_timeout_says_why_on_the_sign_in_page(client, personas, login):
    login(personas[Role.SOCIAL_WORKER])
    response = client.post(reverse("accounts:logout"), {"timed_out": "1"}, follow=True)
    assert (
        "You were signed out because you had not done anything for 30 minutes. "
        "Sign in again to continue" in response.content.decode()
    )
