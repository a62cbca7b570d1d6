"""The kit holds what users type to sane sizes: dates, whole numbers and free text."""

from datetime import date

import pytest
from django import forms

from vschool.kit.forms import GovukDateField, GovukForm
from vschool.kit.params import INT_MAX, int_param


class _Form(GovukForm):
    when = GovukDateField(label="Date of the meeting")
    note = forms.CharField(label="Note", required=False)
    story = forms.CharField(label="Story", required=False, widget=forms.Textarea)
    code = forms.CharField(label="Code", required=False, max_length=8)


def _errors(**data):
    form = _Form(data={"when_0": "3", "when_1": "12", "when_2": "2025", **data})
    form.is_valid()
    return form.errors


@pytest.mark.parametrize(
    "day, month, year",
    [
        ("1" + "0" * 21, "1", "2025"),
        ("1", "9" * 40, "2025"),
        ("1", "1", "9" * 400),
        ("-3", "1", "2025"),
        ("1", "-1", "2025"),
        ("1", "1", "-2025"),
        ("²", "1", "2025"),
        ("1", "1", "٢٠٢٥"),
        ("31", "2", "2025"),
        ("1", "1", "25"),
        ("1.5", "1", "2025"),
    ],
)
def test_a_date_that_is_no_date_is_one_message(day, month, year):
    errors = _errors(when_0=day, when_1=month, when_2=year)
    assert errors["when"] == ["Date of the meeting must be a real date"]


@pytest.mark.parametrize("year", ["1899", "2100", "9999", "0001"])
def test_a_date_outside_1900_to_2099_is_refused(year):
    errors = _errors(when_2=year)
    assert errors["when"] == ["Date of the meeting must be between 1900 and 2099"]


def test_a_real_date_in_range_is_read():
    form = _Form(data={"when_0": " 03", "when_1": "12 ", "when_2": "2025"})
    assert form.is_valid() and form.cleaned_data["when"] == date(2025, 12, 3)


def test_free_text_is_held_to_200_on_a_line_and_5000_in_a_box():
    assert not _errors(note="x" * 200, story="x" * 5000)
    errors = _errors(note="x" * 201, story="x" * 5001, code="x" * 9)
    assert errors["note"] == ["Note must be 200 characters or fewer"]
    assert errors["story"] == ["Story must be 5,000 characters or fewer"]
    assert errors["code"] == ["Code must be 8 characters or fewer"]  # its own limit is kept


def test_a_text_limit_is_checked_once_however_often_a_form_is_styled():
    form = _Form(data={"when_0": "3", "when_1": "12", "when_2": "2025", "note": "x" * 201})
    form.full_clean()
    form.full_clean()
    assert form.errors["note"] == ["Note must be 200 characters or fewer"]


@pytest.mark.parametrize(
    "value, number",
    [
        ("0", 0),
        ("7", 7),
        ("007", 7),
        (str(INT_MAX), INT_MAX),
        (str(INT_MAX + 1), None),
        ("1" + "0" * 21, None),
        ("9" * 5000, None),
        ("-1", None),
        ("²", None),
        ("٣", None),
        ("1e3", None),
        (" 7", None),
        ("", None),
        (None, None),
        (7, None),
    ],
)
def test_int_param_reads_plain_digits_within_the_databases_integer(value, number):
    assert int_param(value) == number
