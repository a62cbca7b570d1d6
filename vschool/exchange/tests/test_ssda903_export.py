"""Exporting SSDA903 returns: the year's rows, round trips through the importer, and the
DfE-rules validator finding nothing the source did not."""

import functools
import os
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from vschool.cohort.models import CareEpisode, CareLeaverContact, Child
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory
from vschool.exchange import validator
from vschool.exchange.models import ImportRun
from vschool.exchange.services import files_from_paths, ssda903_import
from vschool.exchange.ssda903.export import ssda903_export
from vschool.exchange.ssda903.spec import FILES

pytestmark = pytest.mark.django_db

SMALL = Path(settings.BASE_DIR).parent / "shared" / "data" / "ssda903" / "small"
VALIDATOR_REQUIRED = os.environ.get("VSCHOOL_VALIDATOR_REQUIRED") == "1"
needs_validator = pytest.mark.skipif(
    not (validator.VENV / "bin" / "python").exists() and not VALIDATOR_REQUIRED,
    reason="the DfE 903 validator is not installed: run scripts/validator-903.sh "
    "(set VSCHOOL_VALIDATOR_REQUIRED=1 to fail instead)",
)
NONE = {spec.name: 0 for spec in FILES}  # every file is written, even with no rows


@pytest.fixture(autouse=True)
def _our_la(settings):
    settings.VSCHOOL_LA_CODE = "999"  # the factories' authority


@pytest.fixture
def small():
    if not SMALL.is_dir():
        pytest.skip(f"the shared test return is not beside the repository ({SMALL})")
    return SMALL


def _import(folder: Path) -> ImportRun:
    return ssda903_import(files=files_from_paths([folder]), user=None)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[1:]


def _episodes() -> set[tuple]:
    fields = [
        f.attname
        for f in CareEpisode._meta.concrete_fields
        if f.attname not in {"id", "child_id", "placement_la"}
    ]
    return set(CareEpisode.objects.values_list("child__la_child_id", *fields))


def _children() -> set[tuple]:
    return set(
        Child.objects.values_list(
            "la_child_id", "sex", "date_of_birth", "ethnicity", "upn", "uasc", "cohort_type"
        )
    )


def _oc3() -> set[tuple]:
    return set(
        CareLeaverContact.objects.values_list(
            "child__la_child_id", "collection_year", "in_touch", "activity", "accommodation"
        )
    )


def test_the_export_of_the_small_return_reimports_with_no_changes(small, tmp_path):
    assert _import(small).status == ImportRun.Status.IMPORTED
    counts = ssda903_export(tmp_path, year=2026)
    assert counts == {spec.name: len(_lines(small / spec.filename)) for spec in FILES}
    for spec in FILES:
        ours, source = _lines(tmp_path / spec.filename), _lines(small / spec.filename)
        assert sorted(ours) == sorted(source), spec.name
    run = _import(tmp_path)
    assert run.status == ImportRun.Status.UNCHANGED, run.summary


def test_the_export_reimports_to_the_source_episodes_in_a_fresh_database(small, tmp_path):
    _import(small)
    episodes, children, oc3 = _episodes(), _children(), _oc3()
    ssda903_export(tmp_path, year=2026)
    Child.objects.all().delete()
    assert not CareEpisode.objects.exists()
    run = _import(tmp_path)
    assert run.status == ImportRun.Status.IMPORTED, run.summary
    assert _episodes() == episodes
    assert _children() == children
    assert _oc3() == oc3


def test_only_our_children_looked_after_in_the_year_and_episodes_in_it_go_out(tmp_path):
    ours = settings.VSCHOOL_LA_CODE
    before = CareEpisodeFactory(
        child__la_child_id="A1",
        child__responsible_la=ours,
        decom=date(2024, 5, 1),
        dec=date(2025, 3, 1),
        rec="X1",
    )
    CareEpisodeFactory(
        child=before.child, decom=date(2025, 3, 1), dec=date(2025, 4, 1), rec="E4A", rne="P"
    )
    CareEpisodeFactory(
        child__la_child_id="B2",
        child__responsible_la=ours,
        decom=date(2025, 1, 1),
        dec=date(2025, 3, 31),
        rec="E13",
    )
    CareEpisodeFactory(child__la_child_id="C3", child__responsible_la="201", decom=date(2025, 6, 1))
    CareEpisodeFactory(child__la_child_id="D4", child__responsible_la=ours, decom=date(2026, 4, 1))
    counts = ssda903_export(tmp_path, year=2026)
    assert counts == {**NONE, "header": 1, "episodes": 1}
    assert _lines(tmp_path / "episodes.csv") == ["A1,01/03/2025,P,C2,N1,U1,,01/04/2025,E4A,,,,"]


def test_an_episode_ending_after_31_march_is_written_open(tmp_path):
    """As it stood at 31 March: no end, no reason, no reason for the (later) move."""
    CareEpisodeFactory(
        child__la_child_id="A1",
        decom=date(2025, 9, 1),
        dec=date(2026, 5, 1),
        rec="E4A",
        reason_place_change="CARPL",
    )
    ssda903_export(tmp_path, year=2026)
    assert _lines(tmp_path / "episodes.csv") == ["A1,01/09/2025,S,C2,N1,U1,,,,,,,"]


def test_header_uasc_and_oc3_rows(tmp_path):
    uasc = ChildFactory(
        la_child_id="U1",
        sex="",
        uasc=True,
        date_of_birth=date(2008, 2, 29),
        ethnicity="OOTH",
        upn="UN2",
    )
    CareEpisodeFactory(child=uasc, decom=date(2025, 5, 1))
    leaver = ChildFactory(la_child_id="L1", sex="M", date_of_birth=date(2006, 7, 1))
    CareLeaverContact.objects.create(
        child=leaver, collection_year=2026, in_touch="YES", activity="F2", accommodation="S1"
    )
    CareLeaverContact.objects.create(child=leaver, collection_year=2025, in_touch="NO")
    counts = ssda903_export(tmp_path, year=2026)
    assert counts == {**NONE, "header": 2, "episodes": 1, "uasc": 1, "oc3": 1}
    header = (tmp_path / "header.csv").read_bytes()
    assert header == (
        b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nL1,M,01/07/2006,,,,\nU1,U,29/02/2008,OOTH,UN2,,\n"
    )
    assert _lines(tmp_path / "uasc.csv") == ["U1,U,29/02/2008,01/03/2026"]
    assert _lines(tmp_path / "oc3.csv") == ["L1,01/07/2006,YES,F2,S1"]


def test_the_export_reads_each_table_once_whatever_the_number_of_children(
    tmp_path, django_assert_num_queries
):
    for _ in range(5):
        leaver = CareEpisodeFactory(decom=date(2025, 5, 1)).child
        CareLeaverContact.objects.create(child=leaver, collection_year=2026, in_touch="YES")
    with django_assert_num_queries(10):  # the year headers, the children, one per other file
        assert ssda903_export(tmp_path, year=2026)["episodes"] == 5


def test_the_command_prints_one_line_of_counts(tmp_path):
    CareEpisodeFactory(decom=date(2025, 9, 1))
    out = StringIO()
    call_command("export", "ssda903", str(tmp_path / "out"), "--year", "2026", stdout=out)
    assert out.getvalue().splitlines() == [
        f"Wrote {tmp_path / 'out'} for 2025-26: header.csv 1, episodes.csv 1, uasc.csv 0, "
        "oc3.csv 0, reviews.csv 0, missing.csv 0, oc2.csv 0, ad1.csv 0, "
        "placed_for_adoption.csv 0, previous_permanence.csv 0 rows."
    ]


def test_the_validator_says_how_to_install_it_when_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(validator, "VENV", tmp_path / "nothing")
    with pytest.raises(validator.ValidatorMissing, match="scripts/validator-903.sh"):
        validator.validate_903(tmp_path, year=2026)


@needs_validator
def test_the_export_gives_no_more_validator_findings_than_the_source(small, tmp_path):
    _import(small)
    ssda903_export(tmp_path, year=2026)
    source = validator.validate_903(small, year=2026, previous=small / "previous", la_code="816")
    export = validator.validate_903(tmp_path, year=2026, previous=small / "previous", la_code="816")
    assert source.counts == {"1001": 38, "1002": 38}  # as the data's README says
    more = {
        code: (source.counts.get(code, 0), n)
        for code, n in export.counts.items()
        if n > source.counts.get(code, 0)
    }
    assert not more, f"rules finding more in the export (source, export): {more}"


# The sample's two returns, by the year whose 31 March ends them.
YEARS = {2025: "previous", 2026: "."}


def _export_every_year(small: Path, tmp_path: Path, order: tuple[int, ...]) -> dict[int, Path]:
    """Import the sample's returns in `order`, then export each year held by the command."""
    for year in order:
        assert _import(small / YEARS[year]).status == ImportRun.Status.IMPORTED
    folders = {}
    for year in YEARS:
        folders[year] = tmp_path / f"export-{year}"
        call_command(
            "export", "ssda903", str(folders[year]), "--year", str(year), stdout=StringIO()
        )
    return folders


@pytest.mark.parametrize("order", [(2025, 2026), (2026, 2025)], ids=["in order", "reversed"])
def test_every_year_held_exports_as_its_return_gave_it(small, tmp_path, order):
    """Whatever order the returns came in, each year's export is that year's return: its
    UPN, MOTHER and codes, its episodes as they stood at its 31 March, all ten files."""
    folders = _export_every_year(small, tmp_path, order)
    for year, folder in folders.items():
        source = small / YEARS[year]
        for spec in FILES:
            assert (folder / spec.filename).exists(), (year, spec.name)
            ours, theirs = (
                sorted(_lines(folder / spec.filename)),
                sorted(_lines(source / spec.filename)),
            )
            assert ours == theirs, (year, spec.name, set(ours) ^ set(theirs))
    assert _import(small / YEARS[order[0]]).status == ImportRun.Status.UNCHANGED


@functools.cache
def _source_findings(year: int) -> validator.ValidatorResult:
    """The validator on the sample's own return for `year`, with the year before if held."""
    previous = SMALL / YEARS[year - 1] if year - 1 in YEARS else None
    return validator.validate_903(SMALL / YEARS[year], year=year, previous=previous, la_code="816")


@needs_validator
@pytest.mark.parametrize("order", [(2025, 2026), (2026, 2025)], ids=["in order", "reversed"])
def test_no_year_exports_a_validator_finding_its_source_has_not(small, tmp_path, order):
    """All ten files of each year's export, checked by the DfE rules of that year (with the
    previous year's export loaded, as the source is checked with its previous year)."""
    folders = _export_every_year(small, tmp_path, order)
    for year, folder in folders.items():
        assert sorted(path.name for path in folder.glob("*.csv")) == sorted(
            spec.filename for spec in FILES
        )
        source = _source_findings(year)
        export = validator.validate_903(
            folder, year=year, previous=folders.get(year - 1), la_code="816"
        )
        more = {
            code: (source.counts.get(code, 0), n)
            for code, n in export.counts.items()
            if n > source.counts.get(code, 0)
        }
        assert not more, f"{year}: rules finding more in the export (source, export): {more}"
        assert export.failed == source.failed


@pytest.mark.parametrize(("year", "codes"), [(2024, "1,2,"), (2025, "M,F,U"), (2026, "M,F,U")])
def test_sex_is_written_in_the_code_of_the_year(tmp_path, year, codes):
    """1 and 2 up to 2023-24, M, F and U since 2024-25 (ssda903_sex.csv)."""
    for la_child_id, sex in (("A", "M"), ("B", "F"), ("C", "")):
        CareEpisodeFactory(
            child__la_child_id=la_child_id, child__sex=sex, decom=date(year - 1, 5, 1)
        )
    ssda903_export(tmp_path, year=year)
    assert ",".join(line.split(",")[1] for line in _lines(tmp_path / "header.csv")) == codes


def test_an_earlier_year_keeps_its_own_header_after_a_later_return(tmp_path):
    first = tmp_path / "2025"
    first.mkdir()
    (first / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,F,01/02/2008,WBRI,UN1,1,01/01/2025\n"
    )
    (first / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN\nC1,01/09/2024,S,C2,N1,U1,PR1,,,,,,\n"
    )
    later = tmp_path / "2026"
    later.mkdir()
    (later / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,F,01/02/2008,WBRI,A123456789012,,\n"
    )
    (later / "episodes.csv").write_text(
        (first / "episodes.csv").read_text().replace(",,,,,,\n", ",01/06/2025,E13,,,,\n")
    )
    for folder in (first, later):
        _import(folder)
    child = Child.objects.get()
    assert (child.upn, child.mother, child.in_care) == ("A123456789012", "", False)
    ssda903_export(tmp_path / "out", year=2025)
    assert _lines(tmp_path / "out" / "header.csv") == ["C1,F,01/02/2008,WBRI,UN1,1,01/01/2025"]
    assert _lines(tmp_path / "out" / "episodes.csv") == ["C1,01/09/2024,S,C2,N1,U1,PR1,,,,,,"]
    assert _import(first).status == ImportRun.Status.UNCHANGED
    assert Child.objects.get().upn == "A123456789012"


def test_the_returns_give_the_same_roll_in_either_order(small):
    """The child row holds the latest year's values, whichever return came last."""
    rolls = []
    for order in ((2025, 2026), (2026, 2025)):
        for year in order:
            _import(small / YEARS[year])
        rolls.append(
            (
                _children(),
                _episodes(),
                set(
                    Child.objects.values_list(
                        "la_child_id", "upn", "mother", "mother_child_dob", "uasc_ceased", "in_care"
                    )
                ),
            )
        )
        Child.objects.all().delete()
    assert rolls[0] == rolls[1]
