"""The PP+ dashboard's figures for a financial year (docs/funding.md, "The dashboard and
impact"), read for the dashboard page and its CSV.

The headline comes from ledger.year_totals, the one home of the year's totals; the tables
break the same money down (the split, by phase, by EEF Toolkit strand) and are counted in
the database, in a fixed number of queries whatever the number of children and allocations.
Governors see the same figures without school rows, and with children's counts below
settings.VSCHOOL_SUPPRESS_BELOW hidden (`for_governors`).
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from vschool.calendar.rules import (
    NC_YEARS,
    PHASES,
    academic_year_bounds,
    academic_year_label,
    financial_year_bounds,
    financial_year_label,
    nc_years_for_phase,
)
from vschool.codes import label
from vschool.cohort.models import Child, School
from vschool.cohort.querysets import nc_years_q, prefixed
from vschool.funding import rules
from vschool.funding.ledger import YearTotals, year_totals
from vschool.funding.models import Allocation, DirectSpend, Grant

OTHER = "other"
# Each phase with its NC years (vschool.calendar.rules), then the ages outside them all
# (a care leaver funded past Year 13): None stands for "in no phase".
_PHASES: list[tuple[str, str, list[int] | None]] = [
    *((value, name, nc_years_for_phase(value)) for value, name in PHASES),
    (OTHER, "Other ages", None),
]
# The schools that have not claimed are listed up to this many, most children first.
SCHOOLS_SHOWN = 100


@dataclass(frozen=True)
class SplitRow:
    label: str
    amount_pence: int
    percent: Decimal | None  # of everything allocated


@dataclass(frozen=True)
class PhaseRow:
    value: str
    label: str
    children: int | None  # funded in the phase; None: hidden (fewer than the threshold)
    total_pence: int
    average_pence: int | None  # per child, to the penny; None: no children, or hidden


@dataclass(frozen=True)
class StrandRow:
    code: str
    label: str
    count: int | None  # allocations and direct spends; None: hidden
    total_pence: int


@dataclass(frozen=True)
class SchoolRow:
    pk: int
    name: str
    children: int  # looked after now, on its roll


@dataclass(frozen=True)
class Unclaimed:
    """Schools with children looked after on roll and no PP+ allocation for a term's PEPs."""

    academic_year: int
    term: str
    schools: list[SchoolRow]  # at most SCHOOLS_SHOWN
    total: int  # how many schools in all

    @property
    def label(self) -> str:
        return f"{self.term.title()} term {academic_year_label(self.academic_year)}"


@dataclass(frozen=True)
class Dashboard:
    financial_year: int
    totals: YearTotals
    recorded: bool  # anything at all recorded for the year
    split: list[SplitRow]
    phases: list[PhaseRow]
    strands: list[StrandRow]
    unclaimed: Unclaimed | None  # None for governors
    eligible: int | None  # None: hidden for governors
    eligible_born: tuple[date, date]  # the dates of birth counted
    eligible_on: date  # the 31 August the ages are taken on
    suppress_below: int | None  # set when small counts are hidden

    @property
    def year_first(self) -> date:
        return financial_year_bounds(self.financial_year)[0]

    @property
    def year_last(self) -> date:
        return financial_year_bounds(self.financial_year)[1]

    @property
    def split_total_pence(self) -> int:
        return sum(row.amount_pence for row in self.split)

    @property
    def phases_total_pence(self) -> int:
        return sum(row.total_pence for row in self.phases)

    @property
    def strands_total_pence(self) -> int:
        return sum(row.total_pence for row in self.strands)


def funded_allocations(financial_year: int) -> QuerySet[Allocation]:
    """The year's PEP allocations that give a child money: approved, above nothing."""
    return Allocation.objects.filter(
        financial_year=financial_year, status=Allocation.Status.APPROVED, amount_pence__gt=0
    )


def direct_spends(financial_year: int) -> QuerySet[DirectSpend]:
    return DirectSpend.objects.filter(financial_year=financial_year)


def split(totals: YearTotals) -> list[SplitRow]:
    """Where the year's allocated money goes, in four parts that add up to allocated_pence."""
    parts = [
        (
            "PEP allocations to schools (with adjustments)",
            totals.pep_allocations_pence + totals.adjustments_pence,
        ),
        ("Direct support to children", totals.direct_support_pence),
        ("Training", totals.training_pence),
        ("Other centrally retained budget lines", totals.retained_pence),
    ]
    whole = totals.allocated_pence
    return [SplitRow(name, amount, rules.percent(amount, whole)) for name, amount in parts]


def _academic_years(financial_year: int) -> tuple[int, int]:
    """The academic years a financial year's terms and days fall in: April to August of
    the one before, September to March of its own."""
    return financial_year - 1, financial_year


def _in_phase(years: list[int] | None, academic_year: int, prefix: str = "") -> Q:
    """A child (or a row's child, through `prefix`) in the phase in the academic year."""
    if years is None:
        return ~prefixed(nc_years_q(list(NC_YEARS), academic_year), prefix)
    return prefixed(nc_years_q(years, academic_year), prefix)


def _spent_in(academic_year: int) -> Q:
    return Q(date__range=academic_year_bounds(academic_year))


def _phase_case(when_in: list[tuple[Q, int]], prefix: str = "") -> Case:
    """The phase (a _PHASES value) of a row's child: for each (condition, academic year),
    rows meeting the condition take the phase of the child's year group in that academic
    year; any other row is OTHER."""
    whens = [
        When(condition & _in_phase(years, ay, prefix), then=Value(value))
        for condition, ay in when_in
        for value, _, years in _PHASES
        if years is not None
    ]
    return Case(*whens, default=Value(OTHER), output_field=CharField())


def by_phase(financial_year: int) -> list[PhaseRow]:
    """Children funded, money and the average per child in each phase (three grouped
    queries, each a handful of rows whatever the number of children).

    A child's phase is the one of their year group (calendar.rules.phase, the school's
    teaching out of their age group included) in the academic year of the allocation's
    term or the direct spend's date; a child funded in two phases counts in both. Every
    approved allocation and direct spend is in exactly one row ("Other ages" takes those in
    no phase), so the rows' money adds up to the year's PEP allocations and direct support.
    """
    allocations, spends = funded_allocations(financial_year), direct_spends(financial_year)
    years = _academic_years(financial_year)
    money: dict[str, int] = dict.fromkeys((value for value, _, _ in _PHASES), 0)
    for queryset, condition in (
        (allocations, lambda ay: Q(academic_year=ay)),
        (spends, _spent_in),
    ):
        grouped = (
            queryset.annotate(phase=_phase_case([(condition(ay), ay) for ay in years], "child__"))
            .order_by()
            .values("phase")
            .annotate(total=Sum("amount_pence"))
        )
        for group in grouped:  # one row per phase
            money[group["phase"]] += group["total"] or 0
    # Each funded child with their phase and whether they were funded in each of the two
    # academic years; grouped, so the rows are the combinations, not the children.
    flags: dict[str, Any] = {}
    for n, ay in enumerate(years):
        flags[f"phase_{n}"] = _phase_case([(Q(), ay)])
        flags[f"funded_{n}"] = ExpressionWrapper(
            Q(Exists(allocations.filter(child=OuterRef("pk"), academic_year=ay)))
            | Q(Exists(spends.filter(_spent_in(ay), child=OuterRef("pk")))),
            output_field=BooleanField(),
        )
    combinations = (
        Child.objects.filter(
            Exists(allocations.filter(child=OuterRef("pk")))
            | Exists(spends.filter(child=OuterRef("pk")))
        )
        .annotate(**flags)
        .order_by()
        .values(*flags)
        .annotate(n=Count("pk"))
    )
    children: dict[str, int] = dict.fromkeys(money, 0)
    for group in combinations:
        phases = {group[f"phase_{n}"] for n in range(len(years)) if group[f"funded_{n}"]}
        for phase in phases:
            children[phase] += group["n"]
    rows = []
    for value, name, _ in _PHASES:
        total, count = money[value], children[value]
        if value == OTHER and not (count or total):
            continue
        average = rules.pence(Decimal(total) / 100 / count) if count else None
        rows.append(PhaseRow(value, name, count, total, average))
    return rows


def by_strand(financial_year: int) -> list[StrandRow]:
    """Allocations and direct spends, and their money, per EEF Toolkit strand (two
    queries); the most money first."""
    found: dict[str, tuple[int, int]] = {}
    for queryset in (funded_allocations(financial_year), direct_spends(financial_year)):
        grouped = (
            queryset.order_by()
            .values("eef_strand")
            .annotate(n=Count("pk"), total=Sum("amount_pence"))
        )
        for group in grouped:  # one row per strand, never per child
            n, total = found.get(group["eef_strand"], (0, 0))
            found[group["eef_strand"]] = (n + group["n"], total + (group["total"] or 0))
    rows = [
        StrandRow(code, label("eef_toolkit_strands", code) or "Not recorded", n, total)
        for code, (n, total) in found.items()
    ]
    return sorted(rows, key=lambda row: (-row.total_pence, row.label))


def unclaimed_schools(academic_year: int, term: str) -> Unclaimed:
    """Schools with children looked after now on their roll (Child.in_care, by current
    school) none of whom has a PP+ allocation, of any status, for the term's PEPs (two
    queries)."""
    claimed = Allocation.objects.filter(
        child__current_school=OuterRef("pk"),
        child__in_care=True,
        academic_year=academic_year,
        term=term,
    )
    schools = (
        School.objects.annotate(on_roll=Count("children", filter=Q(children__in_care=True)))
        .filter(on_roll__gt=0)
        .exclude(Exists(claimed))
    )
    shown = schools.order_by("-on_roll", "name", "pk").values("pk", "name", "on_roll")
    return Unclaimed(
        academic_year,
        term,
        [SchoolRow(s["pk"], s["name"], s["on_roll"]) for s in shown[:SCHOOLS_SHOWN]],
        schools.count(),
    )


def recorded(financial_year: int, totals: YearTotals) -> bool:
    """Whether anything is recorded for the year: a grant, money allocated or paid."""
    return bool(
        totals.allocated_pence
        or totals.paid_pence
        or Grant.objects.filter(financial_year=financial_year).exists()
    )


def hidden(count: int | None, below: int | None) -> int | None:
    """`count`, or None when it is from 1 to `below` - 1 (a governor's small count)."""
    if count is None or below is None:
        return count
    return None if 0 < count < below else count


def for_governors(board: Dashboard, below: int) -> Dashboard:
    """The dashboard without school rows, children's counts below `below` hidden, and the
    average per child hidden with the count it would reveal."""
    phases = [
        replace(
            row,
            children=hidden(row.children, below),
            average_pence=row.average_pence if hidden(row.children, below) is not None else None,
        )
        for row in board.phases
    ]
    strands = [replace(row, count=hidden(row.count, below)) for row in board.strands]
    return replace(
        board,
        phases=phases,
        strands=strands,
        unclaimed=None,
        eligible=hidden(board.eligible, below),
        suppress_below=below,
    )


def dashboard(financial_year: int, current_term: tuple[int, str] | None) -> Dashboard:
    """The year's dashboard as staff see it; `current_term` (academic year, term) lists the
    schools that have not claimed for it, None leaves them out."""
    totals = year_totals(financial_year)
    any_recorded = recorded(financial_year, totals)
    return Dashboard(
        financial_year=financial_year,
        totals=totals,
        recorded=any_recorded,
        split=split(totals),
        phases=by_phase(financial_year) if any_recorded else [],
        strands=by_strand(financial_year) if any_recorded else [],
        unclaimed=unclaimed_schools(*current_term) if current_term else None,
        eligible=totals.eligible,
        eligible_born=rules.eligible_birth_dates(financial_year),
        eligible_on=date(rules.eligibility_academic_year(financial_year), 8, 31),
        suppress_below=None,
    )


def csv_rows(board: Dashboard) -> list[list]:
    """The page's figures as CSV rows (Section, Item, then figures), the same for the
    same reader: pounds as numbers to the penny, hidden counts as "x"."""
    t = board.totals
    year = financial_year_label(board.financial_year)

    def shown(value: int | None) -> int | str:
        return "x" if value is None else value

    rows: list[list] = [
        ["Financial year", year, "", "", ""],
        [
            "Headline",
            "Grant" + (" (received)" if t.received_pence is not None else " (expected)"),
            rules.pounds_decimal(t.grant_pence),
            "",
            "",
        ],
        ["Headline", "Rate per eligible child", rules.pounds_decimal(t.rate_pence), "", ""],
        ["Headline", "Eligible children", shown(board.eligible), "", ""],
        ["Headline", "Allocated", rules.pounds_decimal(t.allocated_pence), "", ""],
        ["Headline", "Committed", rules.pounds_decimal(t.committed_pence), "", ""],
        ["Headline", "Paid", rules.pounds_decimal(t.paid_pence), "", ""],
        ["Headline", "Remaining", rules.pounds_decimal(t.remaining_pence), "", ""],
    ]
    rows += [
        [
            "Split (pounds, percent of allocated)",
            row.label,
            rules.pounds_decimal(row.amount_pence),
            row.percent,
            "",
        ]
        for row in board.split
    ]
    rows += [
        [
            "By phase (children, pounds, average per child)",
            row.label,
            shown(row.children),
            rules.pounds_decimal(row.total_pence),
            rules.pounds_decimal(row.average_pence)
            if row.average_pence is not None
            else ("x" if row.children is None else ""),
        ]
        for row in board.phases
    ]
    rows += [
        [
            "By EEF Toolkit strand (allocations and direct spends, pounds)",
            row.label,
            shown(row.count),
            rules.pounds_decimal(row.total_pence),
            "",
        ]
        for row in board.strands
    ]
    if board.suppress_below:
        rows += [[], [footnote(board.suppress_below)]]
    return rows


def footnote(below: int) -> str:
    """What "x" means on a governor's dashboard and in their CSV."""
    return (
        f"x: fewer than {below} children, hidden to protect children's identities, with the "
        "average per child that would reveal it. 0 is shown."
    )
