"""The data officer uploads attendance marks through /imports/attendance/: a file with a
problem changes nothing and lists it; a good file is imported and its counts shown."""

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.attendance.models import AttendanceMark
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory
from vschool.exchange.tests.test_attendance_upload import GOOD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_bad_file_lists_its_problems_then_the_fixed_file_is_imported(
    page, personas, sign_in_with_cookie, assert_accessible, tmp_path
):
    SchoolFactory(urn="100001")
    ChildFactory(la_child_id="A1")
    ChildFactory(la_child_id="B2")
    sign_in_with_cookie(personas[Role.DATA_OFFICER])
    page.goto("/imports/")
    page.get_by_role("link", name="Import attendance marks").click()
    assert_accessible(page)

    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "C3,,100001,2025-09-01,AM,/\n", encoding="utf-8")
    page.get_by_label("Upload a CSV of attendance marks").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Not imported: 1 row with errors. Nothing changed.")).to_be_visible()
    problems = page.get_by_role("table", name="Problems to fix")
    expect(problems.get_by_role("row")).to_have_count(2)
    assert AttendanceMark.objects.count() == 0
    assert_accessible(page)

    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    page.get_by_label("Upload a CSV of attendance marks").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported: 4 marks created", exact=False)).to_be_visible()
    assert AttendanceMark.objects.count() == 4
    assert_accessible(page)
