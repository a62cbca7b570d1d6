"""Sign-in, two-factor, password and audit-log filter forms in GOV.UK style."""

import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from vschool.accounts.demo_accounts import demo_sign_in_refused
from vschool.audit.models import AuditEntry
from vschool.kit.forms import GovukDateField, GovukForm

_PASSWORD_CLASSES = "govuk-input govuk-password-input__input govuk-js-password-input-input"


def _style_password(field: forms.Field, autocomplete: str) -> None:
    field.widget.attrs = {
        "class": _PASSWORD_CLASSES,
        "autocomplete": autocomplete,
        "spellcheck": "false",
        "autocapitalize": "none",
    }


class SignInForm(AuthenticationForm):
    """Username and password; one message whether the username or the password is wrong."""

    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "Enter a correct username and password",
        "demo_refused": "Demonstration sign-ins are turned off. Sign in with your own "
        "username and password",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"class": "govuk-input", "autocomplete": "username", "spellcheck": "false"}
        )
        # No autofocus (it moves screen readers past the page) and no maxlength (it hides the error).
        for attribute in ("autofocus", "maxlength"):
            self.fields["username"].widget.attrs.pop(attribute, None)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        _style_password(self.fields["password"], "current-password")

    def confirm_login_allowed(self, user) -> None:
        """Refuse demo users, and the public demo password, outside demo mode."""
        super().confirm_login_allowed(user)
        if demo_sign_in_refused(user, self.cleaned_data.get("password") or ""):
            raise forms.ValidationError(self.error_messages["demo_refused"], code="demo_refused")

    def clean_username(self) -> str:
        """A username longer than any account's is simply wrong: refuse it before it reaches
        authentication (the lockout log holds 255 characters; PostgreSQL would refuse more)."""
        username = self.cleaned_data["username"]
        if len(username) > get_user_model()._meta.get_field("username").max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username


def minimum_password_length() -> int | None:
    """Return the length the configured MinimumLengthValidator asks for, if there is one."""
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return None


class GovukPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with GOV.UK wording and the rules' errors on the new password."""

    error_messages = {
        "password_incorrect": "Your current password is not correct",
        "password_mismatch": "The passwords do not match",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "old_password": ("Current password", "current-password", "Enter your current password"),
            "new_password1": ("New password", "new-password", "Enter a new password"),
            "new_password2": ("Confirm new password", "new-password", "Confirm your new password"),
        }
        for name, (label, autocomplete, required) in labels.items():
            field = self.fields[name]
            field.label = label
            field.help_text = ""
            field.error_messages["required"] = required
            _style_password(field, autocomplete)
        length = minimum_password_length()
        self.fields["new_password1"].help_text = (
            f"Must be at least {length} characters. " if length else ""
        ) + "Use 3 or more random words, not your name or a common password."

    def clean(self):
        # Rule failures belong to the new password, not to its confirmation as in Django.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class TotpCodeForm(GovukForm):
    code = forms.CharField(
        label="Enter the 6-digit code from your authenticator app",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input govuk-input--width-5 govuk-input--extra-letter-spacing",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("The code must be 6 digits")
        return code


class RecoveryCodeForm(GovukForm):
    recovery_code = forms.CharField(
        label="Recovery code",
        help_text="One of the codes you saved when you set up two-factor authentication",
        error_messages={"required": "Enter a recovery code"},
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input govuk-input--width-10",
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )

    def clean_recovery_code(self) -> str:
        return re.sub(r"[\s-]", "", self.cleaned_data["recovery_code"]).lower()


_CHILD_REFERENCE = re.compile(r"(?:VS-?)?0*(\d{1,12})", re.IGNORECASE)


class AuditFilterForm(GovukForm):
    """The audit log's filters; they live in the query string so a search can be bookmarked."""

    user = forms.CharField(
        label="Username", required=False, widget=forms.TextInput(attrs={"spellcheck": "false"})
    )
    child = forms.CharField(
        label="Child reference", required=False, help_text="For example, VS-00012"
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any")] + AuditEntry.Action.choices
    )
    date_from = GovukDateField(label="Date from", required=False)
    date_to = GovukDateField(label="Date to", required=False)

    def clean_user(self) -> str:
        return self.cleaned_data["user"].strip()

    def clean_child(self) -> int | None:
        reference = self.cleaned_data["child"].strip()
        if not reference:
            return None
        match = _CHILD_REFERENCE.fullmatch(reference)
        if not match:
            raise forms.ValidationError("Enter a child reference like VS-00012")
        return int(match.group(1))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "Date to must be the same as or after date from")
        return cleaned
