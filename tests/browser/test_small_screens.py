"""At 320 px wide (a small phone, WCAG 1.4.10 reflow) no page scrolls sideways: tables
scroll in their own labelled panes."""

import pytest

from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/children/",
    "/schools/",
    "/reports/",
    "/reports/peps/?year=2025-26",
    "/reports/peps/outstanding/",
    "/reports/care-year/",
    "/peps/",
    "/audit/",
    "/calendar/term-dates/",
    "/imports/",
    "/users/",
    "/users/add/",
]


def test_pages_reflow_at_320_pixels(
    browser, live_server, personas, roll, sign_in_with_cookie, page, assert_accessible
):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in_with_cookie(personas[Role.HEAD])
    for url in PAGES:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
    assert_accessible(page)
