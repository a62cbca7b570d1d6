"""The attendance dashboard (/attendance/) and its CSV (?format=csv): for the Virtual
School team. Designated teachers, social workers and governors get 404: the lists name
children across every school (a DT sees their school's children on the child pages)."""

import re

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from vschool.attendance import dashboard as selectors
from vschool.attendance.charts import bar_chart
from vschool.attendance.measures import ALL, COHORTS, OTHER, TERMS, trend_years
from vschool.audit.models import AuditEntry
from vschool.audit.seen import shows
from vschool.calendar.rules import PHASES, academic_year_label, academic_year_start, parse_year
from vschool.kit.pagination import page_extent, pagination
from vschool.kit.params import int_param
from vschool.kit.spreadsheets import csv_response

EARLIEST = 30  # years back a dashboard may be asked for
URN = re.compile(r"[0-9]{6,8}")
PERIODS = (("year", "The whole year"), *((v, f"{label} term") for v, label in TERMS))
PHASE_CHOICES = (("", "All phases"), *PHASES, (OTHER, "Outside Nursery 1 to Year 13"))


def _filters(request) -> tuple[selectors.Filters, dict[str, str]]:
    """The filters `?year=&period=&urn=&phase=&cohort=` ask for, with a message for each one
    that is not right (that filter is then left out)."""
    current = academic_year_start(timezone.localdate())
    errors: dict[str, str] = {}
    given = request.GET
    year = current
    if given.get("year", "").strip():
        asked = parse_year(given["year"].strip())
        if asked is None or not current - EARLIEST <= asked <= current + 1:
            errors["year"] = (
                f"Enter an academic year from {academic_year_label(current - EARLIEST)} "
                f"to {academic_year_label(current + 1)}, like {academic_year_label(current)}"
            )
        else:
            year = asked
    period = given.get("period", "year")
    if period not in dict(PERIODS):
        errors["period"] = "Choose the whole year or a term"
        period = "year"
    urn = given.get("urn", "").strip()
    if urn and not URN.fullmatch(urn):
        errors["urn"] = "Enter a school's URN: 6 to 8 digits, like 100001"
        urn = ""
    phase = given.get("phase", "")
    if phase not in dict(PHASE_CHOICES):
        errors["phase"] = "Choose a phase from the list"
        phase = ""
    cohort = given.get("cohort", ALL)
    if cohort not in dict(COHORTS):
        errors["cohort"] = "Choose all children or the 12-month cohort"
        cohort = ALL
    return selectors.Filters(year, period, urn, phase, cohort), errors


def _require_staff(user) -> None:
    if not user.is_virtual_school_staff:
        raise Http404


def dashboard(request):
    """A period's attendance: the headline figures beside England's, by phase, by term, the
    six-year trend, and a page of the children with the lowest attendance (or those
    persistently or severely absent)."""
    _require_staff(request.user)
    filters, errors = _filters(request)
    if request.GET.get("format") == "csv":
        return _csv(request, filters)
    board = selectors.board(filters)
    which = request.GET.get("list", "lowest")
    if which not in dict(selectors.LISTS):
        which = "lowest"
    rows, page = selectors.child_list(
        filters, which, int_param(request.GET.get("page")) or 1, board.overall
    )
    list_label = dict(selectors.LISTS)[which]
    shows(
        request,
        f"Attendance dashboard {academic_year_label(filters.year)}: {list_label.lower()}, "
        f"{page_extent(page, 'children')}",
    )
    chart = bar_chart(
        "Attendance over six years",
        "Attendance (% of possible sessions) in each academic year; the table below gives the figures.",
        [(label, group.sessions.attendance_pct) for label, group in board.trend],
    )
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return render(
        request,
        "attendance/dashboard.html",
        {
            "board": board,
            "filters": filters,
            "errors": errors,
            "year_label": academic_year_label(filters.year),
            "years": [
                (academic_year_label(y), academic_year_label(y))
                for y in reversed(trend_years(academic_year_start(timezone.localdate()) + 1))
            ],
            "periods": PERIODS,
            "period_label": dict(PERIODS)[filters.period],
            "phases": PHASE_CHOICES,
            "cohorts": COHORTS,
            "lists": selectors.LISTS,
            "which": which,
            "list_label": list_label,
            "rows": rows,
            "page": page,
            "pagination": pagination(page, request.GET),
            "chart": chart,
            "csv_query": query.urlencode(),
            "list_query": _without(request.GET, "list", "page"),
        },
    )


def _without(params, *names: str) -> str:
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _csv(request, filters: selectors.Filters):
    label = academic_year_label(filters.year)
    shows(
        request,
        f"Downloaded the attendance dashboard {label} (CSV)",
        action=AuditEntry.Action.EXPORTED,
    )
    return csv_response(
        selectors.CSV_HEADER,
        selectors.csv_rows(filters),
        f"attendance-{label.replace('/', '-')}.csv",
    )
