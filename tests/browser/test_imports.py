"""The data officer uploads returns through /imports/: each is checked first, then
confirmed or cancelled; last year's return after this year's rolls nothing back; an import
whose worker died stops being waited for."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.cohort.models import CareEpisode, Child
from vschool.exchange.models import ImportRun
from vschool.exchange.tests.test_older_return import CURRENT, PREVIOUS

pytestmark = pytest.mark.django_db(transaction=True)


def _folder(tmp_path, name, return_):
    folder = tmp_path / name
    folder.mkdir()
    for file, text in return_.items():
        (folder / f"{file}.csv").write_text(text, encoding="utf-8")
    return [str(folder / f"{file}.csv") for file in return_]


def _upload_and_check(page, paths):
    page.goto("/imports/")
    page.get_by_label("SSDA903 children looked after return").check()
    page.get_by_label("Upload the files").set_input_files(paths)
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_text("Checked, waiting for confirmation")).to_be_visible()


def test_last_years_return_after_this_years_adds_history_and_rolls_nothing_back(
    page, personas, sign_in_with_cookie, assert_accessible, tmp_path
):
    sign_in_with_cookie(personas[Role.DATA_OFFICER])
    page.goto("/imports/")
    assert_accessible(page)

    # This year's return: checked, shown, then imported
    _upload_and_check(page, _folder(tmp_path, "2026", CURRENT))
    expect(page.get_by_text(re.compile(r"^Ready to import: 2 children added"))).to_be_visible()
    expect(page.get_by_text("2025-26 (1 April 2025 to 31 March 2026), read from")).to_be_visible()
    assert not Child.objects.exists()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text(re.compile(r"^Imported: 2 children added"))).to_be_visible()
    expect(page.get_by_text("What changed")).to_be_visible()
    assert_accessible(page)
    children = set(Child.objects.values_list("la_child_id", "cohort_type", "in_care", "upn"))
    episodes = set(CareEpisode.objects.values_list("child__la_child_id", "decom", "dec", "place"))

    # Last year's return afterwards: the year it read is shown; it only adds history
    _upload_and_check(page, _folder(tmp_path, "2025", PREVIOUS))
    expect(page.get_by_text("2024-25 (1 April 2024 to 31 March 2025), read from")).to_be_visible()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text(re.compile(r"^Imported: 1 child added"))).to_be_visible()
    after = set(Child.objects.values_list("la_child_id", "cohort_type", "in_care", "upn"))
    assert children <= after and len(after - children) == 1  # ADOPTED, history only
    assert episodes <= set(
        CareEpisode.objects.values_list("child__la_child_id", "decom", "dec", "place")
    )
    left = Child.objects.get(la_child_id="LEFT")  # left care in August 2025
    assert not left.in_care

    # Both imports are listed on the Imports page
    page.goto("/imports/")
    runs = page.get_by_role("table", name=re.compile("Past imports"))
    expect(runs.get_by_role("row")).to_have_count(3)


def test_an_upload_checked_then_cancelled_changes_nothing(
    page, personas, sign_in_with_cookie, assert_accessible, tmp_path
):
    sign_in_with_cookie(personas[Role.DATA_OFFICER])
    _upload_and_check(page, _folder(tmp_path, "2026", CURRENT))
    expect(page.get_by_role("table", name="What the import would change")).to_be_visible()
    page.get_by_role("button", name="Cancel the import").click()
    expect(page.get_by_text("Cancelled after the check: nothing was imported.")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    assert_accessible(page)
    assert not Child.objects.exists() and not CareEpisode.objects.exists()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CANCELLED and not run.uploads.exists()


def test_the_page_of_an_import_whose_worker_died_stops_waiting_and_cancels_it(
    page, personas, sign_in_with_cookie, assert_accessible
):
    run = ImportRun.objects.create(
        kind="ssda903", status=ImportRun.Status.IMPORTING, files="header.csv", rows_total=9
    )
    sign_in_with_cookie(personas[Role.DATA_OFFICER])
    page.goto(f"/imports/{run.pk}/")
    expect(page.get_by_text("Checked 0 rows. Updating the roll.")).to_be_visible()

    # The worker dies: no sign of life for longer than VSCHOOL_IMPORT_STALLED_MINUTES
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=11))
    expect(page.get_by_text("Stopped – the import did not finish")).to_be_visible()
    expect(page.get_by_text("Updating the roll")).to_have_count(0)  # no longer polled
    assert_accessible(page)
    page.get_by_role("button", name="Cancel the import").click()
    expect(page.get_by_text(ImportRun.STOPPED_SUMMARY)).to_be_visible()
    expect(page.get_by_role("button", name="Cancel the import")).to_have_count(0)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.STOPPED and not Child.objects.exists()
