"""A Virtual School head signs in, filters the roll and opens a child; axe checks each page."""

import re

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_head_signs_in_filters_the_roll_and_opens_a_child(
    page, personas, roll, assert_accessible
):
    # Given the sign-in page
    page.goto("/sign-in/")
    expect(page).to_have_title(re.compile("^Sign in – "))
    assert_accessible(page)

    # When the head signs in with the form
    page.get_by_label("Username").fill("head")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_role("button", name="Continue").click()

    # Then the dashboard shows the roll's counts
    expect(page.get_by_role("heading", level=1)).to_contain_text("The roll")
    assert_accessible(page)

    # When they open the roll and filter to children placed in our area
    page.get_by_role("link", name="Children", exact=True).first.click()
    expect(page.get_by_text("Showing 1 to 2 of 2 children")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("School name or URN").fill("Alder")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Showing 1 to 1 of 1 child")).to_be_visible()
    expect(page).to_have_url(re.compile(r"school=Alder"))
    expect(page.get_by_role("link", name="Brown, Ben")).to_have_count(0)

    # And open the child
    page.get_by_role("link", name="Ahmed, Amira").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amira Ahmed")
    expect(page).to_have_title(re.compile(r"^Overview – A\.A\. VS-\d{5} – "))
    assert_accessible(page)

    page.get_by_role("link", name="Care").click()
    expect(page.get_by_role("heading", name=re.compile("Period of care"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Education").click()
    expect(page.get_by_role("heading", name="Alder Primary School")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="PEPs").click()
    expect(page.get_by_role("heading", name="Personal Education Plans")).to_be_visible()
    assert_accessible(page)


def test_the_filter_works_without_javascript(browser, live_server, personas, roll, client):
    client.force_login(personas[Role.HEAD], backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto("/children/")
    page.get_by_label("Placement area").select_option("in")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"area=in"))
    expect(page.get_by_text("Showing 1 to 2 of 2 children")).to_be_visible()
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/children/",
        "/schools/",
        "/children/add/",
        "/imports/",
        "/audit/",
        "/calendar/term-dates/",
        "/account/",
        "/peps/",
        "/peps/moderation/",
    ],
)
def test_staff_pages_pass_axe(page, personas, roll, sign_in_with_cookie, assert_accessible, path):
    sign_in_with_cookie(personas[Role.HEAD])
    page.goto(path)
    assert_accessible(page)


def test_the_add_child_form_shows_an_error_summary_that_passes_axe(
    page, personas, sign_in_with_cookie, assert_accessible
):
    sign_in_with_cookie(personas[Role.OFFICER])
    page.goto("/children/add/")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)


def test_a_designated_teacher_opens_a_child_without_its_care_history(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    """The record's field limits (docs/roles-and-fields.md) as a teacher meets them."""
    sign_in_with_cookie(personas[Role.DESIGNATED_TEACHER])
    page.goto(f"/children/{roll['at_a'].pk}/")
    expect(page.get_by_text("are not shown to schools")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Sections of the child's record")
    expect(tabs.get_by_role("link")).to_have_text(["Overview", "Education", "PEPs", "Attendance"])
    assert_accessible(page)
