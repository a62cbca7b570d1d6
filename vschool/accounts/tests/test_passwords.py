"""Passwords that are easy to guess are refused, with the service's own words (issue #11)."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from vschool.accounts.models import Role
from vschool.accounts.passwords import TOO_EASY, StrengthValidator
from vschool.accounts.tests.factories import UserFactory


@pytest.mark.parametrize(
    "password",
    ["123456789012", "aaaaaaaaaaaa", "qwertyuiop123", "Password1234!", "abcdefghijklmnop"],
)
def test_long_but_guessable_passwords_are_refused(db, password):
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password(password, UserFactory(role=Role.OFFICER))
    assert TOO_EASY in refused.value.messages


def test_the_users_own_details_count_as_easy_to_guess(db):
    user = UserFactory(username="mellis", first_name="Margaret", last_name="Thistlewood")
    StrengthValidator().validate("thistlewood2026", None)
    with pytest.raises(ValidationError, match="too easy to guess"):
        StrengthValidator().validate("thistlewood2026", user)


@pytest.mark.parametrize(
    "password",
    ["marmalade kettle orbit", "a-long-walk-to-the-coast", "x" * 20 + " tulip mango" * 9],
)
def test_a_passphrase_is_accepted(db, password):
    password_validation.validate_password(password, UserFactory(role=Role.OFFICER))


def test_the_password_rules_mention_strength():
    assert any(
        "hard to guess" in text for text in password_validation.password_validators_help_texts()
    )
