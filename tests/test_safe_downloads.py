"""Every CSV and Excel file the system hands out, downloaded by someone allowed to, with a
formula-shaped value in every text field that reaches it: none reaches a spreadsheet as a
formula. Only the kit's writer writes such files (vschool/kit/spreadsheets.py), and a new
download is noticed here: its URL must join DOWNLOADS below."""

import ast
import csv
import io
import re
import zipfile
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from vschool.accounts.models import Role
from vschool.accounts.tests.factories import UserFactory
from vschool.attendance.models import AttendanceMark
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.cohort.models import CareEpisode, Child, School
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import ChildFactory, SchoolPlacementFactory
from vschool.exchange.gias import gias_import
from vschool.exchange.models import ImportReject, ImportRun
from vschool.funding.models import PaymentLine, PaymentRun

ROOT = Path(__file__).resolve().parent.parent
VSCHOOL = ROOT / "vschool"
WRITER = "vschool/kit/spreadsheets.py"
GIAS = VSCHOOL / "exchange" / "tests" / "fixtures" / "gias" / "edubasealldata.csv"

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    '=HYPERLINK("http://x")',
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-\d+(\.\d+)?")  # a negative figure is a number, not a formula

# Every URL that hands out a CSV, Excel or zip of CSVs, and who may download it.
DOWNLOADS = {
    "cohort:children": Role.HEAD,
    "accounts:audit": Role.HEAD,
    "exchange:run_errors": Role.DATA_OFFICER,
    "exchange:export": Role.DATA_OFFICER,
    "reports:peps": Role.HEAD,
    "reports:outstanding_peps": Role.HEAD,
    "reports:care_year": Role.HEAD,
    "funding:remittance_csv": Role.DATA_OFFICER,
    "funding:finance_csv": Role.DATA_OFFICER,
    "funding:dashboard_csv": Role.HEAD,
    "attendance:dashboard": Role.HEAD,
    "attendance:suspensions": Role.HEAD,
}


def _sources():
    for path in sorted(VSCHOOL.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" not in relative and "/migrations/" not in relative:
            yield relative, ast.parse(path.read_text(encoding="utf-8"))


def test_only_the_kit_writes_csv_or_excel():
    """A module writing CSV or Excel itself would bypass the cell rule."""
    found = []
    for relative, tree in _sources():
        if relative == WRITER:
            continue
        for node in ast.walk(tree):
            line = f"{relative}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [alias.name for alias in node.names]
                if any(name.split(".")[0] == "openpyxl" for name in names):
                    found.append(f"{line} imports openpyxl")
                if isinstance(node, ast.ImportFrom) and node.module == "csv":
                    if {"writer", "DictWriter"} & {alias.name for alias in node.names}:
                        found.append(f"{line} imports a CSV writer")
            elif isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter"):
                if isinstance(node.value, ast.Name) and node.value.id == "csv":
                    found.append(f"{line} uses csv.{node.attr}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if "text/csv" in node.value or "spreadsheetml" in node.value:
                    found.append(f"{line} builds a spreadsheet response")
    assert not found, "write through vschool.kit.spreadsheets:\n" + "\n".join(found)


def _calls() -> dict[str, set[str]]:
    """Each function (module.name) and the functions it calls, named through the imports."""
    graph: dict[str, set[str]] = defaultdict(set)
    for relative, tree in _sources():
        module = relative.removesuffix(".py").replace("/", ".")
        imported = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported |= {a.asname or a.name: f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                imported |= {a.asname or a.name: a.name for a in node.names}
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                if isinstance(call.func, ast.Name):
                    name = call.func.id
                    graph[f"{module}.{function.name}"].add(imported.get(name, f"{module}.{name}"))
                elif isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
                    if call.func.value.id in imported:
                        target = f"{imported[call.func.value.id]}.{call.func.attr}"
                        graph[f"{module}.{function.name}"].add(target)
    return graph


def _reaching_the_writer() -> set[str]:
    graph = _calls()
    reach = {f"vschool.kit.spreadsheets.{name}" for name in ("csv_response", "xlsx_response")}
    reach.add("vschool.kit.spreadsheets.write_csv")
    while grown := {f for f, called in graph.items() if f not in reach and called & reach}:
        reach |= grown
    return reach


def _urls(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def test_every_download_is_checked_here():
    """A view that reaches the writer is a download: it must be in DOWNLOADS, and seeded."""
    reach = _reaching_the_writer()
    downloads = set()
    for name, view in _urls(get_resolver().url_patterns):
        target = getattr(view, "view_class", view)
        target = getattr(target, "func", target)  # a functools.partial: the API's schema views
        names = [target.__name__] if target is view else [*vars(target)]
        if any(f"{target.__module__}.{function}" in reach for function in names):
            downloads.add(name)
    assert downloads == set(DOWNLOADS)


# A return with seven children, into care on 10 December 2025 (so each has an initial PEP
# due in the spring term of 2025/26), then the same children under formula-shaped IDs.
def _csv_text(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _return(children) -> list[SimpleUploadedFile]:
    header = [["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]]
    header += [[child, "F", "01/02/2015", "WBRI", "UN2", "", ""] for child in children]
    columns = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE"
    episodes = [[*columns.split(","), "HOME_POST", "PL_POST", "URN"]]
    episodes += [
        [c, "10/12/2025", "S", "C2", "N1", "U1", "PR1", "", "", "", "", "", ""] for c in children
    ]
    return [
        SimpleUploadedFile("header.csv", _csv_text(header)),
        SimpleUploadedFile("episodes.csv", _csv_text(episodes)),
    ]


def _upload(client, children) -> ImportRun:
    client.post("/imports/", {"kind": "ssda903", "files": _return(children)})
    return ImportRun.objects.latest("pk")


def _gias_schools(user) -> list[School]:
    """Schools named by the payloads, through the GIAS import."""
    rows = list(csv.reader(io.StringIO(GIAS.read_bytes().decode("cp1252"), newline="")))
    header, template = rows[0], rows[1]
    out = [header]
    for number, payload in enumerate(PAYLOADS):
        row = list(template)
        row[header.index("URN")] = str(900001 + number)
        row[header.index("EstablishmentName")] = payload
        out.append(row)
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(out)
    run = gias_import(files={"edubasealldata.csv": text.getvalue().encode("cp1252")}, user=user)
    assert run.status == ImportRun.Status.IMPORTED, run.summary
    return list(School.objects.filter(urn__startswith="9000").order_by("urn"))


@pytest.fixture
def seeded(login, personas, settings, time_machine):
    time_machine.move_to(date(2026, 1, 10), tick=False)
    settings.VSCHOOL_LA_CODE = "999"
    data_officer = login(personas[Role.DATA_OFFICER])
    run = _upload(data_officer, [f"C{n}" for n in range(len(PAYLOADS))])
    data_officer.post(f"/imports/{run.pk}/", {"decision": "confirm"})
    assert Child.objects.count() == len(PAYLOADS)
    rejected = _upload(data_officer, PAYLOADS)  # the importer refuses formula-shaped IDs
    assert rejected.status == ImportRun.Status.REJECTED
    assert {r.value for r in rejected.rejects.filter(column="CHILD")} >= {"=1", "+1", "-2+3"}
    ImportReject.objects.create(  # file names and columns come from the upload too
        run=rejected,
        file=PAYLOADS[0],
        line=2,
        column=PAYLOADS[1],
        value=PAYLOADS[2],
        reason=PAYLOADS[3],
    )
    schools = _gias_schools(personas[Role.DATA_OFFICER])
    # Anything typed in elsewhere (a form, an older release) stands in the record as it is.
    children = Child.objects.order_by("la_child_id")
    for child, school, payload in zip(children, schools, PAYLOADS, strict=True):
        child.la_child_id = payload[:20]
        child.first_name = child.last_name = payload
        child.education_officer = UserFactory(
            username=f"officer-{school.urn}", role=Role.OFFICER, first_name=payload
        )
        child.save()
        SchoolPlacementFactory(child=child, school=school, start=date(2025, 9, 3))
        CareEpisode.objects.filter(child=child).update(pl_post=payload[:10], home_post=payload[:10])
    children_refresh_current()
    for payload in PAYLOADS:
        audit_record(user=None, username=payload, action=AuditEntry.Action.SIGN_IN_FAILED)
        AuditEntry.objects.create(
            username=payload,
            role=payload[:16],
            action=AuditEntry.Action.VIEWED,
            object_type=payload,
            object_id=payload,
            summary=payload,
        )
    # A confirmed payment run paying each school (named by a payload) with a correction
    # whose reason is a payload too.
    run = PaymentRun.objects.create(
        reference="PPP-2025-26-AUT-1",
        financial_year=2025,
        academic_year=2025,
        term="autumn",
        status=PaymentRun.Status.CONFIRMED,
    )
    for child, school, payload in zip(children, schools, PAYLOADS, strict=True):
        PaymentLine.objects.create(
            run=run, school=school, child=child, financial_year=2025, amount_pence=45000,
            description="Autumn term 2025/26: One to one tuition",
        )  # fmt: skip
        PaymentLine.objects.create(
            run=run, school=school, financial_year=2025, amount_pence=-5000, description=payload
        )
    return {
        "rejected": rejected,
        "children": list(Child.objects.order_by("pk")),
        "run": run,
        "school": schools[0],
    }


def _csv_cells(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return [cell for row in rows for cell in row]


def _unsafe_csv(cells: list[str]) -> list[str]:
    return [c for c in cells if c.startswith(DANGEROUS) and not NUMBER.fullmatch(c)]


def _download(client, name: str, params: dict, seeded) -> list[tuple[str, list[str]]]:
    """The files of one download: (file name, CSV cells), the XLSX checked as it is opened."""
    args = {
        "exchange:run_errors": [seeded["rejected"].pk],
        "funding:remittance_csv": [seeded["run"].pk, seeded["school"].pk],
        "funding:finance_csv": [seeded["run"].pk],
    }
    url = reverse(name, args=args.get(name, []))
    response = client.get(url, params)
    assert response.status_code == 200, (name, params)
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.getvalue()
    if params.get("format") == "xlsx":
        sheet = load_workbook(io.BytesIO(body)).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
        text = [c for c in cells if isinstance(c.value, str)]
        assert not [
            c.coordinate for c in text if c.value.startswith(DANGEROUS) and not c.quotePrefix
        ]
        return [("xlsx", [f"'{c.value}" if c.quotePrefix else c.value for c in text])]
    if response["Content-Type"] == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(body))
        return [(member, _csv_cells(archive.read(member))) for member in archive.namelist()]
    return [(name, _csv_cells(body))]


# Each download as its users ask for it. The PEP compliance and SSDA903-year CSVs hold
# labels and figures, no text anyone typed: they are checked all the same.
REQUESTS = [
    ("cohort:children", {"format": "csv"}),
    ("cohort:children", {"format": "xlsx"}),
    ("accounts:audit", {"format": "csv"}),
    ("exchange:run_errors", {}),
    ("exchange:export", {"year": "2026"}),
    ("reports:peps", {"year": "2025-26", "format": "csv"}),
    ("reports:outstanding_peps", {"year": "2025-26", "term": "spring", "format": "csv"}),
    (
        "reports:outstanding_peps",
        {"year": "2025-26", "term": "spring", "format": "csv", "list": "initial"},
    ),
    ("reports:care_year", {"year": "2025-26", "format": "csv"}),
    ("funding:remittance_csv", {}),
    ("funding:finance_csv", {}),
    ("funding:dashboard_csv", {"year": "2025-26"}),
    ("attendance:dashboard", {"year": "2025-26", "format": "csv"}),
    ("attendance:suspensions", {"year": "2025-26", "format": "csv"}),
]


def _quoted(values) -> set[str]:
    return {f"'{value}" for value in values}


def test_no_download_hands_a_spreadsheet_a_formula(login, personas, seeded):
    assert {name for name, _ in REQUESTS} == set(DOWNLOADS)
    children = seeded["children"]
    names = _quoted(c.full_name for c in children)
    # The payloads each download carries, quoted, so the seeding is seen to reach it.
    expected = {
        "cohort:children": _quoted(c.first_name for c in children)
        | _quoted(c.la_child_id for c in children)
        | _quoted(str(c.education_officer) for c in children)
        | _quoted(c.current_school.name for c in children),
        "accounts:audit": _quoted(PAYLOADS),
        "exchange:run_errors": _quoted(PAYLOADS[:4]) | {"'=1", "'+1", "'-2+3"},
        "exchange:export": _quoted(c.la_child_id for c in children)
        | _quoted(p[:10] for p in PAYLOADS),
        "reports:outstanding_peps": names | _quoted(c.current_school.name for c in children),
        "funding:remittance_csv": _quoted(PAYLOADS[:1]),
        "funding:finance_csv": _quoted(c.current_school.name for c in children),
    }
    for name, params in REQUESTS:
        client = login(personas[DOWNLOADS[name]])
        files = _download(client, name, params, seeded)
        for filename, cells in files:
            assert not _unsafe_csv(cells), (name, params, filename, _unsafe_csv(cells))
        # (read back from XML, an Excel file's carriage returns are line feeds)
        every = {cell.replace("\r", "\n") for _, cells in files for cell in cells}
        wanted = {cell.replace("\r", "\n") for cell in expected.get(name, set())}
        assert wanted <= every, (name, params, wanted - every)


@pytest.mark.django_db
def test_the_attendance_report_command_hands_a_spreadsheet_no_formula():
    """`vschool report attendance` writes CSV to standard output through the kit too."""
    refs = [payload[:20] for payload in PAYLOADS]
    for ref in refs:
        child = ChildFactory(la_child_id=ref, date_of_birth=date(2015, 3, 14))
        AttendanceMark.objects.create(
            child=child, urn="100001", date=date(2025, 9, 1), session="AM", code="/"
        )
    from vschool.attendance.summaries import refresh_summaries  # the report reads summaries

    refresh_summaries(None, date(2025, 9, 1), date(2025, 9, 1))
    out = io.StringIO()
    call_command("report", "attendance", "--year", "2025-26", "--by", "child", stdout=out)
    cells = _csv_cells(out.getvalue().encode())
    assert not _unsafe_csv(cells)
    assert _quoted(refs) <= set(cells)
