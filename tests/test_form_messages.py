"""Every form in the project, given nothing and given nonsense, speaks in its own GOV.UK
words: no Django default message ("This field is required.", "Select a valid choice")
and no "---------" choice reaches a user."""

import importlib
import pkgutil
import re
from datetime import date

import pytest
from django import forms
from django.core import validators
from django.test import RequestFactory

import vschool
from vschool.accounts.models import Role
from vschool.accounts.tests.factories import UserFactory

ABSTRACT = {"GovukForm", "GovukModelForm", "SectionForm"}


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(vschool.__path__, "vschool."):
        if ".tests" not in module.name and ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("vschool.") and sub.__name__ not in ABSTRACT:
                found.append(sub)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def _django_message_patterns() -> list[re.Pattern]:
    """Every default message of Django's form fields and validators, as a pattern."""
    texts = set()
    for cls in vars(forms.fields).values():
        if isinstance(cls, type) and issubclass(cls, forms.Field):
            texts.update(str(m) for m in getattr(cls, "default_error_messages", {}).values())
    for cls in (forms.ModelChoiceField, forms.ModelMultipleChoiceField):
        texts.update(str(m) for m in cls.default_error_messages.values())
    for validator in vars(validators).values():
        if isinstance(validator, type) and hasattr(validator, "message"):
            texts.add(str(validator.message))
    texts.add("This field is required.")
    # Django's validators' messages in any plural ("at most 200 characters (it has 201)").
    patterns = [re.compile(r"^Ensure (this value|that there are)")]
    for text in texts:
        pattern = re.escape(text)
        pattern = re.sub(r"%\\\(\w+\\\)[sd]", ".*", pattern)
        pattern = re.sub(r"\\\{\w*\\\}", ".*", pattern)
        patterns.append(re.compile(f"^{pattern}$"))
    return patterns


def _instance(cls, data, user):
    """The form with `data`, given what its constructor needs."""
    needs = {
        "DeadlineForm": {"window": (date(2025, 9, 3), date(2026, 1, 4))},
        "ExportForm": {"years": [2025, 2026]},
    }
    if cls.__name__ in ("GovukPasswordChangeForm", "GovukSetPasswordForm"):
        return cls(user, data)
    if cls.__name__ == "SignInForm":
        return cls(RequestFactory().post("/sign-in/"), data)
    return cls(data=data, **needs.get(cls.__name__, {}))


def _nonsense(form: forms.BaseForm) -> dict:
    """A wrong value for every field: words in numbers and dates, an unknown choice, an
    impossible date in the three boxes, far too much text."""
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.MultiWidget):
            data.update({f"{key}_0": "31", f"{key}_1": "2", f"{key}_2": "2025"})
        elif isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
            data[key] = "no-such-choice"
        elif isinstance(
            field, (forms.IntegerField, forms.DecimalField, forms.FloatField, forms.DateField)
        ):
            data[key] = "soon"
        else:
            data[key] = "x" * 5000
    return data


FORMS = _project_forms()


def test_the_walk_finds_the_projects_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {
        "ChildForm",
        "CareEpisodeForm",
        "RollFilterForm",
        "UploadForm",
        "AttendanceUploadForm",
        "QaForm",
        "TermDatesForm",
        "AuditFilterForm",
        "TargetForm",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: cls.__name__)
def test_no_django_default_message_and_no_dashes(cls):
    user = UserFactory(role=Role.HEAD)
    defaults = _django_message_patterns()
    for data in ({}, None):
        form = _instance(
            cls, data if data is not None else _nonsense(_instance(cls, {}, user)), user
        )
        form.is_valid()
        for field, errors in form.errors.items():
            for message in errors:
                assert not any(p.match(message) for p in defaults), (
                    f"{cls.__name__}.{field}: Django's default message {message!r}"
                )
        for name, field in form.fields.items():
            labels = [str(label) for _value, label in getattr(field, "choices", [])]
            assert "---------" not in labels, f"{cls.__name__}.{name} offers ---------"
