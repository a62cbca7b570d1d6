"""The centrally retained budget: lines, spending against them, their pages."""

import random
from datetime import date
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.funding.budget import add_line, add_spend, change_line, lines_with_spend
from vschool.funding.errors import FundingError
from vschool.funding.ledger import year_totals
from vschool.funding.models import BudgetLine, Spend

pytestmark = pytest.mark.django_db

D = date
BUDGET = "/funding/budget/"


def _changes():
    return AuditEntry.objects.filter(
        action__in=[AuditEntry.Action.CREATED, AuditEntry.Action.CHANGED]
    ).order_by("pk")


@pytest.fixture
def head(personas):
    return personas[Role.HEAD]


def _line(user, name="Tuition fund", budget=1_000_000, year=2025, category="tuition"):
    return add_line(
        financial_year=year, category=category, name=name, budget_pence=budget, user=user
    )


def test_a_line_and_its_spending_are_audited(head):
    line = _line(head)
    spend = add_spend(
        line=line, date=D(2025, 6, 1), amount_pence=12050, description="Tutor, June", user=head
    )
    assert (line.created_by, spend.by) == (head, head)
    entries = list(_changes().values_list("action", "object_type", "summary"))
    assert entries == [
        ("created", "funding.BudgetLine", "PP+ budget line added, 2025-26: Tuition, Tuition fund, "
         "£10,000.00"),
        ("created", "funding.Spend", "PP+ spending recorded against Tuition fund (2025-26): "
         "£120.50 on 2025-06-01"),
    ]  # fmt: skip


def test_a_change_to_a_line_is_audited_old_to_new(head):
    line = _line(head)
    change_line(line, budget_pence=900_000, name="Tuition", user=head)
    change_line(line, budget_pence=900_000, name="Tuition", user=head)  # no change: nothing
    line.refresh_from_db()
    assert (line.name, line.budget_pence) == ("Tuition", 900_000)
    changed = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED)
    assert list(changed.values_list("summary", flat=True)) == [
        "PP+ budget line changed, 2025-26: name Tuition fund -> Tuition; "
        "budget £10,000.00 -> £9,000.00"
    ]


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (D(2025, 4, 1), True),  # the year's first day
        (D(2026, 3, 31), True),  # its last
        (D(2025, 3, 31), False),
        (D(2026, 4, 1), False),
    ],
)
def test_spending_is_dated_inside_the_lines_year(head, day, inside):
    line = _line(head)
    if inside:
        add_spend(line=line, date=day, amount_pence=1, description="x", user=head)
    else:
        with pytest.raises(FundingError, match="Date must be in the 2025-26 financial year"):
            add_spend(line=line, date=day, amount_pence=1, description="x", user=head)
    assert Spend.objects.count() == (1 if inside else 0)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (dict(amount_pence=0), "Amount must be more than £0"),
        (dict(amount_pence=-5), "Amount must be more than £0"),
        (dict(description="  "), "Enter what the money was spent on"),
    ],
)
def test_bad_spending_is_refused(head, given, message):
    line = _line(head)
    values = dict(line=line, date=D(2025, 5, 1), amount_pence=100, description="x") | given
    with pytest.raises(FundingError, match=message):
        add_spend(user=head, **values)
    assert not Spend.objects.exists()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (dict(category="nonsense"), "Select the budget line's category"),
        (dict(name=" "), "Enter the budget line's name"),
        (dict(budget=-1), "Budget must be £0 or more"),
    ],
)
def test_a_bad_line_is_refused(head, given, message):
    with pytest.raises(FundingError, match=message):
        _line(head, **given)
    assert not BudgetLine.objects.exists()


def test_lines_with_spend_add_up_to_the_penny(head):
    rng = random.Random(12)
    lines = [_line(head, name=f"Line {n}", budget=rng.randrange(1, 10**8)) for n in range(6)]
    _line(head, name="Another year", year=2024)
    expected = {line.pk: 0 for line in lines}
    for _ in range(60):
        line = rng.choice(lines)
        amount = rng.randrange(1, 500_000)  # odd pence
        add_spend(line=line, date=D(2025, 4, 1), amount_pence=amount, description="x", user=head)
        expected[line.pk] += amount
    rows = lines_with_spend(2025)
    assert {row.line.pk: row.spent_pence for row in rows} == expected
    assert all(row.left_pence == row.line.budget_pence - row.spent_pence for row in rows)
    totals = year_totals(2025)
    assert sum(row.spent_pence for row in rows) == totals.budget_spent_pence
    assert sum(row.line.budget_pence for row in rows) == (
        totals.training_pence + totals.retained_pence
    )


def test_lines_with_spend_is_one_query(head, django_assert_num_queries):
    for n in range(3):
        line = _line(head, name=f"Line {n}")
        add_spend(line=line, date=D(2025, 5, 1), amount_pence=100, description="x", user=head)
    with django_assert_num_queries(1):
        rows = lines_with_spend(2025)
    assert [row.spent_pence for row in rows] == [100, 100, 100]


# --- The pages --------------------------------------------------------------------------------


def test_the_finance_officer_adds_a_line_and_records_spending(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    data = {"category": "training", "name": "Designated teacher training", "budget": "4500"}
    response = client.post(f"{BUDGET}?year=2025-26", data)
    assert response.status_code == 302 and response["Location"] == f"{BUDGET}?year=2025-26"
    line = BudgetLine.objects.get()
    assert (line.financial_year, line.category, line.budget_pence) == (2025, "training", 450000)
    page = client.get(response["Location"]).content.decode()
    assert "Budget line “Designated teacher training” added" in page
    url = f"/funding/budget/{line.pk}/"
    spend = {"form": "spend", "date_0": "12", "date_1": "11", "date_2": "2025"}
    response = client.post(url, spend | {"amount": "1,250.75", "description": "Course fees"})
    assert response.status_code == 200  # "1,250.75" is no number: said, nothing written
    assert "Amount must be a number in pounds" in response.content.decode()
    response = client.post(url, spend | {"amount": "1250.75", "description": "Course fees"})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Spending recorded" in body and "Course fees" in body
    assert "£1,250.75" in body and "£3,249.25" in body  # spent and left
    budget_page = client.get(f"{BUDGET}?year=2025-26").content.decode()
    assert "£4,500.00" in budget_page and "£3,249.25" in budget_page
    change = {"form": "change", "name": "DT training", "budget": "5000"}
    assert client.post(url, change).status_code == 302
    line.refresh_from_db()
    assert (line.name, line.budget_pence) == ("DT training", 500000)
    assert [e.ip_address for e in _changes()] == ["127.0.0.1"] * 3


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"category": "staff", "name": "Teacher", "budget": "-1"}, "budget",
         "Budget must be £0 or more"),
        ({"category": "staff", "name": "Teacher", "budget": "ten"}, "budget",
         "Budget must be a number in pounds"),
        ({"category": "staff", "name": "", "budget": "10"}, "name",
         "Enter the budget line's name"),
        ({"category": "", "name": "Teacher", "budget": "10"}, "category",
         "Select the budget line's category"),
        ({"category": "nonsense", "name": "Teacher", "budget": "10"}, "category",
         "Select one of the categories shown"),
    ],
)  # fmt: skip
def test_a_bad_line_form_says_what_is_wrong(login, personas, data, field, message):
    response = login(personas[Role.HEAD]).post(f"{BUDGET}?year=2025-26", data)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert f'<a href="#id_{field}">{escape(message)}' in body
    assert not BudgetLine.objects.exists() and not _changes().exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date_0": "31", "date_1": "3", "date_2": "2025", "amount": "10"}, "date_0",
         "Date must be in the financial year, from 1 April 2025 to 31 March 2026"),
        ({"date_0": "1", "date_1": "4", "date_2": "2026", "amount": "10"}, "date_0",
         "Date must be in the financial year"),
        ({"date_0": "31", "date_1": "2", "date_2": "2026", "amount": "10"}, "date_0",
         "Date must be a real date"),
        ({"date_0": "1", "date_1": "5", "date_2": "2025", "amount": "-10"}, "amount",
         "Amount must be more than £0"),
        ({"date_0": "1", "date_1": "5", "date_2": "2025", "amount": "lots"}, "amount",
         "Amount must be a number in pounds"),
        ({"date_0": "1", "date_1": "5", "date_2": "2025", "amount": "0.001"}, "amount",
         "Amount must be in pounds and pence"),
    ],
)  # fmt: skip
def test_bad_spending_on_the_page_is_said_and_nothing_written(
    login, personas, data, field, message
):
    line = _line(personas[Role.HEAD])
    before = _changes().count()
    response = login(personas[Role.DATA_OFFICER]).post(
        f"/funding/budget/{line.pk}/", {"form": "spend", "description": "Fees", **data}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert f'<a href="#id_{field}">{escape(message)}' in body
    assert not Spend.objects.exists()
    assert _changes().count() == before


def test_the_budget_page_costs_the_same_queries_for_any_number_of_lines(login, personas):
    client = login(personas[Role.HEAD])
    head = personas[Role.HEAD]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BUDGET, {"year": "2025-26"}).status_code == 200
        return len(captured.captured_queries)

    line = _line(head, name="First")
    add_spend(line=line, date=D(2025, 5, 1), amount_pence=100, description="x", user=head)
    one = queries()
    for n in range(12):
        more = _line(head, name=f"Line {n}", category=["staff", "training", "other"][n % 3])
        add_spend(line=more, date=D(2025, 5, 1), amount_pence=n + 1, description="x", user=head)
    assert queries() == one


@pytest.mark.parametrize(
    ("role", "reads", "adds"),
    [
        (Role.HEAD, True, True),
        (Role.DEPUTY, True, True),
        (Role.DATA_OFFICER, True, True),
        (Role.OFFICER, True, False),
        (Role.COORDINATOR, True, False),
        (Role.GOVERNOR, False, False),
        (Role.DESIGNATED_TEACHER, False, False),
        (Role.SOCIAL_WORKER, False, False),
    ],
)
def test_access_by_role(login, personas, role, reads, adds):
    line = _line(personas[Role.HEAD])
    client = login(personas[role])
    url = f"/funding/budget/{line.pk}/"
    for page in (BUDGET, url, "/funding/grant/", "/funding/policy/"):
        assert client.get(page).status_code == (200 if reads else 404), page
    assert ("Add a budget line" in client.get(BUDGET).content.decode()) is adds
    assert ("Record spending" in client.get(url).content.decode()) is adds
    add = {"category": "staff", "name": "Teacher", "budget": "10"}
    spend = {"form": "spend", "date_0": "1", "date_1": "5", "date_2": "2025", "amount": "1",
             "description": "x"}  # fmt: skip
    statuses = (client.post(BUDGET, add).status_code, client.post(url, spend).status_code)
    assert statuses == ((302, 302) if adds else (404, 404))
    assert BudgetLine.objects.count() == (2 if adds else 1)
    assert Spend.objects.count() == (1 if adds else 0)


def test_a_line_that_is_not_there_is_not_found(login, personas):
    client = login(personas[Role.HEAD])
    for line_id in (0, 999, 2**31, 2**63, 10**21):
        assert client.get(f"/funding/budget/{line_id}/").status_code == 404
