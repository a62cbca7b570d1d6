"""Reports for the Virtual School team and governors: the index, PEP compliance by term and
phase, overdue and missing PEPs."""

from collections.abc import Callable

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.audit.seen import shows
from vschool.calendar.rules import (
    academic_year_label,
    academic_year_slug,
    academic_year_start,
    parse_year,
)
from vschool.calendar.selectors import term_dates_for_year, term_on
from vschool.cohort.scoping import children_for_aggregates, children_for_user
from vschool.kit.pagination import page_extent, pagination
from vschool.kit.params import int_param
from vschool.kit.spreadsheets import csv_response
from vschool.peps.selectors import term_deadlines
from vschool.reports import outstanding
from vschool.reports.presenters import COLUMNS, compliance_cells
from vschool.reports.selectors import ComplianceReport, pep_compliance
from vschool.reports.suppression import footnote

YEARS_BACK = 5


def require_reader(user):
    if not (user.is_virtual_school_staff or user.role == Role.GOVERNOR):
        raise Http404


REPORTS = [
    (
        "reports:peps",
        "PEP compliance",
        "PEPs due, completed in term and good or better, and initial PEPs in timescale, "
        "by term and phase for an academic year.",
        True,
    ),
    (
        "reports:outstanding_peps",
        "Overdue and missing PEPs",
        "The children due a PEP in a term without one completed, by officer and by school, "
        "and the initial PEPs not approved in time.",
        False,
    ),
    (
        "reports:care_year",
        "Children looked after by SSDA903 year",
        "Looked after at 31 March, starts, ceases, the 12-month cohort and placement "
        "stability for a year from 1 April to 31 March, beside England's figures.",
        True,
    ),
    (
        "attendance:suspensions",
        "Suspensions",
        "The share of school-age children looked after with a suspension, days lost, and how "
        "many were out of area, in residential placements or had an EHC plan, by term and phase.",
        False,
    ),
    (
        "attendance:provision",
        "Alternative provision to approve or review",
        "Alternative provision and part-time timetables awaiting the head's approval or past "
        "their review date.",
        False,
    ),
]


def index(request):
    """The reports the user may open, each with a line saying what it is."""
    user = request.user
    require_reader(user)
    return render(
        request,
        "reports/index.html",
        {
            "reports": [
                (name, title, about)
                for name, title, about, governors in REPORTS
                if governors or user.is_virtual_school_staff
            ],
            "suppress_below": None if user.sees_children else settings.VSCHOOL_SUPPRESS_BELOW,
        },
    )


def chosen_year(
    request, offered: list[int], default: int, label: Callable[[int], str]
) -> tuple[int, str]:
    """The year the `year` parameter names (calendar.rules.parse_year) when the report offers
    it; otherwise the report's default year and a message saying so (docs/reports.md). No
    `year` at all is the default, without a message."""
    given = request.GET.get("year", "").strip()
    if not given:
        return default, ""
    year = parse_year(given)
    if year in offered:
        return year, ""
    named = label(year) if year is not None else given[:20]
    return default, f"There is no report for {named}: showing {label(default)}"


def csv_for_another_year(request):
    """A download for a year the report does not offer goes to the page, which says so."""
    params = request.GET.copy()
    params.pop("format", None)
    return redirect(f"{request.path}?{params.urlencode()}")


def academic_years(current: int) -> list[int]:
    """The academic years a report offers: this one and the YEARS_BACK - 1 before it."""
    return list(range(current, current - YEARS_BACK, -1))


def peps(request):
    """PEP timeliness and quality for an academic year; `format=csv` downloads the tables."""
    user = request.user
    require_reader(user)
    today = timezone.localdate()
    current = academic_year_start(today)
    year, year_error = chosen_year(request, academic_years(current), current, academic_year_label)
    csv_wanted = request.GET.get("format") == "csv"
    if year_error and csv_wanted:
        return csv_for_another_year(request)
    report = pep_compliance(children_for_aggregates(user), year, today)
    suppress_below = None if user.sees_children else settings.VSCHOOL_SUPPRESS_BELOW
    cells = compliance_cells(report, suppress_below)
    if csv_wanted:
        shows(
            request,
            f"Downloaded the PEP compliance report {academic_year_label(year)} (CSV)",
            action=AuditEntry.Action.EXPORTED,
        )
        return _csv(report, cells, suppress_below)
    tables = [
        (term, [(row, [f"{v}%" if isinstance(v, float) else v for v in c]) for row, c in rows])
        for term, rows in cells
    ]
    return render(
        request,
        "reports/peps.html",
        {
            "tables": tables,
            "columns": COLUMNS,
            "today": today,
            "not_started": report.not_started,
            "year_label": academic_year_label(year),
            "year_value": academic_year_slug(year),
            "years": [
                (academic_year_slug(y), academic_year_label(y)) for y in academic_years(current)
            ],
            "year_error": year_error,
            "suppress_below": suppress_below,
            "footnote": footnote(suppress_below) if suppress_below else "",
        },
    )


def _csv(
    report: ComplianceReport, cells: list, suppress_below: int | None
) -> StreamingHttpResponse:
    """One row per term and phase, then the year's; ISO dates."""
    header = [
        "Academic year",
        "Term",
        "From",
        "Deadline",
        "Phase",
        *COLUMNS,
        "Not over yet: counted as at",
    ]
    rows: list[list] = [
        [
            academic_year_label(report.academic_year),
            term.label,
            term.start,
            term.deadline,
            row.label,
            *values,
            term.as_of,
        ]
        for term, term_rows in cells
        for row, values in term_rows
    ]
    if suppress_below:
        rows += [[], [footnote(suppress_below)]]
    label = academic_year_slug(report.academic_year)
    return csv_response(header, rows, f"pep-compliance-{label}.csv")


def outstanding_peps(request):
    """Children without a PEP completed in a term, with counts per officer and per school,
    and the term's initial PEPs not approved by their due dates."""
    user = request.user
    if not user.is_virtual_school_staff:
        raise Http404
    today = timezone.localdate()
    current, this_term = term_on(today)
    year, year_error = chosen_year(request, academic_years(current), current, academic_year_label)
    if year_error and request.GET.get("format") == "csv":
        return csv_for_another_year(request)
    terms = term_dates_for_year(year)
    default = this_term if year == current else terms[-1] if year < current else terms[0]
    term = next((t for t in terms if t.term.value == request.GET.get("term")), default)
    deadline = term_deadlines(year, terms)[term.term.value]
    children = children_for_user(user)
    rows = outstanding.outstanding(children, year, term, deadline, today)
    listed = (
        _chosen(request, rows)
        .select_related("current_school", "education_officer")
        .order_by("urgency", "last_name", "first_name", "pk")
    )
    initial = (
        _chosen(request, outstanding.initial_outstanding(children, year, term, today), "child__")
        .select_related("child", "child__current_school", "child__education_officer")
        .order_by("-overdue", "initial_due", "child__last_name", "pk")
    )
    overdue = today > deadline
    if request.GET.get("format") == "csv":
        which = "initial PEPs" if request.GET.get("list") == "initial" else "PEPs"
        shows(
            request,
            f"Downloaded outstanding {which}, {term.term.value.title()} term "
            f"{academic_year_label(year)} (CSV)",
            action=AuditEntry.Action.EXPORTED,
        )
        label = f"{academic_year_slug(year)}-{term.term.value}"
        if request.GET.get("list") == "initial":
            return _initial_csv(initial, label)
        return _outstanding_csv(listed, overdue, label)
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    if year_error:  # the downloads and filters carry the year shown
        params["year"] = academic_year_slug(year)
    initial_total = initial.count()
    shows(
        request,
        f"Outstanding PEPs, {term.term.value.title()} term {academic_year_label(year)}: "
        f"{page_extent(page, 'children')}; initial PEPs: {min(initial_total, INITIAL_SHOWN)} "
        f"of {initial_total}; filters: {params.urlencode() or 'none'}",
    )
    return render(
        request,
        "reports/outstanding.html",
        {
            "initial": [
                (ep, outstanding.state_label(ep.pep_state, ep.overdue))
                for ep in initial[:INITIAL_SHOWN]
            ],
            "initial_total": initial_total,
            "initial_days": settings.VSCHOOL_INITIAL_PEP_DAYS,
            "initial_unit": settings.VSCHOOL_INITIAL_PEP_UNIT.replace("_", " "),
            "page": page,
            "pagination": pagination(page, params),
            "overdue": overdue,
            "labels": [outstanding.state_label(state, overdue) for state in outstanding.STATES],
            "tables": [
                ("officer", "education_officer", outstanding.by_officer(rows)),
                ("school", "current_school", outstanding.by_school(rows)),
            ],
            "term": term,
            "deadline": deadline,
            "terms": terms,
            "year_value": academic_year_slug(year),
            "year_label": academic_year_label(year),
            "query": params.urlencode(),
            "years": [
                (academic_year_slug(y), academic_year_label(y)) for y in academic_years(current)
            ],
            "year_error": year_error,
            "filtered": any(request.GET.get(f) for f in ("education_officer", "current_school")),
        },
    )


# The outstanding initial PEPs listed on the page; the CSV has them all.
INITIAL_SHOWN = 100


def _chosen(request, rows, prefix: str = ""):
    """`rows` for the officer or school chosen on the page ("none": not allocated)."""
    for field in ("education_officer", "current_school"):
        chosen = request.GET.get(field, "")
        chosen_id = int_param(chosen)
        if chosen == "none":
            rows = rows.filter(**{f"{prefix}{field}__isnull": True})
        elif chosen_id is not None:
            rows = rows.filter(**{f"{prefix}{field}": chosen_id})
    return rows


def _initial_csv(rows, label: str) -> StreamingHttpResponse:
    header = [
        "Reference",
        "Name",
        "Date of birth",
        "Care began",
        "Initial PEP due",
        "School",
        "Officer",
        "PEP",
    ]
    lines = (
        [
            ep.child.reference,
            ep.child.full_name,
            ep.child.date_of_birth,
            ep.decom,
            ep.initial_due,
            ep.child.current_school.name if ep.child.current_school else "",
            str(ep.child.education_officer or ""),
            outstanding.state_label(ep.pep_state, ep.overdue),
        ]
        for ep in rows.iterator(chunk_size=2000)
    )
    return csv_response(header, lines, f"outstanding-initial-peps-{label}.csv")


def _outstanding_csv(rows, overdue: bool, label: str) -> StreamingHttpResponse:
    lines = (
        [
            child.reference,
            child.full_name,
            child.date_of_birth,
            child.current_school.name if child.current_school else "",
            str(child.education_officer or ""),
            outstanding.state_label(child.pep_state, overdue),
        ]
        for child in rows.iterator(chunk_size=2000)
    )
    header = ["Reference", "Name", "Date of birth", "School", "Officer", "PEP"]
    return csv_response(header, lines, f"outstanding-peps-{label}.csv")
