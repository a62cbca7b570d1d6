"""Payment runs: build, review, confirm or cancel; remittances and the finance export.

Only those who may manage funding (the head, deputy and data officer) see these pages;
anyone else gets a 404. Reads go through funding.runs_selectors, writes through
funding.runs.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from vschool.audit.models import AuditEntry
from vschool.audit.seen import shows
from vschool.calendar.models import TermDates
from vschool.calendar.rules import academic_year_label
from vschool.calendar.selectors import term_on
from vschool.funding import runs as services
from vschool.funding import runs_selectors as selectors
from vschool.funding.errors import FundingError
from vschool.funding.forms import PoundsField
from vschool.funding.models import PaymentRun
from vschool.kit.forms import GovukForm
from vschool.kit.pagination import page_extent, pagination
from vschool.kit.pdf import render_pdf
from vschool.kit.spreadsheets import csv_response


def _years(today) -> list[tuple[str, str]]:
    current, _term = term_on(today)
    return [(str(year), academic_year_label(year)) for year in range(current + 1, current - 3, -1)]


class RunForm(GovukForm):
    academic_year = forms.TypedChoiceField(
        label="Academic year",
        coerce=int,
        error_messages={
            "required": "Select the academic year",
            "invalid_choice": "Select an academic year from the list",
        },
    )
    term = forms.ChoiceField(
        label="Term",
        choices=TermDates.Term.choices,
        widget=forms.RadioSelect,
        help_text="The run pays this term's approved PP+ and any still unpaid from earlier terms",
        error_messages={
            "required": "Select the term",
            "invalid_choice": "Select autumn, spring or summer",
        },
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = _years(today or timezone.localdate())


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why are you cancelling this run?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="What it held is paid by the next run",
        error_messages={
            "required": "Enter why you are cancelling the run",
            "max_length": "Why you are cancelling the run must be 1000 characters or fewer",
        },
    )


class CorrectionForm(GovukForm):
    amount = PoundsField(
        label="amount of the correction",
        allow_negative=True,
        help_text="In pounds: a negative amount, like -50, recovers money paid in error",
    )
    reason = forms.CharField(
        label="Reason for the correction",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
        help_text="The school sees it on its remittance advice: do not name the child",
        error_messages={
            "required": "Enter the reason for the correction",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError("The amount of the correction cannot be £0")
        return amount


def _finance(request) -> None:
    if not getattr(request.user, "may_manage_funding", False):
        raise Http404


def runs(request):
    """Every payment run, and the form to build one."""
    _finance(request)
    today = timezone.localdate()
    year, period = term_on(today)
    data = request.POST if request.method == "POST" else None
    form = RunForm(
        data, today=today, initial={"academic_year": str(year), "term": period.term.value}
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.build_run(
                academic_year=form.cleaned_data["academic_year"],
                term=form.cleaned_data["term"],
                user=request.user,
                request=request,
            )
        except FundingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Payment run {run.reference} built: check it, then confirm")
            return redirect("funding:run", run.pk)
    all_runs = selectors.runs_list()
    default_term = services.term_label(year, period.term.value)
    return render(
        request,
        "funding/runs.html",
        {
            "form": form,
            "runs": all_runs,
            "default_term": default_term,
            "none_this_term": not any(
                r.academic_year == year and r.term == period.term.value for r in all_runs
            ),
        },
    )


def run(request, run_id: int):
    """A run: its summary, what it pays each school and, for a draft, its actions."""
    _finance(request)
    the_run = selectors.run_or_404(run_id)
    if request.method == "POST":
        if request.POST.get("action") != "recalculate":
            raise Http404
        try:
            services.recalculate_run(the_run, user=request.user, request=request)
        except FundingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Payment run {the_run.reference} recalculated")
        return redirect("funding:run", the_run.pk)
    summary = selectors.run_summary(the_run, request.GET.get("page"))
    shown = sum(len(school.lines) for school in summary.schools)
    shows(
        request,
        f"Payment run {the_run.reference}: {shown} of its {summary.lines} lines, "
        f"{page_extent(summary.page, 'schools')}",
        obj=the_run,
    )
    return render(
        request,
        "funding/run.html",
        {
            "run": the_run,
            "summary": summary,
            "pagination": pagination(summary.page, request.GET),
        },
    )


def _draft_page(request, run_id: int, template: str, form=None, action=None):
    """The confirm and cancel pages of a draft: `action(run)` on a valid POST."""
    _finance(request)
    the_run = selectors.run_or_404(run_id)
    if request.method == "POST" and the_run.status == PaymentRun.Status.DRAFT:
        if form is None or form.is_valid():
            try:
                done = action(the_run)
            except FundingError as error:
                if form is None:
                    messages.error(request, str(error))
                    return redirect("funding:run", the_run.pk)
                form.add_error(None, str(error))
            else:
                messages.success(request, done)
                return redirect("funding:run", the_run.pk)
    summary = selectors.run_summary(the_run, request.GET.get("page"))
    context = {"run": the_run, "summary": summary, "form": form}
    return render(
        request, template, {**context, "pagination": pagination(summary.page, request.GET)}
    )


def run_confirm(request, run_id: int):
    """Check the run's totals, then confirm it: what it holds is marked paid."""

    def confirm(the_run):
        services.confirm_run(the_run, user=request.user, request=request)
        return f"Payment run {the_run.reference} confirmed: its remittances are ready"

    return _draft_page(request, run_id, "funding/run_confirm.html", action=confirm)


def run_cancel(request, run_id: int):
    """Cancel a draft run, with a reason."""
    form = CancelForm(request.POST if request.method == "POST" else None)

    def cancel(the_run):
        services.cancel_run(
            the_run, user=request.user, reason=form.cleaned_data["reason"], request=request
        )
        return f"Payment run {the_run.reference} cancelled"

    return _draft_page(request, run_id, "funding/run_cancel.html", form=form, action=cancel)


def _confirmed(run_id: int) -> PaymentRun:
    the_run = selectors.run_or_404(run_id)
    if the_run.status != PaymentRun.Status.CONFIRMED:
        raise Http404
    return the_run


def run_correction(request, run_id: int, school_id: int):
    """A correction to what a confirmed run paid a school, paid by the next run."""
    _finance(request)
    the_run = _confirmed(run_id)
    doc = selectors.remittance(the_run, school_id)
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_adjustment(
                school=doc.school,
                amount_pence=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                financial_year=the_run.financial_year,
                request=request,
            )
        except FundingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Correction for {doc.school.name} added: the next payment run pays it"
            )
            return redirect("funding:run", the_run.pk)
    return render(
        request,
        "funding/run_correction.html",
        {"run": the_run, "school": doc.school, "paid_pence": doc.total_pence, "form": form},
    )


def remittance_pdf(request, run_id: int, school_id: int):
    """A school's remittance advice for a confirmed run, as a PDF."""
    _finance(request)
    doc = selectors.remittance(_confirmed(run_id), school_id)
    pdf = render_pdf("funding/remittance.html", {"doc": doc})
    shows(
        request,
        f"Remittance advice downloaded as PDF: {doc.run.reference}, URN {doc.school.urn}",
        obj=doc.run,
        action=AuditEntry.Action.EXPORTED,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{doc.filename("pdf")}"'
    return response


def remittance_csv(request, run_id: int, school_id: int):
    """A school's remittance advice for a confirmed run, as a CSV."""
    _finance(request)
    doc = selectors.remittance(_confirmed(run_id), school_id)
    shows(
        request,
        f"Remittance advice downloaded as CSV: {doc.run.reference}, URN {doc.school.urn}",
        obj=doc.run,
        action=AuditEntry.Action.EXPORTED,
    )
    return csv_response(
        selectors.REMITTANCE_HEADER, selectors.remittance_rows(doc), doc.filename("csv")
    )


def finance_csv(request, run_id: int):
    """The finance system's file: one row per school (no child's data)."""
    _finance(request)
    the_run = _confirmed(run_id)
    return csv_response(
        selectors.FINANCE_HEADER,
        selectors.finance_rows(the_run),
        f"finance-{the_run.reference}.csv",
    )
