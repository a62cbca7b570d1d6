"""Demo users share a public password, so outside demo mode they are refused (issue #11)."""

import pytest
from django.conf import settings
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from vschool.accounts.checks import check_no_demo_users
from vschool.accounts.models import Role
from vschool.accounts.services import enrolment_link_create
from vschool.accounts.tests.factories import UserFactory
from vschool.accounts.tests.test_sign_in import sign_in
from vschool.audit.models import AuditEntry

REFUSED = "Demonstration sign-ins are turned off"


@pytest.fixture
def demo_user(db, settings):
    settings.VSCHOOL_DEMO_PASSWORD = "demo"
    return UserFactory(username="social14", role=Role.SOCIAL_WORKER, password="demo")


def test_outside_demo_mode_a_demo_user_cannot_sign_in(client, demo_user):
    response = sign_in(client, "social14", "demo")
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.user, entry.summary) == (
        AuditEntry.Action.SIGN_IN_FAILED,
        demo_user,
        "Refused a demonstration sign-in outside demo mode",
    )


def test_outside_demo_mode_the_demo_password_is_refused_whoever_uses_it(client, db, settings):
    settings.VSCHOOL_DEMO_PASSWORD = "demo"
    UserFactory(username="j.bloggs", role=Role.OFFICER, password="demo")
    assert REFUSED in sign_in(client, "j.bloggs", "demo").content.decode()


def test_a_wrong_password_for_a_demo_user_gets_the_usual_message(client, demo_user):
    page = sign_in(client, "social14", "guess").content.decode()
    assert REFUSED not in page and "Enter a correct username and password" in page


def test_in_demo_mode_demo_users_sign_in(client, demo_user, settings):
    settings.DEMO_MODE = True
    assert sign_in(client, "social14", "demo").status_code == 302


def test_the_system_check_fails_while_demo_users_are_active_outside_demo_mode(demo_user, settings):
    UserFactory(username="head", role=Role.HEAD)
    UserFactory(username="social-worker-2", role=Role.SOCIAL_WORKER)  # not a demo name
    [error] = check_no_demo_users(None)
    assert isinstance(error, Error) and error.id == "vschool.E002"
    assert error.msg == "Demonstration users are active outside demo mode: head, social14."
    for name in ("officer", "officer2", "dt", "governor"):
        UserFactory(username=name)
    [error] = check_no_demo_users(None)
    assert error.msg == (
        "Demonstration users are active outside demo mode: dt, governor, head, officer, "
        "officer2 and 1 more."
    )
    with pytest.raises(SystemCheckError, match="vschool.E002"):
        call_command("check", "--deploy")


def test_the_system_check_passes_in_demo_mode_or_once_demo_users_are_inactive(demo_user, settings):
    settings.DEMO_MODE = True
    assert check_no_demo_users(None) == []
    settings.DEMO_MODE = False
    demo_user.is_active = False
    demo_user.save()
    assert check_no_demo_users(None) == []


def test_outside_demo_mode_an_enrolment_link_refuses_the_demo_password(client, demo_user):
    address = enrolment_link_create(by=None, request=None, user=demo_user)
    response = client.post(address.removeprefix(settings.VSCHOOL_BASE_URL), {"password": "demo"})
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
