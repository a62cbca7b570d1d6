"""The attendance upload page: one CSV of marks, checked whole, imported at once or not at
all, for those who may import."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.attendance.models import AttendanceMark
from vschool.audit.models import AuditEntry
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

URL = reverse("exchange:attendance_upload")
HEADER = "child,upn,urn,date,session,code\n"
GOOD = (
    HEADER
    + "A1,,100001,2025-09-01,AM,/\n"
    + "A1,,100001,2025-09-01,PM,I\n"
    + "B2,,100001,2025-09-01,AM,O\n"
    + "B2,,200002,2025-09-02,AM,/\n"  # a school not held yet
)


@pytest.fixture
def roll():
    SchoolFactory(urn="100001")
    return ChildFactory(la_child_id="A1"), ChildFactory(la_child_id="B2")


def _upload(client, text: str | bytes, name: str = "marks.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(URL, {"file": SimpleUploadedFile(name, data)}, follow=True)


def _held():
    return sorted(
        AttendanceMark.objects.values_list("child__la_child_id", "date", "session", "code")
    )


def test_the_imports_page_links_to_it(login, personas):
    page = login(personas[Role.DATA_OFFICER]).get(reverse("exchange:imports")).content.decode()
    assert URL in page


def test_a_good_file_is_imported_and_the_same_file_again_changes_nothing(login, personas, roll):
    officer = personas[Role.DATA_OFFICER]
    client = login(officer)
    page = _upload(client, GOOD).content.decode()
    assert "govuk-notification-banner--success" in page
    assert "Imported: 4 marks created, 0 earlier marks replaced, for 2 children." in page
    assert "Schools not held yet, marks kept by URN (1): 200002" in page
    held = _held()
    assert len(held) == 4 and held[0] == ("A1", date(2025, 9, 1), "AM", "/")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORTED).get()
    assert entry.user == officer and entry.username == officer.username

    pks = set(AttendanceMark.objects.values_list("pk", flat=True))
    page = _upload(client, GOOD).content.decode()
    assert "No changes: the 4 marks in this file are already held." in page
    assert set(AttendanceMark.objects.values_list("pk", flat=True)) == pks


def test_a_bad_file_names_its_errors_and_writes_nothing(login, personas, roll):
    bad = GOOD + "C3,,100001,2025-09-01,AM,/\n" + "A1,,100001,2025-13-01,AM,/\n"
    response = _upload(login(personas[Role.HEAD]), bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Not imported: 2 rows with errors. Nothing changed." in page
    assert "C3" in page and "2025-13-01" in page
    assert '<td class="govuk-table__cell">6</td>' in page  # the unknown child's line
    assert AttendanceMark.objects.count() == 0
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORTED).exists()
    # The problems quote children's references: the page is noted as seen.
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEWED, summary__startswith="Attendance upload not imported"
    ).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("marks.xlsx", b"PK\x03\x04 spreadsheet", "The selected file must be a CSV"),
        ("marks.csv", b"PK\x03\x04\x00\x00binary", "saved as text (UTF-8)"),
        ("marks.csv", b"", "The selected file is empty"),
    ],
)
def test_a_file_that_is_no_csv_is_refused_with_a_message(login, personas, name, data, message):
    page = _upload(login(personas[Role.DATA_OFFICER]), data, name=name).content.decode()
    assert "govuk-error-summary" in page and message in page
    assert AttendanceMark.objects.count() == 0


def test_a_file_over_the_limit_is_refused(login, personas, roll, settings):
    settings.VSCHOOL_MAX_UPLOAD_BYTES = len(GOOD) - 1
    page = _upload(login(personas[Role.DATA_OFFICER]), GOOD).content.decode()
    assert "must be smaller than" in page
    assert AttendanceMark.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OFFICER, Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER])
def test_a_role_that_may_not_import_gets_not_found(login, personas, roll, role):
    client = login(personas[role])
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"file": SimpleUploadedFile("m.csv", GOOD.encode())}).status_code == 404
    assert AttendanceMark.objects.count() == 0
