"""Field limits by role (docs/roles-and-fields.md): every page a role can reach about a child
seeded with a distinctive value in each restricted field holds none of the values the role
may not see, while the team and the child's social worker still see them.

The pages are found by walking every URL pattern with the child's, its school's and its
PEP's arguments (each PEP section in turn), so a new page is checked as soon as it exists.
"""

import csv
import html
import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from vschool.accounts.models import VIRTUAL_SCHOOL_STAFF, Role
from vschool.cohort.fields import EVERY_FIELD, VISIBLE, Field, postcode_district, visible_fields
from vschool.cohort.models import MissingEpisode, StatutoryReview
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import CareEpisodeFactory
from vschool.peps.models import Pep, PepSection
from vschool.peps.sections import SECTIONS

pytestmark = pytest.mark.django_db

# Each fact a designated teacher may not see, as a page would show it, by its field.
SEEDED = {
    "ZZ9": Field.PLACEMENT_POSTCODE,  # district of the placement postcode ZZ9 9ZZ
    "YY8": Field.HOME_POSTCODE,  # district of the home postcode YY8 8YY
    "Parental illness or disability": Field.CATEGORY_OF_NEED,  # CIN N3
    "Private provision": Field.PLACEMENT_PROVIDER,  # PR4
    "Allegation (s47)": Field.CARE_HISTORY,  # why the current placement began
    "Left care to live with parent(s)/relative(s)": Field.CARE_HISTORY,  # E13, the first care
    "Away without authorisation": Field.CARE_HISTORY,  # a missing episode
    "Child attends and speaks for themselves": Field.CARE_HISTORY,  # a statutory review
    "10 June 2024": Field.CARE_HISTORY,  # the current episode's start
    "Gypsy/Roma": Field.ETHNICITY,
}
# The child's identity: a governor sees no child, so none of it either.
IDENTITY = ["Amira", "Ahmed", "C7777777"]
# No page shows more of a postcode than its district.
FULL_POSTCODES = ["ZZ9 9ZZ", "ZZ99ZZ", "YY8 8YY", "YY88YY", "ZZ9 9ZX"]
# What a designated teacher needs and sees: looked after, on what footing, in what placement.
FOR_THE_SCHOOL = [
    "Full care order",
    "Foster placement with relative(s) or friend(s) - long-term fostering",
    "Looked after since",
]


@pytest.fixture
def seeded(roll):
    """The designated teacher's and social worker's child, with every restricted field set
    to a value no other text on a page holds, and a draft PEP."""
    child = roll["at_a"]
    child.la_child_id = "C7777777"
    child.ethnicity = "WROM"
    child.save()
    child.episodes.all().delete()
    care = {
        "child": child,
        "cin": "N3",
        "place_provider": "PR4",
        "home_post": "YY8 8YY",
        "pl_post": "ZZ9 9ZZ",
        "placement_la": settings.VSCHOOL_LA_CODE,
    }
    CareEpisodeFactory(
        **care, decom=date(2021, 5, 3), ls="V2", place="U3", dec=date(2021, 11, 20), rec="E13"
    )
    CareEpisodeFactory(
        **care, decom=date(2023, 2, 1), ls="C2", place="U1", dec=date(2024, 6, 10), rec="X1"
    )
    CareEpisodeFactory(
        **{**care, "pl_post": "ZZ9 9ZX"},
        decom=date(2024, 6, 10),
        rne="P",
        reason_place_change="ALLEG",
        ls="C2",
        place="U1",
    )
    MissingEpisode.objects.create(child=child, kind="A", start=date(2024, 3, 2))
    StatutoryReview.objects.create(child=child, date=date(2024, 7, 1), participation="PN1")
    children_refresh_current()
    pep = Pep.objects.create(
        child=child,
        pep_type="primary",
        academic_year=2025,
        term="autumn",
        due_date=date(2025, 12, 12),
        status=Pep.Status.DRAFT,
    )
    PepSection.objects.create(
        pep=pep, key="care", data={"placement": "Settled with her aunt", "changes": ""}
    )
    return {"child": child, "school": roll["school_a"], "pep": pep}


def _patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


# Signing in and out are flows, not pages about a child.
SKIPPED = {"accounts:login", "accounts:logout"}


def _addresses(seeded) -> list[str]:
    """Every address made of the seeded child's, school's and PEP's arguments (each PEP
    section in turn), and the roll with its search, sort and downloads."""
    child, pep = seeded["child"], seeded["pep"]
    values = {
        "pk": child.pk,
        "pep_id": pep.pk,
        "episode_pk": child.episodes.first().pk,
        "placement_pk": child.school_placements.first().pk,
        "n": 1,
    }
    found = ["/children/?q=Ahmed", "/children/?sort=area", "/children/?format=csv"]
    found.append("/children/?format=xlsx")
    for name, pattern in _patterns():
        converters = set(pattern.pattern.converters)
        if name in SKIPPED:
            continue
        if name == "cohort:school":
            found.append(reverse(name, kwargs={"pk": seeded["school"].pk}))
        elif "section" in converters and converters - {"section"} <= set(values):
            for key in SECTIONS:
                kwargs = {k: values[k] for k in converters - {"section"}}
                found.append(reverse(name, kwargs={**kwargs, "section": key}))
        elif converters <= set(values):
            found.append(reverse(name, kwargs={k: values[k] for k in converters}))
    return found


def _text(response) -> str:
    """What a page or a download says, as a reader sees it: PDF and Excel too."""
    kind = response.get("Content-Type", "")
    if response.streaming:
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if kind.startswith("application/pdf"):
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    elif "spreadsheetml" in kind:
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    elif kind.startswith("text/csv"):
        text = " ".join(" ".join(row) for row in csv.reader(io.StringIO(body.decode())))
    else:
        text = html.unescape(body.decode())
    return re.sub(r"\s+", " ", text)


def _reach(client, seeded) -> dict[str, str]:
    """The text of every page of the walk that the signed-in role may open."""
    pages = {}
    for address in _addresses(seeded):
        response = client.get(address)
        if response.status_code == 200:
            pages[address] = _text(response)
    return pages


def _found(pages: dict[str, str], strings) -> dict[str, list[str]]:
    return {s: [a for a, text in pages.items() if s in text] for s in strings if s}


# What each role's pages must not hold: written out here, not read from the policy, so a
# policy that let a field through would fail.
NOT_FOR = {
    Role.DESIGNATED_TEACHER: [*SEEDED, *FULL_POSTCODES],
    Role.GOVERNOR: [*SEEDED, *IDENTITY, *FOR_THE_SCHOOL, *FULL_POSTCODES],
    Role.SOCIAL_WORKER: FULL_POSTCODES,
}


@pytest.mark.parametrize("role", list(NOT_FOR))
def test_no_page_a_role_reaches_holds_a_field_it_may_not_see(login, personas, seeded, role):
    pages = _reach(login(personas[role]), seeded)
    leaks = {value: where for value, where in _found(pages, NOT_FOR[role]).items() if where}
    assert leaks == {}
    assert "/" in pages  # the walk reached the role's pages


def test_the_designated_teacher_sees_what_the_school_needs_on_every_kind_of_page(
    login, personas, seeded
):
    client = login(personas[Role.DESIGNATED_TEACHER])
    pages = _reach(client, seeded)
    child, pep = seeded["child"], seeded["pep"]
    for address in (
        f"/children/{child.pk}/",
        f"/children/{child.pk}/peps/{pep.pk}/",
        f"/children/{child.pk}/peps/{pep.pk}/pdf/",
        "/children/?format=csv",
        "/children/?format=xlsx",
    ):
        assert address in pages, address
    overview = pages[f"/children/{child.pk}/"]
    assert all(fact in overview for fact in FOR_THE_SCHOOL)
    assert "are not shown to schools" in overview
    # The PEP is the shared plan: the social worker's care section is the school's to read.
    assert "Settled with her aunt" in pages[f"/children/{child.pk}/peps/{pep.pk}/check/"]
    assert client.get(f"/children/{child.pk}/care/").status_code == 404


@pytest.mark.parametrize("role", [Role.HEAD, Role.DATA_OFFICER, Role.SOCIAL_WORKER])
def test_the_team_and_the_social_worker_still_see_every_field(login, personas, seeded, role):
    client = login(personas[role])
    child = seeded["child"]
    text = _text(client.get(f"/children/{child.pk}/care/")) + _text(
        client.get(f"/children/{child.pk}/")
    )
    assert [value for value in SEEDED if value not in text] == []
    assert "are not shown to schools" not in text
    assert not [postcode for postcode in FULL_POSTCODES if postcode in text]


def test_a_column_or_filter_on_a_field_a_role_may_not_see_is_left_out(
    login, personas, seeded, monkeypatch
):
    """Were the school not to see the legal status, the download would have no such column
    and the roll could not be filtered by it (a filter that tells the value)."""
    limited = VISIBLE[Role.DESIGNATED_TEACHER] - {Field.LEGAL_STATUS}
    monkeypatch.setitem(VISIBLE, Role.DESIGNATED_TEACHER, limited)
    client = login(personas[Role.DESIGNATED_TEACHER])
    download = _text(client.get("/children/?format=csv"))
    assert "Ahmed" in download
    assert "Legal status" not in download and "Full care order" not in download
    assert "Ahmed" in _text(client.get("/children/?legal_status=V2"))
    monkeypatch.setitem(VISIBLE, Role.DESIGNATED_TEACHER, limited | {Field.LEGAL_STATUS})
    assert "Ahmed" not in _text(client.get("/children/?legal_status=V2"))


def test_every_role_has_a_row_in_the_policy_and_the_table_in_the_docs_says_the_same():
    assert set(VISIBLE) == set(Role)
    table = _docs_table()
    assert set(table) == {field.value for field in Field}
    for field, shown in table.items():
        for role, cell in shown.items():
            assert (Field(field) in VISIBLE[role]) == (cell == "Yes"), (field, role)


def _docs_table() -> dict[str, dict[Role, str]]:
    """The role-by-field table of docs/roles-and-fields.md: field -> role -> "Yes" or "No"."""
    doc = (Path(settings.BASE_DIR) / "docs" / "roles-and-fields.md").read_text()
    rows = [line.strip().strip("|").split("|") for line in doc.splitlines() if line.startswith("|")]
    heading = [cell.strip() for cell in rows[0]]
    columns = {
        "Virtual School team": VIRTUAL_SCHOOL_STAFF,
        "Social worker": {Role.SOCIAL_WORKER},
        "Designated teacher": {Role.DESIGNATED_TEACHER},
        "Governor": {Role.GOVERNOR},
    }
    table = {}
    for cells in rows[2:]:
        field = cells[0].strip().strip("`")
        if field in {f.value for f in Field}:
            table[field] = {
                role: cell.strip().split(" ")[0].rstrip(":,")
                for title, cell in zip(heading, cells, strict=False)
                if title in columns
                for role in columns[title]
            }
    return table


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("LS20 8FJ", "LS20"),
        ("ls208fj", "LS20"),
        ("YO3 9RB", "YO3"),
        ("EC1A 1BB", "EC1A"),
        ("LS20", "LS20"),
        ("", ""),
    ],
)
def test_a_postcode_shows_as_its_district(postcode, district):
    assert postcode_district(postcode) == district


def test_a_signed_out_or_inactive_user_sees_no_field(personas):
    head = personas[Role.HEAD]
    assert visible_fields(head) == EVERY_FIELD
    head.is_active = False
    assert visible_fields(head) == frozenset()
