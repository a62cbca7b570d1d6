"""Every response that shows a child's data is audited with what was seen (issue #11).

Walks every URL pattern, as each role allowed to open it (tests/test_access_by_role.py's
table and targets), and reads the audit log after each response. A page about a record
(its address names a child, PEP, school or import) or one showing a child's name or
reference must write exactly the one entry SEEN says, with the user, their address, the
child and the record; a page in SHOWS_NO_CHILD must name no child and record nothing. A
new URL pattern fails until it is put in one or the other.

And every change made through the web records where it came from (its IP address).
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import test_access_by_role as access
from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.cohort.models import Child
from vschool.exchange.models import ImportRun
from vschool.peps.models import Pep, PepModeration, PepSection
from vschool.peps.quality import qa_criteria

VIEWED, EXPORTED = AuditEntry.Action.VIEWED, AuditEntry.Action.EXPORTED
targets = access.targets  # the fixture: each URL's arguments for the in-scope child


@dataclass(frozen=True)
class Seen:
    """The one entry a response records: its action, the record's type, whether it names
    the target child, and how its summary starts."""

    action: str
    object_type: str
    names_child: bool
    summary: str


_PEP = "Termly PEP, Autumn term 2025/26 (not started)"  # the targets' PEP, in words
SEEN = {
    # The roll and the lists of children: one entry for the page, with how many it shows.
    "cohort:children": Seen(VIEWED, "", False, "The roll: children 1 to "),
    "peps:queue": Seen(VIEWED, "", False, "Work queue, "),
    "reports:outstanding_peps": Seen(VIEWED, "", False, "Outstanding PEPs, "),
    "peps:moderation": Seen(VIEWED, "", False, "Moderation sample, "),
    "pages:home": Seen(VIEWED, "", False, "Home: "),  # a social worker's children
    "accounts:audit": Seen(VIEWED, "", False, "The audit log: entries 1 to "),
    "cohort:school": Seen(VIEWED, "cohort.School", False, "The school's children: 1 on its roll"),
    # The child record and its forms.
    "cohort:child": Seen(VIEWED, "cohort.Child", True, "Child record: Overview"),
    "cohort:child_care": Seen(VIEWED, "cohort.Child", True, "Child record: Care"),
    "cohort:child_education": Seen(VIEWED, "cohort.Child", True, "Child record: Education"),
    "cohort:child_edit": Seen(VIEWED, "cohort.Child", True, "Form to change the child's"),
    "cohort:episode_add": Seen(VIEWED, "cohort.Child", True, "Form to add a care episode"),
    "cohort:episode_edit": Seen(
        VIEWED, "cohort.CareEpisode", True, "Form to change a care episode"
    ),
    "cohort:placement_add": Seen(VIEWED, "cohort.Child", True, "Form to add a school placement"),
    "cohort:placement_edit": Seen(
        VIEWED, "cohort.SchoolPlacement", True, "Form to change a school placement"
    ),
    # The PEPs: each page names the PEP.
    "peps:child": Seen(VIEWED, "cohort.Child", True, "Child record: PEPs"),
    "attendance:child": Seen(VIEWED, "cohort.Child", True, "Child record: Attendance"),
    # The dashboard's lists name children (lowest attendance, persistently absent).
    "attendance:dashboard": Seen(VIEWED, "", False, "Attendance dashboard "),
    "attendance:exclusion_add": Seen(
        VIEWED, "cohort.Child", True, "Form to record a suspension or exclusion"
    ),
    "attendance:exclusion_edit": Seen(
        VIEWED, "attendance.Exclusion", True, "Form to change a suspension or exclusion"
    ),
    "attendance:provision_add": Seen(
        VIEWED, "cohort.Child", True, "Form to record alternative provision"
    ),
    "attendance:provision_edit": Seen(
        VIEWED, "attendance.AlternativeProvision", True, "Form to change alternative provision"
    ),
    "attendance:provision": Seen(VIEWED, "", False, "Provision to approve or review: "),
    "peps:start": Seen(VIEWED, "cohort.Child", True, "Start a PEP"),
    "peps:detail": Seen(VIEWED, "peps.Pep", True, f"PEP task list: {_PEP}"),
    "peps:section": Seen(
        VIEWED, "peps.Pep", True, f'PEP section "School, attendance and progress": {_PEP}'
    ),
    "peps:item_add": Seen(VIEWED, "peps.Pep", True, 'PEP section "SMART targets"'),
    "peps:item": Seen(VIEWED, "peps.Pep", True, 'PEP section "SMART targets"'),
    "peps:item_remove": Seen(VIEWED, "peps.Pep", True, 'PEP section "SMART targets"'),
    "peps:check": Seen(VIEWED, "peps.Pep", True, f"PEP check answers: {_PEP}"),
    "peps:submitted": Seen(VIEWED, "peps.Pep", True, f"PEP submitted: {_PEP}"),
    "peps:qa": Seen(VIEWED, "peps.Pep", True, f"PEP quality assurance: {_PEP}"),
    "peps:moderation_grade": Seen(VIEWED, "peps.Pep", True, "PEP moderation: Termly PEP"),
    "peps:regrade": Seen(VIEWED, "peps.Pep", True, "PEP regrade: Termly PEP, Autumn term"),
    "peps:document": Seen(EXPORTED, "peps.Pep", True, f"PEP downloaded as PDF: {_PEP}"),
    "peps:blank_document": Seen(EXPORTED, "peps.Pep", True, "Blank PEP downloaded as PDF"),
    "peps:views_sheet": Seen(EXPORTED, "peps.Pep", True, "Child's views sheet downloaded"),
    # PP+: the year's allocations name children; a child's PP+ and its form.
    "funding:allocations": Seen(VIEWED, "", False, "PP+ allocations "),
    "funding:child": Seen(VIEWED, "cohort.Child", True, "Child's PP+: allocations"),
    "funding:direct_spend": Seen(VIEWED, "cohort.Child", True, "Form to add direct PP+"),
    # An import's rejected rows and warnings come from the file and name children.
    "exchange:run": Seen(VIEWED, "exchange.ImportRun", False, "Import "),
    "exchange:run_errors": Seen(EXPORTED, "exchange.ImportRun", False, "Downloaded the rejected"),
    # A payment run's lines and remittances name children by reference.
    "funding:run": Seen(VIEWED, "funding.PaymentRun", False, "Payment run PPP-TEST-"),
    "funding:remittance_pdf": Seen(
        EXPORTED, "funding.PaymentRun", False, "Remittance advice downloaded as PDF: PPP-TEST-"
    ),
    "funding:remittance_csv": Seen(
        EXPORTED, "funding.PaymentRun", False, "Remittance advice downloaded as CSV: PPP-TEST-"
    ),
    # The PP+ dashboard's figures, no child among them: the download is recorded all the same.
    "funding:dashboard_csv": Seen(EXPORTED, "", False, "Downloaded the PP+ dashboard"),
    # Alerts: the list names children; an alert page is about its child.
    "alerts:list": Seen(VIEWED, "", False, "Alerts: alerts 1 to "),
    "alerts:alert": Seen(VIEWED, "alerts.Alert", True, "Alert: Unexplained absence today"),
}
# Pages that show no child's data, and what they show instead.
SHOWS_NO_CHILD = {
    "pages:home_figures": "the team's Home figures: counts",
    "pages:help": "help",
    "pages:accessibility": "the accessibility statement",
    "pages:privacy": "the privacy notice",
    "accounts:account": "the user's own account",
    "accounts:password_change": "the user's own password",
    "accounts:users": "the service's users: names, roles, whether they can sign in",
    "accounts:user_add": "an empty form",
    "accounts:user": "one user: name, role, two-factor set up or not",
    "cohort:child_add": "an empty form",
    "cohort:schools": "schools and how many children each has on its roll",
    "calendar:term_dates": "term dates",
    "calendar:term_dates_edit": "term dates",
    "peps:deadlines": "PEP deadlines",
    "peps:deadline_edit": "a PEP deadline",
    "exchange:imports": "the upload form and the imports: files, counts, who ran them",
    "exchange:attendance_upload": "an empty upload form (problems of a rejected file are SEEN)",
    "exchange:export": "the years held; the download itself is in DOWNLOADS",
    "exchange:tokens": "the API tokens: senders, URNs, when issued and last used",
    "exchange:token_new": "an empty form (issuing a token is audited as CREATED)",
    "exchange:token_revoke": "one API token: its sender and URNs",
    "api:openapi-json": "the API's schema",
    "api:openapi-view": "the API's documentation page",
    "reports:index": "the list of reports",
    "reports:peps": "counts",
    "reports:care_year": "counts",
    "attendance:suspensions": "counts (the download is in DOWNLOADS)",
    "funding:grant": "the grant's figures and the eligible count by year group",
    "funding:grant_edit": "the grant's figures",
    "funding:policy": "the PP+ policy",
    "funding:budget": "the budget lines: budget, spent, left",
    "funding:budget_line": "a budget line and its spending",
    "funding:runs": "payment runs: references, terms, totals, how many schools",
    "funding:run_confirm": "a run's totals by school",
    "funding:run_cancel": "a run's total and how many schools",
    "funding:run_correction": "a school and what a run paid it",
    "funding:finance_csv": "what a run paid each school, for the finance system",
    "funding:dashboard": "the PP+ ledger's totals and tables of money and counts; for staff, "
    "schools that have not claimed",
    "funding:impact": "counts of targets funded and their outcomes",
}
# Files behind a page's address and a query: url name, query -> the entry each records.
DOWNLOADS = {
    ("cohort:children", "format=csv"): Seen(
        EXPORTED, "", False, "Downloaded the roll (2 children, "
    ),
    ("cohort:children", "format=xlsx"): Seen(
        EXPORTED, "", False, "Downloaded the roll (2 children, "
    ),
    ("reports:outstanding_peps", "format=csv"): Seen(
        EXPORTED, "", False, "Downloaded outstanding PEPs"
    ),
    ("reports:outstanding_peps", "format=csv&list=initial"): Seen(
        EXPORTED, "", False, "Downloaded outstanding initial PEPs"
    ),
    ("reports:peps", "format=csv"): Seen(EXPORTED, "", False, "Downloaded the PEP compliance"),
    ("reports:care_year", "format=csv"): Seen(EXPORTED, "", False, "Downloaded the SSDA903 year"),
    ("accounts:audit", "format=csv"): Seen(EXPORTED, "", False, "Downloaded the audit log"),
    ("attendance:dashboard", "format=csv"): Seen(
        EXPORTED, "", False, "Downloaded the attendance dashboard"
    ),
    ("attendance:suspensions", "format=csv"): Seen(
        EXPORTED, "", False, "Downloaded the suspensions report"
    ),
    ("funding:dashboard_csv", "year=2025-26"): Seen(
        EXPORTED, "", False, "Downloaded the PP+ dashboard 2025-26"
    ),
}
# Addresses that take one of these name a record: the page is about it, named or not.
_RECORD_ARGUMENTS = {
    "pk",
    "pep_id",
    "episode_pk",
    "placement_pk",
    "moderation_id",
    "exclusion_pk",
    "provision_pk",
}


def _marks(child: Child) -> list[str]:
    """What shows a child on a page: their surname or their reference."""
    return [child.last_name, child.reference]


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _check(entries, seen: Seen, user, child_id) -> list[str]:
    """What is wrong with the entries one response wrote, against the one it should."""
    if len(entries) != 1:
        return [f"{len(entries)} entries: {[e.summary for e in entries]}"]
    entry = entries[0]
    expected = (seen.action, seen.object_type, child_id if seen.names_child else None)
    found = (entry.action, entry.object_type, entry.child_id)
    problems = [f"recorded {found}, expected {expected}"] if found != expected else []
    if not entry.summary.startswith(seen.summary):
        problems.append(f"summary {entry.summary!r}, expected {seen.summary!r}...")
    if entry.object_type and not entry.object_id:
        problems.append("no object id")
    if (entry.user_id, entry.ip_address) != (user.pk, "127.0.0.1"):
        problems.append(f"by {entry.user_id} from {entry.ip_address}")
    return problems


def _new_entries(after: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=after).order_by("pk"))


def _last_entry() -> int:
    last = AuditEntry.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_every_url_pattern_is_audited_or_shows_no_child():
    names = set(access.ALL_NAMES) - access.FLOWS
    assert names - set(SEEN) - set(SHOWS_NO_CHILD) == set()
    assert set(SEEN) & set(SHOWS_NO_CHILD) == set()
    assert set(SEEN) | set(SHOWS_NO_CHILD) <= names  # nothing left over from a removed page


@pytest.mark.parametrize("role", list(Role))
def test_each_page_showing_a_child_records_what_was_seen(login, personas, roll, targets, role):
    user = personas[role]
    client = login(user)
    child = roll["at_a"]
    everyone = [mark for c in Child.objects.all() for mark in _marks(c)]
    wrong = []
    for name, pattern in access._patterns():
        if name in access.FLOWS or role not in access.EXPECTED[name][0]:
            continue
        before = _last_entry()
        response = client.get(access._url(name, pattern, targets["a"]))
        assert response.status_code == 200, name
        body, entries = _body(response), _new_entries(before)
        if name in SHOWS_NO_CHILD:
            named = [mark for mark in everyone if mark in body]
            if named or entries:
                wrong.append(f"{name}: shows {named}, recorded {[e.summary for e in entries]}")
            continue
        about_a_record = bool(_RECORD_ARGUMENTS & set(pattern.pattern.converters))
        if about_a_record or any(mark in body for mark in everyone) or entries:
            wrong += [f"{name}: {p}" for p in _check(entries, SEEN[name], user, child.pk)]
    assert wrong == []


def test_each_download_records_what_was_exported(login, personas, roll):
    user = personas[Role.HEAD]
    client = login(user)
    AuditEntry.objects.create(action=VIEWED, child_id=roll["at_a"].pk)  # for the log's CSV
    wrong = []
    for (name, query), seen in DOWNLOADS.items():
        before = _last_entry()
        response = client.get(f"{reverse(name)}?{query}")
        assert response.status_code == 200, (name, query)
        assert "attachment" in response["Content-Disposition"], (name, query)
        wrong += [f"{name}?{query}: {p}" for p in _check(_new_entries(before), seen, user, None)]
    assert wrong == []


def test_a_school_page_records_the_school_and_how_many_children_it_listed(login, personas, roll):
    client = login(personas[Role.DESIGNATED_TEACHER])
    before = _last_entry()
    page = client.get(f"/schools/{roll['school_a'].pk}/")
    assert "Ahmed" in page.content.decode()
    [entry] = _new_entries(before)
    assert (entry.object_type, entry.object_id) == ("cohort.School", str(roll["school_a"].pk))
    assert entry.summary == "The school's children: 1 on its roll"


def test_a_form_shown_again_with_its_errors_records_it_and_a_refused_page_nothing(
    login, personas, roll
):
    child = roll["at_a"]
    client = login(personas[Role.HEAD])
    before = _last_entry()
    again = client.post(f"/children/{child.pk}/edit/", {"first_name": ""})
    assert again.status_code == 200 and "There is a problem" in again.content.decode()
    [entry] = _new_entries(before)
    assert (entry.action, entry.child_id) == (VIEWED, child.pk)
    assert entry.summary == "Form to change the child's details"
    # A QA decision without a grade shows the PEP again, and names it.
    pep = Pep.objects.create(
        child=child, pep_type="primary", academic_year=2025, term="autumn",
        due_date=date(2025, 12, 12), status=Pep.Status.SUBMITTED,
    )  # fmt: skip
    before = _last_entry()
    qa = client.post(f"/children/{child.pk}/peps/{pep.pk}/qa/", {"decision": "approve"})
    assert "Select a grade" in qa.content.decode()
    [entry] = _new_entries(before)
    assert (entry.object_type, entry.object_id, entry.child_id) == (
        "peps.Pep",
        str(pep.pk),
        child.pk,
    )
    assert entry.summary == "PEP quality assurance: Termly PEP, Autumn term 2025/26 (submitted)"
    # Another school's teacher is refused the child: nothing was shown, nothing recorded.
    other_teacher = login(roll["other_dt"])
    before = _last_entry()
    assert other_teacher.get(f"/children/{child.pk}/").status_code == 404
    assert _new_entries(before) == []


MET = {f"criterion_{key}": "met" for key, _ in qa_criteria()}
NOT_AVAILABLE = {"completed": "na", "not_available": "Not known yet"}


def _version(pep: Pep, key: str = "") -> str:
    """The version a page would carry: the PEP's, or its section's."""
    if key:
        row = PepSection.objects.filter(pep=pep, key=key).first()
        return str(row.version if row else 1)
    pep.refresh_from_db()
    return str(pep.version)


def test_every_change_made_through_the_web_records_its_ip_address(login, personas, roll, settings):
    """A PEP from start to moderation, a deadline, term dates and the child's record, each
    through its page as the person who does it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    child = roll["at_a"]
    dt, social = personas[Role.DESIGNATED_TEACHER], personas[Role.SOCIAL_WORKER]
    officer, head = personas[Role.OFFICER], personas[Role.HEAD]
    url = f"/children/{child.pk}/peps/"
    assert login(dt).post(f"{url}start/").status_code == 302
    pep = Pep.objects.get(child=child)
    url += f"{pep.pk}/"

    def section(user, key, data):
        data = {**data, "version": _version(pep, key)}
        assert login(user).post(f"{url}{key}/", data).status_code == 302, key

    for key in ("school", "voice", "targets"):
        section(dt, key, NOT_AVAILABLE)
    for key in ("care", "carer"):
        section(social, key, NOT_AVAILABLE)
    submit = {"declaration": "on", "version": _version(pep)}
    assert login(dt).post(f"{url}check/", submit).status_code == 302
    returned = {
        "decision": "return",
        "note": "Say where the child lives",
        "comment_care": "Which placement?",
        "version": _version(pep),
    }
    assert login(officer).post(f"{url}qa/", returned).status_code == 302
    section(social, "care", NOT_AVAILABLE)
    resubmit = {"declaration": "on", "version": _version(pep)}
    assert login(social).post(f"{url}check/", resubmit).status_code == 302
    approve = {"decision": "approve", "grade": "Green", "version": _version(pep), **MET}
    assert login(officer).post(f"{url}qa/", approve).status_code == 302
    pep.refresh_from_db()
    assert pep.status == Pep.Status.APPROVED
    regrade = {"grade": "Gold", "note": "The targets are SMART", "version": _version(pep)}
    assert login(officer).post(f"{url}regrade/", regrade).status_code == 302
    sampled = PepModeration.objects.create(
        pep=pep, academic_year=2025, term="autumn", phase="primary", first_grade="Green",
        first_by=officer,
    )  # fmt: skip
    moderate = f"/peps/moderation/{sampled.pk}/"
    assert login(head).post(moderate, {"grade": "Amber"}).status_code == 302
    assert login(head).post(moderate, {"agreed_grade": "Green"}).status_code == 302
    client = login(head)
    day = date(2025, 12, 12)
    deadline = {"deadline_0": day.day, "deadline_1": day.month, "deadline_2": day.year}
    assert client.post("/peps/deadlines/2025/autumn/", deadline).status_code == 302
    term = {"start": (4, 9, 2025), "half_term_start": (27, 10, 2025)}
    term |= {"half_term_end": (31, 10, 2025), "end": (19, 12, 2025)}
    dates = {f"{k}_{i}": str(v) for k, parts in term.items() for i, v in enumerate(parts)}
    assert client.post("/calendar/term-dates/2025/autumn/", dates).status_code == 302

    changes = AuditEntry.objects.exclude(action__in=[VIEWED, EXPORTED, AuditEntry.Action.SIGNED_IN])
    summaries = set(changes.values_list("summary", flat=True))
    assert {"PEP submitted", "PEP moderated (second grade)"} <= summaries
    assert any(s.startswith("PEP section saved") for s in summaries)
    assert any(s.startswith("PEP approved") for s in summaries)
    assert "PEP regraded from Green to Gold: The targets are SMART" in summaries
    assert any("PEP deadline" in s for s in summaries)
    assert [(e.summary, e.ip_address) for e in changes if e.ip_address is None] == []


def test_an_import_run_in_the_background_records_the_uploaders_address(login, personas, settings):
    settings.VSCHOOL_BACKGROUND_IMPORT_BYTES = 10
    client = login(personas[Role.DATA_OFFICER])
    header = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,F,01/02/2012,WBRI,UN2,,\n"
    episodes = (
        b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
        b"HOME_POST,PL_POST,URN\nC1,01/09/2025,S,C2,N1,U1,PR1,,,,,LS1,\n"
    )
    files = [SimpleUploadedFile("header.csv", header), SimpleUploadedFile("episodes.csv", episodes)]
    client.post("/imports/", {"kind": "ssda903", "files": files})
    run = ImportRun.objects.get()
    client.post(f"/imports/{run.pk}/", {"decision": "confirm"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.IMPORTED
    imported = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORTED)
    assert imported.exists()
    assert [e.summary for e in imported if e.ip_address is None] == []
