"""The PP+ dashboard, its CSV and the impact report: for the Virtual School team and
governors (governors without school rows, small counts hidden)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.audit.seen import shows
from vschool.calendar.rules import (
    academic_year_label,
    academic_year_slug,
    academic_year_start,
    financial_year_label,
    financial_year_start,
    parse_year,
)
from vschool.calendar.selectors import term_on
from vschool.funding import dashboard as figures
from vschool.funding import impact as outcomes
from vschool.funding.rules import financial_year_of_term
from vschool.kit.spreadsheets import csv_response

YEARS_BACK = 5


def _require_reader(user) -> None:
    if not (user.is_virtual_school_staff or user.role == Role.GOVERNOR):
        raise Http404


def _suppress_below(user) -> int | None:
    return None if user.sees_children else settings.VSCHOOL_SUPPRESS_BELOW


def _year(request, current: int, label) -> tuple[int, str]:
    """The year `?year=` names (calendar.rules.parse_year), else `current` with a message."""
    given = request.GET.get("year", "").strip()
    if not given:
        return current, ""
    year = parse_year(given)
    if year is None:
        return current, f"Enter a year like {label(current)}: showing {label(current)}"
    return year, ""


def _years(current: int, chosen: int, label) -> list[tuple[str, str]]:
    """The years offered in the year switch: next year, this one and those before."""
    years = sorted({*range(current + 1, current - YEARS_BACK, -1), chosen}, reverse=True)
    return [(label(y), label(y)) for y in years]


def _grant_url(user, year: int) -> str:
    """The year's grant page, for the Virtual School staff who may open it."""
    if not user.is_virtual_school_staff:
        return ""
    return f"{reverse('funding:grant')}?year={financial_year_label(year)}"


def _board(user, year: int, *, schools: bool = True) -> figures.Dashboard:
    """The year's figures as `user` may see them; `schools`: with the schools that have not
    claimed this term (staff only, and only in the financial year this term is paid from)."""
    today = timezone.localdate()
    current_term = None
    if schools and user.sees_children:
        academic_year, term = term_on(today)
        if financial_year_of_term(academic_year, term.term.value) == year:
            current_term = (academic_year, term.term.value)
    board = figures.dashboard(year, current_term)
    below = _suppress_below(user)
    return figures.for_governors(board, below) if below else board


def dashboard(request):
    """A financial year's PP+: the ledger's totals, where the money went, who has not claimed."""
    user = request.user
    _require_reader(user)
    current = financial_year_start(timezone.localdate())
    year, year_error = _year(request, current, financial_year_label)
    board = _board(user, year)
    return render(
        request,
        "funding/dashboard.html",
        {
            "board": board,
            "totals": board.totals,
            "year_label": financial_year_label(year),
            "year_value": financial_year_label(year),
            "years": _years(current, year, financial_year_label),
            "year_error": year_error,
            "grant_url": _grant_url(user, year),
            "footnote": figures.footnote(board.suppress_below) if board.suppress_below else "",
            "academic_year_label": academic_year_label,
        },
    )


def dashboard_csv(request):
    """The dashboard's figures as a CSV: the same rows the reader sees on the page."""
    user = request.user
    _require_reader(user)
    current = financial_year_start(timezone.localdate())
    year, year_error = _year(request, current, financial_year_label)
    if year_error:  # the page says what was wrong
        return redirect(f"{reverse('funding:dashboard')}?{request.GET.urlencode()}")
    board = _board(user, year, schools=False)
    label = financial_year_label(year)
    shows(request, f"Downloaded the PP+ dashboard {label} (CSV)", action=AuditEntry.Action.EXPORTED)
    header = ["Section", "Item", "Figure", "Pounds or percent", "Average per child"]
    return csv_response(header, figures.csv_rows(board), f"pp-plus-{label}.csv")


def impact(request):
    """Targets funded by PP+ in an academic year, and whether they were met, by strand."""
    user = request.user
    _require_reader(user)
    current = academic_year_start(timezone.localdate())
    year, year_error = _year(request, current, academic_year_slug)
    below = _suppress_below(user)
    rows = outcomes.impact(year)
    return render(
        request,
        "funding/impact.html",
        {
            "rows": [(row, _impact_cells(row, below)) for row in rows],
            "year_label": academic_year_label(year),
            "year_value": academic_year_slug(year),
            "years": [
                (academic_year_slug(y), academic_year_label(y))
                for y in sorted({*range(current, current - YEARS_BACK, -1), year}, reverse=True)
            ],
            "year_error": year_error,
            "suppress_below": below,
            "footnote": outcomes.footnote(below) if below else "",
        },
    )


def _impact_cells(row: outcomes.StrandImpact, below: int | None) -> list:
    """Allocations, met, partly met, not met, not yet reviewed, targets; for governors a
    count from 1 to below - 1 is None ("x"), and so is the row's total of targets then."""
    counts = [row.counts[key] for key in (*outcomes.OUTCOMES, outcomes.NOT_REVIEWED)]
    if below is None:
        return [row.allocations, *counts, row.targets]
    shown = [figures.hidden(count, below) for count in counts]
    total = None if None in shown else row.targets
    return [figures.hidden(row.allocations, below), *shown, total]
