"""The PP+ grant with its eligible count, the Head's policy, and the budget lines with
their spending: pages for a financial year (`?year=2025-26`). They show no child's data.

Virtual School staff read them; the head and deputy change the grant and the policy
(may_set_funding_policy); the finance officer, head and deputy record budget lines and
spending (may_manage_funding). Anyone else gets 404.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from vschool.calendar.rules import financial_year_label, financial_year_start, parse_year
from vschool.funding import budget as budgets
from vschool.funding.errors import FundingError
from vschool.funding.forms import PoundsField
from vschool.funding.grants import (
    eligible_breakdown,
    eypp_expected_pence,
    file_rate,
    grant_for,
    update_grant,
)
from vschool.funding.ledger import year_totals
from vschool.funding.models import BudgetLine
from vschool.funding.policy import policy_for, update_policy
from vschool.funding.rules import pounds_decimal
from vschool.kit.forms import GovukDateField, GovukForm

# The most children an EYPP line may count: far above any authority's roll.
MOST_CHILDREN = 100_000


class GrantForm(GovukForm):
    rate = PoundsField(
        label="Rate per child",
        required=False,
        help_text="The DfE's PP+ rate for a looked-after child this year; leave blank until "
        "it is confirmed",
    )
    received = PoundsField(
        label="Grant received",
        required=False,
        allow_zero=True,
        help_text="What the DfE has paid; leave blank until it is paid",
    )
    eypp_rate = PoundsField(
        label="EYPP rate per child", required=False, help_text="The most a year per child"
    )
    eypp_children = forms.IntegerField(
        label="EYPP children",
        required=False,
        min_value=0,
        max_value=MOST_CHILDREN,
        help_text="Looked-after children in funded early education",
        error_messages={
            "invalid": "EYPP children must be a whole number, like 12",
            "min_value": "EYPP children must be 0 or more",
            "max_value": f"EYPP children must be {MOST_CHILDREN:,} or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )
    eypp_received = PoundsField(label="EYPP received", required=False, allow_zero=True)
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class PolicyForm(GovukForm):
    per_term = PoundsField(
        label="Amount a term per child",
        required=False,
        help_text="The most a child's PEP may be given in one term; leave blank for no limit",
    )
    yearly_cap = PoundsField(
        label="Yearly cap per child",
        required=False,
        help_text="The most a child's PEPs may be given in the financial year; leave blank "
        "for no limit",
    )
    threshold_grade = forms.ChoiceField(
        label="Threshold grade",
        widget=forms.RadioSelect,
        choices=[],
        help_text="A PEP graded this or better releases its PP+",
        error_messages={
            "required": "Select the threshold grade",
            "invalid_choice": "Select one of the grades shown",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threshold_grade"].choices = [(g, g) for g in settings.VSCHOOL_PEP_GRADES]

    def clean(self):
        cleaned = super().clean()
        per_term, cap = cleaned.get("per_term"), cleaned.get("yearly_cap")
        if per_term is not None and cap is not None and per_term > cap:
            self.add_error("per_term", "Amount a term must not be more than the yearly cap")
        return cleaned


class BudgetLineForm(GovukForm):
    category = forms.ChoiceField(
        label="Category",
        choices=[("", "Choose a category"), *BudgetLine.Category.choices],
        error_messages={
            "required": "Select the budget line's category",
            "invalid_choice": "Select one of the categories shown",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="What the money is kept for, like “Virtual School teacher” or “Tuition fund”",
        error_messages={"required": "Enter the budget line's name"},
    )
    budget = PoundsField(label="Budget", allow_zero=True)


class LineChangeForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the budget line's name"}
    )
    budget = PoundsField(label="Budget", allow_zero=True)


class SpendForm(GovukForm):
    date = GovukDateField(label="Date", help_text="For example, 27 3 2026")
    amount = PoundsField(label="Amount")
    description = forms.CharField(
        label="Description",
        max_length=300,
        help_text="What was bought, and from whom",
        error_messages={"required": "Enter what the money was spent on"},
    )

    def __init__(self, *args, window=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.window = window

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value is not None and self.window is not None:
            first, last = self.window
            if not first <= value <= last:
                raise forms.ValidationError(
                    f"Date must be in the financial year, from {first:%-d %B %Y} "
                    f"to {last:%-d %B %Y}"
                )
        return value


# --- Helpers ---------------------------------------------------------------------------


def _staff(request) -> None:
    if not request.user.is_virtual_school_staff:
        raise Http404


def _year(request) -> int:
    """The financial year `?year=` names (2025-26), this one when none; 404 for no year."""
    raw = request.GET.get("year")
    if not raw:
        return financial_year_start(timezone.localdate())
    year = parse_year(raw)
    if year is None:
        raise Http404
    return year


def _year_nav(year: int) -> dict:
    return {
        "year": year,
        "label": financial_year_label(year),
        "previous_label": financial_year_label(year - 1),
        "next_label": financial_year_label(year + 1),
        "has_previous": year > 2000,
        "has_next": year < 2099,
    }


def _at(name: str, year: int) -> str:
    return f"{reverse(name)}?year={financial_year_label(year)}"


def _rate_source(grant, seed) -> str:
    if grant.rate_pence is None:
        return ""
    if seed.rate_pence is not None and grant.rate_pence == seed.rate_pence:
        return (
            f"from the DfE rates file ({seed.confidence})"
            if seed.confidence
            else ("from the DfE rates file")
        )
    return "entered"


# --- The grant -------------------------------------------------------------------------


def grant(request):
    _staff(request)
    year = _year(request)
    row = grant_for(year)
    seed = file_rate(year)
    totals = year_totals(year)
    return render(
        request,
        "funding/grant.html",
        {
            **_year_nav(year),
            "grant": row,
            "seed": seed,
            "rate_source": _rate_source(row, seed),
            "totals": totals,
            "breakdown": eligible_breakdown(year),
            "eypp_expected_pence": eypp_expected_pence(row),
            "may_change": request.user.may_set_funding_policy,
            "edit_url": _at("funding:grant_edit", year),
        },
    )


def grant_edit(request):
    if not request.user.may_set_funding_policy:
        raise Http404
    year = _year(request)
    row = grant_for(year)
    form = GrantForm(
        request.POST or None,
        initial={
            "rate": pounds_decimal(row.rate_pence),
            "received": pounds_decimal(row.received_pence),
            "eypp_rate": pounds_decimal(row.eypp_rate_pence),
            "eypp_children": row.eypp_children,
            "eypp_received": pounds_decimal(row.eypp_received_pence),
            "notes": row.notes,
        },
    )
    back = _at("funding:grant", year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_grant(
                row,
                user=request.user,
                rate_pence=data["rate"],
                received_pence=data["received"],
                eypp_rate_pence=data["eypp_rate"],
                eypp_children=data["eypp_children"],
                eypp_received_pence=data["eypp_received"],
                notes=data["notes"],
                request=request,
            )
        except FundingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"PP+ grant {financial_year_label(year)} saved")
            return redirect(back)
    return render(
        request,
        "funding/grant_edit.html",
        {"form": form, "label": financial_year_label(year), "back_url": back},
    )


# --- The policy ------------------------------------------------------------------------


def policy(request):
    _staff(request)
    may_set = request.user.may_set_funding_policy
    if request.method == "POST" and not may_set:
        raise Http404
    year = _year(request)
    current = policy_for(year)
    form = (
        PolicyForm(
            request.POST or None,
            initial={
                "per_term": pounds_decimal(current.per_term_pence),
                "yearly_cap": pounds_decimal(current.yearly_cap_pence),
                "threshold_grade": current.threshold_grade,
            },
        )
        if may_set
        else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_policy(
                year,
                user=request.user,
                per_term_pence=data["per_term"],
                yearly_cap_pence=data["yearly_cap"],
                threshold_grade=data["threshold_grade"],
                request=request,
            )
        except FundingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"PP+ policy {financial_year_label(year)} saved")
            return redirect(_at("funding:policy", year))
    return render(
        request,
        "funding/policy.html",
        {**_year_nav(year), "policy": current, "form": form, "saved": current.pk is not None},
    )


# --- The budget lines ------------------------------------------------------------------


def budget(request):
    _staff(request)
    may_manage = request.user.may_manage_funding
    if request.method == "POST" and not may_manage:
        raise Http404
    year = _year(request)
    form = BudgetLineForm(request.POST or None) if may_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line = budgets.add_line(
                financial_year=year,
                category=data["category"],
                name=data["name"],
                budget_pence=data["budget"],
                user=request.user,
                request=request,
            )
        except FundingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Budget line “{line.name}” added")
            return redirect(_at("funding:budget", year))
    rows = budgets.lines_with_spend(year)
    return render(
        request,
        "funding/budget.html",
        {
            **_year_nav(year),
            "rows": rows,
            "total_budget_pence": sum(r.line.budget_pence for r in rows),
            "total_spent_pence": sum(r.spent_pence for r in rows),
            "total_left_pence": sum(r.left_pence for r in rows),
            "form": form,
        },
    )


def budget_line(request, line_id: int):
    _staff(request)
    may_manage = request.user.may_manage_funding
    if request.method == "POST" and not may_manage:
        raise Http404
    line = budgets.line_or_none(line_id)
    if line is None:
        raise Http404
    window = budgets.spend_window(line)
    posted = request.POST.get("form") if request.method == "POST" else None
    spend_form = change_form = None
    if may_manage:
        spend_form = SpendForm(request.POST if posted == "spend" else None, window=window)
        change_form = LineChangeForm(
            request.POST if posted == "change" else None,
            initial={"name": line.name, "budget": pounds_decimal(line.budget_pence)},
        )
    here = reverse("funding:budget_line", args=[line.pk])
    if spend_form is not None and posted == "spend" and spend_form.is_valid():
        data = spend_form.cleaned_data
        try:
            budgets.add_spend(
                line=line,
                date=data["date"],
                amount_pence=data["amount"],
                description=data["description"],
                user=request.user,
                request=request,
            )
        except FundingError as error:
            spend_form.add_error(None, str(error))
        else:
            messages.success(request, "Spending recorded")
            return redirect(here)
    if change_form is not None and posted == "change" and change_form.is_valid():
        data = change_form.cleaned_data
        try:
            budgets.change_line(
                line,
                budget_pence=data["budget"],
                name=data["name"],
                user=request.user,
                request=request,
            )
        except FundingError as error:
            change_form.add_error(None, str(error))
        else:
            messages.success(request, "Budget line saved")
            return redirect(here)
    spends = budgets.spends_of(line)
    spent = sum(s.amount_pence for s in spends)
    return render(
        request,
        "funding/budget_line.html",
        {
            "line": line,
            "label": financial_year_label(line.financial_year),
            "category": line.get_category_display(),
            "spends": spends,
            "spent_pence": spent,
            "left_pence": line.budget_pence - spent,
            "spend_form": spend_form,
            "change_form": change_form,
            "window": window,
            "budget_url": _at("funding:budget", line.financial_year),
        },
    )
