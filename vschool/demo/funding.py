"""Invented Pupil Premium Plus for the demo: last financial year and this one.

For each year: the grant (the published rate times the eligible count; received last year,
still expected this year), the Early Years Pupil Premium line, the Head's policy, a
centrally retained budget line in every category with its dated spending, and a few
purchases made directly for children, all written in bulk with the models as plain
records. Then (demo_allocations_and_runs) a decision on every PEP that asks for PP+ and a
payment run for each term: a few decisions of each kind a term and every run go through
the funding services, the rest of the decisions are written in bulk as the services would
store them, so the demo stays quick at national scale.

Every amount is whole pence (funding.rules.pence), and every date is worked out from
`today`, so the same seed on the same day gives the same ledger.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Value, When

from vschool.accounts.models import User
from vschool.calendar.rules import financial_year_bounds, financial_year_label, financial_year_start
from vschool.codes import code_list
from vschool.cohort.models import Child, SchoolPlacement
from vschool.demo.draw import day_between
from vschool.funding.allocations import (
    Decision,
    check_amount,
    chosen_targets,
    decide,
    policy_for,
    record_allocation,
    release_on_regrade,
    strand,
)
from vschool.funding.errors import FundingError
from vschool.funding.ledger import year_totals
from vschool.funding.models import (
    Adjustment,
    Allocation,
    BudgetLine,
    DirectSpend,
    Grant,
    PaymentLine,
    PaymentRun,
    Policy,
    Spend,
)
from vschool.funding.policy import default_threshold
from vschool.funding.querysets import eligible_children
from vschool.funding.rules import (
    financial_year_of_term,
    meets_threshold,
    pence,
)
from vschool.funding.runs import add_adjustment, build_run, cancel_run, confirm_run
from vschool.peps.models import Pep, PepSection

_BATCH = 1000

# The Head's policy in both demo years: £600 a term, at most £1,800 a year for a child.
PER_TERM_PENCE = pence(600)
YEARLY_CAP_PENCE = pence(1800)
THRESHOLD = "Green"

# The centrally retained "top-slice", as a share of the grant, and how it is split.
TOP_SLICE = 0.30
Category = BudgetLine.Category
# (category, name, share of the top-slice, what the spending entries say)
BUDGET_LINES = (
    (
        Category.STAFF,
        "PP+ education officers (1.5 FTE)",
        0.30,
        ("Salaries and on-costs",),
    ),
    (
        Category.STAFF,
        "Virtual School teacher for early years",
        0.08,
        ("Salary and on-costs",),
    ),
    (
        Category.ATTENDANCE,
        "Daily attendance monitoring service",
        0.06,
        ("Quarterly subscription", "Out-of-area schools' returns"),
    ),
    (
        Category.PSYCHOLOGY,
        "Educational psychology consultations",
        0.14,
        ("Consultation sessions for designated teachers", "Assessments", "Casework supervision"),
    ),
    (
        Category.SPEECH,
        "Speech and language therapy",
        0.08,
        ("Assessments", "Therapy blocks for children out of area"),
    ),
    (
        Category.TUITION,
        "Tuition for children without a school place",
        0.12,
        ("Online tuition", "Home tuition", "Exam-year tuition"),
    ),
    (
        Category.TRAINING,
        "Designated teacher and carer training",
        0.07,
        ("Designated teacher network day", "Attachment-aware schools course", "Carers' workshop"),
    ),
    (
        Category.LICENCES,
        "Reading and maths software licences",
        0.06,
        ("Annual licence", "Extra seats"),
    ),
    (
        Category.ENRICHMENT,
        "Summer activities and music lessons",
        0.06,
        ("Summer activity week", "Music lessons", "Theatre trip"),
    ),
    (
        Category.OTHER,
        "Contingency for children's urgent needs",
        0.03,
        ("Emergency transport to school", "School uniform after a placement move"),
    ),
)

# (what was bought, EEF strand, supplier, lowest and highest cost in pounds)
DIRECT_SPENDS = (
    ("Laptop for homework and online tuition", "digital", "IT supplier", 350, 600),
    (
        "Block of 15 one-to-one tuition sessions, bought centrally",
        "one_to_one",
        "Tutoring service",
        450,
        750,
    ),
    ("Summer school place", "summer_school", "Local summer school", 150, 300),
    ("Mentoring sessions with a youth worker", "mentoring", "Mentoring charity", 300, 500),
    ("Reading books and a reading programme", "reading", "Bookshop", 60, 150),
)
DIRECT_SPENDS_A_YEAR = 6


@dataclass
class FundingSummary:
    years: list[int]
    budget_lines: int = 0
    spends: int = 0
    direct_spends: int = 0
    allocations: int = 0
    runs: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        years = " and ".join(financial_year_label(year) for year in self.years)
        text = (
            f", PP+ for {years}: {self.budget_lines} budget lines, {self.spends} spending "
            f"entries, {self.direct_spends} direct purchases"
        )
        if self.allocations:
            runs = ", ".join(f"{count} {status}" for status, count in self.runs.items())
            text += f", {self.allocations} PEP allocations, payment runs {runs or 'none'}"
        return text


def demo_years(today: date) -> tuple[int, int]:
    """Last financial year and this one (by their start years), as of `today`."""
    this = financial_year_start(today)
    return this - 1, this


def rates_for(financial_year: int) -> tuple[int | None, int | None, str]:
    """The PP+ rate and the EYPP yearly maximum in pence for a year, from the codes file.

    A year the file has no rate for yet (not yet published) takes the latest earlier one,
    and the note says so, so this year's ledger has an expected grant to plan against.
    """
    rows = code_list("pp_plus_rates")
    label = financial_year_label(financial_year)
    known = [(code, row) for code, row in rows.items() if code <= label and row.get("lac_rate_gbp")]
    if not known:
        return None, None, "No PP+ rate is known for this year."
    code, row = known[-1]
    note = "" if code == label else f"Rate not yet published: the {code} rate, for planning."
    eypp = next(
        (r["eypp_annual_max_gbp"] for c, r in reversed(known) if r.get("eypp_annual_max_gbp")),
        None,
    )
    return pence(row["lac_rate_gbp"]), pence(eypp) if eypp else None, note


def _early_years_count(financial_year: int) -> int:
    """Children now in care who were aged 3 or 4 on the year's first day: the EYPP count."""
    first, _last = financial_year_bounds(financial_year)
    born_from = date(first.year - 5, first.month, first.day) + timedelta(days=1)
    born_to = date(first.year - 3, first.month, first.day)
    return Child.objects.filter(in_care=True, date_of_birth__range=(born_from, born_to)).count()


def _grant(financial_year: int, *, received: bool, head: User | None) -> Grant:
    rate, eypp_rate, note = rates_for(financial_year)
    eligible = eligible_children(financial_year).count()
    eypp_children = _early_years_count(financial_year)
    grant, _ = Grant.objects.update_or_create(
        financial_year=financial_year,
        defaults={
            "rate_pence": rate,
            "received_pence": rate * eligible if received and rate is not None else None,
            "eypp_rate_pence": eypp_rate,
            "eypp_children": eypp_children,
            "eypp_received_pence": (
                eypp_rate * eypp_children if received and eypp_rate is not None else None
            ),
            "notes": note
            or ("Received in four quarterly instalments." if received else "Expected."),
            "updated_by": head,
        },
    )
    return grant


def _policy(financial_year: int, head: User | None) -> Policy:
    grades = settings.VSCHOOL_PEP_GRADES
    threshold = THRESHOLD if THRESHOLD in grades else default_threshold()
    policy, _ = Policy.objects.update_or_create(
        financial_year=financial_year,
        defaults={
            "per_term_pence": PER_TERM_PENCE,
            "yearly_cap_pence": YEARLY_CAP_PENCE,
            "threshold_grade": threshold,
            "updated_by": head,
        },
    )
    return policy


def _spent_until(financial_year: int, today: date) -> tuple[date, date, float]:
    """The part of the year that has happened by `today`, and the share of it gone."""
    first, last = financial_year_bounds(financial_year)
    until = min(last, today)
    gone = ((until - first).days + 1) / ((last - first).days + 1)
    return first, until, gone


def _budget(
    rng: random.Random, financial_year: int, grant_pence: int, today: date, by: User | None
) -> tuple[int, int]:
    """A budget line in every category, and its spending so far; return how many of each."""
    top_slice = grant_pence * TOP_SLICE
    lines = [
        BudgetLine(
            financial_year=financial_year,
            category=category,
            name=name,
            # Whole pounds, at least £100 so a tiny demo still has a line to spend from.
            budget_pence=max(pence(100), round(top_slice * share / 100) * 100),
            created_by=by,
        )
        for category, name, share, _ in BUDGET_LINES
    ]
    BudgetLine.objects.bulk_create(lines, batch_size=_BATCH)
    first, until, gone = _spent_until(financial_year, today)
    spends = []
    for line, (_category, _name, _share, what) in zip(lines, BUDGET_LINES, strict=True):
        # Last year ends 85-100% spent; this year about in step with the months gone.
        target = line.budget_pence * min(1.0, gone * rng.uniform(0.85, 1.0))
        entries = rng.randint(3, 6)
        weights = [rng.uniform(0.5, 1.5) for _ in range(entries)]
        days = sorted(day_between(rng, first, until) for _ in range(entries))
        for day, weight in zip(days, weights, strict=True):
            # Whole pounds, rounded down, so the entries never pass the line's budget.
            amount = max(100, int(target * weight / sum(weights) / 100) * 100)
            spends.append(
                Spend(line=line, date=day, amount_pence=amount, description=rng.choice(what), by=by)
            )
    Spend.objects.bulk_create(spends, batch_size=_BATCH)
    return len(lines), len(spends)


def _direct_spends(rng: random.Random, financial_year: int, today: date, by: User | None) -> int:
    """A few purchases made directly for children counted in the year."""
    children = list(eligible_children(financial_year).order_by("pk").values_list("pk", flat=True))
    first, until, _gone = _spent_until(financial_year, today)
    rows = [
        DirectSpend(
            child_id=child,
            financial_year=financial_year,
            date=day_between(rng, first, until),
            amount_pence=pence(rng.randint(low, high)),
            description=description,
            supplier=supplier,
            eef_strand=strand,
            by=by,
        )
        for n, child in enumerate(rng.sample(children, min(DIRECT_SPENDS_A_YEAR, len(children))))
        for description, strand, supplier, low, high in [DIRECT_SPENDS[n % len(DIRECT_SPENDS)]]
    ]
    DirectSpend.objects.bulk_create(rows, batch_size=_BATCH)
    return len(rows)


def build_funding(rng: random.Random, users: dict[str, User], today: date) -> FundingSummary:
    """The grants, policies, budgets, spending and direct support of the two demo years,
    then (once the funding services exist) the PEP allocations and the payment runs."""
    head, data = users.get("head"), users.get("data")
    years = list(demo_years(today))
    summary = FundingSummary(years=years)
    for financial_year in years:
        received = financial_year < years[-1]
        grant = _grant(financial_year, received=received, head=head)
        _policy(financial_year, head)
        eligible = eligible_children(financial_year).count()
        grant_pence = grant.received_pence or (grant.rate_pence or 0) * eligible
        lines, spends = _budget(rng, financial_year, grant_pence, today, data)
        summary.budget_lines += lines
        summary.spends += spends
        summary.direct_spends += _direct_spends(rng, financial_year, today, data)
    demo_allocations_and_runs(rng, users, today, summary)
    return summary


# --- PEP allocations and payment runs, through the services -----------------------------------

_THROUGH_SERVICE = 3  # decisions of each kind a term made through record_allocation
_REDUCE = 0.1  # share of approvals reduced, with a reason
_OVERRIDE = 0.1  # share of PEPs below the threshold the Head approves all the same
_REDUCED_BY = (
    (pence(150), "The school is paying for part of the tuition from its own budget."),
    (pence(200), "Two targets share one intervention: funded once."),
    (pence(100), "The provider's quote came in lower than the request."),
)
_OVERRIDE_REASON = "A new placement this term: the tuition keeps their school steady."
_CANCEL_REASON = "A school's bank details changed: rebuilt after the finance team checked them."
_TERM_ORDER = Case(
    When(term="autumn", then=Value(0)),
    When(term="spring", then=Value(1)),
    When(term="summer", then=Value(2)),
    output_field=IntegerField(),
)


def _requested_peps() -> list[Pep]:
    """Completed demo PEPs whose PP+ section requests an amount, term by term."""
    peps = (
        Pep.objects.completed()
        .filter(sections__key="ppplus", sections__data__requested="yes")
        .select_related("child")
        .prefetch_related(
            Prefetch("sections", queryset=PepSection.objects.filter(key__in=["ppplus", "targets"]))
        )
        .annotate(term_order=_TERM_ORDER)
        .order_by("academic_year", "term_order", "pk")
    )
    return [pep for pep in peps if _requested_pence(pep)]


def _section(pep: Pep, key: str):
    return next((s.data for s in pep.sections.all() if s.key == key), None)


def _requested_pence(pep: Pep) -> int | None:
    amount = (_section(pep, "ppplus") or {}).get("amount")
    try:
        return pence(amount) if amount else None
    except ArithmeticError:
        return None


def _schools_when_approved(peps: list[Pep]) -> dict[int, int | None]:
    """The school each PEP's child was at when it was completed (whom its funding is paid
    to), from the school placements in one query; else the child's current school."""
    children = {pep.child_id for pep in peps}
    placements: dict[int, list[tuple[date, date | None, int]]] = {}
    rows = SchoolPlacement.objects.filter(
        school__isnull=False, child__cohort_type=Child.CohortType.LOOKED_AFTER
    ).values_list("child_id", "start", "end", "school_id")
    for child, start, end, school in rows:
        if child in children:
            placements.setdefault(child, []).append((start, end, school))
    found = {}
    for pep in peps:
        day = pep.completed_date or pep.due_date
        found[pep.pk] = next(
            (
                school
                for start, end, school in placements.get(pep.child_id, [])
                if start <= day and (end is None or end >= day)
            ),
            pep.child.current_school_id,
        )
    return found


@dataclass
class _Ledger:
    """What remains of each year's grant, and what each child has been given in a year, as
    allocations are made: what record_allocation checks, kept in memory for the bulk rows."""

    remaining: dict[int, int]
    given: dict[tuple[int, int], int] = field(default_factory=dict)

    def add(self, allocation: Allocation) -> None:
        year = allocation.financial_year
        self.remaining[year] = self.remaining.get(year, 0) - allocation.amount_pence
        key = (allocation.child_id, year)
        self.given[key] = self.given.get(key, 0) + allocation.amount_pence


def _decision(rng: random.Random, pep: Pep, threshold: str) -> dict:
    """One PEP's decision, as record_allocation's arguments: withheld below the threshold
    (now and then approved by the Head with an override), otherwise approved, sometimes
    reduced with a reason."""
    grade = pep.grade
    if not meets_threshold(grade, threshold):
        if rng.random() < _OVERRIDE:
            return {"decision": "approve", "grade": grade, "override_reason": _OVERRIDE_REASON}
        return {
            "decision": "withhold",
            "grade": grade,
            "reason": f"The PEP is graded {grade}, below {threshold}: the funding is released "
            "when the PEP is regraded.",
        }
    if rng.random() < _REDUCE:
        less, reason = rng.choice(_REDUCED_BY)
        return {
            "decision": "reduce",
            "grade": grade,
            "amount_pence": (_requested_pence(pep) or 0) - less,
            "reason": reason,
        }
    return {"decision": "approve", "grade": grade}


def _bulk_allocations(
    decided: list[tuple[Pep, dict]],
    policy: Policy,
    ledger: _Ledger,
    schools: dict[int, int | None],
    head: User,
) -> list[Allocation]:
    """Save decisions in bulk as record_allocation would: the same decide() and
    check_amount(), against the caps and the grant kept in memory (a decision they refuse
    is withheld, as demo_allocations_and_runs does with the service's refusals)."""
    rows = []
    for pep, decision in decided:
        requested = _requested_pence(pep) or 0
        section = _section(pep, "ppplus") or {}
        year = financial_year_of_term(pep.academic_year, pep.term)
        try:
            outcome = decide(
                requested=requested,
                threshold=policy.threshold_grade,
                may_override=head.may_set_funding_policy,
                **decision,
            )
            if outcome.amount_pence:
                check_amount(
                    outcome.amount_pence,
                    policy=policy,
                    given=ledger.given.get((pep.child_id, year), 0),
                    remaining=ledger.remaining.get(year, 0),
                )
        except FundingError as error:
            outcome = Decision(Allocation.Status.WITHHELD, 0, f"Not approved: {error}", False, "")
        row = Allocation(
            pep=pep,
            child=pep.child,
            school_id=schools.get(pep.pk),
            financial_year=year,
            academic_year=pep.academic_year,
            term=pep.term,
            requested_pence=requested,
            amount_pence=outcome.amount_pence,
            status=outcome.status,
            reason=outcome.reason,
            withheld_for_grade=outcome.withheld_for_grade,
            override_reason=outcome.override_reason,
            eef_strand=strand(section.get("eef_category")),
            buys=section.get("buys", ""),
            provider=section.get("provider", ""),
            targets=chosen_targets(section, _section(pep, "targets")),
            decided_by_id=pep.child.education_officer_id or head.pk,
        )
        ledger.add(row)
        rows.append(row)
    return Allocation.objects.bulk_create(rows, batch_size=_BATCH)


def demo_allocations_and_runs(
    rng: random.Random, users: dict[str, User], today: date, summary: FundingSummary
) -> None:
    """Decide every requested PEP's PP+ and pay each term's allocations in a run.

    Most requests are approved as requested, some reduced with a reason; PEPs graded
    below the threshold are withheld, a few approved by the Head with an override, and one
    withheld allocation is released by regrading (release_on_regrade). The first
    _THROUGH_SERVICE decisions of each kind in a term go through record_allocation (so its
    checks and audit entries are part of the demo); the rest are written in bulk as it
    would store them, as the demo writes PEPs (the service costs several queries a call:
    minutes at national scale). The payment runs are the services' own: each past term's
    run confirmed, the second term's first built and cancelled, an adjustment after the
    first confirmed run recovering £50 through the next, the latest term's left a draft.
    """
    head, data = users["head"], users["data"]
    # The PEPs of the terms the demo's grants pay for.
    peps = [
        pep
        for pep in _requested_peps()
        if financial_year_of_term(pep.academic_year, pep.term) in summary.years
    ]
    schools = _schools_when_approved(peps)
    by_term: dict[tuple[int, str], list[Pep]] = {}
    for pep in peps:
        by_term.setdefault((pep.academic_year, pep.term), []).append(pep)
    years = {financial_year_of_term(*term) for term in by_term}
    ledger = _Ledger(remaining={year: year_totals(year).remaining_pence for year in years})
    runs: dict[str, int] = {}
    released = adjusted = cancelled = False
    terms = list(by_term)
    for n, (academic_year, term) in enumerate(terms):
        policy = policy_for(financial_year_of_term(academic_year, term))
        decided = [
            (pep, _decision(rng, pep, policy.threshold_grade))
            for pep in by_term[(academic_year, term)]
        ]
        # A few of each kind of decision a term through the service; the rest in bulk.
        kinds: Counter[str] = Counter()
        through_service = []
        for pep, decision in decided:
            kind = "override" if "override_reason" in decision else decision["decision"]
            kinds[kind] += 1
            if kinds[kind] <= _THROUGH_SERVICE:
                through_service.append((pep, decision))
        by_service = {pep.pk for pep, _ in through_service}
        bulk = [(pep, decision) for pep, decision in decided if pep.pk not in by_service]
        allocations = _bulk_allocations(bulk, policy, ledger, schools, head)
        for pep, decision in through_service:
            try:
                allocation = record_allocation(pep, user=head, **decision)
            except FundingError as error:  # past the child's yearly cap, or the grant
                allocation = record_allocation(
                    pep,
                    user=head,
                    decision="withhold",
                    grade=pep.grade,
                    reason=f"Not approved: {error}",
                )
            ledger.add(allocation)
            allocations.append(allocation)
        summary.allocations += len(allocations)
        if not released and n >= 1:
            if freed := _release_one(allocations, policy.threshold_grade, head):
                ledger.add(freed)
                released = True
        try:
            run = build_run(academic_year=academic_year, term=term, user=data)
        except FundingError:
            continue  # nothing approved this term
        if n == len(terms) - 1:  # the latest term's run waits for review
            runs["draft"] = runs.get("draft", 0) + 1
            continue
        if not cancelled and n >= 1:
            cancel_run(run, user=data, reason=_CANCEL_REASON)
            runs["cancelled"] = runs.get("cancelled", 0) + 1
            cancelled = True
            run = build_run(academic_year=academic_year, term=term, user=data)
        confirm_run(run, user=data)
        runs["confirmed"] = runs.get("confirmed", 0) + 1
        if not adjusted:
            adjusted = _adjust_one(allocations, data)
    summary.runs = runs


def _release_one(allocations: list[Allocation], threshold: str, head: User) -> Allocation | None:
    """Regrade one withheld-for-grade PEP to the threshold, which releases its funding."""
    withheld = next((a for a in allocations if a.withheld_for_grade), None)
    if withheld is None:
        return None
    Pep.objects.filter(pk=withheld.pep_id).update(grade=threshold)
    pep = Pep.objects.get(pk=withheld.pep_id)
    return release_on_regrade(pep, user=head, grade=threshold)


def _adjust_one(allocations: list[Allocation], data: User) -> bool:
    """Recover £50 from one paid allocation's school: the next run takes it back."""
    paid = next((a for a in allocations if a.amount_pence >= pence(100) and a.school_id), None)
    if paid is None:
        return False
    add_adjustment(
        school=paid.school,
        amount_pence=-pence(50),
        reason="The tuition ended two sessions early: £50 recovered.",
        user=data,
        financial_year=paid.financial_year,
        allocation=paid,
        child=paid.child,
    )
    return True


def delete_funding() -> None:
    """Delete the whole PP+ ledger: its allocations, runs and direct support point at the
    children, PEPs and schools the demo deletes (PROTECT), and the grants at its years."""
    PaymentLine.objects.all().delete()
    Adjustment.objects.all().delete()
    Allocation.objects.all().delete()
    PaymentRun.objects.all().delete()
    DirectSpend.objects.all().delete()
    Spend.objects.all().delete()
    BudgetLine.objects.all().delete()
    Policy.objects.all().delete()
    Grant.objects.all().delete()
