"""Cells of the report tables, shared by the pages and the CSV downloads.

People without child-level access (governors) see them through
`vschool.reports.suppression` (rules.md 13): small counts, and every figure from which one
could be worked out, show as MARKER; a percentage shows only when its count and its base do.
"""

from collections.abc import Hashable
from dataclasses import dataclass

from vschool.calendar.rules import nc_years_for_phase
from vschool.cohort.selectors import Dashboard
from vschool.reports.selectors import ALL, ComplianceReport, PhaseRow, TermReport
from vschool.reports.suppression import MARKER, Table, hidden_cells, shown_value

NO_PEPS_DUE = "no PEPs due"
NONE_COMPLETED = "none completed"
COLUMNS = [
    "PEPs due",
    "Completed in term",
    "Completed in term %",
    "Initial PEPs due",
    "Initial PEPs in timescale",
    "Initial PEPs in timescale %",
    "Good or better %",
]
# Each row's counts: (shown, or None for a complement nobody is shown; total, parts).
_SHOWN = ("due", "completed", "good", "initial_due", "initial_in_time")
_COMPLEMENTS = (
    ("not_completed", "due", "completed"),
    ("not_good", "completed", "good"),
    ("initial_late", "initial_due", "initial_in_time"),
)


def pct_cell(
    value: float | None, count: Hashable, base: Hashable, hidden: set, empty: str
) -> str | float:
    """A percentage, MARKER when its count or its base is hidden, `empty` with no base."""
    if count in hidden or base in hidden:
        return MARKER
    return empty if value is None else value


def compliance_table(report: ComplianceReport) -> Table:
    """Every count of the PEP compliance report, with the relations a reader could use:
    each complement in a row, all phases the sum of the phases, the year the sum of its terms."""
    table = Table()
    terms = [*report.terms, report.year]
    for term in terms:
        for row in term.rows:
            key = (term.term, row.phase)
            for name in _SHOWN:
                table.show((*key, name), getattr(row, name))
            for name, total, part in _COMPLEMENTS:
                table.unshown((*key, name), getattr(row, total) - getattr(row, part))
                table.adds_up((*key, total), [(*key, part), (*key, name)])
            # Good or better is shown only as a share of those completed.
            table.bases[(*key, "good")] = (*key, "completed")
    names = [*_SHOWN, *(c[0] for c in _COMPLEMENTS)]
    for term in terms:
        phases = [row.phase for row in term.rows if row.phase != ALL]
        for name in names:
            table.adds_up((term.term, ALL, name), [(term.term, p, name) for p in phases])
    if report.terms:
        for row in report.year.rows:
            for name in names:
                table.adds_up(
                    (report.year.term, row.phase, name),
                    [(t.term, row.phase, name) for t in report.terms],
                )
    return table


def row_cells(term: TermReport, row: PhaseRow, hidden: set) -> list:
    """The row's seven values in COLUMNS order, MARKER for each figure `hidden`."""
    key = (term.term, row.phase)

    def count(name: str) -> int | str:
        return shown_value(getattr(row, name), (*key, name) in hidden)

    def pct(value: float | None, part: str, base: str, empty: str) -> str | float:
        return pct_cell(value, (*key, part), (*key, base), hidden, empty)

    return [
        count("due"),
        count("completed"),
        pct(row.completed_pct, "completed", "due", NO_PEPS_DUE),
        count("initial_due"),
        count("initial_in_time"),
        pct(row.initial_pct, "initial_in_time", "initial_due", NO_PEPS_DUE),
        pct(row.good_pct, "good", "completed", NONE_COMPLETED),
    ]


def compliance_cells(
    report: ComplianceReport, suppress_below: int | None
) -> list[tuple[TermReport, list[tuple[PhaseRow, list]]]]:
    """Each term, then the year, with each row and its cells; `suppress_below` None shows
    every figure."""
    hidden = hidden_cells(compliance_table(report), suppress_below)
    return [
        (term, [(row, row_cells(term, row, hidden)) for row in term.rows])
        for term in [*report.terms, report.year]
    ]


Shown = int | str


@dataclass
class ShownDashboard:
    """Home's counts as a governor sees them: each an int or MARKER."""

    total: Shown
    in_care: Shown
    by_cohort: list[tuple[str, str, Shown]]
    by_phase: list[tuple[str, str, Shown]]
    by_year_group: list[tuple[int, str, Shown]]
    in_borough: Shown
    out_of_borough: Shown
    placement_area_unknown: Shown
    new_into_care: Shown
    left_care: Shown
    no_current_school: Shown
    academic_year: int


def dashboard_shown(dashboard: Dashboard, suppress_below: int | None) -> ShownDashboard:
    """Home's counts as shown: MARKER for each figure hidden (rules.md 13), with the
    relations a reader could use: the cohorts add up to the roll, and "looked after now"
    is one of them; the placement areas add up to those looked after; the phases add up
    to the roll less those in no year group, and each phase to its year groups."""
    d = dashboard
    table = Table()
    for name in ("total", "in_care", "in_borough", "out_of_borough", "placement_area_unknown"):
        table.show(name, getattr(d, name))
    for name in ("new_into_care", "left_care", "no_current_school"):
        table.show(name, getattr(d, name))
    cohorts = [table.show(("cohort", code), n) for code, _label, n in d.by_cohort]
    table.adds_up("total", cohorts)
    if ("cohort", "cla") in table.values:
        table.adds_up("in_care", [("cohort", "cla")])
    table.adds_up("in_care", ["in_borough", "out_of_borough", "placement_area_unknown"])
    years = {n: table.show(("year", n), count) for n, _label, count in d.by_year_group}
    phases = [table.show(("phase", code), n) for code, _label, n in d.by_phase]
    for code, _label, _n in d.by_phase:
        table.adds_up(("phase", code), [years[n] for n in nc_years_for_phase(code) if n in years])
    in_phases = sum(n for _code, _label, n in d.by_phase)
    table.adds_up("total", [*phases, table.unshown("no_phase", d.total - in_phases)])
    hidden = hidden_cells(table, suppress_below)

    def shown(key: Hashable) -> int | str:
        return shown_value(table.values[key], key in hidden)

    return ShownDashboard(
        **{
            name: shown(name)
            for name in (
                "total",
                "in_care",
                "in_borough",
                "out_of_borough",
                "placement_area_unknown",
                "new_into_care",
                "left_care",
                "no_current_school",
            )
        },
        by_cohort=[(c, label, shown(("cohort", c))) for c, label, _n in d.by_cohort],
        by_phase=[(c, label, shown(("phase", c))) for c, label, _n in d.by_phase],
        by_year_group=[(n, label, shown(("year", n))) for n, label, _c in d.by_year_group],
        academic_year=d.academic_year,
    )
