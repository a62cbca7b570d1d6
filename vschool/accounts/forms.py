"""Sign-in and account forms in GOV.UK style."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from vschool.pages.forms import GovukForm


class SignInForm(AuthenticationForm):
    """Username and password; one message whether the username or the password is wrong."""

    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "Enter a correct username and password",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"class": "govuk-input", "autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["password"].widget.attrs.update(
            {"class": "govuk-input govuk-password-input__input govuk-js-password-input-input",
             "autocomplete": "current-password"}
        )


__all__ = ["SignInForm", "GovukForm", "forms"]
