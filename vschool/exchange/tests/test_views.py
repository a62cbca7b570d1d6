"""The imports page: upload a return, see what changed or which rows to fix."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.cohort.models import CareEpisode, Child, ReturnedHeader
from vschool.exchange.models import ImportRun

pytestmark = pytest.mark.django_db

HEADER = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,F,01/02/2012,WBRI,UN2,,\n"
EPISODES = (
    b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    b"HOME_POST,PL_POST,URN\nC1,01/09/2025,S,C2,N1,U1,PR1,,,,,LS1,\n"
)


def _upload(client, episodes=EPISODES, **extra):
    return client.post(
        "/imports/",
        {
            "kind": "ssda903",
            "files": [
                SimpleUploadedFile("header.csv", HEADER),
                SimpleUploadedFile("episodes.csv", episodes),
            ],
            **extra,
        },
        follow=True,
    )


def _decide(client, run, decision):
    return client.post(f"/imports/{run.pk}/", {"decision": decision}, follow=True)


def test_the_data_officer_checks_a_return_sees_what_it_would_do_then_imports_it(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    page = _upload(client).content.decode()
    assert (
        "Ready to import: 1 child added, 1 episode added, 1 new into care. "
        "Nothing has changed yet." in page
    )
    assert "What the import would change" in page and "Confirm and import" in page
    assert "2025-26 (1 April 2025 to 31 March 2026), read from the episodes" in page
    assert not Child.objects.exists()
    run = ImportRun.objects.get()
    assert (run.status, run.collection_year, run.uploads.count()) == ("checked", 2026, 2)
    page = _decide(client, run, "confirm").content.decode()
    assert "Imported: 1 child added, 1 episode added, 1 new into care." in page
    assert Child.objects.get().la_child_id == "C1"
    run.refresh_from_db()
    assert (run.status, run.user, run.uploads.count()) == (
        "imported",
        personas[Role.DATA_OFFICER],
        0,
    )
    _decide(client, run, "confirm")  # a second click changes nothing
    assert CareEpisode.objects.count() == 1
    again = _upload(client).content.decode()
    assert "No changes: the roll already matches these files." in again
    assert "Confirm and import" not in again


def test_an_upload_checked_then_cancelled_changes_nothing(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    _upload(client)
    run = ImportRun.objects.get()
    page = _decide(client, run, "cancel").content.decode()
    assert "Cancelled after the check: nothing was imported." in page
    assert "What the import would have changed" in page
    assert "Confirm and import" not in page
    assert not Child.objects.exists() and not CareEpisode.objects.exists()
    run.refresh_from_db()
    assert (run.status, run.uploads.count()) == ("cancelled", 0)
    _decide(client, run, "confirm")  # too late: nothing to confirm
    assert not Child.objects.exists()
    assert AuditEntry.objects.filter(summary__contains="Cancelled after the check").exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COORDINATOR, Role.GOVERNOR])
def test_only_importers_may_confirm_an_import(login, personas, role):
    _upload(login(personas[Role.DATA_OFFICER]))
    run = ImportRun.objects.get()
    assert (
        login(personas[role]).post(f"/imports/{run.pk}/", {"decision": "confirm"}).status_code
        == 404
    )
    assert not Child.objects.exists()


def test_a_return_without_its_header_file_says_so_once(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    page = client.post(
        "/imports/",
        {"kind": "ssda903", "files": [SimpleUploadedFile("episodes.csv", EPISODES * 1)]},
        follow=True,
    ).content.decode()
    assert "Not imported: header.csv is missing. Nothing changed." in page
    assert ImportRun.objects.get().rejects.count() == 1


def test_the_year_is_chosen_when_the_return_has_no_episodes_to_read_it_from(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    empty = EPISODES.split(b"\n")[0] + b"\n"
    page = _upload(client, episodes=empty).content.decode()
    assert "The collection year cannot be read from episodes.csv" in page
    assert "choose the collection year" in page
    page = _upload(client, episodes=empty, collection_year="2025").content.decode()
    assert "Ready to import: 1 child added." in page
    assert "2024-25 (1 April 2024 to 31 March 2025), as chosen on upload" in page
    _decide(client, ImportRun.objects.first(), "confirm")
    assert ReturnedHeader.objects.get().collection_year == 2025


def test_a_child_looked_after_past_18_is_a_warning_not_a_reject(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    old = HEADER.replace(b"01/02/2012", b"01/02/2005")
    page = client.post(
        "/imports/",
        {
            "kind": "ssda903",
            "files": [
                SimpleUploadedFile("header.csv", old),
                SimpleUploadedFile("episodes.csv", EPISODES),
            ],
        },
        follow=True,
    ).content.decode()
    warning = (
        "CHILD C1 is looked after past 18 (born 01/02/2005, episode open since 01/09/2025): "
        "check the return"
    )
    assert "1 child would be looked after past 18: check the return." in page
    assert warning in page
    page = _decide(client, ImportRun.objects.get(), "confirm").content.decode()
    assert "1 child is looked after past 18: check the return." in page and warning in page
    assert ImportRun.objects.get().warnings == [warning]
    assert Child.objects.get().in_care


def test_a_rejected_upload_lists_the_rows_and_offers_them_as_csv(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    bad = EPISODES.replace(b"U1,PR1", b"QQ,PR1")
    page = _upload(client, episodes=bad).content.decode()
    assert "Not imported: 1 row with errors. Nothing changed." in page
    assert "QQ is not a valid PLACE code" in page
    assert not Child.objects.exists()
    run = ImportRun.objects.get()
    csv = client.get(f"/imports/{run.pk}/errors.csv").getvalue().decode("utf-8-sig")
    assert csv.splitlines() == [
        "file,line,column,value,reason",
        "episodes.csv,2,PLACE,QQ,QQ is not a valid PLACE code",
    ]


def test_an_upload_without_files_says_so(login, personas):
    response = login(personas[Role.DATA_OFFICER]).post("/imports/", {"kind": "ssda903"})
    assert "Select the files to import" in response.content.decode()
    assert "<title>Error: Imports" in response.content.decode()


def test_a_large_upload_is_checked_then_imported_in_the_background(login, personas, settings):
    settings.VSCHOOL_BACKGROUND_IMPORT_BYTES = 10
    client = login(personas[Role.DATA_OFFICER])
    page = _upload(client).content.decode()
    run = ImportRun.objects.get()
    assert (run.status, run.rows_total, run.rows_read) == (ImportRun.Status.CHECKED, 2, 2)
    assert run.uploads.count() == 2 and not Child.objects.exists()
    assert "Ready to import: 1 child added" in page
    page = _decide(client, run, "confirm").content.decode()
    run.refresh_from_db()
    assert (run.status, run.rows_total, run.rows_read) == (ImportRun.Status.IMPORTED, 2, 2)
    assert not run.uploads.exists()  # uploaded files are not kept once imported
    assert "Imported: 1 child added" in page
    polled = client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"})
    assert polled.status_code == 286 and polled["HX-Refresh"] == "true"


def test_a_queued_run_shows_its_progress_to_the_poll(login, personas):
    run = ImportRun.objects.create(
        kind="ssda903",
        status=ImportRun.Status.CHECKING,
        files="episodes.csv",
        rows_total=48000,
        rows_read=12400,
    )
    client = login(personas[Role.DATA_OFFICER])
    polled = client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "Checked 12,400 of about 48,000 rows." in polled and "every 2s" in polled
    assert "Refresh" in client.get(f"/imports/{run.pk}/").content.decode()


def test_a_crash_in_the_background_marks_the_run_failed_and_changes_nothing(
    login, personas, settings, monkeypatch
):
    settings.VSCHOOL_BACKGROUND_IMPORT_BYTES = 10

    def broken(*args, **kwargs):
        Child.objects.create(la_child_id="HALF", date_of_birth="2010-01-01")
        raise RuntimeError("disk full")

    monkeypatch.setattr("vschool.exchange.ssda903.apply._oc3_upsert", broken)
    page = _upload(login(personas[Role.DATA_OFFICER])).content.decode()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "problem with the service" in page
    assert not Child.objects.exists()


def test_the_return_of_a_year_held_downloads_as_a_zip_and_is_audited(login, personas):
    import io
    import zipfile

    client = login(personas[Role.DATA_OFFICER])
    assert "No collection year is held yet" in client.get("/imports/export/").content.decode()
    _upload(client)
    _decide(client, ImportRun.objects.get(), "confirm")
    page = client.get("/imports/export/").content.decode()
    assert "2025-26 (1 April 2025 to 31 March 2026)" in page
    response = client.get("/imports/export/", {"year": "2026"})
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="ssda903-2025-26.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert len(archive.namelist()) == 10
    assert archive.read("header.csv").decode().splitlines()[1].startswith("C1,")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORTED)
    assert entry.summary.startswith("Downloaded the SSDA903 return 2025-26 (ZIP)")
    unheld = client.get("/imports/export/", {"year": "2019"}).content.decode()
    assert "Select collection year from the choices given" in unheld


def test_the_errors_download_is_audited(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    _upload(client, episodes=EPISODES.replace(b"U1,PR1", b"QQ,PR1"))
    client.get(f"/imports/{ImportRun.objects.get().pk}/errors.csv")
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORTED, summary__contains="rejected rows"
    ).exists()


def test_an_upload_over_the_size_limit_is_refused_unread_and_no_run_is_made(
    login, personas, settings
):
    client = login(personas[Role.DATA_OFFICER])
    assert "Up to 20 MB." in client.get("/imports/").content.decode()
    settings.VSCHOOL_MAX_UPLOAD_BYTES = 1_000_000
    row = b"C1,01/09/2025,S,C2,N1,U1,PR1,,,,,LS1,\n"
    page = _upload(client, episodes=EPISODES + row * 30_000).content.decode()  # 1.1 MB
    assert "episodes.csv must be smaller than 1 MB" in page and "<title>Error: " in page
    header = HEADER + b"C2,F,01/02/2012,WBRI,UN2,,\n" * 20_000  # 0.55 MB
    page = client.post(
        "/imports/",
        {
            "kind": "ssda903",
            "files": [
                SimpleUploadedFile("header.csv", header),
                SimpleUploadedFile("episodes.csv", EPISODES + row * 14_000),  # 0.53 MB
            ],
        },
    ).content.decode()
    assert "The files must be smaller than 1 MB together" in page
    assert not ImportRun.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORTED).exists()

    settings.VSCHOOL_MAX_UPLOAD_BYTES = len(HEADER) + len(EPISODES)
    _upload(client)  # exactly the limit: checked
    assert ImportRun.objects.get().status == ImportRun.Status.CHECKED
