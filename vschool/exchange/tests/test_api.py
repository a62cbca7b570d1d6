"""The attendance API: `POST /api/v1/attendance/marks` with a token of the sender's own,
the rows of the CSV import, all or nothing; its schema and docs page (docs/api.md)."""

import json
from datetime import date

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vschool.attendance.models import AttendanceMark
from vschool.audit.models import AuditEntry
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory
from vschool.exchange.api import MAX_MARKS, UNAUTHORISED
from vschool.exchange.models import FeedToken
from vschool.exchange.tokens import token_hash, token_issue, token_revoke

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/marks"
GOOD = [
    {"child": "A1", "urn": "100001", "date": "2025-09-01", "session": "AM", "code": "/"},
    {"child": "A1", "urn": "100001", "date": "2025-09-01", "session": "PM", "code": "I"},
    {"child": "B2", "urn": "100001", "date": "2025-09-01", "session": "AM", "code": "O"},
    {"child": "B2", "urn": "200002", "date": "2025-09-02", "session": "AM", "code": "/"},
]


@pytest.fixture
def roll():
    SchoolFactory(urn="100001")
    return ChildFactory(la_child_id="A1", upn="A123456789012"), ChildFactory(la_child_id="B2")


@pytest.fixture
def issued(roll):
    """A live token for a provider with two schools: (token, secret)."""
    return token_issue(name="Oak Provider", urns=["100001", "200002"], user=None)


def _post(body, secret: str | None = None, *, raw: bool = False, **headers):
    if secret is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    data = body if raw else json.dumps(body)
    return Client().post(URL, data, content_type="application/json", **headers)


def _held():
    return sorted(
        AttendanceMark.objects.values_list("child__la_child_id", "date", "session", "code", "urn")
    )


def test_good_marks_are_imported_and_the_same_again_change_nothing(issued):
    token, secret = issued
    response = _post({"marks": GOOD}, secret)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("created", "replaced", "unchanged", "children")} == {
        "created": 4,
        "replaced": 0,
        "unchanged": 0,
        "children": 2,
    }
    assert body["urns_not_held"] == ["200002"]
    assert _held()[0] == ("A1", date(2025, 9, 1), "AM", "/", "100001")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORTED)
    assert entry.user is None and entry.username == "API: Oak Provider"
    assert entry.ip_address == "127.0.0.1"
    token.refresh_from_db()
    assert token.last_used_at is not None
    # No session, no cookie: the token is the only credential.
    assert not response.cookies

    again = _post({"marks": GOOD}, secret).json()
    assert (again["created"], again["replaced"], again["unchanged"]) == (0, 0, 4)
    assert len(_held()) == 4


def test_a_resent_day_replaces_that_day_only(issued):
    _, secret = issued
    _post({"marks": GOOD}, secret)
    changed = [{**GOOD[0], "code": "M"}]  # A1's 1 September, now one session only
    body = _post({"marks": changed}, secret).json()
    assert (body["created"], body["replaced"]) == (1, 2)
    held = _held()
    assert [m for m in held if m[0] == "A1"] == [("A1", date(2025, 9, 1), "AM", "M", "100001")]
    assert len([m for m in held if m[0] == "B2"]) == 2


def test_a_number_for_a_urn_and_a_upn_in_place_of_the_child_are_taken(issued):
    _, secret = issued
    mark = {"upn": "a123456789012", "urn": 100001, "date": "01/09/2025", "session": "am"}
    response = _post({"marks": [{**mark, "code": "/"}]}, secret)
    assert response.status_code == 200, response.content
    assert _held() == [("A1", date(2025, 9, 1), "AM", "/", "100001")]


@pytest.mark.parametrize(
    "header",
    [
        None,  # no header
        "Bearer",  # no token
        "Bearer not-a-token",  # unknown
        "Basic dXNlcjpwYXNz",  # another scheme
        "Bearer " + "x" * 5000,  # absurdly long
        "REVOKED",
    ],
)
def test_without_a_live_token_the_answer_is_401_and_the_same_for_each(issued, header):
    token, secret = issued
    if header == "REVOKED":
        token_revoke(token, user=None)
        header = f"Bearer {secret}"
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = _post({"marks": GOOD}, **headers)
    assert response.status_code == 401
    assert response.json() == {"message": UNAUTHORISED}
    assert response["WWW-Authenticate"] == "Bearer"
    assert _held() == []
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORTED).exists()


def test_a_revoked_token_is_refused_and_not_marked_used(issued):
    token, secret = issued
    token_revoke(token, user=None)
    assert _post({"marks": GOOD}, secret).status_code == 401
    token.refresh_from_db()
    assert token.last_used_at is None


def test_only_the_hash_of_the_token_is_kept(issued):
    token, secret = issued
    stored = FeedToken.objects.values_list(*[f.attname for f in FeedToken._meta.fields]).get()
    assert secret not in [str(value) for value in stored]
    assert token.key_hash == token_hash(secret) and len(secret) >= 43


def _problems(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["message"].startswith("Not imported:") and "Nothing changed." in body["message"]
    return [(p["row"], p["field"], p["message"], p["value"]) for p in body["problems"]]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"code": "H"},
            (
                3,
                "code",
                "H is no longer an attendance code: withdrawn Aug 2024 (use C for exceptional leave)",
                "H",
            ),
        ),
        ({"urn": "300003"}, (3, "urn", "This token may not send marks for this URN", "300003")),
        ({"urn": "12345678901"}, (3, "urn", "A URN is up to 8 digits", "12345678901")),
        ({"session": "EV"}, (3, "session", "The session is AM or PM", "EV")),
        ({"date": "2099-01-01"}, (3, "date", "The date has not come yet", "2099-01-01")),
        ({"child": "Z9"}, (3, "child", "No child on the roll has this reference", "Z9")),
        ({"session": "PM"}, (3, "session", "Row 2 already gives this child's PM", "")),
        ({"child": None}, (3, "child", "Give the child's reference or UPN", "")),
        ({"code": 7}, (3, "code", "'7' is not an attendance code", "7")),
        ({"colour": "red"}, (3, "colour", "This is not a field of a mark", "")),
        ({"code": ["/"]}, (3, "code", "Give this as text", "")),
    ],
)
def test_one_bad_row_is_named_and_nothing_is_written(issued, change, expected):
    _, secret = issued
    marks = [dict(mark) for mark in GOOD]
    marks[2] = {**marks[2], **{"child": "A1"}} if change.get("session") == "PM" else marks[2]
    marks[2].update(change)
    if change == {"child": None}:
        marks[2].pop("child")
    problems = _problems(_post({"marks": marks}, secret))
    assert len(problems) == 1
    row, field, message, value = problems[0]
    assert (row, field, value) == (expected[0], expected[1], expected[3])
    assert message.startswith(expected[2]), message
    assert _held() == []
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORTED).exists()


def test_a_urn_outside_the_token_and_other_problems_are_named_together(issued):
    _, secret = issued
    marks = [
        {**GOOD[0], "urn": "999999"},
        {**GOOD[1], "code": "H"},
        GOOD[2],
    ]
    problems = _problems(_post({"marks": marks}, secret))
    assert [(row, field) for row, field, *_ in problems] == [(1, "urn"), (2, "code")]
    assert _held() == []


def test_a_school_token_may_send_only_for_its_school(roll):
    _, secret = token_issue(name="Alder Primary", urns=["100001"], user=None)
    problems = _problems(_post({"marks": GOOD}, secret))
    assert problems == [(4, "urn", "This token may not send marks for this URN", "200002")]
    assert _post({"marks": GOOD[:3]}, secret).status_code == 200


def test_too_many_marks_are_refused_unread(issued):
    _, secret = issued
    response = _post({"marks": [{}] * (MAX_MARKS + 1)}, secret)
    assert response.status_code == 413
    assert response.json() == {
        "message": f"Too many marks: send at most {MAX_MARKS:,} in one request."
    }


def test_a_body_over_the_size_limit_is_a_413_in_json(issued, settings):
    _, secret = issued
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = _post({"marks": GOOD}, secret)
    assert response.status_code == 413
    assert "too large" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ('{"marks": [', 400, "The body is not JSON"),
        ("not json at all", 400, "The body is not JSON"),
        ("", 422, "Give the marks"),
        ("{}", 422, "Give the marks"),
        ('{"marks": {}}', 422, "marks is a list of marks"),
        ('{"marks": ["A1"]}', 422, "Each mark is an object"),
        ("[]", 422, "Give the marks"),
        ("3", 422, "Give the marks"),
        ('{"marks": []}', 422, "Send at least one mark"),
    ],
)
def test_a_malformed_body_gets_a_clear_json_message(issued, body, status, expected):
    _, secret = issued
    response = _post(body, secret, raw=True)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    text = data["message"] + " ".join(p["message"] for p in data.get("problems", []))
    assert expected in text
    assert "Traceback" not in response.content.decode()
    assert _held() == []


def test_the_api_needs_no_csrf_token_and_takes_only_post(issued):
    _, secret = issued
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        URL,
        json.dumps({"marks": GOOD}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 405


def test_a_signed_in_session_is_not_a_credential(login, personas, issued):
    from vschool.accounts.models import Role

    client = login(personas[Role.HEAD])
    response = client.post(URL, json.dumps({"marks": GOOD}), content_type="application/json")
    assert response.status_code == 401


def test_the_schema_lists_the_endpoint_with_its_request_and_answers(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) == {"200", "401", "413", "422"}
    body_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    marks_in = components[body_ref.rsplit("/", 1)[1]]
    assert marks_in["properties"]["marks"]["maxItems"] == MAX_MARKS
    assert set(components["MarkIn"]["properties"]) == {
        "child",
        "upn",
        "urn",
        "date",
        "session",
        "code",
    }
    assert set(components["MarksOut"]["properties"]) >= {
        "created",
        "replaced",
        "unchanged",
        "children",
        "urns_not_held",
    }
    assert set(components["ProblemOut"]["properties"]) == {"row", "field", "message", "value"}
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert operation["security"] == [{"TokenAuth": []}]


def test_the_docs_page_renders_from_local_files_under_the_csp(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/api/v1/openapi.json" in page
    # No script from elsewhere and none inline: the project's strict policy holds.
    assert "cdn" not in page.lower()
    assert "<script>" not in page
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_api_root_is_a_404_page_for_everyone(login, personas):
    from vschool.accounts.models import Role

    assert Client().get("/api/v1/").status_code == 404
    assert login(personas[Role.HEAD]).get("/api/v1/").status_code == 404


def test_a_fault_of_ours_is_a_json_500_with_no_traceback(issued, monkeypatch, caplog):
    _, secret = issued

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr("vschool.exchange.api.import_marks", broken)
    response = _post({"marks": GOOD}, secret)
    assert response.status_code == 500
    assert response.json()["message"].startswith("Something went wrong on our side.")
    assert "fire" not in response.content.decode()
    assert "the disk is on fire" in caplog.text  # logged for us


def test_the_queries_do_not_grow_with_the_marks(issued, django_assert_max_num_queries):
    _, secret = issued
    children = [ChildFactory(la_child_id=f"K{n}") for n in range(60)]
    few = [{**GOOD[0], "child": child.la_child_id} for child in children[:3]]
    many = [
        {**GOOD[0], "child": child.la_child_id, "session": session, "date": "2025-09-02"}
        for child in children
        for session in ("AM", "PM")
    ]
    with django_assert_max_num_queries(30) as counted:
        assert _post({"marks": few}, secret).status_code == 200
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert _post({"marks": many}, secret).json()["created"] == 120


_TEXT = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.sampled_from(["A1", "B2", "100001", "200002", "2025-09-01", "01/09/2025", "AM", "/"]),
    st.lists(st.integers(), max_size=2),
)
_MARK = st.dictionaries(
    st.sampled_from(["child", "upn", "urn", "date", "session", "code", "other"]), _TEXT
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(body=st.one_of(st.fixed_dictionaries({"marks": st.lists(_MARK, max_size=4)}), _TEXT))
def test_any_body_is_imported_or_refused_in_json_never_a_server_error(issued, body):
    _, secret = issued
    response = _post(body, secret)
    assert response.status_code in (200, 400, 422), response.content
    assert isinstance(response.json()["message"], str)
