"""Suspensions, exclusions and alternative provision: the forms on a child's Education tab,
the section of that tab, and the list of provision to approve or review.

Who may do what (docs/attendance.md): the Virtual School team records and changes both;
the designated teacher of the child's school may record a suspension (not change one);
the head and deputy approve provision.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vschool.accounts.models import Role
from vschool.attendance import exclusion_reports, exclusions, provision, selectors
from vschool.attendance.conflicts import EditConflict, fingerprint
from vschool.attendance.forms import ExclusionForm, ProvisionForm
from vschool.attendance.marks_check import suspension_mark_mismatches
from vschool.attendance.models import AlternativeProvision, Exclusion
from vschool.attendance.rules import (
    SUSPENSION_DAYS_LIMIT,
    approval_status,
    days_lost,
    provision_from_day_six,
    review_overdue,
)
from vschool.audit.models import AuditEntry
from vschool.audit.seen import shows
from vschool.calendar.rules import (
    academic_year_label,
    academic_year_slug,
    academic_year_start,
    parse_year,
)
from vschool.calendar.selectors import la_school_calendar
from vschool.codes import code_list
from vschool.cohort.scoping import children_for_user, get_child_for_user
from vschool.kit.spreadsheets import csv_response

SUSPENSION_KINDS = (Exclusion.Kind.SUSPENSION, Exclusion.Kind.LUNCHTIME)


def may_record_suspension(user) -> bool:
    return user.is_virtual_school_staff or user.role == Role.DESIGNATED_TEACHER


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _education_url(child) -> str:
    return reverse("cohort:child_education", args=[child.pk]) + "#suspensions"


def exclusion_edit(request, pk: int, exclusion_pk: int | None = None):
    """Record or change a suspension or exclusion, warning when it takes the year's
    suspensions to or over 45 school days."""
    user = request.user
    staff = user.is_virtual_school_staff
    if not (staff or (exclusion_pk is None and user.role == Role.DESIGNATED_TEACHER)):
        raise Http404
    child = get_child_for_user(user, pk)
    item = selectors.exclusion_of(child, exclusion_pk) if exclusion_pk else Exclusion(child=child)
    form = ExclusionForm(
        request.POST or None, instance=item, kinds=None if staff else SUSPENSION_KINDS
    )
    warning = None
    saved = None  # the record as someone else saved it, after a conflict
    seen = request.POST.get("seen", "") if request.method == "POST" else ""
    if request.method == "POST" and form.is_valid():
        try:
            exclusions.check_exclusion(form.instance)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            warning = exclusions.limit_warning(form.instance)
            if warning is None or request.POST.get("limit_seen") == "yes":
                try:
                    exclusions.save_exclusion(
                        exclusion=form.instance,
                        user=user,
                        request=request,
                        seen=seen if exclusion_pk else None,
                    )
                except EditConflict:
                    saved = selectors.exclusion_of(child, exclusion_pk)
                    warning = None
                else:
                    messages.success(
                        request, f"The {form.instance.get_kind_display().lower()} was saved"
                    )
                    return redirect(_education_url(child))
    if exclusion_pk and (request.method != "POST" or saved is not None):
        seen = fingerprint(Exclusion, exclusion_pk)
    if item.pk:
        shows(request, "Form to change a suspension or exclusion", obj=item)
    else:
        shows(request, "Form to record a suspension or exclusion", obj=child)
    return render(
        request,
        "attendance/exclusion_form.html",
        {
            "form": form,
            "child": child,
            "item": item,
            "warning": warning,
            "saved": saved,
            "seen": seen,
            "back_url": _education_url(child),
        },
    )


def provision_edit(request, pk: int, provision_pk: int | None = None):
    """Record or change alternative provision or a part-time timetable (the team)."""
    user = request.user
    if not user.is_virtual_school_staff:
        raise Http404
    child = get_child_for_user(user, pk)
    item = (
        selectors.provision_of(child, provision_pk)
        if provision_pk
        else AlternativeProvision(child=child)
    )
    form = ProvisionForm(request.POST or None, instance=item)
    saved = None  # the record as someone else saved it, after a conflict
    seen = request.POST.get("seen", "") if request.method == "POST" else ""
    if request.method == "POST" and form.is_valid():
        try:
            provision.save_provision(
                provision=form.instance,
                user=user,
                request=request,
                seen=seen if provision_pk else None,
            )
        except ValidationError as error:
            _add_errors(form, error)
        except EditConflict:
            saved = ProvisionRow(selectors.provision_of(child, provision_pk), timezone.localdate())
        else:
            messages.success(request, f"The {form.instance.get_kind_display().lower()} was saved")
            return redirect(reverse("cohort:child_education", args=[pk]) + "#provision")
    if provision_pk and (request.method != "POST" or saved is not None):
        seen = fingerprint(AlternativeProvision, provision_pk)
    if item.pk:
        shows(request, "Form to change alternative provision", obj=item)
    else:
        shows(request, "Form to record alternative provision", obj=child)
    return render(
        request,
        "attendance/provision_form.html",
        {
            "form": form,
            "child": child,
            "item": item,
            "saved": saved,
            "seen": seen,
            "back_url": reverse("cohort:child_education", args=[pk]) + "#provision",
        },
    )


@require_POST
def provision_approve(request, pk: int, provision_pk: int):
    """The head or deputy approves a provision; back to where they came from."""
    if not provision.may_approve(request.user):
        raise Http404
    child = get_child_for_user(request.user, pk)
    item = selectors.provision_of(child, provision_pk)
    provision.approve_provision(provision=item, user=request.user, request=request)
    messages.success(request, f"The {item.get_kind_display().lower()} was approved")
    if request.POST.get("next") == "list":
        return redirect("attendance:provision")
    return redirect(reverse("cohort:child_education", args=[pk]) + "#provision")


class ProvisionRow:
    """A provision as the tables show it: its approval and review in words."""

    def __init__(self, item: AlternativeProvision, today):
        self.item = item
        approved_on = timezone.localdate(item.approved_at) if item.approved_at else None
        self.approval = approval_status(item.start, approved_on, today)
        self.approved_on = approved_on
        self.review_overdue = review_overdue(item.review_date, item.end, today)
        self.awaiting = item.approved_at is None


def _reasons(item: Exclusion) -> list[str]:
    labels = code_list("exclusion_reasons")
    return [
        labels[code]["label"] if code in labels else code
        for code in (item.reason_1, item.reason_2, item.reason_3)
        if code
    ]


def education_section(user, child, today):
    """The Suspensions and Alternative provision sections of the child's Education tab
    (cohort.views.EDUCATION_SECTIONS)."""
    year = academic_year_start(today)
    items = selectors.child_exclusions(child)
    day_six: dict[int, object] = {}
    if items:
        calendar = la_school_calendar(
            min(item.start for item in items),
            max(max(item.end, item.start + timedelta(days=60)) for item in items),
        )
        day_six = {
            item.pk: provision_from_day_six(item.kind, item.start, item.end, calendar.is_school_day)
            for item in items
        }
    return {
        "template": "attendance/education_section.html",
        "exclusions": [
            (item, _reasons(item), days_lost(item.sessions), day_six[item.pk]) for item in items
        ],
        "year_total": selectors.child_suspension_year(child, year),
        "mismatches": suspension_mark_mismatches(child.pk),
        "provision": [ProvisionRow(item, today) for item in selectors.child_provision(child)],
        "may_record_suspension": may_record_suspension(user),
        "may_change": user.is_virtual_school_staff,
        "may_approve": provision.may_approve(user),
    }


def provision_list(request):
    """Alternative provision and part-time timetables awaiting approval or past their
    review date, for the team."""
    user = request.user
    if not user.is_virtual_school_staff:
        raise Http404
    today = timezone.localdate()
    rows = [
        ProvisionRow(item, today)
        for item in selectors.provision_needing_attention(children_for_user(user), today)
    ]
    shows(request, f"Provision to approve or review: {len(rows)} shown")
    return render(
        request,
        "attendance/provision_list.html",
        {"rows": rows, "may_approve": provision.may_approve(user), "today": today},
    )


def suspensions_report(request):
    """The suspensions report by term and phase for an academic year, and its CSV."""
    user = request.user
    if not user.is_virtual_school_staff:
        raise Http404
    today = timezone.localdate()
    current = academic_year_start(today)
    asked = request.GET.get("year")
    year = parse_year(asked) if asked else current
    offered = range(current - 5, current + 1)  # this year and five back
    year_error = asked is not None and year not in offered
    if year is None or year_error:
        year = current
    label = academic_year_label(year)
    if request.GET.get("format") == "csv" and not year_error:
        shows(
            request,
            f"Downloaded the suspensions report {label} (CSV)",
            action=AuditEntry.Action.EXPORTED,
        )
        return csv_response(
            exclusion_reports.HEADER,
            exclusion_reports.by_period(year),
            f"suspensions-{academic_year_slug(year)}.csv",
        )
    rows = exclusion_reports.suspension_rows(year)
    periods: dict[str, list] = {}
    for row in rows:
        periods.setdefault(row.period, []).append(row)
    return render(
        request,
        "attendance/suspensions_report.html",
        {
            "periods": periods,
            "year": year,
            "year_label": label,
            "year_value": academic_year_slug(year),
            "years": [
                (academic_year_slug(y), academic_year_label(y))
                for y in range(current, current - 6, -1)
            ],
            "year_error": year_error,
            "limit": SUSPENSION_DAYS_LIMIT,
        },
    )
