"""Importing historic PEPs from another ePEP system."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory
from vschool.exchange.models import ImportRun
from vschool.exchange.peps_import import peps_import
from vschool.peps.models import Pep, PepTermDeadline

pytestmark = pytest.mark.django_db

HEAD = "CHILD,KIND,TYPE,ACADEMIC_YEAR,TERM,MEETING_DATE,STATUS,COMPLETED_DATE,GRADE\n"
GOOD = (
    HEAD + "A1,termly,primary,2024/25,autumn,14/10/2024,locked,21/10/2024,Green\n"
    "A1,termly,primary,2024/25,spring,2025-02-03,approved,2025-02-10,Gold\n"
    "A1,initial,primary,2023/24,summer,,submitted,,\n"
)


def _run(tmp_path, text: str):
    path = tmp_path / "peps.csv"
    path.write_text(text, encoding="utf-8")
    out, err, code = StringIO(), StringIO(), 0
    try:
        call_command("import", "peps", str(path), stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().strip().splitlines()[-1], err.getvalue().strip().splitlines()


@pytest.fixture
def child(db):
    child = ChildFactory(la_child_id="A1")
    CareEpisodeFactory(child=child, decom=date(2024, 5, 3), rne="S")  # Friday before May bank hol
    return child


def test_historic_peps_are_imported_once(tmp_path, child):
    assert _run(tmp_path, GOOD)[:2] == (0, "Imported: 3 PEPs added.")
    autumn = Pep.objects.get(term="autumn")
    assert (autumn.status, autumn.grade, autumn.completed_date) == (
        "locked",
        "Green",
        date(2024, 10, 21),
    )
    assert autumn.due_date == date(2024, 12, 20)  # the term's deadline when no due date given
    # An initial PEP without a due date: 20 working days after entering care (3 May 2024;
    # the 6 and 27 May bank holidays), not the end of the term it was recorded in.
    assert Pep.objects.get(kind="initial").due_date == date(2024, 6, 4)
    assert _run(tmp_path, GOOD)[:2] == (0, "No changes: these PEPs are already held.")
    changed = GOOD.replace("Gold", "Green")
    assert _run(tmp_path, changed)[1] == "Imported: 1 PEP updated."


def test_bad_rows_are_named_and_nothing_changes(tmp_path, child):
    text = (
        HEAD + "A1,termly,primary,2024/25,autumn,14/10/2024,locked,21/10/2024,Green\n"
        "ZZ,termly,primary,2024/25,spring,,draft,,\n"
        "A1,termly,primary,2024/26,summer,,draft,,\n"
        "A1,termly,primary,2024/25,autumn,,approved,,Purple\n"
    )
    code, last, errors = _run(tmp_path, text)
    assert code == 1 and last == "Not imported: 3 rows with errors. Nothing changed."
    assert errors == [
        "peps.csv, line 3, column CHILD: No child on the roll has this identifier (value 'ZZ')",
        "peps.csv, line 4, column ACADEMIC_YEAR: The value is not an academic year such as "
        "2024/25 (value '2024/26')",
        "peps.csv, line 5, column GRADE: The value is not a grade on the scale (Gold, Green, "
        "Amber, Red) (value 'Purple')",
    ]
    assert not Pep.objects.exists()


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cells, max_size=10), max_size=5), noise=st.binary(max_size=30))
def test_malformed_pep_files_never_crash_or_write_half(child, rows, noise):
    data = (
        HEAD + "\n".join(",".join(c.replace(",", " ") for c in row) for row in rows)
    ).encode() + noise
    run = peps_import(files={"peps.csv": data}, user=None)
    if run.status == ImportRun.Status.REJECTED:
        assert not Pep.objects.exists()
    Pep.objects.all().delete()


def test_a_missing_column_rejects_the_file_even_when_skipping(tmp_path, child):
    path = tmp_path / "peps.csv"
    path.write_text(HEAD.replace(",GRADE", "") + "A1,termly,primary,2024/25,autumn,,draft,\n")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "peps", str(path), "--skip-invalid", stdout=out, stderr=StringIO())
    assert out.getvalue().strip() == "Not imported: 1 row with errors. Nothing changed."


def test_a_termly_pep_without_a_due_date_takes_the_deadline_the_virtual_school_set(tmp_path, child):
    PepTermDeadline.objects.create(academic_year=2024, term="autumn", deadline=date(2024, 12, 6))
    _run(tmp_path, GOOD)
    assert Pep.objects.get(term="autumn").due_date == date(2024, 12, 6)


def test_an_initial_pep_without_a_due_date_or_a_care_start_is_rejected(tmp_path, db):
    ChildFactory(la_child_id="B2")  # no entry into care held
    text = HEAD + "B2,initial,primary,2024/25,autumn,,draft,,\n"
    code, last, errors = _run(tmp_path, text)
    assert code == 1 and Pep.objects.count() == 0
    assert errors[0].startswith(
        "peps.csv, line 2, column DUE_DATE: An initial PEP with no "
        "DUE_DATE needs the child's entry into care"
    )
