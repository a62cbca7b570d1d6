"""The Virtual School's termly PEP deadlines: a page per academic year and a form per term.

A term without a deadline set uses its last day (selectors.term_deadline). Staff read the
deadlines; the head and deputy set them, because they move every child's due date.
"""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.calendar.rules import TermPeriod, academic_year_bounds, academic_year_label
from vschool.calendar.selectors import term_dates_for_year
from vschool.calendar.views import academic_year_nav, academic_year_param
from vschool.kit.forms import GovukDateField, GovukForm
from vschool.peps.models import PepTermDeadline
from vschool.peps.selectors import deadlines_set

SETTERS = {Role.HEAD, Role.DEPUTY}


def deadline_window(year: int, terms: list[TermPeriod], term: TermPeriod) -> tuple[date, date]:
    """A deadline falls from the term's first day to the day before the next term starts."""
    later = [t.start for t in terms if t.start > term.start]
    return term.start, (later[0] - timedelta(days=1) if later else academic_year_bounds(year)[1])


class DeadlineForm(GovukForm):
    deadline = GovukDateField(
        label="PEP deadline", help_text="PEPs completed by this day count as completed in term"
    )

    def __init__(self, *args, window: tuple[date, date], **kwargs):
        super().__init__(*args, **kwargs)
        self.window = window

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        first, last = self.window
        if not first <= value <= last:
            raise forms.ValidationError(
                f"PEP deadline must be between {first:%-d %B %Y} and {last:%-d %B %Y}"
            )
        return value


@transaction.atomic
def deadline_set(
    *, academic_year: int, term: str, deadline: date, user, request: HttpRequest | None = None
) -> PepTermDeadline:
    """Set one term's PEP deadline, audited; the reports and due dates follow it at once."""
    row, created = PepTermDeadline.objects.update_or_create(
        academic_year=academic_year, term=term, defaults={"deadline": deadline}
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED if created else AuditEntry.Action.CHANGED,
        obj=row,
        summary=f"Set the {term} term {academic_year} PEP deadline: {deadline}",
        request=request,
    )
    return row


def deadlines(request):
    if not request.user.is_virtual_school_staff:
        raise Http404
    year = academic_year_param(request.GET.get("year"))
    set_by_vs = deadlines_set(year)
    rows = [
        (t, set_by_vs.get(t.term.value, t.end), t.term.value in set_by_vs)
        for t in term_dates_for_year(year)
    ]
    return render(
        request,
        "peps/deadlines.html",
        {
            "rows": rows,
            "year": year,
            "label": academic_year_label(year),
            "may_set": request.user.role in SETTERS,
            **academic_year_nav(year),
        },
    )


def deadline_edit(request, year: int, term: str):
    if request.user.role not in SETTERS:
        raise Http404
    year = academic_year_param(str(year))
    terms = term_dates_for_year(year)
    period = next((t for t in terms if t.term.value == term), None)
    if period is None:
        raise Http404
    form = DeadlineForm(
        request.POST or None,
        window=deadline_window(year, terms, period),
        initial={"deadline": deadlines_set(year).get(term, period.end)},
    )
    back = f"{reverse('peps:deadlines')}?year={year}"
    if request.method == "POST" and form.is_valid():
        deadline_set(
            academic_year=year,
            term=term,
            deadline=form.cleaned_data["deadline"],
            user=request.user,
            request=request,
        )
        messages.success(
            request, f"{term.title()} term {academic_year_label(year)} PEP deadline saved"
        )
        return redirect(back)
    return render(
        request,
        "peps/deadline_form.html",
        {"form": form, "period": period, "label": academic_year_label(year), "back_url": back},
    )
