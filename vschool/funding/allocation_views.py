"""The year's PEP allocations, a child's PP+, and direct spending on a child."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from vschool.audit.seen import shows
from vschool.calendar.rules import financial_year_label, financial_year_start, parse_year
from vschool.codes import choices
from vschool.cohort.scoping import get_child_for_user
from vschool.funding import allocations
from vschool.funding.errors import FundingError
from vschool.funding.forms import PoundsField
from vschool.funding.models import Allocation
from vschool.funding.rules import pounds
from vschool.kit.forms import GovukDateField, GovukForm

STATUSES = [("", "All"), *Allocation.Status.choices]


class DirectSpendForm(GovukForm):
    """PP+ spent on a child outside the PEP."""

    date = GovukDateField(label="Date", help_text="For example, 27 3 2026")
    amount = PoundsField(label="Amount")
    description = forms.CharField(
        label="What it bought",
        max_length=300,
        help_text="For example, a laptop, or 10 hours of tuition bought centrally",
        error_messages={"required": "Enter what the PP+ bought"},
    )
    supplier = forms.CharField(label="Supplier (optional)", max_length=200, required=False)
    eef_strand = forms.ChoiceField(
        label="EEF Toolkit strand",
        choices=[("", "Choose a strand"), *choices("eef_toolkit_strands")],
        error_messages={
            "required": "Select an EEF Toolkit strand",
            "invalid_choice": "Select an EEF Toolkit strand from the list",
        },
    )


def _year(request) -> int:
    """The financial year asked for (?year=2025-26), this one when none; 404 for no year."""
    raw = request.GET.get("year")
    if not raw:
        return financial_year_start(timezone.localdate())
    year = parse_year(raw)
    if year is None:
        raise Http404
    return year


def _row(allocation: Allocation) -> dict:
    return {
        "allocation": allocation,
        "paid": allocations.is_paid(allocation),
        "strand": allocations.strand_label(allocation.eef_strand),
    }


def allocation_list(request):
    """The year's PEP allocations for Virtual School staff, filtered by status."""
    if not request.user.is_virtual_school_staff:
        raise Http404
    year = _year(request)
    status = request.GET.get("status", "")
    status = status if status in Allocation.Status.values else ""
    rows = [_row(a) for a in allocations.allocations_in(year, status)]
    label = financial_year_label(year)
    shows(
        request,
        f"PP+ allocations {label}: {len(rows)} allocation{'' if len(rows) == 1 else 's'}, "
        f"status: {status or 'all'}",
    )
    return render(
        request,
        "funding/allocations.html",
        {
            "rows": rows,
            "year": year,
            "label": label,
            "status": status,
            "statuses": STATUSES,
            "previous": financial_year_label(year - 1),
            "next": financial_year_label(year + 1),
        },
    )


def child_funding(request, pk: int):
    """A child's PP+: the PEP allocations by term and direct spending."""
    if not request.user.is_virtual_school_staff:
        raise Http404
    child = get_child_for_user(request.user, pk)
    shows(request, "Child's PP+: allocations and direct spending", obj=child)
    return render(request, "funding/child.html", _child_context(request, child))


def _child_context(request, child) -> dict:
    spends = allocations.child_direct_spends(child)
    return {
        "child": child,
        "rows": [_row(a) for a in allocations.child_allocations(child)],
        "spends": [(s, allocations.strand_label(s.eef_strand)) for s in spends],
        "may_manage": request.user.may_manage_funding,
    }


def direct_spend(request, pk: int):
    """Add direct spending on a child: those who manage funding."""
    if not request.user.may_manage_funding:
        raise Http404
    child = get_child_for_user(request.user, pk)
    form = DirectSpendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spend = allocations.add_direct_spend(
                child=child,
                date=data["date"],
                amount_pence=data["amount"],
                description=data["description"],
                eef_strand=data["eef_strand"],
                supplier=data["supplier"],
                user=request.user,
                request=request,
            )
        except FundingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Direct spending of {pounds(spend.amount_pence)} added")
            return redirect("funding:child", child.pk)
    shows(request, "Form to add direct PP+ spending", obj=child)
    return render(
        request,
        "funding/child_direct_spend.html",
        {"child": child, "form": form, "back_url": reverse("funding:child", args=[child.pk])},
    )


def overview_card(user, child, today) -> dict | None:
    """The PP+ card on the child's overview, for Virtual School staff."""
    if not user.is_virtual_school_staff:
        return None
    return {"template": "funding/child_card.html"}
