"""Importing the GIAS extract: codes by header name, precise rejects, idempotence, atomicity."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from vschool.audit.models import AuditEntry
from vschool.cohort.models import School
from vschool.exchange import gias
from vschool.exchange.gias import gias_import, parse_extract
from vschool.exchange.models import ImportRun

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "gias" / "edubasealldata.csv"
FILE = "edubasealldata.csv"


def _table() -> tuple[list[str], list[list[str]]]:
    """The fixture's header and rows, to change before writing a variant."""
    rows = list(csv.reader(io.StringIO(FIXTURE.read_bytes().decode("cp1252"), newline="")))
    return rows[0], rows[1:]


def _write(folder: Path, header, rows, encoding="cp1252") -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path = folder / FILE
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def _set(header, row, column, value) -> None:
    row[header.index(column)] = value


def _import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import", "gias", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().strip().splitlines()[-1], err.getvalue().strip().splitlines()


def _schools() -> list[dict]:
    return list(School.objects.order_by("urn").values())


def test_the_fixture_imports_every_school_with_its_codes_and_ofsted_grade(settings):
    settings.VSCHOOL_LA_CODE = "873"
    assert _import(FIXTURE)[:2] == (0, "Imported: 13 schools added.")
    saint = School.objects.get(urn="110650")
    assert saint.name == "St Æthelwold’s Church of England Primary School"
    assert (
        saint.la_code,
        saint.establishment_number,
        saint.type_code,
        saint.phase_code,
        saint.status_code,
        saint.postcode,
    ) == ("873", "3145", "03", "2", "1", "CB6 1AB")
    assert (saint.ofsted_rating, saint.ofsted_date) == ("2", date(2021, 11, 5))
    ratings = dict(School.objects.values_list("urn", "ofsted_rating"))
    assert [ratings[urn] for urn in ("110601", "136512", "141230", "110712", "145001")] == [
        "1",
        "3",
        "4",
        "Serious Weaknesses",
        "Special Measures",
    ]
    unrated = School.objects.get(urn="148800")
    assert (unrated.ofsted_rating, unrated.ofsted_date, unrated.status_code) == ("", None, "4")
    closed = School.objects.get(urn="110903")
    assert (closed.status_code, closed.is_open) == ("2", False)
    assert School.objects.get(urn="138214").type_code == "34"
    assert School.objects.get(urn="100054").name == "Ysgol Gymraeg Llwyn Môr"
    outside = [
        school.urn for school in School.objects.order_by("urn") if not school.is_in_authority
    ]
    assert outside == ["100054", "110700"]
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.rows_read, run.counts) == (
        ImportRun.Kind.GIAS,
        ImportRun.Status.IMPORTED,
        13,
        {"schools_added": 13},
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORTED)
    assert entry.summary == "Get Information About Schools extract: Imported: 13 schools added."


def test_importing_the_same_file_again_reports_no_changes():
    _import(FIXTURE)
    before = _schools()
    assert _import(FIXTURE)[:2] == (0, "No changes: the schools already match this file.")
    assert _schools() == before
    assert ImportRun.objects.first().status == ImportRun.Status.UNCHANGED


def test_a_school_closed_in_a_later_file_is_updated_not_deleted(tmp_path):
    _import(FIXTURE)
    header, rows = _table()
    _set(header, rows[1], "EstablishmentStatus (code)", "2")
    _set(header, rows[1], "CloseDate", "31-12-2025")
    _set(header, rows[5], "OfstedRating (name)", "Good")
    _set(header, rows[5], "OfstedLastInsp", "01-07-2024")
    del rows[0]  # Fenbridge Nursery is not in the later file
    code, last, _ = _import(_write(tmp_path, header, rows))
    assert (code, last) == (0, "Imported: 2 schools updated, 1 school closed.")
    assert School.objects.count() == 13
    assert School.objects.get(urn="110650").status_code == "2"
    assert School.objects.get(urn="136512").ofsted_date == date(2024, 7, 1)
    assert School.objects.get(urn="110601").status_code == "1"


def test_a_file_with_four_faults_is_rejected_with_four_precise_messages(tmp_path):
    """A bad date, an unknown code, a missing column and a duplicate URN: nothing changes."""
    _import(FIXTURE)
    before = _schools()
    header, rows = _table()
    for row in rows:
        _set(header, row, "EstablishmentName", "Renamed")
    _set(header, rows[1], "CloseDate", "31-02-2024")  # no 31 February
    _set(header, rows[3], "TypeOfEstablishment (code)", "99")
    _set(header, rows[6], "URN", rows[0][0])
    at = header.index("Postcode")
    header, rows = header[:at] + header[at + 1 :], [row[:at] + row[at + 1 :] for row in rows]
    path = _write(tmp_path, header, rows)
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "gias", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_.value.code == 1
    code, last, errors = _import(path)
    assert errors == [
        "edubasealldata.csv, line 1, column Postcode: The column is missing",
        "edubasealldata.csv, line 3, column CloseDate: The date is not a real date "
        "(value '31-02-2024')",
        "edubasealldata.csv, line 5, column TypeOfEstablishment (code): 99 is not a valid "
        "TypeOfEstablishment code (value '99')",
        "edubasealldata.csv, line 8, column URN: Duplicate row: same URN as line 2 "
        "(value '110601')",
    ]
    assert (code, last) == (1, "Not imported: 4 rows with errors. Nothing changed.")
    assert _schools() == before
    run = ImportRun.objects.first()
    assert (run.status, run.rejects.count()) == (ImportRun.Status.REJECTED, 4)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("URN", "12A456", "A URN is 5 to 7 digits"),
        ("URN", "", "A value is required"),
        ("LA (code)", "87", "An LA code is 3 digits"),
        ("EstablishmentNumber", "12345", "An establishment number is 1 to 4 digits"),
        ("EstablishmentName", "", "A value is required"),
        ("EstablishmentStatus (code)", "5", "5 is not a valid EstablishmentStatus code"),
        ("PhaseOfEducation (code)", "9", "9 is not a valid PhaseOfEducation code"),
        ("Postcode", "CB1 3QR CB1 3QR", "A postcode has at most 10 characters"),
        ("OfstedRating (name)", "Excellent", "Excellent is not an Ofsted rating in the code list"),
        (
            "OfstedLastInsp",
            "2019/03/14",
            "The date is not a date in the form dd/mm/yyyy or yyyy-mm-dd",
        ),
    ],
)
def test_each_check_names_the_cell_and_the_reason(tmp_path, column, value, reason):
    header, rows = _table()
    _set(header, rows[0], column, value)
    code, _, errors = _import(_write(tmp_path, header, rows))
    shown = f" (value {value!r})" if value else ""
    assert (code, errors) == (1, [f"edubasealldata.csv, line 2, column {column}: {reason}{shown}"])
    assert not School.objects.exists()


def test_skip_invalid_imports_the_valid_rows_and_lists_the_rest(tmp_path):
    header, rows = _table()
    _set(header, rows[0], "LA (code)", "8730")
    _set(header, rows[4], "OfstedRating (name)", "Outstanding!")
    code, last, errors = _import(_write(tmp_path, header, rows), "--skip-invalid")
    assert (code, last) == (0, "Imported: 11 schools added. Skipped 2 rows with errors.")
    assert len(errors) == 2
    assert not School.objects.filter(urn__in=[rows[0][0], rows[4][0]]).exists()


def test_skip_invalid_still_rejects_a_file_without_a_required_column(tmp_path):
    header, rows = _table()
    header[header.index("URN")] = "URN number"
    code, last, errors = _import(_write(tmp_path, header, rows), "--skip-invalid")
    assert (code, errors) == (1, ["edubasealldata.csv, line 1, column URN: The column is missing"])
    assert not School.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_utf8_with_a_bom_and_windows_1252_are_both_read(tmp_path, encoding):
    header, rows = _table()
    assert _import(_write(tmp_path, header, rows, encoding))[0] == 0
    assert School.objects.filter(name="St Æthelwold’s Church of England Primary School").exists()


def test_columns_are_found_by_name_in_any_order_and_ofsted_needs_both_columns(tmp_path):
    """Current extracts lack OfstedLastInsp: the grades already held are kept."""
    _import(FIXTURE)
    header, rows = _table()
    _set(header, rows[1], "OfstedRating (name)", "Inadequate")
    _set(header, rows[1], "EstablishmentName", "St Aethelwold's CE Primary School")
    at = header.index("OfstedLastInsp")
    columns = [column for column in header if column != "OfstedLastInsp"][::-1]
    rows = [[cell for i, cell in enumerate(row) if i != at][::-1] for row in rows]
    assert _import(_write(tmp_path, columns, rows))[:2] == (0, "Imported: 1 school updated.")
    school = School.objects.get(urn="110650")
    assert school.name == "St Aethelwold's CE Primary School"
    assert (school.ofsted_rating, school.ofsted_date) == ("2", date(2021, 11, 5))


@pytest.mark.parametrize("files", [{}, {"a.csv": b"URN\n", "b.csv": b"URN\n"}])
def test_anything_but_one_file_is_rejected(files):
    run = gias_import(files=files, user=None, skip_invalid=True)
    assert run.status == ImportRun.Status.REJECTED
    assert all("Give exactly one GIAS extract file" in r.reason for r in run.reject_list)


def test_a_file_the_csv_reader_cannot_read_is_rejected():
    run = gias_import(files={FILE: b'URN\n"' + b"x" * 200_000 + b'"\n'}, user=None)
    assert run.status == ImportRun.Status.REJECTED
    assert run.reject_list[0].reason.startswith("The file is not CSV: field larger than")


def test_a_queued_run_is_filled_in_and_progress_is_reported(monkeypatch):
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.GIAS, status=ImportRun.Status.QUEUED, files=FILE
    )
    done = gias_import(files={FILE: FIXTURE.read_bytes()}, user=None, run=run)
    assert done.pk == run.pk
    assert ImportRun.objects.get().status == ImportRun.Status.IMPORTED
    monkeypatch.setattr(gias, "PROGRESS_EVERY", 5)
    checked = []
    parse_extract({FILE: FIXTURE.read_bytes()}, progress=checked.append)
    assert checked == [5, 10]


READ = [
    "URN",
    "LA (code)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "EstablishmentStatus (code)",
    "PhaseOfEducation (code)",
    "Postcode",
    "OfstedRating (name)",
    "OfstedLastInsp",
    "CloseDate",
]
VALID = {
    "URN": st.sampled_from(["110650", "12345"]) | st.integers(100000, 9999999).map(str),
    "LA (code)": st.sampled_from(["873", "202"]),
    "EstablishmentNumber": st.sampled_from(["3145", "7", ""]),
    "EstablishmentName": st.sampled_from(["St Æthelwold’s School", "Ysgol Llwyn Môr"]),
    "TypeOfEstablishment (code)": st.sampled_from(["1", "03", "34", "44"]),
    "EstablishmentStatus (code)": st.sampled_from(["1", "2", "4"]),
    "PhaseOfEducation (code)": st.sampled_from(["0", "2", "4"]),
    "Postcode": st.sampled_from(["CB6 1AB", ""]),
    "OfstedRating (name)": st.sampled_from(["Good", "Serious Weaknesses", ""]),
    "OfstedLastInsp": st.sampled_from(["05-11-2021", ""]),
    "CloseDate": st.sampled_from(["31-08-2012", ""]),
}
cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@st.composite
def extracts(draw) -> bytes:
    """CSV bytes with some or all of the columns read, plausible or random cells, and noise."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    columns = draw(
        st.permutations(READ)
        | st.lists(st.sampled_from([*READ, "Town", "LA (name)", ""]), unique=True, max_size=12)
    )
    clean = st.tuples(*[VALID.get(column, st.just("")) for column in columns])
    messy = st.tuples(*[VALID.get(column, cells) | cells for column in columns])
    rows = draw(st.lists(clean | messy, max_size=6))
    extra = draw(st.lists(cells, max_size=2))
    out = io.StringIO()
    csv.writer(out).writerows([columns, *[list(row) + extra for row in rows]])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    noise = draw(st.just(b"") | st.binary(max_size=40))
    return out.getvalue().encode(encoding, errors="replace") + noise


@hypothesis_settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=extracts())
def test_malformed_extracts_never_crash_or_write_half(db, data):
    School.objects.all().delete()
    School.objects.create(urn="110650", name="Kept", la_code="873", type_code="03")
    before = _schools()
    run = gias_import(files={FILE: data}, user=None)
    event(run.status)
    assert run.status in ImportRun.Status.values
    if run.status == ImportRun.Status.REJECTED:
        assert run.reject_list
        assert _schools() == before
