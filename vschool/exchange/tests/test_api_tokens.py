"""The API tokens pages: issue a token (shown once), list them, revoke one (docs/api.md)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.exchange.forms import MAX_TOKEN_URNS, FeedTokenForm
from vschool.exchange.models import FeedToken
from vschool.exchange.tokens import token_hash, token_issue

pytestmark = pytest.mark.django_db

LIST = reverse("exchange:tokens")
NEW = reverse("exchange:token_new")


@pytest.fixture
def officer(login, personas):
    return login(personas[Role.DATA_OFFICER])


def test_the_imports_page_links_to_the_tokens(officer):
    assert LIST in officer.get(reverse("exchange:imports")).content.decode()
    page = officer.get(LIST).content.decode()
    assert NEW in page and "No token has been issued yet." in page
    assert reverse("api:openapi-view") in page


def test_a_token_is_issued_shown_once_and_works(officer, personas):
    response = officer.post(NEW, {"name": "  Oak   Provider ", "urns": "100001, 200002\n100001"})
    assert response.status_code == 200
    page = response.content.decode()
    token = FeedToken.objects.get()
    secret = response.context["secret"]
    assert token.name == "Oak Provider" and token.urn_list == ["100001", "200002"]
    assert token.key_hash == token_hash(secret) and token.created_by == personas[Role.DATA_OFFICER]
    assert "govuk-panel--confirmation" in page and "govuk-warning-text" in page
    assert f'<code id="api-token">{secret}</code>' in page
    assert "cannot be shown again" in page
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(
        action=AuditEntry.Action.CREATED, object_type="exchange.FeedToken"
    )
    assert secret not in entry.summary and token.prefix in entry.summary
    # Never again: the list shows its first characters only.
    listed = officer.get(LIST).content.decode()
    assert secret not in listed and f"{token.prefix}…" in listed and "Oak Provider" in listed
    answer = Client().post(
        "/api/v1/attendance/marks",
        json.dumps({"marks": [{"child": "Z", "urn": "100001"}]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert answer.status_code == 422  # through the door; the row itself is wrong
    assert "Never" not in officer.get(LIST).content.decode()  # last used now


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "urns": "100001"}, "name", "Enter who the token is for"),
        ({"name": "   ", "urns": "100001"}, "name", "Enter who the token is for"),
        (
            {"name": "x" * 101, "urns": "100001"},
            "name",
            "Who the token is for must be 100 characters or fewer",
        ),
        ({"name": "Oak", "urns": ""}, "urns", "Enter the URN of at least one school"),
        ({"name": "Oak", "urns": " , ;\n"}, "urns", "Enter the URN of at least one school"),
        (
            {"name": "Oak", "urns": "123456789"},
            "urns",
            "A URN is a number of up to 8 digits: 123456789 is not",
        ),
        (
            {"name": "Oak", "urns": "100001 ABC -5"},
            "urns",
            "A URN is a number of up to 8 digits: ABC, -5 are not",
        ),
        (
            {"name": "Oak", "urns": "1.5"},
            "urns",
            "A URN is a number of up to 8 digits: 1.5 is not",
        ),
        (
            {"name": "Oak", "urns": " ".join(str(n) for n in range(1, MAX_TOKEN_URNS + 2))},
            "urns",
            f"A token may send marks for up to {MAX_TOKEN_URNS} schools: issue another",
        ),
    ],
)
def test_the_form_names_what_is_wrong(data, field, message):
    form = FeedTokenForm(data)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_eight_digits_and_the_most_schools_are_taken():
    urns = " ".join(str(10_000_000 + n) for n in range(MAX_TOKEN_URNS))
    form = FeedTokenForm({"name": "Oak", "urns": urns})
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["urns"]) == MAX_TOKEN_URNS


def test_a_form_with_errors_is_shown_again_and_issues_nothing(officer):
    response = officer.post(NEW, {"name": "", "urns": "12x"})
    page = response.content.decode()
    assert response.status_code == 200 and page.count("govuk-error-message") == 2
    assert "<title>Error:" in page
    assert not FeedToken.objects.exists()


def test_a_token_is_revoked_after_a_question_and_refused_from_then_on(officer):
    token, secret = token_issue(name="Oak Provider", urns=["100001"], user=None)
    url = reverse("exchange:token_revoke", args=[token.pk])
    page = officer.get(url).content.decode()
    assert "Revoke the API token for Oak Provider" in page and "govuk-button--warning" in page
    response = officer.post(url, follow=True)
    assert "The token for Oak Provider is revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CHANGED, object_id=str(token.pk)
    ).exists()
    assert "Revoked" in officer.get(LIST).content.decode()
    assert "was revoked on" in officer.get(url).content.decode()
    # Revoking again changes nothing and records nothing more.
    revoked_at = token.revoked_at
    officer.post(url)
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED).count() == 1
    answer = Client().post(
        "/api/v1/attendance/marks",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert answer.status_code == 401


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.OFFICER, Role.GOVERNOR])
def test_others_cannot_issue_or_revoke(login, personas, role):
    token, _ = token_issue(name="Oak Provider", urns=["100001"], user=None)
    client = login(personas[role])
    assert client.post(NEW, {"name": "Mine", "urns": "100001"}).status_code == 404
    assert client.post(reverse("exchange:token_revoke", args=[token.pk])).status_code == 404
    assert FeedToken.objects.count() == 1 and not FeedToken.objects.get().revoked


def test_the_list_takes_the_same_queries_for_many_tokens(
    officer, personas, django_assert_max_num_queries
):
    token_issue(name="First", urns=["100001"], user=personas[Role.HEAD])
    officer.get(LIST)
    with django_assert_max_num_queries(12) as few:
        officer.get(LIST)
    for n in range(20):
        token_issue(name=f"Sender {n}", urns=[str(100 + n)], user=personas[Role.HEAD])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = officer.get(LIST).content.decode()
    assert "Sender 19" in page
