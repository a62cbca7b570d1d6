"""Importing SSDA903 returns: counts, idempotence, precise rejects, atomicity."""

import shutil
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from vschool.audit.models import AuditEntry
from vschool.cohort.models import (
    CareEpisode,
    CareLeaverContact,
    Child,
    MissingEpisode,
    StatutoryReview,
)
from vschool.exchange.models import ImportRun
from vschool.exchange.services import ssda903_import

pytestmark = pytest.mark.django_db

SMALL = Path(settings.BASE_DIR).parent / "shared" / "data" / "ssda903" / "small"

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN\n"
)


def _import(tmp_path, *args):
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import", "ssda903", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().strip().splitlines()[-1], err.getvalue().strip().splitlines()


def _write(folder: Path, **files: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def small():
    if not SMALL.is_dir():
        pytest.skip(f"the shared test return is not beside the repository ({SMALL})")
    return SMALL


def test_the_small_return_gives_one_child_per_child_with_all_episodes(small, tmp_path):
    code, last, _ = _import(tmp_path, small)
    assert code == 0
    header_ids = {
        line.split(",")[0] for line in (small / "header.csv").read_text().splitlines()[1:]
    }
    episode_lines = (small / "episodes.csv").read_text().splitlines()[1:]
    assert Child.objects.count() == len(header_ids)
    assert set(Child.objects.values_list("la_child_id", flat=True)) == header_ids
    assert CareEpisode.objects.count() == len(episode_lines)
    assert f"{len(header_ids)} children added" in last
    assert f"{len(episode_lines)} episodes added" in last
    uasc_ids = {line.split(",")[0] for line in (small / "uasc.csv").read_text().splitlines()[1:]}
    assert set(Child.objects.filter(uasc=True).values_list("la_child_id", flat=True)) == uasc_ids
    assert CareLeaverContact.objects.filter(collection_year=2026).count() == 51
    for name, model in (("reviews", StatutoryReview), ("missing", MissingEpisode)):
        lines = (small / f"{name}.csv").read_text().splitlines()[1:]
        assert model.objects.count() == len(lines)


def test_importing_the_same_return_again_changes_nothing(small, tmp_path):
    _import(tmp_path, small)
    before = list(CareEpisode.objects.order_by("pk").values())
    code, last, _ = _import(tmp_path, small)
    assert (code, last) == (0, "No changes: the roll already matches these files.")
    assert list(CareEpisode.objects.order_by("pk").values()) == before
    assert ImportRun.objects.first().status == ImportRun.Status.UNCHANGED


def test_a_later_return_updates_and_keeps_children_who_left(small, tmp_path):
    _import(tmp_path, small / "previous")
    only_previous = Child.objects.count()
    _import(tmp_path, small)
    assert Child.objects.count() >= only_previous
    previous_ids = {
        line.split(",")[0]
        for line in (small / "previous" / "header.csv").read_text().splitlines()[1:]
    }
    assert previous_ids <= set(Child.objects.values_list("la_child_id", flat=True))


def test_what_changed_is_reported(tmp_path):
    first = _write(
        tmp_path / "a",
        header=HEADER + "C1,F,01/02/2012,WBRI,UN2,,\n",
        episodes=EPISODES + "C1,01/09/2025,S,C2,N1,U1,PR1,,,,,LS1,\n",
    )
    assert _import(tmp_path, first)[1] == (
        "Imported: 1 child added, 1 episode added, 1 new into care."
    )
    second = _write(
        tmp_path / "b",
        header=HEADER + "C1,F,01/02/2012,WBRI,UN2,,\n",
        uasc="CHILD,SEX,DOB,DUC\nC1,F,01/02/2012,01/02/2030\n",
        episodes=EPISODES + "C1,01/09/2025,S,C2,N1,U1,PR1,01/12/2025,X1,,,LS1,\n"
        "C1,01/12/2025,P,C2,N1,K2,PR1,2026-02-01,E13,CARPL,,LS1,\n",
    )
    code, last, _ = _import(tmp_path, second)
    assert last == (
        "Imported: 1 child updated, 1 episode added, 1 episode changed, "
        "1 left care, 1 placement change, 2 episodes ended, 1 new UASC."
    )
    child = Child.objects.get(la_child_id="C1")
    assert (child.in_care, child.uasc, child.cohort_type) == (False, True, "cla")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORTED).first()
    assert "1 left care" in entry.summary


def test_an_import_keeps_the_year_group_the_school_teaches_in(tmp_path):
    """The return has no year group: the one recorded by hand stays (domain.md 4, issue #9)."""
    first = _write(
        tmp_path / "a",
        header=HEADER + "C1,F,20/08/2016,WBRI,UN2,,\n",
        episodes=EPISODES + "C1,01/09/2025,S,C2,N1,U1,PR1,,,,,LS1,\n",
    )
    _import(tmp_path, first)
    Child.objects.filter(la_child_id="C1").update(year_group_offset=-1)
    second = _write(
        tmp_path / "b",
        header=HEADER + "C1,F,21/08/2016,WBRI,UN1,,\n",
        episodes=EPISODES + "C1,01/09/2025,S,C2,N1,U1,PR1,01/12/2025,E13,,,LS1,\n",
    )
    assert "1 child updated" in _import(tmp_path, second)[1]
    child = Child.objects.get(la_child_id="C1")
    assert (child.date_of_birth, child.upn) == (date(2016, 8, 21), "UN1")
    assert child.year_group_offset == -1


def test_a_file_with_four_faults_is_rejected_with_four_precise_messages(tmp_path):
    """A bad date, an unknown code, a missing column and a duplicate row: nothing changes."""
    Child.objects.create(la_child_id="KEEP", date_of_birth=date(2010, 1, 1), sex="M")
    folder = _write(
        tmp_path / "bad",
        header="CHILD,SEX,DOB,ETHNIC,UPN,MOTHER\n"  # MC_DOB missing
        "C1,F,31/02/2012,WBRI,UN2,\n"  # no 31 February
        "C2,M,01/02/2013,WBRI,UN2,\n"
        "C2,M,01/02/2013,WBRI,UN2,\n",  # duplicate
        episodes=EPISODES + "C2,01/09/2025,S,C2,N1,QQ,PR1,,,,,LS1,\n",
    )  # unknown PLACE
    code, last, errors = _import(tmp_path, folder)
    assert code == 1
    assert errors == [
        "episodes.csv, line 2, column PLACE: QQ is not a valid PLACE code (value 'QQ')",
        "header.csv, line 1, column MC_DOB: The column is missing",
        "header.csv, line 2, column DOB: The date is not a real date (value '31/02/2012')",
        "header.csv, line 4: Duplicate row: same CHILD as line 3 (value 'C2')",
    ]
    assert last == "Not imported: 4 rows with errors. Nothing changed."
    assert list(Child.objects.values_list("la_child_id", flat=True)) == ["KEEP"]
    assert not CareEpisode.objects.exists()
    run = ImportRun.objects.get()
    assert (run.status, run.rejects.count()) == (ImportRun.Status.REJECTED, 4)


def test_skip_invalid_imports_the_valid_rows_and_lists_the_rest(tmp_path):
    folder = _write(
        tmp_path / "mixed",
        header=HEADER + "C1,F,01/02/2012,WBRI,UN2,,\nC2,X,01/02/2012,WBRI,UN2,,\n",
        episodes=EPISODES + "C1,01/09/2025,S,C2,N1,U1,PR1,,,,,LS1,\n"
        "C2,01/09/2025,S,C2,N1,U1,PR1,,,,,LS1,\n",
    )
    code, last, errors = _import(tmp_path, folder, "--skip-invalid")
    assert code == 0
    assert list(Child.objects.values_list("la_child_id", flat=True)) == ["C1"]
    assert (
        errors[0] == "episodes.csv, line 3, column CHILD: CHILD C2 is not in header.csv "
        "(value 'C2')"
    )
    assert "Skipped 2 rows with errors." in last


@pytest.mark.parametrize(
    ("episodes", "message"),
    [
        (
            "C1,01/09/2025,S,C2,N1,U1,PR1,,,,,,\nC1,01/10/2025,P,C2,N1,U1,PR1,,,,,,\n",
            "line 3, column DECOM: The episode overlaps the episode on line 2",
        ),
        (
            "C1,01/09/2025,S,C2,N1,U1,PR1,01/08/2025,E13,,,,\n",
            "column DEC: The episode ends before it starts",
        ),
        (
            "C1,01/09/2025,S,C2,N1,U1,PR1,01/10/2025,,,,,\n",
            "column REC: REC is required when the episode has an end date",
        ),
        (
            "C1,01/09/2025,S,C2,N1,U1,PR1,,,,,,SC2774590000\n",
            "column URN: URN has at most 10 characters",
        ),
        (  # so the return goes back out exactly, through the spreadsheet writer
            "C1,01/09/2025,S,C2,N1,U1,PR1,,,,,@SUM(A1),\n",
            "column PL_POST: PL_POST cannot start with @: a spreadsheet would run it",
        ),
    ],
)
def test_episodes_that_cannot_follow_each_other_are_rejected(tmp_path, episodes, message):
    folder = _write(
        tmp_path / "eps",
        header=HEADER + "C1,F,01/02/2012,WBRI,UN2,,\n",
        episodes=EPISODES + episodes,
    )
    code, _, errors = _import(tmp_path, folder)
    assert code == 1 and any(message in error for error in errors), errors


def test_windows_1252_with_iso_dates_and_a_utf8_bom_are_read(tmp_path):
    folder = tmp_path / "enc"
    folder.mkdir()
    (folder / "header.csv").write_bytes(
        ("\ufeff" + HEADER + "C1,F,2012-02-01,WBRI,UN2,,\n").encode("utf-8")
    )
    (folder / "episodes.csv").write_bytes(
        (EPISODES + "C1,01/09/2025,S,C2,N1,U1,PR1,,,,,LS1 1AA,\n").encode("cp1252")
    )
    assert _import(tmp_path, folder)[0] == 0
    assert Child.objects.get().date_of_birth == date(2012, 2, 1)


def test_a_missing_header_file_is_named(tmp_path):
    folder = _write(tmp_path / "none", episodes=EPISODES)
    code, _, errors = _import(tmp_path, folder)
    assert code == 1 and errors == ["header.csv, line 0: header.csv is missing"]


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header_rows=st.lists(st.lists(cells, max_size=9), max_size=6),
    episode_rows=st.lists(st.lists(cells, max_size=15), max_size=6),
    drop=st.sampled_from(["", "DOB", "DECOM", "CHILD", "LS"]),
    noise=st.binary(max_size=40),
)
def test_malformed_returns_never_crash_or_write_half(db, header_rows, episode_rows, drop, noise):
    before = (Child.objects.count(), CareEpisode.objects.count())

    def table(head: str, rows) -> bytes:
        columns = [c for c in head.strip().split(",") if c != drop]
        lines = [",".join(columns)] + [",".join(c.replace(",", " ") for c in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8") + noise

    run = ssda903_import(
        files={
            "header.csv": table(HEADER, header_rows),
            "episodes.csv": table(EPISODES, episode_rows),
        },
        user=None,
    )
    if run.status == ImportRun.Status.REJECTED:
        assert (Child.objects.count(), CareEpisode.objects.count()) == before
    Child.objects.all().delete()


def test_the_imported_roll_shows_on_the_roll_and_child_pages(small, tmp_path, login, personas):
    from vschool.accounts.models import Role

    _import(tmp_path, small)
    client = login(personas[Role.HEAD])
    child = Child.objects.filter(in_care=True).first()
    page = client.get("/children/", {"q": child.la_child_id}).content.decode()
    assert f"Child {child.la_child_id}" in page
    care = client.get(f"/children/{child.pk}/care/").content.decode()
    first = child.episodes.order_by("decom").first()
    assert f"{first.decom.day} {first.decom:%B %Y}" in care


def test_copying_the_return_elsewhere_and_naming_files_works(small, tmp_path):
    target = tmp_path / "files"
    target.mkdir()
    for name in ("header", "episodes"):
        shutil.copy(small / f"{name}.csv", target / f"{name}_2026.csv")
    code, last, _ = _import(tmp_path, target / "header_2026.csv", target / "episodes_2026.csv")
    assert code == 0 and "children added" in last


def test_a_line_holding_a_nul_character_is_rejected_not_stored(tmp_path):
    """PostgreSQL text cannot hold NUL: found by the property test on PostgreSQL."""
    folder = tmp_path / "nul"
    folder.mkdir()
    (folder / "header.csv").write_bytes((HEADER + "C1,F,01/02/2012,WB\x00RI,UN2,,\n").encode())
    (folder / "episodes.csv").write_bytes(EPISODES.encode())
    code, last, errors = _import(tmp_path, folder)
    assert code == 1
    assert errors == [
        "episodes.csv, line 0: The collection year cannot be read from episodes.csv (it holds "
        "no episodes): choose the collection year and upload the return again",
        "header.csv, line 2: The line holds a NUL character",
    ]
    assert not Child.objects.exists()


def test_the_four_outcome_and_adoption_files_are_imported_per_year(small, tmp_path):
    from vschool.cohort.models import (
        Adoption,
        AdoptionDecision,
        HealthOutcome,
        PreviousPermanence,
    )

    _import(tmp_path, small / "previous")
    code, last, _ = _import(tmp_path, small)
    assert code == 0
    for name, model in (
        ("oc2", HealthOutcome),
        ("ad1", Adoption),
        ("placed_for_adoption", AdoptionDecision),
        ("previous_permanence", PreviousPermanence),
    ):
        for year, folder in ((2025, small / "previous"), (2026, small)):
            lines = (folder / f"{name}.csv").read_text().splitlines()[1:]
            assert model.objects.filter(collection_year=year).count() == len(lines), name
    assert "148 OC2 outcome records" in last and "8 adoptions recorded" in last
    outcome = HealthOutcome.objects.get(child__la_child_id="643020", collection_year=2026)
    assert (
        outcome.sdq_score,
        outcome.sdq_reason,
        outcome.convicted,
        outcome.health_check,
        outcome.immunisations,
    ) == (None, "SDQ3", False, None, True)
    assert _import(tmp_path, small / "previous")[1] == (
        "No changes: the roll already matches these files."
    )


def test_faults_in_the_four_files_are_named_by_file_line_and_column(tmp_path):
    folder = _write(
        tmp_path / "bad",
        header=HEADER + "C1,F,01/02/2012,WBRI,UN2,,\n",
        episodes=EPISODES + "C1,01/09/2025,S,C2,N1,U1,PR1,,,,,,\n",
        oc2="CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
        "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"
        "C1,01/02/2012,41,SDQ9,2,,1,1,1,0,,\n",
        ad1="CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
        "C9,01/02/2012,01/01/2025,01/02/2025,0,2,MF,L11\n",
        placed_for_adoption="CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
        "C1,01/02/2012,01/10/2025,,\nC1,01/02/2012,01/10/2025,,RD1\n"
        "C1,01/02/2012,01/11/2025,01/12/2025,RD9\n",
        previous_permanence="CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\nC1,01/02/2012,P2,ABC,\n",
    )
    code, last, errors = _import(tmp_path, folder)
    assert code == 1
    assert errors == [
        "ad1.csv, line 2, column CHILD: CHILD C9 is not in header.csv (value 'C9')",
        "oc2.csv, line 2, column CONVICTED: CONVICTED must be 1 (yes) or 0 (no) (value '2')",
        "oc2.csv, line 2, column SDQ_REASON: SDQ9 is not a valid SDQ_REASON code (value 'SDQ9')",
        "oc2.csv, line 2, column SDQ_SCORE: SDQ_SCORE must be a whole number from 0 to 40 "
        "(value '41')",
        "placed_for_adoption.csv, line 3: Duplicate row: same CHILD and DATE_PLACED as line 2 "
        "(value 'C1,2025-10-01')",
        "placed_for_adoption.csv, line 4, column REASON_PLACED_CEASED: RD9 is not a valid "
        "REASON_PLACED_CEASED code (value 'RD9')",
        "previous_permanence.csv, line 2, column LA_PERM: LA_PERM must be a 3-digit LA code or "
        "WAL, SCO, NIR, NUK or 999 (value 'ABC')",
    ]
    assert not Child.objects.exists()
    code, last, errors = _import(tmp_path, folder, "--skip-invalid")
    assert "1 adoption decision recorded" in last
    assert "Skipped 5 rows with errors." in last
