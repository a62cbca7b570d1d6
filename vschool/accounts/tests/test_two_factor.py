"""TOTP two-factor set-up and verification, with recovery codes (screens.md 2.1)."""

from base64 import b32decode
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vschool.accounts.models import Role
from vschool.accounts.tests.test_sign_in import sign_in
from vschool.audit.models import AuditEntry

SET_UP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
WRONG_CODE = "The code is not correct or has expired"


@pytest.fixture
def require_2fa(settings):
    settings.VSCHOOL_REQUIRE_2FA = True


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A code that is wrong even allowing for the one step of clock drift TOTP accepts."""
    near = {f"{totp(device.bin_key, drift=d):06d}" for d in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.mark.parametrize("role", list(Role))
def test_where_required_every_role_without_an_app_needs_an_enrolment_link(
    client, personas, require_2fa, role
):
    """A password alone must not be enough to add an app: whoever stole it would add theirs."""
    assert sign_in(client, role.value).url == "/"
    response = client.get("/")
    assert response.url == f"{SET_UP}?next=%2F"
    response = client.get(response.url)
    page = response.content.decode()
    assert response.status_code == 403
    assert "<title>You need a link to set up two-factor authentication – " in page
    assert "ask the Virtual School head for a new one" in page
    assert "<svg" not in page
    assert not TOTPDevice.objects.exists()
    assert client.post(SET_UP, {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_set_up_confirms_the_app_and_shows_the_recovery_codes_once(client, personas, login):
    head = personas[Role.HEAD]
    login(head)
    response = client.get(f"{SET_UP}?next=%2F")
    page = response.content.decode()
    device = TOTPDevice.objects.get(user=head, confirmed=False)
    assert "<title>Set up two-factor authentication – " in page
    assert "<svg" in page and 'aria-label="QR code to scan with your authenticator app"' in page
    secret = response.context["secret"]
    assert secret in page
    assert b32decode(secret.replace(" ", "")) == device.bin_key
    assert "Enter the 6-digit code from your authenticator app" in page
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page

    response = client.post(SET_UP, {"code": code_for(device), "next": "/"})
    page = response.content.decode()
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in page for code in codes)
    assert "govuk-warning-text" in page and "You will not see these codes again" in page
    device.refresh_from_db()
    assert device.confirmed is True
    assert sorted(
        StaticToken.objects.filter(device__user=head).values_list("token", flat=True)
    ) == sorted(codes)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PERMISSION_CHANGED)
    assert (entry.user, entry.summary) == (head, "Set up two-factor authentication")
    assert entry.object_type == "otp_totp.TOTPDevice"

    response = client.get(response.context["continue_url"])
    page = response.content.decode()
    assert "govuk-panel--confirmation" in page
    assert '<a href="/" role="button"' in page
    assert client.get("/").status_code == 200


def test_set_up_keeps_the_next_page_through_to_the_continue_link(client, personas, login):
    login(personas[Role.HEAD])
    url = f"{SET_UP}?next=%2Faudit%2F%3Faction%3Dviewed%26user%3Dhead"
    client.get(url)
    device = TOTPDevice.objects.get(user=personas[Role.HEAD])
    response = client.post(
        url, {"code": code_for(device), "next": "/audit/?action=viewed&user=head"}
    )
    done = client.get(response.context["continue_url"])
    assert done.context["next"] == "/audit/?action=viewed&user=head"
    assert client.get(done.context["next"]).status_code == 200


def test_reloading_set_up_keeps_the_same_secret(client, personas, login):
    login(personas[Role.OFFICER])
    first = client.get(SET_UP).context["secret"]
    assert client.get(SET_UP).context["secret"] == first
    assert TOTPDevice.objects.filter(user=personas[Role.OFFICER]).count() == 1


def test_a_wrong_code_at_set_up_shows_the_error(client, personas, login):
    login(personas[Role.HEAD])
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=personas[Role.HEAD])
    response = client.post(SET_UP, {"code": wrong_code_for(device)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Set up two-factor authentication" in page
    assert page.count(WRONG_CODE) == 2  # in the error summary and by the field
    assert "govuk-input--extra-letter-spacing govuk-input--error" in page
    device.refresh_from_db()
    assert device.confirmed is False


def test_a_code_that_is_not_six_digits_says_so(client, personas, login):
    login(personas[Role.HEAD])
    response = client.post(SET_UP, {"code": "12345"})
    assert response.context["form"].errors["code"] == ["The code must be 6 digits"]


def test_wrong_codes_slow_down_guessing(client, personas, login):
    login(personas[Role.HEAD])
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=personas[Role.HEAD])
    with time_machine.travel(datetime(2026, 3, 3, 9, 5, tzinfo=UTC), tick=False) as clock:
        client.post(SET_UP, {"code": wrong_code_for(device)})
        response = client.post(SET_UP, {"code": code_for(device)})
        assert response.context["form"].errors["code"] == [
            "You entered a wrong code too many times. Wait 1 second, then try again"
        ]
        clock.shift(timedelta(seconds=2))
        response = client.post(SET_UP, {"code": code_for(device)})
    assert len(response.context["codes"]) == 10


def test_a_user_with_an_app_enters_a_code_after_signing_in(client, personas, require_2fa):
    device = app_for(personas[Role.HEAD])
    response = sign_in(client, "head", next="/account/")
    response = client.get(response.url)
    assert response.url == f"{VERIFY}?next=%2Faccount%2F"

    page = client.get(response.url).content.decode()
    assert "<title>Enter your code – " in page
    assert '<h1 class="govuk-label-wrapper">' in page
    assert "Enter the 6-digit code from your authenticator app" in page
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    assert '<span class="govuk-details__summary-text">Use a recovery code instead</span>' in page

    response = client.post(VERIFY, {"code": code_for(device), "next": "/account/"})
    assert response.url == "/account/"
    assert client.get("/account/").status_code == 200


def test_a_wrong_code_is_refused_and_recorded(client, personas, login, require_2fa):
    device = app_for(personas[Role.HEAD])
    login(personas[Role.HEAD])
    response = client.post(VERIFY, {"code": wrong_code_for(device), "next": "/"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Enter your code" in page
    assert response.context["code_form"].errors["code"] == [WRONG_CODE]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN_FAILED)
    assert (entry.username, entry.summary) == ("head", "Entered a wrong two-factor code")
    assert client.get("/").url.startswith(VERIFY)


def test_verify_goes_only_to_a_page_on_this_site(client, personas, login, require_2fa):
    device = app_for(personas[Role.HEAD])
    login(personas[Role.HEAD])
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response.url == "/"


def test_a_recovery_code_works_once(client, personas, require_2fa):
    head = personas[Role.HEAD]
    app_for(head)
    recovery = StaticDevice.objects.create(user=head, name="Recovery codes")
    recovery.token_set.create(token="abcd2345")
    recovery.token_set.create(token="efgh6789")
    sign_in(client, "head")

    response = client.post(VERIFY, {"recovery_code": "ABCD 2345", "next": "/"})
    assert response.url == "/"
    assert list(recovery.token_set.values_list("token", flat=True)) == ["efgh6789"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGNED_IN, summary__contains="recovery")
    assert entry.summary == "Used a recovery code (1 left)"
    assert "You have 1 left" in client.get("/account/").content.decode()

    client.post(reverse("accounts:logout"))
    sign_in(client, "head")
    response = client.post(VERIFY, {"recovery_code": "abcd2345", "next": "/"})
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["recovery_form"].errors["recovery_code"] == [
        "The recovery code is not correct or has already been used"
    ]
    assert '<details class="govuk-details" open>' in page
    assert client.get("/").url.startswith(VERIFY)


@pytest.mark.parametrize("role", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.GOVERNOR])
def test_where_required_every_role_with_an_app_is_asked_for_its_code(
    client, personas, require_2fa, role
):
    device = app_for(personas[role])
    sign_in(client, role.value)
    assert client.get("/").url == f"{VERIFY}?next=%2F"
    client.post(VERIFY, {"code": code_for(device), "next": "/"})
    assert client.get("/").status_code == 200


def test_where_not_required_a_designated_teacher_may_sign_in_without_an_app(client, personas):
    sign_in(client, "dt")
    assert client.get("/").status_code == 200
    assert client.get(SET_UP).status_code == 200


def test_a_designated_teacher_who_chose_an_app_is_asked_for_its_code(client, personas):
    """Two-factor set up by choice protects the account only if each sign-in asks for it."""
    device = app_for(personas[Role.DESIGNATED_TEACHER])
    sign_in(client, "dt")
    assert client.get("/").url == f"{VERIFY}?next=%2F"
    client.post(VERIFY, {"code": code_for(device), "next": "/"})
    assert client.get("/").status_code == 200


def test_staff_are_not_asked_for_a_code_when_two_factor_is_turned_off(client, personas):
    sign_in(client, "head")
    assert client.get("/").status_code == 200


def test_setting_up_again_needs_the_current_app_first(client, personas, login):
    """Otherwise a stolen password alone would be enough to replace someone's app."""
    app_for(personas[Role.DESIGNATED_TEACHER])
    login(personas[Role.DESIGNATED_TEACHER])
    response = client.get(SET_UP)
    assert response.url == f"{VERIFY}?next=%2Faccount%2Ftwo-factor%2Fset-up%2F"


def test_setting_up_again_replaces_the_app_and_the_recovery_codes(client, personas, login):
    officer = personas[Role.OFFICER]
    old = app_for(officer)
    StaticDevice.objects.create(user=officer).token_set.create(token="oldcode1")
    login(officer)
    client.post(VERIFY, {"code": code_for(old)})
    client.get(SET_UP)
    new = TOTPDevice.objects.get(user=officer, confirmed=False)
    response = client.post(SET_UP, {"code": code_for(new)})
    assert list(TOTPDevice.objects.filter(user=officer)) == [new]
    assert not StaticToken.objects.filter(token="oldcode1").exists()
    assert StaticToken.objects.filter(device__user=officer).count() == 10
    assert response.status_code == 200


def test_the_account_page_says_whether_two_factor_is_set_up(client, personas, login):
    dt = personas[Role.DESIGNATED_TEACHER]
    login(dt)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "<title>Your account – " in page
    assert "Not set up" in page
    assert "Set up two-factor authentication" in page
    assert "Change your password" in page
    app_for(dt)
    StaticDevice.objects.create(user=dt).token_set.create(token="abcd2345")
    page = client.get(reverse("accounts:account")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">On</strong>' in page
    assert "Recovery codes left" in page


def test_stay_signed_in_works_before_the_code_is_entered(client, personas, require_2fa):
    """The timeout warning shows on the set-up and code pages too."""
    sign_in(client, "social")
    assert client.get(reverse("accounts:keep_alive")).status_code == 204
    assert client.get("/").url == f"{SET_UP}?next=%2F"
