"""The head adds users and gives each a single-use, expiring link to set up their sign-in:
a first password (or their current one), then an authenticator app (issue #11)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vschool.accounts.models import EnrolmentLink, Role, User
from vschool.accounts.passwords import TOO_EASY
from vschool.accounts.services import enrolment_link_create
from vschool.accounts.tests.test_sign_in import PASSWORD, sign_in
from vschool.accounts.tests.test_two_factor import app_for, code_for
from vschool.audit.models import AuditEntry
from vschool.kit.templatetags.govuk import govuk_date

SET_UP = reverse("accounts:two_factor_setup")
NEW_PASSWORD = "marmalade kettle orbit"
USED = "This link has expired or has already been used"


@pytest.fixture(autouse=True)
def _two_factor_required(settings):
    settings.VSCHOOL_REQUIRE_2FA = True
    settings.VSCHOOL_BASE_URL = "https://vs.example.org"


@pytest.fixture
def head_client(personas):
    """The head, signed in and past two-factor."""
    client = Client()
    device = app_for(personas[Role.HEAD])
    sign_in(client, "head")
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})
    assert client.get(reverse("accounts:users")).status_code == 200
    return client


def _add(head_client, **changes):
    data = {
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": "sam.okafor@school.example.org",
        "username": "sam.okafor",
        "role": Role.DESIGNATED_TEACHER,
        **changes,
    }
    return head_client.post(reverse("accounts:user_add"), data)


def _path(address: str) -> str:
    assert address.startswith("https://vs.example.org/enrol/")
    return address.removeprefix("https://vs.example.org")


def test_a_new_user_sets_a_password_and_an_app_through_the_emailed_link(head_client, personas):
    response = _add(head_client)
    sam = User.objects.get(username="sam.okafor")
    assert response.url == reverse("accounts:user", args=[sam.pk])
    assert sam.role == Role.DESIGNATED_TEACHER and not sam.has_usable_password()
    assert AuditEntry.objects.filter(action="created", object_id=str(sam.pk)).exists()

    page = head_client.get(response.url).content.decode()
    assert "Send a link by email" in page and "Not set up" in page
    response = head_client.post(reverse("accounts:user_link", args=[sam.pk]), {"how": "email"})
    assert response.url == reverse("accounts:user", args=[sam.pk])
    [message] = mail.outbox
    assert message.to == ["sam.okafor@school.example.org"]
    assert message.subject == "Set up your sign-in to Anytown Virtual School"
    assert "choose a password" in message.body
    link = _path(re.search(r"https://\S+", message.body).group())
    page = head_client.get(response.url).content.decode()
    expires = EnrolmentLink.objects.get(user=sam).expires_at
    assert "Link given" in page
    assert f"The link works until {govuk_date(timezone.localtime(expires), 'time')}" in page

    sam_client = Client()
    page = sam_client.get(link).content.decode()
    assert "<title>Create a password – " in page
    assert "sam.okafor" in page
    response = sam_client.post(
        link, {"new_password1": "123456789012", "new_password2": "123456789012"}
    )
    assert TOO_EASY in response.context["form"].errors["new_password1"]
    response = sam_client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.url == SET_UP

    response = sam_client.get(SET_UP)
    assert response.status_code == 200 and "<svg" in response.content.decode()
    device = TOTPDevice.objects.get(user=sam, confirmed=False)
    response = sam_client.post(SET_UP, {"code": code_for(device), "next": "/"})
    assert len(response.context["codes"]) == 10
    assert sam_client.get("/").status_code == 200
    sam.refresh_from_db()
    assert sam.check_password(NEW_PASSWORD)

    # The link worked once; from now on Sam signs in with the password and the app.
    assert USED in Client().get(link).content.decode()
    later = Client()
    sign_in(later, "sam.okafor", NEW_PASSWORD)
    assert later.get("/").url.startswith(reverse("accounts:two_factor_verify"))


def test_a_link_shown_to_hand_over_lets_someone_who_lost_their_phone_replace_the_app(
    head_client, personas
):
    officer = personas[Role.OFFICER]
    old = app_for(officer)
    response = head_client.post(reverse("accounts:user_link", args=[officer.pk]), {"how": "show"})
    page = response.content.decode()
    assert "Give the link only to" in page
    link = _path(response.context["address"])
    assert response.context["address"] in page
    assert not mail.outbox

    client = Client()
    page = client.get(link).content.decode()
    assert "<title>Enter your password – " in page
    response = client.post(link, {"password": "not-the-password"})
    assert response.context["form"].errors["password"] == ["Your password is not correct"]
    failed = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN_FAILED)
    assert failed.username == "officer"
    assert client.post(link, {"password": PASSWORD}).url == SET_UP

    client.get(SET_UP)
    new = TOTPDevice.objects.get(user=officer, confirmed=False)
    client.post(SET_UP, {"code": code_for(new)})
    assert list(TOTPDevice.objects.filter(user=officer)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert StaticToken.objects.filter(device__user=officer).count() == 10


def test_wrong_passwords_through_a_link_count_towards_the_lockout(personas):
    link = _path(enrolment_link_create(by=None, request=None, user=personas[Role.OFFICER]))
    client = Client()
    for _ in range(4):
        assert client.post(link, {"password": "Summer2026!"}).status_code == 200
    assert client.post(link, {"password": "Summer2026!"}).status_code == 429
    assert client.post(link, {"password": PASSWORD}).status_code == 429
    assert not TOTPDevice.objects.exists()


def test_a_link_expires(personas, settings):
    settings.VSCHOOL_ENROLMENT_LINK_DAYS = 7
    link = _path(enrolment_link_create(by=None, request=None, user=personas[Role.SOCIAL_WORKER]))
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = Client().get(link)
    assert response.status_code == 410
    assert USED in response.content.decode()
    assert Client().get(link).status_code == 200


def test_a_newer_link_replaces_the_older_one(personas):
    dt = personas[Role.DESIGNATED_TEACHER]
    first = _path(enrolment_link_create(by=None, request=None, user=dt))
    second = _path(enrolment_link_create(by=None, request=None, user=dt))
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200
    assert EnrolmentLink.objects.filter(user=dt).count() == 1


def test_a_forged_link_or_one_for_a_deactivated_user_does_not_work(personas):
    governor = personas[Role.GOVERNOR]
    link = _path(enrolment_link_create(by=None, request=None, user=governor))
    assert Client().get(link[:-3] + "abc/").status_code == 410
    assert Client().get("/enrol/1/").status_code == 410
    governor.is_active = False
    governor.save()
    assert Client().get(link).status_code == 410


def test_the_command_prints_a_link_for_the_first_head(db, capsys):
    User.objects.create_superuser("first.head", "head@example.org", None)
    call_command("enrolment_link", "first.head")
    link = _path(capsys.readouterr().out.strip())
    assert "<title>Create a password – " in Client().get(link).content.decode()


def test_adding_a_user_refuses_taken_and_demo_usernames(head_client, personas, settings):
    errors = _add(head_client, username="social7").context["form"].errors
    assert errors["username"] == [
        "This username is kept for the demonstration. Choose another username"
    ]
    errors = _add(head_client, username="dt_b2", role="").context["form"].errors
    assert errors == {"role": ["Select role"]}
    _add(head_client)
    errors = _add(head_client, username="Sam.Okafor").context["form"].errors
    assert errors["username"] == ["There is already a user with this username"]
    errors = _add(head_client, username="sam okafor").context["form"].errors
    assert errors["username"] == [
        "Username must only include letters, numbers and the characters . @ + - _"
    ]


def test_the_head_deactivates_a_leaver_who_then_cannot_sign_in(head_client, personas):
    officer = personas[Role.OFFICER]
    url = reverse("accounts:user_access", args=[officer.pk])
    response = head_client.post(url, follow=True)
    assert "has been deactivated: they cannot sign in" in response.content.decode()
    officer.refresh_from_db()
    assert officer.is_active is False
    entry = AuditEntry.objects.get(summary="Deactivated the user")
    assert entry.object_id == str(officer.pk)
    assert sign_in(Client(), "officer").status_code == 200
    head = personas[Role.HEAD]
    assert head_client.post(reverse("accounts:user_access", args=[head.pk])).status_code == 404


def test_only_the_head_manages_users(client, personas, login, settings):
    settings.VSCHOOL_REQUIRE_2FA = False
    login(personas[Role.DEPUTY])
    officer = personas[Role.OFFICER]
    assert client.get(reverse("accounts:users")).status_code == 404
    assert client.post(reverse("accounts:user_link", args=[officer.pk])).status_code == 404
    assert client.post(reverse("accounts:user_access", args=[officer.pk])).status_code == 404
    assert not EnrolmentLink.objects.exists()
