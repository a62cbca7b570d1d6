"""Nothing a user can type or put in a URL gives a server error or costs the server much:
every field and parameter is held to a sane range and length (docs/security.md).

First the cases issue #11 named, then a walk of every page with random values.
"""

import time
from datetime import date
from html.parser import HTMLParser

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests import test_access_by_role
from vschool.accounts.models import Role
from vschool.cohort.tests.test_forms_and_services import NEW_CHILD
from vschool.exchange.ssda903.parse import _check_cell
from vschool.peps.models import Pep, PepSection
from vschool.peps.sections import SECTIONS

HUGE = "1" + "0" * 21
EXPECTED, FLOWS = test_access_by_role.EXPECTED, test_access_by_role.FLOWS
_patterns = test_access_by_role._patterns
targets = test_access_by_role.targets  # the records each page is walked on: a fixture


@pytest.fixture
def pep(roll):
    return Pep.objects.create(
        child=roll["at_a"],
        pep_type="primary",
        academic_year=2025,
        term="spring",
        due_date=date(2026, 3, 27),
        status=Pep.Status.DRAFT,
    )


def _section(pep, key):
    return reverse("peps:section", args=[pep.child_id, pep.pk, key])


@pytest.mark.parametrize("part", ["day", "month", "year"])
@pytest.mark.parametrize("value", [HUGE, "-3", "99999"])
def test_a_huge_or_negative_date_part_is_not_a_real_date(login, personas, part, value):
    data = NEW_CHILD | {
        f"date_of_birth_{'0' if part == 'day' else '1' if part == 'month' else '2'}": value
    }
    response = login(personas[Role.OFFICER]).post(reverse("cohort:child_add"), data)
    assert response.status_code == 200
    assert "Date of birth must be a real date" in response.content.decode()


@pytest.mark.parametrize("version", ["soon", HUGE, "-1", ""])
def test_a_tampered_version_on_the_child_form_is_a_conflict(login, personas, roll, version):
    child = roll["at_a"]
    data = NEW_CHILD | {"la_child_id": child.la_child_id, "version": version}
    response = login(personas[Role.OFFICER]).post(
        reverse("cohort:child_edit", args=[child.pk]), data
    )
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    child.refresh_from_db()
    assert child.first_name == "Amira"


@pytest.mark.parametrize("year", ["0000-01", "9999-99", "2025-27", "٢٠٢٥", HUGE, "-2025"])
@pytest.mark.parametrize(
    "url",
    [
        "/reports/peps/",
        "/reports/peps/outstanding/",
        "/reports/care-year/",
        "/peps/moderation/",
        "/calendar/term-dates/",
        "/peps/deadlines/",
        "/funding/grant/",
        "/funding/grant/edit/",
        "/funding/policy/",
        "/funding/budget/",
    ],
)
def test_a_year_that_is_no_year_is_said_or_not_found(login, personas, roll, url, year):
    response = login(personas[Role.HEAD]).get(url, {"year": year, "term": "autumn"})
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("officer", [HUGE, "²", "-1", "9" * 5000])
def test_an_officer_that_is_no_one_is_no_filter(login, personas, roll, officer):
    client = login(personas[Role.HEAD])
    assert client.get("/peps/", {"officer": officer}).status_code == 200
    outstanding = client.get("/reports/peps/outstanding/", {"education_officer": officer})
    assert outstanding.status_code == 200


@pytest.mark.parametrize("pk", [HUGE, "9" * 400])
def test_an_id_past_the_databases_range_is_not_found(login, personas, roll, pk):
    assert login(personas[Role.HEAD]).get(f"/children/{pk}/").status_code == 404


def test_a_hundred_thousand_target_forms_are_refused_quickly(login, personas, pep):
    client = login(personas[Role.DESIGNATED_TEACHER])
    data = {"t-TOTAL_FORMS": "100000", "t-INITIAL_FORMS": "0", "completed": "yes", "version": "1"}
    started = time.perf_counter()
    response = client.post(_section(pep, "targets"), data)
    assert time.perf_counter() - started < 1
    assert response.status_code == 200
    assert "You can add up to 20 targets" in response.content.decode()
    assert not PepSection.objects.filter(pep=pep, key="targets").exists()


def test_a_twenty_first_target_is_refused(login, personas, pep):
    target = {"area": "Reading", "target": "Read aloud"}
    PepSection.objects.create(pep=pep, key="targets", data=[target] * 20)
    client = login(personas[Role.DESIGNATED_TEACHER])
    response = client.post(
        reverse("peps:item_add", args=[pep.child_id, pep.pk, "targets"]),
        {**target, "version": "1"},
    )
    assert response.status_code == 200
    assert "You can add up to 20 targets" in response.content.decode()
    assert len(PepSection.objects.get(pep=pep, key="targets").data) == 20


def test_a_two_megabyte_answer_is_refused_with_the_limit(login, personas, pep):
    client = login(personas[Role.DESIGNATED_TEACHER])
    response = client.post(_section(pep, "school"), {"attendance": "x" * 2_000_000, "version": "1"})
    assert response.status_code == 400  # over DATA_UPLOAD_MAX_MEMORY_SIZE: the 400 page
    assert "Sorry, there is a problem with what was sent" in response.content.decode()
    response = client.post(_section(pep, "school"), {"attendance": "x" * 5001, "version": "1"})
    assert "Attendance summary must be 5,000 characters or fewer" in response.content.decode()
    assert 'data-maxlength="5000"' in response.content.decode()  # the GOV.UK character count
    assert not PepSection.objects.filter(pep=pep, key="school").exists()


def test_a_short_answer_is_held_to_200_characters(login, personas, pep):
    client = login(personas[Role.DESIGNATED_TEACHER])
    url = reverse("peps:item_add", args=[pep.child_id, pep.pk, "targets"])
    response = client.post(url, {"area": "x" * 201, "target": "Read", "version": "1"})
    assert "Area must be 200 characters or fewer" in response.content.decode()
    assert not PepSection.objects.filter(pep=pep, key="targets").exists()


@pytest.mark.parametrize("amount", ["1" * 40, "1e40", "100001", "12.345"])
def test_a_pp_plus_amount_has_a_ceiling_and_pence(login, personas, pep, amount):
    client = login(personas[Role.DESIGNATED_TEACHER])
    url = reverse("peps:item_add", args=[pep.child_id, pep.pk, "targets"])
    response = client.post(url, {"area": "Reading", "target": "Read", "cost": amount})
    assert response.status_code == 200
    assert "PP+ cost in pounds must be" in response.content.decode()
    response = client.post(_section(pep, "ppplus"), {"amount": amount, "version": "1"})
    assert "Amount must be" in response.content.decode()
    assert not PepSection.objects.filter(pep=pep).exists()


def test_too_many_fields_get_the_400_page(login, personas, pep):
    client = login(personas[Role.DESIGNATED_TEACHER])
    data = {f"field{n}": "x" for n in range(5000)}
    response = client.post(_section(pep, "school"), data)
    assert response.status_code == 400
    assert "Sorry, there is a problem with what was sent" in response.content.decode()


def test_an_autosaved_reason_is_held_to_the_limit_too(login, personas, pep):
    client = login(personas[Role.DESIGNATED_TEACHER])
    url = reverse("peps:autosave", args=[pep.child_id, pep.pk, "school"])
    data = {"completed": "na", "not_available": "x" * 5001, "version": "1"}
    assert client.post(url, data).json()["saved"] is False
    assert client.post(url, data | {"not_available": "The school is shut"}).json()["saved"]
    assert PepSection.objects.get(pep=pep, key="school").not_available == "The school is shut"


# --- Every page with random values --------------------------------------------------------

# Values that broke pages before (issue #11), or might: huge, negative and non-ASCII
# numbers, years that are no year, far too much text, nothing at all.
NASTY = [
    HUGE,
    "9" * 400,
    "²",
    "-1",
    "0000-01",
    "9999-99",
    "x" * 5001,
    "",
    "0",
    "٢٠٢٥",
    "1e400",
    "NaN",
    "0.001",
    "2025-26",
    "\x00",
    "none",
    "all",
    "csv",
    "<b>",
    " ",
]
RANDOM = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(NASTY),  # half the time
    st.text(max_size=20),
    st.integers(-(10**25), 10**25).map(str),
)
# Put in every field and parameter of a page at once, before the random walk.
POISONS = [HUGE, "²", "-1"]
# What any page might read from its query string, beyond what its own links and forms use.
PARAMS = ["year", "term", "page", "officer", "format", "view", "phase", "list", "sort", "q"]
# Ids in the path that no record has, or no database column holds.
NO_SUCH_IDS = [0, 2**31, 2**63, 10**21]
# Who walks each page: each of these the page is for (the PEP's owners see its forms).
WALKERS = (Role.HEAD, Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.GOVERNOR)
# The PEP's status for a page, where a draft would show no form.
PEP_STATUS = {"peps:qa": Pep.Status.SUBMITTED}
PPPLUS_REQUEST = {
    "requested": "yes",
    "targets": ["1"],
    "buys": "Tuition",
    "amount": "450.00",
    "eef_category": "one_to_one",
}
# PDF pages take a second each: fewer examples, one role.
EXAMPLES, PDF_EXAMPLES = 15, 2
PDFS = {"peps:document", "peps:blank_document", "peps:views_sheet", "funding:remittance_pdf"}


class _Page(HTMLParser):
    """A page's forms, each with its method, its action and its fields: the values the page
    offers for each and the one it would send; and the query parameters of its own links."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.params: dict[str, set[str]] = {}
        self._form: dict | None = None
        self._select = self._textarea = ""
        self.feed(html)

    def params_known(self) -> dict[str, set[str]]:
        """The query parameters the page's links and filter forms use, and PARAMS."""
        known = {**{param: set() for param in PARAMS}, **self.params}
        for form in self.forms:
            if form["method"] == "get":
                known.update(form["offered"])
        return known

    def posted(self) -> list[dict]:
        """The forms that post, but signing out."""
        logout = reverse("accounts:logout")
        return [f for f in self.forms if f["method"] == "post" and f["action"] != logout]

    def _field(self, name: str, value: str, sent: bool) -> None:
        if self._form is not None and name:
            self._form["offered"].setdefault(name, set()).add(value)
            if sent:
                self._form["sent"][name] = value

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        name, value = a.get("name", ""), a.get("value", "")
        if tag == "form":
            self._form = {
                "method": a.get("method", "get").lower(),
                "action": a.get("action", ""),
                "autosave": a.get("data-autosave-url", ""),
                "offered": {},
                "sent": {},
            }
            self.forms.append(self._form)
        elif tag == "input":
            choosing = a.get("type") in ("radio", "checkbox")
            self._field(name, value, not choosing or "checked" in a)
        elif tag == "button":
            self._field(name, value, False)
        elif tag == "textarea":
            self._textarea = name
            self._field(name, "", True)
        elif tag == "select":
            self._select = name
        elif tag == "option":
            self._field(self._select, value, "selected" in a)
        elif tag == "a" and a.get("href", "").startswith("?"):
            for pair in a["href"][1:].split("&"):
                key, _, given = pair.partition("=")
                self.params.setdefault(key, set()).add(given)

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["sent"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = ""


def _cases():
    """Every page, by url name and the path values that differ from the targets': each
    PEP section, and the pages of targets and of actions, walked on their own."""
    for name in sorted({*EXPECTED, *FLOWS}):
        if name == "peps:section":
            keys = list(SECTIONS)
        elif name in ("peps:item_add", "peps:item", "peps:item_remove"):
            keys = ["targets", "actions"]
        else:
            yield pytest.param(name, {}, id=name)
            continue
        for key in keys:
            yield pytest.param(name, {"section": key}, id=f"{name}:{key}")


def _walkers(name: str) -> list[Role | None]:
    """Who walks a page: each of WALKERS it is for; sign-in signed out (None); the other
    sign-in pages, the head."""
    if name == "accounts:login":
        return [None]
    if name in FLOWS:
        return [Role.HEAD]
    allowed = EXPECTED[name][0]
    return [role for role in WALKERS if role in allowed] or sorted(allowed)


def _path(name: str, pattern, target: dict, given: dict) -> str:
    kwargs = {
        key: given.get(key, target.get((name, key), target.get(key)))
        for key in pattern.pattern.converters
    }
    return reverse(name, kwargs=kwargs)


def _read(response) -> int:
    """The status, after reading a streamed download through (its errors come late)."""
    if isinstance(response, StreamingHttpResponse):
        b"".join(response.streaming_content)
    return response.status_code


def _mutated(data, values: dict[str, str], offered: dict[str, set[str]]) -> dict[str, str]:
    """`values` with one to three of the `offered` names left out or changed: to another
    value offered, or to a random one. The rest stay as sent, so a form gets past its
    checks often enough for what follows them to be reached."""
    names = sorted(offered)
    if not names:
        return dict(values)
    changed = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    values = dict(values)
    for name in changed:
        choices = [st.none(), RANDOM] + (
            [st.sampled_from(sorted(offered[name]))] if offered[name] else []
        )
        values[name] = data.draw(st.one_of(choices), label=name)
    return {key: value for key, value in values.items() if value is not None}


@pytest.mark.fuzz
@pytest.mark.parametrize("name, given_path", list(_cases()))
def test_no_page_gives_a_server_error(client, login, personas, targets, name, given_path):
    """Every page, for each role it is for (sign-in, signed out). First every field and
    query parameter at once is a huge, a non-ASCII and a negative number; then random
    examples GET it with random query parameters (its own and common ones), sometimes
    with an id no record has, and POST one of its forms as the page would send it with
    one to three fields left out or changed."""
    pattern = dict(_patterns())[name]
    target = targets["a"]
    Pep.objects.filter(pk=target["pep_id"]).update(status=PEP_STATUS.get(name, Pep.Status.DRAFT))
    for key, item in (
        ("targets", {"area": "Reading", "target": "Read"}),
        ("actions", {"action": "Coat", "owner": "Carer"}),
    ):
        PepSection.objects.create(pep_id=target["pep_id"], key=key, data=[item])
    # A PP+ request, so the QA page offers its PP+ decision (approve, reduce, withhold).
    PepSection.objects.create(pep_id=target["pep_id"], key="ppplus", data=PPPLUS_REQUEST)
    url = _path(name, pattern, target, given_path)
    ids = [
        key for key, converter in pattern.pattern.converters.items() if converter.regex == "[0-9]+"
    ]
    roles = _walkers(name)[: 1 if name in PDFS else None]

    def walker(role):
        if role is None:
            client.logout()
            return client
        return login(personas[role])

    pages = {}
    for role in roles:
        response = walker(role).get(url)
        assert _read(response) < 500, f"{name} as {role}"
        html = response.get("Content-Type", "").startswith("text/html") and not response.streaming
        pages[role] = _Page(response.content.decode() if html else "")

    for role, page in pages.items():
        walker(role)
        for poison in POISONS:
            assert _read(client.get(url, dict.fromkeys(page.params_known(), poison))) < 500
            for form in page.posted():
                sent = {**form["sent"], **dict.fromkeys(form["offered"], poison)}
                assert _read(client.post(form["action"] or url, sent)) < 500

    @settings(
        max_examples=PDF_EXAMPLES if name in PDFS else EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # the labelled draws say what broke
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def walk(data):
        role = data.draw(st.sampled_from(roles), label="role")
        walker(role)
        page = pages[role]
        path = url
        no_such = data.draw(st.sampled_from([None] * 8 + NO_SUCH_IDS), label="id")
        if no_such is not None and ids:
            key = data.draw(st.sampled_from(ids), label="in")
            path = _path(name, pattern, target, {**given_path, key: no_such})
        assert _read(client.get(path, _mutated(data, {}, page.params_known()))) < 500
        forms = page.posted()
        if forms:
            form = data.draw(st.sampled_from(forms), label="form")
            actions = [form["action"] or url] + ([form["autosave"]] if form["autosave"] else [])
            action = data.draw(st.sampled_from(actions), label="to")
            sent = _mutated(data, form["sent"], form["offered"])
            assert _read(client.post(action, sent)) < 500

    walk()


@pytest.mark.parametrize("score", ["²", "٣", HUGE])
def test_an_sdq_score_that_is_no_number_in_a_return_is_a_reject(score):
    assert _check_cell("SDQ_SCORE", score) == (
        score,
        "SDQ_SCORE must be a whole number from 0 to 40",
    )
