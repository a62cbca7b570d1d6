"""The imports page: upload a return, see what changed or which rows to fix."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vschool.accounts.models import Role
from vschool.cohort.models import Child
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


def test_the_data_officer_imports_a_return_and_sees_what_changed(login, personas):
    response = _upload(login(personas[Role.DATA_OFFICER]))
    page = response.content.decode()
    assert "Imported: 1 child added, 1 episode added, 1 new into care." in page
    assert Child.objects.get().la_child_id == "C1"
    run = ImportRun.objects.get()
    assert run.user == personas[Role.DATA_OFFICER]
    again = _upload(login(personas[Role.DATA_OFFICER])).content.decode()
    assert "No changes: the roll already matches these files." in again


def test_a_rejected_upload_lists_the_rows_and_offers_them_as_csv(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    bad = EPISODES.replace(b"U1,PR1", b"QQ,PR1")
    page = _upload(client, episodes=bad).content.decode()
    assert "Not imported: 1 row with errors. Nothing changed." in page
    assert "QQ is not a valid PLACE code" in page
    assert not Child.objects.exists()
    run = ImportRun.objects.get()
    csv = client.get(f"/imports/{run.pk}/errors.csv").content.decode()
    assert csv.splitlines() == [
        "file,line,column,value,reason",
        "episodes.csv,2,PLACE,QQ,QQ is not a valid PLACE code",
    ]


def test_an_upload_without_files_says_so(login, personas):
    response = login(personas[Role.DATA_OFFICER]).post("/imports/", {"kind": "ssda903"})
    assert "Select the files to import" in response.content.decode()
    assert "<title>Error: Imports" in response.content.decode()


def test_a_large_upload_is_imported_in_the_background(login, personas, settings):
    settings.VSCHOOL_BACKGROUND_IMPORT_BYTES = 10
    client = login(personas[Role.DATA_OFFICER])
    page = _upload(client).content.decode()
    run = ImportRun.objects.get()
    assert (run.status, run.rows_total, run.rows_read) == (ImportRun.Status.IMPORTED, 2, 2)
    assert not run.uploads.exists()  # uploaded files are not kept once imported
    assert "1 child added" in page
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
