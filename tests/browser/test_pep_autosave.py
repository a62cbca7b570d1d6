"""A PEP section keeps its draft: typing then leaving a field saves it, and says so."""

from datetime import date

import pytest
from playwright.sync_api import expect

from vschool.accounts.models import Role
from vschool.peps.models import Pep, PepSection

pytestmark = pytest.mark.django_db(transaction=True)


def test_leaving_a_field_saves_the_draft(
    page, personas, roll, sign_in_with_cookie, assert_accessible
):
    pep = Pep.objects.create(
        child=roll["at_a"],
        status=Pep.Status.DRAFT,
        pep_type="primary",
        academic_year=2025,
        term="autumn",
        due_date=date(2025, 12, 19),
    )
    sign_in_with_cookie(personas[Role.DESIGNATED_TEACHER])
    page.goto(f"/children/{pep.child_id}/peps/{pep.pk}/school/")
    page.get_by_label("Attendance summary").fill("95% since September")
    page.get_by_label("Strengths and interests").focus()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")
    assert_accessible(page)
    row = PepSection.objects.get(pep=pep, key="school")
    assert row.data["attendance"] == "95% since September" and not row.completed
    # A second change goes in on the version the first save returned: no conflict. The
    # status still says "Draft saved" from the first, so wait for the second save itself.
    page.get_by_label("Strengths and interests").fill("Drawing")
    with page.expect_response(
        lambda r: "autosave" in r.url and r.request.method == "POST"
    ) as saved:
        page.get_by_label("Attendance summary").focus()
    assert saved.value.ok
    page.reload()
    expect(page.get_by_label("Strengths and interests")).to_have_value("Drawing")
    expect(page.get_by_label("Attendance summary")).to_have_value("95% since September")
