"""Small-number suppression recovers nothing (rules.md 13).

Reports are built from generated counts, small and zero among them, and read as a governor
reads them: the PEP compliance CSV and page, the SSDA903-year CSV and page, Home. The
relations a reader could use are written out here again, independently of the code under
test, and checked on what is shown:

- every shown figure is the true one, 0 is shown, and every count from 1 to 4 is hidden;
- in every additive relation (a total and its parts; a figure and its complement, such as
  completed and not completed making up those due), after working out every figure the
  shown ones give away, either nothing is unknown or at least two figures are, and no
  hidden figure, nor a small complement nobody is shown, is among those worked out;
- beyond single relations, solving all of them together determines no small figure;
- a percentage is shown only with its count and its base.
"""

import csv
import io
import re
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vschool.accounts.models import Role
from vschool.calendar.rules import NC_YEARS, PHASES, nc_year_label, nc_years_for_phase
from vschool.cohort.querysets import COHORTS
from vschool.cohort.selectors import Dashboard
from vschool.reports.care_year import CareYear
from vschool.reports.selectors import ALL, WHOLE_YEAR, ComplianceReport, PhaseRow, TermReport
from vschool.reports.suppression import Table, hidden_cells

BELOW = 5
X = "x"
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Counts as a small authority has them: mostly small, many zeros, now and then larger.
count = st.one_of(st.integers(0, 6), st.integers(0, 30))


# --- The independent check ------------------------------------------------------------


class Reading:
    """What a reader knows: shown figures (key -> value), unknown ones, and relations."""

    def __init__(self):
        self.truth: dict = {}
        self.shown: dict = {}
        self.relations: list[tuple] = []

    def cell(self, key, true: int, shown: str | int | None) -> None:
        """A figure with its truth; `shown` None for one nobody is shown, X for hidden."""
        self.truth[key] = true
        if shown is None or shown == X:
            return
        assert int(shown) == true, f"{key} shown as {shown}, is {true}"
        self.shown[key] = true

    def adds_up(self, total, parts) -> None:
        self.relations.append((total, tuple(parts)))

    def check(self, published: set, shares: frozenset = frozenset()) -> None:
        """`shares`: figures shown only as a percentage, hidden with their base, 0 too."""
        for key in published:
            if 0 < self.truth[key] < BELOW:
                assert key not in self.shown, f"{key} = {self.truth[key]} is shown"
            if self.truth[key] == 0 and key not in shares:
                assert key in self.shown, f"{key} = 0 is hidden"
        hidden = published - set(self.shown)
        small = {k for k, v in self.truth.items() if 0 < v < BELOW}
        protected = hidden | small
        # Work out all that single relations give away, to the end.
        known = set(self.shown)
        changed = True
        while changed:
            changed = False
            for total, parts in self.relations:
                unknown = [c for c in (total, *parts) if c not in known]
                if len(unknown) == 1:
                    known.add(unknown[0])
                    changed = True
        for total, parts in self.relations:
            unknown = [c for c in (total, *parts) if c not in known]
            assert len(unknown) != 1
        worked_out = protected & known
        assert not worked_out, f"worked out from what is shown: {sorted(map(str, worked_out))}"
        # All relations together: no small figure is determined.
        determined = _determined(self.relations, known)
        assert not (determined & small), f"determined: {sorted(map(str, determined & small))}"


def _determined(relations, known: set) -> set:
    """The unknowns fixed by the relations together: pivots of the reduced system whose
    rows have no free unknowns."""
    rows = []
    for total, parts in relations:
        row: dict = {}
        for key, sign in ((total, 1), *((p, -1) for p in parts)):
            if key not in known:
                row[key] = row.get(key, 0) + sign
        row = {k: Fraction(v) for k, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: dict = {}
    for row in rows:
        for key, pivot_row in pivots.items():
            if key in row:
                factor = row[key]
                for k, v in pivot_row.items():
                    row[k] = row.get(k, 0) - factor * v
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        key = next(iter(row))
        scale = row[key]
        row = {k: v / scale for k, v in row.items()}
        for other_key, other in pivots.items():
            if key in other:
                factor = other[key]
                for k, v in row.items():
                    other[k] = other.get(k, 0) - factor * v
                pivots[other_key] = {k: v for k, v in other.items() if v}
        pivots[key] = row
    return {key for key, row in pivots.items() if len(row) == 1}


def test_the_check_finds_a_complement_given_away():
    reading = Reading()
    reading.cell("due", 20, 20)
    reading.cell("completed", 16, 16)
    reading.cell("not completed", 4, None)
    reading.adds_up("due", ["completed", "not completed"])
    with pytest.raises(AssertionError, match="worked out"):
        reading.check({"due", "completed"})


def test_the_check_finds_a_figure_only_several_relations_give_away():
    # x + y = 5, y + z = 5, x + z = 6: each relation has two unknowns, yet x = 3.
    reading = Reading()
    for key, value in (("x", 3), ("y", 2), ("z", 3), ("a", 5), ("b", 5), ("c", 6)):
        reading.cell(key, value, X if key in "xyz" else value)
    reading.adds_up("a", ["x", "y"])
    reading.adds_up("b", ["y", "z"])
    reading.adds_up("c", ["x", "z"])
    with pytest.raises(AssertionError, match="determined"):
        reading.check(set("xyzabc"))


def test_the_module_hides_a_complements_partner():
    table = Table()
    table.show("due", 20)
    table.show("completed", 16)
    table.unshown("not completed", 4)
    table.adds_up("due", ["completed", "not completed"])
    assert hidden_cells(table, BELOW) == {"completed"}
    assert hidden_cells(table, None) == set()


# --- The PEP compliance report --------------------------------------------------------

TERMS = ("autumn", "spring", "summer")
MEASURES = ("due", "completed", "good", "initial_due", "initial_in_time")
COMPLEMENTS = (
    ("not_completed", "due", "completed"),
    ("not_good", "completed", "good"),
    ("initial_late", "initial_due", "initial_in_time"),
)


@st.composite
def phase_rows(draw, phase: str, label: str) -> PhaseRow:
    due = draw(count)
    completed = draw(st.integers(0, due))
    initial_due = draw(st.integers(0, 8))
    return PhaseRow(
        phase,
        label,
        due=due,
        completed=completed,
        good=draw(st.integers(0, completed)),
        initial_due=initial_due,
        initial_in_time=draw(st.integers(0, initial_due)),
    )


def _with_all(rows: list[PhaseRow]) -> list[PhaseRow]:
    combined = PhaseRow(ALL, "All phases")
    for row in rows:
        combined.add(row)
    return [*rows, combined]


@st.composite
def compliance_reports(draw) -> ComplianceReport:
    begun = draw(st.integers(1, 3))
    terms = [
        TermReport(
            term,
            date(2025, 9 + n, 1),
            date(2025, 9 + n, 20),
            _with_all([draw(phase_rows(value, label)) for value, label in PHASES]),
        )
        for n, term in enumerate(TERMS[:begun])
    ]
    totals = _with_all([PhaseRow(value, label) for value, label in PHASES])
    for term in terms:
        for total, row in zip(totals, term.rows, strict=True):
            total.add(row)
    year = TermReport(WHOLE_YEAR, date(2025, 9, 1), date(2026, 8, 31), totals)
    return ComplianceReport(2025, terms, year, [])


def _compliance_reading(report: ComplianceReport, shown: dict) -> tuple[Reading, set]:
    """`shown`: (term label, phase label) -> the seven CSV cells."""
    reading, published = Reading(), set()
    tables = [*report.terms, report.year]
    for term in tables:
        for row in term.rows:
            due, completed, completed_pct, initial_due, in_time, initial_pct, good_pct = shown[
                (term.label, row.label)
            ]
            key = (term.term, row.phase)
            for name, value in (
                ("due", due),
                ("completed", completed),
                ("initial_due", initial_due),
                ("initial_in_time", in_time),
            ):
                reading.cell((*key, name), getattr(row, name), value)
                published.add((*key, name))
            for pct, part, base in (
                (completed_pct, completed, due),
                (initial_pct, in_time, initial_due),
            ):
                if pct != X:
                    assert X not in (part, base), f"{key}: a percentage beside a hidden count"
            # Good or better is shown only as a share of those completed: it gives the count.
            if good_pct != X:
                assert completed != X
            good = row.good if good_pct != X else X
            reading.cell((*key, "good"), row.good, good)
            published.add((*key, "good"))
            for name, total, part in COMPLEMENTS:
                reading.cell((*key, name), getattr(row, total) - getattr(row, part), None)
                reading.adds_up((*key, total), [(*key, part), (*key, name)])
    names = [*MEASURES, *(c[0] for c in COMPLEMENTS)]
    for term in tables:
        for name in names:
            reading.adds_up((term.term, ALL, name), [(term.term, p, name) for p, _label in PHASES])
    for value, _label in [*PHASES, (ALL, "")]:
        for name in names:
            reading.adds_up(
                (WHOLE_YEAR, value, name), [(t.term, value, name) for t in report.terms]
            )
    return reading, published


def _get(client, monkeypatch, target: str, report, url: str, **params):
    monkeypatch.setattr(target, lambda *args, **kwargs: report)
    return client.get(url, params).getvalue().decode("utf-8-sig")  # a page or a CSV


def _cells(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", c).strip()
        for c in re.findall(
            r'<td class="govuk-table__cell govuk-table__cell--numeric">(.*?)</td>', page, re.S
        )
    ]


@pytest.mark.django_db
@HYPOTHESIS
@given(report=compliance_reports())
def test_a_governor_recovers_nothing_from_the_pep_report(client, personas, monkeypatch, report):
    client.force_login(personas[Role.GOVERNOR])
    target = "vschool.reports.views.pep_compliance"
    text = _get(client, monkeypatch, target, report, "/reports/peps/", year="2025-26", format="csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[-1][0].startswith("x: fewer than 5, or a figure from which one could be")
    shown = {(r[1], r[4]): r[5:12] for r in rows[1:] if len(r) > 5}
    reading, published = _compliance_reading(report, shown)
    reading.check(published, frozenset(k for k in published if k[-1] == "good"))
    # The page shows what the CSV does.
    page = _get(client, monkeypatch, target, report, "/reports/peps/", year="2025-26")
    expected = []
    for term in [*report.terms, report.year]:
        for row in term.rows:
            c = [
                f"{v}%" if re.fullmatch(r"[\d.]+", v) and "." in v else v
                for v in shown[(term.label, row.label)]
            ]
            expected += [c[0], f"{c[1]} ({c[2]})", f"{c[4]}/{c[3]} ({c[5]})", c[6]]
    assert _cells(page) == expected
    assert "x: fewer than 5, or a figure from which one could be worked out" in page


@pytest.mark.django_db
@HYPOTHESIS
@given(report=compliance_reports())
def test_staff_see_every_figure_of_the_pep_report(client, personas, monkeypatch, report):
    client.force_login(personas[Role.OFFICER])
    text = _get(
        client,
        monkeypatch,
        "vschool.reports.views.pep_compliance",
        report,
        "/reports/peps/",
        year="2025-26",
        format="csv",
    )
    rows = [r for r in csv.reader(io.StringIO(text))][1:]
    assert all(X not in r for r in rows) and len(rows) == 5 * (len(report.terms) + 1)


# --- The SSDA903 year -----------------------------------------------------------------


@st.composite
def care_years(draw) -> CareYear:
    looked_after = draw(count)
    over = draw(st.booleans())
    last = date(2025, 3, 31)
    return CareYear(
        start=2024,
        first=date(2024, 4, 1),
        last=last,
        as_of=last if over else date(2024, 12, 4),
        looked_after=looked_after,
        started=draw(count),
        ceased=draw(count),
        twelve_months=draw(st.integers(0, looked_after)),
        many_placements=draw(st.integers(0, looked_after)),
        national={},
    )


@pytest.mark.django_db
@HYPOTHESIS
@given(report=care_years())
def test_a_governor_recovers_nothing_from_the_care_year(client, personas, monkeypatch, report):
    client.force_login(personas[Role.GOVERNOR])
    target = "vschool.reports.care_year_views.care_year_figures"
    url = "/reports/care-year/"
    text = _get(client, monkeypatch, target, report, url, year="2024-25", format="csv")
    rows = list(csv.reader(io.StringIO(text)))
    values = [r[5] for r in rows[1:6]]
    many_pct = rows[5][6]
    assert rows[-1][0].startswith("x: fewer than 5")
    reading = Reading()
    names = ("looked_after", "started", "ceased", "twelve_months", "many_placements")
    for name, value in zip(names, values, strict=True):
        reading.cell(name, getattr(report, name), value)
    if many_pct != X:
        assert X not in (values[0], values[4])
    reading.cell("fewer", report.looked_after - report.many_placements, None)
    reading.cell("under_12", report.looked_after - report.twelve_months, None)
    reading.adds_up("looked_after", ["many_placements", "fewer"])
    reading.adds_up("looked_after", ["twelve_months", "under_12"])
    reading.check(set(names))
    page = _get(client, monkeypatch, target, report, url, year="2024-25")
    shown = _cells(page)[0::2]  # ours, then England's
    assert shown[:4] == values[:4]
    pct = f"{many_pct}%" if many_pct not in (X, "none looked after") else many_pct
    assert shown[4] == f"{values[4]} ({pct})"


# --- Home -----------------------------------------------------------------------------


@st.composite
def dashboards(draw) -> Dashboard:
    years = []
    for _n in NC_YEARS:
        years.append(draw(st.one_of(st.integers(0, 3), st.integers(0, 12))))
    total = sum(years) + draw(st.integers(0, 6))  # and some in no year group
    cohorts, left = [], total
    for _code, _label, _q in COHORTS[1:]:
        n = draw(st.integers(0, left))
        cohorts.append(n)
        left -= n
    in_care = left
    in_borough = draw(st.integers(0, in_care))
    out = draw(st.integers(0, in_care - in_borough))
    return Dashboard(
        total=total,
        in_care=in_care,
        by_cohort=[
            (code, label, n)
            for (code, label, _q), n in zip(COHORTS, [in_care, *cohorts], strict=True)
        ],
        by_phase=[
            (v, label, sum(years[NC_YEARS.index(n)] for n in nc_years_for_phase(v)))
            for v, label in PHASES
        ],
        by_year_group=[(n, nc_year_label(n), c) for n, c in zip(NC_YEARS, years, strict=True)],
        in_borough=in_borough,
        out_of_borough=out,
        placement_area_unknown=in_care - in_borough - out,
        new_into_care=draw(count),
        left_care=draw(count),
        no_current_school=draw(st.integers(0, in_care)),
        academic_year=2025,
    )


def _stat(page: str, label: str) -> str:
    before = page.split(f'<span class="app-stat__label">{label}</span>')[0]
    return before.rsplit('<span class="app-stat__value">', 1)[1].split("</span>")[0].strip()


@pytest.mark.django_db
@HYPOTHESIS
@given(d=dashboards())
def test_a_governor_recovers_nothing_from_home(client, personas, monkeypatch, d):
    client.force_login(personas[Role.GOVERNOR])
    page = _get(client, monkeypatch, "vschool.pages.views.home.dashboard_for", d, "/")
    if d.total == 0:
        return
    rows = {
        re.sub(r"<[^>]+>", "", th).strip(): td.strip().replace(",", "")
        for th, td in re.findall(
            r'<th scope="row" class="govuk-table__header[^"]*">(.*?)</th>'
            r'<td class="govuk-table__cell govuk-table__cell--numeric">(.*?)</td>',
            page,
            re.S,
        )
    }
    reading = Reading()
    for name, label in (
        ("total", "children on the roll"),
        ("in_care", "looked after now"),
        ("new_into_care", "new into care this academic year"),
        ("left_care", "left care this academic year"),
    ):
        reading.cell(name, getattr(d, name), _stat(page, label).replace(",", ""))
    for name, label in (
        ("in_borough", "In our area"),
        ("out_of_borough", "Out of our area"),
        ("placement_area_unknown", "Not recorded"),
    ):
        reading.cell(name, getattr(d, name), rows[label])
    label = "Children of school age (Reception to Year 11) looked after with no current school"
    reading.cell("no_current_school", d.no_current_school, rows[label])
    for code, label, n in d.by_cohort:
        reading.cell(("cohort", code), n, rows[label])
    for code, label, n in d.by_phase:
        reading.cell(("phase", code), n, rows[label])
        reading.adds_up(("phase", code), [("year", y) for y in nc_years_for_phase(code)])
    for y, label, n in d.by_year_group:
        reading.cell(("year", y), n, rows[label])
    reading.cell("no_phase", d.total - sum(n for _c, _l, n in d.by_phase), None)
    reading.adds_up("total", [("cohort", c) for c, _l, _n in d.by_cohort])
    reading.adds_up("total", [*(("phase", c) for c, _l, _n in d.by_phase), "no_phase"])
    reading.adds_up("in_care", [("cohort", "cla")])
    reading.adds_up("in_care", ["in_borough", "out_of_borough", "placement_area_unknown"])
    reading.check(set(reading.truth) - {"no_phase"})
