"""The reports index, and what each report does with a year it does not offer: the report's
default year, with an error summary saying so; a CSV for such a year goes to that page."""

from datetime import date

import pytest

from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db

TODAY = date(2025, 12, 4)  # academic year 2025/26; the latest SSDA903 year ended 2024-25


def test_the_index_lists_the_reports_each_role_may_open(login, personas):
    staff = login(personas[Role.OFFICER]).get("/reports/").content.decode()
    for url in ("/reports/peps/", "/reports/peps/outstanding/", "/reports/care-year/"):
        assert f'href="{url}"' in staff
    assert "Overdue and missing PEPs" in staff and "beside England" in staff
    governor = login(personas[Role.GOVERNOR]).get("/reports/").content.decode()
    assert 'href="/reports/peps/"' in governor and 'href="/reports/care-year/"' in governor
    assert "/reports/peps/outstanding/" not in governor
    assert "shown as x" in governor


def test_the_navigation_s_reports_is_the_index(login, personas):
    page = login(personas[Role.GOVERNOR]).get("/reports/care-year/").content.decode()
    assert 'href="/reports/"' in page


@pytest.mark.parametrize("role", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER])
def test_schools_and_social_workers_have_no_reports(login, personas, role):
    assert login(personas[role]).get("/reports/").status_code == 404


REPORTS = [
    # url, a year it offers and the label shown, its default's label
    ("/reports/peps/", "2024-25", "2024/25", "2025/26"),
    ("/reports/peps/outstanding/", "2023-24", "2023/24", "2025/26"),
    ("/reports/care-year/", "2025-26", "2025-26", "2024-25"),
]


@pytest.mark.parametrize(("url", "offered", "label", "default"), REPORTS)
@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("1999-00", "1999-00"),  # names no year (before 2000)
        ("nonsense", "nonsense"),
        ("2025-27", "2025-27"),
        ("2019-20", None),  # a year, older than the report offers
        ("2030-31", None),  # a year not begun
    ],
)
def test_a_year_the_report_does_not_offer_says_so(
    login, personas, time_machine, url, offered, label, default, given, named
):
    time_machine.move_to(TODAY)
    client = login(personas[Role.HEAD])
    page = client.get(url, {"year": given}).content.decode()
    shown = named or (given.replace("-", "/") if "/" in default else given)
    assert f"There is no report for {shown}: showing {default}" in page
    assert 'class="govuk-error-summary"' in page and "<title>Error: " in page
    assert 'href="#year"' in page and 'id="year"' in page
    # A download for it goes to the page that says so, not to another year's figures.
    response = client.get(url, {"year": given, "format": "csv"})
    assert response.status_code == 302 and "format" not in response["Location"]
    assert f"year={given}" in response["Location"]
    # A year it offers, or none, shows no error.
    for params in ({"year": offered}, {}):
        page = client.get(url, params).content.decode()
        assert "There is no report" not in page and "govuk-error-summary" not in page
    assert label in client.get(url, {"year": offered}).content.decode()
