"""The PEP hand-off with the demo as shipped (#10): the real demo builder, demo mode, and
the demo's own `dt`, `social` and `officer` signing in through the form with the demo
password, each finding the PEP from their Home by clicking; axe on each new page."""

import re
from datetime import date

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from vschool.accounts.models import User
from vschool.cohort.scoping import children_for_user
from vschool.demo.generator import build_demo
from vschool.demo.users import NAMED_USERS
from vschool.peps.models import Pep
from vschool.peps.work_queue import not_started

pytestmark = pytest.mark.django_db(transaction=True)

# What the teacher and the social worker write where a section asks for words.
WORDS = "Agreed at the PEP meeting with the young person and their carer"


@pytest.fixture
def demo(settings):
    """The demo as `./run` serves it: demo mode, no second factor, built for today."""
    settings.DEMO_MODE = True
    settings.VSCHOOL_REQUIRE_2FA = False
    return build_demo(children=120, seed=1, today=timezone.localdate())


def test_the_demo_users_hand_a_pep_round_as_shipped(page, demo, settings, assert_accessible):
    today = timezone.localdate()
    dt, social, officer = (User.objects.get(username=n) for n in ("dt", "social", "officer"))
    # The child the three share whose PEP for this term waits to be started (looked up
    # only to know whom to click on)
    child = (
        not_started(children_for_user(dt), today)
        .filter(social_worker=social, education_officer=officer)
        .first()
    )
    assert child is not None, "the demo leaves no shared child's PEP to start this term"
    assert dt.email and social.email and officer.email

    homes_checked = set()

    def sign_in(username: str, home: str) -> None:
        """Sign in with the form, as the demo password, and land on the user's Home."""
        page.context.clear_cookies()
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password", exact=True).fill(settings.VSCHOOL_DEMO_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(home)
        if username not in homes_checked:
            homes_checked.add(username)
            assert_accessible(page)

    def complete_sections() -> None:
        """Answer what each of the user's sections asks, "Save and continue" to the next,
        until none is left."""
        while page.get_by_role("button", name="Save and continue").count():
            assert_accessible(page)
            _complete_section(page, today)

    # The sign-in page names every demo sign-in
    page.goto("/sign-in/")
    hint = page.locator(".govuk-inset-text")
    for username, *_ in NAMED_USERS:
        expect(hint.locator("code", has_text=re.compile(f"^{username}$"))).to_have_count(1)
    assert_accessible(page)

    # The designated teacher finds the child from Home and starts the PEP
    sign_in("dt", "Your school's children and PEPs")
    page.get_by_role("link", name="Not started this term").click()
    assert_accessible(page)
    page.get_by_role("link", name=child.sort_name).click()
    assert_accessible(page)
    page.get_by_role("button", name="Start PEP").click()
    expect(page.get_by_text("PEP started").first).to_be_visible()
    found = re.search(rf"/children/{child.pk}/peps/(\d+)/", page.url)
    assert found, page.url
    pep_url = found.group()
    assert Pep.objects.get(pk=found.group(1)).status == Pep.Status.DRAFT

    # And, taken straight to their first section, does the school's, one after the other
    complete_sections()
    page.goto(pep_url)
    turn = page.locator(".govuk-summary-list__row").filter(has_text="Whose turn")
    expect(turn).to_contain_text("Social worker")
    assert_accessible(page)

    # The social worker sees it waiting on Home and does the care sections
    sign_in("social", "Your children and their PEPs")
    page.locator(f'a[href="{pep_url}"]').click()
    page.get_by_role("button", name=re.compile("^Continue: Care and placement")).click()
    complete_sections()

    # The teacher sees it back on Home, checks the answers and submits it
    sign_in("dt", "Your school's children and PEPs")
    expect(page.locator("tr").filter(has=page.locator(f'a[href="{pep_url}"]'))).to_contain_text(
        "Submit"
    )
    page.locator(f'a[href="{pep_url}"]').click()
    page.get_by_role("link", name="Check answers and submit").first.click()
    assert_accessible(page)
    page.get_by_label("I confirm the PEP was agreed").check()
    mail.outbox.clear()
    page.get_by_role("button", name="Submit PEP to the Virtual School").click()
    expect(page.get_by_role("heading", name="PEP submitted")).to_be_visible()
    assert_accessible(page)
    assert [m.to for m in mail.outbox] == [[officer.email]]

    # The officer finds it awaiting QA from Home and returns only the care section
    sign_in("officer", "The roll and your PEP work")
    _open_from_awaiting_qa(page, pep_url, assert_accessible)
    page.get_by_role("button", name="Go to QA decision").click()
    assert_accessible(page)
    page.get_by_label("Return for changes").check()
    page.get_by_label("Reason for the decision").fill("The placement has changed")
    page.get_by_text("Comment on sections").click()
    page.get_by_label("Comment on “Care and placement”").fill("Say where the child lives now")
    mail.outbox.clear()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("PEP returned to the social worker")).to_be_visible()
    assert_accessible(page)

    # Only the social worker is told, with a link to the PEP
    assert [m.to for m in mail.outbox] == [[social.email]]
    assert settings.VSCHOOL_BASE_URL + pep_url in mail.outbox[0].body

    # The teacher's Home does not show it waiting
    sign_in("dt", "Your school's children and PEPs")
    expect(page.locator(f'a[href="{pep_url}"]')).to_have_count(0)

    # The social worker's does, returned; they fix the care section and resubmit
    sign_in("social", "Your children and their PEPs")
    row = page.locator("tr").filter(has=page.locator(f'a[href="{pep_url}"]'))
    expect(row).to_contain_text("Returned")
    expect(row).to_contain_text("Care and placement")
    assert_accessible(page)
    page.locator(f'a[href="{pep_url}"]').click()
    expect(page.get_by_text("Say where the child lives now")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Care and placement", exact=True).click()
    page.get_by_label("Care and placement context").fill("Kinship care with an aunt")
    page.get_by_label("Yes, I’ve completed this section").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check the PEP before you submit it")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I confirm the PEP was agreed").check()
    mail.outbox.clear()
    page.get_by_role("button", name="Resubmit PEP to the Virtual School").click()
    expect(page.get_by_role("heading", name="PEP submitted")).to_be_visible()
    assert [m.to for m in mail.outbox] == [[officer.email]]

    # The officer approves it with a grade
    sign_in("officer", "The roll and your PEP work")
    _open_from_awaiting_qa(page, pep_url, assert_accessible)
    page.get_by_role("button", name="Go to QA decision").click()
    for criterion in page.get_by_role("radio", name="Met", exact=True).all():
        criterion.check()
    page.get_by_label("Approve with a grade").check()
    page.get_by_label("Green").check()
    # The school asked for PP+: decided with the approval (docs/funding.md)
    page.get_by_label("Withhold it").check()
    page.get_by_label("Reason", exact=True).fill("The school funds the tuition this term")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("PEP approved")).to_be_visible()

    # And the child's PEPs page shows it approved, graded Green
    page.goto(f"/children/{child.pk}/peps/")
    row = page.get_by_role("row").filter(has_text="Approved")
    expect(row.filter(has=page.locator(f'a[href="{pep_url}"]'))).to_contain_text("Green")
    assert_accessible(page)


def _open_from_awaiting_qa(page, pep_url: str, assert_accessible) -> None:
    """From the officer's Home, through Your PEP work's "Awaiting QA", to the PEP."""
    page.get_by_role("link", name=re.compile("^Awaiting QA")).click()
    assert_accessible(page)
    page.locator(f'a[href="{pep_url}"]').click()


def _complete_section(page, today: date) -> None:
    """Say the section is complete and save it; answer each question the page then says
    is needed, as a person would, until it saves."""
    for _ in range(6):
        page.get_by_label("Yes, I’ve completed this section").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue").click()
        links = page.locator(".govuk-error-summary__list a")
        if not links.count():
            return
        for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            _answer(page, href, today)
    raise AssertionError(page.locator(".govuk-error-summary").inner_text())


def _answer(page, href: str, today: date) -> None:
    """Answer the question the error summary links to."""
    field = page.locator(href)
    kind = field.evaluate("e => e.type")
    if kind in ("radio", "checkbox"):
        field.check()
    elif kind == "select-one":
        field.select_option(index=1)
    elif href.endswith("_0") and page.locator(href[:-1] + "2").count():  # a date
        for part, value in zip("012", (today.day, today.month, today.year), strict=True):
            page.locator(href[:-1] + part).fill(str(value))
    elif field.get_attribute("inputmode") in ("numeric", "decimal"):
        field.fill("100")
    else:
        field.fill(WORDS)
