"""The head checks the PP+ grant and how it was counted, sets the policy; the finance
officer adds a budget line and records spending from it. axe-core on every page."""

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_grant_the_policy_and_the_budget(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    # The head opens the grant: the rate from the DfE file, and how the count was made
    sign_in_with_cookie(personas[Role.HEAD])
    page.goto("/funding/grant/?year=2025-26")
    expect(page.get_by_text("From the DfE rates file (confirmed)")).to_be_visible()
    page.get_by_text("How this was counted").click()
    expect(page.get_by_role("table", name="Eligible children by year group")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change the grant").click()
    page.get_by_label("Grant received").fill("-1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Grant received must be £0 or more")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Grant received").fill("5260")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("PP+ grant 2025-26 saved")).to_be_visible()
    page.get_by_role("link", name="Next year").click()
    expect(page.get_by_text("No rate for 2026-27 in the DfE rates file")).to_be_visible()

    # and sets the policy
    page.goto("/funding/policy/?year=2025-26")
    page.get_by_label("Amount a term per child").fill("600")
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_text("PP+ policy 2025-26 saved")).to_be_visible()
    assert_accessible(page)

    # The finance officer adds a budget line and records spending from it
    page.context.clear_cookies()
    sign_in_with_cookie(personas[Role.DATA_OFFICER])
    page.goto("/funding/budget/?year=2025-26")
    page.get_by_label("Category").select_option("tuition")
    page.get_by_label("Name").fill("Tuition fund")
    page.get_by_label("Budget").fill("10000")
    page.get_by_role("button", name="Add budget line").click()
    expect(page.get_by_text("Budget line “Tuition fund” added")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Tuition fund").click()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Amount").fill("250.50")
    page.get_by_label("Description").fill("Tutor, spring")
    page.get_by_role("button", name="Record spending").click()
    expect(page.get_by_role("link", name="Date must be in the financial year")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Record spending").click()
    expect(page.get_by_text("Spending recorded")).to_be_visible()
    expect(page.get_by_role("table", name="Spending")).to_contain_text("£250.50")
    assert_accessible(page)
