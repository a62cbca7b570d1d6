"""Sign-in, two-factor, password, user and audit-log filter forms in GOV.UK style."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm

from vschool.accounts.demo_accounts import demo_password_refused, is_demo_username
from vschool.accounts.models import Role
from vschool.accounts.selectors import username_taken
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
        """Refuse the public demo password (so every demo user) outside demo mode."""
        super().confirm_login_allowed(user)
        if demo_password_refused(self.cleaned_data.get("password") or ""):
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


class _GovukNewPassword:
    """A new password and its confirmation, in GOV.UK wording, with the rules' errors on the
    new password rather than on its confirmation as in Django."""

    error_messages = {
        "password_incorrect": "Your current password is not correct",
        "password_mismatch": "The passwords do not match",
    }
    fields: dict[str, forms.Field]
    user: object

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "new_password1": ("New password", "Enter a new password"),
            "new_password2": ("Confirm new password", "Confirm your new password"),
        }
        for name, (label, required) in labels.items():
            field = self.fields[name]
            field.label = label
            field.help_text = ""
            field.error_messages["required"] = required
            _style_password(field, "new-password")
        length = minimum_password_length()
        self.fields["new_password1"].help_text = (
            f"Must be at least {length} characters. " if length else ""
        ) + "Use 3 or more random words, not your name or a common password."

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class GovukSetPasswordForm(_GovukNewPassword, SetPasswordForm):
    """A new user's first password, chosen through their enrolment link."""


class GovukPasswordChangeForm(_GovukNewPassword, PasswordChangeForm):
    """Django's password change, with GOV.UK wording."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["old_password"]
        field.label = "Current password"
        field.error_messages["required"] = "Enter your current password"
        _style_password(field, "current-password")


class EnrolPasswordForm(GovukForm):
    """An existing user's password, asked for before they set up a new authenticator app."""

    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style_password(self.fields["password"], "current-password")


class UserForm(GovukForm):
    """A new user: who they are, how to reach them and their role."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Email address",
        help_text="Their sign-in link and PEP notifications go here",
        max_length=254,
        # EmailValidator's own message would show otherwise: the field has no "invalid" of its own.
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    username = forms.CharField(
        label="Username",
        help_text="What they will type to sign in, for example their email address",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if not re.fullmatch(r"[\w.@+-]+", username):
            raise forms.ValidationError(
                "Username must only include letters, numbers and the characters . @ + - _"
            )
        if not settings.DEMO_MODE and is_demo_username(username):
            raise forms.ValidationError(
                "This username is kept for the demonstration. Choose another username"
            )
        if username_taken(username):
            raise forms.ValidationError("There is already a user with this username")
        return username


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
