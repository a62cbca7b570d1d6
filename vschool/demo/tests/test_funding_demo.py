"""The demo's year of PP+: grants, policy, budget and spending, direct support, and
PEP allocations and payment runs in every status."""

from datetime import date

import pytest
from django.db.models import Count, F, Q, Sum

from vschool.calendar.rules import financial_year_bounds
from vschool.codes import code_list
from vschool.demo.funding import demo_years, rates_for
from vschool.demo.generator import build_demo, delete_demo
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
from vschool.funding.querysets import eligible_children
from vschool.funding.rules import pence

TODAY = date(2026, 2, 10)  # in 2025-26: the demo years are 2024-25 and 2025-26
LAST, THIS = 2024, 2025


def _ledger() -> list:
    return [
        list(
            BudgetLine.objects.order_by("pk").values_list("financial_year", "name", "budget_pence")
        ),
        list(Spend.objects.order_by("pk").values_list("line__name", "date", "amount_pence")),
        list(
            DirectSpend.objects.order_by("pk").values_list(
                "child__la_child_id", "date", "amount_pence", "eef_strand"
            )
        ),
    ]


@pytest.mark.django_db
def test_both_years_have_a_grant_a_policy_a_budget_and_direct_support():
    summary = build_demo(children=300, seed=1, today=TODAY)
    assert demo_years(TODAY) == (LAST, THIS)
    assert summary.funding and summary.funding.years == [LAST, THIS]

    last, this = Grant.objects.get(financial_year=LAST), Grant.objects.get(financial_year=THIS)
    assert (last.rate_pence, this.rate_pence) == (pence(2570), pence(2630))
    assert last.received_pence == pence(2570) * eligible_children(LAST).count() > 0
    assert this.received_pence is None  # expected: rate x eligible
    assert this.eypp_rate_pence == pence(570) and this.eypp_received_pence is None
    assert last.eypp_received_pence == last.eypp_rate_pence * last.eypp_children

    strands = set(code_list("eef_toolkit_strands"))
    for year in (LAST, THIS):
        policy = Policy.objects.get(financial_year=year)
        assert (policy.per_term_pence, policy.yearly_cap_pence) == (pence(600), pence(1800))
        assert policy.threshold_grade == "Green"

        spent = BudgetLine.objects.filter(financial_year=year).annotate(n=Count("spends"))
        assert {line.category for line in spent if line.n >= 3} == set(BudgetLine.Category.values)
        first, last_day = financial_year_bounds(year)
        dates = Spend.objects.filter(line__financial_year=year).values_list("date", flat=True)
        assert all(first <= d <= min(last_day, TODAY) for d in dates)

        direct = DirectSpend.objects.filter(financial_year=year)
        assert direct.count() >= 3
        assert {d.eef_strand for d in direct} <= strands
        assert {"digital", "one_to_one"} <= {d.eef_strand for d in direct}
        assert set(direct.values_list("child", flat=True)) <= set(
            eligible_children(year).values_list("pk", flat=True)
        )

        totals = year_totals(year)
        assert totals.allocated_pence == (
            totals.pep_allocations_pence
            + totals.adjustments_pence
            + totals.direct_support_pence
            + totals.training_pence
            + totals.retained_pence
        )
        assert totals.remaining_pence == totals.grant_pence - totals.allocated_pence > 0
        top_slice = totals.training_pence + totals.retained_pence
        assert 0.2 * totals.grant_pence <= top_slice <= 0.4 * totals.grant_pence
        assert 0 < totals.budget_spent_pence <= top_slice
        # Spending never runs past a line's budget.
        over = BudgetLine.objects.filter(financial_year=year).annotate(
            s=Sum("spends__amount_pence")
        )
        assert all(line.s <= line.budget_pence for line in over)

    # Last year's budget is nearly all spent; this year's about in step with the months gone.
    spent_last = year_totals(LAST).budget_spent_pence
    lines_last = year_totals(LAST).training_pence + year_totals(LAST).retained_pence
    assert spent_last >= 0.8 * lines_last


@pytest.mark.django_db
def test_the_same_seed_and_day_give_the_same_ledger_and_flush_clears_it():
    build_demo(children=120, seed=4, today=TODAY)
    first = _ledger()
    delete_demo()  # the ledger's PROTECT links to children do not stop it
    assert not (Grant.objects.exists() or BudgetLine.objects.exists())
    assert not DirectSpend.objects.exists()
    build_demo(children=120, seed=4, today=TODAY)
    assert _ledger() == first


def test_a_year_with_no_published_rate_plans_with_the_latest_one():
    rate, eypp, note = rates_for(2026)  # 2026-27 is in the file with no rate yet
    assert (rate, eypp) == (pence(2630), pence(570))
    assert "not yet published" in note and "2025-26" in note
    assert rates_for(2025) == (pence(2630), pence(570), "")
    assert rates_for(2010) == (None, None, "No PP+ rate is known for this year.")


@pytest.mark.django_db
def test_allocations_and_payment_runs_through_the_services():
    summary = build_demo(children=300, seed=1, today=TODAY)
    assert summary.funding and summary.funding.allocations == Allocation.objects.count() > 0

    approved = Allocation.objects.filter(status=Allocation.Status.APPROVED)
    withheld = Allocation.objects.filter(status=Allocation.Status.WITHHELD)
    assert approved.filter(amount_pence__gt=0).exists()
    assert not approved.filter(amount_pence=0).exists()
    assert withheld.filter(withheld_for_grade=True, amount_pence=0).exclude(reason="").exists()
    reduced = approved.filter(amount_pence__lt=F("requested_pence"))
    assert reduced.exists() and not reduced.filter(reason="").exists()
    assert approved.exclude(override_reason="").exists()  # the Head's overrides
    # Only PEPs that asked for PP+ are decided, at most once each.
    assert not Allocation.objects.exclude(
        pep__sections__key="ppplus", pep__sections__data__requested="yes"
    ).exists()

    runs = PaymentRun.objects.all()
    assert set(runs.values_list("status", flat=True)) == set(PaymentRun.Status.values)
    assert runs.filter(status=PaymentRun.Status.DRAFT).count() == 1
    assert runs.get(status=PaymentRun.Status.CANCELLED).cancel_reason

    # The £50 recovered after the first confirmed run is paid by a later one.
    adjustment = Adjustment.objects.get()
    assert adjustment.amount_pence == -pence(50)
    assert adjustment.paid_run and adjustment.paid_run.status == PaymentRun.Status.CONFIRMED
    assert adjustment.allocation and adjustment.allocation.paid_run != adjustment.paid_run

    confirmed = PaymentLine.objects.filter(run__status=PaymentRun.Status.CONFIRMED)
    for year in (LAST, THIS):
        lines = confirmed.filter(run__financial_year=year).aggregate(t=Sum("amount_pence"))["t"]
        assert (lines or 0) == year_totals(year).paid_to_schools_pence
    assert year_totals(LAST).paid_to_schools_pence > 0
    # What the confirmed runs paid is exactly the allocations and adjustments marked paid.
    paid = Q(paid_run__status=PaymentRun.Status.CONFIRMED)
    marked = (Allocation.objects.filter(paid).aggregate(t=Sum("amount_pence"))["t"] or 0) + (
        Adjustment.objects.filter(paid).aggregate(t=Sum("amount_pence"))["t"] or 0
    )
    assert confirmed.aggregate(t=Sum("amount_pence"))["t"] == marked
    for year in (LAST, THIS):
        totals = year_totals(year)
        assert totals.remaining_pence == totals.grant_pence - totals.allocated_pence >= 0
    delete_demo()
    assert not PaymentRun.objects.exists() and not Allocation.objects.exists()
