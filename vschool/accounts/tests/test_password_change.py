"""Changing your password from the account page."""

import pytest
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.accounts.tests.test_sign_in import PASSWORD
from vschool.audit.models import AuditEntry

URL = reverse("accounts:password_change")
NEW = "a-long-walk-to-the-coast"


def change(client, old=PASSWORD, new=NEW, confirm=None, **kwargs):
    return client.post(
        URL,
        {
            "old_password": old,
            "new_password1": new,
            "new_password2": new if confirm is None else confirm,
        },
        **kwargs,
    )


@pytest.fixture
def officer(personas, login):
    login(personas[Role.OFFICER])
    return personas[Role.OFFICER]


def test_the_page_uses_password_inputs_and_states_the_length(client, officer):
    page = client.get(URL).content.decode()
    assert "<title>Change your password – " in page
    assert page.count('data-module="govuk-password-input"') == 3
    assert "Must be at least 12 characters" in page


def test_it_changes_the_password_keeps_you_signed_in_and_says_so(client, officer):
    response = change(client, follow=True)
    assert response.redirect_chain == [(reverse("accounts:account"), 302)]
    page = response.content.decode()
    assert "govuk-notification-banner--success" in page
    assert "Your password has been changed" in page
    officer.refresh_from_db()
    assert officer.check_password(NEW) is True
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGED)
    assert (entry.user, entry.object_id, entry.summary) == (
        officer,
        str(officer.pk),
        "Changed their password",
    )
    assert client.get(reverse("accounts:account")).status_code == 200


@pytest.mark.parametrize(
    ("old", "new", "confirm", "field", "message"),
    [
        ("wrong-password", NEW, None, "old_password", "Your current password is not correct"),
        (
            PASSWORD,
            "short-pass",
            None,
            "new_password1",
            "This password is too short. It must contain at least 12 characters.",
        ),
        (PASSWORD, NEW, "a-long-walk-to-the-hills", "new_password2", "The passwords do not match"),
        ("", NEW, None, "old_password", "Enter your current password"),
        (PASSWORD, "", "", "new_password1", "Enter a new password"),
    ],
)
def test_it_refuses_with_a_clear_error(client, officer, old, new, confirm, field, message):
    response = change(client, old, new, confirm)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Change your password" in page
    assert message in response.context["form"].errors[field]
    assert f'href="#id_{field}"' in page
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD) is True
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED).exists()
